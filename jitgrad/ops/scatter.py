"""scatter/scatter_add/scatter_reduce, index_add/index_copy/index_fill/index_put,
masked_select/masked_scatter, take/take_along_dim and nonzero/argwhere, with
their in-place forms and torch's node names.

The forwards are numpy calls on flat positions: the positions an index
selects are found once (``np.take_along_axis`` on an arange, or numpy's own
advanced indexing), then written with one assignment or one ``ufunc.at``
(which accumulates repeated positions). The backward formulas are written
once, over Tensors, as torch's derivatives.yaml writes them: ``apply`` runs
them on arrays with grad mode off, ``apply_graph`` records them (so double
backward works through the ops of this module and gather/index_select).
"""
import math
import warnings

import numpy as np

from .. import dtypes, messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import no_grad, state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from .shapes import broadcast_shape, normalize_dim

_INT_INDEX = (np.dtype(np.int64), np.dtype(np.int32))
_LONG = np.dtype(np.int64)
_PUT_INDEX = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.bool_))


class FormulaNode(Node):
    """A node whose backward is ``formula(node, grad, *saved)`` over Tensors
    (the class attribute ``formula``): returns one gradient (or None) per edge."""
    __slots__ = ()
    formula = None

    def apply(self, grad):
        saved = self._saved_or_raise()
        with no_grad():
            gs = type(self).formula(self, _wrap(grad), *saved)
        return tuple(None if g is None else g._data for g in gs)

    def apply_graph(self, grad):
        saved = self._saved_or_raise()
        return tuple(type(self).formula(self, grad, *saved))


def formula_node(name, formula):
    return node_class(name, FormulaNode, formula=staticmethod(formula))


def _record(out, node_cls, inputs, saved, checked=()):
    """``out`` (an array) as a Tensor recorded under ``node_cls`` when one of
    ``inputs`` (Tensors or None) needs a gradient and out is floating."""
    if not (grad_state.enabled and out.dtype.kind == "f" and any(
            isinstance(t, Tensor) and t._requires_grad for t in inputs)):
        return _wrap(out)
    node = node_cls(tuple(edge(t) if isinstance(t, Tensor) else None for t in inputs), saved,
                    tuple(saved_version(t) for t in checked))
    return _wrap_result(out, node)


def _wants(node, i):
    return node._next[i] is not None


def _c_name(a):
    return dtypes.from_numpy(a.dtype)._torch_name


def _need_tensor(fname, arg, pos, v):
    if not isinstance(v, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, pos, v))


def _scalar_value(v, dtype):
    from .pointwise import _scalar_as              # torch's overflow checks
    if isinstance(v, Tensor):
        v = v._data.item()
    return _scalar_as(v, dtype)


def _inplace(x, result):
    """``x`` takes ``result``'s values and history (an in-place op)."""
    from .inplace import _take_over
    return _take_over(x, result)


def _check_inplace(x):
    from .inplace import check_inplace
    check_inplace(x)


# ------------------------------------------------------------------ scatter family


def _scatter_positions(fname, shape, index, d, src_shape):
    """Flat positions (index-shaped) in a tensor of ``shape`` that
    ``scatter(d, index, ...)`` writes, after torch's checks."""
    i = index._data
    if i.dtype not in _INT_INDEX:
        raise RuntimeError(messages.scatter_index_dtype(fname))
    n = max(len(shape), 1)
    if max(i.ndim, 1) != n:
        raise RuntimeError(messages.SCATTER_INDEX_NDIM_SELF)
    if src_shape is not None and max(len(src_shape), 1) != n:
        raise RuntimeError(messages.SCATTER_INDEX_NDIM_SRC)
    work, iw = shape or (1,), i.shape or (1,)
    sw = None if src_shape is None else (src_shape or (1,))
    if any(k != d and iw[k] > work[k] for k in range(n)) or (
            sw is not None and any(iw[k] > sw[k] for k in range(n))):
        raise RuntimeError(messages.scatter_index_size(i.shape, shape, d, src_shape))
    idx = i.reshape(iw)
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= work[d]:
            raise RuntimeError(messages.index_out_of_bounds(lo if lo < 0 else hi, d, work[d]))
    sliced = tuple(slice(None) if k == d else slice(0, iw[k]) for k in range(n))
    ar = np.arange(math.prod(work), dtype=np.int64).reshape(work)[sliced]
    pos = np.take_along_axis(ar, idx.astype(np.int64, copy=False), axis=d)
    src_key = tuple(slice(0, s) for s in iw)
    return pos.ravel(), src_key


