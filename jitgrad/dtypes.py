"""jitgrad's dtypes and torch's type-promotion rules.

Each ``dtype`` wraps a numpy dtype. Promotion follows torch's
``result_type``: operands fall into three priority groups (tensors with
dims, zero-dim tensors, Python scalars) and a lower group only changes the
result when it brings a higher category (bool < integer < floating). A
Python float against an integer tensor gives the default float dtype.
"""
import builtins

import numpy as np


class dtype:
    __slots__ = ("name", "numpy", "is_floating_point", "itemsize", "_rank", "_torch_name",
                 "_c_name")

    def __init__(self, name, np_type, rank, torch_name, c_name):
        self.name = name
        self.numpy = np.dtype(np_type)
        self.is_floating_point = self.numpy.kind == "f"
        self.itemsize = self.numpy.itemsize
        self._rank = rank
        self._torch_name = torch_name      # torch's ScalarType name, as messages print it
        self._c_name = c_name              # the C type name other messages print

    def __repr__(self):
        return "jitgrad." + self.name

    def __reduce__(self):
        return self.name


bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 2, "Long", "long int")
float32 = dtype("float32", np.float32, 3, "Float", "float")
float64 = dtype("float64", np.float64, 4, "Double", "double")

ALL = (bool_, int32, int64, float32, float64)
_BY_NUMPY = {d.numpy: d for d in ALL}
_BY_RANK = {d._rank: d for d in ALL}
ALIASES = {"float": float32, "double": float64, "long": int64, "int": int32}

_default_float = float32


def get_default_dtype():
    return _default_float


def set_default_dtype(d):
    global _default_float
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d
    _result_cache.clear()
    for forget in _on_default_change:
        forget()


# caches elsewhere that depend on the default dtype register their clear() here
_on_default_change = []


def from_numpy(np_dtype):
    """The jitgrad dtype of a numpy dtype; TypeError for dtypes jitgrad lacks."""
    d = _BY_NUMPY.get(np_dtype)
    if d is None:
        d = _BY_NUMPY.get(np.dtype(np_dtype))
        if d is None:
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. "
                "The only supported types are: float64, float32, int64, int32, and bool.")
    return d


def to_dtype(d, fname=None):
    """A ``dtype`` argument: a jitgrad dtype or a Python type (as in torch, float
    is float64, int is int64); anything else is torch's TypeError."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    from .messages import dtype_argument
    raise TypeError(dtype_argument(fname, d))


def _category(d):
    return 2 if d.is_floating_point else (0 if d is bool_ else 1)


def promote_types(a, b):
    # for bool, int32, int64, float32, float64 torch's table is the max by rank
    return a if a._rank >= b._rank else b


def _combine(higher, lower):
    # torch's combine_categories: a lower-priority group only matters when it is
    # of a higher category than everything above it
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


_GROUP_DIM, _GROUP_ZERO, _GROUP_SCALAR = 0, 1, 2
_result_cache = {}


def scalar_dtype(value):
    """The dtype a Python or numpy scalar takes as an operand: torch wraps it as
    a number, so integers count as int64 and floats (and, as torch does,
    numpy bools) as the default float dtype."""
    if isinstance(value, builtins.bool):
        return bool_
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    return _default_float


def result_type(operands):
    """``operands`` is a tuple of (dtype, group) pairs; memoised on it."""
    r = _result_cache.get(operands)
    if r is None:
        groups = [None, None, None]
        for d, g in operands:
            groups[g] = d if groups[g] is None else promote_types(groups[g], d)
        r = _combine(groups[0], _combine(groups[1], groups[2]))
        _result_cache[operands] = r
    return r
