"""Tracing: run the function once, eagerly, while recording its tensor ops.

While a trace is active, every public tensor op (Tensor methods and
properties, ``jitgrad.*`` and ``nn.functional.*`` functions) is wrapped:
the outermost call runs the eager op as usual, then its lowering rule
(``rules.RULES``) records it as primitives; an op without a rule is
recorded as a call of the eager op itself (``extern.py``). Ops called
inside another op are not recorded (the outer op covers them). So the
first call's results are the eager ones, and nothing on the eager path
pays for tracing when no trace is active (the wrappers exist only during a
trace).

What can't be captured is a graph break: a tensor's value reaching Python
(``.item()``, ``bool()``, ``print``), an in-place op without a rule or on a
tensor that shares memory with another, a result whose shape depends on
tensor values, or a tensor made by code the tracer doesn't see. The trace
then stops recording, the function runs to its end eagerly, and the caller
runs it eagerly from then on (with one warning naming the line), or raises
under ``fullgraph=True``.

Effects the trace replays: ``backward()`` (its gradients are derived on the
graph, in place, by ``autodiff.backward``), writes of ``.grad``
(``zero_grad``, ``p.grad = None``), in-place updates of tensors read from
outside, and ``optimizer.step()`` (replayed by calling it).
"""
import functools
import os
import sys
import weakref
import threading
import types

tensor_module = sys.modules["jitgrad.tensor"]   # (``jitgrad.tensor`` the name is the factory)
from ..tensor import Tensor
from . import autodiff, extern, primitives as P
from .ir import Graph
from .rules import RULES, NotCaptured, _ValueTensor

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# programs that ship inside the package: their lines are the user's lines
_PROGRAMS = tuple(os.path.join(_PACKAGE_DIR, f) for f in ("demo.py", "digits_training.py"))

# Tensor attributes that only read metadata: not wrapped
_METADATA = frozenset((
    "shape", "size", "dim", "ndimension", "ndim", "numel", "nelement", "dtype", "device",
    "is_cuda", "is_floating_point", "is_contiguous", "element_size", "stride", "__len__",
    "requires_grad", "is_leaf", "grad_fn", "retains_grad", "__hash__", "__init__",
    "__new__", "__class__", "__reduce__", "__deepcopy__", "_version", "_is_view", "__slots__",
    "__array_priority__", "__doc__", "__module__", "__dict__", "__weakref__", "__getattribute__",
    "__setattr__", "__delattr__", "__init_subclass__", "__subclasshook__", "__sizeof__",
    "__dir__", "type", "__getstate__", "is_shared", "is_pinned",
    "__torch_function__", "__array_ufunc__", "_data", "_requires_grad", "_grad", "_grad_fn",
    "_accumulator", "_retains_grad", "_vc", "_base"))
# functions of the jitgrad namespace that touch no tensor data
_HARMLESS = frozenset((
    "is_tensor", "is_grad_enabled", "get_default_dtype", "is_floating_point", "numel",
    "typename", "compile", "get_num_threads", "is_inference_mode_enabled", "is_storage",
    "is_complex", "set_printoptions", "is_anomaly_enabled", "result_type", "promote_types",
    "can_cast"))


class GraphBreak(RuntimeError):
    """What can't be captured (torch: ``torch._dynamo.exc.Unsupported``).
    Raised by a ``fullgraph=True`` function; otherwise the function runs
    eagerly with a warning carrying this text."""

    def __init__(self, reason, line):
        super().__init__(f"{reason} ({line})" if line else reason)
        self.reason = reason
        self.line = line


