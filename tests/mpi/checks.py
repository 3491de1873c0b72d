"""Run by tests/test_distributed.py under ``mpiexec -n K`` (K = 2, 3) or
alone (a world of one): jitgrad.distributed's collectives for every op and
dtype (sync and async), point to point, object collectives and argument
errors, then DistributedDataParallel against one process on the whole
batch. One launch checks everything (each launch imports jitgrad and Numba
per rank). Every rank prints ``rank R of K: N checks passed``; a failed
check raises, which aborts the job (jitgrad.distributed's excepthook).
"""
import os
import warnings

import numpy as np

import jitgrad as torch
import jitgrad.distributed as dist
from jitgrad.nn.parallel import DistributedDataParallel as DDP

if os.environ.get("WORLD_SIZE") == "2":
    # started alone with WORLD_SIZE=2: the environment disagrees with MPI
    try:
        dist.init_process_group("mpi")
    except RuntimeError as err:
        assert "WORLD_SIZE=2 in the environment" in str(err), err
        print("env mismatch refused")
    else:
        raise AssertionError("WORLD_SIZE=2 accepted in a world of one")
    del os.environ["WORLD_SIZE"]

assert not dist.is_initialized()
try:
    dist.init_process_group("gloo")
except RuntimeError as err:
    assert "doesn't have Gloo built in" in str(err) and '"mpi"' in str(err), err
else:
    raise AssertionError("gloo accepted")
dist.init_process_group("mpi")
R, N = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "mpi"
count = [0]


def check(cond, what):
    if not cond:
        raise AssertionError(f"rank {R}: {what}")
    count[0] += 1


def same(got, expected, what):
    got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
    expected = np.asarray(expected)
    check(got.shape == expected.shape and got.dtype == expected.dtype
          and np.array_equal(got, expected), f"{what}: got {got!r}, expected {expected!r}")


def raises(exc, text, fn, what):
    try:
        fn()
    except exc as err:
        check(text in str(err), f"{what}: message {str(err)!r} lacks {text!r}")
    else:
        check(False, f"{what}: no {exc.__name__}")


def value(rank, dt, shape=(2, 3)):
    """Rank ``rank``'s data: integers (exact in floats), some negative."""
    base = np.arange(int(np.prod(shape))).reshape(shape)
    if dt is np.bool_:
        return (base + rank) % 3 == 0
    return (base * (rank + 1) - rank + 1 - (base % 2) * 3).astype(dt)


def mine(dt, shape=(2, 3)):
    return torch.from_numpy(value(R, dt, shape).copy())


DTYPES = (np.float32, np.float64, np.int32, np.int64, np.bool_)
Op = dist.ReduceOp

# ---------------------------------------------------------------- all_reduce
for dt in DTYPES:
    s = np.stack([value(r, dt) for r in range(N)])
    if dt is np.bool_:
        expected = {Op.SUM: s.any(0), Op.PRODUCT: s.all(0), Op.MIN: s.all(0), Op.MAX: s.any(0),
                    Op.BAND: s.all(0), Op.BOR: s.any(0),
                    Op.BXOR: np.logical_xor.reduce(s, 0)}
    else:
        expected = {Op.SUM: s.sum(0, dtype=dt), Op.PRODUCT: s.prod(0, dtype=dt),
                    Op.MIN: s.min(0), Op.MAX: s.max(0)}
        if np.dtype(dt).kind == "f":
            expected[Op.AVG] = (s.sum(0, dtype=dt) / dt(N)).astype(dt)
        else:
            expected.update({Op.BAND: np.bitwise_and.reduce(s, 0),
                             Op.BOR: np.bitwise_or.reduce(s, 0),
                             Op.BXOR: np.bitwise_xor.reduce(s, 0)})
    for op, exp in expected.items():
        t = mine(dt)
        v = t._version
        dist.all_reduce(t, op=op)
        same(t, exp, f"all_reduce {op} {np.dtype(dt)}")
        check(t._version > v, "all_reduce bumps the version")
        t = mine(dt)
        work = dist.all_reduce(t, op, async_op=True)
        check(work.wait() is True and work.is_completed() and work.is_success(), "work state")
        same(t, exp, f"async all_reduce {op} {np.dtype(dt)}")
        check(work.result()[0] is t and work.get_future().wait()[0] is t, "work.result")
    if np.dtype(dt).kind == "f":
        raises(RuntimeError, "Cannot use ReduceOp.BAND with non-integral dtype",
               lambda: dist.all_reduce(mine(dt), op=Op.BAND), "float BAND")
    elif dt is not np.bool_:
        raises(RuntimeError, "result type Float can't be cast to the desired output type",
               lambda: dist.all_reduce(mine(dt), op=Op.AVG), "integer AVG")

