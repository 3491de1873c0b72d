"""Scalar forms of the elementwise ops, for the fused kernels that
``jitgrad.compile`` generates.

One function per op of the op table (``jitgrad/derivatives.py``), named as
the op, computing one element exactly as the op's array kernel in
``kernels/elementwise.py`` does (the same vmath functions, the same
special cases), so a fused loop and the eager kernels agree. The helpers
named in the table's derivative formulas (``threshold_backward``,
``pow_backward_self``, ...) are here too: the code generator translates
each formula into a call of these on scalars. Everything is inlined into
the generated loops so they still vectorise.
"""
import math

import numpy as np
from numba import njit

from .activations import erf_f32
from .elementwise import _atan2_recip, _cosh, _sinh
from .vmath import log1p_fast_ok as log1p_fast_ok_, log_fast_ok as log_fast_ok_
from .vmath import sincos_ok as sincos_ok_
from .vmath import (like, vcos, vexp, vexpm1, vlog,
                    vlog1p, vlog1p_fast, vlog_fast, vsin, vtanh)

# forceinline: LLVM inlines them into the generated loops (which then vectorise)
scalar = njit(cache=True, error_model="numpy", forceinline=True)


@scalar
def _big(x):
    # past this |x|, exp(|x|) overflows (sinh/cosh switch forms there)
    # (float32 rounds 1e300 to inf; a loop-invariant branch)
    return like(x, 88.0) if like(x, 1e300) == math.inf else like(x, 709.0)


# ------------------------------------------------------------------ unary


@scalar
def neg(x):
    return -x


@scalar
def exp(x):
    return vexp(x)


@scalar
def log(x):
    return vlog(x)


# Fast forms, valid where their predicate holds (see kernels/vmath.py). A fused
# loop runs them while or-ing the predicate's failures into a flag, and only
# if the flag is set runs again with the exact forms above (codegen.FAST_FORMS).
@scalar
def log_fast(x):
    return vlog_fast(x)


@scalar
def log_fast_ok(x):
    return log_fast_ok_(x)


@scalar
def log1p_fast(x):
    return vlog1p_fast(x)


@scalar
def log1p_fast_ok(x):
    return log1p_fast_ok_(x)


@scalar
def sin_fast(x):
    return vsin(x)


@scalar
def cos_fast(x):
    return vcos(x)


@scalar
def sincos_ok(x):
    return sincos_ok_(x)


@scalar
def sqrt(x):
    return math.sqrt(x) if x >= 0 else like(x, math.nan)


@scalar
def abs(x):  # noqa: A001  (the op's name)
    return x if x > 0 else (-x if x < 0 else x - x)


@scalar
def sigmoid(x):
    one = like(x, 1.0)
    return one / (one + vexp(-x))


@scalar
def tanh(x):
    return vtanh(x)


@scalar
def relu(x):
    return like(x, 0.0) if x < 0 else x


@scalar
def log1p(x):
    return vlog1p(x)


@scalar
def expm1(x):
    return vexpm1(x)


@scalar
def sin(x):
    return vsin(x) if sincos_ok(x) else math.sin(x)


@scalar
def cos(x):
    return vcos(x) if sincos_ok(x) else math.cos(x)


@scalar
def reciprocal(x):
    return like(x, 1.0) / x


@scalar
def rsqrt(x):
    return like(x, 1.0) / np.sqrt(x) if x >= 0 else like(x, math.nan)


@scalar
def sign(x):
    return like(x, 1.0) if x > 0 else (like(x, -1.0) if x < 0 else like(x, 0.0))


@scalar
def square(x):
    return x * x


@scalar
def sinh(x):
    return _sinh(x, _big(x))


@scalar
def cosh(x):
    return _cosh(x, _big(x))


@scalar
def atan(x):
    return math.atan(x)


@scalar
def asinh(x):
    return math.asinh(x)


@scalar
def acosh(x):
    return math.acosh(x) if x >= 1 else like(x, math.nan)


@scalar
def atanh(x):
    if abs(x) < 1:
        return math.atanh(x)
    return like(x, math.copysign(math.inf, x)) if abs(x) == 1 else like(x, math.nan)


# ------------------------------------------------------------------ binary


@scalar
def add(a, b):
    return a + b


@scalar
def sub(a, b):
    return a - b


@scalar
def mul(a, b):
    return a * b


@scalar
def div(a, b):
    return a / b


@scalar
def pow(a, b):  # noqa: A001
    return a ** b


@scalar
def maximum(a, b):
    return a if (a > b or a != a) else b


@scalar
def minimum(a, b):
    return a if (a < b or a != a) else b


@scalar
def atan2(a, b):
    return math.atan2(a, b)


# ------------------------------------------- helpers the formulas name


@scalar
def threshold_backward(grad, result, threshold):
    return like(grad, 0.0) if result <= threshold else grad


@scalar
def pow_backward_self(grad, a, b):
    return like(grad, 0.0) if b == 0 else grad * b * a ** (b - like(b, 1.0))


