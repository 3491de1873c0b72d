"""Ops without a lowering rule, captured as calls of the eager op.

Convolution, pooling, normalisation, embedding, dropout, indexing, the
random factories and every other op that ``rules.py`` does not lower run
at replay as what they are in eager mode: their own kernels (and BLAS),
called from the driver between the fused segments. Their gradient is their
own eager backward, run by the autograd engine on the op's node. So a
graph with a convolution still fuses everything around it, and compiling
never changes what such an op computes, or which random numbers it draws.

What makes an op unsafe to replay this way is a graph break instead: a
result that is not a tensor (a value reaching Python), an op that updates
its input in place, and an op whose result's shape depends on tensor
values (``nonzero``, a boolean mask index), which the fused code after it
could not follow.
"""
import numpy as np

from .. import messages
from ..autograd import grad_arrays
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap
from . import kernel_call, primitives as P
from .rules import NotCaptured

# results whose shape depends on the values of the inputs
_DATA_DEPENDENT = frozenset((
    "nonzero", "argwhere", "masked_select", "unique", "unique_consecutive",
    "repeat_interleave", "bincount", "nonzero_static"))


class _Slot:
    """Where the i-th tensor input goes in the call's arguments."""
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i


def _template(obj, tensors):
    """``obj`` with each tensor replaced by a ``_Slot`` (appending the tensor)."""
    if isinstance(obj, Tensor):
        tensors.append(obj)
        return _Slot(len(tensors) - 1)
    if isinstance(obj, tuple) and type(obj) is tuple:
        return tuple(_template(x, tensors) for x in obj)
    if isinstance(obj, list):
        return [_template(x, tensors) for x in obj]
    if isinstance(obj, dict):
        return {k: _template(x, tensors) for k, x in obj.items()}
    return obj


def _fill(obj, tensors):
    if isinstance(obj, _Slot):
        return tensors[obj.i]
    if type(obj) is tuple:
        return tuple(_fill(x, tensors) for x in obj)
    if isinstance(obj, list):
        return [_fill(x, tensors) for x in obj]
    if isinstance(obj, dict):
        return {k: _fill(x, tensors) for k, x in obj.items()}
    return obj


def _result_tensors(result):
    """The tensors of an op's result (a tensor, or a tuple of them), or None."""
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, tuple) and result and all(isinstance(t, Tensor) for t in result):
        return list(result)
    return None


class ExternCall:
    """One captured call of an eager op, as the driver replays it."""
    __slots__ = ("name", "fn", "args", "kwargs", "needs_grad", "grad_enabled", "shapes")

    def __init__(self, name, fn, args, kwargs, needs_grad, grad_enabled, shapes):
        self.name = name
        self.fn = fn
        self.args = args                  # templates: tensors replaced by _Slot
        self.kwargs = kwargs
        self.needs_grad = needs_grad      # per tensor input: a leaf requiring grad at replay
        self.grad_enabled = grad_enabled
        self.shapes = shapes              # of the result tensors, as traced

    def __repr__(self):
        return f"eager {self.name}"

    def forward(self, *arrays):
        """(context for ``backward`` or None, the result arrays, C-contiguous)."""
        inputs = []
        for a, needs in zip(arrays, self.needs_grad):
            t = _wrap(a)
            if needs:
                t._requires_grad = True
            inputs.append(t)
        enabled = grad_state.enabled
        grad_state.enabled = self.grad_enabled
        try:
            result = self.fn(*_fill(self.args, inputs), **_fill(self.kwargs, inputs))
        finally:
            grad_state.enabled = enabled
        outs = _result_tensors(result)
        arrays = []
        for t, shape in zip(outs, self.shapes):
            a = t._data
            if a.shape != shape:
                raise RuntimeError(messages.compiled_shape_changed(self.name, shape, a.shape))
            arrays.append(a if a.flags.c_contiguous else np.ascontiguousarray(a))
        ctx = (inputs, outs) if any(self.needs_grad) else None
        return (ctx, *arrays)

    def backward(self, ctx, slots, targets, *grads):
        """Gradients of the inputs at ``targets``, given those of the results
        at ``slots``: the eager op's own backward, through the engine."""
        inputs, outs = ctx
        results = grad_arrays([outs[k] for k in slots], [inputs[i] for i in targets], grads)
        out = []
        for i, g in zip(targets, results):
            a = inputs[i]._data
            if g is None:
                out.append(np.zeros(a.shape, a.dtype))
                continue
            # the engine's own array, copied only where it is not contiguous or
            # aliases a seed or another result (the plan reads, never writes, these;
            # a leaf's .grad must still own its memory)
            if not g.flags.c_contiguous or any(np.may_share_memory(g, o) for o in (*grads, *out)):
                g = np.array(g, order="C")
            out.append(g.reshape(a.shape).astype(a.dtype, copy=False))
        return tuple(out)


