"""Hostile input files, built small and fast (no gigabytes written to disk).

Shared by tests/test_hostile_files.py and bench/hostile_files.py. Each builder writes
into a folder and returns the path; :func:`cases` lists every case of issue 13 with
the reader that must refuse it and the error code expected.
"""

from __future__ import annotations

import gzip
import json
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

GIB = 2 ** 30
MNIST_IMAGES = (60000, 28, 28)


# ------------------------------------------------------------------------------- IDX

def idx_header(dims, dtype: int = 0x08) -> bytes:
    return struct.pack(">BBBB", 0, 0, dtype, len(dims)) + struct.pack(f">{len(dims)}I", *dims)


def idx_bytes(arr: np.ndarray) -> bytes:
    return idx_header(arr.shape) + arr.astype(np.uint8).tobytes()


def zeros_gzip(total: int, prefix: bytes = b"", chunk: int = 64 * 2 ** 20) -> bytes:
    """A gzip stream inflating to ``prefix`` + ``total`` zero bytes, built in well under a second.

    gzip readers accept concatenated members, so one compressed member of ``chunk``
    zeros is repeated: 3 GiB of zeros cost ~7 MB and one compression of 64 MiB.
    """
    first = gzip.compress(prefix, compresslevel=1)
    member = gzip.compress(bytes(chunk), compresslevel=1)
    full, rest = divmod(total, chunk)
    return first + member * full + (gzip.compress(bytes(rest), compresslevel=1) if rest else b"")


def write_idx_pair(folder: Path, images: bytes, n_labels: int, name: str = "train") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ip, lp = folder / f"{name}-images-idx3-ubyte.gz", folder / f"{name}-labels-idx1-ubyte.gz"
    ip.write_bytes(images)
    lp.write_bytes(gzip.compress(idx_bytes(np.zeros(n_labels, np.uint8)), compresslevel=1))
    return ip, lp


# ---------------------------------------------------------------------------- bundles

def small_bundle(folder: Path, name: str = "model.aeviz") -> Path:
    from aeviz.core.bundle import save
    from aeviz.core.models import ModelConfig, build_model
    from aeviz.core.training import TrainConfig

    folder.mkdir(parents=True, exist_ok=True)
    model = build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0)
    history = [{"epoch": 1, "step": 10, "train_loss": 0.1, "val_loss": 0.09, "elapsed": 1.0}]
    return save(folder / name, model, train_config=TrainConfig(epochs=2), history=history, dataset_name="MNIST")


def members(path: Path) -> tuple[dict, bytes]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("meta.json")), zf.read("weights.safetensors")


def write_bundle(path: Path, meta: dict | bytes, weights: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", meta if isinstance(meta, bytes) else json.dumps(meta),
                    compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("weights.safetensors", weights, compress_type=zipfile.ZIP_DEFLATED)
    return path


def variant(base: Path, target: Path, meta_change: Callable[[dict], None] | None = None,
            weights: bytes | None = None) -> Path:
    meta, w = members(base)
    if meta_change:
        meta_change(meta)
    return write_bundle(target, meta, w if weights is None else weights)


def weights_with_header(header: dict | bytes, data: bytes = b"") -> bytes:
    head = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + data


def nested_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nonfinite_weights(base: Path) -> bytes:
    from aeviz.core.bundle import decode_tensors, encode_tensors

    tensors = {k: np.array(v) for k, v in decode_tensors(members(base)[1]).items()}
    key = sorted(k for k in tensors if k.endswith("weight"))[0]
    tensors[key].flat[0] = np.nan
    tensors[key].flat[1] = np.inf
    return encode_tensors(tensors)


def raw_zip(path: Path, entries: list[tuple[str, int, bytes, int, int]]) -> Path:
    """A zip written by hand from (name, method, data as stored, crc, declared size): any size may be declared."""
    body, central = b"", b""
    for name, method, data, crc, declared in entries:
        name_b = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data),
                               declared, len(name_b), 0, 0, 0, 0, 0, len(body)) + name_b
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), declared,
                            len(name_b), 0) + name_b + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    path.write_bytes(body + central + end)
    return path


