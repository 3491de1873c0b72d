"""sort, argsort, msort and topk (jitgrad/ops/selection.py, kernels/sorting.py).

Finite differences in float64, torch's values/grads/dtypes/node names, each
node's ``apply_graph`` against its ``apply``, hand-derived values, and torch's
indices exactly, ties and NaN included: ``sort(stable=False)`` is not a stable
sort in torch (it is the C++ library's introsort), so which index of a tie
comes first is checked against torch over many shapes, dtypes and sizes on
both sides of the algorithms' thresholds; then every error with torch's
message."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from jitgrad.ops import selection as _selection
from helpers import apply_and_apply_graph, error_tests, table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


# (2, 3) distinct positions of each row of a (2, 5) tensor
SCATTER_INDEX = [[4, 0, 2], [1, 3, 0]]


def scatter_zeros(lib, src):
    """sort/topk's recorded backward (create_graph): a scatter into zeros."""
    index = lib.tensor(SCATTER_INDEX)
    if lib is jitgrad:
        return _selection.scatter_zeros(src, 1, index, (2, 5))
    return lib.zeros(2, 5, dtype=src.dtype).scatter(1, index, src)


# (table entry, id, fn(lib, *inputs), numpy inputs); values are distinct (no ties),
# so the finite differences are well defined
CASES = [
    ("sort", "default", lambda lib, x: lib.sort(x).values, [R(3, 5)]),
    ("sort", "dim0-descending", lambda lib, x: lib.sort(x, 0, True).values, [R(4, 3)]),
    ("sort", "method-3d", lambda lib, x: x.sort(1).values, [R(2, 4, 3)]),
    ("sort", "keywords", lambda lib, x: x.sort(dim=0, descending=True)[0], [R(5, 2)]),
    ("sort", "non-contiguous", lambda lib, x: x.t().sort(1, descending=True).values, [R(4, 3)]),
    ("sort", "introsort-rows", lambda lib, x: x.sort().values, [R(2, 40)]),
    ("sort", "introsort-columns", lambda lib, x: x.sort(0, True).values, [R(33, 2)]),
    ("sort", "0d", lambda lib, x: lib.sort(x).values, [R()]),
    ("sort", "msort", lambda lib, x: lib.msort(x), [R(5, 3)]),
    ("sort", "msort-method-1d", lambda lib, x: x.msort(), [R(6)]),
    ("sort_stable", "stable", lambda lib, x: lib.sort(x, stable=True).values, [R(3, 5)]),
    ("sort_stable", "stable-descending-dim0",
     lambda lib, x: x.sort(stable=True, dim=0, descending=True).values, [R(20, 2)]),
    ("sort_stable", "stable-false", lambda lib, x: lib.sort(x, stable=False, dim=-1).values,
     [R(3, 30)]),
    ("sort_stable", "non-contiguous", lambda lib, x: x.t().sort(stable=True).values, [R(4, 3)]),
    ("topk", "default", lambda lib, x: lib.topk(x, 2).values, [R(3, 5)]),
    ("topk", "smallest-dim0", lambda lib, x: x.topk(2, 0, largest=False).values, [R(5, 3)]),
    ("topk", "unsorted", lambda lib, x: lib.topk(x, 3, sorted=False).values, [R(2, 10)]),
    ("topk", "unsorted-smallest", lambda lib, x: x.topk(4, -1, False, False).values, [R(3, 20)]),
    ("topk", "partial-sort", lambda lib, x: x.topk(2).values, [R(2, 130)]),
    ("topk", "all", lambda lib, x: x.topk(4, 0).values, [R(4, 3)]),
    ("topk", "k0", lambda lib, x: x.topk(0).values, [R(3, 4)]),
    ("topk", "0d", lambda lib, x: x.topk(1).values, [R()]),
    ("topk", "non-contiguous", lambda lib, x: x.t().topk(2, 1)[0], [R(5, 3)]),
    ("topk", "3d-middle", lambda lib, x: lib.topk(x, 2, dim=1).values, [R(2, 5, 3)]),
    ("scatter_zeros", "rows", scatter_zeros, [R(2, 3)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs, dtype):
    """The create_graph path (a recorded scatter) gives the kernels' gradient."""
    node, fast, graph = apply_and_apply_graph(fn, inputs, dtype)
    assert len(fast) == len(graph) == len(node.next_functions)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.shape == tuple(b.shape) and a.dtype == dtype
            np.testing.assert_array_equal(a, b.numpy(force=True))


def test_double_backward_records_torchs_nodes():
    names = []
    for lib in (jitgrad, pytest.importorskip("torch")):
        x = lib.tensor([3.0, 1.0, 2.0, 0.0], requires_grad=True)
        row = []
        for y in (x.sort().values, x.topk(2).values):
            g = lib.ones(y.shape, requires_grad=True)
            (gx,) = lib.autograd.grad(y, x, g, create_graph=True)
            (gg,) = lib.autograd.grad(gx, g, lib.arange(4.0))
            row.append((type(gx.grad_fn).__name__, gg.tolist()))
        names.append(row)
    assert names[0] == names[1]
    assert names[0][0] == ("ScatterBackward0", [3.0, 1.0, 2.0, 0.0])     # w[indices]


@pytest.mark.parametrize("case", ["sort-default", "sort_stable-stable", "topk-unsorted",
                                  "topk-non-contiguous", "scatter_zeros-rows"])
def test_gradgradcheck(case):
    _, _, fn, inputs = CASES[IDS.index(case)]
    ts = tuple(jitgrad.tensor(a, requires_grad=True) for a in inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *t: fn(jitgrad, *t), ts)


# ------------------------------------------------------------------ hand-derived values


def test_sort_by_hand():
    x = jitgrad.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, i = jitgrad.sort(x)
    assert v.tolist() == [1.0, 2.0, 3.0] and i.tolist() == [1, 2, 0]
    assert i.dtype == jitgrad.int64 and not i.requires_grad
    (v * jitgrad.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]
    v, i = x.sort(descending=True)
    assert v.tolist() == [3.0, 2.0, 1.0] and i.tolist() == [0, 2, 1]


def test_sort_nan_counts_as_largest():
    x = jitgrad.tensor([np.nan, 1.0, np.nan, 0.0])
    v, i = x.sort()
    np.testing.assert_array_equal(v.numpy(), [0.0, 1.0, np.nan, np.nan])
    assert i.tolist() == [3, 1, 0, 2]
    v, i = x.sort(descending=True)
    np.testing.assert_array_equal(v.numpy(), [np.nan, np.nan, 1.0, 0.0])
    assert i.tolist() == [0, 2, 1, 3]
    v, i = x.topk(1)
    assert np.isnan(v.item()) and i.tolist() == [0]
    v, i = x.topk(2, largest=False)
    assert v.tolist() == [0.0, 1.0] and i.tolist() == [3, 1]


def test_stable_sort_keeps_ties_in_order():
    x = jitgrad.tensor([2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    assert jitgrad.argsort(x, stable=True).tolist() == list(range(1, 20, 2)) + list(range(0, 20, 2))
    assert x.argsort(stable=True, descending=True).tolist() == \
        list(range(0, 20, 2)) + list(range(1, 20, 2))


def test_unstable_sort_of_20_ties_is_not_in_order():
    # torch's std::sort: 20 elements take the quicksort partition, ties move
    x = jitgrad.tensor([2, 1] * 10)
    expected = [1, 19, 17, 15, 13, 11, 9, 7, 5, 3, 8, 6, 10, 12, 4, 14, 16, 2, 18, 0]
    assert jitgrad.argsort(x).tolist() == expected
    assert sorted(expected[:10]) == list(range(1, 20, 2))


def test_topk_by_hand():
    x = jitgrad.tensor([1.0, 5.0, 3.0, 4.0], requires_grad=True)
    r = jitgrad.topk(x, 2)
    assert r.values.tolist() == [5.0, 4.0] and r.indices.tolist() == [1, 3]
    (r.values * jitgrad.tensor([1.0, 10.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0, 10.0]
    r = x.topk(3, largest=False)
    assert r.values.tolist() == [1.0, 3.0, 4.0] and r.indices.tolist() == [0, 2, 3]


def test_topk_0d_gives_itself_even_for_k0():
    x = jitgrad.tensor(2.5, requires_grad=True)
    for k in (0, 1):
        r = x.topk(k)
        assert r.values.shape == () and r.values.item() == 2.5 and r.indices.item() == 0
    r.values.backward()
    assert x.grad.item() == 1.0


def test_msort_and_argsort():
    x = jitgrad.tensor([[3.0, 0.0], [1.0, 2.0], [2.0, 1.0]], requires_grad=True)
    m = jitgrad.msort(x)
    assert m.tolist() == [[1.0, 0.0], [2.0, 1.0], [3.0, 2.0]]
    assert type(m.grad_fn).__name__ == "SortBackward0"
    a = x.argsort(0)
    assert a.tolist() == [[1, 0], [2, 2], [0, 1]]
    assert a.dtype == jitgrad.int64 and a.grad_fn is None and not a.requires_grad


def test_results_are_named_tuples():
    x = jitgrad.tensor([2.0, 1.0])
    for r, name in ((x.sort(), "sort"), (x.topk(1), "topk")):
        assert isinstance(r, tuple) and type(r).__name__ == name
        assert r.values is r[0] and r.indices is r[1]
        assert repr(r).startswith(f"jitgrad.return_types.{name}(\nvalues=tensor(")
        v, i = r
        assert v is r.values
    assert isinstance(x.sort(), jitgrad.return_types.sort)
    assert isinstance(x.topk(1), jitgrad.return_types.topk)


def test_sort_stable_overload_records_sortbackward1():
    x = jitgrad.tensor([2.0, 1.0], requires_grad=True)
    assert type(x.sort().values.grad_fn).__name__ == "SortBackward0"
    assert type(x.sort(stable=None).values.grad_fn).__name__ == "SortBackward1"
    assert type(jitgrad.sort(x, stable=False).values.grad_fn).__name__ == "SortBackward1"


def test_no_graph_without_grad():
    x = jitgrad.tensor([2.0, 1.0], requires_grad=True)
    with jitgrad.no_grad():
        assert x.sort().values.grad_fn is None and x.topk(1).values.grad_fn is None
    i = jitgrad.tensor([3, 1, 2])
    assert i.sort().values.tolist() == [1, 2, 3] and i.sort().values.dtype == jitgrad.int64


def test_changed_indices_refuse_backward():
    x = jitgrad.tensor([2.0, 1.0, 3.0], requires_grad=True)
    v, i = x.sort()
    i.add_(0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        v.sum().backward()


def test_backward_twice_needs_retain_graph():
    x = jitgrad.tensor([2.0, 1.0, 3.0], requires_grad=True)
    y = x.topk(2).values.sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_expanded_dim_keeps_its_order():
    # torch does not sort a dim of stride 0: its indices are 0, 1, 2, ...
    x = jitgrad.tensor([[3.0], [1.0]]).expand(2, 20)
    v, i = x.sort(1)
    assert i.tolist() == [list(range(20))] * 2 and v.tolist() == [[3.0] * 20, [1.0] * 20]
    assert x.argsort(0).tolist() == [[1] * 20, [0] * 20]


def test_long_1d_integer_ascending_sort_is_stable():
    # torch sorts these with a (stable) radix sort
    a = np.random.default_rng(3).integers(0, 5, 40000)
    got = jitgrad.argsort(jitgrad.tensor(a))
    np.testing.assert_array_equal(got.numpy(), np.argsort(a, kind="stable"))


def test_bool_sort():
    x = jitgrad.tensor([True, False, True, False])
    v, i = x.sort()
    assert v.tolist() == [False, False, True, True] and v.dtype == jitgrad.bool
    assert i.tolist() == [1, 3, 0, 2]


# ------------------------------------------------------------------ ties and NaN, against torch


def _tie_arrays(dtype, shape, seed):
    r = np.random.default_rng(seed)
    a = r.integers(0, 4 if dtype != np.bool_ else 2, shape).astype(np.float64)
    if np.dtype(dtype).kind == "f":
        a[r.random(shape) < 0.15] = np.nan
        a[r.random(shape) < 0.1] = -0.0
    return a.astype(dtype)


SHAPES = [(5,), (16,), (17,), (3, 40), (2, 300), (40, 3), (2, 17, 3), (1000,)]
DTYPES = [np.float32, np.float64, np.int64, np.int32, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_sort_ties_and_nan_match_torch(shape, dtype):
    torch = pytest.importorskip("torch")
    for seed, (dim, descending, stable) in enumerate(
            (d, desc, st) for d in range(len(shape)) for desc in (False, True)
            for st in (False, True)):
        a = _tie_arrays(dtype, shape, seed)
        for lib, t in ((jitgrad, jitgrad.tensor(a)), (torch, torch.tensor(a))):
            v, i = lib.sort(t, dim=dim, descending=descending, stable=stable)
            if lib is jitgrad:
                got = (v.numpy(), i.numpy())
            else:
                want = (v.numpy(), i.numpy())
        np.testing.assert_array_equal(got[1], want[1], err_msg=f"{dim} {descending} {stable}")
        np.testing.assert_array_equal(got[0], want[0])
        assert got[0].dtype == want[0].dtype
        legacy = jitgrad.sort(jitgrad.tensor(a), dim, descending).indices.numpy()
        np.testing.assert_array_equal(legacy, torch.sort(torch.tensor(a), dim, descending)
                                      .indices.numpy())


@pytest.mark.parametrize("dtype", DTYPES[:4], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_topk_ties_and_nan_match_torch(shape, dtype):
    torch = pytest.importorskip("torch")
    seed = 0
    for dim in range(len(shape)):
        n = shape[dim]
        for k in sorted({0, 1, 2, n // 64, n // 2, n - 1, n}):
            for largest in (True, False):
                for sort in (True, False):
                    seed += 1
                    a = _tie_arrays(dtype, shape, seed)
                    jv, ji = jitgrad.topk(jitgrad.tensor(a), k, dim, largest, sort)
                    tv, ti = torch.topk(torch.tensor(a), k, dim, largest, sort)
                    what = f"k={k} dim={dim} largest={largest} sorted={sort}"
                    np.testing.assert_array_equal(ji.numpy(), ti.numpy(), err_msg=what)
                    np.testing.assert_array_equal(jv.numpy(), tv.numpy(), err_msg=what)


@pytest.mark.parametrize("layout", ["transposed", "sliced", "expanded"])
def test_layouts_match_torch(layout):
    torch = pytest.importorskip("torch")
    a = _tie_arrays(np.float32, (6, 24), 7)
    results = []
    for lib in (jitgrad, torch):
        t = lib.tensor(a)
        t = {"transposed": lambda: t.t(), "sliced": lambda: t[::2, 1::3],
             "expanded": lambda: t[:1].expand(3, 24)}[layout]()
        results.append([r.numpy() for r in (*t.sort(0), *t.sort(-1, True), *t.topk(3, 0),
                                             *t.topk(2, 1, False, False), t.argsort(1))])
    for got, want in zip(*results):
        np.testing.assert_array_equal(got, want)


def test_gradients_at_ties_match_torch():
    torch = pytest.importorskip("torch")
    a = _tie_arrays(np.float64, (4, 30), 11)
    grads = []
    for lib in (jitgrad, torch):
        x = lib.tensor(a, requires_grad=True)
        w = lib.tensor(np.arange(120.0).reshape(4, 30))
        (x.sort(1).values * w).sum().backward(retain_graph=True)
        (x.topk(5, 1, sorted=False).values * w[:, :5]).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _x(lib):
    return lib.zeros(3, 4)


_SORT_FN = (" * (Tensor input, *, bool stable, int dim = -1, bool descending = False, "
            "tuple of Tensors out = None)\n"
            " * (Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors "
            "out = None)\n")
_ARGSORT_FN = (" * (Tensor input, *, bool stable, int dim = -1, bool descending = False, "
               "Tensor out = None)\n"
               " * (Tensor input, int dim = -1, bool descending = False)\n")
_METHOD = (" * (*, bool stable, int dim = -1, bool descending = False)\n"
           " * (int dim = -1, bool descending = False)\n")


def _invalid(fname, got, options, mismatch=None):
    text = (f"{fname}() received an invalid combination of arguments - got {got}, but "
            f"expected one of:\n{options}")
    return text + (f"      didn't match because {mismatch}\n" if mismatch else "")


ERRORS = [
    Case("topk-k-too-big", lambda lib: lib.topk(lib.zeros(3), 5), RuntimeError,
         "selected index k out of range"),
    Case("topk-k-negative", lambda lib: _x(lib).topk(-1), RuntimeError,
         "selected index k out of range"),
    Case("topk-0d-k2", lambda lib: lib.tensor(1.0).topk(2), RuntimeError,
         "selected index k out of range"),
    Case("topk-empty-dim", lambda lib: lib.zeros(3, 0).topk(1), RuntimeError,
         "selected index k out of range"),
    Case("topk-bool", lambda lib: lib.ones(3, dtype=lib.bool).topk(1), RuntimeError,
         "topk does not support bool dtypes on CPU"),
    Case("topk-bool-k-first", lambda lib: lib.ones(3, dtype=lib.bool).topk(5), RuntimeError,
         "selected index k out of range"),
    Case("topk-dim", lambda lib: lib.topk(lib.zeros(3), 1, dim=1), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Case("topk-dim-before-k", lambda lib: lib.topk(lib.zeros(3), 5, 4), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 4)"),
    Case("topk-k-float", lambda lib: lib.topk(_x(lib), 1.0), TypeError,
         "topk(): argument 'k' (position 2) must be int, not float"),
    Case("topk-k-bool", lambda lib: lib.topk(_x(lib), True), TypeError,
         "topk(): argument 'k' (position 2) must be int, not bool"),
    Case("topk-dim-none", lambda lib: lib.topk(_x(lib), 2, None), TypeError,
         "topk(): argument 'dim' (position 3) must be int, not NoneType"),
    Case("topk-method-k-float", lambda lib: _x(lib).topk(1.0), TypeError,
         "topk(): argument 'k' (position 1) must be int, not float"),
    Case("topk-method-largest-int", lambda lib: _x(lib).topk(1, 0, 1), TypeError,
         "topk(): argument 'largest' (position 3) must be bool, not int"),
    Case("topk-sorted-none", lambda lib: lib.topk(_x(lib), 1, 0, True, None), TypeError,
         "topk(): argument 'sorted' (position 5) must be bool, not NoneType"),
    Case("topk-not-tensor", lambda lib: lib.topk([1, 2], 1), TypeError,
         "topk(): argument 'input' (position 1) must be Tensor, not list"),
    Case("sort-dim", lambda lib: lib.sort(_x(lib), 2), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    Case("sort-0d-dim", lambda lib: lib.sort(lib.tensor(1.0), 1), IndexError,
         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Case("argsort-dim", lambda lib: _x(lib).argsort(-3), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    Case("msort-not-tensor", lambda lib: lib.msort([1.0]), TypeError,
         "msort(): argument 'input' (position 1) must be Tensor, not list"),
    Case("sort-not-tensor", lambda lib: lib.sort([1, 2]), TypeError,
         "sort(): argument 'input' (position 1) must be Tensor, not list"),
    Case("argsort-not-tensor", lambda lib: lib.argsort([1, 2]), TypeError,
         "argsort(): argument 'input' (position 1) must be Tensor, not list"),
    Case("sort-stable-positional", lambda lib: lib.sort(_x(lib), 0, False, True), TypeError,
         _invalid("sort", "(Tensor, int, bool, bool)", _SORT_FN)),
    Case("sort-dim-and-stable", lambda lib: lib.sort(_x(lib), 0, stable=True), TypeError,
         _invalid("sort", "(Tensor, int, stable=bool)", _SORT_FN)),
    Case("sort-dim-none", lambda lib: lib.sort(_x(lib), None), TypeError,
         _invalid("sort", "(Tensor, NoneType)", _SORT_FN)),
    Case("sort-dim-bool", lambda lib: lib.sort(_x(lib), True), TypeError,
         _invalid("sort", "(Tensor, bool)", _SORT_FN)),
    Case("sort-descending-int", lambda lib: lib.sort(_x(lib), 0, 1), TypeError,
         _invalid("sort", "(Tensor, int, int)", _SORT_FN)),
    Case("sort-stable-int", lambda lib: lib.sort(_x(lib), stable=1), TypeError,
         _invalid("sort", "(Tensor, stable=int)", _SORT_FN)),
    Case("sort-five-positional", lambda lib: lib.sort(_x(lib), 0, False, True, 1), TypeError,
         "sort() takes from 2 to 1 positional arguments but 5 were given"),
    Case("sort-method-descending-int", lambda lib: _x(lib).sort(0, 1), TypeError,
         _invalid("sort", "(int, int)", _METHOD,
                  "some of the arguments have invalid types: (!int!, !int!)")),
    Case("sort-method-dim-and-stable", lambda lib: _x(lib).sort(0, stable=True), TypeError,
         _invalid("sort", "(int, stable=bool)", _METHOD,
                  "some of the keywords were incorrect: stable")),
    Case("sort-method-stable-int", lambda lib: _x(lib).sort(stable=1), TypeError,
         _invalid("sort", "(stable=int, )", _METHOD)),
    Case("sort-method-dim-float-stable", lambda lib: _x(lib).sort(stable=True, dim=1.0),
         TypeError, _invalid("sort", "(dim=float, stable=bool, )", _METHOD,
                             "some of the keywords were incorrect: dim, stable")),
    Case("sort-method-three-positional", lambda lib: _x(lib).sort(0, False, True), TypeError,
         "sort() takes from 1 to 0 positional arguments but 3 were given"),
    Case("argsort-dim-and-stable", lambda lib: lib.argsort(_x(lib), 0, stable=True), TypeError,
         _invalid("argsort", "(Tensor, int, stable=bool)", _ARGSORT_FN,
                  "some of the keywords were incorrect: stable")),
    Case("argsort-descending-int", lambda lib: lib.argsort(_x(lib), 0, 1), TypeError,
         _invalid("argsort", "(Tensor, int, int)", _ARGSORT_FN,
                  "some of the arguments have invalid types: (Tensor, !int!, !int!)")),
    Case("argsort-descending-keyword-int", lambda lib: lib.argsort(_x(lib), 0, descending=1),
         TypeError, _invalid("argsort", "(Tensor, int, descending=int)", _ARGSORT_FN,
                             "some of the keywords were incorrect: descending")),
    Case("argsort-stable-none", lambda lib: lib.argsort(_x(lib), stable=None), TypeError,
         _invalid("argsort", "(Tensor, stable=NoneType)", _ARGSORT_FN)),
    Case("argsort-dim-float", lambda lib: lib.argsort(_x(lib), 1.0), TypeError,
         _invalid("argsort", "(Tensor, float)", _ARGSORT_FN)),
    Case("argsort-stable-positional", lambda lib: lib.argsort(_x(lib), 0, False, True),
         TypeError, "argsort() takes from 2 to 1 positional arguments but 4 were given"),
    Case("argsort-stable-descending-int",
         lambda lib: lib.argsort(_x(lib), stable=True, dim=0, descending=1), TypeError,
         "argsort(): argument 'descending' must be bool, not int"),
    Case("argsort-method-float", lambda lib: _x(lib).argsort(1.0), TypeError,
         _invalid("argsort", "(float)", _METHOD)),
    Case("argsort-method-stable-positional", lambda lib: _x(lib).argsort(0, True, stable=True),
         TypeError, "argsort() takes from 1 to 0 positional arguments but 2 were given"),
]
test_error, test_error_is_torchs = error_tests(ERRORS)
