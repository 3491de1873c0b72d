"""Kernels of 2-d convolution: the lowering of sliding windows to a matrix
(im2col and its adjoint col2im, which adds overlapping windows back) and
the layout changes around the one BLAS product of each direction.

Three lowerings, chosen per shape by the graph layer (jitgrad/ops/conv.py):

* columns, torch's unfold layout: one row per (channel, kh, kw), one
  column per output position. ``im2col`` writes row ``k`` of sample ``n``
  at ``k * sk + n * sn``, so the same kernel produces F.unfold's
  (N, C*KH*KW, L) and the (C*KH*KW, N, L) matrix that multiplies the
  weight for the whole batch at once. Copies run along output rows.
* shifted rows (stride 1): the same matrix with each output row widened to
  the padded width, so that every matrix row is one contiguous copy of a
  shifted padded plane; the extra columns are computed and dropped.
* patch rows: one row per output position holding its window as (kh, kw,
  channel) read from a zero-padded channels-last copy of the input, so
  every window row is one contiguous copy of KW * C values. Its products
  are the shapes BLAS runs fastest, which pays off once C is large.

Windows start at ``o * s - p + k * d`` (stride s, leading padding p,
dilation d); positions outside the input read as zero. The output sizes
come from the caller, so asymmetric padding ('same' with an even kernel)
needs nothing more. Bias-gradient sums accumulate in float64.
"""
from .access import at
from .jit import kernel, reduction_kernel


@kernel
def _valid_range(OW, sw, off, W):
    # [lo, hi): the output positions o with 0 <= o * sw + off < W
    lo = 0
    if off < 0:
        lo = (-off + sw - 1) // sw
    hi = 0
    if W - 1 - off >= 0:
        hi = (W - 1 - off) // sw + 1
    if hi > OW:
        hi = OW
    if lo > hi:
        lo = hi
    return lo, hi


@kernel
def im2col(x, N, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW, sk, sn, cols):
    # x: flat (N, C, H, W); cols[k * sk + n * sn + oh * OW + ow] =
    # x[n, c, oh * sh - ph + kh * dh, ow * sw - pw + kw * dw] (0 outside),
    # k = (c * KH + kh) * KW + kw
    for kw in range(KW):
        off = kw * dw - pw
        lo, hi = _valid_range(OW, sw, off, W)
        for c in range(C):
            for kh in range(KH):
                k = (c * KH + kh) * KW + kw
                for n in range(N):
                    plane = x[(n * C + c) * H * W:(n * C + c + 1) * H * W]
                    block = cols[k * sk + n * sn:k * sk + n * sn + OH * OW]
                    for oh in range(OH):
                        ih = oh * sh - ph + kh * dh
                        row = block[oh * OW:(oh + 1) * OW]
                        if ih < 0 or ih >= H:
                            for j in range(OW):
                                row[j] = 0
                            continue
                        for j in range(lo):
                            row[j] = 0
                        for j in range(hi, OW):
                            row[j] = 0
                        if sw == 1:
                            src = plane[ih * W + lo + off:ih * W + hi + off]
                            dst = row[lo:hi]
                            for j in range(hi - lo):
                                dst[j] = src[j]
                        else:
                            src = plane[ih * W:(ih + 1) * W]
                            for j in range(lo, hi):
                                row[j] = src[j * sw + off]


@kernel
def col2im(cols, N, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW, sk, sn, out):
    # the adjoint of im2col: out (flat (N, C, H, W)) = sum of every window
    # value at its input position; positions in the padding are dropped
    for i in range(out.size):
        out[i] = 0
    for kw in range(KW):
        off = kw * dw - pw
        lo, hi = _valid_range(OW, sw, off, W)
        if hi <= lo:
            continue
        for c in range(C):
            for kh in range(KH):
                k = (c * KH + kh) * KW + kw
                for n in range(N):
                    plane = out[(n * C + c) * H * W:(n * C + c + 1) * H * W]
                    block = cols[k * sk + n * sn:k * sk + n * sn + OH * OW]
                    for oh in range(OH):
                        ih = oh * sh - ph + kh * dh
                        if ih < 0 or ih >= H:
                            continue
                        if sw == 1:
                            src = block[oh * OW + lo:oh * OW + hi]
                            dst = plane[ih * W + lo + off:ih * W + hi + off]
                            for j in range(hi - lo):
                                dst[j] += src[j]
                        else:
                            row = block[oh * OW:(oh + 1) * OW]
                            dst = plane[ih * W:(ih + 1) * W]
                            for j in range(lo, hi):
                                dst[j * sw + off] += row[j]


# ------------------------------------------------------------------ column layout


@kernel
def onl_to_nol(y, bias, N, O, L, out):
    # out[n, o, l] = y[o, n, l] + bias[o] (bias: O values or a scalar 0)
    for n in range(N):
        for o in range(O):
            b = at(bias, o)
            src = y[(o * N + n) * L:(o * N + n + 1) * L]
            dst = out[(n * O + o) * L:(n * O + o + 1) * L]
            for j in range(L):
                dst[j] = src[j] + b


