"""jitgrad.nn.functional: activations, softmax/log_softmax, dropout, linear
and the losses. Each op: finite differences in float64, torch's values,
gradients, dtypes and node names (float32 and float64), hand-derived
values, non-contiguous inputs, every error with torch's message, and each
node's ``apply_graph`` (the create_graph path) against its ``apply``."""
import math
import warnings

import numpy as np
import pytest

import jitgrad
from helpers import table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def AZ(*shape):
    """Away from zero (activations with a kink there)."""
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape))


def Prob(*shape):
    return np.asarray(rng.uniform(0.05, 0.95, shape))


def Pos(*shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def labels(high, *shape):
    return np.asarray(rng.integers(0, high, shape), dtype=np.int64)


def F(lib):
    return lib.nn.functional


def seeded(lib, fn, *args):
    lib.manual_seed(7)
    return fn(*args)


def const(lib, values, like):
    return lib.tensor(np.asarray(values), dtype=like.dtype)


W5 = Pos(5)
W4 = Pos(4)
LOGITS = R(4, 5)
TARGET_IGNORED = np.array([1, -100, 4, 0])

# (table entry, id, fn(lib, *inputs), numpy inputs)
CASES = [
    # ---- activations
    ("leaky_relu", "default", lambda lib, x: F(lib).leaky_relu(x), [AZ(3, 4)]),
    ("leaky_relu", "slope", lambda lib, x: F(lib).leaky_relu(x, 0.2), [AZ(3, 4)]),
    ("leaky_relu", "negative-slope", lambda lib, x: F(lib).leaky_relu(x, -0.3), [AZ(5)]),
    ("leaky_relu", "non-contiguous", lambda lib, x: F(lib).leaky_relu(x.t(), 0.1), [AZ(4, 3)]),
    ("leaky_relu_", "inplace", lambda lib, x: F(lib).leaky_relu(x * 1, 0.1, inplace=True),
     [AZ(3, 4)]),
    ("elu", "default", lambda lib, x: F(lib).elu(x), [AZ(3, 4)]),
    ("elu", "alpha", lambda lib, x: F(lib).elu(x, alpha=0.5), [AZ(2, 3, 2)]),
    ("elu", "non-contiguous", lambda lib, x: F(lib).elu(x.t()), [AZ(4, 3)]),
    ("elu_", "inplace", lambda lib, x: F(lib).elu(x * 1, 1.5, True), [AZ(3, 4)]),
    ("gelu", "none", lambda lib, x: F(lib).gelu(x), [R(3, 4)]),
    ("gelu_tanh", "default", lambda lib, x: F(lib).gelu(x, approximate="tanh"), [R(3, 4)]),
    ("gelu", "wide", lambda lib, x: F(lib).gelu(x * 4), [R(20)]),
    ("silu", "silu", lambda lib, x: F(lib).silu(x), [R(3, 4)]),
    ("silu", "inplace", lambda lib, x: F(lib).silu(x * 1, inplace=True), [R(3, 4)]),
    ("silu", "0d", lambda lib, x: F(lib).silu(x), [R()]),
    # ---- softmax, log_softmax
    ("softmax", "dim1", lambda lib, x: F(lib).softmax(x, dim=1), [R(3, 4)]),
    ("softmax", "dim0-3d", lambda lib, x: F(lib).softmax(x, 0), [R(2, 3, 4)]),
    ("softmax", "dim1-3d", lambda lib, x: F(lib).softmax(x, 1), [R(2, 3, 4)]),
    ("softmax", "dim-1-3d", lambda lib, x: F(lib).softmax(x, -1), [R(2, 3, 4)]),
    ("softmax", "method", lambda lib, x: x.softmax(-1), [R(3, 4)]),
    ("softmax", "function", lambda lib, x: lib.softmax(x, 0), [R(5)]),
    ("softmax", "dtype", lambda lib, x: F(lib).softmax(x, 1, dtype=lib.float64), [R(3, 4)]),
    ("softmax", "0d", lambda lib, x: F(lib).softmax(x, 0), [R()]),
    ("softmax", "non-contiguous", lambda lib, x: F(lib).softmax(x.t(), 1), [R(4, 3)]),
    ("softmax", "large", lambda lib, x: F(lib).softmax(x * 300, 1), [R(3, 4)]),
    ("log_softmax", "dim1", lambda lib, x: F(lib).log_softmax(x, dim=1), [R(3, 4)]),
    ("log_softmax", "dim0-3d", lambda lib, x: F(lib).log_softmax(x, 0), [R(2, 3, 4)]),
    ("log_softmax", "dim1-3d", lambda lib, x: F(lib).log_softmax(x, 1), [R(2, 3, 4)]),
    ("log_softmax", "method", lambda lib, x: x.log_softmax(dim=-1), [R(3, 4)]),
    ("log_softmax", "function", lambda lib, x: lib.log_softmax(x, 0), [R(5)]),
    ("log_softmax", "dtype", lambda lib, x: x.log_softmax(1, dtype=lib.float64), [R(3, 4)]),
    ("log_softmax", "non-contiguous", lambda lib, x: F(lib).log_softmax(x.t(), 0), [R(4, 3)]),
    ("log_softmax", "large", lambda lib, x: F(lib).log_softmax(x * 300, 1), [R(3, 4)]),
    # ---- dropout: seeded, the mask is torch's (the same generator stream)
    ("dropout", "p0.5", lambda lib, x: seeded(lib, F(lib).dropout, x), [R(3, 4)]),
    ("dropout", "p0.2-non-contiguous", lambda lib, x: seeded(lib, F(lib).dropout, x.t(), 0.2),
     [R(30, 7)]),
    ("dropout", "p1", lambda lib, x: F(lib).dropout(x, 1.0), [R(3, 4)]),
    # ---- linear
    ("linear", "2d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b), [R(3, 4), R(5, 4), R(5)]),
    ("linear", "0d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b), [R(3, 4), R(5, 4), R()]),
    ("linear", "row-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(3, 4), R(5, 4), R(1, 5)]),
    ("linear", "column-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(3, 4), R(5, 4), R(3, 1)]),
    ("linear", "non-contiguous", lambda lib, x, w, b: F(lib).linear(x.t(), w.t(), b),
     [R(4, 3), R(4, 5), R(5)]),
    ("linear_no_bias", "2d", lambda lib, x, w: F(lib).linear(x, w), [R(3, 4), R(5, 4)]),
    ("linear_1d", "1d", lambda lib, x, w: F(lib).linear(x, w), [R(4), R(5, 4)]),
    ("linear_nd", "1d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b), [R(4), R(5, 4), R(5)]),
    ("linear_nd", "3d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(2, 3, 4), R(5, 4), R(5)]),
    ("linear_nd", "4d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(2, 2, 3, 4), R(5, 4), R(1, 5)]),
    ("linear_nd_no_bias", "3d", lambda lib, x, w: F(lib).linear(x, w), [R(2, 3, 4), R(5, 4)]),
    ("linear_nd_no_bias", "3d-non-contiguous",
     lambda lib, x, w: F(lib).linear(x.transpose(0, 1), w), [R(3, 2, 4), R(5, 4)]),
    ("linear_broadcast_bias", "3d-non-contiguous",
     lambda lib, x, w, b: F(lib).linear(x.transpose(0, 1), w, b), [R(3, 2, 4), R(5, 4), R(5)]),
    ("linear_broadcast_bias", "3d-0d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(2, 3, 4), R(5, 4), R()]),
    ("linear_broadcast_bias", "3d-2d-bias", lambda lib, x, w, b: F(lib).linear(x, w, b),
     [R(2, 3, 4), R(5, 4), R(3, 5)]),
    # ---- mse, smooth_l1
    ("mse_loss", "mean", lambda lib, x, y: F(lib).mse_loss(x, y), [R(3, 4), R(3, 4)]),
    ("mse_loss", "sum", lambda lib, x, y: F(lib).mse_loss(x, y, reduction="sum"),
     [R(3, 4), R(3, 4)]),
    ("mse_loss", "none", lambda lib, x, y: F(lib).mse_loss(x, y, reduction="none"),
     [R(3, 4), R(3, 4)]),
    ("mse_loss", "broadcast-target", lambda lib, x, y: F(lib).mse_loss(x, y, reduction="sum"),
     [R(3, 4), R(4)]),
    ("mse_loss", "non-contiguous", lambda lib, x, y: F(lib).mse_loss(x.t(), y, reduction="none"),
     [R(4, 3), R(3, 4)]),
    ("smooth_l1_loss", "mean", lambda lib, x, y: F(lib).smooth_l1_loss(x, y),
     [R(3, 4) * 2, R(3, 4)]),
    ("smooth_l1_loss", "sum-beta", lambda lib, x, y: F(lib).smooth_l1_loss(
        x, y, reduction="sum", beta=0.5), [R(3, 4) * 2, R(3, 4)]),
    ("smooth_l1_loss", "none", lambda lib, x, y: F(lib).smooth_l1_loss(x, y, reduction="none"),
     [R(3, 4) * 2, R(3, 4)]),
    # ---- binary_cross_entropy
    ("binary_cross_entropy", "mean", lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
     [Prob(3, 4), Prob(3, 4)]),
    ("binary_cross_entropy", "sum", lambda lib, x, y: F(lib).binary_cross_entropy(
        x, y, reduction="sum"), [Prob(3, 4), Prob(3, 4)]),
    ("binary_cross_entropy", "none", lambda lib, x, y: F(lib).binary_cross_entropy(
        x, y, reduction="none"), [Prob(3, 4), Prob(3, 4)]),
    ("binary_cross_entropy", "weight", lambda lib, x, y: F(lib).binary_cross_entropy(
        x, y, weight=const(lib, [1.0, 2.0, 0.5, 3.0], x)), [Prob(3, 4), Prob(3, 4)]),
    ("binary_cross_entropy", "weight-broadcast", lambda lib, x, y: F(lib).binary_cross_entropy(
        x, y, weight=const(lib, [[2.0], [0.5], [1.0]], x), reduction="none"),
     [Prob(3, 4), Prob(3, 4)]),
    # ---- nll_loss
    ("nll_loss", "mean", lambda lib, x, t: F(lib).nll_loss(x, t), [R(4, 5), labels(5, 4)]),
    ("nll_loss", "sum", lambda lib, x, t: F(lib).nll_loss(x, t, reduction="sum"),
     [R(4, 5), labels(5, 4)]),
    ("nll_loss", "none", lambda lib, x, t: F(lib).nll_loss(x, t, reduction="none"),
     [R(4, 5), labels(5, 4)]),
    ("nll_loss", "weight", lambda lib, x, t: F(lib).nll_loss(x, t, weight=const(lib, W5, x)),
     [R(4, 5), labels(5, 4)]),
    ("nll_loss", "ignore-weight", lambda lib, x, t: F(lib).nll_loss(
        x, t, weight=const(lib, W5, x)), [R(4, 5), TARGET_IGNORED]),
    ("nll_loss", "ignore-index", lambda lib, x, t: F(lib).nll_loss(x, t, ignore_index=1,
                                                                  reduction="none"),
     [R(4, 5), np.array([1, 2, 1, 0])]),
    ("nll_loss", "1d", lambda lib, x, t: F(lib).nll_loss(x, t), [R(5), np.array(3)]),
    ("nll_loss", "non-contiguous", lambda lib, x, t: F(lib).nll_loss(x.t(), t),
     [R(5, 4), labels(5, 4)]),
    ("nll_loss2d", "4d", lambda lib, x, t: F(lib).nll_loss(x, t), [R(2, 3, 2, 2),
                                                                  labels(3, 2, 2, 2)]),
    ("nll_loss2d", "4d-none", lambda lib, x, t: F(lib).nll_loss(x, t, reduction="none"),
     [R(2, 3, 2, 2), labels(3, 2, 2, 2)]),
    ("nll_loss2d", "3d-weight", lambda lib, x, t: F(lib).nll_loss(
        x, t, weight=const(lib, [1.0, 2.0, 3.0], x), reduction="sum"),
     [R(2, 3, 4), labels(3, 2, 4)]),
    ("nll_loss_nd_none", "3d-none", lambda lib, x, t: F(lib).nll_loss(x, t, reduction="none"),
     [R(2, 3, 4), labels(3, 2, 4)]),
    ("nll_loss_nd_none", "5d-none-ce", lambda lib, x, t: F(lib).cross_entropy(
        x, t, reduction="none"), [R(2, 3, 2, 1, 2), labels(3, 2, 2, 1, 2)]),
    # ---- cross_entropy, class indices (fused log_softmax + nll_loss)
    ("cross_entropy", "mean", lambda lib, x, t: F(lib).cross_entropy(x, t),
     [R(4, 5), labels(5, 4)]),
    ("cross_entropy", "sum", lambda lib, x, t: F(lib).cross_entropy(x, t, reduction="sum"),
     [R(4, 5), labels(5, 4)]),
    ("cross_entropy", "none", lambda lib, x, t: F(lib).cross_entropy(x, t, reduction="none"),
     [R(4, 5), labels(5, 4)]),
    ("cross_entropy", "weight-ignore", lambda lib, x, t: F(lib).cross_entropy(
        x, t, weight=const(lib, W5, x)), [R(4, 5), TARGET_IGNORED]),
    ("cross_entropy", "1d", lambda lib, x, t: F(lib).cross_entropy(x, t), [R(5), np.array(2)]),
    ("cross_entropy", "large-logits", lambda lib, x, t: F(lib).cross_entropy(x * 1000, t),
     [R(4, 5), labels(5, 4)]),
    ("cross_entropy", "non-contiguous", lambda lib, x, t: F(lib).cross_entropy(x.t(), t),
     [R(5, 4), labels(5, 4)]),
    ("cross_entropy_2d", "4d", lambda lib, x, t: F(lib).cross_entropy(x, t),
     [R(2, 3, 2, 2), labels(3, 2, 2, 2)]),
    ("cross_entropy_2d", "3d-weight", lambda lib, x, t: F(lib).cross_entropy(
        x, t, weight=const(lib, [1.0, 2.0, 3.0], x)), [R(2, 3, 4), labels(3, 2, 4)]),
    # ---- cross_entropy with label smoothing
    ("cross_entropy_label_smoothing", "mean", lambda lib, x, t: F(lib).cross_entropy(
        x, t, label_smoothing=0.1), [R(4, 5), labels(5, 4)]),
    ("cross_entropy_label_smoothing", "none", lambda lib, x, t: F(lib).cross_entropy(
        x, t, label_smoothing=0.3, reduction="none"), [R(4, 5), labels(5, 4)]),
    ("cross_entropy_label_smoothing", "weight-ignore", lambda lib, x, t: F(lib).cross_entropy(
        x, t, weight=const(lib, W5, x), label_smoothing=0.2), [R(4, 5), TARGET_IGNORED]),
    ("cross_entropy_label_smoothing", "sum-3d", lambda lib, x, t: F(lib).cross_entropy(
        x, t, label_smoothing=0.2, reduction="sum"), [R(2, 3, 4), labels(3, 2, 4)]),
    ("cross_entropy_label_smoothing", "one", lambda lib, x, t: F(lib).cross_entropy(
        x, t, label_smoothing=1.0), [R(4, 5), labels(5, 4)]),
    # ---- cross_entropy with class probabilities
    ("cross_entropy_probs", "mean", lambda lib, x, t: F(lib).cross_entropy(x, t),
     [R(4, 5), Prob(4, 5)]),
    ("cross_entropy_probs", "weight", lambda lib, x, t: F(lib).cross_entropy(
        x, t, weight=const(lib, W5, x)), [R(4, 5), Prob(4, 5)]),
    ("cross_entropy_probs", "smoothing-3d", lambda lib, x, t: F(lib).cross_entropy(
        x, t, label_smoothing=0.2), [R(2, 3, 4), Prob(2, 3, 4)]),
    ("cross_entropy_probs", "1d", lambda lib, x, t: F(lib).cross_entropy(x, t),
     [R(5), Prob(5)]),
    ("cross_entropy_probs", "weight-grad", lambda lib, x, t, w: F(lib).cross_entropy(
        x, t, weight=w, label_smoothing=0.1), [R(4, 5), Prob(4, 5), Pos(5)]),
    ("cross_entropy_probs_sum", "weight-grad-3d", lambda lib, x, t, w: F(lib).cross_entropy(
        x, t, weight=w, reduction="none"), [R(2, 5, 3), Prob(2, 5, 3), Pos(5)]),
    ("cross_entropy_probs_sum", "sum", lambda lib, x, t: F(lib).cross_entropy(
        x, t, reduction="sum"), [R(4, 5), Prob(4, 5)]),
    ("cross_entropy_probs_sum", "none", lambda lib, x, t: F(lib).cross_entropy(
        x, t, reduction="none"), [R(4, 5), Prob(4, 5)]),
    # ---- binary_cross_entropy_with_logits (its apply_graph is checked below)
    ("binary_cross_entropy_with_logits", "pos-weight-none", lambda lib, x, y: F(lib)
     .binary_cross_entropy_with_logits(x, y, pos_weight=const(lib, [2.0, 0.5, 1.0], x),
                                       weight=const(lib, [1.5, 1.0, 0.5], x),
                                       reduction="none"), [R(4, 3), Prob(4, 3)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


def _cast(inputs, dtype):
    return [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs):
    """The create_graph path computes the same gradients as the kernels."""
    ts = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = fn(jitgrad, *ts)
    node = out.grad_fn
    g = np.random.default_rng(1).standard_normal(out.shape)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    assert len(fast) == len(graph) == len(node.next_functions)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            assert b.shape == a.shape and b.dtype == jitgrad.tensor(a).dtype
            np.testing.assert_allclose(b.detach().numpy(), a, rtol=1e-10, atol=1e-12)


# mixed dtypes: promoted inside the op as torch does (no ToCopyBackward0), each
# gradient in its input's dtype
MIXED = [
    ("mse", lambda lib, x, y: F(lib).mse_loss(x, y), [R(3, 4).astype(np.float32), R(3, 4)]),
    ("smooth-l1-broadcast", lambda lib, x, y: F(lib).smooth_l1_loss(x, y, reduction="sum"),
     [R(3, 4), R(4).astype(np.float32)]),
    ("mse-long-target", lambda lib, x, y: F(lib).mse_loss(x, y, reduction="none"),
     [R(3).astype(np.float32), np.array([1, 2, 3])]),
    ("ce-probs-double-target", lambda lib, x, t: F(lib).cross_entropy(x, t),
     [R(3, 4).astype(np.float32), Prob(3, 4)]),
    ("ce-probs-double-weight", lambda lib, x, t: F(lib).cross_entropy(
        x, t, weight=lib.tensor(W4, dtype=lib.float64), reduction="none"),
     [R(3, 4).astype(np.float32), Prob(3, 4).astype(np.float32)]),
    ("softmax-dtype", lambda lib, x: F(lib).log_softmax(x, 0, dtype=lib.float64),
     [R(5).astype(np.float32)]),
    ("linear-nc-double-bias", lambda lib, x, w, b: F(lib).linear(x.transpose(0, 1), w, b),
     [R(2, 3, 4).astype(np.float32), R(5, 4).astype(np.float32), R(5)]),
]


@pytest.mark.parametrize("name,fn,inputs", MIXED, ids=[m[0] for m in MIXED])
def test_mixed_dtypes_match_torch(name, fn, inputs):
    torch = pytest.importorskip("torch")
    torch_check(fn, *inputs)
    grad_dtypes = []
    for lib in (jitgrad, torch):
        ts = [lib.tensor(a) for a in inputs]
        for t in ts:
            if t.is_floating_point():
                t.requires_grad_(True)
        fn(lib, *ts).sum().backward()
        grad_dtypes.append([str(t.grad.dtype).split(".")[-1] for t in ts if t.requires_grad])
    assert grad_dtypes[0] == grad_dtypes[1]


def test_mixed_dtypes_record_no_cast_nodes():
    # torch promotes inside mse_loss: the input's edge is its AccumulateGrad
    for lib in (jitgrad, pytest.importorskip("torch")):
        x = lib.randn(3, requires_grad=True)
        y = lib.randn(3, dtype=lib.float64, requires_grad=True)
        fn = lib.nn.functional.mse_loss(x, y).grad_fn
        assert [type(n).__name__ for n, _ in fn.next_functions] == ["AccumulateGrad"] * 2


@pytest.mark.parametrize("name,fn,inputs", MIXED, ids=[m[0] for m in MIXED])
def test_mixed_dtypes_apply_graph(name, fn, inputs):
    ts = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = fn(jitgrad, *ts)
    node = out.grad_fn
    g = np.random.default_rng(1).standard_normal(out.shape).astype(out.numpy(force=True).dtype)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            assert b.dtype == jitgrad.tensor(a).dtype
            np.testing.assert_allclose(b.detach().numpy(), a, rtol=1e-5, atol=1e-6)


GRADGRAD = ["gelu-none", "gelu_tanh-default", "silu-silu", "elu-default", "elu_-inplace",
            "softmax-dim1", "softmax-dim0-3d", "log_softmax-dim1-3d", "linear-2d-bias",
            "linear_nd-3d-bias", "mse_loss-mean", "smooth_l1_loss-mean",
            "binary_cross_entropy-weight", "cross_entropy-weight-ignore",
            "cross_entropy_label_smoothing-weight-ignore", "cross_entropy_2d-4d",
            "cross_entropy_probs-smoothing-3d", "cross_entropy_probs_sum-none",
            "cross_entropy_probs-weight-grad",
            "binary_cross_entropy_with_logits-pos-weight-none", "leaky_relu-slope"]


@pytest.mark.parametrize("case", GRADGRAD)
def test_gradgradcheck(case):
    entry, name, fn, inputs = CASES[IDS.index(case)]
    ts = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    diff = [t for t in ts if t.requires_grad]
    rest = {i: t for i, t in enumerate(ts) if not t.requires_grad}

    def f(*args):
        it = iter(args)
        full = [rest[i] if i in rest else next(it) for i in range(len(ts))]
        return fn(jitgrad, *full)
    assert jitgrad.autograd.gradgradcheck(f, tuple(diff))


def test_second_derivative_of_gelu_matches_torch():
    torch = pytest.importorskip("torch")
    v = np.linspace(-3, 3, 7)
    results = []
    for lib in (jitgrad, torch):
        x = lib.tensor(v, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.gelu(x).sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        results.append((g.detach().numpy(), h.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ hand-derived values


def t64(values, requires_grad=True):
    return jitgrad.tensor(values, dtype=jitgrad.float64, requires_grad=requires_grad)


def test_activations_by_hand():
    f = jitgrad.nn.functional
    x = t64([-2.0, 3.0])
    assert f.leaky_relu(x, 0.1).tolist() == pytest.approx([-0.2, 3.0])
    assert f.elu(x).tolist() == pytest.approx([math.exp(-2) - 1, 3.0])
    assert f.elu(x, alpha=2.0).tolist() == pytest.approx([2 * (math.exp(-2) - 1), 3.0])
    assert f.gelu(t64([0.0, 1.0])).tolist() == pytest.approx([0.0, 0.8413447460685429])
    assert f.silu(t64([0.0, 1.0])).tolist() == pytest.approx([0.0, 1 / (1 + math.exp(-1))])
    y = t64([-1.0])
    f.elu(y).backward()
    assert y.grad.tolist() == pytest.approx([math.exp(-1)])
    z = t64([0.0])
    f.silu(z).backward()
    assert z.grad.tolist() == [0.5]
    assert f.relu(t64([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert f.sigmoid(t64([0.0])).tolist() == [0.5] and f.tanh(t64([0.0])).tolist() == [0.0]


def test_softmax_by_hand():
    x = t64([0.0, math.log(2.0)])
    s = jitgrad.softmax(x, 0)
    assert s.tolist() == pytest.approx([1 / 3, 2 / 3])
    s.backward(t64([1.0, 0.0], False))
    # d s0 / dx = s0 (delta - s) = [2/9, -2/9]
    assert x.grad.tolist() == pytest.approx([2 / 9, -2 / 9])
    assert jitgrad.log_softmax(x, 0).tolist() == pytest.approx([math.log(1 / 3), math.log(2 / 3)])


def test_softmax_is_stable():
    x = jitgrad.tensor([[1000.0, 1000.0], [-1000.0, 0.0]])
    assert jitgrad.softmax(x, 1).tolist() == [[0.5, 0.5], [0.0, 1.0]]
    np.testing.assert_allclose(jitgrad.log_softmax(x, 1).numpy(),
                               [[-math.log(2), -math.log(2)], [-1000.0, 0.0]], rtol=1e-6)


def test_softmax_implicit_dim_warns_and_picks_torchs_dim():
    f = jitgrad.nn.functional
    for shape, dim in [((4,), 0), ((3, 4), 1), ((2, 3, 4), 0), ((2, 2, 3, 4), 1)]:
        x = jitgrad.randn(*shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            y = f.softmax(x)
        np.testing.assert_allclose(y.numpy(), f.softmax(x, dim).numpy())
        with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
            f.log_softmax(x)


def test_losses_by_hand():
    f = jitgrad.nn.functional
    x, y = t64([1.0, 2.0, 4.0]), t64([1.0, 0.0, 0.0], False)
    assert f.mse_loss(x, y).item() == pytest.approx(20 / 3)
    assert f.l1_loss(x, y).item() == pytest.approx(2.0)
    assert f.smooth_l1_loss(x, y).tolist() == pytest.approx((0 + 1.5 + 3.5) / 3)
    assert f.smooth_l1_loss(t64([0.5]), t64([0.0]), beta=1.0).item() == pytest.approx(0.125)
    f.mse_loss(x, y, reduction="sum").backward()
    assert x.grad.tolist() == [0.0, 4.0, 8.0]
    p = t64([0.5, 0.5])
    assert f.binary_cross_entropy(p, t64([1.0, 0.0], False)).item() == pytest.approx(math.log(2))
    logits = t64([[0.0, 0.0, 0.0, 0.0]])
    ce = f.cross_entropy(logits, jitgrad.tensor([2]))
    assert ce.item() == pytest.approx(math.log(4))
    ce.backward()
    np.testing.assert_allclose(logits.grad.numpy(), [[0.25, 0.25, -0.75, 0.25]])
    lp = t64([[-1.0, -2.0], [-3.0, -4.0]])
    w = t64([1.0, 3.0], False)
    # weighted mean: (1 * 1 + 3 * 4) / (1 + 3)
    assert f.nll_loss(lp, jitgrad.tensor([0, 1]), weight=w).item() == pytest.approx(13 / 4)


def test_bce_clamps_the_log():
    f = jitgrad.nn.functional
    x = jitgrad.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    y = jitgrad.tensor([0.0, 1.0, 1.0, 0.0])
    loss = f.binary_cross_entropy(x, y, reduction="none")
    assert loss.tolist() == [0.0, 0.0, 100.0, 100.0]
    loss.sum().backward()
    assert x.grad.tolist() == pytest.approx([0.0, 0.0, -1e12, 1e12])


def test_cross_entropy_all_ignored():
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, 4, requires_grad=True)
    t = jitgrad.tensor([-100, -100, -100])
    loss = f.cross_entropy(x, t)
    assert math.isnan(loss.item())
    loss.backward()
    assert x.grad.tolist() == [[0.0] * 4] * 3
    assert f.cross_entropy(x, t, reduction="sum").item() == 0.0
    assert math.isnan(f.nll_loss(x, t).item())


def test_empty_losses():
    f = jitgrad.nn.functional
    e = jitgrad.zeros(0, requires_grad=True)
    for fn in (f.mse_loss, f.l1_loss, f.smooth_l1_loss, f.binary_cross_entropy):
        assert math.isnan(fn(e, jitgrad.zeros(0)).item())
        assert fn(e, jitgrad.zeros(0), reduction="sum").item() == 0.0
    x = jitgrad.zeros(0, 5, requires_grad=True)
    assert math.isnan(f.cross_entropy(x, jitgrad.zeros(0, dtype=jitgrad.int64)).item())
    out = f.cross_entropy(x, jitgrad.zeros(0, 5))
    assert math.isnan(out.item()) and type(out.grad_fn).__name__ == "NegBackward0"


def test_legacy_reduction_flags_warn():
    f = jitgrad.nn.functional
    x, y = jitgrad.randn(3), jitgrad.randn(3)
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        s = f.mse_loss(x, y, size_average=False)
    assert s.item() == pytest.approx(f.mse_loss(x, y, reduction="sum").item())
    with pytest.warns(UserWarning, match="please use reduction='none' instead"):
        assert f.cross_entropy(jitgrad.randn(2, 3), jitgrad.tensor([0, 1]),
                               reduce=False).shape == (2,)
    with pytest.warns(UserWarning, match="elementwise_mean"):
        f.binary_cross_entropy(jitgrad.rand(3), jitgrad.rand(3), reduction="elementwise_mean")


def test_target_size_warning():
    with pytest.warns(UserWarning, match=r"Using a target size \(jitgrad.Size\(\[4\]\)\) that is "
                                         r"different to the input size"):
        jitgrad.nn.functional.mse_loss(jitgrad.randn(3, 4), jitgrad.randn(4))


def test_l1_loss_is_torchs_composition():
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, requires_grad=True)
    y = jitgrad.randn(3)
    assert type(f.l1_loss(x, y).grad_fn).__name__ == "MeanBackward0"
    assert type(f.l1_loss(x, y, reduction="sum").grad_fn).__name__ == "SumBackward0"
    assert type(f.l1_loss(x, y, reduction="none").grad_fn).__name__ == "AbsBackward0"
    assert type(f.smooth_l1_loss(x, y, beta=0.0).grad_fn).__name__ == "MeanBackward0"
    assert f.l1_loss(jitgrad.tensor([1, 5]), jitgrad.tensor([2, 2]), reduction="sum").item() == 4


def test_weighted_mse_and_l1():
    f = jitgrad.nn.functional
    x, y, w = t64([1.0, 3.0]), t64([0.0, 0.0], False), t64([1.0, 3.0], False)
    assert f.mse_loss(x, y, weight=w).item() == pytest.approx((1 + 27) / 4)
    assert f.l1_loss(x, y, weight=w, reduction="sum").item() == pytest.approx(10.0)
    assert type(f.mse_loss(x, y, weight=w).grad_fn).__name__ == "DivBackward0"


# ------------------------------------------------------------------ linear


def test_linear_edges_follow_torch():
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, 4, requires_grad=True)
    w = jitgrad.randn(5, 4, requires_grad=True)
    b = jitgrad.randn(5, requires_grad=True)
    fn = f.linear(x, w, b).grad_fn
    assert [n.variable for n, _ in fn.next_functions] == [b, x, w]     # addmm(bias, x, w.t())
    fn = f.linear(x, w).grad_fn
    assert [n.variable for n, _ in fn.next_functions] == [x, w]


def test_linear_values_by_hand():
    x = jitgrad.tensor([[1.0, 2.0]], requires_grad=True)
    w = jitgrad.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], requires_grad=True)
    b = jitgrad.tensor([0.5, -0.5, 0.0], requires_grad=True)
    y = jitgrad.nn.functional.linear(x, w, b)
    assert y.tolist() == [[1.5, 1.5, 3.0]]
    y.backward(jitgrad.tensor([[1.0, 2.0, 3.0]]))
    assert x.grad.tolist() == [[4.0, 5.0]]
    assert w.grad.tolist() == [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]
    assert b.grad.tolist() == [1.0, 2.0, 3.0]


def test_linear_integer_and_vector_weight():
    f = jitgrad.nn.functional
    y = f.linear(jitgrad.ones(2, 3, dtype=jitgrad.int64), jitgrad.ones(4, 3, dtype=jitgrad.int64),
                 jitgrad.ones(4, dtype=jitgrad.int64))
    assert y.dtype is jitgrad.int64 and y.tolist() == [[4] * 4] * 2
    for shapes in [((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4,))]:
        torch_check(lambda lib, x, w: lib.nn.functional.linear(x, w), R(*shapes[0]), R(*shapes[1]))
    torch_check(lambda lib, x, w, b: lib.nn.functional.linear(x.transpose(0, 1), w, b),
                R(2, 3, 4), R(4), R())


def test_linear_saved_weight_modified_in_place():
    x = jitgrad.randn(3, 4, requires_grad=True)
    w = jitgrad.randn(5, 4)
    y = jitgrad.nn.functional.linear(x, w)
    w.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ------------------------------------------------------------------ dropout


def test_dropout_mask_is_torchs():
    torch = pytest.importorskip("torch")
    x = R(50, 40).astype(np.float32)
    outs = []
    for lib in (jitgrad, torch):
        lib.manual_seed(123)
        t = lib.tensor(x)
        outs.append([lib.nn.functional.dropout(t, p).numpy() for p in (0.1, 0.5, 0.9)]
                    + [lib.nn.functional.dropout(t.t(), 0.5).numpy(), lib.rand(3).numpy()])
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


def test_dropout_masks_and_scales():
    f = jitgrad.nn.functional
    x = jitgrad.ones(1000, 100, requires_grad=True)
    jitgrad.manual_seed(0)
    y = f.dropout(x, 0.3)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert y.grad_fn.next_functions[1] == (None, 0)
    v = y.detach().numpy()
    scale = np.float32(1) / np.float32(0.7)
    assert set(np.unique(v).tolist()) == {0.0, float(scale)}
    assert abs((v == 0).mean() - 0.3) < 0.01
    y.backward(jitgrad.ones(1000, 100))
    np.testing.assert_array_equal(x.grad.numpy(), v)
    jitgrad.manual_seed(0)
    np.testing.assert_array_equal(f.dropout(x, 0.3).detach().numpy(), v)   # seeded


def test_dropout_identity_cases():
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, 4, requires_grad=True)
    assert f.dropout(x, 0.0) is x
    assert f.dropout(x, 0.5, training=False) is x
    e = jitgrad.zeros(0, 3, requires_grad=True)
    assert f.dropout(e) is e
    y = f.dropout(x, 1.0)
    assert y.tolist() == [[0.0] * 4] * 3
    i = jitgrad.tensor([1, 2, 3])
    assert f.dropout(i, 1.0).tolist() == [0, 0, 0] and f.dropout(i, 0.0) is i


def test_dropout_in_place():
    f = jitgrad.nn.functional
    x = jitgrad.ones(100, requires_grad=True)
    h = x * 2
    jitgrad.manual_seed(3)
    out = f.dropout(h, 0.5, inplace=True)
    assert out is h and type(h.grad_fn).__name__ == "MulBackward0"
    assert h._version == 1
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), h.detach().numpy())
    plain = jitgrad.ones(10)
    f.dropout(plain, 1.0, inplace=True)
    assert plain.tolist() == [0.0] * 10


# ------------------------------------------------------------------ in-place activations


def test_inplace_activations():
    f = jitgrad.nn.functional
    x = jitgrad.tensor([-1.0, 2.0], requires_grad=True)
    for fn, name in [(lambda t: f.leaky_relu(t, 0.1, True), "LeakyReluBackward1"),
                     (lambda t: f.elu(t, inplace=True), "EluBackward1"),
                     (lambda t: f.silu(t, inplace=True), "SiluBackward0"),
                     (lambda t: f.relu(t, inplace=True), "ReluBackward0")]:
        h = x * 1
        assert fn(h) is h and type(h.grad_fn).__name__ == name
    h = x * 1
    f.leaky_relu(h, 0.1, inplace=True)
    h.mul_(2)           # changes the result LeakyReluBackward1 saved
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h.sum().backward()
    with jitgrad.no_grad():
        y = jitgrad.tensor([-1.0, 2.0])
        f.elu(y, inplace=True)
        assert y.tolist() == pytest.approx([math.exp(-1) - 1, 2.0])


def test_inplace_negative_slope_refused_at_backward():
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, requires_grad=True)
    y = f.leaky_relu(x * 1, -0.1, inplace=True)
    with pytest.raises(RuntimeError, match="In-place leakyReLu backward calculation"):
        y.sum().backward()
    y = f.elu(x * 1, -0.5, inplace=True)
    with pytest.raises(RuntimeError, match="In-place elu backward calculation"):
        y.sum().backward()


# ------------------------------------------------------------------ one_hot


def test_one_hot():
    f = jitgrad.nn.functional
    y = f.one_hot(jitgrad.tensor([1, 0, 3]))
    assert y.dtype is jitgrad.int64
    assert y.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]
    assert f.one_hot(jitgrad.tensor([[0, 2]]), 4).shape == (1, 2, 4)
    assert f.one_hot(jitgrad.tensor(2), 3).tolist() == [0, 0, 1]
    assert f.one_hot(jitgrad.zeros(0, dtype=jitgrad.int64), 3).shape == (0, 3)


# ------------------------------------------------------------------ errors (torch 2.13's text)


def _t(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=dtype) if dtype is not None else lib.randn(*shape)


ERRORS = [
    # activations
    ("gelu-approximate", lambda lib: F(lib).gelu(lib.randn(3), approximate="bad"), RuntimeError),
    ("gelu-approximate-type", lambda lib: F(lib).gelu(lib.randn(3), approximate=None), TypeError),
    ("leaky-relu-long", lambda lib: F(lib).leaky_relu(lib.tensor([1, 2])), NotImplementedError),
    ("leaky-relu-bool", lambda lib: F(lib).leaky_relu(lib.tensor([True])), NotImplementedError),
    ("elu-int", lambda lib: F(lib).elu(lib.tensor([1], dtype=lib.int32)), NotImplementedError),
    ("gelu-long", lambda lib: F(lib).gelu(lib.tensor([1])), NotImplementedError),
    ("silu-long", lambda lib: F(lib).silu(lib.tensor([1])), NotImplementedError),
    ("leaky-relu-inplace-leaf", lambda lib: F(lib).leaky_relu(
        lib.randn(3, requires_grad=True), 0.1, True), RuntimeError),
    ("silu-inplace-leaf", lambda lib: F(lib).silu(lib.randn(3, requires_grad=True), True),
     RuntimeError),
    # softmax
    ("softmax-long", lambda lib: F(lib).softmax(lib.tensor([1, 2]), 0), NotImplementedError),
    ("softmax-long-dim0", lambda lib: F(lib).softmax(lib.ones(2, 3, dtype=lib.int64), 0),
     NotImplementedError),
    ("log-softmax-int", lambda lib: F(lib).log_softmax(lib.ones(2, 3, dtype=lib.int32), 1),
     NotImplementedError),
    ("log-softmax-long-dim0", lambda lib: F(lib).log_softmax(lib.ones(2, 3, dtype=lib.int64), 0),
     NotImplementedError),
    ("softmax-dtype-long", lambda lib: F(lib).softmax(lib.randn(2, 3), 1, dtype=lib.int64),
     NotImplementedError),
    ("softmax-dim", lambda lib: F(lib).softmax(lib.randn(2, 3), 2), IndexError),
    ("softmax-dim-0d", lambda lib: lib.softmax(lib.tensor(1.0), 1), IndexError),
    # dropout
    ("dropout-negative", lambda lib: F(lib).dropout(lib.randn(3), -0.1), ValueError),
    ("dropout-above-one", lambda lib: F(lib).dropout(lib.randn(3), 1.5, training=False),
     ValueError),
    ("dropout-long", lambda lib: F(lib).dropout(lib.tensor([1, 2]), 0.5), RuntimeError),
    ("dropout-bool", lambda lib: F(lib).dropout(lib.tensor([True]), 0.5), RuntimeError),
    ("dropout-inplace-leaf", lambda lib: F(lib).dropout(lib.randn(3, requires_grad=True), 0.5,
                                                        inplace=True), RuntimeError),
    # linear
    ("linear-0d", lambda lib: F(lib).linear(lib.tensor(1.0), lib.randn(5, 4)), RuntimeError),
    ("linear-0d-weight", lambda lib: F(lib).linear(lib.randn(4), lib.tensor(1.0)), RuntimeError),
    ("linear-3d-weight", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(2, 5, 4)),
     RuntimeError),
    ("linear-shapes", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 3)), RuntimeError),
    ("linear-shapes-3d", lambda lib: F(lib).linear(lib.randn(2, 3, 4), lib.randn(5, 3)),
     RuntimeError),
    ("linear-shapes-1d", lambda lib: F(lib).linear(lib.randn(4), lib.randn(5, 3)), RuntimeError),
    ("linear-shapes-bias", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 3),
                                                     lib.randn(4)), RuntimeError),
    ("linear-bias-size", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 4),
                                                   lib.randn(4)), RuntimeError),
    ("linear-bias-2d-size", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 4),
                                                      lib.randn(5, 5)), RuntimeError),
    ("linear-bias-3d", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 4),
                                                 lib.randn(3, 5, 1)), RuntimeError),
    ("linear-dtypes", lambda lib: F(lib).linear(lib.randn(3, 4).double(), lib.randn(5, 4)),
     RuntimeError),
    ("linear-dtypes-1d", lambda lib: F(lib).linear(lib.randn(4), lib.randn(5, 4).double()),
     RuntimeError),
    ("linear-bias-dtype", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 4),
                                                    lib.randn(5).double()), RuntimeError),
    ("linear-input-dtype-bias", lambda lib: F(lib).linear(lib.randn(3, 4).double(),
                                                          lib.randn(5, 4), lib.randn(5)),
     RuntimeError),
    ("linear-weight-dtype-bias", lambda lib: F(lib).linear(
        lib.randn(3, 4), lib.randn(5, 4).double(), lib.randn(5).double()), RuntimeError),
    ("linear-3d-bias-dtype", lambda lib: F(lib).linear(lib.randn(2, 3, 4), lib.randn(5, 3),
                                                       lib.randn(5).double()), RuntimeError),
    ("linear-nc-bias-size", lambda lib: F(lib).linear(lib.randn(2, 3, 4).transpose(0, 1),
                                                      lib.randn(5, 4), lib.randn(4)),
     RuntimeError),
    ("linear-bias-more-dims", lambda lib: F(lib).linear(lib.randn(2, 3, 4), lib.randn(5, 4),
                                                        lib.randn(2, 2, 1, 5)), RuntimeError),
    ("linear-bool", lambda lib: F(lib).linear(lib.ones(3, 4, dtype=lib.bool),
                                              lib.ones(5, 4, dtype=lib.bool)),
     NotImplementedError),
    ("linear-vector-weight-bias", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(4),
                                                            lib.tensor(1.0)), RuntimeError),
    ("linear-bias-type", lambda lib: F(lib).linear(lib.randn(3, 4), lib.randn(5, 4), 1.0),
     TypeError),
    ("linear-weight-type", lambda lib: F(lib).linear(lib.randn(3, 4), [[1.0, 2.0]]), TypeError),
    # mse, l1, smooth_l1
    ("mse-reduction", lambda lib: F(lib).mse_loss(lib.randn(3), lib.randn(3), reduction="bad"),
     ValueError),
    ("mse-reduction-none", lambda lib: F(lib).mse_loss(lib.randn(3), lib.randn(3),
                                                       reduction=None), ValueError),
    ("mse-shapes", lambda lib: F(lib).mse_loss(lib.randn(3, 4), lib.randn(2, 4)), RuntimeError),
    ("mse-long", lambda lib: F(lib).mse_loss(lib.ones(3, dtype=lib.int64),
                                             lib.ones(3, dtype=lib.int64)), NotImplementedError),
    ("mse-int-long", lambda lib: F(lib).mse_loss(lib.ones(3, dtype=lib.int32),
                                                 lib.ones(3, dtype=lib.int64)),
     NotImplementedError),
    ("mse-bool", lambda lib: F(lib).mse_loss(lib.ones(3, dtype=lib.bool),
                                             lib.ones(3, dtype=lib.bool)), NotImplementedError),
    ("mse-weight-size", lambda lib: F(lib).mse_loss(lib.randn(3), lib.randn(3),
                                                    weight=lib.ones(2)), ValueError),
    ("mse-weight-reduction", lambda lib: F(lib).mse_loss(lib.randn(3), lib.randn(3),
                                                         weight=lib.ones(3), reduction="bad"),
     ValueError),
    ("l1-int-mean", lambda lib: F(lib).l1_loss(lib.ones(3, dtype=lib.int32),
                                               lib.ones(3, dtype=lib.int32)), RuntimeError),
    ("l1-bool", lambda lib: F(lib).l1_loss(lib.randn(3), lib.ones(3, dtype=lib.bool)),
     RuntimeError),
    ("l1-reduction", lambda lib: F(lib).l1_loss(lib.randn(3), lib.randn(3), reduction="x"),
     ValueError),
    ("smooth-l1-beta", lambda lib: F(lib).smooth_l1_loss(lib.randn(3), lib.randn(3), beta=-1.0),
     RuntimeError),
    ("smooth-l1-long", lambda lib: F(lib).smooth_l1_loss(lib.ones(3, dtype=lib.int64),
                                                         lib.ones(3, dtype=lib.int64)),
     NotImplementedError),
    # binary_cross_entropy
    ("bce-size", lambda lib: F(lib).binary_cross_entropy(lib.rand(3, 4), lib.rand(4)),
     ValueError),
    ("bce-reduction", lambda lib: F(lib).binary_cross_entropy(lib.rand(3), lib.rand(3),
                                                              reduction="bad"), ValueError),
    ("bce-input-range", lambda lib: F(lib).binary_cross_entropy(lib.rand(3) + 1, lib.rand(3)),
     RuntimeError),
    ("bce-input-nan", lambda lib: F(lib).binary_cross_entropy(lib.tensor([float("nan")]),
                                                              lib.rand(1)), RuntimeError),
    ("bce-target-range", lambda lib: F(lib).binary_cross_entropy(lib.rand(3), lib.rand(3) - 1),
     RuntimeError),
    ("bce-target-dtype", lambda lib: F(lib).binary_cross_entropy(lib.rand(3),
                                                                 lib.rand(3).double()),
     RuntimeError),
    ("bce-input-dtype", lambda lib: F(lib).binary_cross_entropy(lib.rand(3).double(),
                                                                lib.rand(3)), RuntimeError),
    ("bce-target-long", lambda lib: F(lib).binary_cross_entropy(lib.rand(3),
                                                                lib.ones(3, dtype=lib.int64)),
     RuntimeError),
    ("bce-long", lambda lib: F(lib).binary_cross_entropy(lib.ones(3, dtype=lib.int64),
                                                         lib.ones(3, dtype=lib.int64)),
     NotImplementedError),
    ("bce-weight-broadcast", lambda lib: F(lib).binary_cross_entropy(
        lib.rand(3, 4), lib.rand(3, 4), weight=lib.rand(3)), RuntimeError),
    ("bce-weight-bigger", lambda lib: F(lib).binary_cross_entropy(
        lib.rand(3, 4), lib.rand(3, 4), weight=lib.rand(2, 3, 4)), RuntimeError),
    ("bce-weight-grad", lambda lib: F(lib).binary_cross_entropy(
        lib.rand(3, 4), lib.rand(3, 4), weight=lib.rand(4, requires_grad=True)), RuntimeError),
    # nll_loss / cross_entropy with class indices
    *[(f"{fname}-{case}", (lambda fname, make: lambda lib: getattr(F(lib), fname)(*make(lib)))(
        fname, make), exc) for fname in ("nll_loss", "cross_entropy") for case, make, exc in [
        ("out-of-bounds", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 5])), IndexError),
        ("negative-target", lambda lib: (lib.randn(3, 5), lib.tensor([1, -1, 2])), IndexError),
        ("out-of-bounds-1d", lambda lib: (lib.randn(5), lib.tensor(7)), IndexError),
        ("out-of-bounds-4d", lambda lib: (lib.randn(1, 3, 1, 2), lib.tensor([[[0, 3]]])),
         IndexError),
        ("batch", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0])), ValueError),
        ("batch-0d-target", lambda lib: (lib.randn(3, 5), lib.tensor(1)), ValueError),
        ("multi-target", lambda lib: (lib.randn(3, 5), lib.ones(3, 2, dtype=lib.int64)),
         RuntimeError),
        ("target-int32", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 2], dtype=lib.int32)),
         RuntimeError),
        ("target-float", lambda lib: (lib.randn(3, 5), lib.tensor([1.0, 0.0, 2.0])),
         RuntimeError),
        ("target-bool", lambda lib: (lib.randn(3, 5), lib.tensor([True, False, True])),
         RuntimeError),
        ("1d-target-size", lambda lib: (lib.randn(5), lib.tensor([1, 2])), ValueError),
        ("weight-shape", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 2]), lib.rand(4)),
         RuntimeError),
        ("weight-2d", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 2]), lib.rand(1, 5)),
         RuntimeError),
        ("weight-dtype", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 2]),
                                      lib.rand(5).double()), RuntimeError),
        ("weight-grad", lambda lib: (lib.randn(3, 5), lib.tensor([1, 0, 2]),
                                     lib.rand(5, requires_grad=True)), RuntimeError),
        ("4d-weight", lambda lib: (lib.randn(2, 5, 3, 4), lib.zeros(2, 3, 4, dtype=lib.int64),
                                   lib.rand(4)), RuntimeError),
        ("4d-target-dims", lambda lib: (lib.randn(2, 5, 3, 4), lib.zeros(2, 12, dtype=lib.int64)),
         RuntimeError),
        ("4d-size", lambda lib: (lib.randn(2, 5, 3, 4), lib.zeros(2, 2, 4, dtype=lib.int64)),
         RuntimeError),
        ("3d-target-size", lambda lib: (lib.randn(2, 5, 3), lib.zeros(2, 4, dtype=lib.int64)),
         RuntimeError),
        ("5d-target-size", lambda lib: (lib.randn(2, 5, 3, 2, 2),
                                        lib.zeros(2, 3, 2, 3, dtype=lib.int64)), RuntimeError),
        ("long-input", lambda lib: (lib.ones(3, 5, dtype=lib.int64), lib.tensor([1, 0, 2])),
         NotImplementedError),
        ("long-input-3d", lambda lib: (lib.ones(2, 5, 3, dtype=lib.int64),
                                       lib.zeros(2, 3, dtype=lib.int64)), NotImplementedError),
    ]],
    ("nll-0d", lambda lib: F(lib).nll_loss(lib.tensor(1.0), lib.tensor(0)), ValueError),
    ("nll-reduction", lambda lib: F(lib).nll_loss(lib.randn(3, 5), lib.tensor([1, 0, 2]),
                                                  reduction="bad"), ValueError),
    ("nll-ignore-index-type", lambda lib: F(lib).nll_loss(lib.randn(3, 5), lib.tensor([1, 0, 2]),
                                                          ignore_index=True), TypeError),
    ("ce-ignore-index-type", lambda lib: F(lib).cross_entropy(
        lib.randn(3, 5), lib.tensor([1, 0, 2]), ignore_index=1.5), TypeError),
    ("ce-label-smoothing", lambda lib: F(lib).cross_entropy(lib.randn(3, 5), lib.tensor([1, 0, 7]),
                                                            label_smoothing=2.0), RuntimeError),
    ("ce-label-smoothing-1.5", lambda lib: F(lib).cross_entropy(
        lib.randn(3, 5), lib.tensor([1, 0, 2]), label_smoothing=1.5), RuntimeError),
    ("ce-0d", lambda lib: F(lib).cross_entropy(lib.tensor(1.0), lib.tensor([0])), IndexError),
    # cross_entropy with class probabilities
    ("ce-probs-long-target", lambda lib: F(lib).cross_entropy(lib.randn(3, 5),
                                                              lib.ones(3, 5, dtype=lib.int64)),
     RuntimeError),
    ("ce-probs-bool-target", lambda lib: F(lib).cross_entropy(lib.randn(3, 5),
                                                              lib.ones(3, 5, dtype=lib.bool)),
     RuntimeError),
    ("ce-probs-ignore-index", lambda lib: F(lib).cross_entropy(lib.randn(3, 5), lib.rand(3, 5),
                                                               ignore_index=1), RuntimeError),
    ("ce-probs-weight", lambda lib: F(lib).cross_entropy(lib.randn(3, 5), lib.rand(3, 5),
                                                         weight=lib.rand(4)), RuntimeError),
    ("ce-probs-label-smoothing", lambda lib: F(lib).cross_entropy(
        lib.randn(3, 5), lib.rand(3, 5), label_smoothing=2.0), RuntimeError),
    ("ce-probs-long-input", lambda lib: F(lib).cross_entropy(lib.ones(3, 5, dtype=lib.int64),
                                                             lib.rand(3, 5)), NotImplementedError),
    ("ce-probs-0d", lambda lib: F(lib).cross_entropy(lib.tensor(1.0), lib.tensor(1.0)),
     IndexError),
    ("ce-probs-shape", lambda lib: F(lib).cross_entropy(lib.randn(3, 5), lib.rand(3, 4)),
     RuntimeError),
    # one_hot
    ("one-hot-dtype", lambda lib: F(lib).one_hot(lib.tensor([1, 2], dtype=lib.int32)),
     RuntimeError),
    ("one-hot-float", lambda lib: F(lib).one_hot(lib.tensor([1.0])), RuntimeError),
    ("one-hot-negative", lambda lib: F(lib).one_hot(lib.tensor([1, -1])), RuntimeError),
    ("one-hot-small", lambda lib: F(lib).one_hot(lib.tensor([1, 3]), 3), RuntimeError),
    ("one-hot-zero-classes", lambda lib: F(lib).one_hot(lib.tensor([0]), 0), RuntimeError),
    ("one-hot-empty", lambda lib: F(lib).one_hot(lib.zeros(0, dtype=lib.int64)), RuntimeError),
    ("one-hot-num-classes-type", lambda lib: F(lib).one_hot(lib.tensor([1]), 2.0), TypeError),
]


