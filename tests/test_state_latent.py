"""The latent explorer's state without Qt: validation codes, presets, JSON round trips, edits."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from aeviz.state.base import StateError
from aeviz.state.latent import IMAGE_SETS, PRESETS, LatentState, round_code


def test_importing_the_state_needs_neither_qt_nor_torch():
    code = ("import sys, aeviz.state.latent; "
            "print(any(m.startswith(('PySide6', 'torch')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_valid_and_round_trip_through_json(name):
    value = PRESETS[name]()
    again = LatentState.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again == value


def test_the_home_topics_have_their_presets():
    assert {"dim_reduction", "exploration", "features", "generate", "morphing", "attributes"} <= set(PRESETS)
    assert PRESETS["morphing"]().tab == "morph" and PRESETS["morphing"]().morph_alpha == 0.5
    assert PRESETS["features"]().tab == "sliders"
    assert PRESETS["generate"]().tab == "generate"
    assert PRESETS["attributes"]().tab == "attributes"
    assert PRESETS["exploration"]().map_kind == "tsne" and PRESETS["exploration"]().image_set == "test"


def test_preset_images_are_the_digits_they_claim():
    """The pairs were chosen by looking at them: a 3 and an 8 to morph, a thin 0 to thicken."""
    from aeviz.core.datasets import load_mnist

    labels = load_mnist("test").labels
    morph = PRESETS["morphing"]()
    assert (labels[morph.row_a], labels[morph.row_b]) == (3, 8)
    assert labels[PRESETS["attributes"]().selected_image] == 0
    default = LatentState()
    assert (labels[default.row_a], labels[default.row_b], labels[default.selected_image]) == (1, 7, 4)


def test_image_set_sizes_are_the_bundled_mnist_sizes():
    from aeviz.core.datasets import load_mnist

    test, train = len(load_mnist("test").labels), len(load_mnist("train").labels)
    assert IMAGE_SETS == {"test": test, "test_2000": 2000, "train": train, "all": train + test}


def test_a_slider_code_survives_json_exactly():
    z = np.array([0.1234567891, -3.0e-7, 12345.678, 2.0], np.float32)
    value = LatentState(slider_code=round_code(z))
    again = LatentState.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again.slider_code == value.slider_code
    assert np.allclose(again.slider_code, z, rtol=1e-5)


@pytest.mark.parametrize("data, code, field", [
    ({"row_a": 10_000}, "state.out_of_range", "row_a"),             # the test set ends at 9 999
    ({"image_set": "test_2000", "row_b": 2000}, "state.out_of_range", "row_b"),
    ({"selected_image": -1}, "state.out_of_range", "selected_image"),
    ({"morph_alpha": 1.5}, "state.out_of_range", "morph_alpha"),
    ({"morph_alpha": "half"}, "state.bad_type", "morph_alpha"),
    ({"morph_steps": 2}, "state.out_of_range", "morph_steps"),
    ({"path_kind": "spline"}, "state.bad_type", "path_kind"),
    ({"tab": "matrix"}, "state.bad_type", "tab"),
    ({"image_set": "cifar"}, "state.bad_type", "image_set"),
    ({"model_source": "file"}, "latent.no_model_file", "model_path"),
    ({"pretrained_id": "../../etc/passwd"}, "latent.bad_model_id", "pretrained_id"),
    ({"map_range": [1, 0, 0, 1]}, "latent.bad_map_range", "map_range"),
    ({"map_range": [0, 1, 0]}, "state.bad_type", "map_range"),
    ({"hidden_classes": [3, 3]}, "latent.repeated_class", "hidden_classes"),
    ({"hidden_classes": [10]}, "state.out_of_range", "hidden_classes"),
    ({"slider_code": [0.0] * 129}, "latent.code_too_long", "slider_code"),
    ({"slider_code": [1e300]}, "state.out_of_range", "slider_code"),
    ({"attr_kind": "folder"}, "latent.no_folder", "attr_folder"),
    ({"attr_a": 10}, "state.out_of_range", "attr_a"),
    ({"attr_strength": -3}, "state.out_of_range", "attr_strength"),
    ({"gen_seed": 1_000_000}, "state.out_of_range", "gen_seed"),
    ({"gen_count": 65}, "state.out_of_range", "gen_count"),
    ({"gen_count": True}, "state.bad_type", "gen_count"),
    ({"zoom": 2}, "state.unknown_field", "zoom"),
])
def test_bad_values_are_refused_with_a_code_and_the_field(data, code, field):
    with pytest.raises(StateError) as info:
        LatentState.from_dict(data)
    assert info.value.code == code
    assert info.value.params.get("field") == field


def test_every_field_and_code_has_french_and_english_texts():
    from aeviz.ui import i18n
    from aeviz.ui.error_texts import describe_error
    import aeviz.ui.pages.latent_source  # noqa: F401  (registers the texts)

    for f in dataclasses.fields(LatentState):
        texts = i18n.catalog()[f"err.field.{f.name}"]
        assert texts["fr"] and texts["en"]
    i18n.set_language("fr")
    try:
        with pytest.raises(StateError) as info:
            LatentState(morph_steps=40)
        assert describe_error(info.value) == "étapes de la bande = 40 est hors de l'intervalle permis [3 ; 15]."
        with pytest.raises(StateError) as info:
            LatentState(model_source="file")
        assert describe_error(info.value) == "Un modèle lu dans un fichier demande le chemin de ce fichier."
    finally:
        i18n.set_language("en")


def test_another_image_set_moves_indices_inside_it_and_refits_the_map():
    value = LatentState(row_a=9000, row_b=5, selected_image=4500, map_range=(0.0, 1.0, 0.0, 1.0))
    small = value.with_image_set("test_2000")
    assert (small.row_a, small.row_b, small.selected_image, small.map_range) == (1999, 5, 1999, None)
    with pytest.raises(StateError):
        value.with_image_set("svhn")


def test_another_model_restarts_the_sliders_and_the_map():
    value = LatentState(slider_code=(1.0, 2.0), map_kind="tsne", map_range=(0.0, 1.0, 0.0, 1.0))
    other = value.with_model("file", model_path="/tmp/mine.aeviz")
    assert other.model_source == "file" and other.model_path == "/tmp/mine.aeviz"
    assert (other.slider_code, other.map_kind, other.map_range) == ((), "linear", None)
    assert other.model_key() == ("file", None, "/tmp/mine.aeviz")
    assert value.with_model("pretrained", pretrained_id="vae_latent2").model_key() == ("pretrained", "vae_latent2", None)


def test_a_click_on_the_morphing_tab_sets_the_picked_end_then_the_other():
    value = LatentState(tab="morph", morph_pick="a")
    first = value.with_click(11)
    assert (first.selected_image, first.row_a, first.morph_pick) == (11, 11, "b")
    second = first.with_click(22)
    assert (second.row_a, second.row_b, second.morph_pick) == (11, 22, "a")
    elsewhere = LatentState(tab="sliders").with_click(33)
    assert (elsewhere.selected_image, elsewhere.row_a, elsewhere.row_b) == (33, LatentState().row_a, LatentState().row_b)

