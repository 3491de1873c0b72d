"""Which of torch's public names jitgrad has, and a hint for those it lacks.

``jitgrad/torch_names.json`` lists torch 2.13's public names per namespace
(``torch``, ``torch.nn``, ``torch.nn.functional``, ``torch.optim``,
``torch.Tensor``). A name missing from jitgrad but in that list raises
``AttributeError`` saying that jitgrad does not implement it yet, instead of
Python's bare "has no attribute".

``python -m jitgrad.write_api_coverage`` regenerates the list from the
installed torch (when there is one) and writes ``docs/api-coverage.md``.
"""
import functools
import json
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
NAMES_FILE = os.path.join(_HERE, "torch_names.json")
NAMESPACES = ("torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.Tensor")


@functools.lru_cache(maxsize=None)
def torch_names():
    """{namespace: frozenset of torch's public names}, from the shipped list."""
    try:
        with open(NAMES_FILE) as f:
            return {k: frozenset(v) for k, v in json.load(f).items()}
    except OSError:
        return {}


def missing(namespace, name, default):
    """The AttributeError text for ``name`` missing from jitgrad's ``namespace``:
    ``default`` (Python's words), with the hint when torch has the name."""
    if name in torch_names().get(namespace, ()):
        return f"{default}: jitgrad does not implement {namespace}.{name} yet"
    return default


def module_getattr(module_name, namespace):
    """A module-level ``__getattr__`` giving missing torch names their hint."""
    def __getattr__(name):
        raise AttributeError(missing(namespace, name,
                                     f"module '{module_name}' has no attribute '{name}'"))
    return __getattr__
