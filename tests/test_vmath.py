"""The vectorised transcendental kernels stay within a few ulp of the exact
value (numpy in float64 as the reference), including the edges: overflow,
underflow into subnormals, nan, +-inf, +-0."""
import numpy as np
import pytest

import jitgrad

EDGES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 88.7, 89.0, -87.0, -100.0, -104.0,
         709.0, 710.0, -740.0, -746.0]
RANGES = {np.float32: (-110.0, 90.0), np.float64: (-750.0, 712.0)}


def ulp_error(got, exact, dtype):
    """Largest error in ulp over results in the normal range (subnormal results
    have fewer significant bits; they are checked to an absolute tolerance)."""
    exact_d = exact.astype(dtype)
    assert np.array_equal(np.isnan(got), np.isnan(exact_d))
    infinite = np.isinf(exact_d)
    assert np.array_equal(got[infinite], exact_d[infinite])
    tiny = np.finfo(dtype).tiny
    sub = np.abs(exact_d) < tiny
    np.testing.assert_allclose(got[sub], exact_d[sub], rtol=0, atol=tiny)
    finite = np.isfinite(exact_d) & ~sub
    spacing = np.spacing(np.abs(exact_d[finite])).astype(np.float64)
    return np.max(np.abs(got[finite].astype(np.float64) - exact[finite]) / spacing)


def inputs(dtype, low, high, n=200_000):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(low, high, n), rng.uniform(-1, 1, n // 10) * 1e-3,
                        [e for e in EDGES if np.isnan(e) or abs(e) < np.finfo(dtype).max]])
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exp(dtype):
    x = inputs(dtype, *RANGES[dtype])
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.float64))
    assert ulp_error(jitgrad.from_numpy(x).exp().numpy(), exact, dtype) <= 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tanh(dtype):
    x = inputs(dtype, -12, 12)
    assert ulp_error(jitgrad.from_numpy(x).tanh().numpy(), np.tanh(x.astype(np.float64)), dtype) <= 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid(dtype):
    x = inputs(dtype, -80, 80)
    with np.errstate(over="ignore"):
        exact = 1 / (1 + np.exp(-x.astype(np.float64)))
    # exp's error plus one division
    assert ulp_error(jitgrad.from_numpy(x).sigmoid().numpy(), exact, dtype) <= 4
