"""The convolution lab's state: the course's 4×4 ⋆ 3×3 example, its selection and views.

The defaults are the slide of lesson 2 ("Deep learning par la pratique"): the 4×4 input
and 3×3 kernel whose convolution is [[122, 148], [126, 134]] and whose unrolled matrix C
is 4×16. The real-image tab's choices (an MNIST test digit or the user's own image file)
are part of the state, so a saved view shows the same feature map.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, ClassVar, Literal

from aeviz.core.conv import ConvGeometry
from aeviz.state.base import StateError, check_range
from aeviz.state.lab import Cell, Grid, LabState

__all__ = ["SLIDE_X", "SLIDE_K", "MNIST_TEST_COUNT", "ConvolutionState", "PRESETS"]

SLIDE_X: Grid = ((4, 5, 8, 7), (1, 8, 8, 8), (3, 6, 6, 4), (6, 5, 7, 8))
SLIDE_K: Grid = ((1, 4, 1), (1, 4, 3), (3, 3, 1))
#: Images in the bundled MNIST test set (t10k), numbered from 0.
MNIST_TEST_COUNT = 10_000


@dataclasses.dataclass(frozen=True)
class ConvolutionState(LabState):
    page_id: ClassVar[str] = "convolution"
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ("real_file",)

    input_grid: Grid = SLIDE_X
    kernel: Grid = SLIDE_K
    tab: Literal["linked", "real"] = "linked"
    #: "matrix": the direct view is folded away and the unrolled matrix C gets the whole height
    section: Literal["direct", "matrix"] = "direct"
    real_source: Literal["mnist", "file"] = "mnist"
    real_digit: int = 0
    real_file: str | None = None

    def geometry(self) -> ConvGeometry:
        return ConvGeometry((len(self.input_grid), len(self.input_grid[0])), (len(self.kernel), len(self.kernel[0])),
                            self.stride, self.padding, self.dilation)

    def step_count(self) -> int:
        rows, cols = self.geometry().output_shape
        return rows * cols

    def step_cell(self, step: int) -> Cell | None:
        """The stepper walks the output cells, row by row."""
        if step < 0:
            return None
        return Cell("output", *divmod(step, self.geometry().output_shape[1]))

    def validate(self) -> None:
        super().validate()
        check_range("real_digit", self.real_digit, 0, MNIST_TEST_COUNT - 1)
        if self.real_source == "file" and not self.real_file:
            raise StateError("lab.no_image_file", "the real-image tab shows a file but no file is named",
                             field="real_file")


def _slide_first_cell(**view) -> ConvolutionState:
    return ConvolutionState(step=0, **LabState.select(Cell("output", 0, 0)), **view)


#: Named exact states: the home page's links and the lesson player open these.
PRESETS: dict[str, Callable[[], ConvolutionState]] = {
    # the slide's example, its first output cell worked out: window, sum and row 0 of C lit
    "convolution": lambda: _slide_first_cell(tab="linked", section="direct"),
    # the same, the 4×16 matrix C in full view with its row 0 lit
    "matrix": lambda: _slide_first_cell(tab="linked", section="matrix"),
}
