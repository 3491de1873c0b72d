"""Kernels of embedding, layer_norm and batch_norm: forward and backward side
by side.

Arrays are flat and C-contiguous unless said otherwise. A missing weight
or bias arrives as ones or zeros, a gradient nobody needs as an empty array
with its flag off (runtime flags, not None: fewer compiled variants).
Per-row and per-channel sums add up blocks summed in the array's dtype into
float64 totals; elementwise work stays in the array's dtype (scale and
shift computed once per row or channel, in that dtype, as torch does), so
float32 loops vectorise.

* layer_norm sees its input as (M, N): M rows normalised over N.
* batch_norm sees its input as (N, C, L): C channels, each normalised over
  N * L values. L == 1 (a 2-d input) puts the channel innermost, so those
  loops run over channels with per-channel accumulators.
"""
import math

import numpy as np

from .jit import kernel, reduction_kernel

# ------------------------------------------------------------------ row sums

_BLOCK = 256     # values summed in the input's dtype before joining a float64 total

# Loops index row views from 0 (``row = x[base:base + L]``; ``for i in
# range(L)``): Numba then knows the index is non-negative and skips the
# negative-index wraparound that keeps ``x[base + i]`` from vectorising.
# Sums in the input's dtype are cut into blocks of _BLOCK by the caller (a
# block loop inside these helpers stops LLVM from vectorising them).


@reduction_kernel
def _sum(row):
    # sum of a row in float64 (as torch's batch_norm statistics)
    p = 0.0
    for i in range(row.size):
        p += row[i]
    return p


@reduction_kernel
def _sq_dev(row, mu):
    # sum of (row - mu)^2: the squares in the row's dtype, summed in float64
    # (as torch's batch_norm statistics)
    p = 0.0
    for i in range(row.size):
        d = row[i] - mu
        p += d * d
    return p


@reduction_kernel
def _sum_dot(g, x, mu):
    # (sum of g, sum of (x - mu) * g) in g's dtype
    p = g.dtype.type(0)
    q = g.dtype.type(0)
    for i in range(g.size):
        gv = g[i]
        p += gv
        q += (x[i] - mu) * gv
    return np.float64(p), np.float64(q)


# ------------------------------------------------------------------ embedding


@kernel
def embedding_forward(w, idx, out):
    # out[i, :] = w[idx[i], :] for a 2-d ``w`` of any strides. Returns the
    # position of the first index outside [0, V) (nothing is read there), or -1.
    V, D = w.shape
    for i in range(idx.size):
        k = idx[i]
        if k < 0 or k >= V:
            return i
        for j in range(D):
            out[i, j] = w[k, j]
    return -1


@kernel
def embedding_backward(grad, idx, padding_idx, scale_grad_by_freq, counts, out):
    # out (V, D) zeros on entry: out[idx[i]] += grad[i], except rows equal to
    # padding_idx (-1: none); scaled by 1 / (occurrences of idx[i]) with
    # scale_grad_by_freq (``counts``: int64 zeros of V, else unused). The
    # indices were checked in forward; should they have changed behind the
    # version counter's back, the position of the first one outside [0, V)
    # is returned before anything is written (else -1).
    V, D = out.shape
    for i in range(idx.size):
        k = idx[i]
        if k < 0 or k >= V:
            return i
    if scale_grad_by_freq:
        for i in range(idx.size):
            counts[idx[i]] += 1
    for i in range(idx.size):
        k = idx[i]
        if k == padding_idx:
            continue
        if scale_grad_by_freq:
            s = out.dtype.type(1.0 / counts[k])
            for j in range(D):
                out[k, j] += grad[i, j] * s
        else:
            for j in range(D):
                out[k, j] += grad[i, j]
    return -1


@kernel
def embedding_row_scale(idx, padding_idx, scale_grad_by_freq, counts, out):
    # the factor each looked-up row's gradient gets in embedding_backward:
    # 0 at padding_idx, 1 / occurrences with scale_grad_by_freq, else 1
    # (indices already checked to lie in [0, V))
    if scale_grad_by_freq:
        for i in range(idx.size):
            counts[idx[i]] += 1
    for i in range(idx.size):
        k = idx[i]
        if k == padding_idx:
            out[i] = 0
        elif scale_grad_by_freq:
            out[i] = 1.0 / counts[k]
        else:
            out[i] = 1


