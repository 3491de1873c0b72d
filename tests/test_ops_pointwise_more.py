"""torch's pointwise ops of the op table: erf, erfc, erfinv, trunc (fix), frac,
hypot, logaddexp, logaddexp2, xlogy (UNARY/BINARY entries, whose gradients,
properties and fusion the table-driven tests check), and lerp (a number or a
tensor weight), addcmul, addcdiv (``Nary`` entries), nan_to_num (a
``Pointwise`` entry) and heaviside (no derivative: ``NotImplemented``), whose
``CASES`` are below. Here: what the table can't say, checked by hand and
against torch when installed: dtype promotion, nan_to_num's defaults per
dtype, lerp's weight forms, addcmul/addcdiv's value, integer inputs, the
in-place forms and the torch-namespace ones, node names, error wording,
erfinv's accuracy and the compiled forms of the calls the table tests do not
make."""
import math
import sys
import warnings
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from jitgrad import derivatives, messages
from helpers import error_tests, gradcheck, table_tests, torch_check

rng = np.random.default_rng(0)
NAN, INF = float("nan"), float("inf")


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def D(*shape):
    """Away from zero (divisors)."""
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape))


def Z(*shape):
    """Zeros among the values (heaviside's input)."""
    return np.asarray(rng.integers(-1, 2, shape) * rng.uniform(0.5, 2.0, shape))


SPECIAL = np.array([NAN, INF, -INF, 1.5, -2.0, 0.0, 3e38, -1e-3])
NON_FINITE = SPECIAL[:6].copy()          # (3e38 would swamp a finite difference)

# (table entry, id, fn(lib, *inputs), inputs)
DIFF_CASES = [
    ("lerp", "number", lambda lib, a, b: lib.lerp(a, b, 0.3), [R(3, 4), R(3, 4)]),
    ("lerp", "large-weight", lambda lib, a, b: a.lerp(b, 0.75), [R(3, 4), R(3, 4)]),
    ("lerp", "negative-weight", lambda lib, a, b: lib.lerp(a, b, -0.4), [R(5), R(5)]),
    ("lerp", "int-weight", lambda lib, a, b: lib.lerp(a, b, 2), [R(5), R(5)]),
    ("lerp", "keyword", lambda lib, a, b: lib.lerp(a, b, weight=0.5), [R(5), R(5)]),
    ("lerp", "broadcast", lambda lib, a, b: lib.lerp(a, b, 0.6), [R(3, 1), R(4)]),
    ("lerp", "0d", lambda lib, a, b: lib.lerp(a, b, 0.2), [R(), R(3)]),
    ("lerp", "non-contiguous", lambda lib, a, b: a.t().lerp(b, 0.1), [R(4, 3), R(3, 4)]),
    ("lerp_tensor", "tensor", lambda lib, a, b, w: lib.lerp(a, b, w), [R(3, 4), R(3, 4), R(3, 4)]),
    ("lerp_tensor", "method", lambda lib, a, b, w: a.lerp(b, w), [R(5), R(5), R(5)]),
    ("lerp_tensor", "broadcast", lambda lib, a, b, w: lib.lerp(a, b, w), [R(3, 1), R(4), R(2, 1, 1)]),
    ("lerp_tensor", "0d-weight", lambda lib, a, b, w: lib.lerp(a, b, w), [R(3, 4), R(3, 4), R()]),
    ("lerp_tensor", "non-contiguous", lambda lib, a, b, w: lib.lerp(a.t(), b, w.t()),
     [R(4, 3), R(3, 4), R(4, 3)]),
    ("addcmul", "default", lambda lib, a, b, c: lib.addcmul(a, b, c), [R(3, 4), R(3, 4), R(3, 4)]),
    ("addcmul", "value", lambda lib, a, b, c: a.addcmul(b, c, value=-0.5), [R(3, 4), R(3, 4), R(3, 4)]),
    ("addcmul", "int-value", lambda lib, a, b, c: lib.addcmul(a, b, c, value=2), [R(5), R(5), R(5)]),
    ("addcmul", "broadcast", lambda lib, a, b, c: lib.addcmul(a, b, c, value=1.5),
     [R(3, 1), R(4), R(2, 1, 1)]),
    ("addcmul", "same-tensor", lambda lib, a, b: lib.addcmul(a, b, b), [R(3, 4), R(3, 4)]),
    ("addcmul", "non-contiguous", lambda lib, a, b, c: a.t().addcmul(b, c.t()),
     [R(4, 3), R(3, 4), R(4, 3)]),
    ("addcdiv", "default", lambda lib, a, b, c: lib.addcdiv(a, b, c), [R(3, 4), R(3, 4), D(3, 4)]),
    ("addcdiv", "value", lambda lib, a, b, c: a.addcdiv(b, c, value=0.25), [R(3, 4), R(3, 4), D(3, 4)]),
    ("addcdiv", "broadcast", lambda lib, a, b, c: lib.addcdiv(a, b, c, value=-2),
     [R(2, 1, 1), R(3, 1), D(4)]),
    ("addcdiv", "non-contiguous", lambda lib, a, b, c: lib.addcdiv(a.t(), b, c),
     [R(4, 3), R(3, 4), D(3, 4)]),
    # (the default replacements of +-inf, the dtype's extremes, overflow a finite difference:
    # nan only there, the infinities in the other cases and the hand-derived ones)
    ("nan_to_num", "default", lambda lib, x: lib.nan_to_num(x), [np.array([NAN, 1.5, -2.0, 0.0, NAN])]),
    ("nan_to_num", "replacements", lambda lib, x: x.nan_to_num(nan=1.5, posinf=3.0, neginf=-4.0),
     [NON_FINITE.copy()]),
    ("nan_to_num", "posinf-only", lambda lib, x: lib.nan_to_num(x, posinf=100.0),
     [np.array([NAN, INF, 1.5, INF, -0.5])]),
    ("nan_to_num", "finite", lambda lib, x: lib.nan_to_num(x, 0.5), [R(3, 4)]),
    ("nan_to_num", "non-contiguous", lambda lib, x: lib.nan_to_num(x.t(), -1.0),
     [np.where(R(4, 3) > 0.5, NAN, R(4, 3))]),
]
HEAVISIDE_CASES = [
    ("heaviside", "tensors", lambda lib, x, v: lib.heaviside(x, v), [Z(3, 4), R(3, 4)]),
    ("heaviside", "broadcast", lambda lib, x, v: x.heaviside(v), [Z(3, 4), R(4)]),
    ("heaviside", "0d-values", lambda lib, x, v: lib.heaviside(x, v), [Z(5), R()]),
]
CASES = DIFF_CASES + HEAVISIDE_CASES
IDS = [f"{entry}-{name}" for entry, name, _, _ in DIFF_CASES]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(DIFF_CASES)


