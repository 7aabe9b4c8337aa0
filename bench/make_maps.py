"""Build the t-SNE maps shipped in resources/maps/ and time the t-SNE implementations.

Commands (from the repository root)::

    python bench/make_maps.py build            # one map per shipped model (10,000 test codes)
    python bench/make_maps.py bench --sizes 2000,10000,60000

``build`` encodes the 10,000 MNIST test images with every model of
``aeviz.core.pretrained.list_pretrained()``, runs a t-SNE (by default the app's own grid
t-SNE, aeviz.core.fast_tsne: no extra dependency; ``--method opentsne`` uses openTSNE,
perplexity 30, 1 thread, fixed seed) and writes ``<id>.tsne.npy`` (float16, centred,
scaled to unit standard deviation) and ``index.json`` (method, seconds, SHA-256 of the
model file). openTSNE is only a comparison here (``pip install openTSNE`` in a separate
build environment: it pulls scipy and scikit-learn, ~210 MB installed, which the installer
cannot carry).
``bench`` times openTSNE, the app's grid t-SNE (aeviz.core.fast_tsne, 500 iterations, what
the latent page runs) and its exact t-SNE (aeviz.core.latent.tsne, 300 iterations, capped at
5,000 points) side by side in one run, on the 16-number codes of conv_latent16 (test images
first, then training images), and prints how often a point's nearest neighbour on each map
is the same digit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from aeviz.core import fast_tsne, maps  # noqa: E402
from aeviz.core.datasets import load_mnist  # noqa: E402
from aeviz.core.inference import encode_images  # noqa: E402
from aeviz.core.persist import atomic_write, atomic_write_json  # noqa: E402
from aeviz.core.pretrained import list_pretrained, load_pretrained  # noqa: E402

PERPLEXITY = 30.0
SEED = 0


def open_tsne(codes: np.ndarray) -> np.ndarray:
    from openTSNE import TSNE

    return np.asarray(TSNE(perplexity=PERPLEXITY, n_jobs=1, random_state=SEED, verbose=False).fit(codes))


def grid_tsne(codes: np.ndarray) -> np.ndarray:
    return drive(fast_tsne.tsne(codes, perplexity=PERPLEXITY, iterations=500, seed=SEED))


def build(out: Path, only: list[str] | None, method: str) -> None:
    if method == "opentsne":
        import openTSNE

        run, label = open_tsne, f"openTSNE {openTSNE.__version__} (FFT, perplexity {PERPLEXITY:g}, 1 thread)"
    else:
        run, label = grid_tsne, f"aeviz.core.fast_tsne (grid, perplexity {PERPLEXITY:g}, 500 steps, 1 thread)"
    images = load_mnist("test").images
    index = {}
    for model in list_pretrained():
        if only and model.id not in only:
            continue
        codes = encode_images(load_pretrained(model.id).model, images).astype(np.float32)
        t, cpu = time.perf_counter(), time.process_time()
        xy = run(codes)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        xy = (xy - xy.mean(0)) / xy.std()
        name = f"{model.id}.tsne.npy"
        atomic_write(out / name, lambda f, a=xy.astype(np.float16): np.save(f, a, allow_pickle=False))
        index[model.id] = {"file": name, "images": maps.MAP_IMAGES, "model_sha256": maps.file_sha256(model.path),
                           "method": label,
                           "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "seed": SEED}
        print(f"{model.id}: {codes.shape[1]}-D codes → t-SNE in {seconds:.0f} s ({cpu:.0f} s of CPU)", flush=True)
    if only and out == maps.maps_dir():   # keep the other models' maps, as listed now
        listed = {m.id for m in list_pretrained()}
        index = {**{k: v for k, v in maps._index().items() if k in listed}, **index}
    atomic_write_json(out / maps.INDEX_NAME, index)
    print(f"wrote {out / maps.INDEX_NAME}")


def bench(sizes: list[int], methods: set[str]) -> None:
    from aeviz.core import latent as L

    train, test = load_mnist("train"), load_mnist("test")
    model = load_pretrained("conv_latent16").model
    codes = np.concatenate([encode_images(model, test.images), encode_images(model, train.images)]).astype(np.float32)
    labels = np.concatenate([test.labels, train.labels])
    print(f"{'points':>7} {'openTSNE s':>11} {'in-app grid s':>14} {'in-app exact s':>15}   "
          f"(same-digit nearest neighbour on the map: openTSNE / grid)")
    for n in sizes:
        x, y = codes[:n], labels[:n]
        t = time.perf_counter()
        ref = open_tsne(x) if "opentsne" in methods else None
        t_ref = time.perf_counter() - t
        t = time.perf_counter()
        grid = drive(fast_tsne.tsne(x, perplexity=PERPLEXITY, iterations=500, seed=SEED)) if "grid" in methods else None
        t_grid = time.perf_counter() - t
        exact = "-"
        if "exact" in methods and n <= L.TSNE_MAX_POINTS:
            t = time.perf_counter()
            drive(L.tsne(x, perplexity=PERPLEXITY, iterations=300, seed=SEED))
            exact = f"{time.perf_counter() - t:.1f}"
        quality = " / ".join(f"{same_digit_neighbour(m, y):.3f}" if m is not None else "-" for m in (ref, grid))
        print(f"{n:7d} {t_ref if ref is not None else float('nan'):11.1f} "
              f"{t_grid if grid is not None else float('nan'):14.1f} {exact:>15}   {quality}", flush=True)


def drive(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def same_digit_neighbour(xy: np.ndarray, labels: np.ndarray, sample: int = 2000) -> float:
    """Share of sampled points whose nearest neighbour on the map shows the same digit."""
    rows = np.random.default_rng(0).choice(len(xy), min(sample, len(xy)), replace=False)
    hits = 0
    for r in rows:
        d = ((xy - xy[r]) ** 2).sum(1)
        d[r] = np.inf
        hits += labels[d.argmin()] == labels[r]
    return hits / len(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=("build", "bench"))
    ap.add_argument("--only", default="", help="build: comma-separated model ids (others keep their map)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--method", choices=("grid", "opentsne"), default="grid", help="build: which t-SNE makes the maps")
    ap.add_argument("--sizes", default="2000,10000")
    ap.add_argument("--methods", default="opentsne,grid,exact", help="bench: which t-SNE implementations to time")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    if args.action == "build":
        build(args.out or maps.maps_dir(), [s for s in args.only.split(",") if s] or None, args.method)
    else:
        bench([int(s) for s in args.sizes.split(",")], set(args.methods.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
