"""``jitgrad.linalg``: torch.linalg's functions (jitgrad/ops/linalg_decomp.py)."""
from .api_coverage import module_getattr as _module_getattr
from .functions import matmul as _matmul
from .ops import linalg_decomp as _d
from .ops import linalg_lu as _lu
from .ops.linalg_lu import eig, eigvals  # noqa: F401  (refused: complex results)
from .ops.linalg_matrix_exp import matrix_exp  # noqa: F401
from .ops.linalg_decomp import LinAlgError, _LinAlgError  # noqa: F401  (torch.linalg.LinAlgError)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    return _d.vector_norm(x, ord, dim, keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    return _d.matrix_norm(A, ord, dim, keepdim, dtype=dtype)


def norm(input, ord=None, dim=None, keepdim=False, *, dtype=None):
    return _d.norm(input, ord, dim, keepdim, dtype=dtype)


def inv(A):
    return _d.inv(A)


def inv_ex(A, *, check_errors=False):
    return _d.inv_ex(A, check_errors)


def solve_ex(A, B, *, left=True, check_errors=False):
    return _d.solve(A, B, left=left, ex=True, check_errors=check_errors)


def cholesky_ex(A, *, upper=False, check_errors=False):
    return _d.cholesky(A, upper, "linalg.cholesky_ex", ex=True, check_errors=check_errors)


def det(A):
    return _d.det(A)


def slogdet(A):
    return _d.slogdet(A)


def solve(A, B, *, left=True):
    return _d.solve(A, B, left=left)


def cholesky(A, *, upper=False):
    return _d.cholesky(A, upper)


def qr(A, mode="reduced"):
    return _d.qr(A, mode)


def eigh(A, UPLO="L"):
    return _d.eigh(A, UPLO)


def eigvalsh(A, UPLO="L"):
    return _d.eigvalsh(A, UPLO)


def svd(A, full_matrices=True, *, driver=None):
    return _d.svd(A, full_matrices, driver=driver)


def svdvals(A, *, driver=None):
    return _d.svdvals(A, driver=driver)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    return _d.pinv(A, atol=atol, rtol=rtol, hermitian=hermitian)


def lstsq(A, B, rcond=None, *, driver=None):
    return _d.lstsq(A, B, rcond, driver=driver)


def matrix_power(A, n):
    return _d.matrix_power(A, n)


def multi_dot(tensors):
    return _d.multi_dot(tensors)


def cross(input, other, *, dim=-1):
    return _d.cross(input, other, dim=dim)


def solve_triangular(A, B, *, upper=_lu._UNSET, left=True, unitriangular=False):
    return _lu.solve_triangular(A, B, upper=upper, left=left, unitriangular=unitriangular)


def lu_factor(A, *, pivot=True):
    return _lu.lu_factor(A, pivot=pivot)


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    return _lu.lu_factor_ex(A, pivot=pivot, check_errors=check_errors)


def lu(A, *, pivot=True):
    return _lu.lu(A, pivot=pivot)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    return _lu.lu_solve(LU, pivots, B, left=left, adjoint=adjoint)


def matmul(input, other):
    return _matmul(input, other)


__getattr__ = _module_getattr("jitgrad.linalg", "torch.linalg")
