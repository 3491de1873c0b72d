"""Bitwise and logical ops (jitgrad/ops/logical.py), the inverse hyperbolic
functions (op table Unary entries; their gradchecks, torch comparisons and
fused kernels are test_ops_elementwise's and test_compile_ops'), select,
broadcast_shapes/tensors/to, Tensor.new, finfo/iinfo and the size metadata.

Hand-derived values always; torch's values, dtypes and error texts where
torch is installed."""
import math
import warnings
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, table_tests

try:
    import torch
except ImportError:
    torch = None

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


CASES = [
    ("select", "dim0", lambda lib, x: x.select(0, 1), [R(3, 4)]),
    ("select", "function-negative", lambda lib, x: lib.select(x, -1, -2), [R(2, 3, 4)]),
    ("select", "non-contiguous", lambda lib, x: x.t().select(1, 2), [R(4, 3)]),
    ("expand", "broadcast_to", lambda lib, x: lib.broadcast_to(x, (2, 3, 4)), [R(3, 1)]),
    ("expand", "broadcast_tensors",
     lambda lib, x: lib.broadcast_tensors(lib.ones(2, 1, 1, dtype=x.dtype), x)[1], [R(3, 1)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


def libs():
    return [jitgrad] + ([torch] if torch is not None else [])


def values(t):
    return t.numpy().tolist(), str(t.dtype).split(".")[-1]


# ------------------------------------------------------------------ bitwise values


def I(lib, v, dtype="int64"):                  # noqa: E743
    return lib.tensor(v, dtype=getattr(lib, dtype))


HAND = [
    ("and", lambda lib: I(lib, [12, 10, -1]) & I(lib, [10, 6, 5]), [8, 2, 5], "int64"),
    ("or", lambda lib: I(lib, [12, 10, -8]) | I(lib, [10, 6, 1]), [14, 14, -7], "int64"),
    ("xor", lambda lib: I(lib, [12, 10, -1]) ^ I(lib, [10, 6, 5]), [6, 12, -6], "int64"),
    ("not", lambda lib: ~I(lib, [0, 5, -1], "int32"), [-1, -6, 0], "int32"),
    ("bool-ops", lambda lib: lib.stack([lib.tensor([True, True, False]) & lib.tensor([True, False, False]),
                                         lib.tensor([True, False, False]) | lib.tensor([False, False, True]),
                                         lib.tensor([True, False, True]) ^ True,
                                         ~lib.tensor([True, False, True])]),
     [[True, False, False], [True, False, True], [False, True, False], [False, True, False]], "bool"),
    ("lshift", lambda lib: I(lib, [1, -8, 3]) << I(lib, [3, 1, 0]), [8, -16, 3], "int64"),
    # past the width: << gives 0, >> the sign; a negative shift too
    ("int32-shift-edges", lambda lib: lib.cat([I(lib, [1, 1, 3], "int32") << I(lib, [31, 32, -1], "int32"),
                                               I(lib, [-5, 5, -5], "int32") >> I(lib, [40, -1, -1], "int32")]),
     [-2 ** 31, 0, 0, -1, 0, -1], "int32"),
    ("rshift-scalar", lambda lib: I(lib, [-8, 9]) >> 1, [-4, 4], "int64"),
    ("reflected-scalar", lambda lib: 1 << I(lib, [2, 3], "int32"), [4, 8], "int32"),
    ("bool-scalar-int", lambda lib: lib.tensor([True, False]) & 3, [1, 0], "int64"),
    ("bool-shift-int", lambda lib: lib.tensor([True, False]) << 2, [4, 0], "int64"),
    ("int32-wraps-big-int", lambda lib: I(lib, [7, -1], "int32") & (2 ** 40 + 3), [3, 3], "int32"),
    ("broadcast", lambda lib: I(lib, [[1], [2]]) | I(lib, [4, 8, 16], "int32"),
     [[5, 9, 17], [6, 10, 18]], "int64"),
    ("0d-tensor-keeps-dtype", lambda lib: I(lib, [5, 6], "int32") & I(lib, 3), [1, 2], "int32"),
    ("0d-int-over-bool", lambda lib: lib.tensor([True, False]) & I(lib, 1), [1, 0], "int64"),
    ("functions", lambda lib: lib.stack([lib.bitwise_and(I(lib, [6, 5]), 3), lib.bitwise_or(1, I(lib, [6, 5])),
                                         lib.bitwise_xor(I(lib, [6, 5]), I(lib, [1, 1])),
                                         lib.bitwise_not(I(lib, [6, 5])),
                                         lib.bitwise_left_shift(I(lib, [6, 5]), 1),
                                         lib.bitwise_right_shift(input=I(lib, [6, 5]), other=I(lib, [1, 2]))]),
     [[2, 1], [7, 5], [7, 4], [-7, -6], [12, 10], [3, 1]], "int64"),
    ("methods", lambda lib: lib.stack([I(lib, [6, 5]).bitwise_and(3), I(lib, [6, 5]).bitwise_not(),
                                       I(lib, [6, 5]).bitwise_right_shift(1)]),
     [[2, 1], [-7, -6], [3, 2]], "int64"),
    ("numpy-operand", lambda lib: I(lib, [6, 5]) & np.int64(3), [2, 1], "int64"),
    ("ndarray-operand-numpys-ufunc", lambda lib: I(lib, [6, 5]) << np.array([1, 2]), [12, 20], "int64"),
    ("non-contiguous", lambda lib: I(lib, [[1, 2], [4, 8]]).t() | I(lib, [[16, 0], [0, 32]])[0],
     [[17, 4], [18, 8]], "int64"),
    # logical ops: any dtypes (nan is true), bool results
    ("logical", lambda lib: lib.stack([
        lib.logical_and(lib.tensor([0.0, float("nan"), 2.0]), I(lib, [1, 1, 0])),
        lib.logical_or(lib.tensor([0.0, 0.0, -0.5]), lib.tensor([False, True, False])),
        lib.logical_xor(I(lib, [0, 3, 3], "int32"), lib.tensor([0.0, 1.0, 0.0])),
        lib.logical_not(lib.tensor([0.0, float("nan"), -1.0]))]),
     [[False, True, False], [False, True, True], [False, False, True], [True, False, False]], "bool"),
    ("logical-methods-broadcast", lambda lib: lib.tensor([[0.0], [2.0]]).logical_and(I(lib, [1, 0])),
     [[False, False], [True, False]], "bool"),
    ("logical-out-int32", lambda lib: lib.logical_not(lib.tensor([1.0, 0.0]), out=lib.zeros(2, dtype=lib.int32)),
     [0, 1], "int32"),
    ("bitwise-out-int64", lambda lib: lib.bitwise_and(I(lib, [6, 5], "int32"), 3, out=lib.zeros(2, dtype=lib.int64)),
     [2, 1], "int64"),
]


@pytest.mark.parametrize("name,fn,want,dtype", HAND, ids=[h[0] for h in HAND])
def test_hand_values(name, fn, want, dtype):
    for lib in libs():                      # torch's too, where installed
        with warnings.catch_warnings():     # (torch's __array_wrap__ on numpy 2)
            warnings.simplefilter("ignore", DeprecationWarning)
            got = fn(lib)
        assert values(got) == (want, dtype), lib.__name__


# the result dtype of ``a & b`` / ``a << b`` by operand kind (torch's promotion);
# None: torch's NotImplementedError (float results; a bool result of a shift)
OPERANDS = {"bool": lambda lib: lib.tensor([True, False]),
            "int32": lambda lib: lib.tensor([3, 1], dtype=lib.int32),
            "int64": lambda lib: lib.tensor([3, 1]),
            "float32": lambda lib: lib.tensor([3.0, 1.0]),
            "0d-int64": lambda lib: lib.tensor(1),
            "py-int": lambda lib: 1, "py-bool": lambda lib: True, "py-float": lambda lib: 1.0}
PROMOTION = {  # (left, right): (dtype of &, dtype of <<)
    ("bool", "bool"): ("bool", None), ("bool", "int32"): ("int32", "int32"),
    ("int32", "int64"): ("int64", "int64"), ("int64", "int32"): ("int64", "int64"),
    ("int32", "0d-int64"): ("int32", "int32"), ("bool", "0d-int64"): ("int64", "int64"),
    ("int32", "py-int"): ("int32", "int32"), ("bool", "py-bool"): ("bool", None),
    ("int32", "py-bool"): ("int32", "int32"), ("bool", "py-int"): ("int64", "int64"),
    ("py-int", "int32"): ("int32", "int32"), ("int32", "float32"): (None, None),
    ("bool", "py-float"): (None, None), ("float32", "float32"): (None, None),
}


@pytest.mark.parametrize("op,column,kernel", [("&", 0, "bitwise_and_cpu"),
                                             ("<<", 1, "lshift_cpu")])
def test_promotion_table(op, column, kernel):
    for pair, wants in PROMOTION.items():
        want = wants[column]
        for lib in libs():
            a, b = (OPERANDS[k](lib) for k in pair)
            run = (lambda: a & b) if op == "&" else (lambda: a << b)
            if want is None:
                with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for'):
                    run()
            else:
                got = run()
                assert str(got.dtype).split(".")[-1] == want, (lib.__name__, pair)


# ------------------------------------------------------------------ in-place forms


def test_inplace_operators_write_into_the_tensor():
    x = jitgrad.tensor([12, 10, 7])
    base, data, version = x, x._data, x._version
    x &= jitgrad.tensor([10, 6, 5])
    x |= 1
    x ^= jitgrad.tensor([1, 0, 0], dtype=jitgrad.int32)
    x <<= 2
    x >>= 1
    assert x is base and x._data is data and x._version == version + 5
    assert x.tolist() == [16, 6, 10]
    b = jitgrad.tensor([True, False])
    assert b.bitwise_and_(True) is b and b.tolist() == [True, False]
    assert b.bitwise_not_().tolist() == [False, True]


def test_inplace_through_a_view_writes_the_base():
    x = jitgrad.tensor([[1, 2], [3, 4]])
    x[1] |= 8
    x.select(0, 0).bitwise_left_shift_(1)
    assert x.tolist() == [[2, 4], [11, 12]]


def test_logical_inplace_keeps_the_dtype():
    x = jitgrad.tensor([1.5, 0.0, -2.0])
    assert x.logical_and_(jitgrad.tensor([1, 1, 0])).tolist() == [1.0, 0.0, 0.0]
    assert x.logical_not_().tolist() == [0.0, 1.0, 1.0] and x.dtype == jitgrad.float32
    i = jitgrad.tensor([0, 3], dtype=jitgrad.int32)
    assert i.logical_xor_(jitgrad.tensor([True, True])).tolist() == [1, 0]
    assert i.logical_or_(jitgrad.tensor([0.0, 0.0])).dtype == jitgrad.int32


def test_no_gradient_recorded():
    x = jitgrad.tensor([1.0, 0.0], requires_grad=True)
    assert not jitgrad.logical_and(x, x).requires_grad
    assert jitgrad.logical_not(x).grad_fn is None


def test_out_is_resized_with_torchs_warning():
    out = jitgrad.zeros(3, dtype=jitgrad.bool)
    with pytest.warns(UserWarning, match=r"had shape \[3\], which does not match the required "
                      r"output shape \[2\]"):
        r = jitgrad.logical_and(jitgrad.ones(2), jitgrad.ones(2), out=out)
    assert r is out and out.tolist() == [True, True]
    empty = jitgrad.zeros(0, dtype=jitgrad.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no warning for an empty out
        jitgrad.bitwise_xor(jitgrad.tensor([1, 2]), 3, out=empty)
    assert empty.tolist() == [2, 1]


# ------------------------------------------------------------------ inverse hyperbolic


def test_inverse_hyperbolic_hand_values():
    x = jitgrad.tensor([0.0, 0.5, -0.5], dtype=jitgrad.float64, requires_grad=True)
    y = jitgrad.asinh(x) + x.atanh() + (x + 2).acosh()
    y.sum().backward()
    a, t, c = math.asinh(0.5), math.atanh(0.5), math.acosh
    np.testing.assert_allclose(y.detach().numpy(), [c(2), a + t + c(2.5), -a - t + c(1.5)],
                               rtol=1e-15)
    # 1 / sqrt(x^2 + 1) + 1 / (1 - x^2) + 1 / sqrt((x + 2)^2 - 1)
    np.testing.assert_allclose(x.grad.numpy(), [2 + 3 ** -0.5, 0.8 ** 0.5 + 4 / 3 + 5.25 ** -0.5,
                                                0.8 ** 0.5 + 4 / 3 + 1.25 ** -0.5], rtol=1e-14)
    assert [type(f(x).grad_fn).__name__ for f in (jitgrad.asinh, jitgrad.atanh)] == \
        ["AsinhBackward0", "AtanhBackward0"]


def test_inverse_hyperbolic_ends_integers_aliases():
    edge = jitgrad.tensor([1.0, -1.0, 2.0, 0.5])
    assert jitgrad.atanh(edge).tolist()[:2] == [math.inf, -math.inf]
    assert math.isnan(edge.atanh()[2]) and math.isnan(edge.acosh()[3]) and edge.acosh()[0] == 0
    assert jitgrad.arcsinh(jitgrad.tensor([0, 1])).dtype == jitgrad.float32
    z = jitgrad.tensor([0.25])
    assert z.arctanh_() is z and z.tolist() == [pytest.approx(math.atanh(0.25))]


# ------------------------------------------------------------------ select, broadcasting


def test_select_is_a_view():
    x = jitgrad.arange(6).reshape(2, 3)
    s = x.select(1, -1)
    assert s.tolist() == [2, 5] and s._base is x._base
    s[0] = 9
    assert x[0, 2] == 9
    assert jitgrad.select(x, 0, jitgrad.tensor([1])).tolist() == [3, 4, 5]


def test_broadcast_shapes_and_tensors():
    assert jitgrad.broadcast_shapes((2, 1), (3,), 1) == jitgrad.Size([2, 3])
    assert jitgrad.broadcast_shapes(jitgrad.Size([5, 1, 4]), [3, 1]) == (5, 3, 4)
    assert jitgrad.broadcast_shapes() == jitgrad.Size([])
    assert jitgrad.broadcast_shapes((0,), (1,)) == (0,)
    a, b = jitgrad.ones(2, 1), jitgrad.zeros(3)
    ea, eb = jitgrad.broadcast_tensors(a, b)
    assert ea.shape == eb.shape == (2, 3) and ea._base is a
    assert jitgrad.broadcast_tensors(a, a)[0] is a
    assert a.broadcast_to((-1, 4)).shape == (2, 4)


def test_new_and_size_metadata():
    x = jitgrad.tensor([1, 2], dtype=jitgrad.int32)
    assert values(x.new()) == ([], "int32")
    assert x.new(2, 3).shape == (2, 3) and x.new(jitgrad.Size([4])).dtype == jitgrad.int32
    assert values(x.new([1.7, 2])) == ([1, 2], "int32")
    assert values(x.new((2, 3))) == ([2, 3], "int32")            # a tuple is data
    y = jitgrad.ones(4)
    assert (y.element_size(), y.itemsize, y.nbytes, y[::2].nbytes, x.nbytes) == (4, 4, 16, 8, 8)
    assert jitgrad.is_floating_point(y) and not jitgrad.is_floating_point(x)


# ------------------------------------------------------------------ finfo / iinfo


def test_finfo_iinfo():
    f = jitgrad.finfo(jitgrad.float32)
    assert (f.bits, f.eps, f.max, f.min, f.tiny, f.resolution, f.dtype) == \
        (32, 2.0 ** -23, float(np.finfo(np.float32).max), -float(np.finfo(np.float32).max),
         2.0 ** -126, 1e-06, "float32")
    assert repr(f) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, "
                       "eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, "
                       "dtype=float32)")
    d = jitgrad.finfo(float)
    assert d == jitgrad.finfo(jitgrad.double) and d.eps == 2.0 ** -52 and d.resolution == 1e-15
    assert jitgrad.finfo() == f
    i = jitgrad.iinfo(jitgrad.int32)
    assert (i.bits, i.max, i.min, i.dtype) == (32, 2 ** 31 - 1, -2 ** 31, "int32")
    assert str(i) == "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)"
    assert jitgrad.iinfo(jitgrad.long).max == 2 ** 63 - 1
    if torch is not None:
        for dt in ("float32", "float64"):
            assert repr(jitgrad.finfo(getattr(jitgrad, dt))) == repr(torch.finfo(getattr(torch, dt)))


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _cast(lib):
    x = lib.tensor([True, False])
    x &= lib.tensor([1, 0], dtype=lib.int32)


def _set_eps(lib):
    lib.finfo(lib.float32).eps = 1.0


ERRORS = [
    Case("bool-and-float", lambda lib: lib.tensor([True]) & 1.5, NotImplementedError,
         "\"bitwise_and_cpu\" not implemented for 'Float'"),
    Case("double-xor-int", lambda lib: lib.ones(1, dtype=lib.float64) ^ lib.tensor([1]),
         NotImplementedError, "\"bitwise_xor_cpu\" not implemented for 'Double'"),
    Case("bool-shift-bool", lambda lib: lib.tensor([True]) << True, NotImplementedError,
         "\"lshift_cpu\" not implemented for 'Bool'"),
    Case("bitwise_not-float", lambda lib: lib.ones(1).bitwise_not_(), NotImplementedError,
         "\"bitwise_not_cpu\" not implemented for 'Float'"),
    Case("invert-float", lambda lib: ~lib.ones(1), TypeError,
         "~ (operator.invert) is only implemented on integer and Boolean-type tensors"),
    Case("and-list", lambda lib: lib.tensor([1]) & [1], TypeError,
         "unsupported operand type(s) for &: 'Tensor' and 'list'"),
    Case("ndarray-and-tensor", lambda lib: np.array([3]) & lib.tensor([1]), TypeError,
         "unsupported operand type(s) for &: 'numpy.ndarray' and 'Tensor'"),
    Case("bitwise_or-list", lambda lib: lib.bitwise_or(lib.tensor([1]), [1]), TypeError,
         "bitwise_or() received an invalid combination of arguments - got (Tensor, list), but "
         "expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
         " * (Number self, Tensor other)\n      didn't match because some of the arguments have "
         "invalid types: (!Tensor!, !list of [int]!)\n"
         " * (Tensor input, Number other, *, Tensor out = None)\n"),
    Case("bitwise_and-method-list", lambda lib: lib.tensor([1]).bitwise_and([1]), TypeError,
         "bitwise_and() received an invalid combination of arguments - got (list), but expected "
         "one of:\n * (Tensor other)\n      didn't match because some of the arguments have "
         "invalid types: (!list of [int]!)\n * (Number other)\n      didn't match because some "
         "of the arguments have invalid types: (!list of [int]!)\n"),
    Case("logical_and-number", lambda lib: lib.logical_and(lib.ones(1), 1), TypeError,
         "logical_and(): argument 'other' (position 2) must be Tensor, not int"),
    Case("logical_or-method-number", lambda lib: lib.ones(1).logical_or(1), TypeError,
         "logical_or(): argument 'other' (position 1) must be Tensor, not int"),
    Case("inplace-cast", _cast, RuntimeError,
         "result type Int can't be cast to the desired output type Bool"),
    Case("inplace-broadcast", lambda lib: lib.tensor([1, 2]).__iand__(lib.ones(2, 2, dtype=lib.int64)),
         RuntimeError, "output with shape [2] doesn't match the broadcast shape [2, 2]"),
    Case("bitwise_not-out-dtype", lambda lib: lib.bitwise_not(lib.tensor([1]), out=lib.empty(1)),
         RuntimeError, "Found dtype Float but expected Long"),
    Case("bitwise_and-out-bool", lambda lib: lib.bitwise_and(lib.tensor([1]), 1, out=lib.empty(1, dtype=lib.bool)),
         RuntimeError, "result type Long can't be cast to the desired output type Bool"),
    Case("finfo-int", lambda lib: lib.finfo(lib.int32), TypeError,
         "jitgrad.finfo() requires a floating point input type. Use jitgrad.iinfo to handle "
         "'jitgrad.finfo'"),
    Case("finfo-str", lambda lib: lib.finfo("float32"), TypeError,
         "finfo(): argument 'type' (position 1) must be jitgrad.dtype, not str"),
    Case("finfo-readonly", _set_eps, AttributeError,
         "attribute 'eps' of 'jitgrad.finfo' objects is not writable"),
    Case("iinfo-float", lambda lib: lib.iinfo(lib.float32), TypeError,
         "jitgrad.iinfo() requires an integer input type. Use jitgrad.finfo to handle "
         "'jitgrad.iinfo'"),
    Case("iinfo-bool", lambda lib: lib.iinfo(lib.bool), TypeError,
         "jitgrad.bool is not supported by jitgrad.iinfo"),
    Case("iinfo-missing", lambda lib: lib.iinfo(), TypeError,
         'iinfo() missing 1 required positional arguments: "type"'),
    Case("select-index", lambda lib: lib.ones(2, 3).select(1, -4), IndexError,
         "select(): index -4 out of range for tensor of size [2, 3] at dimension 1"),
    Case("select-0d", lambda lib: lib.tensor(1.0).select(0, 0), IndexError,
         "select() cannot be applied to a 0-dim tensor."),
    Case("select-float-index", lambda lib: lib.select(lib.ones(2), 0, 1.0), TypeError,
         "select(): argument 'index' (position 3) must be int, not float"),
    Case("select-bool-index", lambda lib: lib.ones(2).select(0, True), TypeError,
         "select(): argument 'index' (position 2) must be int, not bool"),
    Case("broadcast_shapes", lambda lib: lib.broadcast_shapes((2, 1), (3, 4), (5,)), RuntimeError,
         "Attempting to broadcast a dimension of length 3 at -2! Mismatching argument at index 1 "
         "had (3, 4); but expected shape should be broadcastable to [2, 4]"),
    Case("broadcast_shapes-negative", lambda lib: lib.broadcast_shapes((2, -1)), ValueError,
         "Attempting to broadcast a dimension with negative length!"),
    Case("broadcast_tensors-list", lambda lib: lib.broadcast_tensors([lib.ones(1)]), TypeError,
         "expected Tensor as element 0 in argument 0, but got list"),
    Case("new-requires_grad", lambda lib: lib.ones(1).new([1], requires_grad=True), TypeError,
         "new() received an invalid combination of arguments - got (list, requires_grad=bool), "
         "but expected one of:\n * (*, jitgrad.device device = None)\n      didn't match because "
         "some of the keywords were incorrect: requires_grad\n * (jitgrad.Storage storage)\n"
         " * (Tensor other)\n * (tuple of ints size, *, jitgrad.device device = None)\n"
         " * (object data, *, jitgrad.device device = None)\n"),
    Case("is_floating_point", lambda lib: lib.is_floating_point(1.0), TypeError,
         "is_floating_point(): argument 'input' (position 1) must be Tensor, not float"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
