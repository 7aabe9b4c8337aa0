"""Live views of a training run: loss curves and fixed images with their reconstructions.

Both buffer what arrives and redraw only on ``refresh()``, which the page calls from a
timer a few times a second: pyqtgraph's setData and painting hold the GIL, so drawing
at every snapshot would slow the training thread down.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.plots import ThemedPlot

add_strings({
    "live.train": {"en": "training loss", "fr": "perte d'entraînement"},
    "live.val": {"en": "validation loss", "fr": "perte de validation"},
    "live.log": {"en": "Logarithmic scale", "fr": "Échelle logarithmique"},
    "live.x": {"en": "epoch", "fr": "époque"},
    "live.y": {"en": "loss", "fr": "perte"},
    "live.row_input": {"en": "Input", "fr": "Entrée"},
    "live.row_noisy": {"en": "Noisy input", "fr": "Entrée bruitée"},
    "live.row_output": {"en": "Output (reconstruction)", "fr": "Sortie (reconstruction)"},
    "live.row_clean": {"en": "Clean original", "fr": "Original propre"},
    "live.images_hint": {"en": "Validation images (never trained on), redrawn live.",
                         "fr": "Images de validation (jamais vues à l'entraînement), redessinées en direct."},
})


#: Points a saved curve may hold (hours of live training at ~7 points a second).
MAX_POINTS = 200_000


def _is_point(p) -> bool:
    return (isinstance(p, list) and len(p) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in p))


class LossPlot(ThemedPlot):
    """In presentation the ticks and legend are as large as the page's text: read from the back row."""

    def _restyle(self, *_args) -> None:
        super()._restyle()
        if not self.state.settings.presentation:
            return
        for axis_name in ("left", "bottom"):
            self.getAxis(axis_name).setTickFont(self.state.font(1.0))
        self.legend.setLabelTextSize(f"{self.state.point_size():.0f}pt")
        for item in list(self._lines.values()):  # the legend caches label sizes
            name = item.opts.get("name")
            self.legend.removeItem(item)
            self.legend.addItem(item, name)


