"""Build the compression curve shipped in resources/precomputed/compression.json.

Commands used for the committed file (from the repository root, 1 thread each, several
points ran in parallel processes)::

    python bench/make_compression.py train mlp:128,mlp:64,mlp:32,mlp:16,mlp:8,mlp:4,mlp:2,mlp:1
    python bench/make_compression.py train conv:128,conv:64,conv:32,conv:8,conv:4,conv:2,conv:1
    python bench/make_compression.py train linear:128,linear:64,linear:32,linear:16,linear:8,linear:4,linear:2,linear:1
    python bench/make_compression.py assemble --allow-worse mlp:128   # PCA + points + shipped models → JSON
    python bench/make_compression.py update mlp:128   # later: the MLP at k=128 and the record point, nothing else

(conv k=16 is the shipped conv_latent16, the record point the shipped conv_latent30. The
MLP at k=128 first had two hidden layers, 784-1024-512-128, and reached 0.0042 in 12 epochs
against PCA's 0.0034, hence --allow-worse then; one hidden layer, 784-1024-128, reaches
0.0020 in 10 epochs and 153 CPU seconds, so no point is above PCA any more.)

Every point is evaluated on the 10,000 MNIST test images; PCA is fitted on the 60,000
training images and every autoencoder is trained on them (bench/fitting.py: AdamW,
warm-up then cosine decay). The linear autoencoder is *trained* too (not copied from
the SVD): the gap to PCA is printed and is the lesson (it reaches PCA's subspace).
``train`` writes one JSON file per point in --work (default build/compression/), so
an interrupted build resumes and points can run in parallel; ``assemble`` refuses to
write a curve where an MLP or convolutional point is worse than PCA for k >= 2, unless
that point is named in ``--allow-worse`` (a measured result is shipped as measured).
``update`` trains the points it is given (unless --work already holds them), re-measures
the shipped models' points and replaces only those in the shipped JSON; it writes nothing
if a point is above PCA.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from aeviz.core import compression as cp  # noqa: E402
from aeviz.core.datasets import load_mnist  # noqa: E402
from aeviz.core.models import ModelConfig, build_model  # noqa: E402
from aeviz.core.persist import atomic_write_json  # noqa: E402

#: (method, k) → (model config, epochs, peak learning rate). Hidden layers are never narrower than the code.
def recipe(method: str, k: int) -> tuple[ModelConfig, float, float]:
    if method == "linear":
        return ModelConfig("linear", k, bias=False), 2, 3e-3
    if method == "mlp":
        # at k = 128 two hidden layers (1024, 512) stayed above PCA after 12 epochs (0.0042 vs 0.0034); one wide
        # layer trains faster and ends well below it
        hidden = (512, 256) if k <= 64 else (1024,)
        epochs = {1: 2, 2: 2, 4: 2, 8: 2, 16: 3, 32: 3, 64: 10, 128: 10}[k]
        return ModelConfig("mlp", k, hidden=hidden), epochs, 2e-3
    if method == "conv":
        epochs = {1: 3, 2: 3, 4: 3, 8: 3, 16: 3, 32: 3, 64: 3, 128: 3}[k]
        # larger rates left small-code nets dead (black output, test MSE 0.114): 3e-3 at k = 8, 2e-3 and
        # 1e-3 at k = 1 (with the seed 101)
        return ModelConfig("conv", k), epochs, 3e-3 if k >= 32 else 1e-3 if k == 1 else 2e-3
    raise ValueError(f"no recipe for {method!r}")


#: initial weights that did not die (see recipe); every other point uses the seed 100 + k
SEEDS = {("conv", 1): 200}


def point_file(work: Path, method: str, k: int) -> Path:
    return work / f"{method}-k{k}.json"


def train(items: list[tuple[str, int]], work: Path, epochs_override: float | None,
          wall_budget: float | None = None) -> None:
    from fitting import fit, images_tensor

    x_train = images_tensor(load_mnist("train").images)
    x_test = images_tensor(load_mnist("test").images)
    flat_test = x_test.reshape(len(x_test), -1).numpy()
    mean_image_mse = float(((flat_test - x_train.reshape(len(x_train), -1).mean(0).numpy()) ** 2).mean())
    for method, k in items:
        out = point_file(work, method, k)
        if out.is_file():
            print(f"{method} k={k}: already built ({out})", flush=True)
            continue
        cfg, epochs, lr = recipe(method, k)
        epochs = epochs_override or epochs
        print(f"{method} k={k}: {cfg.summary()}, {epochs} epochs, lr {lr}", flush=True)
        model = build_model(cfg, seed=SEEDS.get((method, k), 100 + k))
        if method == "linear":
            model.fit_data_mean(x_train)
        res = fit(model, x_train, x_test, epochs=epochs, lr=lr, seed=k, eval_every=1000, wall_budget=wall_budget,
                  log=lambda s: print(s, flush=True))
        point = cp.model_point(model, method, "built", flat_test,
                               cost={"seconds": res["seconds"], "cpu_seconds": res.get("cpu_seconds"),
                                     "epochs": res["epochs"], "n_train": len(x_train), "model": cfg.summary(),
                                     "threads": torch.get_num_threads(),
                                     "layers": cp.layers_text(cfg)})
        if point.mse >= mean_image_mse:
            print(f"  → test MSE {point.mse:.5f}, no better than the mean image ({mean_image_mse:.5f}): "
                  "the net died, nothing written", flush=True)
            continue
        data = point.to_json()
        data["recipe"] = {k2: v for k2, v in res.items() if k2 != "history"}
        atomic_write_json(out, data)
        print(f"  → test MSE {point.mse:.5f} in {res['seconds']:.0f} s", flush=True)


def assemble(work: Path, out: Path, allow_worse: list[str]) -> int:
    from aeviz.core.pretrained import load_pretrained

    x = cp.eval_images()
    spec = cp.pca_spectrum()
    curves = {(p.method, p.k): p for p in cp.pca_points(spec, x)}
    for method in ("linear", "mlp", "conv"):
        for k in cp.K_GRID:
            f = point_file(work, method, k)
            if f.is_file():
                p = cp.Point.from_json(json.loads(f.read_text()))
                if p.cost is not None and not p.cost.get("layers"):   # points built before layers were recorded
                    p.cost["layers"] = cp.layers_text(recipe(method, k)[0])
                curves[(method, k)] = p
    for (method, k), model_id in cp.PRETRAINED_POINTS.items():
        if (method, k) in curves:
            continue
        try:
            bundle = load_pretrained(model_id)
        except KeyError:
            continue
        curves[(method, k)] = cp.model_point(bundle.model, method, "pretrained", x, cp.bundle_cost(bundle))
    missing = [f"{m}:{k}" for m in ("linear", "mlp", "conv") for k in cp.K_GRID if (m, k) not in curves]
    missing += [f"{m}:{k}" for (m, k) in cp.PRETRAINED_POINTS if (m, k) not in curves]
    print(f"{'method':>7} {'k':>4} {'MSE':>8} {'PSNR':>6} {'vs PCA':>7} {'seconds':>8} {'epochs':>6}  model")
    bad = []
    for (method, k), p in sorted(curves.items(), key=lambda kv: (cp.METHODS.index(kv[0][0]), kv[0][1])):
        pca = curves.get(("pca", k))
        ratio = f"{p.mse / pca.mse:7.2f}" if pca else "      -"
        cost = p.cost or {}
        print(f"{method:>7} {k:4d} {p.mse:8.5f} {p.psnr:6.2f} {ratio} {cost.get('seconds', 0):8.0f} "
              f"{cost.get('epochs', 0):6g}  {cost.get('model', '')}")
        if method in ("mlp", "conv") and k >= 2 and pca and p.mse > pca.mse:
            bad.append(f"{method}:{k}")
    if missing:
        print(f"missing: {', '.join(missing)}")
    if bad:
        print(f"worse than PCA: {', '.join(bad)}")
        if not set(bad) <= set(allow_worse):
            print("not written (pass --allow-worse to ship these measured points anyway)")
            return 1
    cp.save_curves(curves, out)
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")
    return 0


def update(items: list[tuple[str, int]], work: Path, out: Path, epochs_override: float | None,
           wall_budget: float | None = None) -> int:
    """Train only ``items`` and put them into the shipped curve, keeping every other point as it is.

    Like ``train``, a point already built in ``work`` is reused (delete its file to retrain it). The record point ("deep", k = 30) is re-measured from the shipped model too, so a rebuilt
    conv_latent30 reaches the curve without retraining anything else. The same rule as
    ``assemble`` applies: nothing is written if an MLP or conv point is above PCA for k >= 2.
    """
    from aeviz.core.pretrained import load_pretrained

    train(items, work, epochs_override, wall_budget)
    curves = {(p.method, p.k): p for p in map(cp.Point.from_json, json.loads(out.read_text())["points"])}
    x = cp.eval_images()
    for method, k in items:
        f = point_file(work, method, k)
        if not f.is_file():
            print(f"{method}:{k} was not built; nothing written")
            return 1
        curves[(method, k)] = cp.Point.from_json(json.loads(f.read_text()))
    for (method, k), model_id in cp.PRETRAINED_POINTS.items():
        if curves.get((method, k)) is None or curves[(method, k)].source == "pretrained":
            bundle = load_pretrained(model_id)
            curves[(method, k)] = cp.model_point(bundle.model, method, "pretrained", x, cp.bundle_cost(bundle))
    bad = [f"{m}:{k}" for (m, k), p in curves.items()
           if m in ("mlp", "conv") and k >= 2 and p.mse > curves[("pca", k)].mse]
    for (method, k), p in sorted(curves.items()):
        if (method, k) in items or method == "deep":
            pca = curves.get(("pca", k))
            print(f"{method:>7} {k:4d} {p.mse:8.5f} (PCA {pca.mse:8.5f}) {p.cost}")
    if bad:
        print(f"worse than PCA: {', '.join(bad)}; not written")
        return 1
    cp.save_curves(curves, out)
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=("train", "assemble", "update"))
    ap.add_argument("items", nargs="?", default="",
                    help="train, update: comma-separated method:k, e.g. mlp:128,conv:64 (update trains them if "
                         "--work has no file for them, then replaces only them, and the shipped models' points, "
                         "in --out)")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "compression")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "precomputed" / "compression.json")
    ap.add_argument("--epochs", type=float, default=None, help="override the recipe's epochs (dry runs)")
    ap.add_argument("--wall-budget", type=float, default=None,
                    help="train, update: end each point's schedule after this many seconds of wall time "
                         "(bench/fitting.py; the epochs reached are recorded)")
    ap.add_argument("--allow-worse", default="", help="assemble: method:k points allowed above PCA (k >= 2)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    os.environ.setdefault("AEVIZ_DATA_DIR", str(args.work / "cache"))
    args.work.mkdir(parents=True, exist_ok=True)
    if args.action == "assemble":
        return assemble(args.work, args.out, [s for s in args.allow_worse.split(",") if s])
    items = []
    for item in filter(None, args.items.split(",")):
        method, _, k = item.partition(":")
        if method not in ("linear", "mlp", "conv") or int(k) not in cp.K_GRID:
            ap.error(f"bad item {item!r}: use linear|mlp|conv:k with k in {cp.K_GRID}")
        items.append((method, int(k)))
    t = time.perf_counter()
    if args.action == "update":
        status = update(items, args.work, args.out, args.epochs, args.wall_budget)
    else:
        train(items, args.work, args.epochs, args.wall_budget)
        status = 0
    print(f"total {time.perf_counter() - t:.0f} s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
