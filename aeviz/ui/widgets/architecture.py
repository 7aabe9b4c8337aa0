"""The architecture panel: a drawing encoder → code → décodeur and the table of layers.

The drawing is painted by hand (a few trapezoids) so it follows zoom and theme and
costs nothing while training. Columns are the layers that hold weights, with their
real output shapes from ``describe_layers``: the encoder narrows to the code, the
decoder widens back to the image.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem, QWidget

from aeviz.ui import deferred
from aeviz.ui.i18n import add_strings, has_key, tr
from aeviz.ui.numbers import fmt_int

add_strings({
    "arch.encoder": {"en": "encoder", "fr": "encodeur"},
    "arch.code": {"en": "code", "fr": "code"},
    "arch.decoder": {"en": "decoder", "fr": "décodeur"},
    "arch.input": {"en": "input layer", "fr": "couche d'entrée"},
    "arch.hidden": {"en": "hidden layers", "fr": "couches cachées"},
    "arch.output": {"en": "output layer", "fr": "couche de sortie"},
    "arch.col_layer": {"en": "Layer", "fr": "Couche"},
    "arch.col_shape": {"en": "Output shape", "fr": "Forme de sortie"},
    "arch.col_params": {"en": "Parameters", "fr": "Paramètres"},
    "arch.total": {"en": "Total: {n} parameters", "fr": "Total : {n} paramètres"},
    "arch.row.Input": {"en": "Input image", "fr": "Image d'entrée"},
    "arch.row.Subtract mean image": {"en": "Subtract the mean image", "fr": "Soustraire l'image moyenne"},
    "arch.row.Add mean image": {"en": "Add the mean image back", "fr": "Rajouter l'image moyenne"},
    "arch.row.Reshape": {"en": "Reshape to an image", "fr": "Remise en forme d'image"},
    "arch.row.Flatten": {"en": "Flatten", "fr": "Aplatir"},
    "arch.row.Unflatten": {"en": "Unflatten", "fr": "Déplier"},
})




def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def columns_of(rows) -> list[tuple[str, tuple[int, ...]]]:
    """(part, shape) of the input and of every layer with weights; VAE's μ/log σ² merge into one code."""
    out = [("input", tuple(rows[0].output_shape))] if rows else []
    for row in rows[1:]:
        if row.params == 0:
            continue
        if row.part == "code" and out and out[-1][0] == "code":
            continue
        out.append((row.part, tuple(row.output_shape)))
    if out and out[-1][0] == "decoder":
        out[-1] = ("output", out[-1][1])
    return out


