"""embedding_bag (sum/mean/max, offsets, 2-d input, per_sample_weights,
include_last_offset, padding_idx) and bilinear (jitgrad/ops/embedding_bag.py).

Finite differences in float64, torch's values/grads/node names, each node's
``apply_graph`` against its ``apply``, hand-derived values and the errors in
torch's words."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, gradcheck, table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def I(*values):
    return np.array(values, np.int64)


IDX = I(1, 2, 0, 4, 4, 3, 0)          # bags [1 2] [] [0 4 4] [3 0] with OFF
OFF = I(0, 2, 2, 5)
EB = "embedding_bag"


def bag(lib, w, idx, off, **kw):
    return lib.nn.functional.embedding_bag(idx, w, off, **kw)


CASES = [
    (EB, "sum", lambda lib, w, i, o: bag(lib, w, i, o, mode="sum"), [R(5, 3), IDX, OFF]),
    (EB, "mean-padding", lambda lib, w, i, o: bag(lib, w, i, o, padding_idx=0),
     [R(5, 3), IDX, OFF]),
    (EB, "max-padding-negative", lambda lib, w, i, o: bag(lib, w, i, o, mode="max", padding_idx=-5),
     [R(5, 3), IDX, OFF]),
    (EB, "2d-input-mean", lambda lib, w, i: lib.nn.functional.embedding_bag(i, w),
     [R(6, 4), I(5, 1, 2, 0, 1, 3).reshape(2, 3)]),
    (EB, "per-sample-weights-padding",
     lambda lib, w, p, i, o: bag(lib, w, i, o, mode="sum", per_sample_weights=p, padding_idx=4),
     [R(5, 3), R(7), IDX, OFF]),
    (EB, "include-last-offset-max",
     lambda lib, w, i, o: bag(lib, w, i, o, mode="max", include_last_offset=True),
     [R(5, 3), IDX, I(0, 3, 3, 7)]),
    (EB, "non-contiguous-weight-int32",
     lambda lib, w, i, o: bag(lib, w.t(), i.int(), o.int(), mode="mean"), [R(3, 5), IDX, OFF]),
    ("bilinear", "batched", lambda lib, a, b, w, c: lib.nn.functional.bilinear(a, b, w, c),
     [R(2, 3, 4), R(2, 3, 2), R(5, 4, 2), R(5)]),
    ("bilinear", "non-contiguous", lambda lib, a, b, w, c: lib.nn.functional.bilinear(
        a.t(), b, w.transpose(1, 2), c), [R(3, 4), R(4, 2), R(5, 2, 3), R(5)]),
    ("bilinear_no_bias", "2d", lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w),
     [R(4, 3), R(4, 2), R(2, 3, 2)]),
    ("bilinear_no_bias", "1d", lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w),
     [R(3), R(2), R(4, 3, 2)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("name", ["sum", "max-padding-negative", "per-sample-weights-padding",
                                  "2d-input-mean"])
def test_apply_graph_matches_apply(name):
    fn, inputs = next((c[2], c[3]) for c in CASES if c[0] == EB and c[1] == name)
    args = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    node = fn(jitgrad, *args).grad_fn
    out_shape = fn(jitgrad, *args).shape
    g = R(*out_shape)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    for f, t in zip(fast, graph):
        if f is None:
            assert t is None
        else:
            np.testing.assert_allclose(f, t.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_trilinear_apply_graph_matches_apply():
    a, b, w = R(4, 3), R(4, 2), R(5, 3, 2)
    out = jitgrad.nn.functional.bilinear(*[jitgrad.tensor(x, requires_grad=True)
                                           for x in (a, b, w)])
    view = out.grad_fn
    tri = view.next_functions[0][0]
    assert type(tri).__name__ == "TrilinearBackward0"
    g = R(4, 5)
    fast = tri.apply(g.copy())
    with jitgrad.enable_grad():
        graph = tri.apply_graph(jitgrad.tensor(g))
    for f, t in zip(fast, graph):
        np.testing.assert_allclose(f, t.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_double_backward_per_sample_weights():
    # torch has no double backward through embedding_bag: finite differences
    def first_grads(w, p):
        plain = not w.requires_grad      # the finite differences' inputs
        if plain:
            w, p = w.requires_grad_(), p.requires_grad_()
        with jitgrad.enable_grad():
            out = jitgrad.nn.functional.embedding_bag(jitgrad.tensor(IDX), w, jitgrad.tensor(OFF),
                                                      mode="sum", per_sample_weights=p,
                                                      padding_idx=3)
            gw, gp = jitgrad.autograd.grad(out.pow(2).sum(), [w, p], create_graph=True)
            y = gw.pow(2).sum() + gp.pow(3).sum()
        return y.detach() if plain else y

    gradcheck(first_grads, R(5, 3), R(7))


def test_hand_values():
    w = jitgrad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]], requires_grad=True)
    idx, off = jitgrad.tensor([0, 1, 2, 2]), jitgrad.tensor([0, 2, 2])
    F = jitgrad.nn.functional
    assert F.embedding_bag(idx, w, off, mode="sum").tolist() == [[4, 6], [0, 0], [10, -12]]
    assert F.embedding_bag(idx, w, off).tolist() == [[2, 3], [0, 0], [5, -6]]
    out = F.embedding_bag(idx, w, off, mode="max", padding_idx=2)
    assert out.tolist() == [[3, 4], [0, 0], [0, 0]]
    out.sum().backward()
    assert w.grad.tolist() == [[0, 0], [1, 1], [0, 0]]
    y = F.bilinear(jitgrad.tensor([[1.0, 2.0]]), jitgrad.tensor([[3.0]]),
                   jitgrad.tensor([[[1.0], [10.0]]]), jitgrad.tensor([0.5]))
    assert y.tolist() == [[63.5]]                  # 1*1*3 + 2*10*3 + 0.5
    assert F.embedding_bag(jitgrad.tensor([], dtype=jitgrad.int64), w,
                           jitgrad.tensor([0, 0])).tolist() == [[0, 0], [0, 0]]


def test_scale_grad_by_freq():
    # not a true gradient (no finite differences): each row's share / its count,
    # as F.embedding's. (torch 2.13's CPU embedding_bag scales some rows by
    # another row's count here, e.g. rows 1 and 2 by 1/3: not compared)
    idx, off = I(0, 2, 0, 1, 3, 0), I(0, 3)
    g = R(2, 3)
    w = jitgrad.tensor(R(5, 3), requires_grad=True)
    jitgrad.nn.functional.embedding_bag(jitgrad.tensor(idx), w, jitgrad.tensor(off), mode="sum",
                                        scale_grad_by_freq=True).backward(jitgrad.tensor(g))
    expected = np.zeros((5, 3))
    expected[0] = (2 * g[0] + g[1]) / 3
    expected[1], expected[2], expected[3] = g[1], g[0], g[1]
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-12)


def test_legacy_argument_order_warns_and_swaps():
    w, idx = jitgrad.ones(4, 2), jitgrad.tensor([[0, 3]])
    with pytest.warns(UserWarning, match="Argument order of nn.functional.embedding_bag was "
                                         "changed"):
        out = jitgrad.nn.functional.embedding_bag(w, idx, mode="sum")
    assert out.tolist() == [[2.0, 2.0]]


def test_sparse_weight_is_refused():
    w = jitgrad.randn(5, 3, requires_grad=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        jitgrad.nn.functional.embedding_bag(jitgrad.tensor(IDX), w, jitgrad.tensor(OFF),
                                            sparse=True)


def test_indices_changed_in_place_after_forward():
    w = jitgrad.randn(5, 3, requires_grad=True)
    idx = jitgrad.tensor(IDX)
    out = jitgrad.nn.functional.embedding_bag(idx, w, jitgrad.tensor(OFF), mode="sum")
    idx.add_(0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


Case = namedtuple("Case", "id run exc message")


def _eb(lib, idx=(1, 2, 0, 4), off=(0, 2), **kw):
    return lib.nn.functional.embedding_bag(lib.tensor(list(idx)), lib.ones(5, 3),
                                           None if off is None else lib.tensor(list(off)), **kw)


def _bl(lib, a=(2, 3), b=(2, 4), w=(5, 3, 4), bias=None):
    return lib.nn.functional.bilinear(lib.ones(*a), lib.ones(*b), lib.ones(*w),
                                      None if bias is None else lib.ones(*bias))


ERRORS = [
    Case("eb-first-offset", lambda lib: _eb(lib, off=(1, 2)), RuntimeError,
         "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
         "position 0. However, got 1\n[ jitgrad.LongTensor{} ]"),
    Case("eb-last-offset", lambda lib: _eb(lib, off=(0, 9)), RuntimeError,
         "offsets[-1] can not be greater than input's length 4 but got offsets[-1] of 9"),
    Case("eb-index-range", lambda lib: _eb(lib, idx=(1, 5)), RuntimeError,
         "Index 1 of input takes value 5 which is not in the valid range [0, 5)"),
    Case("eb-padding-range", lambda lib: _eb(lib, padding_idx=5), RuntimeError,
         "padding_idx must be within the number of embeddings, -5 through 4, but got 5"),
    Case("eb-mode", lambda lib: _eb(lib, mode="min"), ValueError,
         "mode has to be one of sum, mean or max"),
    Case("eb-max-freq", lambda lib: _eb(lib, mode="max", scale_grad_by_freq=True), ValueError,
         "max mode does not support scaling the gradient by the frequency"),
    Case("eb-offsets-none", lambda lib: _eb(lib, off=None), ValueError,
         "offsets has to be a 1D Tensor but got None"),
    Case("eb-psw-mode", lambda lib: _eb(lib, per_sample_weights=lib.ones(4)), NotImplementedError,
         "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported "
         "for mode='sum' (got mode='mean'). Please open a feature request on GitHub."),
    Case("eb-psw-shape", lambda lib: _eb(lib, per_sample_weights=lib.ones(3)), ValueError,
         "embedding_bag: If per_sample_weights (jitgrad.Size([3])) is not None, then it must "
         "have the same shape as the input (jitgrad.Size([4]))"),
    Case("eb-psw-dtype", lambda lib: _eb(lib, mode="sum",
                                         per_sample_weights=lib.ones(4, dtype=lib.float64)),
         RuntimeError, "Expected tensor for argument #1 'weight' to have the same type as tensor "
         "for argument #1 'per_sample_weights'; but type jitgrad.FloatTensor does not equal "
         "jitgrad.DoubleTensor (while checking arguments for embedding_bag)"),
    Case("eb-3d-input", lambda lib: lib.nn.functional.embedding_bag(
        lib.zeros(1, 2, 2, dtype=lib.int64), lib.ones(5, 3)), ValueError,
         "input has to be 1D or 2D Tensor, but got Tensor of dimension 3"),
    Case("eb-float-indices", lambda lib: lib.nn.functional.embedding_bag(
        lib.zeros(2), lib.ones(5, 3), lib.tensor([0])), RuntimeError,
         "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
         "Long, Int; but got jitgrad.FloatTensor instead (while checking arguments for "
         "embedding_bag)"),
    Case("bilinear-batch", lambda lib: _bl(lib, b=(3, 4)), RuntimeError,
         "bilinear(): input batch dimensions do not match at dim 0: got 2 and 3"),
    Case("bilinear-input2", lambda lib: _bl(lib, b=(2, 3)), RuntimeError,
         "bilinear(): input2 size does not match weight size: got 3 but expected 4"),
    Case("bilinear-bias", lambda lib: _bl(lib, bias=(4,)), RuntimeError,
         "bilinear(): bias size does not match weight size: got 4 but expected 5"),
    Case("bilinear-dims", lambda lib: _bl(lib, b=(4,)), RuntimeError,
         "bilinear(): input dimensions do not match: got 2 and 1"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
