"""cumprod, cummax/cummin, logcumsumexp (scans along one dim), and the
in-place view ops squeeze_/unsqueeze_/t_/transpose_ and resize_.

Each scan's forward is one numpy accumulate along the dim (``np.cumprod``,
``np.maximum.accumulate``, ``np.logaddexp.accumulate``), which keeps float32
in float32. Backward formulas are torch's (derivatives.yaml /
FunctionsManual.cpp), written once over Tensors as in ``ops/scatter.py``:
``apply`` runs them with grad mode off, ``apply_graph`` records them.
"""
import numpy as np

from .. import dtypes, messages, return_types
from ..autograd.graph import node_class
from ..autograd.grad_mode import state as grad_state
from ..autograd.anomaly_mode import maybe_record
from ..quiet import quiet
from ..tensor import _wrap
from .scatter import _record, formula_node
from .shapes import normalize_dim


def _dim(fname, dim):
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(messages.dim_must_be_int(fname, type(dim).__name__))
    return dim


def _scan_axis(a, dim, fname):
    """(array at least 1-d, the axis) for a scan of ``a`` along ``dim``."""
    d = normalize_dim(_dim(fname, dim), a.ndim)
    return (a if a.ndim else a.reshape(1)), d


def _reverse_cumsum(t, d):
    return t.flip(d).cumsum(d).flip(d)


# ------------------------------------------------------------------ cumprod


def _cumprod_grad(node, grad, x, result, d):
    return (_cumprod_backward(grad, x, node.output(result), d),)


def _cumprod_backward(grad, x, result, d):
    """torch's cumprod_backward: sum_{j >= i} grad_j * result_j / x_i where x
    has no zero up to i; at the first zero k of a slice the product of the
    other factors (a cumprod with x_k replaced by 1); after it 0, which,
    recorded (create_graph), is x_k times the same gradient of the slice with
    x_k replaced by 1, so the second derivative in x_k is right."""
    from ..functions import where
    if x._data.size == 0:
        return grad * 0
    if not (grad_state.enabled and (grad._requires_grad or x._requires_grad)):
        return _wrap(_cumprod_backward_array(grad._data, x._data, result._data, d))
    zero = x == 0
    if not bool(zero._data.any()):
        return _reverse_cumsum(grad * result, d) / x
    zd = zero._data
    seen = np.cumsum(zd, axis=d)           # zeros up to and including i
    first_t = _wrap(zd & (seen == 1))
    after = _wrap((seen >= 1) & ~first_t._data)
    x1 = x.masked_fill(first_t, 1)
    at_first = _reverse_cumsum(grad * x1.cumprod(d), d)
    before = _reverse_cumsum(grad * result, d) / x.masked_fill(zero, 1)
    g = where(first_t, at_first, before)
    xk = (x * first_t.to(x.dtype)).sum(d, keepdim=True)          # x_k, recorded
    rest = _cumprod_backward(grad, x1, x1.cumprod(d), d)
    return where(after, xk * rest, g)


def _rev_cumsum_array(a, d):
    return np.flip(np.cumsum(np.flip(a, d), axis=d), d)


def _cumprod_backward_array(g, x, result, d):
    """torch's cumprod_backward without grad mode, mask for mask (so a NaN or inf
    after a slice's first zero does not reach the gradients before it): before the
    first zero z1 the reversed cumsum of result * grad (masked to before z1) / x; at
    z1 the sum over [z1, z2) of grad times the product of x over (z1, j], times the
    product before z1; 0 from z1 on otherwise."""
    if x.ndim == 0 or x.size <= 1 or x.shape[d] == 1:
        return g
    with np.errstate(all="ignore"):
        w = result * g
        zero = x == 0
        if not zero.any():
            return (_rev_cumsum_array(w, d) / x).astype(g.dtype, copy=False)
        cs = np.cumsum(zero, axis=d)
        before = cs == 0
        one = g.dtype.type(1)
        out = np.where(before, _rev_cumsum_array(np.where(before, w, 0), d) / x, 0)
        in_one = cs == 1
        first = zero & in_one
        between = in_one & ~first
        at_first = (np.cumprod(np.where(between, x, one), axis=d)
                    * np.where(in_one, g, 0)).sum(d, keepdims=True) \
            * np.prod(np.where(before, x, one), axis=d, keepdims=True)
        out = np.where(first, at_first, out)
    return out.astype(g.dtype, copy=False)


