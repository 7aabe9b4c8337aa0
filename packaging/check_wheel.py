"""The package as a user gets it: build the wheel and the sdist, check that they carry the
resources, install the wheel into a fresh virtual environment outside the checkout (not
editable) and run ``aeviz --self-test`` there, offscreen.

    python packaging/check_wheel.py [--keep]

Run by .ci/run. torch==2.13.0 goes into the new environment first: on the course machines that
is a local CPU build, while an unpinned torch would pull a multi-GB CUDA one. Prints the time of
each step and the wheel's size; exits non-zero when a step fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_RESOURCES = {"screenshot.png"}  # the README's picture, not the app's


def expected_resources() -> set[str]:
    source = ROOT / "resources"
    return {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()} - SKIPPED_RESOURCES


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("check_wheel: " + " ".join(str(part) for part in command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def missing_from_wheel(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    return {name for name in expected_resources() if f"aeviz/resources/{name}" not in names}


def missing_from_sdist(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as tf:
        names = {name.split("/", 1)[1] for name in tf.getnames() if "/" in name}
    return {name for name in expected_resources() if f"resources/{name}" not in names}


def venv_program(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin") / (name + (".exe" if sys.platform == "win32" else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (wheel, sdist, venv)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aeviz-wheel-check-"))
    times = {}
    begin = time.perf_counter()
    try:
        start = time.perf_counter()
        # The command for the wheel, then the sdist; both isolated builds from the checkout.
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(work / "wheel")])
        run([sys.executable, "-m", "build", "--sdist", "--outdir", str(work / "sdist"), str(ROOT)],
            stdout=subprocess.DEVNULL)
        times["build wheel + sdist"] = time.perf_counter() - start
        (wheel,) = (work / "wheel").glob("aeviz-*.whl")
        (sdist,) = (work / "sdist").glob("aeviz-*.tar.gz")
        problems = [f"{wheel.name} lacks {name}" for name in sorted(missing_from_wheel(wheel))]
        problems += [f"{sdist.name} lacks {name}" for name in sorted(missing_from_sdist(sdist))]
        for problem in problems:
            print(f"check_wheel: {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"check_wheel: {wheel.name} {wheel.stat().st_size / 1e6:.1f} MB and {sdist.name} "
              f"{sdist.stat().st_size / 1e6:.1f} MB carry all {len(expected_resources())} resource files", flush=True)

        start = time.perf_counter()
        venv = work / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        pip = [str(venv_program(venv, "python")), "-m", "pip", "install", "-q"]
        run(pip + ["torch==2.13.0"])
        run(pip + [str(wheel)])
        times["fresh venv: torch==2.13.0 + the wheel"] = time.perf_counter() - start

        # Outside the checkout and without the caller's overrides, so nothing but the installed
        # package can be found; user folders in the temporary folder.
        env = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONPATH", "AEVIZ_RESOURCES_DIR", "VIRTUAL_ENV")}
        env.update(QT_QPA_PLATFORM="offscreen", AEVIZ_CONFIG_DIR=str(work / "config"),
                   AEVIZ_DATA_DIR=str(work / "data"))
        start = time.perf_counter()
        where = subprocess.run([str(venv_program(venv, "python")), "-c",
                                "from aeviz.core.paths import resources_dir; print(resources_dir())"],
                               cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
        times["where the installed app finds its resources"] = time.perf_counter() - start
        if not Path(where).resolve().is_relative_to(venv.resolve()):
            print(f"check_wheel: the installed app reads its resources from {where}, not from the venv",
                  file=sys.stderr)
            return 1
        start = time.perf_counter()
        proc = subprocess.run([str(venv_program(venv, "aeviz")), "--self-test"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)
        times["aeviz --self-test"] = time.perf_counter() - start
        print(proc.stdout.strip())
        if proc.returncode != 0 or not any(line.startswith("OK") for line in proc.stdout.splitlines()):
            print(proc.stderr[-3000:], file=sys.stderr)
            print("check_wheel: FAILED, the self-test of the installed wheel did not pass", file=sys.stderr)
            return 1
        for step, seconds in times.items():
            print(f"check_wheel: {step}: {seconds:.0f} s")
        print(f"check_wheel: OK, {wheel.name} installed in a fresh venv passes its self-test "
              f"(resources from {where})")
        return 0
    finally:
        if args.keep:
            print(f"check_wheel: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"check_wheel: {time.perf_counter() - begin:.0f} s in all")


if __name__ == "__main__":
    sys.exit(main())
