"""Running a trained model on images: the helpers behind the live grids and plots.

They accept what the UI has at hand (a Dataset, uint8 or float arrays, tensors)
and return plain numpy arrays, so drawing code needs no torch.
"""

from __future__ import annotations

import numpy as np
import torch

from .datasets import Dataset
from .models import Autoencoder

__all__ = ["images_to_tensor", "reconstruct", "encode_images", "decode_codes"]


def images_to_tensor(data, image_shape: tuple[int, int, int]) -> torch.Tensor:
    """Dataset / uint8 / float array or tensor → float32 (N, C, H, W) in [0, 1]."""
    if isinstance(data, Dataset):
        data = data.images
    if isinstance(data, np.ndarray):
        if data.dtype == np.uint8:
            arr = data.astype(np.float32) / np.float32(255.0)
        else:
            arr = np.asarray(data, dtype=np.float32)
            if not arr.flags.writeable:  # torch refuses to wrap read-only memory silently
                arr = arr.copy()
        data = torch.from_numpy(arr)
    elif data.dtype == torch.uint8:
        data = data.float() / 255.0
    data = data.float()
    try:
        return data.reshape(data.shape[0], *image_shape).contiguous()
    except RuntimeError:
        raise ValueError(f"images shaped {tuple(data.shape)} do not match the model input {image_shape}") from None


def _as_batch(model: Autoencoder, images) -> tuple[torch.Tensor, torch.device]:
    device = next(model.parameters()).device
    return images_to_tensor(images, model.image_shape).to(device), device


@torch.no_grad()
def reconstruct(model: Autoencoder, images, batch_size: int = 1000) -> np.ndarray:
    """x̂ for images (uint8 or [0, 1], (N, H, W) or (N, C, H, W)) → float32 (N, H, W) clipped to [0, 1].

    Runs in eval mode without gradients and restores the previous mode. Call it
    from the thread that trains (or use ``Trainer(preview_images=...)``) so the
    weights are not read while an optimizer step writes them.
    """
    x, _ = _as_batch(model, images)
    was_training = model.training
    model.eval()
    try:
        out = torch.cat([model(x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]) \
            if x.shape[0] else x
    finally:
        model.train(was_training)
    out = out.clamp(0.0, 1.0).cpu().numpy()
    return out[:, 0] if out.shape[1] == 1 else out


@torch.no_grad()
def encode_images(model: Autoencoder, images, batch_size: int = 1000) -> np.ndarray:
    """Codes z for images (see :func:`reconstruct` for accepted inputs) → float32 (N, k)."""
    x, _ = _as_batch(model, images)
    was_training = model.training
    model.eval()
    try:
        parts = [model.encode(x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(parts).cpu().numpy() if parts else np.zeros((0, model.latent_dim), np.float32)


@torch.no_grad()
def decode_codes(model: Autoencoder, z, batch_size: int = 1000) -> np.ndarray:
    """Images for codes z ((N, k) array or tensor) → float32 (N, H, W) clipped to [0, 1].

    Used to paint the latent space (a grid of z values) and for VAE samples.
    """
    device = next(model.parameters()).device
    zt = torch.as_tensor(np.asarray(z, dtype=np.float32)).to(device).reshape(-1, model.latent_dim)
    was_training = model.training
    model.eval()
    try:
        parts = [model.decode(zt[i:i + batch_size]) for i in range(0, zt.shape[0], batch_size)]
    finally:
        model.train(was_training)
    c, h, w = model.image_shape
    out = torch.cat(parts).clamp(0.0, 1.0).cpu().numpy() if parts else np.zeros((0, c, h, w), np.float32)
    return out[:, 0] if c == 1 else out
