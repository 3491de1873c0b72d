"""clamp/clip/clamp_min/clamp_max, where, softplus and round(decimals) (the
Composite entries of jitgrad/ops/pointwise.py), plus the dtype rules, edge
values and errors of the elementwise ops added beside them (log1p, expm1,
sin, cos, reciprocal, rsqrt, sign, floor, ceil, round, maximum, minimum),
whose gradients test_ops_elementwise.py checks from the op table."""
import itertools
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad import messages
from helpers import table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def P(*shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def softplus(lib, x, **kw):
    return lib.nn.functional.softplus(x, **kw)


COND = np.array([True, False, False, True])

# (table entry, id, fn(lib, *inputs), inputs)
CASES = [
    ("clamp", "both", lambda lib, x: x.clamp(-0.5, 0.5), [R(3, 4)]),
    ("clamp", "min-only", lambda lib, x: lib.clamp(x, min=0.1), [R(3, 4)]),
    ("clamp", "max-only", lambda lib, x: lib.clamp(x, max=-0.2), [R(5)]),
    ("clamp", "clip", lambda lib, x: lib.clip(x, -1, 1), [R(2, 3, 4)]),
    ("clamp", "min>max", lambda lib, x: x.clamp(1.0, -1.0), [R(4)]),
    ("clamp", "int-bounds", lambda lib, x: x.clamp(-1, 1), [R(6)]),
    ("clamp", "0d", lambda lib, x: x.clamp(0.0, 1.0), [R()]),
    ("clamp", "non-contiguous", lambda lib, x: x.t().clamp(-0.3, 0.3), [R(4, 3)]),
    ("clamp_tensor", "both", lambda lib, x, a, b: x.clamp(a, b), [R(3, 4), R(3, 4) - 1, R(3, 4) + 1]),
    ("clamp_tensor", "min>max", lambda lib, x, a, b: x.clamp(a, b), [R(6), R(6), R(6)]),
    ("clamp_tensor", "min-only", lambda lib, x, a: lib.clamp(x, min=a), [R(3, 4), R(3, 4)]),
    ("clamp_tensor", "max-only", lambda lib, x, b: lib.clamp(x, None, b), [R(3, 4), R(3, 4)]),
    ("clamp_tensor", "broadcast-bounds", lambda lib, x, a, b: x.clamp(a, b), [R(3, 4), R(4) - 1, R(3, 1) + 1]),
    ("clamp_tensor", "broadcast-input", lambda lib, x, a: lib.clamp(x, min=a), [R(4), R(3, 4)]),
    ("clamp_tensor", "0d-bound", lambda lib, x, a: lib.clip(x, max=a), [R(3, 4), R()]),
    ("clamp_tensor", "non-contiguous", lambda lib, x, a: x.clamp(a.t()), [R(3, 4), R(4, 3)]),
    ("clamp_min", "number", lambda lib, x: x.clamp_min(0.2), [R(3, 4)]),
    ("clamp_min", "function", lambda lib, x: lib.clamp_min(x, -0.2), [R(5)]),
    ("clamp_min_tensor", "tensor", lambda lib, x, a: x.clamp_min(a), [R(3, 4), R(3, 4)]),
    ("clamp_min_tensor", "broadcast", lambda lib, x, a: lib.clamp_min(x, a), [R(3, 4), R(4)]),
    ("clamp_max", "number", lambda lib, x: x.clamp_max(0.2), [R(3, 4)]),
    ("clamp_max_tensor", "tensor", lambda lib, x, b: x.clamp_max(b), [R(3, 4), R(3, 4)]),
    ("clamp_max_tensor", "broadcast", lambda lib, x, b: lib.clamp_max(x, b), [R(3, 1), R(4)]),
    ("where", "tensors", lambda lib, a, b: lib.where(a > 0, a, b), [R(3, 4), R(3, 4)]),
    ("where", "number-other", lambda lib, a: lib.where(a > 0, a, 0.5), [R(3, 4)]),
    ("where", "number-input", lambda lib, a: lib.where(a > 0, -1.0, a), [R(3, 4)]),
    ("where", "broadcast", lambda lib, a, b: lib.where(b < 0, a, b), [R(4), R(3, 1)]),
    ("where", "broadcast-condition", lambda lib, a, b: lib.where(lib.tensor(COND), a, b), [R(3, 4), R(3, 1)]),
    ("where", "0d-condition", lambda lib, a, b: lib.where(lib.tensor(True), a, b), [R(3), R(3)]),
    ("where", "method", lambda lib, a, b: a.where(a < b, b), [R(3, 4), R(4)]),
    ("where", "non-contiguous", lambda lib, a, b: lib.where(a.t() > 0, a.t(), b), [R(4, 3), R(3, 4)]),
    ("softplus", "default", lambda lib, x: softplus(lib, x), [R(3, 4) * 5]),
    ("softplus", "beta-threshold", lambda lib, x: softplus(lib, x, beta=2, threshold=1), [R(3, 4)]),
    ("softplus", "negative-beta", lambda lib, x: softplus(lib, x, beta=-1.5, threshold=2), [R(6)]),
    ("softplus", "linear-regime", lambda lib, x: softplus(lib, x, threshold=0.5), [P(5)]),
    ("softplus", "non-contiguous", lambda lib, x: softplus(lib, x.t()), [R(4, 3)]),
    ("round_decimals", "1", lambda lib, x: lib.round(x, decimals=1), [np.array([0.12, -1.37, 2.71])]),
    ("round_decimals", "0", lambda lib, x: x.round(decimals=0), [np.array([0.3, -1.7, 2.2])]),
    ("round_decimals", "-1", lambda lib, x: lib.round(x, decimals=-1), [np.array([12.0, -37.0, 271.0])]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


def as_dtype(arrays, dtype):
    return [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]


def leaves(lib, arrays):
    return [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_create_graph_path_matches_kernels(entry, name, fn, inputs):
    """apply_graph (Tensor ops, create_graph=True) gives apply's values."""
    ts = leaves(jitgrad, inputs)
    out = fn(jitgrad, *ts)
    v = jitgrad.tensor(np.random.default_rng(1).standard_normal(out.shape))
    ts = [x for x in ts if x.requires_grad]
    fast = jitgrad.autograd.grad(out, ts, v, retain_graph=True)
    graph = jitgrad.autograd.grad(out, ts, v, create_graph=True)
    for f, g in zip(fast, graph):
        assert f.dtype == g.dtype and f.shape == g.shape
        np.testing.assert_allclose(g.detach().numpy(), f.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["clamp-both", "clamp_tensor-both", "clamp_min_tensor-tensor",
                                  "where-tensors", "softplus-default", "softplus-beta-threshold"])
def test_gradgradcheck(name):
    entry, _, fn, inputs = CASES[IDS.index(name)]
    ts = leaves(jitgrad, inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *a: fn(jitgrad, *a), tuple(ts))


# ------------------------------------------------------------------ hand-derived values


def value_and_grads(fn, *values, dtype=jitgrad.float64):
    ts = [jitgrad.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*ts)
    out.sum().backward()
    return out.tolist(), [t.grad.tolist() for t in ts]


NAN = float("nan")


def same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def test_clamp_hand_derived():
    out, (g,) = value_and_grads(lambda x: x.clamp(0.0, 1.0), [0.0, 1.0, 0.5, -1.0, 2.0, NAN])
    same(out, [0.0, 1.0, 0.5, 0.0, 1.0, NAN])
    same(g, [1, 1, 1, 0, 0, 0])                  # the bounds themselves pass the gradient
    out, (g,) = value_and_grads(lambda x: x.clamp(1.0, 0.0), [0.0, 0.5, 2.0])
    same(out, [0.0, 0.0, 0.0])                   # min > max: everything is max
    same(g, [0, 0, 0])
    out, (g,) = value_and_grads(lambda x: x.clamp(min=NAN), [1.0])
    same(out, [NAN])


def test_clamp_tensor_hand_derived():
    x = [0.0, 1.0, 0.5, -1.0, 2.0, NAN, 0.5, 0.5, 0.5]
    lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, NAN, 0.7, 0.5]
    hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5]
    out, (gx, glo, ghi) = value_and_grads(lambda a, b, c: a.clamp(b, c), x, lo, hi)
    same(out, [0.0, 1.0, 0.5, 0.0, 1.0, NAN, NAN, 0.6, 0.5])
    same(gx, [1, 1, 1, 0, 0, 0, 0, 0, 1])
    same(glo, [0, 0, 0, 1, 0, 0, 0, 0, 0])
    same(ghi, [0, 0, 0, 0, 1, 0, 0, 1, 0])
    _, (gx, glo) = value_and_grads(lambda a, b: a.clamp_min(b), x, lo)
    same(gx, [1, 1, 1, 0, 1, 0, 0, 0, 1])
    same(glo, [0, 0, 0, 1, 0, 0, 0, 1, 0])
    _, (gx, ghi) = value_and_grads(lambda a, c: a.clamp_max(c), x, hi)
    same(gx, [1, 1, 1, 1, 0, 0, 1, 1, 1])
    same(ghi, [0, 0, 0, 0, 1, 0, 0, 0, 0])


def test_clamp_broadcast_bound_gradient_is_summed():
    x = jitgrad.tensor([[-1.0, 2.0], [-3.0, 0.5]])
    lo = jitgrad.tensor(0.0, requires_grad=True)
    x.clamp(min=lo).sum().backward()
    assert lo.grad.shape == () and lo.grad.item() == 2.0


def test_maximum_minimum_ties_and_nan():
    out, (ga, gb) = value_and_grads(jitgrad.maximum, [1.0, 2.0, 3.0, NAN, 1.0],
                                    [1.0, 1.0, 4.0, 1.0, NAN])
    same(out, [1.0, 2.0, 4.0, NAN, NAN])
    same(ga, [0.5, 1.0, 0.0, 1.0, 1.0])
    same(gb, [0.5, 0.0, 1.0, 1.0, 1.0])
    out, (ga, gb) = value_and_grads(jitgrad.minimum, [1.0, 2.0, 3.0, NAN, 1.0],
                                    [1.0, 1.0, 4.0, 1.0, NAN])
    same(out, [1.0, 1.0, 3.0, NAN, NAN])
    same(ga, [0.5, 0.0, 1.0, 1.0, 1.0])
    same(gb, [0.5, 1.0, 0.0, 1.0, 1.0])


def test_where_hand_derived():
    out, (ga, gb) = value_and_grads(
        lambda a, b: jitgrad.where(jitgrad.tensor([True, False, True]), a, b),
        [1.0, 2.0, 3.0], [5.0, 6.0, 7.0])
    same(out, [1.0, 6.0, 3.0])
    same(ga, [1, 0, 1])
    same(gb, [0, 1, 0])
    c = jitgrad.tensor([True, False])
    assert jitgrad.where(c, 1, 0).tolist() == [1, 0] and jitgrad.where(c, 1, 0).dtype is jitgrad.int64
    assert jitgrad.where(c, 1.0, 0.0).dtype is jitgrad.float32
    (nz,) = jitgrad.where(jitgrad.tensor([0.0, 1.5, 0.0, -2.0]))
    assert nz.tolist() == [1, 3] and nz.dtype is jitgrad.int64
    rows, cols = jitgrad.where(jitgrad.tensor([[True, False], [False, True]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]


def test_softplus_hand_derived():
    out, (g,) = value_and_grads(lambda x: jitgrad.nn.functional.softplus(x), [0.0, 30.0, -30.0])
    np.testing.assert_allclose(out, [np.log(2.0), 30.0, np.log1p(np.exp(-30.0))], rtol=1e-15)
    np.testing.assert_allclose(g, [0.5, 1.0, 1 / (1 + np.exp(30.0))], rtol=1e-14)
    out, (g,) = value_and_grads(lambda x: jitgrad.nn.functional.softplus(x, beta=2, threshold=1),
                                [0.49, 0.51])
    np.testing.assert_allclose(out, [np.log1p(np.exp(0.98)) / 2, 0.51], rtol=1e-15)
    np.testing.assert_allclose(g, [1 / (1 + np.exp(-0.98)), 1.0], rtol=1e-14)


def test_softplus_float32_large_and_small():
    x = jitgrad.tensor([19.9, 20.0, 20.1, -200.0, 100.0, -20.0])
    y = jitgrad.nn.functional.softplus(x).numpy()
    np.testing.assert_allclose(y, np.log1p(np.exp(x.numpy().astype(np.float64))).astype(np.float32),
                               rtol=2e-7)


def test_round_decimals_is_torchs_arithmetic():
    x = jitgrad.tensor([1.25, 2.675, -0.125, 15.0, 25.0, 35.0])
    assert jitgrad.round(x, decimals=2).tolist() == pytest.approx(
        (np.rint(x.numpy() * np.float32(100)) / np.float32(100)).tolist())
    assert jitgrad.round(x, decimals=-1).tolist() == [0.0, 0.0, -0.0, 20.0, 20.0, 40.0]


# ------------------------------------------------------------------ the unary ops' edges


def test_unary_edge_values():
    x = jitgrad.tensor([-1.0, -2.0, np.inf, 0.0, -0.0, np.nan])
    log1p = x.log1p().tolist()
    assert log1p[0] == -np.inf and np.isnan(log1p[1]) and log1p[2] == np.inf and log1p[3] == 0
    assert x.expm1().tolist()[2] == np.inf and jitgrad.tensor([-100.0]).expm1().item() == -1.0
    assert jitgrad.tensor([0.0, -1.0, 4.0]).rsqrt().tolist()[0] == np.inf
    assert np.isnan(jitgrad.tensor([-1.0]).rsqrt().item())
    assert jitgrad.tensor([0, 2]).reciprocal().tolist() == [np.inf, 0.5]
    assert jitgrad.tensor([np.nan, -0.0, -2.0, 3.0]).sign().tolist() == [0.0, 0.0, -1.0, 1.0]
    assert np.isnan(jitgrad.tensor([np.inf]).sin().item())
    assert np.isnan(jitgrad.tensor([-np.inf]).cos().item())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sin_cos_of_huge_arguments(dtype):
    # beyond the vectorised range the kernels fall back to libm
    x = np.array([1e10, -3e7, 2.0e6, 1e30, 0.5], dtype=dtype)
    np.testing.assert_allclose(jitgrad.from_numpy(x).sin().numpy(), np.sin(x), rtol=1e-6)
    np.testing.assert_allclose(jitgrad.from_numpy(x).cos().numpy(), np.cos(x), rtol=1e-6)
    t = jitgrad.tensor(x, requires_grad=True)
    t.sin().sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), np.cos(x), rtol=1e-6)
    t.grad = None
    t.cos().sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), -np.sin(x), rtol=1e-6)


