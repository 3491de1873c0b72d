"""torch.linalg's decompositions, solvers and norms (``jitgrad.linalg``), and
the old top-level names (``inverse``, ``det``, ``logdet``, ``slogdet``,
``svd``, ``cholesky``, ``cross``, ``matrix_power``, ``pinverse``).

Forwards are numpy.linalg (LAPACK), batched over leading dims; backwards
the matrix-calculus formulas of torch's FunctionsManual (real case), in
numpy. An op with several differentiable outputs (slogdet, qr, eigh, svd,
lstsq) has one node that each output reaches through a selector of the
same name, as var_mean's. The error paths say which pivot or minor failed
in torch's words: LU's first zero pivot from LAPACK's getrf (scipy), the
first non-positive Cholesky pivot as LAPACK's potf2 finds it.

``create_graph=True``: each node's ``apply_graph`` recomputes its op from
the saved input tensors (recorded) and writes the same formula in Tensor
ops, so gradients of gradients are torch's.

Matrix norms, matrix_power and multi_dot are compositions of recorded ops
(svdvals, amax, vector_norm, matmul), as in torch, so their nodes are
torch's.
"""
import math
import warnings

import numpy as np

from .. import dtypes, messages
from ..autograd.function import _OutputGrads, _OutputSelector
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from .shapes import normalize_dim, normalize_dims, sum_to_shape


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular or not positive-definite input (its class
    is named ``_LinAlgError``, as torch's ``torch._C._LinAlgError``)."""


_LinAlgError.__module__ = "jitgrad.linalg"
LinAlgError = _LinAlgError


# ------------------------------------------------------------------ named tuples

def _structseq(name, fields):
    def __new__(cls, sequence):
        sequence = tuple(sequence)
        if len(sequence) != len(fields):
            raise TypeError(f"jitgrad.return_types.{name}() takes a {len(fields)}-sequence "
                            f"({len(sequence)}-sequence given)")
        return tuple.__new__(cls, sequence)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"jitgrad.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))

    ns = {"__slots__": (), "__new__": __new__, "__repr__": __repr__, "__str__": __repr__,
          "__reduce__": __reduce__, "n_fields": len(fields), "n_sequence_fields": len(fields),
          "n_unnamed_fields": 0, "__module__": "jitgrad.return_types"}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), ns)


linalg_slogdet = _structseq("linalg_slogdet", ("sign", "logabsdet"))
slogdet_type = _structseq("slogdet", ("sign", "logabsdet"))
linalg_qr = _structseq("linalg_qr", ("Q", "R"))
linalg_eigh = _structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_svd = _structseq("linalg_svd", ("U", "S", "Vh"))
svd_type = _structseq("svd", ("U", "S", "V"))
linalg_inv_ex = _structseq("linalg_inv_ex", ("inverse", "info"))
linalg_solve_ex = _structseq("linalg_solve_ex", ("result", "info"))
linalg_cholesky_ex = _structseq("linalg_cholesky_ex", ("L", "info"))
linalg_lstsq = _structseq("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_new_tuple = tuple.__new__


# ------------------------------------------------------------------ helpers

def _T(a):
    return np.swapaxes(a, -1, -2)


def _eye_like(a):
    n = a.shape[-1]
    return np.broadcast_to(np.eye(n, dtype=a.dtype), a.shape)


def _diag_embed(v):
    out = np.zeros(v.shape + (v.shape[-1],), v.dtype)
    i = np.arange(v.shape[-1])
    out[..., i, i] = v
    return out


def _diag(a):
    return np.diagonal(a, 0, -2, -1)


def _torch_dtype(a):
    return dtypes.from_numpy(a.dtype)._torch_name


def _tensor_arg(v, fname, arg="A", position=1):
    if not isinstance(v, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, v))
    return v


def _check_float(fname, a):
    if a.dtype.kind != "f":
        raise RuntimeError(messages.linalg_not_float(fname, _torch_dtype(a)))


def _check_matrix(fname, a, square=True, arg="A"):
    if a.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d(fname, arg))
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(messages.linalg_not_square(fname, a.shape[-2], a.shape[-1], arg))


def _square_float(fname, x):
    a = x._data
    _check_matrix(fname, a)
    _check_float(fname, a)
    return a


def _batches(a):
    """(batch index or None, matrix) for each matrix of ``a``."""
    if a.ndim == 2:
        yield None, a
        return
    for i, m in enumerate(a.reshape((-1,) + a.shape[-2:])):
        yield i, m


def _lapack(name, a):
    from scipy.linalg import lapack
    return lapack.get_lapack_funcs(name, (a,))


def _singular_pivot(a):
    """(batch, 1-based pivot) of the first matrix LAPACK's LU finds singular."""
    getrf = _lapack("getrf", a)
    for b, m in _batches(a):
        _, _, info = getrf(np.array(m, order="F"))
        if info > 0:
            return b, info
    return None, None


def _first_bad_pivot(m, L=None):
    """LAPACK potf2's info: the first j (1-based) whose pivot is <= 0 or nan, or 0;
    ``L`` (A's lower triangle, in place) gets what potf2 leaves there."""
    n = m.shape[-1]
    m = np.array(m)
    if L is None:
        L = np.zeros(m.shape, m.dtype)
    with np.errstate(all="ignore"):
        for j in range(n):
            ajj = m[j, j] - L[j, :j] @ L[j, :j]
            if not ajj > 0:
                L[j, j] = ajj
                return j + 1
            L[j, j] = math.sqrt(ajj)
            col = m[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]
            if m.dtype == np.float32 and math.isinf(ajj):
                # MKL's spotrf scales by sqrt(ajj) / ajj: an infinite pivot gives
                # inf / inf, a nan column (its dpotrf divides: zeros)
                L[j + 1:, j] = col * (L[j, j] / m.dtype.type(ajj))
            else:
                L[j + 1:, j] = col / L[j, j]
    return 0


def _not_pd_minor(a):
    for b, m in _batches(a):
        info = _first_bad_pivot(m)
        if info > 0:
            return b, info
    return None, None


def _quiet(fn, *args, **kwargs):
    with np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def _nan_where_nan(X, a):
    """X with every matrix of ``a`` holding a NaN made all NaN: torch's LU (MKL)
    spreads a NaN through the whole factorisation, OpenBLAS's pivot search may not."""
    bad = np.isnan(a).any(axis=(-2, -1))
    if bad.any():
        X = np.array(X)
        X[np.broadcast_to(bad, X.shape[:-2])] = np.nan
    return X


def _inv_or_raise(a, fname="linalg.inv"):
    if not np.isfinite(a).all():        # torch: LU solves of I (inf/nan as its LAPACK's)
        return _nan_where_nan(_lu_solve_all(a, np.array(np.broadcast_to(_eye_like(a), a.shape))), a)
    try:
        return _nan_where_nan(_quiet(np.linalg.inv, a), a)
    except np.linalg.LinAlgError:
        b, pivot = _singular_pivot(a)
        if pivot is None:
            raise
        raise LinAlgError(messages.linalg_inv_singular(fname, b, pivot)) from None


def _lu_infos(a):
    """getrf's info (the first zero pivot, 1-based, or 0) of each matrix, int32."""
    getrf = _lapack("getrf", a)
    info = np.zeros(a.shape[:-2], np.int32)
    flat = info.reshape(-1)
    for i, m in enumerate(a.reshape((-1,) + a.shape[-2:])):
        flat[i] = max(getrf(np.array(m, order="F"))[2], 0)
    return info


def _getf2(a):
    """LAPACK's unblocked LU (getf2: idamax's first largest |pivot|, nan never larger;
    the column scaled by 1 / pivot; ger's update skipping zero multipliers) of one
    matrix, square, wide or tall: (LU, min(m, n) pivots, info). Where an inf or nan
    meets the pivoting this gives torch's (MKL's) inf/nan pattern, which OpenBLAS's
    blocked getrf does not."""
    A = np.array(a, order="C", copy=True)
    k = min(A.shape)
    piv = np.arange(k)
    info = 0
    one = A.dtype.type(1)
    tiny = np.finfo(A.dtype).tiny
    with np.errstate(all="ignore"):
        for j in range(k):
            col = np.abs(A[j:, j])
            jp = j + (0 if np.isnan(col[0]) else int(np.argmax(np.where(np.isnan(col), -1, col))))
            piv[j] = jp
            if A[jp, j] != 0:
                if jp != j:
                    A[[j, jp]] = A[[jp, j]]
                if abs(A[j, j]) >= tiny:
                    A[j + 1:, j] *= one / A[j, j]
                else:
                    A[j + 1:, j] /= A[j, j]
            elif info == 0:
                info = j + 1
            row = A[j, j + 1:]
            A[j + 1:, j + 1:] -= np.where(row != 0, np.outer(A[j + 1:, j], row), 0)
    return A, piv, info


