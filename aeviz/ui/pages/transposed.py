"""Lesson 2, transposed convolution (déconvolution): scatter-add and the matrix Cᵀ, linked.

Direct view: each input element times the kernel, placed at its stride offset, as a
separate partial grid, and their sum. Grids are drawn *before* cropping: the border
that padding removes is hatched, the rows/columns added by output_padding are
cross-hatched, and the cropped result is shown beside. Matrix view: Cᵀ·vec(x), with
the matching convolution's C beside it on demand, and the column decomposition
x₁·col₁ + x₂·col₂ + … The stepper walks the input elements, adding one partial at
a time.

The page is a view of :class:`aeviz.state.transposed.TransposedState`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QLabel, QSlider, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from aeviz.core.conv import conv_matrix, conv_transpose2d, conv_transpose_matrix, transpose_partials
from aeviz.state.base import Store
from aeviz.state.lab import INPUT_MAX, KERNEL_MAX, ZOOM_RANGE, Cell, as_grid
from aeviz.state.transposed import SLIDE_K, SLIDE_X, TransposedState
from aeviz.ui.i18n import add_strings, current_language, tr
from aeviz.ui.pages.lab_base import (LabPage, largest_fit, legible_zoom, room_beside_bar, width_fits, wrap_captions,
                                      zoomed_in_row)
from aeviz.ui.pages.convolution import KERNEL_PRESETS
from aeviz.ui.widgets import fmt_num
from aeviz.ui.widgets.answer_mask import ExerciseSwitch, hide_output_cells
from aeviz.ui.widgets.flow_layout import FlowLayout
from aeviz.ui.widgets.grid_editor import GridEditor
from aeviz.ui.widgets.lab_layout import controls_column, hrow, op_label, scroll, size_controls_column, vcol
from aeviz.ui.widgets.matrix_view import CROSS, HATCH, MatrixView
from aeviz.ui.widgets.overlap import OverlapPanel
from aeviz.ui.widgets.params import ParamsBox
from aeviz.ui.widgets.shape_panel import ShapePanel
from aeviz.ui.widgets.stepper import Stepper

add_strings({
    "tconv.title": {"en": "Transposed convolution (deconvolution)", "fr": "Convolution transposée (déconvolution)"},
    "tconv.input": {"en": "Input x (entrée)", "fr": "Entrée x"},
    "tconv.kernel": {"en": "Kernel k (noyau)", "fr": "Noyau k"},
    "tconv.params": {"en": "Parameters", "fr": "Paramètres"},
    "tconv.hint": {"en": "Each input element scatters x·k at its stride offset; overlaps add up. Click an input "
                         "element: its partial grid, its column of Cᵀ and the outputs it reaches light up. Click an "
                         "output cell: its row of Cᵀ and the inputs that feed it. Hatched: cropped by padding; "
                         "cross-hatched: added by output_padding.",
                   "fr": "Chaque élément d'entrée dépose x·k décalé selon le pas ; les recouvrements s'additionnent. "
                         "Cliquez un élément d'entrée : sa grille partielle, sa colonne de Cᵀ et les sorties qu'il "
                         "atteint s'allument. Cliquez une case de sortie : sa ligne de Cᵀ et les entrées qui la "
                         "nourrissent. Hachuré : rogné par le remplissage ; quadrillé : ajouté par output_padding."},
    "tconv.tab_linked": {"en": "Scatter-add ↔ matrix", "fr": "Somme par dépôts ↔ matricielle"},
    "tconv.tab_overlap": {"en": "Overlap (checkerboard)", "fr": "Recouvrements (damier)"},
    "tconv.input_view": {"en": "Input x", "fr": "Entrée x"},
    "tconv.partial": {"en": "x({r},{c})·k = {v}·k", "fr": "x({r},{c})·k = {v}·k"},
    "tconv.step": {"en": "Partial {i} / {n}", "fr": "Partielle {i} / {n}"},
    "tconv.step_idle": {"en": "Partial — / {n}", "fr": "Partielle — / {n}"},
    "tconv.sum_all": {"en": "Sum of all partials, before cropping", "fr": "Somme des partielles, avant rognage"},
    "tconv.sum_some": {"en": "Running sum: {i} of {n} partials", "fr": "Somme en cours\u00a0: {i} partielles sur\u00a0{n}"},
    "tconv.output": {"en": "Output y ({r}×{c})", "fr": "Sortie y ({r}×{c})"},
    "tconv.matrix": {"en": "Cᵀ ({r}×{c})", "fr": "Cᵀ ({r}×{c})"},
    "tconv.show_c": {"en": "Show the matching convolution's C beside it", "fr": "Afficher à côté la matrice C de la convolution associée"},
    "tconv.c_view": {"en": "C of the convolution {i}→{o} ({r}×{c}): Cᵀ is its transpose {ok}",
                     "fr": "C de la convolution {i}→{o} ({r}×{c}) : Cᵀ est sa transposée {ok}"},
    "tconv.c_mismatch": {"en": "(here not exactly: output_padding ≥ stride)", "fr": "(ici pas exactement : output_padding ≥ pas)"},
    "tconv.vecx": {"en": "vec(x)", "fr": "vec(x)"},
    "tconv.vecy": {"en": "vec(y)", "fr": "vec(y)"},   # the operators beside the grids say = Cᵀ·vec(x)
    "tconv.columns": {"en": "Column decomposition: vec(y) = x₁·col₁ + x₂·col₂ + …",
                      "fr": "Décomposition en colonnes : vec(y) = x₁·col₁ + x₂·col₂ + …"},
    "tconv.col": {"en": "{v}·col{j}", "fr": "{v}·col{j}"},
    "preset.slide_tinput": {"en": "Lesson 2 slide: 2×2 input", "fr": "Diapo leçon 2 : entrée 2×2"},
    "preset.slide_tkernel": {"en": "Lesson 2 slide: transposed 3×3 kernel", "fr": "Diapo leçon 2 : noyau 3×3 (transposée)"},
})

INPUT_PRESETS = [("preset.slide_tinput", lambda: np.array(SLIDE_X))]
TKERNEL_PRESETS = [("preset.slide_tkernel", lambda: np.array(SLIDE_K))] + KERNEL_PRESETS


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class TransposedPage(LabPage):
    page_id = "transposed"
    title_key = "page.transposed"
    TABS = ("linked", "overlap")

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.geometry = None
        self.y = self.M = None
        self._computed = None   # the state fields the arrays were computed for
        self.input_editor = GridEditor(state, "tconv.input", INPUT_MAX, INPUT_MAX, SLIDE_X, INPUT_PRESETS, (0, 9))
        self.kernel_editor = GridEditor(state, "tconv.kernel", KERNEL_MAX, KERNEL_MAX, SLIDE_K, TKERNEL_PRESETS, (-2, 4))
        self.params = ParamsBox(("stride", "padding", "output_padding", "dilation"))
        self.shape_panel = ShapePanel()
        self.exercise_switch = ExerciseSwitch()
        params_title, hint = QLabel(), QLabel()
        hint.setWordWrap(True)
        self.bind_text(params_title.setText, "tconv.params")
        self.bind_text(hint.setText, "tconv.hint")
        self.scale_font(params_title, 1.15, bold=True)
        left = vcol(self.heading("tconv.title", 1.2), self.input_editor, self.kernel_editor, params_title,
                    self.params, self.shape_panel, self.exercise_switch, hint)
        # --- direct view: input, partial grids, sum, cropped output
        self.input_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.partials_box = QWidget()
        self.partials_grid = QGridLayout(self.partials_box)
        self.partials_grid.setContentsMargins(0, 0, 0, 0)
        self.partial_views: list[MatrixView] = []
        self.sum_view = MatrixView(state)
        self.output_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.ops = [op_label("→"), op_label("="), op_label("→"), op_label("·"), op_label("="), op_label("→")]
        for op in self.ops:
            self.scale_font(op, 2.6, bold=True)
        self.direct = hrow(self.input_view, self.ops[0], self.partials_box, self.ops[1], self.sum_view,
                           self.ops[2], self.output_view, align=Qt.AlignTop)
        # --- matrix view
        self.show_c = QCheckBox()
        self.bind_text(self.show_c.setText, "tconv.show_c")
        self.zoom_slider = QSlider(Qt.Horizontal)
        self.zoom_slider.setRange(*ZOOM_RANGE)
        self.zoom_slider.setValue(100)
        zoom_label = QLabel()
        self.bind_text(zoom_label.setText, "conv.matrix_zoom")
        self.m_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.c_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.c_view.setVisible(False)
        self.vecx_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.vecy_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.out2_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.columns_title = QLabel()
        self.bind_text(self.columns_title.setText, "tconv.columns")
        self.scale_font(self.columns_title, 1.1, bold=True)
        self.columns_box = QWidget()
        self.columns_row = QHBoxLayout(self.columns_box)
        self.columns_row.setContentsMargins(0, 0, 0, 0)
        self.column_views: list[MatrixView] = []
        self.zoom_row = QWidget()   # the zoom goes under the check box when both do not fit side by side
        FlowLayout(self.zoom_row).add_widgets(self.show_c, hrow(zoom_label, self.zoom_slider, stretch=False))
        self.matrix_more = QLabel()
        self.matrix_more.setWordWrap(True)
        self.matrix_more.setVisible(False)
        self.product_row = hrow(self.m_view, self.ops[3], self.vecx_view, self.ops[4], self.vecy_view,
                                self.ops[5], self.out2_view, self.c_view, align=Qt.AlignTop)
        matrix = vcol(self.zoom_row, self.matrix_more, self.product_row,
                      self.columns_title, hrow(self.columns_box, align=Qt.AlignTop))
        self.split = QSplitter(Qt.Vertical)
        self.split.addWidget(scroll(self.direct))
        self.matrix_scroll = scroll(matrix)
        self.split.addWidget(self.matrix_scroll)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.scale_font(self.error_label, 1.3, bold=True)
        self.overlap = OverlapPanel(state)
        self.stepper = Stepper("tconv.step", "tconv.step_idle")
        self.tabs = QTabWidget()
        linked = vcol(self.split, stretch=False)
        self.tabs.addTab(linked, "")
        self.tabs.addTab(scroll(self.overlap), "")
        right = vcol(self.stepper, self.error_label, stretch=False)
        right.layout().addWidget(self.tabs, 1)
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.addWidget(controls_column(left))
        self.main_split.addWidget(right)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1000, 3000])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.main_split)
        # --- wiring: every edit goes into the state
        self._init_lab(Store(TransposedState()))
        self.input_editor.changed.connect(lambda: self.edit(input_grid=as_grid(self.input_editor.values())))
        self.kernel_editor.changed.connect(lambda: self.edit(kernel=as_grid(self.kernel_editor.values())))
        self.show_c.toggled.connect(lambda on: self.edit(show_c=on))
        self.zoom_slider.valueChanged.connect(lambda v: self.edit(matrix_zoom=v))
        self.overlap.fill_ones.connect(
            lambda: self.edit(input_grid=as_grid(np.ones(self.store.value.x().shape))))
        self.overlap.demo.connect(self.checkerboard_demo)
        self._scrolled_for: tuple | None = None   # (part, layout) the matrix view was scrolled for
        self._scrolling = False
        self.matrix_scroll.verticalScrollBar().valueChanged.connect(self._on_matrix_scrolled)
        for view in (self.input_view, self.sum_view, self.output_view, self.out2_view):
            view.wheel_zoom = False
        for view in self._zoomed_views():
            view.wheel_zoom = False
            view.zoomRequested.connect(lambda z: self.edit(matrix_zoom=self._zoom_from_view(z)))
        self.input_view.cellClicked.connect(lambda r, c: self.select(Cell("input", r, c)))
        self.vecx_view.cellClicked.connect(lambda r, c: self.select(self._in_flat(r)))
        self.m_view.cellClicked.connect(lambda r, c: self.select(self._out_flat(r)))
        self.vecy_view.cellClicked.connect(lambda r, c: self.select(self._out_flat(r)))
        self.output_view.cellClicked.connect(lambda r, c: self.select(Cell("output", r, c)))
        self.out2_view.cellClicked.connect(lambda r, c: self.select(Cell("output", r, c)))
        self.sum_view.cellClicked.connect(self._on_full_click)
        self.retranslate()
        self.rescale()

    def _zoomed_views(self) -> tuple[MatrixView, ...]:
        """The matrix product's views, which the matrix zoom scales."""
        return (self.m_view, self.c_view, self.vecx_view, self.vecy_view)

    # --- state → view -------------------------------------------------------------------------
    def _render(self, value: TransposedState, changed: frozenset) -> None:
        self._compute(value)
        self._quiet(self.tabs, self.tabs.setCurrentIndex, self.TABS.index(value.tab))
        self.input_editor.show_values(value.input_grid)
        self.kernel_editor.show_values(value.kernel)
        self.params.set_values(notify=False, **value.params())
        self._quiet(self.exercise_switch, self.exercise_switch.setChecked, value.exercise)
        self._quiet(self.show_c, self.show_c.setChecked, value.show_c)
        self.c_view.setVisible(value.show_c)
        self.stepper.show_position(self.x.size, value.step, value.speed)
        self._quiet(self.zoom_slider, self.zoom_slider.setValue, value.matrix_zoom)
        self._apply_matrix_zoom()
        self._show_refusal()
        QTimer.singleShot(0, self._fit_split)   # once the layouts have the new grids' sizes
        self.refresh()

    def _compute(self, value: TransposedState) -> None:
        """The derived arrays, recomputed only when the grids or the parameters changed."""
        key = (value.input_grid, value.kernel, value.stride, value.padding, value.output_padding, value.dilation,
               current_language())
        if key == self._computed:
            return
        self._computed = key
        self.x, self.k, p = value.x(), value.k(), value.params()
        self.geometry = g = value.geometry()
        self.shape_panel.show_transposed(self.x.shape, self.k.shape, value.stride, value.padding,
                                         value.output_padding, value.dilation)
        self.y = conv_transpose2d(self.x, self.k, **p)
        self.parts = transpose_partials(self.x, self.k, **p, crop=False)
        self.M = conv_transpose_matrix(self.x.shape, self.k, **p)
        self.y_matrix = self.M @ self.x.ravel()
        self.pattern = conv_transpose_matrix(self.x.shape, np.ones(self.k.shape, np.int64), **p)
        (fh, fw), (ph, pw), (oph, opw) = g.full_shape, g.padding, g.output_padding
        self.marks = np.zeros(g.full_shape, np.int8)
        self.marks[fh - oph:, :] |= CROSS
        self.marks[:, fw - opw:] |= CROSS
        self.marks[:ph, :] |= HATCH
        self.marks[fh - ph:, :] |= HATCH
        self.marks[:, :pw] |= HATCH
        self.marks[:, fw - pw:] |= HATCH
        self.input_view.set_data(self.x)
        self._build_partials()
        self.output_view.set_data(self.y)
        self.output_view.set_caption(tr("tconv.output", r=self.y.shape[0], c=self.y.shape[1]))
        self.m_view.set_data(self.M)
        self.m_view.set_caption(tr("tconv.matrix", r=self.M.shape[0], c=self.M.shape[1]))
        self.vecx_view.set_data(self.x.ravel())
        self.vecy_view.set_data(self.y_matrix)
        self.out2_view.set_data(self.y_matrix.reshape(self.y.shape))
        self._build_c(value)
        self._build_columns()
        self.overlap.update_map(g, self.y)

    def _fit_split(self) -> None:
        """Give the scatter-add view the height it needs (up to 5/8; 7/8 in presentation, where the
        partials are the stage: their last row was cut at 5/8), the matrix the rest, and scroll the
        matrix view to the part the state shows (only when that part or the layout changed)."""
        share = 7 if self.state.settings.presentation else 5
        self._fit_direct()
        self._split_sizes(self.direct.sizeHint().height() + self.state.px(40), lambda total: total * share // 8)
        self._fit_matrix()
        part = self.store.value.matrix_part
        key = (part, self.columns_title.y(), self.matrix_scroll.viewport().height())
        if key != self._scrolled_for:
            self._scrolled_for = key
            self._scrolling = True   # not a person's scroll (the bar's signal also moves the view: not blocked)
            try:
                self.matrix_scroll.verticalScrollBar().setValue(self.columns_title.y() if part == "columns" else 0)
            finally:
                self._scrolling = False

    def _fit_direct(self) -> None:
        """Outside presentation a scatter-add row too wide for the view fits it when it can at a legible
        size: captions wrap over their grids ("Running sum: 2 of 4 partials") and the grids shrink, down to
        LEGIBLE_POINTS (the slide's example is wider than a 1280-pixel window leaves it); below, it
        scrolls. In presentation the controls fold away and the grids keep their size."""
        views = [self.input_view, *self.partial_views, self.sum_view, self.output_view]
        wrap_captions(views, False)
        zoomed_in_row(views, 1.0, self.direct)
        area = self.split.widget(0)
        if self.state.settings.presentation or not area.isVisible():
            return
        width, _tall = room_beside_bar(area)
        if self.direct.sizeHint().width() <= width:
            return
        wrap_captions(views, True)
        zoomed_in_row(views, 1.0, self.direct)   # the parents learn the wrapped captions' sizes
        floor = legible_zoom(views)
        fit = largest_fit(width_fits(views, self.direct, width), floor)
        zoomed_in_row(views, floor if fit is None else fit, self.direct)

    def _matrix_stage(self):
        spacing = self.matrix_scroll.widget().layout().spacing()
        if self.store.value.matrix_part == "columns":
            views, above = self.column_views[:self.x.size], self.columns_title
        else:
            views, above = [v for v in self._zoomed_views() if v.isVisibleTo(self)], self.zoom_row
        return views, self.matrix_scroll.viewport().height() - above.sizeHint().height() - 2 * spacing

    def _product_views(self):
        if self.store.value.matrix_part == "columns":
            return tuple(self.column_views[:self.x.size])
        return self._zoomed_views()

    def _product_row(self):
        return self.columns_box if self.store.value.matrix_part == "columns" else self.product_row

    def _apply_matrix_zoom(self) -> None:
        """The product's grids follow the state's zoom; the decomposition's columns only the fit."""
        zoom = self.store.value.matrix_zoom / 100 * self._matrix_fit
        for view in self._zoomed_views():
            if view.zoom != zoom:
                view.set_zoom(zoom)
        for view in self.column_views:
            if view.zoom != self._matrix_fit:
                view.set_zoom(self._matrix_fit)

    def _on_matrix_scrolled(self, value: int) -> None:
        """A person scrolled the matrix view: the columns count as shown once their title passes the middle."""
        if self._scrolling:
            return
        bar = self.matrix_scroll.verticalScrollBar()
        middle = value + self.matrix_scroll.viewport().height() // 2
        part = "columns" if value > 0 and (self.columns_title.y() <= middle or value == bar.maximum()) else "product"
        if part != self.store.value.matrix_part:
            self._scrolled_for = (part, self.columns_title.y(), self.matrix_scroll.viewport().height())
            self.edit(matrix_part=part)

    def _build_c(self, value: TransposedState) -> None:
        C = conv_matrix(self.y.shape, self.k, value.stride, value.padding, value.dilation)
        same = C.shape == self.M.T.shape and np.array_equal(C.T, self.M)
        self.c_view.set_data(C)
        self.c_view.set_caption(tr("tconv.c_view", i=f"{self.y.shape[0]}×{self.y.shape[1]}",
                                   o=f"{self.x.shape[0]}×{self.x.shape[1]}", r=C.shape[0], c=C.shape[1],
                                   ok="✓" if same else tr("tconv.c_mismatch")))

    def _build_partials(self) -> None:
        n, cols = self.x.size, self.x.shape[1]
        while len(self.partial_views) < n:
            view = MatrixView(self.state, base_cell=26, font_rel=0.95)
            view.wheel_zoom = False
            view.cellClicked.connect(lambda r, c, idx=len(self.partial_views): self.select(self._in_flat(idx)))
            self.partial_views.append(view)
        for idx, view in enumerate(self.partial_views):
            self.partials_grid.removeWidget(view)
            view.setVisible(idx < n)
            if idx < n:
                r, c = divmod(idx, cols)
                view.set_data(self.parts[r, c], self.marks)
                view.set_caption(tr("tconv.partial", r=r, c=c, v=fmt_num(self.x[r, c])))
                self.partials_grid.addWidget(view, r, c, Qt.AlignTop | Qt.AlignLeft)

    def _build_columns(self) -> None:
        n = self.x.size
        while len(self.column_views) < n:
            view = MatrixView(self.state, base_cell=26, font_rel=0.95)
            view.wheel_zoom = False
            view.cellClicked.connect(lambda r, c, idx=len(self.column_views): self.select(self._in_flat(idx)))
            plus = op_label("+")
            self.scale_font(plus, 2.6, bold=True)
            self.columns_row.addWidget(view, 0, Qt.AlignTop)
            self.columns_row.addWidget(plus)
            self.column_views.append(view)
        xs = self.x.ravel()
        for j, view in enumerate(self.column_views):
            view.setVisible(j < n)
            self.columns_row.itemAt(2 * j + 1).widget().setVisible(j < n - 1)
            if j < n:
                view.set_data(xs[j] * self.M[:, j])
                view.set_caption(tr("tconv.col", v=fmt_num(xs[j]), j=_sub(j + 1)))

    def _in_flat(self, flat: int) -> Cell:
        return Cell("input", *divmod(flat, self.x.shape[1]))

    def _out_flat(self, flat: int) -> Cell:
        return Cell("output", *divmod(flat, self.y.shape[1]))

    # --- view → state -------------------------------------------------------------------------
    def _on_full_click(self, r: int, c: int) -> None:
        i, j = r - self.geometry.padding[0], c - self.geometry.padding[1]
        if 0 <= i < self.y.shape[0] and 0 <= j < self.y.shape[1]:
            self.select(Cell("output", i, j))

    def checkerboard_demo(self) -> None:
        """Odena et al.'s checkerboard: ones through a 3×3 kernel of ones with stride 2."""
        self.edit(input_grid=as_grid(np.ones((4, 4))), kernel=as_grid(np.ones((3, 3))), stride=2, padding=0,
                  output_padding=0, dilation=1)

    # --- linking and stepping ---------------------------------------------------------------
    def refresh_links(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        value = self.store.value
        step = value.step
        n = self.x.size if step < 0 else step + 1
        full = self.parts.reshape((-1,) + self.parts.shape[2:])[:n].sum(axis=0)
        self.sum_view.set_data(full, self.marks)
        self.sum_view.set_caption(tr("tconv.sum_all") if step < 0 else tr("tconv.sum_some", i=n, n=self.x.size))
        views = [self.input_view, self.sum_view, self.output_view, self.m_view, self.c_view, self.vecx_view,
                 self.vecy_view, self.out2_view] + self.partial_views + self.column_views
        for view in views:
            view.clear_marks(update=False)
        for idx, view in enumerate(self.partial_views[:self.x.size]):
            view.setEnabled(step < 0 or idx <= step)
        self._link(self.geometry, value.selection)
        self._hide_asked(value)
        for view in views:
            view.sync()

    def _hide_asked(self, value: TransposedState) -> None:
        """Exercise switch: the selected output cell shows "?" in every view, partials and Cᵀ row included."""
        sel = value.selection
        cells = [(sel.row, sel.col)] if value.exercise and sel is not None and sel.kind == "output" else []
        hide_output_cells(cells, self.y.shape[1], grids=(self.output_view, self.out2_view),
                          vectors=[self.vecy_view] + self.column_views, matrices=(self.m_view,),
                          shifted=[self.sum_view] + self.partial_views, shift=self.geometry.padding)

    def _link(self, g, target: Cell | None) -> None:
        if target is None:
            return
        ph, pw = g.padding
        ow = self.y.shape[1]
        if target.kind == "input":
            r, c = target.row, target.col
            j = r * self.x.shape[1] + c
            col = self.M[:, j]
            reached = [divmod(int(o), ow) for o in np.flatnonzero(self._reach(r, c))]
            self.input_view.set_marks(current=(r, c))
            self.partial_views[j].set_marks(hl=[(a + ph, b + pw) for a, b in reached])
            self.column_views[j].set_marks(hl=[(int(o), 0) for o in np.flatnonzero(col)])
            self.sum_view.set_marks(hl2=[(a + ph, b + pw) for a, b in reached])
            self.output_view.set_marks(hl2=reached)
            self.out2_view.set_marks(hl2=reached)
            self.m_view.set_marks(cols=[j])
            self.c_view.set_marks(rows=[j])
            self.vecx_view.set_marks(current=(j, 0))
            self.vecy_view.set_marks(hl2=[(a * ow + b, 0) for a, b in reached])
        else:
            i, jj = target.row, target.col
            o = i * ow + jj
            feeders = [int(n) for n in np.flatnonzero(self._feeds(o))]
            self.output_view.set_marks(current=(i, jj))
            self.out2_view.set_marks(current=(i, jj))
            self.sum_view.set_marks(current=(i + ph, jj + pw))
            self.m_view.set_marks(rows=[o])
            self.c_view.set_marks(cols=[o])
            self.vecy_view.set_marks(current=(o, 0))
            self.vecx_view.set_marks(hl=[(n, 0) for n in feeders])
            self.input_view.set_marks(hl=[divmod(n, self.x.shape[1]) for n in feeders])
            for n in feeders:
                self.partial_views[n].set_marks(hl=[(i + ph, jj + pw)])
                self.column_views[n].set_marks(hl=[(o, 0)])

    def _reach(self, r: int, c: int) -> np.ndarray:
        """Output cells (flat) that input (r, c) reaches through any tap, whatever the kernel values."""
        return self.pattern[:, r * self.x.shape[1] + c] != 0

    def _feeds(self, o: int) -> np.ndarray:
        return self.pattern[o] != 0

    # --- presentation -----------------------------------------------------------------------
    def stage_widgets(self) -> list[QWidget]:
        """The partials, their running sum and the output; or the part of the matrix view the state shows."""
        value = self.store.value
        if value.tab == "overlap":
            return [self.overlap]
        if value.section == "matrix":
            if value.matrix_part == "columns":
                return [self.columns_title] + self.column_views[:self.x.size]
            return [self.m_view, self.vecx_view, self.vecy_view]
        return [self.input_view] + self.partial_views[:self.x.size] + [self.sum_view, self.output_view]

    # --- hooks ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for w in (self.input_editor, self.kernel_editor, self.params, self.stepper, self.shape_panel, self.overlap,
                  self.exercise_switch):
            w.retranslate()
        self.tabs.setTabText(0, tr("tconv.tab_linked"))
        self.tabs.setTabText(1, tr("tconv.tab_overlap"))
        self.input_view.set_caption(tr("tconv.input_view"))
        self.vecx_view.set_caption(tr("tconv.vecx"))
        self.vecy_view.set_caption(tr("tconv.vecy"))
        super().retranslate()

    def rescale(self) -> None:
        super().rescale()
        QTimer.singleShot(0, lambda: size_controls_column(self.main_split, self.main_split.width()))
        for w in (self.input_editor, self.kernel_editor, self.overlap):
            w.rescale()
        for view in self.findChildren(MatrixView):
            view.rescale()

