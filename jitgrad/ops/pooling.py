"""2-d max and average pooling: forward and backward side by side.

Each call plans once per (shape, dtype, arguments): torch's checks in its
order, the output size (ceil_mode's rule included) and the table of every
window's input positions, which the kernels share across all N * C
planes. Max pooling records MaxPool2DWithIndicesBackward0 and saves the
argmax indices (flat per plane, as torch returns them); average pooling
records AvgPool2DBackward0 with its divisors.
"""
import math

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..kernels import pooling as K
from ..tensor import _wrap, _wrap_result
from .. import parallel
from ..parallel import POOL_MIN as _PAR_MIN
from .shapes import is_int


def _c_div(a, b):
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def int_list(fname, name, position, value):
    """torch's parser of an int-list argument: an int (as a 1-tuple) or a
    sequence of ints; ``position`` None for an argument passed by keyword."""
    if is_int(value):
        return (int(value),)
    if isinstance(value, (tuple, list)):
        if value and not is_int(value[0]):
            raise TypeError(messages.int_list_element(fname, name, position, value[0]))
        for v in value:
            if not is_int(v):
                raise TypeError(messages.int_list_unpack(fname, name, position, v))
        return tuple(int(v) for v in value)
    raise TypeError(messages.int_list_arg(fname, name, position, value))


def _output_size(size, k, pad, stride, dilation, ceil_mode):
    """torch's pooling_output_shape, with its checks."""
    if stride == 0:
        raise RuntimeError(messages.POOL_STRIDE_ZERO)
    if pad < 0:
        raise RuntimeError(messages.pool_pad_negative(pad))
    if pad > _c_div((k - 1) * dilation + 1, 2):
        raise RuntimeError(messages.pool_pad_half_effective(pad, k, dilation))
    out = (size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)) \
        // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


class PoolPlan:
    """The windows shared by all planes: the tap table (kernels/pooling.py),
    how many valid positions each window has, and for average pooling the
    divisors."""
    __slots__ = ("P", "H", "W", "HW", "OH", "OW", "L", "KH", "KW", "sh", "sw", "ph", "pw",
                 "in_shape", "out_shape", "taps", "cnt", "first", "full", "div", "div_safe")

    def __init__(self, shape, kernel, stride, pad, dilation, OH, OW, max_pool):
        self.in_shape = shape
        self.P = math.prod(shape[:-2])
        self.H, self.W = shape[-2:]
        self.HW = self.H * self.W
        self.KH, self.KW = kernel
        self.sh, self.sw = stride
        self.ph, self.pw = pad
        self.OH, self.OW = OH, OW
        self.L = OH * OW
        self.out_shape = shape[:-2] + (OH, OW)
        T = self.KH * self.KW
        self.taps = np.empty((self.L, T), np.int64)
        self.cnt = np.empty(self.L, np.int64)
        self.first = np.empty(self.L, np.int64)
        K.pool_taps(self.H, self.W, OH, OW, self.KH, self.KW, self.sh, self.sw, self.ph, self.pw,
                    dilation[0], dilation[1], max_pool, self.taps, self.cnt, self.first)
        self.full = bool((self.cnt > 0).all()) if max_pool else bool((self.cnt == T).all())
        self.div = self.div_safe = None


def _pool_args(fname, kernel, stride, padding, dilation):
    """torch's checks of max_pool2d_with_indices / avg_pool2d, in its order."""
    if len(kernel) not in (1, 2):
        raise RuntimeError(messages.pool_param(fname, "kernel_size"))
    kh, kw = kernel[0], kernel[-1]
    if len(stride) not in (0, 1, 2):
        raise RuntimeError(messages.pool_param(fname, "stride"))
    sh, sw = (kh, kw) if not stride else (stride[0], stride[-1])
    if len(padding) not in (1, 2):
        raise RuntimeError(messages.pool_param(fname, "padding"))
    ph, pw = padding[0], padding[-1]
    if len(dilation) not in (1, 2):
        raise RuntimeError(messages.pool_param(fname, "dilation"))
    dh, dw = dilation[0], dilation[-1]
    return (kh, kw), (sh, sw), (ph, pw), (dh, dw)


