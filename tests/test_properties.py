"""Property-based tests (hypothesis) over the whole op table.

Every elementwise op of ``derivatives.UNARY`` / ``derivatives.BINARY`` gets:
random shapes (0-d, 0-size, broadcasting), every memory layout of
tests/strategies.py (transposed, gapped numpy memory, views such as ``t.t()``
and ``t[::2]``; negatively strided numpy arrays are refused, in torch's words,
and their copies used), float32 and float64 plus integer and bool inputs,
Python numbers on either side, NaN/inf/extreme values. The forward is
compared with torch when installed (numpy reference formulas otherwise),
gradients with finite differences in float64 on finite values and with torch
on the extreme ones. Composite ops run through every ``CASES`` entry of the
tests/test_ops_*.py modules (memory layouts, non-finite values), one test per
table entry, and the shape-agnostic ones through random shapes and dims (the
``SHAPED`` mapping). The numerically delicate functions are checked at logits
of +-1e4 against stable formulas and hand-derived values.

Adding an op to the table adds its tests here, and fails until it has a
domain (``UNARY_DOMAIN`` / ``BINARY_DOMAIN``) or, for a composite op, cases.
Runs are deterministic (``derandomize``, no example database); the examples
follow each test's source, and JITGRAD_PROPERTY_EXAMPLES=200 searches deeper.
Where torch's own answer depends on which of its kernels runs, the table
``NON_FINITE_UNCOMPARABLE`` (and the notes beside ``OVERFLOWS_EARLY_IN_TORCH``,
``NAN_GRAD_DEPENDS_ON_SIZE``) say what is not compared and why.
"""
import importlib
import math
import os
import pathlib
import warnings

import numpy as np
import pytest

pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, assume, given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import jitgrad  # noqa: E402
from jitgrad import derivatives, messages  # noqa: E402

import strategies as S  # noqa: E402
from helpers import numerical_vjp  # noqa: E402
from test_ops_elementwise import OPERATOR, TENSOR_ONLY  # noqa: E402

try:
    import torch
except ImportError:          # the torch comparisons skip; everything else runs
    torch = None

# JITGRAD_PROPERTY_EXAMPLES=500 for a deeper (slower) search; the default keeps CI quick
EXAMPLES = int(os.environ.get("JITGRAD_PROPERTY_EXAMPLES", "20"))
PROPS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much])
UNARY = sorted(derivatives.UNARY)
BINARY = sorted(derivatives.BINARY)
RTOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


def needs_torch():
    if torch is None:
        pytest.skip("torch is not installed (the comparison with it)")
    return torch


# ------------------------------------------------------------------ running and comparing


def outcome(fn, lib=jitgrad):
    """``fn()`` as ('ok', result) or ('err', exception type, message). For jitgrad a
    RuntimeWarning is an error, and neither a warning nor a Numba error may escape."""
    with warnings.catch_warnings():
        # torch's own UserWarnings (jitgrad repeats them) are tested elsewhere
        warnings.simplefilter("ignore", UserWarning)
        if lib is jitgrad:
            warnings.simplefilter("error", RuntimeWarning)
        try:
            return ("ok", fn())
        except Exception as e:  # noqa: BLE001
            if lib is jitgrad:
                assert not isinstance(e, Warning), f"a numpy warning reached the user: {e!r}"
                assert not type(e).__module__.startswith("numba"), \
                    f"a Numba error reached the user: {type(e).__name__}: {e}"
                return ("err", type(e).__name__, str(e))
            return ("err", type(e).__name__, str(e).replace("torch.", "jitgrad."))


def as_numpy(t):
    if t is None:
        return None
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def dtype_name(t):
    return str(t.dtype).split(".")[-1]


def assert_same_outcome(got, want):
    """Both raised the same (type and message), or neither did."""
    if want[0] == "err" or got[0] == "err":
        assert got[0] == want[0], f"jitgrad: {got[1:] if got[0] == 'err' else 'no error'}, " \
                                  f"expected: {want[1:] if want[0] == 'err' else 'no error'}"
        assert got[1:] == want[1:]
        return False
    return True


def grad_atol(dtype):
    """Gradients such as tanh's 1 - result**2 cancel: a few ulp of 1 apart (cotangent 1)."""
    return 4 * float(np.finfo(dtype).eps)


def assert_close(got, want, rtol=None, atol=None, what="value"):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    dt = got.dtype if got.dtype.kind == "f" else want.dtype
    rtol = RTOL[np.dtype(dt)] if rtol is None else rtol
    atol = np.finfo(dt).tiny if atol is None else atol      # subnormal-level differences
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol,
                                   atol=atol, equal_nan=True, err_msg=what)


def check_grads_fd(fn, xs, lays, v, atol=1e-6, rtol=1e-4):
    """Gradients of ``sum(fn(*xs) * v)`` through each layout against central
    differences on contiguous float64 copies."""
    made = [lay.make(x) for lay, x in zip(lays, xs)]
    out = outcome(lambda: fn(*[view for _, view in made]))
    assert out[0] == "ok", out
    out = out[1]
    assert out.shape == v.shape
    r = outcome(lambda: out.backward(jitgrad.tensor(v)))
    assert r[0] == "ok", r
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)       # var(): degrees of freedom <= 0
        expected = numerical_vjp(fn, [x.copy() for x in xs], v)
    for (leaf, _), lay, x, e in zip(made, lays, xs, expected):
        assert leaf.grad is not None, "no gradient reached an input"
        np.testing.assert_allclose(leaf.grad.numpy(), lay.to_leaf(e, x.shape), atol=atol, rtol=rtol)


# ================================================================== memory layouts


@PROPS
@given(data=st.data())
def test_negative_strides_are_refused_as_in_torch(data):
    """A numpy array with a negative stride: torch.tensor/from_numpy/as_tensor refuse it
    (ValueError); jitgrad the same, in torch's words."""
    x = data.draw(S.arrays(data.draw(st.sampled_from(S.DTYPES)), S.shapes(min_dims=1)), label="x")
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    arr = np.flip(x, axis)
    for name in ("tensor", "from_numpy", "as_tensor"):
        got = outcome(lambda: getattr(jitgrad, name)(arr))
        if torch is not None:
            want = outcome(lambda: getattr(torch, name)(arr), torch)
        elif any(s < 0 for s in arr.strides):
            want = ("err", "ValueError", messages.FROM_NUMPY_NEGATIVE_STRIDES)
        else:
            want = ("ok",)
        if assert_same_outcome(got, want):
            assert_close(got[1].numpy(), x[tuple(slice(None, None, -1) if i == axis else
                                                 slice(None) for i in range(x.ndim))])


# ================================================================== unary ops

