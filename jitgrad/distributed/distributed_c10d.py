"""torch.distributed's process group and collectives, on MPI through mpi4py.

One backend, ``"mpi"``: ``mpiexec -n N python script.py`` starts the ranks,
``init_process_group()`` takes rank and world size from MPI (checked
against torch's ``RANK``/``WORLD_SIZE`` variables where those are set) and
works on a duplicate of ``MPI.COMM_WORLD``. The collectives read and write
the tensors' numpy buffers in place through mpi4py's buffer (uppercase)
calls, without pickling; ``async_op=True`` uses the nonblocking calls
(``Iallreduce``...) and returns a ``Work`` whose ``wait()`` completes them.

mpi4py is imported on the first call that needs it, so ``import jitgrad``
and ``import jitgrad.distributed`` work without it (``is_available()`` then
says False). After ``init_process_group`` an uncaught exception on one rank
prints its traceback with a ``[rankN]:`` prefix, as torch does, and then
aborts the whole MPI job, so the other ranks fail at once instead of
waiting for it forever in their next collective. Ranks that share a
machine share its cores (``_share_cores``) unless the environment sets a
thread count.
"""
import datetime
import importlib.util
import io
import os
import sys
import time
import warnings
from enum import Enum

import numpy as np

from .. import messages
from ..tensor import Tensor

__all__ = ["Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather",
           "all_gather_into_tensor", "all_gather_object", "all_gather_single", "all_reduce",
           "barrier", "broadcast", "broadcast_object_list", "destroy_process_group", "gather",
           "gather_object", "get_backend", "get_global_rank", "get_group_rank",
           "get_process_group_ranks", "get_rank", "get_world_size", "group",
           "init_process_group", "irecv", "is_available", "is_backend_available",
           "is_gloo_available", "is_initialized", "is_mpi_available", "is_nccl_available",
           "is_torchelastic_launched", "is_ucc_available", "is_xccl_available", "isend",
           "new_group", "recv",
           "reduce", "reduce_scatter", "reduce_scatter_single", "reduce_scatter_tensor",
           "scatter", "scatter_object_list", "send"]

_MPI = None          # mpi4py.MPI, once imported


def _mpi():
    global _MPI
    if _MPI is None:
        try:
            from mpi4py import MPI
        except (ImportError, RuntimeError, OSError) as err:
            raise RuntimeError(messages.DIST_NO_MPI) from err
        _MPI = MPI
    return _MPI


# ------------------------------------------------------------------ availability
def is_available():
    """True when mpi4py is installed (checked without importing it)."""
    return importlib.util.find_spec("mpi4py") is not None


is_mpi_available = is_available


def is_gloo_available():
    return False


def is_nccl_available():
    return False


def is_ucc_available():
    return False


def is_xccl_available():
    return False


def is_backend_available(backend):
    return str(backend).lower() == "mpi" and is_mpi_available()


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


class Backend(str):
    """torch's backend names (lower-case strings); jitgrad runs ``mpi`` only."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    XCCL = "xccl"
    UCC = "ucc"
    MPI = "mpi"
    FAKE = "fake"
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(messages.DIST_BACKEND_NOT_STR)
        value = name.lower()
        return super().__new__(cls, value)


# -------------------------------------------------------------------- ReduceOp
class RedOpType(int, Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``,
    ``BOR``, ``BXOR`` (members of ``ReduceOp.RedOpType``, as in torch)."""
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM

    def __init__(self, op=RedOpType.SUM):
        self.op = RedOpType(op)

    def __eq__(self, other):
        return self.op == (other.op if isinstance(other, ReduceOp) else other)

    def __hash__(self):
        return hash(self.op)

    def __repr__(self):
        return repr(self.op)


def _op_of(op, func):
    if isinstance(op, ReduceOp):
        op = op.op
    if not isinstance(op, RedOpType) or op is RedOpType.PREMUL_SUM:
        raise TypeError(messages.dist_bad_op(func, op))
    return op


