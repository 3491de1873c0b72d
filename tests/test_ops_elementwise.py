"""Every elementwise op in the op table, checked three ways: finite
differences in float64, hand-derived values, and torch when installed.
The parameter lists come from ``jitgrad.derivatives``, so adding an op to
the table adds it here (and fails until it has an input domain below)."""
import operator

import numpy as np
import pytest

import jitgrad
from jitgrad import derivatives
from helpers import gradcheck, torch_check


def normal(shape, rng):
    return np.asarray(rng.standard_normal(shape))


def positive(shape, rng):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def away_from_zero(shape, rng):
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape))


def _lib(t):
    """The library (jitgrad or torch) tensor ``t`` belongs to."""
    import sys
    return sys.modules[type(t).__module__.split(".")[0]]


def off_integers(shape, rng):
    """Away from the jumps of floor/ceil (integers) and round (halves)."""
    return np.asarray(rng.integers(-3, 3, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], shape))


def above_one(shape, rng):
    """Clear of acosh's end at 1."""
    return np.asarray(rng.uniform(1.2, 3.0, shape))


def inside_unit(shape, rng):
    """Inside (-1, 1), clear of the ends (asin, acos) and of tan's poles."""
    return np.asarray(rng.uniform(-0.9, 0.9, shape))


# input domains where each op is smooth (kinks at 0 are avoided)
UNARY_DOMAIN = {"neg": normal, "exp": normal, "log": positive, "sqrt": positive,
                "abs": away_from_zero, "sigmoid": normal, "tanh": normal, "relu": away_from_zero,
                "log1p": positive, "expm1": normal, "sin": normal, "cos": normal,
                "reciprocal": away_from_zero, "rsqrt": positive, "sign": away_from_zero,
                "floor": off_integers, "ceil": off_integers, "round": off_integers,
                "square": normal, "log2": positive, "log10": positive, "tan": inside_unit,
                "sinh": normal, "cosh": normal, "atan": normal, "asin": inside_unit,
                "acos": inside_unit, "asinh": normal, "acosh": above_one, "atanh": inside_unit,
                "erf": normal, "erfc": normal, "erfinv": inside_unit,
                "trunc": off_integers, "frac": off_integers}
BINARY_DOMAIN = {"add": (normal, normal), "sub": (normal, normal), "mul": (normal, normal),
                 "div": (normal, away_from_zero), "pow": (positive, normal),
                 "maximum": (normal, normal), "minimum": (normal, normal),
                 # random operands stay clear of the jumps (where self / other is an integer)
                 "remainder": (normal, away_from_zero), "fmod": (normal, away_from_zero),
                 "div_floor": (normal, away_from_zero), "div_trunc": (normal, away_from_zero),
                 "atan2": (away_from_zero, away_from_zero), "hypot": (normal, normal),
                 "logaddexp": (normal, normal), "logaddexp2": (normal, normal),
                 "xlogy": (normal, positive)}
OPERATOR = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
            "div": operator.truediv, "pow": operator.pow,
            "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b),
            "remainder": operator.mod, "fmod": lambda a, b: a.fmod(b),
            "div_floor": lambda a, b: a.div(b, rounding_mode="floor") if hasattr(a, "div")
            else b.new_tensor(a).div(b, rounding_mode="floor"),
            "div_trunc": lambda a, b: a.div(b, rounding_mode="trunc") if hasattr(a, "div")
            else b.new_tensor(a).div(b, rounding_mode="trunc"),
            "atan2": lambda a, b: a.atan2(b), "hypot": lambda a, b: a.hypot(b),
            "logaddexp": lambda a, b: a.logaddexp(b), "logaddexp2": lambda a, b: a.logaddexp2(b),
            # (a number first: the library's function, XlogyBackward1)
            "xlogy": lambda a, b: a.xlogy(b) if hasattr(a, "xlogy") else _lib(b).xlogy(a, b)}
# binary ops whose operands must both be tensors (torch refuses a number)
TENSOR_ONLY = {"maximum", "minimum", "atan2", "hypot", "logaddexp", "logaddexp2"}
# binary ops with no gradient for a Python-scalar first operand (torch: ``2 % x`` records
# NotImplemented; fmod(2, x) is refused)
NO_SCALAR_SELF = {"remainder", "fmod"}

