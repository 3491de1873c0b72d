"""scatter/scatter_add/scatter_reduce, index_add/index_copy/index_fill/index_put,
masked_select/masked_scatter/masked_fill_, take/take_along_dim, nonzero/argwhere
(jitgrad/ops/scatter.py); cumprod, cummax/cummin, logcumsumexp, the in-place view
ops squeeze_/unsqueeze_/t_/transpose_ and resize_ (jitgrad/ops/scans.py).

Finite differences in float64, torch's values/grads/dtypes/node names in float32
and float64 (non-contiguous inputs, duplicate indices for the accumulating ops,
negative dims), hand-derived values, in-place semantics, double backward, and
the errors with torch's type and text."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, table_tests

rng = np.random.default_rng(7)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def I(*rows):
    return np.array(rows, dtype=np.int64)


def B(*rows):
    return np.array(rows, dtype=bool)


# scatter's index: no position written twice (torch leaves that order unspecified)
SCATTER_I = I([0, 1, 2, 0], [2, 0, 1, 1])
DUP_I = I([0, 0, 3], [1, 1, 1])                   # repeated positions accumulate
PROD_SELF = np.array([[1.5, 0.0, -2.0, 0.5], [0.7, 1.2, -0.4, 2.0]])
PROD_SRC = np.array([[0.0, 0.9, 1.1], [-1.3, 0.6, 1.4]])
CUMPROD_X = np.array([[0.5, 0.0, 2.0, -1.5, 0.0], [1.2, -0.8, 0.9, 1.1, -1.3],
                      [0.0, 1.7, -0.6, 0.4, 2.2]])

CASES = [
    ("scatter", "src-non-contiguous", lambda lib, x, s, i: x.t().scatter(0, i, s.t()),
     [R(4, 3), R(4, 2), SCATTER_I]),
    ("scatter_value", "negative-dim", lambda lib, x, i: lib.scatter(x, -1, i, value=1.5),
     [R(2, 5), SCATTER_I[:, :2]]),
    ("scatter_add", "duplicates", lambda lib, x, s, i: lib.scatter_add(x, 1, i, s),
     [R(2, 4), R(2, 3), DUP_I]),
    ("scatter_add", "inplace", lambda lib, x, s, i: (x * 1).scatter_add_(-1, i, s),
     [R(2, 4), R(2, 3), DUP_I]),
    ("scatter_reduce", "sum-exclude-self", lambda lib, x, s, i: x.scatter_reduce(
        1, i, s, "sum", include_self=False), [R(2, 4), R(2, 3), DUP_I]),
    ("scatter_reduce", "prod-zeros", lambda lib, x, s, i: lib.scatter_reduce(x, 1, i, s, "prod"),
     [PROD_SELF, PROD_SRC, DUP_I]),
    ("scatter_reduce", "mean", lambda lib, x, s, i: x.scatter_reduce(1, i, s, "mean"),
     [R(2, 4), R(2, 3), DUP_I]),
    ("scatter_reduce", "amax-exclude-self", lambda lib, x, s, i: x.scatter_reduce(
        1, i, s, "amax", include_self=False), [R(2, 4), R(2, 3), DUP_I]),
    ("scatter_reduce", "amin-non-contiguous", lambda lib, x, s, i: x.t().scatter_reduce(
        0, i, s.t(), "amin"), [R(2, 4), R(2, 3), DUP_I.T.copy()]),
    ("index_add", "duplicates-alpha-negative-dim", lambda lib, x, s, i: x.index_add(
        -1, i, s, alpha=2.5), [R(3, 4), R(3, 3), I(0, 3, 0)]),
    ("index_add", "inplace-non-contiguous", lambda lib, x, s, i: (x * 1).index_add_(
        0, i, s.t()), [R(3, 4), R(4, 2), I(2, 0)]),
    ("index_copy", "non-contiguous-source", lambda lib, x, s, i: lib.index_copy(x, 0, i, s.t()),
     [R(3, 4), R(4, 2), I(2, 0)]),
    ("index_fill", "negative-dim", lambda lib, x, i: x.index_fill(-1, i, -2.0),
     [R(3, 4), I(1, 3)]),
    ("index_fill_tensor", "value-tensor", lambda lib, x, v, i: x.index_fill(0, i, v.reshape(())),
     [R(3, 4), R(), I(0, 2)]),
    ("index_put", "accumulate-duplicates-broadcast", lambda lib, x, v, i: x.index_put(
        (i,), v, accumulate=True), [R(3, 4), R(4), I(0, 2, 0)]),
    ("index_put", "two-indices-inplace", lambda lib, x, v, i, j: (x * 1).index_put_(
        (i, j), v), [R(3, 4), R(2), I(0, 2), I(3, 1)]),
    ("masked_select", "broadcast-mask", lambda lib, x, m: x.masked_select(m),
     [R(3, 4), B([True, False, True, True])]),
    ("masked_scatter", "broadcast-larger-source", lambda lib, x, m, s: lib.masked_scatter(
        x, m, s), [R(2, 4), B([True, False, False, True]), R(3, 3)]),
    ("masked_scatter", "inplace", lambda lib, x, m, s: (x * 1).masked_scatter_(m, s),
     [R(2, 3), B([True, False, True], [False, True, True]), R(5)]),
    ("masked_fill", "inplace", lambda lib, x, m: (x * 1).masked_fill_(m, 0.5),
     [R(2, 3), B([True, False, True])]),
    ("take", "negative-duplicates", lambda lib, x, i: lib.take(x.t(), i),
     [R(3, 4), I([0, -1, 5], [5, 11, -12])]),
    ("take_along_dim", "broadcast", lambda lib, x, i: lib.take_along_dim(x, i, 1),
     [R(3, 4), I([3, 0, 3])]),
    ("take_along_dim", "flat", lambda lib, x, i: x.take_along_dim(i), [R(3, 4), I(11, 0, 11)]),
    ("cumprod", "zeros", lambda lib, x: lib.cumprod(x, 1), [CUMPROD_X]),
    ("cumprod", "negative-dim-non-contiguous", lambda lib, x: x.t().cumprod(-1), [R(4, 3)]),
    ("cummax", "dim1", lambda lib, x: lib.cummax(x, 1).values, [R(3, 5)]),
    ("cummin", "negative-dim-non-contiguous", lambda lib, x: x.t().cummin(-2)[0], [R(3, 4)]),
    ("logcumsumexp", "dim0", lambda lib, x: lib.logcumsumexp(x * 10, 0), [R(4, 3)]),
    ("squeeze_", "all", lambda lib, x: (x * 1).squeeze_(), [R(3, 1, 2)]),
    ("squeeze_dim_", "negative-dim", lambda lib, x: (x * 1).squeeze_(-2), [R(3, 1, 2)]),
    ("squeeze_dims_", "tuple", lambda lib, x: (x * 1).squeeze_((0, 2)), [R(1, 3, 1)]),
    ("unsqueeze_", "dim", lambda lib, x: (x * 1).unsqueeze_(-1), [R(3, 2)]),
    ("t_", "matrix", lambda lib, x: (x * 1).t_(), [R(3, 2)]),
    ("transpose_", "3d", lambda lib, x: (x * 1).transpose_(0, -1), [R(2, 3, 4)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("case", ["scatter-src-non-contiguous", "scatter_reduce-prod-zeros",
                                  "masked_scatter-inplace", "cumprod-zeros", "logcumsumexp-dim0",
                                  "index_put-accumulate-duplicates-broadcast"])
def test_gradgradcheck(case):
    ids = [f"{e}-{n}" for e, n, _, _ in CASES]
    _, _, fn, inputs = CASES[ids.index(case)]
    ts = tuple(jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs)
    floats = [k for k, a in enumerate(inputs) if a.dtype.kind == "f"]

    def f(*fl):
        args = list(ts)
        for k, t in zip(floats, fl):
            args[k] = t
        return fn(jitgrad, *args)

    assert jitgrad.autograd.gradgradcheck(f, tuple(ts[k] for k in floats))


# ------------------------------------------------------------------ hand-derived values


def test_cumprod_gradient_at_zeros():
    x = jitgrad.tensor([2.0, 0.0, 3.0, 0.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    # d/dx0 = 1 + x1 + ...= 1, d/dx1 = x0 + x0*x2 + x0*x2*x3 = 8, after the first zero: 0
    assert x.grad.tolist() == [1.0, 8.0, 0.0, 0.0]


def test_cummax_cummin_indices_ties_nan_bool_int():
    nan = float("nan")
    r = jitgrad.cummax(jitgrad.tensor([1.0, 3.0, 3.0, nan, 2.0, nan]), 0)
    assert type(r).__name__ == "cummax" and r.indices.tolist() == [0, 1, 2, 3, 3, 5]
    assert np.isnan(r.values.numpy()[3:]).all() and r.values.tolist()[:3] == [1.0, 3.0, 3.0]
    r = jitgrad.tensor([True, False, True]).cummax(0)
    assert r.values.tolist() == [True, True, True] and r.indices.tolist() == [0, 0, 2]
    r = jitgrad.tensor([[4, 2, 2, 5]], dtype=jitgrad.int32).cummin(1)
    assert r.values.dtype == jitgrad.int32 and r.values.tolist() == [[4, 2, 2, 2]]
    assert r.indices.dtype == jitgrad.int64 and r.indices.tolist() == [[0, 1, 2, 2]]
    r = jitgrad.tensor(2.0).cummax(0)
    assert r.values.item() == 2.0 and r.indices.item() == 0 and r.indices.shape == ()


def test_scan_dtypes():
    assert jitgrad.tensor([1, 2, 3]).cumprod(0).tolist() == [1, 2, 6]
    assert jitgrad.tensor([True, True]).cumprod(0).dtype == jitgrad.int64
    assert jitgrad.tensor([1.0, 2.0]).cumprod(0, dtype=jitgrad.float64).dtype == jitgrad.float64
    y = jitgrad.tensor([1.0, 2.0, 3.0], dtype=jitgrad.float32).logcumsumexp(0)
    assert y.dtype == jitgrad.float32
    np.testing.assert_allclose(y.numpy(), np.log(np.cumsum(np.exp([1.0, 2.0, 3.0]))), rtol=1e-6)


def test_scatter_reduce_hand_values():
    t = jitgrad.tensor
    i = t([0, 0])
    assert t([1, 2, 3]).scatter_reduce(0, i, t([5, 8]), "mean").tolist() == [4, 2, 3]
    assert t([1.0, 2, 3]).scatter_reduce(0, i, t([5.0, 7]), "mean",
                                         include_self=False).tolist() == [6, 2, 3]
    assert t([1.0, 2, 3]).scatter_reduce(0, i, t([5.0, 7]), "prod").tolist() == [35, 2, 3]
    assert t([9.0, 2, 3]).scatter_reduce(0, i, t([5.0, 7]), "amax",
                                         include_self=False).tolist() == [7, 2, 3]
    assert t([1, 2, 3]).index_add(0, i, t([5, 7]), alpha=2).tolist() == [25, 2, 3]


def test_nonzero_argwhere():
    m = jitgrad.tensor([[0.0, 1.5], [2.0, 0.0]])
    assert m.nonzero().tolist() == [[0, 1], [1, 0]] and m.nonzero().dtype == jitgrad.int64
    assert [r.tolist() for r in jitgrad.nonzero(m, as_tuple=True)] == [[0, 1], [1, 0]]
    assert jitgrad.argwhere(m).tolist() == [[0, 1], [1, 0]]
    assert tuple(jitgrad.nonzero(jitgrad.tensor(3.0)).shape) == (1, 0)
    assert [r.tolist() for r in jitgrad.tensor(0.0).nonzero(as_tuple=True)] == [[]]
    assert tuple(jitgrad.zeros(2, 3).argwhere().shape) == (0, 2)


def test_scatter_legacy_reduce_warns_and_has_no_derivative():
    x = jitgrad.ones(3, requires_grad=True)
    with pytest.warns(UserWarning, match="scatter_reduce instead"):
        y = (x * 1).scatter(0, jitgrad.tensor([0, 0]), jitgrad.tensor([2.0, 3.0]),
                            reduce="multiply")
    assert y.tolist() == [6.0, 1.0, 1.0] and type(y.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
        y.sum().backward()
    z = jitgrad.zeros(3).scatter_(0, jitgrad.tensor([1, 1]), 2.0, reduce="add")
    assert z.tolist() == [0.0, 4.0, 0.0]


def test_inplace_ops_share_memory_and_bump_versions():
    x = jitgrad.zeros(2, 1, 3)
    v0 = x._version
    same = x.squeeze_(1)
    assert same is x and tuple(x.shape) == (2, 3) and x._version == v0 + 1
    x.unsqueeze_(0).squeeze_(0).transpose_(0, 1)
    assert tuple(x.shape) == (3, 2)
    x.index_fill_(0, jitgrad.tensor([1]), 7.0).masked_fill_(jitgrad.tensor([True, False]), -1.0)
    assert x.tolist() == [[-1.0, 0.0], [-1.0, 7.0], [-1.0, 0.0]]
    w = jitgrad.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.t_()


def test_resize_():
    base = jitgrad.arange(6.0)
    x = base.view(2, 3)
    assert x.resize_(2, 2) is x and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    x[0, 0] = 9.0
    assert base[0].item() == 9.0                       # shrinking keeps the storage
    y = jitgrad.tensor([1.0, 2.0]).resize_(2, 2)
    assert y.shape == (2, 2) and y.view(-1)[:2].tolist() == [1.0, 2.0]


def test_resize_reads_storage_order_as_torch():
    torch = pytest.importorskip("torch")
    mine = jitgrad.arange(12.0).view(3, 4).t().resize_(2, 3).tolist()
    theirs = torch.arange(12.0).view(3, 4).t().resize_(2, 3).tolist()
    assert mine == theirs


# ------------------------------------------------------------------ errors

Err = namedtuple("Err", "id run exc message")
X = lambda lib: lib.zeros(3, 4)                    # noqa: E731
IDX = lambda lib: lib.tensor([[0, 1, 2, 0]])       # noqa: E731
ONES = lambda lib: lib.ones(1, 4)                  # noqa: E731

ERRORS = [
    Err("scatter-out-of-range", lambda lib: X(lib).scatter(0, lib.tensor([[5, 0, 0, 0]]), ONES(lib)),
        RuntimeError, "index 5 is out of bounds for dimension 0 with size 3"),
    Err("scatter-src-larger-backward", lambda lib: X(lib).scatter(
        0, IDX(lib), lib.ones(2, 5, requires_grad=True)).sum().backward(),
        RuntimeError, "Function ScatterBackward0 returned an invalid gradient at index 1 - got "
                      "[1, 4] but expected shape compatible with [2, 5]"),
    Err("scatter-src-dtype", lambda lib: X(lib).scatter(0, IDX(lib), ONES(lib).double()),
        RuntimeError, "scatter(): Expected self.dtype to be equal to src.dtype"),
    Err("scatter-reduce-index-dtype", lambda lib: X(lib).scatter_reduce(
        0, IDX(lib).float(), ONES(lib), "sum"),
        RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    Err("scatter-index-size", lambda lib: X(lib).scatter(0, lib.zeros(4, 4, dtype=lib.int64),
                                                         ONES(lib)),
        RuntimeError, "Expected index [4, 4] to be no larger than self [3, 4] apart from "
                      "dimension 0 and to be no larger size than src [1, 4]"),
    Err("scatter-reduce-name", lambda lib: X(lib).scatter_reduce(0, IDX(lib), ONES(lib), "foo"),
        RuntimeError, "reduce argument must be either sum, prod, mean, amax or amin, got foo"),
    Err("index-add-source-dtype", lambda lib: X(lib).index_add(0, lib.tensor([0]),
                                                               lib.ones(1, 4).double()),
        RuntimeError, "index_add_(): self (Float) and source (Double) must have the same "
                      "scalar type"),
    Err("index-copy-index-int32", lambda lib: X(lib).index_copy(0, lib.tensor([0]).int(),
                                                                lib.ones(1, 4)),
        RuntimeError, "index_copy_(): Expected a long tensor for index, but got Int"),
    Err("index-copy-out-of-range", lambda lib: X(lib).index_copy(0, lib.tensor([3]),
                                                                 lib.ones(1, 4)),
        IndexError, "index_copy_(): index 3 is out of bounds for dimension 0 with size 3"),
    Err("index-fill-index-int32", lambda lib: X(lib).index_fill(0, lib.tensor([0]).int(), 1.0),
        IndexError, "index_fill_(): Expected dtype int64 for index."),
    Err("index-put-values-dtype", lambda lib: X(lib).index_put(
        (lib.tensor([0]),), lib.tensor(1.0, dtype=lib.float64)),
        RuntimeError, "Index put requires the source and destination dtypes match, got Float "
                      "for the destination and Double for the source."),
    Err("masked-scatter-source-dtype", lambda lib: X(lib).masked_scatter(
        X(lib) == 0, lib.ones(12, dtype=lib.float64)),
        RuntimeError, "masked_scatter: expected self and source to have same dtypes but "
                      "gotFloat and Double"),
    Err("masked-scatter-too-few", lambda lib: X(lib).masked_scatter(X(lib) == 0, lib.ones(2)),
        RuntimeError, "Number of elements of source < number of ones in mask"),
    Err("take-out-of-range", lambda lib: X(lib).take(lib.tensor([-13])),
        IndexError, "out of range: tried to access index -13 on a tensor of 12 elements."),
    Err("take-along-dim-index-dtype", lambda lib: X(lib).take_along_dim(lib.tensor([[1]]).int(), 1),
        RuntimeError, "jitgrad.take_along_dim(): dtype of indices should be Long but got Int"),
    Err("logcumsumexp-long", lambda lib: lib.tensor([1, 2]).logcumsumexp(0),
        NotImplementedError, "\"logcumsumexp_out_cpu\" not implemented for 'Long'"),
    Err("resize-requires-grad", lambda lib: lib.ones(3, requires_grad=True).resize_(2),
        RuntimeError, "cannot resize variables that require grad"),
    Err("masked-fill-inplace-broadcast", lambda lib: X(lib).masked_fill_(
        lib.ones(2, 3, 4, dtype=lib.bool), 0.0),
        RuntimeError, "output with shape [3, 4] doesn't match the broadcast shape [2, 3, 4]"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