def versions(args, kwargs):
    """The version counters of the tensors among the arguments."""
    tensors = []
    _template(args, tensors)
    _template(kwargs, tensors)
    return [t._vc[0] for t in tensors]


def record(tr, name, fn, args, kwargs, result, versions):
    """Capture the call ``fn(*args, **kwargs)`` that gave ``result``;
    ``versions`` are the tensor inputs' version counters before it ran."""
    if name in _DATA_DEPENDENT:
        raise NotCaptured("its result's shape depends on tensor values")
    tensors = []
    targs = _template(args, tensors)
    tkwargs = _template(kwargs, tensors)
    if name == "__getitem__" and any(t._data.dtype == np.bool_ for t in tensors[1:]):
        raise NotCaptured("a boolean mask index (the result's shape depends on its values)")
    outs = _result_tensors(result)
    if outs is None:
        raise NotCaptured(f"a result that is not a tensor ({type(result).__name__})")
    found = kernel_call.entry_for(fn, args, kwargs)
    entry, bound = found if found is not None else (None, None)
    # (a table op's declared in-place updates are its results, written back)
    updated = kernel_call.updated_inputs(entry, bound, tensors, versions)
    if updated is None:
        raise NotCaptured("it updates its input in place")
    for t in updated:
        if t._base is not None and id(t) not in tr.aliases or tr.has_views(t):
            raise NotCaptured("it updates a tensor that shares memory with another")
    known = {id(t) for t in tensors}
    same = [id(t) in known for t in outs]
    if all(same):
        return None         # x.contiguous(), x.to(x.dtype): the input itself, nothing to run
    if any(same) or any(tr.values.get(id(t)) is not None for t in outs):
        raise NotCaptured("a result that is a tensor it was given")
    graph = tr.graph
    enabled = grad_state.enabled
    shapes = [t._data.shape for t in (*outs, *updated)]
    slots = None
    if entry is not None:
        # a table op: its forward and backward array functions, called directly
        bound_tensors = []
        bargs, bkwargs = _template(bound.args, bound_tensors), _template(bound.kwargs, bound_tensors)
        found_slots = kernel_call.tensor_slots(entry, bound)
        if found_slots is not None and len(found_slots[0]) == len(bound_tensors):
            tensors, targs, tkwargs = bound_tensors, bargs, bkwargs
            slots, n_slots = found_slots
        # (else the eager call, with the API's own arguments)
    values = []
    for t in tensors:
        values.append(P.plain(graph, tr.value(t), tr.line))      # the call reads an array
    needs = [enabled and v.requires_grad for v in values]
    if slots is not None:
        call = kernel_call.KernelCall(entry, targs, tkwargs, slots, n_slots, needs, enabled,
                                      shapes, [(v.shape, v.dtype) for v in values])
    elif updated:
        raise NotCaptured("it updates its input in place")
    else:
        call = ExternCall(name, fn, targs, tkwargs, needs, enabled, shapes)
    outs_v = P.extern(graph, call, values, [(t._data.shape, t._data.dtype, t._requires_grad)
                                            for t in outs]
                      + [(t._data.shape, t._data.dtype, False) for t in updated], tr.line)
    for t, v in zip(outs, outs_v):
        tr.bind_result(t, v)
    for t, v in zip(updated, outs_v[len(outs):]):
        tr.assign(t, v)
    return outs_v[:len(outs)]
