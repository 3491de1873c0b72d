"""3-d max, average and adaptive max pooling: forward and backward side by side.

The windows are planned once per (shape, arguments) in numpy as a tap table
over each (D*H*W) plane, in the layout of ``kernels/pooling.py``, whose
2-d kernels then run unchanged (they only see planes and taps): max pooling
front-fills each window with its first valid position (torch keeps the first
maximum, NaN wins), average pooling lists the valid positions first.
MaxPool3DWithIndicesBackward0 scatters to the argmax (indices flat per plane,
as torch returns them), AvgPool3DBackward0 spreads grad / divisor.
"""
import math

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..kernels import pooling as K
from ..tensor import _wrap, _wrap_result
from .pooling import _flag, _key, _output_size, int_list, max_pool_result


class Plan3d:
    __slots__ = ("P", "HW", "L", "T", "in_shape", "out_shape", "taps", "cnt", "first", "full",
                 "div", "mask")


def _taps(S, O, K_, st, lo, dl, front_fill):
    """(L, T) flat in-plane positions, valid counts and torch's start index."""
    nd = len(S)
    pos = [np.arange(O[d])[:, None] * st[d] - lo[d] + np.arange(K_[d])[None, :] * dl[d]
           for d in range(nd)]
    strides = [math.prod(S[d + 1:]) for d in range(nd)]
    flat = np.zeros(tuple(O) + tuple(K_), np.int64)
    valid = np.ones(tuple(O) + tuple(K_), bool)
    for d in range(nd):
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = O[d], K_[d]
        p = pos[d].reshape(shape)
        flat = flat + p * strides[d]
        valid = valid & (p >= 0) & (p < S[d])
    L, T = math.prod(O), math.prod(K_)
    flat = flat.reshape(L, T)
    valid = valid.reshape(L, T)
    cnt = valid.sum(1).astype(np.int64)
    if front_fill:
        order = np.argsort(valid, axis=1, kind="stable")      # invalid first, then valid
        taps = np.take_along_axis(flat, order, 1)
        v = np.take_along_axis(valid, order, 1)
        firstvalid = taps[np.arange(L), np.minimum(T - cnt, T - 1)]
        taps = np.where(v, taps, firstvalid[:, None])
    else:
        order = np.argsort(~valid, axis=1, kind="stable")     # valid first
        taps = np.take_along_axis(flat, order, 1)
        v = np.take_along_axis(valid, order, 1)
        taps = np.where(v, taps, 0)
    # torch's initial argmax: each start moved into the input by whole dilations
    first = np.zeros(L, np.int64)
    for d in range(nd):
        s = np.arange(O[d]) * st[d] - lo[d]
        s = np.where(s < 0, s + ((-s + dl[d] - 1) // dl[d]) * dl[d], s)
        shape = [1] * nd
        shape[d] = O[d]
        first = (first.reshape(O) + s.reshape(shape) * strides[d]).reshape(-1)
    return np.ascontiguousarray(taps, np.int64), cnt, first, v


def _args3d(fname, kernel, stride, padding, dilation):
    if len(kernel) not in (1, 3):
        raise RuntimeError(messages.pool3d_param(fname, "kernel_size"))
    k = (kernel[0],) * 3 if len(kernel) == 1 else kernel
    if len(stride) not in (0, 1, 3):
        raise RuntimeError(messages.pool3d_param(fname, "stride"))
    s = k if not stride else ((stride[0],) * 3 if len(stride) == 1 else stride)
    if len(padding) not in (1, 3):
        raise RuntimeError(messages.pool3d_param(fname, "padding"))
    p = (padding[0],) * 3 if len(padding) == 1 else padding
    if len(dilation) not in (1, 3):
        raise RuntimeError(messages.pool3d_param(fname, "dilation"))
    d = (dilation[0],) * 3 if len(dilation) == 1 else dilation
    return k, s, p, d


def _plan(a, kernel_size, stride, padding, dilation, ceil_mode, fname, max_pool):
    kernel = int_list(fname, "kernel_size", 2, kernel_size)
    stride = () if stride is None else int_list(fname, "stride", 3, stride)
    padding = int_list(fname, "padding", 4, padding)
    dilation = int_list(fname, "dilation", 5, dilation)
    k, s, p, d = _args3d(fname.replace("_with_indices", ""), kernel, stride, padding, dilation)
    if a.ndim not in (4, 5) or any(n == 0 for n in a.shape[-4:]):
        raise RuntimeError(messages.MAX_POOL3D_INPUT_DIMS)
    if a.dtype.kind == "b" or (not max_pool and a.dtype == np.int32):
        raise NotImplementedError(messages.not_implemented_for(
            "max_pool3d" if max_pool else "avg_pool3d_out_frame",
            from_numpy(a.dtype)._torch_name))
    S = a.shape[-3:]
    O = tuple(_output_size(S[i], k[i], p[i], s[i], d[i], ceil_mode) for i in range(3))
    if not max_pool and any(S[i] < k[i] for i in range(3)):
        raise RuntimeError(messages.avg_pool3d_input_small(S, k))
    if min(O) < 1:
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, a.shape[-4:]))}). Calculated output size: "
            f"({'x'.join(map(str, (a.shape[-4],) + O))}). Output size is too small")
    plan = Plan3d()
    plan.in_shape = a.shape
    plan.out_shape = a.shape[:-3] + O
    plan.P = math.prod(a.shape[:-3])
    plan.HW = math.prod(S)
    plan.taps, plan.cnt, plan.first, valid = _taps(S, O, k, s, p, d, max_pool)
    plan.L, plan.T = plan.taps.shape
    plan.full = bool((plan.cnt > 0).all()) if max_pool else bool((plan.cnt == plan.T).all())
    plan.mask = valid
    plan.div = None
    return plan, O, k, s, p


