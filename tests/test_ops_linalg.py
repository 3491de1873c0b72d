"""Linear algebra: dot, mv, bmm, outer/ger, addmm, einsum, and the
create_graph path (``apply_graph``) of every matmul node.

Finite differences in float64, torch's values/grads/dtypes/node names,
``apply_graph`` against ``apply``, gradgradcheck, hand-derived values,
broadcasting and non-contiguous operands, and every error with torch's
message (checked against torch when it is installed)."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import apply_and_apply_graph, error_tests, table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def einsum_case(equation, *shapes, entry="einsum"):
    return (entry, equation, lambda lib, *ops: lib.einsum(equation, *ops), [R(*s) for s in shapes])


# (table entry, id, fn(lib, *inputs), inputs)
CASES = [
    ("dot", "dot", lambda lib, a, b: lib.dot(a, b), [R(5), R(5)]),
    ("dot", "method-non-contiguous", lambda lib, a, b: a[::2].dot(b), [R(6), R(3)]),
    ("dot", "matmul", lambda lib, a, b: a @ b, [R(4), R(4)]),
    ("mv", "mv", lambda lib, a, v: lib.mv(a, v), [R(3, 5), R(5)]),
    ("mv", "method-transposed", lambda lib, a, v: a.t().mv(v), [R(5, 3), R(5)]),
    ("mv", "matmul", lambda lib, a, v: a @ v, [R(3, 5), R(5)]),
    ("vm", "matmul", lambda lib, v, a: v @ a, [R(5), R(5, 3)]),
    ("mm", "matmul", lambda lib, a, b: a @ b, [R(3, 5), R(5, 2)]),
    ("matmul", "3d3d", lambda lib, a, b: a @ b, [R(2, 3, 4), R(2, 4, 5)]),
    ("matmul", "3d1d", lambda lib, a, b: a @ b, [R(2, 3, 4), R(4)]),
    ("matmul", "1d3d", lambda lib, a, b: a @ b, [R(4), R(2, 4, 5)]),
    ("matmul", "broadcast-batch", lambda lib, a, b: a @ b, [R(3, 1, 2, 4), R(2, 4, 5)]),
    ("matmul_2d_batched", "2d3d", lambda lib, a, b: a @ b, [R(3, 4), R(2, 4, 5)]),
    ("bmm", "bmm", lambda lib, a, b: lib.bmm(a, b), [R(2, 3, 4), R(2, 4, 5)]),
    ("bmm", "method-transposed", lambda lib, a, b: a.bmm(b.transpose(1, 2)), [R(2, 3, 4), R(2, 5, 4)]),
    ("bmm", "mT", lambda lib, a, b: lib.bmm(a.mT, b), [R(3, 4, 2), R(3, 4, 5)]),
    ("outer", "outer", lambda lib, a, b: lib.outer(a, b), [R(3), R(4)]),
    ("outer", "ger", lambda lib, a, b: lib.ger(a, b), [R(3), R(4)]),
    ("outer", "method", lambda lib, a, b: a.outer(b[::2]), [R(2), R(6)]),
    ("addmm", "row-bias", lambda lib, b, x, y: lib.addmm(b, x, y), [R(4), R(2, 3), R(3, 4)]),
    ("addmm", "matrix-bias", lambda lib, b, x, y: lib.addmm(b, x, y), [R(2, 4), R(2, 3), R(3, 4)]),
    ("addmm", "column-bias", lambda lib, b, x, y: lib.addmm(b, x, y), [R(2, 1), R(2, 3), R(3, 4)]),
    ("addmm", "1x4-bias", lambda lib, b, x, y: lib.addmm(b, x, y), [R(1, 4), R(2, 3), R(3, 4)]),
    ("addmm", "scalar-bias", lambda lib, b, x, y: lib.addmm(b.reshape(()), x, y),
     [R(1), R(2, 3), R(3, 4)]),
    ("addmm", "one-element-bias", lambda lib, b, x, y: lib.addmm(b, x, y), [R(1), R(2, 3), R(3, 4)]),
    ("addmm", "alpha-beta", lambda lib, b, x, y: lib.addmm(b, x, y, beta=0.5, alpha=-2.0),
     [R(4), R(2, 3), R(3, 4)]),
    ("addmm", "beta-zero", lambda lib, b, x, y: lib.addmm(b, x, y, beta=0), [R(4), R(2, 3), R(3, 4)]),
    ("addmm", "linear-layer", lambda lib, b, x, w: lib.addmm(b, x, w.t()), [R(5), R(8, 3), R(5, 3)]),
    ("addmm", "method-transposed-bias",
     lambda lib, b, x, y: b.t().addmm(x.t(), y, alpha=3), [R(4, 2), R(3, 2), R(3, 4)]),
    einsum_case("ij,jk->ik", (2, 3), (3, 4)),
    einsum_case("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    einsum_case("bi,bi->b", (2, 3), (2, 3)),
    einsum_case("bhqd,bhkd->bhqk", (2, 3, 4, 5), (2, 3, 6, 5)),
    einsum_case("bhqk,bhkd->bhqd", (2, 3, 4, 5), (2, 3, 5, 6)),
    einsum_case("ijk,jl,kl->il", (2, 3, 4), (3, 5), (4, 5)),
    einsum_case("bn,anm,bm->ba", (2, 3), (4, 3, 5), (2, 5)),
    einsum_case("i,i->", (3,), (3,)),
    einsum_case("ij,j->i", (2, 3), (3,)),
    einsum_case("ij,jk->ki", (2, 3), (3, 4)),
    einsum_case("ij,jk", (2, 3), (3, 4)),
    einsum_case("iJ,Jk->ik", (2, 3), (3, 4)),
    einsum_case("ij,kj->", (2, 3), (4, 3)),
    einsum_case("ij,jk->i", (2, 3), (3, 4)),
    einsum_case("ij,kl->ik", (2, 3), (4, 5)),
    einsum_case("ij,k->k", (2, 3), (4,)),
    einsum_case("...ij,...jk->...ik", (5, 2, 3), (5, 3, 4)),
    einsum_case("...ij,...jk->...ik", (2, 2, 3), (1, 3, 4)),
    einsum_case("...ij,...jk", (5, 2, 2, 3), (3, 4)),
    einsum_case("ij,jk->ik", (2, 1), (3, 4)),
    einsum_case(" i j , j k -> i k ", (2, 3), (3, 4)),
    einsum_case("i,j->ij", (2,), (3,), entry="einsum_no_contraction"),
    einsum_case("ij,ij->ij", (2, 3), (2, 3), entry="einsum_no_contraction"),
    einsum_case("bi,bj->bij", (2, 3), (2, 4), entry="einsum_no_contraction"),
    einsum_case("i,j,k->ijk", (2,), (3,), (4,), entry="einsum_no_contraction"),
    einsum_case("ij,jk->ikj", (2, 3), (3, 4), entry="einsum_no_contraction"),
    einsum_case("i,i,i->i", (3,), (3,), (3,), entry="einsum_no_contraction"),
    einsum_case("ij->i", (2, 3), entry="einsum_sum"),
    einsum_case("ij->", (2, 3), entry="einsum_sum"),
    einsum_case("ijk->kj", (2, 3, 4), entry="einsum_sum"),
    einsum_case("ij->ji", (2, 3), entry="einsum_permute"),
    einsum_case("ij->ij", (2, 3), entry="einsum_permute"),
    einsum_case("...i->i...", (2, 3, 4), entry="einsum_permute"),
    ("einsum", "list-of-operands", lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]),
     [R(2, 3), R(3, 4)]),
    ("einsum", "non-contiguous", lambda lib, a, b: lib.einsum("ij,jk->ik", a.t(), b[:, ::2]),
     [R(3, 2), R(3, 8)]),
    ("einsum_no_contraction", "0d-operand", lambda lib, a, b: lib.einsum(",i->i", a.sum(), b),
     [R(2), R(3)]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]


test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs, dtype):
    node, fast, graph = apply_and_apply_graph(fn, inputs, dtype)
    assert len(fast) == len(graph) == len(node._next)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            a = np.asarray(a)
            assert a.shape == tuple(b.shape) and a.dtype == b.numpy(force=True).dtype
            np.testing.assert_allclose(a, b.numpy(force=True), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_gradgradcheck(entry, name, fn, inputs):
    ts = tuple(jitgrad.tensor(a, requires_grad=True) for a in inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *t: fn(jitgrad, *t), ts)


def _second_derivatives(lib, fn, inputs):
    xs = [lib.tensor(a, requires_grad=True) for a in inputs]
    out = fn(lib, *xs)
    seed = lib.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)), requires_grad=True)
    firsts = lib.autograd.grad(out, xs, seed, create_graph=True)
    total = sum((f * lib.tensor(np.random.default_rng(3 + i).standard_normal(tuple(f.shape)))).sum()
                for i, f in enumerate(firsts))
    return [f.detach().numpy() for f in firsts] + [
        None if s is None else s.numpy()
        for s in lib.autograd.grad(total, [seed] + xs, allow_unused=True)]


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_second_derivatives_match_torch(entry, name, fn, inputs):
    torch = pytest.importorskip("torch")
    for a, b in zip(_second_derivatives(jitgrad, fn, inputs), _second_derivatives(torch, fn, inputs)):
        if a is None or b is None:
            assert not np.any(a if a is not None else b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ values

def leaf(values, dtype=jitgrad.float64):
    return jitgrad.tensor(values, dtype=dtype, requires_grad=True)


def test_addmm_hand_values():
    b = leaf([1.0, 2.0])
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    w = leaf([[1.0, 0.0], [0.0, 1.0]])
    y = jitgrad.addmm(b, x, w, beta=2, alpha=3)
    assert y.tolist() == [[5.0, 10.0], [11.0, 16.0]]
    y.sum().backward()
    assert b.grad.tolist() == [4.0, 4.0]                 # beta * rows
    assert x.grad.tolist() == [[3.0, 3.0], [3.0, 3.0]]   # alpha * ones @ w.T
    assert w.grad.tolist() == [[12.0, 12.0], [18.0, 18.0]]


def test_addmm_beta_zero_ignores_bias_values():
    b = leaf([float("nan")] * 3)
    y = jitgrad.addmm(b, jitgrad.ones(2, 2, dtype=jitgrad.float64),
                      jitgrad.ones(2, 3, dtype=jitgrad.float64), beta=0)
    assert y.tolist() == [[2.0] * 3] * 2
    y.sum().backward()
    assert b.grad.tolist() == [0.0, 0.0, 0.0]


def test_addmm_integers():
    i = jitgrad.ones(2, 3, dtype=jitgrad.int64)
    y = jitgrad.addmm(jitgrad.tensor([1, 2, 3, 4]), i, jitgrad.ones(3, 4, dtype=jitgrad.int64))
    assert y.dtype is jitgrad.int64 and y.tolist() == [[4, 5, 6, 7]] * 2


def test_dot_mv_bmm_integers_and_float32():
    a = jitgrad.arange(3)
    assert jitgrad.dot(a, a).item() == 5 and jitgrad.dot(a, a).dtype is jitgrad.int64
    m = jitgrad.ones(2, 3, dtype=jitgrad.float32)
    assert jitgrad.mv(m, jitgrad.ones(3)).dtype is jitgrad.float32
    assert jitgrad.bmm(jitgrad.ones(2, 1, 3), jitgrad.ones(2, 3, 1)).tolist() == [[[3.0]], [[3.0]]]


def test_outer_promotes_like_mul():
    a = leaf([1.0, 2.0], jitgrad.float32)
    b = jitgrad.tensor([1, 2, 3])
    y = jitgrad.outer(a, b)
    assert y.dtype is jitgrad.float32 and y.tolist() == [[1, 2, 3], [2, 4, 6]]
    y.sum().backward()
    assert a.grad.tolist() == [6.0, 6.0]
    # torch records the reshape of self under the MulBackward0
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ViewBackward0"


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ijk,jl,kl->il", [(2, 3, 4), (3, 5), (4, 5)]), ("i,j->ij", [(2,), (3,)]),
    ("abc,cd,db->a", [(2, 3, 4), (4, 5), (5, 3)]), ("ba,ca", [(2, 3), (4, 3)]),
    ("...k,k->...", [(2, 3, 4), (4,)]), ("ijk->", [(2, 3, 4)]),
])
def test_einsum_matches_numpy(equation, shapes):
    ops = [rng.integers(-3, 4, s) for s in shapes]
    got = jitgrad.einsum(equation, *[jitgrad.tensor(o) for o in ops])
    assert got.dtype is jitgrad.int64
    np.testing.assert_array_equal(got.numpy(), np.einsum(equation, *ops))


def test_einsum_mixed_dtypes_without_contraction_promote():
    a = leaf([1.0, 2.0], jitgrad.float32)
    b = leaf([1.0, 2.0, 3.0])
    y = jitgrad.einsum("i,j->ij", a, b)
    assert y.dtype is jitgrad.float64
    y.sum().backward()
    assert a.grad.dtype is jitgrad.float32 and a.grad.tolist() == [6.0, 6.0]
    assert b.grad.tolist() == [3.0, 3.0, 3.0]


def test_einsum_one_operand_permutation_is_a_view():
    x = jitgrad.arange(6.0).reshape(2, 3)
    y = jitgrad.einsum("ij->ji", x)
    assert np.shares_memory(y.numpy(), x.numpy()) and y._base is x._base


def test_einsum_diagonals_are_not_supported():
    with pytest.raises(NotImplementedError, match="'ii->i'"):
        jitgrad.einsum("ii->i", jitgrad.ones(3, 3))
    with pytest.raises(NotImplementedError, match="'bii,bj->bj'"):
        jitgrad.einsum("bii,bj->bj", jitgrad.ones(2, 3, 3), jitgrad.ones(2, 4))


def test_saved_operands_are_version_checked():
    for make in (lambda a, b: jitgrad.einsum("ij,jk->ik", a, b),
                 lambda a, b: jitgrad.addmm(jitgrad.zeros(2, dtype=jitgrad.float64), a, b),
                 lambda a, b: jitgrad.bmm(a.unsqueeze(0), b.unsqueeze(0))):
        a = leaf(np.ones((2, 2)))
        b = jitgrad.ones(2, 2, dtype=jitgrad.float64)
        y = make(a, b)
        b.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_addmm_is_one_product_and_one_pass(monkeypatch):
    # the product goes to BLAS once; the bias add is one kernel pass, no temporaries
    from jitgrad.ops import linalg
    calls = []
    monkeypatch.setattr(linalg, "addmm_epilogue",
                        lambda *args: calls.append(args) or _EPILOGUE(*args))
    y = jitgrad.addmm(jitgrad.ones(3), jitgrad.ones(2, 4), jitgrad.ones(4, 3))
    assert len(calls) == 1 and y.tolist() == [[5.0] * 3] * 2


from jitgrad.kernels.linalg import addmm_epilogue as _EPILOGUE  # noqa: E402


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _r(lib, *shape, dtype=None):
    return lib.zeros(shape, dtype=dtype or lib.float32)


ERRORS = [
    Case("dot-2d", lambda lib: lib.dot(_r(lib, 2, 3), _r(lib, 3)), RuntimeError,
         "1D tensors expected, but got 2D and 1D tensors"),
    Case("dot-0d", lambda lib: lib.dot(_r(lib), _r(lib, 3)), RuntimeError,
         "1D tensors expected, but got 0D and 1D tensors"),
    Case("dot-size", lambda lib: lib.dot(_r(lib, 2), _r(lib, 3)), RuntimeError,
         "inconsistent tensor size, expected tensor [2] and src [3] to have the same number of "
         "elements, but got 2 and 3 elements respectively"),
    Case("dot-dtype", lambda lib: lib.dot(_r(lib, 3), _r(lib, 3, dtype=lib.float64)), RuntimeError,
         "dot : expected both vectors to have same dtype, but found Float and Double"),
    Case("dot-bool", lambda lib: lib.dot(lib.tensor([True]), lib.tensor([True])),
         NotImplementedError, "\"dot\" not implemented for 'Bool'"),
    Case("dot-not-tensor", lambda lib: lib.dot(_r(lib, 3), [1.0]), TypeError,
         "dot(): argument 'tensor' (position 2) must be Tensor, not list"),
    Case("mv-1d", lambda lib: lib.mv(_r(lib, 3), _r(lib, 3)), RuntimeError,
         "vector + matrix @ vector expected, got 1, 1, 1"),
    Case("mv-3d", lambda lib: lib.mv(_r(lib, 2, 2, 3), _r(lib, 3)), RuntimeError,
         "vector + matrix @ vector expected, got 1, 3, 1"),
    Case("mv-vec-2d", lambda lib: lib.mv(_r(lib, 2, 3), _r(lib, 3, 1)), RuntimeError,
         "vector + matrix @ vector expected, got 1, 2, 2"),
    Case("mv-size", lambda lib: lib.mv(_r(lib, 2, 3), _r(lib, 4)), RuntimeError,
         "size mismatch, got input (2), mat (2x3), vec (4)"),
    Case("mv-dtype", lambda lib: lib.mv(_r(lib, 2, 3), _r(lib, 3, dtype=lib.float64)),
         RuntimeError, "addmv input tensors must have the same dtype, but got Double, Float, "
         "and Double"),
    Case("bmm-batch1", lambda lib: lib.bmm(_r(lib, 2, 3), _r(lib, 3, 4)), RuntimeError,
         "batch1 must be a 3D tensor"),
    Case("bmm-batch2", lambda lib: lib.bmm(_r(lib, 2, 2, 3), _r(lib, 3, 4)), RuntimeError,
         "batch2 must be a 3D tensor"),
    Case("bmm-batch-size", lambda lib: lib.bmm(_r(lib, 2, 2, 3), _r(lib, 3, 3, 4)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3]."),
    Case("bmm-inner", lambda lib: lib.bmm(_r(lib, 2, 2, 3), _r(lib, 2, 4, 4)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
    Case("bmm-size-before-dtype",
         lambda lib: lib.bmm(_r(lib, 2, 2, 3), _r(lib, 3, 4, 4, dtype=lib.float64)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 4]."),
    Case("bmm-dtype", lambda lib: lib.bmm(_r(lib, 2, 2, 3), _r(lib, 2, 3, 4, dtype=lib.float64)),
         RuntimeError, "expected scalar type Float but found Double"),
    Case("mT-1d", lambda lib: _r(lib, 3).mT, RuntimeError,
         "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."),
    Case("outer-self", lambda lib: lib.outer(_r(lib, 2, 3), _r(lib, 3)), RuntimeError,
         "outer: Expected 1-D argument self, but got 2-D"),
    Case("outer-vec2", lambda lib: lib.outer(_r(lib, 3), _r(lib, 2, 3)), RuntimeError,
         "outer: Expected 1-D argument vec2, but got 2-D"),
    Case("ger-0d", lambda lib: lib.ger(_r(lib), _r(lib, 3)), RuntimeError,
         "outer: Expected 1-D argument self, but got 0-D"),
    Case("addmm-row", lambda lib: lib.addmm(_r(lib, 3), _r(lib, 2, 3), _r(lib, 3, 4)),
         RuntimeError, "The expanded size of the tensor (4) must match the existing size (3) at "
         "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"),
    Case("addmm-matrix", lambda lib: lib.addmm(_r(lib, 3, 4), _r(lib, 2, 3), _r(lib, 3, 4)),
         RuntimeError, "The expanded size of the tensor (2) must match the existing size (3) at "
         "non-singleton dimension 0.  Target sizes: [2, 4].  Tensor sizes: [3, 4]"),
    Case("addmm-bias-3d", lambda lib: lib.addmm(_r(lib, 1, 2, 4), _r(lib, 2, 3), _r(lib, 3, 4)),
         RuntimeError, "expand(jitgrad.FloatTensor{[1, 2, 4]}, size=[2, 4]): the number of sizes "
         "provided (2) must be greater or equal to the number of dimensions in the tensor (3)"),
    Case("addmm-mat1-1d", lambda lib: lib.addmm(_r(lib, 1, 2, 4), _r(lib, 3), _r(lib, 3, 4)),
         RuntimeError, "mat1 must be a matrix, got 1-D tensor"),
    Case("addmm-mat2-1d", lambda lib: lib.addmm(_r(lib, 4), _r(lib, 2, 3), _r(lib, 3)),
         RuntimeError, "mat2 must be a matrix, got 1-D tensor"),
    Case("addmm-shapes", lambda lib: lib.addmm(_r(lib, 5), _r(lib, 2, 3), _r(lib, 2, 4)),
         RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x4)"),
    Case("addmm-self-dtype",
         lambda lib: lib.addmm(_r(lib, 4, dtype=lib.float64), _r(lib, 2, 3), _r(lib, 3, 4)),
         RuntimeError, "self and mat2 must have the same dtype, but got Double and Float"),
    Case("addmm-mat1-dtype",
         lambda lib: lib.addmm(_r(lib, 4), _r(lib, 3, dtype=lib.float64), _r(lib, 3, 4)),
         RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    Case("addmm-int-bias", lambda lib: lib.addmm(lib.tensor(1), _r(lib, 2, 3), _r(lib, 3, 4)),
         RuntimeError, "self and mat2 must have the same dtype, but got Long and Float"),
    Case("einsum-fewer", lambda lib: lib.einsum("ij,jk->ik", _r(lib, 2, 3)), RuntimeError,
         "einsum(): fewer operands were provided than specified in the equation"),
    Case("einsum-more", lambda lib: lib.einsum("ij->ij", _r(lib, 2, 3), _r(lib, 2, 3)),
         RuntimeError, "einsum(): more operands were provided than specified in the equation"),
    Case("einsum-ndim", lambda lib: lib.einsum("ijk->ij", _r(lib, 2, 3)), RuntimeError,
         "einsum(): the number of subscripts in the equation (3) does not match the number of "
         "dimensions (2) for operand 0 and no ellipsis was given"),
    Case("einsum-ndim-ellipsis", lambda lib: lib.einsum("...ijk->i", _r(lib, 2, 3)), RuntimeError,
         "einsum(): the number of subscripts in the equation (3) is more than the number of "
         "dimensions (2) for operand 0"),
    Case("einsum-size", lambda lib: lib.einsum("ij,jk->ik", _r(lib, 2, 3), _r(lib, 4, 5)),
         RuntimeError, "einsum(): subscript j has size 4 for operand 1 which does not broadcast "
         "with previously seen size 3"),
    Case("einsum-ellipsis-size",
         lambda lib: lib.einsum("...i,...i->...i", _r(lib, 2, 3), _r(lib, 4, 3)), RuntimeError,
         "einsum(): dimension 0 covered by ellipsis in operand 1has size 4 which does not "
         "broadcast with previously seen ellipsis with size 2 for the respective dimension"),
    Case("einsum-output-unknown", lambda lib: lib.einsum("ij,jk->iz", _r(lib, 2, 3), _r(lib, 3, 5)),
         RuntimeError, "einsum(): output subscript z does not appear in the equation for any "
         "input operand"),
    Case("einsum-output-twice", lambda lib: lib.einsum("ij,jk->ii", _r(lib, 2, 3), _r(lib, 3, 5)),
         RuntimeError, "einsum(): output subscript i appears more than once in the output"),
    Case("einsum-subscript", lambda lib: lib.einsum("i1,jk->ik", _r(lib, 2, 3), _r(lib, 3, 5)),
         RuntimeError, "einsum(): invalid subscript given at index 1 in the equation string, "
         "subscripts must be in [a-zA-Z]"),
    Case("einsum-output-subscript", lambda lib: lib.einsum("i->1", _r(lib, 2)), RuntimeError,
         "einsum(): invalid subscript given at index 3 in the equation string, subscripts must "
         "be in [a-zA-Z]"),
    Case("einsum-two-ellipses", lambda lib: lib.einsum("...i...->i", _r(lib, 2, 3)), RuntimeError,
         "einsum(): found '.' for operand 0 for which an ellipsis was already found"),
    Case("einsum-dot", lambda lib: lib.einsum("..i->i", _r(lib, 2, 3)), RuntimeError,
         "einsum(): found '.' for operand 0 that is not part of any ellipsis"),
    Case("einsum-output-two-ellipses", lambda lib: lib.einsum("...ij->......ij", _r(lib, 2, 3)),
         RuntimeError, "einsum(): found '.' for output but an ellipsis (...) was already found"),
    Case("einsum-dtype", lambda lib: lib.einsum("ij,jk->ik", _r(lib, 2, 3, dtype=lib.float64),
                                                _r(lib, 3, 5)), RuntimeError,
         "expected scalar type Double but found Float"),
    Case("einsum-dtype-3", lambda lib: lib.einsum("i,i,i->", _r(lib, 3), _r(lib, 3),
                                                  _r(lib, 3, dtype=lib.float64)), RuntimeError,
         "expected scalar type Float but found Double"),
    Case("einsum-no-operands", lambda lib: lib.einsum("ij"), ValueError,
         "einsum(): must specify the equation string and at least one operand, or at least one "
         "operand and its subscripts list"),
    Case("einsum-not-tensor", lambda lib: lib.einsum("i,i->i", _r(lib, 3), 3), TypeError,
         "expected Tensor as element 1 in argument 1, but got int"),
    Case("einsum-equation-type", lambda lib: lib.einsum(3, _r(lib, 3)), TypeError,
         "einsum(): argument 'equation' (position 1) must be str, not int"),
]


test_error, test_error_is_torchs = error_tests(ERRORS)
