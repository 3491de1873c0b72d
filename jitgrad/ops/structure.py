"""tril/triu (and their in-place forms), tril_indices/triu_indices, flip
(fliplr, flipud) and roll: forward and backward side by side.

All copy (none is a view in torch either). tril/triu keep the entries on
one side of a diagonal of the last two dims, and their gradient is the same
op on the gradient; flip's gradient is the gradient flipped back, roll's
the gradient rolled back. The backward nodes save only the op's arguments
(metadata), as torch's do.
"""
import itertools

import numpy as np

from .. import dtypes, messages
from ..autograd.graph import MetadataNode, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..device import check_device
from ..tensor import _wrap, _wrap_result
from . import inplace as _inplace
from .shape_ops import _int_arg
from .shapes import is_int, normalize_dim


def _record(x, out, node_cls, saved):
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, node_cls((edge(x),), saved))


def _int_list(fname, arg, position, value, allow_int):
    """torch's ``int[]`` argument: a list or tuple of ints (or one int, where
    the signature takes it), as a tuple."""
    if allow_int and is_int(value):
        return (_int_arg(fname, arg, position, value),)
    if not isinstance(value, (list, tuple)):
        raise TypeError(messages.tuple_of_ints(fname, arg, position, value))
    for i, v in enumerate(value):
        if not is_int(v):
            raise TypeError(messages.tuple_of_ints_element(fname, arg, position, v, i))
    return tuple(_int_arg(fname, arg, position, v) for v in value)


# ------------------------------------------------------------------ tril / triu

_masks = {}
_MASK_CACHE_LIMIT = 1 << 16         # elements: small masks are memoised, big ones rebuilt


def _mask(rows, cols, diagonal, upper):
    """Which entries of a (rows, cols) matrix tril (triu) keeps (read-only)."""
    k = min(max(diagonal, -rows), cols)         # beyond these every entry is in or out
    key = (rows, cols, k, upper)
    m = _masks.get(key)
    if m is None:
        # tril keeps column - row <= k, triu column - row >= k
        m = ~np.tri(rows, cols, k - 1, dtype=np.bool_) if upper else \
            np.tri(rows, cols, k, dtype=np.bool_)
        m.flags.writeable = False
        if rows * cols <= _MASK_CACHE_LIMIT:
            _masks[key] = m
    return m


def _tri_array(a, diagonal, upper):
    out = np.zeros(a.shape, a.dtype)
    np.copyto(out, a, where=_mask(a.shape[-2], a.shape[-1], diagonal, upper))
    return out


class TriNode(MetadataNode):
    """TrilBackward0/TriuBackward0: the same op on the gradient. Saved: (diagonal, upper)."""
    __slots__ = ()

    def apply(self, grad):
        diagonal, upper = self._saved
        return (_tri_array(grad, diagonal, upper),)

    def apply_graph(self, grad):
        diagonal, upper = self._saved
        return (_tri(grad, diagonal, upper),)


_TRI_NODES = (node_class("TrilBackward0", TriNode), node_class("TriuBackward0", TriNode))


def _tri(x, diagonal, upper):
    a = x._data
    if a.ndim < 2:
        raise RuntimeError(messages.tril_dims("triu" if upper else "tril"))
    return _record(x, _tri_array(a, diagonal, upper), _TRI_NODES[upper], (diagonal, upper))


def tril(x, diagonal=0, upper=False, position=2):
    name = "triu" if upper else "tril"
    return _tri(x, _int_arg(name, "diagonal", position, diagonal), upper)


def tril_(x, diagonal=0, upper=False):
    """``x.tril_()`` / ``x.triu_()``: without a graph the other side is zeroed in
    place; with one, x takes the out-of-place op's values and node (which saves
    nothing of x, so x itself is its input)."""
    name = "triu" if upper else "tril"
    diagonal = _int_arg(name + "_", "diagonal", 1, diagonal)
    _inplace.check_inplace(x)
    a = x._data
    if a.ndim < 2:
        raise RuntimeError(messages.tril_dims(name))
    if _inplace._needs_graph(x):
        return _inplace._take_over(x, _tri(x, diagonal, upper))
    np.copyto(a, 0, where=~_mask(a.shape[-2], a.shape[-1], diagonal, upper))
    x._vc[0] += 1
    return x


def tril_indices(row, col, offset=0, dtype=None, device=None, requires_grad=False,
                 upper=False):
    """The (2, N) row and column indices of the entries tril (triu) keeps of a
    (row, col) matrix, row by row."""
    fname = "triu_indices" if upper else "tril_indices"
    row = _int_arg(fname, "row", 1, row)
    col = _int_arg(fname, "col", 2, col)
    offset = _int_arg(fname, "offset", 3, offset)
    d = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype, fname)
    check_device(device)
    if row < 0:
        raise RuntimeError(messages.tri_indices_negative("row", row))
    if col < 0:
        raise RuntimeError(messages.tri_indices_negative("col", col))
    if d not in (dtypes.int32, dtypes.int64):
        raise NotImplementedError(messages.not_implemented_kernel(fname, d._torch_name))
    k = min(max(offset, -row - 1), col + 1)         # past these nothing changes
    i = np.arange(row, dtype=np.int64)
    if upper:
        first = np.clip(i + k, 0, col)
        counts = col - first
    else:
        first = np.zeros(row, np.int64)
        counts = np.clip(i + k + 1, 0, col)
    total = int(counts.sum())
    out = np.empty((2, total), d.numpy)
    out[0] = np.repeat(i, counts)
    out[1] = np.arange(total) - np.repeat(np.cumsum(counts) - counts - first, counts)
    from ..factories import _finish
    return _finish(out, requires_grad)


