"""Forward and backward glue of the elementwise ops in the op table.

Operands reach a kernel flat and in the computation dtype: an operand with
as many elements as the output is raveled (a view when contiguous), a
one-element operand or a Python scalar is passed as a scalar, anything else
is broadcast into a contiguous copy. Backward computes each needed input's
gradient with the kernel the table names, then ``sum_to_shape``.
"""
import numpy as np

from .. import derivatives, dtypes, messages
from ..autograd.graph import MetadataNode, Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from ..kernels.elementwise import mul_forward
from .shapes import broadcast_shape, sum_to_shape

_SCALARS = (float, int, bool, np.number, np.bool_)


class UnaryNode(Node):
    __slots__ = ()
    op = None

    def apply(self, grad):
        saved = self._saved_or_raise()
        grad_kernel = self.op.grad
        if grad_kernel.kernel is None:
            return (grad,)
        g = grad.ravel()
        out = np.empty(g.size, g.dtype)
        grad_kernel.kernel(g, *saved, out)
        return (out.reshape(grad.shape),)


class BinaryNode(Node):
    __slots__ = ()
    op = None

    def release(self):
        # keep the shapes when no array was saved (AddBackward0 may run again)
        s = self._saved
        if s is not None and (s[0] is not None or s[1] is not None or s[2] is not None):
            self._saved = None

    def apply(self, grad):
        self_val, other_val, result, shapes = self._saved_or_raise()
        out_shape, compute_dtype = shapes[0], shapes[1]
        g = grad.ravel()
        if g.dtype != compute_dtype:
            g = g.astype(compute_dtype)
        values = (g, self_val, other_val, result)
        grads = []
        for i in (0, 1):
            if self._next[i] is None:
                grads.append(None)
                continue
            grad_kernel = self.op.grads[i]
            if grad_kernel.kernel is None:
                gi = g
            else:
                gi = np.empty(g.size, compute_dtype)
                grad_kernel.kernel(*[values[s] for s in grad_kernel.slots], gi)
            gi = gi.reshape(out_shape)
            in_shape, in_dtype = shapes[2 + 2 * i], shapes[3 + 2 * i]
            if in_shape != out_shape:
                gi = sum_to_shape(gi, in_shape)
            if gi.dtype != in_dtype:
                gi = gi.astype(in_dtype)
            grads.append(gi)
        return tuple(grads)


def _node_classes(table, base):
    classes = {}
    for op in table.values():
        classes[op.node] = node_class(op.node, base, op=op)
        for name in derivatives.SCALAR_NODE.get(op.name, ()):
            classes[name] = node_class(name, base, op=op)
    return classes


_UNARY_NODES = _node_classes(derivatives.UNARY, UnaryNode)
_BINARY_NODES = _node_classes(derivatives.BINARY, BinaryNode)


