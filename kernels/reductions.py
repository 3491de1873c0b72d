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

import numpy as np

from .jit import kernel, reduction_kernel
from .vmath import vexp


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


@reduction_kernel
def sum_runs(xf, run, partials, zero):
    # partials[c] = sum of xf[c * run:(c + 1) * run] (the last run may be shorter),
    # accumulated in ``zero``'s type: the per-run partial sums of a long
    # contiguous sum, which jitgrad/parallel.py then adds in order
    n = xf.size
    for c in range(partials.size):
        s = zero
        for i in range(c * run, min(c * run + run, n)):
            s += xf[i]
        partials[c] = s


@reduction_kernel
def sum_middle_axis_columns(xf, A, R, B, b0, b1, of):
    # sum_middle_axis's B > 1 case for the columns b0 <= b < b1 only: the same
    # sums in the same order, so threads may share the columns out
    for a in range(A):
        row = a * B
        for b in range(b0, b1):
            of[row + b] = 0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(b0, b1):
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
            if R == 1 and p != 0:       # torch: |x| itself, no square to overflow
                out[a, b] = abs(x[a, 0, b])
            elif p == math.inf:
                m = 0.0
                for r in range(R):
                    v = abs(x[a, r, b])
                    m = v if (v > m or v != v) else m     # nan propagates, as in torch
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
                    if n == 0 or (v == 0 and n == n):   # torch: nan where the norm is
                        out[a, r, b] = 0
                    elif p == 1:                # torch: grad * sgn(self), sgn(nan) == 0
                        out[a, r, b] = g if v > 0 else (-g if v < 0 else 0)
                    elif p == 2:
                        out[a, r, b] = g * v / n
                    else:
                        s = 1 if v > 0 else -1
                        out[a, r, b] = g * s * (abs(v) / n) ** (p - 1)


# ---------------------------------------------------------------- max/min, prod, var,
# logsumexp, cumsum: all over the middle axis of a flat (A, R, B) array, like the
# sums above (the graph layer permutes the reduced dims into one run first when
# they are not adjacent). With B == 1 a slice is contiguous and the loops run over
# r; otherwise the inner loops run over b. Either way each inner loop is
# elementwise, so LLVM vectorises it; reductions along a contiguous slice keep
# LANES independent partial results (elementwise across lanes) for the same reason
# (``@kernel`` may not reassociate, and a float max is not a vectorisable
# reduction without fast-math).

LANES = 16


@kernel
def _slice_extreme(xf, base, R, is_max, lv, li, ln):
    # (value, first index) of the max (min) of xf[base:base+R], R >= 1. NaN beats every
    # number and the first NaN wins (torch's max/min/argmax). lv/li/ln: LANES scratch.
    n_main = R - R % LANES
    best = xf[base]
    bi = 0
    first_nan = -1
    if n_main:
        for k in range(LANES):
            v = xf[base + k]
            lv[k] = v
            li[k] = k
            ln[k] = k if v != v else -1
        if is_max:
            for r in range(LANES, n_main, LANES):
                for k in range(LANES):
                    v = xf[base + r + k]
                    better = v > lv[k]
                    lv[k] = v if better else lv[k]
                    li[k] = r + k if better else li[k]
                    ln[k] = r + k if (v != v and ln[k] < 0) else ln[k]
        else:
            for r in range(LANES, n_main, LANES):
                for k in range(LANES):
                    v = xf[base + r + k]
                    better = v < lv[k]
                    lv[k] = v if better else lv[k]
                    li[k] = r + k if better else li[k]
                    ln[k] = r + k if (v != v and ln[k] < 0) else ln[k]
        best = lv[0]
        bi = li[0]
        first_nan = ln[0]
        for k in range(1, LANES):
            v = lv[k]
            if (v > best if is_max else v < best) or (v == best and li[k] < bi):
                best = v
                bi = li[k]
            if ln[k] >= 0 and (first_nan < 0 or ln[k] < first_nan):
                first_nan = ln[k]
    else:
        first_nan = 0 if best != best else -1
        n_main = 1
    for r in range(n_main, R):
        v = xf[base + r]
        if v != v:
            if first_nan < 0:
                first_nan = r
        elif v > best if is_max else v < best:
            best = v
            bi = r
    if first_nan >= 0:
        return xf[base + first_nan], first_nan
    return best, bi


