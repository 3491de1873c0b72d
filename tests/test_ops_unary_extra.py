"""square, log2, log10, tan, sinh, cosh, atan, asin, acos: hand-derived
values, accuracy against numpy, special values, dtype rules, in-place forms
and errors. (Finite differences, torch parity and second derivatives run
for them in the table-driven tests of test_ops_elementwise.py and
test_higher_order.py.)"""
import math

import numpy as np
import pytest

import jitgrad

NAMES = ["square", "log2", "log10", "tan", "sinh", "cosh", "atan", "asin", "acos"]
NUMPY = {"square": np.square, "log2": np.log2, "log10": np.log10, "tan": np.tan,
         "sinh": np.sinh, "cosh": np.cosh, "atan": np.arctan, "asin": np.arcsin,
         "acos": np.arccos}


def _domain(name, rng, n=20000):
    if name in ("log2", "log10"):
        return np.exp(rng.uniform(-80, 80, n))
    if name in ("asin", "acos"):
        return rng.uniform(-1, 1, n)
    if name in ("sinh", "cosh"):
        return rng.uniform(-80, 80, n)
    return rng.uniform(-20, 20, n)


def _ulp_error(got, ref):
    """Largest error of ``got`` in ulp of its dtype; ``ref`` is float64 (more accurate)."""
    ref_r = ref.astype(got.dtype)
    spacing = np.spacing(np.abs(ref_r)).astype(np.float64)
    return np.max(np.abs(got.astype(np.float64) - ref) / spacing)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_accuracy_within_a_few_ulp_of_numpy(name, dtype):
    x = _domain(name, np.random.default_rng(0)).astype(dtype)
    got = getattr(jitgrad, name)(jitgrad.tensor(x)).numpy()
    assert got.dtype == dtype
    ref = NUMPY[name](x.astype(np.float64))      # numpy float64 as the reference
    if dtype == np.float32 and name in ("log2", "log10", "square"):
        assert _ulp_error(got, ref) <= 1           # float32 log2/log10: computed in float64
    else:
        assert _ulp_error(got, ref) <= 3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_special_values_match_numpy(name, dtype):
    with np.errstate(over="ignore"):            # 1e300 is inf in float32
        x = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 8.0, 1000.0, 1e-310, 1e-40, 710.0, -710.0,
                      1e300, np.inf, -np.inf, np.nan]).astype(dtype)
    got = getattr(jitgrad, name)(jitgrad.tensor(x)).numpy()
    with np.errstate(all="ignore"):
        ref = NUMPY[name](x.astype(np.float64)).astype(dtype)
    finite = np.isfinite(ref)
    np.testing.assert_allclose(got[finite], ref[finite], rtol=4 * np.finfo(dtype).eps, atol=0)
    assert np.array_equal(got[~finite], ref[~finite], equal_nan=True)
    assert np.array_equal(np.signbit(got[~np.isnan(got)]), np.signbit(ref[~np.isnan(ref)]))


def test_exact_results():
    for dtype in (jitgrad.float32, jitgrad.float64):
        k = jitgrad.arange(-60, 60, dtype=dtype)
        assert jitgrad.log2(2.0 ** k).tolist() == k.tolist()
        assert jitgrad.log10(jitgrad.tensor([1.0, 10.0, 100.0, 1000.0, 1e-3], dtype=dtype)).tolist() \
            == [0.0, 1.0, 2.0, 3.0, -3.0]


