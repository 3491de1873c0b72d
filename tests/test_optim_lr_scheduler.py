"""Learning-rate schedulers: torch's lr sequences over 50 steps (to 1e-12),
hand-derived values, state_dict round trips, torch's warnings and errors, and
a scheduled training run against torch."""
import copy
import math
import warnings
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests
from jitgrad import nn, optim
from jitgrad.optim import lr_scheduler


class Warmup:
    """A callable object (not a function): LambdaLR saves its __dict__."""

    def __init__(self, n):
        self.n = n

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.n)


SCHEDULERS = {
    "step": lambda s, o: s.StepLR(o, step_size=7, gamma=0.5),
    "step-default-gamma": lambda s, o: s.StepLR(o, 3),
    "multistep": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "exponential": lambda s, o: s.ExponentialLR(o, gamma=0.93),
    "cosine": lambda s, o: s.CosineAnnealingLR(o, T_max=20),
    "cosine-eta-min-periodic": lambda s, o: s.CosineAnnealingLR(o, T_max=8, eta_min=1e-3),
    "lambda": lambda s, o: s.LambdaLR(o, lambda e: 0.95 ** e),
    "lambda-per-group": lambda s, o: s.LambdaLR(o, [lambda e: 1 / (e + 1), Warmup(10)]),
}


def _optimizer(lib, lrs=(0.1, 0.02)):
    groups = [{"params": [lib.nn.Parameter(lib.ones(2))], "lr": lr} for lr in lrs]
    return lib.optim.SGD(groups, lr=0.5, momentum=0.9)


def lr_sequence(lib, name, steps=50):
    opt = _optimizer(lib)
    sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
    seq = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == seq[-1]
    return np.array(seq)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_matches_torch(name):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(lr_sequence(jitgrad, name), lr_sequence(torch, name),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_closed_form_step_epoch_matches_torch(name):
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (jitgrad, torch):
        opt = _optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 10, 4, 25):
                opt.step()
                sched.step(epoch)
                seq.append(sched.get_last_lr())
        out[lib.__name__] = np.array(seq)
    np.testing.assert_allclose(out["jitgrad"], out["torch"], rtol=1e-12, atol=1e-15)


def _one_group(lr=1.0):
    return optim.SGD([nn.Parameter(jitgrad.ones(1))], lr=lr)


def _run(sched, opt, n):
    out = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_step_lr_by_hand():
    opt = _one_group()
    np.testing.assert_allclose(_run(lr_scheduler.StepLR(opt, step_size=2, gamma=0.5), opt, 5),
                               [1, 1, 0.5, 0.5, 0.25, 0.25])


def test_multistep_lr_by_hand():
    opt = _one_group()
    sched = lr_scheduler.MultiStepLR(opt, milestones=[1, 3, 3], gamma=0.1)
    np.testing.assert_allclose(_run(sched, opt, 4), [1, 0.1, 0.1, 1e-3, 1e-3], rtol=1e-14)


def test_exponential_lr_by_hand():
    opt = _one_group(2.0)
    np.testing.assert_allclose(_run(lr_scheduler.ExponentialLR(opt, 0.5), opt, 3),
                               [2, 1, 0.5, 0.25])


def test_cosine_annealing_by_hand():
    """The recursive form reproduces the closed form
    eta_min + (base - eta_min) (1 + cos(pi t / T)) / 2, and goes back up after T_max."""
    opt = _one_group()
    got = _run(lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.1), opt, 8)
    want = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert got[4] == pytest.approx(0.1) and got[8] == pytest.approx(1.0)


def test_lambda_lr_by_hand():
    opt = _one_group(0.5)
    np.testing.assert_allclose(_run(lr_scheduler.LambdaLR(opt, lambda e: e + 1), opt, 3),
                               [0.5, 1.0, 1.5, 2.0])


def test_base_lrs_initial_lr_last_epoch():
    opt = _optimizer(jitgrad)
    sched = lr_scheduler.StepLR(opt, 1, gamma=0.5)
    assert sched.base_lrs == [0.1, 0.02] and sched.last_epoch == 0
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02]
    assert list(opt.param_groups[0])[-1] == "initial_lr"
    opt.step()
    sched.step()
    assert sched.last_epoch == 1 and sched.get_last_lr() == [0.05, 0.01]
    assert opt.param_groups[0]["initial_lr"] == 0.1