def _src_values(src, src_key, index_shape):
    s = src._data.reshape(src._data.shape or (1,))[src_key]
    return s.reshape(-1)


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce != "amax"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
          "amin": np.minimum}


def _reduce_into(out, pos, vals, reduce, include_self):
    """out (flat, a fresh array) with ``vals`` reduced in at ``pos``."""
    if not include_self:
        out[pos] = _identity(reduce, out.dtype)
    # NaN compared, inf - inf, overflowing products: silent, as torch's loops
    with np.errstate(all="ignore"):
        _UFUNC[reduce].at(out, pos, vals)
    if reduce == "mean":
        count = np.bincount(pos, minlength=out.size)
        if include_self:
            count += 1
        count = np.maximum(count, 1).astype(out.dtype if out.dtype.kind == "f" else np.int64)
        if out.dtype.kind == "f":
            out /= count
        else:
            out[...] = np.floor_divide(out, count)


def _scatter_core(fname, x, dim, index, src, value, reduce, include_self=True):
    """The values of ``x.scatter*(dim, index, src or value)``: (array, positions)."""
    _need_tensor(fname, "index", 3, index)
    a = x._data
    d = normalize_dim(dim, a.ndim)
    if src is not None and src._data.dtype != a.dtype:
        raise RuntimeError(messages.SCATTER_SRC_DTYPE)
    pos, key = _scatter_positions(fname, a.shape, index, d,
                                  None if src is None else src._data.shape)
    out = a.copy().reshape(-1)
    vals = _src_values(src, key, index._data.shape) if src is not None else \
        np.full(pos.size, _scalar_value(value, a.dtype), a.dtype)
    if reduce is None:
        out[pos] = vals
    else:
        _reduce_into(out, pos, vals, reduce, include_self)
    return out.reshape(a.shape), pos, d


def _src_grad(node, grad, dim, index, src_shape):
    """grad.gather(dim, index): torch's engine refuses it when src is larger than index."""
    if tuple(index.shape) != src_shape:
        raise RuntimeError(messages.invalid_gradient(type(node).__name__, 1,
                                                     tuple(index.shape), src_shape))
    return grad.gather(dim, index)


def _scatter_grad(node, grad, dim, index, src_shape=None):
    gx = grad.scatter(dim, index, 0) if _wants(node, 0) else None
    if len(node._next) == 1:
        return (gx,)
    return gx, (_src_grad(node, grad, dim, index, src_shape) if _wants(node, 1) else None)


def _scatter_add_grad(node, grad, dim, index, src_shape):
    return (grad if _wants(node, 0) else None,
            _src_grad(node, grad, dim, index, src_shape) if _wants(node, 1) else None)


def _scatter_reduce_grad(node, grad, dim, index, self, src, result, reduce, include_self):
    from ..functions import where
    result = node.output(result)
    gx = gs = None
    if _wants(node, 1) and tuple(index.shape) != tuple(src.shape):
        _src_grad(node, grad, dim, index, tuple(src.shape))
    if reduce == "sum":
        gx, gs = grad, grad.gather(dim, index)
    elif reduce == "mean":
        n = _wrap(np.ones(grad.shape, grad._data.dtype) if include_self
                  else np.zeros(grad.shape, grad._data.dtype))
        n = n.scatter_add(dim, index, _wrap(np.ones(src.shape, grad._data.dtype)))
        n = n.masked_fill(n == 0, 1)
        gx = grad / n
        gs = gx.gather(dim, index)
    elif reduce == "prod":
        masked_self = self.masked_fill(self == 0, 1)
        masked_self_result = masked_self.scatter_reduce(dim, index, src, reduce,
                                                        include_self=include_self)
        gx = grad * masked_self_result / masked_self
        src_zero = src == 0
        nz = _wrap(np.zeros(self.shape, grad._data.dtype)).scatter_add(
            dim, index, src_zero.to(grad.dtype)).gather(dim, index)
        single_zero = _wrap(src_zero._data & (nz._data == 1))     # masks: no gradient
        masked_src = src.masked_fill(single_zero, 1)
        masked_src_result = self.scatter_reduce(dim, index, masked_src, reduce,
                                                include_self=include_self)
        gs = where(single_zero, (grad * masked_src_result).gather(dim, index),
                   (grad * result).gather(dim, index) / src.masked_fill(src_zero, 1))
    else:                                       # amax, amin: shared evenly among the ties
        value = result.gather(dim, index)
        self_is = (self == result).to(grad.dtype)
        src_is = (src == value).to(grad.dtype)
        n = self_is.scatter_add(dim, index, src_is)
        dist = grad / n
        gx = self_is * dist
        gs = src_is * dist.gather(dim, index)
    if not include_self:
        gx = gx.scatter(dim, index, 0)
    return (gx if _wants(node, 0) else None, gs if _wants(node, 1) else None)


