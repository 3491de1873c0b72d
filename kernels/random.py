"""The random number kernels: torch's CPU generator, reproduced bit for bit.

The engine is the 32-bit Mersenne Twister (mt19937) as ATen runs it: a
state of 624 words ``mt`` (uint32) and a cursor ``pos = [left, next]``
(int64) with ATen's bookkeeping (after seeding ``left == 1``, so the first
draw twists). ``random64`` is two draws, the first one the high word.

Every distribution draws the words it needs into a small buffer
(``mt_fill``, CHUNK words at a time) and transforms them in the order
ATen's kernels consume them one by one:
- uniform float32: the low 24 bits of one word times 2**-24; float64: the
  low 53 bits of a random64 times 2**-53; ``uniform_(a, b)`` scales with a
  fused multiply-add, fma(u, b - a, a), and maps ``b`` itself to ``a``.
- normal, contiguous and at least 16 elements (ATen's ``normal_fill``):
  one uniform per element, then Box-Muller on blocks of 16 (the first 8
  values are u1, the next 8 u2); when 16 does not divide the size, the
  last 16 elements are drawn again and transformed as one more block. The
  float32 block is ATen's AVX2 code (Cephes log and sincos of
  avx_mathfun.h, with the FMAs GCC formed in torch's build); float64 uses
  libm's log, sin and cos. Both end with fma(r cos(theta), std, mean).
- normal, otherwise (``normal_distribution<double>``): pairs of random64
  uniforms, r = sqrt(-2 log1p(-u2)), theta = 2 pi u1; r cos(theta) is
  returned and r sin(theta) cached in the generator for the next draw
  (each becomes fma(sample, std, mean), rounded to the tensor's dtype).
- integers in [base, base + range): random() % range, or random64() %
  range once range >= 2**28; randperm swaps with random() % (n - i).
- bernoulli: a uniform (float64 from random64, or float32 from random()
  for a float32 probability tensor) compared ``u < p``.
- exponential: a float64 uniform from a random64 per element,
  (-1 / lambda) * log1p(-u) (torch 2.13 has its MKL path compiled out).
- multinomial with replacement: cumulative sums in the input's dtype, one
  float64 uniform per sample, binary search.
"""
import math

import numpy as np
from numba import types
from numba.extending import intrinsic

from .jit import kernel


@intrinsic
def _fma(typingctx, a, b, c):
    # a * b + c with one rounding (llvm.fma: a vfmadd instruction here)
    if not (isinstance(a, types.Float) and a == b == c):
        return None

    def codegen(context, builder, sig, args):
        return builder.fma(*args)
    return a(a, b, c), codegen


# bit casts between float32 and int32, shared with the vectorised math
from .vmath import _f32_bits as _bits, _f32_from_bits as _float  # noqa: E402


# ---------------------------------------------------------------- engine

@kernel
def mt_seed(mt, pos, seed):
    x = seed & 0xFFFFFFFF
    mt[0] = x
    for j in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        mt[j] = x
    pos[0] = 1
    pos[1] = 0


@kernel
def mt_twist(mt):
    for k in range(227):
        y = (np.int64(mt[k]) & 0x80000000) | (np.int64(mt[k + 1]) & 0x7FFFFFFF)
        mt[k] = np.int64(mt[k + 397]) ^ (y >> 1) ^ ((y & 1) * 0x9908B0DF)
    for k in range(227, 623):
        y = (np.int64(mt[k]) & 0x80000000) | (np.int64(mt[k + 1]) & 0x7FFFFFFF)
        mt[k] = np.int64(mt[k - 227]) ^ (y >> 1) ^ ((y & 1) * 0x9908B0DF)
    y = (np.int64(mt[623]) & 0x80000000) | (np.int64(mt[0]) & 0x7FFFFFFF)
    mt[623] = np.int64(mt[396]) ^ (y >> 1) ^ ((y & 1) * 0x9908B0DF)