class LossCurves(QWidget, Translatable):
    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self.plot = LossPlot(state)
        self.plot.setMinimumHeight(state.px(140))   # with the run controls, drawing and images: 720 px high
        for axis in ("left", "bottom"):  # major grid lines only: minor ones cost ~2/3 of each redraw
            self.plot.getAxis(axis).setStyle(maxTickLevel=0)
            self.plot.getAxis(axis).enableAutoSIPrefix(False)
        self._names = (tr("live.train"), tr("live.val"))
        self.train_line = self.plot.line(self._names[0], 0)
        self.val_line = self.plot.line(self._names[1], 1, dashed=True)
        self.val_line.setSymbol("o")
        self.val_line.setSymbolSize(7)
        for item in (self.train_line, self.val_line):
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="mean")
        # The live curve as separate segments (drawLines), not one stroked path: a noisy antialiased
        # path of 1,500 points took 24 ms to paint on the GUI thread, its segments 7 ms; the joints
        # of an opaque line look the same. (The dashed validation line needs one path for its dashes.)
        self.train_line.curve.setSegmentedLineMode("on")
        self.log = QCheckBox()
        self.bind(self.log.setText, "live.log")
        self.log.toggled.connect(self._on_log)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.log)
        layout.addWidget(self.plot, 1)
        self.clear()
        self._set_axes()

    def clear(self) -> None:
        self.train_x: list[float] = []
        self.train_y: list[float] = []
        self.val_x: list[float] = []
        self.val_y: list[float] = []
        self._dirty = True
        self.refresh()

    def add_train(self, x: float, y: float) -> None:
        if np.isfinite(y):
            self.train_x.append(x)
            self.train_y.append(y)
            self._dirty = True

    def add_val(self, x: float, y: float) -> None:
        if np.isfinite(y):
            self.val_x.append(x)
            self.val_y.append(y)
            self._dirty = True

    def last_x(self) -> float:
        return max(self.train_x[-1] if self.train_x else 0.0, self.val_x[-1] if self.val_x else 0.0)

    def set_history(self, history: list[dict]) -> None:
        """Per-epoch losses of a loaded bundle."""
        self.clear()
        for h in history:
            try:
                x = float(h["epoch"])
                if h.get("train_loss") is not None:
                    self.add_train(x, float(h["train_loss"]))
                if h.get("val_loss") is not None:
                    self.add_val(x, float(h["val_loss"]))
            except (KeyError, TypeError, ValueError):
                continue
        self.refresh()

    def points(self) -> dict[str, list[list[float]]]:
        """Every point drawn, to save with the model: the live curve, not only its epoch means."""
        return {"train": [[x, y] for x, y in zip(self.train_x, self.train_y)],
                "val": [[x, y] for x, y in zip(self.val_x, self.val_y)]}

    def set_points(self, points) -> bool:
        """Draw saved ``points()`` (a file's, so checked); False, drawing nothing, if they are not such."""
        lines = []
        for name in ("train", "val"):
            pairs = points.get(name) if isinstance(points, dict) else None
            if not isinstance(pairs, list) or len(pairs) > MAX_POINTS or not all(_is_point(p) for p in pairs):
                return False
            lines.append(pairs)
        self.clear()
        for (xs, ys), pairs in zip(((self.train_x, self.train_y), (self.val_x, self.val_y)), lines):
            xs.extend(float(x) for x, _y in pairs)
            ys.extend(float(y) for _x, y in pairs)
        self._dirty = True
        self.refresh()
        return True

    def set_log(self, on: bool) -> None:
        """Show the scale of the state (the check box without announcing it)."""
        if self.log.isChecked() != on:
            self.log.blockSignals(True)
            self.log.setChecked(on)
            self.log.blockSignals(False)
            self._on_log(on)

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.train_line.setData(np.asarray(self.train_x, float), np.asarray(self.train_y, float))
        self.val_line.setData(np.asarray(self.val_x, float), np.asarray(self.val_y, float))

    def _on_log(self, on: bool) -> None:
        self.plot.setLogMode(False, on)

    def _set_axes(self) -> None:
        self.plot.set_axis_labels(tr("live.y"), tr("live.x"))

    def retranslate(self) -> None:
        super().retranslate()
        names = (tr("live.train"), tr("live.val"))
        for old, new in zip(self._names, names):
            self.plot.rename_line(old, new)
        self._names = names
        self._set_axes()


class PreviewRows(QWidget, Translatable):
    """Input (noisy when denoising) / output / clean original, one column per image."""

    def __init__(self, state, columns: int = 6, cell: int = 36, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self.noisy = False
        self.columns, self.cell = columns, cell
        self.grids = [ImageGrid(state, columns, cell) for _ in range(3)]
        self.labels = [QLabel() for _ in range(3)]
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel()
        hint.setWordWrap(True)
        self.bind(hint.setText, "live.images_hint")
        layout.addWidget(hint, 0, 0, 1, 2)
        for r, (label, grid) in enumerate(zip(self.labels, self.grids), start=1):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            layout.addWidget(label, r, 0)
            layout.addWidget(grid, r, 1, Qt.AlignLeft)
        layout.setColumnStretch(2, 1)
        layout.setRowStretch(4, 1)
        self.retranslate()

    def set_cell(self, cell: float) -> None:
        """Images ``cell`` units wide at zoom 1 (the page fits them to the stage in presentation)."""
        for grid in self.grids:
            if grid.cell != cell:
                grid.cell = cell
                grid.updateGeometry()
                grid.update()

    def set_inputs(self, clean: np.ndarray, model_input: np.ndarray, noisy: bool) -> None:
        """The fixed images of the run: what the model sees and the clean target."""
        self.noisy = noisy
        self.grids[0].set_images(model_input)
        self.grids[2].set_images(clean)
        self.grids[2].setVisible(noisy)
        self.labels[2].setVisible(noisy)
        self.grids[1].set_images(np.zeros_like(clean))
        self.retranslate()

    def set_output(self, output: np.ndarray) -> None:
        self.grids[1].set_images(output)

    def output(self) -> np.ndarray:
        return self.grids[1].images()

    def retranslate(self) -> None:
        super().retranslate()
        keys = ("live.row_noisy" if self.noisy else "live.row_input", "live.row_output", "live.row_clean")
        for label, key in zip(self.labels, keys):
            label.setText(tr(key))
