"""clamp (clip, clamp_min, clamp_max), where, softplus and round(decimals):
elementwise ops with more than two operands or with parameters, forward and
backward side by side.

Operands reach a kernel as ops/elementwise.py's binary ops do: flat in the
computation dtype (a view when contiguous), a one-element operand or a
Python number as a scalar, anything else broadcast into a contiguous copy;
all of that is decided once per (op, shapes, dtypes) in a memoised
``PointwisePlan``. Backward runs one kernel per needed input, then sums
broadcast inputs down to their shape and casts them back to their dtype.
"""
import math

import numpy as np

from .. import derivatives, dtypes, messages
from ..quiet import quiet
from ..autograd.graph import MetadataNode, Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import elementwise as K
from ..tensor import Tensor, _wrap, _wrap_result
from .elementwise import _SCALAR_TYPES, _SCALARS, _operand_key, cast, sum_to_size
from .parametric import nodes, pointwise
from .shapes import broadcast_shape, sum_to_shape

# how an operand reaches the kernel
_AS_IS, _RAVEL, _CAST, _ELEMENT, _PYSCALAR, _EXPAND = range(6)


class PointwisePlan:
    """Shapes, dtypes and operand modes of one call, memoised on them.

    ``operands`` are Tensors, Python numbers or None (absent); those in
    ``promote`` decide the result dtype (torch's result_type), the others
    keep their own dtype (where's condition)."""
    __slots__ = ("result", "compute", "out_shape", "out_size", "flat_out", "modes", "posts")

    def __init__(self, operands, promote):
        keys = tuple(_operand_key(operands[i]) for i in promote if operands[i] is not None)
        self.result = dtypes.result_type(keys)
        self.compute = self.result.numpy
        shape = None
        for v in operands:
            if isinstance(v, Tensor):
                s = v._data.shape
                shape = s if shape is None else broadcast_shape(shape, s)
        self.out_shape = shape
        self.out_size = math.prod(shape)
        self.flat_out = len(shape) == 1
        modes, posts = [], []
        for i, v in enumerate(operands):
            target = self.compute if i in promote else None
            if v is None:
                modes.append((None, None))
                posts.append(None)
            elif type(v) in _SCALAR_TYPES:
                modes.append((_PYSCALAR, target))
                posts.append(None)
            else:
                arr = v._data
                target = arr.dtype if target is None else target
                if arr.size == self.out_size:     # only size-1 dims differ: same order
                    mode = _CAST if arr.dtype != target else (
                        _AS_IS if arr.ndim == 1 else _RAVEL)
                elif arr.size == 1 and i:       # (the kernels take operand 0 as an array)
                    mode = _ELEMENT
                else:
                    mode = _EXPAND
                modes.append((mode, target))
                # a flat gradient already fits a 1-d input of the output's shape and dtype
                fits = self.flat_out and arr.shape == shape and arr.dtype == self.compute
                posts.append(None if fits else (arr.shape, arr.dtype))
        self.modes = tuple(modes)
        self.posts = tuple(posts)

    def prepare(self, v, i):
        """The kernel operand for operand ``i``, ``v``."""
        mode, target = self.modes[i]
        if mode is None:
            return None
        if mode == _PYSCALAR:
            return _scalar_as(v, target)
        arr = v._data
        if mode == _AS_IS:
            return arr
        if mode == _RAVEL:
            return arr.ravel()
        if arr.dtype != target:
            # (quiet: a float64 operand of a float32 result may overflow to inf, as in torch)
            arr = quiet(arr.astype, target)
        if mode == _ELEMENT:
            return arr.reshape(-1)[0]
        if mode == _CAST:
            return arr.ravel()
        return np.broadcast_to(arr, self.out_shape).ravel()

    def reshape_out(self, flat):
        return flat if self.flat_out else flat.reshape(self.out_shape)

    def to_input(self, flat_grad, i):
        """A flat gradient of the output as input ``i``'s gradient."""
        post = self.posts[i]
        if post is None:
            return flat_grad
        shape, dtype = post
        g = flat_grad.reshape(self.out_shape)
        if shape != self.out_shape:
            g = sum_to_shape(g, shape)
        return g.astype(dtype, copy=False)

    def to_input_graph(self, grad, i):
        """The same as recorded Tensor ops (create_graph=True)."""
        post = self.posts[i]
        if post is None:
            return grad
        shape, dtype = post
        if grad._data.shape != shape:
            grad = sum_to_size(grad, shape)
        return cast(grad, dtype)


