"""Training speed and quality figures for aeviz's core (no GUI).

Run from the repository root::

    python bench/training.py                    # full: 10 epochs each, ~6-10 min on one core
    python bench/training.py --conv-epochs 4    # what the shared dev machine ran (~5 min)
    python bench/training.py --epochs 3         # quicker, lower quality figures
    python bench/training.py --skip-quality     # speed only (~30 s)

It prints:

1. headless samples/s of the 784-256-64-2 MLP autoencoder on one thread
   (batch 128, the default, and 256), measured with the real Trainer;
2. the time of one epoch of that model on the full MNIST train split;
3. test MSE per pixel of the MLP with k=32 and of the conv model with k=16 after
   ``--epochs`` epochs (targets: ≤ 0.012), beside PCA's (numpy SVD) at the same k.

Everything uses fixed seeds; the timing figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.core.datasets import load_mnist  # noqa: E402
from aeviz.core.models import ModelConfig, build_model  # noqa: E402
from aeviz.core.training import TrainConfig, Trainer  # noqa: E402


def pca_test_mse(train: np.ndarray, test: np.ndarray, k: int) -> float:
    """Best linear reconstruction with k components (fitted on train), evaluated on test."""
    mean = train.mean(0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    v = vt[:k].T
    rec = (test - mean) @ v @ v.T + mean
    return float(((rec - test) ** 2).mean())


@torch.no_grad()
def model_test_mse(model, test_images: np.ndarray) -> float:
    model.eval()
    x = torch.from_numpy(test_images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    total = sum(float(((model(x[i:i + 2000]) - x[i:i + 2000]) ** 2).sum()) for i in range(0, len(x), 2000))
    return total / x.numel()


def throughput(train, batch_size: int, steps: int) -> float:
    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
    n = steps * batch_size
    cfg = TrainConfig(epochs=1, batch_size=batch_size, num_threads=1, snapshot_every_s=0.1)
    trainer = Trainer(model, train.images[:n], cfg)
    start = time.perf_counter()
    for _ in trainer.run():
        pass
    return n / (time.perf_counter() - start)


def train_and_score(kind: str, latent: int, epochs: int, threads: int, train, test, **cfg_kw) -> tuple[float, float]:
    model = build_model(ModelConfig(kind, latent), seed=0)
    cfg = TrainConfig(epochs=epochs, num_threads=threads, snapshot_every_s=1.0, **cfg_kw)
    trainer = Trainer(model, train, cfg)
    start = time.perf_counter()
    for snap in trainer.run():
        if snap.epoch_end:
            print(f"    epoch {snap.epoch}: train loss {snap.train_loss:.5f} ({snap.samples_per_s:,.0f} img/s)",
                  flush=True)
    return model_test_mse(model, test.images), time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=10, help="epochs for the quality runs (default 10)")
    ap.add_argument("--conv-epochs", type=int, default=None,
                    help="epochs for the conv run (default: --epochs; conv is ~8x slower per epoch)")
    ap.add_argument("--threads", type=int, default=1, help="threads for the quality runs (default 1)")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-conv", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    train, test = load_mnist("train"), load_mnist("test")
    print(f"torch {torch.__version__}, {torch.get_num_interop_threads()} interop threads; MNIST {len(train)}/{len(test)}")

    throughput(train, 128, 30)  # warm-up
    for bs in (128, 256):
        print(f"MLP 784-256-64-2 headless throughput, 1 thread, batch {bs}: "
              f"{throughput(train, bs, 40000 // bs):,.0f} samples/s", flush=True)
    model = build_model(ModelConfig("mlp", 2), seed=0)
    trainer = Trainer(model, train, TrainConfig(epochs=1, num_threads=1))
    t = time.perf_counter()
    for _ in trainer.run():
        pass
    print(f"MLP 784-256-64-2 one epoch on 60k MNIST, 1 thread, batch 128: {time.perf_counter() - t:.1f} s", flush=True)

    if args.skip_quality:
        return 0
    flat_train = train.as_float().reshape(len(train), -1).astype(np.float64)
    flat_test = test.as_float().reshape(len(test), -1).astype(np.float64)
    runs = [("mlp", 32, args.epochs)] + ([] if args.skip_conv else [("conv", 16, args.conv_epochs or args.epochs)])
    for kind, k, epochs in runs:
        print(f"{kind} k={k}, {epochs} epochs, {args.threads} thread(s):", flush=True)
        mse, secs = train_and_score(kind, k, epochs, args.threads, train, test)
        pca = pca_test_mse(flat_train, flat_test, k)
        verdict = "OK" if mse <= 0.012 else "above target"
        print(f"  test MSE/pixel {kind} k={k}: {mse:.5f} (target <= 0.012, {verdict}); "
              f"PCA k={k}: {pca:.5f}; training {secs:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
