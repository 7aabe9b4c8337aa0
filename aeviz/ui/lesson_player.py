"""The lesson player: steps through a lesson in the main window, one exact page state at a time.

Showing a step opens its state on its page (``Page.open_state``), shows that page, then
runs the step's action, if any, through the page's ``run_step_action`` hook. The player
knows nothing about any page beyond that, so a lesson may hold steps of every page that
has a state. Edits (a view added as a step, steps reordered, deleted, captions changed)
make a new :class:`~aeviz.state.lesson.Lesson` value; ``modified`` says whether it differs
from the one last opened or saved.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy

from aeviz.core.errors import AevizError
from aeviz.state.lesson import Lesson, Step
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr

add_strings({
    "player.step": {"en": "Step {n} / {total}", "fr": "Étape {n} / {total}"},
    "player.previous": {"en": "Previous step (PageUp, ←)", "fr": "Étape précédente (Page préc., ←)"},
    "player.next": {"en": "Next step (PageDown, →, Space)", "fr": "Étape suivante (Page suiv., →, Espace)"},
    "player.overview": {"en": "All steps", "fr": "Toutes les étapes"},
    "player.leave": {"en": "Leave the lesson", "fr": "Quitter la leçon"},
    "player.at_first": {"en": "This is the first step.", "fr": "C'est la première étape."},
    "player.at_last": {"en": "This is the last step.", "fr": "C'est la dernière étape."},
    "player.keys_tip": {"en": "PageDown, →, Space: next · PageUp, ←: previous · Home/End: first/last · "
                              "B: black screen",
                        "fr": "Page suiv., →, Espace : suivante · Page préc., ← : précédente · Début/Fin : "
                              "première/dernière · B : écran noir"},
    "player.step_failed": {"en": "Step {n} cannot be shown: {error}", "fr": "L'étape {n} ne peut pas être "
                                                                            "affichée : {error}"},
})

#: caption size relative to the app font (the app font is 20 pt in presentation at 1080p)
CAPTION_RELATIVE = 1.25
#: the buttons show symbols (the caption keeps the width); their tooltips say the words
SYMBOLS = {"previous": "◀", "next": "▶", "overview": "☰", "leave": "✕"}
#: lines of caption the bar shows at most; a longer caption is cut (the editor shows it whole)
CAPTION_LINES = 4
#: the title (French, English) of a lesson a teacher starts by adding a view as a step
NEW_LESSON_TITLE = ("Ma leçon", "My lesson")
#: how long a step stays on screen before the next step's page is built in the background of the talk
#: (building a page the first time takes 0.3-0.9 s of the GUI thread: paid while the teacher speaks,
#: not when they press "next")
PREFETCH_AFTER_MS = 1500


class LessonPlayer(QObject):
    """The lesson being played and the step shown; the main window is its stage."""

    #: the lesson, the step shown or ``modified`` changed
    changed = Signal()
    #: the lesson was left (the bar hides, the keys are released)
    left = Signal()
    #: a step was shown (0-based index)
    step_shown = Signal(int)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.path: Path | None = None
        self._saved: Lesson | None = None
        self._prefetch = QTimer(self)
        self._prefetch.setSingleShot(True)
        self._prefetch.setInterval(PREFETCH_AFTER_MS)
        self._prefetch.timeout.connect(self._build_next_page)

    # --- reading ------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.lesson is not None

    @property
    def modified(self) -> bool:
        return self.lesson is not None and self.lesson != self._saved

    @property
    def step(self) -> Step | None:
        return self.lesson.steps[self.index] if self.lesson is not None else None

    def __len__(self) -> int:
        return len(self.lesson.steps) if self.lesson is not None else 0

    # --- playing ------------------------------------------------------------------------------
    def start(self, lesson: Lesson, path: Path | None = None, index: int = 0, run_actions: bool = True) -> bool:
        """Play ``lesson`` from step ``index`` (0-based); ``path`` is where it was read from."""
        self.lesson, self._saved, self.path = lesson, lesson, path
        self.index = min(max(index, 0), len(lesson.steps) - 1)
        return self.go(self.index, run_actions)

    def go(self, index: int, run_action: bool = True) -> bool:
        """Show step ``index`` (0-based). A step a page refuses is reported; the player stays on it."""
        if self.lesson is None or not 0 <= index < len(self.lesson.steps):
            return False
        self.index = index
        step = self.lesson.steps[index]
        try:
            page = self.window.page(step.page)
            page.open_state(step.state)
            self.window.show_page(step.page)
            if run_action and step.action:
                page.run_step_action(step.action)
        except AevizError as exc:
            self.window.show_notice(tr("player.step_failed", n=index + 1, error=describe_error(exc)))
            self.changed.emit()
            return False
        self.changed.emit()
        self.step_shown.emit(index)
        self._prefetch.start()
        return True

    def _build_next_page(self) -> None:
        if self.lesson is not None and self.index + 1 < len(self.lesson.steps):
            self.window.page(self.lesson.steps[self.index + 1].page)

    def next(self) -> bool:
        return self.go(self.index + 1)

    def previous(self) -> bool:
        return self.go(self.index - 1)

    def first(self) -> bool:
        return self.go(0)

    def last(self) -> bool:
        return self.go(len(self) - 1)

    def leave(self) -> None:
        self.lesson, self._saved, self.path, self.index = None, None, None, 0
        self.changed.emit()
        self.left.emit()

    # --- editing ------------------------------------------------------------------------------
    def add_step(self, step: Step) -> None:
        """Insert ``step`` after the one shown (start a new lesson when none plays) and make it current.

        The page already shows the step's state, so nothing is re-opened."""
        if self.lesson is None:
            self.lesson = Lesson(*NEW_LESSON_TITLE, (step,))
            self._saved, self.path, self.index = None, None, 0
        else:
            steps = list(self.lesson.steps)
            steps.insert(self.index + 1, step)
            self.lesson = self.lesson.with_steps(steps)
            self.index += 1
        self.changed.emit()

    def replace_lesson(self, lesson: Lesson, index: int) -> None:
        """Take an edited lesson (from the step editor) and show its step ``index``."""
        self.lesson = lesson
        self.go(min(max(index, 0), len(lesson.steps) - 1), run_action=False)

    def mark_saved(self, path: Path) -> None:
        self.path, self._saved = Path(path), self.lesson
        self.changed.emit()


