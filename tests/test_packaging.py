"""Platform files of the installer and pyproject's package layout agree with the code (cheap
checks, no build). The wheel itself is built and installed into a fresh virtual environment by
packaging/check_wheel.py, which .ci/run runs."""

from __future__ import annotations

import configparser
import fnmatch
import re
import tomllib
from pathlib import Path

from aeviz import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def test_windows_version_resource_matches_the_package_version():
    text = (PACKAGING / "windows" / "version_info.txt").read_text(encoding="utf-8")
    numbers = tuple(int(n) for n in __version__.split("."))
    numbers = (numbers + (0, 0, 0, 0))[:4]
    assert f"filevers={numbers}" in text and f"prodvers={numbers}" in text
    assert re.findall(r"StringStruct\('(?:File|Product)Version', '([^']+)'\)", text) == [__version__] * 2


def test_desktop_entry_is_complete():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "aeviz.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "aeviz" and section["Icon"] == "aeviz"
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")


def test_icons_exist_at_every_size():
    from PIL import Image

    icons = ROOT / "resources" / "icons"
    assert (icons / "aeviz.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in (16, 32, 48, 64, 128, 256, 512):
        with Image.open(icons / f"aeviz-{size}.png") as image:
            assert image.size == (size, size) and image.mode == "RGBA"
    with Image.open(PACKAGING / "icons" / "aeviz.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(PACKAGING / "icons" / "aeviz.icns") as icns:
        assert icns.format == "ICNS"


def test_window_icon_is_set(qapp):
    from aeviz.ui.app import create_application

    app = create_application()
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes()


def _setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_is_listed_in_pyproject():
    """The resources mapping rules out packages.find, so a new subpackage must be added by hand."""
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "aeviz").rglob("__init__.py")}
    listed = set(_setuptools_config()["packages"])
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == {"aeviz.resources"}


def test_package_data_covers_every_resource_but_the_readme_screenshot():
    config = _setuptools_config()
    resources = ROOT / config["package-dir"]["aeviz.resources"]
    patterns = config["package-data"]["aeviz.resources"]
    files = {p.relative_to(resources).as_posix() for p in resources.rglob("*") if p.is_file()}
    uncovered = {name for name in files if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)}
    assert uncovered == {"screenshot.png"}
    assert any(name.startswith("datasets/mnist/") for name in files)
