"""max/min, amax/amin, argmax/argmin, prod, var/std, var_mean/std_mean,
logsumexp and cumsum: forward and backward side by side.

Every op reduces (or scans) the middle axis of a flat (A, R, B) array
(kernels/reductions.py). ``Layout`` plans that once per (shape, dims,
keepdim): when the reduced dims (size-1 dims aside) form one run, the input
is used as it is; otherwise the kept dims are moved first and the reduced
ones last (one copy, as ``norm`` does) and gradients go back through the
inverse permutation.

Gradients that are linear in ``grad`` with weights independent of the input
(max/min and friends) are recorded for create_graph as ``grad * weights``,
the weights being the node's own kernel run on a gradient of ones.
"""
import math
import warnings

import numpy as np

from .. import dtypes, messages, return_types
from ..autograd.function import _OutputSelector
from ..autograd.graph import (MetadataNode, Node, edge, node_class, output_version,
                              saved_version)
from ..autograd.grad_mode import state as grad_state
from ..kernels import reductions as K
from ..tensor import _wrap, _wrap_result
from .elementwise import cast, scale_array
from .shapes import normalize_dim, normalize_dims, reduce_plan, repeat_to


class Layout:
    """How ``shape`` reduced over ``dims`` (sorted, distinct) maps to (A, R, B)."""
    __slots__ = ("dims", "perm", "inverse", "moved_shape", "in_shape", "out_shape",
                 "kept_shape", "A", "R", "B")

    def __init__(self, shape, dims, keepdim):
        n = len(shape)
        self.in_shape = shape
        self.dims = dims
        kept = [d for d in range(n) if d not in dims]
        self.kept_shape = tuple(1 if d in dims else s for d, s in enumerate(shape))
        self.out_shape = self.kept_shape if keepdim else tuple(shape[d] for d in kept)
        self.R = math.prod([shape[d] for d in dims])
        big = [d for d in range(n) if shape[d] != 1]
        red = [i for i, d in enumerate(big) if d in dims]
        if not red or red[-1] - red[0] == len(red) - 1:
            self.perm = self.inverse = self.moved_shape = None
            lo, hi = (big[red[0]], big[red[-1]] + 1) if red else (n, n)
            self.A = math.prod(shape[:lo])
            self.B = math.prod(shape[hi:])
        else:
            self.perm = tuple(kept) + tuple(dims)
            self.inverse = tuple(int(i) for i in np.argsort(self.perm))
            self.moved_shape = tuple(shape[d] for d in self.perm)
            self.A = math.prod([shape[d] for d in kept])
            self.B = 1

    def flat(self, a):
        """``a`` (of in_shape, any strides) as a flat C-contiguous (A, R, B) array."""
        if self.perm is None:
            return a.ravel()
        return a.transpose(self.perm).ravel()

    def unflat(self, out):
        """A flat (A, R, B) array back to in_shape."""
        if self.perm is None:
            return out.reshape(self.in_shape)
        return np.ascontiguousarray(out.reshape(self.moved_shape).transpose(self.inverse))


_layouts = {}


def layout(shape, dims, keepdim):
    key = (shape, dims, keepdim)
    L = _layouts.get(key)
    if L is None:
        L = _layouts[key] = Layout(shape, dims, keepdim)
    return L


def _flat_grad(grad, dtype):
    g = grad.ravel()
    return g if g.dtype == dtype else g.astype(dtype)


def _spread(grad, L):
    """``grad`` (a Tensor of L.out_shape) with the reduced dims back, of size 1."""
    return grad if grad._data.shape == L.kept_shape else grad.reshape(L.kept_shape)


def _expand(t, shape):
    """``t`` broadcast to ``shape`` as a recorded op (adding zeros)."""
    if t._data.shape == shape:
        return t
    return t + _wrap(np.zeros(shape, t._data.dtype))


def _needs_grad(x):
    return x._requires_grad and grad_state.enabled


def _int_dim(name, dim):
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(messages.dim_must_be_int(name, type(dim).__name__))
    return dim


