"""The four autoencoders of the course, behind one small interface.

Every model takes raw images in [0, 1] shaped (N, 1, H, W) and offers
``encode(x) -> z`` (N, k), ``decode(z) -> x̂`` (N, 1, H, W) and ``forward(x) = x̂``,
so pages can swap models without special cases. A :class:`ModelConfig` fully
describes an architecture; it is stored in bundles (JSON) and rebuilt with
:func:`build_model`.

Output and normalisation choices:

* ``mlp``, ``conv`` and ``vae`` end with a sigmoid so that x̂ is a valid image.
* ``linear`` has an identity output and, by default (``center=True``), works on
  *centred* data: the training-set mean image is stored as the ``data_mean``
  buffer, subtracted in ``encode`` and added back in ``decode``. Callers still
  pass raw [0, 1] images. Without bias the model is then exactly
  x − μ ≈ D·E·(x − μ), whose optimum is the PCA subspace (Eckart–Young), which
  is the comparison the course makes. The mean is fitted once by the trainer
  (:meth:`LinearAutoencoder.fit_data_mean`) and saved with the weights.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .noise import random_tensor

__all__ = [
    "MODEL_KINDS", "LATENT_RANGE", "ModelConfig", "Autoencoder", "LinearAutoencoder",
    "MLPAutoencoder", "ConvAutoencoder", "VAE", "build_model", "LayerRow", "describe_layers",
]

from .constants import LATENT_RANGE, MODEL_KINDS

DEFAULT_HIDDEN = {"linear": (), "mlp": (256, 64), "conv": (32, 64), "vae": (256, 64)}
#: convolutions per resolution of a conv model (``ModelConfig.blocks``)
MAX_BLOCKS = 4
#: defaults of the fields that deepen a conv model (the course's small convolutional autoencoder)
DEFAULT_CONV_DEPTH = {"blocks": 1, "dense": 0}
OUTPUTS = ("auto", "sigmoid", "identity")


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild an architecture (JSON-friendly).

    ``hidden`` means layer widths for mlp/vae (encoder order, mirrored in the
    decoder) and channel counts of the stride-2 convolutions for conv; ``None``
    picks the default of the kind. ``center`` only matters for linear, ``beta``
    (weight of the KL term) only for vae. ``blocks`` (convolutions per resolution)
    and ``dense`` (width of a fully connected layer between the convolutions and the
    code, 0 for none) only matter for conv: the defaults give the course's small
    convolutional autoencoder, larger values the deeper record-class model, which
    needs them to reconstruct 30-number codes as well as Hinton & Salakhutdinov's.
    """

    kind: str = "mlp"
    latent: int = 2
    hidden: tuple[int, ...] | None = None
    bias: bool = True
    image_shape: tuple[int, int, int] = (1, 28, 28)
    output: str = "auto"
    center: bool = True
    beta: float = 1.0
    blocks: int = DEFAULT_CONV_DEPTH["blocks"]
    dense: int = DEFAULT_CONV_DEPTH["dense"]

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}; choose one of {', '.join(MODEL_KINDS)}")
        lo, hi = LATENT_RANGE
        if isinstance(self.latent, bool) or not isinstance(self.latent, (int, np.integer)) or not lo <= self.latent <= hi:
            raise ValueError(f"latent size must be an integer between {lo} and {hi}, got {self.latent!r}")
        object.__setattr__(self, "latent", int(self.latent))
        if self.hidden is not None:
            hidden = tuple(int(h) for h in self.hidden)
            if any(h < 1 or h > 4096 for h in hidden):
                raise ValueError(f"hidden sizes must be between 1 and 4096, got {hidden}")
            object.__setattr__(self, "hidden", hidden)
        shape = tuple(int(s) for s in self.image_shape)
        if len(shape) != 3 or min(shape) < 1:
            raise ValueError(f"image_shape must be (channels, height, width), got {self.image_shape!r}")
        object.__setattr__(self, "image_shape", shape)
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {self.output!r}")
        if not (isinstance(self.beta, (int, float)) and math.isfinite(self.beta) and self.beta >= 0):
            raise ValueError(f"beta must be a finite number >= 0, got {self.beta!r}")
        object.__setattr__(self, "beta", float(self.beta))
        if isinstance(self.blocks, bool) or not isinstance(self.blocks, (int, np.integer)) \
                or not 1 <= self.blocks <= MAX_BLOCKS:
            raise ValueError(f"blocks must be an integer between 1 and {MAX_BLOCKS}, got {self.blocks!r}")
        object.__setattr__(self, "blocks", int(self.blocks))
        if isinstance(self.dense, bool) or not isinstance(self.dense, (int, np.integer)) or not 0 <= self.dense <= 4096:
            raise ValueError(f"dense must be an integer between 0 and 4096, got {self.dense!r}")
        object.__setattr__(self, "dense", int(self.dense))
        if self.kind == "conv":
            levels = len(self.resolved_hidden())
            c, h, w = shape
            if levels < 1 or h % 2 ** levels or w % 2 ** levels:
                raise ValueError(f"conv: {levels} stride-2 layers need height and width divisible by "
                                 f"{2 ** levels}, got {h}×{w}")
        if self.kind == "vae" and not self.resolved_hidden():
            raise ValueError("vae needs at least one hidden layer")

    def resolved_hidden(self) -> tuple[int, ...]:
        return DEFAULT_HIDDEN[self.kind] if self.hidden is None else self.hidden

    def resolved_output(self) -> str:
        if self.output != "auto":
            return self.output
        return "identity" if self.kind == "linear" else "sigmoid"

    @property
    def input_dim(self) -> int:
        c, h, w = self.image_shape
        return c * h * w

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden"] = None if self.hidden is None else list(self.hidden)
        d["image_shape"] = list(self.image_shape)
        for key in ("blocks", "dense"):  # left out at their defaults: such files still open in older aeviz versions
            if d[key] == DEFAULT_CONV_DEPTH[key]:
                del d[key]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        if not isinstance(data, dict):
            raise ValueError(f"model config must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown model config field(s): {', '.join(unknown)}")
        return cls(**data)

    def summary(self) -> str:
        """Short human label, e.g. ``"mlp k=2 (784-256-64-2)"``."""
        if self.kind == "conv":
            arch = "conv " + "-".join(map(str, self.resolved_hidden())) + " channels"
            if self.blocks > 1:
                arch += f" ×{self.blocks}"
            if self.dense:
                arch += f", dense {self.dense}"
        else:
            arch = "-".join(map(str, (self.input_dim, *self.resolved_hidden(), self.latent)))
        extra = "" if self.bias else ", no bias"
        return f"{self.kind} k={self.latent} ({arch}{extra})"


