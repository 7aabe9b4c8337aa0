"""The training page's state without Qt: validation codes, presets, JSON round trip, the run machine."""

import json
import subprocess
import sys
import zipfile

import pytest
from hypothesis import given, settings, strategies as st

from aeviz.core.threads import usable_cores
from aeviz.state.base import StateError
from aeviz.state.run import PHASES, TRANSITIONS, advance
from aeviz.state.training import PRESETS, TrainingState, settings_of


def _code(**changes) -> tuple[str, dict]:
    with pytest.raises(StateError) as info:
        TrainingState(**changes)
    return info.value.code, info.value.params


def test_the_state_module_imports_neither_qt_nor_torch():
    code = ("import sys; import aeviz.state.training as t; t.TrainingState(); "
            "print(any(m.startswith(('PySide6', 'torch')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("changes, code, field", [
    ({"subset": 999}, "state.out_of_range", "subset"),
    ({"subset": 60001}, "state.out_of_range", "subset"),
    ({"source": "folder"}, "train.no_data_path", "data_path"),
    ({"source": "idx", "data_path": "/x/images-idx3"}, "train.no_labels_path", "labels_path"),
    ({"source": "parquet"}, "state.bad_type", "source"),
    ({"latent": 0}, "state.out_of_range", "latent"),
    ({"latent": 129}, "state.out_of_range", "latent"),
    ({"latent": "2"}, "state.bad_type", "latent"),
    ({"latent": True}, "state.bad_type", "latent"),
    ({"kind": "rnn"}, "state.bad_type", "kind"),
    ({"hidden": ()}, "train.bad_hidden", "hidden"),
    ({"hidden": (16,) * 9}, "train.bad_hidden", "hidden"),
    ({"hidden": (256, 4097)}, "state.out_of_range", "hidden"),
    ({"hidden": (256, 0)}, "state.out_of_range", "hidden"),
    ({"bias": False}, "train.bias_linear_only", "bias"),
    ({"lr": 0.0}, "state.out_of_range", "lr"),
    ({"lr": float("nan")}, "state.bad_type", "lr"),
    ({"batch_size": 4}, "state.out_of_range", "batch_size"),
    ({"epochs": 1001}, "state.out_of_range", "epochs"),
    ({"seed": -1}, "state.out_of_range", "seed"),
    ({"noise_level": 1.5}, "state.out_of_range", "noise_level"),
    ({"noise_kind": "poisson"}, "state.bad_type", "noise_kind"),
    ({"threads": 0}, "state.out_of_range", "threads"),
    ({"device": "tpu"}, "state.bad_type", "device"),
    ({"origin": "pretrained", "pretrained_id": "../../etc/passwd"}, "train.bad_pretrained_id", "pretrained_id"),
    ({"origin": "pretrained", "pretrained_id": ""}, "train.bad_pretrained_id", "pretrained_id"),
    ({"epoch": 3.0}, "train.untrained_epochs", "epoch"),
    ({"phase": "paused"}, "train.phase_origin", "phase"),
    ({"origin": "file", "phase": "done", "epoch": 2.0, "run_end": 2.0}, "train.phase_origin", "phase"),
    ({"origin": "trained", "epoch": 2.0, "run_start": 3.0, "run_end": 4.0}, "train.bad_run_span", "run_start"),
    ({"origin": "trained", "epoch": -1.0}, "state.out_of_range", "epoch"),
    ({"phase": "exploded"}, "state.bad_type", "phase"),
    ({"tab": "weights"}, "state.bad_type", "tab"),
])
def test_refused_values_say_which_rule(changes, code, field):
    got, params = _code(**changes)
    assert (got, params.get("field")) == (code, field)


def test_what_the_rules_allow():
    TrainingState(kind="linear", hidden=(), bias=False)  # a linear model has no hidden layers, may drop biases
    TrainingState(source="idx", data_path="a", labels_path="b")
    TrainingState(origin="trained", phase="paused", epoch=3.5, run_start=2.0, run_end=12.0)
    TrainingState(threads=None)


def test_defaults_are_what_the_page_showed_at_start_up():
    v = TrainingState()
    assert (v.source, v.subset, v.kind, v.latent, v.hidden, v.optimizer, v.lr, v.batch_size, v.epochs) == \
        ("mnist", 10000, "mlp", 16, (256, 64), "adam", 0.001, 128, 10)
    assert not v.denoising and (v.noise_kind, v.noise_level) == ("gaussian", 0.3)
    assert (v.origin, v.phase, v.epoch) == ("untrained", "idle", 0.0)


def test_presets_are_valid_and_round_trip():
    for name, make in PRESETS.items():
        value = make()
        assert TrainingState.from_dict(json.loads(json.dumps(value.to_dict()))) == value, name


def test_what_is_ae_is_an_untrained_mlp_with_a_code_of_two():
    v = PRESETS["what_is_ae"]()
    assert (v.kind, v.latent, v.origin, v.phase, v.denoising) == ("mlp", 2, "untrained", "idle", False)


