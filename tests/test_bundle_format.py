import hashlib
import json
import zipfile

import numpy as np
import pytest
import torch

from aeviz.core import bundle as bundle_mod
from aeviz.core.bundle import BundleError, decode_tensors, encode_tensors, load, read_meta, save
from aeviz.core.models import MODEL_KINDS, ModelConfig, build_model
from aeviz.core.noise import NoiseConfig
from aeviz.core.training import TrainConfig

torch.set_num_threads(1)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def saved(tmp_path):
    model = build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0)
    path = tmp_path / "model.aeviz"
    save(path, model, train_config=TrainConfig(epochs=2, noise=NoiseConfig("gaussian", 0.2)),
         history=[{"epoch": 1, "train_loss": np.float32(0.5), "val_loss": float("nan")}], dataset_name="MNIST")
    return path, model


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_roundtrip_encode_equal(tmp_path, kind):
    cfg = ModelConfig(kind, 3, hidden=(8, 8) if kind == "conv" else (16,), bias=kind != "linear")
    model = build_model(cfg, seed=1)
    if kind == "linear":
        model.fit_data_mean(torch.rand(10, 1, 28, 28))
    path = save(tmp_path / "m.aeviz", model)
    b = load(path)
    x = torch.rand(4, 1, 28, 28)
    model.eval()
    with torch.no_grad():
        assert torch.equal(model.encode(x), b.model.encode(x))
        assert torch.equal(model(x), b.model(x))
    assert b.config == cfg and not b.model.training
    assert listing(tmp_path) == ["m.aeviz"]  # atomic write leaves no temp file


def test_meta_history_and_train_config(saved):
    path, _ = saved
    b = load(path)
    assert b.meta["format"] == "aeviz-bundle" and b.meta["format_version"] == 1
    assert b.history == [{"epoch": 1, "train_loss": 0.5, "val_loss": None}]
    assert b.train_config.noise == NoiseConfig("gaussian", 0.2) and b.dataset_name == "MNIST"
    assert read_meta(path)["model"]["kind"] == "mlp"
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["meta.json", "weights.safetensors"]


def test_float16_storage(tmp_path):
    model = build_model(ModelConfig("mlp", 2), seed=0)
    p32, p16 = save(tmp_path / "a.aeviz", model), save(tmp_path / "b.aeviz", model, dtype="float16")
    assert p16.stat().st_size < 0.6 * p32.stat().st_size
    b = load(p16)
    assert all(p.dtype == torch.float32 for p in b.model.parameters())
    x = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        assert torch.allclose(model.eval()(x), b.model(x), atol=2e-2)


def test_tensor_format_roundtrip_and_checks():
    arrays = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1.5], np.float16),
              "n": np.array([7], np.int64)}
    blob = encode_tensors(arrays)
    back = decode_tensors(blob)
    assert all(np.array_equal(back[k], arrays[k]) and back[k].dtype == arrays[k].dtype for k in arrays)
    with pytest.raises(BundleError, match="truncated|outside|unexpected"):
        decode_tensors(blob[:-3])
    with pytest.raises(BundleError):
        decode_tensors(blob[:5])
    with pytest.raises(BundleError, match="unexpected bytes"):
        decode_tensors(blob + b"\0\0\0\0")


def assert_refused(path, match):
    before_hash, before_list = digest(path), listing(path.parent)
    with pytest.raises(BundleError, match=match):
        load(path)
    assert digest(path) == before_hash and listing(path.parent) == before_list


def test_truncated_refused(saved):
    path, _ = saved
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100, 3):
        bad = path.with_name(f"cut{cut}.aeviz")
        bad.write_bytes(data[:cut])
        assert_refused(bad, "damaged|truncated|not an aeviz")


def test_corrupted_bytes_refused(saved):
    path, _ = saved
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("weights.safetensors")
    mid = info.header_offset + 30 + len(info.filename) + 200  # inside the stored weights
    data[mid] ^= 0xFF
    bad = path.with_name("flip.aeviz")
    bad.write_bytes(bytes(data))
    assert_refused(bad, "damaged")


