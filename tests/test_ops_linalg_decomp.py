"""torch.linalg's decompositions, solvers and norms, and the old top-level
names (jitgrad/ops/linalg_decomp.py).

Finite differences in float64 and torch's values/grads/node names (float32
and float64) on well-conditioned inputs built in the case lambdas (SPD for
cholesky/eigh, symmetrised for eigh); decompositions defined up to signs
(qr, eigh, svd) are compared through sign-invariant functions of their
outputs. Plus hand-derived values, named tuples, batched/broadcast inputs,
and the errors (LinAlgError for singular/indefinite inputs) in torch's words."""
import math
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import gradcheck, table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def W(*shape):
    """Well-conditioned square matrices: noise plus 3 * I."""
    return R(*shape) * 0.5 + 3 * np.eye(shape[-1])


def spd(lib, x):
    return x @ x.mT + lib.eye(x.shape[-1], dtype=x.dtype)


def sym(x):
    return x + x.mT


def outer0(a, b):
    """column 0 of ``a`` times row 0 of ``b``: unchanged by the sign of the pair."""
    return a[..., :, :1] * b[..., :1, :]


CASES = [
    ("linalg_inv", "batched-noncontig-legacy", lambda lib, x: lib.inverse(x.mT), [W(2, 3, 3)]),
    ("linalg_det", "batched-method", lambda lib, x: x.det(), [W(2, 3, 3)]),
    ("linalg_slogdet", "sign-times-logabsdet", lambda lib, x: (lambda s: s.sign * s[1])(x.slogdet()),
     [R(2, 3, 3)]),
    ("linalg_slogdet", "logdet", lambda lib, x: lib.logdet(spd(lib, x)), [R(3, 3)]),
    ("linalg_solve", "broadcast", lambda lib, a, b: lib.linalg.solve(a, b), [W(3, 3), R(2, 3, 2)]),
    ("linalg_solve", "batched-vector", lambda lib, a, b: lib.linalg.solve(a, b), [W(2, 3, 3), R(2, 3)]),
    ("linalg_solve", "right", lambda lib, a, b: lib.linalg.solve(a, b, left=False),
     [W(2, 3, 3), R(2, 2, 3)]),
    ("linalg_cholesky", "upper-batched", lambda lib, x: lib.linalg.cholesky(spd(lib, x), upper=True),
     [R(2, 3, 3)]),
    ("linalg_cholesky", "cholesky_ex", lambda lib, x: lib.linalg.cholesky_ex(spd(lib, x)).L, [R(3, 3)]),
    ("cholesky", "legacy-lower", lambda lib, x: lib.cholesky(spd(lib, x)), [R(3, 3)]),
    ("linalg_qr", "tall-batched", lambda lib, x: outer0(*lib.linalg.qr(x)) + lib.linalg.qr(x).Q ** 2,
     [R(2, 4, 3)]),
    ("linalg_qr", "wide-legacy-method", lambda lib, x: outer0(*x.qr()) + outer0(*lib.qr(x, False)),
     [R(3, 5)]),
    ("linalg_eigh", "vectors-upper", lambda lib, x: (lambda w, v: (v * w.unsqueeze(-2)) @ v.mT + v ** 2)(
        *lib.linalg.eigh(sym(x), UPLO="U")), [R(4, 4)]),
    ("linalg_eigh", "eigvalsh-batched", lambda lib, x: lib.linalg.eigvalsh(sym(x)), [R(2, 3, 3)]),
    ("linalg_svd", "tall", lambda lib, x: (lambda u, s, vh: outer0(u, vh) * s[..., :1, None] + u ** 2)(
        *lib.linalg.svd(x, full_matrices=False)), [R(2, 4, 3)]),
    ("linalg_svd", "wide-full-legacy-V", lambda lib, x: lib.svd(x, some=False)[2][..., :, :3] ** 2,
     [R(3, 5)]),
    ("linalg_svd", "svdvals", lambda lib, x: lib.linalg.svdvals(x), [R(3, 4)]),
    ("linalg_pinv", "tall-pinverse", lambda lib, x: lib.pinverse(x) + x.pinverse(1e-10), [R(4, 3)]),
    ("linalg_pinv", "hermitian-batched", lambda lib, x: lib.linalg.pinv(spd(lib, x), hermitian=True),
     [R(2, 3, 3)]),
    ("linalg_lstsq", "vector-batched", lambda lib, a, b: lib.linalg.lstsq(a, b)[0], [R(2, 4, 3), R(2, 4)]),
    ("linalg_lstsq", "residuals", lambda lib, a, b: lib.linalg.lstsq(a, b, driver="gelsd").residuals,
     [R(5, 3), R(5, 2)]),
    ("linalg_cross", "broadcast-dim", lambda lib, a, b: lib.linalg.cross(a, b, dim=0), [R(3, 4), R(3, 1)]),
    ("linalg_cross", "legacy-method", lambda lib, a, b: a.cross(b, dim=1), [R(2, 3), R(2, 3)]),
    ("vector_norm_negative", "-inf", lambda lib, x: lib.linalg.vector_norm(x, -math.inf, dim=1), [R(2, 4)]),
    ("vector_norm_negative", "legacy-norm", lambda lib, x: lib.norm(x, -2, dim=0, keepdim=True), [R(2, 3)]),
    ("norm", "matrix-fro", lambda lib, x: lib.linalg.matrix_norm(x), [R(2, 3, 3)]),
    ("matrix_power_zero", "power-0", lambda lib, x: lib.linalg.matrix_power(x, 0), [R(2, 2)]),
]
COMPOSED = [   # compositions of recorded ops (torch's nodes): gradients, values, node names
    (lambda lib, x: lib.linalg.matrix_norm(x, "nuc"), [R(2, 3, 4)]),
    (lambda lib, x: lib.linalg.matrix_norm(x, "nuc", (0, 2), True), [R(3, 2, 4)]),
    (lambda lib, x: lib.linalg.norm(x, 2), [R(3, 4)]),
    (lambda lib, x: lib.linalg.matrix_norm(x, -2), [R(3, 3)]),
    (lambda lib, x: lib.linalg.matrix_norm(x, 1), [R(2, 3, 4)]),
    (lambda lib, x: lib.linalg.matrix_norm(x, -1, keepdim=True), [R(3, 4)]),
    (lambda lib, x: lib.linalg.norm(x, math.inf, (1, 0)), [R(3, 4)]),
    (lambda lib, x: lib.norm(x, "nuc"), [R(3, 4)]),
    (lambda lib, x: lib.linalg.vector_norm(x, 3, (0, 2)), [R(2, 3, 2)]),
    (lambda lib, x: lib.linalg.matrix_power(x, 5), [W(2, 3, 3) / 3]),
    (lambda lib, x: x.matrix_power(-2), [W(3, 3)]),
    (lambda lib, a, b: lib.linalg.multi_dot([a, b]), [R(2, 3), R(3, 4)]),
    (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), [R(3), R(3, 4), R(4)]),
    (lambda lib, a, b, c, d: lib.linalg.multi_dot([a, b, c, d]), [R(5, 2), R(2, 6), R(6, 3), R(3, 1)]),
]

