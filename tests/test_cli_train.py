import argparse

import numpy as np
import pytest
import torch

from aeviz.cli_train import add_train_parser, run_train
from aeviz.core.bundle import load

torch.set_num_threads(1)


def parse(argv):
    parser = argparse.ArgumentParser(prog="aeviz")
    sub = parser.add_subparsers(dest="command")
    add_train_parser(sub)
    return parser.parse_args(["train", *argv])


def test_train_writes_loadable_bundle(tmp_path, capsys):
    out = tmp_path / "tiny"
    args = parse(["--dataset", "mnist", "--model", "mlp", "--latent", "2", "--epochs", "1", "--limit", "300",
                  "--hidden", "32", "--noise", "gaussian:0.2", "--threads", "1", "--out", str(out)])
    assert args.handler is run_train
    assert run_train(args) == 0
    captured = capsys.readouterr()
    assert "epoch 1/1" in captured.out and "val loss" in captured.out and "Traceback" not in captured.err
    bundle = load(tmp_path / "tiny.aeviz")
    assert bundle.config.kind == "mlp" and bundle.config.hidden == (32,)
    assert bundle.train_config.noise.kind == "gaussian" and len(bundle.history) == 1
    x = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        z = bundle.model.encode(x)
        assert z.shape == (3, 2) and bundle.model.decode(z).shape == (3, 1, 28, 28)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.aeviz"]


def test_image_folder_dataset(tmp_path, capsys):
    from PIL import Image

    rng = np.random.default_rng(0)
    for cls in ("a", "b"):
        (tmp_path / "data" / cls).mkdir(parents=True)
        for i in range(12):
            Image.fromarray(rng.integers(0, 255, (28, 28), dtype=np.uint8)).save(tmp_path / "data" / cls / f"{i}.png")
    args = parse(["--dataset", str(tmp_path / "data"), "--model", "conv", "--latent", "4", "--hidden", "4,8",
                  "--epochs", "1", "--threads", "1", "--out", str(tmp_path / "c.aeviz")])
    assert run_train(args) == 0
    assert load(tmp_path / "c.aeviz").meta["dataset"] == "data"


@pytest.mark.parametrize("argv,message", [
    (["--latent", "500"], "latent size must be an integer between 1 and 128"),
    (["--noise", "blur:0.3"], "unknown noise type"),
    (["--noise", "gaussian"], "TYPE:LEVEL"),
    (["--dataset", "/nonexistent/place"], "not found"),
    (["--hidden", "a,b"], "--hidden"),
    (["--val-fraction", "2"], "--val-fraction"),
    (["--device", "cuda:7"], "cuda"),
])
def test_bad_arguments_one_line_exit_2(tmp_path, capsys, argv, message):
    args = parse(["--epochs", "1", "--limit", "50", "--threads", "1", "--out", str(tmp_path / "m.aeviz"), *argv])
    assert run_train(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("aeviz train: error:") and message in err and "\n" not in err
    assert not (tmp_path / "m.aeviz").exists()


def test_bad_dataset_file(tmp_path, capsys):
    bad = tmp_path / "train-images-idx3-ubyte"
    bad.write_bytes(b"\0\0\x08\x03" + b"\0" * 10)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"\0\0\x08\x01\0\0\0\1\7")
    args = parse(["--dataset", str(tmp_path), "--out", str(tmp_path / "m.aeviz")])
    assert run_train(args) == 2
    err = capsys.readouterr().err
    assert "train-images-idx3-ubyte" in err and "truncated" in err


def test_argparse_rejects_non_numbers():
    with pytest.raises(SystemExit) as exc:
        parse(["--epochs", "zero", "--out", "x"])
    assert exc.value.code == 2


def test_divergence_exit_1(tmp_path, capsys):
    args = parse(["--model", "linear", "--latent", "4", "--lr", "1e6", "--epochs", "2", "--limit", "200",
                  "--threads", "1", "--out", str(tmp_path / "m.aeviz")])
    assert run_train(args) == 1
    assert "learning rate" in capsys.readouterr().err and not (tmp_path / "m.aeviz").exists()
