"""Adamax, NAdam, RAdam, Adadelta, ASGD, Rprop and LBFGS: torch's parameters
and state step for step (the same gradients fed to both, default and
non-default hyper-parameters, float32 and float64), first steps derived by
hand, state_dict round trips, and torch's errors."""
import copy
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests
from jitgrad import optim

CONFIGS = {
    "adamax": ("Adamax", {}),
    "adamax-wd-max": ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1,
                                     maximize=True)),
    "nadam": ("NAdam", {}),
    "nadam-decoupled": ("NAdam", dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01,
                                      decoupled_weight_decay=True)),
    "nadam-l2-max": ("NAdam", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    "radam": ("RAdam", {}),
    "radam-decoupled": ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1,
                                      decoupled_weight_decay=True)),
    "radam-l2-max": ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1,
                                   maximize=True)),
    "adadelta": ("Adadelta", {}),
    "adadelta-wd-max": ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1,
                                         maximize=True)),
    "asgd": ("ASGD", {}),
    "asgd-averaging": ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1)),
    "rprop": ("Rprop", {}),
    "rprop-bounds-max": ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1),
                                       maximize=True)),
}


def _grad(a, k):
    """A gradient computed in numpy from the parameter's values: both
    libraries get the same bits, so only the updates are compared."""
    return np.sin(3 * a + k) * (1 + a * a) - 0.3 * (k % 3 == 1)


def _run(lib, config, dtype, steps=20):
    name, kwargs = CONFIGS[config]
    rng = np.random.default_rng(0)
    dt = getattr(lib, dtype)
    params = [lib.tensor(rng.standard_normal(shape), dtype=dt, requires_grad=True)
              for shape in ((3, 4), (5,))]
    opt = getattr(lib.optim, name)([{"params": params[:1]},
                                    {"params": params[1:], "lr": 0.03}], **kwargs)
    seq = []
    for k in range(steps):
        for p in params:
            p.grad = lib.tensor(_grad(p.detach().numpy(), k))
        opt.step()
        seq.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(seq), opt