N = S.finite(-3, 3)
POS = S.finite(0.1, 4)
AWAY = S.away_from_zero()
UNIT = S.finite(-0.9, 0.9)
# away from floor/ceil's jumps (integers) and round's (halves)
OFF_INTEGERS = S.finite(-3, 3).filter(lambda v: min(abs(v * 2 - round(v * 2)), 1) > 0.1)

# float64 elements where each op is smooth (the finite-difference checks)
UNARY_DOMAIN = {"neg": N, "exp": N, "log": POS, "sqrt": POS, "abs": AWAY, "sigmoid": N,
                "tanh": N, "relu": AWAY, "log1p": S.finite(-0.9, 4), "expm1": N, "sin": N,
                "cos": N, "reciprocal": AWAY, "rsqrt": POS, "sign": AWAY,
                "floor": OFF_INTEGERS, "ceil": OFF_INTEGERS, "round": OFF_INTEGERS, "square": N,
                "log2": POS, "log10": POS, "tan": S.finite(-1.2, 1.2), "sinh": N, "cosh": N,
                "atan": N, "asin": UNIT, "acos": UNIT, "asinh": N,
                "acosh": S.finite(1.1, 4), "atanh": UNIT, "erf": N, "erfc": N, "erfinv": UNIT,
                "trunc": OFF_INTEGERS, "frac": OFF_INTEGERS}

# torch's float sinh/cosh overflow where exp(|x|) does (88.7 / 709.8), before the
# true value does (89.4 / 710.5); jitgrad returns the finite value there (as numpy)
OVERFLOWS_EARLY_IN_TORCH = {"sinh", "cosh"}


def unary_expected(name, x):
    """torch's outcome for ``name(x)`` when installed, else the numpy reference."""
    if torch is not None:
        want = outcome(lambda: getattr(torch, name)(torch.tensor(x)), torch)
        if want[0] == "ok":
            value = want[1].numpy()
            if name in OVERFLOWS_EARLY_IN_TORCH and x.dtype.kind == "f":
                ref = S.UNARY_REF[name](x)
                value = np.where(np.isinf(value) & np.isfinite(ref), ref, value)
            want = ("ok", value, dtype_name(want[1]))
        return want
    if x.dtype == np.bool_ and name in messages.BOOL_UNSUPPORTED:
        exc, text = messages.BOOL_UNSUPPORTED[name]
        return ("err", exc.__name__, text)
    if x.dtype.kind != "f" and name in messages.FLOAT_ONLY_KERNEL:
        return ("err", "NotImplementedError", messages.not_implemented_for(
            messages.FLOAT_ONLY_KERNEL[name], jitgrad.tensor(x).dtype._torch_name))
    res = S.unary_result_dtype(name, x.dtype)
    with np.errstate(all="ignore"):
        value = S.UNARY_REF[name](x.astype(res))
    return ("ok", np.asarray(value, res), res.name)


def test_every_op_has_a_domain():
    assert set(UNARY) == set(UNARY_DOMAIN) == set(S.UNARY_REF)
    assert set(BINARY) == set(BINARY_DOMAIN) == set(S.BINARY_REF)
    assert set(BINARY) <= set(OPERATOR)


@pytest.mark.parametrize("name", UNARY)
@PROPS
@given(data=st.data())
def test_unary_forward(name, data):
    """Any dtype, shape, layout and value: torch's (numpy's) result, dtype or error."""
    dtype = data.draw(st.sampled_from(S.MOSTLY_FLOATS), label="dtype")
    x = data.draw(S.arrays(dtype, S.shapes()), label="x")
    layout = data.draw(S.layouts(), label="layout")
    _, view = layout.make(x, requires_grad=False)
    got = outcome(lambda: getattr(jitgrad, name)(view))
    want = unary_expected(name, x)
    if assert_same_outcome(got, want):
        assert dtype_name(got[1]) == want[2]
        assert_close(got[1].numpy(), want[1])


@pytest.mark.parametrize("name", UNARY)
@PROPS
@given(data=st.data())
def test_unary_gradient(name, data):
    """float64 finite differences, through every layout (0-d and 0-size included)."""
    shape = data.draw(S.shapes(max_side=3), label="shape")
    x = data.draw(S.arrays(np.float64, shape, elements_=UNARY_DOMAIN[name]), label="x")
    v = data.draw(S.arrays(np.float64, shape, elements_=S.finite(-2, 2)), label="v")
    layout = data.draw(S.layouts(), label="layout")
    check_grads_fd(lambda t: getattr(jitgrad, name)(t), [x], [layout], v)


@pytest.mark.parametrize("name", UNARY)
@PROPS
@given(data=st.data())
def test_unary_gradient_extremes(name, data):
    """NaN, inf and extreme magnitudes: torch's gradient, element for element."""
    needs_torch()
    dtype = data.draw(st.sampled_from(S.FLOATS), label="dtype")
    x = data.draw(S.arrays(dtype, S.shapes(max_side=3)), label="x")
    layout = data.draw(S.layouts(), label="layout")
    leaf, view = layout.make(x)
    got = outcome(lambda: getattr(jitgrad, name)(view))
    assert got[0] == "ok", got
    out = got[1]
    assert outcome(lambda: out.backward(jitgrad.ones_like(out)))[0] == "ok"
    tx = torch.tensor(x, requires_grad=True)
    tout = getattr(torch, name)(tx)
    tout.backward(torch.ones_like(tout))
    want = tx.grad.numpy()
    if name in OVERFLOWS_EARLY_IN_TORCH:          # the derivative is the other one of the pair
        ref = S.UNARY_REF["cosh" if name == "sinh" else "sinh"](x)
        want = np.where(np.isinf(want) & np.isfinite(ref), ref, want)
    assert_close(leaf.grad.numpy(), layout.to_leaf(want, x.shape), atol=grad_atol(dtype),
                 what="gradient")


# ================================================================== binary ops

# maximum/minimum: operands on two interleaved grids, never tied (ties: the extremes test)
GRID_A = st.integers(-12, 12).map(lambda k: k / 4 + 0.05)
GRID_B = st.integers(-12, 12).map(lambda k: k / 4 + 0.17)

BINARY_DOMAIN = {"add": (N, N), "sub": (N, N), "mul": (N, N), "div": (N, AWAY),
                 "pow": (S.finite(0.2, 3), N), "maximum": (GRID_A, GRID_B),
                 "minimum": (GRID_A, GRID_B), "remainder": (N, AWAY), "fmod": (N, AWAY),
                 "div_floor": (N, AWAY), "div_trunc": (N, AWAY), "atan2": (AWAY, AWAY),
                 "hypot": (AWAY, N), "logaddexp": (N, N), "logaddexp2": (N, N), "xlogy": (N, POS)}
