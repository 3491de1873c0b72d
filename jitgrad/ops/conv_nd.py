"""1-d and 3-d convolution and the transposed convolutions (F.conv1d,
F.conv3d, F.conv_transpose1d, F.conv_transpose2d): forward and backward
side by side, on an N-d im2col and one batched BLAS product.

``NdGeometry`` lowers (N, C, *S) to torch's unfold layout (N, C*prod(K), L)
with one strided view copied once (padding first), and folds columns back
with one vectorised add per kernel tap. A convolution is then
``W (G, O/G, Kg) @ cols (N, G, Kg, L)``; a transposed convolution is the
adjoint: ``fold(W^T @ x)``, its backward ``W @ unfold(grad)``. All record
ConvolutionBackward0 as torch does (an unbatched input: UnsqueezeBackward0
before and SqueezeBackward1 after). The create_graph backward is written
with the recorded unfold/fold of this file and matmul.
"""
import math

import numpy as np

from .. import messages
from ..autograd.graph import MetadataNode, Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..tensor import Tensor, _wrap, _wrap_result
from ..quiet import quiet
from ..threads import get_num_threads, matmul as blas_matmul
from .conv import _same_warned
from .elementwise import cast


class NdGeometry:
    """Windows of an N-d sliding-window op over input planes ``S`` with ``C``
    channels: kernel ``K``, strides, leading pads ``lo`` (and trailing ``hi``),
    dilations, output grid ``O``."""
    __slots__ = ("C", "S", "K", "st", "lo", "hi", "dl", "O", "P", "KK", "L", "nd")

    def __init__(self, C, S, K, st, lo, hi, dl, O):
        self.C, self.S, self.K, self.st, self.lo, self.hi, self.dl = C, S, K, st, lo, hi, dl
        self.O = O
        self.nd = len(S)
        # the padded extent the windows need (at least the input plus its padding)
        self.P = tuple(max(lo[i] + S[i], (O[i] - 1) * st[i] + (K[i] - 1) * dl[i] + 1)
                       for i in range(self.nd))
        self.KK = C * math.prod(K)
        self.L = math.prod(O)

    def _padded(self, a):
        N = a.shape[0]
        if all(p == s for p, s in zip(self.P, self.S)) and a.flags.c_contiguous:
            return a
        xp = np.zeros((N, self.C) + self.P, a.dtype)
        key = (slice(None), slice(None)) + tuple(
            slice(l, l + min(s, p - l)) for l, s, p in zip(self.lo, self.S, self.P))
        src = (slice(None), slice(None)) + tuple(
            slice(0, min(s, p - l)) for l, s, p in zip(self.lo, self.S, self.P))
        xp[key] = a[src]
        return xp

    def unfold(self, a):
        """(N, C, *S) -> (N, C*prod(K), L), torch's unfold layout."""
        N = a.shape[0]
        xp = self._padded(a)
        es = xp.strides
        sp = es[2:]
        view = np.lib.stride_tricks.as_strided(
            xp, (N, self.C) + self.K + self.O,
            es[:2] + tuple(sp[i] * self.dl[i] for i in range(self.nd))
            + tuple(sp[i] * self.st[i] for i in range(self.nd)), writeable=False)
        return np.ascontiguousarray(view).reshape(N, self.KK, self.L)

    def fold(self, cols):
        """(N, C*prod(K), L) -> (N, C, *S), windows summed back."""
        N = cols.shape[0]
        c = cols.reshape((N, self.C) + self.K + self.O)
        gp = np.zeros((N, self.C) + self.P, cols.dtype)
        for tap in np.ndindex(*self.K):
            key = (slice(None), slice(None)) + tuple(
                slice(tap[i] * self.dl[i], tap[i] * self.dl[i] + (self.O[i] - 1) * self.st[i] + 1,
                      self.st[i]) for i in range(self.nd))
            gp[key] += c[(slice(None), slice(None)) + tap]
        crop = (slice(None), slice(None)) + tuple(
            slice(l, l + s) for l, s in zip(self.lo, self.S))
        out = gp[crop]
        if out.shape[2:] != self.S:               # the input reaches past the windows
            full = np.zeros((N, self.C) + self.S, cols.dtype)
            full[(slice(None), slice(None)) + tuple(slice(0, n) for n in out.shape[2:])] = out
            return full
        return np.ascontiguousarray(out)


# ------------------------------------------------------------------ recorded unfold / fold


