"""Issue 13: every hostile file ends in the documented error, at once and in little memory.

Each case of the issue is rebuilt here (tests/hostile_cases.py: gzip and zip bombs are
assembled from repeated compressed blocks, so nothing large touches the disk) and must
raise BundleError or DatasetError with its code within 2 s and 500 MB of Python/numpy
allocations (tracemalloc). bench/hostile_files.py measures the same cases per process.
"""

from __future__ import annotations

import os
import time
import tracemalloc

import numpy as np
import pytest

import hostile_cases as H
from aeviz.core import bundle, datasets
from aeviz.core.datasets import DatasetError, load_image_folder
from aeviz.ui import i18n
from aeviz.ui.error_texts import describe_error

TIME_BUDGET_S = 2.0
MEMORY_BUDGET = 500 * 2 ** 20


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return {c.name: c for c in H.cases(tmp_path_factory.mktemp("hostile"), big=True)}


def refused(call):
    """(exception, seconds, peak bytes) of ``call()``, which must raise."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the type is what the tests check
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        return exc, elapsed, peak
    finally:
        tracemalloc.stop()
    pytest.fail("the hostile input was accepted")


def assert_described(exc) -> None:
    """The UI has a sentence for the error's code in both languages, every field filled in."""
    before = i18n.current_language()
    try:
        for language in i18n.LANGUAGES:
            i18n.set_language(language)
            text = describe_error(exc)
            assert i18n.has_key(f"err.{exc.code}") and text != str(exc) and "{" not in text, (language, exc.code, text)
    finally:
        i18n.set_language(before)


@pytest.mark.parametrize("name", [
    "arch-64-layers-4096", "arch-params", "arch-conv-4096-channels", "arch-image-1e5-pixels",
    "train-noise-list", "history-null-epoch", "model-latent-string", "model-hidden-infinity", "train-device-meta",
    "meta-nested-json", "tensor-shape-2^70x0", "tensor-shape-infinity", "tensor-header-nested-json",
    "weights-nan-inf", "model-is-a-folder", "idx-dims-overflow-int64", "idx-2000x2000", "idx-is-a-folder",
    "image-header-claims-10^10-pixels", "model-is-a-fifo", "idx-is-a-fifo", "gzip-3GiB-after-valid-mnist-header",
    "gzip-3GiB-of-zeros", "weights-member-inflating-to-1GiB", "weights-member-1GiB-declared-small",
])
def test_each_hostile_case_is_refused_fast_with_its_code(built, name):
    if name not in built:
        pytest.skip("no named pipes on this system")
    case = built[name]
    exc, elapsed, peak = refused(lambda: H.run_case(case))
    assert type(exc).__name__ == case.error and exc.code == case.code, repr(exc)
    assert elapsed < TIME_BUDGET_S and peak < MEMORY_BUDGET, (elapsed, peak)
    assert_described(exc)


def test_limits_name_the_limit_and_read_meta_refuses_too(built):
    exc, _, _ = refused(lambda: bundle.read_meta(built["arch-params"].args[0]))
    assert exc.code == "bundle.limit" and exc.params["limit"] == "params" and "parameters" in str(exc)
    i18n.set_language("fr")
    try:
        assert "le nombre de paramètres" in describe_error(exc) and "604\u202f086\u202f274" in describe_error(exc)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("config", [
    dict(kind="linear", latent=16, hidden=None, bias=False, image_shape=[1, 28, 28]),
    dict(kind="linear", latent=3, hidden=None, bias=True, image_shape=[1, 20, 12]),
    dict(kind="mlp", latent=2, hidden=[256, 64], bias=True, image_shape=[1, 28, 28]),
    dict(kind="mlp", latent=5, hidden=[7], bias=False, image_shape=[1, 16, 16]),
    dict(kind="vae", latent=2, hidden=[32, 16], bias=True, image_shape=[1, 28, 28]),
    dict(kind="conv", latent=16, hidden=[32, 64], bias=True, image_shape=[1, 28, 28]),
    dict(kind="conv", latent=4, hidden=[8, 8, 4], bias=False, image_shape=[1, 32, 16]),
    dict(kind="conv", latent=30, hidden=[32, 64], bias=True, image_shape=[1, 28, 28], blocks=2, dense=512),
    dict(kind="conv", latent=3, hidden=[4, 6], bias=False, image_shape=[1, 12, 8], blocks=3),
    dict(kind="conv", latent=5, hidden=[4], bias=True, image_shape=[1, 10, 10], dense=7),
])
def test_parameter_count_from_the_description_matches_torch(config):
    """The limit is checked without building the model; torch's own count is the oracle."""
    from aeviz.core.bundle_meta import count_parameters
    from aeviz.core.models import ModelConfig, build_model

    model = build_model(ModelConfig.from_dict(config))
    expected = sum(t.numel() for t in model.state_dict().values())
    assert count_parameters(dict({"blocks": 1, "dense": 0}, **config, output="auto", center=True, beta=1.0)) \
        == expected


