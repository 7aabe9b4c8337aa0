"""The translation layer: every string a user reads goes through ``tr``.

Each UI module registers its own catalogue with ``add_strings`` at import time, so
pages can be written side by side without editing a shared file. French is a
first-class language (the course is taught in French): a string that lacks either
language is an error that tests/test_i18n.py catches.
"""

from __future__ import annotations

import locale
import logging
import os
from numbers import Integral
from typing import Mapping

LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
#: (decimal separator, group separator): French "10 000,5" (narrow no-break space), English "10,000.5"
NUMBER_SEPARATORS = {"fr": (",", "\u202f"), "en": (".", ",")}

_catalog: dict[str, dict[str, str]] = {}
_language = "en"
_log = logging.getLogger(__name__)


class TranslationError(KeyError):
    """A key is unknown, defined twice differently, or lacks a language."""


def add_strings(strings: Mapping[str, Mapping[str, str]]) -> None:
    """Register ``{key: {"en": ..., "fr": ...}}``; both languages are required."""
    for key, texts in strings.items():
        missing = [lang for lang in LANGUAGES if not str(texts.get(lang, "")).strip()]
        if missing:
            raise TranslationError(f"string {key!r} lacks {', '.join(missing)}")
        previous = _catalog.get(key)
        if previous is not None and previous != dict(texts):
            raise TranslationError(f"string {key!r} is defined twice with different texts")
        _catalog[key] = dict(texts)


def tr(key: str, **values: object) -> str:
    """The text of ``key`` in the current language, with ``{name}`` fields filled in.

    Integer values are written with the language's grouping (``10 000`` / ``10,000``);
    other numbers must come formatted (aeviz.ui.numbers), since only the caller knows
    how many digits make sense."""
    texts = _catalog.get(key)
    if texts is None:
        if os.environ.get("AEVIZ_STRICT_I18N"):
            raise TranslationError(f"unknown string key {key!r}")
        _log.warning("unknown string key %r", key)
        return key
    text = texts[_language]
    if not values:
        return text
    return text.format(**{name: _grouped(v) if isinstance(v, Integral) and not isinstance(v, bool) else v for name, v in values.items()})


def _grouped(n: Integral) -> str:
    return f"{int(n):,}".replace(",", NUMBER_SEPARATORS[_language][1]).replace("-", "\u2212")


def has_key(key: str) -> bool:
    return key in _catalog


def catalog() -> dict[str, dict[str, str]]:
    """A copy of every registered string (for tests and tooling)."""
    return {key: dict(texts) for key, texts in _catalog.items()}


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _language = language


def current_language() -> str:
    return _language


def system_language() -> str:
    """French when the system locale is French, English otherwise."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "fr" if code.lower().startswith("fr") else "en"