# ops with jumps where self / other is an integer: operands are nudged off them
JUMPS = {"remainder", "fmod", "div_floor", "div_trunc"}
# torch's vectorised remainder/fmod compute a - b * trunc(a / b): nan where a / b
# overflows (3e38 % 0.5), while its scalar loop (small tensors) and jitgrad give the
# exact remainder (numpy's fmod)
QUOTIENT_OVERFLOWS_IN_TORCH = {"remainder", "fmod"}
# binary ops taking a Python number as the first operand (``2.5 - t``)
SCALAR_LEFT = {"add", "sub", "mul", "div", "pow", "remainder", "xlogy"}


def python_scalars():
    return st.one_of(st.booleans(), st.integers(-100, 100),
                     st.floats(allow_subnormal=False), st.sampled_from([1e4, -1e4, 0.5, -2.5]))


def _divides_by_zero(a, b):
    """A zero divisor meets an element (an empty result divides nothing)."""
    return np.broadcast(np.asarray(a), np.asarray(b)).size > 0 and bool(np.any(np.asarray(b) == 0))


def binary_expected_error(name, a, b, res):
    """The refusal torch answers ``a op b`` with (a reference for the torch-free run)."""
    kinds = {np.asarray(v).dtype.kind if isinstance(v, np.ndarray) else type(v).__name__
             for v in (a, b)}
    if name == "sub" and ("b" in kinds or "bool" in kinds):
        both = all((isinstance(v, np.ndarray) and v.dtype == np.bool_) or isinstance(v, bool)
                   for v in (a, b))
        return messages.SUB_TWO_BOOLS if both else messages.SUB_BOOL
    if res == np.bool_ and name in messages.BOOL_UNSUPPORTED and isinstance(b, np.ndarray):
        return messages.BOOL_UNSUPPORTED[name][1]
    if res.kind != "f" and name in messages.FLOAT_ONLY_KERNEL:
        return messages.not_implemented_for(messages.FLOAT_ONLY_KERNEL[name],
                                            jitgrad.tensor(np.zeros(0, res)).dtype._torch_name)
    if res == np.bool_ and name in messages.BOOL_DIVISION_KERNEL:
        return messages.not_implemented_for(messages.BOOL_DIVISION_KERNEL[name], "Bool")
    if res.kind in "iu" and name in S.INT_ZERO_DIVISION and _divides_by_zero(a, b):
        return messages.ZERO_DIVISION
    if res.kind in "iu" and name == "pow" and not isinstance(b, np.ndarray) and b < 0:
        return messages.NEGATIVE_INT_POWER
    return None


def binary_expected(name, a, b):
    """torch's outcome for ``a op b`` (numpy arrays or Python scalars) when
    installed, else the numpy reference."""
    fn = OPERATOR[name]
    if torch is not None:
        def run():
            out = fn(*[torch.tensor(v) if isinstance(v, np.ndarray) else v for v in (a, b)])
            return out.numpy(), dtype_name(out)
        want = outcome(run, torch)
        if want[0] == "ok" and name in QUOTIENT_OVERFLOWS_IN_TORCH and want[1][0].dtype.kind == "f":
            value, res = want[1]
            with np.errstate(all="ignore"):
                ref = S.BINARY_REF[name](*(np.asarray(v).astype(value.dtype) for v in (a, b)))
            want = ("ok", (np.where(np.isnan(value) & ~np.isnan(ref), ref, value), res))
        return want if want[0] == "err" else ("ok", *want[1])
    res = S.result_dtype(a, b)
    if derivatives.BINARY[name].float_only and res.kind != "f":
        res = np.dtype(jitgrad.get_default_dtype().numpy)
    error = binary_expected_error(name, a, b, res)
    if error is not None:
        return ("err", None, error)
    with np.errstate(all="ignore"):
        av, bv = (np.asarray(v).astype(res) for v in (a, b))
        value = S.BINARY_REF[name](av, bv)
    return ("ok", np.asarray(value).astype(res), res.name)


@pytest.mark.parametrize("name", BINARY)
@PROPS
@given(data=st.data())
def test_binary_forward(name, data):
    """Broadcast shapes, mixed dtypes (int, bool), Python numbers on either side,
    every layout, NaN/inf/extremes: torch's result, dtype or error."""
    sa, sb = data.draw(S.broadcast_shapes(), label="shapes")
    da = data.draw(st.sampled_from(S.MOSTLY_FLOATS), label="dtype a")
    db = data.draw(st.sampled_from(S.MOSTLY_FLOATS), label="dtype b")
    a = data.draw(S.arrays(da, sa, allow_subnormal=False), label="a")
    b = data.draw(S.arrays(db, sb, allow_subnormal=False), label="b")
    modes = ["tensors"] if name in TENSOR_ONLY else \
        ["tensors", "scalar-right"] + (["scalar-left"] if name in SCALAR_LEFT else [])
    mode = data.draw(st.sampled_from(modes), label="mode")
    if mode == "scalar-right":
        b = data.draw(python_scalars(), label="b")
    elif mode == "scalar-left":
        a = data.draw(python_scalars(), label="a")
    lay_a = data.draw(S.layouts(), label="layout a")
    lay_b = data.draw(S.layouts(), label="layout b")
    operands = [lay.make(v, requires_grad=False)[1] if isinstance(v, np.ndarray) else v
                for lay, v in ((lay_a, a), (lay_b, b))]
    got = outcome(lambda: OPERATOR[name](*operands))
    want = binary_expected(name, a, b)
    if want[1] is None and want[0] == "err":      # the torch-free reference knows the text only
        assert got[0] == "err" and got[2] == want[2], got
        return
    if assert_same_outcome(got, want):
        assert dtype_name(got[1]) == want[2]
        assert_close(got[1].numpy(), want[1])


def _nudge_off_jumps(a, b):
    """a shifted so that no a / b (broadcast) is within 1e-3 of an integer."""
    for shift in (0.0, 0.0123, 0.0371, 0.0779, 0.1313):
        q = (a + shift) / b
        if np.all(np.abs(q - np.round(q)) > 1e-3):
            return np.asarray(a + shift)
    assume(False)


@pytest.mark.parametrize("name", BINARY)
@PROPS
@given(data=st.data())
def test_binary_gradient(name, data):
    """float64 finite differences: broadcast shapes (0-d, 0-size), every layout."""
    sa, sb = data.draw(S.broadcast_shapes(max_side=3), label="shapes")
    ea, eb = BINARY_DOMAIN[name]
    a = data.draw(S.arrays(np.float64, sa, elements_=ea), label="a")
    b = data.draw(S.arrays(np.float64, sb, elements_=eb), label="b")
    if name in JUMPS:
        a = _nudge_off_jumps(a, b)
    v = data.draw(S.arrays(np.float64, np.broadcast_shapes(sa, sb), elements_=S.finite(-2, 2)),
                  label="v")
    lays = [data.draw(S.layouts(), label="layout a"), data.draw(S.layouts(), label="layout b")]
    check_grads_fd(OPERATOR[name], [a, b], lays, v)