test_gradcheck, test_torch, _ = table_tests(CASES)


def _find_node(fn, name):
    seen, stack = set(), [fn]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        if type(n).__name__ == name:
            return n
        stack.extend(getattr(n, "_next", ()))
    return None


def test_node_names_are_the_tables():
    from jitgrad import derivatives
    for entry, name, fn, inputs in CASES:
        out = fn(jitgrad, *[jitgrad.tensor(a, requires_grad=True) for a in inputs])
        assert _find_node(out.grad_fn, derivatives.COMPOSITE[entry].node) is not None, name


def test_composed_gradcheck():
    for fn, inputs in COMPOSED:
        gradcheck(lambda *ts: fn(jitgrad, *ts), *inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_composed_torch(dtype):
    for fn, inputs in COMPOSED:
        torch_check(fn, *[a.astype(dtype) for a in inputs])


# ------------------------------------------------------------------ create_graph

SECOND_ORDER = [c for c in CASES if c[0] != "matrix_power_zero"]


def test_apply_graph_matches_apply():
    """Each node's recorded backward gives its numpy backward's numbers."""
    for entry, name, fn, inputs in SECOND_ORDER:
        ts = [jitgrad.tensor(a, requires_grad=True) for a in inputs]
        out = fn(jitgrad, *ts)
        v = jitgrad.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        fast = jitgrad.autograd.grad(out, ts, v)
        graph = jitgrad.autograd.grad(fn(jitgrad, *ts), ts, v, create_graph=True)
        for f, g in zip(fast, graph):
            np.testing.assert_allclose(g.detach().numpy(), f.numpy(), atol=1e-9, err_msg=name)


def _hessian_vector(lib, fn, inputs):
    ts = [lib.tensor(a, requires_grad=True) for a in inputs]
    out = fn(lib, *ts)
    v = lib.tensor(np.random.default_rng(0).standard_normal(tuple(out.shape)))
    gs = lib.autograd.grad(out, ts, v, create_graph=True)
    total = sum((g * lib.tensor(np.random.default_rng(i + 1).standard_normal(tuple(g.shape)))).sum()
                for i, g in enumerate(gs))
    return [g.detach().numpy(force=True) for g in lib.autograd.grad(total, ts)]


def test_double_backward_is_torchs():
    torch = pytest.importorskip("torch")
    for entry, name, fn, inputs in SECOND_ORDER:
        mine, theirs = _hessian_vector(jitgrad, fn, inputs), _hessian_vector(torch, fn, inputs)
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(a, b, atol=1e-7, rtol=1e-6, err_msg=name)


# ------------------------------------------------------------------ values

def test_hand_derived_values():
    A = jitgrad.tensor([[4.0, 2.0], [2.0, 3.0]], dtype=jitgrad.float64, requires_grad=True)
    L = jitgrad.linalg
    d = L.det(A)
    assert d.item() == pytest.approx(8.0)
    d.backward()
    np.testing.assert_allclose(A.grad.numpy(), [[3.0, -2.0], [-2.0, 4.0]])   # adjugate^T
    A = A.detach()
    np.testing.assert_allclose(L.inv(A).numpy(), np.array([[3, -2], [-2, 4]]) / 8)
    np.testing.assert_allclose(L.cholesky(A).numpy(), [[2, 0], [1, math.sqrt(2)]])
    np.testing.assert_allclose(L.eigvalsh(A).numpy(), [(7 - math.sqrt(17)) / 2, (7 + math.sqrt(17)) / 2])
    np.testing.assert_allclose(L.solve(A, jitgrad.tensor([2.0, 2.0], dtype=jitgrad.float64)).numpy(),
                               [0.25, 0.5])     # [[4, 2], [2, 3]] x = [2, 2]
    x = jitgrad.tensor([3.0, -4.0])
    assert L.vector_norm(x, -math.inf).item() == 3.0
    assert L.matrix_norm(jitgrad.tensor([[1.0, -2.0], [3.0, 4.0]]), 1).item() == 6.0
    assert L.matrix_norm(jitgrad.tensor([[1.0, -2.0], [3.0, 4.0]]), math.inf).item() == 7.0
    c = L.cross(jitgrad.tensor([1.0, 0.0, 0.0]), jitgrad.tensor([0.0, 1.0, 0.0]))
    np.testing.assert_array_equal(c.numpy(), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_named_tuples_dtypes_and_reconstruction(dtype):
    L = jitgrad.linalg
    a = jitgrad.tensor(R(2, 4, 3).astype(dtype))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    q, r = L.qr(a)
    np.testing.assert_allclose((q @ r).numpy(), a.numpy(), atol=tol)
    assert L.qr(a, mode="r").Q.shape == (0,)
    u, s, vh = L.svd(a, full_matrices=False)
    assert (u.dtype, s.dtype, vh.dtype) == (a.dtype,) * 3
    np.testing.assert_allclose(((u * s.unsqueeze(-2)) @ vh).numpy(), a.numpy(), atol=tol)
    assert L.svd(a).U.shape == (2, 4, 4)
    U, S, V = jitgrad.svd(a)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ V.mT).numpy(), a.numpy(), atol=tol)
    sl = L.slogdet(jitgrad.tensor(R(3, 3).astype(dtype)))
    assert type(sl).__name__ == "linalg_slogdet" and sl.sign.dtype == sl.logabsdet.dtype
    res = L.lstsq(a, jitgrad.tensor(R(2, 4, 2).astype(dtype)))
    assert res.rank.dtype == jitgrad.int64 and tuple(res.rank.shape) == (2,)
    assert tuple(res.residuals.shape) == (0,)


