"""A labelled scatter fast enough for all 70k MNIST codes, with hover, click and overlays.

pyqtgraph's ScatterPlotItem builds per-point Python objects (≈ 200 ms for 60k points
with per-point colours); ``PointCloud`` keeps the points as numpy arrays and
rasterises them itself, so both set_data and a repaint are a few milliseconds. Hover and click search the
visible points with one numpy argmin in screen pixels (≈ 1 ms at 70k).

Class names are written at the class medians, so a cluster is named on the plot and
not by its colour alone.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from aeviz.ui import deferred
from aeviz.ui.widgets.plots import ThemedPlot

# Paul Tol's muted colours complete Okabe–Ito beyond its 8 hues (MNIST has 10 classes).
_EXTRA = ("#AA4499", "#999933", "#882255", "#44AA99", "#DDCC77", "#117733")


def class_colors(state, n: int) -> list[str]:
    series = list(state.colors.series) + list(_EXTRA)
    return [series[i % len(series)] for i in range(n)]


class PointCloud(pg.GraphicsObject):
    """Points in data coordinates, rasterised with numpy into one image per paint.

    Qt draws each wide round point as a small ellipse, so a frame at 60k points took
    100–240 ms and panning stuttered. Here a paint maps every point to device pixels
    at once, stamps a disc of the point's size into a premultiplied ARGB buffer (one
    vectorised assignment per pixel of the disc) and draws that buffer with a single
    ``drawImage``: a few milliseconds at any zoom, whatever the number of points.
    Points are kept sorted by class, so later classes are drawn over earlier ones.
    """

    _ALPHA = 190

    def __init__(self):
        super().__init__()
        self._xy = np.zeros((0, 2), np.float64)
        self._cls = np.zeros(0, np.int64)
        self._shown = np.zeros(0, bool)      # per point: its class is visible
        self._visible: list[bool] = []
        self._bounds = QRectF(0, 0, 1, 1)
        self._colors: list[str] = []
        self._rgba = np.zeros(0, np.uint32)   # per point, premultiplied ARGB32
        self._size = 3.0
        self._image: QImage | None = None

    def set_data(self, xy: np.ndarray, labels: np.ndarray, n_classes: int, colors: list[str], size: float) -> None:
        self.prepareGeometryChange()
        labels = np.asarray(labels, np.int64)
        keep = (labels >= 0) & (labels < n_classes)
        order = np.argsort(labels[keep], kind="stable")
        self._xy = np.asarray(xy, np.float64)[keep][order]
        self._cls = labels[keep][order]
        self._visible = [True] * n_classes
        self._shown = np.ones(len(self._cls), bool)
        if len(self._xy):
            lo, hi = self._xy.min(axis=0), self._xy.max(axis=0)
            span = np.maximum(hi - lo, 1e-9)
            self._bounds = QRectF(float(lo[0]), float(lo[1]), float(span[0]), float(span[1]))
        else:
            self._bounds = QRectF(0, 0, 1, 1)
        self.set_style(colors, size)

    def set_style(self, colors: list[str], size: float) -> None:
        self._colors, self._size = colors, size
        a = self._ALPHA
        table = np.array([(a << 24) | ((QColor(c).red() * a // 255) << 16) | ((QColor(c).green() * a // 255) << 8)
                          | (QColor(c).blue() * a // 255) for c in colors] or [0], np.uint32)
        self._rgba = table[self._cls % len(table)] if len(self._cls) else np.zeros(0, np.uint32)
        self.update()

    def set_visible_classes(self, visible: list[bool]) -> None:
        self._visible = list(visible)
        flags = np.asarray(self._visible + [False], bool)
        self._shown = flags[np.clip(self._cls, 0, len(flags) - 1)] if len(self._cls) else np.zeros(0, bool)
        self.update()

    def point_count(self) -> int:
        return len(self._xy)

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(self, painter: QPainter, *_args) -> None:
        if not self._shown.any():
            return
        to_device = painter.transform()
        target = to_device.mapRect(self.viewRect() or self._bounds).intersected(QRectF(painter.viewport()))
        if target.isEmpty():
            return
        dpr = painter.device().devicePixelRatioF() or 1.0
        image, source = self._raster(to_device, target, dpr)
        painter.save()
        painter.resetTransform()
        painter.drawImage(target, image, source)
        painter.restore()

    def _raster(self, to_device, target: QRectF, dpr: float) -> tuple[QImage, QRectF]:
        """The visible points stamped into an image; returns it and the part that covers ``target``.

        The image has a margin of one disc radius on every side, so discs near an edge
        need no clipping; it is reused from one paint to the next while its size holds.
        """
        width, height = max(1, int(np.ceil(target.width() * dpr))), max(1, int(np.ceil(target.height() * dpr)))
        dx, dy, inner, r = disc_offsets(self._size * dpr)
        pad_w, pad_h = width + 2 * r, height + 2 * r
        if self._image is None or (self._image.width(), self._image.height()) != (pad_w, pad_h):
            self._image = QImage(pad_w, pad_h, QImage.Format_ARGB32_Premultiplied)
        self._image.fill(0)
        buffer = np.frombuffer(self._image.bits(), np.uint32)
        xy, rgba = self._xy[self._shown], self._rgba[self._shown]
        t = to_device
        px = np.rint((xy[:, 0] * t.m11() + xy[:, 1] * t.m21() + (t.dx() - target.left())) * dpr).astype(np.int64)
        py = np.rint((xy[:, 0] * t.m12() + xy[:, 1] * t.m22() + (t.dy() - target.top())) * dpr).astype(np.int64)
        inside = (px >= 0) & (px < width) & (py >= 0) & (py < height)
        base = (py[inside] + r) * pad_w + (px[inside] + r)
        rgba = rgba[inside]
        rim = ((rgba >> 1) & np.uint32(0x7F7F7F7F))  # half of each premultiplied channel
        for offsets, colour in ((~inner, rim), (inner, rgba)):
            for ox, oy in zip(dx[offsets].tolist(), dy[offsets].tolist()):
                buffer[base + (oy * pad_w + ox)] = colour
        return self._image, QRectF(r, r, width, height)


def disc_offsets(diameter: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pixels of a disc of the given diameter centred on a pixel: x and y offsets, whether
    each is inside (True) or on the soft rim (False), and the reach in pixels.

    Rim pixels are the ones the disc covers only partly; drawn at half opacity before
    the inside ones, they round the discs off without per-pixel blending.
    """
    radius = max(diameter, 1.0) / 2
    reach = int(np.ceil(radius - 0.25))
    grid = np.arange(-reach, reach + 1)
    ox, oy = np.meshgrid(grid, grid)
    coverage = np.clip(radius + 0.5 - np.hypot(ox, oy), 0.0, 1.0)
    used = coverage >= 0.25
    return ox[used], oy[used], coverage[used] >= 0.75, reach


