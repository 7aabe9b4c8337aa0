"""The latent-space maths against plain numpy/torch oracles."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from aeviz.core import latent as L


def test_lerp_and_slerp_agree_at_the_ends_and_differ_in_the_middle():
    a, b = np.array([3.0, 0.5, -1.0]), np.array([-1.0, 2.0, 0.5])
    for center in (None, np.array([0.2, 0.1, 0.0])):
        assert np.allclose(L.slerp(a, b, 0.0, center), a) and np.allclose(L.slerp(a, b, 1.0, center), b)
        assert np.allclose(L.lerp(a, b, 0.0), a) and np.allclose(L.lerp(a, b, 1.0), b)
        assert np.linalg.norm(L.slerp(a, b, 0.5, center) - L.lerp(a, b, 0.5)) > 0.1
    path = L.interpolation_path(a, b, 7, "slerp")
    assert path.shape == (7, 3) and np.allclose(path[0], a) and np.allclose(path[-1], b)
    # same direction: slerp degenerates to lerp instead of dividing by zero
    assert np.allclose(L.slerp(a, 2 * a, 0.5), 1.5 * a)


def test_slerp_keeps_the_radius_profile():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert np.isclose(np.linalg.norm(L.slerp(a, b, 0.5)), 1.0)
    assert np.linalg.norm(L.lerp(a, b, 0.5)) < 0.75


def test_pca_matches_numpy_svd():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5))
    pca = L.fit_pca(x, 2)
    centred = x - x.mean(0)
    _u, s, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(2):
        assert abs(abs(pca.components[i] @ vt[i]) - 1) < 1e-9
    proj = pca.transform(x)
    assert np.allclose(np.abs(proj), np.abs(centred @ vt[:2].T))
    assert np.allclose(pca.explained, (s ** 2 / (s ** 2).sum())[:2])


def test_attribute_vector_is_the_difference_of_group_means():
    rng = np.random.default_rng(1)
    codes = rng.normal(size=(200, 4))
    labels = rng.integers(0, 3, 200)
    v = L.attribute_vector(codes, labels == 1, labels == 2)
    assert np.allclose(v, codes[labels == 1].mean(0) - codes[labels == 2].mean(0))
    with pytest.raises(ValueError):
        L.attribute_vector(codes, labels == 7, labels == 2)


def test_roc_auc_equals_a_pairwise_count_with_ties():
    rng = np.random.default_rng(2)
    scores = np.round(rng.normal(size=120), 1)  # many ties
    positive = rng.random(120) < 0.4
    pos, neg = scores[positive], scores[~positive]
    brute = ((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg))
    assert L.roc_auc(scores, positive) == pytest.approx(brute, abs=1e-12)
    assert L.roc_auc(np.arange(10.0), np.arange(10) >= 5) == 1.0


def test_attribute_auc_separates_shifted_groups():
    rng = np.random.default_rng(3)
    codes = rng.normal(size=(400, 3))
    in_a = np.arange(400) % 2 == 0
    codes[in_a, 0] += 3.0
    v, auc = L.attribute_auc(codes, in_a, ~in_a)
    assert auc > 0.95 and v[0] > 2


def test_image_properties():
    thin = np.zeros((1, 28, 28), np.uint8)
    thin[0, 4:24, 13] = 255
    thick = np.zeros((1, 28, 28), np.uint8)
    thick[0, 4:24, 12:16] = 255
    assert L.ink_mass(thick)[0] == pytest.approx(4 * L.ink_mass(thin)[0])
    leaning_right = np.zeros((1, 28, 28), np.uint8)
    for r in range(4, 24):
        leaning_right[0, r, 24 - r // 2 - 4] = 255  # top further right than bottom
    assert L.slant(leaning_right)[0] > 0.3
    assert abs(L.slant(thin)[0]) < 1e-9
    assert L.slant(leaning_right[:, :, ::-1])[0] < -0.3
    high, low = L.high_low_groups(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert high.tolist() == [False, False, False, True, True] and low.tolist() == [True, True, False, False, False]


def test_gaussian_fit_sampling_is_seeded_and_matches_moments():
    rng = np.random.default_rng(4)
    codes = rng.multivariate_normal([1.0, -2.0], [[2.0, 0.5], [0.5, 1.0]], size=5000)
    fit = L.fit_gaussian(codes)
    assert np.array_equal(fit.sample(10, seed=5), fit.sample(10, seed=5))
    draws = fit.sample(20000, seed=1)
    assert np.allclose(draws.mean(0), [1.0, -2.0], atol=0.08)
    assert np.allclose(np.cov(draws, rowvar=False), fit.cov, atol=0.1)


def test_nearest_percentiles_and_manifold():
    codes = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    d, i = L.nearest_distance(codes, np.array([0.9, 1.2]))
    assert i == 1 and d == pytest.approx(np.hypot(0.1, 0.2))
    lo, hi = L.percentile_ranges(np.random.default_rng(0).normal(size=(1000, 3)))
    assert np.all(lo < -1.5) and np.all(hi > 1.5)
    grid = L.manifold_grid([0, 0], [1, 2], 3)
    assert grid.shape == (9, 2) and np.allclose(grid[0], [0, 2]) and np.allclose(grid[-1], [1, 0])
    assert L.typical_spacing(codes) > 0


def test_tsne_separates_clusters_and_can_stop():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 0.3, (40, 5)), rng.normal(4, 0.3, (40, 5))])
    gen = L.tsne(x, perplexity=10, iterations=150)
    progress = []
    try:
        while True:
            progress.append(next(gen)[0])
    except StopIteration as stop:
        y = stop.value
    assert progress == sorted(progress) and progress[-1] == pytest.approx(1.0)
    d = ((y[:, None] - y[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert np.all((d.argmin(1) < 40) == (np.arange(80) < 40))  # each point's neighbour is in its cluster
    gen = L.tsne(x, iterations=150)
    next(gen)
    gen.close()  # cancel between two yields
    with pytest.raises(ValueError):
        next(L.tsne(np.zeros((L.TSNE_MAX_POINTS + 1, 2))))


def test_encode_iter_reports_progress_and_matches_the_model():
    from aeviz.core.models import ModelConfig, build_model

    torch.set_num_threads(1)
    model = build_model(ModelConfig(kind="mlp", latent=3), seed=0).eval()
    images = np.random.default_rng(0).integers(0, 256, (250, 28, 28), dtype=np.uint8)
    gen = L.encode_iter(model, images, batch_size=100)
    fractions = []
    try:
        while True:
            fractions.append(next(gen))
    except StopIteration as stop:
        codes = stop.value
    assert fractions == [0.4, 0.8, 1.0]
    with torch.no_grad():
        expected = model.encode(torch.from_numpy(images.astype(np.float32) / 255).reshape(-1, 1, 28, 28)).numpy()
    assert np.allclose(codes, expected, atol=1e-5)


def test_exports_parse_back():
    codes = np.array([[0.5, -1.25], [2.0, 3.0]], np.float32)
    text = L.codes_csv(codes, np.array([3, 7]), [str(i) for i in range(10)])
    rows = [line.split(",") for line in text.splitlines()]
    assert rows[0] == ["index", "label", "class", "z1", "z2"]
    assert float(rows[1][3]) == 0.5 and rows[2][1] == "7"
    strip = np.random.default_rng(0).random((5, 28, 28)).astype(np.float32)
    png = Image.open(io.BytesIO(L.strip_png(strip, scale=2, gap=4)))
    assert png.size == (5 * 56 + 4 * 4, 56)
    gif = Image.open(io.BytesIO(L.strip_gif(strip, scale=2)))
    assert gif.format == "GIF" and gif.n_frames == 8 and gif.size == (56, 56)
