"""group_norm (one node, NativeGroupNormBackward0, numpy forward and
backward), and the normalisations torch writes as compositions: instance_norm
(batch_norm over (1, N*C, ...)), rms_norm, local_response_norm, normalize,
cosine_similarity and pairwise_distance, with the Tensor ops torch records.
"""
import math

import numpy as np

from .. import messages
from ..autograd.graph import Node, node_class
from ..autograd.grad_mode import no_grad
from .normalization import _affine_result, _name, _needs
from ..tensor import Size
from .elementwise import scale_array
from .reductions import NormNode, norm as _norm
from .shapes import reduce_plan, reduce_sum, sum_to_shape


# ------------------------------------------------------------------ group_norm

class GroupNormNode(Node):
    """Saved: (the table's saved arrays (``group_norm_forward``), input Tensor,
    weight Tensor or None, eps)."""
    __slots__ = ()

    def apply(self, grad):
        return group_norm_backward(self._saved_or_raise()[0], (grad,), _needs(self))

    def apply_graph(self, grad):
        (x, _, _, _, c, shape), xt, wt, eps = self._saved_or_raise()
        n, g, d = x.shape
        gy = grad.reshape(n, c, -1)
        # xhat recomputed on the recorded input, so the result is differentiable again
        xg = xt.reshape(n, g, d)
        mean = xg.mean(2, keepdim=True)
        r = ((xg - mean) ** 2).mean(2, keepdim=True).add(eps).rsqrt()
        xh = (xg - mean) * r
        gx = gw = gb = None
        if self._next[0] is not None:
            gxh = (gy * wt.reshape(-1, 1) if wt is not None else gy).reshape(n, g, d)
            gx = (r * (gxh - gxh.mean(2, keepdim=True)
                       - xh * (gxh * xh).mean(2, keepdim=True))).reshape(shape)
        if self._next[1] is not None:
            gw = (gy * xh.reshape(n, c, -1)).sum((0, 2))
        if self._next[2] is not None:
            gb = gy.sum((0, 2))
        return gx, gw, gb


_GROUP_NORM = node_class("NativeGroupNormBackward0", GroupNormNode)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    (out,), saved = group_norm_forward(input._data, num_groups,
                                       None if weight is None else weight._data,
                                       None if bias is None else bias._data, eps)
    return _affine_result(_GROUP_NORM, out, (saved, input, weight, eps), input, weight, bias,
                          (weight,))


def group_norm_forward(input, num_groups, weight=None, bias=None, eps=1e-5):
    """The op table's forward (``derivatives.COMPOSITE["group_norm"]``) on
    arrays, with torch's checks: ((output,), saved), saved = (x as (N, G, D),
    xhat (N, G, D), rstd (N, G, 1), weight or None, C, input shape)."""
    a = input
    if a.ndim < 2:
        raise RuntimeError(messages.group_norm_input_dim(a.ndim))
    n, c = a.shape[0], a.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(messages.group_norm_groups(list(a.shape), num_groups))
    for p, name in ((weight, "weight"), (bias, "bias")):
        if p is not None and (p.ndim != 1 or p.size != c):
            raise RuntimeError(messages.group_norm_affine(name, list(p.shape), list(a.shape)))
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for("GroupNormKernelImpl",
                                                               _name(a.dtype)))
    dtype = a.dtype
    x = np.ascontiguousarray(a).reshape(n, num_groups, -1)
    with np.errstate(all="ignore"):         # inf - inf, overflowing squares: silent in torch
        mean = x.mean(2, keepdims=True, dtype=np.float64)
        var = ((x - mean) ** 2).mean(2, keepdims=True)
        rstd = (1.0 / np.sqrt(var + eps)).astype(dtype)
        xhat = ((x - mean) * rstd).astype(dtype)
        out = xhat.reshape(n, c, -1)
        w = None if weight is None else weight.astype(dtype, copy=False)
        if w is not None:
            out = out * w[:, None]
        if bias is not None:
            out = out + bias.astype(dtype, copy=False)[:, None]
    return (out.astype(dtype, copy=False).reshape(a.shape),), (x, xhat, rstd, w, c, a.shape)