@pytest.mark.parametrize("name", BINARY)
@PROPS
@given(data=st.data())
def test_binary_gradient_extremes(name, data):
    """NaN, inf, zeros, ties and extreme magnitudes: torch's gradients (same-shape
    operands: a broadcast gradient's sum of extremes depends on summation order)."""
    needs_torch()
    dtype = data.draw(st.sampled_from(S.FLOATS), label="dtype")
    shape = data.draw(S.shapes(max_side=3), label="shape")
    a = data.draw(S.arrays(dtype, shape, allow_subnormal=False), label="a")
    b = data.draw(S.arrays(dtype, shape, allow_subnormal=False), label="b")
    lays = [data.draw(S.layouts(), label="layout a"), data.draw(S.layouts(), label="layout b")]
    made = [lay.make(v) for lay, v in zip(lays, (a, b))]
    got = outcome(lambda: OPERATOR[name](made[0][1], made[1][1]))
    assert got[0] == "ok", got
    out = got[1]
    assert outcome(lambda: out.backward(jitgrad.ones_like(out)))[0] == "ok"
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (a, b))
    tout = OPERATOR[name](ta, tb)
    tout.backward(torch.ones_like(tout))
    for (leaf, _), lay, v, t, which in zip(made, lays, (a, b), (ta, tb), ("self", "other")):
        assert_close(leaf.grad.numpy(), lay.to_leaf(t.grad.numpy(), v.shape),
                     atol=grad_atol(dtype), what=f"gradient of {which}")


# ================================================================== composite ops: the CASES lists


def _composite_cases():
    """table entry -> [(case id, callable, inputs)] from the CASES lists of tests/test_ops_*.py."""
    cases = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("test_ops_*.py")):
        module = importlib.import_module(path.stem)
        for entry, name, fn, inputs in getattr(module, "CASES", ()):
            cases.setdefault(entry, []).append((f"{path.stem[9:]}:{name}", fn, inputs))
    return cases


COMPOSITE_CASES = _composite_cases()
COMPOSITE = sorted(COMPOSITE_CASES)
CONTIGUOUS = S.LAYOUTS[0]


def composite_property(check):
    """Runs ``check(entry, case_id, fn, inputs, data)`` over an entry's cases, two
    examples a case (at least 6, at most 16; JITGRAD_PROPERTY_EXAMPLES scales it)."""
    def test(entry):
        cases = COMPOSITE_CASES[entry]
        n = min(max(2 * len(cases), 6), 16) * EXAMPLES // 20

        @settings(PROPS, max_examples=max(n, 1))
        @given(data=st.data())
        def run(data):
            case_id, fn, inputs = data.draw(st.sampled_from(cases), label="case")
            check(entry, case_id, fn, inputs, data)
        run()
    test.__name__ = check.__name__
    test.__doc__ = check.__doc__
    return pytest.mark.parametrize("entry", COMPOSITE)(test)


def test_every_composite_entry_is_driven():
    assert set(derivatives.COMPOSITE) == set(COMPOSITE)


def run_case(lib, fn, xs, lays):
    """``fn(lib, *views)`` and its backward (a fixed cotangent): ('ok', output,
    [leaf gradients], dtype) or ('err', type, message)."""
    def run():
        if lib is jitgrad:
            made = [lay.make(x) for lay, x in zip(lays, xs)]
        else:
            made = [lay.torch_tensor(lib, x) for lay, x in zip(lays, xs)]
        out = fn(lib, *[view for _, view in made])
        grads = [None] * len(made)
        if out.requires_grad:
            v = np.random.default_rng(0).standard_normal(tuple(out.shape)).astype(
                np.dtype(dtype_name(out)))
            try:
                out.backward(lib.tensor(v))
            except RuntimeError as e:           # floor_divide: torch records no derivative
                if not str(e).startswith("derivative for aten::"):
                    raise
            else:
                grads = [as_numpy(leaf.grad) if hasattr(leaf, "grad") else None
                         for leaf, _ in made]
        return as_numpy(out), grads, dtype_name(out)
    r = outcome(run, lib)
    return r if r[0] == "err" else ("ok", *r[1])


def _as_dtype(inputs, dtype):
    return [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]


def assert_finite_alike(got, want, what, torch_may_overflow=False):
    """Where torch is finite so is jitgrad, and the reverse unless an intermediate of
    torch's may overflow where jitgrad's does not (``torch_may_overflow``: True for
    any non-finite value of torch's, "inf" for its infinities only); finite values
    agree."""
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    bad = np.isfinite(want) & ~np.isfinite(got)
    assert not bad.any(), f"{what}: non-finite where torch is finite at {np.argwhere(bad)[:5]}:" \
                          f"\n{got}\ntorch:\n{want}"
    if torch_may_overflow is not True:
        bad = ~np.isfinite(want) & np.isfinite(got)
        if torch_may_overflow == "inf":
            bad &= np.isnan(want)
        assert not bad.any(), f"{what}: finite where torch is not at {np.argwhere(bad)[:5]}:" \
                              f"\n{got}\ntorch:\n{want}"
    both = np.isfinite(want) & np.isfinite(got)
    return got[both], want[both]


def assert_case_close(got, want, dtype, rtol=None, atol=None, finite_alike=None):
    """Outputs and gradients of two ``run_case`` results: allclose, NaN/inf in the
    same places; with ``finite_alike`` (True: torch may overflow) only finiteness
    must agree (which of NaN/inf, and its sign, depends on evaluation order)."""
    rtol = (1e-5 if dtype == np.float32 else 1e-10) if rtol is None else rtol
    atol = (1e-5 if dtype == np.float32 else 1e-12) if atol is None else atol
    assert got[3] == want[3], f"dtype {got[3]} != {want[3]}"
    pairs = [("output", got[1], want[1])]
    for i, (g, w) in enumerate(zip(got[2], want[2])):
        assert (g is None) == (w is None), f"gradient of input {i}: {g} vs {w}"
        if g is not None:
            pairs.append((f"gradient of input {i}", g, w))
    for what, g, w in pairs:
        if finite_alike is not None:
            if finite_alike and what != "output" and \
                    not np.array_equal(np.isfinite(got[1]), np.isfinite(want[1])):
                return          # torch's gradients start from its overflowed output
            g, w = assert_finite_alike(g, w, what, torch_may_overflow=finite_alike)
        assert_close(g, w, rtol, atol, what=what)