def test_integer_rounding_is_a_copy():
    for dtype in (jitgrad.int32, jitgrad.int64):
        big = jitgrad.tensor([2**53 + 1, -3], dtype=jitgrad.int64).to(dtype) \
            if dtype is jitgrad.int64 else jitgrad.tensor([7, -3], dtype=dtype)
        for op in ("floor", "ceil", "round"):
            y = getattr(big, op)()
            assert y.dtype is dtype and y.tolist() == big.tolist()
            y.numpy()[0] = 0
            assert big.tolist()[0] != 0


def test_comparisons_of_bool_tensors():
    a = jitgrad.tensor([True, False])
    assert (a == False).tolist() == [False, True]          # noqa: E712
    assert (a > jitgrad.tensor([False, False])).tolist() == [True, False]


def test_in_place_variants():
    x = jitgrad.tensor([-1.5, 0.25, 2.5])
    x.clamp_(-1, 1)
    assert x.tolist() == [-1.0, 0.25, 1.0]
    x.clamp_min_(0.0).clamp_max_(0.5)
    assert x.tolist() == [0.0, 0.25, 0.5]
    y = jitgrad.tensor([0.2, 3.7])
    y.floor_()
    assert y.tolist() == [0.0, 3.0]
    y.clip_(max=jitgrad.tensor([1.0, 2.0]))
    assert y.tolist() == [0.0, 2.0]
    z = jitgrad.tensor([1.25])
    z.round_(decimals=1)
    assert z.tolist() == [pytest.approx(1.2)]
    for op in ("log1p_", "expm1_", "sin_", "cos_", "reciprocal_", "rsqrt_", "sign_", "ceil_",
               "round_"):
        t = jitgrad.tensor([0.5, 2.0])
        want = getattr(jitgrad, op[:-1])(t.clone())
        assert getattr(t, op)() is t and t.tolist() == want.tolist()


