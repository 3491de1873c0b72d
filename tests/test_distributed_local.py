"""What jitgrad.distributed, DistributedDataParallel and DistributedSampler
do in one process, without MPI: DistributedSampler's split against
torch's, DDP's bucket assignment against torch's, the autograd hooks DDP
is built on (post-accumulate-grad hooks, queue_callback), and the errors
before init_process_group. (tests/test_distributed.py runs the ranks.)"""
import sys

import pytest

import jitgrad
import jitgrad.distributed as dist
from jitgrad import messages
from jitgrad.nn.parallel import DistributedDataParallel
from jitgrad.nn.parallel.distributed import _compute_bucket_assignment_by_size
from jitgrad.utils.data import DistributedSampler

CASES = [(n, replicas, shuffle, drop_last)
         for n in (0, 1, 5, 10, 11, 23)
         for replicas in (1, 2, 3, 4)
         for shuffle in (False, True)
         for drop_last in (False, True)]


def split(sampler_cls, n, replicas, shuffle, drop_last, seed=0, epoch=0):
    out = []
    for rank in range(replicas):
        s = sampler_cls(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed,
                        drop_last=drop_last)
        s.set_epoch(epoch)
        out.append(list(s))
        assert len(s) == len(out[-1])
    return out


@pytest.mark.parametrize("n,replicas,shuffle,drop_last", CASES)
def test_sampler_split(n, replicas, shuffle, drop_last):
    parts = split(DistributedSampler, n, replicas, shuffle, drop_last)
    sizes = {len(p) for p in parts}
    assert len(sizes) == 1                          # every rank the same number
    got = [i for p in parts for i in p]
    if drop_last:
        assert len(got) == n // replicas * replicas and len(set(got)) == len(got)
    else:
        per = -(-n // replicas)
        assert sizes == {per} and set(got) == set(range(n))   # all, padded by repeats
    if not shuffle:       # interleaved: rank r takes r, r + replicas, ... (wrapping round)
        per = len(parts[0])
        assert parts == [[(r + k * replicas) % n for k in range(per)] for r in range(replicas)]


@pytest.mark.parametrize("n,replicas,shuffle,drop_last", CASES)
def test_sampler_matches_torch(n, replicas, shuffle, drop_last):
    torch_data = pytest.importorskip("torch.utils.data.distributed")
    for seed, epoch in ((0, 0), (5, 3)):
        assert split(DistributedSampler, n, replicas, shuffle, drop_last, seed, epoch) == \
            split(torch_data.DistributedSampler, n, replicas, shuffle, drop_last, seed, epoch)


def test_sampler_epochs_and_padding_by_repetition():
    s = DistributedSampler(range(3), num_replicas=8, rank=7, shuffle=False)
    assert len(s) == 1 and list(s) == [1]          # 0 1 2 0 1 2 0 1: rank 7 gets 1
    ranks = [DistributedSampler(range(100), num_replicas=2, rank=r, seed=1) for r in (0, 1)]
    first = list(ranks[0])
    assert list(ranks[0]) == first                 # same epoch, same order
    for s in ranks:
        s.set_epoch(1)
    assert list(ranks[0]) != first
    assert sorted(list(ranks[0]) + list(ranks[1])) == list(range(100))


def test_sampler_errors():
    with pytest.raises(ValueError,
                       match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match=r"Invalid rank -1"):
        DistributedSampler(range(4), num_replicas=2, rank=-1)
    # without a process group, as torch: the default group is not initialised
    with pytest.raises(ValueError) as err:
        DistributedSampler(range(4))
    assert str(err.value) == messages.DIST_NOT_INITIALIZED


def _tensors(specs):
    return [jitgrad.zeros(n, dtype=dt) for n, dt in specs]


BUCKET_CASES = [
    ([(100, "f"), (200, "d"), (50, "f"), (300, "f")], [400, 1000], None, None),
    ([(100, "f"), (200, "d"), (50, "f"), (300, "f")], [400, 1000], [False, False, True, False],
     None),
    ([(100, "f"), (200, "d"), (50, "f"), (300, "f")], [400, 1000], None, [3, 1, 0, 2]),
    ([(10, "f")] * 7, [40, 80], None, None),
    ([(10, "f")] * 7, [sys.maxsize], None, None),
    ([(1, "d"), (1000, "d"), (3, "d")], [1 << 20, 25 << 20], None, [2, 0, 1]),
]


@pytest.mark.parametrize("specs,limits,sparse,indices", BUCKET_CASES)
def test_bucket_assignment_matches_torch(specs, limits, sparse, indices):
    torch = pytest.importorskip("torch")
    import torch.distributed as tdist
    dtypes = {"f": (jitgrad.float32, torch.float32), "d": (jitgrad.float64, torch.float64)}
    ours = _compute_bucket_assignment_by_size(
        [jitgrad.zeros(n, dtype=dtypes[k][0]) for n, k in specs], limits, sparse, indices)
    theirs = tdist._compute_bucket_assignment_by_size(
        [torch.zeros(n, dtype=dtypes[k][1]) for n, k in specs], limits, sparse or [],
        indices or [])
    assert ours == (theirs[0], list(theirs[1]))


def test_bucket_assignment():
    f, d = jitgrad.float32, jitgrad.float64
    specs = [(100, f), (200, d), (50, f), (300, f)]
    assert _compute_bucket_assignment_by_size(_tensors(specs), [400, 1000]) == \
        ([[0], [1], [2, 3]], [400, 400, 1000])
    assert _compute_bucket_assignment_by_size(_tensors(specs), [400, 1000], None,
                                              [3, 1, 0, 2]) == ([[3], [1], [0, 2]],
                                                                [400, 400, 1000])


# ----------------------------------------------------- the engine's hooks
def _hook_order(lib):
    x = lib.ones(2, requires_grad=True)
    order = []
    handle = x.register_post_accumulate_grad_hook(
        lambda t: order.append(("post", t is x, t.grad.tolist())))
    x.register_hook(lambda g: order.append(("pre", g.tolist())))

    def queue(g):
        lib.autograd.Variable._execution_engine.queue_callback(lambda: order.append("callback"))
    x.register_hook(queue)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    lib.autograd.grad((x * 3).sum(), x)           # no accumulation: no post hook
    handle.remove()
    (x * 3).sum().backward()
    return order


def test_post_accumulate_grad_hook_and_queue_callback():
    assert _hook_order(jitgrad) == [
        ("pre", [3.0, 3.0]), ("post", True, [3.0, 3.0]), "callback",
        ("pre", [2.0, 2.0]), ("post", True, [5.0, 5.0]), "callback",
        ("pre", [3.0, 3.0]), "callback",
        ("pre", [3.0, 3.0]), "callback"]


def test_hooks_as_torch():
    torch = pytest.importorskip("torch")
    assert _hook_order(jitgrad) == _hook_order(torch)


def test_hook_errors():
    with pytest.raises(RuntimeError) as err:
        jitgrad.autograd.Variable._execution_engine.queue_callback(lambda: None)
    assert str(err.value) == "Final callbacks can only be installed during backward pass."
    x = jitgrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered "
                                           "on non-leaf tensors"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        jitgrad.ones(2).register_post_accumulate_grad_hook(lambda t: None)


def test_callbacks_run_once_and_a_failed_backward_drops_them():
    x = jitgrad.ones(3, requires_grad=True)
    calls = []

    def nested(g):
        # a callback queued inside a callback runs too, in the same backward
        jitgrad.autograd.Variable._execution_engine.queue_callback(
            lambda: jitgrad.autograd.Variable._execution_engine.queue_callback(
                lambda: calls.append("inner")))
    x.register_hook(nested)
    x.sum().backward()
    assert calls == ["inner"]

    def boom(g):
        jitgrad.autograd.Variable._execution_engine.queue_callback(lambda: calls.append("x"))
        raise ValueError("hook failed")
    y = jitgrad.ones(3, requires_grad=True)
    y.register_hook(boom)
    with pytest.raises(ValueError):
        y.sum().backward()
    x.sum().backward()
    assert calls == ["inner", "inner"]             # the failed pass's callback is gone


# --------------------------------------------------- before init_process_group
def test_no_process_group():
    assert not dist.is_initialized() and dist.group.WORLD is None
    for fn in (dist.get_rank, dist.get_world_size, dist.barrier,
               lambda: dist.all_reduce(jitgrad.ones(2)),
               lambda: DistributedDataParallel(jitgrad.nn.Linear(2, 2))):
        with pytest.raises(ValueError) as err:
            fn()
        assert str(err.value) == messages.DIST_NOT_INITIALIZED
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()


@pytest.mark.parametrize("backend,label", [("gloo", "Gloo"), ("nccl", "NCCL"),
                                           ("GLOO", "Gloo")])
def test_other_backends_name_mpi(backend, label):
    with pytest.raises(RuntimeError) as err:
        dist.init_process_group(backend)
    assert str(err.value).startswith(f"Distributed package doesn't have {label} built in")
    assert 'has the "mpi" backend only' in str(err.value)
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match="Backend constructor parameter must be string-ish"):
        dist.init_process_group(3)


