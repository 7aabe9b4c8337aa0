"""An editable grid of numbers (input image or kernel) with size, presets and checks.

Cells are edited in place by typing (Tab and the arrow keys move between them).
Whole and decimal numbers are accepted, negatives too, with a point or a French
decimal comma. Anything else — letters, an empty cell, NaN, infinities, magnitudes
over 1e6 — is refused: a message says why and the cell keeps its last valid value.
"""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from aeviz.state.lab import VALUE_LIMIT
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import MINUS, Translatable, fmt_num

add_strings({
    "grid.rows": {"en": "Rows", "fr": "Lignes"},
    "grid.cols": {"en": "Columns", "fr": "Colonnes"},
    "grid.random": {"en": "Random integers", "fr": "Entiers aléatoires"},
    "grid.zeros": {"en": "Zeros", "fr": "Zéros"},
    "grid.ones": {"en": "Ones", "fr": "Uns"},
    "grid.preset": {"en": "Preset…", "fr": "Préréglage…"},
    "grid.empty": {"en": "An empty cell is not a number: the cell keeps {old}.",
                   "fr": "Une case vide n'est pas un nombre : la case garde {old}."},
    "grid.not_number": {"en": "“{text}” is not a number: the cell keeps {old}.",
                        "fr": "« {text} » n'est pas un nombre : la case garde {old}."},
    "grid.not_finite": {"en": "“{text}” is not a finite number: the cell keeps {old}.",
                        "fr": "« {text} » n'est pas un nombre fini : la case garde {old}."},
    "grid.too_big": {"en": "{text} is too large (at most 1e6 in absolute value): the cell keeps {old}.",
                     "fr": "{text} est trop grand (au plus 1e6 en valeur absolue) : la case garde {old}."},
    "grid.hint": {"en": "Type a number in a cell; Tab or the arrows move.",
                  "fr": "Tapez un nombre dans une case ; Tab ou les flèches pour se déplacer."},
})

LIMIT = VALUE_LIMIT


def parse_cell(text: str) -> tuple[float | None, str | None]:
    """``(value, None)`` or ``(None, i18n key of the reason)``."""
    t = re.sub(r"[\s\u00a0\u202f]", "", text).replace(MINUS, "-")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d*)?", t):  # English grouping, as fmt_num writes it
        t = t.replace(",", "")
    t = t.replace(",", ".")  # a decimal comma, whatever the language
    if not t:
        return None, "grid.empty"
    try:
        v = float(t)
    except ValueError:
        return None, "grid.not_number"
    if not math.isfinite(v):
        return None, "grid.not_finite"
    if abs(v) > LIMIT:
        return None, "grid.too_big"
    return v, None


