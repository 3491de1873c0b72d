"""Tests for jitgrad._tensor_str: literal expectations plus a torch oracle."""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

# Load by path so these tests do not depend on jitgrad/__init__.py importing.
_PATH = pathlib.Path(__file__).resolve().parents[1] / "jitgrad" / "_tensor_str.py"
_spec = importlib.util.spec_from_file_location("jitgrad_tensor_str", _PATH)
ts = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = ts
_spec.loader.exec_module(ts)
format_tensor = ts.format_tensor
format_values = ts.format_values

f32 = np.float32
nan, inf = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def _default_printoptions():
    ts.set_printoptions(profile="default")
    yield
    ts.set_printoptions(profile="default")


# --------------------------------------------------------------------------
# Hand-written expectations (no torch needed)
# --------------------------------------------------------------------------

LITERAL_CASES = [
    (
        np.array([[0.1104, 0.1693, 0.0850]] * 5, dtype=f32),
        "tensor([[0.1104, 0.1693, 0.0850],\n"
        "        [0.1104, 0.1693, 0.0850],\n"
        "        [0.1104, 0.1693, 0.0850],\n"
        "        [0.1104, 0.1693, 0.0850],\n"
        "        [0.1104, 0.1693, 0.0850]])",
    ),
    (np.array([1.0, 2.0, -3.0], dtype=f32), "tensor([ 1.,  2., -3.])"),
    (np.array([1.12345, -0.5, 10.25], dtype=f32), "tensor([ 1.1235, -0.5000, 10.2500])"),
    (np.array([1.0, 2000.0], dtype=f32), "tensor([1.0000e+00, 2.0000e+03])"),
    (np.array([1e9, 2e9], dtype=f32), "tensor([1.0000e+09, 2.0000e+09])"),
    (np.array([1e-5, 3e-5], dtype=f32), "tensor([1.0000e-05, 3.0000e-05])"),
    (
        np.array([0.0, 1e-8, -3.0, 12345678.0], dtype=f32),
        "tensor([ 0.0000e+00,  1.0000e-08, -3.0000e+00,  1.2346e+07])",
    ),
    (np.array([1.5, nan, inf, -inf], dtype=f32), "tensor([1.5000,    nan,    inf,   -inf])"),
    (np.array([1.0, nan, -inf], dtype=f32), "tensor([1., nan, -inf])"),
    (np.array([nan, 0.0], dtype=f32), "tensor([nan, 0.])"),
    (np.zeros(3, dtype=f32), "tensor([0., 0., 0.])"),
    (np.array([-0.0, 1.0], dtype=f32), "tensor([-0., 1.])"),
    (
        np.array([[-1.5, 2.25], [3.0, -40.125]], dtype=f32),
        "tensor([[ -1.5000,   2.2500],\n        [  3.0000, -40.1250]])",
    ),
    (
        np.arange(30, dtype=f32) / f32(7),
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
        "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
        "        3.8571, 4.0000, 4.1429])",
    ),
    (
        np.arange(40, dtype=np.int64) * 1000,
        "tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n"
        "        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n"
        "        20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,\n"
        "        30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000])",
    ),
    (
        # Formatter sees only the summarized values: 0..2, 1997..1999 -> sci mode.
        np.arange(2000, dtype=f32),
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])",
    ),
    (
        np.arange(1600, dtype=np.int64).reshape(40, 40),
        "tensor([[   0,    1,    2,  ...,   37,   38,   39],\n"
        "        [  40,   41,   42,  ...,   77,   78,   79],\n"
        "        [  80,   81,   82,  ...,  117,  118,  119],\n"
        "        ...,\n"
        "        [1480, 1481, 1482,  ..., 1517, 1518, 1519],\n"
        "        [1520, 1521, 1522,  ..., 1557, 1558, 1559],\n"
        "        [1560, 1561, 1562,  ..., 1597, 1598, 1599]])",
    ),
    (
        np.arange(12, dtype=f32).reshape(2, 2, 3),
        "tensor([[[ 0.,  1.,  2.],\n"
        "         [ 3.,  4.,  5.]],\n"
        "\n"
        "        [[ 6.,  7.,  8.],\n"
        "         [ 9., 10., 11.]]])",
    ),
    (np.array(3.5, dtype=f32), "tensor(3.5000)"),
    (np.array(7, dtype=np.int64), "tensor(7)"),
    (np.array(True), "tensor(True)"),
    (np.zeros(0, dtype=f32), "tensor([])"),
    (np.zeros((0, 3), dtype=f32), "tensor([], size=(0, 3))"),
    (np.array([True, False]), "tensor([ True, False])"),
    (np.array([1, 2], dtype=np.int64), "tensor([1, 2])"),
    (np.array([[-10, 2], [3, 400]], dtype=np.int32), "tensor([[-10,   2],\n        [  3, 400]])"),
    # Non-contiguous input (transposed view).
    (
        np.arange(6, dtype=f32).reshape(2, 3).T,
        "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])",
    ),
]


