"""Where aeviz finds its bundled resources and keeps the user's files.

The only module that knows these places, so pages never guess paths.

Resources (MNIST, pretrained models, precomputed curves, icons) live in the repository's
top-level ``resources/`` folder; a wheel and the PyInstaller bundle carry that folder as
``aeviz/resources/`` (pyproject's package-dir mapping, the spec's datas).

The user's folders follow each platform's rules through platformdirs. ``AEVIZ_CONFIG_DIR``
and ``AEVIZ_DATA_DIR`` redirect them (the tests and the self-test use this to stay out of
$HOME); with ``AEVIZ_DATA_DIR`` set, the cache and the logs go under it too.
Earlier versions kept the logs and the cache in the data folder (on Windows, in the roaming
profile): ``migrate_user_files`` moves them once. The settings did not move on any platform.
"""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources as _package_files
from pathlib import Path

from platformdirs.api import PlatformDirsABC

APP_NAME = "aeviz"
# The platform whose rules apply; tests set it to check another platform's folders and migration.
PLATFORM = sys.platform


def resources_dir() -> Path:
    """The resources folder: ``AEVIZ_RESOURCES_DIR``, else the installed or frozen package's
    ``aeviz/resources``, else the source checkout's ``resources/`` (also an editable install)."""
    override = os.environ.get("AEVIZ_RESOURCES_DIR")
    if override:
        return Path(override)
    installed = Path(str(_package_files.files("aeviz") / "resources"))
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("datasets", "mnist")``."""
    return resources_dir().joinpath(*parts)


def _user_dirs(roaming: bool = False) -> PlatformDirsABC:
    """platformdirs' rules for PLATFORM. ``roaming`` matters on Windows only: the settings follow a
    roaming profile, the data, cache and logs stay on the machine."""
    if PLATFORM.startswith("win"):
        from platformdirs.windows import Windows
        return Windows(APP_NAME, appauthor=False, roaming=roaming)
    if PLATFORM == "darwin":
        from platformdirs.macos import MacOS
        return MacOS(APP_NAME)
    from platformdirs.unix import Unix
    return Unix(APP_NAME)


def config_dir() -> Path:
    """Directory of the settings file (created on demand by writers)."""
    override = os.environ.get("AEVIZ_CONFIG_DIR")
    return Path(override) if override else _user_dirs(roaming=True).user_config_path


def data_dir() -> Path:
    """Directory for files the user makes and keeps (nothing is written there yet: the logs and the
    cache have their own folders); ``AEVIZ_DATA_DIR`` when set."""
    override = os.environ.get("AEVIZ_DATA_DIR")
    return Path(override) if override else _user_dirs().user_data_path


def cache_dir() -> Path:
    """Directory for results that can be computed again (aeviz.core.cache)."""
    override = os.environ.get("AEVIZ_DATA_DIR")
    return Path(override) / "cache" if override else _user_dirs().user_cache_path


def log_dir() -> Path:
    """Directory of the log files."""
    override = os.environ.get("AEVIZ_DATA_DIR")
    return Path(override) / "logs" if override else _user_dirs().user_log_path


def _legacy_data_dir() -> Path:
    """Where earlier versions kept the logs and the cache (``logs/``, ``cache/``), by hand.
    Their config folder was the one platformdirs gives, so the settings stay where they are."""
    override = os.environ.get("AEVIZ_DATA_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if PLATFORM.startswith("win"):
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / APP_NAME
    if PLATFORM == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_NAME


def migrate_user_files() -> list[str]:
    """Move the logs and the cache from where earlier versions kept them, once.

    Only what exists at the old place and not yet at the new one moves, so running it again
    does nothing. Returns one sentence per move for the caller to log; a move that fails is
    reported too and leaves the old files in place (the app then starts a new log).
    """
    report = []
    for old, new in ((_legacy_data_dir() / "logs", log_dir()), (_legacy_data_dir() / "cache", cache_dir())):
        try:
            if old == new or not old.exists() or new.exists():
                continue
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(old), str(new))
        except OSError as exc:
            report.append(f"could not move {old} to {new}: {exc}")
            continue
        report.append(f"moved {old} to {new}, where this platform's conventions put it (platformdirs)")
    return report
