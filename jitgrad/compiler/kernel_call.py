"""Table ops that are not elementwise, captured from the op table.

A ``derivatives.Kernel`` entry names two array functions that its eager
node runs too: ``forward`` (the API's arguments, arrays for tensors) ->
(outputs, saved) and ``backward(saved, grads, needs)`` -> a gradient per
input. A call of one of the entry's ``api`` functions is recorded as an
``extern`` op whose call is a ``KernelCall``: at replay the driver calls the
forward on the arrays themselves, and the backward step calls the table's
backward on what the forward saved. No Tensor is made, no node is built and
the autograd engine is not entered, which is what an ``ExternCall`` of the
eager op costs. An entry's ``sequences`` are inputs given as a list or tuple
of tensors (torch's flat RNN weights): the forward gets arrays in their
place, and each element is a slot of its own (``tensor_slots``).
"""
import inspect

import numpy as np

from .. import derivatives, messages
from ..tensor import Tensor

_by_function = {}        # the public function (unwrapped) -> its Kernel entries


def entry_for(fn, args, kwargs):
    """(the Kernel entry whose ``api`` names the function ``fn`` and takes
    this call's form, the call's arguments bound to its forward), or None."""
    if not _by_function:
        import jitgrad
        for op in derivatives.COMPOSITE.values():
            if isinstance(op, derivatives.Kernel):
                for path in op.api:
                    obj = jitgrad
                    for part in path.split("."):
                        obj = getattr(obj, part)
                    # (during a trace the attribute is the tracer's wrapper)
                    key = getattr(obj, "__wrapped__", obj)
                    _by_function[key] = _by_function.get(key, ()) + (op,)
    for entry in _by_function.get(fn, ()):
        bound = bind(entry, fn, args, kwargs)
        if bound is not None:
            return entry, bound
    return None


class KernelCall:
    """One captured call of a Kernel entry, as the driver replays it (the
    interface of ``extern.ExternCall``)."""
    __slots__ = ("name", "forward_fn", "backward_fn", "args", "kwargs", "needs_grad",
                 "grad_enabled", "shapes", "slots", "n_inputs", "input_specs")

    def __init__(self, entry, args, kwargs, slots, n_inputs, needs_grad, grad_enabled, shapes,
                 input_specs):
        self.name = entry.name
        self.forward_fn, self.backward_fn = entry.functions()
        self.args = args                  # templates: tensors replaced by extern._Slot
        self.kwargs = kwargs
        self.slots = slots                # per tensor input: its slot (tensor_slots)
        self.n_inputs = n_inputs          # the backward's slots
        self.needs_grad = needs_grad
        self.grad_enabled = grad_enabled
        self.shapes = shapes
        self.input_specs = input_specs    # per tensor input: (shape, dtype)

    def __repr__(self):
        return f"table {self.name}"

    def forward(self, *arrays):
        from .extern import _fill
        outs, saved = self.forward_fn(*_fill(self.args, arrays), **_fill(self.kwargs, arrays))
        results = []
        for a, shape in zip(outs, self.shapes):
            if a.shape != shape:
                raise RuntimeError(messages.compiled_shape_changed(self.name, shape, a.shape))
            results.append(a if a.flags.c_contiguous else np.ascontiguousarray(a))
        return (saved if any(self.needs_grad) else None, *results)

    def backward(self, saved, slots, targets, *grads):
        given = [None] * len(self.shapes)
        for k, g in zip(slots, grads):
            given[k] = g
        needs = [False] * self.n_inputs
        for i in targets:
            needs[self.slots[i]] = True
        results = self.backward_fn(saved, given, tuple(needs))
        out = []
        for i in targets:
            g = results[self.slots[i]]
            if g is None:               # no gradient reaches this input: zeros, as eager's
                g = np.zeros(*self.input_specs[i])
            elif not g.flags.c_contiguous or any(np.may_share_memory(g, x)
                                                 for x in (*grads, *out)):
                g = np.array(g, order="C")
            out.append(g)
        return tuple(out)


def bind(entry, fn, args, kwargs):
    """The call's arguments by the forward's parameter names, or None when
    they do not bind or the entry's ``covers`` refuses them (a form the
    entry does not take)."""
    try:
        api = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    forward = entry.functions()[0]
    try:
        bound = inspect.signature(forward).bind(*api.args, **api.kwargs)
    except TypeError:
        return None
    covers = entry.covers()
    if covers is not None and not covers(*bound.args, **bound.kwargs):
        return None
    return bound


def updated_inputs(entry, bound, tensors, versions):
    """The tensors among ``tensors`` whose version the call stepped, in the
    order of the entry's ``updates`` (the forward's extra results); None when
    one of them is not an input the entry updates."""
    changed = {id(t) for t, before in zip(tensors, versions) if t._vc[0] != before}
    if not changed:
        return []
    if bound is None:
        return None
    out = []
    for name in entry.updates:
        t = bound.arguments.get(name)
        if isinstance(t, Tensor) and id(t) in changed:
            changed.discard(id(t))
            out.append(t)
    return None if changed else out


def tensor_slots(entry, bound):
    """(per tensor argument in the order ``extern._template`` finds them, its
    slot among the entry's inputs, the number of slots), or None if a tensor
    sits elsewhere (a tensor parameter the entry does not differentiate). An
    input is a slot, one of ``entry.sequences`` a slot per element of its
    list or tuple (torch's flat RNN weights)."""
    first = {}
    count = 0
    for name in entry.inputs:
        value = bound.arguments.get(name)
        first[name] = count
        if name in entry.sequences:
            if not isinstance(value, (list, tuple)) or \
                    any(not (x is None or isinstance(x, Tensor)) for x in value):
                return None
            count += len(value)
        else:
            count += 1
    slots = []
    for name, value in bound.arguments.items():
        if name in entry.sequences:
            slots.extend(first[name] + k for k, x in enumerate(value) if x is not None)
        elif isinstance(value, Tensor):
            if name not in entry.inputs:
                return None
            slots.append(first[name])
    return slots, count
