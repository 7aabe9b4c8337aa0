"""The eight kinds of exercise: how each one is drawn, answered, hinted and explained.

Every answer comes from the engine the pages use (:mod:`aeviz.core.conv`,
:mod:`aeviz.core.compression`, :mod:`aeviz.core.models`), never from a formula written
again here; a geometry is only kept once :class:`~aeviz.core.conv.ConvGeometry` has
accepted it, so no exercise asks for something PyTorch would refuse. The
intermediate numbers of an explanation (``n + 2p − d(k−1) − 1``…) are arithmetic for
the student to follow; tests check that each explanation ends on the engine's answer.

Texts are not written here: a question, a hint or an explanation line is a
:class:`Step`, an i18n key suffix plus plain values, that the interface translates
and formats in its language (decimal comma in French).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from . import compression
from .conv import (ConvGeometry, conv2d, conv_matrix, conv_transpose2d, conv_transpose_matrix, overlap_count, pad2d,
                   receptive_field, transpose_partials)

__all__ = ["Step", "Kind", "KIND_SPECS"]


@dataclass(frozen=True)
class Step:
    """One line for the student: ``key`` names its text, ``values`` fill it in."""

    key: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """What makes one kind of exercise (see the module docstring)."""

    answer_kind: str                                   # "number" | "size" | "list"
    build: Callable                                    # (rng, level) -> (params, answer, tolerance)
    question: Callable[[dict], Step]
    hint: Callable[[dict], Step]
    explanation: Callable[[dict, object], list]
    marks: Callable[[dict], dict]                      # cells lit by the hint and the explanation


def plain(v):
    """A numpy scalar or a float that is whole → a Python int; else a Python float."""
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _grid(rng, lo: float, hi: float, shape, step: float = 1.0) -> list:
    """A grid of numbers from lo to hi in steps of ``step`` (halves make decimal answers)."""
    n = round((hi - lo) / step)
    values = lo + step * rng.integers(0, n + 1, size=shape)
    return [[plain(float(v)) for v in row] for row in values]


def _choice(rng, options):
    return options[int(rng.integers(len(options)))]


def _arrays(params):
    return np.array(params["x"]), np.array(params["k"])


# --- convolution geometry --------------------------------------------------------------------

def _draw_geometry(rng, level: int, sizes, kernels, transposed: bool = False, square: bool = True) -> dict:
    """Stride and padding from level 2, dilation (and output_padding) at level 3; redrawn until valid."""
    while True:
        s, p, d, op = 1, 0, 1, 0
        if level >= 2:
            s, p = _choice(rng, (1, 2)), _choice(rng, (0, 1))
            if level == 2 and (s, p) == (1, 0):
                continue
        if level >= 3:
            d = 2
            if transposed:
                d = _choice(rng, (1, 2))
                op = _choice(rng, (0, 1))
                if (d, op) == (1, 0):
                    continue
        h = _choice(rng, sizes)
        w = h if square or level < 3 else _choice(rng, sizes)
        kk = _choice(rng, kernels)
        try:
            g = ConvGeometry((h, w), (kk, kk), s, p, d, op, transposed=transposed)
        except ValueError:
            continue
        if min(g.output_shape) < 2:   # a 1×1 output makes a dull exercise and a trivial row of C
            continue
        out = {"input_shape": (h, w), "kernel_shape": (kk, kk), "stride": s, "padding": p, "dilation": d}
        if transposed:
            out["output_padding"] = op
        return out | {"geometry": g}


def _conv_values(rng, level: int, geo: dict, halves_at_3: bool = True) -> dict:
    x = _grid(rng, 0, 9, geo["input_shape"])
    if level == 1:   # no zero in the kernel: every tap counts, as on the slides
        k = _grid(rng, 1, 4, geo["kernel_shape"])
    elif level == 2 or not halves_at_3:
        k = _grid(rng, -2, 4, geo["kernel_shape"])
    else:
        k = _grid(rng, -1, 2, geo["kernel_shape"], step=0.5)
    params = {"x": x, "k": k}
    params.update({name: geo[name] for name in ("stride", "padding", "dilation", "output_padding") if name in geo})
    return params


def _conv_args(params) -> dict:
    return {name: params[name] for name in ("stride", "padding", "dilation")}


def _tconv_args(params) -> dict:
    return {name: params[name] for name in ("stride", "padding", "output_padding", "dilation")}


def _conv_window(params) -> dict:
    """Marks of an output cell's window: padded input cells, kernel cells, frame, the cell."""
    x, k = _arrays(params)
    i, j = params["cell"]
    taps = receptive_field((i, j), k.shape, **_conv_args(params), input_shape=x.shape, padded=True)
    g = ConvGeometry(x.shape, k.shape, **_conv_args(params))
    s = params["stride"]
    window = (s * i, s * j, s * i + g.span[0] - 1, s * j + g.span[1] - 1)
    return {"x": [(t.row, t.col) for t in taps], "k": [(t.ky, t.kx) for t in taps], "window": window, "out": (i, j)}


