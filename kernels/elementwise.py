"""Elementwise kernels: forward and backward side by side.

All arrays are flat and C-contiguous; the graph layer ravels and
broadcasts. Binary kernels take ``at``-accessed operands, so either side
may also be a scalar of the output's dtype. A backward kernel computes one
input's gradient ("grad" is the incoming gradient), like one line of
derivatives.yaml; where a formula is another op's forward (``grad * other``
is ``mul_forward``) the op table reuses that kernel instead.
"""
import math

import numpy as np

from numba.extending import register_jitable

from .jit import kernel

from .access import at
from .vmath import (_fma, _select, like, log1p_fast_ok, log_fast_ok, sincos_ok, vcos, vexp, vexpm1,
                    vlog, vlog1p, vlog1p_fast, vlog_fast, vsin, vtanh)

# ---------------------------------------------------------------- arithmetic


@kernel
def add_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) + at(b, i)


@kernel
def sub_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) - at(b, i)


@kernel
def mul_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) * at(b, i)


@kernel
def div_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) / at(b, i)


@kernel
def mul_backward(grad, a, b, ga, gb):
    # both gradients of a * b in one pass
    for i in range(ga.size):
        g = at(grad, i)
        ga[i] = g * at(b, i)
        gb[i] = g * at(a, i)


@kernel
def div_backward(grad, a, b, ga, gb):
    # both gradients of a / b in one pass
    for i in range(ga.size):
        g = at(grad, i)
        bi = at(b, i)
        ga[i] = g / bi
        gb[i] = -g * ((at(a, i) / bi) / bi)


@kernel
def div_backward_other(grad, a, b, out):
    # d(a/b)/db = -a / b**2, as torch evaluates it: (a / b) / b (b * b would
    # overflow or underflow where the quotient does not)
    for i in range(out.size):
        bi = at(b, i)
        out[i] = -at(grad, i) * ((at(a, i) / bi) / bi)


@kernel
def neg_forward(x, out):
    for i in range(out.size):
        out[i] = -x[i]


@kernel
def pow_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) ** at(b, i)


@register_jitable
def _int_pow(base, e):
    # torch's powi: squaring, wrapping on overflow (Numba's ``**`` switches to a
    # float pow past exponents of 2**16)
    r = base - base + 1
    while e != 0:
        if e & 1:
            r *= base
        e >>= 1
        base *= base
    return r


@kernel
def int_pow_forward(a, b, out):
    # integer powers as torch computes them: a negative exponent leaves only
    # 1 and -1 non-zero (no ZeroDivisionError at 0)
    for i in range(out.size):
        base = at(a, i)
        e = at(b, i)
        if e >= 0:
            out[i] = _int_pow(base, e)
        elif base == 1:
            out[i] = 1
        elif base == -1:
            out[i] = 1 if e % 2 == 0 else -1
        else:
            out[i] = 0


@kernel
def pow_backward_self(grad, a, b, out):
    # torch masks exponent == 0 to a zero gradient (0 * inf would be nan at a == 0)
    for i in range(out.size):
        e = at(b, i)
        out[i] = 0 if e == 0 else at(grad, i) * e * at(a, i) ** (e - 1)


@kernel
def pow_backward_exponent(grad, a, b, result, out):
    # d(a**b)/db = a**b * log(a); torch defines it as 0 where a == 0 and b >= 0
    for i in range(out.size):
        ai = at(a, i)
        if ai == 0 and at(b, i) >= 0:
            out[i] = 0
        else:
            out[i] = at(grad, i) * result[i] * vlog(ai)


# ------------------------------------------------------------ transcendental


@kernel
def exp_forward(x, out):
    for i in range(out.size):
        out[i] = vexp(x[i])


# Two-pass kernels (log, sin, cos): the vectorised fast form for every element
# while a flag notes any element outside its domain; only then a second loop
# redoes those (see kernels/vmath.py). ``out`` must not alias ``x``.


@kernel
def log_forward(x, out):
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = vlog_fast(xi)
        special |= not log_fast_ok(xi)
    if special:                   # zeros, negatives, subnormals, inf, nan
        for i in range(out.size):
            xi = x[i]
            if not log_fast_ok(xi):
                out[i] = vlog(xi)