def _message(lib, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn(lib)
        except Exception as e:             # noqa: BLE001
            return type(e), str(e)
    raise AssertionError(f"{lib.__name__} raised nothing (got {out!r})")


@pytest.mark.parametrize("name,fn,exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_error(name, fn, exc):
    kind, text = _message(jitgrad, fn)
    assert kind is exc, text
    assert "Numba" not in text and "numba" not in text


@pytest.mark.parametrize("name,fn,exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_matches_torch(name, fn, exc):
    torch = pytest.importorskip("torch")
    kind, text = _message(jitgrad, fn)
    torch_kind, torch_text = _message(torch, fn)
    assert kind is torch_kind
    assert text == torch_text.replace("torch.", "jitgrad.")


def test_errors_raised_at_backward_match_torch():
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (jitgrad, torch):
        x = lib.randn(3, requires_grad=True)
        y = lib.nn.functional.leaky_relu(x * 1, -0.1, inplace=True)
        with pytest.raises(RuntimeError) as e1:
            y.sum().backward()
        y = lib.nn.functional.elu(x * 1, -0.5, inplace=True)
        with pytest.raises(RuntimeError) as e2:
            y.sum().backward()
        texts.append((str(e1.value), str(e2.value)))
    assert texts[0] == texts[1]


def test_warning_texts_match_torch():
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (jitgrad, torch):
        f = lib.nn.functional
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            f.softmax(lib.randn(3))
            f.log_softmax(lib.randn(3))
            f.mse_loss(lib.randn(3, 4), lib.randn(4))
            f.smooth_l1_loss(lib.randn(3), lib.randn(3), size_average=False)
            f.nll_loss(lib.randn(3, 4), lib.tensor([0, 1, 2]), reduce=False)
            f.binary_cross_entropy(lib.rand(3), lib.rand(3), reduction="elementwise_mean")
        texts.append([(x.category, str(x.message).replace("torch.", "jitgrad.")) for x in w])
    assert texts[0] == texts[1]


def _ce_target(lib, x):
    t = lib.zeros(2, 4, dtype=lib.int64)
    return lib.nn.functional.cross_entropy(x, t), t


def _linear_weight(lib, x, w, requires_grad, view=False):
    w.requires_grad_(requires_grad)
    return lib.nn.functional.linear(x[1] if view else x, w), w


# fn(lib, x) -> (output, the tensor then changed in place); x is a (2, 3, 4) non-leaf
INPLACE_AFTER = [
    ("linear-2d", lambda lib, x: (lambda h: (lib.nn.functional.linear(
        h, lib.randn(5, 4, requires_grad=True)), h))(x[0] * 1)),
    ("linear-3d", lambda lib, x: (lib.nn.functional.linear(x, lib.randn(5, 4, requires_grad=True),
                                                           lib.randn(5)), x)),
    ("linear-1d", lambda lib, x: (lambda h: (lib.nn.functional.linear(
        h, lib.randn(5, 4, requires_grad=True)), h))(x[0, 0] * 1)),
    ("linear-weight", lambda lib, x: _linear_weight(lib, x, lib.randn(5, 4), False)),
    ("linear-weight-2d", lambda lib, x: _linear_weight(lib, x, lib.randn(5, 4), False, True)),
    ("softmax", lambda lib, x: (lambda y: (y, y))(lib.nn.functional.softmax(x, 1))),
    ("log-softmax", lambda lib, x: (lambda y: (y, y))(lib.nn.functional.log_softmax(x, 2))),
    ("gelu", lambda lib, x: (lib.nn.functional.gelu(x), x)),
    ("mse", lambda lib, x: (lib.nn.functional.mse_loss(x, x.detach() * 2), x)),
    ("cross-entropy-target", _ce_target),
    ("bce", lambda lib, x: (lambda p: (lib.nn.functional.binary_cross_entropy(
        p, x.detach() * 0), p))(x.sigmoid())),
    ("nll-4d-target", lambda lib, x: (lambda t: (lib.nn.functional.nll_loss(
        x.reshape(2, 3, 2, 2), t), t))(lib.zeros(2, 2, 2, dtype=lib.int64))),
]


@pytest.mark.parametrize("name,fn", INPLACE_AFTER, ids=[c[0] for c in INPLACE_AFTER])
def test_modified_saved_tensor_matches_torch(name, fn):
    """Changing a saved tensor in place before backward: torch's refusal."""
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (jitgrad, torch):
        x = lib.randn(2, 3, 4, requires_grad=True) * 1
        out, changed = fn(lib, x)
        with lib.no_grad():
            changed.mul_(2)
        with pytest.raises(RuntimeError) as err:
            out.sum().backward()
        texts.append(str(err.value).split(" Hint:")[0].replace("torch.", "jitgrad."))
    assert texts[0] == texts[1]


def test_changes_torch_does_not_see():
    """torch keeps log_softmax's result for cross_entropy and a reshaped copy
    of a non-contiguous input for linear: changing the input is fine."""
    f = jitgrad.nn.functional
    x = jitgrad.randn(3, 5, requires_grad=True)
    h = x * 1
    loss = f.cross_entropy(h, jitgrad.tensor([0, 1, 2]))
    expected = jitgrad.autograd.grad(f.cross_entropy(x * 1, jitgrad.tensor([0, 1, 2])), x)[0]
    h.mul_(3)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), expected.numpy(), rtol=1e-6)
    w = jitgrad.randn(5, 4, requires_grad=True)
    h = jitgrad.randn(3, 2, 4, requires_grad=True) * 1
    y = f.linear(h.transpose(0, 1), w)
    h.mul_(2)
    y.sum().backward()
    assert w.grad is not None