# random ops whose values depend on the memory layout in torch too (dropout draws its
# mask in memory order): compared with torch in the same layout
LAYOUT_DEPENDENT = {"dropout"}


@composite_property
def test_composite_layouts(entry, case_id, fn, inputs, data):
    """Every input of every case in every memory layout (index tensors too), float32
    and float64: the values and gradients of contiguous inputs. An op refusing a
    layout (``view`` of a transposed tensor) refuses it in torch as well."""
    dtype = data.draw(st.sampled_from(S.FLOATS), label="dtype")
    xs = _as_dtype(inputs, dtype)
    if entry in LAYOUT_DEPENDENT:
        needs_torch()
        lays = [data.draw(S.layouts(torch_only=True), label=f"layout {i}") for i in range(len(xs))]
        got, want = run_case(jitgrad, fn, xs, lays), run_case(torch, fn, xs, lays)
        if assert_same_outcome(got, want):
            assert_case_close(got, want, dtype)
        return
    lays = [data.draw(S.layouts(), label=f"layout {i}") for i in range(len(xs))]
    want = run_case(jitgrad, fn, xs, [CONTIGUOUS] * len(xs))
    assert want[0] == "ok", want
    got = run_case(jitgrad, fn, xs, lays)
    if got[0] == "err":
        if torch is not None and all(lay in S.TORCH_LAYOUTS for lay in lays):
            assert_same_outcome(got, run_case(torch, fn, xs, lays))
        else:
            assert got[2] == messages.VIEW_NOT_CONTIGUOUS, got
        return
    rel_grads = [lay.to_leaf(g, x.shape) if g is not None else None
                 for lay, g, x in zip(lays, want[2], xs)]
    assert_case_close(got, ("ok", want[1], rel_grads, want[3]), dtype)


def _float_inputs(inputs):
    return [i for i, a in enumerate(inputs) if a.dtype.kind == "f" and a.size]


# (entry, input index or None for any) -> why a value class is not compared with torch
# there: torch's own answer depends on which of its kernels runs (shape, strides)
NON_FINITE_UNCOMPARABLE = {
    # a NaN/inf weight meets zero padding: torch's im2col path gives nan * 0 = nan at the
    # border, its direct (mkldnn) path skips the padding taps and stays finite
    ("conv2d", 1): ("nan", "inf"),
    ("squeeze_dim", 1): ("nan", "inf"),
    # the same for the N-d and transposed convolutions (jitgrad/ops/conv_nd.py), whose
    # columns also meet a non-finite input or gradient with the padding's zeros
    ("conv1d", None): ("nan", "inf"), ("conv3d", None): ("nan", "inf"),
    ("conv_transpose1d", None): ("nan", "inf"), ("conv_transpose2d", None): ("nan", "inf"),
    ("conv_transpose3d", None): ("nan", "inf"),
    # extreme magnitudes in float32: torch's contiguous batch_norm kernel (which jitgrad
    # follows) overflows the variance, its strided kernel accumulates in float64
    ("batch_norm", None): ("extreme",),
    # elu's gradient at nan: nan from torch's vectorised loop, grad from its scalar loop
    # (tensors of fewer than 32 float32 / 16 float64 elements); jitgrad's is nan
    ("elu", None): ("nan",),
    ("elu_", None): ("nan",),
    # selu's gradient is torch's elu_backward kernel (scale and input_scale set): the same
    # vectorised-nan / scalar-loop-grad split by the tensor's size
    ("selu", None): ("nan",),
    ("selu_", None): ("nan",),
    # softshrink's gradient at nan: 0 from torch's vectorised loop (a blend on the
    # |x| <= lambd mask), grad from its scalar loop (small tensors and the tail)
    ("softshrink", None): ("nan",),
    # celu's gradient is torch's elu_backward kernel too (input_scale 1 / alpha): the same
    # vectorised-nan / scalar-loop-grad split by the tensor's size
    ("celu", None): ("nan",),
    ("celu_", None): ("nan",),
    # hardshrink's and hardtanh's gradients at nan: 0 from torch's vectorised loop (a blend
    # on the comparison mask), grad from its scalar loop, which takes the elements after
    # the last full block of 16 float32 / 8 float64 (of a 15-element case: all float32
    # ones, float64 ones from the 9th on); jitgrad's is grad
    ("hardshrink", None): ("nan",),
    ("hardtanh", None): ("nan",),
    # a NaN (or, with reflection padding, infinite) grid coordinate: torch's CPU
    # grid_sampler_2d backward indexes out of bounds and crashes the process (its forward
    # runs, and jitgrad's forward matches it: tests/test_non_finite_ops.py)
    ("grid_sample", 1): ("nan", "inf"),
    # bicubic with border or reflection padding: an extreme pixel that several clipped or
    # mirrored taps read makes the grid's gradient the cancellation of their terms, left as
    # rounding noise of the extreme value: torch's in float32 (~1e-7 of it), jitgrad's in
    # float64 (the rest of the gradients, and NaN/inf anywhere, are compared)
    ("grid_sample_bicubic", 0): ("extreme",),
    # SVD-based ops on an infinite entry: torch runs LAPACK's gesdd on it and returns
    # position-dependent output (S nan, U/Vh identity-like or partly nan) or an "error
    # code: 2" failure; jitgrad refuses inf with torch's non-finite LinAlgError before
    # LAPACK (gesdd can run for minutes on an inf). lstsq's drivers (gelsy/gelsd) do the
    # same with an inf in A. An entry near float's limit: both sides are below rounding
    # precision in the small singular values (jitgrad's answers for these inputs:
    # tests/test_linalg_non_finite.py)
    ("linalg_svd", None): ("inf", "extreme"),
    ("linalg_pinv", None): ("inf", "extreme"),
    ("linalg_lstsq", 0): ("inf", "extreme"),
    # and in B: gelsd scales B by its largest entry, so which other columns an inf or a
    # near-limit entry spoils differs between torch's MKL and numpy's OpenBLAS builds
    ("linalg_lstsq", 1): ("inf", "extreme"),
    # an entry of 1e30 (float32) or 1e300 (float64) among O(1) entries: the other
    # eigenvalues, R's small entries and det's cofactors are below the rounding of the
    # big one, so torch's MKL and jitgrad's OpenBLAS give different noise there
    ("linalg_eigh", None): ("extreme",),
    ("linalg_qr", None): ("extreme",),
    ("linalg_det", None): ("extreme",),
    # an entry of 1e300 in x makes spd(x) = x x^T + I overflow: a diagonal entry is inf
    # and the square of the entry beside it is too, so the factorization meets inf - inf.
    # torch's MKL potrf returns inf there with info 0; numpy's LAPACK (which jitgrad
    # calls) gets NaN and reports the minor (infinite and NaN inputs agree: nothing
    # overflows inside the factorization)
    ("linalg_cholesky", None): ("extreme",),
}
NAN_GRAD_DEPENDS_ON_SIZE = {"elu", "elu_"}