@kernel
def minmax_middle_axis(xf, A, R, B, is_max, vals, idx):
    # vals[a, b] = max (min) over r of xf[a, r, b], idx[a, b] = the first r holding it,
    # with torch's NaN rule (see _slice_extreme). R >= 1 (the graph layer refuses
    # empty reductions).
    if B == 1:
        lv = np.empty(LANES, xf.dtype)
        li = np.empty(LANES, np.int64)
        ln = np.empty(LANES, np.int64)
        for a in range(A):
            v, i = _slice_extreme(xf, a * R, R, is_max, lv, li, ln)
            vals[a] = v
            idx[a] = i
        return
    first_nan = np.empty(B, np.int64)
    for a in range(A):
        row = a * B
        base = a * R * B
        for b in range(B):
            v = xf[base + b]
            vals[row + b] = v
            idx[row + b] = 0
            first_nan[b] = 0 if v != v else -1
        for r in range(1, R):
            base = (a * R + r) * B
            for b in range(B):
                v = xf[base + b]
                cur = vals[row + b]
                better = v > cur if is_max else v < cur
                vals[row + b] = v if better else cur
                idx[row + b] = r if better else idx[row + b]
                first_nan[b] = r if (v != v and first_nan[b] < 0) else first_nan[b]
        for b in range(B):
            if first_nan[b] >= 0:
                idx[row + b] = first_nan[b]
                vals[row + b] = xf[(a * R + first_nan[b]) * B + b]


@kernel
def minmax_backward_even(g, xf, vals, A, R, B, nan_aware, out):
    # The gradient of a max/min shared evenly among the entries equal to it.
    # nan_aware (max()/min() of a whole tensor, torch's evenly_distribute_backward):
    # a NaN value is matched by the NaNs, other entries get 0. Otherwise (amax/amin,
    # torch's grad / mask.sum() * mask) a NaN matches nothing: the slice gets g/0*0.
    if B == 1:
        for a in range(A):
            m = vals[a]
            base = a * R
            by_nan = nan_aware and m != m
            c = 0
            if by_nan:
                for r in range(R):
                    c += xf[base + r] != xf[base + r]
            else:
                for r in range(R):
                    c += xf[base + r] == m
            s = g[a] / c
            miss = 0.0 if nan_aware else s * 0
            if by_nan:
                for r in range(R):
                    out[base + r] = s if xf[base + r] != xf[base + r] else miss
            else:
                for r in range(R):
                    out[base + r] = s if xf[base + r] == m else miss
        return
    cnt = np.zeros(B, np.int64)
    for a in range(A):
        row = a * B
        for b in range(B):
            cnt[b] = 0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                v = xf[base + b]
                m = vals[row + b]
                cnt[b] += v == m or (nan_aware and v != v and m != m)
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                v = xf[base + b]
                m = vals[row + b]
                s = g[row + b] / cnt[b]
                if v == m or (nan_aware and v != v and m != m):
                    out[base + b] = s
                elif nan_aware:
                    out[base + b] = 0
                else:
                    out[base + b] = s * 0


@kernel
def scatter_middle_axis(g, idx, A, R, B, out):
    # out[a, idx[a, b], b] = g[a, b]; ``out`` comes zeroed
    for a in range(A):
        row = a * B
        for b in range(B):
            out[(a * R + idx[row + b]) * B + b] = g[row + b]


@reduction_kernel
def prod_middle_axis(xf, A, R, B, of, one):
    # of[a, b] = prod_r xf[a, r, b], accumulated in the type of ``one``
    if B == 1:
        for a in range(A):
            p = one
            base = a * R
            for r in range(R):
                p *= xf[base + r]
            of[a] = p
        return
    acc = np.full(B, one)
    for a in range(A):
        row = a * B
        for b in range(B):
            acc[b] = one
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                acc[b] *= xf[base + b]
        for b in range(B):
            of[row + b] = acc[b]


