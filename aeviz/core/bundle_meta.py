"""Checks on a model file's meta.json, before anything is built from it.

Model files travel between students, so every field is type-checked here (a string
is not a number, ``true`` is not ``1``, a list is not a noise description) and the
architecture is measured against :mod:`aeviz.core.limits` from its description alone:
a file that declares a 5-billion-parameter model is refused in microseconds instead
of filling the memory. A page that gets a meta dict back from :func:`check_meta` can
apply every field without further checks.
"""

from __future__ import annotations

import math
from typing import Any

from . import limits
from .constants import LATENT_RANGE, MODEL_KINDS
from .errors import AevizError

__all__ = ["BundleError", "check_meta", "count_parameters", "check_model_limits"]

_OUTPUTS = ("auto", "sigmoid", "identity")
_DEVICES = ("cpu", "auto", "cuda", "mps")
_HIDDEN_RANGE = (1, 4096)
_DEFAULT_HIDDEN = {"linear": (), "mlp": (256, 64), "conv": (32, 64), "vae": (256, 64)}
_MAX_SEED = 2 ** 63 - 1
_MAX_BLOCKS = 4  # aeviz.core.models.MAX_BLOCKS (this module does not import torch)


class BundleError(AevizError):
    """A file that is not a usable aeviz model; ``code``/``params`` say why, for the UI."""


# ----------------------------------------------------------------------------- types

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


class _Fields:
    """Typed reads of one JSON object; any mismatch is a ``bundle.bad_field`` error."""

    def __init__(self, name: str, data: dict, prefix: str):
        self.name, self.data, self.prefix = name, data, prefix

    def fail(self, key: str, expected: str, **params) -> None:
        text = {"int": "a whole number between {lo} and {hi}", "number": "a number between {lo} and {hi}",
                "bool": "true or false", "text": "a text", "choice": "one of {choices}",
                "int_list": "a list of whole numbers between {lo} and {hi}", "object": "a JSON object",
                "list": "a list", "finite": "a finite number or null",
                "noise": "null or {{\"kind\": …, \"level\": …}}"}[expected]
        raise BundleError("bundle.bad_field", f"{self.name}: invalid field {self.prefix}{key} in the model file "
                          f"(expected {text.format(**params)})", name=self.name, field=f"{self.prefix}{key}",
                          expected=expected, **params)

    def int(self, key: str, lo: int, hi: int, default=None, optional=False):
        v = self.data.get(key, default)
        if (optional and v is None) or (_is_int(v) and lo <= v <= hi):
            return v
        self.fail(key, "int", lo=lo, hi=hi)

    def number(self, key: str, lo: float, hi: float, default=None):
        v = self.data.get(key, default)
        if _is_number(v) and lo <= v <= hi:
            return v
        self.fail(key, "number", lo=lo, hi=hi)

    def bool(self, key: str, default=None):
        v = self.data.get(key, default)
        if isinstance(v, bool):
            return v
        self.fail(key, "bool")

    def choice(self, key: str, choices: tuple[str, ...], default=None):
        v = self.data.get(key, default)
        if isinstance(v, str) and v in choices:
            return v
        self.fail(key, "choice", choices=", ".join(choices))

    def text(self, key: str, optional: bool = True):
        v = self.data.get(key)
        if isinstance(v, str) or (optional and v is None):
            return v
        self.fail(key, "text")


def _object(name: str, value: Any, key: str, optional: bool = False) -> dict | None:
    if isinstance(value, dict) or (optional and value is None):
        return value
    _Fields(name, {}, "").fail(key, "object")


# ------------------------------------------------------------------------------ model

