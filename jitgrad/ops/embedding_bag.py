"""embedding_bag and bilinear: forward and backward side by side.

embedding_bag reduces the rows of ``weight`` looked up by each bag of
indices (sum, mean or max) in one kernel pass (kernels/embedding_bag.py);
its node (EmbeddingBagBackward0) has the edges (weight, per_sample_weights).
bilinear is torch's composition: the inputs flattened to (N, in), one
TrilinearBackward0 node y[n, o] = x1[n] . W[o] . x2[n] (BLAS matmuls), viewed
back to the batch shape (ViewBackward0), plus the bias (AddBackward0).
``apply_graph`` computes the same gradients with Tensor ops.
"""
import warnings

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import no_grad
from ..autograd.grad_mode import state as grad_state
from ..kernels import embedding_bag as K
from ..tensor import Size, Tensor, _wrap, _wrap_result
from .normalization import _INDEX_DTYPES, embedding_renorm_
from .shape_ops import index_add_zeros

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_MODES = {"sum": 0, "mean": 1, "max": 2}
_E64 = np.empty(0, np.int64)
_E64_2D = np.empty((0, 0), np.int64)


def _needs(node):
    nxt = node._next
    return nxt[0] is not None, nxt[1] is not None


class EmbeddingBagNode(Node):
    """Saved: (the table's saved arrays (``_bag_arrays``), weight Tensor,
    per_sample_weights Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        need_w, need_psw = _needs(self)
        _, gw, _, gp = embedding_bag_backward((self._saved_or_raise()[0], False), (grad,),
                                              (False, need_w, False, need_psw))
        return gw, gp

    def apply_graph(self, grad):
        (W, idx, starts, ends, mode, pad, psw, counts, argmax, by_freq, _), weight, psw_t = \
            self._saved_or_raise()
        need_w, need_psw = _needs(self)
        V, D = W.shape
        B = starts.size
        bag = np.repeat(np.arange(B), ends - starts)      # each index's bag
        keep = idx != pad
        gw = gp = None
        if need_w and mode == 2:
            b, j = np.nonzero(argmax >= 0)
            flat = _wrap(argmax[b, j] * D + j)
            gw = index_add_zeros(grad[_wrap(b), _wrap(j)], 0, flat, (V * D,)).reshape(V, D)
        elif need_w:
            scale = keep.astype(W.dtype)
            if by_freq:
                scale = scale / np.bincount(idx, minlength=V)[idx].astype(W.dtype)
            if mode == 1:
                scale = scale / np.maximum(counts[bag], 1).astype(W.dtype)
            rows = grad[_wrap(bag)] * _wrap(scale.reshape(-1, 1))
            if psw is not None:
                rows = rows * psw_t.reshape(-1, 1)
            gw = index_add_zeros(rows, 0, _wrap(idx), (V, D))
        if need_psw:
            gp = ((grad[_wrap(bag)] * weight[_wrap(idx)]).sum(1)
                  * _wrap(keep.astype(W.dtype))).reshape(psw_t.shape)
        return gw, gp


_EMBEDDING_BAG = node_class("EmbeddingBagBackward0", EmbeddingBagNode)


def _padding_idx(padding_idx, V):
    if padding_idx is None:
        return -1
    p = int(padding_idx)
    if p < -V or p >= V:
        raise RuntimeError(messages.embedding_bag_padding_idx(V, p))
    return p + V if p < 0 else p


def _bags(off, n, include_last_offset, both_int32):
    """(starts, ends) of the bags as int64 arrays, checked as torch does."""
    off = np.ascontiguousarray(off, np.int64).reshape(-1)
    if off.size:
        if off[0] != 0:
            raise RuntimeError(messages.embedding_bag_first_offset(
                int(off[0]), "Int" if both_int32 else "Long"))
        if off[-1] > n:
            raise RuntimeError(messages.embedding_bag_last_offset(n, int(off[-1])))
        if off.size > 1 and np.any(off[1:] < off[:-1]):
            raise RuntimeError(messages.EMBEDDING_BAG_OFFSETS_ORDER)
    if include_last_offset:
        if off.size == 0:
            return _E64, _E64
        return off[:-1], off[1:]
    return off, np.append(off[1:], np.int64(n))


def _swapped(input_dtype, weight_dtype):
    """embedding_bag(weight, input): torch's deprecated argument order, warned
    about and swapped."""
    if weight_dtype == np.int64 and input_dtype.kind == "f":
        warnings.warn(messages.EMBEDDING_BAG_ARGUMENT_ORDER, stacklevel=4)
        return True
    return False


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """nn.functional.embedding_bag: torch's argument checks in torch's order, then one
    kernel pass over the bags."""
    if _swapped(input._data.dtype, weight._data.dtype):
        weight, input = input, weight
    psw_t = per_sample_weights
    renorm = None
    if max_norm is not None:
        def renorm(flat):
            with no_grad():
                embedding_renorm_(weight, _wrap(flat), max_norm, norm_type)
    (out,), saved = _bag_arrays(input._data, weight._data, offsets, renorm, scale_grad_by_freq,
                                mode, sparse, None if psw_t is None else psw_t._data,
                                include_last_offset, padding_idx)
    needs = grad_state.enabled and (weight._requires_grad
                                    or (psw_t is not None and psw_t._requires_grad))
    if not needs:
        return _wrap(out)
    if sparse and weight._requires_grad:
        raise NotImplementedError(messages.EMBEDDING_BAG_SPARSE)
    checks = (saved_version(input.reshape(-1) if input.dim() == 2 else input),)
    if psw_t is not None:
        checks += (saved_version(weight),)
    node = _EMBEDDING_BAG((edge(weight), edge(psw_t) if psw_t is not None else None),
                          (saved, weight, psw_t), checks)
    return _wrap_result(out, node)


def _bag_arrays(I, W, offsets, renorm, scale_grad_by_freq, mode, sparse, P,
                include_last_offset, padding_idx):
    """embedding_bag on the arrays of indices ``I``, ``W`` and per-sample
    weights ``P`` (``offsets``: a Tensor or an array; ``renorm``: max_norm's
    in-place renormalisation of the weight, given the flat indices):
    ((output,), saved)."""
    if P is not None and I.shape != P.shape:
        raise ValueError(messages.embedding_bag_psw_shape(Size(P.shape), Size(I.shape)))
    if W.ndim != 2:
        raise ValueError(messages.embedding_bag_weight_dims(W.ndim))
    if I.ndim == 2:
        if offsets is not None:
            raise ValueError(messages.embedding_bag_offsets_2d(offsets))
        n, L = I.shape
        starts = np.arange(0, n * L, L, dtype=np.int64) if L else np.zeros(n, np.int64)
        ends = starts + L
        include_last_offset = False
        flat = I.reshape(-1)
    elif I.ndim == 1:
        if offsets is None:
            raise ValueError(messages.EMBEDDING_BAG_OFFSETS_NONE)
        O = offsets._data if isinstance(offsets, Tensor) else offsets
        if O.ndim != 1:
            raise ValueError(messages.EMBEDDING_BAG_OFFSETS_1D)
        flat = I
        starts = None
    else:
        raise ValueError(messages.embedding_bag_input_dims(I.ndim))
    if mode not in _MODES:
        raise ValueError(messages.EMBEDDING_BAG_MODE)
    m = _MODES[mode]
    if m == 2:
        if scale_grad_by_freq:
            raise ValueError(messages.EMBEDDING_BAG_MAX_FREQ)
        if sparse:
            raise ValueError(messages.EMBEDDING_BAG_MAX_SPARSE)
    if renorm is not None:
        renorm(flat)
    if P is not None and m != 0:
        raise NotImplementedError(messages.embedding_bag_psw_mode(mode))
    if W.dtype not in _FLOATS:
        raise RuntimeError(messages.embedding_bag_weight_dtype(W.dtype))
    _check_index_dtype(flat.dtype)
    V, D = W.shape
    idx = np.ascontiguousarray(flat, np.int64).reshape(-1)
    if starts is None:
        _check_index_dtype(O.dtype)
        starts, ends = _bags(O, idx.size, include_last_offset, flat.dtype == O.dtype == np.int32)
    pad = _padding_idx(padding_idx, V)
    psw = None
    if P is not None:
        if P.dtype != W.dtype:
            raise RuntimeError(messages.embedding_bag_psw_dtype(W.dtype, P.dtype))
        psw = np.ascontiguousarray(P).reshape(-1)
    Wc = np.ascontiguousarray(W)
    B = starts.size
    out = np.zeros((B, D), W.dtype)
    counts = np.zeros(B, np.int64)
    argmax = np.full((B, D), -1, np.int64) if m == 2 else _E64_2D
    bad = K.embedding_bag_forward(Wc, idx, starts, ends, m, pad,
                                  psw if psw is not None else np.empty(0, W.dtype),
                                  psw is not None, out, counts, argmax)
    if bad >= 0:
        raise RuntimeError(messages.embedding_bag_index_range(bad, int(idx[bad]), V))
    return (out,), (Wc, idx, starts, ends, m, pad, psw, counts, argmax, bool(scale_grad_by_freq),
                    None if P is None else P.shape)


def _check_index_dtype(dtype):
    if dtype not in _INDEX_DTYPES:
        raise RuntimeError(messages.embedding_indices_dtype(dtype, 1, "embedding_bag"))


def embedding_bag_forward(input, weight, offsets=None, max_norm=None, norm_type=2,
                          scale_grad_by_freq=False, mode="mean", sparse=False,
                          per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The op table's forward (``derivatives.COMPOSITE["embedding_bag"]``) on
    arrays, with nn.functional.embedding_bag's checks (and ``max_norm`` None:
    its renorm writes the weight, which jitgrad.compile does not capture):
    ((output,), (the kernel's saved arrays, whether the arguments came
    swapped))."""
    swapped = _swapped(input.dtype, weight.dtype)
    if swapped:
        weight, input = input, weight
    outs, saved = _bag_arrays(input, weight, offsets, None, scale_grad_by_freq, mode, sparse,
                              per_sample_weights, include_last_offset, padding_idx)
    return outs, (saved, swapped)


