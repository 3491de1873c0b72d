"""The recurrent layer ops of the table (lstm_layer, gru_layer, rnn_layer),
through nn.LSTM / nn.GRU / nn.RNN with their weights given as inputs: finite
differences in float64, torch's values, gradients and node names in float32
and float64, and the table's node name. (tests/test_rnn.py covers the
modules themselves: configurations, parameters, errors, cells.)"""
import numpy as np

from helpers import table_tests

rng = np.random.default_rng(0)
SEQ, BATCH, IN, HID = 3, 2, 3, 4


def R(*shape, dtype=np.float64):
    return np.asarray(rng.standard_normal(shape) * 0.6, dtype=dtype)


def layer(cls, **kwargs):
    """fn(lib, x, h0, [c0,] *weights): the module's output with those weights.
    (The reverse direction and stacked layers: tests/test_rnn.py.)"""
    states = 2 if cls == "LSTM" else 1

    def fn(lib, x, *rest):
        m = getattr(lib.nn, cls)(IN, HID, **kwargs)
        hx, params = rest[:states], rest[states:]
        for name, t in zip(m._flat_weights_names, params):
            delattr(m, name)
            setattr(m, name, t)
        hx = tuple(h.unsqueeze(0) for h in hx)
        out, _ = m(x, hx if states == 2 else hx[0])
        return out
    return fn


def weights(gates, dtype=np.float64, bias=True):
    ws = [R(gates * HID, IN, dtype=dtype), R(gates * HID, HID, dtype=dtype)]
    return ws + ([R(gates * HID, dtype=dtype), R(gates * HID, dtype=dtype)] if bias else [])


F32 = np.float32
CASES = [
    # float32 inputs: the node name check then sees torch's float32 LSTM node
    ("lstm_layer", "forward", layer("LSTM"),
     [R(SEQ, BATCH, IN, dtype=F32), R(BATCH, HID, dtype=F32), R(BATCH, HID, dtype=F32),
      *weights(4, F32)]),
    ("lstm_layer", "no-bias", layer("LSTM", bias=False),
     [R(SEQ, BATCH, IN, dtype=F32), R(BATCH, HID, dtype=F32), R(BATCH, HID, dtype=F32),
      *weights(4, F32, bias=False)]),
    ("gru_layer", "forward", layer("GRU"), [R(SEQ, BATCH, IN), R(BATCH, HID), *weights(3)]),
    ("gru_layer", "no-bias", layer("GRU", bias=False),
     [R(SEQ, BATCH, IN), R(BATCH, HID), *weights(3, bias=False)]),
    ("rnn_layer", "tanh", layer("RNN"), [R(SEQ, BATCH, IN), R(BATCH, HID), *weights(1)]),
    ("rnn_layer", "relu", layer("RNN", nonlinearity="relu"),
     [R(SEQ, BATCH, IN), R(BATCH, HID), *weights(1)]),
]



def stacked(name, states):
    """fn(lib, x, h0, [c0,] *weights): torch's functional ``lib.<name>`` (the
    whole stack, its weights a flat list; one layer, one direction here)."""
    def fn(lib, x, *rest):
        hx, params = rest[:states], list(rest[states:])
        out = getattr(lib, name)(x, tuple(hx) if states == 2 else hx[0], params,
                                 len(params) == 4, 1, 0.0, True, False, False)
        return out[0]
    return fn


# the stacked forms as table entries (jitgrad/ops/rnn_stack.py)
CASES += [
    ("lstm", "functional", stacked("lstm", 2),
     [R(SEQ, BATCH, IN, dtype=F32), R(1, BATCH, HID, dtype=F32), R(1, BATCH, HID, dtype=F32),
      *weights(4, F32)]),
    ("gru", "functional", stacked("gru", 1), [R(SEQ, BATCH, IN), R(1, BATCH, HID), *weights(3)]),
    ("rnn_tanh", "functional", stacked("rnn_tanh", 1),
     [R(SEQ, BATCH, IN), R(1, BATCH, HID), *weights(1, bias=False)]),
    ("rnn_relu", "functional", stacked("rnn_relu", 1),
     [R(SEQ, BATCH, IN), R(1, BATCH, HID), *weights(1)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)
