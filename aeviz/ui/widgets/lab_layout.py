"""Small layout helpers shared by the convolution and transposed-convolution pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget


def scroll(widget: QWidget, resizable: bool = True) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(resizable)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(widget)
    return area


class _ControlsScroll(QScrollArea):
    """Asks for the width its content needs, so at presentation zoom a column of controls pushes
    the views aside rather than clipping its buttons, up to about 36 characters (it then scrolls
    sideways rather than pushing the window past the screen)."""

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is not None:
            cap = round(36 * QApplication.font().pointSizeF())
            need = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4
            hint.setWidth(min(need, cap))
        return hint


def controls_column(widget: QWidget) -> QScrollArea:
    """A column of controls (left of a page's views) in a scroll area sized to its content."""
    area = _ControlsScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(widget)
    for label in widget.findChildren(QLabel):  # text wraps instead of widening the column
        label.setWordWrap(True)
    return area


def op_label(symbol: str) -> QLabel:
    """A big operator between grids: ⋆ = · → +."""
    label = QLabel(symbol)
    label.setObjectName("op")
    label.setAlignment(Qt.AlignCenter)
    label.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
    return label


def hrow(*widgets, stretch: bool = True, align=Qt.AlignVCenter) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        if w.objectName() == "op":   # operators centred on the grids' height
            row.addWidget(w)
        else:
            row.addWidget(w, 0, align)
    if stretch:
        row.addStretch(1)
    return box


def vcol(*widgets, stretch: bool = True) -> QWidget:
    box = QWidget()
    col = QVBoxLayout(box)
    col.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        col.addWidget(w)
    if stretch:
        col.addStretch(1)
    return box


def size_controls_column(split, total_width: int) -> None:
    """Give the controls column (first in ``split``) the width it needs, at least a quarter of the
    page and at most 40 %: the views get the rest."""
    need = split.widget(0).minimumSizeHint().width()
    left = max(total_width * 25 // 100, min(need, total_width * 40 // 100))
    split.setSizes([left, total_width - left])


def two_rows(first, second) -> tuple[QHBoxLayout, QHBoxLayout]:
    """Controls on two rows, each left-aligned: a tab's controls fit at presentation zoom."""
    rows = (QHBoxLayout(), QHBoxLayout())
    for row, widgets in zip(rows, (first, second)):
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
    return rows
