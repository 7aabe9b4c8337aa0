"""Exercises of lesson 2 (and the byte counts of lesson 1): the app asks, the student answers.

``generate(kind, seed, level)`` always gives the same exercise for the same three
values, on every machine: a teacher writes a seed on the board and the whole class
gets the same problem. Each exercise draws from its own numpy Generator seeded with
(kind, seed, level); the global RNGs are never touched.

An :class:`Exercise` carries plain values only (lists, ints, tuples) so it can be
shown, exported or opened again by a lesson step. Its texts are :class:`Step`
objects (an i18n key suffix and values): this module has no language, the interface
translates and formats numbers (decimal comma in French).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .answers import Verdict, check_answer
from .exercise_kinds import KIND_SPECS, Step

__all__ = ["KINDS", "LEVELS", "MAX_SEED", "Exercise", "Step", "Verdict", "generate", "mixed", "draw_seed"]

KINDS = tuple(KIND_SPECS)
LEVELS = (1, 2, 3)
#: seeds a class can copy from a board; any int in [0, 2**32) works
MAX_SEED = 99_999


@dataclass(frozen=True)
class Exercise:
    kind: str
    seed: int
    level: int
    params: dict
    answer: object = None
    tolerance: float = 0.0

    @property
    def answer_kind(self) -> str:
        """"number", "size" (an (h, w) pair) or "list" (a row of numbers)."""
        return KIND_SPECS[self.kind].answer_kind

    def check(self, text: str) -> Verdict:
        return check_answer(self.answer_kind, self.answer, text, self.tolerance)

    def question(self) -> Step:
        return KIND_SPECS[self.kind].question(self.params)

    def hint(self) -> Step:
        return KIND_SPECS[self.kind].hint(self.params)

    def explanation(self) -> list[Step]:
        """The worked arithmetic, line by line, ending on the answer."""
        return KIND_SPECS[self.kind].explanation(self.params, self.answer)

    def marks(self) -> dict:
        """Cells to light on the grids for the hint and the explanation.

        Keys (all optional): ``x`` input cells (padded coordinates for a convolution),
        ``k`` kernel cells, ``window`` / ``last`` frames ``(r0, c0, r1, c1)`` on the
        input, ``out`` the asked output cell, ``out_hl`` output cells reached.
        """
        return KIND_SPECS[self.kind].marks(self.params)


def _check_args(kind: str, seed: int, level: int) -> None:
    if kind not in KIND_SPECS:
        raise ValueError(f"unknown exercise kind {kind!r}; choose one of {', '.join(KINDS)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2 ** 32:
        raise ValueError(f"the seed must be a whole number from 0 to {2 ** 32 - 1}, got {seed!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def _rng(*parts) -> np.random.Generator:
    """A generator of its own, from stable numbers (crc32 of names: Python's hash() varies per run)."""
    return np.random.default_rng([zlib.crc32(str(p).encode()) if isinstance(p, str) else int(p) for p in parts])


def generate(kind: str, seed: int, level: int = 1) -> Exercise:
    _check_args(kind, seed, level)
    params, answer, tolerance = KIND_SPECS[kind].build(_rng(kind, seed, level), level)
    return Exercise(kind, int(seed), int(level), params, answer, tolerance)


def mixed(seed: int) -> tuple[str, int]:
    """The (kind, level) that "mixed" gives for ``seed``: the same for everyone."""
    _check_args(KINDS[0], seed, LEVELS[0])
    rng = _rng("mixed", seed)
    return KINDS[int(rng.integers(len(KINDS)))], LEVELS[int(rng.integers(len(LEVELS)))]


def draw_seed(rng: np.random.Generator | None = None) -> int:
    """A fresh seed, short enough to write on a board."""
    return int((rng or np.random.default_rng()).integers(1, MAX_SEED + 1))