def leaves(lib, arrays):
    return [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]


@pytest.mark.parametrize("entry,name,fn,inputs", DIFF_CASES, ids=IDS)
def test_create_graph_path_matches_kernels(entry, name, fn, inputs):
    """apply_graph (the table's formulas on Tensors) gives apply's (the kernels') values."""
    ts = leaves(jitgrad, inputs)
    out = fn(jitgrad, *ts)
    v = jitgrad.tensor(np.random.default_rng(1).standard_normal(out.shape))
    fast = jitgrad.autograd.grad(out, ts, v, retain_graph=True)
    graph = jitgrad.autograd.grad(out, ts, v, create_graph=True)
    for f, g in zip(fast, graph):
        assert f.dtype == g.dtype and f.shape == g.shape
        np.testing.assert_allclose(g.detach().numpy(), f.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["lerp-number", "lerp_tensor-tensor", "lerp_tensor-broadcast",
                                  "addcmul-value", "addcdiv-default", "addcdiv-broadcast",
                                  "nan_to_num-finite"])
def test_gradgradcheck(name):
    _, _, fn, inputs = DIFF_CASES[IDS.index(name)]
    ts = leaves(jitgrad, inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *a: fn(jitgrad, *a), tuple(ts))


@pytest.mark.parametrize("entry,name,fn,inputs", HEAVISIDE_CASES,
                         ids=[f"{e}-{n}" for e, n, _, _ in HEAVISIDE_CASES])
def test_heaviside_node_is_not_implemented(entry, name, fn, inputs):
    ts = leaves(jitgrad, inputs)
    out = fn(jitgrad, *ts)
    assert out.requires_grad
    assert type(out.grad_fn).__name__ == derivatives.COMPOSITE["heaviside"].node
    with pytest.raises(RuntimeError, match="^derivative for aten::heaviside is not implemented$"):
        out.sum().backward()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
@pytest.mark.parametrize("entry,name,fn,inputs", HEAVISIDE_CASES,
                         ids=[f"{e}-{n}" for e, n, _, _ in HEAVISIDE_CASES])
def test_heaviside_torch(entry, name, fn, inputs, dtype):
    arrays = [np.asarray(a * 2).astype(dtype) for a in inputs]
    torch_check(fn, *arrays, grads=False, atol=0, rtol=0)


# ------------------------------------------------------------------ hand-derived values


def value_and_grads(fn, *values, dtype=jitgrad.float64):
    ts = [jitgrad.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*ts)
    out.sum().backward()
    return out.tolist(), [None if t.grad is None else t.grad.tolist() for t in ts]


def same(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                               rtol=1e-14, atol=0, equal_nan=True)


SQRT_PI = math.sqrt(math.pi)
HAND = [
    ("erf", lambda x: x.erf(), [[0.0, 1.0, -INF]], [0.0, math.erf(1.0), -1.0],
     [[2 / SQRT_PI, 2 / SQRT_PI * math.exp(-1.0), 0.0]]),
    ("erfc", lambda x: jitgrad.erfc(x), [[0.0, 2.0, INF]], [1.0, math.erfc(2.0), 0.0],
     [[-2 / SQRT_PI, -2 / SQRT_PI * math.exp(-4.0), -0.0]]),
    ("erfinv", lambda x: x.erfinv(), [[0.0, math.erf(0.5), -1.0, 1.0, 1.5]],
     [0.0, 0.5, -INF, INF, NAN], [[SQRT_PI / 2, SQRT_PI / 2 * math.exp(0.25), INF, INF, NAN]]),
    ("trunc", lambda x: x.trunc(), [[-1.7, 2.5, -0.2]], [-1.0, 2.0, -0.0], [[0.0, 0.0, 0.0]]),
    ("fix", lambda x: jitgrad.fix(x), [[-1.7, 2.5]], [-1.0, 2.0], [[0.0, 0.0]]),
    ("frac", lambda x: x.frac(), [[-1.75, 2.5, INF]], [-0.75, 0.5, NAN], [[1.0, 1.0, 1.0]]),
    ("hypot", lambda a, b: a.hypot(b), [[3.0, 0.0], [4.0, 0.0]], [5.0, 0.0],
     [[0.6, NAN], [0.8, NAN]]),
    ("logaddexp", lambda a, b: jitgrad.logaddexp(a, b), [[0.0, -INF, INF], [0.0, 1.0, INF]],
     [math.log(2.0), 1.0, INF], [[0.5, 0.0, NAN], [0.5, 1.0, NAN]]),
    ("logaddexp2", lambda a, b: a.logaddexp2(b), [[1.0, 3.0], [1.0, 2.0]],
     [2.0, 3.0 + math.log2(1.5)], [[0.5, 2 / 3], [0.5, 1 / 3]]),
    ("xlogy", lambda a, b: a.xlogy(b), [[0.0, 0.0, 2.0, 0.0], [0.0, -1.0, 3.0, NAN]],
     [0.0, 0.0, 2 * math.log(3.0), NAN], [[0.0, 0.0, math.log(3.0), NAN], [NAN, -0.0, 2 / 3, NAN]]),
    ("lerp", lambda a, b: a.lerp(b, 0.25), [[1.0], [3.0]], [1.5], [[0.75], [0.25]]),
    ("lerp-tensor", lambda a, b, w: jitgrad.lerp(a, b, w), [[1.0, 1.0], [3.0, 3.0], [0.25, 2.0]],
     [1.5, 5.0], [[0.75, -1.0], [0.25, 2.0], [2.0, 2.0]]),
    ("addcmul", lambda a, b, c: jitgrad.addcmul(a, b, c, value=0.5), [[1.0], [2.0], [3.0]],
     [4.0], [[1.0], [1.5], [1.0]]),
    ("addcdiv", lambda a, b, c: a.addcdiv(b, c, value=2), [[1.0], [2.0], [4.0]], [2.0],
     [[1.0], [0.5], [-0.25]]),
    ("nan_to_num", lambda x: x.nan_to_num(neginf=-7.0), [[NAN, INF, -INF, 2.0]],
     [0.0, 1.7976931348623157e308, -7.0, 2.0], [[0.0, 0.0, 0.0, 1.0]]),
]


