"""The linear case of lesson 3: X ≈ U·Vᵀ, its optimum by SVD, and a linear autoencoder chasing it.

The course writes the linear autoencoder as a matrix factorisation X = U·Vᵀ with
min ‖X − U·Vᵀ‖: the rows of X are the samples, U (N, k) holds their codes and
Vᵀ (k, D) the decoder. Eckart–Young says the best rank-k fit is the truncated SVD,
so the floor of the reconstruction error is the energy of the discarded singular
values. Everything here uses the *same centring and the same loss* as
:class:`aeviz.core.models.LinearAutoencoder`: the data mean μ is removed first,
and the error is the mean squared error per entry, mean((X − X̂)²) over N·D.

The autoencoder reaches the same *subspace* as PCA, not the same basis: its
decoder columns are any basis of the span of the top-k principal directions.
:func:`principal_angles` measures that: all angles tend to 0 during training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

__all__ = ["Spectrum", "spectrum", "principal_angles", "psnr", "LinearFitReport", "fit_linear_autoencoder",
           "mnist_matrix"]

#: Below this many entries the exact SVD in float64 is instant; above it the Gram route is faster.
_EXACT_LIMIT = 400_000


@dataclass(frozen=True)
class Spectrum:
    """PCA of a data matrix X (N, D), centred like the linear autoencoder.

    ``energy`` are the squared singular values σᵢ² of X − μ, in decreasing order;
    ``components`` the matching right singular vectors (rows of Vᵀ), shape (r, D).
    """

    mean: np.ndarray        # (D,)
    energy: np.ndarray      # (r,) σᵢ², decreasing
    components: np.ndarray  # (r, D)
    n: int
    d: int

    @property
    def singular_values(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.energy, 0.0))

    def floor(self, k: int) -> float:
        """Eckart–Young: the smallest mean((X − X̂)²) any rank-k (linear, centred) reconstruction reaches."""
        k = max(0, min(int(k), len(self.energy)))
        return float(max(0.0, self.energy[k:].sum()) / (self.n * self.d))

    def floors(self) -> np.ndarray:
        """``floor(k)`` for k = 0 … r at once."""
        tail = np.concatenate([np.cumsum(self.energy[::-1])[::-1], [0.0]])
        return np.maximum(tail, 0.0) / (self.n * self.d)

    def explained(self, k: int) -> float:
        total = float(self.energy.sum())
        return float(self.energy[:k].sum() / total) if total > 0 else 1.0

    def reconstruct(self, x: np.ndarray, k: int) -> np.ndarray:
        """Project rows of x (M, D) on the top-k principal subspace: μ + (x − μ)·V_k·V_kᵀ."""
        v = self.components[:k]
        xc = np.asarray(x, dtype=np.float64).reshape(len(x), -1) - self.mean
        return xc @ v.T @ v + self.mean

    def codes(self, x: np.ndarray, k: int) -> np.ndarray:
        """U for rows of x: (x − μ)·V_k, so that x ≈ μ + U·V_kᵀ."""
        return (np.asarray(x, dtype=np.float64).reshape(len(x), -1) - self.mean) @ self.components[:k].T


def spectrum(x: np.ndarray, center: bool = True) -> Spectrum:
    """PCA of the rows of ``x`` (N, D).

    Small matrices use ``numpy.linalg.svd`` in float64. Large ones (10k MNIST
    images) form the D×D Gram matrix (X − μ)ᵀ(X − μ) with a float32 product and
    diagonalise it in float64: well under a second instead of ten for the full SVD.
    """
    x = np.asarray(x)
    if x.ndim != 2 or min(x.shape) < 1:
        raise ValueError(f"the data matrix must be 2-D and non-empty, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("the data matrix contains a non-finite value")
    n, d = x.shape
    mean = x.mean(0, dtype=np.float64) if center else np.zeros(d)
    if n * d <= _EXACT_LIMIT or d > 2048:
        xc = x.astype(np.float64) - mean
        _u, s, vt = np.linalg.svd(xc, full_matrices=False)
        return Spectrum(mean, s ** 2, vt, n, d)
    import torch

    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    xt = xt - torch.from_numpy(mean.astype(np.float32))
    gram = (xt.T @ xt).double()
    evals, evecs = torch.linalg.eigh(gram)
    order = torch.flip(torch.arange(d), (0,))
    energy = evals[order].clamp_min(0.0).numpy()
    components = evecs[:, order].T.contiguous().numpy()
    r = min(n, d)
    return Spectrum(mean, energy[:r].copy(), components[:r].copy(), n, d)


def principal_angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angles (radians, increasing) between the column spaces of a (D, p) and b (D, q).

    Orthonormalise each with QR, then the singular values of Q_aᵀ·Q_b are the
    cosines of the angles (Björck–Golub). min(p, q) angles are returned.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0]:
        raise ValueError(f"need two (D, k) matrices with the same D, got {a.shape} and {b.shape}")
    if a.shape[1] < b.shape[1]:
        a, b = b, a   # the residual trick below needs span(b) to have the smaller dimension
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    from_cos = np.sort(np.arccos(np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)))
    # arccos loses half the digits near 0: small angles come from the sines, the singular
    # values of the part of Q_b outside span(Q_a)
    sines = np.sort(np.linalg.svd(qb - qa @ (qa.T @ qb), compute_uv=False))
    from_sin = np.arcsin(np.clip(sines, 0.0, 1.0))
    return np.where(from_cos < math.pi / 4, from_sin, from_cos)


def psnr(mse: float, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, peak]; inf for a perfect copy."""
    return math.inf if mse <= 0 else 10.0 * math.log10(peak * peak / mse)


