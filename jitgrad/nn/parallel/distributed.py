"""``DistributedDataParallel``: torch's data-parallel wrapper on
``jitgrad.distributed`` (MPI).

As torch's C++ ``Reducer`` does:

- at construction the parameters and buffers are broadcast from rank 0
  (after checking that every rank has the same parameter shapes);
- the gradients are packed into flat buckets: first in one bucket (torch's
  initial assignment without ``find_unused_parameters``), then, after the
  first iteration, rebuilt in the order the gradients became ready, a 1 MiB
  first bucket and ``bucket_cap_mb`` (25 MiB) after it, with rank 0's
  assignment broadcast to all;
- each parameter's post-accumulate-grad hook copies its gradient, times
  1/world size, into its slot of the bucket; a bucket whose gradients are
  all in starts its nonblocking ``Iallreduce`` at once (buckets start in
  order, so every rank issues the same sequence), while backward goes on;
- an engine callback (``queue_callback``) waits for all of them at the end
  of backward and writes the averaged gradients back into ``.grad`` (or,
  with ``gradient_as_bucket_view``, makes each ``.grad`` a view of its
  bucket, so there is nothing to copy).

``no_sync()`` skips the reduction (gradients accumulate locally);
``find_unused_parameters`` walks the graph from the forward's outputs to
mark the parameters it will not reach; buffers are broadcast from rank 0
before each forward (``broadcast_buffers``/``forward_sync_buffers``).
"""
import dataclasses
import itertools
import sys
import warnings
import weakref
from contextlib import contextmanager

import numpy as np

from ... import messages
from ...autograd.engine import queue_callback
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...tensor import Tensor, _wrap
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_DEFAULT_BUCKET_CAP_MB = 25
_MB_TO_BYTES = 1024 * 1024
_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024
_NO_SIZE_LIMIT = 0               # the "limit" torch reports for a sparse gradient's bucket
_warned_no_unused = [False]       # torch's TORCH_WARN_ONCE: once per process


def _dist():
    from ... import distributed
    return distributed


_active_tracer = [None]


def _compile_tracer():
    """jitgrad.compile's tracer when it is tracing, else None."""
    active = _active_tracer[0]
    if active is None:
        from ...compiler.tracer import active
        _active_tracer[0] = active
    return active()


