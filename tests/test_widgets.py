import numpy as np

from aeviz.ui.widgets.image_grid import ImageGrid, mosaic, to_uint8
from aeviz.ui.widgets.plots import ThemedPlot


def test_mosaic_places_each_image_row_major():
    images = np.stack([np.full((2, 3), i, np.uint8) for i in range(5)])
    tiled = mosaic(images, columns=2, gap=1, background=255)
    assert tiled.shape == (3 * 3 - 1, 2 * 4 - 1)
    assert tiled[0, 0] == 0 and tiled[0, 4] == 1 and tiled[3, 0] == 2 and tiled[6, 0] == 4
    assert tiled[6, 4] == 255  # the empty sixth cell keeps the background


def test_to_uint8_clips_and_rounds():
    out = to_uint8(np.array([[[-1.0, 0.5, 2.0, np.nan]]]))
    assert out.tolist() == [[[0, 128, 255, 0]]]


def test_image_grid_hit_testing_and_zoom(qtbot, app_state):
    grid = ImageGrid(app_state, columns=4)
    qtbot.addWidget(grid)
    grid.set_images(np.random.default_rng(0).random((8, 28, 28)))
    clicked = []
    grid.clicked.connect(clicked.append)
    rect = grid.cell_rect(5)
    assert grid.index_at(rect.center().x(), rect.center().y()) == 5
    width = grid.sizeHint().width()
    app_state.set_zoom(2.0)
    assert grid.sizeHint().width() > 1.8 * width
    app_state.set_zoom(1.0)


def test_themed_plot_follows_theme(qtbot, app_state):
    plot = ThemedPlot(app_state)
    qtbot.addWidget(plot)
    line = plot.line("train", 0)
    line.setData([0, 1], [1, 0])
    assert plot.line("train") is line
    app_state.set_theme("dark")
    assert plot.backgroundBrush().color().name() == app_state.colors.plot_bg
    app_state.set_theme("light")


def test_image_grid_fits_a_narrow_column_and_keeps_hits_right(qtbot, app_state):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    grid = ImageGrid(app_state, columns=9, cell=60)
    QVBoxLayout(holder).addWidget(grid)
    grid.set_images(np.random.default_rng(0).random((9, 28, 28)))
    full = grid.sizeHint().width()
    holder.resize(full // 2, 400)
    holder.show()
    qtbot.waitExposed(holder)
    assert grid.width() < full
    last = grid.cell_rect(8)
    assert last.right() < grid.width()                      # the ninth image is inside the widget
    assert grid.height() >= last.bottom()
    assert grid.index_at(last.center().x(), last.center().y()) == 8
    holder.resize(full + 100, 400)
    qtbot.wait(50)
    assert grid.cell_rect(8).width() == app_state.px(60)    # with room, cells are their full size again


def test_a_row_shown_after_its_page_was_hidden_gets_its_full_height(qtbot, app_state):
    """A denoising run after a plain one (the lesson's step 22 after step 2): the clean row, laid out
    while hidden, must not keep the height of an empty grid (its images were cut)."""
    from PySide6.QtWidgets import QStackedWidget, QWidget

    from aeviz.ui.widgets.live_view import PreviewRows

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    rows, other = PreviewRows(app_state), QWidget()
    stack.addWidget(rows)
    stack.addWidget(other)
    stack.resize(900, 600)
    stack.show()
    qtbot.waitExposed(stack)
    images = np.full((6, 28, 28), 0.5, np.float32)
    rows.set_inputs(images, images, noisy=False)
    stack.setCurrentWidget(other)
    rows.set_inputs(images, images, noisy=True)
    stack.setCurrentWidget(rows)
    clean = rows.grids[2]
    qtbot.waitUntil(lambda: clean.height() >= clean.sizeHint().height() >= app_state.px(rows.cell), timeout=5000)
