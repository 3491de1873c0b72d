"""copysign: |input| with the sign bit of ``other`` (a tensor: CopysignBackward0,
a number: CopysignBackward1), its gradient torch's formula exactly:
``grad * (result / self)``, 0 where self is 0. So it is NaN where self is NaN
or infinite (inf / inf), as torch's is; ``other`` gets zeros.

Saved: self (checked against in-place changes) and the result (the node's
own output, checked likewise), as torch's node saves them.
"""
import numpy as np

from ..autograd.anomaly_mode import maybe_record
from ..autograd.grad_mode import state as grad_state
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..tensor import _wrap, _wrap_result
from .shapes import sum_to_shape


class CopysignNode(Node):
    """Saved: (self (Tensor), result (array), other's (shape, dtype) or None for a number)."""
    __slots__ = ()

    def apply(self, grad):
        x, res, other = self._saved_or_raise()
        a = x._data
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ratio = res / a
            g = grad * np.where(a == 0, np.zeros((), ratio.dtype), ratio)
        gx = sum_to_shape(g, a.shape).astype(a.dtype, copy=False) if self._next[0] else None
        if other is None:
            return (gx,)
        return gx, (np.zeros(*other) if self._next[1] else None)

    def apply_graph(self, grad):
        x, res, other = self._saved_or_raise()
        ratio = self.output(res) / x
        g = grad * ratio.masked_fill(x == 0, 0)
        gx = None
        if self._next[0]:
            gx = g if tuple(g.shape) == tuple(x.shape) else g.sum_to_size(*x.shape)
            gx = gx.to(x.dtype)
        if other is None:
            return (gx,)
        return gx, (_wrap(np.zeros(*other)) if self._next[1] else None)


_NODES = (node_class("CopysignBackward0", CopysignNode),
          node_class("CopysignBackward1", CopysignNode))


def record_copysign(result, x, other):
    """``result`` (the finished copysign Tensor, no history) recorded on its node
    when x (or a tensor ``other``) needs a gradient."""
    is_tensor = other is not None and hasattr(other, "_requires_grad")
    needs = grad_state.enabled and (x._requires_grad or (is_tensor and other._requires_grad))
    if not needs:
        return result
    if is_tensor:
        node = _NODES[0]((edge(x), edge(other)), (x, result._data, (other._data.shape, other._data.dtype)))
    else:
        node = _NODES[1]((edge(x),), (x, result._data, None))
    out = _wrap_result(result._data, node)
    node._checks = (saved_version(x), output_version(out, node))
    maybe_record(node)
    return out



# ------------------------------------------------------------------ logit

def _logit_bounds(x, eps):
    """(lo, hi) in x's dtype, or None without clamping (eps None or negative)."""
    if eps is None or eps < 0:
        return None
    lo = x.dtype.type(eps)
    return lo, x.dtype.type(1) - lo


def logit_array(x, eps):
    """torch's logit kernel: log(x / (1 - x)) of x clamped to [eps, 1 - eps]."""
    b = _logit_bounds(x, eps)
    with np.errstate(all="ignore"):
        if b is not None:
            x = np.where(x < b[0], b[0], np.where(x > b[1], b[1], x))
        return np.log(x / (1 - x)).astype(x.dtype, copy=False)


class LogitNode(Node):
    """LogitBackward0, torch's logit_backward: grad / (x (1 - x)); outside [0, 1] NaN
    (without eps) or 0 (outside [eps, 1 - eps]); at 0 and 1 grad * inf; so NaN at a NaN
    input, as torch's. Saved: (self (Tensor), eps)."""
    __slots__ = ()

    def apply(self, grad):
        xt, eps = self._saved_or_raise()
        x = xt._data
        b = _logit_bounds(x, eps)
        with np.errstate(all="ignore"):
            edge_ = (x == 0) | (x == 1)
            g = np.where(edge_, grad * x.dtype.type(np.inf), grad / (x * (1 - x)))
            if b is None:
                g = np.where((x < 0) | (x > 1), x.dtype.type(np.nan), g)
            else:
                g = np.where((x < b[0]) | (x > b[1]), x.dtype.type(0), g)
        return (g.astype(x.dtype, copy=False),)

    def apply_graph(self, grad):
        from ..functions import where
        xt, eps = self._saved_or_raise()
        x = xt._data
        b = _logit_bounds(x, eps)
        if b is None:
            out, fill = (x < 0) | (x > 1), np.nan
        else:
            out, fill = (x < b[0]) | (x > b[1]), 0.0
        return (where(_wrap(out), _wrap(np.array(fill, x.dtype)), grad / (xt * (1 - xt))),)


_LOGIT = node_class("LogitBackward0", LogitNode)


def logit(x, eps):
    """x: a floating Tensor."""
    out = logit_array(x._data, eps)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    node = _LOGIT((edge(x),), (x, eps), (saved_version(x),))
    maybe_record(node)
    return _wrap_result(out, node)
