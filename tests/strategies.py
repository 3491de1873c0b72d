"""Hypothesis strategies and small numpy references for tests/test_properties.py:
shapes (0-d, 0-size, broadcasting), arrays with NaN/inf/extreme values,
memory layouts (transposed and gapped numpy memory, views of tensors,
negatively strided arrays, which torch and jitgrad refuse), torch's type
promotion, and reference formulas for the elementwise op table."""
import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jitgrad

FLOATS = (np.float32, np.float64)
INTS = (np.int32, np.int64)
DTYPES = FLOATS + INTS + (np.bool_,)          # every dtype jitgrad stores
MOSTLY_FLOATS = FLOATS + DTYPES                 # the float dtypes drawn twice as often


# ------------------------------------------------------------------ shapes


def shapes(max_dims=3, max_side=4, min_dims=0, min_side=0):
    """Any shape: 0-d, 0-size dimensions included."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcast_shapes(num=2, max_dims=3, max_side=4, min_side=0):
    """``num`` mutually broadcastable shapes (0-d and 0-size included)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num, min_dims=0, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda s: s.input_shapes)


# ------------------------------------------------------------------ values

# magnitudes where kernels switch formulas or overflow (exp, sinh/cosh, softplus)
NOTABLE = (0.5, -0.5, 1.5, 2.5, -2.5, 20.0, 88.5, 89.0, -104.0, 709.5, 710.0, -746.0,
           1e4, -1e4, 1e30, -1e30, 3e38, 1e300, -1e300, math.pi / 2, 1.0 - 2 ** -24)


def special_floats(dtype, allow_subnormal=True):
    """Anything a float of ``dtype`` can hold, NaN, +-inf, +-0, the extremes and
    the magnitudes of NOTABLE drawn often, (subnormals), and moderate values."""
    width = 32 if dtype == np.float32 else 64
    info = np.finfo(dtype)
    special = [0.0, -0.0, float(info.max), -float(info.max), float(info.tiny),
               -float(info.tiny), 1.0, -1.0]
    notable = [v for v in NOTABLE if abs(v) < float(info.max)]
    return st.one_of(st.floats(width=width, allow_subnormal=allow_subnormal),
                     st.just(dtype(math.nan)),
                     st.sampled_from([dtype(math.inf), dtype(-math.inf)]),
                     st.sampled_from([dtype(v) for v in special]),
                     st.sampled_from([dtype(v) for v in notable]),
                     st.floats(-10, 10, width=width, allow_subnormal=False))


def elements(dtype, allow_subnormal=True):
    dtype = np.dtype(dtype).type
    if dtype in FLOATS:
        return special_floats(dtype, allow_subnormal)
    if dtype is np.bool_:
        return st.booleans()
    info = np.iinfo(dtype)
    return st.one_of(st.integers(-5, 5), st.integers(int(info.min), int(info.max)))


def arrays(dtype, shape, allow_subnormal=True, elements_=None):
    # fill=nothing(): every element drawn on its own (no array of one repeated value)
    return hnp.arrays(np.dtype(dtype), shape, fill=st.nothing(),
                      elements=elements_ if elements_ is not None else elements(dtype, allow_subnormal))


def finite(lo, hi):
    """float64 elements in [lo, hi] (the gradient checks)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def away_from_zero(lo=0.1, hi=3.0):
    return st.one_of(finite(lo, hi), finite(-hi, -lo))


# ------------------------------------------------------------------ layouts
#
# A layout holds the values of a contiguous array ``x`` in other memory:
# ``make(x, requires_grad)`` returns (leaf, view): ``leaf`` is the tensor the
# gradient reaches, ``view`` what the op is given (x's values). ``to_leaf``
# maps x's gradient to the leaf's. ``torch_make`` builds the same strides in
# torch where torch can hold them (torch refuses negative strides).


def _leaf(arr, requires_grad, wrap=jitgrad.tensor):
    t = wrap(arr)
    if requires_grad and arr.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def _swap(a):
    return np.swapaxes(a, 0, -1) if a.ndim >= 2 else a


def _transpose(t):
    return t.t() if t.ndim <= 2 else t.transpose(0, -1)


def _spread(x):
    """x's values at every other index of a twice-as-long first axis."""
    buf = np.zeros((2 * x.shape[0],) + x.shape[1:], x.dtype)
    buf[::2] = x
    return buf


