"""Padding, interpolation, adaptive pooling and pixel shuffling (F.pad,
F.interpolate, F.adaptive_avg_pool2d / adaptive_max_pool2d, F.pixel_shuffle /
pixel_unshuffle): forward and backward side by side, in numpy.

Most of these are linear maps that act on each spatial axis separately:
output position o along an axis reads the input positions ``idx[o, :]``
with weights ``wts[o, :]`` (one tap for padding and nearest, two for
linear, four for cubic, up to the largest window for adaptive averaging).
``AxisPlan`` holds those tables once per (shape, arguments) and applies
the map axis by axis with a few vectorised gathers; its adjoint (the
backward) sums the gathered contributions back with one sort order and
``np.add.reduceat`` per axis, so no per-element Python runs. The adjoint
is itself recorded as an op (torch's ``...BackwardBackward0`` nodes) for
create_graph, and its backward is the map again.

Constant padding is ConstantPadNdBackward0 (its adjoint: the same padding
negated); circular padding copies slices into a new tensor as torch does
(CopySlices); adaptive max pooling reuses max_pool2d's kernels on a table
of adaptive windows.

The op table's Kernel entries of this file (constant_pad_nd,
upsample_nearest2d, upsample_bilinear2d, adaptive_avg_pool2d,
adaptive_max_pool2d) have array functions ``<name>_forward`` /
``<name>_backward`` that the eager nodes and jitgrad.compile share;
``<name>_covers`` says which calls of F.pad / F.interpolate are the entry's
(a mode, a number of dimensions).
"""
import math
import numbers

import numpy as np

from .. import messages
from ..autograd.graph import MetadataNode, Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..kernels import pooling as KP
from ..quiet import quiet
from ..tensor import Tensor, _wrap, _wrap_result
from .elementwise import scale_array
from .pooling import max_pool_result
from .reductions import _plan_for
from .shapes import reduce_sum, repeat_to


# ------------------------------------------------------------------ separable linear maps


