"""Kernels of embedding_bag: forward and backward side by side.

``w`` is a C-contiguous (V, D) weight, ``idx`` the flat int64 indices, bag b
covers idx[starts[b]:ends[b]]. mode: 0 sum, 1 mean, 2 max. Rows equal to
``padding_idx`` (-1: none) are left out of every bag (and of the mean's
count). Unused arrays arrive empty with their flag off (fewer variants).
"""
from .jit import kernel


@kernel
def embedding_bag_forward(w, idx, starts, ends, mode, padding_idx, psw, use_psw, out, counts,
                          argmax):
    # out (B, D) zeros, counts int64 (B,), argmax int64 (B, D) filled with -1
    # (mode 2; else (0, 0)). Returns the position of the first index outside
    # [0, V) before writing anything, or -1.
    V, D = w.shape
    for i in range(idx.size):
        k = idx[i]
        if k < 0 or k >= V:
            return i
    for b in range(starts.size):
        c = 0
        for i in range(starts[b], ends[b]):
            k = idx[i]
            if k == padding_idx:
                continue
            if mode == 2:
                for j in range(D):
                    v = w[k, j]
                    if c == 0 or v > out[b, j]:
                        out[b, j] = v
                        argmax[b, j] = k
            elif use_psw:
                s = psw[i]
                for j in range(D):
                    out[b, j] += s * w[k, j]
            else:
                for j in range(D):
                    out[b, j] += w[k, j]
            c += 1
        counts[b] = c
        if mode == 1 and c > 1:
            s = out.dtype.type(c)
            for j in range(D):
                out[b, j] /= s
    return -1


@kernel
def embedding_bag_backward(g, w, idx, starts, ends, mode, padding_idx, psw, use_psw, counts,
                           argmax, by_freq, freq, need_w, gw, need_psw, gpsw):
    # gw (V, D) zeros: the weight's gradient (need_w); gpsw (N,) zeros: the
    # per-sample weights' one, dot(g[b], w[idx[i]]) (need_psw). ``freq``:
    # int64 zeros of V with scale_grad_by_freq (each index's occurrences).
    B, D = g.shape
    if need_w and mode == 2:
        for b in range(B):
            for j in range(D):
                k = argmax[b, j]
                if k >= 0:
                    gw[k, j] += g[b, j]
    elif need_w:
        if by_freq:
            for i in range(idx.size):
                freq[idx[i]] += 1
        one = g.dtype.type(1)
        for b in range(B):
            for i in range(starts[b], ends[b]):
                k = idx[i]
                if k == padding_idx:
                    continue
                # torch's order: the sample's weight, / occurrences, / bag size
                s = psw[i] if use_psw else one
                if by_freq:
                    s = s / g.dtype.type(freq[k])
                if mode == 1 and counts[b] > 1:
                    s = s / g.dtype.type(counts[b])
                for j in range(D):
                    gw[k, j] += g[b, j] * s
    if need_psw:
        for b in range(B):
            for i in range(starts[b], ends[b]):
                k = idx[i]
                if k == padding_idx:
                    continue
                acc = g.dtype.type(0)
                for j in range(D):
                    acc += g[b, j] * w[k, j]
                gpsw[i] = acc
