"""jitgrad's own kernel threads (jitgrad/parallel.py): large tensors' kernels
run on ``get_num_threads()`` threads with the same numbers as on one (fixed
chunks, partials added in order), small ones stay one plain call; the pool
survives fork(), serves several user threads at once, leaves torch's thread
count alone, and a task's exception reaches the caller."""
import multiprocessing
import subprocess
import sys
import threading

import numpy as np
import pytest

import jitgrad
import jitgrad.nn.functional as F
from jitgrad import parallel

# The tests lower the size thresholds (fixture ``low_thresholds``) to keep the
# tensors small; the ``split_calls`` assertions check the paths were taken.
LOW = 1 << 17
N = LOW + 123               # split, with a ragged last chunk


@pytest.fixture(autouse=True)
def low_thresholds(monkeypatch):
    from jitgrad.autograd import engine
    from jitgrad.compiler import codegen
    from jitgrad.ops import activations, conv, elementwise, parametric, pooling, shapes
    from jitgrad.optim import optimizer
    for name in ("ELEMENTWISE_MIN", "REDUCTION_MIN", "ROWS_MIN", "POOL_MIN", "CONV_MIN",
                 "OPTIM_MIN", "EMBEDDING_MIN"):
        monkeypatch.setattr(parallel, name, LOW)
    monkeypatch.setattr(parallel, "MATMUL_MIN", 1 << 23)
    for module, name in ((elementwise, "_PAR_MIN"), (engine, "_PAR_MIN"),
                         (parametric, "_PAR_MIN"), (shapes, "_PAR_MIN"),
                         (shapes, "_REDUCTION_MIN"), (activations, "_ROWS_MIN"),
                         (pooling, "_PAR_MIN"), (conv, "_PAR_MIN"), (optimizer, "_PAR_MIN")):
        monkeypatch.setattr(module, name, LOW)
    monkeypatch.setattr(codegen, "RANGED_MIN", LOW)
    elementwise._plans.clear()          # (a binary plan knows whether it splits)
    yield
    elementwise._plans.clear()


@pytest.fixture
def restore_threads():
    before = jitgrad.get_num_threads()
    yield
    jitgrad.set_num_threads(before)


@pytest.fixture
def split_calls(monkeypatch):
    """The ``parallel.run`` calls that had more than one unit of work: the set
    of their task functions' qualified names."""
    calls = set()
    real = parallel.run

    def spy(fn, units):
        if units > 1:
            calls.add(fn.__qualname__)
        return real(fn, units)
    monkeypatch.setattr(parallel, "run", spy)
    return calls


def _arrays(out):
    return [np.asarray(v.detach().numpy() if isinstance(v, jitgrad.Tensor) else v) for v in out]


def _at_thread_counts(fn, counts=(1, 2, 3)):
    """fn() at each thread count; asserts the results are identical bit for bit."""
    results = {}
    for n in counts:
        jitgrad.set_num_threads(n)
        results[n] = _arrays(fn())
    first = results[counts[0]]
    for n in counts[1:]:
        assert len(results[n]) == len(first)
        for i, (a, b) in enumerate(zip(first, results[n])):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a, b, equal_nan=True), f"result {i} differs at {n} threads"
    return first


def _elementwise():
    g = jitgrad.Generator().manual_seed(0)
    x = jitgrad.randn(N, generator=g, requires_grad=True)
    y = jitgrad.randn(N, generator=g, requires_grad=True)
    z = ((x * y + 1).sigmoid() * x - y / 2).tanh().exp().log1p()
    w = F.gelu(x) + F.leaky_relu(y, 0.1) + F.softplus(x) + F.elu(y)
    loss = z.sum() + w.mean() + (x > y).sum() + x.abs().max()
    loss.backward()
    return [z, w, loss, x.grad, y.grad]


def test_elementwise_and_activations_are_identical_at_every_thread_count(restore_threads,
                                                                         split_calls):
    z, w, loss, gx, gy = _at_thread_counts(_elementwise)
    assert {"elementwise.<locals>.task", "sum_middle_axis.<locals>.runs",
            "repeat_middle_axis.<locals>.runs"} <= split_calls
    # (the values themselves: a float64 reference of the first chain)
    g = jitgrad.Generator().manual_seed(0)
    xn = jitgrad.randn(N, generator=g).numpy().astype(np.float64)
    yn = jitgrad.randn(N, generator=g).numpy().astype(np.float64)
    ref = np.log1p(np.exp(np.tanh(1 / (1 + np.exp(-(xn * yn + 1))) * xn - yn / 2)))
    np.testing.assert_allclose(z, ref, rtol=2e-5, atol=1e-6)


