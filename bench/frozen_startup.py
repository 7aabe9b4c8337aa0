"""Start-up of the frozen app next to the source one: process start to first painted window.

Alternates the two, offscreen, and prints the medians. Target for the bundle: <= 3 s.
Uses the same probe as bench/startup.py (AEVIZ_QUIT_AFTER_PAINT=1 prints "painted").

    python bench/frozen_startup.py [--runs 5] [--exe dist/aeviz/aeviz]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import ROOT, alternate  # noqa: E402

TARGET_S = 3.0


def default_exe() -> Path:
    return ROOT / "dist" / "aeviz" / ("aeviz.exe" if sys.platform == "win32" else "aeviz")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--exe", type=Path, default=default_exe())
    args = parser.parse_args()
    if not args.exe.exists():
        print(f"no bundle at {args.exe}: run python packaging/build.py first", file=sys.stderr)
        return 1
    scratch = tempfile.mkdtemp(prefix="aeviz-bench-")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               AEVIZ_QUIT_AFTER_PAINT="1", AEVIZ_CONFIG_DIR=scratch, AEVIZ_DATA_DIR=scratch)
    frozen_cmd = [str(args.exe), "--lang", "fr"]
    source_cmd = [sys.executable, "-m", "aeviz", "--lang", "fr"]
    frozen, source = alternate(frozen_cmd, source_cmd, env, args.runs)
    med_f, med_s = statistics.median(frozen), statistics.median(source)
    print(f"start-up to first painted window, {args.runs} runs alternating, platform {env['QT_QPA_PLATFORM']}:")
    print(f"  frozen {args.exe.name}:  median {med_f:.2f} s  (min {min(frozen):.2f}, max {max(frozen):.2f})")
    print(f"  source python -m aeviz: median {med_s:.2f} s  (min {min(source):.2f}, max {max(source):.2f})")
    verdict = "OK" if med_f <= TARGET_S else "MISSED"
    print(f"  frozen / source: {med_f / med_s:.2f}   target: frozen median <= {TARGET_S:.0f} s -> {verdict}")
    return 0 if med_f <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
