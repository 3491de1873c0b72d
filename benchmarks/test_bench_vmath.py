"""The vectorised transcendental kernels (kernels/vmath.py) on 1e6 float32
elements: the jitgrad op under no_grad beside numpy's ufunc and torch, each
allocating its output as a user's call would. One group per function; the
result is checked against numpy's once before timing."""
import numpy as np
import pytest
from conftest import LIBS

N = 10**6


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(np.float32(0), x)


# name -> (input domain, numpy, framework op as fn(T, x))
FUNCTIONS = {
    "exp": ("normal", np.exp, lambda T, x: x.exp()),
    "expm1": ("normal", np.expm1, lambda T, x: x.expm1()),
    "log": ("positive", np.log, lambda T, x: x.log()),
    "log1p": ("positive", np.log1p, lambda T, x: x.log1p()),
    "sin": ("normal", np.sin, lambda T, x: x.sin()),
    "cos": ("normal", np.cos, lambda T, x: x.cos()),
    "tanh": ("normal", np.tanh, lambda T, x: x.tanh()),
    "sigmoid": ("normal", _sigmoid, lambda T, x: x.sigmoid()),
    "softplus": ("normal", _softplus, lambda T, x: T.nn.functional.softplus(x)),
}

CASES = [pytest.param(name, marks=pytest.mark.benchmark(group=f"vmath-{name}"), id=name)
         for name in FUNCTIONS]


def inputs(domain, rng):
    if domain == "positive":
        return rng.uniform(0.01, 100.0, N).astype(np.float32)
    return rng.standard_normal(N, dtype=np.float32) * np.float32(3)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("name", CASES)
def test_vmath(name, lib, T, bench, rng, compiled):
    domain, numpy_fn, op = FUNCTIONS[name]
    x = inputs(domain, rng)
    reference = numpy_fn(x)
    if T is None:
        def step():
            return [numpy_fn(x)]
        return bench(step, step)

    xt = T.from_numpy(x)
    compute = compiled(lambda: op(T, xt))      # the op alone, so compile can't drop it
    out = []

    def step():
        with T.no_grad():
            out[:] = [compute()]

    def results():
        return [out[0].numpy()]
    bench(step, results, reference=[reference], compile_step=False)
