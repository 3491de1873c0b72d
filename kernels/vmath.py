"""Vectorisable transcendental functions for kernels.

Numba lowers ``math.exp``/``math.log``/``math.sin`` to libm calls, which LLVM
cannot vectorise (no SVML here), so such a loop runs several times slower
than numpy's SIMD ufuncs. The functions here are written with only
arithmetic, comparisons, selects, bit casts, fused multiply-adds and integer
ops of the float's own width (the ``_i*`` intrinsics: Numba would widen
int32 arithmetic to int64, halving the vector width), which LLVM turns into
SIMD code.

- ``vexp``: Cody-Waite range reduction x = k ln2 + r, |r| <= ln2/2, a
  polynomial for exp(r) (the Cephes coefficients: degree 6 for float32, a
  Pade form for float64) and a scale by 2**k built from exponent bits (in
  two halves so results down to the subnormal range stay right).
- ``vexpm1``: the same reduction; expm1(r) is the polynomial without its
  leading 1, and 2**k * expm1(r) + (2**k - 1) is one fused multiply-add, so
  the result keeps full relative accuracy near 0.
- ``vlog``/``vlog1p``: fdlibm/musl's reduction to m in [sqrt(2)/2, sqrt(2))
  by integer arithmetic on the bits; log(m) from the Cephes polynomial
  (float32) or fdlibm's series in s = f / (2 + f) (float64). log1p adds
  musl's correction term for the rounding of 1 + x.
- ``vsin``/``vcos``: x = q pi/2 + r with pi/2 split in three parts (the
  first product is exact in an FMA; float64 carries r as a double-double),
  then minimax polynomials on |r| <= pi/4 (numpy's float32 ones, fdlibm's
  float64 ones) and the quadrant's sign and swap.
- ``vtanh``: expm1(2|x|) / (expm1(2|x|) + 2), with the Cephes odd polynomial
  below 0.625.

``vlog``, ``vlog1p``, ``vexp``, ``vexpm1`` and ``vtanh`` are right for every
input (nan, +-inf, +-0, subnormals). The ``*_fast`` variants skip the
special cases and are valid only where the matching ``*_fast_ok`` predicate
holds; ``vsin``/``vcos`` likewise only where ``sincos_ok``. A kernel uses
them as: compute the fast form for every element while or-ing the
predicate's failures into a flag, and only if the flag is set, redo those
elements with the exact function (``vlog``, or libm for sin/cos). The flag
costs one compare per vector; the two-pass scheme is what makes these
kernels faster than numpy's. Accuracy (tests/test_vmath.py): within 2 ulp of
the correctly rounded result.
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload, register_jitable

# ------------------------------------------------------------ bit-level helpers


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


@intrinsic
def _f32_bits(typingctx, x):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(32))
    return types.int32(types.float32), codegen


@intrinsic
def _f64_bits(typingctx, x):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c with one rounding (llvm.fma: one instruction where the CPU has FMA)."""
    if not (isinstance(a, types.Float) and a == b == c):
        return None

    def codegen(context, builder, sig, args):
        return builder.fma(*args)
    return a(a, b, c), codegen


def _same_int(a, b):
    return isinstance(a, types.Integer) and a == b


@intrinsic
def _iadd(typingctx, a, b):
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.add(*args)
    return a(a, b), codegen


@intrinsic
def _isub(typingctx, a, b):
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.sub(*args)
    return a(a, b), codegen


@intrinsic
def _iand(typingctx, a, b):
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.and_(*args)
    return a(a, b), codegen


@intrinsic
def _ishl(typingctx, a, b):
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.shl(*args)
    return a(a, b), codegen


@intrinsic
def _isra(typingctx, a, b):
    """Arithmetic shift right."""
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.ashr(*args)
    return a(a, b), codegen


@intrinsic
def _iult(typingctx, a, b):
    """Unsigned a < b."""
    if not _same_int(a, b):
        return None

    def codegen(context, builder, sig, args):
        return builder.icmp_unsigned("<", *args)
    return types.boolean(a, b), codegen


