"""Lowering rules: each tensor op the tracer captures, as primitives.

``RULES`` maps an API name (a Tensor method, a ``jitgrad`` function, an
``nn.functional`` function) to ``rule(tr, result, *args, **kwargs)``, which
emits the op's primitives through ``tr`` (the tracer) and returns the
value of ``result`` (the tensor the eager op returned during the trace).
The elementwise rules are generated from the op table: the forward is the
op's scalar form (``kernels/scalar.py``), and autodiff later reads the
table's formulas. An API name without a rule is not captured: calling it
while tracing is a graph break.
"""
import numpy as np

from .. import derivatives
from ..tensor import Tensor
from ..kernels import scalar as S
from ..ops.activations_extra import SELU_ALPHA, SELU_SCALE
from . import primitives as P
from .formulas import Unsupported, formulas_of, scalar_code


class NotCaptured(Exception):
    """This call can't be captured (an argument form the rule does not cover)."""


def _is_number(v):
    return isinstance(v, (int, float, bool, np.number, np.bool_)) and not isinstance(v, complex)


def fusable(op):
    """An elementwise table op is fused when it has a scalar form and every
    derivative formula translates to scalar code."""
    if not hasattr(S, op.name):
        return False
    try:
        for f in formulas_of(op.name).values():
            scalar_code(f, "float64")
    except Unsupported:
        return False
    return True


def _operand(tr, v):
    """A Value for a tensor; a Python number stays a number (a constant)."""
    return v if _is_number(v) else tr.value(v)


# integer ops whose scalar form is exact on integers (Python's wraparound-free
# int64 arithmetic is what Numba compiles for them too)
_EXACT_ON_INTEGERS = frozenset(("add", "sub", "mul", "neg"))


def elementwise(tr, name, result, inputs):
    """Op ``name`` over ``inputs`` (tensors or numbers) into a value like
    ``result``; autodiff finds its formulas by the name."""
    dtype = result._data.dtype
    if dtype.kind != "f" and not (dtype.kind in "iu" and name in _EXACT_ON_INTEGERS):
        raise NotCaptured(f"{name} with a {dtype.name} result")
    return P.table_ew(tr.graph, name, [_operand(tr, v) for v in inputs], dtype,
                      tuple(result.shape), result._requires_grad, tr.line)


def _unary_rule(name):
    def rule(tr, result, x, *rest, inplace=False, **kwargs):
        if rest or kwargs or inplace:
            raise NotCaptured(f"{name} with extra arguments")
        return elementwise(tr, name, result, [x])
    return rule


def _binary_rule(name, reflected=False):
    def rule(tr, result, a, b, *rest, alpha=1, **kwargs):
        if rest or kwargs.get("rounding_mode") is not None or kwargs.get("out") is not None:
            raise NotCaptured(f"{name} with extra arguments")
        if reflected:
            a, b = b, a
        if alpha != 1:
            if not _is_number(b):
                b = _scaled(tr, b, alpha)
            else:
                b = b * alpha
        return elementwise(tr, name, result, [a, b])
    return rule


def _activation_rule(name, *params, entry=None, fixed=()):
    """nn.functional's ``name(input, *params, inplace=False)``: the table's
    Pointwise entry ``entry`` (``name`` unless told; ``params``: (parameter,
    default) pairs), its parameter values ``fixed`` then ``params``."""
    def rule(tr, result, x, *args, **kwargs):
        values = list(args)
        for p, default in params[len(args):]:
            values.append(kwargs.pop(p, default))
        inplace = values.pop() if len(values) > len(params) else kwargs.pop("inplace", False)
        if inplace or kwargs or len(values) != len(params) or not all(map(_is_number, values)):
            raise NotCaptured(f"{name} with these arguments")
        return elementwise(tr, entry or name, result, [x, *fixed, *values])
    return rule


