"""The training step of PyTorch's autograd tutorial: a 5->3 linear layer and a
binary cross-entropy loss. Tiny tensors, so this measures per-op overhead."""
import numpy as np
import pytest
from conftest import LIBS


def numpy_step(x, y, w, b):
    z = x @ w + b
    # the numerically stable form torch uses; the loss is computed (and timed) though unused
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))  # noqa: F841
    dz = (1 / (1 + np.exp(-z)) - y) / z.size
    return [np.outer(x, dz), dz]


@pytest.mark.benchmark(group="tutorial-step")
@pytest.mark.parametrize("lib", LIBS)
def test_tutorial_step(lib, T, bench, autograd, rng):
    x, y = np.ones(5, np.float32), np.zeros(3, np.float32)
    w = rng.standard_normal((5, 3), dtype=np.float32)
    b = rng.standard_normal(3, dtype=np.float32)
    if T is None:
        def step():
            return numpy_step(x, y, w, b)
        return bench(step, step)

    x, y = T.tensor(x), T.tensor(y)
    w, b = T.tensor(w, requires_grad=True), T.tensor(b, requires_grad=True)

    def forward():
        z = T.matmul(x, w) + b
        return T.nn.functional.binary_cross_entropy_with_logits(z, y)
    bench(*autograd([w, b], forward), reference=numpy_step(x.numpy(), y.numpy(),
                                                           w.detach().numpy(), b.detach().numpy()))