@intrinsic
def _select(typingctx, c, a, b):
    """``a if c else b`` as one LLVM select, both sides evaluated.

    The functions here are inlined (``inline="always"``) and must not contain
    a conditional expression: Python 3.11 compiles one to a ``$phi``
    temporary, and when Numba inlines such a function twice into one kernel
    its SSA pass emits NumbaIRAssumptionWarning ("variable ... is not in
    scope", numba issues #7802, #8130). A select has no branch to inline.
    """
    if not (isinstance(c, types.Boolean) and a == b):
        return None

    def codegen(context, builder, sig, args):
        return builder.select(*args)
    return a(c, a, b), codegen


def _stub(name):
    def f(*args):
        raise NotImplementedError(f"{name}() is only callable from @njit code")
    f.__name__ = f.__qualname__ = name
    return f


def _by_dtype(f32, f64):
    def pick(x):
        if x == types.float32:
            return f32
        if x == types.float64:
            return f64
        return None
    return pick


like = _stub("like")


@overload(like, inline="always")
def _like_overload(x, v):
    """``v`` as a value of ``x``'s type (a Python float literal would make a
    float32 loop compute in float64)."""
    if x == types.float32:
        return lambda x, v: np.float32(v)
    if x == types.float64:
        return lambda x, v: np.float64(v)
    return None


_F32_INF = np.float32(np.inf)
_F32_NAN = np.float32(np.nan)

# ------------------------------------------------------------------- exp

vexp = _stub("vexp")


def _exp_f32(x):
    xc = min(max(x, np.float32(-104.0)), np.float32(89.0))
    k = np.rint(xc * np.float32(1.44269504088896341))
    r = _fma(k, np.float32(-0.693359375), xc)
    r = _fma(k, np.float32(2.12194440e-4), r)
    z = r * r
    p = _fma(np.float32(1.9875691500e-4), r, np.float32(1.3981999507e-3))
    p = _fma(p, r, np.float32(8.3334519073e-3))
    p = _fma(p, r, np.float32(4.1665795894e-2))
    p = _fma(p, r, np.float32(1.6666665459e-1))
    p = _fma(p, r, np.float32(5.0000001201e-1))
    p = _fma(p, z, r) + np.float32(1.0)
    ki = np.int32(k)
    k1 = _isra(ki, np.int32(1))
    s1 = _f32_from_bits(_ishl(_iadd(k1, np.int32(127)), np.int32(23)))
    s2 = _f32_from_bits(_ishl(_iadd(_isub(ki, k1), np.int32(127)), np.int32(23)))
    y = p * s1 * s2
    return _select(x != x, x, y)


def _exp_f64(x):
    xc = min(max(x, -746.0), 710.0)
    k = np.rint(xc * 1.4426950408889634073599)
    r = xc - k * 6.93145751953125e-1 - k * 1.42860682030941723212e-6
    z = r * r
    px = r * _fma(_fma(1.26177193074810590878e-4, z, 3.02994407707441961300e-2), z,
                  9.99999999999999999910e-1)
    qx = _fma(_fma(_fma(3.00198505138664455042e-6, z, 2.52448340349684104192e-3), z,
                   2.27265548208155028766e-1), z, 2.00000000000000000009e0)
    p = 1.0 + 2.0 * px / (qx - px)
    ki = np.int64(k)
    k1 = ki >> 1
    s1 = _f64_from_bits((k1 + np.int64(1023)) << 52)
    s2 = _f64_from_bits((ki - k1 + np.int64(1023)) << 52)
    y = p * s1 * s2
    return _select(x != x, x, y)


overload(vexp, inline="always")(_by_dtype(_exp_f32, _exp_f64))

# ------------------------------------------------------------------- expm1

vexpm1 = _stub("vexpm1")


