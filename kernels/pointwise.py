"""Kernels of the pointwise ops that joined the op table with torch's
"pointwise ops" list: the erf family, trunc/frac, hypot, logaddexp(2),
xlogy, lerp, addcmul/addcdiv, nan_to_num and heaviside. Forward and
backward side by side, as in kernels/elementwise.py: flat C-contiguous
arrays, ``at``-accessed operands (a scalar of the output's dtype may stand
for any operand but the first of a unary kernel), constants in the array's
dtype (``like``).

Each op computes what torch's CPU kernel computes:

- erf/erfc/erfinv: torch calls MKL's vector functions (within an ulp of the
  correctly rounded value); here libm's erf/erfc in float64, rounded once
  for float32. erfinv has no libm form: torch's header rational
  approximation (Pavlis) as the start, then Newton steps on erf (two), or on
  erfc for |y| > 0.5 (three: no cancellation near +-1, where the start is
  poorer), within a few ulp of MKL's up to 1 - 2**-53.
- lerp and addcmul: torch's vectorised loops contract the final
  multiply-add into one fused multiply-add (``_fma``): bit for bit.
- logaddexp(2): max(a, b) + log1p(exp(-|a - b|)) (exp2 and / ln 2 for
  logaddexp2, whose multiply-add torch's loop fuses too), and a itself where
  a == b is infinite.

The scalar forms of the compiler (kernels/scalar.py) call the helpers
below, so a fused loop computes what these kernels do.
"""
import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from .access import at
from .jit import kernel
from .vmath import _fma, like, vexp, vlog, vlog1p

# ------------------------------------------------------------------ helpers

_TWO_OVER_SQRT_PI = 1.1283791670955126      # 2 / sqrt(pi): erf's derivative at 0
_HALF_SQRT_PI = 0.8862269254527579          # sqrt(pi) / 2: erfinv's derivative at 0
_INV_LN2 = 1.4426950408889634


def mul_add(a, b, c):
    raise NotImplementedError("mul_add() is only callable from @njit code")


@overload(mul_add, inline="always")
def _mul_add_overload(a, b, c):
    # a * b + c: one fused multiply-add for floats (torch's vectorised
    # addcmul/lerp), plain integer arithmetic (wrapping) otherwise
    if isinstance(a, types.Float):
        return lambda a, b, c: _fma(a, b, c)
    return lambda a, b, c: a * b + c


@register_jitable(inline="always")
def erf64(x):
    return math.erf(np.float64(x))


@register_jitable(inline="always")
def erfc64(x):
    return math.erfc(np.float64(x))


@register_jitable
def erfinv64(y):
    """erfinv in float64 (y of any float type)."""
    yd = np.float64(y)
    ya = abs(yd)
    if not ya <= 1.0:                   # |y| > 1, nan
        return math.nan
    if ya == 1.0:
        return math.copysign(math.inf, yd)
    # torch's start (ATen/native/Math.h calc_erfinv, Pavlis' rational approximation)
    if ya <= 0.7:
        z = yd * yd
        num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899
        dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0
        x = yd * num / dem
    else:
        z = math.sqrt(-math.log((1.0 - ya) / 2.0))
        num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454
        dem = (1.637067800 * z + 3.543889200) * z + 1.0
        x = math.copysign(num, yd) / dem
    if ya <= 0.5:
        for _ in range(2):
            x -= (math.erf(x) - yd) / (_TWO_OVER_SQRT_PI * math.exp(-x * x))
        return x
    # the tails: erfc(t) = 1 - |y| (exact for |y| >= 0.5), no cancellation
    q = 1.0 - ya
    t = abs(x)
    for _ in range(3):
        t += (math.erfc(t) - q) / (_TWO_OVER_SQRT_PI * math.exp(-t * t))
    return math.copysign(t, yd)


@register_jitable(inline="always")
def exp2(x):
    return like(x, 2.0) ** x


@register_jitable(inline="always")
def logaddexp_(a, b):
    if a == b and abs(a) == math.inf:
        return a
    m = a if (a > b or a != a) else b
    return m + vlog1p(vexp(-abs(a - b)))


@register_jitable(inline="always")
def logaddexp2_(a, b):
    if a == b and abs(a) == math.inf:
        return a
    m = a if (a > b or a != a) else b
    # (torch's vectorised loop fuses the multiply-add)
    return _fma(vlog1p(exp2(-abs(a - b))), like(a, _INV_LN2), m)


