"""The frozen app's self-test, offscreen (skipped until `python packaging/build.py` made dist/aeviz/).

Run by packaging/ci-bundle.sh after a build; see packaging/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "dist" / "aeviz" / ("aeviz.exe" if sys.platform == "win32" else "aeviz")

pytestmark = pytest.mark.skipif(not FROZEN.exists(), reason="no bundle: run python packaging/build.py")


def test_frozen_self_test_passes_offscreen(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AEVIZ_CONFIG_DIR=str(tmp_path / "config"),
               AEVIZ_DATA_DIR=str(tmp_path / "data"))
    env.pop("AEVIZ_RESOURCES_DIR", None)  # the bundle must find its own resources
    proc = subprocess.run([str(FROZEN), "--self-test"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(line.startswith("OK aeviz self-test (frozen)") for line in proc.stdout.splitlines()), proc.stdout


def test_frozen_bundle_holds_the_resources_but_not_the_readme_screenshot():
    resources = FROZEN.parent / "_internal" / "aeviz" / "resources"  # where a wheel puts them too
    source = ROOT / "resources"
    expected = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()} - {"screenshot.png"}
    bundled = {p.relative_to(resources).as_posix() for p in resources.rglob("*") if p.is_file()}
    assert expected <= bundled, f"missing from the bundle: {sorted(expected - bundled)}"
    assert "screenshot.png" not in bundled


def test_frozen_app_trains_on_an_image_folder_in_every_accepted_format(tmp_path):
    """Pillow's core is stripped in the bundle: it must still read every format the loader accepts."""
    import numpy as np
    from PIL import Image

    from aeviz.core.datasets import _IMAGE_SUFFIXES

    rng = np.random.default_rng(0)
    for label in ("cercles", "croix"):
        folder = tmp_path / "images" / label
        folder.mkdir(parents=True)
        for number, suffix in enumerate(sorted(_IMAGE_SUFFIXES)):
            Image.fromarray((rng.random((32, 32)) * 255).astype(np.uint8)).save(folder / f"{number}{suffix}")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AEVIZ_CONFIG_DIR=str(tmp_path / "config"),
               AEVIZ_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([str(FROZEN), "train", "--dataset", str(tmp_path / "images"), "--epochs", "1",
                           "--val-fraction", "0", "--out", str(tmp_path / "m.aeviz"), "--quiet"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{2 * len(_IMAGE_SUFFIXES)} training / 0 validation images" in proc.stdout, proc.stdout
    assert (tmp_path / "m.aeviz").stat().st_size > 0
