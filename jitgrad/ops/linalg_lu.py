"""torch.linalg's triangular solves and LU factorisations (``solve_triangular``,
``lu_factor``, ``lu_factor_ex``, ``lu``, ``lu_solve``) and the old top-level
``triangular_solve`` and ``lu_unpack``.

Forwards are LAPACK/BLAS through scipy (a jitgrad dependency), one matrix at a
time over the broadcast batch, as torch's CPU kernels: getrf for LU (partial
pivoting: torch's pivots, made 1-based int32), BLAS trsm for the triangular
solves (no singularity check, so a zero on the diagonal gives inf/nan as in
torch), and lu_solve as getrs does it (the row interchanges, then two trsm).
A matrix holding inf or NaN is factored by linalg_decomp's unblocked getf2,
which follows the inf/nan pattern of torch's LAPACK.

Backwards are FunctionsManual's formulas (``linalg_solve_triangular_backward``,
``triangular_solve_backward``, ``linalg_lu_backward`` for square, wide and tall
inputs, ``lu_factor_ex_backward``, ``linalg_lu_solve_LU``,
``lu_unpack_backward``), written once in Tensor ops: the plain backward runs
them unrecorded on the saved arrays, ``create_graph=True`` runs them recorded
on the op recomputed from its inputs, so second derivatives are torch's.
"""
import numpy as np

from .. import messages
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor, _wrap
from .linalg_decomp import (_T, _getf2, _new_tuple, _record, _structseq, _sum_to_t, _tensor_arg,
                            _torch_dtype, _warned)
from .shapes import broadcast_shape