@kernel
def prod_backward_middle_axis(g, xf, res, A, R, B, out):
    # torch's prod_backward: grad * (result / x) when no entry of x is zero; otherwise
    # grad * ((product of the entries before) * (product of those after)), per slice
    zeros = 0
    for i in range(xf.size):
        zeros += xf[i] == 0
    if zeros == 0 and B == 1:
        for a in range(A):
            gg = g[a]
            rr = res[a]
            base = a * R
            for r in range(R):
                out[base + r] = gg * (rr / xf[base + r])
        return
    if zeros == 0:
        for a in range(A):
            row = a * B
            for r in range(R):
                base = (a * R + r) * B
                for b in range(B):
                    out[base + b] = g[row + b] * (res[row + b] / xf[base + b])
        return
    # (torch's exclusive cumprods run in float64 and are rounded to x's dtype one by
    # one: a float32 partial product that overflows does not poison the later ones)
    running = np.empty(B, np.float64)
    suffix = np.empty(B, xf.dtype)
    for a in range(A):
        row = a * B
        if R == 0:
            continue
        for b in range(B):
            running[b] = 1.0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                out[base + b] = running[b]
                running[b] *= xf[base + b]
        for b in range(B):
            running[b] = 1.0
        for r in range(R - 1, -1, -1):
            base = (a * R + r) * B
            for b in range(B):
                suffix[b] = running[b]
                out[base + b] = g[row + b] * (out[base + b] * suffix[b])
                running[b] *= xf[base + b]


@reduction_kernel
def var_middle_axis(xf, A, R, B, divisor, take_sqrt, out, mean_out):
    # Two passes in float64: the mean, then the sum of squared deviations / divisor
    # (torch's max(0, N - correction): 0 gives inf, or nan for no deviation).
    if B == 1:
        for a in range(A):
            base = a * R
            s = 0.0
            for r in range(R):
                s += xf[base + r]
            m = s / R
            if R and not math.isfinite(m):     # a float64 sum overflowed: add up x / R
                m = 0.0
                for r in range(R):
                    m += xf[base + r] / R
            ss = 0.0
            for r in range(R):
                d = xf[base + r] - m
                ss += d * d
            v = ss / divisor
            out[a] = math.sqrt(v) if take_sqrt else v
            mean_out[a] = m
        return
    sums = np.empty(B, np.float64)
    sq = np.empty(B, np.float64)
    for a in range(A):
        row = a * B
        for b in range(B):
            sums[b] = 0.0
            sq[b] = 0.0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                sums[b] += xf[base + b]
        for b in range(B):
            sums[b] = sums[b] / R
            if R and not math.isfinite(sums[b]):     # a float64 sum overflowed
                sums[b] = 0.0
                for r in range(R):
                    sums[b] += xf[(a * R + r) * B + b] / R
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                d = xf[base + b] - sums[b]
                sq[b] += d * d
        for b in range(B):
            v = sq[b] / divisor
            out[row + b] = math.sqrt(v) if take_sqrt else v
            mean_out[row + b] = sums[b]


@kernel
def var_backward_middle_axis(g, xf, mean, res, A, R, B, scale, mode, is_std, out):
    # torch's var_backward / std_backward. std first turns grad into the var's
    # gradient, grad / (2 * result) (0 where result is 0). Then mode 0:
    # scale * grad * (x - mean), scale = 2 / (N - correction); mode 1 (the whole
    # tensor with N - correction <= 0): grad * (nan where x == mean, else inf).
    t = np.empty(B, out.dtype)          # per slice, in the array dtype
    for a in range(A):
        row = a * B
        for b in range(B):
            if is_std and res[row + b] == 0:
                t[b] = 0
                continue
            gv = g[row + b]
            if is_std:
                gv = gv / (res[row + b] + res[row + b])
            t[b] = gv * scale if mode == 0 else gv
        if B == 1:
            tt = t[0]
            m = mean[a]
            base = a * R
            if mode == 0:
                for r in range(R):
                    out[base + r] = tt * (xf[base + r] - m)
            else:
                for r in range(R):
                    out[base + r] = tt * (math.nan if xf[base + r] == m else math.inf)
            continue
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                v = xf[base + b]
                if mode == 0:
                    out[base + b] = t[b] * (v - mean[row + b])
                else:
                    out[base + b] = t[b] * (math.nan if v == mean[row + b] else math.inf)


# The logsumexp kernels come in two: ``*_rows`` for B == 1 (contiguous slices) and
# ``*_middle_axis`` for B > 1, so that each expands vexp at one site only (Numba's
# SSA pass mis-handles an inline overload expanded at several sites of a function).

