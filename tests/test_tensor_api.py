"""Tensor attributes, factories, repr and grad mode.

Every test takes the ``lib`` fixture: ``jitgrad`` (always; the expected
values are written literally, so it runs without torch) and ``torch``
(skipped unless torch is installed), which checks that the literals are
torch's behaviour. Where a literal names the library (``jitgrad.Size``,
``dtype=jitgrad.float64``) torch's text is compared with ``torch.`` ->
``jitgrad.``.
"""
import threading

import numpy as np
import pytest

import jitgrad


@pytest.fixture(params=["jitgrad", "torch"])
def lib(request):
    if request.param == "torch":
        return pytest.importorskip("torch")
    return jitgrad


def _text(obj):
    """repr/str of ``obj`` in jitgrad's spelling."""
    return str(obj).replace("torch.", "jitgrad.")


def _rep(obj):
    return repr(obj).replace("torch.", "jitgrad.")


def _dtype(lib, name):
    return getattr(lib, name)


# ====================================================================== attributes

def test_shape_size_dim_numel(lib):
    x = lib.tensor([[1., 2., 3.], [4., 5., 6.]])
    assert x.shape == (2, 3)
    assert x.size() == (2, 3)
    assert x.size(0) == 2
    assert x.size(1) == 3
    assert x.size(-1) == 3
    assert x.size(-2) == 2
    assert x.dim() == 2
    assert x.ndim == 2
    assert x.numel() == 6
    assert lib.numel(x) == 6
    assert x.dtype == lib.float32
    assert x.dtype is lib.float32
    assert x.is_leaf is True
    assert x.requires_grad is False
    assert x.grad_fn is None
    assert x.grad is None


def test_zero_dim_attributes(lib):
    x = lib.tensor(3.5)
    assert x.shape == ()
    assert x.dim() == 0
    assert x.ndim == 0
    assert x.numel() == 1
    assert x.item() == 3.5
    assert x.tolist() == 3.5
    assert _rep(x.shape) == "jitgrad.Size([])"


def test_empty_tensor_attributes(lib):
    x = lib.zeros(2, 0)
    assert x.shape == (2, 0)
    assert x.numel() == 0
    assert x.tolist() == [[], []]


def test_T(lib):
    x = lib.tensor([[1., 2., 3.], [4., 5., 6.]])
    assert x.T.shape == (3, 2)
    assert x.T.tolist() == [[1., 4.], [2., 5.], [3., 6.]]
    assert x.T.is_contiguous() is False
    v = lib.tensor([1., 2.])
    assert v.T.tolist() == [1., 2.]


def test_T_records_permute(lib):
    x = lib.ones(2, 3, requires_grad=True)
    assert type(x.T.grad_fn).__name__ == "PermuteBackward0"
    assert type(x.t().grad_fn).__name__ == "TBackward0"
    assert type(x.transpose(0, 1).grad_fn).__name__ == "TransposeBackward0"


def test_item_types(lib):
    f = lib.tensor([2.5]).item()
    i = lib.tensor([[7]]).item()
    b = lib.tensor(True).item()
    assert f == 2.5 and type(f) is float
    assert i == 7 and type(i) is int
    assert b is True


