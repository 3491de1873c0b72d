"""numpy on tensors, as in torch: ``Tensor.__array__`` and ``__array_wrap__``
(torch defines no ``__array_ufunc__``).

- a numpy ufunc or function of tensors returns a Tensor (the result of
  numpy's computation, so numpy's dtype rules: ``np.exp`` of an int64 tensor
  is float64), a fresh leaf; a 0-d result is a 0-d tensor;
- ``np.asarray(t)`` shares t's memory, ``np.array(t)`` copies;
- a tensor that requires grad is refused: "Can't call numpy() on Tensor that
  requires grad..." (so is ``np.asarray(t, copy=False)``, with numpy's
  ValueError: torch's ``__array__`` takes no ``copy``);
- ``Tensor <op> ndarray`` is numpy's ufunc too (torch's operator returns
  NotImplemented for an ndarray), ``ndarray <op> Tensor`` a TypeError;
- numpy methods that call a Tensor method with numpy's keywords
  (``np.sum(t)`` calls ``t.sum(axis=None, out=None)``) fail as in torch;
- none of it warns (torch's old ``__array__``/``__array_wrap__`` signatures
  make numpy 2 emit DeprecationWarnings; jitgrad's take numpy's arguments).

Deliberate differences: jitgrad has no uint8 or float16, so a bool result
(torch: uint8) stays a bool tensor and a float16 result (``np.exp`` of a bool
tensor) is from_numpy's TypeError.

And ``from_numpy`` / ``tensor`` / ``as_tensor`` refuse an ndarray with a
negative stride (or a stride that is not a whole number of elements) with
torch's ValueError.
"""
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad import messages


@pytest.fixture(autouse=True)
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def T(*values, dtype=None, requires_grad=False):
    return jitgrad.tensor(list(values), dtype=dtype, requires_grad=requires_grad)


def _check(got, dtype, values):
    assert type(got) is jitgrad.Tensor
    assert got.dtype == dtype
    assert not got.requires_grad and got.is_leaf and got.grad_fn is None
    np.testing.assert_array_equal(got.numpy(), np.asarray(values, dtype=dtype.numpy))


# ------------------------------------------------------------------ ufuncs give tensors

def test_ufunc_of_a_tensor_is_a_tensor():
    t = T(1.0, 2.0, 3.0)
    _check(np.exp(t), jitgrad.float32, np.exp(np.float32([1, 2, 3])))
    _check(np.sqrt(t), jitgrad.float32, np.sqrt(np.float32([1, 2, 3])))
    _check(np.negative(t), jitgrad.float32, [-1, -2, -3])
    _check(np.add(t, 1), jitgrad.float32, [2, 3, 4])
    _check(np.add(1, t), jitgrad.float32, [2, 3, 4])
    _check(np.add(t, t), jitgrad.float32, [2, 4, 6])


def test_numpys_dtype_rules():
    # numpy computes: its promotion, not torch's
    _check(np.exp(T(1, 2)), jitgrad.float64, np.exp([1.0, 2.0]))
    _check(np.exp(T(1, 2, dtype=jitgrad.int32)), jitgrad.float64, np.exp([1.0, 2.0]))
    _check(np.add(T(1.0, 2.0), np.ones(2)), jitgrad.float64, [2, 3])
    _check(np.add(np.ones(2), T(1.0, 2.0)), jitgrad.float64, [2, 3])
    _check(np.add(T(1.0), T(1)), jitgrad.float64, [2])
    _check(np.add(T(1.0, 2.0), 1, dtype=np.float64), jitgrad.float64, [2, 3])
    _check(np.square(T(2, 3)), jitgrad.int64, [4, 9])
    _check(np.floor_divide(T(7, -7), 2), jitgrad.int64, [3, -4])


