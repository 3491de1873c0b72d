"""embedding, layer_norm and batch_norm: forward and backward side by side.

Each op checks its arguments once per combination of shapes and dtypes (the
plan, memoised) in torch's order, then runs one kernel forward and one
backward (kernels/normalization.py). The nodes carry torch's names
(EmbeddingBackward0, NativeLayerNormBackward0, NativeBatchNormBackward0)
and edges: the weight's for embedding, (input, weight, bias) for the norms,
None where no gradient flows. ``apply_graph`` computes the same gradients
with Tensor ops (the statistics recomputed from the input, so the result
can be differentiated again).
"""
import math

import numpy as np

from .. import dtypes, messages
from .. import parallel as _parallel
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import normalization as K
from ..tensor import _wrap, _wrap_result
from .shape_ops import index_add_zeros
from .shapes import int_arg

_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))
_F32 = np.dtype(np.float32)
_EMPTY = {np.dtype(np.float32): np.empty(0, np.float32),
          np.dtype(np.float64): np.empty(0, np.float64)}
_EMPTY_I64 = np.empty(0, np.int64)


def _flat(a):
    """``a`` as a flat C-contiguous array (a view when it already is one)."""
    if a.flags.c_contiguous:
        return a.reshape(-1)
    return np.ascontiguousarray(a).reshape(-1)


def _flat_as(a, dtype):
    if a.dtype != dtype:
        return np.ascontiguousarray(a, dtype=dtype).reshape(-1)
    return _flat(a)


def _name(np_dtype):
    return dtypes.from_numpy(np_dtype)._torch_name


def _needs(node):
    nxt = node._next
    return nxt[0] is not None, nxt[1] is not None, nxt[2] is not None


# ------------------------------------------------------------------ embedding


class EmbeddingNode(Node):
    """Saved: (flat indices, weight shape, padding_idx (-1: none),
    scale_grad_by_freq, indices Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        return embedding_backward(self._saved_or_raise()[:4], (grad,), (False, True))[1:]

    def apply_graph(self, grad):
        # index_add of the (scaled) gradient rows into zeros, recorded
        idx, (V, D), padding_idx, by_freq, indices = self._saved_or_raise()
        if idx.size and (idx.min() < 0 or idx.max() >= V):
            raise IndexError(messages.EMBEDDING_INDEX_RANGE)
        g = grad.reshape(idx.size, D)
        if padding_idx >= 0 or by_freq:
            scale = np.empty(idx.size, grad._data.dtype)
            K.embedding_row_scale(idx, padding_idx, by_freq,
                                  np.zeros(V, np.int64) if by_freq else _EMPTY_I64, scale)
            g = g * _wrap(scale.reshape(idx.size, 1))
        return (index_add_zeros(g, 0, _wrap(idx), (V, D)),)


_EMBEDDING = node_class("EmbeddingBackward0", EmbeddingNode)


def _check_indices(indices, position, fname):
    if indices._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(messages.embedding_indices_dtype(indices._data.dtype, position, fname))


def embedding(indices, weight, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding: rows of the 2-d ``weight`` at ``indices`` (any shape);
    ``padding_idx`` already in [0, V) or -1 for none."""
    W = weight._data
    if W.ndim != 2:
        raise RuntimeError(messages.EMBEDDING_WEIGHT_2D)
    _check_indices(indices, 1, "embedding")
    (res,), saved = _embedding_arrays(indices._data, W, padding_idx, scale_grad_by_freq)
    if not (weight._requires_grad and grad_state.enabled):
        return _wrap(res)
    if sparse:
        raise NotImplementedError(messages.EMBEDDING_SPARSE)
    node = _EMBEDDING((edge(weight),), (*saved, indices), (saved_version(indices),))
    return _wrap_result(res, node)


def _embedding_arrays(I, W, padding_idx, scale_grad_by_freq):
    idx = _flat(I)
    D = W.shape[1]
    out = np.empty((idx.size, D), W.dtype)
    if K.embedding_forward(W, idx, out) >= 0:
        raise IndexError(messages.EMBEDDING_INDEX_RANGE)
    return (out.reshape(I.shape + (D,)),), (idx, W.shape, padding_idx, bool(scale_grad_by_freq))