# a strided tensor: reduced through a contiguous copy and written back
base = torch.from_numpy(np.stack([value(R, np.float64, (2, 3))] * 2, 2).copy())
view = base[:, :, 1]
dist.all_reduce(view)
same(base[:, :, 1], np.stack([value(r, np.float64) for r in range(N)]).sum(0), "strided")
same(base[:, :, 0], value(R, np.float64), "strided: the rest untouched")

# ----------------------------------------------------- rooted collectives
for root in range(N):
    t = mine(np.int64)
    dist.broadcast(t, src=root)
    same(t, value(root, np.int64), f"broadcast from {root}")
    t = mine(np.bool_)
    dist.broadcast(t, root, async_op=True).wait()
    same(t, value(root, np.bool_), f"async bool broadcast from {root}")
    for op, red in ((Op.SUM, np.sum), (Op.MAX, np.max), (Op.AVG, np.mean)):
        t = mine(np.float64)
        work = dist.reduce(t, dst=root, op=op, async_op=bool(root % 2))
        if work is not None:
            work.wait()
        if R == root:
            same(t, red(np.stack([value(r, np.float64) for r in range(N)]), 0),
                 f"reduce {op} to {root}")
    t = mine(np.float32)
    gl = [torch.zeros(2, 3) for _ in range(N)] if R == root else None
    dist.gather(t, gl, dst=root)
    if R == root:
        for r in range(N):
            same(gl[r], value(r, np.float32), f"gather to {root}, part {r}")
    out = torch.zeros(2, 3, dtype=torch.int32)
    sl = [torch.from_numpy(value(r, np.int32) * 10) for r in range(N)] if R == root else None
    dist.scatter(out, sl, src=root)
    same(out, value(R, np.int32) * 10, f"scatter from {root}")
raises(ValueError, "Must specify global_rank or group_rank", lambda: dist.broadcast(mine(np.int64)),
       "broadcast without src")
raises(RuntimeError, f"invalid root rank: {N}", lambda: dist.broadcast(mine(np.int64), N),
       "broadcast from a rank outside the world")
if R == 0:
    raises(ValueError, "Argument ``gather_list`` must be specified on destination rank.",
           lambda: dist.gather(mine(np.float32)), "gather without a list")
else:
    raises(ValueError, "must NOT be specified on non-destination ranks",
           lambda: dist.gather(mine(np.float32), [torch.zeros(2, 3)] * N), "gather list elsewhere")

# ---------------------------------------------------------- gathers and scatters
allv = np.stack([value(r, np.float64) for r in range(N)])
out = [torch.zeros(2, 3, dtype=torch.float64) for _ in range(N)]
dist.all_gather(out, mine(np.float64))
for r in range(N):
    same(out[r], value(r, np.float64), f"all_gather part {r}")
out = [torch.zeros(2, 3, dtype=torch.bool) for _ in range(N)]
dist.all_gather(out, mine(np.bool_), async_op=True).wait()
for r in range(N):
    same(out[r], value(r, np.bool_), f"async bool all_gather part {r}")
o = torch.zeros(N, 2, 3, dtype=torch.float64)
dist.all_gather_single(o, mine(np.float64))
same(o, allv, "all_gather_single stacked")
o = torch.zeros(2 * N, 3, dtype=torch.float64)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    dist.all_gather_into_tensor(o, mine(np.float64))
check(any(issubclass(w.category, FutureWarning) and "all_gather_single" in str(w.message)
          for w in caught), "all_gather_into_tensor warns as torch 2.13")
same(o, allv.reshape(2 * N, 3), "all_gather_into_tensor concatenated")
raises(RuntimeError, "invalid output tensor list at index 0",
       lambda: dist.all_gather([torch.zeros(2, 3)] * (N + 1), mine(np.float32)),
       "all_gather list length")
raises(ValueError, "Invalid usage of tensors with different dtypes",
       lambda: dist.all_gather([torch.zeros(2, 3)] * N, mine(np.float64)), "all_gather dtypes")
raises(TypeError, "Expected parameter `tensor` of type jitgrad.Tensor",
       lambda: dist.all_reduce([mine(np.float32)]), "all_reduce of a list")

parts = [torch.from_numpy(value(R, np.int64) + 100 * j) for j in range(N)]
o = torch.zeros(2, 3, dtype=torch.int64)
dist.reduce_scatter(o, parts)
same(o, sum(value(r, np.int64) + 100 * R for r in range(N)), "reduce_scatter")
o = torch.zeros(2, 3, dtype=torch.float64)
big = torch.from_numpy(np.concatenate([value(R, np.float64) * (j + 1) for j in range(N)]))
dist.reduce_scatter_single(o, big, op=Op.AVG, async_op=True).wait()
same(o, allv.mean(0) * (R + 1), "reduce_scatter_single AVG")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    o = torch.zeros(2, 3, dtype=torch.float64)
    dist.reduce_scatter_tensor(o, big, op=Op.MAX)
