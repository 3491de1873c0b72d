"""rot90, diag/diag_embed/diagonal/trace, block_diag, kron and cdist:
forward and backward side by side.

``diagonal`` is a view, as in torch: a strided numpy view of the input's
memory (writes through it reach the input). Its gradient, and diag's of a
matrix, is the gradient written on the diagonal of zeros; diag_embed's (and
diag's of a vector) the diagonal of the gradient. rot90's gradient is the
gradient turned back, trace's the gradient on an identity's diagonal,
block_diag's each input's block of it. kron is torch's composite (a
broadcast product, reshaped: UnsafeViewBackward0). cdist's forward is one
broadcast difference and norm; with ``p=2`` and more than 25 rows (or
``compute_mode='use_mm_for_euclid_dist'``) torch runs the matrix-product
form, recorded here with the same ops (its last node ViewBackward0).
"""
import numpy as np

from .. import dtypes, messages
from ..autograd.graph import MetadataNode, Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result, _wrap_view
from .scatter import _record as _record_many, formula_node
from .shapes import normalize_dim
from .shape_ops import _int_arg
from .structure import _int_list, _record


# ------------------------------------------------------------------ rot90


class Rot90Node(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        k, dims = self._saved
        return (np.ascontiguousarray(np.rot90(grad, -k, dims)),)

    def apply_graph(self, grad):
        k, dims = self._saved
        return (_rot90(grad, -k, dims),)


_ROT90_NODE = node_class("Rot90Backward0", Rot90Node)


def _rot90(x, k, dims):
    out = np.rot90(x._data, k % 4, dims).copy(order="C")
    return _record(x, out, _ROT90_NODE, (k % 4, dims))


def rot90(x, k=1, dims=(0, 1), position=1):
    """``position``: k's argument position (1 for the method, 2 for torch.rot90)."""
    k = _int_arg("rot90", "k", position, k)
    dims = _int_list("rot90", "dims", position + 1, dims, allow_int=False)
    a = x._data
    if len(dims) != 2:
        raise RuntimeError(messages.rot90_dims_count(len(dims)))
    if a.ndim < 2:
        raise RuntimeError(messages.rot90_total_dims(a.ndim))
    d0, d1 = normalize_dim(dims[0], a.ndim), normalize_dim(dims[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(messages.rot90_same_dims(d0, d1))
    return _rot90(x, int(k), (d0, d1))


# ------------------------------------------------------------------ diagonals


def diagonal_view(a, offset, d1, d2):
    """The (writable) strided view of ``a``'s diagonal ``offset`` of dims d1, d2,
    that dim last, as torch's diagonal."""
    n1, n2 = a.shape[d1], a.shape[d2]
    length = max(min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2), 0)
    key = [slice(None)] * a.ndim
    if length:
        key[d1] = slice(max(-offset, 0), None)
        key[d2] = slice(max(offset, 0), None)
    start = a[tuple(key)]
    rest = [k for k in range(a.ndim) if k not in (d1, d2)]
    shape = tuple(a.shape[k] for k in rest) + (length,)
    strides = tuple(a.strides[k] for k in rest) + (a.strides[d1] + a.strides[d2],)
    return np.lib.stride_tricks.as_strided(start, shape, strides,
                                           writeable=a.flags.writeable)


def _embed(g, shape, offset, d1, d2):
    """zeros(shape) with ``g`` on its diagonal (diagonal_backward)."""
    out = np.zeros(shape, g.dtype)
    diagonal_view(out, offset, d1, d2)[...] = g
    return out


class DiagonalNode(MetadataNode):
    """DiagonalBackward0 (and diag's DiagonalBackward0_copy): the gradient on
    the diagonal of zeros. Saved: (input shape, offset, dim1, dim2)."""
    __slots__ = ()

    def apply(self, grad):
        shape, offset, d1, d2 = self._saved
        return (_embed(grad, shape, offset, d1, d2),)

    def apply_graph(self, grad):
        shape, offset, d1, d2 = self._saved
        return (_diag_embed_to(grad, shape, offset, d1, d2),)


class DiagEmbedNode(MetadataNode):
    """DiagEmbedBackward0: the gradient's diagonal. Saved: (offset, dim1, dim2)."""
    __slots__ = ()

    def apply(self, grad):
        offset, d1, d2 = self._saved
        return (np.ascontiguousarray(diagonal_view(grad, offset, d1, d2)),)

    def apply_graph(self, grad):
        offset, d1, d2 = self._saved
        return (_diagonal_copy(grad, offset, d1, d2, _DIAGONAL_NODE),)


_DIAGONAL_NODE = node_class("DiagonalBackward0", DiagonalNode)
_DIAGONAL_COPY_NODE = node_class("DiagonalBackward0_copy", DiagonalNode)
_DIAG_EMBED_NODE = node_class("DiagEmbedBackward0", DiagEmbedNode)
# the recorded backward of diagonal/diag: diagonal_backward, itself differentiated by diagonal
_DIAGONAL_BACKWARD_NODE = node_class("DiagonalBackwardBackward0", DiagEmbedNode)


def _diag_embed_to(g, shape, offset, d1, d2):
    out = _embed(g._data, shape, offset, d1, d2)
    return _record(g, out, _DIAGONAL_BACKWARD_NODE, (offset, d1, d2))


def _diagonal_copy(x, offset, d1, d2, node):
    a = x._data
    out = np.ascontiguousarray(diagonal_view(a, offset, d1, d2))
    return _record(x, out, node, (a.shape, offset, d1, d2))


def diagonal(x, offset=0, dim1=0, dim2=1, position=1):
    offset = _int_arg("diagonal", "offset", position, offset)
    dim1 = _int_arg("diagonal", "dim1", position + 1, dim1)
    dim2 = _int_arg("diagonal", "dim2", position + 2, dim2)
    a = x._data
    d1, d2 = normalize_dim(dim1, a.ndim), normalize_dim(dim2, a.ndim)
    if d1 == d2:
        raise RuntimeError(messages.diagonal_same_dims(d1, d2))
    view = diagonal_view(a, int(offset), d1, d2)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap_view(view, x)
    return _wrap_view(view, x, _DIAGONAL_NODE((edge(x),), (a.shape, int(offset), d1, d2)))


def diag_embed(x, offset=0, dim1=-2, dim2=-1, position=1):
    offset = _int_arg("diag_embed", "offset", position, offset)
    dim1 = _int_arg("diag_embed", "dim1", position + 1, dim1)
    dim2 = _int_arg("diag_embed", "dim2", position + 2, dim2)
    a = x._data
    n = a.ndim + 1
    d1, d2 = normalize_dim(dim1, n), normalize_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(messages.diagonal_same_dims(d1, d2))
    m = (a.shape[-1] if a.ndim else 1) + abs(int(offset))
    batch = list(a.shape[:-1])
    shape = [0] * n
    rest = iter(batch)
    for k in range(n):
        shape[k] = m if k in (d1, d2) else next(rest)
    out = _embed(a.reshape(1) if a.ndim == 0 else a, tuple(shape), int(offset), d1, d2)
    return _record(x, out, _DIAG_EMBED_NODE, (int(offset), d1, d2))


def diag(x, diagonal=0, position=1):  # noqa: A002  (torch's name)
    diagonal = _int_arg("diag", "diagonal", position, diagonal)
    a = x._data
    if a.ndim == 1:
        return diag_embed(x, diagonal, 0, 1)
    if a.ndim != 2:
        raise RuntimeError(messages.diag_dims(a.ndim))
    return _diagonal_copy(x, int(diagonal), 0, 1, _DIAGONAL_COPY_NODE)


class TraceNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        (shape,) = self._saved
        out = np.zeros(shape, grad.dtype)
        diagonal_view(out, 0, 0, 1)[...] = grad
        return (out,)

    def apply_graph(self, grad):
        (shape,) = self._saved
        eye = _wrap(_embed(np.ones(min(shape), grad._data.dtype), shape, 0, 0, 1))
        return (eye * grad,)


_TRACE_NODE = node_class("TraceBackward0", TraceNode)


def trace(x):
    a = x._data
    if a.ndim != 2:
        raise RuntimeError(messages.trace_dims(a.ndim))
    if a.dtype == np.bool_:
        raise NotImplementedError(messages.not_implemented_for("trace", "Bool"))
    d = diagonal_view(a, 0, 0, 1)
    out = np.asarray(d.sum(dtype=np.int64 if a.dtype.kind in "iub" else a.dtype))
    return _record(x, out, _TRACE_NODE, (a.shape,))


# ------------------------------------------------------------------ block_diag


def _block_grad(node, grad, blocks):
    g = grad
    out = []
    for (r0, r1, c0, c1, shape) in blocks:
        out.append(g[r0:r1, c0:c1].reshape(shape))
    return tuple(out)


_BLOCK_DIAG_NODE = formula_node("BlockDiagBackward0", _block_grad)


def block_diag(*tensors):
    mats = []
    for i, t in enumerate(tensors):
        a = t._data
        if a.ndim > 2:
            raise RuntimeError(messages.block_diag_dims(i, a.ndim))
        mats.append(a.reshape(1, -1) if a.ndim < 2 else a)
    dt = np.float32
    if tensors:
        d = dtypes.from_numpy(tensors[0]._data.dtype)
        for t in tensors[1:]:
            d = dtypes.promote_types(d, dtypes.from_numpy(t._data.dtype))
        dt = d.numpy
    rows = sum(m.shape[0] for m in mats) if mats else 1     # torch: (1, 0) for none
    cols = sum(m.shape[1] for m in mats)
    out = np.zeros((rows, cols), dt)
    blocks = []
    r = c = 0
    for t, m in zip(tensors, mats):
        out[r:r + m.shape[0], c:c + m.shape[1]] = m
        blocks.append((r, r + m.shape[0], c, c + m.shape[1], t._data.shape))
        r += m.shape[0]
        c += m.shape[1]
    return _record_many(out, _BLOCK_DIAG_NODE, tensors, (blocks,))


# ------------------------------------------------------------------ kron


def kron(x, other):
    from .views import _UNSAFE_VIEW_NODE, _record as _record_view
    a, b = x._data, other._data
    n = max(a.ndim, b.ndim)
    sa = (1,) * (n - a.ndim) + a.shape
    sb = (1,) * (n - b.ndim) + b.shape
    av = x.reshape(*[v for s in sa for v in (s, 1)]) if n else x
    bv = other.reshape(*[v for s in sb for v in (1, s)]) if n else other
    prod = av * bv
    shape = tuple(p * q for p, q in zip(sa, sb))
    return _record_view(prod, prod._data.reshape(shape), _UNSAFE_VIEW_NODE,
                        (prod._data.shape,), is_view=False)


# ------------------------------------------------------------------ cdist

_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                  "donot_use_mm_for_euclid_dist")


class CdistNode(Node):
    """CdistBackward0 (torch's _cdist_backward, itself not differentiable).
    Saved: x1, x2 (arrays), p, the result."""
    __slots__ = ()

    def apply(self, grad):
        a, b, p, dist, shapes = self._saved_or_raise()
        diff = a[..., :, None, :] - b[..., None, :, :]
        d = dist[..., None]
        g = grad[..., None]
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 0:
                core = np.zeros_like(diff)
            elif p == 1:
                core = np.sign(diff)
            elif p == 2:
                core = np.where(d == 0, 0, diff / d)
            elif p == np.inf:
                core = np.sign(diff) * (np.abs(diff) == d)
            elif p < 2:
                core = np.where(d == 0, 0, np.sign(diff) * np.abs(diff) ** (p - 1) / d ** (p - 1))
            else:
                core = np.where(d == 0, 0, diff * np.abs(diff) ** (p - 2) / d ** (p - 1))
        core = (core * g).astype(a.dtype, copy=False)
        ga = core.sum(axis=-2)
        gb = -core.sum(axis=-3)
        return (_sum_to(ga, shapes[0]) if self._next[0] is not None else None,
                _sum_to(gb, shapes[1]) if self._next[1] is not None else None)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


_CDIST_NODE = node_class("CdistBackward0", CdistNode)


def _p_dist(diff, p):
    ad = np.abs(diff)
    if p == 0:
        return (ad != 0).sum(axis=-1).astype(diff.dtype)
    if p == 1:
        return ad.sum(axis=-1)
    if p == 2:
        return np.sqrt((ad * ad).sum(axis=-1))
    if p == np.inf:
        return ad.max(axis=-1) if diff.shape[-1] else ad.sum(axis=-1)
    return (ad ** p).sum(axis=-1) ** (1 / p)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    a, b = x1._data, x2._data
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(messages.cdist_compute_mode(compute_mode))
    if a.ndim < 2:
        raise RuntimeError(messages.cdist_dims("X1", a.ndim))
    if b.ndim < 2:
        raise RuntimeError(messages.cdist_dims("X2", b.ndim))
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(messages.cdist_columns(a.shape[-1], b.shape[-1]))
    for name, arr in (("X1", a), ("X2", b)):
        if arr.dtype.kind != "f":
            raise RuntimeError(messages.cdist_dtype(name, dtypes.from_numpy(arr.dtype)._torch_name))
    if a.dtype != b.dtype:
        raise RuntimeError(messages.expected_scalar_type(
            dtypes.from_numpy(a.dtype)._torch_name, dtypes.from_numpy(b.dtype)._torch_name))
    if p < 0:
        raise RuntimeError(messages.CDIST_NEGATIVE_P)
    r1, r2 = a.shape[-2], b.shape[-2]
    mode = compute_mode
    if p == 2 and (mode == "use_mm_for_euclid_dist" or (
            mode == _COMPUTE_MODES[0] and (r1 > 25 or r2 > 25))):
        return _euclid_mm(x1, x2)
    diff = a[..., :, None, :] - b[..., None, :, :]
    dist = np.ascontiguousarray(_p_dist(diff, float(p)), dtype=a.dtype)
    if not (grad_state.enabled and (x1._requires_grad or x2._requires_grad)):
        return _wrap(dist)
    node = _CDIST_NODE((edge(x1) if x1._requires_grad else None,
                        edge(x2) if x2._requires_grad else None),
                       (a, b, float(p), dist, (a.shape, b.shape)))
    return _wrap_result(dist, node)


class EuclideanDistNode(Node):
    """EuclideanDistBackward0 (torch's _euclidean_dist_backward): with
    ratio = grad / result (0 where the result is 0), x1 * sum_j ratio - ratio @ x2
    and x2 * sum_i ratio - ratio^T @ x1. Saved: x1, x2, result (arrays), and x1, x2
    (the expanded Tensors, for create_graph)."""
    __slots__ = ()

    def apply(self, grad):
        a, b, res = self._saved_or_raise()[:3]
        with np.errstate(all="ignore"):
            ratio = np.asarray(grad) / res
            ratio[res == 0] = 0
            ga = gb = None
            if self._next[0] is not None:
                ga = a * ratio.sum(axis=-1, keepdims=True) - ratio @ b
            if self._next[1] is not None:
                gb = b * ratio.sum(axis=-2)[..., None] - np.swapaxes(ratio, -1, -2) @ a
        return ga, gb

    def apply_graph(self, grad):
        x1, x2 = self._saved_or_raise()[3:]
        from ..autograd.grad_mode import enable_grad
        with enable_grad():
            res = _euclid_mm_graph(x1, x2)
            ratio = (grad / res).masked_fill(res == 0, 0)
            ga = x1 * ratio.sum(-1, keepdim=True) - ratio.matmul(x2)
            gb = x2 * ratio.sum(-2).unsqueeze(-1) - ratio.transpose(-1, -2).matmul(x1)
        return (ga if self._next[0] is not None else None,
                gb if self._next[1] is not None else None)


_EUCLID_NODE = node_class("EuclideanDistBackward0", EuclideanDistNode)


def _euclid_mm_graph(x1, x2):
    """torch's _euclidean_dist in recorded Tensor ops (for create_graph)."""
    from ..factories import ones_like
    from ..functions import cat
    n1 = x1.pow(2).sum(-1, keepdim=True)
    n2 = x2.pow(2).sum(-1, keepdim=True)
    a = cat([x1 * -2, n1, ones_like(n1)], -1)
    b = cat([x2, ones_like(n2), n2], -1)
    return a.matmul(b.transpose(-1, -2)).clamp_min(0).sqrt()


def _euclid_mm(x1, x2):
    """torch's _euclidean_dist: |x1|^2 - 2 x1.x2 + |x2|^2 as one matrix product,
    its own node (EuclideanDistBackward0) under a view, as torch's cdist."""
    batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = x1.expand(*batch, *x1.shape[-2:]) if batch != tuple(x1.shape[:-2]) else x1
    x2 = x2.expand(*batch, *x2.shape[-2:]) if batch != tuple(x2.shape[:-2]) else x2
    a, b = x1._data, x2._data
    with np.errstate(all="ignore"):        # torch computes through inf/nan silently
        n1 = (a * a).sum(axis=-1, keepdims=True)
        n2 = (b * b).sum(axis=-1, keepdims=True)
        A = np.concatenate([a * -2, n1, np.ones_like(n1)], -1)
        B = np.concatenate([b, np.ones_like(n2), n2], -1)
        r = np.sqrt(np.maximum(A @ np.swapaxes(B, -1, -2), 0)).astype(a.dtype, copy=False)
    if not (grad_state.enabled and (x1._requires_grad or x2._requires_grad)):
        return _wrap(r)
    node = _EUCLID_NODE((edge(x1) if x1._requires_grad else None,
                         edge(x2) if x2._requires_grad else None), (a, b, r, x1, x2))
    out = _wrap_result(r, node)
    return out.view(*out.shape)
