"""jitgrad.distributions and the samplers under it (jitgrad/random_extra.py).

Seeded draws equal torch's bit for bit (hard-coded values, and torch
itself when installed); log_prob/entropy/mean/variance/cdf/icdf and
kl_divergence against torch in float64; rsample gradients against finite
differences (the generator reseeded for every evaluation) and against
torch where they are ATen's approximations (Gamma, Dirichlet, Beta);
validate_args and the samplers' errors with torch's types and texts."""
import math
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, gradcheck

D = jitgrad.distributions


def T(lib, x, dtype="float64"):
    return lib.tensor(np.asarray(x, dtype=dtype), dtype=getattr(lib, dtype))


def _torch():
    return pytest.importorskip("torch")


def _numpy(v):
    return v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)


# ------------------------------------------------------------------ seeded draws

HAND = [
    ("normal-tensor-std", lambda lib: lib.normal(T(lib, [0.0] * 3), T(lib, [1.0, 2.0, 3.0])),
     [1.5409961082440433, -0.5868578115218928, -6.536368146223673]),
    ("poisson", lambda lib: lib.poisson(T(lib, [0.5, 4.0, 30.0, 200.0], "float32")),
     [2.0, 5.0, 26.0, 185.0]),
    ("standard-gamma", lambda lib: lib._standard_gamma(T(lib, [0.3, 1.0, 2.5, 20.0])),
     [5.90695073130949e-06, 0.11898370896786938, 2.411419329661992, 17.09796214593858]),
    ("binomial", lambda lib: lib.binomial(T(lib, [5.0, 50.0, 100.0], "float32"),
                                          T(lib, [0.3, 0.5, 0.9], "float32")), [3.0, 27.0, 93.0]),
    ("cauchy_", lambda lib: lib.zeros(2, dtype=lib.float64).cauchy_(),
     [10.597729326682297, 0.7647672596059]),
    ("geometric_", lambda lib: lib.zeros(4).geometric_(0.3), [1.0, 1.0, 3.0, 1.0]),
    ("log_normal_", lambda lib: lib.zeros(2, dtype=lib.float64).log_normal_(),
     [59.26341788010752, 1.5115599370617072]),
    ("dirichlet", lambda lib: lib.distributions.Dirichlet(T(lib, [1.0, 2.0, 3.0])).sample(),
     [0.5282044006183483, 0.24112464450327642, 0.2306709548783754]),
    ("categorical", lambda lib: lib.distributions.Categorical(
        T(lib, [0.2, 0.3, 0.5], "float32")).sample((6,)), [2, 2, 1, 2, 2, 2]),
]


def test_seeded_draws_are_torchs():
    # values torch 2.13 prints after torch.manual_seed(0)
    for name, fn, want in HAND:
        jitgrad.manual_seed(0)
        np.testing.assert_array_equal(_numpy(fn(jitgrad)), want, err_msg=name)


