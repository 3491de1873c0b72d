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
from .vmath import vexp, vtanh


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
        out[i] = v if v > 0 else math.expm1(v) * alpha


@kernel
def elu_backward(grad, x, alpha, out):
    # d elu / dx = alpha exp(x) for x <= 0
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
    # x Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2
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
# Each entry point dispatches to a rows (B == 1) or a columns (B > 1)
# kernel: Numba inlines ``vexp`` at every call site, and two inlined copies
# in one function trip its SSA checks.

@reduction_kernel
def _softmax_rows(x, A, R, out):
    for a in range(A):
        base = a * R
        m = x[base]
        for r in range(1, R):
            m = max(m, x[base + r])
        s = 0.0
        for r in range(R):
            e = vexp(x[base + r] - m)
            out[base + r] = e
            s += e
        inv = out.dtype.type(1.0 / s)
        for r in range(R):
            out[base + r] *= inv


@reduction_kernel
def _softmax_columns(x, A, R, B, out, scratch, sums):
    for a in range(A):
        base = a * R * B
        for b in range(B):
            scratch[b] = x[base + b]
            sums[b] = 0.0
        for r in range(1, R):
            row = base + r * B
            for b in range(B):
                scratch[b] = max(scratch[b], x[row + b])
        for r in range(R):
            row = base + r * B
            for b in range(B):
                e = vexp(x[row + b] - scratch[b])
                out[row + b] = e
                sums[b] += e
        for b in range(B):
            scratch[b] = 1.0 / sums[b]
        for r in range(R):
            row = base + r * B
            for b in range(B):
                out[row + b] *= scratch[b]


@kernel
def softmax_forward(x, A, R, B, out, scratch, sums):
    # out = exp(x - max) / sum exp(x - max) over R. ``scratch`` (B, x's dtype)
    # and ``sums`` (B, float64) hold per-column running values when B > 1.
    if R == 0:
        return
    if B == 1:
        _softmax_rows(x, A, R, out)
    else:
        _softmax_columns(x, A, R, B, out, scratch, sums)


@reduction_kernel
def _log_softmax_rows(x, A, R, out):
    for a in range(A):
        base = a * R
        m = x[base]
        for r in range(1, R):
            m = max(m, x[base + r])
        s = 0.0
        for r in range(R):
            s += vexp(x[base + r] - m)
        # (x - max) - log(sum) as torch: adding max and log(sum) first would round
        # to the precision of max
        logs = out.dtype.type(math.log(s))
        for r in range(R):
            out[base + r] = (x[base + r] - m) - logs


@reduction_kernel
def _log_softmax_columns(x, A, R, B, out, scratch, sums):
    for a in range(A):
        base = a * R * B
        for b in range(B):
            scratch[b] = x[base + b]
            sums[b] = 0.0
        for r in range(1, R):
            row = base + r * B
            for b in range(B):
                scratch[b] = max(scratch[b], x[row + b])
        for r in range(R):
            row = base + r * B
            for b in range(B):
                sums[b] += vexp(x[row + b] - scratch[b])
        for b in range(B):
            sums[b] = math.log(sums[b])
        for r in range(R):
            row = base + r * B
            for b in range(B):
                out[row + b] = (x[row + b] - scratch[b]) - out.dtype.type(sums[b])


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
            base = a * R
            s = 0.0
            for r in range(R):
                s += grad[base + r] * y[base + r]
            sd = y.dtype.type(s)
            for r in range(R):
                out[base + r] = y[base + r] * (grad[base + r] - sd)
        return
    for a in range(A):
        base = a * R * B
        for b in range(B):
            sums[b] = 0.0
        for r in range(R):
            row = base + r * B
            for b in range(B):
                sums[b] += grad[row + b] * y[row + b]
        for r in range(R):
            row = base + r * B
            for b in range(B):
                out[row + b] = y[row + b] * (grad[row + b] - sums[b])


@reduction_kernel
def _log_softmax_backward_rows(grad, y, A, R, out):
    for a in range(A):
        base = a * R
        s = 0.0
        for r in range(R):
            s += grad[base + r]
        sd = y.dtype.type(s)
        for r in range(R):
            out[base + r] = grad[base + r] - vexp(y[base + r]) * sd


@reduction_kernel
def _log_softmax_backward_columns(grad, y, A, R, B, out, sums):
    for a in range(A):
        base = a * R * B
        for b in range(B):
            sums[b] = 0.0
        for r in range(R):
            row = base + r * B
            for b in range(B):
                sums[b] += grad[row + b]
        for r in range(R):
            row = base + r * B
            for b in range(B):
                out[row + b] = grad[row + b] - vexp(y[row + b]) * sums[b]


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
def add_bias_rows(out, bias, N, M):
    # out[n, m] += bias[m] (bias: M values, or one scalar)
    for n in range(N):
        base = n * M
        for m in range(M):
            out[base + m] += at(bias, m)