def _uncomparable(entry, i, value):
    kind = "nan" if math.isnan(value) else "inf" if math.isinf(value) else \
        "extreme" if value else None
    return kind is not None and kind in (NON_FINITE_UNCOMPARABLE.get((entry, i), ()) +
                                         NON_FINITE_UNCOMPARABLE.get((entry, None), ()))


@composite_property
def test_composite_non_finite_values(entry, case_id, fn, inputs, data):
    """A NaN, an infinity or an extreme magnitude in one input of each case:
    torch's errors, its values where finite, and non-finite values (outputs and
    gradients) exactly where torch has them; after an extreme finite input jitgrad
    may stay finite where an intermediate of torch's overflows (``norm(p=3)``)."""
    needs_torch()
    dtype = data.draw(st.sampled_from(S.FLOATS), label="dtype")
    xs = [a.copy() for a in _as_dtype(inputs, dtype)]
    floats = _float_inputs(xs)
    assume(floats)
    i = data.draw(st.sampled_from(floats), label="input")
    k = data.draw(st.integers(0, xs[i].size - 1), label="position")
    big = 1e30 if dtype == np.float32 else 1e300
    value = data.draw(st.sampled_from([math.nan, math.inf, -math.inf, big, -big, 0.0]),
                      label="value")
    assume(not _uncomparable(entry, i, value))
    xs[i].reshape(-1)[k] = value
    lays = [CONTIGUOUS] * len(xs)
    got = run_case(jitgrad, fn, xs, lays)
    want = run_case(torch, fn, xs, lays)
    if assert_same_outcome(got, want):
        assert_case_close(got, want, dtype, rtol=1e-4 if dtype == np.float32 else 1e-7,
                          finite_alike=math.isfinite(value))


# ================================================================== composite ops: random shapes


def F(lib):
    return lib.nn.functional


def _const(lib, x, value):
    """A constant of x's shape and dtype (a loss target), outside the graph."""
    return (x.detach() * 0 + value).detach()


# the shape-agnostic composite entries, driven with any shape (0-d and 0-size too):
# entry -> fn(lib, x, dim) with ``dim`` a valid dim of x
SHAPED = {
    "sum": lambda lib, x, d: x.sum(),
    "sum_dim": lambda lib, x, d: x.sum(d, keepdim=True),
    "mean": lambda lib, x, d: x.mean(),
    "mean_dim": lambda lib, x, d: x.mean(d),
    "norm": lambda lib, x, d: x.norm(dim=d),
    "max": lambda lib, x, d: x.max(),
    "min": lambda lib, x, d: x.min(),
    "max_dim": lambda lib, x, d: x.max(d).values,
    "min_dim": lambda lib, x, d: x.min(d, keepdim=True).values,
    "amax": lambda lib, x, d: x.amax(d),
    "amin": lambda lib, x, d: x.amin(d),
    "prod": lambda lib, x, d: x.prod(),
    "prod_dim": lambda lib, x, d: x.prod(d),
    "var": lambda lib, x, d: x.var(d),
    "std": lambda lib, x, d: x.std(d, keepdim=True),
    "logsumexp": lambda lib, x, d: x.logsumexp(d),
    "cumsum": lambda lib, x, d: x.cumsum(d),
    "softmax": lambda lib, x, d: x.softmax(d),
    "log_softmax": lambda lib, x, d: x.log_softmax(d),
    "clone": lambda lib, x, d: x.clone(),
    "transpose": lambda lib, x, d: x.transpose(0, d),
    "unsqueeze": lambda lib, x, d: x.unsqueeze(d),
    "view": lambda lib, x, d: x.reshape(-1),
    "cat": lambda lib, x, d: lib.cat([x, x * 2], d),
    "stack": lambda lib, x, d: lib.stack([x, x], d),
    "clamp": lambda lib, x, d: x.clamp(-1.0, 1.5),
    "clamp_min": lambda lib, x, d: x.clamp_min(-0.5),
    "clamp_max": lambda lib, x, d: x.clamp_max(0.5),
    "where": lambda lib, x, d: lib.where(x > 0, x, 0.5),
    "masked_fill": lambda lib, x, d: x.masked_fill(x < 0, 2.0),
    "round_decimals": lambda lib, x, d: x.round(decimals=1),
    "softplus": lambda lib, x, d: F(lib).softplus(x),
    "leaky_relu": lambda lib, x, d: F(lib).leaky_relu(x, 0.1),
    "elu": lambda lib, x, d: F(lib).elu(x),
    "gelu": lambda lib, x, d: F(lib).gelu(x),
    "gelu_tanh": lambda lib, x, d: F(lib).gelu(x, approximate="tanh"),
    "silu": lambda lib, x, d: F(lib).silu(x),
    "mse_loss": lambda lib, x, d: F(lib).mse_loss(x, _const(lib, x, 0.5)),
    "smooth_l1_loss": lambda lib, x, d: F(lib).smooth_l1_loss(x, _const(lib, x, 0.0),
                                                             reduction="sum"),
    "binary_cross_entropy_with_logits": lambda lib, x, d: F(
        lib).binary_cross_entropy_with_logits(x, _const(lib, x, 0.25), reduction="none"),
    # sorting and selection, tril/triu (d as the diagonal), flip, roll
    "sort": lambda lib, x, d: x.sort(d).values,
    "sort_stable": lambda lib, x, d: x.sort(dim=d, descending=True, stable=True).values,
    "topk": lambda lib, x, d: x.topk(x.shape[d] // 2 if x.ndim else 1, d, sorted=False).values,
    "tril": lambda lib, x, d: x.tril(d),
    "triu": lambda lib, x, d: x.triu(d),
    "flip": lambda lib, x, d: x.flip(d),
    "roll": lambda lib, x, d: x.roll(2, d),
}
# entries taking integer (and bool) tensors too
SHAPED_INTS = {"sum", "sum_dim", "max", "min", "max_dim", "min_dim", "amax", "amin", "prod",
               "prod_dim", "cumsum", "clone", "transpose", "unsqueeze", "view", "cat", "stack",
               "clamp", "clamp_min", "clamp_max", "where", "masked_fill", "sort", "sort_stable",
               "topk", "tril", "triu", "flip", "roll"}
# entries whose values sum many inputs (exact only up to the order of the sum)
SHAPED_SUMMING = {"sum", "sum_dim", "mean", "mean_dim", "norm", "var", "std", "logsumexp",
                  "cumsum", "softmax", "log_softmax", "mse_loss", "smooth_l1_loss"}
SHAPED_PRODUCTS = {"prod", "prod_dim"}
# float64 elements for the finite differences: distinct (max/min ties), and clear of
# every kink above (0, the clamp bounds, smooth_l1's |x| = 1, round's halves of 0.1)
SHAPED_ELEMENTS = st.integers(-24, 24).map(lambda k: k / 8 + 0.03)


@st.composite
def shaped_input(draw, dtypes=S.MOSTLY_FLOATS, elements_=None, max_side=4):
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(S.shapes(max_side=max_side), label="shape")
    x = draw(S.arrays(dtype, shape, elements_=elements_) if elements_ is None else
             hnp.arrays(np.float64, shape, elements=elements_, unique=True), label="x")
    d = draw(st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1), label="dim")
    return x, d


