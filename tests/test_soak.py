"""Soak: 6,000 training steps of the demo's CNN (the demo's data, loader,
model and Adam) with the resident set size flat after warm-up and nothing
left for the garbage collector: every graph is freed by reference counting.

A step's graph holds its activations (tens of kilobytes), so a leak of one
graph, or of anything a tenth its size, per step would move the RSS past
the bound well within the 6,000 steps; the garbage count catches a single
cycle. (It was 20,000 steps: a minute of CI time for no stronger claim.)"""
import gc
import sys

import pytest

import jitgrad
from helpers import rss_bytes
from jitgrad.digits_training import BATCH_SIZE, LEARNING_RATE, build_model, digits_for

STEPS = 6_000
WARM_UP = 1_000
MAX_DRIFT_BYTES = 16 * 2**20



@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_demo_cnn_soak_keeps_memory_flat_and_makes_no_garbage():
    x_train, y_train, _, _ = digits_for(jitgrad)
    jitgrad.manual_seed(0)
    model = build_model(jitgrad, "cnn")
    optimizer = jitgrad.optim.Adam(model.parameters(), lr=LEARNING_RATE["cnn"])
    loss_fn = jitgrad.nn.CrossEntropyLoss()
    loader = jitgrad.utils.data.DataLoader(jitgrad.utils.data.TensorDataset(x_train, y_train),
                                           batch_size=BATCH_SIZE, shuffle=True)
    losses = []

    def train(steps):
        while True:
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                if len(losses) == steps:
                    return

    train(WARM_UP)
    gc.collect()
    before = rss_bytes()
    gc.disable()              # a cycle anywhere would now pile up, and be counted below
    try:
        train(WARM_UP + STEPS)
        garbage = gc.collect()
    finally:
        gc.enable()
    drift = rss_bytes() - before
    assert abs(drift) <= MAX_DRIFT_BYTES, f"RSS moved by {drift / 2**20:.1f} MB over {STEPS} steps"
    assert garbage == 0, f"{garbage} objects were left for the garbage collector"
    assert sum(losses[-200:]) < sum(losses[:200]) / 10, "the model did not train"
