"""Hostile files (issue 13): error type, message, time and peak memory of each case.

Every case of the issue is built in a temporary folder (tests/hostile_cases.py: the
3 GiB gzip and the 1 GiB zip member are assembled from repeated compressed blocks, so
nothing large is written) and run in its own process. For a reader, the child imports
everything first, then times the call and reads its peak resident memory
(``ru_maxrss``) after it: the "peak" column is the whole process (Python,
numpy, torch imported), "before" its resident memory just before the call, "traced"
the call's own peak of Python and numpy allocations (tracemalloc). ``aeviz train`` cases run the real
command; their figures are the whole process, from start to exit (rusage of the child).
Target: every case ends in its documented error within 2 s and under 500 MB.

    python bench/hostile_files.py [--no-big] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The cases are built in a child process: on Linux a process's peak memory survives
# fork and exec, so this parent stays small for the children's figures to be their own.
BUILD = r"""
import dataclasses, json, os, sys
from pathlib import Path
sys.path[:0] = [{root!r}, {tests!r}]
import hostile_cases as H
folder = Path(sys.argv[1])
cases = H.cases(folder / "cases", big=sys.argv[2] == "big")
denied = H.digit_folder(folder / "denied", classes=("a", "b", "c"))
cases.append(H.Case("image-folder-unreadable-subfolder", "folder-denied", (str(denied),), "loaded", ""))
big = folder / "big-photo" / "cls"
big.mkdir(parents=True)
import numpy as np
from PIL import Image
ramp = np.linspace(0, 255, 4000, dtype=np.float32).astype(np.uint8)
rgba = np.dstack([np.tile(ramp, (4000, 1))] * 3 + [np.tile(ramp[:, None], (1, 4000))])
Image.fromarray(rgba, "RGBA").save(big / "photo.png", compress_level=1)
cases.append(H.Case("image-4000x4000-RGBA-at-the-pixel-limit", "folder", (str(big.parent),), "loaded", ""))
nonutf8 = Path(os.fsdecode(os.fsencode(folder) + b"/chiffres-\xe9t\xe9"))
H.digit_folder(nonutf8, per_class=12)
print(json.dumps([dict(dataclasses.asdict(c), args=[str(a) for a in c.args]) for c in cases]))
"""

CHILD = r"""
import json, os, resource, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
import hostile_cases as H
from aeviz.core import bundle, datasets, images  # noqa: F401 - imported before the clock starts
from aeviz.ui import i18n
from aeviz.ui.error_texts import describe_error
case = H.Case(**json.loads(sys.argv[1]))
case.args = tuple(case.args)
if case.reader == "folder-denied":  # chmod 000 does not stop root: refuse the listing the way the OS would
    real = datasets.os.scandir
    def scandir(path="."):
        if os.fspath(path).endswith("/b"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)
    datasets.os.scandir = scandir
    case.reader = "folder"
import tracemalloc
rss_before = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
tracemalloc.start()
started = time.perf_counter()
try:
    result = H.run_case(case)
    outcome = dict(type="loaded", code="", message=f"{{len(result)}} images, {{result.skipped}} skipped"
                   if hasattr(result, "skipped") else "loaded")
except Exception as exc:
    elapsed = time.perf_counter() - started
    i18n.set_language("fr")
    outcome = dict(type=type(exc).__name__, code=getattr(exc, "code", ""), message=describe_error(exc))
else:
    elapsed = time.perf_counter() - started