@kernel
def log1p_forward(x, out):
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = vlog1p_fast(xi)
        special |= not log1p_fast_ok(xi)
    if special:                   # x <= -1, inf, nan
        for i in range(out.size):
            xi = x[i]
            if not log1p_fast_ok(xi):
                out[i] = vlog1p(xi)


@kernel
def log1p_backward(grad, x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] / (like(xi, 1.0) + xi)


@kernel
def expm1_forward(x, out):
    for i in range(out.size):
        out[i] = vexpm1(x[i])


@kernel
def expm1_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * (r + like(r, 1.0))


@kernel
def sin_forward(x, out):
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = vsin(xi)
        special |= not sincos_ok(xi)
    if special:                   # huge arguments, inf, nan: libm
        for i in range(out.size):
            xi = x[i]
            if not sincos_ok(xi):
                out[i] = math.sin(xi)


@kernel
def cos_forward(x, out):
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = vcos(xi)
        special |= not sincos_ok(xi)
    if special:
        for i in range(out.size):
            xi = x[i]
            if not sincos_ok(xi):
                out[i] = math.cos(xi)


@kernel
def sin_backward(grad, x, out):
    # grad * cos(x)
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] * vcos(xi)
        special |= not sincos_ok(xi)
    if special:
        for i in range(out.size):
            xi = x[i]
            if not sincos_ok(xi):
                out[i] = grad[i] * math.cos(xi)


@kernel
def cos_backward(grad, x, out):
    # -grad * sin(x)
    special = False
    for i in range(out.size):
        xi = x[i]
        out[i] = -grad[i] * vsin(xi)
        special |= not sincos_ok(xi)
    if special:
        for i in range(out.size):
            xi = x[i]
            if not sincos_ok(xi):
                out[i] = -grad[i] * math.sin(xi)


@kernel
def reciprocal_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = like(xi, 1.0) / xi


@kernel
def reciprocal_backward(grad, result, out):
    # -grad * result**2
    for i in range(out.size):
        r = result[i]
        out[i] = -grad[i] * (r * r)


@kernel
def rsqrt_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = like(xi, 1.0) / np.sqrt(xi) if xi >= 0 else like(xi, math.nan)


@kernel
def rsqrt_backward(grad, result, out):
    # -0.5 * grad * result**3
    for i in range(out.size):
        r = result[i]
        out[i] = like(r, -0.5) * grad[i] * (r * r * r)


@kernel
def sqrt_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.sqrt(xi) if xi >= 0 else math.nan


@kernel
def sqrt_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] / (r + r)


@kernel
def sigmoid_forward(x, out):
    # exp(-x) overflowing to inf still gives the right limit, 0
    for i in range(out.size):
        xi = x[i]
        one = like(xi, 1.0)
        out[i] = one / (one + vexp(-xi))


@kernel
def sigmoid_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * r * (like(r, 1.0) - r)


@kernel
def tanh_forward(x, out):
    for i in range(out.size):
        out[i] = vtanh(x[i])


@kernel
def tanh_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * (like(r, 1.0) - r * r)


# square, log2, log10, tan, sinh, cosh, atan, asin, acos. float32 log2/log10
# are computed in float64 (vectorised) and rounded once: within 1 ulp, and
# exact where the result is (log2 of powers of two); float64 log2/log10 use
# libm (vlog times a constant misses exact results such as log2(8) == 3).
# tan, sinh, cosh stay in the array's dtype (within 3 ulp).

_INV_LN2 = 1.4426950408889634
_INV_LN10 = 0.43429448190325176
_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046


@kernel
def square_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = xi * xi


@kernel
def square_backward(grad, x, out):
    # grad * 2 * self
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] * (xi + xi)


@kernel
def _log_scaled_f32(x, scale, out):
    # float32 x: log(x) * scale computed in float64
    special = False
    for i in range(out.size):
        xd = np.float64(x[i])
        out[i] = vlog_fast(xd) * scale
        special |= not log_fast_ok(xd)
    if special:                   # zeros, negatives, inf, nan
        for i in range(out.size):
            xd = np.float64(x[i])
            if not log_fast_ok(xd):
                out[i] = vlog(xd) * scale


@kernel
def log2_forward(x, out):
    if out.itemsize == 4:
        _log_scaled_f32(x, _INV_LN2, out)
    else:
        for i in range(out.size):
            out[i] = math.log2(x[i])


