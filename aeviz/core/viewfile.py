"""Saved views (``.aevizview``): one page exactly as it was, in a small file to share.

A view file is a zip container:

* ``view.json``: ``{"format": "aeviz-view", "format_version": 1, "aeviz_version": ...,
  "page": "<page id>", "state_version": n, "state": {...}, "files": [...]}``: the page's
  state as its model writes it (:mod:`aeviz.state`);
* ``model.aeviz`` (optional): a trained model, as a complete model bundle
  (:mod:`aeviz.core.bundle`: no pickle, every field and tensor checked when it is opened).

Built-in data and shipped models are named in the state; a user's own files are stored
relative to the view file (``files`` lists the state fields that hold paths), so a view
made on one laptop opens on another next to the same files. Reading checks sizes before
reading, and never builds anything: the page's model validates the state, and the model
bundle is opened through :func:`aeviz.core.bundle.load` only when the page asks for it.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from . import limits
from .errors import AevizError
from .files import (FileRefused, ZipRefused, check_zip_directory, display_name, open_regular, read_zip_member,
                    refusal_text)
from .persist import atomic_write
from .versioned_json import parse_versioned_json

__all__ = ["ViewError", "View", "save_view", "load_view", "load_view_model", "VIEW_SUFFIX",
           "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "aeviz-view"
FORMAT_VERSION = 1
VIEW_SUFFIX = ".aevizview"
VIEW_NAME = "view.json"
MODEL_NAME = "model.aeviz"
#: A page's state is a few grids and choices: a megabyte is far more than any needs.
MAX_VIEW_JSON = 1024 * 1024
#: The embedded model obeys the bundle limits; this bounds the container before anything is parsed.
MAX_MODEL_BYTES = limits.MAX_PARAMS * 8 + limits.MAX_META_BYTES + 2 * limits.MIB
MAX_VIEW_FILE = MAX_MODEL_BYTES + MAX_VIEW_JSON + limits.MAX_ZIP_DIRECTORY_BYTES
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ViewError(AevizError):
    """A view file that cannot be opened: missing, foreign, damaged, too large or newer."""


@dataclass
class View:
    """What a view file holds. ``state`` is a plain dictionary until the page's model validates it."""

    page: str
    state: dict[str, Any]
    state_version: int = 1
    model: bytes | None = None          # a model bundle's bytes, when the view carries trained weights
    file_fields: tuple[str, ...] = ()   # state fields holding user file paths (absolute once loaded)
    missing_files: list[str] = field(default_factory=list)
    path: Path | None = None


def _relative(path: str, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive on Windows: only the absolute path can find it
        return str(path)


def save_view(path: str | os.PathLike, view: View) -> Path:
    """Write ``view`` to ``path`` atomically; user file paths are stored relative to it."""
    target = Path(path)
    base = target.resolve().parent
    state = dict(view.state)
    for name in view.file_fields:
        if isinstance(state.get(name), str) and state[name]:
            state[name] = _relative(state[name], base)
    doc = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "aeviz_version": __version__,
           "page": view.page, "state_version": view.state_version, "state": state,
           "files": list(view.file_fields), "has_model": view.model is not None}
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False).encode("utf-8")
    if len(text) > MAX_VIEW_JSON:
        raise ViewError("view.too_large", f"{target.name}: the view is too large to save", name=target.name,
                        size=len(text), limit=MAX_VIEW_JSON)

    def write(handle) -> None:
        with zipfile.ZipFile(handle, "w") as zf:
            zf.writestr(zipfile.ZipInfo(VIEW_NAME, _ZIP_TIME), text, compress_type=zipfile.ZIP_DEFLATED)
            if view.model is not None:
                zf.writestr(zipfile.ZipInfo(MODEL_NAME, _ZIP_TIME), view.model, compress_type=zipfile.ZIP_STORED)

    return atomic_write(target, write)


def _refused(name: str, refused: FileRefused) -> ViewError:
    return ViewError(f"view.{refused.reason}", f"{name}: {refusal_text(refused, 'a saved view')}", name=name,
                     detail=refused.detail)


