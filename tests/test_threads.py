"""Threads that obey: ``set_num_threads`` sizes jitgrad's kernel threads and
``get_num_threads`` reports it; numpy's BLAS runs on one thread under them
(large products are tiles on jitgrad's threads, see test_threads_parallel).
Grad mode is per thread, concurrent backward passes on separate graphs are
correct, and a fork after threaded work neither hangs nor dies."""
import multiprocessing
import threading

import numpy as np
import pytest
import threadpoolctl

import jitgrad
from jitgrad import parallel, threads


def blas_threads():
    return max(info["num_threads"] for info in threadpoolctl.threadpool_info()
               if info["user_api"] == "blas")


@pytest.fixture
def restore_threads():
    before = jitgrad.get_num_threads()
    yield
    jitgrad.set_num_threads(before)


BIG = 512        # 512^3 = 2^27 multiply-adds: tiles on the threads
SMALL = 64


def test_set_num_threads_sizes_jitgrads_threads_and_blas_runs_on_one(restore_threads):
    jitgrad.set_num_threads(1)
    assert jitgrad.get_num_threads() == 1
    big = jitgrad.randn(BIG, BIG)
    big @ big
    assert blas_threads() == 1
    jitgrad.set_num_threads(2)
    assert jitgrad.get_num_threads() == 2
    assert blas_threads() == 1, "BLAS's own threads would make products depend on the count"
    big @ big
    assert blas_threads() == 1
    assert SMALL ** 3 < parallel.MATMUL_MIN <= BIG ** 3


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)),
                                    ((2, 3, 4), (4, 5)), ((4,), (2, 4, 3)), ((2, 1, 3, 4), (5, 4, 2))])
def test_gated_matmul_is_numpys(shapes):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(s) for s in shapes)
    np.testing.assert_array_equal(threads.matmul(a, b), np.matmul(a, b))


@pytest.mark.parametrize("bad, message", [(0, "set_num_threads expects a positive integer"),
                                          (2.0, "set_num_threads expects an int, but got float")])
def test_set_num_threads_refuses_what_torch_refuses(bad, message):
    with pytest.raises(RuntimeError, match=message):
        jitgrad.set_num_threads(bad)


def test_grad_mode_is_per_thread():
    seen = {}

    def worker():
        with jitgrad.no_grad():
            seen["inside"] = jitgrad.is_grad_enabled()
            barrier.wait()          # the main thread looks while this one is in no_grad
            barrier.wait()

    barrier = threading.Barrier(2)
    t = threading.Thread(target=worker)
    t.start()
    barrier.wait()
    seen["main"] = jitgrad.is_grad_enabled()
    x = jitgrad.ones(2, requires_grad=True)
    seen["records"] = (x * 2).requires_grad
    barrier.wait()
    t.join()
    assert seen == {"inside": False, "main": True, "records": True}


def _graph(seed):
    g = jitgrad.Generator().manual_seed(seed)
    w1 = jitgrad.randn(32, 16, generator=g, requires_grad=True)
    w2 = jitgrad.randn(16, 4, generator=g, requires_grad=True)
    x = jitgrad.randn(8, 32, generator=g)
    return (w1, w2), lambda: ((x @ w1).tanh() @ w2).log_softmax(1).sum() * 0.5


def test_four_threads_run_backward_on_separate_graphs():
    expected = {}
    for seed in range(4):
        leaves, loss = _graph(seed)
        loss().backward()
        expected[seed] = [t.grad.numpy().copy() for t in leaves]
    got, errors = {}, []

    def worker(seed):
        try:
            leaves, loss = _graph(seed)
            for _ in range(50):
                for t in leaves:
                    t.grad = None
                loss().backward()
            got[seed] = [t.grad.numpy() for t in leaves]
        except Exception as e:          # reported below: a thread's exception is lost otherwise
            errors.append(e)

    pool = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors
    for seed in range(4):
        for g, e in zip(got[seed], expected[seed]):
            np.testing.assert_array_equal(g, e)


def _train_in_child(queue):
    x = jitgrad.randn(BIG, BIG, requires_grad=True)
    loss = (x @ x).tanh().sum()
    loss.backward()
    loader = jitgrad.utils.data.DataLoader(
        jitgrad.utils.data.TensorDataset(jitgrad.arange(10.0)), batch_size=4, num_workers=2)
    queue.put((float(x.grad.sum()), [b[0].tolist() for b in loader]))


def test_fork_after_threaded_work_neither_hangs_nor_dies(restore_threads):
    jitgrad.set_num_threads(2)
    x = jitgrad.randn(BIG, BIG, requires_grad=True)
    (x @ x).tanh().sum().backward()          # the kernel threads have run
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_train_in_child, args=(queue,))
    child.start()
    result = queue.get(timeout=120)
    child.join(timeout=30)
    assert child.exitcode == 0
    total, batches = result
    assert np.isfinite(total)
    assert batches == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0]]
