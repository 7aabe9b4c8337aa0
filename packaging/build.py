"""Build the aeviz bundle and the archive handed to students, then report on them.

    python packaging/build.py [--format auto|gz|xz|zip] [--no-archive] [--no-bench] [--no-self-test]

Steps: PyInstaller (packaging/aeviz.spec, --noconfirm --clean, work files in build/, output in
dist/aeviz/), a check that every bundled library finds its dependencies (Linux), the frozen
self-test, the archive dist/aeviz-<version>-<os>-<arch>.<ext>, then the figures: build time,
folder size, archive size, the ten largest items, and the start-up time of the frozen app next
to the source one (bench/frozen_startup.py). Exits non-zero when a step fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUILD = ROOT / "build"
APP_DIR = DIST / "aeviz"
# Libraries the target machine provides (README: what the target needs); PyInstaller never bundles them.
SYSTEM_LIBS = re.compile(r"^(libGL|libEGL|libOpenGL|libGLX|libGLdispatch|libxkbcommon|libxcb|libX|"
                         r"libfontconfig|libfreetype|libdbus|libglib|libgobject|libgthread|libgio|libgtk|"
                         r"libgdk|libatk|libcairo|libpango|libwayland|libvulkan|libdrm|libgbm|libSM|libICE|"
                         r"libmtdev|libinput|libudev|libts|libpng|libjpeg|libz\.)")


def version() -> str:
    text = (ROOT / "aeviz" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def executable() -> Path:
    if sys.platform == "win32":
        return APP_DIR / "aeviz.exe"
    if sys.platform == "darwin":
        return DIST / "aeviz.app" / "Contents" / "MacOS" / "aeviz"
    return APP_DIR / "aeviz"


def human(size: int) -> str:
    return f"{size / 1e6:.0f} MB ({size / 2**20:.0f} MiB)"


def tree_size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest_files(root: Path, count: int = 10) -> list[tuple[int, str]]:
    files = [(p.stat().st_size, p.relative_to(root).as_posix()) for p in root.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:count]


def largest_folders(root: Path, count: int = 10) -> list[tuple[int, str]]:
    """The largest entries of _internal/ (folders and files), one level down."""
    internal = root / "_internal" if (root / "_internal").is_dir() else root
    entries = [(tree_size(p), p.relative_to(root).as_posix() + ("/" if p.is_dir() else ""))
               for p in internal.iterdir() if not p.is_symlink()]
    return sorted(entries, reverse=True)[:count]


def run_pyinstaller() -> float:
    start = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
               "--workpath", str(BUILD), "--distpath", str(DIST), str(ROOT / "packaging" / "aeviz.spec")]
    print("build: " + " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - start


def check_links() -> list[str]:
    """Linux: every bundled ELF library and the executable resolve their dependencies."""
    if not sys.platform.startswith("linux") or not shutil.which("ldd"):
        return []
    internal = APP_DIR / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}:{internal / 'torch' / 'lib'}")
    problems = []
    candidates = [executable()] + [p for p in internal.rglob("*.so*") if p.is_file()]
    for path in candidates:
        with open(path, "rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            if "not found" in line:
                lib = line.split()[0]
                if not SYSTEM_LIBS.match(lib):
                    problems.append(f"{path.relative_to(APP_DIR)} needs {lib}")
    return problems


def frozen_self_test() -> tuple[bool, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([str(executable()), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    ok = proc.returncode == 0 and any(line.startswith("OK") for line in lines)
    summary = next((line for line in lines if line.startswith(("OK", "FAILED"))), "\n".join(lines[-5:]))
    return ok, summary


def archive_name(fmt: str) -> Path:
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    ext = {"gz": "tar.gz", "xz": "tar.xz", "zip": "zip"}[fmt]
    return DIST / f"aeviz-{version()}-{system}-{machine}.{ext}"


def make_archive(fmt: str) -> tuple[Path, float]:
    """dist/aeviz-<version>-<os>-<arch>.<ext> holding the folder aeviz/ (or aeviz.app/)."""
    target = archive_name(fmt)
    for old in DIST.glob(f"aeviz-{version()}-*"):
        old.unlink()
    folder = "aeviz.app" if sys.platform == "darwin" else "aeviz"
    start = time.perf_counter()
    if fmt == "zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in sorted((DIST / folder).rglob("*")):
                zf.write(path, path.relative_to(DIST).as_posix())
    elif shutil.which("tar") and (fmt == "gz" and shutil.which("gzip") or fmt == "xz" and shutil.which("xz")):
        # the system tools: xz uses every core, gzip -9 is as fast as Python's zlib
        compressor = "xz -6 -T0" if fmt == "xz" else "gzip -9"
        subprocess.run(["tar", "-I", compressor, "-cf", str(target), "-C", str(DIST), folder], check=True)
    else:
        with tarfile.open(target, f"w:{fmt}", **({"compresslevel": 9} if fmt == "gz" else {"preset": 6})) as tf:
            tf.add(DIST / folder, arcname=folder)
    return target, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", choices=("auto", "gz", "xz", "zip"), default="auto",
                        help="archive format; auto: zip on Windows, tar.xz elsewhere (measured smaller than gz)")
    parser.add_argument("--no-archive", action="store_true", help="build the folder only")
    parser.add_argument("--no-bench", action="store_true", help="skip the start-up measurement")
    parser.add_argument("--no-self-test", action="store_true", help="skip the frozen self-test")
    args = parser.parse_args()
    fmt = args.format if args.format != "auto" else ("zip" if sys.platform == "win32" else "xz")

    build_time = run_pyinstaller()
    if not executable().exists():
        print(f"build: FAILED, {executable()} was not produced", file=sys.stderr)
        return 1
    folder_size = tree_size(APP_DIR)
    failures = []

    problems = check_links()
    for problem in problems:
        print(f"build: missing library: {problem}", file=sys.stderr)
    if problems:
        failures.append("missing libraries")

    if not args.no_self_test:
        ok, summary = frozen_self_test()
        print(f"frozen self-test: {summary}", flush=True)
        if not ok:
            failures.append("frozen self-test")

    archive = None
    if not args.no_archive and not failures:
        archive, pack_time = make_archive(fmt)

    print()
    print(f"aeviz {version()} bundle: {APP_DIR.relative_to(ROOT)}/")
    print(f"  build time (PyInstaller): {build_time:.0f} s")
    print(f"  folder size:              {human(folder_size)}   (target <= 550 MB)")
    if archive:
        print(f"  archive:                  {archive.relative_to(ROOT)}  {human(archive.stat().st_size)}"
              f"   (target <= 160 MB; packed in {pack_time:.0f} s)")
    print("  ten largest files:")
    for size, name in largest_files(APP_DIR):
        print(f"    {size / 1e6:8.1f} MB  {name}")
    print("  ten largest entries of _internal/:")
    for size, name in largest_folders(APP_DIR):
        print(f"    {size / 1e6:8.1f} MB  {name}")

    if not args.no_bench and not failures:
        print(flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "frozen_startup.py"), "--runs", "5"], cwd=ROOT)

    if failures:
        print(f"build: FAILED ({', '.join(failures)})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
