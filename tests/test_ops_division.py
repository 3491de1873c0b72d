"""The integer-division family: remainder (``%``), fmod, div(rounding_mode=...),
floor_divide (``//``) and their in-place forms. Finite differences in float64
away from the jumps, torch's values/grads/dtypes/node names (float32, float64,
int64), hand-derived values with negative operands, promotion, division by
zero, bools, and every error with torch's message."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, gradcheck, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape) * 3)


def D(*shape):
    """Divisors away from zero, both signs."""
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape))


def I(*shape):
    return np.asarray(rng.integers(-20, 20, shape), dtype=np.int64)


def ID(*shape):
    return np.asarray(rng.choice([-1, 1], shape) * rng.integers(1, 7, shape), dtype=np.int64)


def floor_div(lib, a, b):
    return a.div(b, rounding_mode="floor")


def trunc_div(lib, a, b):
    return lib.div(a, b, rounding_mode="trunc")


# (table entry, id, fn(lib, *inputs), inputs): floor_divide, the one Composite entry
# (not differentiable: its cases are checked on values and the NotImplemented node)
CASES = [
    ("floor_divide", "operator", lambda lib, a, b: a // b, [R(3, 4), D(3, 4)]),
    ("floor_divide", "function-broadcast", lambda lib, a, b: lib.floor_divide(a, b),
     [R(2, 3, 4), D(3, 1)]),
    ("floor_divide", "scalar", lambda lib, a: a // 1.5, [R(5)]),
    ("floor_divide", "rfloordiv", lambda lib, b: 7 // b, [D(5)]),
    ("floor_divide", "method-non-contiguous", lambda lib, a, b: a.t().floor_divide(b),
     [R(4, 3), D(4)]),
]

# differentiable ops: (id, fn(lib, *inputs), float inputs)
DIFF = [
    ("remainder-tt", lambda lib, a, b: a % b, [R(3, 4), D(3, 4)]),
    ("remainder-fn", lambda lib, a, b: lib.remainder(a, b), [R(3, 4), D(3, 4)]),
    ("remainder-broadcast", lambda lib, a, b: a.remainder(b), [R(2, 3, 4), D(3, 1)]),
    ("remainder-broadcast-self", lambda lib, a, b: a % b, [R(4), D(3, 4)]),
    ("remainder-scalar", lambda lib, a: a % 1.5, [R(3, 4)]),
    ("remainder-neg-scalar", lambda lib, a: lib.remainder(a, -2), [R(3, 4)]),
    ("remainder-0d", lambda lib, a, b: a % b, [R(3, 4), D()]),
    ("remainder-non-contiguous", lambda lib, a, b: a.t() % b, [R(4, 3), D(3, 4)]),
    ("fmod-tt", lambda lib, a, b: lib.fmod(a, b), [R(3, 4), D(3, 4)]),
    ("fmod-broadcast", lambda lib, a, b: a.fmod(b), [R(2, 3, 4), D(4)]),
    ("fmod-scalar", lambda lib, a: a.fmod(-1.5), [R(3, 4)]),
    ("fmod-non-contiguous", lambda lib, a, b: lib.fmod(a.t(), b.t()), [R(4, 3), D(4, 3)]),
    ("div-floor-tt", floor_div, [R(3, 4), D(3, 4)]),
    ("div-floor-broadcast", floor_div, [R(3, 1), D(1, 4)]),
    ("div-floor-scalar", lambda lib, a: a.div(2, rounding_mode="floor"), [R(5)]),
    ("div-floor-scalar-self", lambda lib, b: lib.div(2.5, b, rounding_mode="floor"), [D(5)]),
    ("div-trunc-tt", trunc_div, [R(3, 4), D(3, 4)]),
    ("div-trunc-broadcast", trunc_div, [R(4), D(3, 4)]),
    ("div-trunc-scalar", lambda lib, a: a.divide(-2, rounding_mode="trunc"), [R(5)]),
    ("div-trunc-non-contiguous", lambda lib, a, b: trunc_div(lib, a.t(), b), [R(4, 3), D(4)]),
]


@pytest.mark.parametrize("name,fn,inputs", DIFF, ids=[c[0] for c in DIFF])
def test_gradcheck(name, fn, inputs):
    gradcheck(lambda *ts: fn(jitgrad, *ts), *inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,fn,inputs", DIFF, ids=[c[0] for c in DIFF])
def test_torch(name, fn, inputs, dtype):
    torch_check(fn, *[a.astype(dtype) for a in inputs])


INT_CASES = [
    ("remainder", lambda lib, a, b: a % b, [I(3, 4), ID(3, 4)]),
    ("remainder-scalar", lambda lib, a: a % -3, [I(3, 4)]),
    ("rmod", lambda lib, b: 17 % b, [ID(6)]),
    ("remainder-fn-scalar-self", lambda lib, b: lib.remainder(-17, b), [ID(6)]),
    ("fmod", lambda lib, a, b: lib.fmod(a, b), [I(3, 4), ID(4)]),
    ("fmod-scalar", lambda lib, a: a.fmod(-3), [I(3, 4)]),
    ("floor", floor_div, [I(3, 4), ID(3, 1)]),
    ("floor-scalar-self", lambda lib, b: lib.div(-9, b, rounding_mode="floor"), [ID(6)]),
    ("trunc", trunc_div, [I(3, 4), ID(3, 4)]),
    ("floordiv", lambda lib, a, b: a // b, [I(3, 4), ID(3, 4)]),
    ("rfloordiv", lambda lib, b: -9 // b, [ID(6)]),
    ("true-divide", lambda lib, a, b: lib.true_divide(a, b), [I(3, 4), ID(3, 4)]),
    ("int32", lambda lib, a, b: a.to(lib.int32) % b.to(lib.int32), [I(5), ID(5)]),
    ("int32-floor-0d", lambda lib, a, b: a.to(lib.int32) // b, [I(5), ID()]),
    ("int-float-scalar", lambda lib, a: a % 2.5, [I(5)]),
    ("int-float-tensor", lambda lib, a, b: a // b, [I(5), D(5)]),
    ("float32-float64-0d", lambda lib, a, b: a.float() % b, [R(5), D()]),
    ("float32-float64-1d", lambda lib, a, b: a.float().fmod(b), [R(5), D(5)]),
    ("bool-int-scalar", lambda lib, a: (a > 0) % 2, [I(5)]),
    ("bool-floordiv-scalar", lambda lib, a: (a > 0) // 2, [I(5)]),
    ("bool-fmod-float", lambda lib, a: (a > 0).fmod(1.5), [I(5)]),
    ("int-true", lambda lib, a: a % True, [I(5)]),
    ("float-div-zero", lambda lib, a, b: a // (b * 0), [R(6), D(6)]),
    ("float-rem-zero", lambda lib, a: a % 0, [R(6)]),
    ("float-fmod-zero", lambda lib, a: a.fmod(0.0), [R(6)]),
    ("float-trunc-zero", lambda lib, a: a.div(0, rounding_mode="trunc"), [R(6)]),
    ("float-floor-zero", lambda lib, a: a.div(0, rounding_mode="floor"), [R(6)]),
]


@pytest.mark.parametrize("name,fn,inputs", INT_CASES, ids=[c[0] for c in INT_CASES])
def test_dtypes_and_values_torch(name, fn, inputs):
    """Promotion and values as torch (ints stay ints; float32 stays float32)."""
    torch_check(fn, *inputs, grads=False, atol=0, rtol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("name,fn,inputs", [c[1:] for c in CASES], ids=[c[1] for c in CASES])
def test_floor_divide_torch(name, fn, inputs, dtype):
    scale = 3 if dtype == np.int64 else 1        # integer operands: non-zero divisors stay so
    torch_check(fn, *[(a * scale).astype(dtype) for a in inputs], grads=False, atol=0, rtol=0)


@pytest.mark.parametrize("name,fn,inputs", [c[1:] for c in CASES], ids=[c[1] for c in CASES])
def test_floor_divide_node_is_not_implemented(name, fn, inputs):
    ts = [jitgrad.tensor(a, requires_grad=True) for a in inputs]
    out = fn(jitgrad, *ts)
    assert out.requires_grad
    assert type(out.grad_fn).__name__ == jitgrad.derivatives.COMPOSITE["floor_divide"].node
    with pytest.raises(RuntimeError, match="^derivative for aten::floor_divide is not "
                                           "implemented$"):
        out.sum().backward()


def test_node_names_as_torch():
    torch = pytest.importorskip("torch")
    exprs = [lambda lib, a, b: a % b, lambda lib, a, b: a % 2, lambda lib, a, b: 2 % b,
             lambda lib, a, b: lib.fmod(a, b), lambda lib, a, b: a.fmod(2),
             lambda lib, a, b: a // b, lambda lib, a, b: a // 2, lambda lib, a, b: 2 // b,
             lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
             lambda lib, a, b: lib.div(a, 2, rounding_mode="trunc"),
             lambda lib, a, b: lib.div(2, b, rounding_mode="floor"),
             lambda lib, a, b: a.remainder(b.detach()), lambda lib, a, b: a.detach() % b,
             lambda lib, a, b: a.detach().fmod(b)]
    for fn in exprs:
        names = []
        for lib in (jitgrad, torch):
            a = lib.tensor([5.0, -5.0, 2.5], requires_grad=True)
            b = lib.tensor([3.0, 3.0, -2.0], requires_grad=True)
            out = fn(lib, a, b)
            names.append(type(out.grad_fn).__name__)
        assert names[0] == names[1]


# (op, a, b, value, grad of a, grad of b), by hand
HAND = [
    ("remainder", 5.0, 3.0, 2.0, 1.0, -1.0),
    ("remainder", -5.0, 3.0, 1.0, 1.0, 2.0),      # the divisor's sign; floor(-5/3) = -2
    ("remainder", 5.0, -3.0, -1.0, 1.0, 2.0),
    ("remainder", -5.0, -3.0, -2.0, 1.0, -1.0),
    ("remainder", 7.5, 2.0, 1.5, 1.0, -3.0),
    ("fmod", 5.0, 3.0, 2.0, 1.0, -1.0),
    ("fmod", -5.0, 3.0, -2.0, 1.0, 1.0),          # the dividend's sign; trunc(-5/3) = -1
    ("fmod", 5.0, -3.0, 2.0, 1.0, 1.0),
    ("fmod", -5.0, -3.0, -2.0, 1.0, -1.0),
    ("floor", -5.0, 3.0, -2.0, 0.0, 0.0),
    ("floor", 5.0, -3.0, -2.0, 0.0, 0.0),
    ("floor", -6.0, 3.0, -2.0, 0.0, 0.0),
    ("trunc", -5.0, 3.0, -1.0, 0.0, 0.0),
    ("trunc", 5.0, -3.0, -1.0, 0.0, 0.0),
    ("trunc", -5.0, -3.0, 1.0, 0.0, 0.0),
]
HAND_FN = {"remainder": jitgrad.remainder, "fmod": jitgrad.fmod,
           "floor": lambda a, b: jitgrad.div(a, b, rounding_mode="floor"),
           "trunc": lambda a, b: jitgrad.div(a, b, rounding_mode="trunc")}


@pytest.mark.parametrize("op,a,b,value,ga,gb", HAND)
def test_hand_derived(op, a, b, value, ga, gb):
    ta = jitgrad.tensor(a, dtype=jitgrad.float64, requires_grad=True)
    tb = jitgrad.tensor(b, dtype=jitgrad.float64, requires_grad=True)
    out = HAND_FN[op](ta, tb)
    out.backward()
    assert out.item() == value
    assert ta.grad.item() == ga and tb.grad.item() == gb


def test_hand_derived_integers():
    a = jitgrad.tensor([7, -7, 7, -7, 0])
    b = jitgrad.tensor([2, 2, -2, -2, 3])
    assert (a % b).tolist() == [1, 1, -1, -1, 0]
    assert a.fmod(b).tolist() == [1, -1, 1, -1, 0]
    assert (a // b).tolist() == [3, -4, -4, 3, 0]
    assert a.div(b, rounding_mode="trunc").tolist() == [3, -3, -3, 3, 0]
    assert (a % b).dtype is jitgrad.int64 and (a // b).dtype is jitgrad.int64
    assert a.div(b, rounding_mode="floor").dtype is jitgrad.int64
    assert jitgrad.div(a, b).dtype is jitgrad.float32


def test_integer_minimum_by_minus_one_wraps():
    m = jitgrad.tensor([-2 ** 63, 5])
    assert (m // -1).tolist() == [-2 ** 63, -5]
    assert (m % -1).tolist() == [0, 0]
    assert m.fmod(-1).tolist() == [0, 0]
    assert m.div(-1, rounding_mode="trunc").tolist() == [-2 ** 63, -5]


def test_float_division_by_zero():
    a = jitgrad.tensor([5.0, -5.0, 0.0])
    inf, nan = np.inf, np.nan
    np.testing.assert_array_equal((a // 0).numpy(), [inf, -inf, nan])
    np.testing.assert_array_equal((a % 0).numpy(), [nan, nan, nan])
    np.testing.assert_array_equal(a.div(0, rounding_mode="trunc").numpy(), [inf, -inf, nan])
    assert (a % 0).dtype is jitgrad.float32


def test_float_edge_values_torch():
    vals = np.array([5.0, -5.0, 0.0, -0.0, 1e-30, -1e-30, np.inf, 0.7, 5.0], dtype=np.float32)
    divs = np.array([np.inf, np.inf, -3.0, 3.0, -1.0, 2.0, 2.0, 0.1, 0.1], dtype=np.float32)
    for fn in (lambda lib, a, b: a % b, lambda lib, a, b: a // b, lambda lib, a, b: a.fmod(b),
               trunc_div):
        torch_check(fn, vals, divs, grads=False, atol=0, rtol=0)
        torch = pytest.importorskip("torch")
        j = fn(jitgrad, jitgrad.tensor(vals), jitgrad.tensor(divs)).numpy()
        t = fn(torch, torch.tensor(vals), torch.tensor(divs)).numpy()
        np.testing.assert_array_equal(np.signbit(j), np.signbit(t))     # signed zeros too


def test_create_graph_matches_fast_path():
    """apply_graph (create_graph=True) gives apply's values."""
    for fn in (lambda a, b: a % b, lambda a, b: a.fmod(b), lambda a, b: a % 1.5,
               lambda a, b: a.div(b, rounding_mode="floor"),
               lambda a, b: jitgrad.div(a, b, rounding_mode="trunc")):
        fast, graph = [], []
        av, bv = R(2, 3), D(3)
        for create in (False, True):
            a = jitgrad.tensor(av, requires_grad=True)
            b = jitgrad.tensor(bv, requires_grad=True)
            ga, gb = jitgrad.autograd.grad(fn(a, b).sum(), (a, b), create_graph=create,
                                           allow_unused=True)
            (graph if create else fast).append((ga, gb))
        for (fa, fb), (ca, cb) in zip(fast, graph):
            np.testing.assert_array_equal(fa.detach().numpy(), ca.detach().numpy())
            if fb is not None:
                np.testing.assert_array_equal(fb.detach().numpy(), cb.detach().numpy())


