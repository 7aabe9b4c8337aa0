"""The compression page's state without Qt: k, short runs kept in the value, the short run's phase."""

import json

import numpy as np
import pytest

from aeviz.core import compression as cp
from aeviz.core.viewfile import MAX_VIEW_JSON
from aeviz.state.base import StateError
from aeviz.state.compression import PRESETS, CompressionState, point_of, short_run_of


def a_point(method="mlp", k=16, mse=0.0123, seed=0):
    images = np.random.default_rng(seed).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    return cp.Point(method, k, mse, "trained", images, {"seconds": 61.5, "epochs": 6, "n_train": 10000})


def test_defaults_and_preset():
    assert CompressionState().k == 16 and CompressionState().short_run == "idle"
    preset = PRESETS["compression"]()
    assert preset.k == 8 and preset.short_runs == ()
    assert CompressionState.from_dict(json.loads(json.dumps(preset.to_dict()))) == preset


def test_a_short_run_keeps_its_numbers_and_images_exactly():
    point = a_point()
    back = point_of(short_run_of(point))
    assert (back.method, back.k, back.mse, back.source) == ("mlp", 16, 0.0123, "trained")
    np.testing.assert_array_equal(back.examples, point.examples)
    assert back.cost["epochs"] == 6 and back.cost["n_train"] == 10000 and back.cost["seconds"] == 61.5


def test_with_point_replaces_the_run_of_the_same_method_and_k():
    value = CompressionState().with_point(a_point(mse=0.02)).with_point(a_point("conv", 8))
    value = value.with_point(a_point(mse=0.01, seed=1))
    points = value.short_points()
    assert sorted(points) == [("conv", 8), ("mlp", 16)] and points[("mlp", 16)].mse == 0.01


def test_json_round_trip_with_short_runs_and_a_running_run_comes_back_stopped():
    value = CompressionState(k=4).with_point(a_point()).with_changes(
        short_run="running", short_run_method="conv", short_run_k=4, short_run_progress=0.4)
    again = CompressionState.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again == value.with_changes(short_run="stopped")


def test_every_short_run_fits_in_a_view_file():
    value = CompressionState()
    for method in ("linear", "mlp", "conv"):
        for k in cp.K_GRID:
            value = value.with_point(a_point(method, k))
    text = json.dumps(value.to_dict(), indent=1)
    assert len(value.short_runs) == 24 and len(text) < MAX_VIEW_JSON / 2


@pytest.mark.parametrize("changes, code", [
    ({"k": 3}, "state.bad_choice"),
    ({"short_run_k": 200}, "state.bad_choice"),
    ({"short_run_method": "pca"}, "state.bad_type"),
    ({"short_run_progress": 1.5}, "state.out_of_range"),
    ({"short_runs": (("mlp", 16, 0.01, 1.0, 6.0, 10000, "!!notbase64"),)}, "compression.bad_examples"),
    ({"short_runs": (("mlp", 16, 0.01, 1.0, 6.0, 10000, "AAAA"),)}, "compression.bad_examples"),
    ({"short_runs": (("pca", 16, 0.01, 1.0, 6.0, 10000, ""),)}, "state.bad_choice"),
    ({"short_runs": (("mlp", 16, -0.01, 1.0, 6.0, 10000, ""),)}, "state.out_of_range"),
    ({"short_runs": (("mlp", 16, 0.01),)}, "state.bad_type"),
])
def test_invalid_values_are_refused_with_a_code(changes, code):
    with pytest.raises(StateError) as info:
        CompressionState().with_changes(**changes)
    assert info.value.code == code


def test_two_runs_of_the_same_method_and_k_are_refused():
    run = short_run_of(a_point())
    with pytest.raises(StateError) as info:
        CompressionState(short_runs=(run, run))
    assert info.value.code == "compression.duplicate_run"