def _unspread(g, x_shape):
    out = np.zeros((2 * x_shape[0],) + tuple(x_shape[1:]), g.dtype)
    out[::2] = g
    return out


def _gapped(x):
    """x's values at every other element of a twice-as-long last axis (a view)."""
    buf = np.zeros(x.shape[:-1] + (2 * x.shape[-1],), x.dtype)
    buf[..., ::2] = x
    return buf[..., ::2]


def _flipped(x):
    """x's values held with negative strides on every axis."""
    return np.flip(np.ascontiguousarray(np.flip(x)))


def _negative_strides(wrap):
    """A negatively strided array through ``wrap``: torch refuses it (ValueError, its
    message in jitgrad.messages) and so does jitgrad; then the copy torch's message
    suggests. (Were it accepted, the tensor would hold the negative strides.)"""
    def make(x, requires_grad):
        arr = _flipped(x)
        try:
            leaf = _leaf(arr, requires_grad, wrap)
        except ValueError as e:
            assert str(e) == jitgrad.messages.FROM_NUMPY_NEGATIVE_STRIDES, e
            leaf = _leaf(arr.copy(), requires_grad, wrap)
        return leaf, leaf
    return make


class Layout:
    def __init__(self, name, make, to_leaf=lambda g, shape: g, torch_make=None):
        self.name = name
        self._make = make
        self._to_leaf = to_leaf
        self._torch_make = torch_make

    def make(self, x, requires_grad=True):
        if x.ndim == 0:
            leaf = _leaf(x.copy(), requires_grad)
            return leaf, leaf
        return self._make(x, requires_grad)

    def to_leaf(self, g, x_shape):
        return g if len(x_shape) == 0 else self._to_leaf(g, x_shape)

    def torch_tensor(self, torch, x, requires_grad=True):
        """(leaf, view) in torch with this layout where torch can hold it, else contiguous."""
        def leaf(a):
            t = torch.tensor(a)
            return t.requires_grad_(True) if requires_grad and a.dtype.kind == "f" else t
        if x.ndim == 0 or self._torch_make is None:
            t = leaf(x.copy())
            return t, t
        return self._torch_make(x, leaf)

    def __repr__(self):
        return self.name


def _torch_from_numpy_leaf(x):
    import torch
    t = torch.from_numpy(_gapped(x))
    return t.requires_grad_(True) if x.dtype.kind == "f" else t


def _identity_leaf(make_arr, wrap=jitgrad.tensor):
    def make(x, requires_grad):
        leaf = _leaf(make_arr(x), requires_grad, wrap)
        return leaf, leaf
    return make


