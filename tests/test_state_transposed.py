"""The transposed-convolution lab's state without Qt: the slide's numbers, the engine's rules, presets."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aeviz.core.conv import conv_matrix, conv_transpose_matrix, transpose_partials
from aeviz.state.base import StateError
from aeviz.state.lab import Cell
from aeviz.state.transposed import PRESETS, SLIDE_Y, TransposedState

# The slide's 16×4 matrix Cᵀ (lesson 2), typed from the course text.
SLIDE_CT = [[1, 0, 0, 0], [2, 1, 0, 0], [1, 2, 0, 0], [0, 1, 0, 0], [2, 0, 1, 0], [1, 2, 2, 1], [2, 1, 1, 2],
            [0, 2, 0, 1], [1, 0, 2, 0], [1, 1, 1, 2], [2, 1, 2, 1], [0, 2, 0, 2], [0, 0, 1, 0], [0, 0, 1, 1],
            [0, 0, 2, 1], [0, 0, 0, 2]]


def torch_tconv(value: TransposedState) -> np.ndarray:
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))[None, None]
    return F.conv_transpose2d(t(value.input_grid), t(value.kernel), **value.params())[0, 0].numpy()


def test_defaults_are_the_slide_example_without_its_typos():
    value = TransposedState()
    y = torch_tconv(value)
    assert y.tolist() == [list(row) for row in SLIDE_Y] and y[3, 1] == 107        # one slide copy says 104
    assert conv_transpose_matrix(value.x().shape, value.k(), **value.params()).tolist() == SLIDE_CT
    assert conv_matrix((4, 4), value.k()).T.tolist() == SLIDE_CT                     # Cᵀ is C transposed
    third = transpose_partials(value.x(), value.k())[1, 0].ravel()
    assert third[10] == 57 * 2 == 114                                                # the slide says 117
    assert value.step_count() == 4 and value.selection is None and not value.show_c


def test_presets_show_the_example_partial_by_partial():
    for name in ("transposed", "ct_columns"):
        value = PRESETS[name]()
        assert value.input_grid == TransposedState().input_grid
        assert value.step == 1 and value.selection == Cell("input", 0, 1) == value.step_cell(1)
        assert TransposedState.from_dict(json.loads(json.dumps(value.to_dict()))) == value
    assert (PRESETS["transposed"]().section, PRESETS["transposed"]().matrix_part) == ("direct", "product")
    assert (PRESETS["ct_columns"]().section, PRESETS["ct_columns"]().matrix_part) == ("matrix", "columns")


@pytest.mark.parametrize("changes, code, params", [
    (dict(padding=3), "conv.crops_everything", {"padding": "3", "full": "4×4", "output": "-2×-2"}),
    (dict(output_padding=1), "conv.output_padding_too_big", {"output_padding": "1", "stride": "1"}),
    (dict(output_padding=4), "state.out_of_range", {"field": "output_padding", "hi": 3}),
    (dict(section="columns"), "state.bad_type", {"field": "section"}),
    (dict(matrix_part="bottom"), "state.bad_type", {"field": "matrix_part"}),
    (dict(show_c=1), "state.bad_type", {"field": "show_c"}),
    (dict(selected="output", selected_row=4), "lab.output_cell_outside", {"shape": "4×4"}),
    (dict(step=4), "state.out_of_range", {"field": "step", "hi": 3}),
])
def test_refused_values_carry_a_code_and_parameters(changes, code, params):
    with pytest.raises(StateError) as info:
        TransposedState().with_changes(**changes)
    assert info.value.code == code
    assert params.items() <= info.value.params.items()


@pytest.mark.parametrize("params", [dict(stride=2, output_padding=1), dict(stride=2, padding=1),
                                    dict(dilation=2, padding=1), dict(stride=3, output_padding=2, padding=2)])
def test_accepted_geometries_agree_with_torch(params):
    value = TransposedState(input_grid=((1, 2, 0), (3, -1, 4)), **params)
    y = torch_tconv(value)
    assert value.geometry().output_shape == y.shape
    M = conv_transpose_matrix(value.x().shape, value.k(), **value.params())
    np.testing.assert_array_equal(M @ value.x().ravel(), y.ravel())


def test_the_stepper_walks_the_input_cells_and_a_smaller_input_resets_it():
    value = TransposedState(input_grid=((1, 2, 3), (4, 5, 6)), step=5,
                            **TransposedState.select(Cell("output", 3, 4)))
    assert value.step_cell(5) == Cell("input", 1, 2)
    shrunk = value.with_changes(**value.fitted(input_grid=((1, 2),)))   # 1×2 → 3×4 output
    assert shrunk.step == -1 and shrunk.selection is None
