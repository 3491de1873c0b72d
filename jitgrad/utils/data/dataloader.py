"""``DataLoader``: torch.utils.data.DataLoader's arguments, checks, length and
iteration order, in one process.

Random numbers: each ``iter(loader)`` draws ``_base_seed`` from the loader's
generator (the default one when ``generator=None``) right after creating
the sampler iterator, and a ``RandomSampler`` without a generator seeds a
fresh one from the default generator when its pass starts, exactly as torch
does; so with the same seed, the batches of an epoch and every random
number drawn after it equal torch's.

Speed: when the batch sampler is a plain ``BatchSampler`` over a
``RandomSampler``/``SequentialSampler``, index batches are numpy slices of
the permutation (drawn at the same moments as torch's element-wise loop), and
a ``TensorDataset`` (or a ``Subset`` of one) with the default collate_fn is
read with one ``take`` per tensor instead of per-sample indexing and a stack
(same values, dtype and contiguity).

``num_workers > 0`` runs in this process (jitgrad never forks): the loader
keeps torch's argument checks and draws, and pulls ``prefetch_factor *
num_workers`` index batches ahead from the sampler as torch's main process
does, but samples are fetched here, ``get_worker_info()`` is None and
``worker_init_fn`` is not called; an IterableDataset is read once (torch's
workers would each iterate a replica of it).
"""
import multiprocessing as python_multiprocessing
import os
import warnings
from collections import deque
from math import ceil

import numpy as np

from ... import messages
from ...autograd.grad_mode import state as grad_state
from ...functions import stack
from ...tensor import Tensor, _wrap
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, _array_batches,
                      _draw_seed)

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]


def get_worker_info():
    """None: jitgrad's loader fetches in the calling process."""
    return None


class _DatasetKind:
    Map = 0
    Iterable = 1