def test_integer_inputs_without_grad():
    a = jitgrad.tensor([[1, 2, 3]])
    assert jitgrad.linalg.cross(a, a).dtype == jitgrad.int64
    assert jitgrad.linalg.matrix_power(jitgrad.tensor([[1, 1], [0, 1]]), 3).tolist() == [[1, 3], [0, 1]]


def test_torch_decompositions_agree_up_to_sign():
    torch = pytest.importorskip("torch")
    a = R(2, 4, 3)
    for lib_out, torch_out in [
        (jitgrad.linalg.qr(jitgrad.tensor(a))[0], torch.linalg.qr(torch.tensor(a))[0]),
        (jitgrad.linalg.svd(jitgrad.tensor(a))[0][..., :3], torch.linalg.svd(torch.tensor(a))[0][..., :3]),
        (jitgrad.linalg.eigh(jitgrad.tensor(a[..., :3, :] + a[..., :3, :].swapaxes(-1, -2)))[1],
         torch.linalg.eigh(torch.tensor(a[..., :3, :] + a[..., :3, :].swapaxes(-1, -2)))[1])]:
        x, y = lib_out.numpy(), torch_out.numpy()
        signs = np.sign((x * y).sum(-2, keepdims=True))
        np.testing.assert_allclose(x * signs, y, atol=1e-10)