def test_tolist(lib):
    assert lib.tensor([[1., 2.], [3., 4.]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert lib.tensor([1, 2]).tolist() == [1, 2]
    assert type(lib.tensor([1, 2]).tolist()[0]) is int
    assert lib.tensor([True, False]).tolist() == [True, False]
    assert lib.tensor(2.).tolist() == 2.0
    assert lib.tensor([1., 2.], requires_grad=True).tolist() == [1.0, 2.0]


def test_numpy(lib):
    x = lib.tensor([1., 2.])
    a = x.numpy()
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.float32
    assert a.tolist() == [1.0, 2.0]
    a[0] = 10.                                  # numpy() shares memory
    assert x.tolist() == [10.0, 2.0]
    assert lib.tensor([1, 2]).numpy().dtype == np.int64
    assert lib.tensor([1, 2], dtype=lib.int32).numpy().dtype == np.int32
    assert lib.tensor([True]).numpy().dtype == np.bool_
    assert lib.tensor([1.], dtype=lib.float64).numpy().dtype == np.float64


def test_numpy_of_detached_requires_grad_tensor(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    assert x.detach().numpy().tolist() == [1.0, 2.0]


# ====================================================================== Size

def test_size_prints_with_library_name(lib):
    s = lib.ones(2, 3).shape
    assert _rep(s) == "jitgrad.Size([2, 3])"
    assert _text(s) == "jitgrad.Size([2, 3])"
    assert _text(f"{s}") == "jitgrad.Size([2, 3])"
    assert _rep(lib.ones(3).shape) == "jitgrad.Size([3])"
    assert _rep(lib.Size([2, 3])) == "jitgrad.Size([2, 3])"


def test_size_behaves_as_tuple(lib):
    s = lib.ones(2, 3).shape
    assert isinstance(s, tuple)
    assert isinstance(s, lib.Size)
    assert s == (2, 3)
    assert (2, 3) == s
    assert s != [2, 3]
    assert s[0] == 2 and s[-1] == 3 and s[1] == 3
    assert len(s) == 2
    assert list(s) == [2, 3]
    assert tuple(s) == (2, 3)
    a, b = s
    assert (a, b) == (2, 3)
    assert hash(s) == hash((2, 3))
    assert s.count(2) == 1
    assert s.index(3) == 1
    assert {s: 1}[(2, 3)] == 1
    assert s.numel() == 6
    assert lib.Size([]).numel() == 1
    assert lib.ones(2, 3).size() == s
    with pytest.raises(IndexError, match="tuple index out of range"):
        s[2]


def test_size_slice_is_size(lib):
    s = lib.ones(2, 3, 4).shape
    assert s[1:] == (3, 4)
    assert isinstance(s[1:], lib.Size)
    assert _rep(s[::-1]) == "jitgrad.Size([4, 3, 2])"


def test_size_concatenation_is_size(lib):
    s = lib.ones(2, 3).shape
    assert s + (4,) == (2, 3, 4)
    assert isinstance(s + (4,), lib.Size)


# ====================================================================== numpy interop

def test_array_protocol(lib):
    x = lib.tensor([[1., 2.], [3., 4.]])
    a = np.asarray(x)
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.float32
    assert a.shape == (2, 2)
    assert a.tolist() == [[1., 2.], [3., 4.]]
    assert np.asarray(lib.tensor([1, 2])).dtype == np.int64
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.array(x).tolist() == [[1., 2.], [3., 4.]]


def test_array_protocol_shares_memory(lib):
    x = lib.tensor([1., 2., 3.])
    np.asarray(x)[1] = -5.
    assert x.tolist() == [1., -5., 3.]


def test_array_protocol_copy(lib):
    x = lib.tensor([1., 2., 3.])
    a = np.array(x)                               # np.array copies
    a[0] = 9.
    assert x.tolist() == [1., 2., 3.]


def test_from_numpy_shares_memory(lib):
    a = np.arange(3.)
    t = lib.from_numpy(a)
    assert t.dtype == lib.float64
    assert t.shape == (3,)
    a[0] = 5.
    assert t.tolist() == [5., 1., 2.]
    np.asarray(t)[2] = -1.
    assert a.tolist() == [5., 1., -1.]


@pytest.mark.parametrize("np_dtype, name", [
    (np.float32, "float32"), (np.float64, "float64"), (np.int32, "int32"),
    (np.int64, "int64"), (np.bool_, "bool")])
def test_from_numpy_keeps_dtype(lib, np_dtype, name):
    assert lib.from_numpy(np.zeros(2, np_dtype)).dtype == _dtype(lib, name)


def test_tensor_copies_numpy(lib):
    a = np.array([1., 2.])
    t = lib.tensor(a)
    a[0] = 7.
    assert t.tolist() == [1., 2.]


def test_as_tensor_of_numpy_shares_memory(lib):
    a = np.ones(2)
    t = lib.as_tensor(a)
    assert t.dtype == lib.float64
    a[0] = 3.
    assert t.tolist() == [3., 1.]


# ====================================================================== detach / data

def test_detach_shares_memory_and_is_a_leaf(lib):
    x = lib.tensor([1., 2., 3.], requires_grad=True)
    d = x.detach()
    assert d.is_leaf is True
    assert d.requires_grad is False
    assert d.grad_fn is None
    assert d.grad is None
    np.asarray(d)[1] = 9.
    assert x.tolist() == [1., 9., 3.]
    assert x.requires_grad is True


def test_detach_of_non_leaf(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert (d * 3).grad_fn is None
    assert d.tolist() == [2., 4.]
    np.asarray(d)[0] = 0.
    assert y.tolist() == [0., 4.]


def test_data_shares_memory_and_bypasses_tracking(lib):
    x = lib.ones(3, requires_grad=True)
    d = x.data
    assert d.requires_grad is False
    assert d.is_leaf is True
    assert (d * 2).grad_fn is None
    assert (d * 2).requires_grad is False
    np.asarray(d)[0] = 5.
    assert x.tolist() == [5., 1., 1.]
    assert x.requires_grad is True and x.is_leaf is True


def test_data_of_non_leaf(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    assert y.data.requires_grad is False
    assert y.data.is_leaf is True
    assert y.data.tolist() == [2., 2.]


def test_data_assignment(lib):
    w = lib.ones(3, requires_grad=True)
    w.data = lib.zeros(2)
    assert w.tolist() == [0., 0.]
    assert w.shape == (2,)
    assert w.requires_grad is True
    assert w.is_leaf is True
    assert _rep(w) == "tensor([0., 0.], requires_grad=True)"
    (w * 3).sum().backward()
    assert w.grad.tolist() == [3., 3.]


def test_data_assignment_shares_the_new_memory(lib):
    w = lib.ones(2, requires_grad=True)
    src = lib.tensor([4., 5.])
    w.data = src
    np.asarray(src)[0] = -1.
    assert w.tolist() == [-1., 5.]


def test_data_update_in_training_loop_style(lib):
    w = lib.tensor([1., 2.], requires_grad=True)
    (w * w).sum().backward()
    w.data = w.data - 0.5 * w.grad
    assert w.tolist() == [0., 0.]
    assert w.is_leaf and w.requires_grad


# ====================================================================== requires_grad

def test_requires_grad_flag(lib):
    x = lib.ones(2)
    assert x.requires_grad_() is x
    assert x.requires_grad is True
    x.requires_grad_(False)
    assert x.requires_grad is False
    x.requires_grad = True
    assert x.requires_grad is True and x.is_leaf is True


def test_result_of_op_requires_grad(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    assert y.requires_grad is True
    assert y.is_leaf is False
    assert type(y.grad_fn).__name__ == "MulBackward0"
    z = lib.ones(2) * 2
    assert z.requires_grad is False and z.is_leaf is True


def test_retain_grad(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    assert y.retains_grad is False
    y.retain_grad()
    assert y.retains_grad is True
    (y * 3).sum().backward()
    assert y.grad.tolist() == [3., 3.]
    assert x.grad.tolist() == [6., 6.]
    x.retain_grad()                               # a no-op on a leaf
    assert x.retains_grad is False


# ====================================================================== factories

@pytest.mark.parametrize("data, name", [
    ([1., 2.], "float32"),
    ([1, 2], "int64"),
    ([True, False], "bool"),
    ([1, 2.5], "float32"),
    ([True, 2], "int64"),
    ([[1., 2.], [3., 4.]], "float32"),
    (3, "int64"),
    (3., "float32"),
    (True, "bool"),
    ([], "float32"),
], ids=["floats", "ints", "bools", "int_and_float", "bool_and_int", "nested", "int",
        "float", "bool", "empty"])
def test_tensor_infers_dtype(lib, data, name):
    assert lib.tensor(data).dtype == _dtype(lib, name)


@pytest.mark.parametrize("arr, name", [
    (np.array([1., 2.]), "float64"),
    (np.array([1., 2.], dtype=np.float32), "float32"),
    (np.array([1, 2], dtype=np.int32), "int32"),
    (np.array([1, 2], dtype=np.int64), "int64"),
    (np.array([True]), "bool"),
    (np.array(3.), "float64"),
    (np.float64(2.5), "float64"),
    (np.float32(2.5), "float32"),
], ids=["f64_array", "f32_array", "i32_array", "i64_array", "bool_array", "f64_0d_array",
        "np_float64_scalar", "np_float32_scalar"])
def test_tensor_keeps_numpy_dtype(lib, arr, name):
    assert lib.tensor(arr).dtype == _dtype(lib, name)


def test_tensor_explicit_dtype(lib):
    t = lib.tensor([1, 2], dtype=lib.float64)
    assert t.dtype == lib.float64
    assert t.tolist() == [1., 2.]
    assert lib.tensor([1.7, -1.7], dtype=lib.int64).tolist() == [1, -1]
    assert lib.tensor([1., 2.], dtype=lib.float32, requires_grad=True).requires_grad


def test_tensor_shapes(lib):
    assert lib.tensor([[1, 2, 3], [4, 5, 6]]).shape == (2, 3)
    assert lib.tensor(1.).shape == ()
    assert lib.tensor([]).shape == (0,)
    assert lib.tensor([[]]).shape == (1, 0)


@pytest.mark.parametrize("fname, value", [("zeros", 0.), ("ones", 1.)])
def test_zeros_ones(lib, fname, value):
    f = getattr(lib, fname)
    for t in (f(2, 3), f((2, 3)), f([2, 3])):
        assert t.shape == (2, 3)
        assert t.dtype == lib.float32
        assert t.tolist() == [[value] * 3] * 2
        assert t.requires_grad is False
    assert f(()).shape == ()
    assert f(0).shape == (0,)
    assert f(2, dtype=lib.float64).dtype == lib.float64
    assert f(2, dtype=lib.int64).tolist() == [int(value)] * 2
    assert f(2, dtype=lib.bool).dtype == lib.bool


def test_empty(lib):
    t = lib.empty(2, 3)
    assert t.shape == (2, 3)
    assert t.dtype == lib.float32
    assert lib.empty((4,), dtype=lib.int32).dtype == lib.int32
    assert lib.empty(2, 0).shape == (2, 0)


@pytest.mark.parametrize("fill, name, expected", [
    (3, "int64", [[3, 3, 3], [3, 3, 3]]),
    (2.5, "float32", [[2.5] * 3] * 2),
    (True, "bool", [[True] * 3] * 2),
], ids=["int_fill", "float_fill", "bool_fill"])
def test_full_infers_dtype_from_fill(lib, fill, name, expected):
    t = lib.full((2, 3), fill)
    assert t.dtype == _dtype(lib, name)
    assert t.tolist() == expected


def test_full_explicit_dtype(lib):
    assert lib.full([2], 3, dtype=lib.float64).dtype == lib.float64
    assert lib.full([2], 3, dtype=lib.float64).tolist() == [3., 3.]
    assert lib.full((2,), 1.5, requires_grad=True).requires_grad is True


def test_zeros_like_ones_like(lib):
    i = lib.tensor([[1, 2, 3]])
    z = lib.zeros_like(i)
    assert z.dtype == lib.int64 and z.shape == (1, 3) and z.tolist() == [[0, 0, 0]]
    o = lib.ones_like(i, dtype=lib.float64)
    assert o.dtype == lib.float64 and o.tolist() == [[1., 1., 1.]]
    x = lib.ones(2, requires_grad=True)
    assert lib.zeros_like(x).requires_grad is False
    assert lib.ones_like(x, requires_grad=True).requires_grad is True
    assert lib.zeros_like(lib.tensor(2.5)).shape == ()
    f = lib.full_like(i, 7)
    assert f.dtype == lib.int64 and f.tolist() == [[7, 7, 7]]
    assert lib.empty_like(x).shape == (2,)


@pytest.mark.parametrize("fname", ["rand", "randn"])
def test_rand_randn_shape_dtype(lib, fname):
    f = getattr(lib, fname)
    assert f(2, 3).shape == (2, 3)
    assert f((4,)).shape == (4,)
    assert f(()).shape == ()
    assert f(2).dtype == lib.float32
    assert f(2, dtype=lib.float64).dtype == lib.float64
    assert f(2, requires_grad=True).requires_grad is True


def test_rand_is_in_unit_interval(lib):
    v = np.asarray(lib.rand(1000))
    assert v.min() >= 0.0 and v.max() < 1.0
    assert 0.4 < v.mean() < 0.6


def test_randn_is_standard_normal(lib):
    v = np.asarray(lib.randn(20000), dtype=np.float64)
    assert abs(v.mean()) < 0.05
    assert 0.95 < v.std() < 1.05


@pytest.mark.parametrize("fname", ["rand", "randn"])
def test_manual_seed_repeatable(lib, fname):
    f = getattr(lib, fname)
    lib.manual_seed(0)
    a = f(5).tolist()
    b = f(5).tolist()
    lib.manual_seed(0)
    assert f(5).tolist() == a
    assert f(5).tolist() == b
    assert a != b
    lib.manual_seed(1)
    assert f(5).tolist() != a


def test_manual_seed_returns_generator_and_initial_seed(lib):
    g = lib.manual_seed(123)
    assert isinstance(g, lib.Generator)
    assert lib.initial_seed() == 123


def test_generator_argument(lib):
    g = lib.Generator().manual_seed(7)
    a = lib.rand(4, generator=g).tolist()
    g.manual_seed(7)
    assert lib.rand(4, generator=g).tolist() == a


@pytest.mark.parametrize("args, kwargs, name, expected", [
    ((5,), {}, "int64", [0, 1, 2, 3, 4]),
    ((1, 4), {}, "int64", [1, 2, 3]),
    ((0, 5, 2), {}, "int64", [0, 2, 4]),
    ((-1, -4, -1), {}, "int64", [-1, -2, -3]),
    ((5.,), {}, "float32", [0., 1., 2., 3., 4.]),
    ((0, 1, 0.25), {}, "float32", [0., 0.25, 0.5, 0.75]),
    ((1., 2.5, 0.5), {}, "float32", [1., 1.5, 2.]),
    ((3,), {"dtype": "float64"}, "float64", [0., 1., 2.]),
], ids=["end", "start_end", "step", "negative_step", "float_end", "float_step",
        "float_start", "explicit_dtype"])
def test_arange(lib, args, kwargs, name, expected):
    kwargs = {k: _dtype(lib, v) for k, v in kwargs.items()}
    t = lib.arange(*args, **kwargs)
    assert t.dtype == _dtype(lib, name)
    assert t.tolist() == expected


def test_linspace(lib):
    t = lib.linspace(0, 1, 5)
    assert t.dtype == lib.float32
    assert t.tolist() == [0., 0.25, 0.5, 0.75, 1.]
    assert lib.linspace(0, 10, 3, dtype=lib.float64).tolist() == [0., 5., 10.]
    assert lib.linspace(0, 10, 3, dtype=lib.float64).dtype == lib.float64
    assert lib.linspace(2, 3, 1).tolist() == [2.]
    assert lib.linspace(-1, 1, 3).tolist() == [-1., 0., 1.]


def test_eye(lib):
    assert lib.eye(2).tolist() == [[1., 0.], [0., 1.]]
    assert lib.eye(2).dtype == lib.float32
    assert lib.eye(2, 3).tolist() == [[1., 0., 0.], [0., 1., 0.]]
    assert lib.eye(3, 2).shape == (3, 2)
    assert lib.eye(2, dtype=lib.float64).dtype == lib.float64
    assert lib.eye(2, dtype=lib.int64).tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize("make", [
    lambda t: t.tensor([1., 2.], requires_grad=True),
    lambda t: t.zeros(2, requires_grad=True),
    lambda t: t.ones(2, 2, requires_grad=True),
    lambda t: t.empty(3, requires_grad=True),
    lambda t: t.full((2,), 0.5, requires_grad=True),
    lambda t: t.rand(2, requires_grad=True),
    lambda t: t.randn(2, requires_grad=True),
    lambda t: t.arange(3., requires_grad=True),
    lambda t: t.linspace(0, 1, 3, requires_grad=True),
    lambda t: t.eye(2, requires_grad=True),
    lambda t: t.zeros_like(t.ones(2), requires_grad=True),
    lambda t: t.ones(2, dtype=t.float64, requires_grad=True),
], ids=["tensor", "zeros", "ones", "empty", "full", "rand", "randn", "arange", "linspace",
        "eye", "zeros_like", "ones_float64"])
def test_factory_requires_grad(lib, make):
    t = make(lib)
    assert t.requires_grad is True
    assert t.is_leaf is True
    assert t.grad_fn is None
    assert t.grad is None
    t.sum().backward()
    assert t.grad.shape == t.shape
    assert np.all(np.asarray(t.grad) == 1)


# ====================================================================== repr

@pytest.mark.parametrize("make, expected", [
    (lambda t: t.tensor([1., 2.], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda t: t.tensor([1., 2.], requires_grad=True) * 2,
     "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda t: (t.tensor([1., 2.], requires_grad=True) * 2).sum(),
     "tensor(6., grad_fn=<SumBackward0>)"),
    (lambda t: t.tensor(3., requires_grad=True) * 2, "tensor(6., grad_fn=<MulBackward0>)"),
    (lambda t: t.tensor([[1., 2.], [3., 4.]], requires_grad=True),
     "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)"),
    (lambda t: t.tensor([1., 2.], dtype=t.float64), "tensor([1., 2.], dtype=jitgrad.float64)"),
    (lambda t: t.tensor([1., 2.], dtype=t.float64, requires_grad=True),
     "tensor([1., 2.], dtype=jitgrad.float64, requires_grad=True)"),
    (lambda t: t.tensor([1., 2.], dtype=t.float64, requires_grad=True) * 2,
     "tensor([2., 4.], dtype=jitgrad.float64, grad_fn=<MulBackward0>)"),
    (lambda t: t.tensor([1., 2.], dtype=t.float64, requires_grad=True).sum(),
     "tensor(3., dtype=jitgrad.float64, grad_fn=<SumBackward0>)"),
    (lambda t: t.tensor([1, 2]), "tensor([1, 2])"),
    (lambda t: t.tensor([1, 2], dtype=t.int32), "tensor([1, 2], dtype=jitgrad.int32)"),
    (lambda t: t.tensor([1, 2], dtype=t.int32) * 2, "tensor([2, 4], dtype=jitgrad.int32)"),
    (lambda t: t.tensor([True, False]), "tensor([ True, False])"),
    (lambda t: t.zeros(0), "tensor([])"),
    (lambda t: t.zeros(0, dtype=t.int64), "tensor([], dtype=jitgrad.int64)"),
    (lambda t: t.tensor(2.), "tensor(2.)"),
    (lambda t: t.tensor([1., 2.], requires_grad=True).detach(), "tensor([1., 2.])"),
    (lambda t: t.tensor([1., 2.], requires_grad=True).data, "tensor([1., 2.])"),
    (lambda t: t.eye(2, 3), "tensor([[1., 0., 0.],\n        [0., 1., 0.]])"),
], ids=["leaf_requires_grad", "mul_grad_fn", "sum_grad_fn", "0d_grad_fn", "2d_requires_grad",
        "float64", "float64_requires_grad", "float64_grad_fn", "float64_0d_grad_fn", "int64",
        "int32", "int32_result", "bool", "empty_float", "empty_int64", "0d", "detached",
        "data", "eye"])
def test_repr(lib, make, expected):
    t = make(lib)
    assert _rep(t) == expected
    assert _text(t) == expected


def test_repr_under_no_grad_has_no_grad_fn(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    with lib.no_grad():
        y = x * 2
    assert _rep(y) == "tensor([2., 4.])"


def test_dtype_repr(lib):
    assert _rep(lib.float32) == "jitgrad.float32"
    assert _rep(lib.float64) == "jitgrad.float64"
    assert _rep(lib.int32) == "jitgrad.int32"
    assert _rep(lib.int64) == "jitgrad.int64"
    assert _rep(lib.bool) == "jitgrad.bool"
    assert lib.float is lib.float32 and lib.double is lib.float64
    assert lib.long is lib.int64 and lib.int is lib.int32
    assert lib.get_default_dtype() is lib.float32


# ====================================================================== grad mode

def test_grad_enabled_by_default(lib):
    assert lib.is_grad_enabled() is True


def test_no_grad_context(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        assert lib.is_grad_enabled() is False
        y = x * 2
        assert y.requires_grad is False
        assert y.grad_fn is None
        assert y.is_leaf is True
    assert lib.is_grad_enabled() is True
    assert (x * 2).requires_grad is True


def test_no_grad_restores_after_exception(lib):
    with pytest.raises(ValueError):
        with lib.no_grad():
            raise ValueError
    assert lib.is_grad_enabled() is True


def test_enable_grad_inside_no_grad(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        with lib.enable_grad():
            assert lib.is_grad_enabled() is True
            assert (x * 2).requires_grad is True
            with lib.no_grad():
                assert lib.is_grad_enabled() is False
            assert lib.is_grad_enabled() is True
        assert lib.is_grad_enabled() is False
        assert (x * 2).requires_grad is False
    assert lib.is_grad_enabled() is True


def test_nested_no_grad(lib):
    with lib.no_grad():
        with lib.no_grad():
            assert lib.is_grad_enabled() is False
        assert lib.is_grad_enabled() is False
    assert lib.is_grad_enabled() is True


def test_set_grad_enabled_context(lib):
    x = lib.ones(2, requires_grad=True)
    with lib.set_grad_enabled(False):
        assert lib.is_grad_enabled() is False
        assert (x * 2).requires_grad is False
        with lib.set_grad_enabled(True):
            assert lib.is_grad_enabled() is True
            assert (x * 2).requires_grad is True
        assert lib.is_grad_enabled() is False
    assert lib.is_grad_enabled() is True


def test_set_grad_enabled_as_function(lib):
    try:
        lib.set_grad_enabled(False)
        assert lib.is_grad_enabled() is False
        lib.set_grad_enabled(True)
        assert lib.is_grad_enabled() is True
    finally:
        lib.set_grad_enabled(True)


def test_set_grad_enabled_context_restores_after_exception(lib):
    with pytest.raises(KeyError):
        with lib.set_grad_enabled(False):
            raise KeyError
    assert lib.is_grad_enabled() is True


def test_no_grad_decorator(lib):
    x = lib.ones(2, requires_grad=True)

    @lib.no_grad()
    def f():
        """doc"""
        return lib.is_grad_enabled(), (x * 2).requires_grad

    assert f() == (False, False)
    assert lib.is_grad_enabled() is True
    assert f.__name__ == "f" and f.__doc__ == "doc"


def test_no_grad_bare_decorator(lib):
    # torch accepts @torch.no_grad without parentheses
    @lib.no_grad
    def f():
        return lib.is_grad_enabled()

    assert f() is False
    assert lib.is_grad_enabled() is True


def test_enable_grad_decorator(lib):
    @lib.enable_grad()
    def g():
        return lib.is_grad_enabled()

    with lib.no_grad():
        assert g() is True
        assert lib.is_grad_enabled() is False


def test_set_grad_enabled_decorator(lib):
    @lib.set_grad_enabled(False)
    def h():
        return lib.is_grad_enabled()

    assert lib.is_grad_enabled() is True          # decorating does not change the mode
    assert h() is False
    assert lib.is_grad_enabled() is True


def test_decorator_restores_after_exception(lib):
    @lib.no_grad()
    def boom():
        raise RuntimeError("x")

    with pytest.raises(RuntimeError):
        boom()
    assert lib.is_grad_enabled() is True


def test_decorated_function_is_reentrant(lib):
    @lib.no_grad()
    def rec(n):
        assert lib.is_grad_enabled() is False
        return 0 if n == 0 else 1 + rec(n - 1)

    assert rec(3) == 3
    assert lib.is_grad_enabled() is True


def test_no_grad_decorator_on_generator(lib):
    # torch wraps generator functions so their body runs under the mode
    @lib.no_grad()
    def gen():
        yield lib.is_grad_enabled()
        yield lib.is_grad_enabled()

    assert list(gen()) == [False, False]
    assert lib.is_grad_enabled() is True


def test_grad_mode_is_per_thread_new_thread_sees_enabled(lib):
    x = lib.ones(2, requires_grad=True)
    seen = []

    def worker():
        seen.append((lib.is_grad_enabled(), (x * 2).requires_grad))

    with lib.no_grad():
        th = threading.Thread(target=worker)
        th.start()
        th.join()
        assert lib.is_grad_enabled() is False
    assert seen == [(True, True)]


def test_grad_mode_is_per_thread_other_thread_no_grad(lib):
    inside = threading.Event()
    release = threading.Event()
    seen = []

    def worker():
        with lib.no_grad():
            seen.append(lib.is_grad_enabled())
            inside.set()
            release.wait(5)

    th = threading.Thread(target=worker)
    th.start()
    try:
        assert inside.wait(5)
        assert lib.is_grad_enabled() is True      # main thread unaffected
    finally:
        release.set()
        th.join()
    assert seen == [False]
    assert lib.is_grad_enabled() is True


def test_set_grad_enabled_false_in_thread_does_not_leak(lib):
    def worker():
        lib.set_grad_enabled(False)

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    assert lib.is_grad_enabled() is True


def test_backward_under_no_grad_still_works(lib):
    x = lib.ones(2, requires_grad=True)
    y = (x * 3).sum()
    with lib.no_grad():
        y.backward()
    assert x.grad.tolist() == [3., 3.]


def test_autograd_namespace_grad_mode(lib):
    assert lib.autograd.no_grad is lib.no_grad
    assert lib.autograd.enable_grad is lib.enable_grad
    assert lib.autograd.set_grad_enabled is lib.set_grad_enabled


@pytest.fixture(autouse=True)
def _grad_mode_restored(lib):
    """Every test must leave grad mode enabled (a leak would break later tests)."""
    yield
    assert lib.is_grad_enabled() is True


def test_equal_isclose_allclose():
    a = jitgrad.tensor([1.0, 2.0, float("nan")])
    assert jitgrad.equal(a[:2], jitgrad.tensor([1.0, 2.0], dtype=jitgrad.float64))
    assert not jitgrad.equal(a[:2], jitgrad.tensor([1.0]))
    assert not a.equal(a)                                       # nan != nan
    close = jitgrad.isclose(a, a + 1e-6)
    assert close.dtype == jitgrad.bool and close.tolist() == [True, True, False]
    assert a.isclose(a, equal_nan=True).tolist() == [True, True, True]
    assert jitgrad.allclose(a[:2], a[:2] + 1e-7) and not a[:2].allclose(a[:2] + 1e-3)
    with pytest.raises(RuntimeError, match="^Float did not match Double$"):
        jitgrad.isclose(a, a.double())
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match"):
        jitgrad.allclose(a, jitgrad.ones(2))


@pytest.mark.parametrize("data,name", [
    ([np.float64(1)], "float64"), ([np.int32(1)], "int32"), ([np.float32(1), 2], "float32"),
    ([1, np.float64(2)], "float64"), ([np.int32(1), 2], "int64"), ([np.int32(1), True], "int32"),
    ([[np.float64(1)], [2.0]], "float64"), ([np.float32(1), np.float64(2)], "float64"),
    ([1, 2], "int64"), ([1.0, 2], "float32"), ([True], "bool"),
], ids=lambda v: repr(v) if not isinstance(v, str) else v)
def test_tensor_infers_dtype_from_numpy_scalars(lib, data, name):
    # each element's own type, promoted pairwise, as torch infers it
    assert lib.tensor(data).dtype == getattr(lib, name)


LINSPACE = [(-0.5, 0.5, 6), (5, -5, 15), (2, -5, 37), (-3.3, 7.7, 1000), (0, 1, 1), (0, 1, 0)]


def test_linspace_rounds_as_torch():
    # torch's CPU kernel fuses start + step*i into one multiply-add:
    # -0.5 + 0.2*2 rounds to -0.099999994 in float32, not -0.1
    assert jitgrad.linspace(-0.5, 0.5, 6).tolist()[2:4] == [np.float32(-0.099999994),
                                                             np.float32(0.099999994)]
    assert jitgrad.linspace(-3.3, 7.7, 6, dtype=jitgrad.int64).tolist() == [-3, -1, 1, 3, 5, 7]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("start,end,steps", LINSPACE)
def test_linspace_bits_match_torch(start, end, steps, dtype):
    torch = pytest.importorskip("torch")
    want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    got = jitgrad.linspace(start, end, steps, dtype=getattr(jitgrad, dtype)).numpy()
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_as_and_new_methods(lib):
    a = lib.arange(6.).reshape(2, 3).requires_grad_()
    b = lib.zeros(3, 2, dtype=lib.float64)
    v = a.view_as(b)
    assert tuple(v.shape) == (3, 2) and v.grad_fn.name() == "ViewBackward0"
    v.sum().backward()
    assert a.grad.tolist() == [[1.0] * 3] * 2
    assert tuple(a.detach().t().reshape_as(b).shape) == (3, 2)
    assert a.type_as(b).dtype == lib.float64
    assert a.new_zeros(2).dtype == lib.float32 and a.new_zeros(2).tolist() == [0.0, 0.0]
    assert tuple(a.new_ones((2, 1)).shape) == (2, 1)
    assert a.new_full((2,), 3).tolist() == [3.0, 3.0]
    assert a.new_tensor([1, 2]).dtype == lib.float32 and not a.new_tensor([1]).requires_grad
    assert tuple(a.new_empty(3).shape) == (3,)
    assert a.new_zeros(2, dtype=lib.int64).dtype == lib.int64
    assert a.new_ones(1, requires_grad=True).requires_grad


def test_num_threads(lib):
    before = lib.get_num_threads()
    try:
        lib.set_num_threads(1)
        assert lib.get_num_threads() == 1
        for bad, message in ((0, "set_num_threads expects a positive integer"),
                             (1.5, "set_num_threads expects an int, but got float"),
                             (True, "set_num_threads expects an int, but got bool")):
            with pytest.raises(RuntimeError, match=f"^{message}$"):
                lib.set_num_threads(bad)
    finally:
        lib.set_num_threads(before)


def test_linspace_negative_steps(lib):
    with pytest.raises(RuntimeError, match="^number of steps must be non-negative$"):
        lib.linspace(0, 1, -1)