class Autoencoder(nn.Module):
    """Common interface; subclasses build ``self.encoder`` and ``self.decoder``."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.latent_dim = config.latent
        self.image_shape = config.image_shape
        self.output_act = nn.Sigmoid() if config.resolved_output() == "sigmoid" else nn.Identity()

    # -- interface -------------------------------------------------------------
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder output before the output activation, shaped (N, C, H, W)."""
        return self.decoder(z).reshape(z.shape[0], *self.image_shape)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.output_act(self.decode_logits(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    def loss(self, x_in: torch.Tensor, target: torch.Tensor, kind: str = "mse",
             generator: torch.Generator | None = None) -> torch.Tensor:
        """Training objective, averaged per pixel so values are comparable across models."""
        return reconstruction_loss(self, self.decode_logits(self.encode(x_in)), target, kind)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def code_modules(self) -> list[nn.Module]:
        """Modules whose output is the code z (marked "code" in the architecture panel)."""
        return [self.encoder[-1]]


def reconstruction_loss(model: Autoencoder, logits: torch.Tensor, target: torch.Tensor, kind: str,
                        reduction: str = "mean") -> torch.Tensor:
    """MSE or BCE between the decoder output and the target, from pre-activation values.

    BCE on a sigmoid output uses the fused, numerically stable logits form.
    """
    sigmoid = isinstance(model.output_act, nn.Sigmoid)
    if kind == "mse":
        return F.mse_loss(torch.sigmoid(logits) if sigmoid else logits, target, reduction=reduction)
    if kind == "bce":
        if sigmoid:
            return F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)
        return F.binary_cross_entropy(logits.clamp(1e-6, 1 - 1e-6), target, reduction=reduction)
    raise ValueError(f'loss must be "mse" or "bce", got {kind!r}')


def _mlp(sizes: tuple[int, ...], bias: bool, last_activation: bool) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, bias=bias))
        if last_activation or i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return layers


