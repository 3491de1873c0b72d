"""``DataLoader``: torch.utils.data.DataLoader's arguments, checks, length,
iteration order and worker processes.

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
(same values, dtype and contiguity), in this process or in a worker.

``num_workers > 0`` runs torch's ``_MultiProcessingDataLoaderIter``
protocol: ``num_workers`` daemon processes from ``multiprocessing_context``
(the platform's default start method when None: fork on Linux), each with
its own index queue and one shared result queue. Worker ``i`` sets
``jitgrad.set_num_threads(1)``, seeds ``random``, jitgrad's default generator
(``base_seed + i``) and numpy's global RandomState (torch's
``_generate_state``), makes ``get_worker_info()`` return its ``WorkerInfo``
(``id``, ``num_workers``, ``seed``, its copy of ``dataset``), then calls
``worker_init_fn(i)``. The main process keeps ``prefetch_factor *
num_workers`` index batches outstanding, sent round-robin, and returns the
batches in send order (``in_order=False``: as they arrive). An
IterableDataset is iterated by every worker on its own replica (shard it
with ``get_worker_info()``); a worker whose replica runs out is retired and
the others go on. A worker's exception is re-raised here with its type and
torch's "Caught <Type> in DataLoader worker process <id>.\\nOriginal
Traceback ..." text. While it waits for a batch the main process also
watches the workers' process sentinels: a worker that dies raises torch's
"DataLoader worker (pid(s) ...) exited unexpectedly" at once, and
``timeout > 0`` raises "DataLoader timed out after <timeout> seconds".
Workers exit at the end of a pass, or when the iterator is deleted
(``persistent_workers=True``: when the loader is), and are joined; at
interpreter exit multiprocessing terminates the ones still running (they are
daemons). Batches cross the process boundary as pickles (a Tensor pickles as
a leaf with its values, dtype and requires_grad); with fork the dataset,
collate_fn and worker_init_fn are inherited, with spawn/forkserver they must
pickle. Differences from torch: batches are copied through a pipe, not
shared memory; pin_memory is a no-op (no accelerator); no C-level signal
handlers (a dead worker is found by its sentinel); a batch that cannot be
pickled raises in the main process (torch's feeder thread loses it).
"""
import atexit
import itertools
import multiprocessing as python_multiprocessing
import os
import pickle
import queue
import time
import warnings
from math import ceil
from multiprocessing import connection as _mp_connection

from ... import messages
from . import _worker
from ._fetch import _DatasetKind, _Fetcher
from ._worker import MP_STATUS_CHECK_INTERVAL, ExceptionWrapper, get_worker_info
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _array_batches, \
    _draw_seed

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

# set at interpreter exit: iterators then leave their (daemon) workers to
# multiprocessing's own exit handler, as torch does
_python_exit_status = False


def _set_python_exit_flag():
    global _python_exit_status
    _python_exit_status = True


atexit.register(_set_python_exit_flag)

# the processes, queues and event of each live multi-process iterator, also
# held here: when an iterator dies in a reference cycle (say, kept by the
# traceback of a worker's exception), the garbage collector would otherwise
# finalize its queues (stopping their feeder threads, closing their pipes)
# before its __del__ tells the workers to exit
_worker_resources = {}


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

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        # persistent workers: one iterator (and one set of workers) for the
        # loader's lifetime, reset at each pass
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

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




