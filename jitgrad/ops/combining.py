"""meshgrid, cartesian_prod, repeat_interleave, tensor_split, movedim and
atleast_1d/2d/3d (torch's composites, recorded by the ops they are made of:
ExpandBackward0, StackBackward0, ViewBackward0/IndexSelectBackward0,
SliceBackward0, PermuteBackward0, UnsqueezeBackward0/ViewBackward0), and
bincount, histc, searchsorted and bucketize (integer results or no
gradient; one numpy call each).
"""
import warnings

import numpy as np

from .. import dtypes, messages
from ..tensor import Tensor, _wrap
from .shapes import is_int, normalize_dim


# ------------------------------------------------------------------ meshgrid / cartesian_prod


def _tensor_list(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def meshgrid(*tensors, indexing=None):
    ts = _tensor_list(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(messages.meshgrid_indexing(indexing))
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError(messages.meshgrid_dims(t))
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(messages.MESHGRID_DTYPE)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = [t._data.size for t in ts]
    grids = []
    for i, t in enumerate(ts):
        shape = [1] * len(ts)
        shape[i] = -1
        grids.append(t.reshape(*shape).expand(*sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    from ..functions import stack
    ts = _tensor_list(tensors)
    for t in ts:
        if t._data.ndim != 1:
            raise RuntimeError(messages.cartesian_prod_1d(t._data.shape))
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return stack([g.flatten() for g in grids], 1)


# ------------------------------------------------------------------ repeat_interleave


def _repeats_index(repeats, output_size=None):
    r = repeats._data
    if r.ndim > 1 or r.dtype.kind not in "iu":
        raise RuntimeError(messages.REPEATS_1D)
    r = r.reshape(-1).astype(np.int64)
    if r.size and r.min() < 0:
        raise RuntimeError(messages.REPEATS_NEGATIVE)
    total = int(r.sum())
    if output_size is not None and output_size != total:
        raise RuntimeError(messages.repeat_output_size(total, output_size))
    return np.repeat(np.arange(r.size, dtype=np.int64), r)


def repeat_interleave(x, repeats=None, dim=None, *, output_size=None):
    if repeats is None:                         # torch.repeat_interleave(repeats)
        return _wrap(_repeats_index(x, output_size))
    if dim is None:
        x = x.flatten()
        d = 0
    else:
        d = normalize_dim(dim, x._data.ndim)
        if x._data.ndim == 0:
            raise IndexError(messages.dim_out_of_range(d + 1, 0))
    n = x._data.shape[d]
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.ndim <= 1 and r.size == 1 and n != 1:
            repeats = _wrap(np.broadcast_to(r.reshape(1), (n,)))
        elif r.reshape(-1).size != n:
            raise RuntimeError(messages.repeats_size(r.size, d, n))
        idx = _repeats_index(repeats, output_size)
        return x.index_select(d, _wrap(idx))
    r = int(repeats)
    if r < 0:
        raise RuntimeError(messages.REPEATS_NONNEGATIVE)
    if output_size is not None and output_size != n * r:
        raise RuntimeError(messages.repeat_output_size(n * r, output_size))
    shape = list(x._data.shape)
    exp = shape[:d + 1] + [r] + shape[d + 1:]
    out = x.unsqueeze(d + 1).expand(*exp).clone()
    return out.reshape(*(shape[:d] + [n * r] + shape[d + 1:]))


# ------------------------------------------------------------------ tensor_split


def tensor_split(x, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None, method=True):
    """torch's three overloads: ``sections`` (int), ``indices`` (ints) or a tensor of
    either, by position as ``indices_or_sections``."""
    for v in (sections, indices, tensor_indices_or_sections):
        if v is not None:
            indices_or_sections = v
    a = x._data
    if a.ndim == 0:
        raise RuntimeError(messages.TENSOR_SPLIT_0D)
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios._data.dtype != np.int64:
            raise RuntimeError(messages.tensor_split_tensor_dtype(
                dtypes.from_numpy(ios._data.dtype)._torch_name))
        if ios._data.ndim == 0:
            ios = int(ios._data)
        else:
            ios = [int(v) for v in ios._data.reshape(-1)]
    if is_int(ios):
        sections = int(ios)
        if sections <= 0:
            raise RuntimeError(messages.tensor_split_sections(sections))
        q, rem = divmod(n, sections)
        bounds, start = [], 0
        for i in range(sections):
            size = q + (1 if i < rem else 0)
            bounds.append((start, start + size))
            start += size
    elif isinstance(ios, (list, tuple)) and all(is_int(v) for v in ios):
        idx = [int(v) for v in ios]
        bounds = list(zip([0] + idx, idx + [None]))
    else:
        raise TypeError(messages.tensor_split_args(ios, method))
    out = []
    for lo, hi in bounds:
        out.append(x[(slice(None),) * d + (slice(lo, hi),)])
    return tuple(out)


# ------------------------------------------------------------------ movedim / atleast_nd


def _dims(v):
    return [int(v)] if is_int(v) else [int(k) for k in v]


def movedim(x, source, destination):
    nd = x._data.ndim
    src, dst = _dims(source), _dims(destination)
    if len(src) != len(dst):
        raise RuntimeError(messages.movedim_count(src, dst))
    s = [normalize_dim(k, nd) for k in src]
    t = [normalize_dim(k, nd) for k in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(messages.movedim_repeated("source", src))
    if len(set(t)) != len(t):
        raise RuntimeError(messages.movedim_repeated("destination", dst))
    if nd == 0:
        return x[...]                      # torch: an alias (AliasBackward0)
    order = [k for k in range(nd) if k not in s]
    perm = [None] * nd
    for a, b in zip(s, t):
        perm[b] = a
    rest = iter(order)
    perm = [p if p is not None else next(rest) for p in perm]
    return x.permute(*perm)


def _atleast(nd, tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast_one(nd, t) for t in tensors[0])
    if len(tensors) == 1:
        return _atleast_one(nd, tensors[0])
    return tuple(_atleast_one(nd, t) for t in tensors)


def _atleast_one(nd, t):
    n = t._data.ndim
    if n >= nd:
        return t
    if n == 0:
        return t.reshape(*([1] * nd))
    if nd == 2:
        return t.unsqueeze(0)
    return t.unsqueeze(0).unsqueeze(-1) if n == 1 else t.unsqueeze(-1)


def atleast_1d(*tensors):
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    return _atleast(3, tensors)


# ------------------------------------------------------------------ counting and binning


def bincount(x, weights=None, minlength=0):
    a = x._data
    if minlength < 0:
        raise RuntimeError(messages.BINCOUNT_MINLENGTH)
    if a.dtype.kind not in "iu":
        if a.ndim == 1:
            raise NotImplementedError(messages.not_implemented_for(
                "bincount_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError(messages.BINCOUNT_INPUT)
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != a.shape[0]:
        raise RuntimeError(messages.BINCOUNT_WEIGHTS)
    dt = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(np.bincount(a, w.astype(np.float64), minlength=minlength).astype(dt))


def histc(x, bins=100, min=0, max=0):  # noqa: A002  (torch's names)
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "histogram_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    if bins <= 0:
        raise RuntimeError(messages.histc_bins(bins))
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError(messages.HISTC_RANGE)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    # torch's linspace in the input's dtype: from the start below halfway, from the end above
    dt = a.dtype.type
    start, end = dt(lo), dt(hi)
    step = (end - start) / dt(bins)
    i = np.arange(bins + 1)
    half = (bins + 1) // 2
    edges = np.where(i < half, start + step * i.astype(a.dtype),
                     end - step * (bins - i).astype(a.dtype)).astype(a.dtype)
    flat = a.reshape(-1)
    flat = flat[(flat >= edges[0]) & (flat <= edges[-1])]
    counts, _ = np.histogram(flat, edges)
    return _wrap(counts.astype(a.dtype))


def _side(right, side):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(messages.searchsorted_side(side))
        if right and side == "left":
            raise RuntimeError(messages.SEARCHSORTED_OPPOSITES)
        return side
    return "right" if right else "left"


def _search(b, v, right, sorter):
    """torch's binary search of each value of ``v`` (rows matching ``b``'s rows):
    lower bound ``!(b[mid] >= v)``, upper bound ``!(b[mid] > v)`` move right, so a
    NaN on either side moves right, as in torch (numpy's NaN order differs)."""
    rb = b.reshape(-1, b.shape[-1])
    n = rb.shape[1]
    rv = v.reshape(rb.shape[0], -1) if b.ndim > 1 else v.reshape(1, -1)
    rows = np.broadcast_to(np.arange(rb.shape[0]).reshape(-1, 1), rv.shape)
    lo = np.zeros(rv.shape, np.int64)
    hi = np.full(rv.shape, n, np.int64)
    srt = None if sorter is None else sorter.reshape(rb.shape).astype(np.int64)
    with np.errstate(invalid="ignore"):
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            at = np.minimum(mid, n - 1)
            if srt is not None:
                at = srt[rows, at]
            bm = rb[rows, at]
            go = ~(bm > rv) if right else ~(bm >= rv)
            lo = np.where(active & go, mid + 1, lo)
            hi = np.where(active & ~go, mid, hi)
    return lo.reshape(v.shape)


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None,
                 sorter=None):
    b = sorted_sequence._data
    scalar = not isinstance(values, Tensor)
    v = np.asarray(values) if scalar else values._data
    s = _side(right, side)
    if b.ndim == 0:
        raise RuntimeError(messages.SEARCHSORTED_0D)
    if sorter is not None and sorter._data.shape != b.shape:
        raise RuntimeError(messages.searchsorted_sorter(b.shape, sorter._data.shape))
    if scalar and b.ndim != 1:
        raise RuntimeError(messages.searchsorted_scalar(b.ndim))
    if b.ndim != 1 and b.shape[:-1] != v.shape[:-1]:
        raise RuntimeError(messages.searchsorted_shapes(b.shape, v.shape))
    dt = np.int32 if out_int32 else np.int64
    out = _search(b, v, s == "right", None if sorter is None else sorter._data)
    return _wrap(np.asarray(out, dt))


def bucketize(x, boundaries, *, out_int32=False, right=False):
    if boundaries._data.ndim != 1:
        raise RuntimeError(messages.bucketize_dims(boundaries._data.ndim))
    return searchsorted(boundaries, x, out_int32=out_int32, right=right)
