"""Recurrent layers over packed sequences, and the LSTM with projections.

One layer and direction is one op (``packed_layer``) whose outputs are the
layer's output rows, its final h and (LSTM) its final c; its node runs the
whole layer's backward (``kernels/rnn_packed.py``): each step works on the
prefix of the batch still active (``batch_sizes[t]`` rows), so every
sequence's final state is at its own length and the reverse direction starts
each sequence at its own end. A whole batch (T, B, I) is packed rows with
equal batch sizes: the projected LSTM (``proj_size``) runs that way unpacked.

Node names as torch's on the CPU: a packed layer's output rows are its steps
concatenated (``CatBackward0``), an unpacked projected LSTM's its steps
stacked (``StackBackward0``); h_n and c_n stack the layers' final states.
"""
import numpy as np

from ..autograd.function import _OutputGrads, _OutputSelector
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import enable_grad, state as grad_state
from ..kernels import rnn_packed as K
from ..tensor import _wrap, _wrap_result
from ..threads import matmul as blas_matmul

LSTM, GRU, RNN_TANH, RNN_RELU = "LSTM", "GRU", "RNN_TANH", "RNN_RELU"


def _prev_index(batch_sizes, reverse):
    """For each packed row, its row of concat([rows, initial states]) holding the
    state before its step: the same sequence's row at the layer's previous
    step, or its initial state (row N + b) at its first step."""
    T = batch_sizes.shape[0]
    off = np.zeros(T + 1, np.int64)
    np.cumsum(batch_sizes, out=off[1:])
    n = off[-1]
    step = np.repeat(np.arange(T), batch_sizes)
    b = np.arange(n) - off[step]
    if reverse:
        nxt = np.minimum(step + 1, T - 1)
        has = (step + 1 < T) & (b < batch_sizes[nxt])
        return np.where(has, off[nxt] + b, n + b)
    return np.where(step > 0, off[np.maximum(step - 1, 0)] + b, n + b)


class PackedLayerNode(Node):
    """Edges: (input, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr), None where no
    gradient flows. Its outputs: the rows, the final h, (LSTM) the final c."""
    __slots__ = ()

    def apply(self, grad):
        saved = self._saved_or_raise()
        grads = list(grad.grads) if isinstance(grad, _OutputGrads) else [grad]
        grads += [None] * (3 - len(grads))
        return packed_layer_backward(saved[:-1], *grads, [e is not None for e in self._next])

    def apply_graph(self, grad):
        # create_graph: the layer again as recorded cell ops, differentiated by the engine
        from ..autograd import grad as autograd_grad
        mode, reverse, bs, *_, tensors = self._saved_or_raise()
        grads = list(grad.grads) if isinstance(grad, _OutputGrads) else [grad]
        with enable_grad():
            outputs = _recorded_layer(mode, reverse, bs, *tensors)
            pairs = [(o, g) for o, g in zip(outputs, grads) if g is not None]
            wanted = [i for i, e in enumerate(self._next) if e is not None]
            found = autograd_grad([o for o, _ in pairs], [tensors[i] for i in wanted],
                                  [g for _, g in pairs], create_graph=True, allow_unused=True)
        out = [None] * 8
        for i, g in zip(wanted, found):
            out[i] = g
        return tuple(out)


_EMPTY = {"f": np.empty((0, 0), np.float32), "d": np.empty((0, 0), np.float64)}
_NODES = {name: node_class(name, PackedLayerNode) for name in ("CatBackward0", "StackBackward0")}
_SELECTORS = {name: type(name, (_OutputSelector,), {"__slots__": ()}) for name in _NODES}