def _model(name: str, data: Any) -> dict:
    """The checked model description (ranges included), with defaults filled in."""
    data = _object(name, data, "model")
    unknown = sorted(set(data) - {"kind", "latent", "hidden", "bias", "image_shape", "output", "center", "beta",
                             "blocks", "dense"})
    if unknown:
        raise BundleError("bundle.unknown_field", f"{name}: unknown field(s) model.{', model.'.join(unknown)} "
                          "in the model file", name=name, field=", ".join(f"model.{u}" for u in unknown))
    f = _Fields(name, data, "model.")
    kind = f.choice("kind", MODEL_KINDS, "mlp")
    latent = f.int("latent", *LATENT_RANGE, default=2)
    hidden = data.get("hidden")
    if hidden is not None:
        lo, hi = _HIDDEN_RANGE
        if not (isinstance(hidden, list) and all(_is_int(h) and lo <= h <= hi for h in hidden)):
            f.fail("hidden", "int_list", lo=lo, hi=hi)
    image_shape = data.get("image_shape", [1, 28, 28])
    if not (isinstance(image_shape, list) and len(image_shape) == 3
            and all(_is_int(s) and s >= 1 for s in image_shape)):
        f.fail("image_shape", "int_list", lo=1, hi=limits.MAX_IMAGE_SIDE)
    checked = {"kind": kind, "latent": latent, "hidden": hidden, "bias": f.bool("bias", True),
               "image_shape": image_shape, "output": f.choice("output", _OUTPUTS, "auto"),
               "center": f.bool("center", True), "beta": f.number("beta", 0.0, 1e6, 1.0),
               "blocks": f.int("blocks", 1, _MAX_BLOCKS, default=1), "dense": f.int("dense", 0, _HIDDEN_RANGE[1], default=0)}
    check_model_limits(name, checked)
    levels = len(_resolved_hidden(checked))
    c, h, w = image_shape
    if kind == "conv" and (levels < 1 or h % 2 ** levels or w % 2 ** levels):
        raise BundleError("bundle.conv_shape", f"{name}: {levels} stride-2 layers need height and width divisible "
                          f"by {2 ** levels}, got {h}×{w}", name=name, levels=levels, divisor=2 ** levels,
                          height=h, width=w)
    if kind == "vae" and levels == 0:
        raise BundleError("bundle.vae_hidden", f"{name}: a vae needs at least one hidden layer", name=name)
    return checked


def _resolved_hidden(model: dict) -> tuple[int, ...]:
    hidden = model.get("hidden")
    return _DEFAULT_HIDDEN[model["kind"]] if hidden is None else tuple(hidden)


def _mlp_params(sizes, bias: bool) -> int:
    return sum(a * b + (b if bias else 0) for a, b in zip(sizes[:-1], sizes[1:]))


