"""In-place ops: ``add_``, ``mul_``, ``+=``, ``zero_``, ``copy_``, ...

An in-place op computes its out-of-place twin, writes the values into the
tensor's own memory and hands the twin's graph node to the tensor, then
bumps the version counter (shared with views), so every node that saved
the old contents refuses to run. When no graph is recorded (``no_grad``,
as in a manual SGD step) a binary elementwise op writes straight into the
tensor's memory with one kernel call.
"""
import numbers

import numpy as np

from .. import dtypes, messages
from ..quiet import quiet
from ..autograd.graph import MetadataNode, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from ..autograd.anomaly_mode import maybe_record
from . import elementwise as _ew


def check_inplace(x):
    """torch's refusals, before anything is written."""
    if not x._data.flags.writeable:            # an expanded view: elements alias
        raise RuntimeError(messages.INTERNAL_OVERLAP)
    if x._requires_grad and grad_state.enabled:
        if x._grad_fn is None:
            raise RuntimeError(messages.LEAF_INPLACE)
        base = x._base
        if base is not None and base._grad_fn is None and base._requires_grad:
            raise RuntimeError(messages.VIEW_OF_LEAF_INPLACE)


def _check_castable(result, x):
    # torch refuses to write a float result into an integer tensor (and so on)
    if dtypes._category(result) > dtypes._category(x.dtype):
        raise RuntimeError(messages.cast_result(result._torch_name, x.dtype._torch_name))


def _check_shape(out_shape, x):
    if out_shape != x._data.shape:
        raise RuntimeError(messages.inplace_broadcast(x._data.shape, out_shape))


def _needs_graph(x, *others):
    if not grad_state.enabled:
        return False
    return x._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)


def _write(x, values):
    quiet(np.copyto, x._data, values, "unsafe")        # torch's casts are silent


def _take_over(x, result):
    """x now holds ``result``'s values and history."""
    _write(x, result._data)
    if result._grad_fn is not None:
        if x._base is not None:
            raise NotImplementedError(
                "an in-place operation that records a gradient on a view is not supported "
                "yet; apply it to the base tensor or use the out-of-place op")
        x._grad_fn = result._grad_fn
        x._requires_grad = True
    x._vc[0] += 1
    return x


def _old_self(x):
    """A tensor holding x's current values and history: the backward of the
    op may need the values that the in-place write overwrites."""
    copy = x._data.copy()
    return _wrap_result(copy, x._grad_fn) if x._grad_fn is not None else _wrap(copy)


def binary_(op, x, other):
    """``x op= other`` for an entry of derivatives.BINARY."""
    other = _ew.as_operand(other, op.name + "_")
    check_inplace(x)
    plan = _ew._plan(op, x, other)
    _check_shape(plan.out_shape, x)
    _check_castable(plan.result, x)
    if not _needs_graph(x, other):
        data = x._data
        if plan.compute == data.dtype and data.flags.c_contiguous:
            # straight into x's memory: operand a is x itself, raveled (a view)
            av = data if data.ndim == 1 else data.reshape(-1)
            if plan.forward(av, plan.prepare(other, plan.b_mode), av):
                raise RuntimeError(messages.ZERO_DIVISION)     # integer division by zero
        else:
            _write(x, _ew.binary(op, x, other)._data)
        x._vc[0] += 1
        return x
    # the twin reads x before the write; keep a copy only if backward needs x's values
    needs_self = "self" in op.grads[0].args + op.grads[1].args
    return _take_over(x, _ew.binary(op, _old_self(x) if needs_self else x, other))


def apply_(x, fn):
    """``x`` replaced by ``fn(x)`` (any out-of-place op), in place."""
    check_inplace(x)
    if not _needs_graph(x):
        result = fn(x)
        _check_castable(result.dtype, x)
        _write(x, result._data)
        x._vc[0] += 1
        return x
    result = fn(_old_self(x))
    _check_castable(result.dtype, x)
    return _take_over(x, result)


class FillNode(MetadataNode):
    """The old values were overwritten by a constant: no gradient flows back."""
    __slots__ = ()

    def apply(self, grad):
        return (None,)


_FILL_NODE = node_class("FillBackward2", FillNode)
_ZERO_NODE = node_class("ZeroBackward0", FillNode)


def fill_(x, value, zero=False):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(messages.fill_value_dim(value._data.ndim))
        value = value.item()
    elif isinstance(value, (complex, np.complexfloating)):
        raise TypeError(messages.COMPLEX_UNSUPPORTED)
    elif not isinstance(value, (numbers.Real, np.bool_)):
        raise TypeError(messages.fill_arguments(value))
    else:
        from .pointwise import _scalar_as          # torch's overflow checks
        value = _scalar_as(value, x._data.dtype)
    check_inplace(x)
    quiet(x._data.fill, value)          # a tensor value casts as torch's does, silently
    if _needs_graph(x):
        x._grad_fn = (_ZERO_NODE if zero else _FILL_NODE)((edge(x),), ())
        maybe_record(x._grad_fn)
    x._vc[0] += 1
    return x


class CopyNode(MetadataNode):
    """x.copy_(src): the gradient goes to src (summed to its shape and dtype)."""
    __slots__ = ()

    def apply(self, grad):
        src_shape, src_dtype = self._saved
        from .shapes import sum_to_shape
        g = sum_to_shape(grad, src_shape) if grad.shape != src_shape else grad
        return None, g.astype(src_dtype, copy=False)


_COPY_NODE = node_class("CopyBackwards", CopyNode)


def copy_(x, src):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, "
                        f"not {type(src).__name__}")
    check_inplace(x)
    from .shapes import broadcast_shape
    if broadcast_shape(x._data.shape, src._data.shape) != x._data.shape:
        raise RuntimeError(messages.inplace_broadcast(x._data.shape, src._data.shape))
    _write(x, src._data)
    if _needs_graph(x, src):
        x._grad_fn = _COPY_NODE((edge(x), edge(src)), (src._data.shape, src._data.dtype))
        x._requires_grad = True
        maybe_record(x._grad_fn)
    x._vc[0] += 1
    return x
