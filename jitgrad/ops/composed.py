"""Ops torch records as one node but jitgrad computes as a composition of
recorded ops (exp2, logit, sinc, copysign, fmax, nansum, dist, renorm,
addmv, addr, baddbmm, addbmm, aminmax, ...).

``composed(node_name, fn, tensors)`` runs ``fn`` on detached stand-ins of
the inputs, recording its own small graph, and hands the result a node
named as torch's. Its ``apply`` runs that inner graph backward; its
``apply_graph`` recomputes ``fn`` on the real inputs under grad mode and
differentiates it with ``create_graph``, so double backward works too.
Inputs the composition does not reach get zero gradients, as torch's
formulas give them (``fill``'s input, ``copysign``'s ``other``).
"""
import numpy as np

from ..autograd.graph import AccumulateGrad, Node, edge, node_class, saved_version
from ..autograd.grad_mode import enable_grad, state as grad_state
from ..autograd.anomaly_mode import maybe_record
from ..autograd.function import _OutputSelector
from ..tensor import Tensor, _wrap, _wrap_result


class ComposedNode(Node):
    """_saved: (fn, inputs, inner outputs, the differentiable inputs' inner
    leaves, multi, those inputs' positions, per input (version counter,
    version, copy) for the copied ones)."""
    __slots__ = ()

    def _grads(self, grad):
        return grad.grads if type(grad).__name__ == "_OutputGrads" else (grad,)

    def apply(self, grad):
        from .. import autograd
        fn, inputs, outs, leaves, multi, diff, copied = self._saved_or_raise()
        grads = self._grads(grad) if multi else (grad,)
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None and o._grad_fn is not None]
        live = [i for i, t in enumerate(leaves) if t is not None]
        result = [None] * len(leaves)
        if pairs and live:
            got = autograd.grad([o for o, _ in pairs], [leaves[i] for i in live],
                                [_wrap(np.asarray(g)) for _, g in pairs],
                                retain_graph=True, allow_unused=True)
            for i, g in zip(live, got):
                if g is not None:
                    result[i] = g._data
        for i in live:
            if result[i] is None:
                result[i] = np.zeros_like(leaves[i]._data)
        return tuple(result)

    def apply_graph(self, grad):
        from .. import autograd
        fn, inputs, outs, leaves, multi, diff, copied = self._saved_or_raise()
        grads = self._grads(grad) if multi else (grad,)
        args = list(inputs)
        live = list(inputs[i] for i in diff)
        for i, c in enumerate(copied):
            if c is not None and c[0][0] != c[1]:
                # changed in place since (allowed: torch does not save it): its old
                # values, on the node its gradient flowed into then
                if i not in diff:
                    args[i] = c[2]
                    continue
                k = diff.index(i)
                fn_then = self._next[k]
                if isinstance(fn_then, AccumulateGrad):      # a leaf changed under no_grad
                    args[i] = inputs[i] + (c[2] - inputs[i].detach())
                else:
                    args[i] = live[k] = _wrap_result(c[2]._data, fn_then)
        with enable_grad():
            res = fn(*args)
        res = res if multi else (res,)
        pairs = [(o, g) for o, g in zip(res, grads) if g is not None and o._grad_fn is not None]
        result = [None] * len(live)
        if pairs:
            result = list(autograd.grad([o for o, _ in pairs], live, [g for _, g in pairs],
                                        create_graph=True, allow_unused=True))
        return tuple(r if r is not None else t.detach() * 0 for r, t in zip(result, live))

    def output(self, array):
        if self._saved[4]:
            sel = self.selector((self,), ())
            sel.index, sel.count = 0, len(self._saved[2])
            return _wrap_result(array, sel)
        return _wrap_result(array, self)


_NODES = {}


def _node_cls(name):
    cls = _NODES.get(name)
    if cls is None:
        cls = _NODES[name] = node_class(name, ComposedNode,
                                        selector=node_class(name, _OutputSelector))
    return cls


def composed(name, fn, *inputs, multi=False, saves=None):
    """``fn(*inputs)`` (a Tensor, or a tuple of them with ``multi``) under a
    node named ``name``. ``inputs`` are Tensors (or None / constants);
    ``saves``: the positions of the inputs torch's node saves (default: all).
    Those are shared and checked against later in-place changes, as torch
    checks them; the others are copied, so changing them later is allowed."""
    needs = grad_state.enabled and any(isinstance(t, Tensor) and t._requires_grad
                                       for t in inputs)
    if not needs:
        return fn(*inputs)
    saves = range(len(inputs)) if saves is None else saves
    stand_ins, leaves, checks = [], [], []
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            stand_ins.append(t)
            leaves.append(None)
            continue
        if i in saves:
            s = t.detach()
            checks.append(saved_version(t))
        else:
            s = _wrap(t._data.copy())
        if t._requires_grad:
            s._requires_grad = True
            leaves.append(s)
        else:
            leaves.append(None)
        stand_ins.append(s)
    with enable_grad():
        out = fn(*stand_ins)
    outs = tuple(out) if multi else (out,)
    diff = [i for i, lf in enumerate(leaves) if lf is not None]
    node = _node_cls(name)(tuple(edge(inputs[i]) for i in diff),
                           (fn, inputs, outs, [leaves[i] for i in diff], multi, diff,
                            tuple(None if i in saves or not isinstance(t, Tensor)
                                  else (t._vc, t._vc[0], stand_ins[i])
                                  for i, t in enumerate(inputs))))
    node._checks = tuple(checks)
    maybe_record(node)
    if not multi:
        return _wrap_result(out._data, node)
    results = []
    for i, o in enumerate(outs):
        sel = node.selector((node,), ())
        sel.index, sel.count = i, len(outs)
        results.append(_wrap_result(o._data, sel))
    return tuple(results)
