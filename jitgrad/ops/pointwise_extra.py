"""lerp, addcmul, addcdiv, nan_to_num and heaviside, and their in-place forms.

lerp (a number or a tensor weight), addcmul and addcdiv are the op table's
``Nary`` entries: one generic node reads an entry's gradient kernels and
formulas (``NaryNode``), so the forward here is only argument checking, the
plan (``ops/pointwise.py``'s ``PointwisePlan``: broadcasting, torch's
result dtype, flat operands in it) and the entry's forward kernel.
nan_to_num is a ``Pointwise`` entry (one tensor, three parameters: the
glue of ops/parametric.py); heaviside has torch's ``NotImplemented`` node.
The kernels are in kernels/pointwise.py.
"""
import numpy as np

from .. import derivatives, dtypes, messages
from ..autograd.formulas import compile_formula
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import pointwise as KP
from ..tensor import _OMITTED as _MISSING, Tensor, _wrap, _wrap_result
from . import inplace as _inplace
from .elementwise import _SCALARS, NotImplementedNode
from .parametric import nodes, pointwise
from .pointwise import PointwisePlan, _flat_grad, _invalid, _number, _scalar_as
from .shapes import broadcast_shape

# ------------------------------------------------------------------ the Nary entries


class NaryNode(Node):
    """The node of a ``derivatives.Nary`` entry (``op``): ``_next`` has one edge
    per input (None where no gradient flows). ``_saved``: ({input name: kernel
    operand}, {parameter name: kernel value}, plan, input Tensors, {parameter
    name: Python number})."""
    __slots__ = ()
    op = None

    def apply(self, grad):
        operands, params, plan, _, _ = self._saved_or_raise()
        g = _flat_grad(grad, plan)
        grads = []
        for i, (nxt, gk) in enumerate(zip(self._next, self.op.grads)):
            if nxt is None:
                grads.append(None)
                continue
            if gk.kernel is None:
                gi = g
            else:
                gi = np.empty(g.size, plan.compute)
                gk.kernel(*[g if a == "grad" else operands[a] if a in operands else params[a]
                            for a in gk.args], gi)
            grads.append(plan.to_input(gi, i))
        return tuple(grads)

    def apply_graph(self, grad):
        # the table's formulas on Tensors (recorded, for create_graph)
        _, _, plan, tensors, numbers = self._saved_or_raise()
        op = self.op
        named = dict(zip(op.inputs, tensors), **numbers)
        grads = []
        for i, (nxt, name) in enumerate(zip(self._next, op.inputs)):
            if nxt is None:
                grads.append(None)
                continue
            grads.append(plan.to_input_graph(_formula(op, name)(grad, **named), i))
        return tuple(grads)


_formulas = {}


def _formula(op, name):
    f = _formulas.get((op.name, name))
    if f is None:
        f = _formulas[op.name, name] = compile_formula(op.formulas[name])
    return f


_NARY = {op.name: (op, node_class(op.node, NaryNode, op=op))
         for op in derivatives.COMPOSITE.values() if isinstance(op, derivatives.Nary)}
_plans = {}
dtypes._on_default_change.append(_plans.clear)


def _plan(name, tensors):
    key = (name,) + tuple((t._data.shape, t._data.dtype) for t in tensors)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = PointwisePlan(tensors, tuple(range(len(tensors))))
    return plan


def _kernel_param(v, compute):
    """A number parameter as the kernels take it: float64 for a float result
    (torch's Scalar; the kernel casts it where torch does), the integer dtype's
    value otherwise; refused where torch can't convert it."""
    v = _scalar_as(v, compute)              # torch's overflow check
    return np.float64(v) if compute.kind == "f" else v


def nary(name, tensors, numbers=()):
    """Table entry ``name`` (a ``Nary``) on ``tensors`` (in the entry's input
    order) and the number parameters ``numbers``; records its node."""
    op, node_cls = _NARY[name]
    plan = _plan(name, tensors)
    operands = [plan.prepare(t, i) for i, t in enumerate(tensors)]
    params = [_kernel_param(v, plan.compute) for v in numbers]
    out = np.empty(plan.out_size, plan.compute)
    op.forward(*operands, *params, out)
    result = plan.reshape_out(out)
    if not (grad_state.enabled and plan.compute.kind == "f" and
            any(t._requires_grad for t in tensors)):
        return _wrap(result)
    nxt = tuple(edge(t) for t in tensors)
    wanted = set()
    for e, gk in zip(nxt, op.grads):
        if e is not None:
            wanted.update(gk.args)
    saved = {n: v for n, v in zip(op.inputs, operands) if n in wanted}
    checks = tuple(saved_version(t) for n, t in zip(op.inputs, tensors) if n in saved)
    node = node_cls(nxt, (saved, dict(zip(op.params, params)), plan, tuple(tensors),
                          {n: float(v) for n, v in zip(op.params, numbers)}), checks)
    return _wrap_result(result, node)


