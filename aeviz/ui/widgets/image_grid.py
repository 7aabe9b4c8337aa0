"""A grid of small grayscale images (digits, reconstructions, decoded codes).

All images are assembled into one mosaic with numpy and painted as a single QImage,
scaled with nearest-neighbour so pixels stay visible: redrawing 32 digits costs one
drawImage, which keeps live training previews cheap.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviz.ui import deferred


def to_uint8(images: np.ndarray) -> np.ndarray:
    """(N, H, W) or (N, 1, H, W) floats in [0, 1] (or uint8) → uint8 (N, H, W)."""
    array = np.asarray(images)
    if array.ndim == 4:
        array = array[:, 0]
    if array.ndim == 2:
        array = array[None]
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    return np.ascontiguousarray((np.clip(np.nan_to_num(array, nan=0.0), 0.0, 1.0) * 255 + 0.5).astype(np.uint8))


def mosaic(images: np.ndarray, columns: int, gap: int = 1, background: int = 0) -> np.ndarray:
    """Tile (N, H, W) uint8 images row-major into one 2-D uint8 array."""
    count, height, width = images.shape
    columns = max(1, min(columns, count)) if count else 1
    rows = max(1, -(-count // columns))
    out = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), background, np.uint8)
    for index in range(count):
        r, c = divmod(index, columns)
        out[r * (height + gap):r * (height + gap) + height, c * (width + gap):c * (width + gap) + width] = images[index]
    return out


#: smallest cell pitch (pixels) a grid shrinks to when its column is narrow
MIN_STEP = 12


class ImageGrid(QWidget):
    """Shows images in a grid; clicking one emits its index."""

    clicked = Signal(int)

    def __init__(self, state, columns: int = 8, cell: int = 56, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.columns = columns
        self.cell = cell  # on-screen size of one image at zoom 1
        self._images = np.zeros((0, 28, 28), np.uint8)
        self._qimage: QImage | None = None
        self._buffer: np.ndarray | None = None
        self._captions: list[str] = []
        self._selected: int | None = None
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        state.scale_changed.connect(self._scale_relayout)
        state.theme_changed.connect(lambda _t: self.update())

    def set_images(self, images: np.ndarray, captions: list[str] | None = None) -> None:
        same_layout = self._images.shape == np.shape(to_uint8(images)) and list(captions or []) == self._captions
        self._images = to_uint8(images)
        self._captions = list(captions or [])
        gap = 1
        self._buffer = mosaic(self._images, self.columns, gap=gap, background=0)
        height, width = self._buffer.shape
        self._qimage = QImage(self._buffer.data, width, height, width, QImage.Format_Grayscale8)
        if same_layout:  # live previews: repaint only, no layout pass of the whole page
            self.update()
        else:
            self._relayout()

    def set_cell(self, cell: int) -> None:
        """Another on-screen size of one image at zoom 1 (still fitted to the widget's width)."""
        self.cell = cell
        self._relayout()

    def images(self) -> np.ndarray:
        return self._images

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self.update()

    def _cell_px(self) -> int:
        return self.state.px(self.cell)

    def _caption_px(self) -> int:
        return self.state.px(18) if self._captions else 0

    def _scale_relayout(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_relayout"):
            self._relayout()

    def _relayout(self, *_args) -> None:
        self.updateGeometry()
        self.update()

    def _shape(self) -> tuple[int, int]:
        """(columns, rows) the images take."""
        count = len(self._images)
        columns = max(1, min(self.columns, count or 1))
        return columns, max(1, -(-count // columns))

    def _step(self, width: int | None = None) -> int:
        """Pitch of one cell: the zoom's size, smaller when ``width`` (default: the widget's) is too
        narrow for a row, so a long strip fits its column instead of running off screen."""
        full = self._cell_px() + self.state.px(4)
        width = self.width() if width is None else width
        if width <= 0:
            return full
        return max(MIN_STEP, min(full, width // self._shape()[0]))

    def _gap(self, step: int) -> int:
        return max(1, round(step * 4 / (self.cell + 4)))

    def _height(self, width: int) -> int:
        return self._shape()[1] * (self._step(width) + self._caption_px())

    # No heightForWidth: a layout asked for it sizes its whole page to preferred heights (a scroll
    # area then scrolls a page that could fit). The height follows the width through resizeEvent.
    def sizeHint(self) -> QSize:
        return QSize(self._shape()[0] * self._step(0), self._height(self.width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._shape()[0] * MIN_STEP, self._height(self.width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if (self._step(event.size().width()) != self._step(event.oldSize().width())
                or event.size().height() < self._height(event.size().width())):
            # The second case: laid out while hidden, from a width it no longer has, the rows were
            # given too little height (a denoising run's clean row, cut); a set size is not asked again.
            self.updateGeometry()

    def cell_rect(self, index: int) -> QRect:
        r, c = divmod(index, self.columns)
        step = self._step()
        cell = step - self._gap(step)
        return QRect(c * step, r * (step + self._caption_px()), cell, cell)

    def index_at(self, x: float, y: float) -> int | None:
        for index in range(len(self._images)):
            if self.cell_rect(index).contains(int(x), int(y)):
                return index
        return None

    def mousePressEvent(self, event) -> None:
        index = self.index_at(event.position().x(), event.position().y())
        if index is not None:
            self.clicked.emit(index)

    def paintEvent(self, _event) -> None:
        if self._qimage is None or not len(self._images):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
        _count, height, width = self._images.shape
        colors = self.state.colors
        painter.setFont(self.state.font(0.85))
        for index in range(len(self._images)):
            rect = self.cell_rect(index)
            r, c = divmod(index, self.columns)
            source = QRectF(c * (width + 1), r * (height + 1), width, height)
            painter.drawImage(QRectF(rect), self._qimage, source)
            if index == self._selected:
                painter.setPen(QPen(QColor(colors.accent), self.state.px(3)))
                painter.drawRect(rect.adjusted(-2, -2, 2, 2))
            if index < len(self._captions):
                painter.setPen(QColor(colors.text))
                caption_rect = QRect(rect.left(), rect.bottom() + 2, rect.width() + self.state.px(4), self._caption_px())
                painter.drawText(caption_rect, Qt.AlignHCenter | Qt.AlignTop, self._captions[index])
        painter.end()