@register_jitable(inline="always")
def xlogy_(x, y):
    # torch: nan where y is nan, else 0 where x == 0, else x log(y)
    if y != y:
        return like(y, math.nan)
    if x == 0:
        return like(y, 0.0)
    return x * vlog(y)


@register_jitable(inline="always")
def xlogy_backward_self_(grad, x, y):
    # xlogy(grad, other), zero where self == 0 and other <= 0
    if x == 0 and y <= 0:
        return like(grad, 0.0)
    return xlogy_(grad, y)


@register_jitable(inline="always")
def lerp_(s, e, w):
    # torch's lerp_vec: w (e - s) + s for |w| < 0.5, else (w - 1)(e - s) + e, fused
    d = e - s
    if abs(w) < like(w, 0.5):
        return _fma(w, d, s)
    return _fma(w - like(w, 1.0), d, e)


@register_jitable(inline="always")
def nan_to_num_(x, nan, posinf, neginf):
    if x != x:
        return nan
    if x == math.inf:
        return posinf
    if x == -math.inf:
        return neginf
    return x


@register_jitable(inline="always")
def finite_mask(x):
    # 1 where x is finite, 0 elsewhere (nan_to_num's gradient: grad * isfinite(self))
    return like(x, 1.0) if abs(x) < math.inf else like(x, 0.0)


# ------------------------------------------------------------------ erf, erfc, erfinv


@kernel
def erf_forward(x, out):
    for i in range(out.size):
        out[i] = erf64(x[i])


@kernel
def erfc_forward(x, out):
    for i in range(out.size):
        out[i] = erfc64(x[i])


@kernel
def erfinv_forward(x, out):
    for i in range(out.size):
        out[i] = erfinv64(x[i])


@kernel
def erf_backward(grad, x, out):
    # 2 / sqrt(pi) * exp(-self**2) * grad
    for i in range(out.size):
        xi = x[i]
        out[i] = like(xi, _TWO_OVER_SQRT_PI) * vexp(-(xi * xi)) * grad[i]


@kernel
def erfc_backward(grad, x, out):
    # -2 / sqrt(pi) * exp(-self**2) * grad
    for i in range(out.size):
        xi = x[i]
        out[i] = like(xi, -_TWO_OVER_SQRT_PI) * vexp(-(xi * xi)) * grad[i]


@kernel
def erfinv_backward(grad, result, out):
    # sqrt(pi) / 2 * exp(erfinv(self)**2) * grad
    for i in range(out.size):
        r = result[i]
        out[i] = like(r, _HALF_SQRT_PI) * vexp(r * r) * grad[i]


# ------------------------------------------------------------------ trunc, frac


@kernel
def trunc_forward(x, out):
    for i in range(out.size):
        out[i] = np.trunc(x[i])


@kernel
def frac_forward(x, out):
    # x - trunc(x): nan for +-inf, as torch
    for i in range(out.size):
        xi = x[i]
        out[i] = xi - np.trunc(xi)


# ------------------------------------------------------------------ hypot


@kernel
def hypot_forward(a, b, out):
    # libm's hypot in float64, rounded once for float32 (torch: Sleef's, < 1 ulp)
    for i in range(out.size):
        out[i] = math.hypot(np.float64(at(a, i)), np.float64(at(b, i)))


@kernel
def hypot_backward(grad, a, result, out):
    # grad * self / result (grad * other / result for other)
    for i in range(out.size):
        out[i] = at(grad, i) * at(a, i) / result[i]


# ------------------------------------------------------------------ logaddexp, logaddexp2


@kernel
def logaddexp_forward(a, b, out):
    for i in range(out.size):
        out[i] = logaddexp_(at(a, i), at(b, i))


@kernel
def logaddexp2_forward(a, b, out):
    for i in range(out.size):
        out[i] = logaddexp2_(at(a, i), at(b, i))


@kernel
def logaddexp_backward(grad, a, b, out):
    # grad / (1 + exp(other - self)) (swap a, b for other's gradient)
    for i in range(out.size):
        g = at(grad, i)
        out[i] = g / (like(g, 1.0) + vexp(at(b, i) - at(a, i)))


@kernel
def logaddexp2_backward(grad, a, b, out):
    # grad / (1 + 2**(other - self))
    for i in range(out.size):
        g = at(grad, i)
        out[i] = g / (like(g, 1.0) + exp2(at(b, i) - at(a, i)))