class AxisStep:
    """One axis of a separable map: output o = sum_t wts[o, t] * input[idx[o, t]]."""
    __slots__ = ("axis", "size", "idx", "wts", "order", "src", "sw", "starts", "uniq", "block",
                 "valid", "tmin")

    def __init__(self, axis, size, idx, wts, block=0, valid=None):
        self.axis, self.size = axis, size
        # block k: output o averages inputs [o*k, (o+1)*k) (adaptive pooling of a divisible
        # size): a reshape and a mean instead of k gathers
        self.block = block
        self.idx = np.ascontiguousarray(idx, np.int64)
        self.wts = None if wts is None else np.ascontiguousarray(wts, np.float64)
        O, T = self.idx.shape
        # valid (O, T): which taps exist (windows of different lengths); the others are
        # left out of both directions, so a nan or inf never meets their zero weight
        self.valid = valid
        self.tmin = T if valid is None else int(valid.sum(1).min(initial=T))
        flat = self.idx.T.reshape(-1)                    # (t, o) order
        keep = None if valid is None else np.flatnonzero(valid.T.reshape(-1))
        if keep is not None:
            flat = flat[keep]
        order = np.argsort(flat, kind="stable")
        s = flat[order]
        self.starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]]) if len(s) else \
            np.zeros(0, np.int64)
        self.uniq = s[self.starts]
        if keep is not None:
            order = keep[order]
        self.src = order % O                             # the output each entry reads
        self.order = order
        self.sw = None if wts is None else self.wts.T.reshape(-1)[order]

    def _bshape(self, ndim, n):
        shape = [1] * ndim
        shape[self.axis] = n
        return shape

    def forward(self, a):
        ax = self.axis
        if self.block:
            k = self.block
            return a.reshape(a.shape[:ax] + (a.shape[ax] // k, k) + a.shape[ax + 1:]).mean(
                ax + 1, dtype=a.dtype)
        if self.wts is None:
            return np.take(a, self.idx[:, 0], axis=ax)
        out = None
        dt = a.dtype
        for t in range(self.idx.shape[1]):
            w = self.wts[:, t].astype(dt).reshape(self._bshape(a.ndim, len(self.wts)))
            term = np.take(a, self.idx[:, t], axis=ax) * w
            if t >= self.tmin:                           # some windows end before tap t
                term = np.where(self.valid[:, t].reshape(w.shape), term, dt.type(0))
            out = term if out is None else out + term
        return out

    def adjoint(self, g):
        ax = self.axis
        if self.block:
            k = self.block
            return np.repeat(g * g.dtype.type(1.0 / k), k, axis=ax)
        if not len(self.src):                            # an empty output
            shape = list(g.shape)
            shape[ax] = self.size
            return np.zeros(shape, g.dtype)
        c = np.take(g, self.src, axis=ax)
        if self.sw is not None:
            c *= self.sw.astype(g.dtype).reshape(self._bshape(g.ndim, len(self.sw)))
        sums = np.add.reduceat(c, self.starts, axis=ax)
        shape = list(g.shape)
        shape[ax] = self.size
        if len(self.uniq) == self.size:                  # every input position is read
            return sums
        out = np.zeros(shape, g.dtype)
        key = [slice(None)] * g.ndim
        key[ax] = self.uniq
        out[tuple(key)] = sums
        return out


class AxisPlan:
    __slots__ = ("steps", "in_shape", "out_shape")

    def __init__(self, in_shape, steps):
        self.in_shape = tuple(in_shape)
        self.steps = steps
        shape = list(in_shape)
        for s in steps:
            shape[s.axis] = len(s.idx)
        self.out_shape = tuple(shape)

    # inf * 0 and inf - inf give nan silently, as in torch (numpy would warn)
    def forward(self, a):
        return quiet(self._forward, a)

    def adjoint(self, g):
        return quiet(self._adjoint, g)

    def _forward(self, a):
        for s in self.steps:
            a = s.forward(a)
        return np.ascontiguousarray(a)

    def _adjoint(self, g):
        for s in reversed(self.steps):
            g = s.adjoint(g)
        return np.ascontiguousarray(g)


class AxisMapNode(MetadataNode):
    """Saved: (plan, adjoint node class or None when this node is the adjoint's,
    forward node class)."""
    __slots__ = ()

    def apply(self, grad):
        plan, adj_cls, fwd_cls = self._saved
        if adj_cls is None:                          # the adjoint op: its backward is the map
            return (plan.forward(grad),)
        return (plan.adjoint(grad),)

    def apply_graph(self, grad):
        plan, adj_cls, fwd_cls = self._saved
        if adj_cls is None:
            return (axis_map(grad, plan, fwd_cls, None),)
        return (axis_map(grad, plan, adj_cls, None, adjoint=True, fwd_cls=fwd_cls),)


def axis_map(x, plan, cls, adj_cls, adjoint=False, fwd_cls=None):
    a = x._data
    out = plan.adjoint(a) if adjoint else plan.forward(a)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    saved = (plan, None, fwd_cls) if adjoint else (plan, adj_cls, cls)
    return _wrap_result(out, cls((edge(x),), saved))


def _names(name):
    return (node_class(name + "Backward0", AxisMapNode),
            node_class(name + "BackwardBackward0", AxisMapNode))


# ------------------------------------------------------------------ F.pad


_REFLECT = {n: _names(f"ReflectionPad{n}D") for n in (1, 2, 3)}
_REPLICATE = {n: _names(f"ReplicationPad{n}D") for n in (1, 2, 3)}


class ConstantPadNode(MetadataNode):
    """Saved: (pads,) as torch's pad list (last dim first)."""
    __slots__ = ()

    def apply(self, grad):
        return constant_pad_nd_backward(self._saved, (grad,), (True,))

    def apply_graph(self, grad):
        (pads,) = self._saved
        return (constant_pad(grad, [-p for p in pads], 0),)


_CONSTANT_PAD = node_class("ConstantPadNdBackward0", ConstantPadNode)


def _constant_pad_array(a, pads, value):
    nd = len(pads) // 2
    shape = list(a.shape)
    src, dst = [slice(None)] * a.ndim, [slice(None)] * a.ndim
    for i in range(nd):
        d = a.ndim - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        n = a.shape[d]
        shape[d] = n + lo + hi
        src[d] = slice(max(-lo, 0), n - max(-hi, 0))
        dst[d] = slice(max(lo, 0), shape[d] - max(hi, 0))
    if any(s < 0 for s in shape):
        raise RuntimeError(messages.pad_negative_size(a.shape, shape))
    out = np.empty(shape, a.dtype)
    if value == 0 or a.dtype.kind == "b":
        out.fill(bool(value) if a.dtype.kind == "b" else 0)
    else:
        out.fill(value)
    if 0 not in out.shape:
        out[tuple(dst)] = a[tuple(src)]
    return out


def constant_pad(x, pads, value=0):
    a = x._data
    out = _constant_pad_array(a, pads, value)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _CONSTANT_PAD((edge(x),), (tuple(pads),)))


