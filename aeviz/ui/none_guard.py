"""Work around a refcount bug of shiboken6 6.12.0 on Python 3.11.

Measured here: every call of a PySide6 method returning ``void`` (``QPainter.setPen``,
``QWidget.update``, ``QLabel.setText``…) *decrements* the reference count of
``None`` once more than it increments it. On Python ≥ 3.12 ``None`` is immortal
and nothing happens; on 3.11 its count starts near 5,000, so after a few thousand
such calls (one repaint of a 64×100 matrix makes ~40,000) the interpreter aborts
with "Fatal Python error: none_dealloc: deallocating None".

``keep_none_alive()`` raises the count of ``None`` when it gets low. It is cheap (one
``sys.getrefcount``) and is called from the hot paths that make many Qt calls
(custom painting, page recomputation). Raising the count of ``None`` cannot free
anything: ``None`` is never deallocated in a correct program.
"""

from __future__ import annotations

import ctypes
import sys

_NEEDED = sys.version_info < (3, 12) and sys.implementation.name == "cpython"
_FLOOR = 1 << 22          # more than any single repaint can consume
_TOP_UP = 1 << 26


def keep_none_alive() -> None:
    if _NEEDED and sys.getrefcount(None) < _FLOOR:
        ctypes.c_ssize_t.from_address(id(None)).value += _TOP_UP
