"""aeviz.core.conv against PyTorch, the lesson-2 slides and its own matrices."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aeviz.core import conv as cv
from aeviz.core.conv import (
    ConvGeometry, conv2d, conv_matrix, conv_output_size, conv_transpose2d,
    conv_transpose_matrix, conv_transpose_output_size, outputs_touched_by, overlap_count,
    pad2d, pair, receptive_field, transpose_partials,
)

PROP = settings(max_examples=300, deadline=None)
FEW = settings(max_examples=60, deadline=None)

# ---------------------------------------------------------------- strategies

def _shapes(lo, hi):
    return [(h, w) for h in range(lo, hi + 1) for w in range(lo, hi + 1)]


def _choices(lo, hi):
    """Ints and (h, w) pairs, as a user could type either."""
    return list(range(lo, hi + 1)) + _shapes(lo, hi)


def _p(lo, hi):
    # One sampled_from instead of nested draws: hypothesis' per-draw cost dominates
    # these tiny examples, and 300 examples per property must stay fast.
    return st.sampled_from(_choices(lo, hi))


@st.composite
def geometry(draw, transposed=False, lo=False):
    """Raw parameters (possibly invalid); ``lo`` widens ranges to include illegal values."""
    g = dict(
        in_shape=draw(st.sampled_from(_shapes(0 if lo else 1, 10))),
        k_shape=draw(st.sampled_from(_shapes(0 if lo else 1, 5))),
        stride=draw(_p(0 if lo else 1, 3)),
        padding=draw(_p(-1 if lo else 0, 2)),
        dilation=draw(_p(0 if lo else 1, 2)),
    )
    if transposed and lo:
        g["output_padding"] = draw(_p(-1, 2))
    elif transposed:  # draw below max(stride, dilation) per axis, so few examples are wasted
        s, d = pair(g["stride"]), pair(g["dilation"])
        g["output_padding"] = draw(st.sampled_from(
            [op for op in _choices(0, 2)
             if all(pair(op)[i] < max(s[i], d[i]) for i in (0, 1))]))
    g["seed"] = draw(st.integers(0, 2**32 - 1))
    return g


def _valid(g) -> bool:
    """PyTorch's rules, written out independently of the module."""
    s, p, d = pair(g["stride"]), pair(g["padding"]), pair(g["dilation"])
    n, k = g["in_shape"], g["k_shape"]
    span = [d[i] * (k[i] - 1) + 1 for i in (0, 1)]
    if "output_padding" not in g:
        return all(n[i] + 2 * p[i] >= span[i] for i in (0, 1))
    op = pair(g["output_padding"])
    return all(op[i] < max(s[i], d[i]) and (n[i] - 1) * s[i] - 2 * p[i] + span[i] + op[i] > 0
               for i in (0, 1))


def _arrays(g, integer=False):
    rng = np.random.default_rng(g["seed"])
    if integer:
        return rng.integers(-9, 10, g["in_shape"]), rng.integers(-9, 10, g["k_shape"])
    return rng.standard_normal(g["in_shape"]), rng.standard_normal(g["k_shape"])


def _kw(g):
    return {key: g[key] for key in ("stride", "padding", "dilation", "output_padding") if key in g}


def _t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))[None, None]


def torch_conv(x, k, **kw):
    return F.conv2d(_t(x), _t(k), **kw)[0, 0].numpy()


def torch_tconv(x, k, **kw):
    return F.conv_transpose2d(_t(x), _t(k), **kw)[0, 0].numpy()


# ------------------------------------------------------------ against torch

@PROP
@given(geometry())
def test_conv2d_matches_torch(g):
    assume(_valid(g))
    x, k = _arrays(g)
    out = conv2d(x, k, **_kw(g))
    ref = torch_conv(x, k, **_kw(g))
    assert out.dtype == np.float64 and out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    d, s, p = pair(g["dilation"]), pair(g["stride"]), pair(g["padding"])
    assert out.shape == tuple(conv_output_size(g["in_shape"][i], g["k_shape"][i], s[i], p[i], d[i])
                              for i in (0, 1))