@kernel
def log10_forward(x, out):
    if out.itemsize == 4:
        _log_scaled_f32(x, _INV_LN10, out)
    else:
        for i in range(out.size):
            out[i] = math.log10(x[i])


@kernel
def log2_backward(grad, x, out):
    # grad / (self * ln 2)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] / (xi * like(xi, _LN2))


@kernel
def log10_backward(grad, x, out):
    # grad / (self * ln 10)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] / (xi * like(xi, _LN10))


@kernel
def tan_forward(x, out):
    special = False
    for i in range(out.size):
        xi = x[i]
        t = vsin(xi) / vcos(xi)
        out[i] = t if abs(xi) > like(xi, 1e-8) else xi    # tan(x) rounds to x there; keeps -0.0
        special |= not sincos_ok(xi)
    if special:                   # huge arguments, inf, nan: libm
        for i in range(out.size):
            xi = x[i]
            if not sincos_ok(xi):
                out[i] = math.tan(xi)


@kernel
def tan_backward(grad, result, out):
    # grad * (1 + result**2)
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * (like(r, 1.0) + r * r)


# past ``big`` (88 for float32, 709 for float64) exp(|x|) overflows while
# sinh/cosh may not: exp(|x| / 2)**2 / 2 there


@register_jitable(inline="always")     # inlined: the calling loops vectorise
def _sinh(xi, big):
    # from expm1: no cancellation near 0
    a = abs(xi)
    one = like(xi, 1.0)
    half = like(xi, 0.5)
    em = vexpm1(min(a, big))
    y = half * (em + em / (em + one))
    h = vexp(half * a)
    y = _select(a > big, (half * h) * h, y)
    y = _select(xi < 0, -y, y)
    return _select(a > like(xi, 1e-8), y, xi)     # sinh(x) rounds to x there; keeps -0.0, nan


@register_jitable(inline="always")     # inlined: the calling loops vectorise
def _cosh(xi, big):
    a = abs(xi)
    half = like(xi, 0.5)
    e = vexp(min(a, big))
    y = half * e + half / e
    h = vexp(half * a)
    return _select(a > big, (half * h) * h, y)


@kernel
def sinh_forward(x, out):
    big = out.dtype.type(88.0 if out.itemsize == 4 else 709.0)
    for i in range(out.size):
        out[i] = _sinh(x[i], big)


@kernel
def cosh_forward(x, out):
    big = out.dtype.type(88.0 if out.itemsize == 4 else 709.0)
    for i in range(out.size):
        out[i] = _cosh(x[i], big)


@kernel
def sinh_backward(grad, x, out):
    # grad * cosh(self)
    big = out.dtype.type(88.0 if out.itemsize == 4 else 709.0)
    for i in range(out.size):
        out[i] = grad[i] * _cosh(x[i], big)


@kernel
def cosh_backward(grad, x, out):
    # grad * sinh(self)
    big = out.dtype.type(88.0 if out.itemsize == 4 else 709.0)
    for i in range(out.size):
        out[i] = grad[i] * _sinh(x[i], big)


@kernel
def atan_forward(x, out):
    for i in range(out.size):
        out[i] = math.atan(x[i])


@kernel
def atan_backward(grad, x, out):
    # grad / (self**2 + 1)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] / (xi * xi + like(xi, 1.0))


@kernel
def asin_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.asin(xi) if abs(xi) <= 1 else math.nan


@kernel
def acos_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.acos(xi) if abs(xi) <= 1 else math.nan


@kernel
def asin_backward(grad, x, out):
    # grad * rsqrt(1 - self**2)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] * (like(xi, 1.0) / np.sqrt(like(xi, 1.0) - xi * xi))


@kernel
def acos_backward(grad, x, out):
    # -grad * rsqrt(1 - self**2)
    for i in range(out.size):
        xi = x[i]
        out[i] = -grad[i] * (like(xi, 1.0) / np.sqrt(like(xi, 1.0) - xi * xi))


# inverse hyperbolic functions (libm; atanh(+-1) = +-inf, nan outside the domain, quietly)
@kernel
def asinh_forward(x, out):
    for i in range(out.size):
        out[i] = math.asinh(x[i])


@kernel
def acosh_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.acosh(xi) if xi >= 1 else math.nan