@pytest.mark.parametrize("array, expected", LITERAL_CASES)
def test_literal(array, expected):
    assert format_tensor(array) == expected


def test_literal_suffixes():
    assert (
        format_tensor(np.array([1.0, 2.0]), suffixes=["dtype=jitgrad.float64"])
        == "tensor([1., 2.], dtype=jitgrad.float64)"
    )
    assert (
        format_tensor(np.array([1.0, 2.0], dtype=f32), suffixes=["requires_grad=True"])
        == "tensor([1., 2.], requires_grad=True)"
    )
    assert (
        format_tensor(np.array(6.0, dtype=f32), suffixes=["grad_fn=<MulBackward0>"])
        == "tensor(6., grad_fn=<MulBackward0>)"
    )
    assert (
        format_tensor(np.zeros((2, 0), dtype=np.int64), suffixes=["dtype=jitgrad.int64"])
        == "tensor([], size=(2, 0), dtype=jitgrad.int64)"
    )


def test_literal_suffix_wraps_to_new_line():
    array = np.arange(18, dtype=f32) / f32(3)
    assert format_tensor(array, suffixes=["requires_grad=True"]) == (
        "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n"
        "        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667],\n"
        "       requires_grad=True)"
    )


def test_format_values_and_prefix():
    assert format_values(np.array([1.5, -2.0], dtype=f32)) == "[ 1.5000, -2.0000]"
    assert format_values(np.zeros((0, 2))) == "[]"
    assert (
        format_tensor(np.eye(2, dtype=f32), prefix="Foo(")
        == "Foo([[1., 0.],\n     [0., 1.]])"
    )


def test_printoptions_defaults_and_profiles():
    assert ts.get_printoptions() == dict(
        precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None
    )
    ts.set_printoptions(profile="short")
    assert ts.get_printoptions()["precision"] == 2
    assert ts.get_printoptions()["edgeitems"] == 2
    ts.set_printoptions(profile="full")
    assert ts.get_printoptions()["threshold"] == float("inf")
    with ts.printoptions(precision=1):
        assert ts.get_printoptions()["precision"] == 1
    assert ts.get_printoptions()["precision"] == 4