def test_foreign_files_refused(tmp_path):
    png = tmp_path / "cat.aeviz"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert_refused(png, "cat.aeviz: not an aeviz model \\(a PNG image\\)")
    other_zip = tmp_path / "other.aeviz"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert_refused(other_zip, "without meta.json")
    pickled = tmp_path / "model.pt.aeviz"
    torch.save({"a": torch.zeros(2)}, pickled)  # a torch/pickle file is refused, never unpickled
    assert_refused(pickled, "not an aeviz model|without meta.json")
    with pytest.raises(BundleError, match="not found"):
        load(tmp_path / "missing.aeviz")


def rewrite(path, target, meta_change=None, weights=None):
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("meta.json"))
        w = zf.read("weights.safetensors")
    if meta_change:
        meta_change(meta)
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("meta.json", json.dumps(meta))
        zf.writestr("weights.safetensors", weights if weights is not None else w)
    return target


def test_newer_version_refused(saved):
    path, _ = saved
    bad = rewrite(path, path.with_name("new.aeviz"), lambda m: m.update(format_version=3))
    assert_refused(bad, r"made by a newer aeviz \(format 3\); this version reads up to format 1")


def test_bad_meta_refused(saved):
    path, _ = saved
    assert_refused(rewrite(path, path.with_name("k.aeviz"), lambda m: m["model"].update(kind="gan")),
                   "invalid field model.kind")
    assert_refused(rewrite(path, path.with_name("f.aeviz"), lambda m: m.update(format="other")), "not an aeviz model")
    assert_refused(rewrite(path, path.with_name("l.aeviz"), lambda m: m["model"].update(latent=5)),
                   "shape|do not match")
    wrong = encode_tensors({"x": np.zeros(3, np.float32)})
    assert_refused(rewrite(path, path.with_name("w.aeviz"), weights=wrong), "do not match")


def test_failed_save_keeps_previous_file(saved, monkeypatch):
    path, model = saved
    before = digest(path)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle_mod, "encode_tensors", boom)
    with pytest.raises(RuntimeError):
        save(path, model)
    assert digest(path) == before and listing(path.parent) == ["model.aeviz"]

    monkeypatch.undo()
    orig = zipfile.ZipFile.writestr

    def half_write(self, info, data, *a, **k):
        if getattr(info, "filename", info) == "weights.safetensors":
            raise OSError("No space left on device")
        return orig(self, info, data, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", half_write)
    with pytest.raises(OSError):
        save(path, model)
    assert digest(path) == before and listing(path.parent) == ["model.aeviz"]


def test_pretrained_bundles():
    from aeviz.core.pretrained import list_pretrained, load_pretrained

    listed = {m.id: m for m in list_pretrained()}
    assert {"mlp_latent2", "conv_latent16", "linear_latent16", "vae_latent2"} <= set(listed)
    assert sum(m.path.stat().st_size for m in listed.values()) < 10e6
    x = torch.rand(2, 1, 28, 28)
    for model_id, entry in listed.items():
        model_id_, path, summary = entry
        b = load_pretrained(model_id)
        assert b.config == entry.config and summary == b.config.summary()
        with torch.no_grad():
            assert b.model.encode(x).shape == (2, b.config.latent)
        assert b.meta["extra"]["test_mse_per_pixel"] < 0.06
    assert listed["linear_latent16"].config.bias is False
    with pytest.raises(KeyError, match="no pretrained model"):
        load_pretrained("gan_latent3")


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_weight_bytes_only_raise_bundle_error(data):
    try:
        decode_tensors(data)
    except BundleError:
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000), flip=st.integers(min_value=0, max_value=10_000))
def test_damaged_bundles_only_raise_bundle_error(tmp_path_factory, cut, flip):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "m.aeviz"
    if not path.exists():
        save(path, build_model(ModelConfig("linear", 2, hidden=None)), dtype="float16")
    data = bytearray(path.read_bytes())
    data[flip % len(data)] ^= 0x5A
    bad = folder / "bad.aeviz"
    bad.write_bytes(bytes(data[: max(1, len(data) - cut % len(data))]))
    try:
        load(bad)
    except BundleError:
        pass
