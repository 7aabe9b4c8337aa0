"""What a live training run needs besides the Trainer: its data and shared model copies.

The training page (and its bench) prepare data and drive ``Trainer.run()`` in a worker
thread. Two pieces of that are pure numpy/torch and live here so they are tested
without Qt:

* :func:`load_training_data` turns a :class:`DataSpec` (bundled MNIST with a subset
  size, an image folder or an IDX pair) into train / validation sets plus a few fixed
  preview images (one per class) and their noisy versions for denoising;
* :func:`with_model_copies` wraps ``trainer.run()`` so that, every few seconds and at
  each epoch end or stop, it also yields a deep copy of the model. The copy is made in
  the training thread while the trainer is suspended between two steps, so other
  threads can encode and decode with it while the original keeps changing.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import torch

from .datasets import Dataset, DatasetError, load_idx_pair, load_image_folder, load_mnist, train_val_split
from .noise import NoiseConfig, add_noise

__all__ = ["DATA_SOURCES", "DataSpec", "TrainingData", "load_training_data", "pick_preview",
           "noisy_preview", "with_model_copies", "warm_up_optimizers",
           "model_changes", "run_changes", "SUBSET_RANGE"]

DATA_SOURCES = ("mnist", "folder", "idx")
SUBSET_RANGE = (1000, 60000)
#: MNIST validation images: a tenth of the subset, within these bounds. Each epoch ends with a
#: forward pass over them; 2,000 fixed test images give the curve a standard error under 1 %,
#: while the former 6,000 for the full set cost 3 % of the epoch (a third of a training sample each).
MNIST_VAL_RANGE = (500, 2000)


@dataclass(frozen=True)
class DataSpec:
    """Where the training images come from and how many are used."""

    source: str = "mnist"
    path: str = ""          # folder, or IDX images file
    labels_path: str = ""   # IDX labels file
    limit: int = 10000      # training images (a stratified subset)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.source not in DATA_SOURCES:
            raise ValueError(f"unknown data source {self.source!r}")
        if self.source != "mnist" and not self.path:
            raise ValueError("choose a folder or IDX files first")
        if self.source == "idx" and not self.labels_path:
            raise ValueError("choose the IDX labels file too")
        if int(self.limit) < 1:
            raise ValueError(f"subset size must be at least 1, got {self.limit}")


@dataclass(frozen=True)
class TrainingData:
    spec: DataSpec
    train: Dataset
    val: Dataset
    preview: np.ndarray       # (P, H, W) float32 clean validation images, fixed for the run
    name: str                 # shown to the user and stored in bundles
    total: int                # images available in the source (before the subset)
    skipped: int = 0          # unreadable files of an image folder


def pick_preview(dataset: Dataset, count: int = 8) -> np.ndarray:
    """``count`` images of ``dataset``: the first of each class in turn, as [0, 1] floats.

    One per class so the grid shows every kind of digit; deterministic so the same
    images are watched all along a run.
    """
    labels = dataset.labels
    order: list[int] = []
    firsts = [np.flatnonzero(labels == c) for c in range(len(dataset.class_names))]
    rank = 0
    while len(order) < min(count, len(dataset)):
        added = False
        for idx in firsts:
            if rank < len(idx) and len(order) < count:
                order.append(int(idx[rank]))
                added = True
        if not added:
            break
        rank += 1
    return dataset.take(np.asarray(order)).as_float()


def noisy_preview(preview: np.ndarray, noise: NoiseConfig | None, seed: int = 0) -> np.ndarray:
    """The preview images as the model sees them: corrupted once with a fixed seed."""
    if noise is None:
        return preview
    gen = torch.Generator().manual_seed(seed + 7)
    return add_noise(torch.from_numpy(np.ascontiguousarray(preview)), noise, gen).numpy()


def load_training_data(spec: DataSpec, preview_count: int = 6) -> TrainingData:
    """Read the data of ``spec`` (raises DatasetError / ValueError with a message for the user).

    MNIST validates on its test split (a tenth of the subset size, within ``MNIST_VAL_RANGE``);
    user data keeps a stratified tenth of the subset for validation.
    """
    limit = int(spec.limit)
    if spec.source == "mnist":
        full = load_mnist("train")
        train = full.subset(limit, spec.seed)
        low, high = MNIST_VAL_RANGE
        val = load_mnist("test", limit=min(high, max(low, limit // 10)), seed=spec.seed)
        name = f"MNIST ({len(train)})"
        total, skipped = len(full), 0
    else:
        if spec.source == "folder":
            full = load_image_folder(spec.path)
        else:
            full = load_idx_pair(spec.path, spec.labels_path)
        total, skipped = len(full), full.skipped
        if total < 2:
            raise DatasetError("data.too_few", f"{spec.path}: at least 2 images are needed, found {total}",
                               path=str(spec.path), count=total)
        data = full.subset(limit, spec.seed)
        train, val = train_val_split(data, 0.1, spec.seed)
        if len(val) == 0:
            train, val = data, data.take(np.arange(min(len(data), 1)))
        name = f"{full.name} ({len(train)})"
    return TrainingData(spec, train, val, pick_preview(val, preview_count), name, total, skipped)


MODEL_FIELDS = ("kind", "latent", "hidden", "bias")
RUN_FIELDS = ("optimizer", "batch_size", "loss", "seed", "noise", "device")


def model_changes(old, new) -> list[str]:
    """ModelConfig fields that differ in a way that needs new weights (a reset)."""
    def fields(c):
        return {"kind": c.kind, "latent": c.latent, "hidden": c.resolved_hidden() if c.kind != "linear" else (),
                "bias": c.bias if c.kind == "linear" else True}
    a, b = fields(old), fields(new)
    return [k for k in MODEL_FIELDS if a[k] != b[k]]


def run_changes(old, new) -> list[str]:
    """TrainConfig fields a paused Trainer cannot take (lr, epochs and threads it can)."""
    return [k for k in RUN_FIELDS if getattr(old, k) != getattr(new, k)]


_warm_lock = threading.Lock()
_warmed = False


def warm_up_optimizers(cancelled: Callable[[], bool] | None = None) -> bool:
    """Create Adam and SGD once: the first creation imports torch._dynamo (2-3 s on a laptop).

    The app calls it in its background warm-up thread so the first Start reacts at once;
    the training worker calls it too before building a Trainer. The lock makes sure only
    one thread runs that import: two threads importing torch._dynamo at the same time
    can see half-initialised modules. A caller that may be cancelled (the training worker,
    when the window closes) passes ``cancelled``: it stops waiting for the lock and gets
    False instead of blocking until the other thread's import is done.
    """
    global _warmed
    while not _warm_lock.acquire(timeout=0.05):
        if cancelled is not None and cancelled():
            return False
    try:
        if _warmed:
            return True
        p = [torch.nn.Parameter(torch.zeros(1))]
        for cls in (torch.optim.Adam, torch.optim.SGD):
            try:
                cls(p, lr=1e-3, fused=True)
            except (RuntimeError, TypeError, ValueError):
                cls(p, lr=1e-3)
        _warmed = True
        return True
    finally:
        _warm_lock.release()


def with_model_copies(snapshots: Iterator, model: torch.nn.Module, every_s: float = 2.0) -> Iterator[tuple]:
    """Yield ``(snapshot, copy_or_None)``: a deep copy (eval mode) every ``every_s`` seconds,
    at each epoch end and when the run stops (paused, diverged, finished).

    Runs in the thread that iterates ``snapshots``; the copy is taken while the trainer
    is suspended, so it is a consistent state that nobody will modify.
    """
    last = -float("inf")
    for snap in snapshots:
        now = time.monotonic()
        clone = None
        if snap.epoch_end or snap.stopped or snap.done or now - last >= every_s:
            clone = copy.deepcopy(model).eval()
            for p in clone.parameters():
                p.requires_grad_(False)
            last = now
        yield snap, clone
