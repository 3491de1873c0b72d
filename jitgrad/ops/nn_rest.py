"""The rest of nn.functional: rrelu, gumbel_softmax, the channel-wise and
alpha dropouts, channel_shuffle, max_unpool1d/2d/3d, lp_pool1d/2d/3d and the
hinge-embedding, multilabel-margin and triplet-with-distance losses.

rrelu, channel_shuffle, max_unpool2d and multilabel_margin_loss are single
nodes in torch, so one here (numpy forward and backward, torch's node
name); the others are compositions in torch too, written with the same
Tensor ops so the graph ends in the node torch records. Random draws come
from jitgrad's torch-identical generator in torch's order, so a seeded run
gives torch's masks and slopes.
"""
import warnings

import numpy as np

from .. import messages
from ..autograd.graph import MetadataNode, Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..tensor import _wrap, _wrap_result
from . import inplace as _inplace
from .losses_extra import _reduce, _reduction


# ------------------------------------------------------------------ rrelu


class RreluNode(Node):
    """``grad * noise`` (noise: the drawn slope where input <= 0 and 1 elsewhere
    in training; torch's leaky_relu_backward with the mean slope in eval, which
    is the same product). Saved: (noise,)."""
    __slots__ = ()

    def apply(self, grad):
        (noise,) = self._saved_or_raise()
        return (grad * noise,)

    def apply_graph(self, grad):
        (noise,) = self._saved_or_raise()
        return (grad * _wrap(noise),)


_RRELU = (node_class("RreluWithNoiseBackward0", RreluNode),
          node_class("RreluWithNoiseBackward1", RreluNode))


def rrelu(x, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for("rrelu_with_noise_out_cpu",
                                                               x.dtype._torch_name))
    if inplace:
        _inplace.check_inplace(x)
    dt = a.dtype.type
    ac = np.ascontiguousarray(a)
    if training:
        from ..kernels import random as _k
        from ..random import default_generator as g
        # torch: uniform_real_distribution<double>(lower, upper) (one random64, two
        # words) per element <= 0, in memory order, with the bounds in the op's math type
        neg = ac <= 0
        k = int(np.count_nonzero(neg))
        w = np.empty(2 * k, np.uint32)
        if k:
            _k.mt_fill(g._mt, g._pos, w)
        hi = (w[0::2].astype(np.int64) & 0x1FFFFF) << 32
        u = (hi | w[1::2].astype(np.int64)).astype(np.float64) * 2.0 ** -53
        lo64, up64 = float(dt(lower)), float(dt(upper))
        r = (u * (up64 - lo64) + lo64).astype(a.dtype)
        noise = np.ones(ac.shape, a.dtype)
        noise[neg] = r
        out = ac * noise
    else:
        slope = dt((float(lower) + float(upper)) / 2)
        noise = np.where(ac > 0, dt(1), slope).astype(a.dtype)
        out = np.where(ac > 0, ac, ac * slope).astype(a.dtype)
    if x._requires_grad and grad_state.enabled:
        result = _wrap_result(out, _RRELU[bool(inplace)]((edge(x),), (noise,)))
    else:
        result = _wrap(out)
    if inplace:
        return _inplace._take_over(x, result)
    return result