_SCATTER_NODE = formula_node("ScatterBackward0", _scatter_grad)
_SCATTER_VALUE_NODE = formula_node("ScatterBackward1", _scatter_grad)
_SCATTER_ADD_NODE = formula_node("ScatterAddBackward0", _scatter_add_grad)
_SCATTER_REDUCE_NODE = formula_node("ScatterReduceBackward0", _scatter_reduce_grad)


class _NoDerivative(Node):
    __slots__ = ()

    def apply(self, grad):
        raise RuntimeError(messages.no_derivative("scatter"))

    apply_graph = apply


_SCATTER_NOT_IMPLEMENTED = node_class("NotImplemented", _NoDerivative)
_LEGACY_REDUCE = {"add": "sum", "multiply": "prod"}
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _split_src_value(fname, src, value, dtype):
    """torch's two overloads: (dim, index, src: Tensor) and (dim, index, value: Number)."""
    if src is not None and value is not None:
        raise TypeError(messages.scatter_two_sources(fname))
    v = src if src is not None else value
    if v is None:
        raise TypeError(messages.scatter_no_source(fname))
    if isinstance(v, Tensor):
        return v, None
    if isinstance(v, (bool, int, float, np.number)):
        return None, v
    if isinstance(v, complex):
        raise RuntimeError(messages.scatter_complex_value(dtypes.from_numpy(dtype)._c_name))
    raise TypeError(messages.arg_must_be(fname, "src", 3, v))


def scatter(x, dim, index, src=None, value=None, reduce=None):
    src, value = _split_src_value("scatter", src, value, x._data.dtype)
    if reduce is not None:
        if src is not None:
            warnings.warn(messages.SCATTER_REDUCE_DEPRECATED, UserWarning, stacklevel=3)
        if reduce not in _LEGACY_REDUCE:
            raise RuntimeError(messages.SCATTER_REDUCE_ADD_MULTIPLY)
        out, _, d = _scatter_core("scatter", x, dim, index, src, value, _LEGACY_REDUCE[reduce])
        if grad_state.enabled and out.dtype.kind == "f" and (
                x._requires_grad or (src is not None and src._requires_grad)):
            node = _SCATTER_NOT_IMPLEMENTED((edge(x),) + ((edge(src),) if src is not None else ()),
                                            ())
            return _wrap_result(out, node)
        return _wrap(out)
    out, _, d = _scatter_core("scatter", x, dim, index, src, value, None)
    if src is None:
        return _record(out, _SCATTER_VALUE_NODE, (x,), (d, index), (index,))
    return _record(out, _SCATTER_NODE, (x, src), (d, index, src._data.shape), (index,))


def scatter_(x, dim, index, src=None, value=None, reduce=None):
    _check_inplace(x)
    return _inplace(x, scatter(x, dim, index, src, value, reduce))


def scatter_add(x, dim, index, src):
    _need_tensor("scatter_add", "src", 3, src)
    out, _, d = _scatter_core("scatter", x, dim, index, src, None, "sum")
    return _record(out, _SCATTER_ADD_NODE, (x, src), (d, index, src._data.shape), (index,))


def scatter_add_(x, dim, index, src):
    _check_inplace(x)
    return _inplace(x, scatter_add(x, dim, index, src))


