"""The output-size formula with the current numbers substituted, or why it is impossible."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from aeviz.core.conv import ConvGeometry
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import MINUS

add_strings({
    "shape.conv_formula": {"en": "Output size: o = ⌊(i + 2p − d(k−1) − 1) / s⌋ + 1",
                           "fr": "Taille de sortie : o = ⌊(i + 2p − d(k−1) − 1) / s⌋ + 1"},
    "shape.transposed_formula": {"en": "Output size: o = (i−1)·s − 2p + d(k−1) + output_padding + 1",
                                 "fr": "Taille de sortie : o = (i−1)·s − 2p + d(k−1) + output_padding + 1"},
    "shape.rows": {"en": "rows", "fr": "lignes"},
    "shape.cols": {"en": "columns", "fr": "colonnes"},
    "shape.both": {"en": "rows and columns", "fr": "lignes et colonnes"},
    "shape.result": {"en": "{i} {op} {k} → {o}", "fr": "{i} {op} {k} → {o}"},
    "shape.impossible": {"en": "Impossible combination: {reason}.",
                         "fr": "Combinaison impossible : {reason}."},
    "shape.not_positive": {"en": "the formula gives {o}: no output cell is left",
                           "fr": "la formule donne {o} : il ne reste aucune case de sortie"},
})


def _n(v: int) -> str:
    return str(v).replace("-", MINUS)


def conv_line(i, k, s, p, d) -> tuple[str, int]:
    num = i + 2 * p - d * (k - 1) - 1
    o = (num // s + 1) if num >= 0 else None
    text = f"⌊({i} + 2·{p} − {d}·({k}−1) − 1) / {s}⌋ + 1 = ⌊{_n(num)} / {s}⌋ + 1"
    return text + (f" = {o}" if o is not None else ""), (o if o is not None else num // s + 1)


def transposed_line(i, k, s, p, op, d) -> tuple[str, int]:
    o = (i - 1) * s - 2 * p + d * (k - 1) + op + 1
    return f"({i}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {_n(o)}", o


class ShapePanel(QLabel):
    """Call ``show_conv`` or ``show_transposed``; returns the ConvGeometry or None."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error = None
        self._last = None

    def show_conv(self, in_shape, k_shape, stride, padding, dilation):
        self._last = ("conv", in_shape, k_shape, stride, padding, dilation)
        return self._render()

    def show_transposed(self, in_shape, k_shape, stride, padding, output_padding, dilation):
        self._last = ("transposed", in_shape, k_shape, stride, padding, output_padding, dilation)
        return self._render()

    def retranslate(self) -> None:
        if self._last:
            self._render()

    def _render(self):
        kind, in_shape, k_shape, *params = self._last
        lines, outs = [], []
        axes = [0] if in_shape[0] == in_shape[1] and k_shape[0] == k_shape[1] else [0, 1]
        for axis in axes:
            if kind == "conv":
                text, o = conv_line(in_shape[axis], k_shape[axis], *params)
            else:
                text, o = transposed_line(in_shape[axis], k_shape[axis], *params)
            outs.append(o)
            name = tr("shape.both") if len(axes) == 1 else tr("shape.rows" if axis == 0 else "shape.cols")
            lines.append(f"<b>{html.escape(name)}</b> : {html.escape(text)}")
        self.error = None
        geometry = None
        try:
            if kind == "conv":
                geometry = ConvGeometry(in_shape, k_shape, *params)
            else:
                s, p, op, d = params
                geometry = ConvGeometry(in_shape, k_shape, s, p, d, op, transposed=True)
        except ValueError as exc:
            self.error = describe_error(exc)
        if geometry is None and self.error is None:
            self.error = tr("shape.not_positive", o=min(outs))
        head = tr("shape.conv_formula" if kind == "conv" else "shape.transposed_formula")
        body = "<br>".join(lines)
        if self.error:
            body += f"<br><b>⚠ {html.escape(tr('shape.impossible', reason=self.error))}</b>"
        else:
            o = geometry.output_shape
            body += f"<br><b>{html.escape(tr('shape.result', i=f'{in_shape[0]}×{in_shape[1]}', op='⋆' if kind == 'conv' else '⋆ᵀ', k=f'{k_shape[0]}×{k_shape[1]}', o=f'{o[0]}×{o[1]}'))}</b>"
        self.setText(f"{html.escape(head)}<br>{body}")
        return geometry