def _scalar_as(v, np_dtype):
    """A Python number in the computation dtype, refused where torch refuses it."""
    if isinstance(v, int) and not -2**63 <= v < 2**63:
        raise OverflowError("int too big to convert")
    if np_dtype.kind in "iu" and not isinstance(v, (bool, np.bool_)):
        info = np.iinfo(np_dtype)
        if not info.min <= v <= info.max:
            raise RuntimeError(messages.scalar_overflow(dtypes.from_numpy(np_dtype)._c_name))
    elif np_dtype.kind == "f" and math.isfinite(v) and abs(v) > float(np.finfo(np_dtype).max):
        raise RuntimeError(messages.scalar_overflow(dtypes.from_numpy(np_dtype)._c_name))
    return np_dtype.type(v)


_plans = {}
dtypes._on_default_change.append(_plans.clear)


def _key(v):
    if v is None:
        return None
    if type(v) in _SCALAR_TYPES:
        return type(v)
    d = v._data
    return d.shape, d.dtype


def _plan(kind, operands, promote):
    a, b, c = operands
    key = (kind, _key(a), _key(b), _key(c))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = PointwisePlan(operands, promote)
    return plan


def _number(v):
    """A Python/numpy number as a plain Python number (a jitgrad scalar operand)."""
    if isinstance(v, (np.number, np.bool_)) and type(v) not in _SCALAR_TYPES:
        return v.item()
    return v


def _flat_grad(grad, plan):
    g = grad if plan.flat_out else grad.reshape(-1)
    return g if g.dtype == plan.compute else g.astype(plan.compute)


# ------------------------------------------------------------------ argument errors


def _type_name(v):
    """A value's type as torch's parser names it (CPython's tp_name)."""
    if isinstance(v, Tensor):
        return "Tensor"
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _describe(v):
    """The same, spelling out the elements of a list or tuple."""
    if isinstance(v, list):
        return f"list of [{', '.join(_type_name(e) for e in v)}]"
    if isinstance(v, tuple):
        inner = ", ".join(_type_name(e) for e in v)
        return f"tuple of ({inner}{',' if len(v) == 1 else ''})"
    return _type_name(v)


def _arg_list(items, positional):
    # torch trims the last ", " only when some argument was positional
    text = "".join(f"{item}, " for item in items)
    return "(" + (text[:-2] if positional else text) + ")"


def _invalid(fname, signatures, args, kwargs=None):
    """torch's "invalid combination of arguments" TypeError, following its
    parser: each signature is split at ", " (so "*" and "T name = None" count
    as parameters, and a parameter with a default never matches by type, nor
    does "Number"); a signature with as many parameters as arguments given
    says which of them did not match."""
    kwargs = dict(sorted((kwargs or {}).items()))
    got = _arg_list([_type_name(a) for a in args]
                    + [f"{k}={_type_name(v)}" for k, v in kwargs.items()], bool(args))
    options = []
    for signature in signatures:
        params = []
        for piece in signature[1:-1].split(", "):
            cut = piece.rfind(" ")
            params.append((piece[:cut] if cut >= 0 else piece, piece[cut + 1:]))
        mismatch = None
        if len(params) == len(args) + len(kwargs):
            names = [name for _, name in params[max(0, len(params) - len(kwargs)):]]
            wrong = [k for k in kwargs if k not in names]
            if wrong:
                mismatch = "some of the keywords were incorrect: " + ", ".join(wrong)
            else:
                marked = []
                for j, (t, name) in enumerate(params):
                    is_kw = j >= len(args)
                    v = kwargs[name] if is_kw else args[j]
                    ok = (t == "Tensor" and isinstance(v, Tensor)) or \
                        (t == "int" and type(v) is int)
                    text = (f"{name}=" if is_kw else "") + _describe(v)
                    marked.append(text if ok else f"!{text}!")
                mismatch = ("some of the arguments have invalid types: "
                            + _arg_list(marked, bool(args)))
        options.append((signature, mismatch))
    return TypeError(messages.invalid_combination(fname, got, options))


