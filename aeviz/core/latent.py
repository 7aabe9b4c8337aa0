"""The maths behind the latent-space page: paths, projections, attributes, sampling.

Pure numpy (torch only inside :func:`encode_iter`, imported lazily), so every
function is testable against a plain numpy oracle and usable from a worker thread.

Choices worth knowing:

* t-SNE is the *exact* O(N²) algorithm (no Barnes-Hut): short, deterministic and easy
  to read, but its memory grows as N² (float32: 100 MB at 5 000 points), so callers
  run it on a sample of at most :data:`TSNE_MAX_POINTS` codes. It is a generator that
  yields its progress and intermediate maps, so a worker can show it unfold and stop
  it between two iterations.
* slerp interpolates around a centre (the mean code by default), not around the
  origin: an autoencoder's codes are not centred like a VAE prior's, and an arc
  around the data's centre stays among the data.
"""

from __future__ import annotations

import io
from typing import Iterator

import numpy as np

from .csv_safe import csv_text

TSNE_MAX_POINTS = 5000

__all__ = [
    "lerp", "slerp", "interpolation_path", "PCA", "fit_pca", "tsne", "TSNE_MAX_POINTS",
    "attribute_vector", "roc_auc", "heldout_split", "attribute_auc", "ink_mass", "slant",
    "high_low_groups", "GaussianFit", "fit_gaussian", "nearest_distance", "typical_spacing",
    "percentile_ranges", "manifold_grid", "encode_iter", "codes_csv", "strip_png", "strip_gif",
]


# --- interpolation ---------------------------------------------------------------------------
def lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """(1 − t)·a + t·b: the straight segment of the course's (C1 + C2)/2 at t = ½."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return (1.0 - t) * a + t * b


def slerp(a: np.ndarray, b: np.ndarray, t: float, center: np.ndarray | None = None) -> np.ndarray:
    """Spherical interpolation of a and b seen from ``center``: the arc keeps the norm profile.

    The radius is interpolated linearly and the direction along the great circle, so the
    ends are exactly a and b and the middle does not shrink towards the centre the way
    a straight average does. Falls back to lerp when the two directions coincide.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    c = np.zeros_like(a) if center is None else np.asarray(center, np.float64)
    u, v = a - c, b - c
    ru, rv = np.linalg.norm(u), np.linalg.norm(v)
    if ru < 1e-12 or rv < 1e-12:
        return lerp(a, b, t)
    cos = float(np.clip(np.dot(u / ru, v / rv), -1.0, 1.0))
    omega = np.arccos(cos)
    if omega < 1e-6:
        return lerp(a, b, t)
    direction = (np.sin((1 - t) * omega) * u / ru + np.sin(t * omega) * v / rv) / np.sin(omega)
    return c + ((1 - t) * ru + t * rv) * direction


def interpolation_path(a, b, steps: int, method: str = "lerp", center=None) -> np.ndarray:
    """``steps`` codes from a to b inclusive, shaped (steps, k)."""
    ts = np.linspace(0.0, 1.0, max(2, int(steps)))
    if method == "slerp":
        return np.stack([slerp(a, b, t, center) for t in ts])
    return np.stack([lerp(a, b, t) for t in ts])


# --- projections -----------------------------------------------------------------------------
class PCA:
    """Principal axes of the codes, from the SVD of the centred matrix."""

    def __init__(self, mean: np.ndarray, components: np.ndarray, explained: np.ndarray):
        self.mean = mean              # (k,)
        self.components = components  # (m, k), rows are unit axes
        self.explained = explained    # (m,) fraction of variance of each axis

    def transform(self, codes: np.ndarray) -> np.ndarray:
        return (np.asarray(codes, np.float64) - self.mean) @ self.components.T


def fit_pca(codes: np.ndarray, n_components: int = 2) -> PCA:
    x = np.asarray(codes, np.float64)
    mean = x.mean(axis=0)
    _u, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    # sign convention: the largest coordinate of each axis is positive (stable pictures)
    signs = np.sign(vt[np.arange(vt.shape[0]), np.abs(vt).argmax(axis=1)])
    vt = vt * signs[:, None]
    var = s ** 2
    explained = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
    m = min(n_components, vt.shape[0])
    return PCA(mean, vt[:m], explained[:m])


