"""Lesson 2, convolution: the sliding window and the unrolled matrix, side by side and linked.

Left: the input and kernel editors, the parameters and the output-size formula.
Right: the stepper, then a tab with the direct view above the matrix view (so the
linking is visible at once), and a tab applying the kernel to a real image.
Hovering or clicking an output cell lights its window, its row of C and the entries
of vec(x) it multiplies; clicking an input cell lights every output it touches and
its column of C.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSplitter, QTabWidget, QVBoxLayout, QWidget

from aeviz.core.conv import conv2d, conv_matrix, outputs_touched_by, pad2d, receptive_field
from aeviz.core.sample_images import digit_patch
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.lab_base import LabPage
from aeviz.ui.widgets import fmt_factor, fmt_num
from aeviz.ui.widgets.answer_mask import ExerciseSwitch, hide_output_cells
from aeviz.ui.widgets.grid_editor import GridEditor
from aeviz.ui.widgets.lab_layout import hrow, op_label, scroll, vcol, size_controls_column, controls_column
from aeviz.ui.widgets.matrix_view import HATCH, MatrixView
from aeviz.ui.widgets.params import ParamsBox
from aeviz.ui.widgets.real_image import RealImagePanel
from aeviz.ui.widgets.shape_panel import ShapePanel
from aeviz.ui.widgets.stepper import Stepper

SLIDE_X = [[4, 5, 8, 7], [1, 8, 8, 8], [3, 6, 6, 4], [6, 5, 7, 8]]
SLIDE_K = [[1, 4, 1], [1, 4, 3], [3, 3, 1]]

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
    "conv.vecy": {"en": "vec(y) = C·vec(x)", "fr": "vec(y) = C·vec(x)"},
    "conv.reshaped": {"en": "vec(y) reshaped {r}×{c}", "fr": "vec(y) remis en {r}×{c}"},
    "conv.matrix_zoom": {"en": "Matrix zoom (or Ctrl + wheel)", "fr": "Zoom de la matrice (ou Ctrl + molette)"},
    "conv.pick": {"en": "Pick an output cell (hover, click or ▶) to see its sum.",
                  "fr": "Choisissez une case de sortie (survol, clic ou ▶) pour voir sa somme."},
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

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.x = np.array(SLIDE_X)
        self.k = np.array(SLIDE_K)
        self.geometry = None
        self.selection = None   # ("out", (i, j)) | ("in", (r, c)) | None
        self.hover = None
        # --- left: editors, parameters, formula
        self.input_editor = GridEditor(state, "conv.input", 10, 10, SLIDE_X, INPUT_PRESETS, (0, 9))
        self.kernel_editor = GridEditor(state, "conv.kernel", 7, 7, SLIDE_K, KERNEL_PRESETS, (-2, 4))
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
        direct = vcol(hrow(self.padded_view, self.ops[0], self.kernel_view, self.ops[1], self.output_view,
                           align=Qt.AlignTop), self.sum_label)
        # --- matrix view
        self.c_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.vecx_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.vecy_view = MatrixView(state, base_cell=28, font_rel=1.0)
        self.out2_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.zoom_slider = QSlider(Qt.Horizontal)
        self.zoom_slider.setRange(30, 250)
        self.zoom_slider.setValue(100)
        self.zoom_slider.valueChanged.connect(self._on_matrix_zoom)
        zoom_label = QLabel()
        self.bind_text(zoom_label.setText, "conv.matrix_zoom")
        matrix = vcol(hrow(zoom_label, self.zoom_slider),
                      hrow(self.c_view, self.ops[2], self.vecx_view, self.ops[3], self.vecy_view, self.ops[4],
                           self.out2_view, align=Qt.AlignTop))
        self.split = QSplitter(Qt.Vertical)
        self.direct = direct
        self.split.addWidget(scroll(direct))
        self.split.addWidget(scroll(matrix))
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.scale_font(self.error_label, 1.3, bold=True)
        self.stepper = Stepper()
        self.real = RealImagePanel(state)
        self.tabs = QTabWidget()
        linked = QWidget()
        linked_layout = QVBoxLayout(linked)
        linked_layout.addWidget(self.error_label)
        linked_layout.addWidget(self.split, 1)
        self.tabs.addTab(linked, "")
        self.tabs.addTab(scroll(self.real), "")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.stepper)
        right_layout.addWidget(self.tabs, 1)
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.addWidget(controls_column(left))
        self.main_split.addWidget(right)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1000, 3000])
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.main_split)
        # --- wiring
        self.input_editor.changed.connect(self.recompute)
        self.kernel_editor.changed.connect(self.recompute)
        self.params.changed.connect(self.recompute)
        self.exercise_switch.toggled.connect(self.refresh_links)
        self.stepper.indexChanged.connect(self._on_step)
        for view in (self.output_view, self.out2_view):
            view.cellHovered.connect(lambda r, c: self._hover(("out", (r, c)) if r >= 0 else None))
            view.cellClicked.connect(lambda r, c: self._select(("out", (r, c))))
        self.vecy_view.cellHovered.connect(lambda r, c: self._hover(self._out_flat(r) if r >= 0 else None))
        self.vecy_view.cellClicked.connect(lambda r, c: self._select(self._out_flat(r)))
        self.c_view.cellHovered.connect(lambda r, c: self._hover(self._out_flat(r) if r >= 0 else None))
        self.c_view.cellClicked.connect(lambda r, c: self._select(self._in_flat(c)))
        self.vecx_view.cellClicked.connect(lambda r, c: self._select(self._in_flat(r)))
        self.padded_view.cellClicked.connect(self._on_padded_click)
        self.retranslate()
        self.rescale()
        self.recompute()

    # --- computation ------------------------------------------------------------------------
    def param_values(self) -> dict[str, int]:
        return self.params.values()

    def recompute(self) -> None:
        self.x, self.k = self.input_editor.values(), self.kernel_editor.values()
        p = self.param_values()
        self.geometry = self.shape_panel.show_conv(self.x.shape, self.k.shape, p["stride"], p["padding"], p["dilation"])
        self.real.set_kernel(self.k, **p)
        ok = self.geometry is not None
        self.split.setVisible(ok)
        self.error_label.setVisible(not ok)
        if not ok:
            self.error_label.setText(tr("shape.impossible", reason=self.shape_panel.error))
            self.stepper.set_count(0)
            self.y = self.y_matrix = self.C = None
            return
        pad = p["padding"]
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
        self.stepper.set_count(self.y.size)
        self._fit_split()
        if not self._valid(self.selection):
            self.selection = None
        if not self._valid(self.hover):
            self.hover = None
        self.refresh_links()

    def _fit_split(self) -> None:
        """Give the direct view the height it needs (up to half), the matrix the rest."""
        want = self.direct.sizeHint().height() + self.state.px(40)
        if want == getattr(self, "_fitted", None):
            return
        self._fitted = want
        total = max(sum(self.split.sizes()), self.state.px(500))
        self.split.setSizes([min(want, total // 2 + total // 8), total - min(want, total // 2 + total // 8)])

    def _valid(self, target) -> bool:
        if target is None:
            return True
        shape = self.y.shape if target[0] == "out" else self.x.shape
        return 0 <= target[1][0] < shape[0] and 0 <= target[1][1] < shape[1]

    def _out_flat(self, flat: int):
        return ("out", divmod(flat, self.y.shape[1])) if self.y is not None else None

    def _in_flat(self, flat: int):
        return ("in", divmod(flat, self.x.shape[1]))

    # --- linking ----------------------------------------------------------------------------
    def _hover(self, target) -> None:
        self.hover = target
        self.refresh_links()

    def _select(self, target) -> None:
        self.selection = target
        if target and target[0] == "out" and self.y is not None:
            self.stepper.blockSignals(True)
            self.stepper.set_index(target[1][0] * self.y.shape[1] + target[1][1])
            self.stepper.blockSignals(False)
        self.refresh_links()

    def _on_padded_click(self, r: int, c: int) -> None:
        pad = self.param_values()["padding"]
        if 0 <= r - pad < self.x.shape[0] and 0 <= c - pad < self.x.shape[1]:
            self._select(("in", (r - pad, c - pad)))

    def _on_step(self, index: int) -> None:
        self.selection = None if index < 0 or self.y is None else self._out_flat(index)
        self.refresh_links()

    def active(self):
        return self.hover or self.selection

    def refresh_links(self) -> None:
        views = (self.padded_view, self.kernel_view, self.output_view, self.c_view, self.vecx_view,
                 self.vecy_view, self.out2_view)
        for view in views:
            view.clear_marks(update=False)
        target = self.active()
        if self.geometry is None or target is None:
            self.sum_label.setText(tr("conv.pick"))
        elif target[0] == "out":
            self._link_output(*target[1], self.param_values())
        else:
            self._link_input(*target[1], self.param_values())
        self._hide_asked()
        for view in views:
            view.sync()

    def _hide_asked(self) -> None:
        """Exercise switch: the selected or hovered output cell, its vec(y) entry and its row of C show "?"."""
        on = self.exercise_switch.isChecked() and self.geometry is not None
        cells = [t[1] for t in (self.selection, self.hover) if on and t and t[0] == "out"]
        hide_output_cells(cells, self.y.shape[1] if on else 1, grids=(self.output_view, self.out2_view),
                          vectors=(self.vecy_view,), matrices=(self.c_view,))
        target = self.active()
        if on and target and target[0] == "out":
            self.sum_label.setText(tr("exmode.sum", i=target[1][0], j=target[1][1]))

    def _link_output(self, i: int, j: int, p) -> None:
        s, pad = p["stride"], p["padding"]
        taps = receptive_field((i, j), self.k.shape, s, pad, p["dilation"], input_shape=self.x.shape, padded=True)
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

    def _link_input(self, r: int, c: int, p) -> None:
        pad = p["padding"]
        touches = outputs_touched_by((r, c), self.x.shape, self.k.shape, p["stride"], pad, p["dilation"])
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

    def _on_matrix_zoom(self, value: int) -> None:
        for view in (self.c_view, self.vecx_view, self.vecy_view):
            view.set_zoom(value / 100)

    # --- hooks ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        for w in (self.input_editor, self.kernel_editor, self.params, self.stepper, self.shape_panel, self.real,
                  self.exercise_switch):
            w.retranslate()
        self.tabs.setTabText(0, tr("conv.tab_linked"))
        self.tabs.setTabText(1, tr("conv.tab_real"))
        self.kernel_view.set_caption(tr("conv.kernel_view"))
        self.output_view.set_caption(tr("conv.output"))
        self.vecx_view.set_caption(tr("conv.vecx"))
        self.vecy_view.set_caption(tr("conv.vecy"))
        if hasattr(self, "y"):
            self.recompute()

    def rescale(self) -> None:
        super().rescale()
        QTimer.singleShot(0, lambda: size_controls_column(self.main_split, self.main_split.width()))
        for w in (self.input_editor, self.kernel_editor, self.real):
            w.rescale()
        for view in (self.padded_view, self.kernel_view, self.output_view, self.c_view, self.vecx_view,
                     self.vecy_view, self.out2_view):
            view.rescale()
        for op in self.ops:
            op.setFont(self.state.font(2.6, bold=True))

    def retheme(self) -> None:
        super().retheme()
        self.real.bar.update()

    def prepare_for_screenshot(self) -> None:
        if self.y is not None and self.selection is None:
            self.stepper.set_index(0)