def _state(opt):
    return {i: {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
                for k, v in s.items()} for i, s in opt.state_dict()["state"].items()}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch_step_for_step(config, dtype):
    """20 steps: float64 bit for bit; float32 to an ulp (torch's vectorised
    sqrt and its unfused tail loop round differently in the last bit)."""
    torch = pytest.importorskip("torch")
    got, opt = _run(jitgrad, config, dtype)
    want, topt = _run(torch, config, dtype)
    assert got.dtype == want.dtype
    tol = dict(rtol=2e-6, atol=1e-7) if dtype == "float32" else dict(rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(got, want, **tol)
    mine, theirs = _state(opt), _state(topt)
    assert list(mine) == list(theirs)
    for i in theirs:
        assert list(mine[i]) == list(theirs[i])
        for k in theirs[i]:
            assert mine[i][k].dtype == theirs[i][k].dtype, k
            np.testing.assert_allclose(mine[i][k], theirs[i][k], **tol, err_msg=k)
    groups = opt.state_dict()["param_groups"]
    assert groups == topt.state_dict()["param_groups"]


# ---------------------------------------------------------------- by hand
def _first_step(name, g, x, **kwargs):
    p = jitgrad.tensor(np.array(x), requires_grad=True)
    opt = getattr(optim, name)([p], **kwargs)
    p.grad = jitgrad.tensor(np.array(g))
    opt.step()
    return p.detach().numpy(), opt.state[p]


G, X = [0.5, -2.0, 0.0], [1.0, 2.0, -3.0]


def test_adamax_first_step_by_hand():
    # m = 0.1 g, u = |g| + eps, p -= lr/(1 - 0.9) * m/u = lr * g/(|g| + eps)
    g, x = np.array(G), np.array(X)
    got, s = _first_step("Adamax", G, X, lr=0.1)
    np.testing.assert_allclose(got, x - 0.1 / 0.1 * (0.1 * g) / (np.abs(g) + 1e-8), rtol=1e-15)
    np.testing.assert_array_equal(s["exp_inf"].numpy(), np.abs(g) + 1e-8)


def test_nadam_first_step_by_hand():
    lr, b1, b2, psi = 0.1, 0.9, 0.999, 4e-3
    g, x = np.array(G), np.array(X)
    mu = b1 * (1 - 0.5 * 0.96 ** psi)
    mu_next = b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    m, v = (1 - b1) * g, (1 - b2) * g * g
    denom = np.sqrt(v / (1 - b2)) + 1e-8
    mp = float(np.float32(mu))        # mu_product: a 0-d tensor of the default dtype
    want = x - lr * (1 - mu) / (1 - mp) * g / denom - lr * mu_next / (1 - mp * mu_next) * m / denom
    got, s = _first_step("NAdam", G, X, lr=lr)
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert float(s["mu_product"]) == mp


def test_radam_is_sgd_on_the_bias_corrected_mean_early_on():
    # rho_t <= 5 in the first steps: p -= lr * m / (1 - beta1^t), m/(1-beta1) = g at step 1
    got, _ = _first_step("RAdam", G, X, lr=0.1)
    np.testing.assert_allclose(got, np.array(X) - 0.1 * np.array(G), rtol=1e-15)


def test_adadelta_first_step_by_hand():
    g, x, rho, eps = np.array(G), np.array(X), 0.9, 1e-6
    v = (1 - rho) * g * g
    delta = np.sqrt(eps) / np.sqrt(v + eps) * g
    got, s = _first_step("Adadelta", G, X, lr=0.5)
    np.testing.assert_allclose(got, x - 0.5 * delta, rtol=1e-15)
    np.testing.assert_allclose(s["acc_delta"].numpy(), (1 - rho) * delta * delta, rtol=1e-15)


def test_asgd_first_step_and_schedules_by_hand():
    g, x = np.array(G), np.array(X)
    lr, lambd, alpha = 0.1, 0.01, 0.75
    got, s = _first_step("ASGD", G, X, lr=lr, lambd=lambd, t0=0.0)
    eta = float(np.float32(lr))       # eta: a 0-d tensor of the default dtype
    np.testing.assert_allclose(got, x * (1 - lambd * eta) - eta * g, rtol=1e-15)
    np.testing.assert_array_equal(s["ax"].numpy(), got)        # mu was 1: ax = p
    assert float(s["eta"]) == np.float32(lr / (1 + lambd * lr) ** alpha)
    assert float(s["mu"]) == 1.0 and float(s["step"]) == 1.0


def test_rprop_step_sizes_by_hand():
    """Same sign: step size * etaplus; sign flip: * etaminus and no move; zero: kept."""
    p = jitgrad.tensor(np.zeros(3), requires_grad=True)
    opt = optim.Rprop([p], lr=0.1)
    for g in ([1.0, 1.0, 0.0], [2.0, -1.0, 0.0]):
        p.grad = jitgrad.tensor(np.array(g))
        opt.step()
    np.testing.assert_allclose(opt.state[p]["step_size"].numpy(), [0.12, 0.05, 0.1])
    np.testing.assert_allclose(p.detach().numpy(), [-0.22, -0.1, 0.0])
    np.testing.assert_array_equal(opt.state[p]["prev"].numpy(), [2.0, 0.0, 0.0])


def test_float32_stays_float32():
    for name, kwargs in CONFIGS.values():
        p = jitgrad.tensor(np.array(X, dtype=np.float32), requires_grad=True)
        opt = getattr(optim, name)([p], **kwargs)
        p.grad = jitgrad.tensor(np.array(G, dtype=np.float32))
        opt.step()
        assert p.dtype is jitgrad.float32
        assert all(v.dtype is jitgrad.float32 for v in opt.state[p].values()), name


@pytest.mark.parametrize("config", ["adamax", "radam", "adadelta", "rprop"])
def test_state_dict_round_trip_continues_identically(config):
    straight, _ = _run(jitgrad, config, "float64", steps=12)
    _, opt = _run(jitgrad, config, "float64", steps=6)
    saved = copy.deepcopy(opt.state_dict())
    name, kwargs = CONFIGS[config]
    params = [jitgrad.tensor(straight[5][:12].reshape(3, 4), requires_grad=True),
              jitgrad.tensor(straight[5][12:], requires_grad=True)]
    opt2 = getattr(optim, name)([{"params": params[:1]}, {"params": params[1:]}], **kwargs)
    opt2.load_state_dict(saved)
    for k in range(6, 12):
        for p in params:
            p.grad = jitgrad.tensor(_grad(p.detach().numpy(), k))
        opt2.step()
    np.testing.assert_array_equal(
        np.concatenate([p.detach().numpy().ravel() for p in params]), straight[-1])


def test_load_casts_scalar_state_to_the_parameter_dtype():
    """As torch does: every loaded state tensor but "step" takes the
    parameter's dtype, NAdam's mu_product and ASGD's eta and mu included."""
    for config, keys in (("nadam", ("mu_product",)), ("asgd", ("eta", "mu"))):
        _, opt = _run(jitgrad, config, "float64", steps=2)
        sd = opt.state_dict()
        assert all(sd["state"][0][k].dtype is jitgrad.float32 for k in keys)
        opt.load_state_dict(copy.deepcopy(sd))
        p = opt.param_groups[0]["params"][0]
        assert all(opt.state[p][k].dtype is jitgrad.float64 for k in keys)
        assert opt.state[p]["step"].dtype is jitgrad.float32
        p.grad = jitgrad.ones_like(p)
        opt.step()


# ---------------------------------------------------------------- LBFGS
def _lbfgs_run(lib, dtype, steps, **kwargs):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 6))
    a = a @ a.T / 6 + np.eye(6)
    dt = getattr(lib, dtype)
    x = lib.tensor(rng.standard_normal(6), dtype=dt, requires_grad=True)
    A, c = lib.tensor(a, dtype=dt), lib.tensor(rng.standard_normal(6), dtype=dt)
    opt = lib.optim.LBFGS([x], **kwargs)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x * (A * x).sum(1)).sum() - (c * x).sum() + 0.05 * (x ** 4).sum()
        loss.backward()
        return loss

    seq = []
    for _ in range(steps):
        loss = opt.step(closure)
        seq.append(np.append(x.detach().numpy(), float(loss.detach())))
    return np.array(seq), opt.state[x]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", [dict(max_iter=3),
                                    dict(lr=0.5, max_iter=4, history_size=2,
                                         line_search_fn="strong_wolfe")],
                         ids=["fixed-step", "strong-wolfe"])