# ------------------------------------------------------------------ max_pool3d


class MaxPool3dNode(Node):
    """Saved: (plan, flat indices)."""
    __slots__ = ()

    def apply(self, grad):
        plan, idx = self._saved_or_raise()
        g = np.ascontiguousarray(grad).reshape(-1)
        out = np.empty(plan.P * plan.HW, grad.dtype)
        K.max_pool2d_backward(g, idx, plan.P, plan.HW, plan.L, out)
        return (out.reshape(plan.in_shape),)

    def apply_graph(self, grad):
        from .shape_ops import scatter_add_zeros
        plan, idx = self._saved_or_raise()
        index = _wrap(idx.reshape(plan.P, plan.L))
        out = scatter_add_zeros(grad.reshape(plan.P, plan.L), 1, index, (plan.P, plan.HW))
        return (out.reshape(plan.in_shape),)


_MAX_POOL3D = node_class("MaxPool3DWithIndicesBackward0", MaxPool3dNode)
_ADAPTIVE_MAX3D = node_class("AdaptiveMaxPool3DBackward0", MaxPool3dNode)
_plans = {}


def _run_max(x, plan, node_cls, return_indices):
    a = np.ascontiguousarray(x._data)
    out = np.empty(plan.out_shape, a.dtype)
    idx = np.empty(plan.out_shape, np.int64)
    lowest = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    K.max_pool2d_forward(a.reshape(-1), plan.P, plan.HW, plan.taps, plan.cnt, plan.first,
                         plan.full, a.dtype.type(lowest), out.reshape(-1), idx.reshape(-1), True)
    return max_pool_result(x, out, idx, node_cls, (plan, idx.reshape(-1)), return_indices)


def max_pool3d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    fname = "max_pool3d_with_indices"
    _flag(fname, "ceil_mode", 6, ceil_mode)
    a = x._data
    key = ("max", a.shape, a.dtype, _key(kernel_size), _key(stride), _key(padding),
           _key(dilation), bool(ceil_mode))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _plan(a, kernel_size, stride, padding, dilation, bool(ceil_mode),
                                   fname, True)[0]
    return _run_max(x, plan, _MAX_POOL3D, return_indices)


def _windows(n_in, n_out):
    o = np.arange(n_out)
    return (o * n_in) // n_out, ((o + 1) * n_in + n_out - 1) // n_out


