"""Gradients of gradients (create_graph=True) for every op in the table:
gradgradcheck in float64, torch's second derivatives when installed, and
the hand-derived ones the issue names."""
import numpy as np
import pytest

import jitgrad
from jitgrad import derivatives
from test_ops_elementwise import BINARY_DOMAIN, OPERATOR, UNARY_DOMAIN

rng = np.random.default_rng(0)
# relu, abs, sign-like ops are piecewise linear: their second derivative is
# zero and their first derivative does not depend on x (nothing to check)
PIECEWISE = {"relu", "abs", "neg", "sign", "floor", "ceil", "round", "trunc", "frac"}
UNARY = sorted(n for n in derivatives.UNARY if n not in PIECEWISE)
BINARY = sorted(derivatives.BINARY)


def tensor64(a):
    return jitgrad.tensor(a, dtype=jitgrad.float64, requires_grad=True)


@pytest.mark.parametrize("name", UNARY)
def test_unary_gradgradcheck(name):
    x = tensor64(UNARY_DOMAIN[name]((3,), rng))
    assert jitgrad.autograd.gradgradcheck(getattr(jitgrad, name), (x,))


@pytest.mark.parametrize("name", BINARY)
def test_binary_gradgradcheck(name):
    da, db = BINARY_DOMAIN[name]
    a, b = tensor64(da((2, 3), rng)), tensor64(db((3,), rng))
    assert jitgrad.autograd.gradgradcheck(OPERATOR[name], (a, b))


def second_derivative(lib, fn, values):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    (g,) = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
    (h,) = lib.autograd.grad(g.sum(), x)
    return g.detach().numpy(), h.numpy()


HAND = {
    "cube": (lambda lib, x: x ** 3, lambda v: 3 * v ** 2, lambda v: 6 * v),
    "exp": (lambda lib, x: x.exp(), np.exp, np.exp),
    "log": (lambda lib, x: x.log(), lambda v: 1 / v, lambda v: -1 / v ** 2),
    "tanh": (lambda lib, x: x.tanh(), lambda v: 1 - np.tanh(v) ** 2,
             lambda v: -2 * np.tanh(v) * (1 - np.tanh(v) ** 2)),
    "sigmoid": (lambda lib, x: x.sigmoid(), lambda v: (s := 1 / (1 + np.exp(-v))) * (1 - s),
                lambda v: (s := 1 / (1 + np.exp(-v))) * (1 - s) * (1 - 2 * s)),
    "x-exp-x": (lambda lib, x: x * x.exp(), lambda v: (1 + v) * np.exp(v),
                lambda v: (2 + v) * np.exp(v)),
}


@pytest.mark.parametrize("name", list(HAND))
def test_second_derivatives_by_hand(name):
    fn, d1, d2 = HAND[name]
    v = np.array([0.5, 1.0, 2.0])
    g, h = second_derivative(jitgrad, fn, v)
    np.testing.assert_allclose(g, d1(v), rtol=1e-10)
    np.testing.assert_allclose(h, d2(v), rtol=1e-10)


@pytest.mark.parametrize("name", list(HAND))
def test_second_derivatives_match_torch(name):
    torch = pytest.importorskip("torch")
    fn = HAND[name][0]
    v = np.array([0.5, 1.0, 2.0])
    for ours, theirs in zip(second_derivative(jitgrad, fn, v), second_derivative(torch, fn, v)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_create_graph_leaves_grad_with_graph():
    x = tensor64([1.0, 2.0])
    (x ** 3).backward(jitgrad.ones(2, dtype=jitgrad.float64), create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    (g * 1).backward(jitgrad.ones(2, dtype=jitgrad.float64))
    assert x.grad.tolist() == [6.0, 12.0]


def test_fast_path_gradient_has_no_graph():
    x = tensor64([1.0, 2.0])
    (x ** 3).backward(jitgrad.ones(2, dtype=jitgrad.float64))
    assert not x.grad.requires_grad and x.grad.grad_fn is None
