"""ctc_loss: the connectionist temporal classification loss, as torch's CPU
implementation computes it (log-space alpha/beta recursions over the
blank-extended targets), one node ``CtcLossBackward0``; the reductions are
torch's compositions after it (``where`` for zero_infinity, the division by
the target lengths and ``mean`` for 'mean', ``sum`` for 'sum').

numpy throughout: the recursions step over time in Python, each step one
vectorised pass over the batch and the extended targets. As torch's, the
gradient is taken with respect to log_probs assumed to be log_softmax
outputs: exp(log_probs) - the posterior occupancy (the logits' gradient,
which log_softmax's backward then passes through unchanged).
"""
import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from .losses import check_reduction


def _lse(*arrays):
    """Elementwise log(sum(exp)) of same-shaped arrays, -inf where all are -inf."""
    m = arrays[0]
    for a in arrays[1:]:
        m = np.maximum(m, a)
    safe = np.where(np.isneginf(m), 0, m)
    with np.errstate(under="ignore"):
        total = sum(np.exp(a - safe) for a in arrays)
    with np.errstate(divide="ignore"):
        return np.where(np.isneginf(m), -np.inf, safe + np.log(total)).astype(m.dtype)


def _shift(a, k):
    """a shifted right by k along the last axis, -inf filled."""
    out = np.full_like(a, -np.inf)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _shift_left(a, k):
    out = np.full_like(a, -np.inf)
    out[..., :a.shape[-1] - k] = a[..., k:]
    return out


