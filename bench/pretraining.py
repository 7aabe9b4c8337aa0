"""Compute the unsupervised-pretraining curve shipped in resources/precomputed/pretraining.json.

Command used for the committed file (from the repository root)::

    python bench/pretraining.py --threads 1

Runs the page's default experiment (aeviz.core.pretraining.PretrainSettings()) for
every L in DEFAULT_LS, prints the accuracies and the time per point, and writes the
JSON the page loads at once (the same numbers a user would get by pressing Run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "precomputed" / "pretraining.json")
    ap.add_argument("--Ls", default=None, help="comma-separated labels per class (default: DEFAULT_LS)")
    args = ap.parse_args(argv)
    os.environ["AEVIZ_DATA_DIR"] = tempfile.mkdtemp(prefix="aeviz-bench-")  # never reuse a user cache
    import numpy as np
    import torch

    from aeviz.core.persist import atomic_write_json
    from aeviz.core.pretraining import DEFAULT_LS, WAYS, PretrainSettings, run_experiment

    torch.set_num_threads(args.threads)
    Ls = [int(v) for v in args.Ls.split(",")] if args.Ls else list(DEFAULT_LS)
    settings = PretrainSettings()
    start = time.perf_counter()
    last = start
    gen = run_experiment(Ls, settings)
    try:
        while True:
            p = next(gen)
            now = time.perf_counter()
            print(f"  L={p.L:3d} {p.way:8s} acc={p.accuracy:.3f}  ({now - last:.1f} s)", flush=True)
            last = now
    except StopIteration as stop:
        results = stop.value
    total = time.perf_counter() - start
    print(f"\n{'L':>4} " + " ".join(f"{w:>9}" for w in WAYS))
    for L in Ls:
        print(f"{L:4d} " + " ".join(f"{np.mean(results[L][w]):9.3f}" for w in WAYS))
    print(f"total {total:.1f} s for {len(Ls)} values of L × {len(WAYS)} ways × {len(settings.seeds)} seeds")
    atomic_write_json(args.out, {"settings": settings.key(0, "", 0), "seeds": list(settings.seeds),
                                 "results": {str(L): results[L] for L in Ls},
                                 "note": "written by bench/pretraining.py"})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
