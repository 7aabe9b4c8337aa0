"""t-SNE for 10,000 codes and more in numpy: sparse affinities and grid-interpolated repulsion.

The exact t-SNE of :mod:`aeviz.core.latent` costs O(N²) time and memory per step,
which caps it at a few thousand points. This one follows the ideas of FIt-SNE
(Linderman et al., 2019) with the simplest pieces that numpy offers:

* affinities P only between each point and its ``3·perplexity`` nearest neighbours
  (found exactly, block by block), so the attractive forces are a sum over edges;
* repulsive forces and the normalisation Z from the embedding's point density
  spread on a regular grid (cloud-in-cell weights) and convolved with the t-SNE
  kernels by FFT, then read back at each point by bilinear interpolation. The grid
  cell is at most ``CELL`` units wide, where the kernel 1/(1+d²) varies slowly;

so a step costs O(N·k + G² log G) instead of O(N²). Early exaggeration, momentum and
gains are those of the exact version. ``tests/test_fast_tsne.py`` compares the
gradient with the exact one and the maps' neighbourhoods with the exact t-SNE's.
"""

from __future__ import annotations

import functools
from typing import Iterator

import numpy as np

__all__ = ["tsne", "affinities", "gradient", "exact_gradient", "CELL"]

#: grid cell width in embedding units (the kernel's scale is 1)
CELL = 0.3
MIN_GRID, MAX_GRID = 32, 320