def user_line():
    """``file:line`` of the innermost frame outside jitgrad (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_PACKAGE_DIR) or path in _PROGRAMS:
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return None


class Trace:
    """The state of one trace: the graph, which tensor holds which value,
    the ``.grad`` of each leaf as the function left it, and what must be
    written back to tensors from outside."""

    def __init__(self, arg_tensors, fullgraph):
        self.graph = Graph()
        self.thread = threading.get_ident()
        self.fullgraph = fullgraph
        self.depth = 0
        self.broken = None            # GraphBreak, once one happened
        self.line = None
        self.values = {}              # id(tensor) -> Value
        self.refs = {}                # id(tensor) -> weakref: a dead tensor leaves ``values``
        # the tensors among the arguments (in lists and tuples too): id -> the
        # Python expression that reads it from ``args`` at each call
        self.arg_index = {id(t): expr for expr, t in arg_tensors}
        self.grads = {}               # id(leaf) -> (leaf, Value or None): .grad as left
        self.grad_reads = []          # (leaf, was None) for .grad read before any write
        self.cleared = []             # leaves whose .grad the function first sets to None
        self.writes = {}              # id(tensor) -> (tensor, Value): in-place updates
        self.aliases = {}             # id(alias) -> tensor it shares data with
        self.modules = []             # (module, training) seen
        self.effects = []             # (index in graph.ops, callable, args, kwargs): optimizer steps
        self.effect_states = []       # (grads, writes) to apply before each effect
        self.step_marks = []          # one per backward() the function ran
        self.input_tensor = {}        # input Value -> the tensor it reads
        self.views = {}               # id(base) -> weakrefs to the views made of it

    # ------------------------------------------------------------ values

    def value(self, t):
        if isinstance(t, _ValueTensor):
            return t.value
        v = self.values.get(id(t))
        if v is not None:
            return v
        if not isinstance(t, Tensor):
            raise NotCaptured(f"a {type(t).__name__} where a tensor was expected")
        if t._grad_fn is not None and t._requires_grad:
            raise NotCaptured("a tensor from outside the function that has a grad_fn")
        a = t._data
        index = self.arg_index.get(id(t))
        source = ("arg", index) if index is not None else ("live", t)
        v = self.graph.new_value(a.shape, a.dtype, t._requires_grad, name="input")
        self.graph.inputs.append((v, source))
        self.input_tensor[v] = t
        self._bind(t, v)
        return v

    def _bind(self, t, v):
        # weakly: intermediates die during the trace as they do eagerly (a trace
        # that kept them all would run its eager pass in fresh memory, 4x slower)
        key = id(t)
        self.values[key] = v
        if key not in self.refs:
            self.refs[key] = weakref.ref(t, functools.partial(self._forget, key))

    def _forget(self, key, _ref):
        self.values.pop(key, None)
        self.refs.pop(key, None)

    def bind_result(self, result, v):
        if isinstance(result, Tensor):
            if tuple(result._data.shape) != v.shape or result._data.dtype != v.dtype:
                raise NotCaptured(f"rule gave {v!r} for a {result._data.dtype} "
                                  f"{tuple(result._data.shape)} result")
            self._bind(result, v)
            if result._base is not None:
                self.views.setdefault(id(result._base), []).append(weakref.ref(result))

    def has_views(self, t):
        """A view of ``t`` made during the trace is still alive."""
        return any(r() is not None for r in self.views.get(id(t), ()))

    def assign(self, t, v):
        """In-place update of tensor ``t`` (or what it aliases) to value ``v``."""
        target = self.aliases.get(id(t), t)
        self._bind(t, v)
        if target is not t:
            self._bind(target, v)
        for leaf_id, (leaf, g) in list(self.grads.items()):
            if leaf._grad is target:
                self.grads[leaf_id] = (leaf, v)
        if id(target) in self.arg_index or \
                any(src[1] is target for _, src in self.graph.inputs if src[0] == "live") or \
                any(src[0] == "grad" and src[1]._grad is target for _, src in self.graph.inputs):
            self.writes[id(target)] = (target, v)

    # ------------------------------------------------------------ events

    def break_(self, reason):
        if self.broken is None:
            self.broken = GraphBreak(reason, user_line())
            if self.fullgraph:
                raise self.broken

    def record(self, name, rule, result, args, kwargs, fn=None, versions=None):
        """Record op ``name`` by its rule; without one (or when the rule does
        not cover these arguments), as a call of the eager op ``fn``."""
        self.line = user_line()
        if rule is not None:
            try:
                v = rule(self, result, *args, **kwargs)
                if isinstance(result, Tensor):
                    self.bind_result(result, v)
                return
            except NotCaptured as e:
                if fn is None:
                    self.break_(f"{name}: {e}")
                    return
        try:
            extern.record(self, name, fn, args, kwargs, result, versions)
        except NotCaptured as e:
            self.break_(f"{name}: {e}")

    def call_recorded(self, name, fn, *args):
        """Run and record an op from inside a rule (``add(x, y, alpha=2)``
        records the ``y * 2`` it implies)."""
        self.depth += 1
        try:
            result = fn(*args)
        finally:
            self.depth -= 1
        self.record(name, RULES[name], result, args, {})
        return result

    def on_backward(self, loss, gradient, retain_graph, create_graph, inputs):
        self.line = user_line()
        if create_graph or inputs is not None:
            self.break_("backward(create_graph=True or inputs=...)")
            return
        lv = self.value(loss)
        seed = None if gradient is None else self.value(gradient)
        self.step_marks.append(self.line)
        leaves = {v: t for v, t in self.input_tensor.items()
                  if v.requires_grad and t._grad_fn is None}
        grads = autodiff.backward(self.graph, lv, seed, list(leaves), self.line)
        for v, g in grads.items():
            leaf = leaves[v]
            _, old = self.grads.get(id(leaf), (leaf, "unset"))
            if old == "unset":
                self.grad_reads.append((leaf, leaf._grad is None))
                old = None if leaf._grad is None else self.grad_input(leaf)
            if old is not None:
                g = P.table_ew(self.graph, "add", [old, g], g.dtype, g.shape, line=self.line)
            self.grads[id(leaf)] = (leaf, g)

    def grad_input(self, leaf):
        """The value of ``leaf.grad`` as it was when the function started."""
        g = leaf._grad
        v = self.graph.new_value(g._data.shape, g._data.dtype, False, name="grad")
        self.graph.inputs.append((v, ("grad", leaf)))
        self._bind(g, v)
        return v

    def after_backward(self):
        # the eager backward made new .grad tensors: bind them to their values
        for leaf, g in self.grads.values():
            if g is not None and leaf._grad is not None:
                self._bind(leaf._grad, g)

    def on_grad_read(self, leaf, result):
        entry = self.grads.get(id(leaf))
        if entry is None:
            self.grad_reads.append((leaf, result is None))
            if result is not None:
                self.grads[id(leaf)] = (leaf, self.grad_input(leaf))
        elif result is not None and entry[1] is not None:
            self._bind(result, entry[1])

    def on_grad_write(self, leaf, value):
        if value is None and id(leaf) not in self.grads:
            self.cleared.append(leaf)
        self.grads[id(leaf)] = (leaf, None if value is None else self.value(value))

    def on_zero_grad(self, params, set_to_none):
        for p in params:
            entry = self.grads.get(id(p))
            if entry is None and p._grad is None:
                self.grads[id(p)] = (p, None)
                continue
            if set_to_none:
                if entry is None:
                    self.cleared.append(p)
                self.grads[id(p)] = (p, None)
            else:
                old = entry[1] if entry else self.grad_input(p)
                if old is not None:
                    z = P.ew(self.graph, P.literal(0, old.dtype), [], old.dtype, old.shape,
                             line=self.line)
                    self.grads[id(p)] = (p, z)

    def on_effect(self, fn, args, kwargs):
        """``optimizer.step()``: replayed by calling it, between compiled
        segments. What it may have changed is read again afterwards."""
        self.effects.append((len(self.graph.ops), fn, args, kwargs))
        self.effect_states.append((dict(self.grads), self.writes))
        self.writes = {}
        for v, src in self.graph.inputs:
            if src[0] in ("live", "grad"):
                t = src[1] if src[0] == "live" else src[1]._grad
                if t is not None and self.values.get(id(t)) is v:
                    del self.values[id(t)]


# ------------------------------------------------------------ patching

_active = [None]


def active():
    t = _active[0]
    if t is None or t.depth or t.broken is not None or threading.get_ident() != t.thread:
        return None
    return t


def _run_inner(tr, fn, args, kwargs):
    tr.depth += 1
    try:
        return fn(*args, **kwargs)
    finally:
        tr.depth -= 1


def _op_wrapper(name, fn, rule, owner="Tensor"):
    # an op without a rule is captured as a call of the eager op (extern.py),
    # unless its result is a Python value or it updates a tensor in place
    inplace = name.endswith("_") and not name.endswith("__") or name in _SETTERS
    capturable = name not in _BREAKS_ON_VALUE and (rule is not None or not inplace)
    if name in _BREAKS_ON_VALUE:
        reason = f"a tensor's value reaches Python ({owner}.{name})"
    else:
        reason = f"{owner}.{name} updates a tensor in place, which jitgrad.compile does not capture yet"

    def wrapper(*args, **kwargs):
        tr = active()
        if tr is None:
            return fn(*args, **kwargs)
        if not capturable:
            tr.break_(reason)
            return fn(*args, **kwargs)
        versions = extern.versions(args, kwargs)
        result = _run_inner(tr, fn, args, kwargs)
        tr.record(name, rule, result, args, kwargs, fn, versions)
        return result
    wrapper.__wrapped__ = fn
    return wrapper


def _backward_wrapper(fn):
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        tr = active()
        if tr is None:
            return fn(self, gradient, retain_graph, create_graph, inputs)
        tr.on_backward(self, gradient, retain_graph, create_graph, inputs)
        _run_inner(tr, fn, (self, gradient, retain_graph, create_graph, inputs), {})
        if tr.broken is None:
            tr.after_backward()
    return backward


def _grad_property(prop):
    def getter(self):
        result = prop.fget(self)
        tr = active()
        if tr is not None:
            tr.on_grad_read(self, result)
        return result

    def setter(self, value):
        prop.fset(self, value)
        tr = active()
        if tr is not None:
            tr.on_grad_write(self, value)
    return property(getter, setter)


def _data_property(prop):
    def getter(self):
        tr = active()
        if tr is None:
            return prop.fget(self)
        result = _run_inner(tr, prop.fget, (self,), {})
        tr.aliases[id(result)] = tr.aliases.get(id(self), self)
        v = tr.value(self)
        tr._bind(result, P.view(tr.graph, v, v.shape, P.layout(v)[1], P.layout(v)[2]))
        return result

    def setter(self, value):
        tr = active()
        # ``p.data -= u`` ends by assigning p's own alias back: nothing new
        if tr is not None and tr.aliases.get(id(value)) is not tr.aliases.get(id(self), self):
            tr.break_("assigning .data")
        prop.fset(self, value)
    return property(getter, setter)


def _inplace_wrapper(name, fn, op_name):
    """``x.add_(y)``, ``x += y``...: the op's value, assigned to ``x``."""
    rule = RULES.get(op_name)

    def wrapper(self, *args, **kwargs):
        tr = active()
        if tr is None:
            return fn(self, *args, **kwargs)
        if rule is None and op_name != "zero":
            tr.break_(f"Tensor.{name} is not captured by jitgrad.compile yet")
            return fn(self, *args, **kwargs)
        tr.line = user_line()
        if (self._base is not None and id(self) not in tr.aliases) or tr.has_views(self):
            # the replay updates one value: a view's base, or the views of a
            # base, would not see it
            tr.break_(f"Tensor.{name} on a tensor that shares memory with another")
            return fn(self, *args, **kwargs)
        try:
            if op_name == "zero":
                v = tr.value(self)
                new = P.ew(tr.graph, P.literal(0, v.dtype), [], v.dtype, v.shape, line=tr.line)
            else:
                new = rule(tr, _Shaped(self), self, *args, **kwargs)
        except NotCaptured as e:
            tr.break_(f"{name}: {e}")
            return fn(self, *args, **kwargs)
        result = _run_inner(tr, fn, (self, *args), kwargs)
        tr.assign(self, new)
        return result
    return wrapper