def scatter_reduce(x, dim, index, src, reduce, *, include_self=True):
    _need_tensor("scatter_reduce", "src", 3, src)
    if not isinstance(include_self, (bool, np.bool_)):
        raise TypeError(messages.must_be("scatter_reduce", "include_self", "bool", include_self))
    if reduce not in _REDUCES:
        raise RuntimeError(messages.scatter_reduce_arg(reduce))
    if reduce == "mean" and x._data.dtype == np.bool_:
        raise NotImplementedError(messages.not_implemented_kernel(
            "scatter_gather_tensor_cpu_reduce_mean", "Bool"))
    out, _, d = _scatter_core("scatter", x, dim, index, src, None, reduce, bool(include_self))
    # the formula needs the output: the node keeps its array (not the tensor: a cycle)
    return _record(out, _SCATTER_REDUCE_NODE, (x, src),
                   (d, index, x, src, out, reduce, bool(include_self)), (index, x, src))


def scatter_reduce_(x, dim, index, src, reduce, *, include_self=True):
    from .inplace import _old_self
    _check_inplace(x)
    return _inplace(x, scatter_reduce(_old_self(x), dim, index, src, reduce,
                                      include_self=include_self))


# ------------------------------------------------------------------ index_add / index_copy / index_fill


def _index_plan(x, dim, index, vector_error):
    """x's shape (at least 1-d), the flat int64 index, the normalised dim."""
    a = x._data
    d = normalize_dim(dim, a.ndim)
    i = index._data
    if i.ndim > 1:
        raise vector_error(i)
    idx = np.ascontiguousarray(i.reshape(-1), dtype=np.int64)
    shape = a.shape or (1,)
    return shape, idx, d


def _bounds(idx, n, make, allow_negative=False):
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        low = -n if allow_negative else 0
        if lo < low or hi >= n:
            raise make(lo if lo < low else hi)


def _as3(arr, shape, d):
    return arr.reshape(math.prod(shape[:d]), shape[d], math.prod(shape[d + 1:]))


def _source3(source, x, d, m, copy):
    """source as (A, M, B) after torch's shape checks (index_add_ or index_copy_)."""
    s, a = source._data, x._data
    ss, xs = s.shape or (1,), a.shape or (1,)
    if copy:
        if len(ss) != len(xs) and s.ndim and a.ndim:
            raise IndexError(messages.index_copy_ndim())
        for k in range(len(xs)):
            if k != d and (k >= len(ss) or ss[k] != xs[k]):
                raise RuntimeError(messages.index_copy_slice(xs[k], ss[k] if k < len(ss) else 1, k))
        if ss[d] != m:
            raise IndexError(messages.index_copy_count(m, ss[d]))
    else:
        if s.ndim != a.ndim or any(k != d and ss[k] != xs[k] for k in range(len(xs))):
            raise RuntimeError(messages.index_add_source_shape(a.shape, s.shape))
        if ss[d] != m:
            raise RuntimeError(messages.index_add_count(m, ss[d], d))
    return s.reshape(math.prod(xs[:d]), m, math.prod(xs[d + 1:]))


def _index_add_grad(node, grad, dim, index, alpha):
    gx = grad if _wants(node, 0) else None
    gs = None
    if _wants(node, 1):
        gs = grad.index_select(dim, index)
        if alpha != 1:
            gs = gs * alpha
    return gx, gs


def _index_add_grad_shaped(node, grad, dim, index, alpha, src_shape):
    gx, gs = _index_add_grad(node, grad, dim, index, alpha)
    if gs is not None and tuple(gs.shape) != src_shape:
        gs = gs.reshape(src_shape)
    return gx, gs


def _index_copy_grad(node, grad, dim, index, src_shape):
    gx = grad.index_fill(dim, index, 0) if _wants(node, 0) else None
    gs = None
    if _wants(node, 1):
        gs = grad.index_select(dim, index)
        if tuple(gs.shape) != src_shape:
            gs = gs.reshape(src_shape)
    return gx, gs


def _index_fill_grad(node, grad, dim, index, value_dtype=None):
    gx = grad.index_fill(dim, index, 0) if _wants(node, 0) else None
    if len(node._next) == 1:
        return (gx,)
    gv = None
    if _wants(node, 1):
        gv = grad.index_select(dim, index).sum()
        if gv._data.dtype != value_dtype:
            gv = gv.to(dtypes.from_numpy(value_dtype))
    return gx, gv


_INDEX_ADD_NODE = formula_node("IndexAddBackward0", _index_add_grad_shaped)
_INDEX_COPY_NODE = formula_node("IndexCopyBackward0", _index_copy_grad)
_INDEX_FILL_NODES = (formula_node("IndexFillBackward0", _index_fill_grad),
                     formula_node("IndexFillBackward1", _index_fill_grad))


