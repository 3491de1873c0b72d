"""Forward and backward glue of the elementwise ops in the op table.

Operands reach a kernel flat and in the computation dtype: an operand with
as many elements as the output is raveled (a view when contiguous; 1-d
arrays go as they are), a one-element operand or a Python scalar is passed
as a scalar, anything else is broadcast into a contiguous copy. All of that
is decided once per (op, shapes, dtypes) in a memoised ``BinaryPlan``, so
the per-call cost is a dict hit, the kernel call and the node.

Backward computes each needed input's gradient with the kernel the table
names, then ``sum_to_shape`` for broadcast inputs.
"""
import math

import numpy as np

from .. import derivatives, dtypes, messages
from ..autograd.graph import (MetadataNode, Node, edge, grad_accumulator, node_class,
                              output_version)
from ..autograd.formulas import compile_formula
from ..autograd.grad_mode import state as grad_state
from ..kernels import elementwise as K
from ..kernels.elementwise import mul_forward
from .. import parallel
from ..parallel import ELEMENTWISE_MIN as _PAR_MIN
from ..tensor import Tensor, _wrap, _wrap_result
from ..quiet import quiet
from .shapes import broadcast_shape, sum_to_shape

_SCALARS = (float, int, bool, np.number, np.bool_)
# exact types, for a set lookup on the hot path (subclasses go through is_scalar)
_SCALAR_TYPES = frozenset((float, int, bool, np.float32, np.float64, np.int32, np.int64,
                           np.bool_))


def is_scalar(v):
    return isinstance(v, _SCALARS)


def as_operand(v, fname=None, arrays=True):
    """A binary op's operand: a Tensor, a Python scalar, or for an operator
    (``x == ndarray``, as torch; not with ``arrays=False``, which the arithmetic
    operators pass so that numpy computes ``x + ndarray``) an ndarray (wrapped).
    Anything else: None for an operator (which then returns NotImplemented),
    TypeError naming ``fname`` for a function."""
    if isinstance(v, Tensor):
        return v
    if isinstance(v, np.complexfloating):
        # (not NotImplemented: numpy's reflected operator would take the Tensor as an
        # array and answer ``x + np.complex64(1j)`` with an ndarray)
        raise TypeError(messages.COMPLEX_UNSUPPORTED)
    if isinstance(v, _SCALARS):
        if type(v) is int and not -9223372036854775808 <= v <= 9223372036854775807:
            raise OverflowError(messages.INT_TOO_BIG)
        return v.item() if isinstance(v, (np.number, np.bool_)) and \
            type(v) not in _SCALAR_TYPES else v
    if isinstance(v, np.ndarray) and fname is None and arrays:
        from ..factories import from_numpy
        return from_numpy(v)
    if fname is None:
        return None
    raise TypeError(f"{fname}(): argument 'other' must be Tensor or Number, "
                    f"not {messages._type_name(v)}")


# ------------------------------------------------------------------ unary


class UnaryNode(Node):
    __slots__ = ()
    op = None

    def apply(self, grad):
        args, _ = self._saved_or_raise()
        kernel = self.op.grad.kernel
        g = grad if grad.ndim == 1 else grad.ravel()
        out = np.empty(g.size, g.dtype)
        if g.size < _PAR_MIN:
            kernel(g, *args, out)
        else:
            parallel.elementwise(kernel, (g, *args, out), g.size)
        return (out if grad.ndim == 1 else out.reshape(grad.shape),)

    def release(self):
        # keep the node runnable when it saved nothing (NegBackward0), as torch does
        if self._saved is not None and self._saved[0]:
            self._saved = None
            self._checks = None

    def apply_graph(self, grad):
        args, x = self._saved_or_raise()
        if self.op.grad.kernel is K.zero_backward:
            return (_wrap(np.zeros(grad._data.shape, grad._data.dtype)),)     # zeros_like(grad)
        result = None
        if "result" in self.op.grad.args:
            result = self.output(args[-1].reshape(grad._data.shape))
        return (_formula(self.op)(grad, self=x, result=result),)


