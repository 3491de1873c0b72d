"""The recurrent cells as torch composes them (``lstm_cell``, ``gru_cell``,
``rnn_tanh_cell`` in ATen's RNN.cpp): recorded ops, so the nodes are torch's
(an LSTM cell's h from ``MulBackward0``, its c from ``AddBackward0``, a GRU
cell's h from ``AddBackward0``). ``nn.LSTMCell`` and friends run one step
with them; the layers (``nn.LSTM``) run whole sequences with the fused
kernels of ``jitgrad/ops/rnn.py`` instead, and use these only to record the
create_graph path.
"""


def _linear(x, w, b):
    from ..nn import functional as F
    return F.linear(x, w, b)


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = _linear(x, w_ih, b_ih) + _linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    ir, iz, in_ = _linear(x, w_ih, b_ih).chunk(3, 1)
    hr, hz, hn = _linear(h, w_hh, b_hh).chunk(3, 1)
    r = (ir + hr).sigmoid()
    z = (iz + hz).sigmoid()
    n = (in_ + r * hn).tanh()
    return (h - n) * z + n


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity):
    return nonlinearity(_linear(x, w_ih, b_ih) + _linear(h, w_hh, b_hh))