@kernel
def logsumexp_rows(xf, A, R, out):
    # out[a] = log(sum_r exp(x[a, r] - m)) + m, m the row's max (0 when it is +-inf, as
    # torch); the sum accumulates in float64, LANES partial sums at a time. NaNs are
    # left out of m: they make the sum NaN anyway. An empty row gives log(0) = -inf.
    m = np.empty(LANES, xf.dtype)
    s = np.empty(LANES, np.float64)
    n_main = R - R % LANES
    for a in range(A):
        base = a * R
        for k in range(LANES):
            m[k] = -math.inf
            s[k] = 0.0
        for r in range(0, n_main, LANES):
            for k in range(LANES):
                v = xf[base + r + k]
                m[k] = v if v > m[k] else m[k]
        for r in range(n_main, R):
            v = xf[base + r]
            m[0] = v if v > m[0] else m[0]
        for k in range(1, LANES):
            m[0] = m[k] if m[k] > m[0] else m[0]
        if m[0] == math.inf or m[0] == -math.inf:
            m[0] = 0
        mx = m[0]
        for r in range(0, R, LANES):
            for k in range(min(LANES, R - r)):
                s[k] += vexp(xf[base + r + k] - mx)
        total = 0.0
        for k in range(LANES):
            total += s[k]
        out[a] = np.log(total) + mx


@kernel
def logsumexp_middle_axis(xf, A, R, B, out):
    # as logsumexp_rows, for each (a, b) over r (B > 1)
    m = np.empty(B, xf.dtype)
    s = np.empty(B, np.float64)
    for a in range(A):
        row = a * B
        for b in range(B):
            m[b] = -math.inf
            s[b] = 0.0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                v = xf[base + b]
                m[b] = v if v > m[b] else m[b]
        for b in range(B):
            if m[b] == math.inf or m[b] == -math.inf:
                m[b] = 0
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                s[b] += vexp(xf[base + b] - m[b])
        for b in range(B):
            out[row + b] = np.log(s[b]) + m[b]


@kernel
def logsumexp_backward_rows(g, xf, res, A, R, out):
    # grad * exp(x - result), B == 1
    for a in range(A):
        gg = g[a]
        rr = res[a]
        base = a * R
        for r in range(R):
            out[base + r] = gg * vexp(xf[base + r] - rr)


@kernel
def logsumexp_backward_middle_axis(g, xf, res, A, R, B, out):
    # grad * exp(x - result), B > 1
    for a in range(A):
        row = a * B
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                out[base + b] = g[row + b] * vexp(xf[base + b] - res[row + b])


@kernel
def cumsum_middle_axis(xf, A, R, B, reverse, out, zero):
    # out[a, r, b] = sum of xf[a, :r+1, b] (of xf[a, r:, b] when reverse), accumulated
    # in the type of ``zero`` and rounded at each step, as torch's CPU cumsum
    if B == 1:
        for a in range(A):
            acc = zero
            base = a * R
            for k in range(R):
                i = base + (R - 1 - k if reverse else k)
                acc += xf[i]
                out[i] = acc
        return
    accs = np.full(B, zero)
    for a in range(A):
        for b in range(B):
            accs[b] = zero
        for k in range(R):
            r = R - 1 - k if reverse else k
            base = (a * R + r) * B
            for b in range(B):
                accs[b] += xf[base + b]
                out[base + b] = accs[b]


# ---------------------------------------------------------------- any / all


@kernel
def any_middle_axis(xf, A, R, B, of):
    # of[a, b] = any(xf[a, :, b] != 0) (nan counts as true, as torch); xf of any dtype
    for a in range(A):
        row = a * B
        for b in range(B):
            of[row + b] = False
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                of[row + b] |= xf[base + b] != 0


@kernel
def all_middle_axis(xf, A, R, B, of):
    # of[a, b] = all(xf[a, :, b] != 0)
    for a in range(A):
        row = a * B
        for b in range(B):
            of[row + b] = True
        for r in range(R):
            base = (a * R + r) * B
            for b in range(B):
                of[row + b] &= xf[base + b] != 0


@kernel
def nonzero_mask(xf, of):
    for i in range(of.size):
        of[i] = xf[i] != 0