def test_bool_results_stay_bool():
    # torch gives uint8 here; jitgrad has no uint8
    _check(np.isnan(T(1.0, float("nan"))), jitgrad.bool, [False, True])
    _check(np.greater(T(1.0, 2.0), 1), jitgrad.bool, [False, True])
    _check(np.equal(T(1, 2), T(1, 3)), jitgrad.bool, [True, False])


def test_zero_dim_results_are_zero_dim_tensors():
    r = np.exp(jitgrad.tensor(0.0))
    _check(r, jitgrad.float32, 1.0)
    assert r.shape == ()
    _check(np.add.reduce(T(1.0, 2.0, 3.0)), jitgrad.float32, 6.0)
    _check(np.matmul(T(1.0, 2.0), T(3.0, 4.0)), jitgrad.float32, 11.0)
    _check(np.argmax(T(1.0, 5.0, 3.0)), jitgrad.int64, 1)
    assert float(np.exp(jitgrad.tensor(0.0))) == 1.0


def test_several_outputs_reductions_and_methods():
    a, b = np.modf(T(1.5, -2.25))
    _check(a, jitgrad.float32, [0.5, -0.25])
    _check(b, jitgrad.float32, [1, -2])
    q, r = np.divmod(T(7.0, -7.0), 2)
    _check(q, jitgrad.float32, [3, -4])
    _check(r, jitgrad.float32, [1, 1])
    _check(np.add.accumulate(T(1.0, 2.0, 3.0)), jitgrad.float32, [1, 3, 6])
    _check(np.cumsum(T(1.0, 2.0, 3.0)), jitgrad.float32, [1, 3, 6])
    _check(np.clip(T(1.0, 2.0, 3.0), 0, 2), jitgrad.float32, [1, 2, 2])
    _check(np.transpose(jitgrad.ones(2, 3)), jitgrad.float32, np.ones((3, 2)))


def test_result_keeps_numpys_layout_and_memory():
    x = jitgrad.ones(2, 3).t()
    r = np.exp(x)
    assert r.shape == (3, 2) and not r.is_contiguous()      # numpy's K order, as torch
    r.add_(1)                                                # writable, its own memory
    assert x.tolist() == np.ones((3, 2)).tolist()


def test_results_that_are_not_wrapped():
    t = T(1.0, 2.0, 3.0)
    out = np.empty(3, np.float32)
    assert np.exp(t, out=out) is out
    assert type(np.concatenate([t, t])) is np.ndarray
    assert type(np.dot(t, t)) is np.float32
    assert np.allclose(t, t) is True


def test_result_dtype_jitgrad_lacks():
    # numpy's exp of bool is float16 (torch: a float16 tensor)
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.float16"):
        np.exp(T(True, False))


def test_methods_called_with_numpys_keywords():
    t = T(1.0, 2.0)
    for fn, name in ((np.sum, "sum"), (np.mean, "mean")):
        with pytest.raises(TypeError) as err:
            fn(t)
        assert str(err.value) == f"{name}() got an unexpected keyword argument 'axis'"
    # the methods themselves are unchanged
    assert t.sum().item() == 3.0 and t.mean().item() == 1.5


# ------------------------------------------------------------------ __array__

def test_asarray_shares_and_array_copies():
    t = T(1.0, 2.0, 3.0)
    a = np.asarray(t)
    assert type(a) is np.ndarray and a.dtype == np.float32
    a[0] = 10
    assert t[0].item() == 10
    b = np.array(t)
    b[1] = 20
    assert t[1].item() == 2
    c = np.asarray(t, dtype=np.float64)
    assert c.dtype == np.float64 and c.tolist() == [10, 2, 3]
    d = np.array(t, dtype=np.float32, copy=True)
    d[2] = 30
    assert t[2].item() == 3


def test_asarray_without_copy_is_numpys_value_error():
    with pytest.raises(ValueError) as err:
        np.asarray(T(1.0), copy=False)
    assert str(err.value) == messages.NUMPY_COPY_FALSE


