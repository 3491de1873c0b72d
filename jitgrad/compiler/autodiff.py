"""Reverse-mode autodiff on the traced graph: one rule per primitive.

An elementwise op's gradient is its op table formula (``derivatives.py``)
turned into scalar code (``formulas.scalar_code``), so it fuses with the
ops around it like any other elementwise op. The result of ``backward`` is
new ops appended to the same graph.
"""
import re

import numpy as np

from . import primitives as P
from .formulas import formulas_of, scalar_code

_PLACEHOLDER = re.compile(r"\{(\d+)\}")


def backward(graph, loss, seed, leaves, line=None):
    """Gradients of ``loss`` (seeded with ``seed``, or ones) for ``leaves``:
    {leaf value: gradient value}. Only values that require grad get one."""
    if seed is None:
        seed = P.ew(graph, P.literal(1, loss.dtype), [], loss.dtype, loss.shape, line=line)
    grads = {loss: seed}
    rows = {}          # value -> {row index: gradient} from ``for row in value``
    wanted = set(leaves)

    def add_grad(value, grad):
        # a value's gradient has its dtype, as eager's: a float32 operand of a
        # float64 op (a cast) gets its gradient rounded to float32 here
        grad = _cast(graph, grad, value.dtype, line)
        old = grads.get(value)
        grads[value] = grad if old is None else _add(graph, old, grad, line)

    for op in reversed(list(graph.ops)):
        if op.kind == "extern":
            for v in op.attrs["outs"]:
                if v in rows:
                    add_grad(v, _gather_rows(graph, v, rows.pop(v), line))
            for value, grad in _extern_vjp(graph, op, grads, line):
                add_grad(value, grad)
            continue
        if op.out in rows:
            add_grad(op.out, _gather_rows(graph, op.out, rows.pop(op.out), line))
        g = grads.pop(op.out, None)
        if g is None or not op.out.requires_grad:
            continue
        if op.kind == "view" and op.attrs["kind"][0] == "select":
            # the rows' gradients are stacked once, not embedded one by one
            rows.setdefault(op.attrs["source"], {})[op.attrs["kind"][1]] = g
            continue
        for value, grad in _vjp(graph, op, g, line):
            if grad is not None and value.requires_grad:
                add_grad(value, grad)
    for value, pieces in rows.items():
        add_grad(value, _gather_rows(graph, value, pieces, line))
    return {v: g for v, g in grads.items() if v in wanted}


def _gather_rows(graph, value, pieces, line):
    """The gradient of ``value`` from its rows' gradients (zeros elsewhere)."""
    zero = None
    parts = []
    for i in range(value.shape[0]):
        g = pieces.get(i)
        if g is None:
            if zero is None:
                zero = P.ew(graph, P.literal(0, value.dtype), [], value.dtype, value.shape[1:],
                            line=line)
            g = zero
        parts.append(g)
    return P.stack(graph, parts, line=line)


def _add(graph, a, b, line):
    return P.table_ew(graph, "add", [a, b], a.dtype, a.shape, line=line)


def _vjp(graph, op, g, line):
    """(input value, its gradient) pairs of ``op`` given the output's gradient ``g``."""
    kind = op.kind
    if kind == "ew":
        return _ew_vjp(graph, op, g, line)
    if kind == "sum":
        (x,) = op.inputs
        return [(x, P.expand(graph, g, x.shape, line=line))]
    if kind == "matmul":
        a, b = op.inputs
        out = []
        gT = P.permute(graph, g, (1, 0), line=line)
        # an operand that is the transpose of a value (linear's weight.t()) gets
        # its gradient in the value's own layout: (a.T @ g).T == g.T @ a, so no
        # transposed copy is made
        if a.requires_grad:
            source = _transposed_source(a)
            if source is not None:
                out.append((source, P.matmul2d(graph, b, gT, line=line)))
            else:
                out.append((a, P.matmul2d(graph, g, P.permute(graph, b, (1, 0), line=line),
                                          line=line)))
        if b.requires_grad:
            source = _transposed_source(b)
            if source is not None:
                out.append((source, P.matmul2d(graph, gT, a, line=line)))
            else:
                out.append((b, P.matmul2d(graph, P.permute(graph, a, (1, 0), line=line), g,
                                          line=line)))
        return out
    if kind == "stack":
        return [(v, P.select(graph, g, k, line=line)) for k, v in enumerate(op.inputs)]
    if kind == "view":
        source = op.attrs["source"]
        how = op.attrs["kind"]
        if how[0] == "reshape":
            return [(source, P.reshape(graph, g, source.shape, line=line))]
        if how[0] == "permute":
            inverse = [0] * len(how[1])
            for i, d in enumerate(how[1]):
                inverse[d] = i
            return [(source, P.permute(graph, g, inverse, line=line))]
        if how[0] == "expand":
            return [(source, P.sum_to(graph, g, source.shape, line=line))]
        if how[0] == "index":
            # zeros of the source's shape with g at the view's place: one array call
            call = IndexGradient(how[1], source.shape, source.dtype)
            return [(source, P.extern(graph, call, [P.plain(graph, g, line)],
                                      [(source.shape, source.dtype, False)], line)[0])]
        return []
    return []


