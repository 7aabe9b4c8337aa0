"""Rough timings of the numpy convolution engine (not a test).

Run from the checkout: ``python bench/conv_engine.py``. Tells whether the UI can
recompute conv2d / conv_matrix / transposed views on every slider move.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.core.conv import conv2d, conv_matrix, conv_transpose2d, transpose_partials  # noqa: E402


def best_ms(fn, repeat: int = 5) -> float:
    """Best per-call time in milliseconds, with enough calls to last ~0.1 s."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, number // 2)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e3


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'case':<34}{'conv2d':>10}{'conv_matrix':>13}{'conv_T2d':>10}{'partials':>10}  (ms)")
    for n, k, s, p in [(4, 3, 1, 0), (8, 3, 2, 1), (28, 3, 1, 1), (28, 5, 2, 2), (64, 3, 2, 1)]:
        x, w = rng.standard_normal((n, n)), rng.standard_normal((k, k))
        y = conv2d(x, w, stride=s, padding=p)
        row = [best_ms(lambda: conv2d(x, w, stride=s, padding=p)),
               best_ms(lambda: conv_matrix(x.shape, w, stride=s, padding=p)),
               best_ms(lambda: conv_transpose2d(y, w, stride=s, padding=p))]
        # partials are O(in·out) memory: only for the small grids the UI shows
        row.append(best_ms(lambda: transpose_partials(y, w, stride=s, padding=p)) if n <= 28 else float("nan"))
        case = f"{n}×{n} ⋆ {k}×{k}, stride {s}, padding {p}"
        print(f"{case:<34}" + "".join(f"{t:>{wd}.3f}" for t, wd in zip(row, (10, 13, 10, 10))))


if __name__ == "__main__":
    main()
