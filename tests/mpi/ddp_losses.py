"""Run by tests/test_distributed.py: the same data-parallel training in
jitgrad (``mpiexec -n 2 python ddp_losses.py jitgrad``, MPI) and in torch
(``... ddp_losses.py torch``, gloo, the ranks from mpiexec's PMI_RANK and
PMI_SIZE, the rendezvous at MASTER_ADDR:MASTER_PORT). Rank 0 prints the
losses (mean over the ranks) and a checksum of the final weights; the test
compares the two runs' lines.
"""
import os
import sys

import numpy as np

if sys.argv[1] == "torch":
    import torch
    import torch.distributed as dist
    dist.init_process_group("gloo", rank=int(os.environ["PMI_RANK"]),
                            world_size=int(os.environ["PMI_SIZE"]))
else:
    import jitgrad as torch
    import jitgrad.distributed as dist
    dist.init_process_group("mpi")
DDP = torch.nn.parallel.DistributedDataParallel

torch.set_default_dtype(torch.float64)
rank, world = dist.get_rank(), dist.get_world_size()
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.standard_normal((100, 1, 8, 8)))
y = torch.from_numpy(rng.integers(0, 10, 100))
dataset = torch.utils.data.TensorDataset(x, y)
sampler = torch.utils.data.distributed.DistributedSampler(dataset, seed=3)
loader = torch.utils.data.DataLoader(dataset, batch_size=8, sampler=sampler)
torch.manual_seed(0)
nn = torch.nn
model = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                      nn.Linear(64, 10))
ddp = DDP(model, bucket_cap_mb=0.05)          # a few buckets once rebuilt
optimizer = torch.optim.Adam(ddp.parameters(), lr=1e-3)
for epoch in range(2):
    sampler.set_epoch(epoch)
    for step, (xb, yb) in enumerate(loader):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(ddp(xb), yb)
        loss.backward()
        optimizer.step()
        mean = loss.detach().reshape(1).clone()
        dist.all_reduce(mean)
        if rank == 0:
            print(f"epoch {epoch} step {step} loss {mean.item() / world!r}")
        if step == 1:
            with ddp.no_sync():                # a local step, then a synced one
                nn.functional.cross_entropy(ddp(xb), yb).backward()
with torch.no_grad():
    total = sum(p.double().sum() * (i + 1) for i, p in enumerate(model.parameters()))
if rank == 0:
    print(f"checksum {total.item()!r}")
dist.destroy_process_group()