def _shape_check(a, kernel, stride, pad, dilation, OH, OW):
    """torch's pool2d_shape_check."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, pad, dilation
    if kw <= 0 or kh <= 0:
        raise RuntimeError(messages.pool_kernel(kh, kw))
    if sw <= 0 or sh <= 0:
        raise RuntimeError(messages.pool_stride(sh, sw))
    if dh <= 0 or dw <= 0:
        raise RuntimeError(messages.pool_dilation(dh, dw))
    s = a.shape
    valid_dims = s[1] != 0 and s[2] != 0
    if not ((a.ndim == 3 and s[0] != 0 and valid_dims) or
            (a.ndim == 4 and valid_dims and s[3] != 0)):
        raise RuntimeError(messages.pool_input_dims(s))
    if _c_div(kw, 2) < pw or _c_div(kh, 2) < ph:
        raise RuntimeError(messages.pool_pad_half_kernel(pw, ph, kw, kh))
    if OW < 1 or OH < 1:
        raise RuntimeError(messages.pool_output_too_small(s[-3], s[-2], s[-1], OH, OW))


# ------------------------------------------------------------------ max_pool2d


class MaxPoolNode(Node):
    """Saved: (plan, flat indices)."""
    __slots__ = ()

    def apply(self, grad):
        return max_pool2d_backward(self._saved_or_raise(), (grad,), (True,))

    def apply_graph(self, grad):
        # the gradient scattered to the argmax positions, as a recorded scatter_add
        from .shape_ops import scatter_add_zeros
        plan, idx = self._saved_or_raise()
        L = plan.OH * plan.OW
        index = _wrap(idx.reshape(plan.P, L))
        out = scatter_add_zeros(grad.reshape(plan.P, L), 1, index, (plan.P, plan.H * plan.W))
        return (out.reshape(plan.in_shape),)


_MAX_POOL_NODE = node_class("MaxPool2DWithIndicesBackward0", MaxPoolNode)
_max_plans = {}


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    _flag("max_pool2d_with_indices" if return_indices else "max_pool2d", "ceil_mode", 6,
          ceil_mode)
    need = return_indices or (x._requires_grad and grad_state.enabled)
    (out, idx), saved = _max_pool(x._data, kernel_size, stride, padding, dilation, ceil_mode,
                                  return_indices, need)
    return max_pool_result(x, out, idx, _MAX_POOL_NODE, saved, return_indices)


def max_pool_result(x, out, idx, node_class, saved, return_indices):
    """A max pooling's result (and its indices when asked), with a
    ``node_class`` node saving ``saved`` when x requires grad."""
    if not (x._requires_grad and grad_state.enabled):
        result = _wrap(out)
        return (result, _wrap(idx)) if return_indices else result
    node = node_class((edge(x),), saved)
    result = _wrap_result(out, node)
    if return_indices:
        indices = _wrap(idx)
        node._checks = (saved_version(x), output_version(indices, node))
        return result, indices
    node._checks = (saved_version(x),)
    return result


def _max_pool(a, kernel_size, stride, padding, dilation, ceil_mode, return_indices, need):
    key = (a.shape, a.dtype, _key(kernel_size), _key(stride), _key(padding), _key(dilation),
           bool(ceil_mode))
    try:
        plan = _max_plans.get(key)
    except TypeError:
        plan = None
    if plan is None:
        plan = _max_plan(a, kernel_size, stride, padding, dilation, bool(ceil_mode),
                         "max_pool2d_with_indices" if return_indices else "max_pool2d")
        _max_plans[key] = plan
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    out = np.empty(plan.out_shape, a.dtype)
    idx = np.empty(plan.out_shape, np.int64)
    lowest = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    x, o, ix, HW, L = a.reshape(-1), out.reshape(-1), idx.reshape(-1), plan.HW, plan.L
    args = (plan.taps, plan.cnt, plan.first, plan.full, a.dtype.type(lowest))
    if x.size < _PAR_MIN:
        K.max_pool2d_forward(x, plan.P, HW, *args, o, ix, need)
    else:
        def planes(p0, p1):     # each plane alone: the same values at any split
            K.max_pool2d_forward.nogil(x[p0 * HW:p1 * HW], p1 - p0, HW, *args, o[p0 * L:p1 * L],
                                 ix[p0 * L:p1 * L], need)
        parallel.rows(planes, plan.P, HW)
    return (out, idx), (plan, ix)


def max_pool2d_forward(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                       return_indices=False):
    """The op table's forward (``derivatives.COMPOSITE["max_pool2d"]``) on an
    array: the outputs as ``max_pool2d`` returns them (with the indices when
    asked), saved (plan, the flat argmax indices)."""
    (out, idx), saved = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode,
                                  return_indices, True)
    return ((out, idx) if return_indices else (out,)), saved


def max_pool2d_backward(saved, grads, needs):
    """The gradient scattered to the argmax positions."""
    plan, idx = saved
    grad = grads[0]
    g = grad.reshape(-1) if grad.flags.c_contiguous else np.ascontiguousarray(grad).reshape(-1)
    out = np.empty(plan.P * plan.HW, grad.dtype)
    HW, L = plan.HW, plan.L
    if out.size < _PAR_MIN:
        K.max_pool2d_backward(g, idx, plan.P, HW, L, out)
    else:
        def planes(p0, p1):
            K.max_pool2d_backward.nogil(g[p0 * L:p1 * L], idx[p0 * L:p1 * L], p1 - p0, HW, L,
                                  out[p0 * HW:p1 * HW])
        parallel.rows(planes, plan.P, HW)
    return (out.reshape(plan.in_shape),)


def _max_plan(a, kernel_size, stride, padding, dilation, ceil_mode, fname):
    kernel = int_list(fname, "kernel_size", 2, kernel_size)
    stride = () if stride is None else int_list(fname, "stride", 3, stride)
    padding = int_list(fname, "padding", 4, padding)
    dilation = int_list(fname, "dilation", 5, dilation)
    kernel, stride, pad, dil = _pool_args("max_pool2d", kernel, stride, padding, dilation)
    if a.ndim not in (3, 4):
        raise RuntimeError(messages.MAX_POOL_INPUT_DIMS)
    H, W = a.shape[-2:]
    OH = _output_size(H, kernel[0], pad[0], stride[0], dil[0], ceil_mode)
    OW = _output_size(W, kernel[1], pad[1], stride[1], dil[1], ceil_mode)
    _shape_check(a, kernel, stride, pad, dil, OH, OW)
    if a.dtype.kind == "b":
        raise NotImplementedError(messages.not_implemented_for("max_pool2d", "Bool"))
    return PoolPlan(a.shape, kernel, stride, pad, dil, OH, OW, True)


# ------------------------------------------------------------------ avg_pool2d


class AvgPoolNode(Node):
    """Saved: (plan,)."""
    __slots__ = ()

    def apply(self, grad):
        return avg_pool2d_backward(self._saved_or_raise(), (grad,), (True,))

    def apply_graph(self, grad):
        # each output's gradient / divisor spread over its window: fold (col2im) of the
        # values repeated over the kernel positions
        from .conv import Geometry, fold_op
        (plan,) = self._saved_or_raise()
        L = plan.OH * plan.OW
        KK = plan.KH * plan.KW
        geom = Geometry(1, plan.H, plan.W, plan.KH, plan.KW, plan.sh, plan.sw, plan.ph, plan.pw,
                        1, 1, plan.OH, plan.OW)
        per = grad.reshape(plan.P, 1, L) / _wrap(plan.div_safe.astype(grad._data.dtype))
        cols = per.expand(plan.P, KK, L)
        return (fold_op(cols, geom).reshape(plan.in_shape),)


_AVG_POOL_NODE = node_class("AvgPool2DBackward0", AvgPoolNode)
_avg_plans = {}


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    _flag("avg_pool2d", "ceil_mode", None, ceil_mode)
    _flag("avg_pool2d", "count_include_pad", None, count_include_pad)
    (out,), saved = avg_pool2d_forward(x._data, kernel_size, stride, padding, ceil_mode,
                                       count_include_pad, divisor_override)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _AVG_POOL_NODE((edge(x),), saved, (saved_version(x),)))


def avg_pool2d_forward(input, kernel_size, stride=None, padding=0, ceil_mode=False,
                       count_include_pad=True, divisor_override=None):
    """The op table's forward (``derivatives.COMPOSITE["avg_pool2d"]``) on an
    array: ((output,), (plan,)); the plan holds the divisors."""
    a = input
    key = (a.shape, a.dtype, _key(kernel_size), _key(stride), _key(padding), bool(ceil_mode),
           bool(count_include_pad), _key(divisor_override))
    try:
        plan = _avg_plans.get(key)
    except TypeError:
        plan = None
    if plan is None:
        plan = _avg_plans[key] = _avg_plan(a, kernel_size, stride, padding, bool(ceil_mode),
                                           bool(count_include_pad), divisor_override)
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    out = np.empty(plan.out_shape, a.dtype)
    xf, o, HW, L = a.reshape(-1), out.reshape(-1), plan.HW, plan.L
    if xf.size < _PAR_MIN:
        K.avg_pool2d_forward(xf, plan.P, HW, plan.taps, plan.cnt, plan.full, plan.div,
                             a.dtype.type(0), o)
    else:
        def planes(p0, p1):
            K.avg_pool2d_forward.nogil(xf[p0 * HW:p1 * HW], p1 - p0, HW, plan.taps, plan.cnt,
                                 plan.full, plan.div, a.dtype.type(0), o[p0 * L:p1 * L])
        parallel.rows(planes, plan.P, HW)
    return (out,), (plan,)


def avg_pool2d_backward(saved, grads, needs):
    """Each output's gradient / its divisor, spread over its window."""
    (plan,) = saved
    grad = grads[0]
    g = grad.reshape(-1) if grad.flags.c_contiguous else np.ascontiguousarray(grad).reshape(-1)
    out = np.empty(plan.P * plan.HW, grad.dtype)
    div = plan.div if plan.div.dtype == grad.dtype else plan.div.astype(grad.dtype)
    HW, L = plan.HW, plan.L
    if out.size < _PAR_MIN:
        K.avg_pool2d_backward(g, plan.P, HW, plan.taps, plan.cnt, plan.full, div, out)
    else:
        def planes(p0, p1):
            K.avg_pool2d_backward.nogil(g[p0 * L:p1 * L], p1 - p0, HW, plan.taps, plan.cnt,
                                  plan.full, div, out[p0 * HW:p1 * HW])
        parallel.rows(planes, plan.P, HW)
    return (out.reshape(plan.in_shape),)