def embedding_forward(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
                      scale_grad_by_freq=False, sparse=False):
    """The op table's forward (``derivatives.COMPOSITE["embedding"]``), with
    nn.functional.embedding's arguments checked (and ``max_norm`` None: its
    renorm writes the weight, which jitgrad.compile does not capture):
    ((rows,), (flat indices, weight shape, padding_idx (-1: none), scale_grad_by_freq))."""
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx < 0:
        padding_idx += weight.shape[0]
    return _embedding_arrays(input, weight, padding_idx, scale_grad_by_freq)


def embedding_backward(saved, grads, needs):
    """The weight's gradient: each row's gradient added at its index (none at
    padding_idx; divided by the index's count with scale_grad_by_freq)."""
    idx, (V, D), padding_idx, by_freq = saved
    g = np.ascontiguousarray(grads[0]).reshape(idx.size, D)
    out = np.zeros((V, D), g.dtype)
    if g.size >= _parallel.EMBEDDING_MIN and D >= 32:
        bad = []

        def columns(j0, j1):    # each column's sums in the single call's order
            if K.embedding_backward.nogil(g[:, j0:j1], idx, padding_idx, by_freq,
                                    np.zeros(V, np.int64) if by_freq else _EMPTY_I64,
                                    out[:, j0:j1]) >= 0:
                bad.append(True)
        _parallel.columns(columns, D, idx.size)
        if bad:
            raise IndexError(messages.EMBEDDING_INDEX_RANGE)
        return None, out
    if K.embedding_backward(g, idx, padding_idx, by_freq,
                            np.zeros(V, np.int64) if by_freq else _EMPTY_I64, out) >= 0:
        raise IndexError(messages.EMBEDDING_INDEX_RANGE)
    return None, out


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """torch.embedding_renorm_ (under no_grad): rows looked up by ``indices``
    whose ``norm_type``-norm exceeds ``max_norm`` scaled down to it, in place."""
    W = weight._data
    if W.ndim != 2:
        raise RuntimeError(messages.embedding_renorm_dims(W.ndim))
    _check_indices(indices, 2, "embedding_renorm_")
    if not W.flags.writeable:
        # an expanded weight (a read-only broadcast view here; torch writes through)
        raise RuntimeError(messages.INTERNAL_OVERLAP)
    idx = _flat(indices._data)
    bad = K.embedding_renorm(W, idx, float(max_norm), float(norm_type),
                             np.zeros(W.shape[0], np.bool_))
    if bad >= 0:
        raise IndexError(messages.select_out_of_range(int(idx[bad]), W.shape, 0))
    weight._vc[0] += 1
    return weight


def embedding_functional(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
                         scale_grad_by_freq=False, sparse=False):
    """nn.functional.embedding: torch's argument handling, then the op."""
    if padding_idx is not None:
        n = weight.size(0)
        if int_arg(padding_idx) is None:        # torch's int argument (not 1.5, not True)
            raise TypeError(messages.must_be("embedding", "padding_idx", "int", padding_idx, 3))
        padding_idx = int_arg(padding_idx)
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError(messages.PADDING_IDX_RANGE)
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError(messages.PADDING_IDX_RANGE)
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    return embedding(input, weight, padding_idx, scale_grad_by_freq, sparse)


# ------------------------------------------------------------------ layer_norm


def _mixed_dtype_check(x_dtype, params):
    """torch's CPU norms with parameters of another dtype than the input:
    allowed only for reduced-precision inputs (which jitgrad has none of)."""
    first = next((p.dtype for p in params if p is not None), None)
    if first is None or first == x_dtype:
        return
    for p in params:
        if p is not None and p.dtype != _F32:
            raise RuntimeError(messages.MIXED_DTYPE_PARAMETER)
    raise RuntimeError(messages.MIXED_DTYPE_INPUTS)


def _same_dtype_check(x_dtype, params):
    for p in params:
        if p is not None and p.dtype != x_dtype:
            raise RuntimeError(messages.expected_scalar_type(_name(x_dtype), _name(p.dtype)))