def _getrs(lu, piv, b, trans=0):
    """A X = b (``trans`` 0) or A^T X = b (1) from ``_getf2``'s factors, as LAPACK's
    getrs (MKL's substitutions multiply through zeros: 0 * inf is nan there too)."""
    B = np.array(b, copy=True)
    n = lu.shape[0]
    with np.errstate(all="ignore"):
        if trans == 0:
            for i in range(n):
                if piv[i] != i:
                    B[[i, piv[i]]] = B[[piv[i], i]]
            for k in range(n):
                B[k + 1:] -= np.outer(lu[k + 1:, k], B[k])
            for k in range(n - 1, -1, -1):
                B[k] = B[k] / lu[k, k]
                B[:k] -= np.outer(lu[:k, k], B[k])
        else:
            for i in range(n):
                B[i] = (B[i] - lu[:i, i] @ B[:i]) / lu[i, i]
            for i in range(n - 1, -1, -1):
                B[i] = B[i] - lu[i + 1:, i] @ B[i + 1:]
            for i in range(n - 1, -1, -1):
                if piv[i] != i:
                    B[[i, piv[i]]] = B[[piv[i], i]]
    return B


def _lu_solve_all(a, rhs, trans=0):
    """LU solves that run on through a zero pivot (inf/nan), as torch's without checks."""
    from scipy.linalg import lu_factor, lu_solve
    out = np.empty(rhs.shape, a.dtype)
    ab = a.reshape((-1,) + a.shape[-2:])
    rb, ob = rhs.reshape((-1,) + rhs.shape[-2:]), out.reshape((-1,) + rhs.shape[-2:])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for i in range(ab.shape[0]):
            if np.isfinite(ab[i]).all():
                ob[i] = lu_solve(lu_factor(ab[i], check_finite=False), rb[i], trans=trans,
                                 check_finite=False)
            else:
                lu, piv, _ = _getf2(ab[i])
                ob[i] = _getrs(lu, piv, rb[i], trans)
    return out


def _solve_like_torch(a, rhs, trans=0):
    """A X = rhs (``trans`` 0) or A^T X = rhs (1). torch factors A itself in both
    cases (LU, then getrs with the transpose flag); numpy's solve of A^T factors A^T,
    which pivots differently: the same in exact arithmetic, but not where an inf or
    NaN of A meets the pivoting. Finite A: numpy's batched solve (may raise
    LinAlgError on a singular matrix); else LU solves run on through, as torch's."""
    if np.isfinite(a).all():
        return _quiet(np.linalg.solve, _T(a) if trans else a, rhs)
    batch = np.broadcast_shapes(a.shape[:-2], rhs.shape[:-2])
    return _lu_solve_all(np.broadcast_to(a, batch + a.shape[-2:]),
                         np.array(np.broadcast_to(rhs, batch + rhs.shape[-2:])), trans)


def _needs(*tensors):
    return grad_state.enabled and any(t._requires_grad for t in tensors)


class LinalgNode(Node):
    """One linalg op's backward. Saved: (backward function, its arrays, the
    output count); the function maps the outputs' gradients (None where none
    came) and which inputs need one to the inputs' gradients."""
    __slots__ = ()

    def apply(self, grad):
        fn, args, n_out, _, _ = self._saved_or_raise()
        grads = list(grad.grads) if isinstance(grad, _OutputGrads) else \
            [grad] + [None] * (n_out - 1)
        need = [e is not None for e in self._next]
        with np.errstate(all="ignore"):     # torch's formulas run silently through inf/nan
            return tuple(fn(grads, need, *args))

    def apply_graph(self, grad):
        # create_graph: the formula again in recorded Tensor ops, on the op recomputed
        # from its saved input tensors (recorded too, so its outputs depend on them)
        _, _, n_out, graph, inputs = self._saved_or_raise()
        if graph is None:
            return Node.apply_graph(self, grad)
        grads = list(grad.grads) if isinstance(grad, _OutputGrads) else \
            [grad] + [None] * (n_out - 1)
        grads = [g if g is None or isinstance(g, Tensor) else _wrap(g) for g in grads]
        need = [e is not None for e in self._next]
        from ..autograd.grad_mode import enable_grad
        with enable_grad():
            return tuple(graph(grads, need, *inputs))


_NODES = {}


def _node_cls(name):
    cls = _NODES.get(name)
    if cls is None:
        cls = _NODES[name] = node_class(name, LinalgNode,
                                        selector=node_class(name, _OutputSelector))
    return cls


def _record(name, inputs, outs, differentiable, backward, args, saved_inputs=(),
            saved_outputs=(), graph=None):
    """Wrap ``outs`` (arrays); when recording, the ``differentiable`` ones get
    node ``name`` running ``backward(grads, need, *args)``. ``saved_inputs``
    / ``saved_outputs`` (indices) are checked for in-place changes."""
    if not _needs(*inputs):
        return [_wrap(o) for o in outs]
    cls = _node_cls(name)
    n = len(outs)
    node = cls(tuple(edge(t) for t in inputs), (backward, args, n, graph, inputs))
    result = []
    for i, o in enumerate(outs):
        if i not in differentiable:
            result.append(_wrap(o))
        elif len(differentiable) == 1 and n == 1:
            result.append(_wrap_result(o, node))
        else:
            sel = cls.selector((node,), ())
            sel.index, sel.count = i, n
            result.append(_wrap_result(o, sel))
    checks = [saved_version(inputs[i]) for i in saved_inputs]
    checks += [output_version(result[i], node) for i in saved_outputs]
    node._checks = tuple(checks)
    return result


def _cast(g, a):
    return None if g is None else np.asarray(g, dtype=a.dtype)


def _fresh(g, shape):
    """``g`` summed to ``shape`` as a new array (never a saved one)."""
    g = sum_to_shape(np.asarray(g), tuple(shape))
    return np.array(g, order="C", copy=True)


# ------------------------------------------------------------------ inv

def _inv_backward(grads, need, X):
    g = grads[0]
    g = _cast(g, X)
    Xt = _T(X)
    return (-(Xt @ g @ Xt),)


def inv(A, fname="linalg.inv"):
    a = _square_float(fname, _tensor_arg(A, fname))
    X = _inv_or_raise(a, fname)
    return _record("LinalgInvExBackward0", (A,), [X], (0,), _inv_backward, (X,),
                   saved_outputs=(0,), graph=_inv_graph)[0]


def inv_ex(A, check_errors=False):
    fname = "linalg.inv_ex"
    a = _square_float(fname, _tensor_arg(A, fname))
    if check_errors:
        X, info = _inv_or_raise(a, fname), np.zeros(a.shape[:-2], np.int32)
    else:
        try:
            if not np.isfinite(a).all():
                raise np.linalg.LinAlgError     # torch's LU solves, below
            X, info = _quiet(np.linalg.inv, a), np.zeros(a.shape[:-2], np.int32)
        except np.linalg.LinAlgError:
            X = _lu_solve_all(a, np.array(_eye_like(a)))
            info = _lu_infos(a)
    out = _record("LinalgInvExBackward0", (A,), [X, info], (0,), _inv_backward, (X,),
                  saved_outputs=(0,), graph=_inv_graph)
    return _new_tuple(linalg_inv_ex, out)


# ------------------------------------------------------------------ det, slogdet, logdet

def _inv_transpose_scaled(a, scale):
    """scale[..., None, None] * A^{-T}, as a solve; where A is singular, LAPACK's LU
    solve runs on regardless (inf/nan, as torch's lu_solve gives)."""
    rhs = scale[..., None, None] * _eye_like(a)
    try:
        return _nan_where_nan(_solve_like_torch(_T(a), rhs), a)   # torch: solve(A^H, .)
    except np.linalg.LinAlgError:
        from scipy.linalg import lu_factor, lu_solve
        out = np.empty(np.broadcast_shapes(a.shape, rhs.shape), a.dtype)
        ab, rb, ob = (x.reshape((-1,) + x.shape[-2:]) for x in
                      (np.broadcast_to(a, out.shape), np.broadcast_to(rhs, out.shape), out))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for i in range(ab.shape[0]):
                ob[i] = lu_solve(lu_factor(ab[i], check_finite=False), rb[i], trans=1,
                                 check_finite=False)
        return out