def constant_pad_nd_covers(input, pad, mode="constant", value=None):
    """The op table takes F.pad's constant mode only (the others are their own
    ops: reflection, replication, circular)."""
    return mode == "constant"


def constant_pad_nd_forward(input, pad, mode="constant", value=None):
    """The op table's forward (``derivatives.COMPOSITE["constant_pad_nd"]``):
    F.pad of an array in constant mode, arguments checked by ``pad``:
    ((output,), (pads,))."""
    pads = [int(p) for p in pad]
    return (_constant_pad_array(input, pads, 0 if value is None else value),), (tuple(pads),)


def constant_pad_nd_backward(saved, grads, needs):
    """The gradient cropped back: the padding negated."""
    (pads,) = saved
    return (_constant_pad_array(grads[0], [-p for p in pads], 0),)


_pad_plans = {}


def _index_pad_plan(shape, pads, mode):
    steps = []
    nd = len(pads) // 2
    for i in range(nd):
        d = len(shape) - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        n = shape[d]
        if mode == "reflect":
            if lo >= n or hi >= n:
                raise RuntimeError(messages.reflection_pad_size((lo, hi), d, shape))
        j = np.arange(-lo, n + hi)
        if mode == "reflect":
            j = np.abs(j)
            j = np.where(j >= n, 2 * (n - 1) - j, j)
        else:
            j = np.clip(j, 0, n - 1)
        steps.append(AxisStep(d, n, j[:, None], None))
    return AxisPlan(shape, steps)