class UnfoldNdNode(MetadataNode):
    """Saved: (geometry, input shape)."""
    __slots__ = ()

    def apply(self, grad):
        geom, shape = self._saved
        return (geom.fold(grad),)

    def apply_graph(self, grad):
        geom, shape = self._saved
        return (fold_nd(grad, geom),)


class FoldNdNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        geom, shape = self._saved
        return (geom.unfold(grad),)

    def apply_graph(self, grad):
        geom, shape = self._saved
        return (unfold_nd(grad, geom),)


_UNFOLD_ND = node_class("Im2ColBackward0", UnfoldNdNode)
_FOLD_ND = node_class("Col2ImBackward0", FoldNdNode)


def unfold_nd(x, geom):
    a = x._data
    out = geom.unfold(a)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _UNFOLD_ND((edge(x),), (geom, a.shape)))


def fold_nd(c, geom):
    a = c._data
    out = geom.fold(a)
    if not (c._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _FOLD_ND((edge(c),), (geom, a.shape)))


# ------------------------------------------------------------------ the convolution node


class ConvNdPlan:
    __slots__ = ("geom", "N", "G", "Og", "Kg", "transposed", "x_shape", "w_shape", "out_shape",
                 "dtype", "bias_dtype", "O")

    def __init__(self, geom, N, G, transposed, x_shape, w_shape, dtype, bias_dtype):
        self.geom, self.N, self.G, self.transposed = geom, N, G, transposed
        self.x_shape, self.w_shape = x_shape, w_shape
        self.dtype, self.bias_dtype = dtype, bias_dtype
        # O: the output channels; Og: a group's channels on the windowed side (the output
        # of a convolution, the input of a transposed one: w_shape[0] both ways); Kg: a
        # group's column rows
        self.O = w_shape[1] * G if transposed else w_shape[0]
        self.Og = w_shape[0] // G
        self.Kg = geom.KK // G
        self.out_shape = ((N, geom.C) + geom.S) if transposed else ((N, w_shape[0]) + geom.O)

    def wm(self, w):
        return w.reshape(self.G, self.Og, self.Kg)

    def forward(self, a, w, bias):
        g, N, G = self.geom, self.N, self.G
        wm = self.wm(w)
        if self.transposed:
            cols = blas_matmul(wm.transpose(0, 2, 1), a.reshape(N, G, self.Og, g.L))
            out = g.fold(cols.reshape(N, g.KK, g.L))
            saved = a
        else:
            cols = g.unfold(a)
            out = blas_matmul(wm, cols.reshape(N, G, self.Kg, g.L)).reshape(self.out_shape)
            saved = cols
        if bias is not None:
            out += bias.reshape((-1,) + (1,) * g.nd)
        return np.ascontiguousarray(out), saved

    def backward(self, grad, saved, w, need_x, need_w, need_b):
        g, N, G = self.geom, self.N, self.G
        wm = self.wm(w)
        gx = gw = gb = None
        if self.transposed:
            cols = g.unfold(grad).reshape(N, G, self.Kg, g.L)
            if need_x:
                gx = blas_matmul(wm, cols).reshape(self.x_shape)
            if need_w:
                xs = saved.reshape(N, G, self.Og, g.L)
                gw = blas_matmul(xs, cols.transpose(0, 1, 3, 2)).sum(0).reshape(self.w_shape)
        else:
            go = grad.reshape(N, G, self.Og, g.L)
            if need_w:
                cols = saved.reshape(N, G, self.Kg, g.L)
                gw = blas_matmul(go, cols.transpose(0, 1, 3, 2)).sum(0).reshape(self.w_shape)
            if need_x:
                gcols = blas_matmul(wm.transpose(0, 2, 1), go)
                gx = g.fold(gcols.reshape(N, g.KK, g.L))
        if need_b:
            gb = grad.reshape(N, grad.shape[1], -1).sum((0, 2), dtype=np.float64) \
                .astype(self.bias_dtype)
        return gx, gw, gb


