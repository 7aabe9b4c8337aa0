"""The latent explorer in presentation, in each state the home links and the lesson open.

For every preset at 1920×1080 and 1280×720: the map and the shown tab's result lie inside the
visible part of the page *and* of the tab (no scrolling of either), nothing scrolls sideways, and
the tab's settings are folded away until "Show the controls" brings them back.
"""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

from aeviz.state.latent import PRESETS

SIZES = [(1920, 1080), (1280, 720)]


def _rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.fixture
def window(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    app_state.set_presentation(True)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowNoState)
    yield window
    window.page("latent").shutdown()
    window.close()
    app_state.set_presentation(False)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_shows_its_stage_whole(window, qtbot, preset):
    window.show()
    window.show_page("latent")
    page = window.page("latent")
    page.open_state(PRESETS[preset]())
    page.prepare_for_screenshot()
    tab = page.tab_pages[page.tabs.currentIndex()]
    for size in SIZES:
        window.resize(*size)
        qtbot.wait(300)
        seen = _rect(window.page_scroll_area("latent").viewport(), window)
        tab_area = next(a for a in page.tabs.currentWidget().findChildren(QScrollArea)) \
            if not isinstance(page.tabs.currentWidget(), QScrollArea) else page.tabs.currentWidget()
        tab_seen = _rect(tab_area.viewport(), window)
        assert page.stage_widgets()[0] is page.scatter
        for widget in page.stage_widgets():
            where = (preset, size, type(widget).__name__, _rect(widget, window))
            assert widget.isVisible(), where
            assert seen.contains(_rect(widget, window)), where
            if widget is not page.scatter:
                assert tab_seen.contains(_rect(widget, window)), (where, tab_seen)
        scrollers = [a for a in page.findChildren(QAbstractScrollArea) if a.isVisible()]
        assert not any(a.horizontalScrollBar().isVisible() for a in scrollers), (preset, size)
        assert not any(w.isVisible() for w in tab.controls), (preset, size)


def test_show_the_controls_brings_every_setting_back(window, qtbot):
    window.show()
    window.show_page("latent")
    page = window.page("latent")
    page.open_state(PRESETS["morphing"]())
    morph = page.tab_pages[0]
    assert not page.controls.isVisible() and not morph.pick_buttons[0].isVisible()
    window.controls_action.trigger()
    assert page.controls.isVisible() and page.csv_button.isVisible()
    assert all(w.isVisible() for w in morph.controls)
    window.controls_action.trigger()
    assert not page.hint.isVisible() and not any(w.isVisible() for w in morph.controls)
