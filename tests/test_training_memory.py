"""Memory stays flat over a long training run: 5,000 steps of an MLP with
Adam on the digits, the resident set size read before and after."""
import gc
import sys

import pytest

import jitgrad as torch
from helpers import rss_bytes
from jitgrad.datasets import load_digits

STEPS = 5000
# the RSS may move by allocator noise (a few MB); a leak of one batch's
# activations (64 x 128 floats, 32 kB) per step would add 160 MB
MAX_GROWTH_BYTES = 16 * 2**20



@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_rss_flat_over_5000_training_steps():
    data = load_digits()
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data.x_train,
                                                                        data.y_train),
                                         batch_size=64, shuffle=True)

    def run(steps):
        done = 0
        while True:
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                done += 1
                if done == steps:
                    return

    losses = []
    run(500)                      # warm-up: kernels loaded, buffers at steady state
    gc.collect()
    before = rss_bytes()
    run(STEPS)
    gc.collect()
    growth = rss_bytes() - before
    assert growth < MAX_GROWTH_BYTES, f"RSS grew by {growth / 2**20:.1f} MB over {STEPS} steps"
    assert sum(losses[-100:]) < sum(losses[:100]), "the model did not train"