def test_qr_backward_refusals():
    x = jitgrad.tensor(R(4, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        jitgrad.linalg.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="nrows > ncols"):
        jitgrad.linalg.qr(x, mode="complete").Q.sum().backward()


def test_singular_gradients_are_torchs():
    """torch's det backward scales by det: an exactly singular matrix gets zeros (not its
    cofactors); slogdet's LU solve runs into infinities."""
    A = jitgrad.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], requires_grad=True)
    jitgrad.linalg.det(A).backward()
    np.testing.assert_array_equal(A.grad.numpy(), np.zeros((3, 3)))
    B = jitgrad.tensor([[1.0, 1.0], [1.0, 1.0]], requires_grad=True)
    out = jitgrad.logdet(B)
    assert out.item() == -math.inf
    out.backward()
    np.testing.assert_array_equal(B.grad.numpy(), [[np.inf, -np.inf], [-np.inf, np.inf]])


def test_ex_variants_report_instead_of_raising():
    L = jitgrad.linalg
    singular = jitgrad.tensor([[1.0, 2.0], [2.0, 4.0]])
    inverse, info = L.inv_ex(jitgrad.stack([jitgrad.eye(2), singular]))
    assert info.dtype == jitgrad.int32 and info.tolist() == [0, 2]
    np.testing.assert_array_equal(inverse[1].numpy(), [[-np.inf, np.inf], [np.inf, -np.inf]])
    # LAPACK's potf2 stops at the failing pivot, the rest of A's lower triangle untouched
    Lp, info = L.cholesky_ex(jitgrad.tensor([[4.0, 2.0, 1.0], [2.0, 1.0, 0.0], [1.0, 0.0, 5.0]]))
    assert info.item() == 2
    np.testing.assert_array_equal(Lp.numpy(), [[2, 0, 0], [1, 0, 0], [0.5, 0, 5]])
    result, info = L.solve_ex(singular, jitgrad.ones(2))
    assert info.item() == 2 and np.isinf(result.numpy()).all()
    with pytest.raises(L.LinAlgError, match="linalg.inv_ex: The diagonal element 2 is zero"):
        L.inv_ex(singular, check_errors=True)