_formulas = {}


def _formula(op, index=None):
    """The compiled table formula of ``op`` (for input ``index`` of a binary op)."""
    key = (op.name, index)
    f = _formulas.get(key)
    if f is None:
        text = op.formula if index is None else op.formulas[index]
        f = _formulas[key] = compile_formula(text)
    return f


class NotImplementedNode(MetadataNode):
    """torch's node for an op without a derivative (``2 % x``, ``x // y``):
    the output requires grad, backward through it raises."""
    __slots__ = ()
    aten = None

    def apply(self, grad):
        raise RuntimeError(messages.no_derivative(self.aten))

    apply_graph = apply


def _node_classes(table, base):
    """(op name, node name) -> node class; one op may have several node names
    and two ops may share one (``2 / x`` records a MulBackward0)."""
    classes = {}
    for op in table.values():
        for name in (op.node, *derivatives.SCALAR_NODE.get(op.name, ())):
            if name == "NotImplemented":
                classes[op.name, name] = node_class(name, NotImplementedNode, op=op, aten=op.name)
            else:
                classes[op.name, name] = node_class(name, base, op=op)
    return classes


_UNARY_NODES = _node_classes(derivatives.UNARY, UnaryNode)
_INTEGER_IDENTITY = frozenset(("floor", "ceil", "round", "trunc"))