class ConvNdNode(Node):
    """Saved: (plan, saved array (columns, or the input when transposed), weight
    array, input tensor, weight tensor); edges (input, weight, bias or None)."""
    __slots__ = ()

    def apply(self, grad):
        nxt = self._next
        return convolution_backward(self._saved_or_raise()[:3], (grad,),
                                    (nxt[0] is not None, nxt[1] is not None, nxt[2] is not None))

    def apply_graph(self, grad):
        plan, _, _, x, w = self._saved_or_raise()
        g, N, G, Og, Kg, L = plan.geom, plan.N, plan.G, plan.Og, plan.Kg, plan.geom.L
        nxt = self._next
        gx = gw = gb = None
        wg = w.reshape(G, Og, Kg)
        if plan.transposed:
            cols = unfold_nd(grad, g).reshape(N, G, Kg, L)
            if nxt[0] is not None:
                gx = wg.matmul(cols).reshape(plan.x_shape)
            if nxt[1] is not None:
                gw = x.reshape(N, G, Og, L).matmul(cols.transpose(2, 3)).sum(0) \
                    .reshape(plan.w_shape)
        else:
            g4 = grad.reshape(N, G, Og, L)
            if nxt[0] is not None:
                gx = fold_nd(wg.transpose(1, 2).matmul(g4).reshape(N, g.KK, L), g)
            if nxt[1] is not None:
                cols = unfold_nd(x, g).reshape(N, G, Kg, L)
                gw = g4.matmul(cols.transpose(2, 3)).sum(0).reshape(plan.w_shape)
        if nxt[2] is not None:
            gb = grad.sum((0,) + tuple(range(2, grad.dim())))
            if gb._data.dtype != plan.bias_dtype:
                gb = cast(gb, plan.bias_dtype)
        return gx, gw, gb


_CONV_ND = node_class("ConvolutionBackward0", ConvNdNode)


# ------------------------------------------------------------------ planning and checks


def _tuple(name, value, nd):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, (tuple, list)):
        v = tuple(int(e) for e in value)
        if len(v) == 1:
            return v * nd
        if len(v) != nd:
            raise RuntimeError(messages.conv_expand_param(name, nd, list(v)))
        return v
    raise TypeError(messages.conv_nd_argument(name, value))