@kernel
def mt_fill(mt, pos, out):
    """The next ``out.size`` 32-bit draws, tempered, into ``out`` (uint32)."""
    left = pos[0]
    nxt = pos[1]
    n = out.size
    i = 0
    while i < n:
        if left == 1:
            mt_twist(mt)
            left = 625
            nxt = 0
        k = min(left - 1, n - i)
        for j in range(k):
            y = np.int64(mt[nxt + j])
            y ^= y >> 11
            y ^= (y << 7) & 0x9D2C5680
            y ^= (y << 15) & 0xEFC60000
            y ^= y >> 18
            out[i + j] = y
        i += k
        nxt += k
        left -= k
    pos[0] = left
    pos[1] = nxt


# Words are drawn CHUNK at a time into a small buffer: it stays in cache,
# and no large temporary (and its fresh pages) is ever allocated.
CHUNK = 4096


@kernel
def _u24(w):
    # uniform_real_distribution<float>(0, 1) of one word: exact, in [0, 1)
    return np.float32(np.int64(w) & 0xFFFFFF) * np.float32(5.9604644775390625e-08)


@kernel
def _u53(hi, lo):
    # uniform_real_distribution<double>(0, 1) of random64 = (hi << 32) | lo
    v = ((np.int64(hi) & 0x1FFFFF) << 32) | np.int64(lo)
    return np.float64(v) * 1.1102230246251565e-16


@kernel
def _u64(hi, lo):
    return (np.uint64(hi) << np.uint64(32)) | np.uint64(lo)


@kernel
def skip(mt, pos, n):
    """Draw and discard n words."""
    w = np.empty(min(n, CHUNK), np.uint32)
    for s in range(0, n, CHUNK):
        mt_fill(mt, pos, w[:min(CHUNK, n - s)])


# ---------------------------------------------------------------- uniform

@kernel
def uniform_f32(mt, pos, out, lo64, hi64):
    # ATen's bounds are float32 (static_cast<float> of the doubles given)
    lo = np.float32(lo64)
    hi = np.float32(hi64)
    n = out.size
    w = np.empty(min(n, CHUNK), np.uint32)
    span = hi - lo
    for s in range(0, n, CHUNK):
        k = min(CHUNK, n - s)
        mt_fill(mt, pos, w[:k])
        for i in range(k):
            v = _fma(_u24(w[i]), span, lo)
            out[s + i] = lo if v == hi else v


@kernel
def uniform_f64(mt, pos, out, lo, hi):
    n = out.size
    half = CHUNK // 2
    w = np.empty(2 * min(n, half), np.uint32)
    span = hi - lo
    for s in range(0, n, half):
        k = min(half, n - s)
        mt_fill(mt, pos, w[:2 * k])
        for i in range(k):
            v = _fma(_u53(w[2 * i], w[2 * i + 1]), span, lo)
            out[s + i] = lo if v == hi else v


# ---------------------------------------------------------------- normal

