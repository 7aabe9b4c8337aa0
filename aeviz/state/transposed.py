"""The transposed-convolution lab's state: the course's 2×2 → 4×4 example, selection and views.

The defaults are the slide of lesson 2: the 2×2 input [[55, 52], [57, 50]] and the 3×3
kernel give the 4×4 output whose last row is 57 107 164 100 (one copy of the slide
misprints 107 as 104), through the 16×4 matrix Cᵀ and four partial grids (the third
has 114 where the slide misprints 117).
"""

from __future__ import annotations

import dataclasses
from typing import Callable, ClassVar, Literal

from aeviz.core.conv import ConvGeometry
from aeviz.state.lab import Cell, Grid, LabState

__all__ = ["SLIDE_X", "SLIDE_K", "SLIDE_Y", "TransposedState", "PRESETS"]

SLIDE_X: Grid = ((55, 52), (57, 50))
SLIDE_K: Grid = ((1, 2, 1), (2, 1, 2), (1, 1, 2))
SLIDE_Y: Grid = ((55, 162, 159, 52), (167, 323, 319, 154), (169, 264, 326, 204), (57, 107, 164, 100))


@dataclasses.dataclass(frozen=True)
class TransposedState(LabState):
    page_id: ClassVar[str] = "transposed"

    input_grid: Grid = SLIDE_X
    kernel: Grid = SLIDE_K
    output_padding: int = 0
    #: show the matching convolution's C beside Cᵀ
    show_c: bool = False
    tab: Literal["linked", "overlap"] = "linked"
    #: "matrix": the scatter-add view folded away, the matrix view gets the whole height
    section: Literal["direct", "matrix"] = "direct"
    #: the part of the matrix view scrolled into sight: Cᵀ·vec(x), or its column decomposition below
    matrix_part: Literal["product", "columns"] = "product"

    def params(self) -> dict[str, int]:
        return {**super().params(), "output_padding": self.output_padding}

    def geometry(self) -> ConvGeometry:
        return ConvGeometry((len(self.input_grid), len(self.input_grid[0])), (len(self.kernel), len(self.kernel[0])),
                            self.stride, self.padding, self.dilation, self.output_padding, transposed=True)

    def step_count(self) -> int:
        rows, cols = self.geometry().input_shape
        return rows * cols

    def step_cell(self, step: int) -> Cell | None:
        """The stepper adds the input elements' partial grids one at a time, row by row."""
        if step < 0:
            return None
        return Cell("input", *divmod(step, self.geometry().input_shape[1]))


def _partial_by_partial(**view) -> TransposedState:
    return TransposedState(step=1, **LabState.select(Cell("input", 0, 1)), **view)


#: Named exact states: the home page's links and the lesson player open these.
PRESETS: dict[str, Callable[[], TransposedState]] = {
    # the slide's example, partial by partial: the first two partial grids added, x(0, 1) lit
    "transposed": lambda: _partial_by_partial(),
    # the same, the matrix view in full height, scrolled to the decomposition vec(y) = x₁·col₁ + … + x₄·col₄
    "ct_columns": lambda: _partial_by_partial(section="matrix", matrix_part="columns"),
}
