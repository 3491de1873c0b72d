"""torch.linalg's triangular solves, LU factorisations and matrix exponential
(jitgrad/ops/linalg_lu.py, jitgrad/ops/linalg_matrix_exp.py): solve_triangular,
the old triangular_solve, lu_factor(_ex), lu, lu_solve, lu_unpack, matrix_exp.

Finite differences in float64 and torch's values/grads/node names (float32 and
float64) on well-conditioned inputs (the ``CASES``, which the table-driven
tests also run in every memory layout and with non-finite entries); square,
wide and tall LU; every (left, adjoint) of lu_solve; broadcast batches; the
create_graph path against the plain backward and torch's second derivatives;
hand-derived values; and every error in torch's words."""
import math
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def W(*shape):
    """Well-conditioned square matrices (both triangles): noise plus 3 * I."""
    return R(*shape) * 0.5 + 3 * np.eye(shape[-1])


def lu_solve(lib, a, b, **kw):
    LU, piv = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(LU, piv, b, **kw)


CASES = [
    ("linalg_solve_triangular", "upper", lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True),
     [W(3, 3), R(3, 2)]),
    ("linalg_solve_triangular", "lower-right-unit-batched",
     lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False, left=False, unitriangular=True),
     [W(2, 3, 3), R(2, 4, 3)]),
    ("linalg_solve_triangular", "broadcast-transposed",
     lambda lib, a, b: lib.linalg.solve_triangular(a.mT, b, upper=False), [W(3, 3), R(2, 3, 2)]),
    ("triangular_solve", "solution", lambda lib, b, a: lib.triangular_solve(b, a).solution,
     [R(3, 2), W(3, 3)]),
    ("triangular_solve", "transpose-unit-broadcast",
     lambda lib, b, a: lib.triangular_solve(b, a, upper=False, transpose=True, unitriangular=True)[0],
     [R(2, 3, 2), W(3, 3)]),
    ("triangular_solve", "cloned-coefficient-method",
     lambda lib, a: lib.ones(3, 2, dtype=a.dtype).triangular_solve(a).cloned_coefficient, [W(3, 3)]),
    ("linalg_lu_factor_ex", "lu_factor", lambda lib, a: lib.linalg.lu_factor(a).LU, [R(3, 3)]),
    ("linalg_lu_factor_ex", "ex-batched", lambda lib, a: lib.linalg.lu_factor_ex(a)[0], [R(2, 4, 4)]),
    ("linalg_lu_factor_ex", "wide", lambda lib, a: lib.linalg.lu_factor(a).LU, [R(3, 5)]),
    ("linalg_lu_factor_ex", "tall-batched", lambda lib, a: lib.linalg.lu_factor(a).LU, [R(2, 5, 3)]),
    ("linalg_lu", "L", lambda lib, a: lib.linalg.lu(a).L, [R(2, 4, 4)]),
    ("linalg_lu", "U", lambda lib, a: lib.linalg.lu(a).U, [R(4, 4)]),
    ("linalg_lu", "wide-L", lambda lib, a: lib.linalg.lu(a).L, [R(3, 5)]),
    ("linalg_lu", "wide-U", lambda lib, a: lib.linalg.lu(a)[2], [R(3, 5)]),
    ("linalg_lu", "tall-L", lambda lib, a: lib.linalg.lu(a).L, [R(5, 3)]),
    ("linalg_lu", "tall-U", lambda lib, a: lib.linalg.lu(a).U, [R(2, 5, 3)]),
    ("lu_unpack", "L", lambda lib, a: lib.lu_unpack(*lib.linalg.lu_factor(a)).L, [R(2, 3, 3)]),
    ("lu_unpack", "tall-U", lambda lib, a: lib.lu_unpack(*lib.linalg.lu_factor(a))[2], [R(5, 3)]),
    ("lu_unpack", "wide-L", lambda lib, a: lib.lu_unpack(*lib.linalg.lu_factor(a)).L, [R(3, 5)]),
    ("linalg_lu_solve", "left", lambda lib, a, b: lu_solve(lib, a, b), [R(3, 3), R(3, 2)]),
    ("linalg_lu_solve", "left-adjoint-batched", lambda lib, a, b: lu_solve(lib, a, b, adjoint=True),
     [R(2, 3, 3), R(2, 3, 2)]),
    ("linalg_lu_solve", "right", lambda lib, a, b: lu_solve(lib, a, b, left=False), [R(3, 3), R(4, 3)]),
    ("linalg_lu_solve", "right-adjoint-broadcast",
     lambda lib, a, b: lu_solve(lib, a, b, left=False, adjoint=True), [R(3, 3), R(2, 4, 3)]),
    ("linalg_matrix_exp", "degree-4", lambda lib, a: lib.linalg.matrix_exp(a * 1e-3), [R(3, 3)]),
    ("linalg_matrix_exp", "degree-12-batched", lambda lib, a: lib.linalg.matrix_exp(a * 0.1),
     [R(2, 3, 3)]),
    ("linalg_matrix_exp", "scaled-squared-method", lambda lib, a: a.matrix_exp(), [R(4, 4)]),
    ("linalg_matrix_exp", "torch.matrix_exp-1x1", lambda lib, a: lib.matrix_exp(a), [R(2, 1, 1)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)
IDS = [f"{e}-{n}" for e, n, _, _ in CASES]


@pytest.fixture(autouse=True)
def _quiet_legacy_warning():
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "torch.triangular_solve is deprecated")
        yield


