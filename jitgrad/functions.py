"""The torch-named functions (``jitgrad.exp``, ``jitgrad.matmul``, ...); the
Tensor methods of the same names call these."""
import numpy as np

from .ops import elementwise as _ew
from .ops import linalg as _linalg
from .ops import reductions as _red
from .ops import views as _views
from .tensor import Tensor


def _operand(v, name="other"):
    if isinstance(v, Tensor) or _ew.is_scalar(v):
        return v
    if isinstance(v, np.ndarray):
        from .factories import from_numpy
        return from_numpy(v)
    raise TypeError(f"{name} must be a Tensor or a Number, not {type(v).__name__}")


def _tensor(v, fname):
    if not isinstance(v, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(v).__name__}")
    return v


# ----------------------------------------------------------- arithmetic

def add(input, other, *, alpha=1):
    other = _operand(other)
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    return _ew.binary("add", _operand(input, "input"), other)


def sub(input, other, *, alpha=1):
    other = _operand(other)
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    return _ew.binary("sub", _operand(input, "input"), other)


subtract = sub


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def mul(input, other):
    return _ew.binary("mul", _operand(input, "input"), _operand(other))


multiply = mul


def div(input, other, *, rounding_mode=None):
    if rounding_mode is not None:
        raise NotImplementedError("div(rounding_mode=...) is not supported yet")
    return _ew.binary("div", _operand(input, "input"), _operand(other))


divide = true_divide = div


def pow(input, exponent):
    return _ew.binary("pow", _operand(input, "input"), _operand(exponent, "exponent"))


def neg(input):
    return _ew.unary("neg", _tensor(input, "neg"))


negative = neg


def exp(input):
    return _ew.unary("exp", _tensor(input, "exp"))


def log(input):
    return _ew.unary("log", _tensor(input, "log"))


def sqrt(input):
    return _ew.unary("sqrt", _tensor(input, "sqrt"))


def abs(input):
    return _ew.unary("abs", _tensor(input, "abs"))


absolute = abs


def sigmoid(input):
    return _ew.unary("sigmoid", _tensor(input, "sigmoid"))


def tanh(input):
    return _ew.unary("tanh", _tensor(input, "tanh"))


def relu(input):
    return _ew.unary("relu", _tensor(input, "relu"))


# ----------------------------------------------------------- comparisons

def lt(input, other):
    return _ew.compare("lt", _operand(input, "input"), _operand(other))


def le(input, other):
    return _ew.compare("le", _operand(input, "input"), _operand(other))


def gt(input, other):
    return _ew.compare("gt", _operand(input, "input"), _operand(other))


def ge(input, other):
    return _ew.compare("ge", _operand(input, "input"), _operand(other))


def eq(input, other):
    return _ew.compare("eq", _operand(input, "input"), _operand(other))


def ne(input, other):
    return _ew.compare("ne", _operand(input, "input"), _operand(other))


less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


# ----------------------------------------------------------- reductions

def sum(input, dim=None, keepdim=False, *, dtype=None):
    return _red.sum(_tensor(input, "sum"), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return _red.mean(_tensor(input, "mean"), dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    return _red.norm(_tensor(input, "norm"), p, dim, keepdim, dtype)


# ----------------------------------------------------------- linear algebra

def matmul(input, other):
    return _linalg.matmul(_tensor(input, "matmul"), _tensor(other, "matmul"))


def mm(input, mat2):
    return _linalg.mm(_tensor(input, "mm"), _tensor(mat2, "mm"))


# ----------------------------------------------------------- views

def reshape(input, shape):
    return _views.reshape(_tensor(input, "reshape"), shape)


def transpose(input, dim0, dim1):
    return _views.transpose(_tensor(input, "transpose"), dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    return _views.t(_tensor(input, "t"))


def permute(input, dims):
    return _views.permute(_tensor(input, "permute"), dims)