class _Shaped:
    """What a rule needs of an in-place op's result before it runs: the
    target's shape, dtype and requires_grad (the rule runs first, so that
    it reads the operands' old values)."""
    __slots__ = ("shape", "_data", "_requires_grad")

    def __init__(self, t):
        self.shape = t.shape
        self._data = t._data
        self._requires_grad = t._requires_grad and not _grad_disabled()


def _grad_disabled():
    from ..autograd.grad_mode import state
    return not state.enabled


def _effect_wrapper(name, fn, kind):
    def wrapper(self, *args, **kwargs):
        tr = active()
        if tr is None:
            return fn(self, *args, **kwargs)
        if kind == "zero_grad":
            result = _run_inner(tr, fn, (self, *args), kwargs)
            set_to_none = kwargs.get("set_to_none", args[0] if args else True)
            params = (list(self.parameters()) if hasattr(self, "parameters")
                      else [p for g in self.param_groups for p in g["params"]])
            tr.on_zero_grad(params, set_to_none)
            return result
        if args or kwargs:
            tr.break_(f"{name}(closure)")
            return fn(self, *args, **kwargs)
        tr.on_effect(fn, (self,), {})
        return _run_inner(tr, fn, (self,), {})
    return wrapper


def _module_call_wrapper(fn):
    def __call__(self, *args, **kwargs):
        tr = active()
        if tr is not None:
            tr.modules.append((self, self.training))
        return fn(self, *args, **kwargs)
    return __call__