def pad(x, pad, mode="constant", value=None):
    if not isinstance(x, Tensor):
        raise TypeError(messages.pad_input_type(x))
    pads = [int(p) for p in pad]
    if len(pads) % 2:
        raise RuntimeError(messages.PAD_LENGTH_EVEN)
    a = x._data
    if len(pads) // 2 > a.ndim:
        raise RuntimeError(messages.pad_too_long(len(pads), a.ndim))
    if mode == "constant":
        return constant_pad(x, pads, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(messages.pad_value_mode(mode))
    nd = len(pads) // 2
    if not ((nd == 1 and a.ndim in (2, 3)) or (nd == 2 and a.ndim in (3, 4))
            or (nd == 3 and a.ndim in (4, 5))):
        raise NotImplementedError(messages.pad_mode_dims(len(pads), a.ndim))
    if mode == "circular":
        return _circular_pad(x, pads)
    if mode not in ("reflect", "replicate"):
        raise NotImplementedError(messages.pad_mode_unknown(mode))
    if a.dtype.kind == "b":
        raise NotImplementedError(messages.not_implemented_for(
            f"{'reflection' if mode == 'reflect' else 'replication'}_pad{nd}d", "Bool"))
    key = (a.shape, tuple(pads), mode)
    plan = _pad_plans.get(key)
    if plan is None:
        plan = _pad_plans[key] = _index_pad_plan(a.shape, pads, mode)
    cls, adj = (_REFLECT if mode == "reflect" else _REPLICATE)[nd]
    return axis_map(x, plan, cls, adj)


def _circular_pad(x, pads):
    """torch's _pad_circular: the input copied into a new tensor, then each padded
    side copied from the opposite edge (recorded as CopySlices)."""
    from ..factories import empty
    a = x._data
    nd = len(pads) // 2
    in_shape = a.shape
    out_shape = list(in_shape)
    for i in range(nd):
        d = a.ndim - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        if lo > in_shape[d] or hi > in_shape[d]:
            raise RuntimeError(messages.CIRCULAR_PAD_WRAP)
        out_shape[d] = in_shape[d] + lo + hi
        if out_shape[d] <= 0:
            raise RuntimeError(messages.pad_negative_size(in_shape, out_shape))
    out = empty(*out_shape, dtype=x.dtype)
    oslice, islice = [slice(None)] * a.ndim, [slice(None)] * a.ndim
    for i in range(nd):
        d = a.ndim - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        oslice[d] = slice(max(lo, 0), out_shape[d] - max(hi, 0))
        islice[d] = slice(max(-lo, 0), in_shape[d] - max(-hi, 0))
    out[tuple(oslice)] = x[tuple(islice)]
    for i in range(nd):
        d = a.ndim - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        key_o = [slice(None)] * a.ndim
        key_i = [slice(None)] * a.ndim
        if lo > 0:
            key_o[d] = slice(0, lo)
            key_i[d] = slice(out_shape[d] - lo - max(hi, 0), out_shape[d] - max(hi, 0))
            out[tuple(key_o)] = out[tuple(key_i)].clone()
        if hi > 0:
            key_o[d] = slice(out_shape[d] - hi, out_shape[d])
            key_i[d] = slice(max(lo, 0), max(lo, 0) + hi)
            out[tuple(key_o)] = out[tuple(key_i)].clone()
    return out


# ------------------------------------------------------------------ interpolation


_UPSAMPLE = {
    ("nearest", 1): _names("UpsampleNearest1D"), ("nearest", 2): _names("UpsampleNearest2D"),
    ("nearest-exact", 1): _names("UpsampleNearestExact1D"),
    ("nearest-exact", 2): _names("UpsampleNearestExact2D"),
    ("linear", 1): _names("UpsampleLinear1D"), ("bilinear", 2): _names("UpsampleBilinear2D"),
    ("bicubic", 2): _names("UpsampleBicubic2D"), ("trilinear", 3): _names("UpsampleTrilinear3D"),
    ("nearest", 3): _names("UpsampleNearest3D"),
    ("nearest-exact", 3): _names("UpsampleNearestExact3D"),
}


def _scale(dt, n_in, n_out, align_corners, scale):
    """torch's area_pixel_compute_scale, in the op's math type ``dt``."""
    if align_corners:
        return dt(n_in - 1) / dt(n_out - 1) if n_out > 1 else dt(0)
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(n_in) / dt(n_out)


def _source(dt, scale, o, align_corners, cubic):
    if align_corners:
        return scale * o.astype(dt)
    src = scale * (o.astype(dt) + dt(0.5)) - dt(0.5)
    return src if cubic else np.maximum(src, dt(0))


def _cubic_coeffs(t, dt):
    A = dt(-0.75)

    def c1(x):
        return ((A + dt(2)) * x - (A + dt(3))) * x * x + dt(1)

    def c2(x):
        return ((A * x - dt(5) * A) * x + dt(8) * A) * x - dt(4) * A
    return np.stack([c2(t + dt(1)), c1(t), c1(dt(1) - t), c2(dt(2) - t)], 1)


def _interp_step(axis, n_in, n_out, mode, align_corners, scale, dt):
    o = np.arange(n_out)
    if mode == "nearest":
        if n_out == n_in:
            idx = o
        elif n_out == 2 * n_in:
            idx = o >> 1
        else:
            s = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
                np.float32(n_in) / np.float32(n_out)
            idx = np.minimum(np.floor(o.astype(np.float32) * s).astype(np.int64), n_in - 1)
        return AxisStep(axis, n_in, idx[:, None], None)
    if mode == "nearest-exact":
        s = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
            np.float32(n_in) / np.float32(n_out)
        idx = np.minimum(np.floor((o + 0.5) * np.float64(s)).astype(np.int64), n_in - 1)
        return AxisStep(axis, n_in, idx[:, None], None)
    sc = _scale(dt, n_in, n_out, align_corners, scale)
    real = _source(dt, sc, o, align_corners, mode == "bicubic")
    i0 = np.minimum(np.floor(real).astype(np.int64), n_in - 1)
    lam = np.minimum(np.maximum(real - i0.astype(dt), dt(0)), dt(1)).astype(dt)
    if mode in ("linear", "bilinear", "trilinear"):
        if n_out == n_in:
            # torch's compute_source_index_and_lambda: the same position twice, weights 1
            # and 0 (an infinity still gives nan, as torch's)
            i0, lam = o, np.zeros(n_out, dt)
        i1 = i0 + (i0 < n_in - 1) if n_out != n_in else i0
        idx = np.stack([i0, i1], 1)
        wts = np.stack([dt(1) - lam, lam], 1)
    else:
        idx = np.clip(i0[:, None] + np.arange(-1, 3), 0, n_in - 1)
        wts = _cubic_coeffs(lam, dt)
    return AxisStep(axis, n_in, idx, wts)


_interp_plans = {}


def interp_sizes(shape, size, scale_factor, mode, recompute_scale_factor, antialias):
    """F.interpolate's output size and per-axis scales (None: from the sizes)
    for an input of ``shape``, with torch's checks of the arguments."""
    dim = len(shape) - 2
    if size is not None and scale_factor is not None:
        raise ValueError(messages.INTERP_SIZE_AND_SCALE)
    elif size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(messages.interp_size_dims(list(shape[2:]), size))
            if not all(isinstance(s, numbers.Integral) for s in size):
                raise TypeError(messages.interp_size_types([type(s) for s in size]))
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(messages.interp_scale_dims(list(shape[2:]), scale_factor))
            scale_factors = list(scale_factor)
        else:
            scale_factors = [scale_factor] * dim
    else:
        raise ValueError(messages.INTERP_NEITHER)
    if recompute_scale_factor and size is not None:
        raise ValueError(messages.INTERP_RECOMPUTE_WITH_SIZE)
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [math.floor(float(shape[i + 2] * scale_factors[i]))
                       for i in range(dim)]
        scale_factors = None
    if antialias:
        if mode not in ("bilinear", "bicubic", "lanczos") or len(shape) != 4:
            raise ValueError(messages.INTERP_ANTIALIAS)
    if output_size is None:
        # torch's upsample ops: the output size from the scales (a C++ truncation)
        output_size = [int(shape[i + 2] * float(scale_factors[i])) for i in range(dim)]
    scales = [None] * dim if scale_factors is None else [float(s) for s in scale_factors]
    return output_size, scales


def _upsample_kernel(mode, ndim):
    """The kernel torch names when it refuses a dtype."""
    if mode.startswith("nearest"):
        return "upsample_nearest2d_channels_last" if ndim == 4 else \
            "compute_indices_weights_nearest"
    if mode == "bicubic":
        return "compute_indices_weights_cubic"
    return "upsample_bilinear2d_channels_last" if ndim == 4 else "compute_indices_weights_linear"


def upsample(x, size, scales, mode, align_corners):
    """The ATen upsample op for ``mode`` on the trailing len(size) axes, with
    output ``size`` and the optional per-axis ``scales`` (None: from the sizes)."""
    a = x._data
    nd = len(size)
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            _upsample_kernel(mode, a.ndim), from_numpy(a.dtype)._torch_name))
    cls, adj = _UPSAMPLE[(mode, nd)]
    return axis_map(x, _upsample_plan(a, size, scales, mode, align_corners), cls, adj)