# ------------------------------------------------------------------ flip


def _flip_array(a, dims):
    if not dims or a.ndim == 0:
        return a.copy()
    # numpy's flip is a view with negative strides; the copy keeps the input's
    # memory order where it is dense (torch: empty_like's preserve format)
    return np.flip(a, dims).copy(order="K")


class FlipNode(MetadataNode):
    """FlipBackward0: the gradient flipped back. Saved: the dims."""
    __slots__ = ()

    def apply(self, grad):
        (dims,) = self._saved
        return (np.ascontiguousarray(np.flip(grad, dims)) if dims and grad.ndim else grad,)

    def apply_graph(self, grad):
        (dims,) = self._saved
        return (_flip(grad, dims),)


_FLIP_NODE = node_class("FlipBackward0", FlipNode)


def _flip(x, dims):
    return _record(x, _flip_array(x._data, dims), _FLIP_NODE, (dims,))


def flip(x, dims, position=2):
    dims = _int_list("flip", "dims", position, dims, allow_int=False)
    ndim = x._data.ndim
    seen = []
    for d in dims:
        nd = normalize_dim(d, ndim)
        if nd in seen:
            raise RuntimeError(messages.dim_repeated(nd))
        seen.append(nd)
    return _flip(x, tuple(seen) if ndim else ())


def fliplr(x):
    if x._data.ndim < 2:
        raise RuntimeError(messages.FLIPLR_DIMS)
    return _flip(x, (1,))


def flipud(x):
    if x._data.ndim < 1:
        raise RuntimeError(messages.FLIPUD_DIMS)
    return _flip(x, (0,))


# ------------------------------------------------------------------ roll


def _roll_array(a, dims, shifts):
    """``a`` rolled by ``shifts`` (each in [0, size)) along ``dims`` (distinct), as a
    new C-ordered array: one block copy per combination of the two pieces of
    each rolled dim."""
    out = np.empty(a.shape, a.dtype)
    pieces = []
    for d, s in zip(dims, shifts):
        if s:
            n = a.shape[d]
            pieces.append([(d, slice(s, None), slice(None, n - s)),
                           (d, slice(None, s), slice(n - s, None))])
    if not pieces:
        out[...] = a
        return out
    for combo in itertools.product(*pieces):
        dst = [slice(None)] * a.ndim
        src = [slice(None)] * a.ndim
        for d, to, frm in combo:
            dst[d] = to
            src[d] = frm
        out[tuple(dst)] = a[tuple(src)]
    return out


def _roll_flat(a, shift):
    n = a.size
    out = _roll_array(a.reshape(-1), (0,), (shift % n if n else 0,))
    return out.reshape(a.shape)


class RollNode(MetadataNode):
    """RollBackward0: the gradient rolled back. Saved: the dims (None: the
    flattened tensor) and each one's shift."""
    __slots__ = ()

    def apply(self, grad):
        dims, shifts = self._saved
        if dims is None:
            return (_roll_flat(grad, -shifts[0]),)
        if grad.size == 0:
            return (grad,)
        return (_roll_array(grad, dims, [(-s) % grad.shape[d] for d, s in zip(dims, shifts)]),)

    def apply_graph(self, grad):
        dims, shifts = self._saved
        return (_roll(grad, dims, tuple(-s for s in shifts)),)


_ROLL_NODE = node_class("RollBackward0", RollNode)


def _roll(x, dims, shifts):
    """``x`` rolled; ``dims`` None rolls the flattened tensor by shifts[0]."""
    a = x._data
    if dims is None:
        return _record(x, _roll_flat(a, shifts[0]), _ROLL_NODE, (None, shifts))
    if a.size == 0:
        # torch returns a copy of an empty tensor before it reads any dim
        return _record(x, a.copy(), _ROLL_NODE, (dims, shifts))
    total = {}
    for d, s in zip(dims, shifts):
        if a.ndim == 0:
            raise IndexError(messages.no_dims(d))
        nd = normalize_dim(d, a.ndim)
        total[nd] = total.get(nd, 0) + s
    norm = tuple(total)
    out = _roll_array(a, norm, [total[d] % a.shape[d] for d in norm])
    return _record(x, out, _ROLL_NODE, (norm, tuple(total[d] for d in norm)))


def roll(x, shifts, dims=None, position=2):
    shifts = _int_list("roll", "shifts", position, shifts, allow_int=True)
    dims = () if dims is None else _int_list("roll", "dims", position + 1, dims, allow_int=True)
    if not shifts:
        raise RuntimeError(messages.ROLL_SHIFTS_REQUIRED)
    if not dims and len(shifts) == 1:
        return _roll(x, None, shifts)
    if len(shifts) != len(dims):
        raise RuntimeError(messages.roll_align(len(shifts), len(dims)))
    return _roll(x, dims, shifts)