def test_every_shaped_entry_is_in_the_table():
    assert set(SHAPED) <= set(derivatives.COMPOSITE)
    assert SHAPED_INTS <= set(SHAPED)


@pytest.mark.parametrize("entry", sorted(SHAPED))
@PROPS
@given(data=st.data())
def test_shaped_matches_torch(entry, data):
    """Random shapes (0-d, 0-size), dims, layouts, dtypes and NaN/inf/extreme values:
    torch's values, dtype, errors and gradients (finite where torch's are)."""
    needs_torch()
    fn = SHAPED[entry]
    x, d = data.draw(shaped_input(S.MOSTLY_FLOATS if entry in SHAPED_INTS else S.FLOATS))
    # torch squares a 0-d input when a dim is given (only then): its norm over- or
    # underflows where jitgrad's is |x|, as torch's of any other single element
    assume(not (entry == "norm" and x.ndim == 0 and x != 0 and not 1e-15 < abs(x) < 1e15))
    lay = data.draw(S.layouts(torch_only=True), label="layout")
    got = run_case(jitgrad, lambda lib, t: fn(lib, t, d), [x], [lay])
    want = run_case(torch, lambda lib, t: fn(lib, t, d), [x], [lay])
    if entry in NAN_GRAD_DEPENDS_ON_SIZE and np.isnan(x).any() and got[0] == "ok":
        got, want = (r[:2] + ([None],) + r[3:] for r in (got, want))    # the values only
    if assert_same_outcome(got, want):
        if x.dtype.kind == "f":
            # torch's intermediates may overflow (gelu(3e38) is inf in torch): jitgrad may
            # stay finite where torch is inf, or non-finite at all from finite inputs
            finite = x[np.isfinite(x)]
            scale = float(np.abs(finite).max()) if finite.size else 0.0
            atol, overflow = None, "inf"
            if np.isfinite(x).all():
                overflow = True
            huge = scale > math.sqrt(float(np.finfo(x.dtype).max)) / 4
            if entry in SHAPED_SUMMING:
                # cancellation: the order of the sum shows; squares and sums past the
                # dtype's range: torch's non-finite gradients (its mean overflows) are
                # not jitgrad's either
                atol = 4 * float(np.finfo(x.dtype).eps) * max(x.size, 1) * max(scale, 1.0)
                overflow = True if huge else overflow
            if entry in SHAPED_PRODUCTS and huge:
                # torch multiplies float32 in float32 (jitgrad in float64), and a zero
                # times an overflowed partial product is 0 or nan by the order of the
                # products (torch: sequential for few elements, jitgrad: in lanes)
                assume(not (x == 0).any())
                overflow = True
            assert_case_close(got, want, x.dtype, rtol=1e-4 if x.dtype == np.float32 else 1e-7,
                              atol=atol, finite_alike=overflow)
        else:
            assert got[3] == want[3]
            assert_close(got[1], want[1])


@pytest.mark.parametrize("entry", sorted(SHAPED))
@PROPS
@given(data=st.data())
def test_shaped_gradient(entry, data):
    """float64 finite differences on random shapes, dims and layouts (refusals, such
    as the max of an empty tensor, raise in the finite differences too)."""
    fn = SHAPED[entry]
    x, d = data.draw(shaped_input(elements_=SHAPED_ELEMENTS, max_side=3))
    lay = data.draw(S.layouts(), label="layout")
    probe = outcome(lambda: fn(jitgrad, jitgrad.tensor(x), d))
    if probe[0] == "err":
        assert probe[1] in ("RuntimeError", "IndexError", "ValueError"), probe
        return
    v = np.random.default_rng(0).standard_normal(tuple(probe[1].shape))
    check_grads_fd(lambda t: fn(jitgrad, t, d), [x], [lay], v)


# ================================================================== logits of +-1e4
# The numerically delicate functions: finite outputs and gradients, equal to the
# stable formulas (float64 on the same rounded inputs) and to torch.


def _lse(x):
    m = np.max(x, -1, keepdims=True)
    return m + np.log(np.sum(np.exp(x - m), -1, keepdims=True))


def _softmax(x):
    return np.exp(x - _lse(x))


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):                        # beta 1, threshold 20 (torch's defaults)
    return np.where(x > 20, x, np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x))))


def _onehot(t, c):
    return np.eye(c)[t]


# name -> (fn(lib, x, t), reference(x, t, v) -> (value, gradient of sum(value * v)), target)
DELICATE = {
    "log_softmax": (lambda lib, x, t: F(lib).log_softmax(x, -1),
                    lambda x, t, v: (x - _lse(x), v - _softmax(x) * v.sum(-1, keepdims=True)),
                    None),
    "logsumexp": (lambda lib, x, t: x.logsumexp(-1),
                  lambda x, t, v: (_lse(x)[..., 0], v[..., None] * _softmax(x)), None),
    "binary_cross_entropy_with_logits": (
        lambda lib, x, t: F(lib).binary_cross_entropy_with_logits(x, t, reduction="none"),
        lambda x, t, v: (np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))),
                         v * (_sigmoid(x) - t)), "probabilities"),
    "softplus": (lambda lib, x, t: F(lib).softplus(x),
                 lambda x, t, v: (_softplus(x), v * np.where(x > 20, 1.0, _sigmoid(x))), None),
    "sigmoid": (lambda lib, x, t: x.sigmoid(),
                lambda x, t, v: (_sigmoid(x), v * _sigmoid(x) * (1 - _sigmoid(x))), None),
    "cross_entropy": (lambda lib, x, t: F(lib).cross_entropy(x, t, reduction="none"),
                      lambda x, t, v: (_lse(x)[:, 0] - x[np.arange(len(t)), t],
                                       v[:, None] * (_softmax(x) - _onehot(t, x.shape[1]))),
                      "classes"),
}
LOGITS = st.one_of(st.sampled_from([1e4, -1e4, 0.0, 9999.5, -9999.0, 1.0, -1.0, 20.0, -20.0,
                                    5000.0, 1e4 - 20]),
                   st.floats(-1e4, 1e4, allow_subnormal=False))


