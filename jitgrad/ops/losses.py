"""binary_cross_entropy_with_logits: forward and backward side by side."""
import math

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels.losses import (bce_with_logits_backward_input, bce_with_logits_backward_target,
                              bce_with_logits_forward, bce_with_logits_sum)
from ..tensor import Tensor, _wrap, _wrap_result
from .shapes import broadcast_shape

REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average, reduce, reduction):
    """torch's meaning of the deprecated ``size_average``/``reduce`` flags."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _weight_operand(w, shape, dtype, weight_first):
    """An optional weight as a kernel operand: None, a scalar or a flat array.
    (torch broadcasts pos_weight * target but input * weight: the order only
    shows in the error message)"""
    if w is None:
        return None
    a = w._data if isinstance(w, Tensor) else np.asarray(w)
    if weight_first:
        broadcast_shape(a.shape, shape)
    else:
        broadcast_shape(shape, a.shape)
    if a.dtype != dtype:
        a = a.astype(dtype)
    if a.size == 1:
        return a.reshape(-1)[0]
    if a.shape == shape:
        return a.ravel()
    return np.broadcast_to(a, shape).ravel()


class BCEWithLogitsNode(Node):
    __slots__ = ()

    def apply(self, grad):
        x, y, w, pw, reduction, shape = self._saved_or_raise()
        if reduction == "none":
            g = np.ascontiguousarray(grad, dtype=x.dtype).reshape(-1)
        else:
            g = grad.reshape(-1)[0]
            if reduction == "mean":
                g = g / x.size
            g = x.dtype.type(g)
        gx = gy = None
        if self._next[0] is not None:
            gx = np.empty(x.size, x.dtype)
            bce_with_logits_backward_input(g, x, y, w, pw, gx)
            gx = gx.reshape(shape)
        if self._next[1] is not None:
            gy = np.empty(x.size, x.dtype)
            bce_with_logits_backward_target(g, x, w, pw, gy)
            gy = gy.reshape(shape)
        return gx, gy


_BCE_NODE = node_class("BinaryCrossEntropyWithLogitsBackward0", BCEWithLogitsNode)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in REDUCTIONS:
        raise ValueError(messages.invalid_reduction(reduction))
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        raise TypeError("binary_cross_entropy_with_logits(): argument 'input' and 'target' "
                        "must be Tensor")
    a = input._data
    if target._data.shape != a.shape:
        raise ValueError(messages.bce_target_size(target.shape, input.shape))
    if a.dtype.kind != "f":
        raise RuntimeError("\"binary_cross_entropy_with_logits\" not implemented for "
                           f"'{input.dtype._torch_name}'")
    dtype = a.dtype
    if target._data.dtype.kind == "b":
        raise RuntimeError(messages.SUB_TWO_BOOLS)
    if target._data.dtype.kind != "f":
        # torch computes in the target's dtype too, and a float result won't cast into it
        raise RuntimeError(messages.cast_result(input.dtype._torch_name,
                                                target.dtype._torch_name))
    x = a.ravel()
    y = target._data.astype(dtype, copy=False).ravel()
    w = _weight_operand(weight, a.shape, dtype, weight_first=False)
    pw = _weight_operand(pos_weight, a.shape, dtype, weight_first=True)
    if reduction == "none":
        out = np.empty(x.size, dtype)
        bce_with_logits_forward(x, y, w, pw, out)
        out = out.reshape(a.shape)
    else:
        total = bce_with_logits_sum(x, y, w, pw)
        if reduction == "mean":
            total = total / x.size if x.size else math.nan
        out = np.array(total, dtype)
    if not ((input._requires_grad or target._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _BCE_NODE((edge(input), edge(target)), (x, y, w, pw, reduction, a.shape),
                     tuple(saved_version(t) for t in (input, target, weight, pos_weight)
                           if isinstance(t, Tensor)))
    return _wrap_result(out, node)
