"""sum, mean and vector norms: forward and backward side by side."""
import math

import numpy as np

from .. import dtypes, messages
from ..autograd.graph import (MetadataNode, Node, edge, node_class, output_version,
                              saved_version)
from ..autograd.grad_mode import state as grad_state
from ..kernels.reductions import (all_middle_axis, any_middle_axis, nonzero_mask,
                                 vector_norm_backward, vector_norm_middle_axis)
from ..tensor import _wrap, _wrap_result
from .elementwise import cast, scale_array
from .shapes import is_dims, normalize_dims, reduce_plan, reduce_sum, repeat_to


class SumNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        plan, in_shape, scale = self._saved_or_raise()
        if scale != 1:
            grad = scale_array(grad, scale)
        return (repeat_to(grad, plan, in_shape),)

    def apply_graph(self, grad):
        # grad.expand(self.sizes()) (/ numel for mean), as recorded ops: the reduced
        # dims come back as size 1, then adding zeros broadcasts them out
        plan, in_shape, scale = self._saved_or_raise()
        if scale != 1:
            grad = grad * scale
        if grad._data.shape != plan.kept_shape:
            grad = grad.reshape(plan.kept_shape)
        if plan.kept_shape != in_shape:
            grad = grad + _wrap(np.zeros(in_shape, grad._data.dtype))
        return (grad,)


_SUM_NODES = {name: node_class(name, SumNode)
              for name in ("SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1")}


_plans = {}


def _plan_for(shape, dim, keepdim):
    key = (shape, dim if not isinstance(dim, list) else tuple(dim), keepdim)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = reduce_plan(shape, normalize_dims(dim, len(shape)), keepdim)
    return plan


def _reduce(x, dim, keepdim, out_dtype, mean):
    a = x._data
    # torch: an empty dim list reduces every dim (recorded as SumBackward1/MeanBackward1)
    plan = _plan_for(a.shape, None if _empty_dims(dim) else dim, keepdim)
    out = reduce_sum(a, plan, out_dtype)
    scale = 1
    if mean:
        scale = 1.0 / plan.count if plan.count else math.nan
        out = scale_array(out, scale)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    name = ("Mean" if mean else "Sum") + ("Backward0" if dim is None else "Backward1")
    node = _SUM_NODES[name]((edge(x),), (plan, a.shape, scale))
    return _wrap_result(out, node)


def _empty_dims(dim):
    return type(dim) in (tuple, list) and not dim


def _check_dims(fname, x, dim):
    if not is_dims(dim):       # before the memo, which would take True or 1.0 for 1
        raise TypeError(messages.sum_mean_arguments(
            fname, f"Tensor, {messages._type_name(dim)}"))


def sum(x, dim=None, keepdim=False, *, dtype=None):
    if dim is not None and type(dim) is not int:
        _check_dims("sum", x, dim)
    if dtype is not None:
        out_dtype = dtypes.to_dtype(dtype).numpy
        if out_dtype.kind != "f" and x._requires_grad and grad_state.enabled:
            raise RuntimeError(messages.autograd_dtype(dtypes.from_numpy(out_dtype)._torch_name))
    elif x._data.dtype.kind in "biu":
        out_dtype = np.dtype(np.int64)      # torch sums integers and bools as int64
    else:
        out_dtype = x._data.dtype
    return _reduce(x, dim, keepdim, out_dtype, mean=False)


def mean(x, dim=None, keepdim=False, *, dtype=None):
    if dim is not None and type(dim) is not int:
        _check_dims("mean", x, dim)
    if dtype is not None:
        out_dtype = dtypes.to_dtype(dtype).numpy
    else:
        out_dtype = x._data.dtype
    if out_dtype.kind != "f":
        raise RuntimeError(messages.mean_int_dtype(dtypes.from_numpy(out_dtype)._torch_name,
                                                   given=dtype is not None))
    if x._data.dtype != out_dtype:
        x = cast(x, out_dtype)
    return _reduce(x, dim, keepdim, out_dtype, mean=True)


_LOGICAL = {"any": any_middle_axis, "all": all_middle_axis}
_DIM_TYPES = (int, np.integer)