def test_tensor_methods():
    x = jitgrad.tensor(W(3, 3))
    for method in ("inverse", "det", "logdet", "slogdet", "svd", "cholesky"):
        assert hasattr(x, method)
    np.testing.assert_allclose(x.inverse().numpy(), np.linalg.inv(x.numpy()), rtol=1e-5)
    np.testing.assert_allclose(x.matrix_power(2).numpy(), x.numpy() @ x.numpy(), rtol=1e-5)


def test_legacy_warnings_once():
    import warnings

    from jitgrad.ops import linalg_decomp
    linalg_decomp._warned.clear()
    x = jitgrad.tensor(np.eye(3))
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        jitgrad.cholesky(x)
    with pytest.warns(UserWarning, match="without specifying the dim"):
        jitgrad.cross(x, x)
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        jitgrad.qr(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # once per process, as torch's TORCH_WARN_ONCE
        jitgrad.cholesky(x)
        jitgrad.cross(x, x)
        x.qr()


# ------------------------------------------------------------------ errors

Err = namedtuple("Err", "id run exc message")
I2 = [[1, 2], [3, 4]]
ERRORS = [
    Err("inv-int", lambda lib: lib.linalg.inv(lib.tensor(I2)), RuntimeError,
        "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    Err("inv-1d", lambda lib: lib.linalg.inv(lib.ones(3)), RuntimeError,
        "linalg.inv: The input tensor A must have at least 2 dimensions."),
    Err("det-rect", lambda lib: lib.linalg.det(lib.ones(2, 3)), RuntimeError,
        "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("solve-shapes", lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(3)), RuntimeError,
        "linalg.solve: Incompatible shapes of A and B for the equation AX = B (2x2 and 3x1)"),
    Err("solve-dtypes", lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(2, dtype=lib.float64)),
        RuntimeError, "linalg.solve: Expected A and B to have the same dtype, but found A of type "
        "Float and B of type Double instead"),
    Err("qr-mode", lambda lib: lib.linalg.qr(lib.eye(2), mode="x"), RuntimeError,
        "qr received unrecognized mode 'x' but expected one of 'reduced' (default), 'r', or 'complete'"),
    Err("eigh-int", lambda lib: lib.linalg.eigh(lib.tensor(I2)), NotImplementedError,
        "\"linalg_eigh_cpu\" not implemented for 'Long'"),
    Err("eigh-uplo", lambda lib: lib.linalg.eigh(lib.eye(2), UPLO="X"), RuntimeError,
        "Expected UPLO argument to be 'L' or 'U', but got X"),
    Err("svd-1d", lambda lib: lib.linalg.svd(lib.ones(3)), RuntimeError,
        "linalg.svd: The input tensor A must have at least 2 dimensions."),
    Err("pinv-int", lambda lib: lib.linalg.pinv(lib.tensor(I2)), RuntimeError,
        "linalg.pinv(Long{[2, 2]}): expected a tensor with 2 or more dimensions of float, double, "
        "cfloat or cdouble types"),
    Err("lstsq-rows", lambda lib: lib.linalg.lstsq(lib.eye(2), lib.ones(3, 1)), RuntimeError,
        "jitgrad.linalg.lstsq: input.size(-2) should match other.size(-2)"),
    Err("matrix_power-rect", lambda lib: lib.linalg.matrix_power(lib.ones(2, 3), 2), RuntimeError,
        "linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices"),
    Err("multi_dot-one", lambda lib: lib.linalg.multi_dot([lib.eye(2)]), RuntimeError,
        "multi_dot(): expected at least 2 tensors but got 1"),
    Err("multi_dot-shapes", lambda lib: lib.linalg.multi_dot([lib.eye(2), lib.ones(3, 2)]),
        RuntimeError, "multi_dot(): tensors 0 and 1 with shapes [2, 2] and [3, 2] cannot be multiplied"),
    Err("cross-size", lambda lib: lib.linalg.cross(lib.ones(2), lib.ones(2)), RuntimeError,
        "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2"),
    Err("vector_norm-str", lambda lib: lib.linalg.vector_norm(lib.ones(2), "fro"), TypeError,
        "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str"),
    Err("vector_norm-empty", lambda lib: lib.linalg.vector_norm(lib.zeros(0), -1), RuntimeError,
        "linalg.vector_norm cannot compute the -1 norm on an empty tensor because the operation "
        "does not have an identity"),
    Err("matrix_norm-order", lambda lib: lib.linalg.matrix_norm(lib.eye(2), 3), RuntimeError,
        "linalg.matrix_norm: Order 3 not supported."),
    Err("matrix_norm-dims", lambda lib: lib.linalg.matrix_norm(lib.eye(2), dim=(0, 0)), RuntimeError,
        "linalg.matrix_norm: dims must be different. Got (0, 0)"),
    Err("norm-3d-ord", lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 2), RuntimeError,
        "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D."),
    Err("logdet-int", lambda lib: lib.logdet(lib.tensor(I2)), RuntimeError,
        "logdet: Expected a floating point or complex tensor as input. Got Long"),
]