def mnist_matrix(n: int, seed: int = 0) -> np.ndarray:
    """n MNIST training images as the rows of a float32 (n, 784) matrix in [0, 1] (stratified, fixed seed)."""
    from .datasets import load_mnist

    ds = load_mnist("train", limit=n, seed=seed)
    return ds.as_float().reshape(len(ds), -1)


@dataclass(frozen=True)
class LinearFitReport:
    """One progress report of :func:`fit_linear_autoencoder`.

    ``loss`` is mean((X − X̂)²) on the whole X (not a mini-batch average), the
    quantity whose minimum is ``floor``; ``angles`` are the principal angles
    (radians) between span(decoder) and the top-k PCA subspace. ``vt`` (k, D) is
    the decoder and ``u`` (N, k) the codes (set when ``with_factors``): X − μ ≈ U·Vᵀ.
    """

    step: int
    total_steps: int
    loss: float
    floor: float
    angles: np.ndarray
    done: bool
    u: np.ndarray | None = None
    vt: np.ndarray | None = None
    message: str = ""


def fit_linear_autoencoder(x: np.ndarray, k: int, spec: Spectrum | None = None, steps: int = 600,
                           lr: float | None = None, batch_size: int | None = None, seed: int = 0,
                           report_every_steps: int = 10, report_every_s: float = 0.0,
                           with_factors: bool = True, num_threads: int | None = 1,
                           stop=None) -> Iterator[LinearFitReport]:
    """Train a bias-free :class:`LinearAutoencoder` on the rows of x with Adam, yielding reports.

    Uses the app's :class:`~aeviz.core.training.Trainer` (one epoch of mini-batches
    per ``steps_per_epoch`` steps; full batch when ``batch_size`` is None), so the
    model, centring and loss are exactly those of the training page. ``stop`` is an
    optional callable returning True to end early (checked between reports).
    """
    import torch

    from .models import ModelConfig, build_model
    from .training import TrainConfig, Trainer

    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    if not 1 <= k < min(n, d) + 1:
        raise ValueError(f"k must be between 1 and {min(n, d)}, got {k}")
    spec = spec or spectrum(x)
    floor = spec.floor(k)
    pcs = spec.components[:k].T
    bs = n if batch_size is None else min(batch_size, n)
    steps_per_epoch = math.ceil(n / bs)
    epochs = max(1, math.ceil(steps / steps_per_epoch))
    if lr is None:
        lr = 0.02 if bs == n else 3e-3
    config = ModelConfig("linear", latent=k, bias=False, image_shape=(1, 1, d))
    model = build_model(config, seed=seed)
    train_cfg = TrainConfig(lr=lr, batch_size=bs, epochs=epochs, seed=seed, num_threads=num_threads,
                            snapshot_every_s=report_every_s or 3600.0, snapshot_every_steps=report_every_steps)
    trainer = Trainer(model, x.reshape(n, 1, 1, d), train_cfg)
    xt = trainer.x_train

    def report(done: bool, message: str = "") -> LinearFitReport:
        with torch.no_grad():
            loss = float(model.loss(xt, xt, "mse"))
        dec = model.decoder_matrix()
        u = None
        if with_factors:
            with torch.no_grad():
                u = model.encode(xt).numpy().astype(np.float64)
        vt = dec.T.astype(np.float64)
        return LinearFitReport(trainer.global_step, trainer.total_steps, loss, floor,
                               principal_angles(dec, pcs), done, u, vt, message)

    yield report(False)
    last_step = -1
    for snap in trainer.run():
        if snap.diverged:
            yield report(True, snap.message)
            return
        due = snap.done or trainer.global_step - last_step >= report_every_steps or report_every_s
        if due:
            last_step = trainer.global_step
            yield report(snap.done)
        if stop is not None and stop():
            trainer.request_stop()
    if not trainer.done:
        yield report(True, "stopped")
