"""Where aeviz finds its bundled resources and keeps the user's files.

One helper serves both a source checkout and a PyInstaller bundle, so pages never
guess paths. The user directories can be redirected with environment variables
(AEVIZ_CONFIG_DIR, AEVIZ_DATA_DIR), which the tests use to stay out of $HOME.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The top-level ``resources/`` folder, from source or from a frozen bundle."""
    override = os.environ.get("AEVIZ_RESOURCES_DIR")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("datasets", "mnist")``."""
    return resources_dir().joinpath(*parts)


def _platform_dir(kind: str) -> Path:
    home = Path.home()
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(base) / "aeviz"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "aeviz"
    if kind == "config":
        base = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(base) / "aeviz"


def config_dir() -> Path:
    """Directory of the settings file (created on demand by writers)."""
    return Path(os.environ.get("AEVIZ_CONFIG_DIR") or _platform_dir("config"))


def data_dir() -> Path:
    """Directory for logs, caches and the user's saved models."""
    return Path(os.environ.get("AEVIZ_DATA_DIR") or _platform_dir("data"))
