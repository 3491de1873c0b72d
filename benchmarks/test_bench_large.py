"""Large tensors, where kernel throughput matters and per-op overhead does not.
Few pedantic rounds keep the suite fast."""
import numpy as np
import pytest
from conftest import LIBS

ROUNDS = 5


def numpy_chain(x):
    s = 1 / (1 + np.exp(-(x * 2 + 1)))
    y = (s * x).sum()  # noqa: F841
    return [s + x * s * (1 - s) * 2]


@pytest.mark.benchmark(group="elementwise-chain-1e7")
@pytest.mark.parametrize("lib", LIBS)
def test_elementwise_chain(lib, T, bench, autograd, rng):
    x = rng.standard_normal(10**7, dtype=np.float32)
    if T is None:
        def step():
            return numpy_chain(x)
        return bench(step, step, rounds=ROUNDS)

    xt = T.tensor(x, requires_grad=True)
    bench(*autograd([xt], lambda: ((xt * 2 + 1).sigmoid() * xt).sum()),
          reference=numpy_chain(x), rounds=ROUNDS)


def numpy_sigmoid_affine(x, a, b, c):
    s = 1 / (1 + np.exp(-(x * a + b)))
    (s * c).sum()
    ds = c * s * (1 - s)
    return [ds * a, ds * x, ds, s]


@pytest.mark.benchmark(group="sigmoid-affine-1e7")
@pytest.mark.parametrize("lib", LIBS)
def test_sigmoid_affine(lib, T, bench, autograd, rng):
    """``(sigmoid(x * a + b) * c).sum()``: four inputs that all want gradients."""
    arrays = [rng.standard_normal(10**7, dtype=np.float32) for _ in range(4)]
    if T is None:
        def step():
            return numpy_sigmoid_affine(*arrays)
        return bench(step, step, rounds=ROUNDS)
    x, a, b, c = leaves = [T.tensor(v, requires_grad=True) for v in arrays]
    bench(*autograd(leaves, lambda: (T.sigmoid(x * a + b) * c).sum()),
          reference=numpy_sigmoid_affine(*arrays), rounds=ROUNDS)


def numpy_matmul(a, b):
    c = a @ b
    c.sum()
    # the general matmul backward (what the frameworks run), not the row-sum shortcut
    g = np.ones_like(c)
    return [g @ b.T, a.T @ g]


@pytest.mark.benchmark(group="matmul-1024")
@pytest.mark.parametrize("lib", LIBS)
def test_matmul(lib, T, bench, autograd, rng):
    a, b = (rng.standard_normal((1024, 1024), dtype=np.float32) for _ in range(2))
    if T is None:
        def step():
            return numpy_matmul(a, b)
        return bench(step, step, rounds=ROUNDS)

    at, bt = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
    bench(*autograd([at, bt], lambda: (at @ bt).sum()),
          reference=numpy_matmul(a, b), rounds=ROUNDS)