class ArchitectureDrawing(QWidget):
    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.columns: list[tuple[str, tuple[int, ...]]] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        state.scale_changed.connect(self._scale_relayout)
        state.theme_changed.connect(lambda _t: self.update())

    def set_rows(self, rows) -> None:
        self.columns = columns_of(rows)
        self._relayout()

    def _scale_relayout(self, *_args) -> None:
        if not deferred.until_page_shows(self, "_relayout"):
            self._relayout()

    def _relayout(self, *_args) -> None:
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.state.font(0.9)).height()
        top = QFontMetrics(self.state.font(1.0, bold=True)).height() + self.state.px(4)
        # brackets, bars, one line of shapes, two of layer names (they may wrap)
        return QSize(self.state.px(500), top + self.state.px(86) + 3 * line + self.state.px(10))

    def _margin(self, metrics: QFontMetrics) -> float:
        """Room at each end for the first and last shapes, centred under their bars."""
        ends = [shape_text(shape) for _part, shape in (self.columns[0], self.columns[-1])]
        return max(self.state.px(40), max(metrics.horizontalAdvance(t) for t in ends) / 2 + self.state.px(4))

    def paintEvent(self, _event) -> None:
        if not self.columns:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        colors = self.state.colors
        font = self.state.font(0.9)
        bold = self.state.font(1.0, bold=True)
        metrics, bold_metrics = QFontMetrics(font), QFontMetrics(bold)
        line = metrics.height()
        top = bold_metrics.height() + self.state.px(4)
        body = self.state.px(86)
        mid = top + body / 2
        n = len(self.columns)
        xs = self.column_xs()
        step = (self.width() - 2 * self._margin(metrics)) / max(1, n - 1)
        bar_w = max(self.state.px(8), min(self.state.px(18), step * 0.18))
        sizes = [math.prod(shape) for _part, shape in self.columns]
        big = max(sizes)

        def height(size: int) -> float:  # log scale: 2 and 784 both visible
            return body * (0.12 + 0.88 * math.log(size + 1) / math.log(big + 1))

        hs = [height(s) for s in sizes]
        code_i = next((i for i, (part, _s) in enumerate(self.columns) if part == "code"), n // 2)
        enc, dec, code_color = QColor(colors.series[0]), QColor(colors.series[1]), QColor(colors.accent)
        for i in range(n - 1):  # trapezoids between consecutive layers
            color = QColor(enc if i < code_i else dec)
            color.setAlpha(90)
            poly = QPolygonF([QPointF(xs[i], mid - hs[i] / 2), QPointF(xs[i + 1], mid - hs[i + 1] / 2),
                              QPointF(xs[i + 1], mid + hs[i + 1] / 2), QPointF(xs[i], mid + hs[i] / 2)])
            p.setPen(Qt.NoPen)
            p.setBrush(color)
            p.drawPolygon(poly)
        labels = [f"k = {shape[0]}" if part == "code" else shape_text(shape) for part, shape in self.columns]
        room = int(step) - self.state.px(6)
        shapes_font = self._fitting_font(labels, room)
        shapes_metrics = QFontMetrics(shapes_font)
        p.setFont(shapes_font)
        for i, ((part, shape), x, h, label) in enumerate(zip(self.columns, xs, hs, labels)):
            color = code_color if part == "code" else enc if i < code_i else dec
            p.setPen(QPen(QColor(colors.text), max(1, self.state.px(1))))
            p.setBrush(color)
            p.drawRect(QRectF(x - bar_w / 2, mid - h / 2, bar_w, h))
            p.setPen(QColor(colors.text))
            p.drawText(QRectF(x - step / 2, top + body + 2, step, line), Qt.AlignHCenter,
                       shapes_metrics.elidedText(label, Qt.ElideMiddle, room))
        p.setFont(bold)
        p.setPen(QColor(colors.text))
        self._paint_brackets(p, bold_metrics, xs, code_i, top)
        p.setFont(font)
        p.setPen(QColor(colors.muted if colors.muted else colors.text))
        self._paint_layer_names(p, metrics, xs, top + body + line + self.state.px(6))
        p.end()

    def _fitting_font(self, labels: list[str], room: int) -> QFont:
        """The shapes' font, smaller (down to 2/3) when the columns are too close for them."""
        font = self.state.font(0.9)
        widest = max(QFontMetrics(font).horizontalAdvance(t) for t in labels)
        if widest > room > 0:
            font.setPointSizeF(font.pointSizeF() * max(2 / 3, room / widest))
        return font

    def _paint_brackets(self, p: QPainter, metrics: QFontMetrics, xs: list[float], code_i: int, top: int) -> None:
        for text, rect in self.bracket_rects(metrics, xs, code_i, top):
            p.drawText(rect, Qt.AlignCenter, metrics.elidedText(text, Qt.ElideRight, int(rect.width())))

    def bracket_rects(self, metrics: QFontMetrics, xs: list[float], code_i: int, top: int) -> list[tuple[str, QRectF]]:
        """encodeur | code | décodeur above the bars: "code" centred on its bar, the two others centred
        over their halves but never reaching it, so the words never run together."""
        gap = self.state.px(12)
        code = tr("arch.code")
        half = metrics.horizontalAdvance(code) / 2 + self.state.px(2)
        out = [(code, QRectF(xs[code_i] - half, 0, 2 * half, top))]
        for text, left, right, span in ((tr("arch.encoder"), 0.0, xs[code_i] - half - gap, (xs[0], xs[code_i])),
                                        (tr("arch.decoder"), xs[code_i] + half + gap, float(self.width()),
                                         (xs[code_i], xs[-1]))):
            width = max(0.0, min(metrics.horizontalAdvance(text) + self.state.px(4), right - left))
            centre = min(max((span[0] + span[1]) / 2, left + width / 2), right - width / 2)
            out.append((text, QRectF(centre - width / 2, 0, width, top)))
        return out

    def column_xs(self) -> list[float]:
        """The bars' centres at the widget's current width."""
        margin = self._margin(QFontMetrics(self.state.font(0.9)))
        step = (self.width() - 2 * margin) / max(1, len(self.columns) - 1)
        return [margin + i * step for i in range(len(self.columns))]

    def _paint_layer_names(self, p: QPainter, metrics: QFontMetrics, xs: list[float], y: float) -> None:
        """Input layer at the left edge, output layer at the right, hidden layers in the middle: each
        keeps to its third of the width and wraps onto two lines rather than overlapping."""
        gap = self.state.px(12)
        names = [tr("arch.input"), tr("arch.hidden") if len(xs) > 3 else "", tr("arch.output")]
        widths = [metrics.horizontalAdvance(t) + self.state.px(4) for t in names]
        room = (self.width() - 2 * gap) / 3
        hidden_w = min(widths[1], room)
        side = min((self.width() - hidden_w) / 2 - gap, max(widths[0], widths[2]))
        height = 2 * metrics.height()
        p.drawText(QRectF(0, y, side, height), Qt.AlignLeft | Qt.TextWordWrap, names[0])
        p.drawText(QRectF(self.width() - side, y, side, height), Qt.AlignRight | Qt.TextWordWrap, names[2])
        if names[1]:
            centre = (xs[1] + xs[-2]) / 2
            centre = min(max(centre, side + gap + hidden_w / 2), self.width() - side - gap - hidden_w / 2)
            p.drawText(QRectF(centre - hidden_w / 2, y, hidden_w, height), Qt.AlignHCenter | Qt.TextWordWrap,
                       names[1])


class LayersTable(QTableWidget):
    """Layers with output shapes and parameter counts; the code rows stand out."""

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.state = state
        self._rows = []
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.retranslate()

    def set_rows(self, rows) -> None:
        self._rows = list(rows)
        self._fill()

    def _fill(self) -> None:
        self.setRowCount(len(self._rows) + 1)
        bold = self.font()
        bold.setBold(True)
        for r, row in enumerate(self._rows):
            key = f"arch.row.{row.name}"
            name = tr(key) if has_key(key) else row.name
            if row.part == "code":
                name = f"{name}  ← {tr('arch.code')}"
            cells = (name, shape_text(row.output_shape), fmt_int(row.params) if row.params else "–")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if row.part == "code":
                    item.setFont(bold)
                self.setItem(r, c, item)
        total = QTableWidgetItem(tr("arch.total", n=fmt_int(sum(r.params for r in self._rows))))
        total.setFont(bold)
        self.setItem(len(self._rows), 0, total)
        for c in (1, 2):
            self.setItem(len(self._rows), c, QTableWidgetItem(""))

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([tr("arch.col_layer"), tr("arch.col_shape"), tr("arch.col_params")])
        self._fill()
