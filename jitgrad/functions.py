"""The torch-named functions (``jitgrad.exp``, ``jitgrad.matmul``, ...); the
Tensor methods of the same names call these."""

from numbers import Integral as _Integral

import numpy as _np
import numpy as np

from . import derivatives
from . import messages as _messages
from .ops import activations as _act
from .ops import elementwise as _ew
from .ops import division as _division
from .ops import pointwise as _pw
from .ops import pointwise_extra as _pwx
from .ops import special as _special
from .ops import linalg as _linalg
from .ops import linalg_decomp as _linalg_decomp
from .ops import reductions as _red
from .ops import reductions_extra as _red2
from .ops import views as _views
from .ops import einsum as _einsum
from .ops import shape_ops as _shape
from .ops import selection as _select
from .ops import structure as _struct
from .tensor import _OMITTED, Tensor


_ADD, _SUB, _MUL, _DIV, _POW = (derivatives.BINARY[n] for n in ("add", "sub", "mul", "div", "pow"))
_MAXIMUM, _MINIMUM = derivatives.BINARY["maximum"], derivatives.BINARY["minimum"]


def _binary(op, a, b):
    return _ew.binary(op, _ew.as_operand(a, op.name), _ew.as_operand(b, op.name))


def _operator(op, a, b, reflected=False):
    """Tensor's arithmetic operators: NotImplemented for a foreign operand, so
    Python raises its own TypeError (or tries the reflected operator). An
    ndarray operand is foreign too, as in torch: ``Tensor + ndarray`` is then
    numpy's ufunc on both (numpy's dtype rules, an error for a tensor that
    requires grad), wrapped back into a Tensor by ``Tensor.__array_wrap__``;
    ``ndarray + Tensor`` fails (numpy defers to the Tensor's higher
    ``__array_priority__``)."""
    ta = _ew.as_operand(a, arrays=False)
    tb = _ew.as_operand(b, arrays=False)
    if ta is None or tb is None:
        if ta is not None and not reflected and isinstance(b, np.ndarray):
            # numpy's ufunc, as Python would call it next (``b.__radd__(a)``), but
            # without numpy's floating-point warnings (jitgrad's ops give none)
            with np.errstate(all="ignore"):
                return _NUMPY_UFUNCS[op.name](a, b)
        return NotImplemented
    return _ew.binary(op, ta, tb)


_NUMPY_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
                 "pow": np.power, "remainder": np.remainder}


def _tensor(v, fname, arg="input", position=1):
    if not isinstance(v, Tensor):
        raise TypeError(_messages.arg_must_be(fname, arg, position, v))
    return v


# ----------------------------------------------------------- arithmetic

def add(input, other, *, alpha=1):
    if alpha != 1:
        other = other * alpha
    return _binary(_ADD, input, other)


def sub(input, other, *, alpha=1):
    if alpha != 1:
        other = other * alpha
    return _binary(_SUB, input, other)


subtract = sub


def rsub(input, other, *, alpha=1):
    if not isinstance(input, Tensor) or not isinstance(other, (Tensor, *_ew._SCALARS)):
        raise TypeError(_messages.rsub_arguments(_got(input, other)))
    return sub(other, input, alpha=alpha)


def mul(input, other):
    return _binary(_MUL, input, other)


multiply = mul