traced = tracemalloc.get_traced_memory()[1] / 2 ** 20
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(outcome, seconds=elapsed, peak_mb=after, rss_before_mb=rss_before, traced_mb=traced)))
"""


def build(folder: Path, big: bool) -> list[dict]:
    code = BUILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    proc = subprocess.run([sys.executable, "-c", code, str(folder), "big" if big else "small"], capture_output=True,
                          text=True, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_reader(case: dict) -> dict:
    code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    payload = json.dumps(case)
    proc = subprocess.run([sys.executable, "-c", code, payload], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode != 0:
        return dict(type="CRASH", code="", message=" ".join(proc.stderr.strip().splitlines()[-1:]), seconds=0,
                    peak_mb=0, rss_before_mb=0, traced_mb=0)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cli(argv: list[str]) -> dict:
    """The real ``aeviz train`` command: exit status, its stderr, wall time and the child's own peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "aeviz", "train", "--threads", "1", "--quiet", *argv],
                                stdout=out, stderr=err, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        _pid, status, usage = os.wait4(proc.pid, 0)  # the rusage of this child alone
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return dict(type=f"exit {proc.returncode}", code="", message=" | ".join(lines), seconds=elapsed,
                peak_mb=usage.ru_maxrss / 1024, rss_before_mb=float("nan"), traced_mb=float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-big", action="store_true", help="skip the 3 GiB gzip and 1 GiB zip cases")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aeviz-hostile-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        cases = build(folder, big=not args.no_big)
        print(f"built {len(cases)} cases in {time.perf_counter() - started:.1f} s (python {sys.version.split()[0]})",
              file=sys.stderr)
        rows = [(c["name"], f"{c['error']} {c['code']}".strip(), run_reader(c)) for c in cases]
        out = folder / "out"
        out.mkdir()
        (out / "models").mkdir()
        nonutf8 = Path(os.fsdecode(os.fsencode(folder) + b"/chiffres-\xe9t\xe9"))
        cli = [
            ("cli --device meta", ["--device", "meta"]),
            ("cli --seed 1e30", ["--seed", "1e30"]),
            ("cli --out <folder>", ["--out", str(out / "models")]),
            ("cli --out <missing folder>/m.aeviz", ["--out", str(out / "nope" / "m.aeviz")]),
            ("cli gzip 3 GiB", ["--dataset", str(folder / "cases" / "gzbomb")]),
            ("cli IDX 2000×2000", ["--dataset", str(folder / "cases" / "wide")]),
            ("cli non-UTF-8 folder name (trains)", ["--dataset", str(nonutf8), "--hidden", "8"]),
        ]
        for name, argv in cli:
            if name.startswith("cli gzip") and args.no_big:
                continue
            if "--out" not in argv:
                argv = argv + ["--out", str(out / "m.aeviz")]
            rows.append((name, "one line, exit ≠ 0" if "trains" not in name else "exit 0",
                         run_cli(["--epochs", "1", "--limit", "50", *argv])))
    print_table(rows, args.markdown)
    worst_time = max(r["seconds"] for n, _, r in rows if not n.startswith("cli"))
    worst_mem = max(r["peak_mb"] for n, _, r in rows if not n.startswith("cli"))
    print(f"\nreaders: slowest {worst_time:.3f} s, highest process peak {worst_mem:.0f} MB "
          f"(budget 2 s, 500 MB)")
    return 0


def print_table(rows, markdown: bool) -> None:
    if markdown:
        print("| case | got | message (fr for readers, stderr for the CLI) | time | process peak RSS | "
              "RSS before call | call's traced peak |")
        print("|---|---|---|---|---|---|---|")
        for name, _expected, r in rows:
            print(f"| {name} | {r['type']} {r['code']} | {r['message']} | {r['seconds']:.3f} s | "
                  f"{r['peak_mb']:.0f} MB | {r['rss_before_mb']:.0f} MB | {r['traced_mb']:.1f} MB |")
        return
    print(f"{'case':42s} {'got':>12s} {'code':24s} {'time':>9s} {'peak RSS':>8s} {'before':>7s} {'traced':>7s}")
    for name, _expected, r in rows:
        print(f"{name:42s} {r['type']:>12s} {r['code']:24s} {r['seconds']:7.3f} s {r['peak_mb']:5.0f} MB "
              f"{r['rss_before_mb']:4.0f} MB {r['traced_mb']:5.1f} MB  {r['message'][:140]}")


if __name__ == "__main__":
    sys.exit(main())