def _conv_question(params) -> dict:
    return {"cell": tuple(params["cell"]), **_conv_args(params)}


# --- conv_cell -------------------------------------------------------------------------------

def _build_conv_cell(rng, level):
    geo = _draw_geometry(rng, level, (3, 4, 5) if level == 1 else (4, 5, 6), (2, 3))
    params = _conv_values(rng, level, geo)
    oh, ow = geo["geometry"].output_shape
    params["cell"] = (int(rng.integers(oh)), int(rng.integers(ow)))
    x, k = _arrays(params)
    return params, plain(conv2d(x, k, **_conv_args(params))[params["cell"]]), 0.0


def _explain_conv_cell(params, answer):
    x, k = _arrays(params)
    i, j = params["cell"]
    taps = receptive_field((i, j), k.shape, **_conv_args(params), input_shape=x.shape, padded=True)
    xp = pad2d(x, params["padding"])
    terms = [(plain(xp[t.row, t.col]), plain(k[t.ky, t.kx])) for t in taps]
    zeros = sum(1 for t in taps if t.in_padding)
    steps = [Step("padding_zeros", {"n": zeros, "p": params["padding"]})] if zeros else []
    return steps + [Step("conv_sum", {"cell": (i, j), "terms": terms, "total": answer})]


def _hint_conv_cell(params):
    i, j = params["cell"]
    s = params["stride"]
    return Step("hint_window", {"cell": (i, j), "r0": s * i, "c0": s * j, "s": s})


# --- conv_size -------------------------------------------------------------------------------

SIZE_SIZES = {1: (4, 5, 6, 7, 8, 10), 2: (5, 6, 7, 8, 9, 10, 12, 28), 3: (5, 6, 7, 9, 10, 12, 16, 28)}


def _build_conv_size(rng, level):
    geo = _draw_geometry(rng, level, SIZE_SIZES[level], (2, 3) if level == 1 else (2, 3, 4, 5), square=False)
    params = _conv_values(rng, level, geo, halves_at_3=False)
    return params, tuple(int(v) for v in geo["geometry"].output_shape), 0.0


def _size_axes(params):
    x, k = _arrays(params)
    axes = [("both", 0)] if x.shape[0] == x.shape[1] and k.shape[0] == k.shape[1] else [("rows", 0), ("cols", 1)]
    return x.shape, k.shape, axes