same(o, allv.max(0) * (R + 1), "reduce_scatter_tensor MAX")
raises(RuntimeError, "invalid input tensor list size, must be world size",
       lambda: dist.reduce_scatter(o, [o] * (N + 1)), "reduce_scatter list")

# ------------------------------------------------------------ point to point
nxt, prv = (R + 1) % N, (R - 1) % N
if N > 1:
    t = torch.zeros(2, 3, dtype=torch.float64)
    if R % 2 == 0:
        dist.send(mine(np.float64), nxt)
        src = dist.recv(t, prv)
    else:
        src = dist.recv(t, prv)
        dist.send(mine(np.float64), nxt)
    check(src == prv, "recv returns the source")
    same(t, value(prv, np.float64), "send/recv ring")
    t = torch.zeros(4, dtype=torch.int32)
    recv = dist.irecv(t)                       # from any source
    send = dist.isend(torch.full((4,), R, dtype=torch.int32), nxt, tag=0)
    recv.wait()
    send.wait()
    same(t, np.full(4, prv, np.int32), "isend/irecv")
    check(recv.source_rank() == prv, "irecv's source_rank")
raises(ValueError, "Invalid destination rank: destination rank should not be the same",
       lambda: dist.send(mine(np.float64), R), "send to self")
raises(ValueError, "Invalid source rank: source rank should not be the same",
       lambda: dist.recv(mine(np.float64), R), "recv from self")
dist.barrier()
check(dist.barrier(async_op=True).wait(), "async barrier")

objs = []
dist.all_gather_object(objs, {"rank": R})
check(objs == [{"rank": r} for r in range(N)], "all_gather_object")
lst = [R, "x"] if R == N - 1 else [None, None]
dist.broadcast_object_list(lst, src=N - 1)
check(lst == [N - 1, "x"], "broadcast_object_list")

# ===================================================================== DDP
torch.set_default_dtype(torch.float64)
G = np.random.default_rng(7)
X = torch.tensor(G.standard_normal((24, 5)))
Y = torch.tensor(G.integers(0, 3, 24))
B = 12 // N * N          # global batch: 12 rows (K divides it), split evenly


def make_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 8),
                               torch.nn.ReLU(), torch.nn.Linear(8, 3))


