"""Hiding the number a class is asked to compute: a "?" drawn over cells of a MatrixView.

Used by the exercise page (the asked output cell) and by the "Exercise" switch of the
convolution and transposed pages (the selected output cell, its entry of vec(y) and
its row of C stay hidden while the class computes them). The mask is a transparent
child widget on top of the view, so MatrixView itself knows nothing about exercises.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QWidget

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.themes import text_on
from aeviz.ui.widgets.matrix_view import MatrixView

add_strings({
    "exmode.switch": {"en": "Exercise: hide the selected output cell", "fr": "Exercice : cacher la case de sortie choisie"},
    "exmode.tip": {"en": "Click an output cell: its value (and its row of the matrix) becomes “?” until the switch "
                         "is turned off, so the class can compute it.",
                   "fr": "Cliquez une case de sortie : sa valeur (et sa ligne de la matrice) devient « ? » jusqu'à "
                         "ce que l'interrupteur soit coupé, pour que la classe la calcule."},
    "exmode.sum": {"en": "y({i}, {j}) = ?  (exercise: compute it)", "fr": "y({i}, {j}) = ?  (exercice : calculez-la)"},
})


class CellMask(QWidget):
    """Draws "?" over the given cells of its parent MatrixView, keeping the view's highlights."""

    def __init__(self, view: MatrixView):
        super().__init__(view)
        self.view = view
        self.cells: set = set()
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setGeometry(view.rect())
        view.installEventFilter(self)

    def set_cells(self, cells) -> None:
        cells = set(map(tuple, cells))
        if cells != self.cells:
            self.cells = cells
            self.setVisible(bool(cells))
            self.raise_()
            self.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.view and event.type() == QEvent.Resize:
            self.setGeometry(self.view.rect())
        return False

    def paintEvent(self, _event) -> None:
        view, colors = self.view, self.view.state.colors
        rows, cols = view.data().shape
        font = view.state.font(view.font_rel, bold=True)
        font.setPointSizeF(max(4.0, font.pointSizeF() * view.zoom))
        w = max(2, view.state.px(2))
        frame = QColor(colors.accent if colors.accent != colors.highlight else text_on(colors.highlight))
        p = QPainter(self)
        p.setFont(font)
        for r, c in self.cells:
            if not (0 <= r < rows and 0 <= c < cols):
                continue
            rect = view.cell_rect(r, c).adjusted(1, 1, 0, 0)
            lit = (r, c) in view.hl or (r, c) == view.current or r in view.rows
            fill = QColor(colors.highlight if lit else colors.panel)
            p.fillRect(rect, fill)
            p.setPen(QColor(text_on(fill.name())))
            p.drawText(rect, Qt.AlignCenter, "?")
            if (r, c) == view.current:
                p.setPen(QPen(frame, 2 * w))
                p.drawRect(view.cell_rect(r, c).adjusted(w, w, -w, -w))
        p.end()


def mask(view: MatrixView, cells) -> None:
    """Show "?" on ``cells`` of ``view`` (an empty list removes the mask)."""
    existing = view.findChild(CellMask)
    if existing is None:
        if not cells:
            return
        existing = CellMask(view)
    existing.set_cells(cells)


class ExerciseSwitch(QCheckBox):
    """The "Exercise" switch of the lab pages; the page decides what it hides."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(tr("exmode.switch"))
        self.setToolTip(tr("exmode.tip"))


def hide_output_cells(cells, width: int, grids=(), vectors=(), matrices=(), shifted=(), shift=(0, 0)) -> None:
    """"?" on output ``cells`` wherever a lab page shows them: 2-D output grids, their entries in
    vec(y) columns, their rows of a matrix, and grids drawn before cropping (``shifted`` by
    ``shift``). An empty ``cells`` reveals everything again."""
    cells = [tuple(c) for c in cells]
    flats = [r * width + c for r, c in cells]
    for view in grids:
        mask(view, cells)
    for view in shifted:
        mask(view, [(r + shift[0], c + shift[1]) for r, c in cells])
    for view in vectors:
        mask(view, [(f, 0) for f in flats])
    for view in matrices:
        mask(view, [(f, c) for f in flats for c in range(view.data().shape[1])])
