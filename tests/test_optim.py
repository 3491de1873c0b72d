"""Optimizers: hand-computed steps, torch parity over 20 steps from identical
weights for every configuration (float64 to 1e-10, float32 to 1e-5), torch's
state_dict layout, state_dict round trips (10 + 10 steps == 20 steps, also
from a torch checkpoint), and torch's errors."""
import copy
import importlib
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests
from jitgrad import nn, optim


def _param(values, dtype=jitgrad.float64):
    return nn.Parameter(jitgrad.tensor(values, dtype=dtype))


def _steps(opt, p, n, fn=lambda p: (p * p).sum()):
    for _ in range(n):
        opt.zero_grad()
        fn(p).backward()
        opt.step()
    return p.detach().numpy()


# ---------------------------------------------------------------- by hand
def test_sgd_momentum_by_hand():
    p = _param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    # grad = 2p. step 1: buf = 2p0, p1 = 0.8 p0; step 2: buf = 0.9*2p0 + 1.6p0 = 3.4p0
    np.testing.assert_allclose(_steps(opt, p, 2), [0.8 - 0.34, 1.6 - 0.68])


def test_adam_first_step_is_lr_times_sign():
    p = _param([1.0, -2.0])
    opt = optim.Adam([p], lr=0.01)
    _steps(opt, p, 1, lambda p: (p * 3).sum())
    np.testing.assert_allclose(p.detach().numpy(), [1.0 - 0.01, -2.0 - 0.01], rtol=1e-7)


def test_rmsprop_by_hand():
    p = _param([1.0, -2.0])
    opt = optim.RMSprop([p], lr=0.01, alpha=0.9, eps=0.0)
    # grad = 2p; v = 0.1 * 4p^2; p -= 0.01 * 2p / sqrt(0.4 p^2) = 0.01 * sign(p) / sqrt(0.1)
    step = 0.01 / np.sqrt(0.1)
    np.testing.assert_allclose(_steps(opt, p, 1), [1.0 - step, -2.0 + step], rtol=1e-12)
    assert float(opt.state[p]["step"]) == 1.0


def test_rmsprop_centered_momentum_by_hand():
    p = _param([3.0])
    opt = optim.RMSprop([p], lr=0.1, alpha=0.5, eps=0.0, momentum=0.5, centered=True)
    # grad 1 (loss = p): v = 0.5, grad_avg = 0.5, avg = sqrt(0.5 - 0.25) = 0.5,
    # buf = 1 / 0.5 = 2, p = 3 - 0.2; step 2: v = 0.75, ga = 0.75, avg = sqrt(0.1875),
    # buf = 0.5*2 + 1/sqrt(0.1875)
    _steps(opt, p, 2, lambda p: p.sum())
    np.testing.assert_allclose(p.detach().numpy(), [2.8 - 0.1 * (1 + 1 / np.sqrt(0.1875))],
                               rtol=1e-12)


def test_adagrad_by_hand():
    p = _param([1.0])
    opt = optim.Adagrad([p], lr=0.5, lr_decay=1.0, initial_accumulator_value=3.0, eps=0.0)
    # grad 1: sum = 4, p = 1 - 0.5/2; step 2: clr = 0.5/2, sum = 5, p -= 0.25/sqrt(5)
    _steps(opt, p, 2, lambda p: p.sum())
    np.testing.assert_allclose(p.detach().numpy(), [0.75 - 0.25 / np.sqrt(5)], rtol=1e-12)
    np.testing.assert_allclose(opt.state[p]["sum"].numpy(), [5.0])


def test_adamw_decays_before_the_update():
    p = _param([2.0])
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    _steps(opt, p, 1, lambda p: p.sum())
    np.testing.assert_allclose(p.detach().numpy(), [2.0 * (1 - 0.05) - 0.1], rtol=1e-9)


def test_parameters_without_grad_are_skipped():
    p, q = _param([1.0]), _param([1.0])
    for opt in (optim.SGD([p, q], lr=0.1, momentum=0.9), optim.Adam([p, q]),
                optim.RMSprop([p, q]), optim.Adagrad([p, q])):
        _steps(opt, p, 1)
        assert q.detach().numpy()[0] == 1.0
        assert q not in opt.state or "sum" in opt.state[q]      # Adagrad: built eagerly