def _mpi_op(op, array, func):
    """(buffer to reduce, MPI op, divide by the world size afterwards?)."""
    MPI = _mpi()
    op = _op_of(op, func)
    kind = array.dtype.kind
    if op is RedOpType.AVG:
        if kind != "f":
            from ..dtypes import from_numpy
            raise RuntimeError(messages.cast_result("Float", from_numpy(array.dtype)._torch_name))
        return array, MPI.SUM, True
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and kind == "f":
        raise RuntimeError(messages.dist_op_unsupported(f"ReduceOp.{op.name}"))
    if kind == "b":       # bools reduce as bytes: a sum is an or, a product an and
        array = array.view(np.uint8)
        op = {RedOpType.SUM: RedOpType.MAX, RedOpType.PRODUCT: RedOpType.MIN}.get(op, op)
    return array, {RedOpType.SUM: MPI.SUM, RedOpType.PRODUCT: MPI.PROD,
                   RedOpType.MIN: MPI.MIN, RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND,
                   RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR}[op], False


# --------------------------------------------------------------- process group
class ProcessGroup:
    """The world's process group: a duplicate of ``MPI.COMM_WORLD``."""

    def __init__(self, comm, timeout):
        self._comm = comm
        self._rank = comm.Get_rank()
        self._size = comm.Get_size()
        self._timeout = timeout

    def rank(self):
        return self._rank

    def size(self):
        return self._size

    def name(self):
        return "0"

    @property
    def group_name(self):
        return "0"

    def _get_backend_name(self):
        return Backend.MPI

    def __repr__(self):
        return f"<jitgrad.distributed.ProcessGroup object at {hex(id(self))}>"


class _State:
    default_pg = None
    excepthook = None     # the hook init_process_group replaced


_state = _State()


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _state.default_pg


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default process group (None before init)."""


class GroupMember(metaclass=_WorldMeta):
    NON_GROUP_MEMBER = -100


def _default_group():
    pg = _state.default_pg
    if pg is None:
        raise ValueError(messages.DIST_NOT_INITIALIZED)
    return pg


def _group(grp):
    pg = _default_group()
    if grp is not None and grp is not pg:
        raise ValueError(messages.DIST_INVALID_GROUP)
    return pg


def is_initialized():
    return _state.default_pg is not None


def _check_env(rank, size):
    """Problems with torch's RANK/WORLD_SIZE variables against MPI's values."""
    for name, mine in (("RANK", rank), ("WORLD_SIZE", size)):
        value = os.environ.get(name)
        if value is not None and value.strip() != "" and value.strip() != str(mine):
            return messages.dist_env_mismatch(name, value, rank, size)
    return None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Start the default process group on MPI. ``backend`` may be omitted or
    ``"mpi"``; rank and world size come from ``mpiexec``."""
    if _state.default_pg is not None:
        raise ValueError(messages.DIST_INIT_TWICE)
    name = Backend.MPI if backend is None else Backend(backend)
    if name == Backend.UNDEFINED:
        name = Backend.MPI
    if name != Backend.MPI:
        raise RuntimeError(messages.dist_backend_unavailable(name))
    if timeout is None:
        timeout = datetime.timedelta(minutes=30)
    elif not isinstance(timeout, datetime.timedelta):
        raise TypeError(messages.dist_timeout_type(timeout))
    MPI = _mpi()
    if world_size != -1 or rank != -1:
        warnings.warn(messages.dist_mpi_ignores_rank(world_size, rank), stacklevel=2)
    world = MPI.COMM_WORLD
    my_rank, size = world.Get_rank(), world.Get_size()
    problem = _check_env(my_rank, size)
    # every rank learns whether any rank has a problem, so that all of them
    # raise (one raising alone would leave the others waiting in Dup)
    if world.allreduce(problem is not None, op=MPI.LOR):
        raise RuntimeError(problem or messages.dist_env_mismatch_elsewhere())
    _state.default_pg = ProcessGroup(world.Dup(), timeout)
    _install_excepthook(my_rank, size)
    _share_cores(world)


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS")


