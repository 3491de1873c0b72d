"""``jitgrad.compile(module)``: torch's ``OptimizedModule``.

The wrapper holds the module as ``_orig_mod`` (a submodule, so its
``state_dict`` keys and repr read as torch's) and calls it through a
compiled function; the module's parameters are read afresh at each call.
"""
from ..nn import Module
from .runtime import CompiledFunction


class OptimizedModule(Module):
    def __init__(self, mod, fullgraph=False):
        super().__init__()
        self._orig_mod = mod
        def call(*args, **kwargs):
            return mod(*args, **kwargs)
        call.__qualname__ = f"{type(mod).__name__}.forward"
        compiled = CompiledFunction(call, fullgraph)
        object.__setattr__(self, "_compiled_call", compiled)
        from . import _compiled
        _compiled.add(compiled)

    def forward(self, *args, **kwargs):
        return self._compiled_call(*args, **kwargs)

    def __getattr__(self, name):
        # attributes of the wrapped module (``compiled.weight``), as torch's wrapper does
        modules = self.__dict__.get("_modules")
        if modules is not None and "_orig_mod" in modules:
            if name == "_orig_mod":
                return modules["_orig_mod"]
            return getattr(modules["_orig_mod"], name)
        raise AttributeError(name)