def _plan(a_shape, a_dtype, w_shape, w_dtype, b_info, stride, padding, dilation, groups,
          transposed, output_padding, fname, nd):
    if len(w_shape) < 3:
        raise RuntimeError(messages.CONV_WEIGHT_DIMS)
    if groups <= 0:
        raise RuntimeError(messages.CONV_GROUPS)
    st = _tuple("stride", stride, nd)
    dl = _tuple("dilation", dilation, nd)
    K = tuple(w_shape[2:])
    hi = (0,) * nd
    if isinstance(padding, str):
        if transposed:
            raise TypeError(messages.conv_nd_argument("padding", padding))
        if padding == "valid":
            lo = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in st):
                raise RuntimeError(messages.CONV_SAME_STRIDED)
            totals = [d * (k - 1) for d, k in zip(dl, K)]
            lo = tuple(t // 2 for t in totals)
            hi = tuple(t - 2 * (t // 2) for t in totals)
            if any(hi) and not _same_warned:
                import warnings
                _same_warned.append(True)
                warnings.warn(messages.CONV_SAME_EVEN_WARNING, UserWarning, stacklevel=5)
        else:
            raise RuntimeError(messages.conv_padding_string(padding))
    else:
        lo = _tuple("padding", padding, nd)
    op = _tuple("output_padding", output_padding, nd) if transposed else (0,) * nd
    if any(p < 0 for p in lo):
        raise RuntimeError(messages.CONV_NEGATIVE_PADDING)
    if any(s <= 0 for s in st):
        raise RuntimeError(messages.CONV_STRIDE)
    if any(d <= 0 for d in dl):
        raise RuntimeError(messages.conv_dilation_zero(list(dl)) if 0 in dl
                           else messages.CONV_NEGATIVE_DILATION)
    if any(o < 0 for o in op):
        raise RuntimeError(messages.CONV_NEGATIVE_OUTPUT_PADDING)
    if transposed and any(o >= s and o >= d for o, s, d in zip(op, st, dl)):
        raise RuntimeError(messages.conv_output_padding(list(op), list(st), list(dl)))
    if len(w_shape) != len(a_shape):
        raise RuntimeError(messages.conv_weight_input_dims(w_shape, len(a_shape), a_shape))
    N, Cx = a_shape[:2]
    S = tuple(a_shape[2:])
    if transposed:
        if w_shape[0] % groups:
            raise RuntimeError(messages.conv_groups_divisible(groups, w_shape))
        if Cx != w_shape[0]:
            raise RuntimeError(messages.conv_transposed_channels(w_shape, a_shape))
        if b_info is not None and (len(b_info[0]) != 1 or b_info[0][0] != w_shape[1] * groups):
            raise RuntimeError(messages.conv_transposed_bias_shape(w_shape, groups, b_info[0]))
        out = tuple((S[i] - 1) * st[i] - 2 * lo[i] + dl[i] * (K[i] - 1) + op[i] + 1
                    for i in range(nd))
        if any(o <= 0 for o in out):
            raise RuntimeError(messages.conv_transposed_size(S, out))
        geom = NdGeometry(w_shape[1] * groups, out, K, st, lo, (0,) * nd, dl, S)
    else:
        O = w_shape[0]
        if O < groups:
            raise RuntimeError(messages.conv_groups_at_least(groups, w_shape))
        if O % groups:
            raise RuntimeError(messages.conv_groups_divisible(groups, w_shape))
        if Cx != w_shape[1] * groups:
            raise RuntimeError(messages.conv_channels(groups, w_shape, a_shape))
        if b_info is not None and (len(b_info[0]) != 1 or b_info[0][0] != O):
            raise RuntimeError(messages.conv_bias_shape(w_shape, b_info[0]))
        padded = tuple(S[i] + lo[i] * 2 + hi[i] for i in range(nd))
        kernel = tuple(dl[i] * (K[i] - 1) + 1 for i in range(nd))
        if any(p < k for p, k in zip(padded, kernel)):
            raise RuntimeError(messages.conv_kernel_size(padded, kernel))
        outs = tuple((padded[i] - kernel[i]) // st[i] + 1 for i in range(nd))
        geom = NdGeometry(Cx, S, K, st, lo, hi, dl, outs)
    dt, wdt = np.dtype(a_dtype), np.dtype(w_dtype)
    bias_dtype = dt if b_info is None else np.dtype(b_info[1])
    # integer convolutions run (torch's slow kernels), except where torch has none
    if transposed and dt.kind != "f" and dt != np.int64:
        raise NotImplementedError(messages.not_implemented_for(
            f"slow_conv_transpose{max(nd, 2)}d_out_cpu", from_numpy(dt)._torch_name))
    if dt.kind == "b":
        raise NotImplementedError(messages.not_implemented_for(
            "compute_columns3d" if nd == 3 else "slow_conv2d_cpu", "Bool"))
    # torch's backends word these differently: oneDNN (float32 conv1d of a batch, with
    # several threads; transposed 1-d/2-d bias) or the slow kernels' scalar-type check
    if wdt != dt:
        if dt == np.float32 and nd == 1 and not transposed and N > 1 and get_num_threads() > 1:
            raise RuntimeError(messages.conv_mkldnn_type(dt, wdt))
        raise RuntimeError(messages.expected_scalar_type(from_numpy(dt)._torch_name,
                                                         from_numpy(wdt)._torch_name))
    if bias_dtype != dt:
        if not transposed:
            raise RuntimeError(messages.conv_bias_type(from_numpy(dt)._c_name,
                                                       from_numpy(bias_dtype)._c_name))
        if dt == np.float32 and nd < 3:
            raise RuntimeError(messages.conv_mkldnn_type(dt, bias_dtype, "bias"))
        raise RuntimeError(messages.expected_scalar_type(from_numpy(dt)._torch_name,
                                                         from_numpy(bias_dtype)._torch_name))
    return ConvNdPlan(geom, N, groups, transposed, tuple(a_shape), tuple(w_shape), dt,
                      bias_dtype)


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _ints(v):
    return _is_int(v) or (isinstance(v, (tuple, list)) and all(_is_int(e) for e in v))


def _check_arguments(fname, x, w, b, stride, padding, dilation, groups, transposed,
                     output_padding):
    """The TypeError of torch's argument parser."""
    from .conv import _type_name
    if transposed:
        for pos, (name, v) in enumerate((("input", x), ("weight", w)), 1):
            if not isinstance(v, Tensor):
                raise TypeError(messages.argument_type(fname, name, "Tensor", _type_name(v), pos))
        if b is not None and not isinstance(b, Tensor):
            raise TypeError(messages.argument_type(fname, "bias", "Tensor", _type_name(b), 3))
        for name, v in (("stride", stride), ("padding", padding),
                        ("output_padding", output_padding), ("dilation", dilation)):
            if not _ints(v):
                raise TypeError(messages.argument_type(fname, name, "tuple of ints",
                                                       _type_name(v)))
        if not _is_int(groups):
            raise TypeError(messages.argument_type(fname, "groups", "int", _type_name(groups)))
        return
    bad = (not _ints(stride) or not (_ints(padding) or isinstance(padding, str))
           or not _ints(dilation) or not _is_int(groups))
    if (not isinstance(x, Tensor) or not isinstance(w, Tensor)
            or (b is not None and not isinstance(b, Tensor)) or bad):
        got = [_type_name(x), _type_name(w)]
        if b is not None:
            got.append(_type_name(b))
        for name, value, default in (("stride", stride, 1), ("padding", padding, 0),
                                     ("dilation", dilation, 1), ("groups", groups, 1)):
            if not (type(value) is int and value == default):
                got.append(f"{name}={_type_name(value)}")
        raise TypeError(messages.conv_nd_invalid_arguments(fname, got))


def _key(v):
    if isinstance(v, (tuple, list)):
        return tuple((type(e), e) for e in v)
    return type(v), v


_plans = {}


def convolution(x, w, b, stride, padding, dilation, groups, transposed, output_padding, nd,
                fname):
    """F.conv{nd}d / F.conv_transpose{nd}d on an (N, C, *S) or unbatched input."""
    _check_arguments(fname, x, w, b, stride, padding, dilation, groups, transposed,
                     output_padding)
    a = x._data
    if a.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(messages.conv_input_dims_nd(fname, nd, a.shape))
    if a.ndim == nd + 1:
        from .shape_ops import squeeze, unsqueeze
        return squeeze(convolution(unsqueeze(x, 0), w, b, stride, padding, dilation, groups,
                                   transposed, output_padding, nd, fname), 0)
    (out,), saved = _convolution(a, w._data, None if b is None else b._data, stride, padding,
                                 dilation, groups, transposed, output_padding, nd, fname)
    if not grad_state.enabled or not (x._requires_grad or w._requires_grad or
                                      (b is not None and b._requires_grad)):
        return _wrap(out)
    node = _CONV_ND((edge(x), edge(w), None if b is None else edge(b)),
                    (*saved, x, w), (saved_version(x), saved_version(w)))
    return _wrap_result(out, node)


def _convolution(a, wa, ba, stride, padding, dilation, groups, transposed, output_padding, nd,
                 fname):
    """A batched convolution on arrays: ((output,), (plan, the saved array
    (columns, or the input when transposed), the weight array))."""
    key = (a.shape, wa.shape, a.dtype, wa.dtype, None if ba is None else (ba.shape, ba.dtype),
           _key(stride), _key(padding), _key(dilation), int(groups), transposed,
           _key(output_padding))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _plan(a.shape, a.dtype, wa.shape, wa.dtype,
                                   None if ba is None else (ba.shape, ba.dtype),
                                   stride, padding, dilation, int(groups), transposed,
                                   output_padding, fname, nd)
    ac = np.ascontiguousarray(a)
    wc = np.ascontiguousarray(wa)
    out, saved = quiet(plan.forward, ac, wc, ba)
    return (out,), (plan, saved, wc)


def _convolution_forward(a, wa, ba, stride, padding, dilation, groups, transposed,
                         output_padding, nd, fname):
    """``_convolution``, an unbatched input (nd + 1 axes) as a batch of one."""
    if a.ndim == nd + 1:
        (out,), saved = _convolution(a[None], wa, ba, stride, padding, dilation, groups,
                                     transposed, output_padding, nd, fname)
        return (out[0],), saved
    return _convolution(a, wa, ba, stride, padding, dilation, groups, transposed,
                        output_padding, nd, fname)


def conv1d_forward(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The op table's forward (``derivatives.COMPOSITE["conv1d"]``) on arrays
    whose arguments ``conv1d`` has checked: ((output,), (plan, the columns,
    the weight))."""
    return _convolution_forward(input, weight, bias, stride, padding, dilation, groups, False,
                                0, 1, "conv1d")


def conv_transpose2d_forward(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                             groups=1, dilation=1):
    """The op table's forward (``derivatives.COMPOSITE["conv_transpose2d"]``) on
    arrays whose arguments ``conv_transpose2d`` has checked: ((output,), (plan,
    the input, the weight))."""
    return _convolution_forward(input, weight, bias, stride, padding, dilation, groups, True,
                                output_padding, 2, "conv_transpose2d")


def convolution_backward(saved, grads, needs):
    """The gradients of (input, weight, bias) where ``needs`` says: products
    with the weight and the saved columns (a convolution) or input (a
    transposed one), fold/unfold of the windows."""
    plan, saved_array, wa = saved
    grad = grads[0]
    unbatched = grad.ndim < len(plan.out_shape)
    if unbatched:
        grad = grad[None]
    if grad.dtype != plan.dtype:
        grad = grad.astype(plan.dtype)
    grad = np.ascontiguousarray(grad)
    # inf * 0 and inf - inf give nan silently, as in torch (numpy would warn)
    gx, gw, gb = quiet(plan.backward, grad, saved_array, wa, *needs)
    if unbatched and gx is not None:
        gx = gx[0]
    return gx, gw, gb


conv1d_backward = conv_transpose2d_backward = convolution_backward
