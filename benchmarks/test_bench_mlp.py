"""A 784-256-128-10 ReLU MLP with a binary cross-entropy loss, batch 64."""
import numpy as np
import pytest
from conftest import LIBS

SIZES = (784, 256, 128, 10)
BATCH = 64


def make_data(rng):
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    target = (rng.random((BATCH, SIZES[-1])) < 0.5).astype(np.float32)
    params = []
    for fan_in, fan_out in zip(SIZES, SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)  # torch.nn.Linear's default init
        params += [rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                   rng.uniform(-bound, bound, fan_out).astype(np.float32)]
    return x, target, params


def numpy_step(x, target, params):
    W1, b1, W2, b2, W3, b3 = params
    h1 = np.maximum(x @ W1 + b1, 0)
    h2 = np.maximum(h1 @ W2 + b2, 0)
    z = h2 @ W3 + b3
    loss = np.mean(np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z))))  # noqa: F841
    dz = (1 / (1 + np.exp(-z)) - target) / z.size
    da2 = (dz @ W3.T) * (h2 > 0)
    da1 = (da2 @ W2.T) * (h1 > 0)
    return [x.T @ da1, da1.sum(0), h1.T @ da2, da2.sum(0), h2.T @ dz, dz.sum(0)]


@pytest.mark.benchmark(group="mlp-784-256-128-10-b64")
@pytest.mark.parametrize("lib", LIBS)
def test_mlp(lib, T, bench, autograd, rng):
    x, target, params = make_data(rng)
    if T is None:
        def step():
            return numpy_step(x, target, params)
        return bench(step, step)

    xt, tt = T.tensor(x), T.tensor(target)
    leaves = [T.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2, W3, b3 = leaves
    bce = T.nn.functional.binary_cross_entropy_with_logits

    def forward():
        h1 = T.relu(xt @ W1 + b1)
        h2 = T.relu(h1 @ W2 + b2)
        return bce(h2 @ W3 + b3, tt)
    bench(*autograd(leaves, forward), reference=numpy_step(x, target, params))
