"""Opening a user's file for reading without ever blocking or reading it whole.

``open()`` on a named pipe waits for a writer forever and a device never ends, so a
path is checked with ``os.stat`` first and opened non-blocking; only regular files get
through. Callers turn :class:`FileRefused` into their own error type (bundle, data set).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = ["FileRefused", "open_regular", "read_capped", "display_name", "display_path", "printable"]


#: Why a path was refused; error codes are built from these (``bundle.not_found``, ``data.is_folder``…).
REASONS = ("not_found", "is_folder", "not_regular", "unreadable")


class FileRefused(Exception):
    """``reason`` is one of "not_found", "is_folder", "not_regular", "unreadable"; ``detail`` the OS's words."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _kind(mode: int) -> str:
    return "is_folder" if stat.S_ISDIR(mode) else "not_regular"


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """A binary file object for ``path``, or :class:`FileRefused` at once (never blocks)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileRefused("not_found") from None
    except OSError as exc:
        raise FileRefused("unreadable", exc.strerror or str(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused(_kind(st.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("not_found") from None
    except OSError as exc:
        raise FileRefused("unreadable", exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd).st_mode  # the path may have been swapped between stat and open
        if not stat.S_ISREG(mode):
            raise FileRefused(_kind(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(handle: BinaryIO, cap: int) -> bytes | None:
    """At most ``cap`` bytes of ``handle``; None when there is more (the caller refuses it)."""
    data = handle.read(cap + 1)
    return None if len(data) > cap else data


def display_name(path: str | os.PathLike) -> str:
    """A file name printable in any encoding (undecodable bytes shown as �)."""
    return printable(Path(path).name or str(path))


def display_path(path: str | os.PathLike) -> str:
    return printable(str(path))


def printable(text: str) -> str:
    """``text`` with the undecodable bytes of a file name (lone surrogates) shown as �, so it encodes as UTF-8."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