def unary(name, x):
    op = derivatives.UNARY[name]
    a = x._data
    if a.dtype.kind != "f":
        if a.dtype.kind == "b" and name in messages.BOOL_UNSUPPORTED:
            exc, text = messages.BOOL_UNSUPPORTED[name]
            raise exc(text)
        if name in messages.FLOAT_ONLY_KERNEL:
            raise NotImplementedError(messages.not_implemented_for(
                messages.FLOAT_ONLY_KERNEL[name], x.dtype._torch_name))
        if op.float_only:
            a = a.astype(dtypes.get_default_dtype().numpy)
        elif name in _INTEGER_IDENTITY:
            return _wrap(a.copy())          # floor/ceil/round of integers: a copy, as torch
    flat = a if a.ndim == 1 else a.ravel()
    flat_out = np.empty(flat.size, a.dtype)
    if flat.size < _PAR_MIN:
        op.forward(flat, flat_out)
    else:
        parallel.elementwise(op.forward, (flat, flat_out), flat.size)
    out = flat_out if a.ndim == 1 else flat_out.reshape(a.shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    # unary gradient kernels take (grad, self) or (grad, result) or just grad
    saves = op.grad.args[1:]
    node = _UNARY_NODES[op.name, op.node]((x._grad_fn or edge(x),), None)
    result = _wrap_result(out, node)
    if not saves:
        node._saved = ((), None)
    elif saves[0] == "self":
        node._saved = ((flat,), x)
        vc = x._vc
        node._checks = ((vc, vc[0], x),)
    else:
        node._saved = ((flat_out,), None)
        node._checks = ((result._vc, 0, (node.__class__.__name__, out.shape, out.dtype)),)
    return result


# ------------------------------------------------------------------ binary

# how an operand reaches the kernel
_AS_IS, _RAVEL, _CAST, _ELEMENT, _PYSCALAR, _EXPAND = range(6)


def _wrapped_int(v, dtype):
    """A Python int beyond a narrower integer dtype, wrapped into it as torch
    casts (int32 + 2**40 adds 0); beyond int64 Python's OverflowError, as torch's."""
    if not -2**63 <= v < 2**63:
        raise OverflowError("int too big to convert")
    return np.array(v, np.int64).astype(dtype)[()]


class BinaryPlan:
    """Everything about ``a op b`` that depends only on shapes and dtypes."""
    __slots__ = ("op", "forward", "int_pow_scalar", "f32_exponent", "result", "compute", "out_shape", "out_size", "flat_out",
                 "a_mode", "b_mode", "a_shape", "b_shape", "a_dtype", "b_dtype",
                 "node_cls", "saves", "a_post", "b_post", "parallel")

    def __init__(self, op, a, b):
        a_t = type(a) not in _SCALAR_TYPES
        b_t = type(b) not in _SCALAR_TYPES
        result = dtypes.result_type((_operand_key(a), _operand_key(b)))
        if op.float_only and not result.is_floating_point:
            result = dtypes.get_default_dtype()
        _check_bool(op, _operand_key(a), _operand_key(b), result)
        self.forward = op.forward
        if op.name == "pow" and not result.is_floating_point:
            self.forward = K.int_pow_forward
        elif op.int_forward is not None and not result.is_floating_point:
            self.forward = op.int_forward          # returns True on a zero divisor
        self.op = op
        self.result = result
        self.compute = result.numpy
        if a_t and b_t:
            self.out_shape = broadcast_shape(a._data.shape, b._data.shape)
        else:
            self.out_shape = (a if a_t else b)._data.shape
        self.out_size = math.prod(self.out_shape)
        self.parallel = self.out_size >= _PAR_MIN        # kernels split over threads
        self.flat_out = len(self.out_shape) == 1
        self.a_shape, self.a_dtype, self.a_mode = self._operand(a)
        self.b_shape, self.b_dtype, self.b_mode = self._operand(b)
        # integer ** negative Python int: torch refuses (checked per call on the value)
        self.int_pow_scalar = self.forward is K.int_pow_forward and self.b_mode == _PYSCALAR
        # float32 ** Python float: torch keeps the exponent a double (see prepare)
        self.f32_exponent = op.name == "pow" and self.b_mode == _PYSCALAR and \
            self.compute == np.float32
        self.a_post = self._post(a_t, self.a_shape, self.a_dtype)
        self.b_post = self._post(b_t, self.b_shape, self.b_dtype)
        name = op.node
        if not (a_t and b_t) and op.name in derivatives.SCALAR_NODE:
            name = derivatives.SCALAR_NODE[op.name][0 if a_t else 1]
        self.node_cls = _BINARY_NODES[op.name, name]
        # saves[needs_a + 2 * needs_b] = which of (self, other, result) to keep
        self.saves = [None] * 4
        for needs in range(1, 4):
            args = set()
            if needs & 1:
                args.update(op.grads[0].args)
            if needs & 2:
                args.update(op.grads[1].args)
            self.saves[needs] = ("self" in args, "other" in args, "result" in args)
        if name == "NotImplemented":
            self.saves = [(False, False, False)] * 4

    def _post(self, is_tensor, shape, dtype):
        # a flat gradient already fits a 1-d input of the output's shape and dtype
        if not is_tensor or (self.flat_out and shape == self.out_shape and dtype == self.compute):
            return None
        return shape, dtype

    def _operand(self, v):
        if type(v) in _SCALAR_TYPES:
            return (), None, _PYSCALAR
        arr = v._data
        if arr.size == self.out_size:
            if arr.dtype != self.compute:
                mode = _CAST
            else:
                mode = _AS_IS if arr.ndim == 1 else _RAVEL
        elif arr.size == 1:
            mode = _ELEMENT
        else:
            mode = _EXPAND
        return arr.shape, arr.dtype, mode

    def prepare(self, v, mode):
        """The kernel operand for ``v`` (a Tensor, or a Python scalar)."""
        if mode == _AS_IS:
            return v._data
        if mode == _RAVEL:
            return v._data.ravel()
        if mode == _PYSCALAR:
            # (float(v): a numpy float32 scalar would cast the bound to float32 and warn)
            if -_F32_OVERFLOW < float(v) < _F32_OVERFLOW:
                if self.f32_exponent and v and -_F32_TINY < v < _F32_TINY:
                    # a non-zero exponent below float32's range: torch's double exponent
                    # keeps 0 ** e == 0 (not 1); the least float32 gives every x ** e alike
                    return self.compute.type(math.copysign(_F32_TINY, v))
                try:
                    return self.compute.type(v)
                except OverflowError:
                    return _wrapped_int(v, self.compute)
            with np.errstate(over="ignore"):     # past float32's range: inf, as torch casts it
                return self.compute.type(v)
        arr = v._data
        if arr.dtype != self.compute:
            # (quiet: a float64 operand of a float32 result may overflow to inf, as in torch)
            arr = quiet(arr.astype, self.compute)
        if mode == _ELEMENT:
            return arr.reshape(-1)[0]
        if mode == _CAST:
            return arr.ravel()
        return np.broadcast_to(arr, self.out_shape).ravel()


# the least magnitude that rounds to inf in float32 (numpy warns on that cast), and
# float32's least subnormal
_F32_OVERFLOW = 3.4028235677973366e38
_F32_TINY = 1.401298464324817e-45


def _operand_key(v):
    if type(v) not in _SCALAR_TYPES:
        d = v._data
        return dtypes.from_numpy(d.dtype), (1 if d.ndim == 0 else 0)
    return dtypes.scalar_dtype(v), 2


class BinaryNode(Node):
    __slots__ = ()
    op = None

    def release(self):
        # keep the plan when no array was saved (AddBackward0 may run again)
        s = self._saved
        if s is not None and (s[0] is not None or s[1] is not None or s[2] is not None):
            self._saved = None
            self._checks = None

    def apply(self, grad):
        saved = self._saved
        if saved is None:
            self._saved_or_raise()
        plan = saved[3]
        g = grad if plan.flat_out else grad.ravel()
        if g.dtype != plan.compute:
            g = g.astype(plan.compute)
        nxt = self._next
        op = self.op
        if op.both is not None and nxt[0] is not None and nxt[1] is not None \
                and plan.a_post is None and plan.b_post is None:
            ga = np.empty(g.size, plan.compute)
            gb = np.empty(g.size, plan.compute)
            if plan.parallel:
                parallel.elementwise(op.both, (g, saved[0], saved[1], ga, gb), g.size)
            else:
                op.both(g, saved[0], saved[1], ga, gb)
            return ga, gb
        values = (g, saved[0], saved[1], saved[2])
        grads = op.grads
        ga = None if nxt[0] is None else _input_grad(grads[0], values, plan, plan.a_post)
        gb = None if nxt[1] is None else _input_grad(grads[1], values, plan, plan.b_post)
        return ga, gb


    def apply_graph(self, grad):
        _, _, result, plan, a, b = self._saved_or_raise()
        if result is not None:
            result = self.output(result.reshape(plan.out_shape))
        grads = []
        for i, post in enumerate((plan.a_post, plan.b_post)):
            if self._next[i] is None:
                grads.append(None)
                continue
            gi = _formula(self.op, i)(grad, self=a, other=b, result=result)
            if post is not None:
                in_shape, in_dtype = post
                if gi._data.shape != in_shape:
                    gi = sum_to_size(gi, in_shape)
                if gi._data.dtype != in_dtype:
                    gi = cast(gi, in_dtype)
            grads.append(gi)
        return tuple(grads)


def sum_to_size(t, shape):
    """``t`` summed down to a broadcast input's ``shape``, as recorded Tensor ops."""
    lead = t.ndim - len(shape)
    dims = tuple(i for i in range(t.ndim)
                 if i < lead or (shape[i - lead] == 1 and t._data.shape[i] != 1))
    if dims:
        t = t.sum(dims, keepdim=True)
    return t.reshape(shape) if t._data.shape != shape else t


def _input_grad(grad_kernel, values, plan, post):
    """One input's gradient: its kernel on the saved values, then reshaped,
    reduced and cast back to the input (``post``: None when nothing to do)."""
    kernel = grad_kernel.kernel
    g = values[0]
    if kernel is None:
        gi = g
    else:
        gi = np.empty(g.size, plan.compute)
        slots = grad_kernel.slots
        if plan.parallel:
            parallel.elementwise(kernel, (*[values[s] for s in slots], gi), g.size)
        elif grad_kernel.binary:
            kernel(g, values[slots[1]], gi)
        else:
            kernel(*[values[s] for s in slots], gi)
    if post is None:
        return gi
    gi = gi.reshape(plan.out_shape)
    in_shape, in_dtype = post
    if in_shape != plan.out_shape:
        gi = sum_to_shape(gi, in_shape)
    if gi.dtype != in_dtype:
        gi = gi.astype(in_dtype)
    return gi


_BINARY_NODES = _node_classes(derivatives.BINARY, BinaryNode)
_plans = {}
dtypes._on_default_change.append(_plans.clear)


def _plan(op, a, b):
    if type(a) not in _SCALAR_TYPES:
        ad = a._data
        if type(b) not in _SCALAR_TYPES:
            bd = b._data
            key = (op.name, ad.shape, ad.dtype, bd.shape, bd.dtype)
        else:
            key = (op.name, ad.shape, ad.dtype, None, type(b))
    else:
        bd = b._data
        key = (op.name, None, type(a), bd.shape, bd.dtype)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = BinaryPlan(op, a, b)
    return plan


def binary(op, a, b):
    """``a`` op ``b`` for an entry ``op`` of derivatives.BINARY; one operand is
    a Tensor, the other a Tensor or a scalar (see ``as_operand``).
    (Written flat: this is the hot path of every arithmetic operator.)"""
    plan = _plan(op, a, b)
    a_mode = plan.a_mode
    b_mode = plan.b_mode
    av = a._data if a_mode == _AS_IS else plan.prepare(a, a_mode)
    bv = b._data if b_mode == _AS_IS else plan.prepare(b, b_mode)
    if plan.int_pow_scalar and bv < 0:
        raise RuntimeError(messages.NEGATIVE_INT_POWER)
    out = np.empty(plan.out_size, plan.compute)
    if plan.parallel:
        zero_divisor = parallel.elementwise(plan.forward, (av, bv, out), plan.out_size)
    else:
        zero_divisor = plan.forward(av, bv, out)
    if zero_divisor:                               # integer division by zero
        raise RuntimeError(messages.ZERO_DIVISION)
    out_arr = out if plan.flat_out else out.reshape(plan.out_shape)
    needs = 0
    if grad_state.enabled:
        if a_mode != _PYSCALAR and a._requires_grad:
            needs = 1
        if b_mode != _PYSCALAR and b._requires_grad:
            needs += 2
    if not needs:
        return _wrap(out_arr)
    save_self, save_other, save_result = plan.saves[needs]
    if needs & 1:
        ea = a._grad_fn or a._accumulator or grad_accumulator(a)
    else:
        ea = None if a_mode == _PYSCALAR else edge(a)
    if needs & 2:
        eb = b._grad_fn or b._accumulator or grad_accumulator(b)
    else:
        eb = None if b_mode == _PYSCALAR else edge(b)
    node = _new_node(plan.node_cls)
    node._next = (ea, eb)
    node._hooks = None
    result = _wrap_result(out_arr, node)
    # version checks of what was saved
    checks = None
    if save_self:
        node._saved = (av, bv if save_other else None, out if save_result else None, plan,
                       a, b if save_other else None)
        if a_mode != _PYSCALAR:
            vc = a._vc
            checks = ((vc, vc[0], a),)
    else:
        node._saved = (None, bv if save_other else None, out if save_result else None, plan,
                       None, b if save_other else None)
    if save_other and b_mode != _PYSCALAR:
        vc = b._vc
        checks = ((vc, vc[0], b),) + checks if checks else ((vc, vc[0], b),)
    if save_result:
        checks = (output_version(result, node),) + (checks or ())
    node._checks = checks
    return result


_new_node = object.__new__


def compare(name, a, b):
    plan = _plan(derivatives.BINARY["add"], a, b)    # comparisons promote like add (bools too)
    av = plan.prepare(a, plan.a_mode)
    bv = plan.prepare(b, plan.b_mode)
    out = np.empty(plan.out_size, np.bool_)
    if plan.parallel:
        parallel.elementwise(derivatives.COMPARISON[name], (av, bv, out), plan.out_size)
    else:
        derivatives.COMPARISON[name](av, bv, out)
    return _wrap(out if plan.flat_out else out.reshape(plan.out_shape))


def predicate(name, x):
    """isnan / isinf / isfinite: a bool tensor, never recorded."""
    kernel, int_answer = derivatives.PREDICATE[name]
    a = x._data
    if a.dtype.kind != "f":
        return _wrap(np.full(a.shape, int_answer, np.bool_))
    flat = a if a.ndim == 1 else a.ravel()
    out = np.empty(flat.size, np.bool_)
    if flat.size < _PAR_MIN:
        kernel(flat, out)
    else:
        parallel.elementwise(kernel, (flat, out), flat.size)
    return _wrap(out if a.ndim == 1 else out.reshape(a.shape))


def _check_bool(op, a_key, b_key, result):
    """torch refuses ``-`` with any bool operand, and ``**`` on bools unless
    the exponent is a Python scalar."""
    (a_dtype, _), (b_dtype, b_group) = a_key, b_key
    if op.name == "sub" and dtypes.bool_ in (a_dtype, b_dtype):
        both = a_dtype is b_dtype
        raise RuntimeError(messages.SUB_TWO_BOOLS if both else messages.SUB_BOOL)
    if result is dtypes.bool_ and op.name in messages.BOOL_UNSUPPORTED and b_group != 2:
        exc, text = messages.BOOL_UNSUPPORTED[op.name]
        raise exc(text)
    if not result.is_floating_point and op.name in messages.FLOAT_ONLY_KERNEL:
        raise NotImplementedError(messages.not_implemented_for(
            messages.FLOAT_ONLY_KERNEL[op.name], result._torch_name))
    if result is dtypes.bool_ and op.name in messages.BOOL_DIVISION_KERNEL:
        raise NotImplementedError(messages.not_implemented_for(
            messages.BOOL_DIVISION_KERNEL[op.name], "Bool"))


# ------------------------------------------------------------------ dtype casts and scaling


class ToCopyNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        (in_dtype,) = self._saved
        # (a float64 gradient beyond float32's range becomes inf silently, as torch's)
        return (quiet(grad.astype, in_dtype),)

    def apply_graph(self, grad):
        (in_dtype,) = self._saved
        return (cast(grad, in_dtype),)


_TO_COPY_NODE = node_class("ToCopyBackward0", ToCopyNode)


def cast(x, np_dtype):
    """``x.to(dtype)``: a new tensor (the same one when the dtype already matches)."""
    a = x._data
    if a.dtype == np_dtype:
        return x
    if a.dtype.kind == "f" and np.dtype(np_dtype).kind in "iu":
        with np.errstate(invalid="ignore"):     # nan/inf/out of range: torch's values, silently
            out = a.astype(np_dtype)
    else:
        out = a.astype(np_dtype)
    if not (x._requires_grad and grad_state.enabled and out.dtype.kind == "f"):
        return _wrap(out)
    return _wrap_result(out, _TO_COPY_NODE((edge(x),), (a.dtype,)))


def scale_array(arr, factor):
    """``arr * factor`` as a new array of arr's dtype (one kernel call)."""
    out = np.empty(arr.size, arr.dtype)
    if arr.size < _PAR_MIN:
        mul_forward(arr.ravel(), arr.dtype.type(factor), out)
    else:
        parallel.elementwise(mul_forward, (arr.ravel(), arr.dtype.type(factor), out), arr.size)
    return out.reshape(arr.shape)
