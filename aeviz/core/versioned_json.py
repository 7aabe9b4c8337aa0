"""The header every aeviz JSON document shares: ``format`` names what it is, ``format_version`` which
version of it. Model bundles, saved views and lessons check it the same way and differ only in the
error they raise, so the checks live here once.
"""

from __future__ import annotations

import json
from typing import Callable

from .errors import AevizError

__all__ = ["parse_versioned_json"]

#: ``refuse(kind, message, **params)`` builds the caller's error; kind is one of these
KINDS = ("json", "foreign", "version", "newer")


def parse_versioned_json(raw: bytes, name: str, format_name: str, supported: int, what: str,
                         refuse: Callable[..., AevizError]) -> dict:
    """The JSON object in ``raw`` once its header says it is ``format_name`` at a version this aeviz reads.

    ``name`` is the file's display name, ``what`` what the file should be ("an aeviz model").
    """
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise refuse("json", f"{name} is not valid JSON", name=name) from None
    if not isinstance(doc, dict) or doc.get("format") != format_name:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise refuse("foreign", f"{name} is not {what} (format {found!r})", name=name, format=str(found)[:80])
    version = doc.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise refuse("version", f"{name}: invalid format_version {version!r}", name=name, version=str(version)[:80])
    if version > supported:
        raise refuse("newer", f"{name} was made by a newer aeviz (format {version}); this version reads up to "
                     f"format {supported}", name=name, version=version, supported=supported)
    return doc
