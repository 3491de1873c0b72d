"""jitgrad.distributed and DistributedDataParallel across processes: the
scripts in tests/mpi/ run under ``mpiexec -n K`` (K = 2, 3), each launch
checking many things at once (a launch costs a few seconds: every rank
imports jitgrad and Numba). Skipped, with the reason, without mpi4py or
an mpiexec (``pip install -e ".[distributed]"`` brings both)."""
import functools
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "mpi")


def _mpiexec():
    # the one installed beside this Python (the mpich wheel's), else PATH's
    sibling = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.path.isfile(sibling) and os.access(sibling, os.X_OK):
        return sibling
    return shutil.which("mpiexec")


MPIEXEC = _mpiexec()
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mpi4py") is None or MPIEXEC is None,
    reason="needs mpi4py and an mpiexec: pip install -e \".[distributed]\"")


@functools.lru_cache(maxsize=None)
def _launcher_args():
    """MPICH's Hydra: start the ranks as local child processes (no ssh)."""
    try:
        version = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return ["-launcher", "fork"] if "HYDRA" in version else []


def _env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    # one thread per rank: the ranks share the machine's cores
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMBA_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def launch(n, *args, timeout=300, **env):
    return subprocess.run([MPIEXEC, *_launcher_args(), "-n", str(n), sys.executable, *args],
                          capture_output=True, text=True, timeout=timeout, env=_env(**env),
                          cwd=SCRIPTS)


def _passed(run, n):
    assert run.returncode == 0, run.stdout + run.stderr
    counts = {int(r): int(c) for r, c in
              re.findall(rf"rank (\d+) of {n}: (\d+) checks passed", run.stdout)}
    assert sorted(counts) == list(range(n)), run.stdout + run.stderr
    assert min(counts.values()) > 200


@pytest.mark.parametrize("ranks", [2, 3])
def test_collectives_and_ddp(ranks):
    """Every collective's values for every op and dtype, async handles, point
    to point, argument errors; DDP's weights equal one process's on the whole
    batch (float64), bit-identical across ranks, with several buckets,
    gradient_as_bucket_view, no_sync, find_unused_parameters, buffers."""
    _passed(launch(ranks, "checks.py"), ranks)


def test_one_process_world_and_env_check():
    """Without mpiexec MPI makes a world of one; WORLD_SIZE=2 in the
    environment contradicts it and init_process_group says so."""
    run = subprocess.run([sys.executable, "checks.py"], capture_output=True, text=True,
                         timeout=300, env=_env(WORLD_SIZE="2"), cwd=SCRIPTS)
    assert "env mismatch refused" in run.stdout, run.stdout + run.stderr
    _passed(run, 1)


def test_a_failing_rank_ends_the_job():
    """Rank 1 raises while rank 0 waits in all_reduce: the job ends (well
    within the timeout) with rank 1's traceback, instead of hanging."""
    run = launch(2, "fail_fast.py", timeout=60)
    assert run.returncode != 0
    assert "[rank1]: RuntimeError: rank 1 fails on purpose" in run.stderr, run.stderr
    assert "aborting the MPI job" in run.stderr
    assert "rank 0 finished" not in run.stdout


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _losses(run):
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith(("epoch", "checksum"))]
    assert len(lines) == 15, run.stdout
    return [line.rsplit(" ", 1) for line in lines]


def test_same_losses_as_torch_gloo():
    """The same DDP program (DistributedSampler, Adam, no_sync, several
    buckets) on 2 ranks: jitgrad over MPI prints torch's losses over gloo."""
    pytest.importorskip("torch")
    ours = _losses(launch(2, "ddp_losses.py", "jitgrad"))
    theirs = _losses(launch(2, "ddp_losses.py", "torch", MASTER_ADDR="127.0.0.1",
                            MASTER_PORT=str(_free_port())))
    assert [label for label, _ in ours] == [label for label, _ in theirs]
    np.testing.assert_allclose([float(v) for _, v in ours], [float(v) for _, v in theirs],
                               rtol=1e-12)


def test_distributed_demo():
    """``mpiexec -n 2 python -m jitgrad.demo --distributed``: rank 0 alone
    prints, the batch of 64 split into 32 per rank."""
    run = launch(2, "-m", "jitgrad.demo", "--distributed", "--skip-tutorial", "--model", "mlp",
                 "--epochs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "data-parallel on 2 ranks" in out and "32 samples per rank and step" in out
    assert len(re.findall(r"^  epoch +\d+/2 ", out, re.M)) == 2      # once: rank 0's
    assert re.search(r"MLP: test accuracy \d+\.\d\d%, 46 steps in", out)