def test_resume_with_last_epoch():
    """last_epoch >= 0 resumes from the groups' initial_lr, as torch does."""
    opt = _one_group()
    sched = lr_scheduler.ExponentialLR(opt, 0.5)
    _run(sched, opt, 3)
    again = lr_scheduler.ExponentialLR(opt, 0.5, last_epoch=3)
    assert again.base_lrs == [1.0] and again.get_last_lr() == [0.125]


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_state_dict_round_trip(name):
    """Save after 10 steps, build a fresh optimizer and scheduler, load both:
    the next 15 lrs are the uninterrupted run's."""
    opt = _optimizer(jitgrad)
    sched = SCHEDULERS[name](lr_scheduler, opt)
    for _ in range(10):
        opt.step()
        sched.step()
    saved_opt, saved_sched = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    straight = [lrs for lrs in lr_tail(opt, sched, 15)]

    opt2 = _optimizer(jitgrad)
    sched2 = SCHEDULERS[name](lr_scheduler, opt2)
    sched2.load_state_dict(saved_sched)
    opt2.load_state_dict(saved_opt)
    assert lr_tail(opt2, sched2, 15) == straight


def lr_tail(opt, sched, n):
    out = []
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out


def test_state_dict_keys_are_torchs():
    torch = pytest.importorskip("torch")
    for name in SCHEDULERS:
        keys = []
        for lib in (jitgrad, torch):
            opt = _optimizer(lib)
            sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
            opt.step()
            sched.step()
            sd = sched.state_dict()
            keys.append((list(sd), {k: v for k, v in sd.items() if k != "lr_lambdas"}))
        assert keys[0] == keys[1], name


def test_lambda_state_dict_keeps_callable_objects_only():
    opt = _optimizer(jitgrad)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1.0, Warmup(4)])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"n": 4}]
    other = lr_scheduler.LambdaLR(_optimizer(jitgrad), [lambda e: 1.0, Warmup(9)])
    other.load_state_dict(sd)
    assert other.lr_lambdas[1].n == 4 and "lr_lambdas" in sd


def test_scheduled_training_matches_torch():
    """A cosine-annealed Adam run: the scheduler's lrs reach the kernels."""
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (jitgrad, torch):
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.standard_normal((16, 4)))
        w = lib.nn.Parameter(lib.tensor(rng.standard_normal((4, 2))))
        opt = lib.optim.Adam([w], lr=0.05)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6)
        for _ in range(12):
            opt.zero_grad()
            ((x @ w).tanh() ** 2).mean().backward()
            opt.step()
            sched.step()
        out[lib.__name__] = w.detach().numpy()
    np.testing.assert_allclose(out["jitgrad"], out["torch"], rtol=1e-10, atol=1e-12)


def test_scheduler_wraps_optimizer_step_once():
    opt = _one_group()
    lr_scheduler.StepLR(opt, 2)
    wrapped = opt.step
    lr_scheduler.ExponentialLR(opt, 0.9)
    assert opt.step is wrapped and wrapped._wrapped_by_lr_sched
    assert not getattr(opt, "_opt_called", False)
    opt.step()
    assert opt._opt_called