@kernel
def embedding_renorm(w, idx, max_norm, norm_type, seen):
    # torch's embedding_renorm_: every distinct row looked up whose p-norm
    # exceeds max_norm is scaled by max_norm / (norm + 1e-7), in place. An
    # index in [-V, 0) names row V + index (torch selects the row). Returns
    # the position of the first index outside [-V, V) before touching any
    # row, or -1. ``seen``: bool zeros of V.
    V, D = w.shape
    for i in range(idx.size):
        k = idx[i]
        if k < -V or k >= V:
            return i
    for i in range(idx.size):
        k = idx[i]
        if k < 0:
            k += V
        if seen[k]:
            continue
        seen[k] = True
        norm = 0.0
        if norm_type == 2:
            for j in range(D):
                v = np.float64(w[k, j])
                norm += v * v
            norm = math.sqrt(norm)
        elif norm_type == 1:
            for j in range(D):
                norm += abs(np.float64(w[k, j]))
        elif norm_type == math.inf:
            for j in range(D):
                norm = max(norm, abs(np.float64(w[k, j])))
        elif norm_type == -math.inf:
            norm = math.inf
            for j in range(D):
                norm = min(norm, abs(np.float64(w[k, j])))
        elif norm_type == 0:
            for j in range(D):
                norm += w[k, j] != 0
        else:
            for j in range(D):
                norm += abs(np.float64(w[k, j])) ** norm_type
            norm = norm ** (1.0 / norm_type)
        if norm > max_norm:
            scale = w.dtype.type(max_norm / (norm + 1e-7))
            for j in range(D):
                w[k, j] *= scale
    return -1


# ------------------------------------------------------------------ layer_norm


@reduction_kernel
def layer_norm_forward(x, w, b, M, N, eps, out, stats):
    # per row: mean, rstd = 1 / sqrt(biased var + eps) (float64, saved in
    # stats[:M] and stats[M:]), and out = (x * rstd - mean * rstd) * w + b in
    # x's dtype (w, b: ones and zeros of N when the op has none)
    mean = stats[:M]
    rstd = stats[M:]
    for m in range(M):
        base = m * N
        xr = x[base:base + N]
        mu = _sum(xr) / N
        mu_x = x.dtype.type(mu)
        v = _sq_dev(xr, mu_x)
        # the deviations were taken from mu rounded to x's dtype: correct for it
        dm = np.float64(mu_x) - mu
        r = 1.0 / math.sqrt(max(v / N - dm * dm, 0.0) + eps)
        mean[m] = mu
        rstd[m] = r
        scale = x.dtype.type(r)
        shift = x.dtype.type(-mu * r)
        orow = out[base:base + N]
        for j in range(N):
            orow[j] = (xr[j] * scale + shift) * w[j] + b[j]


@reduction_kernel
def _ln_row_sums(g, x, w, scale, shift):
    # (sum of g * w, sum of g * w * xhat) over one block of a row
    p = g.dtype.type(0)
    q = g.dtype.type(0)
    for j in range(g.size):
        gj = g[j] * w[j]
        p += gj
        q += gj * (x[j] * scale + shift)
    return np.float64(p), np.float64(q)


@reduction_kernel
def layer_norm_backward(g, x, stats, w, M, N, need_x, need_w, need_b, gx, gw, gb, acc):
    # xhat = (x - mean) * rstd, gxhat = g * w:
    #   gx = rstd * (gxhat - mean_j(gxhat) - xhat * mean_j(gxhat * xhat))
    #   gw = sum over rows of g * xhat, gb = sum over rows of g
    # stats: the forward's mean and rstd; acc: float64 scratch of 2 N (the
    # column sums); the outputs not needed may be empty
    mean = stats[:M]
    rstd = stats[M:]
    acc_w = acc[:N]
    acc_b = acc[N:]
    acc[:] = 0.0
    for m in range(M):
        base = m * N
        scale = x.dtype.type(rstd[m])
        shift = x.dtype.type(-mean[m] * rstd[m])
        gr = g[base:base + N]
        xr = x[base:base + N]
        if need_x:
            s1 = 0.0
            s2 = 0.0
            for b0 in range(0, N, _BLOCK):
                b1 = min(b0 + _BLOCK, N)
                p, q = _ln_row_sums(gr[b0:b1], xr[b0:b1], w[b0:b1], scale, shift)
                s1 += p
                s2 += q
            c1 = x.dtype.type(s1 / N)
            c2 = x.dtype.type(s2 / N)
            orow = gx[base:base + N]
            for j in range(N):
                xh = xr[j] * scale + shift
                orow[j] = (gr[j] * w[j] - c1 - xh * c2) * scale
        if need_w:
            for j in range(N):
                acc_w[j] += gr[j] * (xr[j] * scale + shift)
        if need_b:
            for j in range(N):
                acc_b[j] += gr[j]
    if need_w:
        for j in range(N):
            gw[j] = acc_w[j]
    if need_b:
        for j in range(N):
            gb[j] = acc_b[j]