def celu_rule(tr, result, x, alpha=1.0, inplace=False):
    if inplace or not _is_number(alpha) or alpha == 0:
        raise NotCaptured("celu with these arguments")
    # the gradient's 1 / alpha with alpha rounded to float32, as torch's (ops/activations_extra.py)
    return elementwise(tr, "celu", result, [x, alpha, 1.0, 1.0 / alpha,
                                            1.0 / float(np.float32(alpha))])


def gelu_rule(tr, result, x, approximate="none"):
    return elementwise(tr, "gelu_tanh" if approximate == "tanh" else "gelu", result, [x])


def nan_to_num_rule(tr, result, input, nan=0.0, posinf=None, neginf=None):
    dtype = result._data.dtype
    if dtype.kind != "f":
        raise NotCaptured("nan_to_num of a non-float tensor")
    info = np.finfo(dtype)
    values = [nan, info.max if posinf is None else posinf, info.min if neginf is None else neginf]
    if not all(map(_is_number, values)):
        raise NotCaptured("nan_to_num with these arguments")
    with np.errstate(over="ignore"):         # as eager: 1e300 is inf in float32
        values = [float(dtype.type(v)) for v in values]
    return elementwise(tr, "nan_to_num", result, [input, *values])


def lerp_rule(tr, result, input, end, weight):
    # a number weight: LerpBackward0's entry, a tensor: LerpBackward1's
    return elementwise(tr, "lerp" if _is_number(weight) else "lerp_tensor", result,
                       [input, end, weight])


def _addc_rule(name):
    def rule(tr, result, input, tensor1, tensor2, *, value=1):
        if not _is_number(value):
            raise NotCaptured(f"{name} with a tensor value")
        return elementwise(tr, name, result, [input, tensor1, tensor2, value])
    return rule


def _scaled(tr, t, alpha):
    # other * alpha (add/sub's alpha) as its own op, so autodiff sees a mul
    from ..functions import mul
    return tr.call_recorded("mul", mul, t, alpha)


def _comparison_rule(symbol, reflected=False):
    def rule(tr, result, a, b):
        if reflected:
            a, b = b, a
        ops = [x for x in (a, b) if not _is_number(x)]
        dtype = np.result_type(*(t._data.dtype for t in ops))
        if dtype.kind != "f" or any(t._data.dtype != dtype for t in ops):
            raise NotCaptured("comparison of integer or mixed-dtype tensors")
        values, texts = [], []
        for x in (a, b):
            if _is_number(x):
                texts.append(P.literal(x, dtype))
            else:
                texts.append("{%d}" % len(values))
                values.append(tr.value(x))
        return tr.graph.emit("ew", values, {"expr": f"({texts[0]} {symbol} {texts[1]})"},
                             tuple(result.shape), np.bool_, False, tr.line)
    return rule


# ----------------------------------------------------------- clamp, where


def _same_dtype_operands(tr, name, result, operands):
    """The operands (tensors as Values, numbers kept) when every tensor among
    them has the result's float dtype; NotCaptured otherwise (the scalar form
    would compute in a mixed type)."""
    dtype = result._data.dtype
    values = [_operand(tr, v) for v in operands]
    if dtype.kind != "f" or any(not _is_number(v) and v.dtype != dtype for v in values):
        raise NotCaptured(f"{name} of mixed dtypes")
    return values, dtype


def clamp_rule(tr, result, x, min=None, max=None):  # noqa: A002  (torch's names)
    """clamp/clip with number or tensor bounds: the table's clamp family."""
    bounds = [b for b in (min, max) if b is not None]
    if not bounds or not all(_is_number(b) or isinstance(b, Tensor) for b in bounds):
        raise NotCaptured("clamp without bounds or with other bound types")
    name = "clamp" if len(bounds) == 2 else ("clamp_min" if min is not None else "clamp_max")
    if any(isinstance(b, Tensor) for b in bounds):
        name += "_tensor"
    values, dtype = _same_dtype_operands(tr, name, result, [x, *bounds])
    return P.table_ew(tr.graph, name, values, dtype, tuple(result.shape),
                      result._requires_grad, tr.line)


