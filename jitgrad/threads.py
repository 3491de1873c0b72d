"""Threads: ``set_num_threads``/``get_num_threads`` as torch has them. The
number is how many threads jitgrad's kernels of large tensors split over
(jitgrad/parallel.py), matrix products included; the default is the size
of numpy's BLAS pool at start-up (through threadpoolctl): one thread per
core, or what ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``/
``MKL_NUM_THREADS`` asked for.

numpy's BLAS itself runs on one thread from jitgrad's first use on.
BLAS's threads split a product by the thread count, and its sums with it
(OpenBLAS's 512^3 float32 product differs in the last bits between one and
two threads), which would make a seeded program print other numbers at
another thread count; and OpenBLAS's threads spin while they wait for each
other, so next to a busy process a small product waited a scheduler slice
for its partner (``benchmarks/blas_threads.py`` measured training steps
2-4x slower on two BLAS threads than on one). So a product of at least
``parallel.MATMUL_MIN`` multiply-adds is cut into panels of rows whose
sizes depend on the shapes only, each one single-threaded BLAS call, and the
panels are shared out over jitgrad's threads; smaller products are one call.
"""
import os

from . import messages
from . import parallel as _parallel
from .quiet import quiet_matmul


class _Blas:
    """The BLAS pools numpy loaded, and the size they run at now."""
    __slots__ = ("controllers", "setters", "limit", "current")

    def __init__(self):
        import threadpoolctl
        self.controllers = threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers
        # OpenBLAS's own setter through ctypes: ~0.3 us, cheap enough per product
        self.setters = [_raw_setter(c) for c in self.controllers]
        counts = [c.num_threads for c in self.controllers if c.num_threads]
        self.limit = max(counts) if counts else _cores()    # jitgrad's thread count
        self.current = self.limit
        self.use(1)

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
    """The number of threads used for intra-op parallelism: jitgrad's kernel
    threads (large tensors' kernels split over them)."""
    return _pools().limit


def set_num_threads(int):  # noqa: A002  (torch's argument name)
    """Sets the number of threads used for intra-op parallelism on CPU:
    jitgrad's kernel threads (its products' BLAS calls run in them, each on
    one BLAS thread)."""
    if isinstance(int, bool) or not isinstance(int, type(1)):
        raise RuntimeError(messages.set_num_threads_type(type(int).__name__))
    if int <= 0:
        raise RuntimeError(messages.SET_NUM_THREADS_POSITIVE)
    pools = _pools()
    pools.limit = int
    pools.current = None
    pools.use(1)            # (see above: BLAS runs inside jitgrad's threads)


def matmul(a, b):
    """``np.matmul(a, b)``, the same numbers at any thread count: BLAS on one
    thread, and a product of at least ``parallel.MATMUL_MIN`` multiply-adds
    as fixed panels of rows (2-d) or batches on jitgrad's threads."""
    sa, sb = a.shape, b.shape
    macs = (sa[-2] if len(sa) > 1 else 1) * sa[-1] * (sb[-1] if len(sb) > 1 else 1)
    if len(sa) > 2 or len(sb) > 2:
        macs *= max(_batch(a), _batch(b))
    if _blas is None:
        _pools()
    if macs >= _parallel.MATMUL_MIN:
        if len(sa) == 2 and len(sb) == 2:
            return _parallel.matmul(a, b)
        if len(sa) > 2 and sa[:-2] == sb[:-2]:
            return _parallel.batched_matmul(a, b)
    # inf * 0 in a product is nan, silently, as in torch (numpy would warn)
    return quiet_matmul(a, b)


def _batch(x):
    return x.size // (x.shape[-2] * x.shape[-1] or 1) if x.ndim > 2 else 1
