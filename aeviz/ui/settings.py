"""Classroom settings remembered across restarts.

Stored as JSON in the user's config directory and written atomically. A corrupt,
unreadable or half-valid file never stops the app: unusable values fall back to
defaults and ``load_settings`` reports a warning the window shows once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from aeviz.core.paths import config_dir
from aeviz.core.persist import atomic_write_json

THEMES = ("light", "dark", "high-contrast")
ZOOM_MIN, ZOOM_MAX = 0.5, 3.0


@dataclass
class Settings:
    language: str = ""  # empty: follow the system locale
    theme: str = "light"
    zoom: float = 1.0
    presentation: bool = False
    torch_threads: int = 0  # 0: automatic (cores - 1)

    def validated(self) -> "Settings":
        """A copy with every out-of-range value replaced by its default."""
        default = Settings()
        language = self.language if self.language in ("", "fr", "en") else default.language
        theme = self.theme if self.theme in THEMES else default.theme
        try:
            zoom = min(ZOOM_MAX, max(ZOOM_MIN, float(self.zoom)))
        except (TypeError, ValueError):
            zoom = default.zoom
        threads = self.torch_threads if isinstance(self.torch_threads, int) and self.torch_threads >= 0 else 0
        return Settings(language, theme, zoom, bool(self.presentation), threads)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings; returns (settings, warning or None)."""
    path = path or settings_path()
    if not path.exists():
        return Settings(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the file does not hold a JSON object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Settings(), f"{path}: {exc}"
    known = {f.name for f in fields(Settings)}
    values = {key: value for key, value in raw.items() if key in known}
    try:
        settings = Settings(**values)
    except TypeError as exc:
        return Settings(), f"{path}: {exc}"
    checked = settings.validated()
    warning = None if checked == settings else f"{path}: some values were out of range and were reset"
    return checked, warning


def save_settings(settings: Settings, path: Path | None = None) -> None:
    atomic_write_json(path or settings_path(), asdict(settings.validated()))