def _where(tr, result, condition, a, b):
    if not isinstance(condition, Tensor) or condition._data.dtype != np.bool_ \
            or not all(_is_number(v) or isinstance(v, Tensor) for v in (a, b)):
        raise NotCaptured("where of these operands")
    values, dtype = _same_dtype_operands(tr, "where", result, [a, b])
    return P.table_ew(tr.graph, "where", [tr.value(condition), *values], dtype,
                      tuple(result.shape), result._requires_grad, tr.line)


def where_rule(tr, result, condition, input=None, other=None):  # noqa: A002
    if input is None or other is None:
        raise NotCaptured("where(condition) (its indices)")
    return _where(tr, result, condition, input, other)


def where_method_rule(tr, result, x, condition, y):
    return _where(tr, result, condition, x, y)


def masked_fill_rule(tr, result, x, mask, value):
    """``x.masked_fill(mask, value)`` with a number: ``where(mask, value, x)``."""
    if not _is_number(value):
        raise NotCaptured("masked_fill with a tensor value")
    return _where(tr, result, mask, value, x)


# ------------------------------------------------------------- reductions


def _dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (dim % ndim,) if ndim else ()
    return tuple(d % ndim for d in dim)


def sum_rule(tr, result, x, dim=None, keepdim=False, *, dtype=None):
    v = tr.value(x)
    if v.dtype.kind != "f" or dtype is not None:
        raise NotCaptured("sum of a non-float tensor or with dtype")
    return P.reduce(tr.graph, "sum", v, _dims(dim, len(v.shape)), keepdim,
                    result._requires_grad, tr.line)


def _truth_rule(kind):
    """``all``/``any`` of a bool tensor: a count of the false (all) or true
    (any) elements, compared with zero."""
    def rule(tr, result, x, dim=None, keepdim=False, **kwargs):
        v = tr.value(x)
        if v.dtype != np.bool_ or isinstance(dim, list) or kwargs:
            raise NotCaptured(f"{kind} of a non-bool tensor")
        g, line = tr.graph, tr.line
        counted = P.ew(g, "(not {0})" if kind == "all" else "{0}", [v], np.dtype(np.float64),
                       v.shape, line=line)
        count = P.reduce(g, "sum", counted, _dims(dim, len(v.shape)), keepdim, False, line)
        return g.emit("ew", [count], {"expr": "({0} == 0)" if kind == "all" else "({0} > 0)"},
                      count.shape, np.bool_, False, line)
    return rule


def mean_rule(tr, result, x, dim=None, keepdim=False, *, dtype=None):
    total = sum_rule(tr, result, x, dim, keepdim, dtype=dtype)
    v = tr.value(x)
    count = 1
    for d in _dims(dim, len(v.shape)):
        count *= v.shape[d]
    return P.table_ew(tr.graph, "div", [total, count], v.dtype, total.shape,
                      result._requires_grad, tr.line)


