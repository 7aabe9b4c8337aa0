import math
import threading

import numpy as np
import pytest
import torch

from aeviz.core.datasets import load_mnist
from aeviz.core.inference import decode_codes, encode_images, reconstruct
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.noise import NoiseConfig, add_noise, parse_noise_spec
from aeviz.core.training import TrainConfig, Trainer, resolve_device

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def small():
    return load_mnist("train", limit=600, seed=1)


@pytest.fixture(scope="module")
def val():
    return load_mnist("test", limit=200)


def run_all(trainer):
    return list(trainer.run())


def losses(snaps):
    return [(s.step, s.train_loss, s.val_loss) for s in snaps]


@pytest.mark.parametrize("kind,noise", [("mlp", None), ("vae", NoiseConfig("gaussian", 0.3)),
                                        ("conv", NoiseConfig("masking", 0.2))])
def test_same_seed_same_losses(small, val, kind, noise):
    def once(seed):
        model = build_model(ModelConfig(kind, 4, hidden=(8, 8) if kind == "conv" else (32,)), seed=seed)
        cfg = TrainConfig(epochs=2, batch_size=64, seed=seed, noise=noise, num_threads=1, snapshot_every_steps=3,
                          snapshot_every_s=1e9)
        return losses(run_all(Trainer(model, small, cfg, val_data=val)))
    a, b, c = once(0), once(0), once(1)
    assert a == b
    assert a != c
    assert a[-1][2] is not None and a[-1][2] < a[0][1]  # it learnt something


def test_snapshots_and_history(small, val):
    model = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    cfg = TrainConfig(epochs=2, batch_size=100, num_threads=1, snapshot_every_steps=2, snapshot_every_s=1e9,
                      val_every_steps=4)
    trainer = Trainer(model, small, cfg, val_data=val, preview_images=val.images[:5])
    snaps = run_all(trainer)
    assert trainer.steps_per_epoch == 6 and snaps[-1].step == snaps[-1].total_steps == 12
    ends = [s for s in snaps if s.epoch_end]
    assert [s.epoch for s in ends] == [1, 2] and all(s.val_loss is not None for s in ends)
    assert snaps[-1].done and not any(s.done for s in snaps[:-1]) and snaps[-1].eta_s == 0
    mid = [s for s in snaps if not s.epoch_end]
    assert any(s.val_loss is not None for s in mid) and any(s.val_loss is None for s in mid)
    assert all(s.preview.shape == (5, 28, 28) for s in snaps)
    assert [h["epoch"] for h in trainer.history] == [1, 2]
    assert list(trainer.run())[-1].message == "training already finished"
    trainer.set_epochs(3)
    assert run_all(trainer)[-1].step == 18


