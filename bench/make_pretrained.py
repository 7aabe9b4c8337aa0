"""Train the models shipped in ``resources/models/`` (fixed seeds, full MNIST train split).

Command used for the committed files (from the repository root)::

    python bench/make_pretrained.py --threads 2

Options: ``--only mlp_latent2,vae_latent2`` to rebuild some, ``--out DIR`` to
write elsewhere, ``--epochs-scale 0.2`` for a quick dry run. Each bundle records
its test-set MSE per pixel (and PCA's at the same k) in ``meta["extra"]``; the
``val_loss`` of its history is measured on the MNIST *test* split (training
uses all 60k train images). The weights are float32: the four files are 4.2 MB
together. Wall time ~10 min on a busy 2-core machine (conv_latent16 is most of it).

Two models are trained by the build loop of ``bench/fitting.py`` (AdamW with a
warm-up and a cosine decay, which the in-app trainer does not offer) and run one
at a time with ``--threads 1``:

* ``conv_latent30``, the record-class deep autoencoder (30-number code, compared with
  Hinton & Salakhutdinov 2006: 3.00 squared error per test image);
* ``conv_denoiser``, a convolutional denoising autoencoder trained on a mix of Gaussian
  noise and masking; its train config carries one of them so the training page opens
  it with noisy / output / clean side by side, and ``meta["extra"]["denoiser"]`` says
  which noises it learnt (``bench/denoise.py`` prints its PSNR).
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
from aeviz.core.noise import NoiseConfig  # noqa: E402
from aeviz.core.training import TrainConfig, Trainer  # noqa: E402

#: id → (model config, train config). Seeds are fixed so a rebuild gives the same models.
RECIPES = {
    "mlp_latent2": (ModelConfig("mlp", 2), TrainConfig(epochs=12, lr=1e-3, batch_size=128, seed=1)),
    "vae_latent2": (ModelConfig("vae", 2), TrainConfig(epochs=12, lr=1e-3, batch_size=128, seed=2)),
    "conv_latent16": (ModelConfig("conv", 16), TrainConfig(epochs=6, lr=2e-3, batch_size=128, seed=3)),
    "linear_latent16": (ModelConfig("linear", 16, bias=False),
                        TrainConfig(epochs=6, lr=3e-3, batch_size=256, seed=4)),
}


#: id → (model config, fitting.fit settings, noises or None). Trained with the build loop (bench/fitting.py).
DENOISER_NOISES = [NoiseConfig(kind, level) for kind in ("gaussian", "masking") for level in (0.1, 0.2, 0.3, 0.4, 0.5)]
SCHEDULED = {
    "conv_latent30": (ModelConfig("conv", 30, hidden=(32, 64)),
                      {"epochs": 10, "lr": 2e-3, "batch_size": 128, "seed": 7}, None),
    "conv_denoiser": (ModelConfig("conv", 64, hidden=(32, 64)),
                      {"epochs": 2, "lr": 2e-3, "batch_size": 128, "seed": 11}, DENOISER_NOISES),
}
#: the noise the training page shows when it opens the denoiser
DENOISER_SHOWN = NoiseConfig("gaussian", 0.3)


_SPECTRA: dict[int, object] = {}


def pca_test_mse(train: np.ndarray, test: np.ndarray, k: int) -> float:
    """PCA's test MSE at k (aeviz.core.linear.spectrum: the Gram matrix, diagonalised once per run)."""
    from aeviz.core.linear import spectrum

    spec = _SPECTRA.get(id(train))
    if spec is None:
        spec = _SPECTRA[id(train)] = spectrum(train)
    rec = spec.reconstruct(test, k)
    return float(((rec - test) ** 2).mean())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default=None, help="comma-separated ids to rebuild")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models")
    ap.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every recipe's epochs (dry runs)")
    args = ap.parse_args(argv)
    ids = list(RECIPES) + list(SCHEDULED) if not args.only else [s.strip() for s in args.only.split(",")]
    unknown = [i for i in ids if i not in RECIPES and i not in SCHEDULED]
    if unknown:
        ap.error(f"unknown id(s): {', '.join(unknown)}; known: {', '.join([*RECIPES, *SCHEDULED])}")
    torch.set_num_threads(args.threads)
    train, test = load_mnist("train"), load_mnist("test")
    flat_train = train.as_float().reshape(len(train), -1).astype(np.float64)
    flat_test = test.as_float().reshape(len(test), -1)
    total_start = time.perf_counter()
    for model_id in ids:
        if model_id in SCHEDULED:
            build_scheduled(model_id, train, test, flat_train, args)
            continue
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


def build_scheduled(model_id: str, train, test, flat_train: np.ndarray, args) -> None:
    """Train one SCHEDULED model with the build loop, measure it on the test split, save and re-load it."""
    sys.path.insert(0, str(ROOT / "bench"))
    from fitting import fit, images_tensor, test_mse

    model_cfg, settings, noises = SCHEDULED[model_id]
    epochs = settings["epochs"] * args.epochs_scale
    x_train, x_test = images_tensor(train.images), images_tensor(test.images)
    model = build_model(model_cfg, seed=settings["seed"])
    print(f"{model_id}: {model_cfg.summary()}, {model.num_params()} parameters, {epochs:g} epochs"
          + (f", noises {', '.join(n.spec() for n in noises)}" if noises else ""), flush=True)
    eval_noisy = None
    if noises:
        from fitting import sample_noise
        eval_noisy = sample_noise(x_test, noises, torch.Generator().manual_seed(1234))
    res = fit(model, x_train, x_test, epochs=epochs, lr=settings["lr"], batch_size=settings["batch_size"],
              seed=settings["seed"], noises=noises, eval_test=eval_noisy, log=lambda s: print(s, flush=True))
    mse = test_mse(model, x_test)   # the plain reconstruction error, also for the denoiser
    pca = pca_test_mse(flat_train, x_test.reshape(len(x_test), -1).double().numpy(), model_cfg.latent)
    extra = {"test_mse_per_pixel": round(mse, 6), "test_error_per_image": round(mse * 784, 3),
             "pca_test_mse_per_pixel": round(pca, 6), "seconds": res["seconds"],
             "cpu_seconds": res["cpu_seconds"], "epochs": res["epochs"],
             "n_train": len(x_train), "threads": torch.get_num_threads(),
             "schedule": {k: v for k, v in res.items() if k != "history"},
             "command": f"python bench/make_pretrained.py --threads 1 --only {model_id}"}
    shown = None
    if noises:
        extra["denoiser"] = {"noises": [n.to_dict() for n in noises], "mix": "one noise drawn per image",
                             "noisy_test_mse_per_pixel": round(res["history"][-1]["val_loss"], 6)}
        shown = DENOISER_SHOWN
    train_cfg = TrainConfig(epochs=max(1, round(epochs)), lr=settings["lr"], batch_size=settings["batch_size"],
                            seed=settings["seed"], noise=shown, weight_decay=1e-5, num_threads=1)
    path = save(args.out / f"{model_id}.aeviz", model, model_cfg, train_config=train_cfg, history=res["history"],
                dataset_name="MNIST train (60000)", extra=extra, dtype="float16" if noises else "float32")
    load(path)
    print(f"  test MSE/pixel {mse:.5f} = {mse * 784:.2f} per image (PCA k={model_cfg.latent}: {pca:.5f}); "
          f"{path.name} {path.stat().st_size / 1e6:.2f} MB, {res['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
