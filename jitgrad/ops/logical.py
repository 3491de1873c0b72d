"""Bitwise and logical ops: ``&``, ``|``, ``^``, ``~``, ``<<``, ``>>``, the
``bitwise_*`` / ``logical_*`` functions, their in-place and ``out=`` forms.

None is differentiable (their results are integer or bool tensors, never
recorded). Each is one numpy ufunc call (the op table's ``BITWISE`` and
``LOGICAL`` entries), which computes exactly torch's values, shifts past the
width included: ``<<`` gives 0, ``>>`` the sign. Bitwise ops promote as
``+`` does and refuse a floating result (a bool one too for the shifts);
logical ops take any dtypes and give bools.
"""
import warnings

import numpy as np

from .. import derivatives, dtypes, messages
from ..tensor import Tensor, _wrap
from . import elementwise as _ew
from .inplace import check_inplace
from .shapes import broadcast_shape

_SIGNATURES = ["(Tensor input, Tensor other, *, Tensor out = None)",
               "(Number self, Tensor other)",
               "(Tensor input, Number other, *, Tensor out = None)"]


def _operand_array(v, compute):
    """A bitwise operand in the computation dtype: an array, or a numpy scalar
    (a Python int wraps into int32 as torch's cast does)."""
    if isinstance(v, Tensor):
        a = v._data
        return a if a.dtype == compute else a.astype(compute)
    if type(v) is int and compute != np.int64 and compute != np.bool_:
        return np.array(v, np.int64).astype(compute)
    return compute.type(v)


def bitwise_result(name, a, b):
    """The result dtype of bitwise op ``name`` on operands a, b (Tensors or
    Python scalars, one a Tensor); torch's NotImplementedError for float (and,
    for the shifts, bool) results."""
    op = derivatives.BITWISE[name]
    result = dtypes.result_type((_ew._operand_key(a), _ew._operand_key(b)))
    if result.is_floating_point or (result is dtypes.bool_ and not op.bool_ok):
        raise NotImplementedError(messages.not_implemented_for(op.kernel, result._torch_name))
    return result


def bitwise_values(name, a, b):
    """(values ndarray, result dtype) of ``a op b``."""
    sa = a._data.shape if isinstance(a, Tensor) else ()
    sb = b._data.shape if isinstance(b, Tensor) else ()
    shape = broadcast_shape(sa, sb)             # (torch checks the shapes first)
    result = bitwise_result(name, a, b)
    compute = result.numpy
    out = np.empty(shape, compute)
    derivatives.BITWISE[name].ufunc(_operand_array(a, compute), _operand_array(b, compute),
                                    out=out)
    return out, result


_METHOD_SIGNATURES = ["(Tensor other)", "(Number other)"]


def bitwise(name, a, b, out=None, method=False):
    """torch.bitwise_*(a, b): a Tensor and a Tensor or a Python number (either side);
    ``method``: Tensor.bitwise_*(b)."""
    operands = (Tensor, *_ew._SCALARS)
    if method and not isinstance(b, operands):
        from .pointwise import _invalid as invalid
        raise invalid(name, _METHOD_SIGNATURES, [b])
    if not ((isinstance(a, Tensor) or isinstance(b, Tensor)) and isinstance(a, operands)
            and isinstance(b, operands)) or (out is not None and not isinstance(a, Tensor)):
        args = [a, b]
        raise _invalid(name, args, {} if out is None else {"out": out})
    a = _ew.as_operand(a, name)
    b = _ew.as_operand(b, name)
    values, result = bitwise_values(name, a, b)
    if out is None:
        return _wrap(values)
    return write_out(name, out, values, result)


def _invalid(name, args, kwargs):
    from .pointwise import _invalid as invalid
    return invalid(name, _SIGNATURES, args, kwargs)


def operator(name, a, b, reflected=False):
    """``a & b`` and friends (``self`` is ``b`` when ``reflected``): NotImplemented
    for a foreign operand, so Python raises its TypeError. ``Tensor & ndarray`` is
    numpy's ufunc on both, wrapped back into a Tensor (as for ``+``, and as torch);
    ``ndarray & Tensor`` is refused (numpy defers to the Tensor)."""
    other = a if reflected else b
    if isinstance(other, np.ndarray):
        if reflected:
            raise TypeError(messages.unsupported_operand(
                derivatives.BITWISE[name].symbol, a, b))
        with np.errstate(all="ignore"):
            return derivatives.BITWISE[name].ufunc(a, b)
    else:
        other = _ew.as_operand(other, arrays=False)
        if other is None:
            return NotImplemented
    a, b = (other, b) if reflected else (a, other)
    values, _ = bitwise_values(name, a, b)
    return _wrap(values)