def _extern_vjp(graph, op, grads, line):
    """An eager op's gradients: one call of its own backward (``extern.py``)
    for the inputs that need one, given the gradients its results got."""
    outs = op.attrs["outs"]
    slots = [k for k, v in enumerate(outs) if v in grads]
    given = [grads.pop(outs[k]) for k in slots]
    needs = op.attrs["call"].needs_grad
    targets = [i for i, x in enumerate(op.inputs) if x.requires_grad and needs[i]]
    slots = [k for k in slots if outs[k].requires_grad]
    if not slots or not targets:
        return []
    given = [P.plain(graph, _cast(graph, grads_k, outs[k].dtype, line), line)
             for k, grads_k in zip(slots, given) if outs[k].requires_grad]
    results = P.extern_vjp(graph, op, given, slots, targets, line)
    return [(op.inputs[i], g) for i, g in zip(targets, results)]


def _ew_vjp(graph, op, g, line):
    name = op.attrs.get("name")
    inputs = op.inputs
    if name is None:
        # a copy or a cast passes the gradient through; constants and comparisons have none
        if _PLACEHOLDER.fullmatch(op.attrs["expr"].split("(")[-1].rstrip(")")) and inputs:
            (x,) = inputs
            return [(x, P.sum_to(graph, _cast(graph, g, x.dtype, line), x.shape, line))]
        return []
    dtype = op.out.dtype
    # the gradient op's slots: grad, the op's operands (values or constants), result
    bind = {"grad": g, "result": op.out}
    for slot, (kind, x) in op.attrs["args"].items():
        bind[slot] = inputs[x] if kind == "in" else x
    out = []
    for slot, formula in formulas_of(name).items():
        kind, x = op.attrs["args"][slot]
        if kind != "in" or not inputs[x].requires_grad:
            continue                      # a constant, or no gradient wanted
        template = scalar_code(formula, dtype.name)
        if template == "{grad}" and g.dtype == dtype and g.shape == op.out.shape:
            grad = g                      # passed through (add's, sub's self): no copy
        else:
            used = {k: v for k, v in bind.items() if "{" + k + "}" in template}
            grad = P.template_ew(graph, template, used, dtype, op.out.shape, line=line,
                                 vjp=(name, slot))
        out.append((inputs[x], P.sum_to(graph, grad, inputs[x].shape, line)))
    return out


class IndexGradient:
    """The gradient of a basic-indexing view (``x[1:, None, 2]``): zeros of the
    source's shape, the view's gradient written at its place. An op of the
    backward graph, run as an array call (an extern op that is never
    differentiated)."""
    __slots__ = ("index", "shape", "dtype", "shapes", "needs_grad", "name")

    def __init__(self, index, shape, dtype):
        self.index, self.shape, self.dtype = index, shape, dtype
        self.shapes = [shape]
        self.needs_grad = [False]
        self.name = "index_gradient"

    def __repr__(self):
        return "index gradient"

    def forward(self, grad):
        out = np.zeros(self.shape, self.dtype)
        out[self.index] = grad
        return None, out


def _cast(graph, g, dtype, line):
    if g.dtype == dtype:
        return g
    return P.ew(graph, "{0}", [g], dtype, g.shape, line=line)


def _transposed_source(v):
    """The value ``v`` is the 2-d transpose of, if it is one."""
    op = v.op
    if op is not None and op.kind == "view" and op.attrs["kind"] == ("permute", (1, 0)):
        source = op.attrs["source"]
        if source.requires_grad:
            return source
    return None
