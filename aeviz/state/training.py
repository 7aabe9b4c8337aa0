"""The training page's state: data, model, training settings, noise, the model's origin, the run.

Everything a person sets on the page is a field here, and so is what the run has reached:
the phase of the run (an explicit machine, :mod:`aeviz.state.run`) and the epochs the
current model has been trained. The weights themselves are not state (they travel as a
model bundle beside it); ``origin`` says where they come from, so an untrained model is
rebuilt from its seed and a shipped one is opened by its id.

A restored state never resumes a run: no worker exists after a restore, so ``from_dict``
turns a running or paused phase into "stopped".

Nothing here imports torch or Qt; the conversions to the core's configurations import
the core when they are called.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Literal

from aeviz.state.base import PageState, StateError, check_range
from aeviz.state.run import RunPhase, is_active

__all__ = ["TrainingState", "PRESETS", "KINDS", "DEFAULT_HIDDEN", "SUBSET_RANGE", "LATENT_RANGE",
           "THREADS_RANGE", "LR_RANGE", "BATCH_RANGE", "EPOCHS_RANGE", "SEED_RANGE", "MAX_LAYERS", "MAX_WIDTH"]

KINDS = ("linear", "mlp", "conv", "vae")
#: The widths the form proposes for each kind (what the page showed at start-up).
DEFAULT_HIDDEN: dict[str, tuple[int, ...]] = {"linear": (), "mlp": (256, 64), "conv": (32, 64), "vae": (256, 64)}
SUBSET_RANGE = (1000, 60000)       # aeviz.core.session.SUBSET_RANGE
LATENT_RANGE = (1, 128)            # aeviz.core.constants.LATENT_RANGE
THREADS_RANGE = (1, 1024)          # capped by this computer's cores when used
LR_RANGE = (0.00001, 100.0)
BATCH_RANGE = (8, 4096)
EPOCHS_RANGE = (1, 1000)
SEED_RANGE = (0, 2_000_000_000)
MAX_LAYERS = 8                     # aeviz.core.limits.MAX_LAYERS
MAX_WIDTH = 4096
MAX_EPOCHS_REACHED = 1_000_000.0
_ID = re.compile(r"[A-Za-z0-9_]{1,64}")


@dataclasses.dataclass(frozen=True)
class TrainingState(PageState):
    page_id = "training"
    version = 1
    FILE_FIELDS = ("data_path", "labels_path")

    # --- data: MNIST by name, a user's folder or IDX pair by path
    source: Literal["mnist", "folder", "idx"] = "mnist"
    data_path: str = ""
    labels_path: str = ""
    subset: int = 10000
    # --- model
    kind: Literal["linear", "mlp", "conv", "vae"] = "mlp"
    latent: int = 16
    hidden: tuple[int, ...] = DEFAULT_HIDDEN["mlp"]
    bias: bool = True                 # only a linear model may go without
    # --- training
    optimizer: Literal["adam", "sgd"] = "adam"
    lr: float = 0.001
    batch_size: int = 128
    epochs: int = 10
    loss: Literal["auto", "mse", "bce"] = "auto"
    seed: int = 0                     # the untrained weights, the data subset and the noise
    # --- denoising
    denoising: bool = False
    noise_kind: Literal["gaussian", "masking", "salt_pepper"] = "gaussian"
    noise_level: float = 0.3
    # --- computation
    threads: int | None = None        # None: measured while training (aeviz.core.threads.ThreadChooser)
    device: Literal["cpu", "cuda", "mps"] = "cpu"
    # --- where the current weights come from
    origin: Literal["untrained", "pretrained", "file", "trained"] = "untrained"
    pretrained_id: str = ""           # the shipped model (origin "pretrained")
    model_file: str = ""              # the name of the opened file (origin "file"), shown in the status
    # --- the run
    phase: RunPhase = "idle"
    epoch: float = 0.0                # epochs the current model has been trained, across runs
    run_start: float = 0.0            # ``epoch`` when the last run started
    run_end: float = 0.0              # the epoch the last run aims at
    # --- what is shown
    tab: Literal["live", "layers"] = "live"
    log_scale: bool = False

    def validate(self) -> None:
        check_range("subset", self.subset, *SUBSET_RANGE)
        if self.source != "mnist" and not self.data_path:
            raise StateError("train.no_data_path", "choose a folder or IDX files first", field="data_path")
        if self.source == "idx" and not self.labels_path:
            raise StateError("train.no_labels_path", "choose the IDX labels file too", field="labels_path")
        check_range("latent", self.latent, *LATENT_RANGE)
        if self.kind != "linear":
            if not 1 <= len(self.hidden) <= MAX_LAYERS:
                raise StateError("train.bad_hidden", f"1 to {MAX_LAYERS} hidden layers, got {len(self.hidden)}",
                                 field="hidden", lo=1, hi=MAX_LAYERS)
            for width in self.hidden:
                check_range("hidden", width, 1, MAX_WIDTH)
        if not self.bias and self.kind != "linear":
            raise StateError("train.bias_linear_only", "only a linear model can go without biases", field="bias")
        check_range("lr", self.lr, *LR_RANGE)
        check_range("batch_size", self.batch_size, *BATCH_RANGE)
        check_range("epochs", self.epochs, *EPOCHS_RANGE)
        check_range("seed", self.seed, *SEED_RANGE)
        check_range("noise_level", self.noise_level, 0.0, 1.0)
        if self.threads is not None:
            check_range("threads", self.threads, *THREADS_RANGE)
        if self.origin == "pretrained" and not _ID.fullmatch(self.pretrained_id):
            raise StateError("train.bad_pretrained_id", f"no shipped model is called {self.pretrained_id[:64]!r}",
                             field="pretrained_id", value=self.pretrained_id[:64])
        if len(self.model_file) > 255:
            raise StateError("state.out_of_range", "model_file is too long", field="model_file",
                             value=len(self.model_file), lo=0, hi=255)
        for name in ("epoch", "run_start", "run_end"):
            check_range(name, getattr(self, name), 0.0, MAX_EPOCHS_REACHED)
        if self.origin == "untrained" and self.epoch:
            raise StateError("train.untrained_epochs", "an untrained model has no epochs", field="epoch")
        if self.origin != "trained" and self.phase != "idle":
            # starting a run makes the model one trained here: only such a model has a run
            raise StateError("train.phase_origin", f"a {self.origin} model cannot be {self.phase}",
                             field="phase", current=self.phase)
        if self.run_start > self.run_end or self.run_start > self.epoch:
            raise StateError("train.bad_run_span", "the run's span must start before its end and what it reached",
                             field="run_start")

    @classmethod
    def from_dict(cls, data: Any, version: int | None = None) -> "TrainingState":
        """A restored view has no worker: a run that was going on is shown as stopped."""
        value = super().from_dict(data, version)
        return value.with_changes(phase="stopped") if is_active(value.phase) else value

    # --- the core's configurations (imported on call: the core brings torch) ---------------------
    def model_config(self, image_shape: tuple[int, int, int] = (1, 28, 28)):
        from aeviz.core.models import ModelConfig

        return ModelConfig(self.kind, self.latent, hidden=None if self.kind == "linear" else self.hidden,
                           bias=self.bias, image_shape=tuple(image_shape))

    def noise_config(self):
        from aeviz.core.noise import NoiseConfig

        return NoiseConfig(self.noise_kind, self.noise_level) if self.denoising else None

    def threads_to_use(self) -> int | None:
        """The chosen count, no more than this computer's usable cores (a view may come from a bigger
        one); None: the trainer measures."""
        from aeviz.core.threads import usable_cores

        return None if self.threads is None else min(self.threads, usable_cores())

    def train_config(self, device: str = "cpu", snapshot_every_s: float = 0.15):
        """``device``: the one this computer can use (a view made on a GPU laptop opens on a CPU one)."""
        from aeviz.core.training import TrainConfig

        return TrainConfig(optimizer=self.optimizer, lr=self.lr, batch_size=self.batch_size, epochs=self.epochs,
                           loss=self.loss, seed=self.seed, noise=self.noise_config(),
                           num_threads=self.threads_to_use(), device=device, snapshot_every_s=snapshot_every_s)

    def data_spec(self):
        from aeviz.core.session import DataSpec

        return DataSpec(self.source, self.data_path, self.labels_path, self.subset, self.seed)

    def model_fields(self) -> dict[str, Any]:
        """The fields that describe the architecture (a change needs new weights)."""
        return {"kind": self.kind, "latent": self.latent, "hidden": self.hidden, "bias": self.bias}


def settings_of(config, train=None) -> dict[str, Any]:
    """The form fields a model file describes: its architecture and, if known, how it was trained.

    Used when a model is opened so the form shows it; raises :class:`StateError` for
    settings the page cannot show (the caller then changes nothing).
    """
    hidden = tuple(config.resolved_hidden()) if config.kind != "linear" else DEFAULT_HIDDEN["linear"]
    out: dict[str, Any] = {"kind": config.kind, "latent": config.latent, "hidden": hidden,
                           "bias": bool(config.bias) if config.kind == "linear" else True}
    if train is not None:
        out.update(optimizer=train.optimizer, loss=train.loss,
                   lr=min(LR_RANGE[1], max(LR_RANGE[0], float(train.lr))),
                   batch_size=int(min(BATCH_RANGE[1], max(BATCH_RANGE[0], train.batch_size))),
                   denoising=train.noise is not None)
        if train.noise is not None:
            out.update(noise_kind=train.noise.kind, noise_level=float(train.noise.level))
    return out


def _what_is_ae() -> TrainingState:
    """An untrained MLP with a 2-number code, ready to train: the loss falls and the digits appear."""
    return TrainingState(kind="mlp", latent=2, hidden=DEFAULT_HIDDEN["mlp"], epochs=10)


def _denoising() -> TrainingState:
    """The shipped convolutional denoiser, its noise on: noisy input, output and clean original side by side."""
    return TrainingState(kind="conv", latent=64, hidden=(32, 64), lr=0.002, denoising=True, noise_kind="gaussian",
                         noise_level=0.3, origin="pretrained", pretrained_id="conv_denoiser", epoch=2.0,
                         run_start=2.0, run_end=2.0)


PRESETS: dict[str, Callable[[], TrainingState]] = {"what_is_ae": _what_is_ae, "denoising": _denoising}