def _lu_det(a):
    """(sign, log|det|, det) from LAPACK's getrf of each matrix of ``a`` itself, as
    torch's (numpy's det/slogdet factor the transpose, which pivots otherwise: the
    same numbers for finite matrices, not where an inf or nan meets the pivoting)."""
    getrf = _lapack("getrf", a)
    n = a.shape[-1]
    sign = np.empty(a.shape[:-2], a.dtype)
    logabs = np.empty(a.shape[:-2], a.dtype)
    det = np.empty(a.shape[:-2], a.dtype)
    with np.errstate(all="ignore"):
        for idx in np.ndindex(a.shape[:-2]):
            m = a[idx]
            # (torch factors a matrix's memory as it is, column-major: A^T when row-major)
            lu, piv, _ = getrf(np.array(m, order="F")) if np.isfinite(m).all() else \
                _getf2(m if m.flags.f_contiguous and not m.flags.c_contiguous else _T(m))
            d = np.diagonal(lu)
            flips = int(np.count_nonzero(piv != np.arange(n))) % 2
            parity = a.dtype.type(-1 if flips else 1)
            sign[idx] = parity * np.prod(np.nan_to_num(np.sign(d), nan=0.0))   # torch: sign(nan) = 0
            logabs[idx] = np.sum(np.log(np.abs(d)))
            det[idx] = parity * np.prod(d)
    return sign, logabs, det


def _det_backward(grads, need, a, det):
    # torch: det * grad * A^{-T}; an exactly singular matrix (det == 0) gets a zero
    # gradient (torch's SVD branch scales by det * grad too), not its cofactors
    g = grads[0]
    g = _cast(g, a)
    singular = det == 0
    if not singular.any():
        return (_inv_transpose_scaled(a, g * det),)
    safe = np.where(singular[..., None, None], _eye_like(a), a)
    regular = _inv_transpose_scaled(safe, np.where(singular, 0, g * det).astype(a.dtype))
    return (np.where(singular[..., None, None], np.zeros((), a.dtype), regular),)


def det(A, fname="linalg.det"):
    a = _square_float(fname, _tensor_arg(A, fname))
    if np.isfinite(a).all():
        d = np.asarray(_quiet(np.linalg.det, a), a.dtype)
    else:
        d = np.asarray(_lu_det(a)[2], a.dtype)
    return _record("LinalgDetBackward0", (A,), [d], (0,), _det_backward, (a, d),
                   saved_inputs=(0,), graph=_det_graph)[0]


def _slogdet_backward(grads, need, a):
    g_logabs = grads[1]
    if g_logabs is None:
        return (None,)
    g = _cast(g_logabs, a)
    if np.isfinite(a).all():
        return (_inv_transpose_scaled(a, g),)
    # torch: g * A^{-H} (an inf/nan of the inverse stays one where g is 0)
    return (_inv_transpose_scaled(a, np.ones_like(g)) * g[..., None, None],)


def _slogdet_arrays(fname, A):
    a = _square_float(fname, _tensor_arg(A, fname))
    if np.isfinite(a).all():
        sign, logabs = _quiet(np.linalg.slogdet, a)
    else:
        sign, logabs = _lu_det(a)[:2]
    return a, np.asarray(sign, a.dtype), np.asarray(logabs, a.dtype)


def slogdet(A, fname="linalg.slogdet", cls=linalg_slogdet):
    a, sign, logabs = _slogdet_arrays(fname, A)
    out = _record("LinalgSlogdetBackward0", (A,), [sign, logabs], (0, 1), _slogdet_backward,
                  (a,), saved_inputs=(0,), graph=_slogdet_graph)
    return _new_tuple(cls, out)


def logdet(A):
    """torch.logdet: log|det| where det > 0, nan where det < 0 (a where over slogdet)."""
    sign, logabs = slogdet(A, "logdet")
    nan = _wrap(np.asarray(np.nan, logabs._data.dtype))
    return logabs.where(sign != -1, nan)


# ------------------------------------------------------------------ solve

def _solve_backward(grads, need, a, X, left, vector, a_shape, b_shape):
    g = grads[0]
    g = _cast(g, a)
    if vector:
        g = g[..., None]
    if left:
        gB = _nan_where_nan(_solve_like_torch(a, g, 1), a)
        gA = -(gB @ _T(X)) if need[0] else None
    else:
        gB = _T(_nan_where_nan(_solve_like_torch(a, _T(g)), a))
        gA = -(_T(X) @ gB) if need[0] else None
    if vector:
        gB = gB[..., 0]
    return (None if gA is None else _fresh(gA, a_shape),
            _fresh(gB, b_shape) if need[1] else None)


def solve(A, B, *, left=True, ex=False, check_errors=True):
    fname = "linalg.solve"
    _tensor_arg(A, fname)
    _tensor_arg(B, fname, "B", 2)
    a, b = A._data, B._data
    _check_matrix(fname, a)
    _check_float(fname, a)
    if b.dtype != a.dtype:
        raise RuntimeError(messages.linalg_same_dtype(fname, _torch_dtype(a), _torch_dtype(b)))
    n = a.shape[-1]
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    bm = b[..., None] if vector else b          # (as torch: a vector B with left=False fails)
    if bm.ndim < 2 or (bm.shape[-2] if left else bm.shape[-1]) != n:
        shown = (bm.shape[-2], bm.shape[-1]) if bm.ndim >= 2 else (bm.shape[-1], 1)
        raise RuntimeError(messages.linalg_solve_shapes(left, (n, n), shown))
    if vector and not left:
        raise RuntimeError(messages.LINALG_SOLVE_RIGHT_VECTOR)
    try:
        batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    except ValueError:
        raise RuntimeError(messages.linalg_solve_shapes(left, (n, n), bm.shape[-2:])) from None
    try:
        if left:
            X = _solve_like_torch(np.broadcast_to(a, batch + a.shape[-2:]),
                                  np.broadcast_to(bm, batch + bm.shape[-2:]))
        else:
            X = _T(_solve_like_torch(np.broadcast_to(a, batch + a.shape[-2:]),
                                     np.broadcast_to(_T(bm), batch + bm.shape[-2:][::-1]), 1))
        info = np.zeros(batch, np.int32)
    except np.linalg.LinAlgError:
        ab = np.broadcast_to(a, batch + a.shape[-2:])
        if check_errors:
            b_idx, pivot = _singular_pivot(ab)
            if pivot is None:
                raise
            raise LinAlgError(messages.linalg_solve_singular(
                b_idx, "linalg.solve_ex" if ex else "linalg.solve")) from None
        info = _lu_infos(ab)
        if left:
            X = _lu_solve_all(ab, np.array(np.broadcast_to(bm, batch + bm.shape[-2:])))
        else:
            X = _T(_lu_solve_all(ab, np.array(np.broadcast_to(_T(bm), batch + bm.shape[-2:][::-1])),
                                 trans=1))
    X = np.ascontiguousarray(_nan_where_nan(X, a))
    out = X[..., 0] if vector else X
    result = _record("LinalgSolveExBackward0", (A, B), [out, info], (0,), _solve_backward,
                     (a, X, left, vector, a.shape, b.shape), saved_inputs=(0,),
                     saved_outputs=(0,), graph=_solve_graph_for(bool(left)))
    return _new_tuple(linalg_solve_ex, result) if ex else result[0]


# ------------------------------------------------------------------ cholesky

def _phi(m):
    out = np.tril(m)
    d = _diag(out)
    out[..., np.arange(d.shape[-1]), np.arange(d.shape[-1])] = d * np.asarray(0.5, m.dtype)
    return out


def _solve_lt(L, B):
    """L^T X = B for lower-triangular L (each matrix; trsm's substitution, as torch's
    solve_triangular, so an inf of L's diagonal gives zeros, not an inverse's nans)."""
    from scipy.linalg import solve_triangular
    out = np.empty(B.shape, L.dtype)
    for idx in np.ndindex(B.shape[:-2]):
        out[idx] = solve_triangular(L[idx], B[idx], lower=True, trans="T", check_finite=False)
    return out


