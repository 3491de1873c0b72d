"""Memory of the commonest training loop, which keeps every step's loss
(``losses.append(loss)``): the resident set size after N steps of an MLP
784-256-128-10 at batch 256 with Adam, jitgrad beside torch, each in a fresh
single-threaded process.

    python benchmarks/memory_losses_kept.py [--steps 10,400,2000]

Without graph freeing each kept loss would keep its step's activations
(about 0.5 MB here) alive.
"""
import argparse
import json
import os
import subprocess
import sys

CHILD = """
import json, os, sys
lib = __import__(sys.argv[1])
checkpoints = [int(s) for s in sys.argv[2].split(",")]

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

lib.manual_seed(0)
nn = lib.nn
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                      nn.Linear(128, 10))
optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
x = lib.randn(256, 784)
y = lib.randint(0, 10, (256,))
losses, out = [], {}
for step in range(1, max(checkpoints) + 1):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    losses.append(loss)
    if step in checkpoints:
        out[step] = round(rss_mb(), 1)
print(json.dumps(out))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="10,400,2000")
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    rows = {}
    for lib in ("jitgrad", "torch"):
        done = subprocess.run([sys.executable, "-c", CHILD, lib, args.steps], env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{lib}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        rows[lib] = json.loads(done.stdout.strip().splitlines()[-1])
    steps = args.steps.split(",")
    print("| library | " + " | ".join(f"RSS after {s} steps" for s in steps) + " |")
    print("|---|" + "---:|" * len(steps))
    for lib, values in rows.items():
        print(f"| {lib} | " + " | ".join(f"{values[s]} MB" for s in steps) + " |")


if __name__ == "__main__":
    main()
