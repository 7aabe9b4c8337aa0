"""A custom-painted grid of numbers: inputs, kernels, outputs, the unrolled matrix C.

Made for a projector: big numbers in every cell, zeros dimmed, highlights drawn as
outlines (solid for the main linked set, dashed for the second, a thick double frame
for the current cell) on top of a fill, so nothing is told by colour alone. Hatched
cells (padding, cropped border) and cross-hatched ones (output_padding) are drawn
too. Only the exposed cells are painted, so a 64×100 matrix in a scroll area stays
fast; Ctrl + wheel (or ``set_zoom``) changes this view's own zoom.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviz.ui.themes import text_on
from aeviz.ui.widgets import fmt_num

NONE, HATCH, CROSS = 0, 1, 2  # bit flags: 3 = cropped output_padding


def lerp_color(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


class MatrixView(QWidget):
    cellHovered = Signal(int, int)   # (-1, -1) when the mouse leaves
    cellClicked = Signal(int, int)
    #: Ctrl + wheel asked for this zoom (the view has applied it unless ``wheel_zoom`` is off)
    zoomRequested = Signal(float)

    def __init__(self, state, base_cell: float = 34, font_rel: float = 1.15, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.base_cell = base_cell
        self.font_rel = font_rel
        self.zoom = 1.0
        #: Ctrl + wheel zooms this view itself; off when a page keeps the zoom in its state
        self.wheel_zoom = True
        self.caption = ""
        #: the caption wraps at spaces to the grid's width (a narrow grid under a long caption)
        self.wrap_caption = False
        self.color_mode = None     # None | "heat" | "diverging"
        self.show_numbers = True
        self._data = np.zeros((1, 1))
        self._texts = np.array([["0"]], dtype=object)
        self._uniq_texts = ["0"]
        self._vmax = self._vabs = 0.0
        self._zero = np.ones((1, 1), bool)
        self._marks = np.zeros((1, 1), np.int8)
        self.hl: set = set()
        self.hl2: set = set()
        self.current = None
        self.rows: set = set()
        self.cols: set = set()
        self.row_kind = "hl"
        self.col_kind = "hl2"
        self.window_rect = None    # (r0, c0, r1, c1) inclusive: the kernel window frame
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self._relayout()

    # --- data -------------------------------------------------------------------------------
    def set_data(self, data, marks=None) -> None:
        data = np.asarray(data)
        if data.ndim == 1:
            data = data[:, None]
        marks = np.zeros(data.shape, np.int8) if marks is None else np.asarray(marks, np.int8)
        if data.shape == self._data.shape and data.dtype == self._data.dtype and np.array_equal(data, self._data) \
                and np.array_equal(marks, self._marks):
            return   # nothing to redraw (e.g. C when only the input changed)
        shape_changed = data.shape != self._data.shape
        self._data = data.copy()
        self._zero = data == 0
        uniq, inverse = np.unique(data, return_inverse=True)
        self._uniq_texts = [fmt_num(v) for v in uniq.tolist()]
        self._texts = np.array(self._uniq_texts, dtype=object)[inverse.reshape(data.shape)]
        self._marks = marks
        self._vmax, self._vabs = float(np.max(data)), float(np.max(np.abs(data)))
        if shape_changed:
            self.clear_marks(update=False)
        self._relayout()
        self.update()

    def data(self) -> np.ndarray:
        return self._data

    def marks(self) -> np.ndarray:
        """The hatching flags drawn on each cell (HATCH, CROSS)."""
        return self._marks

    def set_caption(self, text: str) -> None:
        if text != self.caption:
            self.caption = text
            self._relayout()
            self.update()

    def _mark_state(self):
        return (self.hl, self.hl2, self.current, self.rows, self.cols, self.window_rect)

    def sync(self) -> None:
        """Repaint if the highlights changed since the last repaint request."""
        if self._mark_state() != getattr(self, "_painted_marks", None):
            self._painted_marks = self._mark_state()
            self.update()

    def clear_marks(self, update: bool = True) -> None:
        self.set_marks(update=update)

    def set_marks(self, hl=(), hl2=(), current=None, rows=(), cols=(), window=None, update: bool = True) -> None:
        """Replace the highlights; repaints only if they changed (so unchanged views cost nothing)."""
        before = getattr(self, "_painted_marks", None)
        self.hl, self.hl2 = set(hl), set(hl2)
        self.current = current
        self.rows, self.cols = set(rows), set(cols)
        self.window_rect = window
        if update and self._mark_state() != before:
            self._painted_marks = self._mark_state()
            self.update()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(4.0, max(0.3, float(zoom)))
        self._relayout()
        self.update()

    def rescale(self) -> None:
        self._relayout()
        self.update()

    # --- geometry ---------------------------------------------------------------------------
    def _relayout(self) -> None:
        font = self.state.font(self.font_rel)
        font.setPointSizeF(max(4.0, font.pointSizeF() * self.zoom))
        self._font = font
        fm = QFontMetrics(font)
        widest = max((fm.horizontalAdvance(t) for t in self._uniq_texts), default=0)
        base = self.state.px(self.base_cell) * self.zoom
        self.cell_w = max(4, round(max(base, widest + fm.height() * 0.5 if self.show_numbers else 0)))
        self.cell_h = max(4, round(max(base, fm.height() * 1.25 if self.show_numbers else 0)))
        self._numbers_fit = self.show_numbers and self.cell_h >= fm.height() * 0.9
        cap_font = self.state.font(1.0, bold=True)
        self._cap_font = cap_font
        cap_metrics = QFontMetrics(cap_font)
        self.margin = self.state.px(3)
        rows, cols = self._data.shape
        caption_w = cap_metrics.horizontalAdvance(self.caption)
        caption_h = cap_metrics.height()
        if self.wrap_caption and self.caption:
            width = max(cols * self.cell_w, *(cap_metrics.horizontalAdvance(word) for word in self.caption.split(" ")))
            box = cap_metrics.boundingRect(QRect(0, 0, width, 100 * caption_h), Qt.TextWordWrap, self.caption)
            lines = max(1, round(box.height() / cap_metrics.lineSpacing()))   # one line: as tall as unwrapped
            caption_w, caption_h = box.width(), caption_h + (lines - 1) * cap_metrics.lineSpacing()
        self.top = caption_h + self.state.px(4) if self.caption else 0
        w = max(2 * self.margin + cols * self.cell_w, caption_w + 2 * self.margin if self.caption else 0)
        size = QSize(w, self.top + 2 * self.margin + rows * self.cell_h)
        if size != getattr(self, "_size", None):
            self._size = size
            self.setFixedSize(size)
            self.updateGeometry()
        self._glyphs = {}

    def sizeHint(self) -> QSize:
        return self._size

    def cell_rect(self, r: int, c: int) -> QRect:
        return QRect(self.margin + c * self.cell_w, self.top + self.margin + r * self.cell_h, self.cell_w, self.cell_h)

    def cell_at(self, pos: QPoint):
        c = (pos.x() - self.margin) // self.cell_w
        r = (pos.y() - self.top - self.margin) // self.cell_h
        if pos.x() >= self.margin and pos.y() >= self.top + self.margin and \
                0 <= r < self._data.shape[0] and 0 <= c < self._data.shape[1]:
            return int(r), int(c)
        return None

    # --- events -----------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell != getattr(self, "_hover", None):
            self._hover = cell
            self.cellHovered.emit(*(cell or (-1, -1)))

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.cellHovered.emit(-1, -1)

    def mousePressEvent(self, event) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.LeftButton:
            self.cellClicked.emit(*cell)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.ControlModifier:
            zoom = self.zoom * (1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            if self.wheel_zoom:
                self.set_zoom(zoom)
            self.zoomRequested.emit(zoom)
            event.accept()
        else:
            event.ignore()

    # --- painting ---------------------------------------------------------------------------
    def _fill(self, r: int, c: int, colors) -> QColor:
        v = float(self._data[r, c])
        if self.color_mode == "heat":
            top = self._vmax or 1.0
            return lerp_color(QColor(colors.panel), QColor(colors.accent), 0.75 * v / top)
        if self.color_mode == "diverging":
            vmax = self._vabs or 1.0
            end = colors.positive if v > 0 else colors.negative
            return lerp_color(QColor(colors.panel), QColor(end), abs(v) / vmax)
        if self.color_mode == "gray":
            top = self._vmax or 1.0
            return lerp_color(QColor("#000000"), QColor("#ffffff"), v / top)
        return QColor(colors.panel)

    def paintEvent(self, event) -> None:
        colors = self.state.colors
        p = QPainter(self)
        if not self.isEnabled():
            p.setOpacity(0.3)
        exposed = event.rect()
        if self.caption:
            p.setFont(self._cap_font)
            p.setPen(QColor(colors.text))
            flags = Qt.AlignLeft | Qt.AlignVCenter | (Qt.TextWordWrap if self.wrap_caption else 0)
            p.drawText(QRect(self.margin, 0, self.width() - (2 * self.margin if self.wrap_caption else 0), self.top),
                       flags, self.caption)
        rows, cols = self._data.shape
        r0 = max(0, (exposed.top() - self.top - self.margin) // self.cell_h)
        r1 = min(rows - 1, (exposed.bottom() - self.top - self.margin) // self.cell_h)
        c0 = max(0, (exposed.left() - self.margin) // self.cell_w)
        c1 = min(cols - 1, (exposed.right() - self.margin) // self.cell_w)
        if r1 < r0 or c1 < c0:
            p.end()
            return
        hl, hl2 = QColor(colors.highlight), QColor(colors.highlight2)
        hatch = QBrush(QColor(colors.muted), Qt.BDiagPattern)
        cross = QBrush(QColor(colors.muted), Qt.DiagCrossPattern)
        panel = QColor(colors.panel)
        text_c, muted_c = colors.text, colors.muted
        heat = self.color_mode is not None
        cw, ch, x0, y0 = self.cell_w, self.cell_h, self.margin, self.top + self.margin
        area = QRect(x0 + c0 * cw, y0 + r0 * ch, (c1 - c0 + 1) * cw, (r1 - r0 + 1) * ch)
        p.fillRect(area, panel)
        special = self.hl | self.hl2 | ({self.current} if self.current else set())
        rows_hl = {r: (hl if self.row_kind == "hl" else hl2) for r in self.rows}
        cols_hl = {c: (hl if self.col_kind == "hl" else hl2) for c in self.cols}
        marks, zero, texts = self._marks, self._zero, self._texts
        any_marks = bool(marks.any())
        # Big matrices (C is up to 64×100) reuse one pixmap per distinct number; small grids, whose
        # numbers change at every edit, draw their text directly (a pixmap per new number costs more).
        cached = rows * cols > 400
        if not cached:
            p.setFont(self._font)
        for r in range(r0, r1 + 1):
            y = y0 + r * ch
            row_fill = rows_hl.get(r)
            for c in range(c0, c1 + 1):
                x = x0 + c * cw
                fill = None
                if (r, c) in special:
                    fill = hl2 if ((r, c) in self.hl2 and (r, c) not in self.hl and (r, c) != self.current) else hl
                elif row_fill is not None:
                    fill = row_fill
                elif c in cols_hl:
                    fill = cols_hl[c]
                elif heat:
                    fill = self._fill(r, c, colors)
                if fill is not None:
                    p.fillRect(x, y, cw, ch, fill)
                mark = marks[r, c] if any_marks else 0
                if mark & HATCH:
                    p.fillRect(x, y, cw, ch, hatch)
                if mark & CROSS:
                    p.fillRect(x, y, cw, ch, cross)
                if self._numbers_fit:
                    if fill is not None:
                        color = text_on(fill.name())
                    else:
                        color = muted_c if (zero[r, c] or mark) else text_c
                    if cached:
                        p.drawPixmap(x, y, self._glyph(texts[r, c], color))
                    else:
                        p.setPen(QColor(color))
                        p.drawText(QRect(x, y, cw, ch), Qt.AlignCenter, texts[r, c])
        p.setPen(QPen(QColor(colors.border), 1))
        for r in range(r0, r1 + 2):
            p.drawLine(area.left(), y0 + r * ch, area.right() + 1, y0 + r * ch)
        for c in range(c0, c1 + 2):
            p.drawLine(x0 + c * cw, area.top(), x0 + c * cw, area.bottom() + 1)
        self._paint_outlines(p, colors)
        p.end()

    def _glyph(self, text: str, color: str) -> QPixmap:
        """A cell-sized transparent pixmap with ``text`` centred: drawText once per distinct number."""
        key = (text, color)
        pm = self._glyphs.get(key)
        if pm is None:
            dpr = self.devicePixelRatioF()
            pm = QPixmap(round(self.cell_w * dpr), round(self.cell_h * dpr))
            pm.setDevicePixelRatio(dpr)
            pm.fill(Qt.transparent)
            gp = QPainter(pm)
            gp.setFont(self._font)
            gp.setPen(QColor(color))
            gp.drawText(QRect(0, 0, self.cell_w, self.cell_h), Qt.AlignCenter, text)
            gp.end()
            if len(self._glyphs) > 4000:
                self._glyphs.clear()
            self._glyphs[key] = pm
        return pm

    def _paint_outlines(self, p: QPainter, colors) -> None:
        w = max(2, self.state.px(2))
        p.setBrush(Qt.NoBrush)
        dark = QColor(text_on(colors.highlight))   # outlines read on the highlight fill
        frame = QColor(colors.accent if colors.accent != colors.highlight else text_on(colors.highlight))
        pen = QPen(dark, w)
        p.setPen(pen)
        for r, c in self.hl:
            p.drawRect(self.cell_rect(r, c).adjusted(w // 2, w // 2, -w, -w))
        for r in self.rows:
            rect = self.cell_rect(r, 0).united(self.cell_rect(r, self._data.shape[1] - 1))
            p.setPen(QPen(dark, w, Qt.SolidLine if self.row_kind == "hl" else Qt.DashLine))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
        for c in self.cols:
            rect = self.cell_rect(0, c).united(self.cell_rect(self._data.shape[0] - 1, c))
            p.setPen(QPen(dark, w, Qt.SolidLine if self.col_kind == "hl" else Qt.DashLine))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.setPen(QPen(dark, w, Qt.DashLine))
        for r, c in self.hl2:
            p.drawRect(self.cell_rect(r, c).adjusted(w // 2, w // 2, -w, -w))
        if self.window_rect is not None:
            r0, c0, r1, c1 = self.window_rect
            p.setPen(QPen(frame, 2 * w))
            p.drawRect(self.cell_rect(r0, c0).united(self.cell_rect(r1, c1)).adjusted(w, w, -w, -w))
        if self.current is not None:
            rect = self.cell_rect(*self.current)
            p.setPen(QPen(frame, 2 * w))
            p.drawRect(rect.adjusted(w, w, -w, -w))
