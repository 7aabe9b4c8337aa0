"""Page state as plain values: immutable, validated, JSON round-trippable, observable.

A page's state is a frozen dataclass (a *value*): changing it makes a new value, so a
worker can be handed the current value as is (nothing it holds can change under it),
equality says whether anything changed, and the fields that differ are the change
notice. A :class:`Store` holds the current value of one page and tells its observers
once per change, however many fields changed: the view redraws once, not per field.

Validation lives in the value: ``__post_init__`` checks every field's type from its
annotation, then the class's own ``validate``. Errors are :class:`StateError` with a
code and parameters, which the interface translates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import types
import typing
from typing import Any, Callable, ClassVar, Generic, Iterator, TypeVar

from aeviz.core.errors import AevizError

__all__ = ["StateError", "PageState", "Store", "check_range", "check_choice", "check_grid"]

#: Deepest nesting a state may have (a grid is 2 levels inside a field); guards crafted files.
_MAX_DEPTH = 6


class StateError(AevizError):
    """A state value that cannot be: wrong type, out of range, unknown choice."""


def check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not (lo <= value <= hi):
        raise StateError("state.out_of_range", f"{name} = {value} is outside [{lo}, {hi}]",
                         field=name, value=value, lo=lo, hi=hi)


def check_choice(name: str, value: object, choices: typing.Collection[object]) -> None:
    if value not in choices:
        raise StateError("state.bad_choice", f"{name} = {value!r} is not one of {sorted(map(str, choices))}",
                         field=name, value=str(value)[:80])


def check_grid(name: str, grid: tuple, max_rows: int, max_cols: int, lo: float, hi: float) -> None:
    """A rectangular, non-empty grid of finite numbers within [lo, hi]."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    if not (1 <= rows <= max_rows and 1 <= cols <= max_cols) or any(len(row) != cols for row in grid):
        raise StateError("state.bad_grid", f"{name} must be a rectangle of 1..{max_rows} × 1..{max_cols} numbers",
                         field=name, rows=max_rows, cols=max_cols)
    for row in grid:
        for v in row:
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                raise StateError("state.bad_type", f"{name} holds {v!r}, not a number",
                                 field=name, expected="s_number")
            check_range(name, v, lo, hi)


def _frozen(value: Any, depth: int = 0) -> Any:
    """JSON lists become tuples (hashable, immutable), recursively."""
    if depth > _MAX_DEPTH:
        raise StateError("state.too_deep", "the state is nested too deeply", depth=_MAX_DEPTH)
    if isinstance(value, list):
        return tuple(_frozen(v, depth + 1) for v in value)
    return value


def _matches(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, h) for h in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_matches(v, args[0]) for v in value)
        return len(args) == len(value) and all(_matches(v, a) for v, a in zip(value, args))
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _expected(hint: Any) -> str:
    """A word for what ``hint`` wants; the interface translates it (``err.expected.s_<word>``)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        words = {_expected(h) for h in typing.get_args(hint) if h is not type(None)}
        return words.pop() if len(words) == 1 else "s_value"
    if origin is typing.Literal:
        return "s_choice"
    if origin is tuple:
        return "s_list"
    return {int: "s_whole", float: "s_number", str: "s_text", bool: "s_bool"}.get(hint, "s_value")


@dataclasses.dataclass(frozen=True)
class PageState:
    """Base of every page's state value. Subclasses are frozen dataclasses with defaults.

    ``page_id`` names the page the state belongs to; ``version`` is bumped when a field's
    meaning changes, and ``upgrade`` turns an older dictionary into the current form.
    """

    page_id: ClassVar[str] = ""
    version: ClassVar[int] = 1
    #: fields holding the path of a user's own file (saved relative to the view file)
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not _matches(value, hints[f.name]):
                raise StateError("state.bad_type", f"{f.name} = {str(value)[:80]!r} is not a {_expected(hints[f.name])}",
                                 field=f.name, expected=_expected(hints[f.name]))
        self.validate()

    def validate(self) -> None:
        """Cross-field and range checks; raise :class:`StateError`."""

    def with_changes(self, **changes: Any):
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise StateError("state.unknown_field", f"unknown field(s) {sorted(unknown)}",
                             field=", ".join(sorted(unknown)))
        return dataclasses.replace(self, **{k: _frozen(v) for k, v in changes.items()})

    def changed_fields(self, other: "PageState") -> frozenset[str]:
        return frozenset(f.name for f in dataclasses.fields(self) if getattr(self, f.name) != getattr(other, f.name))

    # --- files ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (tuples become lists on the way out)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def upgrade(cls, data: dict[str, Any], version: int) -> dict[str, Any]:
        """Bring a dictionary saved at an older ``version`` to the current fields."""
        return data

    @classmethod
    def from_dict(cls, data: Any, version: int | None = None):
        """A validated value from a file's dictionary; missing fields keep their defaults."""
        if not isinstance(data, dict):
            raise StateError("state.bad_type", "the page state is not an object", field="state", expected="s_object")
        version = cls.version if version is None else version
        if version > cls.version:
            raise StateError("state.newer_version", f"state version {version} is newer than {cls.version}",
                             version=version, supported=cls.version)
        data = cls.upgrade(dict(data), version)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise StateError("state.unknown_field", f"unknown field(s) {sorted(unknown)[:5]}",
                             field=", ".join(sorted(map(str, unknown))[:5]))
        try:
            return cls(**{k: _frozen(v) for k, v in data.items()})
        except RecursionError:
            raise StateError("state.too_deep", "the state is nested too deeply", depth=_MAX_DEPTH) from None


S = TypeVar("S", bound=PageState)
Observer = Callable[[Any, frozenset], None]


class Store(Generic[S]):
    """The current state of one page, and who to tell when it changes.

    ``set`` and ``replace`` validate first (a refused change leaves the value as it was),
    then notify each observer once with the new value and the names of changed fields.
    Inside ``batch()`` the notices are merged into one at the end.
    """

    def __init__(self, value: S):
        self._value = value
        self._observers: list[Observer] = []
        self._batch_depth = 0
        self._batch_start: S | None = None

    @property
    def value(self) -> S:
        return self._value

    def observe(self, callback: Observer) -> Callable[[], None]:
        self._observers.append(callback)
        return lambda: self._observers.remove(callback) if callback in self._observers else None

    def set(self, **changes: Any) -> S:
        return self.replace(self._value.with_changes(**changes))

    def replace(self, value: S) -> S:
        if type(value) is not type(self._value):
            raise TypeError(f"a {type(self._value).__name__} store cannot hold a {type(value).__name__}")
        old, self._value = self._value, value
        if self._batch_depth == 0:
            self._notify(old)
        return value

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        if self._batch_depth == 0:
            self._batch_start = self._value
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                start, self._batch_start = self._batch_start, None
                self._notify(start)

    def _notify(self, old: S) -> None:
        changed = self._value.changed_fields(old)
        if changed:
            for callback in list(self._observers):
                callback(self._value, changed)
