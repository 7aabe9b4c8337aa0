"""The lesson player in the main window: keys, black screen, overview, teachers' own lessons, bad files."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from aeviz.state.exercises import ExercisesState
from aeviz.state.lesson import Lesson, Step, has_builtin_lesson, load_lesson, save_lesson
from aeviz.ui.lesson_editor import LessonEditor

STATES = [ExercisesState(choice="conv_cell", level=1, seed=7), ExercisesState(choice="conv_size", level=1, seed=5),
          ExercisesState(choice="transposed_size", level=2, seed=41, attempts=("3x3",)),
          ExercisesState(choice="conv_cell", level=2, seed=12)]


def _lesson() -> Lesson:
    return Lesson("Essai", "Trial", tuple(
        Step("exercises", state, f"Légende {n}", f"Caption {n}") for n, state in enumerate(STATES, start=1)))


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes answered at once (offscreen they would wait forever); what they said is kept."""
    said = {"warning": [], "question": []}
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said["warning"].append(text))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: said["question"].append(text) or QMessageBox.Discard)
    return said


@pytest.fixture
def playing(main_window, dialogs):
    main_window.lesson_player.start(_lesson())
    main_window.sidebar.setFocus()  # a list of pages: not an editing widget
    return main_window


def _page_value(window):
    return window.current_page().store.value


def test_starting_shows_step_one_with_the_bar(playing):
    player, bar = playing.lesson_player, playing.lesson_bar
    assert player.index == 0 and _page_value(playing) == STATES[0]
    assert playing.current_page().page_id == "exercises"
    assert bar.isVisible() and bar.step_text() == "Step 1 / 4" and bar.caption_text() == "Caption 1"


@pytest.mark.parametrize("key, expected", [
    (Qt.Key_PageDown, 1), (Qt.Key_Right, 1), (Qt.Key_Space, 1), (Qt.Key_End, 3)])
def test_keys_move_forward(playing, qtbot, key, expected):
    qtbot.keyClick(playing.sidebar, key)
    assert playing.lesson_player.index == expected and _page_value(playing) == STATES[expected]
    assert playing.lesson_bar.step_text() == f"Step {expected + 1} / 4"


def test_keys_move_back_and_stop_at_the_ends(playing, qtbot):
    qtbot.keyClick(playing.sidebar, Qt.Key_End)
    for key, expected in ((Qt.Key_PageUp, 2), (Qt.Key_Left, 1), (Qt.Key_Home, 0), (Qt.Key_PageUp, 0)):
        qtbot.keyClick(playing.sidebar, key)
        assert playing.lesson_player.index == expected
    assert _page_value(playing) == STATES[0]
    qtbot.keyClick(playing.sidebar, Qt.Key_End)
    qtbot.keyClick(playing.sidebar, Qt.Key_PageDown)
    assert playing.lesson_player.index == 3


def test_a_spin_box_keeps_its_arrows_but_the_remote_still_works(playing, qtbot):
    page = playing.current_page()
    spin = page.seed_spin
    spin.setFocus()
    spin.lineEdit().setCursorPosition(1)
    qtbot.keyClick(spin, Qt.Key_Left)
    assert spin.lineEdit().cursorPosition() == 0 and playing.lesson_player.index == 0
    qtbot.keyClick(spin, Qt.Key_Right)
    assert spin.lineEdit().cursorPosition() == 1 and playing.lesson_player.index == 0
    qtbot.keyClick(spin, Qt.Key_B)
    assert not playing.lesson_keys.blanked
    qtbot.keyClick(spin, Qt.Key_PageDown)
    assert playing.lesson_player.index == 1


def test_typing_an_answer_keeps_space_and_letters(playing, qtbot):
    edit = playing.current_page().answer_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "b 2")
    assert edit.text() == "b 2" and playing.lesson_player.index == 0 and not playing.lesson_keys.blanked


def test_modified_keys_stay_the_pages(playing, qtbot):
    qtbot.keyClick(playing.sidebar, Qt.Key_Right, Qt.AltModifier)
    qtbot.keyClick(playing.sidebar, Qt.Key_End, Qt.ControlModifier)
    assert playing.lesson_player.index == 0


def test_b_blanks_the_screen_and_any_key_or_click_brings_it_back(playing, qtbot):
    keys = playing.lesson_keys
    qtbot.keyClick(playing.sidebar, Qt.Key_B)
    assert keys.blanked
    image = playing.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).value() == 0
    assert image.pixelColor(10, 5).value() == 0  # the menu bar is covered too
    qtbot.keyClick(playing.sidebar, Qt.Key_X)
    assert not keys.blanked and playing.lesson_player.index == 0  # the key only brought the view back
    qtbot.keyClick(playing.sidebar, Qt.Key_B)
    qtbot.mouseClick(keys.black, Qt.LeftButton)
    assert not keys.blanked and playing.lesson_player.index == 0


