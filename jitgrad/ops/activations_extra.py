"""The rest of nn.functional's activations: hardtanh/relu6, hardsigmoid,
hardswish, mish, logsigmoid, selu, celu, threshold, hardshrink, softshrink
(``derivatives.Pointwise`` entries read by ``parametric.py``'s node), prelu
and glu (a node each), and the compositions torch records as several nodes
(softsign, softmin, tanhshrink).

The helpers the entries' formulas name (for create_graph) are registered in
``autograd.formulas.HELPERS`` here; the piecewise masks are constants, as
torch's backward formulas have no derivative through them.
"""
import numpy as np

from .. import derivatives, messages
from ..autograd import formulas as _formulas
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result
from .activations import _float_only, softmax
from .parametric import NegativeParameterRefused, in_place as _in_place, nodes as _nodes
from .parametric import pointwise as _pointwise
from .elementwise import sum_to_size
from .shapes import sum_to_shape


# ------------------------------------------------------------------ formula helpers

def _mask(t, fn):
    a = t._data
    return _wrap(fn(a).astype(a.dtype))


def _hardtanh_backward(grad, x, min_val, max_val):
    return grad * _mask(x, lambda a: ~((a <= min_val) | (a >= max_val)))


def _hardsigmoid_backward(grad, x):
    # (torch's 1/6 is rounded to float32, in float64 too)
    return grad * _mask(x, lambda a: ((a > -3) & (a < 3)) * 0.1666666716337204)


def _hardswish_backward(grad, x):
    # torch: 0 below -3, x / 3 + 1/2 up to 3, 1 above (recorded on x in the middle)
    mid = _mask(x, lambda a: (a >= -3) & (a <= 3))
    return grad * (mid * (x / 3 + 0.5) + _mask(x, lambda a: a > 3))


def _elu_scaled_backward(grad, x, alpha, scale, input_scale):
    pos = _mask(x, lambda a: a > 0)
    return grad * (pos * scale + (1 - pos) * (alpha * scale * input_scale)
                   * (x.clamp(max=0) * input_scale).exp())


def _elu_scaled_backward_result(grad, result, alpha, scale, input_scale):
    pos = _mask(result, lambda a: a > 0)
    return grad * (pos * scale + (1 - pos) * input_scale * (result + alpha * scale))


def _mish_backward(grad, x):
    # torch's: t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x)), recorded
    t = x.exp().log1p().tanh()
    return grad * (t + x * x.sigmoid() * (1 - t * t))


def _shrink_backward(grad, x, lambd):
    return grad * _mask(x, lambda a: ~((a >= -lambd) & (a <= lambd)))


_formulas.HELPERS.update({
    "hardtanh_backward": _hardtanh_backward, "hardsigmoid_backward": _hardsigmoid_backward,
    "hardswish_backward": _hardswish_backward, "elu_scaled_backward": _elu_scaled_backward,
    "elu_scaled_backward_result": _elu_scaled_backward_result,
    "shrink_backward": _shrink_backward, "mish_backward": _mish_backward})


# ------------------------------------------------------------------ pointwise entries

_TABLE = derivatives.COMPOSITE
_HARDTANH = _nodes(_TABLE["hardtanh"])
_HARDSIGMOID = _nodes(_TABLE["hardsigmoid"])
_HARDSWISH = _nodes(_TABLE["hardswish"])
_MISH = _nodes(_TABLE["mish"])
_LOG_SIGMOID = _nodes(_TABLE["log_sigmoid"])
_SELU = _nodes(_TABLE["selu"])
_SELU_ = _nodes(_TABLE["selu_"])
_CELU = _nodes(_TABLE["celu"])
_CELU_ = _nodes(_TABLE["celu_"], NegativeParameterRefused,
                message=messages.INPLACE_ELU_NEGATIVE_ALPHA)
_THRESHOLD = _nodes(_TABLE["threshold"])
_THRESHOLD_ = _nodes(_TABLE["threshold_"])
_HARDSHRINK = _nodes(_TABLE["hardshrink"])
_SOFTSHRINK = _nodes(_TABLE["softshrink"])

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _run(x, plans, plans_, inplace, *params):
    if inplace:
        _in_place(x, lambda t: _pointwise(t, plans_, *params))
        node = x._grad_fn
        if getattr(node, "saves_result", False) and not isinstance(node,
                                                                   NegativeParameterRefused):
            # the saved result is x itself now: its later in-place changes are refused
            vc = x._vc
            node._checks = ((vc, vc[0], (type(node).__name__, x._data.shape, x._data.dtype)),)
        return x
    return _pointwise(x, plans, *params)


