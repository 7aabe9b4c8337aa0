"""The run state of anything that trains: an explicit machine with its legal moves.

A page used to infer "is it running?" from a label's text or a plot's buffer; here the
phase is a value, every move is checked against ``TRANSITIONS``, and an illegal move
(pausing what is not running, continuing what diverged) is an error the caller sees,
not a silent inconsistency between the button and the worker.
"""

from __future__ import annotations

from typing import Literal

from aeviz.state.base import StateError

__all__ = ["RunPhase", "PHASES", "TRANSITIONS", "advance", "is_active", "is_finished"]

RunPhase = Literal["idle", "running", "paused", "done", "diverged", "stopped"]
PHASES: tuple[str, ...] = ("idle", "running", "paused", "done", "diverged", "stopped")

#: From each phase, the phases it may move to. "done", "stopped" may train again
#: (Continue or a new run); "diverged" only starts over.
TRANSITIONS: dict[str, frozenset[str]] = {
    "idle": frozenset({"running"}),
    "running": frozenset({"paused", "done", "diverged", "stopped"}),
    "paused": frozenset({"running", "stopped"}),
    "done": frozenset({"running", "idle"}),
    "stopped": frozenset({"running", "idle"}),
    "diverged": frozenset({"idle", "running"}),
}


def advance(current: str, target: str) -> str:
    """``target`` if the move is legal; :class:`StateError` ``run.illegal`` otherwise."""
    if target not in TRANSITIONS.get(current, ()):
        raise StateError("run.illegal", f"a run cannot go from {current} to {target}", current=current, target=target)
    return target


def is_active(phase: str) -> bool:
    """A worker exists for this phase (running or paused)."""
    return phase in ("running", "paused")


def is_finished(phase: str) -> bool:
    return phase in ("done", "diverged", "stopped")