def _explain_conv_size(params, answer):
    xs, ks, axes = _size_axes(params)
    s, p, d = params["stride"], params["padding"], params["dilation"]
    steps = []
    for axis, a in axes:
        n, kk = xs[a], ks[a]
        num = n + 2 * p - d * (kk - 1) - 1
        steps.append(Step("size_conv", {"axis": axis, "n": n, "k": kk, "s": s, "p": p, "d": d, "num": num,
                                        "q": num // s, "out": answer[a]}))
    steps.append(Step("size_result", {"shape": tuple(answer)}))
    return steps


def _size_marks(params):
    """The first and the last window along the top row: how many times the kernel fits."""
    x, k = _arrays(params)
    g = ConvGeometry(x.shape, k.shape, **_conv_args(params))
    last = (0, g.output_shape[1] - 1)
    marks = _conv_window(params | {"cell": last})
    s = params["stride"]
    marks["window"] = (0, 0, g.span[0] - 1, g.span[1] - 1)
    marks["out"] = None
    marks["last"] = (0, s * last[1], g.span[0] - 1, s * last[1] + g.span[1] - 1)
    return marks


# --- conv_matrix_row -------------------------------------------------------------------------

def _build_conv_row(rng, level):
    sizes = {1: (3, 4), 2: (3, 4), 3: (4,)}[level]   # a row of C has up to 16 numbers to type
    geo = _draw_geometry(rng, level, sizes, (2, 3))
    params = _conv_values(rng, level, geo, halves_at_3=False)
    oh, ow = geo["geometry"].output_shape
    params["cell"] = (int(rng.integers(oh)), int(rng.integers(ow)))
    x, k = _arrays(params)
    C = conv_matrix(x.shape, k, **_conv_args(params))
    flat = params["cell"][0] * ow + params["cell"][1]
    return params, [plain(v) for v in C[flat]], 0.0


def _explain_conv_row(params, answer):
    x, k = _arrays(params)
    i, j = params["cell"]
    ow = ConvGeometry(x.shape, k.shape, **_conv_args(params)).output_shape[1]
    taps = receptive_field((i, j), k.shape, **_conv_args(params), input_shape=x.shape)
    pairs = [(t.row * x.shape[1] + t.col + 1, plain(k[t.ky, t.kx])) for t in taps if not t.in_padding]
    return [Step("row_index", {"cell": (i, j), "i": i, "j": j, "ow": ow, "row": i * ow + j + 1}),
            Step("row_taps", {"pairs": pairs, "n": x.size}),
            Step("row_result", {"values": list(answer)})]


def _hint_conv_row(params):
    x, k = _arrays(params)
    i, j = params["cell"]
    ow = ConvGeometry(x.shape, k.shape, **_conv_args(params)).output_shape[1]
    return Step("hint_row", {"cell": (i, j), "row": i * ow + j + 1, "n": x.size})


# --- transposed convolutions ----------------------------------------------------------------

def _tap_links(params) -> np.ndarray:
    """M[o, n] = 1 + flat kernel tap linking input n to output o, 0 where none (the engine's matrix
    built on a kernel of tap numbers, so zeros in the real kernel do not hide a link)."""
    x, k = _arrays(params)
    numbers = np.arange(1, k.size + 1).reshape(k.shape)
    return conv_transpose_matrix(x.shape, numbers, **_tconv_args(params))


def _build_tconv_geometry(rng, level):
    geo = _draw_geometry(rng, level, (2, 3), (2, 3), transposed=True)
    return geo, _conv_values(rng, level, geo)


def _reached(params) -> np.ndarray:
    x, k = _arrays(params)
    return overlap_count(x.shape, k.shape, **_tconv_args(params)) > 0


def _build_tconv_cell(rng, level):
    geo, params = _build_tconv_geometry(rng, level)
    cells = np.argwhere(_reached(params))
    params["cell"] = tuple(int(v) for v in cells[int(rng.integers(len(cells)))])
    x, k = _arrays(params)
    return params, plain(conv_transpose2d(x, k, **_tconv_args(params))[params["cell"]]), 0.0


def _tconv_feeders(params, cell):
    x, k = _arrays(params)
    ow = ConvGeometry(x.shape, k.shape, **_tconv_args(params), transposed=True).output_shape[1]
    row = _tap_links(params)[cell[0] * ow + cell[1]]
    return [(divmod(int(n), x.shape[1]), divmod(int(row[n]) - 1, k.shape[1])) for n in np.flatnonzero(row)]


def _explain_tconv_cell(params, answer):
    x, k = _arrays(params)
    terms = [(plain(x[xi]), plain(k[ki])) for xi, ki in _tconv_feeders(params, params["cell"])]
    return [Step("tconv_sum", {"cell": tuple(params["cell"]), "terms": terms, "total": answer})]


def _tconv_cell_marks(params):
    feeders = _tconv_feeders(params, params["cell"])
    return {"x": [xi for xi, _ in feeders], "k": [ki for _, ki in feeders], "out": tuple(params["cell"])}


def _build_tconv_partial(rng, level):
    geo, params = _build_tconv_geometry(rng, level)
    x, k = _arrays(params)
    params["input_cell"] = (int(rng.integers(x.shape[0])), int(rng.integers(x.shape[1])))
    links = _tap_links(params)
    ow = geo["geometry"].output_shape[1]
    column = links[:, params["input_cell"][0] * x.shape[1] + params["input_cell"][1]]
    reached = np.flatnonzero(column)
    pool = reached if level == 1 or rng.random() < 0.85 or len(reached) == column.size else np.arange(column.size)
    params["cell"] = divmod(int(pool[int(rng.integers(len(pool)))]), ow)
    parts = transpose_partials(x, k, **_tconv_args(params))
    return params, plain(parts[params["input_cell"] + params["cell"]]), 0.0


def _placed_taps(params):
    """(output cell, kernel tap) of every tap of x(i, j)·k that lands inside the output."""
    x, k = _arrays(params)
    n = params["input_cell"][0] * x.shape[1] + params["input_cell"][1]
    ow = ConvGeometry(x.shape, k.shape, **_tconv_args(params), transposed=True).output_shape[1]
    column = _tap_links(params)[:, n]
    return [(divmod(int(o), ow), divmod(int(column[o]) - 1, k.shape[1])) for o in np.flatnonzero(column)]


def _partial_tap(params):
    found = [ki for xi, ki in _tconv_feeders(params, params["cell"]) if xi == tuple(params["input_cell"])]
    return found[0] if found else None


def _explain_tconv_partial(params, answer):
    x, k = _arrays(params)
    tap = _partial_tap(params)
    base = {"in": tuple(params["input_cell"]), "cell": tuple(params["cell"]), "total": answer}
    if tap is None:
        return [Step("partial_none", base)]
    return [Step("partial_tap", base | {"tap": tap, "xv": plain(x[tuple(params["input_cell"])]), "kv": plain(k[tap])})]


def _hint_tconv_partial(params):
    i, j = params["input_cell"]
    s, p = params["stride"], params["padding"]
    return Step("hint_partial", {"in": (i, j), "r0": s * i - p, "c0": s * j - p, "d": params["dilation"]})


def _tconv_partial_marks(params):
    tap = _partial_tap(params)
    placed = _placed_taps(params)
    return {"x": [tuple(params["input_cell"])], "k": [ki for _, ki in placed], "k_solution": [tap] if tap else [],
            "out_hl": [cell for cell, _ in placed], "out": tuple(params["cell"])}


def _build_tconv_size(rng, level):
    sizes = {1: (2, 3, 4, 5, 6, 7), 2: (2, 3, 4, 5, 7, 8), 3: (3, 4, 5, 7, 8)}[level]
    geo = _draw_geometry(rng, level, sizes, (2, 3, 4), transposed=True, square=False)
    params = _conv_values(rng, level, geo, halves_at_3=False)
    return params, tuple(int(v) for v in geo["geometry"].output_shape), 0.0


def _explain_tconv_size(params, answer):
    xs, ks, axes = _size_axes(params)
    values = {name: params[name] for name in ("stride", "padding", "output_padding", "dilation")}
    steps = [Step("size_tconv", {"axis": axis, "n": xs[a], "k": ks[a], "s": values["stride"], "p": values["padding"],
                                 "op": values["output_padding"], "d": values["dilation"], "out": answer[a]})
             for axis, a in axes]
    steps.append(Step("size_result", {"shape": tuple(answer)}))
    return steps


def _tconv_size_marks(params):
    """The first input cell's partial: x(0, 0) and the kernel it spreads."""
    x, k = _arrays(params)
    return {"x": [(0, 0)], "k": [(a, b) for a in range(k.shape[0]) for b in range(k.shape[1])], "out": None}


def _tconv_question(params) -> dict:
    return {"cell": tuple(params["cell"]), **_tconv_args(params)}


# --- compression_ratio ------------------------------------------------------------------------

MNIST_SHAPE = (28, 28)
DTYPES = ("uint8", "float16", "float32", "float64")


def _bytes(shape, dtype: str) -> int:
    return int(np.zeros(shape, dtype=dtype).nbytes)


def _build_compression(rng, level):
    if level == 1:
        image, image_dtype, code_dtype, k = MNIST_SHAPE, "uint8", "float32", _choice(rng, (1, 2, 4, 7, 14, 28, 49))
    elif level == 2:
        image, image_dtype, code_dtype, k = MNIST_SHAPE, "uint8", "float32", int(rng.integers(1, 65))
    else:
        image = _choice(rng, (MNIST_SHAPE, (32, 32, 3), (64, 64)))
        image_dtype = _choice(rng, ("uint8", "float32"))
        code_dtype = _choice(rng, ("float16", "float32", "float64"))
        k = _choice(rng, (2, 8, 10, 16, 32, 50, 64, 100, 128))
    params = {"image_shape": image, "image_dtype": image_dtype, "code_dtype": code_dtype, "k": k}
    if (image, image_dtype, code_dtype) == (MNIST_SHAPE, "uint8", "float32"):
        answer = compression.compression_ratio(k)   # what the compression page shows
    else:
        answer = _bytes(image, image_dtype) / _bytes((k,), code_dtype)
    return params, plain(answer), 0.005


def _explain_compression(params, answer):
    image, k = params["image_shape"], params["k"]
    image_item, code_item = _bytes((), params["image_dtype"]), _bytes((), params["code_dtype"])
    image_total, code_total = _bytes(image, params["image_dtype"]), _bytes((k,), params["code_dtype"])
    return [Step("bytes_image", {"shape": tuple(image), "dtype": params["image_dtype"], "size": image_item,
                                 "total": image_total}),
            Step("bytes_code", {"k": k, "dtype": params["code_dtype"], "size": code_item, "total": code_total}),
            Step("bytes_ratio", {"a": image_total, "b": code_total, "ratio": answer})]


# --- layer_params --------------------------------------------------------------------------------

ARCHITECTURES = {
    1: [("mlp", hidden, True) for hidden in ((256, 64), (128, 32), (512, 128), (64,))],
    2: [("conv", chans, True) for chans in ((16, 32), (32, 64), (8, 16))],
    3: [("mlp", hidden, False) for hidden in ((256, 64), (128,))] + [("conv", chans, bias) for chans in
                                                                      ((16, 32), (32, 64)) for bias in (True, False)],
}


@lru_cache(maxsize=64)
def _architecture(kind: str, hidden: tuple, latent: int, bias: bool):
    """(config dict, rows of the architecture panel, weighted layers) of one model, built once."""
    from torch import nn

    from .models import ModelConfig, build_model, describe_layers

    config = ModelConfig(kind, latent, hidden, bias)
    model = build_model(config, seed=0)
    rows = describe_layers(model)
    weighted = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d))]
    layers = []
    for m in weighted:
        info = {"type": type(m).__name__, "bias": m.bias is not None}
        if isinstance(m, nn.Linear):
            info |= {"in": m.in_features, "out": m.out_features}
        else:
            info |= {"in": m.in_channels, "out": m.out_channels, "kernel": tuple(m.kernel_size)}
        layers.append(info)
    shown = [{"name": r.name, "shape": tuple(r.output_shape), "part": r.part, "params": r.params} for r in rows]
    return config.to_dict(), shown, layers