@reduction_kernel
def nol_to_onl(g, N, O, L, out, gb, with_bias):
    # out[o, n, l] = g[n, o, l]; with_bias: gb[o] = sum over n, l (float64)
    if with_bias:
        for o in range(O):
            gb[o] = 0.0
    for n in range(N):
        for o in range(O):
            src = g[(n * O + o) * L:(n * O + o + 1) * L]
            dst = out[(o * N + n) * L:(o * N + n + 1) * L]
            for j in range(L):
                dst[j] = src[j]
            if with_bias:
                s = 0.0
                for j in range(L):
                    s += src[j]
                gb[o] += s


# ------------------------------------------------------------------ patch-row layout


@kernel
def nchw_to_padded_nhwc(x, pt, pl, xp):
    # x (N, C, H, W) -> xp (N, Hp, Wp, C): x at [pt:pt + H, pl:pl + W], zeros around
    N, C, H, W = x.shape
    Hp, Wp = xp.shape[1], xp.shape[2]
    for n in range(N):
        for h in range(Hp):
            for w in range(Wp):
                if h < pt or h >= pt + H or w < pl or w >= pl + W:
                    for c in range(C):
                        xp[n, h, w, c] = 0
                else:
                    for c in range(C):
                        xp[n, h, w, c] = x[n, c, h - pt, w - pl]


@kernel
def im2row(xp, N, Hp, Wp, C, KH, KW, sh, sw, dh, dw, OH, OW, rows):
    # xp: flat (N, Hp, Wp, C) padded input; rows: flat (N * OH * OW, KH * KW * C),
    # rows[(n, oh, ow), (kh, kw, c)] = xp[n, oh * sh + kh * dh, ow * sw + kw * dw, c]
    K = KH * KW * C
    run = KW * C
    for n in range(N):
        for oh in range(OH):
            r0 = (n * OH + oh) * OW
            for kh in range(KH):
                base = (n * Hp + oh * sh + kh * dh) * Wp * C
                for ow in range(OW):
                    d0 = (r0 + ow) * K + kh * run
                    s0 = base + ow * sw * C
                    if dw == 1:
                        src = xp[s0:s0 + run]
                        dst = rows[d0:d0 + run]
                        for j in range(run):
                            dst[j] = src[j]
                    else:
                        for kw in range(KW):
                            src = xp[s0 + kw * dw * C:s0 + kw * dw * C + C]
                            dst = rows[d0 + kw * C:d0 + kw * C + C]
                            for j in range(C):
                                dst[j] = src[j]


@kernel
def row2im(rows, N, Hp, Wp, C, KH, KW, sh, sw, dh, dw, OH, OW, gp):
    # the adjoint of im2row: gp (flat (N, Hp, Wp, C), padded) = sum of the rows'
    # values at their window positions
    for i in range(gp.size):
        gp[i] = 0
    K = KH * KW * C
    run = KW * C
    for n in range(N):
        for oh in range(OH):
            r0 = (n * OH + oh) * OW
            for kh in range(KH):
                base = (n * Hp + oh * sh + kh * dh) * Wp * C
                for ow in range(OW):
                    s0 = (r0 + ow) * K + kh * run
                    d0 = base + ow * sw * C
                    if dw == 1:
                        src = rows[s0:s0 + run]
                        dst = gp[d0:d0 + run]
                        for j in range(run):
                            dst[j] += src[j]
                    else:
                        for kw in range(KW):
                            src = rows[s0 + kw * C:s0 + kw * C + C]
                            dst = gp[d0 + kw * dw * C:d0 + kw * dw * C + C]
                            for j in range(C):
                                dst[j] += src[j]


@kernel
def padded_nhwc_to_nchw(gp, pt, pl, out):
    # out (N, C, H, W) = gp (N, Hp, Wp, C) at [pt:pt + H, pl:pl + W]
    N, C, H, W = out.shape
    for n in range(N):
        for h in range(H):
            for w in range(W):
                for c in range(C):
                    out[n, c, h, w] = gp[n, h + pt, w + pl, c]


@kernel
def rows_to_nchw(y, bias, N, L, out):
    # y (N * L, O) -> out (N, O, L) + bias[o] (bias: O values or a scalar 0)
    O = y.shape[1]
    for n in range(N):
        blk = y[n * L:(n + 1) * L]
        for o in range(O):
            b = at(bias, o)
            for j in range(L):
                out[n, o, j] = blk[j, o] + b


@reduction_kernel
def nchw_to_rows(g, out, gb, with_bias):
    # g (N, O, L) -> out (N * L, O); with_bias: gb[o] = sum over n, l (float64)
    N, O, L = g.shape
    if with_bias:
        for o in range(O):
            gb[o] = 0.0
    for n in range(N):
        blk = out[n * L:(n + 1) * L]
        for o in range(O):
            for j in range(L):
                blk[j, o] = g[n, o, j]
            if with_bias:
                s = 0.0
                for j in range(L):
                    s += g[n, o, j]
                gb[o] += s


