"""``aeviz train`` facing the hostile inputs of issue 13: one line on stderr, a non-zero exit, no traceback.

The real command runs in a subprocess (what a user sees); the output path is checked
before any data is read, so no run is lost at the end.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import hostile_cases as H

ROOT = Path(__file__).resolve().parents[1]


def aeviz_train(*argv, cwd=None, timeout=120):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aeviz", "train", "--threads", "1", "--quiet", *argv],
                          capture_output=True, cwd=cwd, env=env, timeout=timeout)
    return proc, time.perf_counter() - started


def assert_one_line_error(proc, *words):
    err = proc.stderr.decode("utf-8", "replace").strip()
    assert proc.returncode != 0 and "Traceback" not in err and "\n" not in err, err
    assert err.startswith("aeviz train"), err
    for word in words:
        assert word in err, err
    assert b"epoch" not in proc.stdout  # refused before training


@pytest.fixture(scope="module")
def bad_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-hostile")
    bomb = H.zeros_gzip(3 * H.GIB, H.idx_header(H.MNIST_IMAGES) + bytes(int(np.prod(H.MNIST_IMAGES))))
    H.write_idx_pair(folder / "gzbomb", bomb, 60000)
    H.write_idx_pair(folder / "wide", gzip.compress(H.idx_header((2000, 2000, 2000)) + bytes(4096)), 2000)
    return folder


@pytest.mark.parametrize("argv, words", [
    (["--device", "meta"], ["--device", "meta"]),
    (["--seed", "1e30"], ["--seed", "1e30"]),
    (["--seed", str(2 ** 70)], ["--seed"]),
    (["--out", "{tmp}"], ["is a folder"]),
    (["--out", "{tmp}/missing/folder/m.aeviz"], ["does not exist"]),
    (["--dataset", "{data}/gzbomb"], ["unexpected bytes"]),
    (["--dataset", "{data}/wide"], ["2000×2000", "limit"]),
])
def test_hostile_arguments_and_data_give_one_line(tmp_path, bad_data, argv, words):
    argv = [a.format(tmp=tmp_path, data=bad_data) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "m.aeviz")]
    proc, elapsed = aeviz_train("--epochs", "1", "--limit", "50", *argv)
    assert_one_line_error(proc, *words)
    assert elapsed < 30 and not (tmp_path / "m.aeviz").exists()


def test_out_pointing_at_a_folder_without_suffix_is_refused_not_renamed(tmp_path):
    (tmp_path / "models").mkdir()
    proc, _ = aeviz_train("--epochs", "1", "--limit", "50", "--out", str(tmp_path / "models"))
    assert_one_line_error(proc, "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]


@pytest.mark.skipif(os.name == "nt", reason="file names are UTF-16 on Windows")
def test_a_non_utf8_folder_name_trains_and_saves(tmp_path):
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/chiffres-\xe9t\xe9"))
    H.digit_folder(folder, per_class=12)
    proc, _ = aeviz_train("--dataset", str(folder), "--epochs", "1", "--hidden", "8", "--out",
                          str(tmp_path / "m.aeviz"))
    assert proc.returncode == 0, proc.stderr
    from aeviz.core.bundle import load

    assert load(tmp_path / "m.aeviz").dataset_name == "chiffres-\ufffdt\ufffd"


def test_an_unreadable_subfolder_is_skipped_and_reported(tmp_path, monkeypatch, capsys):
    import argparse

    from aeviz.cli_train import add_train_parser, run_train
    from aeviz.core import datasets

    root = H.digit_folder(tmp_path / "digits", classes=("a", "b", "c"), per_class=8)
    real = datasets.os.scandir

    def scandir(path="."):
        if os.fspath(path) == os.fspath(root / "b"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(datasets.os, "scandir", scandir)
    parser = argparse.ArgumentParser(prog="aeviz")
    add_train_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["train", "--dataset", str(root), "--epochs", "1", "--hidden", "8", "--threads", "1",
                              "--quiet", "--out", str(tmp_path / "m.aeviz")])
    assert run_train(args) == 0
    captured = capsys.readouterr()
    assert "skipped 1 unreadable" in captured.err and "Traceback" not in captured.err