_CUMPROD_NODE = formula_node("CumprodBackward0", _cumprod_grad)


def cumprod(x, dim, dtype=None):
    from .reductions_extra import _as_dtype
    if dtype is not None:
        if dtypes.to_dtype(dtype).numpy.kind == "b":
            raise NotImplementedError(messages.not_implemented_kernel("cumprod_out_cpu", "Bool"))
        x = _as_dtype(x, dtype)
    a = x._data
    if a.dtype.kind in "biu" and a.dtype != np.int64:
        a = a.astype(np.int64)               # torch multiplies integers and bools as int64
    w, d = _scan_axis(a, dim, "cumprod")
    # inf * 0 is NaN and products overflow, silently as in torch
    out = quiet(lambda: np.cumprod(w, axis=d, dtype=a.dtype)).reshape(a.shape)
    return _record(out, _CUMPROD_NODE, (x,), (x, out, d), (x,))


def cumprod_(x, dim, dtype=None):
    from .inplace import apply_
    return apply_(x, lambda t: cumprod(t, dim, dtype))


# ------------------------------------------------------------------ cummax / cummin


def _cummaxmin_grad(node, grad, d, indices, shape):
    from .shape_ops import scatter_add_zeros
    if not shape:
        return (grad,)
    return (scatter_add_zeros(grad, d, indices, shape),)


_CUMMAX_NODE = formula_node("CummaxBackward0", _cummaxmin_grad)
_CUMMIN_NODE = formula_node("CumminBackward0", _cummaxmin_grad)


def _cummaxmin(x, dim, is_max):
    fname = "cummax" if is_max else "cummin"
    a = x._data
    w, d = _scan_axis(a, dim, fname)
    ufunc = np.maximum if is_max else np.minimum
    values = ufunc.accumulate(w, axis=d) if w.size else w.copy()
    # torch keeps the last position that reached the running extreme (ties
    # move it forward) and a NaN, once met, stays the extreme
    hit = w == values
    if w.dtype.kind == "f":
        hit |= np.isnan(w)
    shape = [1] * w.ndim
    shape[d] = w.shape[d]
    pos = np.arange(w.shape[d], dtype=np.int64).reshape(shape)
    indices = np.maximum.accumulate(np.where(hit, pos, 0), axis=d) if w.size else \
        np.zeros(w.shape, np.int64)
    values = values.reshape(a.shape)
    indices = indices.reshape(a.shape).astype(np.int64, copy=False)
    it = _wrap(indices)
    vt = _record(values, _CUMMAX_NODE if is_max else _CUMMIN_NODE, (x,), (d, it, a.shape), ())
    cls = return_types.cummax if is_max else return_types.cummin
    return tuple.__new__(cls, (vt, it))


def cummax(x, dim):
    return _cummaxmin(x, dim, True)


def cummin(x, dim):
    return _cummaxmin(x, dim, False)


# ------------------------------------------------------------------ logcumsumexp


def _logcumsumexp_grad(node, grad, x, result, d):
    """torch's logcumsumexp_backward: grad split by sign, each part summed in
    log space by a reversed logcumsumexp, so nothing overflows."""
    from ..functions import where
    result = node.output(result)
    if x._data.size == 0:
        return (grad * 0,)
    lowest = _wrap(np.array(np.finfo(grad._data.dtype).min, grad._data.dtype))
    with np.errstate(divide="ignore"):
        log_abs = grad.abs().log()
    pos = where(grad > 0, log_abs, lowest)
    neg = where(grad < 0, log_abs, lowest)

    def rev(t):
        return t.flip(d).logcumsumexp(d).flip(d)

    return ((rev(pos - result) + x).exp() - (rev(neg - result) + x).exp(),)