# ------------------------------------------------------------------ shifted-row layout (stride 1)
# With stride 1 the windows of one kernel position over a whole zero-padded
# plane are that plane shifted by kh * dh * Wp + kw * dw: computing the output
# on rows of the padded width Wp (columns OW..Wp-1 are discarded) makes each
# row of the lowered matrix one contiguous copy of OH * Wp values.


@kernel
def nchw_pad(x, pt, pl, xp):
    # xp (N, C, Hp, Wp) = x with zero borders (pt rows above, pl columns left);
    # returns whether every value is finite
    N, C, H, W = x.shape
    Hp, Wp = xp.shape[2], xp.shape[3]
    finite = True
    for n in range(N):
        for c in range(C):
            for h in range(Hp):
                if h < pt or h >= pt + H:
                    for w in range(Wp):
                        xp[n, c, h, w] = 0
                    continue
                for w in range(pl):
                    xp[n, c, h, w] = 0
                for w in range(W):
                    v = x[n, c, h - pt, w]
                    xp[n, c, h, pl + w] = v
                    finite &= (v - v) == 0
                for w in range(pl + W, Wp):
                    xp[n, c, h, w] = 0
    return finite


@kernel
def shift_cols(xp, N, C, Hp, Wp, KH, KW, dh, dw, OH, OW, zero_tails, cols):
    # xp: flat padded planes (N * C * Hp * Wp, then at least (KW - 1) * dw zeros);
    # cols (C * KH * KW, N, OH * Wp): cols[k, n] = plane (n, c) from kh * dh * Wp + kw * dw.
    # zero_tails: set the discarded columns to 0 (needed when xp holds non-finite values)
    R = OH * Wp
    P = Hp * Wp
    for c in range(C):
        for kh in range(KH):
            for kw in range(KW):
                k = (c * KH + kh) * KW + kw
                off = kh * dh * Wp + kw * dw
                for n in range(N):
                    s0 = (n * C + c) * P + off
                    src = xp[s0:s0 + R]
                    dst = cols[(k * N + n) * R:(k * N + n + 1) * R]
                    for j in range(R):
                        dst[j] = src[j]
                    if zero_tails:
                        for oh in range(OH):
                            for j in range(oh * Wp + OW, (oh + 1) * Wp):
                                dst[j] = 0


@kernel
def shift_col2im(cols, N, C, Hp, Wp, KH, KW, dh, dw, OH, OW, whole_rows, gp):
    # the adjoint of shift_cols into zeroed padded planes gp (flat, with the same
    # slack); whole_rows: add the discarded columns too (they are 0 when the
    # weights are finite), as one contiguous run per plane
    for i in range(gp.size):
        gp[i] = 0
    R = OH * Wp
    P = Hp * Wp
    for c in range(C):
        for kh in range(KH):
            for kw in range(KW):
                k = (c * KH + kh) * KW + kw
                off = kh * dh * Wp + kw * dw
                for n in range(N):
                    d0 = (n * C + c) * P + off
                    src = cols[(k * N + n) * R:(k * N + n + 1) * R]
                    if whole_rows:
                        dst = gp[d0:d0 + R]
                        for j in range(R):
                            dst[j] += src[j]
                    else:
                        for oh in range(OH):
                            s = src[oh * Wp:oh * Wp + OW]
                            dst = gp[d0 + oh * Wp:d0 + oh * Wp + OW]
                            for j in range(OW):
                                dst[j] += s[j]


@kernel
def nchw_unpad(gp, pt, pl, out):
    # out (N, C, H, W) = gp (N, C, Hp, Wp) at [pt:pt + H, pl:pl + W]
    N, C, H, W = out.shape
    for n in range(N):
        for c in range(C):
            for h in range(H):
                for w in range(W):
                    out[n, c, h, w] = gp[n, c, h + pt, w + pl]


@kernel
def shift_out(y, bias, out):
    # out[n, o, oh, ow] = y[o, n, oh, ow] + bias[o]; y (O, N, OH, Wp), bias: O values
    # or a scalar 0
    N, O, OH, OW = out.shape
    for n in range(N):
        for o in range(O):
            b = at(bias, o)
            for oh in range(OH):
                for ow in range(OW):
                    out[n, o, oh, ow] = y[o, n, oh, ow] + b


@reduction_kernel
def shift_grad(g, out, gb, with_bias):
    # out[o, n, oh, ow] = g[n, o, oh, ow], 0 in the discarded columns ow >= OW of
    # out (O, N, OH, Wp); with_bias: gb[o] = sum over n, oh, ow (float64)
    N, O, OH, OW = g.shape
    flat = out.reshape(-1)
    for i in range(flat.size):
        flat[i] = 0
    for n in range(N):
        for o in range(O):
            for oh in range(OH):
                for ow in range(OW):
                    out[o, n, oh, ow] = g[n, o, oh, ow]
    if with_bias:
        for o in range(O):
            gb[o] = 0.0
        g3 = g.reshape(N, O, OH * OW)
        for n in range(N):
            for o in range(O):
                s = 0.0
                for j in range(OH * OW):
                    s += g3[n, o, j]
                gb[o] += s