def adaptive_max_pool3d(x, output_size, return_indices=False):
    a = x._data
    if a.ndim not in (4, 5) or any(n == 0 for n in a.shape[-4:]):
        raise RuntimeError(
            "adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: "
            f"[{', '.join(map(str, a.shape))}]")
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "adaptive_max_pool3d_cpu", from_numpy(a.dtype)._torch_name))
    S = a.shape[-3:]
    osz = (output_size,) * 3 if isinstance(output_size, int) else tuple(output_size)
    O = tuple(S[i] if osz[i] is None else int(osz[i]) for i in range(3))
    key = ("adaptive", a.shape, O)
    plan = _plans.get(key)
    if plan is None:
        win = [_windows(S[i], O[i]) for i in range(3)]
        Kx = [int((e - s).max(initial=1)) for s, e in win]
        strides = [S[1] * S[2], S[2], 1]
        flat = np.zeros(O + tuple(Kx), np.int64)
        valid = np.ones(O + tuple(Kx), bool)
        for d in range(3):
            s, e = win[d]
            pos = s[:, None] + np.arange(Kx[d])[None, :]
            shape = [1] * 6
            shape[d], shape[3 + d] = O[d], Kx[d]
            flat = flat + np.minimum(pos, S[d] - 1).reshape(shape) * strides[d]
            valid = valid & (pos < e[:, None]).reshape(shape)
        L, T = math.prod(O), math.prod(Kx)
        flat, valid = flat.reshape(L, T), valid.reshape(L, T)
        order = np.argsort(valid, axis=1, kind="stable")
        taps = np.take_along_axis(flat, order, 1)
        v = np.take_along_axis(valid, order, 1)
        cnt = valid.sum(1)
        firstvalid = taps[np.arange(L), T - cnt]
        plan = Plan3d()
        plan.taps = np.ascontiguousarray(np.where(v, taps, firstvalid[:, None]), np.int64)
        plan.cnt = cnt.astype(np.int64)
        plan.first = firstvalid.astype(np.int64)
        plan.full = True
        plan.in_shape, plan.out_shape = a.shape, a.shape[:-3] + O
        plan.P, plan.HW, plan.L, plan.T = math.prod(a.shape[:-3]), math.prod(S), L, T
        _plans[key] = plan
    return _run_max(x, plan, _ADAPTIVE_MAX3D, return_indices)


# ------------------------------------------------------------------ avg_pool3d


class AvgPool3dNode(Node):
    """Saved: (plan,)."""
    __slots__ = ()

    def apply(self, grad):
        (plan,) = self._saved_or_raise()
        g = np.ascontiguousarray(grad).reshape(-1)
        out = np.empty(plan.P * plan.HW, grad.dtype)
        div = plan.div.astype(grad.dtype)                  # (float inputs only have grads)
        K.avg_pool2d_backward(g, plan.P, plan.HW, plan.taps, plan.cnt, plan.full, div, out)
        return (out.reshape(plan.in_shape),)

    def apply_graph(self, grad):
        from .shape_ops import scatter_add_zeros
        (plan,) = self._saved_or_raise()
        dt = grad._data.dtype
        w = (plan.mask / np.where(plan.cnt == 0, np.inf, plan.div)[:, None]).astype(dt)
        per = grad.reshape(plan.P, plan.L, 1) * _wrap(w)            # (P, L, T)
        index = _wrap(np.broadcast_to(plan.taps.reshape(1, -1), (plan.P, plan.L * plan.T)).copy())
        out = scatter_add_zeros(per.reshape(plan.P, plan.L * plan.T), 1, index,
                                (plan.P, plan.HW))
        return (out.reshape(plan.in_shape),)


_AVG_POOL3D = node_class("AvgPool3DBackward0", AvgPool3dNode)


def avg_pool3d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    fname = "avg_pool3d"
    _flag(fname, "ceil_mode", None, ceil_mode)
    _flag(fname, "count_include_pad", None, count_include_pad)
    a = x._data
    key = ("avg", a.shape, a.dtype, _key(kernel_size), _key(stride), _key(padding),
           bool(ceil_mode), bool(count_include_pad), _key(divisor_override))
    plan = _plans.get(key)
    if plan is None:
        if divisor_override is not None and divisor_override == 0:
            raise RuntimeError(messages.POOL_DIVISOR_ZERO)
        plan, O, k, s, p = _plan(a, kernel_size, stride, padding, 1, bool(ceil_mode), fname,
                                 False)
        S = a.shape[-3:]
        sizes, counts = 1, 1
        for d in range(3):
            st = np.arange(O[d]) * s[d] - p[d]
            en = np.minimum(st + k[d], S[d] + p[d])
            size = en - st
            cl = np.minimum(en, S[d]) - np.maximum(st, 0)
            shape = [1, 1, 1]
            shape[d] = O[d]
            sizes = sizes * size.reshape(shape)
            counts = counts * cl.reshape(shape)
        div = (np.full(counts.shape, divisor_override) if divisor_override is not None
               else sizes if count_include_pad else counts)
        # (integer inputs: the kernel's division truncates, as torch's)
        plan.div = div.reshape(-1).astype(a.dtype if a.dtype.kind == "f" else np.int64)
        _plans[key] = plan
    ac = np.ascontiguousarray(a)
    out = np.empty(plan.out_shape, a.dtype)
    K.avg_pool2d_forward(ac.reshape(-1), plan.P, plan.HW, plan.taps, plan.cnt, plan.full,
                         plan.div, a.dtype.type(0), out.reshape(-1))
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _AVG_POOL3D((edge(x),), (plan,), (saved_version(x),)))