class LayerNormPlan:
    """Per (shapes, dtypes): the checks done, the sizes, ones/zeros standing
    for a missing weight/bias, the backward's float64 scratch (kernels hold
    the GIL: one call at a time)."""
    __slots__ = ("M", "N", "shape", "w_shape", "b_shape", "ones", "zeros", "acc")

    def __init__(self, a, ns, W, B):
        _mixed_dtype_check(a.dtype, (W, B))
        if not ns:
            raise RuntimeError(messages.layer_norm_empty_shape(ns))
        for which, p in (("weight", W), ("bias", B)):
            if p is not None and p.shape != ns:
                raise RuntimeError(messages.layer_norm_param_shape(which, p.shape, ns))
        k = len(ns)
        if a.ndim < k or a.shape[a.ndim - k:] != ns:
            raise RuntimeError(messages.layer_norm_input_shape(ns, a.shape))
        if a.dtype.kind != "f":
            raise NotImplementedError(messages.not_implemented_for("LayerNormKernelImpl",
                                                                   _name(a.dtype)))
        _same_dtype_check(a.dtype, (W, B))
        self.N = math.prod(ns)
        self.M = math.prod(a.shape[:a.ndim - k])
        self.shape = a.shape
        self.w_shape = None if W is None else W.shape
        self.b_shape = None if B is None else B.shape
        self.ones = np.ones(self.N, a.dtype)
        self.zeros = np.zeros(self.N, a.dtype)
        self.acc = np.empty(2 * self.N)


class LayerNormNode(Node):
    """Saved: (the table's saved arrays (``layer_norm_forward``), eps, input,
    weight)."""
    __slots__ = ()

    def apply(self, grad):
        return layer_norm_backward(self._saved_or_raise()[0], (grad,), _needs(self))

    def apply_graph(self, grad):
        (_, _, _, plan), eps, x, weight = self._saved_or_raise()
        need_x, need_w, need_b = _needs(self)
        M, N = plan.M, plan.N
        x2 = x.reshape(M, N)
        xc = x2 - x2.mean(1, keepdim=True)
        rstd = ((xc * xc).mean(1, keepdim=True) + eps).rsqrt()
        xhat = xc * rstd
        g2 = grad.reshape(M, N)
        gx = gw = gb = None
        if need_x:
            gxhat = g2 if weight is None else g2 * weight.reshape(N)
            gx = ((gxhat - gxhat.mean(1, keepdim=True)
                   - xhat * (gxhat * xhat).mean(1, keepdim=True)) * rstd).reshape(plan.shape)
        if need_w:
            gw = (g2 * xhat).sum(0).reshape(plan.w_shape)
        if need_b:
            gb = g2.sum(0).reshape(plan.b_shape)
        return gx, gw, gb


_LAYER_NORM = node_class("NativeLayerNormBackward0", LayerNormNode)
_layer_norm_plans = {}


def layer_norm_forward(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """The op table's forward (``derivatives.COMPOSITE["layer_norm"]``), on
    arrays: ((output,), saved), saved = (flat x, float64 mean and rstd per
    row, flat weight, plan)."""
    a, W, B = input, weight, bias
    if type(normalized_shape) is not tuple:
        normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) \
            else tuple(normalized_shape)
    key = (a.shape, a.dtype, normalized_shape,
           None if W is None else (W.shape, W.dtype), None if B is None else (B.shape, B.dtype))
    plan = _layer_norm_plans.get(key)
    if plan is None:
        plan = _layer_norm_plans[key] = LayerNormPlan(a, normalized_shape, W, B)
    xf = _flat(a)
    wf = plan.ones if W is None else _flat(W)
    bf = plan.zeros if B is None else _flat(B)
    out = np.empty(a.shape, a.dtype)
    M, N = plan.M, plan.N
    stats = np.empty(2 * M)
    if xf.size < _parallel.ROWS_MIN or M == 1:
        K.layer_norm_forward(xf, wf, bf, M, N, float(eps), out.reshape(-1), stats)
    else:
        of = out.reshape(-1)

        def rows(m0, m1):       # each row alone: the same numbers at any split
            part = np.empty(2 * (m1 - m0))
            K.layer_norm_forward.nogil(xf[m0 * N:m1 * N], wf, bf, m1 - m0, N, float(eps),
                                 of[m0 * N:m1 * N], part)
            stats[m0:m1] = part[:m1 - m0]
            stats[M + m0:M + m1] = part[m1 - m0:]
        _parallel.rows(rows, M, N)
    return (out,), (xf, stats, wf, plan)


