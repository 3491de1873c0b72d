"""kthvalue, median/nanmedian (global and along a dim), mode,
quantile/nanquantile, unique and unique_consecutive.

Forwards are numpy calls on the input with the reduced dim moved last
(rows of a (M, n) array). The indices follow torch's CPU kernels: median and
nanmedian take the stable order's position (torch's nth_element breaks ties
by index; a row holding a NaN gives its first NaN for median), mode the
smallest most frequent value and its last position, kthvalue torch's
quickselect (run in Python only for the rows where the k-th value is tied).

Backward: the dim forms put the gradient back at the indices
(value_selecting_reduction_backward: Kthvalue/Median/Nanmedian/ModeBackward),
the global median spreads it evenly over the entries equal to the result
(evenly_distribute_backward), quantile (a composite in torch, whose last node
is SqueezeBackward4) sends each output's gradient to the one or two sorted
entries it interpolates. Formulas run over Tensors (ops/scatter.py's
FormulaNode), so double backward is recorded too.
"""
import numpy as np

from .. import messages, return_types
from ..autograd.graph import Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from .scatter import _record, formula_node
from .shape_ops import _int_arg
from .shapes import normalize_dim

_new_tuple = tuple.__new__


def _rows(a, d):
    """``a`` with dim ``d`` moved last, as (M, n) rows (a copy only if needed),
    and the shape of the result without that dim."""
    w = a.reshape(1) if a.ndim == 0 else a
    moved = np.moveaxis(w, d, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape[:-1]


def _out_shape(a, d, keepdim):
    if a.ndim == 0:
        return ()
    s = list(a.shape)
    if keepdim:
        s[d] = 1
    else:
        del s[d]
    return tuple(s)


def _no_bool(kernel, a):
    if a.dtype == np.bool_:
        raise NotImplementedError(messages.not_implemented_for(kernel, "Bool"))


def _check_nonempty(fname, a, d):
    if a.ndim and a.shape[d] == 0:
        raise IndexError(messages.reduction_dim_empty(fname, d))


# ------------------------------------------------------------------ value-selecting reductions


def _select_grad(node, grad, d, indices, shape, keepdim):
    from .shape_ops import scatter_add_zeros
    if not shape:
        return (grad.reshape(()),)
    if not keepdim:
        grad = grad.unsqueeze(d)
        indices = indices.unsqueeze(d)
    return (scatter_add_zeros(grad, d, indices, shape),)


_SELECT_NODES = {name: formula_node(name, _select_grad) for name in (
    "KthvalueBackward0", "MedianBackward1", "NanmedianBackward1", "ModeBackward0")}


def _finish(x, values, idx, d, keepdim, node_name, kind):
    a = x._data
    shape = _out_shape(a, d, keepdim)
    values = np.ascontiguousarray(values, dtype=a.dtype).reshape(shape)
    it = _wrap(np.ascontiguousarray(idx, dtype=np.int64).reshape(shape))
    vt = _record(values, _SELECT_NODES[node_name], (x,), (d, it, a.shape, keepdim))
    return _new_tuple(getattr(return_types, kind), (vt, it))


def _gt_or_nan(x, y):
    return (x != x and y == y) or x > y


def _quickselect(vals, k):
    """torch's quick_select_template on one row: the index it leaves at k."""
    arr = list(vals)
    idx = list(range(len(arr)))

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]

    lo, hi = 0, len(arr) - 1
    while True:
        if hi <= lo:
            return idx[k]
        if hi == lo + 1:
            if _gt_or_nan(arr[lo], arr[hi]):
                swap(lo, hi)
            return idx[k]
        p = lo + (hi - lo) // 2
        swap(p, lo + 1)
        if _gt_or_nan(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if _gt_or_nan(arr[lo], arr[hi]):
            swap(lo, hi)
        if _gt_or_nan(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j = lo + 1, hi
        piv = arr[lo]
        while True:
            i += 1
            while _gt_or_nan(piv, arr[i]):
                i += 1
            j -= 1
            while _gt_or_nan(arr[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


def _same(rows, v):
    eq = rows == v[:, None]
    if rows.dtype.kind == "f":
        eq |= np.isnan(rows) & np.isnan(v)[:, None]
    return eq


def kthvalue(x, k, dim=-1, keepdim=False, position=1):
    """``position``: k's argument position (1 for the method, 2 for torch.kthvalue)."""
    k = _int_arg("kthvalue", "k", position, k)
    dim = _int_arg("kthvalue", "dim", position + 1, dim)
    a = x._data
    d = normalize_dim(dim, a.ndim)
    _no_bool("kthvalue_cpu", a)
    _check_nonempty("kthvalue", a, d)
    n = a.shape[d] if a.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(messages.kthvalue_k_range(d))
    rows, _ = _rows(a, d)
    src = rows.view(np.uint8) if rows.dtype == np.bool_ else rows
    values = np.partition(src, k - 1, axis=1)[:, k - 1]
    eq = _same(src, values)
    idx = np.argmax(eq, axis=1)
    for r in np.flatnonzero(eq.sum(axis=1) > 1):          # ties: torch's quickselect decides
        idx[r] = _quickselect(src[r].tolist(), k - 1)
    if rows.dtype == np.bool_:
        values = values.astype(np.bool_)
    return _finish(x, values, idx, d, keepdim, "KthvalueBackward0", "kthvalue")


def _median_dim(x, dim, keepdim, ignore_nan, position=1):
    fname = "nanmedian" if ignore_nan else "median"
    dim = _int_arg(fname, "dim", position, dim)
    a = x._data
    d = normalize_dim(dim, a.ndim)
    _no_bool("median_out", a)
    _check_nonempty(fname, a, d)
    rows, _ = _rows(a, d)
    order = np.argsort(rows, axis=1, kind="stable")       # NaNs last, ties by index
    n = rows.shape[1]
    if rows.dtype.kind == "f":
        nan = np.isnan(rows)
        count = n - nan.sum(axis=1) if ignore_nan else np.full(rows.shape[0], n)
        pos = np.maximum(count - 1, 0) // 2
        idx = np.take_along_axis(order, pos[:, None], axis=1)[:, 0]
        if not ignore_nan:
            has = nan.any(axis=1)
            idx = np.where(has, np.argmax(nan, axis=1), idx)
    else:
        idx = order[:, (n - 1) // 2]
    values = np.take_along_axis(rows, idx[:, None], axis=1)[:, 0]
    node = "NanmedianBackward1" if ignore_nan else "MedianBackward1"
    return _finish(x, values, idx, d, keepdim, node, fname)


def _evenly_grad(node, grad, x, result):
    value = node.output(result)
    mask = x.isnan() if bool(np.isnan(result).any()) else x == value
    m = mask.to(grad.dtype)
    return (m * (grad / m.sum()),)


_MEDIAN_NODES = {name: formula_node(name, _evenly_grad)
                 for name in ("MedianBackward0", "NanmedianBackward0")}


def _median_all(x, ignore_nan):
    a = x._data
    _no_bool("median_cpu", a)
    flat = a.reshape(-1)
    if flat.dtype.kind == "f":
        valid = flat[~np.isnan(flat)] if ignore_nan else flat
        if valid.size == 0 or (not ignore_nan and np.isnan(valid).any()):
            out = np.array(np.nan, a.dtype)
        else:
            out = np.partition(valid, (valid.size - 1) // 2)[(valid.size - 1) // 2].copy()
    else:
        if flat.size == 0:                 # torch: NaN cast to the integer type
            return _wrap(np.array(np.iinfo(a.dtype).min, a.dtype))
        src = flat.view(np.uint8) if flat.dtype == np.bool_ else flat
        out = np.partition(src, (src.size - 1) // 2)[(src.size - 1) // 2].astype(a.dtype)
    out = np.asarray(out, a.dtype).reshape(())
    name = "NanmedianBackward0" if ignore_nan else "MedianBackward0"
    return _record(out, _MEDIAN_NODES[name], (x,), (x, out), (x,))


def median(x, dim=None, keepdim=False, position=1):
    if dim is None:
        return _median_all(x, False)
    return _median_dim(x, dim, keepdim, False, position)


def nanmedian(x, dim=None, keepdim=False, position=1):
    if dim is None:
        return _median_all(x, True)
    return _median_dim(x, dim, keepdim, True, position)


def mode(x, dim=-1, keepdim=False, position=1):
    dim = _int_arg("mode", "dim", position, dim)
    a = x._data
    d = normalize_dim(dim, a.ndim)
    _check_nonempty("mode", a, d)
    rows, _ = _rows(a, d)
    from .selection import _plan, _sorted_arrays
    m, n = rows.shape
    # torch's mode sorts (value, index) pairs with std::sort: the order of
    # equal values is the one jitgrad's sort kernel reproduces
    if rows.dtype.kind == "f" and bool(np.isnan(rows).any()):
        # torch's std::sort compares with a plain `<`, under which a NaN is unordered
        # (comparator code 2 of the sort kernel; without NaNs the orders agree)
        from ..kernels import sorting as K
        flat = np.ascontiguousarray(rows).reshape(-1)
        s, order = np.empty(flat.size, flat.dtype), np.empty(flat.size, np.int64)
        K.sort_middle_axis(flat, m, n, 1, 2, False, s, order)
    else:
        s, order = _sorted_arrays(rows, _plan(rows.shape, 1), False, False)
    s, order = s.reshape(m, n), order.reshape(m, n)
    start = np.ones(s.shape, np.bool_)
    start[:, 1:] = s[:, 1:] != s[:, :-1]
    end = np.ones(s.shape, np.bool_)
    end[:, :-1] = start[:, 1:]
    ar = np.broadcast_to(np.arange(n), s.shape)
    first = np.maximum.accumulate(np.where(start, ar, 0), axis=1)
    freq = np.where(end, ar - first + 1, 0)
    best = np.argmax(freq, axis=1)[:, None]                # the smallest of the most frequent
    values = np.take_along_axis(s, best, axis=1)[:, 0]
    idx = np.take_along_axis(order, best, axis=1)[:, 0]     # its last position
    return _finish(x, values, idx, d, keepdim, "ModeBackward0", "mode")


# ------------------------------------------------------------------ quantile

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_grad(node, grad, lo, hi, w_lo, w_hi, q_count, shape):
    from .shape_ops import index_add_zeros
    n = 1
    for s in shape:
        n *= s
    g = grad.reshape(q_count, -1)
    out = index_add_zeros((g * w_lo).reshape(-1), 0, lo, (n,))
    if w_hi is not None:
        out = out + index_add_zeros((g * w_hi).reshape(-1), 0, hi, (n,))
    return (out.reshape(shape),)


_QUANTILE_NODE = formula_node("SqueezeBackward4", _quantile_grad)


def quantile(x, q, dim=None, keepdim=False, interpolation="linear", ignore_nan=False,
             method=True):
    from .selection import _plan, _sorted_arrays
    fname = "nanquantile" if ignore_nan else "quantile"
    a = x._data
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(messages.quantile_input_dtype(fname))
    if isinstance(q, Tensor):
        qa = q._data
        if qa.ndim > 1:
            raise RuntimeError(messages.quantile_q_dim(fname))
        if qa.dtype != a.dtype:
            raise RuntimeError(messages.quantile_q_dtype(fname))
        q_list = qa.reshape(-1)
        q_vector = qa.ndim == 1
    elif isinstance(q, (int, float, np.integer, np.floating)) and not isinstance(q, bool):
        q_list = np.array([q], a.dtype)
        q_vector = False
    else:
        raise TypeError(messages.quantile_arguments(fname, q, method))
        q_vector = False
    if a.size == 0:
        raise RuntimeError(messages.quantile_empty(fname))
    for v in q_list.tolist():
        if not 0 <= v <= 1:
            raise RuntimeError(messages.quantile_q_range(fname, v))
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(messages.quantile_interpolation(fname, interpolation))
    if dim is None:
        w = a.reshape(-1)
        pos_map = np.arange(a.size, dtype=np.int64)
        red_shape = (1,) * a.ndim if keepdim else ()
        rows_shape = (1, a.size)
    else:
        d = normalize_dim(dim, a.ndim)
        w = np.moveaxis(a.reshape(1) if a.ndim == 0 else a, d, -1)
        pos_map = np.moveaxis(np.arange(a.size, dtype=np.int64).reshape(
            a.shape or (1,)), d, -1).reshape(-1, w.shape[-1])
        red_shape = _out_shape(a, d, keepdim)
        rows_shape = (-1, w.shape[-1])
    plan = _plan(w.shape, max(w.ndim - 1, 0))
    sv, si = _sorted_arrays(w, plan, False, False)
    sv = sv.reshape(rows_shape)
    si = si.reshape(rows_shape)
    pos_map = pos_map.reshape(rows_shape)
    n = sv.shape[1]
    nan = np.isnan(sv)
    dt = a.dtype.type
    qv = q_list.astype(a.dtype).reshape(-1, 1)                # (Q, 1) against (M,) rows
    if ignore_nan:
        last = (n - nan.sum(axis=1) - 1).astype(a.dtype)
        ranks = qv * last
        ranks = np.where(ranks < 0, dt(0), ranks)
    else:
        ranks = qv * dt(n - 1)
        ranks = np.where(nan.any(axis=1), dt(n - 1), ranks)
    ranks = ranks.astype(a.dtype)
    below = np.floor(ranks).astype(np.int64)
    above = np.ceil(ranks).astype(np.int64)
    rix = np.arange(sv.shape[0])
    w_hi = None
    if interpolation in ("linear", "midpoint"):
        weights = (ranks - below).astype(a.dtype) if interpolation == "linear" else \
            np.full(ranks.shape, 0.5, a.dtype)
        vb, va = sv[rix, below], sv[rix, above]
        with np.errstate(all="ignore"):          # inf - inf: nan, silently as torch's lerp
            diff = va - vb
            out = np.where(weights < 0.5, vb + weights * diff, va - diff * (dt(1) - weights))
        w_lo, w_hi = (dt(1) - weights).astype(a.dtype), weights
    else:
        pick = below if interpolation == "lower" else above if interpolation == "higher" else \
            np.round(ranks).astype(np.int64)
        out = sv[rix, pick]
        below = pick
        w_lo = np.ones(ranks.shape, a.dtype)
    out = np.ascontiguousarray(out, dtype=a.dtype)
    out = out.reshape(((len(q_list),) if q_vector else ()) + red_shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    orig = np.take_along_axis(pos_map, si, axis=1)           # sorted position -> input position
    lo = _wrap(orig[rix, below].reshape(-1))
    hi = _wrap(orig[rix, above].reshape(-1)) if w_hi is not None else None
    saved = (lo, hi, _wrap(w_lo), None if w_hi is None else _wrap(w_hi), len(q_list), a.shape)
    return _record(out, _QUANTILE_NODE, (x,), saved)


# ------------------------------------------------------------------ unique


class _NoDerivative(Node):
    __slots__ = ()
    op = None

    def apply(self, grad):
        raise NotImplementedError(messages.derivative_not_implemented(type(self).op))

    apply_graph = apply


_UNIQUE_NODES = {
    name: node_class(name, _NoDerivative, op=op) for name, op in (
        ("Unique2Backward0", "_unique2"), ("UniqueDimBackward0", "unique_dim"),
        ("UniqueConsecutiveBackward0", "unique_consecutive"))}


def _unique_output(x, out, node_name):
    t = _wrap(out)
    if x._requires_grad and grad_state.enabled and out.dtype.kind == "f":
        t = _wrap_result(out, _UNIQUE_NODES[node_name]((edge(x),), ()))
    return t


def _pack(values, inverse, counts, return_inverse, return_counts):
    if not (return_inverse or return_counts):
        return values
    out = [values]
    if return_inverse:
        out.append(_wrap(np.ascontiguousarray(inverse, dtype=np.int64)))
    if return_counts:
        out.append(_wrap(np.ascontiguousarray(counts, dtype=np.int64)))
    return tuple(out)


def _key_rows(a, d):
    """Slices of ``a`` along ``d`` as rows of a 2-d array (for unique over a dim)."""
    moved = np.moveaxis(a, d, 0)
    width = int(np.prod(moved.shape[1:]))
    return moved.reshape(moved.shape[0], width), moved


def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    a = x._data
    if dim is None:
        flat = a.reshape(-1)
        values, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True,
                                            equal_nan=False)
        inverse = inverse.reshape(a.shape)
        node = "Unique2Backward0"
    else:
        d = normalize_dim(dim, a.ndim)
        rows, moved = _key_rows(a, d)
        if rows.shape[0] == 0:
            empty = np.zeros(0, np.int64)
            values = _unique_output(x, a.copy(), "UniqueDimBackward0")
            return _pack(values, empty, empty, return_inverse, return_counts)
        # rows sorted lexicographically (torch's unique_dim), equal rows merged
        order = np.lexsort(rows.T[::-1]) if rows.shape[1] else \
            np.arange(rows.shape[0], dtype=np.int64)
        s = rows[order]
        new = np.ones(len(s), np.bool_)
        new[1:] = (s[1:] != s[:-1]).any(axis=1)
        group = np.cumsum(new) - 1
        inverse = np.empty(len(s), np.int64)
        inverse[order] = group
        counts = np.diff(np.append(np.flatnonzero(new), len(s)))
        values = np.moveaxis(moved[order[new]], 0, d)
        node = "UniqueDimBackward0"
    values = _unique_output(x, np.ascontiguousarray(values, dtype=a.dtype), node)
    return _pack(values, inverse, counts, return_inverse, return_counts)


def unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    a = x._data
    if dim is None:
        flat = a.reshape(-1)
        new = np.ones(flat.size, np.bool_)
        new[1:] = flat[1:] != flat[:-1]
        values = flat[new]
        inverse = (np.cumsum(new) - 1).reshape(a.shape)
    else:
        d = normalize_dim(dim, a.ndim)
        rows, moved = _key_rows(a, d)
        new = np.ones(rows.shape[0], np.bool_)
        new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        values = np.moveaxis(moved[new], 0, d)
        inverse = np.cumsum(new) - 1
    counts = np.diff(np.append(np.flatnonzero(new), new.size))
    values = _unique_output(x, np.ascontiguousarray(values, dtype=a.dtype),
                            "UniqueConsecutiveBackward0")
    return _pack(values, inverse, counts, return_inverse, return_counts)
