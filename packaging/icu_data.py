"""A smaller ICU data library for the Linux bundle: French and English only.

PySide6's Linux wheels build QtCore against ICU 7x, whose ``libicudata.so.7x`` is one 32 MB
symbol (``icudt7x_dat``) holding every locale's data. Qt uses ICU for collation (QCollator,
e.g. sorting file names in a file dialog), locale-aware case mapping and time-zone names; aeviz
speaks French and English only. This rebuilds the library from the same data, keeping
everything that is not tied to a language (normalisation, properties, time zones, break rules,
converter aliases) and the locales root, fr* and en*; it leaves out the other languages'
locales, the dictionaries for Thai/Khmer/Lao/Burmese/CJK word breaking, transliteration and the
legacy converters (Qt's own codecs cover UTF-8/16/32 and Latin-1). The ``icudt7x_dat`` symbol
keeps its name and the package its format (ICU's "CmnD" common data: a table of contents sorted
by name, then the items, 16-byte aligned), so libicuuc links to it unchanged.

Used by packaging/aeviz.spec; needs binutils (``nm``, ``as``, ``ld``), like the spec's strip.

    python packaging/icu_data.py LIBICUDATA OUT_DIR     # writes OUT_DIR/<same name>, prints sizes
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

KEEP_LANGUAGES = {"root", "fr", "en"}
DROP_TREES = {"translit"}          # transliterators: ICU API Qt does not call
DROP_EXTENSIONS = {".dict", ".cnv"}  # word-break dictionaries, legacy codepage converters
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
ALIGN = 16


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the ``icudtNN_dat`` symbol."""
    out = subprocess.run(["nm", "-D", "--defined-only", "-S", str(library)], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            return fields[3], int(fields[0], 16), int(fields[1], 16)
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(item name, item bytes incl. padding)]) of an ICU common-data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common-data package")
    (count,) = struct.unpack_from("<I", blob, header_size)
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    ends = [data for _name, data in entries[1:]] + [len(blob) - header_size]
    items = []
    for (name_offset, data_offset), end in zip(entries, ends):
        start = header_size + name_offset
        name = blob[start:blob.index(b"\0", start)].decode("ascii")
        items.append((name, blob[header_size + data_offset:header_size + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package holding ``items`` (kept in their sorted order: ICU binary-searches the names)."""
    toc_size = 4 + 8 * len(items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _data in items)
    offset = -(-(toc_size + len(names) + len(header)) // ALIGN) * ALIGN - len(header)
    name_offset, toc = toc_size, [struct.pack("<I", len(items))]
    body = []
    for name, data in items:
        toc.append(struct.pack("<II", name_offset, offset))
        name_offset += len(name) + 1
        padded = data + b"\0" * (-len(data) % ALIGN)
        body.append(padded)
        offset += len(padded)
    head = header + b"".join(toc) + names
    head += b"\0" * (-len(head) % ALIGN)
    return head + b"".join(body)


def keep(name: str) -> bool:
    """Whether the item ``icudtNNl/[tree/]file`` stays: everything but other languages' locales,
    transliteration, dictionaries and converters."""
    path = name.split("/", 1)[1]
    tree = path.split("/")[0] if "/" in path else ""
    stem, _dot, extension = path.rsplit("/", 1)[-1].rpartition(".")
    if tree in DROP_TREES or f".{extension}" in DROP_EXTENSIONS:
        return False
    language = stem.split("_")[0]
    if extension != "res" or stem == "res_index" or not (_LANGUAGE.match(language) or stem == "root"):
        return True  # not a locale: shared data, pools, indexes, supplemental tables
    return language in KEEP_LANGUAGES


def build(library: Path, out_dir: Path) -> Path:
    """``out_dir/<library name>``: the same library with the trimmed data. Returns its path."""
    symbol, offset, size = data_symbol(library)
    blob = library.read_bytes()[offset:offset + size]
    header, items = read_package(blob)
    package = write_package(header, [(name, data) for name, data in items if keep(name)])
    out_dir.mkdir(parents=True, exist_ok=True)
    data_file, assembly, obj = out_dir / f"{symbol}.bin", out_dir / f"{symbol}.s", out_dir / f"{symbol}.o"
    data_file.write_bytes(package)
    assembly.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign {ALIGN}\n'
        f'{symbol}:\n\t.incbin "{data_file}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
    target = out_dir / library.name
    subprocess.run(["as", "-o", str(obj), str(assembly)], check=True)
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", str(target), str(obj)], check=True)
    for scratch in (data_file, assembly, obj):
        scratch.unlink()
    return target


def main() -> int:
    source, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    target = build(source, out_dir)
    print(f"{source.name}: {source.stat().st_size / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
