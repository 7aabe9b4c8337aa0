"""The training page's settings: data, model, hyper-parameters, denoising, device.

A view of :class:`aeviz.state.training.TrainingState`: ``show(value)`` writes the widgets
(signals blocked, so nothing echoes back) and each user edit is announced as the fields
it changes (``edited``); the page puts them in its store, which validates them. Text that
no state can hold (hidden sizes "256, abc") is announced with ``refused`` instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from aeviz.core.threads import usable_cores
from aeviz.state.training import (BATCH_RANGE, DEFAULT_HIDDEN, EPOCHS_RANGE, KINDS, LATENT_RANGE, LR_RANGE, MAX_LAYERS,
                                  MAX_WIDTH, SEED_RANGE, SUBSET_RANGE, TrainingState)
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
    "tf.threads_auto": {"en": "Auto", "fr": "Auto"},
    "tf.threads_tip": {"en": "Threads that compute the training. Auto: the first steps are timed with one thread and "
                             "with more, the fastest is kept and measured again every 30 seconds; the progress bar "
                             "shows the count in use. A small model often trains fastest on one thread.",
                       "fr": "Fils d'exécution qui calculent l'entraînement. Auto : les premières itérations sont "
                             "chronométrées avec un fil et avec plusieurs, le plus rapide est gardé et remesuré toutes "
                             "les 30 secondes ; la barre de progression indique le nombre utilisé. Un petit modèle "
                             "s'entraîne souvent plus vite sur un seul fil."},
    "tf.dev": {"en": "Device", "fr": "Processeur"},
    "dev.cpu": {"en": "CPU", "fr": "CPU (processeur)"},
    "dev.cuda": {"en": "GPU (CUDA)", "fr": "GPU (CUDA)"},
    "dev.mps": {"en": "GPU (Apple MPS)", "fr": "GPU (Apple MPS)"},
    "tf.bad_hidden": {"en": "Hidden sizes must be 1 to 8 whole numbers between 1 and 4096 separated by commas, "
                            "e.g. 256, 64.",
                      "fr": "Les tailles cachées doivent être 1 à 8 entiers entre 1 et 4096 séparés par des virgules, "
                            "par ex. 256, 64."},
})

SOURCES = ("mnist", "folder", "idx")
OPTIMIZERS = ("adam", "sgd")
LOSSES = ("auto", "mse", "bce")
NOISES = ("gaussian", "masking", "salt_pepper")


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
    edited = Signal(dict)   # the state fields the user just changed
    refused = Signal(str)   # a translated reason: what was typed cannot be a state

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self._combos: list[tuple[QComboBox, list[str]]] = []
        self._value = TrainingState()   # the value shown (to put the widgets back after a refusal)
        self._shown_data = None         # the TrainingData described under the source
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # --- data
        self.source = self._combo(["tf.src.mnist", "tf.src.folder", "tf.src.idx"])
        self.choose_button = QPushButton()
        self.bind(self.choose_button.setText, "tf.choose")
        self.data_info = QLabel()
        self.data_info.setWordWrap(True)
        self.data_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.subset = QSpinBox()
        self.subset.setRange(*SUBSET_RANGE)
        self.subset.setSingleStep(1000)
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
        self.latent = QSpinBox()
        self.latent.setRange(*LATENT_RANGE)
        self.hidden = QLineEdit()
        self.bind(self.hidden.setToolTip, "tf.hidden_tip")
        self.hidden_label = QLabel()
        self.bias = QCheckBox()
        self.bind(self.bias.setText, "tf.bias")
        model_box = self._group("tf.model", [("tf.kind", self.kind), ("tf.latent", self.latent)])
        model_box.layout().addRow(self.hidden_label, self.hidden)
        model_box.layout().addRow(self.bias)
        # --- hyper-parameters
        self.optimizer = QComboBox()
        self.optimizer.addItems(["Adam", "SGD"])  # proper names, same in every language
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(*LR_RANGE)
        self.lr.setSingleStep(0.0005)
        self.batch = QSpinBox()
        self.batch.setRange(*BATCH_RANGE)
        self.epochs = QSpinBox()
        self.epochs.setRange(*EPOCHS_RANGE)
        self.loss = self._combo(["loss.auto", "loss.mse", "loss.bce"])
        self.seed = QSpinBox()
        self.seed.setRange(*SEED_RANGE)
        self._group("tf.train", [("tf.optimizer", self.optimizer), ("tf.lr", self.lr), ("tf.batch", self.batch),
                                 ("tf.epochs", self.epochs), ("tf.loss", self.loss), ("tf.seed", self.seed)])
        # --- denoising
        self.noise_kind = self._combo(["noise.gaussian", "noise.masking", "noise.salt_pepper"])
        self.noise_level = QDoubleSpinBox()
        self.noise_level.setRange(0.0, 1.0)
        self.noise_level.setSingleStep(0.05)
        self.noise_box = self._group("tf.noise", [("tf.noise_kind", self.noise_kind), ("tf.level", self.noise_level)])
        self.noise_box.setCheckable(True)
        # --- device
        self.threads = QSpinBox()  # 0 shows "Auto": the trainer measures (state: threads=None)
        self.threads.setRange(0, usable_cores())
        self.bind(self.threads.setSpecialValueText, "tf.threads_auto")
        self.bind(self.threads.setToolTip, "tf.threads_tip")
        self.devices = _available_devices()
        self.device = self._combo([f"dev.{d}" for d in self.devices])
        self._group("tf.device", [("tf.threads", self.threads), ("tf.dev", self.device)])
        layout.addStretch(1)
        self._inputs = (self.source, self.subset, self.kind, self.latent, self.hidden, self.bias, self.optimizer,
                        self.lr, self.batch, self.epochs, self.loss, self.seed, self.noise_box, self.noise_kind,
                        self.noise_level, self.threads, self.device)
        self.show_value(self._value)
        edits = ((self.subset, "subset", int), (self.latent, "latent", int), (self.batch, "batch_size", int),
                 (self.epochs, "epochs", int), (self.seed, "seed", int),
                 (self.lr, "lr", float), (self.noise_level, "noise_level", float))
        self.threads.valueChanged.connect(lambda v: self.edited.emit({"threads": v or None}))
        for spin, name, cast in edits:
            spin.valueChanged.connect(lambda v, n=name, c=cast: self.edited.emit({n: c(v)}))
        for combo, name, choices in ((self.optimizer, "optimizer", OPTIMIZERS), (self.loss, "loss", LOSSES),
                                     (self.noise_kind, "noise_kind", NOISES), (self.device, "device", self.devices)):
            combo.currentIndexChanged.connect(lambda i, n=name, c=choices: self.edited.emit({n: c[i]}))
        self.bias.toggled.connect(lambda on: self.edited.emit({"bias": bool(on)}))
        self.noise_box.toggled.connect(lambda on: self.edited.emit({"denoising": bool(on)}))
        self.hidden.textChanged.connect(self._on_hidden)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.source.activated.connect(self._on_source)
        self.choose_button.clicked.connect(lambda: self._choose_data(SOURCES[self.source.currentIndex()]))

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
        self.hidden_label.setText(tr("tf.channels" if self._value.kind == "conv" else "tf.hidden"))
        if self._shown_data is not None:
            self.show_data(self._shown_data)

    # --- the state, shown -------------------------------------------------------------------
    def show_value(self, v: TrainingState) -> None:
        """Every widget from ``v``; nothing is announced back."""
        self._value = v
        for widget in self._inputs:
            widget.blockSignals(True)
        try:
            self.source.setCurrentIndex(SOURCES.index(v.source))
            self.subset.setValue(v.subset)
            self.kind.setCurrentIndex(KINDS.index(v.kind))
            self.latent.setValue(v.latent)
            if _parsed_hidden(self.hidden.text()) != v.hidden:  # keep what is being typed ("256, " → "256, 6")
                self.hidden.setText(", ".join(map(str, v.hidden)))
            self.bias.setChecked(v.bias)
            self.optimizer.setCurrentIndex(OPTIMIZERS.index(v.optimizer))
            self.lr.setValue(v.lr)
            self.batch.setValue(v.batch_size)
            self.epochs.setValue(v.epochs)
            self.loss.setCurrentIndex(LOSSES.index(v.loss))
            self.seed.setValue(v.seed)
            self.noise_box.setChecked(v.denoising)
            self.noise_kind.setCurrentIndex(NOISES.index(v.noise_kind))
            self.noise_level.setValue(v.noise_level)
            self.threads.setValue(v.threads_to_use() or 0)
            self.device.setCurrentIndex(self.devices.index(v.device) if v.device in self.devices else 0)
        finally:
            for widget in self._inputs:
                widget.blockSignals(False)
        self.choose_button.setVisible(v.source != "mnist")
        self.hidden_label.setText(tr("tf.channels" if v.kind == "conv" else "tf.hidden"))
        self.hidden.setEnabled(v.kind != "linear")
        self.bias.setEnabled(v.kind == "linear")

    def device_to_use(self) -> str:
        """The state's device if this computer has it, else the CPU (a view made elsewhere)."""
        return self._value.device if self._value.device in self.devices else "cpu"

    def show_data(self, data) -> None:
        """What was loaded: size, classes, the split, unreadable files (re-rendered on a language switch)."""
        self._shown_data = data
        text = tr("train.data_info", name=data.name.split(" (")[0], total=data.total,
                  classes=len(data.train.class_names), train=len(data.train), val=len(data.val))
        self.data_info.setText(text + (" " + tr("train.data_skipped", n=data.skipped) if data.skipped else ""))

    # --- user edits -----------------------------------------------------------------------------
    def _on_hidden(self, text: str) -> None:
        sizes = _parsed_hidden(text)
        if sizes is None:
            self.refused.emit(tr("tf.bad_hidden"))
        else:
            self.edited.emit({"hidden": sizes})

    def _on_kind(self, index: int) -> None:
        """A new kind proposes its own widths; only a linear model may drop its biases."""
        kind = KINDS[index]
        self.edited.emit({"kind": kind, "hidden": DEFAULT_HIDDEN[kind],
                          "bias": self._value.bias if kind == "linear" else True})

    def _on_source(self, index: int) -> None:
        source = SOURCES[index]
        if source == "mnist":
            self.edited.emit({"source": "mnist", "data_path": "", "labels_path": ""})
        elif not self._choose_data(source):
            self.show_value(self._value)  # nothing chosen: the source stays as it was

    def _choose_data(self, source: str) -> bool:
        """Ask for a folder or an IDX pair; the page validates it by loading it (in a worker)."""
        if source == "folder":
            path = QFileDialog.getExistingDirectory(self, tr("train.pick_folder"))
            paths = (path, "") if path else None
        else:
            images, _ = QFileDialog.getOpenFileName(self, tr("train.pick_idx_images"), "", tr("train.idx_filter"))
            labels = QFileDialog.getOpenFileName(self, tr("train.pick_idx_labels"), str(Path(images).parent),
                                                 tr("train.idx_filter"))[0] if images else ""
            paths = (images, labels) if images and labels else None
        if paths is not None:
            self.edited.emit({"source": source, "data_path": paths[0], "labels_path": paths[1]})
        return paths is not None


def _parsed_hidden(text: str) -> tuple[int, ...] | None:
    """Widths typed as "256, 64" (";" works too); None if that is not 1 to 8 whole numbers in 1..4096."""
    try:
        sizes = tuple(int(p) for p in text.replace(";", ",").split(",") if p.strip())
    except ValueError:
        return None
    return sizes if 1 <= len(sizes) <= MAX_LAYERS and all(1 <= s <= MAX_WIDTH for s in sizes) else None
