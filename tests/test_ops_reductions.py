"""max/min, amax/amin, argmax/argmin, prod, var/std, var_mean/std_mean,
logsumexp and cumsum (jitgrad/ops/reductions_extra.py), plus the
create_graph path (``apply_graph``) of every reduction node, sum and norm
included: finite differences in float64, torch's values, gradients, dtypes
and node names, hand-derived values, torch's corner cases (ties, NaN, zeros
in prod, degrees of freedom <= 0, infinities) and every error message."""
import math
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad.autograd.function import _OutputGrads, _OutputSelector
from jitgrad.tensor import _wrap
from helpers import table_tests

rng = np.random.default_rng(1)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def P(*shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def with_zeros(*shape, zeros=1):
    a = P(*shape).reshape(-1)
    a[rng.choice(a.size, zeros, replace=False)] = 0.0
    return a.reshape(shape)


def var_mean_sum(lib, x, **kw):
    v, m = lib.var_mean(x, **kw)
    return v * 2 + m * 3


# (table entry, id, fn(lib, *inputs), inputs)
CASES = [
    ("max", "all", lambda lib, x: x.max(), [R(3, 4)]),
    ("max", "function-0d", lambda lib, x: lib.max(x), [R()]),
    ("max", "non-contiguous", lambda lib, x: x.t().max(), [R(3, 4)]),
    ("min", "all", lambda lib, x: lib.min(x), [R(2, 3, 4)]),
    ("max_dim", "dim1", lambda lib, x: x.max(1).values, [R(3, 4)]),
    ("max_dim", "dim0-keep", lambda lib, x: lib.max(x, 0, keepdim=True)[0], [R(3, 4)]),
    ("max_dim", "middle-3d", lambda lib, x: x.max(dim=1).values, [R(2, 3, 4)]),
    ("max_dim", "0d", lambda lib, x: x.max(0).values, [R()]),
    ("max_dim", "non-contiguous", lambda lib, x: x.transpose(0, 2).max(-1)[0], [R(2, 3, 4)]),
    ("min_dim", "dim-1", lambda lib, x: x.min(-1).values, [R(3, 4)]),
    ("min_dim", "keepdim", lambda lib, x: lib.min(x, 1, True).values, [R(2, 3, 4)]),
    ("amax", "dim1", lambda lib, x: x.amax(1), [R(3, 4)]),
    ("amax", "all", lambda lib, x: lib.amax(x), [R(3, 4)]),
    ("amax", "dims02-permuted", lambda lib, x: x.amax((0, 2)), [R(2, 3, 4)]),
    ("amax", "dims12-keep", lambda lib, x: lib.amax(x, (1, 2), keepdim=True), [R(2, 3, 4)]),
    ("amin", "dim0", lambda lib, x: x.amin(0), [R(3, 4)]),
    ("amin", "dims-list", lambda lib, x: x.amin([-1, 0]), [R(2, 3, 4)]),
    ("prod", "all", lambda lib, x: x.prod(), [P(3, 4)]),
    ("prod", "0d", lambda lib, x: lib.prod(x), [R()]),
    ("prod", "one-zero", lambda lib, x: x.prod(), [with_zeros(2, 3)]),
    ("prod", "two-zeros", lambda lib, x: x.prod(), [with_zeros(2, 3, zeros=2)]),
    ("prod", "negative", lambda lib, x: x.prod(), [R(5)]),
    ("prod_dim", "dim1", lambda lib, x: x.prod(1), [P(3, 4)]),
    ("prod_dim", "dim0-keep", lambda lib, x: lib.prod(x, 0, keepdim=True), [P(3, 4)]),
    ("prod_dim", "middle-zeros", lambda lib, x: x.prod(1), [with_zeros(2, 3, 4, zeros=3)]),
    ("prod_dim", "non-contiguous", lambda lib, x: x.t().prod(-1), [P(3, 4)]),
    ("var", "all", lambda lib, x: x.var(), [R(3, 4)]),
    ("var", "dim1", lambda lib, x: x.var(1), [R(3, 4)]),
    ("var", "dims02-permuted", lambda lib, x: lib.var(x, (0, 2)), [R(2, 3, 4)]),
    ("var", "biased-keep", lambda lib, x: x.var(0, unbiased=False, keepdim=True), [R(3, 4)]),
    ("var", "correction2", lambda lib, x: x.var(-1, correction=2), [R(3, 5)]),
    ("var", "legacy-positional", lambda lib, x: lib.var(x, False), [R(6)]),
    ("var", "non-contiguous", lambda lib, x: x.t().var(0), [R(3, 4)]),
    ("std", "all", lambda lib, x: x.std(), [R(3, 4)]),
    ("std", "dim0", lambda lib, x: lib.std(x, 0), [R(3, 4)]),
    ("std", "dims-keep", lambda lib, x: x.std((0, 2), keepdim=True, correction=0), [R(2, 3, 4)]),
    ("var_mean", "dim1", lambda lib, x: var_mean_sum(lib, x, dim=1), [R(3, 4)]),
    ("var_mean", "all", lambda lib, x: lib.var_mean(x)[0], [R(3, 4)]),
    ("var_mean", "mean-only", lambda lib, x: lib.var_mean(x, (0, 2))[1], [R(2, 3, 4)]),
    ("std_mean", "dim0-keep",
     lambda lib, x: (lambda s, m: s * m)(*lib.std_mean(x, 0, keepdim=True)), [R(3, 4)]),
    ("std_mean", "std-only", lambda lib, x: lib.std_mean(x, correction=0)[0], [R(5)]),
    ("logsumexp", "dim1", lambda lib, x: x.logsumexp(1), [R(3, 4)]),
    ("logsumexp", "dims02-permuted", lambda lib, x: lib.logsumexp(x, (0, 2)), [R(2, 3, 4)]),
    ("logsumexp", "keepdim", lambda lib, x: lib.logsumexp(x, -1, keepdim=True), [R(3, 4)]),
    ("logsumexp", "large", lambda lib, x: x.logsumexp(0), [R(4, 3) * 100]),
    ("logsumexp", "non-contiguous", lambda lib, x: x.t().logsumexp(1), [R(3, 4)]),
    ("cumsum", "dim1", lambda lib, x: x.cumsum(1), [R(3, 4)]),
    ("cumsum", "dim0", lambda lib, x: lib.cumsum(x, 0), [R(3, 4)]),
    ("cumsum", "middle-3d", lambda lib, x: x.cumsum(dim=1), [R(2, 3, 4)]),
    ("cumsum", "0d", lambda lib, x: x.cumsum(0), [R()]),
    ("cumsum", "non-contiguous", lambda lib, x: x.t().cumsum(-1), [R(3, 4)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


def _combined_node(node):
    # var_mean(...) used whole: the table's node sits behind the combining op
    if type(node).__name__ in ("AddBackward0", "MulBackward0"):
        node = node.next_functions[0][0]
        if type(node).__name__ == "MulBackward0":
            node = node.next_functions[0][0]
    return node


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES, _combined_node)


# ------------------------------------------------------------------ apply_graph == apply

# the nodes of ops/reductions.py (sum, mean, norm) next to the new ones
GRAPH_EXTRA = [
    ("sum-all", lambda lib, x: x.sum(), [R(3, 4)]),
    ("sum-dims02", lambda lib, x: x.sum((0, 2)), [R(2, 3, 4)]),
    ("sum-keep", lambda lib, x: x.sum(1, keepdim=True), [R(2, 3, 4)]),
    ("sum-0d", lambda lib, x: x.sum(), [R()]),
    ("mean-all", lambda lib, x: x.mean(), [R(3, 4)]),
    ("mean-dim", lambda lib, x: x.mean(-1), [R(3, 4)]),
    ("norm-2", lambda lib, x: x.norm(), [R(3, 4)]),
    ("norm-2-dims02", lambda lib, x: x.norm(dim=(0, 2)), [R(2, 3, 4)]),
    ("norm-1", lambda lib, x: x.norm(p=1, dim=1), [R(3, 4)]),
    ("norm-3-keep", lambda lib, x: x.norm(p=3, dim=0, keepdim=True), [R(3, 4)]),
    ("norm-0.5", lambda lib, x: x.norm(p=0.5), [R(5)]),
    ("norm-inf", lambda lib, x: x.norm(p=float("inf"), dim=1), [R(3, 4)]),
    ("norm-0", lambda lib, x: x.norm(p=0), [R(5)]),
    ("norm-2-zero-row", lambda lib, x: x.norm(dim=1), [np.array([[0.0, 0.0], [3.0, 4.0]])]),
    ("norm-3-zeros", lambda lib, x: x.norm(p=3, dim=1), [np.array([[0.0, 0.0], [0.0, 4.0]])]),
    ("amax-ties", lambda lib, x: x.amax(1), [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])]),
    ("max-ties", lambda lib, x: x.max(), [np.array([[1.0, 3.0, 3.0], [3.0, 2.0, 0.0]])]),
    ("var-dof0", lambda lib, x: x.var(correction=3), [R(3)]),
    ("std-zero", lambda lib, x: x.std(1), [np.array([[2.0, 2.0], [1.0, 3.0]])]),
]
GRAPH_CASES = [(f"{e}-{n}", fn, ins) for e, n, fn, ins in CASES] + GRAPH_EXTRA


def _both_paths(node, g):
    """The node's gradient of ``g`` by apply (arrays) and apply_graph (Tensors)."""
    if isinstance(node, _OutputSelector):       # var_mean/std_mean: the shared node
        shared = node._next[0]
        gs = [g if i == node.index else None for i in range(node.count)]
        fast = shared.apply(_OutputGrads(gs))
        graph = shared.apply_graph(_OutputGrads([None if a is None else _wrap(a) for a in gs]))
        return fast, graph
    return node.apply(g), node.apply_graph(_wrap(g))


@pytest.mark.parametrize("name,fn,inputs", GRAPH_CASES, ids=[c[0] for c in GRAPH_CASES])
def test_apply_graph_matches_apply(name, fn, inputs):
    x = jitgrad.tensor(inputs[0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(jitgrad, x)
    node = out.grad_fn
    if type(node).__name__ in ("AddBackward0", "MulBackward0"):
        pytest.skip("the case's output is a combination; its parts are covered")
    g = np.random.default_rng(3).standard_normal(out.shape)
    fast, graph = _both_paths(node, g)
    assert len(fast) == len(graph) == 1
    assert graph[0].shape == fast[0].shape
    np.testing.assert_allclose(graph[0].detach().numpy(), fast[0], rtol=1e-12, atol=1e-12)


SECOND_ORDER = [
    ("sum", lambda lib, x: x.sum((0, 2)), R(2, 3, 4)),
    ("mean", lambda lib, x: x.mean(1, keepdim=True), R(2, 3, 4)),
    ("norm", lambda lib, x: x.norm(dim=(0, 2)), R(2, 3, 4)),
    ("norm-p3", lambda lib, x: x.norm(p=3, dim=1), R(3, 4)),
    ("norm-p1", lambda lib, x: x.norm(p=1), R(3, 4)),
    ("norm-inf", lambda lib, x: x.norm(p=float("inf"), dim=1), R(3, 4)),
    ("max", lambda lib, x: x.max(), R(3, 4)),
    ("max-dim", lambda lib, x: x.max(1).values, R(3, 4)),
    ("amin", lambda lib, x: x.amin((0, 2)), R(2, 3, 4)),
    ("prod", lambda lib, x: x.prod(1), R(3, 4)),
    ("prod-zero-all", lambda lib, x: x.prod(), np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])),
    ("prod-zero-dim", lambda lib, x: x.prod(1), np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])),
    ("var", lambda lib, x: x.var((0, 2)), R(2, 3, 4)),
    ("std", lambda lib, x: x.std(1, keepdim=True), R(3, 4)),
    ("std-all", lambda lib, x: x.std(), R(3, 4)),
    ("var_mean", lambda lib, x: var_mean_sum(lib, x, dim=1), R(3, 4)),
    ("std_mean", lambda lib, x: (lambda s, m: s * 2 + m * m)(*lib.std_mean(x, 1)), R(3, 4)),
    ("logsumexp", lambda lib, x: x.logsumexp((0, 2)), R(2, 3, 4)),
    ("cumsum", lambda lib, x: x.cumsum(1), R(3, 4)),
]