@scalar
def pow_backward_exponent(grad, a, b, result):
    if a == 0 and b >= 0:
        return like(grad, 0.0)
    return grad * result * vlog(a)


@scalar
def atan2_recip(a, b):
    return _atan2_recip(a, b)


@scalar
def where(condition, a, b):
    return a if condition else b


# ---------------------------------------- activations with parameters
# (derivatives.Pointwise; each as its kernel in kernels/activations.py computes
# it, float64 constants included where that kernel has them)


@scalar
def leaky_relu(x, negative_slope):
    return x if x > 0 else x * negative_slope


@scalar
def leaky_relu_backward(grad, x, negative_slope):
    return grad if x > 0 else grad * negative_slope


@scalar
def elu(x, alpha):
    return x if x > 0 else vexpm1(x) * alpha


@scalar
def elu_backward(grad, x, alpha):
    return grad if x > 0 else grad * alpha * vexp(x)


@scalar
def elu_backward_result(grad, result, alpha):
    return grad if result > 0 else grad * (result + alpha)


@scalar
def _is_f32(x):
    # float32 rounds 1e300 to inf (a loop-invariant branch)
    return like(x, 1e300) == math.inf


@scalar
def gelu(x):
    if _is_f32(x):
        half = like(x, 0.5)
        return x * half * (like(x, 1.0) + erf_f32(x * like(x, 0.7071067811865476)))
    return like(x, x * 0.5 * (1.0 + math.erf(x * 0.7071067811865476)))


@scalar
def gelu_backward(grad, x):
    if _is_f32(x):
        half = like(x, 0.5)
        cdf = half * (like(x, 1.0) + erf_f32(x * like(x, 0.7071067811865476)))
        pdf = vexp(-half * x * x) * like(x, 0.3989422804014327)
        return grad * (cdf + x * pdf)
    cdf = 0.5 * (1.0 + math.erf(x * 0.7071067811865476))
    pdf = vexp(-0.5 * x * x) * 0.3989422804014327
    return like(grad, grad * (cdf + x * pdf))


@scalar
def gelu_tanh(x):
    inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
    return like(x, 0.5 * x * (1.0 + vtanh(inner)))


@scalar
def gelu_tanh_backward(grad, x):
    x2 = x * x
    t = vtanh(0.7978845608028654 * (x + 0.044715 * x2 * x))
    left = 0.5 * (1.0 + t)
    right = 0.5 * x * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * x2)
    return like(grad, grad * (left + right))


@scalar
def silu(x):
    return x / (like(x, 1.0) + vexp(-x))


@scalar
def normal_cdf(x):
    return like(x, 0.5 * (1.0 + math.erf(x * 0.7071067811865476)))


@scalar
def normal_pdf(x):
    return like(x, vexp(-0.5 * x * x) * 0.3989422804014327)


# ---------------------------------------- composite elementwise (losses)


@scalar
def bce_with_logits(x, y):
    # (1 - y) x - log s(x), with -log s(x) = max(-x, 0) + log1p(exp(-|x|)) (finite at +-100)
    one = like(x, 1.0)
    return (one - y) * x + (max(-x, like(x, 0.0)) + vlog1p(vexp(-abs(x))))


# ------------------------------------------------ blocks of a fused reduction

from .jit import reduction_kernel  # noqa: E402


@reduction_kernel
def block_sum(block, n):
    # the first n values, summed in float64 (reassociated: vectorised). A fused
    # loop stores its reduced operand in a block and calls this, so that the
    # loop itself carries no dependence and vectorises too.
    s = 0.0
    for j in range(n):
        s += block[j]
    return s


@scalar
def softplus(x, beta, threshold):
    # x where x beta > threshold, else log1p(exp(x beta)) / beta (as softplus_forward)
    xb = x * beta
    sp = max(xb, like(x, 0.0)) + vlog1p_fast(vexp(-abs(xb)))   # (always in its range)
    return x if xb > threshold else sp / beta


@scalar
def softplus_backward(grad, x, beta, threshold):
    xb = x * beta
    z = vexp(xb)
    return grad if xb > threshold else grad * z / (z + like(z, 1.0))


# (hardtanh, relu6 = hardtanh(0, 6), hardsigmoid, hardswish, logsigmoid, the shrinks
# and threshold: kernels/activations.py's element computations)


@scalar
def hardtanh(x, min_val, max_val):
    return min_val if x < min_val else (max_val if x > max_val else x)


@scalar
def hardtanh_backward(grad, x, min_val, max_val):
    # zero at and outside the bounds; nan passes grad, as torch
    return like(x, 0.0) if (x <= min_val or x >= max_val) else grad


@scalar
def _relu6_of_shifted(x):
    v = x + like(x, 3.0)
    v = like(v, 0.0) if v < like(v, 0.0) else v
    return like(v, 6.0) if v > like(v, 6.0) else v


@scalar
def hardsigmoid(x):
    return _relu6_of_shifted(x) / like(x, 6.0)