@kernel
def atanh_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.atanh(xi) if abs(xi) < 1 else (
            math.copysign(math.inf, xi) if abs(xi) == 1 else math.nan)


@kernel
def asinh_backward(grad, x, out):
    # grad * rsqrt(self**2 + 1)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] * (like(xi, 1.0) / np.sqrt(xi * xi + like(xi, 1.0)))


@kernel
def acosh_backward(grad, x, out):
    # grad * rsqrt(self**2 - 1)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] * (like(xi, 1.0) / np.sqrt(xi * xi - like(xi, 1.0)))


@kernel
def atanh_backward(grad, x, out):
    # grad / (1 - self**2)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] / (like(xi, 1.0) - xi * xi)


@kernel
def atan2_forward(a, b, out):
    for i in range(out.size):
        out[i] = math.atan2(at(a, i), at(b, i))


@register_jitable(inline="always")
def _atan2_recip(ai, bi):
    # torch's atan2_backward: 1 / (self**2 + other**2), zero where that sum is
    # zero (at the origin, or where both squares underflow)
    d = ai * ai + bi * bi
    return like(d, 0.0) if d == 0 else like(d, 1.0) / d


@kernel
def atan2_backward_self(grad, a, b, out):
    # grad * other / (self**2 + other**2)
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        out[i] = grad[i] * bi * _atan2_recip(ai, bi)


@kernel
def atan2_backward_other(grad, a, b, out):
    # -grad * self / (self**2 + other**2)
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        out[i] = grad[i] * -ai * _atan2_recip(ai, bi)


@kernel
def atan2_backward(grad, a, b, ga, gb):
    # both gradients of atan2(a, b) in one pass
    for i in range(ga.size):
        ai = at(a, i)
        bi = at(b, i)
        r = _atan2_recip(ai, bi)
        g = grad[i]
        ga[i] = g * bi * r
        gb[i] = g * -ai * r


# ------------------------------------------------------------- piecewise


@kernel
def abs_forward(x, out):
    for i in range(out.size):
        out[i] = abs(x[i])


@kernel
def abs_backward(grad, x, out):
    # grad * sign(x), with sign(0) == sign(nan) == 0 as in torch (so a NaN or infinite
    # grad there gives NaN, as torch's product does)
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] if xi > 0 else (-grad[i] if xi < 0 else grad[i] * 0)


@kernel
def relu_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = 0 if xi < 0 else xi        # torch: relu(nan) is nan, relu(-0.0) is -0.0


@kernel
def threshold_backward(grad, result, out):
    # torch's name for relu's backward: zero where the output is <= 0 (nan passes grad)
    for i in range(out.size):
        out[i] = 0 if result[i] <= 0 else grad[i]


@kernel
def sign_forward(x, out):
    # torch: sign(nan) == 0; bools stay bools
    for i in range(out.size):
        xi = x[i]
        out[i] = 1 if xi > 0 else (-1 if xi < 0 else 0)


@kernel
def floor_forward(x, out):
    for i in range(out.size):
        out[i] = np.floor(x[i])


@kernel
def ceil_forward(x, out):
    for i in range(out.size):
        out[i] = np.ceil(x[i])


@kernel
def round_forward(x, out):
    # half to even, as torch's nearbyint
    for i in range(out.size):
        out[i] = np.rint(x[i])


@kernel
def round_decimals_forward(x, ten_pow, negative, out):
    # torch: decimals < 0 rounds x / 10**-decimals; ten_pow is in x's dtype
    if negative:
        for i in range(out.size):
            out[i] = np.rint(x[i] / ten_pow) * ten_pow
    else:
        for i in range(out.size):
            out[i] = np.rint(x[i] * ten_pow) / ten_pow


@kernel
def zero_backward(grad, out):
    # sign, floor, ceil, round: the gradient is zero everywhere
    for i in range(out.size):
        out[i] = 0


# ------------------------------------------------------------ maximum, minimum


@kernel
def maximum_forward(a, b, out):
    # nan in either operand propagates
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        out[i] = ai if (ai > bi or ai != ai) else bi


@kernel
def minimum_forward(a, b, out):
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        out[i] = ai if (ai < bi or ai != ai) else bi


