"""lgamma, digamma, polygamma (the op table's gamma-family entries;
jitgrad/ops/special.py, kernels/special.py).

Finite differences in float64, torch's values/grads/dtypes/node names,
hand-derived values, integer inputs, the in-place forms and the errors."""
import math
from collections import namedtuple

import numpy as np

import jitgrad
from helpers import error_tests, table_tests

rng = np.random.default_rng(0)


def P(*shape, low=0.3, high=6.0):
    return rng.uniform(low, high, shape)


CASES = [
    ("lgamma", "positive", lambda lib, x: lib.lgamma(x), [P(3, 4)]),
    ("lgamma", "negative-non-contiguous", lambda lib, x: (x.t() - 7.0).lgamma(), [P(4, 3)]),
    ("digamma", "positive", lambda lib, x: lib.digamma(x), [P(3, 4)]),
    ("digamma", "method-broadcast", lambda lib, x, y: (x + y).digamma(), [P(3, 1), P(4)]),
    ("polygamma", "trigamma", lambda lib, x: lib.polygamma(1, x), [P(3, 4)]),
    ("polygamma", "order-3-method", lambda lib, x: x.t().polygamma(3), [P(4, 3, low=0.5)]),
    ("polygamma", "order-0", lambda lib, x: lib.polygamma(0, x), [P(5)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def test_hand_derived_values():
    x = jitgrad.tensor([1.0, 2.0, 0.5, 10.0], dtype=jitgrad.float64)
    euler = 0.5772156649015329
    np.testing.assert_allclose(jitgrad.lgamma(x).numpy(),
                               [0.0, 0.0, 0.5 * math.log(math.pi), math.log(362880.0)],
                               atol=1e-14)
    np.testing.assert_allclose(jitgrad.digamma(x).numpy(),
                               [-euler, 1 - euler, -euler - 2 * math.log(2),
                                -euler + sum(1 / k for k in range(1, 10))], rtol=1e-14)
    # trigamma(1) = pi^2 / 6 (ATen's series stops at ~5e-10 relative, as torch's does),
    # polygamma(2, 1) = -2 zeta(3)
    np.testing.assert_allclose(jitgrad.polygamma(1, x[:1]).numpy(), [math.pi ** 2 / 6],
                               rtol=1e-9)
    np.testing.assert_allclose(jitgrad.polygamma(2, x[:1]).numpy(), [-2 * 1.2020569031595942],
                               rtol=1e-14)
    # poles: digamma(0) = -inf, digamma of a negative integer is nan
    d = jitgrad.digamma(jitgrad.tensor([0.0, -2.0])).numpy()
    assert d[0] == -np.inf and np.isnan(d[1])


def test_integer_inputs_and_in_place_forms():
    i = jitgrad.tensor([1, 2, 3])
    assert jitgrad.lgamma(i).dtype is jitgrad.float32
    np.testing.assert_allclose(jitgrad.digamma(i).numpy(), jitgrad.digamma(i.float()).numpy())
    x = jitgrad.tensor([1.5, 2.5], dtype=jitgrad.float64)
    want = jitgrad.polygamma(2, x).numpy()
    assert x.polygamma_(2) is x
    np.testing.assert_array_equal(x.numpy(), want)
    y = jitgrad.tensor([3.0])
    y.lgamma_()
    np.testing.assert_allclose(y.numpy(), [math.log(2.0)], rtol=1e-6)
    z = jitgrad.tensor([1.0])
    z.digamma_()
    np.testing.assert_allclose(z.numpy(), [-0.5772157], rtol=1e-6)


def test_double_backward_of_lgamma():
    x = jitgrad.tensor([1.5, 3.0], dtype=jitgrad.float64, requires_grad=True)
    (g,) = jitgrad.autograd.grad(x.lgamma().sum(), x, create_graph=True)
    (h,) = jitgrad.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), jitgrad.polygamma(1, x.detach()).numpy(), rtol=1e-13)


Err = namedtuple("Err", "id run exc message")
ERRORS = [
    Err("polygamma-negative-n", lambda lib: lib.polygamma(-1, lib.ones(2)), RuntimeError,
        "polygamma(n, x) does not support negative n."),
    Err("polygamma-float-n", lambda lib: lib.polygamma(1.5, lib.ones(2)), TypeError,
        "polygamma(): argument 'n' (position 1) must be int, not float"),
    Err("polygamma-list", lambda lib: lib.polygamma(1, [1.0]), TypeError,
        "polygamma(): argument 'input' (position 2) must be Tensor, not list"),
    Err("lgamma-list", lambda lib: lib.lgamma([1.0]), TypeError,
        "lgamma(): argument 'input' (position 1) must be Tensor, not list"),
    Err("polygamma_-negative-n", lambda lib: lib.ones(2).polygamma_(-1), RuntimeError,
        "polygamma(n, x) does not support negative n."),
]
test_error, test_error_is_torchs = error_tests(ERRORS)