linalg_lu_factor = _structseq("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = _structseq("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_lu = _structseq("linalg_lu", ("P", "L", "U"))
lu_unpack_type = _structseq("lu_unpack", ("P", "L", "U"))
triangular_solve_type = _structseq("triangular_solve", ("solution", "cloned_coefficient"))


# ------------------------------------------------------------------ array kernels

def _trsm(a, b, upper, left=True, unit=False, trans=False):
    """op(A) X = B (``left``) or X op(A) = B, op(A) = A^T when ``trans``, for each matrix of
    the broadcast batch: BLAS trsm reading A's upper or lower triangle (the other is
    ignored, a unit diagonal is not read), without a singularity check, as torch's."""
    from scipy.linalg.blas import get_blas_funcs
    batch = broadcast_shape(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(np.asarray(b, a.dtype), batch + b.shape[-2:])
    out = np.empty(b.shape, a.dtype)
    if out.size == 0:
        return out
    trsm = get_blas_funcs("trsm", (a,))
    side, lower, tr, diag = int(not left), int(not upper), int(trans), int(unit)
    with np.errstate(all="ignore"):
        for idx in np.ndindex(batch):
            out[idx] = trsm(1.0, a[idx], b[idx], side=side, lower=lower, trans_a=tr, diag=diag)
    return out


def _lu_arrays(a):
    """(LU, 1-based int32 pivots, int32 info) of each matrix of ``a``: LAPACK's getrf
    for finite matrices, getf2's steps (torch's inf/nan pattern) for the others."""
    from scipy.linalg.lapack import get_lapack_funcs
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    LU = np.array(a, order="C", copy=True)
    piv = np.empty(batch + (k,), np.int32)
    info = np.zeros(batch, np.int32)
    if LU.size == 0:
        piv[...] = np.arange(1, k + 1, dtype=np.int32)
        return LU, piv, info
    getrf = get_lapack_funcs("getrf", (a,))
    flat_lu, flat_piv, flat_info = LU.reshape(-1, m, n), piv.reshape(-1, k), info.reshape(-1)
    with np.errstate(all="ignore"):
        for i, mat in enumerate(flat_lu):
            if np.isfinite(mat).all():
                lu, p, inf = getrf(mat)
            else:
                lu, p, inf = _getf2(mat)
            flat_lu[i], flat_piv[i], flat_info[i] = lu, np.asarray(p) + 1, max(inf, 0)
    return LU, piv, info


def _row_order(piv, m):
    """perm (batch, m): row r of P^T A is row perm[r] of A, P from LAPACK's pivots (the
    row interchanges r <-> piv[r] - 1, in order)."""
    batch, k = piv.shape[:-1], piv.shape[-1]
    flat = piv.reshape(-1, k).astype(np.int64) - 1
    perm = np.tile(np.arange(m), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for r in range(k):
        j = flat[:, r]
        held = perm[rows, r].copy()
        perm[rows, r] = perm[rows, j]
        perm[rows, j] = held
    return perm.reshape(batch + (m,))


def _perm_matrix(piv, m, dtype):
    perm = _row_order(piv, m)
    P = np.zeros(perm.shape + (m,), dtype)
    np.put_along_axis(P, perm[..., None], np.asarray(1, dtype), axis=-1)
    return _T(P)                        # P[perm[r], r] = 1


def _lu_solve_arrays(LU, piv, B, left, adjoint):
    """op(A) X = B (``left``) or X op(A) = B, A = P L U packed in LU, op(A) = A^T when
    ``adjoint``: getrs's row interchanges and two triangular solves."""
    if not left:                        # X op(A) = B  <=>  op(A)^T X^T = B^T
        return _T(_lu_solve_arrays(LU, piv, _T(B), True, not adjoint))
    n = LU.shape[-1]
    batch = broadcast_shape(LU.shape[:-2], B.shape[:-2])
    B = np.broadcast_to(np.asarray(B, LU.dtype), batch + B.shape[-2:])
    perm = np.broadcast_to(_row_order(piv, n)[..., None], batch + (n, 1))
    if not adjoint:                     # X = U^-1 L^-1 P^T B
        Y = np.take_along_axis(B, perm, axis=-2)
        return _trsm(LU, _trsm(LU, Y, upper=False, unit=True), upper=True)
    # A^T X = B: U^T L^T (P^T X) = B
    Y = _trsm(LU, _trsm(LU, B, upper=True, trans=True), upper=False, unit=True, trans=True)
    X = np.empty(Y.shape, Y.dtype)
    np.put_along_axis(X, np.broadcast_to(perm, Y.shape[:-1] + (1,)), Y, axis=-2)
    return X


def _unpack_arrays(LU, piv, data=True, pivots=True):
    m, n = LU.shape[-2:]
    k = min(m, n)
    P = _perm_matrix(piv, m, LU.dtype) if pivots else np.zeros((0,), LU.dtype)
    if not data:
        return P, np.zeros((0,), LU.dtype), np.zeros((0,), LU.dtype)
    L = np.tril(LU[..., :, :k], -1) + np.eye(m, k, dtype=LU.dtype)
    U = np.triu(LU[..., :k, :])
    return P, L, U


# ------------------------------------------------------------------ backward formulas (Tensor ops)

def _solve_triangular_grads(g, need, A, X, upper, left, unit, b_shape):
    gB = solve_triangular(A.mT, g, upper=not upper, left=left, unitriangular=unit)
    gA = None
    if need[0]:
        gA = -(gB @ X.mT) if left else -(X.mT @ gB)
        gA = _sum_to_t(gA.triu(int(unit)) if upper else gA.tril(-int(unit)), A.shape)
    return gA, (_sum_to_t(gB, b_shape) if need[1] else None)


def _lu_grad(gL, gU, P, L, U):
    """linalg_lu_backward: A's gradient from L's and U's (either may be None)."""
    from ..functions import cat
    from ..factories import zeros_like
    if gL is None and gU is None:
        return None
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = None if gL is None else (L.mT @ gL).tril(-1)
        if gU is not None:
            gA = (gU @ U.mT).triu() if gA is None else gA + (gU @ U.mT).triu()
        gA = solve_triangular(U.mT, gA, upper=False, left=False)
        gA = solve_triangular(L.mT, gA, upper=True, unitriangular=True)
    elif m < n:
        U1, U2 = U[..., :, :k], U[..., :, k:]
        gA = None if gL is None else L.mT @ gL
        if gU is not None:
            part = -(gU.triu() @ U.mT)
            gA = part if gA is None else gA + part
        gA = solve_triangular(U1.mT, gA.tril(-1), upper=False, left=False)
        if gU is not None:
            gA = cat([gA + gU[..., :, :k].triu(), gU[..., :, k:]], -1)
        gA = solve_triangular(L.mT, gA, upper=True, unitriangular=True)
        if gU is None:
            gA = cat([gA, zeros_like(U2)], -1)
    else:
        L1, L2 = L[..., :k, :], L[..., k:, :]
        gA = None if gU is None else gU @ U.mT
        if gL is not None:
            part = -(L.mT @ gL.tril(-1))
            gA = part if gA is None else gA + part
        gA = solve_triangular(L1.mT, gA.triu(), upper=True, unitriangular=True)
        if gL is not None:
            gA = cat([gA + gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
        gA = solve_triangular(U.mT, gA, upper=False, left=False)
        if gL is None:
            gA = cat([gA, zeros_like(L2)], -2)
    return P @ gA


def _lu_solve_lu_grad(gX, LU, piv, X, left, adjoint):
    """linalg_lu_solve_LU: the packed factors' gradient."""
    P, L, U = lu_unpack(LU, piv, True, left == adjoint)
    if left != adjoint:
        gR = solve_triangular(U.mT, -((gX if left else gX.mT) @ (X.mT if left else X)),
                              upper=False)
        gL = solve_triangular(L.mT, gR @ U.mT, upper=True, unitriangular=True).tril(-1)
        return gL + gR.triu()
    gR = -(P.mT @ (X if left else X.mT) @ (gX.mT if left else gX) @ P)
    gR = solve_triangular(L.mT, gR, upper=True, left=False, unitriangular=True)
    gU = solve_triangular(U.mT, L.mT @ gR, upper=False, left=False).triu()
    return gR.tril(-1) + gU


def _backward_of(formula):
    """A LinalgNode backward: ``formula(grads, need, *saved)`` (Tensor ops) run unrecorded
    on the saved arrays; gradients come back as new arrays in the inputs' dtype."""
    def backward(grads, need, dtype, *saved):
        with no_grad():
            gs = [None if g is None else _wrap(np.asarray(g, dtype)) for g in grads]
            args = [_wrap(a) if isinstance(a, np.ndarray) else a for a in saved]
            out = formula(gs, need, *args)
        return tuple(None if o is None or not n else np.array(o._data, dtype, copy=True)
                     for o, n in zip(out, need))
    return backward


def _graph_of(formula, recompute):
    """The create_graph path: the op recomputed from its input tensors (recorded), then
    the same formula recorded."""
    def graph(grads, need, *inputs):
        with enable_grad():
            return tuple(formula(grads, need, *recompute(*inputs)))
    return graph


# ------------------------------------------------------------------ checks

def _float_kernel(fname_kernel, a):
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(fname_kernel, _torch_dtype(a)))


def _solve_shapes(fname, a, b, left):
    if b.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d(fname, "B"))
    n = a.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(messages.linalg_solve_shapes(left, a.shape[-2:], b.shape[-2:], fname))
    return broadcast_shape(b.shape[:-2], a.shape[:-2])       # (torch's order, for its message)


def _square(fname, a):
    if a.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d(fname))
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(messages.linalg_not_square(fname, a.shape[-2], a.shape[-1]))


# ------------------------------------------------------------------ solve_triangular

_UNSET = object()


def _solve_triangular_formula(upper, left, unit):
    def formula(grads, need, A, X, b_shape):
        return _solve_triangular_grads(grads[0], need, A, X, upper, left, unit, b_shape)
    return formula


def solve_triangular(A, B, *, upper=_UNSET, left=True, unitriangular=False):
    fname = "linalg.solve_triangular"
    if upper is _UNSET:
        raise TypeError(messages.SOLVE_TRIANGULAR_UPPER)
    a = _tensor_arg(A, fname)._data
    b = _tensor_arg(B, fname, "B", 2)._data
    _square(fname, a)
    _float_kernel("triangular_solve_cpu", a)
    _solve_shapes(fname, a, b, left)           # (and their batches broadcast)
    if b.dtype != a.dtype:              # torch solves in A's dtype
        B = B.to(_wrap(np.zeros((), a.dtype)).dtype)
        b = B._data
    upper, left, unit = bool(upper), bool(left), bool(unitriangular)
    X = _trsm(a, b, upper, left, unit)
    formula = _solve_triangular_formula(upper, left, unit)
    return _record("LinalgSolveTriangularBackward0", (A, B), [X], (0,), _backward_of(formula),
                   (a.dtype, a, X, b.shape), saved_inputs=(0,), saved_outputs=(0,),
                   graph=_graph_of(formula, lambda A_, B_: (A_, solve_triangular(
                       A_, B_, upper=upper, left=left, unitriangular=unit), B_.shape)))[0]


def _triangular_solve_formula(upper, transpose, unit):
    def formula(grads, need, A, X, b_shape):
        gX, gM = grads
        gb = gA = None
        if gX is not None:
            gb = _triangular_solve_t(gX, A, upper, not transpose, unit)
            if need[1]:
                gA = -(X @ gb.mT) if transpose else -(gb @ X.mT)
                gA = gA.triu(int(unit)) if upper else gA.tril(-int(unit))
        if need[1] and gM is not None:
            gA = gM if gA is None else gA + gM
        return (_sum_to_t(gb, b_shape) if need[0] and gb is not None else None,
                _sum_to_t(gA, A.shape) if need[1] and gA is not None else None)
    return formula


def _triangular_solve_t(b, A, upper, transpose, unit):
    """torch.triangular_solve's solution as a recorded op: op(A) X = b, op(A) = A^T when
    ``transpose`` (A^T of an upper triangle is lower)."""
    return solve_triangular(A.mT if transpose else A, b, upper=upper != transpose,
                            unitriangular=unit)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve(b, A): (solution of op(A) X = b, a copy of A broadcast)."""
    fname = "triangular_solve"
    if "triangular_solve" not in _warned:
        _warned.add("triangular_solve")
        import warnings
        warnings.warn(messages.TRIANGULAR_SOLVE_DEPRECATED, UserWarning, stacklevel=3)
    b = _tensor_arg(input, fname, "input", 1)._data
    a = _tensor_arg(A, fname, "A", 2)._data
    if b.ndim < 2:
        raise RuntimeError(messages.triangular_solve_min_2d("b", b.ndim))
    if a.ndim < 2:
        raise RuntimeError(messages.triangular_solve_min_2d("A", a.ndim))
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(messages.linalg_not_square("", a.shape[-2], a.shape[-1])[2:])
    if b.shape[-2] != a.shape[-1]:
        raise RuntimeError(messages.triangular_solve_shapes(a.shape[-2:], b.shape[-2:]))
    if b.dtype != a.dtype:
        raise RuntimeError(messages.triangular_solve_dtypes(_torch_dtype(b), _torch_dtype(a)))
    _float_kernel("triangular_solve_cpu", a)
    batch = broadcast_shape(b.shape[:-2], a.shape[:-2])
    upper, transpose, unit = bool(upper), bool(transpose), bool(unitriangular)
    X = _trsm(a, b, upper, unit=unit, trans=transpose)
    M = np.array(np.broadcast_to(a, batch + a.shape[-2:]))
    formula = _triangular_solve_formula(upper, transpose, unit)
    out = _record("TriangularSolveBackward0", (input, A), [X, M], (0, 1),
                  _backward_of(formula), (a.dtype, a, X, b.shape), saved_inputs=(1,),
                  saved_outputs=(0,), graph=_graph_of(formula, lambda b_, A_: (
                      A_, _triangular_solve_t(b_, A_, upper, transpose, unit), b_.shape)))
    return _new_tuple(triangular_solve_type, out)


# ------------------------------------------------------------------ lu_factor, lu, lu_unpack

def _lu_input(fname, A, pivot):
    a = _tensor_arg(A, fname)._data
    if a.ndim < 2:
        # (torch names lu_factor_ex's check "lu_factor" too)
        raise RuntimeError(messages.lu_min_2d("linalg.lu" if fname == "linalg.lu" else
                                              "jitgrad.lu_factor", a.shape))
    _float_kernel("lu_cpu", a)
    if not pivot:
        raise RuntimeError(messages.LU_NO_PIVOT_CPU)
    return a


def _lu_factor_formula(grads, need, LU, piv):
    m, n = LU.shape[-2:]
    k = min(m, n)
    P, L, U = lu_unpack(LU, piv)
    g = grads[0]
    return (_lu_grad(g[..., :, :k], g[..., :k, :], P, L, U),)


def _lu_factor_recompute(A):
    LU, piv, _ = lu_factor_ex(A)
    return (LU, piv)


def lu_factor_ex(A, *, pivot=True, check_errors=False, fname="linalg.lu_factor_ex",
                 structseq=linalg_lu_factor_ex):
    a = _lu_input(fname, A, pivot)
    LU, piv, info = _lu_arrays(a)
    if check_errors and info.any():
        flat = info.reshape(-1)
        b = int(np.flatnonzero(flat)[0])
        raise RuntimeError(messages.lu_factor_singular(
            "jitgrad." + fname, None if a.ndim == 2 else b, int(flat[b])))
    out = _record("LinalgLuFactorExBackward0", (A,), [LU, piv, info], (0,),
                  _backward_of(_lu_factor_formula), (a.dtype, LU, piv), saved_outputs=(0,),
                  graph=_graph_of(_lu_factor_formula, _lu_factor_recompute))
    return _new_tuple(structseq, out[:structseq.n_fields])


def lu_factor(A, *, pivot=True):
    return lu_factor_ex(A, pivot=pivot, check_errors=True, fname="linalg.lu_factor",
                        structseq=linalg_lu_factor)


def _lu_formula(grads, need, P, L, U):
    return (_lu_grad(grads[1], grads[2], P, L, U),)


def lu(A, *, pivot=True):
    fname = "linalg.lu"
    a = _lu_input(fname, A, pivot)
    LU, piv, _ = _lu_arrays(a)
    P, L, U = _unpack_arrays(LU, piv)
    out = _record("LinalgLuBackward0", (A,), [P, L, U], (1, 2), _backward_of(_lu_formula),
                  (a.dtype, P, L, U), saved_outputs=(1, 2),
                  graph=_graph_of(_lu_formula, lambda A_: tuple(lu(A_))))
    return _new_tuple(linalg_lu, out)


def _lu_unpack_formula(m, n):
    def formula(grads, need, *_):
        from ..functions import cat
        from ..factories import zeros
        gL, gU = grads[1], grads[2]
        k = min(m, n)
        if gL is None and gU is None:
            return (None,)
        if gL is not None and gU is not None:
            if m == n:
                return (gL.tril(-1) + gU.triu(),)
            g1 = gL[..., :k, :].tril(-1) + gU[..., :, :k].triu()
            return (cat([g1, gL[..., k:, :]], -2) if m > n else cat([g1, gU[..., :, k:]], -1),)
        if gL is not None:
            if m >= n:
                return (gL.tril(-1),)
            return (cat([gL.tril(-1), zeros(*gL.shape[:-1], n - m, dtype=gL.dtype)], -1),)
        if n >= m:
            return (gU.triu(),)
        return (cat([gU.triu(), zeros(*gU.shape[:-2], m - n, n, dtype=gU.dtype)], -2),)
    return formula


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    fname = "lu_unpack"
    lu_data = _tensor_arg(LU_data, fname, "LU_data", 1)._data
    piv = _tensor_arg(LU_pivots, fname, "LU_pivots", 2)._data
    if piv.dtype != np.int32:
        raise RuntimeError(messages.LU_UNPACK_PIVOTS_DTYPE)
    if lu_data.ndim < 2:
        raise RuntimeError(messages.lu_min_2d("jitgrad.lu_unpack", lu_data.shape))
    P, L, U = _unpack_arrays(lu_data, piv, bool(unpack_data), bool(unpack_pivots))
    m, n = lu_data.shape[-2:]
    differentiable = (1, 2) if unpack_data and lu_data.dtype.kind == "f" else ()
    formula = _lu_unpack_formula(m, n)
    out = _record("LuUnpackBackward0", (LU_data,), [P, L, U], differentiable,
                  _backward_of(formula), (lu_data.dtype,),
                  graph=_graph_of(formula, lambda t: ()))
    return _new_tuple(lu_unpack_type, out)


# ------------------------------------------------------------------ lu_solve

def _lu_solve_formula(left, adjoint):
    def formula(grads, need, LU, piv, b_shape, X):
        g = grads[0]
        gLU = _sum_to_t(_lu_solve_lu_grad(g, LU, piv, X, left, adjoint), LU.shape) \
            if need[0] else None
        gB = _sum_to_t(lu_solve(LU, piv, g, left=left, adjoint=not adjoint), b_shape) \
            if need[2] else None
        return (gLU, None, gB)
    return formula


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    fname = "jitgrad.linalg.lu_solve"
    lu_a = _tensor_arg(LU, "linalg.lu_solve", "LU", 1)._data
    piv = _tensor_arg(pivots, "linalg.lu_solve", "pivots", 2)._data
    b = _tensor_arg(B, "linalg.lu_solve", "B", 3)._data
    if lu_a.dtype.kind != "f":
        raise RuntimeError(messages.linalg_not_float(fname, _torch_dtype(lu_a)))
    if b.dtype != lu_a.dtype:
        raise RuntimeError(messages.lu_solve_dtypes(_torch_dtype(lu_a), _torch_dtype(b)))
    if piv.dtype != np.int32:
        raise RuntimeError(messages.LU_SOLVE_PIVOTS_DTYPE)
    _square(fname, lu_a)
    left, adjoint = bool(left), bool(adjoint)
    _solve_shapes("linalg.lu_solve", lu_a, b, left)
    n = lu_a.shape[-1]
    if piv.ndim == 0 or piv.shape[-1] != n:
        raise RuntimeError(messages.LU_SOLVE_PIVOTS_COUNT)
    if piv.shape != lu_a.shape[:-1]:
        raise RuntimeError(messages.lu_solve_pivots_shape(piv.shape))
    if piv.size and piv.min() < 1:
        raise RuntimeError(messages.LU_SOLVE_PIVOTS_LOW)
    if piv.size and piv.max() > n:
        raise RuntimeError(messages.LU_SOLVE_PIVOTS_HIGH)
    X = _lu_solve_arrays(lu_a, piv, b, left, adjoint)
    formula = _lu_solve_formula(left, adjoint)
    return _record("LinalgLuSolveBackward0", (LU, pivots, B), [X], (0,),
                   _backward_of(formula), (lu_a.dtype, lu_a, piv, b.shape, X),
                   saved_inputs=(0,), saved_outputs=(0,),
                   graph=_graph_of(formula, lambda LU_, p_, B_: (
                       LU_, p_, B_.shape, lu_solve(LU_, p_, B_, left=left, adjoint=adjoint))))[0]


def _not_complex(name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(messages.COMPLEX_EIG.format(name))
    refuse.__name__ = name.rsplit(".", 1)[-1]
    refuse.__doc__ = (f"Raise NotImplementedError: torch.{name} returns complex tensors, "
                      "which jitgrad does not have (use eigh or eigvalsh for symmetric matrices).")
    return refuse


eig = _not_complex("linalg.eig")
eigvals = _not_complex("linalg.eigvals")
