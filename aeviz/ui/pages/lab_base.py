"""What the two lesson-2 lab pages share: a view bound to a lab state, edits that go into it,
refusals said in the user's language, a controls column beside the views and the direct view
refitted whenever the page is resized.

The page's only state is its store (:mod:`aeviz.state.convolution` / ``transposed``). A
person's edit becomes ``edit(**changes)``: the state validates it (the engine's rules), and
either every widget follows once, or nothing changes and the page says why. The hovered cell
is the one thing kept outside the state: it lives as long as the mouse stays on a cell.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer

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
})


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
    #: share of the state's matrix zoom the grids are drawn at (below 1 only in presentation)
    _matrix_fit = 1.0

    def _fit_matrix(self) -> None:
        """In presentation, with the direct view folded away, shrink the matrix view's grids until the
        part the state shows fits the screen's height whole (a 16-entry vec(x) at projector size is
        taller than the screen); never past the state's zoom. Elsewhere the grids keep that zoom."""
        value = self.store.value
        fit = 1.0
        if self.state.settings.presentation and value.section == "matrix":
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