def _sq_distances(x: np.ndarray) -> np.ndarray:
    sq = (x * x).sum(axis=1)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.maximum(d, 0.0, out=d)
    np.fill_diagonal(d, 0.0)
    return d


def _affinities(x: np.ndarray, perplexity: float, tol: float = 1e-4, max_iter: int = 60) -> np.ndarray:
    """Symmetric P of t-SNE: each row's Gaussian width found by bisection, all rows at once."""
    d = _sq_distances(x).astype(np.float32)
    n = d.shape[0]
    target = np.log(perplexity)
    beta = np.ones(n, np.float64)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    d_scaled = d / max(float(np.median(d)), 1e-12)  # scale-free start
    for _ in range(max_iter):
        p = np.exp(-d_scaled * beta[:, None].astype(np.float32))
        np.fill_diagonal(p, 0.0)
        sums = np.maximum(p.sum(axis=1), 1e-12)
        entropy = np.log(sums) + beta * (d_scaled * p).sum(axis=1) / sums
        diff = entropy - target
        if np.all(np.abs(diff) < tol):
            break
        up = diff > 0  # too flat: sharpen
        lo = np.where(up, beta, lo)
        hi = np.where(up, hi, beta)
        beta = np.where(up, np.where(np.isinf(hi), beta * 2, (beta + hi) / 2),
                        np.where(np.isinf(lo), beta / 2, (beta + lo) / 2))
    p /= sums[:, None]
    p = (p + p.T) / (2.0 * n)
    return np.maximum(p, 1e-12).astype(np.float32)


def tsne(x: np.ndarray, perplexity: float = 30.0, iterations: int = 400, seed: int = 0,
         report_every: int = 20) -> Iterator[tuple[float, np.ndarray | None]]:
    """Exact t-SNE to 2-D. Yields ``(fraction done, current map or None)``; returns the map.

    Early exaggeration (×12) for the first quarter, momentum 0.5 then 0.8, gains as in
    van der Maaten's reference implementation. A caller stops it by closing the generator.
    """
    x = np.asarray(x, np.float64)
    n = x.shape[0]
    if n > TSNE_MAX_POINTS:
        raise ValueError(f"t-SNE here is exact (O(N²)); use at most {TSNE_MAX_POINTS} points, not {n}")
    if n < 5:
        raise ValueError("t-SNE needs at least 5 points")
    perplexity = min(perplexity, (n - 1) / 3.0)
    yield 0.0, None
    p = _affinities(x, perplexity)
    yield 0.05, None
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, 1e-4, (n, 2)).astype(np.float32)
    update = np.zeros_like(y)
    gains = np.ones_like(y)
    lr = max(n / 48.0, 50.0)  # scikit-learn's "auto" rate: N / exaggeration / 4
    exaggeration_end = iterations // 4
    for it in range(iterations):
        exaggeration = 12.0 if it < exaggeration_end else 1.0
        num = 1.0 / (1.0 + _sq_distances(y))
        np.fill_diagonal(num, 0.0)
        q = np.maximum(num / num.sum(), 1e-12)
        w = (exaggeration * p - q) * num
        grad = 4.0 * (w.sum(axis=1)[:, None] * y - w @ y)
        momentum = 0.5 if it < exaggeration_end else 0.8
        same = np.sign(grad) == np.sign(update)
        gains = np.maximum(np.where(same, gains * 0.8, gains + 0.2), 0.01)
        update = momentum * update - lr * gains * grad
        y = (y + update).astype(np.float32)
        y -= y.mean(axis=0)
        if (it + 1) % report_every == 0 or it + 1 == iterations:
            yield 0.05 + 0.95 * (it + 1) / iterations, y.copy()
    return y