class LinearAutoencoder(Autoencoder):
    """One linear map down to k numbers and one back: the autoencoder version of PCA."""

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        d, k = config.input_dim, config.latent
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(d, k, bias=config.bias))
        self.decoder = nn.Sequential(nn.Linear(k, d, bias=config.bias))
        self.register_buffer("data_mean", torch.zeros(d))
        self.register_buffer("mean_fitted", torch.zeros(()))  # 1.0 once fitted; saved in bundles

    @torch.no_grad()
    def fit_data_mean(self, x: torch.Tensor, force: bool = False) -> None:
        """Store the mean image of ``x`` (only the first time unless ``force``)."""
        if not self.config.center or (self.mean_fitted.item() and not force):
            return
        self.data_mean.copy_(x.reshape(x.shape[0], -1).mean(0).to(self.data_mean))
        self.mean_fitted.fill_(1.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder[1](x.reshape(x.shape[0], -1) - self.data_mean)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return (self.decoder(z) + self.data_mean).reshape(z.shape[0], *self.image_shape)

    def encoder_matrix(self) -> np.ndarray:
        """E, shaped (k, D): z = E·(x − μ) (+ bias)."""
        return self.encoder[1].weight.detach().cpu().numpy().copy()

    def decoder_matrix(self) -> np.ndarray:
        """D, shaped (D, k): x̂ = D·z + μ (+ bias). Its columns span the learnt subspace."""
        return self.decoder[0].weight.detach().cpu().numpy().copy()


class MLPAutoencoder(Autoencoder):
    """Fully connected encoder and mirrored decoder with ReLU hidden layers."""

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        sizes = (config.input_dim, *config.resolved_hidden(), config.latent)
        self.encoder = nn.Sequential(nn.Flatten(), *_mlp(sizes, config.bias, last_activation=False))
        self.decoder = nn.Sequential(*_mlp(sizes[::-1], config.bias, last_activation=False))


class ConvAutoencoder(Autoencoder):
    """Stride-2 3×3 convolutions down, a linear code, transposed convolutions up.

    Each level halves H and W (28 → 14 → 7 with the default two levels);
    ``ConvTranspose2d(k=3, s=2, p=1, output_padding=1)`` exactly doubles them back.
    With ``blocks = b`` every level adds b − 1 stride-1 3×3 convolutions after its
    stride-2 one (and before the transposed one in the decoder, which mirrors the
    encoder); with ``dense = n`` a ReLU layer of n units sits on each side of the code.
    """

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        c, h, w = config.image_shape
        chans = config.resolved_hidden()
        bias, extra = config.bias, config.blocks - 1
        down, prev = [], c
        for ch in chans:
            down += [nn.Conv2d(prev, ch, 3, stride=2, padding=1, bias=bias), nn.ReLU()]
            for _ in range(extra):
                down += [nn.Conv2d(ch, ch, 3, padding=1, bias=bias), nn.ReLU()]
            prev = ch
        sh, sw = h // 2 ** len(chans), w // 2 ** len(chans)
        flat = prev * sh * sw
        widths = (flat, config.dense, config.latent) if config.dense else (flat, config.latent)
        self.encoder = nn.Sequential(*down, nn.Flatten(), *_mlp(widths, bias, last_activation=False))
        up: list[nn.Module] = [*_mlp(widths[::-1], bias, last_activation=True), nn.Unflatten(1, (prev, sh, sw))]
        outs = list(chans[::-1][1:]) + [c]
        for i, ch in enumerate(outs):
            for _ in range(extra):
                up += [nn.Conv2d(prev, prev, 3, padding=1, bias=bias), nn.ReLU()]
            up.append(nn.ConvTranspose2d(prev, ch, 3, stride=2, padding=1, output_padding=1, bias=bias))
            if i < len(outs) - 1:
                up.append(nn.ReLU())
            prev = ch
        self.decoder = nn.Sequential(*up)


class VAE(Autoencoder):
    """Variational autoencoder (MLP): the encoder outputs a Gaussian q(z|x).

    ``encode`` returns its mean, so plots and ``forward`` are deterministic; only
    :meth:`loss` samples z = μ + σ·ε (reparameterisation). The loss is the
    negative ELBO divided by the number of pixels: (reconstruction summed over
    pixels + beta·KL(q‖N(0, I))) / D, averaged over the batch.
    """

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        hidden = config.resolved_hidden()
        sizes = (config.input_dim, *hidden)
        self.encoder = nn.Sequential(nn.Flatten(), *_mlp(sizes, config.bias, last_activation=True))
        self.fc_mu = nn.Linear(hidden[-1], config.latent, bias=config.bias)
        self.fc_logvar = nn.Linear(hidden[-1], config.latent, bias=config.bias)
        self.decoder = nn.Sequential(*_mlp((config.latent, *hidden[::-1], config.input_dim), config.bias, False))

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(μ, log σ²) of q(z|x), each (N, k)."""
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h).clamp(-12.0, 12.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encode_distribution(x)[0]

    def code_modules(self) -> list[nn.Module]:
        return [self.fc_mu, self.fc_logvar]

    def loss(self, x_in, target, kind="bce", generator=None):
        mu, logvar = self.encode_distribution(x_in)
        eps = random_tensor("normal", mu.shape, generator, mu)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = reconstruction_loss(self, self.decode_logits(z), target, kind, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return (recon + self.config.beta * kl) / (x_in.shape[0] * self.config.input_dim)

    @torch.no_grad()
    def sample_prior(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode n codes drawn from the prior N(0, I): new images, (n, C, H, W)."""
        z = random_tensor("normal", (n, self.latent_dim), generator, next(self.parameters()))
        return self.decode(z)


_KIND_TO_CLASS = {"linear": LinearAutoencoder, "mlp": MLPAutoencoder, "conv": ConvAutoencoder, "vae": VAE}


def build_model(config: ModelConfig, seed: int | None = None) -> Autoencoder:
    """A fresh model for ``config``; with ``seed`` its initial weights are reproducible.

    The seed is applied inside a forked RNG so the caller's global torch RNG is untouched.
    """
    cls = _KIND_TO_CLASS[config.kind]
    if seed is None:
        return cls(config)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return cls(config)


# ------------------------------------------------------------ architecture panel

@dataclass(frozen=True)
class LayerRow:
    """One line of the architecture panel (shapes exclude the batch dimension)."""

    name: str
    output_shape: tuple[int, ...]
    params: int
    part: str  # "input" | "encoder" | "code" | "decoder"


def _layer_label(m: nn.Module) -> str:
    if isinstance(m, nn.Linear):
        return f"Linear {m.in_features}→{m.out_features}"
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        k, s = m.kernel_size, m.stride
        return f"{type(m).__name__} {m.in_channels}→{m.out_channels} {k[0]}×{k[1]} stride {s[0]}"
    return type(m).__name__


@torch.no_grad()
def describe_layers(model: Autoencoder, config: ModelConfig | None = None) -> list[LayerRow]:
    """Rows (name, output shape, parameter count, part) in execution order.

    Found by running one dummy image through the model with forward hooks, so the
    shapes are the real ones. The first row is the input; rows producing z are
    marked "code"; the linear model's mean subtraction is listed when enabled.
    """
    config = config or model.config
    rows: list[tuple[nn.Module, tuple[int, ...]]] = []
    code = {id(m) for m in model.code_modules()}
    encoder_ids = {id(m) for m in model.encoder.modules()} | code
    hooks = []
    for m in model.modules():
        if len(list(m.children())) == 0 and m is not model:
            hooks.append(m.register_forward_hook(lambda mod, _i, out: rows.append((mod, tuple(out.shape[1:])))))
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        x = torch.zeros((1, *config.image_shape), device=device)
        model.decode(model.encode(x))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    out = [LayerRow("Input", tuple(config.image_shape), 0, "input")]
    centred = isinstance(model, LinearAutoencoder) and config.center
    if centred:
        out.append(LayerRow("Subtract mean image", (config.input_dim,), 0, "encoder"))
    prefixes = {id(getattr(model, "fc_mu", None)): "μ: ", id(getattr(model, "fc_logvar", None)): "log σ²: "}
    for mod, shape in rows:
        if isinstance(mod, nn.Identity):
            continue
        part = "code" if id(mod) in code else "encoder" if id(mod) in encoder_ids else "decoder"
        n = sum(p.numel() for p in mod.parameters(recurse=False))
        out.append(LayerRow(prefixes.get(id(mod), "") + _layer_label(mod), shape, n, part))
    if centred:
        out.append(LayerRow("Add mean image", (config.input_dim,), 0, "decoder"))
    if out[-1].output_shape != tuple(config.image_shape):
        out.append(LayerRow("Reshape", tuple(config.image_shape), 0, "decoder"))
    return out
