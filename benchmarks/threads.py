"""jitgrad's kernel threads (jitgrad/parallel.py): the large workloads on 1
and 2 threads, jitgrad beside torch at the same thread counts, and the size
thresholds from which each kernel family splits.

    python benchmarks/threads.py                 # the workload table
    python benchmarks/threads.py --thresholds    # 1 vs 2 threads per family and size
    python benchmarks/threads.py --busy          # the table next to a process spinning on a core

The machine is shared: every sample also measures how much CPU other
processes used meanwhile (all CPUs' busy time from /proc/stat minus this
process's own), and only samples where the neighbours used less than
``--quiet`` of a core count. Rounds alternate the thread counts until each
cell has ``--samples`` quiet samples (or ``--max-rounds`` is reached: such a
cell is marked with its count of quiet samples, and a cell with none shows
the median of all samples, marked "busy"). A ratio above 1 is a gain: "1t /
2t" is one thread's time over two threads', "torch / jitgrad" torch's time
over jitgrad's at the same count.
"""
import argparse
import multiprocessing
import os
import statistics
import sys
import time

import numpy as np

import jitgrad

try:
    import torch
except ImportError:
    torch = None


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy():
    """(all CPUs' busy seconds, this process's CPU seconds) now."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return None, None
    t = os.times()
    return (sum(v) - v[3] - v[4]) / _TICK, t.user + t.system


def sample(fn, number):
    """(seconds per call of fn, cores the neighbours used meanwhile)."""
    busy0, own0 = _busy()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    wall = time.perf_counter() - start
    busy1, own1 = _busy()
    if busy0 is None:
        return wall / number, 0.0
    return wall / number, max(0.0, (busy1 - busy0) - (own1 - own0)) / wall


# ------------------------------------------------------------------ workloads


def affine_chain(lib, compiled=False):
    """(sigmoid(x * a + b) * c).sum() forward and backward, 1e7 float32 each."""
    rng = np.random.default_rng(0)
    leaves = [lib.tensor(rng.standard_normal(10**7, dtype=np.float32), requires_grad=True)
              for _ in range(4)]
    x, a, b, c = leaves

    def step():
        for t in leaves:
            t.grad = None
        (lib.sigmoid(x * a + b) * c).sum().backward()
    return lib.compile(step) if compiled else step


def row_sums(lib):
    """x.sum(1) of a (2500, 4000) float32 matrix and the full sum, forward and backward."""
    x = lib.tensor(np.random.default_rng(1).standard_normal((2500, 4000), dtype=np.float32),
                   requires_grad=True)

    def step():
        x.grad = None
        (x.sum(1).sum() + x.sum()).backward()
    return step


def log_softmax(lib):
    """log_softmax over the last dim of (2048, 4096) float32, forward and backward."""
    x = lib.tensor(np.random.default_rng(2).standard_normal((2048, 4096), dtype=np.float32),
                   requires_grad=True)
    g = lib.tensor(np.random.default_rng(3).standard_normal((2048, 4096), dtype=np.float32))

    def step():
        x.grad = None
        lib.nn.functional.log_softmax(x, 1).backward(g)
    return step


def cnn_step(lib, batch=64):
    """The demo's CNN (jitgrad/digits_training.py), one Adam step on a batch."""
    from jitgrad.digits_training import build_model
    lib.manual_seed(0)
    model = build_model(lib, "cnn")
    x = lib.randn(batch, 1, 8, 8)
    y = lib.randint(0, 10, (batch,))
    optimizer = lib.optim.Adam(model.parameters())
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def matmul(lib):
    """A 1024 x 1024 float32 product."""
    rng = np.random.default_rng(4)
    a, b = (lib.tensor(rng.standard_normal((1024, 1024), dtype=np.float32)) for _ in range(2))
    return lambda: a @ b


WORKLOADS = [
    ("(sigmoid(x*a+b)*c).sum() fwd+bwd, 1e7", lambda lib: affine_chain(lib), 3),
    ("the same through compile", lambda lib: affine_chain(lib, compiled=True), 3),
    ("x.sum(1) + x.sum() fwd+bwd, 2500x4000", row_sums, 5),
    ("log_softmax(x, 1) fwd+bwd, 2048x4096", log_softmax, 3),
    ("demo CNN Adam step, batch 64", cnn_step, 50),
    ("demo CNN Adam step, batch 256", lambda lib: cnn_step(lib, 256), 15),
    ("matmul 1024x1024 float32", matmul, 10),
]