def _second_order(lib, fn, a):
    x = lib.tensor(a, requires_grad=True)
    y = fn(lib, x)
    v = lib.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape)))
    (g,) = lib.autograd.grad((y * v).sum(), x, create_graph=True)
    if not g.requires_grad:
        return g.detach().numpy(), np.zeros_like(a)
    w = lib.tensor(np.random.default_rng(2).standard_normal(a.shape))
    (h,) = lib.autograd.grad((g * w).sum(), x, allow_unused=True)
    h = np.zeros_like(a) if h is None else (h.numpy(force=True) if lib is not jitgrad
                                            else h.numpy())
    return g.detach().numpy(), h


@pytest.mark.parametrize("name,fn,a", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_second_order_matches_torch(name, fn, a):
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_second_order(jitgrad, fn, a), _second_order(torch, fn, a)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,fn,a", [c for c in SECOND_ORDER if c[0] in
                                       ("var", "std", "logsumexp", "prod", "norm-p3", "sum",
                                        "cumsum", "var_mean")],
                         ids=lambda c: c if isinstance(c, str) else "")
def test_gradgradcheck(name, fn, a):
    x = jitgrad.tensor(a, dtype=jitgrad.float64, requires_grad=True)
    assert jitgrad.autograd.gradgradcheck(lambda t: fn(jitgrad, t), (x,))