def _avg_plan(a, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    fname = "avg_pool2d"
    # avg_pool2d is torch's builtin: only positional arguments are reported with a position
    kernel = int_list(fname, "kernel_size", 2, kernel_size)
    stride = () if stride is None else int_list(fname, "stride", None, stride)
    padding = int_list(fname, "padding", None, padding)
    if divisor_override is not None and (not isinstance(divisor_override, (int, np.integer))
                                         or isinstance(divisor_override, bool)):
        raise TypeError(messages.int_arg(fname, "divisor_override", divisor_override))
    kernel, stride, pad, _ = _pool_args(fname, kernel, stride, padding, (1,))
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(messages.POOL_DIVISOR_ZERO)
    if a.ndim < 3:
        raise IndexError(messages.dim_out_of_range(-3, a.ndim))
    H, W = a.shape[-2:]
    OH = _output_size(H, kernel[0], pad[0], stride[0], 1, ceil_mode)
    OW = _output_size(W, kernel[1], pad[1], stride[1], 1, ceil_mode)
    _shape_check(a, kernel, stride, pad, (1, 1), OH, OW)
    if a.dtype.kind in "b" or a.dtype == np.int32:
        raise NotImplementedError(messages.not_implemented_for(
            "avg_pool2d", from_numpy(a.dtype)._torch_name))
    plan = PoolPlan(a.shape, kernel, stride, pad, (1, 1), OH, OW, False)
    counts = np.empty(OH * OW, np.int64)
    K.avg_pool_divisors(OH, OW, H, W, stride[0], stride[1], pad[0], pad[1], kernel[0],
                        kernel[1], count_include_pad, int(divisor_override or 0), counts)
    plan.div = counts.astype(a.dtype) if a.dtype.kind == "f" else counts
    # the create_graph path divides by these: a window without input gets no gradient
    plan.div_safe = np.where(plan.cnt == 0, np.inf, counts).astype(np.float64)
    return plan


def _flag(fname, arg, position, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(messages.must_be(fname, arg, "bool", value, position))


def _key(v):
    """A memo key for an int-list argument that tells 2 from 2.0 and True (equal in
    Python; torch's parser refuses the last two)."""
    if isinstance(v, (tuple, list)):
        return tuple((type(e), e) for e in v)
    return type(v), v

