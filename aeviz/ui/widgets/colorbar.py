"""A diverging colour scale with numbers: negative … 0 (neutral) … positive."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviz.ui.widgets import fmt_num


class ColorBar(QWidget):
    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.vmax = 1.0
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)

    def set_range(self, vmax: float) -> None:
        self.vmax = float(vmax) or 1.0
        self.updateGeometry()
        self.update()

    def ticks(self) -> list[float]:
        return [self.vmax, self.vmax / 2, 0.0, -self.vmax / 2, -self.vmax]

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.state.font(1.0))
        text = max(fm.horizontalAdvance(fmt_num(t)) for t in self.ticks())
        return QSize(self.state.px(28) + text + self.state.px(12), self.state.px(260))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), self.state.px(160))

    def paintEvent(self, event) -> None:
        c = self.state.colors
        p = QPainter(self)
        font = self.state.font(1.0)
        p.setFont(font)
        fm = QFontMetrics(font)
        bar_w = self.state.px(24)
        top, bottom = fm.height(), self.height() - fm.height()
        rect = QRect(0, top, bar_w, max(1, bottom - top))
        grad = QLinearGradient(0, top, 0, bottom)
        grad.setColorAt(0.0, QColor(c.positive))
        grad.setColorAt(0.5, QColor(c.panel))
        grad.setColorAt(1.0, QColor(c.negative))
        p.fillRect(rect, grad)
        p.setPen(QPen(QColor(c.border), 1))
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.setPen(QColor(c.text))
        for i, t in enumerate(self.ticks()):
            y = top + round(i / 4 * (bottom - top))
            p.drawLine(bar_w, y, bar_w + self.state.px(5), y)
            p.drawText(QRect(bar_w + self.state.px(8), y - fm.height(), self.width(), 2 * fm.height()),
                       Qt.AlignLeft | Qt.AlignVCenter, fmt_num(t))
        p.end()
