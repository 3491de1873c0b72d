"""Packing and padding of variable-length sequences (``nn.utils.rnn``): each is
one numpy gather or scatter of rows, its backward the other one.

A packed sequence's row n is step ``step[n]`` of sequence ``seq[n]``
(sequences sorted by decreasing length, step by step): ``pack_rows`` gathers
those rows from a padded (T, B, *) tensor (PackPaddedSequenceBackward0),
``pad_rows`` scatters them into one filled with a padding value (torch's
``_pad_packed_sequence`` records CopySlices). ``pad_sequences`` is
``pad_sequence``: each sequence copied into its slot (CopySlices).
"""
import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result


def row_index(batch_sizes):
    """(step, seq) of each packed row, from batch_sizes (a numpy int64 array)."""
    off = np.zeros(batch_sizes.shape[0] + 1, np.int64)
    np.cumsum(batch_sizes, out=off[1:])
    step = np.repeat(np.arange(batch_sizes.shape[0]), batch_sizes)
    return step, np.arange(off[-1]) - off[step]


class PackRowsNode(Node):
    """Saved: (the rows' key into the padded tensor, its shape, dtype)."""
    __slots__ = ()

    def apply(self, grad):
        key, shape, dtype = self._saved_or_raise()
        g = np.zeros(shape, dtype)
        g[key] = grad
        return (g,)

    def apply_graph(self, grad):
        key, shape, _ = self._saved_or_raise()
        return (pad_rows(grad, key, shape, 0),)


class PadRowsNode(Node):
    """Saved: (the rows' key into the padded output)."""
    __slots__ = ()

    def apply(self, grad):
        key, = self._saved_or_raise()
        return (grad[key],)

    def apply_graph(self, grad):
        key, = self._saved_or_raise()
        return (pack_rows(grad, key),)


_PACK_NODE = node_class("PackPaddedSequenceBackward0", PackRowsNode)
_PAD_NODE = node_class("CopySlices", PadRowsNode)


def pack_rows(x, key):
    """x[key] as packed rows (N, *), ``key`` a pair of index arrays."""
    out = x._data[key]
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _PACK_NODE((edge(x),), (key, x._data.shape, x._data.dtype)))


def pad_rows(data, key, shape, padding_value):
    """Packed rows scattered to ``key`` of a (T, B, *) tensor of ``padding_value``."""
    out = np.full(shape, padding_value, data._data.dtype)
    out[key] = data._data
    if not (data._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _PAD_NODE((edge(data),), (key,)))


class PadSequenceNode(Node):
    """Edges: one per sequence. Saved: (each one's slot in the output, dtype)."""
    __slots__ = ()

    def apply(self, grad):
        slots = self._saved_or_raise()
        return tuple(None if e is None else np.ascontiguousarray(grad[key], dtype)
                     for e, (key, dtype) in zip(self._next, slots))

    def apply_graph(self, grad):
        from .elementwise import cast
        slots = self._saved_or_raise()
        out = []
        for e, (key, dtype) in zip(self._next, slots):
            g = None if e is None else grad[key]
            out.append(g if g is None or g._data.dtype == dtype else cast(g, dtype))
        return tuple(out)


_PAD_SEQUENCE_NODE = node_class("CopySlices", PadSequenceNode)


def pad_sequences(sequences, batch_first, padding_value, padding_side):
    if padding_side not in ("left", "right"):
        raise RuntimeError(messages.pad_sequence_side(padding_side))
    if not sequences:
        raise RuntimeError(messages.PAD_SEQUENCE_EMPTY)
    if any(s._data.ndim == 0 for s in sequences):
        raise RuntimeError(messages.PAD_SEQUENCE_SCALAR)
    first = sequences[0]._data
    trailing = first.shape[1:]
    for s in sequences[1:]:
        shape = s._data.shape[1:]
        if shape != trailing:
            d = next((d for d in range(len(trailing)) if shape[d:d + 1] != trailing[d:d + 1]),
                     len(trailing))
            raise RuntimeError(messages.broadcast_mismatch(
                trailing[d] if d < len(trailing) else 1, shape[d] if d < len(shape) else 1,
                d + 1))
    T = max(s._data.shape[0] for s in sequences)
    B = len(sequences)
    out = np.full((B, T) + trailing if batch_first else (T, B) + trailing, padding_value,
                  first.dtype)
    slots = []
    for i, s in enumerate(sequences):
        n = s._data.shape[0]
        steps = slice(T - n, T) if padding_side == "left" else slice(0, n)
        key = (i, steps) if batch_first else (steps, i)
        out[key] = s._data
        slots.append((key, s._data.dtype))
    if not grad_state.enabled or not any(s._requires_grad for s in sequences):
        return _wrap(out)
    return _wrap_result(out, _PAD_SEQUENCE_NODE(
        tuple(edge(s) if s._requires_grad else None for s in sequences), tuple(slots)))