LAYOUTS = [
    Layout("contiguous", _identity_leaf(np.copy),
           torch_make=lambda x, leaf: (lambda t: (t, t))(leaf(x.copy()))),
    # a numpy array with transposed strides: jitgrad.tensor keeps them, as torch.tensor does
    Layout("numpy-transposed", _identity_leaf(lambda x: _swap(np.ascontiguousarray(_swap(x)))),
           torch_make=lambda x, leaf: (lambda t: (t, t))(leaf(_swap(np.ascontiguousarray(_swap(x)))))),
    # numpy memory with gaps in the last axis, shared by from_numpy (1-d: a strided operand)
    Layout("from_numpy-gapped", _identity_leaf(_gapped, jitgrad.from_numpy),
           torch_make=lambda x, leaf: (lambda t: (t, t))(_torch_from_numpy_leaf(x))),
    # negatively strided numpy arrays through jitgrad.tensor and jitgrad.from_numpy
    Layout("numpy-reversed", _negative_strides(jitgrad.tensor)),
    Layout("from_numpy-reversed", _negative_strides(jitgrad.from_numpy)),
    # views of jitgrad tensors: t.t() / t.transpose(0, -1), and t[::2]
    Layout("view-transpose",
           lambda x, rg: (lambda leaf: (leaf, _transpose(leaf)))(
               _leaf(np.ascontiguousarray(_swap(x)), rg)),
           to_leaf=lambda g, shape: np.ascontiguousarray(_swap(g)),
           torch_make=lambda x, leaf: (lambda t: (t, _transpose(t)))(
               leaf(np.ascontiguousarray(_swap(x))))),
    Layout("view-slice",
           lambda x, rg: (lambda leaf: (leaf, leaf[::2]))(_leaf(_spread(x), rg)),
           to_leaf=_unspread,
           torch_make=lambda x, leaf: (lambda t: (t, t[::2]))(leaf(_spread(x)))),
]
# the layouts torch can hold too (an op refusing one must refuse it in torch as well)
TORCH_LAYOUTS = [lay for lay in LAYOUTS if lay._torch_make is not None]


def layouts(torch_only=False):
    return st.sampled_from(TORCH_LAYOUTS if torch_only else LAYOUTS)


# ------------------------------------------------------------------ type promotion


def _category(dt):
    return {"b": 0, "i": 1, "u": 1, "f": 2}[np.dtype(dt).kind]


def _promote(a, b):
    """torch.promote_types: within a category the wider type; a float beats any integer."""
    if a is None:
        return b
    if b is None:
        return a
    if (_category(a) == 2) != (_category(b) == 2):
        return a if _category(a) == 2 else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """torch's combine_categories (c10/core/ScalarType / TensorIterator's ResultTypeState)."""
    if higher is None:
        return lower
    if _category(higher) == 2:
        return higher
    if lower is not None and (_category(higher) == 0 or _category(lower) == 2):
        return _promote(higher, lower)
    return higher


def result_dtype(*operands):
    """torch.result_type of tensors (numpy arrays: 0-d ones rank lower) and
    Python scalars (a float is the default dtype, an int int64)."""
    dim = zero = wrapped = None
    for v in operands:
        if isinstance(v, np.ndarray):
            if v.ndim:
                dim = _promote(dim, v.dtype)
            else:
                zero = _promote(zero, v.dtype)
        else:
            t = (np.dtype(np.bool_) if isinstance(v, bool) else np.dtype(np.int64)
                 if isinstance(v, int) else np.dtype(jitgrad.get_default_dtype().numpy))
            wrapped = _promote(wrapped, t)
    return np.dtype(_combine(_combine(dim, zero), wrapped))


# ------------------------------------------------------------------ numpy references
# The forward of each elementwise op as torch's CPU kernels compute it, on
# arrays already cast to the result dtype. Transcendental functions are
# evaluated in float64 and rounded once.


def _f64(fn):
    def ref(x):
        with np.errstate(all="ignore"):
            return fn(x.astype(np.float64)).astype(x.dtype)
    return ref


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _rsqrt(x):
    return 1.0 / np.sqrt(x)


def _sign(x):
    if x.dtype == np.bool_:
        return x.copy()
    return ((x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)).astype(x.dtype)


def _relu(x):
    return np.where(x <= 0, np.zeros((), x.dtype), x)          # nan stays nan


def _keep_ints(fn):
    return lambda x: x.copy() if x.dtype.kind in "iu" else fn(x)


