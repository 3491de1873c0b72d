"""Small torch names (jitgrad/functions_small.py, jitgrad/ops/composed.py):
the ops torch records under a node of their own (exp2, logit, sinc, copysign,
fmax, nansum, aminmax, dist, renorm, addmv/addr/baddbmm/addbmm, the
``Tensor.unfold`` view, ...) through the op table's checks, then a compact
table of the aliases, top-level forms and compositions against torch (values,
gradients, dtypes, node names), a few hand-derived values, and the errors."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import table_tests

rng = np.random.default_rng(3)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def U(*shape):                       # in (0.1, 0.9): logit's domain, away from eps
    return np.asarray(rng.uniform(0.1, 0.9, shape))


def S(*shape):                       # away from 0: no kink of abs/sign
    return np.asarray(rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape))


CASES = [
    ("exp2", "non-contiguous", lambda lib, x: lib.exp2(x.t()), [R(3, 4)]),
    ("logit", "eps-clamps", lambda lib, x: (x * 1.2 - 0.1).logit(0.2), [U(3, 4)]),
    ("sinc", "with-zero", lambda lib, x: lib.sinc(x * lib.tensor([0.0, 1.0, 1.0])), [R(2, 3)]),
    ("deg2rad", "method", lambda lib, x: x.deg2rad(), [R(3)]),
    ("rad2deg", "inplace", lambda lib, x: lib.rad2deg_(x * 1), [R(2, 3)]),
    ("copysign", "broadcast", lambda lib, x, y: lib.copysign(x, y), [S(3, 4), S(4)]),
    ("fmax", "nan-and-broadcast",
     lambda lib, x, y: lib.fmax(x, y.masked_fill(lib.tensor([False, True, False]), float("nan"))),
     [R(2, 3), R(3)]),
    ("fmin", "method", lambda lib, x, y: x.fmin(y.t()), [R(3, 4), R(4, 3)]),
    ("sgn", "expanded", lambda lib, x: x.expand(2, 3, 4).sgn(), [S(3, 4)]),
    ("fill", "number", lambda lib, x: lib.fill(x.t(), 2.5), [R(3, 4)]),
    ("nansum", "dim-keepdim",
     lambda lib, x: lib.nansum(x.log(), 1, keepdim=True), [R(3, 4)]),
    ("aminmax", "dim", lambda lib, x: lib.aminmax(x, dim=1).min, [R(3, 4)]),
    ("dist", "p1", lambda lib, x, y: lib.dist(x, y, 1), [R(3, 4), R(4)]),
    ("renorm", "dim0", lambda lib, x: x.renorm(2, 0, 1.5), [R(4, 3)]),
    ("addmv", "beta-alpha", lambda lib, b, m, v: lib.addmv(b, m, v, beta=0.5, alpha=2),
     [R(3), R(3, 4), R(4)]),
    ("addr", "broadcast-input", lambda lib, b, u, v: lib.addr(b, u, v), [R(1, 4), R(3), R(4)]),
    ("baddbmm", "alpha", lambda lib, b, x, y: b.baddbmm(x, y, alpha=-1),
     [R(3, 5), R(2, 3, 4), R(2, 4, 5)]),
    ("addbmm", "beta0", lambda lib, b, x, y: lib.addbmm(b, x, y, beta=0),
     [R(3, 5), R(2, 3, 4), R(2, 4, 5)]),
    ("Tensor.unfold", "overlapping-non-contiguous",
     lambda lib, x: x.t().unfold(1, 3, 2), [R(7, 3)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def _run(lib, fn, arrays):
    ts = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(lib, *ts)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    first = outs[0]
    grads = []
    if first.requires_grad:
        sum(o.sum() * (i + 1) for i, o in enumerate(outs) if o.requires_grad).backward()
        grads = [None if t.grad is None else t.grad.numpy() for t in ts]
    return ([o.detach().numpy() for o in outs], grads,
            [str(o.dtype).split(".")[-1] for o in outs],
            [None if o.grad_fn is None else o.grad_fn.name() for o in outs])


def _ints(*shape):
    return np.asarray(rng.integers(-3, 4, shape))


# (id, fn(lib, *tensors), inputs): jitgrad's values, gradients, dtypes and node names
# are torch's; the aliases' results equal their targets'
ALIASES = [
    ("aliases", lambda lib, x, y: [lib.arccos(x * 0.5), x.arcsin(), lib.arctan(x),
                                   lib.arctan2(x, y), x.arctan2(y), x.absolute(),
                                   lib.negative(x), x.positive(), x.multiply(y),
                                   lib.subtract(x, y, alpha=2), x.subtract(y),
                                   (x * 1).divide_(y + 5), (x * 1).true_divide_(2),
                                   (x * 1).multiply_(y), (x * 1).subtract_(y, alpha=3)],
     [R(3), R(3)]),
    ("comparisons", lambda lib, x, y: [x.greater(y), x.less_equal(y), lib.not_equal(x, y),
                                       x.less(0), x.greater_equal(y), (x * 1).eq_(y),
                                       (x * 1).ge_(0), (x * 1).lt_(y), (x * 1).not_equal_(y),
                                       (x * 1).less_equal_(0.5)],
     [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0])]),
    ("top-level-inplace", lambda lib, x: [lib.exp_(x * 1), lib.abs_(x * 1),
                                          lib.sigmoid_(x * 1), lib.clamp_(x * 1, -0.5, 0.5),
                                          lib.round_(x * 1, decimals=1), lib.neg_(x * 1),
                                          lib.sqrt_(x * x), lib.zero_(x * 1),
                                          lib.fill_(x * 1, 3), lib.clone(x)], [R(2, 3)]),
    ("inplace-math", lambda lib, x, m, v: [(x * 1).cumsum_(0), (x * 1).addmm_(m, m.t()),
                                           lib.addmv_(x[0] * 1, m, v[:2]),
                                           (x * 1).copysign_(-1.0), (x * 1).exp2_(),
                                           (x * 1).sgn_(),
                                           lib.fill(x, v[0].sum())],
     [R(3, 3), R(3, 2), R(4)]),
    ("small-math", lambda lib, x, y: [x.float_power(2), lib.float_power(x, y),
                                      lib.float_power(2, y), lib.nanmean(x, 0),
                                      x.count_nonzero(), lib.count_nonzero(x, 1),
                                      lib.signbit(-x), lib.copysign(x, -0.0),
                                      *lib.aminmax(x), lib.diff(x, n=2, prepend=y, dim=0)],
     [R(3, 4), R(3, 4)]),
    ("shape-math", lambda lib, x, y: [lib.inner(x, y), lib.tensordot(x, y.t(), 1),
                                      lib.tensordot(x.reshape(2, 3, 2), y.reshape(2, 3, 2),
                                                    ([0, 2], [0, 2])), x.tile((2,)),
                                      lib.tile(x, (2, 1, 1)), x.t().ravel(),
                                      x.sum_to_size(1, 4), x.sum_to_size(4)],
     [R(3, 4), R(3, 4)]),
    ("stack-split", lambda lib, x, v: [lib.hstack([x, x]), lib.vstack([x, v]),
                                       lib.row_stack([v, v]), lib.dstack([x, x]),
                                       lib.column_stack([v, x.t()]), lib.hstack([v, v]),
                                       *lib.hsplit(x, 2), *x.vsplit([1]),
                                       *lib.dsplit(x.reshape(3, 2, 2), 2)],
     [R(3, 4), R(4)]),
    ("integer-inputs", lambda lib, a, b: [lib.exp2(a), lib.logit(a), lib.sinc(a),
                                          lib.deg2rad(a), lib.copysign(a, b), lib.fmax(a, b),
                                          lib.nansum(a), lib.diff(a), lib.sgn(a),
                                          lib.float_power(a, 2)], [_ints(5), _ints(5)]),
]


@pytest.mark.parametrize("fn,inputs", [a[1:] for a in ALIASES], ids=[a[0] for a in ALIASES])
def test_matches_torch(fn, inputs):
    torch = pytest.importorskip("torch")
    for dtype in (np.float32, np.float64):
        arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]
        mine, theirs = _run(jitgrad, fn, arrays), _run(torch, fn, arrays)
        assert mine[2] == theirs[2] and mine[3] == theirs[3]
        for a, b in zip(mine[0] + mine[1], theirs[0] + theirs[1]):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)


def test_hand_derived_values_and_identities():
    J = jitgrad
    x = J.tensor([0.0, 0.5, -1.0, 2.0])
    np.testing.assert_allclose(J.exp2(x).numpy(), [1.0, 2 ** 0.5, 0.5, 4.0], rtol=1e-6)
    np.testing.assert_allclose(J.sinc(x).numpy(), [1.0, 2 / np.pi, 0.0, 0.0], atol=1e-7)
    assert J.fmax(J.tensor([np.nan, 1.0]), J.tensor([2.0, np.nan])).tolist() == [2.0, 1.0]
    assert J.diff(J.tensor([1, 4, 9, 16]), n=2).tolist() == [2, 2]
    assert J.diff(J.tensor([True, True, False])).tolist() == [False, True]
    assert J.nansum(J.tensor([1.0, np.nan, 2.0])).item() == 3.0
    assert J.dist(J.tensor([0.0, 0.0]), J.tensor([3.0, 4.0])).item() == 5.0
    w = J.arange(6.0).unfold(0, 2, 2)
    assert w.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]] and w.storage_offset() == 0
    y = J.arange(6.0)[2:]
    assert y.storage_offset() == 2 and y.data_ptr() - J.arange(1.0).data_ptr() != 0
    assert (J.pi, J.e, J.inf, J.newaxis) == (np.pi, np.e, float("inf"), None)
    assert np.isnan(J.nan)
    assert J.positive(x) is x and J.detach(x) is not x and x.is_cpu and x.is_signed()
    assert not J.is_complex(x) and J.is_same_size(x, x * 2) and not J.is_nonzero(x[:1])
    assert J.promote_types(J.int32, J.float32) is J.float32
    assert J.result_type(J.tensor([1, 2]), 1.5) is J.float32
    assert J.result_type(J.tensor(1.0, dtype=J.float64), J.tensor([1.0])) is J.float32
    assert [J.can_cast(J.float64, J.int32), J.can_cast(J.int64, J.float32),
            J.can_cast(J.int32, J.bool)] == [False, True, False]
    s = J.scalar_tensor(3)
    assert s.dtype is J.float32 and s.shape == () and s.item() == 3.0
    m = J.aminmax(J.tensor([[1.0, 5.0], [-2.0, 0.0]]), dim=0, keepdim=True)
    assert m.min.tolist() == [[-2.0, 0.0]] and m.max.tolist() == [[1.0, 5.0]]
    assert repr(m).startswith("jitgrad.return_types.aminmax(\nmin=tensor([[-2.,  0.]]),")


def test_views_in_place_changes_and_double_backward():
    x = jitgrad.tensor(np.arange(5.0), requires_grad=True)
    base = x * 1
    w = base.unfold(0, 2, 1)
    assert w._base is base and type(w.grad_fn).__name__ == "UnfoldBackward0"
    base.data[0] = 9.0                       # shares memory
    assert w[0, 0].item() == 9.0
    y = (jitgrad.logit(x / 10 + 0.1) ** 2).sum()
    (g,) = jitgrad.autograd.grad(y, x, create_graph=True)
    assert jitgrad.autograd.gradgradcheck(
        lambda t: jitgrad.renorm(t, 2, 0, 0.5) * jitgrad.exp2(t), (jitgrad.tensor(
            np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True),))
    assert g.requires_grad
    # exp2 saves no input (as torch's node): changing it in place later is allowed, and
    # double backward still sees the old values; logit saves its input: refused
    x.grad = None
    a = x * 1
    y = jitgrad.exp2(a)
    a.mul_(3)
    (g,) = jitgrad.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0 ** np.arange(5.0) * np.log(2) ** 2)
    a = x / 10 + 0.05
    y = jitgrad.logit(a)
    a.add_(0.1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


Err = namedtuple("Err", "id run exc message")
T = jitgrad.tensor
ERRORS = [
    Err("unfold-size", lambda lib: lib.ones(3, 4).unfold(1, 5, 1), RuntimeError,
        "maximum size for tensor at dimension 1 is 4 but size is 5"),
    Err("unfold-step", lambda lib: lib.ones(3, 4).unfold(1, 2, 0), RuntimeError,
        "step is 0 but must be > 0"),
    Err("sum-to-size", lambda lib: lib.ones(3, 4).sum_to_size(2, 4), RuntimeError,
        "size {[2, 4]} is not expandable to size {[3, 4]}."),
    Err("hsplit-divisible", lambda lib: lib.hsplit(lib.ones(3, 4), 3), RuntimeError,
        "jitgrad.hsplit attempted to split along dimension 1, but the size of the dimension "
        "4 is not divisible by the split_size 3!"),
    Err("dsplit-dims", lambda lib: lib.dsplit(lib.ones(3, 4), 2), RuntimeError,
        "jitgrad.dsplit requires a tensor with at least 3 dimension, but got a tensor with "
        "2 dimensions!"),
    Err("nanmean-int", lambda lib: lib.nanmean(lib.arange(3)), RuntimeError,
        "nanmean(): expected input to have floating point or complex dtype but got Long"),
    Err("float-power-inplace", lambda lib: lib.ones(2).float_power_(2), RuntimeError,
        "the base given to float_power_ has dtype Float but the operation's result requires "
        "dtype Double"),
    Err("is-nonzero", lambda lib: lib.ones(2).is_nonzero(), RuntimeError,
        "Boolean value of Tensor with more than one value is ambiguous"),
    Err("diff-0d", lambda lib: lib.diff(lib.tensor(1.0)), RuntimeError,
        "diff expects input to be at least one-dimensional"),
    Err("eq-inplace-broadcast", lambda lib: lib.ones(3).eq_(lib.ones(2, 3)), RuntimeError,
        "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    Err("tile-int", lambda lib: lib.tile(lib.ones(3), 2), TypeError,
        "tile(): argument 'dims' (position 2) must be tuple of ints, not int"),
    Err("vstack-empty", lambda lib: lib.vstack([]), RuntimeError,
        "vstack expects a non-empty TensorList"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c.id for c in ERRORS])
def test_error(case):
    libs = [jitgrad]
    try:
        import torch
        libs.append(torch)
    except ImportError:
        pass
    for lib in libs:
        with pytest.raises(case.exc) as err:
            case.run(lib)
        assert str(err.value).replace("torch.", "jitgrad.") == case.message