# ------------------------------------------------------------------ create_graph

def _vjp(lib, fn, inputs, create_graph):
    ts = [lib.tensor(a, requires_grad=True) for a in inputs]
    out = fn(lib, *ts)
    v = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
    return ts, lib.autograd.grad(out, ts, v, create_graph=create_graph)


@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs):
    _, fast = _vjp(jitgrad, fn, inputs, False)
    _, graph = _vjp(jitgrad, fn, inputs, True)
    for f, g in zip(fast, graph):
        np.testing.assert_allclose(g.detach().numpy(), f.numpy(), rtol=1e-12, atol=1e-12)


def _hessian_vector(lib, fn, inputs):
    ts, gs = _vjp(lib, fn, inputs, True)
    total = sum((g * lib.tensor(np.random.default_rng(i + 2).standard_normal(tuple(g.shape)))).sum()
                for i, g in enumerate(gs))
    return [g.numpy() for g in lib.autograd.grad(total, ts)]


NONLINEAR = [c for c in CASES if c[1] != "cloned-coefficient-method"]     # (a copy of A: linear)


@pytest.mark.parametrize("entry,name,fn,inputs", NONLINEAR, ids=[f"{c[0]}-{c[1]}" for c in NONLINEAR])
def test_double_backward_is_torchs(entry, name, fn, inputs):
    torch = pytest.importorskip("torch")
    for a, b in zip(_hessian_vector(jitgrad, fn, inputs), _hessian_vector(torch, fn, inputs)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


# ------------------------------------------------------------------ values

def f64(values):
    return jitgrad.tensor(values, dtype=jitgrad.float64)


def test_solve_triangular_hand_derived():
    U = f64([[2.0, 1.0], [0.0, 4.0]])
    X = jitgrad.linalg.solve_triangular(U, f64([[4.0], [8.0]]), upper=True)
    np.testing.assert_allclose(X.numpy(), [[1.0], [2.0]])           # 4 x2 = 8, 2 x1 + 2 = 4
    # only A's triangle is read: the lower one is ignored here, the diagonal if unitriangular
    junk = f64([[2.0, 1.0], [99.0, 4.0]])
    np.testing.assert_array_equal(jitgrad.linalg.solve_triangular(junk, f64([[4.0], [8.0]]),
                                                                  upper=True).numpy(), X.numpy())
    Xu = jitgrad.linalg.solve_triangular(U, f64([[3.0, 1.0]]), upper=True, left=False,
                                         unitriangular=True)
    np.testing.assert_allclose(Xu.numpy(), [[3.0, -2.0]])           # x [[1, 1], [0, 1]] = [3, 1]
    # a zero pivot is not checked (BLAS trsm, as torch): inf, then nan
    Z = jitgrad.linalg.solve_triangular(f64([[1.0, 2.0], [0.0, 0.0]]), f64([[1.0], [1.0]]), upper=True)
    assert np.isinf(Z.numpy()[1, 0]) and not np.isfinite(Z.numpy()[0, 0])


def test_lu_hand_derived():
    A = f64([[1.0, 2.0], [3.0, 4.0]])
    LU, piv = jitgrad.linalg.lu_factor(A)
    assert piv.dtype == jitgrad.int32 and piv.tolist() == [2, 2]     # rows 1 and 2 swapped
    np.testing.assert_allclose(LU.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]])
    P, L, U = jitgrad.linalg.lu(A)
    np.testing.assert_array_equal(P.numpy(), [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(L.numpy(), [[1.0, 0.0], [1 / 3, 1.0]])
    np.testing.assert_allclose(U.numpy(), [[3.0, 4.0], [0.0, 2 / 3]])
    np.testing.assert_allclose((P @ L @ U).numpy(), A.numpy())
    X = jitgrad.linalg.lu_solve(LU, piv, f64([[5.0], [11.0]]))
    np.testing.assert_allclose(X.numpy(), [[1.0], [2.0]])
    Xt = jitgrad.linalg.lu_solve(LU, piv, f64([[7.0, 10.0]]), left=False)
    np.testing.assert_allclose(Xt.numpy(), [[1.0, 2.0]])              # x A = [7, 10]
    Xa = jitgrad.linalg.lu_solve(LU, piv, f64([[7.0], [10.0]]), adjoint=True)
    np.testing.assert_allclose(Xa.numpy(), [[1.0], [2.0]])            # A^T x = [7, 10]
    # d(U[1, 1] = d - b c / a)/dA at a = 3 (after the swap: A's row 2 first)
    A = f64([[1.0, 2.0], [3.0, 4.0]]).requires_grad_()
    jitgrad.linalg.lu(A).U[1, 1].backward()
    np.testing.assert_allclose(A.grad.numpy(), [[-4 / 3, 1.0], [4 / 9, -1 / 3]])


def test_lu_factor_ex_reports_instead_of_raising():
    LU, piv, info = jitgrad.linalg.lu_factor_ex(jitgrad.stack([jitgrad.eye(2), jitgrad.zeros(2, 2)]))
    assert info.dtype == jitgrad.int32 and info.tolist() == [0, 1]
    assert piv.tolist() == [[1, 2], [1, 2]]
    assert type(jitgrad.linalg.lu_factor_ex(jitgrad.eye(2))).__name__ == "linalg_lu_factor_ex"


def test_matrix_exp_hand_derived():
    t = 0.7
    rot = jitgrad.linalg.matrix_exp(f64([[0.0, -t], [t, 0.0]]))
    np.testing.assert_allclose(rot.numpy(), [[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]],
                               rtol=1e-15, atol=1e-15)
    # every degree, and scaling and squaring (torch's degree 8 is good to ~3e-12 here)
    for scale in (1e-9, 1e-5, 1e-2, 0.2, 1.0, 40.0):
        d = f64(np.diag([scale, -scale, 2 * scale]))
        np.testing.assert_allclose(jitgrad.linalg.matrix_exp(d).numpy(),
                                   np.diag(np.exp([scale, -scale, 2 * scale])), rtol=1e-11)
    nil = jitgrad.linalg.matrix_exp(f64([[0.0, 3.0], [0.0, 0.0]]))       # I + N
    np.testing.assert_allclose(nil.numpy(), [[1.0, 3.0], [0.0, 1.0]])
    # d tr(exp(A)) / dA = exp(A)^T
    A = f64(R(3, 3) * 0.5).requires_grad_()
    jitgrad.linalg.matrix_exp(A).diagonal().sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), jitgrad.linalg.matrix_exp(A.detach()).numpy().T,
                               rtol=1e-12)
    e = jitgrad.linalg.matrix_exp(jitgrad.zeros(2, 0, 0))
    assert tuple(e.shape) == (2, 0, 0)
    nan = jitgrad.linalg.matrix_exp(f64([[math.nan, 0.0], [0.0, 1.0]]))
    assert np.isnan(nan.numpy()).all()                                  # as torch


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_torch_over_degrees(dtype):
    """One matrix of each degree's norm range, alone (torch picks the degree by the norm)
    and as a batch (torch takes degree 18 for all)."""
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).standard_normal((6, 4, 4))
    a = a / np.abs(a).sum(-2).max(-1)[:, None, None]
    a = (a * np.array([1e-8, 1e-4, 0.03, 0.4, 1.2, 25.0])[:, None, None]).astype(dtype)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-15)
    for x in [a] + [a[i] for i in range(len(a))]:
        np.testing.assert_allclose(jitgrad.linalg.matrix_exp(jitgrad.tensor(x)).numpy(),
                                   torch.linalg.matrix_exp(torch.tensor(x)).numpy(), **tol)