@pytest.mark.parametrize("name,fn,inputs,value,grads", HAND, ids=[c[0] for c in HAND])
def test_hand_derived(name, fn, inputs, value, grads):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, got = value_and_grads(fn, *inputs)
    same(out, value)
    for g, want in zip(got, grads):
        same(g, want)


def test_heaviside_values_by_hand():
    x = jitgrad.tensor([-1.5, -0.0, 0.0, 2.0, NAN, INF, -INF])
    v = jitgrad.tensor([5.0, 6.0, 7.0, 8.0, 9.0, 1.0, 1.0])
    same(jitgrad.heaviside(x, v).tolist(), [0.0, 6.0, 7.0, 1.0, 0.0, 1.0, 0.0])
    assert jitgrad.heaviside(jitgrad.tensor([0, 3, -2]), jitgrad.tensor(7)).tolist() == [7, 1, 0]
    b = jitgrad.tensor([True, False])
    assert jitgrad.heaviside(b, jitgrad.tensor([False, True])).tolist() == [True, True]


# ------------------------------------------------------------------ dtypes


def test_integer_inputs_promote_as_torch_by_hand():
    i = jitgrad.tensor([-2, 0, 3])
    for name in ("erf", "erfc", "erfinv"):
        assert getattr(jitgrad, name)(i).dtype is jitgrad.float32
        assert getattr(jitgrad, name)(i > 0).dtype is jitgrad.float32
    assert jitgrad.trunc(i).dtype is jitgrad.int64 and jitgrad.trunc(i).tolist() == [-2, 0, 3]
    assert jitgrad.fix(i.int()).dtype is jitgrad.int32
    assert jitgrad.xlogy(i, i).dtype is jitgrad.float32
    assert jitgrad.xlogy(i > 0, i > 0).tolist() == [0.0, 0.0, 0.0]
    assert jitgrad.hypot(i, jitgrad.tensor([3.0, 4.0, 4.0])).tolist() == [3.605551242828369, 4.0, 5.0]
    assert jitgrad.addcmul(i, i, i, value=2).tolist() == [6, 0, 21]
    assert jitgrad.addcmul(i, i, i, value=0.5).tolist() == [-2, 0, 3]    # value cast to int64
    assert jitgrad.addcdiv(i, jitgrad.tensor([1.0, 2.0, 3.0]), i).dtype is jitgrad.float32
    assert jitgrad.nan_to_num(i, nan=3.5).dtype is jitgrad.int64
    previous = jitgrad.get_default_dtype()
    jitgrad.set_default_dtype(jitgrad.float64)
    try:
        assert jitgrad.erfinv(i).dtype is jitgrad.float64
        assert jitgrad.xlogy(2, i).dtype is jitgrad.float64
    finally:
        jitgrad.set_default_dtype(previous)


DTYPE_CASES = [
    ("erf-int", lambda lib, i, f: lib.erf(i)),
    ("erfc-bool", lambda lib, i, f: lib.erfc(i > 0)),
    ("erfinv-int32", lambda lib, i, f: (i.int() * 0).erfinv()),
    ("trunc-int32", lambda lib, i, f: i.int().trunc()),
    ("fix-int", lambda lib, i, f: lib.fix(i)),
    ("hypot-int-float", lambda lib, i, f: lib.hypot(i, f)),
    ("hypot-f32-f64", lambda lib, i, f: lib.hypot(f, f.double())),
    ("hypot-f32-0d-f64", lambda lib, i, f: lib.hypot(f, f.double()[0])),
    ("logaddexp-int-float", lambda lib, i, f: lib.logaddexp(i, f)),
    ("logaddexp2-f64-f32", lambda lib, i, f: f.double().logaddexp2(f)),
    ("xlogy-int-int", lambda lib, i, f: lib.xlogy(i, i)),
    ("xlogy-bool-int", lambda lib, i, f: lib.xlogy(i > 0, i)),
    ("xlogy-int-number", lambda lib, i, f: lib.xlogy(i, 2)),
    ("xlogy-number-int", lambda lib, i, f: lib.xlogy(2.5, i)),
    ("xlogy-f32-0d-f64", lambda lib, i, f: lib.xlogy(f, f.double()[1])),
    ("addcmul-int", lambda lib, i, f: lib.addcmul(i, i, i, value=3)),
    ("addcmul-int-value-float", lambda lib, i, f: lib.addcmul(i, i, i, value=0.5)),
    ("addcmul-int32-int64", lambda lib, i, f: lib.addcmul(i.int(), i.int(), i)),
    ("addcmul-int-float", lambda lib, i, f: lib.addcmul(i, f, i)),
    ("addcmul-f32-f64", lambda lib, i, f: lib.addcmul(f, f.double(), f)),
    ("addcmul-f32-0d-f64", lambda lib, i, f: lib.addcmul(f, f.double()[0], f)),
    ("addcmul-bool-int", lambda lib, i, f: lib.addcmul(i > 0, i, i)),
    ("addcdiv-int-float", lambda lib, i, f: lib.addcdiv(i, f, i)),
    ("addcdiv-float-int-float", lambda lib, i, f: lib.addcdiv(f, i, f)),
    ("addcdiv-f64-f32", lambda lib, i, f: lib.addcdiv(f.double(), f, f + 5)),
    ("lerp-0d-f64-weight", lambda lib, i, f: lib.lerp(f, f * 2, f.double()[0])),
    ("lerp-0d-int-weight", lambda lib, i, f: lib.lerp(f, f * 2, i[2])),
    ("nan_to_num-int", lambda lib, i, f: lib.nan_to_num(i, 1.0, 2.0, 3.0)),
    ("nan_to_num-bool", lambda lib, i, f: lib.nan_to_num(i > 0)),
    ("heaviside-int32", lambda lib, i, f: lib.heaviside(i.int(), i.int())),
]