def test_no_warning_in_the_right_order():
    opt = _one_group()
    sched = lr_scheduler.StepLR(opt, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
        sched.get_last_lr()


# ---------------------------------------------------------------- errors and warnings
Case = namedtuple("Case", "id run exc message")


def _as_error(fn):
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fn(lib)
    return run


def _step_first(lib):
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    sched.step()


def _step_overridden(lib):
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    opt.step = lambda: None
    sched.step()


def _get_lr_outside(lib):
    opt = _optimizer(lib)
    lib.optim.lr_scheduler.ExponentialLR(opt, 0.5).get_lr()


def _step_epoch(lib):
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    opt.step()
    sched.step(3)


ERRORS = [
    Case("not-an-optimizer", lambda lib: lib.optim.lr_scheduler.StepLR([1.0], 2), TypeError,
         "list is not an Optimizer"),
    Case("resume-without-initial-lr",
         lambda lib: lib.optim.lr_scheduler.StepLR(_optimizer(lib), 2, last_epoch=3), KeyError,
         repr("param 'initial_lr' is not specified in param_groups[0] when resuming scheduler "
              "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume "
              "training from a checkpoint but haven't properly loaded the optimizer state\n"
              "2. You're using last_epoch >= 0 for a fresh training run (not recommended)")),
    Case("lambda-count", lambda lib: lib.optim.lr_scheduler.LambdaLR(
        _optimizer(lib), [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    Case("get-lr-outside-step", _as_error(_get_lr_outside), UserWarning,
         "To get the last learning rate computed by the scheduler, please use "
         "`get_last_lr()`."),
    Case("step-epoch-deprecated", _as_error(_step_epoch), UserWarning,
         "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
         "where possible. Please use `scheduler.step()` to step the scheduler. During the "
         "deprecation, if epoch is different from None, the closed form is used instead of "
         "the new chainable form, where available. Please open an issue if you are unable to "
         "replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."),
]

test_error, test_error_is_torchs = error_tests(ERRORS)

# these name https://pytorch.org/..., which the shared harness's torch. -> jitgrad.
# renaming would garble: checked here word for word in both libraries
ORDER_WARNINGS = [
    Case("step-before-optimizer", _as_error(_step_first), UserWarning,
         "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 "
         "and later, you should call them in the opposite order: `optimizer.step()` before "
         "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
         "value of the learning rate schedule. See more details at "
         "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"),
    Case("step-overridden", _as_error(_step_overridden), UserWarning,
         "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
         "initialization. Please, make sure to call `optimizer.step()` before "
         "`lr_scheduler.step()`. See more details at "
         "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"),
]


@pytest.mark.parametrize("lib_name", ["jitgrad", "torch"])
@pytest.mark.parametrize("case", ORDER_WARNINGS, ids=[c.id for c in ORDER_WARNINGS])
def test_step_order_warnings(case, lib_name):
    lib = jitgrad if lib_name == "jitgrad" else pytest.importorskip("torch")
    with pytest.raises(case.exc) as err:
        case.run(lib)
    assert err.type is case.exc and str(err.value) == case.message


# ---------------------------------------------------------------- the further schedulers
class Halve:
    """A callable object: MultiplicativeLR saves its __dict__."""

    def __init__(self, f):
        self.f = f

    def __call__(self, epoch):
        return self.f


MORE = {
    "multiplicative": lambda s, o: s.MultiplicativeLR(o, [lambda e: 0.95, Halve(0.9)]),
    "constant": lambda s, o: s.ConstantLR(o, factor=0.3, total_iters=4),
    "linear": lambda s, o: s.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=7),
    "polynomial": lambda s, o: s.PolynomialLR(o, total_iters=10, power=2.0),
    "warm-restarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                eta_min=1e-3),
    "cyclic": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4,
                                      step_size_down=3),
    "cyclic-triangular2": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                  mode="triangular2", cycle_momentum=False),
    "cyclic-exp-range": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                mode="exp_range", gamma=0.9),
    "one-cycle": lambda s, o: s.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=30),
    "one-cycle-3phase-linear": lambda s, o: s.OneCycleLR(
        o, max_lr=1.0, epochs=5, steps_per_epoch=6, three_phase=True,
        anneal_strategy="linear", pct_start=0.25),
    "sequential": lambda s, o: s.SequentialLR(o, [s.LinearLR(o, 0.1, total_iters=3),
                                                  s.ExponentialLR(o, 0.9), s.StepLR(o, 3)],
                                              milestones=[4, 10]),
    "chained": lambda s, o: s.ChainedScheduler([s.ConstantLR(o, 0.5, total_iters=3),
                                                s.ExponentialLR(o, 0.9)]),
    "plateau": lambda s, o: s.ReduceLROnPlateau(o, patience=2, cooldown=1, factor=0.5,
                                                min_lr=[0.01, 0.02]),
    "plateau-max-abs": lambda s, o: s.ReduceLROnPlateau(o, mode="max", threshold_mode="abs",
                                                        patience=1),
}
METRICS = [1.0, 0.9, 0.95, 0.95, 0.95]


