"""The training page's settings: data, model, hyper-parameters, denoising, device.

The form only describes what the user asked for (``data_spec()``, ``model_config()``,
``train_config()``); the page decides what a change means for the current run
(applied at resume, or flagged as needing a reset). Invalid input (e.g. hidden sizes
"256, abc") raises ValueError with a translated message the page shows.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from aeviz.core.constants import LATENT_RANGE, default_num_threads
from aeviz.core.models import ModelConfig
from aeviz.core.noise import NoiseConfig
from aeviz.core.session import SUBSET_RANGE, DataSpec
from aeviz.core.training import TrainConfig
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable
from aeviz.ui.widgets import train_texts  # noqa: F401  (dialog titles)

add_strings({
    "tf.data": {"en": "Data", "fr": "Données"},
    "tf.source": {"en": "Source", "fr": "Source"},
    "tf.src.mnist": {"en": "MNIST digits (bundled)", "fr": "Chiffres MNIST (fournis)"},
    "tf.src.folder": {"en": "Image folder…", "fr": "Dossier d'images…"},
    "tf.src.idx": {"en": "IDX files (e.g. Fashion-MNIST)…", "fr": "Fichiers IDX (ex. Fashion-MNIST)…"},
    "tf.choose": {"en": "Choose…", "fr": "Choisir…"},
    "tf.bad_file_settings": {"en": "its settings cannot be shown in this form.",
                             "fr": "ses réglages ne peuvent pas être affichés dans ce formulaire."},
    "tf.subset": {"en": "Training images", "fr": "Images d'entraînement"},
    "tf.model": {"en": "Model", "fr": "Modèle"},
    "tf.kind": {"en": "Autoencoder", "fr": "Auto-encodeur"},
    "kind.linear": {"en": "Linear", "fr": "Linéaire"},
    "kind.mlp": {"en": "MLP (dense layers)", "fr": "MLP (couches denses)"},
    "kind.conv": {"en": "Convolutional", "fr": "Convolutif"},
    "kind.vae": {"en": "Variational (VAE)", "fr": "Variationnel (VAE)"},
    "tf.latent": {"en": "Code size k", "fr": "Taille du code k"},
    "tf.hidden": {"en": "Hidden layers", "fr": "Couches cachées"},
    "tf.channels": {"en": "Channels", "fr": "Canaux"},
    "tf.hidden_tip": {"en": "Widths of the encoder's hidden layers, comma-separated (the decoder mirrors them).",
                      "fr": "Largeurs des couches cachées de l'encodeur, séparées par des virgules "
                            "(le décodeur est symétrique)."},
    "tf.bias": {"en": "Biases (off: exactly X ≈ U·Vᵀ)", "fr": "Biais (sans : exactement X ≈ U·Vᵀ)"},
    "tf.train": {"en": "Training", "fr": "Entraînement"},
    "tf.optimizer": {"en": "Optimizer", "fr": "Optimiseur"},
    "tf.lr": {"en": "Learning rate", "fr": "Taux d'apprentissage"},
    "tf.batch": {"en": "Batch size", "fr": "Taille de lot"},
    "tf.epochs": {"en": "Epochs", "fr": "Époques"},
    "tf.loss": {"en": "Loss", "fr": "Perte"},
    "loss.auto": {"en": "Automatic (MSE; BCE for VAE)", "fr": "Automatique (MSE ; BCE pour le VAE)"},
    "loss.mse": {"en": "MSE (mean squared error)", "fr": "MSE (erreur quadratique moyenne)"},
    "loss.bce": {"en": "BCE (binary cross-entropy)", "fr": "BCE (entropie croisée binaire)"},
    "tf.seed": {"en": "Seed", "fr": "Graine"},
    "tf.noise": {"en": "Denoising", "fr": "Débruitage"},
    "tf.noise_kind": {"en": "Noise", "fr": "Bruit"},
    "noise.gaussian": {"en": "Gaussian", "fr": "Gaussien"},
    "noise.masking": {"en": "Masking (pixels set to 0)", "fr": "Masquage (pixels mis à 0)"},
    "noise.salt_pepper": {"en": "Salt and pepper", "fr": "Poivre et sel"},
    "tf.level": {"en": "Level", "fr": "Niveau"},
    "tf.device": {"en": "Computation", "fr": "Calcul"},
    "tf.threads": {"en": "CPU threads", "fr": "Fils d'exécution (CPU)"},
    "tf.threads_tip": {"en": "Threads that compute the training. By default both cores of a 2-core computer, "
                             "all cores but one from 3 cores up: the fastest measured with the window staying fluid. "
                             "Use fewer if other programs are busy at the same time.",
                       "fr": "Threads qui calculent l'entraînement. Par défaut, les deux cœurs d'un ordinateur à "
                             "2 cœurs, tous les cœurs sauf un à partir de 3 : le plus rapide mesuré, la fenêtre restant "
                             "fluide. Mettez-en moins si d'autres programmes calculent en même temps."},
    "tf.dev": {"en": "Device", "fr": "Processeur"},
    "dev.cpu": {"en": "CPU", "fr": "CPU (processeur)"},
    "dev.cuda": {"en": "GPU (CUDA)", "fr": "GPU (CUDA)"},
    "dev.mps": {"en": "GPU (Apple MPS)", "fr": "GPU (Apple MPS)"},
    "tf.bad_hidden": {"en": "Hidden sizes must be whole numbers between 1 and 4096 separated by commas, e.g. 256, 64.",
                      "fr": "Les tailles cachées doivent être des entiers entre 1 et 4096 séparés par des virgules, "
                            "par ex. 256, 64."},
})

KINDS = ("linear", "mlp", "conv", "vae")
DEFAULT_HIDDEN = {"mlp": "256, 64", "vae": "256, 64", "conv": "32, 64", "linear": ""}


def _available_devices() -> list[str]:
    import torch

    out = ["cpu"]
    if torch.cuda.is_available():
        out.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        out.append("mps")
    return out


class TrainForm(QWidget, Translatable):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self._combos: list[tuple[QComboBox, list[str]]] = []
        self._hidden_by_kind = dict(DEFAULT_HIDDEN)
        self.user_data: dict[str, tuple[str, str]] = {}  # source -> (path, labels_path) once validated
        self._shown_data = None  # the TrainingData described under the source
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # --- data
        self.source = self._combo(["tf.src.mnist", "tf.src.folder", "tf.src.idx"])
        self.source.activated.connect(self._on_source)
        self.choose_button = QPushButton()
        self.bind(self.choose_button.setText, "tf.choose")
        self.choose_button.clicked.connect(self._choose_data)
        self.data_info = QLabel()
        self.data_info.setWordWrap(True)
        self.data_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.subset = QSpinBox()
        self.subset.setRange(*SUBSET_RANGE)
        self.subset.setSingleStep(1000)
        self.subset.setValue(10000)
        self.subset.setGroupSeparatorShown(True)
        source_row = QWidget()
        row = QHBoxLayout(source_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.source, 1)
        row.addWidget(self.choose_button)
        data_box = self._group("tf.data", [("tf.source", source_row), ("tf.subset", self.subset)])
        data_box.layout().addRow(self.data_info)
        # --- model
        self.kind = self._combo([f"kind.{k}" for k in KINDS])
        self.kind.setCurrentIndex(KINDS.index("mlp"))
        self.latent = QSpinBox()
        self.latent.setRange(*LATENT_RANGE)
        self.latent.setValue(16)
        self.hidden = QLineEdit(DEFAULT_HIDDEN["mlp"])
        self.bind(self.hidden.setToolTip, "tf.hidden_tip")
        self.hidden_label = QLabel()
        self.bias = QCheckBox()
        self.bias.setChecked(True)
        self.bind(self.bias.setText, "tf.bias")
        model_box = self._group("tf.model", [("tf.kind", self.kind), ("tf.latent", self.latent)])
        model_box.layout().addRow(self.hidden_label, self.hidden)
        model_box.layout().addRow(self.bias)
        self.kind.currentIndexChanged.connect(self._on_kind)
        # --- hyper-parameters
        self.optimizer = QComboBox()
        self.optimizer.addItems(["Adam", "SGD"])  # proper names, same in every language
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 100.0)
        self.lr.setSingleStep(0.0005)
        self.lr.setValue(0.001)
        self.batch = QSpinBox()
        self.batch.setRange(8, 4096)
        self.batch.setValue(128)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1000)
        self.epochs.setValue(10)
        self.loss = self._combo(["loss.auto", "loss.mse", "loss.bce"])
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self._group("tf.train", [("tf.optimizer", self.optimizer), ("tf.lr", self.lr), ("tf.batch", self.batch),
                                 ("tf.epochs", self.epochs), ("tf.loss", self.loss), ("tf.seed", self.seed)])
        # --- denoising
        self.noise_kind = self._combo(["noise.gaussian", "noise.masking", "noise.salt_pepper"])
        self.noise_level = QDoubleSpinBox()
        self.noise_level.setRange(0.0, 1.0)
        self.noise_level.setSingleStep(0.05)
        self.noise_level.setValue(0.3)
        self.noise_box = self._group("tf.noise", [("tf.noise_kind", self.noise_kind), ("tf.level", self.noise_level)])
        self.noise_box.setCheckable(True)
        self.noise_box.setChecked(False)
        # --- device
        self.threads = QSpinBox()
        self.threads.setRange(1, max(1, os.cpu_count() or 1))
        self.threads.setValue(default_num_threads())
        self.bind(self.threads.setToolTip, "tf.threads_tip")
        self.devices = _available_devices()
        self.device = self._combo([f"dev.{d}" for d in self.devices])
        self._group("tf.device", [("tf.threads", self.threads), ("tf.dev", self.device)])
        layout.addStretch(1)
        for spin in (self.subset, self.latent, self.batch, self.epochs, self.seed, self.threads, self.lr,
                     self.noise_level):
            spin.valueChanged.connect(self._emit_changed)
        for combo in (self.optimizer, self.loss, self.noise_kind, self.device):
            combo.currentIndexChanged.connect(self._emit_changed)
        self.hidden.textChanged.connect(self._emit_changed)
        self.bias.toggled.connect(self._emit_changed)
        self.noise_box.toggled.connect(self._emit_changed)
        self._on_kind()
        self._update_data_row()

    # --- building helpers ---------------------------------------------------------------------
    def _combo(self, keys: list[str]) -> QComboBox:
        combo = QComboBox()
        for key in keys:
            combo.addItem(tr(key))
        self._combos.append((combo, keys))
        return combo

    def _group(self, title_key: str, rows) -> QGroupBox:
        box = QGroupBox()
        self.bind(box.setTitle, title_key)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for key, widget in rows:
            label = QLabel()
            self.bind(label.setText, key)
            form.addRow(label, widget)
        self.layout().addWidget(box)
        return box

    def retranslate(self) -> None:
        super().retranslate()
        for combo, keys in self._combos:
            for i, key in enumerate(keys):
                combo.setItemText(i, tr(key))
        self._on_kind()
        self._update_data_row()
        if self._shown_data is not None:
            self.show_data(self._shown_data)

    def _emit_changed(self, *_args) -> None:
        self.changed.emit()

    # --- reactions ----------------------------------------------------------------------------
    def source_id(self) -> str:
        return ("mnist", "folder", "idx")[self.source.currentIndex()]

    def _on_source(self, _index: int) -> None:
        source = self.source_id()
        if source != "mnist" and source not in self.user_data:
            self._choose_data()  # back to MNIST if nothing is chosen
        self._update_data_row()
        self.changed.emit()

    def _choose_data(self) -> None:
        """Ask for a folder or an IDX pair; the page validates it by loading it (in a worker)."""
        source = self.source_id()
        if source == "folder":
            path = QFileDialog.getExistingDirectory(self, tr("train.pick_folder"))
            paths = (path, "") if path else None
        else:
            images, _ = QFileDialog.getOpenFileName(self, tr("train.pick_idx_images"), "", tr("train.idx_filter"))
            labels = QFileDialog.getOpenFileName(self, tr("train.pick_idx_labels"), str(Path(images).parent),
                                                 tr("train.idx_filter"))[0] if images else ""
            paths = (images, labels) if images and labels else None
        if paths is None:
            if source not in self.user_data:
                self.set_source("mnist")
            return
        self.user_data[source] = paths
        self.changed.emit()

    def forget_user_data(self) -> None:
        """The chosen files could not be used: the source goes back to MNIST. Not announced as a
        change: the page keeps its error message on screen until the user does something."""
        self.user_data.pop(self.source_id(), None)
        self.set_source("mnist", notify=False)

    def set_source(self, source: str, notify: bool = True) -> None:
        self.source.setCurrentIndex(("mnist", "folder", "idx").index(source))
        self._update_data_row()
        if notify:
            self.changed.emit()

    def set_data_info(self, text: str) -> None:
        self.data_info.setText(text)

    def show_data(self, data) -> None:
        """What was loaded: size, classes, the split, unreadable files (re-rendered on a language switch)."""
        self._shown_data = data
        text = tr("train.data_info", name=data.name.split(" (")[0], total=data.total,
                  classes=len(data.train.class_names), train=len(data.train), val=len(data.val))
        self.set_data_info(text + (" " + tr("train.data_skipped", n=data.skipped) if data.skipped else ""))

    def _update_data_row(self) -> None:
        self.choose_button.setVisible(self.source_id() != "mnist")

    def kind_id(self) -> str:
        return KINDS[self.kind.currentIndex()]

    def _on_kind(self, *_args) -> None:
        kind = self.kind_id()
        previous = getattr(self, "_shown_kind", kind)
        if previous != kind:
            self._hidden_by_kind[previous] = self.hidden.text()
            self.hidden.setText(self._hidden_by_kind[kind])
        self._shown_kind = kind
        self.hidden_label.setText(tr("tf.channels" if kind == "conv" else "tf.hidden"))
        self.hidden.setEnabled(kind != "linear")
        self.bias.setEnabled(kind == "linear")
        self.changed.emit()

    # --- what the user asked for --------------------------------------------------------------
    def hidden_sizes(self) -> tuple[int, ...] | None:
        if self.kind_id() == "linear":
            return None
        try:
            sizes = tuple(int(p) for p in self.hidden.text().replace(";", ",").split(",") if p.strip())
        except ValueError:
            raise ValueError(tr("tf.bad_hidden")) from None
        if not sizes or any(not 1 <= s <= 4096 for s in sizes):
            raise ValueError(tr("tf.bad_hidden"))
        return sizes

    def model_config(self, image_shape=(1, 28, 28)) -> ModelConfig:
        kind = self.kind_id()
        return ModelConfig(kind, self.latent.value(), hidden=self.hidden_sizes(),
                           bias=self.bias.isChecked() if kind == "linear" else True,
                           image_shape=tuple(image_shape))

    def noise(self) -> NoiseConfig | None:
        if not self.noise_box.isChecked():
            return None
        kind = ("gaussian", "masking", "salt_pepper")[self.noise_kind.currentIndex()]
        return NoiseConfig(kind, float(self.noise_level.value()))

    def train_config(self) -> TrainConfig:
        return TrainConfig(optimizer=("adam", "sgd")[self.optimizer.currentIndex()], lr=float(self.lr.value()),
                           batch_size=self.batch.value(), epochs=self.epochs.value(),
                           loss=("auto", "mse", "bce")[self.loss.currentIndex()], seed=self.seed.value(),
                           noise=self.noise(), num_threads=self.threads.value(),
                           device=self.devices[self.device.currentIndex()], snapshot_every_s=0.15)

    def data_spec(self) -> DataSpec:
        source = self.source_id()
        path, labels = self.user_data.get(source, ("", ""))
        return DataSpec(source, path, labels, self.subset.value(), self.seed.value())

    # --- filled from a bundle ---------------------------------------------------------------
    def show_bundle(self, config: ModelConfig, train: TrainConfig | None) -> None:
        """Show an opened file's model (and training) settings, all or nothing.

        Every value is turned into a widget value before any widget changes, so a crafted
        file raises ValueError with the form untouched; ``changed`` is emitted once at the end.
        """
        values = self._bundle_values(config, train)
        widgets = [widget for widget, _setter, _value in values]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for _widget, setter, value in values:
                setter(value)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._shown_kind = config.kind
        if config.kind != "linear":
            self._hidden_by_kind[config.kind] = self.hidden.text()
        self._on_kind()  # labels and enabled states of the kind; emits changed

    def check_bundle(self, config: ModelConfig, train: TrainConfig | None) -> None:
        """ValueError (translated) if ``show_bundle`` could not show these settings."""
        self._bundle_values(config, train)

    def _bundle_values(self, config: ModelConfig, c: TrainConfig | None) -> list[tuple]:
        try:
            values = [(self.kind, self.kind.setCurrentIndex, KINDS.index(config.kind)),
                      (self.latent, self.latent.setValue, _in_range(self.latent, config.latent)),
                      (self.bias, self.bias.setChecked, bool(config.bias))]
            if config.kind != "linear":
                values.append((self.hidden, self.hidden.setText, ", ".join(map(str, config.resolved_hidden()))))
            if c is not None:
                values += [(self.optimizer, self.optimizer.setCurrentIndex, ("adam", "sgd").index(c.optimizer)),
                           (self.lr, self.lr.setValue, _clamped(self.lr, c.lr)),
                           (self.batch, self.batch.setValue, int(_clamped(self.batch, c.batch_size))),
                           (self.loss, self.loss.setCurrentIndex, ("auto", "mse", "bce").index(c.loss)),
                           (self.noise_box, self.noise_box.setChecked, c.noise is not None)]
                if c.noise is not None:
                    values += [(self.noise_kind, self.noise_kind.setCurrentIndex,
                                ("gaussian", "masking", "salt_pepper").index(c.noise.kind)),
                               (self.noise_level, self.noise_level.setValue, _clamped(self.noise_level, c.noise.level))]
        except (AttributeError, TypeError, ValueError, OverflowError):
            raise ValueError(tr("tf.bad_file_settings")) from None
        return values


def _in_range(spin, value) -> int:
    if isinstance(value, bool) or not spin.minimum() <= value <= spin.maximum():
        raise ValueError(value)
    return int(value)


def _clamped(spin, value) -> float:
    """The nearest value the spin box can show (a file's learning rate below the form's minimum…)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(value)
    return min(spin.maximum(), max(spin.minimum(), value))