def _given_dims(name, dim):
    """``dim`` as a tuple of the dims the caller named (an int list argument)."""
    if dim is None:
        return ()
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return (dim,)
    if isinstance(dim, (tuple, list)):
        return tuple(dim)
    raise TypeError(messages.dim_must_be_int_tuple(name, type(dim).__name__))


_new_tuple = tuple.__new__


def _all(ndim):
    return tuple(range(ndim))


# ------------------------------------------------------------------ max/min family


class EvenNode(Node):
    """MaxBackward1/MinBackward1 (NaN-aware) and AmaxBackward0/AminBackward0:
    the gradient shared evenly among the entries equal to the result."""
    __slots__ = ()

    def apply(self, grad):
        xf, vals, L, nan_aware = self._saved_or_raise()
        out = np.empty(xf.size, xf.dtype)
        K.minmax_backward_even(_flat_grad(grad, xf.dtype), xf, vals, L.A, L.R, L.B,
                               nan_aware, out)
        return (L.unflat(out),)

    def apply_graph(self, grad):
        xf, _, L, _ = self._saved_or_raise()
        weights = self.apply(np.ones(L.out_shape, xf.dtype))[0]
        return (_spread(grad, L) * _wrap(weights),)


class IndexNode(Node):
    """MaxBackward0/MinBackward0: the gradient goes to the index that was picked."""
    __slots__ = ()

    def apply(self, grad):
        idx, L, dtype = self._saved_or_raise()
        out = np.zeros(L.A * L.R * L.B, dtype)
        K.scatter_middle_axis(_flat_grad(grad, dtype), idx, L.A, L.R, L.B, out)
        return (L.unflat(out),)

    def apply_graph(self, grad):
        _, L, dtype = self._saved_or_raise()
        weights = self.apply(np.ones(L.out_shape, dtype))[0]
        return (_spread(grad, L) * _wrap(weights),)


_EVEN_NODES = {name: node_class(name, EvenNode) for name in
               ("MaxBackward1", "MinBackward1", "AmaxBackward0", "AminBackward0")}
_INDEX_NODES = {name: node_class(name, IndexNode) for name in
                ("MaxBackward0", "MinBackward0")}


def _extremes(a, L, is_max):
    """(flat input, values, first indices) of the max/min over the middle axis."""
    xf = L.flat(a)
    vals = np.empty(L.A * L.B, a.dtype)
    idx = np.empty(L.A * L.B, np.int64)
    if a.dtype.kind == "b":
        K.minmax_middle_axis(xf.view(np.uint8), L.A, L.R, L.B, is_max, vals.view(np.uint8), idx)
    else:
        K.minmax_middle_axis(xf, L.A, L.R, L.B, is_max, vals, idx)
    return xf, vals, idx


def _even_result(x, xf, vals, L, node_name, nan_aware):
    out = vals.reshape(L.out_shape)
    if not (_needs_grad(x) and xf.dtype.kind == "f"):
        return _wrap(out)
    node = _EVEN_NODES[node_name]((edge(x),), (xf, vals, L, nan_aware))
    result = _wrap_result(out, node)
    node._checks = (saved_version(x), output_version(result, node))
    return result