def _print_wrapper(fn):
    def print_(*args, **kwargs):
        tr = active()
        if tr is not None:
            tr.break_("print()")
        return fn(*args, **kwargs)
    return print_


def _new_wrapper(fn):
    def new(cls):
        tr = active()
        if tr is not None:
            tr.break_("a tensor made by code jitgrad.compile does not capture")
        return fn(cls)
    return new


_INPLACE = {"add_": "add", "sub_": "sub", "mul_": "mul", "div_": "div", "__iadd__": "add",
            "__isub__": "sub", "__imul__": "mul", "__itruediv__": "div", "zero_": "zero"}
_SETTERS = frozenset(("__setitem__", "__ipow__", "__ifloordiv__", "__imod__", "__iand__",
                      "__ior__", "__ixor__", "__ilshift__", "__irshift__", "__imatmul__",
                      "__delitem__"))
_BREAKS_ON_VALUE = frozenset(("item", "tolist", "numpy", "__bool__", "__float__", "__int__",
                              "__index__", "__format__", "__repr__", "__str__", "__array__"))


def _iter_wrapper(fn):
    """``for t in x``: the rows of x, each a view (torch's unbind)."""
    def __iter__(self):
        tr = active()
        if tr is None:
            return fn(self)
        rows = list(_run_inner(tr, fn, (self,), {}))
        tr.line = user_line()
        try:
            v = tr.value(self)
            for i, row in enumerate(rows):
                tr.bind_result(row, P.select(tr.graph, v, i, row._requires_grad, tr.line))
        except NotCaptured as e:
            tr.break_(f"iterating over a tensor: {e}")
        return iter(rows)
    return __iter__


