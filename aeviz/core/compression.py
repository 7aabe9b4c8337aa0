"""Compression (lesson 1): how much of an image survives a code of k numbers?

For each code size k we measure the reconstruction error on held-out MNIST test
images for PCA (the optimum of any *linear* code, Eckart–Young), a linear
autoencoder and two nonlinear ones (MLP, convolutional). An MNIST image is 784
bytes (one byte per pixel); its code is k numbers, stored as float32: 4·k bytes,
so the compression ratio is 784 / (4·k) (the decoder itself is shared, not counted).

Every point is measured on the 10,000 MNIST test images. The shipped curve
(``resources/precomputed/compression.json``, built by ``bench/make_compression.py``)
holds PCA fitted on the 60,000 training images and, for every k, a linear, an MLP
and a convolutional autoencoder trained on those 60,000 images, each with what it
cost to train (``Point.cost``: images, epochs, seconds, threads, layers), plus the
record-class deep autoencoder (method ``"deep"``, k = 30, a shipped model). The page
can also train a missing point itself (:func:`train_point`): a *short run* on
10,000 images and a few epochs, saved as a bundle in the user's cache, so it is
labelled as such rather than mixed up with the full runs.
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
           "load_curves", "load_short_runs", "save_curves", "defaults_path", "bundle_cost", "layers_text",
           "SHORT_RUN_TRAIN", "PCA_KS"]

K_GRID = (1, 2, 4, 8, 16, 32, 64, 128)
#: PCA is also measured at the record model's k, to compare like with like
PCA_KS = tuple(sorted(K_GRID + (30,)))
#: "deep" is the record-class model alone (k = 30): a marked point, not a curve.
METHODS = ("pca", "linear", "mlp", "conv", "deep")
#: evaluation protocol (part of every cache key): test images, PCA's training images
EVAL = {"n_test": 10000, "pca_train": 60000, "seed": 0, "examples": 8}
#: training images of a point trained on the page (a short run, see :func:`recipe`)
SHORT_RUN_TRAIN = 10000
#: shipped bundles that are points of the curve; a full-run ("built") point is never replaced by them
PRETRAINED_POINTS = {("linear", 16): "linear_latent16", ("conv", 16): "conv_latent16", ("mlp", 2): "mlp_latent2",
                     ("deep", 30): "conv_latent30"}
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
    source: str                 # "pca" | "built" (full run, shipped) | "pretrained" | "trained" (short run here)
    examples: np.ndarray        # (E, 28, 28) uint8 reconstructions of the first test images
    cost: dict | None = None    # {"seconds" (wall), "epochs", "n_train", "model", "layers", "threads", "cpu_seconds"?}

    @property
    def psnr(self) -> float:
        return psnr(self.mse)

    def to_json(self) -> dict:
        ex = np.ascontiguousarray(self.examples, dtype=np.uint8)
        out = {"method": self.method, "k": self.k, "mse": self.mse, "source": self.source,
               "examples": base64.b64encode(ex.tobytes()).decode("ascii"), "examples_shape": list(ex.shape)}
        if self.cost is not None:
            out["cost"] = dict(self.cost)
        return out

    @classmethod
    def from_json(cls, d: dict) -> "Point":
        shape = tuple(int(s) for s in d["examples_shape"])
        if len(shape) != 3 or shape[1:] != (28, 28) or shape[0] > 64:
            raise ValueError("bad examples shape")
        ex = np.frombuffer(base64.b64decode(d["examples"], validate=True), np.uint8).reshape(shape)
        method, k, mse = str(d["method"]), int(d["k"]), float(d["mse"])
        if method not in METHODS or not 1 <= k <= 784 or not (math.isfinite(mse) and mse >= 0):
            raise ValueError("bad point")
        return cls(method, k, mse, str(d["source"]), ex.copy(), _read_cost(d.get("cost")))


def _read_cost(cost) -> dict | None:
    """The training cost of a point, or None if absent or malformed (it is only displayed)."""
    if not isinstance(cost, dict):
        return None
    try:
        seconds, epochs, n_train = float(cost["seconds"]), float(cost["epochs"]), int(cost["n_train"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(seconds) and seconds >= 0 and math.isfinite(epochs) and epochs > 0 and n_train > 0):
        return None
    out = {"seconds": seconds, "epochs": epochs, "n_train": n_train, "model": str(cost.get("model", "")),
           "layers": str(cost.get("layers", "")), "threads": 1}
    threads = cost.get("threads")
    if isinstance(threads, int) and not isinstance(threads, bool) and 1 <= threads <= 1024:
        out["threads"] = threads
    try:
        cpu = float(cost["cpu_seconds"])
        if math.isfinite(cpu) and cpu >= 0:
            out["cpu_seconds"] = cpu
    except (KeyError, TypeError, ValueError):
        pass
    return out


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0.0, 1.0) * 255 + 0.5).astype(np.uint8).reshape(-1, 28, 28)


def eval_images() -> np.ndarray:
    """The held-out test images, float32 (n_test, 784) in [0, 1]; the first ``examples`` are shown."""
    from .datasets import load_mnist

    ds = load_mnist("test", limit=EVAL["n_test"], seed=EVAL["seed"])
    return ds.as_float().reshape(len(ds), -1)


def pca_spectrum() -> Spectrum:
    """PCA of the pca_train training images (cached as .npz: a second visit costs no eigendecomposition)."""
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
    spec = spectrum(mnist_matrix(EVAL["pca_train"], EVAL["seed"]))
    cache.save_npz(path, mean=spec.mean, energy=spec.energy, components=spec.components.astype(np.float32),
                   n=np.array(spec.n), d=np.array(spec.d))
    return spec


def _mse(rec: np.ndarray, x: np.ndarray) -> float:
    return float(((np.clip(rec, 0.0, 1.0) - x) ** 2).mean())


def pca_points(spec: Spectrum, x: np.ndarray, ks=PCA_KS) -> list[Point]:
    e = EVAL["examples"]
    out = []
    for k in ks:
        rec = spec.reconstruct(x, k)
        out.append(Point("pca", int(k), _mse(rec, x), "pca", _to_uint8(rec[:e])))
    return out


def model_point(model, method: str, source: str, x: np.ndarray, cost: dict | None = None) -> Point:
    from .inference import reconstruct

    rec = reconstruct(model, x.reshape(-1, 1, 28, 28)).reshape(len(x), -1)
    return Point(method, int(model.latent_dim), _mse(rec, x), source, _to_uint8(rec[:EVAL["examples"]]), cost)


def layers_text(config) -> str:
    """The architecture in numbers only, the same in every language: ``784-512-256-16``, ``conv 32-64 → 16``."""
    if config.kind == "conv":
        convs = [str(ch) for ch in config.resolved_hidden() for _ in range(config.blocks)]
        return "conv " + "-".join(convs) + (f" → {config.dense}" if config.dense else "") + f" → {config.latent}"
    return "-".join(map(str, (config.input_dim, *config.resolved_hidden(), config.latent)))


def bundle_cost(bundle) -> dict | None:
    """What a shipped model cost to train, from its metadata (make_pretrained.py records it)."""
    extra = bundle.meta.get("extra") or {}
    train = bundle.meta.get("train") or {}
    return _read_cost({"seconds": extra.get("seconds"), "cpu_seconds": extra.get("cpu_seconds"),
                       "epochs": extra.get("epochs", train.get("epochs")),
                       "n_train": extra.get("n_train", 60000), "model": bundle.config.summary(),
                       "threads": extra.get("threads", train.get("num_threads") or 1),
                       "layers": layers_text(bundle.config)})


def recipe(method: str, k: int):
    """Model and training settings of a point trained on the page: a short run on SHORT_RUN_TRAIN images.

    The shipped curve comes from much longer runs on all 60,000 images (bench/make_compression.py);
    these settings only have to finish in a minute or two on a laptop.
    """
    from .models import ModelConfig
    from .training import TrainConfig

    if method == "linear":
        return ModelConfig("linear", k, bias=False), TrainConfig(epochs=4, lr=3e-3, batch_size=256, seed=4)
    if method == "mlp":
        return ModelConfig("mlp", k, hidden=(max(256, 2 * k), max(64, k))), \
            TrainConfig(epochs=6, lr=2e-3, batch_size=128, seed=1)
    if method == "conv":
        return ModelConfig("conv", k), TrainConfig(epochs=3, lr=2e-3, batch_size=128, seed=3)
    raise ValueError(f"no trainable model for {method!r}")


def _trained_bundle_path(method: str, k: int):
    model_cfg, train_cfg = recipe(method, k)
    params = {"what": "model", "model": model_cfg.to_dict(), "train": train_cfg.to_dict(), **EVAL,
              "n_train": SHORT_RUN_TRAIN}
    return cache.cache_path(NAMESPACE, params, ".aeviz", f"{method}-k{k}-")


def train_point(method: str, k: int, x_eval: np.ndarray | None = None) -> Iterator[float]:
    """Train the ``recipe`` model on SHORT_RUN_TRAIN images (yields progress 0…1), save it, return its Point."""
    from .bundle import save
    from .datasets import load_mnist
    from .models import build_model
    from .training import Trainer

    model_cfg, train_cfg = recipe(method, k)
    model = build_model(model_cfg, seed=train_cfg.seed)
    trainer = Trainer(model, load_mnist("train", limit=SHORT_RUN_TRAIN, seed=EVAL["seed"]), train_cfg)
    for snap in trainer.run():
        if snap.diverged:
            raise ValueError(snap.message)
        yield snap.progress
    model.eval()
    try:
        save(_trained_bundle_path(method, k), model, model_cfg, train_config=train_cfg, history=trainer.history,
             dataset_name=f"MNIST train ({SHORT_RUN_TRAIN})")
    except OSError:
        pass   # a read-only disk only costs a retrain next time
    point = model_point(model, method, "trained", eval_images() if x_eval is None else x_eval,
                        cost={"seconds": round(trainer.history[-1]["elapsed"], 1) if trainer.history else 0.0,
                              "epochs": train_cfg.epochs, "n_train": SHORT_RUN_TRAIN, "model": model_cfg.summary(),
                              "layers": layers_text(model_cfg), "threads": trainer.threads})
    runs = load_short_runs()
    runs[(method, k)] = point
    _save(_short_runs_file(), runs)
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
    """Recompute every point available without training: PCA, shipped bundles, models in the cache.

    Full-run points of the shipped curve ("built") stay: they are measured the same
    way, and their models are not shipped (only the measures and examples are).
    """
    from .bundle import BundleError
    from .pretrained import load_pretrained

    x = eval_images()
    yield 0.05
    spec = pca_spectrum()
    yield 0.5
    curves = load_curves()
    curves.update({(p.method, p.k): p for p in pca_points(spec, x)})
    yield 0.6
    for (method, k), model_id in PRETRAINED_POINTS.items():
        if (method, k) in curves and curves[(method, k)].source == "built":
            continue
        try:
            bundle = load_pretrained(model_id)
        except (KeyError, BundleError, OSError):
            continue
        p = model_point(bundle.model, method, "pretrained", x, bundle_cost(bundle))
        curves[(method, p.k)] = p
        yield 0.6 + 0.1 * len(curves) / 20
    save_curves(curves)
    runs = load_short_runs()
    for method, k, model in _cached_models():
        if (method, k) not in runs:
            runs[(method, k)] = model_point(model, method, "trained", x)
    _save(_short_runs_file(), runs)
    yield 1.0
    return curves


def defaults_path():
    from .paths import resource_path

    return resource_path("precomputed", "compression.json")


def _curves_file():
    return cache.cache_path(NAMESPACE, {"what": "curves", **EVAL}, ".json", "curves-")


def _short_runs_file():
    return cache.cache_path(NAMESPACE, {"what": "short-runs", **EVAL}, ".json", "short-runs-")


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
    """The shipped defaults overlaid with the user's recomputed points (either may be missing or damaged)."""
    curves = _read(defaults_path())
    curves.update({key: p for key, p in _read(_curves_file()).items() if p.source != "trained"})
    return curves


def load_short_runs() -> dict[tuple[str, int], Point]:
    """Points the user trained on the page (short runs), kept apart from the full-run curve."""
    return {key: p for key, p in _read(_short_runs_file()).items() if p.source == "trained"}


def _save(path, curves: dict[tuple[str, int], Point]) -> bool:
    return cache.save_json(path, {"eval": EVAL, "points": [p.to_json() for _key, p in sorted(curves.items())]})


def save_curves(curves: dict[tuple[str, int], Point], path=None) -> bool:
    if path is None:
        return _save(_curves_file(), curves)
    from .persist import atomic_write_json

    atomic_write_json(path, {"eval": EVAL, "points": [p.to_json() for _key, p in sorted(curves.items())]})
    return True


def series(curves: dict[tuple[str, int], Point], method: str) -> tuple[np.ndarray, np.ndarray]:
    """(k, mse) of one method, sorted by k."""
    pts = sorted((k, p.mse) for (m, k), p in curves.items() if m == method)
    return np.array([k for k, _ in pts], float), np.array([v for _, v in pts], float)
