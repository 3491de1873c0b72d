"""Vectorisable transcendental functions for kernels.

Numba lowers ``math.exp`` to a libm call, which LLVM cannot vectorise (no
SVML here), so an exp loop runs several times slower than numpy's SIMD
ufunc. ``vexp`` is written with only arithmetic, comparisons and bit casts,
which LLVM turns into SIMD code: Cody-Waite range reduction, x = k ln2 + r
with |r| <= ln2/2, then a polynomial for exp(r) (the Cephes coefficients:
degree 6 for float32, a Pade form for float64) and a scale by 2**k built
from exponent bits (in two halves so results down to the subnormal range
stay right). Accuracy is within 2 ulp of libm (tests/test_vmath.py).
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload


@intrinsic
def _f32_from_bits(typingctx, bits):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.FloatType())
    return types.float32(types.int32), codegen


@intrinsic
def _f64_from_bits(typingctx, bits):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


def vexp(x):
    raise NotImplementedError("vexp() is only callable from @njit code")


@overload(vexp, inline="always")
def _vexp_overload(x):
    if x == types.float32:
        return _exp_f32
    if x == types.float64:
        return _exp_f64
    return None


def _exp_f32(x):
    xc = min(max(x, np.float32(-104.0)), np.float32(89.0))
    k = np.floor(xc * np.float32(1.44269504088896341) + np.float32(0.5))
    r = xc - k * np.float32(0.693359375) - k * np.float32(-2.12194440e-4)
    z = r * r
    p = ((((np.float32(1.9875691500e-4) * r + np.float32(1.3981999507e-3)) * r
           + np.float32(8.3334519073e-3)) * r + np.float32(4.1665795894e-2)) * r
         + np.float32(1.6666665459e-1)) * r + np.float32(5.0000001201e-1)
    p = p * z + r + np.float32(1.0)
    ki = np.int32(k)
    k1 = ki >> 1
    s1 = _f32_from_bits((k1 + np.int32(127)) << 23)
    s2 = _f32_from_bits((ki - k1 + np.int32(127)) << 23)
    y = p * s1 * s2
    return x if x != x else y


def _exp_f64(x):
    xc = min(max(x, -746.0), 710.0)
    k = np.floor(xc * 1.4426950408889634073599 + 0.5)
    r = xc - k * 6.93145751953125e-1 - k * 1.42860682030941723212e-6
    z = r * r
    px = r * ((1.26177193074810590878e-4 * z + 3.02994407707441961300e-2) * z
              + 9.99999999999999999910e-1)
    qx = ((3.00198505138664455042e-6 * z + 2.52448340349684104192e-3) * z
          + 2.27265548208155028766e-1) * z + 2.00000000000000000009e0
    p = 1.0 + 2.0 * px / (qx - px)
    ki = np.int64(k)
    k1 = ki >> 1
    s1 = _f64_from_bits((k1 + np.int64(1023)) << 52)
    s2 = _f64_from_bits((ki - k1 + np.int64(1023)) << 52)
    y = p * s1 * s2
    return x if x != x else y


def vtanh(x):
    raise NotImplementedError("vtanh() is only callable from @njit code")


@overload(vtanh, inline="always")
def _vtanh_overload(x):
    if x == types.float32:
        return _tanh_f32
    if x == types.float64:
        return _tanh_f64
    return None


# tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)) loses relative accuracy near 0,
# where the Cephes odd polynomial (rational for float64) takes over.

def _tanh_f32(x):
    a = abs(x)
    big = np.float32(1.0) - np.float32(2.0) / (vexp(a + a) + np.float32(1.0))
    big = big if x >= 0 else -big
    z = x * x
    small = ((((np.float32(-5.70498872745e-3) * z + np.float32(2.06390887954e-2)) * z
               - np.float32(5.37397155531e-2)) * z + np.float32(1.33314422036e-1)) * z
             - np.float32(3.33332819422e-1)) * z * x + x
    return small if a < np.float32(0.625) else big


def _tanh_f64(x):
    a = abs(x)
    big = 1.0 - 2.0 / (vexp(a + a) + 1.0)
    big = big if x >= 0 else -big
    z = x * x
    p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z \
        - 1.61468768441708447952e3
    q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z \
        + 4.84406305325125486048e3
    small = x + x * z * p / q
    return small if a < 0.625 else big
