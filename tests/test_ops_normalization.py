"""embedding, layer_norm and batch_norm (jitgrad/ops/normalization.py): finite
differences in float64, torch's values, gradients, dtypes and node names
(float32 and float64), each node's ``apply_graph`` against its ``apply`` and
second derivatives against torch's, hand-derived values, non-contiguous
inputs, max_norm's in-place renormalisation, the running statistics, and
every error with torch's message."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def F(lib):
    return lib.nn.functional


def idx(*values):
    return np.asarray(values, dtype=np.int64)


def masked_embedding(lib, i, w, padding_idx, **kw):
    """embedding with padding_idx, times a mask that zeroes the padding rows'
    outputs: the padding row gets no gradient, so its finite differences must
    vanish too (torch's gradcheck note)."""
    out = F(lib).embedding(i, w, padding_idx=padding_idx, **kw)
    pad = padding_idx % w.shape[0]
    return out * (i != pad).unsqueeze(-1).to(w.dtype)


def bn_train(lib, x, w=None, b=None, running=True, momentum=0.1):
    C = x.shape[1]
    rm = lib.zeros(C, dtype=x.dtype) if running else None
    rv = lib.ones(C, dtype=x.dtype) if running else None
    return F(lib).batch_norm(x, rm, rv, w, b, training=True, momentum=momentum)


RM3, RV3 = R(3), rng.uniform(0.5, 2.0, 3)


def bn_eval(lib, x, w=None, b=None):
    rm = lib.tensor(RM3, dtype=x.dtype)
    rv = lib.tensor(RV3, dtype=x.dtype)
    return F(lib).batch_norm(x, rm, rv, w, b, training=False)


def node_of(node):
    # the masked embedding cases record the mask's MulBackward0 last
    if type(node).__name__ == "MulBackward0":
        return node.next_functions[0][0]
    return node


# (table entry, id, fn(lib, *inputs), numpy inputs)
CASES = [
    # ---- embedding
    ("embedding", "1d", lambda lib, i, w: F(lib).embedding(i, w), [idx(1, 4, 1, 0), R(5, 3)]),
    ("embedding", "2d", lambda lib, i, w: F(lib).embedding(i, w), [idx([1, 2], [4, 1]), R(5, 3)]),
    ("embedding", "0d", lambda lib, i, w: F(lib).embedding(i, w), [np.array(3), R(5, 3)]),
    ("embedding", "int32", lambda lib, i, w: F(lib).embedding(i.int(), w),
     [idx([0, 2, 2], [4, 4, 1]), R(5, 2)]),
    ("embedding", "non-contiguous-weight", lambda lib, i, w: F(lib).embedding(i, w.t()),
     [idx(0, 3, 3, 1), R(2, 4)]),
    ("embedding", "non-contiguous-indices", lambda lib, i, w: F(lib).embedding(i.t(), w),
     [idx([0, 1, 2], [3, 4, 0]), R(5, 3)]),
    ("embedding", "padding", lambda lib, i, w: masked_embedding(lib, i, w, 1),
     [idx([1, 2], [1, 0]), R(4, 3)]),
    ("embedding", "negative-padding", lambda lib, i, w: masked_embedding(lib, i, w, -1),
     [idx(3, 2, 3, 0), R(4, 3)]),
    ("embedding", "scale-grad-by-freq",      # distinct indices: the scaling is 1
     lambda lib, i, w: F(lib).embedding(i, w, scale_grad_by_freq=True), [idx(2, 0, 3), R(4, 3)]),
    # ---- layer_norm
    ("layer_norm", "affine", lambda lib, x, w, b: F(lib).layer_norm(x, (5,), w, b),
     [R(4, 5), R(5), R(5)]),
    ("layer_norm", "3d", lambda lib, x, w, b: F(lib).layer_norm(x, [4], w, b),
     [R(2, 3, 4), R(4), R(4)]),
    ("layer_norm", "two-dims", lambda lib, x, w, b: F(lib).layer_norm(x, (3, 4), w, b),
     [R(2, 3, 4), R(3, 4), R(3, 4)]),
    ("layer_norm", "no-affine", lambda lib, x: F(lib).layer_norm(x, (6,)), [R(3, 6)]),
    ("layer_norm", "weight-only", lambda lib, x, w: F(lib).layer_norm(x, (4,), w),
     [R(3, 4), R(4)]),
    ("layer_norm", "bias-only", lambda lib, x, b: F(lib).layer_norm(x, (4,), None, b),
     [R(3, 4), R(4)]),
    ("layer_norm", "1d", lambda lib, x, w, b: F(lib).layer_norm(x, x.shape, w, b),
     [R(7), R(7), R(7)]),
    ("layer_norm", "eps", lambda lib, x: F(lib).layer_norm(x * 0.01, (5,), eps=0.1), [R(3, 5)]),
    ("layer_norm", "non-contiguous",
     lambda lib, x, w, b: F(lib).layer_norm(x.transpose(0, 2), (3, 2), w.t(), b.t()),
     [R(2, 3, 4), R(2, 3), R(2, 3)]),
    ("layer_norm", "module-method", lambda lib, x: lib.layer_norm(x, (3,)), [R(2, 3)]),
    # ---- batch_norm
    ("batch_norm", "train-2d", lambda lib, x, w, b: bn_train(lib, x, w, b), [R(6, 3), R(3), R(3)]),
    ("batch_norm", "train-3d", lambda lib, x, w, b: bn_train(lib, x, w, b),
     [R(4, 3, 5), R(3), R(3)]),
    ("batch_norm", "train-4d", lambda lib, x, w, b: bn_train(lib, x, w, b),
     [R(3, 2, 2, 3), R(2), R(2)]),
    ("batch_norm", "train-no-affine", lambda lib, x: bn_train(lib, x, running=False),
     [R(5, 3, 2)]),
    ("batch_norm", "train-weight-only", lambda lib, x, w: bn_train(lib, x, w), [R(5, 3), R(3)]),
    ("batch_norm", "train-non-contiguous",
     lambda lib, x, w, b: bn_train(lib, x.transpose(0, 2), w, b), [R(2, 3, 4), R(3), R(3)]),
    ("batch_norm", "eval-2d", lambda lib, x, w, b: bn_eval(lib, x, w, b), [R(4, 3), R(3), R(3)]),
    ("batch_norm", "eval-3d", lambda lib, x, b: bn_eval(lib, x, None, b), [R(4, 3, 5), R(3)]),
    ("batch_norm", "eval-4d", lambda lib, x: bn_eval(lib, x), [R(2, 3, 2, 2)]),
    ("batch_norm", "eval-non-contiguous", lambda lib, x, w: bn_eval(lib, x.transpose(0, 1), w),
     [R(3, 4), R(3)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES, node_of)


def _run(fn, inputs):
    ts = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    return ts, fn(jitgrad, *ts)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs):
    """The create_graph path computes the same gradients as the kernels."""
    _, out = _run(fn, inputs)
    node = node_of(out.grad_fn)       # (the padding cases' mask keeps the shape)
    g = np.random.default_rng(1).standard_normal(out.shape)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    assert len(fast) == len(graph) == len(node.next_functions)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            assert b.shape == a.shape and b.dtype == jitgrad.tensor(a).dtype
            np.testing.assert_allclose(b.detach().numpy(), a, rtol=1e-9, atol=1e-12)


SECOND_ORDER = [c for c in CASES if c[1] in (
    "1d", "padding", "scale-grad-by-freq", "affine", "two-dims", "weight-only", "train-3d",
    "train-no-affine", "train-2d", "eval-2d")]     # (torch's own double backward fails in
#                                                      evaluation without a weight)


@pytest.mark.parametrize("entry,name,fn,inputs", SECOND_ORDER,
                         ids=[f"{c[0]}-{c[1]}" for c in SECOND_ORDER])
def test_second_derivatives_match_torch(entry, name, fn, inputs):
    """create_graph=True through each node (its apply_graph), then the
    gradients' own gradients: torch's values."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (jitgrad, torch):
        ts = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
        out = fn(lib, *ts)
        v = lib.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)))
        params = [t for t in ts if t.requires_grad]
        grads = lib.autograd.grad((out * v).sum(), params, create_graph=True)
        total = sum((g * g).sum() for g in grads if g.requires_grad)
        second = lib.autograd.grad(total, params, allow_unused=True) if not isinstance(
            total, int) else [None] * len(params)
        results.append(([g.detach().numpy() for g in grads],
                        [None if s is None else s.numpy() for s in second]))
    (jg, js), (tg, ts_) = results
    for a, b in zip(jg, tg):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    for a, b in zip(js, ts_):
        if a is None or b is None:
            assert a is None or not a.any()
            assert b is None or not b.any()
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ embedding


def test_embedding_by_hand():
    w = jitgrad.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], requires_grad=True)
    i = jitgrad.tensor([[2, 0], [2, 2]])
    out = F(jitgrad).embedding(i, w)
    assert out.shape == (2, 2, 2) and out.tolist() == [[[4.0, 5.0], [0.0, 1.0]],
                                                       [[4.0, 5.0], [4.0, 5.0]]]
    out.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]]
    w.grad = None
    F(jitgrad).embedding(i, w, padding_idx=2).sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    w.grad = None
    F(jitgrad).embedding(i, w, scale_grad_by_freq=True).sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", [{"scale_grad_by_freq": True},
                                {"scale_grad_by_freq": True, "padding_idx": 0},
                                {"padding_idx": -2}], ids=["freq", "freq-padding", "padding"])
def test_embedding_repeated_indices_match_torch(kw, dtype):
    # the gradient scaling and the padding row are not finite differences: torch's values
    torch_check(lambda lib, i, w: F(lib).embedding(i, w, **kw),
                idx([0, 2, 2, 3], [2, 1, 0, 2]), R(4, 3).astype(dtype))


def test_embedding_keeps_weight_dtype_and_takes_any_weight():
    i = jitgrad.tensor([1, 0])
    assert F(jitgrad).embedding(i, jitgrad.ones(2, 3)).dtype is jitgrad.float32
    assert F(jitgrad).embedding(i, jitgrad.ones(2, 3, dtype=jitgrad.float64)).dtype \
        is jitgrad.float64
    ints = F(jitgrad).embedding(i, jitgrad.arange(6).view(2, 3))
    assert ints.dtype is jitgrad.int64 and ints.tolist() == [[3, 4, 5], [0, 1, 2]]
    assert F(jitgrad).embedding(jitgrad.zeros(0, 2, dtype=jitgrad.int64),
                                jitgrad.ones(2, 3)).shape == (0, 2, 3)
    out = F(jitgrad).embedding(i, jitgrad.ones(2, 3))
    assert out.grad_fn is None and not out.requires_grad


def test_embedding_sparse_forward_works_and_its_gradient_is_refused():
    w = jitgrad.ones(3, 2)
    i = jitgrad.tensor([0, 2])
    assert F(jitgrad).embedding(i, w, sparse=True).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    w.requires_grad_(True)
    with pytest.raises(NotImplementedError, match="sparse"):
        F(jitgrad).embedding(i, w, sparse=True)


def test_embedding_saved_indices_version():
    w = jitgrad.ones(3, 2, requires_grad=True)
    i = jitgrad.tensor([0, 2])
    out = F(jitgrad).embedding(i, w)
    i.add_(0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_norm_renormalises_rows_in_place_as_torch(norm_type, dtype):
    torch = pytest.importorskip("torch")
    w0 = (R(6, 4) * 2).astype(dtype)
    i = idx([1, 3, 3], [5, -1 + 6, 0])
    results = []
    for lib in (jitgrad, torch):
        w = lib.tensor(w0.copy(), requires_grad=True)
        before = w._version
        out = F(lib).embedding(lib.tensor(i), w, max_norm=1.5, norm_type=norm_type)
        out.sum().backward()
        results.append((out.detach().numpy(), w.detach().numpy(), w.grad.numpy(),
                        w._version - before))
    (jo, jw, jg, jv), (to, tw, tg, tv) = results
    np.testing.assert_allclose(jo, to, rtol=1e-6)
    np.testing.assert_allclose(jw, tw, rtol=1e-6)
    np.testing.assert_array_equal(jg, tg)
    assert jv == tv == 1
    # rows looked up are within max_norm now, the others untouched
    norms = np.linalg.norm(jw.astype(np.float64), ord=norm_type, axis=1)
    assert np.all(norms[[0, 1, 3, 5]] <= 1.5 + 1e-6)
    np.testing.assert_array_equal(jw[[2, 4]], w0[[2, 4]])


def test_max_norm_negative_index_renorms_then_fails_as_torch():
    w = jitgrad.tensor(np.full((3, 2), 4.0))
    with pytest.raises(IndexError, match="index out of range in self"):
        F(jitgrad).embedding(jitgrad.tensor([-1]), w, max_norm=1.0)
    # torch's renorm selects row -1 (the last) before the lookup refuses the index
    np.testing.assert_allclose(np.linalg.norm(w.numpy(), axis=1), [np.sqrt(32)] * 2 + [1.0],
                               rtol=1e-6)


# ------------------------------------------------------------------ layer_norm


def test_layer_norm_by_hand():
    x = jitgrad.tensor([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    y = F(jitgrad).layer_norm(x, (3,), eps=0.0)
    np.testing.assert_allclose(y.detach().numpy(), [[-np.sqrt(1.5), 0, np.sqrt(1.5)],
                                                    [np.nan] * 3], rtol=1e-6)
    x2 = jitgrad.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    w = jitgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = jitgrad.tensor([0.5, 0.5, 0.5], requires_grad=True)
    y = F(jitgrad).layer_norm(x2, (3,), w, b, eps=0.0)
    s = np.sqrt(1.5)
    np.testing.assert_allclose(y.detach().numpy(), [[0.5 - s, 0.5, 0.5 + 3 * s]], rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(w.grad.numpy(), [-s, 0.0, s], rtol=1e-6)
    # the normalised row sums to zero whatever x is: sum(y - b) has no x gradient
    # beyond what the weights make; with equal weights none
    x3 = jitgrad.tensor([[1.0, 5.0, 2.0]], requires_grad=True)
    F(jitgrad).layer_norm(x3, (3,)).sum().backward()
    np.testing.assert_allclose(x3.grad.numpy(), [[0.0, 0.0, 0.0]], atol=1e-6)


def test_layer_norm_float32_large_offset_is_accurate():
    # values far from zero: the statistics must not cancel catastrophically
    base = np.float32(1e4)
    x = (base + rng.standard_normal((4, 64))).astype(np.float32)
    y = F(jitgrad).layer_norm(jitgrad.tensor(x), (64,)).numpy()
    x64 = x.astype(np.float64)
    ref = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, ref, atol=2e-3)


def test_layer_norm_empty_and_dtypes():
    assert F(jitgrad).layer_norm(jitgrad.zeros(0, 5), (5,)).shape == (0, 5)
    assert F(jitgrad).layer_norm(jitgrad.zeros(3, 0), (0,)).shape == (3, 0)
    y = F(jitgrad).layer_norm(jitgrad.ones(2, 3, dtype=jitgrad.float64), (3,))
    assert y.dtype is jitgrad.float64
    assert F(jitgrad).layer_norm(jitgrad.ones(2, 3), [3]).dtype is jitgrad.float32


def test_layer_norm_saved_tensors_versions():
    x = jitgrad.tensor(R(2, 3).astype(np.float32), requires_grad=True)
    w = jitgrad.ones(3, requires_grad=True)
    y = x * 1
    out = F(jitgrad).layer_norm(y, (3,), w)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


# ------------------------------------------------------------------ batch_norm


def test_batch_norm_by_hand():
    x = jitgrad.tensor([[1.0], [3.0]], requires_grad=True)
    rm, rv = jitgrad.zeros(1), jitgrad.ones(1)
    y = F(jitgrad).batch_norm(x, rm, rv, training=True, momentum=0.1, eps=1e-12)
    np.testing.assert_allclose(y.detach().numpy(), [[-1.0], [1.0]], rtol=1e-6)
    assert rm.tolist() == pytest.approx([0.2])          # 0.9 * 0 + 0.1 * 2
    assert rv.tolist() == pytest.approx([1.1])          # 0.9 * 1 + 0.1 * var([1, 3], unbiased)
    y.backward(jitgrad.tensor([[1.0], [1.0]]))
    np.testing.assert_allclose(x.grad.numpy(), [[0.0], [0.0]], atol=1e-6)
    # evaluation: (x - running_mean) / sqrt(running_var + eps) * w + b
    w, b = jitgrad.tensor([2.0]), jitgrad.tensor([0.5])
    y = F(jitgrad).batch_norm(jitgrad.tensor([[1.2], [2.2]]), jitgrad.tensor([0.2]),
                              jitgrad.tensor([4.0]), w, b, eps=0.0)
    np.testing.assert_allclose(y.numpy(), [[1.5], [2.5]], rtol=1e-6)


@pytest.mark.parametrize("shape", [(16, 5), (8, 3, 7), (6, 4, 3, 3), (70, 3), (3, 2, 300)],
                         ids=["2d", "3d", "4d", "2d-tall", "3d-long"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_running_stats_match_torch(shape, dtype):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    C = shape[1]
    results = []
    for lib in (jitgrad, torch):
        data = np.random.default_rng(3)
        rm = lib.tensor(data.standard_normal(C).astype(dtype))
        rv = lib.tensor(data.uniform(0.5, 2, C).astype(dtype))
        outs = []
        for momentum in (0.1, 0.3, 1.0, 0.05):
            x = lib.tensor((data.standard_normal(shape) * 2 + 3).astype(dtype))
            outs.append(F(lib).batch_norm(x, rm, rv, training=True, momentum=momentum).numpy())
        assert rm._version == 0 and rv._version == 0     # torch does not count these updates
        results.append((rm.numpy(), rv.numpy(), outs))
    (jm, jv, jo), (tm, tv, to) = results
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(jm, tm, **tol)
    np.testing.assert_allclose(jv, tv, **tol)
    for a, b in zip(jo, to):
        np.testing.assert_allclose(a, b, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-5 if dtype == np.float32 else 1e-12)


def test_batch_norm_without_running_stats_in_training():
    x = jitgrad.tensor(R(5, 2))
    y = F(jitgrad).batch_norm(x, None, None, training=True).numpy()
    ref = (x.numpy() - x.numpy().mean(0)) / np.sqrt(x.numpy().var(0) + 1e-5)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)


def test_batch_norm_empty_input_is_torchs_clone():
    x = jitgrad.zeros(0, 3, requires_grad=True)
    rm = jitgrad.zeros(5)
    out = F(jitgrad).batch_norm(x, rm, jitgrad.ones(5), training=True)
    assert out.shape == (0, 3) and type(out.grad_fn).__name__ == "CloneBackward0"
    out = F(jitgrad).batch_norm(x, None, None, jitgrad.ones(3), jitgrad.ones(3), training=True)
    assert type(out.grad_fn).__name__ == "AddBackward0"


def test_batch_norm_float64_large_offset_is_accurate():
    x = 1e6 + rng.standard_normal((32, 4))
    y = F(jitgrad).batch_norm(jitgrad.tensor(x), None, None, training=True).numpy()
    ref = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(y, ref, rtol=1e-7, atol=1e-7)


def test_batch_norm_saved_running_stats_versions():
    # torch saves the running statistics: changing them before backward is refused
    x = jitgrad.tensor(R(4, 2).astype(np.float32), requires_grad=True)
    rm, rv = jitgrad.zeros(2), jitgrad.ones(2)
    out = F(jitgrad).batch_norm(x, rm, rv, training=False)
    rv.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_top_level_forms_match_torch():
    # torch.embedding(weight, indices, padding_idx) (a negative padding_idx: none),
    # torch.batch_norm(input, weight, bias, running_mean, running_var, training, ...)
    torch_check(lambda lib, w, i: lib.embedding(w, i, 1), R(4, 3), idx(1, 3, 1))
    torch_check(lambda lib, w, i: lib.embedding(w, i, -2), R(4, 3), idx(1, 2, 0))
    torch_check(lambda lib, x, w, b: lib.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
                R(5, 3), R(3), R(3))
    torch_check(lambda lib, x, w, b: lib.layer_norm(x, [3], w, b, 1e-3), R(5, 3), R(3), R(3))


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _w(lib, *shape, dtype=None):
    return lib.ones(*shape, dtype=dtype or lib.float32)


def _i(lib, *values, dtype=None):
    return lib.tensor(list(values), dtype=dtype or lib.int64)


def _ln(lib, x_shape, ns, w=None, b=None, x_dtype=None):
    return F(lib).layer_norm(lib.ones(*x_shape, dtype=x_dtype or lib.float32), ns, w, b)


def _bn(lib, x, rm=None, rv=None, w=None, b=None, training=False, **kw):
    return F(lib).batch_norm(x, rm, rv, w, b, training, **kw)


def _emb_indices(dtype_name, fname="embedding", position=1):
    kind = {"float32": "jitgrad.FloatTensor", "float64": "jitgrad.DoubleTensor",
            "bool": "CPUBoolType"}[dtype_name]
    return (f"Expected tensor for argument #{position} 'indices' to have one of the following "
            f"scalar types: Long, Int; but got {kind} instead (while checking arguments for "
            f"{fname})")


MIXED_PARAM = "mixed dtype (CPU): expect parameter to have scalar type of Float"
MIXED_INPUTS = "mixed dtype (CPU): all inputs must share same datatype."

ERRORS = [
    # ---- embedding
    Case("emb-out-of-range", lambda lib: F(lib).embedding(_i(lib, 5), _w(lib, 5, 3)), IndexError,
         "index out of range in self"),
    Case("emb-negative", lambda lib: F(lib).embedding(_i(lib, -1), _w(lib, 5, 3)), IndexError,
         "index out of range in self"),
    Case("emb-float-indices", lambda lib: F(lib).embedding(_w(lib, 2), _w(lib, 5, 3)),
         RuntimeError, _emb_indices("float32")),
    Case("emb-double-indices",
         lambda lib: F(lib).embedding(_w(lib, 2, dtype=lib.float64), _w(lib, 5, 3)),
         RuntimeError, _emb_indices("float64")),
    Case("emb-bool-indices", lambda lib: F(lib).embedding(lib.tensor([True]), _w(lib, 5, 3)),
         RuntimeError, _emb_indices("bool")),
    Case("emb-weight-1d", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5)), RuntimeError,
         "'weight' must be 2-D"),
    Case("emb-weight-3d", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5, 3, 2)),
         RuntimeError, "'weight' must be 2-D"),
    Case("emb-padding-high", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5, 3),
                                                          padding_idx=5),
         AssertionError, "Padding_idx must be within num_embeddings"),
    Case("emb-padding-low", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5, 3),
                                                         padding_idx=-6),
         AssertionError, "Padding_idx must be within num_embeddings"),
    Case("emb-indices-list", lambda lib: F(lib).embedding([1, 2], _w(lib, 5, 3)), TypeError,
         "embedding(): argument 'indices' (position 2) must be Tensor, not list"),
    Case("emb-weight-list", lambda lib: F(lib).embedding(_i(lib, 1), [1.0]), TypeError,
         "embedding(): argument 'weight' (position 1) must be Tensor, not list"),
    Case("emb-freq-type", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5, 3),
                                                       scale_grad_by_freq=1.0),
         TypeError, "embedding(): argument 'scale_grad_by_freq' (position 4) must be bool, "
                    "not float"),
    Case("renorm-out-of-range", lambda lib: F(lib).embedding(_i(lib, 7), _w(lib, 5, 3),
                                                             max_norm=1.0),
         IndexError, "select(): index 7 out of range for tensor of size [5, 3] at dimension 0"),
    Case("renorm-too-negative", lambda lib: F(lib).embedding(_i(lib, -6), _w(lib, 5, 3),
                                                             max_norm=1.0),
         IndexError, "select(): index -6 out of range for tensor of size [5, 3] at dimension 0"),
    Case("renorm-3d", lambda lib: F(lib).embedding(_i(lib, 1), _w(lib, 5, 3, 2), max_norm=1.0),
         RuntimeError, "Expected 2-dimensional tensor, but got 3-dimensional tensor for argument "
                       "#1 'self' (while checking arguments for embedding_renorm_)"),
    Case("renorm-float-indices", lambda lib: F(lib).embedding(_w(lib, 1), _w(lib, 5, 3),
                                                              max_norm=1.0),
         RuntimeError, _emb_indices("float32", "embedding_renorm_", 2)),
    # ---- layer_norm
    Case("ln-input-shape", lambda lib: _ln(lib, (4, 3, 5), (4,)), RuntimeError,
         "Given normalized_shape=[4], expected input with shape [*, 4], but got input of "
         "size[4, 3, 5]"),
    Case("ln-input-too-small", lambda lib: _ln(lib, (3, 5), (2, 3, 5)), RuntimeError,
         "Given normalized_shape=[2, 3, 5], expected input with shape [*, 2, 3, 5], but got "
         "input of size[3, 5]"),
    Case("ln-negative", lambda lib: _ln(lib, (3, 5), (-5,)), RuntimeError,
         "Given normalized_shape=[-5], expected input with shape [*, -5], but got input of "
         "size[3, 5]"),
    Case("ln-empty-shape", lambda lib: _ln(lib, (3, 5), ()), RuntimeError,
         "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
         "element, but got normalized_shape = []"),
    Case("ln-weight-shape", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 4)), RuntimeError,
         "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] "
         "and normalized_shape = [5]"),
    Case("ln-weight-2d", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 1, 5)), RuntimeError,
         "Expected weight to be of same shape as normalized_shape, but got weight of shape "
         "[1, 5] and normalized_shape = [5]"),
    Case("ln-bias-shape", lambda lib: _ln(lib, (3, 5), (5,), None, _w(lib, 4)), RuntimeError,
         "Expected bias to be of same shape as normalized_shape, but got bias of shape [4] and "
         "normalized_shape = [5]"),
    Case("ln-double-input", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5), None, lib.float64),
         RuntimeError, MIXED_INPUTS),
    Case("ln-double-weight", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5, dtype=lib.float64)),
         RuntimeError, MIXED_PARAM),
    Case("ln-double-bias-only",
         lambda lib: _ln(lib, (3, 5), (5,), None, _w(lib, 5, dtype=lib.float64)),
         RuntimeError, MIXED_PARAM),
    Case("ln-double-bias", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5),
                                           _w(lib, 5, dtype=lib.float64)),
         RuntimeError, "expected scalar type Float but found Double"),
    Case("ln-float-bias-double", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5, dtype=lib.float64),
                                                 _w(lib, 5), lib.float64),
         RuntimeError, "expected scalar type Double but found Float"),
    Case("ln-long-input", lambda lib: _ln(lib, (3, 5), (5,), None, None, lib.int64),
         NotImplementedError, "\"LayerNormKernelImpl\" not implemented for 'Long'"),
    Case("ln-bool-input", lambda lib: _ln(lib, (3, 5), (5,), None, None, lib.bool),
         NotImplementedError, "\"LayerNormKernelImpl\" not implemented for 'Bool'"),
    Case("ln-long-params", lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5, dtype=lib.int64), None,
                                           lib.int64),
         NotImplementedError, "\"LayerNormKernelImpl\" not implemented for 'Long'"),
    Case("ln-long-input-float-weight",
         lambda lib: _ln(lib, (3, 5), (5,), _w(lib, 5), None, lib.int64),
         RuntimeError, MIXED_INPUTS),
    Case("ln-shape-int", lambda lib: _ln(lib, (3, 5), 5), TypeError,
         "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
    Case("ln-shape-float", lambda lib: _ln(lib, (3, 5), (5.0,)), TypeError,
         "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, but "
         "found element of type float at pos 0"),
    Case("ln-input-list", lambda lib: F(lib).layer_norm([1.0], (1,)), TypeError,
         "layer_norm(): argument 'input' (position 1) must be Tensor, not list"),
    Case("ln-weight-list", lambda lib: _ln(lib, (3, 5), (5,), [1.0]), TypeError,
         "layer_norm(): argument 'weight' (position 3) must be Tensor, not list"),
    Case("ln-bias-list", lambda lib: _ln(lib, (3, 5), (5,), None, [1.0]), TypeError,
         "layer_norm(): argument 'bias' (position 4) must be Tensor, not list"),
    Case("ln-eps-str", lambda lib: F(lib).layer_norm(_w(lib, 3, 5), (5,), eps="a"), TypeError,
         "layer_norm(): argument 'eps' (position 5) must be float, not str"),
    # ---- batch_norm
    Case("bn-eval-no-mean", lambda lib: _bn(lib, _w(lib, 4, 3)), RuntimeError,
         "running_mean must be defined in evaluation mode"),
    Case("bn-eval-no-var", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3)), RuntimeError,
         "running_var must be defined in evaluation mode"),
    Case("bn-train-one-stat", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3), training=True),
         ValueError, "running_mean and running_var must either both be None or neither be None"),
    Case("bn-train-one-stat-long",
         lambda lib: _bn(lib, _w(lib, 4, 3, dtype=lib.int64), _w(lib, 3), training=True),
         ValueError, "running_mean and running_var must either both be None or neither be None"),
    Case("bn-batch-of-one", lambda lib: _bn(lib, _w(lib, 1, 3), training=True), ValueError,
         "Expected more than 1 value per channel when training, got input size "
         "jitgrad.Size([1, 3])"),
    Case("bn-batch-of-one-3d", lambda lib: _bn(lib, _w(lib, 1, 3, 1), training=True), ValueError,
         "Expected more than 1 value per channel when training, got input size "
         "jitgrad.Size([1, 3, 1])"),
    Case("bn-0d-training", lambda lib: _bn(lib, lib.tensor(1.0), training=True), IndexError,
         "tuple index out of range"),
    Case("bn-mean-size", lambda lib: _bn(lib, _w(lib, 4, 5), _w(lib, 3), _w(lib, 3)),
         RuntimeError, "running_mean should contain 5 elements not 3"),
    Case("bn-var-size", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3), _w(lib, 4)),
         RuntimeError, "running_var should contain 3 elements not 4"),
    Case("bn-weight-size", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3), _w(lib, 3), _w(lib, 4)),
         RuntimeError, "weight should contain 3 elements not 4"),
    Case("bn-bias-size", lambda lib: _bn(lib, _w(lib, 4, 3), None, None, None, _w(lib, 4),
                                         training=True),
         RuntimeError, "bias should contain 3 elements not 4"),
    Case("bn-1d-input", lambda lib: _bn(lib, _w(lib, 3), _w(lib, 3), _w(lib, 3)), RuntimeError,
         "running_mean should contain 0 elements not 3"),
    Case("bn-mean-2d", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 1, 3), _w(lib, 3)),
         RuntimeError, "TensorAccessor expected 1 dims but tensor has 2"),
    Case("bn-long-input", lambda lib: _bn(lib, _w(lib, 4, 3, dtype=lib.int64), training=True),
         NotImplementedError, "\"batch_norm\" not implemented for 'Long'"),
    Case("bn-bool-input", lambda lib: _bn(lib, _w(lib, 4, 3, dtype=lib.bool), training=True),
         NotImplementedError, "\"batch_norm\" not implemented for 'Bool'"),
    Case("bn-long-input-float-stats", lambda lib: _bn(lib, _w(lib, 4, 3, dtype=lib.int64),
                                                      _w(lib, 3), _w(lib, 3), training=True),
         NotImplementedError, "\"batch_norm\" not implemented for 'Long'"),
    Case("bn-double-input", lambda lib: _bn(lib, _w(lib, 4, 3, dtype=lib.float64), _w(lib, 3),
                                            _w(lib, 3), training=True),
         RuntimeError, MIXED_INPUTS),
    Case("bn-double-weight", lambda lib: _bn(lib, _w(lib, 4, 3), None, None,
                                             _w(lib, 3, dtype=lib.float64), training=True),
         RuntimeError, MIXED_PARAM),
    Case("bn-double-bias", lambda lib: _bn(lib, _w(lib, 4, 3), None, None, _w(lib, 3),
                                           _w(lib, 3, dtype=lib.float64), training=True),
         RuntimeError, "expected scalar type Float but found Double"),
    Case("bn-long-var", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3),
                                        _w(lib, 3, dtype=lib.int64)),
         RuntimeError, "expected scalar type Float but found Long"),
    Case("bn-eps-zero-training", lambda lib: _bn(lib, _w(lib, 4, 3), training=True, eps=0.0),
         ValueError, "batch_norm eps must be positive during training, but got 0.0"),
    Case("bn-eps-negative", lambda lib: _bn(lib, _w(lib, 4, 3), _w(lib, 3), _w(lib, 3), eps=-1.0),
         ValueError, "batch_norm eps must be non-negative, but got -1.0"),
    Case("bn-momentum-none", lambda lib: _bn(lib, _w(lib, 4, 3), training=True, momentum=None),
         TypeError, "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType"),
    Case("bn-input-list", lambda lib: _bn(lib, [1.0], _w(lib, 3), _w(lib, 3)), TypeError,
         "batch_norm(): argument 'input' (position 1) must be Tensor, not list"),
    Case("bn-mean-list", lambda lib: _bn(lib, _w(lib, 4, 3), [1.0], _w(lib, 3)), TypeError,
         "batch_norm(): argument 'running_mean' (position 4) must be Tensor, not list"),
    Case("bn-weight-list", lambda lib: _bn(lib, _w(lib, 4, 3), None, None, [1.0], training=True),
         TypeError, "batch_norm(): argument 'weight' (position 2) must be Tensor, not list"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


def test_embedding_backward_never_writes_outside_the_weight():
    # indices changed behind the version counter's back (through numpy)
    w = jitgrad.ones(3, 2, requires_grad=True)
    i = jitgrad.tensor([0, 2])
    out = F(jitgrad).embedding(i, w)
    i.numpy()[1] = 1000
    with pytest.raises(IndexError, match="index out of range in self"):
        out.sum().backward()
    out = F(jitgrad).embedding(jitgrad.tensor([0, 1]), w)
    out.grad_fn._saved[0][0] = -5
    with pytest.raises(IndexError, match="index out of range in self"):
        jitgrad.autograd.grad(out.sum(), w, create_graph=True)
