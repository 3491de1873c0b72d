"""kthvalue/median/nanmedian/mode/quantile/nanquantile/unique (ops/selection_more.py),
rot90/diag/diag_embed/diagonal/trace/block_diag/kron/cdist (ops/structure_more.py),
meshgrid/cartesian_prod/repeat_interleave/tensor_split/movedim/atleast_* and
bincount/histc/searchsorted/bucketize (ops/combining.py).

Finite differences in float64, torch's values/grads/dtypes/node names, ties
(indices as torch's CPU kernels pick them), NaNs, non-contiguous inputs,
integer results, and errors with torch's wording."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import gradcheck, table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def T(*shape):
    """Ties: small integers as floats (plus a jitter-free layout)."""
    return rng.integers(0, 3, size=shape).astype(np.float64)


CASES = [   # one per table entry (each gives 4 tests); more variants in MORE below
    ("kthvalue", "keepdim-noncontig", lambda lib, x: lib.kthvalue(x.t(), 3, 0, True)[0], [R(4, 3)]),
    ("median", "global", lambda lib, x: x.median(), [R(3, 4)]),
    ("median_dim", "noncontig", lambda lib, x: x.t().median(-1, keepdim=True)[0], [R(5, 2)]),
    ("nanmedian", "global", lambda lib, x: x.nanmedian(), [R(3, 4)]),
    ("nanmedian_dim", "dim", lambda lib, x: lib.nanmedian(x, 1)[0], [R(3, 4)]),
    ("mode", "noncontig", lambda lib, x: lib.mode(x.t(), 0, True).values, [R(4, 3)]),
    ("quantile", "dim-vector-q", lambda lib, x: lib.quantile(
        x.t(), lib.tensor([0.2, 0.75], dtype=x.dtype), dim=0, keepdim=True), [R(5, 3)]),
    ("rot90", "k-dims", lambda lib, x: lib.rot90(x.transpose(0, 2), -3, [2, 0]), [R(4, 3, 2)]),
    ("diag_embed", "embed", lambda lib, x: x.diag_embed(-1, 0, 2), [R(2, 3)]),
    ("diag", "matrix", lambda lib, x: x.t().diag(-1), [R(3, 4)]),
    ("diagonal", "offset-dims", lambda lib, x: lib.diagonal(x, 1, 2, 0), [R(3, 2, 4)]),
    ("trace", "noncontig", lambda lib, x: x.t().trace(), [R(3, 4)]),
    ("block_diag", "mixed", lambda lib, x, y, z: lib.block_diag(x, y, z), [R(2, 3), R(2), R()]),
    ("cdist", "p1-batched", lambda lib, x, y: lib.cdist(x, y, p=1), [R(2, 3, 2), R(1, 4, 2)]),
    ("cdist_mm", "mm", lambda lib, x, y: lib.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
     [R(3, 2), R(4, 2)]),
    ("kron", "mixed-ndim", lambda lib, x, y: x.kron(y), [R(2), R(2, 3)]),
    ("meshgrid", "xy", lambda lib, x: lib.meshgrid(x, x[:2], indexing="xy")[0], [R(3)]),
    ("cartesian_prod", "two", lambda lib, x, y: lib.cartesian_prod(x, y), [R(3), R(2)]),
    ("repeat_interleave", "flat-noncontig", lambda lib, x: lib.repeat_interleave(x.t(), 3),
     [R(2, 3)]),
    ("repeat_interleave_tensor", "tensor", lambda lib, x: x.repeat_interleave(
        lib.tensor([1, 0, 3]), dim=0, output_size=4), [R(3, 2)]),
    ("tensor_split", "indices", lambda lib, x: x.tensor_split([1, -1])[1], [R(5, 2)]),
    ("movedim", "multi", lambda lib, x: lib.movedim(x, (0, 1), (2, 0)), [R(2, 3, 4)]),
    ("atleast_2d", "vector", lambda lib, x: lib.atleast_2d(x), [R(3)]),
    ("atleast_3d", "matrix", lambda lib, x: lib.atleast_3d(x), [R(2, 3)]),
]

# further variants, values/grads/dtype/node checked against torch (float32 and float64)
MORE = {
    "selection": [
        (lambda lib, x: x.kthvalue(2, 1).values, [R(3, 5)]),
        (lambda lib, x: lib.median(x, 0).values, [R(4, 3)]),
        (lambda lib, x: (x * 0 + x.round()).median(), [R(3, 4)]),        # ties: spread evenly
        (lambda lib, x: x.mode(-1)[0], [R(3, 6)]),
    ],
    "quantile": [
        (lambda lib, x: x.quantile(0.3), [R(3, 4)]),
        (lambda lib, x: x.quantile(0.4, 0, interpolation="lower"), [R(6, 2)]),
        (lambda lib, x: x.quantile(0.4, 1, interpolation="higher"), [R(2, 6)]),
        (lambda lib, x: x.t().quantile(0.5, 1, interpolation="nearest"), [R(5, 2)]),
        (lambda lib, x: x.quantile(0.3, interpolation="midpoint"), [R(7)]),
        (lambda lib, x: lib.nanquantile(x, 0.6, 0), [R(5, 3)]),
        (lambda lib, x: x.round().quantile(lib.tensor([0., 0.3, 1.], dtype=x.dtype), 1),
         [R(3, 8) * 2]),                                                  # ties
    ],
    "structure": [
        (lambda lib, x: x.rot90(), [R(3, 4)]),
        (lambda lib, x: x.rot90(2), [R(3, 4)]),
        (lambda lib, x: lib.diag(x, 1), [R(3)]),
        (lambda lib, x: x.diagonal(), [R(3, 4)]),
        (lambda lib, x: x.t().diagonal(-1), [R(3, 4)]),
        (lambda lib, x: lib.kron(x, x * 2), [R(2, 3)]),
    ],
    "cdist": [
        (lambda lib, x, y: lib.cdist(x, y), [R(3, 2), R(4, 2)]),
        (lambda lib, x, y: lib.cdist(x, y, 3.0), [R(3, 2), R(2, 2)]),
        (lambda lib, x, y: lib.cdist(x, y, float("inf")), [R(3, 3), R(2, 3)]),
        (lambda lib, x, y: lib.cdist(x, y, 0.5), [R(2, 3), R(2, 3)]),
        (lambda lib, x, y: lib.cdist(x, y, 0), [R(2, 3), R(2, 3)]),
        (lambda lib, x, y: lib.cdist(x, y), [R(2, 30, 3), R(1, 4, 3)]),  # auto: the mm form
    ],
    "combining": [
        (lambda lib, x: x.repeat_interleave(2, dim=1), [R(2, 3)]),
        (lambda lib, x: x.repeat_interleave(lib.tensor([2]), dim=1), [R(2, 3)]),
        (lambda lib, x: lib.tensor_split(x, 3, 1)[1], [R(2, 7)]),
        (lambda lib, x: x.moveaxis(-1, 0), [R(2, 3)]),
        (lambda lib, x: lib.atleast_3d(x), [R()]),
        (lambda lib, x: lib.meshgrid([x[:2], x], indexing="ij")[1], [R(3)]),
    ],
}


@pytest.mark.parametrize("group", list(MORE))
def test_more_against_torch(group):
    for fn, inputs in MORE[group]:
        for dtype in (np.float32, np.float64):
            torch_check(fn, *[a.astype(dtype) for a in inputs])


@pytest.mark.parametrize("group", ["quantile", "cdist"])
def test_more_gradcheck(group):
    for fn, inputs in MORE[group]:
        gradcheck(lambda *ts: fn(jitgrad, *ts), *inputs)


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def _same(mine, theirs):
    if isinstance(mine, tuple):
        assert type(mine).__name__ == type(theirs).__name__
        assert len(mine) == len(theirs)
        for m, t in zip(mine, theirs):
            _same(m, t)
        return
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


TIES = T(4, 20)
TIES_NAN = np.where(rng.random((3, 9)) < 0.2, np.nan, T(3, 9))
INTS = rng.integers(0, 5, size=12)

EXACT = [
    ("kthvalue-ties", lambda lib: lib.tensor(TIES).kthvalue(7, 1)),
    ("kthvalue-nan", lambda lib: lib.tensor(TIES_NAN).kthvalue(8)),
    ("kthvalue-int-0d", lambda lib: lib.tensor(3).kthvalue(1)),
    ("median-ties", lambda lib: lib.tensor(TIES).median(1)),
    ("median-nan", lambda lib: lib.tensor(TIES_NAN).median(1)),
    ("median-global-nan", lambda lib: lib.tensor(TIES_NAN).median()),
    ("median-int", lambda lib: lib.tensor(INTS).median()),
    ("nanmedian-nan", lambda lib: lib.tensor(TIES_NAN).nanmedian(1, True)),
    ("nanmedian-global", lambda lib: lib.tensor(TIES_NAN).nanmedian()),
    ("mode-ties-long-rows", lambda lib: lib.tensor(TIES).mode(1)),
    ("mode-int", lambda lib: lib.tensor(INTS.reshape(3, 4)).mode(0)),
    ("quantile-nan", lambda lib: lib.tensor(TIES_NAN).quantile(0.4, 1)),
    ("nanquantile-nan", lambda lib: lib.tensor(TIES_NAN).nanquantile(
        lib.tensor([0.1, 0.9], dtype=lib.float64), 1)),
    ("unique", lambda lib: lib.unique(lib.tensor([3., 1, np.nan, 1, np.nan]),
                                      return_inverse=True, return_counts=True)),
    ("unique-int-2d", lambda lib: lib.tensor(INTS.reshape(3, 4)).unique(return_inverse=True)),
    ("unique-dim", lambda lib: lib.unique(lib.tensor([[1, 2], [0, 5], [1, 2]]), dim=0,
                                          return_inverse=True, return_counts=True)),
    ("unique-consecutive", lambda lib: lib.unique_consecutive(
        lib.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True, return_counts=True)),
    ("unique-consecutive-dim", lambda lib: lib.unique_consecutive(
        lib.tensor([[1, 2], [1, 2], [0, 5], [1, 2]]), dim=0, return_counts=True)),
    ("trace-int", lambda lib: lib.arange(12).reshape(3, 4).trace()),
    ("block-diag-int-float", lambda lib: lib.block_diag(
        lib.ones(2, dtype=lib.int32), lib.ones(1, 1))),
    ("kron-int", lambda lib: lib.kron(lib.tensor([[1, 2]]), lib.tensor([3, 4]))),
    ("bincount", lambda lib: lib.bincount(lib.tensor(INTS), minlength=7)),
    ("bincount-weights32", lambda lib: lib.tensor(INTS).bincount(
        lib.arange(12, dtype=lib.float32))),
    ("bincount-weights-int", lambda lib: lib.bincount(lib.tensor(INTS), lib.tensor(INTS))),
    ("histc", lambda lib: lib.histc(lib.tensor([0., 1, 2, 2, 5, 7]), 4, 0, 6)),
    ("histc-auto-range", lambda lib: lib.tensor(TIES).float().histc(5)),
    ("searchsorted", lambda lib: lib.searchsorted(lib.tensor([1., 2, 2, 3]),
                                                  lib.tensor([[2., 0], [5, 2.5]]))),
    ("searchsorted-right-int32", lambda lib: lib.searchsorted(
        lib.tensor([1., 2, 2, 3]), lib.tensor([2., 3]), right=True, out_int32=True)),
    ("searchsorted-side-sorter", lambda lib: lib.searchsorted(
        lib.tensor([3., 1, 2]), lib.tensor([2., 0.5]), side="right",
        sorter=lib.tensor([1, 2, 0]))),
    ("searchsorted-nd", lambda lib: lib.searchsorted(
        lib.tensor([[1., 3, 5], [2, 4, 6]]), lib.tensor([[3., 4], [4, 7]]))),
    ("searchsorted-scalar", lambda lib: lib.searchsorted(lib.tensor([1., 2, 3]), 2)),
    ("bucketize", lambda lib: lib.bucketize(lib.tensor([[2., 5], [0, 1]]),
                                            lib.tensor([1., 2, 3]), right=True)),
    ("repeat-interleave-repeats-only", lambda lib: lib.repeat_interleave(lib.tensor([1, 0, 2]))),
    ("meshgrid-ij-int", lambda lib: lib.meshgrid(lib.tensor([1, 2]), lib.tensor([3, 4, 5]),
                                                 indexing="ij")),
    ("atleast-1d-many", lambda lib: lib.atleast_1d(lib.tensor(1.), lib.tensor([2.]))),
    ("tensor-split-tensor", lambda lib: lib.tensor_split(lib.arange(7), lib.tensor([2, 5]))),
    ("tensor-split-keyword", lambda lib: lib.tensor_split(lib.arange(6), sections=4)),
    ("searchsorted-nan", lambda lib: lib.searchsorted(lib.tensor([1., 2, np.nan]),
                                                      lib.tensor([np.nan, 5.]))),
    ("unique-dim-empty", lambda lib: lib.zeros(0, 3).unique(dim=0, return_counts=True)),
    ("block-diag-none", lambda lib: lib.block_diag()),
    ("movedim-0d", lambda lib: lib.tensor(1.).movedim(0, -1)),
]


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    for name, fn in EXACT:
        try:
            _same(fn(jitgrad), fn(torch))
        except AssertionError as e:
            raise AssertionError(name) from e


def test_hand_values():
    x = jitgrad.tensor([[1., 5, 2], [4, 4, 0]])
    v, i = x.kthvalue(2, 1)
    assert v.tolist() == [2., 4.] and i.tolist()[0] == 2
    assert x.median().item() == 2.
    assert x.quantile(0.5).item() == 3.
    m = jitgrad.tensor([[1., 2], [3, 4]])
    assert m.rot90().tolist() == [[2., 4.], [1., 3.]]
    assert m.trace().item() == 5.
    assert jitgrad.bincount(jitgrad.tensor([0, 2, 2])).tolist() == [1, 0, 2]
    b = jitgrad.tensor([1., 2, 3])
    assert jitgrad.bucketize(jitgrad.tensor([1., 2.5]), b).tolist() == [0, 2]


def test_median_global_gradient_is_spread_over_ties():
    x = jitgrad.tensor([1., 2, 2, 3], requires_grad=True)
    x.median().backward()
    assert x.grad.tolist() == [0., 0.5, 0.5, 0.]


def test_diagonal_is_a_view():
    x = jitgrad.zeros(3, 3)
    x.diagonal().fill_(1.)
    x.diagonal(1)[...] = 2.
    assert x.tolist() == [[1., 2, 0], [0, 1, 2], [0, 0, 1]]


def test_unique_has_no_derivative():
    x = jitgrad.tensor([1., 2, 1], requires_grad=True)
    u = x.unique()
    assert type(u.grad_fn).__name__ == "Unique2Backward0"
    with pytest.raises(NotImplementedError, match="the derivative for '_unique2' is not"):
        u.sum().backward()


def test_double_backward_through_kthvalue_and_quantile():
    x = jitgrad.tensor([[3., 1, 2], [0, 5, 4]], requires_grad=True)
    for f in (lambda t: t.kthvalue(2, 1)[0], lambda t: t.quantile(0.25, 1),
              lambda t: t.median(), lambda t: t.diagonal(), lambda t: t.rot90()):
        y = f(x)
        (g,) = jitgrad.autograd.grad((y * y).sum(), x, create_graph=True)
        (gg,) = jitgrad.autograd.grad(g.sum(), x)
        assert gg.shape == x.shape


Err = namedtuple("Err", "id run exc message")
ERRORS = [
    Err("kthvalue-k", lambda lib: lib.randn(3, 4).kthvalue(5, 1), RuntimeError,
        "kthvalue(): selected number k out of range for dimension 1"),
    Err("kthvalue-float-k", lambda lib: lib.randn(3).kthvalue(1.5), TypeError,
        "kthvalue(): argument 'k' (position 1) must be int, not float"),
    Err("rot90-float-k", lambda lib: lib.rot90(lib.randn(3, 3), 1.5), TypeError,
        "rot90(): argument 'k' (position 2) must be int, not float"),
    Err("kthvalue-empty", lambda lib: lib.zeros(0).kthvalue(1), IndexError,
        "kthvalue(): Expected reduction dim 0 to have non-zero size."),
    Err("median-empty-dim", lambda lib: lib.zeros(3, 0).median(1), IndexError,
        "median(): Expected reduction dim 1 to have non-zero size."),
    Err("quantile-q", lambda lib: lib.randn(3).quantile(1.5), RuntimeError,
        "quantile() q must be in the range [0, 1] but got 1.5"),
    Err("quantile-int", lambda lib: lib.arange(3).quantile(0.5), RuntimeError,
        "quantile() input tensor must be either float or double dtype"),
    Err("quantile-interp", lambda lib: lib.randn(3).quantile(0.5, interpolation="foo"),
        RuntimeError, "quantile() interpolation must be one of linear, lower, higher, midpoint "
        "or nearest, but got foo"),
    Err("rot90-dims", lambda lib: lib.randn(3, 4).rot90(1, [0, 0]), RuntimeError,
        "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"),
    Err("diag-3d", lambda lib: lib.randn(2, 2, 2).diag(), RuntimeError,
        "diag(): Supports 1D or 2D tensors. Got 3D"),
    Err("trace-1d", lambda lib: lib.randn(3).trace(), RuntimeError,
        "trace: expected a matrix, but got tensor with dim 1"),
    Err("diagonal-same", lambda lib: lib.randn(3, 4).diagonal(0, 1, 1), RuntimeError,
        "diagonal dimensions cannot be identical 1, 1"),
    Err("cdist-columns", lambda lib: lib.cdist(lib.randn(3, 2), lib.randn(3, 3)), RuntimeError,
        "X1 and X2 must have the same number of columns. X1: 2 X2: 3"),
    Err("cdist-p", lambda lib: lib.cdist(lib.randn(3, 2), lib.randn(3, 2), p=-1), RuntimeError,
        "cdist only supports non-negative p values"),
    Err("bincount-negative", lambda lib: lib.bincount(lib.tensor([-1, 2])), RuntimeError,
        "bincount only supports 1-d non-negative integral inputs."),
    Err("histc-range", lambda lib: lib.histc(lib.tensor([1., 2]), min=3, max=2), RuntimeError,
        "jitgrad.histc: max must be larger than min"),
    Err("searchsorted-side", lambda lib: lib.searchsorted(
        lib.tensor([1., 2]), lib.tensor([1.]), right=True, side="left"), RuntimeError,
        "jitgrad.searchsorted(): side and right can't be set to opposites, got side of left while "
        "right was True"),
    Err("repeat-output-size", lambda lib: lib.randn(3, 4).repeat_interleave(2, dim=0,
                                                                          output_size=5),
        RuntimeError, "repeat_interleave: Invalid output_size, expected 6 but got 5"),
    Err("tensor-split-0", lambda lib: lib.randn(3).tensor_split(0), RuntimeError,
        "number of sections must be larger than 0, got 0"),
    Err("movedim-count", lambda lib: lib.randn(2, 3).movedim((0, 1), (0,)), RuntimeError,
        "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the "
        "same number of dims as destination ([0] dims)"),
    Err("kthvalue-bool", lambda lib: lib.tensor([True]).kthvalue(1), NotImplementedError,
        "\"kthvalue_cpu\" not implemented for 'Bool'"),
    Err("searchsorted-0d", lambda lib: lib.searchsorted(lib.tensor(1.), lib.tensor([2.])),
        RuntimeError, "jitgrad.searchsorted(): boundaries tensor should have positive "
        "dimension, but got 0 dimension"),
    Err("repeat-0d-dim", lambda lib: lib.tensor(1.).repeat_interleave(2, 0), IndexError,
        "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    Err("cdist-mode", lambda lib: lib.cdist(lib.ones(2, 2), lib.ones(2, 2), compute_mode=None),
        ValueError, "None is not a valid value for compute_mode"),
    Err("cartesian-2d", lambda lib: lib.cartesian_prod(lib.ones(2, 2)), RuntimeError,
        "Expect a 1D vector, but got shape [2, 2]"),
]



def _raised(case, lib):
    with pytest.raises(Exception) as err:
        case.run(lib)
    return err


def test_errors():
    for case in ERRORS:
        err = _raised(case, jitgrad)
        assert (err.type, str(err.value)) == (case.exc, case.message), case.id


def test_errors_are_torchs():
    torch = pytest.importorskip("torch")
    for case in ERRORS:
        err = _raised(case, torch)
        assert err.type is case.exc, case.id
        assert str(err.value).replace("torch.", "jitgrad.") == case.message, case.id
