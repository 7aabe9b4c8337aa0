"""One grayscale image, scaled with visible pixels, with a caption above it.

Live decoding (sliders, morphing, hover) redraws a single 28×28 image many times a
second: a QImage over a numpy buffer and one drawImage keep that well under a frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviz.ui import deferred
from aeviz.ui.widgets.image_grid import to_uint8


class DigitView(QWidget):
    def __init__(self, state, side: int = 112, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.side = side  # on-screen size at zoom 1
        self._buffer: np.ndarray | None = None
        self._qimage: QImage | None = None
        self._caption = ""
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)  # pixels stay square, never squeezed
        state.scale_changed.connect(self._scale_relayout)
        state.theme_changed.connect(lambda _t: self.update())

    def set_image(self, image: np.ndarray | None) -> None:
        if image is None:
            self._buffer = self._qimage = None
        else:
            self._buffer = np.ascontiguousarray(to_uint8(image)[0])
            h, w = self._buffer.shape
            self._qimage = QImage(self._buffer.data, w, h, w, QImage.Format_Grayscale8)
        self.update()

    def image(self) -> np.ndarray | None:
        return self._buffer

    def set_caption(self, text: str) -> None:
        self._caption = text
        self.updateGeometry()
        self.update()

    def caption(self) -> str:
        return self._caption

    def _caption_px(self) -> int:
        return round(self.state.font(0.95).pointSizeF() * 2.2) if self._caption else 0

    def _scale_relayout(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_relayout"):
            self._relayout()

    def _relayout(self, *_args) -> None:
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        side = self.state.px(self.side)
        caption = QFontMetrics(self.state.font(0.95)).horizontalAdvance(self._caption) + 8 if self._caption else 0
        width = max(side, caption)
        return QSize(width, side + self._caption_px())

    def minimumSizeHint(self) -> QSize:
        side = self.state.px(self.side * 0.6)
        caption = QFontMetrics(self.state.font(0.95)).horizontalAdvance(self._caption) + 8 if self._caption else 0
        return QSize(max(side, caption), side + self._caption_px())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        colors = self.state.colors
        cap = self._caption_px()
        side = max(8, min(self.width(), self.height() - cap))
        left = (self.width() - side) // 2
        if self._caption:
            painter.setFont(self.state.font(0.95))
            painter.setPen(QColor(colors.text))
            painter.drawText(QRect(0, 0, self.width(), cap), Qt.AlignHCenter | Qt.AlignVCenter | Qt.TextWordWrap,
                             self._caption)
        target = QRect(left, cap, side, side)
        if self._qimage is not None:
            painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
            painter.drawImage(QRectF(target), self._qimage)
        else:
            painter.fillRect(target, QColor(colors.panel))
        painter.setPen(QPen(QColor(colors.border), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()
