"""The torch-named functions (``jitgrad.exp``, ``jitgrad.matmul``, ...); the
Tensor methods of the same names call these."""

from . import derivatives
from .ops import elementwise as _ew
from .ops import linalg as _linalg
from .ops import reductions as _red
from .ops import views as _views
from .tensor import Tensor


_ADD, _SUB, _MUL, _DIV, _POW = (derivatives.BINARY[n] for n in ("add", "sub", "mul", "div", "pow"))


def _binary(op, a, b):
    return _ew.binary(op, _ew.as_operand(a, op.name), _ew.as_operand(b, op.name))


def _operator(op, a, b):
    """Tensor's arithmetic operators: NotImplemented for a foreign operand, so
    Python raises its own TypeError (or tries the reflected operator)."""
    a = _ew.as_operand(a)
    b = _ew.as_operand(b)
    if a is None or b is None:
        return NotImplemented
    return _ew.binary(op, a, b)


def _tensor(v, fname, arg="input", position=1):
    if not isinstance(v, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {position}) must be Tensor, "
                        f"not {type(v).__name__}")
    return v


# ----------------------------------------------------------- arithmetic

def add(input, other, *, alpha=1):
    if alpha != 1:
        other = other * alpha
    return _binary(_ADD, input, other)


def sub(input, other, *, alpha=1):
    if alpha != 1:
        other = other * alpha
    return _binary(_SUB, input, other)


subtract = sub


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def mul(input, other):
    return _binary(_MUL, input, other)


multiply = mul


def div(input, other, *, rounding_mode=None):
    if rounding_mode is not None:
        raise NotImplementedError("div(rounding_mode=...) is not supported yet")
    return _binary(_DIV, input, other)


divide = true_divide = div


def pow(input, exponent):
    return _binary(_POW, input, exponent)


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
    return _compare("lt", input, other)


def le(input, other):
    return _compare("le", input, other)


def gt(input, other):
    return _compare("gt", input, other)


def ge(input, other):
    return _compare("ge", input, other)


def eq(input, other):
    return _compare("eq", input, other)


def ne(input, other):
    return _compare("ne", input, other)


less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def _compare(name, a, b):
    return _ew.compare(name, _ew.as_operand(a, name), _ew.as_operand(b, name))


# ----------------------------------------------------------- reductions

def sum(input, dim=None, keepdim=False, *, dtype=None):
    return _red.sum(_tensor(input, "sum"), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return _red.mean(_tensor(input, "mean"), dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    return _red.norm(_tensor(input, "norm"), p, dim, keepdim, dtype)


# ----------------------------------------------------------- linear algebra

def matmul(input, other):
    return _linalg.matmul(_tensor(input, "matmul"), _tensor(other, "matmul", "other", 2))


def mm(input, mat2):
    return _linalg.mm(_tensor(input, "mm"), _tensor(mat2, "mm", "mat2", 2))


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
