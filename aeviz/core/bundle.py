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
from . import limits
from .bundle_meta import BundleError, check_meta
from .files import (FileRefused, ZipRefused, check_zip_directory, display_name, open_regular, printable,
                    read_zip_member, refusal_text)
from .models import Autoencoder, ModelConfig, build_model
from .persist import atomic_write
from .versioned_json import parse_versioned_json

__all__ = ["BundleError", "Bundle", "save", "load", "read_meta", "encode_tensors", "decode_tensors",
           "FORMAT_NAME", "FORMAT_VERSION", "BUNDLE_SUFFIX"]

FORMAT_NAME = "aeviz-bundle"
FORMAT_VERSION = 1
from .constants import BUNDLE_SUFFIX  # noqa: E402
META_NAME = "meta.json"
WEIGHTS_NAME = "weights.safetensors"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: same content → same bytes
_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8"),
           "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "U8": np.dtype("u1")}
_CODES = {v: k for k, v in _DTYPES.items()}
_SIGNATURES = [(b"\x89PNG\r\n\x1a\n", "png", "a PNG image"), (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
               (b"GIF8", "gif", "a GIF image"), (b"%PDF", "pdf", "a PDF document"), (b"\x1f\x8b", "gzip", "a gzip file"),
               (b"\x00\x00\x08\x03", "idx", "an IDX image file")]
#: Largest weights member a model within the limits can need: every number as float64, plus the header.
_MAX_WEIGHTS = limits.MAX_PARAMS * 8 + limits.MAX_WEIGHTS_HEADER_BYTES + 8
_MAX_FILE = _MAX_WEIGHTS + limits.MAX_META_BYTES + limits.MAX_ZIP_DIRECTORY_BYTES


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


def _tensor_error(source: str, name: Any, code: str, message: str, **params) -> BundleError:
    tensor = str(name)[:80]
    return BundleError(code, f"{source}: tensor {tensor!r} {message}", name=source, tensor=tensor, **params)


def _parse_header(raw: bytes, source: str) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deeply nested JSON
        raise BundleError("bundle.weights_header", f"{source}: the weights header is not valid JSON",
                          name=source) from None
    if not isinstance(header, dict):
        raise BundleError("bundle.weights_header", f"{source}: the weights header is not a JSON object", name=source)
    return header


def _tensor_spec(source: str, name: str, info: Any, data_len: int) -> tuple[np.dtype, tuple[int, ...], int, int]:
    """(dtype, shape, begin, end) of one header entry, every number checked before anything is allocated."""
    if not isinstance(info, dict) or info.get("dtype") not in _DTYPES:
        raise _tensor_error(source, name, "bundle.tensor_invalid", "has an invalid description")
    shape, offsets = info.get("shape"), info.get("data_offsets")
    ints = lambda v: isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v)  # noqa: E731
    if not (ints(shape) and ints(offsets)) or len(shape) > limits.MAX_TENSOR_DIMS or len(offsets) != 2 \
            or any(s > limits.MAX_PARAMS for s in shape):
        raise _tensor_error(source, name, "bundle.tensor_invalid", "has an invalid description")
    dtype, (begin, end) = _DTYPES[info["dtype"]], offsets
    if any(s < 0 for s in shape) or not 0 <= begin <= end <= data_len:
        raise _tensor_error(source, name, "bundle.tensor_outside", "points outside the file (truncated?)")
    nbytes = math.prod(shape) * dtype.itemsize  # Python ints: 2**70 × 0 or 2**40 × 2**40 cannot overflow
    if end - begin != nbytes:
        raise _tensor_error(source, name, "bundle.tensor_size", f"has {end - begin} bytes for shape {list(shape)}",
                            nbytes=end - begin, shape="×".join(map(str, shape)))
    return dtype, tuple(shape), begin, end