@scalar
def hardsigmoid_backward(grad, x):
    # torch multiplies by 1/6 rounded to float32, in float64 too
    return grad * like(x, 0.1666666716337204) if (x > like(x, -3.0) and x < like(x, 3.0)) \
        else like(x, 0.0)


@scalar
def hardswish(x):
    return x * _relu6_of_shifted(x) / like(x, 6.0)


@scalar
def hardswish_backward(grad, x):
    if x < like(x, -3.0):
        return like(x, 0.0)
    if x <= like(x, 3.0):
        return grad * (x / like(x, 3.0) + like(x, 0.5))
    return grad


@scalar
def log_sigmoid(x):
    # min(x, 0) - log1p(exp(-|x|)) (the argument of log1p is in (0, 1])
    m = x if x < like(x, 0.0) else like(x, 0.0)
    return m - vlog1p_fast(vexp(-abs(x)))


@scalar
def hardshrink(x, lambd):
    return like(x, 0.0) if (x >= -lambd and x <= lambd) else x


@scalar
def softshrink(x, lambd):
    return x - lambd if x > lambd else (x + lambd if x < -lambd else x * like(x, 0.0))


@scalar
def shrink_backward(grad, x, lambd):
    return like(x, 0.0) if (x >= -lambd and x <= lambd) else grad


@scalar
def threshold(x, threshold, value):
    return value if x <= threshold else x


@scalar
def mish(x):
    # as kernels/activations.py's mish_forward: tanh(log1p(e)) = n / (n + 2), n = e (e + 2)
    e = vexp(x)
    n = e * (e + like(x, 2.0))
    return x * (like(x, 1.0) if x > like(x, 20.0) else n / (n + like(x, 2.0)))


@scalar
def mish_backward(grad, x):
    # as kernels/activations.py's mish_backward (t rounds to 1 past 20: x * 0 stays nan at inf)
    one = like(x, 1.0)
    two = like(x, 2.0)
    if x > like(x, 20.0):
        return grad * (one + x * like(x, 0.0))
    e = vexp(x)
    n = e * (e + two)
    d = n + two
    return grad * (n / d + x * (e / (one + e)) * (like(x, 4.0) * (n + one) / (d * d)))


@scalar
def elu_scaled(x, alpha, scale, input_scale, grad_input_scale):
    # selu and celu: torch's elu with a scale and an input scale
    return x * scale if x > like(x, 0.0) else vexpm1(x * input_scale) * (alpha * scale)


selu = celu = elu_scaled


@scalar
def elu_scaled_backward(grad, x, alpha, scale, grad_input_scale):
    return grad * scale if x > like(x, 0.0) \
        else grad * grad_input_scale * (alpha * scale) * vexp(x * grad_input_scale)


# ---------------------------------------- torch's pointwise ops (kernels/pointwise.py)
# (each calls the helper its array kernel calls)

from . import pointwise as _pw  # noqa: E402


@scalar
def erf(x):
    return like(x, _pw.erf64(x))


@scalar
def erfc(x):
    return like(x, _pw.erfc64(x))


@scalar
def erfinv(x):
    return like(x, _pw.erfinv64(x))


@scalar
def trunc(x):
    return np.trunc(x)


@scalar
def frac(x):
    return x - np.trunc(x)


@scalar
def hypot(a, b):
    return like(a, math.hypot(np.float64(a), np.float64(b)))


@scalar
def logaddexp(a, b):
    return _pw.logaddexp_(a, b)


@scalar
def logaddexp2(a, b):
    return _pw.logaddexp2_(a, b)


@scalar
def exp2(x):
    return _pw.exp2(x)


@scalar
def xlogy(a, b):
    return _pw.xlogy_(a, b)


@scalar
def xlogy_backward_self(grad, a, b):
    return _pw.xlogy_backward_self_(grad, a, b)


@scalar
def lerp(s, e, weight):
    return _pw.lerp_(s, e, weight)


@scalar
def lerp_tensor(s, e, weight):
    return _pw.lerp_(s, e, weight)


@scalar
def addcmul(s, t1, t2, value):
    return _pw.mul_add(value * t1, t2, s)


@scalar
def addcdiv(s, t1, t2, value):
    return s + value * t1 / t2


@scalar
def nan_to_num(x, nan, posinf, neginf):
    return _pw.nan_to_num_(x, nan, posinf, neginf)


@scalar
def isfinite(x):
    return _pw.finite_mask(x)


# ------------------------------------------------------------------ clamp, where
# as kernels/elementwise.py's clamp kernels: min(max(x, lo), hi), a nan anywhere propagating


@scalar
def clamp(x, lo, hi):
    v = lo if (x < lo or lo != lo) else x
    return hi if (v > hi or hi != hi) else v


@scalar
def clamp_min(x, lo):
    return lo if (x < lo or lo != lo) else x


@scalar
def clamp_max(x, hi):
    return hi if (x > hi or hi != hi) else x


# the tensor-bound entries compute the same (only their gradients differ)
clamp_tensor, clamp_min_tensor, clamp_max_tensor = clamp, clamp_min, clamp_max


@scalar
def where(condition, a, b):
    return a if condition else b