def test_the_denoising_preset_is_the_shipped_denoiser_exactly():
    """Its fields match what the shipped file says (read here with zipfile + json, not the app's reader)."""
    from aeviz.core.pretrained import models_dir

    v = PRESETS["denoising"]()
    with zipfile.ZipFile(models_dir() / "conv_denoiser.aeviz") as zf:
        meta = json.loads(zf.read(next(n for n in zf.namelist() if n.endswith(".json"))))
    model, train = meta["model"], meta["train"]
    assert (v.origin, v.pretrained_id, v.denoising) == ("pretrained", "conv_denoiser", True)
    assert (v.kind, v.latent, list(v.hidden)) == (model["kind"], model["latent"], model["hidden"])
    assert (v.noise_kind, v.noise_level, v.lr) == (train["noise"]["kind"], train["noise"]["level"], train["lr"])
    assert v.epoch == meta["history"][-1]["epoch"]


def test_settings_of_a_model_file_fill_the_form_fields():
    from aeviz.core.models import ModelConfig
    from aeviz.core.noise import NoiseConfig
    from aeviz.core.training import TrainConfig

    fields = settings_of(ModelConfig("conv", 5, hidden=(8, 16)),
                         TrainConfig(optimizer="sgd", lr=500.0, batch_size=2, noise=NoiseConfig("masking", 0.4)))
    assert fields == {"kind": "conv", "latent": 5, "hidden": (8, 16), "bias": True, "optimizer": "sgd",
                      "loss": "auto", "lr": 100.0, "batch_size": 8, "denoising": True, "noise_kind": "masking",
                      "noise_level": 0.4}
    assert settings_of(ModelConfig("mlp", 2))["hidden"] == (256, 64)  # "default" written out
    TrainingState().with_changes(**fields)


@pytest.mark.parametrize("phase", ["running", "paused"])
def test_a_restored_run_is_stopped_never_resumed(phase):
    saved = TrainingState(origin="trained", phase=phase, epoch=1.5, run_start=0.0, run_end=10.0).to_dict()
    restored = TrainingState.from_dict(saved)
    assert restored.phase == "stopped" and restored.epoch == 1.5


@pytest.mark.parametrize("phase", ["done", "diverged", "stopped"])
def test_an_ended_run_is_restored_as_it_was(phase):
    value = TrainingState(origin="trained", phase=phase, epoch=2.0, run_start=0.0, run_end=2.0)
    assert TrainingState.from_dict(value.to_dict()).phase == phase


def test_the_run_machine_has_the_documented_moves():
    assert advance("idle", "running") == "running"
    path = ["idle", "running", "paused", "running", "paused", "stopped", "running", "done", "running", "diverged",
            "running", "stopped", "idle"]
    for a, b in zip(path, path[1:]):
        assert advance(a, b) == b
    for current, target in [("idle", "paused"), ("idle", "done"), ("paused", "done"), ("diverged", "paused"),
                            ("done", "paused"), ("stopped", "paused"), ("running", "idle"), ("paused", "idle")]:
        with pytest.raises(StateError) as info:
            advance(current, target)
        assert info.value.code == "run.illegal"
    assert set(TRANSITIONS) == set(PHASES)


def test_conversions_match_the_core_configurations_built_directly():
    from aeviz.core.models import ModelConfig
    from aeviz.core.noise import NoiseConfig
    from aeviz.core.session import DataSpec

    v = TrainingState(kind="vae", latent=4, hidden=(40,), denoising=True, noise_kind="salt_pepper",
                      noise_level=0.2, subset=2000, seed=5, threads=1, epochs=3, lr=0.01, optimizer="sgd")
    assert v.model_config((1, 28, 28)) == ModelConfig("vae", 4, hidden=(40,))
    assert v.noise_config() == NoiseConfig("salt_pepper", 0.2)
    assert TrainingState().noise_config() is None
    assert v.data_spec() == DataSpec("mnist", "", "", 2000, 5)
    tc = v.train_config()
    assert (tc.optimizer, tc.lr, tc.epochs, tc.seed, tc.num_threads, tc.noise) == \
        ("sgd", 0.01, 3, 5, 1, NoiseConfig("salt_pepper", 0.2))
    assert TrainingState().train_config().num_threads is None  # Auto: the trainer measures
    assert TrainingState(threads=1024).train_config().num_threads == usable_cores()  # a view from a bigger computer
    linear = TrainingState(kind="linear", hidden=(), bias=False).model_config()
    assert linear == ModelConfig("linear", 16, bias=False)


def test_unknown_or_newer_saved_states_are_refused():
    with pytest.raises(StateError) as info:
        TrainingState.from_dict({"latent": 2, "weights": [1, 2]})
    assert info.value.code == "state.unknown_field"
    with pytest.raises(StateError) as info:
        TrainingState.from_dict({}, version=TrainingState.version + 1)
    assert info.value.code == "state.newer_version"


settable = st.fixed_dictionaries({
    "subset": st.integers(1000, 60000), "latent": st.integers(1, 128),
    "hidden": st.lists(st.integers(1, 4096), min_size=1, max_size=8).map(tuple),
    "lr": st.floats(0.00001, 100.0), "batch_size": st.integers(8, 4096), "epochs": st.integers(1, 1000),
    "seed": st.integers(0, 2_000_000_000), "denoising": st.booleans(),
    "noise_kind": st.sampled_from(["gaussian", "masking", "salt_pepper"]), "noise_level": st.floats(0.0, 1.0),
    "threads": st.none() | st.integers(1, 64), "kind": st.sampled_from(["mlp", "conv", "vae"]),
})


@settings(max_examples=60, deadline=None)
@given(settable)
def test_any_valid_state_survives_json(changes):
    value = TrainingState(**changes)
    assert TrainingState.from_dict(json.loads(json.dumps(value.to_dict()))) == value
