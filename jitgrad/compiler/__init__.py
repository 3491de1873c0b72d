"""``jitgrad.compile``: trace once, fuse, replay.

See ``runtime.py`` for guards and replay, ``tracer.py`` for what is
captured, ``codegen.py`` for fusion. ``reset()`` clears the in-memory
caches; ``explain(fn, *args)`` lists a function's graph breaks.
"""
import weakref

from . import cache, logs  # noqa: F401  (jitgrad.compiler.logs.set_logs)
from .runtime import CompiledFunction, CompiledFunctionBackward, config  # noqa: F401
from .tracer import GraphBreak  # noqa: F401

_compiled = weakref.WeakSet()      # the compiled functions alive, for reset()


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,  # noqa: A001
            options=None, disable=False):
    """torch.compile's signature. ``dynamic``, ``backend``, ``mode`` and
    ``options`` are accepted for compatibility; jitgrad has one backend."""
    if model is None:
        def decorate(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, disable=disable)
        return decorate
    if disable:
        return model
    from ..nn import Module
    if isinstance(model, Module):
        from .module import OptimizedModule
        return OptimizedModule(model, fullgraph)
    fn = CompiledFunction(model, fullgraph)
    _compiled.add(fn)
    return fn


def reset():
    """Forget every compiled graph (torch._dynamo.reset)."""
    for fn in _compiled:
        fn.reset()
    cache.reset()


class ExplainOutput:
    """What ``explain`` found (torch._dynamo.explain's fields)."""

    def __init__(self, graph_count, ops, breaks):
        self.graph_count = graph_count
        self.graph_break_count = len(breaks)
        self.break_reasons = breaks
        self.op_count = ops

    def __str__(self):
        lines = [f"Graph Count: {self.graph_count}", f"Graph Break Count: {self.graph_break_count}",
                 f"Op Count: {self.op_count}"]
        if self.break_reasons:
            lines.append("Break Reasons:")
            lines += [f"  Break Reason {i + 1}: {r}" for i, r in enumerate(self.break_reasons)]
        return "\n".join(lines)

    __repr__ = __str__


def explain(fn, *args, **kwargs):
    """Trace ``fn(*args, **kwargs)`` once (it runs, eagerly) and report the
    graph breaks that keep it from compiling, each with its line."""
    from .tracer import trace
    _, tr = trace(fn, args, kwargs, False)
    breaks = [str(tr.broken)] if tr.broken is not None else []
    return ExplainOutput(0 if breaks else 1, len(tr.graph.ops), breaks)
