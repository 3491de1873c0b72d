"""The generated Python driver of a compiled graph.

One straight-line function per compiled entry: read the input arrays,
check the guards on what the trace read from outside (returning ``MISS``
before any side effect if one fails), call the segments, and between them
write ``.grad``, in-place updates and run ``optimizer.step()``; finally
build the results. Generating it keeps the per-call Python to what this
graph needs (a tutorial step replays in a few microseconds).
"""
from .. import messages
from ..tensor import _wrap, _wrap_result
from ..autograd.graph import edge
from . import codegen
from .ir import Value

MISS = object()


def make_driver(entry, tr, spec, outs):
    """(run(args) -> result or MISS, its source)."""
    from .runtime import CompiledFunctionBackward, _Live, _V
    ns = {"MISS": MISS, "wrap": _wrap, "wrap_result": _wrap_result, "edge": edge,
          "E": entry, "CFB": CompiledFunctionBackward}
    lines = ["def run(args):"]
    body = []
    names = {}               # Value -> python variable holding its array

    def const(obj, prefix):
        name = f"{prefix}{len(ns)}"
        ns[name] = obj
        return name

    def ref(t, prefix):
        """A tensor the trace saw: this call's argument if it was one, else the object."""
        return tr.arg_index.get(id(t)) or const(t, prefix)

    # inputs and the guards on what was read from outside
    for v, src in tr.graph.inputs:
        var = f"i{v.id}"
        names[v] = var
        if src[0] == "arg":
            body.append(f"{var} = {src[1]}._data")
            continue
        if src[0] == "live":
            body.append(f"{var} = {const(src[1], 'L')}._data")
        else:
            body.append(f"{var} = {ref(src[1], 'P')}._grad")
            body.append(f"if {var} is None: return MISS")
            body.append(f"{var} = {var}._data")
        # (builtin numpy dtypes are singletons; another one only retraces)
        body.append(f"if {var}.shape != {v.shape!r} or {var}.dtype is not {const(v.dtype, 'D')}: "
                    "return MISS")
    # a global or closure variable the trace read a tensor from must still hold it
    fn = getattr(tr.fn, "__func__", tr.fn)
    fglobals = getattr(fn, "__globals__", {})
    cells = dict(zip(getattr(getattr(fn, "__code__", None), "co_freevars", ()),
                     getattr(fn, "__closure__", None) or ()))
    for v, src in tr.graph.inputs:
        if src[0] != "live":
            continue
        for name, obj in fglobals.items():
            if obj is src[1]:
                body.append(f"if {const(fglobals, 'N')}[{name!r}] is not {const(obj, 'L')}: "
                            "return MISS")
        for name, cell in cells.items():
            if cell.cell_contents is src[1]:
                body.append(f"if {const(cell, 'C')}.cell_contents is not {const(src[1], 'L')}: "
                            "return MISS")
    # numbers and strings read from globals and the closure were baked in
    for (kind, name), value in tr.numbers.items():
        if kind == "global":
            current = f"{const(fglobals, 'N')}[{name!r}]"
        else:
            current = f"{const(cells[name], 'C')}.cell_contents"
        body.append(f"if {current} != {const(value, 'V')}: return MISS")
    for leaf, was_none in tr.grad_reads:
        body.append(f"if ({ref(leaf, 'P')}._grad is None) is not {was_none}: return MISS")
    for module, training in {id(m): (m, t) for m, t in tr.modules}.values():
        body.append(f"if {const(module, 'M')}.training is not {training}: return MISS")

    # .grad the function clears before reading: dropped now, as the eager step
    # would, so the new gradients can reuse the old ones' memory
    for leaf in tr.cleared:
        body.append(f"{ref(leaf, 'P')}._grad = None")

    def array(v):
        """Python expression of value ``v``'s array at this point."""
        if v in names:
            return emit.shaped(v)
        if codegen.is_constant(v):
            return (f"np.full({v.shape!r}, {v.op.attrs['expr']}, "
                    f"{const(v.dtype, 'D')})")
        raise KeyError(v)
    ns["np"] = __import__("numpy")

    emit = _StepEmitter(ns, names, const, body)
    for step, after in entry.steps:
        emit.step(step)
        if after is None:
            continue
        (grads, writes), effect = after
        for leaf, g in grads.values():
            body.append(f"{ref(leaf, 'P')}._grad = " +
                        ("None" if g is None else f"wrap({array(g)})"))
        for t, v in writes.values():
            tv = ref(t, "W")
            body.append(f"{tv}._data[...] = {array(v)}")
            body.append(f"{tv}._vc[0] += 1")
        if effect is not None:
            fn_, eargs, ekwargs = effect
            body.append(f"{const(fn_, 'F')}(*{const(eargs, 'A')}, **{const(ekwargs, 'K')})")

    node = None
    if entry.diff_output is not None:
        edges = []
        for v, g in entry.grad_targets:
            src = dict((id(x), s) for x, s in tr.graph.inputs)[id(v)]
            edges.append(f"edge({src[1]})" if src[0] == "arg"
                         else f"edge({const(src[1], 'L')})")
        saved = ["None" if v is entry.seed else emit.ref(v) for v in entry.backward_inputs]
        body.append(f"node = CFB(({', '.join(edges)}{',' if edges else ''}), "
                    f"({', '.join(saved)}{',' if saved else ''}))")
        body.append(f"node._run = {const(make_backward(entry), 'B')}")
        node = "node"
    elif any(isinstance(o, _V) and o.value.requires_grad for o in outs):
        ns["SPENT"] = CompiledFunctionBackward((), None)     # backward already ran inside
        node = "SPENT"

    def build(sp):
        kind, payload = sp
        if kind == "leaf":
            item = outs[payload]
            if isinstance(item, _Live):
                return const(item.tensor, "R")
            v = item.value
            if node is not None and v.requires_grad:
                return f"wrap_result({array(v)}, {node})"
            return f"wrap({array(v)})"
        if kind == "const":
            return const(payload, "C")
        if kind is dict:
            return "{" + ", ".join(f"{const(k, 'C')}: {build(s)}" for k, s in payload.items()) + "}"
        items = [build(s) for s in payload]
        if kind is tuple:
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return f"{const(kind, 'T')}([{', '.join(items)}])"
    body.append(f"return {build(spec)}")
    source = "\n".join(lines + ["    " + line for line in body])
    exec(compile(source, f"<jitgrad.compile driver of {entry.name}>", "exec"), ns)
    return ns["run"], source


