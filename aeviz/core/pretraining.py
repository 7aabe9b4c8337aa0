"""Unsupervised pretraining (lesson 1): labels are scarce, unlabelled images are not.

An autoencoder learns an encoder from unlabelled images; a classifier on top of
that encoder then needs few labels. We compare, for L labelled images per class,
three classifiers with the *same architecture* (the conv encoder of the course's
autoencoder, a linear layer to the 10 classes on top):

* ``scratch``  – encoder randomly initialised, everything trained on the L·10 labels;
* ``frozen``   – the pretrained encoder kept fixed, only the last layer trained
  (a logistic regression on the codes);
* ``finetune`` – starts from the pretrained encoder, everything trained.

The pretrained encoder is by default the one of the shipped ``conv_latent16``
autoencoder (trained without labels on the 60 000 MNIST training images by
``bench/make_pretrained.py``); ``pretrain_encoder`` trains one now on a pool of
unlabelled images instead. Every draw (labelled subset, initialisation, batches)
uses fixed seeds, and each (L, way, seed) accuracy is cached on disk, so a class
never waits twice for the same point.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from . import cache

__all__ = ["WAYS", "DEFAULT_LS", "PretrainSettings", "Progress", "pretrain_encoder", "run_experiment",
           "cached_results", "defaults_path", "load_defaults"]

WAYS = ("scratch", "frozen", "finetune")
DEFAULT_LS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
NAMESPACE = "pretraining"


@dataclass(frozen=True)
class PretrainSettings:
    """What a result depends on (all part of the cache key)."""

    encoder: str = "shipped"     # "shipped" or "pool<N>" (pretrain now on N unlabelled images)
    seeds: tuple[int, ...] = (0, 1, 2)
    steps: int = 150             # optimizer steps for scratch / finetune
    head_steps: int = 300        # full-batch steps of the frozen head
    batch_size: int = 64
    lr: float = 1e-3
    n_test: int = 1000
    pool_epochs: int = 3

    def key(self, L: int, way: str, seed: int) -> dict:
        return {"encoder": self.encoder, "steps": self.steps, "head_steps": self.head_steps,
                "batch": self.batch_size, "lr": self.lr, "n_test": self.n_test,
                "pool_epochs": self.pool_epochs, "L": int(L), "way": way, "seed": int(seed)}


@dataclass(frozen=True)
class Progress:
    stage: str          # "pretrain" | "classify"
    done: int
    total: int
    L: int = 0
    way: str = ""
    accuracy: float | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


def labelled_indices(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """``per_class`` random indices of each class (fixed seed), sorted."""
    rng = np.random.default_rng(10_000 + seed)
    picked = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if per_class > len(members):
            raise ValueError(f"only {len(members)} images of class {c}, {per_class} requested")
        picked.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(picked))


def pretrain_encoder(pool_size: int, epochs: int = 3, seed: int = 0) -> Iterator[Progress]:
    """Train a conv autoencoder (code 16) on ``pool_size`` unlabelled training images; returns its encoder."""
    from .datasets import load_mnist
    from .models import ModelConfig, build_model
    from .training import TrainConfig, Trainer

    pool = load_mnist("train", limit=pool_size, seed=seed + 1)
    model = build_model(ModelConfig("conv", 16), seed=seed)
    trainer = Trainer(model, pool, TrainConfig(epochs=epochs, lr=2e-3, seed=seed, snapshot_every_s=0.3))
    for snap in trainer.run():
        yield Progress("pretrain", snap.step, snap.total_steps)
        if snap.diverged:
            raise ValueError(snap.message)
    model.eval()
    return model.encoder


def _shipped_encoder():
    from .pretrained import load_pretrained

    return load_pretrained("conv_latent16").model.encoder


def _train_classifier(encoder, way: str, x, y, x_test, y_test, s: PretrainSettings, seed: int) -> float:
    import torch
    from torch import nn
    import torch.nn.functional as F

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        enc = copy.deepcopy(encoder)
        if way == "scratch":
            for m in enc.modules():
                if hasattr(m, "reset_parameters"):
                    m.reset_parameters()
        k = enc[-1].out_features
        head = nn.Linear(k, 10)
    enc.train()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():   # standardise the codes with statistics of the labelled images only
        f0 = enc(x)
        mu = f0.mean(0)
        sd = f0.std(0) + 1e-3 if len(x) > 1 else torch.ones(k)
    if way == "frozen":
        opt = torch.optim.Adam(head.parameters(), lr=1e-2)
        feats = (f0 - mu) / sd
        for _ in range(s.head_steps):
            loss = F.cross_entropy(head(feats), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    else:
        opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=s.lr)
        bs = min(s.batch_size, len(x))
        for _ in range(s.steps):
            b = torch.randint(0, len(x), (bs,), generator=gen)
            loss = F.cross_entropy(head((enc(x[b]) - mu) / sd), y[b])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    enc.eval()
    with torch.no_grad():
        pred = torch.cat([head((enc(x_test[i:i + 500]) - mu) / sd).argmax(1) for i in range(0, len(x_test), 500)])
    return float((pred == y_test).float().mean())


def cached_results(settings: PretrainSettings) -> dict[int, dict[str, list[float]]]:
    """Accuracies already on disk for these settings: {L: {way: [accuracy per seed]}}, complete Ls only."""
    folder = cache.cache_dir(NAMESPACE)
    found: dict[tuple[int, str, int], float] = {}
    if folder.is_dir():
        base = settings.key(0, "", 0)
        for path in folder.glob("*.json"):
            data = cache.load_json(path)
            try:
                params, acc = dict(data["params"]), float(data["accuracy"])
                L, way, seed = int(params.pop("L")), params.pop("way"), int(params.pop("seed"))
            except (KeyError, TypeError, ValueError):
                continue
            params.update(L=0, way="", seed=0)
            if params == base and way in WAYS and 0 <= acc <= 1 and path.name == cache.cache_path(
                    NAMESPACE, settings.key(L, way, seed)).name:
                found[(L, way, seed)] = acc
    out = {}
    for L in sorted({key[0] for key in found}):
        row = {way: [found.get((L, way, seed)) for seed in settings.seeds] for way in WAYS}
        if all(a is not None for accs in row.values() for a in accs):
            out[L] = row
    return out


def _read_point(settings, L, way, seed) -> float | None:
    data = cache.load_json(cache.cache_path(NAMESPACE, settings.key(L, way, seed)))
    if isinstance(data, dict) and isinstance(data.get("accuracy"), (int, float)) and 0 <= data["accuracy"] <= 1:
        return float(data["accuracy"])
    return None


def run_experiment(Ls, settings: PretrainSettings = PretrainSettings(), stop=None,
                   use_cache: bool = True) -> Iterator[Progress]:
    """Accuracy on the test subset for each L and way, mean over the seeds (a generator).

    Yields :class:`Progress`; returns ``{L: {way: [accuracy per seed]}}``. Cached points
    are not recomputed (unless ``use_cache`` is False); new ones are written as they come.
    """
    import torch

    from .datasets import load_mnist

    Ls = sorted({int(L) for L in Ls})
    if not Ls or Ls[0] < 1 or Ls[-1] > 500:
        raise ValueError("labels per class must be between 1 and 500")
    todo = [(L, way, seed) for L in Ls for way in WAYS for seed in settings.seeds
            if not (use_cache and _read_point(settings, L, way, seed) is not None)]
    results: dict[int, dict[str, list[float]]] = {}
    if todo:
        train = load_mnist("train")
        test = load_mnist("test", limit=settings.n_test, seed=0)
        x_test = torch.from_numpy(test.as_float()[:, None])
        y_test = torch.from_numpy(np.asarray(test.labels))
        if settings.encoder == "shipped":
            encoder = _shipped_encoder()
        else:
            pool = int(settings.encoder.removeprefix("pool"))
            encoder = yield from pretrain_encoder(pool, settings.pool_epochs)
        encoder.eval()
        for p in encoder.parameters():
            p.requires_grad_(True)
        for i, (L, way, seed) in enumerate(todo):
            if stop is not None and stop():
                return None
            idx = labelled_indices(train.labels, L, seed)
            x = torch.from_numpy(train.images[idx].astype(np.float32)[:, None] / np.float32(255))
            y = torch.from_numpy(np.asarray(train.labels[idx]))
            acc = _train_classifier(encoder, way, x, y, x_test, y_test, settings, seed)
            cache.save_json(cache.cache_path(NAMESPACE, settings.key(L, way, seed)),
                            {"accuracy": acc, "params": settings.key(L, way, seed)})
            yield Progress("classify", i + 1, len(todo), L, way, acc)
    for L in Ls:
        results[L] = {way: [_read_point(settings, L, way, seed) for seed in settings.seeds] for way in WAYS}
        for way in WAYS:
            if any(a is None for a in results[L][way]):   # cache not writable: keep what we computed
                results[L][way] = [a for a in results[L][way] if a is not None]
    return results


def defaults_path():
    from .paths import resource_path

    return resource_path("precomputed", "pretraining.json")


def load_defaults() -> dict[int, dict[str, list[float]]]:
    """The curve shipped with aeviz (``bench/pretraining.py``), {} if missing or damaged."""
    data = cache.load_json(defaults_path())
    out: dict[int, dict[str, list[float]]] = {}
    try:
        if data["settings"] != PretrainSettings().key(0, "", 0):
            return {}
        for L, row in data["results"].items():
            out[int(L)] = {way: [float(a) for a in row[way]] for way in WAYS}
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    return out


def summarise(results: dict[int, dict[str, list[float]]]) -> dict[str, np.ndarray]:
    """Ls and mean accuracy per way, sorted by L (ways with no value give NaN)."""
    Ls = sorted(results)
    out = {"L": np.array(Ls, dtype=float)}
    for way in WAYS:
        out[way] = np.array([np.mean(results[L][way]) if results[L].get(way) else math.nan for L in Ls])
    return out