REQUIRES_GRAD_CALLS = {
    "asarray": lambda x: np.asarray(x),
    "array": lambda x: np.array(x),
    "array-dtype": lambda x: np.array(x, dtype=np.float64),
    "exp": lambda x: np.exp(x),
    "add-scalar": lambda x: np.add(x, 1),
    "add-other": lambda x: np.add(jitgrad.ones(2), x),
    "operator-ndarray": lambda x: x + np.ones(2),
    "inplace-ndarray": lambda x: _imul(x, np.ones(2)),
}


def _imul(x, a):
    x *= a          # Tensor.__imul__ declines an ndarray: x * a, numpy's
    return x
NUMPY_REQUIRES_GRAD = ("Can't call numpy() on Tensor that requires grad. "
                       "Use tensor.detach().numpy() instead.")


@pytest.mark.parametrize("call", REQUIRES_GRAD_CALLS, ids=list(REQUIRES_GRAD_CALLS))
@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
def test_requires_grad_is_refused(call, leaf):
    x = T(1.0, 2.0, requires_grad=True)
    if not leaf:
        x = x * 2
    with pytest.raises(RuntimeError) as err:
        REQUIRES_GRAD_CALLS[call](x)
    assert str(err.value) == NUMPY_REQUIRES_GRAD == messages.NUMPY_REQUIRES_GRAD
    _check(np.exp(x.detach()), jitgrad.float32, np.exp(x.detach().numpy()))


def test_numpy_scalars_stay_torch_scalars():
    # np.float64(2) * t is not numpy's: the Tensor's operator takes it as a number
    x = T(1.0, 2.0, requires_grad=True)
    y = np.float64(2) * x
    assert y.dtype == jitgrad.float32 and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


# ------------------------------------------------------------------ operators with ndarrays

def test_tensor_op_ndarray_is_numpys():
    t, ti = T(1.0, 2.0, 3.0), T(1, 2, 3)
    _check(t + np.ones(3), jitgrad.float64, [2, 3, 4])
    _check(ti + np.ones(3, np.float32), jitgrad.float64, [2, 3, 4])
    _check(t * np.ones(3, np.int64), jitgrad.float64, [1, 2, 3])
    _check(t - np.ones(3, bool), jitgrad.float32, [0, 1, 2])
    _check(t / np.array(2.0), jitgrad.float64, [0.5, 1, 1.5])
    _check(t ** np.full(3, 2.0, np.float32), jitgrad.float32, [1, 4, 9])
    _check(t // np.full(3, 2, np.int64), jitgrad.float64, [0, 1, 1])
    _check(t % np.full(3, 2.0), jitgrad.float64, [1, 0, 1])
    _check(t @ np.ones(3, np.float32), jitgrad.float32, 6.0)
    _check(ti + np.ones(3, np.int64), jitgrad.int64, [2, 3, 4])
    # comparisons with == take the ndarray as a tensor (torch's own path)
    eq = t == np.ones(3)
    assert eq.dtype == jitgrad.bool and eq.tolist() == [True, False, False]


def test_ndarray_op_tensor_is_refused():
    t = T(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="Concatenation operation is not implemented"):
        np.ones(3) + t
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \*"):
        np.ones(3) * t
    with pytest.raises(TypeError, match="not supported between instances"):
        np.ones(3) < t


def test_inplace_operator_with_ndarray_rebinds():
    x = T(1.0, 2.0, 3.0)
    y = x
    x += np.ones(3)
    assert x is not y and x.dtype == jitgrad.float64 and x.tolist() == [2, 3, 4]
    assert y.tolist() == [1, 2, 3]
    for op in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__imod__",
               "__ifloordiv__"):
        assert getattr(y, op)(np.ones(3)) is NotImplemented
    # the named in-place methods refuse an ndarray, as torch's (TypeError)
    with pytest.raises(TypeError):
        y.add_(np.ones(3))


# ------------------------------------------------------------------ torch parity