# ------------------------------------------------------------------ clamp

_CLAMP_SIGNATURES = {
    "clamp": ["(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)",
              "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)"],
    "clamp_min": ["(Tensor input, Tensor min, *, Tensor out = None)",
                  "(Tensor input, Number min, *, Tensor out = None)"],
    "clamp_max": ["(Tensor input, Tensor max, *, Tensor out = None)",
                  "(Tensor input, Number max, *, Tensor out = None)"],
}
# the Tensor methods' (self is not listed)
_CLAMP_METHOD_SIGNATURES = {
    "clamp": ["(Tensor min = None, Tensor max = None)", "(Number min = None, Number max = None)"],
    "clamp_min": ["(Tensor min)", "(Number min)"],
    "clamp_max": ["(Tensor max)", "(Number max)"],
}

# (entry point, bounds given, tensor bounds?) -> node name
_CLAMP_NODE_NAMES = {
    ("clamp", True): "ClampBackward1", ("clamp", False): "ClampBackward0",
    ("clamp_min", True): "ClampMinBackward0", ("clamp_min", False): "ClampMinBackward1",
    ("clamp_max", True): "ClampMaxBackward0", ("clamp_max", False): "ClampMaxBackward1",
}


class ClampNode(Node):
    """Every clamp node: ``_next`` is (x,) for number bounds and (x, min, max)
    for tensor bounds (None where a bound is absent or needs no gradient).
    ``_saved``: (x, lo, hi as kernel operands, plan, x, min, max as given)."""
    __slots__ = ()

    def apply(self, grad):
        x, lo, hi, plan, _, _, _ = self._saved_or_raise()
        g = _flat_grad(grad, plan)
        nxt = self._next
        grads = [None] * len(nxt)
        if nxt[0] is not None:
            out = np.empty(g.size, plan.compute)
            if lo is not None and hi is not None:
                K.clamp_backward(g, x, lo, hi, out)
            elif lo is not None:
                K.ge_mask_backward(g, x, lo, out)          # x >= min
            else:
                K.ge_mask_backward(g, hi, x, out)          # x <= max
            grads[0] = plan.to_input(out, 0)
        if len(nxt) > 1 and nxt[1] is not None:
            out = np.empty(g.size, plan.compute)
            if hi is not None:
                K.clamp_backward_min(g, x, lo, hi, out)    # x < min < max
            else:
                K.gt_mask_backward(g, lo, x, out)          # x < min
            grads[1] = plan.to_input(out, 1)
        if len(nxt) > 2 and nxt[2] is not None:
            out = np.empty(g.size, plan.compute)
            if lo is not None:
                K.clamp_backward_max(g, x, lo, hi, out)    # x > max or max < min
            else:
                K.gt_mask_backward(g, x, hi, out)          # x > max
            grads[2] = plan.to_input(out, 2)
        return tuple(grads)

    def apply_graph(self, grad):
        _, _, _, plan, x, lo, hi = self._saved_or_raise()
        nxt = self._next
        grads = [None] * len(nxt)
        if nxt[0] is not None:
            g = grad
            if lo is not None:
                g = where(x >= lo, g, 0)
            if hi is not None:
                g = where(x <= hi, g, 0)
            grads[0] = plan.to_input_graph(g, 0)
        if len(nxt) > 1 and nxt[1] is not None:
            g = where(x < lo, grad, 0)
            if hi is not None:
                g = where(lo < hi, g, 0)
            grads[1] = plan.to_input_graph(g, 1)
        if len(nxt) > 2 and nxt[2] is not None:
            g = where(x > hi, grad, 0)
            if lo is not None:
                g = where(hi < lo, grad, g)
            grads[2] = plan.to_input_graph(g, 2)
        return tuple(grads)