def test_second_derivative_is_zero():
    a = jitgrad.tensor(R(2, 3), dtype=jitgrad.float64, requires_grad=True)
    b = jitgrad.tensor(D(3), dtype=jitgrad.float64, requires_grad=True)
    assert jitgrad.autograd.gradgradcheck(lambda x, y: x % y, (a, b))
    assert jitgrad.autograd.gradgradcheck(lambda x, y: x.fmod(y), (a, b))


# ---- in-place forms

INPLACE = [
    ("remainder_", lambda x, b: x.remainder_(b)),
    ("fmod_", lambda x, b: x.fmod_(b)),
    ("imod", lambda x, b: x.__imod__(b)),
    ("floor_divide_", lambda x, b: x.floor_divide_(b)),
    ("ifloordiv", lambda x, b: x.__ifloordiv__(b)),
    ("div_-floor", lambda x, b: x.div_(b, rounding_mode="floor")),
    ("div_-trunc", lambda x, b: x.div_(b, rounding_mode="trunc")),
]


@pytest.mark.parametrize("scalar", [False, True])
@pytest.mark.parametrize("name,fn", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_torch(name, fn, scalar):
    torch = pytest.importorskip("torch")
    a, b = R(3, 4), D(4)
    res = {}
    for lib in (jitgrad, torch):
        x0 = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b, requires_grad=True)
        x = x0 * 1
        out = fn(x, -1.5 if scalar else y)
        assert out is x
        node = type(x.grad_fn).__name__
        grads = None
        if node != "NotImplemented":
            x.backward(lib.tensor(np.ones((3, 4))))
            grads = (x0.grad.numpy(), None if y.grad is None else y.grad.numpy())
        res[lib.__name__] = (x.detach().numpy().copy(), node, grads)
    (jv, jn, jg), (tv, tn, tg) = res["jitgrad"], res["torch"]
    np.testing.assert_allclose(jv, tv, rtol=1e-12)
    assert jn == tn
    if tg is not None:
        np.testing.assert_allclose(jg[0], tg[0])
        assert (jg[1] is None) == (tg[1] is None)
        if jg[1] is not None:
            np.testing.assert_allclose(jg[1], tg[1])


