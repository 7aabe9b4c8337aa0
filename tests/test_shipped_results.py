"""What the shipped resources claim, checked against independent computations.

The compression curve (resources/precomputed/compression.json), the record-class deep
autoencoder, the denoiser and the build-time t-SNE maps are produced by bench/ scripts;
these tests re-measure what a student is told on the test images.
"""

import json

import numpy as np
import pytest
import torch

from aeviz.core import compression as cp
from aeviz.core import maps
from aeviz.core.datasets import load_mnist
from aeviz.core.pretrained import list_pretrained, load_pretrained

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def test_images() -> np.ndarray:
    return load_mnist("test").images.reshape(-1, 784).astype(np.float64) / 255.0


def shipped_points() -> dict:
    data = json.loads(cp.defaults_path().read_text())
    assert data["eval"] == cp.EVAL and data["eval"]["n_test"] == 10000 and data["eval"]["pca_train"] == 60000
    return {(p.method, p.k): p for p in map(cp.Point.from_json, data["points"])}


def test_compression_curve_has_every_point_and_nonlinear_models_beat_pca():
    points = shipped_points()
    for method in ("pca", "linear", "mlp", "conv"):
        for k in cp.K_GRID:
            assert (method, k) in points, f"{method} k={k} missing"
    for k in cp.K_GRID:
        pca = points[("pca", k)].mse
        # a linear autoencoder can only approach PCA (Eckart–Young), never beat it
        assert 0.99 * pca <= points[("linear", k)].mse <= 1.1 * pca
        if k >= 2:   # lesson 1: a non-linear autoencoder does at least as well as the best linear code
            assert points[("conv", k)].mse <= pca, f"conv k={k}"
            assert points[("mlp", k)].mse <= pca, f"MLP k={k}"
    for (method, k), p in points.items():
        if method != "pca":
            assert p.cost and p.cost["seconds"] > 0 and p.cost["epochs"] > 0 and p.cost["n_train"] == 60000, \
                (method, k)
    assert ("deep", 30) in points and points[("deep", 30)].mse <= 0.3 * points[("pca", 30)].mse


def test_shipped_pca_figures_agree_with_numpy_linalg(test_images):
    train = load_mnist("train").images.reshape(-1, 784).astype(np.float64) / 255.0
    mean = train.mean(0)
    xc = train - mean
    _evals, evecs = np.linalg.eigh(xc.T @ xc)
    basis = evecs[:, ::-1]
    points = shipped_points()
    for k in (1, 16, 30, 128):
        v = basis[:, :k]
        rec = np.clip((test_images - mean) @ v @ v.T + mean, 0.0, 1.0)
        assert points[("pca", k)].mse == pytest.approx(float(((rec - test_images) ** 2).mean()), rel=1e-4)


def test_record_class_model_on_the_test_set(test_images):
    """The 30-number model: its stated error is what it does on the 10,000 test images.

    Hinton & Salakhutdinov (Science, 2006) report 3.00 squared error per image (0.0038 per
    pixel) and 13.87 for PCA. The shipped model (32 epochs, 1,084 CPU seconds on 1 thread)
    reaches 2.70.
    """
    record = [m for m in list_pretrained() if m.config.latent == 30]
    assert record, "no shipped model with a 30-number code"
    bundle = load_pretrained(record[0].id)
    x = torch.from_numpy(test_images.astype(np.float32)).reshape(-1, 1, 28, 28)
    with torch.no_grad():
        out = torch.cat([bundle.model(x[i:i + 2000]) for i in range(0, len(x), 2000)])
    mse = float(((out - x) ** 2).mean())
    assert mse * 784 <= 3.00 and mse <= 0.0038
    assert bundle.meta["extra"]["cpu_seconds"] < 20 * 60   # trained in under 20 minutes of CPU time
    assert bundle.meta["extra"]["test_mse_per_pixel"] == pytest.approx(mse, abs=2e-6)


def test_denoiser_is_listed_says_so_and_denoises(test_images):
    from aeviz.core.noise import NoiseConfig, add_noise

    denoisers = [m for m in list_pretrained() if "denoiser" in load_pretrained(m.id).meta.get("extra", {})]
    assert len(denoisers) == 1
    bundle = load_pretrained(denoisers[0].id)
    info = bundle.meta["extra"]["denoiser"]
    assert {n["kind"] for n in info["noises"]} == {"gaussian", "masking"}
    assert bundle.train_config.noise is not None   # the training page opens it with its noise on
    clean = torch.from_numpy(test_images[:2000].astype(np.float32)).reshape(-1, 1, 28, 28)
    gen = torch.Generator().manual_seed(5)
    for noise in (NoiseConfig("gaussian", 0.4), NoiseConfig("masking", 0.4)):
        noisy = add_noise(clean, noise, gen)
        with torch.no_grad():
            out = bundle.model(noisy)
        assert float(((out - clean) ** 2).mean()) < 0.5 * float(((noisy - clean) ** 2).mean()), noise


def test_every_shipped_model_has_a_full_test_set_map_loaded_without_pickle(tmp_path):
    for model in list_pretrained():
        info = maps.map_info(model.id)
        assert info is not None, model.id
        raw = np.load(maps.maps_dir() / info["file"], allow_pickle=False)
        assert raw.shape == (10000, 2) and np.isfinite(raw).all()
        xy = maps.shipped_map(model.id, model.path)
        assert xy is not None and xy.dtype == np.float32
        # a map is only used for the model file it was made from
        other = tmp_path / "other.aeviz"
        other.write_bytes(model.path.read_bytes() + b"\0")
        assert maps.shipped_map(model.id, other) is None


def test_map_separates_the_digits():
    """Neighbours on the shipped map of the conv model share their label far more often than chance (10 %)."""
    model = next(m for m in list_pretrained() if m.id == "conv_latent16")
    xy = maps.shipped_map(model.id, model.path)
    labels = load_mnist("test").labels
    rows = np.random.default_rng(0).choice(len(xy), 500, replace=False)
    d = ((xy[rows, None, :] - xy[None, :, :]) ** 2).sum(-1)
    d[np.arange(len(rows)), rows] = np.inf
    nearest = d.argmin(1)
    assert (labels[nearest] == labels[rows]).mean() > 0.8
