"""The integer-division family: remainder, fmod, div(rounding_mode=...),
floor_divide, and their in-place forms.

remainder, fmod, div_floor and div_trunc are op-table entries run by the
binary plan machinery of ops/elementwise.py (broadcasting, promotion,
integer kernels that report a zero divisor). floor_divide is div_floor's
forward under torch's ``NotImplemented`` node: its output requires grad,
backward through it raises.
"""
from .. import derivatives, messages
from ..autograd.graph import edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap_result
from . import elementwise as _ew
from . import inplace as _inplace

REMAINDER, FMOD, DIV_FLOOR, DIV_TRUNC = (derivatives.BINARY[n] for n in
                                         ("remainder", "fmod", "div_floor", "div_trunc"))
_FLOOR_DIVIDE_NODE = node_class("NotImplemented", _ew.NotImplementedNode, aten="floor_divide")
_ROUNDED = {"floor": DIV_FLOOR, "trunc": DIV_TRUNC}


def rounded_div_op(mode, got=None, inplace=False):
    """The table entry of div(rounding_mode=mode) (mode not None)."""
    op = _ROUNDED.get(mode) if isinstance(mode, str) else None
    if op is None:
        if not isinstance(mode, str):
            raise TypeError(messages.div_rounding_mode_type(got(), inplace))
        raise RuntimeError(messages.rounding_mode(mode))
    return op


def _type_name(v):
    return "Tensor" if isinstance(v, Tensor) else type(v).__name__


def div(input, other, rounding_mode):
    op = rounded_div_op(rounding_mode, lambda: (
        f"({_type_name(input)}, {_type_name(other)}, "
        f"rounding_mode={type(rounding_mode).__name__})"))
    return _ew.binary(op, _ew.as_operand(input, "div"), _ew.as_operand(other, "div"))


def remainder(input, other):
    return _ew.binary(REMAINDER, _ew.as_operand(input, "remainder"),
                      _ew.as_operand(other, "remainder"))


def fmod(input, other):
    if not isinstance(input, Tensor):
        raise TypeError(messages.fmod_number_input(input))
    return _ew.binary(FMOD, input, _ew.as_operand(other, "fmod"))


def floor_divide(a, b):
    """``a // b`` on operands already through ``as_operand``."""
    if grad_state.enabled and ((isinstance(a, Tensor) and a._requires_grad) or
                               (isinstance(b, Tensor) and b._requires_grad)):
        grad_state.enabled = False
        try:
            out = _ew.binary(DIV_FLOOR, a, b)
        finally:
            grad_state.enabled = True
        node = _FLOOR_DIVIDE_NODE(tuple(edge(t) if isinstance(t, Tensor) else None
                                        for t in (a, b)), ())
        return _wrap_result(out._data, node)
    return _ew.binary(DIV_FLOOR, a, b)


def floor_divide_(x, other):
    other = _ew.as_operand(other, "floor_divide_")
    if not _inplace._needs_graph(x, other):
        return _inplace.binary_(DIV_FLOOR, x, other)      # checks, then one kernel call
    _inplace.check_inplace(x)
    plan = _ew._plan(DIV_FLOOR, x, other)
    _inplace._check_shape(plan.out_shape, x)
    _inplace._check_castable(plan.result, x)
    return _inplace._take_over(x, floor_divide(x, other))


def div_(x, other, rounding_mode):
    op = rounded_div_op(rounding_mode, lambda: (
        f"({_type_name(other)}, rounding_mode={type(rounding_mode).__name__})"), inplace=True)
    return _inplace.binary_(op, x, other)
