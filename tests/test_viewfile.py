"""Saved view files: what is written reopens equal; bad files are refused with a code."""

import json
import os
import zipfile

import pytest
import torch

from aeviz.core import viewfile
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.viewfile import View, ViewError, load_view, load_view_model, model_bytes, save_view


def test_round_trip_with_a_model_and_a_relative_file(tmp_path):
    data = tmp_path / "data" / "digits.idx"
    data.parent.mkdir()
    data.write_bytes(b"x")
    torch.manual_seed(0)
    model = build_model(ModelConfig("mlp", 2))
    view = View(page="training", state={"source": str(data), "epochs": 3}, state_version=1,
                model=model_bytes(model), file_fields=("source",))
    path = save_view(tmp_path / "lesson" / "a.aevizview", view)
    with zipfile.ZipFile(path) as zf:
        assert json.loads(zf.read("view.json"))["state"]["source"] == os.path.join("..", "data", "digits.idx")
    moved = tmp_path / "elsewhere"
    (moved / "lesson").mkdir(parents=True)
    (moved / "data").mkdir()
    (moved / "data" / "digits.idx").write_bytes(b"x")
    os.replace(path, moved / "lesson" / "a.aevizview")
    back = load_view(moved / "lesson" / "a.aevizview")
    assert back.page == "training" and back.state["epochs"] == 3
    assert back.state["source"] == str(moved / "lesson" / ".." / "data" / "digits.idx") and back.missing_files == []
    loaded = load_view_model(back)
    for name, tensor in model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor)


def test_a_missing_user_file_is_reported(tmp_path):
    path = save_view(tmp_path / "v.aevizview", View("latent", {"folder": str(tmp_path / "gone")}, file_fields=("folder",)))
    assert load_view(path).missing_files == ["gone"]


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("members, code", [
    ({"meta.json": "{}"}, "view.foreign"),
    ({"view.json": "not json"}, "view.damaged"),
    ({"view.json": json.dumps({"format": "other"})}, "view.foreign"),
    ({"view.json": json.dumps({"format": "aeviz-view", "format_version": 99, "page": "x", "state": {}})},
     "view.newer_version"),
    ({"view.json": json.dumps({"format": "aeviz-view", "format_version": 1, "page": 3, "state": {}})},
     "view.damaged"),
])
def test_bad_containers_are_refused(tmp_path, members, code):
    with pytest.raises(ViewError) as info:
        load_view(_zip(tmp_path / "bad.aevizview", members))
    assert info.value.code == code


def test_non_files_and_foreign_bytes_are_refused(tmp_path):
    fifo = tmp_path / "pipe.aevizview"
    os.mkfifo(fifo)
    with pytest.raises(ViewError) as info:
        load_view(fifo)
    assert info.value.code == "view.not_regular"
    png = tmp_path / "x.aevizview"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with pytest.raises(ViewError) as info:
        load_view(png)
    assert info.value.code == "view.foreign"
    with pytest.raises(ViewError) as info:
        load_view(tmp_path)
    assert info.value.code == "view.is_folder"


def test_a_huge_declared_view_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(viewfile, "MAX_VIEW_JSON", 1000)
    path = _zip(tmp_path / "big.aevizview", {"view.json": json.dumps({"format": "aeviz-view", "pad": "x" * 5000})})
    with pytest.raises(ViewError) as info:
        load_view(path)
    assert info.value.code == "view.too_large"