def test_second_derivative_of_logsumexp_by_hand():
    # d/dx softmax(x)_i summed with weights w: H = diag(s) - s s^T
    a = np.array([0.5, -1.0, 2.0])
    x = jitgrad.tensor(a, requires_grad=True)
    (g,) = jitgrad.autograd.grad(x.logsumexp(0), x, create_graph=True)
    s = np.exp(a) / np.exp(a).sum()
    np.testing.assert_allclose(g.detach().numpy(), s, rtol=1e-12)
    w = np.array([1.0, 2.0, 3.0])
    (h,) = jitgrad.autograd.grad((g * jitgrad.tensor(w)).sum(), x)
    np.testing.assert_allclose(h.numpy(), (np.diag(s) - np.outer(s, s)) @ w, rtol=1e-12)


def test_second_derivative_of_var_by_hand():
    # var = sum((x - m)^2) / (n - 1): its Hessian is 2 (I - 1/n) / (n - 1)
    x = jitgrad.tensor([1.0, 2.0, 4.0, 7.0], dtype=jitgrad.float64, requires_grad=True)
    (g,) = jitgrad.autograd.grad(x.var(), x, create_graph=True)
    w = np.array([1.0, -1.0, 0.5, 2.0])
    (h,) = jitgrad.autograd.grad((g * jitgrad.tensor(w)).sum(), x)
    n = 4
    np.testing.assert_allclose(h.numpy(), 2 * (np.eye(n) - 1 / n) @ w / (n - 1), rtol=1e-12)


# ------------------------------------------------------------------ hand-derived values


