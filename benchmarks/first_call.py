"""First-call latency of compile: how long the first call of a compiled
step takes to return, in a fresh process (one thread). For jitgrad that is
the trace (an eager run that records the graph), code generation and the
Numba compile or cache load; for torch.compile, dynamo, AOTAutograd and
inductor.

    python benchmarks/first_call.py [--json FILE] [--rounds N]

Rows: ``jitgrad.compile`` with an empty ``JITGRAD_CACHE_DIR`` (the op
kernels already cached, as after install), ``jitgrad.compile`` in a new
process with that cache warm, and ``torch.compile`` with an empty inductor
cache. The times are taken inside the child process around
``compiled = compile(step); compiled()``, so interpreter start-up and
imports are not counted. Medians over ``--rounds`` processes.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

WORKLOADS = {
    "tutorial-step": """
x, y = T.ones(5), T.zeros(3)
w = T.randn(5, 3, requires_grad=True)
b = T.randn(3, requires_grad=True)
def step():
    w.grad = None
    b.grad = None
    z = T.matmul(x, w) + b
    T.nn.functional.binary_cross_entropy_with_logits(z, y).backward()
""",
    "sigmoid-chain-1e7": """
n = 10_000_000
x, a, b, c = (T.randn(n, requires_grad=True) for _ in range(4))
def step():
    for t in (x, a, b, c):
        t.grad = None
    (T.sigmoid(x * a + b) * c).sum().backward()
""",
}

CHILD = """
import os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
import {lib} as T
if "{lib}" == "torch":
    T.set_num_threads(1)
T.manual_seed(0)
{setup}
step()                     # eager once: op kernels loaded, as in a running program
start = time.perf_counter()
compiled = T.compile(step)
compiled()
print(time.perf_counter() - start)
"""


def run_child(lib, workload, env):
    code = CHILD.format(lib=lib, setup=WORKLOADS[workload])
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(workload, rounds):
    base = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                NUMBA_NUM_THREADS="1")
    rows = {"jitgrad.compile-cold": [], "jitgrad.compile-warm": [], "torch.compile-cold": []}
    for _ in range(rounds):
        cache = tempfile.mkdtemp(prefix="jitgrad-first-call-")
        env = dict(base, JITGRAD_CACHE_DIR=cache)
        rows["jitgrad.compile-cold"].append(run_child("jitgrad", workload, env))
        rows["jitgrad.compile-warm"].append(run_child("jitgrad", workload, env))
        try:
            inductor = tempfile.mkdtemp(prefix="inductor-first-call-")
            rows["torch.compile-cold"].append(run_child(
                "torch", workload, dict(base, TORCHINDUCTOR_CACHE_DIR=inductor)))
        except (subprocess.CalledProcessError, FileNotFoundError):
            pass
    return {lib: statistics.median(times) for lib, times in rows.items() if times}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = {w: measure(w, args.rounds) for w in WORKLOADS}
    for w, r in results.items():
        print(f"first-call-{w}: " + ", ".join(f"{lib} {t:.3f} s" for lib, t in r.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