def test_step_with_closure_and_version_bump():
    p = _param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    v = p._version
    assert opt.step(closure).item() == 5.0
    assert p._version == v + 1
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6])


def test_non_contiguous_parameter_and_gradient():
    base = jitgrad.tensor(np.arange(6.0).reshape(2, 3))
    p = nn.Parameter(base.t())                        # a transposed (non-contiguous) view
    ref = nn.Parameter(base.t().contiguous())
    for q in (p, ref):
        opt = optim.Adam([q], lr=0.1)
        _steps(opt, q, 3, lambda q: (q * q * jitgrad.arange(6.0).reshape(3, 2)).sum())
    np.testing.assert_array_equal(p.detach().numpy(), ref.detach().numpy())


def test_zero_grad():
    p = _param([1.0])
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and g.numpy()[0] == 0.0
    opt.zero_grad()
    assert p.grad is None


def test_tensor_lr():
    p, q = _param([1.0]), _param([1.0])
    _steps(optim.SGD([p], lr=jitgrad.tensor(0.1, dtype=jitgrad.float64)), p, 2)
    _steps(optim.SGD([q], lr=0.1), q, 2)
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


# ---------------------------------------------------------------- torch parity
CONFIGS = {
    "sgd": lambda o, ps: o.SGD(ps, lr=0.05),
    "sgd-momentum": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3),
    "sgd-nesterov": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "sgd-dampening": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3),
    "sgd-maximize": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, maximize=True),
    "adam": lambda o, ps: o.Adam(ps, lr=0.01),
    "adam-amsgrad-wd": lambda o, ps: o.Adam(ps, lr=0.01, weight_decay=1e-2, amsgrad=True),
    "adam-small-beta1-maximize": lambda o, ps: o.Adam(ps, lr=0.01, betas=(0.3, 0.9),
                                                      maximize=True),
    "adam-decoupled": lambda o, ps: o.Adam(ps, lr=0.01, weight_decay=0.1,
                                           decoupled_weight_decay=True),
    "adamw": lambda o, ps: o.AdamW(ps, lr=0.01),
    "adamw-amsgrad": lambda o, ps: o.AdamW(ps, lr=0.01, weight_decay=0.1, amsgrad=True),
    "rmsprop": lambda o, ps: o.RMSprop(ps, lr=0.01),
    "rmsprop-momentum": lambda o, ps: o.RMSprop(ps, lr=0.01, momentum=0.9),
    "rmsprop-centered": lambda o, ps: o.RMSprop(ps, lr=0.01, centered=True, weight_decay=1e-2),
    "rmsprop-centered-momentum": lambda o, ps: o.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.5,
                                                         centered=True),
    "rmsprop-small-alpha-wd": lambda o, ps: o.RMSprop(ps, lr=0.01, alpha=0.3, centered=True,
                                                      weight_decay=0.1),
    "rmsprop-maximize": lambda o, ps: o.RMSprop(ps, lr=0.01, momentum=0.5, maximize=True),
    "adagrad": lambda o, ps: o.Adagrad(ps, lr=0.1),
    "adagrad-lr-decay": lambda o, ps: o.Adagrad(ps, lr=0.1, lr_decay=0.05),
    "adagrad-wd-initial": lambda o, ps: o.Adagrad(ps, lr=0.1, weight_decay=1e-2,
                                                  initial_accumulator_value=0.5, eps=1e-6),
    "adagrad-maximize": lambda o, ps: o.Adagrad(ps, lr=0.1, maximize=True),
    "two-groups": lambda o, ps: o.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.03}],
                                       lr=0.01, weight_decay=1e-3),
}


def _data(lib, dtype):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((16, 5)), dtype=dtype)
    y = lib.tensor(rng.integers(0, 3, 16))
    w1 = lib.nn.Parameter(lib.tensor(rng.standard_normal((5, 8)) * 0.5, dtype=dtype))
    w2 = lib.nn.Parameter(lib.tensor(rng.standard_normal((8, 3)) * 0.5, dtype=dtype))
    return x, y, [w1, w2]


