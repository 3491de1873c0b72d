"""torch.nn's recurrent layers: RNN, LSTM, GRU (whole sequences, each layer
and direction one fused op of ``jitgrad/ops/rnn.py``) and RNNCell,
LSTMCell, GRUCell (one step, torch's composition of recorded ops).

Parameters, their names, shapes, order and initialisation are torch's, so
a seeded model starts from torch's numbers.
"""
import math
import numbers
import warnings

import numpy as np

from ... import functions as fn
from ... import messages
from ...factories import empty
import jitgrad
from ...ops import cells
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or \
                isinstance(dropout, bool):
            raise ValueError(messages.RNN_DROPOUT_RANGE)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError(messages.RNN_HIDDEN_SIZE)
        if num_layers <= 0:
            raise ValueError(messages.RNN_NUM_LAYERS)
        if dropout > 0 and num_layers == 1:
            warnings.warn(messages.rnn_dropout_one_layer(dropout, num_layers), stacklevel=2)
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden_size * directions
                suffix = "_reverse" if direction == 1 else ""
                params = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden_size))]
                if bias:
                    params += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    params += [("weight_hr", (proj_size, hidden_size))]
                names = []
                for kind, shape in params:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(*shape, dtype=dtype, device=device)))
                    names.append(name)
                self._flat_weights_names += names
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """torch packs the weights for cuDNN; on the CPU there is nothing to do."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------ forward

    def _run(self, input, hx, batch_sizes=None):
        """torch's ``_VF`` call: through the ``jitgrad`` namespace, so that
        jitgrad.compile captures the whole layer stack as one op."""
        fn = getattr(jitgrad, {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh",
                               "RNN_RELU": "rnn_relu"}[self.mode])
        hx = hx if self.mode == "LSTM" else hx[0]
        if batch_sizes is not None:
            return fn(input, batch_sizes, hx, self._flat_weights, self.bias, self.num_layers,
                      self.dropout, self.training, self.bidirectional)
        return fn(input, hx, self._flat_weights, self.bias,
                  self.num_layers, self.dropout, self.training, self.bidirectional,
                  self.batch_first)

    def _state_shapes(self, batch):
        layers = self.num_layers * (2 if self.bidirectional else 1)
        shapes = [(layers, batch, self.proj_size or self.hidden_size)]
        return shapes + [(layers, batch, self.hidden_size)] if self.mode == "LSTM" else shapes

    def _forward_packed(self, packed, hx):
        """A PackedSequence in, one out: (output, h_n or (h_n, c_n)), the states in
        the order the sequences were packed from."""
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        weight = self._flat_weights[0]
        if data.dtype != weight.dtype:
            raise ValueError(messages.rnn_dtype(data.dtype, weight.dtype))
        if data.dim() != 2:
            raise RuntimeError(messages.rnn_packed_input_dims(data.dim()))
        if data.shape[-1] != self.input_size:
            raise RuntimeError(messages.rnn_input_size(self.input_size, data.shape[-1]))
        bs = np.asarray(batch_sizes._data, np.int64)
        if bs.ndim != 1 or bs.size == 0 or bs[-1] <= 0 or np.any(bs[1:] > bs[:-1]) \
                or bs.sum() != data.shape[0]:
            raise RuntimeError(messages.packed_batch_sizes(data.shape[0], int(bs.sum())))
        expected = self._state_shapes(int(bs[0]))
        lstm = self.mode == "LSTM"
        if hx is None:
            hx = [jitgrad.zeros(*shape, dtype=data.dtype) for shape in expected]
        else:
            hx = list(hx) if lstm else [hx]
            if sorted_indices is not None:
                hx = [h.index_select(1, sorted_indices) for h in hx]
            for k, (h, shape) in enumerate(zip(hx, expected)):
                if tuple(h.shape) != shape:
                    raise RuntimeError(messages.rnn_hidden_size(shape, h.shape,
                                                                k if lstm else None))
                if h.dtype != data.dtype:
                    raise RuntimeError(messages.addmm_dtypes("mat1", h.dtype._torch_name,
                                                             data.dtype._torch_name))
        output, *hidden = self._run(data, hx, batch_sizes)
        if unsorted_indices is not None:
            hidden = [h.index_select(1, unsorted_indices) for h in hidden]
        from ..utils.rnn import PackedSequence
        output = PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        return output, tuple(hidden) if lstm else hidden[0]

    def _prepare(self, input, hx):
        """(input as (T, B, I), hx as a list of states (L*D, B, H), batched?)."""
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}.forward(): input must be a Tensor, "
                            f"not {type(input).__name__}")
        if input.dim() not in (2, 3):
            raise ValueError(messages.rnn_input_dims(type(self).__name__, input.dim()))
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(messages.rnn_dtype(input.dtype, weight.dtype))
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(messages.rnn_input_size(self.input_size, input.shape[-1]))
        if input.shape[1 - batch_dim] == 0:
            raise RuntimeError(messages.RNN_EMPTY_SEQUENCE)
        shapes = self._state_shapes(input.shape[batch_dim])
        states = len(shapes)
        if hx is None:
            # (jitgrad.zeros looked up at the call: jitgrad.compile's trace captures it there)
            hx = [jitgrad.zeros(*shape, dtype=input.dtype) for shape in shapes]
        else:
            hx = list(hx) if states == 2 else [hx]
            want = 3 if batched else 2
            if any(h.dim() != want for h in hx):
                raise RuntimeError(messages.rnn_state_dims(batched, [h.dim() for h in hx]))
            for k, h in enumerate(hx):
                if not batched:
                    h = h.unsqueeze(1)
                if tuple(h.shape) != shapes[k]:
                    raise RuntimeError(messages.rnn_hidden_size(
                        shapes[k], h.shape, k if states == 2 else None))
                if h.dtype != input.dtype:
                    # torch's product of the state and W_hh refuses it (oneDNN's float32
                    # LSTM words it otherwise)
                    raise RuntimeError(messages.addmm_dtypes("mat1", h.dtype._torch_name,
                                                             input.dtype._torch_name))
                hx[k] = h
        return input, hx, batched

class RNN(RNNBase):
    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(messages.rnn_nonlinearity(self.nonlinearity))
        super().__init__("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU",
                         *args, **kwargs)

    def forward(self, input, hx=None):
        if isinstance(input, tuple) and hasattr(input, "batch_sizes"):
            return self._forward_packed(input, hx)
        input, hx, batched = self._prepare(input, hx)
        output, h_n = self._run(input, hx)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


class LSTM(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        if isinstance(input, tuple) and hasattr(input, "batch_sizes"):
            return self._forward_packed(input, hx)
        input, hx, batched = self._prepare(input, hx)
        output, h_n, c_n = self._run(input, hx)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


class GRU(RNNBase):
    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        if isinstance(input, tuple) and hasattr(input, "batch_sizes"):
            return self._forward_packed(input, hx)
        input, hx, batched = self._prepare(input, hx)
        output, h_n = self._run(input, hx)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


# ------------------------------------------------------------------ cells


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _batch(self, input, hx, states):
        """(input as (B, I), hx as a list of (B, H) states, batched?)."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        if hx is not None:
            for h in (hx if states == 2 else (hx,)):
                if h.dim() not in (1, 2):
                    raise ValueError(f"{type(self).__name__}: Expected hidden to be 1D or "
                                     f"2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(messages.rnn_cell_input_size(input.shape[1], self.input_size))
        if hx is None:
            hx = [jitgrad.zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
                  for _ in range(states)]
        else:
            hx = list(hx) if states == 2 else [hx]
            if not batched:
                hx = [h.unsqueeze(0) for h in hx]
            for label, h in enumerate(hx):
                if h.shape[0] != input.shape[0]:
                    raise RuntimeError(messages.rnn_cell_batch(input.shape[0], label,
                                                               h.shape[0]))
                if h.shape[1] != self.hidden_size:
                    raise RuntimeError(messages.rnn_cell_hidden_size(label, h.shape[1],
                                                                     self.hidden_size))
        return input, hx, batched

    def _weights(self):
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (h,), batched = self._batch(input, hx, 1)
        if self.nonlinearity not in ("tanh", "relu"):
            # (torch builds the cell and refuses it when called)
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        act = fn.tanh if self.nonlinearity == "tanh" else F.relu
        h = cells.rnn_cell(input, h, *self._weights(), act)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, (h, c), batched = self._batch(input, hx, 2)
        h, c = cells.lstm_cell(input, h, c, *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, (h,), batched = self._batch(input, hx, 1)
        h = cells.gru_cell(input, h, *self._weights())
        return h if batched else h.squeeze(0)