_CLAMP_NODES = {key: node_class(name, ClampNode) for key, name in _CLAMP_NODE_NAMES.items()}
_CLAMP_FORWARD = {(True, True): K.clamp_forward, (True, False): K.clamp_min_forward,
                  (False, True): K.clamp_max_forward}


def _bound(v):
    if v is None or isinstance(v, Tensor):
        return v
    if isinstance(v, _SCALARS):
        return _number(v)
    return _Bad(v)


class _Bad:
    """A bound of a type torch's parser refuses (kept for the error message)."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _clamp_args(x, lo, hi, kind, fname, method):
    """Validate the call; returns (lo, hi) with numbers normalised. ``kind``:
    "clamp", "clamp_min" or "clamp_max"; ``fname``: the name the user called."""
    if type(x) is Tensor:                              # the common calls, checked cheaply
        tl, th = type(lo), type(hi)
        if (tl is Tensor or lo is None) and (th is Tensor or hi is None):
            return lo, hi
        if (tl in _SCALAR_TYPES or lo is None) and (th in _SCALAR_TYPES or hi is None):
            return lo, hi
    lo_b, hi_b = _bound(lo), _bound(hi)
    given = [b for b in (lo_b, hi_b) if b is not None]
    if isinstance(x, Tensor) and not any(isinstance(b, _Bad) for b in given) and \
            len({isinstance(b, Tensor) for b in given}) <= 1:
        return lo_b, hi_b
    if kind != "clamp":
        args, kwargs = [lo if kind == "clamp_min" else hi], {}
    elif lo is None or hi is None:
        # one bound: most likely given by keyword (clamp(x, min=...)), as torch shows it
        args, kwargs = [], ({"max": hi} if lo is None else {"min": lo})
    else:
        args, kwargs = [lo, hi], {}
    raise _clamp_refusal(x, args, kwargs, kind, fname, method)


def _clamp_refusal(x, args, kwargs, kind, fname, method):
    if method:
        return _invalid(fname, _CLAMP_METHOD_SIGNATURES[kind], args, kwargs)
    return _invalid(fname, _CLAMP_SIGNATURES[kind], [x] + args, kwargs)


def clamp(x, min=None, max=None, kind="clamp", fname=None, method=False):
    """``x.clamp(min, max)``; ``kind`` ("clamp", "clamp_min", "clamp_max")
    picks the node name torch records."""
    lo, hi = _clamp_args(x, min, max, kind, fname or kind, method)
    if lo is None and hi is None:
        raise RuntimeError(messages.CLAMP_NO_BOUNDS)
    numbers = not isinstance(lo, Tensor) and not isinstance(hi, Tensor)
    plan = _plan("clamp", (x, lo, hi), (0, 1, 2))
    if numbers and plan.result is dtypes.bool_:
        which = "clamp" if lo is not None and hi is not None else (
            "clamp_min" if lo is not None else "clamp_max")
        raise NotImplementedError(messages.clamp_bool(which))
    xv = plan.prepare(x, 0)
    lv = plan.prepare(lo, 1)
    hv = plan.prepare(hi, 2)
    out = np.empty(plan.out_size, plan.compute)
    forward = _CLAMP_FORWARD[lo is not None, hi is not None]
    if lv is None:
        forward(xv, hv, out)
    elif hv is None:
        forward(xv, lv, out)
    else:
        forward(xv, lv, hv, out)
    result_arr = out if plan.flat_out else out.reshape(plan.out_shape)
    if not grad_state.enabled or plan.compute.kind != "f":
        return _wrap(result_arr)
    if numbers:
        if not x._requires_grad:
            return _wrap(result_arr)
        nxt = (edge(x),)
        checks = (saved_version(x),)
    else:
        lo_t, hi_t = lo is not None, hi is not None
        if not (x._requires_grad or (lo_t and lo._requires_grad) or (hi_t and hi._requires_grad)):
            return _wrap(result_arr)
        nxt = (edge(x), edge(lo) if lo_t else None, edge(hi) if hi_t else None)
        checks = (saved_version(x),) + ((saved_version(lo),) if lo_t else ()) + \
            ((saved_version(hi),) if hi_t else ())
    node = _CLAMP_NODES[kind, numbers](nxt, (xv, lv, hv, plan, x, lo, hi), checks)
    return _wrap_result(result_arr, node)


def clamp_min(x, min, fname="clamp_min", method=False):
    if min is None:
        raise _clamp_refusal(x, [None], {}, "clamp_min", fname, method)
    return clamp(x, min, None, "clamp_min", fname, method)


def clamp_max(x, max, fname="clamp_max", method=False):
    if max is None:
        raise _clamp_refusal(x, [None], {}, "clamp_max", fname, method)
    return clamp(x, None, max, "clamp_max", fname, method)


def clamp_(x, min=None, max=None, kind="clamp", fname="clamp_"):
    """In place (jitgrad/ops/inplace.py's apply_), after torch's own refusals."""
    from . import inplace
    if (kind == "clamp_min" and min is None) or (kind == "clamp_max" and max is None):
        raise _clamp_refusal(x, [None], {}, kind, fname, True)
    lo, hi = _clamp_args(x, min, max, kind, fname, True)
    if lo is None and hi is None:
        raise RuntimeError(messages.CLAMP_NO_BOUNDS)
    plan = _plan("clamp", (x, lo, hi), (0, 1, 2))
    if plan.out_shape != x._data.shape:
        raise RuntimeError(messages.inplace_broadcast(x._data.shape, plan.out_shape))
    if dtypes._category(plan.result) > dtypes._category(x.dtype):
        raise RuntimeError(messages.cast_result(plan.result._torch_name, x.dtype._c_name))
    if grad_state.enabled and not x._requires_grad and any(
            isinstance(b, Tensor) and b._requires_grad for b in (lo, hi)):
        # only a bound records the graph: x takes over the out-of-place result's node
        inplace.check_inplace(x)
        return inplace._take_over(x, clamp(inplace._old_self(x), lo, hi, kind, fname, True))
    return inplace.apply_(x, lambda t: clamp(t, lo, hi, kind, fname, True))


# ------------------------------------------------------------------ where

_WHERE_SIGNATURES = [
    "(Tensor condition)",
    "(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
    "(Tensor condition, Number self, Tensor other)",
    "(Tensor condition, Tensor input, Number other)",
    "(Tensor condition, Number self, Number other)",
]
_WHERE_METHOD_SIGNATURES = ["(Tensor condition, Tensor other)", "(Tensor condition, Number other)"]


class WhereNode(Node):
    """``_next``: (input, other), None for a number or an input needing no
    gradient; ``_saved``: (condition as a kernel operand, plan, condition)."""
    __slots__ = ()

    def apply(self, grad):
        cond, plan, _ = self._saved_or_raise()
        g = _flat_grad(grad, plan)
        ga = gb = None
        if self._next[0] is not None:
            out = np.empty(g.size, plan.compute)
            K.where_backward(g, cond, out)
            ga = plan.to_input(out, 1)
        if self._next[1] is not None:
            out = np.empty(g.size, plan.compute)
            K.where_backward_other(g, cond, out)
            gb = plan.to_input(out, 2)
        return ga, gb

    def apply_graph(self, grad):
        _, plan, condition = self._saved_or_raise()
        ga = gb = None
        if self._next[0] is not None:
            ga = plan.to_input_graph(where(condition, grad, 0), 1)
        if self._next[1] is not None:
            gb = plan.to_input_graph(where(condition, 0, grad), 2)
        return ga, gb


_WHERE_NODE = node_class("WhereBackward0", WhereNode)


def _where_operand(v):
    if isinstance(v, Tensor):
        return v
    if isinstance(v, _SCALARS):
        return _number(v)
    return None


_MISSING = object()


def where_method(x, condition, y):
    """``x.where(condition, y)``."""
    if not isinstance(condition, Tensor) or _where_operand(y) is None:
        raise _invalid("where", _WHERE_METHOD_SIGNATURES, [condition, y])
    return where(condition, x, y)


def where(condition, input=_MISSING, other=_MISSING):
    """``torch.where(condition, input, other)``; with the condition alone,
    the indices of its non-zero elements (``nonzero(as_tuple=True)``)."""
    if input is _MISSING and other is _MISSING:
        if not isinstance(condition, Tensor):
            raise TypeError(messages.must_be("where", "condition", "Tensor", condition, 1))
        idx = np.nonzero(np.atleast_1d(condition._data))
        return tuple(_wrap(i.astype(np.int64)) for i in idx)
    a = None if input is _MISSING else _where_operand(input)
    b = None if other is _MISSING else _where_operand(other)
    if not isinstance(condition, Tensor) or a is None or b is None:
        args = [condition] + [v for v in (input, other) if v is not _MISSING]
        raise _invalid("where", _WHERE_SIGNATURES, args)
    if condition._data.dtype.kind != "b":
        raise RuntimeError(messages.where_condition_dtype(condition.dtype._torch_name))
    plan = _plan("where", (condition, a, b), (1, 2))
    cond = plan.prepare(condition, 0)
    av = plan.prepare(a, 1)
    bv = plan.prepare(b, 2)
    out = np.empty(plan.out_size, plan.compute)
    K.where_forward(cond, av, bv, out)
    result_arr = plan.reshape_out(out)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not (grad_state.enabled and ((ta and a._requires_grad) or (tb and b._requires_grad))):
        return _wrap(result_arr)
    node = _WHERE_NODE((edge(a) if ta else None, edge(b) if tb else None),
                       (cond, plan, condition), (saved_version(condition),))
    return _wrap_result(result_arr, node)


# ------------------------------------------------------------------ softplus


_SOFTPLUS = nodes(derivatives.COMPOSITE["softplus"])


def _number_arg(fname, name, v):
    if isinstance(v, Tensor) and v._data.size == 1:
        return v.item()
    if isinstance(v, _SCALARS):
        return _number(v)
    raise TypeError(messages.must_be(fname, name, "Number", v))


def softplus(input, beta=1, threshold=20):
    """``torch.nn.functional.softplus``: log(1 + exp(beta x)) / beta, and x
    itself where beta x > threshold."""
    if not isinstance(input, Tensor):
        raise TypeError(messages.must_be("softplus", "input", "Tensor", input, 1))
    beta = _number_arg("softplus", "beta", beta)
    threshold = _number_arg("softplus", "threshold", threshold)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_kernel(
            "softplus_cpu", input.dtype._torch_name))
    return pointwise(input, _SOFTPLUS, beta, threshold)


# ------------------------------------------------------------------ round(decimals)


class RoundDecimalsNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        return (np.zeros(grad.shape, grad.dtype),)

    def apply_graph(self, grad):
        return (_wrap(np.zeros(grad._data.shape, grad._data.dtype)),)


_ROUND_DECIMALS_NODE = node_class("RoundBackward1", RoundDecimalsNode)

_ROUND_SIGNATURES = ["(Tensor input, *, Tensor out = None)",
                     "(Tensor input, *, int decimals, Tensor out = None)"]


def round_decimals(x, decimals, method=False):
    """``torch.round(x, decimals=d)`` (RoundBackward1 even for d == 0)."""
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        if method:
            raise TypeError(messages.must_be("round", "decimals", "int", decimals))
        raise _invalid("round", _ROUND_SIGNATURES, [x], {"decimals": decimals})
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_kernel("round_cpu", x.dtype._torch_name))
    decimals = int(decimals)
    flat = a.reshape(-1)
    out = np.empty(flat.size, a.dtype)
    K.round_decimals_forward(flat, a.dtype.type(10.0 ** abs(decimals)), decimals < 0, out)
    out = out.reshape(a.shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _ROUND_DECIMALS_NODE((edge(x),), ()))
