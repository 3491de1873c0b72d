"""Kernels of the gamma family: lgamma, digamma, polygamma (forward and
backward side by side; flat C-contiguous float32/float64 arrays).

What torch's CPU kernels compute (ATen/native/Math.h):
- lgamma: libm's lgamma (here in float64, rounded once for float32, where
  torch calls lgammaf: at most an ulp apart).
- digamma: Cephes' psi: reflection for x < 0 (pi / tan(pi * frac(x)) in
  float64), recurrence up to x >= 10, psi(10) exactly at 10, then the
  asymptotic series; in the input's dtype.
- polygamma(1, x) (trigamma): reflection below 0.5, six recurrence steps,
  the asymptotic series; in the input's dtype.
- polygamma(n >= 2, x): (-1)**(n+1) n! zeta(n + 1, x), the Hurwitz zeta of
  Cephes in float64 (torch's CPU accumulation type) but for its first term.
"""
import math

import numpy as np
from numba import njit

from .jit import kernel
from .vmath import like

_PSI_10 = 2.25175258906672110764
_PI = 3.141592653589793
_MACHEP = 1.11022302462515654042e-16


@njit(cache=True, error_model="numpy", inline="always")
def _psi_series(z):
    # Cephes' asymptotic coefficients, Horner from the highest power
    y = like(z, 8.33333333333333333333E-2)
    y = y * z + like(z, -2.10927960927960927961E-2)
    y = y * z + like(z, 7.57575757575757575758E-3)
    y = y * z + like(z, -4.16666666666666666667E-3)
    y = y * z + like(z, 3.96825396825396825397E-3)
    y = y * z + like(z, -8.33333333333333333333E-3)
    y = y * z + like(z, 8.33333333333333333333E-2)
    return z * y


@njit(cache=True, error_model="numpy")
def digamma1(x):
    """psi(x) in x's float type."""
    zero = like(x, 0.0)
    one = like(x, 1.0)
    if x == zero:
        return like(x, -math.inf) if not np.signbit(x) else like(x, math.inf)
    reflect = zero
    if x < zero:
        if x == np.trunc(x):
            return like(x, math.nan)
        r = np.float64(x) - np.trunc(np.float64(x))
        reflect = like(x, _PI / math.tan(_PI * r))
        x = one - x
    result = zero
    while x < like(x, 10.0):
        result -= one / x
        x += one
    if x == like(x, 10.0):
        return result + like(x, _PSI_10) - reflect
    y = zero
    if x < like(x, 1.0e17):
        y = _psi_series(one / (x * x))
    return result + math.log(x) - (like(x, 0.5) / x) - y - reflect


@njit(cache=True, error_model="numpy")
def trigamma1(x):
    """polygamma(1, x) in x's float type."""
    one = like(x, 1.0)
    sign = one
    result = like(x, 0.0)
    if x < like(x, 0.5):
        sign = -one
        s = math.sin(like(x, _PI) * x)
        result -= like(x, _PI) * like(x, _PI) / (s * s)
        x = one - x
    for _ in range(6):
        result += one / (x * x)
        x += one
    ixx = one / (x * x)
    result += (one + one / (like(x, 2.0) * x) + ixx * (like(x, 1.0 / 6) - ixx * (
        like(x, 1.0 / 30) - ixx * like(x, 1.0 / 42)))) / x
    return sign * result


_ZETA_A = np.array([12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
                    7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
                    -4.5979787224074726105e15, 1.8152105401943546773e17,
                    -7.1661652561756670113e18])


@njit(cache=True, error_model="numpy")
def zeta1(x, q):
    """Cephes' Hurwitz zeta(x, q) for x, q of one float type: float64
    arithmetic (ATen's CPU accumulation type) but the first term q**-x,
    which ATen computes in the arguments' type."""
    if x == 1.0:
        return math.inf
    if x < 1.0:
        return math.nan
    if q <= 0.0:
        if q == np.floor(q):
            return math.inf
        if x != np.floor(x):
            return math.nan
    s = np.float64(q ** -x)
    a = np.float64(q)
    xd = np.float64(x)
    i = 0
    b = 0.0
    while i < 9 or a <= 9.0:
        i += 1
        a += 1.0
        b = a ** -xd
        s += b
        if -_MACHEP * s < b and b < _MACHEP * s:
            return s
    w = a
    s += b * w / (xd - 1.0)
    s -= 0.5 * b
    a = 1.0
    k = 0.0
    for j in range(12):
        a *= xd + k
        b /= w
        t = a * b / _ZETA_A[j]
        s = s + t
        if abs(t / s) < _MACHEP:
            return s
        k += 1.0
        a *= xd + k
        b /= w
        k += 1.0
    return s


@njit(cache=True, error_model="numpy")
def polygamma1(n, x):
    """polygamma(n, x) for an integer n >= 0, in x's float type."""
    if n == 0:
        return digamma1(x)
    if n == 1:
        return trigamma1(x)
    # (-1)**(n+1) exp(lgamma(n + 1)) in x's type, times zeta rounded to it
    sign = like(x, 1.0) if n % 2 else like(x, -1.0)
    return sign * math.exp(like(x, math.lgamma(n + 1.0))) * like(x, zeta1(like(x, n + 1.0), x))


@kernel
def lgamma_forward(x, out):
    for i in range(out.size):
        out[i] = math.lgamma(np.float64(x[i]))


@kernel
def lgamma_backward(grad, x, out):
    # grad * digamma(self)
    for i in range(out.size):
        out[i] = grad[i] * digamma1(x[i])


@kernel
def digamma_forward(x, out):
    for i in range(out.size):
        out[i] = digamma1(x[i])


@kernel
def digamma_backward(grad, x, out):
    # grad * polygamma(1, self)
    for i in range(out.size):
        out[i] = grad[i] * trigamma1(x[i])


@kernel
def polygamma_forward(x, n, out):
    k = int(n)
    for i in range(out.size):
        out[i] = polygamma1(k, x[i])


@kernel
def polygamma_backward(grad, x, n, out):
    # grad * polygamma(n + 1, self)
    k = int(n) + 1
    for i in range(out.size):
        out[i] = grad[i] * polygamma1(k, x[i])
