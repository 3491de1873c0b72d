"""Training steps (zero_grad, forward, cross-entropy, backward, optimizer step)
of the 784-256-128-10 MLP at batch 64 and 512 and of the demo's CNN on 8x8
digit-shaped input at batch 64, jitgrad beside torch (and a hand-written numpy
MLP step with the same Adam update)."""
import numpy as np
import pytest

from test_bench_mlp import SIZES
from conftest import LIBS


def mlp(T):
    nn = T.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def cnn(T):
    from jitgrad.digits_training import build_model
    return build_model(T, "cnn")


def training_step(T, model, optimizer, x, y):
    loss_fn = T.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def numpy_adam_mlp(x, y, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """The MLP step with no framework: forward, softmax cross-entropy,
    backward and torch's Adam update written in numpy."""
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(SIZES, SIZES[1:]):
        bound = np.float32(1 / np.sqrt(fan_in))
        params += [rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                   rng.uniform(-bound, bound, fan_out).astype(np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    onehot = np.eye(10, dtype=np.float32)[y]
    state = {"t": 0}

    def step():
        W1, b1, W2, b2, W3, b3 = params
        h1 = np.maximum(x @ W1 + b1, 0)
        h2 = np.maximum(h1 @ W2 + b2, 0)
        z = h2 @ W3 + b3
        e = np.exp(z - z.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        loss = -np.log(p[np.arange(len(y)), y]).mean()
        dz = (p - onehot) / len(y)
        da2 = (dz @ W3.T) * (h2 > 0)
        da1 = (da2 @ W2.T) * (h1 > 0)
        grads = [x.T @ da1, da1.sum(0), h1.T @ da2, da2.sum(0), h2.T @ dz, dz.sum(0)]
        state["t"] += 1
        t = state["t"]
        step_size = np.float32(lr / (1 - betas[0] ** t))
        bc2 = np.float32(np.sqrt(1 - betas[1] ** t))
        for q, g, mq, vq in zip(params, grads, m, v):
            mq += np.float32(1 - betas[0]) * (g - mq)
            vq *= np.float32(betas[1])
            vq += np.float32(1 - betas[1]) * g * g
            q -= step_size * mq / (np.sqrt(vq) / bc2 + np.float32(eps))
        return loss
    return step


CASES = {"mlp-b64": (mlp, (64, 784)), "mlp-b512": (mlp, (512, 784)),
         "cnn-b64": (cnn, (64, 1, 8, 8))}


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("case", list(CASES))
def test_training_step(case, lib, T, benchmark, compiled):
    build, shape = CASES[case]
    benchmark.group = f"train-step-adam-{case}"
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape, dtype=np.float32)
    y = rng.integers(0, 10, shape[0])
    if T is None:
        if build is not mlp:
            pytest.skip("no hand-written numpy CNN")
        step = numpy_adam_mlp(x, y)
    else:
        T.manual_seed(0)
        model = build(T)
        optimizer = T.optim.Adam(model.parameters(), lr=1e-3)
        step = compiled(training_step(T, model, optimizer, T.tensor(x), T.tensor(y)))
        step()
    first = step().item()           # warm-up (kernel compilation or cache load)
    assert np.isfinite(first)
    benchmark(step)
