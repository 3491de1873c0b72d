"""Tensor factories with torch's signatures and dtype inference."""
import math
import numbers

import numpy as np

from . import dtypes, messages
from .device import check_device
from .quiet import quiet
from .tensor import Tensor, _wrap
from .kernels.elementwise import linspace_fill


def _finish(arr, requires_grad):
    t = _wrap(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(messages.REQUIRES_GRAD_FACTORY)
        t._requires_grad = True
    return t


def _size(size, fname=None):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (numbers.Integral,)) or isinstance(s, bool):
            raise TypeError(f"expected a sequence of integers as the size, got {type(s).__name__}")
        if s < 0:
            if fname == "zeros":
                raise RuntimeError(messages.zeros_negative())
            raise RuntimeError(messages.negative_dimension(s, size))
    return tuple(int(s) for s in size)


def _float_dtype(dtype):
    return (dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()).numpy


def _infer_dtype(arr):
    kind = arr.dtype.kind
    if kind == "f":
        return dtypes.get_default_dtype().numpy
    if kind in "iu":
        return np.dtype(np.int64)
    if kind == "b":
        return np.dtype(np.bool_)
    raise TypeError(f"Could not infer dtype of {arr.dtype}")


def _unwrap_nested(data, dim=0, leaves=None):
    """Nested sequences to nested lists, checked for a regular shape as torch
    does; ``leaves`` collects the leaves' types (a Tensor's dtype)."""
    if isinstance(data, Tensor):
        if leaves is not None:
            leaves.add(data.dtype)
        return data._data
    if isinstance(data, (list, tuple)):
        items = [_unwrap_nested(d, dim + 1, leaves) for d in data]
        lengths = {len(i) if isinstance(i, list) else None for i in items}
        if len(lengths) > 1:
            first = len(items[0]) if isinstance(items[0], list) else None
            for i in items:
                n = len(i) if isinstance(i, list) else None
                if n != first:
                    raise ValueError(f"expected sequence of length {first} at dim {dim + 1} "
                                     f"(got {n})")
        return items
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    if leaves is not None:
        leaves.add(type(data))
    return data


_PYTHON_LEAVES = {bool, int, float}


def _leaf_dtype(leaf):
    # torch infers each element's type (numpy scalars keep theirs, a Python
    # float is the default dtype) and promotes them pairwise
    if isinstance(leaf, dtypes.dtype):
        return leaf
    if issubclass(leaf, np.generic):
        return dtypes.from_numpy(np.dtype(leaf))
    if issubclass(leaf, bool):
        return dtypes.bool_
    if issubclass(leaf, numbers.Integral):
        return dtypes.int64
    return dtypes.get_default_dtype()


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    check_device(device)
    if isinstance(data, Tensor):
        arr = data._data
        target = arr.dtype
    elif isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)             # numpy scalars keep their dtype, as in torch
        target = dtypes.from_numpy(arr.dtype).numpy
        _check_strides(arr)
    else:
        leaves = set()
        nested = _unwrap_nested(data, 0, leaves)
        arr = np.array(nested)
        if arr.dtype.kind in "fuO" and int in leaves and float not in leaves and \
                _any_leaf(_int64_overflow, nested):
            # numpy made uint64, float64 or object of Python ints beyond int64
            raise ValueError(messages.INT64_OVERFLOW)
        if arr.dtype.kind in "US":
            raise TypeError(messages.tensor_data_type("str"))
        if arr.dtype.kind == "c":
            raise TypeError(messages.COMPLEX_UNSUPPORTED)
        if arr.dtype == object:
            raise TypeError(f"Could not infer dtype of {type(data).__name__}")
        if leaves <= _PYTHON_LEAVES:
            target = _infer_dtype(arr)
        else:
            found = [_leaf_dtype(leaf) for leaf in leaves]
            result = found[0]
            for d in found[1:]:
                result = dtypes.promote_types(result, d)
            target = result.numpy
    python_data = not isinstance(data, (Tensor, np.ndarray, np.generic))
    if dtype is not None:
        target = dtypes.to_dtype(dtype, "tensor").numpy
        if python_data:
            _check_int_range(arr, np.dtype(target))
    # (quiet: float32 overflow is inf, silently, as torch casts)
    return _finish(quiet(np.array, arr, target), requires_grad)


def _check_int_range(arr, target):
    """torch converts each Python number of the data to an integer dtype with a
    range check (numpy and Tensor data are cast without one)."""
    if target.kind not in "iu" or arr.dtype.kind not in "fiub" or not arr.size:
        return
    info = np.iinfo(target)
    with np.errstate(invalid="ignore"):
        ok = bool(np.isfinite(arr).all()) and arr.min() >= info.min and arr.max() <= info.max
    if not ok:
        raise RuntimeError(messages.scalar_overflow(target.name))


def _int64_overflow(v):
    return type(v) is int and not -2 ** 63 <= v < 2 ** 63


def _any_leaf(pred, nested):
    if isinstance(nested, list):
        return any(_any_leaf(pred, n) for n in nested)
    return pred(nested)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype is dtypes.to_dtype(dtype)):
        return data
    if isinstance(data, np.ndarray) and dtype is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor sharing ``ndarray``'s memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy(ndarray.dtype)
    _check_strides(ndarray)
    return _wrap(ndarray)


def _check_strides(arr):
    """torch takes an ndarray's memory only with non-negative strides in whole
    elements, and refuses the others (from_numpy, tensor, as_tensor alike)."""
    strides = arr.strides
    if strides:
        itemsize = arr.itemsize
        for s in strides:
            if s % itemsize:
                raise ValueError(messages.FROM_NUMPY_STRIDES_NOT_MULTIPLE)
        for s in strides:
            if s < 0:
                raise ValueError(messages.FROM_NUMPY_NEGATIVE_STRIDES)


