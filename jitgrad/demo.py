"""``python -m jitgrad.demo``: PyTorch's autograd tutorial, then training on
the built-in 8x8 digits, all on jitgrad.

First every cell of the autograd tutorial (a single-layer network with a
binary cross-entropy loss, grad_fn, backward, no_grad, detach, and a vector
backward with retain_graph=True) with ``import jitgrad as torch``. Then an
MLP and a small CNN trained with Adam on the digits that ship with the
package (1,433 training and 364 test images), one line per epoch and a
summary; ``--compare-torch`` runs the identical program in torch too.

``mpiexec -n 2 python -m jitgrad.demo --distributed`` trains data-parallel
over the ranks that mpiexec starts (jitgrad.distributed on MPI: the model
in DistributedDataParallel, each epoch split by DistributedSampler, the
batch of 64 split over the ranks); rank 0 prints.
"""
import argparse
import sys
import time

import jitgrad as torch

MODELS = ("mlp", "cnn")
EPOCHS = 30


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


def load_torch():
    try:
        import torch as real_torch
    except ImportError:
        return None
    return real_torch


def train_models(models, epochs, seed, compare_torch, compile=False,  # noqa: A002
                 distributed=False):
    # imported here so that the tutorial alone also runs with torch bound to
    # jitgrad's name (tests/test_tutorial.py)
    from jitgrad import digits_training as training
    real_torch = load_torch() if compare_torch else None
    if compare_torch and real_torch is None:
        print("--compare-torch: torch is not installed (pip install torch==2.13.0); "
              "training on jitgrad only")
    summary = []
    for name in models:
        print(f"\nTraining the {name.upper()} on the 8x8 digits: Adam, batch size "
              f"{training.BATCH_SIZE}, {epochs} epochs, seed {seed}")
        if distributed:
            world = torch.distributed.get_world_size()
            print(f"  data-parallel on {world} ranks (DistributedDataParallel over MPI): "
                  f"{training.BATCH_SIZE // world} samples per rank and step")
        print(training.build_model(torch, name))
        result = training.train(torch, name, epochs, seed, distributed=distributed)
        if compile:
            print("  the same training step through jitgrad.compile:")
            result["compiled"] = training.train(torch, name, epochs, seed, compile=True)
        if real_torch is not None:
            print(f"  the same program in torch {real_torch.__version__} "
                  f"({real_torch.get_num_threads()} threads):")
            result["torch"] = training.train(real_torch, name, epochs, seed)
        summary.append(result)
    print("\nSummary")
    for r in summary:
        print(f"  {r['model'].upper()}: test accuracy {100 * r['test_accuracy']:.2f}%, "
              f"{r['steps']} steps in {r['train_time']:.2f} s, "
              f"{r['steady_steps_per_s']:.0f} steps/s after the first epoch")
        if "compiled" in r:
            c = r["compiled"]
            print(f"  {'':{len(r['model'])}}  jitgrad.compile: test accuracy "
                  f"{100 * c['test_accuracy']:.2f}%, {c['steps']} steps in {c['train_time']:.2f} s, "
                  f"{c['steady_steps_per_s']:.0f} steps/s after the first epoch "
                  f"({c['steady_steps_per_s'] / r['steady_steps_per_s']:.2f}x eager)")
        if "torch" in r:
            t = r["torch"]
            print(f"  {'':{len(r['model'])}}  torch: test accuracy {100 * t['test_accuracy']:.2f}%, "
                  f"{t['steps']} steps in {t['train_time']:.2f} s, "
                  f"{t['steady_steps_per_s']:.0f} steps/s after the first epoch")
            print(f"  {'':{len(r['model'])}}  jitgrad/torch speed: "
                  f"{t['train_time'] / r['train_time']:.2f}x in all, "
                  f"{r['steady_steps_per_s'] / t['steady_steps_per_s']:.2f}x after the first epoch")
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m jitgrad.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the tutorial's w, b and x and of the models' "
                             "initial weights and shuffling (default 0)")
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help=f"training epochs per model (default {EPOCHS})")
    parser.add_argument("--model", choices=[*MODELS, "all", "none"], default="all",
                        help="which model to train (default all; none: the tutorial only)")
    parser.add_argument("--compare-torch", action="store_true",
                        help="also train the identical model in torch, when it is installed, "
                             "and print both times and the ratio")
    parser.add_argument("--compile", action="store_true",
                        help="also train each model with its training step through "
                             "jitgrad.compile, and print its speed beside eager's")
    parser.add_argument("--skip-tutorial", action="store_true",
                        help="go straight to training")
    parser.add_argument("--distributed", action="store_true",
                        help="train data-parallel over the ranks of `mpiexec -n N python -m "
                             "jitgrad.demo --distributed` (needs pip install -e "
                             "\".[distributed]\"); rank 0 prints")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.distributed:
        if args.compare_torch or args.compile:
            parser.error("--distributed trains on jitgrad alone: leave out --compare-torch "
                         "and --compile")
        _distributed_main(args, parser)
        return
    _tutorial_and_models(args, args.compare_torch, args.compile)


def _tutorial_and_models(args, compare_torch, compile_steps, distributed=False):
    if not args.skip_tutorial:
        start = time.perf_counter()
        tutorial(args.seed)
        print(f"\n(tutorial ran in {time.perf_counter() - start:.3f} s)")
    models = {"all": MODELS, "none": ()}.get(args.model, (args.model,))
    if models:
        train_models(models, args.epochs, args.seed, compare_torch, compile_steps,
                     distributed=distributed)



def _distributed_main(args, parser):
    import contextlib
    import os

    import jitgrad.distributed as dist
    try:
        dist.init_process_group("mpi")
    except RuntimeError as err:           # no mpi4py: say how to install it
        parser.error(f"--distributed: {err}")
    quiet = dist.get_rank() != 0
    with open(os.devnull, "w") as devnull, \
            contextlib.redirect_stdout(devnull if quiet else sys.stdout):
        _tutorial_and_models(args, False, False, distributed=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