DRAWS = [
    ("normal-tensor-float-big", lambda lib, dt: lib.normal(T(lib, np.linspace(0, 1, 37), dt), 2.5)),
    ("normal-float-tensor", lambda lib, dt: lib.normal(0.7, T(lib, np.ones((3, 7)), dt))),
    ("normal-broadcast", lambda lib, dt: lib.normal(T(lib, np.ones((5, 1)), dt), T(lib, [1, 2, 3], dt))),
    ("normal-size", lambda lib, dt: lib.normal(0.5, 3.0, (4, 5), dtype=getattr(lib, dt))),
    ("poisson", lambda lib, dt: lib.poisson(T(lib, [0.0, 0.5, 3.0, 12.0, 50.0, 1e4] * 4, dt))),
    ("binomial", lambda lib, dt: lib.binomial(T(lib, [5, 20, 100, 1000, 7, 0] * 4, dt),
                                              T(lib, [0.3, 0.6, 0.5, 0.01, 0.9, 0.5] * 4, dt))),
    ("standard-gamma", lambda lib, dt: lib._standard_gamma(T(lib, [0.05, 0.3, 1, 2.5, 10] * 5, dt))),
    ("cauchy_-non-contiguous", lambda lib, dt: T(lib, np.zeros((3, 4)), dt).t().cauchy_(1.0, 2.0)),
    ("log_normal_", lambda lib, dt: T(lib, np.zeros(21), dt).log_normal_(0.5, 0.3)),
    ("geometric_", lambda lib, dt: T(lib, np.zeros(30), dt).geometric_(0.2)),
    ("normal-rsample", lambda lib, dt: lib.distributions.Normal(T(lib, [0, 1], dt), T(lib, [1, 2], dt)).rsample((9,))),
    ("bernoulli", lambda lib, dt: lib.distributions.Bernoulli(T(lib, [0.2, 0.9], dt)).sample((5,))),
    ("uniform", lambda lib, dt: lib.distributions.Uniform(T(lib, [0, -1], dt), T(lib, [1, 3], dt)).rsample((4,))),
    ("exponential", lambda lib, dt: lib.distributions.Exponential(T(lib, [0.5, 2], dt)).rsample((4,))),
    ("gamma", lambda lib, dt: lib.distributions.Gamma(T(lib, [0.5, 3], dt), T(lib, [2, 1], dt)).rsample((4,))),
    ("beta", lambda lib, dt: lib.distributions.Beta(T(lib, [0.5, 3], dt), T(lib, [2, 1], dt)).sample((4,))),
    ("one-hot-categorical", lambda lib, dt: lib.distributions.OneHotCategorical(
        T(lib, [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dt)).sample((3,))),
    ("mvn", lambda lib, dt: lib.distributions.MultivariateNormal(
        T(lib, [0, 1], dt), scale_tril=T(lib, [[1, 0], [0.5, 2]], dt)).rsample((20,))),
]


@pytest.mark.parametrize("name,fn", DRAWS, ids=[d[0] for d in DRAWS])
def test_seeded_draws_equal_torchs_and_leave_the_generator_where_torch_does(name, fn):
    torch = _torch()
    for dtype in ("float32", "float64"):
        got = []
        for lib in (jitgrad, torch):
            lib.manual_seed(3)
            first = _numpy(fn(lib, dtype))
            got.append((first, _numpy(lib.rand(2, dtype=lib.float64))))
        np.testing.assert_array_equal(got[0][0], got[1][0], err_msg=dtype)
        np.testing.assert_array_equal(got[0][1], got[1][1], err_msg=dtype)


def test_draws_record_torchs_zero_gradient_nodes():
    m = jitgrad.zeros(3, requires_grad=True)
    s = jitgrad.ones(3, requires_grad=True)
    assert jitgrad.normal(m, s).grad_fn.name() == "NormalBackward3"
    assert jitgrad.normal(m, 2.0).grad_fn.name() == "NormalBackward1"
    y = jitgrad.normal(0.0, s)
    assert y.grad_fn.name() == "NormalBackward2"
    y.sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), [0.0, 0.0, 0.0])
    assert jitgrad.poisson(s).grad_fn.name() == "PoissonBackward0"
    assert jitgrad._standard_gamma(s).grad_fn.name() == "StandardGammaBackward0"
    out = jitgrad.ones(2)
    assert jitgrad.normal(0.0, 1.0, (2,), out=out) is out


# ------------------------------------------------------------------ densities and moments

