"""One recurrent layer in one direction, as one op: its node runs the whole
layer's backward (``kernels/rnn.py``).

Forward: the input projections of all steps are one BLAS product, then one
kernel walks the steps. Backward: one kernel walks them in reverse and
leaves every step's pre-activation gradients in one array, from which the
input and weight gradients are one BLAS product each.

Node names as torch records them on the CPU: an LSTM layer's output and
last cell state come from one ``MkldnnRnnLayerBackward0``; an RNN or GRU
layer's output is a stack of its steps (``StackBackward0``).
"""
import numpy as np

from ..autograd.function import _OutputGrads, _OutputSelector
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import enable_grad, state as grad_state
from ..kernels import rnn as K
from ..tensor import Tensor, _wrap, _wrap_result
from ..threads import matmul as blas_matmul

LSTM, GRU, RNN_TANH, RNN_RELU = "LSTM", "GRU", "RNN_TANH", "RNN_RELU"


class RnnLayerNode(Node):
    """Edges: (input, h0, c0, w_ih, w_hh, b_ih, b_hh), None where no gradient
    flows. Saved: (mode, reverse, the arrays the kernels need, the input
    tensors for the create_graph path)."""
    __slots__ = ()

    def apply(self, grad):
        saved = self._saved_or_raise()
        if isinstance(grad, _OutputGrads):
            dhs, dc_last = grad.grads
        else:
            dhs, dc_last = grad, None
        return layer_backward(saved[:-1], dhs, dc_last, [e is not None for e in self._next])

    def apply_graph(self, grad):
        # create_graph: the layer again as recorded cell ops, differentiated by the engine
        from ..autograd import grad as autograd_grad
        mode, reverse, *_, tensors = self._saved_or_raise()
        grads = grad.grads if isinstance(grad, _OutputGrads) else [grad, None]
        with enable_grad():
            # recomputed from the saved inputs themselves, so the gradients it
            # records depend on them (and on x's own graph)
            outputs = _recorded_layer(mode, reverse, *tensors)
            pairs = [(o, g) for o, g in zip(outputs, grads) if g is not None]
            wanted = [i for i, e in enumerate(self._next) if e is not None]
            found = autograd_grad([o for o, _ in pairs], [tensors[i] for i in wanted],
                                  [g for _, g in pairs], create_graph=True, allow_unused=True)
        out = [None] * 7
        for i, g in zip(wanted, found):
            out[i] = g
        return tuple(out)


# torch's float32 LSTM runs oneDNN's layer (MkldnnRnnLayerBackward0); every other
# layer is its steps stacked (StackBackward0)
_LAYER_NODES = {name: node_class(name, RnnLayerNode)
                for name in ("MkldnnRnnLayerBackward0", "StackBackward0")}
_SELECTORS = {name: type(name, (_OutputSelector,), {"__slots__": ()}) for name in _LAYER_NODES}


def _node_name(mode, dtype):
    return "MkldnnRnnLayerBackward0" if mode == LSTM and dtype == np.float32 else "StackBackward0"


def layer_forward(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=False):
    """One layer on arrays (``rnn_layer``'s work, shared with the op table's
    ``lstm``, ``gru``... entries, ``ops/rnn_stack.py``): (output (T, B, H), the
    last cell state (B, H) or None, saved for ``layer_backward``)."""
    xa = np.ascontiguousarray(x)
    dtype = xa.dtype
    T, B, I = xa.shape
    wa_ih = np.ascontiguousarray(w_ih)
    wa_hh = np.ascontiguousarray(w_hh)
    H = wa_hh.shape[1]
    G = wa_ih.shape[0]
    xp = blas_matmul(xa.reshape(T * B, I), wa_ih.T)
    if b_ih is not None:
        bias = b_ih if mode == GRU else b_ih + b_hh
        xp += bias
    xp = xp.reshape(T, B, G)
    w_hh_t = np.ascontiguousarray(wa_hh.T)
    h0a = np.ascontiguousarray(h0)
    hs = np.empty((T, B, H), dtype)
    cs = acts = c0a = None
    if mode == LSTM:
        c0a = np.ascontiguousarray(c0)
        cs = np.empty((T, B, H), dtype)
        acts = np.empty((T, B, G), dtype)
        K.lstm_forward(xp, w_hh_t, h0a, c0a, reverse, hs, cs, acts)
    elif mode == GRU:
        acts = np.empty((T, B, 4 * H), dtype)
        b_hh_a = np.zeros(G, dtype) if b_hh is None else np.ascontiguousarray(b_hh)
        K.gru_forward(xp, w_hh_t, b_hh_a, h0a, reverse, hs, acts)
    else:
        K.rnn_forward(xp, w_hh_t, h0a, reverse, mode == RNN_RELU, hs)
    c_last = None if cs is None else cs[0 if reverse else -1].copy()
    return hs, c_last, (mode, reverse, xa, wa_ih, wa_hh, h0a, c0a, hs, cs, acts)


