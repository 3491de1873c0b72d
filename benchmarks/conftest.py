"""Shared fixtures of the benchmark suite: every group times the same workload
on jitgrad, torch and a hand-written numpy forward+backward (no framework).

All peers run on one thread so the groups compare per-op overhead and kernels,
not how many cores a library grabs.
"""
import os

# Thread pools are sized when numpy/BLAS, torch and Numba are first imported, so
# this must run before them. pytest plugins (pytest-benchmark among them) may
# import numpy before this conftest is loaded, which is why the README's
# benchmark command also sets these variables on the command line.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import importlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

try:
    import torch
except ImportError:
    pass
else:
    torch.set_num_threads(1)



@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """pyproject's addopts set xdist's ``--dist worksteal`` for the tests'
    ``pytest -n auto``; without workers (a benchmark run) there is nothing to
    distribute, and pytest-benchmark would otherwise disable itself."""
    if not config.getoption("numprocesses", None) and config.getoption("dist", "no") != "no":
        config.option.dist = "no"


RTOL = 1e-4
# Summation order differs between BLAS, Numba and numpy, so the absolute slack
# scales with the gradient's magnitude rather than being a fixed epsilon.
ATOL_FRACTION = 1e-5


#: the peers of a workload: eager and compiled jitgrad and torch, and numpy
LIBS = ["jitgrad", "jitgrad.compile", "torch", "torch.compile", "numpy"]
FRAMEWORKS = [lib for lib in LIBS if lib != "numpy"]


@pytest.fixture
def T(lib):
    """The framework module under test, or None for the hand-written numpy peer."""
    if lib.startswith("torch"):
        return pytest.importorskip("torch")
    if lib.startswith("jitgrad"):
        return importlib.import_module("jitgrad")
    return None


@pytest.fixture
def compiled(lib, T):
    """``compiled(step)``: the step itself, or for a ``.compile`` peer the step
    through that library's compile (whole step: forward, backward, update)."""
    def wrap(step):
        if lib.endswith(".compile"):
            return T.compile(step)
        return step
    return wrap


@pytest.fixture
def autograd(T):
    """``make(leaves, forward, gradient=None) -> (step, grads)``: one training
    step on a fresh graph, leaf grads reset to None first as a training loop
    would (so backward allocates instead of accumulating)."""
    def make(leaves, forward, gradient=None):
        def step():
            for t in leaves:
                t.grad = None
            forward().backward(gradient)

        def grads():
            return [t.grad.numpy() for t in leaves]
        return step, grads
    return make


@pytest.fixture
def bench(benchmark, compiled):
    """``run(step, grads, reference=None, rounds=None)``: warm up, check the
    gradients against ``reference`` (numpy's) once, then time ``step`` (through
    compile for the ``.compile`` peers)."""
    def run(step, grads, reference=None, rounds=None, compile_step=True):
        if compile_step:
            step = compiled(step)
        step()  # warm-up: Numba compilation / cache loading stays out of the timings
        step()  # (a compiled step traces on its first call and replays from the second)
        if reference is not None:
            got = grads()
            assert len(got) == len(reference)
            for g, want in zip(got, reference):
                assert g.dtype == want.dtype and g.shape == want.shape
                scale = float(np.abs(want).max()) if want.size else 0.0
                np.testing.assert_allclose(g, want, rtol=RTOL, atol=ATOL_FRACTION * scale)
        if rounds:
            benchmark.pedantic(step, rounds=rounds, iterations=1, warmup_rounds=1)
        else:
            benchmark(step)
    return run


@pytest.fixture
def rng():
    return np.random.default_rng(0)
