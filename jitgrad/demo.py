"""``python -m jitgrad.demo``: PyTorch's autograd tutorial, run on jitgrad.

Every cell of the tutorial (a single-layer network with a binary
cross-entropy loss, grad_fn, backward, no_grad, detach, and a vector
backward with retain_graph=True) with ``import jitgrad as torch``.
"""
import argparse
import time

import jitgrad as torch


def tutorial(seed=0):
    torch.manual_seed(seed)
    x = torch.ones(5)  # input tensor
    y = torch.zeros(3)  # expected output
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")

    loss.backward()
    print(w.grad)
    print(b.grad)

    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)

    z = torch.matmul(x, w) + b
    z_det = z.detach()
    print(z_det.requires_grad)

    x = torch.randn(3, requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    print(x)
    print(y)

    y.backward(torch.ones_like(x), retain_graph=True)
    print(x.grad)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m jitgrad.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of the random w, b and x")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tutorial(args.seed)
    print(f"\n(tutorial ran in {time.perf_counter() - start:.3f} s)")


if __name__ == "__main__":
    main()
