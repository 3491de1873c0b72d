"""``default_collate`` and ``default_convert``: torch.utils.data._utils.collate
for jitgrad tensors (tensors stack, Python floats become float64 and ints
int64 tensors, numpy arrays become tensors, containers collate per field)."""
import collections
import copy
import re

import numpy as np

from ... import dtypes, messages
from ...factories import as_tensor, from_numpy, tensor
from ...functions import stack
from ...autograd.grad_mode import state as grad_state
from ...tensor import Tensor
from . import _worker

np_str_obj_array_pattern = re.compile(r"[SaUO]")

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]


def _numpy_to_tensor(data):
    if isinstance(data, np.ndarray):
        return as_tensor(data)
    # a numpy scalar keeps its dtype (jitgrad.tensor would promote like a Python number)
    return from_numpy(np.asarray(data))


def default_convert(data):
    """numpy arrays (also inside containers) to tensors; everything else as is."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(
                data.dtype.str) is not None:
            return data
        return _numpy_to_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate a list of samples: the element type's function from
    ``collate_fn_map`` (exact type first, then isinstance in order), else
    mappings, namedtuples and sequences field by field."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch],
                                           collate_fn_map=collate_fn_map) for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                    for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError(messages.COLLATE_EQUAL_SIZE)
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(samples, collate_fn_map=collate_fn_map)
                              for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
    raise TypeError(messages.collate_type(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    if _worker._worker_info is not None and grad_state.enabled and any(
            t.requires_grad for t in batch):
        # torch's workers stack into shared memory (out=...), which autograd refuses
        raise RuntimeError(messages.out_requires_grad("stack"))
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(messages.collate_type(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    arr = np.asarray(batch)
    dtypes.from_numpy(arr.dtype)            # torch's refusal of dtypes it lacks
    return from_numpy(arr)


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=dtypes.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn,
                          np.ndarray: collate_numpy_array_fn,
                          (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
                          float: collate_float_fn,
                          int: collate_int_fn,
                          str: collate_str_fn,
                          bytes: collate_str_fn}


def default_collate(batch):
    """Stack a list of samples into a batch, as torch's default_collate:
    Tensor -> stacked Tensor, numpy array -> Tensor, float -> float64 Tensor,
    int -> int64 Tensor, str/bytes unchanged, Mapping/namedtuple/Sequence ->
    the same container of collated fields (a tuple gives a list)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