# (op, input, value, gradient), by hand
HAND = [
    ("square", 3.0, 9.0, 6.0),
    ("square", -0.5, 0.25, -1.0),
    ("log2", 8.0, 3.0, 1 / (8 * math.log(2))),
    ("log10", 100.0, 2.0, 1 / (100 * math.log(10))),
    ("tan", 0.0, 0.0, 1.0),
    ("tan", math.pi / 4, 1.0, 2.0),
    ("sinh", 0.0, 0.0, 1.0),
    ("sinh", 1.0, (math.e - 1 / math.e) / 2, (math.e + 1 / math.e) / 2),
    ("cosh", 0.0, 1.0, 0.0),
    ("cosh", 1.0, (math.e + 1 / math.e) / 2, (math.e - 1 / math.e) / 2),
    ("atan", 1.0, math.pi / 4, 0.5),
    ("atan", 0.0, 0.0, 1.0),
    ("asin", 0.5, math.pi / 6, 2 / math.sqrt(3)),
    ("asin", 0.0, 0.0, 1.0),
    ("acos", 0.5, math.pi / 3, -2 / math.sqrt(3)),
    ("acos", 0.0, math.pi / 2, -1.0),
]


@pytest.mark.parametrize("name,x,value,grad", HAND)
def test_hand_derived(name, x, value, grad):
    t = jitgrad.tensor(x, dtype=jitgrad.float64, requires_grad=True)
    out = getattr(t, name)()
    out.backward()
    assert out.item() == pytest.approx(value, rel=1e-14, abs=1e-15)
    assert t.grad.item() == pytest.approx(grad, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_create_graph_matches_kernel_gradient(name):
    # apply_graph (the table formula on Tensors) gives apply's (the kernel's) values
    x = np.random.default_rng(1).uniform(0.1, 0.9, (3, 4))
    for dtype in (jitgrad.float32, jitgrad.float64):
        v = jitgrad.tensor(np.random.default_rng(2).standard_normal((3, 4)), dtype=dtype)
        grads = []
        for create_graph in (False, True):
            t = jitgrad.tensor(x, dtype=dtype, requires_grad=True)
            (g,) = jitgrad.autograd.grad(getattr(jitgrad, name)(t), t, v,
                                         create_graph=create_graph)
            assert g.dtype is dtype and g.requires_grad == create_graph
            grads.append(g.detach().numpy())
        np.testing.assert_allclose(grads[1], grads[0], rtol=4 * np.finfo(grads[0].dtype).eps)


def test_out_of_domain_and_gradients_at_the_edges():
    x = jitgrad.tensor([1.0, -1.0, 2.0], dtype=jitgrad.float64, requires_grad=True)
    assert np.isnan(x.asin().tolist()[2]) and np.isnan(x.acos().tolist()[2])
    x.asin().sum().backward()
    assert x.grad.tolist()[:2] == [math.inf, math.inf] and math.isnan(x.grad.tolist()[2])
    x.grad = None
    x.acos().sum().backward()
    assert x.grad.tolist()[:2] == [-math.inf, -math.inf]
    z = jitgrad.tensor([0.0, -1.0])
    assert z.log2().tolist()[0] == -math.inf and math.isnan(z.log10().tolist()[1])


def test_dtype_rules():
    ints = jitgrad.tensor([1, 2, 3])
    for name in NAMES:
        out = getattr(jitgrad, name)(ints)
        if name == "square":
            assert out.dtype is jitgrad.int64 and out.tolist() == [1, 4, 9]
        else:
            assert out.dtype is jitgrad.float32
            with np.errstate(invalid="ignore"):
                ref = NUMPY[name](np.array([1.0, 2.0, 3.0])).astype(np.float32)
            np.testing.assert_allclose(out.numpy(), ref, rtol=1e-6)
    assert jitgrad.square(jitgrad.tensor([True, False])).dtype is jitgrad.int64
    assert jitgrad.square(jitgrad.tensor([3], dtype=jitgrad.int32)).dtype is jitgrad.int32
    assert jitgrad.log2(jitgrad.tensor([True, False])).tolist() == [0.0, -math.inf]
    jitgrad.set_default_dtype(jitgrad.float64)
    try:
        assert jitgrad.atan(ints).dtype is jitgrad.float64      # integers: the default float dtype
    finally:
        jitgrad.set_default_dtype(jitgrad.float32)


@pytest.mark.parametrize("name", NAMES)
def test_in_place(name):
    x = np.random.default_rng(3).uniform(0.1, 0.9, 5)
    a = jitgrad.tensor(x, requires_grad=True)
    b = a * 1
    r = getattr(b, name + "_")()
    assert r is b and b.grad_fn.name() == getattr(jitgrad, name)(a).grad_fn.name()
    b.sum().backward()
    t = jitgrad.tensor(x, requires_grad=True)
    getattr(jitgrad, name)(t).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), getattr(jitgrad, name)(t).detach().numpy())