class _BaseDataLoaderIter:
    """What every pass over a DataLoader shares (torch's _BaseDataLoaderIter)."""

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
                          stacklevel=5)
        if loader.pin_memory:
            warnings.warn(messages.PIN_MEMORY_NO_ACCELERATOR, stacklevel=5)
        self._pin_memory = False
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = self._make_sampler_iter()
        self._base_seed = _draw_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

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

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = self._make_sampler_iter()
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _yielded(self, data):
        """Count a batch handed out; an IterableDataset that yields more than
        its ``len()`` said gets torch's warning."""
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable
                and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            warnings.warn(messages.iterable_dataset_length(
                self._dataset, self._IterableDataset_len_called, self._num_yielded,
                self._num_workers), stacklevel=3)
        return data

    def __getstate__(self):
        raise NotImplementedError(messages.ITER_CANNOT_PICKLE, self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter, _Fetcher):
    """One pass in this process (torch's _SingleProcessDataLoaderIter); the
    fetch methods are _Fetcher's."""

    def __init__(self, loader):
        _BaseDataLoaderIter.__init__(self, loader)
        if self._timeout != 0:
            raise AssertionError(messages.SINGLE_PROCESS_TIMEOUT)
        self._init_fetch()

    def __next__(self):
        index = next(self._sampler_iter)
        if self._dataset_kind == _DatasetKind.Map:
            data = self._fetch_map(index)
        else:
            data = self._fetch_iterable(index)
        return self._yielded(data)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """One pass (or, with persistent workers, every pass) on worker
    processes: torch's _MultiProcessingDataLoaderIter protocol (see the
    module doc)."""

    # set first: __del__ must work even if __init__ failed early
    _shutdown = True
    _workers = ()

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._num_workers <= 0:
            raise AssertionError(messages.MP_ITER_NUM_WORKERS)
        if self._prefetch_factor <= 0:
            raise AssertionError(messages.MP_ITER_PREFETCH)
        context = loader.multiprocessing_context
        if context is None:
            context = python_multiprocessing
        self._worker_init_fn = loader.worker_init_fn
        self._owner_pid = os.getpid()
        self._worker_result_queue = context.Queue()
        self._data_queue = self._worker_result_queue
        self._workers_done_event = context.Event()
        self._index_queues = []
        self._workers = []
        self._workers_status = [True] * self._num_workers
        self._shutdown = False
        _worker_resources[id(self)] = (self._workers, self._index_queues,
                                       self._worker_result_queue, self._workers_done_event)
        try:
            for i in range(self._num_workers):
                index_queue = context.Queue()
                # never wait at exit for this queue's feeder thread (a dead
                # worker may leave its pipe full)
                index_queue.cancel_join_thread()
                w = context.Process(
                    target=_worker._worker_loop,
                    args=(self._dataset_kind, self._dataset, index_queue,
                          self._worker_result_queue, self._workers_done_event,
                          self._auto_collation, self._collate_fn, self._drop_last,
                          self._array_indices, self._base_seed, self._worker_init_fn, i,
                          self._num_workers, self._persistent_workers))
                w.daemon = True
                try:
                    w.start()
                except (TypeError, AttributeError, pickle.PicklingError):
                    warnings.warn(messages.WORKER_PICKLE_ERROR, stacklevel=4)
                    raise
                self._index_queues.append(index_queue)
                self._workers.append(w)
            self._reset(loader, first_iter=True)
        except BaseException:
            self._shutdown_workers()
            raise

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0          # the next task to send
        self._rcvd_idx = 0          # the next task to return
        self._task_info = {}        # send idx -> (worker id,) or (worker id, data)
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # persistent workers: a new pass; wait until every worker has
            # acknowledged it (dropping what is left of the last pass)
            for index_queue in self._index_queues:
                index_queue.put(_worker._ResumeIteration())
            waiting = self._num_workers
            while waiting > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _worker._ResumeIteration):
                    waiting -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def __next__(self):
        return self._yielded(self._next_data())

    # ------------------------------------------------------------ receiving
    def _try_get_data(self, timeout=MP_STATUS_CHECK_INTERVAL):
        """(True, message), or (False, None) when nothing came within
        ``timeout`` seconds; raises torch's error as soon as a worker that
        still has work exits (its process sentinel wakes the wait)."""
        q = self._data_queue
        reader = getattr(q, "_reader", None)
        deadline = time.monotonic() + timeout
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            if reader is not None:
                watched = [reader] + [w.sentinel for i, w in enumerate(self._workers)
                                      if self._workers_status[i]]
                _mp_connection.wait(watched, remaining)
                block, wait_for = False, None
            else:
                block, wait_for = True, min(remaining, 0.1)
            try:
                return True, pickle.loads(q.get(block, wait_for))
            except queue.Empty:
                pass
            failed = [(i, w) for i, w in enumerate(self._workers)
                      if self._workers_status[i] and not w.is_alive()]
            if failed:
                for i, _ in failed:
                    self._mark_worker_as_unavailable(i)
                raise RuntimeError(messages.loader_workers_exited([w.pid for _, w in failed]))
            if time.monotonic() >= deadline:
                return False, None

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if success:
                return data
            raise RuntimeError(messages.loader_timed_out(self._timeout))
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self):
        while True:
            # skip the tasks of workers whose IterableDataset replica ended
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    if len(info) == 2 or self._workers_status[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            if self._shutdown or self._tasks_outstanding <= 0:
                raise AssertionError(messages.MP_ITER_STATE)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(
                    data, _worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    # ------------------------------------------------------------ sending
    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        if self._tasks_outstanding >= max_tasks:
            raise AssertionError(messages.MP_ITER_TASKS)
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):      # the next active worker, if any
            worker_id = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_id]:
                if self._in_order:
                    break
                if self._workers_num_tasks[worker_id] < max_tasks // sum(self._workers_status):
                    break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._workers_num_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    # ------------------------------------------------------------ shutdown
    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # tell the worker to exit (it may already be dead: the put is harmless)
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        """Stop and join the workers (terminating any that do not exit); once.
        Not at interpreter exit (multiprocessing terminates daemon workers
        itself) nor in a forked child that inherited this object."""
        if _python_exit_status is not False or self._shutdown or \
                os.getpid() != self._owner_pid:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                if self._persistent_workers or self._workers_status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            for w in self._workers:
                w.join(timeout=MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=MP_STATUS_CHECK_INTERVAL)
                if w.is_alive():
                    w.kill()
                    w.join()
            _worker_resources.pop(id(self), None)

    def __del__(self):
        self._shutdown_workers()