# ------------------------------------------------------------------ gumbel_softmax


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    from ..factories import empty_like, zeros_like
    if eps != 1e-10:
        warnings.warn(messages.GUMBEL_EPS_DEPRECATED, stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ------------------------------------------------------------------ dropouts

_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(messages.dropout_probability(p))


def dropout_impl(x, p, train, feature, alpha, inplace):
    """ATen's _dropout_impl: noise = bernoulli(1 - p) over the input (or over
    (N, C, 1, ...) for the feature variants), scaled, then ``input * noise``
    (``+ b`` for the alpha variants), as recorded Tensor ops."""
    from ..random import bernoulli_
    if not isinstance(train, (bool, np.bool_)):
        fname = ("feature_" if feature else "") + ("alpha_" if alpha else "") + "dropout"
        raise TypeError(messages.must_be(fname + ("_" if inplace else ""), "train", "bool",
                                         train, 3))
    if feature and x.dim() < 2:
        raise RuntimeError(messages.FEATURE_DROPOUT_DIMS)
    a = x._data
    if p == 0 or not train or a.size == 0:
        return x
    if p == 1:
        zero = _wrap(np.zeros((), a.dtype))
        return x.mul_(zero) if inplace else x * zero
    if a.dtype.kind != "f":
        from .. import dtypes
        raise RuntimeError(messages.cast_result(dtypes.get_default_dtype()._torch_name,
                                               x.dtype._torch_name))
    shape = a.shape[:2] + (1,) * (a.ndim - 2) if feature else a.shape
    noise = np.empty(shape, a.dtype)
    bernoulli_(_wrap(noise), 1.0 - p)
    dt = a.dtype.type
    if alpha:
        s = 1.0 / np.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = (noise + dt(-1)) * dt(_ALPHA * s) + dt(_ALPHA * s * p)
        noise = noise * dt(s)
        bt = _wrap(b.astype(a.dtype))
        nt = _wrap(noise.astype(a.dtype))
        return x.mul_(nt).add_(bt) if inplace else (x * nt).add_(bt)
    nt = _wrap((noise / dt(1.0 - p)).astype(a.dtype))
    return x.mul_(nt) if inplace else x * nt


def dropout1d(x, p=0.5, training=True, inplace=False):
    _check_p(p)
    d = x.dim()
    if d not in (2, 3):
        raise RuntimeError(messages.dropout1d_dims(d))
    if d == 3:
        return dropout_impl(x, p, training, True, False, inplace)
    x = x.unsqueeze_(0) if inplace else x.unsqueeze(0)
    r = dropout_impl(x, p, training, True, False, inplace)
    return r.squeeze_(0) if inplace else r.squeeze(0)


def dropout2d(x, p=0.5, training=True, inplace=False):
    _check_p(p)
    d = x.dim()
    if d not in (3, 4):
        warnings.warn(messages.dropout_nd_deprecated(2, d), stacklevel=2)
    if d == 3:
        warnings.warn(messages.DROPOUT2D_3D_INPUT, stacklevel=2)
    return dropout_impl(x, p, training, True, False, inplace)


def dropout3d(x, p=0.5, training=True, inplace=False):
    _check_p(p)
    d = x.dim()
    if d not in (4, 5):
        warnings.warn(messages.dropout_nd_deprecated(3, d), stacklevel=2)
    if d == 5:
        return dropout_impl(x, p, training, True, False, inplace)
    x = x.unsqueeze_(0) if inplace else x.unsqueeze(0)
    r = dropout_impl(x, p, training, True, False, inplace)
    return r.squeeze_(0) if inplace else r.squeeze(0)


def alpha_dropout(x, p=0.5, training=False, inplace=False):
    _check_p(p)
    return dropout_impl(x, p, training, False, True, inplace)


def feature_alpha_dropout(x, p=0.5, training=False, inplace=False):
    _check_p(p)
    return dropout_impl(x, p, training, True, True, inplace)


# ------------------------------------------------------------------ channel_shuffle


def _shuffle(a, g):
    N, C = a.shape[:2]
    rest = a.shape[2:]
    return np.ascontiguousarray(
        a.reshape((N, g, C // g) + rest).swapaxes(1, 2)).reshape(a.shape)


class ChannelShuffleNode(Node):
    """Saved: (groups,); the gradient is the inverse shuffle (C // groups groups)."""
    __slots__ = ()

    def apply(self, grad):
        (g,) = self._saved_or_raise()
        return (_shuffle(grad, grad.shape[1] // g),)

    def apply_graph(self, grad):
        (g,) = self._saved_or_raise()
        return (channel_shuffle(grad, grad.shape[1] // g),)


_CHANNEL_SHUFFLE = node_class("ChannelShuffleBackward0", ChannelShuffleNode)


def channel_shuffle(x, groups):
    a = x._data
    if a.ndim <= 2:
        raise RuntimeError(messages.channel_shuffle_dims(a.shape))
    if groups <= 0:
        raise RuntimeError(messages.channel_shuffle_groups(groups))
    if a.shape[1] % groups:
        raise RuntimeError(messages.channel_shuffle_divisible(a.shape[1], groups))
    out = _shuffle(a, int(groups))
    if x._requires_grad and grad_state.enabled:
        return _wrap_result(out, _CHANNEL_SHUFFLE((edge(x),), (int(groups),)))
    return _wrap(out)


class _NativeShuffleNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        raise RuntimeError(messages.no_derivative("native_channel_shuffle"))

    apply_graph = apply


_NATIVE_SHUFFLE = node_class("NotImplemented", _NativeShuffleNode)


def native_channel_shuffle(x, groups):
    """torch.native_channel_shuffle: the same values, with no derivative."""
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out = channel_shuffle(x, groups)
    if x._requires_grad and grad_state.enabled:
        return _wrap_result(out._data, _NATIVE_SHUFFLE((edge(x),), ()))
    return out


# ------------------------------------------------------------------ max_unpool


class MaxUnpoolNode(Node):
    """``grad`` gathered at the indices. Saved: (indices (P, L), input shape)."""
    __slots__ = ()

    def apply(self, grad):
        idx, shape = self._saved_or_raise()
        g = grad.reshape(idx.shape[0], -1)
        return (np.take_along_axis(g, idx, 1).reshape(shape),)

    def apply_graph(self, grad):
        idx, shape = self._saved_or_raise()
        return (grad.reshape(idx.shape[0], -1).gather(1, _wrap(idx)).reshape(shape),)


_MAX_UNPOOL = {2: node_class("MaxUnpool2DBackward0", MaxUnpoolNode),
               3: node_class("MaxUnpool3DBackward0", MaxUnpoolNode)}


def _single_or_pair(v, n):
    if isinstance(v, (tuple, list)):
        return tuple(v)
    return (v,) * n


def unpool_output_size(x, kernel, stride, padding, output_size):
    n = len(kernel)
    default = [(x.shape[-n + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(n)]
    if output_size is None:
        return default
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(messages.unpool_output_size_len(n, len(output_size)))
    for d in range(n):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(messages.unpool_output_size_range(output_size, d, lo, hi))
    return list(output_size)


def max_unpool_op(x, indices, output_size):
    """torch's max_unpool2d / max_unpool3d: each value written at its flat in-plane
    index of a zero output of the given spatial size."""
    a = x._data
    if indices._data.dtype != np.int64:
        raise RuntimeError(messages.unpool_indices_dtype(indices.dtype._torch_name))
    if indices._data.shape != a.shape:
        raise RuntimeError(messages.unpool_indices_shape(a.shape, indices._data.shape))
    sizes = tuple(int(v) for v in output_size)
    n = len(sizes)
    lead = a.shape[:-n]
    P = int(np.prod(lead, dtype=np.int64))
    idx = np.ascontiguousarray(indices._data, np.int64).reshape(P, -1)
    vals = np.ascontiguousarray(a).reshape(P, -1)
    L = int(np.prod(sizes, dtype=np.int64))
    bad = (idx < 0) | (idx >= L)
    if bad.any():
        raise RuntimeError(messages.unpool_invalid_index(int(idx[bad][0]), sizes))
    out = np.zeros((P, L), a.dtype)
    np.put_along_axis(out, idx, vals, 1)
    out = out.reshape(lead + sizes)
    if x._requires_grad and grad_state.enabled:
        return _wrap_result(out, _MAX_UNPOOL[n]((edge(x),), (idx, a.shape)))
    return _wrap(out)


def max_unpool2d(x, indices, kernel_size, stride=None, padding=0, output_size=None):
    kernel = _single_or_pair(kernel_size, 2)
    stride = kernel if stride is None else _single_or_pair(stride, 2)
    padding = _single_or_pair(padding, 2)
    size = unpool_output_size(x, kernel, stride, padding, output_size)
    return max_unpool_op(x, indices, size)


def max_unpool3d(x, indices, kernel_size, stride=None, padding=0, output_size=None):
    kernel = _single_or_pair(kernel_size, 3)
    stride = kernel if stride is None else _single_or_pair(stride, 3)
    padding = _single_or_pair(padding, 3)
    size = unpool_output_size(x, kernel, stride, padding, output_size)
    return max_unpool_op(x, indices, size)


def max_unpool1d(x, indices, kernel_size, stride=None, padding=0, output_size=None):
    kernel = _single_or_pair(kernel_size, 1)
    stride = kernel if stride is None else _single_or_pair(stride, 1)
    padding = _single_or_pair(padding, 1)
    size = unpool_output_size(x, kernel, stride, padding, output_size)
    return max_unpool_op(x.unsqueeze(-1), indices.unsqueeze(-1), list(size) + [1]).squeeze(-1)


# ------------------------------------------------------------------ lp_pool


def lp_pool(x, norm_type, kernel_size, stride, ceil_mode, nd):
    from ..nn import functional as F
    from ..functions import sign
    max_pool = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[nd - 1]
    avg_pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[nd - 1]
    if nd == 1:
        scale = kernel_size
    else:
        scale = int(np.prod(_single_or_pair(kernel_size, nd)))
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool(x.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-x.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(x.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(x.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (sign(out) * F.relu(out.abs())).mul(scale).pow(1.0 / norm_type)


# ------------------------------------------------------------------ losses


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    from ..functions import where
    from ..factories import zeros_like
    reduction = _reduction(size_average, reduce, reduction)
    zeros = zeros_like(input)
    margin_clamp = (margin - input).clamp_min_(0)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return _reduce(output_margin + output_self, reduction)


class MultilabelMarginNode(Node):
    """Saved: (d loss / d input per sample (N, C), reduction scale shape info)."""
    __slots__ = ()

    def apply(self, grad):
        dx, shape, reduction = self._saved_or_raise()[:3]
        g = grad.reshape(-1, 1) if grad.ndim else grad.reshape(1, 1)
        return ((dx * g).astype(dx.dtype).reshape(shape),)

    def apply_graph(self, grad):
        # torch has no derivative for multilabel_margin_loss_backward: the recorded
        # gradient refuses to be differentiated, as torch's does
        dx, shape, reduction, input = self._saved_or_raise()
        out = self.apply(grad._data)[0]
        if not (grad._requires_grad or input._requires_grad):
            return (_wrap(out),)
        return (_wrap_result(out, _NO_DERIVATIVE((edge(grad), edge(input)), ())),)


class _NoDerivativeNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        raise RuntimeError(messages.no_derivative("multilabel_margin_loss_backward"))

    apply_graph = apply


_MULTILABEL_MARGIN = node_class("MultilabelMarginLossBackward0", MultilabelMarginNode)
_NO_DERIVATIVE = node_class("NotImplemented", _NoDerivativeNode)


def _multilabel_rows(x, tt, per, n_plus, n_minus):
    """Rows of multilabel_margin_loss as torch's loops: for each target slot j before
    the first -1 (in the list's order; a repeated target counts twice), for each
    non-target i, z = 1 - x[t_j] + x[i] in the dtype, added when > 0 to a double
    accumulator (returned as the dtype: ``per``); how often each position gains
    (``n_plus``) or loses (``n_minus``) one step of the gradient."""
    N, C = x.shape
    dt = x.dtype.type
    valid = ~(np.cumsum(tt < 0, axis=1) > 0)
    rows = np.broadcast_to(np.arange(N)[:, None], tt.shape)
    is_target = np.zeros((N, C), bool)
    is_target[rows[valid], tt[valid]] = True
    tc = np.where(valid, tt, 0)
    z = (dt(1) - np.take_along_axis(x, tc, 1))[:, :, None] + x[:, None, :]   # (N, j, i)
    act = (z > 0) & (~is_target)[:, None, :] & valid[:, :, None]
    seq = np.cumsum(np.where(act, z, dt(0)).astype(np.float64).reshape(N, -1), axis=1)
    per[:] = seq[:, -1]
    n_plus[:] = act.sum(1)
    np.add.at(n_minus, (rows[valid], tt[valid]), act.sum(2)[valid])


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    a, t = input._data, target._data
    if a.ndim > 2 or t.shape != a.shape:
        raise RuntimeError(messages.multilabel_target_size(t.shape, a.shape))
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "multilabel_margin_loss_forward_out_frame", from_numpy(a.dtype)._torch_name))
    C = a.shape[-1] if a.ndim else 1
    if C == 0 or (a.ndim == 1 and a.size == 0):
        raise RuntimeError(messages.multilabel_empty(a.shape))
    x = np.ascontiguousarray(a).reshape(-1, C)
    tt = np.asarray(t, np.int64).reshape(-1, C)
    if tt.size and (tt.min() < -1 or tt.max() >= C):
        raise RuntimeError(messages.MULTILABEL_TARGET_RANGE)
    N = x.shape[0]
    dt = a.dtype.type
    per = np.empty(N, a.dtype)
    n_plus = np.empty((N, C), np.int64)
    n_minus = np.zeros((N, C), np.int64)
    step = max(1, (1 << 22) // (C * C))          # rows per chunk: bounded (rows, C, C) temporaries
    # inf - inf, overflowing sums and their float32 casts: silent, as torch's loops
    with np.errstate(all="ignore"):
        for r0 in range(0, N, step):
            _multilabel_rows(x[r0:r0 + step], tt[r0:r0 + step], per[r0:r0 + step],
                             n_plus[r0:r0 + step], n_minus[r0:r0 + step])
        if reduction == "none" and a.ndim == 2:
            out = per / dt(C)
        else:
            # (no samples: torch leaves the result uninitialised; here sum 0, mean nan)
            total = np.cumsum(per.astype(np.float64))[-1] if N else np.float64(0)
            total = total / C / N if reduction == "mean" else total / C
            out = np.asarray(total, a.dtype)
    # the gradient: g = 1 / (N C) (mean) or 1 / C added (at i) or subtracted (at the
    # target) once per active pair, in the dtype, as torch's loop adds it
    g = dt(1.0 / (N * C)) if reduction == "mean" and N else dt(1.0 / C)
    top = int(max(n_plus.max(initial=0), n_minus.max(initial=0)))
    steps = np.concatenate([[dt(0)], np.cumsum(np.full(top, g, a.dtype), dtype=a.dtype)])
    dx = (steps[n_plus] - steps[n_minus]).astype(a.dtype)
    if input._requires_grad and grad_state.enabled:
        node = _MULTILABEL_MARGIN((edge(input),), (dx, a.shape, reduction, input),
                                  (saved_version(input),))
        return _wrap_result(out, node)
    return _wrap(out)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    from ..functions import clamp_min, minimum
    from .normalization_extra import pairwise_distance
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(messages.invalid_reduction(reduction))
    if margin <= 0:
        raise ValueError(messages.triplet_margin(margin))
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == p == n):
        raise RuntimeError(messages.triplet_dims(a, p, n))
    if distance_function is None:
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance_function(positive, negative))
    loss = clamp_min(margin + dist_pos - dist_neg, 0)
    return _reduce(loss, reduction)