def index_add(x, dim, index, source, *, alpha=1):
    _need_tensor("index_add", "index", 2, index)
    _need_tensor("index_add", "source", 3, source)
    if index._data.dtype not in _INT_INDEX:
        raise RuntimeError(messages.index_add_index_dtype(_c_name(index._data)))
    if source._data.dtype != x._data.dtype:
        raise RuntimeError(messages.index_add_dtype(_c_name(x._data), _c_name(source._data)))
    shape, idx, d = _index_plan(x, dim, index, lambda i: IndexError(
        messages.index_add_vector(i.ndim, _c_name(i), i.shape)))
    s3 = _source3(source, x, d, idx.size, False)
    _bounds(idx, shape[d], lambda v: RuntimeError(messages.index_out_of_bounds(v, d, shape[d])))
    out = x._data.copy()          # (C order: written through flat views below)
    a = _scalar_value(alpha, x._data.dtype)
    if a != 1:
        s3 = s3 * a
    out3 = _as3(out.reshape(-1), shape, d)
    if out.dtype.kind == "f":                  # the kernel index_select's backward runs
        from ..kernels.indexing import index_add_3d
        index_add_3d(out3, idx, np.ascontiguousarray(s3))
    else:
        np.add.at(out3, (slice(None), idx), s3)
    return _record(out, _INDEX_ADD_NODE, (x, source),
                   (d, index, a, source._data.shape), (index,))


def index_add_(x, dim, index, source, *, alpha=1):
    _check_inplace(x)
    return _inplace(x, index_add(x, dim, index, source, alpha=alpha))


def index_copy(x, dim, index, source):
    _need_tensor("index_copy", "index", 2, index)
    _need_tensor("index_copy", "source", 3, source)
    if index._data.dtype != _LONG:
        raise RuntimeError(messages.index_copy_index_dtype(_c_name(index._data)))
    if source._data.dtype != x._data.dtype:
        raise RuntimeError(messages.index_copy_dtype(_c_name(x._data), _c_name(source._data)))
    shape, idx, d = _index_plan(x, dim, index, lambda i: IndexError(
        messages.index_copy_vector(i.ndim)))
    s3 = _source3(source, x, d, idx.size, True)
    _bounds(idx, shape[d], lambda v: IndexError(messages.index_copy_bounds(v, d, shape[d])))
    out = x._data.copy()          # (C order: written through flat views below)
    _as3(out.reshape(-1), shape, d)[:, idx, :] = s3
    return _record(out, _INDEX_COPY_NODE, (x, source), (d, index, source._data.shape), (index,))


def index_copy_(x, dim, index, source):
    _check_inplace(x)
    return _inplace(x, index_copy(x, dim, index, source))


def index_fill(x, dim, index, value):
    _need_tensor("index_fill", "index", 2, index)
    if index._data.dtype != _LONG:
        raise IndexError(messages.INDEX_FILL_INDEX_DTYPE)
    value_t = value if isinstance(value, Tensor) else None
    if value_t is not None and value_t._data.ndim:
        raise RuntimeError(messages.index_fill_value_dim(value_t._data.ndim))
    shape, idx, d = _index_plan(x, dim, index, lambda i: RuntimeError(
        messages.INDEX_FILL_VECTOR))
    _bounds(idx, shape[d], lambda v: IndexError(messages.index_out_of_bounds(v, d, shape[d])),
            allow_negative=True)
    out = x._data.copy()          # (C order: written through flat views below)
    _as3(out.reshape(-1), shape, d)[:, idx, :] = _scalar_value(value, x._data.dtype)
    if value_t is None:
        return _record(out, _INDEX_FILL_NODES[0], (x,), (d, index), (index,))
    return _record(out, _INDEX_FILL_NODES[1], (x, value_t), (d, index, value_t._data.dtype),
                   (index,))


def index_fill_(x, dim, index, value):
    _check_inplace(x)
    return _inplace(x, index_fill(x, dim, index, value))


# ------------------------------------------------------------------ index_put


