"""Zoom changes that a widget on a hidden page applies when its page shows.

Entering presentation or zooming must not redraw every page built so far: a widget
that listens to the zoom itself (a plot, a scatter map, an image grid) hands its
redraw here while its page is hidden, and the page runs it in ``Page.catch_up``,
before it shows or is drawn as a thumbnail. Only names are kept (weakly keyed by
widget), so a pending redraw never keeps a widget alive.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from PySide6.QtWidgets import QWidget

_pending: WeakKeyDictionary[QWidget, set[str]] = WeakKeyDictionary()


def until_page_shows(widget: QWidget, method: str) -> bool:
    """True if ``widget``'s page is hidden: ``widget.<method>()`` then runs when it shows."""
    page = widget
    while page is not None and not hasattr(page, "defers_changes"):
        page = page.parentWidget()
    if page is None or not page.defers_changes():
        return False
    _pending.setdefault(widget, set()).add(method)
    return True


def run_pending(page: QWidget) -> None:
    """Run the redraws left by the widgets inside ``page``."""
    for widget in list(_pending.keys()):
        try:
            inside = widget is page or page.isAncestorOf(widget)
        except RuntimeError:  # the Qt widget is gone
            _pending.pop(widget, None)
            continue
        if inside:
            for method in sorted(_pending.pop(widget, ())):
                getattr(widget, method)()