def test_every_teaching_model_is_within_the_limits(tmp_path):
    """The limits refuse hostile files, not the course's models (nor much bigger ones)."""
    from aeviz.core.models import ModelConfig, build_model

    for cfg in (ModelConfig("mlp", 128, hidden=(2048, 512, 128), image_shape=(1, 64, 64)),
                ModelConfig("conv", 64, hidden=(64, 128, 256), image_shape=(1, 128, 128)),
                ModelConfig("conv", 30, hidden=(64, 128), blocks=4, dense=1024),
                ModelConfig("vae", 32, hidden=(1024, 512), image_shape=(1, 96, 96)),
                ModelConfig("linear", 128, image_shape=(1, 64, 64))):
        path = bundle.save(tmp_path / f"{cfg.kind}.aeviz", build_model(cfg, seed=0), dtype="float16")
        assert bundle.load(path).config == cfg


def test_a_member_larger_than_declared_is_read_with_a_cap(tmp_path, monkeypatch):
    """Even when the zip lies about a size, reading stops at the cap (a zip reader bug cannot exhaust memory)."""
    from aeviz.core import files

    calls = []
    original = files.read_capped

    def spy(handle, cap):
        calls.append(cap)
        return original(handle, cap)

    monkeypatch.setattr(files, "read_capped", spy)
    base = H.small_bundle(tmp_path)
    bundle.load(base)
    meta_cap, weights_cap = calls
    assert weights_cap < 2 * 2 ** 20  # the weights cap follows the declared architecture, not a fixed maximum


# ---------------------------------------------------------------- folders, permissions, names

def _deny(monkeypatch, target, module_os):
    """Make listing ``target`` fail with PermissionError (chmod 000 does not stop root)."""
    real = module_os.scandir

    def scandir(path="."):
        if os.fspath(path) == os.fspath(target):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(module_os, "scandir", scandir)


def test_an_unreadable_subfolder_is_skipped_and_counted(tmp_path, monkeypatch):
    root = H.digit_folder(tmp_path / "digits", classes=("a", "b", "c"))
    locked = root / "b"
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        _deny(monkeypatch, locked, datasets.os)
    try:
        ds = load_image_folder(root)
    finally:
        locked.chmod(0o755)
    assert ds.class_names == ["a", "c"] and len(ds) == 6 and ds.skipped == 1


def test_an_unreadable_root_folder_is_a_dataset_error(tmp_path, monkeypatch):
    root = H.digit_folder(tmp_path / "digits")
    _deny(monkeypatch, root, datasets.os)
    exc, _, _ = refused(lambda: load_image_folder(root))
    assert isinstance(exc, DatasetError) and exc.code == "data.folder_unreadable"


def test_unreadable_and_non_regular_image_files_are_skipped_and_counted(tmp_path, monkeypatch):
    from aeviz.core import images
    from aeviz.core.files import FileRefused

    root = H.digit_folder(tmp_path / "digits", classes=("a",))
    blocked = root / "a" / "1.png"
    real = images.open_regular

    def open_regular(path):
        if os.fspath(path) == os.fspath(blocked):
            raise FileRefused("unreadable", "Permission denied")
        return real(path)

    monkeypatch.setattr(images, "open_regular", open_regular)
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "a" / "pipe.png")
    (root / "a" / "folder.png").mkdir()  # a folder with an image's name is not an image
    ds = load_image_folder(root)
    assert len(ds) == 2 and ds.skipped == 1 + hasattr(os, "mkfifo")


@pytest.mark.skipif(os.name == "nt", reason="file names are UTF-16 on Windows")
def test_a_non_utf8_folder_name_loads_and_saves(tmp_path):
    from aeviz.core.models import ModelConfig, build_model

    root = os.fsencode(tmp_path) + b"/caf\xe9-digits"
    os.mkdir(root)
    H.digit_folder(__import__("pathlib").Path(os.fsdecode(root)))
    ds = load_image_folder(os.fsdecode(root))
    assert ds.name == "caf\ufffd-digits" and len(ds) == 6
    saved = bundle.save(tmp_path / "m.aeviz", build_model(ModelConfig("mlp", 2)), dataset_name=os.fsdecode(root))
    assert bundle.load(saved).dataset_name.endswith("caf\ufffd-digits")


# ---------------------------------------------------------------------------- image modes

