"""jitgrad's own thread pool: the serial kernels of ``jitgrad.kernels`` run
on ranges of large arrays in several threads at once.

How. Every kernel has a twin compiled with ``nogil=True`` (``kernel.nogil``,
kernels/jit.py); the tasks below call the twins, so a Python thread running
one lets the others run, at any thread count (a kernel called directly, on
arrays below the thresholds, holds the GIL: releasing it costs a small call
more than it saves there). ``run(fn, units)`` cuts
``units`` (fixed pieces of the work, e.g. chunks of ``CHUNK`` elements) into
a few tasks, hands them to the pool's threads through one queue and works
on them itself too; each thread takes the next task from a shared counter
until none is left (so a thread that a busy neighbour slows down just takes
fewer), and the call returns when all are done. The pool holds
``get_num_threads() - 1`` threads, started on the first parallel call,
started again in a forked child (``os.register_at_fork``: a DataLoader
worker may run parallel kernels too), and any number of user threads may
call ``run`` at once: each call is a job of its own in the queue.

Why not Numba's ``parallel=True``: its OpenMP layer resets torch's thread
count in the same process and leaves a forked child unable to start
threads, its workqueue layer aborts when two Python threads call parallel
kernels at once, TBB is a dependency of its own, and ``parallel=True``
kernels compile several times slower. A Python thread per core costs a few
microseconds per task, which the size thresholds below keep small next to
the work.

Determinism. The units, and so what each partial result covers, depend
only on the sizes, never on the thread count; reductions compute one
partial per unit and combine them serially in unit order. Elementwise
kernels compute each element alone, so any split gives the same bits. So
every result is the same at 1, 2 or 64 threads (at one thread the same
units run in the calling thread).

The size thresholds (``*_MIN`` below) come from measurements on this
project's 2-core machine (benchmarks/threads.py); below them a call runs
exactly as before, one kernel call in the calling thread.
"""
import itertools
import os
import threading
from queue import SimpleQueue

import numpy as np

# fixed unit of the flat (elementwise) split: tasks start at multiples of it, so
# every task but the last covers whole SIMD blocks, as the single call would
CHUNK = 1 << 15
# tasks per thread: a thread that starts late or is slowed by a busy neighbour
# leaves its share to the others (more tasks cost more handoffs of the GIL)
SPLIT = 2

# Sizes from which each family splits (elements, unless said otherwise), from
# benchmarks/threads.py --thresholds on the project's shared 2-core VM. There,
# handing work to another thread costs about 30 us before it starts, plus GIL
# handoffs, and kernels that stream memory (elementwise, pooling, softmax, the
# optimizer updates) gained nothing from a second thread at any size up to 2^24
# (the two cores share what memory bandwidth the VM gets), while products, long
# sums and compute-heavy elementwise kernels gained 1.4-1.9x from about a
# millisecond of work. So the streaming families split only from 2^22 elements
# (where splitting still pays in eager code: the first touch of a large fresh
# output is split with it), the rest from their measured break-even.
ELEMENTWISE_MIN = 1 << 22
REDUCTION_MIN = 1 << 20
REDUCTION_CHUNK = 1 << 16       # the fixed runs of a long contiguous sum
ROWS_MIN = 1 << 22              # softmax, log_softmax, layer_norm
POOL_MIN = 1 << 22              # pooling's input
CONV_MIN = 1 << 21              # convolution's lowered matrix (im2col/im2row and back)
OPTIM_MIN = 1 << 22             # one parameter of an optimizer update
EMBEDDING_MIN = 1 << 22         # the embedding gradient's incoming gradient
# matrix products: from this many multiply-adds, panels of rows of about
# MATMUL_PANEL each (at least PANEL_MIN_ROWS rows)
MATMUL_MIN = 1 << 24
MATMUL_PANEL = 1 << 22
PANEL_MIN_ROWS = 256


class _Job:
    """One parallel call: tasks [bounds[i], bounds[i+1]) of fn, taken in turn."""
    __slots__ = ("fn", "bounds", "count", "next", "pending", "lock", "done", "error")

    def __init__(self, fn, bounds):
        self.fn = fn
        self.bounds = bounds
        self.count = len(bounds) - 1
        self.next = itertools.count().__next__      # atomic under the GIL
        self.pending = self.count
        self.lock = threading.Lock()
        self.done = threading.Lock()
        self.done.acquire()                          # released when the last task ends
        self.error = None

    def work(self):
        fn, bounds, count, nxt = self.fn, self.bounds, self.count, self.next
        ran = 0
        while True:
            i = nxt()
            if i >= count:
                break
            try:
                fn(bounds[i], bounds[i + 1])
            except BaseException as e:      # noqa: B036  (re-raised in the calling thread)
                if self.error is None:
                    self.error = e
            ran += 1
        if ran:
            with self.lock:
                self.pending -= ran
                last = self.pending == 0
            if last:
                self.done.release()