def test_in_place_clamp_records_the_graph():
    w = jitgrad.tensor([-2.0, 0.5, 2.0], requires_grad=True)
    y = w * 1
    y.clamp_(-1, 1)
    assert type(y.grad_fn).__name__ == "ClampBackward1"
    y.sum().backward()
    assert w.grad.tolist() == [0.0, 1.0, 0.0]
    lo = jitgrad.tensor([0.0, 0.0, 0.0], requires_grad=True)
    y = w * 1
    y.clamp_min_(lo)
    assert type(y.grad_fn).__name__ == "ClampMinBackward1"


def test_in_place_clamp_with_a_bound_that_requires_grad():
    x = jitgrad.tensor([1.0, -2.0])
    m = jitgrad.zeros(2, requires_grad=True)
    x.clamp_(min=m)
    assert type(x.grad_fn).__name__ == "ClampBackward0" and not x.is_leaf
    x.sum().backward()
    assert x.tolist() == [1.0, 0.0] and m.grad.tolist() == [0.0, 1.0]


def test_saved_input_modified_in_place_is_refused():
    x = jitgrad.tensor([0.5, 2.0], requires_grad=True)
    y = x * 1
    z = y.clamp(0, 1)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


# ------------------------------------------------------------------ errors

X = [1.0, 2.0]