def div(input, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return _division.div(input, other, rounding_mode)
    return _binary(_DIV, input, other)


divide = div


def true_divide(input, other):
    return _binary(_DIV, input, other)


# ---- the integer-division family (ops/division.py)

def remainder(input, other):
    return _division.remainder(input, other)


def fmod(input, other):
    return _division.fmod(input, other)


def floor_divide(input, other):
    return _division.floor_divide(_ew.as_operand(input, "floor_divide"),
                                  _ew.as_operand(other, "floor_divide"))


def pow(input, exponent):
    return _binary(_POW, input, exponent)


def neg(input):
    return _ew.unary("neg", _tensor(input, "neg"))


negative = neg


def exp(input):
    return _ew.unary("exp", _tensor(input, "exp"))


def log(input):
    return _ew.unary("log", _tensor(input, "log"))


def sqrt(input):
    return _ew.unary("sqrt", _tensor(input, "sqrt"))


def abs(input):
    return _ew.unary("abs", _tensor(input, "abs"))


absolute = abs


def sigmoid(input):
    return _ew.unary("sigmoid", _tensor(input, "sigmoid"))


def tanh(input):
    return _ew.unary("tanh", _tensor(input, "tanh"))


def relu(input):
    return _ew.unary("relu", _tensor(input, "relu"))


# ---- pointwise: more unary ops, maximum/minimum, clamp, where (ops/elementwise.py, ops/pointwise.py)

def log1p(input):
    return _ew.unary("log1p", _tensor(input, "log1p"))


def expm1(input):
    return _ew.unary("expm1", _tensor(input, "expm1"))


def sin(input):
    return _ew.unary("sin", _tensor(input, "sin"))


def cos(input):
    return _ew.unary("cos", _tensor(input, "cos"))


def tan(input):
    return _ew.unary("tan", _tensor(input, "tan"))


def sinh(input):
    return _ew.unary("sinh", _tensor(input, "sinh"))


def cosh(input):
    return _ew.unary("cosh", _tensor(input, "cosh"))


def atan(input):
    return _ew.unary("atan", _tensor(input, "atan"))


def asin(input):
    return _ew.unary("asin", _tensor(input, "asin"))


def acos(input):
    return _ew.unary("acos", _tensor(input, "acos"))


def log2(input):
    return _ew.unary("log2", _tensor(input, "log2"))


def log10(input):
    return _ew.unary("log10", _tensor(input, "log10"))


def square(input):
    x = _tensor(input, "square")
    if x._data.dtype.kind == "b":       # torch: pow(bool, 2) is int64
        x = _ew.cast(x, _np.int64)
    return _ew.unary("square", x)


def reciprocal(input):
    return _ew.unary("reciprocal", _tensor(input, "reciprocal"))


def rsqrt(input):
    return _ew.unary("rsqrt", _tensor(input, "rsqrt"))


def sign(input):
    return _ew.unary("sign", _tensor(input, "sign"))


def floor(input):
    return _ew.unary("floor", _tensor(input, "floor"))


def ceil(input):
    return _ew.unary("ceil", _tensor(input, "ceil"))


def round(input, *, decimals=_OMITTED):  # noqa: A001  (torch's name)
    # torch records RoundBackward1 whenever decimals is given, even 0
    if decimals is _OMITTED:
        return _ew.unary("round", _tensor(input, "round"))
    if decimals is None:
        raise TypeError(_messages.round_arguments(_got(input, decimals=decimals)))
    return _pw.round_decimals(_tensor(input, "round"), decimals)


def maximum(input, other):
    return _ew.binary(_MAXIMUM, _tensor(input, "maximum"), _tensor(other, "maximum", "other", 2))


def minimum(input, other):
    return _ew.binary(_MINIMUM, _tensor(input, "minimum"), _tensor(other, "minimum", "other", 2))


def isnan(input):
    return _ew.predicate("isnan", _tensor(input, "isnan"))


def isinf(input):
    return _ew.predicate("isinf", _tensor(input, "isinf"))


def isfinite(input):
    return _ew.predicate("isfinite", _tensor(input, "isfinite"))


_ATAN2 = derivatives.BINARY["atan2"]


def atan2(input, other):
    return _ew.binary(_ATAN2, _tensor(input, "atan2"), _tensor(other, "atan2", "other", 2))


def clamp(input, min=None, max=None):  # noqa: A002
    return _pw.clamp(input, min, max)


def clip(input, min=None, max=None):  # noqa: A002
    return _pw.clamp(input, min, max, fname="clip")


def clamp_min(input, min):  # noqa: A002
    return _pw.clamp_min(input, min)


def clamp_max(input, max):  # noqa: A002
    return _pw.clamp_max(input, max)


where = _pw.where


# ---- torch's pointwise ops: the erf family, trunc (fix), frac, hypot, logaddexp(2), xlogy
# (op table entries run by ops/elementwise.py); lerp, addcmul, addcdiv, nan_to_num,
# heaviside (ops/pointwise_extra.py)

_HYPOT, _LOGADDEXP, _LOGADDEXP2, _XLOGY = (derivatives.BINARY[n] for n in
                                           ("hypot", "logaddexp", "logaddexp2", "xlogy"))
_XLOGY_SIGNATURES = ["(Tensor input, Tensor other, *, Tensor out = None)",
                     "(Number self, Tensor other, *, Tensor out = None)",
                     "(Tensor input, Number other, *, Tensor out = None)"]


def erf(input):
    return _ew.unary("erf", _tensor(input, "erf"))


def erfc(input):
    return _ew.unary("erfc", _tensor(input, "erfc"))


def erfinv(input):
    return _ew.unary("erfinv", _tensor(input, "erfinv"))


def lgamma(input):
    return _special.lgamma(input)


def digamma(input):
    return _special.digamma(input)


def polygamma(n, input):
    return _special.polygamma(n, input)


def trunc(input):
    return _ew.unary("trunc", _tensor(input, "trunc"))


def fix(input):
    return _ew.unary("trunc", _tensor(input, "fix"))


def frac(input):
    return _ew.unary("frac", _tensor(input, "frac"))


def hypot(input, other):
    return _ew.binary(_HYPOT, _tensor(input, "hypot"), _tensor(other, "hypot", "other", 2))


def logaddexp(input, other):
    return _ew.binary(_LOGADDEXP, _tensor(input, "logaddexp"),
                      _tensor(other, "logaddexp", "other", 2))


def logaddexp2(input, other):
    return _ew.binary(_LOGADDEXP2, _tensor(input, "logaddexp2"),
                      _tensor(other, "logaddexp2", "other", 2))


def xlogy(input, other):
    operands = (Tensor, *_ew._SCALARS)
    if (isinstance(input, Tensor) or isinstance(other, Tensor)) and \
            isinstance(input, operands) and isinstance(other, operands):
        return _binary(_XLOGY, input, other)
    raise _pw._invalid("xlogy", _XLOGY_SIGNATURES, [input, other])


def lerp(input, end=_OMITTED, weight=_OMITTED):
    return _pwx.lerp(input, end, weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    return _pwx.addcmul(input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    return _pwx.addcdiv(input, tensor1, tensor2, value)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return _pwx.nan_to_num(input, nan, posinf, neginf)


def heaviside(input, values):
    return _pwx.heaviside(input, values)


# the in-place forms torch also has as functions
def erf_(input):
    return _tensor(input, "erf_").erf_()


def erfc_(input):
    return _tensor(input, "erfc_").erfc_()


def trunc_(input):
    return _tensor(input, "trunc_").trunc_()


def fix_(input):
    return _tensor(input, "fix_").fix_()


def frac_(input):
    return _tensor(input, "frac_").frac_()


def xlogy_(input, other):
    return _tensor(input, "xlogy_").xlogy_(other)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    return _tensor(input, "nan_to_num_").nan_to_num_(nan, posinf, neginf)


def clamp_min_(input, min):  # noqa: A002
    return _tensor(input, "clamp_min_").clamp_min_(min)


def clamp_max_(input, max):  # noqa: A002
    return _tensor(input, "clamp_max_").clamp_max_(max)


# softmax / log_softmax (jitgrad/ops/activations.py; nn.functional has the rest of the family)

def softmax(input, dim, dtype=None):
    return _act.softmax(_tensor(input, "softmax"), dim, dtype, position=2)


def log_softmax(input, dim, dtype=None):
    return _act.log_softmax(_tensor(input, "log_softmax"), dim, dtype, position=2)


# ----------------------------------------------------------- comparisons

def lt(input, other):
    return _compare("lt", input, other)


def le(input, other):
    return _compare("le", input, other)


def gt(input, other):
    return _compare("gt", input, other)


def ge(input, other):
    return _compare("ge", input, other)


def eq(input, other):
    return _compare("eq", input, other)


def ne(input, other):
    return _compare("ne", input, other)


less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def equal(input, other):
    """True when both have the same size and the same elements (no graph)."""
    a, b = _tensor(input, "equal")._data, _tensor(other, "equal", "other", 2)._data
    return a.shape == b.shape and bool(_np.array_equal(a, b))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = _tensor(input, "isclose")._data, _tensor(other, "isclose", "other", 2)._data
    if a.dtype != b.dtype:
        raise RuntimeError(_messages.isclose_dtypes(input.dtype, other.dtype))
    from .ops.shapes import broadcast_shape
    from .tensor import _wrap
    broadcast_shape(a.shape, b.shape)           # torch's error for mismatched sizes
    return _wrap(_np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _compare(name, a, b):
    if not isinstance(a, Tensor) or not isinstance(b, (Tensor, *_ew._SCALARS)):
        raise TypeError(_messages.compare_arguments(name, _got(a, b)))
    return _ew.compare(name, a, _ew.as_operand(b, name))


# ----------------------------------------------------------- reductions

def sum(input, dim=None, keepdim=False, *, dtype=None):
    return _red.sum(_tensor(input, "sum"), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return _red.mean(_tensor(input, "mean"), dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if (isinstance(p, str) and (p != "fro" or not (dim is None or isinstance(dim, int)
                                                   or len(dim) <= 2))) or \
            (not isinstance(p, str) and p is not None and p < 0):
        # matrix norms ('nuc') and negative orders (jitgrad/ops/linalg_decomp.py)
        return _linalg_decomp.torch_norm(_tensor(input, "norm"), p, dim, keepdim, dtype)
    return _red.norm(_tensor(input, "norm"), p, dim, keepdim, dtype)


# ---- torch.linalg's old top-level names (jitgrad/ops/linalg_decomp.py)

def inverse(input):
    return _linalg_decomp.inv(_tensor(input, "inverse"))


def det(input):
    return _linalg_decomp.det(_tensor(input, "det"))


def logdet(input):
    return _linalg_decomp.logdet(_tensor(input, "logdet"))


def slogdet(input):
    return _linalg_decomp.slogdet(_tensor(input, "slogdet"), "linalg.slogdet",
                                  _linalg_decomp.slogdet_type)


def svd(input, some=True, compute_uv=True):
    return _linalg_decomp.svd_legacy(_tensor(input, "svd"), some, compute_uv)


def cholesky(input, upper=False):
    return _linalg_decomp.cholesky_legacy(_tensor(input, "cholesky"), upper)


def cross(input, other, dim=None):
    return _linalg_decomp.cross_legacy(_tensor(input, "cross"),
                                       _tensor(other, "cross", "other", 2), dim)


def qr(input, some=True):
    return _linalg_decomp.qr_legacy(_tensor(input, "qr"), some)


def pinverse(input, rcond=1e-15):
    return _linalg_decomp.pinv(_tensor(input, "pinverse"), rtol=rcond)


def matrix_power(input, n):
    return _linalg_decomp.matrix_power(_tensor(input, "matrix_power"), n,
                                       arg_name=("matrix_power", 2))


def matrix_exp(input):
    from .ops.linalg_matrix_exp import matrix_exp as _matrix_exp
    return _matrix_exp(_tensor(input, "matrix_exp"))


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    from .ops.linalg_lu import triangular_solve as _triangular_solve
    return _triangular_solve(input, A, upper, transpose, unitriangular)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    from .ops.linalg_lu import lu_unpack as _lu_unpack
    return _lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def any(input, dim=None, keepdim=False):  # noqa: A001
    if not isinstance(input, Tensor):
        raise TypeError(_messages.logical_reduction_args("any", (type(input).__name__,)))
    return _red.logical_reduce("any", input, dim, keepdim)


def all(input, dim=None, keepdim=False):  # noqa: A001
    if not isinstance(input, Tensor):
        raise TypeError(_messages.logical_reduction_args("all", (type(input).__name__,)))
    return _red.logical_reduce("all", input, dim, keepdim)


# max/min/amax/amin/argmax/argmin, prod, var/std, logsumexp, cumsum (ops/reductions_extra.py).
# Note: ``max``, ``min`` below shadow the builtins in this module.

def _got(*args, **kwargs):
    """How torch's argument parser lists the arguments it got."""
    names = ["Tensor" if isinstance(a, Tensor) else _messages._type_name(a) for a in args]
    names += [f"{k}={'Tensor' if isinstance(v, Tensor) else _messages._type_name(v)}"
              for k, v in sorted(kwargs.items())]
    return ", ".join(names)


def _max_min(name, input, dim, keepdim, other):
    input = _tensor(input, name)
    if dim is None:         # torch takes no explicit None for dim
        raise TypeError(_messages.max_min_arguments(name, _got(input, dim) if keepdim is None
                                                    else _got(input, dim, keepdim)))
    if dim is _OMITTED:
        dim = None
    if isinstance(dim, Tensor) or other is not None:
        pairwise = globals().get("maximum" if name == "max" else "minimum")
        if pairwise is None:
            raise NotImplementedError(_messages.MAXIMUM_MISSING if name == "max"
                                      else _messages.MINIMUM_MISSING)
        return pairwise(input, other if other is not None else dim)
    bad_dim = dim is not None and (not isinstance(dim, _Integral) or isinstance(dim, bool))
    if bad_dim or (dim is None and keepdim is not None):
        got = _got(input, dim) if dim is not None else _got(input, keepdim=keepdim)
        raise TypeError(_messages.max_min_arguments(name, got))
    return _red2.max_min(name, input, dim, bool(keepdim))


def max(input, dim=_OMITTED, keepdim=None, *, other=None):  # noqa: A001  (torch's name)
    """The max of the whole tensor; with ``dim``, (values, indices); with a second
    tensor, the elementwise maximum."""
    return _max_min("max", input, dim, keepdim, other)


def min(input, dim=_OMITTED, keepdim=None, *, other=None):  # noqa: A001
    return _max_min("min", input, dim, keepdim, other)


def amax(input, dim=(), keepdim=False):
    return _red2.amax_amin("amax", _tensor(input, "amax"), dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return _red2.amax_amin("amin", _tensor(input, "amin"), dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    return _red2.argmax_argmin("argmax", _tensor(input, "argmax"), dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return _red2.argmax_argmin("argmin", _tensor(input, "argmin"), dim, keepdim)


def prod(input, dim=_OMITTED, keepdim=False, *, dtype=None):
    if dim is None:         # torch takes no explicit None for dim
        raise TypeError(_messages.prod_arguments(_got(input, dim)))
    return _red2.prod(_tensor(input, "prod"), None if dim is _OMITTED else dim, keepdim, dtype)


def _var_std(name, input, dim, unbiased, keepdim, correction):
    input = _tensor(input, name)
    if isinstance(dim, bool):               # var(x, False): the legacy unbiased flag
        dim, unbiased = None, dim
    if unbiased is not None and not isinstance(unbiased, bool):
        got = _got(input, dim, unbiased=unbiased) if dim is not None else \
            _got(input, unbiased=unbiased)
        text = _messages.var_arguments(name, got)
        if dim is None:
            text += "      didn't match because some of the keywords were incorrect: unbiased\n"
        raise TypeError(text)
    if unbiased is not None:
        if correction is not None:
            kwargs = {"correction": correction, "unbiased": unbiased}
            raise TypeError(_messages.var_arguments(
                name, _got(input, dim, **kwargs) if dim is not None else _got(input, **kwargs)))
        correction = 1 if unbiased else 0
    return _red2.var_std(name, input, dim, correction, keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("var", input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("std", input, dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("std_mean", input, dim, unbiased, keepdim, correction)


_NO_DIM = object()


def logsumexp(input, dim=_NO_DIM, keepdim=False):
    if dim is _NO_DIM:
        raise TypeError(_messages.missing_dim("logsumexp"))
    return _red2.logsumexp(_tensor(input, "logsumexp"), dim, keepdim)


def cumsum(input, dim=_NO_DIM, *, dtype=None):
    if dim is _NO_DIM:
        raise TypeError(_messages.missing_dim("cumsum"))
    return _red2.cumsum(_tensor(input, "cumsum"), dim, dtype)


# ----------------------------------------------------------- linear algebra

def matmul(input, other):
    return _linalg.matmul(_tensor(input, "matmul"), _tensor(other, "matmul", "other", 2))


def mm(input, mat2):
    return _linalg.mm(_tensor(input, "mm"), _tensor(mat2, "mm", "mat2", 2))


def dot(input, tensor):
    return _linalg.dot(_tensor(input, "dot"), _tensor(tensor, "dot", "tensor", 2))


def mv(input, vec):
    return _linalg.mv(_tensor(input, "mv"), _tensor(vec, "mv", "vec", 2))


def bmm(input, mat2):
    return _linalg.bmm(_tensor(input, "bmm"), _tensor(mat2, "bmm", "mat2", 2))


def outer(input, vec2):
    return _linalg.outer(_tensor(input, "outer"), _tensor(vec2, "outer", "vec2", 2))


def ger(input, vec2):
    return _linalg.outer(_tensor(input, "ger"), _tensor(vec2, "ger", "vec2", 2))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return _linalg.addmm(_tensor(input, "addmm"), _tensor(mat1, "addmm", "mat1", 2),
                         _tensor(mat2, "addmm", "mat2", 3), beta, alpha)


def einsum(equation, *operands):
    return _einsum.einsum(equation, *operands)


# ----------------------------------------------------------- shape ops

def flatten(input, start_dim=0, end_dim=-1):
    return _shape.flatten(_tensor(input, "flatten"), start_dim, end_dim)


def unflatten(input, dim, sizes):
    return _shape.unflatten(_tensor(input, "unflatten"), dim, sizes)


def squeeze(input, dim=_OMITTED):
    if dim is None:         # torch takes no explicit None for dim
        raise TypeError(_messages.squeeze_arguments(_got(input, dim)))
    return _shape.squeeze(_tensor(input, "squeeze"), None if dim is _OMITTED else dim)


def unsqueeze(input, dim):
    return _shape.unsqueeze(_tensor(input, "unsqueeze"), dim)


def cat(tensors, dim=0):
    return _shape.cat(tensors, dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    return _shape.stack(tensors, dim)


def split(tensor, split_size_or_sections, dim=0):
    return _shape.split(_tensor(tensor, "split", "tensor"), split_size_or_sections, dim)


def chunk(input, chunks, dim=0):
    return _shape.chunk(_tensor(input, "chunk"), chunks, dim)


def unbind(input, dim=0):
    return _shape.unbind(_tensor(input, "unbind"), dim)


def narrow(input, dim, start, length):
    return _shape.narrow(_tensor(input, "narrow"), dim, start, length)


def gather(input, dim, index, *, sparse_grad=False):
    return _shape.gather(_tensor(input, "gather"), dim, index)


def index_select(input, dim, index):
    return _shape.index_select(_tensor(input, "index_select"), dim, index)


def masked_fill(input, mask, value):
    return _shape.masked_fill(_tensor(input, "masked_fill"), mask, value)


# ----------------------------------------------------------- sorting and selection (ops/selection.py)
# sort/argsort have torch's two overloads: (dim=-1, descending=False) and
# (*, stable, dim=-1, descending=False); the second records SortBackward1.

def sort(input, *args, **kwargs):
    input = _tensor(input, "sort")
    dim, descending, stable, node = _select.parse_sort_args("sort", False, args, kwargs)
    return _select.sort(input, dim, descending, stable, node)


def argsort(input, *args, **kwargs):
    input = _tensor(input, "argsort")
    dim, descending, stable, _ = _select.parse_sort_args("argsort", False, args, kwargs)
    return _select.argsort(input, dim, descending, stable)


def msort(input):
    return _select.msort(_tensor(input, "msort"))


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002  (torch's names)
    return _select.topk_checked(_tensor(input, "topk"), k, dim, largest, sorted, position=2)


# ----------------------------------------------------------- tril/triu, flip, roll (ops/structure.py)

def tril(input, diagonal=0):
    return _struct.tril(_tensor(input, "tril"), diagonal)


def triu(input, diagonal=0):
    return _struct.tril(_tensor(input, "triu"), diagonal, upper=True)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None,
                 pin_memory=False, requires_grad=False):
    return _struct.tril_indices(row, col, offset, dtype, device, requires_grad)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None,
                 pin_memory=False, requires_grad=False):
    return _struct.tril_indices(row, col, offset, dtype, device, requires_grad, upper=True)


def flip(input, dims):
    return _struct.flip(_tensor(input, "flip"), dims)


def fliplr(input):
    return _struct.fliplr(_tensor(input, "fliplr"))


def flipud(input):
    return _struct.flipud(_tensor(input, "flipud"))


def roll(input, shifts, dims=None):
    return _struct.roll(_tensor(input, "roll"), shifts, dims)


# ----------------------------------------------------------- views

def reshape(input, shape):
    return _views.reshape(_tensor(input, "reshape"), shape)


def transpose(input, dim0, dim1):
    return _views.transpose(_tensor(input, "transpose"), dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    return _views.t(_tensor(input, "t"))


def permute(input, dims):
    return _views.permute(_tensor(input, "permute"), dims)


# ----------------------------------------------------------- convolution and pooling
# (jitgrad.nn.functional has the full family: unfold, fold, avg_pool2d)

def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    from .ops import conv as _conv
    return _conv.conv2d(input, weight, bias, stride, padding, dilation, groups)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    from .ops import pooling as _pool
    return _pool.max_pool2d(_tensor(input, "max_pool2d"), kernel_size, stride or None, padding,
                            dilation, ceil_mode)


# torch's top-level forms of the 1-d/3-d/transposed convolutions, 1-d pooling, pixel
# shuffling and constant padding (jitgrad/nn/_functional_more.py)

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    from .nn import _functional_more as _m
    return _m.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    from .nn import _functional_more as _m
    return _m.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    from .nn import _functional_more as _m
    return _m.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups,
                               dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    from .nn import _functional_more as _m
    return _m.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups,
                               dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    from .nn import _functional_more as _m
    return _m.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups,
                               dilation)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    from .nn import _functional_more as _m
    return _m.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    from .nn import _functional_more as _m
    return _m.max_pool1d_with_indices(input, kernel_size, stride or None, padding, dilation,
                                      ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    from .nn import _functional_more as _m
    return _m.avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode,
                         count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    from .nn import _functional_more as _m
    return _m.adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    from .nn import _functional_more as _m
    return _m.adaptive_max_pool1d_with_indices(input, output_size)


def pixel_shuffle(input, upscale_factor):
    from .nn import _functional_more as _m
    return _m.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    from .nn import _functional_more as _m
    return _m.pixel_unshuffle(input, downscale_factor)


def constant_pad_nd(input, pad, value=0):
    from .ops import resample as _rs
    return _rs.constant_pad(_tensor(input, "constant_pad_nd"), [int(p) for p in pad], value)


# ----------------------------------------------------------- embedding and normalisation
# (torch's low-level forms, without nn.functional's Python checks)

def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    from .ops import normalization as _norm
    return _norm.embedding(_tensor(input, "embedding", "indices", 2),
                           _tensor(weight, "embedding", "weight", 1), padding_idx,
                           scale_grad_by_freq, sparse)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    from .nn import functional as _nnf
    return _nnf.layer_norm(input, normalized_shape, weight, bias, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    from .ops import normalization as _norm
    return _norm.batch_norm(_tensor(input, "batch_norm"), running_mean, running_var, weight,
                            bias, training, momentum, eps)
