"""More of nn.functional's losses. huber_loss, soft_margin_loss and
multi_margin_loss are single nodes in torch, so one here (numpy forward and
backward); the others are compositions in torch too (kl_div, poisson_nll,
gaussian_nll, multilabel_soft_margin, cosine_embedding, margin_ranking,
triplet_margin), written with the same Tensor ops so the graph ends in the
node torch records.
"""
import math
import warnings

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result
from .losses import _size_warning, check_reduction, legacy_reduction
from .elementwise import sum_to_size
from .shapes import broadcast_shape, sum_to_shape


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, reduction)
    return check_reduction(reduction)


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _reduce_array(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.asarray(loss.sum(dtype=loss.dtype))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(loss.mean(dtype=loss.dtype) if loss.size else loss.dtype.type(np.nan))


def _grad_scale(grad, reduction, count, dtype):
    if reduction == "none":
        return grad
    g = grad.reshape(())
    return (g / count).astype(dtype) if reduction == "mean" else g


# ------------------------------------------------------------------ huber_loss

class HuberNode(Node):
    """Saved: (input - target broadcast, delta, reduction, input shape, target shape, input
    Tensor, target Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        d, delta, reduction, xs, ys = self._saved_or_raise()[:5]
        with np.errstate(all="ignore"):
            g = _grad_scale(grad, reduction, d.size, d.dtype)
            gd = (np.clip(d, -delta, delta) * g).astype(d.dtype, copy=False)
        gx = sum_to_shape(gd, xs) if self._next[0] is not None else None
        gy = sum_to_shape(-gd, ys) if self._next[1] is not None else None
        return gx, gy

    def apply_graph(self, grad):
        d, delta, reduction, xs, ys, xt, yt = self._saved_or_raise()
        g = grad / d.size if reduction == "mean" else grad
        inside = np.abs(d) <= delta
        # d itself inside [-delta, delta] (recorded: its second derivative), +-delta outside
        gd = ((xt - yt) * _wrap(inside.astype(d.dtype))
              + _wrap(np.where(inside, 0, np.sign(d) * delta).astype(d.dtype))) * g
        gx = sum_to_size(gd, xs) if self._next[0] is not None else None
        gy = sum_to_size(-gd, ys) if self._next[1] is not None else None
        return gx, gy


_HUBER = node_class("HuberLossBackward0", HuberNode)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _size_warning(input, target)
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError(messages.HUBER_WEIGHT_SIZE)
        loss = huber_loss(input, target, "none", delta) * weight
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        if reduction == "mean":
            return loss.mean()
        raise ValueError(messages.invalid_reduction_mode(reduction))
    reduction = check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError(messages.HUBER_DELTA)
    a, b = input._data, target._data
    broadcast_shape(a.shape, b.shape)
    dtype = np.result_type(a, b)
    if dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "huber_cpu", input.dtype._torch_name if a.dtype.kind != "f" else target.dtype._torch_name))
    with np.errstate(all="ignore"):     # (the unused branch may overflow; inf - inf)
        d = (a - b).astype(dtype, copy=False)
        dl = dtype.type(delta)
        ad = np.abs(d)
        loss = np.where(ad < dl, dtype.type(0.5) * d * d, dl * (ad - dtype.type(0.5) * dl))
        out = _reduce_array(loss.astype(dtype, copy=False), reduction)
    if not ((input._requires_grad or target._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _HUBER((edge(input), edge(target)), (d, dl, reduction, a.shape, b.shape, input,
                                                 target),
                  (saved_version(input), saved_version(target)))
    return _wrap_result(out, node)


# ------------------------------------------------------------------ soft_margin_loss

class SoftMarginNode(Node):
    """Saved: (input, target (broadcast), reduction, input Tensor, target Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        x, y, reduction = self._saved_or_raise()[:3]
        g = _grad_scale(grad, reduction, x.size, x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.exp(-y * x)
            gx = (-y * z / (1 + z) * g).astype(x.dtype, copy=False)
        return (gx, None)

    def apply_graph(self, grad):
        x, y, reduction, xt, yt = self._saved_or_raise()
        g = grad / x.size if reduction == "mean" else grad
        z = (-yt * xt).exp()
        return (-yt * z / (z + 1) * g, None)


_SOFT_MARGIN = node_class("SoftMarginLossBackward0", SoftMarginNode)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if target._requires_grad and grad_state.enabled:
        raise RuntimeError(messages.not_differentiable_target("soft_margin_loss"))
    shape = broadcast_shape(input._data.shape, target._data.shape)
    if shape != input._data.shape:      # (its gradient sums back through the expand)
        input = input.expand(*shape)
    a, b = input._data, target._data
    dtype = np.result_type(a, b)
    if dtype.kind != "f":
        raise RuntimeError(messages.cast_result("Float", input.dtype._torch_name))
    x = np.broadcast_to(a, shape).astype(dtype)
    y = np.broadcast_to(b, shape).astype(dtype)
    with np.errstate(over="ignore"):
        loss = np.log1p(np.exp(-x * y)).astype(dtype, copy=False)
    out = _reduce_array(loss, reduction)
    if not (input._requires_grad and grad_state.enabled):
        return _wrap(out)
    node = _SOFT_MARGIN((edge(input), None), (x, y, reduction, input, target),
                        (saved_version(input), saved_version(target)))
    return _wrap_result(out, node)


# ------------------------------------------------------------------ multi_margin_loss

class MultiMarginNode(Node):
    """Saved: (input as (N, C), target (N,), p, margin, weight or None, reduction, input shape,
    input Tensor)."""
    __slots__ = ()

    def _grad(self, x, t, p, margin, w, g):
        n, c = x.shape
        rows = np.arange(n)
        with np.errstate(all="ignore"):
            z = margin - x[rows, t][:, None] + x
            active = z > 0
            active[rows, t] = False
            d = (2 * z if p == 2 else np.ones_like(z))
            if w is not None:
                d = d * w[t][:, None]
            d = np.where(active, d, x.dtype.type(0)).astype(x.dtype, copy=False)
            d = d / c
            d[rows, t] = -d.sum(1)
            return d * (g[:, None] if np.ndim(g) else g)

    def apply(self, grad):
        x, t, p, margin, w, reduction, shape, _ = self._saved_or_raise()
        g = _grad_scale(grad, reduction, x.shape[0], x.dtype)
        g = g.reshape(-1) if np.ndim(g) else g
        return (self._grad(x, t, p, margin, w, g).astype(x.dtype, copy=False).reshape(shape),)

    def apply_graph(self, grad):
        x, t, p, margin, w, reduction, shape, xt = self._saved_or_raise()
        g = grad / x.shape[0] if reduction == "mean" else grad
        g = g.reshape(-1, 1) if reduction == "none" else g
        if p == 1:      # piecewise linear: the weights don't depend on x
            coef = _wrap(self._grad(x, t, p, margin, w, np.ones((), x.dtype)))
            return ((coef * g).reshape(shape),)
        # p == 2: d_j = 2 z_j weight[y] / C on the active j != y, z_j = margin - x_y + x_j
        n, c = x.shape
        rows = np.arange(n)
        xs = xt.reshape(n, c)
        z = margin - x[rows, t][:, None] + x
        active = z > 0
        active[rows, t] = False
        scale = (active * (2.0 / c)).astype(x.dtype)
        if w is not None:
            scale = scale * w[t][:, None]
        onehot = np.zeros_like(x)
        onehot[rows, t] = 1
        x_y = (xs * _wrap(onehot)).sum(1, keepdim=True)
        d = (xs - x_y + float(margin)) * _wrap(scale)
        gx = d - _wrap(onehot) * d.sum(1, keepdim=True)
        return ((gx * g).reshape(shape),)


_MULTI_MARGIN = node_class("MultiMarginLossBackward0", MultiMarginNode)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError(messages.MULTI_MARGIN_P)
    if weight is not None and weight.dim() != 1:
        raise ValueError(messages.MULTI_MARGIN_WEIGHT_DIM)
    a = input._data
    if a.ndim > 2 or (a.ndim == 2 and a.shape[1] == 0) or (a.ndim < 2 and a.size == 0):
        raise RuntimeError(messages.multi_margin_input(list(a.shape)))
    x = a.reshape(1, -1) if a.ndim < 2 else a
    n, c = x.shape
    t = np.asarray(target._data).reshape(-1).astype(np.int64)
    if t.size != n or (a.ndim == 2 and target._data.ndim > 1):
        raise RuntimeError(messages.multi_margin_target(n, list(target._data.shape),
                                                        list(a.shape)))
    if weight is not None and weight._data.size != c:
        raise RuntimeError(messages.multi_margin_weight(c, list(weight._data.shape)))
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError(messages.TARGET_OUT_OF_RANGE)
    dtype = x.dtype
    if dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for("multi_margin_loss_cpu_kernel",
                                                               input.dtype._torch_name))
    w = None if weight is None else weight._data.astype(dtype)
    rows = np.arange(n)
    # torch adds a term only where z > 0 (a NaN z adds nothing); inf - inf and
    # overflows silent, as its loop
    with np.errstate(all="ignore"):
        z = dtype.type(margin) - x[rows, t][:, None] + x
        h = z * z if p == 2 else z
        if w is not None:
            h = h * w[t][:, None]
        active = z > 0
        active[rows, t] = False
        h = np.where(active, h, dtype.type(0))
        loss = (h.sum(1) / c).astype(dtype)
        if reduction == "none":
            out = loss.reshape(target._data.shape)
        else:
            out = _reduce_array(loss, reduction)
    if not (input._requires_grad and grad_state.enabled):
        return _wrap(out)
    node = _MULTI_MARGIN((edge(input),), (x, t, p, dtype.type(margin), w, reduction, a.shape,
                                          input), (saved_version(input),))
    return _wrap_result(out, node)


# ------------------------------------------------------------------ compositions

def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        how = legacy_reduction(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn(messages.KL_DIV_MEAN, UserWarning, stacklevel=2)
        how = "sum" if reduction == "batchmean" else check_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from ..functions import xlogy
        loss = xlogy(target, target) - target * input
    out = _reduce(loss, how)
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.size()[0]
    return out


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(messages.invalid_reduction(reduction))
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    from ..factories import ones_like
    if isinstance(var, float):
        if var < 0:
            raise ValueError(messages.GAUSSIAN_NEGATIVE_VAR)
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError(messages.GAUSSIAN_NEGATIVE_VAR)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape)[:-1] == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(
                b for a, b in zip(input.shape, var.shape) if a != b) == 1:
            pass
        else:
            raise ValueError(messages.GAUSSIAN_VAR_SIZE)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(messages.not_valid(reduction))
    var = var.clone()
    from ..autograd.grad_mode import no_grad
    with no_grad():
        var.clamp_(min=eps)
    loss = (var.log() + (input - target) ** 2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    from .activations_extra import logsigmoid
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(messages.not_valid(reduction))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    from ..factories import zeros_like
    from .pointwise import where
    reduction = _reduction(size_average, reduce, reduction)
    tdim = target.dim()
    if tdim > 1:
        raise RuntimeError(messages.COSINE_EMBEDDING_MULTI_TARGET)
    if input1.dim() != tdim + 1 or input2.dim() != tdim + 1:
        raise RuntimeError(messages.cosine_embedding_dims(tdim, list(input1.shape),
                                                          list(input2.shape)))
    eps = 1e-12
    d = tdim
    prod_sum = (input1 * input2).sum(d)
    mag1 = (input1 * input1).sum(d) + eps
    mag2 = (input2 * input2).sum(d) + eps
    denom = (mag1 * mag2).sqrt()
    cos = prod_sum / denom
    zeros = zeros_like(cos)
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    out = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(out, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(messages.margin_ranking_dims(input1.size(), input2.size(),
                                                        target.size()))
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    from ..functions import minimum
    from .normalization_extra import pairwise_distance
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(messages.triplet_margin(margin))
    a, pdim, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pdim == n):
        raise RuntimeError(messages.triplet_dims(a, pdim, n))
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)