def unary(name, x):
    op = derivatives.UNARY[name]
    a = x._data
    if op.float_only and a.dtype.kind != "f":
        a = a.astype(dtypes.get_default_dtype().numpy)
    flat = a.ravel()
    flat_out = np.empty(flat.size, a.dtype)
    op.forward(flat, flat_out)
    out = flat_out.reshape(a.shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    saved = tuple(flat if arg == "self" else flat_out for arg in op.grad.args[1:])
    node = _UNARY_NODES[op.node]((edge(x),), saved)
    return _wrap_result(out, node)


def _operand_key(v):
    if type(v) is Tensor:
        d = v._data
        return dtypes.from_numpy(d.dtype), (1 if d.ndim == 0 else 0)
    return dtypes.scalar_dtype(v), 2


def _flat_operand(arr, compute, out_shape, out_size):
    """``arr`` as a kernel operand: flat array of out_size, or a scalar."""
    if arr.dtype != compute:
        arr = arr.astype(compute)
    if arr.size == out_size:
        return arr.ravel()
    if arr.size == 1:
        return arr.reshape(-1)[0]
    return np.broadcast_to(arr, out_shape).ravel()


def binary(name, a, b):
    """``a`` op ``b``; one of them is a Tensor, the other a Tensor or a Python scalar."""
    op = derivatives.BINARY[name]
    result, compute, out_shape, out_size, av, bv = _prepare(a, b, op.float_only)
    a_is_t = type(a) is Tensor
    b_is_t = type(b) is Tensor
    if name == "pow" and not result.is_floating_point:
        _check_int_pow(bv)
    out = np.empty(out_size, compute)
    op.forward(av, bv, out)
    out_arr = out.reshape(out_shape)
    needs_a = a_is_t and a._requires_grad
    needs_b = b_is_t and b._requires_grad
    if not ((needs_a or needs_b) and grad_state.enabled):
        return _wrap(out_arr)
    args = set()
    if needs_a:
        args.update(op.grads[0].args)
    if needs_b:
        args.update(op.grads[1].args)
    saved = (av if "self" in args else None,
             bv if "other" in args else None,
             out if "result" in args else None,
             (out_shape, compute,
              a._data.shape if a_is_t else (), a._data.dtype if a_is_t else None,
              b._data.shape if b_is_t else (), b._data.dtype if b_is_t else None))
    node_name = op.node
    if not (a_is_t and b_is_t) and op.name in derivatives.SCALAR_NODE:
        node_name = derivatives.SCALAR_NODE[op.name][0 if a_is_t else 1]
    next_nodes = (edge(a) if a_is_t else None, edge(b) if b_is_t else None)
    node = _BINARY_NODES[node_name](next_nodes, saved)
    return _wrap_result(out_arr, node)


def _prepare(a, b, op_float_only=False):
    """Result dtype, output shape and flat kernel operands of ``a`` op ``b``."""
    result = dtypes.result_type((_operand_key(a), _operand_key(b)))
    if op_float_only and not result.is_floating_point:
        result = dtypes.get_default_dtype()
    compute = result.numpy
    a_is_t = type(a) is Tensor
    b_is_t = type(b) is Tensor
    if a_is_t and b_is_t:
        out_shape = broadcast_shape(a._data.shape, b._data.shape)
    else:
        out_shape = (a if a_is_t else b)._data.shape
    out_size = 1
    for s in out_shape:
        out_size *= s
    av = _flat_operand(a._data, compute, out_shape, out_size) if a_is_t else compute.type(a)
    bv = _flat_operand(b._data, compute, out_shape, out_size) if b_is_t else compute.type(b)
    return result, compute, out_shape, out_size, av, bv


def compare(name, a, b):
    _, _, out_shape, out_size, av, bv = _prepare(a, b)
    out = np.empty(out_size, np.bool_)
    derivatives.COMPARISON[name](av, bv, out)
    return _wrap(out.reshape(out_shape))


def _check_int_pow(exponent):
    if np.any(np.asarray(exponent) < 0):
        raise RuntimeError(messages.NEGATIVE_INT_POWER)


def is_scalar(v):
    return isinstance(v, _SCALARS)


class ToCopyNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        (in_dtype,) = self._saved_or_raise()
        return (grad.astype(in_dtype),)


_TO_COPY_NODE = node_class("ToCopyBackward0", ToCopyNode)


def cast(x, np_dtype):
    """``x.to(dtype)``: a new tensor (the same one when the dtype already matches)."""
    a = x._data
    if a.dtype == np_dtype:
        return x
    out = a.astype(np_dtype)
    if not (x._requires_grad and grad_state.enabled and out.dtype.kind == "f"):
        return _wrap(out)
    return _wrap_result(out, _TO_COPY_NODE((edge(x),), (a.dtype,)))


def scale_array(arr, factor):
    """``arr * factor`` as a new array of arr's dtype (one kernel call)."""
    out = np.empty(arr.size, arr.dtype)
    mul_forward(arr.ravel(), arr.dtype.type(factor), out)
    return out.reshape(arr.shape)