def _cholesky_backward(grads, need, L, upper):
    g = grads[0]
    g = _cast(g, L)
    gL = _T(g) if upper else g
    # torch: P = tril(L^H gL), P = (P + tril(P, -1)^H) / 2, then L^{-H} P L^{-1} by two
    # triangular solves (no symmetrisation after: an inf pivot leaves its row nan only)
    P = np.tril(_T(L) @ gL)
    P = (P + _T(np.tril(P, -1))) * np.asarray(0.5, L.dtype)
    try:
        return (_T(_solve_lt(L, _T(_solve_lt(L, P)))),)
    except np.linalg.LinAlgError:           # a zero pivot (cholesky_ex's partial factor)
        pass
    Linv = _quiet(np.linalg.inv, L)
    gA = _T(Linv) @ _phi(_T(L) @ gL) @ Linv
    return ((gA + _T(gA)) * np.asarray(0.5, L.dtype),)


def cholesky(A, upper=False, fname="linalg.cholesky", node="LinalgCholeskyExBackward0",
             ex=False, check_errors=True):
    a = _square_float(fname, _tensor_arg(A, fname))
    info = np.zeros(a.shape[:-2], np.int32)
    L = None
    try:
        L = _quiet(np.linalg.cholesky, a)
        # a nan pivot (torch's LAPACK stops there) or an inf one (inf / inf below it,
        # see _first_bad_pivot; OpenBLAS's potrf gives zeros): potf2's steps, as torch's
        failed = not np.isfinite(L).all()
    except np.linalg.LinAlgError:
        failed = True
    if failed:
        b, order = _not_pd_minor(a)
        if order is None and L is None:     # borderline: numpy's blocked potrf failed
            b, order = (None if a.ndim == 2 else 0), a.shape[-1]
        if order is not None and check_errors:
            raise LinAlgError(messages.linalg_not_pd(fname, b, order)) from None
        L, info = _partial_choleskys(a)
    out = np.ascontiguousarray(_T(L)) if upper else L
    result = _record(node, (A,), [out, info], (0,), _cholesky_backward, (L, upper),
                     saved_outputs=(0,), graph=_cholesky_graph_for(bool(upper)))
    return _new_tuple(linalg_cholesky_ex, result) if ex else result[0]


def _partial_choleskys(a):
    """What LAPACK's potf2 leaves where it stops (factored columns, the failed pivot,
    the rest of A's lower triangle) and its info, for each matrix."""
    out = np.tril(a).astype(a.dtype)
    info = np.zeros(a.shape[:-2], np.int32)
    ob, ib = out.reshape((-1,) + a.shape[-2:]), info.reshape(-1)
    for i, m in enumerate(ob):
        ib[i] = _first_bad_pivot(m, m)
    return np.tril(out), info


_warned = set()       # torch warns once per process (TORCH_WARN_ONCE)


def cholesky_legacy(input, upper=False):
    if "cholesky" not in _warned:
        _warned.add("cholesky")
        warnings.warn(messages.CHOLESKY_DEPRECATED, UserWarning, stacklevel=3)
    return cholesky(input, upper, "cholesky", "CholeskyBackward0")


# ------------------------------------------------------------------ qr

def _copyltu(m):
    lower = np.tril(m, -1)
    return lower + _T(lower) + _diag_embed(_diag(m))


def _qr_square_backward(Q, R, gQ, gR):
    """A = QR with Q (m, n), R (n, n), m >= n."""
    M = np.zeros(R.shape, R.dtype)
    if gR is not None:
        M = M + R @ _T(gR)
    if gQ is not None:
        M = M - _T(gQ) @ Q
    b = Q @ _copyltu(M)
    if gQ is not None:
        b = b + gQ
    # b R^{-T}: solve R X^T = b^T by back substitution (torch's solve_triangular)
    from scipy.linalg import solve_triangular
    bt = np.array(np.broadcast_to(_T(b), R.shape[:-2] + _T(b).shape[-2:]))
    try:
        for idx in np.ndindex(R.shape[:-2]):
            bt[idx] = solve_triangular(R[idx], bt[idx], lower=False, check_finite=False)
    except np.linalg.LinAlgError:       # a zero on R's diagonal: LU's inf/nan, as before
        return _T(_quiet(np.linalg.solve, R, _T(b)))
    return _T(bt)


def _qr_backward(grads, need, a, Q, R, mode):
    gQ, gR = _cast(grads[0], a), _cast(grads[1], a)
    if mode == "r":
        raise RuntimeError(messages.QR_MODE_R_BACKWARD)
    m, n = a.shape[-2:]
    if mode == "complete" and m > n:
        raise RuntimeError(messages.QR_COMPLETE_BACKWARD)
    if m >= n:
        return (_qr_square_backward(Q, R, gQ, gR),)
    # A = Q [U | V]: X = A[:, :m] = Q U, Y = A[:, m:] = Q V
    U = R[..., :, :m]
    Y = a[..., :, m:]
    gU = None if gR is None else gR[..., :, :m]
    gV = None if gR is None else gR[..., :, m:]
    gY = np.zeros(Y.shape, a.dtype) if gV is None else Q @ gV
    if gV is not None:
        gQ = (Y @ _T(gV)) if gQ is None else gQ + Y @ _T(gV)
    gX = _qr_square_backward(Q, U, gQ, gU)
    return (np.concatenate([gX, gY], -1),)


def qr(A, mode="reduced"):
    fname = "linalg.qr"
    a = _tensor_arg(A, fname)._data
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(messages.qr_mode(mode))
    _check_matrix(fname, a, square=False)
    _check_float(fname, a)
    if mode == "r":
        R = np.ascontiguousarray(np.linalg.qr(a, mode="r"))
        Q = np.zeros((0,), a.dtype)
    else:
        Q, R = np.linalg.qr(a, mode=mode)
        Q, R = np.ascontiguousarray(Q), np.ascontiguousarray(R)
    out = _record("LinalgQrBackward0", (A,), [Q, R], (0, 1), _qr_backward, (a, Q, R, mode),
                  saved_inputs=(0,), saved_outputs=(0, 1), graph=_qr_graph_for(mode))
    return _new_tuple(linalg_qr, out)


qr_type = _structseq("qr", ("Q", "R"))


def qr_legacy(input, some=True):
    """torch.qr: linalg.qr with mode 'reduced' (some) or 'complete', warned once."""
    if "qr" not in _warned:
        _warned.add("qr")
        warnings.warn(messages.QR_DEPRECATED, UserWarning, stacklevel=3)
    return _new_tuple(qr_type, qr(input, "reduced" if some else "complete"))


# ------------------------------------------------------------------ eigh, eigvalsh

def _eigh_backward(grads, need, w, V):
    gw, gV = _cast(grads[0], V), _cast(grads[1], V)
    if gV is None:
        inner = _diag_embed(gw)
    else:
        VtgV = _T(V) @ gV
        skew = (VtgV - _T(VtgV)) * np.asarray(0.5, V.dtype)
        E = w[..., None, :] - w[..., :, None]
        n = w.shape[-1]
        idx = np.arange(n)
        E[..., idx, idx] = 1
        inner = _quiet(np.divide, skew, E)
        inner[..., idx, idx] = 0 if gw is None else gw
    return (V @ inner @ _T(V),)


def _uplo(uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(messages.eigh_uplo(uplo))
    return uplo


def _eigh_arrays(fname, A, UPLO):
    a = _tensor_arg(A, fname)._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.linalg_not_implemented("linalg_eigh_cpu",
                                                                  _torch_dtype(a)))
    _check_matrix(fname, a)
    return a, _uplo(UPLO)


