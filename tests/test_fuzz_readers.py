"""Fuzzing the three readers of user files: model bundles, IDX files and image folders.

Hypothesis builds broken inputs (any JSON value in any field of a model file, random
tensor headers, random IDX headers and payloads, damaged images of every format and
mode); each must load or end in the documented error type (BundleError, DatasetError)
within 2 s and 500 MB of Python/numpy allocations. Nothing else may escape.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import struct
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_cases as H
from aeviz.core import bundle, datasets
from aeviz.core.bundle import BundleError
from aeviz.core.datasets import DatasetError

TIME_BUDGET_S = 2.0
MEMORY_BUDGET = 500 * 2 ** 20
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def within_budget(call, allowed):
    """Run ``call``; it must return or raise one of ``allowed``, within the time and memory budget."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
    except allowed as exc:
        result = exc
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < TIME_BUDGET_S and peak < MEMORY_BUDGET, (elapsed, peak)
    if isinstance(result, allowed):
        assert getattr(result, "code", "").count(".") == 1, result  # a documented error has a code
    return result


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
META_FIELDS = ([("model", k) for k in ("kind", "latent", "hidden", "bias", "image_shape", "output", "center", "beta",
                                       "extra_field")]
               + [("train", k) for k in ("optimizer", "lr", "batch_size", "epochs", "loss", "seed", "noise",
                                         "num_threads", "device", "weight_decay", "momentum", "snapshot_every_s")]
               + [("history", 0, k) for k in ("epoch", "train_loss", "val_loss", "step")]
               + [(k,) for k in ("format", "format_version", "model", "train", "history", "dataset", "weights",
                                 "extra", "normalisation")])


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return H.small_bundle(tmp_path_factory.mktemp("fuzz-base"))


def _set(meta: dict, path: tuple, value) -> None:
    target = meta
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@FUZZ
@given(field=st.sampled_from(META_FIELDS), value=json_values)
def test_any_value_in_any_meta_field_loads_or_is_a_bundle_error(base, tmp_path_factory, field, value):
    meta, weights = H.members(base)
    _set(meta, field, value)
    path = H.write_bundle(tmp_path_factory.mktemp("fuzz") / "m.aeviz", json.dumps(meta).encode(), weights)
    result = within_budget(lambda: bundle.load(path), BundleError)
    if not isinstance(result, BundleError):  # what loads must be fully usable by a page
        assert result.train_config is None or result.train_config.epochs >= 1
        assert all(isinstance(h, dict) and float(h["epoch"]) >= 0 for h in result.history)


shapes = st.lists(st.integers(-3, 2 ** 70) | st.sampled_from([0, 1, 2, 3]) | st.floats() | st.text(max_size=2),
                  max_size=10)
tensor_entries = st.fixed_dictionaries({
    "dtype": st.sampled_from(["F32", "F16", "F64", "I64", "U8", "BF16", "", 3]),
    "shape": shapes | st.none(),
    "data_offsets": st.lists(st.integers(-2, 2 ** 66) | st.sampled_from([0, 4, 8, 12]), max_size=3) | st.text()})


@FUZZ
@given(header=st.dictionaries(st.text(max_size=6), tensor_entries | json_values, max_size=4),
       payload=st.binary(max_size=64))
def test_random_tensor_headers_only_raise_bundle_error(header, payload):
    blob = H.weights_with_header(json.dumps(header).encode(), payload)
    within_budget(lambda: bundle.decode_tensors(blob), BundleError)


@FUZZ
@given(ndim=st.integers(0, 6), dims=st.lists(st.integers(0, 2 ** 32 - 1) | st.integers(0, 40), min_size=6,
                                               max_size=6),
       extra=st.integers(-8, 8), zipped=st.booleans(), magic=st.sampled_from([0x08, 0x0D, 0x09]))
def test_random_idx_headers_only_raise_dataset_error(tmp_path_factory, ndim, dims, extra, zipped, magic):
    dims = dims[:ndim]
    size = math.prod(dims)
    body = bytes(max(0, min(size, 4096) + extra)) if size <= 4096 else bytes(64)
    data = H.idx_header(dims, magic) + body
    path = tmp_path_factory.mktemp("idx") / "x-images-idx3-ubyte"
    path.write_bytes(gzip.compress(data, compresslevel=1) if zipped else data)
    result = within_budget(lambda: datasets.read_idx(path), DatasetError)
    if not isinstance(result, DatasetError):
        assert result.shape == tuple(dims) and result.dtype == np.uint8


