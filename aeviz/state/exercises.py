"""The exercises page's state: which exercise is shown and the answers checked on it.

Everything else the page shows follows from these: the exercise is generated from
(kind, seed, level), and replaying the checked answers gives the number of tries, whether
it is over and the last feedback. So a saved view reopens on the same exercise at the
same stage (question, hint or worked solution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aeviz.core.exercises import KINDS, LEVELS, MAX_SEED, Exercise, Verdict, generate, mixed
from aeviz.state.base import PageState, StateError, check_choice, check_range

__all__ = ["MIXED", "ExercisesState", "Progress", "replay", "PRESETS"]

MIXED = "mixed"   # kind and level drawn from the seed
MAX_ATTEMPTS = 50
MAX_ANSWER_CHARS = 400
#: wrong answers after which the worked solution is shown
TRIES_ALLOWED = 2


@dataclass(frozen=True)
class ExercisesState(PageState):
    page_id = "exercises"

    choice: str = KINDS[0]        # a kind of exercise, or MIXED
    level: int = LEVELS[0]        # the chosen level (MIXED draws its own from the seed)
    seed: int = 1
    attempts: tuple[str, ...] = ()  # the answers checked on the shown exercise, in order

    def validate(self) -> None:
        check_choice("choice", self.choice, (MIXED, *KINDS))
        check_choice("level", self.level, LEVELS)
        check_range("seed", self.seed, 0, MAX_SEED)
        if len(self.attempts) > MAX_ATTEMPTS or any(len(a) > MAX_ANSWER_CHARS for a in self.attempts):
            raise StateError("exercises.too_many_answers", "too many or too long answers",
                             count=MAX_ATTEMPTS, chars=MAX_ANSWER_CHARS)

    def exercise_key(self) -> tuple[str, int, int]:
        """(kind, seed, level) of the shown exercise."""
        if self.choice == MIXED:
            kind, level = mixed(self.seed)
            return kind, self.seed, level
        return self.choice, self.seed, self.level

    def exercise(self) -> Exercise:
        kind, seed, level = self.exercise_key()
        return generate(kind, seed, level)

    def showing(self, choice: str, seed: int, level: int) -> "ExercisesState":
        """Another exercise, no answer checked yet (the same one keeps its answers)."""
        new = self.with_changes(choice=choice, seed=seed, level=level, attempts=())
        return new.with_changes(attempts=self.attempts) if new.exercise_key() == self.exercise_key() else new


@dataclass(frozen=True)
class Progress:
    """Where the student is on one exercise, replayed from the answers."""

    tries: int = 0                    # wrong answers so far
    done: bool = False                # right, or wrong TRIES_ALLOWED times
    right: bool = False
    last: Verdict | None = None       # the verdict on the last answer (invalid ones included)
    last_text: str = ""
    counted: int = 0                  # answers that counted (valid ones before the end)

    @property
    def stage(self) -> int:
        """0: question only, 1: hint shown, 2: worked solution shown."""
        return 2 if self.done else min(self.tries, 1)


def replay(exercise: Exercise, attempts: tuple[str, ...]) -> Progress:
    """The progress those answers make; answers after the end are ignored."""
    progress = Progress()
    for text in attempts:
        if progress.done:
            break
        verdict = exercise.check(text)
        tries, done, right = progress.tries, False, False
        if verdict.valid:
            if verdict.right:
                done = right = True
            else:
                tries += 1
                done = tries >= TRIES_ALLOWED
        progress = Progress(tries, done, right, verdict, text, progress.counted + verdict.valid)
    return progress


PRESETS: dict[str, Callable[[], ExercisesState]] = {
    "exercises": ExercisesState,
    "conv_cell": lambda: ExercisesState(choice="conv_cell", level=1, seed=7),
}