_LOGCUMSUMEXP_NODE = formula_node("LogcumsumexpBackward0", _logcumsumexp_grad)


def logcumsumexp(x, dim):
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "logcumsumexp_out_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    w, d = _scan_axis(a, dim, "logcumsumexp")
    # a NaN spreads silently, as in torch
    out = quiet(np.logaddexp.accumulate, w, d) if w.size else w.copy()
    out = out.reshape(a.shape)
    return _record(out, _LOGCUMSUMEXP_NODE, (x,), (x, out, d), (x,))


# ------------------------------------------------------------------ in-place view ops


_INPLACE_VIEW_NODES = {}


def _inplace_view(x, result, name):
    """x becomes ``result`` (a view of x's memory) in place, its node renamed
    to torch's in-place node ``name``."""
    from .inplace import check_inplace
    check_inplace(x)
    node = result._grad_fn
    if node is not None and x._requires_grad and grad_state.enabled:
        if x._base is not None:
            raise NotImplementedError(
                "an in-place view operation that records a gradient on a view is not "
                "supported yet; apply it to the base tensor or use the out-of-place op")
        cls = _INPLACE_VIEW_NODES.get((type(node), name))
        if cls is None:
            cls = _INPLACE_VIEW_NODES[type(node), name] = node_class(name, type(node))
        x._grad_fn = cls(node._next, node._saved, node._checks)
        maybe_record(x._grad_fn)
    x._data = result._data
    x._vc[0] += 1
    return x


def squeeze_(x, dim=None):
    from .shape_ops import squeeze
    if dim is None:
        name = "SqueezeBackward3"
    elif isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        name = "SqueezeBackward4"
    else:
        name = "SqueezeBackward5"
    return _inplace_view(x, squeeze(x, dim), name)


def unsqueeze_(x, dim):
    from .shape_ops import unsqueeze
    return _inplace_view(x, unsqueeze(x, dim), "UnsqueezeBackward1")


def t_(x):
    from .views import t
    if x._data.ndim > 2:
        raise RuntimeError(messages.t_dims(x._data.ndim))
    return _inplace_view(x, t(x), "TBackward1")


def transpose_(x, dim0, dim1):
    from .views import transpose
    return _inplace_view(x, transpose(x, dim0, dim1), "TransposeBackward1")


# ------------------------------------------------------------------ resize_


def _storage(a):
    """(the owning contiguous array of ``a``'s memory, flat, and a's offset in
    it in elements), or None when a's memory can't be read as torch's storage."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous or root.dtype != a.dtype:
        return None
    flat = root.reshape(-1)
    if a.size == 0:
        return flat, 0
    offset = (a.__array_interface__["data"][0] - flat.__array_interface__["data"][0])
    return flat, offset // a.itemsize


def resize_(x, *sizes):
    from .views import _shape_arg
    if x._requires_grad:
        raise RuntimeError(messages.RESIZE_REQUIRES_GRAD)
    shape = tuple(int(s) for s in _shape_arg(sizes, "resize_", "size"))
    if any(s < 0 for s in shape):
        raise RuntimeError(messages.NUMEL_OVERFLOW)          # (torch's text)
    a = x._data
    n = int(np.prod(shape, dtype=np.int64))
    # torch keeps the storage: the first n elements from x's offset, in memory order
    st = _storage(a)
    if st is None:
        st = (np.ascontiguousarray(a).reshape(-1), 0)
    flat, off = st
    if off + n <= flat.size:
        new = flat[off:off + n].reshape(shape)
    else:
        new = np.zeros(n, a.dtype)         # torch leaves the new elements uninitialised
        old = flat[off:]
        new[:old.size] = old
        new = new.reshape(shape)
    x._data = new
    x._vc[0] += 1
    return x