def _filled(size, value, dtype, requires_grad, device, default=None, fname=None):
    check_device(device)
    np_dtype = dtypes.to_dtype(dtype, fname).numpy if dtype is not None else (
        default if default is not None else dtypes.get_default_dtype().numpy)
    shape = _size(size, fname)
    if value is None:
        arr = np.empty(shape, np_dtype)
    else:
        from .ops.pointwise import _scalar_as       # torch's overflow checks
        arr = np.full(shape, _scalar_as(value, np.dtype(np_dtype)), np_dtype)
    return _finish(arr, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _filled(size, 0, dtype, requires_grad, device, fname="zeros")


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _filled(size, 1, dtype, requires_grad, device, fname="ones")


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, memory_format=None):
    return _filled(size, None, dtype, requires_grad, device, fname="empty")


def _fill_value(fname, value):
    """torch's Number argument: a real number or a one-element tensor."""
    if isinstance(value, Tensor) and value._data.ndim == 0:
        return value.item()
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError(messages.COMPLEX_UNSUPPORTED)
    if not isinstance(value, (numbers.Real, np.bool_)):
        raise TypeError(messages.must_be(fname, "fill_value", "Number", value, 2))
    if _int64_overflow(value):
        raise OverflowError(messages.INT_TOO_BIG)
    return value


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    fill_value = _fill_value("full", fill_value)
    default = None
    if isinstance(fill_value, (bool, np.bool_)):
        default = np.dtype(np.bool_)
    elif isinstance(fill_value, numbers.Integral):
        default = np.dtype(np.int64)
    return _filled((size,) if isinstance(size, int) else (tuple(size),), fill_value, dtype,
                   requires_grad, device, default)


def _like(input, value, dtype, requires_grad, device, fname):
    if not isinstance(input, Tensor):
        raise TypeError(messages.arg_must_be(fname, "input", 1, input))
    d = dtype if dtype is not None else input.dtype
    return _filled(input.shape, value, d, requires_grad, device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(input, 0, dtype, requires_grad, device, "zeros_like")


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(input, 1, dtype, requires_grad, device, "ones_like")


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(input, None, dtype, requires_grad, device, "empty_like")


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              memory_format=None):
    if not isinstance(input, Tensor):
        raise TypeError(messages.arg_must_be("full_like", "input", 1, input))
    return _like(input, _fill_value("full_like", fill_value), dtype, requires_grad, device,
                 "full_like")


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    if end is None:
        start, end = 0, _arange_number(start, "end", 1)
    else:
        start, end = _arange_number(start, "start", 1), _arange_number(end, "end", 2)
    step = _arange_number(step, "step", 3)
    if dtype is None:
        ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        np_dtype = np.dtype(np.int64) if ints else dtypes.get_default_dtype().numpy
    else:
        np_dtype = dtypes.to_dtype(dtype, "arange").numpy
    if np_dtype.kind == "b":
        raise NotImplementedError(messages.not_implemented_kernel("arange_cpu", "Bool"))
    if not (step > 0 or step < 0):
        raise RuntimeError(messages.ARANGE_STEP)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(messages.arange_range(start, end))
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError(messages.ARANGE_SIGN)
    if math.ceil((end - start) / step) <= 0:         # (an infinite step: torch's size is 0)
        return _finish(np.empty(0, np_dtype), requires_grad)
    return _finish(np.arange(start, end, step).astype(np_dtype), requires_grad)


def _arange_number(v, arg, position):
    if isinstance(v, Tensor) and v._data.ndim == 0:
        return v.item()
    if isinstance(v, (complex, np.complexfloating)):
        raise TypeError(messages.COMPLEX_UNSUPPORTED)
    if not isinstance(v, (numbers.Real, np.bool_)):
        raise TypeError(messages.must_be("arange", arg, "Number", v, position))
    if _int64_overflow(v):
        raise OverflowError(messages.INT_TOO_BIG)
    return v


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    ok = [isinstance(v, (numbers.Real, np.bool_)) or (isinstance(v, Tensor) and v._data.ndim == 0)
          for v in (start, end)]
    if not (all(ok) and isinstance(steps, numbers.Integral)):
        got = ", ".join("Tensor" if isinstance(v, Tensor) else messages._type_name(v)
                        for v in (start, end, steps))
        raise TypeError(messages.linspace_arguments(f"({got})"))
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    return _finish(_linspace_values(start, end, steps, _float_dtype(dtype)), requires_grad)


def _linspace_values(start, end, steps, dt):
    """torch's CPU linspace in the result's precision (kernels: linspace_fill);
    integer results are the float64 values truncated, as torch's are."""
    dt = np.dtype(dt)
    if steps < 0:
        raise RuntimeError(messages.LINSPACE_NEGATIVE_STEPS)
    if steps <= 1:
        return np.full(steps, start, dt)
    t = dt.type if dt.kind == "f" else np.float64
    if dt.kind != "f":              # torch converts the ends to the integer type first
        start, end = int(start), int(end)
    lo, hi = t(start), t(end)
    out = np.empty(steps, t)
    linspace_fill(out, lo, hi, (hi - lo) / t(steps - 1))
    return out.astype(dt, copy=False)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


# --------------------------------------------------------------- random
# The generator and the random factories live in jitgrad/random.py (torch's
# mt19937 stream, bit for bit); their old names here still work.

def __getattr__(name):
    from . import random
    if name in random.__all__:
        return getattr(random, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