@kernel
def _box_muller_f32(a, b, count, mean, std):
    """ATen's AVX2 NormalFill16 for float32, lane by lane: a[t] is the u1 and
    b[t] the u2 of lane t < count; they become the cosine and the sine sample. The
    arithmetic is avx_mathfun's log256_ps and sincos256_ps (Cephes) with
    the multiply-adds GCC fused in torch's build, so every rounding is
    torch's; the loop is branch-free so LLVM vectorises it."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for t in range(count):
        # log(1 - u1): exponent and mantissa in [0.5, 1), shifted to
        # [sqrt(1/2) - 1, sqrt(2) - 1), then the Cephes polynomial
        x = one - a[t]
        bits = _bits(x)
        e = np.float32((bits >> 23) - 127) + one
        x = _float(np.int32((bits & np.int32(-2139095041)) | np.int32(0x3F000000)))
        small = x < np.float32(0.70710677)
        e = e - (one if small else zero)
        x = (x + np.float32(-1.0)) + (x if small else zero)
        z = x * x
        y = _fma(np.float32(0.070376836), x, np.float32(-0.1151461))
        y = _fma(y, x, np.float32(0.116769984))
        y = _fma(y, x, np.float32(-0.12420141))
        y = _fma(y, x, np.float32(0.14249323))
        y = _fma(y, x, np.float32(-0.16668057))
        y = _fma(y, x, np.float32(0.20000714))
        y = _fma(y, x, np.float32(-0.24999994))
        y = _fma(y, x, np.float32(0.3333333))
        y = x * y
        y = _fma(y, z, e * np.float32(-2.1219444e-4))
        y = _fma(-z, np.float32(0.5), y)
        log = _fma(e, np.float32(0.693359375), x + y)
        radius = np.sqrt(log * np.float32(-2.0))
        # sin and cos of theta = 2 pi u2 >= 0: octant j, x reduced by j pi/4
        # in three parts, a polynomial for each function on [-pi/4, pi/4]
        x = np.float32(6.2831855) * b[t]
        j = np.int32(x * np.float32(1.2732395))
        j = (j + np.int32(1)) & np.int32(-2)
        y = np.float32(j)
        sign_sin = np.int32((j & np.int32(4)) << 29)
        sign_cos = np.int32((~(j - np.int32(2)) & np.int32(4)) << 29)
        sin_poly = (j & np.int32(2)) == 0
        x = _fma(y, np.float32(-0.78515625), x)
        x = _fma(np.float32(-2.4187564849853515625e-4), y, x)
        x = _fma(y, np.float32(-3.7748950e-8), x)
        z = x * x
        c = _fma(np.float32(2.4433157e-05), z, np.float32(-0.0013887316))
        c = _fma(c, z, np.float32(0.041666646))
        c = z * c
        c = _fma(z, c, -(z * np.float32(0.5)))
        c = c + one
        s = _fma(np.float32(-1.9515296e-4), z, np.float32(0.008332161))
        s = _fma(s, z, np.float32(-0.16666655))
        s = z * s
        s = _fma(s, x, x)
        # the selects are and/andnot masks plus additions of the other zero
        ysin2 = s if sin_poly else zero
        ysin1 = zero if sin_poly else c
        sin = _float(np.int32(_bits(ysin1 + ysin2) ^ sign_sin))
        cos = _float(np.int32(_bits((s - ysin2) + (c - ysin1)) ^ sign_cos))
        a[t] = _fma(radius * cos, std, mean)
        b[t] = _fma(radius * sin, std, mean)


@kernel
def _box_muller16_f64(d, o, mean, std):
    for j in range(8):
        u1 = 1.0 - d[o + j]
        radius = math.sqrt(-2.0 * math.log(u1))
        theta = 6.283185307179586 * d[o + j + 8]
        d[o + j] = _fma(radius * math.cos(theta), std, mean)
        d[o + j + 8] = _fma(radius * math.sin(theta), std, mean)


@kernel
def normal_fill_f32(mt, pos, out, mean64, std64):
    """normal_fill for a contiguous float32 ``out`` of at least 16 elements.
    Block b of 16 holds u1 in its first 8 elements and u2 in the last 8;
    the lanes are gathered into two arrays so the transform vectorises."""
    mean = np.float32(mean64)
    std = np.float32(std64)
    n = out.size
    nb = n // 16
    r = n % 16
    per = CHUNK // 16
    m = min(per, nb)
    w = np.empty(max(16 * m, r + 16), np.uint32)
    a = np.empty(max(8 * m, 8), np.float32)
    b = np.empty(max(8 * m, 8), np.float32)
    for s in range(0, nb, per):
        m = min(per, nb - s)
        mt_fill(mt, pos, w[:16 * m])
        for blk in range(m):
            for j in range(8):
                a[8 * blk + j] = _u24(w[16 * blk + j])
                b[8 * blk + j] = _u24(w[16 * blk + 8 + j])
        _box_muller_f32(a, b, 8 * m, mean, std)
        o = 16 * s
        for blk in range(m):
            for j in range(8):
                out[o + 16 * blk + j] = a[8 * blk + j]
                out[o + 16 * blk + 8 + j] = b[8 * blk + j]
    if r:
        # ATen draws a uniform for every element first, then draws the last
        # 16 elements again and transforms them as one more block
        mt_fill(mt, pos, w[:r + 16])
        for j in range(8):
            a[j] = _u24(w[r + j])
            b[j] = _u24(w[r + 8 + j])
        _box_muller_f32(a, b, 8, mean, std)
        for j in range(8):
            out[n - 16 + j] = a[j]
            out[n - 8 + j] = b[j]


@kernel
def normal_fill_f64(mt, pos, out, mean, std):
    n = out.size
    nb = n // 16
    r = n % 16
    per = CHUNK // 32
    w = np.empty(max(32 * min(per, nb), 2 * (r + 16)), np.uint32)
    for s in range(0, nb, per):
        m = min(per, nb - s)
        mt_fill(mt, pos, w[:32 * m])
        o = 16 * s
        for i in range(16 * m):
            out[o + i] = _u53(w[2 * i], w[2 * i + 1])
        for blk in range(m):
            _box_muller16_f64(out, o + 16 * blk, mean, std)
    if r:
        mt_fill(mt, pos, w[:2 * (r + 16)])
        for j in range(16):
            k = r + j
            out[n - 16 + j] = _u53(w[2 * k], w[2 * k + 1])
        _box_muller16_f64(out, n - 16, mean, std)


@kernel
def normal_serial(mt, pos, cache, out, mean, std):
    """normal_distribution<double> element by element (``out`` float32 or
    float64, in iteration order); ``cache = [valid, value]`` is the
    generator's cached second Box-Muller sample."""
    n = out.size
    have = cache[0] != 0.0
    pairs = (n - (1 if have else 0) + 1) // 2
    per = CHUNK // 4
    w = np.empty(4 * min(pairs, per), np.uint32)
    k = 0
    avail = 0
    for i in range(n):
        if have:
            out[i] = _fma(cache[1], std, mean)
            have = False
            continue
        if k == avail:
            m = min(per, pairs)
            pairs -= m
            avail = 4 * m
            k = 0
            mt_fill(mt, pos, w[:avail])
        u1 = _u53(w[k], w[k + 1])
        u2 = _u53(w[k + 2], w[k + 3])
        k += 4
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 6.283185307179586 * u1
        cache[1] = r * math.sin(theta)
        have = True
        out[i] = _fma(r * math.cos(theta), std, mean)
    cache[0] = 1.0 if have else 0.0


