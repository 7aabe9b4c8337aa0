"""Lesson 2, convolution: the sliding window and the unrolled matrix, side by side and linked.

Left: the input and kernel editors, the parameters and the output-size formula.
Right: the stepper, then a tab with the direct view above the matrix view (so the
linking is visible at once), and a tab applying the kernel to a real image.
Hovering or clicking an output cell lights its window, its row of C and the entries
of vec(x) it multiplies; clicking an input cell lights every output it touches and
its column of C.

The page is a view of :class:`aeviz.state.convolution.ConvolutionState`: the grids,
parameters, selection, step, tab, zoom, part shown and real image all live there.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSplitter, QTabWidget, QVBoxLayout, QWidget

from aeviz.core.conv import conv2d, conv_matrix, outputs_touched_by, pad2d, receptive_field
from aeviz.core.sample_images import digit_patch
from aeviz.state.base import Store
from aeviz.state.convolution import SLIDE_K, SLIDE_X, ConvolutionState
from aeviz.state.lab import INPUT_MAX, KERNEL_MAX, ZOOM_RANGE, Cell, as_grid
from aeviz.ui.i18n import add_strings, current_language, tr
from aeviz.ui.pages.lab_base import LabPage
from aeviz.ui.widgets import fmt_factor, fmt_num
from aeviz.ui.widgets.answer_mask import ExerciseSwitch, hide_output_cells
from aeviz.ui.widgets.grid_editor import GridEditor
from aeviz.ui.widgets.lab_layout import controls_column, hrow, op_label, scroll, size_controls_column, vcol
from aeviz.ui.widgets.matrix_view import HATCH, MatrixView
from aeviz.ui.widgets.params import ParamsBox
from aeviz.ui.widgets.real_image import RealImagePanel
from aeviz.ui.widgets.shape_panel import ShapePanel
from aeviz.ui.widgets.stepper import Stepper

add_strings({
    "conv.title": {"en": "Convolution: sliding window and matrix product",
                   "fr": "Convolution : fenêtre glissante et produit matriciel"},
    "conv.input": {"en": "Input x (entrée)", "fr": "Entrée x"},
    "conv.kernel": {"en": "Kernel k (noyau)", "fr": "Noyau k"},
    "conv.params": {"en": "Parameters", "fr": "Paramètres"},
    "conv.tab_linked": {"en": "Direct ↔ matrix", "fr": "Directe ↔ matricielle"},
    "conv.tab_real": {"en": "Real image", "fr": "Image réelle"},
    "conv.hint": {"en": "Hover or click an output cell: its window, its row of C and the entries of vec(x) it multiplies "
                        "light up. Click an input cell: every output it touches and its column of C. Hatched cells are padding zeros.",
                  "fr": "Survolez ou cliquez une case de sortie : sa fenêtre, sa ligne de C et les entrées de vec(x) "
                        "qu'elle multiplie s'allument. Cliquez une case d'entrée : toutes les sorties qu'elle touche "
                        "et sa colonne de C. Les cases hachurées sont les zéros du remplissage."},
    "conv.padded": {"en": "Input x, p = {p}", "fr": "Entrée x, p = {p}"},
    "conv.kernel_view": {"en": "Kernel k", "fr": "Noyau k"},
    "conv.output": {"en": "Output y", "fr": "Sortie y"},
    "conv.matrix": {"en": "C, unrolled matrix ({r}×{c})", "fr": "C, matrice déroulée ({r}×{c})"},
    "conv.vecx": {"en": "vec(x)", "fr": "vec(x)"},
    "conv.vecy": {"en": "vec(y)", "fr": "vec(y)"},   # the operators beside the grids say = C·vec(x)
    "conv.reshaped": {"en": "vec(y) reshaped {r}×{c}", "fr": "vec(y) remis en {r}×{c}"},
    "conv.matrix_zoom": {"en": "Matrix zoom (or Ctrl + wheel)", "fr": "Zoom de la matrice (ou Ctrl + molette)"},
    "conv.pick": {"en": "Pick an output cell (hover, click or ▶) to see its sum.",
                  "fr": "Choisissez une case de sortie (survol, clic ou ▶) pour voir sa somme."},
    "conv.step": {"en": "Cell {i} / {n}", "fr": "Case {i} / {n}"},
    "conv.step_idle": {"en": "Cell — / {n}", "fr": "Case — / {n}"},
    "conv.sum": {"en": "y({i}, {j}) = {terms} = {total}", "fr": "y({i}, {j}) = {terms} = {total}"},
    "conv.used_by": {"en": "x({r}, {c}) = {v} is read by {n} output cell(s): {cells} — column {col} of C.",
                     "fr": "x({r}, {c}) = {v} est lue par {n} case(s) de sortie : {cells} — colonne {col} de C."},
    "preset.slide_input": {"en": "Lesson 2 slide: 4×4 input", "fr": "Diapo leçon 2 : entrée 4×4"},
    "preset.slide_kernel": {"en": "Lesson 2 slide: 3×3 kernel", "fr": "Diapo leçon 2 : noyau 3×3"},
    "preset.digit": {"en": "Patch of a real MNIST digit (10×10)", "fr": "Morceau d'un vrai chiffre MNIST (10×10)"},
    "preset.identity": {"en": "Identity", "fr": "Identité"},
    "preset.box": {"en": "Box blur (3×3 average)", "fr": "Flou moyen (moyenne 3×3)"},
    "preset.sobel_x": {"en": "Sobel x (vertical edges)", "fr": "Sobel x (bords verticaux)"},
    "preset.sobel_y": {"en": "Sobel y (horizontal edges)", "fr": "Sobel y (bords horizontaux)"},
    "preset.laplacian": {"en": "Laplacian", "fr": "Laplacien"},
})

KERNEL_PRESETS = [
    ("preset.slide_kernel", lambda: np.array(SLIDE_K)),
    ("preset.identity", lambda: np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]])),
    ("preset.box", lambda: np.full((3, 3), 1 / 9)),
    ("preset.sobel_x", lambda: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])),
    ("preset.sobel_y", lambda: np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
    ("preset.laplacian", lambda: np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])),
]
INPUT_PRESETS = [
    ("preset.slide_input", lambda: np.array(SLIDE_X)),
    ("preset.digit", lambda: digit_patch(0)),
]


class ConvolutionPage(LabPage):
    page_id = "convolution"
    title_key = "page.convolution"
    TABS = ("linked", "real")

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.geometry = self.y = self.C = None
        self._computed = None   # the state fields y and C were computed for
        # --- left: editors, parameters, formula
        self.input_editor = GridEditor(state, "conv.input", INPUT_MAX, INPUT_MAX, SLIDE_X, INPUT_PRESETS, (0, 9))
        self.kernel_editor = GridEditor(state, "conv.kernel", KERNEL_MAX, KERNEL_MAX, SLIDE_K, KERNEL_PRESETS, (-2, 4))
        self.params = ParamsBox(("stride", "padding", "dilation"))
        self.shape_panel = ShapePanel()
        self.exercise_switch = ExerciseSwitch()
        params_title = QLabel()
        self.bind_text(params_title.setText, "conv.params")
        self.scale_font(params_title, 1.15, bold=True)
        hint = QLabel()
        hint.setWordWrap(True)
        self.bind_text(hint.setText, "conv.hint")
        left = vcol(self.heading("conv.title", 1.2), self.input_editor, self.kernel_editor, params_title,
                    self.params, self.shape_panel, self.exercise_switch, hint)
        # --- direct view
        self.padded_view = MatrixView(state)
        self.kernel_view = MatrixView(state)
        self.output_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.scale_font(self.sum_label, 1.3, bold=True)
        self.ops = [op_label("*"), op_label("="), op_label("·"), op_label("="), op_label("→")]
        for op in self.ops:
            self.scale_font(op, 2.6, bold=True)
        direct = vcol(hrow(self.padded_view, self.ops[0], self.kernel_view, self.ops[1], self.output_view,
                           align=Qt.AlignTop), self.sum_label)
        # --- matrix view
        self.c_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.vecx_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.vecy_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.out2_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.zoom_slider = QSlider(Qt.Horizontal)
        self.zoom_slider.setRange(*ZOOM_RANGE)
        self.zoom_slider.setValue(100)
        zoom_label = QLabel()
        self.bind_text(zoom_label.setText, "conv.matrix_zoom")
        self.matrix_more = QLabel()
        self.matrix_more.setWordWrap(True)
        self.matrix_more.setVisible(False)
        self.zoom_row = hrow(zoom_label, self.zoom_slider)
        self.product_row = hrow(self.c_view, self.ops[2], self.vecx_view, self.ops[3], self.vecy_view, self.ops[4],
                                self.out2_view, align=Qt.AlignTop)
        matrix = vcol(self.zoom_row, self.matrix_more, self.product_row)
        self.split = QSplitter(Qt.Vertical)
        self.direct = direct
        self.split.addWidget(scroll(direct))
        self.matrix_scroll = scroll(matrix)
        self.split.addWidget(self.matrix_scroll)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.scale_font(self.error_label, 1.3, bold=True)
        self.stepper = Stepper("conv.step", "conv.step_idle")
        self.real = RealImagePanel(state)
        self.tabs = QTabWidget()
        linked = QWidget()
        linked_layout = QVBoxLayout(linked)
        linked_layout.setContentsMargins(0, 0, 0, 0)   # the tab's frame is margin enough (the product fits 1280 px)
        linked_layout.addWidget(self.split, 1)
        self.tabs.addTab(linked, "")
        self.tabs.addTab(scroll(self.real), "")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.stepper)
        right_layout.addWidget(self.error_label)
        right_layout.addWidget(self.tabs, 1)
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.addWidget(controls_column(left))
        self.main_split.addWidget(right)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1000, 3000])
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.main_split)
        # --- wiring: every edit goes into the state
        self._init_lab(Store(ConvolutionState()))
        self.input_editor.changed.connect(lambda: self.edit(input_grid=as_grid(self.input_editor.values())))
        self.kernel_editor.changed.connect(lambda: self.edit(kernel=as_grid(self.kernel_editor.values())))
        self.zoom_slider.valueChanged.connect(lambda v: self.edit(matrix_zoom=v))
        self.real.digitChosen.connect(lambda i: self.edit(real_source="mnist", real_digit=i))
        self.real.fileChosen.connect(lambda path: self.edit(real_source="file", real_file=path))
        for view in (self.padded_view, self.kernel_view, self.output_view, self.out2_view):
            view.wheel_zoom = False
        for view in (self.c_view, self.vecx_view, self.vecy_view):
            view.wheel_zoom = False
            view.zoomRequested.connect(lambda z: self.edit(matrix_zoom=self._zoom_from_view(z)))
        for view in (self.output_view, self.out2_view):
            view.cellHovered.connect(lambda r, c: self._hover(Cell("output", r, c) if r >= 0 else None))
            view.cellClicked.connect(lambda r, c: self.select(Cell("output", r, c)))
        self.vecy_view.cellHovered.connect(lambda r, c: self._hover(self._out_flat(r) if r >= 0 else None))
        self.vecy_view.cellClicked.connect(lambda r, c: self.select(self._out_flat(r)))
        self.c_view.cellHovered.connect(lambda r, c: self._hover(self._out_flat(r) if r >= 0 else None))
        self.c_view.cellClicked.connect(lambda r, c: self.select(self._in_flat(c)))
        self.vecx_view.cellClicked.connect(lambda r, c: self.select(self._in_flat(r)))
        self.padded_view.cellClicked.connect(self._on_padded_click)
        self.retranslate()
        self.rescale()

    # --- state → view -------------------------------------------------------------------------
    def _render(self, value: ConvolutionState, changed: frozenset) -> None:
        self._compute(value)
        self._quiet(self.tabs, self.tabs.setCurrentIndex, self.TABS.index(value.tab))
        self.input_editor.show_values(value.input_grid)
        self.kernel_editor.show_values(value.kernel)
        self.params.set_values(notify=False, **value.params())
        self._quiet(self.exercise_switch, self.exercise_switch.setChecked, value.exercise)
        self.stepper.show_position(self.y.size, value.step, value.speed)
        self._quiet(self.zoom_slider, self.zoom_slider.setValue, value.matrix_zoom)
        self._apply_matrix_zoom()
        self.real.show_choice(value.real_source, value.real_digit, value.real_file, self.k, value.params(),
                              active=value.tab == "real")
        self._show_refusal()
        QTimer.singleShot(0, self._fit_split)   # once the layouts have the new grids' sizes
        self.refresh_links()

    def _compute(self, value: ConvolutionState) -> None:
        """The derived arrays, recomputed only when the grids or the parameters changed."""
        key = (value.input_grid, value.kernel, value.stride, value.padding, value.dilation, current_language())
        if key == self._computed:
            return
        self._computed = key
        self.x, self.k, p = value.x(), value.k(), value.params()
        self.geometry = value.geometry()
        self.shape_panel.show_conv(self.x.shape, self.k.shape, value.stride, value.padding, value.dilation)
        pad = value.padding
        xp = pad2d(self.x, pad)
        marks = np.full(xp.shape, HATCH, np.int8)
        marks[pad:pad + self.x.shape[0], pad:pad + self.x.shape[1]] = 0
        self.padded_view.set_data(xp, marks)
        self.padded_view.set_caption(tr("conv.padded", p=pad))
        self.kernel_view.set_data(self.k)
        self.y = conv2d(self.x, self.k, **p)
        self.C = conv_matrix(self.x.shape, self.k, **p)
        self.y_matrix = self.C @ self.x.ravel()
        self.output_view.set_data(self.y)
        self.c_view.set_data(self.C)
        self.c_view.set_caption(tr("conv.matrix", r=self.C.shape[0], c=self.C.shape[1]))
        self.vecx_view.set_data(self.x.ravel())
        self.vecy_view.set_data(self.y_matrix)
        self.out2_view.set_data(self.y_matrix.reshape(self.y.shape))
        self.out2_view.set_caption(tr("conv.reshaped", r=self.y.shape[0], c=self.y.shape[1]))

    def _fit_split(self) -> None:
        """Give the direct view the height it needs (up to about half), the matrix the rest; in
        presentation without spare room, since C under it is part of the stage too."""
        spare = 0 if self.state.settings.presentation else self.state.px(40)
        self._split_sizes(self.direct.sizeHint().height() + spare, lambda total: total // 2 + total // 8)
        self._fit_matrix()

    def _matrix_stage(self):
        spacing = self.matrix_scroll.widget().layout().spacing()
        room = self.matrix_scroll.viewport().height() - self.zoom_row.sizeHint().height() - 2 * spacing
        return (self.c_view, self.vecx_view, self.vecy_view), room

    def _product_views(self):
        return self.c_view, self.vecx_view, self.vecy_view

    def _product_row(self):
        return self.product_row

    def _wrapping_views(self):
        return (self.out2_view,)   # "vec(y) reshaped 2×2" over two columns

    def _apply_matrix_zoom(self) -> None:
        zoom = self.store.value.matrix_zoom / 100 * self._matrix_fit
        for view in self._product_views():
            if view.zoom != zoom:
                view.set_zoom(zoom)

    def _out_flat(self, flat: int) -> Cell:
        return Cell("output", *divmod(flat, self.y.shape[1]))

    def _in_flat(self, flat: int) -> Cell:
        return Cell("input", *divmod(flat, self.x.shape[1]))

    # --- view → state -------------------------------------------------------------------------
    def selection_changes(self, cell: Cell | None) -> dict:
        """Choosing an output cell also moves the stepper there."""
        changes = super().selection_changes(cell)
        if cell is not None and cell.kind == "output":
            changes["step"] = cell.row * self.y.shape[1] + cell.col
        return changes

    def _on_padded_click(self, r: int, c: int) -> None:
        pad = self.store.value.padding
        if 0 <= r - pad < self.x.shape[0] and 0 <= c - pad < self.x.shape[1]:
            self.select(Cell("input", r - pad, c - pad))

    # --- linking ----------------------------------------------------------------------------
    def active(self) -> Cell | None:
        return self.hover or self.store.value.selection

    def refresh_links(self) -> None:
        views = (self.padded_view, self.kernel_view, self.output_view, self.c_view, self.vecx_view,
                 self.vecy_view, self.out2_view)
        for view in views:
            view.clear_marks(update=False)
        target = self.active()
        value = self.store.value
        if target is None:
            self.sum_label.setText(tr("conv.pick"))
        elif target.kind == "output":
            self._link_output(target.row, target.col, value)
        else:
            self._link_input(target.row, target.col, value)
        self._hide_asked(value)
        for view in views:
            view.sync()

    def _hide_asked(self, value: ConvolutionState) -> None:
        """Exercise switch: the selected or hovered output cell, its vec(y) entry and its row of C show "?"."""
        cells = [(t.row, t.col) for t in (value.selection, self.hover)
                 if value.exercise and t is not None and t.kind == "output"]
        hide_output_cells(cells, self.y.shape[1], grids=(self.output_view, self.out2_view),
                          vectors=(self.vecy_view,), matrices=(self.c_view,))
        target = self.active()
        if value.exercise and target is not None and target.kind == "output":
            self.sum_label.setText(tr("exmode.sum", i=target.row, j=target.col))

    def _link_output(self, i: int, j: int, value: ConvolutionState) -> None:
        s, pad = value.stride, value.padding
        taps = receptive_field((i, j), self.k.shape, s, pad, value.dilation, input_shape=self.x.shape, padded=True)
        span = self.geometry.span
        window = (i * s, j * s, i * s + span[0] - 1, j * s + span[1] - 1)
        self.padded_view.set_marks(hl=[(t.row, t.col) for t in taps], window=window)
        self.kernel_view.set_marks(hl=[(t.ky, t.kx) for t in taps])
        flat = i * self.y.shape[1] + j
        w = self.x.shape[1]
        inside = [(t.row - pad) * w + (t.col - pad) for t in taps if not t.in_padding]
        self.output_view.set_marks(current=(i, j))
        self.out2_view.set_marks(current=(i, j))
        self.c_view.set_marks(rows=[flat], hl=[(flat, n) for n in inside])
        self.vecx_view.set_marks(hl=[(n, 0) for n in inside])
        self.vecy_view.set_marks(current=(flat, 0))
        xp = self.padded_view.data()
        terms = " + ".join(f"{fmt_factor(xp[t.row, t.col])}×{fmt_factor(self.k[t.ky, t.kx])}" for t in taps)
        self.sum_label.setText(tr("conv.sum", i=i, j=j, terms=terms, total=fmt_num(self.y[i, j])))

    def _link_input(self, r: int, c: int, value: ConvolutionState) -> None:
        pad = value.padding
        touches = outputs_touched_by((r, c), self.x.shape, self.k.shape, value.stride, pad, value.dilation)
        cells = [(t.row, t.col) for t in touches]
        flat = r * self.x.shape[1] + c
        ow = self.y.shape[1]
        self.padded_view.set_marks(current=(r + pad, c + pad))
        self.output_view.set_marks(hl2=cells)
        self.out2_view.set_marks(hl2=cells)
        self.c_view.set_marks(cols=[flat])
        self.vecx_view.set_marks(current=(flat, 0))
        self.vecy_view.set_marks(hl2=[(a * ow + b, 0) for a, b in cells])
        self.kernel_view.set_marks(hl2=[(t.ky, t.kx) for t in touches])
        listed = ", ".join(f"y({a}, {b})" for a, b in cells) or "—"
        self.sum_label.setText(tr("conv.used_by", r=r, c=c, v=fmt_num(self.x[r, c]), n=len(cells),
                                  cells=listed, col=flat + 1))

    # --- presentation -----------------------------------------------------------------------
    def stage_widgets(self) -> list[QWidget]:
        """The window with its sum, and C beside vec(y) under it; with the direct view folded away
        (section "matrix"), C·vec(x) = vec(y) whole: a 16-entry vec(x) does not fit under the window."""
        value = self.store.value
        if value.tab == "real":
            return [self.real]
        if value.section == "matrix":
            return [self.c_view, self.vecx_view, self.vecy_view, self.out2_view]
        return [self.padded_view, self.kernel_view, self.output_view, self.sum_label, self.c_view, self.vecy_view]

    # --- hooks ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for w in (self.input_editor, self.kernel_editor, self.params, self.stepper, self.shape_panel, self.real,
                  self.exercise_switch):
            w.retranslate()
        self.tabs.setTabText(0, tr("conv.tab_linked"))
        self.tabs.setTabText(1, tr("conv.tab_real"))
        self.kernel_view.set_caption(tr("conv.kernel_view"))
        self.output_view.set_caption(tr("conv.output"))
        self.vecx_view.set_caption(tr("conv.vecx"))
        self.vecy_view.set_caption(tr("conv.vecy"))
        super().retranslate()

    def rescale(self) -> None:
        super().rescale()
        QTimer.singleShot(0, lambda: size_controls_column(self.main_split, self.main_split.width()))
        for w in (self.input_editor, self.kernel_editor, self.real):
            w.rescale()
        for view in (self.padded_view, self.kernel_view, self.output_view, self.c_view, self.vecx_view,
                     self.vecy_view, self.out2_view):
            view.rescale()

    def retheme(self) -> None:
        super().retheme()
        self.real.bar.update()

    def prepare_for_screenshot(self) -> None:
        self.finish_loading()

    def finish_loading(self) -> None:
        self.real.finish_loading()

    def shutdown(self) -> None:
        self.real.loader.stop()