def test_keys_are_the_pages_again_after_leaving(playing, qtbot):
    assert playing.lesson_menu.leave()
    assert not playing.lesson_bar.isVisible()
    playing.sidebar.setFocus()
    before = playing.sidebar.currentRow()
    qtbot.keyClick(playing.sidebar, Qt.Key_Home)
    assert playing.sidebar.currentRow() != before and not playing.lesson_player.active
    qtbot.keyClick(playing.sidebar, Qt.Key_B)
    assert not playing.lesson_keys.blanked


def test_the_overview_draws_every_thumbnail_then_jumps(playing, qtbot):
    overview = playing.lesson_menu.show_overview()
    assert overview.shown_thumbnails() < 4  # drawn later, one per timer tick
    qtbot.waitUntil(lambda: overview.shown_thumbnails() == 4, timeout=20000)
    pixmap = playing.thumbnails.pixmap(_lesson().steps[2])
    assert not pixmap.isNull() and pixmap.width() == overview.thumbnails.width
    assert len({playing.thumbnails.pixmap(s).toImage().bits().tobytes() for s in _lesson().steps}) == 4
    overview.grid.setCurrentRow(2)
    overview.accept()
    assert playing.lesson_player.index == 2 and _page_value(playing) == STATES[2]
    again = playing.lesson_menu.show_overview()
    assert again.shown_thumbnails() == 4  # kept: the second overview opens complete
    again.reject()
    assert playing.lesson_player.index == 2


def test_add_reorder_delete_edit_then_save_and_reload(playing, qtbot, tmp_path, monkeypatch):
    menu, player = playing.lesson_menu, playing.lesson_player
    page = playing.current_page()
    page.show_exercise("conv_size", 99, 2)
    menu.add_view("Ma vue", "My view", "play")
    added = page.store.value
    assert player.index == 1 and len(player) == 5 and player.modified
    assert player.lesson.steps[1] == Step("exercises", page.store.value, "Ma vue", "My view", "play")
    assert playing.lesson_bar.step_text() == "Step 2 / 5"

    def edit(editor):
        editor.select(0)
        editor.move(1)        # 1 ↔ the added view
        editor.select(4)
        editor.delete()       # the last step
        editor.select(2)
        editor.set_captions("Nouvelle légende", "New caption")
        editor.title_fr.setText("Mon cours")
        return QDialog.Accepted

    monkeypatch.setattr(LessonEditor, "exec", edit)
    menu.edit_dialog()
    steps = player.lesson.steps
    assert [s.caption_en for s in steps] == ["My view", "Caption 1", "New caption", "Caption 3"]
    assert steps[0].state == added and steps[2].state == STATES[1] and player.lesson.title_fr == "Mon cours"
    assert player.index == 2 and _page_value(playing) == STATES[1]
    path = menu.save_to(tmp_path / "mine.aevizlesson")
    assert not player.modified and load_lesson(path) == player.lesson


def test_the_editor_keeps_at_least_one_step_and_cancel_changes_nothing(qapp):
    lesson = Lesson("a", "b", (_lesson().steps[0],))
    editor = LessonEditor(lesson)
    editor.delete()
    assert editor.edited_lesson() == lesson and not editor.step_buttons["delete"].isEnabled()
    assert editor.step_buttons["delete"].toolTip()


def test_adding_a_view_without_a_lesson_starts_one(main_window, dialogs):
    main_window.show_page("exercises")
    main_window.lesson_menu.add_view("Première", "First")
    player = main_window.lesson_player
    assert player.active and len(player) == 1 and player.modified and main_window.lesson_bar.isVisible()


def test_leaving_a_modified_lesson_asks_and_cancel_keeps_it(playing, monkeypatch, dialogs):
    playing.lesson_menu.add_view("x", "y")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    assert not playing.lesson_menu.leave() and playing.lesson_player.active
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    assert playing.lesson_menu.leave() and not playing.lesson_player.active