class _StepEmitter:
    """Driver lines for the steps of a plan (``runtime._Plan``): a call of
    each generated segment, and of each extern op (``extern.ExternCall``).
    ``names`` maps a Value (or, for an extern call's context, its Op) to the
    Python variable holding it; segment bases are flat arrays."""

    def __init__(self, ns, names, const, body):
        self.ns = ns
        self.names = names
        self.const = const
        self.body = body
        self.flat = set()

    def ref(self, v):
        """The variable of a Value, or of an extern op's context."""
        return self.names[v]

    def shaped(self, v):
        name = self.names.get(v)
        if name is None and v.view is not None:
            # (primitives.plain: a view that is its whole buffer, reshaped)
            return f"{self.names[v.view[0]]}.reshape({v.shape!r})"
        return f"{name}.reshape({v.shape!r})" if v in self.flat else name

    def step(self, step):
        if step is None:
            return
        if isinstance(step, codegen.Segment):
            self.segment(step)
        elif step.kind == "extern":
            self.extern(step)
        else:
            self.extern_vjp(step)

    def segment(self, seg):
        const, names = self.const, self.names
        args = [names[v] for v in seg.inputs]
        if seg.chunks:
            call = f"E.call_ranged({const(seg, 'G')}, {', '.join(args)})"
        elif seg.scratch:
            call = f"E.call_with_scratch({const(seg, 'G')}, {', '.join(args)})"
        else:
            if seg.fresh:
                args.append(f"*E.buffers({const(seg, 'G')})")
            call = f"{const(seg.fn, 'S')}({', '.join(args)})"
        results = [f"b{v.id}" for v in seg.bases] + [f"v{v.id}" for v in seg.values]
        line = f"{', '.join(results)}, = {call}" if results else call
        if "raise IndexError(k)" in seg.source:
            # a class target out of range (cross_entropy, nll_loss): torch's words
            self.ns["target_out_of_bounds"] = messages.target_out_of_bounds
            self.body += ["try:", "    " + line, "except IndexError as e:",
                          "    raise IndexError(target_out_of_bounds(e.args[0])) from None"]
        else:
            self.body.append(line)
        for v in seg.bases:
            names[v] = f"b{v.id}"
            self.flat.add(v)
        for v in seg.values:
            names[v] = f"v{v.id}"
            self.flat.discard(v)

    def extern(self, op):
        outs = op.attrs["outs"]
        ctx = f"c{op.out.id}"
        args = ", ".join(self.shaped(v) for v in op.inputs)
        results = [f"x{v.id}" for v in outs]
        self.body.append(f"{ctx}, {', '.join(results)}, = "
                         f"{self.const(op.attrs['call'], 'X')}.forward({args})")
        self.names[op] = ctx
        for v, r in zip(outs, results):
            self.names[v] = r
            self.flat.discard(v)

    def extern_vjp(self, op):
        a = op.attrs
        outs = a["outs"]
        grads = ", ".join(self.shaped(v) for v in op.inputs)
        results = [f"x{v.id}" for v in outs]
        self.body.append(f"{', '.join(results)}, = {self.const(a['call'], 'X')}.backward("
                         f"{self.names[a['forward']]}, {a['slots']!r}, {a['targets']!r}, "
                         f"{grads})")
        for v, r in zip(outs, results):
            self.names[v] = r
            self.flat.discard(v)


def make_backward(entry):
    """CompiledFunctionBackward's work: ``run(saved, grad)`` runs the backward
    steps on the saved arrays and contexts (``entry.backward_inputs``, None in
    the seed's place) and returns a gradient (or None) per edge."""
    import numpy as np
    ns = {"E": entry, "np": np}
    names = {}

    def const(obj, prefix):
        name = f"{prefix}{len(ns)}"
        ns[name] = obj
        return name

    seed = entry.seed
    body = []
    emit = _StepEmitter(ns, names, const, body)
    params = []
    for k, v in enumerate(entry.backward_inputs):
        var = f"s{k}"
        params.append(var)
        names[v] = var
        if v is not seed and isinstance(v, Value) and v.op is not None \
                and v.op.kind not in ("extern", "extern_vjp"):
            emit.flat.add(v)            # a forward segment's base
    body.append(f"{', '.join(params)}, = saved")
    body.append(f"{names[seed]} = np.ascontiguousarray(grad, dtype={const(seed.dtype, 'D')})")
    for step in entry.backward_steps:
        emit.step(step)
    grads = ["None" if g is None else emit.shaped(g) for _, g in entry.grad_targets]
    body.append(f"return ({', '.join(grads)}{',' if grads else ''})")
    source = "\n".join(["def run(saved, grad):"] + ["    " + line for line in body])
    exec(compile(source, f"<jitgrad.compile backward of {entry.name}>", "exec"), ns)
    entry.backward_source = source
    return ns["run"]