def t(lib, v=X, **kw):
    return lib.tensor(v, **kw)


# (id, fn(lib), exception type, message (None: only the type is checked))
ERRORS = [
    ("clamp-no-bounds", lambda lib: t(lib).clamp(), RuntimeError, messages.CLAMP_NO_BOUNDS),
    ("clip-no-bounds", lambda lib: lib.clip(t(lib), None, None), RuntimeError, messages.CLAMP_NO_BOUNDS),
    ("clamp_-no-bounds", lambda lib: t(lib).clamp_(), RuntimeError, messages.CLAMP_NO_BOUNDS),
    ("clamp-mixed", lambda lib: lib.clamp(t(lib), t(lib), 1.0), TypeError,
     "clamp() received an invalid combination of arguments - got (Tensor, Tensor, float), but "
     "expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out "
     "= None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"),
    ("clamp-mixed2", lambda lib: t(lib).clamp(-1.0, t(lib)), TypeError, None),
    ("clamp-str", lambda lib: lib.clamp(t(lib), min="a"), TypeError,
     "clamp() received an invalid combination of arguments - got (Tensor, min=str), but "
     "expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out "
     "= None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"),
    ("clamp-input", lambda lib: lib.clamp([1.0], min=0), TypeError,
     "clamp() received an invalid combination of arguments - got (list, min=int), but expected one "
     "of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * "
     "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"),
    ("clamp-bool", lambda lib: lib.clamp(t(lib, [True]), True), NotImplementedError,
     "\"clamp_min_scalar_cpu\" not implemented for 'Bool'"),
    ("clamp-bool-max", lambda lib: lib.clamp(t(lib, [True]), max=False), NotImplementedError,
     "\"clamp_max_scalar_cpu\" not implemented for 'Bool'"),
    ("clamp-bool-both", lambda lib: lib.clamp(t(lib, [True]), False, True), NotImplementedError,
     "\"clamp_scalar_cpu\" not implemented for 'Bool'"),
    ("clamp-broadcast", lambda lib: lib.clamp(lib.zeros(3), min=lib.zeros(2)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    ("clamp-int32-overflow", lambda lib: t(lib, [1], dtype=lib.int32).clamp(max=2**40),
     RuntimeError, "value cannot be converted to type int without overflow"),
    ("clamp-float32-overflow", lambda lib: t(lib).clamp(max=1e300), RuntimeError,
     "value cannot be converted to type float without overflow"),
    ("clamp_min-none", lambda lib: lib.clamp_min(t(lib), None), TypeError,
     "clamp_min() received an invalid combination of arguments - got (Tensor, NoneType), but "
     "expected one of:\n * (Tensor input, Tensor min, *, Tensor out = None)\n * (Tensor input, "
     "Number min, *, Tensor out = None)\n"),
    ("clamp_-int", lambda lib: t(lib, [1, 2], dtype=lib.int32).clamp_(min=0.5), RuntimeError,
     "result type Float can't be cast to the desired output type int"),
    ("clamp_-broadcast", lambda lib: lib.zeros(3).clamp_(min=lib.zeros(2, 3)), RuntimeError,
     "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ("clamp_-leaf", lambda lib: t(lib, requires_grad=True).clamp_(0, 1), RuntimeError,
     messages.LEAF_INPLACE),
    ("where-float-condition", lambda lib: lib.where(t(lib), t(lib), t(lib)), RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Float"),
    ("where-long-condition", lambda lib: lib.where(t(lib, [1, 0]), t(lib), 0.0), RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Long"),
    ("where-broadcast", lambda lib: lib.where(t(lib, [True, False]), lib.zeros(3), lib.zeros(2)),
     RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    ("where-two-args", lambda lib: lib.where(t(lib) > 0, t(lib)), TypeError,
     "where() received an invalid combination of arguments - got (Tensor, Tensor), but expected "
     "one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, "
     "Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n * (Tensor "
     "condition, Tensor input, Number other)\n * (Tensor condition, Number self, Number other)\n"),
    ("where-list", lambda lib: lib.where(t(lib, [True]), [1.0], 0.0), TypeError,
     "where() received an invalid combination of arguments - got (Tensor, list, "
     "float), but expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, "
     "Tensor other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n"
     "      didn't match because some of the arguments have invalid types: (Tensor, !list of "
     "[float]!, !float!)\n * (Tensor condition, Tensor input, Number other)\n      didn't match "
     "because some of the arguments have invalid types: (Tensor, !list of [float]!, !float!)\n"
     " * (Tensor condition, Number self, Number other)\n      didn't match because some of the "
     "arguments have invalid types: (Tensor, !list of [float]!, !float!)\n"),
    ("where-str", lambda lib: lib.where(t(lib) > 0, t(lib), "a"), TypeError,
     "where() received an invalid combination of arguments - got (Tensor, Tensor, str), but "
     "expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor "
     "other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n      "
     "didn't match because some of the arguments have invalid types: (Tensor, !Tensor!, !str!)"
     "\n * (Tensor condition, Tensor input, Number other)\n      didn't match because some of "
     "the arguments have invalid types: (Tensor, Tensor, !str!)\n * (Tensor condition, Number "
     "self, Number other)\n      didn't match because some of the arguments have invalid types: "
     "(Tensor, !Tensor!, !str!)\n"),
    ("maximum-number", lambda lib: lib.maximum(t(lib), 1.0), TypeError,
     "maximum(): argument 'other' (position 2) must be Tensor, not float"),
    ("maximum-first", lambda lib: lib.maximum(1.0, t(lib)), TypeError,
     "maximum(): argument 'input' (position 1) must be Tensor, not float"),
    ("maximum-method", lambda lib: t(lib).maximum(1), TypeError,
     "maximum(): argument 'other' (position 1) must be Tensor, not int"),
    ("minimum-method", lambda lib: t(lib).minimum(None), TypeError,
     "minimum(): argument 'other' (position 1) must be Tensor, not NoneType"),
    ("maximum-broadcast", lambda lib: lib.maximum(lib.zeros(3), lib.zeros(2)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    ("softplus-int", lambda lib: lib.nn.functional.softplus(t(lib, [1, 2])), NotImplementedError,
     "\"softplus_cpu\" not implemented for 'Long'"),
    ("softplus-bool", lambda lib: lib.nn.functional.softplus(t(lib, [True])), NotImplementedError,
     "\"softplus_cpu\" not implemented for 'Bool'"),
    ("softplus-list", lambda lib: lib.nn.functional.softplus([1.0]), TypeError,
     "softplus(): argument 'input' (position 1) must be Tensor, not list"),
    ("softplus-beta", lambda lib: lib.nn.functional.softplus(t(lib), beta="a"), TypeError,
     "softplus(): argument 'beta' must be Number, not str"),
    ("sin-list", lambda lib: lib.sin([1.0]), TypeError,
     "sin(): argument 'input' (position 1) must be Tensor, not list"),
    ("floor-bool", lambda lib: lib.floor(t(lib, [True])), NotImplementedError,
     "\"floor_vml_cpu\" not implemented for 'Bool'"),
    ("ceil-bool", lambda lib: t(lib, [True]).ceil(), NotImplementedError,
     "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    ("round-bool", lambda lib: lib.round(t(lib, [True])), NotImplementedError,
     "\"round_vml_cpu\" not implemented for 'Bool'"),
    ("round-decimals-int", lambda lib: lib.round(t(lib, [15]), decimals=1), NotImplementedError,
     "\"round_cpu\" not implemented for 'Long'"),
    ("round-decimals-float", lambda lib: lib.round(t(lib), decimals=1.0), TypeError,
     "round() received an invalid combination of arguments - got (Tensor, decimals=float), but "
     "expected one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, *, int "
     "decimals, Tensor out = None)\n"),
    ("sin_-int", lambda lib: t(lib, [1]).sin_(), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
]


@pytest.mark.parametrize("name,fn,exc,text", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, fn, exc, text):
    with pytest.raises(exc) as info:
        fn(jitgrad)
    if text is not None:
        assert str(info.value) == text


@pytest.mark.parametrize("name,fn,exc,text", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, fn, exc, text):
    torch = pytest.importorskip("torch")
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc) as ours:
        fn(jitgrad)
    assert str(ours.value) == str(theirs.value)


# ------------------------------------------------------------------ dtypes

DTYPES = ["float32", "float64", "int32", "int64", "bool"]
VALUES = np.array([1, 2, 3, 0])
UNARY_OPS = ["log1p", "expm1", "sin", "cos", "reciprocal", "rsqrt", "sign", "floor", "ceil",
             "round"]


def tensor(lib, dtype):
    return lib.tensor(VALUES.astype(dtype))


def outcome(lib, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
        return "ok", str(r.dtype).split(".")[-1], np.asarray(r.tolist(), dtype=np.float64)
    except Exception as e:                      # noqa: BLE001 - the type is what we compare
        return "error", type(e), None


DTYPE_CASES = (
    [(f"{op}-{a}", (lambda op, a: lambda lib: getattr(lib, op)(tensor(lib, a)))(op, a))
     for op in UNARY_OPS for a in DTYPES]
    + [(f"{op}-{a}-{b}", (lambda op, a, b: lambda lib: getattr(lib, op)(
        tensor(lib, a), tensor(lib, b)))(op, a, b))
       for op in ("maximum", "minimum") for a, b in itertools.product(DTYPES, DTYPES)]
    + [(f"clamp-{a}-{lo!r}", (lambda a, lo: lambda lib: lib.clamp(tensor(lib, a), lo, 2))(a, lo))
       for a in DTYPES for lo in (1, 1.5, True)]
    + [(f"clamp-{a}-tensor-{b}", (lambda a, b: lambda lib: lib.clamp(
        tensor(lib, a), min=tensor(lib, b)))(a, b)) for a, b in itertools.product(DTYPES, DTYPES)]
    + [(f"where-{a}-{b}", (lambda a, b: lambda lib: lib.where(
        tensor(lib, "bool"), tensor(lib, a), tensor(lib, b)))(a, b))
       for a, b in itertools.product(DTYPES, DTYPES)]
    + [(f"where-{a}-{s!r}", (lambda a, s: lambda lib: lib.where(
        tensor(lib, "bool"), tensor(lib, a), s))(a, s)) for a in DTYPES for s in (2, 2.5, True)]
    + [(f"softplus-{a}", (lambda a: lambda lib: lib.nn.functional.softplus(tensor(lib, a)))(a))
       for a in DTYPES]
)


@pytest.mark.parametrize("name,fn", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_no_numba_error_reaches_the_user(name, fn):
    kind, detail, _ = outcome(jitgrad, fn)
    if kind == "error":
        assert not detail.__module__.startswith("numba"), f"{name} leaked {detail}"


@pytest.mark.parametrize("name,fn", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_dtypes_match_torch(name, fn):
    torch = pytest.importorskip("torch")
    ours, theirs = outcome(jitgrad, fn), outcome(torch, fn)
    assert ours[:2] == theirs[:2], (ours, theirs)
    if ours[0] == "ok":
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, equal_nan=True)


def test_float32_stays_float32():
    x = jitgrad.ones(3)
    for y in (x.clamp(0, 2), x.clamp(min=jitgrad.tensor(0.5, dtype=jitgrad.float64)),
              jitgrad.where(x > 0, x, 2.5), jitgrad.nn.functional.softplus(x, beta=2),
              x.sin(), x.log1p(), x.round(decimals=2), jitgrad.maximum(x, x)):
        assert y.dtype is jitgrad.float32


def _method_errors():
    x = [1.0, 2.0]
    return [
        ("method-clamp-mixed", lambda lib: t(lib).clamp(-1.0, t(lib))),
        ("method-clamp-str", lambda lib: t(lib).clamp(min="a")),
        ("method-clamp_min-none", lambda lib: t(lib).clamp_min(None)),
        ("method-clamp_-mixed", lambda lib: t(lib).clamp_(t(lib), 1.0)),
        ("method-clip-mixed", lambda lib: t(lib).clip(t(lib), 1.0)),
        ("method-round-decimals", lambda lib: t(lib).round(decimals=1.0)),
        ("method-where-str", lambda lib: t(lib, x).where(t(lib) > 0, "a")),
        ("function-clamp_min-list", lambda lib: lib.clamp_min([1.0], 0)),
        ("function-where-list-condition", lambda lib: lib.where([True], t(lib), t(lib))),
        ("function-clip-mixed", lambda lib: lib.clip(t(lib), t(lib), 1.0)),
    ]


@pytest.mark.parametrize("name,fn", _method_errors(), ids=[e[0] for e in _method_errors()])
def test_parser_errors_match_torch(name, fn):
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError) as theirs:
        fn(torch)
    with pytest.raises(TypeError) as ours:
        fn(jitgrad)
    assert str(ours.value) == str(theirs.value)
