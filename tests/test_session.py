"""aeviz.core.session: data for a live run, preview images, model copies, change detection."""

import numpy as np
import pytest
import torch

from aeviz.core.datasets import DatasetError
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.noise import NoiseConfig
from aeviz.core.session import (DataSpec, load_training_data, model_changes, noisy_preview, pick_preview,
                                run_changes, with_model_copies)
from aeviz.core.training import TrainConfig, Trainer


def test_mnist_subset_validates_on_test_images_and_previews_each_class():
    data = load_training_data(DataSpec(limit=1000))
    assert len(data.train) == 1000 and len(data.val) == 500 and data.total == 60000
    assert data.preview.shape == (6, 28, 28) and data.preview.dtype == np.float32
    first = [int(np.flatnonzero(data.val.labels == c)[0]) for c in range(6)]
    assert np.allclose(data.preview, data.val.as_float()[first])


def test_pick_preview_cycles_through_classes():
    data = load_training_data(DataSpec(limit=1000))
    images = pick_preview(data.val, 12)
    assert images.shape[0] == 12


def test_bad_folder_gives_a_message(tmp_path):
    with pytest.raises(DatasetError, match="no readable image"):
        load_training_data(DataSpec("folder", str(tmp_path), limit=1000))
    with pytest.raises(ValueError):
        DataSpec("idx", "images.gz")  # labels missing


def test_noisy_preview_is_fixed_and_in_range():
    clean = np.full((4, 28, 28), 0.5, np.float32)
    a = noisy_preview(clean, NoiseConfig("salt_pepper", 0.3))
    assert np.array_equal(a, noisy_preview(clean, NoiseConfig("salt_pepper", 0.3)))
    assert a.min() == 0.0 and a.max() == 1.0 and noisy_preview(clean, None) is clean


def test_model_copies_are_frozen_snapshots_of_the_weights():
    torch.set_num_threads(1)
    data = load_training_data(DataSpec(limit=1000))
    model = build_model(ModelConfig("mlp", 4, hidden=(32,)), seed=0)
    trainer = Trainer(model, data.train, TrainConfig(epochs=2, num_threads=1), val_data=data.val)
    copies = []
    for snap, clone in with_model_copies(trainer.run(), model, every_s=1e9):
        if clone is not None:
            copies.append((snap, clone, [p.detach().clone() for p in model.parameters()]))
    assert [s.epoch for s, _c, _p in copies if s.epoch_end] == [1, 2]  # a copy at each epoch end
    assert copies[-1][0].done
    for _snap, clone, params in copies:
        assert not clone.training and all(not p.requires_grad for p in clone.parameters())
        assert all(torch.equal(a, b) for a, b in zip(clone.parameters(), params))
    assert not torch.equal(next(copies[0][1].parameters()), next(model.parameters()))


def test_change_detection():
    a = ModelConfig("mlp", 2)
    assert model_changes(a, ModelConfig("mlp", 2, hidden=(256, 64))) == []
    assert model_changes(a, ModelConfig("conv", 16)) == ["kind", "latent", "hidden"]
    assert model_changes(ModelConfig("linear", 4), ModelConfig("linear", 4, bias=False)) == ["bias"]
    t = TrainConfig()
    assert run_changes(t, TrainConfig(lr=0.1, epochs=3, num_threads=1)) == []
    assert run_changes(t, TrainConfig(batch_size=64, noise=NoiseConfig())) == ["batch_size", "noise"]


def test_mnist_validation_is_a_tenth_of_the_subset_at_most_2000_images():
    """Each epoch ends with a pass over them: 6,000 for the full set cost 3 % of an epoch."""
    assert len(load_training_data(DataSpec(limit=15000)).val) == 1500
    assert len(load_training_data(DataSpec(limit=30000)).val) == 2000
