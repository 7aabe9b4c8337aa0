"""Saved models (``.aeviz`` files): one file, safe to open, checked on load.

Students exchange these files, so loading must never execute code: no pickle,
no ``torch.load``. A bundle is a zip container with two members:

* ``meta.json``: ``{"format": "aeviz-bundle", "format_version": 1, "model": ModelConfig,
  "train": TrainConfig | null, "history": [...], "normalisation": {...}, "dataset": ...}``;
* ``weights.safetensors``: the model's ``state_dict`` in the safetensors layout
  (8-byte little-endian header length, a JSON header with dtype / shape /
  data_offsets per tensor, then raw little-endian bytes), written and read here
  with numpy only, so the file also opens with the ``safetensors`` library.

Every field is validated before a model is built; anything wrong raises
:class:`BundleError` with a readable message, and reading never modifies a file.
Writes are atomic (:func:`aeviz.core.persist.atomic_write`).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .. import __version__
from .models import Autoencoder, ModelConfig, build_model
from .persist import atomic_write

__all__ = ["BundleError", "Bundle", "save", "load", "read_meta", "encode_tensors", "decode_tensors",
           "FORMAT_NAME", "FORMAT_VERSION", "BUNDLE_SUFFIX"]

FORMAT_NAME = "aeviz-bundle"
FORMAT_VERSION = 1
from .constants import BUNDLE_SUFFIX  # noqa: E402
META_NAME = "meta.json"
WEIGHTS_NAME = "weights.safetensors"
_MAX_META = 16 * 2 ** 20
_MAX_WEIGHTS = 1024 * 2 ** 20
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: same content → same bytes
_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8"),
           "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "U8": np.dtype("u1")}
_CODES = {v: k for k, v in _DTYPES.items()}
_SIGNATURES = [(b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
               (b"%PDF", "a PDF document"), (b"\x1f\x8b", "a gzip file"), (b"\x00\x00\x08\x03", "an IDX image file")]


class BundleError(ValueError):
    """A file that is not a usable aeviz bundle; the message says why, for the user."""


@dataclass
class Bundle:
    """A loaded bundle. ``model`` is in eval mode on the CPU."""

    model: Autoencoder
    config: ModelConfig
    history: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def train_config(self):
        """The TrainConfig used, if recorded (imported lazily to keep this module light)."""
        from .training import TrainConfig

        data = self.meta.get("train")
        try:
            return None if data is None else TrainConfig.from_dict(data)
        except (TypeError, ValueError, KeyError) as exc:
            raise BundleError(f"invalid training description in the bundle ({exc})") from None

    @property
    def dataset_name(self) -> str | None:
        return self.meta.get("dataset")


# ------------------------------------------------------------ tensor container

def encode_tensors(tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> bytes:
    """Serialise named arrays in the safetensors layout (tensors packed in name order)."""
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        dt = arr.dtype if arr.dtype.itemsize == 1 else arr.dtype.newbyteorder("<")
        if dt not in _CODES:
            raise ValueError(f"tensor {name!r}: dtype {arr.dtype} cannot be stored")
        raw = np.ascontiguousarray(arr, dtype=dt).tobytes()
        header[name] = {"dtype": _CODES[dt], "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)  # align the data on 8 bytes, as safetensors does
    return struct.pack("<Q", len(head)) + head + b"".join(chunks)


def decode_tensors(blob: bytes, source: str = "weights") -> dict[str, np.ndarray]:
    """Parse :func:`encode_tensors` output, checking every offset; no code is executed."""
    if len(blob) < 8:
        raise BundleError(f"{source}: the weights are truncated")
    (head_len,) = struct.unpack("<Q", blob[:8])
    if head_len > len(blob) - 8 or head_len > _MAX_META:
        raise BundleError(f"{source}: the weights header is damaged or truncated")
    try:
        header = json.loads(blob[8:8 + head_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(f"{source}: the weights header is not valid JSON") from None
    if not isinstance(header, dict):
        raise BundleError(f"{source}: the weights header is not a JSON object")
    header.pop("__metadata__", None)
    data = memoryview(blob)[8 + head_len:]
    spans, out = [], {}
    for name, info in header.items():
        try:
            dtype = _DTYPES[info["dtype"]]
            shape = tuple(int(s) for s in info["shape"])
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise BundleError(f"{source}: tensor {name!r} has an invalid description") from None
        if any(s < 0 for s in shape) or not 0 <= begin <= end <= len(data):
            raise BundleError(f"{source}: tensor {name!r} points outside the file (truncated?)")
        if end - begin != math.prod(shape) * dtype.itemsize:
            raise BundleError(f"{source}: tensor {name!r} has {end - begin} bytes for shape {list(shape)}")
        spans.append((begin, end))
        out[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise BundleError(f"{source}: tensors overlap or leave gaps in the data")
        pos = end
    if pos != len(data):
        raise BundleError(f"{source}: {len(data) - pos} unexpected bytes after the tensors")
    return out


# ------------------------------------------------------------------ save/load

def _json_safe(obj: Any) -> Any:
    """History values may be numpy/torch scalars or NaN; JSON wants plain floats or null."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, (np.generic, torch.Tensor)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def save(path: str | os.PathLike, model: Autoencoder, config: ModelConfig | None = None, *,
         train_config=None, history: list | None = None, normalisation: dict | None = None,
         dataset_name: str | None = None, extra: dict | None = None, dtype: str = "float32") -> Path:
    """Write ``model`` (and what is known about its training) to ``path`` atomically.

    ``dtype="float16"`` halves the file; weights are turned back to float32 on load.
    ``extra`` is free JSON metadata (e.g. test scores), returned in ``Bundle.meta["extra"]``.
    """
    config = config or model.config
    if dtype not in ("float32", "float16"):
        raise ValueError(f'dtype must be "float32" or "float16", got {dtype!r}')
    tensors = {}
    for name, t in model.state_dict().items():
        arr = t.detach().cpu().numpy()
        if dtype == "float16" and arr.dtype == np.float32:
            arr = arr.astype(np.float16)
        tensors[name] = arr
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "aeviz_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "model": config.to_dict(),
        "model_summary": config.summary(),
        "train": None if train_config is None else train_config.to_dict(),
        "history": _json_safe(list(history or [])),
        "normalisation": _json_safe(normalisation or {"input": "pixels / 255, in [0, 1]", "output": config.resolved_output()}),
        "dataset": dataset_name,
        "weights": {"file": WEIGHTS_NAME, "dtype": dtype},
        "extra": _json_safe(extra or {}),
    }
    meta_bytes = (json.dumps(meta, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    weights = encode_tensors(tensors, {"format": "pt"})

    def write(handle) -> None:
        with zipfile.ZipFile(handle, "w") as zf:
            zf.writestr(zipfile.ZipInfo(META_NAME, _ZIP_TIME), meta_bytes, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(zipfile.ZipInfo(WEIGHTS_NAME, _ZIP_TIME), weights, compress_type=zipfile.ZIP_STORED)

    return atomic_write(path, write)


def _what_is(head: bytes) -> str:
    for sig, label in _SIGNATURES:
        if head.startswith(sig):
            return label
    return "not a zip container"


def _read_members(path: Path) -> tuple[dict, bytes | None]:
    """meta.json (parsed) and, unless only meta is wanted, the raw weights."""
    name = path.name
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise BundleError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise BundleError(f"{name}: is a folder, not an aeviz model") from None
    except OSError as exc:
        raise BundleError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not head.startswith(b"PK"):
        raise BundleError(f"{name}: not an aeviz model ({_what_is(head)})")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if META_NAME not in names:
                raise BundleError(f"{name}: not an aeviz model (a zip file without {META_NAME})")
            info = zf.getinfo(META_NAME)
            if info.file_size > _MAX_META:
                raise BundleError(f"{name}: {META_NAME} is implausibly large")
            meta_raw = zf.read(META_NAME)
            meta = _parse_meta(meta_raw, name)
            weights_name = meta.get("weights", {}).get("file", WEIGHTS_NAME) if isinstance(meta.get("weights"), dict) else WEIGHTS_NAME
            if weights_name not in names:
                raise BundleError(f"{name}: the weights ({weights_name}) are missing")
            if zf.getinfo(weights_name).file_size > _MAX_WEIGHTS:
                raise BundleError(f"{name}: the weights are implausibly large")
            return meta, zf.read(weights_name)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise BundleError(f"{name}: the file is damaged or truncated ({exc})") from None
    except Exception as exc:  # zlib errors and friends from a corrupted container
        raise BundleError(f"{name}: the file is damaged ({type(exc).__name__}: {exc})") from None


def _parse_meta(raw: bytes, name: str) -> dict:
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(f"{name}: {META_NAME} is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise BundleError(f"{name}: not an aeviz model (format {meta.get('format') if isinstance(meta, dict) else None!r})")
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BundleError(f"{name}: invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise BundleError(f"{name}: this file was made by a newer aeviz (format {version}); "
                          f"this version reads up to format {FORMAT_VERSION}")
    try:
        ModelConfig.from_dict(meta.get("model"))
    except (ValueError, TypeError) as exc:
        raise BundleError(f"{name}: invalid model description ({exc})") from None
    return meta


def read_meta(path: str | os.PathLike) -> dict:
    """The validated meta.json of a bundle, without building the model (for file lists)."""
    return _read_members(Path(path))[0]


def load(path: str | os.PathLike) -> Bundle:
    """Open a bundle; raises :class:`BundleError` for anything that is not a valid, readable one."""
    p = Path(path)
    meta, blob = _read_members(p)
    config = ModelConfig.from_dict(meta["model"])
    tensors = decode_tensors(blob, p.name)
    model = build_model(config)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"unexpected {', '.join(unexpected)}"] if unexpected else [])
        raise BundleError(f"{p.name}: the weights do not match the {config.kind} architecture ({'; '.join(parts)})")
    state = {}
    for key, ref in expected.items():
        arr = tensors[key]
        if tuple(arr.shape) != tuple(ref.shape):
            raise BundleError(f"{p.name}: weight {key} has shape {list(arr.shape)}, expected {list(ref.shape)}")
        state[key] = torch.from_numpy(np.array(arr, dtype=np.float32 if ref.is_floating_point() else arr.dtype))
    model.load_state_dict(state)
    model.eval()
    history = meta.get("history") if isinstance(meta.get("history"), list) else []
    return Bundle(model=model, config=config, history=history, meta=meta, path=p)