def max_min(name, x, dim=None, keepdim=False):
    """``x.max()`` (MaxBackward1) or ``x.max(dim, keepdim)`` -> (values, indices)."""
    a = x._data
    is_max = name == "max"
    if dim is None:
        if a.size == 0:
            raise RuntimeError(messages.reduction_dim_unspecified(name))
        L = layout(a.shape, _all(a.ndim), False)
        xf, vals, _ = _extremes(a, L, is_max)
        return _even_result(x, xf, vals, L, "MaxBackward1" if is_max else "MinBackward1", True)
    d = normalize_dim(_int_dim(name, dim), a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(messages.reduction_dim_empty(name, d))
    L = layout(a.shape, (d,) if a.ndim else (), bool(keepdim))
    _, vals, idx = _extremes(a, L, is_max)
    indices = _wrap(idx.reshape(L.out_shape))
    values = vals.reshape(L.out_shape)
    if _needs_grad(x):
        node = _INDEX_NODES["MaxBackward0" if is_max else "MinBackward0"](
            (edge(x),), (idx, L, a.dtype))
        values = _wrap_result(values, node)
        node._checks = (output_version(indices, node),)
    else:
        values = _wrap(values)
    return _new_tuple(return_types.max if is_max else return_types.min, (values, indices))


def amax_amin(name, x, dim=(), keepdim=False):
    a = x._data
    given = _given_dims(name, dim)
    dims = normalize_dims(given, a.ndim) if given else _all(a.ndim)
    if a.size == 0:
        if not given:
            raise RuntimeError(messages.reduction_dim_unspecified(name))
        for g in given:
            if a.shape[normalize_dim(g, a.ndim)] == 0:
                raise IndexError(messages.reduction_dim_empty(name, g))
    L = layout(a.shape, dims or _all(a.ndim), bool(keepdim))
    xf, vals, _ = _extremes(a, L, name == "amax")
    return _even_result(x, xf, vals, L, "AmaxBackward0" if name == "amax" else "AminBackward0",
                        False)


def argmax_argmin(name, x, dim=None, keepdim=False):
    a = x._data
    if a.dtype.kind == "b":
        raise RuntimeError(messages.arg_bool(name))
    if dim is None:
        if a.size == 0:
            raise IndexError(messages.arg_reduction_dim_unspecified(name))
        L = layout((a.size,), (0,), False)
        _, _, idx = _extremes(a.reshape(-1), L, name == "argmax")
        return _wrap(idx.reshape((1,) * a.ndim if keepdim else ()))
    d = normalize_dim(_int_dim(name, dim), a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(messages.reduction_dim_empty(name, d))
    L = layout(a.shape, (d,) if a.ndim else (), bool(keepdim))
    _, _, idx = _extremes(a, L, name == "argmax")
    return _wrap(idx.reshape(L.out_shape))


# ------------------------------------------------------------------ prod


class ProdNode(Node):
    """ProdBackward0/ProdBackward1: the product of the other entries, safe at zeros."""
    __slots__ = ()

    def _two_zeros(self, xf):
        # torch's prod_backward of a whole tensor with two zeros or more, outside grad
        # mode: zeros_like(input) (nan or inf elsewhere included); ProdBackward1 (a dim)
        # has no such shortcut, nor has create_graph (apply_graph)
        return type(self).__name__ == "ProdBackward0" and np.count_nonzero(xf == 0) > 1

    def apply(self, grad):
        xf, res, L, _ = self._saved_or_raise()
        if not L.in_shape:
            return (_flat_grad(grad, xf.dtype).reshape(()),)    # torch: a 0-d input gets grad
        if self._two_zeros(xf):
            return (np.zeros(L.in_shape, xf.dtype),)
        out = np.empty(xf.size, xf.dtype)
        K.prod_backward_middle_axis(_flat_grad(grad, xf.dtype), xf, res, L.A, L.R, L.B, out)
        return (L.unflat(out),)

    def apply_graph(self, grad):
        xf, res, L, x = self._saved_or_raise()
        if not L.in_shape:
            return (grad.reshape(()),)
        g = _spread(grad, L)
        if not (xf == 0).any():
            result = self.output(res.reshape(L.out_shape))
            return (g * (_spread(result, L) / x),)
        return (g * _prod_of_others(x, L),)


def _prod_of_others(x, L):
    """For each entry, the product of the other entries of its slice, as recorded
    ops (an (R, R) mask per slice: the O(R^2) way, taken only with zeros)."""
    shape = L.in_shape
    if len(L.dims) == len(shape) and len(shape) != 1:
        return _prod_of_others(x.reshape(-1), layout((x._data.size,), (0,), True)).reshape(shape)
    (d,) = L.dims
    R = shape[d]
    eye = np.eye(R, dtype=x._data.dtype).reshape((R, R) + (1,) * (len(shape) - d - 1))
    rows = x.reshape(shape[:d] + (1, R) + shape[d + 1:])
    return (rows * _wrap(1 - eye) + _wrap(eye)).prod(d + 1)


_PROD_NODES = {name: node_class(name, ProdNode) for name in ("ProdBackward0", "ProdBackward1")}
_ONE_FLOAT = np.float64(1)
_ONE_INT = np.int64(1)


def _as_dtype(x, dtype):
    """``x`` in the ``dtype`` argument of prod/cumsum (torch casts first; a
    non-float dtype can't carry a gradient)."""
    target = dtypes.to_dtype(dtype)
    if target.numpy.kind != "f" and _needs_grad(x):
        raise RuntimeError(messages.autograd_dtype(target._torch_name))
    return cast(x, target.numpy)


def prod(x, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        x = _as_dtype(x, dtype)
    a = x._data
    if a.dtype.kind in "biu":
        a = a.astype(np.int64)          # torch multiplies integers and bools as int64
    if dim is None:
        L = layout(a.shape, _all(a.ndim), False)
        name = "ProdBackward0"
    else:
        d = normalize_dim(_int_dim("prod", dim), a.ndim)
        L = layout(a.shape, (d,) if a.ndim else (), bool(keepdim))
        name = "ProdBackward1"
    xf = L.flat(a)
    res = np.empty(L.A * L.B, a.dtype)
    K.prod_middle_axis(xf, L.A, L.R, L.B, res, _ONE_FLOAT if a.dtype.kind == "f" else _ONE_INT)
    out = res.reshape(L.out_shape)
    if x._data.dtype.kind == "b" and dtype is not None:
        out = out.astype(np.bool_)      # torch: prod(dtype=bool) is a bool tensor
    if not _needs_grad(x):
        return _wrap(out)
    node = _PROD_NODES[name]((edge(x),), (xf, res, L, x))
    result = _wrap_result(out, node)
    node._checks = (saved_version(x), output_version(result, node))
    return result


# ------------------------------------------------------------------ var / std


class VarNode(Node):
    """VarBackward0/StdBackward0. Saved: flat input, its mean, the std (or
    None), the layout, and torch's backward scale and mode (see the kernel)."""
    __slots__ = ()

    def apply(self, grad):
        return (_var_grad_array(grad, self._saved_or_raise()),)

    def apply_graph(self, grad):
        saved = self._saved_or_raise()
        return (_var_grad_graph(self, grad, saved),)


def _var_grad_array(grad, saved):
    xf, mean, res, L, scale, mode, is_std, _ = saved
    out = np.empty(xf.size, xf.dtype)
    K.var_backward_middle_axis(_flat_grad(grad, xf.dtype), xf, mean,
                               mean if res is None else res, L.A, L.R, L.B,
                               xf.dtype.type(scale), mode, is_std, out)
    return L.unflat(out)


def _var_grad_graph(node, grad, saved):
    """The var/std gradient of ``grad`` (a Tensor) as recorded ops."""
    xf, mean, res, L, scale, mode, is_std, x = saved
    g = _spread(grad, L)
    if is_std:
        std = _spread(node.output(res.reshape(L.out_shape)), L)
        g = g / (std * 2 + (std == 0)) * (std != 0)
    if mode == 1:
        xv = L.unflat(xf)
        mv = L.unflat(_repeat_flat(mean, L))
        return g * _wrap(np.where(xv == mv, np.nan, np.inf).astype(xf.dtype))
    return g * scale * (x - x.mean(L.dims, keepdim=True))


def _repeat_flat(v, L):
    """A flat (A, B) array repeated over R: the flat (A, R, B) array."""
    out = np.empty(L.A * L.R * L.B, v.dtype)
    K.repeat_middle_axis(v, L.A, L.R, L.B, out)
    return out


class VarMeanNode(Node):
    """The shared node of var_mean/std_mean; each output reaches it through a
    selector of the same name (jitgrad's engine gives a node one gradient)."""
    __slots__ = ()

    def apply(self, grad):
        saved = self._saved_or_raise()
        g_var, g_mean = grad.grads
        L = saved[3]
        out = None
        if g_var is not None:
            out = _var_grad_array(g_var, saved)
        if g_mean is not None:
            dtype = saved[0].dtype
            gm = _flat_grad(g_mean, dtype)
            plan = reduce_plan(L.in_shape, L.dims, True)
            part = scale_array(repeat_to(gm.reshape(L.kept_shape), plan, L.in_shape),
                               1.0 / L.R if L.R else math.nan)
            out = part if out is None else out + part
        return (out,)

    def apply_graph(self, grad):
        saved = self._saved_or_raise()
        g_var, g_mean = grad.grads
        L = saved[3]
        out = None
        if g_var is not None:
            out = _var_grad_graph(self, g_var, saved)
        if g_mean is not None:
            part = _expand(_spread(g_mean, L) * (1.0 / L.R if L.R else math.nan), L.in_shape)
            out = part if out is None else out + part
        return (out,)

    def output(self, array):
        # output 0 (the std a formula needs) reaches this node through a selector
        sel = self.selector((self,), ())
        sel.index, sel.count = 0, 2
        return _wrap_result(array, sel)


_VAR_NODES = {name: node_class(name, VarNode) for name in ("VarBackward0", "StdBackward0")}
_VAR_MEAN_NODES = {name: node_class(name, VarMeanNode,
                                     selector=node_class(name, _OutputSelector))
                   for name in ("VarMeanBackward0", "StdMeanBackward0")}


def var_std(name, x, dim=None, correction=None, keepdim=False):
    """var, std, var_mean or std_mean (``name``); ``correction`` defaults to 1."""
    a = x._data
    if a.dtype.kind != "f":
        raise RuntimeError(messages.VAR_NOT_FLOAT if name in ("var", "std")
                           else messages.var_mean_not_float(name))
    if correction is None:
        correction = 1
    given = dim is not None
    dims = normalize_dims(dim, a.ndim) if given else ()
    L = layout(a.shape, dims or _all(a.ndim), bool(keepdim))
    n_out = L.A * L.B
    if (a.size // n_out if n_out else 0) - correction <= 0:
        warnings.warn(messages.dof_warning(name), UserWarning, stacklevel=3)
    xf = L.flat(a)
    res = np.empty(n_out, a.dtype)
    mean = np.empty(n_out, a.dtype)
    is_std = name.startswith("std")
    K.var_middle_axis(xf, L.A, L.R, L.B, float(max(0, L.R - correction)), is_std, res, mean)
    out = res.reshape(L.out_shape)
    with_mean = name.endswith("_mean")
    if not _needs_grad(x):
        return (_wrap(out), _wrap(mean.reshape(L.out_shape))) if with_mean else _wrap(out)
    # torch's var_backward: over the whole tensor (no dim, or a 0-d input) a dof <= 0
    # takes the nan/inf branch; with a dim the count is the product of the named sizes
    if not given or a.ndim == 0:
        dof = a.size - correction
        mode, scale = (1, 0.0) if dof <= 0 else (0, 2.0 / dof)
    else:
        dof = math.prod([a.shape[d] for d in dims]) - correction
        mode, scale = 0, (2.0 / dof if dof != 0 else math.inf)
    saved = (xf, mean, res if is_std else None, L, scale, mode, is_std, x)
    if not with_mean:
        node = _VAR_NODES["StdBackward0" if is_std else "VarBackward0"]((edge(x),), saved)
        result = _wrap_result(out, node)
        node._checks = (saved_version(x), output_version(result, node)) if is_std \
            else (saved_version(x),)
        return result
    node = _VAR_MEAN_NODES["StdMeanBackward0" if is_std else "VarMeanBackward0"](
        (edge(x),), saved)
    outputs = []
    for i, arr in enumerate((out, mean.reshape(L.out_shape))):
        sel = node.selector((node,), ())
        sel.index, sel.count = i, 2
        outputs.append(_wrap_result(arr, sel))
    node._checks = (saved_version(x), output_version(outputs[0], node)) if is_std \
        else (saved_version(x),)
    return tuple(outputs)


# ------------------------------------------------------------------ logsumexp


class LogsumexpNode(Node):
    __slots__ = ()

    def apply(self, grad):
        xf, res, L, _ = self._saved_or_raise()
        out = np.empty(xf.size, xf.dtype)
        g = _flat_grad(grad, xf.dtype)
        if L.B == 1:
            K.logsumexp_backward_rows(g, xf, res, L.A, L.R, out)
        else:
            K.logsumexp_backward_middle_axis(g, xf, res, L.A, L.R, L.B, out)
        return (L.unflat(out),)

    def apply_graph(self, grad):
        _, res, L, x = self._saved_or_raise()
        result = _spread(self.output(res.reshape(L.out_shape)), L)
        return (_spread(grad, L) * (x - result).exp(),)


_LOGSUMEXP_NODE = node_class("LogsumexpBackward0", LogsumexpNode)


def logsumexp(x, dim, keepdim=False):
    a = x._data
    if a.dtype.kind != "f":
        a = a.astype(dtypes.get_default_dtype().numpy)
    given = _given_dims("logsumexp", dim)
    if dim is None:
        raise TypeError(messages.dim_must_be_int_tuple("logsumexp", "NoneType"))
    dims = normalize_dims(given, a.ndim)
    if not given and a.ndim and not keepdim:
        # torch reduces everything into a kept-dims buffer and then fails to copy it out
        raise RuntimeError(messages.inplace_broadcast((), (1,) * a.ndim))
    L = layout(a.shape, dims or _all(a.ndim), bool(keepdim))
    xf = L.flat(a)
    res = np.empty(L.A * L.B, a.dtype)
    if L.B == 1:
        K.logsumexp_rows(xf, L.A, L.R, res)
    else:
        K.logsumexp_middle_axis(xf, L.A, L.R, L.B, res)
    out = res.reshape(L.out_shape)
    if not _needs_grad(x):
        return _wrap(out)
    node = _LOGSUMEXP_NODE((edge(x),), (xf, res, L, x))
    result = _wrap_result(out, node)
    node._checks = (saved_version(x), output_version(result, node))
    return result


# ------------------------------------------------------------------ cumsum


class CumsumNode(MetadataNode):
    """CumsumBackward0: the gradient is the cumsum of grad run backwards."""
    __slots__ = ()

    def apply(self, grad):
        L, reverse = self._saved
        g = _flat_grad(grad, grad.dtype)
        out = np.empty(g.size, g.dtype)
        K.cumsum_middle_axis(g, L.A, L.R, L.B, not reverse, out,
                             _ZERO_FLOAT if g.dtype.kind == "f" else _ZERO_INT)
        return (out.reshape(L.in_shape),)

    def apply_graph(self, grad):
        L, reverse = self._saved
        return (_scan(grad, grad._data, L, not reverse),)


_CUMSUM_NODE = node_class("CumsumBackward0", CumsumNode)
_ZERO_FLOAT = np.float64(0)
_ZERO_INT = np.int64(0)


def _scan(x, a, L, reverse):
    """The cumsum of ``a`` (x's values in the computation dtype), recorded."""
    xf = a.ravel()
    out = np.empty(xf.size, a.dtype)
    K.cumsum_middle_axis(xf, L.A, L.R, L.B, reverse, out,
                         _ZERO_FLOAT if a.dtype.kind == "f" else _ZERO_INT)
    out = out.reshape(a.shape)
    if not (_needs_grad(x) and a.dtype.kind == "f"):
        return _wrap(out)
    return _wrap_result(out, _CUMSUM_NODE((edge(x),), (L, reverse)))


def cumsum(x, dim, dtype=None):
    if dtype is not None:
        if dtypes.to_dtype(dtype).numpy.kind == "b":
            raise NotImplementedError(messages.not_implemented_kernel("cumsum_out_cpu", "Bool"))
        x = _as_dtype(x, dtype)
    a = x._data
    if a.dtype.kind in "biu" and a.dtype != np.int64:
        a = a.astype(np.int64)          # torch sums integers and bools as int64
    d = normalize_dim(_int_dim("cumsum", dim), a.ndim)
    return _scan(x, a, layout(a.shape, (d,) if a.ndim else (), True), False)
