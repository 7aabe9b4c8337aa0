import json

import numpy as np
import pytest
import torch

from aeviz.core.models import (
    MODEL_KINDS, VAE, LinearAutoencoder, ModelConfig, build_model, describe_layers,
)

torch.set_num_threads(1)


@pytest.mark.parametrize("kind", MODEL_KINDS)
@pytest.mark.parametrize("latent", [1, 2, 16])
def test_encode_decode_shapes(kind, latent):
    model = build_model(ModelConfig(kind=kind, latent=latent), seed=0)
    x = torch.rand(5, 1, 28, 28)
    z = model.encode(x)
    assert z.shape == (5, latent)
    out = model.decode(z)
    assert out.shape == (5, 1, 28, 28)
    assert model(x).shape == (5, 1, 28, 28)
    if kind != "linear":
        assert out.min() >= 0 and out.max() <= 1  # sigmoid output
    loss = model.loss(x, x, "mse", torch.Generator().manual_seed(0))
    assert loss.ndim == 0 and torch.isfinite(loss)


@pytest.mark.parametrize("bad", [0, 129, -3, 2.5, True, "8"])
def test_latent_validated(bad):
    with pytest.raises(ValueError, match="latent size must be an integer between 1 and 128"):
        ModelConfig(kind="mlp", latent=bad)


def test_config_validation_and_json_roundtrip():
    with pytest.raises(ValueError, match="unknown model kind"):
        ModelConfig(kind="gan")
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(kind="conv", image_shape=(1, 30, 30))
    cfg = ModelConfig(kind="conv", latent=16, hidden=[8, 16], bias=False)
    again = ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert again == cfg and again.hidden == (8, 16)
    with pytest.raises(ValueError, match="unknown model config field"):
        ModelConfig.from_dict({**cfg.to_dict(), "colour": "red"})
    assert "784-256-64-2" in ModelConfig("mlp", 2).summary()


def test_deeper_conv_layers_match_an_independent_torch_computation():
    """blocks/dense add stride-1 convolutions and a dense layer; F.conv2d & co. recompute the forward pass."""
    import torch.nn.functional as F

    cfg = ModelConfig("conv", 6, hidden=(4, 8), blocks=2, dense=10)
    model = build_model(cfg, seed=0).eval()
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.stride[0]) for c in convs] == \
        [(1, 4, 2), (4, 4, 1), (4, 8, 2), (8, 8, 1), (8, 8, 1), (4, 4, 1)]
    w = [(m.weight, m.bias) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d,
                                                                       torch.nn.Linear))]
    x = torch.rand(3, 1, 28, 28)
    h = F.relu(F.conv2d(x, *w[0], stride=2, padding=1))
    h = F.relu(F.conv2d(h, *w[1], padding=1))
    h = F.relu(F.conv2d(h, *w[2], stride=2, padding=1))
    h = F.relu(F.conv2d(h, *w[3], padding=1))
    z = F.linear(F.relu(F.linear(h.flatten(1), *w[4])), *w[5])
    h = F.relu(F.linear(F.relu(F.linear(z, *w[6])), *w[7])).reshape(3, 8, 7, 7)
    h = F.relu(F.conv2d(h, *w[8], padding=1))
    h = F.relu(F.conv_transpose2d(h, *w[9], stride=2, padding=1, output_padding=1))
    h = F.relu(F.conv2d(h, *w[10], padding=1))
    out = torch.sigmoid(F.conv_transpose2d(h, *w[11], stride=2, padding=1, output_padding=1))
    with torch.no_grad():
        assert torch.allclose(model.encode(x), z, atol=1e-6)
        assert torch.allclose(model(x), out, atol=1e-6)
    assert "×2, dense 10" in cfg.summary()
    assert describe_layers(model)[-1].output_shape == (1, 28, 28)


def test_conv_defaults_keep_the_layout_of_older_model_files():
    """A config without blocks/dense (files written before they existed) builds the same state_dict keys."""
    old = {"kind": "conv", "latent": 16, "hidden": [32, 64], "bias": True, "image_shape": [1, 28, 28],
           "output": "auto", "center": True, "beta": 1.0}
    keys = list(build_model(ModelConfig.from_dict(old)).state_dict())
    assert ModelConfig.from_dict(old).to_dict() == old   # and is written back as older versions read it
    deep = ModelConfig("conv", 30, blocks=2, dense=512)
    assert ModelConfig.from_dict(json.loads(json.dumps(deep.to_dict()))) == deep
    assert keys == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "encoder.5.weight",
                    "encoder.5.bias", "decoder.0.weight", "decoder.0.bias", "decoder.3.weight", "decoder.3.bias",
                    "decoder.5.weight", "decoder.5.bias"]