class LatentScatter(ThemedPlot):
    """The codes as a map. Emits the *row* (position in the array given to set_points)."""

    hovered = Signal(int)       # −1 when the mouse leaves every point
    clicked = Signal(int)
    target_moved = Signal(float, float)
    #: the person zoomed or panned: (x0, x1, y0, y1), or None after "fit everything" (the A button)
    range_edited = Signal(object)

    def __init__(self, state, parent=None):
        super().__init__(state, parent)
        self.legend.hide()  # the class legend is a row of toggles below the plot
        for axis in ("left", "bottom"):  # minor grid lines cost as much as all 60k points
            self.getAxis(axis).setStyle(maxTickLevel=0)
        self.setMouseTracking(True)
        self.cloud = PointCloud()
        self.addItem(self.cloud)
        self._xy = np.zeros((0, 2), np.float32)
        self._point_labels = np.zeros(0, np.int64)
        self._visible_classes = np.zeros(0, bool)
        self._vis_rows = np.zeros(0, np.int64)
        self._names: list[str] = []
        self._texts: list[pg.TextItem] = []
        self._text_names: list[str] = []
        self._last_hover = -1
        self.path_item = pg.PlotDataItem([], [])
        self.path_item.setZValue(5)
        self.addItem(self.path_item)
        self.marks = pg.ScatterPlotItem([], [], pxMode=True)
        self.marks.setZValue(6)
        self.addItem(self.marks)
        self._marks: dict[str, tuple[float, float, str]] = {}
        self.samples = pg.ScatterPlotItem([], [], pxMode=True)
        self.samples.setZValue(6)
        self.addItem(self.samples)
        self.target = pg.TargetItem(pos=(0, 0), size=state.px(22), movable=True)
        self.target.setZValue(10)
        self.target.hide()
        self.target.sigPositionChanged.connect(self._on_target_moved)
        self.addItem(self.target)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.getPlotItem().setMenuEnabled(False)
        self._fix_tick_space()
        self.getPlotItem().vb.sigRangeChangedManually.connect(self._on_range_edited)
        self.getPlotItem().autoBtn.clicked.connect(lambda: self.range_edited.emit(None))
        state.theme_changed.connect(self._restyle_points)
        state.scale_changed.connect(self._scale_restyle_points)

    def sizeHint(self) -> QSize:
        """Modest: the map takes the room its layout stretches it to. A larger hint (pyqtgraph asks
        600×480) makes the page taller than a 720-line projector and pushes the legend off screen."""
        return QSize(self.state.px(300), self.state.px(220))

    # --- data ---------------------------------------------------------------------------------
    def set_points(self, xy: np.ndarray, labels: np.ndarray, class_names: list[str], reset_view: bool = True) -> None:
        self._xy = np.ascontiguousarray(xy, np.float32)
        self._point_labels = np.asarray(labels, np.int64)
        self._names = list(class_names)
        n = len(self._names)
        if len(self._visible_classes) != n:
            self._visible_classes = np.ones(n, bool)
        self.cloud.set_data(self._xy, self._point_labels, n, class_colors(self.state, n), self._point_px())
        self.cloud.set_visible_classes(list(self._visible_classes))
        self._update_visible_rows()
        self._place_class_names()
        if reset_view and len(self._xy):
            self.getPlotItem().vb.autoRange(padding=0.04)

    def points(self) -> np.ndarray:
        return self._xy

    def set_class_visible(self, class_index: int, visible: bool) -> None:
        if 0 <= class_index < len(self._visible_classes):
            flags = self._visible_classes.copy()
            flags[class_index] = visible
            self.set_visible_classes(flags)

    def set_visible_classes(self, visible) -> None:
        """Show exactly the classes flagged True: one redraw, however many flags changed."""
        flags = np.asarray(visible, bool)
        if flags.shape != self._visible_classes.shape or (flags == self._visible_classes).all():
            return
        self._visible_classes = flags.copy()
        self.cloud.set_visible_classes(list(self._visible_classes))
        self._update_visible_rows()
        self._place_class_names()

    def visible_classes(self) -> np.ndarray:
        return self._visible_classes.copy()

    def _update_visible_rows(self) -> None:
        if len(self._point_labels) and len(self._visible_classes):
            self._vis_rows = np.flatnonzero(self._visible_classes[np.clip(self._point_labels, 0, len(self._visible_classes) - 1)])
        else:
            self._vis_rows = np.zeros(0, np.int64)

    def _point_px(self) -> float:
        n = len(self._xy)
        base = 5.0 if n <= 3000 else 3.5 if n <= 20000 else 2.5
        return base * self.state.scale

    def _place_class_names(self, restyle: bool = False) -> None:
        """One name box per class at the class median (made once per set of names and style)."""
        if restyle or self._text_names != self._names:
            for item in self._texts:
                self.removeItem(item)
            colors = self.state.colors
            self._texts = []
            for name in self._names:
                text = pg.TextItem(name, color=colors.plot_fg, anchor=(0.5, 0.5),
                                   fill=pg.mkBrush(QColor(colors.plot_bg).lighter(100)), border=pg.mkPen(colors.plot_fg))
                text.setFont(self.state.font(1.0, bold=True))
                text.setZValue(7)
                self.addItem(text)
                self._texts.append(text)
            self._text_names = list(self._names)
        for c, text in enumerate(self._texts):
            mine = self._xy[self._point_labels == c]
            if len(mine) and self._visible_classes[c]:
                x, y = np.median(mine, axis=0)
                text.setPos(float(x), float(y))
                text.show()
            else:
                text.hide()

    # --- zoom and pan ------------------------------------------------------------------------
    def view_range(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.getPlotItem().vb.viewRange()
        return float(x0), float(x1), float(y0), float(y1)

    def set_view_range(self, xy_range) -> None:
        """Show (x0, x1, y0, y1) exactly, or every point when None (without a range_edited signal)."""
        vb = self.getPlotItem().vb
        if xy_range is None:
            if len(self._xy):
                vb.autoRange(padding=0.04)
        elif tuple(xy_range) != self.view_range():
            x0, x1, y0, y1 = xy_range
            vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _on_range_edited(self, *_args) -> None:
        self.range_edited.emit(self.view_range())

    # --- lookup -------------------------------------------------------------------------------
    def nearest(self, x: float, y: float, max_px: float | None = None) -> int:
        """Row of the visible point closest to (x, y) in screen pixels, or −1 if none within max_px."""
        if not len(self._vis_rows):
            return -1
        sx, sy = self.getPlotItem().vb.viewPixelSize()
        sx, sy = max(sx, 1e-12), max(sy, 1e-12)
        pts = self._xy[self._vis_rows]
        d = ((pts[:, 0] - x) / sx) ** 2 + ((pts[:, 1] - y) / sy) ** 2
        i = int(d.argmin())
        limit = self.state.px(14) if max_px is None else max_px
        return int(self._vis_rows[i]) if d[i] <= limit * limit else -1

    def _view_pos(self, scene_pos) -> QPointF | None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        return vb.mapSceneToView(scene_pos)

    def _on_mouse_moved(self, scene_pos) -> None:
        pos = self._view_pos(scene_pos)
        row = -1 if pos is None else self.nearest(pos.x(), pos.y())
        if row != self._last_hover:
            self._last_hover = row
            self.hovered.emit(row)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or (self.target.isVisible() and self.target.mouseHovering):
            return
        pos = self._view_pos(event.scenePos())
        if pos is not None:
            row = self.nearest(pos.x(), pos.y())
            if row >= 0:
                self.clicked.emit(row)

    # --- overlays -----------------------------------------------------------------------------
    def set_mark(self, name: str, xy, symbol: str = "o") -> None:
        """A highlighted point (selection, A, B) drawn over the cloud; ``xy=None`` removes it."""
        if xy is None:
            self._marks.pop(name, None)
        else:
            self._marks[name] = (float(xy[0]), float(xy[1]), symbol)
        self._draw_marks()

    def _draw_marks(self) -> None:
        colors = self.state.colors
        spots = [{"pos": (x, y), "symbol": s, "size": self.state.px(18),
                  "pen": pg.mkPen(colors.plot_fg, width=self.state.px(3)), "brush": pg.mkBrush(colors.highlight)}
                 for x, y, s in self._marks.values()]
        self.marks.setData(spots)

    def set_samples(self, xy: np.ndarray | None) -> None:
        """Generated codes, drawn as crosses over the cloud."""
        if xy is None or not len(xy):
            self.samples.setData([], [])
            return
        colors = self.state.colors
        self.samples.setData(x=xy[:, 0], y=xy[:, 1], symbol="x", size=self.state.px(16),
                             pen=pg.mkPen(colors.plot_bg, width=1), brush=pg.mkBrush(colors.plot_fg))

    def set_path(self, xy: np.ndarray | None) -> None:
        if xy is None or not len(xy):
            self.path_item.setData([], [])
            return
        colors = self.state.colors
        self.path_item.setData(xy[:, 0], xy[:, 1], pen=pg.mkPen(colors.plot_fg, width=self.state.px(3)),
                               symbol="o", symbolSize=self.state.px(7), symbolBrush=colors.accent,
                               symbolPen=pg.mkPen(colors.plot_fg))

    def show_target(self, on: bool, xy=None) -> None:
        self.target.setVisible(on)
        if on and xy is not None:
            self.move_target(xy)

    def move_target(self, xy) -> None:
        self.target.blockSignals(True)
        self.target.setPos(float(xy[0]), float(xy[1]))
        self.target.blockSignals(False)

    def _on_target_moved(self, *_args) -> None:
        pos = self.target.pos()
        self.target_moved.emit(float(pos.x()), float(pos.y()))

    def _fix_tick_space(self) -> None:
        """Room for "−00.0" beside the y axis whatever the ticks: pyqtgraph sizes it from the
        ticks it drew before (it grows, and shrinks only by steps of 10 px), so the same map
        would sit a few pixels apart depending on what the page showed earlier."""
        axis = self.getAxis("left")
        width = QFontMetrics(QFont(self.state.font(0.9))).horizontalAdvance("\u221200.0")
        axis.setStyle(autoExpandTextSpace=False, autoReduceTextSpace=False, tickTextWidth=width)

    def _scale_restyle_points(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_restyle_points"):
            self._restyle_points()

    def _restyle_points(self, *_args) -> None:
        self._fix_tick_space()
        colors = self.state.colors
        self.target.setPen(pg.mkPen(colors.accent, width=self.state.px(3)))
        self.cloud.set_style(class_colors(self.state, len(self._names)), self._point_px())
        self._place_class_names(restyle=True)
        self._draw_marks()


class ClassLegend(QWidget):
    """One check box per class (swatch + name): click to hide or show that class."""

    toggled = Signal(int, bool)

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.boxes: list[QCheckBox] = []
        self._layout = QGridLayout(self)  # two rows of five: fits a narrow column at zoom 2
        self._layout.setContentsMargins(0, 0, 0, 0)
        state.theme_changed.connect(self._recolor)
        state.scale_changed.connect(self._scale_recolor)

    def set_classes(self, names: list[str], visible=None) -> None:
        for box in self.boxes:
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        while self._layout.count():
            self._layout.takeAt(0)
        for i, name in enumerate(names):
            box = QCheckBox(name)
            box.setChecked(True if visible is None else bool(visible[i]))
            box.toggled.connect(self._on_toggled)
            self._layout.addWidget(box, i // 5, i % 5)
            self.boxes.append(box)
        self._recolor()

    def _on_toggled(self, on: bool) -> None:
        box = self.sender()
        if box in self.boxes:
            self.toggled.emit(self.boxes.index(box), on)

    def _scale_recolor(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_recolor"):
            self._recolor()

    def _recolor(self, *_args) -> None:
        colors = class_colors(self.state, len(self.boxes))
        side = self.state.px(14)
        for box, color in zip(self.boxes, colors):
            pix = QPixmap(side, side)
            pix.fill(QColor(color))
            box.setIcon(QIcon(pix))
