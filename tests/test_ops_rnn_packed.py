"""The table's ops of packed sequences (jitgrad/ops/rnn_packed.py, ops/packing.py):
the recurrent layers over a PackedSequence and the LSTM with projections, through
the modules with their weights given as inputs, and pack_padded_sequence,
pad_packed_sequence, pad_sequence. Finite differences in float64, torch's values,
gradients and node names in float32 and float64, and the table's node name.
(tests/test_rnn_packed.py covers the modules' other configurations, final states,
errors and the PackedSequence class.)"""
import numpy as np
import pytest

from helpers import table_tests

# (torch's float32 LSTM with projections says it leaves oneDNN)
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")

rng = np.random.default_rng(0)
IN, HID, PROJ = 2, 3, 2
LENGTHS = [3, 1, 2]                       # unsorted: sorted_indices and the reverse starts


def R(*shape):
    return rng.standard_normal(shape) * 0.6


def layer(cls, lengths=LENGTHS, packed=True, **kwargs):
    """fn(lib, x, h0, [c0,] *weights): the module's output (its data when packed)."""
    states = 2 if cls == "LSTM" else 1

    def fn(lib, x, *rest):
        m = getattr(lib.nn, cls)(IN, HID, **kwargs)
        hx, params = rest[:states], rest[states:]
        for name, t in zip(m._flat_weights_names, params, strict=True):
            delattr(m, name)
            setattr(m, name, t)
        if packed:
            x = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, _ = m(x, hx if states == 2 else hx[0])
        return out.data if packed else out
    return fn


def weights(gates, directions=1, proj=0, bias=True):
    ws = []
    for _ in range(directions):
        ws += [R(gates * HID, IN), R(gates * HID, proj or HID)]
        ws += [R(gates * HID), R(gates * HID)] if bias else []
        ws += [R(proj, HID)] if proj else []
    return ws



B = len(LENGTHS)
CASES = [
    ("lstm_layer_packed", "unsorted", layer("LSTM"),
     [R(3, B, IN), R(1, B, HID), R(1, B, HID), *weights(4)]),
    ("gru_layer_packed", "bidirectional", layer("GRU", bidirectional=True),
     [R(3, B, IN), R(2, B, HID), *weights(3, 2)]),
    ("rnn_layer_packed", "relu-no-bias", layer("RNN", nonlinearity="relu", bias=False),
     [R(3, B, IN), R(1, B, HID), *weights(1, bias=False)]),
    ("lstm_proj_layer", "forward", layer("LSTM", packed=False, proj_size=PROJ),
     [R(3, B, IN), R(1, B, PROJ), R(1, B, HID), *weights(4, proj=PROJ)]),
    ("lstm_layer_packed", "projection", layer("LSTM", proj_size=PROJ),
     [R(3, B, IN), R(1, B, PROJ), R(1, B, HID), *weights(4, proj=PROJ)]),
    ("pack_padded_sequence", "batch-first-unsorted",
     lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(
         x, [2, 4, 1], batch_first=True, enforce_sorted=False).data,
     [R(3, 4, 2)]),
    ("pad_packed_sequence", "total-length",
     lambda lib, data: lib.nn.utils.rnn.pad_packed_sequence(
         lib.nn.utils.rnn.PackedSequence(data, lib.tensor([3, 2, 2, 1])), padding_value=0.5,
         total_length=5)[0],
     [R(8, 2)]),
    ("pad_sequence", "left-batch-first",
     lambda lib, a, b, c: lib.nn.utils.rnn.pad_sequence([a, b, c], batch_first=True,
                                                        padding_side="left"),
     [R(2, 3), R(4, 3), R(1, 3)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)
