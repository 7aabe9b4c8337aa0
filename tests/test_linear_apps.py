"""Lesson 3 linear case and lesson 1 applications: SVD floor, linear AE, principal angles,
pretraining, caches, and the three pages."""

import json

import numpy as np
import pytest
import torch

from aeviz.core import cache
from aeviz.core.linear import fit_linear_autoencoder, principal_angles, psnr, spectrum


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def numpy_floor(x, k):
    xc = x - x.mean(0)
    s = np.linalg.svd(xc, compute_uv=False)
    return (s[k:] ** 2).sum() / x.size


@pytest.mark.parametrize("shape", [(6, 4), (30, 12), (900, 600)])   # the last one takes the Gram route
def test_floor_equals_numpy_svd(shape):
    rng = np.random.default_rng(1)
    x = rng.random(shape) @ np.diag(np.linspace(3, 0.1, shape[1]))
    spec = spectrum(x)
    for k in (1, 2, min(shape) - 1):
        assert spec.floor(k) == pytest.approx(numpy_floor(x, k), rel=1e-5, abs=1e-12)
    np.testing.assert_allclose(spec.floors()[:3], [numpy_floor(x, k) for k in range(3)], rtol=1e-5)
    # and the floor is the error of the PCA reconstruction itself
    assert ((spec.reconstruct(x, 2) - x) ** 2).mean() == pytest.approx(spec.floor(2), rel=1e-4)


def test_linear_autoencoder_reaches_the_floor_on_a_small_matrix():
    from aeviz.ui.pages.linear import DEFAULT_X
    for x in (np.array(DEFAULT_X, float),):
        spec = spectrum(x)
        last = list(fit_linear_autoencoder(x, 2, spec, steps=600))[-1]
        assert last.done and last.floor == pytest.approx(numpy_floor(x, 2))
        assert last.loss <= 1.01 * last.floor
        assert np.degrees(last.angles).max() < 1.0
        # the factors are those of the loss: X ≈ μ + U·Vᵀ
        assert ((spec.mean + last.u @ last.vt - x) ** 2).mean() == pytest.approx(last.loss, rel=1e-3)


def test_principal_angles_on_constructed_subspaces():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(12, 12)))
    theta = np.array([1e-4, 0.3, 0.9, 1.4])
    a = q[:, :4]
    b = q[:, :4] * np.cos(theta) + q[:, 4:8] * np.sin(theta)
    mix = rng.normal(size=(4, 4))   # any basis of the same subspace gives the same angles
    np.testing.assert_allclose(principal_angles(a @ rng.normal(size=(4, 4)), b @ mix), theta, atol=1e-9)
    np.testing.assert_allclose(principal_angles(a[:, :2], b), theta[:2], atol=1e-9)
    np.testing.assert_allclose(principal_angles(q[:, :2], q[:, 2:4]), [np.pi / 2] * 2, atol=1e-9)
    assert psnr(0.01) == pytest.approx(20.0) and psnr(0) == float("inf")


def test_pretrained_encoder_beats_scratch_with_10_labels():
    from aeviz.core import pretraining as ptr
    from aeviz.core.datasets import load_mnist

    settings = ptr.PretrainSettings(steps=80, n_test=500)
    train, test = load_mnist("train"), load_mnist("test", limit=500)
    x_test, y_test = torch.from_numpy(test.as_float()[:, None]), torch.from_numpy(np.asarray(test.labels))
    encoder = ptr._shipped_encoder()
    acc = {way: [] for way in ("scratch", "frozen")}
    for seed in (0, 1):
        idx = ptr.labelled_indices(train.labels, 10, seed)
        x = torch.from_numpy(train.images[idx].astype(np.float32)[:, None] / 255)
        y = torch.from_numpy(np.asarray(train.labels[idx]))
        for way in acc:
            acc[way].append(ptr._train_classifier(encoder, way, x, y, x_test, y_test, settings, seed))
    assert np.mean(acc["frozen"]) > np.mean(acc["scratch"]) + 0.02, acc


def test_cache_round_trip_and_corrupt_files_are_ignored(data_dir):
    path = cache.cache_path("t", {"a": 1})
    assert cache.load_json(path) is None
    assert cache.save_json(path, {"x": [1, 2]}) and cache.load_json(path) == {"x": [1, 2]}
    assert cache.cache_path("t", {"a": 2}) != path
    path.write_bytes(b"{not json")
    assert cache.load_json(path) is None
    npz = cache.cache_path("t", {"a": 1}, ".npz")
    assert cache.save_npz(npz, v=np.arange(3))
    np.testing.assert_array_equal(cache.load_npz(npz)["v"], np.arange(3))
    npz.write_bytes(b"PK\x03\x04garbage")
    assert cache.load_npz(npz) is None