M = (600, 700)          # more than LOW elements


def _reductions():
    g = jitgrad.Generator().manual_seed(1)
    m = jitgrad.randn(*M, generator=g, requires_grad=True)
    lw = jitgrad.randn(M[1], generator=g, requires_grad=True)
    lb = jitgrad.randn(M[1], generator=g, requires_grad=True)
    m3 = m.reshape(6, 100, M[1])
    outs = [m.sum(), m.mean(), m.sum(0), m.sum(1), m3.sum(1),
            m.mean((0, 1), keepdim=True), F.softmax(m, 1), F.log_softmax(m, 0),
            F.softmax(m3, 1), F.log_softmax(m3, 1), F.layer_norm(m, (M[1],), lw, lb)]
    weights = [1.0 + k for k in range(len(outs))]
    sum((o * wgt).sum() for o, wgt in zip(outs, weights)).backward()
    ints = jitgrad.arange(N).sum()
    return [*outs, m.grad, lw.grad, lb.grad, ints]


def test_reductions_and_softmax_are_identical_at_every_thread_count(restore_threads,
                                                                    split_calls):
    res = _at_thread_counts(_reductions)
    assert {"sum_middle_axis.<locals>.runs", "sum_middle_axis.<locals>.rows",
            "sum_middle_axis.<locals>.columns", "rows.<locals>.task",
            "_layer_norm_backward_rows.<locals>.block"} <= split_calls
    m = jitgrad.randn(*M, generator=jitgrad.Generator().manual_seed(1)).numpy()
    m64 = m.astype(np.float64)
    np.testing.assert_allclose(res[0], m64.sum(), rtol=1e-6)
    np.testing.assert_allclose(res[2], m64.sum(0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(res[3], m64.sum(1), rtol=1e-5, atol=1e-4)
    e = np.exp(m64 - m64.max(1, keepdims=True))
    np.testing.assert_allclose(res[6], e / e.sum(1, keepdims=True), rtol=1e-5, atol=1e-7)
    g = jitgrad.Generator().manual_seed(1)
    jitgrad.randn(*M, generator=g)
    lw, lb = (jitgrad.randn(M[1], generator=g).numpy() for _ in range(2))
    mu, var = m64.mean(1, keepdims=True), m64.var(1, keepdims=True)
    np.testing.assert_allclose(res[10], (m64 - mu) / np.sqrt(var + 1e-5) * lw + lb,
                               rtol=1e-4, atol=1e-4)
    assert res[-1] == N * (N - 1) // 2


def test_a_long_sum_adds_fixed_partials_silently():
    # the partials of a full sum are float64, their sum is cast back silently, as the
    # single kernel's: inf - inf is nan, a float64 total past float32's range is inf
    x = np.ones(N, np.float32)
    x[5], x[N - 5] = np.inf, -np.inf
    with np.errstate(all="raise"):
        assert np.isnan(jitgrad.from_numpy(x).sum().item())
        big = np.full(N, 3e38, np.float32)
        assert jitgrad.from_numpy(big).sum().item() == np.inf


IMG, W = (64, 8, 16, 16), (32, 8, 3, 3)     # the convolution's output: LOW elements


def _conv_pool_embedding():
    g = jitgrad.Generator().manual_seed(2)
    img = jitgrad.randn(*IMG, generator=g, requires_grad=True)
    w = jitgrad.randn(*W, generator=g, requires_grad=True)
    b = jitgrad.randn(W[0], generator=g, requires_grad=True)
    c = F.conv2d(img, w, b, padding=1)          # parallel.POOL_MIN elements
    p = F.max_pool2d(c, 2)
    a = F.avg_pool2d(c, 2)
    cols = F.unfold(img, 3, padding=1)
    folded = F.fold(cols, IMG[2:], 3, padding=1)
    grouped = F.conv2d(img, w.reshape(64, 4, 3, 3)[:, :, :2, :2], groups=2, stride=2)
    emb = jitgrad.randn(1000, 64, generator=g, requires_grad=True)
    idx = jitgrad.randint(0, 1000, (LOW // 64,), generator=g)
    e = F.embedding(idx, emb)
    (p.sum() + a.mean() * 3 + folded.sum() + grouped.sum() + e.pow(2).sum()).backward()
    return [c, p, a, folded, grouped, img.grad, w.grad, b.grad, emb.grad]


def test_conv_pooling_embedding_are_identical_at_every_thread_count(restore_threads,
                                                                    split_calls):
    res = _at_thread_counts(_conv_pool_embedding)
    assert {"rows.<locals>.task", "columns.<locals>.task", "matmul.<locals>.panels",
            "ConvPlan._rows_with_bias.<locals>.block"} <= split_calls
    torch = pytest.importorskip("torch")
    g = jitgrad.Generator().manual_seed(2)
    img = torch.from_numpy(jitgrad.randn(*IMG, generator=g).numpy())
    w = torch.from_numpy(jitgrad.randn(*W, generator=g).numpy())
    b = torch.from_numpy(jitgrad.randn(W[0], generator=g).numpy())
    np.testing.assert_allclose(res[0], torch.nn.functional.conv2d(img, w, b, padding=1).numpy(),
                               rtol=1e-4, atol=1e-4)


def test_matrix_products_are_identical_at_every_thread_count(restore_threads, split_calls):
    def products():
        g = jitgrad.Generator().manual_seed(3)
        a = jitgrad.randn(700, 500, generator=g)
        b = jitgrad.randn(500, 300, generator=g)
        s = jitgrad.randn(4, 300, 400, generator=g)
        t = jitgrad.randn(4, 400, 100, generator=g)
        return [a @ b, b.T @ a.T, s @ t]
    res = _at_thread_counts(products)
    assert {"matmul.<locals>.panels", "batched_matmul.<locals>.stacks"} <= split_calls
    g = jitgrad.Generator().manual_seed(3)
    a, b = jitgrad.randn(700, 500, generator=g).numpy(), jitgrad.randn(500, 300, generator=g).numpy()
    np.testing.assert_allclose(res[0], a.astype(np.float64) @ b, rtol=1e-4, atol=1e-3)


def test_optimizer_updates_are_identical_at_every_thread_count(restore_threads, split_calls):
    def train():
        g = jitgrad.Generator().manual_seed(4)
        outs = []
        for make in (lambda ps: jitgrad.optim.Adam(ps, lr=0.1, amsgrad=True),
                     lambda ps: jitgrad.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                     lambda ps: jitgrad.optim.NAdam(ps, lr=0.1)):
            p = jitgrad.nn.Parameter(jitgrad.randn(N, generator=g))
            opt = make([p])
            for _ in range(3):
                opt.zero_grad()
                (p * p).sum().backward()
                opt.step()
            outs.append(p)
            outs += [v for v in opt.state[p].values() if isinstance(v, jitgrad.Tensor)]
        return outs
    res = _at_thread_counts(train)
    assert "update.<locals>.task" in split_calls
    assert res[1] == 3          # Adam's step counted once per step, not per range


def _compiled_step():
    g = jitgrad.Generator().manual_seed(5)
    leaves = [jitgrad.randn(N, generator=g, requires_grad=True) for _ in range(4)]
    x, a, b, c = leaves

    @jitgrad.compile
    def step():
        for t in leaves:
            t.grad = None
        loss = (jitgrad.sigmoid(x * a + b) * c).sum()
        loss.backward()
        return loss

    losses = [step() for _ in range(2)]
    return [*losses, *(t.grad for t in leaves)]


def test_fused_kernels_run_in_chunks_identically(restore_threads, split_calls):
    res = _at_thread_counts(_compiled_step, counts=(1, 2))
    assert "_Entry.call_ranged.<locals>.chunks" in split_calls, "the fused kernel runs ranged"
    g = jitgrad.Generator().manual_seed(5)
    x, a, b, c = (jitgrad.randn(N, generator=g).numpy().astype(np.float64) for _ in range(4))
    s = 1 / (1 + np.exp(-(x * a + b)))
    np.testing.assert_allclose(res[0], (s * c).sum(), rtol=1e-5)
    np.testing.assert_allclose(res[2], c * s * (1 - s) * a, rtol=1e-4, atol=1e-6)


def _cnn_training(steps=3):
    from jitgrad.digits_training import build_model
    jitgrad.manual_seed(0)
    model = build_model(jitgrad, "cnn")
    opt = jitgrad.optim.Adam(model.parameters(), lr=1e-2)
    x = jitgrad.randn(64, 1, 8, 8)
    y = jitgrad.randint(0, 10, (64,))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return [np.array(losses), *model.parameters()]


def test_a_seeded_training_run_is_identical_at_one_and_two_threads(restore_threads,
                                                                   split_calls):
    _at_thread_counts(_cnn_training, counts=(1, 2))
    assert split_calls, "the demo CNN step must reach the parallel kernels"


def test_small_tensors_take_the_serial_path(restore_threads, split_calls):
    jitgrad.set_num_threads(2)
    x = jitgrad.randn(1000, requires_grad=True)
    m = jitgrad.randn(64, 64, requires_grad=True)
    ((x * 2 + 1).sigmoid().sum() + F.softmax(m, 1).sum() + (m @ m).sum()).backward()
    assert split_calls == set()


def test_kernels_let_other_threads_run():
    # a kernel compiled before nogil=True and loaded from a stale Numba cache would
    # hold the GIL: then the main thread could not count while it runs
    from jitgrad.kernels import elementwise as K
    x = np.random.default_rng(0).standard_normal(1 << 23).astype(np.float32)
    out = np.empty_like(x)
    K.exp_forward(x[:10], out[:10])
    started, done, count = threading.Event(), threading.Event(), 0

    def work():
        started.set()
        K.exp_forward(x, out)           # tens of milliseconds in one call
        done.set()
    t = threading.Thread(target=work)
    t.start()
    started.wait()
    while not done.is_set():
        count += 1
    t.join()
    assert count > 100, ("kernels hold the GIL: clear the Numba cache in kernels/__pycache__ "
                         "(entries compiled before nogil=True)")


def test_several_user_threads_share_the_pool(restore_threads):
    jitgrad.set_num_threads(2)
    expected = {}
    for seed in range(4):
        jitgrad.set_num_threads(1)
        expected[seed] = _arrays(_seeded_work(seed))
    jitgrad.set_num_threads(2)
    got, errors = {}, []

    def worker(seed):
        try:
            for _ in range(3):
                got[seed] = _arrays(_seeded_work(seed))
        except Exception as e:      # reported below
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    for seed in range(4):
        for a, b in zip(expected[seed], got[seed]):
            assert np.array_equal(a, b)


def _seeded_work(seed):
    g = jitgrad.Generator().manual_seed(seed)
    x = jitgrad.randn(N, generator=g, requires_grad=True)
    m = jitgrad.randn(300, 700, generator=g)
    loss = (x.sigmoid() * x).sum() + F.log_softmax(m, 1).sum()
    loss.backward()
    return [loss, x.grad, m @ m.T]


def test_a_tasks_exception_reaches_the_caller_and_the_pool_goes_on(restore_threads):
    jitgrad.set_num_threads(2)

    def task(lo, hi):
        if lo <= 5 < hi:
            raise ValueError("unit 5")
    with pytest.raises(ValueError, match="unit 5"):
        parallel.run(task, 16)
    seen = []
    parallel.run(lambda lo, hi: seen.extend(range(lo, hi)), 16)
    assert sorted(seen) == list(range(16))


class _Parallel(jitgrad.utils.data.Dataset):
    """Items computed with parallel kernels inside the DataLoader's worker."""
    def __len__(self):
        return 4

    def __getitem__(self, i):
        x = jitgrad.full((N,), float(i))
        return (x * 2 + 1).sum()


def _fork_child(queue):
    x = jitgrad.ones(N, requires_grad=True)
    (x * x).sum().backward()
    loader = jitgrad.utils.data.DataLoader(_Parallel(), batch_size=2, num_workers=2)
    queue.put((float(x.grad.sum()), [b.tolist() for b in loader]))


def test_fork_after_parallel_kernels_ran(restore_threads):
    jitgrad.set_num_threads(2)
    x = jitgrad.ones(N, requires_grad=True)
    (x * 3).sum().backward()                  # the pool's threads exist now
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_fork_child, args=(queue,))
    child.start()
    total, batches = queue.get(timeout=120)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert total == 2.0 * N
    assert batches == [[float(N), 3.0 * N], [5.0 * N, 7.0 * N]]


def test_torch_keeps_its_thread_count():
    pytest.importorskip("torch")
    code = ("import torch, jitgrad\n"
            "torch.set_num_threads(1)\n"
            "jitgrad.set_num_threads(2)\n"
            "x = jitgrad.randn(1 << 22, requires_grad=True)\n"
            "(x.sigmoid() * x).sum().backward()\n"
            "m = jitgrad.randn(700, 700)\n"
            "(m @ m).sum()\n"
            "print(torch.get_num_threads(), jitgrad.get_num_threads())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "2"]