def embedding_bag_backward(saved, grads, needs):
    """The gradients of (input, weight, offsets, per_sample_weights) where
    ``needs`` says: the weight's and the per-sample weights' (in input's
    place when the arguments came swapped), one kernel pass."""
    (W, idx, starts, ends, mode, pad, psw, counts, argmax, by_freq, psw_shape), swapped = saved
    need_w = needs[0] if swapped else needs[1]
    need_psw = needs[3]
    g = np.ascontiguousarray(grads[0], W.dtype)
    gw = np.zeros(W.shape, W.dtype) if need_w else np.empty((0, 0), W.dtype)
    gp = np.zeros(idx.size, W.dtype) if need_psw else np.empty(0, W.dtype)
    use_psw = psw is not None
    K.embedding_bag_backward(g, W, idx, starts, ends, mode, pad,
                             psw if use_psw else np.empty(0, W.dtype), use_psw, counts,
                             argmax, by_freq,
                             np.zeros(W.shape[0], np.int64) if by_freq else _E64,
                             need_w, gw, need_psw, gp)
    gw = gw if need_w else None
    gp = gp.reshape(psw_shape) if need_psw else None
    return (gw, None, None, gp) if swapped else (None, gw, None, gp)


# ------------------------------------------------------------------ bilinear


class TrilinearNode(Node):
    """y[n, o] = sum_ij x1[n, i] W[o, i, j] x2[n, j]. Saved: (x1, x2, W) arrays
    and Tensors."""
    __slots__ = ()

    def apply(self, grad):
        a, b, W = self._saved_or_raise()[:3]
        nxt = self._next
        N, I = a.shape
        J = b.shape[1]
        O = W.shape[0]
        g = np.asarray(grad)
        with np.errstate(all="ignore"):      # torch's BLAS is silent on inf * 0
            return self._grads(g, a, b, W, N, I, J, O, nxt)

    @staticmethod
    def _grads(g, a, b, W, N, I, J, O, nxt):
        ga = gb = gW = None
        if nxt[0] is not None:      # ga[n, i] = sum_oj g[n, o] b[n, j] W[o, i, j]
            u = (g[:, :, None] * b[:, None, :]).reshape(N, O * J)
            ga = u @ W.transpose(0, 2, 1).reshape(O * J, I)
        if nxt[1] is not None:      # gb[n, j] = sum_oi g[n, o] a[n, i] W[o, i, j]
            v = (g[:, :, None] * a[:, None, :]).reshape(N, O * I)
            gb = v @ W.reshape(O * I, J)
        if nxt[2] is not None:      # gW[o, i, j] = sum_n g[n, o] a[n, i] b[n, j]
            v = (g[:, :, None] * a[:, None, :]).reshape(N, O * I)
            gW = (v.T @ b).reshape(W.shape)
        return ga, gb, gW

    def apply_graph(self, grad):
        a, b, W = self._saved_or_raise()[3:]
        nxt = self._next
        N, I = a.shape
        J = b.shape[1]
        O = W.shape[0]
        ga = gb = gW = None
        if nxt[0] is not None:
            u = (grad.reshape(N, O, 1) * b.reshape(N, 1, J)).reshape(N, O * J)
            ga = u.matmul(W.transpose(1, 2).reshape(O * J, I))
        if nxt[1] is not None or nxt[2] is not None:
            v = (grad.reshape(N, O, 1) * a.reshape(N, 1, I)).reshape(N, O * I)
            if nxt[1] is not None:
                gb = v.matmul(W.reshape(O * I, J))
            if nxt[2] is not None:
                gW = v.t().matmul(b).reshape(O, I, J)
        return ga, gb, gW