class LessonBar(QFrame):
    """Under the page: the step number, the caption (large), previous / next, all steps, leave."""

    def __init__(self, player: LessonPlayer, app_state):
        super().__init__()
        self.setObjectName("lessonBar")
        self.setFrameShape(QFrame.StyledPanel)
        self.player = player
        self.app_state = app_state
        self.step_label = QLabel()
        self.caption_label = QLabel()
        self.caption_label.setWordWrap(True)
        self.caption_label.setTextFormat(Qt.PlainText)
        self.caption_label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.buttons = {name: QPushButton(symbol) for name, symbol in SYMBOLS.items()}
        for button in self.buttons.values():
            button.setFocusPolicy(Qt.NoFocus)  # the focus stays on the page: keys keep working as they did
        self.buttons["previous"].clicked.connect(player.previous)
        self.buttons["next"].clicked.connect(player.next)
        row = QHBoxLayout(self)
        row.addWidget(self.step_label, 0, Qt.AlignVCenter)
        row.addSpacing(app_state.px(8))
        row.addWidget(self.caption_label, 1)
        for button in self.buttons.values():
            row.addWidget(button, 0, Qt.AlignVCenter)
        player.changed.connect(self.refresh)
        # After a step change the keyboard is the lesson's, even when the page put the focus in a field
        # (the exercises page focuses its answer); a click in a field gives that field the keys back.
        self.setFocusPolicy(Qt.ClickFocus)
        player.step_shown.connect(lambda _index: self.setFocus(Qt.OtherFocusReason))
        app_state.language_changed.connect(self.retranslate)
        app_state.scale_changed.connect(self.rescale)
        self.retranslate()
        self.rescale()
        self.setVisible(False)

    def retranslate(self, *_args) -> None:
        for name, button in self.buttons.items():
            button.setToolTip(tr(f"player.{name}"))
            button.setAccessibleName(tr(f"player.{name}"))
        self.setToolTip(tr("player.keys_tip"))
        self.refresh()

    def rescale(self, *_args) -> None:
        self.step_label.setFont(self.app_state.font(CAPTION_RELATIVE, bold=True))
        self.caption_label.setFont(self.app_state.font(CAPTION_RELATIVE))
        for button in self.buttons.values():
            button.setFont(self.app_state.font(CAPTION_RELATIVE))
            button.setMinimumWidth(self.app_state.px(44))
        self._caption_cap = self.caption_label.fontMetrics().lineSpacing() * CAPTION_LINES + 4
        self._fit_caption()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_caption()

    def _fit_caption(self) -> None:
        """The caption exactly as tall as its text wrapped at its width (up to ``CAPTION_LINES`` lines).

        Left to the window's layout, the bar took the label's preferred height, guessed for a
        narrower label: the caption's last line was cut on a 1280×720 projector, and a one-line
        caption got a bar three lines tall, taken from the page."""
        label = self.caption_label
        label.setMinimumHeight(0)  # QLabel's height for a width is at least its minimum height
        needed = label.heightForWidth(max(1, label.width()))  # -1 while it has no text
        label.setFixedHeight(min(max(0, needed), self._caption_cap))

    def refresh(self) -> None:
        player = self.player
        self.setVisible(player.active)
        if not player.active:
            return
        self.step_label.setText(tr("player.step", n=player.index + 1, total=len(player)))
        self.caption_label.setText(player.step.caption(self.app_state.language))
        self._fit_caption()
        for name, possible, why in (("previous", player.index > 0, "player.at_first"),
                                    ("next", player.index < len(player) - 1, "player.at_last")):
            self.buttons[name].setEnabled(possible)
            self.buttons[name].setToolTip(tr(f"player.{name}" if possible else why))

    # --- read by tests and the screenshot checks ------------------------------------------------
    def step_text(self) -> str:
        return self.step_label.text()

    def caption_text(self) -> str:
        return self.caption_label.text()
