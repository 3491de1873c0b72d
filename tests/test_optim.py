"""Optimizers: hand-computed steps, torch parity over 20 steps from identical
weights (float64 to rounding, float32 to tolerance), state_dict round trip."""
import numpy as np
import pytest

import jitgrad
from jitgrad import nn, optim


def test_sgd_momentum_by_hand():
    p = nn.Parameter(jitgrad.tensor([1.0, 2.0], dtype=jitgrad.float64))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (p * p).sum().backward()          # grad = 2p
        opt.step()
    # step 1: buf = 2p0, p1 = p0 - 0.1*2p0 = 0.8 p0; step 2: buf = 0.9*2p0 + 1.6p0 = 3.4p0
    np.testing.assert_allclose(p.detach().numpy(), [0.8 - 0.34, 1.6 - 0.68])


def test_adam_first_step_is_lr_times_sign():
    p = nn.Parameter(jitgrad.tensor([1.0, -2.0], dtype=jitgrad.float64))
    opt = optim.Adam([p], lr=0.01)
    (p * 3).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [1.0 - 0.01, -2.0 - 0.01], rtol=1e-7)


def test_errors():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.Adam([nn.Parameter(jitgrad.ones(1))], lr=-1)


CONFIGS = {
    "sgd": lambda o, ps: o.SGD(ps, lr=0.05),
    "sgd-momentum": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3),
    "sgd-nesterov": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "sgd-dampening": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3),
    "adam": lambda o, ps: o.Adam(ps, lr=0.01),
    "adam-amsgrad-wd": lambda o, ps: o.Adam(ps, lr=0.01, weight_decay=1e-2, amsgrad=True),
    "adamw": lambda o, ps: o.AdamW(ps, lr=0.01),
}


def train(lib, config, dtype, steps=20):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((16, 5)), dtype=dtype)
    y = lib.tensor(rng.integers(0, 3, 16))
    w1 = lib.nn.Parameter(lib.tensor(rng.standard_normal((5, 8)) * 0.5, dtype=dtype))
    w2 = lib.nn.Parameter(lib.tensor(rng.standard_normal((8, 3)) * 0.5, dtype=dtype))
    opt = CONFIGS[config](lib.optim, [w1, w2])
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy((x @ w1).tanh() @ w2, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), w1.detach().numpy()


@pytest.mark.parametrize("config", list(CONFIGS))
def test_loss_goes_down(config):
    losses, _ = train(jitgrad, config, jitgrad.float64)
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch(config, dtype):
    torch = pytest.importorskip("torch")
    ours = train(jitgrad, config, getattr(jitgrad, dtype))
    theirs = train(torch, config, getattr(torch, dtype))
    tol = 1e-10 if dtype == "float64" else 1e-5
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_state_dict_round_trip():
    def make():
        p = nn.Parameter(jitgrad.tensor([1.0, 2.0], dtype=jitgrad.float64))
        return p, optim.Adam([p], lr=0.1)
    p, opt = make()
    for _ in range(3):
        opt.zero_grad()
        (p ** 2).sum().backward()
        opt.step()
    q, opt2 = make()
    q.data = p.detach().clone()
    opt2.load_state_dict(opt.state_dict())
    for a, o in ((p, opt), (q, opt2)):
        o.zero_grad()
        (a ** 2).sum().backward()
        o.step()
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert opt2.state_dict()["param_groups"][0]["lr"] == 0.1
