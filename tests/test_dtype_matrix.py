"""Every op over every dtype combination: the result dtype and values match
torch, or both raise the same exception type. Without torch, no combination
may leak a Numba error to the user."""
import itertools
import warnings

import numpy as np
import pytest

import jitgrad

DTYPES = ["float32", "float64", "int32", "int64", "bool"]
SCALARS = {"py-int": 2, "py-float": 2.5, "py-bool": True}
BINARY = ["add", "sub", "mul", "div", "pow"]
UNARY = ["neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "sum", "mean", "norm"]
VALUES = np.array([1, 2, 3, 0])


def tensor(lib, dtype):
    return lib.tensor(VALUES.astype(dtype))


def outcome(lib, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
        return "ok", str(r.dtype).split(".")[-1], np.asarray(r.tolist(), dtype=np.float64)
    except Exception as e:                      # noqa: BLE001 - the type is what we compare
        return "error", type(e), None


CASES = ([(f"{op}-{a}-{b}", (lambda op, a, b: lambda lib: getattr(lib, op)(
            tensor(lib, a), SCALARS[b] if b in SCALARS else tensor(lib, b)))(op, a, b))
          for op in BINARY for a, b in itertools.product(DTYPES, DTYPES + list(SCALARS))]
         + [(f"{op}-{a}", (lambda op, a: lambda lib: getattr(lib, op)(tensor(lib, a)))(op, a))
            for op in UNARY for a in DTYPES])


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_no_numba_error_reaches_the_user(name, fn):
    kind, detail, _ = outcome(jitgrad, fn)
    if kind == "error":
        assert not detail.__module__.startswith("numba"), f"{name} leaked {detail}"


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, fn):
    torch = pytest.importorskip("torch")
    ours, theirs = outcome(jitgrad, fn), outcome(torch, fn)
    assert ours[:2] == theirs[:2] if ours[0] == "ok" else ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1] is theirs[1]
    else:
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, equal_nan=True)