@pytest.mark.parametrize("name", [n for n in NAMES if n != "square"])
def test_in_place_on_integers_is_refused(name):
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired "
                                           "output type Long$"):
        getattr(jitgrad.tensor([1, 2]), name + "_")()


def test_square_in_place_on_integers():
    x = jitgrad.tensor([1, -2, 3])
    x.square_()
    assert x.tolist() == [1, 4, 9] and x.dtype is jitgrad.int64


def test_non_tensor_input_is_refused():
    for name in NAMES:
        with pytest.raises(TypeError, match=rf"^{name}\(\): argument 'input' \(position 1\) "
                                            r"must be Tensor, not list$"):
            getattr(jitgrad, name)([1.0, 2.0])


def test_torch_errors_and_bool_in_place():
    torch = pytest.importorskip("torch")
    for name in NAMES:
        messages = []
        for lib in (jitgrad, torch):
            for args in (([1.0],), ):
                try:
                    getattr(lib, name)(*args)
                except Exception as e:      # noqa: BLE001 - the message is what is compared
                    messages.append((type(e).__name__, str(e).replace("torch.", "jitgrad.")))
            try:
                getattr(lib.tensor([True, False]), name + "_")()
                messages.append(None)
            except Exception as e:          # noqa: BLE001
                messages.append((type(e).__name__, str(e)))
        half = len(messages) // 2
        assert messages[:half] == messages[half:], name


# ---------------------------------------------------------------- atan2

def test_atan2_hand_derived():
    a = jitgrad.tensor([1.0, -1.0, 0.0], dtype=jitgrad.float64, requires_grad=True)
    b = jitgrad.tensor([1.0, 0.0, -2.0], dtype=jitgrad.float64, requires_grad=True)
    out = jitgrad.atan2(a, b)
    out.sum().backward()
    assert out.tolist() == pytest.approx([math.pi / 4, -math.pi / 2, math.pi])
    # d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)
    assert a.grad.tolist() == pytest.approx([0.5, 0.0, -0.5])
    assert b.grad.tolist() == pytest.approx([-0.5, 1.0, 0.0])
    assert out.grad_fn.name() == "Atan2Backward0"


def test_atan2_signed_zeros_and_accuracy():
    z = jitgrad.tensor([0.0, -0.0, 0.0, -0.0])
    w = jitgrad.tensor([-0.0, -0.0, 0.0, 1.0])
    np.testing.assert_array_equal(jitgrad.atan2(z, w).numpy(),
                                  np.arctan2(z.numpy(), w.numpy()))
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64):
        a, b = rng.standard_normal((2, 5000)).astype(dtype) * 10
        got = jitgrad.atan2(jitgrad.tensor(a), jitgrad.tensor(b)).numpy()
        assert got.dtype == dtype
        assert _ulp_error(got, np.arctan2(a.astype(np.float64), b.astype(np.float64))) <= 2


def test_atan2_one_and_both_gradients_agree():
    # the fused kernel (both inputs need a gradient) against the one-input kernels
    rng = np.random.default_rng(5)
    av, bv = rng.standard_normal((2, 3, 4))
    a = jitgrad.tensor(av, requires_grad=True)
    b = jitgrad.tensor(bv, requires_grad=True)
    jitgrad.atan2(a, b).sum().backward()
    a1 = jitgrad.tensor(av, requires_grad=True)
    jitgrad.atan2(a1, jitgrad.tensor(bv)).sum().backward()
    b1 = jitgrad.tensor(bv, requires_grad=True)
    jitgrad.atan2(jitgrad.tensor(av), b1).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), a1.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), b1.grad.numpy())