def test_inplace_without_graph_integers():
    x = jitgrad.tensor([7, -7, 9])
    x %= 4
    assert x.tolist() == [3, 1, 1]
    x //= -2
    assert x.tolist() == [-2, -1, -1]
    x.fmod_(jitgrad.tensor([3, 3, 3]))
    assert x.tolist() == [-2, -1, -1]
    x.div_(2, rounding_mode="floor")
    assert x.tolist() == [-1, -1, -1]
    x.div_(-2, rounding_mode="trunc")
    assert x.tolist() == [0, 0, 0]
    y = jitgrad.tensor([[7.0, -7.0], [1.0, 2.0]]).t()     # non-contiguous target
    y %= 3
    np.testing.assert_array_equal(y.numpy(), [[1.0, 1.0], [2.0, 2.0]])


# ---- errors

Case = namedtuple("Case", "id run exc message")


def _i(lib):
    return lib.tensor([5, -7, 3])


def _b(lib):
    return lib.tensor([True, False])


def _f(lib):
    return lib.tensor([5.0, -7.0])


def _f_grad(lib):
    return lib.tensor([5.0, -7.0], requires_grad=True)


def _inplace_floordiv_zero(lib):
    x = _i(lib)
    x //= 0


def _inplace_mod_float(lib):
    x = _i(lib)
    x %= 2.5


