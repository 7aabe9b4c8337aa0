"""Corruptions for denoising autoencoders: the model sees x̃ = noise(x) and must output x.

Three kinds, all for images in [0, 1] and all keeping the result in [0, 1]:

* ``gaussian``: x + level·ε with ε ~ N(0, 1), clipped. ``level`` is the standard deviation.
* ``masking``: each pixel is set to 0 with probability ``level`` (dropout on the input).
* ``salt_pepper``: each pixel is replaced, with probability ``level``, by 0 or 1 (50/50).

Randomness comes from an explicit ``torch.Generator`` so training stays reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["NOISE_KINDS", "NoiseConfig", "add_noise", "parse_noise_spec", "random_tensor"]

NOISE_KINDS = ("gaussian", "masking", "salt_pepper")
_ALIASES = {"gauss": "gaussian", "normal": "gaussian", "mask": "masking", "dropout": "masking",
            "salt-pepper": "salt_pepper", "saltpepper": "salt_pepper", "salt_and_pepper": "salt_pepper",
            "sp": "salt_pepper"}


@dataclass(frozen=True)
class NoiseConfig:
    """Which corruption and how strong; ``level`` is in [0, 1] for every kind."""

    kind: str = "gaussian"
    level: float = 0.3

    def __post_init__(self) -> None:
        if self.kind not in NOISE_KINDS:
            raise ValueError(f"unknown noise kind {self.kind!r}; choose one of {', '.join(NOISE_KINDS)}")
        if isinstance(self.level, bool) or not isinstance(self.level, (int, float)) \
                or not math.isfinite(self.level) or not 0.0 <= self.level <= 1.0:
            raise ValueError(f"noise level must be a number between 0 and 1, got {self.level!r}")
        object.__setattr__(self, "level", float(self.level))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "level": self.level}

    @classmethod
    def from_dict(cls, d: dict) -> "NoiseConfig":
        return cls(str(d["kind"]), float(d["level"]))

    def spec(self) -> str:
        return f"{self.kind}:{self.level:g}"


def parse_noise_spec(spec: str) -> NoiseConfig | None:
    """``"gaussian:0.3"`` → NoiseConfig; ``"none"`` or ``""`` → None. ValueError with a hint otherwise."""
    text = spec.strip().lower()
    if text in ("", "none", "off", "no"):
        return None
    kind, sep, level_text = text.partition(":")
    if not sep or not level_text.strip():
        raise ValueError(f"noise {spec!r} must look like TYPE:LEVEL, e.g. gaussian:0.3 "
                         f"(types: {', '.join(NOISE_KINDS)})")
    kind = _ALIASES.get(kind.strip(), kind.strip())
    if kind not in NOISE_KINDS:
        raise ValueError(f"unknown noise type {kind!r} in {spec!r}; choose one of {', '.join(NOISE_KINDS)}")
    try:
        level = float(level_text)
    except ValueError:
        raise ValueError(f"noise level {level_text.strip()!r} in {spec!r} is not a number") from None
    return NoiseConfig(kind, level)


def random_tensor(kind: str, shape, generator: torch.Generator | None, like: torch.Tensor) -> torch.Tensor:
    """``torch.randn``/``torch.rand`` drawn on the generator's device, returned on ``like``'s.

    CPU generators cannot draw directly on MPS tensors; this keeps one code path.
    """
    fn = torch.randn if kind == "normal" else torch.rand
    device = like.device if generator is None else generator.device
    out = fn(tuple(shape), generator=generator, device=device, dtype=like.dtype)
    return out if out.device == like.device else out.to(like.device)


def add_noise(x, cfg: NoiseConfig | None, generator: torch.Generator | None = None):
    """A corrupted copy of ``x`` (torch tensor or numpy array, values in [0, 1]); x is untouched."""
    if isinstance(x, np.ndarray):
        return add_noise(torch.from_numpy(np.asarray(x, dtype=np.float32)), cfg, generator).numpy()
    if cfg is None or cfg.level == 0.0:
        return x.clone()
    if cfg.kind == "gaussian":
        eps = random_tensor("normal", x.shape, generator, x)
        return (x + cfg.level * eps).clamp_(0.0, 1.0)
    u = random_tensor("uniform", x.shape, generator, x)
    if cfg.kind == "masking":
        return x * (u >= cfg.level).to(x.dtype)
    # salt_pepper: u < level/2 → pepper (0), level/2 ≤ u < level → salt (1)
    out = x.clone()
    out[u < cfg.level] = 0.0
    out[(u >= cfg.level / 2) & (u < cfg.level)] = 1.0
    return out