UNARY = sorted(derivatives.UNARY)
BINARY = sorted(derivatives.BINARY)
SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)),
             ((2, 3, 4), (3, 1)), ((5,), ()), ((), (2, 3)), ((1,), (3, 2)), ((2, 1, 3), (4, 1))]


def test_every_op_has_a_domain():
    assert set(UNARY) == set(UNARY_DOMAIN)
    assert set(BINARY) == set(BINARY_DOMAIN)


def unary_fn(name):
    return lambda x: getattr(jitgrad, name)(x)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_gradcheck(name, shape):
    x = UNARY_DOMAIN[name](shape, np.random.default_rng(1))
    gradcheck(unary_fn(name), x)


@pytest.mark.parametrize("name", UNARY)
def test_unary_non_contiguous(name):
    x = UNARY_DOMAIN[name]((4, 3), np.random.default_rng(2))
    gradcheck(lambda t: getattr(jitgrad, name)(t.t()), x)
    gradcheck(lambda t: getattr(jitgrad, name)(t.transpose(0, 1)), x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_torch(name, dtype):
    x = UNARY_DOMAIN[name]((3, 4), np.random.default_rng(3)).astype(dtype)
    torch_check(lambda lib, t: getattr(lib, name)(t), x)


@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("name", BINARY)
def test_binary_gradcheck(name, shapes):
    rng = np.random.default_rng(4)
    da, db = BINARY_DOMAIN[name]
    gradcheck(OPERATOR[name], da(shapes[0], rng), db(shapes[1], rng))


@pytest.mark.parametrize("name", BINARY)
def test_binary_scalar_operands(name):
    if name in TENSOR_ONLY:
        pytest.skip("tensor operands only")
    rng = np.random.default_rng(5)
    da, db = BINARY_DOMAIN[name]
    s = 1.5
    gradcheck(lambda t: OPERATOR[name](t, s), da((3, 2), rng))
    if name not in NO_SCALAR_SELF:
        gradcheck(lambda t: OPERATOR[name](s, t), db((3, 2), rng))


@pytest.mark.parametrize("name", BINARY)
def test_binary_non_contiguous(name):
    rng = np.random.default_rng(6)
    da, db = BINARY_DOMAIN[name]
    gradcheck(lambda a, b: OPERATOR[name](a.t(), b), da((4, 3), rng), db((3, 4), rng))
    gradcheck(lambda a, b: OPERATOR[name](a.t(), b), da((4, 3), rng), db((4,), rng))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("name", BINARY)
def test_binary_torch(name, shapes, dtype):
    rng = np.random.default_rng(7)
    da, db = BINARY_DOMAIN[name]
    torch_check(lambda lib, a, b: OPERATOR[name](a, b),
                da(shapes[0], rng).astype(dtype), db(shapes[1], rng).astype(dtype))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("name", BINARY)
def test_binary_scalar_torch(name, left):
    if name in TENSOR_ONLY:
        pytest.skip("tensor operands only")
    rng = np.random.default_rng(8)
    da, db = BINARY_DOMAIN[name]
    if left and name in NO_SCALAR_SELF:
        pytest.skip("no gradient for a scalar first operand")
    if left:
        torch_check(lambda lib, t: OPERATOR[name](2.5, t), db((4,), rng).astype(np.float32))
    else:
        torch_check(lambda lib, t: OPERATOR[name](t, 2.5), da((4,), rng).astype(np.float32))


def test_mixed_dtypes_torch():
    rng = np.random.default_rng(9)
    torch_check(lambda lib, a, b: a * b, rng.standard_normal(3).astype(np.float32),
                rng.standard_normal((2, 3)))
    torch_check(lambda lib, a, b: a / b, rng.standard_normal(3).astype(np.float32),
                np.array([1, 2, 3]))


# (op, inputs, expected output, expected gradient of each input), by hand
HAND = [
    ("neg", [2.0], -2.0, [-1.0]),
    ("exp", [0.0], 1.0, [1.0]),
    ("log", [2.0], np.log(2.0), [0.5]),
    ("sqrt", [4.0], 2.0, [0.25]),
    ("abs", [-3.0], 3.0, [-1.0]),
    ("abs", [0.0], 0.0, [0.0]),
    ("sigmoid", [0.0], 0.5, [0.25]),
    ("tanh", [0.0], 0.0, [1.0]),
    ("relu", [-1.0], 0.0, [0.0]),
    ("relu", [2.0], 2.0, [1.0]),
    ("add", [1.0, 2.0], 3.0, [1.0, 1.0]),
    ("sub", [1.0, 2.0], -1.0, [1.0, -1.0]),
    ("mul", [3.0, 2.0], 6.0, [2.0, 3.0]),
    ("div", [1.0, 2.0], 0.5, [0.5, -0.25]),
    ("pow", [2.0, 3.0], 8.0, [12.0, 8.0 * np.log(2.0)]),
    ("pow", [0.0, 2.0], 0.0, [0.0, 0.0]),
    ("pow", [3.0, 0.0], 1.0, [0.0, np.log(3.0)]),
    ("log1p", [1.0], np.log(2.0), [0.5]),
    ("log1p", [0.0], 0.0, [1.0]),
    ("expm1", [0.0], 0.0, [1.0]),
    ("expm1", [1.0], np.e - 1, [np.e]),
    ("sin", [0.0], 0.0, [1.0]),
    ("sin", [np.pi / 2], 1.0, [0.0]),
    ("cos", [0.0], 1.0, [0.0]),
    ("cos", [np.pi / 2], 0.0, [-1.0]),
    ("reciprocal", [4.0], 0.25, [-1 / 16]),
    ("rsqrt", [4.0], 0.5, [-1 / 16]),
    ("sign", [-3.0], -1.0, [0.0]),
    ("sign", [0.0], 0.0, [0.0]),
    ("floor", [-1.5], -2.0, [0.0]),
    ("ceil", [-1.5], -1.0, [0.0]),
    ("round", [2.5], 2.0, [0.0]),          # half to even
    ("round", [-0.5], -0.0, [0.0]),
    ("round", [1.5], 2.0, [0.0]),
    ("maximum", [1.0, 2.0], 2.0, [0.0, 1.0]),
    ("maximum", [3.0, 3.0], 3.0, [0.5, 0.5]),  # a tie splits the gradient
    ("minimum", [1.0, 2.0], 1.0, [1.0, 0.0]),
    ("minimum", [3.0, 3.0], 3.0, [0.5, 0.5]),
]


@pytest.mark.parametrize("name,inputs,value,grads", HAND)
def test_hand_derived(name, inputs, value, grads):
    ts = [jitgrad.tensor(v, dtype=jitgrad.float64, requires_grad=True) for v in inputs]
    out = getattr(jitgrad, name)(*ts)
    out.backward()
    assert out.item() == pytest.approx(value)
    for t, g in zip(ts, grads):
        assert t.grad.item() == pytest.approx(g)


def test_float32_scalar_does_not_promote():
    x = jitgrad.ones(3)
    for y in (x * 2.5, 2.5 * x, x / 3, x ** 2, x - 1e-3):
        assert y.dtype is jitgrad.float32


def test_comparisons():
    a = jitgrad.tensor([1.0, 2.0, 3.0])
    b = jitgrad.tensor([3.0, 2.0, 1.0])
    assert (a < b).tolist() == [True, False, False]
    assert (a <= b).tolist() == [True, True, False]
    assert (a > 2).tolist() == [False, False, True]
    assert (a >= 2).tolist() == [False, True, True]
    assert (a == b).tolist() == [False, True, False]
    assert (a != b).tolist() == [True, False, True]
    assert (a < b).dtype is jitgrad.bool
    assert not (a.requires_grad_() < b).requires_grad


def test_large_inputs_stay_finite():
    x = jitgrad.tensor([-100.0, 100.0], requires_grad=True)
    y = x.sigmoid()
    y.sum().backward()
    assert np.all(np.isfinite(y.detach().numpy())) and np.all(np.isfinite(x.grad.numpy()))
    assert y.tolist() == pytest.approx([0.0, 1.0], abs=1e-30)


def test_log_and_sqrt_of_non_positive_match_numpy():
    x = jitgrad.tensor([0.0, -1.0])
    assert x.log().tolist()[0] == -np.inf and np.isnan(x.log().tolist()[1])
    assert np.isnan(x.sqrt().tolist()[1])
