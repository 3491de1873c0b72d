"""2-d convolution and the sliding-window ops it is built on (F.unfold,
F.fold): forward and backward side by side.

conv2d validates and plans once per (shapes, dtypes, arguments), then
runs one lowering kernel, one BLAS product and one layout kernel that
also adds the bias; backward runs one layout kernel (which also sums the
bias gradient), one product per needed input gradient and, for the
input, the adjoint lowering. Three lowerings (see kernels/conv.py and
ConvPlan): patch rows from a channels-last copy for many channels; for few
channels or groups > 1 (one batched product per group) shifted rows when
the stride is 1, else torch's column layout.

Nodes: ConvolutionBackward0 (unbatched input: UnsqueezeBackward0 before
and SqueezeBackward1 after, as torch records it), Im2ColBackward0 (unfold)
and Col2ImBackward0 (fold). unfold and fold are each other's backward;
conv2d's create_graph backward is written with them and matmul.
"""
import warnings

import numpy as np

from .. import messages
from ..autograd.graph import MetadataNode, Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..kernels import conv as K
from ..tensor import Tensor, _wrap, _wrap_result
from .elementwise import cast
from ..threads import matmul as blas_matmul
from .. import parallel
from ..parallel import CONV_MIN as _PAR_MIN

# patch rows pay off from this many input channels on (groups == 1): BLAS runs the
# (N*L, K) x (K, O) products faster than (O, K) x (K, N*L) once K = C*KH*KW is not tiny
PATCH_MIN_CHANNELS = 2

_F64_EMPTY = np.empty(0, np.float64)


