"""Compute the compression curves shipped in resources/precomputed/compression.json.

Command used for the committed file (from the repository root)::

    python bench/compression.py --threads 1

PCA for every k of K_GRID, the shipped bundles (linear k=16, conv k=16, MLP k=2)
and, with --train (default "linear,mlp"), the on-request recipes of those methods
for every k of K_GRID — exactly what the page computes when asked. Prints MSE, PSNR
and time per point. The models themselves are not shipped, only the measures and
eight example reconstructions per point.
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


def drive(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train", default="linear,mlp", help="methods to train for every k ('' for none)")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "precomputed" / "compression.json")
    args = ap.parse_args(argv)
    os.environ["AEVIZ_DATA_DIR"] = tempfile.mkdtemp(prefix="aeviz-bench-")
    import torch

    from aeviz.core import compression as cp

    torch.set_num_threads(args.threads)
    t = time.perf_counter()
    curves = drive(cp.compute_curves())
    print(f"PCA + shipped bundles: {time.perf_counter() - t:.1f} s")
    for method in [m for m in args.train.split(",") if m]:
        for k in cp.K_GRID:
            if (method, k) in curves and curves[(method, k)].source == "pretrained":
                continue
            t = time.perf_counter()
            curves[(method, k)] = drive(cp.train_point(method, k))
            print(f"  trained {method} k={k}: {time.perf_counter() - t:.1f} s", flush=True)
    print(f"\n{'method':>7} {'k':>4} {'ratio':>6} {'MSE':>8} {'PSNR dB':>8} source")
    for (method, k), p in sorted(curves.items()):
        print(f"{method:>7} {k:4d} {cp.compression_ratio(k):6.1f} {p.mse:8.5f} {p.psnr:8.2f} {p.source}")
    cp.save_curves(curves, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
