"""Recurrent layers: one kernel runs a whole layer (one direction) over time.

The input projections of every step (``xp = x W_ih^T + b``, one BLAS
product for the whole sequence) come in precomputed; each step adds
``h W_hh^T`` (``np.dot``, BLAS) and applies the cell: one fused kernel
(``lstm_cell``...) forward and one (``lstm_cell_backward``...) backward.
The backward walks the steps in reverse, fusing each cell's derivative
with the carry of ``dh`` through ``W_hh``; it leaves the pre-activation
gradients of every step in one array, so the weight gradients are one BLAS
product each afterwards (in ``jitgrad/ops/rnn.py``).

Gate orders are torch's: LSTM (i, f, g, o), GRU (r, z, n). ``reverse`` runs
the sequence from its end (the backward direction of a bidirectional
layer). Constants are taken in the arrays' dtype so float32 stays float32.
"""
import numpy as np

from .jit import kernel
from .vmath import vexp, vtanh


@kernel
def lstm_forward(xp, w_hh_t, h0, c0, reverse, hs, cs, acts):
    """xp (T, B, 4H): input projections with both biases; w_hh_t (H, 4H);
    h0, c0 (B, H). Writes hs, cs (T, B, H): each step's h and c, and acts
    (T, B, 4H): the gate activations i, f, g, o."""
    T, B, G = xp.shape
    h = h0.copy()
    c = c0.copy()
    hp = np.empty((B, G), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        np.dot(h, w_hh_t, hp)
        lstm_cell(xp[t], hp, c, h, acts[t], cs[t], hs[t])


@kernel
def lstm_cell(xp, hp, c, h, acts, cs, hs):
    """One step for a batch: gates from xp + hp (B, 4H); c and h (B, H)
    updated in place and copied to cs and hs. (A function of its own: inlined
    into the step loop after np.dot, the cell loop stopped vectorising.)"""
    B, G = xp.shape
    H = G // 4
    one = xp.dtype.type(1)
    for b in range(B):
        # rows read through slices indexed by range(H): provably non-negative
        # indices, so the loop vectorises
        xi, xf, xg, xo = xp[b, :H], xp[b, H:2 * H], xp[b, 2 * H:3 * H], xp[b, 3 * H:]
        pi, pf, pg, po = hp[b, :H], hp[b, H:2 * H], hp[b, 2 * H:3 * H], hp[b, 3 * H:]
        ai, af, ag, ao = acts[b, :H], acts[b, H:2 * H], acts[b, 2 * H:3 * H], acts[b, 3 * H:]
        c_, h_, cs_, hs_ = c[b], h[b], cs[b], hs[b]
        for j in range(H):
            i_ = one / (one + vexp(-(xi[j] + pi[j])))
            f_ = one / (one + vexp(-(xf[j] + pf[j])))
            g_ = vtanh(xg[j] + pg[j])
            o_ = one / (one + vexp(-(xo[j] + po[j])))
            cn = f_ * c_[j] + i_ * g_
            hn = o_ * vtanh(cn)
            ai[j] = i_
            af[j] = f_
            ag[j] = g_
            ao[j] = o_
            c_[j] = cn
            h_[j] = hn
            cs_[j] = cn
            hs_[j] = hn


@kernel
def lstm_backward(dhs, dc_last, w_hh, cs, acts, c0, reverse, dgates):
    """dhs (T, B, H): the gradient of each step's h from outside the layer;
    dc_last (B, H): of the last step's c. Writes dgates (T, B, 4H), the
    pre-activation gradients; returns the gradients of h0 and c0."""
    T, B, G = acts.shape
    H = G // 4
    dh = np.zeros((B, H), acts.dtype)
    dc = dc_last.copy()
    for s in range(T):
        t = s if reverse else T - 1 - s
        tp = t + 1 if reverse else t - 1          # the step before t, in the layer's order
        c_prev = c0 if tp < 0 or tp >= T else cs[tp]
        lstm_cell_backward(dhs[t], dh, dc, cs[t], c_prev, acts[t], dgates[t])
        np.dot(dgates[t], w_hh, dh)
    return dh, dc


@kernel
def lstm_cell_backward(dhs, dh, dc, cs, c_prev, acts, dgates):
    """One step back: dh (carried through W_hh) and dhs (from outside) into
    the gates' pre-activation gradients; dc updated in place to the previous
    step's."""
    B, G = acts.shape
    H = G // 4
    one = acts.dtype.type(1)
    for b in range(B):
        ai, af, ag, ao = acts[b, :H], acts[b, H:2 * H], acts[b, 2 * H:3 * H], acts[b, 3 * H:]
        di, df, dg, do = (dgates[b, :H], dgates[b, H:2 * H], dgates[b, 2 * H:3 * H],
                          dgates[b, 3 * H:])
        cs_, dhs_, dh_, dc_, cp_ = cs[b], dhs[b], dh[b], dc[b], c_prev[b]
        for j in range(H):
            i_ = ai[j]
            f_ = af[j]
            g_ = ag[j]
            o_ = ao[j]
            tc = vtanh(cs_[j])
            dht = dhs_[j] + dh_[j]
            dct = dc_[j] + dht * o_ * (one - tc * tc)
            di[j] = dct * g_ * i_ * (one - i_)
            df[j] = dct * cp_[j] * f_ * (one - f_)
            dg[j] = dct * i_ * (one - g_ * g_)
            do[j] = dht * tc * o_ * (one - o_)
            dc_[j] = dct * f_


@kernel
def gru_forward(xp, w_hh_t, b_hh, h0, reverse, hs, acts):
    """xp (T, B, 3H): input projections with b_ih; w_hh_t (H, 3H); b_hh (3H,);
    h0 (B, H). Writes hs (T, B, H) and acts (T, B, 4H): r, z, n and the
    hidden projection of n (h W_hn^T + b_hn), which the backward needs."""
    T, B, G = xp.shape
    h = h0.copy()
    hp = np.empty((B, G), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        np.dot(h, w_hh_t, hp)
        gru_cell(xp[t], hp, b_hh, h, acts[t], hs[t])


@kernel
def gru_cell(xp, hp, b_hh, h, acts, hs):
    B, G = xp.shape
    H = G // 3
    one = xp.dtype.type(1)
    br, bz, bn = b_hh[:H], b_hh[H:2 * H], b_hh[2 * H:]
    for b in range(B):
        xr, xz, xn = xp[b, :H], xp[b, H:2 * H], xp[b, 2 * H:]
        pr, pz, pn = hp[b, :H], hp[b, H:2 * H], hp[b, 2 * H:]
        ar, az, an, ah = acts[b, :H], acts[b, H:2 * H], acts[b, 2 * H:3 * H], acts[b, 3 * H:]
        h_, hs_ = h[b], hs[b]
        for j in range(H):
            r_ = one / (one + vexp(-(xr[j] + (pr[j] + br[j]))))
            z_ = one / (one + vexp(-(xz[j] + (pz[j] + bz[j]))))
            hn_ = pn[j] + bn[j]
            n_ = vtanh(xn[j] + r_ * hn_)
            hv = n_ + z_ * (h_[j] - n_)       # torch's form of (1 - z) n + z h
            ar[j] = r_
            az[j] = z_
            an[j] = n_
            ah[j] = hn_
            h_[j] = hv
            hs_[j] = hv


@kernel
def gru_backward(dhs, w_hh, hs, acts, h0, reverse, dgx, dgh):
    """Writes the pre-activation gradients of the input side dgx (T, B, 3H)
    and of the hidden side dgh (T, B, 3H; they differ in n, where r scales
    the hidden projection); returns the gradient of h0."""
    T, B, G4 = acts.shape
    H = G4 // 4
    dh = np.zeros((B, H), acts.dtype)
    for s in range(T):
        t = s if reverse else T - 1 - s
        tp = t + 1 if reverse else t - 1
        h_prev = h0 if tp < 0 or tp >= T else hs[tp]
        gru_cell_backward(dhs[t], dh, h_prev, acts[t], dgx[t], dgh[t])
        dh += np.dot(dgh[t], w_hh)
    return dh


@kernel
def gru_cell_backward(dhs, dh, h_prev, acts, dgx, dgh):
    """One step back; dh becomes the direct path's share of the previous
    step's gradient (the caller adds W_hh's)."""
    B, G4 = acts.shape
    H = G4 // 4
    one = acts.dtype.type(1)
    for b in range(B):
        ar, az, an, ah = acts[b, :H], acts[b, H:2 * H], acts[b, 2 * H:3 * H], acts[b, 3 * H:]
        xr, xz, xn = dgx[b, :H], dgx[b, H:2 * H], dgx[b, 2 * H:]
        hr, hz, hn = dgh[b, :H], dgh[b, H:2 * H], dgh[b, 2 * H:]
        hp_, dhs_, dh_ = h_prev[b], dhs[b], dh[b]
        for j in range(H):
            r_ = ar[j]
            z_ = az[j]
            n_ = an[j]
            dht = dhs_[j] + dh_[j]
            dpre_n = dht * (one - z_) * (one - n_ * n_)
            dpre_z = dht * (hp_[j] - n_) * z_ * (one - z_)
            dpre_r = dpre_n * ah[j] * r_ * (one - r_)
            xr[j] = dpre_r
            xz[j] = dpre_z
            xn[j] = dpre_n
            hr[j] = dpre_r
            hz[j] = dpre_z
            hn[j] = dpre_n * r_
            dh_[j] = dht * z_


@kernel
def rnn_forward(xp, w_hh_t, h0, reverse, relu, hs):
    """Elman RNN: h = tanh(xp + h W_hh^T) (relu with ``relu``); xp holds both biases."""
    T, B, H = xp.shape
    h = h0.copy()
    hp = np.empty((B, H), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        np.dot(h, w_hh_t, hp)
        rnn_cell(xp[t], hp, relu, h, hs[t])


@kernel
def rnn_cell(xp, hp, relu, h, hs):
    B, H = xp.shape
    zero = xp.dtype.type(0)
    for b in range(B):
        x_, p_, h_, hs_ = xp[b], hp[b], h[b], hs[b]
        for j in range(H):
            v = x_[j] + p_[j]
            # (as relu_forward: relu(nan) is nan, relu(-0.0) is -0.0)
            hv = (zero if v < zero else v) if relu else vtanh(v)
            h_[j] = hv
            hs_[j] = hv


@kernel
def rnn_backward(dhs, w_hh, hs, reverse, relu, dgates):
    T, B, H = hs.shape
    dh = np.zeros((B, H), hs.dtype)
    for s in range(T):
        t = s if reverse else T - 1 - s
        rnn_cell_backward(dhs[t], dh, hs[t], relu, dgates[t])
        np.dot(dgates[t], w_hh, dh)
    return dh


@kernel
def rnn_cell_backward(dhs, dh, hs, relu, dgates):
    B, H = hs.shape
    one = hs.dtype.type(1)
    zero = hs.dtype.type(0)
    for b in range(B):
        hs_, dhs_, dh_, d_ = hs[b], dhs[b], dh[b], dgates[b]
        for j in range(H):
            hv = hs_[j]
            dht = dhs_[j] + dh_[j]
            # (as threshold_backward: nan passes the gradient)
            d_[j] = (zero if hv <= zero else dht) if relu else dht * (one - hv * hv)
