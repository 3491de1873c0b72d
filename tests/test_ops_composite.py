"""The ops that are not elementwise (reductions, matmul, views, the loss):
finite differences in float64, torch's values and node names, hand-derived
values. tests/test_op_coverage.py checks that every Composite entry of the
op table appears in the CASES of some test_ops_*.py module."""
import numpy as np
import pytest

import jitgrad
from helpers import table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def P(*shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def bce(lib, x, y, **kw):
    return lib.nn.functional.binary_cross_entropy_with_logits(x, y, **kw)


WEIGHT, POS_WEIGHT = P(3), P(3)

# (table entry, id, fn(lib, *inputs), inputs)
CASES = [
    ("sum", "all", lambda lib, x: x.sum(), [R(3, 4)]),
    ("sum", "0d", lambda lib, x: x.sum(), [R()]),
    ("sum_dim", "dim0", lambda lib, x: x.sum(0), [R(3, 4)]),
    ("sum_dim", "dim-1-keep", lambda lib, x: x.sum(-1, keepdim=True), [R(2, 3, 4)]),
    ("sum_dim", "dims02", lambda lib, x: x.sum((0, 2)), [R(2, 3, 4)]),
    ("sum_dim", "dims02-keep", lambda lib, x: lib.sum(x, (0, 2), keepdim=True), [R(2, 3, 4)]),
    ("sum_dim", "non-contiguous", lambda lib, x: x.t().sum(1), [R(3, 4)]),
    ("mean", "all", lambda lib, x: x.mean(), [R(3, 4)]),
    ("mean_dim", "dim1", lambda lib, x: x.mean(1), [R(3, 4)]),
    ("mean_dim", "dims01-keep", lambda lib, x: lib.mean(x, (0, 1), keepdim=True), [R(2, 3, 4)]),
    ("norm", "all", lambda lib, x: x.norm(), [R(3, 4)]),
    ("norm", "p1", lambda lib, x: x.norm(p=1), [R(5)]),
    ("norm", "p3-dim", lambda lib, x: x.norm(p=3, dim=1), [R(3, 4)]),
    ("norm", "dim0-keep", lambda lib, x: lib.norm(x, dim=0, keepdim=True), [R(3, 4)]),
    ("norm", "dims02", lambda lib, x: x.norm(dim=(0, 2)), [R(2, 3, 4)]),
    ("norm", "inf", lambda lib, x: x.norm(p=float("inf"), dim=1), [R(3, 4)]),
    ("dot", "1d1d", lambda lib, a, b: lib.matmul(a, b), [R(5), R(5)]),
    ("mv", "2d1d", lambda lib, a, b: a @ b, [R(3, 5), R(5)]),
    ("vm", "1d2d", lambda lib, a, b: lib.matmul(a, b), [R(5), R(5, 3)]),
    ("mm", "2d2d", lambda lib, a, b: lib.mm(a, b), [R(3, 5), R(5, 2)]),
    ("mm", "transposed", lambda lib, a, b: a.t() @ b, [R(5, 3), R(5, 2)]),
    ("matmul", "3d3d", lambda lib, a, b: a @ b, [R(2, 3, 4), R(2, 4, 5)]),
    ("matmul", "3d2d", lambda lib, a, b: a @ b, [R(2, 3, 4), R(4, 5)]),
    ("matmul_2d_batched", "2d3d", lambda lib, a, b: a @ b, [R(3, 4), R(2, 4, 5)]),
    ("matmul", "3d1d", lambda lib, a, b: a @ b, [R(2, 3, 4), R(4)]),
    ("matmul", "1d3d", lambda lib, a, b: a @ b, [R(4), R(2, 4, 5)]),
    ("matmul", "broadcast-batch", lambda lib, a, b: a @ b, [R(3, 1, 2, 4), R(2, 4, 5)]),
    ("view", "view", lambda lib, x: x.view(4, 3), [R(3, 4)]),
    ("view", "reshape-infer", lambda lib, x: x.reshape(-1, 2), [R(3, 4)]),
    ("view", "reshape-tuple", lambda lib, x: lib.reshape(x, (2, 6)), [R(3, 4)]),
    ("reshape_copy", "reshape-non-contiguous", lambda lib, x: x.t().reshape(12), [R(3, 4)]),
    ("clone", "clone", lambda lib, x: x.clone(), [R(3, 4)]),
    ("to", "float32-to-float64", lambda lib, x: x.double(), [R(3).astype(np.float32)]),
    ("transpose", "transpose", lambda lib, x: x.transpose(0, 2), [R(2, 3, 4)]),
    ("t", "t", lambda lib, x: x.t(), [R(3, 4)]),
    ("permute", "T", lambda lib, x: x.T, [R(2, 3, 4)]),
    ("permute", "permute", lambda lib, x: x.permute(1, 2, 0), [R(2, 3, 4)]),
    ("binary_cross_entropy_with_logits", "mean",
     lambda lib, x, y: bce(lib, x, y), [R(4, 3), rng.uniform(0, 1, (4, 3))]),
    ("binary_cross_entropy_with_logits", "sum",
     lambda lib, x, y: bce(lib, x, y, reduction="sum"), [R(4, 3), rng.uniform(0, 1, (4, 3))]),
    ("binary_cross_entropy_with_logits", "none",
     lambda lib, x, y: bce(lib, x, y, reduction="none"), [R(4, 3), rng.uniform(0, 1, (4, 3))]),
    ("binary_cross_entropy_with_logits", "weights",
     lambda lib, x, y: bce(lib, x, y, weight=lib.tensor(WEIGHT, dtype=x.dtype),
                           pos_weight=lib.tensor(POS_WEIGHT, dtype=x.dtype)),
     [R(4, 3), rng.uniform(0, 1, (4, 3))]),
    ("binary_cross_entropy_with_logits", "scalar-weight",
     lambda lib, x, y: bce(lib, x, y, weight=lib.tensor([2.0], dtype=x.dtype)),
     [R(5), rng.uniform(0, 1, 5)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def test_sum_mean_hand_derived():
    x = jitgrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    s = x.sum(0)
    assert s.tolist() == [4.0, 6.0]
    s.backward(jitgrad.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [[1.0, 10.0], [1.0, 10.0]]
    x.grad = None
    x.mean().backward()
    assert x.grad.tolist() == [[0.25, 0.25], [0.25, 0.25]]


def test_sum_of_ints_is_int64():
    assert jitgrad.tensor([1, 2, 3], dtype=jitgrad.int32).sum().dtype is jitgrad.int64
    assert jitgrad.tensor([True, True, False]).sum().item() == 2


def test_float32_sum_is_accurate():
    x = np.full(10**6, 0.1, dtype=np.float32)
    assert jitgrad.from_numpy(x).sum().item() == pytest.approx(float(x.astype(np.float64).sum()),
                                                               rel=1e-6)


def test_norm_hand_derived():
    x = jitgrad.tensor([3.0, 4.0], requires_grad=True)
    n = x.norm()
    assert n.item() == 5.0
    n.backward()
    assert x.grad.tolist() == pytest.approx([0.6, 0.8])
    z = jitgrad.zeros(3, requires_grad=True)
    z.norm().backward()
    assert z.grad.tolist() == [0.0, 0.0, 0.0]      # torch defines the gradient at 0 as 0


def test_matmul_hand_derived():
    a = jitgrad.tensor([[1.0, 2.0]], requires_grad=True)
    b = jitgrad.tensor([[3.0], [4.0]], requires_grad=True)
    (a @ b).backward(jitgrad.tensor([[1.0]]))
    assert a.grad.tolist() == [[3.0, 4.0]] and b.grad.tolist() == [[1.0], [2.0]]


def test_views_share_memory():
    x = jitgrad.arange(6.0)
    v = x.view(2, 3)
    x.numpy()[1] = 42.0
    assert v.tolist()[0][1] == 42.0
    assert x.reshape(3, 2).tolist()[0][1] == 42.0


def test_bce_with_logits_is_stable_for_large_logits():
    x = jitgrad.tensor([100.0, -100.0, 100.0, -100.0], requires_grad=True)
    y = jitgrad.tensor([0.0, 1.0, 1.0, 0.0])
    loss = jitgrad.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    assert loss.tolist() == pytest.approx([100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    assert x.grad.tolist() == pytest.approx([1.0, -1.0, 0.0, 0.0])


def test_bce_with_logits_legacy_reduction_flags():
    x = jitgrad.tensor([0.5, -0.5])
    y = jitgrad.tensor([1.0, 0.0])
    f = jitgrad.nn.functional.binary_cross_entropy_with_logits
    assert f(x, y, reduce=False).shape == (2,)
    assert f(x, y, size_average=False).item() == pytest.approx(f(x, y, reduction="sum").item())
