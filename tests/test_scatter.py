"""The latent map's point cloud: each point drawn where it lies, in its class colour, on top of
ScatterPlotItem's look, and hidden classes left out (the raster is ours, so it is checked here)."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor


@pytest.fixture
def scatter(qtbot, app_state):
    from aeviz.ui.widgets.scatter import LatentScatter

    widget = LatentScatter(app_state)
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _pixel_at(widget, xy):
    vb = widget.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(float(xy[0]), float(xy[1])))
    view = widget.mapFromScene(scene)
    image = widget.grab().toImage()
    return QColor(image.pixel(view.x(), view.y()))


def _blend(colour: str, background: str, alpha: int = 190) -> np.ndarray:
    fg, bg = QColor(colour), QColor(background)
    a = alpha / 255
    return np.array([fg.red() * a + bg.red() * (1 - a), fg.green() * a + bg.green() * (1 - a),
                     fg.blue() * a + bg.blue() * (1 - a)])


def test_each_point_is_drawn_where_it_lies_in_its_class_colour(scatter, app_state, qtbot):
    from aeviz.ui.widgets.scatter import class_colors

    xy = np.array([[1.3, 1.7], [8.3, 1.7], [1.3, 8.7], [8.3, 8.7]], np.float32)  # off the grid lines
    labels = np.array([0, 1, 2, 1])
    scatter.set_points(xy, labels, ["a", "b", "c"])
    for name in scatter._texts:  # class names sit on the medians; keep them off the points
        name.hide()
    qtbot.wait(20)
    colours = class_colors(app_state, 3)
    background = app_state.colors.plot_bg
    for point, label in zip(xy, labels):
        got = _pixel_at(scatter, point)
        want = _blend(colours[label], background)
        assert np.abs(np.array([got.red(), got.green(), got.blue()]) - want).max() <= 3, (point, label)
    empty = _pixel_at(scatter, (4.7, 5.3))
    assert empty == QColor(background)


def test_a_hidden_class_is_not_drawn_and_a_shown_one_comes_back(scatter, app_state, qtbot):
    xy = np.array([[1.3, 1.7], [8.3, 8.7]], np.float32)
    scatter.set_points(xy, np.array([0, 1]), ["a", "b"])
    background = QColor(app_state.colors.plot_bg)

    def shown(point):
        for name in scatter._texts:  # class names sit on the medians, i.e. on these points
            name.hide()
        qtbot.wait(20)
        return _pixel_at(scatter, point) != background

    scatter.set_class_visible(1, False)
    assert shown((1.3, 1.7)) and not shown((8.3, 8.7))
    scatter.set_class_visible(1, True)
    assert shown((8.3, 8.7))


def test_every_one_of_sixty_thousand_points_is_painted(scatter, qtbot):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 1, (60000, 2)).astype(np.float32)
    scatter.set_points(xy, rng.integers(0, 10, 60000), [str(i) for i in range(10)])
    assert scatter.cloud.point_count() == 60000
    image = scatter.grab().toImage()
    vb = scatter.getPlotItem().vb
    rect = vb.mapRectToScene(vb.boundingRect()).toRect()
    pixels = np.array([[QColor(image.pixel(x, y)).lightness() for x in range(rect.left() + 5, rect.right() - 5, 7)]
                       for y in range(rect.top() + 5, rect.bottom() - 5, 7)])
    # uniform points at this density cover most of the plot: far more than a few stray dots
    assert (pixels < QColor(scatter.state.colors.plot_bg).lightness() - 10).mean() > 0.5


def test_disc_stamps_are_round_and_grow_with_the_size():
    from aeviz.ui.widgets.scatter import disc_offsets

    previous = 0
    for diameter in (2.5, 3.5, 5, 7, 10):
        ox, oy, inner, reach = disc_offsets(diameter)
        assert len(ox) > previous
        previous = len(ox)
        assert np.all(np.hypot(ox, oy) <= diameter / 2 + 0.5)
        assert inner[(ox == 0) & (oy == 0)].all()
        assert np.abs(ox).max() <= reach and np.abs(oy).max() <= reach