def test_atan2_create_graph_matches_kernel_gradient():
    rng = np.random.default_rng(6)
    av, bv = rng.standard_normal((3, 4)), rng.standard_normal(4)
    grads = []
    for create_graph in (False, True):
        a = jitgrad.tensor(av, requires_grad=True)
        b = jitgrad.tensor(bv, requires_grad=True)
        grads.append([g.detach().numpy() for g in jitgrad.autograd.grad(
            jitgrad.atan2(a, b).sum(), (a, b), create_graph=create_graph)])
    for g0, g1 in zip(*grads):
        np.testing.assert_allclose(g1, g0, rtol=1e-6)


def test_atan2_dtypes_and_in_place():
    assert jitgrad.atan2(jitgrad.tensor([1, 2]), jitgrad.tensor([True, False])).tolist() == \
        pytest.approx([math.pi / 4, math.pi / 2])
    assert jitgrad.atan2(jitgrad.tensor([1, 2]), jitgrad.tensor([1, 1])).dtype is jitgrad.float32
    x = jitgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    assert y.atan2_(jitgrad.tensor([2.0, 1.0])) is y and y.grad_fn.name() == "Atan2Backward0"
    y.sum().backward()
    assert x.grad.tolist() == pytest.approx([2 / 5, 1 / 5])


ATAN2_ERRORS = [
    (lambda lib: lib.atan2(lib.ones(2), 2.0), TypeError,
     "atan2(): argument 'other' (position 2) must be Tensor, not float"),
    (lambda lib: lib.ones(2).atan2(2.0), TypeError,
     "atan2(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda lib: lib.ones(2).atan2_(2.0), TypeError,
     "atan2_(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda lib: lib.atan2(2.0, lib.ones(2)), TypeError,
     "atan2(): argument 'input' (position 1) must be Tensor, not float"),
    (lambda lib: lib.atan2(lib.ones(2), lib.ones(3)), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    (lambda lib: lib.tensor([1, 2]).atan2_(lib.tensor([1, 2])), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda lib: lib.ones(2).atan2_(lib.ones(3, 2)), RuntimeError,
     "output with shape [2] doesn't match the broadcast shape [3, 2]"),
]


@pytest.mark.parametrize("fn,exc,message", ATAN2_ERRORS)
def test_atan2_errors(fn, exc, message):
    with pytest.raises(exc) as info:
        fn(jitgrad)
    assert str(info.value) == message


# ------------------------------------------------------- isnan / isinf / isfinite

def test_float_class_predicates():
    v = [1.0, math.nan, math.inf, -math.inf, -0.0, 1e-310]
    for dtype in (jitgrad.float32, jitgrad.float64):
        x = jitgrad.tensor(v, dtype=dtype, requires_grad=True)
        for name, ref in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite)):
            out = getattr(jitgrad, name)(x)
            assert out.dtype is jitgrad.bool and not out.requires_grad and out.grad_fn is None
            assert out.tolist() == ref(np.array(v)).tolist()
            assert getattr(x, name)().tolist() == out.tolist()
    m = jitgrad.tensor([[1.0, math.nan], [math.inf, 2.0]])
    assert jitgrad.isnan(m.t()).tolist() == [[False, False], [True, False]]
    assert jitgrad.isinf(jitgrad.tensor(math.inf)).shape == ()
    for ints in (jitgrad.tensor([1, 2]), jitgrad.tensor([True, False])):
        assert jitgrad.isnan(ints).tolist() == [False, False]
        assert jitgrad.isinf(ints).tolist() == [False, False]
        assert jitgrad.isfinite(ints).tolist() == [True, True]
    with pytest.raises(TypeError, match=r"^isnan\(\): argument 'input' \(position 1\) must be "
                                        r"Tensor, not list$"):
        jitgrad.isnan([1.0])