@pytest.mark.parametrize("name,fn", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_dtypes_and_values_torch(name, fn):
    """torch's result dtype (integer inputs, mixed floats, 0-d operands) and values."""
    i = np.array([-2, 0, 3, 5])
    f = np.array([0.5, -1.5, 2.0, 3.25], np.float32)
    torch_check(fn, i, f, grads=False, atol=0, rtol=1e-6)


NAN_TO_NUM_DEFAULTS = [
    (np.float32, 3.4028234663852886e38), (np.float64, 1.7976931348623157e308),
]


@pytest.mark.parametrize("dtype,biggest", NAN_TO_NUM_DEFAULTS)
def test_nan_to_num_defaults_per_dtype(dtype, biggest):
    x = jitgrad.tensor(np.array([NAN, INF, -INF, 1.0], dtype))
    out = x.nan_to_num()
    assert out.dtype == x.dtype
    assert out.tolist() == [0.0, biggest, -biggest, 1.0]
    # a replacement past the dtype's range is +-inf there (torch's cast), silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = jitgrad.nan_to_num(x, nan=None, posinf=1e300, neginf=-1e300).tolist()
    assert big == ([0.0, INF, -INF, 1.0] if dtype == np.float32 else [0.0, 1e300, -1e300, 1.0])
    # integers and bools: a copy, whatever the replacements
    i = jitgrad.tensor([1, 2])
    j = jitgrad.nan_to_num(i, nan=3.5, posinf=1e300)
    assert j.tolist() == [1, 2] and j.dtype is jitgrad.int64
    j[0] = 5
    assert i.tolist() == [1, 2]


NAN_TO_NUM_CALLS = [
    ("default", lambda lib, x: lib.nan_to_num(x)),
    ("positional", lambda lib, x: lib.nan_to_num(x, 1.0, 2.0, -2.0)),
    ("nan-none", lambda lib, x: x.nan_to_num(nan=None, neginf=-1)),
    ("bool-nan", lambda lib, x: x.nan_to_num(nan=True)),
    ("0d-tensors", lambda lib, x: x.nan_to_num(nan=lib.tensor(True), posinf=lib.tensor(2))),
    ("huge", lambda lib, x: lib.nan_to_num(x, posinf=1e300, neginf=-1e300)),
    ("in-place", lambda lib, x: x.clone().nan_to_num_(posinf=5.0)),
    ("torch-in-place", lambda lib, x: lib.nan_to_num_(x.clone(), nan=-1.0)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,fn", NAN_TO_NUM_CALLS, ids=[c[0] for c in NAN_TO_NUM_CALLS])
def test_nan_to_num_torch(name, fn, dtype):
    torch_check(fn, SPECIAL.astype(dtype), grads=name not in ("in-place", "torch-in-place"),
                atol=0, rtol=0)


# ------------------------------------------------------------------ lerp's weight, addcmul's value


WEIGHTS = [
    ("number", lambda lib, a, b, w: lib.lerp(a, b, 0.3)),
    ("int", lambda lib, a, b, w: lib.lerp(a, b, 1)),
    ("bool", lambda lib, a, b, w: lib.lerp(a, b, True)),
    ("nan", lambda lib, a, b, w: lib.lerp(a, b, NAN)),
    ("tensor", lambda lib, a, b, w: lib.lerp(a, b, w)),
    ("0d-tensor", lambda lib, a, b, w: lib.lerp(a, b, w[0, 0])),
    ("1-element-tensor", lambda lib, a, b, w: lib.lerp(a, b, w[:1, :1])),
    ("method-tensor", lambda lib, a, b, w: a.lerp(b, w)),
    ("in-place-number", lambda lib, a, b, w: (a * 1).lerp_(b, 0.7)),
    ("in-place-tensor", lambda lib, a, b, w: (a * 1).lerp_(b, w)),
    ("in-place-end-only-grad", lambda lib, a, b, w: a.detach().clone().lerp_(b, w)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,fn", WEIGHTS, ids=[c[0] for c in WEIGHTS])
def test_lerp_weight_forms_torch(name, fn, dtype):
    a, b, w = R(3, 4).astype(dtype), R(3, 4).astype(dtype), R(3, 4).astype(dtype)
    torch_check(fn, a, b, w, atol=0 if dtype == np.float64 else 1e-6, rtol=1e-6)


def test_lerp_is_torchs_fused_form_bit_for_bit():
    """w (e - s) + s for |w| < 0.5, else (w - 1)(e - s) + e, one rounding (torch's
    vectorised loop): checked against exact rational arithmetic."""
    from fractions import Fraction
    for dtype in (np.float32, np.float64):
        s, e, w = (R(200).astype(dtype) for _ in range(3))
        got = jitgrad.lerp(jitgrad.tensor(s), jitgrad.tensor(e), jitgrad.tensor(w)).numpy()
        for si, ei, wi, gi in zip(s, e, w, got):
            d = ei - si                                  # rounded in the dtype, as torch's
            if abs(wi) < 0.5:
                exact = Fraction(float(wi)) * Fraction(float(d)) + Fraction(float(si))
            else:
                exact = Fraction(float(wi - dtype(1))) * Fraction(float(d)) + Fraction(float(ei))
            assert gi == dtype(float(exact)), (si, ei, wi)


VALUES = [
    ("default", lambda lib, a, b, c: lib.addcmul(a, b, c)),
    ("negative", lambda lib, a, b, c: lib.addcmul(a, b, c, value=-2.5)),
    ("int", lambda lib, a, b, c: a.addcmul(b, c, value=3)),
    ("bool", lambda lib, a, b, c: lib.addcmul(a, b, c, value=True)),
    ("0d-tensor", lambda lib, a, b, c: lib.addcmul(a, b, c, value=lib.tensor(0.75))),
    ("zero", lambda lib, a, b, c: lib.addcmul(a, b, c, value=0)),
    ("addcdiv", lambda lib, a, b, c: lib.addcdiv(a, b, c + 3, value=-0.5)),
    ("addcdiv-method", lambda lib, a, b, c: a.addcdiv(b, c + 3)),
    ("in-place", lambda lib, a, b, c: (a * 1).addcmul_(b, c, value=0.25)),
    ("addcdiv-in-place", lambda lib, a, b, c: (a * 1).addcdiv_(b, c + 3, value=2)),
    ("in-place-no-self-grad", lambda lib, a, b, c: a.detach().clone().addcmul_(b, c)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,fn", VALUES, ids=[c[0] for c in VALUES])
def test_addcmul_value_torch(name, fn, dtype):
    a, b, c = R(3, 4).astype(dtype), R(3, 4).astype(dtype), R(3, 4).astype(dtype)
    torch_check(fn, a, b, c, atol=1e-6 if dtype == np.float32 else 1e-12, rtol=1e-6)


def test_addcmul_is_torchs_fused_form_bit_for_bit():
    from fractions import Fraction
    for dtype in (np.float32, np.float64):
        a, b, c = (R(200).astype(dtype) for _ in range(3))
        got = jitgrad.addcmul(*(jitgrad.tensor(v) for v in (a, b, c)), value=0.3).numpy()
        v = dtype(0.3)
        for ai, bi, ci, gi in zip(a, b, c, got):
            exact = Fraction(float(v * bi)) * Fraction(float(ci)) + Fraction(float(ai))
            assert gi == dtype(float(exact))


# ------------------------------------------------------------------ in-place forms and node names


NODES = [
    ("erf", lambda lib, x, y: x.erf()), ("erfc", lambda lib, x, y: lib.erfc(x)),
    ("erfinv", lambda lib, x, y: (x * 0.3).erfinv()), ("trunc", lambda lib, x, y: lib.trunc(x)),
    ("fix", lambda lib, x, y: x.fix()), ("frac", lambda lib, x, y: lib.frac(x)),
    ("hypot", lambda lib, x, y: lib.hypot(x, y)), ("logaddexp", lambda lib, x, y: x.logaddexp(y)),
    ("logaddexp2", lambda lib, x, y: lib.logaddexp2(x, y)), ("xlogy", lambda lib, x, y: x.xlogy(y)),
    ("xlogy-number-other", lambda lib, x, y: lib.xlogy(x, 2.0)),
    ("xlogy-number-self", lambda lib, x, y: lib.xlogy(3, y)),
    ("lerp-number", lambda lib, x, y: lib.lerp(x, y, 0.5)),
    ("lerp-tensor", lambda lib, x, y: lib.lerp(x, y, y)),
    ("lerp-weight-only", lambda lib, x, y: lib.lerp(x.detach(), x.detach(), y)),
    ("addcmul", lambda lib, x, y: lib.addcmul(x, y, y)),
    ("addcdiv", lambda lib, x, y: lib.addcdiv(x, x, y)),
    ("nan_to_num", lambda lib, x, y: x.nan_to_num()),
    ("heaviside", lambda lib, x, y: lib.heaviside(x, y)),
    ("heaviside-values-only", lambda lib, x, y: lib.heaviside(x.detach(), y)),
    ("clamp_min", lambda lib, x, y: lib.clamp_min(x, 0.2)),
    ("clamp_max-tensor", lambda lib, x, y: lib.clamp_max(x, y)),
    # in place: the node of the out-of-place op
    ("erf_", lambda lib, x, y: (x * 1).erf_()), ("erfc_", lambda lib, x, y: (x * 1).erfc_()),
    ("erfinv_", lambda lib, x, y: (x * 0.3).erfinv_()), ("trunc_", lambda lib, x, y: (x * 1).trunc_()),
    ("fix_", lambda lib, x, y: (x * 1).fix_()), ("frac_", lambda lib, x, y: (x * 1).frac_()),
    ("hypot_", lambda lib, x, y: (x * 1).hypot_(y)), ("xlogy_", lambda lib, x, y: (x * 1).xlogy_(y)),
    ("xlogy_-number", lambda lib, x, y: (x * 1).xlogy_(2)),
    ("lerp_", lambda lib, x, y: (x * 1).lerp_(y, 0.25)),
    ("lerp_-tensor", lambda lib, x, y: (x * 1).lerp_(y, y)),
    ("addcmul_", lambda lib, x, y: (x * 1).addcmul_(y, y, value=2)),
    ("addcdiv_", lambda lib, x, y: (x * 1).addcdiv_(x, y)),
    ("nan_to_num_", lambda lib, x, y: (x * 1).nan_to_num_(nan=1.0)),
    ("heaviside_", lambda lib, x, y: (x * 1).heaviside_(y)),
    ("heaviside_-values-only", lambda lib, x, y: x.detach().clone().heaviside_(y)),
    # the torch-namespace in-place functions
    ("torch.erf_", lambda lib, x, y: lib.erf_(x * 1)), ("torch.erfc_", lambda lib, x, y: lib.erfc_(x * 1)),
    ("torch.trunc_", lambda lib, x, y: lib.trunc_(x * 1)), ("torch.fix_", lambda lib, x, y: lib.fix_(x * 1)),
    ("torch.frac_", lambda lib, x, y: lib.frac_(x * 1)), ("torch.xlogy_", lambda lib, x, y: lib.xlogy_(x * 1, y)),
    ("torch.nan_to_num_", lambda lib, x, y: lib.nan_to_num_(x * 1)),
    ("torch.clamp_min_", lambda lib, x, y: lib.clamp_min_(x * 1, 0.1)),
    ("torch.clamp_max_", lambda lib, x, y: lib.clamp_max_(x * 1, y)),
]


@pytest.mark.parametrize("name,fn", NODES, ids=[c[0] for c in NODES])
def test_values_gradients_and_node_names_torch(name, fn):
    """Values, gradients and the recorded node (type name) as torch's: the
    out-of-place forms, the in-place ones (the node of the out-of-place op) and
    torch's namespace in-place functions."""
    x = np.array([0.5, -1.25, 2.0, 0.0, 3.5])
    y = np.array([1.5, 0.25, -2.0, 0.75, 3.5])
    if "heaviside" in name or "addcdiv" in name or "xlogy" in name:
        torch_check(fn, x, y, atol=1e-12, rtol=1e-12,
                    grads="heaviside" not in name)
    else:
        torch_check(fn, x, y, atol=1e-12, rtol=1e-12)


def test_names_and_in_place_forms_exist_as_in_torch():
    funcs = ["erf", "erfc", "erfinv", "trunc", "fix", "frac", "hypot", "logaddexp",
             "logaddexp2", "xlogy", "lerp", "addcmul", "addcdiv", "nan_to_num", "heaviside",
             "clamp_min", "clamp_max", "erf_", "erfc_", "trunc_", "fix_", "frac_", "xlogy_",
             "nan_to_num_", "clamp_min_", "clamp_max_"]
    methods = funcs[:17] + ["erf_", "erfc_", "erfinv_", "trunc_", "fix_", "frac_", "hypot_",
                            "xlogy_", "lerp_", "addcmul_", "addcdiv_", "nan_to_num_",
                            "heaviside_", "clamp_min_", "clamp_max_"]
    for name in funcs:
        assert callable(getattr(jitgrad, name)), name
    for name in methods:
        assert callable(getattr(jitgrad.Tensor, name)), name
    # torch has neither of these: nor does jitgrad
    assert not hasattr(jitgrad, "erfinv_") and not hasattr(jitgrad.Tensor, "logaddexp_")
    torch = sys.modules.get("torch")
    if torch is not None:
        assert all(hasattr(torch, n) for n in funcs)
        assert all(hasattr(torch.Tensor, n) for n in methods)


def test_in_place_writes_into_the_tensor_and_bumps_its_version():
    x = jitgrad.tensor([0.5, -1.5, 2.25])
    before = x._version
    ref = x.clone()
    assert x.lerp_(jitgrad.ones(3), 0.5) is x
    np.testing.assert_allclose(x.numpy(), (ref.numpy() + 1) / 2)
    x.addcmul_(ref, ref, value=2).addcdiv_(ref, jitgrad.tensor(2.0)).frac_().erf_()
    assert x._version == before + 5
    v = jitgrad.tensor([1.0, 2.0, 3.0])
    jitgrad.nan_to_num_(v)
    assert v._version == 1


def test_in_place_on_a_saved_tensor_is_refused_at_backward():
    a = jitgrad.tensor([0.5, 1.0], requires_grad=True)
    b = a * 1
    y = jitgrad.lerp(b, jitgrad.ones(2), 0.5)               # saves nothing
    y2 = jitgrad.addcmul(jitgrad.zeros(2), b, b)             # saves b
    b.erf_()
    y.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y2.sum().backward()


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _f(lib, *shape):
    return lib.ones(*(shape or (2,)))


def _leaf(lib):
    return lib.ones(2, requires_grad=True)


_LERP = (" * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
         " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n")
_XLOGY = (" * (Tensor input, Tensor other, *, Tensor out = None)\n"
          " * (Number self, Tensor other, *, Tensor out = None)\n"
          " * (Tensor input, Number other, *, Tensor out = None)\n")
ERRORS = [
    Case("frac-int", lambda lib: lib.frac(lib.tensor([1, 2])), NotImplementedError,
         "\"frac_cpu\" not implemented for 'Long'"),
    Case("frac-bool", lambda lib: lib.tensor([True]).frac(), NotImplementedError,
         "\"frac_cpu\" not implemented for 'Bool'"),
    Case("trunc-bool", lambda lib: lib.trunc(lib.tensor([True])), NotImplementedError,
         "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    Case("fix-bool", lambda lib: lib.tensor([True]).fix(), NotImplementedError,
         "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    Case("erf-number", lambda lib: lib.erf(2.0), TypeError,
         "erf(): argument 'input' (position 1) must be Tensor, not float"),
    Case("erf_-int", lambda lib: lib.tensor([1, 2]).erf_(), RuntimeError,
         "result type Float can't be cast to the desired output type Long"),
    Case("erf_-leaf", lambda lib: _leaf(lib).erf_(), RuntimeError,
         "a leaf Variable that requires grad is being used in an in-place operation."),
    Case("hypot-int", lambda lib: lib.hypot(lib.tensor([1, 2]), lib.tensor([3, 4])),
         NotImplementedError, "\"hypot_cpu\" not implemented for 'Long'"),
    Case("hypot-int32-bool", lambda lib: lib.hypot(lib.tensor([1, 2]).int(), lib.tensor([True, False])),
         NotImplementedError, "\"hypot_cpu\" not implemented for 'Int'"),
    Case("logaddexp-bool", lambda lib: lib.logaddexp(lib.tensor([True]), lib.tensor([False])),
         NotImplementedError, "\"logaddexp_cpu\" not implemented for 'Bool'"),
    Case("logaddexp2-int", lambda lib: lib.tensor([1]).logaddexp2(lib.tensor([2])),
         NotImplementedError, "\"logaddexp2_cpu\" not implemented for 'Long'"),
    Case("hypot-number", lambda lib: lib.hypot(_f(lib), 2.0), TypeError,
         "hypot(): argument 'other' (position 2) must be Tensor, not float"),
    Case("hypot-number-input", lambda lib: lib.hypot(2, _f(lib)), TypeError,
         "hypot(): argument 'input' (position 1) must be Tensor, not int"),
    Case("hypot-method-number", lambda lib: _f(lib).hypot(2.0), TypeError,
         "hypot(): argument 'other' (position 1) must be Tensor, not float"),
    Case("hypot_-number", lambda lib: _f(lib).hypot_(2.0), TypeError,
         "hypot_(): argument 'other' (position 1) must be Tensor, not float"),
    Case("logaddexp-number", lambda lib: lib.logaddexp(_f(lib), 2), TypeError,
         "logaddexp(): argument 'other' (position 2) must be Tensor, not int"),
    Case("logaddexp2-method-number", lambda lib: _f(lib).logaddexp2(1.0), TypeError,
         "logaddexp2(): argument 'other' (position 1) must be Tensor, not float"),
    Case("hypot-broadcast", lambda lib: lib.hypot(_f(lib), _f(lib, 3)), RuntimeError,
         "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
         "dimension 0"),
    Case("xlogy-two-numbers", lambda lib: lib.xlogy(2.0, 3.0), TypeError,
         "xlogy() received an invalid combination of arguments - got (float, float), but "
         "expected one of:\n" + _XLOGY),
    Case("xlogy-str", lambda lib: lib.xlogy(_f(lib), "a"), TypeError,
         "xlogy() received an invalid combination of arguments - got (Tensor, str), but "
         "expected one of:\n" + _XLOGY),
    Case("xlogy-method-str", lambda lib: _f(lib).xlogy("a"), TypeError,
         "xlogy() received an invalid combination of arguments - got (str), but expected one "
         "of:\n * (Tensor other)\n      didn't match because some of the arguments have "
         "invalid types: (!str!)\n * (Number other)\n      didn't match because some of the "
         "arguments have invalid types: (!str!)\n"),
    Case("xlogy_-int", lambda lib: lib.tensor([1, 2]).xlogy_(2), RuntimeError,
         "result type Float can't be cast to the desired output type Long"),
    Case("xlogy_-broadcast", lambda lib: _f(lib).xlogy_(_f(lib, 3, 2)), RuntimeError,
         "output with shape [2] doesn't match the broadcast shape [3, 2]"),
    Case("lerp-end-dtype", lambda lib: lib.lerp(_f(lib), _f(lib).double(), 0.5), RuntimeError,
         "expected dtype float for `end` but got dtype double"),
    Case("lerp-end-0d-dtype", lambda lib: lib.lerp(_f(lib), lib.tensor(1.0).double(), 0.5),
         RuntimeError, "expected dtype float for `end` but got dtype double"),
    Case("lerp-weight-dtype", lambda lib: lib.lerp(_f(lib).double(), _f(lib).double(),
                                                   lib.tensor([1, 2])), RuntimeError,
         "expected dtype double for `weight` but got dtype long int"),
    Case("lerp-int", lambda lib: lib.lerp(lib.tensor([1]), lib.tensor([2]), 0.5),
         NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Long'"),
    Case("lerp-int32-tensor", lambda lib: lib.tensor([1]).int().lerp(lib.tensor([2]).int(),
                                                                       lib.tensor([1]).int()),
         NotImplementedError, "\"lerp_kernel_tensor\" not implemented for 'Int'"),
    Case("lerp-bool", lambda lib: lib.lerp(lib.tensor([True]), lib.tensor([False]), 0.5),
         NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Bool'"),
    Case("lerp-overflow", lambda lib: lib.lerp(_f(lib), _f(lib), 1e300), RuntimeError,
         "value cannot be converted to type float without overflow"),
    Case("lerp-number-end", lambda lib: lib.lerp(_f(lib), 2.0, 0.5), TypeError,
         "lerp() received an invalid combination of arguments - got (Tensor, float, float), "
         "but expected one of:\n" + _LERP),
    Case("lerp-no-weight", lambda lib: lib.lerp(_f(lib), _f(lib)), TypeError,
         "lerp() received an invalid combination of arguments - got (Tensor, Tensor), but "
         "expected one of:\n" + _LERP),
    Case("lerp-str-weight", lambda lib: lib.lerp(_f(lib), _f(lib), "a"), TypeError,
         "lerp() received an invalid combination of arguments - got (Tensor, Tensor, str), "
         "but expected one of:\n" + _LERP),
    Case("lerp-broadcast", lambda lib: lib.lerp(_f(lib), _f(lib, 3), 0.5), RuntimeError,
         "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
         "dimension 0"),
    Case("lerp_-broadcast", lambda lib: _f(lib, 3, 1).lerp_(_f(lib, 4), 0.5), RuntimeError,
         "output with shape [3, 1] doesn't match the broadcast shape [3, 4]"),
    Case("lerp_-end-dtype", lambda lib: _f(lib).lerp_(_f(lib).double(), 0.5), RuntimeError,
         "expected dtype float for `end` but got dtype double"),
    Case("lerp_-leaf", lambda lib: _leaf(lib).lerp_(_f(lib), 0.5), RuntimeError,
         "a leaf Variable that requires grad is being used in an in-place operation."),
    Case("addcmul-bool", lambda lib: lib.addcmul(*[lib.tensor([True])] * 3), NotImplementedError,
         "\"addcmul_cpu_out\" not implemented for 'Bool'"),
    Case("addcmul-number-tensor2", lambda lib: lib.addcmul(_f(lib), _f(lib), 2.0), TypeError,
         "addcmul(): argument 'tensor2' (position 3) must be Tensor, not float"),
    Case("addcmul-number-input", lambda lib: lib.addcmul(1, _f(lib), _f(lib)), TypeError,
         "addcmul(): argument 'input' (position 1) must be Tensor, not int"),
    Case("addcmul-method-number", lambda lib: _f(lib).addcmul(2, _f(lib)), TypeError,
         "addcmul(): argument 'tensor1' (position 1) must be Tensor, not int"),
    Case("addcmul-str-value", lambda lib: lib.addcmul(_f(lib), _f(lib), _f(lib), value="a"),
         TypeError, "addcmul(): argument 'value' must be Number, not str"),
    Case("addcmul-overflow", lambda lib: lib.addcmul(_f(lib), _f(lib), _f(lib), value=1e300),
         RuntimeError, "value cannot be converted to type float without overflow"),
    Case("addcmul_-int", lambda lib: lib.tensor([1]).addcmul_(_f(lib, 1), _f(lib, 1)),
         RuntimeError, "result type Float can't be cast to the desired output type Long"),
    Case("addcmul_-broadcast", lambda lib: _f(lib, 3, 1).addcmul_(_f(lib, 4), _f(lib, 1)),
         RuntimeError, "output with shape [3, 1] doesn't match the broadcast shape [3, 4]"),
    Case("addcdiv-int", lambda lib: lib.addcdiv(*[lib.tensor([1, 2])] * 3), RuntimeError,
         messages.ADDCDIV_INTEGER),
    Case("addcdiv-float-int-int", lambda lib: lib.addcdiv(_f(lib), lib.tensor([1, 2]),
                                                          lib.tensor([True, True])),
         RuntimeError, messages.ADDCDIV_INTEGER),
    Case("addcdiv_-int", lambda lib: _f(lib).addcdiv_(lib.tensor([1, 2]), lib.tensor([1, 2])),
         RuntimeError, messages.ADDCDIV_INTEGER),
    Case("nan_to_num-str", lambda lib: lib.nan_to_num(_f(lib), nan="a"), TypeError,
         "nan_to_num(): argument 'nan' must be float, not str"),
    Case("nan_to_num-posinf-list", lambda lib: _f(lib).nan_to_num(posinf=[1.0]), TypeError,
         "nan_to_num(): argument 'posinf' must be float, not list"),
    Case("nan_to_num-1d-tensor", lambda lib: lib.nan_to_num(_f(lib), posinf=_f(lib, 1)), TypeError,
         "nan_to_num(): argument 'posinf' must be float, not Tensor"),
    Case("addcmul-1d-tensor-value", lambda lib: lib.addcmul(_f(lib), _f(lib), _f(lib), value=_f(lib, 1)),
         TypeError, "addcmul(): argument 'value' must be Number, not Tensor"),
    Case("xlogy_-str", lambda lib: _f(lib).xlogy_("a"), TypeError,
         "xlogy_() received an invalid combination of arguments - got (str), but expected one "
         "of:\n * (Tensor other)\n      didn't match because some of the arguments have "
         "invalid types: (!str!)\n * (Number other)\n      didn't match because some of the "
         "arguments have invalid types: (!str!)\n"),
    Case("lerp-method-numbers", lambda lib: _f(lib).lerp(2.0, 0.5), TypeError,
         "lerp() received an invalid combination of arguments - got (float, float), but "
         "expected one of:\n * (Tensor end, Tensor weight)\n      didn't match because some "
         "of the arguments have invalid types: (!float!, !float!)\n * (Tensor end, Number "
         "weight)\n      didn't match because some of the arguments have invalid types: "
         "(!float!, !float!)\n"),
    Case("lerp_-no-weight", lambda lib: _f(lib).lerp_(_f(lib)), TypeError,
         "lerp_() received an invalid combination of arguments - got (Tensor), but expected "
         "one of:\n * (Tensor end, Tensor weight)\n * (Tensor end, Number weight)\n"),
    Case("addcdiv_-number", lambda lib: _f(lib).addcdiv_(_f(lib), 2), TypeError,
         "addcdiv_(): argument 'tensor2' (position 2) must be Tensor, not int"),
    Case("heaviside_-number", lambda lib: _f(lib).heaviside_(1.0), TypeError,
         "heaviside_(): argument 'values' (position 1) must be Tensor, not float"),
    Case("nan_to_num-number", lambda lib: lib.nan_to_num(2.0), TypeError,
         "nan_to_num(): argument 'input' (position 1) must be Tensor, not float"),
    Case("nan_to_num_-leaf", lambda lib: _leaf(lib).nan_to_num_(), RuntimeError,
         "a leaf Variable that requires grad is being used in an in-place operation."),
    Case("heaviside-dtypes", lambda lib: lib.heaviside(_f(lib), _f(lib).double()), RuntimeError,
         messages.HEAVISIDE_DTYPES),
    Case("heaviside-0d-dtypes", lambda lib: lib.heaviside(_f(lib), lib.tensor(1)), RuntimeError,
         messages.HEAVISIDE_DTYPES),
    Case("heaviside-number", lambda lib: lib.heaviside(_f(lib), 2.0), TypeError,
         "heaviside(): argument 'values' (position 2) must be Tensor, not float"),
    Case("heaviside-method-number", lambda lib: _f(lib).heaviside(2), TypeError,
         "heaviside(): argument 'values' (position 1) must be Tensor, not int"),
    Case("heaviside-backward", lambda lib: lib.heaviside(_leaf(lib), _f(lib)).sum().backward(),
         RuntimeError, "derivative for aten::heaviside is not implemented"),
    Case("heaviside_-backward", lambda lib: (_leaf(lib) * 1).heaviside_(_f(lib)).sum().backward(),
         RuntimeError, "derivative for aten::heaviside_ is not implemented"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


# ------------------------------------------------------------------ erfinv's accuracy


def test_erfinv_is_accurate_to_a_few_ulp():
    """Against scipy's erfinv (Boost's): float64 within 3 ulp over the whole
    range, up to 1 - 2**-53 (where Newton on erf alone would lose 4 digits);
    float32 within 1 ulp of the correctly rounded value; the special values."""
    special = pytest.importorskip("scipy.special")
    r = np.random.default_rng(7)
    y = np.concatenate([r.uniform(-1, 1, 20000), 1 - 10 ** r.uniform(-16, -1, 2000),
                        -(1 - 10 ** r.uniform(-16, -1, 2000)), 10 ** r.uniform(-300, -1, 500),
                        [1 - 2 ** -53, -1 + 2 ** -53, 0.5, -0.5, 0.7, -0.7, 5e-324]])
    got = jitgrad.erfinv(jitgrad.tensor(y)).numpy()
    want = special.erfinv(y)
    ulp = np.abs(got - want) / np.spacing(np.abs(want))
    assert ulp.max() <= 3, y[np.argmax(ulp)]
    y32 = y.astype(np.float32)
    got32 = jitgrad.erfinv(jitgrad.tensor(y32)).numpy()
    want32 = special.erfinv(y32.astype(np.float64)).astype(np.float32)
    finite = np.isfinite(want32)
    ulp32 = np.abs(got32[finite].astype(np.float64) - want32[finite]) / np.spacing(np.abs(want32[finite]))
    assert ulp32.max() <= 1
    out = jitgrad.erfinv(jitgrad.tensor([1.0, -1.0, 1.5, NAN, 0.0, -0.0])).numpy()
    assert out[0] == INF and out[1] == -INF and np.isnan(out[2:4]).all()
    assert out[4] == 0 and np.signbit(out[5])


def test_erf_erfc_are_libms():
    x = np.concatenate([R(1000) * 3, [0.0, -0.0, 6.0, 27.0, -INF, INF, NAN]])
    got = jitgrad.erf(jitgrad.tensor(x)).numpy()
    np.testing.assert_array_equal(got, [math.erf(v) for v in x])
    got = jitgrad.erfc(jitgrad.tensor(x)).numpy()
    np.testing.assert_array_equal(got, [math.erfc(v) for v in x])
    got32 = jitgrad.erfc(jitgrad.tensor(x.astype(np.float32))).numpy()
    np.testing.assert_array_equal(got32, np.array([math.erfc(v) for v in x.astype(np.float32)],
                                                  np.float32))


# ------------------------------------------------------------------ jitgrad.compile


@pytest.mark.usefixtures("compile_cache_dir")
@pytest.mark.parametrize("name,fn", [
    ("fix", lambda x, y, w: x.fix() + jitgrad.fix(y)),
    ("lerp-0d-weight", lambda x, y, w: jitgrad.lerp(x, y, w[0, 0])),
    ("xlogy-number-self", lambda x, y, w: jitgrad.xlogy(2.0, y.abs()) + x.xlogy(0.5)),
    ("chain", lambda x, y, w: jitgrad.addcdiv(x.erf(), y.logaddexp(w), w.hypot(x) + 1,
                                              value=0.5).nan_to_num(posinf=1.0).erfc()),
], ids=lambda v: v if isinstance(v, str) else "")
def test_compiled_calls_fuse_and_match_eager(name, fn):
    """These calls are captured (no graph break) and their values and gradients
    are eager's; the functions run three times (a trace, two replays)."""
    compiled = jitgrad.compile(fn)
    r = np.random.default_rng(3)
    for call in range(3):
        arrays = [r.standard_normal((3, 4)) for _ in range(3)]
        got_in = [jitgrad.tensor(a, requires_grad=True) for a in arrays]
        want_in = [jitgrad.tensor(a, requires_grad=True) for a in arrays]
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            got = compiled(*got_in)
        assert not [str(w.message) for w in record if "jitgrad.compile" in str(w.message)]
        want = fn(*want_in)
        if call:
            assert type(got.grad_fn).__name__ == "CompiledFunctionBackward"
        got.sum().backward()
        want.sum().backward()
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
        for a, b in zip(got_in, want_in):
            assert (a.grad is None) == (b.grad is None)
            if a.grad is not None:
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12,
                                           atol=1e-14)