def _find_tensors(obj):
    """The tensors in a forward's output (lists, tuples, dicts, dataclasses)."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return itertools.chain.from_iterable(map(_find_tensors, obj))
    if isinstance(obj, dict):
        return itertools.chain.from_iterable(map(_find_tensors, obj.values()))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return itertools.chain.from_iterable(
            map(_find_tensors, (getattr(obj, f.name) for f in dataclasses.fields(obj))))
    return []


def _compute_bucket_assignment_by_size(tensors, bucket_size_limits,
                                       expect_sparse_gradient=None, tensor_indices=None):
    """torch's ``dist._compute_bucket_assignment_by_size``: consecutive tensors
    of one dtype fill a bucket until it holds at least the current limit (the
    limits are used in turn, the last one repeats); without
    ``tensor_indices`` the buckets are sorted by their smallest index.
    Returns (lists of indices, the limit of each bucket)."""
    result = []
    open_buckets = {}            # dtype -> [indices, bytes, limit]
    limit_pos = {}
    for i, t in enumerate(tensors):
        index = tensor_indices[i] if tensor_indices else i
        if expect_sparse_gradient and expect_sparse_gradient[index]:
            result.append(([index], _NO_SIZE_LIMIT))
            continue
        data = t._data
        key = data.dtype
        bucket = open_buckets.setdefault(key, [[], 0, 0])
        bucket[0].append(index)
        bucket[1] += data.size * data.dtype.itemsize
        pos = limit_pos.setdefault(key, 0)
        bucket[2] = bucket_size_limits[pos]
        if bucket[1] >= bucket[2]:
            result.append((bucket[0], bucket[2]))
            open_buckets[key] = [[], 0, 0]
            if pos + 1 < len(bucket_size_limits):
                limit_pos[key] = pos + 1
    for bucket in open_buckets.values():
        if bucket[0]:
            result.append((bucket[0], bucket[2]))
    if not tensor_indices:
        result.sort(key=lambda r: min(r[0]))
    return [r[0] for r in result], [r[1] for r in result]


class _Bucket:
    __slots__ = ("index", "indices", "buffer", "views", "pending", "request", "scale", "size")

    def __init__(self, index, indices, buffer, views, world_size):
        self.index = index
        self.indices = indices
        self.buffer = buffer
        self.views = views
        self.pending = len(indices)
        self.request = None
        self.scale = buffer.dtype.type(1.0 / world_size)    # torch's mul_out by 1/world
        self.size = buffer.dtype.type(world_size)


def _autograd_hook(reducer_ref, index):
    def hook(param):
        reducer = reducer_ref()
        if reducer is not None:
            reducer._autograd_hook(index)
    return hook


class _Reducer:
    """The gradient buckets and their all-reduces (torch's ``dist.Reducer``)."""

    def __init__(self, params, bucket_indices, process_group, find_unused_parameters,
                 gradient_as_bucket_view, bucket_bytes_cap, first_bucket_bytes_cap):
        self.params = params
        self.process_group = process_group
        self.comm = process_group._comm
        self.MPI = _dist().distributed_c10d._MPI
        self.world_size = process_group.size()
        self.find_unused = find_unused_parameters
        self.static_graph = False
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.bucket_bytes_cap = bucket_bytes_cap
        self.first_bucket_bytes_cap = first_bucket_bytes_cap
        self.expect_hooks = False
        self.require_finalize = False
        self.has_rebuilt = False
        self.rebuilt_order = []
        self.ready = set()
        self.unused = []
        self.marked_unused = False
        self.next_bucket = 0
        self.inflight = []
        self.local_used = np.zeros(len(params), np.int32)
        self.local_used_request = None
        self._initialize_buckets(bucket_indices)
        ref = weakref.ref(self)
        self.handles = [p.register_post_accumulate_grad_hook(_autograd_hook(ref, i))
                        for i, p in enumerate(params)]

    def __del__(self):
        for h in getattr(self, "handles", ()):
            h.remove()

    # -------------------------------------------------------- buckets
    def _initialize_buckets(self, bucket_indices):
        self.buckets = []
        self.locators = [None] * len(self.params)
        for b, indices in enumerate(bucket_indices):
            arrays = [self.params[i]._data for i in indices]
            buffer = np.zeros(sum(a.size for a in arrays), arrays[0].dtype)
            views, offset = [], 0
            bucket = _Bucket(b, list(indices), buffer, views, self.world_size)
            for i, a in zip(indices, arrays):
                view = buffer[offset:offset + a.size].reshape(a.shape)
                offset += a.size
                views.append(view)
                self.locators[i] = (bucket, view)
                param = self.params[i]
                if self.gradient_as_bucket_view and param._grad is not None \
                        and param._grad._data is not view:
                    view[...] = param._grad._data
                    param._grad = _wrap(view)
            self.buckets.append(bucket)

    def bucket_indices(self):
        return [b.indices for b in self.buckets]

    def _should_rebuild(self):
        return (self.static_graph or not self.find_unused) and not self.has_rebuilt

    def rebuild_buckets(self):
        """After the first iteration: buckets in the order the gradients
        became ready (rank 0's order, broadcast)."""
        self.ensure_prior_reduction_finished()
        if not self._should_rebuild() or not self.rebuilt_order:
            return False
        order = self.rebuilt_order
        indices, _ = _compute_bucket_assignment_by_size(
            [self.params[i] for i in order],
            [self.first_bucket_bytes_cap, self.bucket_bytes_cap], None, order)
        indices = self.comm.bcast(indices, root=0)
        self.has_rebuilt = True
        self.rebuilt_order = []
        self._initialize_buckets(indices)
        return True

    # ------------------------------------------------- one iteration
    def ensure_prior_reduction_finished(self):
        if self.require_finalize:
            unmarked = [i for i in range(len(self.params)) if i not in self.ready]
            raise RuntimeError(messages.ddp_prior_reduction(
                self.find_unused, self.process_group.rank(), unmarked))

    def prepare_for_backward(self, outputs):
        self.expect_hooks = True
        self.next_bucket = 0
        self.inflight = []
        for bucket in self.buckets:
            bucket.pending = len(bucket.indices)
            bucket.request = None
        self.marked_unused = False
        self.ready.clear()
        if self.find_unused:
            self.unused = self._search_unused_parameters(outputs)
            if not self.unused and not self.static_graph and not _warned_no_unused[0]:
                _warned_no_unused[0] = True
                warnings.warn(messages.DDP_NO_UNUSED_FOUND, UserWarning, stacklevel=4)

    def _search_unused_parameters(self, outputs):
        seen = set()
        stack = [t._grad_fn for t in outputs if t._grad_fn is not None]
        while stack:
            for nxt in stack.pop()._next:
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return [i for i, p in enumerate(self.params)
                if p._accumulator is None or p._accumulator not in seen]

    def _autograd_hook(self, index):
        if not self.expect_hooks:
            return              # no_sync(), or a backward outside DDP's forward
        if self.find_unused:
            self.local_used[index] = 1
        if not self.marked_unused:
            self.marked_unused = True
            for i in self.unused:
                self._mark_ready(i)
        if not self.has_rebuilt and (self.static_graph or not self.find_unused):
            self.rebuilt_order.append(index)
        if self.inflight:
            # let MPI advance the started buckets (without a progress thread
            # it moves only inside MPI calls), so they overlap with backward
            self.MPI.Request.Testall(self.inflight)
        self._mark_ready(index)

    def _mark_ready(self, index):
        if index in self.ready:
            raise RuntimeError(messages.ddp_marked_twice(index, self.find_unused))
        self.ready.add(index)
        self.require_finalize = True
        bucket, view = self.locators[index]
        param = self.params[index]
        grad = param._grad
        if grad is None:
            view[...] = 0
        elif grad._data is not view:
            # divide while copying (torch's mul_out by 1/world_size)
            np.multiply(grad._data, bucket.scale, out=view)
            if self.gradient_as_bucket_view:
                param._grad = _wrap(view)
        else:
            np.divide(view, bucket.size, out=view)
        bucket.pending -= 1
        if bucket.pending == 0:
            self._mark_bucket_ready(bucket.index)
        if self.next_bucket == len(self.buckets):
            MPI = self.MPI
            if self.find_unused:
                self.local_used_request = self.comm.Iallreduce(MPI.IN_PLACE, self.local_used,
                                                               MPI.MAX)
            queue_callback(self._finalize_backward)

    def _mark_bucket_ready(self, b):
        if b > self.next_bucket:
            return              # buckets start in order on every rank
        MPI = self.MPI
        while self.next_bucket < len(self.buckets) and \
                self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            bucket.request = self.comm.Iallreduce(MPI.IN_PLACE, bucket.buffer, MPI.SUM)
            self.inflight.append(bucket.request)
            self.next_bucket += 1

    def _finalize_backward(self):
        MPI = self.MPI
        self.expect_hooks = False
        self.require_finalize = False
        MPI.Request.Waitall([b.request for b in self.buckets])
        self.inflight = []
        used = None
        if self.find_unused:
            self.local_used_request.Wait()
            self.local_used_request = None
            used = self.local_used
        for bucket in self.buckets:
            for i, view in zip(bucket.indices, bucket.views):
                if used is not None and not used[i]:
                    continue        # unused on every rank: its .grad stays as it was
                param = self.params[i]
                grad = param._grad
                if not self.gradient_as_bucket_view:
                    if grad is None:
                        param._grad = _wrap(view.copy())
                    else:
                        grad._data[...] = view
                elif grad is None:
                    param._grad = _wrap(view)
                elif grad._data is not view:
                    raise RuntimeError(messages.DDP_GRAD_NOT_BUCKET_VIEW)
        if self.static_graph and self._should_rebuild():
            self.rebuilt_order.extend(self.unused)
        if self.find_unused:
            self.local_used[:] = 0


def _broadcast_coalesced(process_group, tensors, buffer_size, src=0):
    """Broadcast ``tensors`` from ``src`` in flat chunks of at most
    ``buffer_size`` bytes per dtype (torch's ``_broadcast_coalesced``)."""
    comm = process_group._comm
    receiving = process_group.rank() != src
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t._data.dtype, []).append(t)
    for dtype, group in by_dtype.items():
        chunk, size = [], 0
        for t in group + [None]:
            if t is not None and (not chunk or size + t._data.nbytes <= buffer_size):
                chunk.append(t)
                size += t._data.nbytes
                continue
            if chunk:
                flat = np.concatenate([c._data.ravel() for c in chunk])
                comm.Bcast(flat.view(np.uint8) if flat.dtype.kind == "b" else flat, root=src)
                if receiving:
                    offset = 0
                    for c in chunk:
                        part = flat[offset:offset + c._data.size].reshape(c._data.shape)
                        offset += c._data.size
                        if c._data.flags.writeable:
                            c._data[...] = part
                        else:
                            c._data = part.copy()
            chunk, size = ([t], t._data.nbytes) if t is not None else ([], 0)


