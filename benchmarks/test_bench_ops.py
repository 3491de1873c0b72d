"""One op forward + backward on n float32 elements: at n=1 this is pure
dispatch and graph overhead, at n=1000 a little kernel work shows."""
import numpy as np
import pytest
from conftest import LIBS


# Hand-written forward + backward given the incoming gradient g (None for sum);
# each forward result is computed, and so timed, though only the grads are returned.
def numpy_add(g, a, b):
    a + b
    return [g, g]


def numpy_mul(g, a, b):
    a * b
    return [g * b, g * a]


def numpy_exp(g, a):
    return [g * np.exp(a)]


def numpy_sum(g, a):
    a.sum()
    return [np.ones_like(a)]


NUMPY_OPS = {"add": (2, numpy_add), "mul": (2, numpy_mul), "exp": (1, numpy_exp),
             "sum": (1, numpy_sum)}

CASES = [pytest.param(op, n, marks=pytest.mark.benchmark(group=f"op-{op}-{n}"), id=f"{op}-{n}")
         for op in NUMPY_OPS for n in (1, 1000)]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("op, n", CASES)
def test_op(op, n, lib, T, bench, autograd, rng):
    arity, numpy_op = NUMPY_OPS[op]
    inputs = [rng.standard_normal(n, dtype=np.float32) for _ in range(arity)]
    g = None if op == "sum" else np.ones(n, np.float32)
    if T is None:
        def step():
            return numpy_op(g, *inputs)
        return bench(step, step)

    leaves = [T.tensor(a, requires_grad=True) for a in inputs]
    fn = getattr(T, op)
    # backward(gradient=ones) so the op alone is timed, without a reduction after it
    gradient = None if g is None else T.tensor(g)
    bench(*autograd(leaves, lambda: fn(*leaves), gradient),
          reference=numpy_op(g, *inputs))
