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
from .elementwise import scale_array, sum_to_size
from .shapes import broadcast_shape, sum_to_shape
from ..kernels.linalg import addmm_epilogue
from ..threads import matmul as blas_matmul
from ..quiet import quiet


class MatmulNode(Node):
    """Saved: the table's saved (``matmul_forward``) and the operands."""
    __slots__ = ()

    def apply(self, grad):
        a2, b2, out2_shape, a_shape, b_shape, _, _ = self._saved_or_raise()
        return matmul_backward((a2, b2, out2_shape, a_shape, b_shape), (grad,),
                               (self._next[0] is not None, self._next[1] is not None))

    def apply_graph(self, grad):
        a2, b2, out2_shape, a_shape, b_shape, x, y = self._saved_or_raise()
        g = _reshaped(grad, out2_shape)
        ga = gb = None
        if self._next[0] is not None:
            ga = g.matmul(_reshaped(y, b2.shape).transpose(-1, -2))
            ga = _reshaped(sum_to_size(ga, a2.shape), a_shape)
        if self._next[1] is not None:
            gb = _reshaped(x, a2.shape).transpose(-1, -2).matmul(g)
            gb = _reshaped(sum_to_size(gb, b2.shape), b_shape)
        return ga, gb


def _reshaped(t, shape):
    return t if t._data.shape == shape else t.reshape(shape)


class DotNode(Node):
    __slots__ = ()

    def apply(self, grad):
        a, b, _, _ = self._saved_or_raise()
        g = grad.reshape(-1)[0]
        return (None if self._next[0] is None else scale_array(b, g),
                None if self._next[1] is None else scale_array(a, g))

    def apply_graph(self, grad):
        _, _, x, y = self._saved_or_raise()
        return (None if self._next[0] is None else grad * y,
                None if self._next[1] is None else grad * x)


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


def _kind(a, b):
    key = (a.shape, a.dtype, b.shape, b.dtype)
    kind = _kinds.get(key)
    if kind is None:
        kind = _kinds[key] = _check(a, b)
    return kind


def matmul_forward(input, other):
    """The op table's forward (``derivatives.COMPOSITE["matmul"]``) on arrays:
    ((product,), saved), saved = (the operands promoted to at least 2-d, the
    promoted product's shape, the operands' shapes); a dot saves the vectors
    and no promoted shape."""
    return _matmul_arrays(input, other, _kind(input, other))


def _matmul_arrays(a, b, kind):
    if kind == "DotBackward0":
        out = np.asarray(quiet(np.dot, a, b))      # inf * 0 is nan, silently, as torch
        return (out,), (a, b, None, a.shape, b.shape)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    out2 = blas_matmul(a2, b2)
    out = out2
    if a.ndim == 1:
        out = out.reshape(out.shape[:-2] + out.shape[-1:])
    if b.ndim == 1:
        out = out.reshape(out.shape[:-1])
    return (out,), (a2, b2, out2.shape, a.shape, b.shape)


def matmul_backward(saved, grads, needs):
    """Each operand's gradient: one product with the other operand, summed
    over the batch dims it was broadcast along."""
    a2, b2, out2_shape, a_shape, b_shape = saved
    grad = grads[0]
    if out2_shape is None:                          # a dot
        g = grad.reshape(-1)[0]
        return (scale_array(b2, g) if needs[0] else None,
                scale_array(a2, g) if needs[1] else None)
    g = grad.reshape(out2_shape)
    ga = gb = None
    if needs[0]:
        ga = blas_matmul(g, np.swapaxes(b2, -1, -2))
        ga = sum_to_shape(ga, a2.shape).reshape(a_shape)
    if needs[1]:
        gb = blas_matmul(np.swapaxes(a2, -1, -2), g)
        gb = sum_to_shape(gb, b2.shape).reshape(b_shape)
    return ga, gb


def matmul(x, y):
    a, b = x._data, y._data
    kind = _kind(a, b)
    (out,), saved = _matmul_arrays(a, b, kind)
    if not ((x._requires_grad or y._requires_grad) and grad_state.enabled):
        return _wrap(out)
    checks = (saved_version(x), saved_version(y))
    if kind == "DotBackward0":
        return _wrap_result(out, _DOT_NODE((edge(x), edge(y)), (saved[0], saved[1], x, y), checks))
    return _wrap_result(out, _NODES[kind]((edge(x), edge(y)), (*saved, x, y), checks))


def mm(x, y):
    if x._data.ndim != 2:
        raise RuntimeError(messages.MM_NOT_MATRIX)
    if y._data.ndim != 2:
        raise RuntimeError(messages.MM_MAT2_NOT_MATRIX)
    return matmul(x, y)


# ------------------------------------------------------------------ dot, mv, bmm, outer

def dot(x, y):
    a, b = x._data, y._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(messages.dot_1d(a.ndim, b.ndim))
    if a.dtype == np.bool_ or b.dtype == np.bool_:
        raise NotImplementedError(messages.DOT_BOOL)
    return matmul(x, y)


def mv(x, vec):
    if x._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(messages.mv_ranks(x._data.ndim, vec._data.ndim))
    return matmul(x, vec)


_BMM_NODE = node_class("BmmBackward0", MatmulNode)


