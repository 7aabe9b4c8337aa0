"""What the two lesson-2 lab pages share: a view bound to a lab state, edits that go into it,
refusals said in the user's language, a controls column beside the views and the direct view
refitted whenever the page is resized.

The page's only state is its store (:mod:`aeviz.state.convolution` / ``transposed``). A
person's edit becomes ``edit(**changes)``: the state validates it (the engine's rules), and
either every widget follows once, or nothing changes and the page says why. The hovered cell
is the one thing kept outside the state: it lives as long as the mouse stays on a cell.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer

from aeviz.state.base import StateError
from aeviz.state.lab import ZOOM_RANGE, Cell, LabState
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.widgets.lab_layout import size_controls_column
from aeviz.ui.widgets.matrix_view import MatrixView

add_strings({
    "err.lab.output_cell_outside": {
        "en": "The selected output cell ({row}, {col}) is outside the {shape} output.",
        "fr": "La case de sortie choisie ({row}, {col}) est hors de la sortie {shape}."},
    "err.lab.input_cell_outside": {
        "en": "The selected input cell ({row}, {col}) is outside the {shape} input.",
        "fr": "La case d'entrée choisie ({row}, {col}) est hors de l'entrée {shape}."},
    "err.lab.no_image_file": {"en": "The real-image tab shows a file, but no image file is named.",
                              "fr": "L'onglet Image réelle montre un fichier, mais aucun fichier image n'est indiqué."},
    "err.field.input_grid": {"en": "input x", "fr": "entrée x"},
    "err.field.kernel": {"en": "kernel k", "fr": "noyau k"},
    "err.field.stride": {"en": "stride", "fr": "pas"},
    "err.field.padding": {"en": "padding", "fr": "remplissage"},
    "err.field.dilation": {"en": "dilation", "fr": "dilatation"},
    "err.field.output_padding": {"en": "output padding", "fr": "remplissage de sortie"},
    "err.field.selected": {"en": "selected cell", "fr": "case choisie"},
    "err.field.selected_row": {"en": "row of the selected cell", "fr": "ligne de la case choisie"},
    "err.field.selected_col": {"en": "column of the selected cell", "fr": "colonne de la case choisie"},
    "err.field.step": {"en": "step", "fr": "étape"},
    "err.field.speed": {"en": "stepper speed", "fr": "vitesse de lecture"},
    "err.field.exercise": {"en": "exercise switch", "fr": "interrupteur Exercice"},
    "err.field.matrix_zoom": {"en": "matrix zoom", "fr": "zoom de la matrice"},
    "err.field.tab": {"en": "tab", "fr": "onglet"},
    "err.field.section": {"en": "part shown", "fr": "partie affichée"},
    "err.field.matrix_part": {"en": "part of the matrix view shown", "fr": "partie affichée de la vue matricielle"},
    "err.field.real_source": {"en": "image source", "fr": "source de l'image"},
    "err.field.real_digit": {"en": "MNIST digit number", "fr": "numéro du chiffre MNIST"},
    "err.field.real_file": {"en": "image file", "fr": "fichier image"},
    "err.field.show_c": {"en": "C beside Cᵀ", "fr": "C à côté de Cᵀ"},
    "lab.more_direct": {"en": "Part of it is out of view: scroll, or drag the divider above up.",
                        "fr": "Une partie est hors de vue : faites défiler, ou remontez la séparation."},
    "lab.more": {"en": "Part of it is out of view: scroll, or zoom out.",
                 "fr": "Une partie est hors de vue : faites défiler, ou réduisez le zoom."},
})

#: the smallest numbers (in points) the grids shrink to, to fit a small window; below, they scroll
LEGIBLE_POINTS = 8.0


def legible_zoom(views) -> float:
    """The smallest factor ``zoomed_to`` takes: every view's numbers are then LEGIBLE_POINTS (or their
    own size, if smaller)."""
    return min(1.0, LEGIBLE_POINTS / max(v.state.point_size(v.font_rel) for v in views))


def wrap_captions(views, on: bool) -> None:
    """Let the views' captions wrap over their grids (``on``: a row too wide for the ordinary window;
    in presentation the controls fold away and captions keep one line)."""
    for view in views:
        if view.wrap_caption != on:
            view.wrap_caption = on
            view.rescale()


def largest_fit(fits, floor: float) -> float | None:
    """The largest factor in [floor, 1] for which ``fits(factor)`` (by bisection); None if not even the
    floor fits."""
    if fits(1.0):
        return 1.0
    if not fits(floor):
        return None
    low, high = floor, 1.0
    for _ in range(7):
        middle = (low + high) / 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def zoomed_to(views, factor: float) -> None:
    """Shrink the views' numbers to ``factor`` × the largest of them, as a cap: the big numbers (an
    output's) shrink first, the small ones (a partial's) only once the cap reaches them, and none below
    LEGIBLE_POINTS. Views whose numbers have one size are all simply at zoom ``factor``."""
    sizes = [v.state.point_size(v.font_rel) for v in views]
    cap = max(LEGIBLE_POINTS, factor * max(sizes))
    for view, size in zip(views, sizes):
        view.set_zoom(min(1.0, cap / size))


def zoomed_in_row(views, factor: float, row) -> None:
    """``zoomed_to``, and the widgets between the views and ``row`` told at once: a layout caches its
    items' sizes, so a grid nested in a box (the partials) would leave ``row``'s size hint stale
    until the next event loop."""
    zoomed_to(views, factor)
    for view in views:
        parent = view.parentWidget()
        while parent is not None and parent is not row:
            parent.updateGeometry()
            parent = parent.parentWidget()


def width_fits(views, row, width: int):
    """A test for ``largest_fit``: at this zoom of ``views``, ``row`` is at most ``width`` wide."""
    def fits(zoom: float) -> bool:
        zoomed_in_row(views, zoom, row)
        return row.sizeHint().width() <= width
    return fits


def room_beside_bar(area) -> tuple[int, bool]:
    """A scroll area's width beside its vertical scroll bar if its content needs one, and whether it
    does (from the area's size: its viewport lags behind a change of content)."""
    tall = area.widget().sizeHint().height() > area.height()
    return area.width() - (area.verticalScrollBar().sizeHint().width() if tall else 0), tall


def refusal_text(exc: StateError) -> str:
    """An engine refusal reads as a sentence ("Impossible combination: …"); the others are sentences already."""
    if exc.code.startswith("conv."):
        return tr("shape.impossible", reason=describe_error(exc))
    return describe_error(exc)


class LabPage(Page):
    """Subclasses build ``self.main_split`` (controls | views), ``self.split`` (direct | matrix),
    ``self.direct``, ``self.error_label``, and implement ``_render`` and ``_fit_split``."""

    #: tabs of ``self.tabs``, in order, as the state names them
    TABS: tuple[str, ...] = ()

    def _init_lab(self, store) -> None:
        self.store = store
        self.hover: Cell | None = None
        self._refusal: StateError | None = None
        self._fitted: tuple[int, str, int] | None = None   # (direct view's height, section, split's height) fitted to
        self.store.observe(self._render)
        self.tabs.currentChanged.connect(lambda index: self.edit(tab=self.TABS[index]))
        self.split.splitterMoved.connect(self._on_split_moved)
        self.stepper.indexChanged.connect(self._on_step)
        self.stepper.speed.valueChanged.connect(lambda v: self.edit(speed=v))
        self.exercise_switch.toggled.connect(lambda on: self.edit(exercise=on))
        self.params.changed.connect(lambda: self.edit(**self.params.values()))
        self._refit_pending = False
        for area in (self.split.widget(0), self.matrix_scroll):   # a divider dragged, a window resized
            area.installEventFilter(self)

    # --- edits ---------------------------------------------------------------------------------
    def edit(self, **changes) -> bool:
        """Put a person's change into the state; if it is refused, say why and show the state again."""
        value: LabState = self.store.value
        self._refusal = None
        try:
            self.store.set(**value.fitted(**changes))
        except StateError as exc:
            self._refusal = exc
            self._render(self.store.value, frozenset())
            return False
        self._show_refusal()   # an edit that changes nothing still clears an earlier refusal
        return True

    def select(self, cell: Cell | None) -> None:
        self.edit(**self.selection_changes(cell))

    def selection_changes(self, cell: Cell | None) -> dict:
        return LabState.select(cell)

    def _on_step(self, index: int) -> None:
        self.edit(step=index, **LabState.select(self.store.value.step_cell(index)))

    def _hover(self, cell: Cell | None) -> None:
        self.hover = cell
        self.refresh_links()

    def _show_refusal(self) -> None:
        self.error_label.setVisible(self._refusal is not None)
        self.error_label.setText(refusal_text(self._refusal) if self._refusal is not None else "")

    # --- the part shown: the direct view, or the matrix folding it away -------------------------
    def _on_split_moved(self, _pos: int, _index: int) -> None:
        new = "matrix" if self.split.sizes()[0] == 0 else "direct"
        if new != self.store.value.section:
            if self._fitted is not None:   # keep the sizes the person dragged to
                self._fitted = (self._fitted[0], new, self._fitted[2])
            self.edit(section=new)

    def _split_sizes(self, want: int, cap) -> bool:
        """The direct view gets ``want`` (at most ``cap(total)``), the matrix the rest; nothing when folded.
        False if the split already has these sizes (a person's own drag, which keeps the total, is left
        alone; a new total, e.g. the window's final size in presentation, fits again)."""
        section = self.store.value.section
        total = sum(self.split.sizes()) or self.state.px(500)   # not laid out yet: a plausible height
        key = (want, section, total)
        if key == self._fitted:
            return False
        self._fitted = key
        top = 0 if section == "matrix" else min(want, cap(total))
        self.split.setSizes([top, total - top])
        return True

    def _fit_split(self) -> None:
        raise NotImplementedError

    # --- presentation: the matrix view alone fits the screen's height -------------------------
    #: share of the state's matrix zoom the grids are drawn at (below 1 when the room is short)
    _matrix_fit = 1.0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize and not self._refit_pending:
            self._refit_pending = True   # once, after the layouts have moved everything
            QTimer.singleShot(0, self._refit)
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        """The direct view or the matrix view got another size: their grids fit the new room (the split
        between them is kept unless what the direct view needs changed)."""
        self._refit_pending = False
        self._fit_split()

    def _fit_matrix(self) -> None:
        """Size the matrix view's grids to the room they have (below), then say if part of the product
        is out of view."""
        wrap_captions(self._wrapping_views(), False)
        if self.state.settings.presentation:
            self._fit_matrix_to_screen()
        else:
            self._fit_matrix_to_window()
        self._show_matrix_overflow()

    def _fit_matrix_to_window(self) -> None:
        """Outside presentation the product opens whole when it can at a legible size: its grids shrink
        (never grow) until the product's row fits the view's width and, with the direct view folded
        away, its tallest grid the view's height, down to LEGIBLE_POINTS. Under the direct view (or
        when even that size is too tall) the height is left to scroll: a 16-entry vec(x) does not fit
        under it legibly, and shrinking would only make it smaller. The fit is that of the state's
        zoom 100 %: a person's zoom multiplies it."""
        if not self.matrix_scroll.isVisible():   # not laid out: sizes mean nothing yet (fitted when shown)
            self._matrix_fit = 1.0
            self._apply_matrix_zoom()
            return
        views, room = self._matrix_stage()
        zoomed = self._product_views()
        row = self._product_row()
        width, _tall = room_beside_bar(self.matrix_scroll)
        zoomed_to(zoomed, 1.0)
        if row.sizeHint().width() > width:   # too wide at full size: long captions wrap first
            wrap_captions(self._wrapping_views(), True)
        floor = legible_zoom(zoomed)

        def height_fits(fit: float) -> bool:
            zoomed_to(zoomed, fit)
            return max(v.sizeHint().height() for v in views) <= room

        fit_w = largest_fit(width_fits(zoomed, row, width), floor)
        fit_h = largest_fit(height_fits, floor) if self.store.value.section == "matrix" else None
        self._matrix_fit = min(floor if fit_w is None else fit_w, 1.0 if fit_h is None else fit_h)
        self._apply_matrix_zoom()

    def _show_matrix_overflow(self) -> None:
        """A line under the zoom says when part of the product is out of view, and how to see it."""
        width, _tall = room_beside_bar(self.matrix_scroll)
        views, room = self._matrix_stage()   # the part shown; the transposed page's columns lie below it
        hidden = (not self.state.settings.presentation and self.matrix_scroll.isVisible()
                  and (self._product_row().sizeHint().width() > width
                       or max(v.sizeHint().height() for v in views) > room))
        key = "lab.more" if self.store.value.section == "matrix" else "lab.more_direct"
        self.matrix_more.setText(tr(key) if hidden else "")
        self.matrix_more.setVisible(hidden)

    def _fit_matrix_to_screen(self) -> None:
        """In presentation, with the direct view folded away, shrink the matrix view's grids until the
        part the state shows fits the screen's height whole (a 16-entry vec(x) at projector size is
        taller than the screen); never past the state's zoom. Under the direct view they keep that zoom."""
        value = self.store.value
        fit = 1.0
        if value.section == "matrix":
            views, room = self._matrix_stage()
            fit = self._matrix_fit
            for _ in range(3):   # heights are linear in the zoom except for rounding: settles in 1-2 rounds
                need = max(v.sizeHint().height() for v in views)
                fixed = max(v.top + 2 * v.margin for v in views)
                wanted = min(1.0, max(0.3, fit * (room - fixed) / max(1, need - fixed)))
                if need <= room and wanted - fit < 0.01:
                    break
                fit = wanted if need <= room else min(wanted, fit * 0.99)
                self._matrix_fit = fit
                self._apply_matrix_zoom()
        self._matrix_fit = fit
        self._apply_matrix_zoom()

    def _zoom_from_view(self, zoom: float) -> int:
        """The state's matrix zoom (percent) for a view's Ctrl + wheel request."""
        return min(max(round(zoom / self._matrix_fit * 100), ZOOM_RANGE[0]), ZOOM_RANGE[1])

    def _matrix_stage(self):
        """The matrix view's grids of the part shown, and the height they have on screen."""
        raise NotImplementedError

    def _product_views(self):
        """The matrix view's grids drawn at the state's zoom (the product's)."""
        raise NotImplementedError

    def _product_row(self):
        """The row holding the product: all of it should fit the matrix view's width."""
        raise NotImplementedError

    def _wrapping_views(self):
        """Views in the product's row whose captions may wrap when the row is too wide."""
        return ()

    def _apply_matrix_zoom(self) -> None:
        """Draw the matrix view's grids at the state's zoom × ``_matrix_fit``."""
        raise NotImplementedError

    def _render(self, value, changed: frozenset) -> None:
        """Show ``value`` (the whole of it: derived arrays are cached by the fields they come from)."""
        raise NotImplementedError

    def refresh_links(self) -> None:
        raise NotImplementedError

    def finish_loading(self) -> None:
        """Wait for the page's background reading, if any, and show its result."""

    # --- presentation ------------------------------------------------------------------------------
    def controls_panel(self):
        """The editors, parameters and formula column: in presentation the views take the screen."""
        return self.main_split.widget(0)

    # --- hooks -----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        if self.store is not None:
            self._render(self.store.value, frozenset())

    def run_step_action(self, action: str) -> None:
        """A lesson step's "play": the stepper walks the cells from where the step left it."""
        if action == "play" and not self.stepper.playing():
            self.stepper.toggle_play()

    def retheme(self) -> None:
        for view in self.findChildren(MatrixView):
            view.update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_split)   # a page changed while hidden (a lesson step) fits once on screen

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fitted = None   # fit the direct view again, once the splitter has its new height
        QTimer.singleShot(0, self._fit_split)
        if not getattr(self, "_split_done", False) and event.size().width() > 0:
            self._split_done = True
            size_controls_column(self.main_split, event.size().width())

    @staticmethod
    def _quiet(widget, setter, *args) -> None:
        """Write a widget without its signals: the state already holds the value."""
        widget.blockSignals(True)
        try:
            setter(*args)
        finally:
            widget.blockSignals(False)