def packed_layer_forward(mode, x, batch_sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr=None,
                         reverse=False):
    """One layer on arrays (``packed_layer``'s work, shared with the op table's
    ``lstm`` entry for the projected LSTM, ``ops/rnn_stack.py``): (output
    (N, P) or (T, B, P), final h, final c or None, saved for
    ``packed_layer_backward``)."""
    shape = x.shape
    xa = np.ascontiguousarray(x)
    dtype = xa.dtype
    xa = xa.reshape(-1, xa.shape[-1])
    N = xa.shape[0]
    wa_ih = np.ascontiguousarray(w_ih)
    wa_hh = np.ascontiguousarray(w_hh)
    wa_hr = None if w_hr is None else np.ascontiguousarray(w_hr)
    P = wa_hh.shape[1]
    G = wa_ih.shape[0]
    xp = blas_matmul(xa, wa_ih.T)
    if b_ih is not None:
        xp += b_ih if mode == GRU else b_ih + b_hh
    w_hh_t = np.ascontiguousarray(wa_hh.T)
    h0a = np.ascontiguousarray(h0)
    h = h0a.copy()
    hs = np.empty((N, P), dtype)
    c = cs = acts = rs = c0a = None
    if mode == LSTM:
        c0a = np.ascontiguousarray(c0)
        c = c0a.copy()
        H = c.shape[1]
        cs = np.empty((N, H), dtype)
        acts = np.empty((N, G), dtype)
        rs = np.empty((N if wa_hr is not None else 0, H), dtype)
        K.lstm_packed_forward(xp, w_hh_t, _EMPTY[dtype.char] if wa_hr is None else
                              np.ascontiguousarray(wa_hr.T), batch_sizes, reverse, h, c, hs,
                              cs, acts, rs)
    elif mode == GRU:
        acts = np.empty((N, 4 * P), dtype)
        b_hh_a = np.zeros(G, dtype) if b_hh is None else np.ascontiguousarray(b_hh)
        K.gru_packed_forward(xp, w_hh_t, b_hh_a, batch_sizes, reverse, h, hs, acts)
    else:
        K.rnn_packed_forward(xp, w_hh_t, batch_sizes, reverse, mode == RNN_RELU, h, hs)
    out = hs if len(shape) == 2 else hs.reshape(shape[0], shape[1], P)
    return out, h, c, (mode, reverse, batch_sizes, xa, wa_ih, wa_hh, wa_hr, h0a, c0a, hs, cs,
                       acts, rs, shape)


def packed_layer_backward(saved, dhs, dh_last, dc_last, need):
    """The gradients of (input, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr) where
    ``need`` says (None elsewhere), given those of the output rows, the final
    h and (LSTM) the final c, each None for zeros."""
    mode, reverse, bs, xa, w_ih, w_hh, w_hr, h0, c0, hs, cs, acts, rs, x_shape = saved
    prev = _prev_index(bs, reverse)
    dtype = xa.dtype
    N, P = hs.shape
    B = h0.shape[0]
    dhs = np.zeros((N, P), dtype) if dhs is None else \
        np.ascontiguousarray(np.reshape(dhs, (N, P)), dtype)
    dh = np.zeros((B, P), dtype) if dh_last is None else np.array(dh_last, dtype)
    dc0 = None
    if mode == LSTM:
        H = cs.shape[1]
        dc = np.zeros((B, H), dtype) if dc_last is None else np.array(dc_last, dtype)
        c_prev = np.concatenate([cs, c0])[prev]
        dgx = np.empty(acts.shape, dtype)
        dtot = np.empty((N if w_hr is not None else 0, P), dtype)
        K.lstm_packed_backward(dhs, w_hh, w_hr if w_hr is not None else _EMPTY[dtype.char],
                               cs, c_prev, acts, bs, reverse, dh, dc, dgx, dtot)
        dgh, dc0 = dgx, dc
    elif mode == GRU:
        h_prev = np.concatenate([hs, h0])[prev]
        dgx = np.empty((N, w_hh.shape[0]), dtype)
        dgh = np.empty((N, w_hh.shape[0]), dtype)
        K.gru_packed_backward(dhs, w_hh, h_prev, acts, bs, reverse, dh, dgx, dgh)
    else:
        dgx = np.empty((N, P), dtype)
        K.rnn_packed_backward(dhs, w_hh, hs, bs, reverse, mode == RNN_RELU, dh, dgx)
        dgh = dgx
    dx = blas_matmul(dgx, w_ih).reshape(x_shape) if need[0] else None
    dw_ih = blas_matmul(dgx.T, xa) if need[3] else None
    dw_hh = None
    if need[4]:
        h_prev = np.concatenate([hs, h0])[prev] if mode != GRU else h_prev
        dw_hh = blas_matmul(dgh.T, h_prev)
    dw_hr = blas_matmul(dtot.T, rs) if need[7] else None
    return (dx, dh if need[1] else None, dc0 if need[2] else None, dw_ih, dw_hh,
            dgx.sum(0) if need[5] else None, dgh.sum(0) if need[6] else None, dw_hr)


def _data(t):
    return None if t is None else t._data