def _in_place(x, others, fn):
    """x replaced by ``fn(x)``, an op of x and the tensors ``others``: torch's
    refusals (x a leaf, a broadcast result, a result dtype x can't hold), and
    x takes over the result's node when any of them records one."""
    _inplace.check_inplace(x)
    shape = x._data.shape
    for t in others:
        if isinstance(t, Tensor):
            shape = broadcast_shape(shape, t._data.shape)
    if shape != x._data.shape:
        raise RuntimeError(messages.inplace_broadcast(x._data.shape, shape))
    if not _inplace._needs_graph(x, *others):
        result = fn(x)
        _inplace._check_castable(result.dtype, x)
        _inplace._write(x, result._data)
        x._vc[0] += 1
        return x
    result = fn(_inplace._old_self(x))
    _inplace._check_castable(result.dtype, x)
    return _inplace._take_over(x, result)


def _value(fname, v):
    """A ``Number`` argument (a 0-d tensor gives its value), as torch parses it."""
    if isinstance(v, Tensor) and v._data.ndim == 0:
        return v.item()
    if isinstance(v, _SCALARS):
        return _number(v)
    raise TypeError(messages.must_be(fname, "value", "Number", v))


# ------------------------------------------------------------------ lerp

_LERP_SIGNATURES = ["(Tensor input, Tensor end, Tensor weight, *, Tensor out = None)",
                    "(Tensor input, Tensor end, Number weight, *, Tensor out = None)"]
_LERP_METHOD_SIGNATURES = ["(Tensor end, Tensor weight)", "(Tensor end, Number weight)"]


def _lerp_args(fname, input, end, weight, method):
    if isinstance(input, Tensor) and isinstance(end, Tensor) and \
            (isinstance(weight, Tensor) or isinstance(weight, _SCALARS)):
        weight = _number(weight) if not isinstance(weight, Tensor) else weight
        d = input.dtype
        if end.dtype is not d:
            raise RuntimeError(messages.lerp_dtype("end", d._c_name, end.dtype._c_name))
        if isinstance(weight, Tensor) and weight._data.ndim and weight.dtype is not d:
            raise RuntimeError(messages.lerp_dtype("weight", d._c_name, weight.dtype._c_name))
        if not d.is_floating_point:
            kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
            raise NotImplementedError(messages.not_implemented_for(kernel, d._torch_name))
        return weight
    args = [v for v in (input, end, weight) if v is not _MISSING]
    if method:
        raise _invalid(fname, _LERP_METHOD_SIGNATURES, args[1:])
    raise _invalid(fname, _LERP_SIGNATURES, args)


def lerp(input, end=_MISSING, weight=_MISSING, method=False):
    """``torch.lerp``: input + weight (end - input), a number weight
    (LerpBackward0) or a tensor one (LerpBackward1)."""
    weight = _lerp_args("lerp", input, end, weight, method)
    if isinstance(weight, Tensor):
        return nary("lerp_tensor", (input, end, weight))
    return nary("lerp", (input, end), (weight,))


def lerp_(x, end=_MISSING, weight=_MISSING):
    weight = _lerp_args("lerp_", x, end, weight, True)
    return _in_place(x, (end, weight), lambda t: lerp(t, end, weight))


# ------------------------------------------------------------------ addcmul, addcdiv


def _addc_args(fname, input, tensor1, tensor2, value, method):
    offset = 0 if method else 1
    for arg, v, position in (("input", input, 1), ("tensor1", tensor1, 2),
                             ("tensor2", tensor2, 3)):
        if method and arg == "input":
            continue
        if not isinstance(v, Tensor):
            raise TypeError(messages.arg_must_be(fname, arg, position - 1 + offset, v))
    value = _value(fname, value)
    if fname.startswith("addcdiv") and not tensor1.dtype.is_floating_point and \
            not tensor2.dtype.is_floating_point:
        raise RuntimeError(messages.ADDCDIV_INTEGER)
    return value