def _train(lib, opt, x, y, params, steps):
    w1, w2 = params
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy((x @ w1).tanh() @ w2, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def train(lib, config, dtype, steps=20):
    x, y, params = _data(lib, dtype)
    opt = CONFIGS[config](lib.optim, params)
    losses = _train(lib, opt, x, y, params, steps)
    return np.array(losses), params[0].detach().numpy(), params[1].detach().numpy()


@pytest.mark.parametrize("config", list(CONFIGS))
def test_loss_goes_the_right_way(config):
    losses = train(jitgrad, config, jitgrad.float64)[0]
    if "maximize" in config:
        assert losses[-1] > losses[0]
    else:
        assert losses[-1] < losses[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch(config, dtype):
    torch = pytest.importorskip("torch")
    ours = train(jitgrad, config, getattr(jitgrad, dtype))
    theirs = train(torch, config, getattr(torch, dtype))
    tol = 1e-10 if dtype == "float64" else 1e-5
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_repr_is_torchs():
    torch = pytest.importorskip("torch")
    for config, make in CONFIGS.items():
        reprs = [repr(make(lib.optim, [lib.nn.Parameter(lib.ones(2)),
                                       lib.nn.Parameter(lib.ones(1))])) for lib in (jitgrad, torch)]
        assert reprs[0] == reprs[1], config


def _same_grads(lib, config, dtype, steps=5):
    rng = np.random.default_rng(2)
    p = lib.nn.Parameter(lib.tensor(rng.standard_normal(1001), dtype=dtype))
    opt = CONFIGS[config](lib.optim, [p])
    for _ in range(steps):
        p.grad = lib.tensor(rng.standard_normal(1001), dtype=dtype)
        opt.step()
    return p.detach().numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", [c for c in CONFIGS if c.startswith("sgd")])
def test_sgd_is_bit_identical_to_torch(config, dtype):
    """Fed the same gradients, SGD rounds as torch's kernels do (fused
    multiply-adds where torch's vectorised add(alpha) has them)."""
    torch = pytest.importorskip("torch")
    if torch.backends.cpu.get_cpu_capability() not in ("AVX2", "AVX512"):
        pytest.skip("torch's kernels use FMA only on AVX2/AVX512 builds")
    np.testing.assert_array_equal(_same_grads(jitgrad, config, getattr(jitgrad, dtype)),
                                  _same_grads(torch, config, getattr(torch, dtype)))


# ---------------------------------------------------------------- state_dict
def _layout(lib, config):
    x, y, params = _data(lib, lib.float64)
    opt = CONFIGS[config](lib.optim, params)
    _train(lib, opt, x, y, params, 2)
    sd = opt.state_dict()
    state = {k: [(name, str(v.dtype).split(".")[-1], tuple(v.shape)) if hasattr(v, "dtype")
                 else (name, v) for name, v in s.items()] for k, s in sd["state"].items()}
    return state, sd["param_groups"]


@pytest.mark.parametrize("config", list(CONFIGS))
def test_state_dict_layout_is_torchs(config):
    torch = pytest.importorskip("torch")
    ours, theirs = _layout(jitgrad, config), _layout(torch, config)
    assert ours[0] == theirs[0]                       # keys, dtypes (step: float32 0-d), shapes
    for g, h in zip(ours[1], theirs[1]):
        assert list(g) == list(h)                     # param_groups keys, in torch's order
        assert g == h


def test_state_dict_holds_the_live_state():
    p = _param([1.0])
    opt = optim.Adam([p])
    _steps(opt, p, 1)
    sd = opt.state_dict()
    assert sd["state"][0] is opt.state[p]
    assert sd["state"][0]["step"].dtype == jitgrad.float32 and sd["state"][0]["step"].dim() == 0
    assert sd["param_groups"][0]["params"] == [0]


def _model(lib, dtype):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3)).to(dtype)


def _fit(lib, model, opt, steps):
    rng = np.random.default_rng(1)
    x = lib.tensor(rng.standard_normal((16, 5)), dtype=next(model.parameters()).dtype)
    y = lib.tensor(rng.integers(0, 3, 16))
    for _ in range(steps):
        opt.zero_grad()
        lib.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