CALLS = {
    "exp": lambda lib: np.exp(lib.tensor([1.0, 2.0, 3.0])),
    "exp-int": lambda lib: np.exp(lib.tensor([1, 2, 3])),
    "exp-int32": lambda lib: np.exp(lib.tensor([1], dtype=lib.int32)),
    "exp-double": lambda lib: np.exp(lib.tensor([1.0], dtype=lib.float64)),
    "exp-0d": lambda lib: np.exp(lib.tensor(2.0)),
    "exp-element": lambda lib: np.exp(lib.tensor([1.0, 2.0])[0]),
    "exp-non-contiguous": lambda lib: np.exp(lib.ones(2, 3).t()),
    "add-number": lambda lib: np.add(lib.tensor([1.0, 2.0]), 1),
    "radd-number": lambda lib: np.add(1, lib.tensor([1.0, 2.0])),
    "add-tensors": lambda lib: np.add(lib.tensor([1.0, 2.0]), lib.tensor([1, 2])),
    "add-ndarray": lambda lib: np.add(lib.tensor([1.0, 2.0]), np.ones(2)),
    "add-dtype": lambda lib: np.add(lib.tensor([1.0, 2.0]), 1, dtype=np.float64),
    "sqrt": lambda lib: np.sqrt(lib.tensor([4.0, 9.0])),
    "square-int": lambda lib: np.square(lib.tensor([2, 3])),
    "floor-divide-int": lambda lib: np.floor_divide(lib.tensor([7, -7]), 2),
    "matmul": lambda lib: np.matmul(lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])),
    "reduce": lambda lib: np.add.reduce(lib.tensor([1.0, 2.0, 3.0])),
    "accumulate": lambda lib: np.add.accumulate(lib.tensor([1.0, 2.0, 3.0])),
    "cumsum": lambda lib: np.cumsum(lib.tensor([1.0, 2.0, 3.0])),
    "argmax": lambda lib: np.argmax(lib.tensor([1.0, 5.0, 3.0])),
    "clip": lambda lib: np.clip(lib.tensor([1.0, 2.0, 3.0]), 0, 2),
    "round": lambda lib: np.round(lib.tensor([1.25, 2.5])),
    "transpose": lambda lib: np.transpose(lib.ones(2, 3)),
    "reshape": lambda lib: np.reshape(lib.tensor([1.0, 2.0]), (2, 1)),
    "modf": lambda lib: np.modf(lib.tensor([1.5, -2.25])),
    "divmod": lambda lib: np.divmod(lib.tensor([7.0, -7.0]), 2),
    "concatenate": lambda lib: np.concatenate([lib.tensor([1.0]), lib.tensor([2.0])]),
    "dot": lambda lib: np.dot(lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])),
    "exp-out": lambda lib: np.exp(lib.tensor([1.0]), out=np.empty(1, np.float32)),
    "where": lambda lib: np.where(lib.tensor([1.0, 2.0]) > 1, lib.tensor([1.0, 2.0]), 0),
    "sum": lambda lib: np.sum(lib.tensor([1.0, 2.0])),
    "sum-axis": lambda lib: np.sum(lib.tensor([1.0, 2.0]), axis=0),
    "mean": lambda lib: np.mean(lib.tensor([1.0, 2.0])),
    "asarray": lambda lib: np.asarray(lib.tensor([1.0, 2.0])),
    "asarray-dtype": lambda lib: np.asarray(lib.tensor([1.0, 2.0]), dtype=np.float64),
    "asarray-0d": lambda lib: np.asarray(lib.tensor(2.0)),
    "asarray-bool": lambda lib: np.asarray(lib.tensor([True])),
    "asarray-no-copy": lambda lib: np.asarray(lib.tensor([1.0]), copy=False),
    "array": lambda lib: np.array(lib.tensor([1.0, 2.0])),
    "array-dtype": lambda lib: np.array(lib.tensor([1.0, 2.0]), dtype=np.float64),
    "array-no-copy": lambda lib: np.array(lib.tensor([1.0]), copy=False),
    "grad-asarray": lambda lib: np.asarray(lib.tensor([1.0], requires_grad=True)),
    "grad-array": lambda lib: np.array(lib.tensor([1.0], requires_grad=True)),
    "grad-exp": lambda lib: np.exp(lib.tensor([1.0], requires_grad=True)),
    "grad-add": lambda lib: np.add(lib.tensor([1.0], requires_grad=True), 1),
    "grad-sum": lambda lib: np.sum(lib.tensor([1.0], requires_grad=True)),
    "grad-non-leaf": lambda lib: np.exp(lib.tensor([1.0], requires_grad=True) * 2),
    "grad-detached": lambda lib: np.exp(lib.tensor([1.0], requires_grad=True).detach()),
    "grad-operator-ndarray": lambda lib: lib.tensor([1.0], requires_grad=True) + np.ones(1),
    "grad-numpy-scalar": lambda lib: np.float64(2) * lib.tensor([1.0], requires_grad=True),
    "op-f64": lambda lib: lib.tensor([1.0, 2.0]) + np.ones(2),
    "op-int-f32": lambda lib: lib.tensor([1, 2]) + np.ones(2, np.float32),
    "op-f32-i64": lambda lib: lib.tensor([1.0, 2.0]) * np.ones(2, np.int64),
    "op-bool-sub": lambda lib: lib.tensor([1.0, 2.0]) - np.ones(2, bool),
    "op-0d-array": lambda lib: lib.tensor([1.0, 2.0]) / np.array(2.0),
    "op-pow": lambda lib: lib.tensor([1.0, 2.0]) ** np.full(2, 2.0, np.float32),
    "op-floordiv": lambda lib: lib.tensor([1.0, 3.0]) // np.full(2, 2, np.int64),
    "op-mod": lambda lib: lib.tensor([1.0, 3.0]) % np.full(2, 2.0),
    "op-matmul": lambda lib: lib.tensor([1.0, 2.0]) @ np.ones(2, np.float32),
    "op-eq": lambda lib: lib.tensor([1.0, 2.0]) == np.ones(2),
    "op-lt": lambda lib: lib.tensor([1.0, 2.0]) < np.ones(2),
    "rop-add": lambda lib: np.ones(2) + lib.tensor([1.0, 2.0]),
    "rop-mul": lambda lib: np.ones(2) * lib.tensor([1.0, 2.0]),
    "rop-matmul": lambda lib: np.ones(2, np.float32) @ lib.tensor([1.0, 2.0]),
    "numpy-scalar": lambda lib: np.float32(2) + lib.tensor([1.0, 2.0]),
}
# jitgrad lacks the dtype torch gives: uint8 for a bool result, float16
DIFFERENT = {
    "isnan": lambda lib: np.isnan(lib.tensor([1.0])),
    "exp-bool": lambda lib: np.exp(lib.tensor([True])),
}