def test_mpi4py_is_imported_on_first_use_only(monkeypatch):
    assert "mpi4py" not in sys.modules              # import jitgrad does not load it
    assert isinstance(dist.is_available(), bool)
    assert dist.is_gloo_available() is False and dist.is_nccl_available() is False
    # without mpi4py: is_available() is False and init says how to install it
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setattr(dist.distributed_c10d, "_MPI", None)
    assert dist.is_available() is False
    with pytest.raises(RuntimeError) as err:
        dist.init_process_group("mpi")
    assert 'pip install -e ".[distributed]"' in str(err.value)
    assert not dist.is_initialized()


def test_names_as_torch():
    assert repr(dist.ReduceOp.SUM) == "<RedOpType.SUM: 0>" and str(dist.ReduceOp.AVG) == \
        "RedOpType.AVG"
    assert [int(getattr(dist.ReduceOp, n)) for n in ("SUM", "AVG", "PRODUCT", "MIN", "MAX")] == \
        [0, 1, 2, 3, 4]
    assert dist.Backend("MPI") == "mpi" and dist.Backend.GLOO == "gloo"
    assert jitgrad.utils.data.distributed.DistributedSampler is DistributedSampler
    assert jitgrad.nn.parallel.DistributedDataParallel is DistributedDataParallel


def test_ddp_unsupported_options_say_so():
    with pytest.raises(NotImplementedError, match="does not support mixed_precision"):
        DistributedDataParallel(jitgrad.nn.Linear(2, 2), mixed_precision=object())