def _build_layer_params(rng, level):
    kind, hidden, bias = _choice(rng, ARCHITECTURES[level])
    latent = _choice(rng, (2, 8, 16, 32))
    config, rows, layers = _architecture(kind, hidden, latent, bias)
    weighted_rows = [i for i, r in enumerate(rows) if r["params"] > 0]
    if level == 2:   # convolutions only
        candidates = [n for n, info in enumerate(layers) if info["type"] != "Linear"]
    else:
        candidates = list(range(len(layers)))
    n = _choice(rng, candidates)
    row = weighted_rows[n]
    params = {"model": config, "layers": [{key: r[key] for key in ("name", "shape", "part")} for r in rows],
              "asked": row, "layer": dict(layers[n])}
    return params, int(rows[row]["params"]), 0.0


def _explain_layer_params(params, answer):
    info = params["layer"]
    if info["type"] == "Linear":
        return [Step("params_linear" if info["bias"] else "params_linear_nobias",
                     {"in": info["in"], "out": info["out"], "total": answer})]
    kh, kw = info["kernel"]
    return [Step("params_conv" if info["bias"] else "params_conv_nobias",
                 {"in": info["in"], "out": info["out"], "kh": kh, "kw": kw, "total": answer})]


def _hint_layer_params(params):
    info = params["layer"]
    return Step("hint_linear" if info["type"] == "Linear" else "hint_conv", {"type": info["type"]})


