"""Shape logic, memoised per shape: broadcasting, dim normalisation and
reduction plans. Computing these per call costs microseconds; a dict hit
costs tens of nanoseconds."""
import math
import numbers

import numpy as np

from .. import messages, parallel
from ..kernels.reductions import repeat_middle_axis, sum_middle_axis
from ..parallel import ELEMENTWISE_MIN as _PAR_MIN
from ..parallel import REDUCTION_MIN as _REDUCTION_MIN

_broadcast_cache = {}


def broadcast_shape(a, b):
    key = (a, b)
    r = _broadcast_cache.get(key)
    if r is None:
        n = max(len(a), len(b))
        pa = (1,) * (n - len(a)) + a
        pb = (1,) * (n - len(b)) + b
        # torch checks from the last dim backwards and names the first clash it meets
        for i in range(n - 1, -1, -1):
            x, y = pa[i], pb[i]
            if x != y and x != 1 and y != 1:
                raise RuntimeError(messages.broadcast_mismatch(x, y, i))
        r = _broadcast_cache[key] = tuple(y if x == 1 else x for x, y in zip(pa, pb))
    return r


def normalize_dim(dim, ndim):
    # torch lets a 0-d tensor be indexed by dim 0 and -1
    n = max(ndim, 1)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if dim < -n or dim >= n:
        raise IndexError(messages.dim_out_of_range(dim, ndim))
    return dim % n


def is_int(v):
    """An int argument as torch's parser takes it (Python and numpy integers;
    not a bool, not 1.0)."""
    return type(v) is int or (isinstance(v, numbers.Integral) and not isinstance(v, bool))


def int_arg(v):
    """``v`` as an int where torch's parser takes an int (``is_int``, or a
    one-element integer tensor), else None."""
    if is_int(v):
        return int(v)
    a = getattr(v, "_data", None)
    if isinstance(a, np.ndarray) and a.ndim == 0 and a.dtype.kind in "iu":
        return int(a)
    return None


def int_dim(fname, arg, position, v):
    """``v`` checked as torch's ``int dim`` argument, before a memo keyed on it
    could take True or 1.0 for 1."""
    if not is_int(v):
        raise TypeError(messages.must_be(fname, arg, "int", v, position))
    return v


def is_dims(v):
    """None, an int, or a tuple/list of ints: a reduction's ``dim``."""
    return v is None or is_int(v) or (isinstance(v, (tuple, list)) and all(is_int(d) for d in v))


def normalize_dims(dim, ndim):
    """``dim`` (None, int, or sequence) -> sorted tuple of distinct dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        d = normalize_dim(dim, ndim)
        return (d,) if ndim else ()
    dims = []
    for d in dim:
        nd = normalize_dim(d, ndim)
        if nd in dims:
            raise RuntimeError(messages.dim_repeated(nd))
        dims.append(nd)
    if ndim == 0:
        return ()
    return tuple(sorted(dims))


class ReducePlan:
    """How to reduce a C-contiguous array of ``shape`` over ``dims``.

    ``steps`` is a list of (A, R, B) views, reduced one after another by
    ``sum_middle_axis`` (adjacent reduced dims are merged, so the common
    cases take one step); ``out_shape`` keeps or drops the reduced dims.
    """
    __slots__ = ("steps", "out_shape", "kept_shape", "count")

    def __init__(self, shape, dims, keepdim):
        self.count = math.prod([shape[d] for d in dims])
        self.kept_shape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        self.out_shape = self.kept_shape if keepdim else tuple(
            s for i, s in enumerate(shape) if i not in dims)
        # merge runs of (reduced?, size) groups, skipping size-1 dims
        groups = []
        for i, s in enumerate(shape):
            if s == 1:
                continue
            red = i in dims
            if groups and groups[-1][0] == red:
                groups[-1][1] *= s
            else:
                groups.append([red, s])
        sizes = [s for _, s in groups]
        steps = []
        # reduce from the right so the sizes to the left stay valid
        for k in range(len(groups) - 1, -1, -1):
            if groups[k][0]:
                a = math.prod(sizes[:k])
                b = math.prod(sizes[k + 1:])
                steps.append((a, sizes[k], b))
                sizes[k] = 1
        self.steps = steps


_reduce_cache = {}


def reduce_plan(shape, dims, keepdim):
    key = (shape, dims, keepdim)
    p = _reduce_cache.get(key)
    if p is None:
        p = _reduce_cache[key] = ReducePlan(shape, dims, keepdim)
    return p


_ZERO_FLOAT = np.float64(0)
_ZERO_INT = np.int64(0)


def reduce_sum(x, plan, out_dtype=None):
    """Sum of ``x`` (any layout) per ``plan``, as a new array of plan.out_shape."""
    if out_dtype is None:
        out_dtype = x.dtype
    steps = plan.steps
    if not steps:
        return x.astype(out_dtype, copy=True).reshape(plan.out_shape)
    zero = _ZERO_FLOAT if out_dtype.kind == "f" else _ZERO_INT
    cur = x if x.ndim == 1 else x.ravel()
    for a, r, b in steps:
        out = np.empty(a * b, dtype=out_dtype)
        if cur.size < _REDUCTION_MIN:
            sum_middle_axis(cur, a, r, b, out, zero)
        else:
            parallel.sum_middle_axis(cur, a, r, b, out, zero)
        cur = out
    return cur.reshape(plan.out_shape)


def repeat_to(g, plan, shape):
    """Adjoint of ``reduce_sum``: broadcast ``g`` (plan.out_shape) back to ``shape``."""
    cur = g if g.ndim == 1 else g.ravel()
    for a, r, b in reversed(plan.steps):
        out = np.empty(a * r * b, dtype=g.dtype)
        if out.size < _PAR_MIN:
            repeat_middle_axis(cur, a, r, b, out)
        else:
            parallel.repeat_middle_axis(cur, a, r, b, out)
        cur = out
    return cur if len(shape) == 1 else cur.reshape(shape)


_sum_to_cache = {}


def sum_to_shape(g, shape):
    """Reduce a broadcast gradient ``g`` back to an input's ``shape``."""
    gshape = g.shape
    if gshape == shape:
        return g
    key = (gshape, shape)
    plan = _sum_to_cache.get(key)
    if plan is None:
        lead = len(gshape) - len(shape)
        dims = tuple(i for i in range(len(gshape))
                     if i < lead or (shape[i - lead] == 1 and gshape[i] != 1))
        plan = _sum_to_cache[key] = reduce_plan(gshape, dims, True)
    return reduce_sum(g, plan).reshape(shape)
