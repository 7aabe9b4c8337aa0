"""Classroom settings remembered across restarts.

Stored as JSON in the user's config directory and written atomically. A corrupt,
unreadable or half-valid file never stops the app: unusable values fall back to
defaults and ``load_settings`` reports a warning the window shows once.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from aeviz.core.files import FileRefused, open_regular, read_capped
from aeviz.core.limits import MAX_SETTINGS_BYTES
from aeviz.core.paths import config_dir
from aeviz.core.persist import atomic_write_json

THEMES = ("light", "dark", "high-contrast")
ZOOM_MIN, ZOOM_MAX = 0.5, 3.0
MAX_THREADS = 1024
MAX_RECENT = 8
MAX_PATH_CHARS = 4096
_log = logging.getLogger(__name__)


@dataclass
class Settings:
    language: str = ""  # empty: follow the system locale
    theme: str = "light"
    zoom: float = 1.0
    presentation: bool = False
    torch_threads: int = 0  # 0: automatic (cores - 1)
    recent_views: list = field(default_factory=list)  # saved views, most recent first

    def validated(self) -> "Settings":
        """A copy with every value of the wrong type or out of range replaced by its default.

        Types are strict: ``"false"`` (a string) is not a boolean and ``true`` is not a
        number; a zoom out of range is brought back within it.
        """
        default = Settings()
        language = self.language if isinstance(self.language, str) and self.language in ("", "fr", "en") \
            else default.language
        theme = self.theme if isinstance(self.theme, str) and self.theme in THEMES else default.theme
        zoom = min(ZOOM_MAX, max(ZOOM_MIN, float(self.zoom))) if _is_number(self.zoom) else default.zoom
        presentation = self.presentation if isinstance(self.presentation, bool) else default.presentation
        threads = self.torch_threads if _is_int(self.torch_threads) and 0 <= self.torch_threads <= MAX_THREADS \
            else default.torch_threads
        recent = [p for p in self.recent_views if isinstance(p, str) and 0 < len(p) <= MAX_PATH_CHARS][:MAX_RECENT] \
            if isinstance(self.recent_views, list) else []
        return Settings(language, theme, zoom, presentation, threads, recent)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _read(path: Path) -> dict:
    """The JSON object in ``path``; ValueError or OSError with the reason otherwise (never blocks, never huge)."""
    try:
        with open_regular(path) as handle:
            raw = read_capped(handle, MAX_SETTINGS_BYTES)
    except FileRefused as refused:
        raise OSError(f"{refused.reason} {refused.detail}".strip()) from None
    if raw is None:
        raise ValueError(f"larger than {MAX_SETTINGS_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("the file does not hold a JSON object")
    return data


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings; returns (settings, warning or None).

    The warning names the file, and the settings that were reset (their names are the
    same in every language); the reason for an unreadable file goes to the log.
    """
    path = path or settings_path()
    if not os.path.lexists(path):
        return Settings(), None
    try:
        raw = _read(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _log.warning("settings file %s ignored: %s", path, exc)
        return Settings(), str(path)
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{key: value for key, value in raw.items() if key in known})
    checked = settings.validated()
    reset = [f.name for f in fields(Settings) if getattr(checked, f.name) != getattr(settings, f.name)
             or isinstance(getattr(checked, f.name), bool) != isinstance(getattr(settings, f.name), bool)]
    if reset:
        _log.warning("settings file %s: reset %s", path, ", ".join(reset))
    return checked, f"{path}: {', '.join(reset)}" if reset else None


def save_settings(settings: Settings, path: Path | None = None) -> bool:
    """Write the settings unless the file already holds exactly them; True if written.

    The window saves on every change and once more when it closes: skipping an unchanged
    file spares that last write its fsync, which on a busy disk takes a good part of the
    second the process has to be gone in."""
    path = path or settings_path()
    data = asdict(settings.validated())
    try:
        if json.dumps(_read(path), sort_keys=True) == json.dumps(data, sort_keys=True):  # 1 is not true
            return False
    except (OSError, UnicodeDecodeError, ValueError):
        pass  # missing or unusable: write it
    atomic_write_json(path, data)
    return True
