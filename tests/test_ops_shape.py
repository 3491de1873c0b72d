"""Shape ops: flatten/unflatten, squeeze/unsqueeze, expand/repeat,
contiguous, cat/stack, split/chunk/unbind/narrow, gather/index_select,
masked_fill, and the recorded backward ops of indexing (create_graph).

Finite differences in float64, torch's values/grads/dtypes/node names,
``apply_graph`` against ``apply`` for every node, gradgradcheck, hand-derived
values, views sharing memory and version counters, and every error with
torch's message (checked against torch when it is installed)."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from jitgrad.ops import indexing as _indexing
from jitgrad.ops import shape_ops as _shape
from helpers import error_tests, gradcheck, table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def index_tensor(lib, values):
    return lib.tensor(np.asarray(values, dtype=np.int64))


GATHER_IDX = [[[0, 2, 2], [1, 0, 0]], [[2, 2, 1], [0, 1, 2]]]        # (2, 2, 3) into dim 2 of (2, 2, 4)


def is_jitgrad(lib):
    return lib is jitgrad


# the recorded backward ops (internal in jitgrad, aten ops in torch)

def scatter_add_zeros(lib, src):
    index = index_tensor(lib, GATHER_IDX)
    if is_jitgrad(lib):
        return _shape.scatter_add_zeros(src, 2, index, (2, 2, 4))
    return lib.zeros(2, 2, 4, dtype=src.dtype).scatter_add(2, index, src)


def index_add_zeros(lib, src):
    index = index_tensor(lib, [3, 0, 3])
    if is_jitgrad(lib):
        return _shape.index_add_zeros(src, 1, index, (2, 4, 2))
    return lib.zeros(2, 4, 2, dtype=src.dtype).index_add(1, index, src)


def select_backward(lib, g):
    if is_jitgrad(lib):
        return _indexing.index_embed(g, (slice(None), 2, Ellipsis), (3, 4, 2), False)
    return lib.ops.aten.select_backward(g, [3, 4, 2], 1, 2)


def slice_backward(lib, g):
    if is_jitgrad(lib):
        return _indexing.index_embed(g, (slice(1, 3), Ellipsis), (4, 3), False)
    return lib.ops.aten.slice_backward(g, [4, 3], 0, 1, 3, 1)


def index_put_accumulate(lib, g):
    if is_jitgrad(lib):
        return _indexing.index_embed(g, (np.array([0, 0, 2]),), (3, 4), True)
    return lib.ops.aten._index_put_impl_(lib.zeros(3, 4, dtype=g.dtype),
                                         (index_tensor(lib, [0, 0, 2]),), g, True)


# (table entry, id, fn(lib, *inputs), inputs)
CASES = [
    ("view", "flatten", lambda lib, x: x.flatten(), [R(2, 3, 4)]),
    ("view", "flatten-1-2", lambda lib, x: lib.flatten(x, 1, 2), [R(2, 3, 4)]),
    ("view", "flatten-0d", lambda lib, x: x.sum().flatten(), [R(3)]),
    ("reshape_copy", "flatten-non-contiguous", lambda lib, x: x.transpose(0, 2).flatten(),
     [R(2, 3, 4)]),
    ("view", "unflatten", lambda lib, x: x.unflatten(1, (3, 1)), [R(2, 3, 4)]),
    ("view", "unflatten-infer", lambda lib, x: lib.unflatten(x, -1, (2, -1)), [R(2, 3, 4)]),
    ("view", "unflatten-non-contiguous", lambda lib, x: x.t().unflatten(0, (2, 2)), [R(3, 4)]),
    ("clone", "contiguous", lambda lib, x: x.t().contiguous(), [R(3, 4)]),
    ("squeeze", "all", lambda lib, x: x.squeeze(), [R(2, 1, 3, 1)]),
    ("squeeze", "function", lambda lib, x: lib.squeeze(x), [R(1, 3)]),
    ("squeeze_dim", "dim", lambda lib, x: x.squeeze(1), [R(2, 1, 3)]),
    ("squeeze_dim", "dim-not-1", lambda lib, x: x.squeeze(0), [R(2, 1, 3)]),
    ("squeeze_dim", "0d", lambda lib, x: x.sum().squeeze(-1), [R(3)]),
    ("squeeze_dims", "dims", lambda lib, x: x.squeeze((1, -1)), [R(2, 1, 3, 1)]),
    ("squeeze_dims", "list", lambda lib, x: lib.squeeze(x, [0, 2]), [R(1, 3, 1)]),
    ("unsqueeze", "dim0", lambda lib, x: x.unsqueeze(0), [R(2, 3)]),
    ("unsqueeze", "dim-1", lambda lib, x: lib.unsqueeze(x, -1), [R(2, 3)]),
    ("unsqueeze", "non-contiguous", lambda lib, x: x.t().unsqueeze(1), [R(2, 3)]),
    ("expand", "new-dims", lambda lib, x: x.expand(3, 2, 5, 4), [R(2, 1, 4)]),
    ("expand", "minus-one", lambda lib, x: x.expand(-1, 3), [R(2, 1)]),
    ("expand", "tuple", lambda lib, x: x.expand((4, 3)), [R(3)]),
    ("expand", "same", lambda lib, x: x.expand(2, 3), [R(2, 3)]),
    ("expand", "0d", lambda lib, x: x.sum().expand(3), [R(2)]),
    ("expand", "expand_as", lambda lib, x: x.expand_as(lib.ones(3, 4, dtype=x.dtype)), [R(1, 4)]),
    ("repeat", "repeat", lambda lib, x: x.repeat(2, 3), [R(2, 3)]),
    ("repeat", "new-dims", lambda lib, x: x.repeat(2, 1, 3), [R(2, 4)]),
    ("repeat", "tuple", lambda lib, x: x.repeat((1, 2)), [R(3)]),
    ("repeat", "non-contiguous", lambda lib, x: x.t().repeat(2, 1), [R(2, 3)]),
    ("repeat", "0d", lambda lib, x: x.sum().repeat(2, 3), [R(2)]),
    ("cat", "dim0", lambda lib, x, y: lib.cat([x, y]), [R(2, 3), R(4, 3)]),
    ("cat", "dim1", lambda lib, x, y: lib.cat((x, y, x), 1), [R(2, 3), R(2, 1)]),
    ("cat", "dim-1-non-contiguous", lambda lib, x, y: lib.cat([x.t(), y], -1), [R(3, 2), R(2, 5)]),
    ("cat", "single", lambda lib, x: lib.cat([x]), [R(2, 3)]),
    ("cat", "concat", lambda lib, x, y: lib.concat([x, y], 0), [R(2), R(3)]),
    ("cat", "legacy-empty", lambda lib, x: lib.cat([x, lib.tensor([], dtype=x.dtype)], 1),
     [R(2, 3)]),
    ("stack", "dim0", lambda lib, x, y: lib.stack([x, y]), [R(2, 3), R(2, 3)]),
    ("stack", "dim-last", lambda lib, x, y: lib.stack((x, y, x), -1), [R(2, 3), R(2, 3)]),
    ("stack", "0d", lambda lib, x, y: lib.stack([x.sum(), y.sum()]), [R(2), R(3)]),
    ("split", "split", lambda lib, x: x.split(2, 1)[1], [R(2, 5)]),
    ("split", "split-last", lambda lib, x: lib.split(x, 2)[2], [R(5, 2)]),
    ("split", "chunk", lambda lib, x: x.chunk(3)[1], [R(5, 2)]),
    ("split", "chunk-function", lambda lib, x: lib.chunk(x, 2, -1)[0], [R(2, 3)]),
    ("split_with_sizes", "sizes", lambda lib, x: lib.split(x, [1, 4], 1)[1], [R(2, 5)]),
    ("split_with_sizes", "method", lambda lib, x: x.split((2, 0, 1))[2], [R(3, 2)]),
    ("unbind", "dim0", lambda lib, x: x.unbind()[1], [R(3, 2)]),
    ("unbind", "dim1", lambda lib, x: lib.unbind(x, 1)[2], [R(2, 3)]),
    ("narrow", "narrow", lambda lib, x: x.narrow(1, 1, 2), [R(2, 4)]),
    ("narrow", "negative-start", lambda lib, x: lib.narrow(x, 0, -2, 2), [R(3, 2)]),
    ("gather", "dim2", lambda lib, x: lib.gather(x, 2, index_tensor(lib, GATHER_IDX)),
     [R(2, 2, 4)]),
    ("gather", "dim0-smaller-index", lambda lib, x: x.gather(0, index_tensor(lib, [[1, 0], [2, 2]])),
     [R(3, 4)]),
    ("gather", "int32-index", lambda lib, x: x.gather(1, lib.tensor(np.array([[0, 0]] * 3, np.int32))),
     [R(3, 4)]),
    ("gather", "non-contiguous", lambda lib, x: x.t().gather(1, index_tensor(lib, [[0, 2, 2]] * 4)),
     [R(3, 4)]),
    ("gather", "1d-0d-index", lambda lib, x: x.gather(0, index_tensor(lib, 1)), [R(3)]),
    ("index_select", "dim1", lambda lib, x: lib.index_select(x, 1, index_tensor(lib, [3, 0, 3])),
     [R(2, 4, 2)]),
    ("index_select", "dim0", lambda lib, x: x.index_select(0, index_tensor(lib, [1, 1])), [R(3, 2)]),
    ("index_select", "0d-index", lambda lib, x: x.index_select(-1, index_tensor(lib, 2)), [R(2, 3)]),
    ("index_select", "non-contiguous", lambda lib, x: x.t().index_select(1, index_tensor(lib, [2, 0])),
     [R(3, 4)]),
    ("masked_fill", "number", lambda lib, x: x.masked_fill(x > 0, 0.5), [R(3, 4)]),
    ("masked_fill", "broadcast-mask",
     lambda lib, x: lib.masked_fill(x, lib.tensor([True, False, False, True]), -1.0), [R(3, 4)]),
    ("masked_fill", "non-contiguous", lambda lib, x: x.t().masked_fill(x.t() > 0, 2), [R(3, 4)]),
    ("masked_fill", "mask-broadcasts-input",
     lambda lib, x: x.masked_fill(lib.ones(2, 3, 4, dtype=lib.bool), 1.0), [R(4)]),
    ("masked_fill_tensor", "tensor-value", lambda lib, x, v: x.masked_fill(x > 0, v.reshape(())),
     [R(3, 4), R(1)]),
    ("masked_fill_tensor", "tensor-value-broadcast",
     lambda lib, x, v: x.masked_fill(lib.ones(2, 3, 4, dtype=lib.bool), v.reshape(())), [R(3, 4), R(1)]),
    ("scatter_add_zeros", "scatter_add_zeros", scatter_add_zeros, [R(2, 2, 3)]),
    ("index_add_zeros", "index_add_zeros", index_add_zeros, [R(2, 3, 2)]),
    ("select_backward", "select_backward", select_backward, [R(3, 2)]),
    ("slice_backward", "slice_backward", slice_backward, [R(2, 3)]),
    ("index_put_accumulate", "index_put_accumulate", index_put_accumulate, [R(3, 4)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def check_apply_graph(out, seed=1):
    """The create_graph path of ``out``'s node gives the fast path's values,
    shapes and dtypes."""
    node = out.grad_fn
    g = np.random.default_rng(seed).standard_normal(out.shape).astype(out.numpy(force=True).dtype)
    fast = node.apply(g.copy())
    graph = node.apply_graph(jitgrad.tensor(g))
    assert len(fast) == len(graph) == len(node._next)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            a = np.asarray(a)
            assert a.shape == tuple(b.shape) and a.dtype == b.numpy(force=True).dtype
            np.testing.assert_allclose(a, b.numpy(force=True), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs, dtype):
    out = fn(jitgrad, *[jitgrad.tensor(a.astype(dtype), requires_grad=True) for a in inputs])
    check_apply_graph(out)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_gradgradcheck(entry, name, fn, inputs):
    ts = tuple(jitgrad.tensor(a, requires_grad=True) for a in inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *t: fn(jitgrad, *t), ts)


# ------------------------------------------------------------------ apply_graph of the
# indexing and view nodes that existed before (compared with apply, and second
# derivatives with torch's)

def _setitem_basic(lib, x, v):
    y = x * 1
    y[1:, 2] = v
    return y


def _setitem_advanced(lib, x, v):
    y = x * 1
    y[[0, 2]] = v
    return y


INDEXING = [
    ("view", lambda lib, x: x.view(4, 3), [R(3, 4)]),
    ("reshape-copy", lambda lib, x: x.t().reshape(12), [R(3, 4)]),
    ("clone", lambda lib, x: x.clone(), [R(3, 4)]),
    ("transpose", lambda lib, x: x.transpose(0, 2), [R(2, 3, 4)]),
    ("t", lambda lib, x: x.t(), [R(3, 4)]),
    ("T", lambda lib, x: x.T, [R(2, 3, 4)]),
    ("permute", lambda lib, x: x.permute(1, 2, 0), [R(2, 3, 4)]),
    ("select", lambda lib, x: x[1], [R(3, 4)]),
    ("slice", lambda lib, x: x[1:3], [R(3, 4)]),
    ("slice-select", lambda lib, x: x[1:3, 2], [R(3, 4)]),
    ("unsqueeze", lambda lib, x: x[None, 1:], [R(3, 4)]),
    ("alias", lambda lib, x: x[...], [R(3, 4)]),
    ("step", lambda lib, x: x[::2, 1::2], [R(3, 4)]),
    ("index", lambda lib, x: x[[0, 0, 2]], [R(3, 4)]),
    ("index-2d", lambda lib, x: x[[0, 2], [1, 1]], [R(3, 4)]),
    ("mask", lambda lib, x: x[x > 0], [R(3, 4)]),
    ("index-tensor", lambda lib, x: x[:, lib.tensor([3, 0, 3])], [R(3, 4)]),
    ("setitem", _setitem_basic, [R(3, 4), R(2)]),
    ("setitem-broadcast", _setitem_basic, [R(3, 4), R(1)]),
    ("setitem-advanced", _setitem_advanced, [R(3, 4), R(4)]),
]
INDEXING_IDS = [c[0] for c in INDEXING]


@pytest.mark.parametrize("name,fn,inputs", INDEXING, ids=INDEXING_IDS)
def test_existing_nodes_apply_graph(name, fn, inputs):
    out = fn(jitgrad, *[jitgrad.tensor(a, requires_grad=True) for a in inputs])
    check_apply_graph(out)


@pytest.mark.parametrize("name,fn,inputs", INDEXING, ids=INDEXING_IDS)
def test_existing_nodes_gradgradcheck(name, fn, inputs):
    ts = tuple(jitgrad.tensor(a, requires_grad=True) for a in inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *t: fn(jitgrad, *t), ts)


def _double_backward(lib, fn, inputs):
    """First gradients with create_graph, then the gradient of (first
    gradients * w) with respect to the seed and the inputs."""
    xs = [lib.tensor(a, requires_grad=True) for a in inputs]
    out = fn(lib, *xs)
    seed = lib.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)), requires_grad=True)
    firsts = lib.autograd.grad(out, xs, seed, create_graph=True)
    names = [type(f.grad_fn).__name__ if f.grad_fn is not None else None for f in firsts]
    total = sum((f * lib.tensor(np.random.default_rng(3 + i).standard_normal(tuple(f.shape)))).sum()
                for i, f in enumerate(firsts))
    seconds = lib.autograd.grad(total, [seed] + xs, allow_unused=True)
    return ([f.detach().numpy() for f in firsts], names,
            [None if s is None else s.numpy() for s in seconds])


@pytest.mark.parametrize("name", ["select", "slice", "slice-select", "step", "index", "mask",
                                  "index-tensor"])
def test_indexing_double_backward_matches_torch(name):
    torch = pytest.importorskip("torch")
    fn, inputs = {c[0]: (c[1], c[2]) for c in INDEXING}[name]
    ours, theirs = _double_backward(jitgrad, fn, inputs), _double_backward(torch, fn, inputs)
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert ours[1] == theirs[1]                      # SelectBackwardBackward0, IndexPutImpl...
    for a, b in zip(ours[2], theirs[2]):
        assert (a is None) == (b is None) or not np.any(a if a is not None else b)
        if a is not None and b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("name,fn,inputs", [
    ("gather", lambda lib, x: x.gather(1, index_tensor(lib, [[0, 0, 2]] * 3)), [R(3, 4)]),
    ("index_select", lambda lib, x: x.index_select(1, index_tensor(lib, [1, 1, 0])), [R(3, 4)]),
    ("masked_fill", lambda lib, x: x.masked_fill(x > 0, 1.0), [R(3, 4)]),
    ("split", lambda lib, x: x.split(2)[1] * 3, [R(3, 4)]),
    ("expand", lambda lib, x: x.expand(2, 3, 4), [R(3, 4)]),
    ("repeat", lambda lib, x: x.repeat(2, 1), [R(3, 4)]),
    ("cat", lambda lib, x: lib.cat([x, x * 2]), [R(3, 4)]),
    ("stack", lambda lib, x: lib.stack([x, x * 2]), [R(3, 4)]),
    ("products", lambda lib, x: (x.unsqueeze(0) * x.unsqueeze(1)).squeeze(), [R(3)]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_shape_ops_double_backward_matches_torch(name, fn, inputs):
    torch = pytest.importorskip("torch")
    ours, theirs = _double_backward(jitgrad, fn, inputs), _double_backward(torch, fn, inputs)
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(ours[2], theirs[2]):
        if a is None or b is None:
            assert not np.any(a if a is not None else b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ hand-derived values

def leaf(values, dtype=jitgrad.float64):
    return jitgrad.tensor(values, dtype=dtype, requires_grad=True)


def test_repeat_and_expand_sum_their_gradient():
    x = leaf([1.0, 2.0])
    y = x.repeat(3)
    assert y.tolist() == [1.0, 2.0] * 3
    y.backward(jitgrad.tensor([1.0, 10.0, 100.0, 1000.0, 1e4, 1e5], dtype=jitgrad.float64))
    assert x.grad.tolist() == [10101.0, 101010.0]
    x.grad = None
    x.unsqueeze(0).expand(3, 2).backward(jitgrad.ones(3, 2, dtype=jitgrad.float64))
    assert x.grad.tolist() == [3.0, 3.0]


def test_cat_and_stack_hand_values():
    a, b = leaf([1.0, 2.0]), leaf([3.0])
    c = jitgrad.cat([a, b, a])
    assert c.tolist() == [1.0, 2.0, 3.0, 1.0, 2.0]
    c.backward(jitgrad.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=jitgrad.float64))
    assert a.grad.tolist() == [5.0, 7.0] and b.grad.tolist() == [3.0]
    assert len(c.grad_fn.next_functions) == 3        # one edge per input
    s = jitgrad.stack([a, a * 2], 1)
    assert s.tolist() == [[1.0, 2.0], [2.0, 4.0]]


def test_cat_promotes_and_casts_gradients_back():
    a = leaf([1.0], jitgrad.float32)
    b = leaf([2.0], jitgrad.float64)
    c = jitgrad.cat([a, b, jitgrad.tensor([3])])
    assert c.dtype is jitgrad.float64
    c.sum().backward()
    assert a.grad.dtype is jitgrad.float32 and b.grad.dtype is jitgrad.float64
    assert jitgrad.cat([jitgrad.tensor([True]), jitgrad.tensor([1])]).dtype is jitgrad.int64


def test_gather_and_index_select_accumulate_repeated_indices():
    x = leaf([1.0, 2.0, 3.0])
    y = x.gather(0, jitgrad.tensor([0, 0, 2, 0]))
    assert y.tolist() == [1.0, 1.0, 3.0, 1.0]
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    x.grad = None
    z = x.index_select(0, jitgrad.tensor([2, 2]))
    assert z.tolist() == [3.0, 3.0]
    z.backward(jitgrad.tensor([1.0, 5.0], dtype=jitgrad.float64))
    assert x.grad.tolist() == [0.0, 0.0, 6.0]


def test_masked_fill_hand_values():
    x = leaf([1.0, -2.0, 3.0])
    v = leaf(7.0)
    mask = jitgrad.tensor([True, False, True])
    y = x.masked_fill(mask, v)
    assert y.tolist() == [7.0, -2.0, 7.0]
    y.backward(jitgrad.tensor([1.0, 2.0, 3.0], dtype=jitgrad.float64))
    assert x.grad.tolist() == [0.0, 2.0, 0.0] and v.grad.item() == 4.0
    # an integer tensor truncates the value, as torch does
    assert jitgrad.tensor([1, 2]).masked_fill(jitgrad.tensor([True, False]), 1.7).tolist() == [1, 2]
    assert jitgrad.tensor([1, 2]).masked_fill(jitgrad.tensor([True, False]), -1.7).tolist() == [-1, 2]


def test_cat_of_legacy_empty_tensors_only():
    assert jitgrad.cat([jitgrad.tensor([]), jitgrad.tensor([])], 1).shape == (0,)
    x = leaf(np.ones((2, 2)))
    e = jitgrad.tensor([], dtype=jitgrad.float64, requires_grad=True)
    y = jitgrad.cat([e, x, e], 1)
    assert y.shape == (2, 2)
    y.sum().backward()
    assert e.grad.shape == (0,) and x.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_split_pieces_each_have_a_node():
    x = leaf([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    a, b = x.split([1, 2])
    assert a.grad_fn is not b.grad_fn
    assert type(a.grad_fn).__name__ == "SplitWithSizesBackward0"
    (a.sum() * 2 + b.sum()).backward()
    assert x.grad.tolist() == [[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]
    assert [p.shape for p in jitgrad.zeros(0, 3).chunk(2)] == [(0, 3), (0, 3)]
    assert [p.shape for p in jitgrad.zeros(6).chunk(4)] == [(2,), (2,), (2,)]


def test_all_pieces_of_a_split_against_torch():
    pieces = lambda lib, x: sum(p.sum(0) * (i + 1) for i, p in enumerate(x.split(1)))
    gradcheck(lambda x: pieces(jitgrad, x), R(3, 2))
    torch_check(pieces, R(3, 2))


def test_split_shapes_match_torch():
    torch = pytest.importorskip("torch")
    for shape, args in [((7, 2), (3,)), ((7, 2), (7,)), ((7, 2), (10,)), ((0, 2), (0,)),
                        ((0, 2), (2,))]:
        ours = [tuple(p.shape) for p in jitgrad.zeros(*shape).split(*args)]
        theirs = [tuple(p.shape) for p in torch.zeros(*shape).split(*args)]
        assert ours == theirs
    for shape, chunks, dim in [((7, 2), 3, 0), ((6, 2), 4, 0), ((2, 5), 5, 1), ((0, 3), 3, 0),
                               ((3, 4), 8, 1)]:
        ours = [tuple(p.shape) for p in jitgrad.zeros(*shape).chunk(chunks, dim)]
        theirs = [tuple(p.shape) for p in torch.zeros(*shape).chunk(chunks, dim)]
        assert ours == theirs


def test_returns_itself_where_torch_does():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert x.contiguous() is x
    assert x.flatten(1, 1) is x and x.flatten(-1, 1) is x
    y = x.t().contiguous()
    assert y.is_contiguous() and type(y.grad_fn).__name__ == "CloneBackward0"


def test_zero_size_and_zero_dim():
    x = leaf(np.zeros((0, 3)))
    y = x.repeat(2, 2)
    assert y.shape == (0, 6)
    y.sum().backward()
    assert x.grad.shape == (0, 3)
    s = leaf(2.0)
    assert s.unsqueeze(0).shape == (1,) and s.squeeze().shape == () and s.flatten().shape == (1,)
    r = s.repeat(2, 2)
    r.sum().backward()
    assert r.tolist() == [[2.0, 2.0], [2.0, 2.0]] and s.grad.item() == 4.0
    assert jitgrad.tensor(5.0).index_select(0, jitgrad.tensor([0])).shape == ()
    assert jitgrad.gather(jitgrad.tensor(1.0), 0, jitgrad.tensor([0, 0])).tolist() == [1.0, 1.0]
    e = jitgrad.gather(jitgrad.ones(3, 2), 0, jitgrad.zeros(0, 2, dtype=jitgrad.int64))
    assert e.shape == (0, 2)


def test_integer_and_bool_inputs():
    x = jitgrad.arange(6).reshape(2, 3)
    assert x.flatten().tolist() == list(range(6))
    assert x.repeat(1, 2).tolist() == [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]
    assert x.gather(1, jitgrad.tensor([[2], [0]])).tolist() == [[2], [3]]
    assert x.index_select(0, jitgrad.tensor([1])).tolist() == [[3, 4, 5]]
    assert jitgrad.stack([x, x]).dtype is jitgrad.int64
    b = jitgrad.tensor([True, False])
    assert b.masked_fill(jitgrad.tensor([False, True]), 0.5).tolist() == [True, True]
    assert b.expand(2, 2).tolist() == [[True, False], [True, False]]


# ------------------------------------------------------------------ views

VIEWS = [
    ("squeeze", lambda x: x.squeeze()),
    ("unsqueeze", lambda x: x.unsqueeze(1)),
    ("flatten", lambda x: x.flatten()),
    ("unflatten", lambda x: x.unflatten(1, (1, 3))),
    ("expand", lambda x: x.expand(2, 4, 3)),
    ("narrow", lambda x: x.narrow(1, 1, 2)),
    ("split", lambda x: x.split(2, 1)[1]),
    ("chunk", lambda x: x.chunk(2)[0]),
    ("unbind", lambda x: x.unbind(1)[2]),
    ("einsum-permute", lambda x: jitgrad.einsum("ij->ji", x)),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_views_share_memory_and_version(name, fn):
    base = jitgrad.tensor(np.arange(12.0).reshape(4, 3))
    x = base * 1                        # a non-leaf, so in-place ops are allowed
    v = fn(x)
    assert np.shares_memory(v.numpy(force=True), x.numpy(force=True))
    assert v._base is x and v._version == x._version
    x.add_(1.0)
    assert v._version == x._version == 1
    assert np.array_equal(v.numpy(force=True), fn(base + 1).numpy())


def test_modified_view_input_is_refused_by_saved_tensor_checks():
    idx = jitgrad.tensor([0, 1])
    x = leaf([1.0, 2.0, 3.0])
    y = x.gather(0, idx)
    idx.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    mask = jitgrad.tensor([True, False, True])
    y = x.masked_fill(mask, 0.0)
    mask.fill_(False)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_saved_index_version_message_matches_torch():
    torch = pytest.importorskip("torch")
    msgs = []
    for lib in (jitgrad, torch):
        idx = lib.tensor([0, 1])
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.index_select(0, idx)
        idx.add_(1)
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
        msgs.append(str(err.value).replace("torch.", "jitgrad."))
    assert msgs[0] == msgs[1]


def test_backward_twice_through_gather_is_refused():
    x = leaf([1.0, 2.0])
    y = x.gather(0, jitgrad.tensor([1])).sum()
    y.backward(retain_graph=False)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _x(lib):
    return lib.zeros(2, 3, 4)


def _i(lib, values):
    return lib.tensor(values)


ERRORS = [
    Case("flatten-range", lambda lib: _x(lib).flatten(3), IndexError,
         "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    Case("flatten-order", lambda lib: _x(lib).flatten(2, 1), RuntimeError,
         "flatten() has invalid args: start_dim cannot come after end_dim"),
    Case("flatten-0d", lambda lib: lib.tensor(1.0).flatten(1), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Case("unflatten-sizes", lambda lib: _x(lib).unflatten(1, (2, 2)), RuntimeError,
         "unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the "
         "input tensor"),
    Case("unflatten-infer", lambda lib: lib.zeros(3).unflatten(0, (-1, 2)), RuntimeError,
         "unflatten: Provided sizes [-1, 2] don't multiply up to the size of dim 0 (3) in the "
         "input tensor"),
    Case("unflatten-empty", lambda lib: _x(lib).unflatten(1, ()), RuntimeError,
         "unflatten: sizes must be non-empty"),
    Case("unflatten-int", lambda lib: _x(lib).unflatten(1, 3), TypeError,
         "unflatten(): argument 'sizes' (position 2) must be tuple of ints, not int"),
    Case("squeeze-range", lambda lib: _x(lib).squeeze(3), IndexError,
         "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    Case("squeeze-repeated", lambda lib: _x(lib).squeeze((0, 0)), RuntimeError,
         "dim 0 appears multiple times in the list of dims"),
    Case("unsqueeze-range", lambda lib: _x(lib).unsqueeze(4), IndexError,
         "Dimension out of range (expected to be in range of [-4, 3], but got 4)"),
    Case("unsqueeze-0d", lambda lib: lib.tensor(1.0).unsqueeze(-2), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got -2)"),
    Case("expand-mismatch", lambda lib: _x(lib).expand(3, 3, 4), RuntimeError,
         "The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
         "dimension 0.  Target sizes: [3, 3, 4].  Tensor sizes: [2, 3, 4]"),
    Case("expand-too-few", lambda lib: _x(lib).expand(3, 4), RuntimeError,
         "expand(jitgrad.FloatTensor{[2, 3, 4]}, size=[3, 4]): the number of sizes provided (2) "
         "must be greater or equal to the number of dimensions in the tensor (3)"),
    Case("expand-too-few-double", lambda lib: _x(lib).double().expand(4), RuntimeError,
         "expand(jitgrad.DoubleTensor{[2, 3, 4]}, size=[4]): the number of sizes provided (1) "
         "must be greater or equal to the number of dimensions in the tensor (3)"),
    Case("expand-leading-minus-one", lambda lib: _x(lib).expand(-1, 2, 3, 4), RuntimeError,
         "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
         "dimension 0"),
    Case("expand-negative", lambda lib: lib.zeros(2, 1).expand(2, -2), RuntimeError,
         "numel: integer multiplication overflow"),
    Case("expand-no-size", lambda lib: _x(lib).expand(), TypeError,
         'expand() missing 1 required positional arguments: "size"'),
    Case("expand_as-not-tensor", lambda lib: _x(lib).expand_as(3), TypeError,
         "expand_as(): argument 'other' (position 1) must be Tensor, not int"),
    Case("repeat-too-few", lambda lib: _x(lib).repeat(2, 2), RuntimeError,
         "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
         "tensor"),
    Case("repeat-negative", lambda lib: _x(lib).repeat(2, -1, 2), RuntimeError,
         "Trying to create tensor with negative dimension -3: [4, -3, 8]"),
    Case("cat-empty", lambda lib: lib.cat([]), ValueError,
         "jitgrad.cat(): expected a non-empty list of Tensors"),
    Case("cat-tensor", lambda lib: lib.cat(_x(lib)), TypeError,
         "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    Case("cat-element", lambda lib: lib.cat([_x(lib), 1]), TypeError,
         "expected Tensor as element 1 in argument 0, but got int"),
    Case("cat-0d", lambda lib: lib.cat([lib.zeros(2), lib.tensor(1.0)]), RuntimeError,
         "zero-dimensional tensor (at position 1) cannot be concatenated"),
    Case("cat-ndim", lambda lib: lib.cat([lib.zeros(2, 3), lib.zeros(2, 3, 1), lib.zeros(2)]),
         RuntimeError, "Tensors must have same number of dimensions: got 2 and 3"),
    Case("cat-sizes", lambda lib: lib.cat([lib.zeros(2, 3), lib.zeros(2, 4), lib.zeros(2)]),
         RuntimeError, "Sizes of tensors must match except in dimension 0. Expected size 3 but "
         "got size 4 for tensor number 1 in the list."),
    Case("cat-dim", lambda lib: lib.cat([_x(lib)], 3), IndexError,
         "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    Case("stack-empty", lambda lib: lib.stack([]), RuntimeError,
         "stack expects a non-empty TensorList"),
    Case("stack-sizes", lambda lib: lib.stack([_x(lib), lib.zeros(2, 3, 5), _x(lib)]),
         RuntimeError, "stack expects each tensor to be equal size, but got [2, 3, 4] at entry 0 "
         "and [2, 3, 5] at entry 1"),
    Case("stack-dim", lambda lib: lib.stack([_x(lib)], 4), IndexError,
         "Dimension out of range (expected to be in range of [-4, 3], but got 4)"),
    Case("stack-tensor", lambda lib: lib.stack(_x(lib)), TypeError,
         "stack(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    Case("split-zero", lambda lib: _x(lib).split(0), RuntimeError,
         "split_size can only be 0 if dimension size is 0, but got dimension size of 2"),
    Case("split-negative", lambda lib: _x(lib).split(-1), RuntimeError,
         "split expects split_size be non-negative, but got split_size=-1"),
    Case("split-sizes-sum", lambda lib: _x(lib).split([1, 1], 1), RuntimeError,
         "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at "
         "dimension 1), but got split_sizes=[1, 1]"),
    Case("split-sizes-negative", lambda lib: _x(lib).split([4, -1], 1), RuntimeError,
         "split_with_sizes expects split_sizes have only non-negative entries, but got "
         "split_sizes=[4, -1]"),
    Case("split-dim", lambda lib: _x(lib).split(1, 3), IndexError,
         "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    Case("split-0d", lambda lib: lib.tensor(1.0).split(1), RuntimeError,
         "split expects at least a 1-dimensional tensor"),
    Case("chunk-zero", lambda lib: _x(lib).chunk(0), RuntimeError,
         "chunk expects `chunks` to be greater than 0, got: 0"),
    Case("chunk-0d", lambda lib: lib.tensor(1.0).chunk(1), RuntimeError,
         "chunk expects at least a 1-dimensional tensor"),
    Case("chunk-0d-first", lambda lib: lib.tensor(1.0).chunk(0), RuntimeError,
         "chunk expects at least a 1-dimensional tensor"),
    Case("unbind-0d", lambda lib: lib.tensor(1.0).unbind(), IndexError,
         "Dimension specified as 0 but tensor has no dimensions"),
    Case("unbind-dim", lambda lib: lib.zeros(3).unbind(1), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Case("setitem-expanded", lambda lib: lib.zeros(3).expand(2, 3).__setitem__((slice(None), 1), 1.0),
         RuntimeError, "unsupported operation: more than one element of the written-to tensor "
         "refers to a single memory location. Please clone() the tensor before performing the "
         "operation."),
    Case("narrow-0d", lambda lib: lib.tensor(1.0).narrow(0, 0, 1), RuntimeError,
         "narrow() cannot be applied to a 0-dim tensor."),
    Case("narrow-length", lambda lib: lib.zeros(3, 2).narrow(0, 5, -1), RuntimeError,
         "narrow(): length must be non-negative."),
    Case("narrow-start", lambda lib: lib.zeros(3, 2).narrow(0, -5, 5), IndexError,
         "start out of range (expected to be in range of [-3, 3], but got -5)"),
    Case("narrow-end", lambda lib: lib.zeros(3, 2).narrow(0, 2, 5), RuntimeError,
         "start (2) + length (5) exceeds dimension size (3)."),
    Case("gather-dtype", lambda lib: lib.gather(lib.zeros(3, 2), 0, lib.tensor([0.5])),
         RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    Case("gather-ndim", lambda lib: lib.gather(_x(lib), 2, lib.zeros(3, 4, dtype=lib.int64)),
         RuntimeError, "Index tensor must have the same number of dimensions as input tensor"),
    Case("gather-size", lambda lib: lib.gather(_x(lib), 2, lib.zeros(2, 4, 6, dtype=lib.int64)),
         RuntimeError, "Size does not match at dimension 1 expected index [2, 4, 6] to be no "
         "larger than self [2, 3, 4] apart from dimension 2"),
    Case("gather-bounds", lambda lib: lib.gather(_x(lib), 2, lib.full((2, 3, 4), 4)),
         RuntimeError, "index 4 is out of bounds for dimension 2 with size 4"),
    Case("gather-negative", lambda lib: lib.gather(_x(lib), -1, lib.full((1, 1, 1), -1)),
         RuntimeError, "index -1 is out of bounds for dimension 2 with size 4"),
    Case("gather-dim", lambda lib: lib.gather(lib.zeros(3), 1, lib.tensor([0])), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Case("gather-list", lambda lib: lib.gather(lib.zeros(3), 0, [1]), TypeError,
         "gather(): argument 'index' (position 3) must be Tensor, not list"),
    Case("index_select-dtype", lambda lib: lib.index_select(_x(lib), 1, lib.tensor([0.0])),
         RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    Case("index_select-bool", lambda lib: lib.index_select(_x(lib), 1, lib.tensor([True])),
         RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    Case("index_select-vector", lambda lib: lib.index_select(_x(lib), 1, lib.tensor([[0, 1]])),
         IndexError, "index_select(): Index is supposed to be a vector"),
    Case("index_select-bounds", lambda lib: lib.index_select(_x(lib), 1, lib.tensor([0, 3])),
         RuntimeError, "INDICES element is out of DATA bounds, id=3 axis_dim=3"),
    Case("index_select-negative", lambda lib: lib.index_select(_x(lib), 1, lib.tensor([-1])),
         RuntimeError, "INDICES element is out of DATA bounds, id=-1 axis_dim=3"),
    Case("index_select-dim", lambda lib: lib.index_select(_x(lib), 3, lib.tensor([0])),
         IndexError, "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    Case("index_select-scalar-count",
         lambda lib: lib.index_select(lib.tensor(5.0), 0, lib.tensor([0, 0])), RuntimeError,
         "index_select(): Index to scalar can have only 1 value, got 2 value(s)"),
    Case("index_select-scalar-range",
         lambda lib: lib.index_select(lib.tensor(5.0), 0, lib.tensor([1])), IndexError,
         "index out of range in self"),
    Case("index_select-list", lambda lib: lib.index_select(_x(lib), 1, [0]), TypeError,
         "index_select(): argument 'index' (position 3) must be Tensor, not list"),
    Case("masked_fill-float-mask", lambda lib: _x(lib).masked_fill(_x(lib), 1.0), RuntimeError,
         "masked_fill_ only supports boolean masks, but got mask with dtype float"),
    Case("masked_fill-long-mask", lambda lib: _x(lib).masked_fill(_x(lib).long(), 1.0),
         RuntimeError, "masked_fill_ only supports boolean masks, but got mask with dtype long int"),
    Case("masked_fill-broadcast",
         lambda lib: _x(lib).masked_fill(lib.tensor([True, False, True]), 1.0), RuntimeError,
         "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
         "dimension 2"),
    Case("masked_fill-value-dim",
         lambda lib: _x(lib).masked_fill(_x(lib) > 0, lib.tensor([1.0, 2.0])), RuntimeError,
         "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
         "dimension(s)."),
]


test_error, test_error_is_torchs = error_tests(ERRORS)


def test_masked_fill_bad_arguments():
    with pytest.raises(TypeError, match=r"masked_fill\(\) received an invalid combination"):
        jitgrad.zeros(3).masked_fill([True, False, True], 1.0)
    with pytest.raises(TypeError, match=r"got \(Tensor, str\)"):
        jitgrad.zeros(3).masked_fill(jitgrad.zeros(3) > 0, "a")


def test_unflatten_unexpected_errors_start_as_torchs():
    # torch appends its C++ stack trace to these; jitgrad gives the text before it
    with pytest.raises(RuntimeError) as err:
        jitgrad.zeros(2, 3).unflatten(1, (-1, -1))
    assert str(err.value) == "unflatten got an unexpected error:\nonly one dimension can be inferred"
    with pytest.raises(RuntimeError) as err:
        jitgrad.tensor(1.0).unflatten(0, (1,))
    assert str(err.value) == ("unflatten got an unexpected error:\nDimension specified as 0 but "
                              "tensor has no dimensions")