def test_pretraining_points_cached_and_corrupt_point_recomputed(data_dir):
    from aeviz.core import pretraining as ptr
    s = ptr.PretrainSettings(steps=2, head_steps=2, n_test=50, seeds=(0,))
    def drive(gen):
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            return stop.value
    first = drive(ptr.run_experiment([1], s))
    assert set(first[1]) == set(ptr.WAYS) and ptr.cached_results(s) == first
    for f in ptr.cache.cache_dir(ptr.NAMESPACE).glob("*.json"):
        f.write_text("{broken")
    assert ptr.cached_results(s) == {}
    again = drive(ptr.run_experiment([1], s))
    assert again == first   # fixed seeds: the same numbers


def test_compression_curves_and_ratio(data_dir):
    from aeviz.core import compression as cp
    assert cp.compression_ratio(16) == pytest.approx(784 / 64)
    curves = cp.load_curves()   # shipped defaults
    assert ("pca", 16) in curves and ("conv", 16) in curves
    p = curves[("pca", 16)]
    assert cp.Point.from_json(json.loads(json.dumps(p.to_json()))).mse == p.mse
    cp._curves_file().parent.mkdir(parents=True, exist_ok=True)
    cp._curves_file().write_text("garbage")
    assert ("pca", 16) in cp.load_curves()


# --- pages --------------------------------------------------------------------------------
def test_linear_page_trains_live_and_retranslates(qtbot, app_state, data_dir):
    from aeviz.ui.pages.linear import LinearPage
    page = LinearPage(app_state)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.store.value.fit == "done" and not page.busy(), timeout=60000)
    assert page.last_report.loss <= 1.01 * page.floor
    assert page.floor_line.getData()[1][0] == pytest.approx(numpy_floor(page.x, 2))
    app_state.set_language("fr")
    assert page.train_button.text() == "Entraîner l'auto-encodeur"
    assert "même sous-espace" in page.findChildren(type(page.status))[2].text() or any(
        "même sous-espace" in w.text() for w in page.findChildren(type(page.status)))
    page.shutdown()


def test_linear_page_mnist_floor_and_shutdown(qtbot, app_state, data_dir):
    from aeviz.ui.pages.linear import LinearPage
    page = LinearPage(app_state)
    qtbot.addWidget(page)
    page.n_combo.setCurrentIndex(0)   # 1000 images
    page.source.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.spec is not None and page.spec.n == 1000, timeout=10000)
    assert page.floor == pytest.approx(numpy_floor(page.x.astype(np.float64), 2), rel=1e-4)
    page.k_spin.setValue(8)
    assert page.floor == pytest.approx(page.spec.floor(8))
    page.train_button.click()
    qtbot.waitUntil(lambda: page.last_report is not None and page.last_report.step > 0, timeout=10000)
    page.shutdown()
    qtbot.waitUntil(lambda: not page.busy(), timeout=10000)


def test_compression_and_pretraining_pages(qtbot, app_state, data_dir):
    from aeviz.ui.pages.compression import CompressionPage
    from aeviz.ui.pages.pretraining import PretrainingPage
    comp = CompressionPage(app_state)
    pre = PretrainingPage(app_state)
    qtbot.addWidget(comp)
    qtbot.addWidget(pre)
    assert "ratio 12.2 : 1" in comp.ratio_label.text()
    from aeviz.core import compression as cp
    assert len(comp.lines[(False, "pca")].getData()[0]) == len(cp.PCA_KS)
    # the full-run curve stays; a short run here is kept apart and the button is always there
    assert comp.train_buttons["mlp"].isEnabled()
    short = cp.Point("mlp", 16, 0.05, "trained", np.zeros((8, 28, 28), np.uint8),
                     {"seconds": 12.0, "epochs": 6, "n_train": 10000, "model": "", "layers": "784-256-64-16"})
    comp.store.replace(comp.store.value.with_point(short))
    assert comp.curves[("mlp", 16)].source == "built"
    assert comp.store.value.short_points()[("mlp", 16)].mse == short.mse
    assert "short run here: MSE 0.05" in comp.example_labels["mlp"].text()
    assert "60,000 images" in comp.example_labels["mlp"].text().replace("\u202f", ",")
    assert "Record" in comp.record_label.text() and "3.00" in comp.record_label.text()
    pre.slider.setValue(10)
    app_state.set_language("fr")
    assert "taux" in comp.ratio_label.text() and pre.run_button.text() == "Lancer pour ce L"
    comp.shutdown()
    pre.shutdown()
