"""A layout that places widgets left to right and wraps them onto new lines (Qt's flow layout example).

Rows of controls then take two lines on a wide window and four beside the sidebar at
presentation zoom on a 1280×720 projector, instead of widening the page past the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def add_widgets(self, *widgets) -> "FlowLayout":
        for w in widgets:
            self.addChildWidget(w)
            self.addItem(QWidgetItem(w))
        return self

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the visible items out in ``rect`` (or only measure); returns the height used.

        Items sit at the top of their line, except operator labels (object name "op"), centred
        on the line's height like the "=" between two grids."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        gap = self.spacing()
        lines, line, x = [], [], area.x()
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            width = item.sizeHint().width()
            if line and x + width > area.right() + 1:
                lines.append(line)
                line, x = [], area.x()
            line.append(item)
            x += width + gap
        if line:
            lines.append(line)
        y = area.y()
        for n, line in enumerate(lines):
            height = max(item.sizeHint().height() for item in line)
            x = area.x()
            for item in line:
                hint = item.sizeHint()
                centred = item.widget() is not None and item.widget().objectName() == "op"
                if move:
                    item.setGeometry(QRect(QPoint(x, y + ((height - hint.height()) // 2 if centred else 0)), hint))
                x += hint.width() + gap
            y += height + (gap if n < len(lines) - 1 else 0)
        return y - rect.y() + m.bottom()