def test_a_bad_lesson_file_says_why_in_french_and_changes_nothing(playing, app_state, dialogs, tmp_path):
    app_state.set_language("fr")
    shown = 2
    playing.lesson_player.go(shown)
    doc = json.loads(_lesson().to_json())
    doc["steps"][1]["state"]["seed"] = -4
    bad = tmp_path / "bad.aevizlesson"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    assert not playing.lesson_menu.open_file(bad)
    assert playing.lesson_player.lesson == _lesson() and playing.lesson_player.index == shown
    assert _page_value(playing) == STATES[shown]
    (message,) = dialogs["warning"]
    assert "Étape 2" in message and "graine" in message and "hors de l'intervalle" in message
    assert "step" not in message.lower() and "outside" not in message


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04", "endommagé"),
    (json.dumps({"format": "aeviz-view"}).encode(), "n'est pas une leçon"),
    (json.dumps({"format": "aeviz-lesson", "format_version": 3, "steps": []}).encode(), "plus récente"),
    (json.dumps({"format": "aeviz-lesson", "format_version": 1, "steps": [{"page": "nowhere"}]}).encode(),
     "« nowhere »"),
    (json.dumps({"format": "aeviz-lesson", "format_version": 1,
                 "steps": [{"page": "exercises", "action": "fly"}]}).encode(), "action invalide"),
])
def test_every_lesson_error_reads_in_french(main_window, app_state, dialogs, tmp_path, content, words):
    app_state.set_language("fr")
    path = tmp_path / "x.aevizlesson"
    path.write_bytes(content)
    assert not main_window.lesson_menu.open_file(path)
    assert words in dialogs["warning"][0] and not main_window.lesson_player.active


def test_captions_follow_the_language(playing, app_state):
    app_state.set_language("fr")
    assert playing.lesson_bar.step_text() == "Étape 1 / 4" and playing.lesson_bar.caption_text() == "Légende 1"


def test_the_caption_follows_zoom_and_is_20_pt_in_presentation(playing, app_state):
    normal = playing.lesson_bar.caption_label.font().pointSizeF()
    app_state.set_presentation(True)
    app_state.set_screen_height(1080)  # a 1080-line projector (the offscreen screen is smaller)
    try:
        assert playing.lesson_bar.caption_label.font().pointSizeF() >= 20 > normal
        assert playing.lesson_bar.step_label.font().pointSizeF() >= 20
    finally:
        app_state.set_presentation(False)


def test_the_builtin_entry_is_hidden_without_a_builtin_lesson(main_window):
    assert main_window.lesson_menu.actions["builtin"].isVisible() == has_builtin_lesson()


def test_menu_entries_say_why_they_are_disabled(main_window):
    main_window.show_page("home")
    menu = main_window.lesson_menu
    menu.update_actions()
    assert not menu.actions["save"].isEnabled() and menu.actions["save"].toolTip()
    assert not menu.actions["add"].isEnabled() and menu.actions["add"].toolTip()
    main_window.show_page("exercises")
    menu.update_actions()
    assert menu.actions["add"].isEnabled()


def test_a_saved_lesson_opens_from_the_menu(main_window, dialogs, tmp_path):
    path = save_lesson(tmp_path / "l.aevizlesson", _lesson())
    assert main_window.lesson_menu.open_file(path)
    assert main_window.lesson_player.path == path and not main_window.lesson_player.modified
    assert _page_value(main_window) == STATES[0]


def test_builtin_source_says_why_when_there_is_none(main_window, app_state, dialogs):
    app_state.set_language("fr")
    if has_builtin_lesson():
        assert main_window.lesson_menu.open_source("builtin") and main_window.lesson_player.active
    else:
        assert not main_window.lesson_menu.open_source("builtin")
        assert "leçon intégrée" in dialogs["warning"][0] and not main_window.lesson_player.active


def test_closing_the_window_with_unsaved_steps_asks_first(main_window, dialogs, monkeypatch):
    main_window.show_page("exercises")
    main_window.lesson_menu.add_view("Première", "First")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    main_window.close()
    assert main_window.isVisible() and main_window.lesson_player.active
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    main_window.close()
    assert not main_window.isVisible()


def test_a_page_shortcut_on_a_lesson_key_does_not_steal_it(playing, qtbot):
    from PySide6.QtGui import QAction, QKeySequence

    fired = []
    action = QAction(playing)
    action.setShortcut(QKeySequence(Qt.Key_Right))
    action.triggered.connect(lambda: fired.append(True))
    playing.addAction(action)
    qtbot.keyClick(playing.sidebar, Qt.Key_Right)
    assert playing.lesson_player.index == 1 and not fired
    playing.lesson_menu.leave()
    qtbot.keyClick(playing.sidebar, Qt.Key_Right)
    assert fired  # without a lesson the shortcut is the page's again


def _fake_builtin(monkeypatch, make):
    import importlib.machinery
    import sys
    import types

    module = types.ModuleType("aeviz.state.builtin_lesson")
    module.__spec__ = importlib.machinery.ModuleSpec("aeviz.state.builtin_lesson", None)
    module.builtin_lesson = make
    monkeypatch.setitem(sys.modules, "aeviz.state.builtin_lesson", module)