def test_lbfgs_matches_torch(kwargs, dtype):
    """float64 to rounding over 6 steps; float32 over the first 3 (its last
    bits, from BLAS dot products, steer the line search near convergence)."""
    torch = pytest.importorskip("torch")
    steps = 6 if dtype == "float64" else 3
    got, s = _lbfgs_run(jitgrad, dtype, steps, **kwargs)
    want, ts = _lbfgs_run(torch, dtype, steps, **kwargs)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got, want, **tol)
    assert (s["func_evals"], s["n_iter"]) == (ts["func_evals"], ts["n_iter"])
    assert sorted(s) == sorted(ts)
    assert len(s["old_dirs"]) == len(ts["old_dirs"])
    np.testing.assert_allclose(s["d"].numpy(), ts["d"].numpy(), **tol)


def test_lbfgs_first_iteration_by_hand():
    """Iteration 1 is a steepest-descent step of length min(1, 1/|g|_1) * lr."""
    x0 = np.array([1.0, -2.0, 0.5])
    x = jitgrad.tensor(x0, requires_grad=True)
    opt = optim.LBFGS([x], lr=0.8, max_iter=1)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    g = 2 * x0
    np.testing.assert_allclose(x.detach().numpy(), x0 - 0.8 / np.abs(g).sum() * g, rtol=1e-15)
    assert float(loss) == (x0 * x0).sum() and opt.state[x]["func_evals"] == 1


def test_lbfgs_strong_wolfe_solves_a_quadratic():
    x = jitgrad.tensor(np.array([3.0, -1.0, 2.0]), requires_grad=True)
    w = jitgrad.tensor(np.array([1.0, 10.0, 100.0]))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (w * (x - 1) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0, 1.0], atol=1e-6)


