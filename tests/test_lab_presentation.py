"""The lab pages in presentation: every lesson preset's stage is whole on screen, the grids
shrink only when the matrix view would not fit, and the stepper names what it walks."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea

from aeviz.state import convolution, transposed

SIZES = [(1920, 1080), (1280, 720)]
MODULES = {"convolution": convolution, "transposed": transposed}
PRESETS = [(page_id, name) for page_id, module in MODULES.items() for name in module.PRESETS]


def _rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _viewports(widget):
    """The viewports of every scroll area holding ``widget``: it is seen only inside all of them."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            yield parent.viewport()
        parent = parent.parentWidget()


@pytest.fixture
def window(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    app_state.set_language("fr")
    app_state.set_presentation(True)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    yield window
    window.close()
    app_state.set_presentation(False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("page_id, preset", PRESETS)
def test_each_lesson_preset_shows_its_stage_whole(window, qtbot, page_id, preset, size):
    window.setWindowState(Qt.WindowNoState)
    window.resize(*size)
    window.show()
    window.show_page(page_id)
    page = window.current_page()
    page.open_state(MODULES[page_id].PRESETS[preset]())
    qtbot.wait(300)
    stage = page.stage_widgets()
    assert stage
    for widget in stage:
        assert widget.isVisible(), (preset, type(widget).__name__)
        for viewport in _viewports(widget):
            assert _rect(viewport, window).contains(_rect(widget, window)), (preset, type(widget).__name__)


def test_the_grids_shrink_in_presentation_only_and_as_little_as_needed(window, qtbot):
    window.setWindowState(Qt.WindowNoState)
    window.resize(1920, 1080)
    window.show()
    window.show_page("convolution")
    page = window.current_page()
    page.open_state(convolution.PRESETS["matrix"]())
    qtbot.wait(300)
    shrunk = page.vecx_view.zoom
    assert 0.3 <= shrunk < 1   # 16 entries at projector size: taller than the screen at zoom 1
    page.edit(section="direct")   # the direct view back: the matrix keeps the state's zoom, and scrolls
    qtbot.wait(200)
    assert page.vecx_view.zoom == pytest.approx(1.0)
    page.edit(section="matrix")
    qtbot.wait(200)
    assert page.vecx_view.zoom == pytest.approx(shrunk, abs=0.02)
    window.state.set_presentation(False)
    qtbot.wait(300)
    assert page.vecx_view.zoom == pytest.approx(1.0)
    assert page.c_view.zoom == pytest.approx(page.store.value.matrix_zoom / 100)


def test_the_stepper_counts_cells_and_partials_not_lesson_steps(window, qtbot):
    window.show_page("convolution")
    conv = window.current_page()
    conv.open_state(convolution.PRESETS["convolution"]())
    assert conv.stepper.position.text() == "Case 1 / 4"
    conv.stepper.reset()
    assert conv.stepper.position.text() == "Case — / 4"
    window.show_page("transposed")
    tconv = window.current_page()
    tconv.open_state(transposed.PRESETS["transposed"]())
    assert tconv.stepper.position.text() == "Partielle 2 / 4"
    window.state.set_language("en")
    assert tconv.stepper.position.text() == "Partial 2 / 4"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_lessons_lab_steps_show_their_stage_whole_under_the_lesson_bar(window, qtbot, size):
    """The lesson bar takes height from the page: the partials' last row was cut (the split was sized
    against an inflated total, so the scatter-add view got 81 % of the height it asked for)."""
    from aeviz.state.lesson import open_lesson

    window.setWindowState(Qt.WindowNoState)
    window.resize(*size)
    window.show()
    lesson = open_lesson("builtin")
    window.lesson_player.start(lesson, run_actions=False)
    for index, step in enumerate(lesson.steps):
        if step.page not in MODULES:
            continue
        window.lesson_player.go(index, run_action=False)
        qtbot.wait(300)
        page = window.current_page()
        for widget in page.stage_widgets():
            for viewport in _viewports(widget):
                assert _rect(viewport, window).contains(_rect(widget, window)), (index + 1, type(widget).__name__)
    window.lesson_player.leave()
