"""Models shared between pages: the one being trained live on the training page.

The training page publishes a *copy* of its model's weights now and then (a copy made
in the training thread between two steps), so other pages (latent space, linear case)
can encode and decode with it while training goes on, without ever reading weights
that are being updated. Pages hold the hub through ``AppState.models``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class SharedModel:
    model: Any           # an aeviz.core.models.Autoencoder in eval mode; never trained further
    config: Any          # its aeviz.core.models.ModelConfig
    label: str           # what the user sees, e.g. "MLP, code 2 (training, epoch 3)"
    dataset_name: str
    version: int         # increases with each publication
    training: bool       # True while the run that produced it goes on


class ModelHub(QObject):
    live_model_changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._live: SharedModel | None = None
        self._version = 0

    def publish_live(self, model, config, label: str, dataset_name: str, training: bool) -> SharedModel:
        """Called on the GUI thread with a model copy nobody else modifies."""
        self._version += 1
        self._live = SharedModel(model, config, label, dataset_name, self._version, training)
        self.live_model_changed.emit()
        return self._live

    def clear_live(self) -> None:
        self._live = None
        self.live_model_changed.emit()

    def live(self) -> SharedModel | None:
        return self._live