def more_run(lib, name, steps=29, adam=False):
    """lrs, momentum/betas and the state dict after every step."""
    groups = [{"params": [lib.zeros(2, requires_grad=True)]},
              {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.05}]
    opt = (lib.optim.Adam(groups, lr=0.1) if adam
           else lib.optim.SGD(groups, lr=0.1, momentum=0.9))
    sched = MORE[name](lib.optim.lr_scheduler, opt)
    out = [(sched.get_last_lr(), [g.get("momentum", g.get("betas")) for g in opt.param_groups])]
    for k in range(steps):
        opt.step()
        if name.startswith("plateau"):
            sched.step(METRICS[k % 5] - 1e-3 * k)
        else:
            sched.step()
        out.append((sched.get_last_lr(),
                    [g.get("momentum", g.get("betas")) for g in opt.param_groups]))
    return out, sched, opt


def _comparable(state):
    return {k: (_comparable(v) if isinstance(v, dict) else
                [_comparable(x) if isinstance(x, dict) else x for x in v]
                if isinstance(v, list) else v)
            for k, v in state.items() if k not in ("lr_lambdas",)}


@pytest.mark.parametrize("name", list(MORE))
def test_more_lr_and_momentum_sequences_match_torch(name):
    """29 steps: lrs and momenta equal to torch's bit for bit, and the same
    state_dict (keys in order and values)."""
    torch = pytest.importorskip("torch")
    adam = name == "cyclic"           # momentum cycling through Adam's beta1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got, sched, _ = more_run(jitgrad, name, adam=adam)
        want, tsched, _ = more_run(torch, name, adam=adam)
    assert got == want
    sd, tsd = sched.state_dict(), tsched.state_dict()
    assert list(sd) == list(tsd)
    assert _comparable(sd) == _comparable(tsd)


@pytest.mark.parametrize("name", ["constant", "linear", "polynomial", "warm-restarts"])
def test_more_closed_form_step_epoch_matches_torch(name):
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (jitgrad, torch):
        opt = _optimizer(lib)
        sched = MORE[name](lib.optim.lr_scheduler, opt)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 10, 4, 25, 0, 7.5):
                opt.step()
                sched.step(epoch)
                seq.append(sched.get_last_lr())
        out[lib.__name__] = np.array(seq)
    np.testing.assert_array_equal(out["jitgrad"], out["torch"])


@pytest.mark.parametrize("name", ["multiplicative", "warm-restarts", "cyclic", "one-cycle",
                                  "sequential", "chained", "plateau"])
def test_more_state_dict_round_trip(name):
    straight, _, _ = more_run(jitgrad, name)
    _, sched, opt = more_run(jitgrad, name, steps=10)
    saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    groups = [{"params": [jitgrad.zeros(2, requires_grad=True)]},
              {"params": [jitgrad.zeros(1, requires_grad=True)], "lr": 0.05}]
    opt2 = optim.SGD(groups, lr=0.1, momentum=0.9)
    sched2 = MORE[name](lr_scheduler, opt2)
    sched2.load_state_dict(saved)
    opt2.load_state_dict(saved_opt)
    for k in range(10, 29):
        opt2.step()
        sched2.step(METRICS[k % 5] - 1e-3 * k) if name == "plateau" else sched2.step()
        assert sched2.get_last_lr() == straight[k + 1][0]


def test_more_schedules_by_hand():
    def lrs(make, n, metrics=None):
        opt = _one_group()
        sched = make(opt)
        out = [sched.get_last_lr()[0]]
        for k in range(n):
            opt.step()
            sched.step(metrics[k]) if metrics else sched.step()
            out.append(sched.get_last_lr()[0])
        return out

    s = lr_scheduler
    np.testing.assert_allclose(lrs(lambda o: s.LinearLR(o, 0.5, 1.0, total_iters=4), 5),
                               [0.5, 0.625, 0.75, 0.875, 1.0, 1.0], rtol=1e-15)
    assert lrs(lambda o: s.ConstantLR(o, 0.5, total_iters=2), 3) == [0.5, 0.5, 1.0, 1.0]
    np.testing.assert_allclose(lrs(lambda o: s.PolynomialLR(o, total_iters=4, power=2), 5),
                               [1, 0.5625, 0.25, 0.0625, 0, 0], atol=1e-15)
    np.testing.assert_allclose(lrs(lambda o: s.CosineAnnealingWarmRestarts(o, T_0=2), 4),
                               [1, 0.5, 1, 0.5, 1], rtol=1e-15)
    np.testing.assert_allclose(
        lrs(lambda o: s.CyclicLR(o, 0.1, 0.5, step_size_up=2, cycle_momentum=False), 5),
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.3], rtol=1e-15)
    one = lrs(lambda o: s.OneCycleLR(o, max_lr=2.0, total_steps=10, cycle_momentum=False), 9)
    np.testing.assert_allclose([one[0], one[2], one[-1]], [2.0 / 25, 2.0, 2.0 / 25 / 1e4],
                               rtol=1e-14)
    plateau = lrs(lambda o: s.ReduceLROnPlateau(o, patience=1, factor=0.5), 5,
                  metrics=[1.0, 1.0, 1.0, 0.5, 0.5])
    assert plateau == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    seq = lrs(lambda o: s.SequentialLR(o, [s.ConstantLR(o, 0.1, total_iters=9),
                                           s.ExponentialLR(o, 0.5)], milestones=[2]), 4)
    np.testing.assert_allclose(seq, [0.1, 0.1, 1.0, 0.5, 0.25], rtol=1e-15)


