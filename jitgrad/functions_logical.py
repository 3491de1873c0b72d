"""torch's bitwise and logical functions (ops/logical.py), the inverse
hyperbolic functions (op table entries), select, the broadcast helpers,
is_floating_point and finfo/iinfo."""
import numpy as _np

from . import dtypes as _dtypes
from . import messages as _messages
from .functions import _tensor
from .ops import elementwise as _ew
from .ops import logical as _logical
from .ops.shapes import broadcast_shape as _broadcast_shape
from .ops.shapes import normalize_dim as _normalize_dim
from .tensor import Size as _Size
from .tensor import Tensor

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift", "logical_and", "logical_or", "logical_xor", "logical_not",
           "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "asinh_", "acosh_",
           "atanh_", "arcsinh_", "arccosh_", "arctanh_", "select", "broadcast_tensors",
           "broadcast_to", "broadcast_shapes", "is_floating_point", "finfo", "iinfo"]


# ----------------------------------------------------------- bitwise and logical

def bitwise_and(input, other, *, out=None):
    return _logical.bitwise("bitwise_and", input, other, out)


def bitwise_or(input, other, *, out=None):
    return _logical.bitwise("bitwise_or", input, other, out)


def bitwise_xor(input, other, *, out=None):
    return _logical.bitwise("bitwise_xor", input, other, out)


def bitwise_left_shift(input, other, *, out=None):
    return _logical.bitwise("bitwise_left_shift", input, other, out)


def bitwise_right_shift(input, other, *, out=None):
    return _logical.bitwise("bitwise_right_shift", input, other, out)


def bitwise_not(input, *, out=None):
    return _logical.bitwise_not(input, out)


def logical_and(input, other, *, out=None):
    return _logical.logical("logical_and", input, other, out)


def logical_or(input, other, *, out=None):
    return _logical.logical("logical_or", input, other, out)


def logical_xor(input, other, *, out=None):
    return _logical.logical("logical_xor", input, other, out)


def logical_not(input, *, out=None):
    return _logical.logical("logical_not", input, None, out, unary=True)


# ----------------------------------------------------------- inverse hyperbolic functions

def asinh(input):
    return _ew.unary("asinh", _tensor(input, "asinh"))


def acosh(input):
    return _ew.unary("acosh", _tensor(input, "acosh"))


def atanh(input):
    return _ew.unary("atanh", _tensor(input, "atanh"))


def asinh_(input):
    return _tensor(input, "asinh_").asinh_()


def acosh_(input):
    return _tensor(input, "acosh_").acosh_()


def atanh_(input):
    return _tensor(input, "atanh_").atanh_()


arcsinh, arccosh, arctanh = asinh, acosh, atanh
arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_


# ----------------------------------------------------------- select and broadcasting

def select(input, dim, index):
    return select_method(_tensor(input, "select"), dim, index, position=2)


def _int_arg(v, name, position):
    if isinstance(v, Tensor) and v.numel() == 1 and v._data.dtype.kind in "iu":
        return v.item()
    if not isinstance(v, (int, _np.integer)) or isinstance(v, bool):
        raise TypeError(_messages.arg_must_be("select", name, position, v, "int"))
    return v


def select_method(x, dim, index, position=1):
    """``x.select(dim, index)``: ``x[:, ..., index]``, a view (SelectBackward0)."""
    dim = _int_arg(dim, "dim", position)
    index = _int_arg(index, "index", position + 1)
    if x.ndim == 0:
        raise IndexError(_messages.SELECT_0D)
    d = _normalize_dim(dim, x.ndim)
    size = x._data.shape[d]
    if not -size <= index < size:
        raise IndexError(_messages.select_out_of_range(index, x._data.shape, d))
    return x[(slice(None),) * d + (int(index),)]


def broadcast_shapes(*shapes):
    """The shape all ``shapes`` (ints or sequences of ints) broadcast to."""
    shapes = [(s,) if isinstance(s, (int, _np.integer)) else s for s in shapes]
    result = [1] * max((len(s) for s in shapes), default=0)
    for i, s in enumerate(shapes):
        for j in range(-1, -len(s) - 1, -1):
            n = s[j]
            if n < 0:
                raise ValueError(_messages.BROADCAST_NEGATIVE)
            if n == 1 or n == result[j]:
                continue
            if result[j] != 1:
                raise RuntimeError(_messages.broadcast_shapes_mismatch(n, j, i, s, result))
            result[j] = n
    return _Size(int(n) for n in result)


def broadcast_tensors(*tensors):
    shape = ()
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(_messages.index_put_element(k, t))
        shape = _broadcast_shape(shape, t._data.shape)
    return tuple(t if t._data.shape == shape else t.expand(shape) for t in tensors)


def broadcast_to(input, size):
    return _tensor(input, "broadcast_to").expand(size)


def is_floating_point(input):
    return _tensor(input, "is_floating_point").is_floating_point()


# ----------------------------------------------------------- finfo / iinfo

def _info_dtype(name, type_):
    if type_ is float:
        return _dtypes.float64
    if type_ is int:
        return _dtypes.int64
    if type_ is bool:
        return _dtypes.bool_
    if not isinstance(type_, _dtypes.dtype):
        raise TypeError(_messages.argument_type(name, "type", "jitgrad.dtype",
                                                _messages._type_name(type_), 1))
    return type_


class _Info:
    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(_messages.info_not_writable(name, type(self).__name__))

    def __eq__(self, other):
        return type(other) is type(self) and other.dtype == self.dtype

    def __hash__(self):
        return hash((type(self).__name__, self.dtype))

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k):g}" for k in self._SHOWN)
        return f"{type(self).__name__}({fields}, dtype={self.dtype})"

    __str__ = __repr__


class finfo(_Info):
    """``torch.finfo(dtype)``: a floating dtype's limits (Python floats)."""
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")
    _SHOWN = ("resolution", "min", "max", "eps", "smallest_normal", "tiny")

    def __init__(self, type=None):  # noqa: A002  (torch's argument name)
        d = _dtypes.get_default_dtype() if type is None else _info_dtype("finfo", type)
        if not d.is_floating_point:
            raise TypeError(_messages.FINFO_NOT_FLOAT)
        info = _np.finfo(d.numpy)
        s = object.__setattr__
        s(self, "bits", int(info.bits))
        s(self, "eps", float(info.eps))
        s(self, "max", float(info.max))
        s(self, "min", float(info.min))
        s(self, "tiny", float(info.smallest_normal))
        s(self, "smallest_normal", float(info.smallest_normal))
        s(self, "resolution", 10.0 ** -int(info.precision))
        s(self, "dtype", d.name)


class iinfo(_Info):
    """``torch.iinfo(dtype)``: an integer dtype's limits (Python ints)."""
    __slots__ = ("bits", "max", "min", "dtype")
    _SHOWN = ("min", "max")

    def __init__(self, *args):
        if not args:
            raise TypeError(_messages.IINFO_MISSING)
        (type_,) = args
        d = _info_dtype("iinfo", type_)
        if d is _dtypes.bool_:
            raise TypeError(_messages.IINFO_BOOL)
        if d.is_floating_point:
            raise TypeError(_messages.IINFO_NOT_INT)
        info = _np.iinfo(d.numpy)
        s = object.__setattr__
        s(self, "bits", int(info.bits))
        s(self, "max", int(info.max))
        s(self, "min", int(info.min))
        s(self, "dtype", d.name)