def test_losses_and_weights_equal_a_plain_torch_loop(small):
    """The Trainer adds nothing to what it trains: the same permutations, batches and Adam steps as a
    loop written here with torch alone, so the same losses at every step and the same weights."""
    seed, config = 3, ModelConfig("mlp", 2, hidden=(32,))
    cfg = TrainConfig(epochs=2, batch_size=64, seed=seed, num_threads=1, snapshot_every_steps=1, snapshot_every_s=1e9)
    model = build_model(config, seed=seed)
    snaps = run_all(Trainer(model, small, cfg))

    oracle = build_model(config, seed=seed)
    opt = torch.optim.Adam(oracle.parameters(), lr=cfg.lr, fused=True)
    x = torch.from_numpy(small.images.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)
    shuffle = torch.Generator().manual_seed(seed)
    steps, epoch_means = [], []
    for _epoch in range(cfg.epochs):
        perm, total = torch.randperm(len(x), generator=shuffle), 0.0
        for pos in range(0, len(x), cfg.batch_size):
            xb = x[perm[pos:pos + cfg.batch_size]]
            loss = torch.nn.functional.mse_loss(oracle(xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps.append(loss.item())
            total += loss.item() * len(xb)
        epoch_means.append(total / len(x))

    per_step = [s for s in snaps if not s.epoch_end]  # one step each; an epoch's last step is in its mean
    assert len(per_step) == len(steps) - cfg.epochs == 18
    assert [s.train_loss for s in per_step] == pytest.approx([v for i, v in enumerate(steps) if (i + 1) % 10], rel=1e-12)
    assert [s.train_loss for s in snaps if s.epoch_end] == pytest.approx(epoch_means, rel=1e-12)
    for mine, theirs in zip(model.parameters(), oracle.parameters()):
        assert torch.equal(mine, theirs)


def test_validation_loss_is_the_mean_over_every_image_whatever_the_batches(small):
    """600 images are 256 + 256 + 88: the short last batch weighs by its size (oracle: one torch pass)."""
    model = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    trainer = Trainer(model, small, TrainConfig(epochs=1, num_threads=1), val_data=small)
    x = torch.from_numpy(small.images.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(model(x), x).item()
    assert len(small) % 256 and trainer.evaluate() == pytest.approx(expected, rel=1e-5)


def test_snapshots_and_previews_follow_the_requested_period_in_simulated_time(small, val, monkeypatch):
    """Each step takes 1/64 s of a fake clock: a period of 10/64 s gives a snapshot with reconstructions
    every 10 steps (not one per step, whatever the real speed), and none once nobody wants them."""
    import types

    import aeviz.core.training as training

    clock = [0.0]
    monkeypatch.setattr(training, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    model = build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0)
    real_loss = model.loss

    def one_step_of_simulated_time(*args, **kwargs):
        clock[0] += 1 / 64
        return real_loss(*args, **kwargs)

    model.loss = one_step_of_simulated_time
    trainer = Trainer(model, small, TrainConfig(epochs=1, batch_size=10, num_threads=1, snapshot_every_s=10 / 64),
                      preview_images=val.images[:5])
    snaps = []
    for snap in trainer.run():
        snaps.append(snap)
        if snap.step == 30:
            trainer.previews_wanted = False  # the page was hidden
    assert [s.step for s in snaps] == [10, 20, 30, 40, 50, 60]
    assert [s.preview is not None for s in snaps] == [True, True, True, False, False, False]
    assert snaps[0].preview.shape == (5, 28, 28)
    assert snaps[0].samples_per_s == pytest.approx(10 * 10 / (10 / 64))  # 640 simulated samples/s
    assert snaps[-1].epoch_end and snaps[-1].elapsed == pytest.approx(60 / 64)


def test_request_stop_and_resume_equals_uninterrupted(small):
    cfg = TrainConfig(epochs=2, batch_size=50, num_threads=1, snapshot_every_steps=1, snapshot_every_s=1e9)

    reference = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    ref_snaps = run_all(Trainer(reference, small, cfg))

    model = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    trainer = Trainer(model, small, cfg)
    seen = []
    for snap in trainer.run():
        seen.append(snap)
        if snap.step == 5:
            trainer.request_stop()
    assert seen[-1].stopped and seen[-1].step == 5 and "paused" in seen[-1].message
    # pause by simply abandoning the generator
    for snap in trainer.run():
        seen.append(snap)
        if snap.step == 15:
            break
    rest = run_all(trainer)
    assert rest[-1].done and rest[-1].step == ref_snaps[-1].step
    for pa, pb in zip(reference.parameters(), model.parameters()):
        assert torch.equal(pa, pb)
    assert trainer.history[-1]["train_loss"] == pytest.approx(ref_snaps[-1].train_loss, rel=1e-6)


def test_request_stop_from_other_thread(small):
    model = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    trainer = Trainer(model, small, TrainConfig(epochs=10000, batch_size=32, num_threads=1, snapshot_every_s=0.02))
    result = []
    worker = threading.Thread(target=lambda: result.extend(trainer.run()))
    worker.start()
    threading.Timer(0.3, trainer.request_stop).start()
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert result[-1].stopped and not result[-1].done


def test_divergence_restores_finite_weights(small):
    model = build_model(ModelConfig("linear", 8), seed=0)
    trainer = Trainer(model, small, TrainConfig(epochs=3, lr=1e6, batch_size=50, num_threads=1))
    snaps = run_all(trainer)
    last = snaps[-1]
    assert last.diverged and last.stopped and not last.done
    assert "learning rate 1e+06 is probably too high" in last.message
    assert re_step(last.message) == last.step + 1
    assert not math.isfinite(last.train_loss) or last.train_loss > 1e4
    assert "e.g. 0.001" in last.message
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert trainer.diverged
    trainer.set_learning_rate(1e-3)  # the user lowers the rate and resumes
    assert run_all(trainer)[-1].done and math.isfinite(trainer.history[-1]["train_loss"])


def re_step(message):
    import re
    return int(re.search(r"at step (\d+)", message).group(1))


def test_linear_ae_reaches_pca_optimum():
    """Eckart–Young: no-bias linear AE on centred data → within 3 % of the SVD optimum (k=16)."""
    ds = load_mnist("train", limit=2000, seed=0)
    x = ds.as_float().reshape(len(ds), -1).astype(np.float64)
    xc = x - x.mean(0)
    sv = np.linalg.svd(xc, compute_uv=False)
    k = 16
    optimum = float((sv[k:] ** 2).sum() / xc.size)
    model = build_model(ModelConfig("linear", k, bias=False), seed=0)
    trainer = Trainer(model, ds, TrainConfig(epochs=40, lr=5e-3, batch_size=200, num_threads=1,
                                             snapshot_every_s=1e9))
    first = next(iter(trainer.run()))
    run_all(trainer)
    with torch.no_grad():
        xt = torch.from_numpy(x).float().reshape(-1, 1, 28, 28)
        mse = float(((model(xt) - xt) ** 2).mean())
    assert first.train_loss > 1.5 * optimum  # it really started far away
    assert mse <= 1.03 * optimum, (mse, optimum)
    # and the decoder spans (nearly) the principal subspace
    u = np.linalg.svd(xc, full_matrices=False)[2][:k].T
    q = np.linalg.qr(model.decoder_matrix().astype(np.float64))[0]
    cosines = np.linalg.svd(u.T @ q, compute_uv=False)
    assert cosines.mean() > 0.9


def test_inference_helpers(val):
    model = build_model(ModelConfig("mlp", 3, hidden=(16,)), seed=0)
    rec = reconstruct(model, val.images[:7])
    assert rec.shape == (7, 28, 28) and rec.dtype == np.float32 and 0 <= rec.min() <= rec.max() <= 1
    assert reconstruct(model, torch.rand(2, 1, 28, 28)).shape == (2, 28, 28)
    z = encode_images(model, val)
    assert z.shape == (len(val), 3)
    assert decode_codes(model, z[:4]).shape == (4, 28, 28)
    assert model.training  # mode restored


def test_config_validation():
    with pytest.raises(ValueError, match="optimizer"):
        TrainConfig(optimizer="lbfgs")
    with pytest.raises(ValueError, match="learning rate"):
        TrainConfig(lr=-1)
    with pytest.raises(ValueError, match="batch size"):
        TrainConfig(batch_size=0)
    cfg = TrainConfig(noise=NoiseConfig("salt_pepper", 0.1))
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    assert resolve_device("auto").type in ("cpu", "cuda", "mps") and resolve_device("cpu").type == "cpu"
    with pytest.raises(ValueError):
        resolve_device("tpu")


# ------------------------------------------------------------------ noise

def test_noise_ranges_and_levels():
    x = torch.rand(200, 1, 28, 28)
    g = torch.Generator().manual_seed(0)
    for kind in ("gaussian", "masking", "salt_pepper"):
        y = add_noise(x, NoiseConfig(kind, 0.4), g)
        assert y.shape == x.shape and y.min() >= 0 and y.max() <= 1 and not torch.equal(x, y)
        assert torch.equal(add_noise(x, NoiseConfig(kind, 0.0), g), x)
    ones = torch.ones(100, 1, 28, 28)
    masked = add_noise(ones, NoiseConfig("masking", 0.3), g)
    assert abs(float((masked == 0).float().mean()) - 0.3) < 0.01
    half = torch.full((100, 1, 28, 28), 0.5)
    sp = add_noise(half, NoiseConfig("salt_pepper", 0.2), g)
    assert abs(float((sp == 0).float().mean()) - 0.1) < 0.01 and abs(float((sp == 1).float().mean()) - 0.1) < 0.01
    gs = add_noise(half, NoiseConfig("gaussian", 0.1), g)
    assert abs(float((gs - half).std()) - 0.1) < 0.005
    a = add_noise(x, NoiseConfig("gaussian", 0.3), torch.Generator().manual_seed(5))
    b = add_noise(x, NoiseConfig("gaussian", 0.3), torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    arr = add_noise(np.zeros((3, 28, 28), np.float32), NoiseConfig("gaussian", 0.5))
    assert isinstance(arr, np.ndarray) and arr.shape == (3, 28, 28)


def test_noise_spec_parsing():
    assert parse_noise_spec("gaussian:0.3") == NoiseConfig("gaussian", 0.3)
    assert parse_noise_spec("salt-pepper:0.05") == NoiseConfig("salt_pepper", 0.05)
    assert parse_noise_spec("none") is None
    for bad, msg in [("gaussian", "TYPE:LEVEL"), ("blur:0.2", "unknown noise type"),
                     ("masking:abc", "not a number"), ("masking:1.5", "between 0 and 1")]:
        with pytest.raises(ValueError, match=msg):
            parse_noise_spec(bad)
    with pytest.raises(ValueError):
        NoiseConfig("gaussian", float("nan"))


def test_previews_are_the_models_reconstructions_and_can_be_switched_off(small, val):
    model = build_model(ModelConfig("conv", 4, hidden=(8, 8)), seed=0)
    cfg = TrainConfig(epochs=1, batch_size=100, num_threads=1, snapshot_every_steps=2, snapshot_every_s=1e9)
    trainer = Trainer(model, small, cfg, preview_images=val.images[:5])
    snaps = run_all(trainer)
    expected = reconstruct(model, val.images[:5])  # the oracle switches to eval mode and back
    np.testing.assert_allclose(snaps[-1].preview, expected, atol=1e-6)
    assert model.training

    quiet = Trainer(build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0), small, cfg,
                    preview_images=val.images[:5])
    quiet.previews_wanted = False  # nobody looks at the page: no forward pass for pictures
    assert all(s.preview is None for s in run_all(quiet))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_weights_with_a_nan_or_inf_are_not_kept_as_good(small, bad):
    model = build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0)
    trainer = Trainer(model, small, TrainConfig(epochs=1, num_threads=1))
    assert trainer._params_finite()
    with torch.no_grad():
        model.decoder[0].weight[3, 1] = bad
    assert not trainer._params_finite()
    step, state = trainer._good_state
    trainer._save_good_state()
    assert trainer._good_state == (step, state)  # the previous good weights stay
