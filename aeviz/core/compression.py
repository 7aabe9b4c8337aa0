"""Compression (lesson 1): how much of an image survives a code of k numbers?

For each code size k we measure the reconstruction error on held-out MNIST test
images for PCA (the optimum of any *linear* code, Eckart–Young), a linear
autoencoder and two nonlinear ones (MLP, convolutional). An MNIST image is 784
bytes (one byte per pixel); its code is k numbers, stored as float32: 4·k bytes,
so the compression ratio is 784 / (4·k) (the decoder itself is shared, not counted).

Points come from the shipped bundles where they exist (linear k=16, conv k=16,
MLP k=2), from PCA for every k, and from small models trained on request
(:func:`train_point`, saved as bundles in the user's cache). Results are cached
as JSON; ``resources/precomputed/compression.json`` (``bench/compression.py``)
ships a default so the page shows a full curve at once.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from . import cache
from .linear import Spectrum, psnr, spectrum

__all__ = ["K_GRID", "METHODS", "EVAL", "Point", "compression_ratio", "code_bytes", "eval_images",
           "pca_spectrum", "pca_points", "model_point", "recipe", "train_point", "compute_curves",
           "load_curves", "save_curves", "defaults_path"]

K_GRID = (1, 2, 4, 8, 16, 32, 64, 128)
METHODS = ("pca", "linear", "mlp", "conv")
#: evaluation protocol (part of every cache key)
EVAL = {"n_train": 10000, "n_test": 1000, "seed": 0, "examples": 8}
PRETRAINED_POINTS = {("linear", 16): "linear_latent16", ("conv", 16): "conv_latent16", ("mlp", 2): "mlp_latent2"}
IMAGE_BYTES = 28 * 28
NAMESPACE = "compression"


def code_bytes(k: int) -> int:
    return 4 * int(k)


def compression_ratio(k: int) -> float:
    """784 bytes of pixels / 4·k bytes of float32 code."""
    return IMAGE_BYTES / code_bytes(k)


@dataclass(frozen=True)
class Point:
    method: str
    k: int
    mse: float
    source: str                 # "pca" | "pretrained" | "trained"
    examples: np.ndarray        # (E, 28, 28) uint8 reconstructions of the first test images

    @property
    def psnr(self) -> float:
        return psnr(self.mse)

    def to_json(self) -> dict:
        ex = np.ascontiguousarray(self.examples, dtype=np.uint8)
        return {"method": self.method, "k": self.k, "mse": self.mse, "source": self.source,
                "examples": base64.b64encode(ex.tobytes()).decode("ascii"), "examples_shape": list(ex.shape)}

    @classmethod
    def from_json(cls, d: dict) -> "Point":
        shape = tuple(int(s) for s in d["examples_shape"])
        if len(shape) != 3 or shape[1:] != (28, 28) or shape[0] > 64:
            raise ValueError("bad examples shape")
        ex = np.frombuffer(base64.b64decode(d["examples"], validate=True), np.uint8).reshape(shape)
        method, k, mse = str(d["method"]), int(d["k"]), float(d["mse"])
        if method not in METHODS or not 1 <= k <= 784 or not (math.isfinite(mse) and mse >= 0):
            raise ValueError("bad point")
        return cls(method, k, mse, str(d["source"]), ex.copy())


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0.0, 1.0) * 255 + 0.5).astype(np.uint8).reshape(-1, 28, 28)


def eval_images() -> np.ndarray:
    """The held-out test images, float32 (n_test, 784) in [0, 1]; the first ``examples`` are shown."""
    from .datasets import load_mnist

    ds = load_mnist("test", limit=EVAL["n_test"], seed=EVAL["seed"])
    return ds.as_float().reshape(len(ds), -1)


def pca_spectrum() -> Spectrum:
    """PCA of n_train training images (cached as .npz: a second visit costs no SVD)."""
    from .linear import mnist_matrix

    path = cache.cache_path(NAMESPACE, {"what": "spectrum", **EVAL}, ".npz", "spectrum-")
    data = cache.load_npz(path)
    if data is not None:
        try:
            spec = Spectrum(data["mean"], data["energy"], data["components"], int(data["n"]), int(data["d"]))
            if spec.components.shape == (784, 784) and spec.mean.shape == (784,):
                return spec
        except (KeyError, ValueError, TypeError):
            pass
    spec = spectrum(mnist_matrix(EVAL["n_train"], EVAL["seed"]))
    cache.save_npz(path, mean=spec.mean, energy=spec.energy, components=spec.components.astype(np.float32),
                   n=np.array(spec.n), d=np.array(spec.d))
    return spec


def _mse(rec: np.ndarray, x: np.ndarray) -> float:
    return float(((np.clip(rec, 0.0, 1.0) - x) ** 2).mean())


def pca_points(spec: Spectrum, x: np.ndarray, ks=K_GRID) -> list[Point]:
    e = EVAL["examples"]
    out = []
    for k in ks:
        rec = spec.reconstruct(x, k)
        out.append(Point("pca", int(k), _mse(rec, x), "pca", _to_uint8(rec[:e])))
    return out


def model_point(model, method: str, source: str, x: np.ndarray) -> Point:
    from .inference import reconstruct

    rec = reconstruct(model, x.reshape(-1, 1, 28, 28)).reshape(len(x), -1)
    return Point(method, int(model.latent_dim), _mse(rec, x), source, _to_uint8(rec[:EVAL["examples"]]))


def recipe(method: str, k: int):
    """Model and training settings of a point trained on request (small and quick, fixed seed)."""
    from .models import ModelConfig
    from .training import TrainConfig

    if method == "linear":
        return ModelConfig("linear", k, bias=False), TrainConfig(epochs=4, lr=3e-3, batch_size=256, seed=4)
    if method == "mlp":
        return ModelConfig("mlp", k), TrainConfig(epochs=6, lr=2e-3, batch_size=128, seed=1)
    if method == "conv":
        return ModelConfig("conv", k), TrainConfig(epochs=3, lr=2e-3, batch_size=128, seed=3)
    raise ValueError(f"no trainable model for {method!r}")


def _trained_bundle_path(method: str, k: int):
    model_cfg, train_cfg = recipe(method, k)
    params = {"what": "model", "model": model_cfg.to_dict(), "train": train_cfg.to_dict(), **EVAL}
    return cache.cache_path(NAMESPACE, params, ".aeviz", f"{method}-k{k}-")


def train_point(method: str, k: int, x_eval: np.ndarray | None = None) -> Iterator[float]:
    """Train the ``recipe`` model on n_train images (yields progress 0…1), save it, return its Point."""
    from .bundle import save
    from .datasets import load_mnist
    from .models import build_model
    from .training import Trainer

    model_cfg, train_cfg = recipe(method, k)
    model = build_model(model_cfg, seed=train_cfg.seed)
    trainer = Trainer(model, load_mnist("train", limit=EVAL["n_train"], seed=EVAL["seed"]), train_cfg)
    for snap in trainer.run():
        if snap.diverged:
            raise ValueError(snap.message)
        yield snap.progress
    model.eval()
    try:
        save(_trained_bundle_path(method, k), model, model_cfg, train_config=train_cfg, history=trainer.history,
             dataset_name=f"MNIST train ({EVAL['n_train']})")
    except OSError:
        pass   # a read-only disk only costs a retrain next time
    point = model_point(model, method, "trained", eval_images() if x_eval is None else x_eval)
    curves = load_curves()
    curves[(method, k)] = point
    save_curves(curves)
    return point


def _cached_models() -> list[tuple[str, int, object]]:
    from .bundle import BundleError, load

    out = []
    for method in ("linear", "mlp", "conv"):
        for k in K_GRID:
            path = _trained_bundle_path(method, k)
            if path.is_file():
                try:
                    out.append((method, k, load(path).model))
                except (BundleError, OSError, ValueError):
                    continue
    return out


def compute_curves() -> Iterator[float]:
    """Recompute every point available without training: PCA, shipped bundles, models in the cache."""
    from .bundle import BundleError
    from .pretrained import load_pretrained

    x = eval_images()
    yield 0.05
    spec = pca_spectrum()
    yield 0.5
    curves = {(p.method, p.k): p for p in pca_points(spec, x)}
    yield 0.6
    for (method, _k), model_id in PRETRAINED_POINTS.items():
        try:
            model = load_pretrained(model_id).model
        except (KeyError, BundleError, OSError):
            continue
        p = model_point(model, method, "pretrained", x)
        curves[(method, p.k)] = p
        yield 0.6 + 0.1 * len(curves) / 20
    for method, k, model in _cached_models():
        if (method, k) not in curves:
            curves[(method, k)] = model_point(model, method, "trained", x)
    old = load_curves()
    for key, p in old.items():   # keep trained points whose model file is gone (still measured the same way)
        curves.setdefault(key, p)
    save_curves(curves)
    yield 1.0
    return curves


def defaults_path():
    from .paths import resource_path

    return resource_path("precomputed", "compression.json")


def _curves_file():
    return cache.cache_path(NAMESPACE, {"what": "curves", **EVAL}, ".json", "curves-")


def _read(path) -> dict[tuple[str, int], Point]:
    data = cache.load_json(path)
    out = {}
    try:
        if data["eval"] != EVAL:
            return {}
        for d in data["points"]:
            try:
                p = Point.from_json(d)
            except (KeyError, TypeError, ValueError):
                continue
            out[(p.method, p.k)] = p
    except (KeyError, TypeError):
        return {}
    return out


def load_curves() -> dict[tuple[str, int], Point]:
    """The shipped defaults overlaid with the user's cache (either may be missing or damaged)."""
    curves = _read(defaults_path())
    curves.update(_read(_curves_file()))
    return curves


def save_curves(curves: dict[tuple[str, int], Point], path=None) -> bool:
    obj = {"eval": EVAL, "points": [p.to_json() for _key, p in sorted(curves.items())]}
    if path is None:
        return cache.save_json(_curves_file(), obj)
    from .persist import atomic_write_json

    atomic_write_json(path, obj)
    return True


def series(curves: dict[tuple[str, int], Point], method: str) -> tuple[np.ndarray, np.ndarray]:
    """(k, mse) of one method, sorted by k."""
    pts = sorted((k, p.mse) for (m, k), p in curves.items() if m == method)
    return np.array([k for k, _ in pts], float), np.array([v for _, v in pts], float)
