"""torch's ``_VF`` recurrent functions (``jitgrad.lstm``, ``gru``, ``rnn_tanh``,
``rnn_relu``) on arrays: the op table's ``Kernel`` entries of those names,
which ``jitgrad.compile`` replays without building a node.

The forward runs the stack of layers as the eager ``ops/rnn.py:_rnn`` does,
with the same per-layer array functions its nodes use (``layer_forward``;
``packed_layer_forward`` for the LSTM with projections), the same dropout
draws between layers, and keeps what each layer saved. The backward walks
the layers top down: each layer's output gradient is the one from above (or
the API's output) plus its final state's, and the per-layer backward
(``layer_backward``, ``packed_layer_backward``) gives the input's, the
initial states' and the weights' gradients, the numbers eager's nodes give.

Inputs, in the op table's slot order: ``input``, the initial states (the
tensor ``hx``, or the LSTM's (h0, c0) pair: a slot each), then one slot per
tensor of ``params`` (torch's flat weights). Packed sequences (torch's second
overload, a tensor of batch sizes in ``hx``'s or ``params``' place) are not
these entries' forms: ``*_covers`` sends them to the eager call.
"""
import numpy as np

from ..tensor import Tensor
from .activations import dropout_backward, dropout_forward
from .rnn import GRU, LSTM, RNN_RELU, RNN_TANH, layer_backward, layer_forward
from .rnn_packed import packed_layer_backward, packed_layer_forward


def _per_layer(mode, params, has_biases, num_layers, bidirectional):
    """The number of params per layer and direction (w_ih, w_hh, the biases,
    w_hr), or None when ``params`` does not split so."""
    plain = 4 if has_biases else 2
    count = num_layers * (2 if bidirectional else 1)
    if len(params) == plain * count:
        return plain
    if mode == LSTM and len(params) == (plain + 1) * count:
        return plain + 1
    return None


def _covers(mode, input, hx, params, has_biases, num_layers, bidirectional):
    if not (isinstance(input, Tensor) and input.dim() == 3
            and isinstance(params, (list, tuple)) and params
            and all(isinstance(p, Tensor) for p in params)):
        return False
    states = hx if mode == LSTM else (hx,)
    if not (isinstance(states, (list, tuple)) and len(states) == (2 if mode == LSTM else 1)
            and all(isinstance(h, Tensor) and h.dim() == 3 for h in states)):
        return False
    return isinstance(num_layers, int) and num_layers > 0 and \
        _per_layer(mode, params, has_biases, num_layers, bidirectional) is not None


def _forward(mode, input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
             batch_first):
    """The stack over arrays: ((output, h_n[, c_n]), saved)."""
    directions = 2 if bidirectional else 1
    per = _per_layer(mode, params, has_biases, num_layers, bidirectional)
    projected = per == (5 if has_biases else 3)
    states = list(hx) if mode == LSTM else [hx]
    h0, c0 = states[0], (states[1] if mode == LSTM else None)
    x = input.swapaxes(0, 1) if batch_first else input
    T, B = x.shape[0], x.shape[1]
    batch_sizes = np.full(T, B, np.int64) if projected else None
    layer_input = x
    h_last, c_last, layers = [], [], []
    for layer in range(num_layers):
        outputs, saved = [], []
        for direction in range(directions):
            k = layer * directions + direction
            w = list(params[k * per:(k + 1) * per])
            reverse = direction == 1
            if projected:
                w_hr = w.pop()
                w += [None, None][:4 - len(w)]
                out, h, c, s = packed_layer_forward(mode, layer_input, batch_sizes, h0[k],
                                                    c0[k], *w, w_hr=w_hr, reverse=reverse)
            else:
                w += [None, None][:4 - len(w)]
                out, c, s = layer_forward(mode, layer_input, h0[k],
                                          None if c0 is None else c0[k], *w, reverse=reverse)
                h = out[0] if reverse else out[-1]
            outputs.append(out)
            h_last.append(h)
            c_last.append(c)
            saved.append(s)
        layer_input = outputs[0] if directions == 1 else np.concatenate(outputs, 2)
        noise = None
        if dropout and train and layer < num_layers - 1 and layer_input.size:
            (layer_input,), noise = dropout_forward(layer_input, dropout, True)
        layers.append((saved, noise))
    output = layer_input.swapaxes(0, 1) if batch_first else layer_input
    outs = (output, np.stack(h_last))
    if mode == LSTM:
        outs += (np.stack(c_last),)
    return outs, (mode, projected, per, batch_first, len(states), layers)


