"""Reading a student's typed answer: a number, a size or a list of numbers.

Students type the way they write on paper, in French or in English: ``2,5`` and
``2.5``, ``−3`` with a true minus sign, ``3x3``, ``3×3`` or ``3 x 3`` for a size,
``1 4 1 0`` or ``1; 4; 1; 0`` or ``[1, 4, 1, 0]`` for a row of a matrix. Text that is
not an answer at all (empty, a word, a list of the wrong length) is *invalid*, not
wrong: it costs no try, and the verdict carries an error code (plus values) that the
interface translates, so no English sentence ever reaches a French screen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["Verdict", "parse_number", "parse_size", "parse_list", "check_answer", "ANSWER_KINDS"]

ANSWER_KINDS = ("number", "size", "list")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)
_SIZE = re.compile(r"\(?\s*(\d+)\s*(?:x|×|\*|,|;)\s*(\d+)\s*\)?", re.IGNORECASE)
LIMIT = 1e12


@dataclass(frozen=True)
class Verdict:
    """``status`` is "right", "wrong" or "invalid"; ``code`` says why an answer is invalid.

    Codes: ``empty``, ``not_number``, ``not_size`` (a size needs two numbers, e.g. 3×4),
    ``not_whole`` (a size is whole numbers), ``count`` (a list of ``given`` numbers where
    ``expected`` are needed).
    """

    status: str
    code: str | None = None
    values: dict = field(default_factory=dict)

    @property
    def right(self) -> bool:
        return self.status == "right"

    @property
    def valid(self) -> bool:
        return self.status != "invalid"


class _Invalid(ValueError):
    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


def _clean(text: str) -> str:
    return str(text).translate(_MINUS).strip()


def _number(token: str) -> float:
    """One number: a decimal comma or point, an exponent, or a fraction ``a/b``."""
    t = _SPACES.sub("", token)
    if not t:
        raise _Invalid("empty")
    if "/" in t:
        top, _, bottom = t.partition("/")
        a, b = _number(top), _number(bottom)
        if b == 0:
            raise _Invalid("not_number")
        return float(Fraction(a) / Fraction(b))
    if "," in t:
        if "." in t or t.count(",") > 1:
            raise _Invalid("not_number")
        t = t.replace(",", ".")
    if not _NUMBER.fullmatch(t):
        raise _Invalid("not_number")
    v = float(t)
    if not math.isfinite(v) or abs(v) > LIMIT:
        raise _Invalid("not_number")
    return v


def parse_number(text: str) -> float:
    """A single number; raises ValueError (with ``.code``) if the text is not one."""
    return _number(_clean(text).lstrip("=≈").strip())


def parse_size(text: str, square_ok: bool = True) -> tuple[int, int]:
    """``3x4``, ``3×4``, ``3 x 4``, ``(3, 4)``; a lone ``3`` means 3×3 when ``square_ok``."""
    t = _clean(text)
    if not t:
        raise _Invalid("empty")
    m = _SIZE.fullmatch(t)
    if m:
        return int(m.group(1)), int(m.group(2))
    try:
        v = _number(t)
    except _Invalid:
        raise _Invalid("not_size") from None
    if not v.is_integer() or v < 0:
        raise _Invalid("not_whole")
    if not square_ok:
        raise _Invalid("not_size")
    return int(v), int(v)


def parse_list(text: str, expected: int) -> list[float]:
    """Numbers separated by spaces, ``;`` or ``, `` (comma then space), brackets optional.

    A comma between two digits is a decimal comma (``1,5 2,5`` is two numbers), unless
    the whole text has no other separator and several numbers are expected: then
    ``1,4,1,0`` is read as four numbers.
    """
    t = _clean(text).strip("[]() ")
    if not t:
        raise _Invalid("empty")
    tokens = [s for s in re.split(r";|\s+|,(?=\s)", t) if s.strip(", ")]
    tokens = [s.strip(", ") for s in tokens]
    if len(tokens) == 1 and expected > 1 and "," in t:
        tokens = t.split(",")
    values = [_number(s) for s in tokens]
    if len(values) != expected:
        raise _Invalid("count", given=len(values), expected=expected)
    return values


def _close(given: float, answer: float, tolerance: float) -> bool:
    return abs(given - answer) <= tolerance + 1e-9 * max(1.0, abs(answer))


def check_answer(answer_kind: str, answer, text: str, tolerance: float = 0.0) -> Verdict:
    """Compare ``text`` with ``answer`` (a number, an (h, w) pair or a list of numbers)."""
    try:
        if answer_kind == "number":
            ok = _close(parse_number(text), float(answer), tolerance)
        elif answer_kind == "size":
            ok = parse_size(text, square_ok=answer[0] == answer[1]) == tuple(answer)
        elif answer_kind == "list":
            given = parse_list(text, len(answer))
            ok = all(_close(g, float(a), tolerance) for g, a in zip(given, answer))
        else:
            raise ValueError(f"unknown answer kind {answer_kind!r}")
    except _Invalid as exc:
        return Verdict("invalid", exc.code, dict(exc.values))
    return Verdict("right" if ok else "wrong")
