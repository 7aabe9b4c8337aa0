"""All the steps of a lesson as thumbnails: pick one to jump to it.

A step that has been shown is captured from the window itself, a moment after it showed
(one grab of the page, while the teacher talks). The others are drawn from hidden
instances of the page classes (one per page, reused from step to step) set to each step's
state, one thumbnail per timer tick so the window keeps answering while they come. A
thumbnail from a hidden page costs one render of that page (0.01-0.3 s); the first one
of a page also builds the page, which for some pages takes seconds (see
bench/lesson_player.py): capturing shown steps spares most of those. Thumbnails are kept
per state, so the overview opens at once the next time and a step added later is the only
one drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListView, QListWidget, QListWidgetItem, QVBoxLayout

from aeviz.state.lesson import Step
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages import spec_for

add_strings({
    "overview.title": {"en": "All steps: {title}", "fr": "Toutes les étapes : {title}"},
    "overview.item": {"en": "{n}. {caption}", "fr": "{n}. {caption}"},
})

#: thumbnails per row of the overview, whatever the screen and the zoom
COLUMNS = 4
#: the overview's size, relative to the window's
OVERVIEW_SHARE = 0.9
#: the narrowest thumbnail (pixels)
MIN_THUMB_WIDTH = 160
#: how long after a step shows its page is captured as its thumbnail (quick background loads land)
CAPTURE_DELAY_MS = 600
#: characters of the caption under a thumbnail
CAPTION_CHARS = 70


class ThumbnailCache(QObject):
    """Thumbnails of step states, drawn on demand, one per timer tick, by hidden pages.

    ``request(steps)`` queues the states not drawn yet; ``ready(index)`` tells the index
    in that list of each one drawn. ``close()`` releases the hidden pages."""

    ready = Signal(int)

    def __init__(self, app_state, parent: QObject | None = None):
        super().__init__(parent)
        self.app_state = app_state
        self.page_size = QSize(1280, 800)
        self.width = 320
        self._pixmaps: dict[tuple, QPixmap] = {}
        self._pages: dict = {}
        self._queue: list[tuple[int, Step]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(10)  # lets input and paint events through between two thumbnails
        self._timer.timeout.connect(self._draw_next)
        app_state.language_changed.connect(self.clear)
        app_state.theme_changed.connect(self.clear)
        app_state.scale_changed.connect(self.clear)

    @staticmethod
    def key(step: Step) -> tuple:
        return step.page, step.state

    def fit(self, window) -> None:
        """Thumbnails for ``window``'s overview: its pages' size, ``COLUMNS`` to a row of the dialog."""
        dialog_width = int(window.width() * OVERVIEW_SHARE)
        self.set_geometry(window.stack.size(), max(MIN_THUMB_WIDTH, dialog_width // COLUMNS - 40))

    def set_geometry(self, page_size: QSize, width: int) -> None:
        """Draw pages at ``page_size`` (the window's) into thumbnails ``width`` pixels wide."""
        if (page_size, width) != (self.page_size, self.width):
            self.clear()
            self.page_size, self.width = QSize(page_size), width

    def pixmap(self, step: Step) -> QPixmap | None:
        return self._pixmaps.get(self.key(step))

    def request(self, steps: tuple[Step, ...]) -> None:
        """Queue the steps without a thumbnail, cheapest first: those whose hidden page is already
        built (one render each), then page by page (the first of a page builds it, 0.1-0.6 s)."""
        missing = [(i, s) for i, s in enumerate(steps) if self.key(s) not in self._pixmaps]
        first_of_page: dict[str, int] = {}
        for i, step in missing:
            first_of_page.setdefault(step.page, i)
        self._queue = sorted(missing, key=lambda item: (item[1].page not in self._pages,
                                                        first_of_page[item[1].page], item[0]))
        if self._queue:
            self._timer.start()

    def pending(self) -> int:
        return len(self._queue)

    def stop(self) -> None:
        self._queue = []
        self._timer.stop()

    def clear(self, *_args) -> None:
        """Forget every thumbnail (the language, theme or zoom changed what a page looks like)."""
        self.stop()
        self._pixmaps.clear()

    def shutdown(self) -> None:
        """Stop drawing and the hidden pages' workers (the window is closing). The pages stay alive
        until the window goes: deleting one whose worker is still finishing would abort Python."""
        self.stop()
        for page in self._pages.values():
            page.shutdown()

    def capture_shown_steps(self, player, window) -> None:
        """Keep a thumbnail of each step the window shows, taken ``CAPTURE_DELAY_MS`` after it showed."""
        # the window as the timer's context: a window deleted meanwhile cancels the capture
        player.step_shown.connect(lambda index: QTimer.singleShot(
            CAPTURE_DELAY_MS, window, lambda: self._capture(player, window, index, player.step)))

    def _capture(self, player, window, index: int, step: Step | None) -> None:
        if (step is None or player.step != step or player.index != index or not window.isVisible()
                or window.current_page().page_id != step.page):
            return
        self.fit(window)
        if self.key(step) in self._pixmaps:
            return
        self._pixmaps[self.key(step)] = window.current_page().grab().scaledToWidth(self.width,
                                                                                    Qt.SmoothTransformation)

    def draw(self, step: Step) -> QPixmap:
        """One step's thumbnail, drawn now (the timer calls this for each queued step)."""
        page = self._pages.get(step.page)
        if page is None:
            page = spec_for(step.page).load_class()(self.app_state)
            page.setAttribute(Qt.WA_DontShowOnScreen, True)
            self._pages[step.page] = page
        page.catch_up()  # a zoom since its last thumbnail: the page is hidden, it re-polishes now
        page.resize(self.page_size.expandedTo(page.minimumSizeHint()))
        page.open_state(step.state)
        thumb = page.grab().scaledToWidth(self.width, Qt.SmoothTransformation)
        self._pixmaps[self.key(step)] = thumb
        return thumb

    def _draw_next(self) -> None:
        if not self._queue:
            self._timer.stop()
            return
        index, step = self._queue.pop(0)
        if self.key(step) not in self._pixmaps:
            self.draw(step)
        self.ready.emit(index)
        if not self._queue:
            self._timer.stop()


class LessonOverview(QDialog):
    """The steps as a grid of thumbnails; double-click, Enter or OK jumps to one."""

    chosen = Signal(int)

    def __init__(self, player, thumbnails: ThumbnailCache, parent=None):
        super().__init__(parent)
        self.player = player
        self.thumbnails = thumbnails
        self.steps = player.lesson.steps
        app_state = thumbnails.app_state
        self.setWindowTitle(tr("overview.title", title=player.lesson.title(app_state.language)))
        window = parent.window() if parent is not None else None
        if window is not None:
            self.resize(window.size() * OVERVIEW_SHARE)
            thumbnails.fit(window)
        size = thumbnails.page_size
        width = thumbnails.width
        height = width * size.height() // max(1, size.width())
        self.placeholder = QPixmap(width, height)
        self.placeholder.fill(QColor(128, 128, 128, 60))
        self.grid = QListWidget()
        self.grid.setViewMode(QListView.IconMode)
        self.grid.setResizeMode(QListView.Adjust)
        self.grid.setMovement(QListView.Static)
        self.grid.setWordWrap(True)
        self.grid.setIconSize(self.placeholder.size())
        self.grid.setFont(app_state.font(0.9))
        self.grid.setGridSize(QSize(width + 24, height + self.grid.fontMetrics().lineSpacing() * 3 + 8))
        for n, step in enumerate(self.steps, start=1):
            caption = step.caption(app_state.language)
            if len(caption) > CAPTION_CHARS:
                caption = caption[:CAPTION_CHARS - 1] + "…"
            item = QListWidgetItem(tr("overview.item", n=n, caption=caption))
            item.setToolTip(step.caption(app_state.language))
            self.grid.addItem(item)
            self._show_thumbnail(n - 1)
        self.grid.setCurrentRow(player.index)
        self.grid.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        layout.addWidget(buttons)
        thumbnails.ready.connect(self._show_thumbnail)
        thumbnails.request(self.steps)

    def _show_thumbnail(self, index: int) -> None:
        if index < self.grid.count():
            pixmap = self.thumbnails.pixmap(self.steps[index])
            self.grid.item(index).setIcon(QIcon(pixmap if pixmap is not None else self.placeholder))

    def shown_thumbnails(self) -> int:
        """How many steps show their thumbnail (the rest wait for theirs)."""
        return sum(self.thumbnails.pixmap(s) is not None for s in self.steps)

    def selected_step(self) -> int:
        return self.grid.currentRow()

    def done(self, result: int) -> None:
        self.thumbnails.stop()
        self.thumbnails.ready.disconnect(self._show_thumbnail)
        super().done(result)
        if result == QDialog.Accepted and self.grid.currentRow() >= 0:
            self.chosen.emit(self.grid.currentRow())
