"""Run the benchmark suite and print a markdown table of medians per group.

    python benchmarks/report.py [--json FILE] [--load FILE] [--first-call] [extra pytest args...]

Ratios are peer / jitgrad (eager or compiled), so > 1 means jitgrad is
faster. ``--first-call`` adds the first-call latency rows of
``benchmarks/first_call.py`` (fresh processes; a few minutes, torch.compile
being slow to compile).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBS = ("jitgrad", "jitgrad.compile", "torch", "torch.compile", "numpy")
# Set on the command line as well as in conftest: pytest plugins may import
# numpy (and so size BLAS's thread pool) before conftest runs.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def run_suite(json_path, extra):
    env = dict(os.environ, **{v: "1" for v in THREAD_VARS})
    cmd = [sys.executable, "-m", "pytest", "benchmarks", "--benchmark-only",
           "--benchmark-group-by=group", "--benchmark-columns=median,iqr,rounds",
           "--benchmark-sort=name", f"--benchmark-json={json_path}", *extra]
    start = time.perf_counter()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    return code, time.perf_counter() - start


def fmt_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(peer, jit):
    return f"{peer / jit:.2f}" if peer and jit else "–"


def table(report, first_call=None):
    medians = defaultdict(dict)
    for b in report["benchmarks"]:
        medians[b["group"]][b["params"]["lib"]] = b["stats"]["median"]
    lines = ["| group | " + " | ".join(LIBS) + " | torch/jitgrad | torch/compiled | "
             "torch.compile/compiled |", "|---|" + "---:|" * (len(LIBS) + 3)]
    for group in sorted(medians):
        m = medians[group]
        cells = [fmt_time(m[lib]) if lib in m else "–" for lib in LIBS]
        jit, comp = m.get("jitgrad"), m.get("jitgrad.compile")
        lines.append(f"| {group} | " + " | ".join(cells) + f" | {fmt_ratio(m.get('torch'), jit)}"
                     f" | {fmt_ratio(m.get('torch'), comp)}"
                     f" | {fmt_ratio(m.get('torch.compile'), comp)} |")
    if first_call:
        lines += ["", "| first call | jitgrad.compile, empty cache | jitgrad.compile, warm cache | "
                  "torch.compile, empty cache |", "|---|---:|---:|---:|"]
        for workload, r in first_call.items():
            lines.append(f"| {workload} | " + " | ".join(
                fmt_time(r[k]) if k in r else "–" for k in
                ("jitgrad.compile-cold", "jitgrad.compile-warm", "torch.compile-cold")) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="keep pytest-benchmark's JSON here (default: a temp file)")
    parser.add_argument("--load", help="only print the table of an existing JSON file")
    parser.add_argument("--first-call", action="store_true",
                        help="also measure first-call latency (benchmarks/first_call.py)")
    args, extra = parser.parse_known_args()

    if args.load:
        path, code, wall = args.load, 0, None
    else:
        path = args.json or os.path.join(tempfile.mkdtemp(), "bench.json")
        code, wall = run_suite(path, extra)
        if not os.path.exists(path):
            sys.exit(code or 1)
    with open(path) as f:
        report = json.load(f)

    print()
    print(f"CPU: {report['machine_info'].get('cpu', {}).get('brand_raw', '?')}; "
          f"Python {report['machine_info'].get('python_version', '?')}; one thread per library")
    print()
    first_call = None
    if args.first_call:
        path_fc = os.path.join(tempfile.mkdtemp(), "first_call.json")
        subprocess.call([sys.executable, os.path.join(ROOT, "benchmarks", "first_call.py"),
                         "--json", path_fc], cwd=ROOT)
        with open(path_fc) as f:
            first_call = json.load(f)
    print(table(report, first_call))
    if wall is not None:
        print(f"\nsuite wall time: {wall:.1f} s")
    sys.exit(code)


if __name__ == "__main__":
    main()
