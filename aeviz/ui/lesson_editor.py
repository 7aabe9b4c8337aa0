"""Teachers make their own lessons: a caption for a new step, and an editor of the steps.

Both dialogs work on copies: nothing in the lesson changes until OK, and Cancel leaves
it as it was.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from aeviz.state.lesson import ACTIONS, MAX_CAPTION, Lesson, Step
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import enable

add_strings({
    "editor.add_title": {"en": "Add this view as a step", "fr": "Ajouter cette vue comme étape"},
    "editor.add_help": {"en": "The page as it is now becomes a step, after the one shown. Its caption "
                                "(the slide's words) shows under the page, in the interface language.",
                        "fr": "La page telle qu'elle est devient une étape, après celle qui est affichée. Sa "
                              "légende (les mots de la diapositive) s'affiche sous la page, dans la langue de "
                              "l'interface."},
    "editor.caption_fr": {"en": "Caption in French", "fr": "Légende en français"},
    "editor.caption_en": {"en": "Caption in English", "fr": "Légende en anglais"},
    "editor.action": {"en": "Once shown", "fr": "Une fois affichée"},
    "editor.action.": {"en": "do nothing more", "fr": "ne rien faire de plus"},
    "editor.action.play": {"en": "play the stepper", "fr": "lancer le pas à pas"},
    "editor.action.train": {"en": "start a short training run", "fr": "lancer un court entraînement"},
    "editor.title": {"en": "Edit the steps", "fr": "Modifier les étapes"},
    "editor.lesson_fr": {"en": "Lesson title in French", "fr": "Titre de la leçon en français"},
    "editor.lesson_en": {"en": "Lesson title in English", "fr": "Titre de la leçon en anglais"},
    "editor.up": {"en": "Move up", "fr": "Monter"},
    "editor.down": {"en": "Move down", "fr": "Descendre"},
    "editor.delete": {"en": "Delete", "fr": "Supprimer"},
    "editor.row": {"en": "{n}. {page} — {caption}", "fr": "{n}. {page} — {caption}"},
    "editor.last_step": {"en": "A lesson keeps at least one step (leave the lesson to end it).",
                         "fr": "Une leçon garde au moins une étape (quittez la leçon pour la terminer)."},
})

#: caption characters shown in the editor's list of steps
ROW_CHARS = 60


def _caption_edit(text: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 5)
    return edit


def _action_combo(current: str) -> QComboBox:
    combo = QComboBox()
    for action in ACTIONS:
        combo.addItem(tr(f"editor.action.{action}"), action)
    combo.setCurrentIndex(ACTIONS.index(current))
    return combo


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class StepCaptionDialog(QDialog):
    """The caption (French and English) and the action of the step being added."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("editor.add_title"))
        self.caption_fr = _caption_edit()
        self.caption_en = _caption_edit()
        self.action = _action_combo("")
        help_label = QLabel(tr("editor.add_help"))
        help_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("editor.caption_fr"), self.caption_fr)
        form.addRow(tr("editor.caption_en"), self.caption_en)
        form.addRow(tr("editor.action"), self.action)
        layout = QVBoxLayout(self)
        layout.addWidget(help_label)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self.resize(self.fontMetrics().averageCharWidth() * 70, self.sizeHint().height())

    def caption_and_action(self) -> tuple[str, str, str]:
        """(French caption, English caption, action) as typed and chosen."""
        return (self.caption_fr.toPlainText()[:MAX_CAPTION], self.caption_en.toPlainText()[:MAX_CAPTION],
                self.action.currentData())