# --- attributes ------------------------------------------------------------------------------
def attribute_vector(codes: np.ndarray, group_a: np.ndarray, group_b: np.ndarray) -> np.ndarray:
    """Mean code of group A minus mean code of group B (boolean masks or index arrays)."""
    codes = np.asarray(codes, np.float64)
    a, b = codes[group_a], codes[group_b]
    if len(a) == 0 or len(b) == 0:
        raise ValueError("each group needs at least one image")
    return a.mean(axis=0) - b.mean(axis=0)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    _uniq, start, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    mean_rank = start + (counts + 1) / 2.0  # ranks are 1-based
    ranks = np.empty(len(values), np.float64)
    ranks[order] = np.repeat(mean_rank, counts)
    return ranks


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve = P(score of a positive > score of a negative), ties count ½."""
    scores = np.asarray(scores, np.float64)
    positive = np.asarray(positive, bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC needs both groups in the held-out data")
    ranks = _average_ranks(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def heldout_split(n: int, fraction: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (fit, held out): the direction is measured on one part, judged on the other."""
    order = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * (1.0 - fraction)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def attribute_auc(codes: np.ndarray, in_a: np.ndarray, in_b: np.ndarray, seed: int = 0):
    """(v fitted on half the images, ROC-AUC of the projection on v over the other half)."""
    codes = np.asarray(codes, np.float64)
    in_a, in_b = np.asarray(in_a, bool), np.asarray(in_b, bool)
    fit, held = heldout_split(len(codes), 0.5, seed)
    fit_mask = np.zeros(len(codes), bool)
    fit_mask[fit] = True
    v = attribute_vector(codes, in_a & fit_mask, in_b & fit_mask)
    keep = held[in_a[held] | in_b[held]]
    return v, roc_auc(codes[keep] @ v, in_a[keep])


def _as_float_images(images: np.ndarray) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim == 4:
        x = x[:, 0]
    return x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)


def ink_mass(images: np.ndarray) -> np.ndarray:
    """Total ink of each image (in fully-black pixels): a proxy for stroke thickness."""
    return _as_float_images(images).sum(axis=(1, 2)).astype(np.float64)


def slant(images: np.ndarray) -> np.ndarray:
    """Shear μ11/μ02 from the image moments; > 0 when the top of the digit leans right."""
    x = _as_float_images(images).astype(np.float64)
    _n, h, w = x.shape
    rows, cols = np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64)
    mass = np.maximum(x.sum(axis=(1, 2)), 1e-9)
    ybar = (x.sum(axis=2) @ rows) / mass
    xbar = (x.sum(axis=1) @ cols) / mass
    dy = rows[None, :, None] - ybar[:, None, None]
    dx = cols[None, None, :] - xbar[:, None, None]
    mu11 = (x * dx * dy).sum(axis=(1, 2))
    mu02 = np.maximum((x * dy * dy).sum(axis=(1, 2)), 1e-9)
    return -mu11 / mu02  # image rows grow downwards


def high_low_groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks (above the median, below the median); ties at the median are left out."""
    values = np.asarray(values, np.float64)
    median = np.median(values)
    return values > median, values < median


# --- the data's distribution -----------------------------------------------------------------
class GaussianFit:
    """A Gaussian N(mean, cov) fitted to the codes, to draw new ones."""

    def __init__(self, mean: np.ndarray, cov: np.ndarray):
        self.mean, self.cov = mean, cov
        self._chol = np.linalg.cholesky(cov)

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        eps = np.random.default_rng(seed).standard_normal((n, len(self.mean)))
        return (self.mean + eps @ self._chol.T).astype(np.float32)


def fit_gaussian(codes: np.ndarray) -> GaussianFit:
    x = np.asarray(codes, np.float64)
    mean = x.mean(axis=0)
    cov = np.atleast_2d(np.cov(x, rowvar=False)) if len(x) > 1 else np.eye(x.shape[1])
    cov = cov + np.eye(len(mean)) * (1e-6 * max(float(np.trace(cov)) / len(mean), 1e-12))
    return GaussianFit(mean, cov)


def nearest_distance(codes: np.ndarray, z: np.ndarray) -> tuple[float, int]:
    """Euclidean distance from z to the closest code, and that code's index."""
    d = ((np.asarray(codes, np.float64) - np.asarray(z, np.float64)) ** 2).sum(axis=1)
    i = int(d.argmin())
    return float(np.sqrt(d[i])), i