@pytest.mark.parametrize("field, bad", [("blocks", 0), ("blocks", 5), ("blocks", 1.5), ("blocks", True),
                                        ("dense", -1), ("dense", 4097), ("dense", "8")])
def test_blocks_and_dense_validated(field, bad):
    with pytest.raises(ValueError, match=field):
        ModelConfig("conv", 8, **{field: bad})


def test_seeded_build_is_reproducible_and_leaves_global_rng():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = build_model(ModelConfig("mlp", 2), seed=7)
    after = torch.rand(1)
    b = build_model(ModelConfig("mlp", 2), seed=7)
    assert torch.equal(before, after)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def test_linear_matrices_and_centering():
    model = build_model(ModelConfig("linear", 3, bias=False), seed=0)
    assert isinstance(model, LinearAutoencoder)
    assert model.encoder_matrix().shape == (3, 784) and model.decoder_matrix().shape == (784, 3)
    x = torch.rand(20, 1, 28, 28)
    model.fit_data_mean(x)
    mean = x.reshape(20, -1).mean(0)
    assert torch.allclose(model.data_mean, mean)
    model.fit_data_mean(torch.zeros(4, 1, 28, 28))  # second call keeps the first mean
    assert torch.allclose(model.data_mean, mean)
    # encode/decode take raw images: x̂ = D E (x - μ) + μ exactly
    E, D = model.encoder_matrix(), model.decoder_matrix()
    xn = x.reshape(20, -1).numpy()
    expect = (xn - mean.numpy()) @ E.T @ D.T + mean.numpy()
    assert np.allclose(model(x).reshape(20, -1).detach().numpy(), expect, atol=1e-5)
    # the mean image of the data is encoded as 0
    assert torch.allclose(model.encode(mean.reshape(1, 1, 28, 28)), torch.zeros(1, 3), atol=1e-6)


def test_vae_prior_and_deterministic_encode():
    model = build_model(ModelConfig("vae", 2), seed=0)
    assert isinstance(model, VAE)
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(model.encode(x), model.encode(x))
    g = torch.Generator().manual_seed(0)
    samples = model.sample_prior(6, generator=g)
    assert samples.shape == (6, 1, 28, 28) and samples.min() >= 0 and samples.max() <= 1
    # KL makes the loss larger than the reconstruction term alone for a wide posterior
    mu, logvar = model.encode_distribution(x)
    assert mu.shape == logvar.shape == (4, 2)


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_describe_layers(kind):
    cfg = ModelConfig(kind=kind, latent=8)
    model = build_model(cfg)
    rows = describe_layers(model, cfg)
    assert rows[0].part == "input" and rows[0].output_shape == (1, 28, 28)
    assert rows[-1].output_shape == (1, 28, 28)
    codes = [r for r in rows if r.part == "code"]
    assert codes and all(r.output_shape == (8,) for r in codes)
    assert sum(r.params for r in rows) == sum(p.numel() for p in model.parameters())
    order = {"input": 0, "encoder": 1, "code": 2, "decoder": 3}
    ranks = [order[r.part] for r in rows]
    assert ranks == sorted(ranks) and ranks[-1] == 3  # input, encoder, code, decoder


def test_no_bias_option():
    for kind in MODEL_KINDS:
        model = build_model(ModelConfig(kind=kind, latent=4, bias=False))
        assert all("bias" not in name for name, _ in model.named_parameters())


def test_core_and_cli_never_import_qt():
    import subprocess
    import sys

    code = ("import sys; import aeviz.core.datasets, aeviz.core.models, aeviz.core.training, "
            "aeviz.core.bundle, aeviz.core.pretrained, aeviz.core.inference, aeviz.cli_train; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_forward_is_the_same_in_training_and_eval_mode(kind):
    """The trainer's live reconstructions skip the switch to eval mode (it cost ~40 % of a preview):
    that is only right while no model kind has a layer such as dropout or batch norm."""
    model = build_model(ModelConfig(kind=kind, latent=4), seed=0)
    x = torch.rand(6, 1, 28, 28)
    with torch.no_grad():
        trained = model.train()(x)
        evaluated = model.eval()(x)
    assert torch.equal(trained, evaluated)