@PROP
@given(geometry(transposed=True))
def test_conv_transpose2d_matches_torch(g):
    assume(_valid(g))
    x, k = _arrays(g)
    out = conv_transpose2d(x, k, **_kw(g))
    ref = torch_tconv(x, k, **_kw(g))
    assert out.dtype == np.float64 and out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    s, p, op, d = (pair(g[n]) for n in ("stride", "padding", "output_padding", "dilation"))
    assert out.shape == tuple(conv_transpose_output_size(g["in_shape"][i], g["k_shape"][i], s[i], p[i],
                                                         op[i], d[i]) for i in (0, 1))


def _raises(f, *a, **kw):
    try:
        f(*a, **kw)
    except (ValueError, RuntimeError) as e:
        return type(e)
    return None


@PROP
@given(geometry(lo=True))
def test_conv2d_refuses_exactly_what_torch_refuses(g):
    x, k = np.ones(g["in_shape"]), np.ones(g["k_shape"])
    ours, theirs = _raises(conv2d, x, k, **_kw(g)), _raises(torch_conv, x, k, **_kw(g))
    assert (ours is None or issubclass(ours, ValueError)) and theirs in (None, RuntimeError)
    assert (ours is None) == (theirs is None), g


@PROP
@given(geometry(transposed=True, lo=True))
def test_conv_transpose2d_refuses_exactly_what_torch_refuses(g):
    x, k = np.ones(g["in_shape"]), np.ones(g["k_shape"])
    ours, theirs = _raises(conv_transpose2d, x, k, **_kw(g)), _raises(torch_tconv, x, k, **_kw(g))
    assert (ours is None or issubclass(ours, ValueError)) and theirs in (None, RuntimeError)
    assert (ours is None) == (theirs is None), g


# ------------------------------------------------------------- matrices

