"""NaN/inf behaviour of a few ops beyond what tests/test_properties.py compares:
torch's gradient formulas at non-finite points (hand-derived, no torch needed), and
grid_sample's forward at a NaN/inf grid coordinate, whose bilinear backward crashes
torch's CPU kernel (so the property test leaves it out: NON_FINITE_UNCOMPARABLE), and
bicubic's forward and backward there (which torch runs)."""
import math
import warnings

import numpy as np
import pytest

import jitgrad

NAN, INF = math.nan, math.inf


def _grad(fn, x, g=None):
    t = jitgrad.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = fn(t)
        out.backward(jitgrad.ones_like(out) if g is None else jitgrad.tensor(g))
    return out.detach().numpy(), t.grad.numpy()


def test_copysign_gradient_is_result_over_self():
    # torch: grad * result / self, 0 where self == 0: NaN at NaN and +-inf
    _, g = _grad(lambda t: jitgrad.copysign(t, jitgrad.tensor([-1.0, 1, -1, -1, 2])),
                 [NAN, INF, -INF, 0.0, -3.0])
    np.testing.assert_array_equal(g, [NAN, NAN, NAN, 0.0, -1.0])


def test_logit_gradient_at_nan_and_bounds():
    _, g = _grad(lambda t: t.logit(0.2), np.array([NAN, 0.1, 0.5, 0.9], np.float32))
    np.testing.assert_array_equal(g, np.array([NAN, 0, 4, 0], np.float32))
    _, g = _grad(lambda t: t.logit(), [NAN, 2.0, 0.0, 0.5])
    np.testing.assert_array_equal(g, [NAN, NAN, INF, 4.0])


def test_abs_gradient_is_grad_times_sign():
    # grad * sign(x) with sign(0) == sign(nan) == 0: a NaN/inf grad there gives NaN
    _, g = _grad(lambda t: t.abs(), [0.0, NAN, 0.0, -2.0], [NAN, INF, 1.0, 3.0])
    np.testing.assert_array_equal(g, [NAN, NAN, 0.0, -3.0])


def test_cumprod_gradient_ignores_values_after_the_first_zero():
    # torch masks result * grad to before the first zero: a NaN after it reaches the
    # first zero's gradient only, the ones after the zero are 0
    _, g = _grad(lambda t: t.cumprod(0), [2.0, 0.0, NAN, 3.0])
    np.testing.assert_array_equal(g, [1.0, NAN, 0.0, 0.0])


@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_grid_sample_forward_at_non_finite_grid(padding, value):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 3, 4))
    g = rng.uniform(-1.2, 1.2, (1, 2, 3, 2))
    g[0, 0, 0, 0] = g[0, 1, 1, 1] = value
    want = torch.nn.functional.grid_sample(torch.tensor(x), torch.tensor(g), "bilinear",
                                           padding, False).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = jitgrad.nn.functional.grid_sample(jitgrad.tensor(x), jitgrad.tensor(g),
                                                "bilinear", padding, False).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("value", [NAN, INF, -INF, 1e30, -3e9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_sample_bicubic_at_non_finite_grid(padding, value, dtype):
    """Bicubic pads each tap, not the coordinate: a NaN or infinite one makes NaN
    coefficients (its output and gradients NaN), a huge one puts its taps outside
    (zeros) or on the clipped edge; torch's backward runs here, so it is compared too."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 3, 4)).astype(dtype)
    g = rng.uniform(-1.2, 1.2, (1, 2, 3, 2)).astype(dtype)
    g[0, 0, 0, 0] = g[0, 1, 1, 1] = value
    got = []
    for lib in (jitgrad, torch):
        xt, gt = lib.tensor(x, requires_grad=True), lib.tensor(g, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            out = lib.nn.functional.grid_sample(xt, gt, "bicubic", padding, False)
            out.backward(lib.ones_like(out))
        got.append((out.detach().numpy(), xt.grad.numpy(), gt.grad.numpy()))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(*got):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True)