def test_lbfgs_state_dict_round_trip_continues_identically():
    def make():
        x = jitgrad.tensor(np.array([3.0, -1.0, 2.0]), requires_grad=True)
        w = jitgrad.tensor(np.array([1.0, 10.0, 100.0]))
        opt = optim.LBFGS([x], max_iter=2, history_size=3)

        def closure():
            opt.zero_grad()
            loss = (w * (x - 1) ** 2).sum() + 0.01 * (x ** 4).sum()
            loss.backward()
            return loss
        return x, opt, closure

    x, opt, closure = make()
    for _ in range(3):
        opt.step(closure)
    saved, at = copy.deepcopy(opt.state_dict()), x.detach().numpy().copy()
    for _ in range(3):
        opt.step(closure)
    x2, opt2, closure2 = make()
    with jitgrad.no_grad():
        x2.copy_(jitgrad.tensor(at))
    opt2.load_state_dict(saved)
    for _ in range(3):
        opt2.step(closure2)
    np.testing.assert_array_equal(x2.detach().numpy(), x.detach().numpy())
    assert len(opt2.state[x2]["old_dirs"]) == 3


# ---------------------------------------------------------------- errors
Case = namedtuple("Case", "id run exc message")


def _params(lib):
    return [lib.zeros(2, requires_grad=True)]


def _capturable_step(name, **kwargs):
    def run(lib):
        p = lib.zeros(2, requires_grad=True)
        opt = getattr(lib.optim, name)([p], capturable=True, **kwargs)
        p.grad = lib.ones(2)
        opt.step()
    return run


def _lbfgs_bad_line_search(lib):
    x = lib.ones(2, requires_grad=True)
    opt = lib.optim.LBFGS([x], line_search_fn="wolfe")

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss
    opt.step(closure)


ERRORS = [
    Case("adamax-lr", lambda lib: lib.optim.Adamax(_params(lib), lr=-1.0), ValueError,
         "Invalid learning rate: -1.0"),
    Case("adamax-beta1", lambda lib: lib.optim.Adamax(_params(lib), betas=(1.0, 0.9)),
         ValueError, "Invalid beta parameter at index 0: 1.0"),
    Case("nadam-momentum-decay", lambda lib: lib.optim.NAdam(_params(lib), momentum_decay=-1),
         ValueError, "Invalid momentum_decay value: -1"),
    Case("radam-beta2", lambda lib: lib.optim.RAdam(_params(lib), betas=(0.9, -0.1)),
         ValueError, "Invalid beta parameter at index 1: -0.1"),
    Case("adadelta-rho", lambda lib: lib.optim.Adadelta(_params(lib), rho=1.5), ValueError,
         "Invalid rho value: 1.5"),
    Case("asgd-weight-decay", lambda lib: lib.optim.ASGD(_params(lib), weight_decay=-0.1),
         ValueError, "Invalid weight_decay value: -0.1"),
    Case("rprop-etas", lambda lib: lib.optim.Rprop(_params(lib), etas=(0.5, 0.9)), ValueError,
         "Invalid eta values: 0.5, 0.9"),
    Case("lbfgs-groups", lambda lib: lib.optim.LBFGS([{"params": _params(lib)},
                                                      {"params": _params(lib)}]),
         ValueError, "LBFGS doesn't support per-parameter options (parameter groups)"),
    Case("lbfgs-line-search", _lbfgs_bad_line_search, RuntimeError,
         "only 'strong_wolfe' is supported"),
    Case("nadam-capturable", _capturable_step("NAdam"), AssertionError,
         "If capturable=True, params, mu_products and state_steps must be on supported "
         "devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']."),
    Case("asgd-capturable", _capturable_step("ASGD"), AssertionError,
         "If capturable=True, params, mus, etas, and state_steps must be on supported "
         "devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']."),
    Case("adadelta-capturable", _capturable_step("Adadelta"), AssertionError,
         "If capturable=True, params and state_steps must be on supported devices: "
         "['cuda', 'xpu', 'hpu', 'privateuseone']."),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