def _share_cores(world):
    """Ranks on one machine split its cores: with k ranks here and no thread
    count asked for in the environment, each rank runs cores // k threads
    (torchrun sets OMP_NUM_THREADS=1 likewise), so k ranks of one thread per
    core do not oversubscribe the machine."""
    if any(os.environ.get(v) for v in _THREAD_VARIABLES):
        return
    node = world.Split_type(_MPI.COMM_TYPE_SHARED)
    local = node.Get_size()
    node.Free()
    if local > 1:
        from ..threads import set_num_threads
        set_num_threads(max(1, (os.cpu_count() or 1) // local))


def _install_excepthook(rank, size):
    old_hook = sys.excepthook
    prefix = f"[rank{rank}]"

    def _distributed_excepthook(*args):
        # torch's: the traceback with every line prefixed by the rank
        old_stderr = sys.stderr
        sys.stderr = buf = io.StringIO()
        try:
            old_hook(*args)
        finally:
            sys.stderr = old_stderr
        msg = "\n".join(f"{prefix}: {s}" if s != "" else "" for s in buf.getvalue().split("\n"))
        sys.stderr.write(msg)
        MPI = _MPI
        if size > 1 and MPI is not None and MPI.Is_initialized() and not MPI.Is_finalized():
            # jitgrad's addition: end the job, so no other rank waits for this one
            sys.stderr.write(f"{prefix}: {messages.DIST_ABORTING}\n")
            sys.stderr.flush()
            MPI.COMM_WORLD.Abort(1)
        sys.stderr.flush()

    _state.excepthook = old_hook
    sys.excepthook = _distributed_excepthook


def destroy_process_group(group=None):
    pg = _state.default_pg if group is None else group
    if pg is None:
        raise AssertionError(messages.DIST_GROUP_NONE)
    if pg is not _state.default_pg:
        raise ValueError(messages.DIST_INVALID_GROUP)
    comm = pg._comm
    _state.default_pg = None
    if _MPI is not None and not _MPI.Is_finalized():
        comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """Only the whole world for now: ``new_group()`` (or all the ranks)
    returns the default group."""
    pg = _default_group()
    if ranks is not None and sorted(ranks) != list(range(pg.size())):
        raise NotImplementedError(messages.DIST_SUBGROUPS)
    return pg


def get_rank(group=None):
    return _group(group).rank()


def get_world_size(group=None):
    return _group(group).size()


def get_backend(group=None):
    _group(group)
    return Backend(Backend.MPI)


def get_process_group_ranks(group):
    return list(range(_group(group).size()))


def get_global_rank(group, group_rank):
    _group(group)
    return group_rank


def get_group_rank(group, global_rank):
    _group(group)
    return global_rank


# ------------------------------------------------------------------- Work
class Future:
    """torch.futures.Future's reading side, for a Work's results."""

    def __init__(self, work):
        self._work = work

    def wait(self):
        self._work.wait()
        return self._work.result()

    value = wait

    def done(self):
        return self._work.is_completed()

    def then(self, callback):
        self.wait()
        return _DoneFuture(callback(self))


class _DoneFuture(Future):
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value

    value = wait

    def done(self):
        return True


class Work:
    """The handle of a collective: ``wait()`` blocks until it completed (and
    returns True), ``is_completed()`` tests without blocking."""

    def __init__(self, requests=(), finish=None, result=(), status=None):
        self._requests = list(requests)
        self._finish = finish
        self._result = list(result)
        self._status = status
        self._done = False
        if not self._requests:
            self._complete()

    def _complete(self):
        self._done = True
        finish, self._finish = self._finish, None
        if finish is not None:
            finish()

    def is_completed(self):
        if not self._done and _MPI.Request.Testall(self._requests):
            self._complete()
        return self._done

    def wait(self, timeout=None):
        if self._done:
            return True
        if timeout is not None:
            seconds = timeout.total_seconds() if isinstance(timeout, datetime.timedelta) \
                else float(timeout)
            deadline = time.monotonic() + seconds
            while not _MPI.Request.Testall(self._requests):
                if time.monotonic() > deadline:
                    raise RuntimeError(messages.dist_wait_timeout(seconds))
                time.sleep(1e-4)
        elif len(self._requests) == 1 and self._status is not None:
            self._requests[0].Wait(self._status)
        else:
            _MPI.Request.Waitall(self._requests)
        self._complete()
        return True

    synchronize = wait

    def is_success(self):
        return self._done

    def exception(self):
        return None

    def result(self):
        return list(self._result)

    def source_rank(self):
        return self._status.Get_source() if self._status is not None else -1

    _source_rank = source_rank

    def get_future(self):
        return Future(self)


# ------------------------------------------------------------------ buffers
def _check_single_tensor(param, param_name):
    if not isinstance(param, Tensor):
        raise TypeError(messages.dist_not_tensor(param_name, param))


def _check_tensor_list(param, param_name):
    if not isinstance(param, list) or not all(isinstance(p, Tensor) for p in param):
        raise TypeError(messages.dist_not_tensor_list(param_name, param))


def _ensure_same_dtype(*tensors):
    first = None
    for t in tensors:
        for x in (t if isinstance(t, list) else (t,)):
            if first is None:
                first = x.dtype
            elif x.dtype != first:
                raise ValueError(messages.dist_dtypes_differ(first, x.dtype))


def _inout(tensor):
    """A C-contiguous writable array on ``tensor``'s values and the function
    that publishes the result (a copy back when the array is a copy)."""
    a = tensor._data
    if a.flags.c_contiguous and a.flags.writeable:
        return a, lambda: _bump(tensor)
    tmp = np.ascontiguousarray(a)

    def back():
        if tensor._data.flags.writeable:
            tensor._data[...] = tmp
        else:
            tensor._data = tmp
        _bump(tensor)
    return tmp, back


def _input(tensor):
    return np.ascontiguousarray(tensor._data)


def _bump(tensor):
    tensor._vc[0] += 1       # written in place, as torch's c10d ops


def _root(rank, given, group_given, op, pg, default=None):
    if group_given is not None:
        if given is not None:
            raise ValueError(messages.DIST_BOTH_RANKS)
        given = group_given
    if given is None:
        if default is None:
            raise ValueError(messages.DIST_NO_RANK)
        given = default
    if not 0 <= given < pg.size():
        raise RuntimeError(messages.dist_invalid_root(op, given))
    return given


def _chain(*steps):
    def run():
        for s in steps:
            if s is not None:
                s()
    return run


def _averager(array, size):
    def run():
        np.divide(array, array.dtype.type(size), out=array)
    return run


def _shape(t):
    return tuple(t._data.shape)


# -------------------------------------------------------------- collectives
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    pg = _group(group)
    buf, publish = _inout(tensor)
    view, mop, avg = _mpi_op(op, buf, "all_reduce")
    finish = _chain(_averager(buf, pg.size()) if avg else None, publish)
    MPI = _MPI
    if async_op:
        return Work([pg._comm.Iallreduce(MPI.IN_PLACE, view, mop)], finish, [tensor])
    pg._comm.Allreduce(MPI.IN_PLACE, view, mop)
    finish()


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    pg = _group(group)
    root = _root(pg.rank(), src, group_src, "broadcast", pg)
    _check_single_tensor(tensor, "tensor")
    buf, publish = _inout(tensor)
    if buf.dtype.kind == "b":
        buf = buf.view(np.uint8)
    if async_op:
        return Work([pg._comm.Ibcast(buf, root=root)], publish, [tensor])
    pg._comm.Bcast(buf, root=root)
    publish()


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    pg = _group(group)
    root = _root(pg.rank(), dst, group_dst, "reduce", pg)
    _check_single_tensor(tensor, "tensor")
    buf, publish = _inout(tensor)
    view, mop, avg = _mpi_op(op, buf, "reduce")
    MPI = _MPI
    if pg.rank() == root:
        send, finish = MPI.IN_PLACE, _chain(_averager(buf, pg.size()) if avg else None, publish)
        recv = view
    else:
        send, recv, finish = view, None, None
    if async_op:
        return Work([pg._comm.Ireduce(send, recv, mop, root=root)], finish, [tensor])
    pg._comm.Reduce(send, recv, mop, root=root)
    if finish is not None:
        finish()


def _check_list_shapes(op, tensors, shape, dtype):
    for i, t in enumerate(tensors):
        if t.dtype != dtype:
            raise RuntimeError(messages.dist_tensor_type(op, i, dtype, t.dtype))
        if _shape(t) != shape:
            raise RuntimeError(messages.dist_tensor_size(op, i, shape, _shape(t)))


def _unstack_into(stacked, tensors):
    def run():
        for t, part in zip(tensors, stacked):
            if t._data.flags.writeable:
                t._data[...] = part
            else:
                t._data = part.copy()
            _bump(t)
    return run


def _bytes(a):
    return a.view(np.uint8) if a.dtype.kind == "b" else a


def all_gather(tensor_list, tensor, group=None, async_op=False):
    _check_tensor_list(tensor_list, "tensor_list")
    _check_single_tensor(tensor, "tensor")
    _ensure_same_dtype(tensor_list, tensor)
    pg = _group(group)
    if len(tensor_list) != pg.size():
        raise RuntimeError(messages.dist_list_length("allgather", "output", pg.size(),
                                                     len(tensor_list)))
    shape = _shape(tensor)
    _check_list_shapes("allgather", tensor_list, shape, tensor.dtype)
    send = _input(tensor)
    stacked = np.empty((pg.size(),) + shape, send.dtype)
    finish = _unstack_into(stacked, tensor_list)
    if async_op:
        return Work([pg._comm.Iallgather(_bytes(send), _bytes(stacked))], finish, tensor_list)
    pg._comm.Allgather(_bytes(send), _bytes(stacked))
    finish()


def _check_gathered(op, output, input, size):
    if output.dtype != input.dtype:
        raise RuntimeError(messages.dist_tensor_type(op, 0, input.dtype, output.dtype))
    ishape, oshape = _shape(input), _shape(output)
    stacked = (size,) + ishape
    concat = ((ishape[0] * size,) + ishape[1:]) if ishape else (size,)
    if oshape not in (stacked, concat):
        raise RuntimeError(messages.dist_tensor_size(op, 0, concat, oshape))


def all_gather_single(output_tensor, input_tensor, group=None, async_op=False):
    _check_single_tensor(input_tensor, "input_tensor")
    _check_single_tensor(output_tensor, "output_tensor")
    pg = _group(group)
    _check_gathered("allgather", output_tensor, input_tensor, pg.size())
    out, publish = _inout(output_tensor)
    send = _input(input_tensor)
    if async_op:
        return Work([pg._comm.Iallgather(_bytes(send), _bytes(out))], publish, [output_tensor])
    pg._comm.Allgather(_bytes(send), _bytes(out))
    publish()


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    warnings.warn(messages.dist_deprecated("all_gather_into_tensor", "all_gather_single"),
                  FutureWarning, stacklevel=2)
    return all_gather_single(output_tensor, input_tensor, group, async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    _ensure_same_dtype(output, input_list)
    pg = _group(group)
    if len(input_list) != pg.size():
        raise RuntimeError(messages.DIST_REDUCE_SCATTER_LIST)
    _check_list_shapes("reduce_scatter", input_list, _shape(output), output.dtype)
    send = np.stack([t._data for t in input_list]) if input_list else None
    return _reduce_scatter(output, send, op, pg, async_op, [output])


def _reduce_scatter(output, send, op, pg, async_op, result):
    out, publish = _inout(output)
    view, mop, avg = _mpi_op(op, out, "reduce_scatter")
    send = send.view(view.dtype) if send.dtype != view.dtype else send
    finish = _chain(_averager(out, pg.size()) if avg else None, publish)
    if async_op:
        return Work([pg._comm.Ireduce_scatter_block(send, view, mop)], finish, result)
    pg._comm.Reduce_scatter_block(send, view, mop)
    finish()


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    pg = _group(group)
    _check_gathered("reduce_scatter", input, output, pg.size())
    return _reduce_scatter(output, _input(input), op, pg, async_op, [output])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    warnings.warn(messages.dist_deprecated("reduce_scatter_tensor", "reduce_scatter_single"),
                  FutureWarning, stacklevel=2)
    return reduce_scatter_single(output, input, op, group, async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    _check_single_tensor(tensor, "tensor")
    if gather_list:
        _check_tensor_list(gather_list, "gather_list")
    else:
        gather_list = []
    _ensure_same_dtype(tensor, gather_list)
    pg = _group(group)
    root = _root(pg.rank(), dst, group_dst, "gather", pg, default=0)
    if root == pg.rank():
        if not gather_list:
            raise ValueError(messages.DIST_GATHER_LIST_DST)
        if len(gather_list) != pg.size():
            raise RuntimeError(messages.dist_gather_list_size("gather", len(gather_list),
                                                              pg.size()))
        _check_list_shapes("gather", gather_list, _shape(tensor), tensor.dtype)
    elif gather_list:
        raise ValueError(messages.DIST_GATHER_LIST_NON_DST)
    send = _input(tensor)
    if root == pg.rank():
        stacked = np.empty((pg.size(),) + send.shape, send.dtype)
        recv, finish = _bytes(stacked), _unstack_into(stacked, gather_list)
    else:
        recv, finish = None, None
    if async_op:
        return Work([pg._comm.Igather(_bytes(send), recv, root=root)], finish, gather_list)
    pg._comm.Gather(_bytes(send), recv, root=root)
    if finish is not None:
        finish()


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    _check_single_tensor(tensor, "tensor")
    if scatter_list:
        _check_tensor_list(scatter_list, "scatter_list")
    else:
        scatter_list = []
    _ensure_same_dtype(tensor, scatter_list)
    pg = _group(group)
    root = _root(pg.rank(), src, group_src, "scatter", pg, default=0)
    if root == pg.rank():
        if not scatter_list:
            raise ValueError(messages.DIST_SCATTER_LIST_SRC)
        if len(scatter_list) != pg.size():
            raise RuntimeError(messages.dist_scatter_list_size("scatter", len(scatter_list),
                                                               pg.size()))
        _check_list_shapes("scatter", scatter_list, _shape(tensor), tensor.dtype)
        send = _bytes(np.stack([t._data for t in scatter_list]))
    elif scatter_list:
        raise ValueError(messages.DIST_SCATTER_LIST_NON_SRC)
    else:
        send = None
    out, publish = _inout(tensor)
    if async_op:
        return Work([pg._comm.Iscatter(send, _bytes(out), root=root)], publish, [tensor])
    pg._comm.Scatter(send, _bytes(out), root=root)
    publish()


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    pg = _group(group)
    if async_op:
        return Work([pg._comm.Ibarrier()])
    if timeout is not None:
        Work([pg._comm.Ibarrier()]).wait(timeout)
        return
    pg._comm.Barrier()


# --------------------------------------------------------- point to point
def _peer(pg, rank, group_rank, kind):
    if group_rank is not None:
        if rank is not None:
            raise ValueError(messages.DIST_BOTH_RANKS)
        rank = group_rank
    if rank is None:
        raise ValueError(messages.DIST_NO_RANK)
    if not 0 <= rank < pg.size():
        raise RuntimeError(messages.dist_invalid_peer(kind, rank, pg.size()))
    return rank


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    pg = _group(group)
    peer = _peer(pg, dst, group_dst, "destination")
    _check_single_tensor(tensor, "tensor")
    send = _bytes(_input(tensor))
    return Work([pg._comm.Isend(send, dest=peer, tag=tag)], result=[tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    _check_single_tensor(tensor, "tensor")
    pg = _group(group)
    if src is None and group_src is None:
        peer = _MPI.ANY_SOURCE
    else:
        peer = _peer(pg, src, group_src, "source")
    out, publish = _inout(tensor)
    return Work([pg._comm.Irecv(_bytes(out), source=peer, tag=tag)], publish, [tensor],
                status=_MPI.Status())


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    pg = _group(group)
    peer = _peer(pg, dst, group_dst, "destination")
    if peer == pg.rank():
        raise ValueError(messages.dist_self_rank("destination"))
    _check_single_tensor(tensor, "tensor")
    pg._comm.Send(_bytes(_input(tensor)), dest=peer, tag=tag)


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    peer = src if group_src is None else group_src
    if peer is not None and peer == get_rank(group):
        raise ValueError(messages.dist_self_rank("source"))
    work = irecv(tensor, src=src, group=group, tag=tag, group_src=group_src)
    work.wait()
    return work.source_rank()


# ------------------------------------------------------ object collectives
# (pickled through mpi4py's lowercase calls: for small Python objects)
def all_gather_object(object_list, obj, group=None):
    pg = _group(group)
    object_list[:] = pg._comm.allgather(obj)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    pg = _group(group)
    root = _root(pg.rank(), src, group_src, "broadcast", pg, default=0)
    got = pg._comm.bcast(list(object_list) if pg.rank() == root else None, root=root)
    object_list[:] = got


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _group(group)
    root = _root(pg.rank(), dst, group_dst, "gather", pg, default=0)
    got = pg._comm.gather(obj, root=root)
    if pg.rank() == root:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    pg = _group(group)
    root = _root(pg.rank(), src, group_src, "scatter", pg, default=0)
    got = pg._comm.scatter(list(scatter_object_input_list) if pg.rank() == root else None,
                           root=root)
    scatter_object_output_list[0] = got