def _dists(lib):
    d = lib.distributions
    return {
        "Normal": d.Normal(T(lib, [0, 1, -2]), T(lib, [1, 2, 0.5])),
        "Normal-numbers": d.Normal(0.5, 2.0),
        "Bernoulli-logits": d.Bernoulli(logits=T(lib, [-1, 0.3, 2])),
        "Categorical": d.Categorical(T(lib, [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])),
        "OneHotCategorical": d.OneHotCategorical(logits=T(lib, [[0.2, -0.3, 0.5]])),
        "Uniform": d.Uniform(T(lib, [0, -1]), T(lib, [1, 3])),
        "Beta": d.Beta(T(lib, [0.5, 2, 3]), T(lib, [1.5, 0.7, 3])),
        "Gamma": d.Gamma(T(lib, [0.5, 2, 3]), T(lib, [1.5, 0.7, 3])),
        "Dirichlet": d.Dirichlet(T(lib, [[0.5, 2, 3], [1, 1, 1]])),
        "Exponential": d.Exponential(T(lib, [0.5, 2, 3])),
        "Laplace": d.Laplace(T(lib, [0, 1, -2]), T(lib, [1, 2, 0.5])),
        "MVN-covariance": d.MultivariateNormal(T(lib, [0, 1]), covariance_matrix=T(lib, [[2, 0.5], [0.5, 1]])),
        "MVN-precision-batched": d.MultivariateNormal(T(lib, [[0, 1], [1, 1]]),
                                                      precision_matrix=T(lib, [[2, 0.5], [0.5, 1]])),
        "Independent": d.Independent(d.Normal(T(lib, [[0, 1, -2]]), T(lib, [[1, 2, 0.5]])), 1),
        "LogNormal": d.LogNormal(T(lib, [0, 1, -2]), T(lib, [1, 2, 0.5])),
        "Poisson": d.Poisson(T(lib, [0.5, 2, 30])),
        "Binomial": d.Binomial(T(lib, [5, 5, 5]), T(lib, [0.3, 0.6, 0.2])),
        "RelaxedBernoulli": d.RelaxedBernoulli(T(lib, 0.7), T(lib, [0.2, 0.5, 0.9])),
        "RelaxedOneHotCategorical": d.RelaxedOneHotCategorical(T(lib, 0.7), T(lib, [[0.2, 0.3, 0.5]])),
        "Transformed": d.TransformedDistribution(
            d.Normal(T(lib, [0, 1]), T(lib, [1, 2])),
            [d.AffineTransform(1.0, 2.0), d.SigmoidTransform(), d.AffineTransform(T(lib, 1.0), T(lib, -2.0))]),
        "Transformed-tanh": d.TransformedDistribution(
            d.Normal(T(lib, [0, 1]), T(lib, [1, 2])), d.ComposeTransform([d.TanhTransform()])),
    }


NAMES = list(_dists(jitgrad))


@pytest.mark.parametrize("name", NAMES)
def test_densities_and_moments_equal_torchs(name):
    torch = _torch()
    values = {}
    for lib in (jitgrad, torch):
        d = _dists(lib)[name]
        lib.manual_seed(11)
        x = d.sample((3,))
        x = T(lib, _numpy(x)) if x.dtype == lib.float64 else x
        got = {"shape": (tuple(d.batch_shape), tuple(d.event_shape)), "lp": d.log_prob(x),
               "expand": tuple(d.expand((4,) + tuple(d.batch_shape)).sample().shape),
               "support": repr(d.support)}
        for attr in ("mean", "variance", "stddev", "mode"):
            try:
                got[attr] = getattr(d, attr)
            except NotImplementedError:
                got[attr] = "NotImplemented"
        for meth, arg in (("entropy", None), ("cdf", 0.3), ("icdf", 0.3)):
            try:
                got[meth] = getattr(d, meth)() if arg is None else getattr(d, meth)(
                    T(lib, np.full(tuple(d.batch_shape), arg)))
            except (NotImplementedError, ValueError, AttributeError):
                got[meth] = "NotImplemented"
        values[lib] = got
    for k, want in values[torch].items():
        have = values[jitgrad][k]
        if isinstance(want, (str, tuple)):
            assert have == want.replace("torch.", "jitgrad.") if isinstance(want, str) else have == want, k
        else:
            np.testing.assert_allclose(_numpy(have), _numpy(want), rtol=1e-12, atol=1e-12,
                                       err_msg=k)


def test_hand_derived_values():
    n = D.Normal(T(jitgrad, [1.0]), T(jitgrad, [2.0]))
    np.testing.assert_allclose(n.log_prob(T(jitgrad, [1.0])).numpy(),
                               [-math.log(2.0) - 0.5 * math.log(2 * math.pi)], rtol=1e-15)
    np.testing.assert_allclose(n.cdf(T(jitgrad, [1.0])).numpy(), [0.5])
    e = D.Exponential(T(jitgrad, [2.0]))
    np.testing.assert_allclose(e.entropy().numpy(), [1 - math.log(2.0)], rtol=1e-15)
    g = D.Gamma(T(jitgrad, [1.0]), T(jitgrad, [3.0]))          # = Exponential(3)
    np.testing.assert_allclose(g.log_prob(T(jitgrad, [0.5])).numpy(), [math.log(3) - 1.5],
                               rtol=1e-14)
    kl = D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0))
    np.testing.assert_allclose(kl.numpy(), 0.5)
    assert repr(n) == "Normal(loc: tensor([1.], dtype=jitgrad.float64), scale: " \
                      "tensor([2.], dtype=jitgrad.float64))"
    assert repr(D.constraints.positive) == "GreaterThan(lower_bound=0.0)"


