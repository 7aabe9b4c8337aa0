"""Exercises (lesson 2): the app asks, the student answers, the app checks and explains.

Pick a kind and a level (or "mixed"), type a seed or draw one: the same seed gives
the whole class the same exercise. The grids are the convolution page's widgets, the
asked cell shows "?". One wrong answer lights the window and the kernel (hint); a
second one shows the worked arithmetic with the cells lit. Each exercise counts once
in the session's score; "Export results" writes them as CSV.

The page is a view of :class:`aeviz.state.exercises.ExercisesState` (the exercise shown and
the answers checked on it); a lesson step opens an exercise with
:meth:`ExercisesPage.show_exercise` or a saved state.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMessageBox,
                               QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from aeviz.core.exercise_results import Result, write_results_csv
from aeviz.core.exercises import KINDS, LEVELS, MAX_SEED, Exercise, Verdict, draw_seed
from aeviz.state.base import Store
from aeviz.state.exercises import MIXED, ExercisesState, Progress, replay
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.widgets.exercise_problem import ProblemView
from aeviz.ui.widgets.exercise_text import fmt_answer, level_name, render, render_verdict_error
from aeviz.ui.widgets.flow_layout import FlowLayout
from aeviz.ui.widgets.lab_layout import hrow

add_strings({
    "ex.kind": {"en": "Exercise", "fr": "Exercice"},
    "ex.level": {"en": "Level", "fr": "Niveau"},
    "ex.seed": {"en": "Seed", "fr": "Graine"},
    "ex.seed_tip": {"en": "The same seed gives everyone the same exercise: write it on the board.",
                    "fr": "La même graine donne à tous le même exercice : écrivez-la au tableau."},
    "ex.draw": {"en": "Draw a seed", "fr": "Tirer une graine"},
    "ex.show": {"en": "Show", "fr": "Afficher"},
    "ex.next": {"en": "Next (seed + 1)", "fr": "Suivant (graine + 1)"},
    "ex.check": {"en": "Check", "fr": "Vérifier"},
    "ex.next_short": {"en": "Next ▶", "fr": "Suivant ▶"},
    "ex.answer_here": {"en": "Your answer, then Enter", "fr": "Votre réponse, puis Entrée"},
    "ex.header": {"en": "{kind} · level {level} · seed {seed}", "fr": "{kind} · niveau {level} · graine {seed}"},
    "ex.score": {"en": "Score: {right} / {done}", "fr": "Score : {right} / {done}"},
    "ex.export": {"en": "Export results (CSV)…", "fr": "Exporter les résultats (CSV)…"},
    "ex.export_filter": {"en": "CSV table (*.csv)", "fr": "Tableau CSV (*.csv)"},
    "ex.export_done": {"en": "{n} result(s) saved to {path}", "fr": "{n} résultat(s) enregistré(s) dans {path}"},
    "ex.export_empty": {"en": "No result to export yet: answer an exercise first.",
                        "fr": "Aucun résultat à exporter : répondez d'abord à un exercice."},
    "ex.export_failed": {"en": "The results could not be saved to {path}:\n{error}",
                         "fr": "Les résultats n'ont pas pu être enregistrés dans {path} :\n{error}"},
    "ex.hint_title": {"en": "Hint:", "fr": "Indice :"},
    "ex.solution_title": {"en": "Worked solution", "fr": "Solution détaillée"},
    "err.exercises.too_many_answers": {
        "en": "At most {count} answers of {chars} characters can be kept for one exercise.",
        "fr": "On garde au plus {count} réponses de {chars} caractères pour un exercice."},
    "err.field.choice": {"en": "exercise", "fr": "exercice"},
    "err.field.level": {"en": "level", "fr": "niveau"},
    "err.field.seed": {"en": "seed", "fr": "graine"},
})


class ExercisesPage(Page):
    page_id = "exercises"
    title_key = "page.exercises"

    #: a counted answer (right or wrong): its Verdict; invalid text is not counted
    answered = Signal(object)
    #: (kind, seed, level) of the exercise now shown
    exercise_shown = Signal(str, int, int)
    #: a status-bar message, already translated
    status = Signal(str)

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.store = Store(ExercisesState())
        self.exercise: Exercise | None = None   # generated from the state, kept while it is shown
        self.progress = Progress()               # replayed from the state's answers
        self.results: list[Result] = []          # the session's score (not part of a view)
        self._shown_at = time.monotonic()
        # --- choosing an exercise
        self.kind_combo, self.level_combo = QComboBox(), QComboBox()
        for combo in (self.kind_combo, self.level_combo):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(28)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(1)
        self.buttons = {name: QPushButton() for name in ("draw", "show", "next", "check", "export")}
        labels = {name: QLabel() for name in ("kind", "level", "seed")}
        for name, label in labels.items():
            self.bind_text(label.setText, f"ex.{name}")
        for name in ("draw", "show", "next", "export"):
            self.bind_text(self.buttons[name].setText, f"ex.{name}")
        self.bind_text(self.seed_spin.setToolTip, "ex.seed_tip")
        self.score_label = QLabel()
        self.scale_font(self.score_label, 1.2, bold=True)
        # controls wrap onto more lines beside the sidebar at presentation zoom instead of widening the page
        self.controls = QWidget()
        FlowLayout(self.controls).add_widgets(
            hrow(labels["kind"], self.kind_combo, stretch=False), hrow(labels["level"], self.level_combo, stretch=False),
            hrow(labels["seed"], self.seed_spin, stretch=False), self.buttons["draw"], self.buttons["show"],
            self.buttons["next"], self.score_label, self.buttons["export"])
        # --- the problem
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.scale_font(self.header_label, 1.0, bold=True)
        self.question_label = QLabel()
        self.question_label.setWordWrap(True)
        self.question_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.scale_font(self.question_label, 1.35, bold=True)
        self.problem = ProblemView(state)
        # --- answering
        self.answer_edit = QLineEdit()
        self.bind_text(self.answer_edit.setPlaceholderText, "ex.answer_here")
        self.scale_font(self.answer_edit, 1.4)
        self.feedback_label = QLabel()
        self.feedback_label.setWordWrap(True)
        self.scale_font(self.feedback_label, 1.3, bold=True)
        self.hint_label, self.solution_label = QLabel(), QLabel()
        for label in (self.hint_label, self.solution_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setTextFormat(Qt.RichText)
            self.scale_font(label, 1.2)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer_edit, 1)
        answer_row.addWidget(self.buttons["check"])
        layout = QVBoxLayout(self)
        layout.addWidget(self.controls)
        for widget in (self.header_label, self.question_label):
            layout.addWidget(widget)
        layout.addWidget(self.problem)
        layout.addLayout(answer_row)
        for widget in (self.feedback_label, self.hint_label, self.solution_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        # --- wiring
        self.buttons["draw"].clicked.connect(self.draw_and_show)
        self.buttons["show"].clicked.connect(self.show_selected)
        self.buttons["next"].clicked.connect(self.next_exercise)
        self.buttons["check"].clicked.connect(self._on_enter)
        self.buttons["export"].clicked.connect(self.export_dialog)
        self.answer_edit.returnPressed.connect(self._on_enter)
        self.seed_spin.editingFinished.connect(self.show_selected)
        self.kind_combo.activated.connect(self.show_selected)
        self.level_combo.activated.connect(self.show_selected)
        self.status.connect(self._to_status_bar)
        self._fill_combos()
        self.rescale()
        self.store.observe(self._render_state)
        self._render_state(self.store.value, frozenset({"choice"}))

    # --- public API (tests, a future lesson player) ------------------------------------------
    def show_exercise(self, kind: str, seed: int, level: int = 1) -> Exercise:
        """Show exercise (kind, seed, level) as a new one, no try made yet (e.g. from a lesson step)."""
        self.store.replace(ExercisesState(choice=kind, level=level, seed=seed))
        return self.exercise

    def show_selected(self) -> Exercise:
        """The exercise the combos and the seed name ("mixed": kind and level drawn from the seed)."""
        return self._show(self.kind_combo.currentData(), self.seed_spin.value(), self.level_combo.currentData())

    def draw_and_show(self) -> Exercise:
        value = self.store.value
        return self._show(value.choice, draw_seed(), value.level)

    def next_exercise(self) -> Exercise:
        value = self.store.value
        return self._show(value.choice, (value.seed + 1) % (MAX_SEED + 1), value.level)

    def set_mixed(self, on: bool) -> None:
        value = self.store.value
        self._show(MIXED if on else (value.choice if value.choice != MIXED else KINDS[0]), value.seed, value.level)

    def _show(self, choice: str, seed: int, level: int) -> Exercise:
        self.store.replace(self.store.value.showing(choice, seed, level))
        return self.exercise

    @property
    def tries(self) -> int:
        return self.progress.tries

    @property
    def done(self) -> bool:
        return self.progress.done

    def submit(self, text: str | None = None) -> Verdict | None:
        """Check ``text`` (default: the answer box). None when the exercise is already over."""
        if self.exercise is None or self.done:
            return None
        text = self.answer_edit.text() if not isinstance(text, str) else text
        verdict = self.exercise.check(text)
        value = self.store.value
        self.store.set(attempts=value.attempts + (text,))
        if self.done:
            ex = self.exercise
            self.results.append(Result(ex.kind, ex.seed, ex.level, text.strip(), self.progress.right,
                                       round(time.monotonic() - self._shown_at, 1)))
            self._render_texts()
        self._scroll_to(self.solution_label if self.done else self.hint_label if self.tries else self.feedback_label)
        if verdict.valid:
            self.answered.emit(verdict)
        return verdict

    def _render_state(self, value: ExercisesState, changed: frozenset) -> None:
        """Follow the state: a new exercise when (kind, seed, level) changed, then the stage of the answers."""
        key = value.exercise_key()
        new_exercise = self.exercise is None or (self.exercise.kind, self.exercise.seed, self.exercise.level) != key
        if new_exercise:
            self.exercise = value.exercise()
            self._shown_at = time.monotonic()
            self.answer_edit.clear()
            self.answer_edit.setFocus()
        self.progress = replay(self.exercise, value.attempts)
        self.answer_edit.setReadOnly(self.progress.done)
        self._select_combos(key[0], value.seed, key[2], value.choice == MIXED)
        self._draw()
        self._render_texts()
        if new_exercise:
            self.exercise_shown.emit(*key)

    def score(self) -> tuple[int, int]:
        """(right answers, exercises answered) in this session."""
        return sum(r.right for r in self.results), len(self.results)

    def feedback_text(self) -> str:
        return self.feedback_label.text()

    def hint_text(self) -> str:
        return self.hint_label.text() if self._stage() == 1 else ""

    def solution_text(self) -> str:
        return self.solution_label.text()

    def export_results(self, path) -> Path:
        """Write the session's results as CSV (atomically) and confirm in the status bar."""
        written = write_results_csv(path, self.results)
        self.status.emit(tr("ex.export_done", n=len(self.results), path=str(written)))
        return written

    def export_dialog(self) -> None:
        if not self.results:
            self.status.emit(tr("ex.export_empty"))
            return
        name, _ = QFileDialog.getSaveFileName(self, tr("ex.export"), "aeviz-exercises.csv", tr("ex.export_filter"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".csv") else Path(name + ".csv")
        try:
            self.export_results(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, tr("ex.export"), tr("ex.export_failed", path=str(path), error=str(exc)))

    # --- flow ---------------------------------------------------------------------------------
    def _on_enter(self) -> None:
        """Enter (or the button) checks the answer; once the exercise is over, it opens the next one."""
        if self.done:
            self.next_exercise()
        else:
            self.submit()

    def _stage(self) -> int:
        return self.progress.stage

    def _scroll_area(self) -> QScrollArea | None:
        """The main window's scroll area holding this page (the page may be taller than the window)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent

    def _scroll_to(self, widget: QWidget) -> None:
        """In a window too small for the page (presentation zoom), bring the verdict into view."""
        area = self._scroll_area()
        if area is not None:
            QTimer.singleShot(0, lambda: area.ensureWidgetVisible(widget, 0, self.state.px(40)))

    def _room(self) -> int:
        """Width the page can use without sideways scrolling."""
        area = self._scroll_area()
        margins = self.layout().contentsMargins()
        return (area.viewport().width() if area else self.width()) - margins.left() - margins.right()

    def _draw(self) -> None:
        self.problem.show(self.exercise, self._stage(), self._room())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.exercise is not None and event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, lambda: self.problem.fit(self._room()))

    def _to_status_bar(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)

    # --- texts ------------------------------------------------------------------------------
    def _render_texts(self) -> None:
        ex = self.exercise
        if ex is None:
            return
        self.header_label.setText(tr("ex.header", kind=tr(f"ex.kind.{ex.kind}"), level=ex.level, seed=ex.seed))
        self.question_label.setText(render("ex.q", ex.question()))
        right, done = self.score()
        self.score_label.setText(tr("ex.score", right=right, done=done))
        self.feedback_label.setText(self._feedback_text())
        self.buttons["check"].setText(tr("ex.next_short") if self.done else tr("ex.check"))
        stage = self._stage()
        self.hint_label.setVisible(stage >= 1 and not self.done)
        self.hint_label.setText(f"<b>{tr('ex.hint_title')}</b> {_html(render('ex.h', ex.hint()))}")
        self.solution_label.setVisible(self.done)
        lines = "<br>".join(_html(render("ex.s", step)) for step in ex.explanation())
        self.solution_label.setText(f"<b>{tr('ex.solution_title')}</b><br>{lines}")

    def _feedback_text(self) -> str:
        verdict = self.progress.last
        if verdict is None:
            return ""
        if verdict.right:
            return tr("ex.right")
        if not verdict.valid:
            return render_verdict_error(verdict.code, verdict.values, self.progress.last_text)
        given = self.progress.last_text.strip()[:40]
        if self.done:
            answer = fmt_answer(self.exercise.answer_kind, self.exercise.answer)
            return tr("ex.wrong_twice", given=given, answer=answer)
        return tr("ex.wrong_once", given=given)

    def _fill_combos(self) -> None:
        kind, level = self.kind_combo.currentData(), self.level_combo.currentData()
        for combo in (self.kind_combo, self.level_combo):
            combo.blockSignals(True)
            combo.clear()
        self.kind_combo.addItem(tr("ex.kind.mixed"), MIXED)
        for name in KINDS:
            self.kind_combo.addItem(tr(f"ex.kind.{name}"), name)
        for lvl in LEVELS:
            self.level_combo.addItem(level_name(kind or KINDS[0], lvl), lvl)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind or KINDS[0])))
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level or LEVELS[0])))
        for combo in (self.kind_combo, self.level_combo):
            combo.blockSignals(False)

    def _select_combos(self, kind: str, seed: int, level: int, from_mixed: bool) -> None:
        """Show (kind, seed, level) in the controls; "mixed" stays selected when it drew them."""
        for widget in (self.kind_combo, self.level_combo, self.seed_spin):
            widget.blockSignals(True)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(MIXED if from_mixed else kind))
        for index, lvl in enumerate(LEVELS):
            self.level_combo.setItemText(index, level_name(kind, lvl))
        self.level_combo.setCurrentIndex(self.level_combo.findData(level))
        self.level_combo.setEnabled(not from_mixed)
        self.seed_spin.setValue(seed)
        for widget in (self.kind_combo, self.level_combo, self.seed_spin):
            widget.blockSignals(False)

    # --- hooks ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        if hasattr(self, "kind_combo"):
            self._fill_combos()
        if self.exercise is not None:
            self._draw()
            self._render_texts()

    def rescale(self) -> None:
        super().rescale()
        self.problem.rescale()
        if self.exercise is not None:
            self.problem.fit(self._room())

    def retheme(self) -> None:
        self.problem.retheme()

    def controls_panel(self) -> QWidget:
        return self.controls

    def stage_widgets(self) -> list[QWidget]:
        """The question, its grids, the answer field and whichever of feedback/hint/solution is up."""
        shown = [w for w in (self.feedback_label, self.hint_label, self.solution_label) if not w.isHidden()]
        return [self.question_label, self.problem, self.answer_edit, self.buttons["check"], *shown]



def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