_TRILINEAR = node_class("TrilinearBackward0", TrilinearNode)


def _trilinear(x1, x2, weight):
    a = np.ascontiguousarray(x1._data)
    b = np.ascontiguousarray(x2._data)
    W = np.ascontiguousarray(weight._data)
    N, I = a.shape
    J = b.shape[1]
    O = W.shape[0]
    # t[n, o, j] = sum_i a[n, i] W[o, i, j]; y[n, o] = sum_j t[n, o, j] b[n, j]
    with np.errstate(all="ignore"):          # torch's BLAS is silent on inf * 0
        t = (a @ W.transpose(1, 0, 2).reshape(I, O * J)).reshape(N, O, J)
        y = np.matmul(t, b[:, :, None]).reshape(N, O)
    if not (grad_state.enabled and (x1._requires_grad or x2._requires_grad
                                    or weight._requires_grad)):
        return _wrap(y)
    node = _TRILINEAR((edge(x1), edge(x2), edge(weight)), (a, b, W, x1, x2, weight),
                      (saved_version(x1), saved_version(x2), saved_version(weight)))
    return _wrap_result(y, node)


def bilinear(input1, input2, weight, bias=None):
    """nn.functional.bilinear: y = x1^T W x2 + b over the last dims, torch's checks."""
    if input1.dim() != input2.dim():
        raise RuntimeError(messages.bilinear_dims(input1.dim(), input2.dim()))
    for d in range(input1.dim() - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(messages.bilinear_batch(d, input1.shape[d], input2.shape[d]))
    if weight.dim() < 2 or input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(messages.bilinear_size("input1", input1.shape[-1],
                                                  weight.shape[1] if weight.dim() > 1 else 0))
    if weight.dim() != 3:
        raise RuntimeError(messages.bilinear_weight_dims(weight.dim()))
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(messages.bilinear_size("input2", input2.shape[-1], weight.shape[2]))
    if bias is not None and (bias.dim() == 0 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(messages.bilinear_size("bias", bias.shape[0] if bias.dim() else 1,
                                                  weight.shape[0]))
    d1, d2, dw = input1._data.dtype, input2._data.dtype, weight._data.dtype
    if not (d1 == d2 == dw):
        raise RuntimeError(messages.bilinear_dtypes(d1, d2, dw))
    batch = tuple(input1.shape[:-1])
    y = _trilinear(input1.reshape(-1, weight.shape[1]), input2.reshape(-1, weight.shape[2]),
                   weight)
    y = y.view(batch + (weight.shape[0],))
    if bias is not None:
        y = y + bias
    return y

