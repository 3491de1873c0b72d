"""Run by tests/test_distributed.py under ``mpiexec -n 2``: rank 1 raises
while rank 0 waits for it in an all_reduce. jitgrad.distributed's
excepthook prints rank 1's traceback and aborts the MPI job, so rank 0
does not wait forever."""
import time

import jitgrad
import jitgrad.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    time.sleep(0.2)
    raise RuntimeError("rank 1 fails on purpose")
t = jitgrad.ones(3)
dist.all_reduce(t)          # never completes: rank 1 is gone
print("rank 0 finished its all_reduce")
