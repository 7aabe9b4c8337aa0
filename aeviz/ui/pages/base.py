"""What every page shares: a title, translated texts, scaled fonts, clean shutdown.

A page binds its static texts once with ``bind_text``; language switches and zoom
changes then reach them without per-page bookkeeping. Pages with dynamic texts
override ``retranslate`` (and call the base).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from aeviz.core.viewfile import View
from aeviz.state.base import PageState, Store
from aeviz.ui import deferred, themes
from aeviz.ui.app_state import AppState
from aeviz.ui.i18n import tr
from aeviz.ui.widgets import retranslate_reasons


class Page(QWidget):
    #: stable identifier: screenshot file name, home-page links, settings
    page_id = "page"
    #: i18n key of the page's title in the sidebar
    title_key = "page.title"

    #: this page's state (``aeviz.state``); the page is a view bound to it. None: nothing to save.
    store: Store | None = None
    #: a zoom re-polishes the widgets on screen only (``AppState``): a hidden page re-polishes itself
    #: (takes the new application font) when it is next shown or drawn
    polish_when_shown = True

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self._bound_texts: list[tuple[Callable[[str], None], str, dict]] = []
        self._scaled_fonts: list[tuple[QWidget, float, bool]] = []
        self._stale: set[str] = set()  # "polish", "scale", "theme": changes a hidden page applies when shown
        state.language_changed.connect(self._on_language_changed)
        state.scale_changed.connect(self._on_scale_changed)
        state.theme_changed.connect(self._on_theme_changed)

    # --- helpers for subclasses -------------------------------------------------------------
    def bind_text(self, setter: Callable[[str], None], key: str, **values: object) -> None:
        """Call ``setter(tr(key))`` now and again at each language change."""
        self._bound_texts.append((setter, key, values))
        setter(tr(key, **values))

    def heading(self, key: str, relative: float = 1.6) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        self.bind_text(label.setText, key)
        self.scale_font(label, relative, bold=True)
        return label

    def scale_font(self, widget: QWidget, relative: float, bold: bool = False) -> None:
        """Keep ``widget``'s font at ``relative`` × the app font across zoom changes."""
        self._scaled_fonts.append((widget, relative, bold))
        widget.setFont(self.state.font(relative, bold))

    # --- hooks -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for setter, key, values in self._bound_texts:
            setter(tr(key, **values))
        retranslate_reasons(self)

    def rescale(self) -> None:
        for widget, relative, bold in self._scaled_fonts:
            widget.setFont(self.state.font(relative, bold))

    def retheme(self) -> None:
        """Redraw custom colours; widgets using the palette follow on their own."""

    # --- saved views -------------------------------------------------------------------------
    def can_save_view(self) -> bool:
        return self.store is not None

    def current_view(self) -> View:
        """The page as a view file holds it: its state and, for a trained model, its weights."""
        value: PageState = self.store.value
        return View(page=self.page_id, state=value.to_dict(), state_version=value.version,
                    model=self.view_model_bytes(), file_fields=value.FILE_FIELDS)

    def view_model_bytes(self) -> bytes | None:
        """A trained model to embed in the view (pages that train override this)."""
        return None

    def open_view(self, view: View) -> None:
        """Show ``view``: everything is validated before anything on the page changes."""
        value = type(self.store.value).from_dict(view.state, view.state_version)
        self.open_view_model(view, value)
        self.store.replace(value)

    def open_state(self, value: PageState) -> None:
        """Show an exact state (a home link's or a lesson step's preset)."""
        self.store.replace(value)

    def run_step_action(self, action: str) -> None:
        """Do what a lesson step asks once its state shows ("play" the stepper, "train" a short
        run; see ``aeviz.state.lesson.ACTIONS``). Pages without such a thing ignore it."""

    def open_view_model(self, view: View, value: PageState) -> None:
        """Pages with trained weights load ``view``'s model here (raise to refuse the view)."""

    # --- quitting ------------------------------------------------------------------------------
    def unsaved_work(self) -> str | None:
        """A sentence naming work that quitting would lose (a trained model never saved), or None."""
        return None

    def save_unsaved_work(self) -> bool:
        """Offer to save that work (a file dialog); True once it is saved."""
        return True

    def prepare_for_screenshot(self) -> None:
        """Finish any background loading synchronously (used by ``--screenshot``)."""

    def shutdown(self) -> None:
        """Stop this page's workers; called when the window closes."""

    # --- signal plumbing ---------------------------------------------------------------------
    def _on_language_changed(self, _language: str) -> None:
        self.retranslate()

    # A hidden page redraws when it is next shown: entering presentation (or zooming) during a
    # training run then costs the one page on screen, not every page built so far.
    def _on_scale_changed(self, _scale: float) -> None:
        if not self.isVisible():  # the application re-polished the widgets on screen only
            self._stale.add("polish")
        self._apply_or_defer("scale", self.rescale)

    def _on_theme_changed(self, _theme: str) -> None:
        self._apply_or_defer("theme", self.retheme)

    def _apply_or_defer(self, what: str, apply: Callable[[], None]) -> None:
        if self.defers_changes():
            self._stale.add(what)
        else:
            apply()

    def defers_changes(self) -> bool:
        """Hidden in the window, or drawn off screen as a thumbnail: zoom and theme changes wait for
        ``catch_up``. A page on its own (tests) applies them at once."""
        if self.isVisible():
            return False
        return self.parentWidget() is not None or self.testAttribute(Qt.WA_DontShowOnScreen)

    def showEvent(self, event) -> None:
        self.catch_up()
        super().showEvent(event)

    def catch_up(self) -> None:
        """Apply the zoom and theme changes made while this page was hidden (before it shows or is
        drawn hidden, as a thumbnail)."""
        stale, self._stale = self._stale, set()
        if "polish" in stale:
            themes.repolish(self)
        if "scale" in stale:
            self.rescale()
        if "theme" in stale:
            self.retheme()
        deferred.run_pending(self)

    # --- presentation --------------------------------------------------------------------------
    def controls_panel(self) -> QWidget | None:
        """The page's controls, folded away in presentation so the stage fills the screen."""
        return None

    def stage_widgets(self) -> list[QWidget]:
        """What the page is for (its key result): in presentation these must all be on screen."""
        return []