class _Pool:
    __slots__ = ("queue", "threads")

    def __init__(self):
        self.queue = SimpleQueue()
        self.threads = []

    def grow(self, n):
        with _lock:
            while len(self.threads) < n:
                t = threading.Thread(target=_serve, args=(self.queue,), daemon=True,
                                     name=f"jitgrad-kernels-{len(self.threads)}")
                t.start()
                self.threads.append(t)


def _serve(queue):
    while True:
        job = queue.get()
        if job is None:
            return
        job.work()


_lock = threading.Lock()
_pool = None


def _reset_after_fork():
    # the parent's threads do not exist in a forked child: start new ones on demand
    global _pool, _lock
    _lock = threading.Lock()
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def _threads():
    from .threads import get_num_threads
    return get_num_threads()


def run(fn, units):
    """``fn(lo, hi)`` over the units [0, units), as a few tasks on the pool's
    threads and this one; returns when all are done (re-raising a task's
    exception). Tasks split at unit boundaries only, and one thread may get
    all of them in one call (always so at one thread), so ``fn`` must give
    the same result however the units are grouped: per unit, or elementwise."""
    n = _threads()
    if n <= 1 or units <= 1:
        fn(0, units)
        return
    tasks = min(units, n * SPLIT)
    bounds = [units * k // tasks for k in range(tasks + 1)]
    job = _Job(fn, bounds)
    pool = _pool
    helpers = min(n - 1, tasks - 1)
    if pool is None or len(pool.threads) < helpers:
        pool = _start(helpers)
    put = pool.queue.put
    for _ in range(helpers):
        put(job)
    job.work()
    job.done.acquire()
    if job.error is not None:
        raise job.error


def _start(helpers):
    global _pool
    with _lock:
        if _pool is None:
            _pool = _Pool()
        pool = _pool
    pool.grow(helpers)
    return pool


# ------------------------------------------------------------------ flat kernels


def elementwise(kernel, args, n):
    """``kernel(*args)`` where every 1-d array of ``n`` elements in ``args``
    (operands and outputs) is split into the same ranges and anything else
    (scalars, parameters) is passed whole. Returns True if a call returned a
    true value (the integer-division kernels' zero-divisor flag)."""
    kernel = kernel.nogil
    if _threads() <= 1:
        return bool(kernel(*args))
    split = [type(a) is np.ndarray and a.ndim == 1 and a.size == n for a in args]
    flags = []

    def task(lo, hi):
        lo *= CHUNK
        hi = min(hi * CHUNK, n)
        if kernel(*[a[lo:hi] if s else a for a, s in zip(args, split)]):
            flags.append(True)

    run(task, -(-n // CHUNK))
    return bool(flags)


def copy(a):
    """``a.copy()`` (C order), the ranges of a C-contiguous ``a`` copied in
    parallel (numpy lets other threads run while it copies)."""
    if not a.flags.c_contiguous or _threads() <= 1:
        return a.copy()
    out = np.empty(a.shape, a.dtype)
    src, dst = a.reshape(-1), out.reshape(-1)
    n = src.size

    def task(lo, hi):
        lo *= CHUNK
        hi = min(hi * CHUNK, n)
        dst[lo:hi] = src[lo:hi]

    run(task, -(-n // CHUNK))
    return out


# ------------------------------------------------------------------ reductions over
# the middle axis of a flat (A, R, B) array (kernels/reductions.py)


def sum_middle_axis(xf, A, R, B, of, zero):
    """kernels' ``sum_middle_axis`` on the threads. Rows (a) or columns (b)
    are shared out whole, which computes every sum as the single call does;
    a row longer than ``REDUCTION_CHUNK`` (B == 1: a sum over a contiguous
    run, such as a full sum) is summed per run of that length into partials
    of ``zero``'s type, added in order. Which of these runs depends on the
    sizes only."""
    from .kernels import reductions as KR
    C = REDUCTION_CHUNK
    if B == 1 and R > C:
        nr = -(-R // C)
        partials = np.empty(A * nr, type(zero))

        def runs(u0, u1):
            for a in range(u0 // nr, (u1 - 1) // nr + 1):
                j0 = max(u0 - a * nr, 0)
                j1 = min(u1 - a * nr, nr)
                base = a * R
                KR.sum_runs.nogil(xf[base + j0 * C:base + min(j1 * C, R)], C,
                            partials[a * nr + j0:a * nr + j1], zero)

        run(runs, A * nr)
        # numpy's sum of each row of partials (a fixed order for a given nr), silently as
        # the kernel's (inf - inf is nan; past float32's range, inf)
        token = _quiet_state()
        try:
            of[:] = partials.reshape(A, nr).sum(axis=1)
        finally:
            _quiet_reset(token)
        return
    row = R * B
    if B == 1 or A >= 4 or B < 64:
        per = max(1, C // row)

        def rows(u0, u1):
            a0, a1 = u0 * per, min(u1 * per, A)
            KR.sum_middle_axis.nogil(xf[a0 * row:a1 * row], a1 - a0, R, B, of[a0 * B:a1 * B], zero)

        run(rows, -(-A // per))
        return
    per = max(16, -(-(C // (A * R)) // 16) * 16)

    def columns(u0, u1):
        KR.sum_middle_axis_columns.nogil(xf, A, R, B, u0 * per, min(u1 * per, B), of)

    run(columns, -(-B // per))


def repeat_middle_axis(xf, A, R, B, of):
    """kernels' ``repeat_middle_axis`` (of[a, r, b] = xf[a, b]) on the threads:
    rows of a, or runs of r within each row."""
    from .kernels import reductions as KR
    row = R * B
    C = CHUNK
    if A >= 4 or row <= C:
        per = max(1, C // row)

        def rows(u0, u1):
            a0, a1 = u0 * per, min(u1 * per, A)
            KR.repeat_middle_axis.nogil(xf[a0 * B:a1 * B], a1 - a0, R, B, of[a0 * row:a1 * row])

        run(rows, -(-A // per))
        return
    per = max(1, C // B)
    nr = -(-R // per)

    def runs(u0, u1):
        for a in range(u0 // nr, (u1 - 1) // nr + 1):
            r0 = max(u0 - a * nr, 0) * per
            r1 = min(min(u1 - a * nr, nr) * per, R)
            KR.repeat_middle_axis.nogil(xf[a * B:(a + 1) * B], 1, r1 - r0, B,
                                  of[(a * R + r0) * B:(a * R + r1) * B])

    run(runs, A * nr)


def rows(fn, A, row_size, chunk=CHUNK):
    """``fn(a0, a1)`` over rows 0 <= a < A of ``row_size`` elements each,
    about ``chunk`` elements' worth of whole rows per unit: for kernels that
    compute each row alone (softmax over a dim, normalisation, pooling)."""
    per = max(1, chunk // max(row_size, 1))

    def task(u0, u1):
        fn(u0 * per, min(u1 * per, A))

    run(task, -(-A // per))


# ------------------------------------------------------------------ matrix products


def matmul(a, b):
    """``a @ b`` of two 2-d arrays, the same numbers at any thread count: as
    panels of ``panel_rows(...)`` whole output rows (one single-threaded BLAS
    call each, shared out over the threads), or for fewer than two panels'
    rows and many columns the same of ``(b.T @ a.T).T``, else one call. The
    panels depend on the shapes only (BLAS's own threads split a product by
    their count, and its sums with it). Panels of whole rows run about as fast
    as the single call, where square tiles or column panels lose 10-40% to
    BLAS packing its operands once per call."""
    M, K = a.shape
    N = b.shape[1]
    if M < 2 * PANEL_MIN_ROWS and N >= 2 * PANEL_MIN_ROWS:
        return np.ascontiguousarray(matmul(b.T, a.T).T)
    rows = panel_rows(K, N)
    if M < 2 * rows:
        token = _quiet_state()
        try:
            return np.matmul(a, b)
        finally:
            _quiet_reset(token)
    out = np.empty((M, N), np.result_type(a.dtype, b.dtype))

    def panels(u0, u1):
        token = _quiet_state()
        try:
            for u in range(u0, u1):         # one call per panel, however they are grouped
                r0, r1 = u * rows, min(u * rows + rows, M)
                np.matmul(a[r0:r1], b, out=out[r0:r1])
        finally:
            _quiet_reset(token)

    run(panels, -(-M // rows))
    return out


def panel_rows(K, N):
    """Rows per panel of a product with inner size K and N columns: a multiple
    of 64, at least PANEL_MIN_ROWS, and about MATMUL_PANEL multiply-adds."""
    want = MATMUL_PANEL // max(K * N, 1)
    return max(PANEL_MIN_ROWS, -(-want // 64) * 64)


def add_rows(parts):
    """parts[0] + parts[1] + ... in that order (float64 partials of blocks fixed
    by the sizes), silently as a kernel adds (inf - inf is nan)."""
    token = _quiet_state()
    try:
        total = parts[0].copy()
        for u in range(1, parts.shape[0]):
            total += parts[u]
    finally:
        _quiet_reset(token)
    return total


def cast_into(dst, src):
    """``dst[...] = src`` rounded to dst's dtype silently (past float32's range: inf)."""
    token = _quiet_state()
    try:
        dst[...] = src
    finally:
        _quiet_reset(token)


def add_partials(parts, out):
    """``out[0] = parts.sum()`` (float64 partials in a fixed order), silently."""
    token = _quiet_state()
    try:
        out[0] = parts.sum()
    finally:
        _quiet_reset(token)


def _quiet_state():
    # numpy's floating-point warning state is per thread: off in the tile's thread too
    # (inf * 0 in a product is nan, silently, as in torch)
    if _extobj is None:
        state = np.seterr(all="ignore")
        return state
    return _extobj.set(_SILENT)


def _quiet_reset(token):
    if _extobj is None:
        np.seterr(**token)
    else:
        _extobj.reset(token)


try:
    from numpy._core._ufunc_config import _extobj_contextvar as _extobj
except ImportError:                     # numpy 1.x
    _extobj = None
if _extobj is not None:
    with np.errstate(all="ignore"):
        _SILENT = _extobj.get()


def batched_matmul(a, b):
    """``np.matmul(a, b)`` of two stacks with the same batch dims, the
    matrices of the stack shared out over the threads (each one BLAS call,
    as the single batched call makes it)."""
    batch = a.shape[:-2]
    M, N = a.shape[-2], b.shape[-1]
    out = np.empty((*batch, M, N), np.result_type(a.dtype, b.dtype))
    a3 = a.reshape(-1, M, a.shape[-1])
    b3 = b.reshape(-1, b.shape[-2], N)
    o3 = out.reshape(-1, M, N)
    per = max(1, MATMUL_PANEL // max(M * N * a.shape[-1], 1))

    def stacks(u0, u1):
        token = _quiet_state()
        try:
            np.matmul(a3[u0 * per:u1 * per], b3[u0 * per:u1 * per], out=o3[u0 * per:u1 * per])
        finally:
            _quiet_reset(token)

    run(stacks, -(-o3.shape[0] // per))
    return out


# ------------------------------------------------------------------ optimizer updates


def update(kernel, p, args):
    """An optimizer's update kernel (kernels/optim*.py) ``kernel(p, *args)``
    over ranges of the parameter: every array of p's size is split, a 0-d
    state (the step count, Nadam's mu_product) is copied per range, each
    range updating its copy alike, and one of them is written back. Falls
    back to the single call where the arrays don't all match p (the kernel
    then refuses them as it would)."""
    n = p.size
    kernel = kernel.nogil
    if _threads() <= 1:
        return kernel(p, *args)
    kinds = []          # 1: split, 0: 0-d state, None: a scalar passed as it is
    for a in args:
        if type(a) is not np.ndarray:
            kinds.append(None)
        elif a.ndim == 0:
            kinds.append(0)
        elif a.size == n and a.dtype == p.dtype and a.flags.c_contiguous:
            kinds.append(1)
        else:
            return kernel(p, *args)
    pf = p.reshape(-1)
    flat = [a.reshape(-1) if k == 1 else a for a, k in zip(args, kinds)]
    first, refused = [], []

    def task(lo, hi):
        lo *= CHUNK
        hi = min(hi * CHUNK, n)
        mine = [a[lo:hi] if k == 1 else a.copy() if k == 0 else a for a, k in zip(flat, kinds)]
        ok = kernel(pf[lo:hi], *mine)
        if not ok:
            refused.append(True)
        if lo == 0:
            first.append(mine)

    run(task, -(-n // CHUNK))
    for a, mine, k in zip(args, first[0], kinds):
        if k == 0:
            a[()] = mine[()]
    return not refused


def columns(fn, D, rows, chunk=CHUNK):
    """``fn(j0, j1)`` over column blocks 0 <= j < D of a (rows, D) layout,
    about ``chunk`` elements per unit in blocks of 16 columns: for kernels
    whose every column is computed alone (the embedding gradient's scatter)."""
    per = min(D, max(16, chunk // max(rows, 1) // 16 * 16))

    def task(u0, u1):
        fn(u0 * per, min(u1 * per, D))

    run(task, -(-D // per))