UNARY_REF = {
    "neg": np.negative, "exp": _f64(np.exp), "log": _f64(np.log), "sqrt": _f64(np.sqrt),
    "abs": np.abs, "sigmoid": _f64(_sigmoid), "tanh": _f64(np.tanh), "relu": _relu,
    "log1p": _f64(np.log1p), "expm1": _f64(np.expm1), "sin": _f64(np.sin), "cos": _f64(np.cos),
    "reciprocal": _f64(np.reciprocal), "rsqrt": _f64(_rsqrt), "sign": _sign,
    "floor": _keep_ints(np.floor), "ceil": _keep_ints(np.ceil), "round": _keep_ints(np.rint),
    "square": lambda x: x * x, "log2": _f64(np.log2), "log10": _f64(np.log10), "tan": _f64(np.tan),
    "sinh": _f64(np.sinh), "cosh": _f64(np.cosh), "atan": _f64(np.arctan),
    "asin": _f64(np.arcsin), "acos": _f64(np.arccos), "asinh": _f64(np.arcsinh),
    "acosh": _f64(np.arccosh), "atanh": _f64(np.arctanh),
    "erf": _f64(lambda x: _special().erf(x)), "erfc": _f64(lambda x: _special().erfc(x)),
    "erfinv": _f64(lambda x: _special().erfinv(x)), "trunc": _keep_ints(np.trunc),
    "frac": lambda x: x - np.trunc(x),
}


def _special():
    import scipy.special
    return scipy.special


def unary_result_dtype(name, dtype):
    from jitgrad import derivatives
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    if derivatives.UNARY[name].float_only:
        return np.dtype(jitgrad.get_default_dtype().numpy)
    if name == "square" and dtype == np.bool_:
        return np.dtype(np.int64)
    return dtype


def _int_pow(a, b):
    out = np.zeros(np.broadcast(a, b).shape, a.dtype)
    a, b = np.broadcast_arrays(a, b)
    pos = b >= 0
    with np.errstate(all="ignore"):
        out[pos] = np.power(a[pos], b[pos])
    neg = ~pos
    out[neg & (a == 1)] = 1
    out[neg & (a == -1)] = np.where(b[neg & (a == -1)] % 2 == 0, 1, -1)
    return out


def _remainder(a, b):
    if a.dtype.kind in "iub":
        return np.where(b == -1, 0, np.remainder(a, np.where(b == -1, 1, b)))
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def _fmod(a, b):
    if a.dtype.kind in "iub":
        return np.where(b == -1, 0, np.fmod(a, np.where(b == -1, 1, b)))
    return np.fmod(a, b)


def _div_floor(a, b):
    if a.dtype.kind in "iub":
        return np.where(b == -1, -a, np.floor_divide(a, np.where(b == -1, 1, b)))
    # torch's div_floor_floating
    mod = np.fmod(a, b)
    div = (a - mod) / b
    div = np.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floordiv = np.floor(div)
    floordiv = np.where(div - floordiv > 0.5, floordiv + 1, floordiv)
    out = np.where(div != 0, floordiv, np.copysign(np.zeros((), a.dtype), a / b))
    return np.where(b == 0, a / b, out).astype(a.dtype)


def _div_trunc(a, b):
    if a.dtype.kind in "iub":
        safe = np.where(b == -1, 1, b)
        return np.where(b == -1, -a, (a - np.fmod(a, safe)) // safe)
    return np.trunc(a / b)


BINARY_REF = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "pow": lambda a, b: _int_pow(a, b) if a.dtype.kind in "iu" else np.power(a, b),
    "maximum": np.maximum, "minimum": np.minimum,
    "remainder": _remainder, "fmod": _fmod, "div_floor": _div_floor, "div_trunc": _div_trunc,
    "atan2": lambda a, b: np.arctan2(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype),
    "hypot": lambda a, b: np.hypot(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype),
    "logaddexp": lambda a, b: np.logaddexp(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype),
    "logaddexp2": lambda a, b: np.logaddexp2(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype),
    "xlogy": lambda a, b: _special().xlogy(a.astype(np.float64), b.astype(np.float64)).astype(a.dtype),
}
# integer ops that raise torch's ZeroDivisionError on a zero divisor
INT_ZERO_DIVISION = {"remainder", "fmod", "div_floor", "div_trunc"}