def _upsample_plan(a, size, scales, mode, align_corners):
    key = (a.shape, a.dtype, tuple(size), tuple(scales), mode, align_corners)
    plan = _interp_plans.get(key)
    if plan is None:
        nd = len(size)
        dt = np.float64 if a.dtype == np.float64 else np.float32
        steps = [_interp_step(a.ndim - nd + i, a.shape[a.ndim - nd + i], size[i], mode,
                              align_corners, scales[i], dt) for i in range(nd)]
        plan = _interp_plans[key] = AxisPlan(a.shape, steps)
    return plan


def _interpolate(a, size, scale_factor, mode, align_corners, recompute_scale_factor,
                 antialias):
    """F.interpolate of a float array in an upsample mode, its arguments
    checked: ((output,), (the axis map's plan,))."""
    output_size, scales = interp_sizes(a.shape, size, scale_factor, mode,
                                       recompute_scale_factor, antialias)
    plan = _upsample_plan(a, output_size, scales, mode, bool(align_corners))
    return (plan.forward(a),), (plan,)


def upsample_nearest2d_covers(input, size=None, scale_factor=None, mode="nearest",
                              align_corners=None, recompute_scale_factor=None,
                              antialias=False):
    """F.interpolate's nearest mode of a 4-d input."""
    return mode == "nearest" and input.dim() == 4