def _inplace(lib, op):
    x = lib.tensor([1.0, 2.0])
    y = x
    x = op(x, np.ones(2))
    return x, y


def _iadd(x, a):
    x += a
    return x


CALLS["inplace-add"] = lambda lib: _inplace(lib, _iadd)


def _describe(result, lib):
    if isinstance(result, tuple):
        return tuple(_describe(r, lib) for r in result)
    if isinstance(result, lib.Tensor):
        return ("Tensor", str(result.dtype).split(".")[-1], tuple(result.shape),
                result.detach().tolist(), result.requires_grad, result.is_leaf,
                result.is_contiguous())
    if isinstance(result, np.ndarray):
        return ("ndarray", str(result.dtype), result.tolist())
    return (type(result).__name__, getattr(result, "dtype", None), result)


def _run(call, lib):
    try:
        return _describe(call(lib), lib)
    except Exception as e:
        return (type(e).__name__, str(e).replace("jitgrad", "torch"))


@pytest.mark.parametrize("name", CALLS, ids=list(CALLS))
def test_as_torch(name):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        # torch's __array__ / __array_wrap__ signatures make numpy 2 warn
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = _run(CALLS[name], torch)
    assert _run(CALLS[name], jitgrad) == expected


@pytest.mark.parametrize("name", DIFFERENT, ids=list(DIFFERENT))
def test_known_differences_from_torch(name):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = _run(DIFFERENT[name], torch)
    got = _run(DIFFERENT[name], jitgrad)
    assert got != expected
    if expected[0] == "Tensor":        # same values where jitgrad gives a tensor
        assert got[0] != "Tensor" or got[2:4] == expected[2:4]