@pytest.mark.parametrize("config", list(CONFIGS))
def test_state_dict_round_trip_continues_identically(config):
    model = _model(jitgrad, jitgrad.float64)
    opt = CONFIGS[config](optim, list(model.parameters()))
    _fit(jitgrad, model, opt, 10)
    model_sd = {k: v.clone() for k, v in model.state_dict().items()}
    opt_sd = copy.deepcopy(opt.state_dict())
    _fit(jitgrad, model, opt, 10)

    fresh = _model(jitgrad, jitgrad.float64)
    fresh_opt = CONFIGS[config](optim, list(fresh.parameters()))
    fresh.load_state_dict(model_sd)
    fresh_opt.load_state_dict(opt_sd)
    _fit(jitgrad, fresh, fresh_opt, 10)
    for a, b in zip(model.parameters(), fresh.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for s, t in zip(opt.state.values(), fresh_opt.state.values()):
        for k in s:
            np.testing.assert_array_equal(s[k].numpy(), t[k].numpy())


def test_load_state_dict_copies_and_casts():
    p = _param([1.0, 2.0], jitgrad.float32)
    opt = optim.Adam([p], lr=0.1)
    _steps(opt, p, 1)
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = sd["state"][0]["exp_avg"].double()
    sd["param_groups"][0]["lr"] = 0.5
    q = _param([1.0, 2.0], jitgrad.float32)
    opt2 = optim.Adam([q], lr=0.1)
    opt2.load_state_dict(sd)
    s = opt2.state[q]
    assert s["exp_avg"].dtype == jitgrad.float32 and s["step"].dtype == jitgrad.float32
    assert s["exp_avg_sq"] is not sd["state"][0]["exp_avg_sq"]
    assert opt2.param_groups[0]["lr"] == 0.5 and opt2.param_groups[0]["params"] == [q]
    assert sd["param_groups"][0]["params"] == [0]            # the caller's dict is untouched


def test_load_old_integer_step():
    """An int ``step`` (older state dicts) becomes torch's 0-d float tensor."""
    p = _param([1.0])
    opt = optim.Adam([p])
    _steps(opt, p, 2)
    sd = copy.deepcopy(opt.state_dict())
    sd["state"][0]["step"] = 2
    q = _param(p.detach().numpy())
    opt2 = optim.Adam([q])
    opt2.load_state_dict(sd)
    assert opt2.state[q]["step"].dim() == 0
    np.testing.assert_array_equal(_steps(opt, p, 1), _steps(opt2, q, 1))


def test_bad_state_shape_raises():
    p = _param([1.0, 2.0])
    opt = optim.Adam([p])
    _steps(opt, p, 1)
    sd = copy.deepcopy(opt.state_dict())
    sd["state"][0]["exp_avg"] = jitgrad.zeros(3, dtype=jitgrad.float64)
    opt.load_state_dict(sd)
    with pytest.raises(RuntimeError, match="optimizer state"):
        _steps(opt, p, 1)


def test_state_of_another_dtype_set_by_hand_raises():
    p = _param([1.0, 2.0], jitgrad.float32)
    opt = optim.RMSprop([p], centered=True)
    _steps(opt, p, 1)
    opt.state[p]["grad_avg"] = jitgrad.zeros(2, dtype=jitgrad.float64)
    with pytest.raises(RuntimeError, match=r"grad_avg: \(2,\) jitgrad.float64"):
        _steps(opt, p, 1)


@pytest.mark.parametrize("config", ["sgd-momentum", "adam-amsgrad-wd", "adamw",
                                    "rmsprop-centered-momentum", "adagrad-wd-initial"])
def test_torch_checkpoint_continues_like_torch(config):
    """torch trains 10 steps, jitgrad loads its model and optimizer state dicts
    and trains 10 more: the same weights as torch's 20 steps."""
    torch = pytest.importorskip("torch")
    model = _model(torch, torch.float64)
    opt = CONFIGS[config](torch.optim, list(model.parameters()))
    _fit(torch, model, opt, 10)
    opt_sd = copy.deepcopy(opt.state_dict())
    model_sd = {k: jitgrad.tensor(v.numpy()) for k, v in model.state_dict().items()}
    _fit(torch, model, opt, 10)

    ours = _model(jitgrad, jitgrad.float64)
    ours_opt = CONFIGS[config](optim, list(ours.parameters()))
    ours.load_state_dict(model_sd)
    ours_opt.load_state_dict(opt_sd)
    _fit(jitgrad, ours, ours_opt, 10)
    for a, b in zip(ours.parameters(), model.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)


# ---------------------------------------------------------------- errors
Case = namedtuple("Case", "id run exc message")


def _w(lib):
    return lib.nn.Parameter(lib.ones(2))


def _optimizer_module(lib):
    return importlib.import_module(lib.__name__ + ".optim.optimizer")


def _load(lib, sd):
    opt = lib.optim.SGD([_w(lib)], lr=0.1)
    opt.load_state_dict(sd)


def _capturable_step(lib, name):
    w = _w(lib)
    opt = getattr(lib.optim, name)([w], capturable=True)
    w.sum().backward()
    opt.step()


def _duplicate_warning(lib):
    import warnings
    w = _w(lib)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lib.optim.SGD([w, w], lr=0.1)


ERRORS = [
    Case("empty", lambda lib: lib.optim.SGD([], lr=0.1), ValueError,
         "optimizer got an empty parameter list"),
    Case("tensor-params", lambda lib: lib.optim.Adam(_w(lib)), TypeError,
         "params argument given to the optimizer should be an iterable of Tensors or dicts, but "
         "got jitgrad.FloatTensor"),
    Case("not-a-tensor", lambda lib: lib.optim.SGD([_w(lib), 3], lr=0.1), TypeError,
         "optimizer can only optimize Tensors, but one of the params is int"),
    Case("non-leaf", lambda lib: lib.optim.SGD([_w(lib) * 2], lr=0.1), ValueError,
         "can't optimize a non-leaf Tensor"),
    Case("group-set", lambda lib: lib.optim.SGD([{"params": {_w(lib)}}], lr=0.1), TypeError,
         "optimizer parameters need to be organized in ordered collections, but the ordering of "
         "tensors in sets will change between runs. Please use a list instead."),
    Case("group-not-dict", lambda lib: lib.optim.SGD([_w(lib)], lr=0.1).add_param_group([1]),
         TypeError, "param_group must be a dict, but got <class 'list'>"),
    Case("names-missing", lambda lib: lib.optim.SGD([("a", _w(lib)), _w(lib)], lr=0.1),
         ValueError, "all optimizer params should be with/without names. Some param names are "
         "missing"),
    Case("names-mixed", lambda lib: lib.optim.SGD([{"params": [("a", _w(lib))]},
                                                   {"params": [_w(lib)]}], lr=0.1),
         ValueError, "all optimizer param groups should be with/without names. cannot add param "
         "group without names to the optimizer"),
    Case("overlapping-groups", lambda lib: (lambda w: lib.optim.SGD(
        [{"params": [w]}, {"params": [w]}], lr=0.1))(_w(lib)), ValueError,
         "some parameters appear in more than one parameter group"),
    Case("required", lambda lib: _optimizer_module(lib).Optimizer(
        [_w(lib)], {"lr": _optimizer_module(lib).required}), ValueError,
         "parameter group didn't specify a value of required optimization parameter lr"),
    Case("duplicate-warning", _duplicate_warning, UserWarning,
         "optimizer contains a parameter group with duplicate parameters; in future, this will "
         "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information"),
    Case("load-groups", lambda lib: _load(lib, {"state": {}, "param_groups": []}), ValueError,
         "loaded state dict has a different number of parameter groups"),
    Case("load-group-size", lambda lib: _load(lib, {"state": {}, "param_groups": [
        {"params": [0, 1], "lr": 0.1}]}), ValueError,
         "loaded state dict contains a parameter group that doesn't match the size of "
         "optimizer's group"),
    Case("sgd-lr", lambda lib: lib.optim.SGD([_w(lib)], lr=-1), ValueError,
         "Invalid learning rate: -1"),
    Case("sgd-momentum", lambda lib: lib.optim.SGD([_w(lib)], momentum=-0.5), ValueError,
         "Invalid momentum value: -0.5"),
    Case("sgd-wd", lambda lib: lib.optim.SGD([_w(lib)], weight_decay=-1e-3), ValueError,
         "Invalid weight_decay value: -0.001"),
    Case("sgd-nesterov", lambda lib: lib.optim.SGD([_w(lib)], nesterov=True), ValueError,
         "Nesterov momentum requires a momentum and zero dampening"),
    Case("sgd-nesterov-dampening", lambda lib: lib.optim.SGD(
        [_w(lib)], momentum=0.9, dampening=0.1, nesterov=True), ValueError,
         "Nesterov momentum requires a momentum and zero dampening"),
    Case("sgd-fused-foreach", lambda lib: lib.optim.SGD([_w(lib)], fused=True, foreach=True),
         RuntimeError, "`fused` and `foreach` cannot be `True` together."),
    Case("tensor-lr", lambda lib: lib.optim.SGD([_w(lib)], lr=lib.tensor([0.1, 0.2])),
         ValueError, "Tensor lr must be 1-element"),
    Case("adam-lr", lambda lib: lib.optim.Adam([_w(lib)], lr=-0.1), ValueError,
         "Invalid learning rate: -0.1"),
    Case("adam-eps", lambda lib: lib.optim.Adam([_w(lib)], eps=-1.0), ValueError,
         "Invalid epsilon value: -1.0"),
    Case("adam-beta0", lambda lib: lib.optim.Adam([_w(lib)], betas=(1.0, 0.999)), ValueError,
         "Invalid beta parameter at index 0: 1.0"),
    Case("adam-beta1", lambda lib: lib.optim.Adam([_w(lib)], betas=(0.9, -0.1)), ValueError,
         "Invalid beta parameter at index 1: -0.1"),
    Case("adam-wd", lambda lib: lib.optim.Adam([_w(lib)], weight_decay=-1), ValueError,
         "Invalid weight_decay value: -1"),
    Case("adam-betas-types", lambda lib: lib.optim.Adam([_w(lib)], betas=(0, 0.999)),
         ValueError, "betas must be either both floats or both Tensors"),
    Case("adamw-beta0", lambda lib: lib.optim.AdamW([_w(lib)], betas=(-0.5, 0.999)), ValueError,
         "Invalid beta parameter at index 0: -0.5"),
    Case("adam-fused-differentiable", lambda lib: lib.optim.Adam(
        [_w(lib)], fused=True, differentiable=True), RuntimeError,
         "`fused` does not support `differentiable`"),
    Case("adam-capturable", lambda lib: _capturable_step(lib, "Adam"), AssertionError,
         "If capturable=True, params and state_steps must be on supported devices: ['cuda', "
         "'xpu', 'hpu', 'privateuseone', 'xla']."),
    Case("rmsprop-capturable", lambda lib: _capturable_step(lib, "RMSprop"), AssertionError,
         "If capturable=True, params and state_steps must be on supported devices: ['cuda', "
         "'xpu', 'hpu', 'privateuseone', 'xla']."),
    Case("rmsprop-lr", lambda lib: lib.optim.RMSprop([_w(lib)], lr=-1e-2), ValueError,
         "Invalid learning rate: -0.01"),
    Case("rmsprop-eps", lambda lib: lib.optim.RMSprop([_w(lib)], eps=-1e-8), ValueError,
         "Invalid epsilon value: -1e-08"),
    Case("rmsprop-momentum", lambda lib: lib.optim.RMSprop([_w(lib)], momentum=-1), ValueError,
         "Invalid momentum value: -1"),
    Case("rmsprop-wd", lambda lib: lib.optim.RMSprop([_w(lib)], weight_decay=-2), ValueError,
         "Invalid weight_decay value: -2"),
    Case("rmsprop-alpha", lambda lib: lib.optim.RMSprop([_w(lib)], alpha=-0.99), ValueError,
         "Invalid alpha value: -0.99"),
    Case("adagrad-lr", lambda lib: lib.optim.Adagrad([_w(lib)], lr=-1), ValueError,
         "Invalid learning rate: -1"),
    Case("adagrad-lr-decay", lambda lib: lib.optim.Adagrad([_w(lib)], lr_decay=-0.1),
         ValueError, "Invalid lr_decay value: -0.1"),
    Case("adagrad-wd", lambda lib: lib.optim.Adagrad([_w(lib)], weight_decay=-0.1), ValueError,
         "Invalid weight_decay value: -0.1"),
    Case("adagrad-initial", lambda lib: lib.optim.Adagrad([_w(lib)],
                                                          initial_accumulator_value=-1),
         ValueError, "Invalid initial_accumulator_value value: -1"),
    Case("adagrad-eps", lambda lib: lib.optim.Adagrad([_w(lib)], eps=-1e-10), ValueError,
         "Invalid epsilon value: -1e-10"),
    Case("adagrad-fused-foreach", lambda lib: lib.optim.Adagrad(
        [_w(lib)], foreach=True, fused=True), RuntimeError,
         "`fused` and `foreach` cannot be `True` together."),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