def group_norm_backward(saved, grads, needs):
    """The gradients of (input, weight, bias) where ``needs`` says."""
    x, xhat, rstd, w, c, shape = saved
    n, g, d = x.shape
    gy = np.asarray(grads[0], x.dtype).reshape(n, c, -1)
    need_x, need_w, need_b = needs
    gx = gw = gb = None
    with np.errstate(all="ignore"):
        if need_x:
            gxh = (gy * w[:, None] if w is not None else gy).reshape(n, g, d)
            gx = rstd * (gxh - gxh.mean(2, keepdims=True)
                         - xhat * (gxh * xhat).mean(2, keepdims=True))
            gx = gx.astype(x.dtype, copy=False).reshape(shape)
        if need_w:
            gw = (gy * xhat.reshape(n, c, -1)).sum((0, 2)).astype(x.dtype, copy=False)
        if need_b:
            gb = gy.sum((0, 2)).astype(x.dtype, copy=False)
    return gx, gw, gb


# ------------------------------------------------------------------ instance_norm

def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    from .normalization import batch_norm
    shape = tuple(input.shape)
    n, c = shape[0], shape[1]
    if use_input_stats:
        spatial = math.prod(shape[2:])
        if spatial == 1:
            raise ValueError(messages.instance_norm_spatial(input.size()))
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    out = batch_norm(input.reshape(1, n * c, *shape[2:]), rm, rv, w, b, use_input_stats,
                     momentum, eps)
    if use_input_stats:
        with no_grad():
            if running_mean is not None:
                running_mean.copy_(rm.view(n, c).mean(0))
            if running_var is not None:
                running_var.copy_(rv.view(n, c).mean(0))
    return out.view(*shape)


def instance_norm_forward(input, running_mean=None, running_var=None, weight=None, bias=None,
                          use_input_stats=True, momentum=0.1, eps=1e-5):
    """The op table's forward (``derivatives.COMPOSITE["instance_norm"]``) on
    arrays: batch_norm's over (1, N*C, ...) with the repeated parameters, as
    ``instance_norm`` records it. ((output, the new running_mean and
    running_var, those given, when ``use_input_stats``: what the eager op
    copies into them), (batch_norm's saved, input shape, N, C))."""
    from .normalization import batch_norm_forward
    shape = input.shape
    n, c = shape[0], shape[1]
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise ValueError(messages.instance_norm_spatial(Size(shape)))
    rm, rv, w, b = (None if p is None else np.tile(p, n)
                    for p in (running_mean, running_var, weight, bias))
    (out,), saved = batch_norm_forward(input.reshape(1, n * c, *shape[2:]), rm, rv, w, b,
                                       use_input_stats, momentum, eps)
    outs = (out.reshape(shape),)
    if use_input_stats:
        # Tensor.mean(0)'s numbers, as the eager op's copy_ of rm.view(n, c).mean(0)
        outs += tuple(scale_array(reduce_sum(r.reshape(n, c), _over_batch(n, c)),
                                  1.0 / n if n else math.nan)
                      for r in (rm, rv) if r is not None)
    return outs, (saved, shape, n, c)


def instance_norm_backward(saved, grads, needs):
    """The gradients of (input, running_mean, running_var, weight, bias) where
    ``needs`` says (never the running statistics'): batch_norm's, the
    parameters' summed over the batch as their repeat's backward does."""
    from .normalization import batch_norm_backward
    bn_saved, shape, n, c = saved
    need_x, _, _, need_w, need_b = needs
    gx, _, _, gw, gb = batch_norm_backward(bn_saved, grads[:1],
                                           (need_x, False, False, need_w, need_b))
    plan = _over_batch(n, c) if need_w or need_b else None
    return (None if gx is None else gx.reshape(shape), None, None,
            None if gw is None else reduce_sum(gw.reshape(n, c), plan),
            None if gb is None else reduce_sum(gb.reshape(n, c), plan))


_batch_plans = {}


def _over_batch(n, c):
    """The reduction plan of an (n, c) array's sum over dim 0 (Tensor.repeat's
    backward's and Tensor.mean(0)'s)."""
    plan = _batch_plans.get((n, c))
    if plan is None:
        plan = _batch_plans[n, c] = reduce_plan((n, c), (0,), False)
    return plan


# ------------------------------------------------------------------ rms_norm

