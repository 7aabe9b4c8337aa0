"""pyqtgraph plots that follow the app's theme and zoom.

Plot items are created once and updated with setData (pyqtgraph's painting holds the
GIL; re-creating items per refresh costs training throughput).
"""

from __future__ import annotations

import re

import pyqtgraph as pg
from PySide6.QtGui import QFont

from aeviz.ui import deferred
from aeviz.ui.numbers import localize

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


class LocalizedAxis(pg.AxisItem):
    """Tick labels in the current language's number format (``0,05`` in French).

    pyqtgraph formats ticks with Python's dot decimals; every plot of the app uses this
    axis so a French sentence and the plot next to it write numbers the same way."""

    def tickStrings(self, values, scale, spacing):
        return [localize(f"{int(text):,}" if re.fullmatch(r"-?\d+", text) else text)
                for text in super().tickStrings(values, scale, spacing)]

    def labelString(self) -> str:
        """pyqtgraph's scale note "(x0.001)" in the same format: "(×0,001)" in French."""
        return re.sub(r"\(x([-+.\de]+)\)", lambda m: f"(×{localize(m.group(1))})", super().labelString())


class ThemedPlot(pg.PlotWidget):
    def __init__(self, state, parent=None):
        super().__init__(parent, axisItems={side: LocalizedAxis(side) for side in ("left", "bottom")})
        self.state = state
        self._lines: dict[str, pg.PlotDataItem] = {}
        self._labels = ("", "")
        self.showGrid(x=True, y=True, alpha=0.25)
        self.legend = self.addLegend(offset=(-10, 10))
        state.theme_changed.connect(self._restyle)
        state.scale_changed.connect(self._scale_restyle)
        state.language_changed.connect(self._relabel_ticks)
        self._restyle()

    def line(self, name: str, color_index: int = 0, width: float = 2.5, dashed: bool = False) -> pg.PlotDataItem:
        """The line called ``name``, created on first use."""
        if name not in self._lines:
            pen = pg.mkPen(self.state.colors.series[color_index % len(self.state.colors.series)],
                           width=width * self.state.scale)
            if dashed:
                pen.setStyle(pg.QtCore.Qt.DashLine)
            item = self.plot([], [], pen=pen, name=name)
            item._aeviz_style = (color_index, width, dashed)
            self._colour_symbols(item, color_index)
            self._lines[name] = item
        return self._lines[name]

    def _relabel_ticks(self, *_args) -> None:
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            axis.picture = None  # pyqtgraph caches the drawn ticks
            axis.update()

    def set_axis_labels(self, left: str, bottom: str) -> None:
        self._labels = (left, bottom)
        self._restyle()

    def rename_line(self, old: str, new: str) -> None:
        """Relabel a line in the legend after a language switch."""
        item = self._lines.pop(old, None)
        if item is None:
            return
        self._lines[new] = item
        item.opts["name"] = new
        self.legend.removeItem(item)
        self.legend.addItem(item, new)

    def _colour_symbols(self, item: pg.PlotDataItem, color_index: int) -> None:
        """Markers (if a page turns them on) take their line's colour, outlined for contrast."""
        colors = self.state.colors
        item.setSymbolBrush(colors.series[color_index % len(colors.series)])
        item.setSymbolPen(pg.mkPen(colors.plot_bg, width=1))

    def _scale_restyle(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_restyle"):
            self._restyle()

    def _restyle(self, *_args) -> None:
        colors = self.state.colors
        self.setBackground(colors.plot_bg)
        font = QFont(self.state.font(0.9))
        style = {"color": colors.plot_fg, "font-size": f"{self.state.point_size():.0f}pt"}
        for axis_name, label in zip(("left", "bottom"), self._labels):
            axis = self.getAxis(axis_name)
            axis.setPen(pg.mkPen(colors.plot_fg))
            axis.setTextPen(pg.mkPen(colors.plot_fg))
            axis.setTickFont(font)
            axis.setLabel(label, **style)
        self.legend.setLabelTextColor(colors.plot_fg)
        self.legend.setLabelTextSize(f"{self.state.point_size(0.8):.0f}pt")
        for item in self._lines.values():
            color_index, width, dashed = item._aeviz_style
            pen = pg.mkPen(colors.series[color_index % len(colors.series)], width=width * self.state.scale)
            if dashed:
                pen.setStyle(pg.QtCore.Qt.DashLine)
            item.setPen(pen)
            self._colour_symbols(item, color_index)
        # the legend caches label sizes: re-add items so new font sizes take effect
        for item in list(self._lines.values()):
            name = item.opts.get("name")
            self.legend.removeItem(item)
            self.legend.addItem(item, name)
