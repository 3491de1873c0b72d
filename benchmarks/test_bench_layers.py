"""The pieces behind the training-step numbers, each beside torch: one Adam
step over the 784-256-128-10 MLP's parameters, the demo CNN's layers
forward + backward at batch 64, and a Linear forward at batch 64."""
import numpy as np
import pytest
from conftest import LIBS, FRAMEWORKS

LAYERS = {
    "conv2d-1-32-8x8": (lambda nn: nn.Conv2d(1, 32, 3, padding=1), (64, 1, 8, 8), False),
    "conv2d-32-64-4x4": (lambda nn: nn.Conv2d(32, 64, 3, padding=1), (64, 32, 4, 4), True),
    "maxpool2d-32x8x8": (lambda nn: nn.MaxPool2d(2), (64, 32, 8, 8), True),
    "maxpool2d-64x4x4": (lambda nn: nn.MaxPool2d(2), (64, 64, 4, 4), True),
}


@pytest.mark.parametrize("lib", FRAMEWORKS)
@pytest.mark.parametrize("case", list(LAYERS))
def test_layer_forward_backward(case, lib, T, benchmark, compiled):
    build, shape, input_grad = LAYERS[case]
    benchmark.group = f"layer-{case}-b64"
    T.manual_seed(0)
    layer = build(T.nn)
    x = T.tensor(np.random.default_rng(0).standard_normal(shape, dtype=np.float32))
    x.requires_grad_(input_grad)
    params = list(layer.parameters())

    def step():
        x.grad = None
        for p in params:
            p.grad = None
        layer(x).sum().backward()
    step = compiled(step)
    step()
    step()
    benchmark(step)


@pytest.mark.parametrize("lib", FRAMEWORKS)
def test_adam_step(lib, T, benchmark, compiled):
    benchmark.group = "optim-adam-step-mlp-784-256-128-10"
    T.manual_seed(0)
    nn = T.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    for p in model.parameters():
        p.grad = T.randn(*p.shape) * 1e-2
    optimizer = T.optim.Adam(model.parameters(), lr=1e-3)
    step = compiled(optimizer.step)
    step()
    step()
    benchmark(step)


@pytest.mark.parametrize("lib", LIBS)
def test_linear_forward(lib, T, benchmark, compiled):
    benchmark.group = "linear-784-256-forward-b64"
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784), dtype=np.float32)
    w = rng.standard_normal((256, 784), dtype=np.float32)
    b = rng.standard_normal(256, dtype=np.float32)
    if T is None:
        benchmark(lambda: x @ w.T + b)
        return
    xt, wt, bt = T.tensor(x), T.tensor(w), T.tensor(b)
    np.testing.assert_allclose(T.nn.functional.linear(xt, wt, bt).numpy(), x @ w.T + b,
                               rtol=1e-4, atol=1e-3)
    forward = compiled(lambda: T.nn.functional.linear(xt, wt, bt))
    with T.no_grad():
        forward()
        forward()
        benchmark(forward)
