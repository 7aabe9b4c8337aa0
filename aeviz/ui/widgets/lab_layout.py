"""Small layout helpers shared by the pages: rows, columns, a column of controls in a scroll area."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

#: characters a shrinkable combo box keeps when its column is narrow
COMBO_MIN_CHARS = 14


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

    def sizeHint(self):
        """The content's preferred width beside the vertical scroll bar a column of controls usually
        has: without it the bar took its width from the content (a combo box's text was elided)."""
        hint = super().sizeHint()
        content = self.widget()
        if content is not None:
            hint.setWidth(content.sizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4)
        return hint


class _NarrowCombo(QObject):
    """Lets a combo box shrink below its longest item (Qt's minimum): one long item in a list (a
    pretrained model's name) otherwise set the whole column's minimum width, and the training page's
    settings scrolled sideways on a 1280-pixel screen. The combo still asks for its longest item's
    width (its size hint), so it shows whole wherever there is room. Follows the font (zoom)."""

    def __init__(self, combo: QComboBox):
        super().__init__(combo)
        self._apply(combo)
        combo.installEventFilter(self)

    @staticmethod
    def _apply(combo: QComboBox) -> None:
        metrics = combo.fontMetrics()
        combo.setMinimumWidth(min(combo.minimumSizeHint().width(),
                                  metrics.averageCharWidth() * COMBO_MIN_CHARS + 2 * metrics.height()))

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.FontChange:
            self._apply(watched)
        return False


def controls_column(widget: QWidget) -> QScrollArea:
    """A column of controls (left of a page's views) in a scroll area sized to its content."""
    area = _ControlsScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(widget)
    for label in widget.findChildren(QLabel):  # text wraps instead of widening the column
        label.setWordWrap(True)
    return area


def let_combos_shrink(widget: QWidget) -> None:
    """The combo boxes in ``widget`` may be narrower than their longest item (elided; the list shows it
    whole): for a column whose lists hold long names (the pretrained models)."""
    for combo in widget.findChildren(QComboBox):
        _NarrowCombo(combo)


class WholeCombo(QComboBox):
    """A combo box never narrower than its longest item, in the current language and zoom: a form with
    ``QFormLayout.WrapLongRows`` then puts it under its label in a narrow column instead of eliding it
    (the linear page's data choice at 1280×720)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.AdjustToContents)

    def minimumSizeHint(self):
        return self.sizeHint()


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