def _expm1_f32(x):
    # k <= 128 and sh = 2**(k-1) stays finite; below -30 the result is -1
    xc = min(max(x, np.float32(-30.0)), np.float32(88.8))
    k = np.rint(xc * np.float32(1.44269504088896341))
    r = _fma(k, np.float32(-0.693359375), xc)
    r = _fma(k, np.float32(2.12194440e-4), r)
    z = r * r
    p = _fma(np.float32(1.9875691500e-4), r, np.float32(1.3981999507e-3))
    p = _fma(p, r, np.float32(8.3334519073e-3))
    p = _fma(p, r, np.float32(4.1665795894e-2))
    p = _fma(p, r, np.float32(1.6666665459e-1))
    p = _fma(p, r, np.float32(5.0000001201e-1))
    em = _fma(p, z, r)                       # expm1(r)
    sh = _f32_from_bits(_ishl(_iadd(np.int32(k), np.int32(126)), np.int32(23)))
    # 2**k expm1(r) + 2**k - 1 = 2 (sh em + sh - 1/2), one rounding
    y = np.float32(2.0) * _fma(sh, em, sh - np.float32(0.5))
    return _select(x != x, x, y)


def _expm1_f64(x):
    # fdlibm expm1: x = k ln2 + r + c (c: the rounding of r), expm1(r) from its
    # rational form, plus c exp(r)
    xc = min(max(x, -40.0), 709.9)
    k = np.rint(xc * 1.4426950408889634073599)
    hi = xc - k * 6.93147180369123816490e-01        # exact: ln2_hi has 32 bits
    lo = k * 1.90821492927058770002e-10
    r = hi - lo
    c = (hi - r) - lo
    hfx = 0.5 * r
    hxs = r * hfx
    r1 = _fma(hxs, _fma(hxs, _fma(hxs, _fma(hxs, _fma(
        hxs, -2.01099218183624371326e-07, 4.00821782732936239552e-06),
        -7.93650757867487942473e-05), 1.58730158725481460165e-03),
        -3.33333333333331316428e-02), 1.0)
    t = 3.0 - r1 * hfx
    e = hxs * ((r1 - t) / (6.0 - r * t))
    em = r - (r * e - hxs)
    em = _fma(c, em + 1.0, em)
    sh = _f64_from_bits(_ishl(_iadd(np.int64(k), np.int64(1022)), np.int64(52)))
    y = 2.0 * _fma(sh, em, sh - 0.5)
    return _select(x != x, x, y)


overload(vexpm1, inline="always")(_by_dtype(_expm1_f32, _expm1_f64))

# ------------------------------------------------------------------- log

vlog = _stub("vlog")
vlog_fast = _stub("vlog_fast")
log_fast_ok = _stub("log_fast_ok")


def _log_fast_f32(x):
    # x = 2**k m, m in [sqrt(2)/2, sqrt(2)); log(m) = f - f**2/2 + f**3 P(f), f = m - 1
    ix = _iadd(_f32_bits(x), np.int32(0x3f800000 - 0x3f3504f3))
    k = _iadd(_isra(ix, np.int32(23)), np.int32(-0x7f))
    m = _f32_from_bits(_iadd(_iand(ix, np.int32(0x007fffff)), np.int32(0x3f3504f3)))
    f = m - np.float32(1.0)
    dk = np.float32(k)
    z = f * f
    p = _fma(np.float32(7.0376836292e-2), f, np.float32(-1.1514610310e-1))
    p = _fma(p, f, np.float32(1.1676998740e-1))
    p = _fma(p, f, np.float32(-1.2420140846e-1))
    p = _fma(p, f, np.float32(1.4249322787e-1))
    p = _fma(p, f, np.float32(-1.6668057665e-1))
    p = _fma(p, f, np.float32(2.0000714765e-1))
    p = _fma(p, f, np.float32(-2.4999993993e-1))
    p = _fma(p, f, np.float32(3.3333331174e-1))
    y = p * f * z
    y = _fma(dk, np.float32(-2.12194440e-4), y)
    y = _fma(np.float32(-0.5), z, y)
    y = f + y
    return _fma(dk, np.float32(0.693359375), y)


def _log_fast_f64(x):
    ix = _iadd(_f64_bits(x), np.int64((0x3ff00000 - 0x3fe6a09e) << 32))
    k = _iadd(_isra(ix, np.int64(52)), np.int64(-0x3ff))
    m = _f64_from_bits(_iadd(_iand(ix, np.int64(0x000fffffffffffff)),
                             np.int64(0x3fe6a09e << 32)))
    return _log_tail_f64(m - 1.0, np.float64(k), 0.0)