def test_errors():
    for case in ERRORS:
        with pytest.raises(Exception) as err:
            case.run(jitgrad)
        assert err.type is case.exc, (case.id, err.type, err.value)
        assert str(err.value) == case.message, case.id


def test_errors_are_torchs():
    torch = pytest.importorskip("torch")
    for case in ERRORS:
        with pytest.raises(Exception) as err:
            case.run(torch)
        assert err.type is case.exc, case.id
        assert str(err.value).replace("torch.", "jitgrad.") == case.message, case.id

SINGULAR = [[1.0, 2.0], [2.0, 4.0]]
LINALG_ERRORS = [
    ("inv", lambda lib: lib.linalg.inv(lib.tensor(SINGULAR)),
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because "
     "the input matrix is singular."),
    ("inverse-batched", lambda lib: lib.inverse(lib.stack([lib.eye(2), lib.tensor(SINGULAR)])),
     "linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be "
     "completed because the input matrix is singular."),
    ("solve", lambda lib: lib.linalg.solve(lib.tensor(SINGULAR), lib.ones(2)),
     "jitgrad.linalg.solve: The solver failed because the input matrix is singular."),
    ("cholesky-batched", lambda lib: lib.linalg.cholesky(lib.stack([lib.eye(2), lib.tensor(SINGULAR)])),
     "linalg.cholesky: (Batch element 1): The factorization could not be completed because the "
     "input is not positive-definite (the leading minor of order 2 is not positive-definite)."),
    ("cholesky-order-1", lambda lib: lib.linalg.cholesky(-lib.eye(3)),
     "linalg.cholesky: The factorization could not be completed because the input is not "
     "positive-definite (the leading minor of order 1 is not positive-definite)."),
    ("svdvals-nonfinite", lambda lib: lib.linalg.svdvals(lib.tensor([[[1.0, 0.0], [0.0, 1.0]],
                                                                     [[math.nan, 1.0], [1.0, 2.0]]])),
     "linalg.svd: (Batch element 1): The algorithm failed to converge because the input matrix "
     "contained non-finite values."),
    ("cholesky-nan", lambda lib: lib.linalg.cholesky(lib.tensor([[math.nan, 1.0], [1.0, 2.0]])),
     "linalg.cholesky: The factorization could not be completed because the input is not "
     "positive-definite (the leading minor of order 1 is not positive-definite)."),
    ("matrix_power-singular", lambda lib: lib.linalg.matrix_power(lib.tensor(SINGULAR), -1),
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because "
     "the input matrix is singular."),
]


def test_linalg_errors():
    assert issubclass(jitgrad.linalg.LinAlgError, RuntimeError)
    for name, run, message in LINALG_ERRORS:
        with pytest.raises(jitgrad.linalg.LinAlgError) as err:
            run(jitgrad)
        assert str(err.value) == message, name


def test_linalg_errors_are_torchs():
    torch = pytest.importorskip("torch")
    for name, run, message in LINALG_ERRORS:
        with pytest.raises(torch.linalg.LinAlgError) as err:
            run(torch)
        assert str(err.value).replace("torch.", "jitgrad.") == message, name