def _backward(saved, grads, needs):
    """The gradients of (input, the states, the params) where ``needs`` says."""
    mode, projected, per, batch_first, n_states, layers = saved
    grads = list(grads) + [None] * (3 - len(grads))
    d_out, dh_n, dc_n = grads
    directions = len(layers[0][0])
    num_layers = len(layers)
    first = 1 + n_states                  # the slot of params[0]
    results = [None] * len(needs)
    need_states = needs[1:first]
    # a layer's input gradient is needed when anything below it wants one
    below = [needs[0] or any(need_states)]
    for layer in range(1, num_layers):
        lo, hi = first + (layer - 1) * directions * per, first + layer * directions * per
        below.append(below[-1] or any(needs[lo:hi]))
    if d_out is not None and batch_first:
        d_out = d_out.swapaxes(0, 1)
    d_states = [[None] * (num_layers * directions) for _ in range(n_states)]
    for layer in range(num_layers - 1, -1, -1):
        lo = first + layer * directions * per
        if not below[layer] and not any(needs[lo:lo + directions * per]):
            break
        layer_saved, noise = layers[layer]
        if d_out is not None and noise is not None:
            (d_out,) = dropout_backward(noise, (d_out,), (True,))
        d_in = None
        for direction in range(directions):
            k = layer * directions + direction
            s = layer_saved[direction]
            # the width of the layer's output (its saved hs)
            H = (s[9] if projected else s[7]).shape[-1]
            dhs = None
            if d_out is not None:
                dhs = d_out if directions == 1 else d_out[..., direction * H:(direction + 1) * H]
            p = lo + direction * per
            weights = list(needs[p:p + per])
            if projected:
                w_hr = weights.pop()
                weights += [False, False][:4 - len(weights)]
                need = (below[layer], need_states[0], n_states > 1 and need_states[1],
                        *weights, w_hr)
                found = packed_layer_backward(
                    s, dhs, None if dh_n is None else dh_n[k],
                    None if dc_n is None else dc_n[k], need)
                found = (*found[:3], *found[3:3 + per - 1], found[7])
            else:
                hs = s[7]
                if dh_n is not None:
                    # the output's gradient plus the final h's (eager: the select's)
                    dhs = np.zeros(hs.shape, hs.dtype) if dhs is None else \
                        np.array(dhs, hs.dtype, order="C")
                    dhs[0 if direction == 1 else -1] += dh_n[k]
                weights += [False, False][:4 - len(weights)]
                need = (below[layer], need_states[0], n_states > 1 and need_states[1],
                        *weights)
                found = layer_backward(s, dhs, None if dc_n is None else dc_n[k], need)
                found = found[:3 + per]
            dx = found[0]
            if dx is not None:
                d_in = dx if d_in is None else d_in + dx
            for j in range(n_states):
                d_states[j][k] = found[1 + j]
            for j in range(per):
                if needs[p + j]:
                    results[p + j] = found[3 + j]
        d_out = d_in
    if needs[0] and d_out is not None:
        results[0] = d_out.swapaxes(0, 1) if batch_first else d_out
    for j in range(n_states):
        if need_states[j]:
            results[1 + j] = np.stack(d_states[j])
    return tuple(results)


def lstm_forward(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                 batch_first=None):
    """The op table's forward (``derivatives.COMPOSITE["lstm"]``): ``jitgrad.lstm``
    on arrays, ((output, h_n, c_n), saved)."""
    return _forward(LSTM, input, hx, params, has_biases, num_layers, dropout, train,
                    bidirectional, batch_first)


def lstm_covers(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                batch_first=None):
    return _covers(LSTM, input, hx, params, has_biases, num_layers, bidirectional)


def gru_forward(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                batch_first=None):
    """``jitgrad.gru`` on arrays: ((output, h_n), saved)."""
    return _forward(GRU, input, hx, params, has_biases, num_layers, dropout, train,
                    bidirectional, batch_first)


def gru_covers(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
               batch_first=None):
    return _covers(GRU, input, hx, params, has_biases, num_layers, bidirectional)


def rnn_tanh_forward(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first=None):
    """``jitgrad.rnn_tanh`` on arrays: ((output, h_n), saved)."""
    return _forward(RNN_TANH, input, hx, params, has_biases, num_layers, dropout, train,
                    bidirectional, batch_first)


def rnn_tanh_covers(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                    batch_first=None):
    return _covers(RNN_TANH, input, hx, params, has_biases, num_layers, bidirectional)


def rnn_relu_forward(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first=None):
    """``jitgrad.rnn_relu`` on arrays: ((output, h_n), saved)."""
    return _forward(RNN_RELU, input, hx, params, has_biases, num_layers, dropout, train,
                    bidirectional, batch_first)


def rnn_relu_covers(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                    batch_first=None):
    return _covers(RNN_RELU, input, hx, params, has_biases, num_layers, bidirectional)


lstm_backward = gru_backward = rnn_tanh_backward = rnn_relu_backward = _backward