class _InfiniteConstantSampler(Sampler):
    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Batches of a dataset: torch.utils.data.DataLoader's signature."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError(messages.NUM_WORKERS_NEGATIVE)
        if timeout < 0:
            raise ValueError(messages.TIMEOUT_NEGATIVE)
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(messages.PREFETCH_NEEDS_WORKERS)
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError(messages.PREFETCH_NEGATIVE)
        if persistent_workers and num_workers == 0:
            raise ValueError(messages.PERSISTENT_NEEDS_WORKERS)

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(messages.iterable_dataset_option("shuffle", shuffle))
            if sampler is not None:
                raise ValueError(messages.iterable_dataset_option("sampler", sampler))
            elif batch_sampler is not None:
                raise ValueError(messages.iterable_dataset_option("batch_sampler",
                                                                  batch_sampler))
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError(messages.SAMPLER_SHUFFLE)

        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(messages.BATCH_SAMPLER_EXCLUSIVE)
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError(messages.BATCH_SIZE_NONE_DROP_LAST)

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)

        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator

        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid_start_methods = python_multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid_start_methods:
                        raise ValueError(messages.mp_context_start_method(
                            valid_start_methods, multiprocessing_context))
                    multiprocessing_context = python_multiprocessing.get_context(
                        multiprocessing_context)
                if not isinstance(multiprocessing_context,
                                  python_multiprocessing.context.BaseContext):
                    raise TypeError(messages.mp_context_type(multiprocessing_context))
            else:
                raise ValueError(messages.mp_context_needs_workers(self.num_workers))
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler",
                                           "drop_last", "dataset", "persistent_workers"):
            raise ValueError(messages.loader_attribute_frozen(attr, type(self).__name__))
        super().__setattr__(attr, val)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = _DataLoaderIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        return _DataLoaderIter(self)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else ceil(
                    length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        try:
            suggest = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        except Exception:
            suggest = os.cpu_count()
        if suggest is None or self.num_workers > suggest:
            warnings.warn(messages.too_many_workers(suggest, self.num_workers, cpuset_checked),
                          stacklevel=2)


def _tensor_source(dataset, collate_fn):
    """(TensorDataset, index map or None) when batches of ``dataset`` can be
    read with one take per tensor: a TensorDataset, or Subsets of one, whose
    item methods are the stock ones, with the default collate_fn."""
    if collate_fn is not default_collate:
        return None
    index_map = None
    while type(dataset) is Subset:
        try:
            idx = np.asarray(dataset.indices, dtype=np.int64)
        except (TypeError, ValueError):
            return None
        if idx.ndim != 1:
            return None
        index_map = idx if index_map is None else idx[index_map]
        dataset = dataset.dataset
    cls = type(dataset)
    if not isinstance(dataset, TensorDataset) or cls.__getitem__ is not \
            TensorDataset.__getitem__ or getattr(cls, "__getitems__", None) is not None:
        return None
    if not all(isinstance(t, Tensor) for t in dataset.tensors):
        return None
    n = len(dataset)
    if index_map is not None and index_map.size and not (
            -n <= index_map.min() and index_map.max() < n):
        return None                       # let per-sample indexing raise torch's error
    return dataset, index_map


class _DataLoaderIter:
    """One pass over a DataLoader (torch's _SingleProcessDataLoaderIter, with
    the in-process stand-in for workers described in the module doc)."""

    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(messages.pin_memory_device_deprecated(loader.pin_memory_device),
                          stacklevel=3)
        if loader.pin_memory:
            warnings.warn(messages.PIN_MEMORY_NO_ACCELERATOR, stacklevel=3)
        self._pin_memory = False
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = self._make_sampler_iter()
        self._base_seed = _draw_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0
        if self._num_workers == 0 and self._timeout != 0:
            raise AssertionError(messages.SINGLE_PROCESS_TIMEOUT)
        self._prefetch = loader.prefetch_factor * loader.num_workers if loader.num_workers else 0
        if self._dataset_kind == _DatasetKind.Iterable:
            self._dataset_iter = iter(self._dataset)
            self._ended = False
            self._source = None
        else:
            self._source = (_tensor_source(self._dataset, self._collate_fn)
                            if self._auto_collation else None)
        self._fill_queue()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def _make_sampler_iter(self):
        """The index stream: numpy batches for the stock samplers, else
        torch's ``iter(index_sampler)``."""
        self._array_indices = False
        bs = self._index_sampler
        if type(bs) is BatchSampler and type(bs.sampler) in (RandomSampler, SequentialSampler) \
                and self._dataset_kind == _DatasetKind.Map:
            self._array_indices = True
            return _array_batches(bs.sampler._chunks(), bs.batch_size, bs.drop_last)
        return iter(bs)

    def _fill_queue(self):
        # the in-process stand-in for workers pulls indices ahead as torch's
        # main process does (prefetch_factor * num_workers batches)
        self._queue = deque()
        self._exhausted = False
        for _ in range(self._prefetch):
            self._put_index()

    def _put_index(self):
        if not self._exhausted:
            try:
                self._queue.append(next(self._sampler_iter))
            except StopIteration:
                self._exhausted = True

    def _reset(self, loader):
        # persistent workers: a new pass, without a new base seed
        self._index_sampler = loader._index_sampler
        self._sampler_iter = self._make_sampler_iter()
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        if self._dataset_kind == _DatasetKind.Iterable:
            self._dataset_iter = iter(self._dataset)
            self._ended = False
        elif self._auto_collation:
            self._source = _tensor_source(self._dataset, self._collate_fn)
        self._fill_queue()

    def _next_index(self):
        if self._prefetch:
            if not self._queue:
                raise StopIteration
            index = self._queue.popleft()
            self._put_index()
            return index
        return next(self._sampler_iter)

    def __next__(self):
        index = self._next_index()
        if self._dataset_kind == _DatasetKind.Map:
            data = self._fetch_map(index)
        else:
            data = self._fetch_iterable(index)
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable
                and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            warnings.warn(messages.iterable_dataset_length(
                self._dataset, self._IterableDataset_len_called, self._num_yielded,
                self._num_workers), stacklevel=2)
        return data

    def _fetch_map(self, index):
        if not self._auto_collation:
            return self._collate_fn(self._dataset[index])
        if self._source is not None:
            out = self._take(index)
            if out is not None:
                return out
        if self._array_indices:
            index = index.tolist()
        dataset = self._dataset
        if hasattr(dataset, "__getitems__") and dataset.__getitems__:
            data = dataset.__getitems__(index)
        else:
            data = [dataset[i] for i in index]
        return self._collate_fn(data)

    def _take(self, index):
        """A TensorDataset batch as one take per tensor (None: use the
        per-sample path, which raises torch's errors for bad indices)."""
        dataset, index_map = self._source
        if self._array_indices:
            idx = index
        else:
            idx = np.asarray(index)
            if idx.ndim != 1 or idx.dtype.kind not in "iu" or not idx.size:
                return None
        try:
            if index_map is not None:
                idx = index_map[idx]
            out = []
            for t in dataset.tensors:
                if t._requires_grad and grad_state.enabled:
                    # keep torch's graph (StackBackward0 of the selected rows)
                    out.append(stack([t[i] for i in idx.tolist()]))
                else:
                    out.append(_wrap(t._data.take(idx, axis=0)))
        except IndexError:
            return None
        return out

    def _fetch_iterable(self, index):
        if self._ended:
            raise StopIteration
        if self._auto_collation:
            data = []
            for _ in index:
                try:
                    data.append(next(self._dataset_iter))
                except StopIteration:
                    self._ended = True
                    break
            if len(data) == 0 or (self._drop_last and len(data) < len(index)):
                raise StopIteration
        else:
            data = next(self._dataset_iter)
        return self._collate_fn(data)