def test_max_min_whole_tensor_share_ties():
    x = jitgrad.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    m = x.max()
    assert m.item() == 3.0 and type(m.grad_fn).__name__ == "MaxBackward1"
    m.backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]
    x.grad = None
    x.min().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_max_dim_returns_values_and_indices():
    x = jitgrad.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    r = x.max(1)
    values, indices = r
    assert isinstance(r, tuple) and isinstance(r, jitgrad.return_types.max)
    assert r.values is values and r.indices is indices and r[0] is values and r[-1] is indices
    assert values.tolist() == [3.0, 2.0] and indices.tolist() == [1, 0]    # first of the ties
    assert indices.dtype is jitgrad.int64 and not indices.requires_grad
    assert values.grad_fn is not None and indices.grad_fn is None
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]           # the argmax only
    assert repr(r) == ("jitgrad.return_types.max(\nvalues=tensor([3., 2.], "
                       "grad_fn=<MaxBackward0>),\nindices=tensor([1, 0]))")
    k = jitgrad.min(x, dim=0, keepdim=True)
    assert type(k).__name__ == "min" and k.values.shape == (1, 3)
    assert k.indices.tolist() == [[0, 1, 1]]


def test_amax_amin_share_ties_per_slice():
    x = jitgrad.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    y = x.amax(1)
    assert y.tolist() == [3.0, 2.0]
    y.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]]
    x.grad = None
    x.amin((0, 1)).backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert jitgrad.amax(x).item() == 3.0 and x.amax(()).item() == 3.0


def test_argmax_argmin():
    x = jitgrad.tensor([[1, 5, 5], [7, 2, 7]])
    assert x.argmax().item() == 3 and x.argmin().item() == 0       # the first of the ties
    assert x.argmax(1).tolist() == [1, 0] and x.argmin(0).tolist() == [0, 1, 0]
    assert x.argmax(1, keepdim=True).shape == (2, 1)
    assert jitgrad.argmax(x, keepdim=True).shape == (1, 1)
    assert jitgrad.argmax(x, None, True).tolist() == [[3]]
    assert x.argmax().dtype is jitgrad.int64
    assert jitgrad.tensor(3.0).argmax().item() == 0
    assert jitgrad.tensor(3.0).argmax(0, keepdim=True).shape == ()
    f = jitgrad.tensor([2.0, 1.0], requires_grad=True)
    assert not f.argmax().requires_grad and f.argmax().grad_fn is None