def _index_put_grad(node, grad, indices, accumulate, values_shape, values_dtype):
    from .elementwise import sum_to_size
    gx = gv = None
    if _wants(node, 0):
        gx = grad if accumulate else grad.index_put(
            indices, _wrap(np.zeros((), grad._data.dtype)))
    if _wants(node, 1):
        gv = grad[indices]
        if tuple(gv.shape) != values_shape:
            gv = sum_to_size(gv, values_shape)
    return gx, gv


_INDEX_PUT_NODE = formula_node("IndexPutBackward0", _index_put_grad)


def index_put(x, indices, values, accumulate=False):
    from .indexing import _index, _numpy_key
    if not isinstance(indices, (tuple, list)):
        raise TypeError(messages.arg_must_be("index_put", "indices", 1, indices,
                                             "tuple of Tensors"))
    _need_tensor("index_put", "values", 2, values)
    indices = tuple(indices)
    for k, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(messages.index_put_element(k, t))
        if t._data.dtype not in _PUT_INDEX:
            raise IndexError(messages.INDEX_PUT_INDEX_DTYPE)
    a = x._data
    if values._data.dtype != a.dtype:
        raise RuntimeError(messages.index_put_dtype(_c_name(a), _c_name(values._data)))
    key, _ = _numpy_key(indices)
    pos = _index(np.arange(a.size, dtype=np.int64).reshape(a.shape), key)
    try:
        vals = np.broadcast_to(values._data, pos.shape)
    except ValueError:
        raise RuntimeError(messages.index_put_shape(values._data.shape, pos.shape)) from None
    out = a.copy().reshape(-1)
    if accumulate:
        np.add.at(out, pos.ravel(), vals.ravel())
    else:
        out[pos.ravel()] = vals.ravel()
    return _record(out.reshape(a.shape), _INDEX_PUT_NODE, (x, values),
                   (indices, bool(accumulate), values._data.shape, values._data.dtype),
                   indices)


def index_put_(x, indices, values, accumulate=False):
    _check_inplace(x)
    return _inplace(x, index_put(x, indices, values, accumulate))


# ------------------------------------------------------------------ masked_select / masked_scatter


def _masked_select_grad(node, grad, mask, shape, in_shape):
    from .elementwise import sum_to_size
    g = _wrap(np.zeros(shape, grad._data.dtype)).masked_scatter(mask, grad)
    return (sum_to_size(g, in_shape) if shape != in_shape else g,)


def _masked_scatter_grad(node, grad, mask, in_shape, src_shape):
    from .elementwise import sum_to_size
    from ..functions import cat
    gx = gs = None
    if _wants(node, 0):
        gx = grad.masked_fill(mask, 0)
        if tuple(gx.shape) != in_shape:
            gx = sum_to_size(gx, in_shape)
    if _wants(node, 1):
        sel = grad.masked_select(mask)
        pad = math.prod(src_shape) - sel.shape[0]
        if pad:
            sel = cat([sel, _wrap(np.zeros(pad, grad._data.dtype))])
        gs = sel.reshape(src_shape)
    return gx, gs


_MASKED_SELECT_NODE = formula_node("MaskedSelectBackward0", _masked_select_grad)
_MASKED_SCATTER_NODE = formula_node("MaskedScatterBackward0", _masked_scatter_grad)


def masked_select(x, mask):
    _need_tensor("masked_select", "mask", 1, mask)
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(messages.MASKED_SELECT_MASK)
    a = x._data
    shape = broadcast_shape(a.shape, m.shape)
    out = np.broadcast_to(a, shape)[np.broadcast_to(m, shape)]
    mb = mask if m.shape == shape else _wrap(np.broadcast_to(m, shape))
    return _record(out, _MASKED_SELECT_NODE, (x,), (mb, shape, a.shape), (mask,))


def masked_scatter(x, mask, source, inplace=False):
    _need_tensor("masked_scatter", "mask", 1, mask)
    _need_tensor("masked_scatter", "source", 2, source)
    m, a, s = mask._data, x._data, source._data
    if m.dtype != np.bool_:
        raise RuntimeError(messages.masked_scatter_mask(_c_name(m)))
    if s.dtype != a.dtype:
        raise RuntimeError(messages.masked_scatter_dtype(_c_name(a), _c_name(s)))
    if inplace and m.shape != a.shape:
        _check_expand_mask(m.shape, a.shape)     # torch expands the mask to self
    shape = broadcast_shape(a.shape, m.shape)
    mb = np.broadcast_to(m, shape)
    count = int(np.count_nonzero(mb))
    if count > s.size:
        raise RuntimeError(messages.MASKED_SCATTER_COUNT)
    out = np.array(np.broadcast_to(a, shape), copy=True)
    out[mb] = s.reshape(-1)[:count]
    mt = mask if m.shape == shape else _wrap(mb)
    return _record(out, _MASKED_SCATTER_NODE, (x, source), (mt, a.shape, s.shape), (mask,))


