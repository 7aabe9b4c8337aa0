"""Platform files of the installer agree with the code (cheap checks, no build)."""

from __future__ import annotations

import configparser
import re
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
