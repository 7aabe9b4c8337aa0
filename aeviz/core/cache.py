"""A small on-disk cache for computed results (curves, spectra, accuracies).

Entries live under ``paths.cache_dir()/<namespace>/`` and are named by a hash of the
parameters that produced them, so changing a setting never returns a stale result.
Only JSON and ``.npz`` (loaded with ``allow_pickle=False``) are used: nothing is ever
unpickled. Writes are atomic; a missing, truncated or otherwise unreadable entry
reads as ``None`` and is simply computed again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from . import paths
from .persist import atomic_write, atomic_write_json

__all__ = ["cache_dir", "cache_key", "cache_path", "load_json", "save_json", "load_npz", "save_npz"]

_log = logging.getLogger(__name__)
#: bump when a cached format or an algorithm changes, to invalidate every old entry
CACHE_VERSION = 1


def cache_dir(namespace: str) -> Path:
    return paths.cache_dir() / namespace


def cache_key(params: dict[str, Any]) -> str:
    text = json.dumps({"v": CACHE_VERSION, **params}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def cache_path(namespace: str, params: dict[str, Any], suffix: str = ".json", prefix: str = "") -> Path:
    return cache_dir(namespace) / f"{prefix}{cache_key(params)}{suffix}"


def load_json(path: Path) -> Any | None:
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _log.warning("ignoring unreadable cache file %s: %s", path, exc)
        return None


def save_json(path: Path, obj: Any) -> bool:
    """Write ``obj``; a failure (read-only disk, full disk) is logged, never raised."""
    try:
        atomic_write_json(path, obj)
        return True
    except OSError as exc:
        _log.warning("could not write cache file %s: %s", path, exc)
        return False


def load_npz(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except FileNotFoundError:
        return None
    except Exception as exc:  # zipfile/ValueError/OSError: any damage means "recompute"
        _log.warning("ignoring unreadable cache file %s: %s", path, exc)
        return None


def save_npz(path: Path, **arrays: np.ndarray) -> bool:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        atomic_write(path, lambda handle: handle.write(buffer.getvalue()))
        return True
    except OSError as exc:
        _log.warning("could not write cache file %s: %s", path, exc)
        return False
