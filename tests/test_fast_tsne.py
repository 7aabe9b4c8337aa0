"""The grid t-SNE against exact computations on small sets."""

import numpy as np
import pytest

from aeviz.core import fast_tsne as F
from aeviz.core import latent as L


def clusters(n_per: int = 60, k: int = 5, dim: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 6, (k, dim))
    x = np.concatenate([rng.normal(c, 1.0, (n_per, dim)) for c in centres]).astype(np.float32)
    return x, np.repeat(np.arange(k), n_per)


def test_affinities_match_dense_perplexity_calibrated_p_on_the_neighbours():
    """Against an independent dense computation: Gaussian p_{j|i} over the 3·perplexity exact
    nearest neighbours with the width found by scalar bisection, symmetrised, over 2N."""
    x, _ = clusters()
    n, perplexity = len(x), 10.0
    rows, cols, w = F.affinities(x, perplexity)
    assert np.all(rows < cols) and len(set(zip(rows, cols))) == len(rows)
    assert 2 * w.sum() == pytest.approx(1.0)   # over ordered pairs, P sums to 1
    got = np.zeros((n, n))
    got[rows, cols] = w
    got += got.T
    d = ((x[:, None].astype(np.float64) - x[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    cond = np.zeros((n, n))
    for i in range(n):
        nb = np.argsort(d[i])[:30]
        lo, hi = 1e-6, 1e6
        for _ in range(200):
            beta = np.sqrt(lo * hi)
            p = np.exp(-(d[i, nb] - d[i, nb].min()) * beta)
            p /= p.sum()
            if np.exp(-(p * np.log(p + 1e-300)).sum()) > perplexity:
                lo = beta
            else:
                hi = beta
        cond[i, nb] = p
    want = (cond + cond.T) / (2 * n)
    assert np.allclose(got, want, atol=2e-4 / n)


@pytest.mark.parametrize("scale", [0.01, 1.0, 5.0, 20.0])
def test_grid_gradient_matches_the_exact_gradient(scale):
    x, _ = clusters()
    rows, cols, w = F.affinities(x, perplexity=30.0)
    y = np.random.default_rng(1).normal(0, scale, (len(x), 2))
    for exaggeration in (1.0, 12.0):
        fast, z_fast = F.gradient(y, rows, cols, w, exaggeration)
        exact, z_exact = F.exact_gradient(y, rows, cols, w, exaggeration)
        assert z_fast == pytest.approx(z_exact, rel=0.01)
        assert np.linalg.norm(fast - exact) <= 0.08 * np.linalg.norm(exact)


def test_exact_gradient_agrees_with_the_reference_tsne_gradient():
    """exact_gradient with dense P is the gradient aeviz.core.latent.tsne steps along."""
    x, _ = clusters(20, 3)
    n = len(x)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    p = np.random.default_rng(2).random((n, n))
    np.fill_diagonal(p, 0)
    p /= 2 * p.sum()
    y = np.random.default_rng(3).normal(0, 2, (n, 2))
    mine, _ = F.exact_gradient(y, rows, cols, p[rows, cols])
    sym = p + p.T
    d = ((y[:, None] - y[None]) ** 2).sum(-1)
    num = 1 / (1 + d)
    np.fill_diagonal(num, 0)
    q = num / num.sum()
    ref = 4 * np.stack([((sym - q) * num * (y[:, None, a] - y[None, :, a])).sum(1) for a in (0, 1)], 1)
    assert np.allclose(mine, ref, atol=1e-10)


def neighbour_agreement(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    def knn(y):
        d = ((y[:, None] - y[None]) ** 2).sum(-1)
        np.fill_diagonal(d, np.inf)
        return np.argsort(d, 1)[:, :k]
    na, nb = knn(a), knn(b)
    return float(np.mean([len(set(na[i]) & set(nb[i])) / k for i in range(len(a))]))


def drive(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def test_map_separates_clusters_and_keeps_the_exact_tsne_neighbourhoods():
    x, labels = clusters(80, 5)
    fast = drive(F.tsne(x, perplexity=20.0, iterations=400, seed=0))
    exact = drive(L.tsne(x, perplexity=20.0, iterations=400, seed=0))
    assert fast.shape == (len(x), 2) and np.isfinite(fast).all()
    d = ((fast[:, None] - fast[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert (labels[d.argmin(1)] == labels).mean() > 0.97
    # same local structure as the exact algorithm (random pairs of maps share ~1 % of neighbours)
    assert neighbour_agreement(fast, exact) > 0.5


def test_partial_maps_are_reported_and_closing_cancels():
    x, _ = clusters(30, 3)
    gen = F.tsne(x, iterations=100, report_every=10)
    maps = [m for _f, m in (next(gen) for _ in range(40)) if m is not None]
    assert maps and maps[-1].shape == (len(x), 2)
    gen.close()   # a cancelled run stops here, no work left behind
    with pytest.raises(StopIteration):
        next(gen)