def packed_layer(mode, x, batch_sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr=None,
                 reverse=False):
    """One layer over ``x``: packed rows (N, I) with ``batch_sizes`` (a numpy int64
    array), or a whole batch (T, B, I) (``batch_sizes`` then T times B). Returns
    (output (N, P) or (T, B, P), final h (B, P), final c (B, H) or None)."""
    out_arr, h, c, saved = packed_layer_forward(
        mode, x._data, batch_sizes, h0._data, _data(c0), w_ih._data, w_hh._data, _data(b_ih),
        _data(b_hh), _data(w_hr), reverse)
    inputs = (x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr)
    if not grad_state.enabled or not any(t is not None and t._requires_grad for t in inputs):
        return _wrap(out_arr), _wrap(h), None if c is None else _wrap(c)
    name = "CatBackward0" if x.dim() == 2 else "StackBackward0"
    node = _NODES[name](tuple(None if t is None else edge(t) for t in inputs), saved + (inputs,))
    mode_count = 3 if mode == LSTM else 2
    results = []
    for index, arr in enumerate((out_arr, h, c)[:mode_count]):
        sel = _SELECTORS[name]((node,), ())
        sel.index, sel.count = index, mode_count
        results.append(_wrap_result(arr, sel))
    node._checks = (output_version(results[0], node),) + tuple(
        saved_version(t) for t in inputs if t is not None)
    return results[0], results[1], results[2] if mode_count == 3 else None


def _recorded_layer(mode, reverse, bs, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr):
    """The layer as recorded cell ops (for create_graph): (output, h, c)."""
    from .. import functions as fn
    from ..nn import functional as F
    from .cells import gru_cell, lstm_cell, rnn_cell
    shape = x.shape
    x = x.reshape(-1, shape[-1])
    T = bs.shape[0]
    off = np.concatenate([[0], np.cumsum(bs)])
    h, c, outs = h0, c0, [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        b = int(bs[t])
        xt = x[int(off[t]):int(off[t + 1])]
        if mode == LSTM:
            hn, cn = lstm_cell(xt, h[:b], c[:b], w_ih, w_hh, b_ih, b_hh)
            if w_hr is not None:
                hn = F.linear(hn, w_hr)
            c = cn if b == c.shape[0] else fn.cat([cn, c[b:]])
        elif mode == GRU:
            hn = gru_cell(xt, h[:b], w_ih, w_hh, b_ih, b_hh)
        else:
            hn = rnn_cell(xt, h[:b], w_ih, w_hh, b_ih, b_hh,
                          F.relu if mode == RNN_RELU else fn.tanh)
        h = hn if b == h.shape[0] else fn.cat([hn, h[b:]])
        outs[t] = hn
    out = fn.cat(outs)
    if len(shape) == 3:
        out = out.reshape(shape[0], shape[1], -1)
    return (out, h, c) if mode == LSTM else (out, h)


def rnn_rows(mode, x, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
             bidirectional):
    """The stacked layers over packed rows ``x`` (N, I) with ``batch_sizes``, or over a
    whole batch (T, B, I) (the projected LSTM): (output, h_n, c_n or None). ``hx``:
    a list of (L*D, B, .) states; ``params`` per layer and direction: w_ih, w_hh,
    (b_ih, b_hh), (w_hr), torch's flat order."""
    from .. import functions as fn
    from ..nn import functional as F
    directions = 2 if bidirectional else 1
    per = len(params) // (num_layers * directions)
    proj = per == (5 if has_biases else 3)
    if isinstance(batch_sizes, np.ndarray):
        bs = batch_sizes
    elif batch_sizes is None:
        bs = np.full(x.shape[0], x.shape[1], np.int64)
    else:
        bs = np.ascontiguousarray(batch_sizes._data, np.int64)
    layer_input = x
    h_last, c_last = [], []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            w = list(params[k * per:(k + 1) * per])
            w_hr = w.pop() if proj else None
            w += [None, None][:4 - len(w)]
            out, h, c = packed_layer(mode, layer_input, bs, hx[0][k],
                                     hx[1][k] if len(hx) > 1 else None, *w, w_hr=w_hr,
                                     reverse=direction == 1)
            outputs.append(out)
            h_last.append(h)
            c_last.append(c)
        layer_input = outputs[0] if directions == 1 else fn.cat(outputs, -1)
        if dropout and train and layer < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, True)
    return layer_input, fn.stack(h_last), None if len(hx) < 2 else fn.stack(c_last)