class GridEditor(QWidget, Translatable):
    #: emitted after any accepted change (edit, resize, preset, buttons)
    changed = Signal()

    def __init__(self, state, title_key: str, max_rows: int, max_cols: int, values,
                 presets: list[tuple[str, Callable[[], np.ndarray]]] = (), random_range=(0, 9),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self.random_range = random_range
        self._rng = np.random.default_rng()
        self._values = np.zeros((1, 1))
        self._presets = list(presets)
        self._updating = False
        self._last_refused = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.bind(self.title.setText, title_key)
        layout.addWidget(self.title)
        size_row = QHBoxLayout()
        self.rows_spin, self.cols_spin = QSpinBox(), QSpinBox()
        for key, spin, top in (("grid.rows", self.rows_spin, max_rows), ("grid.cols", self.cols_spin, max_cols)):
            label = QLabel()
            self.bind(label.setText, key)
            spin.setRange(1, top)
            spin.valueChanged.connect(self._resize_from_spins)
            size_row.addWidget(label)
            size_row.addWidget(spin)
        size_row.addStretch(1)
        layout.addLayout(size_row)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.AnyKeyPressed | QAbstractItemView.DoubleClicked
                                   | QAbstractItemView.EditKeyPressed | QAbstractItemView.SelectedClicked)
        self.table.setTabKeyNavigation(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.table.itemChanged.connect(self._on_item_changed)
        layout.addWidget(self.table)
        buttons = QGridLayout()
        for key, slot, row, col, span in (("grid.random", self.fill_random, 0, 0, 2),
                                          ("grid.zeros", self.fill_zeros, 1, 0, 1),
                                          ("grid.ones", self.fill_ones, 1, 1, 1)):
            b = QPushButton()
            self.bind(b.setText, key)
            b.clicked.connect(slot)
            buttons.addWidget(b, row, col, 1, span)
        self.preset_combo = QComboBox()
        self.preset_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.preset_combo.setMinimumContentsLength(12)
        self.preset_combo.activated.connect(self._on_preset)
        buttons.addWidget(self.preset_combo, 2, 0, 1, 2)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.retranslate()
        self.set_values(values)

    # --- values -------------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        """The grid as int64 when every value is whole (exact engine results), else float64."""
        v = self._values
        if np.all(np.mod(v, 1) == 0):
            return v.astype(np.int64)
        return v.copy()

    def set_values(self, values, notify: bool = True) -> None:
        arr = np.array(values, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError("a grid needs a 2-D array")
        arr = arr[:self.rows_spin.maximum(), :self.cols_spin.maximum()]
        self._values = arr
        self._updating = True
        try:
            self.rows_spin.setValue(arr.shape[0])
            self.cols_spin.setValue(arr.shape[1])
            self._fill_table()
        finally:
            self._updating = False
        self.message.clear()
        if notify:
            self.changed.emit()

    def show_values(self, values) -> None:
        """Show values a page's state holds, without ``changed``; nothing happens if they are shown already."""
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != self._values.shape or not np.array_equal(arr, self._values):
            self.set_values(arr, notify=False)

    def set_cell_text(self, row: int, col: int, text: str) -> bool:
        """Edit one cell as if typed; returns whether the text was accepted."""
        self._last_refused = False
        self.table.item(row, col).setText(text)
        return not self._last_refused

    def _fill_table(self) -> None:
        rows, cols = self._values.shape
        self.table.blockSignals(True)
        self.table.setRowCount(rows)
        self.table.setColumnCount(cols)
        for r in range(rows):
            for c in range(cols):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignCenter)
                    self.table.setItem(r, c, item)
                item.setText(fmt_num(self._values[r, c]))
        self.table.blockSignals(False)
        self._size_table()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        old = self._values[r, c]
        typed = item.text()
        value, reason = parse_cell(typed)
        if reason is not None:
            self.table.blockSignals(True)
            item.setText(fmt_num(old))
            self.table.blockSignals(False)
            self.message.setText(tr(reason, text=typed.strip()[:20], old=fmt_num(old)))
            self._last_refused = True
            return
        self._last_refused = False
        if self.message.text():
            self.message.clear()
        self.table.blockSignals(True)
        item.setText(fmt_num(value))
        self.table.blockSignals(False)
        if value != old:
            self._values[r, c] = value
            self._size_table()
            self.changed.emit()

    def _resize_from_spins(self) -> None:
        if self._updating:
            return
        rows, cols = self.rows_spin.value(), self.cols_spin.value()
        new = np.zeros((rows, cols))
        r, c = min(rows, self._values.shape[0]), min(cols, self._values.shape[1])
        new[:r, :c] = self._values[:r, :c]
        self._values = new
        self._fill_table()
        self.changed.emit()

    def fill_random(self) -> None:
        lo, hi = self.random_range
        self.set_values(self._rng.integers(lo, hi + 1, size=self._values.shape))

    def fill_zeros(self) -> None:
        self.set_values(np.zeros(self._values.shape))

    def fill_ones(self) -> None:
        self.set_values(np.ones(self._values.shape))

    def _on_preset(self, index: int) -> None:
        if index <= 0:
            return
        self.preset_combo.setCurrentIndex(0)
        try:
            values = self._presets[index - 1][1]()
        except (OSError, ValueError) as exc:
            self.message.setText(describe_error(exc))
            return
        self.set_values(values)

    def load_preset(self, key: str) -> None:
        self.set_values(dict(self._presets)[key]())

    # --- look ---------------------------------------------------------------------------------
    def _size_table(self) -> None:
        font = self.state.font(1.2)
        self.table.setFont(font)
        fm = QFontMetrics(font)
        widest = max([fm.horizontalAdvance(fmt_num(v)) for v in self._values.ravel()] + [fm.horizontalAdvance("−88")])
        w, h = max(self.state.px(40), widest + fm.height()), max(self.state.px(30), round(fm.height() * 1.5))
        key = (w, h, self._values.shape, font.pointSizeF())
        if key == getattr(self, "_sized", None):
            return
        self._sized = key
        hh, vh = self.table.horizontalHeader(), self.table.verticalHeader()
        hh.setDefaultSectionSize(w)
        vh.setDefaultSectionSize(h)
        hh.setMinimumSectionSize(1)
        vh.setMinimumSectionSize(1)
        for c in range(self.table.columnCount()):
            self.table.setColumnWidth(c, w)
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, h)
        small = self.state.font(0.8)
        hh.setFont(small)
        vh.setFont(small)
        sfm = QFontMetrics(small)
        vh.setFixedWidth(sfm.horizontalAdvance("10") + self.state.px(10))
        hh.setFixedHeight(sfm.height() + self.state.px(6))
        frame = 2 * self.table.frameWidth()
        rows, cols = self._values.shape
        width = vh.width() + w * cols + frame
        height = hh.height() + h * rows + frame
        cap_w, cap_h = self.state.px(640), self.state.px(440)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded if width > cap_w else Qt.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if height > cap_h else Qt.ScrollBarAlwaysOff)
        self.table.setFixedSize(min(width, cap_w), min(height, cap_h))

    def cell_size(self) -> tuple[int, int]:
        return self.table.columnWidth(0), self.table.rowHeight(0)

    def retranslate(self) -> None:
        super().retranslate()
        self.preset_combo.clear()
        self.preset_combo.addItem(tr("grid.preset"))
        for key, _fn in self._presets:
            self.preset_combo.addItem(tr(key))
        self._fill_table()  # cell numbers in the language's decimal separator

    def rescale(self) -> None:
        self.title.setFont(self.state.font(1.15, bold=True))
        self._size_table()
