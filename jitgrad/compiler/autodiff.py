"""Reverse-mode autodiff on the traced graph: one rule per primitive.

An elementwise op's gradient is its op table formula (``derivatives.py``)
turned into scalar code (``formulas.scalar_code``), so it fuses with the
ops around it like any other elementwise op. The result of ``backward`` is
new ops appended to the same graph.
"""
import re

from .. import derivatives
from . import primitives as P
from .formulas import scalar_code
from .rules import COMPOSITE_EW

_PLACEHOLDER = re.compile(r"\{(\d+)\}")


def formulas_of(name):
    if name in derivatives.UNARY:
        return (derivatives.UNARY[name].formula,)
    if name in derivatives.BINARY:
        return derivatives.BINARY[name].formulas
    return COMPOSITE_EW[name][0]


def backward(graph, loss, seed, leaves, line=None):
    """Gradients of ``loss`` (seeded with ``seed``, or ones) for ``leaves``:
    {leaf value: gradient value}. Only values that require grad get one."""
    if seed is None:
        seed = P.ew(graph, P.literal(1, loss.dtype), [], loss.dtype, loss.shape, line=line)
    grads = {loss: seed}
    wanted = set(leaves)
    for op in reversed(list(graph.ops)):
        g = grads.pop(op.out, None)
        if g is None or not op.out.requires_grad:
            continue
        for value, grad in _vjp(graph, op, g, line):
            if grad is None or not value.requires_grad:
                continue
            old = grads.get(value)
            if old is not None:
                grad = _add(graph, old, grad, line)
            grads[value] = grad
    return {v: g for v, g in grads.items() if v in wanted}


def _add(graph, a, b, line):
    out = P.ew(graph, "S.add({0}, {1})", [a, b], a.dtype, a.shape, line=line)
    out.op.attrs.update(name="add", operands=["{0}", "{1}"])
    return out


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
        ga = gb = None
        if a.requires_grad:
            ga = P.matmul2d(graph, g, P.permute(graph, b, (1, 0), line=line), line=line)
        if b.requires_grad:
            gb = P.matmul2d(graph, P.permute(graph, a, (1, 0), line=line), g, line=line)
        return [(a, ga), (b, gb)]
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
        return []
    return []


def _ew_vjp(graph, op, g, line):
    name = op.attrs.get("name")
    inputs = op.inputs
    if name is None:
        # a copy or a cast passes the gradient through; constants and comparisons have none
        if _PLACEHOLDER.fullmatch(op.attrs["expr"].split("(")[-1].rstrip(")")) and inputs:
            (x,) = inputs
            return [(x, P.sum_to(graph, _cast(graph, g, x.dtype, line), x.shape, line))]
        return []
    operands = op.attrs["operands"]
    formulas = formulas_of(name)
    dtype = op.out.dtype
    n = len(inputs)
    # the gradient op's inputs: grad, the op's inputs, its result
    shift = [_PLACEHOLDER.sub(lambda m: "{%d}" % (int(m.group(1)) + 1), t) for t in operands]
    slots = {"grad": "{0}", "self": shift[0], "other": shift[1] if len(shift) > 1 else None,
             "result": "{%d}" % (n + 1)}
    out = []
    for position, formula in enumerate(formulas):
        m = _PLACEHOLDER.fullmatch(operands[position])
        if m is None:
            continue                      # a constant operand
        x = inputs[int(m.group(1))]
        if not x.requires_grad:
            continue
        expr = scalar_code(formula, dtype.name).format(**slots)
        grad = _compact_ew(graph, expr, [g, *inputs, op.out], dtype, op.out.shape, line)
        out.append((x, P.sum_to(graph, grad, x.shape, line)))
    return out


def _cast(graph, g, dtype, line):
    if g.dtype == dtype:
        return g
    return P.ew(graph, "{0}", [g], dtype, g.shape, line=line)


def _compact_ew(graph, expr, inputs, dtype, shape, line):
    """An ew op over only the inputs ``expr`` uses."""
    used = sorted({int(i) for i in _PLACEHOLDER.findall(expr)})
    renumber = {old: new for new, old in enumerate(used)}
    expr = _PLACEHOLDER.sub(lambda m: "{%d}" % renumber[int(m.group(1))], expr)
    return P.ew(graph, expr, [inputs[i] for i in used], dtype, shape, line=line)
