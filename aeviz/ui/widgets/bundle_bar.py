"""The row of model files: start from a pretrained model (by id), open or save a bundle (.aeviz).

It only asks for paths (file dialogs); the page loads and saves, so a failure is
reported where the user looks and leaves the current model untouched.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGridLayout, QLabel, QPushButton, QWidget

from aeviz.core.constants import BUNDLE_SUFFIX
from aeviz.core.pretrained import list_pretrained
from aeviz.ui.dataset_names import model_summary
from aeviz.ui.i18n import has_key, tr
from aeviz.ui.widgets import Translatable, enable
from aeviz.ui.widgets import train_texts  # noqa: F401  (registers the strings used here)


class BundleBar(QWidget, Translatable):
    open_path = Signal(str)
    use_pretrained = Signal(str)   # a shipped model's id
    save_path = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.models = list_pretrained()
        self.combo = QComboBox()
        self.use_button, self.open_button, self.save_button = QPushButton(), QPushButton(), QPushButton()
        label = QLabel()
        self.bind(label.setText, "train.pretrained")
        layout = QGridLayout(self)  # narrow: it sits above the settings
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 0, 0, 1, 3)
        layout.addWidget(self.combo, 1, 0, 1, 3)
        for column, (button, key) in enumerate(((self.use_button, "train.use_pretrained"),
                                                (self.open_button, "train.open"), (self.save_button, "train.save"))):
            self.bind(button.setText, key)
            layout.addWidget(button, 2, column)
        self.use_button.clicked.connect(self._use)
        self.open_button.clicked.connect(self._open)
        self.save_button.clicked.connect(self._save)
        self.use_button.setEnabled(bool(self.models))
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        index = self.combo.currentIndex()
        self.combo.clear()
        for m in self.models:
            self.combo.addItem(tr(f"pre.{m.id}") if has_key(f"pre.{m.id}") else model_summary(m.summary))
        self.combo.setCurrentIndex(max(0, index))

    def show_pretrained(self, model_id: str) -> None:
        """Select the shipped model ``model_id`` in the list (the one the page uses)."""
        index = next((i for i, m in enumerate(self.models) if m.id == model_id), None)
        if index is not None:
            self.combo.setCurrentIndex(index)

    def set_busy(self, busy: bool, can_save: bool) -> None:
        for w in (self.combo, self.use_button, self.open_button):
            enable(w, not busy and (w is not self.use_button or bool(self.models)),
                   "why.running" if busy else "why.no_pretrained")
        enable(self.save_button, can_save, "why.no_copy")

    def _use(self) -> None:
        if self.models:
            self.use_pretrained.emit(self.models[self.combo.currentIndex()].id)

    def _open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("train.open"), "", tr("train.filter"))
        if path:
            self.open_path.emit(path)

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("train.save"), f"autoencoder{BUNDLE_SUFFIX}", tr("train.filter"))
        if path:
            self.save_path.emit(path if path.endswith(BUNDLE_SUFFIX) else path + BUNDLE_SUFFIX)