def count_parameters(model: dict) -> int:
    """Numbers stored for a checked model description (weights and buffers), from the description alone."""
    kind, k, bias = model["kind"], model["latent"], model["bias"]
    c, h, w = model["image_shape"]
    d = c * h * w
    hidden = _resolved_hidden(model)
    if kind == "linear":
        return 2 * d * k + (k + d if bias else 0) + d + 1  # + data_mean and mean_fitted buffers
    if kind == "mlp":
        sizes = (d, *hidden, k)
        return _mlp_params(sizes, bias) + _mlp_params(sizes[::-1], bias)
    if kind == "vae":
        return (_mlp_params((d, *hidden), bias) + 2 * _mlp_params((hidden[-1], k), bias)
                + _mlp_params((k, *hidden[::-1], d), bias))
    total, prev, extra = 0, c, model.get("blocks", 1) - 1
    for ch in hidden:  # stride-2 3×3 convolutions, mirrored by transposed ones; blocks − 1 more on each side
        total += 2 * (9 * prev * ch) + (ch + prev if bias else 0)
        total += 2 * extra * (9 * ch * ch + (ch if bias else 0))
        prev = ch
    flat = prev * (h // 2 ** len(hidden)) * (w // 2 ** len(hidden))
    dense = model.get("dense", 0)
    widths = (flat, dense, k) if dense else (flat, k)
    return total + _mlp_params(widths, bias) + _mlp_params(widths[::-1], bias)


def _limit(name: str, limit: str, value: int, maximum: int, what: str) -> None:
    if value > maximum:
        raise BundleError("bundle.limit", f"{name}: the model is too large for aeviz: {what} {value:,} "
                          f"exceeds the limit of {maximum:,}", name=name, limit=limit, value=value, max=maximum)


def check_model_limits(name: str, model: dict) -> None:
    """Refuse an architecture beyond :mod:`aeviz.core.limits`, naming the limit."""
    c, h, w = model["image_shape"]
    hidden = _resolved_hidden(model)
    _limit(name, "channels", c, limits.MAX_IMAGE_CHANNELS, "image channels")
    _limit(name, "image_side", max(h, w), limits.MAX_IMAGE_SIDE, "image side (pixels)")
    _limit(name, "layers", len(hidden) * model.get("blocks", 1), limits.MAX_LAYERS, "hidden layers")
    if model["kind"] == "conv":
        _limit(name, "conv_channels", max(hidden, default=0), limits.MAX_CONV_CHANNELS, "convolution channels")
    _limit(name, "params", count_parameters(model), limits.MAX_PARAMS, "parameters")


# --------------------------------------------------------------------------- training

def _train(name: str, data: Any) -> dict | None:
    """The checked training description (every field TrainConfig has), or None."""
    data = _object(name, data, "train", optional=True)
    if data is None:
        return None
    f = _Fields(name, data, "train.")
    f.choice("optimizer", ("adam", "sgd"), "adam")
    f.number("lr", 1e-30, 1e6, 1e-3)
    f.int("batch_size", 1, 65536, 128)
    f.int("epochs", 1, 10000, 10)
    f.choice("loss", ("auto", "mse", "bce"), "auto")
    f.int("seed", 0, _MAX_SEED, 0)
    f.int("num_threads", 1, 1024, optional=True)
    f.choice("device", _DEVICES, "cpu")
    f.number("weight_decay", 0.0, 1e6, 0.0)
    f.number("momentum", 0.0, 1.0, 0.9)
    f.number("snapshot_every_s", 0.0, 3600.0, 0.1)
    f.int("snapshot_every_steps", 0, 2 ** 31, 0)
    f.int("val_every_steps", 0, 2 ** 31, 0)
    noise = data.get("noise")
    if noise is not None:
        if not (isinstance(noise, dict) and set(noise) == {"kind", "level"}):
            f.fail("noise", "noise")
        n = _Fields(name, noise, "train.noise.")
        n.choice("kind", ("gaussian", "masking", "salt_pepper"))
        n.number("level", 0.0, 1.0)
    try:  # unknown fields and anything TrainConfig itself refuses
        from .training import TrainConfig

        TrainConfig.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise BundleError("bundle.bad_train", f"{name}: invalid training description in the model file ({exc})",
                          name=name) from None
    return data


def _history(name: str, data: Any) -> list:
    """Per-epoch records: ``epoch`` a number ≥ 0 (the training page counts continued runs on one axis, so it may
    be fractional), every other value a finite number or null."""
    if data is None:
        return []
    if not isinstance(data, list) or len(data) > limits.MAX_HISTORY:
        _Fields(name, {}, "").fail("history", "list")
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            _Fields(name, {}, "").fail(f"history[{i}]", "object")
        f = _Fields(name, entry, f"history[{i}].")
        f.number("epoch", 0, 10 ** 9)
        for key, value in entry.items():
            if key != "epoch" and value is not None and not _is_number(value):
                f.fail(key, "finite")
    return data


def check_meta(name: str, meta: dict) -> dict:
    """Every field a page may use, checked; returns ``meta`` with ``model`` defaults filled in."""
    meta["model"] = _model(name, meta.get("model"))
    meta["train"] = _train(name, meta.get("train"))
    meta["history"] = _history(name, meta.get("history"))
    f = _Fields(name, meta, "")
    for key in ("dataset", "model_summary", "aeviz_version", "created"):
        f.text(key)
    for key in ("normalisation", "extra"):
        _object(name, meta.get(key), key, optional=True)
    return meta
