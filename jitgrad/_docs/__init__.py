"""Docstrings of the public API, kept out of the code they describe.

Each module here holds ``DOCS``, a dict from a name in one namespace to its text, and
may hold ``ALIASES`` (name -> the name it is another spelling of). ``attach()`` runs
once at the end of ``import jitgrad``: it gives each object the text for its name unless
the object already has a docstring (one written in the code always wins), and derives
the texts of in-place variants (``abs_``), aliases and Tensor methods that mirror a
top-level function from the documented form, so each fact is written once.

Examples are written as ``torch.`` code (``import jitgrad as torch``), with ``nn`` and
``F`` standing for ``torch.nn`` and ``torch.nn.functional``; tests/test_docstrings.py
runs every one of them.
"""


def _set_doc(obj, text):
    """Give obj the docstring text unless it has one; False if obj refuses it."""
    if getattr(obj, "__doc__", None) if not isinstance(obj, type) \
            else obj.__dict__.get("__doc__"):
        return True
    try:
        obj.__doc__ = text
    except (AttributeError, TypeError):     # builtins, Numba dispatchers, slot wrappers
        return False
    return True


def _summary(obj):
    doc = getattr(obj, "__doc__", None) or ""
    return doc.lstrip().split("\n", 1)[0]


def _attach_namespace(ns, docs, aliases, qual):
    role = ":meth:" if isinstance(ns, type) else ":func:"
    for name, text in docs.items():
        obj = getattr(ns, name, None)
        if obj is not None:
            _set_doc(obj, text)
    for name, target in aliases.items():
        obj = getattr(ns, name, None)
        if obj is not None:
            _set_doc(obj, f"Alias for {role}`{qual}{target}`.")
    for name in dir(ns):
        # in-place spellings: documented by the out-of-place form they mirror
        if name.endswith("_") and not name.startswith("_"):
            obj = getattr(ns, name, None)
            base = getattr(ns, name[:-1], None)
            if obj is not None and base is not None and callable(obj) \
                    and getattr(base, "__doc__", None):
                _set_doc(obj, f"In-place version of {role}`{qual}{name[:-1]}`: "
                              "writes the result into its first argument and returns it.")


def _attach_tensor_methods(Tensor, jitgrad, docs, aliases):
    _attach_namespace(Tensor, docs, aliases, "Tensor.")
    for name, obj in vars(Tensor).items():
        if name.startswith("_") or not callable(obj) or getattr(obj, "__doc__", None):
            continue
        top = getattr(jitgrad, name, None)
        if top is not None and getattr(top, "__doc__", None):
            _set_doc(obj, f"{_summary(top)}\n\nMethod form of :func:`jitgrad.{name}`, with "
                          "``self`` as ``input``; see there for the arguments.\n")
    _attach_namespace(Tensor, {}, {}, "Tensor.")          # in-place forms of those


def attach():
    import jitgrad
    from . import (autograd, functional, linalg, nn, optim, tensor, toplevel,
                   toplevel_math, toplevel_nn, utils_data)
    for ns, mods, qual in (
            (jitgrad, (toplevel, toplevel_math, toplevel_nn), "jitgrad."),
            (jitgrad.nn.functional, (functional,), "jitgrad.nn.functional."),
            (jitgrad.nn, (nn,), "jitgrad.nn."),
            (jitgrad.nn.init, (nn.INIT,), "jitgrad.nn.init."),
            (jitgrad.nn.Module, (nn.MODULE,), "jitgrad.nn.Module."),
            (jitgrad.optim, (optim,), "jitgrad.optim."),
            (jitgrad.optim.Optimizer, (optim.OPTIMIZER,), "jitgrad.optim.Optimizer."),
            (jitgrad.optim.lr_scheduler, (optim.LR_SCHEDULER,), "jitgrad.optim.lr_scheduler."),
            (jitgrad.linalg, (linalg,), "jitgrad.linalg."),
            (jitgrad.autograd, (autograd,), "jitgrad.autograd."),
            (jitgrad.utils.data, (utils_data,), "jitgrad.utils.data.")):
        for mod in mods:
            docs = mod if isinstance(mod, dict) else mod.DOCS
            aliases = {} if isinstance(mod, dict) else getattr(mod, "ALIASES", {})
            _attach_namespace(ns, docs, aliases, qual)
    _attach_tensor_methods(jitgrad.Tensor, jitgrad, tensor.DOCS, tensor.ALIASES)