@register_jitable(inline="always")
def _log_tail_f64(f, dk, c):
    # fdlibm: log(1 + f) + dk ln2 + c with s = f / (2 + f)
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * _fma(w, _fma(w, 1.531383769920937332e-01, 2.222219843214978396e-01),
                  3.999999999940941908e-01)
    t2 = z * _fma(w, _fma(w, _fma(w, 1.479819860511658591e-01, 1.818357216161805012e-01),
                          2.857142874366239149e-01), 6.666666666666735130e-01)
    return (s * (hfsq + t1 + t2) + _fma(dk, 1.90821492927058770002e-10, c) - hfsq + f
            + dk * 6.93147180369123816490e-01)


def _log_fast_ok_f32(x):
    # a positive normal finite number
    return _iult(_iadd(_f32_bits(x), np.int32(-0x00800000)), np.int32(0x7f000000))


def _log_fast_ok_f64(x):
    return _iult(_iadd(_f64_bits(x), np.int64(-0x0010000000000000)),
                 np.int64(0x7fe0000000000000))


def _log_f32(x):
    tiny = x < np.float32(1.17549435e-38)
    y = vlog_fast(_select(tiny, x * np.float32(33554432.0), x))   # subnormals: times 2**25
    y = _select(tiny, y - np.float32(17.328679513998633), y)        # 25 ln2
    y = _select(x < _F32_INF, y, x)                                  # +inf, nan
    y = _select(x < 0, _F32_NAN, y)
    return _select(x == 0, -_F32_INF, y)


def _log_f64(x):
    tiny = x < 2.2250738585072014e-308
    y = vlog_fast(_select(tiny, x * 18014398509481984.0, x))       # times 2**54
    y = _select(tiny, y - 37.42994775023705, y)                    # 54 ln2
    y = _select(x < np.inf, y, x)
    y = _select(x < 0, np.nan, y)
    return _select(x == 0, -np.inf, y)


overload(vlog_fast, inline="always")(_by_dtype(_log_fast_f32, _log_fast_f64))
overload(log_fast_ok, inline="always")(_by_dtype(_log_fast_ok_f32, _log_fast_ok_f64))
overload(vlog, inline="always")(_by_dtype(_log_f32, _log_f64))

# ------------------------------------------------------------------- log1p

vlog1p = _stub("vlog1p")
vlog1p_fast = _stub("vlog1p_fast")
log1p_fast_ok = _stub("log1p_fast_ok")


def _log1p_fast_f32(x):
    # musl log1pf without its branches: u = 1 + x = 2**k m, and c / u corrects
    # for the rounding of u (c is exact: Fast2Sum in the right order)
    u = np.float32(1.0) + x
    iu = _iadd(_f32_bits(u), np.int32(0x3f800000 - 0x3f3504f3))
    k = _iadd(_isra(iu, np.int32(23)), np.int32(-0x7f))
    m = _f32_from_bits(_iadd(_iand(iu, np.int32(0x007fffff)), np.int32(0x3f3504f3)))
    c = _select(k >= 2, np.float32(1.0) - (u - x), x - (u - np.float32(1.0)))
    f = m - np.float32(1.0)
    dk = np.float32(k)
    z = f * f
    p = _fma(np.float32(7.0376836292e-2), f, np.float32(-1.1514610310e-1))
    p = _fma(p, f, np.float32(1.1676998740e-1))
    p = _fma(p, f, np.float32(-1.2420140846e-1))
    p = _fma(p, f, np.float32(1.4249322787e-1))
    p = _fma(p, f, np.float32(-1.6668057665e-1))
    p = _fma(p, f, np.float32(2.0000714765e-1))
    p = _fma(p, f, np.float32(-2.4999993993e-1))
    p = _fma(p, f, np.float32(3.3333331174e-1))
    y = _fma(p * f, z, c / u)
    y = _fma(dk, np.float32(-2.12194440e-4), y)
    y = _fma(np.float32(-0.5), z, y)
    y = f + y
    return _fma(dk, np.float32(0.693359375), y)