def _patches():
    """(owner, name, replacement) for everything wrapped during a trace."""
    import builtins

    from .. import nn
    from ..nn import functional as F
    from ..optim import optimizer as optim_base
    import jitgrad

    out = []
    for name, attr in list(vars(Tensor).items()):
        if name in ("grad",):
            out.append((Tensor, name, _grad_property(attr)))
        elif name == "data":
            out.append((Tensor, name, _data_property(attr)))
        elif name in ("T", "mT"):
            out.append((Tensor, name, property(_op_wrapper(name, attr.fget, RULES.get(name)))))
        elif name == "backward":
            out.append((Tensor, name, _backward_wrapper(attr)))
        elif name == "__iter__":
            out.append((Tensor, name, _iter_wrapper(attr)))
        elif name in _INPLACE:
            out.append((Tensor, name, _inplace_wrapper(name, attr, _INPLACE[name])))
        elif name in _BREAKS_ON_VALUE:
            out.append((Tensor, name, _op_wrapper(name, attr, None)))
        elif name in _METADATA or isinstance(attr, (property, staticmethod, classmethod)) \
                or not callable(attr):
            continue
        else:
            # (a method whose arguments differ from the function's has a rule of its own)
            rule = RULES.get(f"Tensor.{name}", RULES.get(name))
            out.append((Tensor, name, _op_wrapper(name, attr, rule)))
    for module in (jitgrad, F, jitgrad.linalg):
        for name, attr in list(vars(module).items()):
            if isinstance(attr, (types.FunctionType, types.BuiltinFunctionType)) \
                    and not name.startswith("_") and name not in _HARMLESS:
                out.append((module, name, _op_wrapper(name, attr, RULES.get(name),
                                                      module.__name__)))
    for cls in [optim_base.Optimizer, *_subclasses(optim_base.Optimizer)]:
        if "step" in vars(cls):
            out.append((cls, "step", _effect_wrapper("step", vars(cls)["step"], "step")))
    out.append((optim_base.Optimizer, "zero_grad",
                _effect_wrapper("zero_grad", optim_base.Optimizer.zero_grad, "zero_grad")))
    out.append((nn.Module, "zero_grad",
                _effect_wrapper("zero_grad", nn.Module.zero_grad, "zero_grad")))
    out.append((nn.Module, "__call__", _module_call_wrapper(nn.Module.__call__)))
    out.append((builtins, "print", _print_wrapper(builtins.print)))
    out.append((tensor_module, "_new", _new_wrapper(tensor_module._new)))
    # BatchNorm's counter steps by a direct write, which the trace would miss
    from ..nn.modules import batchnorm
    out.append((batchnorm, "_increment", _increment_traced))
    return out