# ------------------------------------------------------------------ batch_norm


@kernel
def _add_sq_dev(xr, mean, acc):
    # acc += (xr - mean)^2 elementwise. Torch's channels-last kernel fuses
    # this multiply-add; in float64 it is exact for float32 operands, rounded
    # once. (Not a reduction_kernel: reassociation would let LLVM narrow it
    # back to two float32 roundings.)
    for c in range(acc.size):
        d = xr[c] - mean[c]
        acc[c] = np.float64(acc[c]) + np.float64(d) * np.float64(d)


@reduction_kernel
def batch_norm_stats(x, N, C, L, mean, var_sum, work, acc):
    # per channel: the mean (in x's dtype, as torch keeps it) and the sum of
    # squared deviations from it (float64). work: float64 scratch of C, acc:
    # scratch of C in x's dtype. The loops walk memory in order (n outer): a
    # channel's rows are C * L apart. With L == 1 the rows accumulate in x's
    # dtype, _BLOCK rows at a time, as torch's channels-last kernel does on
    # one thread (the same sums up to _BLOCK rows, more accurate beyond).
    count = N * L
    for c in range(C):
        work[c] = 0.0
    if L == 1:
        for n0 in range(0, N, _BLOCK):
            acc[:] = 0
            for n in range(n0, min(n0 + _BLOCK, N)):
                xr = x[n * C:(n + 1) * C]
                for c in range(C):
                    acc[c] += xr[c]
            for c in range(C):
                work[c] += acc[c]
    else:
        for n in range(N):
            for c in range(C):
                base = (n * C + c) * L
                work[c] += _sum(x[base:base + L])
    for c in range(C):
        mean[c] = work[c] / count
        work[c] = 0.0
    if L == 1:
        for n0 in range(0, N, _BLOCK):
            acc[:] = 0
            for n in range(n0, min(n0 + _BLOCK, N)):
                _add_sq_dev(x[n * C:(n + 1) * C], mean, acc)
            for c in range(C):
                work[c] += acc[c]
    else:
        for n in range(N):
            for c in range(C):
                base = (n * C + c) * L
                work[c] += _sq_dev(x[base:base + L], mean[c])
    for c in range(C):
        var_sum[c] = work[c]


@kernel
def batch_norm_update(mean, var_sum, count, momentum, eps, update, running_mean, running_var,
                      invstd):
    # invstd = 1 / sqrt(biased var + eps); with ``update`` the running
    # statistics move by momentum towards the batch mean and the unbiased
    # batch variance. The roundings are torch's CPU kernel's: the variance
    # sum, its quotients, momentum and the mean update in the input's dtype,
    # the square root and the variance update in float64.
    t = mean.dtype.type
    mom = t(momentum)
    rest = t(1) - mom
    for c in range(mean.size):
        vs = t(var_sum[c])
        invstd[c] = 1.0 / math.sqrt(np.float64(vs / t(count)) + eps)
        if update:
            running_mean[c] = mom * mean[c] + rest * running_mean[c]
            unbiased = np.float64(vs / t(count - 1))
            running_var[c] = np.float64(mom) * unbiased + np.float64(rest * running_var[c])


@kernel
def batch_norm_eval_stats(running_mean, running_var, eps, mean, invstd):
    # evaluation: the running statistics, in the input's dtype
    t = mean.dtype.type
    e = t(eps)
    for c in range(mean.size):
        mean[c] = running_mean[c]
        invstd[c] = t(1) / math.sqrt(running_var[c] + e)


@kernel
def batch_norm_transform(x, mean, invstd, w, b, N, C, L, alpha, beta, out):
    # out = x * alpha + beta with alpha = invstd * w, beta = b - mean * alpha
    # per channel (alpha, beta: scratch of C in x's dtype)
    for c in range(C):
        a = invstd[c] * w[c]
        alpha[c] = a
        beta[c] = b[c] - mean[c] * a
    if L == 1:
        for n in range(N):
            xr = x[n * C:(n + 1) * C]
            orow = out[n * C:(n + 1) * C]
            for c in range(C):
                orow[c] = xr[c] * alpha[c] + beta[c]
        return
    for n in range(N):
        for c in range(C):
            base = (n * C + c) * L
            a = alpha[c]
            sh = beta[c]
            xr = x[base:base + L]
            orow = out[base:base + L]
            for i in range(L):
                orow[i] = xr[i] * a + sh