def test_the_builtin_course_starts_from_the_menu(monkeypatch, app_state, qtbot, dialogs):
    from aeviz.ui.main_window import MainWindow

    _fake_builtin(monkeypatch, _lesson)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    menu = window.lesson_menu
    menu.update_actions()
    assert menu.actions["builtin"].isVisible() and menu.actions["builtin"].isEnabled()
    menu.actions["builtin"].trigger()
    assert window.lesson_player.lesson == _lesson() and window.lesson_player.index == 0


def test_a_builtin_course_that_cannot_be_built_is_disabled_with_why(monkeypatch, app_state, qtbot):
    from aeviz.state.lesson import LessonError
    from aeviz.ui.main_window import MainWindow

    def broken():
        raise LessonError("lesson.bad_state", "step 3: seed", step=3, state_code="state.out_of_range", field="seed",
                          value=-1, lo=0, hi=99999)

    app_state.set_language("fr")
    _fake_builtin(monkeypatch, broken)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.lesson_menu.update_actions()
    action = window.lesson_menu.actions["builtin"]
    assert action.isVisible() and not action.isEnabled()
    assert action.toolTip().startswith("Étape 3 : graine") and "hors de l'intervalle" in action.toolTip()


def test_a_shown_step_is_captured_as_its_thumbnail(playing, qtbot):
    from aeviz.ui.lesson_overview import CAPTURE_DELAY_MS

    steps = _lesson().steps
    qtbot.wait(CAPTURE_DELAY_MS + 300)
    assert playing.thumbnails.pixmap(steps[0]) is not None and playing.thumbnails.pixmap(steps[1]) is None
    qtbot.keyClick(playing.sidebar, Qt.Key_PageDown)
    qtbot.keyClick(playing.sidebar, Qt.Key_PageDown)  # step 2 is left before its capture: none taken
    qtbot.wait(CAPTURE_DELAY_MS + 300)
    assert playing.thumbnails.pixmap(steps[1]) is None and playing.thumbnails.pixmap(steps[2]) is not None
    overview = playing.lesson_menu.show_overview()
    assert overview.shown_thumbnails() == 2
    overview.reject()


def test_thumbnails_are_queued_cheapest_first(app_state):
    """Steps whose hidden page exists come first (one render each); then page by page, so each page
    is built once, in the order the lesson first needs it."""
    from aeviz.state.builtin_lesson import builtin_lesson
    from aeviz.ui.lesson_overview import ThumbnailCache

    by_page = {}
    for step in builtin_lesson().steps:
        by_page.setdefault(step.page, []).append(step)
    conv, tconv, exercises = by_page["convolution"], by_page["transposed"], by_page["exercises"]
    steps = (conv[0], tconv[0], conv[1], exercises[0], tconv[1])
    cache = ThumbnailCache(app_state)
    cache._pages["transposed"] = object()  # as if a thumbnail of that page was drawn before
    try:
        cache.request(steps)
        assert [index for index, _step in cache._queue] == [1, 4, 0, 2, 3]
    finally:
        cache.stop()
        cache._pages.clear()


def test_the_caption_is_as_tall_as_its_wrapped_text(playing, qtbot):
    """A long caption shows every line (the last one was cut on a 1280×720 projector); a short one
    takes one line, not the page's room."""
    steps = _lesson().steps
    long_caption = " ".join(["Une légende longue qui revient à la ligne plusieurs fois."] * 5)
    playing.lesson_player.replace_lesson(Lesson("Essai", "Trial", (
        Step("exercises", steps[0].state, long_caption, long_caption), steps[1])), 0)
    label = playing.lesson_bar.caption_label
    line = label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: label.height() >= 3 * line)
    assert label.height() >= label.heightForWidth(label.width())
    playing.lesson_player.go(1)
    qtbot.waitUntil(lambda: label.height() < 2 * line)


def test_the_next_steps_page_is_built_while_the_step_is_on_screen(main_window, dialogs, qtbot, monkeypatch):
    """Building a page the first time blocks the window for a moment: the player does it while the
    current step is being talked about, so pressing "next" only shows an existing page."""
    from aeviz.state.transposed import PRESETS
    from aeviz.ui import lesson_player

    monkeypatch.setattr(lesson_player, "PREFETCH_AFTER_MS", 50)
    lesson = Lesson("Essai", "Trial", (Step("exercises", STATES[0], "Un", "One"),
                                       Step("transposed", PRESETS["transposed"](), "Deux", "Two")))
    player = lesson_player.LessonPlayer(main_window)
    assert "transposed" not in main_window.pages
    player.start(lesson)
    qtbot.waitUntil(lambda: "transposed" in main_window.pages, timeout=5000)
    assert main_window.current_page().page_id == "exercises"
