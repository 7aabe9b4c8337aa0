"""Play / pause / step / speed / reset over a sequence of cells.

The index runs from -1 (not started: the full result, nothing marked) to
``count - 1``. A QTimer on the GUI thread drives it: the work per step is tiny.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable

add_strings({
    "stepper.play": {"en": "▶ Play", "fr": "▶ Lecture"},
    "stepper.pause": {"en": "⏸ Pause", "fr": "⏸ Pause"},
    "stepper.back": {"en": "Step back", "fr": "Reculer d'une étape"},
    "stepper.forward": {"en": "Step forward", "fr": "Avancer d'une étape"},
    "stepper.reset": {"en": "Reset: back to the full result", "fr": "Réinitialiser : revenir au résultat complet"},
    "stepper.speed": {"en": "Speed", "fr": "Vitesse"},
})


class Stepper(QWidget, Translatable):
    indexChanged = Signal(int)

    def __init__(self, position_key: str, idle_key: str, parent: QWidget | None = None):
        """``position_key`` ("Case {i} / {n}") names what the stepper walks, and ``idle_key``
        ("Case — / {n}") the same before it starts: not "Étape", which the lesson bar uses."""
        super().__init__(parent)
        self._init_texts()
        self.position_key, self.idle_key = position_key, idle_key
        self.count = 0
        self.index = -1
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.reset_button, self.back_button = QPushButton(), QPushButton()
        self.play_button, self.forward_button = QPushButton(), QPushButton()
        for button, key, symbol, slot in ((self.reset_button, "stepper.reset", "|◀", self.reset),
                                          (self.back_button, "stepper.back", "◀", self.step_back),
                                          (self.play_button, "stepper.play", "", self.toggle_play),
                                          (self.forward_button, "stepper.forward", "▶|", self.step_forward)):
            if symbol:
                button.setText(symbol)
                self.bind(button.setToolTip, key)
            else:
                self.bind(button.setText, key)
            button.clicked.connect(slot)
            row.addWidget(button)
        speed = QLabel()
        self.bind(speed.setText, "stepper.speed")
        row.addWidget(speed)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(1, 10)   # steps per second ×2: 0.5 … 5
        self.speed.setValue(2)
        self.speed.valueChanged.connect(self._apply_speed)
        self.speed.setMinimumWidth(80)
        row.addWidget(self.speed, 1)
        self.position = QLabel()
        row.addWidget(self.position)
        self._apply_speed()
        self._show_position()

    def show_position(self, count: int, index: int, speed: int) -> None:
        """Show a position the page's state already holds, without emitting ``indexChanged``."""
        self.count, self.index = count, index
        if index < 0 or index >= count - 1:
            self.stop()
        self.speed.blockSignals(True)
        self.speed.setValue(speed)
        self.speed.blockSignals(False)
        self._apply_speed()
        self._show_position()

    def set_count(self, count: int) -> None:
        self.count = count
        if self.index >= count:
            self.index = -1
            self.stop()
            self.indexChanged.emit(self.index)
        self._show_position()

    def set_index(self, index: int) -> None:
        index = max(-1, min(self.count - 1, index))
        if index != self.index:
            self.index = index
            self._show_position()
            self.indexChanged.emit(index)

    def step_forward(self) -> None:
        if self.count:
            self.set_index(self.index + 1 if self.index < self.count - 1 else 0)

    def step_back(self) -> None:
        if self.count:
            self.set_index(self.index - 1 if self.index > 0 else self.count - 1)

    def reset(self) -> None:
        self.stop()
        self.set_index(-1)

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.stop()
        else:
            if self.index >= self.count - 1:
                self.set_index(-1)
            self.timer.start()
            self.play_button.setText(tr("stepper.pause"))

    def stop(self) -> None:
        self.timer.stop()
        self.play_button.setText(tr("stepper.play"))

    def playing(self) -> bool:
        return self.timer.isActive()

    def _tick(self) -> None:
        if self.index >= self.count - 1:
            self.stop()
        else:
            self.set_index(self.index + 1)

    def _apply_speed(self) -> None:
        self.timer.setInterval(round(2000 / self.speed.value()))

    def _show_position(self) -> None:
        if self.index < 0:
            self.position.setText(tr(self.idle_key, n=self.count))
        else:
            self.position.setText(tr(self.position_key, i=self.index + 1, n=self.count))

    def retranslate(self) -> None:
        super().retranslate()
        self.play_button.setText(tr("stepper.pause" if self.playing() else "stepper.play"))
        self._show_position()