# ------------------------------------------------------------------ kl_divergence

KL_PAIRS = [("Normal", "Laplace"), ("Bernoulli", "Poisson"), ("Beta", "Normal"),
            ("Beta", "Uniform"), ("Exponential", "Gamma"), ("Gamma", "Normal"),
            ("Uniform", "Beta"), ("Uniform", "Gamma"), ("Normal", "Gamma")]
SAME = ["Normal", "Bernoulli", "Categorical", "OneHotCategorical", "Uniform", "Beta", "Gamma",
        "Dirichlet", "Exponential", "Laplace", "MVN", "Independent", "LogNormal", "Poisson",
        "Binomial"]


def _kl_dists(lib, which):
    d = lib.distributions
    a, b = which
    make = {
        "Normal": lambda: d.Normal(T(lib, [0, 1, -2]), T(lib, [1, 2, 0.5 + b])),
        "Bernoulli": lambda: d.Bernoulli(T(lib, [0.2, 0.5 + 0.1 * b, 1.0 - b])),
        "Categorical": lambda: d.Categorical(T(lib, [[0.2, 0.3, 0.5], [0.1, 0.1 * b, 0.8]])),
        "OneHotCategorical": lambda: d.OneHotCategorical(logits=T(lib, [[0.2, b, 0.5]])),
        "Uniform": lambda: d.Uniform(T(lib, [0.1, 0.2 - 0.1 * b, 0.3]), T(lib, [0.6, 0.9, 0.5])),
        "Beta": lambda: d.Beta(T(lib, [0.5, 2, 3 + b]), T(lib, [1.5, 0.7, 3])),
        "Gamma": lambda: d.Gamma(T(lib, [0.5, 2 + b, 3]), T(lib, [1.5, 0.7, 3])),
        "Dirichlet": lambda: d.Dirichlet(T(lib, [[0.5, 2, 3 + b], [1, 1, 1]])),
        "Exponential": lambda: d.Exponential(T(lib, [0.5, 2 + b, 3])),
        "Laplace": lambda: d.Laplace(T(lib, [0, 1, -2 + b]), T(lib, [1, 2, 0.5])),
        "MVN": lambda: d.MultivariateNormal(T(lib, [0, b]), scale_tril=T(lib, [[2, 0], [0.5 + b, 1]])),
        "Independent": lambda: d.Independent(d.Normal(T(lib, [[0, 1, -2]]), T(lib, [[1, 2, 0.5 + b]])), 1),
        "LogNormal": lambda: d.LogNormal(T(lib, [0, 1, -2]), T(lib, [1, 2, 0.5 + b])),
        "Poisson": lambda: d.Poisson(T(lib, [0.5, 2 + b, 30])),
        "Binomial": lambda: d.Binomial(T(lib, [5, 5, 6 - b]), T(lib, [0.3, 0.6, 0.2])),
    }
    return make


def _kl_both(p, q):
    torch = _torch()
    got = []
    for lib in (jitgrad, torch):
        dp = _kl_dists(lib, (p, 0))[p]()
        dq = _kl_dists(lib, (q, 1))[q]()
        got.append(_numpy(lib.distributions.kl_divergence(dp, dq)))
    np.testing.assert_allclose(got[0], got[1], rtol=1e-12, atol=1e-12, err_msg=f"{p} {q}")


@pytest.mark.parametrize("name", SAME)
def test_kl_divergence_of_one_family_equals_torchs(name):
    _kl_both(name, name)


def test_kl_divergence_across_families_equals_torchs():
    for p, q in KL_PAIRS:
        _kl_both(p, q)


def test_register_kl_dispatches_to_the_most_specific_pair():
    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return jitgrad.tensor(42.0)
    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 42.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 0.0
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Poisson(1.0), D.Normal(0.0, 1.0))


