"""``jitgrad.autograd.functional``: jacobian, hessian, vjp, jvp, hvp, vhp,
built on ``autograd.grad`` as torch's reverse-mode versions are."""
import numpy as np

from ..tensor import Tensor, _wrap
from .grad_mode import enable_grad


def _tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _prepare(inputs, create_graph):
    # differentiate with respect to fresh leaves (or the inputs themselves when
    # the result must stay connected to them, create_graph=True)
    return tuple(t if create_graph and t.requires_grad else t.detach().requires_grad_()
                 for t in inputs)


def _grad(outputs, inputs, grad_outputs, create_graph):
    from . import grad
    return grad(outputs, inputs, grad_outputs, create_graph=create_graph, retain_graph=True,
                allow_unused=True)


def _zeros_for(grads, inputs):
    return tuple(g if g is not None else _wrap(np.zeros_like(t._data))
                 for g, t in zip(grads, inputs))


def _maybe_detach(ts, create_graph):
    return tuple(t if create_graph else t.detach() for t in ts)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _tuple(inputs)
    with enable_grad():
        ins = _prepare(ins, create_graph)
        outs, out_tuple = _tuple(func(*ins))
        if v is None:
            if any(o.numel() != 1 for o in outs):
                raise RuntimeError("The vector v can only be None if the user-provided "
                                   "function returns a single Tensor with a single element.")
            v = tuple(_wrap(np.ones_like(o._data)) for o in outs)
        vs, _ = _tuple(v)
        grads = _zeros_for(_grad(outs, ins, vs, create_graph), ins)
    outs = _maybe_detach(outs, create_graph)
    grads = _maybe_detach(grads, create_graph)
    return (outs if out_tuple else outs[0]), (grads if is_tuple else grads[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    ins, is_tuple = _tuple(inputs)
    with enable_grad():
        ins = _prepare(ins, create_graph)
        outs, out_tuple = _tuple(func(*ins))
        rows = []
        for o in outs:
            per_input = [[] for _ in ins]
            for k in range(o.numel()):
                v = np.zeros(o.numel(), o._data.dtype)
                v[k] = 1
                grads = _zeros_for(_grad([o], ins, [_wrap(v.reshape(o._data.shape))],
                                         create_graph), ins)
                for n, g in enumerate(grads):
                    per_input[n].append(g)
            rows.append(tuple(_stack_rows(gs, o, t, create_graph)
                              for gs, t in zip(per_input, ins)))
    if not out_tuple and not is_tuple:
        return rows[0][0]
    if not out_tuple:
        return rows[0]
    if not is_tuple:
        return tuple(r[0] for r in rows)
    return tuple(rows)


def _stack_rows(grads, out, inp, create_graph):
    """Rows d out[k] / d inp, stacked into shape out.shape + inp.shape."""
    shape = tuple(out._data.shape) + tuple(inp._data.shape)
    if create_graph:
        from .. import functions
        return functions.stack(list(grads)).reshape(shape)
    return _wrap(np.stack([g._data for g in grads]).reshape(shape))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    ins, is_tuple = _tuple(inputs)

    def grad_of_func(*args):
        out = func(*args)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        grads = _zeros_for(_grad([out], args, None, True), args)
        return grads if is_tuple else grads[0]
    return jacobian(grad_of_func, inputs, create_graph=create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    ins, is_tuple = _tuple(inputs)
    vs, _ = _tuple(v)
    with enable_grad():
        ins = _prepare(ins, True)
        out = func(*ins)
        grads = _zeros_for(_grad([out], ins, None, True), ins)
        total = None
        for g, vv in zip(grads, vs):
            term = (g * vv).sum()
            total = term if total is None else total + term
        hv = _zeros_for(_grad([total], ins, None, create_graph), ins) if total.requires_grad \
            else tuple(_wrap(np.zeros_like(t._data)) for t in ins)
    out = out if create_graph else out.detach()
    hv = _maybe_detach(hv, create_graph)
    return out, (hv if is_tuple else hv[0])


vhp = hvp       # for the Hessian (symmetric) the two coincide


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Forward-mode product through the double-vjp trick: J v = d/du (u^T J) v."""
    ins, is_tuple = _tuple(inputs)
    vs, _ = _tuple(v) if v is not None else (None, None)
    with enable_grad():
        ins = _prepare(ins, True)
        outs, out_tuple = _tuple(func(*ins))
        if vs is None:
            if any(t.numel() != 1 for t in ins):
                raise RuntimeError("The vector v can only be None if the input to the "
                                   "user-provided function is a single Tensor with a single "
                                   "element.")
            vs = tuple(_wrap(np.ones_like(t._data)) for t in ins)
        us = tuple(_wrap(np.zeros_like(o._data)).requires_grad_() for o in outs)
        grads = _zeros_for(_grad(outs, ins, us, True), ins)
        total = None
        for g, vv in zip(grads, vs):
            term = (g * vv).sum()
            total = term if total is None else total + term
        jv = _zeros_for(_grad([total], us, None, create_graph), us)
    outs = _maybe_detach(outs, create_graph)
    jv = _maybe_detach(jv, create_graph)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])