def decode_tensors(blob: bytes, source: str = "weights") -> dict[str, np.ndarray]:
    """Parse :func:`encode_tensors` output, checking every offset; no code is executed.

    The arrays are read-only views into ``blob`` (nothing is copied); every size is
    checked against the blob's length before a view is made.
    """
    if len(blob) < 8:
        raise BundleError("bundle.weights_truncated", f"{source}: the weights are truncated", name=source)
    (head_len,) = struct.unpack("<Q", blob[:8])
    if head_len > len(blob) - 8 or head_len > limits.MAX_WEIGHTS_HEADER_BYTES:
        raise BundleError("bundle.weights_header", f"{source}: the weights header is damaged or truncated", name=source)
    header = _parse_header(blob[8:8 + head_len], source)
    header.pop("__metadata__", None)
    data = memoryview(blob)[8 + head_len:]
    spans, out = [], {}
    for name, info in header.items():
        dtype, shape, begin, end = _tensor_spec(source, name, info, len(data))
        spans.append((begin, end))
        out[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise BundleError("bundle.tensor_layout", f"{source}: tensors overlap or leave gaps in the data", name=source)
        pos = end
    if pos != len(data):
        raise BundleError("bundle.trailing_bytes", f"{source}: {len(data) - pos} unexpected bytes after the tensors",
                          name=source, count=len(data) - pos)
    return out


# ------------------------------------------------------------------ save/load

def _json_safe(obj: Any) -> Any:
    """History values may be numpy/torch scalars or NaN; JSON wants plain floats or null, and UTF-8 text."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, (np.generic, torch.Tensor)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, str):  # a name read from a non-UTF-8 file system must not fail the write at the end
        return printable(obj)
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
        "dataset": _json_safe(dataset_name),
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


def _foreign(name: str, head: bytes) -> BundleError:
    kind, what = next(((k, w) for sig, k, w in _SIGNATURES if head.startswith(sig)), ("unknown", "not a zip container"))
    return BundleError("bundle.foreign", f"{name}: not an aeviz model ({what})", name=name, kind=kind)


def _open(path: Path, name: str):
    try:
        return open_regular(path)
    except FileRefused as refused:
        raise BundleError(f"bundle.{refused.reason}", f"{name}: {refusal_text(refused, 'an aeviz model')}",
                          name=name, detail=refused.detail) from None


def _zip_refusal(name: str, refused: ZipRefused) -> BundleError:
    if refused.reason == "too_large":
        return BundleError("bundle.member_too_large", f"{name}: {refused.member} is implausibly large "
                           f"({refused.size:,} bytes, the limit is {refused.limit:,})", name=name,
                           member=refused.member, size=refused.size, limit=refused.limit)
    if refused.entries:
        return BundleError("bundle.damaged", f"{name}: the file is damaged (a zip directory of {refused.entries} "
                           "entries)", name=name, detail="")
    return BundleError("bundle.damaged", f"{name}: the file is damaged or truncated (no zip directory)",
                       name=name, detail="")


def _read_members(path: Path, with_weights: bool = True) -> tuple[dict, bytes | None]:
    """meta.json (parsed and checked) and, unless only meta is wanted, the raw weights."""
    name = display_name(path)
    with _open(path, name) as handle:
        head = handle.read(8)
        if not head.startswith(b"PK"):
            raise _foreign(name, head)
        size = os.fstat(handle.fileno()).st_size
        if size > _MAX_FILE:
            raise BundleError("bundle.member_too_large", f"{name}: the file is implausibly large ({size:,} bytes)",
                              name=name, member=name, size=size, limit=_MAX_FILE)
        try:
            check_zip_directory(handle, size)
            with zipfile.ZipFile(handle) as zf:
                names = set(zf.namelist())
                if META_NAME not in names:
                    raise BundleError("bundle.no_meta", f"{name}: not an aeviz model (a zip file without {META_NAME})",
                                      name=name)
                meta = _parse_meta(read_zip_member(zf, META_NAME, limits.MAX_META_BYTES), name)
                if not with_weights:
                    return meta, None
                weights = meta.get("weights")
                weights_name = weights.get("file") if isinstance(weights, dict) else WEIGHTS_NAME
                if not isinstance(weights_name, str) or weights_name not in names:
                    raise BundleError("bundle.missing_weights", f"{name}: the weights ({weights_name}) are missing",
                                      name=name, member=str(weights_name)[:80])
                return meta, read_zip_member(zf, weights_name, _weights_cap(meta))
        except BundleError:
            raise
        except ZipRefused as refused:
            raise _zip_refusal(name, refused) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError) as exc:
            raise BundleError("bundle.damaged", f"{name}: the file is damaged or truncated ({exc})",
                              name=name, detail=str(exc)) from None
        except Exception as exc:  # zlib errors and friends from a corrupted container
            raise BundleError("bundle.damaged", f"{name}: the file is damaged ({type(exc).__name__}: {exc})",
                              name=name, detail=f"{type(exc).__name__}: {exc}") from None


def _weights_cap(meta: dict) -> int:
    """Bytes the weights of this (already size-checked) architecture can take, stored as float64."""
    from .bundle_meta import count_parameters

    return count_parameters(meta["model"]) * 8 + limits.MAX_WEIGHTS_HEADER_BYTES + 8


_META_REFUSALS = {"json": "bundle.meta_json", "foreign": "bundle.not_bundle", "version": "bundle.bad_version",
                  "newer": "bundle.newer_version"}


def _parse_meta(raw: bytes, name: str) -> dict:
    meta = parse_versioned_json(raw, name, FORMAT_NAME, FORMAT_VERSION, "an aeviz model",
                                lambda kind, message, **params: BundleError(_META_REFUSALS[kind], message, **params))
    return check_meta(name, meta)


def read_meta(path: str | os.PathLike) -> dict:
    """The validated meta.json of a bundle, without building the model (for file lists)."""
    return _read_members(Path(path), with_weights=False)[0]


def load(path: str | os.PathLike) -> Bundle:
    """Open a bundle; raises :class:`BundleError` for anything that is not a valid, readable one.

    Everything is checked before the model is built: the declared architecture against
    :mod:`aeviz.core.limits`, every tensor's name, shape and size against it, and every
    weight for NaN or infinity (a model with them draws black or garbage images, which
    teaches nothing and looks like a bug of the app, so it is refused).
    """
    p = Path(path)
    name = display_name(p)
    meta, blob = _read_members(p)
    try:
        config = ModelConfig.from_dict(meta["model"])
    except (TypeError, ValueError) as exc:  # bundle_meta checks every range first; this is a safety net
        raise BundleError("bundle.bad_model", f"{name}: invalid model description ({exc})", name=name) from None
    tensors = decode_tensors(blob, name)
    with torch.device("meta"):  # shapes only: nothing allocated until the weights are known to fit
        expected = {k: (tuple(v.shape), v.is_floating_point()) for k, v in build_model(config).state_dict().items()}
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"unexpected {', '.join(unexpected)}"] if unexpected else [])
        raise BundleError("bundle.arch_mismatch", f"{name}: the weights do not match the {config.kind} architecture "
                          f"({'; '.join(parts)})", name=name, kind=config.kind,
                          missing=", ".join(missing)[:300], unexpected=", ".join(unexpected)[:300])
    state = {}
    for key, (shape, floating) in expected.items():
        arr = tensors[key]
        if tuple(arr.shape) != shape:
            raise BundleError("bundle.shape_mismatch", f"{name}: weight {key} has shape {list(arr.shape)}, "
                              f"expected {list(shape)}", name=name, tensor=key,
                              shape="×".join(map(str, arr.shape)), expected="×".join(map(str, shape)))
        values = np.array(arr, dtype=np.float32 if floating else arr.dtype)
        bad = int(values.size - np.count_nonzero(np.isfinite(values))) if floating else 0
        if bad:
            raise BundleError("bundle.nonfinite", f"{name}: weight {key} holds {bad} NaN or infinite value(s); "
                              "the model cannot be used", name=name, tensor=key, count=bad)
        state[key] = torch.from_numpy(values)
    model = build_model(config)
    model.load_state_dict(state)
    model.eval()
    return Bundle(model=model, config=config, history=meta["history"], meta=meta, path=p)