# --- the registry -------------------------------------------------------------------------------

def _none(_params):
    return {}


KIND_SPECS: dict[str, Kind] = {
    "conv_cell": Kind("number", _build_conv_cell, lambda p: Step("conv_cell", _conv_question(p)),
                      _hint_conv_cell, _explain_conv_cell, _conv_window),
    "conv_size": Kind("size", _build_conv_size, lambda p: Step("conv_size", _conv_args(p)),
                      lambda p: Step("hint_size_conv"), _explain_conv_size, _size_marks),
    "conv_matrix_row": Kind("list", _build_conv_row,
                            lambda p: Step("conv_matrix_row", _conv_question(p) | {"n": np.array(p["x"]).size}),
                            _hint_conv_row, _explain_conv_row, _conv_window),
    "transposed_cell": Kind("number", _build_tconv_cell, lambda p: Step("transposed_cell", _tconv_question(p)),
                            lambda p: Step("hint_tcell", {"cell": tuple(p["cell"])}), _explain_tconv_cell,
                            _tconv_cell_marks),
    "transposed_partial": Kind("number", _build_tconv_partial,
                               lambda p: Step("transposed_partial", _tconv_question(p) | {"in": tuple(p["input_cell"])}),
                               _hint_tconv_partial, _explain_tconv_partial, _tconv_partial_marks),
    "transposed_size": Kind("size", _build_tconv_size, lambda p: Step("transposed_size", _tconv_args(p)),
                            lambda p: Step("hint_size_tconv"), _explain_tconv_size, _tconv_size_marks),
    "compression_ratio": Kind("number", _build_compression,
                              lambda p: Step("compression_ratio", {"shape": tuple(p["image_shape"]), "k": p["k"],
                                                                   "image_dtype": p["image_dtype"],
                                                                   "code_dtype": p["code_dtype"]}),
                              lambda p: Step("hint_bytes"), _explain_compression, _none),
    "layer_params": Kind("number", _build_layer_params,
                         lambda p: Step("layer_params", {"name": p["layers"][p["asked"]]["name"]}),
                         _hint_layer_params, _explain_layer_params, _none),
}
