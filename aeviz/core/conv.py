"""Single-channel 2-D convolution and transposed convolution in plain numpy.

Why not just call torch? The app has to *show* the computation: which input cells a
kernel covers, the unrolled matrix C, the partial grids a transposed convolution adds
up. Those views need the geometry spelled out, so it lives here, in numpy, and the
tests check every number against ``torch.nn.functional``.

Conventions used throughout:

* arrays are 2-D ``(rows, cols)``; indices are ``(row, col)``, 0-based, row-major
  (``ravel()`` order is the order used by the matrices);
* "convolution" is cross-correlation, as in PyTorch: the kernel is *not* flipped;
* ``stride``, ``padding``, ``dilation``, ``output_padding`` are an int or an
  ``(h, w)`` pair (see :func:`pair`);
* integer or bool arrays give exact ``int64`` results, anything with a float gives
  ``float64`` (int64 arithmetic can overflow silently for huge values);
* invalid geometry raises ``ValueError`` with a message meant for a student, following
  PyTorch's rules (PyTorch raises ``RuntimeError`` in the same cases);
* *input coordinates* index the original, unpadded input (taps in the padding have a
  row or column < 0 or >= the size); *padded coordinates* index the zero-padded input
  (``input coordinate + padding``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import AevizError

Pair = tuple[int, int]

__all__ = [
    "ConvError", "ConvGeometry", "Tap", "Touch", "pair", "pad2d", "conv_output_size",
    "conv_transpose_output_size", "conv2d", "conv_transpose2d", "conv_matrix",
    "conv_transpose_matrix", "receptive_field", "outputs_touched_by",
    "transpose_partials", "overlap_count",
]


class ConvError(AevizError):
    """A layer PyTorch would refuse; the English message is for a student, ``code``/``params`` for the UI."""


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def pair(v, name: str = "value") -> Pair:
    """Normalise an int or an ``(h, w)`` pair to a tuple of two Python ints.

    PyTorch accepts both forms for every geometry parameter; the UI mostly uses one
    int, the engine always works per axis. No range check here (see ConvGeometry).
    """
    if _is_int(v):
        return (int(v), int(v))
    if isinstance(v, (tuple, list, np.ndarray)) and len(v) == 2 and all(_is_int(t) for t in v):
        return (int(v[0]), int(v[1]))
    raise ValueError(f"{name} must be a whole number or a pair (height, width) of whole numbers, got {v!r}")


def _size(p: Pair) -> str:
    """A shape as the course writes it: ``5×5``."""
    return f"{p[0]}×{p[1]}"


def _param(p: Pair) -> str:
    """A parameter as the student typed it: ``2`` when both axes agree, else ``(1, 2)``."""
    return str(p[0]) if p[0] == p[1] else f"({p[0]}, {p[1]})"


@dataclass(frozen=True)
class ConvGeometry:
    """Every number defining one layer acting on one input size, validated once.

    For a convolution ``input_shape`` is the image and ``output_shape`` the (smaller)
    feature map. With ``transposed=True`` ``input_shape`` is the small map fed to the
    transposed convolution and ``output_shape`` its (larger) result. Parameters may be
    given as ints; they are stored as ``(h, w)`` pairs. Raises ValueError if PyTorch
    would refuse the same layer.
    """

    input_shape: Pair
    kernel_shape: Pair
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    output_padding: Pair = (0, 0)
    transposed: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "transposed":
                object.__setattr__(self, f.name, pair(getattr(self, f.name), f.name))
        self._validate()

    def _validate(self) -> None:
        n, k, s, p, d, op = (self.input_shape, self.kernel_shape, self.stride,
                             self.padding, self.dilation, self.output_padding)
        if min(k) < 1:
            raise ConvError("conv.kernel_empty", f"the kernel must have at least one row and one column, "
                            f"got {_size(k)}", size=_size(k))
        if min(n) < 1:
            raise ConvError("conv.input_empty", f"the input must have at least one row and one column, "
                            f"got {_size(n)}", size=_size(n))
        if min(s) < 1:
            raise ConvError("conv.stride", f"stride must be at least 1, got {_param(s)}", value=_param(s))
        if min(p) < 0:
            raise ConvError("conv.padding", f"padding cannot be negative, got {_param(p)}", value=_param(p))
        if min(d) < 1:
            raise ConvError("conv.dilation", f"dilation must be at least 1, got {_param(d)}", value=_param(d))
        if min(op) < 0:
            raise ConvError("conv.output_padding", f"output_padding cannot be negative, got {_param(op)}",
                            value=_param(op))
        if not self.transposed:
            if op != (0, 0):
                raise ConvError("conv.output_padding_plain", "output_padding only exists for transposed convolutions")
            if any(self.padded_shape[i] < self.span[i] for i in (0, 1)):
                dil = "" if d == (1, 1) else f" with dilation {_param(d)} (it spans {_size(self.span)})"
                code = "conv.kernel_too_big" if d == (1, 1) else "conv.dilated_kernel_too_big"
                raise ConvError(code, f"a {_size(k)} kernel{dil} does not fit in a {_size(n)} input "
                                f"with padding {_param(p)}", kernel=_size(k), span=_size(self.span),
                                input=_size(n), padding=_param(p), dilation=_param(d))
            return
        if any(op[i] >= s[i] and op[i] >= d[i] for i in (0, 1)):
            raise ConvError("conv.output_padding_too_big", f"output_padding ({_param(op)}) must be smaller than "
                            f"either stride ({_param(s)}) or dilation ({_param(d)})", output_padding=_param(op),
                            stride=_param(s), dilation=_param(d))
        out = self.output_shape
        if min(out) < 1:
            raise ConvError(
                "conv.crops_everything",
                f"padding {_param(p)} crops everything: the transposed convolution of a {_size(n)} "
                f"input by a {_size(k)} kernel is {_size(self.full_shape)} before cropping "
                f"(output_padding included), and removing {_param(p)} on each side leaves {_size(out)}",
                padding=_param(p), input=_size(n), kernel=_size(k), full=_size(self.full_shape), output=_size(out))

    @property
    def span(self) -> Pair:
        """Extent of the dilated kernel: ``dilation·(k−1)+1`` per axis."""
        return tuple(d * (k - 1) + 1 for d, k in zip(self.dilation, self.kernel_shape))

    @property
    def padded_shape(self) -> Pair:
        """Input size once zero-padded (what a convolution's kernel slides over)."""
        return tuple(n + 2 * p for n, p in zip(self.input_shape, self.padding))

    @property
    def full_shape(self) -> Pair:
        """Transposed conv: the uncropped scatter grid ``(n−1)·stride + span + output_padding``.

        The result is ``full[padding : padding + output_shape]`` of it; the last
        ``output_padding`` rows/cols receive no kernel tap (they are zeros before the crop).
        """
        return tuple((n - 1) * s + sp + op for n, s, sp, op in
                     zip(self.input_shape, self.stride, self.span, self.output_padding))

    @property
    def output_shape(self) -> Pair:
        if self.transposed:
            return tuple(f - 2 * p for f, p in zip(self.full_shape, self.padding))
        return tuple((n - sp) // s + 1 for n, sp, s in zip(self.padded_shape, self.span, self.stride))


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """1-D output size of a convolution: ``⌊(n + 2p − d(k−1) − 1)/s⌋ + 1``."""
    for name, v in (("n", n), ("k", k), ("stride", stride), ("padding", padding), ("dilation", dilation)):
        if not _is_int(v):
            raise ValueError(f"{name} must be a whole number, got {v!r}")
    return ConvGeometry((n, n), (k, k), stride, padding, dilation).output_shape[0]


def conv_transpose_output_size(n: int, k: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """1-D output size of a transposed convolution: ``(n−1)s − 2p + d(k−1) + op + 1``."""
    for name, v in (("n", n), ("k", k), ("stride", stride), ("padding", padding),
                    ("output_padding", output_padding), ("dilation", dilation)):
        if not _is_int(v):
            raise ValueError(f"{name} must be a whole number, got {v!r}")
    return ConvGeometry((n, n), (k, k), stride, padding, dilation, output_padding,
                        transposed=True).output_shape[0]


def _as_array(a, name: str) -> np.ndarray:
    """Check a 2-D numeric array and give it the engine's dtype (int64 or float64)."""
    arr = np.asarray(a)
    if arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.int64)
    elif np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    else:
        raise ValueError(f"{name} must contain numbers, got values of type {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows × columns), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {_size(arr.shape)}): it needs at least one row and one column")
    if arr.dtype == np.float64 and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def pad2d(x, padding=0) -> np.ndarray:
    """Zero-pad a 2-D array by ``padding`` rows (top and bottom) and columns (left and right)."""
    x = _as_array(x, "x")
    ph, pw = pair(padding, "padding")
    if min(ph, pw) < 0:
        raise ValueError(f"padding cannot be negative, got {_param((ph, pw))}")
    return np.pad(x, ((ph, ph), (pw, pw)))


def conv2d(x, k, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Cross-correlation of ``x`` by ``k``, exactly like ``torch.nn.functional.conv2d``.

    Vectorised: a sliding-window view of the padded input, subsampled by stride
    (window positions) and dilation (inside each window), contracted with the kernel.
    """
    x, k = _as_array(x, "x"), _as_array(k, "k")
    g = ConvGeometry(x.shape, k.shape, stride, padding, dilation)
    (sh, sw), (dh, dw) = g.stride, g.dilation
    windows = sliding_window_view(pad2d(x, g.padding), g.span)[::sh, ::sw, ::dh, ::dw]
    return np.einsum("ijab,ab->ij", windows, k).astype(np.result_type(x, k), copy=False)


def conv_transpose2d(x, k, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """Transposed convolution, exactly like ``torch.nn.functional.conv_transpose2d``.

    Each input cell scatters ``x[i, j]·k`` (dilated) onto the output at
    ``(stride·i − padding, stride·j − padding)``; overlaps add up. We loop over the
    few kernel taps, each one a strided slice-add over *all* input cells at once.
    """
    x, k = _as_array(x, "x"), _as_array(k, "k")
    g = ConvGeometry(x.shape, k.shape, stride, padding, dilation, output_padding, transposed=True)
    (ih, iw), (sh, sw), (dh, dw) = g.input_shape, g.stride, g.dilation
    full = np.zeros(g.full_shape, dtype=np.result_type(x, k))
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            full[dh * a: dh * a + sh * (ih - 1) + 1: sh, dw * b: dw * b + sw * (iw - 1) + 1: sw] += k[a, b] * x
    (ph, pw), (oh, ow) = g.padding, g.output_shape
    return full[ph:ph + oh, pw:pw + ow].copy()


def _links(small: Pair, big: Pair, g: ConvGeometry):
    """Every (small-grid cell, kernel tap) → big-grid cell it meets, as flat indices.

    In a convolution the small grid is the output, the big grid the input: output
    ``(i, j)`` reads input ``(s·i + d·a − p, s·j + d·b − p)`` through tap ``(a, b)``.
    A transposed convolution uses the same links the other way round. Links falling
    in the padding are dropped.
    """
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = g.kernel_shape, g.stride, g.padding, g.dilation
    i, j, a, b = np.ix_(np.arange(small[0]), np.arange(small[1]), np.arange(kh), np.arange(kw))
    rows, cols = sh * i + dh * a - ph, sw * j + dw * b - pw
    i, j, a, b, rows, cols = np.broadcast_arrays(i, j, a, b, rows, cols)
    ok = (rows >= 0) & (rows < big[0]) & (cols >= 0) & (cols < big[1])
    return (i * small[1] + j)[ok], (rows * big[1] + cols)[ok], (a * kw + b)[ok]


def conv_matrix(input_shape, k, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The unrolled convolution matrix C, shape ``(out_h·out_w, in_h·in_w)``.

    ``C @ x.ravel() == conv2d(x, k, ...).ravel()`` and, for the same geometry,
    ``(C.T @ y.ravel()).reshape(input_shape) == conv_transpose2d(y, k, ...)``: this
    is why the transposed convolution is called "transposed". That last identity
    needs ``output_padding=0`` only when the stride divides ``in + 2p − span``
    exactly; otherwise the remainder is the output_padding that restores
    ``input_shape`` (a stride-2 conv maps 5 and 6 to 3: the transpose must pick one).
    """
    k = _as_array(k, "k")
    g = ConvGeometry(pair(input_shape, "input_shape"), k.shape, stride, padding, dilation)
    out, inp = g.output_shape, g.input_shape
    mat = np.zeros((out[0] * out[1], inp[0] * inp[1]), dtype=k.dtype)
    o, n, t = _links(out, inp, g)
    mat[o, n] = k.ravel()[t]
    return mat


def conv_transpose_matrix(input_shape, k, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """Matrix M, shape ``(out_h·out_w, in_h·in_w)``, with ``M @ x.ravel() == conv_transpose2d(x, ...).ravel()``.

    ``input_shape`` is the small map fed to the transposed convolution. M is ``C.T``
    of the matching convolution (same links, read the other way); output_padding adds
    the last rows/cols of the output (all-zero rows of M when padding is 0).
    """
    k = _as_array(k, "k")
    g = ConvGeometry(pair(input_shape, "input_shape"), k.shape, stride, padding, dilation,
                     output_padding, transposed=True)
    out, inp = g.output_shape, g.input_shape
    mat = np.zeros((out[0] * out[1], inp[0] * inp[1]), dtype=k.dtype)
    n, o, t = _links(inp, out, g)
    mat[o, n] = k.ravel()[t]
    return mat


class Tap(NamedTuple):
    """One kernel tap of an output cell: the input cell it reads and the kernel cell used."""

    row: int
    col: int
    ky: int
    kx: int
    in_padding: bool | None  # None when the input shape was not given


class Touch(NamedTuple):
    """An output cell that reads a given input cell, through kernel tap ``(ky, kx)``."""

    row: int
    col: int
    ky: int
    kx: int


def receptive_field(out_index, k_shape, stride=1, padding=0, dilation=1, *,
                    input_shape=None, padded: bool = False) -> list[Tap]:
    """The input cells read by convolution output ``out_index``, in kernel (row-major) order.

    Lets the UI write "4×1 + 5×4 + … = 122": ``x[tap.row, tap.col] · k[tap.ky, tap.kx]``.
    Coordinates are input coordinates (padding taps have a row/col < 0 or >= size)
    unless ``padded=True`` (index into ``pad2d(x, padding)``). ``in_padding`` says
    whether the tap reads a padding zero; it needs ``input_shape`` (which also
    validates the geometry and ``out_index``) and is ``None`` without it.
    """
    oi, oj = pair(out_index, "out_index")
    kh, kw = pair(k_shape, "k_shape")
    if input_shape is None:  # still check the parameters, on an input the kernel just covers
        d = pair(dilation, "dilation")
        cover = (max(d[0], 1) * (kh - 1) + 1, max(d[1], 1) * (kw - 1) + 1)
        g = ConvGeometry(cover, (kh, kw), stride, padding, dilation)
        if min(oi, oj) < 0:
            raise ValueError(f"output cell {(oi, oj)} has a negative index")
    else:
        g = ConvGeometry(pair(input_shape, "input_shape"), (kh, kw), stride, padding, dilation)
        if not (0 <= oi < g.output_shape[0] and 0 <= oj < g.output_shape[1]):
            raise ValueError(f"output cell {(oi, oj)} is outside the {_size(g.output_shape)} output")
    (sh, sw), (ph, pw), (dh, dw) = g.stride, g.padding, g.dilation
    taps = []
    for a in range(kh):
        for b in range(kw):
            r, c = sh * oi + dh * a - ph, sw * oj + dw * b - pw
            inside = None if input_shape is None else not (0 <= r < g.input_shape[0] and 0 <= c < g.input_shape[1])
            taps.append(Tap(r + ph, c + pw, a, b, inside) if padded else Tap(r, c, a, b, inside))
    return taps


def outputs_touched_by(input_index, input_shape, k_shape, stride=1, padding=0, dilation=1) -> list[Touch]:
    """The convolution output cells that read input cell ``input_index`` (input coordinates).

    Sorted row-major by output cell; each carries the kernel tap used. This is also
    where the transposed convolution sends that cell's value (C.T reverses C).
    """
    g = ConvGeometry(pair(input_shape, "input_shape"), pair(k_shape, "k_shape"), stride, padding, dilation)
    r, c = pair(input_index, "input_index")
    if not (0 <= r < g.input_shape[0] and 0 <= c < g.input_shape[1]):
        raise ValueError(f"input cell {(r, c)} is outside the {_size(g.input_shape)} input")
    (sh, sw), (ph, pw), (dh, dw), (oh, ow) = g.stride, g.padding, g.dilation, g.output_shape
    a = np.arange(g.kernel_shape[0])
    b = np.arange(g.kernel_shape[1])
    num_r, num_c = r + ph - dh * a, c + pw - dw * b        # = stride · output index
    ok_a = (num_r % sh == 0) & (num_r >= 0) & (num_r // sh < oh)
    ok_b = (num_c % sw == 0) & (num_c >= 0) & (num_c // sw < ow)
    return sorted(Touch(int(num_r[i] // sh), int(num_c[j] // sw), int(a[i]), int(b[j]))
                  for i in np.flatnonzero(ok_a) for j in np.flatnonzero(ok_b))


def transpose_partials(x, k, stride=1, padding=0, output_padding=0, dilation=1, *,
                       crop: bool = True) -> np.ndarray:
    """Per-input-cell contributions of a transposed convolution, shape ``(in_h, in_w, H, W)``.

    ``partials[i, j]`` is the grid ``x[i, j]·k`` scattered by input cell ``(i, j)``
    alone; ``partials.sum(axis=(0, 1)) == conv_transpose2d(x, k, ...)``. With
    ``crop=True`` (default) ``(H, W)`` is the output shape. With ``crop=False`` it is
    ``ConvGeometry.full_shape``, the grid before padding removes ``padding`` rows/cols
    on each side: the output is then ``partials[:, :, p_h:p_h+out_h, p_w:p_w+out_w]``.
    Memory grows as in_h·in_w·H·W: meant for the small grids shown in the UI.
    """
    x, k = _as_array(x, "x"), _as_array(k, "k")
    g = ConvGeometry(x.shape, k.shape, stride, padding, dilation, output_padding, transposed=True)
    (ih, iw), (kh, kw), (sh, sw), (dh, dw) = g.input_shape, g.kernel_shape, g.stride, g.dilation
    parts = np.zeros((ih, iw) + g.full_shape, dtype=np.result_type(x, k))
    i, j, a, b = np.ix_(np.arange(ih), np.arange(iw), np.arange(kh), np.arange(kw))
    parts[i, j, sh * i + dh * a, sw * j + dw * b] = x[i, j] * k[a, b]
    if not crop:
        return parts
    (ph, pw), (oh, ow) = g.padding, g.output_shape
    return parts[:, :, ph:ph + oh, pw:pw + ow].copy()


def overlap_count(input_shape, k_shape, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """How many kernel taps land on each output cell of a transposed convolution (int64).

    Uneven counts are the origin of checkerboard artefacts: with a 3×3 kernel and
    stride 2 the interior alternates 1, 2, 4. It is the transposed convolution of
    ones by a kernel of ones.
    """
    return conv_transpose2d(np.ones(pair(input_shape, "input_shape"), dtype=np.int64),
                            np.ones(pair(k_shape, "k_shape"), dtype=np.int64),
                            stride, padding, output_padding, dilation)