def _check_expand_mask(mshape, shape):
    if len(mshape) > len(shape):
        raise RuntimeError(messages.expand_mask_too_few(mshape, shape))
    lead = len(shape) - len(mshape)
    for k, m in enumerate(mshape):
        if m != 1 and m != shape[lead + k]:
            raise RuntimeError(messages.expand_mismatch(shape[lead + k], m, lead + k, shape,
                                                        mshape))


def masked_scatter_(x, mask, source):
    _check_inplace(x)
    return _inplace(x, masked_scatter(x, mask, source, inplace=True))


def masked_fill_(x, mask, value):
    from .shape_ops import masked_fill
    _check_inplace(x)
    if isinstance(mask, Tensor):
        shape = broadcast_shape(x._data.shape, mask._data.shape)
        if shape != x._data.shape:
            raise RuntimeError(messages.inplace_broadcast(x._data.shape, shape))
    return _inplace(x, masked_fill(x, mask, value))


# ------------------------------------------------------------------ take / take_along_dim


def _take_grad(node, grad, pos, shape):
    g = _wrap(np.zeros(math.prod(shape), grad._data.dtype)).index_put(
        (pos,), grad.reshape(-1), accumulate=True)
    return (g.reshape(shape),)


_TAKE_NODE = formula_node("TakeBackward0", _take_grad)


def take(x, index):
    _need_tensor("take", "index", 1, index)
    i = index._data
    if i.dtype != _LONG:
        raise RuntimeError(messages.take_index_dtype(_c_name(i)))
    a = x._data
    n = a.size
    if n == 0 and i.size:
        raise IndexError(messages.TAKE_EMPTY)
    if i.size:
        lo, hi = int(i.min()), int(i.max())
        if lo < -n or hi >= n:
            raise IndexError(messages.take_bounds(lo if lo < -n else hi, n))
    pos = np.where(i < 0, i + n, i) if i.size and i.min() < 0 else i
    out = a.reshape(-1)[pos]
    return _record(out, _TAKE_NODE, (x,), (_wrap(pos.reshape(-1)), a.shape), (index,))


def take_along_dim(x, indices, dim=None):
    from .shape_ops import gather
    _need_tensor("take_along_dim", "indices", 2, indices)
    i = indices._data
    if i.dtype != _LONG:
        raise RuntimeError(messages.take_along_dim_index_dtype(_c_name(i)))
    if dim is None:
        return gather(x.reshape(-1), 0, indices.reshape(-1))
    a = x._data
    if a.ndim != i.ndim:
        raise RuntimeError(messages.take_along_dim_ndim(a.ndim, i.ndim))
    d = normalize_dim(dim, a.ndim)
    sizes = list(a.shape)
    if sizes:
        sizes[d] = i.shape[d]
    shape = broadcast_shape(tuple(sizes), i.shape)
    ib = indices if i.shape == shape else indices.expand(*shape)
    xs = list(shape)
    if xs:
        xs[d] = a.shape[d]
    xb = x if a.shape == tuple(xs) else x.expand(*xs)
    return gather(xb, d, ib)


# ------------------------------------------------------------------ nonzero / argwhere


def nonzero(x, *, as_tuple=False):
    if not isinstance(as_tuple, (bool, np.bool_)):
        raise TypeError(messages.must_be("nonzero", "as_tuple", "bool", as_tuple))
    a = x._data
    if as_tuple:
        if a.ndim == 0:
            return (_wrap(np.zeros(int(bool(a)), np.int64)),)
        return tuple(_wrap(np.ascontiguousarray(p, dtype=np.int64)) for p in np.nonzero(a))
    if a.ndim == 0:
        return _wrap(np.zeros((int(bool(a)), 0), np.int64))
    return _wrap(np.argwhere(a).astype(np.int64, copy=False))


def argwhere(x):
    return nonzero(x)
