"""The main window: sidebar of pages by lesson, menus, classroom controls.

Pages are built on first visit (start-up pays only for the home page). The window
owns the settings: every change of language, theme, zoom or presentation mode is
saved at once, atomically.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QIODevice, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QFrame, QHBoxLayout, QListView, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QScrollArea, QStackedWidget, QVBoxLayout, QWidget,
)

import importlib
import os
from pathlib import Path

from aeviz import __version__
from aeviz.core.errors import AevizError
from aeviz.core.persist import atomic_write_bytes
from aeviz.core.viewfile import VIEW_SUFFIX, ViewError, load_view, save_view
from aeviz.ui.error_texts import describe_error
from aeviz.ui.settings import MAX_RECENT
from aeviz.ui import workers
from aeviz.ui.app_state import AppState
from aeviz.ui.i18n import LANGUAGE_NAMES, LANGUAGES, add_strings, tr
from aeviz.ui.lesson_keys import LessonKeys
from aeviz.ui.lesson_menu import LessonMenu
from aeviz.ui.lesson_overview import ThumbnailCache
from aeviz.ui.lesson_player import LessonBar, LessonPlayer
from aeviz.ui.numbers import qlocale
from aeviz.ui.pages import PAGES, PageSpec, spec_for
from aeviz.ui.pages.base import Page
from aeviz.ui.settings import save_settings
from aeviz.ui.themes import theme_names

add_strings({
    "app.name": {"en": "aeviz — autoencoders, hands on", "fr": "aeviz — les auto-encodeurs en pratique"},
    "menu.file": {"en": "&File", "fr": "&Fichier"},
    "menu.view": {"en": "&View", "fr": "&Affichage"},
    "menu.help": {"en": "&Help", "fr": "&Aide"},
    "action.export_png": {"en": "Export view as PNG…", "fr": "Exporter la vue en PNG…"},
    "action.open_view": {"en": "Open a view…", "fr": "Ouvrir une vue…"},
    "action.save_view": {"en": "Save this view…", "fr": "Enregistrer cette vue…"},
    "menu.recent": {"en": "Recent views", "fr": "Vues récentes"},
    "recent.none": {"en": "(none yet)", "fr": "(aucune pour l'instant)"},
    "view.filter": {"en": "aeviz view (*.aevizview)", "fr": "Vue aeviz (*.aevizview)"},
    "view.saved": {"en": "View saved: {path}", "fr": "Vue enregistrée : {path}"},
    "view.opened": {"en": "View opened: {path}", "fr": "Vue ouverte : {path}"},
    "view.save_failed": {"en": "The view could not be saved:\n{error}", "fr": "La vue n'a pas pu être enregistrée :\n{error}"},
    "view.open_failed": {"en": "This view cannot be opened; the current page is unchanged.\n\n{error}",
                         "fr": "Cette vue ne peut pas être ouverte ; la page actuelle n'a pas changé.\n\n{error}"},
    "view.missing": {"en": "The view was opened, but these files it uses were not found next to it:\n{files}",
                     "fr": "La vue a été ouverte, mais ces fichiers qu'elle utilise sont introuvables à côté "
                           "d'elle :\n{files}"},
    "action.quit": {"en": "Quit", "fr": "Quitter"},
    "action.presentation": {"en": "Presentation mode", "fr": "Mode présentation"},
    "action.sidebar": {"en": "Show the page list", "fr": "Afficher la liste des pages"},
    "action.controls": {"en": "Show the controls (presentation)", "fr": "Afficher les réglages (présentation)"},
    "action.zoom_in": {"en": "Zoom in", "fr": "Zoom avant"},
    "action.zoom_out": {"en": "Zoom out", "fr": "Zoom arrière"},
    "action.zoom_reset": {"en": "Reset zoom", "fr": "Zoom normal"},
    "menu.theme": {"en": "Theme", "fr": "Thème"},
    "theme.light": {"en": "Light", "fr": "Clair"},
    "theme.dark": {"en": "Dark", "fr": "Sombre"},
    "theme.high-contrast": {"en": "High contrast", "fr": "Contraste élevé"},
    "menu.language": {"en": "Language", "fr": "Langue"},
    "action.about": {"en": "About aeviz", "fr": "À propos d'aeviz"},
    "lesson.0": {"en": "Start", "fr": "Départ"},
    "lesson.1": {"en": "Lesson 1 · The autoencoder", "fr": "Leçon 1 · L'auto-encodeur"},
    "lesson.2": {"en": "Lesson 2 · Convolutions", "fr": "Leçon 2 · Convolutions"},
    "lesson.3": {"en": "Lesson 3 · Applications", "fr": "Leçon 3 · Applications"},
    "export.filter": {"en": "PNG image (*.png)", "fr": "Image PNG (*.png)"},
    "export.failed": {"en": "The image could not be saved:\n{error}", "fr": "L'image n'a pas pu être enregistrée :\n{error}"},
    "export.done": {"en": "Saved {path}", "fr": "Enregistré : {path}"},
    "quit.title": {"en": "Quit aeviz?", "fr": "Quitter aeviz ?"},
    "quit.unsaved": {"en": "{work}\n\nSave it before quitting?", "fr": "{work}\n\nL'enregistrer avant de quitter ?"},
    "settings.warning": {
        "en": "The settings file could not be read; defaults are used. ({detail})",
        "fr": "Le fichier de réglages est illisible ; les réglages par défaut sont utilisés. ({detail})",
    },
    "about.title": {"en": "About aeviz", "fr": "À propos d'aeviz"},
    "about.text": {
        "en": "<h3>aeviz {version}</h3><p>Touch autoencoders and (transposed) convolutions — a companion "
              "to the course <i>Deep learning par la pratique</i>.</p><p><b>Data:</b> the MNIST database of "
              "handwritten digits, by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, under the Creative "
              "Commons Attribution-Share Alike 3.0 licence.</p><p>Built with PySide6 (Qt), pyqtgraph, PyTorch, "
              "NumPy and Pillow.</p>",
        "fr": "<h3>aeviz {version}</h3><p>Manipulez les auto-encodeurs et les convolutions (transposées) — "
              "un compagnon du cours <i>Deep learning par la pratique</i>.</p><p><b>Données :</b> la base MNIST de "
              "chiffres manuscrits, de Yann LeCun, Corinna Cortes et Christopher J.C. Burges, sous licence Creative "
              "Commons Attribution - Partage dans les mêmes conditions 3.0.</p><p>Réalisé avec PySide6 (Qt), "
              "pyqtgraph, PyTorch, NumPy et Pillow.</p>",
    },
})

_log = logging.getLogger(__name__)
NOTICE_MS = 8000  # how long a confirmation stays in the status bar
CLOSE_BUDGET_MS = 100  # all waits for workers together, when the window closes (the process ends next)


class MainWindow(QMainWindow):
    def __init__(self, state: AppState, settings_warning: str | None = None):
        super().__init__()
        self.state = state
        self.pages: dict[str, Page] = {}
        self._holders: dict[str, QScrollArea] = {}
        self._actions: list[tuple[QAction, str]] = []
        self._menus: list[tuple[object, str]] = []
        self._normal_geometry = None
        self._before_presentation = None  # (geometry, window state, page list shown) to restore
        self.sidebar = QListWidget(objectName="sidebar")
        self.sidebar.setFocusPolicy(Qt.StrongFocus)
        self.sidebar.setWordWrap(True)  # long French titles wrap at presentation zoom
        self.sidebar.setTextElideMode(Qt.ElideNone)
        self.sidebar.setResizeMode(QListView.Adjust)  # re-wrap when the width changes
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.lesson_player = LessonPlayer(self)
        self.lesson_bar = LessonBar(self.lesson_player, state)
        central = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        layout = QVBoxLayout(central)  # the lesson bar spans the window's width under the page
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(row, 1)
        layout.addWidget(self.lesson_bar)
        self.setCentralWidget(central)
        self.lesson_keys = LessonKeys(self, self.lesson_player)
        self.thumbnails = ThumbnailCache(state, self)
        self.thumbnails.capture_shown_steps(self.lesson_player, self)
        # Created now: a status bar first created after the window is shown stays hidden, and the
        # confirmation of an export ("Saved …") was written to an invisible bar.
        self.statusBar()
        self._build_sidebar()
        self._build_menus()
        self.sidebar.currentItemChanged.connect(self._on_sidebar_changed)

        state.language_changed.connect(self._on_language_changed)
        state.scale_changed.connect(self._on_scale_changed)
        state.theme_changed.connect(self._on_settings_changed)
        state.presentation_changed.connect(self._on_presentation_changed)
        state.notice.connect(self.show_notice)
        self.retranslate()
        self._on_scale_changed(state.scale)
        self.show_page("home")
        if state.settings.presentation:  # started in presentation: leaving it shows a normal window
            self._before_presentation = (None, Qt.WindowNoState, True)
            self._presentation_layout(True)
        if settings_warning:
            QTimer.singleShot(0, lambda: self.statusBar().showMessage(tr("settings.warning", detail=settings_warning), 15000))

    # --- navigation --------------------------------------------------------------------------
    def _build_sidebar(self) -> None:
        lesson = None
        for spec in PAGES:
            if spec.lesson != lesson and spec.lesson != 0:
                lesson = spec.lesson
                header = QListWidgetItem()
                header.setFlags(Qt.NoItemFlags)
                header.setData(Qt.UserRole, None)
                header.setData(Qt.UserRole + 1, f"lesson.{spec.lesson}")
                self.sidebar.addItem(header)
            item = QListWidgetItem()
            item.setData(Qt.UserRole, spec.page_id)
            item.setData(Qt.UserRole + 1, spec.title_key)
            self.sidebar.addItem(item)

    def page(self, page_id: str) -> Page:
        """The page with this id, built on first use."""
        if page_id not in self.pages:
            spec: PageSpec | None = spec_for(page_id)
            if spec is None:
                raise KeyError(f"no page {page_id!r}")
            page = spec.load_class()(self.state)
            if hasattr(page, "navigate"):
                page.navigate.connect(self.show_page)
            if hasattr(page, "open_topic"):
                page.open_topic.connect(self.open_preset)
            self.pages[page_id] = page
            # A page larger than the window (presentation zoom on a small screen) scrolls; it never
            # pushes the window past the screen.
            holder = QScrollArea()
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.NoFrame)
            holder.setWidget(page)
            self._holders[page_id] = holder
            self.stack.addWidget(holder)
            self._apply_controls()
        return self.pages[page_id]

    def show_page(self, page_id: str) -> None:
        self.page(page_id)
        self.stack.setCurrentWidget(self._holders[page_id])
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.UserRole) == page_id:
                self.sidebar.setCurrentRow(row)
                break

    def page_scroll_area(self, page_id: str) -> QScrollArea:
        """The scroll area that holds a page (its viewport is what the user sees of it)."""
        self.page(page_id)
        return self._holders[page_id]

    def current_page(self) -> Page:
        return self.stack.currentWidget().widget()

    def _on_sidebar_changed(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None and current.data(Qt.UserRole):
            page_id = current.data(Qt.UserRole)
            if self.current_page() is not self.pages.get(page_id):
                self.page(page_id)
                self.stack.setCurrentWidget(self._holders[page_id])

    # --- menus -------------------------------------------------------------------------------
    def _action(self, key: str, slot, shortcut=None, checkable=False) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcuts(distinct_shortcuts(shortcut if isinstance(shortcut, list) else [shortcut]))
        action.setCheckable(checkable)
        self._actions.append((action, key))
        return action

    def _menu(self, parent, key: str):
        menu = parent.addMenu("")
        self._menus.append((menu, key))
        return menu

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self._menu(bar, "menu.file")
        file_menu.addAction(self._action("action.open_view", self.open_view_dialog, QKeySequence("Ctrl+O")))
        file_menu.addAction(self._action("action.save_view", self.save_view_dialog, QKeySequence("Ctrl+S")))
        self.recent_menu = self._menu(file_menu, "menu.recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self._action("action.export_png", self.export_view_dialog, QKeySequence("Ctrl+E")))
        file_menu.addSeparator()
        file_menu.addAction(self._action("action.quit", self.close, QKeySequence.Quit))

        view_menu = self._menu(bar, "menu.view")
        self.presentation_action = self._action(
            "action.presentation", lambda checked: self.state.set_presentation(checked), QKeySequence("F11"), True)
        self.presentation_action.setChecked(self.state.settings.presentation)
        view_menu.addAction(self.presentation_action)
        self.sidebar_action = self._action("action.sidebar", lambda checked: self.sidebar.setVisible(checked),
                                           QKeySequence("Ctrl+L"), True)
        self.sidebar_action.setChecked(True)
        view_menu.addAction(self.sidebar_action)
        self.controls_action = self._action("action.controls", self._show_controls, QKeySequence("F2"), True)
        view_menu.addAction(self.controls_action)
        view_menu.addSeparator()
        view_menu.addAction(self._action("action.zoom_in", self.state.zoom_in,
                                         [QKeySequence("Ctrl++"), QKeySequence("Ctrl+="), QKeySequence.ZoomIn]))
        view_menu.addAction(self._action("action.zoom_out", self.state.zoom_out,
                                         [QKeySequence("Ctrl+-"), QKeySequence.ZoomOut]))
        view_menu.addAction(self._action("action.zoom_reset", lambda: self.state.set_zoom(1.0), QKeySequence("Ctrl+0")))
        view_menu.addSeparator()
        theme_menu = self._menu(view_menu, "menu.theme")
        self.theme_actions = QActionGroup(self)
        for name in theme_names():
            action = self._action(f"theme.{name}", lambda _c=False, n=name: self.state.set_theme(n), checkable=True)
            action.setData(name)
            action.setChecked(name == self.state.theme)
            self.theme_actions.addAction(action)
            theme_menu.addAction(action)
        language_menu = self._menu(view_menu, "menu.language")
        self.language_actions = QActionGroup(self)
        for language in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[language], self, checkable=True)  # a language's own name
            action.setData(language)
            action.setChecked(language == self.state.language)
            action.triggered.connect(lambda _c=False, l=language: self.state.set_language(l))
            self.language_actions.addAction(action)
            language_menu.addAction(action)

        self.lesson_menu = LessonMenu(self, self.lesson_player, self.thumbnails)
        bar.addMenu(self.lesson_menu.menu)
        self.lesson_bar.buttons["overview"].clicked.connect(self.lesson_menu.show_overview)
        self.lesson_bar.buttons["leave"].clicked.connect(self.lesson_menu.leave)

        help_menu = self._menu(bar, "menu.help")
        help_menu.addAction(self._action("action.about", self.show_about))

    # --- reactions to the shared state --------------------------------------------------------
    def retranslate(self) -> None:
        self.setLocale(qlocale())  # spin boxes of every page: decimal comma and grouping of the language
        self.setWindowTitle(tr("app.name"))
        for action, key in self._actions:
            action.setText(tr(key))
        for menu, key in self._menus:
            menu.setTitle(tr(key))
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            item.setText(tr(item.data(Qt.UserRole + 1)))
        self._style_sidebar()

    def _style_sidebar(self) -> None:
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            is_header = item.data(Qt.UserRole) is None
            item.setFont(self.state.font(0.9 if is_header else 1.1, bold=is_header))
            if is_header:
                item.setForeground(self.palette().placeholderText())
        self.sidebar.setFixedWidth(self.state.px(270))

    def _on_language_changed(self, language: str) -> None:
        for action in self.language_actions.actions():
            action.setChecked(action.data() == language)
        self.retranslate()
        self._on_settings_changed()

    def _on_scale_changed(self, _scale: float) -> None:
        self._style_sidebar()
        self.menuBar().setFont(self.state.font())
        self._on_settings_changed()

    def _on_presentation_changed(self, on: bool) -> None:
        """Full screen with the stage alone (page list and controls folded away); leaving restores
        the window exactly as it was (maximised or not, same place, page list as it was)."""
        self.presentation_action.setChecked(on)
        self._on_settings_changed()
        if on:
            if self._before_presentation is None:
                self._before_presentation = (self.saveGeometry(), self.windowState(), self.sidebar_action.isChecked())
            screen = self.screen()
            if screen is not None:  # the scale for this screen now, not again when the window has grown
                self.state.set_screen_height(screen.geometry().height())
            self._presentation_layout(True)
            self.showFullScreen()
            return
        self._presentation_layout(False)
        geometry, window_state, sidebar = self._before_presentation or (None, Qt.WindowNoState, True)
        self._before_presentation = None
        self.setWindowState(window_state & ~Qt.WindowFullScreen)
        if geometry is not None and not window_state & Qt.WindowMaximized:
            self.restoreGeometry(geometry)
        self.sidebar.setVisible(sidebar)
        self.sidebar_action.setChecked(sidebar)

    def _presentation_layout(self, on: bool) -> None:
        if on:
            self.sidebar.setVisible(False)
        self.controls_action.setChecked(not on)
        self._apply_controls()

    def _show_controls(self, on: bool) -> None:
        self._apply_controls()

    def _apply_controls(self) -> None:
        """Each built page's controls follow the "Show the controls" toggle (always shown outside presentation)."""
        shown = self.controls_action.isChecked() or not self.state.settings.presentation
        for page in self.pages.values():
            panel = page.controls_panel()
            if panel is not None:
                panel.setVisible(shown)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.state.settings.presentation:
            self.state.set_screen_height(event.size().height())

    def _on_settings_changed(self, *_args) -> None:
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == self.state.theme)
        if not self.state.persist:
            return
        try:
            save_settings(self.state.settings)
        except OSError as exc:
            _log.warning("settings not saved: %s", exc)

    # --- file and help -----------------------------------------------------------------------
    def render_current_png(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.WriteOnly)
        self.current_page().grab().save(buffer, "PNG")
        return bytes(buffer.data())

    def export_view(self, path: str) -> None:
        atomic_write_bytes(path, self.render_current_png())

    def export_view_dialog(self) -> None:
        default = f"aeviz-{self.current_page().page_id}.png"
        path, _ = QFileDialog.getSaveFileName(self, tr("action.export_png"), default, tr("export.filter"))
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.export_view(path)
        except OSError as exc:
            QMessageBox.warning(self, tr("action.export_png"), tr("export.failed", error=exc))
            return
        self.show_notice(tr("export.done", path=path))

    # --- saved views -------------------------------------------------------------------------
    def save_view_to(self, path: str | os.PathLike) -> Path:
        """Write the current page's view; raises AevizError/OSError (the dialog shows them)."""
        page = self.current_page()
        if not page.can_save_view():
            raise ViewError("view.not_saveable", "this page has nothing to save")
        written = save_view(path, page.current_view())
        self._remember(written)
        return written

    def save_view_dialog(self) -> None:
        page = self.current_page()
        if not page.can_save_view():
            self.show_notice(tr("err.view.not_saveable"))
            return
        default = f"aeviz-{page.page_id}{VIEW_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self, tr("action.save_view"), default, tr("view.filter"))
        if not path:
            return
        if not path.lower().endswith(VIEW_SUFFIX):
            path += VIEW_SUFFIX
        try:
            written = self.save_view_to(path)
        except (AevizError, OSError) as exc:
            QMessageBox.warning(self, tr("action.save_view"), tr("view.save_failed", error=describe_error(exc)))
            return
        self.show_notice(tr("view.saved", path=written))

    def open_view_file(self, path: str | os.PathLike, interactive: bool = True) -> bool:
        """Show the view saved in ``path``. Anything wrong: a message, and the current page is unchanged.

        With ``interactive=False`` (screenshots, tests) the error is raised instead of shown.
        """
        try:
            view = load_view(path)
            if spec_for(view.page) is None or view.page == "home":
                raise ViewError("view.unknown_page", f"unknown page {view.page!r}", name=Path(path).name,
                                page=view.page[:40])
            page = self.page(view.page)
            if not page.can_save_view():
                raise ViewError("view.unknown_page", f"page {view.page!r} has no saved state",
                                name=Path(path).name, page=view.page[:40])
            page.open_view(view)
        except AevizError as exc:
            if not interactive:
                raise
            QMessageBox.warning(self, tr("action.open_view"), tr("view.open_failed", error=describe_error(exc)))
            return False
        self.show_page(view.page)
        if interactive:
            self._remember(Path(path))
            self.show_notice(tr("view.opened", path=path))
            if view.missing_files:
                QMessageBox.information(self, tr("action.open_view"),
                                        tr("view.missing", files="\n".join(view.missing_files)))
        return True

    def open_view_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("action.open_view"), "", tr("view.filter"))
        if path:
            self.open_view_file(path)

    def open_preset(self, page_id: str, preset: str) -> None:
        """Show a page in one of the exact states its state module names (home links, lessons)."""
        presets = importlib.import_module(f"aeviz.state.{page_id}").PRESETS
        page = self.page(page_id)
        page.open_state(presets[preset]())
        self.show_page(page_id)

    def _remember(self, path: Path) -> None:
        if not self.state.persist:
            return
        entry = str(Path(path).resolve())
        recent = [entry] + [p for p in self.state.settings.recent_views if p != entry]
        self.state.settings.recent_views = recent[:MAX_RECENT]
        self._on_settings_changed()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for entry in self.state.settings.recent_views:
            action = self.recent_menu.addAction(Path(entry).name)
            action.setToolTip(entry)
            action.triggered.connect(lambda _c=False, p=entry: self.open_view_file(p))
        if not self.state.settings.recent_views:
            self.recent_menu.addAction(tr("recent.none")).setEnabled(False)

    def show_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, NOTICE_MS)

    def show_about(self) -> None:
        QMessageBox.about(self, tr("about.title"), tr("about.text", version=__version__))

    # --- shutdown ----------------------------------------------------------------------------
    def confirm_quit(self) -> bool:
        """Ask Save / Discard / Cancel for each page with work quitting would lose; False: stay."""
        for page in list(self.pages.values()):
            work = page.unsaved_work()
            if not work:
                continue
            self.show_page(page.page_id)
            answer = QMessageBox.question(
                self, tr("quit.title"), tr("quit.unsaved", work=work),
                QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
            if answer == QMessageBox.Cancel or (answer == QMessageBox.Save and not page.save_unsaved_work()):
                return False
        return True

    def closeEvent(self, event) -> None:
        """Ask about unsaved lesson edits and work, then cancel every worker, wait for them within one
        short budget, save the settings."""
        if not self.lesson_menu.confirm_discard() or not self.confirm_quit():
            event.ignore()
            return
        self.thumbnails.shutdown()
        with workers.shutdown_deadline(CLOSE_BUDGET_MS):
            for page in self.pages.values():
                try:
                    page.shutdown()
                except Exception:
                    _log.exception("page %s did not shut down cleanly", page.page_id)
            workers.stop_all(timeout_ms=CLOSE_BUDGET_MS)
        self._on_settings_changed()
        super().closeEvent(event)


def distinct_shortcuts(shortcuts) -> list[QKeySequence]:
    """The key sequences of ``shortcuts`` (standard keys expanded), each once.

    Qt's standard ZoomIn is Ctrl++ on Linux: an action bound twice to the same keys gets
    "Ambiguous shortcut overload" and then answers to neither.
    """
    seen, distinct = set(), []
    for shortcut in shortcuts:
        for sequence in (QKeySequence.keyBindings(shortcut) if isinstance(shortcut, QKeySequence.StandardKey)
                         else [QKeySequence(shortcut)]):
            if not sequence.isEmpty() and sequence.toString() not in seen:
                seen.add(sequence.toString())
                distinct.append(sequence)
    return distinct
