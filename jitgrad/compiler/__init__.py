"""``jitgrad.compile``: trace once, fuse, replay.

See ``runtime.py`` for guards and replay, ``tracer.py`` for what is
captured, ``codegen.py`` for fusion. ``reset()`` clears the in-memory
caches; ``explain(fn, *args)`` lists a function's graph breaks.
"""
from . import cache, logs
from .runtime import CompiledFunction, CompiledFunctionBackward  # noqa: F401

_compiled = []     # weak registry is not needed: reset() clears what is alive


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
    _compiled.append(fn)
    return fn


def reset():
    """Forget every compiled graph (torch._dynamo.reset)."""
    for fn in _compiled:
        fn.reset()
    cache.reset()
