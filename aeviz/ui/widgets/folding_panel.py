"""A page's panel of settings that the main window folds away in presentation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class FoldingPanel(QWidget):
    """Emits ``folded`` when the window hides or shows it (presentation, F2), so the page can
    fold its other settings with it or give the stage the room."""

    folded = Signal(bool)  # True: hidden

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        self.folded.emit(not visible)