def addcmul(input, tensor1, tensor2, value=1, method=False, fname="addcmul"):
    """``torch.addcmul``: input + value * tensor1 * tensor2."""
    value = _addc_args(fname, input, tensor1, tensor2, value, method)
    result = dtypes.result_type(tuple((t.dtype, int(t._data.ndim == 0))
                                      for t in (input, tensor1, tensor2)))
    if result is dtypes.bool_:
        raise NotImplementedError(messages.not_implemented_for("addcmul_cpu_out", "Bool"))
    return nary("addcmul", (input, tensor1, tensor2), (value,))


def addcdiv(input, tensor1, tensor2, value=1, method=False, fname="addcdiv"):
    """``torch.addcdiv``: input + value * tensor1 / tensor2."""
    value = _addc_args(fname, input, tensor1, tensor2, value, method)
    return nary("addcdiv", (input, tensor1, tensor2), (value,))


def addcmul_(x, tensor1, tensor2, value=1):
    value = _addc_args("addcmul_", x, tensor1, tensor2, value, True)
    return _in_place(x, (tensor1, tensor2),
                     lambda t: addcmul(t, tensor1, tensor2, value, True, "addcmul_"))


def addcdiv_(x, tensor1, tensor2, value=1):
    value = _addc_args("addcdiv_", x, tensor1, tensor2, value, True)
    return _in_place(x, (tensor1, tensor2),
                     lambda t: addcdiv(t, tensor1, tensor2, value, True, "addcdiv_"))


# ------------------------------------------------------------------ nan_to_num

_NAN_TO_NUM = nodes(derivatives.COMPOSITE["nan_to_num"])


def _float_arg(fname, name, v):
    # a ``float?`` argument: a number, a 0-d tensor or None
    if isinstance(v, Tensor) and v._data.ndim == 0:
        v = v.item()
    if v is None or isinstance(v, (float, int, bool, np.floating, np.integer, np.bool_)):
        return None if v is None else float(v)
    raise TypeError(messages.must_be(fname, name, "float", v))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, fname="nan_to_num"):
    """``torch.nan_to_num``: nan, +inf and -inf replaced (by 0 and the dtype's
    largest and lowest finite values unless given); integers are copied."""
    if not isinstance(input, Tensor):
        raise TypeError(messages.arg_must_be(fname, "input", 1, input))
    nan = _float_arg(fname, "nan", nan)
    posinf = _float_arg(fname, "posinf", posinf)
    neginf = _float_arg(fname, "neginf", neginf)
    a = input._data
    if a.dtype.kind != "f":
        return _wrap(a.copy())
    info = np.finfo(a.dtype)
    # torch's static_cast: a replacement past the dtype's range becomes +-inf
    with np.errstate(over="ignore"):
        params = [a.dtype.type(0.0 if nan is None else nan),
                  a.dtype.type(info.max if posinf is None else posinf),
                  a.dtype.type(info.min if neginf is None else neginf)]
    return pointwise(input, _NAN_TO_NUM, *params)


def nan_to_num_(x, nan=0.0, posinf=None, neginf=None):
    return _in_place(x, (), lambda t: nan_to_num(t, nan, posinf, neginf, "nan_to_num_"))


# ------------------------------------------------------------------ heaviside

# (the in-place form's node names aten::heaviside_ in its error)
_HEAVISIDE_NODES = {name: node_class("NotImplemented", NotImplementedNode, aten=name)
                    for name in ("heaviside", "heaviside_")}


def _heaviside_args(fname, input, values, method):
    if not isinstance(values, Tensor):
        raise TypeError(messages.arg_must_be(fname, "values", 1 if method else 2, values))
    if input.dtype is not values.dtype:
        raise RuntimeError(messages.HEAVISIDE_DTYPES)


def heaviside(input, values, method=False, fname="heaviside"):
    """``torch.heaviside``: values where input == 0, else 1 where input > 0 and
    0 elsewhere (nan too). torch records no derivative: NotImplemented."""
    if not isinstance(input, Tensor):
        raise TypeError(messages.arg_must_be(fname, "input", 1, input))
    _heaviside_args(fname, input, values, method)
    plan = _plan("heaviside", (input, values))
    out = np.empty(plan.out_size, plan.compute)
    KP.heaviside_forward(plan.prepare(input, 0), plan.prepare(values, 1), out)
    result = plan.reshape_out(out)
    if not (grad_state.enabled and (input._requires_grad or values._requires_grad)):
        return _wrap(result)
    return _wrap_result(result, _HEAVISIDE_NODES[fname]((edge(input), edge(values)), ()))


def heaviside_(x, values):
    _heaviside_args("heaviside_", x, values, True)
    return _in_place(x, (values,), lambda t: heaviside(t, values, True, "heaviside_"))

