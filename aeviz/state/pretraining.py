"""The unsupervised-pretraining page as a value: L, the encoder, the results and the experiment's phase.

The accuracies (per L, per way, one per seed) are stored in the value: some took
minutes of training, and a view must show them again on a laptop whose cache never
held them. They belong to ``encoder``: changing it reloads the results of that encoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from aeviz.core import pretraining as ptr
from aeviz.state.base import PageState, StateError, check_range
from aeviz.state.run import RunPhase, advance

__all__ = ["PretrainingState", "PRESETS", "ENCODERS", "Row", "results_of", "results_dict", "settings_of",
           "MAX_L", "MAX_SEEDS"]

ENCODERS = ("shipped", "pool10000")
MAX_L = 500
MAX_SEEDS = 10

#: (L, accuracies from scratch, frozen, fine-tuned: one per seed, each in [0, 1])
Row = tuple[int, tuple[float, ...], tuple[float, ...], tuple[float, ...]]


def results_of(results: dict[int, dict[str, list[float]]]) -> tuple[Row, ...]:
    """The core's ``{L: {way: [accuracy per seed]}}`` as a state field (sorted by L)."""
    return tuple((int(L), *(tuple(float(a) for a in row[way]) for way in ptr.WAYS))
                 for L, row in sorted(results.items()))


def results_dict(rows: tuple[Row, ...]) -> dict[int, dict[str, list[float]]]:
    return {row[0]: {way: list(accs) for way, accs in zip(ptr.WAYS, row[1:])} for row in rows}


def settings_of(encoder: str) -> ptr.PretrainSettings:
    return ptr.PretrainSettings(encoder=encoder)


@dataclass(frozen=True)
class PretrainingState(PageState):
    page_id = "pretraining"

    L: int = 10
    encoder: Literal["shipped", "pool10000"] = "shipped"
    results: tuple[Row, ...] = ()
    #: the experiment: its phase, the Ls it computes and how far it got (0…1)
    experiment: RunPhase = "idle"
    experiment_Ls: tuple[int, ...] = ()
    experiment_progress: float = 0.0

    def validate(self) -> None:
        check_range("L", self.L, 1, MAX_L)
        check_range("experiment_progress", self.experiment_progress, 0.0, 1.0)
        if len(self.experiment_Ls) > len(ptr.DEFAULT_LS):
            raise StateError("state.out_of_range", "too many Ls in one experiment", field="experiment_Ls",
                             value=len(self.experiment_Ls), lo=1, hi=len(ptr.DEFAULT_LS))
        for L in self.experiment_Ls:
            check_range("experiment_Ls", L, 1, MAX_L)
        if self.experiment != "idle" and not self.experiment_Ls:
            raise StateError("pretraining.no_Ls", "an experiment needs at least one L")
        if len(self.results) > MAX_L:
            raise StateError("state.out_of_range", "too many results", field="results", value=len(self.results),
                             lo=0, hi=MAX_L)
        for L, *ways in self.results:
            check_range("results", L, 1, MAX_L)
            for accs in ways:
                if not 1 <= len(accs) <= MAX_SEEDS:
                    raise StateError("pretraining.bad_row", "each way needs one accuracy per seed", L=L)
                for a in accs:
                    check_range("results", a, 0.0, 1.0)
        Ls = [row[0] for row in self.results]
        if Ls != sorted(set(Ls)):
            raise StateError("pretraining.bad_order", "the results must list each L once, in increasing order")

    def results_dict(self) -> dict[int, dict[str, list[float]]]:
        return results_dict(self.results)

    def settings(self) -> ptr.PretrainSettings:
        return settings_of(self.encoder)

    @classmethod
    def from_dict(cls, data, version=None):
        """A running experiment is restored as stopped: opening a view never starts training."""
        value = super().from_dict(data, version)
        if value.experiment in ("running", "paused"):
            value = value.with_changes(experiment=advance(value.experiment, "stopped"))
        return value


def _course_experiment() -> PretrainingState:
    """L = 10 labels per class with the shipped encoder, the shipped curve ready on the plot."""
    return PretrainingState(L=10, encoder="shipped", results=results_of(ptr.load_defaults()))


PRESETS: dict[str, Callable[[], PretrainingState]] = {
    "pretraining": _course_experiment,
}