def upsample_nearest2d_forward(input, size=None, scale_factor=None, mode="nearest",
                               align_corners=None, recompute_scale_factor=None,
                               antialias=False):
    """The op table's forward (``derivatives.COMPOSITE["upsample_nearest2d"]``)."""
    return _interpolate(input, size, scale_factor, mode, False, recompute_scale_factor,
                        antialias)


def upsample_bilinear2d_covers(input, size=None, scale_factor=None, mode="nearest",
                               align_corners=None, recompute_scale_factor=None,
                               antialias=False):
    """F.interpolate's bilinear mode (of a 4-d input: the only one it takes), without
    antialias (a call with it is _upsample_bilinear2d_aa's)."""
    return mode == "bilinear" and input.dim() == 4 and not antialias


def upsample_bilinear2d_forward(input, size=None, scale_factor=None, mode="nearest",
                                align_corners=None, recompute_scale_factor=None,
                                antialias=False):
    """The op table's forward (``derivatives.COMPOSITE["upsample_bilinear2d"]``)."""
    return _interpolate(input, size, scale_factor, mode, align_corners,
                        recompute_scale_factor, antialias)


def axis_map_backward(saved, grads, needs):
    """The adjoint of the saved axis map."""
    return (saved[0].adjoint(grads[0]),)


upsample_nearest2d_backward = upsample_bilinear2d_backward = axis_map_backward


# ------------------------------------------------------------------ adaptive pooling


def _windows(n_in, n_out):
    o = np.arange(n_out)
    start = (o * n_in) // n_out
    end = ((o + 1) * n_in + n_out - 1) // n_out
    return start, end


_ADAPTIVE_AVG = {2: _names("AdaptiveAvgPool2D"), 3: _names("AdaptiveAvgPool3D")}
_adaptive_plans = {}


def adaptive_size(output_size, in_sizes, fname):
    """The output sizes of adaptive pooling: an int for every axis, or one
    per axis (None: the input's size)."""
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != len(in_sizes):
            if len(in_sizes) == 3:
                raise RuntimeError(messages.adaptive_output_size(fname, 3, len(output_size)))
            if len(in_sizes) == 1:
                raise RuntimeError(messages.adaptive_output_size(fname, 1, len(output_size)))
            raise ValueError(messages.adaptive_output_size(fname, 2, len(output_size)))
        sizes = tuple(s if v is None else int(v) for v, s in zip(output_size, in_sizes))
    else:
        sizes = (int(output_size),) * len(in_sizes)
    return sizes


def adaptive_avg_pool(x, output_size):
    """adaptive_avg_pool2d/3d over the trailing len(output_size) axes."""
    a = x._data
    nd = len(output_size)
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            f"adaptive_avg_pool{nd}d", from_numpy(a.dtype)._torch_name))
    if all(o == 1 for o in output_size):
        # torch's shortcut: a mean over the pooled axes (MeanBackward1)
        return x.mean(tuple(range(-1, -nd - 1, -1)), keepdim=True)
    return axis_map(x, _adaptive_avg_plan(a.shape, output_size), *_ADAPTIVE_AVG[nd])