def _knn(x: np.ndarray, k: int, block: int = 1024):
    """Indices and squared distances of the k nearest neighbours of every row (itself excluded).

    A generator yielding the fraction done after each block (so a caller can cancel); returns the result.
    """
    n = x.shape[0]
    sq = (x * x).sum(1)
    idx = np.empty((n, k), np.int64)
    dist = np.empty((n, k), np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        d = sq[start:stop, None] + sq[None, :] - 2.0 * (x[start:stop] @ x.T)
        d[np.arange(stop - start), np.arange(start, stop)] = np.inf
        part = np.argpartition(d, k, axis=1)[:, :k]
        pd = np.take_along_axis(d, part, 1)
        order = np.argsort(pd, axis=1)
        idx[start:stop] = np.take_along_axis(part, order, 1)
        dist[start:stop] = np.maximum(np.take_along_axis(pd, order, 1), 0.0)
        yield stop / n
    return idx, dist


def affinities(x: np.ndarray, perplexity: float = 30.0, tol: float = 1e-5,
               max_iter: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse symmetric P as undirected edges ``(i, j, p_ij)``, i < j, each pair once.

    p_{j|i} is fitted to the perplexity by bisection on each row's precision over its
    3·perplexity nearest neighbours; p_ij = (p_{j|i} + p_{i|j}) / 2N, and the force of an
    edge acts on both ends.
    """
    return _drive(_affinities(x, perplexity, tol, max_iter))


def _drive(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def _affinities(x: np.ndarray, perplexity: float, tol: float, max_iter: int):
    """:func:`affinities` as a generator yielding the neighbour search's progress."""
    x = np.asarray(x, np.float32)
    n = x.shape[0]
    k = int(min(n - 1, max(1, round(3 * perplexity))))
    perplexity = min(perplexity, k / 3.0)
    idx, d = yield from _knn(x, k)
    d = d / max(float(np.median(d)), 1e-12)  # scale-free start for the bisection
    target = np.log(perplexity)
    beta = np.ones(n)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    for _ in range(max_iter):
        p = np.exp(-(d - d[:, :1]) * beta[:, None])
        sums = p.sum(1)
        entropy = np.log(sums) + beta * ((d - d[:, :1]) * p).sum(1) / sums
        diff = entropy - target
        if np.all(np.abs(diff) < tol):
            break
        up = diff > 0
        lo = np.where(up, beta, lo)
        hi = np.where(up, hi, beta)
        beta = np.where(up, np.where(np.isinf(hi), beta * 2, (beta + hi) / 2), (beta + lo) / 2)
    p /= p.sum(1, keepdims=True)
    # p_ij = (p_{j|i} + p_{i|j}) / 2N once per undirected pair (i < j)
    rows, cols = np.repeat(np.arange(n), k), idx.ravel()
    lo_end, hi_end = np.minimum(rows, cols), np.maximum(rows, cols)
    keys, inverse = np.unique(lo_end * n + hi_end, return_inverse=True)
    weights = np.bincount(inverse, p.ravel() / (2.0 * n), minlength=len(keys))
    return keys // n, keys % n, weights


def _grid(y: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Origin, cell width and size of a square grid covering y with a margin.

    Widths and sizes are rounded up to a few values (steps of 5 %, multiples of 16) so
    that the kernels' Fourier transforms are reused from one step to the next.
    """
    lo = y.min(0) - 2 * CELL
    span = float((y.max(0) - lo).max()) + 2 * CELL
    h = max(min(CELL, span / (MIN_GRID - 1)), span / (MAX_GRID - 1), 1e-9)
    h = CELL * 1.05 ** np.ceil(np.log(h / CELL) / np.log(1.05) - 1e-9)
    g = int(min(MAX_GRID, max(MIN_GRID, 16 * np.ceil((span / h + 1) / 16))))
    return lo, float(h), g


@functools.lru_cache(maxsize=4)
def _kernels(g: int, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Fourier transforms of 1/(1+r²) and 1/(1+r²)² on a (2g)² grid of cell width h."""
    size = 2 * g
    offsets = (np.fft.fftfreq(size, 1.0 / size) * h).astype(np.float32)
    k1 = 1.0 / (1.0 + offsets[:, None] ** 2 + offsets[None, :] ** 2)
    return np.fft.rfft2(k1), np.fft.rfft2(k1 * k1)


def _spread(pos: np.ndarray, g: int, values: list[np.ndarray]):
    """Cloud-in-cell: each point's values shared by the 4 grid nodes around it."""
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, g - 2)
    f = pos - i0
    w = [(1 - f[:, 0]) * (1 - f[:, 1]), f[:, 0] * (1 - f[:, 1]), (1 - f[:, 0]) * f[:, 1], f[:, 0] * f[:, 1]]
    cells = [i0[:, 0] * g + i0[:, 1], (i0[:, 0] + 1) * g + i0[:, 1], i0[:, 0] * g + i0[:, 1] + 1,
             (i0[:, 0] + 1) * g + i0[:, 1] + 1]
    out = []
    for v in values:
        grid = np.zeros(g * g)
        for c, wc in zip(cells, w):
            grid += np.bincount(c, wc * v, minlength=g * g)
        out.append(grid.reshape(g, g).astype(np.float32))
    return out, cells, w


def _gather(fields: list[np.ndarray], cells, w) -> list[np.ndarray]:
    return [sum(field.ravel()[c] * wc for c, wc in zip(cells, w)) for field in fields]


def gradient(y: np.ndarray, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
             exaggeration: float = 1.0) -> tuple[np.ndarray, float]:
    """The t-SNE gradient dC/dy (N, 2) and Z, with the repulsion from the grid."""
    n = y.shape[0]
    lo, h, g = _grid(y)
    pos = (y - lo) / h
    (rho, rho_x, rho_y), cells, w = _spread(pos, g, [np.ones(n), y[:, 0], y[:, 1]])
    size = 2 * g
    f1, f2 = _kernels(g, h)

    def conv(kernel_ft, grid):
        return np.fft.irfft2(np.fft.rfft2(grid, (size, size)) * kernel_ft, (size, size))[:g, :g]

    rho_ft = np.fft.rfft2(rho, (size, size))
    phi1 = np.fft.irfft2(rho_ft * f1, (size, size))[:g, :g]
    phi2 = np.fft.irfft2(rho_ft * f2, (size, size))[:g, :g]
    phi2x, phi2y = conv(f2, rho_x), conv(f2, rho_y)
    s1, s2, s2x, s2y = _gather([phi1, phi2, phi2x, phi2y], cells, w)
    # each point's own spread charge seen by itself (its 4 nodes, 0, h or h·√2 apart), not a pair
    w00, w10, w01, w11 = w
    self_k1 = (w00 ** 2 + w10 ** 2 + w01 ** 2 + w11 ** 2
               + 2 * (w00 * w10 + w00 * w01 + w10 * w11 + w01 * w11) / (1 + h * h)
               + 2 * (w00 * w11 + w10 * w01) / (1 + 2 * h * h))
    z = max(float((s1 - self_k1).sum()), 1e-12)
    rep = np.stack([y[:, 0] * s2 - s2x, y[:, 1] * s2 - s2y], 1) / z
    diff = y[rows] - y[cols]
    att_w = weights / (1.0 + np.einsum("ij,ij->i", diff, diff))
    att = np.empty_like(y)
    for axis in (0, 1):
        force = att_w * diff[:, axis]
        att[:, axis] = np.bincount(rows, force, minlength=n) - np.bincount(cols, force, minlength=n)
    return 4.0 * (exaggeration * att - rep), z


def exact_gradient(y: np.ndarray, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
                   exaggeration: float = 1.0) -> tuple[np.ndarray, float]:
    """The same gradient computed exactly in O(N²) (for tests on small N)."""
    n = y.shape[0]
    p = np.zeros((n, n))
    np.add.at(p, (rows, cols), weights)
    p = p + p.T
    d = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    num = 1.0 / (1.0 + d)
    np.fill_diagonal(num, 0.0)
    z = num.sum()
    wmat = (exaggeration * p - num / z) * num
    return 4.0 * (wmat.sum(1)[:, None] * y - wmat @ y), float(z)


def tsne(x: np.ndarray, perplexity: float = 30.0, iterations: int = 500, seed: int = 0,
         report_every: int = 25) -> Iterator[tuple[float, np.ndarray | None]]:
    """t-SNE of the rows of ``x`` to 2-D. Yields ``(fraction done, current map or None)``; returns the map.

    A caller cancels it by closing the generator (the work happens between yields).
    """
    x = np.asarray(x, np.float32)
    n = x.shape[0]
    if n < 10:
        raise ValueError("t-SNE needs at least 10 points")
    yield 0.0, None
    gen = _affinities(x, perplexity, 1e-5, 100)
    try:
        while True:
            yield 0.1 * next(gen), None
    except StopIteration as stop:
        rows, cols, weights = stop.value
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, 1e-4, (n, 2))
    update = np.zeros_like(y)
    gains = np.ones_like(y)
    exaggeration_end = iterations // 4
    for it in range(iterations):
        exaggeration = 12.0 if it < exaggeration_end else 1.0
        lr = max(n / exaggeration, 50.0)     # openTSNE's "auto" learning rate
        grad, _z = gradient(y, rows, cols, weights, exaggeration)
        momentum = 0.5 if it < exaggeration_end else 0.8
        same = np.sign(grad) == np.sign(update)
        gains = np.maximum(np.where(same, gains * 0.8, gains + 0.2), 0.01)
        update = momentum * update - lr * gains * grad
        y = y + update
        y -= y.mean(0)
        fraction = 0.1 + 0.9 * (it + 1) / iterations
        if (it + 1) % report_every == 0 or it + 1 == iterations:
            yield fraction, y.astype(np.float32)
        else:
            yield fraction, None   # a chance to cancel at every step
    return y.astype(np.float32)