@kernel
def extremum_backward(grad, a, b, out):
    # maximum's gradient of a (minimum's with a, b swapped): all of grad where
    # a wins (or is unordered: nan), half at a tie, none where a loses
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        g = at(grad, i)
        out[i] = 0 if ai < bi else (g * like(g, 0.5) if ai == bi else g)


# ------------------------------------------------------------ remainder, fmod, rounded division
# Floating kernels follow torch's CPU formulas (fmod is exact, so computing it
# in float64 for a float32 input gives the same value). Integer kernels return
# True when a divisor is zero (the graph layer raises torch's ZeroDivisionError)
# and treat a divisor of -1 apart, so the type's minimum wraps as in torch
# instead of trapping.


@kernel
def floor_divide_scalar(a, b):
    # torch's div_floor_floating: the rounded quotient, nudged down where the
    # remainder's sign differs from the divisor's; a / b for b == 0 (inf/nan)
    # (in a's dtype throughout: float32 stays float32, as torch computes it)
    if b == 0:
        return a / b
    mod = like(a, np.fmod(a, b))
    q = (a - mod) / b
    one = like(a, 1.0)
    if mod != 0 and (b < 0) != (mod < 0):
        q -= one
    if q != 0:
        fq = np.floor(q)
        if q - fq > like(a, 0.5):
            fq += one
        return fq
    return np.copysign(like(a, 0.0), a / b)


@kernel
def remainder_forward(a, b, out):
    # Python's %: the result has the divisor's sign
    for i in range(out.size):
        bi = at(b, i)
        mod = like(bi, np.fmod(at(a, i), bi))
        if mod != 0 and (bi < 0) != (mod < 0):
            mod += bi
        out[i] = mod


@kernel
def fmod_forward(a, b, out):
    # C's fmod: the result has the dividend's sign
    for i in range(out.size):
        out[i] = np.fmod(at(a, i), at(b, i))


@kernel
def div_floor_forward(a, b, out):
    for i in range(out.size):
        out[i] = floor_divide_scalar(at(a, i), at(b, i))


@kernel
def div_trunc_forward(a, b, out):
    for i in range(out.size):
        out[i] = np.trunc(at(a, i) / at(b, i))


@kernel
def int_remainder_forward(a, b, out):
    zero = False
    for i in range(out.size):
        bi = at(b, i)
        if bi == 0:
            zero = True
            out[i] = 0
        elif bi == -1:
            out[i] = 0
        else:
            out[i] = at(a, i) % bi          # Numba's integer % is Python's
    return zero


@kernel
def int_fmod_forward(a, b, out):
    zero = False
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        if bi == 0:
            zero = True
            out[i] = 0
        elif bi == -1:
            out[i] = 0
        else:
            r = ai % bi
            if r != 0 and (r < 0) != (ai < 0):
                r -= bi
            out[i] = r
    return zero


@kernel
def int_div_floor_forward(a, b, out):
    zero = False
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        if bi == 0:
            zero = True
            out[i] = 0
        elif bi == -1:
            out[i] = -ai
        else:
            out[i] = ai // bi               # Numba's integer // floors, as Python's
    return zero


@kernel
def int_div_trunc_forward(a, b, out):
    zero = False
    for i in range(out.size):
        ai = at(a, i)
        bi = at(b, i)
        if bi == 0:
            zero = True
            out[i] = 0
        elif bi == -1:
            out[i] = -ai
        else:
            q = ai // bi
            if q * bi != ai and (ai < 0) != (bi < 0):
                q += 1
            out[i] = q
    return zero


@kernel
def remainder_backward_other(grad, a, b, out):
    # -grad * self.div(other, rounding_mode="floor")
    for i in range(out.size):
        out[i] = -at(grad, i) * floor_divide_scalar(at(a, i), at(b, i))


@kernel
def fmod_backward_other(grad, a, b, out):
    # -grad * self.div(other, rounding_mode="trunc")
    for i in range(out.size):
        out[i] = -at(grad, i) * np.trunc(at(a, i) / at(b, i))


# ------------------------------------------------------------ clamp


@kernel
def clamp_forward(x, lo, hi, out):
    # min(max(x, lo), hi) with nan anywhere propagating, as torch
    for i in range(out.size):
        v = x[i]
        lv = at(lo, i)
        hv = at(hi, i)
        v = lv if (v < lv or lv != lv) else v
        out[i] = hv if (v > hv or hv != hv) else v