def test_printoptions_affect_output():
    ts.set_printoptions(precision=2)
    assert format_tensor(np.array([1.12345], dtype=f32)) == "tensor([1.12])"
    ts.set_printoptions(threshold=5)
    assert format_tensor(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    ts.set_printoptions(profile="default", sci_mode=False)
    assert format_tensor(np.array([1.0, 2000.5], dtype=f32)) == "tensor([   1.0000, 2000.5000])"
    ts.set_printoptions(sci_mode=True)
    assert format_tensor(np.array([1.5], dtype=f32)) == "tensor([1.5000e+00])"
    ts.set_printoptions(sci_mode=None, edgeitems=0)
    assert format_tensor(np.arange(2000.0)) == "tensor([...], size=(2000,))"
    assert format_tensor(np.ones((50, 50))) == "tensor([...], size=(50, 50))"
    ts.set_printoptions(profile="default", linewidth=20)
    assert format_tensor(np.arange(8)) == "tensor([0, 1, 2, 3,\n        4, 5, 6, 7])"


# --------------------------------------------------------------------------
# Oracle: compare against torch itself
# --------------------------------------------------------------------------


def _torch_suffixes(array, requires_grad):
    """The keyword parts torch adds for a plain CPU tensor from this array."""
    dtype_name = {
        np.dtype(np.float32): "float32",
        np.dtype(np.float64): "float64",
        np.dtype(np.int64): "int64",
        np.dtype(np.int32): "int32",
        np.dtype(np.bool_): "bool",
    }[array.dtype]
    defaults = ("float32",) if array.size == 0 else ("float32", "int64", "bool")
    suffixes = [] if dtype_name in defaults else [f"dtype=torch.{dtype_name}"]
    if requires_grad:
        suffixes.append("requires_grad=True")
    return suffixes


def _oracle_arrays():
    rng = np.random.default_rng(1234)
    cases = []
    for scale in [1e-6, 1e-4, 1e-2, 1.0, 37.0, 1e3, 1e5, 1e8, 1e9]:
        cases.append(rng.standard_normal(7) * scale)
        cases.append(rng.standard_normal((3, 4)) * scale)
    for n in [50, 77, 128, 200]:
        cases.append(rng.standard_normal(n) * 100)
        cases.append(rng.integers(-(10**6), 10**6, n))
    x = rng.standard_normal((4, 5))
    x[0, 0], x[1, 2], x[3, 4] = nan, inf, -inf
    cases.append(x)
    cases += [
        rng.standard_normal((2, 3, 4)),
        rng.standard_normal((2, 1, 3, 2)) * 1e4,
        rng.standard_normal(2000),
        rng.standard_normal((40, 40)),
        rng.standard_normal((3, 400)),  # summarized along the last dim only
        rng.standard_normal((400, 3)),  # summarized along the first dim only
        rng.standard_normal((12, 12, 12)) * 1e5,
        rng.integers(0, 3, 1001),
        np.round(rng.standard_normal((5, 6)) * 100),
        np.array([[nan, inf], [-inf, 0.0]]),
        np.array([0.0, -0.0, 0.0]),
        np.array([1e-30, 1e30]),
        np.array([9.99995, -0.000051]),
        np.array(-2.5),
        np.array(1e-9),
        np.array(42),
        np.array(False),
        np.array([123456789012, -5]),
        np.array([[True, False, True]] * 3),
        rng.integers(-50, 50, (3, 4, 5)).astype(np.int32),
        np.zeros(0),
        np.zeros((0, 3)),
        np.zeros((2, 0, 4)),
        np.zeros(0, dtype=np.int64),
        np.zeros((0,), dtype=np.bool_),
        rng.standard_normal((6, 8))[::2, ::-3],  # non-contiguous, negative strides
    ]
    arrays = []
    for a in cases:
        if a.dtype == np.float64:
            arrays.append(a.astype(np.float32))
        arrays.append(np.asarray(a))
    return arrays


ORACLE_ARRAYS = _oracle_arrays()


@pytest.mark.parametrize("index", range(len(ORACLE_ARRAYS)))
@pytest.mark.parametrize("requires_grad", [False, True])
def test_oracle(index, requires_grad):
    torch = pytest.importorskip("torch")
    array = ORACLE_ARRAYS[index]
    is_float = np.issubdtype(array.dtype, np.floating)
    if requires_grad and not is_float:
        pytest.skip("only floating tensors can require grad")
    t = torch.from_numpy(array.copy()).requires_grad_(requires_grad)
    got = format_tensor(array, suffixes=_torch_suffixes(array, requires_grad))
    assert got == repr(t)


OPTION_SETS = [
    dict(precision=2),
    dict(precision=8),
    dict(threshold=10, edgeitems=2),
    dict(threshold=10, edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=5),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=str)
def test_oracle_printoptions(options):
    torch = pytest.importorskip("torch")
    saved = torch._tensor_str.get_printoptions()
    torch.set_printoptions(**options)
    ts.set_printoptions(**options)
    try:
        for array in ORACLE_ARRAYS:
            t = torch.from_numpy(array.copy())
            assert format_tensor(array, suffixes=_torch_suffixes(array, False)) == repr(t)
    finally:
        torch.set_printoptions(**saved)


def test_oracle_hypothesis():
    torch = pytest.importorskip("torch")
    hypothesis = pytest.importorskip("hypothesis")
    hnp = pytest.importorskip("hypothesis.extra.numpy")
    st = hypothesis.strategies

    dtypes = st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.bool_])

    @hypothesis.settings(max_examples=300, deadline=None, database=None)
    @hypothesis.given(
        hnp.arrays(
            dtype=dtypes,
            shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=12),
        )
    )
    def check(array):
        t = torch.from_numpy(array.copy())
        assert format_tensor(array, suffixes=_torch_suffixes(array, False)) == repr(t)

    check()