# ------------------------------------------------------------------ negative strides

NEGATIVE = ("At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around "
            "this by making a copy of your array  with array.copy().) ")
NOT_MULTIPLE = ("given numpy array strides not a multiple of the element byte size. "
                "Copy the numpy array to reallocate the memory.")


def _misaligned():
    return np.ndarray(shape=(2,), dtype=np.float64, buffer=np.zeros(40, np.uint8), strides=(12,))


STRIDED = {
    "reversed": lambda: np.arange(3.0)[::-1],
    "reversed-one": lambda: np.arange(1.0)[::-1],
    "reversed-columns": lambda: np.arange(12.0).reshape(3, 4)[:, ::-2],
    "reversed-int": lambda: np.arange(4)[::-1],
    "misaligned": _misaligned,
}
FACTORIES = {
    "from_numpy": lambda lib, a: lib.from_numpy(a),
    "tensor": lambda lib, a: lib.tensor(a),
    "tensor-dtype": lambda lib, a: lib.tensor(a, dtype=lib.float32),
    "as_tensor": lambda lib, a: lib.as_tensor(a),
    "as_tensor-dtype": lambda lib, a: lib.as_tensor(a, dtype=lib.float32),
    "Tensor": lambda lib, a: lib.Tensor(a),
}


@pytest.mark.parametrize("factory", FACTORIES, ids=list(FACTORIES))
@pytest.mark.parametrize("array", STRIDED, ids=list(STRIDED))
def test_bad_strides_are_refused(array, factory):
    a = STRIDED[array]()
    with pytest.raises(ValueError) as err:
        FACTORIES[factory](jitgrad, a)
    assert str(err.value) == (NOT_MULTIPLE if array == "misaligned" else NEGATIVE)
    assert messages.FROM_NUMPY_NEGATIVE_STRIDES == NEGATIVE
    assert messages.FROM_NUMPY_STRIDES_NOT_MULTIPLE == NOT_MULTIPLE


@pytest.mark.parametrize("factory", FACTORIES, ids=list(FACTORIES))
@pytest.mark.parametrize("array", STRIDED, ids=list(STRIDED))
def test_bad_strides_as_torch(array, factory):
    torch = pytest.importorskip("torch")
    a = STRIDED[array]()
    assert _run(lambda lib: FACTORIES[factory](lib, a), jitgrad) == \
        _run(lambda lib: FACTORIES[factory](lib, a), torch)


def test_fine_strides_are_taken():
    a = np.arange(6.0)[::2]                      # positive, non-unit: shared
    t = jitgrad.from_numpy(a)
    a[0] = 7
    assert t.tolist() == [7, 2, 4]
    assert jitgrad.from_numpy(np.arange(0.0)[::-1]).shape == (0,)     # empty: stride 0
    assert jitgrad.tensor(np.arange(3.0)[::-1].copy()).tolist() == [2, 1, 0]
    # a list of reversed arrays is data, not memory to share: taken
    assert jitgrad.tensor([np.arange(2.0)[::-1], np.arange(2.0)]).tolist() == [[1, 0], [0, 1]]
    # the dtype is checked first, as in torch
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.str"):
        jitgrad.from_numpy(np.array(["a", "b"])[::-1])