class DistributedDataParallel(Module):
    """Data parallelism over the ranks of ``jitgrad.distributed``'s process
    group: each rank runs ``module`` on its share of the batch and backward
    averages the gradients over the ranks, so every rank's optimizer takes
    the same step. See the module's docstring for how."""

    _active_ddp_module = None

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=None, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False,
                 bucket_cap_mb_list=None, batched_grad_copy=False, forward_sync_buffers=None):
        super().__init__()
        for option, given in (("delay_all_reduce_named_params",
                               delay_all_reduce_named_params is not None),
                              ("param_to_hook_all_reduce", param_to_hook_all_reduce is not None),
                              ("mixed_precision", mixed_precision is not None),
                              ("device_mesh", device_mesh is not None),
                              ("bucket_cap_mb_list", bool(bucket_cap_mb_list)),
                              ("skip_all_reduce_unused_params", skip_all_reduce_unused_params)):
            if given:
                raise NotImplementedError(messages.ddp_unsupported(option))
        c10d = _dist().distributed_c10d
        self.process_group = c10d._group(process_group)
        if hasattr(module, "_ddp_params_and_buffers_to_ignore"):
            self.parameters_to_ignore = set(module._ddp_params_and_buffers_to_ignore)
        else:
            self.parameters_to_ignore = set()
        self._module_parameters = [p for n, p in module.named_parameters()
                                   if n not in self.parameters_to_ignore]
        if not any(p.requires_grad for p in self._module_parameters):
            raise RuntimeError(messages.DDP_NO_GRAD_PARAMS)
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError(messages.DDP_DEVICE_IDS_LEN)
        if device_ids or output_device:
            raise ValueError(messages.ddp_device_args(device_ids, output_device))
        self.device_ids = None
        self.output_device = None
        self.is_multi_device_module = False
        self.device_type = "cpu"
        self.static_graph = False
        self.dim = dim
        self.module = module
        self.device = self._module_parameters[0].device
        if broadcast_buffers is not None:
            warnings.warn(messages.DDP_BOTH_BUFFER_FLAGS if forward_sync_buffers is not None
                          else messages.DDP_BROADCAST_BUFFERS_DEPRECATED, FutureWarning,
                          stacklevel=2)
        if forward_sync_buffers is not None:
            self.forward_sync_buffers = forward_sync_buffers
            init_sync_buffers = True
        else:
            effective = broadcast_buffers if broadcast_buffers is not None else True
            self.forward_sync_buffers = effective
            init_sync_buffers = effective
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.batched_grad_copy = batched_grad_copy
        self.mixed_precision = None
        if check_reduction:
            warnings.warn(messages.DDP_CHECK_REDUCTION, FutureWarning, stacklevel=2)
        self.broadcast_bucket_size = 250 * 1024 * 1024
        cap_mb = _DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap_mb * _MB_TO_BYTES)
        self._first_bucket_bytes_cap = (_DEFAULT_FIRST_BUCKET_BYTES if bucket_cap_mb is None
                                        else self.bucket_bytes_cap)
        self.bucket_bytes_cap_default = self._first_bucket_bytes_cap < self.bucket_bytes_cap
        parameters, expect_sparse_gradient = self._build_params_for_reducer()
        if init_sync:
            self._verify_param_shape_across_processes(parameters)
            with no_grad():
                states = [p for n, p in module.named_parameters()
                          if n not in self.parameters_to_ignore]
                if init_sync_buffers:
                    states += [b for n, b in module.named_buffers()
                               if n not in self.parameters_to_ignore]
                _broadcast_coalesced(self.process_group, states, self.broadcast_bucket_size, 0)
        self._ddp_init_helper(parameters, expect_sparse_gradient, static_graph)
        self._has_rebuilt_buckets = False
        if static_graph:
            self._set_static_graph()

    # ------------------------------------------------------------ set-up
    def _ddp_init_helper(self, parameters, expect_sparse_gradient, static_graph):
        # torch: one bucket at first (unless unused parameters are looked
        # for), rebuilt in the gradients' ready order after one iteration
        if static_graph or not self.find_unused_parameters:
            limits = [sys.maxsize]
        elif self._first_bucket_bytes_cap < self.bucket_bytes_cap:
            limits = [self._first_bucket_bytes_cap, self.bucket_bytes_cap]
        else:
            limits = [self.bucket_bytes_cap]
        bucket_indices, _ = _compute_bucket_assignment_by_size(parameters, limits,
                                                               expect_sparse_gradient)
        self.reducer = _Reducer(parameters, list(reversed(bucket_indices)), self.process_group,
                                self.find_unused_parameters, self.gradient_as_bucket_view,
                                self.bucket_bytes_cap, self._first_bucket_bytes_cap)

    def _build_params_for_reducer(self):
        seen = set()
        modules_and_parameters = []
        for module_name, mod in self.module.named_modules():
            for param_name, param in mod.named_parameters(recurse=False):
                fqn = f"{module_name}.{param_name}"
                if param.requires_grad and fqn not in self.parameters_to_ignore \
                        and id(param) not in seen:
                    seen.add(id(param))
                    modules_and_parameters.append((mod, param))
        parameters = [p for _, p in modules_and_parameters]
        expect_sparse_gradient = [bool(getattr(m, "sparse", False)) and
                                  type(m).__name__ in ("Embedding", "EmbeddingBag")
                                  for m, _ in modules_and_parameters]
        self._assign_modules_buffers()
        return parameters, expect_sparse_gradient

    def _assign_modules_buffers(self):
        named = [(name, b) for name, b in self.module.named_buffers()
                 if name not in self.parameters_to_ignore]
        self.modules_buffers = [b for _, b in named]
        self.named_module_buffers = dict(named)

    def _verify_param_shape_across_processes(self, parameters):
        meta = [(tuple(p._data.shape), p._data.dtype.str) for p in parameters]
        everyone = self.process_group._comm.allgather(meta)
        rank = self.process_group.rank()
        for other, theirs in enumerate(everyone):
            if len(theirs) != len(meta):
                raise RuntimeError(messages.ddp_param_count(rank, len(meta), other, len(theirs)))
        for i, (shape, _) in enumerate(meta):
            for other, theirs in enumerate(everyone):
                if theirs[i][0] != shape:
                    raise RuntimeError(messages.ddp_param_shape(i, shape, other))

    @staticmethod
    def _set_params_and_buffers_to_ignore_for_model(module, params_and_buffers_to_ignore):
        module._ddp_params_and_buffers_to_ignore = params_and_buffers_to_ignore

    @staticmethod
    def _get_data_parallel_params(module, named_params=False):
        for param in module.parameters() if not named_params else module.named_parameters():
            if not hasattr(param, "_ddp_ignored"):
                yield param

    def _set_static_graph(self):
        self.static_graph = True
        self.reducer.static_graph = True
        self.reducer.find_unused = True

    @property
    def broadcast_buffers(self):
        return self.forward_sync_buffers

    @broadcast_buffers.setter
    def broadcast_buffers(self, value):
        self.forward_sync_buffers = value

    @property
    def _distributed_rank(self):
        return self.process_group.rank()

    # ------------------------------------------------------------ forward
    @contextmanager
    def no_sync(self):
        """Gradients accumulate locally inside; the first backward after it
        reduces the accumulated sum."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    @classmethod
    def _get_active_ddp_module(cls):
        return cls._active_ddp_module

    @contextmanager
    def _inside_ddp_forward(self):
        old = DistributedDataParallel._active_ddp_module
        DistributedDataParallel._active_ddp_module = self
        try:
            yield
        finally:
            DistributedDataParallel._active_ddp_module = old

    def will_sync_module_buffers(self):
        return (self.require_forward_param_sync and self.forward_sync_buffers
                and len(self.modules_buffers) > 0)

    def _sync_buffers(self):
        with no_grad():
            self._assign_modules_buffers()
            _broadcast_coalesced(self.process_group, self.modules_buffers,
                                 self.broadcast_bucket_size, 0)

    def _pre_forward(self):
        if is_grad_enabled() and self.reducer.rebuild_buckets():
            self._has_rebuilt_buckets = True
        if self.will_sync_module_buffers():
            self._sync_buffers()

    def _post_forward(self, output):
        if is_grad_enabled() and self.require_backward_grad_sync:
            self.require_forward_param_sync = True
            if self.find_unused_parameters or self.static_graph:
                self.reducer.prepare_for_backward(list(_find_tensors(output)))
            else:
                self.reducer.prepare_for_backward([])
        else:
            self.require_forward_param_sync = False
        return output

    def forward(self, *inputs, **kwargs):
        tracer = _compile_tracer()
        if tracer is not None:
            # the reduction runs in autograd hooks that a compiled graph would
            # skip: jitgrad.compile runs this function eagerly instead
            tracer.break_(messages.DDP_COMPILE_BREAK)
        self._pre_forward()
        with self._inside_ddp_forward():
            output = self.module(*inputs, **kwargs)
        return self._post_forward(output)

    def train(self, mode=True):
        super().train(mode)
        return self

    def register_comm_hook(self, state, hook):
        raise NotImplementedError(messages.ddp_unsupported("register_comm_hook"))

    def join(self, divide_by_initial_world_size=True, enable=True,
             throw_on_early_termination=False):
        raise NotImplementedError(messages.ddp_unsupported("join"))
