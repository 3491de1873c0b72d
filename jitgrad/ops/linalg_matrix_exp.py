"""torch.linalg.matrix_exp (also ``torch.matrix_exp``, ``Tensor.matrix_exp``).

The forward is torch's algorithm (Bader, Blanes and Casas 2019, "Computing the
matrix exponential with an optimized Taylor polynomial approximation"): each
matrix's 1-norm picks a Taylor polynomial of degree 1, 2, 4, 8, 12 or 18,
evaluated with torch's few matrix products and coefficients (in the input's
dtype); above the degree-18 bound the matrix is scaled by 2^-s, and the result
squared s times. A matrix whose norm is not finite gives NaN, as torch's.

The backward is torch's ``linalg_matrix_exp_differential``: the upper-right
block of the exponential of the 2n x 2n block matrix [[A^T, G], [0, A^T]],
written once in Tensor ops (the plain backward runs it unrecorded; with
create_graph it is recorded, so higher derivatives are torch's).
"""
import numpy as np

from .. import messages
from ..tensor import Tensor  # noqa: F401  (the formula's operands)
from .linalg_decomp import _record, _tensor_arg, _torch_dtype
from .linalg_lu import _backward_of, _graph_of

# the 1-norm bounds of the degree 1, 2, 4, 8, 12 and 18 approximations
_THETAS = {
    np.dtype(np.float32): (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02,
                           5.800524627688768e-01, 1.461661507209034e+00, 3.010066362817634e+00),
    np.dtype(np.float64): (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04,
                           4.991228871115323e-02, 2.996158913811580e-01, 1.090863719290036e+00),
}

_SQRT_177 = 0.1330413469565007072504e+2
_X3 = 2.0 / 3.0
_T8 = dict(x1=_X3 * ((1.0 + _SQRT_177) / 88.0), x2=_X3 * ((1.0 + _SQRT_177) / 352.0),
           x4=(-271.0 + 29.0 * _SQRT_177) / (315.0 * _X3),
           x5=(-11.0 + 11.0 * _SQRT_177) / (1260.0 * _X3),
           x6=(-99.0 + 11.0 * _SQRT_177) / (5040.0 * _X3),
           x7=(89.0 - _SQRT_177) / (5040.0 * _X3), y2=(857.0 - 58.0 * _SQRT_177) / 630.0)
_B12 = ((9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
        (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031,
         0.01108844528519167989),
        (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968,
         0.00610700528898058230),
        (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079,
         -0.00675951846863086359))
_B18 = ((0.0, -1.00365581030144618291e-01, -8.02924648241156932449e-03,
         -8.92138498045729985177e-04, 0.0),
        (0.0, 3.97849749499645077844e-01, 1.36783778460411720168e+00,
         4.98289622525382669416e-01, -6.37898194594723280150e-04),
        (-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02,
         -6.98210122488052056106e-03, 3.34975017086070470649e-05),
        (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
         2.95552570429315521194e-02, -1.39180257516060693404e-05),
        (0.0, 0.0, -9.23364619367118555360e-02, -1.69364939002081722752e-02,
         -1.40086798182036094347e-05))


def _combine(coeffs, mats, dtype):
    """sum_j coeffs[j] * mats[j], the coefficients in ``dtype`` (torch's float32 constants)."""
    out = np.zeros(mats[0].shape, dtype)
    for c, m in zip(coeffs, mats):
        out += dtype.type(c) * m
    return out


def _powers(a, count):
    """The first ``count`` of I, A, A^2, A^3, A^6."""
    mats = [np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape), a]
    if count > 2:
        mats.append(a @ a)
    if count > 3:
        mats.append(a @ mats[2])
    if count > 4:
        mats.append(mats[3] @ mats[3])
    return mats


def _taylor1(a):
    i, a1 = _powers(a, 2)
    return i + a1


def _taylor2(a):
    i, a1, a2 = _powers(a, 3)
    return i + a1 + a2 / a.dtype.type(2)