def test_one_cycle_cycles_sgd_momentum():
    opt = _one_group()
    opt.param_groups[0]["momentum"] = 0.9
    opt.defaults["momentum"] = 0.9
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5)
    assert opt.param_groups[0]["momentum"] == 0.95
    for _ in range(4):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.85)


def _onecycle_overstep(lib):
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    for _ in range(3):
        opt.step()
        sched.step()


def _sched(name, *args, **kwargs):
    return lambda lib: getattr(lib.optim.lr_scheduler, name)(_optimizer(lib), *args, **kwargs)


def _in_sequence(lib):
    opt = _optimizer(lib)
    s = lib.optim.lr_scheduler
    s.SequentialLR(opt, [s.ReduceLROnPlateau(opt), s.StepLR(opt, 2)], milestones=[2])


MORE_ERRORS = [
    Case("multiplicative-not-callable", _sched("MultiplicativeLR", [1.0, 2.0]), TypeError,
         "lr_lambda should be a function, but got float"),
    Case("constant-factor", _sched("ConstantLR", factor=1.5), ValueError,
         "Constant multiplicative factor expected to be between 0 and 1."),
    Case("linear-start", _sched("LinearLR", start_factor=0), ValueError,
         "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    Case("warm-restarts-t0", _sched("CosineAnnealingWarmRestarts", 0), ValueError,
         "Expected positive integer T_0, but got 0"),
    Case("warm-restarts-tmult", _sched("CosineAnnealingWarmRestarts", 2, T_mult=1.5),
         ValueError, "Expected integer T_mult >= 1, but got 1.5"),
    Case("plateau-factor", _sched("ReduceLROnPlateau", factor=1.0), ValueError,
         "Factor should be < 1.0."),
    Case("plateau-mode", _sched("ReduceLROnPlateau", mode="up"), ValueError,
         "mode up is unknown!"),
    Case("plateau-min-lrs", _sched("ReduceLROnPlateau", min_lr=[0.1]), ValueError,
         "expected 2 min_lrs, got 1"),
    Case("cyclic-max-lr-length", _sched("CyclicLR", 0.1, [1.0, 2.0, 3.0]), ValueError,
         "max_lr must have the same length as optimizer.param_groups. max_lr has 3 values, "
         "param_groups has 2."),
    Case("cyclic-momentum", lambda lib: lib.optim.lr_scheduler.CyclicLR(
        lib.optim.Adagrad(_params_of(lib)), 0.1, 1.0), ValueError,
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    Case("one-cycle-total", _sched("OneCycleLR", 1.0), ValueError,
         "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    Case("one-cycle-pct", _sched("OneCycleLR", 1.0, total_steps=5, pct_start=1), ValueError,
         "Expected float between 0 and 1 pct_start, but got 1"),
    Case("one-cycle-overstep", _onecycle_overstep, ValueError,
         "Tried to step 3 times. The specified number of total steps is 2"),
    Case("sequential-empty", lambda lib: lib.optim.lr_scheduler.SequentialLR(
        _optimizer(lib), [], milestones=[]), ValueError,
        "SequentialLR expects at least one scheduler, but got no scheduler."),
    Case("sequential-plateau", _in_sequence, ValueError,
         "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires "
         "additional kwargs to be specified when calling `step`, but got one at index 0 in "
         "the given schedulers sequence."),
]


def _params_of(lib):
    return [lib.zeros(2, requires_grad=True)]


test_more_error, test_more_error_is_torchs = error_tests(MORE_ERRORS)
