"""``quiet(fn, *args)``: one numpy call with its floating-point warnings off
(torch computes inf * 0 or a float32 overflow silently; numpy warns).

``np.errstate`` costs about 1.1 us a use, which a one-op graph notices; on
numpy 2 the same state is one context variable, set and reset here directly
(about 0.2 us), with ``np.errstate`` as the fallback where that variable is
not found.
"""
import numpy as np

try:
    from numpy._core._ufunc_config import _extobj_contextvar
except ImportError:                     # numpy 1.x, or a numpy that moved it
    _extobj_contextvar = None

if _extobj_contextvar is not None:
    with np.errstate(all="ignore"):
        _SILENT = _extobj_contextvar.get()

    def quiet_matmul(a, b):
        """``np.matmul`` without warnings (inlined ``quiet``: it runs per product)."""
        token = _extobj_contextvar.set(_SILENT)
        try:
            return np.matmul(a, b)
        finally:
            _extobj_contextvar.reset(token)

    def quiet(fn, *args):
        token = _extobj_contextvar.set(_SILENT)
        try:
            return fn(*args)
        finally:
            _extobj_contextvar.reset(token)
else:
    def quiet(fn, *args):
        with np.errstate(all="ignore"):
            return fn(*args)

    def quiet_matmul(a, b):
        return quiet(np.matmul, a, b)


# the least magnitude that rounds to inf in float32 (numpy warns on that cast)
_F32_OVERFLOW = 3.4028235677973366e38


def scalar_array(value, dtype):
    """``np.array(value, dtype)`` of a Python number: beyond float32's range
    it is inf, silently, as torch casts."""
    if -_F32_OVERFLOW < value < _F32_OVERFLOW:
        return np.array(value, dtype)
    return quiet(np.array, value, dtype)
