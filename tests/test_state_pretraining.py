"""The pretraining page's state without Qt: L, encoder, results kept in the value, the experiment's phase."""

import json

import numpy as np
import pytest

from aeviz.core import pretraining as ptr
from aeviz.core.paths import resource_path
from aeviz.state.base import StateError
from aeviz.state.pretraining import PRESETS, PretrainingState, results_dict, results_of


def test_defaults_and_the_preset_holds_the_shipped_curve():
    assert PretrainingState().L == 10 and PretrainingState().encoder == "shipped"
    value = PRESETS["pretraining"]()
    assert value.L == 10 and value.experiment == "idle"
    shipped = json.loads(resource_path("precomputed", "pretraining.json").read_text())["results"]
    assert [row[0] for row in value.results] == sorted(int(L) for L in shipped)
    # mean accuracies as the plot shows them, against the file read independently
    summary = ptr.summarise(value.results_dict())
    for i, L in enumerate(summary["L"]):
        for way in ptr.WAYS:
            assert summary[way][i] == pytest.approx(np.mean(shipped[str(int(L))][way]))


def test_results_round_trip_through_the_state_and_json():
    results = {1: {"scratch": [0.4, 0.5], "frozen": [0.5, 0.5], "finetune": [0.45, 0.55]},
               20: {"scratch": [0.8], "frozen": [0.85], "finetune": [1.0]}}
    assert results_dict(results_of(results)) == results
    value = PretrainingState(L=20, encoder="pool10000", results=results_of(results), experiment="done",
                             experiment_Ls=(1, 20), experiment_progress=1.0)
    assert PretrainingState.from_dict(json.loads(json.dumps(value.to_dict()))) == value


def test_a_running_experiment_comes_back_stopped():
    value = PretrainingState(experiment="running", experiment_Ls=(10,), experiment_progress=0.3)
    assert PretrainingState.from_dict(json.loads(json.dumps(value.to_dict()))).experiment == "stopped"


@pytest.mark.parametrize("changes, code", [
    ({"L": 0}, "state.out_of_range"),
    ({"L": 501}, "state.out_of_range"),
    ({"encoder": "pool5"}, "state.bad_type"),
    ({"experiment_progress": -0.1}, "state.out_of_range"),
    ({"experiment": "running"}, "pretraining.no_Ls"),
    ({"experiment_Ls": (0,)}, "state.out_of_range"),
    ({"experiment_Ls": tuple(range(1, 11))}, "state.out_of_range"),
    ({"results": ((10, (1.5,), (0.5,), (0.5,)),)}, "state.out_of_range"),
    ({"results": ((10, (), (0.5,), (0.5,)),)}, "pretraining.bad_row"),
    ({"results": ((10, (0.5,), (0.5,), (0.5,)), (5, (0.5,), (0.5,), (0.5,)))}, "pretraining.bad_order"),
    ({"results": ((10, (0.5,), (0.5,)),)}, "state.bad_type"),
])
def test_invalid_values_are_refused_with_a_code(changes, code):
    with pytest.raises(StateError) as info:
        PretrainingState().with_changes(**changes)
    assert info.value.code == code
