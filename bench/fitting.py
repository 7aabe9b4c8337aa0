"""The plain training loop of the build scripts (make_pretrained.py, make_compression.py).

The app's :class:`aeviz.core.training.Trainer` keeps a constant learning rate, which is
what a student should see; models that ship have to get close to their optimum in a
few CPU-minutes, which a short linear warm-up and a cosine decay of AdamW's learning
rate do much better. Everything is seeded, single-threaded unless asked otherwise,
and measured on the full MNIST test split (per-pixel MSE of the unclipped output).
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from aeviz.core.models import Autoencoder
from aeviz.core.noise import NoiseConfig, add_noise


def images_tensor(images_uint8: np.ndarray) -> torch.Tensor:
    """uint8 (N, 28, 28) → float32 (N, 1, 28, 28) in [0, 1]."""
    return torch.from_numpy(np.asarray(images_uint8, dtype=np.float32) / 255.0).reshape(-1, 1, 28, 28)


@torch.no_grad()
def test_mse(model: Autoencoder, x: torch.Tensor, noisy: torch.Tensor | None = None,
             batch_size: int = 1000) -> float:
    """Per-pixel MSE between the model's output (on ``noisy`` if given) and ``x``."""
    was = model.training
    model.eval()
    total = 0.0
    for i in range(0, x.shape[0], batch_size):
        src = x if noisy is None else noisy
        total += float(((model(src[i:i + batch_size]) - x[i:i + batch_size]) ** 2).sum())
    model.train(was)
    return total / x.numel()


def sample_noise(x: torch.Tensor, noises: list[NoiseConfig], gen: torch.Generator) -> torch.Tensor:
    """Corrupt each image of a batch with a noise drawn from ``noises`` (a mix, per image)."""
    if len(noises) == 1:
        return add_noise(x, noises[0], gen)
    pick = torch.randint(len(noises), (x.shape[0],), generator=gen)
    out = x.clone()
    for i, cfg in enumerate(noises):
        sel = pick == i
        if sel.any():
            out[sel] = add_noise(x[sel], cfg, gen)
    return out


def fit(model: Autoencoder, x_train: torch.Tensor, x_test: torch.Tensor, *, epochs: float, lr: float,
        batch_size: int = 128, weight_decay: float = 1e-5, seed: int = 0, warmup: float = 0.02,
        noises: list[NoiseConfig] | None = None, log=print, eval_every: int = 1,
        eval_test: torch.Tensor | None = None, wall_budget: float | None = None) -> dict:
    """Train ``model`` for ``epochs`` (may be fractional) on MSE; returns history and cost.

    The learning rate rises linearly over the first ``warmup`` fraction of the steps,
    then follows a cosine down to 1 % of ``lr``. With ``noises`` the input of every
    image is corrupted by one of them (denoising autoencoder), the target stays clean.
    With ``wall_budget`` (seconds) the schedule runs on the clock instead: its progress is
    the larger of steps / (``epochs`` worth of steps) and elapsed / ``wall_budget``, so a
    run on a shared machine still ends annealed by a fixed time; the epochs it reached
    and its CPU seconds are in the result (a rebuild with ``epochs`` set to them is the
    reproducible equivalent).
    """
    gen = torch.Generator().manual_seed(seed)
    noise_gen = torch.Generator().manual_seed(seed + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    n = x_train.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    total = max(1, round(epochs * steps_per_epoch))
    warm = max(1, round(warmup * total))
    history, step, start, cpu_start = [], 0, time.perf_counter(), time.process_time()
    model.train()
    epoch = 0
    done = False
    while not done:
        perm = torch.randperm(n, generator=gen)
        loss_sum, seen = 0.0, 0
        for i in range(0, n, batch_size):
            t = step / total
            if wall_budget is not None:
                t = max(t, (time.perf_counter() - start) / wall_budget)
            if t >= 1:
                break
            scale = (step + 1) / warm if step < warm else 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * t))
            for g in opt.param_groups:
                g["lr"] = lr * scale
            xb = x_train[perm[i:i + batch_size]]
            x_in = sample_noise(xb, noises, noise_gen) if noises else xb
            loss = model.loss(x_in, xb, "mse")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * xb.shape[0]
            seen += xb.shape[0]
            step += 1
        elapsed = time.perf_counter() - start
        done = step >= total or (wall_budget is not None and elapsed >= wall_budget)
        if not seen:  # the clock ran out right at the end of the previous epoch
            if "val_loss" not in history[-1]:
                history[-1]["val_loss"] = test_mse(model, x_test, eval_test)
            break
        epoch += 1
        entry = {"epoch": epoch, "step": step, "train_loss": loss_sum / seen, "elapsed": round(elapsed, 1)}
        if epoch % eval_every == 0 or done:
            entry["val_loss"] = test_mse(model, x_test, eval_test)
        history.append(entry)
        log(f"    epoch {epoch}: train {entry['train_loss']:.5f}"
            + (f"  test {entry['val_loss']:.5f}" if "val_loss" in entry else "") + f"  ({elapsed:.0f} s)")
    model.eval()
    seconds = time.perf_counter() - start
    return {"history": history, "seconds": round(seconds, 1), "cpu_seconds": round(time.process_time() - cpu_start, 1),
            "epochs": round(step / steps_per_epoch, 2),
            "lr": lr, "batch_size": batch_size, "weight_decay": weight_decay, "schedule": "warmup+cosine", "warmup": warmup,
            "optimizer": "adamw", "seed": seed, "wall_budget": wall_budget}