def hardtanh(x, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError(messages.HARDTANH_MIN_MAX)
    a = x._data
    if a.dtype.kind != "f":                 # (no gradient: torch's clamp on integers)
        t = a.dtype.type
        out = _wrap(np.minimum(np.maximum(a, t(min_val)), t(max_val)))
        if inplace:
            from . import inplace as _inplace
            _inplace.apply_(x, lambda _: out)
            return x
        return out
    return _run(x, _HARDTANH, _HARDTANH, inplace, min_val, max_val)


def hardsigmoid(x, inplace=False):
    _float_only(x, "hardsigmoid_cpu")
    return _run(x, _HARDSIGMOID, _HARDSIGMOID, inplace)


def hardswish(x, inplace=False):
    _float_only(x, "hardswish_cpu")
    return _run(x, _HARDSWISH, _HARDSWISH, inplace)


def mish(x, inplace=False):
    _float_only(x, "mish_cpu")
    return _run(x, _MISH, _MISH, inplace)


def logsigmoid(x):
    _float_only(x, "log_sigmoid_cpu")
    return _pointwise(x, _LOG_SIGMOID)


def selu(x, inplace=False):
    _float_only(x, "elu_cpu")
    return _run(x, _SELU, _SELU_, inplace, SELU_ALPHA, SELU_SCALE, 1.0, 1.0)


def celu(x, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError(messages.CELU_ZERO_ALPHA)
    _float_only(x, "elu_cpu")
    # torch's gradient takes 1 / alpha with alpha rounded to float32 (its derivative
    # formula's 1.0 / alpha.toFloat())
    return _run(x, _CELU, _CELU_, inplace, alpha, 1.0, 1.0 / alpha,
                1.0 / float(np.float32(alpha)))


def threshold(x, threshold, value, inplace=False):
    a = x._data
    if a.dtype.kind != "f":                 # (no gradient)
        t = a.dtype.type
        out = np.where(a <= t(threshold), t(value), a)
        if inplace:
            from . import inplace as _inplace
            _inplace.apply_(x, lambda _: _wrap(out))
            return x
        return _wrap(out)
    return _run(x, _THRESHOLD, _THRESHOLD_, inplace, threshold, value)


def hardshrink(x, lambd=0.5):
    _float_only(x, "hardshrink_cpu")
    return _pointwise(x, _HARDSHRINK, lambd)


def softshrink(x, lambd=0.5):
    _float_only(x, "softshrink_check")
    if lambd < 0:
        raise RuntimeError(messages.softshrink_lambda(lambd, x.dtype._torch_name,
                                                      np.finfo(x._data.dtype).max
                                                      if x._data.dtype.kind == "f" else 0))
    return _pointwise(x, _SOFTSHRINK, lambd)


# ------------------------------------------------------------------ compositions

def softsign(x):
    return x / (x.abs() + 1)


def softmin(x, dim, dtype=None):
    return softmax(-x, dim, dtype)


def tanhshrink(x):
    return x - x.tanh()


# ------------------------------------------------------------------ prelu

class PreluNode(Node):
    """Saved: (input array, weight array (viewed), input Tensor, weight Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        x, w = self._saved_or_raise()[:2]
        pos = x > 0
        gx = gw = None
        if self._next[0] is not None:
            gx = np.where(pos, grad, w * grad).astype(x.dtype, copy=False)
        if self._next[1] is not None:
            gw = sum_to_shape(np.where(pos, 0, x * grad).astype(w.dtype, copy=False), w.shape)
        return gx, gw

    def apply_graph(self, grad):
        x, w, xt, wt = self._saved_or_raise()
        pos = _wrap(x > 0)
        neg = _wrap(x <= 0)
        gx = gw = None
        if self._next[0] is not None:
            gx = grad * pos + wt * grad * neg
        if self._next[1] is not None:
            gw = sum_to_size(xt * grad * neg, w.shape)
        return gx, gw


_PRELU = node_class("PreluKernelBackward0", PreluNode)


def prelu(x, weight):
    if x._data.ndim == 0:
        raise RuntimeError(messages.PRELU_ZERO_DIM)
    if weight._data.ndim > 1:
        raise RuntimeError(messages.prelu_weight_ndim(weight._data.ndim))
    _float_only(x, "prelu_cpu")
    if weight._data.dtype != x._data.dtype:
        raise RuntimeError(messages.prelu_promotion(x.dtype._torch_name,
                                                    weight.dtype._torch_name))
    channels = x._data.shape[1] if x._data.ndim >= 2 else 1
    n = weight._data.size
    if n != 1 and n != channels:
        raise RuntimeError(messages.prelu_mismatch(n, channels))
    if x._data.ndim >= 2:
        shape = [1] * x._data.ndim
        shape[1] = n
        w = weight.view(*shape)
    else:
        w = weight
    a, b = x._data, w._data
    out = np.where(a > 0, a, b * a).astype(np.result_type(a, b), copy=False)
    if not ((x._requires_grad or w._requires_grad) and grad_state.enabled):
        return _wrap(out)
    node = _PRELU((edge(x), edge(w)), (a, b, x, w), (saved_version(x), saved_version(w)))
    return _wrap_result(out, node)


# ------------------------------------------------------------------ glu

class GluNode(Node):
    """Saved: (input array, dim, input Tensor)."""
    __slots__ = ()

    def apply(self, grad):
        x, dim = self._saved_or_raise()[:2]
        a, b = np.split(x, 2, axis=dim)
        with np.errstate(all="ignore"):             # exp overflows, inf * 0: silent in torch
            s = 1 / (1 + np.exp(-b))
            g = np.concatenate([grad * s, grad * a * s * (1 - s)], axis=dim)
        return (g.astype(x.dtype, copy=False),)

    def apply_graph(self, grad):
        _, dim, xt = self._saved_or_raise()
        a, b = xt.chunk(2, dim)
        s = b.sigmoid()
        from ..functions import cat
        return (cat([grad * s, grad * a * s * (1 - s)], dim),)


_GLU = node_class("GluBackward0", GluNode)


def glu(x, dim=-1):
    a = x._data
    if a.ndim == 0:
        raise RuntimeError(messages.GLU_SCALAR)
    d = dim + a.ndim if dim < 0 else dim
    if not 0 <= d < a.ndim:
        raise IndexError(messages.dim_out_of_range(dim, a.ndim))
    if a.shape[d] % 2:
        raise RuntimeError(messages.glu_odd(d, a.shape[d]))
    _float_only(x, "glu_cpu")
    first, second = np.split(a, 2, axis=d)
    with np.errstate(all="ignore"):
        out = (first * (1 / (1 + np.exp(-second)))).astype(a.dtype, copy=False)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _GLU((edge(x),), (a, d, x), (saved_version(x),)))