# ------------------------------------------------------------------ rsample gradients

def _reseeded(make):
    """f(*params) = rsample of make(*params) with the generator reseeded:
    a deterministic function of the parameters, for finite differences."""
    def f(*params):
        jitgrad.manual_seed(7)
        return make(*params).rsample((3,))
    return f


FD = [
    ("Normal", lambda a, b: D.Normal(a, b), [np.array([0.0, 1.0]), np.array([1.0, 2.0])]),
    ("Uniform", lambda a, b: D.Uniform(a, b), [np.array([0.0, 1.0]), np.array([1.0, 2.5])]),
    ("Exponential", lambda a: D.Exponential(a), [np.array([0.5, 2.0])]),
    ("Laplace", lambda a, b: D.Laplace(a, b), [np.array([0.0, 1.0]), np.array([1.0, 2.0])]),
    ("LogNormal", lambda a, b: D.LogNormal(a, b), [np.array([0.0, 1.0]), np.array([1.0, 0.2])]),
    ("MVN", lambda a, b: D.MultivariateNormal(a, scale_tril=b, validate_args=False),
     [np.array([0.0, 1.0]), np.array([[1.0, 0.0], [0.3, 2.0]])]),
    ("RelaxedBernoulli", lambda t, p: D.RelaxedBernoulli(t, p), [np.array(0.5), np.array([0.3, 0.6])]),
    ("RelaxedOneHotCategorical", lambda t, lg: D.RelaxedOneHotCategorical(t, logits=lg),
     [np.array(0.5), np.array([0.3, 0.6, -1.0])]),
    ("Transformed-tanh-affine", lambda a, b: D.TransformedDistribution(
        D.Normal(a, b), [D.AffineTransform(0.5, 0.3), D.TanhTransform()]),
     [np.array([0.0, 1.0]), np.array([1.0, 2.0])]),
]


@pytest.mark.parametrize("name,make,params", FD, ids=[f[0] for f in FD])
def test_rsample_gradients_against_finite_differences(name, make, params):
    gradcheck(_reseeded(make), *params)