class LessonEditor(QDialog):
    """The lesson's title and steps: reorder, delete, edit captions and actions."""

    def __init__(self, lesson: Lesson, current: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("editor.title"))
        self.steps: list[Step] = list(lesson.steps)
        self.title_fr = QLineEdit(lesson.title_fr)
        self.title_en = QLineEdit(lesson.title_en)
        for edit in (self.title_fr, self.title_en):
            edit.setMaxLength(MAX_CAPTION)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.caption_fr = _caption_edit()
        self.caption_en = _caption_edit()
        self.action = _action_combo("")
        self.step_buttons = {name: QPushButton(tr(f"editor.{name}")) for name in ("up", "down", "delete")}
        self.step_buttons["up"].clicked.connect(lambda: self.move(-1))
        self.step_buttons["down"].clicked.connect(lambda: self.move(1))
        self.step_buttons["delete"].clicked.connect(self.delete)
        titles = QFormLayout()
        titles.addRow(tr("editor.lesson_fr"), self.title_fr)
        titles.addRow(tr("editor.lesson_en"), self.title_en)
        side = QVBoxLayout()
        for button in self.step_buttons.values():
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        step_form = QFormLayout()
        step_form.addRow(tr("editor.caption_fr"), self.caption_fr)
        step_form.addRow(tr("editor.caption_en"), self.caption_en)
        step_form.addRow(tr("editor.action"), self.action)
        layout = QVBoxLayout(self)
        layout.addLayout(titles)
        layout.addLayout(middle, 1)
        layout.addLayout(step_form)
        layout.addWidget(_buttons(self))
        self._fill()
        self.list.currentRowChanged.connect(self._show_step)
        self.caption_fr.textChanged.connect(self._edit_step)
        self.caption_en.textChanged.connect(self._edit_step)
        self.action.currentIndexChanged.connect(self._edit_step)
        self.list.setCurrentRow(min(current, len(self.steps) - 1))
        self._show_step(self.list.currentRow())
        width = self.fontMetrics().averageCharWidth() * 90
        self.resize(width, width * 3 // 4)

    # --- what tests and the menu use -----------------------------------------------------------
    def select(self, row: int) -> None:
        self.list.setCurrentRow(row)

    def set_captions(self, fr: str, en: str) -> None:
        self.caption_fr.setPlainText(fr)
        self.caption_en.setPlainText(en)

    def move(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if 0 <= row < len(self.steps) and 0 <= target < len(self.steps):
            self.steps[row], self.steps[target] = self.steps[target], self.steps[row]
            self._fill()
            self.list.setCurrentRow(target)

    def delete(self) -> None:
        row = self.list.currentRow()
        if len(self.steps) > 1 and 0 <= row < len(self.steps):
            del self.steps[row]
            self._fill()
            self.list.setCurrentRow(min(row, len(self.steps) - 1))

    def edited_lesson(self) -> Lesson:
        return Lesson(self.title_fr.text(), self.title_en.text(), tuple(self.steps))

    def current_row(self) -> int:
        return self.list.currentRow()

    # --- plumbing -------------------------------------------------------------------------------
    def _row_text(self, n: int, step: Step) -> str:
        caption = step.caption_fr or step.caption_en
        if len(caption) > ROW_CHARS:
            caption = caption[:ROW_CHARS - 1] + "…"
        return tr("editor.row", n=n, page=tr(f"page.{step.page}"), caption=caption.replace("\n", " "))

    def _fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for n, step in enumerate(self.steps, start=1):
            self.list.addItem(self._row_text(n, step))
        self.list.blockSignals(False)
        self._show_step(self.list.currentRow())

    def _show_step(self, row: int) -> None:
        valid = 0 <= row < len(self.steps)
        for widget in (self.caption_fr, self.caption_en, self.action):
            widget.blockSignals(True)
        if valid:
            step = self.steps[row]
            self.caption_fr.setPlainText(step.caption_fr)
            self.caption_en.setPlainText(step.caption_en)
            self.action.setCurrentIndex(ACTIONS.index(step.action))
        for widget in (self.caption_fr, self.caption_en, self.action):
            widget.blockSignals(False)
            widget.setEnabled(valid)
        self.step_buttons["up"].setEnabled(valid and row > 0)
        self.step_buttons["down"].setEnabled(valid and row < len(self.steps) - 1)
        enable(self.step_buttons["delete"], valid and len(self.steps) > 1, "editor.last_step")

    def _edit_step(self, *_args) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.steps):
            return
        self.steps[row] = dataclasses.replace(self.steps[row], caption_fr=self.caption_fr.toPlainText()[:MAX_CAPTION],
                                              caption_en=self.caption_en.toPlainText()[:MAX_CAPTION],
                                              action=self.action.currentData())
        self.list.item(row).setText(self._row_text(row + 1, self.steps[row]))