_DIV_OVERLOADS = (" * (Tensor input, Tensor other, *, Tensor out = None)\n"
                  " * (Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)\n"
                  " * (Tensor input, Number other, *, str rounding_mode)\n")

ERRORS = [
    Case("mod-zero", lambda lib: _i(lib) % 0, RuntimeError, "ZeroDivisionError"),
    Case("mod-zero-tensor", lambda lib: _i(lib) % lib.tensor([1, 0, 2]), RuntimeError,
         "ZeroDivisionError"),
    Case("rmod-bool-zero", lambda lib: 2 % _b(lib), RuntimeError, "ZeroDivisionError"),
    Case("floordiv-zero", lambda lib: _i(lib) // 0, RuntimeError, "ZeroDivisionError"),
    Case("fmod-zero", lambda lib: lib.fmod(_i(lib), 0), RuntimeError, "ZeroDivisionError"),
    Case("trunc-zero", lambda lib: lib.div(_i(lib), lib.tensor(0), rounding_mode="trunc"),
         RuntimeError, "ZeroDivisionError"),
    Case("floor-zero", lambda lib: _i(lib).div(0, rounding_mode="floor"), RuntimeError,
         "ZeroDivisionError"),
    Case("inplace-floordiv-zero", _inplace_floordiv_zero, RuntimeError, "ZeroDivisionError"),
    Case("inplace-int-by-float", _inplace_mod_float, RuntimeError,
         "result type Float can't be cast to the desired output type Long"),
    Case("bool-remainder", lambda lib: _b(lib) % _b(lib), NotImplementedError,
         "\"remainder_cpu\" not implemented for 'Bool'"),
    Case("bool-remainder-true", lambda lib: _b(lib) % True, NotImplementedError,
         "\"remainder_cpu\" not implemented for 'Bool'"),
    Case("bool-floordiv", lambda lib: _b(lib) // _b(lib), NotImplementedError,
         "\"div_floor_cpu\" not implemented for 'Bool'"),
    Case("bool-fmod", lambda lib: lib.fmod(_b(lib), _b(lib)), NotImplementedError,
         "\"fmod_cpu\" not implemented for 'Bool'"),
    Case("bool-trunc", lambda lib: lib.div(_b(lib), _b(lib), rounding_mode="trunc"),
         NotImplementedError, "\"div_trunc_cpu\" not implemented for 'Bool'"),
    Case("rounding-mode", lambda lib: lib.div(_f(lib), 2, rounding_mode="round"), RuntimeError,
         "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"),
    Case("rounding-mode-int", lambda lib: _i(lib).div(_i(lib), rounding_mode="Floor"),
         RuntimeError,
         "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'Floor'"),
    Case("rounding-mode-inplace", lambda lib: _f(lib).div_(2, rounding_mode="x"), RuntimeError,
         "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'x'"),
    Case("rounding-mode-type", lambda lib: lib.div(_f(lib), 2, rounding_mode=3), TypeError,
         "div() received an invalid combination of arguments - got (Tensor, int, "
         "rounding_mode=int), but expected one of:\n" + _DIV_OVERLOADS),
    Case("rounding-mode-type-tensor", lambda lib: lib.div(_f(lib), _f(lib), rounding_mode=3),
         TypeError, "div() received an invalid combination of arguments - got (Tensor, Tensor, "
         "rounding_mode=int), but expected one of:\n" + _DIV_OVERLOADS),
    Case("rounding-mode-type-inplace", lambda lib: _f(lib).div_(2, rounding_mode=3), TypeError,
         "div_() received an invalid combination of arguments - got (int, rounding_mode=int), "
         "but expected one of:\n * (Tensor other)\n * (Tensor other, *, str rounding_mode)\n"
         " * (Number other, *, str rounding_mode)\n"),
    Case("fmod-number-input", lambda lib: lib.fmod(2, _f(lib)), TypeError,
         "fmod() received an invalid combination of arguments - got (int, Tensor), but "
         "expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
         " * (Tensor input, Number other, *, Tensor out = None)\n"),
    Case("broadcast", lambda lib: lib.remainder(lib.ones(2), lib.ones(3)), RuntimeError,
         "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
         "dimension 0"),
    Case("floordiv-backward", lambda lib: (_f_grad(lib) // 2).sum().backward(), RuntimeError,
         "derivative for aten::floor_divide is not implemented"),
    Case("rfloordiv-backward", lambda lib: (2 // _f_grad(lib)).sum().backward(), RuntimeError,
         "derivative for aten::floor_divide is not implemented"),
    Case("rmod-backward", lambda lib: (7 % _f_grad(lib)).sum().backward(), RuntimeError,
         "derivative for aten::remainder is not implemented"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


def test_float32_stays_float32():
    x = jitgrad.ones(3)
    for y in (x % 2.5, 2.5 % x, x // 3, x.fmod(0.1), x.div(3, rounding_mode="floor"),
              x.div(jitgrad.tensor(3.0, dtype=jitgrad.float64), rounding_mode="trunc")):
        assert y.dtype is jitgrad.float32


def test_div_rounding_mode_none_is_true_division():
    # (torch records DivBackward2 when rounding_mode=None is passed explicitly; jitgrad
    # cannot tell it from the default and records DivBackward0, with the same gradients)
    a = jitgrad.tensor([7.0, -7.0], requires_grad=True)
    y = a.div(2.0, rounding_mode=None)
    y.sum().backward()
    assert y.tolist() == [3.5, -3.5] and a.grad.tolist() == [0.5, 0.5]
    x = jitgrad.tensor([7.0, -7.0])
    assert x.div_(2, rounding_mode=None).tolist() == [3.5, -3.5]


def test_aliases():
    a = jitgrad.tensor([7.0, -7.0])
    assert jitgrad.true_divide(a, 2).tolist() == [3.5, -3.5]
    assert jitgrad.divide(a, 2, rounding_mode="floor").tolist() == [3.0, -4.0]
    assert a.true_divide(2).tolist() == [3.5, -3.5]
    assert a.divide(2, rounding_mode="trunc").tolist() == [3.0, -3.0]