def _adaptive_avg_plan(shape, output_size):
    key = ("avg", shape, tuple(output_size))
    plan = _adaptive_plans.get(key)
    if plan is None:
        nd = len(output_size)
        steps = []
        for i, n_out in enumerate(output_size):
            axis = len(shape) - nd + i
            n_in = shape[axis]
            start, end = _windows(n_in, n_out)
            T = int((end - start).max(initial=1))
            idx = start[:, None] + np.arange(T)
            valid = idx < end[:, None]
            wts = np.where(valid, 1.0 / (end - start)[:, None], 0.0)
            block = n_in // n_out if n_out and n_in % n_out == 0 else 0
            # the filler taps (weight 0) read the window's first input, so that a nan or
            # inf elsewhere stays out of this window, as in torch
            idx = np.where(valid, idx, start[:, None])
            steps.append(AxisStep(axis, n_in, idx, wts, block, valid))
        plan = _adaptive_plans[key] = AxisPlan(shape, steps)
    return plan


def adaptive_avg_pool2d(x, output_size):
    return adaptive_avg_pool(x, tuple(output_size))


def adaptive_avg_pool2d_forward(input, output_size):
    """The op table's forward (``derivatives.COMPOSITE["adaptive_avg_pool2d"]``)
    on a float array: ((output,), saved), saved (the axis map's plan,), or for
    a 1 x 1 output (the reduction's plan, the input's shape, 1 / count): the
    mean eager runs there (torch's shortcut)."""
    size = adaptive_size(output_size, input.shape[-2:], "adaptive_avg_pool2d")
    if size == (1, 1):
        plan = _plan_for(input.shape, (-1, -2), True)
        scale = 1.0 / plan.count if plan.count else math.nan
        return (scale_array(reduce_sum(input, plan, input.dtype), scale),), \
            (plan, input.shape, scale)
    plan = _adaptive_avg_plan(input.shape, size)
    return (plan.forward(input),), (plan,)


def adaptive_avg_pool2d_backward(saved, grads, needs):
    """The adjoint of the axis map (each output's gradient / its window's
    size, over its window), or the mean's gradient repeated."""
    if len(saved) == 1:
        return axis_map_backward(saved, grads, needs)
    plan, shape, scale = saved
    return (repeat_to(scale_array(grads[0], scale), plan, shape),)


class AdaptiveMaxNode(Node):
    """Saved: (input shape, flat indices per plane (P, L))."""
    __slots__ = ()

    def apply(self, grad):
        return adaptive_max_pool2d_backward(self._saved_or_raise(), (grad,), (True,))

    def apply_graph(self, grad):
        from .shape_ops import scatter_add_zeros
        shape, idx = self._saved_or_raise()
        P, L = idx.shape
        out = scatter_add_zeros(grad.reshape(P, L), 1, _wrap(idx), (P, shape[-1] * shape[-2]))
        return (out.reshape(shape),)


_ADAPTIVE_MAX = node_class("AdaptiveMaxPool2DBackward0", AdaptiveMaxNode)


def adaptive_max_pool2d(x, output_size, return_indices=False):
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "adaptive_max_pool2d", from_numpy(a.dtype)._torch_name))
    (out, idx), saved = _adaptive_max(a, output_size)
    return max_pool_result(x, out, idx, _ADAPTIVE_MAX, saved, return_indices)