def local(step, xs=X, ys=Y):
    rows = slice(step * B + R * (B // N), step * B + (R + 1) * (B // N))
    return xs[rows], ys[rows]


def gathered(model):
    """Every rank's flattened parameters (bit-identical across ranks?)."""
    flat = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    out = [torch.zeros(flat.size) for _ in range(N)]
    dist.all_gather(out, torch.from_numpy(flat))
    return [o.numpy() for o in out]


def reference(steps, micro=1, seed=0):
    """One process on the whole batch: the model DDP should reach."""
    model = make_model(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    for step in range(steps):
        opt.zero_grad()
        for m in range(micro):
            rows = slice((step * micro + m) * B, (step * micro + m + 1) * B)
            torch.nn.functional.cross_entropy(model(X[rows]), Y[rows]).backward()
        opt.step()
    return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


for kwargs in ({}, {"bucket_cap_mb": 0.0005}, {"gradient_as_bucket_view": True,
                                                "bucket_cap_mb": 0.0005}):
    model = make_model(seed=R)          # rank-specific: DDP broadcasts rank 0's
    ddp = DDP(model, **kwargs)
    params = gathered(model)
    check(all(np.array_equal(p, params[0]) for p in params), "parameters broadcast at start")
    opt = torch.optim.SGD(ddp.parameters(), lr=0.2, momentum=0.9)
    for step in range(2):
        opt.zero_grad()
        xb, yb = local(step)
        torch.nn.functional.cross_entropy(ddp(xb), yb).backward()
        opt.step()
    ref = reference(2)
    params = gathered(model)
    check(all(np.array_equal(p, params[0]) for p in params), f"{kwargs}: ranks agree bitwise")
    err = np.abs(params[R] - ref).max()
    check(err < 1e-13, f"{kwargs}: DDP vs one process on the whole batch: {err}")
    buckets = ddp.reducer.bucket_indices()
    if kwargs.get("bucket_cap_mb"):
        check(len(buckets) > 1 and sorted(sum(buckets, [])) == list(range(6)),
              f"rebuilt buckets {buckets}")
    if kwargs.get("gradient_as_bucket_view"):
        bufs = [b.buffer for b in ddp.reducer.buckets]
        check(all(any(np.shares_memory(p.grad.numpy(), b) for b in bufs)
                  for p in model.parameters()), "grads are views of the buckets")
check(list(ddp.state_dict())[:2] == ["module.0.weight", "module.0.bias"], "module. prefix")

# jitgrad.compile of a step with DDP: a graph break, so the step runs eagerly and reduces
model = make_model(0)
ddp = DDP(model)
opt = torch.optim.SGD(ddp.parameters(), lr=0.2, momentum=0.9)


def train_step(xb, yb):
    opt.zero_grad()
    torch.nn.functional.cross_entropy(ddp(xb), yb).backward()
    opt.step()


compiled = torch.compile(train_step)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for step in range(2):
        compiled(*local(step))
check(any("DistributedDataParallel" in str(w.message) for w in caught), "compile: graph break")
err = np.abs(np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
             - reference(2)).max()
check(err < 1e-13, f"compiled step with DDP vs one process: {err}")

# no_sync: two micro-batches accumulate locally, the second backward reduces the sum
model = make_model(0)
ddp = DDP(model)
opt = torch.optim.SGD(ddp.parameters(), lr=0.2, momentum=0.9)
opt.zero_grad()
with ddp.no_sync():
    xb, yb = local(0)
    torch.nn.functional.cross_entropy(ddp(xb), yb).backward()
    no_sync_grad = model[0].bias.grad.clone()
xb, yb = local(1)
torch.nn.functional.cross_entropy(ddp(xb), yb).backward()
opt.step()
err = np.abs(np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
             - reference(1, micro=2)).max()
check(err < 1e-13, f"no_sync accumulation: {err}")
out = [torch.zeros(16) for _ in range(N)]
dist.all_gather(out, no_sync_grad)
check(N == 1 or not np.array_equal(out[0].numpy(), out[-1].numpy()),
      "inside no_sync the gradients stay local")


class Branches(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(5, 3)
        self.unused = torch.nn.Linear(5, 3)    # never used
        self.rank0 = torch.nn.Linear(5, 3)     # used on rank 0 only

    def forward(self, x):
        y = self.a(x)
        return y + self.rank0(x) if R == 0 else y


torch.manual_seed(0)
net = Branches()
ddp = DDP(net, find_unused_parameters=True)
xb, yb = local(0)
with warnings.catch_warnings():
    warnings.simplefilter("error")             # no "did not find any unused" warning here
    ddp(xb).square().mean().backward()
check(net.unused.weight.grad is None and net.unused.bias.grad is None,
      "unused everywhere: .grad untouched")
torch.manual_seed(0)
ref = Branches()
xs = [local(0)[0]] if N == 1 else [X[r * (B // N):(r + 1) * (B // N)] for r in range(N)]
total = [0.0, None]
for r, x in enumerate(xs):
    ref.zero_grad()
    y = ref.a(x) + (ref.rank0(x) if r == 0 else 0)
    y.square().mean().backward()
    total[0] = total[0] + ref.a.weight.grad.numpy()
    if r == 0:
        total[1] = ref.rank0.weight.grad.numpy().copy()
check(np.abs(net.a.weight.grad.numpy() - total[0] / N).max() < 1e-15,
      "used everywhere: the average")
check(np.abs(net.rank0.weight.grad.numpy() - total[1] / N).max() < 1e-15,
      "used on rank 0 only: rank 0's gradient over N, on every rank")

# an unused parameter without find_unused_parameters: the next forward says so
torch.manual_seed(0)
ddp = DDP(Branches())
ddp(xb).sum().backward()
raises(RuntimeError, "Expected to have finished reduction in the prior iteration",
       lambda: ddp(xb), "unreduced parameters")


class WithBuffer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(5, 1)
        self.register_buffer("count", torch.zeros(2))
        self.seen = []

    def forward(self, x):
        self.seen.append(self.count.clone())
        self.count.add_(1 + R)                 # rank-specific drift
        return self.lin(x)


m = WithBuffer()
m.count.fill_(10 * R)
ddp = DDP(m)
for _ in range(2):
    ddp(xb).sum().backward()
same(m.seen[0], np.full(2, 0.0), "buffers broadcast from rank 0 at start")
same(m.seen[1], np.full(2, 1.0), "buffers broadcast from rank 0 before each forward")
m = WithBuffer()
m.count.fill_(10 * R)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    ddp = DDP(m, broadcast_buffers=False)
ddp(xb).sum().backward()
same(m.seen[0], np.full(2, 10.0 * R), "broadcast_buffers=False keeps local buffers")

dist.destroy_process_group()
check(not dist.is_initialized(), "destroyed")
print(f"rank {R} of {N}: {count[0]} checks passed", flush=True)