def logical_reduce(name, x, dim, keepdim):
    """any / all: a bool tensor, never recorded (nan counts as true)."""
    if dim is not None and not (isinstance(dim, _DIM_TYPES) and not isinstance(dim, bool)) and \
            not (isinstance(dim, (tuple, list)) and all(isinstance(d, _DIM_TYPES)
                                                         and not isinstance(d, bool) for d in dim)):
        raise TypeError(messages.logical_reduction_args(name, ("Tensor", type(dim).__name__)))
    a = x._data
    plan = _plan_for(a.shape, dim, keepdim)
    cur = a if a.ndim == 1 else a.ravel()
    steps = plan.steps
    if not steps:
        out = np.empty(cur.size, np.bool_)
        nonzero_mask(cur, out)
        return _wrap(out.reshape(plan.out_shape))
    kernel = _LOGICAL[name]
    for A, R, B in steps:
        out = np.empty(A * B, np.bool_)
        kernel(cur, A, R, B, out)
        cur = out
    return _wrap(cur.reshape(plan.out_shape))


class NormNode(Node):
    __slots__ = ()

    def apply(self, grad):
        x3, norm2, p, perm, in_shape = self._saved_or_raise()[:5]
        out = np.empty(x3.shape, x3.dtype)
        g2 = np.ascontiguousarray(grad, dtype=x3.dtype).reshape(norm2.shape)
        vector_norm_backward(g2, x3, norm2, p, out)
        if perm is None:
            return (out.reshape(in_shape),)
        moved = out.reshape([in_shape[d] for d in perm])
        return (np.ascontiguousarray(moved.transpose(np.argsort(perm))),)

    def apply_graph(self, grad):
        # torch's norm_backward on Tensors. p = 0 and p = inf have gradients linear in
        # grad with weights that do not depend on x: grad * (this node on ones).
        saved = self._saved_or_raise()
        x3, norm2, p, _, in_shape, x, kept_shape = saved
        g = grad if grad._data.shape == kept_shape else grad.reshape(kept_shape)
        if p == 0 or p == math.inf:
            weights = self.apply(np.ones(norm2.shape, x3.dtype))[0].reshape(in_shape)
            return (g * _wrap(weights),)
        if x._data.dtype != x3.dtype:
            x = cast(x, x3.dtype)
        n = self.output(norm2.reshape(kept_shape))
        nonzero = n != 0
        safe_n = n + (n == 0)
        if p == 2:
            return (g * (x / safe_n) * nonzero,)
        # sign(x) * (|x| / n) ** (p - 1), written to stay finite where x or n is 0
        ax = x.abs()
        safe_ax = ax + (ax == 0)
        return (g * (x / safe_ax) * (safe_ax / safe_n) ** (p - 1) * nonzero,)


_NORM_NODE = node_class("LinalgVectorNormBackward0", NormNode)


def _norm_order(p):
    if p is None or p == "fro":
        return 2.0
    if isinstance(p, str):
        raise NotImplementedError(f"norm with p={p!r} (matrix norms) is not supported; "
                                  "use p='fro' or a number")
    p = float(p)
    if p < 0:
        raise NotImplementedError("norm with a negative order is not supported")
    return p


def norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    a = x._data
    if dtype is not None:
        a = a.astype(dtypes.to_dtype(dtype).numpy)
    if a.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {dtypes.from_numpy(a.dtype)._torch_name}")
    order = _norm_order(p)
    dims = normalize_dims(None if _empty_dims(dim) else dim, a.ndim)    # (): every dim
    kept = [d for d in range(a.ndim) if d not in dims]
    # the kernel reduces the middle of (A, R, B): make the reduced dims one run
    perm = None
    if dims and dims != tuple(range(dims[0], dims[-1] + 1)):
        perm = kept + list(dims)
        a3src = np.ascontiguousarray(a.transpose(perm))
        before = math.prod([a.shape[d] for d in kept])
        shape3 = (before, math.prod([a.shape[d] for d in dims]), 1)
    else:
        a3src = np.ascontiguousarray(a)
        lo, hi = (dims[0], dims[-1] + 1) if dims else (a.ndim, a.ndim)
        shape3 = (math.prod(a.shape[:lo]),
                  math.prod(a.shape[lo:hi]),
                  math.prod(a.shape[hi:]))
    x3 = a3src.reshape(shape3)
    out2 = np.empty((shape3[0], shape3[2]), a.dtype)
    vector_norm_middle_axis(x3, order, out2)
    out_shape = tuple(1 if d in dims else s for d, s in enumerate(a.shape)) if keepdim \
        else tuple(a.shape[d] for d in kept)
    out = out2.reshape(out_shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    kept_shape = tuple(1 if d in dims else s for d, s in enumerate(a.shape))
    node = _NORM_NODE((edge(x),), (x3, out2, order, perm, a.shape, x, kept_shape))
    result = _wrap_result(out, node)
    node._checks = (saved_version(x), output_version(result, node))
    return result
