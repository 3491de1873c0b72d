"""Recurrent layers over packed sequences (``nn.utils.rnn.PackedSequence``),
and the LSTM with projections (``proj_size``), one layer and direction per call.

Rows are packed by step: step t holds ``batch_sizes[t]`` rows (sequences
sorted by decreasing length), so at each step only a prefix of the batch is
active and the per-step cell kernels of ``kernels/rnn.py`` run on that
prefix. The carried state arrays ``h``/``c`` (B, .) hold every sequence's
state: rows not active at a step keep theirs, so after the forward they
hold each sequence's final state (the forward direction ends each at its own
length; the reverse direction starts each at its own end from h0). The
backward walks the steps the other way with ``dh``/``dc`` carried the same
way: they come in as the final states' gradients and leave as h0's and c0's.

A whole (unpacked) batch is the packed case with equal batch sizes: the
projected LSTM uses these kernels for both. ``prev`` arrays (N, .) hold each
row's state before its step (computed by the caller with one numpy take).
"""
import numpy as np

from .jit import kernel
from .rnn import gru_cell, gru_cell_backward, lstm_cell, lstm_cell_backward, rnn_cell, \
    rnn_cell_backward


@kernel
def _offsets(batch_sizes):
    T = batch_sizes.shape[0]
    off = np.empty(T + 1, np.int64)
    off[0] = 0
    for t in range(T):
        off[t + 1] = off[t] + batch_sizes[t]
    return off


@kernel
def lstm_packed_forward(xp, w_hh_t, w_hr_t, batch_sizes, reverse, h, c, hs, cs, acts, rs):
    """xp (N, 4H) input projections with both biases; w_hh_t (P, 4H); h (B, P),
    c (B, H): the initial states, updated in place to the final ones. Writes
    hs (N, P), cs (N, H), acts (N, 4H). With a projection (rs has N rows,
    w_hr_t is (H, P)): rs gets o * tanh(c) and hs its projection rs w_hr_t."""
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    B = h.shape[0]
    hp = np.empty((B, xp.shape[1]), xp.dtype)
    proj = rs.shape[0] > 0
    r = np.empty((B, cs.shape[1]), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        np.dot(h[:b], w_hh_t, hp[:b])
        if proj:
            lstm_cell(xp[o:e], hp[:b], c[:b], r[:b], acts[o:e], cs[o:e], rs[o:e])
            np.dot(rs[o:e], w_hr_t, hs[o:e])
            h[:b] = hs[o:e]
        else:
            lstm_cell(xp[o:e], hp[:b], c[:b], h[:b], acts[o:e], cs[o:e], hs[o:e])


@kernel
def lstm_packed_backward(dhs, w_hh, w_hr, cs, c_prev, acts, batch_sizes, reverse, dh, dc,
                         dgates, dtot):
    """dhs (N, P): the output rows' gradients; dh (B, P), dc (B, H): the final
    states', updated in place to h0's and c0's. Writes dgates (N, 4H) and,
    with a projection (dtot has N rows; w_hr (P, H)), dtot (N, P): each row's
    whole h gradient (for W_hr's)."""
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    B = dh.shape[0]
    H = dc.shape[1]
    proj = dtot.shape[0] > 0
    dr = np.empty((B, H), dhs.dtype)
    zero = np.zeros((B, H), dhs.dtype)
    for s in range(T):
        t = s if reverse else T - 1 - s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        if proj:
            dtot[o:e] = dhs[o:e] + dh[:b]
            np.dot(dtot[o:e], w_hr, dr[:b])
            lstm_cell_backward(dr[:b], zero[:b], dc[:b], cs[o:e], c_prev[o:e], acts[o:e],
                               dgates[o:e])
        else:
            lstm_cell_backward(dhs[o:e], dh[:b], dc[:b], cs[o:e], c_prev[o:e], acts[o:e],
                               dgates[o:e])
        np.dot(dgates[o:e], w_hh, dh[:b])


@kernel
def gru_packed_forward(xp, w_hh_t, b_hh, batch_sizes, reverse, h, hs, acts):
    """As gru_forward over packed rows; h (B, H) updated in place to the final states."""
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    hp = np.empty((h.shape[0], xp.shape[1]), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        np.dot(h[:b], w_hh_t, hp[:b])
        gru_cell(xp[o:e], hp[:b], b_hh, h[:b], acts[o:e], hs[o:e])


@kernel
def gru_packed_backward(dhs, w_hh, h_prev, acts, batch_sizes, reverse, dh, dgx, dgh):
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    for s in range(T):
        t = s if reverse else T - 1 - s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        gru_cell_backward(dhs[o:e], dh[:b], h_prev[o:e], acts[o:e], dgx[o:e], dgh[o:e])
        dh[:b] += np.dot(dgh[o:e], w_hh)


@kernel
def rnn_packed_forward(xp, w_hh_t, batch_sizes, reverse, relu, h, hs):
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    hp = np.empty((h.shape[0], xp.shape[1]), xp.dtype)
    for s in range(T):
        t = T - 1 - s if reverse else s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        np.dot(h[:b], w_hh_t, hp[:b])
        rnn_cell(xp[o:e], hp[:b], relu, h[:b], hs[o:e])


@kernel
def rnn_packed_backward(dhs, w_hh, hs, batch_sizes, reverse, relu, dh, dgates):
    T = batch_sizes.shape[0]
    off = _offsets(batch_sizes)
    for s in range(T):
        t = s if reverse else T - 1 - s
        b = batch_sizes[t]
        o, e = off[t], off[t + 1]
        rnn_cell_backward(dhs[o:e], dh[:b], hs[o:e], relu, dgates[o:e])
        np.dot(dgates[o:e], w_hh, dh[:b])
