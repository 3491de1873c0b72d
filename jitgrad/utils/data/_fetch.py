"""Reading one batch from a dataset: torch's dataset fetchers (used by the
single-process iterator and by every worker process), plus the one-``take``
read of a ``TensorDataset``."""
import numpy as np

from ...autograd.grad_mode import state as grad_state
from ...functions import stack
from ...tensor import Tensor, _wrap
from . import _worker
from .collate import default_collate
from .dataset import Subset, TensorDataset


class _DatasetKind:
    Map = 0
    Iterable = 1


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


class _Fetcher:
    """torch's _MapDatasetFetcher / _IterableDatasetFetcher in one class.

    ``_array_indices``: index batches arrive as int64 numpy arrays (the
    stock samplers' batched path) instead of lists."""

    def __init__(self, dataset, dataset_kind, auto_collation, collate_fn, drop_last,
                 array_indices):
        self._dataset = dataset
        self._dataset_kind = dataset_kind
        self._auto_collation = auto_collation
        self._collate_fn = collate_fn
        self._drop_last = drop_last
        self._array_indices = array_indices
        self._init_fetch()

    def _init_fetch(self):
        # torch creates the iterable fetcher (and so calls iter(dataset)) here
        if self._dataset_kind == _DatasetKind.Iterable:
            self._dataset_iter = iter(self._dataset)
            self._ended = False
            self._source = None
        else:
            self._source = (_tensor_source(self._dataset, self._collate_fn)
                            if self._auto_collation else None)

    def fetch(self, index):
        if self._dataset_kind == _DatasetKind.Map:
            return self._fetch_map(index)
        return self._fetch_iterable(index)

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
                    if _worker._worker_info is not None:
                        return None     # default_collate raises torch's worker error
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