def _taylor4(a):
    dt = a.dtype
    i, a1, a2 = _powers(a, 3)
    return _combine((1.0, 1.0, 1.0), (i, a1, a2 @ _combine((1 / 2.0, 1 / 6.0, 1 / 24.0),
                                                             (i, a1, a2), dt)), dt)


def _taylor8(a):
    dt, c = a.dtype, _T8
    i, a1, a2 = _powers(a, 3)
    a4 = a2 @ _combine((c["x1"], c["x2"]), (a1, a2), dt)
    a8 = _combine((_X3, 1.0), (a2, a4), dt) @ _combine((c["x4"], c["x5"], c["x6"], c["x7"]),
                                                       (i, a1, a2, a4), dt)
    return _combine((1.0, 1.0, c["y2"], 1.0), (i, a1, a2, a8), dt)


def _taylor12(a):
    mats = _powers(a, 4)
    b = [_combine(row, mats, a.dtype) for row in _B12]
    b[2] = b[2] + b[3] @ b[3]                   # A6
    return b[0] + (b[1] + b[2]) @ b[2]


def _taylor18(a):
    mats = _powers(a, 5)
    b = [_combine(row, mats, a.dtype) for row in _B18]
    b[3] = b[3] + b[0] @ b[4]                   # A9
    return b[1] + (b[2] + b[3]) @ b[3]


def _scaled_taylor18(a, norm, theta):
    s = np.maximum(0, np.ceil(np.log2(norm / theta))).astype(np.int64)
    scaled = a / np.power(a.dtype.type(2), s.astype(a.dtype))[:, None, None]
    out = _taylor18(scaled)
    for i, si in enumerate(s):
        for _ in range(si):
            out[i] = out[i] @ out[i]
    return out


def _matrix_exp_array(a):
    n = a.shape[-1]
    if n == 0:
        return a.copy()
    if n == 1:
        return np.exp(a)
    flat = np.ascontiguousarray(a).reshape(-1, n, n)
    dt = flat.dtype
    thetas = [dt.type(t) for t in _THETAS[dt]]
    norm = np.abs(flat).sum(-2).max(-1)
    out = np.full(flat.shape, np.nan, dt)       # a non-finite norm: NaN, as torch
    finite = np.isfinite(norm)
    if flat.shape[0] > 1:                       # torch: a batch gets degree 18 throughout
        if finite.any():
            out[finite] = _scaled_taylor18(flat[finite], norm[finite], thetas[5])
        return out.reshape(a.shape)
    lower = dt.type(-1)
    for theta, taylor in zip(thetas[:5], (_taylor1, _taylor2, _taylor4, _taylor8, _taylor12)):
        pick = (lower < norm) & (norm <= theta)
        if pick.any():
            out[pick] = taylor(flat[pick])
        lower = theta
    pick = (norm >= thetas[4]) & finite
    if pick.any():
        out[pick] = _scaled_taylor18(flat[pick], norm[pick], thetas[5])
    return out.reshape(a.shape)


def _matrix_exp_formula(grads, need, A):
    from ..functions import cat
    from ..factories import zeros_like
    n = A.shape[-1]
    At = A.mT
    meta = cat([cat([At, grads[0]], -1), cat([zeros_like(At), At], -1)], -2)
    return (matrix_exp(meta)[..., :n, n:],)


def matrix_exp(A):
    fname = "linalg.matrix_exp"
    a = _tensor_arg(A, fname)._data
    if a.ndim < 2:
        raise RuntimeError(messages.linalg_min_2d(fname))
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(messages.linalg_not_square(fname, a.shape[-2], a.shape[-1]))
    if a.dtype.kind != "f":
        raise RuntimeError(messages.linalg_not_float(fname, _torch_dtype(a)))
    with np.errstate(all="ignore"):
        out = _matrix_exp_array(a)
    return _record("LinalgMatrixExpBackward0", (A,), [out], (0,), _backward_of(_matrix_exp_formula),
                   (a.dtype, a), saved_inputs=(0,),
                   graph=_graph_of(_matrix_exp_formula, lambda A_: (A_,)))[0]