def _np_eigh(a, uplo, vectors=True):
    """numpy's eigh; where the read triangle holds inf/nan, LAPACK's syevd matrix by
    matrix (OpenBLAS's fails, or gives nans, where torch's MKL does) and torch's error
    on a failure: MKL's info is LAPACK's with vectors (steqr, n <= 25), one less
    without (sterf)."""
    tri = np.tril(a) if uplo == "L" else np.triu(a)
    if np.isfinite(tri).all():
        if vectors:
            return np.linalg.eigh(a, UPLO=uplo)
        return np.linalg.eigvalsh(a, UPLO=uplo), None
    n = a.shape[-1]
    syevd = _lapack("syevd", a)
    w = np.empty(a.shape[:-1], a.dtype)
    V = np.empty(a.shape, a.dtype)
    for b, m in _batches(a):
        with np.errstate(all="ignore"):
            wb, vb, info = syevd(m, compute_v=1 if vectors else 0, lower=1 if uplo == "L" else 0)
        if info > (0 if vectors else 1) and not (vectors and n > 25):
            raise LinAlgError(messages.linalg_eigh_no_convergence(b, info if vectors else info - 1))
        if info > 0:                        # torch's (MKL's) runs through: nans
            wb, vb = np.full(n, np.nan, a.dtype), np.full((n, n), np.nan, a.dtype)
        w[() if b is None else np.unravel_index(b, a.shape[:-2])] = wb
        if vectors:
            V[() if b is None else np.unravel_index(b, a.shape[:-2])] = vb
    return w, (V if vectors else None)


def eigh(A, UPLO="L"):
    a, uplo = _eigh_arrays("linalg.eigh", A, UPLO)
    w, V = _np_eigh(a, uplo)
    w, V = np.ascontiguousarray(w, a.dtype), np.ascontiguousarray(V, a.dtype)
    out = _record("LinalgEighBackward0", (A,), [w, V], (0, 1), _eigh_backward, (w, V),
                  saved_outputs=(0, 1), graph=_eigh_graph_for(uplo))
    return _new_tuple(linalg_eigh, out)


def eigvalsh(A, UPLO="L"):
    a, uplo = _eigh_arrays("linalg.eigvalsh", A, UPLO)
    if not _needs(A):
        return _wrap(np.ascontiguousarray(_np_eigh(a, uplo, False)[0], a.dtype))
    w, V = _np_eigh(a, uplo)
    w, V = np.ascontiguousarray(w, a.dtype), np.ascontiguousarray(V, a.dtype)
    return _record("LinalgEighBackward0", (A,), [w], (0,),
                   lambda grads, need, w, V: _eigh_backward([grads[0], None], need, w, V),
                   (w, V), saved_outputs=(0,), graph=_eigh_graph_for(uplo, True))[0]


# ------------------------------------------------------------------ svd, svdvals

def _svd_backward(grads, need, U, S, Vh, full_matrices):
    gU, gS, gVh = (_cast(g, S) for g in grads)
    m, n = U.shape[-2], Vh.shape[-1]
    k = S.shape[-1]
    if full_matrices:
        U = U[..., :, :k]
        Vh = Vh[..., :k, :]
        gU = None if gU is None else gU[..., :, :k]
        gVh = None if gVh is None else gVh[..., :k, :]
    if gU is None and gVh is None:
        return ((U * gS[..., None, :]) @ Vh,)
    S2 = S * S
    E = S2[..., None, :] - S2[..., :, None]
    idx = np.arange(k)
    E[..., idx, idx] = 1
    gA = np.zeros(S.shape + (k,), S.dtype)
    if gU is not None:
        UtgU = _T(U) @ gU
        gA = gA + (UtgU - _T(UtgU)) * S[..., None, :]
    if gVh is not None:
        VhgV = Vh @ _T(gVh)
        gA = gA + S[..., :, None] * (VhgV - _T(VhgV))
    gA = _quiet(np.divide, gA, E)
    gA[..., idx, idx] = 0
    if gS is not None:
        gA[..., idx, idx] = gS
    if m > n and gU is not None:
        gA = U @ gA
        gUSinv = _quiet(np.divide, gU, S[..., None, :])
        gA = gA + gUSinv - U @ (_T(U) @ gUSinv)
        gA = gA @ Vh
    elif m < n and gVh is not None:
        gA = gA @ Vh
        gVhSinv = _quiet(np.divide, gVh, S[..., :, None])
        gA = gA + gVhSinv - (gVhSinv @ _T(Vh)) @ Vh
        gA = U @ gA
    else:
        gA = U @ gA @ Vh
    return (gA,)


def _svd_check(fname, A):
    a = _tensor_arg(A, fname)._data
    _check_matrix(fname, a, square=False)
    _check_float(fname, a)
    return a


def _np_svd(a, full_matrices=False, compute_uv=True):
    """numpy's SVD; a non-finite matrix raises torch's LinAlgError (checked
    first: LAPACK's gesdd can run for minutes on an inf)."""
    if not np.isfinite(a).all():
        for b, m in _batches(a):
            if not np.isfinite(m).all():
                raise LinAlgError(messages.linalg_svd_nonfinite(b))
    return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def _svd_arrays(a, full_matrices):
    U, S, Vh = _np_svd(a, full_matrices)
    return (np.ascontiguousarray(U, a.dtype), np.ascontiguousarray(S, a.dtype),
            np.ascontiguousarray(Vh, a.dtype))


def svd(A, full_matrices=True, *, driver=None):
    a = _svd_check("linalg.svd", A)
    U, S, Vh = _svd_arrays(a, bool(full_matrices))
    out = _record("LinalgSvdBackward0", (A,), [U, S, Vh], (0, 1, 2), _svd_backward,
                  (U, S, Vh, bool(full_matrices)), saved_outputs=(0, 1, 2),
                  graph=_svd_graph_for(bool(full_matrices)))
    return _new_tuple(linalg_svd, out)


def svdvals(A, *, driver=None):
    a = _svd_check("linalg.svdvals", A)
    if not _needs(A):
        return _wrap(np.ascontiguousarray(_np_svd(a, compute_uv=False), a.dtype))
    U, S, Vh = _svd_arrays(a, False)
    return _record("LinalgSvdBackward0", (A,), [S], (0,),
                   lambda grads, need, U, S, Vh: _svd_backward([None, grads[0], None], need,
                                                               U, S, Vh, False),
                   (U, S, Vh), saved_outputs=(0,), graph=_svd_graph_for(False, True))[0]


