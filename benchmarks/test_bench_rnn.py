"""Recurrent training steps at the sizes a CPU user trains (one layer, batch
32, input 64; hidden 128 over 32 steps and hidden 256 over 64 steps): an
LSTM, a GRU and an Elman RNN, output summed into a loss, backward and an
SGD update, jitgrad beside torch. The step is BLAS-bound: the per-step
product h W_hh^T (and its transpose in backward) and three whole-sequence
products carry nearly all the floating-point work."""
import numpy as np
import pytest

from conftest import FRAMEWORKS

SIZES = {"h128-t32": (128, 32), "h256-t64": (256, 64)}
BATCH, INPUT = 32, 64


@pytest.mark.parametrize("lib", FRAMEWORKS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("cell", ["LSTM", "GRU", "RNN"])
def test_rnn_training_step(cell, size, lib, T, benchmark, compiled):
    hidden, steps = SIZES[size]
    benchmark.group = f"train-step-{cell.lower()}-{size}-b{BATCH}"
    x = T.tensor(np.random.default_rng(0).standard_normal((steps, BATCH, INPUT),
                                                          dtype=np.float32))
    T.manual_seed(0)
    model = getattr(T.nn, cell)(INPUT, hidden)
    optimizer = T.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        output, _ = model(x)
        loss = output.square().mean()
        loss.backward()
        optimizer.step()
        return loss
    step = compiled(step)
    step()
    assert np.isfinite(step().item())       # warm-up (kernel compilation or cache load)
    benchmark(step)
