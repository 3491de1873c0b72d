"""Reductions over the middle axis of a C-contiguous (A, R, B) array,
passed flat with its three sizes (cheaper to call than a reshaped view).

Any reduction over a set of dims of a contiguous array becomes a sequence
of these once adjacent dims of the same kind are merged (the graph layer
plans that per shape). ``repeat_middle_axis`` is the adjoint broadcast,
used by the backward of every sum.
Numba's own ``np.sum(axis=)`` is avoided: it compiles slowly and sums
sequentially.
"""
import math

from .jit import kernel, reduction_kernel


@reduction_kernel
def sum_middle_axis(xf, A, R, B, of, zero):
    # of[a, b] = sum_r xf[a, r, b]. ``zero`` types the accumulator of a
    # contiguous run: float64 for floats (float32 sums stay accurate), int64
    # for integers. Reassociation lets LLVM split the sum over vector lanes.
    if B == 1:
        for a in range(A):
            s = zero
            base = a * R
            for r in range(R):
                s += xf[base + r]
            of[a] = s
        return
    for a in range(A):
        row = a * B
        for b in range(B):
            of[row + b] = 0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                of[row + b] += xf[base + b]


@kernel
def repeat_middle_axis(xf, A, R, B, of):
    # of[a, r, b] = xf[a, b]
    if B == 1:
        for a in range(A):
            v = xf[a]
            base = a * R
            for r in range(R):
                of[base + r] = v
        return
    for a in range(A):
        row = a * B
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                of[base + b] = xf[row + b]


@kernel
def vector_norm_middle_axis(x, p, out):
    A, R, B = x.shape
    for a in range(A):
        for b in range(B):
            if p == math.inf:
                m = 0.0
                for r in range(R):
                    m = max(m, abs(x[a, r, b]))
                out[a, b] = m
            elif p == 0:
                c = 0
                for r in range(R):
                    c += x[a, r, b] != 0
                out[a, b] = c
            elif p == 2:
                s = 0.0
                for r in range(R):
                    v = x[a, r, b]
                    s += v * v
                out[a, b] = math.sqrt(s)
            else:
                s = 0.0
                for r in range(R):
                    s += abs(x[a, r, b]) ** p
                out[a, b] = s ** (1 / p)


@kernel
def vector_norm_backward(grad, x, norm, p, out):
    # d||x||_p/dx = sign(x) |x|^(p-1) / ||x||^(p-1); 0 where the norm is 0.
    # For p = inf the gradient is shared evenly among the entries at the max.
    A, R, B = x.shape
    for a in range(A):
        for b in range(B):
            n = norm[a, b]
            g = grad[a, b]
            if p == 0:
                for r in range(R):
                    out[a, r, b] = 0
            elif p == math.inf:
                count = 0
                for r in range(R):
                    if abs(x[a, r, b]) == n:
                        count += 1
                for r in range(R):
                    v = x[a, r, b]
                    if n != 0 and abs(v) == n:
                        out[a, r, b] = g * (1 if v > 0 else -1) / count
                    else:
                        out[a, r, b] = 0
            else:
                for r in range(R):
                    v = x[a, r, b]
                    if n == 0 or v == 0:
                        out[a, r, b] = 0
                    elif p == 2:
                        out[a, r, b] = g * v / n
                    else:
                        s = 1 if v > 0 else -1
                        out[a, r, b] = g * s * (abs(v) / n) ** (p - 1)
