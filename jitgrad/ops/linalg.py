"""matmul in every rank case torch supports, on BLAS through numpy.

Node names follow torch: dot (1-d, 1-d) DotBackward0, mv (2-d, 1-d)
MvBackward0, mm (2-d, 2-d) MmBackward0. Torch computes (1-d, 2-d) as
unsqueeze -> mm -> squeeze and batched cases as bmm -> view (-> clone when
the first operand is 2-d), so its outermost nodes are SqueezeBackward4,
UnsafeViewBackward0 and CloneBackward0; jitgrad records one node under that
outer name.
"""
import math

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..dtypes import from_numpy
from ..tensor import _wrap, _wrap_result
from .elementwise import scale_array
from .shapes import broadcast_shape, sum_to_shape


class MatmulNode(Node):
    """Saved: the operands promoted to at least 2-d, the output's promoted
    shape, and the original shapes (1-d operands are squeezed back)."""
    __slots__ = ()

    def apply(self, grad):
        a2, b2, out2_shape, a_shape, b_shape = self._saved_or_raise()
        g = grad.reshape(out2_shape)
        ga = gb = None
        if self._next[0] is not None:
            ga = np.matmul(g, np.swapaxes(b2, -1, -2))
            ga = sum_to_shape(ga, a2.shape).reshape(a_shape)
        if self._next[1] is not None:
            gb = np.matmul(np.swapaxes(a2, -1, -2), g)
            gb = sum_to_shape(gb, b2.shape).reshape(b_shape)
        return ga, gb


class DotNode(Node):
    __slots__ = ()

    def apply(self, grad):
        a, b = self._saved_or_raise()
        g = grad.reshape(-1)[0]
        return (None if self._next[0] is None else scale_array(b, g),
                None if self._next[1] is None else scale_array(a, g))


_NODES = {name: node_class(name, MatmulNode) for name in
          ("MvBackward0", "MmBackward0", "SqueezeBackward4", "UnsafeViewBackward0",
           "CloneBackward0")}
_DOT_NODE = node_class("DotBackward0", DotNode)


def _check(a, b):
    """Validate like torch (whose message depends on how it dispatches the
    ranks) and return the node name of this rank case."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(messages.matmul_0d(a.ndim, b.ndim))
    da, db = from_numpy(a.dtype), from_numpy(b.dtype)
    same = da is db
    if b.ndim == 1:
        if a.ndim == 1:
            if not same:
                raise RuntimeError(messages.dot_dtypes(da._torch_name, db._torch_name))
            if a.shape[0] != b.shape[0]:
                raise RuntimeError(messages.dot_sizes(a.shape[0], b.shape[0]))
            return "DotBackward0"
        # (..., n, k) @ (k,): torch folds the batch into the rows of one mv
        if not same:
            raise RuntimeError(messages.mv_dtypes(da._torch_name, db._torch_name))
        rows = math.prod(a.shape[:-1])
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(messages.mv_sizes((rows, a.shape[-1]), b.shape[0]))
        return "MvBackward0" if a.ndim == 2 else "UnsafeViewBackward0"
    if b.ndim == 2:
        # (k,) @ (k, m) is an mm of one row; (..., n, k) @ (k, m) folds the batch
        if not same:
            raise RuntimeError(messages.mm_dtypes(da._c_name, db._c_name))
        rows = math.prod(a.shape[:-1])
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(messages.mm_shapes((rows, a.shape[-1]), b.shape))
        return {1: "SqueezeBackward4", 2: "MmBackward0"}.get(a.ndim, "UnsafeViewBackward0")
    batch = broadcast_shape(a.shape[:-2], b.shape[:-2])
    if not same:
        raise RuntimeError(messages.bmm_dtypes(da._torch_name, db._torch_name))
    k_a = a.shape[-1]
    if k_a != b.shape[-2]:
        nb = math.prod(batch)
        raise RuntimeError(messages.bmm_batch2((nb, k_a), (nb, b.shape[-2])))
    # torch's outermost node: (2-d, batched) ends in a clone, other batched cases in a view
    return "CloneBackward0" if a.ndim == 2 else "UnsafeViewBackward0"


_kinds = {}


def matmul(x, y):
    a, b = x._data, y._data
    key = (a.shape, a.dtype, b.shape, b.dtype)
    kind = _kinds.get(key)
    if kind is None:
        kind = _kinds[key] = _check(a, b)
    if kind == "DotBackward0":
        out = np.asarray(np.dot(a, b))
        if not ((x._requires_grad or y._requires_grad) and grad_state.enabled):
            return _wrap(out)
        return _wrap_result(out, _DOT_NODE((edge(x), edge(y)), (a, b),
                                           (saved_version(x), saved_version(y))))
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    out2 = np.matmul(a2, b2)
    out = out2
    if a.ndim == 1:
        out = out.reshape(out.shape[:-2] + out.shape[-1:])
    if b.ndim == 1:
        out = out.reshape(out.shape[:-1])
    if not ((x._requires_grad or y._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _NODES[kind]((edge(x), edge(y)), (a2, b2, out2.shape, a.shape, b.shape),
                        (saved_version(x), saved_version(y)))
    return _wrap_result(out, node)


def mm(x, y):
    if x._data.ndim != 2:
        raise RuntimeError(messages.MM_NOT_MATRIX)
    if y._data.ndim != 2:
        raise RuntimeError(messages.MM_MAT2_NOT_MATRIX)
    return matmul(x, y)
