"""The compression page as a value: the chosen k, the short runs trained here, and the running one.

The full-run curve is shipped (and recomputed identically), so it is not part of the
value. A short run takes a minute or two, so what it measured (its error, its cost and
its reconstructed examples, as base64 bytes) is stored here: a view shows it again on
a laptop that never trained it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Callable, Literal

from aeviz.core import compression as cp
from aeviz.state.base import PageState, StateError, check_choice, check_range
from aeviz.state.run import RunPhase, advance

__all__ = ["CompressionState", "PRESETS", "TRAINABLE", "ShortRun", "short_run_of", "point_of", "MAX_EXAMPLES"]

TRAINABLE = ("linear", "mlp", "conv")
MAX_EXAMPLES = 64

#: one short run: (method, k, mse, seconds, epochs, n_train, examples as base64 uint8 28×28 images)
ShortRun = tuple[str, int, float, float, float, int, str]


def short_run_of(point: cp.Point) -> ShortRun:
    cost = point.cost or {}
    examples = base64.b64encode(bytes(point.examples.astype("uint8").tobytes())).decode("ascii")
    return (point.method, int(point.k), float(point.mse), float(cost.get("seconds", 0.0)),
            float(cost.get("epochs", 0)), int(cost.get("n_train", cp.SHORT_RUN_TRAIN)), examples)


def point_of(run: ShortRun) -> cp.Point:
    import numpy as np

    method, k, mse, seconds, epochs, n_train, examples = run
    images = np.frombuffer(base64.b64decode(examples), np.uint8).reshape(-1, 28, 28).copy()
    return cp.Point(method, k, mse, "trained", images, {"seconds": seconds, "epochs": epochs, "n_train": n_train})


def _check_short_run(run: ShortRun) -> None:
    method, k, mse, seconds, epochs, n_train, examples = run
    check_choice("short_runs", method, TRAINABLE)
    check_choice("short_runs", k, cp.K_GRID)
    check_range("short_runs", mse, 0.0, 1.0)
    check_range("short_runs", seconds, 0.0, 1e7)
    check_range("short_runs", epochs, 0.0, 1e4)
    check_range("short_runs", n_train, 1, 10 ** 7)
    try:
        size = len(base64.b64decode(examples, validate=True))
    except (binascii.Error, ValueError):
        size = -1
    if size <= 0 or size % 784 or size // 784 > MAX_EXAMPLES:
        raise StateError("compression.bad_examples", "the examples of a short run are not 28×28 images",
                         method=method, k=k)


@dataclass(frozen=True)
class CompressionState(PageState):
    page_id = "compression"

    k: int = 16
    short_runs: tuple[ShortRun, ...] = ()
    #: the short run trained here: its phase, what it trains and how far it got (0…1)
    short_run: RunPhase = "idle"
    short_run_method: Literal["linear", "mlp", "conv"] = "linear"
    short_run_k: int = 16
    short_run_progress: float = 0.0

    def validate(self) -> None:
        check_choice("k", self.k, cp.K_GRID)
        check_choice("short_run_k", self.short_run_k, cp.K_GRID)
        check_range("short_run_progress", self.short_run_progress, 0.0, 1.0)
        if len(self.short_runs) > len(TRAINABLE) * len(cp.K_GRID):
            raise StateError("state.out_of_range", "too many short runs", field="short_runs",
                             value=len(self.short_runs), lo=0, hi=len(TRAINABLE) * len(cp.K_GRID))
        for run in self.short_runs:
            _check_short_run(run)
        keys = [(run[0], run[1]) for run in self.short_runs]
        if len(set(keys)) != len(keys):
            raise StateError("compression.duplicate_run", "two short runs of the same method and k")

    def short_points(self) -> dict[tuple[str, int], cp.Point]:
        return {(run[0], run[1]): point_of(run) for run in self.short_runs}

    def with_point(self, point: cp.Point) -> "CompressionState":
        """This value with ``point`` as the short run of its method and k (replacing an older one)."""
        kept = tuple(run for run in self.short_runs if (run[0], run[1]) != (point.method, point.k))
        return self.with_changes(short_runs=tuple(sorted(kept + (short_run_of(point),))))

    @classmethod
    def from_dict(cls, data, version=None):
        """A running short run is restored as stopped: opening a view never starts training."""
        value = super().from_dict(data, version)
        if value.short_run in ("running", "paused"):
            value = value.with_changes(short_run=advance(value.short_run, "stopped"))
        return value


def _telling_k() -> CompressionState:
    """k = 8 (24.5 : 1): PCA's digits are blurs while the non-linear autoencoders' are still readable."""
    return CompressionState(k=8)


PRESETS: dict[str, Callable[[], CompressionState]] = {
    "compression": _telling_k,
}
