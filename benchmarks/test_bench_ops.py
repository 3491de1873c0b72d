"""One op forward + backward on n float32 elements: at n=1 this is pure
dispatch and graph overhead, at n=1000 a little kernel work shows."""
import numpy as np
import pytest

# Hand-written forward + backward given the incoming gradient g (sum has none).
NUMPY_OPS = {
    "add": (2, lambda g, a, b: (a + b, [g, g])[1]),
    "mul": (2, lambda g, a, b: (a * b, [g * b, g * a])[1]),
    "exp": (1, lambda g, a: [g * np.exp(a)]),
    "sum": (1, lambda g, a: (a.sum(), [np.ones_like(a)])[1]),
}

CASES = [pytest.param(op, n, marks=pytest.mark.benchmark(group=f"op-{op}-{n}"), id=f"{op}-{n}")
         for op in NUMPY_OPS for n in (1, 1000)]


@pytest.mark.parametrize("lib", ["jitgrad", "torch", "numpy"])
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