def _zip_refusal(name: str, refused: ZipRefused) -> ViewError:
    if refused.reason == "too_large":
        return ViewError("view.too_large", f"{name}: {refused.member} is implausibly large", name=name,
                         size=refused.size, limit=refused.limit)
    detail = f" ({refused.entries} zip entries)" if refused.entries else " or truncated"
    return ViewError("view.damaged", f"{name} is damaged{detail}", name=name)


_REFUSALS = {"json": "view.damaged", "foreign": "view.foreign", "version": "view.damaged", "newer": "view.newer_version"}


def _parse(raw: bytes, name: str) -> dict:
    doc = parse_versioned_json(raw, name, FORMAT_NAME, FORMAT_VERSION, "a saved aeviz view",
                               lambda kind, message, **params: ViewError(_REFUSALS[kind], message, **params))
    page, state, state_version = doc.get("page"), doc.get("state"), doc.get("state_version", 1)
    files = doc.get("files", [])
    if (not isinstance(page, str) or not isinstance(state, dict) or isinstance(state_version, bool)
            or not isinstance(state_version, int) or not isinstance(files, list)
            or not all(isinstance(f, str) for f in files)):
        raise ViewError("view.damaged", f"{name}: the view description is incomplete", name=name)
    doc["state_version"], doc["files"] = state_version, files
    return doc


def load_view(path: str | os.PathLike) -> View:
    """Read a view file; :class:`ViewError` for anything that is not a readable one of ours."""
    p = Path(path)
    name = display_name(p)
    try:
        handle = open_regular(p)
    except FileRefused as refused:
        raise _refused(name, refused) from None
    with handle:
        if not handle.read(4).startswith(b"PK"):
            raise ViewError("view.foreign", f"{name} is not a saved aeviz view", name=name)
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_VIEW_FILE:
            raise ViewError("view.too_large", f"{name} is implausibly large", name=name, size=size, limit=MAX_VIEW_FILE)
        try:
            check_zip_directory(handle, size)
            with zipfile.ZipFile(handle) as zf:
                names = set(zf.namelist())
                if VIEW_NAME not in names:
                    raise ViewError("view.foreign", f"{name} is not a saved aeviz view", name=name)
                doc = _parse(read_zip_member(zf, VIEW_NAME, MAX_VIEW_JSON), name)
                model = read_zip_member(zf, MODEL_NAME, MAX_MODEL_BYTES) if MODEL_NAME in names else None
        except ViewError:
            raise
        except ZipRefused as refused:
            raise _zip_refusal(name, refused) from None
        except Exception as exc:  # zipfile, zlib and OS errors of a damaged container
            raise ViewError("view.damaged", f"{name} is damaged ({type(exc).__name__})", name=name) from None
    base = p.resolve().parent
    state = dict(doc["state"])
    missing = []
    for key in doc["files"]:
        value = state.get(key)
        if isinstance(value, str) and value:  # "" is no file (e.g. no folder chosen), not the view's folder
            resolved = base / value
            state[key] = str(resolved)
            if not resolved.exists():
                missing.append(value)
    return View(page=doc["page"], state=state, state_version=doc["state_version"], model=model,
                file_fields=tuple(doc["files"]), missing_files=missing, path=p)


def load_view_model(view: View):
    """The trained model a view carries, opened with every check of :func:`aeviz.core.bundle.load`."""
    from . import bundle

    if view.model is None:
        return None
    stem = view.path.stem if view.path is not None else "view"
    with tempfile.TemporaryDirectory(prefix="aeviz-view-") as folder:
        member = Path(folder) / f"{stem}{bundle.BUNDLE_SUFFIX}"
        member.write_bytes(view.model)
        loaded = bundle.load(member)
    loaded.path = None
    return loaded


def model_bytes(model, config=None, **bundle_fields: Any) -> bytes:
    """A trained model as the bytes of a model bundle, to embed in a view."""
    from . import bundle

    with tempfile.TemporaryDirectory(prefix="aeviz-view-") as folder:
        path = Path(folder) / f"model{bundle.BUNDLE_SUFFIX}"
        bundle.save(path, model, config, **bundle_fields)
        return path.read_bytes()
