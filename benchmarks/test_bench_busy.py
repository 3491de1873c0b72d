"""Training steps on a busy machine: a background process spins on one core
(as a neighbour's job would) while jitgrad and torch train, each at its
default threading (one thread per core; jitgrad keeps small products on one
thread, see jitgrad/threads.py) and at one thread.

Groups: ``busy-<case>-threads-<default|1>``; an idle run of the same steps is
in ``test_bench_training.py``."""
import multiprocessing
import os
import time

import numpy as np
import pytest

from test_bench_training import CASES, training_step

CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _spin(stop):
    while not stop.is_set():
        pass


@pytest.fixture(scope="module")
def busy_neighbour():
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    proc = ctx.Process(target=_spin, args=(stop,), daemon=True)
    proc.start()
    time.sleep(0.5)
    yield
    stop.set()
    proc.join(timeout=10)


@pytest.fixture
def threads(T, request):
    """Set the library's intra-op threads for one benchmark, then restore one."""
    n = CORES if request.param == "default" else request.param
    T.set_num_threads(n)
    yield request.param
    T.set_num_threads(1)


@pytest.mark.parametrize("threads", ["default", 1], indirect=True)
@pytest.mark.parametrize("lib", ["jitgrad", "torch"])
@pytest.mark.parametrize("case", ["mlp-b64", "cnn-b64"])
def test_training_step_next_to_a_busy_process(case, lib, threads, T, busy_neighbour, benchmark):
    build, shape = CASES[case]
    benchmark.group = f"busy-{case}-threads-{threads}"
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape, dtype=np.float32)
    y = rng.integers(0, 10, shape[0])
    T.manual_seed(0)
    model = build(T)
    optimizer = T.optim.Adam(model.parameters(), lr=1e-3)
    step = training_step(T, model, optimizer, T.tensor(x), T.tensor(y))
    assert np.isfinite(step().item())
    benchmark(step)