# ---------------------------------------------------------------- integers

@kernel
def random_from_to(mt, pos, out, span_bits, base):
    """base + (random() % span), or random64() % span for span >= 2**28;
    ``span`` is a uint64 (to - from wraps for the full int64 range), given
    as the int64 with its bits."""
    span = np.uint64(span_bits)
    n = out.size
    if span >= np.uint64(1 << 28):
        half = CHUNK // 2
        w = np.empty(2 * min(n, half), np.uint32)
        ubase = np.uint64(base)
        for s in range(0, n, half):
            k = min(half, n - s)
            mt_fill(mt, pos, w[:2 * k])
            for i in range(k):
                out[s + i] = np.int64((_u64(w[2 * i], w[2 * i + 1]) % span) + ubase)
    else:
        w = np.empty(min(n, CHUNK), np.uint32)
        sp = np.int64(span)
        for s in range(0, n, CHUNK):
            k = min(CHUNK, n - s)
            mt_fill(mt, pos, w[:k])
            for i in range(k):
                out[s + i] = np.int64(w[i]) % sp + base


@kernel
def randperm_small(mt, pos, out):
    # swap element i with one of i..n-1, chosen by random() % (n - i)
    n = out.size
    for i in range(n):
        out[i] = i
    m = n - 1
    w = np.empty(max(0, min(m, CHUNK)), np.uint32)
    for s in range(0, m, CHUNK):
        k = min(CHUNK, m - s)
        mt_fill(mt, pos, w[:k])
        for q in range(k):
            i = s + q
            z = np.int64(w[q]) % (n - i) + i
            t = out[i]
            out[i] = out[z]
            out[z] = t


@kernel
def randperm_large(mt, pos, out):
    # the inside-out Fisher-Yates shuffle, with random64() % (i + 1)
    n = out.size
    half = CHUNK // 2
    w = np.empty(2 * min(n, half), np.uint32)
    for s in range(0, n, half):
        k = min(half, n - s)
        mt_fill(mt, pos, w[:2 * k])
        for q in range(k):
            i = s + q
            z = np.int64(_u64(w[2 * q], w[2 * q + 1]) % np.uint64(i + 1))
            out[i] = out[z]
            out[z] = i


