"""Per-op cost on a long graph: a chain of 100 small ops,
``h = (h * a + 0.5).tanh() * 0.9`` 25 times, forward and backward, on 1 and
100 float32 elements. One-op graphs flatter jitgrad (torch's ``backward()``
has a large fixed cost); this group shows the cost of each op."""
import numpy as np
import pytest
from conftest import FRAMEWORKS

OPS_PER_STEP = 100


@pytest.mark.parametrize("lib", FRAMEWORKS)
@pytest.mark.parametrize("n", [1, 100])
def test_chain_of_100_ops(n, lib, T, benchmark, compiled):
    benchmark.group = f"chain-100-ops-{n}"
    rng = np.random.default_rng(0)
    x = T.tensor(rng.standard_normal(n, dtype=np.float32), requires_grad=True)
    a = T.tensor(rng.standard_normal(n, dtype=np.float32))

    def step():
        x.grad = None
        h = x
        for _ in range(OPS_PER_STEP // 4):
            h = (h * a + 0.5).tanh() * 0.9
        h.sum().backward()

    step = compiled(step)
    step()
    step()
    assert np.isfinite(x.grad.numpy()).all()
    benchmark(step)