def bitwise_(name, x, other):
    """``x &= other``, ``x.bitwise_and_(other)``: into x's memory."""
    if not isinstance(other, Tensor):
        o = _ew.as_operand(other)           # a number, or an ndarray (as a tensor)
        if o is None:
            from .pointwise import _invalid as invalid
            raise invalid(name + "_", _METHOD_SIGNATURES, [other])
        other = o
    check_inplace(x)
    values, result = bitwise_values(name, x, other)
    return _store(x, values, result)


def _store(x, values, result):
    if values.shape != x._data.shape:
        raise RuntimeError(messages.inplace_broadcast(x._data.shape, values.shape))
    if dtypes._category(result) > dtypes._category(x.dtype):
        raise RuntimeError(messages.cast_result(result._torch_name, x.dtype._torch_name))
    np.copyto(x._data, values, casting="unsafe")
    x._vc[0] += 1
    return x


def bitwise_not(x, out=None, fname="bitwise_not"):
    if not isinstance(x, Tensor):
        raise TypeError(messages.arg_must_be(fname, "input", 1, x))
    if x._data.dtype.kind == "f":
        raise NotImplementedError(messages.not_implemented_for("bitwise_not_cpu",
                                                               x.dtype._torch_name))
    values = np.invert(x._data)
    if out is None:
        return _wrap(values)
    if out.dtype is not x.dtype:
        raise RuntimeError(messages.found_dtype(out.dtype._torch_name, x.dtype._torch_name))
    return write_out(fname, out, values, x.dtype)


def invert(x):
    """``~x``: integer and bool tensors only (torch's TypeError otherwise)."""
    if x._data.dtype.kind == "f":
        raise TypeError(messages.INVERT_FLOAT)
    return _wrap(np.invert(x._data))


def bitwise_not_(x):
    if x._data.dtype.kind == "f":
        raise NotImplementedError(messages.not_implemented_for("bitwise_not_cpu",
                                                               x.dtype._torch_name))
    check_inplace(x)
    np.invert(x._data, out=x._data)
    x._vc[0] += 1
    return x


def logical_values(name, a, b=None):
    ufunc = derivatives.LOGICAL[name]
    if b is None:
        out = np.empty(a._data.shape, np.bool_)
        ufunc(a._data, out=out)
    else:
        out = np.empty(broadcast_shape(a._data.shape, b._data.shape), np.bool_)
        ufunc(a._data, b._data, out=out)
    return out


def logical(name, a, b=None, out=None, unary=False, position=2):
    """torch.logical_*(a[, b]): tensors of any dtypes, a bool result."""
    if not isinstance(a, Tensor):
        raise TypeError(messages.arg_must_be(name, "input", 1, a))
    if not unary and not isinstance(b, Tensor):
        raise TypeError(messages.arg_must_be(name, "other", position, b))
    values = logical_values(name, a, b)
    if out is None:
        return _wrap(values)
    return write_out(name, out, values, dtypes.bool_)


def logical_(name, x, other=None, unary=False):
    if not unary and not isinstance(other, Tensor):
        raise TypeError(messages.arg_must_be(name + "_", "other", 1, other))
    check_inplace(x)
    return _store(x, logical_values(name, x, other), dtypes.bool_)


def write_out(name, out, values, result):
    """``values`` (of dtype ``result``) written into the ``out=`` tensor, resized
    (with torch's warning when it had elements) to their shape."""
    if not isinstance(out, Tensor):
        raise TypeError(messages.must_be(name, "out", "Tensor", out))
    if dtypes._category(result) > dtypes._category(out.dtype):
        raise RuntimeError(messages.cast_result(result._torch_name, out.dtype._torch_name))
    if out._data.shape != values.shape:
        if out._data.size:
            warnings.warn(messages.out_resized(out._data.shape, values.shape), UserWarning,
                          stacklevel=4)
        out._data = np.empty(values.shape, out._data.dtype)
    np.copyto(out._data, values, casting="unsafe")
    out._vc[0] += 1
    return out
