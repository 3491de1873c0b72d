"""``at(x, i)``: element ``i`` of a flat array, or ``x`` itself for a scalar.

Lets one elementwise kernel serve array-array, array-scalar and
scalar-array calls; Numba resolves the branch at compile time, so the
array-array loop still vectorises.
"""
from numba import types
from numba.extending import overload


def at(x, i):
    raise NotImplementedError("at() is only callable from @njit code")


@overload(at, inline="always")
def _at_overload(x, i):
    if isinstance(x, types.Array):
        return lambda x, i: x[i]
    return lambda x, i: x