def _log1p_fast_f64(x):
    u = 1.0 + x
    iu = _iadd(_f64_bits(u), np.int64((0x3ff00000 - 0x3fe6a09e) << 32))
    k = _iadd(_isra(iu, np.int64(52)), np.int64(-0x3ff))
    m = _f64_from_bits(_iadd(_iand(iu, np.int64(0x000fffffffffffff)),
                             np.int64(0x3fe6a09e << 32)))
    c = _select(k >= 2, 1.0 - (u - x), x - (u - 1.0))
    return _log_tail_f64(m - 1.0, np.float64(k), c / u)


def _log1p_fast_ok_f32(x):
    return (x > np.float32(-1.0)) & (x < _F32_INF)       # no short-circuit: see _select


def _log1p_fast_ok_f64(x):
    return (x > -1.0) & (x < np.inf)


def _log1p_f32(x):
    y = vlog1p_fast(x)
    y = _select(x < _F32_INF, y, x)                  # +inf, nan
    y = _select(x < np.float32(-1.0), _F32_NAN, y)
    return _select(x == np.float32(-1.0), -_F32_INF, y)


def _log1p_f64(x):
    y = vlog1p_fast(x)
    y = _select(x < np.inf, y, x)
    y = _select(x < -1.0, np.nan, y)
    return _select(x == -1.0, -np.inf, y)


overload(vlog1p_fast, inline="always")(_by_dtype(_log1p_fast_f32, _log1p_fast_f64))
overload(log1p_fast_ok, inline="always")(_by_dtype(_log1p_fast_ok_f32, _log1p_fast_ok_f64))
overload(vlog1p, inline="always")(_by_dtype(_log1p_f32, _log1p_f64))

# ------------------------------------------------------------------- sin, cos

vsin = _stub("vsin")
vcos = _stub("vcos")
sincos_ok = _stub("sincos_ok")

# Beyond these the reduction would need more digits of pi/2 (Payne-Hanek):
# kernels hand such elements (and nan, inf) to libm.
SINCOS_LIMIT_F32 = np.float32(131072.0)
SINCOS_LIMIT_F64 = 1647099.0          # about 2**20 pi/2


def _sincos_ok_f32(x):
    return abs(x) <= SINCOS_LIMIT_F32


def _sincos_ok_f64(x):
    return abs(x) <= SINCOS_LIMIT_F64


@register_jitable(inline="always")
def _reduce_f32(x):
    # r = x - q pi/2, pi/2 = 1.5707963 + 7.54979e-08 - 1.7151245e-15; the first
    # FMA is exact (a multiple of 2**-23 below 1), the others round once each
    q = np.rint(x * np.float32(0.636619772367581343))
    r = _fma(q, np.float32(-1.57079625129699707031), x)
    r = _fma(q, np.float32(-7.549790126404332e-08), r)
    r = _fma(q, np.float32(1.7151245100058819e-15), r)
    return q, r


@register_jitable(inline="always")
def _sin_poly_f32(r, r2):
    # numpy's minimax coefficients (0x1.7d3bbcp-19, -0x1.a06bbap-13, ...)
    s = _fma(np.float32(2.8404097e-06), r2, np.float32(-1.9856491e-04))
    s = _fma(s, r2, np.float32(8.333397e-03))
    s = _fma(s, r2, np.float32(-1.6666667e-01))
    return _fma(s * r2, r, r)


@register_jitable(inline="always")
def _cos_poly_f32(r2):
    c = _fma(np.float32(2.4372266e-05), r2, np.float32(-1.388652e-03))
    c = _fma(c, r2, np.float32(4.166662e-02))
    c = _fma(c, r2, np.float32(-0.5))
    return _fma(c, r2, np.float32(1.0))


def _sin_f32(x):
    q, r = _reduce_f32(x)
    iq = np.int32(q)
    r2 = r * r
    y = _select(_iand(iq, np.int32(1)) != 0, _cos_poly_f32(r2), _sin_poly_f32(r, r2))
    return _select(_iand(iq, np.int32(2)) != 0, -y, y)


def _cos_f32(x):
    q, r = _reduce_f32(x)
    iq = _iadd(np.int32(q), np.int32(1))
    r2 = r * r
    y = _select(_iand(iq, np.int32(1)) != 0, _cos_poly_f32(r2), _sin_poly_f32(r, r2))
    return _select(_iand(iq, np.int32(2)) != 0, -y, y)


