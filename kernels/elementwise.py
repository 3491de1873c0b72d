"""Elementwise kernels: forward and backward side by side.

All arrays are flat and C-contiguous; the graph layer ravels and
broadcasts. Binary kernels take ``at``-accessed operands, so either side
may also be a scalar of the output's dtype. A backward kernel computes one
input's gradient ("grad" is the incoming gradient), like one line of
derivatives.yaml; where a formula is another op's forward (``grad * other``
is ``mul_forward``) the op table reuses that kernel instead.
"""
import math

from .jit import kernel

from .access import at
from .vmath import vexp, vtanh

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
def div_backward_other(grad, a, b, out):
    # d(a/b)/db = -a / b**2
    for i in range(out.size):
        bi = at(b, i)
        out[i] = -at(grad, i) * at(a, i) / (bi * bi)


@kernel
def neg_forward(x, out):
    for i in range(out.size):
        out[i] = -x[i]


@kernel
def pow_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) ** at(b, i)


@kernel
def int_pow_forward(a, b, out):
    # integer powers as torch computes them: a negative exponent leaves only
    # 1 and -1 non-zero (no ZeroDivisionError at 0)
    for i in range(out.size):
        base = at(a, i)
        e = at(b, i)
        if e >= 0:
            out[i] = base ** e
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
            out[i] = at(grad, i) * result[i] * math.log(ai)


# ------------------------------------------------------------ transcendental


@kernel
def exp_forward(x, out):
    for i in range(out.size):
        out[i] = vexp(x[i])


@kernel
def log_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        # math.log raises on x <= 0; torch returns -inf / nan
        if xi > 0:
            out[i] = math.log(xi)
        elif xi == 0:
            out[i] = -math.inf
        else:
            out[i] = math.nan


@kernel
def sqrt_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = math.sqrt(xi) if xi >= 0 else math.nan


@kernel
def sqrt_backward(grad, result, out):
    for i in range(out.size):
        out[i] = grad[i] / (2 * result[i])


@kernel
def sigmoid_forward(x, out):
    # exp(-x) overflowing to inf still gives the right limit, 0
    for i in range(out.size):
        out[i] = 1 / (1 + vexp(-x[i]))


@kernel
def sigmoid_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * r * (1 - r)


@kernel
def tanh_forward(x, out):
    for i in range(out.size):
        out[i] = vtanh(x[i])


@kernel
def tanh_backward(grad, result, out):
    for i in range(out.size):
        r = result[i]
        out[i] = grad[i] * (1 - r * r)


# ------------------------------------------------------------- piecewise


@kernel
def abs_forward(x, out):
    for i in range(out.size):
        out[i] = abs(x[i])


@kernel
def abs_backward(grad, x, out):
    # grad * sign(x), with sign(0) == 0 as in torch
    for i in range(out.size):
        xi = x[i]
        out[i] = grad[i] if xi > 0 else (-grad[i] if xi < 0 else 0)


@kernel
def relu_forward(x, out):
    for i in range(out.size):
        xi = x[i]
        out[i] = xi if xi > 0 else 0


@kernel
def threshold_backward(grad, result, out):
    # torch's name for relu's backward: pass grad where the output is positive
    for i in range(out.size):
        out[i] = grad[i] if result[i] > 0 else 0


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


@kernel
def ne_forward(a, b, out):
    for i in range(out.size):
        out[i] = at(a, i) != at(b, i)
