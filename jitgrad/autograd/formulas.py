"""The op table's derivative formulas, evaluated on Tensors.

With ``create_graph=True`` the backward pass must itself be recorded, so
elementwise nodes evaluate their table formula (``"grad * result"``) with
jitgrad Tensor ops instead of running the gradient kernel. Each formula is
compiled once; the names it may use are ``grad``, ``self``, ``other``,
``result``, the op's parameters (``negative_slope``) and the helpers in ``HELPERS`` (the "named helpers" of
derivatives.yaml).
"""


def threshold_backward(grad, result, threshold):
    return grad.masked_fill(result <= threshold, 0)      # torch: nan passes grad


def pow_backward_self(grad, self, other):
    # torch: exponent == 0 gives a zero gradient (0 * inf would be nan at self == 0)
    if not hasattr(other, "_data"):
        return grad * 0 if other == 0 else grad * other * self ** (other - 1)
    return grad * (other != 0) * other * self ** (other - 1)


def pow_backward_exponent(grad, self, other, result):
    # torch: zero where self == 0 and exponent >= 0
    if not hasattr(self, "_data"):
        return grad * 0 if self == 0 else grad * result * _log(self)
    keep = (self != 0) + (other < 0) if hasattr(other, "_data") else \
        ((self != 0) if other >= 0 else None)       # bool + bool is logical or
    log_self = (self + (self == 0)).log() if keep is not None else self.log()
    g = grad * result * log_self
    return g if keep is None else g * keep


def atan2_recip(self, other):
    # torch's atan2_backward: 1 / (self**2 + other**2), zero where that sum is zero
    denom = self * self + other * other
    return denom.reciprocal().masked_fill(denom == 0, 0)


def _log(value):
    import math
    return math.log(value)


def zeros_like(t):
    # torch's grad.new_zeros(grad.sizes()): a constant, not recorded
    import numpy as np
    from ..tensor import _wrap
    return _wrap(np.zeros(t._data.shape, t._data.dtype))


def _mask(t, fn):
    """A constant (not recorded) of t's shape and dtype: fn(t's array) as numbers."""
    from ..tensor import _wrap
    a = t._data
    return _wrap(fn(a).astype(a.dtype))


def leaky_relu_backward(grad, x, negative_slope):
    # piecewise constant in x (or the result, of the same sign): no second derivative
    return grad * _mask(x, lambda a: a.dtype.type(1) * (a > 0) + negative_slope * (a <= 0))


def elu_backward(grad, self, alpha):
    positive = _mask(self, lambda a: a > 0)
    return grad * (positive + (1 - positive) * alpha * self.exp())


def elu_backward_result(grad, result, alpha):
    # alpha exp(x) = result + alpha where x <= 0
    positive = _mask(result, lambda a: a > 0)
    return grad * (positive + (1 - positive) * (result + alpha))


_SQRT_HALF_OVER_PI = 0.3989422804014327     # 1 / sqrt(2 pi)
_TANH_BETA = 0.7978845608028654             # sqrt(2 / pi)
_TANH_KAPPA = 0.044715


def normal_pdf(x):
    return (x * x * -0.5).exp() * _SQRT_HALF_OVER_PI


def gelu_backward(grad, self):
    # Phi(x) + x phi(x), recorded on x
    from ..ops.activations import normal_cdf
    return grad * (normal_cdf(self) + self * normal_pdf(self))


def gelu_tanh_backward(grad, self):
    x2 = self * self
    t = ((self + x2 * self * _TANH_KAPPA) * _TANH_BETA).tanh()
    return grad * ((t + 1) * 0.5 + self * 0.5 * (1 - t * t) * _TANH_BETA
                   * (x2 * (3 * _TANH_KAPPA) + 1))


def softplus_backward(grad, self, beta, threshold):
    # z = exp(x beta): grad * z / (z + 1), and grad itself where x beta > threshold
    from ..ops.pointwise import where
    xb = self * beta
    z = xb.exp()
    return where(xb > threshold, grad, grad * z / (z + 1))


def exp2(t):
    # logaddexp2's 2**(other - self), recorded (PowBackward2)
    return 2.0 ** t


def xlogy_backward_self(grad, self, other):
    # torch: xlogy(grad, other), zero where self == 0 and other <= 0 (for a number
    # other: where self == 0 unless other > 0)
    import numpy as np
    from ..functions import xlogy
    from ..tensor import _wrap
    g = xlogy(grad, other)
    if hasattr(other, "_data"):
        return g.masked_fill(_wrap(np.logical_and(self._data == 0, other._data <= 0)), 0)
    return g if other > 0 else g.masked_fill(_wrap(self._data == 0), 0)


def isfinite(t):
    # nan_to_num's gradient: grad * isfinite(self) (a bool tensor: inf * 0 is nan, as torch)
    return t.isfinite()


HELPERS = {"threshold_backward": threshold_backward, "pow_backward_self": pow_backward_self,
           "pow_backward_exponent": pow_backward_exponent, "zeros_like": zeros_like,
           "atan2_recip": atan2_recip, "leaky_relu_backward": leaky_relu_backward,
           "elu_backward": elu_backward, "elu_backward_result": elu_backward_result,
           "gelu_backward": gelu_backward, "gelu_tanh_backward": gelu_tanh_backward,
           "normal_pdf": normal_pdf, "softplus_backward": softplus_backward,
           "exp2": exp2, "xlogy_backward_self": xlogy_backward_self, "isfinite": isfinite}


def compile_formula(text):
    """A function of (grad, self, other, result) evaluating ``text``."""
    code = compile(text, f"<derivative: {text}>", "eval")

    def formula(grad, self=None, other=None, result=None, **params):
        return eval(code, HELPERS, {"grad": grad, "self": self, "other": other,
                                    "result": result, **params})
    formula.__qualname__ = f"formula[{text}]"
    return formula