def set_threads(n):
    jitgrad.set_num_threads(n)
    if torch is not None:
        torch.set_num_threads(n)


class Cell:
    """The samples of one (library, thread count) at one workload."""

    def __init__(self):
        self.all, self.quiet = [], []

    def add(self, t, neighbours, limit):
        self.all.append(t)
        if neighbours < limit:
            self.quiet.append(t)

    @property
    def time(self):
        return statistics.median(self.quiet or self.all)

    def text(self, need):
        mark = "" if len(self.quiet) >= need else \
            (" (busy)" if not self.quiet else f" ({len(self.quiet)} quiet)")
        return f"{self.time * 1e3:.2f} ms{mark}"


def measure(step, counts, number, args):
    """{thread count: Cell}, rounds alternating the counts."""
    cells = {n: Cell() for n in counts}
    for n in counts:
        set_threads(n)
        step()                                  # warm: compiles, first allocations
    for _ in range(args.max_rounds):
        for n in counts:
            set_threads(n)
            cells[n].add(*sample(step, number), args.quiet)
        if all(len(c.quiet) >= args.samples for c in cells.values()):
            break
    return cells


def table(args):
    libs = [("jitgrad", jitgrad)] + ([("torch", torch)] if torch is not None else [])
    for name, make, number in WORKLOADS:
        if args.only and args.only not in name:
            continue
        cells = {}
        for lname, lib in libs:
            if lname == "torch" and "compile" in name:
                continue
            for n, cell in measure(make(lib), (1, 2), number, args).items():
                cells[lname, n] = cell
        print(_row(name, cells, args.samples), flush=True)


def _row(name, cells, need):
    def ratio(a, b):
        return f"{cells[a].time / cells[b].time:.2f}" if a in cells and b in cells else "-"
    texts = [cells[k].text(need) if k in cells else "-"
             for k in (("jitgrad", 1), ("jitgrad", 2), ("torch", 1), ("torch", 2))]
    values = [texts[0], texts[1], ratio(("jitgrad", 1), ("jitgrad", 2)), texts[2], texts[3],
              ratio(("torch", 1), ("torch", 2)), ratio(("torch", 1), ("jitgrad", 1)),
              ratio(("torch", 2), ("jitgrad", 2))]
    return f"| {name} | " + " | ".join(values) + " |"


HEADER = ("| workload | jitgrad 1t | jitgrad 2t | 1t / 2t | torch 1t | torch 2t | torch 1t / 2t "
          "| torch / jitgrad, 1t | torch / jitgrad, 2t |\n|---|" + "---:|" * 8)


# ------------------------------------------------------------------ thresholds