def _luma(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma, the oracle for colour → grey (Pillow's "L" conversion uses the same weights)."""
    return (rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) / 1000 / 255


def _read(tmp_path, img, name):
    from aeviz.core.images import read_gray

    path = tmp_path / name
    img.save(path)
    return read_gray(path)


def test_a_16_bit_gradient_stays_a_gradient(tmp_path):
    from PIL import Image

    ramp = (np.arange(256, dtype=np.uint32).reshape(1, 256).repeat(4, 0) * 257).astype(np.uint16)
    grey = _read(tmp_path, Image.fromarray(ramp), "ramp16.png")
    np.testing.assert_allclose(grey, ramp / 65535, atol=1e-6)
    assert len(np.unique(grey)) == 256


def test_float_images_in_0_1_are_kept_and_others_scaled(tmp_path):
    from PIL import Image

    values = np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8)
    np.testing.assert_allclose(_read(tmp_path, Image.fromarray(values, "F"), "f01.tif"), values, atol=1e-7)
    np.testing.assert_allclose(_read(tmp_path, Image.fromarray(values * 255, "F"), "f255.tif"), values, atol=1e-6)
    wide = np.linspace(-500, 1500, 64, dtype=np.float32).reshape(8, 8)
    np.testing.assert_allclose(_read(tmp_path, Image.fromarray(wide, "F"), "fwide.tif"), (wide + 500) / 2000,
                               atol=1e-6)


def test_32_bit_integers_beyond_16_bits_are_stretched(tmp_path):
    from PIL import Image

    values = np.arange(64, dtype=np.int32).reshape(8, 8) * 100_000
    np.testing.assert_allclose(_read(tmp_path, Image.fromarray(values, "I"), "i32.tif"), values / values.max(),
                               atol=1e-6)


def test_strokes_on_a_transparent_background_stay_visible(tmp_path):
    from PIL import Image

    for ink, hidden in ((255, 255), (255, 0), (0, 0), (0, 255)):
        rgba = np.zeros((28, 28, 4), np.uint8)
        rgba[..., :3] = hidden  # the colour under transparent pixels must not matter
        rgba[8:20, 12:16] = (ink, ink, ink, 255)
        (tmp_path / "cls").mkdir(exist_ok=True)
        Image.fromarray(rgba, "RGBA").save(tmp_path / "cls" / "stroke.png")
        ds = load_image_folder(tmp_path, invert=None)
        img = ds.images[0].astype(int)
        assert img[10:18, 13:15].min() > 200 and img[:4].max() < 30, (ink, hidden)  # MNIST-like: light on dark


def test_colour_palette_bilevel_and_cmyk_images_follow_luma(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    np.testing.assert_allclose(_read(tmp_path, Image.fromarray(rgb), "c.png"), _luma(rgb.astype(float)), atol=1 / 255)
    pal = Image.fromarray(rgb).quantize(8)
    expected = _luma(np.asarray(pal.convert("RGB")).astype(float))
    np.testing.assert_allclose(_read(tmp_path, pal, "p.png"), expected, atol=1 / 255)
    bits = Image.fromarray(rng.integers(0, 2, (5, 9), dtype=np.uint8) * 255).convert("1")
    np.testing.assert_array_equal(_read(tmp_path, bits, "b.png"), np.asarray(bits, dtype=np.float32))
    cmyk = Image.fromarray(rgb).convert("CMYK")
    expected = _luma(np.asarray(cmyk.convert("RGB")).astype(float))
    np.testing.assert_allclose(_read(tmp_path, cmyk, "k.tif"), expected, atol=1 / 255)


def test_a_palette_with_a_transparent_entry_is_composited(tmp_path):
    from PIL import Image

    arr = np.zeros((10, 10), np.uint8)
    arr[3:7, 3:7] = 1
    img = Image.fromarray(arr, "P")
    img.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    img.info["transparency"] = 0
    grey = _read(tmp_path, img, "pt.png")
    assert grey[4, 4] == 1.0 and grey[0, 0] == 0.0  # white stroke, transparent → black


def test_a_huge_image_is_refused_from_its_header(tmp_path):
    from aeviz.core.images import ImageRefused, read_gray

    path = H.png_claiming(tmp_path / "bomb.png", 50_000, 50_000)
    started = time.perf_counter()
    with pytest.raises(ImageRefused) as info:
        read_gray(path)
    assert info.value.reason == "too_many_pixels" and time.perf_counter() - started < 0.5


def test_the_convolution_lab_reader_uses_the_same_checks(tmp_path):
    from aeviz.core.sample_images import SampleImageError, load_gray_image

    with pytest.raises(SampleImageError) as info:
        load_gray_image(H.png_claiming(tmp_path / "bomb.png", 50_000, 50_000))
    assert info.value.code == "image.too_many_pixels"
    assert_described(info.value)
    with pytest.raises(SampleImageError) as info:
        load_gray_image(tmp_path)
    assert info.value.code == "image.is_folder"


def test_a_large_transparent_image_is_shrunk_without_its_hidden_colours_bleeding(tmp_path):
    from PIL import Image

    rgba = np.zeros((1200, 1200, 4), np.uint8)
    rgba[..., :3] = 255  # white hidden under the transparent background
    rgba[300:900, 540:660] = (255, 255, 255, 255)  # an opaque white stroke
    (tmp_path / "cls").mkdir()
    Image.fromarray(rgba, "RGBA").save(tmp_path / "cls" / "big.png", compress_level=1)
    img = load_image_folder(tmp_path, invert=False).images[0].astype(float)
    oracle = np.zeros((1200, 1200), np.float32)
    oracle[300:900, 540:660] = 1.0  # composited onto black, then resized by Pillow at full size
    expected = np.asarray(Image.fromarray(oracle, "F").resize((28, 28), Image.Resampling.LANCZOS)) * 255
    assert img[:5].max() < 5 and img[10:18, 13:15].min() > 240
    assert abs(img.mean() - np.clip(expected, 0, 255).mean()) < 2
