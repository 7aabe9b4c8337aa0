"""Opening a user's file for reading without ever blocking or reading it whole.

``open()`` on a named pipe waits for a writer forever and a device never ends, so a
path is checked with ``os.stat`` first and opened non-blocking; only regular files get
through. Callers turn :class:`FileRefused` into their own error type (bundle, data set).
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from . import limits

__all__ = ["FileRefused", "open_regular", "refusal_text", "read_capped", "ZipRefused", "check_zip_directory",
           "read_zip_member", "display_name", "display_path", "printable"]


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


def refusal_text(refused: FileRefused, what: str) -> str:
    """The English words for a refusal, ``what`` naming what the file should have been ("an aeviz model")."""
    return {"not_found": "file not found", "is_folder": f"is a folder, not {what}",
            "not_regular": "is not a regular file (a pipe or a device?)",
            "unreadable": f"cannot be read ({refused.detail})"}[refused.reason]


def read_capped(handle: BinaryIO, cap: int) -> bytes | None:
    """At most ``cap`` bytes of ``handle``; None when there is more (the caller refuses it)."""
    data = handle.read(cap + 1)
    return None if len(data) > cap else data


class ZipRefused(Exception):
    """A zip container refused before ``zipfile`` parses it, or one of its members before it is read
    whole. ``reason`` is "damaged" (no directory, or one of ``entries`` entries, too many to parse) or
    "too_large" (``member`` declares or holds more than ``limit`` bytes; ``size`` what it declared).
    Callers turn it into their own error type (bundle, saved view)."""

    def __init__(self, reason: str, *, entries: int = 0, member: str = "", size: int = 0, limit: int = 0):
        super().__init__(reason, entries, member, size, limit)
        self.reason, self.entries, self.member, self.size, self.limit = reason, entries, member, size, limit


def check_zip_directory(handle: BinaryIO, size: int) -> None:
    """Refuse a zip whose directory is missing or huge before zipfile parses it (one object per
    entry); ``handle`` is left at the start."""
    tail_len = min(size, 22 + 65535)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise ZipRefused("damaged")
    entries, dir_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > limits.MAX_ZIP_MEMBERS or dir_size > limits.MAX_ZIP_DIRECTORY_BYTES:
        raise ZipRefused("damaged", entries=entries)
    handle.seek(0)


def read_zip_member(zf: zipfile.ZipFile, member: str, cap: int) -> bytes:
    """One member, refused from its declared size and read with a cap (the declaration may lie)."""
    size = zf.getinfo(member).file_size
    if size > cap:
        raise ZipRefused("too_large", member=member, size=size, limit=cap)
    with zf.open(member) as f:
        data = read_capped(f, cap)
    if data is None:
        raise ZipRefused("too_large", member=member, size=cap + 1, limit=cap)
    return data


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