@PROP
@given(geometry())
def test_conv_matrix_identities(g):
    assume(_valid(g))
    x, k = _arrays(g)
    kw = _kw(g)
    c = conv_matrix(g["in_shape"], k, **kw)
    y = conv2d(x, k, **kw)
    assert c.shape == (y.size, x.size)
    np.testing.assert_allclose(c @ x.ravel(), y.ravel(), rtol=1e-12, atol=1e-12)
    # C.T is the transposed convolution; the stride remainder is its output_padding.
    s, p, d = pair(g["stride"]), pair(g["padding"]), pair(g["dilation"])
    op = tuple((g["in_shape"][i] + 2 * p[i] - d[i] * (g["k_shape"][i] - 1) - 1) % s[i] for i in (0, 1))
    y2 = np.random.default_rng(g["seed"] + 1).standard_normal(y.shape)
    t = conv_transpose2d(y2, k, output_padding=op, **kw)
    np.testing.assert_allclose((c.T @ y2.ravel()).reshape(g["in_shape"]), t, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(conv_transpose_matrix(y.shape, k, output_padding=op, **kw), c.T)
    if op == (0, 0):
        np.testing.assert_allclose((c.T @ y2.ravel()).reshape(g["in_shape"]),
                                   conv_transpose2d(y2, k, **kw), rtol=1e-12, atol=1e-12)


@PROP
@given(geometry(transposed=True))
def test_conv_transpose_matrix_and_partials(g):
    assume(_valid(g))
    x, k = _arrays(g, integer=True)
    kw = _kw(g)
    out = conv_transpose2d(x, k, **kw)
    m = conv_transpose_matrix(g["in_shape"], k, **kw)
    np.testing.assert_array_equal(m @ x.ravel(), out.ravel())
    parts = transpose_partials(x, k, **kw)
    assert parts.shape == g["in_shape"] + out.shape and parts.dtype == np.int64
    np.testing.assert_array_equal(parts.sum(axis=(0, 1)), out)
    # each partial grid is x[i, j] times column (i, j) of M
    np.testing.assert_array_equal(parts.reshape(x.size, -1), (m * x.ravel()).T)
    full = transpose_partials(x, k, **kw, crop=False)
    geo = ConvGeometry(g["in_shape"], g["k_shape"], transposed=True, **kw)
    (ph, pw), (oh, ow) = geo.padding, geo.output_shape
    assert full.shape[2:] == geo.full_shape
    np.testing.assert_array_equal(full[:, :, ph:ph + oh, pw:pw + ow], parts)
    assert full.sum() == np.outer(x.ravel(), k.ravel()).sum()  # nothing lost before the crop


# ------------------------------------------------------ integer exactness

def _naive_conv(x, k, s, p, d):
    """Plain Python ints, the slow obvious way (reference for exactness)."""
    xp = np.pad(x, p).tolist()
    kk = k.tolist()
    span = d * (len(kk) - 1) + 1
    oh = (len(xp) - span) // s + 1
    ow = (len(xp[0]) - d * (len(kk[0]) - 1) - 1) // s + 1
    return [[sum(xp[s * i + d * a][s * j + d * b] * kk[a][b]
                 for a in range(len(kk)) for b in range(len(kk[0])))
             for j in range(ow)] for i in range(oh)]


@PROP
@given(geometry(transposed=True), st.sampled_from([np.int8, np.uint8, np.int32, np.int64, bool, "list"]))
def test_integer_inputs_are_exact(g, dtype):
    assume(_valid(g))
    x, k = _arrays(g, integer=True)
    if dtype == "list":
        x, k = x.tolist(), k.tolist()
    elif dtype is np.uint8:
        x, k = np.abs(x).astype(dtype), np.abs(k).astype(dtype)
    else:
        x, k = x.astype(dtype), k.astype(dtype)
    kw = _kw(g)
    t = conv_transpose2d(x, k, **kw)
    assert t.dtype == np.int64
    np.testing.assert_array_equal(t, torch_tconv(x, k, **kw).round().astype(np.int64))
    assert transpose_partials(x, k, **kw).dtype == np.int64
    assert conv_transpose_matrix(g["in_shape"], k, **kw).dtype == np.int64
    del kw["output_padding"]
    if _valid({name: v for name, v in g.items() if name != "output_padding"}):  # also a valid conv?
        c = conv2d(x, k, **kw)
        assert c.dtype == np.int64
        np.testing.assert_array_equal(c, torch_conv(x, k, **kw).round().astype(np.int64))
        assert conv_matrix(g["in_shape"], k, **kw).dtype == np.int64


def test_integer_exact_beyond_float_precision():
    big = 2**31 + 1  # products ~2**59: exact in int64, not in float64 (53-bit mantissa)
    x = np.array([[big, 3, big], [5, big, 7], [big, 11, big]], dtype=np.int64)
    k = np.array([[2**28 + 1, 1], [1, 2**28 + 3]], dtype=np.int64)
    out = conv2d(x, k)
    assert out.tolist() == _naive_conv(x, k, 1, 0, 1)
    assert out.tolist() != np.rint(conv2d(x.astype(float), k.astype(float))).astype(np.int64).tolist()


def test_dtype_rules():
    assert conv2d(np.ones((3, 3), np.float32), np.ones((2, 2), np.int16)).dtype == np.float64
    assert conv2d([[1, 2], [3, 4]], [[1.5]]).dtype == np.float64
    assert conv2d(np.eye(3, dtype=bool), np.ones((2, 2), bool)).tolist() == [[2, 1], [1, 2]]
    assert conv_matrix((3, 3), [[1.0]]).dtype == np.float64
    assert pad2d([[1]], (1, 2)).tolist() == [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]


# ------------------------------------------------------ lesson-2 slides

SLIDE_X = [[4, 5, 8, 7], [1, 8, 8, 8], [3, 6, 6, 4], [6, 5, 7, 8]]
SLIDE_K = [[1, 4, 1], [1, 4, 3], [3, 3, 1]]
SLIDE_C = """
1 4 1 0 1 4 3 0 3 3 1 0 0 0 0 0
0 1 4 1 0 1 4 3 0 3 3 1 0 0 0 0
0 0 0 0 1 4 1 0 1 4 3 0 3 3 1 0
0 0 0 0 0 1 4 1 0 1 4 3 0 3 3 1"""
T_Y = [[55, 52], [57, 50]]
T_K = [[1, 2, 1], [2, 1, 2], [1, 1, 2]]
T_OUT = [[55, 162, 159, 52], [167, 323, 319, 154], [169, 264, 326, 204], [57, 107, 164, 100]]
T_M = ("1 0 0 0 / 2 1 0 0 / 1 2 0 0 / 0 1 0 0 / 2 0 1 0 / 1 2 2 1 / 2 1 1 2 / 0 2 0 1 / "
       "1 0 2 0 / 1 1 1 2 / 2 1 2 1 / 0 2 0 2 / 0 0 1 0 / 0 0 1 1 / 0 0 2 1 / 0 0 0 2")
T_PARTIALS = [
    [55, 110, 55, 0, 110, 55, 110, 0, 55, 55, 110, 0, 0, 0, 0, 0],
    [0, 52, 104, 52, 0, 104, 52, 104, 0, 52, 52, 104, 0, 0, 0, 0],
    [0, 0, 0, 0, 57, 114, 57, 0, 114, 57, 114, 0, 57, 57, 114, 0],  # slide misprints 117
    [0, 0, 0, 0, 0, 50, 100, 50, 0, 100, 50, 100, 0, 50, 50, 100],
]


def test_slide_convolution():
    out = conv2d(SLIDE_X, SLIDE_K)
    assert out.dtype == np.int64 and out.tolist() == [[122, 148], [126, 134]]
    c = conv_matrix((4, 4), SLIDE_K)
    assert c.tolist() == [[int(v) for v in row.split()] for row in SLIDE_C.strip().splitlines()]
    assert (c @ np.ravel(SLIDE_X)).tolist() == [122, 148, 126, 134]
    taps = receptive_field((0, 0), (3, 3), input_shape=(4, 4))
    terms = [SLIDE_X[t.row][t.col] * SLIDE_K[t.ky][t.kx] for t in taps]
    assert terms[:2] == [4 * 1, 5 * 4] and sum(terms) == 122


def test_slide_transposed_convolution():
    out = conv_transpose2d(T_Y, T_K)
    assert out.dtype == np.int64 and out.tolist() == T_OUT
    m = conv_transpose_matrix((2, 2), T_K)
    assert m.tolist() == [[int(v) for v in row.split()] for row in T_M.split("/")]
    np.testing.assert_array_equal(m, conv_matrix((4, 4), T_K).T)
    parts = transpose_partials(T_Y, T_K)
    assert parts.reshape(4, 16).tolist() == T_PARTIALS
    assert parts.sum(axis=(0, 1)).tolist() == T_OUT


# ------------------------------------------------------ helpers vs matrices

@FEW
@given(geometry())
def test_receptive_field_and_outputs_touched_match_conv_matrix(g):
    assume(_valid(g))
    kw = _kw(g)
    (h, w), (kh, kw_) = g["in_shape"], g["k_shape"]
    k = np.arange(1, kh * kw_ + 1).reshape(kh, kw_)  # nonzero and distinct: identifies the tap
    c = conv_matrix((h, w), k, **kw)
    oh, ow = ConvGeometry((h, w), (kh, kw_), **kw).output_shape
    p = pair(g["padding"])
    for o in range(oh * ow):
        taps = receptive_field(divmod(o, ow), (kh, kw_), **kw, input_shape=(h, w))
        assert [(t.ky, t.kx) for t in taps] == [(a, b) for a in range(kh) for b in range(kw_)]
        real = {t.row * w + t.col: k[t.ky, t.kx] for t in taps if not t.in_padding}
        assert real == {int(n): c[o, n] for n in np.flatnonzero(c[o])}
        for t in taps:
            assert t.in_padding == (not (0 <= t.row < h and 0 <= t.col < w))
        padded = receptive_field(divmod(o, ow), (kh, kw_), **kw, padded=True)
        assert [(t.row, t.col) for t in padded] == [(t.row + p[0], t.col + p[1]) for t in taps]
        assert all(t.in_padding is None for t in padded)
        bare = receptive_field(divmod(o, ow), (kh, kw_), **kw)  # no input_shape: same taps, unknown padding
        assert [t[:4] for t in bare] == [t[:4] for t in taps]
    for n in range(h * w):
        touches = outputs_touched_by(divmod(n, w), (h, w), (kh, kw_), **kw)
        assert touches == sorted(touches)
        assert {t.row * ow + t.col: k[t.ky, t.kx] for t in touches} == \
            {int(o): c[o, n] for o in np.flatnonzero(c[:, n])}


@FEW
@given(geometry(transposed=True))
def test_overlap_count_matches_torch(g):
    assume(_valid(g))
    counts = overlap_count(g["in_shape"], g["k_shape"], **_kw(g))
    assert counts.dtype == np.int64
    ref = torch_tconv(np.ones(g["in_shape"]), np.ones(g["k_shape"]), **_kw(g))
    np.testing.assert_array_equal(counts, ref.astype(np.int64))


def test_overlap_checkerboard_k3_s2():
    counts = overlap_count((6, 6), (3, 3), stride=2)
    assert counts.shape == (13, 13)
    inner = counts[1:-1, 1:-1]
    assert set(np.unique(inner)) == {1, 2, 4}
    per_axis = np.where(np.arange(13) % 2 == 0, 2, 1)  # even positions get two taps
    per_axis[[0, -1]] = 1
    np.testing.assert_array_equal(counts, np.outer(per_axis, per_axis))
    assert overlap_count((6, 6), (4, 4), stride=2)[2:-2, 2:-2].tolist() == [[4] * 10] * 10  # k divisible by s


# ------------------------------------------------------------- messages

@pytest.mark.parametrize("call, fragment", [
    (lambda: conv2d(np.ones((4, 4)), np.ones((5, 5))), "a 5×5 kernel does not fit in a 4×4 input with padding 0"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((3, 3)), dilation=2), "with dilation 2 (it spans 5×5) does not fit"),
    (lambda: conv_matrix((4, 6), np.ones((5, 2)), padding=(0, 1)), "does not fit in a 4×6 input with padding (0, 1)"),
    (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2, output_padding=2),
     "output_padding (2) must be smaller than either stride (2) or dilation (1)"),
    (lambda: conv_transpose2d(np.ones((1, 1)), np.ones((3, 3)), padding=2), "padding 2 crops everything"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), stride=0), "stride must be at least 1"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding=-1), "padding cannot be negative"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), dilation=0), "dilation must be at least 1"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), stride=1.5), "stride must be a whole number"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), stride=True), "stride must be a whole number"),
    (lambda: conv2d(np.ones(4), np.ones((2, 2))), "x must be a 2-D array"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((1, 2, 2))), "k must be a 2-D array"),
    (lambda: conv2d(np.ones((0, 4)), np.ones((2, 2))), "x is empty"),
    (lambda: conv2d([[1.0, np.nan]], [[1.0]]), "NaN or infinite"),
    (lambda: conv2d([["a"]], [[1]]), "must contain numbers"),
    (lambda: conv_output_size(4, 5), "kernel does not fit"),
    (lambda: conv_transpose_output_size(2, 3, stride=1, output_padding=1), "output_padding (1) must be smaller"),
    (lambda: receptive_field((2, 0), (3, 3), input_shape=(4, 4)), "outside the 2×2 output"),
    (lambda: outputs_touched_by((4, 0), (4, 4), (3, 3)), "outside the 4×4 input"),
    (lambda: receptive_field((0, 0), (3, 3), stride=0), "stride must be at least 1"),
])
def test_error_messages(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)


def test_output_size_formulas():
    assert conv_output_size(28, 3, stride=2, padding=1) == 14
    assert conv_transpose_output_size(14, 3, stride=2, padding=1, output_padding=1) == 28
    assert conv_transpose_output_size(2, 3, stride=1, dilation=2, output_padding=1) == 7
    assert cv.pair((2, 3)) == (2, 3) and cv.pair(np.int64(2)) == (2, 2)
