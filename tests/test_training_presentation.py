"""The training page on a projector: the stage (drawing, tall curves, large images) with a slim
strip of run controls, the full panel back when the drawer opens; the drawing's words apart."""

import itertools

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics

from aeviz.state.training import PRESETS


def _rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.fixture
def stage(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    app_state.set_presentation(True)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowNoState)
    window.resize(1920, 1080)
    window.show()
    window.show_page("training")
    page = window.current_page()
    page.open_state(PRESETS["denoising"]())
    page.open_pretrained("conv_denoiser")
    page.prepare_for_screenshot()
    qtbot.wait(300)
    yield window, page
    page.shutdown()
    window.close()
    app_state.set_presentation(False)


def test_the_stage_keeps_start_pause_stop_in_one_strip_and_gives_the_plot_the_height(stage):
    window, page = stage
    panel = page.panel
    assert page.left_scroll.isHidden()
    buttons = (panel.start_button, panel.pause_button, panel.stop_button)
    assert all(b.isVisible() for b in buttons) and not panel.reset_button.isVisible()
    assert len({_rect(b, window).center().y() for b in (*buttons, panel.progress)}) == 1  # one row
    assert not panel.banner.isVisible() and not panel.status.isVisible()
    assert panel.height() < 2 * panel.start_button.height()
    assert page.curves.plot.height() >= 400  # was ~80 px with the curves over the images
    # noisy / output / clean side by side with the curves, each image larger than outside the stage
    grids = page.previews.grids
    assert all(g.isVisible() for g in grids) and page.previews.noisy
    assert grids[0].cell_rect(0).width() >= 1.3 * page.state.px(page.previews.cell)
    curves, images = _rect(page.curves, window), _rect(page.preview_scroll, window)
    assert curves.right() < images.left() and abs(curves.top() - images.top()) < page.state.px(8)
    assert images.width() >= page.previews.sizeHint().width()
    assert not page.preview_scroll.horizontalScrollBar().isVisible()


def test_the_drawer_and_leaving_presentation_bring_the_full_panel_back(stage, qtbot, app_state):
    window, page = stage
    window.controls_action.trigger()  # "Show the controls": the drawer
    qtbot.wait(100)
    assert not page.left_scroll.isHidden()
    assert not page.panel.compact and page.panel.reset_button.isVisible()
    assert page.live.orientation() == Qt.Vertical
    window.controls_action.trigger()
    qtbot.wait(100)
    assert page.panel.compact and page.live.orientation() == Qt.Horizontal
    app_state.set_presentation(False)
    qtbot.wait(100)
    assert not page.panel.compact and page.panel.status.isVisible()
    assert page.preview_scroll.minimumWidth() == 0
    assert page.previews.grids[0].cell_rect(0).width() == page.state.px(page.previews.cell)


@pytest.mark.parametrize("presentation", [False, True])
def test_encoder_code_decoder_never_run_together(qtbot, app_state, presentation):
    from aeviz.core.models import build_model, describe_layers
    from aeviz.ui.widgets.architecture import ArchitectureDrawing

    app_state.set_presentation(presentation)
    try:
        drawing = ArchitectureDrawing(app_state)
        qtbot.addWidget(drawing)
        config = PRESETS["denoising"]().model_config((1, 28, 28))
        drawing.set_rows(describe_layers(build_model(config, seed=0)))
        metrics = QFontMetrics(app_state.font(1.0, bold=True))
        for width in (420, 700, 1000, 1900):
            drawing.resize(width, drawing.sizeHint().height())
            xs = drawing.column_xs()
            code_i = [part for part, _shape in drawing.columns].index("code")
            rects = drawing.bracket_rects(metrics, xs, code_i, 30)
            for (_a, ra), (_b, rb) in itertools.combinations(rects, 2):
                assert not ra.intersects(rb), (width, _a, _b)
            assert all(0 <= r.left() and r.right() <= width for _t, r in rects)
            if width >= 1000:  # room enough: whole words, none shortened
                assert all(r.width() >= metrics.horizontalAdvance(t) for t, r in rects), width
    finally:
        app_state.set_presentation(False)
