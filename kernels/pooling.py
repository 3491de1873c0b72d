"""Kernels of 2-d max and average pooling, on P = N * C contiguous (H, W)
planes passed flat.

Every plane has the same windows, so ``pool_taps`` lists once per shape
the in-plane offsets of each window's input positions (in torch's scan
order: kernel rows, then columns; positions in the padding left out) and
the plane loops just walk that table, which keeps them short and
branch-free. Max pooling follows torch's scan: a value replaces the
running maximum (from -inf, at the first position) when it is greater or
NaN, so ties keep the first position and the last NaN wins; its windows
are front-filled with their first position up to the full kernel size,
which changes nothing in that scan. Indices are flat per plane
(``ih * W + iw``). Average pooling divides each window sum by the
caller's per-window divisor in the array's dtype (integers truncate
toward zero, as torch's integer division); a window with no input
position gives 0.
"""
from .jit import kernel


@kernel
def pool_taps(H, W, OH, OW, KH, KW, sh, sw, ph, pw, dh, dw, front_fill, taps, cnt, first):
    # taps (OH * OW, KH * KW): in-plane offsets of each window's valid positions;
    # cnt: how many are valid; first: torch's start index of a max-pool window
    T = KH * KW
    for oh in range(OH):
        for ow in range(OW):
            o = oh * OW + ow
            h0 = oh * sh - ph
            w0 = ow * sw - pw
            n = 0
            for kh in range(KH):
                ih = h0 + kh * dh
                if ih < 0 or ih >= H:
                    continue
                for kw in range(KW):
                    iw = w0 + kw * dw
                    if 0 <= iw < W:
                        taps[o, n] = ih * W + iw
                        n += 1
            cnt[o] = n
            while h0 < 0:
                h0 += dh
            while w0 < 0:
                w0 += dw
            first[o] = h0 * W + w0
            if front_fill and 0 < n < T:
                # shift the n valid entries to the end, repeat the first before them
                for t in range(n - 1, -1, -1):
                    taps[o, T - n + t] = taps[o, t]
                for t in range(T - n):
                    taps[o, t] = taps[o, T - n]
            elif n < T:
                for t in range(n, T):
                    taps[o, t] = 0


@kernel
def max_pool2d_forward(x, P, HW, taps, cnt, first, full, lowest, out, idx, with_idx):
    # full: every window has a valid position (taps are front-filled to the kernel
    # size); with_idx: also write the argmax indices
    L, T = taps.shape
    if full:
        for p in range(P):
            base = p * HW
            ob = p * L
            for o in range(L):
                j = taps[o, 0]
                m = x[base + j]
                if with_idx:
                    for t in range(1, T):
                        k = taps[o, t]
                        v = x[base + k]
                        if v > m or v != v:
                            m = v
                            j = k
                    idx[ob + o] = j
                else:
                    for t in range(1, T):
                        v = x[base + taps[o, t]]
                        m = v if (v > m) | (v != v) else m
                out[ob + o] = m
        return
    for p in range(P):
        base = p * HW
        ob = p * L
        for o in range(L):
            m = lowest
            j = first[o]
            if cnt[o] > 0:
                j = taps[o, 0]
                for t in range(T):
                    k = taps[o, t]
                    v = x[base + k]
                    if v > m or v != v:
                        m = v
                        j = k
            out[ob + o] = m
            if with_idx:
                idx[ob + o] = j


@kernel
def max_pool2d_backward(grad, idx, P, HW, L, out):
    # out (P, HW) = each output's gradient added at its argmax
    for i in range(out.size):
        out[i] = 0
    for p in range(P):
        g = grad[p * L:(p + 1) * L]
        ix = idx[p * L:(p + 1) * L]
        dst = out[p * HW:(p + 1) * HW]
        for j in range(L):
            dst[ix[j]] += g[j]


@kernel
def avg_pool2d_forward(x, P, HW, taps, cnt, full, div, zero, out):
    L, T = taps.shape
    for p in range(P):
        plane = x[p * HW:(p + 1) * HW]
        op = out[p * L:(p + 1) * L]
        if full:
            for o in range(L):
                s = zero
                for t in range(T):
                    s += plane[taps[o, t]]
                op[o] = s / div[o]
        else:
            for o in range(L):
                n = cnt[o]
                s = zero
                for t in range(n):
                    s += plane[taps[o, t]]
                op[o] = s / div[o] if n > 0 else zero


@kernel
def avg_pool2d_backward(grad, P, HW, taps, cnt, full, div, out):
    L, T = taps.shape
    for i in range(out.size):
        out[i] = 0
    for p in range(P):
        plane = out[p * HW:(p + 1) * HW]
        gp = grad[p * L:(p + 1) * L]
        for o in range(L):
            n = T if full else cnt[o]
            if n > 0:
                v = gp[o] / div[o]
                for t in range(n):
                    plane[taps[o, t]] += v


@kernel
def avg_pool_divisors(OH, OW, H, W, sh, sw, ph, pw, KH, KW, count_include_pad, override,
                      out):
    # torch's divide_factor per window: the override, or the window clipped to the
    # padded input (count_include_pad) or to the input
    for oh in range(OH):
        h0 = oh * sh - ph
        h1 = min(h0 + KH, H + ph)
        hsz = h1 - h0
        h0 = max(h0, 0)
        h1 = min(h1, H)
        for ow in range(OW):
            w0 = ow * sw - pw
            w1 = min(w0 + KW, W + pw)
            pool_size = hsz * (w1 - w0)
            w0 = max(w0, 0)
            w1 = min(w1, W)
            if override != 0:
                out[oh * OW + ow] = override
            elif count_include_pad:
                out[oh * OW + ow] = pool_size
            else:
                out[oh * OW + ow] = max(h1 - h0, 0) * max(w1 - w0, 0)