@register_jitable(inline="always")
def _reduce_f64(x):
    # r = x - q pi/2 as a double-double y0 + y1; pi/2 = P1 + P2 + P3 (159 bits).
    # x - q P1 is exact in one FMA; q P2 is split exactly (TwoProduct), the
    # subtraction's rounding error recovered (TwoSum)
    q = np.rint(x * 6.36619772367581382433e-01)
    r1 = _fma(q, -1.5707963267948966, x)
    ph = q * 6.123233995736766e-17
    pl = _fma(q, 6.123233995736766e-17, -ph)
    r = r1 - ph
    bb = r - r1
    err = (r1 - (r - bb)) + (-ph - bb)
    tail = err - pl - q * -1.4973849048591698e-33
    y0 = r + tail
    y1 = (r - y0) + tail
    return q, y0, y1


@register_jitable(inline="always")
def _sin_kernel_f64(x, y):
    # fdlibm __kernel_sin with tail y, |x| <= pi/4
    z = x * x
    w = z * z
    r = _fma(z, _fma(z, 2.75573137070700676789e-06, -1.98412698298579493134e-04),
             8.33333333332248946124e-03) \
        + z * w * _fma(z, 1.58969099521155010221e-10, -2.50507602534068634195e-08)
    v = z * x
    return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01)


@register_jitable(inline="always")
def _cos_kernel_f64(x, y):
    # fdlibm __kernel_cos with tail y
    z = x * x
    w = z * z
    r = z * _fma(z, _fma(z, 2.48015872894767294178e-05, -1.38888888888741095749e-03),
                 4.16666666666666019037e-02) \
        + w * w * _fma(z, _fma(z, -1.13596475577881948265e-11, 2.08757232129817482790e-09),
                       -2.75573143513906633035e-07)
    hz = 0.5 * z
    w = 1.0 - hz
    return w + (((1.0 - w) - hz) + (z * r - x * y))


def _sin_f64(x):
    q, y0, y1 = _reduce_f64(x)
    iq = np.int64(q)
    y = _select(_iand(iq, np.int64(1)) != 0, _cos_kernel_f64(y0, y1), _sin_kernel_f64(y0, y1))
    return _select(_iand(iq, np.int64(2)) != 0, -y, y)


def _cos_f64(x):
    q, y0, y1 = _reduce_f64(x)
    iq = _iadd(np.int64(q), np.int64(1))
    y = _select(_iand(iq, np.int64(1)) != 0, _cos_kernel_f64(y0, y1), _sin_kernel_f64(y0, y1))
    return _select(_iand(iq, np.int64(2)) != 0, -y, y)


overload(vsin, inline="always")(_by_dtype(_sin_f32, _sin_f64))
overload(vcos, inline="always")(_by_dtype(_cos_f32, _cos_f64))
overload(sincos_ok, inline="always")(_by_dtype(_sincos_ok_f32, _sincos_ok_f64))

# ------------------------------------------------------------------- tanh

vtanh = _stub("vtanh")


# tanh(|x|) = expm1(2|x|) / (expm1(2|x|) + 2) (|x| capped where tanh rounds to
# 1); below 0.625, where that quotient's roundings weigh most, the Cephes odd
# polynomial (rational for float64).

def _tanh_f32(x):
    # expm1 keeps its relative accuracy near 0, so one formula covers every x
    a = min(abs(x), np.float32(10.0))
    em = vexpm1(a + a)
    y = em / (em + np.float32(2.0))
    y = _select(x < 0, -y, y)
    return _select(x != x, x, y)


def _tanh_f64(x):
    a = min(abs(x), 20.0)
    em = vexpm1(a + a)
    y = em / (em + 2.0)
    y = _select(x < 0, -y, y)
    z = x * x
    p = _fma(_fma(-9.64399179425052238628e-1, z, -9.92877231001918586564e1), z,
             -1.61468768441708447952e3)
    q = _fma(_fma(z + 1.12811678491632931402e2, z, 2.23548839060100448583e3), z,
             4.84406305325125486048e3)
    y = _select(a < 0.625, _fma(x * z, p / q, x), y)
    return _select(x != x, x, y)


overload(vtanh, inline="always")(_by_dtype(_tanh_f32, _tanh_f64))
