"""The DataLoader's worker processes: torch.utils.data._utils.worker's
protocol, in jitgrad's own code.

A worker gets ``(send_idx, index_batch)`` tasks on its own index queue and
puts ``(send_idx, batch)`` on the shared result queue; ``None`` tells it to
exit, ``_ResumeIteration`` (persistent workers) to start a new pass. A batch
is pickled by the worker itself, so that a batch (or an exception) that
cannot be pickled comes back as an error instead of being lost in the
queue's feeder thread.
"""
import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler

from ... import messages

# seconds between a worker's checks that its parent still runs (torch's
# MP_STATUS_CHECK_INTERVAL)
MP_STATUS_CHECK_INTERVAL = 5.0

_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker process: its ``id``
    (0 to num_workers - 1), ``num_workers``, the ``seed`` it was seeded with
    (``base_seed + id``) and its own copy of the ``dataset``."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The current worker's ``WorkerInfo`` (``id``, ``num_workers``, ``seed``,
    ``dataset``) inside a DataLoader worker process; None in the main
    process."""
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's replica of an IterableDataset is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Persistent workers: start a new pass (acknowledged by the worker)."""
    seed: object = None


class KeyErrorMessage(str):
    """A str whose repr is itself: KeyError prints its argument's repr, which
    would show the traceback's newlines as ``\\n``."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, re-raised in the main process as torch
    does: the same type, with "Caught <Type> in DataLoader worker process
    <id>.\\nOriginal Traceback (most recent call last): ..."."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.type_name = exc_info[0].__name__
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where
        try:
            pickle.dumps(self.exc_type)
        except Exception:
            self.exc_type = None          # a local class: raise a RuntimeError instead

    def reraise(self):
        msg = messages.worker_exception(self.type_name, self.where, self.exc_msg)
        exc_type = self.exc_type
        if exc_type is None:
            raise RuntimeError(msg)
        if exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(exc_type, "message", None):
            raise exc_type(message=msg)
        try:
            exception = exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


def _numpy_seed(base_seed, worker_id):
    """torch's seed for numpy's global RandomState in a worker (its
    ``_generate_state``: a SeedSequence of these words, four 32-bit words)."""
    import numpy as np
    mask = 0xFFFFFFFF
    return np.random.SeedSequence(
        [worker_id, base_seed & mask, base_seed >> 32, 0]).generate_state(4)


def _dumps(obj):
    return bytes(ForkingPickler.dumps(obj))


def _send(data_queue, idx, data, worker_id):
    try:
        payload = _dumps((idx, data))
    except Exception:
        payload = _dumps((idx, ExceptionWrapper(
            where=f"in DataLoader worker process {worker_id}")))
    data_queue.put(payload)


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, array_indices, base_seed, init_fn, worker_id,
                 num_workers, persistent_workers):
    import jitgrad
    from ._fetch import _DatasetKind, _Fetcher
    global _worker_info
    try:
        jitgrad.set_num_threads(1)
        seed = base_seed + worker_id
        random.seed(seed)
        jitgrad.manual_seed(seed)
        import numpy as np
        np.random.seed(_numpy_seed(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _Fetcher(dataset, dataset_kind, auto_collation, collate_fn, drop_last,
                               array_indices)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        # an IterableDataset replica that ran out: skip tasks until told to
        # exit (None) or to start a new pass
        iteration_end = False
        parent = os.getppid()
        while os.getppid() == parent:
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if done_event.is_set():
                    break       # shutting down, though the final None did not come
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put(_dumps((r, None)))
                iteration_end = False
                fetcher = _Fetcher(dataset, dataset_kind, auto_collation, collate_fn,
                                   drop_last, array_indices)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data = init_exception
                init_exception = None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(
                            where=f"in DataLoader worker process {worker_id}")
            _send(data_queue, idx, data, worker_id)
            del data, idx, index, r
    except KeyboardInterrupt:
        pass                        # the main process gets its own KeyboardInterrupt
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
