"""Spin boxes for the geometry parameters: stride, padding, dilation, output_padding."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from aeviz.state.lab import PARAM_RANGES
from aeviz.ui.i18n import add_strings
from aeviz.ui.widgets import Translatable

add_strings({
    "param.stride": {"en": "Stride s", "fr": "Pas s (stride)"},
    "param.padding": {"en": "Padding p", "fr": "Remplissage p (padding)"},
    "param.dilation": {"en": "Dilation d", "fr": "Dilatation d"},
    "param.output_padding": {"en": "Output padding", "fr": "Remplissage de sortie (output_padding)"},
})


class ParamsBox(QWidget, Translatable):
    changed = Signal()

    def __init__(self, names, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.spins: dict[str, QSpinBox] = {}
        for name in names:
            spin = QSpinBox()
            lo, hi = PARAM_RANGES[name]
            spin.setRange(lo, hi)
            spin.valueChanged.connect(self._on_spin)
            label = QLabel()
            self.bind(label.setText, f"param.{name}")
            form.addRow(label, spin)
            self.spins[name] = spin

    def _on_spin(self, _value: int) -> None:
        self.changed.emit()

    def values(self) -> dict[str, int]:
        return {name: spin.value() for name, spin in self.spins.items()}

    def set_values(self, notify: bool = True, **values: int) -> None:
        """Show ``values``; ``changed`` is emitted once (not per spin box), unless ``notify`` is False."""
        for name, v in values.items():
            spin = self.spins[name]
            spin.blockSignals(True)
            spin.setValue(v)
            spin.blockSignals(False)
        if notify:
            self.changed.emit()
