"""Kernels of ``jitgrad.nn.functional``: activations with a parameter,
softmax / log_softmax, dropout and linear's bias add.

Elementwise kernels take flat arrays and a preallocated ``out``; parameters
arrive already in the array's dtype so the loops stay in it. Softmax-type
kernels see the input as a flat C-contiguous (A, R, B) array reduced over R:
B == 1 (the last dim) walks contiguous rows, B > 1 runs the inner loop over
B with per-column running values in a scratch array.
"""
import math

import numpy as np

from .access import at
from .jit import kernel, reduction_kernel
from .vmath import like, vexp, vexpm1, vlog1p_fast, vtanh


# ------------------------------------------------------------------ leaky_relu

@kernel
def leaky_relu_forward(x, slope, out):
    for i in range(out.size):
        v = x[i]
        out[i] = v if v > 0 else v * slope


@kernel
def leaky_relu_backward(grad, x, slope, out):
    # x is the input (LeakyReluBackward0) or the result (LeakyReluBackward1):
    # for a non-negative slope both are positive at the same places
    for i in range(out.size):
        g = grad[i]
        out[i] = g if x[i] > 0 else g * slope


# ------------------------------------------------------------------ elu

@kernel
def elu_forward(x, alpha, out):
    for i in range(out.size):
        v = x[i]
        out[i] = v if v > 0 else vexpm1(v) * alpha


@kernel
def elu_backward(grad, x, alpha, out):
    # d elu / dx = alpha exp(x) for x <= 0. At nan: nan, as torch's vectorised loop
    # gives (its scalar loop, which small tensors take, passes grad)
    for i in range(out.size):
        v = x[i]
        out[i] = grad[i] if v > 0 else grad[i] * alpha * vexp(v)


@kernel
def elu_backward_result(grad, result, alpha, out):
    # from the result (EluBackward1): alpha exp(x) = result + alpha for x <= 0
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] if r > 0 else grad[i] * (r + alpha)


# ------------------------------------------------------------------ gelu

@kernel
def gelu_forward(x, out):
    # x Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2; float64 (libm's erf)
    for i in range(out.size):
        v = x[i]
        out[i] = v * 0.5 * (1.0 + math.erf(v * 0.7071067811865476))


@kernel
def gelu_backward(grad, x, out):
    # Phi(x) + x phi(x)
    for i in range(out.size):
        v = x[i]
        cdf = 0.5 * (1.0 + math.erf(v * 0.7071067811865476))
        pdf = vexp(-0.5 * v * v) * 0.3989422804014327
        out[i] = grad[i] * (cdf + v * pdf)


@kernel
def erf_f32(x):
    # erf for float32 as torch's vectorised kernels compute it (Abramowitz and
    # Stegun 7.1.26, |error| < 1.5e-7): vectorisable, unlike libm's erff
    one = np.float32(1)
    a = abs(x)
    t = one / (np.float32(0.3275911) * a + one)
    r = (((np.float32(1.061405429) * t - np.float32(1.453152027)) * t
          + np.float32(1.421413741)) * t - np.float32(0.284496736)) * t + np.float32(0.254829592)
    y = one - r * t * vexp(-a * a)
    return y if x >= 0 else -y


@kernel
def gelu_forward_f32(x, out):
    half = np.float32(0.5)
    for i in range(out.size):
        v = x[i]
        out[i] = v * half * (np.float32(1) + erf_f32(v * np.float32(0.7071067811865476)))


@kernel
def gelu_backward_f32(grad, x, out):
    half = np.float32(0.5)
    for i in range(out.size):
        v = x[i]
        cdf = half * (np.float32(1) + erf_f32(v * np.float32(0.7071067811865476)))
        pdf = vexp(-half * v * v) * np.float32(0.3989422804014327)
        out[i] = grad[i] * (cdf + v * pdf)


@kernel
def normal_pdf_mul(grad, x, out):
    # grad * phi(x): the derivative of Phi (used by gelu's double backward)
    for i in range(out.size):
        v = x[i]
        out[i] = grad[i] * (vexp(-0.5 * v * v) * 0.3989422804014327)