def _extended(targets, target_lengths, blank):
    """(N, L) labels of the blank-extended targets (L = 2 max S + 1), the
    mask of where s may take the skip transition (s - 2 -> s), and valid s."""
    n = len(target_lengths)
    smax = max(target_lengths) if n else 0
    L = 2 * smax + 1
    ext = np.full((n, L), blank, np.int64)
    for i, row in enumerate(targets):
        ext[i, 1:2 * len(row):2] = row
    skip = np.zeros((n, L), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    valid = np.arange(L)[None, :] < (2 * np.asarray(target_lengths) + 1)[:, None]
    return ext, skip, valid


def _forward(lp, ext, skip, valid, input_lengths, target_lengths):
    """log_alpha (T, N, L) and the negative log likelihood (N,)."""
    T, n, _ = lp.shape
    L = ext.shape[1]
    rows = np.arange(n)[:, None]
    la = np.full((T, n, L), -np.inf, lp.dtype)
    if T == 0 or n == 0:
        return la, np.full(n, np.inf, lp.dtype)
    emit = lp[:, rows, ext]                       # (T, N, L): log p of each extended label
    la[0, :, 0] = emit[0, :, 0]
    if L > 1:
        has = np.asarray(target_lengths) > 0
        la[0, :, 1] = np.where(has, emit[0, :, 1], -np.inf)
    for t in range(1, T):
        prev = la[t - 1]
        two = np.where(skip, _shift(prev, 2), -np.inf)
        la[t] = np.where(valid, _lse(prev, _shift(prev, 1), two) + emit[t], -np.inf)
    il = np.asarray(input_lengths)
    tl = np.asarray(target_lengths)
    last = la[np.maximum(il - 1, 0), np.arange(n)]          # (N, L)
    end = last[np.arange(n), 2 * tl]
    end1 = np.where(tl > 0, last[np.arange(n), np.maximum(2 * tl - 1, 0)], -np.inf)
    nll = -_lse(end, end1)
    nll = np.where(il > 0, nll, np.where(tl == 0, 0, np.inf)).astype(lp.dtype)
    return la, nll


def _beta(lp, ext, skip, valid, input_lengths, target_lengths):
    T, n, _ = lp.shape
    L = ext.shape[1]
    rows = np.arange(n)[:, None]
    emit = lp[:, rows, ext]
    lb = np.full((T, n, L), -np.inf, lp.dtype)
    il = np.asarray(input_lengths)
    tl = np.asarray(target_lengths)
    s = np.arange(L)[None, :]
    init = np.where((s == 2 * tl[:, None]) | ((s == 2 * tl[:, None] - 1) & (tl[:, None] > 0)),
                    0, -np.inf).astype(lp.dtype)
    skip_next = np.zeros_like(skip)               # s -> s + 2 allowed
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(T - 1, -1, -1):
        starts = (il - 1 == t)[:, None]
        if t + 1 < T:
            nxt = lb[t + 1]
            two = np.where(skip_next, _shift_left(nxt, 2), -np.inf)
            rec = _lse(nxt, _shift_left(nxt, 1), two)
        else:
            rec = np.full((n, L), -np.inf, lp.dtype)
        inside = (t < il - 1)[:, None]
        base = np.where(starts, init, np.where(inside, rec, -np.inf))
        lb[t] = np.where(valid, base + emit[t], -np.inf)
    return lb


class CtcNode(Node):
    """Saved: (log_probs (T, N, C), ext, skip, valid, input_lengths, target_lengths, log_alpha,
    nll, blank, zero_infinity, input shape)."""
    __slots__ = ()

    def _grad(self):
        lp, ext, skip, valid, il, tl, la, nll, zero_inf = self._saved_or_raise()[:9]
        T, n, c = lp.shape
        lb = _beta(lp, ext, skip, valid, il, tl)
        with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
            # as torch's kernel: per (t, n, label) the log-sum of log_alpha + log_beta over
            # the extended positions of that label (-inf where none), accumulated in s
            # order with its max-shifted pairwise log-sum-exp (so a NaN anywhere spreads)
            lcab = np.full((T, n, c), -np.inf, lp.dtype)
            cols = np.arange(n)
            for s in range(ext.shape[1]):
                on = valid[:, s]
                if not on.any():
                    continue
                cs, ns = ext[on, s], cols[on]
                v = la[:, ns, s] + lb[:, ns, s]                    # (T, k)
                cur = lcab[:, ns, cs]
                m = np.where(cur < v, v, cur)                     # std::max(cur, v)
                pair = np.log(np.exp(cur - m) + np.exp(v - m)) + m
                lcab[:, ns, cs] = np.where(cur == -np.inf, v, pair)
            g = np.exp(lp) - np.exp(lcab + nll[None, :, None] - lp)
        g[np.arange(T)[:, None] >= np.asarray(il)[None, :]] = 0
        if zero_inf:
            g[:, nll == np.inf] = 0
        return g.astype(lp.dtype, copy=False)

    def apply(self, grad):
        shape = self._saved_or_raise()[9]
        g = np.asarray(grad).reshape(1, -1, 1)
        return ((self._grad() * g).astype(self._saved[0].dtype, copy=False).reshape(shape),
                None)

    def apply_graph(self, grad):
        # linear in grad (torch has no double backward through ctc_loss's gradient either)
        shape = self._saved_or_raise()[9]
        n = self._saved[0].shape[1]
        return ((_wrap(self._grad()) * grad.reshape(1, n, 1)).reshape(shape), None)


_CTC = node_class("CtcLossBackward0", CtcNode)


def _lengths(value, name):
    if isinstance(value, Tensor):
        return [int(v) for v in np.asarray(value._data).reshape(-1)]
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    reduction = check_reduction(reduction)
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor):
        # torch's overloads take both lengths as tensors or both as tuples of ints
        raise TypeError(messages.CTC_LENGTH_KINDS)
    x = log_probs
    unbatched = x.dim() == 2
    if unbatched:
        x = x.unsqueeze(1)
        if targets.dim() == 1:
            targets = targets.unsqueeze(0)
    a = x._data
    if a.ndim != 3:
        raise RuntimeError(messages.ctc_log_probs_dim(a.ndim))
    T, n, c = a.shape
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    if len(il) != n:
        raise RuntimeError(messages.ctc_lengths("input_lengths", n, len(il)))
    if len(tl) != n:
        raise RuntimeError(messages.ctc_lengths("target_lengths", n, len(tl)))
    if not 0 <= blank < c:
        raise RuntimeError(messages.CTC_BLANK)
    for i, v in enumerate(il):
        if v > T:
            raise RuntimeError(messages.ctc_input_length(i, v, T))
    tg = np.asarray(targets._data).astype(np.int64)
    rows = []
    if tg.ndim == 1 and not unbatched:
        start = 0
        for v in tl:
            rows.append(tg[start:start + v])
            start += v
    else:
        for i, v in enumerate(tl):
            if v > tg.shape[1]:
                raise RuntimeError(messages.ctc_target_length(i, v, tg.shape[1]))
            rows.append(tg[i, :v])
    lp = np.ascontiguousarray(a)
    ext, skip, valid = _extended(rows, tl, blank)
    la, nll = _forward(lp, ext, skip, valid, il, tl)
    out = nll.astype(a.dtype, copy=False)
    if x._requires_grad and grad_state.enabled:
        node = _CTC((edge(x), None), (lp, ext, skip, valid, il, tl, la, nll, zero_infinity,
                                      a.shape), (saved_version(x),))
        res = _wrap_result(out, node)
    else:
        res = _wrap(out)
    if zero_infinity:
        from ..factories import zeros
        from .pointwise import where
        res = where(res == np.inf, zeros((), dtype=res.dtype), res)
    if reduction == "mean":
        lengths = np.maximum(np.asarray(tl, np.int64), 1)
        from ..factories import tensor
        res = (res / tensor(lengths, dtype=res.dtype)).mean()
    elif reduction == "sum":
        res = res.sum()
    elif unbatched:
        res = res.squeeze(0)
    return res
