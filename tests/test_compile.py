"""``jitgrad.compile``'s behaviour: decorator forms, whole training steps,
guards and retracing, graph breaks, ``fullgraph``, ``cache_size_limit``,
``explain``, ``OptimizedModule``, ``CompiledFunctionBackward``, the tape,
``JITGRAD_LOGS`` and the on-disk kernel cache.

Eager jitgrad is the oracle: a compiled function must give what the same
code gives uncompiled. The first call of a compiled function traces it (it
runs eagerly); the later calls replay the compiled graph, which the tests
see as the result's node being ``CompiledFunctionBackward``.
"""
import copy
import inspect
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import jitgrad
import jitgrad.compiler
import jitgrad.nn.functional as F
from jitgrad import nn, optim
from jitgrad.compiler import GraphBreak, config, logs, tape

CFB = "CompiledFunctionBackward"


# generated kernels go to a directory of this test session (conftest.py)
pytestmark = pytest.mark.usefixtures("compile_cache_dir")


@pytest.fixture
def fresh():
    """Forget compiled graphs before and after (for tests that count traces,
    warnings or cache files)."""
    jitgrad.compiler.reset()
    yield
    jitgrad.compiler.reset()


def node(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def compile_warnings(record):
    return [w for w in record if str(w.message).startswith("jitgrad.compile")]


def close(a, b, rtol=1e-5, atol=1e-6):
    a = a.detach().numpy() if isinstance(a, jitgrad.Tensor) else a
    b = b.detach().numpy() if isinstance(b, jitgrad.Tensor) else b
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def line_of(fn, text):
    """``file:line`` of the first line of ``fn``'s source containing ``text``."""
    lines, first = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return f"{inspect.getsourcefile(fn)}:{first + k}"
    raise AssertionError(text)


# ------------------------------------------------------------ decorator forms


def test_decorator_forms():
    @jitgrad.compile
    def plain(x):
        return x * 2 + 1

    @jitgrad.compile(fullgraph=True)
    def full(x):
        return (x * 3).tanh()

    @jitgrad.compile()
    def parens(x):
        return x - 1

    def fn(x):
        return x.exp()

    assert jitgrad.compile(fn, disable=True) is fn
    assert jitgrad.compile(disable=True)(fn) is fn
    # torch.compile's other arguments are accepted
    other = jitgrad.compile(fn, dynamic=False, backend="inductor", mode="reduce-overhead",
                            options={})
    assert plain.__name__ == "plain" and plain.__wrapped__.__name__ == "plain"
    for _ in range(3):
        x = jitgrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
        close(plain(x), x * 2 + 1)
        close(full(x), (x * 3).tanh())
        close(parens(x), x - 1)
        close(other(x), x.exp())
    assert node(plain(x)) == node(full(x)) == node(parens(x)) == node(other(x)) == CFB


def test_method_decorator():
    """``@jitgrad.compile`` on a method: ``self`` is the first argument."""
    class Scaler:
        def __init__(self, k):
            self.k = k

        @jitgrad.compile
        def __call__(self, x):
            return x * self.k

    s = Scaler(3.0)
    for _ in range(3):
        x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
        out = s(x)
        close(out, [3.0, 6.0])
        out.sum().backward()
        close(x.grad, [3.0, 3.0])
    assert node(s(x)) == CFB


def test_keyword_arguments_run_eagerly():
    f = jitgrad.compile(lambda x, y: x * y)
    for _ in range(2):       # keyword arguments are not captured (documented): eager's results
        x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
        out = f(x, y=jitgrad.tensor([3.0, 4.0]))
        close(out, [3.0, 8.0])
        out.sum().backward()
        close(x.grad, [3.0, 4.0])


# ------------------------------------------------------------ training steps


def make_model(seed=0):
    jitgrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def batches(n, kind, seed=1):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.standard_normal((10, 8)).astype(np.float32)
        if kind == "bce":
            y = (rng.uniform(size=(10, 3)) > 0.5).astype(np.float32)
        else:
            y = rng.standard_normal((10, 3)).astype(np.float32)
        out.append((jitgrad.tensor(x), jitgrad.tensor(y)))
    return out


LOSSES = {"bce": F.binary_cross_entropy_with_logits, "mse": F.mse_loss}
OPTIMIZERS = {"SGD-momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
              "Adam": lambda ps: optim.Adam(ps, lr=0.01)}


def optimizer_step(model, opt, loss_name):
    def step(x, y):
        opt.zero_grad()
        loss = getattr(F, LOSSES[loss_name].__name__)(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


@pytest.mark.parametrize("opt_name,loss_name", [("SGD-momentum", "bce"), ("Adam", "mse")])
def test_training_step_equals_eager(opt_name, loss_name):
    model = make_model()
    twin = copy.deepcopy(model)
    compiled = jitgrad.compile(optimizer_step(model, OPTIMIZERS[opt_name](model.parameters()),
                                              loss_name))
    eager = optimizer_step(twin, OPTIMIZERS[opt_name](twin.parameters()), loss_name)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for i, (x, y) in enumerate(batches(6, loss_name)):
            got = compiled(x, y)
            want = eager(x, y)
            close(got, want, rtol=1e-5, atol=1e-7)
            if i:
                assert node(got) == CFB      # replayed, not eager
            for p, q in zip(model.parameters(), twin.parameters()):
                close(p, q, rtol=1e-5, atol=1e-6)
                close(p.grad, q.grad, rtol=1e-5, atol=1e-6)
    assert not compile_warnings(record)


@pytest.mark.parametrize("norm_type", [2.0, 1, "inf"])
def test_training_step_with_gradient_clipping(norm_type):
    """``clip_grad_norm_`` between backward and the update (minGPT's step) is
    captured: its norms of order 1 and 2 fuse, the clipped gradients and the
    returned norm are eager's, and max_norm is small enough to clip."""
    from jitgrad.compiler import codegen
    model = make_model(5)
    twin = copy.deepcopy(model)
    opt, opt_e = (optim.Adam(m.parameters(), lr=0.01) for m in (model, twin))

    def make_step(m, o):
        def step(x, y):
            o.zero_grad(set_to_none=True)
            F.mse_loss(m(x), y).backward()
            total = nn.utils.clip_grad_norm_(m.parameters(), 0.05, norm_type=float(norm_type))
            o.step()
            return total
        return step
    compiled, eager = jitgrad.compile(make_step(model, opt)), make_step(twin, opt_e)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for x, y in batches(4, "mse", seed=3):
            got, want = compiled(x, y), eager(x, y)
            assert want.item() > 0.05               # the gradients were clipped
            close(got, want, rtol=1e-5, atol=1e-7)
            for p, q in zip(model.parameters(), twin.parameters()):
                close(p.grad, q.grad, rtol=1e-5, atol=1e-7)
                close(p, q, rtol=1e-5, atol=1e-6)
    assert not compile_warnings(record), [str(w.message) for w in compile_warnings(record)]
    calls = {repr(s.attrs.get("call")) for entries in compiled._entries.values()
             for e in entries for s, _ in e.steps
             if s is not None and not isinstance(s, codegen.Segment)}
    # the infinity norm runs as the eager op (its NaN rule); the others fuse
    assert ("eager vector_norm" in calls) == (norm_type == "inf"), calls


def test_training_step_with_lr_scheduler():
    """A scheduler (which wraps ``optimizer.step``, as torch's does) must not
    keep the step from compiling; its lr changes are seen (step() runs at
    each replay)."""
    model = make_model(8)
    twin = copy.deepcopy(model)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt_e = optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, 2, 0.5)
    sched_e = optim.lr_scheduler.StepLR(opt_e, 2, 0.5)
    compiled = jitgrad.compile(optimizer_step(model, opt, "mse"))
    eager = optimizer_step(twin, opt_e, "mse")
    nodes = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for x, y in batches(6, "mse", seed=9):
            got = compiled(x, y)
            close(got, eager(x, y))
            nodes.append(node(got))
            sched.step()
            sched_e.step()
            for p, q in zip(model.parameters(), twin.parameters()):
                close(p, q)
    assert not compile_warnings(record), [str(w.message) for w in compile_warnings(record)]
    assert nodes[1:] == [CFB] * 5


@pytest.mark.parametrize("update", ["no_grad-isub", "data-sub_"])
def test_manual_sgd_step_equals_eager(update):
    """``p.grad = None`` by hand, and the parameters updated in place from
    inside the compiled function."""
    lr = 0.05

    def make_step(model):
        def step(x, y):
            for p in model.parameters():
                p.grad = None
            loss = F.mse_loss(model(x), y)
            loss.backward()
            if update == "no_grad-isub":
                with jitgrad.no_grad():
                    for p in model.parameters():
                        p -= lr * p.grad
            else:
                for p in model.parameters():
                    p.data.sub_(lr * p.grad)
            return loss
        return step

    model = make_model(3)
    twin = copy.deepcopy(model)
    compiled = jitgrad.compile(make_step(model))
    eager = make_step(twin)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for i, (x, y) in enumerate(batches(6, "mse", seed=2)):
            got = compiled(x, y)
            want = eager(x, y)
            close(got, want)
            if i:
                assert node(got) == CFB
        for p, q in zip(model.parameters(), twin.parameters()):
            close(p, q)
            close(p.grad, q.grad)
    assert not compile_warnings(record)


def test_step_reads_and_scales_gradients():
    """After backward(): a gradient norm from ``p.grad`` and an in-place
    ``p.grad.mul_()`` before ``opt.step()`` (gradient clipping's shape)."""
    def make_step(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            norm = sum((p.grad * p.grad).sum() for p in model.parameters())
            with jitgrad.no_grad():
                for p in model.parameters():
                    p.grad.mul_(0.5)
            opt.step()
            return loss, norm
        return step

    model = make_model(10)
    twin = copy.deepcopy(model)
    compiled = jitgrad.compile(make_step(model, optim.SGD(model.parameters(), lr=0.1)))
    eager = make_step(twin, optim.SGD(twin.parameters(), lr=0.1))
    for i, (x, y) in enumerate(batches(4, "mse", seed=11)):
        (loss, norm), (loss_e, norm_e) = compiled(x, y), eager(x, y)
        close(loss, loss_e)
        close(norm, norm_e)
        if i:
            assert node(loss) == CFB
        for p, q in zip(model.parameters(), twin.parameters()):
            close(p.grad, q.grad)
            close(p, q)


def test_gradients_accumulate_across_calls():
    """No zero_grad: each call adds to ``.grad`` (read at each call)."""
    model = make_model(4)
    twin = copy.deepcopy(model)

    def make_step(m):
        def step(x, y):
            loss = F.mse_loss(m(x), y)
            loss.backward()
            return loss
        return step
    compiled = jitgrad.compile(make_step(model))
    eager = make_step(twin)
    for i, (x, y) in enumerate(batches(4, "mse", seed=5)):
        close(compiled(x, y), eager(x, y))
        for p, q in zip(model.parameters(), twin.parameters()):
            close(p.grad, q.grad)
    assert node(compiled(x, y)) == CFB


def test_compiled_module_with_eager_optimizer():
    """The usual pattern: a compiled module's forward, backward and
    optimizer.step() eager; the updated parameters are read at each call."""
    model = make_model(6)
    twin = copy.deepcopy(model)
    cmodel = jitgrad.compile(model)
    opt, opt_e = optim.SGD(model.parameters(), lr=0.1), optim.SGD(twin.parameters(), lr=0.1)
    for i, (x, y) in enumerate(batches(5, "bce", seed=7)):
        opt.zero_grad()
        opt_e.zero_grad()
        out = cmodel(x)
        if i:
            assert node(out) == CFB
        loss = F.binary_cross_entropy_with_logits(out, y)
        loss_e = F.binary_cross_entropy_with_logits(twin(x), y)
        close(loss, loss_e)
        loss.backward()
        loss_e.backward()
        opt.step()
        opt_e.step()
        for p, q in zip(model.parameters(), twin.parameters()):
            close(p.grad, q.grad)
            close(p, q)


def test_whole_step_gradients_reach_each_calls_arguments():
    """A step whose leaf is an argument (a fresh tensor at each call, its
    ``.grad`` written by the ``backward()`` inside): each call's own
    argument gets its gradient, and later calls replay."""
    @jitgrad.compile
    def step(x):
        loss = (x * x).sum()
        loss.backward()
        return loss

    previous = None
    for i in range(3):
        a = np.arange(3.0) + i
        x = jitgrad.tensor(a, requires_grad=True)
        if previous is not None:
            previous.grad = None     # done with the previous call's tensor
        loss = step(x)
        close(loss, (a * a).sum())
        assert x.grad is not None, f"call {i + 1}: the argument's .grad was not written"
        close(x.grad, 2 * a)
        if previous is not None:
            assert previous.grad is None, f"call {i + 1} wrote .grad of an earlier argument"
        if i:
            assert node(loss) == CFB
        previous = x


# ------------------------------------------------------------------ guards


def test_new_shape_retraces():
    f = jitgrad.compile(lambda x: (x * 2).sum(0) + x.mean())
    for shape in [(3, 4), (3, 4), (5, 2), (5, 2), (3, 4), (5, 2)]:
        a = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
        x, ref = jitgrad.tensor(a, requires_grad=True), jitgrad.tensor(a, requires_grad=True)
        out = f(x)
        want = (ref * 2).sum(0) + ref.mean()
        assert tuple(out.shape) == tuple(want.shape)
        close(out, want)
        out.sum().backward()
        want.sum().backward()
        close(x.grad, ref.grad)
    assert node(out) == CFB


def test_new_dtype_and_requires_grad_and_grad_mode():
    f = jitgrad.compile(lambda x: (x * x).exp())
    a = np.array([0.5, -0.25, 1.0])
    for dtype in [jitgrad.float32, jitgrad.float64, jitgrad.float32, jitgrad.float64]:
        for requires_grad in (True, False, True):
            x = jitgrad.tensor(a, dtype=dtype, requires_grad=requires_grad)
            out = f(x)
            assert out.dtype == dtype
            assert out.requires_grad is requires_grad
            close(out, np.exp(a * a))
            if requires_grad:
                out.sum().backward()
                close(x.grad, 2 * a * np.exp(a * a))
            else:
                assert out.grad_fn is None
        x = jitgrad.tensor(a, dtype=dtype, requires_grad=True)
        with jitgrad.no_grad():
            out = f(x)
        assert not out.requires_grad and out.grad_fn is None
        close(out, np.exp(a * a))
        out = f(x)
        assert node(out) == CFB


class Branchy(nn.Module):
    """Python control flow on ``self.training``."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x):
        y = self.lin(x)
        if self.training:
            return y * 2
        return y.tanh()


def test_train_eval_flips_retrace():
    jitgrad.manual_seed(0)
    m = Branchy()
    c = jitgrad.compile(m)
    f = jitgrad.compile(lambda x: m(x) + 1)
    x = jitgrad.tensor(np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32))
    for training in [True, True, False, False, True, False]:
        m.train(training)
        want = m(x)
        for fn, extra in ((c, 0), (f, 1)):
            out = fn(x)
            close(out, want + extra)
    c.train()
    assert m.training
    close(c(x), m(x))
    c.eval()
    assert not m.training
    close(c(x), m(x))
    assert node(c(x)) == CFB


def test_tensor_from_outside_is_read_live():
    """A closure's tensor changed in place between calls (an optimizer's
    update, a buffer) is read at each call."""
    scale = jitgrad.tensor([1.0, 2.0, 3.0])
    bias = nn.Parameter(jitgrad.tensor([0.5, 0.5, 0.5]))
    f = jitgrad.compile(lambda x: x * scale + bias)
    x = jitgrad.tensor([1.0, 1.0, 2.0], requires_grad=True)
    for _ in range(4):
        out = f(x)
        close(out, x * scale + bias)
        out.sum().backward()
        close(bias.grad, [1.0, 1.0, 1.0])
        bias.grad = None
        with jitgrad.no_grad():
            scale.mul_(2)
            bias.add_(1)
    scale.copy_(jitgrad.tensor([-1.0, 0.0, 1.0]))
    close(f(x), x * scale + bias)
    assert node(f(x)) == CFB


def test_rebound_global_tensor_is_seen():
    """A global name rebound to another tensor between calls: the compiled
    function must read the new one (eager does; torch guards on it)."""
    global _REBOUND
    _REBOUND = jitgrad.tensor([1.0, 1.0])
    f = jitgrad.compile(lambda x: x * _REBOUND)
    x = jitgrad.tensor([1.0, 2.0])
    for k in range(1, 4):
        _REBOUND = jitgrad.tensor([float(k), float(k)])
        close(f(x), x * _REBOUND)


def test_global_and_closure_numbers_are_guarded():
    """A learning rate read from a global or a closure is baked into the trace;
    changing it between calls must retrace, not replay the old value."""
    global _RATE
    _RATE = 0.5
    f = jitgrad.compile(lambda x: x * _RATE)
    x = jitgrad.tensor([1.0, 2.0])
    for rate in (0.5, 0.5, 2.0, 3.0, 3.0):
        _RATE = rate
        close(f(x), [rate, 2 * rate])

    def make(k):
        return jitgrad.compile(lambda x: x + k)
    for k in (1.0, 4.0):
        g = make(k)
        close(g(x), [1 + k, 2 + k])
        close(g(x), [1 + k, 2 + k])


def test_a_function_that_changes_a_global_number_runs_eagerly():
    global _COUNT
    _COUNT = 0

    def f(x):
        global _COUNT
        _COUNT += 1
        return x * _COUNT
    c = jitgrad.compile(f)
    x = jitgrad.tensor([1.0])
    with pytest.warns(UserWarning, match="changes a global or closure number"):
        close(c(x), [1.0])
    close(c(x), [2.0])
    close(c(x), [3.0])


def test_in_place_update_of_an_argument_is_replayed():
    """``x.mul_(2)`` on an argument: eager changes the caller's tensor; so must a replay."""
    @jitgrad.compile
    def f(x, y):
        x.mul_(2)
        return x + y

    for i in range(3):
        x, y = jitgrad.ones(3), jitgrad.full((3,), float(i))
        out = f(x, y)
        close(out, [2.0 + i] * 3)
        close(x, [2.0, 2.0, 2.0])


def test_tensors_in_list_arguments_are_read_at_each_call():
    @jitgrad.compile
    def f(xs):
        return xs[0] * 2 + xs[1]

    for i in range(3):
        a, b = jitgrad.full((3,), float(i)), jitgrad.ones(3)
        close(f([a, b]), a * 2 + b)
        close(f((a, b)), a * 2 + b)


def test_number_argument_before_a_tensor_argument():
    @jitgrad.compile
    def f(k, x):
        return x * k

    for i in range(3):
        x = jitgrad.full((3,), float(i), requires_grad=True)
        out = f(2.0, x)
        close(out, x * 2.0)
        out.sum().backward()
        close(x.grad, [2.0, 2.0, 2.0])


def test_non_leaf_argument():
    """An argument with a grad_fn (a view of a leaf): results and gradients
    are eager's (the graph may break: the argument's history is outside)."""
    f = jitgrad.compile(lambda x: (x * x).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(3):
            a = np.arange(6.0).reshape(2, 3) + i
            base = jitgrad.tensor(a, requires_grad=True)
            out = f(base.t())
            close(out, (a * a).sum())
            out.backward()
            close(base.grad, 2 * a)


VIEWS_OF_THE_ARGUMENT = {
    "t": lambda a: a.t(),
    "unsqueeze": lambda a: a.unsqueeze(0),
    "reshape": lambda a: a.reshape(12),
    "detach": lambda a: a.detach(),
    # a (4, 3) tensor flattened from dim 1 keeps its shape (nn.Flatten on a batch of vectors)
    "flatten-same-shape": lambda a: a.flatten(1),
}


@pytest.mark.parametrize("name", sorted(VIEWS_OF_THE_ARGUMENT))
def test_returning_a_view_of_an_argument(name):
    """The result is a view of the argument (no op computes it): eager's
    values and gradients, whether it compiles or breaks the graph."""
    fn = VIEWS_OF_THE_ARGUMENT[name]
    for requires_grad in (False, True):
        f = jitgrad.compile(fn)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in range(3):
                a = np.arange(12.0).reshape(4, 3) + i
                x = jitgrad.tensor(a, requires_grad=requires_grad)
                ref = jitgrad.tensor(a, requires_grad=requires_grad)
                out, want = f(x), fn(ref)
                assert tuple(out.shape) == tuple(want.shape)
                assert out.requires_grad == want.requires_grad
                close(out, want)
                if want.requires_grad:
                    out.sum().backward()
                    close(x.grad, np.ones((4, 3)))


def test_returned_structures():
    """Tuples, lists and dicts of tensors and constants; one tensor of them
    requires grad, the others don't."""
    @jitgrad.compile
    def f(x):
        y = x.sigmoid()
        return {"y": y, "parts": [y.detach() * 2, 3], "n": ("a", x.sum().detach())}

    @jitgrad.compile
    def step(x):
        loss = (x * x).sum()
        loss.backward()
        return loss, [loss.detach() + 1, None]

    w = jitgrad.tensor([0.5, 1.5], requires_grad=True)
    for i in range(3):
        a = np.array([0.5, -1.0]) * (i + 1)
        x = jitgrad.tensor(a, requires_grad=True)
        out = f(x)
        s = 1 / (1 + np.exp(-a))
        assert set(out) == {"y", "parts", "n"} and out["parts"][1] == 3 and out["n"][0] == "a"
        close(out["y"], s)
        close(out["parts"][0], 2 * s)
        close(out["n"][1], a.sum())
        assert not out["parts"][0].requires_grad
        out["y"].sum().backward()
        close(x.grad, s * (1 - s))
        with jitgrad.no_grad():
            w.copy_(jitgrad.tensor(a))
        w.grad = None
        loss, rest = step(w)
        close(loss, (a * a).sum())
        close(rest[0], (a * a).sum() + 1)
        assert rest[1] is None
        close(w.grad, 2 * a)
    assert node(out["y"]) == CFB


def test_concurrent_calls_from_threads():
    """Calls from several threads at once (the kernels release the GIL): each
    gets its own results. Arrays this large have driver-allocated scratch
    buffers (codegen.DRIVER_ALLOCATED)."""
    import threading

    f = jitgrad.compile(lambda x: x.exp() / x.exp().sum(1, keepdim=True) * 100 + x.mean())
    rng = np.random.default_rng(0)
    xs = [jitgrad.tensor(rng.standard_normal((300, 200))) for _ in range(4)]
    f(xs[0])                                         # trace
    want = [f(x).numpy() for x in xs]                # replays, one at a time
    for x, w in zip(xs, want):
        close(w, x.exp() / x.exp().sum(1, keepdim=True) * 100 + x.mean(), rtol=1e-10, atol=0)
    wrong = []

    def work(k):
        for _ in range(50):
            if not np.array_equal(f(xs[k]).numpy(), want[k]):
                wrong.append(k)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong, f"{len(wrong)} of 200 concurrent calls gave another call's values"


def test_exception_inside_restores_the_library():
    add, exp = jitgrad.Tensor.__add__, jitgrad.exp

    @jitgrad.compile
    def f(x):
        y = x.exp() + 1
        if y.shape[0] == 2:
            raise ValueError("two")
        return y

    with pytest.raises(ValueError, match="two"):
        f(jitgrad.ones(2))
    assert jitgrad.Tensor.__add__ is add and jitgrad.exp is exp
    close(f(jitgrad.ones(3)), np.full(3, np.e + 1))
    close(f(jitgrad.ones(3)), np.full(3, np.e + 1))


# ------------------------------------------------------------ graph breaks


def _uses_item(x):
    s = x.sum().item()
    return x * s


def test_item_breaks_the_graph_once():
    f = jitgrad.compile(_uses_item)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for i in range(4):
            a = np.array([1.0, 2.0, 3.0]) + i
            x = jitgrad.tensor(a, requires_grad=True)
            out = f(x)                              # the call line
            close(out, a * a.sum())
            out.sum().backward()
            close(x.grad, np.full(3, a.sum()))
    found = compile_warnings(record)
    assert len(found) == 1, [str(w.message) for w in found]
    w = found[0]
    assert w.category is UserWarning
    message = str(w.message)
    assert message.startswith("jitgrad.compile: graph break")
    assert "item" in message
    # the message names the line of .item(); the warning points at the caller
    assert line_of(_uses_item, ".item()") in message
    assert w.filename == __file__
    assert f"{w.filename}:{w.lineno}" == line_of(test_item_breaks_the_graph_once, "# the call line")


def test_print_breaks_the_graph(capsys):
    def f(x):
        print("x is", x)
        return x + 1

    c = jitgrad.compile(f)
    with pytest.warns(UserWarning, match=r"^jitgrad\.compile: graph break.*print"):
        out = c(jitgrad.tensor([1.0, 2.0]))
    close(out, [2.0, 3.0])
    for _ in range(2):
        close(c(jitgrad.tensor([3.0, 4.0])), [4.0, 5.0])
    printed = capsys.readouterr().out
    assert printed.count("x is") == 3       # eager: printed at every call


def test_fullgraph_raises():
    f = jitgrad.compile(_uses_item, fullgraph=True)
    assert issubclass(GraphBreak, RuntimeError)
    for _ in range(2):
        with pytest.raises(GraphBreak, match="item"):
            f(jitgrad.tensor([1.0, 2.0]))

    @jitgrad.compile(fullgraph=True)
    def g(x):
        print(x)
        return x

    with pytest.raises(GraphBreak, match="print"):
        g(jitgrad.tensor([1.0, 2.0]))

    @jitgrad.compile(fullgraph=True)
    def h(x):
        x.view(-1).mul_(2)        # its base would miss the update in a replay
        return x

    with pytest.raises(GraphBreak, match="shares memory"):
        h(jitgrad.tensor([1.5, 0.0]))


def test_cache_size_limit():
    assert config.cache_size_limit == 8
    old = config.cache_size_limit
    try:
        config.cache_size_limit = 3
        f = jitgrad.compile(lambda x: x * 2 + 1)
        nodes = []
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for n in [1, 2, 3, 1, 4, 5, 2, 6]:
                a = np.arange(float(n))
                x = jitgrad.tensor(a, requires_grad=True)
                out = f(x)
                close(out, a * 2 + 1)
                out.sum().backward()
                close(x.grad, np.full(n, 2.0))
                nodes.append(node(out))
        found = compile_warnings(record)
        assert len(found) == 1, [str(w.message) for w in found]
        assert "cache_size_limit" in str(found[0].message)
        # three shapes traced (and replayed when seen again); the others eager
        assert nodes[3] == nodes[6] == CFB
        assert nodes[4] == nodes[5] == nodes[7] == "AddBackward0"
    finally:
        config.cache_size_limit = old


def test_explain():
    x = jitgrad.tensor([1.0, 2.0])
    out = jitgrad.compiler.explain(_uses_item, x)
    assert out.graph_break_count == 1
    assert out.graph_count == 0
    assert len(out.break_reasons) == 1 and "item" in out.break_reasons[0]
    assert line_of(_uses_item, ".item()") in out.break_reasons[0]
    assert "Graph Break Count: 1" in str(out) and "Break Reason 1:" in str(out)
    clean = jitgrad.compiler.explain(lambda t: (t * 2).exp().sum(), x)
    assert clean.graph_break_count == 0 and clean.break_reasons == []
    assert clean.graph_count == 1 and clean.op_count >= 3


# --------------------------------------------------------- OptimizedModule


def test_optimized_module():
    jitgrad.manual_seed(1)
    m = nn.Sequential(nn.Linear(4, 3), nn.Tanh())
    c = jitgrad.compile(m)
    assert type(c).__name__ == "OptimizedModule"
    assert isinstance(c, nn.Module)
    assert c._orig_mod is m
    keys = list(c.state_dict())
    assert keys == ["_orig_mod." + k for k in m.state_dict()]
    assert all(k.startswith("_orig_mod.") for k in keys)
    assert "(_orig_mod): " in repr(c)
    assert [id(p) for p in c.parameters()] == [id(p) for p in m.parameters()]
    twin = copy.deepcopy(m)
    rng = np.random.default_rng(0)
    for i in range(3):
        x = jitgrad.tensor(rng.standard_normal((5, 4)).astype(np.float32))
        out, want = c(x), twin(x)
        close(out, want)
        if i:
            assert node(out) == CFB
        out.sum().backward()
        want.sum().backward()
        for p, q in zip(m.parameters(), twin.parameters()):
            close(p.grad, q.grad)
    for _ in range(2):
        with jitgrad.no_grad():
            close(c(x), twin(x))


# --------------------------------------------------- CompiledFunctionBackward


def test_compiled_function_backward_twice():
    f = jitgrad.compile(lambda x: x.exp() * 2)
    a = np.array([0.5, 1.0])
    f(jitgrad.tensor(a, requires_grad=True))
    x = jitgrad.tensor(a, requires_grad=True)
    out = f(x)
    assert node(out) == CFB
    out.sum().backward()
    with pytest.raises(RuntimeError) as err:
        out.sum().backward()
    e = jitgrad.tensor(a, requires_grad=True)
    eager = e.exp() * 2
    eager.sum().backward()
    with pytest.raises(RuntimeError) as eager_err:
        eager.sum().backward()
    assert str(err.value) == str(eager_err.value)
    close(x.grad, 2 * np.exp(a))
    # with retain_graph, twice is fine and accumulates
    x = jitgrad.tensor(a, requires_grad=True)
    out = f(x)
    out.sum().backward(retain_graph=True)
    out.sum().backward()
    close(x.grad, 4 * np.exp(a))


# ---------------------------------------------------------------- the tape


def run_graph(initial_variables, n_operations):
    """Alex Rogozhnikov's benchmark of many scalar ops."""
    nodes = [*initial_variables]
    for op in range(n_operations):
        match op % 4:
            case 0:
                nodes.append(F.softplus(nodes[-10]))
            case 1:
                nodes.append(sum(nodes[-30:-10:5]))
            case 2:
                nodes.append(nodes[-20] * nodes[-10])
            case 3:
                softmaxes = F.softmax(jitgrad.stack(nodes[-4:], dim=0), dim=0)
                nodes.extend(softmaxes)
    return nodes


def scalar_graph(init_vars):
    nodes = run_graph(init_vars, 400)
    # the last node's gradient is ~1e-15 for every input; the sum of the
    # computed nodes has O(1) gradients (and zeros for inputs never read)
    return sum(nodes[100:]), nodes[-1].detach()


def test_tape_runs_a_graph_of_many_scalar_ops(monkeypatch):
    built = []
    build = tape.build

    def counting_build(*args, **kwargs):
        built.append(args[0])
        return build(*args, **kwargs)
    monkeypatch.setattr(tape, "build", counting_build)

    f = jitgrad.compile(scalar_graph)
    for i, low in enumerate([-1.0, -2.0, -0.5]):
        init = jitgrad.linspace(low, 1, 100).requires_grad_()
        total, last = f(init)
        ref = jitgrad.linspace(low, 1, 100).requires_grad_()
        want_total, want_last = scalar_graph(ref)
        close(last, want_last, rtol=1e-5, atol=0)
        close(total, want_total, rtol=1e-5, atol=0)
        total.backward()
        want_total.backward()
        g = ref.grad.numpy()
        assert np.abs(g).max() > 0.1
        # float32 over 400 chained ops: 1e-5 relative, and a floor well below the
        # O(1) gradients for the elements that are sums of cancelling terms
        close(init.grad, ref.grad, rtol=1e-5, atol=1e-6)
        if i:
            assert node(total) == CFB
    assert "forward_0" in built and "backward_0" in built


# ----------------------------------------------------------------- logging


def test_logs(capsys):
    try:
        logs.set_logs("graph,recompiles")
        f = jitgrad.compile(lambda x: x * 5 - 2)
        f(jitgrad.ones(2))
        f(jitgrad.ones(2))
        f(jitgrad.ones(3))
        err = capsys.readouterr().err
        assert "[jitgrad.compile:graph]" in err
        assert "[jitgrad.compile:recompiles]" in err and "new guard key" in err
        logs.set_logs("")
        f(jitgrad.ones(4))
        assert "[jitgrad.compile" not in capsys.readouterr().err
    finally:
        logs.set_logs("")


# -------------------------------------------------------------- disk cache

_SCRIPT = textwrap.dedent("""
    import jitgrad

    @jitgrad.compile
    def f(x):
        return (x * 3 + 1).tanh() * x

    for _ in range(2):
        x = jitgrad.linspace(-1, 1, 5).requires_grad_()
        out = f(x)
        out.sum().backward()
    print(type(out.grad_fn).__name__, out.tolist(), x.grad.tolist())
""")


def test_disk_cache_is_reused_by_a_new_process(tmp_path):
    env = dict(os.environ, JITGRAD_CACHE_DIR=str(tmp_path), JITGRAD_LOGS="recompiles")

    def run():
        done = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done

    first = run()
    files = set((tmp_path / "compiled").glob("*.py"))
    assert files and all(p.name.startswith("jitgrad_compiled_") for p in files)
    second = run()
    assert set((tmp_path / "compiled").glob("*.py")) == files
    assert first.stdout == second.stdout
    assert first.stdout.startswith(CFB)
    assert "(new kernels)" in first.stderr
    assert "(cache hit)" in second.stderr and "(new kernels)" not in second.stderr


def test_unwritable_cache_dir_falls_back(tmp_path, monkeypatch, fresh):
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("JITGRAD_CACHE_DIR", str(tmp_path / "file" / "sub"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    f = jitgrad.compile(lambda x: (x - 0.25).abs() * 7)
    for _ in range(3):
        x = jitgrad.tensor([0.0, 1.0], requires_grad=True)
        out = f(x)
        close(out, [1.75, 5.25])
        out.sum().backward()
        close(x.grad, [-7.0, 7.0])
    assert node(out) == CFB
    assert list((tmp_path / "xdg" / "jitgrad" / "compiled").glob("jitgrad_compiled_*.py"))


def test_out_of_range_class_target_raises_torchs_error_on_replay():
    """A replayed cross_entropy checks its targets as eager does, in torch's words."""
    x = jitgrad.randn(4, 3, requires_grad=True)
    f = jitgrad.compile(lambda x, y: F.cross_entropy(x, y))
    good = jitgrad.tensor([0, 1, 2, 1])
    f(x, good)
    f(x, good)
    with pytest.raises(IndexError, match=r"^Target 7 is out of bounds\.$"):
        f(x, jitgrad.tensor([0, 1, 7, 1]))


def test_large_results_reuse_memory_only_when_released():
    """A result of at least codegen.DRIVER_ALLOCATED elements is written into
    the previous call's array once nothing refers to it (as a caching
    allocator hands back freed memory); a result still held, or a view of
    one, is never overwritten."""
    from jitgrad.compiler import codegen
    n = codegen.DRIVER_ALLOCATED * 2
    f = jitgrad.compile(lambda x: x * 2 + 1)
    x1, x2 = jitgrad.arange(n, dtype=jitgrad.float64), jitgrad.full((n,), 7.0, dtype=jitgrad.float64)
    f(x1)                                          # trace
    r1 = f(x1)
    r2 = f(x2)
    close(r1, x1 * 2 + 1, rtol=0, atol=0)
    close(r2, x2 * 2 + 1, rtol=0, atol=0)
    assert r1.data_ptr() != r2.data_ptr()
    ptr = r2.data_ptr()
    del r1, r2
    r3 = f(x1)
    assert r3.data_ptr() == ptr                    # released: reused
    view = r3[5:]
    del r3
    r4 = f(x2)
    close(view, (x1 * 2 + 1)[5:], rtol=0, atol=0)  # a view keeps its array out of reuse
    close(r4, x2 * 2 + 1, rtol=0, atol=0)


def test_compiled_training_step_reuses_gradient_memory():
    """A training loop that sets ``.grad = None`` gets each step's gradients
    in the memory of the last step's (nothing else holds them), with the
    values eager computes."""
    from jitgrad.compiler import codegen
    n = codegen.DRIVER_ALLOCATED * 2
    rng = np.random.default_rng(0)
    leaves = [jitgrad.tensor(rng.standard_normal(n), requires_grad=True) for _ in range(3)]
    x, a, b = leaves

    def step():
        for t in leaves:
            t.grad = None
        loss = (jitgrad.sigmoid(x * a + b) * x).sum()
        loss.backward()
        return loss

    compiled = jitgrad.compile(step)
    compiled()
    compiled()
    ptrs = [t.grad.data_ptr() for t in leaves]
    kept = x.grad
    loss = compiled()
    got = [t.grad.numpy().copy() for t in leaves]
    assert [t.grad.data_ptr() for t in leaves][1:] == ptrs[1:]
    assert x.grad.data_ptr() != kept.data_ptr()    # still held: a new array
    step()
    close(loss, step(), rtol=1e-12, atol=0)
    for g, t in zip(got, leaves):
        close(g, t.grad, rtol=1e-12, atol=0)
