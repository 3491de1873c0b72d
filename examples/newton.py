# Newton's method on a scalar function: the first and second derivatives
# both come from autograd.grad, the first with create_graph=True.
import jitgrad as torch


def f(x):
    return x ** 4 - 3 * x ** 3 + 2 * x - 1 + torch.exp(-x)


x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
for step in range(8):
    y = f(x)
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    with torch.no_grad():
        x -= g / h
    print(step, x.item(), g.item())

print(f"minimum at x = {x.item():.12f}, f(x) = {f(x).item():.12f}")
