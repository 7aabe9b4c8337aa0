"""The Linux bundle's smaller ICU data library (packaging/icu_data.py) still serves French and
English: Qt gives the same answers with it as with the full one from the PySide6 wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
import icu_data  # noqa: E402


def _qt_icu_data() -> Path | None:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or _qt_icu_data() is None
    or not all(shutil.which(tool) for tool in ("nm", "as", "ld")),
    reason="Linux PySide6 wheel with ICU, and binutils, needed")

# Collation, case mapping and time-zone names in French and English: what Qt asks ICU for.
PROBE = """
from PySide6.QtCore import QByteArray, QCollator, QLocale, QTimeZone
words = ["zèbre", "été", "eau", "Étage", "fenêtre", "école", "cote", "côte", "coté", "côté"]
for name in ("fr_FR", "fr_CA", "en_GB", "en_US"):
    print(name, sorted(words, key=QCollator(QLocale(name)).sortKey))
print(QLocale("fr_FR").toUpper("ﬁn été"), QLocale("en_US").toLower("ÉTÉ"))
zone = QTimeZone(QByteArray(b"Europe/Paris"))
for name in ("fr_FR", "en_GB"):
    print(zone.displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale(name)))
print(open("/proc/self/maps").read().count("{library}"))
"""


def _probe(library: Path) -> list[str]:
    env = dict(os.environ, LD_PRELOAD=str(library), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", PROBE.replace("{library}", str(library))], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    return proc.stdout.splitlines()


def test_trimmed_library_keeps_french_and_english_and_drops_the_rest(tmp_path):
    source = _qt_icu_data()
    trimmed = icu_data.build(source, tmp_path)

    symbol, offset, size = icu_data.data_symbol(trimmed)
    assert symbol == icu_data.data_symbol(source)[0] and trimmed.name == source.name
    _header, items = icu_data.read_package(trimmed.read_bytes()[offset:offset + size])
    names = [name for name, _data in items]
    assert names == sorted(names)  # ICU binary-searches the table of contents
    short = {name.split("/", 1)[1] for name in names}
    assert {"root.res", "fr.res", "fr_CA.res", "en.res", "coll/fr.res", "coll/root.res", "zone/fr.res",
            "pool.res", "res_index.res", "zoneinfo64.res", "unames.icu", "cnvalias.icu"} <= short
    assert not {"de.res", "ja.res", "coll/zh.res", "brkitr/cjdict.dict", "translit/root.res"} & short
    _src_symbol, src_offset, src_size = icu_data.data_symbol(source)
    original = dict(icu_data.read_package(source.read_bytes()[src_offset:src_offset + src_size])[1])
    assert all(data.rstrip(b"\0") == original[name].rstrip(b"\0") for name, data in items)
    assert trimmed.stat().st_size < source.stat().st_size / 4


def test_qt_answers_the_same_in_french_and_english(tmp_path):
    """The oracle is the full library of the PySide6 wheel, loaded the same way."""
    source = _qt_icu_data()
    trimmed = icu_data.build(source, tmp_path)
    with_trimmed, with_full = _probe(trimmed), _probe(source)
    assert with_trimmed[-1] != "0" and with_full[-1] != "0"  # each run really loaded its library
    assert with_trimmed[:-1] == with_full[:-1]
    assert "heure normale d’Europe centrale" in with_trimmed  # French data, not a fallback to root
