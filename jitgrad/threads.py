"""Threads: ``set_num_threads``/``get_num_threads`` as torch has them, acting
on the BLAS that numpy uses (through threadpoolctl), and the size gate that
keeps small matrix products on one thread.

Why the gate: OpenBLAS's worker threads spin while they wait for each other.
When another process keeps a core busy, a product that takes well under a
millisecond waits a scheduler slice for its descheduled partner, so a
training step of small products ran 2-4x slower on two threads than on one
(``benchmarks/blas_threads.py``), while on an idle machine two threads gained
at most 1.4x on those products, and in some runs lost. Large products lose
about 10% to a busy neighbour and gain 1.7x on an idle machine. So products of fewer than
``PARALLEL_MIN_MACS`` multiply-adds run on one thread, larger ones on
``get_num_threads()``. The default is the BLAS pool's own size at start-up:
one thread per core, or what ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``/
``MKL_NUM_THREADS`` asked for.

jitgrad's own kernels are serial today; Numba's threading layer is never
started, so ``fork()`` stays safe.
"""
import os
import threading

from . import messages
from .quiet import quiet_matmul

# 2^26 multiply-adds: about 1 ms on one core of this machine, where a busy
# neighbour's delay (a scheduler slice) is small next to the work
PARALLEL_MIN_MACS = 1 << 26

_MAIN_THREAD = threading.main_thread().ident


class _Blas:
    """The BLAS pools numpy loaded, and the size they run at now."""
    __slots__ = ("controllers", "setters", "limit", "current")

    def __init__(self):
        import threadpoolctl
        self.controllers = threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers
        # OpenBLAS's own setter through ctypes: ~0.3 us, cheap enough per product
        self.setters = [_raw_setter(c) for c in self.controllers]
        counts = [c.num_threads for c in self.controllers if c.num_threads]
        self.limit = max(counts) if counts else _cores()
        self.current = self.limit

    def use(self, n):
        if n != self.current:
            for set_threads in self.setters:
                set_threads(n)
            self.current = n


def _raw_setter(controller):
    find = getattr(controller, "_get_symbol", None)
    symbol = find("openblas_set_num_threads") if find is not None else None
    return symbol if symbol is not None else controller.set_num_threads


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_blas = None


def _pools():
    global _blas
    if _blas is None:
        _blas = _Blas()
    return _blas


def get_num_threads():
    """The number of threads used for intra-op parallelism: the BLAS pool's
    size for large products (small ones run on one thread)."""
    return _pools().limit


def set_num_threads(int):  # noqa: A002  (torch's argument name)
    """Sets the number of threads used for intra-op parallelism on CPU: the
    BLAS pool numpy uses, for products above the size gate (jitgrad's own
    kernels are serial)."""
    if isinstance(int, bool) or not isinstance(int, type(1)):
        raise RuntimeError(messages.set_num_threads_type(type(int).__name__))
    if int <= 0:
        raise RuntimeError(messages.SET_NUM_THREADS_POSITIVE)
    pools = _pools()
    pools.limit = int
    pools.current = None
    pools.use(int)


def _resize(want):
    # only the main thread resizes the shared pool: resizing it while another
    # thread's product runs is not safe in every OpenBLAS
    if threading.get_ident() == _MAIN_THREAD:
        _pools().use(want)


def matmul(a, b):
    """``np.matmul(a, b)`` on as many BLAS threads as its size deserves."""
    sa, sb = a.shape, b.shape
    macs = (sa[-2] if len(sa) > 1 else 1) * sa[-1] * (sb[-1] if len(sb) > 1 else 1)
    if len(sa) > 2 or len(sb) > 2:
        macs *= max(_batch(a), _batch(b))
    blas = _blas
    want = 1 if macs < PARALLEL_MIN_MACS else (blas.limit if blas is not None else 0)
    if blas is None or blas.current != want:
        _resize(_pools().limit if macs >= PARALLEL_MIN_MACS else 1)
    # inf * 0 in a product is nan, silently, as in torch (numpy would warn)
    return quiet_matmul(a, b)


def _batch(x):
    return x.size // (x.shape[-2] * x.shape[-1] or 1) if x.ndim > 2 else 1