def test_prod_gradient_with_zeros():
    x = jitgrad.tensor([2.0, 3.0, 4.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [12.0, 8.0, 6.0]
    x = jitgrad.tensor([2.0, 0.0, 4.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 8.0, 0.0]
    x = jitgrad.tensor([0.0, 0.0, 4.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x = jitgrad.tensor([[2.0, 0.0, 4.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]], requires_grad=True)
    p = x.prod(1)
    assert p.tolist() == [0.0, 0.0, 6.0]
    p.sum().backward()
    assert x.grad.tolist() == [[0.0, 8.0, 0.0], [0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]


def test_var_std_values():
    x = jitgrad.tensor([1.0, 2.0, 4.0], dtype=jitgrad.float64, requires_grad=True)
    assert x.var().item() == pytest.approx(7 / 3)
    assert x.var(unbiased=False).item() == pytest.approx(14 / 9)
    assert x.var(correction=0).item() == pytest.approx(14 / 9)
    assert x.std().item() == pytest.approx(math.sqrt(7 / 3))
    x.var().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-4 / 3, -1 / 3, 5 / 3])
    v, m = jitgrad.var_mean(x)
    assert v.item() == pytest.approx(7 / 3) and m.item() == pytest.approx(7 / 3)
    assert type(v.grad_fn).__name__ == type(m.grad_fn).__name__ == "VarMeanBackward0"
    x.grad = None
    m.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / 3] * 3)


def test_var_of_float32_is_accurate():
    a = (np.float32(1e4) + rng.standard_normal(10000).astype(np.float32))
    got = jitgrad.from_numpy(a).var().item()
    assert got == pytest.approx(float(a.astype(np.float64).var(ddof=1)), rel=1e-5)


def test_std_gradient_is_zero_where_std_is_zero():
    x = jitgrad.tensor([[2.0, 2.0], [1.0, 3.0]], requires_grad=True)
    x.std(1).sum().backward()
    assert x.grad.tolist()[0] == [0.0, 0.0]


def test_logsumexp_values_and_stability():
    x = jitgrad.tensor([0.0, 0.0], requires_grad=True)
    y = x.logsumexp(0)
    assert y.item() == pytest.approx(math.log(2))
    y.backward()
    assert x.grad.tolist() == [0.5, 0.5]
    big = jitgrad.tensor([1000.0, 1000.0])
    assert big.logsumexp(0).item() == pytest.approx(1000 + math.log(2))
    assert jitgrad.tensor([-1000.0, -1000.0]).logsumexp(0).item() == \
        pytest.approx(-1000 + math.log(2))
    assert jitgrad.zeros(0).logsumexp(0).item() == -math.inf


def test_cumsum_values():
    x = jitgrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    c = x.cumsum(1)
    assert c.tolist() == [[1.0, 3.0, 6.0], [4.0, 9.0, 15.0]]
    c.backward(jitgrad.tensor([[1.0, 10.0, 100.0], [1.0, 1.0, 1.0]]))
    assert x.grad.tolist() == [[111.0, 110.0, 100.0], [3.0, 2.0, 1.0]]
    assert jitgrad.cumsum(x, 0).tolist() == [[1.0, 2.0, 3.0], [5.0, 7.0, 9.0]]


def test_float32_cumsum_accumulates_in_float64():
    a = np.full(10**5, 0.1, dtype=np.float32)
    got = jitgrad.from_numpy(a).cumsum(0).numpy()[-1]
    assert got == np.float32(a.astype(np.float64).sum())


def test_cumsum_backward_may_run_twice():
    x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.cumsum(0).sum()
    y.backward()
    y.backward()                    # CumsumBackward0 saves only the dim, as torch's
    assert x.grad.tolist() == [4.0, 2.0]


# ------------------------------------------------------------------ dtypes


def test_dtypes_follow_torch():
    i32 = jitgrad.tensor([1, 5, 2], dtype=jitgrad.int32)
    i64 = jitgrad.tensor([1, 5, 2])
    b = jitgrad.tensor([True, False])
    f32 = jitgrad.tensor([1.0, 2.0])
    assert i32.max().dtype is jitgrad.int32 and i32.max().item() == 5
    assert i32.max(0).values.dtype is jitgrad.int32 and i32.max(0).indices.item() == 1
    assert i32.amin(0).dtype is jitgrad.int32
    assert b.max().dtype is jitgrad.bool and b.max().item() is True
    assert b.min(0).values.item() is False and b.min(0).indices.item() == 1
    assert b.amax(0).item() is True
    assert i64.argmax().item() == 1
    assert i32.prod().dtype is jitgrad.int64 and i32.prod(0).item() == 10
    assert b.prod().dtype is jitgrad.int64 and b.prod().item() == 0
    assert i64.prod(dtype=jitgrad.float32).dtype is jitgrad.float32
    assert f32.prod(0, dtype=jitgrad.float64).dtype is jitgrad.float64
    assert jitgrad.tensor([1.5, 2.5]).prod(dtype=jitgrad.int32).item() == 2
    assert i32.cumsum(0).dtype is jitgrad.int64 and i32.cumsum(0).tolist() == [1, 6, 8]
    assert b.cumsum(0).dtype is jitgrad.int64 and b.cumsum(0).tolist() == [1, 1]
    assert i64.cumsum(0, dtype=jitgrad.float32).dtype is jitgrad.float32
    assert jitgrad.tensor([1.5, 2.5]).cumsum(0, dtype=jitgrad.int32).tolist() == [1, 3]
    assert i64.logsumexp(0).dtype is jitgrad.float32
    assert b.logsumexp(0).item() == pytest.approx(math.log(1 + math.e))
    assert f32.var().dtype is jitgrad.float32
    assert jitgrad.tensor([1.0, 2.0], dtype=jitgrad.float64).std(0).dtype is jitgrad.float64


def test_dtype_argument_records_the_cast():
    x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
    p = x.prod(dtype=jitgrad.float64)
    assert type(p.grad_fn).__name__ == "ProdBackward0"
    assert type(p.grad_fn.next_functions[0][0]).__name__ == "ToCopyBackward0"
    p.backward()
    assert x.grad.dtype is jitgrad.float32 and x.grad.tolist() == [2.0, 1.0]
    c = x.cumsum(0, dtype=jitgrad.float64)
    assert type(c.grad_fn).__name__ == "CumsumBackward0" and c.dtype is jitgrad.float64


# ------------------------------------------------------------------ torch's corner cases

nan, inf = math.nan, math.inf

# (id, fn(lib, x), input values, [expected output, expected gradient of out.sum()])
CORNERS = [
    ("max-nan", lambda t, x: x.max(), [1.0, nan, 2.0, nan],
     [nan, [0.0, 0.5, 0.0, 0.5]]),
    ("max-dim-nan", lambda t, x: x.max(0).values, [1.0, nan, 2.0, nan],
     [nan, [0.0, 1.0, 0.0, 0.0]]),
    ("min-dim-nan", lambda t, x: x.min(0).values, [nan, 3.0, nan], [nan, [1.0, 0.0, 0.0]]),
    ("amax-nan", lambda t, x: x.amax(0), [[1.0, nan, 2.0], [1.0, 2.0, 3.0]],
     [[1.0, nan, 3.0], [[0.5, nan, 0.0], [0.5, nan, 1.0]]]),
    ("amax-inf-ties", lambda t, x: x.amax(0), [inf, inf, 2.0], [inf, [0.5, 0.5, 0.0]]),
    ("max-neg-inf", lambda t, x: x.max(), [-inf, -inf], [-inf, [0.5, 0.5]]),
    ("argmax-nan", lambda t, x: x.argmax(), [1.0, nan, 2.0, nan], [1, None]),
    ("argmin-nan", lambda t, x: x.argmin(), [1.0, nan, 2.0, nan], [1, None]),
    ("prod-inf", lambda t, x: x.prod(), [inf, 2.0], [inf, [nan, inf]]),
    ("prod-inf-zero", lambda t, x: x.prod(), [inf, 0.0, 2.0], [nan, [0.0, inf, nan]]),
    ("prod-0d", lambda t, x: x.prod(), inf, [inf, 1.0]),
    ("prod-empty", lambda t, x: x.prod(), [], [1.0, []]),
    ("var-one", lambda t, x: x.var(), [1.0], [nan, [nan]]),
    ("var-dof0-all", lambda t, x: x.var(correction=3), [1.0, 2.0, 3.0], [inf, [inf, nan, inf]]),
    ("var-dof-neg-all", lambda t, x: x.var(correction=4), [1.0, 2.0, 4.0],
     [inf, [inf, inf, inf]]),
    ("var-dof0-dim", lambda t, x: x.var(0, correction=3), [1.0, 2.0, 4.0],
     [inf, [-inf, -inf, inf]]),
    ("var-dof-neg-dim", lambda t, x: x.var(0, correction=4), [1.0, 2.0, 3.0],
     [inf, [2.0, -0.0, -2.0]]),
    ("var-empty-dims", lambda t, x: x.var((), correction=4), [1.0, 2.0, 3.0],
     [inf, [2 / 3, -0.0, -2 / 3]]),
    ("var-empty-dims-dof0", lambda t, x: x.var([]), [1.0, 2.0, 3.0], [1.0, [-inf, nan, inf]]),
    ("var-0d", lambda t, x: x.var(0), 2.0, [nan, nan]),
    ("var-0d-biased", lambda t, x: x.var(correction=0), 3.0, [0.0, 0.0]),
    ("var-nan-dof0", lambda t, x: x.var(correction=3), [1.0, 2.0, nan], [nan, [inf, inf, inf]]),
    ("std-dof0-all", lambda t, x: x.std(correction=3), [1.0, 2.0, 4.0], [inf, [nan, nan, nan]]),
    ("std-dof-neg-dim", lambda t, x: x.std(0, correction=4), [1.0, 2.0, 4.0],
     [inf, [0.0, 0.0, -0.0]]),
    ("std-dof0-dim", lambda t, x: x.std(0, correction=3), [1.0, 2.0, 4.0],
     [inf, [nan, nan, nan]]),
    ("std-constant", lambda t, x: x.std(), [2.0, 2.0], [0.0, [0.0, 0.0]]),
    ("std-empty-rows", lambda t, x: x.var(1), np.zeros((2, 0)), [[nan, nan], np.zeros((2, 0))]),
    ("logsumexp-neg-inf", lambda t, x: x.logsumexp(0), [-inf, -inf], [-inf, [nan, nan]]),
    ("logsumexp-inf", lambda t, x: x.logsumexp(0), [inf, 1.0], [inf, [nan, 0.0]]),
    ("logsumexp-inf-neg-inf", lambda t, x: x.logsumexp(0), [inf, -inf], [inf, [nan, 0.0]]),
    ("logsumexp-nan", lambda t, x: x.logsumexp(0), [nan, 1.0], [nan, [nan, nan]]),
    ("logsumexp-0d", lambda t, x: x.logsumexp(0), 2.0, [2.0, 1.0]),
    ("logsumexp-empty-keep", lambda t, x: x.logsumexp((), keepdim=True), [[1.0, 2.0]],
     [[[math.log(math.e + math.e ** 2)]], [[1 / (1 + math.e), 1 / (1 + 1 / math.e)]]]),
    ("logsumexp-empty", lambda t, x: x.logsumexp(0), np.zeros((0, 3)), [[-inf] * 3, np.zeros((0, 3))]),
    ("max-dim-empty-rows", lambda t, x: x.max(1).values, np.zeros((0, 3)), [[], np.zeros((0, 3))]),
    ("cumsum-empty", lambda t, x: x.cumsum(1), np.zeros((2, 0)), [np.zeros((2, 0)), np.zeros((2, 0))]),
]


def _corner(lib, fn, values):
    x = lib.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(lib, x)
        grad = None
        if out.requires_grad:
            out.sum().backward()
            grad = x.grad.numpy()
    return out.detach().numpy(), grad


@pytest.mark.parametrize("name,fn,values,expected", CORNERS, ids=[c[0] for c in CORNERS])
def test_corner_cases(name, fn, values, expected):
    out, grad = _corner(jitgrad, fn, values)
    np.testing.assert_allclose(out, np.asarray(expected[0], dtype=out.dtype), rtol=1e-15)
    if expected[1] is None:
        assert grad is None
    else:
        np.testing.assert_allclose(grad, np.asarray(expected[1], dtype=np.float64), rtol=1e-12)


@pytest.mark.parametrize("name,fn,values,expected", CORNERS, ids=[c[0] for c in CORNERS])
def test_corner_cases_are_torchs(name, fn, values, expected):
    torch = pytest.importorskip("torch")
    ours, theirs = _corner(jitgrad, fn, values), _corner(torch, fn, values)
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert (ours[1] is None) == (theirs[1] is None)
    if ours[1] is not None:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


def test_max_of_two_tensors_is_maximum():
    a = jitgrad.tensor([1.0, 5.0])
    b = jitgrad.tensor([3.0, 2.0])
    if not hasattr(jitgrad.functions, "maximum"):
        with pytest.raises(NotImplementedError, match="maximum"):
            jitgrad.max(a, b)
        with pytest.raises(NotImplementedError, match="minimum"):
            a.min(other=b)
    else:
        assert jitgrad.max(a, b).tolist() == [3.0, 5.0]
        assert a.max(other=b).tolist() == [3.0, 5.0]


def test_dof_warning():
    x = jitgrad.tensor([1.0])
    for name, run in [("var", lambda: x.var()), ("std", lambda: jitgrad.std(x, 0)),
                      ("var_mean", lambda: jitgrad.var_mean(x)),
                      ("std_mean", lambda: jitgrad.std_mean(x, correction=2))]:
        with pytest.warns(UserWarning) as record:
            run()
        assert str(record[0].message) == (
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel).")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jitgrad.tensor([1.0, 2.0]).var()
        jitgrad.zeros(3, 2).var(0)
    with pytest.warns(UserWarning):
        jitgrad.zeros(2, 0).var(0)          # torch's factor: numel / output numel = 0


def test_inplace_change_after_saving_is_detected():
    x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    p = y.prod()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        p.backward()


def test_backward_twice_through_saved_values_raises():
    x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.max(0).values
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


# ------------------------------------------------------------------ errors

def _empty_unspecified(name):
    return (f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.")


def _dim_range(low, high, got):
    return f"Dimension out of range (expected to be in range of [{low}, {high}], but got {got})"


def _var_combination(name, got):
    return (f"{name}() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n"
            " * (Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, "
            "*, Tensor out = None)\n"
            " * (Tensor input, tuple of ints dim = None, *, Number correction = None, "
            "bool keepdim = False, Tensor out = None)\n"
            " * (Tensor input, bool unbiased = True)\n")


def _max_combination(got):
    return ("max() received an invalid combination of arguments - got (" + got + "), but "
            "expected one of:\n"
            " * (Tensor input, *, Tensor out = None)\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n")


def _warns_as_error(fn):
    def run(t):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return fn(t)
    return run


ERRORS = [
    ("max-empty", lambda t: t.tensor([]).max(), RuntimeError, _empty_unspecified("max")),
    ("min-empty", lambda t: t.min(t.zeros(0, 3)), RuntimeError, _empty_unspecified("min")),
    ("amax-empty", lambda t: t.tensor([]).amax(), RuntimeError, _empty_unspecified("amax")),
    ("amin-empty-dims", lambda t: t.zeros(2, 0).amin(()), RuntimeError,
     _empty_unspecified("amin")),
    ("argmax-empty", lambda t: t.tensor([]).argmax(), IndexError,
     "argmax(): Expected reduction dim to be specified for input.numel() == 0."),
    ("argmin-empty", lambda t: t.zeros(0, 2).argmin(), IndexError,
     "argmin(): Expected reduction dim to be specified for input.numel() == 0."),
    ("max-dim-zero-size", lambda t: t.zeros(2, 0).max(-1), IndexError,
     "max(): Expected reduction dim 1 to have non-zero size."),
    ("min-dim-zero-size", lambda t: t.zeros(0, 2).min(0), IndexError,
     "min(): Expected reduction dim 0 to have non-zero size."),
    ("amax-dim-zero-size-as-given", lambda t: t.zeros(2, 0).amax(-1), IndexError,
     "amax(): Expected reduction dim -1 to have non-zero size."),
    ("amin-dims-zero-size", lambda t: t.zeros(2, 0, 3).amin((2, 1)), IndexError,
     "amin(): Expected reduction dim 1 to have non-zero size."),
    ("argmax-dim-zero-size", lambda t: t.zeros(2, 0).argmax(-1), IndexError,
     "argmax(): Expected reduction dim 1 to have non-zero size."),
    ("argmax-bool", lambda t: t.tensor([True, False]).argmax(), RuntimeError,
     "argmax(): does not support bool input"),
    ("argmin-bool-dim", lambda t: t.tensor([True, False]).argmin(0), RuntimeError,
     "argmin(): does not support bool input"),
    ("max-dim-out-of-range", lambda t: t.ones(2, 3).max(2), IndexError, _dim_range(-2, 1, 2)),
    ("max-0d-dim-out-of-range", lambda t: t.tensor(5.0).max(1), IndexError,
     _dim_range(-1, 0, 1)),
    ("amax-dim-out-of-range", lambda t: t.ones(2, 3).amax((0, -3)), IndexError,
     _dim_range(-2, 1, -3)),
    ("argmax-dim-out-of-range", lambda t: t.ones(2, 3).argmax(2), IndexError,
     _dim_range(-2, 1, 2)),
    ("prod-dim-out-of-range", lambda t: t.zeros(2, 3).prod(2), IndexError, _dim_range(-2, 1, 2)),
    ("var-dim-out-of-range", lambda t: t.tensor([1.0, 2.0]).var(2), IndexError,
     _dim_range(-1, 0, 2)),
    ("std-0d-dim-out-of-range", lambda t: t.tensor(5.0).std(1), IndexError,
     _dim_range(-1, 0, 1)),
    ("logsumexp-dim-out-of-range", lambda t: t.tensor([1.0, 2.0]).logsumexp(1), IndexError,
     _dim_range(-1, 0, 1)),
    ("cumsum-dim-out-of-range", lambda t: t.tensor([1.0, 2.0]).cumsum(2), IndexError,
     _dim_range(-1, 0, 2)),
    ("amax-repeated-dim", lambda t: t.ones(2, 3).amax((1, -1)), RuntimeError,
     "dim 1 appears multiple times in the list of dims"),
    ("var-repeated-dim", lambda t: t.ones(2, 3).var((0, 0)), RuntimeError,
     "dim 0 appears multiple times in the list of dims"),
    ("logsumexp-repeated-dim", lambda t: t.ones(2, 3).logsumexp((0, -2)), RuntimeError,
     "dim 0 appears multiple times in the list of dims"),
    ("var-int", lambda t: t.tensor([1, 2]).var(), RuntimeError,
     "std and var only support floating point and complex dtypes"),
    ("std-bool", lambda t: t.std(t.tensor([True, False]), 0), RuntimeError,
     "std and var only support floating point and complex dtypes"),
    ("var_mean-int", lambda t: t.var_mean(t.tensor([1, 2])), RuntimeError,
     "var_mean only support floating point and complex dtypes"),
    ("std_mean-int32", lambda t: t.std_mean(t.tensor([1, 2], dtype=t.int32), 0), RuntimeError,
     "std_mean only support floating point and complex dtypes"),
    ("var-unbiased-and-correction",
     lambda t: t.var(t.tensor([1.0, 2.0]), 0, unbiased=False, correction=1), TypeError,
     _var_combination("var", "Tensor, int, correction=int, unbiased=bool")),
    ("prod-int-dtype-with-grad",
     lambda t: t.ones(2, requires_grad=True).prod(dtype=t.int64), RuntimeError,
     "Autograd not support dtype: Long"),
    ("cumsum-int-dtype-with-grad",
     lambda t: t.ones(2, requires_grad=True).cumsum(0, dtype=t.int32), RuntimeError,
     "Autograd not support dtype: Int"),
    ("logsumexp-no-dim", lambda t: t.logsumexp(t.tensor([1.0, 2.0])), TypeError,
     'logsumexp() missing 1 required positional arguments: "dim"'),
    ("logsumexp-method-no-dim", lambda t: t.tensor([1.0, 2.0]).logsumexp(), TypeError,
     'logsumexp() missing 1 required positional arguments: "dim"'),
    ("logsumexp-empty-dims", lambda t: t.tensor([[1.0, 2.0]]).logsumexp(()), RuntimeError,
     "output with shape [] doesn't match the broadcast shape [1, 1]"),
    ("cumsum-no-dim", lambda t: t.tensor([1.0, 2.0]).cumsum(), TypeError,
     'cumsum() missing 1 required positional arguments: "dim"'),
    ("cumsum-dim-tuple", lambda t: t.tensor([[1.0, 2.0]]).cumsum(dim=(0,)), TypeError,
     "cumsum(): argument 'dim' must be int, not tuple"),
    ("cumsum-dim-none", lambda t: t.tensor([[1.0, 2.0]]).cumsum(dim=None), TypeError,
     "cumsum(): argument 'dim' must be int, not NoneType"),
    ("argmax-dim-tuple", lambda t: t.tensor([[1, 5], [7, 2]]).argmax(dim=(0,)), TypeError,
     "argmax(): argument 'dim' must be int, not tuple"),
    ("max-float-dim", lambda t: t.max(t.zeros(2, 3), 1.0), TypeError,
     _max_combination("Tensor, float")),
    ("max-keepdim-without-dim", lambda t: t.max(t.zeros(2, 3), keepdim=True), TypeError,
     _max_combination("Tensor, keepdim=bool")),
    ("var-dof-warning", _warns_as_error(lambda t: t.tensor([1.0, 2.0]).var(correction=2)),
     UserWarning, "var(): degrees of freedom is <= 0. Correction should be strictly less "
     "than the reduction factor (input numel divided by output numel)."),
    ("std_mean-dof-warning", _warns_as_error(lambda t: t.std_mean(t.zeros(2, 3), 0, correction=2)),
     UserWarning, "std_mean(): degrees of freedom is <= 0. Correction should be strictly less "
     "than the reduction factor (input numel divided by output numel)."),
]
ERROR_IDS = [e[0] for e in ERRORS]


def _raised(run, lib):
    try:
        run(lib)
    except Exception as e:          # noqa: BLE001  (any exception is the subject)
        return e
    raise AssertionError("no exception raised")


@pytest.mark.parametrize("name,run,exc,message", ERRORS, ids=ERROR_IDS)
def test_errors(name, run, exc, message):
    err = _raised(run, jitgrad)
    assert type(err) is exc, f"{type(err).__name__}: {err}"
    assert str(err) == message


@pytest.mark.parametrize("name,run,exc,message", ERRORS, ids=ERROR_IDS)
def test_errors_are_torchs(name, run, exc, message):
    torch = pytest.importorskip("torch")
    err = _raised(run, torch)
    assert type(err) is exc, f"{type(err).__name__}: {err}"
    text = str(err).split(" (Triggered internally at")[0].replace("torch.", "jitgrad.")
    assert text == message