@kernel
def normal_cdf(x, out):
    for i in range(out.size):
        out[i] = 0.5 * (1.0 + math.erf(x[i] * 0.7071067811865476))


@kernel
def gelu_tanh_forward(x, out):
    # x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    for i in range(out.size):
        v = x[i]
        inner = 0.7978845608028654 * (v + 0.044715 * v * v * v)
        out[i] = 0.5 * v * (1.0 + vtanh(inner))


@kernel
def gelu_tanh_backward(grad, x, out):
    for i in range(out.size):
        v = x[i]
        v2 = v * v
        t = vtanh(0.7978845608028654 * (v + 0.044715 * v2 * v))
        left_d = 0.5 * (1.0 + t)
        right_d = 0.5 * v * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * v2)
        out[i] = grad[i] * (left_d + right_d)


# ------------------------------------------------------------------ silu

@kernel
def silu_forward(x, out):
    one = x.dtype.type(1)
    for i in range(out.size):
        v = x[i]
        out[i] = v / (one + vexp(-v))


@kernel
def silu_backward(grad, x, out):
    # s (1 + x (1 - s)), s = sigmoid(x)
    one = x.dtype.type(1)
    for i in range(out.size):
        v = x[i]
        s = one / (one + vexp(-v))
        out[i] = grad[i] * s * (one + v * (one - s))


# ------------------------------------------------------------------ softmax
#
# Loops index row views (``x[base:base + R]``) by their range variable:
# an index computed as ``base + r`` makes Numba handle negative indices,
# which keeps LLVM from vectorising. Each entry point dispatches to a rows
# (B == 1) or a columns (B > 1) kernel: Numba inlines ``vexp`` at every
# call site, and two inlined copies in one function trip its SSA checks.

