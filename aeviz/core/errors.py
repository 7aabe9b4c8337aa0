"""The base of every error meant for a user: an English message plus a stable code.

The core never imports Qt nor the translation tables, yet the window must show these
errors in French or English. So each error carries ``code`` (e.g. ``"bundle.not_found"``)
and ``params`` (plain values to fill in), which ``aeviz.ui.error_texts`` turns into the
user's language; ``str(error)`` stays the English sentence the CLI and the logs print.
"""

from __future__ import annotations

__all__ = ["AevizError"]


class AevizError(ValueError):
    """A refused input. A ``ValueError`` so callers catching that keep working."""

    def __init__(self, code: str, message: str, **params: object):
        super().__init__(message)
        self.code = code
        self.params = params

    def __reduce__(self):  # keep code and params when the error crosses a process boundary
        return (_rebuild, (type(self), self.code, str(self), self.params))


def _rebuild(cls, code, message, params):
    return cls(code, message, **params)