# ------------------------------------------------------------------ xlogy


@kernel
def xlogy_forward(a, b, out):
    for i in range(out.size):
        out[i] = xlogy_(at(a, i), at(b, i))


@kernel
def xlogy_backward_self(grad, a, b, out):
    for i in range(out.size):
        out[i] = xlogy_backward_self_(at(grad, i), at(a, i), at(b, i))


@kernel
def xlogy_backward_other(grad, a, b, out):
    # grad * self / other
    for i in range(out.size):
        out[i] = at(grad, i) * at(a, i) / at(b, i)


# ------------------------------------------------------------------ lerp
# A number weight arrives as a float64 (torch's Scalar): the forward casts it
# to the dtype (weight.to<scalar_t>()), self's gradient takes 1 - weight in
# float64 first (grad * (1 - weight.toDouble())).


@kernel
def lerp_forward(s, e, weight, out):
    w = out.dtype.type(weight)
    for i in range(out.size):
        out[i] = lerp_(at(s, i), at(e, i), w)


@kernel
def lerp_tensor_forward(s, e, w, out):
    for i in range(out.size):
        out[i] = lerp_(at(s, i), at(e, i), at(w, i))


@kernel
def lerp_backward_self(grad, weight, out):
    # grad * (1 - weight)
    c = out.dtype.type(1.0 - weight)
    for i in range(out.size):
        out[i] = grad[i] * c


@kernel
def lerp_backward_end(grad, weight, out):
    # grad * weight
    c = out.dtype.type(weight)
    for i in range(out.size):
        out[i] = grad[i] * c


@kernel
def lerp_tensor_backward_self(grad, w, out):
    # grad * (1 - weight)
    for i in range(out.size):
        wi = at(w, i)
        out[i] = grad[i] * (like(wi, 1.0) - wi)


@kernel
def lerp_tensor_backward_weight(grad, s, e, out):
    # grad * (end - self)
    for i in range(out.size):
        out[i] = grad[i] * (at(e, i) - at(s, i))


# ------------------------------------------------------------------ addcmul, addcdiv
# ``value`` arrives as a float64 (a float result) or in the integer dtype


@kernel
def addcmul_forward(s, t1, t2, value, out):
    # self + value * tensor1 * tensor2, the last multiply-add fused (torch's vectorised loop)
    v = out.dtype.type(value)
    for i in range(out.size):
        out[i] = mul_add(v * at(t1, i), at(t2, i), at(s, i))


@kernel
def addcdiv_forward(s, t1, t2, value, out):
    # self + value * tensor1 / tensor2
    v = out.dtype.type(value)
    for i in range(out.size):
        out[i] = at(s, i) + v * at(t1, i) / at(t2, i)


@kernel
def addcmul_backward(grad, t, value, out):
    # tensor1's gradient grad * (tensor2 * value) (tensor2's: tensor1 for t)
    v = out.dtype.type(value)
    for i in range(out.size):
        out[i] = grad[i] * (at(t, i) * v)


@kernel
def addcdiv_backward_tensor1(grad, t2, value, out):
    # grad * (value / tensor2)
    v = out.dtype.type(value)
    for i in range(out.size):
        out[i] = grad[i] * (v / at(t2, i))


@kernel
def addcdiv_backward_tensor2(grad, t1, t2, value, out):
    # -grad * (value * tensor1 / (tensor2 * tensor2))
    v = out.dtype.type(value)
    for i in range(out.size):
        b = at(t2, i)
        out[i] = -grad[i] * (v * at(t1, i) / (b * b))


# ------------------------------------------------------------------ nan_to_num, heaviside


@kernel
def nan_to_num_forward(x, nan, posinf, neginf, out):
    for i in range(out.size):
        out[i] = nan_to_num_(x[i], nan, posinf, neginf)


@kernel
def nan_to_num_backward(grad, x, nan, posinf, neginf, out):
    # grad * isfinite(self)
    for i in range(out.size):
        out[i] = grad[i] * finite_mask(x[i])


@kernel
def heaviside_forward(a, b, out):
    # values where input == 0, else input > 0 (0 for nan)
    for i in range(out.size):
        ai = at(a, i)
        if ai == 0:
            out[i] = at(b, i)
        elif ai > 0:
            out[i] = 1
        else:
            out[i] = 0


@kernel
def identity_backward(grad, out):
    # frac's gradient: grad itself
    for i in range(out.size):
        out[i] = grad[i]