def vector_norm_rule(tr, result, x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``linalg.vector_norm`` of order 1 or 2 with no gradient wanted (as
    clip_grad_norm_ calls it), summed in float64 as the eager kernel does. (With
    a gradient it runs as the eager op: sqrt's derivative at a zero norm would
    give NaN where torch's gives 0.)"""
    if result._requires_grad or dtype is not None or isinstance(ord, bool) or ord not in (1, 2):
        raise NotCaptured("vector_norm with a gradient, a dtype or an order other than 1, 2")
    v = tr.value(x)
    if v.dtype.kind != "f":
        raise NotCaptured("vector_norm of a non-float tensor")
    g, line = tr.graph, tr.line
    every = dim is None or (not isinstance(dim, int) and len(dim) == 0)    # (), []: every dim
    axes = _dims(None if every else dim, len(v.shape))
    count = 1
    for d in axes:
        count *= v.shape[d]
    wide = np.dtype(np.float64)
    xw = P.ew(g, "{0}", [v], wide, v.shape, line=line) if v.dtype != wide else v
    # (one element: |x| itself, as eager, whose square could overflow)
    square = ord == 2 and count != 1
    terms = P.table_ew(g, "square" if square else "abs", [xw], wide, v.shape, False, line)
    out = P.reduce(g, "sum", terms, axes, keepdim, False, line)
    if square:
        out = P.table_ew(g, "sqrt", [out], wide, out.shape, False, line)
    return P.ew(g, "{0}", [out], v.dtype, out.shape, line=line) if v.dtype != wide else out


# ------------------------------------------------------- constants, casts


def _filled_rule(value):
    """``zeros``/``ones`` of a float dtype (an LSTM's initial state): a constant
    of the graph, computed where it is read."""
    def rule(tr, result, *args, **kwargs):
        dtype = result._data.dtype
        if result._requires_grad or dtype.kind != "f" or kwargs.get("out") is not None:
            raise NotCaptured("a factory of a non-float or requires_grad tensor")
        return P.ew(tr.graph, P.literal(value, dtype), [], dtype, tuple(result.shape),
                    line=tr.line)
    return rule


def _cast_rule(name):
    """``x.float()``/``x.double()``: a cast (of a float or bool tensor)."""
    def rule(tr, result, x, *args, **kwargs):
        v = tr.value(x)
        if result is x:
            return v
        if args or kwargs or v.dtype.kind not in "fb":
            raise NotCaptured(f"{name} with arguments or of an integer tensor")
        return P.ew(tr.graph, "{0}", [v], result._data.dtype, v.shape, result._requires_grad,
                    tr.line)
    return rule


def invert_rule(tr, result, x):
    v = tr.value(x)
    if v.dtype != np.bool_:
        raise NotCaptured("~ of an integer tensor (a bitwise not)")
    return tr.graph.emit("ew", [v], {"expr": "(not {0})"}, v.shape, np.bool_, False, tr.line)


def expand_rule(tr, result, x, *sizes, **kwargs):      # (size=..., implicit=...)
    return P.expand(tr.graph, tr.value(x), tuple(result.shape), result._requires_grad, tr.line)


# ------------------------------------------------------------------ views


def reshape_rule(tr, result, x, *shape):
    return P.reshape(tr.graph, tr.value(x), tuple(result.shape), result._requires_grad, tr.line)


def transpose_rule(tr, result, x, dim0=0, dim1=1):
    v = tr.value(x)
    n = len(v.shape)
    dims = list(range(n))
    if n >= 2:
        dims[dim0 % n], dims[dim1 % n] = dims[dim1 % n], dims[dim0 % n]
    return P.permute(tr.graph, v, dims, result._requires_grad, tr.line)


def t_property_rule(tr, result, x):
    v = tr.value(x)
    return P.permute(tr.graph, v, list(reversed(range(len(v.shape)))), result._requires_grad,
                     tr.line)


def unsqueeze_rule(tr, result, x, dim):
    return P.reshape(tr.graph, tr.value(x), tuple(result.shape), result._requires_grad, tr.line)


def permute_rule(tr, result, x, *dims):
    v = tr.value(x)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    n = len(v.shape)
    return P.permute(tr.graph, v, [d % n for d in dims], result._requires_grad, tr.line)


def contiguous_rule(tr, result, x, *args, **kwargs):
    v = tr.value(x)
    return v if P.is_contiguous(v) else P.copy(tr.graph, v, result._requires_grad, tr.line)


def getitem_rule(tr, result, x, index):
    """``x[i]``: a row; ``x[1:, None, ..., 2]`` (integers, slices with a positive
    step, None, one Ellipsis): a view. Other indexing (tensors, lists, masks)
    is captured as the eager op."""
    v = tr.value(x)
    if type(index) is int and v.shape:
        return P.select(tr.graph, v, index % v.shape[0], result._requires_grad, tr.line)
    index = _basic_index(index, len(v.shape))
    if index is None:
        raise NotCaptured("indexing by tensors, lists or a negative step")
    view = P.index_view(tr.graph, v, index, result._requires_grad, tr.line)
    if view.shape != tuple(result.shape):
        raise NotCaptured("an index the view rule reads otherwise than eager")
    return view


def _pieces(tr, result, x, dim):
    """``split``/``chunk``/``unbind`` along ``dim``: each piece a view of x (read
    off the eager pieces' sizes, which tile the dim)."""
    v = tr.value(x)
    if not isinstance(result, tuple) or not v.shape or type(dim) is not int:
        raise NotCaptured("pieces of a 0-d tensor, or along dims given otherwise")
    dim %= len(v.shape)
    pieces = []
    start = 0
    for t in result:
        if len(t.shape) == len(v.shape):            # a slice along dim
            n = t.shape[dim]
            index = (slice(None),) * dim + (slice(start, start + n),)
        else:                                       # unbind: a select
            n = 1
            index = (slice(None),) * dim + (start,)
        start += n
        pieces.append(P.index_view(tr.graph, v, _basic_index(index, len(v.shape)),
                                   t._requires_grad, tr.line))
    if start != v.shape[dim] or any(p.shape != tuple(t.shape) for p, t in zip(pieces, result)):
        raise NotCaptured("pieces that do not tile the dim")
    for t, p in zip(result, pieces):
        tr.bind_result(t, p)


def _basic_index(index, ndim):
    """``index`` as one entry per source dim plus the Nones (ints, slices of
    int bounds and positive step, None), or None when it is not that."""
    items = index if isinstance(index, tuple) else (index,)
    dims = 0
    for it in items:
        if isinstance(it, slice):
            if any(b is not None and type(b) is not int for b in (it.start, it.stop, it.step)) \
                    or (it.step is not None and it.step <= 0):
                return None
            dims += 1
        elif type(it) is int:
            dims += 1
        elif it is not None and it is not Ellipsis:
            return None
    if sum(it is Ellipsis for it in items) > 1 or dims > ndim:
        return None
    out = []
    for it in items:
        out += [slice(None)] * (ndim - dims) if it is Ellipsis else [it]
    return tuple(out) + (slice(None),) * (ndim - sum(it is not None for it in out))


def detach_rule(tr, result, x):
    v = tr.value(x)
    return P.view(tr.graph, v, v.shape, P.layout(v)[1], P.layout(v)[2], False, tr.line)


# ----------------------------------------------------------------- matmul


def matmul_rule(tr, result, a, b):
    va, vb = tr.value(a), tr.value(b)
    if va.dtype != vb.dtype or va.dtype.kind != "f" or not (1 <= len(va.shape) <= 2
                                                         and 1 <= len(vb.shape) <= 2):
        raise NotCaptured("matmul beyond 1-d and 2-d float operands")
    g = tr.graph
    rg = result._requires_grad
    a2 = P.reshape(g, va, (1, va.shape[0]), va.requires_grad, tr.line) if len(va.shape) == 1 else va
    b2 = P.reshape(g, vb, (vb.shape[0], 1), vb.requires_grad, tr.line) if len(vb.shape) == 1 else vb
    out = P.matmul2d(g, a2, b2, rg, tr.line)
    return P.reshape(g, out, tuple(result.shape), rg, tr.line)


def linear_rule(tr, result, x, weight, bias=None):
    vx, vw = tr.value(x), tr.value(weight)
    if len(vx.shape) < 2 or len(vw.shape) != 2 or vx.dtype != vw.dtype:
        raise NotCaptured("linear of a 1-d input, or of mixed dtypes")
    g = tr.graph
    rg = result._requires_grad
    # (..., k) inputs: one product of the rows
    rows = P.reshape(g, vx, (vx.size // vx.shape[-1], vx.shape[-1]), line=tr.line)
    out = P.matmul2d(g, rows, P.permute(g, vw, (1, 0), vw.requires_grad, tr.line), rg, tr.line)
    if bias is None:
        return P.reshape(g, out, tuple(result.shape), rg, tr.line)
    vb = tr.value(bias)
    if len(vb.shape) > 1:
        # a bias of several dims broadcasts against the (..., out) result, not the rows
        out = P.reshape(g, out, tuple(result.shape), rg, tr.line)
    out = P.table_ew(g, "add", [out, vb], out.dtype, out.shape, rg, tr.line)
    return P.reshape(g, out, tuple(result.shape), rg, tr.line)


# ----------------------------------------------------------------- losses


def bce_with_logits_rule(tr, result, input, target, weight=None, size_average=None,
                         reduce=None, reduction="mean", pos_weight=None):
    if weight is not None or pos_weight is not None or size_average is not None \
            or reduce is not None:
        raise NotCaptured("binary_cross_entropy_with_logits with weights")
    z, y = tr.value(input), tr.value(target)
    if z.shape != y.shape or z.dtype != y.dtype:
        raise NotCaptured("binary_cross_entropy_with_logits with broadcasting")
    g = tr.graph
    rg = result._requires_grad
    loss = P.table_ew(g, "bce_with_logits", [z, y], z.dtype, z.shape, rg, tr.line)
    return _reduced(tr, result, loss, reduction)


def mse_loss_rule(tr, result, input, target, size_average=None, reduce=None, reduction="mean"):
    if size_average is not None or reduce is not None:
        raise NotCaptured("mse_loss with legacy arguments")
    a, b = tr.value(input), tr.value(target)
    g = tr.graph
    diff = P.table_ew(g, "sub", [a, b], a.dtype, None, result._requires_grad, tr.line)
    sq = P.table_ew(g, "square", [diff], a.dtype, diff.shape, result._requires_grad, tr.line)
    return _reduced(tr, result, sq, reduction)


def _reduced(tr, result, loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum_rule(tr, result, _ValueTensor(loss))
    if reduction == "mean":
        return mean_rule(tr, result, _ValueTensor(loss))
    raise NotCaptured(f"reduction={reduction!r}")


class _ValueTensor:
    """A graph value passed where a rule expects a tensor (``tr.value`` unwraps it)."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def softplus_rule(tr, result, input, beta=1, threshold=20):
    return elementwise(tr, "softplus", result, [input, beta, threshold])


def _softmax(tr, result, input, dim, log):
    x = tr.value(input)
    if x.dtype.kind != "f":
        raise NotCaptured("softmax of a non-float tensor")
    g, rg, line = tr.graph, result._requires_grad, tr.line
    dim = _dims(dim, len(x.shape))
    # shifted by the (constant) maximum: the gradient does not depend on it
    m = P.reduce(g, "amax", x, dim, True, False, line)
    z = P.table_ew(g, "sub", [x, m], x.dtype, x.shape, rg, line)
    e = P.table_ew(g, "exp", [z], x.dtype, x.shape, rg, line)
    s = P.reduce(g, "sum", e, dim, True, rg, line)
    if log:
        return P.table_ew(g, "sub", [z, P.table_ew(g, "log", [s], x.dtype, s.shape, rg, line)],
                          x.dtype, x.shape, rg, line)
    return P.table_ew(g, "div", [e, s], x.dtype, x.shape, rg, line)


def softmax_rule(tr, result, input, dim=None, _stacklevel=3, dtype=None):
    if dim is None or dtype is not None:
        raise NotCaptured("softmax without dim or with dtype")
    return _softmax(tr, result, input, dim, False)


def log_softmax_rule(tr, result, input, dim=None, _stacklevel=3, dtype=None):
    if dim is None or dtype is not None:
        raise NotCaptured("log_softmax without dim or with dtype")
    return _softmax(tr, result, input, dim, True)


def nll_rule(tr, result, input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean", label_smoothing=0.0, *, log_probs=None):
    """cross_entropy = nll_loss(log_softmax(input, 1)): the picked log-probabilities
    are a product with the targets' one-hot rows (the mean is over the rows
    whose target is not ignore_index, as torch's)."""
    if weight is not None or size_average is not None or reduce is not None \
            or label_smoothing != 0.0:
        raise NotCaptured("cross_entropy/nll_loss with weight or label_smoothing")
    x, t = tr.value(input), tr.value(target)
    if len(x.shape) != 2 or len(t.shape) != 1 or t.dtype.kind not in "iu":
        raise NotCaptured("cross_entropy/nll_loss beyond (N, C) inputs and class targets")
    g, rg, line = tr.graph, result._requires_grad, tr.line
    logp = x if log_probs is None else log_probs
    oh = P.onehot(g, t, x.shape[1], ignore_index, x.dtype, line)
    picked = P.table_ew(g, "mul", [logp, oh], x.dtype, x.shape, rg, line)
    if reduction == "none":
        rows = P.reduce(g, "sum", picked, (1,), False, rg, line)
        return P.table_ew(g, "neg", [rows], x.dtype, rows.shape, rg, line)
    total = P.reduce(g, "sum", picked, (0, 1), False, rg, line)
    loss = P.table_ew(g, "neg", [total], x.dtype, (), rg, line)
    if reduction == "sum":
        return loss
    if reduction != "mean":
        raise NotCaptured(f"reduction={reduction!r}")
    count = P.reduce(g, "sum", oh, (0, 1), False, False, line)
    return P.table_ew(g, "div", [loss, count], x.dtype, (), rg, line)


def cross_entropy_rule(tr, result, input, target, *args, **kwargs):
    x = tr.value(input)
    if len(x.shape) != 2:
        raise NotCaptured("cross_entropy beyond (N, C) inputs")
    logp = _softmax(tr, _Like(result), input, 1, True)
    return nll_rule(tr, result, input, target, *args, log_probs=logp, **kwargs)


class _Like:
    """A stand-in result for an intermediate a rule makes (its requires_grad)."""
    __slots__ = ("_requires_grad",)

    def __init__(self, result):
        self._requires_grad = result._requires_grad


def stack_rule(tr, result, tensors, dim=0):
    values = [tr.value(t) for t in tensors]
    if dim != 0 or len({(v.shape, v.dtype) for v in values}) != 1:
        raise NotCaptured("stack along a dim other than 0, or of mixed shapes")
    return P.stack(tr.graph, values, result._requires_grad, tr.line)


# ------------------------------------------------------------------ table

RULES = {}


def _register():
    for op in derivatives.UNARY.values():
        if fusable(op):
            RULES[op.name] = _unary_rule(op.name)
    RULES["__neg__"] = RULES["neg"]
    if "trunc" in RULES:
        RULES["fix"] = RULES["trunc"]
    RULES["__abs__"] = RULES["abs"]
    binary_aliases = {"add": ("__add__", "__radd__"), "sub": ("__sub__", "__rsub__"),
                      "mul": ("__mul__", "__rmul__"), "div": ("__truediv__", "__rtruediv__"),
                      "pow": ("__pow__", "__rpow__")}
    for op in derivatives.BINARY.values():
        if fusable(op):
            RULES[op.name] = _binary_rule(op.name)
            if op.name in binary_aliases:
                forward, reflected = binary_aliases[op.name]
                RULES[forward] = RULES[op.name]
                RULES[reflected] = _binary_rule(op.name, reflected=True)
    RULES["true_divide"] = RULES["div"]
    for name, symbol, reflected in (("lt", "<", "gt"), ("le", "<=", "ge"), ("gt", ">", "lt"),
                                    ("ge", ">=", "le"), ("eq", "==", "eq"), ("ne", "!=", "ne")):
        RULES[name] = RULES[f"__{name}__"] = _comparison_rule(symbol)
    RULES.update({
        "sum": sum_rule, "mean": mean_rule,
        "reshape": reshape_rule, "view": reshape_rule, "unsqueeze": unsqueeze_rule,
        "flatten": reshape_rule, "transpose": transpose_rule, "t": t_property_rule,
        "T": t_property_rule, "mT": lambda tr, r, x: transpose_rule(tr, r, x, -2, -1),
        "detach": detach_rule, "permute": permute_rule, "squeeze": reshape_rule,
        "unflatten": reshape_rule, "view_as": reshape_rule, "reshape_as": reshape_rule,
        "contiguous": contiguous_rule, "__getitem__": getitem_rule,
        "matmul": matmul_rule, "__matmul__": matmul_rule, "mm": matmul_rule,
        "mv": matmul_rule, "linear": linear_rule,
        "binary_cross_entropy_with_logits": bce_with_logits_rule, "mse_loss": mse_loss_rule,
        "softplus": softplus_rule, "softmax": softmax_rule, "log_softmax": log_softmax_rule,
        "stack": stack_rule, "cross_entropy": cross_entropy_rule, "nll_loss": nll_rule,
        "clamp": clamp_rule, "clip": clamp_rule,
        "clamp_min": lambda tr, r, x, min: clamp_rule(tr, r, x, min=min),  # noqa: A006
        "clamp_max": lambda tr, r, x, max: clamp_rule(tr, r, x, max=max),  # noqa: A006
        "where": where_rule, "Tensor.where": where_method_rule, "masked_fill": masked_fill_rule,
        "vector_norm": vector_norm_rule,
        "zeros": _filled_rule(0), "ones": _filled_rule(1), "float": _cast_rule("float"),
        "double": _cast_rule("double"), "__invert__": invert_rule, "logical_not": invert_rule,
        "expand": expand_rule, "expand_as": expand_rule,
        "all": _truth_rule("all"), "any": _truth_rule("any"),
        # (split's size is split_size_or_sections or split_size by keyword)
        "split": lambda tr, r, x, *a, dim=0, **k: _pieces(tr, r, x, a[1] if len(a) > 1 else dim),
        "chunk": lambda tr, r, x, *a, dim=0, **k: _pieces(tr, r, x, a[1] if len(a) > 1 else dim),
        "unbind": lambda tr, r, x, dim=0: _pieces(tr, r, x, dim),
    })
    # API name -> (rule, its table entry)
    activations = {
        "leaky_relu": (_activation_rule("leaky_relu", ("negative_slope", 0.01)), "leaky_relu"),
        "elu": (_activation_rule("elu", ("alpha", 1.0)), "elu"),
        "silu": (_activation_rule("silu"), "silu"), "gelu": (gelu_rule, "gelu"),
        "hardtanh": (_activation_rule("hardtanh", ("min_val", -1.0), ("max_val", 1.0)), "hardtanh"),
        "relu6": (_activation_rule("relu6", entry="hardtanh", fixed=(0.0, 6.0)), "hardtanh"),
        "hardsigmoid": (_activation_rule("hardsigmoid"), "hardsigmoid"),
        "hardswish": (_activation_rule("hardswish"), "hardswish"),
        "logsigmoid": (_activation_rule("logsigmoid", entry="log_sigmoid"), "log_sigmoid"),
        "hardshrink": (_activation_rule("hardshrink", ("lambd", 0.5)), "hardshrink"),
        "softshrink": (_activation_rule("softshrink", ("lambd", 0.5)), "softshrink"),
        "threshold": (_activation_rule("threshold", ("threshold", None), ("value", None)),
                      "threshold"),
        "mish": (_activation_rule("mish"), "mish"),
        "selu": (_activation_rule("selu", fixed=(SELU_ALPHA, SELU_SCALE, 1.0, 1.0)), "selu"),
        "celu": (celu_rule, "celu")}
    for name, (rule, entry) in activations.items():
        if fusable(derivatives.COMPOSITE[entry]):
            RULES[name] = rule
    # torch's pointwise ops with parameters or of three tensors (API name -> entries)
    pointwise = {"nan_to_num": (nan_to_num_rule, ("nan_to_num",)),
                 "lerp": (lerp_rule, ("lerp", "lerp_tensor")),
                 "addcmul": (_addc_rule("addcmul"), ("addcmul",)),
                 "addcdiv": (_addc_rule("addcdiv"), ("addcdiv",))}
    for name, (rule, entries) in pointwise.items():
        if all(fusable(derivatives.COMPOSITE[e]) for e in entries):
            RULES[name] = rule


_register()
