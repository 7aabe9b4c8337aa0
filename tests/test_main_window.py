"""The shell as a user meets it: navigation, classroom controls, export, errors."""

import json
import sys

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aeviz.ui import errors
from aeviz.ui.pages import PAGES, page_ids
from aeviz.ui.settings import load_settings, settings_path


def _sidebar_texts(window):
    return [window.sidebar.item(r).text() for r in range(window.sidebar.count())]


def test_every_registered_page_opens(main_window):
    for page_id in page_ids():
        main_window.show_page(page_id)
        assert main_window.current_page().page_id == page_id
        assert main_window.sidebar.currentItem().data(Qt.UserRole) == page_id


def test_sidebar_click_navigates(main_window, qtbot):
    rows = [r for r in range(main_window.sidebar.count()) if main_window.sidebar.item(r).data(Qt.UserRole)]
    for row in rows:
        main_window.sidebar.setCurrentRow(row)
        assert main_window.current_page().page_id == main_window.sidebar.item(row).data(Qt.UserRole)


def test_language_switch_retranslates_menus_sidebar_and_pages(main_window, app_state):
    menus = lambda: [a.text() for a in main_window.menuBar().actions()]
    assert menus()[0] == "&File" and "Home" in _sidebar_texts(main_window)
    app_state.set_language("fr")
    assert menus()[0] == "&Fichier" and "Accueil" in _sidebar_texts(main_window)
    home = main_window.page("home")
    assert any("Leçon 1" in label.text() for label in home.findChildren(type(home.heading("home.title"))))
    assert main_window.windowTitle().startswith("aeviz — les auto-encodeurs")
    assert load_settings()[0].language == "fr"


def test_zoom_scales_fonts_and_is_remembered(main_window, app_state):
    app = QApplication.instance()
    before = app.font().pointSizeF()
    app_state.zoom_in()
    assert app.font().pointSizeF() > before
    app_state.zoom_out()
    app_state.zoom_out()
    assert app.font().pointSizeF() < before
    app_state.set_zoom(1.0)
    assert abs(app.font().pointSizeF() - before) < 1e-6
    app_state.set_zoom(1.5)
    assert json.loads(settings_path().read_text())["zoom"] == 1.5


def test_zoom_shortcuts_reach_the_state(main_window, app_state, qtbot):
    keys = {a.text(): a for a in main_window.findChildren(type(main_window.presentation_action))}
    keys["Zoom in"].trigger()
    assert app_state.settings.zoom > 1.0
    keys["Reset zoom"].trigger()
    assert app_state.settings.zoom == 1.0
    assert any(s.toString() == "Ctrl++" for s in keys["Zoom in"].shortcuts())
    assert keys["Presentation mode"].shortcut().toString() == "F11"


def test_presentation_mode_makes_text_projector_sized(main_window, app_state):
    main_window.presentation_action.trigger()
    assert app_state.settings.presentation
    assert app_state.screen_height == main_window.screen().geometry().height()  # the scale for this screen
    app_state.set_screen_height(1080)  # a 1080-line projector (the offscreen screen is smaller)
    assert QApplication.instance().font().pointSizeF() >= 20
    assert main_window.isFullScreen()
    main_window.presentation_action.trigger()
    assert not main_window.isFullScreen()
    assert QApplication.instance().font().pointSizeF() < 20


def test_theme_switch_changes_palette_and_is_saved(main_window, app_state):
    app = QApplication.instance()
    light = app.palette().window().color().name()
    for action in main_window.theme_actions.actions():
        if action.data() == "dark":
            action.trigger()
    assert app.palette().window().color().name() != light
    assert load_settings()[0].theme == "dark"
    app_state.set_theme("high-contrast")
    assert app.palette().window().color().name() == "#000000"
    app_state.set_theme("light")


def test_settings_survive_a_restart(qtbot, settings_dir):
    from aeviz.ui.app_state import AppState
    from aeviz.ui.main_window import MainWindow

    first = MainWindow(AppState(load_settings()[0]))
    qtbot.addWidget(first)
    first.state.set_theme("dark")
    first.state.set_language("fr")
    first.close()
    second_state = AppState(load_settings()[0])
    assert (second_state.theme, second_state.language) == ("dark", "fr")
    second_state.set_language("en")
    second_state.set_theme("light")


def test_corrupt_settings_show_a_warning_not_a_crash(qtbot, settings_dir):
    from aeviz.ui.app_state import AppState
    from aeviz.ui.main_window import MainWindow

    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / "settings.json").write_text("{{{{")
    settings, warning = load_settings()
    window = MainWindow(AppState(settings), settings_warning=warning)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "settings" in window.statusBar().currentMessage())


def test_export_view_writes_a_png(main_window, tmp_path):
    target = tmp_path / "slides" / "home.png"
    main_window.export_view(str(target))
    with Image.open(target) as image:
        assert image.format == "PNG" and image.width > 200
    assert [p.name for p in target.parent.iterdir()] == ["home.png"]


def test_home_links_open_the_exact_state_of_their_topic(main_window):
    import importlib

    home = main_window.page("home")
    links = home.topic_links()
    assert {page for page, _preset in links} == set(page_ids()) - {"home", "exercises"}
    for page_id, preset in links:
        home.open_topic.emit(page_id, preset)
        page = main_window.current_page()
        assert page.page_id == page_id
        assert page.store.value == importlib.import_module(f"aeviz.state.{page_id}").PRESETS[preset](), preset


def test_pages_are_grouped_by_lesson(main_window):
    lessons = [spec.lesson for spec in PAGES]
    assert lessons == sorted(lessons) and PAGES[0].page_id == "home"


def test_unexpected_exception_is_logged_and_survived(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path))
    errors.setup_logging()
    reporter = errors.install_exception_hooks()
    before = reporter.shown_count
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert reporter.shown_count == before + 1
    import logging
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "boom in a slot" in errors.log_file().read_text()


def test_page_list_can_be_hidden_for_more_room(main_window):
    main_window.sidebar_action.trigger()
    assert not main_window.sidebar.isVisible()
    main_window.sidebar_action.trigger()
    assert main_window.sidebar.isVisible()


def test_zoom_keys_pressed_change_the_zoom_without_ambiguity(main_window, app_state, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    main_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main_window, timeout=2000)
    for action in main_window.findChildren(type(main_window.presentation_action)):
        keys = [s.toString() for s in action.shortcuts()]
        assert len(keys) == len(set(keys)), (action.text(), keys)  # a key bound twice answers to neither
    qtbot.keyClick(main_window, Qt.Key_Plus, Qt.ControlModifier)
    assert app_state.settings.zoom > 1.0
    qtbot.keyClick(main_window, Qt.Key_0, Qt.ControlModifier)
    assert app_state.settings.zoom == 1.0
    qtbot.keyClick(main_window, Qt.Key_Minus, Qt.ControlModifier)
    assert app_state.settings.zoom < 1.0
    qtbot.keyClick(main_window, Qt.Key_0, Qt.ControlModifier)