@st.composite
def delicate_inputs(draw, target):
    dtype = draw(st.sampled_from(S.FLOATS), label="dtype")
    n, c = draw(st.integers(1, 3), label="rows"), draw(st.integers(1, 4), label="classes")
    x = draw(hnp.arrays(np.float64, (n, c), elements=LOGITS, fill=st.nothing()), label="x")
    x = x.astype(dtype)
    t = None
    if target == "probabilities":
        t = draw(hnp.arrays(np.float64, (n, c), elements=st.sampled_from([0.0, 1.0, 0.5, 0.25])),
                 label="target").astype(dtype)
    elif target == "classes":
        t = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)), label="target")
    return x, t


def _delicate_run(lib, fn, x, t, v):
    xt = lib.tensor(x, requires_grad=True)
    tt = None if t is None else lib.tensor(t)
    out = fn(lib, xt, tt)
    out.backward(lib.tensor(v.astype(x.dtype)))
    return out.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("name", sorted(DELICATE))
@PROPS
@given(data=st.data())
def test_delicate_at_large_logits(name, data):
    fn, reference, target = DELICATE[name]
    x, t = data.draw(delicate_inputs(target))
    ref_out_shape = reference(x.astype(np.float64), t, np.ones(x.shape[:-1] if name in (
        "logsumexp", "cross_entropy") else x.shape))[0].shape
    v = data.draw(hnp.arrays(np.float64, ref_out_shape, elements=S.finite(-2, 2)), label="v")
    v = v.astype(x.dtype).astype(np.float64)
    r = outcome(lambda: _delicate_run(jitgrad, fn, x, t, v))
    assert r[0] == "ok", r
    out, grad = r[1]
    assert np.isfinite(out).all() and np.isfinite(grad).all(), (out, grad)
    want_out, want_grad = reference(x.astype(np.float64), None if t is None else
                                    t.astype(np.float64) if t.dtype.kind == "f" else t, v)
    eps = float(np.finfo(x.dtype).eps)
    # the output's error is a few ulp of the logits' magnitude (x - lse(x) at 1e4)
    assert_close(out, want_out, rtol=4 * eps, atol=8 * eps * max(1.0, float(np.abs(x).max())),
                 what="output")
    grad_atol = 64 * eps
    if name == "logsumexp":
        # torch's exp(x - result): result is rounded at the logits' magnitude, so the
        # gradient is off by up to that ulp (float32 at 1e4: 0.4999 for 0.5, as torch)
        grad_atol = 4 * eps * max(1.0, float(np.abs(x).max())) * float(np.abs(v).max())
    assert_close(grad, want_grad, rtol=1e-5 if x.dtype == np.float32 else 1e-10,
                 atol=grad_atol, what="gradient")
    if torch is not None:
        t_out, t_grad = _delicate_run(torch, fn, x, t, v)
        assert_close(out, t_out, rtol=4 * eps, atol=8 * eps * max(1.0, float(np.abs(x).max())),
                     what="output (torch)")
        assert_close(grad, t_grad, rtol=1e-5 if x.dtype == np.float32 else 1e-10,
                     atol=64 * eps, what="gradient (torch)")


# (name, logits, target, value, gradient of the sum): by hand
DELICATE_HAND = [
    ("log_softmax", [1e4, 0.0], None, [0.0, -1e4], [-1.0, 1.0]),
    ("log_softmax", [-1e4, 1e4], None, [-2e4, 0.0], [1.0, -1.0]),
    ("log_softmax", [1e4, 1e4], None, [-math.log(2)] * 2, [0.0, 0.0]),
    ("logsumexp", [1e4, 0.0], None, 1e4, [1.0, 0.0]),
    ("logsumexp", [-1e4, 1e4], None, 1e4, [0.0, 1.0]),
    ("binary_cross_entropy_with_logits", [1e4], [0.0], [1e4], [1.0]),
    ("binary_cross_entropy_with_logits", [-1e4], [1.0], [1e4], [-1.0]),
    ("binary_cross_entropy_with_logits", [1e4], [1.0], [0.0], [0.0]),
    ("binary_cross_entropy_with_logits", [-1e4], [0.0], [0.0], [0.0]),
    ("softplus", [1e4, -1e4], None, [1e4, 0.0], [1.0, 0.0]),
    ("sigmoid", [1e4, -1e4], None, [1.0, 0.0], [0.0, 0.0]),
    ("cross_entropy", [[1e4, 0.0]], [1], [1e4], [[1.0, -1.0]]),
    ("cross_entropy", [[1e4, 0.0]], [0], [0.0], [[0.0, 0.0]]),
    ("cross_entropy", [[-1e4, 1e4, 0.0]], [0], [2e4], [[-1.0, 1.0, 0.0]]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,logits,target,value,grad", DELICATE_HAND)
def test_delicate_hand_derived(name, logits, target, value, grad, dtype):
    fn = DELICATE[name][0]
    x = np.array(logits, dtype)
    t = None if target is None else np.array(target, dtype if name.startswith("binary") else
                                             np.int64)
    v = np.ones(np.shape(value))
    out, g = _delicate_run(jitgrad, fn, x, t, v)
    np.testing.assert_allclose(out, np.array(value, dtype), rtol=2 * np.finfo(dtype).eps, atol=0)
    np.testing.assert_allclose(g, grad, rtol=0, atol=1e-30)


# ================================================================== regressions the search found


@pytest.mark.parametrize("shapes", [((2,), (2,)), ((3, 2), (2,)), ((2,), (2, 3)), ((3, 2), (2, 4)),
                                    ((2, 3, 2), (2, 4))], ids=["dot", "mv", "vm", "mm", "bmm"])
def test_products_of_inf_and_zero_are_quietly_nan(shapes):
    """inf * 0 inside a product: nan, no numpy warning (every BLAS and dot path)."""
    a, b = (np.ones(s) for s in shapes)
    a.reshape(-1)[0] = np.inf
    b[...] = 0.0
    r = outcome(lambda: jitgrad.matmul(jitgrad.tensor(a, requires_grad=True),
                                       jitgrad.tensor(b, requires_grad=True)))
    assert r[0] == "ok", r
    assert np.isnan(r[1].detach().numpy().reshape(-1)[0])
    assert outcome(lambda: r[1].sum().backward())[0] == "ok"