def deflated_zeros(total: int, chunk: int = 64 * 2 ** 20) -> tuple[bytes, int]:
    """(raw deflate stream of ``total`` zeros, its CRC-32): after a full flush the same input gives the same bytes."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    zeros = bytes(chunk)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(total // chunk):
        crc = zlib.crc32(zeros, crc)
    return block * (total // chunk) + comp.flush(), crc


def bundle_with_big_member(folder: Path, meta: dict, inflated: int, declared: int | None = None) -> Path:
    """A bundle whose weights member inflates to ``inflated`` bytes (declared as ``declared``, default the truth)."""
    stream, crc = deflated_zeros(inflated)
    meta_b = json.dumps(meta).encode()
    name = "big-weights.aeviz" if declared is None else "lying-weights.aeviz"
    return raw_zip(folder / name, [("meta.json", 0, meta_b, zlib.crc32(meta_b), len(meta_b)),
                                   ("weights.safetensors", 8, stream, crc, inflated if declared is None else declared)])


# -------------------------------------------------------------------------------- images

def png_claiming(path: Path, width: int, height: int) -> Path:
    """A valid small PNG whose header then claims ``width``×``height`` pixels (a decompression bomb's header)."""
    from PIL import Image

    Image.new("L", (8, 8)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr:ihdr + 17]))
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", crc)
    path.write_bytes(bytes(data))
    return path


def digit_folder(folder: Path, classes=("a", "b"), per_class: int = 3) -> Path:
    from PIL import Image

    for c, cls in enumerate(classes):
        (folder / cls).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            arr = np.zeros((28, 28), np.uint8)
            arr[6:22, 12 + c:16 + c] = 255
            Image.fromarray(arr).save(folder / cls / f"{i}.png")
    return folder


# ---------------------------------------------------------------------------------- cases

@dataclass
class Case:
    """One hostile input: ``reader`` is "bundle", "read_meta", "idx_pair", "idx" or "folder"."""

    name: str
    reader: str
    args: tuple
    error: str        # "BundleError" / "DatasetError"
    code: str


def _meta_case(base: Path, folder: Path, name: str, change: Callable[[dict], None], code: str) -> Case:
    return Case(name, "bundle", (str(variant(base, folder / f"{name}.aeviz", change)),), "BundleError", code)