@reduction_kernel
def batch_norm_backward(g, x, stats, w, N, C, L, train, need_x, gx, gw, gb, work):
    # per channel: sum(g) and dot = sum((x - mean) * g) (float64 scratch of C);
    #   training:   gx = (g - sum / count - (x - mean) * k) * invstd * w,
    #               k = dot * invstd^2 / count
    #   evaluation: gx = g * invstd * w
    #   gw = dot * invstd, gb = sum(g)  (gw, gb: arrays of C, always written)
    # written as torch's CPU kernel writes them, in x's dtype. stats: the
    # forward's (mean, invstd, scratch) of 4 C in x's dtype; work: float64
    # scratch of 2 C
    mean = stats[:C]
    invstd = stats[C:2 * C]
    sums = work[:C]
    dots = work[C:]
    count = N * L
    for c in range(C):
        sums[c] = 0.0
        dots[c] = 0.0
    if L == 1:
        for n in range(N):
            gr = g[n * C:(n + 1) * C]
            xr = x[n * C:(n + 1) * C]
            for c in range(C):
                gv = gr[c]
                sums[c] += gv
                dots[c] += (xr[c] - mean[c]) * gv
    else:
        for n in range(N):
            for c in range(C):
                base = (n * C + c) * L
                for b0 in range(base, base + L, _BLOCK):
                    b1 = min(b0 + _BLOCK, base + L)
                    s, d = _sum_dot(g[b0:b1], x[b0:b1], mean[c])
                    sums[c] += s
                    dots[c] += d
    for c in range(C):
        gw[c] = dots[c] * invstd[c]
        gb[c] = sums[c]
    if not need_x:
        return
    t = x.dtype.type
    gmean = stats[2 * C:3 * C]
    k = stats[3 * C:]
    for c in range(C):
        inv = invstd[c]
        k[c] = t(dots[c]) * inv * inv / t(count)
        gmean[c] = t(sums[c]) / t(count)
    if L == 1:
        for n in range(N):
            gr = g[n * C:(n + 1) * C]
            xr = x[n * C:(n + 1) * C]
            orow = gx[n * C:(n + 1) * C]
            if train:
                for c in range(C):
                    orow[c] = (gr[c] - gmean[c] - (xr[c] - mean[c]) * k[c]) * invstd[c] * w[c]
            else:
                for c in range(C):
                    orow[c] = gr[c] * invstd[c] * w[c]
        return
    for n in range(N):
        for c in range(C):
            inv = invstd[c]
            wc = w[c]
            base = (n * C + c) * L
            gr = g[base:base + L]
            orow = gx[base:base + L]
            if train:
                mu = mean[c]
                kc = k[c]
                gm = gmean[c]
                xr = x[base:base + L]
                for i in range(L):
                    orow[i] = (gr[i] - gm - (xr[i] - mu) * kc) * inv * wc
            else:
                for i in range(L):
                    orow[i] = gr[i] * inv * wc


@kernel
def batch_norm_forward_train(x, w, b, N, C, L, momentum, eps, update, running_mean, running_var,
                             stats, work, out):
    # the whole training forward in one call: batch statistics (stats[:C] the
    # mean, stats[C:2 C] invstd, in x's dtype, saved for backward; the rest
    # scratch), the running statistics' update, the output. work: float64
    # scratch of 2 C
    mean = stats[:C]
    invstd = stats[C:2 * C]
    var_sum = work[C:]
    batch_norm_stats(x, N, C, L, mean, var_sum, work[:C], stats[2 * C:3 * C])
    batch_norm_update(mean, var_sum, N * L, momentum, eps, update, running_mean, running_var,
                      invstd)
    batch_norm_transform(x, mean, invstd, w, b, N, C, L, stats[2 * C:3 * C], stats[3 * C:], out)


@kernel
def batch_norm_forward_eval(x, w, b, N, C, L, eps, running_mean, running_var, stats, out):
    # evaluation: normalise with the running statistics (stats as in training)
    mean = stats[:C]
    invstd = stats[C:2 * C]
    batch_norm_eval_stats(running_mean, running_var, eps, mean, invstd)
    batch_norm_transform(x, mean, invstd, w, b, N, C, L, stats[2 * C:3 * C], stats[3 * C:], out)