def layer_norm_backward(saved, grads, needs):
    """The op table's backward: the gradients of (input, weight, bias) where
    ``needs`` says, one kernel pass."""
    xf, stats, wf, plan = saved
    need_x, need_w, need_b = needs
    dt = xf.dtype
    N = plan.N
    empty = _EMPTY[dt]
    gx = np.empty(xf.size, dt) if need_x else empty
    gw = np.empty(N, dt) if need_w else empty
    gb = np.empty(N, dt) if need_b else empty
    M = plan.M
    if xf.size < _parallel.ROWS_MIN or M == 1:
        K.layer_norm_backward(_flat_as(grads[0], dt), xf, stats, wf, M, N, need_x, need_w,
                              need_b, gx, gw, gb, plan.acc)
    else:
        _layer_norm_backward_rows(_flat_as(grads[0], dt), xf, stats, wf, M, N, need_x,
                                  need_w, need_b, gx, gw, gb)
    return (gx.reshape(plan.shape) if need_x else None,
            gw.reshape(plan.w_shape) if need_w else None,
            gb.reshape(plan.b_shape) if need_b else None)


def _layer_norm_backward_rows(g, xf, stats, wf, M, N, need_x, need_w, need_b, gx, gw, gb):
    """K.layer_norm_backward over blocks of rows on the threads: the input's
    gradient row by row as the single call, the weight's and bias's column
    sums as one float64 partial per block (blocks fixed by the sizes), added
    in block order."""
    per = max(1, _parallel.CHUNK // N)
    blocks = -(-M // per)
    parts = np.empty((blocks, 2 * N))
    dt = xf.dtype
    empty = _EMPTY[dt]

    def block(u0, u1):
        for u in range(u0, u1):
            m0, m1 = u * per, min(u * per + per, M)
            k = m1 - m0
            part = np.empty(2 * k)
            part[:k] = stats[m0:m1]
            part[k:] = stats[M + m0:M + m1]
            K.layer_norm_backward.nogil(g[m0 * N:m1 * N], xf[m0 * N:m1 * N], part, wf, k, N, need_x,
                                  need_w, need_b, gx[m0 * N:m1 * N] if need_x else empty,
                                  np.empty(N, dt) if need_w else empty,
                                  np.empty(N, dt) if need_b else empty, parts[u])
    _parallel.run(block, blocks)
    total = _parallel.add_rows(parts)
    if need_w:
        _parallel.cast_into(gw, total[:N])
    if need_b:
        _parallel.cast_into(gb, total[N:])


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``normalized_shape``: a tuple of ints (nn.functional converts)."""
    (out,), saved = layer_norm_forward(x._data, normalized_shape,
                                       None if weight is None else weight._data,
                                       None if bias is None else bias._data, eps)
    return _affine_result(_LAYER_NORM, out, (saved, float(eps), x, weight), x, weight, bias,
                          (weight, bias))


def _affine_result(node_class, out, saved, x, weight, bias, checked):
    """A norm's result: with a ``node_class`` node saving ``saved`` (and the
    versions of x and the ``checked`` tensors) when x, weight or bias
    requires grad."""
    if not (grad_state.enabled and (x._requires_grad or (weight is not None and
                                                         weight._requires_grad)
                                    or (bias is not None and bias._requires_grad))):
        return _wrap(out)
    edges = (edge(x), None if weight is None else edge(weight),
             None if bias is None else edge(bias))
    checks = (saved_version(x),) + tuple(saved_version(t) for t in checked if t is not None)
    return _wrap_result(out, node_class(edges, saved, checks))


# ------------------------------------------------------------------ batch_norm


class BatchNormPlan:
    """Per (shapes, dtypes, mode): the checks done, the (N, C, L) view,
    ones/zeros standing for a missing weight/bias, float64 scratch."""
    __slots__ = ("N", "C", "L", "shape", "w_shape", "b_shape", "ones", "zeros", "work")

    def __init__(self, a, training, RM, RV, W, B):
        C = a.shape[1] if a.ndim > 1 else 0    # torch reads size(1) of any input
        for which, p in (("running_mean", RM), ("running_var", RV)):
            if p is not None:
                if p.size != C:
                    raise RuntimeError(messages.batch_norm_features(which, C, p.size))
            elif not training:
                raise RuntimeError(messages.batch_norm_undefined(which))
        for which, p in (("weight", W), ("bias", B)):
            if p is not None and p.size != C:
                raise RuntimeError(messages.batch_norm_features(which, C, p.size))
        if a.ndim < 2:                          # torch then reads size(1)
            raise IndexError(messages.dim_out_of_range(1, a.ndim))
        if (RM is None) != (RV is None):
            raise ValueError(messages.BATCH_NORM_RUNNING_PAIR)
        if a.dtype.kind != "f":
            raise NotImplementedError(messages.not_implemented_for("batch_norm", _name(a.dtype)))
        params = (W, B, RM, RV)
        _mixed_dtype_check(a.dtype, params)
        for p in (RM, RV):
            if p is not None and p.ndim != 1:
                raise RuntimeError(messages.tensor_accessor_dims(1, p.ndim))
        _same_dtype_check(a.dtype, params)
        self.N = a.shape[0] if a.ndim else 1
        self.C = C
        self.L = math.prod(a.shape[2:])
        self.shape = a.shape
        self.w_shape = None if W is None else W.shape
        self.b_shape = None if B is None else B.shape
        self.ones = np.ones(C, a.dtype)
        self.zeros = np.zeros(C, a.dtype)
        self.work = np.empty(2 * C)


class BatchNormNode(Node):
    """Saved: (flat x, stats (per channel, x's dtype: mean, invstd, scratch;
    the batch's statistics in training, the running ones in evaluation),
    flat weight, plan, training, eps, input, weight)."""
    __slots__ = ()

    def apply(self, grad):
        need_x, need_w, need_b = _needs(self)
        gx, _, _, gw, gb = batch_norm_backward(self._saved_or_raise()[:5], (grad,),
                                               (need_x, False, False, need_w, need_b))
        return gx, gw, gb

    def apply_graph(self, grad):
        _, stats, _, plan, training, eps, x, weight = self._saved_or_raise()
        need_x, need_w, need_b = _needs(self)
        N, C, L = plan.N, plan.C, plan.L
        mean, invstd = stats[:C], stats[C:2 * C]
        x3 = x.reshape(N, C, L)
        g3 = grad.reshape(N, C, L)
        dims = (0, 2)
        if training:
            xc = x3 - x3.mean(dims, keepdim=True)
            inv = ((xc * xc).mean(dims, keepdim=True) + eps).rsqrt()
        else:
            # the running statistics are constants
            xc = x3 - _wrap(mean.reshape(1, C, 1))
            inv = _wrap(invstd.reshape(1, C, 1))
        xhat = xc * inv
        gx = gw = gb = None
        if need_x:
            if training:
                gx = (g3 - g3.mean(dims, keepdim=True)
                      - xhat * (g3 * xhat).mean(dims, keepdim=True)) * inv
            else:
                gx = g3 * inv
            if weight is not None:
                gx = gx * weight.reshape(1, C, 1)
            gx = gx.reshape(plan.shape)
        if need_w:
            gw = (g3 * xhat).sum(dims).reshape(plan.w_shape)
        if need_b:
            gb = g3.sum(dims).reshape(plan.b_shape)
        return gx, gw, gb


_BATCH_NORM = node_class("NativeBatchNormBackward0", BatchNormNode)
_batch_norm_plans = {}


def _spec(t):
    return None if t is None else (t.shape, t.dtype)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps):
    """torch.batch_norm after nn.functional's checks: in training, normalise
    with the batch's statistics and (when given) move the running statistics
    in place; in evaluation, normalise with the running statistics."""
    a = x._data
    if a.size == 0:
        return _empty_batch_norm(x, weight, bias)
    (out,), saved = _batch_norm_arrays(
        a, None if running_mean is None else running_mean._data,
        None if running_var is None else running_var._data,
        None if weight is None else weight._data, None if bias is None else bias._data,
        training, momentum, eps)
    return _affine_result(_BATCH_NORM, out, (*saved, float(eps), x, weight), x, weight, bias,
                          (weight, running_mean, running_var))


def _batch_norm_arrays(a, RM, RV, W, B, training, momentum, eps):
    training = bool(training)
    key = (a.shape, a.dtype, training, _spec(RM), _spec(RV), _spec(W), _spec(B))
    plan = _batch_norm_plans.get(key)
    if plan is None:
        plan = _batch_norm_plans[key] = BatchNormPlan(a, training, RM, RV, W, B)
    dt = a.dtype
    C = plan.C
    xf = _flat(a)
    wf = plan.ones if W is None else _flat(W)
    bf = plan.zeros if B is None else _flat(B)
    out = np.empty(a.shape, dt)
    stats = np.empty(4 * C, dt)
    eps = float(eps)
    if training:
        update = RM is not None
        K.batch_norm_forward_train(xf, wf, bf, plan.N, C, plan.L, float(momentum), eps, update,
                                   RM if update else plan.zeros, RV if update else plan.ones,
                                   stats, plan.work, out.reshape(-1))
    else:
        K.batch_norm_forward_eval(xf, wf, bf, plan.N, C, plan.L, eps, RM, RV, stats,
                                  out.reshape(-1))
    return (out,), (xf, stats, wf, plan, training)


def batch_norm_forward(input, running_mean, running_var, weight=None, bias=None, training=False,
                       momentum=0.1, eps=1e-5):
    """The op table's forward (``derivatives.COMPOSITE["batch_norm"]``) on
    arrays nn.functional.batch_norm has checked (the running statistics move
    in place in training): ((output,), (flat x, per-channel statistics, flat
    weight, plan, training)); an input without elements: its copy (times
    weight[0], plus bias[0]) and no saved arrays."""
    if input.size == 0:
        out = input.copy()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return (out,), (input.shape, weight, bias)
    return _batch_norm_arrays(input, running_mean, running_var, weight, bias, training,
                              momentum, eps)


def batch_norm_backward(saved, grads, needs):
    """The gradients of (input, running_mean, running_var, weight, bias) where
    ``needs`` says (never the running statistics'), one kernel pass."""
    if len(saved) == 3:                  # an input without elements
        shape, weight, bias = saved
        gx = None
        if needs[0]:
            gx = np.zeros(shape, grads[0].dtype)
        gw = np.zeros(weight.shape, weight.dtype) if needs[3] else None
        gb = np.zeros(bias.shape, bias.dtype) if needs[4] else None
        return gx, None, None, gw, gb
    xf, stats, wf, plan, training = saved
    need_x, _, _, need_w, need_b = needs
    dt = xf.dtype
    C = plan.C
    gx = np.empty(xf.size, dt) if need_x else _EMPTY[dt]
    gw = np.empty(C, dt)
    gb = np.empty(C, dt)
    K.batch_norm_backward(_flat_as(grads[0], dt), xf, stats, wf, plan.N, C, plan.L, training,
                          need_x, gx, gw, gb, plan.work)
    return (gx.reshape(plan.shape) if need_x else None, None, None,
            gw.reshape(plan.w_shape) if need_w else None,
            gb.reshape(plan.b_shape) if need_b else None)


def _empty_batch_norm(x, weight, bias):
    # torch: an input without elements gives input.clone() (* weight[0]) (+ bias[0]),
    # recorded as those ops, and leaves the running statistics alone
    out = x.clone()
    if weight is not None:
        out = out * weight[0]
    if bias is not None:
        out = out + bias[0]
    return out