def _increment_traced(t):
    t.add_(1)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_lock = threading.RLock()


def trace(fn, args, kwargs, fullgraph):
    """Run ``fn(*args, **kwargs)`` eagerly while recording it: (result, Trace)."""
    tr = Trace(list(_arg_tensors(args, "args")), fullgraph)
    tr.fn = fn
    tr.numbers = python_numbers(fn)
    with _lock:
        saved = [(owner, name, owner.__dict__[name] if isinstance(owner, type)
                  else getattr(owner, name)) for owner, name, _ in _patches_cached()]
        for owner, name, replacement in _patches_cached():
            setattr(owner, name, replacement)
        _active[0] = tr
        try:
            result = fn(*args, **kwargs)
        finally:
            _active[0] = None
            for owner, name, original in saved:
                setattr(owner, name, original)
    tr.result_tensors = [t for _, t in _arg_tensors(result, "")]
    if tr.broken is None and python_numbers(fn) != tr.numbers:
        tr.broken = GraphBreak("the function changes a global or closure number", None)
    return result, tr


_NUMBERS = (int, float, bool, str)


def python_numbers(fn):
    """{(kind, name): value} of the numbers and strings ``fn`` reads from its
    globals and closure: a trace bakes them in, so they are guarded."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return {}
    out = {}
    fglobals = fn.__globals__
    for name in code.co_names:
        value = fglobals.get(name)
        if type(value) in _NUMBERS:
            out["global", name] = value
    for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:            # an empty cell
            continue
        if type(value) in _NUMBERS:
            out["closure", name] = value
    return out


_cache = []


def _arg_tensors(obj, expr):
    """(expression, tensor) for each tensor in ``obj`` (nested lists and tuples)."""
    if isinstance(obj, Tensor):
        yield expr, obj
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _arg_tensors(item, f"{expr}[{i}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from _arg_tensors(item, f"{expr}[{k!r}]")


def _patches_cached():
    if not _cache:
        _cache.append(_patches())
    return _cache[0]