def _adaptive_max(a, output_size):
    oh, ow = output_size
    H, W = a.shape[-2:]
    key = ("max", H, W, oh, ow)
    taps = _adaptive_plans.get(key)
    if taps is None:
        (hs, he), (ws, we) = _windows(H, oh), _windows(W, ow)
        KH, KW = int((he - hs).max(initial=1)), int((we - ws).max(initial=1))
        ih = hs[:, None] + np.arange(KH)                   # (oh, KH)
        iw = ws[:, None] + np.arange(KW)
        vh = ih < he[:, None]
        vw = iw < we[:, None]
        flat = (ih[:, None, :, None] * W + iw[None, :, None, :])     # (oh, ow, KH, KW)
        valid = vh[:, None, :, None] & vw[None, :, None, :]
        # front-fill the invalid entries with the window's first position (no effect on
        # the scan, which keeps the first maximum)
        first = (hs[:, None] * W + ws[None, :])[:, :, None, None]
        taps = np.where(valid, flat, first).reshape(oh * ow, KH * KW)
        # the filler (the window's first position) goes in front, as pool_taps does
        order = np.argsort(valid.reshape(oh * ow, KH * KW), axis=1, kind="stable")
        taps = np.take_along_axis(taps, order, 1)
        taps = _adaptive_plans[key] = np.ascontiguousarray(taps, np.int64)
    P = math.prod(a.shape[:-2])
    L = oh * ow
    src = np.ascontiguousarray(a).reshape(-1)
    out = np.empty(P * L, a.dtype)
    idx = np.empty(P * L, np.int64)
    cnt = np.full(L, taps.shape[1], np.int64)
    lowest = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    KP.max_pool2d_forward(src, P, H * W, taps, cnt, taps[:, 0].copy(), True,
                          a.dtype.type(lowest), out, idx, True)
    out_shape = a.shape[:-2] + (oh, ow)
    return (out.reshape(out_shape), idx.reshape(out_shape)), (a.shape, idx.reshape(P, L))


def adaptive_max_pool2d_forward(input, output_size, return_indices=False):
    """The op table's forward (``derivatives.COMPOSITE["adaptive_max_pool2d"]``)
    on a float array: the outputs as ``adaptive_max_pool2d`` returns them (with
    the indices when asked), saved (the input's shape, the argmax indices per
    plane)."""
    size = adaptive_size(output_size, input.shape[-2:], "adaptive_max_pool2d")
    (out, idx), saved = _adaptive_max(input, size)
    return ((out, idx) if return_indices else (out,)), saved


def adaptive_max_pool2d_backward(saved, grads, needs):
    """The gradient scattered to the argmax positions."""
    shape, idx = saved
    grad = grads[0]
    P = idx.shape[0]
    HW = shape[-1] * shape[-2]
    g = np.ascontiguousarray(grad).reshape(-1)
    out = np.empty(P * HW, grad.dtype)
    KP.max_pool2d_backward(g, idx.reshape(-1), P, HW, idx.shape[1], out)
    return (out.reshape(shape),)


# ------------------------------------------------------------------ pixel shuffle


def _shuffle_array(a, r, inverse):
    *lead, C, H, W = a.shape
    if not inverse:
        oc = C // (r * r)
        b = a.reshape(*lead, oc, r, r, H, W)
        n = len(lead)
        b = b.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
        return np.ascontiguousarray(b).reshape(*lead, oc, H * r, W * r)
    oh, ow = H // r, W // r
    b = a.reshape(*lead, C, oh, r, ow, r)
    n = len(lead)
    b = b.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return np.ascontiguousarray(b).reshape(*lead, C * r * r, oh, ow)


class ShuffleNode(MetadataNode):
    """Saved: (r, inverse)."""
    __slots__ = ()

    def apply(self, grad):
        r, inverse = self._saved
        return (_shuffle_array(grad, r, not inverse),)

    def apply_graph(self, grad):
        r, inverse = self._saved
        return (shuffle(grad, r, not inverse),)


_SHUFFLE = (node_class("PixelShuffleBackward0", ShuffleNode),
            node_class("PixelUnshuffleBackward0", ShuffleNode))


def shuffle(x, r, inverse):
    a = x._data
    if a.ndim < 3:
        raise RuntimeError(messages.pixel_shuffle_dims("pixel_unshuffle" if inverse else
                                                       "pixel_shuffle", a.ndim))
    if r <= 0:
        raise RuntimeError(messages.pixel_shuffle_factor(
            "downscale_factor" if inverse else "upscale_factor", r))
    C, H, W = a.shape[-3:]
    if not inverse and C % (r * r):
        raise RuntimeError(messages.pixel_shuffle_channels(C, r))
    if inverse and (H % r or W % r):
        raise RuntimeError(messages.pixel_unshuffle_sizes("height" if H % r else "width",
                                                          H if H % r else W, r))
    out = _shuffle_array(a, r, inverse)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _SHUFFLE[inverse]((edge(x),), (r, inverse)))