def test_lu_pivots_and_factors_are_torchs():
    torch = pytest.importorskip("torch")
    for shape in [(4, 4), (2, 3, 5), (5, 3)]:
        a = R(*shape)
        mine, theirs = jitgrad.linalg.lu_factor(jitgrad.tensor(a)), torch.linalg.lu_factor(torch.tensor(a))
        np.testing.assert_array_equal(mine.pivots.numpy(), theirs.pivots.numpy())
        np.testing.assert_allclose(mine.LU.numpy(), theirs.LU.numpy(), rtol=1e-12, atol=1e-14)
        for x, y in zip(jitgrad.lu_unpack(*mine), torch.lu_unpack(*theirs)):
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-12, atol=1e-14)
    singular = [[1.0, 2.0], [2.0, 4.0]]
    for lib in (jitgrad, torch):                          # no check: inf and nan, as torch
        LU, piv, _ = lib.linalg.lu_factor_ex(lib.tensor(singular))
        out = lib.linalg.lu_solve(LU, piv, lib.ones(2, 1)).numpy()
        if lib is jitgrad:
            mine = out
    np.testing.assert_array_equal(mine, out)


def test_lu_unpack_flags_and_dtypes():
    LU, piv = jitgrad.linalg.lu_factor(jitgrad.tensor(W(3, 3)))
    P, L, U = jitgrad.lu_unpack(LU, piv, unpack_data=False)
    assert tuple(P.shape) == (3, 3) and tuple(L.shape) == tuple(U.shape) == (0,)
    P, L, U = jitgrad.lu_unpack(LU, piv, unpack_pivots=False)
    assert tuple(P.shape) == (0,) and tuple(L.shape) == (3, 3)
    assert type(jitgrad.lu_unpack(LU, piv)).__name__ == "lu_unpack"
    assert type(jitgrad.linalg.lu(LU)).__name__ == "linalg_lu"
    r = jitgrad.triangular_solve(jitgrad.ones(1, 3, 2), jitgrad.eye(3).expand(2, 3, 3))
    assert type(r).__name__ == "triangular_solve" and tuple(r.cloned_coefficient.shape) == (2, 3, 3)