def _families():
    """(family, make(size) -> fn() calling the family's kernel at that size)."""
    import jitgrad.nn.functional as F
    from jitgrad import parallel
    from jitgrad.kernels import elementwise as K
    from jitgrad.ops import pooling

    # (a fresh output per call, as an eager op allocates one: first touching its
    # pages is part of the work, and splits over the threads with it)
    def elementwise(n):
        x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        return lambda: parallel.elementwise(K.sigmoid_forward, (x, np.empty_like(x)), n)

    def binary(n):
        x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        return lambda: parallel.elementwise(K.mul_forward, (x, x, np.empty_like(x)), n)

    def full_sum(n):
        x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        out = np.empty(1, np.float32)
        return lambda: parallel.sum_middle_axis(x, 1, n, 1, out, np.float64(0))

    def softmax(n):
        from jitgrad.kernels import activations as KA
        R = 256
        A = max(n // R, 1)
        x = np.random.default_rng(0).standard_normal(A * R).astype(np.float32)
        out = np.empty_like(x)

        def rows(a0, a1):
            KA.softmax_forward(x[a0 * R:a1 * R], a1 - a0, R, 1, out[a0 * R:a1 * R],
                               np.empty(1, np.float32), np.empty(1, np.float32))
        return lambda: parallel.rows(rows, A, R)

    def pool(n):
        from jitgrad.kernels import pooling as KP
        x = jitgrad.randn(max(n // 64, 1), 1, 8, 8)
        F.max_pool2d(x, 2)
        plan = next(iter(pooling._max_plans.values()))
        xf = x._data.reshape(-1)
        o = np.empty(xf.size // 4, np.float32)
        ix = np.empty(xf.size // 4, np.int64)
        args = (plan.taps, plan.cnt, plan.first, plan.full, np.float32(-np.inf))

        def planes(p0, p1):
            KP.max_pool2d_forward(xf[p0 * 64:p1 * 64], p1 - p0, 64, *args, o[p0 * 16:p1 * 16],
                                  ix[p0 * 16:p1 * 16], True)
        return lambda: parallel.rows(planes, xf.size // 64, 64)

    def product(n):
        # a (n / 64, 288) x (288, 64) product (the demo CNN's shape at n / 64 rows),
        # n * 288 multiply-adds
        a = np.random.default_rng(0).standard_normal((max(n // 64, 1), 288)).astype(np.float32)
        b = np.random.default_rng(1).standard_normal((288, 64)).astype(np.float32)
        return lambda: parallel.matmul(a, b)

    def adam(n):
        p = jitgrad.nn.Parameter(jitgrad.randn(n))
        p.grad = jitgrad.randn(n)
        opt = jitgrad.optim.Adam([p])
        from jitgrad.kernels.optim import adam_step
        opt.step()
        s = opt.state[p]
        args = (p.grad._data, s["exp_avg"]._data, s["exp_avg_sq"]._data, p.grad._data,
                s["step"]._data, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False, False)
        return lambda: parallel.update(adam_step, p._data, args)

    return [("elementwise unary (sigmoid)", elementwise, parallel.ELEMENTWISE_MIN),
            ("elementwise binary (mul)", binary, parallel.ELEMENTWISE_MIN),
            ("full sum", full_sum, parallel.REDUCTION_MIN),
            ("softmax rows of 256", softmax, parallel.ROWS_MIN),
            ("max_pool2d 2x2 of 8x8 planes", pool, parallel.POOL_MIN),
            ("product (n/64, 288) x (288, 64): n x 288 MACs", product,
             parallel.MATMUL_MIN // 288),
            ("Adam update", adam, parallel.OPTIM_MIN)]


def thresholds(args):
    sizes = [1 << k for k in range(14, 25, 1)]
    print("| family | threshold | " + " | ".join(f"2^{s.bit_length() - 1}"
                                              for s in sizes) + " |")
    print("|---|---:|" + "---:|" * len(sizes))
    for name, make, current in _families():
        values = []
        for n in sizes:
            # about 0.2 s a sample (the kernels run about a nanosecond an element)
            cells = measure(make(n), (1, 2), max(1, min(20000, (1 << 27) // n)), args)
            quiet = min(len(c.quiet) for c in cells.values())
            mark = "" if quiet >= args.samples else ("*" if quiet else "**")
            values.append(f"{cells[1].time / cells[2].time:.2f}{mark}")
        print(f"| {name} | 2^{current.bit_length() - 1} | " + " | ".join(values) + " |",
              flush=True)


def _spin(stop):
    while not stop.is_set():
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thresholds", action="store_true")
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--only", default=None, help="the workloads whose name has this")
    parser.add_argument("--samples", type=int, default=5,
                        help="quiet samples wanted per cell (default 5)")
    parser.add_argument("--max-rounds", type=int, default=15)
    parser.add_argument("--quiet", type=float, default=0.1,
                        help="most cores the neighbours may use in a quiet sample (0.1)")
    args = parser.parse_args()
    if args.busy:
        args.quiet = float("inf")       # the spinning neighbour is the point
    stop = multiprocessing.get_context("spawn").Event()
    neighbour = None
    if args.busy:
        neighbour = multiprocessing.get_context("spawn").Process(target=_spin, args=(stop,))
        neighbour.start()
        time.sleep(0.5)
    try:
        print(f"# {'next to a busy process, ' if args.busy else ''}"
              f"jitgrad {jitgrad.__version__ if hasattr(jitgrad, '__version__') else ''}"
              f"{', torch ' + torch.__version__ if torch is not None else ', no torch'}; "
              f"load average at start {open('/proc/loadavg').read().split()[:3]}",
              file=sys.stderr)
        if args.thresholds:
            print("2-thread speedup (1 thread's time / 2 threads') per family and size "
                  "(elements; MACs for the product); * fewer quiet samples than asked, "
                  "** none:")
            thresholds(args)
        else:
            print(HEADER)
            table(args)
        print(f"# load average at end {open('/proc/loadavg').read().split()[:3]}",
              file=sys.stderr)
    finally:
        if neighbour is not None:
            stop.set()
            neighbour.join()


if __name__ == "__main__":
    main()
