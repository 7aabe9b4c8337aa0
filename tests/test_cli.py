"""The command line as the docs and the checks use it."""

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from aeviz.__main__ import build_parser
from aeviz.ui.pages import page_ids

ROOT = Path(__file__).resolve().parents[1]


def _aeviz(*args, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AEVIZ_CONFIG_DIR=str(tmp_path / "c"),
               AEVIZ_DATA_DIR=str(tmp_path / "d"))
    return subprocess.run([sys.executable, "-m", "aeviz", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_screenshot_renders_every_page(tmp_path):
    out = tmp_path / "shots"
    result = _aeviz("--screenshot", str(out), "--lang", "fr", "--theme", "dark", "--zoom", "2", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for page_id in page_ids():
        with Image.open(out / f"{page_id}.png") as image:
            assert image.size[0] >= 1400
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 10  # not a blank picture
    assert not (tmp_path / "c" / "settings.json").exists()  # screenshots never touch the user's settings


def test_bad_option_gives_a_clear_error(tmp_path):
    result = _aeviz("--zoom", "banana", tmp_path=tmp_path)
    assert result.returncode == 2 and "zoom must be a number" in result.stderr
    assert "Traceback" not in result.stderr


def test_version(tmp_path):
    result = _aeviz("--version", tmp_path=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("aeviz ")


def test_parser_accepts_the_documented_options():
    args = build_parser().parse_args(["--screenshot", "d", "--lang", "en", "--theme", "high-contrast", "--zoom", "1.5"])
    assert (args.screenshot, args.lang, args.theme, args.zoom) == ("d", "en", "high-contrast", 1.5)