def typical_spacing(codes: np.ndarray, sample: int = 300, seed: int = 0) -> float:
    """Median distance from a code to its nearest neighbour: the scale of "close to the data"."""
    codes = np.asarray(codes, np.float64)
    if len(codes) < 2:
        return 1.0
    rows = np.random.default_rng(seed).choice(len(codes), min(sample, len(codes)), replace=False)
    out = []
    for i in rows:
        d = ((codes - codes[i]) ** 2).sum(axis=1)
        d[i] = np.inf
        out.append(np.sqrt(d.min()))
    return float(np.median(out)) or 1e-6


def percentile_ranges(codes: np.ndarray, low: float = 1.0, high: float = 99.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension (low, high) percentiles: slider ranges that cover the data, not its outliers."""
    lo, hi = np.percentile(np.asarray(codes, np.float64), [low, high], axis=0)
    flat = hi - lo < 1e-9
    return np.where(flat, lo - 1.0, lo), np.where(flat, hi + 1.0, hi)


def manifold_grid(lo, hi, n: int) -> np.ndarray:
    """n×n codes over a 2-D box, row-major, top row = highest z₂ (as a plot shows it)."""
    xs = np.linspace(lo[0], hi[0], n)
    ys = np.linspace(hi[1], lo[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


# --- encoding and exports --------------------------------------------------------------------
def encode_iter(model, images: np.ndarray, batch_size: int = 1000) -> Iterator[float]:
    """Encode images batch by batch; yields the fraction done, returns codes (N, k) float32."""
    from aeviz.core.inference import encode_images

    parts = []
    n = len(images)
    for start in range(0, n, batch_size):
        parts.append(encode_images(model, images[start:start + batch_size], batch_size=batch_size))
        yield min(1.0, (start + batch_size) / max(n, 1))
    return np.concatenate(parts) if parts else np.zeros((0, model.latent_dim), np.float32)


def codes_csv(codes: np.ndarray, labels: np.ndarray, class_names: list[str],
              indices: np.ndarray | None = None) -> str:
    """index,label,class,z1..zk — one row per image, readable by any spreadsheet (see :mod:`.csv_safe`)."""
    codes = np.asarray(codes, dtype=np.float64)
    indices = np.arange(len(codes)) if indices is None else np.asarray(indices)
    header = ["index", "label", "class"] + [f"z{i + 1}" for i in range(codes.shape[1])]
    rows = ([int(i), int(label), str(class_names[int(label)]) if 0 <= int(label) < len(class_names) else "",
             *row.tolist()] for i, label, row in zip(indices, labels, codes))
    return csv_text(header, rows)


def _strip_frames(images: np.ndarray, scale: int) -> list:
    from PIL import Image

    frames = []
    for img in np.asarray(images):
        u8 = img if img.dtype == np.uint8 else (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
        frames.append(Image.fromarray(u8, "L").resize((u8.shape[1] * scale, u8.shape[0] * scale), Image.NEAREST))
    return frames


def strip_png(images: np.ndarray, scale: int = 4, gap: int = 4) -> bytes:
    """The morph strip side by side as a PNG."""
    from PIL import Image

    frames = _strip_frames(images, scale)
    w, h = frames[0].size
    out = Image.new("L", (len(frames) * (w + gap) - gap, h), 255)
    for i, frame in enumerate(frames):
        out.paste(frame, (i * (w + gap), 0))
    buffer = io.BytesIO()
    out.save(buffer, format="PNG")
    return buffer.getvalue()


def strip_gif(images: np.ndarray, scale: int = 4, frame_ms: int = 120) -> bytes:
    """The morph as an animated GIF going A → B → A (loops forever)."""
    frames = _strip_frames(images, scale)
    frames = frames + frames[-2:0:-1]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    return buffer.getvalue()