def layer_backward(saved, dhs, dc_last, need):
    """The gradients of (input, h0, c0, w_ih, w_hh, b_ih, b_hh) where ``need``
    says (None elsewhere), given those of the output and (LSTM) the last cell
    state, either None for zeros: one kernel walks the steps back, then one
    product per input."""
    mode, reverse, x, w_ih, w_hh, h0, c0, hs, cs, acts = saved
    T, B, _ = x.shape
    H = w_hh.shape[1]
    dtype = x.dtype
    dhs = np.zeros(hs.shape, dtype) if dhs is None else np.ascontiguousarray(dhs, dtype)
    dc0 = None
    if mode == LSTM:
        dc_last = np.zeros((B, H), dtype) if dc_last is None else \
            np.ascontiguousarray(dc_last, dtype)
        dgx = np.empty(acts.shape, dtype)
        dh0, dc0 = K.lstm_backward(dhs, dc_last, w_hh, cs, acts, c0, reverse, dgx)
        dgh = dgx
    elif mode == GRU:
        dgx = np.empty((T, B, 3 * H), dtype)
        dgh = np.empty((T, B, 3 * H), dtype)
        dh0 = K.gru_backward(dhs, w_hh, hs, acts, h0, reverse, dgx, dgh)
    else:
        dgx = np.empty(hs.shape, dtype)
        dh0 = K.rnn_backward(dhs, w_hh, hs, reverse, mode == RNN_RELU, dgx)
        dgh = dgx
    gx = dgx.reshape(T * B, -1)
    gh = dgh.reshape(T * B, -1)
    dx = blas_matmul(gx, w_ih).reshape(x.shape) if need[0] else None
    dw_ih = blas_matmul(gx.T, x.reshape(T * B, -1)) if need[3] else None
    dw_hh = None
    if need[4]:
        # each step's previous h: h0 first, in the layer's own order
        prev = np.concatenate([hs[1:], h0[None]]) if reverse else \
            np.concatenate([h0[None], hs[:-1]])
        dw_hh = blas_matmul(gh.T, prev.reshape(T * B, H))
    db_ih = gx.sum(0) if need[5] else None
    db_hh = gh.sum(0) if need[6] else None
    return (dx, dh0 if need[1] else None, dc0 if need[2] else None, dw_ih, dw_hh,
            db_ih, db_hh)


def _data(t):
    return None if t is None else t._data


