"""The exercise engine: reproducible, answers agree with PyTorch, checks read both decimal styles.

Oracles are independent of aeviz.core.conv: torch.nn.functional for the numbers and
the sizes, the convolution of one-hot images for a row of the unrolled matrix, fresh
torch layers for parameter counts, torch's element sizes for byte counts.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from aeviz.core.answers import check_answer, parse_list, parse_number, parse_size
from aeviz.core.exercises import KINDS, LEVELS, Exercise, draw_seed, generate, mixed

N_PER_KIND = 500
CASES = [(seed, level) for seed in range(N_PER_KIND // len(LEVELS) + 1) for level in LEVELS][:N_PER_KIND]


def _t(a) -> torch.Tensor:
    return torch.tensor(np.array(a, dtype=np.float64))[None, None]


def _conv_kwargs(p):
    return {"stride": p["stride"], "padding": p["padding"], "dilation": p["dilation"]}


def _tconv_kwargs(p):
    return _conv_kwargs(p) | {"output_padding": p["output_padding"]}


def torch_answer(ex: Exercise):
    """What PyTorch says the answer is (computed without the aeviz engine)."""
    p = ex.params
    if ex.kind == "conv_cell":
        return F.conv2d(_t(p["x"]), _t(p["k"]), **_conv_kwargs(p))[0, 0][p["cell"]].item()
    if ex.kind == "conv_size":
        return tuple(F.conv2d(_t(p["x"]), _t(p["k"]), **_conv_kwargs(p)).shape[2:])
    if ex.kind == "conv_matrix_row":   # entry n of the row = output cell of the n-th one-hot input image
        shape = np.array(p["x"]).shape
        basis = torch.eye(shape[0] * shape[1], dtype=torch.float64).reshape(-1, 1, *shape)
        return F.conv2d(basis, _t(p["k"]), **_conv_kwargs(p))[(slice(None), 0) + tuple(p["cell"])].tolist()
    if ex.kind == "transposed_cell":
        return F.conv_transpose2d(_t(p["x"]), _t(p["k"]), **_tconv_kwargs(p))[0, 0][p["cell"]].item()
    if ex.kind == "transposed_partial":
        only = np.zeros(np.array(p["x"]).shape)
        only[p["input_cell"]] = np.array(p["x"])[p["input_cell"]]
        return F.conv_transpose2d(_t(only), _t(p["k"]), **_tconv_kwargs(p))[0, 0][p["cell"]].item()
    if ex.kind == "transposed_size":
        return tuple(F.conv_transpose2d(_t(p["x"]), _t(p["k"]), **_tconv_kwargs(p)).shape[2:])
    if ex.kind == "compression_ratio":
        dtypes = {"uint8": torch.uint8, "float16": torch.float16, "float32": torch.float32, "float64": torch.float64}
        image = torch.zeros(p["image_shape"], dtype=dtypes[p["image_dtype"]])
        code = torch.zeros(p["k"], dtype=dtypes[p["code_dtype"]])
        return image.numel() * image.element_size() / (code.numel() * code.element_size())
    if ex.kind == "layer_params":
        info = p["layer"]
        if info["type"] == "Linear":
            layer = nn.Linear(info["in"], info["out"], bias=info["bias"])
        else:
            cls = {"Conv2d": nn.Conv2d, "ConvTranspose2d": nn.ConvTranspose2d}[info["type"]]
            layer = cls(info["in"], info["out"], tuple(info["kernel"]), bias=info["bias"])
        assert p["layers"][p["asked"]]["name"].startswith(f"{info['type']} {info['in']}→{info['out']}")
        return sum(t.numel() for t in layer.parameters())
    raise AssertionError(ex.kind)


def _num(v: float, comma: bool) -> str:
    text = repr(float(v)) if not float(v).is_integer() else str(int(v))
    return text.replace(".", ",") if comma else text


def written(ex: Exercise, comma: bool) -> list[str]:
    """The right answer as students write it, in one decimal style."""
    a = ex.answer
    if ex.answer_kind == "size":
        return [f"{a[0]}x{a[1]}", f"{a[0]}×{a[1]}", f"{a[0]} x {a[1]}", f"({a[0]}, {a[1]})"]
    if ex.answer_kind == "list":
        sep = "; " if comma else ", "
        return [" ".join(_num(v, comma) for v in a), sep.join(_num(v, comma) for v in a)]
    texts = [_num(a, comma), " " + _num(a, comma) + " "]
    if not float(a).is_integer():
        texts.append(f"{float(a):.2f}".replace(".", "," if comma else "."))   # rounded to 2 decimals
    return texts


def wrong(ex: Exercise) -> str:
    a = ex.answer
    if ex.answer_kind == "size":
        return f"{a[0] + 1}×{a[1]}"
    if ex.answer_kind == "list":
        return " ".join(_num(v + (1 if i == len(a) // 2 else 0), False) for i, v in enumerate(a))
    return _num(a + 1, True)


@pytest.mark.parametrize("kind", KINDS)
def test_kind_over_seeds_and_levels(kind):
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    for seed, level in CASES:
        ex = generate(kind, seed, level)
        again = generate(kind, seed, level)
        assert ex == again, (kind, seed, level)
        expected = torch_answer(ex)
        if ex.answer_kind == "size":
            assert tuple(ex.answer) == expected and min(expected) >= 2
        elif ex.answer_kind == "list":
            assert np.allclose(ex.answer, expected, atol=1e-9), (kind, seed, level)
        else:
            assert abs(ex.answer - expected) <= 1e-9 * max(1, abs(expected)), (kind, seed, level, ex.answer, expected)
        for comma in (False, True):
            for text in written(ex, comma):
                assert ex.check(text).right, (kind, seed, level, text, ex.answer)
        verdict = ex.check(wrong(ex))
        assert verdict.valid and not verdict.right, (kind, seed, level, wrong(ex))
        steps = ex.explanation()
        assert steps and all(isinstance(s.key, str) for s in steps)
    assert rng.bit_generator.state == state   # the global / caller's generators are untouched


def test_explanations_end_on_the_answer():
    for kind in KINDS:
        for seed, level in CASES[:60]:
            ex = generate(kind, seed, level)
            last = ex.explanation()[-1].values
            final = last.get("total", last.get("shape", last.get("values", last.get("ratio"))))
            assert final == (tuple(ex.answer) if ex.answer_kind == "size" else ex.answer), (kind, seed, level)


def test_conv_sum_terms_multiply_to_the_answer():
    for seed, level in CASES[:90]:
        for kind, key in (("conv_cell", "conv_sum"), ("transposed_cell", "tconv_sum")):
            ex = generate(kind, seed, level)
            step = ex.explanation()[-1]
            assert step.key == key
            assert sum(a * b for a, b in step.values["terms"]) == pytest.approx(ex.answer)


def test_levels_add_stride_padding_then_dilation():
    for seed in range(40):
        one, two, three = (generate("conv_cell", seed, lvl).params for lvl in LEVELS)
        assert (one["stride"], one["padding"], one["dilation"]) == (1, 0, 1)
        assert (two["stride"], two["padding"]) != (1, 0) and two["dilation"] == 1
        assert three["dilation"] == 2
    assert all(generate("transposed_cell", s, 1).params["output_padding"] == 0 for s in range(20))
    assert any(generate("transposed_size", s, 3).params["output_padding"] == 1 for s in range(20))


def test_params_are_plain_values():
    for kind in KINDS:
        ex = generate(kind, 3, 3)
        assert _plain(ex.params), kind
    p = generate("transposed_cell", 5, 2).params
    assert {"x", "k", "stride", "padding", "dilation", "output_padding", "cell"} <= set(p)
    assert isinstance(p["x"], list) and isinstance(p["stride"], int) and len(p["cell"]) == 2


def _plain(v) -> bool:
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain(x) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    return v is None or type(v) in (int, float, str, bool)


def test_seeds_and_kinds_give_different_exercises():
    assert generate("conv_cell", 1, 1) != generate("conv_cell", 2, 1)
    assert generate("conv_cell", 1, 1).params["x"] != generate("conv_matrix_row", 1, 1).params["x"]
    assert len({mixed(s) for s in range(200)}) > 12
    assert mixed(42) == mixed(42)
    assert 1 <= draw_seed() <= 99_999


def test_bad_arguments_are_refused():
    for args in (("nope", 1, 1), ("conv_cell", -1, 1), ("conv_cell", 1.5, 1), ("conv_cell", 1, 4), ("conv_cell", True, 1)):
        with pytest.raises(ValueError):
            generate(*args)


def test_course_slide_formats():
    assert parse_number("122") == 122
    assert parse_number("−2,5") == -2.5 == parse_number("-2.5")
    assert parse_number("1 234,5") == 1234.5
    assert parse_number("784/64") == 12.25
    assert parse_size("3 x 3") == (3, 3) == parse_size("3X3") == parse_size("3")
    assert parse_list("[1, 4, 1, 0]", 4) == [1, 4, 1, 0] == parse_list("1,4,1,0", 4)
    assert parse_list("1,5 2,5", 2) == [1.5, 2.5] == parse_list("1,5; 2,5", 2) == parse_list("1.5, 2.5", 2)


@pytest.mark.parametrize("kind, answer, text, code", [
    ("number", 122, "", "empty"),
    ("number", 122, "   ", "empty"),
    ("number", 122, "cent", "not_number"),
    ("number", 122, "1,2.3", "not_number"),
    ("number", 122, "1/0", "not_number"),
    ("number", 122, "inf", "not_number"),
    ("size", (3, 4), "3", "not_size"),
    ("size", (3, 3), "3.5", "not_whole"),
    ("size", (3, 3), "trois", "not_size"),
    ("list", [1, 2, 3], "1 2", "count"),
    ("list", [1, 2, 3], "1 deux 3", "not_number"),
])
def test_text_that_is_not_an_answer_is_invalid(kind, answer, text, code):
    verdict = check_answer(kind, answer, text)
    assert verdict.status == "invalid" and verdict.code == code and not verdict.right
    if code == "count":
        assert verdict.values == {"given": 2, "expected": 3}


def test_ratio_tolerance_accepts_two_decimals_only():
    ex = next(generate("compression_ratio", s, 2) for s in range(100)
              if not float(generate("compression_ratio", s, 2).answer * 100).is_integer())
    assert ex.check(f"{ex.answer:.2f}".replace(".", ",")).right
    assert not ex.check(f"{ex.answer:.1f}").right or round(ex.answer, 1) == round(ex.answer, 2)
    assert not ex.check(f"{ex.answer + 0.02:.2f}").right