IMAGE_MODES = ["1", "L", "P", "RGB", "RGBA", "LA", "I;16", "I", "F", "CMYK"]
FORMATS = {"png": ("1", "L", "P", "RGB", "RGBA", "LA", "I;16"), "tif": tuple(IMAGE_MODES),
           "gif": ("L", "P"), "bmp": ("1", "L", "P", "RGB"), "jpg": ("L", "RGB", "CMYK"), "webp": ("RGB", "RGBA")}


def _image_bytes(fmt: str, mode: str, seed: int) -> bytes:
    from PIL import Image

    rng = np.random.default_rng(seed)
    img = Image.fromarray(rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)).convert(
        "RGBA" if mode in ("RGBA", "LA") else "RGB")
    img = img.convert(mode) if mode not in ("I;16", "I", "F") else Image.fromarray(
        (rng.random((9, 11)) * {"I;16": 65535, "I": 2 ** 20, "F": 1.0}[mode]).astype(
            {"I;16": np.uint16, "I": np.int32, "F": np.float32}[mode]))
    out = io.BytesIO()
    img.save(out, format={"jpg": "JPEG", "tif": "TIFF"}.get(fmt, fmt.upper()))
    return out.getvalue()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(FORMATS)), pick=st.integers(0, 20), seed=st.integers(0, 2 ** 16),
       damage=st.sampled_from(["none", "truncate", "flip", "header"]), where=st.floats(0, 1))
def test_damaged_images_of_every_format_are_loaded_or_skipped(tmp_path_factory, fmt, pick, seed, damage, where):
    modes = FORMATS[fmt]
    data = bytearray(_image_bytes(fmt, modes[pick % len(modes)], seed))
    at = int(where * (len(data) - 1))
    if damage == "truncate":
        data = data[:at]
    elif damage == "flip":
        data[at] ^= 0xFF
    elif damage == "header":
        data[min(at, 40):min(at, 40) + 4] = struct.pack(">I", 0xFFFFFFFF)
    root = tmp_path_factory.mktemp("images")
    (root / "cls").mkdir()
    (root / "cls" / f"x.{fmt}").write_bytes(bytes(data))
    H.digit_folder(root, classes=("ok",), per_class=1)
    result = within_budget(lambda: datasets.load_image_folder(root), DatasetError)
    assert not isinstance(result, DatasetError)  # the good image is always there
    assert len(result) + result.skipped == 2
    assert result.images.dtype == np.uint8 and result.images.shape[1:] == (28, 28)
    if damage == "none":
        assert result.skipped == 0, (fmt, modes[pick % len(modes)])


# ---- saved views and lessons: any JSON in any field, then validated by the page's state model
VIEW_FIELDS = ("format", "format_version", "page", "state_version", "state", "files")


@FUZZ
@given(field=st.sampled_from(VIEW_FIELDS), value=json_values, state_field=st.sampled_from(
    ("choice", "level", "seed", "attempts", "other")), state_value=json_values)
def test_fuzzed_view_files_end_in_view_or_state_errors(tmp_path_factory, field, value, state_field, state_value):
    import zipfile

    from aeviz.core.viewfile import ViewError, load_view
    from aeviz.state.base import StateError
    from aeviz.state.exercises import ExercisesState

    doc = {"format": "aeviz-view", "format_version": 1, "page": "exercises", "state_version": 1,
           "state": {state_field: state_value}, "files": []}
    doc[field] = value
    path = tmp_path_factory.mktemp("views") / "v.aevizview"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("view.json", json.dumps(doc, allow_nan=True))

    def open_it():
        view = load_view(path)
        return ExercisesState.from_dict(view.state, view.state_version)

    within_budget(open_it, (ViewError, StateError))
@FUZZ
@given(step_field=st.sampled_from(("page", "state", "state_version", "caption", "action")), value=json_values)
def test_fuzzed_lessons_end_in_lesson_errors(step_field, value):
    from aeviz.state.lesson import LessonError, lesson_from_json

    step = {"page": "exercises", "state": {"seed": 3}, "caption": {"fr": "a", "en": "b"}, "action": ""}
    step[step_field] = value
    doc = {"format": "aeviz-lesson", "format_version": 1, "title": {"fr": "", "en": ""}, "steps": [step]}
    raw = json.dumps(doc, allow_nan=True).encode()
    within_budget(lambda: lesson_from_json(raw, "l.aevizlesson"), (LessonError,))
