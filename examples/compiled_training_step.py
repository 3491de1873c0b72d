"""A whole training step through ``torch.compile``: forward, loss, backward
and the optimizer's update, captured once and replayed.

The program is written for torch; with ``import jitgrad as torch`` the step
runs as one generated Numba kernel plus the optimizer's update, and prints
the same losses as eager. ``--time`` adds the steps per second of the eager
and the compiled step.
"""
import sys
import time

import jitgrad as torch
import jitgrad.nn as nn
import jitgrad.nn.functional as F

torch.manual_seed(0)
x = torch.randn(256, 20)
y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()          # a linearly separable pair of classes


def make_step():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def step(xb, yb):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss
    return step


eager_step, compiled_step = make_step(), torch.compile(make_step())
for i in range(1, 31):
    eager_loss = eager_step(x, y)
    compiled_loss = compiled_step(x, y)
    if i % 10 == 0:
        print(f"step {i}: loss {eager_loss.item():.5f} eager, {compiled_loss.item():.5f} compiled")

if "--time" in sys.argv:
    for name, step in (("eager", eager_step), ("compiled", compiled_step)):
        start = time.perf_counter()
        for _ in range(2000):
            step(x, y)
        print(f"{name}: {2000 / (time.perf_counter() - start):.0f} steps/s")
