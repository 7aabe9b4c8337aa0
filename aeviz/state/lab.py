"""What the convolution and transposed-convolution labs share: grids, geometry, selection, view.

A lab's state is the input and kernel grids, the layer's parameters, which cell is
selected, where the stepper stands and how the views are arranged. Validation follows
the engine (:mod:`aeviz.core.conv`, PyTorch's rules): a geometry PyTorch would refuse is
a :class:`StateError` carrying the engine's code and parameters, so the interface can say
it in the user's language. The selection is three plain fields (``selected``,
``selected_row``, ``selected_col``); :class:`Cell` is the value pages pass around.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, NamedTuple

import numpy as np

from aeviz.core.conv import ConvError, ConvGeometry
from aeviz.state.base import PageState, StateError, check_grid, check_range

__all__ = ["Grid", "Cell", "LabState", "PARAM_RANGES", "INPUT_MAX", "KERNEL_MAX", "VALUE_LIMIT", "ZOOM_RANGE",
           "SPEED_RANGE", "grid_array", "as_grid"]

Grid = tuple[tuple[float, ...], ...]

#: Largest input and kernel the editors offer (the unrolled matrix of a 10×10 input is 64×100).
INPUT_MAX = 10
KERNEL_MAX = 7
#: Largest magnitude of a grid value (the editors refuse more).
VALUE_LIMIT = 1e6
PARAM_RANGES = {"stride": (1, 4), "padding": (0, 4), "dilation": (1, 3), "output_padding": (0, 3)}
#: Zoom of the matrix views, in percent.
ZOOM_RANGE = (30, 250)
#: Stepper speed: half-steps per second (0.5 to 5 steps a second).
SPEED_RANGE = (1, 10)


class Cell(NamedTuple):
    """An output or input cell of a lab, as the views light it."""

    kind: Literal["output", "input"]
    row: int
    col: int


def grid_array(grid) -> np.ndarray:
    """A grid as the engine wants it: int64 when every value is whole (exact results), else float64."""
    arr = np.asarray(grid, dtype=np.float64)
    if np.all(np.mod(arr, 1) == 0):
        return arr.astype(np.int64)
    return arr


def as_grid(values) -> Grid:
    """A 2-D array as a state grid: tuples of Python ints (whole values) or floats."""
    arr = np.asarray(values, dtype=np.float64)
    return tuple(tuple(int(v) if float(v).is_integer() else float(v) for v in row) for row in arr.tolist())


@dataclasses.dataclass(frozen=True)
class LabState(PageState):
    """Fields common to both labs. Subclasses give the grids' defaults and the geometry."""

    input_grid: Grid = ((0,),)
    kernel: Grid = ((1,),)
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    #: the cell the links start from; row and column count only when ``selected`` is not "none"
    selected: Literal["none", "output", "input"] = "none"
    selected_row: int = 0
    selected_col: int = 0
    #: stepper position: -1 = not started (the full result), else the index of the cell reached
    step: int = -1
    speed: int = 2
    #: "Exercise" switch: the selected output cell shows "?" everywhere
    exercise: bool = False
    matrix_zoom: int = 100

    # --- what the engine computes from the state ------------------------------------------------
    def x(self) -> np.ndarray:
        return grid_array(self.input_grid)

    def k(self) -> np.ndarray:
        return grid_array(self.kernel)

    def params(self) -> dict[str, int]:
        """The layer's parameters as the engine's functions take them."""
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}

    def geometry(self) -> ConvGeometry:
        raise NotImplementedError

    def shape_of(self, kind: str) -> tuple[int, int]:
        return self.geometry().output_shape if kind == "output" else self.geometry().input_shape

    @property
    def selection(self) -> Cell | None:
        return None if self.selected == "none" else Cell(self.selected, self.selected_row, self.selected_col)

    def step_count(self) -> int:
        """How many positions the stepper walks through."""
        raise NotImplementedError

    def step_cell(self, step: int) -> Cell | None:
        """The cell the stepper lights at ``step`` (None before it starts)."""
        raise NotImplementedError

    # --- changes pages make ---------------------------------------------------------------------
    @staticmethod
    def select(cell: Cell | None) -> dict:
        """The field changes that select ``cell`` (None: nothing selected)."""
        if cell is None:
            return {"selected": "none", "selected_row": 0, "selected_col": 0}
        return {"selected": cell.kind, "selected_row": int(cell.row), "selected_col": int(cell.col)}

    def fitted(self, **changes) -> dict:
        """``changes`` plus what keeps the current selection and step inside the new grids.

        Editing a grid or a parameter can shrink the output: the selection is then dropped
        and the stepper goes back to the full result, as a person expects. A selection or
        step given in ``changes`` is left for validation to judge, and so is an impossible
        geometry.
        """
        try:
            new = dataclasses.replace(self, **{**changes, **self.select(None), "step": -1})
            shapes = {kind: new.shape_of(kind) for kind in ("output", "input")}
            count = new.step_count()
        except StateError:
            return changes
        merged = dict(changes)
        if self.selected != "none" and not {"selected", "selected_row", "selected_col"} & changes.keys():
            rows, cols = shapes[self.selected]
            if not (self.selected_row < rows and self.selected_col < cols):
                merged.update(self.select(None))
        if "step" not in changes and self.step >= count:
            merged["step"] = -1
        return merged

    # --- validation -----------------------------------------------------------------------------
    def validate(self) -> None:
        check_grid("input_grid", self.input_grid, INPUT_MAX, INPUT_MAX, -VALUE_LIMIT, VALUE_LIMIT)
        check_grid("kernel", self.kernel, KERNEL_MAX, KERNEL_MAX, -VALUE_LIMIT, VALUE_LIMIT)
        for name, (lo, hi) in PARAM_RANGES.items():
            if hasattr(self, name):
                check_range(name, getattr(self, name), lo, hi)
        check_range("matrix_zoom", self.matrix_zoom, *ZOOM_RANGE)
        check_range("speed", self.speed, *SPEED_RANGE)
        try:
            self.geometry()
        except ConvError as exc:
            raise StateError(exc.code, str(exc), **exc.params) from None
        if self.selected != "none":
            rows, cols = self.shape_of(self.selected)
            if not (0 <= self.selected_row < rows and 0 <= self.selected_col < cols):
                raise StateError(f"lab.{self.selected}_cell_outside",
                                 f"the selected {self.selected} cell ({self.selected_row}, {self.selected_col}) "
                                 f"is outside the {rows}×{cols} {self.selected}",
                                 row=self.selected_row, col=self.selected_col, shape=f"{rows}×{cols}")
        check_range("step", self.step, -1, self.step_count() - 1)
