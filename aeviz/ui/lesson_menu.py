"""The Lesson menu: start the course, open and save lesson files, make a lesson of one's own views.

Every way in (menu, lesson bar, ``aeviz --lesson FILE``) goes through these methods, so
a bad file always gives the same message in the user's language and changes nothing,
and edits that are not saved are never dropped without asking.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox

from aeviz.core.errors import AevizError
from aeviz.state.lesson import BUILTIN, LESSON_SUFFIX, STATE_PAGES, Step, builtin_lesson, has_builtin_lesson, load_lesson, save_lesson
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.lesson_editor import LessonEditor, StepCaptionDialog
from aeviz.ui.lesson_overview import LessonOverview
from aeviz.ui.widgets import enable

add_strings({
    "lessonmenu.menu": {"en": "&Lesson", "fr": "&Leçon"},
    "lessonmenu.builtin": {"en": "Start the course", "fr": "Démarrer le cours"},
    "lessonmenu.open": {"en": "Open a lesson…", "fr": "Ouvrir une leçon…"},
    "lessonmenu.save": {"en": "Save the lesson…", "fr": "Enregistrer la leçon…"},
    "lessonmenu.add": {"en": "Add this view as a step…", "fr": "Ajouter cette vue comme étape…"},
    "lessonmenu.edit": {"en": "Edit the steps…", "fr": "Modifier les étapes…"},
    "lessonmenu.overview": {"en": "All steps…", "fr": "Toutes les étapes…"},
    "lessonmenu.leave": {"en": "Leave the lesson", "fr": "Quitter la leçon"},
    "lessonmenu.filter": {"en": "aeviz lesson (*.aevizlesson)", "fr": "Leçon aeviz (*.aevizlesson)"},
    "lessonmenu.open_failed": {"en": "This lesson cannot be opened; nothing has changed.\n\n{error}",
                               "fr": "Cette leçon ne peut pas être ouverte ; rien n'a changé.\n\n{error}"},
    "lessonmenu.save_failed": {"en": "The lesson could not be saved:\n{error}",
                               "fr": "La leçon n'a pas pu être enregistrée :\n{error}"},
    "lessonmenu.saved": {"en": "Lesson saved: {path}", "fr": "Leçon enregistrée : {path}"},
    "lessonmenu.opened": {"en": "Lesson opened: {title} ({n} steps)", "fr": "Leçon ouverte : {title} ({n} étapes)"},
    "lessonmenu.unsaved_title": {"en": "Unsaved lesson", "fr": "Leçon non enregistrée"},
    "lessonmenu.unsaved": {"en": "The lesson “{title}” has changes that are not saved. Save them?",
                           "fr": "La leçon « {title} » a des modifications non enregistrées. Les enregistrer ?"},
    "why.no_lesson": {"en": "No lesson is playing: open one, or add a view as a step.",
                      "fr": "Aucune leçon en cours : ouvrez-en une, ou ajoutez une vue comme étape."},
    "why.no_page_state": {"en": "This page has no state to keep as a step.",
                          "fr": "Cette page n'a pas d'état à garder comme étape."},
})


class LessonMenu(QObject):
    """The menu and what its entries do; the main window adds ``menu`` to its menu bar."""

    def __init__(self, window, player, thumbnails):
        super().__init__(window)
        self.window = window
        self.player = player
        self.thumbnails = thumbnails
        self.overview: LessonOverview | None = None
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)  # disabled entries say why
        self.actions: dict[str, QAction] = {}
        for name, slot in (("builtin", self.start_builtin), ("open", self.open_dialog), ("save", self.save_dialog),
                           (None, None), ("add", self.add_view_dialog), ("edit", self.edit_dialog),
                           ("overview", self.show_overview), (None, None), ("leave", self.leave)):
            if name is None:
                self.menu.addSeparator()
                continue
            action = QAction(self.menu)
            action.triggered.connect(slot)
            self.menu.addAction(action)
            self.actions[name] = action
        self.actions["builtin"].setVisible(has_builtin_lesson())
        self._builtin_problem: AevizError | None = None
        self._builtin_checked = False
        self.menu.aboutToShow.connect(self.update_actions)
        player.changed.connect(self.update_actions)
        window.state.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.menu.setTitle(tr("lessonmenu.menu"))
        for name, action in self.actions.items():
            action.setText(tr(f"lessonmenu.{name}"))

    def update_actions(self) -> None:
        """Enable what applies now; the others say why (shown when the menu opens)."""
        active = self.player.active
        for name in ("save", "edit", "overview", "leave"):
            enable(self.actions[name], active, "why.no_lesson")
        enable(self.actions["add"], self._can_add(), "why.no_page_state")
        self._check_builtin()

    def _check_builtin(self) -> None:
        """A built-in lesson that cannot be built (a page's state refuses a step) is disabled, with why."""
        if not has_builtin_lesson():
            return
        if not self._builtin_checked:
            self._builtin_checked = True
            try:
                builtin_lesson()
            except AevizError as exc:
                self._builtin_problem = exc
        action = self.actions["builtin"]
        action.setEnabled(self._builtin_problem is None)
        action.setToolTip(describe_error(self._builtin_problem) if self._builtin_problem is not None else "")

    # --- lessons in and out ----------------------------------------------------------------------
    def start_builtin(self) -> bool:
        if not self.confirm_discard():
            return False
        try:
            lesson = builtin_lesson()
        except AevizError as exc:
            self._warn("lessonmenu.builtin", tr("lessonmenu.open_failed", error=describe_error(exc)))
            return False
        self.player.start(lesson)
        return True

    def open_file(self, path: str | os.PathLike, interactive: bool = True) -> bool:
        """Play the lesson in ``path`` from its first step. A bad file: a message, and nothing changes
        (with ``interactive=False`` its :class:`~aeviz.state.lesson.LessonError` is raised instead)."""
        if interactive and not self.confirm_discard():
            return False
        try:
            lesson = load_lesson(path)
        except AevizError as exc:
            if not interactive:
                raise
            self._warn("lessonmenu.open", tr("lessonmenu.open_failed", error=describe_error(exc)))
            return False
        self.player.start(lesson, Path(path))
        self.window.show_notice(tr("lessonmenu.opened", title=lesson.title(self.window.state.language),
                                   n=len(lesson.steps)))
        return True

    def open_source(self, source: str) -> bool:
        """``aeviz --lesson SOURCE``: a lesson file, or the built-in course for "builtin"."""
        return self.start_builtin() if source == BUILTIN else self.open_file(source)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, tr("lessonmenu.open"), "", tr("lessonmenu.filter"))
        if path:
            self.open_file(path)

    def save_to(self, path: str | os.PathLike) -> Path:
        """Write the lesson playing to ``path`` (atomically); raises OSError."""
        written = save_lesson(path, self.player.lesson)
        self.player.mark_saved(written)
        self.window.show_notice(tr("lessonmenu.saved", path=written))
        return written

    def save_dialog(self) -> bool:
        if not self.player.active:
            return False
        default = str(self.player.path) if self.player.path else f"aeviz-lesson{LESSON_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self.window, tr("lessonmenu.save"), default, tr("lessonmenu.filter"))
        if not path:
            return False
        if not path.lower().endswith(LESSON_SUFFIX):
            path += LESSON_SUFFIX
        try:
            self.save_to(path)
        except OSError as exc:
            self._warn("lessonmenu.save", tr("lessonmenu.save_failed", error=describe_error(exc)))
            return False
        return True

    def confirm_discard(self) -> bool:
        """True when nothing unsaved would be lost: no edits, or the teacher saved or dropped them."""
        if not self.player.modified:
            return True
        answer = QMessageBox.question(
            self.window, tr("lessonmenu.unsaved_title"),
            tr("lessonmenu.unsaved", title=self.player.lesson.title(self.window.state.language)),
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save_dialog()
        return answer == QMessageBox.Discard

    def leave(self) -> bool:
        if not self.confirm_discard():
            return False
        self.player.leave()
        return True

    # --- making one's own ------------------------------------------------------------------------
    def add_view(self, caption_fr: str, caption_en: str, action: str = "") -> None:
        """The current page's state becomes a step after the one shown."""
        page = self.window.current_page()
        self.player.add_step(Step(page.page_id, page.store.value, caption_fr, caption_en, action))

    def _can_add(self) -> bool:
        """Only a page whose state a lesson file can hold (a step that could not be read back is refused)."""
        page = self.window.current_page()
        return page.can_save_view() and page.page_id in STATE_PAGES

    def add_view_dialog(self) -> None:
        if not self._can_add():
            return
        dialog = StepCaptionDialog(self.window)
        if dialog.exec() == QDialog.Accepted:
            self.add_view(*dialog.caption_and_action())

    def edit_dialog(self) -> None:
        if not self.player.active:
            return
        editor = LessonEditor(self.player.lesson, self.player.index, self.window)
        if editor.exec() == QDialog.Accepted:
            self.player.replace_lesson(editor.edited_lesson(), editor.current_row())

    def show_overview(self) -> LessonOverview | None:
        if not self.player.active:
            return None
        self.overview = LessonOverview(self.player, self.thumbnails, self.window)
        self.overview.chosen.connect(self.player.go)
        self.overview.finished.connect(self._overview_closed)
        self.overview.open()
        return self.overview

    def _overview_closed(self, _result: int) -> None:
        self.overview.deleteLater()
        self.overview = None

    def _warn(self, title_key: str, text: str) -> None:
        QMessageBox.warning(self.window, tr(title_key), text)
