"""PSNR of the shipped denoiser against the noisy input's, at three noise levels per noise.

Command (from the repository root)::

    python bench/denoise.py

On the 10,000 MNIST test images, with a fixed seed: for Gaussian noise and masking at
three levels each, the PSNR (dB, pixels in [0, 1]) of the noisy image and of the
denoiser's output, both against the clean image, side by side; and, for comparison,
what the plain conv k=16 autoencoder (never trained on noise) makes of the same input.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from aeviz.core.datasets import load_mnist  # noqa: E402
from aeviz.core.noise import NoiseConfig, add_noise  # noqa: E402
from aeviz.core.pretrained import load_pretrained  # noqa: E402

LEVELS = {"gaussian": (0.1, 0.3, 0.5), "masking": (0.1, 0.3, 0.5)}


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    return 10.0 * math.log10(1.0 / float(((a - b) ** 2).mean()))


@torch.no_grad()
def run(model, x: torch.Tensor) -> torch.Tensor:
    return torch.cat([model(x[i:i + 1000]).clamp(0, 1) for i in range(0, len(x), 1000)])


def main() -> int:
    torch.set_num_threads(1)
    denoiser = load_pretrained("conv_denoiser")
    plain = load_pretrained("conv_latent16").model
    clean = torch.from_numpy(load_mnist("test").images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    print(f"denoiser: {denoiser.config.summary()}, trained on "
          f"{', '.join(n['kind'] + ':' + format(n['level'], 'g') for n in denoiser.meta['extra']['denoiser']['noises'])}")
    print(f"{'noise':>9} {'level':>5} {'noisy dB':>9} {'denoiser dB':>12} {'gain dB':>8} {'conv k=16 dB':>13}")
    for kind, levels in LEVELS.items():
        for level in levels:
            gen = torch.Generator().manual_seed(0)
            noisy = add_noise(clean, NoiseConfig(kind, level), gen)
            p_noisy, p_out = psnr(noisy, clean), psnr(run(denoiser.model, noisy), clean)
            print(f"{kind:>9} {level:5.1f} {p_noisy:9.2f} {p_out:12.2f} {p_out - p_noisy:8.2f} "
                  f"{psnr(run(plain, noisy), clean):13.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
