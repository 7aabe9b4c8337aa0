"""What changed between two bundle builds, file by file and module by module, in MB.

    python packaging/compare_bundles.py BEFORE AFTER

BEFORE and AFTER are checkouts in which `python packaging/build.py` ran (each has dist/aeviz/ and
build/aeviz/PYZ-00.pyz). Prints the folder sizes, the files that went or shrank (grouped by
folder), and the Python modules that left the executable's archive (grouped by package, compressed
sizes as stored). Used for the size table of packaging/README.md.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def files(root: Path) -> dict[str, int]:
    bundle = root / "dist" / "aeviz"
    return {p.relative_to(bundle).as_posix(): p.stat().st_size
            for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()}


def pyz_modules(root: Path) -> dict[str, int]:
    from PyInstaller.archive.readers import ZlibArchiveReader

    return {name: entry[2] for name, entry in ZlibArchiveReader(str(root / "build" / "aeviz" / "PYZ-00.pyz")).toc.items()}


def group(name: str, depth: int) -> str:
    return "/".join(name.split("/")[:depth]) if "/" in name else name


def main() -> int:
    before_root, after_root = Path(sys.argv[1]), Path(sys.argv[2])
    before, after = files(before_root), files(after_root)
    print(f"folder: {sum(before.values()) / 1e6:.1f} MB -> {sum(after.values()) / 1e6:.1f} MB")

    gone, shrunk = Counter(), []
    for name, size in before.items():
        if name not in after:
            gone[group(name, 3 if name.startswith("_internal/PySide6") else 2)] += size
        elif after[name] < size:
            shrunk.append((size - after[name], name, size, after[name]))
    print("\nfiles that went (by folder):")
    for name, size in gone.most_common():
        print(f"  {size / 1e6:7.2f} MB  {name}")
    print("\nfiles that shrank:")
    for saved, name, old, new in sorted(shrunk, reverse=True):
        print(f"  {saved / 1e6:7.2f} MB  {name}  ({old / 1e6:.2f} -> {new / 1e6:.2f})")
    grown = {name: after[name] - before.get(name, 0) for name in after if after[name] > before.get(name, 0)}
    print(f"\nfiles that are new or grew: {sum(grown.values()) / 1e6:.2f} MB")
    for name, size in sorted(grown.items(), key=lambda item: -item[1])[:8]:
        print(f"  {size / 1e6:7.2f} MB  {name}")

    old_pyz, new_pyz = pyz_modules(before_root), pyz_modules(after_root)
    left = Counter()
    for name, size in old_pyz.items():
        if name not in new_pyz:
            parts = name.split(".")
            left[".".join(parts[:2] if parts[0] in ("torch", "numpy") else parts[:1])] += size
    print(f"\nexecutable's module archive: {sum(old_pyz.values()) / 1e6:.1f} MB -> {sum(new_pyz.values()) / 1e6:.1f} MB;"
          " modules that left it (by package):")
    for name, size in left.most_common(30):
        print(f"  {size / 1e6:7.2f} MB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