def bmm(x, y):
    a, b = x._data, y._data
    if a.ndim != 3:
        raise RuntimeError(messages.bmm_3d("batch1"))
    if b.ndim != 3:
        raise RuntimeError(messages.bmm_3d("batch2"))
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(messages.bmm_batch2((a.shape[0], a.shape[2]), b.shape[:2]))
    if a.dtype != b.dtype:
        raise RuntimeError(messages.bmm_dtypes(from_numpy(a.dtype)._torch_name,
                                               from_numpy(b.dtype)._torch_name))
    out = blas_matmul(a, b)
    if not ((x._requires_grad or y._requires_grad) and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _BMM_NODE((edge(x), edge(y)), (a, b, out.shape, a.shape, b.shape, x, y),
                                       (saved_version(x), saved_version(y))))


def outer(x, vec2):
    """Torch computes ``self.reshape(-1, 1) * vec2``: a ViewBackward0 under a
    MulBackward0, with mul's type promotion."""
    a, b = x._data, vec2._data
    if a.ndim != 1:
        raise RuntimeError(messages.outer_1d("self", a.ndim))
    if b.ndim != 1:
        raise RuntimeError(messages.outer_1d("vec2", b.ndim))
    from .views import reshape
    return reshape(x, (a.shape[0], 1)) * vec2


ger = outer


# ------------------------------------------------------------------ addmm


class AddmmNode(Node):
    """Saved: mat1, mat2 (arrays and tensors), the bias shape, alpha, beta."""
    __slots__ = ()

    def apply(self, grad):
        m1, m2, bias_shape, alpha, beta, _, _ = self._saved_or_raise()
        nxt = self._next
        gi = g1 = g2 = None
        if nxt[0] is not None:
            gi = sum_to_shape(grad, bias_shape)
            if beta != 1:
                gi = scale_array(gi, beta)
        if nxt[1] is not None:
            g1 = blas_matmul(grad, m2.T)
            if alpha != 1:
                g1 = scale_array(g1, alpha)
        if nxt[2] is not None:
            g2 = blas_matmul(m1.T, grad)
            if alpha != 1:
                g2 = scale_array(g2, alpha)
        return gi, g1, g2

    def apply_graph(self, grad):
        _, _, bias_shape, alpha, beta, mat1, mat2 = self._saved_or_raise()
        nxt = self._next
        gi = g1 = g2 = None
        if nxt[0] is not None:
            gi = sum_to_size(grad, bias_shape)
            if beta != 1:
                gi = gi * beta
        if nxt[1] is not None:
            g1 = grad.matmul(mat2.t())
            if alpha != 1:
                g1 = g1 * alpha
        if nxt[2] is not None:
            g2 = mat1.t().matmul(grad)
            if alpha != 1:
                g2 = g2 * alpha
        return gi, g1, g2


_ADDMM_NODE = node_class("AddmmBackward0", AddmmNode)
_addmm_plans = {}


def _addmm_plan(bias, m1, m2):
    """(output shape, bias strides (si, sj) over the output) after torch's checks,
    in torch's order: dtypes, ranks, product shapes, then the bias broadcast."""
    for which, a in (("self", bias), ("mat1", m1)):
        if a.dtype != m2.dtype:
            raise RuntimeError(messages.addmm_dtypes(which, from_numpy(a.dtype)._torch_name,
                                                     from_numpy(m2.dtype)._torch_name))
    if m1.ndim != 2:
        raise RuntimeError(messages.addmm_matrix("mat1", m1.ndim))
    if m2.ndim != 2:
        raise RuntimeError(messages.addmm_matrix("mat2", m2.ndim))
    if m1.shape[1] != m2.shape[0]:
        raise RuntimeError(messages.mm_shapes(m1.shape, m2.shape))
    out_shape = (m1.shape[0], m2.shape[1])
    from .shape_ops import expand_shape
    expand_shape(bias.shape, out_shape, bias.dtype)
    rows, cols = (1,) * (2 - bias.ndim) + bias.shape
    # element (i, j) of the broadcast bias is bias.ravel()[i * si + j * sj]
    return out_shape, (0 if rows == 1 else cols), (0 if cols == 1 else 1)


def addmm(bias, m1, m2, beta=1, alpha=1):
    """``beta * bias + alpha * (mat1 @ mat2)``: one BLAS product, then one
    kernel pass that scales it and adds the broadcast bias."""
    b, a1, a2 = bias._data, m1._data, m2._data
    key = (b.shape, b.dtype, a1.shape, a1.dtype, a2.shape, a2.dtype)
    plan = _addmm_plans.get(key)
    if plan is None:
        plan = _addmm_plans[key] = _addmm_plan(b, a1, a2)
    (m, n), si, sj = plan
    out = blas_matmul(a1, a2)
    if beta != 0:
        t = out.dtype.type
        addmm_epilogue(out.reshape(-1), b.ravel(), m, n, si, sj, t(alpha), t(beta))
    elif alpha != 1:
        out = scale_array(out, alpha)
    if not ((bias._requires_grad or m1._requires_grad or m2._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _ADDMM_NODE((edge(bias), edge(m1), edge(m2)), (a1, a2, b.shape, alpha, beta, m1, m2),
                       (saved_version(m1), saved_version(m2)))
    return _wrap_result(out, node)
