"""The linear case page (X = U·Vᵀ against PCA) as a value: data, k, seed and the fit's run phase.

The fit itself (the loss and angle curves, U and Vᵀ) is not stored: it is a function of
this value. The fit is deterministic (fixed seed, reports at fixed steps), so a finished
or stopped run is shown again by replaying it up to ``fit_step``: a view restores the
same curves and factors without carrying them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Literal

from aeviz.core.linear import fit_linear_autoencoder
from aeviz.state.base import PageState, StateError, check_choice, check_grid, check_range
from aeviz.state.run import RunPhase, advance

__all__ = ["LinearState", "PRESETS", "DEFAULT_X", "MNIST_SIZES", "MATRIX_MAX", "MNIST_MAX_K", "MATRIX_STEPS",
           "MNIST_EPOCHS", "MNIST_BATCH", "MNIST_LR", "total_steps", "REPORT_EVERY", "max_k", "clamp_k", "fit_inputs",
           "fit_reports"]

DEFAULT_X = ((4, 2, 3, 1), (2, 1, 2, 0), (6, 3, 5, 2), (1, 0, 1, 1), (5, 3, 4, 1), (3, 2, 2, 2))
MNIST_SIZES = (1000, 2000, 5000, 10000)
#: largest small matrix (rows, columns) and the magnitude of its entries (the grid editor's limits)
MATRIX_MAX = (8, 6)
MATRIX_LIMIT = 1e6
MNIST_MAX_K = 64
MATRIX_STEPS = 600
#: Ten epochs at Adam 0.01 bring every principal angle under ~5° at k = 16 on 10,000 images (3.6 s of
#: CPU): the page then shows what the course says, the fit finds PCA's subspace. Three epochs at 0.003
#: left the largest angle at 80° while the loss was near the floor.
MNIST_EPOCHS = 10
MNIST_BATCH = 256
MNIST_LR = 0.01
#: steps between two points of the curves (fixed, so a replay draws the same points as the run did)
REPORT_EVERY = 10
MAX_SEED = 2 ** 31 - 1


def total_steps(source: str, n: int) -> int:
    """Steps of one fit: full-batch steps on the small matrix, ``MNIST_EPOCHS`` epochs of mini-batches on MNIST."""
    return MATRIX_STEPS if source == "matrix" else MNIST_EPOCHS * math.ceil(n / MNIST_BATCH)


def max_k(source: str, matrix: tuple) -> int:
    """Largest code size: below the matrix's rank bound (so there is something left to lose), 64 on MNIST."""
    if source == "mnist":
        return MNIST_MAX_K
    smallest = min(len(matrix), len(matrix[0]) if matrix else 0)
    return max(1, smallest - 1) if smallest > 1 else 1


def clamp_k(k: int, source: str, matrix: tuple) -> int:
    return max(1, min(k, max_k(source, matrix)))


@dataclass(frozen=True)
class LinearState(PageState):
    page_id = "linear"

    source: Literal["matrix", "mnist"] = "matrix"
    matrix: tuple[tuple[float, ...], ...] = DEFAULT_X
    n: int = 10000
    k: int = 2
    fit_seed: int = 0
    #: the fit: idle (only the SVD floor), running, or ended (done/stopped/diverged) at ``fit_step``
    fit: RunPhase = "idle"
    fit_step: int = 0

    def validate(self) -> None:
        check_grid("matrix", self.matrix, MATRIX_MAX[0], MATRIX_MAX[1], -MATRIX_LIMIT, MATRIX_LIMIT)
        check_choice("n", self.n, MNIST_SIZES)
        check_range("k", self.k, 1, max_k(self.source, self.matrix))
        check_range("fit_seed", self.fit_seed, 0, MAX_SEED)
        check_range("fit_step", self.fit_step, 0, total_steps(self.source, self.n))
        if self.fit == "idle" and self.fit_step:
            raise StateError("linear.idle_with_steps", "a fit not started has made no step", step=self.fit_step)

    @property
    def total_steps(self) -> int:
        return total_steps(self.source, self.n)

    @classmethod
    def from_dict(cls, data, version=None):
        """A running fit is restored as stopped where it was: opening a view never starts work."""
        value = super().from_dict(data, version)
        if value.fit in ("running", "paused"):
            value = value.with_changes(fit=advance(value.fit, "stopped"))
        return value


def fit_inputs(value: LinearState) -> tuple:
    """What a fit's curves depend on: two states with the same inputs show the same fit."""
    data = value.matrix if value.source == "matrix" else value.n
    return value.source, data, value.k, value.fit_seed


def fit_reports(value: LinearState, x, spec, until: int | None = None):
    """The fit of ``value`` on ``x`` (a generator of reports), ending after step ``until`` when given.

    Reports come at fixed steps and the seed is the state's, so a replay up to the step a
    run reached draws the same points as the run did.
    """
    mnist = value.source == "mnist"
    reports = fit_linear_autoencoder(x, value.k, spec, steps=value.total_steps,
                                     batch_size=MNIST_BATCH if mnist else None, lr=MNIST_LR if mnist else None,
                                     seed=value.fit_seed,
                                     report_every_steps=REPORT_EVERY, report_every_s=0.0,
                                     with_factors=not mnist, num_threads=None if mnist else 1)
    for report in reports:
        yield report
        if until is not None and report.step >= until:
            reports.close()
            return


def _mnist_demo() -> LinearState:
    """The course's X = U·Vᵀ on 10,000 MNIST images, k = 16: learnt decoder rows beside the components."""
    n = 10000
    return LinearState(source="mnist", n=n, k=16, fit="done", fit_step=total_steps("mnist", n))


PRESETS: dict[str, Callable[[], LinearState]] = {
    "linear": _mnist_demo,
}
