"""``torch.nn.utils.rnn``: packed and padded variable-length sequences.

A ``PackedSequence`` holds the rows of sequences sorted by decreasing length
step by step (``batch_sizes[t]`` rows at step t) and, when packed from an
unsorted batch, the permutation (``sorted_indices``) and its inverse. The
gathers and scatters are ``jitgrad/ops/packing.py`` (torch's nodes:
PackPaddedSequenceBackward0, CopySlices); sorting and unsorting the batch
are index_select (IndexSelectBackward0), as torch records them.
"""
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ... import messages
from ...ops import packing
from ...tensor import Tensor, _wrap

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Holds the data and list of ``batch_sizes`` of a packed sequence; made by
    ``pack_padded_sequence`` / ``pack_sequence``, accepted by the recurrent layers."""
    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif isinstance(batch_sizes, Tensor) and batch_sizes.is_cuda:
            raise ValueError(messages.PACKED_BATCH_SIZES_CPU)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """``data.to(...)``; ``self`` when that changes nothing."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self, *args, **kwargs):
        return self.to(*args, **kwargs) if args or kwargs else self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda", *args, **kwargs)

    def pin_memory(self):
        return self

    def is_pinned(self):
        return False

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def _as(self, name):
        import jitgrad
        return self.to(dtype=getattr(jitgrad, name))

    def double(self):
        return self._as("float64")

    def float(self):
        return self._as("float32")

    def half(self):
        return self._as("float16")

    def long(self):
        return self._as("int64")

    def int(self):
        return self._as("int32")

    def short(self):
        return self._as("int16")

    def char(self):
        return self._as("int8")

    def byte(self):
        return self._as("uint8")


def invert_permutation(permutation):
    if permutation is None:
        return None
    p = np.asarray(permutation._data, np.int64)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    return _wrap(inv)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        a = lengths._data
        if a.ndim != 1:
            raise RuntimeError(messages.pack_lengths_dims(a.ndim, "cpu", "Long"))
        return np.asarray(a).astype(np.int64)
    a = np.asarray(lengths)
    a = a.astype(np.int64) if a.size else a.astype(np.int64).reshape(-1)
    if a.ndim != 1:
        raise RuntimeError(messages.pack_lengths_dims(a.ndim, "cpu", "Long"))
    return a


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a (T, B, *) (``batch_first``: (B, T, *)) batch of padded sequences of
    the given lengths."""
    import jitgrad
    lens = _lengths_array(lengths)
    if input.dim() < 2:
        raise IndexError(messages.dim_out_of_range(1, input.dim()))
    batch_dim = 0 if batch_first else 1
    sorted_indices = None
    if not enforce_sorted:
        values, sorted_indices = jitgrad.sort(_wrap(lens), descending=True)
        lens = values._data
        input = input.index_select(batch_dim, sorted_indices)
    steps, batch = input.shape[1 - batch_dim], input.shape[batch_dim]
    if lens.size != batch:
        raise RuntimeError(messages.pack_lengths_count(lens.size, batch))
    if batch == 0:
        raise RuntimeError(messages.PACK_EMPTY)
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError(messages.PACK_UNSORTED)
    if lens[-1] <= 0:
        raise RuntimeError(messages.PACK_ZERO_LENGTH)
    if lens[0] > steps:
        raise RuntimeError(messages.pack_length_too_long(int(lens[0]), steps))
    batch_sizes = np.count_nonzero(lens[None, :] > np.arange(lens[0])[:, None], axis=1)
    batch_sizes = batch_sizes.astype(np.int64)
    step, seq = packing.row_index(batch_sizes)
    data = packing.pack_rows(input, (seq, step) if batch_first else (step, seq))
    return PackedSequence(data, _wrap(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The padded batch (T, B, *) (``batch_first``: (B, T, *)) and the lengths,
    in the order the sequences were packed from."""
    bs = np.asarray(sequence.batch_sizes._data, np.int64)
    steps = bs.shape[0]
    if total_length is not None:
        if total_length < steps:
            raise ValueError(messages.pad_total_length(total_length, steps))
        steps = total_length
    data = sequence.data
    batch = int(bs[0])
    key = packing.row_index(bs)
    padded = packing.pad_rows(data, key, (steps, batch) + tuple(data._data.shape[1:]),
                              padding_value)
    lengths = np.count_nonzero(bs[:, None] > np.arange(batch)[None, :], axis=0).astype(np.int64)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices
        padded = padded.index_select(0 if batch_first else 1, order)
        lengths = lengths[np.asarray(order._data, np.int64)]
    return padded, _wrap(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Pads a list of (L_i, *) tensors to (T, B, *) (``batch_first``: (B, T, *))."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(messages.pad_sequence_not_iterable(sequences))
    return packing.pad_sequences(tuple(sequences), batch_first, padding_value, padding_side)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences of a padded batch. (As torch's, with ``batch_first``
    False it transposes ``padded_sequences`` in place.)"""
    import jitgrad
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    steps = jitgrad.arange(padded_sequences.shape[1])
    return [seq[steps < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    """``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences of a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