def rnn_layer(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=False):
    """One layer over ``x`` (T, B, I) from ``h0`` (and ``c0``, LSTM) (B, H):
    the output (T, B, H) and, for an LSTM, the last cell state (B, H)."""
    hs, c_last, saved = layer_forward(mode, x._data, h0._data, _data(c0), w_ih._data,
                                      w_hh._data, _data(b_ih), _data(b_hh), reverse)
    inputs = (x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    if not grad_state.enabled or not any(t is not None and t._requires_grad for t in inputs):
        return _wrap(hs), None if c_last is None else _wrap(c_last)
    name = _node_name(mode, hs.dtype)
    node = _LAYER_NODES[name](
        tuple(None if t is None else edge(t) for t in inputs), saved + (inputs,))
    if mode != LSTM:
        out = _wrap_result(hs, node)
        node._checks = (output_version(out, node),) + _input_checks(inputs)
        return out, None
    selectors = []
    for index in range(2):
        sel = _SELECTORS[name]((node,), ())
        sel.index, sel.count = index, 2
        selectors.append(sel)
    out = _wrap_result(hs, selectors[0])
    node._checks = (output_version(out, node),) + _input_checks(inputs)
    return out, _wrap_result(c_last, selectors[1])


def _input_checks(inputs):
    return tuple(saved_version(t) for t in inputs if t is not None)


def _recorded_layer(mode, reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    """The layer as recorded cell ops (for create_graph): (output, last c)."""
    from .. import functions as fn
    from ..nn import functional as F
    from .cells import gru_cell, lstm_cell, rnn_cell
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    h, c, hs = h0, c0, [None] * x.shape[0]
    for t in steps:
        if mode == LSTM:
            h, c = lstm_cell(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        elif mode == GRU:
            h = gru_cell(x[t], h, w_ih, w_hh, b_ih, b_hh)
        else:
            h = rnn_cell(x[t], h, w_ih, w_hh, b_ih, b_hh, F.relu if mode == RNN_RELU else fn.tanh)
        hs[t] = h
    return fn.stack(hs), c


# ------------------------------------------------------------ torch.lstm and friends


def _rnn(mode, input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
         batch_first):
    """The stacked layers over ``input`` from states ``hx`` (a list of (L*D, B, H)
    tensors): (output, h_n, c_n or None). ``params``: per layer and direction,
    w_ih, w_hh (and b_ih, b_hh with ``has_biases``), torch's flat order."""
    from .. import functions as fn
    from ..nn import functional as F
    from .views import transpose
    directions = 2 if bidirectional else 1
    per = 4 if has_biases else 2
    if batch_first:
        input = transpose(input, 0, 1)
    if len(params) != per * num_layers * directions:
        # an LSTM with projections (w_hr after each layer's weights): ops/rnn_packed.py
        from .rnn_packed import rnn_rows
        output, h_n, c_n = rnn_rows(mode, input, None, hx, params, has_biases, num_layers,
                                    dropout, train, bidirectional)
        if batch_first:
            output = transpose(output, 0, 1)
        return output, h_n, c_n
    layer_input = input
    h_last, c_last = [], []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            w = list(params[k * per:(k + 1) * per]) + [None, None][:4 - per]
            out, c = rnn_layer(mode, layer_input, hx[0][k], None if len(hx) < 2 else hx[1][k],
                               *w, reverse=direction == 1)
            outputs.append(out)
            h_last.append(out[0] if direction == 1 else out[-1])
            c_last.append(c)
        layer_input = outputs[0] if directions == 1 else fn.cat(outputs, 2)
        if dropout and train and layer < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, True)
    output = layer_input
    if batch_first:
        # torch transposes an RNN's or GRU's output in place (TransposeBackward1)
        output = transpose(output, 0, 1,
                           "TransposeBackward0" if mode == LSTM else "TransposeBackward1")
    return output, fn.stack(h_last), None if len(hx) < 2 else fn.stack(c_last)


def _packed(mode, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
            bidirectional):
    """torch's overloads for packed sequences: ``lstm(data, batch_sizes, hx, params,
    has_biases, num_layers, dropout, train, bidirectional)`` and friends. (The public
    functions below pass their arguments on shifted by one: their names are those
    of torch's unpacked overload.)"""
    from .rnn_packed import rnn_rows
    out = rnn_rows(mode, data, batch_sizes, hx, params, has_biases, num_layers, dropout,
                   train, bidirectional)
    return out if mode == LSTM else out[:2]


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
         batch_first=None):
    """``torch.lstm``: (output, h_n, c_n); ``hx`` is (h0, c0). (Packed: ``input``,
    ``batch_sizes``, ``hx``, ... as torch's second overload.)"""
    if isinstance(hx, Tensor):
        # (input, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)
        return _packed(LSTM, input, hx, list(params), has_biases, num_layers, dropout, train,
                       bidirectional, batch_first)
    return _rnn(LSTM, input, list(hx), params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
        batch_first=None):
    """``torch.gru``: (output, h_n). (Packed: torch's second overload.)"""
    if isinstance(params, Tensor):
        return _packed(GRU, input, hx, [params], has_biases, num_layers, dropout, train,
                       bidirectional, batch_first)
    return _rnn(GRU, input, [hx], params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)[:2]


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
             batch_first=None):
    """``torch.rnn_tanh``: (output, h_n). (Packed: torch's second overload.)"""
    if isinstance(params, Tensor):
        return _packed(RNN_TANH, input, hx, [params], has_biases, num_layers, dropout, train,
                       bidirectional, batch_first)
    return _rnn(RNN_TANH, input, [hx], params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)[:2]


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
             batch_first=None):
    """``torch.rnn_relu``: (output, h_n). (Packed: torch's second overload.)"""
    if isinstance(params, Tensor):
        return _packed(RNN_RELU, input, hx, [params], has_biases, num_layers, dropout, train,
                       bidirectional, batch_first)
    return _rnn(RNN_RELU, input, [hx], params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first)[:2]