def test_triangular_solve_warns_once():
    import warnings

    from jitgrad.ops import linalg_decomp
    linalg_decomp._warned.discard("triangular_solve")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="torch.triangular_solve is deprecated"):
            jitgrad.triangular_solve(jitgrad.ones(2, 1), jitgrad.eye(2))
        jitgrad.triangular_solve(jitgrad.ones(2, 1), jitgrad.eye(2))       # once per process


@pytest.mark.parametrize("name", ["eig", "eigvals"])
def test_eig_refuses_complex(name):
    with pytest.raises(NotImplementedError, match="complex tensors are not supported"):
        getattr(jitgrad.linalg, name)(jitgrad.eye(2))


# ------------------------------------------------------------------ errors

Err = namedtuple("Err", "id run exc message")


def _lu(lib):
    return lib.linalg.lu_factor(lib.tensor([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]))


NOT_SINGULAR_HINT = ("is zero and using it on lu_solve would result in a division by zero. If you "
                     "still want to perform the factorization, consider calling linalg.lu(A, "
                     "pivot) or linalg.lu_factor_ex(A, pivot)")
ERRORS = [
    Err("solve_triangular-no-upper", lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(3, 2)),
        TypeError, 'linalg_solve_triangular() missing 1 required positional arguments: "upper"'),
    Err("solve_triangular-B-1d", lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(3), upper=True),
        RuntimeError, "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."),
    Err("solve_triangular-rect", lambda lib: lib.linalg.solve_triangular(lib.ones(2, 3), lib.ones(3, 2), upper=True),
        RuntimeError, "linalg.solve_triangular: A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("solve_triangular-shapes", lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(2, 2), upper=True,
                                                                           left=False),
        RuntimeError, "linalg.solve_triangular: Incompatible shapes of A and B for the equation XA = B (3x3 and 2x2)"),
    Err("solve_triangular-int", lambda lib: lib.linalg.solve_triangular(lib.tensor([[1, 0], [0, 1]]), lib.ones(2, 2),
                                                                        upper=True),
        NotImplementedError, "\"triangular_solve_cpu\" not implemented for 'Long'"),
    Err("solve_triangular-batches", lambda lib: lib.linalg.solve_triangular(lib.ones(4, 3, 3), lib.ones(2, 3, 2),
                                                                            upper=True),
        RuntimeError, "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0"),
    Err("triangular_solve-b-1d", lambda lib: lib.triangular_solve(lib.ones(3), lib.eye(3)), RuntimeError,
        "jitgrad.triangular_solve: Expected b to have at least 2 dimensions, but it has 1 dimensions instead"),
    Err("triangular_solve-rect", lambda lib: lib.triangular_solve(lib.ones(3, 2), lib.ones(2, 3)), RuntimeError,
        "A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("triangular_solve-shapes", lambda lib: lib.triangular_solve(lib.ones(2, 2), lib.eye(3)), RuntimeError,
        "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b matrix is 2 by 2"),
    Err("triangular_solve-dtypes", lambda lib: lib.triangular_solve(lib.ones(3, 2, dtype=lib.float64), lib.eye(3)),
        RuntimeError, "Expected b and A to have the same dtype, but found b of type Double and A of type Float "
        "instead."),
    Err("lu_factor-singular", lambda lib: lib.linalg.lu_factor(lib.tensor([[1.0, 2.0], [2.0, 4.0]])),
        RuntimeError, f"jitgrad.linalg.lu_factor: U[2,2] {NOT_SINGULAR_HINT}"),
    Err("lu_factor-singular-batch", lambda lib: lib.linalg.lu_factor(lib.stack([lib.eye(2), lib.zeros(2, 2)])),
        RuntimeError, f"jitgrad.linalg.lu_factor: (Batch element 1): U[1,1] {NOT_SINGULAR_HINT}"),
    Err("lu_factor_ex-check", lambda lib: lib.linalg.lu_factor_ex(lib.zeros(2, 2), check_errors=True),
        RuntimeError, f"jitgrad.linalg.lu_factor_ex: U[1,1] {NOT_SINGULAR_HINT}"),
    Err("lu_factor-1d", lambda lib: lib.linalg.lu_factor_ex(lib.ones(3)), RuntimeError,
        "jitgrad.lu_factor: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
    Err("lu-1d", lambda lib: lib.linalg.lu(lib.ones(3)), RuntimeError,
        "linalg.lu: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
    Err("lu-int", lambda lib: lib.linalg.lu(lib.ones(3, 3).long()), NotImplementedError,
        "\"lu_cpu\" not implemented for 'Long'"),
    Err("lu-no-pivot", lambda lib: lib.linalg.lu(lib.ones(3, 3), pivot=False), RuntimeError,
        "linalg.lu_factor: LU without pivoting is not implemented on the CPU"),
    Err("lu_solve-B-1d", lambda lib: lib.linalg.lu_solve(*_lu(lib), lib.ones(3)), RuntimeError,
        "linalg.lu_solve: The input tensor B must have at least 2 dimensions."),
    Err("lu_solve-shapes", lambda lib: lib.linalg.lu_solve(*_lu(lib), lib.ones(2, 2)), RuntimeError,
        "linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x2)"),
    Err("lu_solve-pivots-dtype", lambda lib: lib.linalg.lu_solve(_lu(lib)[0], _lu(lib)[1].long(), lib.ones(3, 2)),
        RuntimeError, "linalg.lu_solve: pivots should be a Tensor of scalar type jitgrad.int32"),
    Err("lu_solve-pivots-count", lambda lib: lib.linalg.lu_solve(_lu(lib)[0], _lu(lib)[1][:2], lib.ones(3, 2)),
        RuntimeError, "linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix"),
    Err("lu_solve-dtypes", lambda lib: lib.linalg.lu_solve(*_lu(lib), lib.ones(3, 2, dtype=lib.float64)),
        RuntimeError, "linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type Float and B "
        "of type Double instead"),
    Err("lu_solve-rect", lambda lib: lib.linalg.lu_solve(_lu(lib)[0][:2], _lu(lib)[1][:2], lib.ones(2, 2)),
        RuntimeError, "jitgrad.linalg.lu_solve: A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("lu_solve-int", lambda lib: lib.linalg.lu_solve(_lu(lib)[0].long(), _lu(lib)[1], lib.ones(3, 2).long()),
        RuntimeError, "jitgrad.linalg.lu_solve: Expected a floating point or complex tensor as input. Got Long"),
    Err("lu_solve-pivot-high", lambda lib: lib.linalg.lu_solve(_lu(lib)[0], lib.tensor([5, 2, 3], dtype=lib.int32),
                                                               lib.ones(3, 2)),
        RuntimeError, "Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you properly pass "
        "the result of lu_factor?"),
    Err("lu_solve-pivot-low", lambda lib: lib.linalg.lu_solve(_lu(lib)[0], lib.tensor([0, 2, 3], dtype=lib.int32),
                                                              lib.ones(3, 2)),
        RuntimeError, "Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the "
        "result of lu_factor?"),
    Err("lu_solve-pivots-batch", lambda lib: lib.linalg.lu_solve(_lu(lib)[0], _lu(lib)[1].expand(2, 3),
                                                                 lib.ones(2, 3, 2)),
        RuntimeError, "linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with "
        "shape [2, 3] instead"),
    Err("lu_unpack-pivots-dtype", lambda lib: lib.lu_unpack(_lu(lib)[0], _lu(lib)[1].long()), RuntimeError,
        "jitgrad.lu_unpack: LU_pivots is expected to be a contiguous tensor of jitgrad.int32 dtype.\nNote: this "
        "function is intended to be used with the output produced by jitgrad.linalg.lu_factor"),
    Err("matrix_exp-rect", lambda lib: lib.linalg.matrix_exp(lib.ones(2, 3)), RuntimeError,
        "linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("matrix_exp-1d", lambda lib: lib.linalg.matrix_exp(lib.ones(3)), RuntimeError,
        "linalg.matrix_exp: The input tensor A must have at least 2 dimensions."),
    Err("matrix_exp-int", lambda lib: lib.matrix_exp(lib.ones(3, 3).long()), RuntimeError,
        "linalg.matrix_exp: Expected a floating point or complex tensor as input. Got Long"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