class Geometry:
    """Where the windows of a 2-d sliding-window op fall: input planes of
    (H, W) with C channels, a KH x KW kernel, strides, leading (top, left)
    padding, dilations and the (OH, OW) grid of window positions."""
    __slots__ = ("C", "H", "W", "KH", "KW", "sh", "sw", "pt", "pl", "dh", "dw", "OH", "OW",
                 "L", "KK")

    def __init__(self, C, H, W, KH, KW, sh, sw, pt, pl, dh, dw, OH, OW):
        self.C, self.H, self.W, self.KH, self.KW = C, H, W, KH, KW
        self.sh, self.sw, self.pt, self.pl, self.dh, self.dw = sh, sw, pt, pl, dh, dw
        self.OH, self.OW = OH, OW
        self.L = OH * OW
        self.KK = C * KH * KW

    def im2col(self, a, N, out, sk, sn):
        x, cols, args = a.reshape(-1), out.reshape(-1), self._args()
        if cols.size < _PAR_MIN:
            K.im2col(x, N, *args, sk, sn, cols)
            return
        chw = x.size // N if N else 0

        def samples(n0, n1):    # sample n's values are at k * sk + n * sn
            K.im2col.nogil(x[n0 * chw:n1 * chw], n1 - n0, *args, sk, sn, cols[n0 * sn:])
        parallel.rows(samples, N, cols.size // N)

    def col2im(self, cols, N, out, sk, sn):
        c, o, args = cols.reshape(-1), out.reshape(-1), self._args()
        if c.size < _PAR_MIN:
            K.col2im(c, N, *args, sk, sn, o)
            return
        chw = o.size // N if N else 0

        def samples(n0, n1):    # each sample's windows add into its own planes only
            K.col2im.nogil(c[n0 * sn:], n1 - n0, *args, sk, sn, o[n0 * chw:n1 * chw])
        parallel.rows(samples, N, c.size // N)

    def _args(self):
        return (self.C, self.H, self.W, self.KH, self.KW, self.sh, self.sw, self.pt, self.pl,
                self.dh, self.dw, self.OH, self.OW)

    def unfold(self, a, N):
        """(N, C, H, W) -> (N, C*KH*KW, L), torch's unfold layout."""
        cols = np.empty((N, self.KK, self.L), a.dtype)
        self.im2col(np.ascontiguousarray(a), N, cols, self.L, self.KK * self.L)
        return cols

    def fold(self, c, N):
        """(N, C*KH*KW, L) -> (N, C, H, W), windows summed back."""
        out = np.empty((N, self.C, self.H, self.W), c.dtype)
        self.col2im(np.ascontiguousarray(c), N, out, self.L, self.KK * self.L)
        return out


# ------------------------------------------------------------------ unfold / fold


class Im2ColNode(MetadataNode):
    """Saved: (geometry, input shape, batched)."""
    __slots__ = ()

    def apply(self, grad):
        geom, in_shape, batched = self._saved
        N = in_shape[0] if batched else 1
        return (geom.fold(grad.reshape(N, geom.KK, geom.L), N).reshape(in_shape),)

    def apply_graph(self, grad):
        geom, in_shape, batched = self._saved
        return (fold_op(grad, geom, batched),)


class Col2ImNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        geom, in_shape, batched = self._saved
        N = in_shape[0] if batched else 1
        return (geom.unfold(grad.reshape(N, geom.C, geom.H, geom.W), N).reshape(in_shape),)

    def apply_graph(self, grad):
        geom, in_shape, batched = self._saved
        return (unfold_op(grad, geom, batched),)


_IM2COL_NODE = node_class("Im2ColBackward0", Im2ColNode)
_COL2IM_NODE = node_class("Col2ImBackward0", Col2ImNode)


def unfold_op(x, geom, batched=True):
    """x (N, C, H, W) (or (C, H, W) when not batched) -> its windows as
    (N, C*KH*KW, L), recorded as Im2ColBackward0."""
    a = x._data
    N = a.shape[0] if batched else 1
    cols = geom.unfold(a, N)
    out = cols if batched else cols.reshape(geom.KK, geom.L)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _IM2COL_NODE((edge(x),), (geom, a.shape, batched)))


def fold_op(c, geom, batched=True):
    """The adjoint of unfold_op: (N, C*KH*KW, L) -> (N, C, H, W)."""
    a = c._data
    N = a.shape[0] if batched else 1
    out = geom.fold(a, N)
    if not batched:
        out = out.reshape(geom.C, geom.H, geom.W)
    if not (c._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _COL2IM_NODE((edge(c),), (geom, a.shape, batched)))


def _pairs(fname, args):
    """F.unfold/F.fold's ``_pair`` of each (name, value), parsed as torch's
    im2col/col2im parse them, then their C++ check that two values remain."""
    from .pooling import int_list
    pairs = []
    for position, (name, value) in enumerate(args, 2):
        if isinstance(value, (tuple, list)):
            value = tuple(value)
        elif not isinstance(value, str):
            value = (value, value)
        pairs.append(int_list(fname, name, position, value))
    for (name, _), pair in zip(args, pairs):
        if len(pair) != 2:
            raise RuntimeError(messages.im2col_param_count(name, len(pair)))
    return pairs


_unfold_plans = {}


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    a = x._data
    key = (a.shape, a.dtype, _key(kernel_size), _key(dilation), _key(padding), _key(stride))
    plan = _unfold_plans.get(key)
    if plan is None:
        plan = _unfold_plans[key] = _unfold_plan(a, kernel_size, dilation, padding, stride)
    return unfold_op(x, plan, a.ndim == 4)


def _unfold_plan(a, kernel_size, dilation, padding, stride):
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _pairs("im2col", (
        ("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding),
        ("stride", stride)))
    if a.dtype.kind in "iu":
        raise NotImplementedError(messages.not_implemented_for(
            "im2col_out_cpu", from_numpy(a.dtype)._torch_name))
    if kh <= 0 or kw <= 0:
        raise RuntimeError(messages.im2col_kernel(kh, kw))
    if dh <= 0 or dw <= 0:
        raise RuntimeError(messages.im2col_dilation(dh, dw))
    if ph < 0 or pw < 0:
        raise RuntimeError(messages.im2col_padding(ph, pw))
    if sh <= 0 or sw <= 0:
        raise RuntimeError(messages.im2col_stride(sh, sw))
    if a.ndim < 3:
        # torch reads the size of dim 2 (1 for a 1-d input) first
        raise IndexError(messages.dim_out_of_range(max(a.ndim, 1), a.ndim))
    if not ((a.ndim == 3 and 0 not in a.shape) or (a.ndim == 4 and 0 not in a.shape[1:])):
        raise RuntimeError(messages.im2col_input_dims(a.shape))
    C, H, W = a.shape[-3:]
    OH = (H + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    OW = (W + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    if OH < 1 or OW < 1:
        raise RuntimeError(messages.im2col_blocks((H, H), (kh, kw), (dh, dw), (ph, pw), (OH, OW)))
    return Geometry(C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)


_fold_plans = {}


def fold(c, output_size, kernel_size, dilation=1, padding=0, stride=1):
    a = c._data
    key = (a.shape, a.dtype, _key(output_size), _key(kernel_size), _key(dilation),
           _key(padding), _key(stride))
    plan = _fold_plans.get(key)
    if plan is None:
        plan = _fold_plans[key] = _fold_plan(a, output_size, kernel_size, dilation, padding,
                                             stride)
    return fold_op(c, plan, a.ndim == 3)


def _fold_plan(a, output_size, kernel_size, dilation, padding, stride):
    (oh, ow), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _pairs("col2im", (
        ("output_size", output_size), ("kernel_size", kernel_size), ("dilation", dilation),
        ("padding", padding), ("stride", stride)))
    if a.dtype.kind in "iu":
        raise NotImplementedError(messages.not_implemented_for(
            "col2im_out_cpu", from_numpy(a.dtype)._torch_name))
    if kh <= 0 or kw <= 0:
        raise RuntimeError(messages.im2col_kernel(kh, kw))
    if sh <= 0 or sw <= 0:
        raise RuntimeError(messages.im2col_stride(sh, sw))
    if dh <= 0 or dw <= 0:
        raise RuntimeError(messages.im2col_dilation(dh, dw))
    if ph < 0 or pw < 0:
        raise RuntimeError(messages.im2col_padding(ph, pw))
    if not ((a.ndim == 2 and 0 not in a.shape) or (a.ndim == 3 and 0 not in a.shape[1:])):
        raise RuntimeError(messages.col2im_input_dims(a.shape))
    planes, length = a.shape[-2:]
    if planes % (kh * kw):
        raise RuntimeError(messages.col2im_divisible(planes, (kh, kw)))
    bh = (oh + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    bw = (ow + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    args = ((oh, ow), (kh, kw), (dh, dw), (ph, pw), (sh, sw))
    if length != bh * bw:
        raise RuntimeError(messages.col2im_blocks(*args, (bh, bw), length))
    if bh < 1 or bw < 1:
        raise RuntimeError(messages.col2im_too_small(*args, (bh, bw)))
    if oh < 1 or ow < 1:
        raise RuntimeError(messages.col2im_output_size((oh, ow)))
    return Geometry(planes // (kh * kw), oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, bh, bw)


def _key(v):
    """A memo key for an int-list argument that tells 2 from 2.0 and True (equal in
    Python; torch's parser refuses the last two)."""
    if isinstance(v, (tuple, list)):
        return tuple((type(e), e) for e in v)
    return type(v), v


# ------------------------------------------------------------------ conv2d


# the lowerings (kernels/conv.py)
_COLUMNS, _SHIFTED, _PATCHES = range(3)


class ConvPlan:
    """Everything about one conv2d call that depends only on shapes, dtypes
    and arguments: the geometry, the lowering, the node's shapes.

    Lowerings: patch rows for groups == 1 and many channels; for few
    channels or groups > 1, shifted rows when the stride is 1 and the padded
    width adds little to the product, else torch's columns. The column and
    shifted layouts are (C*KH*KW, N * R) with R = OH * OW or OH * Wp."""
    __slots__ = ("geom", "N", "O", "G", "Og", "Kg", "M", "R", "mode", "Hp", "Wp", "slack",
                 "dtype", "in_shape", "w_shape", "out_shape", "bias_dtype")

    def __init__(self, geom, N, O, G, dtype, in_shape, w_shape, bias_dtype):
        g = geom
        self.geom = geom
        self.N, self.O, self.G = N, O, G
        self.Og = O // G
        self.Kg = g.KK // G
        self.dtype = dtype
        self.in_shape, self.w_shape = in_shape, w_shape
        # torch's output for an input without channels has no channels either
        self.out_shape = (N, O if g.C else 0, g.OH, g.OW)
        self.bias_dtype = bias_dtype
        # the padded input (the extra rows/columns 'same' asks for included)
        self.Hp = max(g.pt + g.H, (g.OH - 1) * g.sh + (g.KH - 1) * g.dh + 1)
        self.Wp = max(g.pl + g.W, (g.OW - 1) * g.sw + (g.KW - 1) * g.dw + 1)
        self.slack = (g.KW - 1) * g.dw
        if G == 1 and g.C >= PATCH_MIN_CHANNELS:
            self.mode = _PATCHES
            self.R = g.L
        elif g.sh == 1 and g.sw == 1 and 4 * self.Wp <= 5 * g.OW:
            self.mode = _SHIFTED
            self.R = g.OH * self.Wp
        else:
            self.mode = _COLUMNS
            self.R = g.L
        self.M = N * self.R

    def _product(self, wm, cols):
        if self.G == 1:
            return blas_matmul(wm, cols)
        return blas_matmul(wm, cols.reshape(self.G, self.Kg, self.M))

    # forward: (output, lowered input, weight matrix) -------------------------

    def forward(self, a, w, bias):
        g = self.geom
        N, O, M, L = self.N, self.O, self.M, g.L
        out = np.empty(self.out_shape, self.dtype)
        if g.C == 0:
            return out, None, None
        if self.mode == _PATCHES:
            C = g.C
            xp = np.empty((N, self.Hp, self.Wp, C), self.dtype)
            rows = np.empty((M, self.Kg), self.dtype)
            wm = w.transpose(0, 2, 3, 1).reshape(O, self.Kg)      # (kh, kw, c) order: a copy
            geometry = (self.Hp, self.Wp, C, g.KH, g.KW, g.sh, g.sw, g.dh, g.dw, g.OH, g.OW)
            if rows.size < _PAR_MIN:
                K.nchw_to_padded_nhwc(a, g.pt, g.pl, xp)
                K.im2row(xp.reshape(-1), N, *geometry, rows.reshape(-1))
                y = blas_matmul(rows, wm.T)
                K.rows_to_nchw(y, bias, N, L, out.reshape(N, O, L))
                return out, rows, wm
            xf, rf, per = xp.reshape(N, -1), rows.reshape(N, -1), L * self.Kg

            def lower(n0, n1):      # each sample alone
                K.nchw_to_padded_nhwc.nogil(a[n0:n1], g.pt, g.pl, xp[n0:n1])
                K.im2row.nogil(xf[n0:n1].reshape(-1), n1 - n0, *geometry, rf[n0:n1].reshape(-1))
            parallel.rows(lower, N, per)
            y = blas_matmul(rows, wm.T)
            o3 = out.reshape(N, O, L)

            def layout(n0, n1):
                K.rows_to_nchw.nogil(y[n0 * L:n1 * L], bias, n1 - n0, L, o3[n0:n1])
            parallel.rows(layout, N, O * L)
            return out, rows, wm
        wm = w.reshape(O, self.Kg) if self.G == 1 else w.reshape(self.G, self.Og, self.Kg)
        cols = np.empty((g.KK, M), self.dtype)
        if self.mode == _SHIFTED:
            size = N * g.C * self.Hp * self.Wp
            xp = np.empty(size + self.slack, self.dtype)
            xp[size:] = 0
            finite = K.nchw_pad(a, g.pt, g.pl, xp[:size].reshape(N, g.C, self.Hp, self.Wp))
            K.shift_cols(xp, N, g.C, self.Hp, self.Wp, g.KH, g.KW, g.dh, g.dw, g.OH, g.OW,
                         not finite, cols.reshape(-1))
            y = self._product(wm, cols)
            K.shift_out(y.reshape(O, N, g.OH, self.Wp), bias, out)
            return out, cols, wm
        g.im2col(a, N, cols, M, L)
        y = self._product(wm, cols)
        K.onl_to_nol(y.reshape(-1), bias, N, O, L, out.reshape(-1))
        return out, cols, wm

    # backward: (grad input, grad weight, grad bias) --------------------------

    def backward(self, grad, lowered, wm, need_x, need_w, need_b):
        g = self.geom
        N, O, M, L = self.N, self.O, self.M, g.L
        gx = gw = gb = None
        if g.C == 0:
            return (np.zeros(self.in_shape, self.dtype) if need_x else None,
                    np.zeros(self.w_shape, self.dtype) if need_w else None,
                    np.zeros(O, self.bias_dtype) if need_b else None)
        acc = np.empty(O, np.float64) if need_b else _F64_EMPTY
        if self.mode == _PATCHES:
            gp = np.empty((M, O), self.dtype)
            if gp.size < _PAR_MIN:
                K.nchw_to_rows(grad.reshape(N, O, L), gp, acc, need_b)
            else:
                acc = self._rows_with_bias(grad.reshape(N, O, L), gp, acc, need_b)
            if need_w:
                gw = blas_matmul(gp.T, lowered).reshape(O, g.KH, g.KW, g.C)
                gw = np.ascontiguousarray(gw.transpose(0, 3, 1, 2))
            if need_x:
                grows = blas_matmul(gp, wm)
                gpad = np.empty((N, self.Hp, self.Wp, g.C), self.dtype)
                gx = np.empty(self.in_shape, self.dtype)
                geometry = (self.Hp, self.Wp, g.C, g.KH, g.KW, g.sh, g.sw, g.dh, g.dw, g.OH,
                            g.OW)
                if grows.size < _PAR_MIN:
                    K.row2im(grows.reshape(-1), N, *geometry, gpad.reshape(-1))
                    K.padded_nhwc_to_nchw(gpad, g.pt, g.pl, gx)
                else:
                    gr, gf = grows.reshape(N, -1), gpad.reshape(N, -1)

                    def unlower(n0, n1):        # each sample's windows add into its own
                        K.row2im.nogil(gr[n0:n1].reshape(-1), n1 - n0, *geometry,
                                 gf[n0:n1].reshape(-1))
                        K.padded_nhwc_to_nchw.nogil(gpad[n0:n1], g.pt, g.pl, gx[n0:n1])
                    parallel.rows(unlower, N, gr.shape[1])
        else:
            G = self.G
            go = np.empty((O, M), self.dtype)
            if self.mode == _SHIFTED:
                K.shift_grad(grad, go.reshape(O, N, g.OH, self.Wp), acc, need_b)
            else:
                K.nol_to_onl(grad.reshape(-1), N, O, L, go.reshape(-1), acc, need_b)
            if need_w:
                if G == 1:
                    gw = blas_matmul(go, lowered.T)
                else:
                    gw = blas_matmul(go.reshape(G, self.Og, M),
                                   lowered.reshape(G, self.Kg, M).transpose(0, 2, 1))
                gw = gw.reshape(self.w_shape)
            if need_x:
                if G == 1:
                    gcols = blas_matmul(wm.T, go)
                else:
                    gcols = blas_matmul(wm.transpose(0, 2, 1), go.reshape(G, self.Og, M))
                gx = np.empty(self.in_shape, self.dtype)
                if self.mode == _SHIFTED:
                    size = N * g.C * self.Hp * self.Wp
                    gpad = np.empty(size + self.slack, self.dtype)
                    # the discarded columns of gcols are exact zeros when the weights are finite
                    whole = bool(np.isfinite(wm).all())
                    K.shift_col2im(gcols.reshape(-1), N, g.C, self.Hp, self.Wp, g.KH, g.KW,
                                   g.dh, g.dw, g.OH, g.OW, whole, gpad)
                    K.nchw_unpad(gpad[:size].reshape(N, g.C, self.Hp, self.Wp), g.pt, g.pl, gx)
                else:
                    g.col2im(gcols, N, gx, M, L)
        if need_b:
            gb = acc.astype(self.bias_dtype)
        return gx, gw, gb


    def _rows_with_bias(self, g3, gp, acc, need_b):
        """K.nchw_to_rows on the threads, blocks of whole samples; the bias
        gradient as one float64 partial per block, added in block order (the
        blocks depend on the sizes only)."""
        N, O, L = g3.shape
        per = max(1, parallel.CHUNK // (O * L))
        blocks = -(-N // per)
        parts = np.zeros((blocks, O), np.float64)

        def block(u0, u1):
            for u in range(u0, u1):
                n0, n1 = u * per, min(u * per + per, N)
                K.nchw_to_rows.nogil(g3[n0:n1], gp[n0 * L:n1 * L], parts[u], need_b)
        parallel.run(block, blocks)
        return parallel.add_rows(parts) if need_b else acc


class ConvolutionNode(Node):
    """Saved: (plan, lowered input, weight matrix, input, weight); edges
    (input, weight, bias or None) as torch's."""
    __slots__ = ()

    def apply(self, grad):
        nxt = self._next
        return conv2d_backward(self._saved_or_raise()[:3], (grad,),
                               (nxt[0] is not None, nxt[1] is not None, nxt[2] is not None))

    def apply_graph(self, grad):
        # the same gradients as recorded ops: matmul with the weight and fold for the
        # input, unfold of the input and matmul for the weight, a sum for the bias
        plan, _, _, x, w = self._saved_or_raise()
        geom, N, G, Og, Kg, L = plan.geom, plan.N, plan.G, plan.Og, plan.Kg, plan.geom.L
        nxt = self._next
        gx = gw = gb = None
        g4 = grad.reshape(N, G, Og, L)
        if nxt[0] is not None:
            wg = w.reshape(G, Og, Kg).transpose(1, 2)
            gcols = wg.matmul(g4).reshape(N, geom.KK, L)
            gx = fold_op(gcols, geom)
        if nxt[1] is not None:
            cols = unfold_op(x, geom).reshape(N, G, Kg, L)
            gw = g4.matmul(cols.transpose(2, 3)).sum(0).reshape(plan.w_shape)
        if nxt[2] is not None:
            gb = grad.sum((0, 2, 3))
            if gb._data.dtype != plan.bias_dtype:
                gb = cast(gb, plan.bias_dtype)
        return gx, gw, gb


_CONV_NODE = node_class("ConvolutionBackward0", ConvolutionNode)


def _type_name(v):
    if isinstance(v, Tensor):
        return "Tensor"
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _int_list(v):
    """torch's parser for an int-list argument: int -> (v, v); a sequence of
    ints as it is; None when the value is of another type."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return (int(v), int(v))
    if isinstance(v, (tuple, list)) and all(
            isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in v):
        return tuple(int(e) for e in v)
    return None


def _check_arguments(x, w, b, stride, padding, dilation, groups):
    """The TypeError torch's argument parser raises, or the parsed (stride,
    padding, dilation) tuples (padding may stay a string)."""
    s, d = _int_list(stride), _int_list(dilation)
    p = padding if isinstance(padding, str) else _int_list(padding)
    bad = {}
    if s is None:
        bad["stride"] = stride
    if p is None:
        bad["padding"] = padding
    if d is None:
        bad["dilation"] = dilation
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool):
        bad["groups"] = groups
    if (not isinstance(x, Tensor) or not isinstance(w, Tensor)
            or (b is not None and not isinstance(b, Tensor)) or bad):
        got = [_type_name(x), _type_name(w)]
        if b is not None:
            got.append(_type_name(b))
        for name, value, default in (("stride", stride, 1), ("padding", padding, 0),
                                     ("dilation", dilation, 1), ("groups", groups, 1)):
            if name in bad or not (type(value) is int and value == default):
                got.append(f"{name}={_type_name(value)}")
        raise TypeError(messages.conv2d_invalid_arguments(got))
    return s, p, d


_same_warned = []


def _expand_param(name, values, dim):
    if len(values) == 1:
        return values * dim
    if len(values) != dim:
        raise RuntimeError(messages.conv_expand_param(name, dim, values))
    return values


def _conv_plan(a_shape, a_dtype, w_shape, w_dtype, b_info, stride, padding, dilation, groups):
    """Validate as torch does, in its order, and plan (inputs are 4-d here)."""
    wd = len(w_shape)
    extra_h = extra_w = 0                  # 'same' with an even kernel: the extra bottom/right
    if isinstance(padding, str):
        if padding == "same":
            if wd < 3:
                raise RuntimeError(messages.CONV_WEIGHT_DIMS)
            if groups <= 0:
                raise RuntimeError(messages.CONV_GROUPS)
            if wd != len(a_shape):
                raise RuntimeError(messages.conv_weight_input_dims(w_shape, len(a_shape),
                                                                   a_shape, space=""))
            dim = wd - 2
            if len(stride) not in (dim, 1):
                raise RuntimeError(messages.conv_broadcast_param("stride", dim))
            if len(dilation) not in (dim, 1):
                raise RuntimeError(messages.conv_broadcast_param("dilation", dim))
            if any(s != 1 for s in stride):
                raise RuntimeError(messages.CONV_SAME_STRIDED)
            dil = dilation * dim if len(dilation) == 1 else dilation
            totals = [d * (k - 1) for d, k in zip(dil, w_shape[2:])]
            padding = tuple(t // 2 for t in totals)
            extras = [t - t // 2 - t // 2 for t in totals]
            if any(extras):
                if not _same_warned:
                    _same_warned.append(True)
                    warnings.warn(messages.CONV_SAME_EVEN_WARNING, UserWarning, stacklevel=4)
                extra_h, extra_w = extras
        elif padding == "valid":
            padding = (0,)
        else:
            raise RuntimeError(messages.conv_padding_string(padding))
    if wd < 3:
        raise RuntimeError(messages.CONV_WEIGHT_DIMS)
    if groups <= 0:
        raise RuntimeError(messages.CONV_GROUPS)
    dim = wd - 2
    stride = _expand_param("stride", stride, dim)
    padding = _expand_param("padding", padding, dim)
    dilation = _expand_param("dilation", dilation, dim)
    if any(p < 0 for p in padding):
        raise RuntimeError(messages.CONV_NEGATIVE_PADDING)
    if any(s <= 0 for s in stride):
        raise RuntimeError(messages.CONV_STRIDE)
    if any(d < 0 for d in dilation):
        raise RuntimeError(messages.CONV_NEGATIVE_DILATION)
    if wd != len(a_shape):
        raise RuntimeError(messages.conv_weight_input_dims(w_shape, len(a_shape), a_shape))
    O = w_shape[0]
    if O < groups:
        raise RuntimeError(messages.conv_groups_at_least(groups, w_shape))
    if O % groups:
        raise RuntimeError(messages.conv_groups_divisible(groups, w_shape))
    if a_shape[1] != w_shape[1] * groups:
        raise RuntimeError(messages.conv_channels(groups, w_shape, a_shape))
    if b_info is not None and (len(b_info[0]) != 1 or b_info[0][0] != O):
        raise RuntimeError(messages.conv_bias_shape(w_shape, b_info[0]))
    N, C, H, W = a_shape
    KH, KW = w_shape[2:]
    if not (KH and KW):                 # torch's slow_conv2d check (oneDNN fails too)
        raise RuntimeError(messages.im2col_kernel(KH, KW))
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    padded = (H + extra_h + 2 * ph, W + extra_w + 2 * pw)
    kernel = (dh * (KH - 1) + 1, dw * (KW - 1) + 1)
    if padded[0] < kernel[0] or padded[1] < kernel[1]:
        raise RuntimeError(messages.conv_kernel_size(padded, kernel))
    # the backend's dtype checks
    dt = np.dtype(a_dtype)
    names = {d: from_numpy(d)._torch_name for d in {dt, np.dtype(w_dtype)}}
    bias_dtype = dt if b_info is None else np.dtype(b_info[1])
    if dt == np.float32:
        if w_dtype != dt:
            raise RuntimeError(messages.conv_mkldnn_type(dt, np.dtype(w_dtype)))
        if bias_dtype != dt:
            raise RuntimeError(messages.conv_mkldnn_type(dt, bias_dtype, "bias"))
        if 0 in dilation:
            raise RuntimeError(messages.CONV_DILATION_MKLDNN)
    else:
        if 0 in dilation:
            raise RuntimeError(messages.conv_dilation_zero(dilation))
        if w_dtype != dt:
            raise RuntimeError(messages.expected_scalar_type(names[dt],
                                                             names[np.dtype(w_dtype)]))
        if dt.kind == "b":
            raise NotImplementedError(messages.not_implemented_for("slow_conv2d_cpu", "Bool"))
    OH = (padded[0] - kernel[0]) // sh + 1
    OW = (padded[1] - kernel[1]) // sw + 1
    geom = Geometry(C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW)
    return ConvPlan(geom, N, O, groups, dt, a_shape, w_shape, bias_dtype)


_conv_plans = {}


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    try:
        key = (x._data.shape, w._data.shape, x._data.dtype, w._data.dtype,
               None if b is None else (b._data.shape, b._data.dtype),
               _key(stride), _key(padding), _key(dilation), _key(groups))
        plan = _conv_plans.get(key)
    except (AttributeError, TypeError):
        plan = None
    if plan is None:
        stride_, padding_, dilation_ = _check_arguments(x, w, b, stride, padding, dilation,
                                                        groups)
        a = x._data
        if not isinstance(padding_, str) and b is not None and b._data.dtype != a.dtype:
            raise RuntimeError(messages.conv_bias_type(from_numpy(a.dtype)._c_name,
                                                       from_numpy(b._data.dtype)._c_name))
        if a.ndim not in (3, 4):
            raise RuntimeError(messages.conv_input_dims(a.shape))
        if a.ndim == 3:
            from .shape_ops import squeeze, unsqueeze
            return squeeze(conv2d(unsqueeze(x, 0), w, b, stride, padding, dilation, groups), 0)
        plan = _conv_plans[key] = _conv_plan(
            a.shape, a.dtype, w._data.shape, w._data.dtype,
            None if b is None else (b._data.shape, b._data.dtype),
            stride_, padding_, dilation_, int(groups))
    return _conv(x, w, b, plan)


def _conv(x, w, b, plan):
    (out,), saved = _conv_arrays(x._data, w._data, None if b is None else b._data, plan)
    if not grad_state.enabled or not (x._requires_grad or w._requires_grad or
                                      (b is not None and b._requires_grad)):
        return _wrap(out)
    node = _CONV_NODE((edge(x), edge(w), None if b is None else edge(b)),
                      (*saved, x, w), (saved_version(x), saved_version(w)))
    return _wrap_result(out, node)


def _conv_arrays(a, wa, bias, plan):
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    if not wa.flags.c_contiguous:
        wa = np.ascontiguousarray(wa)
    if bias is None:
        bias = plan.dtype.type(0)
    elif bias.dtype != plan.dtype:
        bias = bias.astype(plan.dtype)
    elif not bias.flags.c_contiguous:
        bias = np.ascontiguousarray(bias)
    out, lowered, wm = plan.forward(a, wa, bias)
    return (out,), (plan, lowered, wm)


def conv2d_forward(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The op table's forward (``derivatives.COMPOSITE["conv2d"]``) on arrays
    whose arguments ``conv2d`` has checked: ((output,), (plan, the lowered
    input, the weight matrix)); an unbatched (3-d) input runs as a batch of one."""
    if input.ndim == 3:
        (out,), saved = conv2d_forward(input[None], weight, bias, stride, padding, dilation,
                                       groups)
        return (out[0],), saved
    key = (input.shape, weight.shape, input.dtype, weight.dtype,
           None if bias is None else (bias.shape, bias.dtype),
           _key(stride), _key(padding), _key(dilation), _key(groups))
    plan = _conv_plans.get(key)
    if plan is None:            # (conv2d made it when it checked these arguments)
        conv2d(_wrap(input), _wrap(weight), None if bias is None else _wrap(bias), stride,
               padding, dilation, groups)
        plan = _conv_plans[key]
    return _conv_arrays(input, weight, bias, plan)


def conv2d_backward(saved, grads, needs):
    """The gradients of (input, weight, bias) where ``needs`` says: products
    with the saved lowered input and weight matrix, col2im for the input."""
    plan, lowered, wm = saved
    grad = grads[0]
    unbatched = grad.ndim == 3
    if unbatched:
        grad = grad[None]
    if grad.dtype != plan.dtype:
        grad = grad.astype(plan.dtype)
    if not grad.flags.c_contiguous:
        grad = np.ascontiguousarray(grad)
    gx, gw, gb = plan.backward(grad, lowered, wm, *needs)
    if unbatched and gx is not None:
        gx = gx[0]
    return gx, gw, gb
