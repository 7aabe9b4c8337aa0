"""`aeviz --self-test` from source: the same check students' bundles run (tests/test_bundle.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from aeviz import selftest

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AEVIZ_CONFIG_DIR=str(tmp_path / "config"),
               AEVIZ_DATA_DIR=str(tmp_path / "data"), OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_self_test_from_source_passes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "aeviz", "--self-test"], cwd=ROOT, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ok = [line for line in proc.stdout.splitlines() if line.startswith("OK")]
    assert len(ok) == 1, proc.stdout
    for stage in ("data", "conv", "torch", "train", "models", "plot", "pages"):
        assert f" {stage} " in ok[0], ok[0]


def test_self_test_failure_names_the_stage_and_exits_non_zero(tmp_path):
    env = _env(tmp_path)
    env["AEVIZ_RESOURCES_DIR"] = str(tmp_path / "no-resources")  # the data set cannot be found
    proc = subprocess.run([sys.executable, "-m", "aeviz", "--self-test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.startswith("FAILED data: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not proc.stdout.startswith("OK")


def test_strict_idx_fallback_reads_the_bundled_test_set():
    from aeviz.core.paths import resource_path

    folder = resource_path("datasets", "mnist")
    images = selftest._read_idx_gz(folder / "t10k-images-idx3-ubyte.gz", 0x0803, 3)
    labels = selftest._read_idx_gz(folder / "t10k-labels-idx1-ubyte.gz", 0x0801, 1)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))


def test_strict_idx_fallback_rejects_a_truncated_file(tmp_path):
    import gzip

    from aeviz.core.paths import resource_path

    data = gzip.decompress(resource_path("datasets", "mnist", "t10k-labels-idx1-ubyte.gz").read_bytes())
    broken = tmp_path / "labels.gz"
    broken.write_bytes(gzip.compress(data[:-1]))
    with pytest.raises(selftest.SelfTestError, match="bytes of data"):
        selftest._read_idx_gz(broken, 0x0801, 1)
    with pytest.raises(selftest.SelfTestError, match="not an IDX file"):
        selftest._read_idx_gz(broken, 0x0803, 3)


def test_conv_check_knows_the_slide_answer():
    selftest.check_conv()  # raises on a wrong answer
    assert selftest.SLIDE_OUTPUT == [[122, 148], [126, 134]]
