"""Train the models shipped in ``resources/models/`` (fixed seeds, full MNIST train split).

Command used for the committed files (from the repository root)::

    python bench/make_pretrained.py --threads 2

Options: ``--only mlp_latent2,vae_latent2`` to rebuild some, ``--out DIR`` to
write elsewhere, ``--epochs-scale 0.2`` for a quick dry run. Each bundle records
its test-set MSE per pixel (and PCA's at the same k) in ``meta["extra"]``; the
``val_loss`` of its history is measured on the MNIST *test* split (training
uses all 60k train images). The weights are float32: the four files are 4.2 MB
together. Wall time ~10 min on a busy 2-core machine (conv_latent16 is most of it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aeviz.core.bundle import load, save  # noqa: E402
from aeviz.core.datasets import load_mnist  # noqa: E402
from aeviz.core.models import ModelConfig, build_model  # noqa: E402
from aeviz.core.training import TrainConfig, Trainer  # noqa: E402

#: id → (model config, train config). Seeds are fixed so a rebuild gives the same models.
RECIPES = {
    "mlp_latent2": (ModelConfig("mlp", 2), TrainConfig(epochs=12, lr=1e-3, batch_size=128, seed=1)),
    "vae_latent2": (ModelConfig("vae", 2), TrainConfig(epochs=12, lr=1e-3, batch_size=128, seed=2)),
    "conv_latent16": (ModelConfig("conv", 16), TrainConfig(epochs=6, lr=2e-3, batch_size=128, seed=3)),
    "linear_latent16": (ModelConfig("linear", 16, bias=False),
                        TrainConfig(epochs=6, lr=3e-3, batch_size=256, seed=4)),
}


def pca_test_mse(train: np.ndarray, test: np.ndarray, k: int) -> float:
    mean = train.mean(0)
    vt = np.linalg.svd(train - mean, full_matrices=False)[2][:k]
    rec = (test - mean) @ vt.T @ vt + mean
    return float(((rec - test) ** 2).mean())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default=None, help="comma-separated ids to rebuild")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models")
    ap.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every recipe's epochs (dry runs)")
    args = ap.parse_args(argv)
    ids = list(RECIPES) if not args.only else [s.strip() for s in args.only.split(",")]
    unknown = [i for i in ids if i not in RECIPES]
    if unknown:
        ap.error(f"unknown id(s): {', '.join(unknown)}; known: {', '.join(RECIPES)}")
    torch.set_num_threads(args.threads)
    train, test = load_mnist("train"), load_mnist("test")
    flat_train = train.as_float().reshape(len(train), -1).astype(np.float64)
    flat_test = test.as_float().reshape(len(test), -1)
    total_start = time.perf_counter()
    for model_id in ids:
        model_cfg, train_cfg = RECIPES[model_id]
        epochs = max(1, round(train_cfg.epochs * args.epochs_scale))
        train_cfg = TrainConfig(**{**train_cfg.to_dict(), "epochs": epochs, "num_threads": args.threads,
                                   "snapshot_every_s": 5.0, "noise": None})
        model = build_model(model_cfg, seed=train_cfg.seed)
        trainer = Trainer(model, train, train_cfg, val_data=test)
        start = time.perf_counter()
        print(f"{model_id}: {model_cfg.summary()}, {epochs} epochs", flush=True)
        for snap in trainer.run():
            if snap.epoch_end:
                print(f"  epoch {snap.epoch}: train {snap.train_loss:.5f}  test {snap.val_loss:.5f}", flush=True)
            if snap.diverged:
                print(f"  {snap.message}", flush=True)
                return 1
        # Unclipped output, as PCA's figure is unclipped (clipping would flatter the linear model).
        with torch.no_grad():
            x = torch.from_numpy(flat_test).reshape(-1, 1, 28, 28)
            test_mse = float(((model.eval()(x) - x) ** 2).mean())
        pca = pca_test_mse(flat_train, flat_test.astype(np.float64), model_cfg.latent)
        path = save(args.out / f"{model_id}.aeviz", model, model_cfg, train_config=train_cfg,
                    history=trainer.history, dataset_name="MNIST train (60000)",
                    extra={"test_mse_per_pixel": round(test_mse, 6), "pca_test_mse_per_pixel": round(pca, 6),
                           "seconds": round(time.perf_counter() - start, 1),
                           "command": "python bench/make_pretrained.py --threads 2"})
        load(path)  # the file we ship must pass the validating reader
        print(f"  test MSE/pixel {test_mse:.5f} (PCA k={model_cfg.latent}: {pca:.5f}); "
              f"{path.name} {path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - start:.0f} s", flush=True)
    print(f"total {time.perf_counter() - total_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