@kernel
def clamp_min_forward(x, lo, out):
    for i in range(out.size):
        v = x[i]
        lv = at(lo, i)
        out[i] = lv if (v < lv or lv != lv) else v


@kernel
def clamp_max_forward(x, hi, out):
    for i in range(out.size):
        v = x[i]
        hv = at(hi, i)
        out[i] = hv if (v > hv or hv != hv) else v


@kernel
def clamp_backward(grad, x, lo, hi, out):
    # self's gradient with both bounds: where lo <= x <= hi
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] if (xi >= at(lo, i) and xi <= at(hi, i)) else 0


@kernel
def clamp_backward_min(grad, x, lo, hi, out):
    # min's gradient with both bounds: where x < min < max
    for i in range(out.size):
        lv = at(lo, i)
        out[i] = grad[i] if (x[i] < lv and lv < at(hi, i)) else 0


@kernel
def clamp_backward_max(grad, x, lo, hi, out):
    # max's gradient with both bounds: where x > max, or max < min
    for i in range(out.size):
        hv = at(hi, i)
        out[i] = grad[i] if (x[i] > hv or hv < at(lo, i)) else 0


@kernel
def ge_mask_backward(grad, a, b, out):
    # grad where a >= b (clamp_min's self: x >= min; clamp_max's: max >= x)
    for i in range(out.size):
        out[i] = grad[i] if at(a, i) >= at(b, i) else 0


@kernel
def gt_mask_backward(grad, a, b, out):
    # grad where a > b (clamp_min's min: min > x; clamp_max's max: x > max)
    for i in range(out.size):
        out[i] = grad[i] if at(a, i) > at(b, i) else 0


# ------------------------------------------------------------ where


@kernel
def where_forward(cond, a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) if at(cond, i) else at(b, i)


@kernel
def where_backward(grad, cond, out):
    # input's gradient: grad where cond (other's: where_backward_other)
    for i in range(out.size):
        out[i] = grad[i] if at(cond, i) else 0


@kernel
def where_backward_other(grad, cond, out):
    for i in range(out.size):
        out[i] = 0 if at(cond, i) else grad[i]


# ------------------------------------------------------------ softplus


@kernel
def softplus_forward(x, beta, threshold, out):
    # x where x * beta > threshold (linear regime), else log1p(exp(x beta)) / beta,
    # computed as max(z, 0) + log1p(exp(-|z|)): exp's argument is never positive, so
    # log1p's fast form always applies (a nan input stays nan)
    zero = like(beta, 0.0)
    for i in range(out.size):
        xi = x[i]
        xb = xi * beta
        sp = max(xb, zero) + vlog1p_fast(vexp(-abs(xb)))
        out[i] = xi if xb > threshold else sp / beta


@kernel
def softplus_backward(grad, x, beta, threshold, out):
    # torch's formula: z = exp(x beta); grad * z / (z + 1) below the threshold
    for i in range(out.size):
        xb = x[i] * beta
        z = vexp(xb)
        g = grad[i]
        out[i] = g if xb > threshold else g * z / (z + like(z, 1.0))


# ----------------------------------------------------- comparisons (no grad)


@kernel
def lt_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) < at(b, i)


@kernel
def le_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) <= at(b, i)


@kernel
def gt_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) > at(b, i)


@kernel
def ge_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) >= at(b, i)


@kernel
def eq_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) == at(b, i)


# isnan / isinf / isfinite (float inputs; the graph layer answers for integers)


@kernel
def isnan_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = xi != xi


@kernel
def isinf_forward(x, out):
    for i in range(out.size):
        out[i] = abs(x[i]) == np.inf


@kernel
def isfinite_forward(x, out):
    for i in range(out.size):
        out[i] = abs(x[i]) < np.inf


@kernel
def ne_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) != at(b, i)


@kernel
def linspace_fill(out, lo, hi, step):
    # torch's CPU linspace, whose compiled loop contracts start + step*i into
    # one fused multiply-add: lo + step*i for the first half, hi - step*(n-1-i)
    # for the rest (lo, hi, step in out's dtype)
    n = out.size
    half = n // 2
    t = out.dtype.type
    for i in range(half):
        out[i] = _fma(step, t(i), lo)
    for i in range(half, n):
        out[i] = _fma(-step, t(n - 1 - i), hi)