def rms_norm(input, normalized_shape, weight=None, eps=None):
    shape = tuple(input.shape)
    ns = tuple(normalized_shape)
    if len(ns) > len(shape) or shape[len(shape) - len(ns):] != ns:
        raise RuntimeError(messages.rms_norm_shape(list(ns), list(shape)))
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(len(shape) - len(ns), len(shape)))
    out = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    return out


def rms_norm_forward(input, normalized_shape, weight=None, eps=None):
    """The op table's forward (``derivatives.COMPOSITE["rms_norm"]``) on
    arrays: what ``rms_norm``'s recorded ops compute, ((output,), (input, rstd
    (input's dtype, kept dims), weight or None, the normalized dims))."""
    shape = input.shape
    ns = tuple(normalized_shape)
    if len(ns) > len(shape) or shape[len(shape) - len(ns):] != ns:
        raise RuntimeError(messages.rms_norm_shape(list(ns), list(shape)))
    if eps is None:
        eps = float(np.finfo(input.dtype).eps)
    dims = tuple(range(len(shape) - len(ns), len(shape)))
    with np.errstate(all="ignore"):
        rstd = 1 / np.sqrt((input * input).mean(dims, keepdims=True) + input.dtype.type(eps))
        out = input * rstd
        if weight is not None:
            out = out * weight
    return (out,), (input, rstd, weight, dims)


def rms_norm_backward(saved, grads, needs):
    """The gradients of (input, weight) where ``needs`` says: y = x * r with
    r = (mean(x^2) + eps)^-1/2 over the normalized dims gives dx = r * gy -
    x * r^3 * mean(gy * x), gy the gradient reaching x * r."""
    x, rstd, weight, dims = saved
    need_x, need_w = needs
    g = grads[0]
    gx = gw = None
    with np.errstate(all="ignore"):
        if need_w:
            gw = sum_to_shape(g * (x * rstd), weight.shape)
        if need_x:
            gy = g if weight is None else sum_to_shape(g * weight, x.shape)
            gx = rstd * gy - x * (rstd * rstd * rstd) * (gy * x).mean(dims, keepdims=True)
    return gx, gw


# ------------------------------------------------------------------ local_response_norm

def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    from ..factories import zeros
    from ..functions import cat
    dim = input.dim()
    if dim < 3:
        raise ValueError(messages.lrn_dim(dim))
    if input.numel() == 0:
        return input
    sq = input.mul(input)
    shape = tuple(input.shape)
    before, after = size // 2, (size - 1) // 2
    pad = [zeros(shape[0], p, *shape[2:], dtype=input.dtype) for p in (before, after)]
    padded = cat([pad[0], sq, pad[1]], 1)
    window = padded.narrow(1, 0, shape[1])
    for i in range(1, size):
        window = window + padded.narrow(1, i, shape[1])
    div = (window / size).mul(alpha).add(k).pow(beta)
    return input / div


# ------------------------------------------------------------------ normalize, cosine
# similarity, pairwise distance

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    # torch's div(input, denom, out=out): out takes the quotient's shape and values
    from ..autograd.grad_mode import no_grad
    result = input / denom
    with no_grad():
        if tuple(out.shape) != tuple(result.shape):
            out.resize_(result.shape)
        out.copy_(result)
    return out


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    from .shapes import broadcast_shape
    shape = broadcast_shape(x1._data.shape, x2._data.shape)
    a = x1 if x1._data.shape == shape else x1.expand(*shape)
    b = x2 if x2._data.shape == shape else x2.expand(*shape)
    na = a.norm(2, dim, keepdim=True).clone()
    nb = b.norm(2, dim, keepdim=True).clone()
    with no_grad():
        na.clamp_min_(eps)
        nb.clamp_min_(eps)
    return ((a / na) * (b / nb)).sum(dim)


_NORM1 = node_class("NormBackward1", NormNode)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    nd = max(x1.dim(), x2.dim())
    last = nd - 1 if nd else None
    r = _norm(x1 - x2 + eps, p, last, keepdim)
    fn = r._grad_fn
    if fn is not None and type(fn).__name__ != "NormBackward1":
        fn.__class__ = _NORM1         # torch records at::norm here (NormBackward1)
    return r