# ---------------------------------------------------------------- bernoulli

@kernel
def bernoulli_scalar(mt, pos, out, p):
    n = out.size
    half = CHUNK // 2
    w = np.empty(2 * min(n, half), np.uint32)
    for s in range(0, n, half):
        k = min(half, n - s)
        mt_fill(mt, pos, w[:2 * k])
        for i in range(k):
            out[s + i] = 1 if _u53(w[2 * i], w[2 * i + 1]) < p else 0


@kernel
def bernoulli_f64(mt, pos, out, p):
    # p: float64 probabilities, one per element of out, in iteration order
    n = out.size
    half = CHUNK // 2
    w = np.empty(2 * min(n, half), np.uint32)
    for s in range(0, n, half):
        k = min(half, n - s)
        mt_fill(mt, pos, w[:2 * k])
        for i in range(k):
            out[s + i] = 1 if _u53(w[2 * i], w[2 * i + 1]) < p[s + i] else 0


@kernel
def bernoulli_f32(mt, pos, out, p):
    n = out.size
    w = np.empty(min(n, CHUNK), np.uint32)
    for s in range(0, n, CHUNK):
        k = min(CHUNK, n - s)
        mt_fill(mt, pos, w[:k])
        for i in range(k):
            out[s + i] = 1 if _u24(w[i]) < p[s + i] else 0


# ---------------------------------------------------------------- exponential, multinomial

@kernel
def exponential(mt, pos, out, lambd):
    """exponential_distribution<double>, element by element (``out`` float32
    or float64, in iteration order): u from a random64 as uniform float64,
    (-1 / lambd) * log1p(-u) in float64 (libm's log1p), rounded to out's
    dtype. Two words per element whatever the dtype; ATen's MKL path for
    this op is compiled out in torch 2.13 (pytorch issue 132395)."""
    n = out.size
    half = CHUNK // 2
    w = np.empty(2 * min(n, half), np.uint32)
    scale = -1.0 / lambd
    for s in range(0, n, half):
        k = min(half, n - s)
        mt_fill(mt, pos, w[:2 * k])
        for i in range(k):
            out[s + i] = scale * math.log1p(-_u53(w[2 * i], w[2 * i + 1]))


@kernel
def multinomial_with_replacement(mt, pos, probs, n_sample, out, cum):
    """ATen's multinomial_with_replacement_apply for ``probs`` (rows, n_cat)
    float32/float64 and ``out`` (rows, n_sample) int64; ``cum`` a scratch of
    n_cat in probs' dtype. Row by row: the running sum in probs' dtype
    (checking each entry as it goes), the cumulative sums divided by the
    total, the last bucket set to 1; then per sample one uniform float64
    from a random64 and a binary search for the first bucket >= it.
    Returns 0, or 1 (an entry < 0 or NaN), 2 (an infinity), 3 (sum <= 0)
    after the rows before the bad one have drawn, as in ATen."""
    rows = probs.shape[0]
    n_cat = probs.shape[1]
    half = CHUNK // 2
    w = np.empty(2 * min(n_sample, half), np.uint32)
    zero = np.zeros(1, probs.dtype)[0]
    for r in range(rows):
        total = zero
        for j in range(n_cat):
            v = probs[r, j]
            if not v >= 0:
                return 1
            if v == np.inf:
                return 2
            total += v
            cum[j] = total
        if not total > 0:
            return 3
        for j in range(n_cat):
            cum[j] = cum[j] / total
        cum[n_cat - 1] = 1
        for s in range(0, n_sample, half):
            k = min(half, n_sample - s)
            mt_fill(mt, pos, w[:2 * k])
            for i in range(k):
                u = _u53(w[2 * i], w[2 * i + 1])
                lo = 0
                hi = n_cat
                while hi - lo > 0:
                    mid = lo + (hi - lo) // 2
                    if cum[mid] < u:
                        lo = mid + 1
                    else:
                        hi = mid
                out[r, s + i] = lo
    return 0
