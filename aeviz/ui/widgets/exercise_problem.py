"""The problem of an exercise, drawn with the lab pages' grids: x, k and the output with "?" on
the asked cell, or the architecture table of a layer-parameters question.

``show(exercise, stage)`` draws it at a stage of the answer: 0 the question, 1 the hint
(the window and the kernel lit), 2 the worked solution (the same cells lit, the output
revealed).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from aeviz.core.conv import conv2d, conv_transpose2d, pad2d, transpose_partials
from aeviz.core.exercises import Exercise
from aeviz.ui.i18n import add_strings, has_key, tr
from aeviz.ui.widgets.answer_mask import mask
from aeviz.ui.widgets.architecture import shape_text
from aeviz.ui.widgets.flow_layout import FlowLayout
from aeviz.ui.widgets.lab_layout import op_label
from aeviz.ui.widgets.matrix_view import HATCH, MatrixView

add_strings({
    "ex.x": {"en": "Input x", "fr": "Entrée x"},
    "ex.x_padded": {"en": "x, p = {p}", "fr": "x, p = {p}"},
    "ex.k": {"en": "Kernel k", "fr": "Noyau k"},
    "ex.y": {"en": "y: {r}×{c}", "fr": "y : {r}×{c}"},
    "ex.partial": {"en": "x{cell}·k", "fr": "x{cell}·k"},
})

CONV_KINDS = ("conv_cell", "conv_size", "conv_matrix_row")
TCONV_KINDS = ("transposed_cell", "transposed_partial", "transposed_size")
SIZE_KINDS = ("conv_size", "transposed_size")
BIG_GRID = 10   # above this many rows or columns a grid is drawn small and without numbers


class ProblemView(QWidget):
    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.exercise: Exercise | None = None
        self.stage = 0
        self.x_view = MatrixView(state)
        self.k_view = MatrixView(state)
        self.out_view = MatrixView(state, base_cell=40, font_rel=1.3)
        self.ops = [op_label("*"), op_label("=")]
        self.grids = QWidget()   # the output grid goes under the others rather than past the window's edge
        FlowLayout(self.grids, spacing=state.px(6)).add_widgets(self.x_view, self.ops[0], self.k_view, self.ops[1],
                                                                 self.out_view)
        self.arch_table = QTableWidget(0, 2)
        self.arch_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.arch_table.setSelectionMode(QAbstractItemView.NoSelection)
        self.arch_table.verticalHeader().setVisible(False)
        self.arch_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grids)
        layout.addWidget(self.arch_table)
        self.rescale()

    def views(self) -> tuple[MatrixView, MatrixView, MatrixView]:
        return self.x_view, self.k_view, self.out_view

    def show(self, exercise: Exercise, stage: int, room: int) -> None:
        """Draw ``exercise`` at ``stage`` (0 question, 1 hint, 2 solution) in ``room`` pixels of width."""
        self.exercise, self.stage = exercise, stage
        self._draw()
        self.fit(room)

    def set_stage(self, stage: int) -> None:
        self.stage = stage
        self._draw_marks()

    def _draw(self) -> None:
        ex = self.exercise
        p = ex.params
        done = self.stage == 2
        grids = ex.kind in CONV_KINDS + TCONV_KINDS
        self.grids.setVisible(grids)
        self.arch_table.setVisible(ex.kind == "layer_params")
        if ex.kind == "layer_params":
            self._draw_architecture()
        if not grids:
            return
        x, k = np.array(p["x"]), np.array(p["k"])
        if ex.kind in CONV_KINDS:
            pad = p["padding"]
            marks = np.full(pad2d(x, pad).shape, HATCH, np.int8)
            marks[pad:pad + x.shape[0], pad:pad + x.shape[1]] = 0
            self._set_grid(self.x_view, pad2d(x, pad), marks)
            self.x_view.set_caption(tr("ex.x_padded", p=pad))
            y = conv2d(x, k, p["stride"], p["padding"], p["dilation"])
        else:
            self._set_grid(self.x_view, x)
            self.x_view.set_caption(tr("ex.x"))
            args = (p["stride"], p["padding"], p["output_padding"], p["dilation"])
            if ex.kind == "transposed_partial":
                y = transpose_partials(x, k, *args)[tuple(p["input_cell"])]
            else:
                y = conv_transpose2d(x, k, *args)
        self._set_grid(self.k_view, k)
        self.k_view.set_caption(tr("ex.k"))
        self.ops[0].setText("*" if ex.kind in CONV_KINDS else "→")
        sized = ex.kind in SIZE_KINDS
        self.out_view.setVisible(done or not sized)
        self.ops[1].setVisible(done or not sized)
        self._set_grid(self.out_view, y, numbers=done)
        if ex.kind == "transposed_partial":
            self.out_view.set_caption(tr("ex.partial", cell=f"({p['input_cell'][0]}, {p['input_cell'][1]})"))
        else:
            self.out_view.set_caption(tr("ex.y", r=y.shape[0], c=y.shape[1]))
        mask(self.out_view, [] if done or sized else [tuple(p["cell"])])
        self._draw_marks()

    def _set_grid(self, view: MatrixView, data, marks=None, numbers: bool = True) -> None:
        big = max(np.shape(data)) > BIG_GRID
        view.base_cell = 14 if big else (40 if view is self.out_view else 34)
        view.show_numbers = numbers and not big
        view.set_data(data, marks)
        view.rescale()

    def _draw_marks(self) -> None:
        ex = self.exercise
        if ex is None or ex.kind not in CONV_KINDS + TCONV_KINDS:
            return
        for view in self.views():
            view.clear_marks(update=False)
        stage = self.stage
        m = ex.marks()
        if ex.kind == "transposed_partial" and stage == 0:
            self.x_view.set_marks(current=tuple(ex.params["input_cell"]), update=False)
        if m.get("out") is not None:
            self.out_view.set_marks(current=m["out"], hl2=m.get("out_hl", []) if stage else [], update=False)
        if stage:
            self.x_view.set_marks(hl=m.get("x", []), window=m.get("window"), update=False)
            self.k_view.set_marks(hl=m.get("k_solution" if stage == 2 and "k_solution" in m else "k", []),
                                  update=False)
        for view in self.views():
            view.sync()
            view.update()

    def fit(self, room: int) -> None:
        """Shrink the grids (never below 0.6) when one alone is wider than ``room`` (a long input drawn
        at presentation zoom); side by side, the flow layout moves a grid to the next line instead.

        Captions do not shrink with the cells, hence a few passes."""
        zoom = 1.0
        for _ in range(6):
            for view in self.views():
                view.set_zoom(zoom)
            need = max(view.sizeHint().width() for view in self.views())
            if need <= room or room <= 0 or zoom <= 0.6:
                break
            zoom = max(0.6, zoom * room / need * 0.98)

    def _draw_architecture(self) -> None:
        p = self.exercise.params
        table = self.arch_table
        table.setHorizontalHeaderLabels([tr("arch.col_layer"), tr("arch.col_shape")])
        table.setRowCount(len(p["layers"]))
        for r, layer in enumerate(p["layers"]):
            name = tr(f"arch.row.{layer['name']}") if has_key(f"arch.row.{layer['name']}") else layer["name"]
            for c, text in enumerate((name, shape_text(tuple(layer["shape"])))):
                item = QTableWidgetItem(text)
                item.setFont(self.state.font(1.1, bold=r == p["asked"]))
                if r == p["asked"]:
                    item.setBackground(self.palette().highlight())
                    item.setForeground(self.palette().highlightedText())
                table.setItem(r, c, item)
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + sum(
            table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)
        table.setMaximumWidth(2 * table.frameWidth() + sum(table.columnWidth(c) for c in range(2)) + self.state.px(4))

    def rescale(self) -> None:
        for op in self.ops:
            op.setFont(self.state.font(2.6, bold=True))
        self.grids.layout().setSpacing(self.state.px(6))
        if self.exercise is not None:
            self._draw()
        else:
            for view in self.views():
                view.rescale()

    def retheme(self) -> None:
        for view in self.views():
            view.update()
        if self.exercise is not None and self.exercise.kind == "layer_params":
            self._draw_architecture()