# ---------------------------------------------------------------- any / all

LOGICAL = [np.array([[0.0, np.nan], [0.0, 0.0]]), np.zeros((0, 3)), np.zeros((2, 0)),
           np.array(3.0), np.array([True, False]),
           (np.random.default_rng(7).random((3, 4, 5)) > 0.2).astype(np.float32),
           np.random.default_rng(8).integers(0, 2, (2, 3, 4))]


def _logical_dims(ndim):
    dims = [None, ()] + list(range(-ndim, ndim))
    if ndim > 1:
        dims += [(0, ndim - 1), [ndim - 1, 0]]
    return dims


@pytest.mark.parametrize("name", ["any", "all"])
def test_any_all_against_numpy(name):
    ref = {"any": np.any, "all": np.all}[name]
    for a in LOGICAL:
        for dim in _logical_dims(a.ndim):
            for keepdim in (False, True):
                out = getattr(jitgrad.tensor(a), name)(dim, keepdim)
                axis = tuple(range(a.ndim)) if dim is None else dim
                expected = ref(a != 0, axis=tuple(axis) if isinstance(axis, list) else axis,
                               keepdims=keepdim)
                assert out.dtype is jitgrad.bool and not out.requires_grad
                assert out.shape == expected.shape and out.numpy().tolist() == expected.tolist()


def test_any_all_by_hand():
    x = jitgrad.tensor([[0.0, math.nan], [0.0, 0.0]], requires_grad=True)
    assert jitgrad.any(x).tolist() is True and jitgrad.all(x).tolist() is False
    assert x.any(1).tolist() == [True, False] and x.all(0, keepdim=True).tolist() == [[False, False]]
    assert jitgrad.any(x, keepdim=True).shape == (1, 1)
    assert jitgrad.all(jitgrad.zeros(0)).item() is True and jitgrad.any(jitgrad.zeros(0)).item() is False
    assert jitgrad.ones(2, 3).t().all(0).tolist() == [True, True]


def test_any_all_torch():
    torch = pytest.importorskip("torch")
    for a in LOGICAL:
        for name in ("any", "all"):
            for dim in _logical_dims(a.ndim):
                for keepdim in (False, True):
                    ours = getattr(jitgrad.tensor(a), name)(dim, keepdim)
                    theirs = getattr(torch.tensor(a), name)(dim, keepdim)
                    assert ours.tolist() == theirs.tolist() and tuple(ours.shape) == tuple(theirs.shape)
                    assert str(theirs.dtype) == "torch.bool"


def _any_options(fname, got):
    return (f"{fname}() received an invalid combination of arguments - got {got}, but expected "
            "one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, tuple of ints "
            "dim = None, bool keepdim = False, *, Tensor out = None)\n * (Tensor input, int dim, "
            "bool keepdim = False, *, Tensor out = None)\n")


LOGICAL_ERRORS = [
    (lambda lib: lib.any(lib.ones(2), 2), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 2)"),
    (lambda lib: lib.any([1]), TypeError, _any_options("any", "(list)")),
    (lambda lib: lib.all(lib.ones(2), 1.5), TypeError, _any_options("all", "(Tensor, float)")),
    (lambda lib: lib.all(lib.ones(2, 2), (0, 0)), RuntimeError,
     "dim 0 appears multiple times in the list of dims"),
]


@pytest.mark.parametrize("fn,exc,message", LOGICAL_ERRORS)
def test_any_all_errors(fn, exc, message):
    with pytest.raises(exc) as info:
        fn(jitgrad)
    assert str(info.value) == message


@pytest.mark.parametrize("fn,exc,message", ATAN2_ERRORS + LOGICAL_ERRORS)
def test_error_messages_are_torchs(fn, exc, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(exc) as info:
        fn(torch)
    assert str(info.value) == message
