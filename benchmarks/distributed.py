"""``python benchmarks/distributed.py``: jitgrad.distributed (MPI) beside
torch.distributed (gloo) on this machine.

1. all_reduce (SUM, float32) of 1, 10 and 100 MB on 2 ranks: the median
   time of one call and the bandwidth size / time (for 2 ranks the "bus
   bandwidth" of nccl-tests is the same number); for jitgrad also the bare
   ``mpi4py`` ``Allreduce`` on the same buffer, to show jitgrad's wrapper
   costs nothing measurable.
2. DistributedDataParallel on the demo's models (the MLP, and the CNN with
   ``--cnn``), Adam, a global batch of 64 split over the ranks: the median
   time of one training step (forward, backward with the bucketed
   all-reduce, optimizer step) on 1 rank and on 2 ranks, and the speed-up.
   torch runs the same program on gloo.

Every rank runs one thread (OMP_NUM_THREADS=1 and friends), so 2 ranks use
the machine's 2 cores. The script starts itself under ``mpiexec`` for each
measurement (``--worker ...``); torch's ranks find each other through
MASTER_ADDR/MASTER_PORT, with rank and size from mpiexec's PMI variables.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)
SIZES_MB = (1, 10, 100)


def _mpiexec():
    sibling = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return sibling if os.path.isfile(sibling) else "mpiexec"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(n, *args):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMBA_NUM_THREADS="1", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()))
    for k in ("RANK", "WORLD_SIZE"):
        env.pop(k, None)
    run = subprocess.run([_mpiexec(), "-launcher", "fork", "-n", str(n), sys.executable, HERE,
                          "--worker", *args], capture_output=True, text=True, env=env,
                         timeout=1800)
    if run.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{run.stdout}\n{run.stderr}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


# ----------------------------------------------------------------- workers
def _setup(lib_name):
    if lib_name == "torch":
        import torch
        import torch.distributed as dist
        dist.init_process_group("gloo", rank=int(os.environ["PMI_RANK"]),
                                world_size=int(os.environ["PMI_SIZE"]))
    else:
        import jitgrad as torch
        import jitgrad.distributed as dist
        dist.init_process_group("mpi")
    return torch, dist


def _median_time(fn, barrier, reps, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        barrier()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def worker_allreduce(lib_name):
    torch, dist = _setup(lib_name)
    out = {}
    for mb in SIZES_MB:
        n = mb * (1 << 20) // 4
        t = torch.ones(n)
        reps = {1: 40, 10: 15, 100: 7}[mb]
        out[f"{lib_name} {mb}"] = _median_time(lambda: dist.all_reduce(t), dist.barrier, reps)
        if lib_name == "jitgrad":
            from mpi4py import MPI
            comm = MPI.COMM_WORLD
            buf = t.numpy()
            out[f"mpi4py {mb}"] = _median_time(lambda: comm.Allreduce(MPI.IN_PLACE, buf),
                                               comm.Barrier, reps)
    if dist.get_rank() == 0:
        print(json.dumps(out), flush=True)
    dist.destroy_process_group()


def worker_ddp(lib_name, model_name, steps, wrap="ddp"):
    torch, dist = _setup(lib_name)
    from jitgrad import digits_training as training
    world = dist.get_world_size()
    x, y, _, _ = training.digits_for(torch)
    torch.manual_seed(0)
    model = training.build_model(torch, model_name)
    ddp = torch.nn.parallel.DistributedDataParallel(model) if wrap == "ddp" else model
    opt = torch.optim.Adam(ddp.parameters(), lr=training.LEARNING_RATE[model_name])
    per_rank = training.BATCH_SIZE // world
    rank = dist.get_rank()
    batches = [(x[i + rank * per_rank:i + (rank + 1) * per_rank],
                y[i + rank * per_rank:i + (rank + 1) * per_rank])
               for i in range(0, len(x) - training.BATCH_SIZE + 1, training.BATCH_SIZE)]
    state = {"i": 0}

    def step():
        xb, yb = batches[state["i"] % len(batches)]
        state["i"] += 1
        opt.zero_grad()
        torch.nn.functional.cross_entropy(ddp(xb), yb).backward()
        opt.step()

    def chunk():               # 10 steps per timing: a step of the MLP is ~1 ms
        for _ in range(10):
            step()
    seconds = _median_time(chunk, dist.barrier, steps // 10, warmup=3) / 10
    if rank == 0:
        print(json.dumps({"step": seconds}), flush=True)
    dist.destroy_process_group()


# ----------------------------------------------------------------- driver
def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--cnn", action="store_true", help="also the demo's CNN")
    parser.add_argument("--no-torch", action="store_true", help="jitgrad only")
    parser.add_argument("--steps", type=int, default=300, help="timed DDP steps per run")
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "allreduce":
            worker_allreduce(*rest)
        else:
            worker_ddp(rest[0], rest[1], int(rest[2]), *rest[3:])
        return
    libs = ["jitgrad"] + ([] if args.no_torch else ["torch"])
    print("all_reduce, float32, 2 ranks: median time of one call, bandwidth (size / time)")
    times = {}
    for lib in libs:
        times.update(_launch(2, "allreduce", lib)[0])
    print(f"  {'size':>7} " + "".join(f"{name:>24}" for name in
                                      ["jitgrad (MPI)", "mpi4py Allreduce"] +
                                      (["torch (gloo)", "torch/jitgrad time"]
                                       if "torch" in libs else [])))
    for mb in SIZES_MB:
        cells = []
        for key in ("jitgrad", "mpi4py") + (("torch",) if "torch" in libs else ()):
            t = times[f"{key} {mb}"]
            cells.append(f"{t * 1e3:9.2f} ms {mb / t / 1024:6.2f} GB/s")
        if "torch" in libs:
            cells.append(f"{times[f'torch {mb}'] / times[f'jitgrad {mb}']:.2f}x")
        print(f"  {mb:>4} MB " + "".join(f"{c:>24}" for c in cells))
    models = ["mlp"] + (["cnn"] if args.cnn else [])
    print("\nDistributedDataParallel on the demo models: Adam, global batch 64 split over the "
          "ranks;\nmedian time of one training step (samples per second); 'plain': the model "
          "without DDP, one process")
    for model in models:
        for lib in libs:
            plain = _launch(1, "ddp", lib, model, str(args.steps), "plain")[0]["step"]
            one = _launch(1, "ddp", lib, model, str(args.steps))[0]["step"]
            two = _launch(2, "ddp", lib, model, str(args.steps))[0]["step"]
            print(f"  {model.upper()} {lib:8} plain {plain * 1e3:6.3f} ms   1 rank {one * 1e3:6.3f} "
                  f"ms ({64 / one:6.0f}/s)   2 ranks {two * 1e3:6.3f} ms ({64 / two:6.0f}/s)   "
                  f"speed-up {one / two:.2f}x")


if __name__ == "__main__":
    main()