@pytest.mark.parametrize("name", ["Gamma", "Dirichlet", "Beta"])
def test_implicit_reparameterisation_gradients_equal_torchs(name):
    torch = _torch()
    grads = []
    for lib in (jitgrad, torch):
        a = lib.tensor([0.5, 3.0, 12.0], dtype=lib.float64, requires_grad=True)
        b = lib.tensor([1.0, 2.0, 9.0], dtype=lib.float64, requires_grad=True)
        d = {"Gamma": lambda: lib.distributions.Gamma(a, b),
             "Dirichlet": lambda: lib.distributions.Dirichlet(lib.stack([a, b], -1)),
             "Beta": lambda: lib.distributions.Beta(a, b)}[name]()
        lib.manual_seed(5)
        x = d.rsample((4,))
        (x * x).sum().backward()
        grads.append((_numpy(x), a.grad.numpy(), b.grad.numpy()))
    for mine, theirs in zip(*grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ validation and errors

def test_validate_args_switches():
    D.Normal(T(jitgrad, [0.0]), T(jitgrad, [-1.0]), validate_args=False)   # no check
    d = D.Exponential(T(jitgrad, [1.0]), validate_args=False)
    assert np.isfinite(d.log_prob(T(jitgrad, [-1.0])).numpy()).all()
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(T(jitgrad, [0.0]), T(jitgrad, [-1.0]))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(T(jitgrad, [0.0]), T(jitgrad, [-1.0]))


Err = namedtuple("Err", "id run exc message")
ERRORS = [
    Err("normal-scale", lambda lib: lib.distributions.Normal(lib.tensor([0.0, 1.0]), lib.tensor([-1.0, 1.0])),
        ValueError, "Expected parameter scale (Tensor of shape (2,)) of distribution Normal(loc: "
        "jitgrad.Size([2]), scale: jitgrad.Size([2])) to satisfy the constraint "
        "GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([-1.,  1.])"),
    Err("value-type", lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(1.0), ValueError,
        "The value argument to log_prob must be a Tensor"),
    Err("support", lambda lib: lib.distributions.Exponential(lib.tensor([1.0, 2.0])).log_prob(
        lib.tensor([-1.0, 1.0])), ValueError,
        "Expected value argument (Tensor of shape (2,)) to be within the support "
        "(GreaterThanEq(lower_bound=0.0)) of the distribution Exponential(rate: jitgrad.Size([2])), "
        "but found invalid values:\ntensor([-1.,  1.])"),
    Err("value-shape", lambda lib: lib.distributions.Exponential(lib.tensor([1.0, 2.0])).log_prob(
        lib.tensor([1.0, 1.0, 1.0])), ValueError,
        "Value is not broadcastable with batch_shape+event_shape: jitgrad.Size([3]) vs "
        "jitgrad.Size([2])."),
    Err("event-shape", lambda lib: lib.distributions.Dirichlet(lib.tensor([1.0, 2.0])).log_prob(
        lib.tensor([0.5, 0.2, 0.3])), ValueError,
        "The right-most size of value must match event_shape: jitgrad.Size([3]) vs jitgrad.Size([2])."),
    Err("probs-and-logits", lambda lib: lib.distributions.Bernoulli(lib.tensor([0.5]), lib.tensor([0.5])),
        ValueError, "Either `probs` or `logits` must be specified, but not both."),
    Err("uniform-low-high", lambda lib: lib.distributions.Uniform(lib.tensor([1.0]), lib.tensor([0.0])),
        ValueError, "Expected parameter low (Tensor of shape (1,)) of distribution Uniform(low: "
        "tensor([1.]), high: tensor([0.])) to satisfy the constraint "
        "LessThan(upper_bound=tensor([0.])), but found invalid values:\ntensor([1.])"),
    Err("mvn-none", lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)), ValueError,
        "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."),
    Err("mvn-loc", lambda lib: lib.distributions.MultivariateNormal(lib.tensor(0.0), lib.eye(2)),
        ValueError, "loc must be at least one-dimensional."),
    Err("kl-cross-family", lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Poisson(lib.tensor([1.0])), lib.distributions.Normal(0.0, 1.0)),
        NotImplementedError, "The cross KL-divergence between different exponential families "
        "cannot                             be computed using Bregman divergences"),
    Err("normal-negative-std", lambda lib: lib.normal(lib.ones(2), -1.0), RuntimeError,
        "normal expects std >= 0.0, but found std -1"),
    Err("normal-tensor-std", lambda lib: lib.normal(lib.ones(2), lib.tensor([-1.0, 1.0])),
        RuntimeError, "normal expects all elements of std >= 0.0"),
    Err("poisson-rate", lambda lib: lib.poisson(lib.tensor([-1.0])), RuntimeError,
        "invalid Poisson rate, expected rate to be non-negative"),
    Err("geometric-p", lambda lib: lib.ones(2).geometric_(2), RuntimeError,
        "geometric_ expects p to be in (0, 1), but got p=2"),
    Err("log-normal-std", lambda lib: lib.ones(2).log_normal_(0, 0), RuntimeError,
        "log_normal_ expects std > 0.0, but found std=0"),
    Err("cauchy-sigma", lambda lib: lib.ones(2).cauchy_(0, 0), RuntimeError,
        "cauchy_ expects sigma > 0.0, but found sigma=0"),
]
test_error, test_error_is_torchs = error_tests(ERRORS)


def test_argument_parser_errors_name_torch_generator_as_torch_does():
    # (torch's own wording, "torch.Generator", which error_tests would rename)
    with pytest.raises(TypeError) as err:
        jitgrad.normal(1.0, 1.0)
    assert str(err.value).startswith(
        "normal() received an invalid combination of arguments - got (float, float), but "
        "expected one of:\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, ")
    with pytest.raises(TypeError) as err:
        jitgrad.ones(2).cauchy_(generator=1)
    assert str(err.value) == "cauchy_(): argument 'generator' must be torch.Generator, not int"
    try:
        import torch
    except ImportError:
        return
    for run in (lambda lib: lib.normal(1.0, 1.0), lambda lib: lib.ones(2).cauchy_(generator=1)):
        texts = []
        for lib in (jitgrad, torch):
            with pytest.raises(TypeError) as err:
                run(lib)
            texts.append(str(err.value))
        assert texts[0] == texts[1]