@kernel
def row_max(row):
    # max of a non-empty row in eight independent lanes: a single running max
    # is one compare-select chain, bound by its latency. A NaN may or may not
    # win; either way exp(x - max) makes the row NaN.
    R = row.size
    m0 = row[0]
    if R < 16:
        for r in range(1, R):
            v = row[r]
            m0 = v if v > m0 else m0
        return m0
    m1, m2, m3 = row[1], row[2], row[3]
    m4, m5, m6, m7 = row[4], row[5], row[6], row[7]
    for k in range(1, R // 8):
        i = 8 * k
        v = row[i]
        m0 = v if v > m0 else m0
        v = row[i + 1]
        m1 = v if v > m1 else m1
        v = row[i + 2]
        m2 = v if v > m2 else m2
        v = row[i + 3]
        m3 = v if v > m3 else m3
        v = row[i + 4]
        m4 = v if v > m4 else m4
        v = row[i + 5]
        m5 = v if v > m5 else m5
        v = row[i + 6]
        m6 = v if v > m6 else m6
        v = row[i + 7]
        m7 = v if v > m7 else m7
    for r in range((R // 8) * 8, R):
        v = row[r]
        m0 = v if v > m0 else m0
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    m4 = m5 if m5 > m4 else m4
    m6 = m7 if m7 > m6 else m6
    m0 = m2 if m2 > m0 else m0
    m4 = m6 if m6 > m4 else m4
    return m4 if m4 > m0 else m0


@kernel
def columns_max(x, base, R, B, m):
    # m[b] = max_r x[base + r B + b]
    m[:] = x[base:base + B]
    for r in range(1, R):
        xr = x[base + r * B:base + (r + 1) * B]
        for b in range(B):
            v = xr[b]
            c = m[b]
            m[b] = v if v > c else c


@reduction_kernel
def _softmax_rows(x, A, R, out):
    for a in range(A):
        xr = x[a * R:(a + 1) * R]
        orow = out[a * R:(a + 1) * R]
        m = row_max(xr)
        s = out.dtype.type(0)
        for r in range(R):
            e = vexp(xr[r] - m)
            orow[r] = e
            s += e
        inv = out.dtype.type(1) / s
        for r in range(R):
            orow[r] *= inv


@reduction_kernel
def _softmax_columns(x, A, R, B, out, m, sums):
    for a in range(A):
        base = a * R * B
        columns_max(x, base, R, B, m)
        sums[:] = 0
        for r in range(R):
            xr = x[base + r * B:base + (r + 1) * B]
            orow = out[base + r * B:base + (r + 1) * B]
            for b in range(B):
                orow[b] = vexp(xr[b] - m[b])
            for b in range(B):
                sums[b] += orow[b]
        for b in range(B):
            sums[b] = 1 / sums[b]
        for r in range(R):
            orow = out[base + r * B:base + (r + 1) * B]
            for b in range(B):
                orow[b] *= sums[b]


@kernel
def softmax_forward(x, A, R, B, out, scratch, sums):
    # out = exp(x - max) / sum exp(x - max) over R. ``scratch`` and ``sums``
    # (B values of x's dtype) hold per-column running values when B > 1.
    # Sums accumulate in x's dtype as torch's (reassociated into vector lanes).
    if R == 0:
        return
    if B == 1:
        _softmax_rows(x, A, R, out)
    else:
        _softmax_columns(x, A, R, B, out, scratch, sums)


@reduction_kernel
def _log_softmax_rows(x, A, R, out):
    for a in range(A):
        xr = x[a * R:(a + 1) * R]
        orow = out[a * R:(a + 1) * R]
        m = row_max(xr)
        s = out.dtype.type(0)
        for r in range(R):
            s += vexp(xr[r] - m)
        # (x - max) - log(sum) as torch: adding max and log(sum) first would round
        # to the precision of max
        logs = out.dtype.type(math.log(s))
        for r in range(R):
            orow[r] = (xr[r] - m) - logs


@reduction_kernel
def _log_softmax_columns(x, A, R, B, out, m, sums):
    for a in range(A):
        base = a * R * B
        columns_max(x, base, R, B, m)
        sums[:] = 0
        for r in range(R):
            xr = x[base + r * B:base + (r + 1) * B]
            for b in range(B):
                sums[b] += vexp(xr[b] - m[b])
        for b in range(B):
            sums[b] = math.log(sums[b])
        for r in range(R):
            xr = x[base + r * B:base + (r + 1) * B]
            orow = out[base + r * B:base + (r + 1) * B]
            for b in range(B):
                orow[b] = (xr[b] - m[b]) - sums[b]


@kernel
def log_softmax_forward(x, A, R, B, out, scratch, sums):
    # out = x - max - log(sum exp(x - max)) over R
    if R == 0:
        return
    if B == 1:
        _log_softmax_rows(x, A, R, out)
    else:
        _log_softmax_columns(x, A, R, B, out, scratch, sums)


@reduction_kernel
def softmax_backward(grad, y, A, R, B, out, sums):
    # y (g - sum_R g y)
    if B == 1:
        for a in range(A):
            gr = grad[a * R:(a + 1) * R]
            yr = y[a * R:(a + 1) * R]
            orow = out[a * R:(a + 1) * R]
            s = y.dtype.type(0)
            for r in range(R):
                s += gr[r] * yr[r]
            for r in range(R):
                orow[r] = yr[r] * (gr[r] - s)
        return
    for a in range(A):
        base = a * R * B
        sums[:] = 0
        for r in range(R):
            gr = grad[base + r * B:base + (r + 1) * B]
            yr = y[base + r * B:base + (r + 1) * B]
            for b in range(B):
                sums[b] += gr[b] * yr[b]
        for r in range(R):
            gr = grad[base + r * B:base + (r + 1) * B]
            yr = y[base + r * B:base + (r + 1) * B]
            orow = out[base + r * B:base + (r + 1) * B]
            for b in range(B):
                orow[b] = yr[b] * (gr[b] - sums[b])


@reduction_kernel
def _log_softmax_backward_rows(grad, y, A, R, out):
    for a in range(A):
        gr = grad[a * R:(a + 1) * R]
        yr = y[a * R:(a + 1) * R]
        orow = out[a * R:(a + 1) * R]
        s = y.dtype.type(0)
        for r in range(R):
            s += gr[r]
        for r in range(R):
            orow[r] = gr[r] - vexp(yr[r]) * s


@reduction_kernel
def _log_softmax_backward_columns(grad, y, A, R, B, out, sums):
    for a in range(A):
        base = a * R * B
        sums[:] = 0
        for r in range(R):
            gr = grad[base + r * B:base + (r + 1) * B]
            for b in range(B):
                sums[b] += gr[b]
        for r in range(R):
            gr = grad[base + r * B:base + (r + 1) * B]
            yr = y[base + r * B:base + (r + 1) * B]
            orow = out[base + r * B:base + (r + 1) * B]
            for b in range(B):
                orow[b] = gr[b] - vexp(yr[b]) * sums[b]


@kernel
def log_softmax_backward(grad, y, A, R, B, out, sums):
    # g - exp(y) sum_R g
    if B == 1:
        _log_softmax_backward_rows(grad, y, A, R, out)
    else:
        _log_softmax_backward_columns(grad, y, A, R, B, out, sums)


# ------------------------------------------------------------------ dropout

@kernel
def dropout_forward(x, noise, keep, out):
    # noise (bernoulli draws, 0 or 1) becomes noise / keep in place, as torch's
    # noise.div_(1 - p); out = x * noise
    for i in range(out.size):
        n = noise[i] / keep
        noise[i] = n
        out[i] = x[i] * n


# ------------------------------------------------------------------ linear

@kernel
def transpose_add_bias(src, bias, out):
    # out[n, m] = src[m, n] + bias[m]: the (N, M) result of a product that
    # BLAS ran as (M, N), made C-contiguous with the bias added in the same pass
    M, N = src.shape
    for m in range(M):
        srow = src[m]
        b = bias[m]
        for n in range(N):
            out[n, m] = srow[n] + b


@kernel
def add_bias_rows(out, bias, N, M):
    # out[n, m] += bias[m] (bias: M values, or one scalar); row views keep
    # the indices non-negative for Numba, so the loop vectorises
    for n in range(N):
        orow = out[n * M:(n + 1) * M]
        for m in range(M):
            orow[m] += at(bias, m)


# ------------------------------------------------------------------ hardtanh, relu6
# (jitgrad/ops/activations_extra.py)

@kernel
def hardtanh_forward(x, lo, hi, out):
    for i in range(out.size):
        v = x[i]
        out[i] = lo if v < lo else (hi if v > hi else v)


@kernel
def hardtanh_backward(grad, x, lo, hi, out):
    # zero at and outside the bounds; nan passes grad, as torch
    for i in range(out.size):
        v = x[i]
        out[i] = like(v, 0.0) if (v <= lo or v >= hi) else grad[i]


# ------------------------------------------------------------------ hardsigmoid, hardswish

@kernel
def hardsigmoid_forward(x, out):
    for i in range(out.size):
        v = x[i] + like(x[i], 3.0)
        v = like(v, 0.0) if v < like(v, 0.0) else v
        v = like(v, 6.0) if v > like(v, 6.0) else v
        out[i] = v / like(v, 6.0)


@kernel
def hardsigmoid_backward(grad, x, out):
    # torch multiplies by 1/6 rounded to float32, in float64 too
    for i in range(out.size):
        v = x[i]
        out[i] = grad[i] * like(v, 0.1666666716337204) \
            if (v > like(v, -3.0) and v < like(v, 3.0)) else like(v, 0.0)


@kernel
def hardswish_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        v = xi + like(xi, 3.0)
        v = like(v, 0.0) if v < like(v, 0.0) else v
        v = like(v, 6.0) if v > like(v, 6.0) else v
        out[i] = xi * v / like(v, 6.0)


@kernel
def hardswish_backward(grad, x, out):
    for i in range(out.size):
        v = x[i]
        if v < like(v, -3.0):
            out[i] = like(v, 0.0)
        elif v <= like(v, 3.0):
            out[i] = grad[i] * (v / like(v, 3.0) + like(v, 0.5))
        else:
            out[i] = grad[i]


# ------------------------------------------------------------------ mish, logsigmoid

@kernel
def mish_forward(x, out):
    # x tanh(log1p(exp(x))), with tanh(log(1 + e)) = n / (n + 2), n = e (e + 2): one exp
    # (one vmath function keeps the compile cheap); 1 past x = 20, where it rounds to 1
    for i in range(out.size):
        v = x[i]
        e = vexp(v)
        n = e * (e + like(v, 2.0))
        t = like(v, 1.0) if v > like(v, 20.0) else n / (n + like(v, 2.0))
        out[i] = v * t


@kernel
def mish_backward(grad, x, out):
    # t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x)), from the same e = exp(x):
    # sigmoid = e / (1 + e), 1 - t^2 = 4 (n + 1) / (n + 2)^2
    for i in range(out.size):
        v = x[i]
        one = like(v, 1.0)
        two = like(v, 2.0)
        if v > like(v, 20.0):
            # t rounds to 1: torch's x sigmoid(x) (1 - t^2) is x * 0, nan at x = inf
            out[i] = grad[i] * (one + v * like(v, 0.0))
        else:
            e = vexp(v)
            n = e * (e + two)
            d = n + two
            out[i] = grad[i] * (n / d + v * (e / (one + e)) * (like(v, 4.0) * (n + one) / (d * d)))


@kernel
def log_sigmoid_forward(x, out):
    # min(x, 0) - log1p(exp(-|x|))
    for i in range(out.size):
        v = x[i]
        m = v if v < like(v, 0.0) else like(v, 0.0)
        out[i] = m - vlog1p_fast(vexp(-abs(v)))          # (its argument is in (0, 1])


@kernel
def log_sigmoid_backward(grad, x, out):
    # sigmoid(-x), from z = exp(-|x|): 1 - z / (1 + z) for x < 0, else z / (1 + z)
    for i in range(out.size):
        v = x[i]
        one = like(v, 1.0)
        z = vexp(-abs(v))
        q = z / (one + z)
        out[i] = grad[i] * (one - q if v < like(v, 0.0) else q)


# ------------------------------------------------------------------ selu, celu (torch's elu
# with scale and input_scale; the gradient's input_scale is its own parameter: torch's
# celu takes 1 / float32(alpha) there, not 1 / alpha)

@kernel
def elu_scaled_forward(x, alpha, scale, input_scale, grad_input_scale, out):
    negcoef = alpha * scale
    for i in range(out.size):
        v = x[i]
        out[i] = v * scale if v > like(v, 0.0) else vexpm1(v * input_scale) * negcoef


@kernel
def elu_scaled_backward(grad, x, alpha, scale, input_scale, grad_input_scale, out):
    negcoef = alpha * scale
    for i in range(out.size):
        v = x[i]
        out[i] = grad[i] * scale if v > like(v, 0.0) \
            else grad[i] * grad_input_scale * negcoef * vexp(v * grad_input_scale)


@kernel
def elu_scaled_backward_result(grad, result, alpha, scale, input_scale, grad_input_scale, out):
    negcoef = alpha * scale
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * scale if r > like(r, 0.0) \
            else grad[i] * grad_input_scale * (r + negcoef)


# ------------------------------------------------------------------ threshold, hardshrink,
# softshrink

@kernel
def threshold_forward(x, threshold, value, out):
    for i in range(out.size):
        v = x[i]
        out[i] = value if v <= threshold else v


@kernel
def threshold_param_backward(grad, x, threshold, value, out):
    # zero where the input is <= threshold; nan passes grad
    for i in range(out.size):
        out[i] = like(grad[i], 0.0) if x[i] <= threshold else grad[i]


@kernel
def hardshrink_forward(x, lambd, out):
    for i in range(out.size):
        v = x[i]
        out[i] = like(v, 0.0) if (v >= -lambd and v <= lambd) else v


@kernel
def softshrink_forward(x, lambd, out):
    for i in range(out.size):
        v = x[i]
        out[i] = v - lambd if v > lambd else (v + lambd if v < -lambd else v * like(v, 0.0))


@kernel
def shrink_backward(grad, x, lambd, out):
    for i in range(out.size):
        v = x[i]
        out[i] = like(v, 0.0) if (v >= -lambd and v <= lambd) else grad[i]
