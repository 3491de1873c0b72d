# Fit y = sin(x) on 2000 points with a cubic polynomial a + b x + c x^2 + d x^3,
# gradients by autograd, parameters updated by hand under no_grad
# (PyTorch's "Learning PyTorch with Examples", the autograd version).
import math

import numpy as np

import jitgrad as torch

dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# start from fixed values (not randn) so that every library prints the same numbers
init = np.random.default_rng(0).standard_normal(4).astype(np.float32)
a, b, c, d = (torch.tensor(v, device=device, dtype=dtype, requires_grad=True) for v in init)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