def svd_legacy(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with V = Vh.mH; without compute_uv U and V are zeros."""
    if not compute_uv:
        S = svdvals(input)
        a = input._data
        m, n = a.shape[-2:]
        batch = a.shape[:-2]
        return _new_tuple(svd_type, (_wrap(np.zeros(batch + (m, m), a.dtype)), S,
                                     _wrap(np.zeros(batch + (n, n), a.dtype))))
    U, S, Vh = svd(input, full_matrices=not some)
    return _new_tuple(svd_type, (U, S, Vh.mT))


# ------------------------------------------------------------------ pinv

def _pinv_backward(grads, need, a, X):
    g = grads[0]
    g = _cast(g, a)
    Xt, gt = _T(X), _T(g)
    gA = -(Xt @ g @ Xt)
    gA = gA + (gt - a @ (X @ gt)) @ (X @ Xt)        # (I - A X) g^T X X^T
    gA = gA + (Xt @ X) @ (gt - (gt @ X) @ a)        # X^T X g^T (I - X A)
    return (gA,)


def _pinv_array(a, atol, rtol, hermitian):
    m, n = a.shape[-2:]
    eps = np.finfo(a.dtype).eps
    if hermitian:
        w, V = _np_eigh(a, "L")
        s = np.abs(w)
    else:
        U, s, Vh = _np_svd(a)
    smax = s.max(-1, initial=0)[..., None] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,))
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else eps * max(m, n)
    thresh = np.maximum(0.0 if atol is None else atol, rtol * smax)
    keep = s > thresh
    if hermitian:       # torch: where(|w| > tol, 1 / w, 0) (a nan w gives 0 there)
        inv_w = np.where(keep, 1 / np.where(keep, w, 1), 0).astype(a.dtype)
        return np.ascontiguousarray((V * inv_w[..., None, :]) @ _T(V), a.dtype)
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(a.dtype)
    return np.ascontiguousarray((_T(Vh) * inv_s[..., None, :]) @ _T(U), a.dtype)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    a = _tensor_arg(A, "linalg.pinv")._data
    if a.dtype.kind != "f" or a.ndim < 2:
        raise RuntimeError(messages.pinv_dtype(_torch_dtype(a), a.shape))
    atol = atol.item() if isinstance(atol, Tensor) else atol
    rtol = rtol.item() if isinstance(rtol, Tensor) else rtol
    X = _pinv_array(a, atol, rtol, bool(hermitian))
    return _record("LinalgPinvBackward0", (A,), [X], (0,), _pinv_backward, (a, X),
                   saved_inputs=(0,), saved_outputs=(0,),
                   graph=_pinv_graph_for(atol, rtol, bool(hermitian)))[0]


# ------------------------------------------------------------------ lstsq

def _lstsq_backward(grads, need, a, b, X, vector, has_residuals):
    gX, gres = _cast(grads[0], a), _cast(grads[1], a)
    if gX is None and not (gres is not None and has_residuals and gres.size):
        return (None, None)     # torch: only the empty residuals' gradient, no gradients
    bm = b[..., None] if vector else b
    batch = X.shape[:-2]
    ab = np.broadcast_to(a, batch + a.shape[-2:])
    bb = np.broadcast_to(bm, batch + bm.shape[-2:])
    gA = np.zeros(ab.shape, a.dtype)
    gB = np.zeros(bb.shape, a.dtype)
    if not np.isfinite(ab).all():
        # the forward's solution is nan there: so is its gradient (no SVD of an inf)
        gA.fill(np.nan)
        gB.fill(np.nan)
        gX = gres = None
    if gX is not None:
        g = gX[..., None] if vector else gX
        P = _pinv_array(ab, None, None, False)
        gA = gA + _pinv_backward([g @ _T(bb)], need, ab, P)[0]
        gB = gB + _T(P) @ g
    if gres is not None and has_residuals and gres.size:
        r = ab @ X - bb
        two = np.asarray(2, a.dtype)
        gA = gA + two * (r * gres[..., None, :]) @ _T(X)
        gB = gB - two * r * gres[..., None, :]
    gB = gB[..., 0] if vector else gB
    return (_fresh(gA, a.shape) if need[0] else None,
            _fresh(gB, b.shape) if need[1] else None)


def lstsq(A, B, rcond=None, *, driver=None):
    fname = "linalg.lstsq"
    a = _tensor_arg(A, fname)._data
    b = _tensor_arg(B, fname, "B", 2)._data
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise RuntimeError(messages.LSTSQ_DTYPE)
    if b.dtype != a.dtype:
        raise RuntimeError(messages.linalg_same_dtype("torch.linalg.lstsq".replace(
            "torch.", "jitgrad."), _torch_dtype(a), _torch_dtype(b)))
    if driver is None:
        driver = "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(messages.lstsq_driver(driver))
    if a.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d("torch.linalg.lstsq".replace(
            "torch.", "jitgrad."), "input"))
    if not (a.ndim >= b.ndim and a.ndim - b.ndim <= 1):
        raise RuntimeError(messages.lstsq_dims(a.ndim, b.ndim))
    vector = b.ndim == a.ndim - 1
    bm = b[..., None] if vector else b
    if bm.shape[-2] != a.shape[-2]:
        raise RuntimeError(messages.LSTSQ_ROWS)
    m, n = a.shape[-2:]
    k = bm.shape[-1]
    batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    ab = np.broadcast_to(a, batch + a.shape[-2:]).reshape((-1, m, n))
    bb = np.broadcast_to(bm, batch + bm.shape[-2:]).reshape((-1, m, k))
    if rcond is None:
        rcond = np.finfo(a.dtype).eps * max(m, n)
    X = np.empty((ab.shape[0], n, k), a.dtype)
    ranks = np.empty(ab.shape[0], np.int64)
    svals = np.empty((ab.shape[0], min(m, n)), a.dtype)
    for i in range(ab.shape[0]):
        # a nan: MKL refuses the argument (info < 0), torch's internal assert trips
        for arr, arg in ((ab, 5 if driver == "gels" else 4), (bb, 7 if driver == "gels" else 6)):
            if np.isnan(arr[i]).any():
                raise RuntimeError(messages.lstsq_nan_argument(i if batch else None, arg))
    with np.errstate(all="ignore"):         # (float32 solutions past its range: inf)
        for i in range(ab.shape[0]):
            if not np.isfinite(ab[i]).all():
                X[i], ranks[i], svals[i] = np.nan, 0, np.nan     # (LAPACK would fail, loudly)
                continue
            if not np.isfinite(bb[i]).all():    # an inf of B: a nan solution, A's rank
                _, _, rank, sv = np.linalg.lstsq(ab[i], np.zeros_like(bb[i]), rcond=rcond)
                X[i], ranks[i], svals[i] = np.nan, rank, sv
                continue
            sol, _, rank, sv = np.linalg.lstsq(ab[i], bb[i], rcond=rcond)
            X[i], ranks[i], svals[i] = sol, rank, sv
    X = X.reshape(batch + (n, k))
    has_residuals = driver != "gelsy" and m > n and bool((ranks == n).all())
    if has_residuals:
        with np.errstate(all="ignore"):
            res = ((a @ X - bm) ** 2).sum(-2).astype(a.dtype)
    else:
        res = np.zeros((0,), a.dtype)
    rank = ranks.reshape(batch) if driver != "gels" else np.zeros((0,), np.int64)
    sv = svals.reshape(batch + (min(m, n),)) if driver in ("gelsd", "gelss") else \
        np.zeros((0,), a.dtype)
    sol = X[..., 0] if vector else X
    out = _record("LinalgLstsqBackward0", (A, B), [np.ascontiguousarray(sol), res, rank, sv],
                  (0, 1), _lstsq_backward, (a, b, X, vector, has_residuals),
                  saved_inputs=(0, 1), graph=_lstsq_graph_for(rcond, driver, has_residuals))
    return _new_tuple(linalg_lstsq, out)


# ------------------------------------------------------------------ cross

def _cross_backward(grads, need, a, b, dim):
    g = grads[0]
    g = _cast(g, a)
    ga = np.cross(b, g, axis=dim) if need[0] else None
    gb = np.cross(g, a, axis=dim) if need[1] else None
    return (None if ga is None else _fresh(ga, a.shape),
            None if gb is None else _fresh(gb, b.shape))


def cross(input, other, *, dim=-1, fname="linalg.cross"):
    x = _tensor_arg(input, fname, "input")
    y = _tensor_arg(other, fname, "other", 2)
    a, b = x._data, y._data
    if a.ndim != b.ndim:
        raise RuntimeError(f"{fname}: inputs must have the same number of dimensions.")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        for i in range(1, a.ndim + 1):
            sa, sb = a.shape[-i], b.shape[-i]
            if sa != sb and sa != 1 and sb != 1:
                raise RuntimeError(messages.broadcast_mismatch(sa, sb, a.ndim - i)) from None
        raise
    d = normalize_dim(dim, max(a.ndim, 1))
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(messages.cross_size(fname, dim, a.shape[d], b.shape[d]))
    dt = np.result_type(a, b)
    out = np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=d).astype(dt)
    if dt.kind != "f":
        return _wrap(out)
    return _record("LinalgCrossBackward0", (x, y), [out], (0,), _cross_backward,
                   (a, b, d), saved_inputs=(0, 1), graph=_cross_graph_for(d))[0]


def cross_legacy(input, other, dim=None):
    """torch.cross: without ``dim`` the first dim of size 3, with a warning."""
    if dim is None and "cross" not in _warned:
        _warned.add("cross")
        warnings.warn(messages.CROSS_NO_DIM_DEPRECATED, UserWarning, stacklevel=3)
    if dim is None:
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dims = [i for i, s in enumerate(shape) if s == 3]
        if not dims:
            raise RuntimeError(messages.CROSS_NO_DIM3)
        dim = dims[0]
    return cross(input, other, dim=dim, fname="linalg.cross")


# ------------------------------------------------------------------ matrix_power, multi_dot

def matrix_power(A, n, fname="linalg.matrix_power", arg_name=("linalg_matrix_power", 2)):
    from ..functions import matmul
    _tensor_arg(A, fname)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(messages.matrix_power_int(*arg_name, n))
    n = int(n)
    a = A._data
    _check_matrix(fname, a)
    if n == 0:
        out = np.array(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))
        if not _needs(A):
            return _wrap(out)
        return _record("CopyBackwards", (A,), [out], (0,),
                       lambda grads, need, shape, dt: (np.zeros(shape, dt),),
                       (a.shape, a.dtype), graph=_zeros_graph)[0]
    if n < 0:
        A = inv(A)
        n = -n
    if n == 1:
        return A.clone()
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:
        bit = n % 2
        n //= 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def multi_dot(tensors):
    from ..functions import matmul
    tensors = list(tensors)
    k = len(tensors)
    if k < 2:
        raise RuntimeError(messages.multi_dot_count(k))
    for i, t in enumerate(tensors):
        _tensor_arg(t, "linalg.multi_dot", "tensors", 1)
        nd = t._data.ndim
        which = "first" if i == 0 else ("last" if i == k - 1 else i)
        if (i in (0, k - 1) and nd not in (1, 2)) or (0 < i < k - 1 and nd != 2):
            raise RuntimeError(messages.multi_dot_dims(which, nd))
    first, last = tensors[0], tensors[-1]
    out_shape = []
    if first._data.ndim == 2:
        out_shape.append(first._data.shape[0])
    else:
        tensors[0] = first.unsqueeze(0)
    if last._data.ndim == 2:
        out_shape.append(last._data.shape[1])
    else:
        tensors[-1] = last.unsqueeze(1)
    shapes = [t._data.shape for t in tensors]
    for i in range(k - 1):
        if shapes[i][1] != shapes[i + 1][0]:
            raise RuntimeError(messages.multi_dot_shapes(i, i + 1, tensors[i]._data.shape,
                                                         tensors[i + 1]._data.shape))
    if k == 2:
        out = matmul(tensors[0], tensors[1])
    elif k == 3:
        a, b = shapes[0]
        c, d = shapes[2][0], shapes[2][1]
        # torch's choice: (AB)C when its cost a*b*c + a*c*d is lower
        cost_1 = a * c * (b + d)
        cost_2 = b * d * (a + c)
        if cost_1 > cost_2:
            out = matmul(tensors[0], matmul(tensors[1], tensors[2]))
        else:
            out = matmul(matmul(tensors[0], tensors[1]), tensors[2])
    else:
        out = _chain(tensors, shapes, matmul)
    return out.view(tuple(out_shape))


def _chain(tensors, shapes, matmul):
    """The optimal-order chain product (dynamic programming, as torch's)."""
    n = len(tensors)
    p = [s[0] for s in shapes] + [shapes[-1][1]]
    m = [[0] * n for _ in range(n)]
    s = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            m[i][j] = math.inf
            for kk in range(i, j):
                q = m[i][kk] + m[kk + 1][j] + p[i] * p[kk + 1] * p[j + 1]
                if q < m[i][j]:
                    m[i][j] = q
                    s[i][j] = kk

    def build(i, j):
        if i == j:
            return tensors[i]
        return matmul(build(i, s[i][j]), build(s[i][j] + 1, j))
    return build(0, n - 1)


# ------------------------------------------------------------------ norms

def _ord_is_number(o):
    return isinstance(o, (int, float, np.integer, np.floating)) and not isinstance(o, bool)


def _neg_norm_backward(grads, need, x3, n, p, kept_shape, in_shape):
    g = grads[0]
    g = _cast(g, x3).reshape(n.shape)
    if p == -math.inf:
        # torch: the minimum's places, or the NaNs (whose sign torch takes as 0)
        ax = np.abs(x3)
        mask = ((ax == n) | np.isnan(ax)).astype(x3.dtype)
        count = mask.sum(-1, keepdims=True)
        out = np.nan_to_num(np.sign(x3), nan=0.0) * (g / count * mask)
    else:
        with np.errstate(all="ignore"):
            out = g * np.sign(x3) * (np.abs(x3) / n) ** np.asarray(p - 1, x3.dtype)
        out = np.where(np.isnan(out) & (x3 == 0), np.zeros((), x3.dtype), out)
    return (out.astype(x3.dtype),)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    fname = "linalg.vector_norm"
    _tensor_arg(x, fname, "input")
    if not _ord_is_number(ord):
        raise TypeError(messages.vector_norm_ord_type(ord))
    a = x._data
    if a.dtype.kind != "f":
        raise RuntimeError(messages.linalg_not_float(fname, _torch_dtype(a)))
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 0:
        dim = None
    if ord >= 0:
        from .reductions import norm
        return norm(x, ord, dim, keepdim, dtype)
    if dtype is not None:
        x = x.to(dtype)
        a = x._data
    dims = normalize_dims(dim, a.ndim) if dim is not None else tuple(range(a.ndim))
    if a.size == 0:
        raise RuntimeError(messages.vector_norm_empty(ord))
    kept = [d for d in range(a.ndim) if d not in dims]
    perm = kept + list(dims)
    moved = np.transpose(a, perm)
    x3 = np.ascontiguousarray(moved).reshape(moved.shape[:len(kept)] + (-1,))
    p = float(ord)
    ax = np.abs(x3)
    with np.errstate(all="ignore"):
        if p == -math.inf:
            n = ax.min(-1, keepdims=True)
        else:
            n = (ax ** np.asarray(p, a.dtype)).sum(-1, keepdims=True) ** np.asarray(1 / p, a.dtype)
    n = n.astype(a.dtype)
    kept_shape = tuple(1 if d in dims else s for d, s in enumerate(a.shape))
    out_shape = kept_shape if keepdim else tuple(a.shape[d] for d in kept)
    out = n.reshape(out_shape).copy()

    def backward(grads, need, x3, n, p):
        (g,) = _neg_norm_backward(grads, need, x3, n, p, None, None)
        back = g.reshape(moved.shape).transpose(np.argsort(perm))
        return (np.ascontiguousarray(back),)
    return _record("LinalgVectorNormBackward0", (x,), [out], (0,), backward, (x3, n, p),
                   saved_inputs=(0,), graph=_neg_norm_graph_for(p, dims, kept_shape))[0]


def _matrix_dims(fname, a, dim):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(messages.matrix_norm_dim_len(tuple(dim) if isinstance(
            dim, (tuple, list)) else (dim,)))
    d0, d1 = normalize_dim(dim[0], a.ndim), normalize_dim(dim[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(messages.matrix_norm_dims_differ(tuple(dim)))
    return [d0, d1]


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    fname = "linalg.matrix_norm"
    _tensor_arg(A, fname)
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d(fname))
    if a.dtype.kind != "f":
        raise RuntimeError(messages.linalg_not_float(fname, _torch_dtype(a)))
    dims = _matrix_dims(fname, a, dim)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
        if ord == "fro":
            return vector_norm(A, 2, tuple(dims), keepdim, dtype=dtype)
        return _svd_norm(A, dims, keepdim, dtype, "sum")
    if not _ord_is_number(ord) or abs(ord) not in (1, 2, math.inf):
        raise RuntimeError(messages.matrix_norm_order(ord))
    if dtype is not None:
        A = A.to(dtype)
    if abs(ord) == 2:
        return _svd_norm(A, dims, keepdim, None, "amax" if ord > 0 else "amin")
    d0, d1 = dims
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    v = vector_norm(A, 1.0, d0, keepdim)
    return v.amax(d1, keepdim) if ord > 0 else v.amin(d1, keepdim)


def _svd_norm(A, dims, keepdim, dtype, how):
    nd = A._data.ndim
    perm = [d for d in range(nd) if d not in dims] + dims
    if dtype is not None:
        A = A.to(dtype)
    s = svdvals(A.permute(perm))
    result = s.sum(-1, keepdim) if how == "sum" else getattr(s, how)(-1, keepdim)
    if keepdim:
        result = result.unsqueeze(-1).permute(list(np.argsort(perm)))
    return result


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    _tensor_arg(A, "linalg.norm", "input")
    a = A._data
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(messages.norm_dim_len(dim))
    elif ord is not None and a.ndim not in (1, 2):
        raise RuntimeError(messages.norm_ord_ndim(a.ndim))
    if isinstance(ord, str):
        return matrix_norm(A, ord, tuple(dim) if dim is not None else (0, 1), keepdim,
                           dtype=dtype)
    if ord is not None and ((dim is not None and len(dim) == 2) or (dim is None and a.ndim == 2)):
        return matrix_norm(A, ord, tuple(dim) if dim is not None else (0, 1), keepdim,
                           dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def torch_norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm: 'fro' over at most two dims and numbers are vector norms; 'nuc' (or
    'fro' over more dims) a matrix norm."""
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if dim is None:
            dim = tuple(range(input._data.ndim))
        return matrix_norm(input, p, dim, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)


# ------------------------------------------------------------------ create_graph formulas
# Each takes (the outputs' gradients as Tensors or None, which inputs need one, the
# input tensors) and returns the inputs' gradients as recorded Tensor ops: the same
# formulas as the numpy backwards above, on the op recomputed with recording.

def _eye_t(n, like):
    return _wrap(np.eye(n, dtype=like._data.dtype))


def _sum_to_t(t, shape):
    from .elementwise import sum_to_size
    return sum_to_size(t, tuple(shape))


def _inv_graph(grads, need, A):
    X = inv(A)
    return (-(X.mT @ grads[0] @ X.mT),)


def _det_graph(grads, need, A):
    d = det(A)
    singular = (d._data == 0)
    if singular.any():          # torch: zero gradient there
        m = _wrap(singular[..., None, None].astype(A._data.dtype))
        A = A * (1 - m) + _eye_t(A._data.shape[-1], A) * m
        d = d * _wrap((~singular).astype(A._data.dtype))
    return ((grads[0] * d).unsqueeze(-1).unsqueeze(-1) * inv(A).mT,)


def _slogdet_graph(grads, need, A):
    g = grads[1]
    if g is None:
        return (None,)
    return (g.unsqueeze(-1).unsqueeze(-1) * inv(A).mT,)


def _solve_graph_for(left):
    def graph(grads, need, A, B):
        X = solve(A, B, left=left)
        vector = X._data.ndim == B._data.ndim and B._data.ndim < A._data.ndim
        g = grads[0]
        if vector:
            g, X = g.unsqueeze(-1), X.unsqueeze(-1)
        if left:
            gB = solve(A.mT, g)
            gA = -(gB @ X.mT)
        else:
            gB = solve(A, g.mT).mT
            gA = -(X.mT @ gB)
        if vector:
            gB = gB.squeeze(-1)
        return (_sum_to_t(gA, A._data.shape) if need[0] else None,
                _sum_to_t(gB, B._data.shape) if need[1] else None)
    return graph


def _cholesky_graph_for(upper):
    def graph(grads, need, A):
        L = cholesky(A)
        g = grads[0]
        gL = g.mT if upper else g
        n = A._data.shape[-1]
        half = 1 - _eye_t(n, A) * 0.5
        P = (L.mT @ gL).tril() * half
        Linv = inv(L)
        gA = Linv.mT @ P @ Linv
        return ((gA + gA.mT) * 0.5,)
    return graph


def _copyltu_t(M, n):
    lower = M.tril(-1)
    return lower + lower.mT + M * _eye_t(n, M)


def _qr_square_graph(Q, R, gQ, gR):
    M = None
    if gR is not None:
        M = R @ gR.mT
    if gQ is not None:
        M = -(gQ.mT @ Q) if M is None else M - gQ.mT @ Q
    b = Q @ _copyltu_t(M, R._data.shape[-1])
    if gQ is not None:
        b = b + gQ
    return solve(R, b.mT).mT


def _qr_graph_for(mode):
    def graph(grads, need, A):
        from ..functions import cat
        if mode == "r":
            raise RuntimeError(messages.QR_MODE_R_BACKWARD)
        m, n = A._data.shape[-2:]
        if mode == "complete" and m > n:
            raise RuntimeError(messages.QR_COMPLETE_BACKWARD)
        Q, R = qr(A, mode)
        gQ, gR = grads
        if m >= n:
            return (_qr_square_graph(Q, R, gQ, gR),)
        U = R[..., :, :m]
        Y = A[..., :, m:]
        gU = None if gR is None else gR[..., :, :m]
        gV = None if gR is None else gR[..., :, m:]
        gY = Y * 0 if gV is None else Q @ gV
        if gV is not None:
            gQ = (Y @ gV.mT) if gQ is None else gQ + Y @ gV.mT
        return (cat([_qr_square_graph(Q, U, gQ, gU), gY], -1),)
    return graph


def _eigh_graph_for(uplo, values_only=False):
    def graph(grads, need, A):
        w, V = eigh(A, uplo)
        gw, gV = (grads[0], None) if values_only else grads
        n = A._data.shape[-1]
        eye = _eye_t(n, A)
        inner = None if gw is None else gw.unsqueeze(-1) * eye
        if gV is not None:
            VtgV = V.mT @ gV
            E = w.unsqueeze(-2) - w.unsqueeze(-1) + eye
            part = (VtgV - VtgV.mT) * 0.5 / E * (1 - eye)
            inner = part if inner is None else inner + part
        return (V @ inner @ V.mT,)
    return graph


def _svd_graph_for(full_matrices, values_only=False):
    def graph(grads, need, A):
        U, S, Vh = svd(A, full_matrices=False)
        gU, gS, gVh = (None, grads[0], None) if values_only else grads
        m, n = A._data.shape[-2:]
        k = S._data.shape[-1]
        if full_matrices:
            gU = None if gU is None else gU[..., :, :k]
            gVh = None if gVh is None else gVh[..., :k, :]
        if gU is None and gVh is None:
            return ((U * gS.unsqueeze(-2)) @ Vh,)
        eye = _eye_t(k, A)
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye
        gA = None
        if gU is not None:
            UtgU = U.mT @ gU
            gA = (UtgU - UtgU.mT) * S.unsqueeze(-2)
        if gVh is not None:
            VhgV = Vh @ gVh.mT
            part = S.unsqueeze(-1) * (VhgV - VhgV.mT)
            gA = part if gA is None else gA + part
        gA = gA / E * (1 - eye)
        if gS is not None:
            gA = gA + gS.unsqueeze(-1) * eye
        if m > n and gU is not None:
            gUSinv = gU / S.unsqueeze(-2)
            gA = (U @ gA + gUSinv - U @ (U.mT @ gUSinv)) @ Vh
        elif m < n and gVh is not None:
            gVhSinv = gVh / S.unsqueeze(-1)
            gA = U @ (gA @ Vh + gVhSinv - (gVhSinv @ Vh.mT) @ Vh)
        else:
            gA = U @ gA @ Vh
        return (gA,)
    return graph


def _pinv_graph_for(atol, rtol, hermitian):
    def graph(grads, need, A):
        X = pinv(A, atol=atol, rtol=rtol, hermitian=hermitian)
        g = grads[0]
        Xt, gt = X.mT, g.mT
        gA = -(Xt @ g @ Xt)
        gA = gA + (gt - A @ (X @ gt)) @ (X @ Xt)
        gA = gA + (Xt @ X) @ (gt - (gt @ X) @ A)
        return (gA,)
    return graph


def _cross_graph_for(dim):
    def graph(grads, need, x, y):
        g = grads[0]
        return (_sum_to_t(cross(y, g, dim=dim), x._data.shape) if need[0] else None,
                _sum_to_t(cross(g, x, dim=dim), y._data.shape) if need[1] else None)
    return graph


def _zeros_graph(grads, need, A):
    return (_wrap(np.zeros(A._data.shape, A._data.dtype)),)


def _lstsq_graph_for(rcond, driver, has_residuals):
    def graph(grads, need, A, B):
        gX, gres = grads[0], grads[1]
        vector = B._data.ndim == A._data.ndim - 1
        X = lstsq(A, B, rcond, driver=driver).solution
        Bm, Xm = (B.unsqueeze(-1), X.unsqueeze(-1)) if vector else (B, X)
        gA = gB = None
        if gX is not None:
            g = gX.unsqueeze(-1) if vector else gX
            P = pinv(A)
            gA = _pinv_graph_for(None, None, False)([g @ Bm.mT], need, A)[0]
            gB = P.mT @ g
        if gres is not None and has_residuals and gres._data.size:
            r = A @ Xm - Bm
            w = gres.unsqueeze(-2)
            part_a, part_b = (r * w) @ Xm.mT * 2, -(r * w) * 2
            gA = part_a if gA is None else gA + part_a
            gB = part_b if gB is None else gB + part_b
        if gB is not None and vector:
            gB = gB.squeeze(-1)
        return (_sum_to_t(gA, A._data.shape) if need[0] and gA is not None else None,
                _sum_to_t(gB, B._data.shape) if need[1] and gB is not None else None)
    return graph


def _neg_norm_graph_for(p, dims, kept_shape):
    def graph(grads, need, x):
        from ..functions import sign
        n = vector_norm(x, p, dims, True)
        g = grads[0].reshape(kept_shape)
        if p == -math.inf:
            ax = np.abs(x._data)
            mask = _wrap(((ax == n._data) | np.isnan(ax)).astype(x._data.dtype))
            count = _wrap(mask._data.sum(dims, keepdims=True))
            return (sign(x).nan_to_num(0.0) * (g / count * mask),)
        return (g * sign(x) * (x.abs() / n) ** (p - 1),)
    return graph
