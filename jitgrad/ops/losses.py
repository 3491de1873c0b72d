"""The losses of nn.functional: forward and backward side by side.

binary_cross_entropy_with_logits, mse_loss, smooth_l1_loss,
binary_cross_entropy, nll_loss and cross_entropy each record one node
named as torch names it (cross_entropy fuses log_softmax and nll_loss in
one kernel pass and records torch's outermost node); l1_loss and the
weighted mse/l1 variants are compositions of Tensor ops, as in torch.
Reduced losses are summed in the kernel, without the elementwise array.
"""
import math
import warnings

import numpy as np

from .. import dtypes, messages
from ..quiet import scalar_array
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import losses as KL
from ..kernels.losses import (bce_with_logits_backward_input, bce_with_logits_backward_target,
                              bce_with_logits_forward, bce_with_logits_sum)
from ..tensor import Tensor, _wrap, _wrap_result
from .elementwise import cast, sum_to_size
from .shapes import broadcast_shape, sum_to_shape

REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average, reduce, reduction):
    """torch's meaning of the deprecated ``size_average``/``reduce`` flags
    (with its deprecation warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        result = "none"
    else:
        result = "mean" if size_average else "sum"
    warnings.warn(messages.legacy_reduction(result), UserWarning, stacklevel=3)
    return result


def check_reduction(reduction):
    """torch's ``_Reduction.get_enum``: the reduction's name, validated."""
    if reduction == "elementwise_mean":
        warnings.warn(messages.ELEMENTWISE_MEAN, UserWarning, stacklevel=3)
        return "mean"
    if reduction not in REDUCTIONS:
        raise ValueError(messages.invalid_reduction(reduction))
    return reduction


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
    """Saved: flat input, target (in the input's dtype) and weight operands,
    the reduction, the shape, then the input and target Tensors."""
    __slots__ = ()

    def apply(self, grad):
        x, y, w, pw, reduction, shape = self._saved_or_raise()[:6]
        if reduction == "none":
            g = np.ascontiguousarray(grad, dtype=x.dtype).reshape(-1)
        else:
            g = grad.reshape(-1)[0]
            if reduction == "mean" and x.size:      # (no element: no gradient)
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

    def apply_graph(self, grad):
        x, _, w, pw, reduction, shape, input, target = self._saved_or_raise()
        target_dtype = target._data.dtype
        if target_dtype != x.dtype:
            target = cast(target, x.dtype)
        if grad._data.dtype != x.dtype:         # the result has the target's dtype
            grad = cast(grad, x.dtype)
        g = grad / x.size if reduction == "mean" and x.size else grad
        w = _operand_tensor(w, shape)
        pw = _operand_tensor(pw, shape)
        gx = gy = None
        if self._next[0] is not None:
            s = input.sigmoid()
            d = s - target if pw is None else (pw * target + 1 - target) * s - pw * target
            gx = g * d if w is None else g * d * w
        if self._next[1] is not None:
            # log sigmoid(x) = -(max(-x, 0) + log(1 + exp(-|x|)))
            log_sig = -((-input).relu() + ((-input.abs()).exp() + 1).log())
            d = -input if pw is None else -input - (pw - 1) * log_sig
            gy = g * d if w is None else g * d * w
            if gy._data.dtype != target_dtype:
                gy = cast(gy, target_dtype)
        return gx, gy


def _operand_tensor(v, shape):
    """A kernel weight operand (None, a scalar or a flat array) as a constant
    for Tensor formulas: None, a Python float or a Tensor of ``shape``."""
    if v is None:
        return None
    if isinstance(v, np.ndarray):
        return _wrap(v.reshape(shape))
    return float(v)


_BCE_NODE = node_class("BinaryCrossEntropyWithLogitsBackward0", BCEWithLogitsNode)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    reduction = check_reduction(legacy_reduction(size_average, reduce, reduction))
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
        out = scalar_array(total, dtype)
    if target._data.dtype != dtype:
        out = out.astype(target._data.dtype)    # torch: the result has the target's dtype
    if not ((input._requires_grad or target._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _BCE_NODE((edge(input), edge(target)), (x, y, w, pw, reduction, a.shape, input,
                                                    target),
                     tuple(saved_version(t) for t in (input, target, weight, pos_weight)
                           if isinstance(t, Tensor)))
    return _wrap_result(out, node)


def _tensor_arg(fname, arg, position, value):
    if not isinstance(value, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, value))
    return value


def _scale(grad, reduction, count):
    """The incoming gradient as a kernel operand: the flat array of a 'none'
    loss, else the scalar (divided by ``count`` for the mean)."""
    if reduction == "none":
        return np.ascontiguousarray(grad).reshape(-1)
    g = grad.reshape(-1)[0]
    if reduction != "mean":
        return g
    if count:
        return g / count
    # a total weight of 0 (every target ignored or weighted 0): torch divides
    # silently, giving inf or nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return g / count


def _reduced(total, reduction, count, dtype):
    if reduction == "mean":
        total = total / count if count else math.nan
    return scalar_array(total, dtype)


# ------------------------------------------------------------------ mse_loss, smooth_l1_loss


class PointwiseLossNode(Node):
    """mse / smooth_l1. Saved: (x, y flat broadcast arrays in the computation
    dtype, reduction, beta, out shape, input, target). As in torch, mixed
    dtypes are promoted inside the op (no ToCopyBackward0): each gradient is
    summed to its input's shape and cast to its dtype."""
    __slots__ = ()
    smooth = False

    def apply(self, grad):
        x, y, reduction, beta, out_shape, input, target = self._saved_or_raise()
        n = x.size
        g = _scale(grad, reduction, 1)
        dtype = x.dtype.type
        norm = dtype(1 / n if reduction == "mean" and n else 1)    # (no element: no gradient)
        gx = None if self._next[0] is None else np.empty(n, x.dtype)
        gy = None if self._next[1] is None else np.empty(n, x.dtype)
        if self.smooth:
            KL.smooth_l1_backward(g, x, y, dtype(beta), norm, gx, gy)
        else:
            KL.mse_backward(g, x, y, dtype(2) * norm, gx, gy)
        return (None if gx is None else _to_input(gx.reshape(out_shape), input),
                None if gy is None else _to_input(gy.reshape(out_shape), target))

    def apply_graph(self, grad):
        x, y, reduction, beta, out_shape, input, target = self._saved_or_raise()
        norm = 1 / x.size if reduction == "mean" and x.size else 1.0
        d = cast(input, x.dtype) - cast(target, x.dtype)
        if self.smooth:
            diff = (x - y).reshape(out_shape)
            pos = (diff >= beta).astype(x.dtype)
            neg = (diff <= -beta).astype(x.dtype)
            factor = d * _wrap((1 - pos - neg) / x.dtype.type(beta)) + _wrap(pos - neg)
        else:
            factor = d * 2.0
        g = grad * factor * norm
        return (None if self._next[0] is None else _sum_to(g, input),
                None if self._next[1] is None else _sum_to(-g, target))


def _to_input(g, t):
    """A gradient array summed to ``t``'s shape and cast to its dtype."""
    a = t._data
    if g.shape != a.shape:
        g = sum_to_shape(g, a.shape)
    return g if g.dtype == a.dtype else g.astype(a.dtype)


def _sum_to(g, t):
    """The same for a gradient Tensor (create_graph)."""
    a = t._data
    if g._data.shape != a.shape:
        g = sum_to_size(g, a.shape)
    return g if g._data.dtype == a.dtype else cast(g, a.dtype)


_MSE_NODE = node_class("MseLossBackward0", PointwiseLossNode)
_SMOOTH_L1_NODE = node_class("SmoothL1LossBackward0", PointwiseLossNode, smooth=True)


def _size_warning(input, target):
    if target._data.shape != input._data.shape:
        warnings.warn(messages.target_size_warning(target.size(), input.size()), UserWarning,
                      stacklevel=3)


def _pointwise_loss(input, target, reduction, kernel_name, beta=None):
    a, b = input._data, target._data
    out_shape = broadcast_shape(a.shape, b.shape)
    reduction = check_reduction(reduction)
    group = 1 if not out_shape else 0
    res = dtypes.result_type(((dtypes.from_numpy(a.dtype), group),
                              (dtypes.from_numpy(b.dtype), group)))
    if not res.is_floating_point:
        raise NotImplementedError(messages.not_implemented_for(kernel_name, res._torch_name))
    dtype = res.numpy
    x = _flat_broadcast(a.astype(dtype, copy=False), out_shape)
    y = _flat_broadcast(b.astype(dtype, copy=False), out_shape)
    if beta is None:
        if reduction == "none":
            out = np.empty(x.size, dtype)
            KL.mse_forward(x, y, out)
            out = out.reshape(out_shape)
        else:
            out = _reduced(KL.mse_sum(x, y), reduction, x.size, dtype)
    else:
        bt = dtype.type(beta)
        if reduction == "none":
            out = np.empty(x.size, dtype)
            KL.smooth_l1_forward(x, y, bt, out)
            out = out.reshape(out_shape)
        else:
            out = _reduced(KL.smooth_l1_sum(x, y, bt), reduction, x.size, dtype)
    if not ((input._requires_grad or target._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = (_MSE_NODE if beta is None else _SMOOTH_L1_NODE)(
        (edge(input), edge(target)), (x, y, reduction, beta, out_shape, input, target),
        (saved_version(input), saved_version(target)))
    return _wrap_result(out, node)


def _flat_broadcast(arr, shape):
    if arr.shape == shape:
        return arr.reshape(-1)
    return np.ascontiguousarray(np.broadcast_to(arr, shape)).reshape(-1)


def _weighted(errors, weight, reduction):
    """torch's weighted mse/l1 branch, as Tensor ops."""
    weighted = errors * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.sum() / weight.sum()
    raise ValueError(messages.invalid_reduction_mode(reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _tensor_arg("mse_loss", "input", 1, input)
    _tensor_arg("mse_loss", "target", 2, target)
    _size_warning(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if weight is not None:
        broadcast_shape(input._data.shape, target._data.shape)
        if weight._data.shape != input._data.shape:
            raise ValueError(messages.WEIGHTS_SIZE)
        return _weighted((input - target) ** 2, weight, reduction)
    return _pointwise_loss(input, target, reduction, "mse_cpu")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _tensor_arg("l1_loss", "input", 1, input)
    _tensor_arg("l1_loss", "target", 2, target)
    _size_warning(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _l1(input, target, reduction, weight)


def _l1(input, target, reduction, weight=None):
    # torch: (input - target).abs() then mean or sum (AbsBackward0, MeanBackward0, ...)
    broadcast_shape(input._data.shape, target._data.shape)
    if weight is not None:
        if weight._data.shape != input._data.shape:
            raise ValueError(messages.WEIGHTS_SIZE)
        return _weighted((input - target).abs(), weight, reduction)
    reduction = check_reduction(reduction)
    errors = (input - target).abs()
    if reduction == "none":
        return errors
    return errors.mean() if reduction == "mean" else errors.sum()


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _tensor_arg("smooth_l1_loss", "input", 1, input)
    _tensor_arg("smooth_l1_loss", "target", 2, target)
    _size_warning(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if beta == 0.0:
        return _l1(input, target, reduction)
    if not beta >= 0:                           # (nan too, as torch)
        broadcast_shape(input._data.shape, target._data.shape)
        check_reduction(reduction)
        raise RuntimeError(messages.SMOOTH_L1_NEGATIVE_BETA)
    return _pointwise_loss(input, target, reduction, "smooth_l1_cpu", float(beta))


# ------------------------------------------------------------------ binary_cross_entropy


class BCENode(Node):
    """Saved: (x, y flat, weight operand, reduction, shape, input, target, weight
    as a Tensor of the input's shape or None)."""
    __slots__ = ()

    def apply(self, grad):
        x, y, w, reduction, shape = self._saved_or_raise()[:5]
        g = _scale(grad, reduction, 1)
        norm = x.dtype.type(1 / x.size if reduction == "mean" and x.size else 1)
        gx = gy = None
        if self._next[0] is not None:
            gx = np.empty(x.size, x.dtype)
            KL.bce_backward_input(g, x, y, w, norm, gx)
            gx = gx.reshape(shape)
        if self._next[1] is not None:
            gy = np.empty(x.size, x.dtype)
            KL.bce_backward_target(g, x, w, norm, gy)
            gy = gy.reshape(shape)
        return gx, gy

    def apply_graph(self, grad):
        x, _, w, reduction, shape, input, target = self._saved_or_raise()
        g = grad / x.size if reduction == "mean" and x.size else grad
        w = _operand_tensor(w, shape)
        gx = gy = None
        if self._next[0] is not None:
            denom = (1 - input) * input
            small = (denom._data < 1e-12).astype(x.dtype)
            denom = denom * _wrap(1 - small) + _wrap(small * x.dtype.type(1e-12))
            gx = g * (input - target) / denom
            if w is not None:
                gx = gx * w
        if self._next[1] is not None:
            gy = -(g * (input / (1 - input)).log())
            if w is not None:
                gy = gy * w
        return gx, gy


_BINARY_CE_NODE = node_class("BinaryCrossEntropyBackward0", BCENode)


def _broadcast_shapes_checked(*shapes):
    """torch.broadcast_shapes with its message."""
    result = [1] * max(len(s) for s in shapes)
    for index, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == 1 or shape[i] == result[i]:
                continue
            if result[i] != 1:
                from ..tensor import Size
                raise RuntimeError(messages.broadcast_shapes_dim(shape[i], i, index, Size(shape),
                                                                 result))
            result[i] = shape[i]
    return tuple(result)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    _tensor_arg("binary_cross_entropy", "input", 1, input)
    _tensor_arg("binary_cross_entropy", "target", 2, target)
    reduction = check_reduction(legacy_reduction(size_average, reduce, reduction))
    a, b = input._data, target._data
    if b.shape != a.shape:
        raise ValueError(messages.bce_target_size_deprecated(target.size(), input.size()))
    wa = None
    if weight is not None:
        wa = _tensor_arg("binary_cross_entropy", "weight", 3, weight)._data
        full = _broadcast_shapes_checked(b.shape, wa.shape)
        if weight._requires_grad and grad_state.enabled:
            raise RuntimeError(messages.not_differentiable("binary_cross_entropy", "weight"))
        if full != a.shape:
            raise RuntimeError(messages.inplace_broadcast(a.shape, full))
    if b.dtype != a.dtype:
        raise RuntimeError(messages.found_dtype(target.dtype._torch_name,
                                                input.dtype._torch_name))
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for("binary_cross_entropy",
                                                               input.dtype._torch_name))
    x = a.reshape(-1)
    y = b.reshape(-1)
    w = None
    if wa is not None:
        wa = wa.astype(a.dtype, copy=False)
        w = wa.reshape(-1)[0] if wa.size == 1 else _flat_broadcast(wa, a.shape)
    status = KL.bce_check(x, y)
    if status:
        raise RuntimeError(messages.BCE_INPUT_RANGE if status == 1 else messages.BCE_TARGET_RANGE)
    if reduction == "none":
        out = np.empty(x.size, a.dtype)
        KL.bce_forward(x, y, w, out)
        out = out.reshape(a.shape)
    else:
        out = _reduced(KL.bce_sum(x, y, w), reduction, x.size, a.dtype)
    if not ((input._requires_grad or target._requires_grad) and grad_state.enabled):
        return _wrap(out)
    checks = (saved_version(input), saved_version(target)) + (
        (saved_version(weight),) if weight is not None else ())
    node = _BINARY_CE_NODE((edge(input), edge(target)),
                           (x, y, w, reduction, a.shape, input, target), checks)
    return _wrap_result(out, node)


# ------------------------------------------------------------------ nll_loss, cross_entropy


class ClassPlan:
    """Everything about a class-index loss that depends only on shapes:
    the (A, R, B) view of the input with the classes on R, the shape of an
    unreduced loss, and the node class."""
    __slots__ = ("A", "R", "B", "none_shape", "node_name", "spatial")

    def __init__(self, a_shape, t_shape):
        nd = len(a_shape)
        self.spatial = nd > 2
        if nd == 1:
            self.A, self.R, self.B = 1, a_shape[0], 1
            self.none_shape = ()
        else:
            self.A, self.R = a_shape[0], a_shape[1]
            self.B = math.prod(a_shape[2:])
            self.none_shape = (a_shape[0],) + tuple(a_shape[2:])


def _int_arg(fname, arg, position, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(messages.arg_must_be(fname, arg, position, value, expected="int"))
    return int(value)


def _check_class_targets(input, target, weight, fname):
    """nll_loss_nd's checks, in torch's order; returns the plan."""
    a, t = input._data, target._data
    if a.ndim < 1:
        raise ValueError(messages.expected_dims(a.ndim))
    if a.ndim != 1 and a.shape[0] != (t.shape[0] if t.ndim else 0):
        raise ValueError(messages.batch_size_mismatch(a.shape[0], t.shape[0] if t.ndim else 0))
    if a.ndim not in (1, 2, 4) and t.shape[1:] != a.shape[2:]:
        raise RuntimeError(messages.expected_target_size((a.shape[0],) + a.shape[2:], t.shape))
    if weight is not None and weight._requires_grad and grad_state.enabled:
        raise RuntimeError(messages.not_differentiable("nll_loss_forward", "weight"))
    w = None if weight is None else weight._data
    n_classes = a.shape[1] if a.ndim > 1 else a.shape[0]
    if a.ndim <= 2:
        if t.ndim > 1:
            raise RuntimeError(messages.MULTI_TARGET)
        if t.dtype != np.int64:
            raise RuntimeError(messages.target_dtype(target.dtype._torch_name))
        if a.ndim == 1 and t.ndim == 1 and t.shape[0] != 1:
            raise ValueError(messages.one_d_target_size(t.shape[0]))
        if w is not None and (w.ndim != 1 or w.size != n_classes):
            raise RuntimeError(messages.nll_weight_shape(n_classes, w.shape))
    else:
        if a.ndim == 4 and t.ndim != 3:
            raise RuntimeError(messages.spatial_target_dims(t.ndim))
        if t.dtype != np.int64:
            raise RuntimeError(messages.target_dtype(target.dtype._torch_name))
        if w is not None and w.size != n_classes:
            raise RuntimeError(messages.NLL2D_WEIGHT)
        if a.ndim == 4 and t.shape != (a.shape[0],) + a.shape[2:]:
            raise RuntimeError(messages.spatial_size_mismatch(a.shape, t.shape))
    if w is not None and w.dtype != a.dtype:
        raise RuntimeError(messages.expected_scalar_type(input.dtype._torch_name,
                                                         weight.dtype._torch_name))
    key = (a.shape, t.shape)
    plan = _class_plans.get(key)
    if plan is None:
        plan = _class_plans[key] = ClassPlan(a.shape, t.shape)
    return plan


_class_plans = {}


def _class_node_name(plan, reduction):
    if not plan.spatial:
        return "NllLossBackward0"
    if reduction == "none" and len(plan.none_shape) != 3:
        return "ViewBackward0"        # torch views the 3-d / 5-d+ case to 4-d and back
    return "NllLoss2DBackward0"


def _target_check(target, plan, ndim):
    """The version check of the saved target: torch views the target of a
    3-d or 5-d+ input to (N, 1, -1) before saving it."""
    if not plan.spatial or ndim == 4:
        return saved_version(target)
    vc = target._vc
    shape = (plan.A, 1, plan.B) if plan.A * plan.B else (plan.A, 0, 0)
    return vc, vc[0], (None, shape, target._data.dtype)


def _out_of_bounds(status, bad):
    if status:
        raise IndexError(messages.target_out_of_bounds(bad))


def _weight_values(weight, ignore_index, target, R):
    """Per (A, B) sample: the weight of its target (0 where ignored)."""
    t = target
    valid = t != ignore_index
    w = np.ones(R) if weight is None else weight
    return np.where(valid, w[np.where(valid, t, 0)], 0)


class NllNode(Node):
    """Saved: (target flat, weight array or None, ignore_index, reduction,
    total weight, plan, input shape, dtype)."""
    __slots__ = ()

    def apply(self, grad):
        t, w, ignore, reduction, total, plan, shape, dtype = self._saved_or_raise()
        g = _scale(grad, reduction, total)
        out = np.zeros(math.prod(shape), dtype)
        KL.nll_backward(g, plan.A, plan.R, plan.B, t, w, ignore, out)
        return (out.reshape(shape),)

    def apply_graph(self, grad):
        t, w, ignore, reduction, total, plan, shape, dtype = self._saved_or_raise()
        coef = np.zeros((plan.A, plan.R, plan.B), dtype)
        wt = _weight_values(w, ignore, t, plan.R).astype(dtype).reshape(plan.A, plan.B)
        idx = np.where(t != ignore, t, 0).reshape(plan.A, plan.B)
        ai, bi = np.indices((plan.A, plan.B))
        coef[ai, idx, bi] = -wt
        g = _grad_per_sample(grad, reduction, total, plan)
        return ((g * _wrap(coef)).reshape(shape),)


def _grad_per_sample(grad, reduction, total, plan):
    if reduction == "none":
        return grad.reshape(plan.A, 1, plan.B)
    return grad / total if reduction == "mean" else grad


_NLL_NODES = {name: node_class(name, NllNode)
              for name in ("NllLossBackward0", "NllLoss2DBackward0", "ViewBackward0")}


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    _tensor_arg("nll_loss", "input", 1, input)
    _tensor_arg("nll_loss", "target", 2, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    reduction = check_reduction(reduction)
    ignore_index = _int_arg("nll_loss_nd", "ignore_index", 5, ignore_index)
    if weight is not None:
        _tensor_arg("nll_loss_nd", "weight", 3, weight)
    plan = _check_class_targets(input, target, weight, "nll_loss")
    a = input._data
    if a.dtype.kind != "f":
        name = "nll_loss2d_forward_out_frame" if plan.spatial else "nll_loss_out_frame"
        raise NotImplementedError(messages.not_implemented_for(name, input.dtype._torch_name))
    x = np.ascontiguousarray(a).reshape(-1)
    t = np.ascontiguousarray(target._data).reshape(-1)
    w = None if weight is None else np.ascontiguousarray(weight._data).reshape(-1)
    losses = np.empty(plan.A * plan.B, a.dtype)
    status, bad, total, loss_sum = KL.nll_forward(x, plan.A, plan.R, plan.B, t, w,
                                                  ignore_index, losses)
    _out_of_bounds(status, bad)
    out = _class_output(losses, loss_sum, reduction, total, plan, a.dtype)
    if not (input._requires_grad and grad_state.enabled):
        return _wrap(out)
    checks = (_target_check(target, plan, a.ndim),) + (
        (saved_version(weight),) if weight is not None else ())
    node = _NLL_NODES[_class_node_name(plan, reduction)](
        (edge(input),), (t, w, ignore_index, reduction, total, plan, a.shape, a.dtype), checks)
    return _wrap_result(out, node)


def _class_output(losses, loss_sum, reduction, total, plan, dtype):
    if reduction == "none":
        return losses.reshape(plan.none_shape)
    if reduction == "mean":
        loss_sum = loss_sum / total if total else math.nan
    return scalar_array(loss_sum, dtype)


class CrossEntropyNode(Node):
    """Fused log_softmax + nll_loss. Saved: (log_softmax of the input, flat;
    target flat, weight or None, ignore_index, label smoothing, reduction,
    total weight, plan, input shape, class dim, input Tensor). As torch keeps
    log_softmax's result, changing the input in place afterwards is fine."""
    __slots__ = ()

    def apply(self, grad):
        logp, t, w, ignore, ls, reduction, total, plan, shape = self._saved_or_raise()[:9]
        g = _scale(grad, reduction, total)
        out = np.empty(logp.size, logp.dtype)
        weight_sum = plan.R if w is None else float(np.sum(w, dtype=np.float64))
        KL.cross_entropy_backward(g, logp, plan.A, plan.R, plan.B, t, w, ignore, ls, weight_sum,
                                  out)
        return (out.reshape(shape),)

    def apply_graph(self, grad):
        (logp, t, w, ignore, ls, reduction, total, plan, shape, class_dim,
         input) = self._saved_or_raise()
        A, R, B = plan.A, plan.R, plan.B
        dtype = logp.dtype
        from .activations import log_softmax_result
        p = log_softmax_result(input, logp, class_dim).reshape(A, R, B).exp()
        wt = _weight_values(w, ignore, t, R).astype(dtype).reshape(A, 1, B)
        idx = np.where(t != ignore, t, 0).reshape(A, B)
        onehot = np.zeros((A, R, B), dtype)
        ai, bi = np.indices((A, B))
        onehot[ai, idx, bi] = wt[:, 0, :]
        term = p * _wrap(wt) - _wrap(onehot)
        if ls > 0:
            valid = (t != ignore).astype(dtype).reshape(A, 1, B)
            wr = (np.ones(R, dtype) if w is None else w).reshape(1, R, 1)
            term = term * (1 - ls) + (p * float(wr.sum()) - _wrap(wr)) * _wrap(valid) * (ls / R)
        g = _grad_per_sample(grad, reduction, total, plan)
        return ((g * term).reshape(shape),)


_CE_NODES = {name: node_class(name, CrossEntropyNode)
             for name in ("NllLossBackward0", "NllLoss2DBackward0", "ViewBackward0",
                          "AddBackward0")}


class CrossEntropyProbNode(Node):
    """Probability targets. Saved: (log_softmax of the input and the target,
    flat in the computation dtype; weight or None, label smoothing,
    reduction, count, plan, input shape, class dim, input, target);
    gradients are cast back to each input's dtype."""
    __slots__ = ()

    def apply(self, grad):
        (logp, t, w, ls, reduction, count, plan, shape, _, input, target,
         weight) = self._saved_or_raise()
        g = _scale(grad, reduction, count)
        nxt = self._next
        gx = None if nxt[0] is None else np.empty(logp.size, logp.dtype)
        gt = None if nxt[1] is None else np.empty(logp.size, logp.dtype)
        KL.cross_entropy_prob_backward(g, logp, plan.A, plan.R, plan.B, t, w, ls, gx, gt)
        grads = (None if gx is None else _to_input(gx.reshape(shape), input),
                 None if gt is None else _to_input(gt.reshape(shape), target))
        if len(nxt) == 2:
            return grads
        gw = np.zeros(plan.R, logp.dtype)
        KL.cross_entropy_prob_weight_grad(g, logp, plan.A, plan.R, plan.B, t, ls, gw)
        return grads + (_to_input(gw, weight),)

    def apply_graph(self, grad):
        (logp, _, w, ls, reduction, count, plan, shape, class_dim, input,
         target, weight) = self._saved_or_raise()
        A, R, B = plan.A, plan.R, plan.B
        from .activations import log_softmax_result
        lp = log_softmax_result(cast(input, logp.dtype), logp, class_dim).reshape(A, R, B)
        t3 = cast(target, logp.dtype).reshape(A, R, B) * (1 - ls) + ls / R
        if w is None:
            wr = None
        elif len(self._next) == 3:
            wr = cast(weight, logp.dtype).reshape(1, R, 1)      # differentiable
        else:
            wr = _wrap(w.reshape(1, R, 1))
        wt = t3 if wr is None else t3 * wr
        g = grad.reshape(A, 1, B) if reduction == "none" else (
            grad / count if reduction == "mean" else grad)
        gx = gt = None
        if self._next[0] is not None:
            gx = _sum_to((g * (lp.exp() * wt.sum(1, keepdim=True) - wt)).reshape(shape), input)
        if self._next[1] is not None:
            d = -(g * lp) * (1 - ls)
            gt = _sum_to((d if wr is None else d * wr).reshape(shape), target)
        if len(self._next) == 2:
            return gx, gt
        gw = _sum_to(-(g * t3 * lp).sum((0, 2)), weight)
        return gx, gt, gw


def _prob_node(name):
    return node_class(name, CrossEntropyProbNode)


_CE_PROB_NODES = {name: _prob_node(name) for name in ("DivBackward1", "NegBackward0")}


def _log_softmax_check(input, class_dim):
    """The errors torch's log_softmax (cross_entropy's first step) raises."""
    from .activations import softmax_plan
    a = input._data
    plan = softmax_plan(a.shape, class_dim)
    if a.dtype.kind != "f":
        name = "log_softmax_lastdim_kernel_impl" if plan[2] == 1 else "log_softmax_kernel_impl"
        raise NotImplementedError(messages.not_implemented_for(name, input.dtype._torch_name))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    _tensor_arg("cross_entropy", "input", 1, input)
    _tensor_arg("cross_entropy", "target", 2, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    reduction = check_reduction(reduction)
    ignore_index = _int_arg("cross_entropy_loss", "ignore_index", 5, ignore_index)
    if weight is not None:
        _tensor_arg("cross_entropy_loss", "weight", 3, weight)
    label_smoothing = float(label_smoothing)
    a, tg = input._data, target._data
    if a.shape == tg.shape:
        return _cross_entropy_prob(input, target, weight, reduction, ignore_index,
                                   label_smoothing)
    if label_smoothing > 0.0 and label_smoothing > 1.0:
        raise RuntimeError(messages.label_smoothing_range(label_smoothing))
    _log_softmax_check(input, 0 if a.ndim == 1 else 1)
    plan = _check_class_targets(input, target, weight, "cross_entropy")
    ls = label_smoothing if label_smoothing > 0 else 0.0
    x = np.ascontiguousarray(a).reshape(-1)
    t = np.ascontiguousarray(tg).reshape(-1)
    w = None if weight is None else np.ascontiguousarray(weight._data).reshape(-1)
    losses = np.empty(plan.A * plan.B, a.dtype)
    logp = np.empty(x.size, a.dtype)
    status, bad, total, loss_sum = KL.cross_entropy_forward(
        x, plan.A, plan.R, plan.B, t, w, ignore_index, ls, losses, logp,
        np.empty(plan.B, a.dtype), np.empty(plan.B, a.dtype))
    _out_of_bounds(status, bad)
    out = _class_output(losses, loss_sum, reduction, total, plan, a.dtype)
    if not (input._requires_grad and grad_state.enabled):
        return _wrap(out)
    name = "AddBackward0" if ls > 0 else _class_node_name(plan, reduction)
    checks = (_target_check(target, plan, a.ndim),) + (
        (saved_version(weight),) if weight is not None else ())
    node = _CE_NODES[name]((edge(input),), (logp, t, w, ignore_index, ls, reduction, total,
                                            plan, a.shape, 0 if a.ndim == 1 else 1, input),
                           checks)
    return _wrap_result(out, node)


def _cross_entropy_prob(input, target, weight, reduction, ignore_index, label_smoothing):
    a, tg = input._data, target._data
    if tg.dtype.kind != "f":
        raise RuntimeError(messages.prob_target_dtype(target.dtype._torch_name))
    if ignore_index >= 0:
        raise RuntimeError(messages.PROB_TARGET_IGNORE_INDEX)
    if a.ndim == 0:
        raise IndexError(messages.no_dimensions(1))
    class_dim = 0 if a.ndim == 1 else 1
    n_classes = a.shape[class_dim]
    if weight is not None:
        w = weight._data
        if w.ndim != 1 or w.size != n_classes:
            raise RuntimeError(messages.nll_weight_shape(n_classes, w.shape,
                                                         prefix="cross_entropy: "))
    _log_softmax_check(input, class_dim)
    if label_smoothing > 0.0 and label_smoothing > 1.0:
        raise RuntimeError(messages.label_smoothing_range(label_smoothing))
    ls = label_smoothing if label_smoothing > 0 else 0.0
    operands = [(dtypes.from_numpy(a.dtype), 0), (dtypes.from_numpy(tg.dtype), 0)]
    if weight is not None:
        operands.append((dtypes.from_numpy(weight._data.dtype), 0))
    # promoted inside the op, as torch's (log_softmax(input) * target) does
    dtype = dtypes.result_type(tuple(operands)).numpy
    plan = ClassPlan(a.shape, tg.shape)
    x = np.ascontiguousarray(a, dtype=dtype).reshape(-1)
    t = np.ascontiguousarray(tg, dtype=dtype).reshape(-1)
    w = None if weight is None else np.ascontiguousarray(
        weight._data.astype(dtype, copy=False)).reshape(-1)
    count = plan.A * plan.B
    losses = np.empty(count, dtype)
    logp = np.empty(x.size, dtype)
    s = KL.cross_entropy_prob_forward(x, plan.A, plan.R, plan.B, t, w, ls, losses, logp,
                                      np.empty(plan.B, dtype), np.empty(plan.B, dtype))
    if reduction == "none":
        out = losses.reshape(plan.none_shape)
    else:
        if reduction == "mean":
            s = s / count if x.size else math.nan
        out = scalar_array(s, dtype)
    if not grad_state.enabled or not (input._requires_grad or target._requires_grad or (
            weight is not None and weight._requires_grad)):
        return _wrap(out)
    name = "DivBackward1" if reduction == "mean" and x.size else "NegBackward0"
    # torch's graph keeps log_softmax's result, and the target only for the
    # input's gradient
    checks = ((saved_version(target),) if input._requires_grad else ()) + (
        (saved_version(weight),) if weight is not None else ())
    edges = (edge(input), edge(target))
    if weight is not None and weight._requires_grad:
        edges += (edge(weight),)        # unlike nll_loss, this path differentiates the weight
    node = _CE_PROB_NODES[name](edges, (logp, t, w, ls, reduction, count, plan, a.shape,
                                        class_dim, input, target, weight), checks)
    return _wrap_result(out, node)


# ------------------------------------------------------------------ one_hot


def one_hot(tensor, num_classes=-1):
    if not isinstance(tensor, Tensor):
        raise TypeError(messages.arg_must_be("one_hot", "input", 1, tensor))
    num_classes = _int_arg("one_hot", "num_classes", 2, num_classes)
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError(messages.ONE_HOT_DTYPE)
    if t.size == 0:
        if num_classes <= 0:
            raise RuntimeError(messages.ONE_HOT_EMPTY)
        return _wrap(np.empty(t.shape + (num_classes,), np.int64))
    if t.min() < 0:
        raise RuntimeError(messages.ONE_HOT_NEGATIVE)
    top = int(t.max())
    if num_classes == -1:
        num_classes = top + 1
    elif num_classes <= top:
        raise RuntimeError(messages.ONE_HOT_TOO_SMALL)
    out = np.zeros(t.shape + (num_classes,), np.int64)
    np.put_along_axis(out, t[..., None], 1, axis=-1)
    return _wrap(out)