def cases(folder: Path, big: bool = True) -> list[Case]:
    """Every refused input of issue 13, written into ``folder``. ``big=False`` skips the 1 GiB / 3 GiB ones."""
    folder.mkdir(parents=True, exist_ok=True)
    base = small_bundle(folder / "base")
    meta, weights = members(base)
    out = [
        _meta_case(base, folder, "arch-64-layers-4096", lambda m: m["model"].update(hidden=[4096] * 64),
                   "bundle.limit"),
        _meta_case(base, folder, "arch-params", lambda m: m["model"].update(hidden=[4096, 4096, 4096],
                                                                             image_shape=[1, 256, 256]),
                   "bundle.limit"),
        _meta_case(base, folder, "arch-conv-4096-channels",
                   lambda m: m["model"].update(kind="conv", hidden=[4096, 4096]), "bundle.limit"),
        _meta_case(base, folder, "arch-image-1e5-pixels", lambda m: m["model"].update(image_shape=[1, 1, 100000]),
                   "bundle.limit"),
        _meta_case(base, folder, "train-noise-list", lambda m: m["train"].update(noise=["gaussian", 0.3]),
                   "bundle.bad_field"),
        _meta_case(base, folder, "history-null-epoch", lambda m: m["history"][0].update(epoch=None),
                   "bundle.bad_field"),
        _meta_case(base, folder, "model-latent-string", lambda m: m["model"].update(latent="2"), "bundle.bad_field"),
        _meta_case(base, folder, "model-hidden-infinity", lambda m: m["model"].update(hidden=[float("inf")]),
                   "bundle.bad_field"),
        _meta_case(base, folder, "train-device-meta", lambda m: m["train"].update(device="meta"), "bundle.bad_field"),
        _meta_case(base, folder, "model-blocks-99", lambda m: m["model"].update(kind="conv", hidden=[8, 8], blocks=99),
                   "bundle.bad_field"),
        _meta_case(base, folder, "model-dense-true", lambda m: m["model"].update(kind="conv", hidden=[8, 8], dense=True),
                   "bundle.bad_field"),
        _meta_case(base, folder, "arch-conv-blocks-layers",
                   lambda m: m["model"].update(kind="conv", hidden=[8, 8, 8], blocks=4), "bundle.limit"),
        _meta_case(base, folder, "arch-conv-dense-params",
                   lambda m: m["model"].update(kind="conv", hidden=[1024], image_shape=[1, 256, 256], dense=4096),
                   "bundle.limit"),
        Case("meta-nested-json", "bundle", (str(write_bundle(folder / "meta-nested.aeviz", nested_json(100_000),
                                                             weights)),), "BundleError", "bundle.meta_json"),
        Case("tensor-shape-2^70x0", "bundle", (str(write_bundle(folder / "shape-2-70.aeviz", meta, weights_with_header(
            {"w": {"dtype": "F32", "shape": [2 ** 70, 0], "data_offsets": [0, 0]}}))),), "BundleError",
             "bundle.tensor_invalid"),
        Case("tensor-shape-infinity", "bundle", (str(write_bundle(folder / "shape-inf.aeviz", meta, weights_with_header(
            b'{"w": {"dtype": "F32", "shape": [Infinity], "data_offsets": [0, 0]}}'))),), "BundleError",
             "bundle.tensor_invalid"),
        Case("tensor-header-nested-json", "bundle", (str(write_bundle(folder / "header-nested.aeviz", meta,
                                                                      weights_with_header(nested_json(100_000)))),),
             "BundleError", "bundle.weights_header"),
        Case("weights-nan-inf", "bundle", (str(write_bundle(folder / "nan.aeviz", meta, nonfinite_weights(base))),),
             "BundleError", "bundle.nonfinite"),
        Case("model-is-a-folder", "bundle", (str(folder),), "BundleError", "bundle.is_folder"),
        Case("idx-dims-overflow-int64", "idx_pair", write_idx_pair(
            folder / "overflow", idx_header((2 ** 32 - 1,) * 3) + bytes(64), 1), "DatasetError", "data.limit"),
        Case("idx-2000x2000", "idx_pair", write_idx_pair(folder / "wide", gzip.compress(
            idx_header((2000, 2000, 2000)) + bytes(4096)), 2000), "DatasetError", "data.limit"),
        Case("idx-is-a-folder", "idx", (str(folder),), "DatasetError", "data.is_folder"),
        Case("image-header-claims-10^10-pixels", "folder", (str(_bomb_folder(folder / "bomb-images")),),
             "DatasetError", "data.no_images"),
    ]
    if hasattr(os, "mkfifo"):
        fifo = folder / "pipe.aeviz"
        if not fifo.exists():
            os.mkfifo(fifo)
        out += [Case("model-is-a-fifo", "bundle", (str(fifo),), "BundleError", "bundle.not_regular"),
                Case("idx-is-a-fifo", "idx", (str(fifo),), "DatasetError", "data.not_regular")]
    if big:
        bomb = zeros_gzip(3 * GIB, idx_header(MNIST_IMAGES) + bytes(int(np.prod(MNIST_IMAGES))))
        out += [
            Case("gzip-3GiB-after-valid-mnist-header", "idx_pair", write_idx_pair(folder / "gzbomb", bomb, 60000),
                 "DatasetError", "data.idx_trailing"),
            Case("gzip-3GiB-of-zeros", "idx_pair", write_idx_pair(folder / "gzzeros", zeros_gzip(3 * GIB), 1),
                 "DatasetError", "data.idx_dtype"),
            Case("weights-member-inflating-to-1GiB", "bundle",
                 (str(bundle_with_big_member(folder, meta, GIB)),), "BundleError", "bundle.member_too_large"),
            Case("weights-member-1GiB-declared-small", "bundle",
                 (str(bundle_with_big_member(folder, meta, GIB, declared=10_000)),), "BundleError", "bundle.damaged"),
        ]
    return out


def _bomb_folder(folder: Path) -> Path:
    (folder / "digits").mkdir(parents=True, exist_ok=True)
    png_claiming(folder / "digits" / "huge.png", 100_000, 100_000)
    return folder


def run_case(case: Case):
    """Call the reader of ``case``; returns what it returned (the test expects an exception)."""
    from aeviz.core import bundle, datasets

    if case.reader == "bundle":
        return bundle.load(*case.args)
    if case.reader == "read_meta":
        return bundle.read_meta(*case.args)
    if case.reader == "idx_pair":
        return datasets.load_idx_pair(*case.args)
    if case.reader == "idx":
        return datasets.read_idx(*case.args)
    if case.reader == "folder":
        return datasets.load_image_folder(*case.args)
    raise ValueError(case.reader)
