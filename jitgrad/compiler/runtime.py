"""``jitgrad.compile``: guards, the cache of compiled graphs, and replay.

A call looks up its guard key (grad mode, default dtype, and for each
argument its shape, dtype and requires_grad, or its value if it is not a
tensor). A miss traces the function (the call itself runs eagerly while
recording), compiles the graph into generated ``@njit`` segments, and keeps
them under that key; later calls with the key replay them. Each cached
entry also checks, at every call, what the trace read from outside: the
shape and dtype of every tensor it read from closures, globals and modules,
whether each ``.grad`` it read was None, and ``training`` of each module
that ran. A failed check retraces (a new entry for the same key).

What a trace bakes in: Python control flow and Python values (numbers,
strings, attributes), everything except tensor data. Tensors read from
outside are read afresh at every call, so an optimizer's in-place update is
seen. A tensor's value reaching Python (``.item()``, ``bool()``, ``print``)
can't be baked in: that is a graph break, and the function runs eagerly.
"""
import functools
import gc
import threading
import time
import warnings

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import state as grad_state
from ..autograd.graph import Node
from ..tensor import Tensor
from . import autodiff, cache, codegen, logs, tape
from .formulas import Unsupported
from .driver import MISS
from .tracer import GraphBreak, trace



class config:
    """torch._dynamo.config's knobs that jitgrad honours."""
    cache_size_limit = 8           # traces per function before it runs eagerly
    max_kernel_steps = 48          # more loops than this: a tape (or, if it can't be, eager)


class CompiledFunctionBackward(Node):
    """The one node a compiled forward records (torch's name): its backward
    runs the generated backward segment on the saved arrays."""
    __slots__ = ("_run",)

    def apply(self, grad):
        saved = self._saved_or_raise()
        return self._run(saved, grad)


class _Entry:
    """One compiled graph: its segments (generated ``@njit`` functions) and
    the generated Python driver that reads the inputs, checks the guards,
    calls the segments and writes back ``.grad``, in-place updates and the
    results."""

    def __init__(self, tr, result, name):
        self.name = name
        graph = tr.graph
        spec, outs = _flatten(result, tr)
        _check_no_escape(tr, outs)
        result_values = [o.value for o in outs if isinstance(o, _V)]
        diff = [v for v in result_values if v.requires_grad]
        step_mode = bool(tr.step_marks)
        n_forward = len(graph.ops)
        self.diff_output = None
        grad_targets = []
        if diff and not step_mode and grad_state.enabled:
            if len(diff) > 1:
                raise GraphBreak("a function returning several tensors that require grad", None)
            out = diff[0]
            seed = graph.new_value(out.shape, out.dtype, name="grad_output")
            leaves = [v for v, src in graph.inputs if v.requires_grad and src[0] in ("arg", "live")]
            grads = autodiff.backward(graph, out, seed, leaves)
            self.diff_output = out
            grad_targets = [(v, grads.get(v)) for v in leaves]
        forward_ops = graph.ops[:n_forward]
        backward_ops = graph.ops[n_forward:]
        bounds = [0, *sorted({i for i, *_ in tr.effects}), n_forward]
        states = tr.effect_states + [(tr.grads, tr.writes)]
        # python-side values each boundary needs (shaped arrays)
        wanted = []
        for k in range(len(bounds) - 1):
            grads_k, writes_k = states[k]
            w = [g for _, g in grads_k.values() if g is not None] + [v for _, v in writes_k.values()]
            if k == len(bounds) - 2:
                w += result_values
            wanted.append(w)
        # which segment produces each op's output
        produced_in = {}
        for k in range(len(bounds) - 1):
            for op in forward_ops[bounds[k]:bounds[k + 1]]:
                produced_in[op.out] = k
        # bases each segment (or the backward) reads from an earlier one
        crossing = [set() for _ in range(len(bounds))]
        for k in range(len(bounds) - 1):
            for op in forward_ops[bounds[k]:bounds[k + 1]]:
                for v in op.inputs:
                    base = codegen.layout(v)[0]
                    j = produced_in.get(base)
                    if j is not None and j != k:
                        crossing[j].add(base)
        saved = set()
        for op in backward_ops:
            for v in op.inputs:
                base = codegen.layout(v)[0]
                if base in produced_in:
                    crossing[produced_in[base]].add(base)
                    saved.add(base)
        # each python-side value is returned by the segment that computes it
        values_of = [dict() for _ in range(len(bounds) - 1)]
        for k in range(len(bounds) - 1):
            for v in wanted[k]:
                base = codegen.layout(v)[0]
                j = produced_in.get(base)
                if j is not None:
                    values_of[j][v] = None
                elif not codegen.is_constant(base):
                    # torch.compile returns such a view aliasing the argument
                    raise GraphBreak("a result that is an argument or a view of one", None)
        self.segments = []
        for k in range(len(bounds) - 1):
            ops = forward_ops[bounds[k]:bounds[k + 1]]
            seg = _segment(f"forward_{k}", ops, _inputs_of(ops),
                           sorted(crossing[k], key=lambda v: v.id), list(values_of[k]))
            effect = tr.effects[k][1:] if k < len(tr.effects) else None
            self.segments.append((seg, states[k], effect))
        self.backward_segment = None
        if self.diff_output is not None:
            targets = [g for _, g in grad_targets if g is not None]
            self.backward_segment = _segment(
                "backward", backward_ops, _inputs_of(backward_ops), [], targets)
            self.seed = seed
            self.grad_targets = grad_targets
        self._compile(tr)
        from .driver import make_driver
        self.run, self.driver_source = make_driver(self, tr, spec, outs)

    def _compile(self, tr):
        segments = [s for s, *_ in self.segments]
        if self.backward_segment is not None:
            segments.append(self.backward_segment)
        segments = [s for s in segments if s.fn is None]       # (tapes run as they are)
        start = time.perf_counter()
        existed = True
        if segments:
            source = "\n\n\n".join(s.source for s in segments)
            logs.log("fusion", f"{self.name}: generated kernels:\n{source}")
            module, existed = cache.load(source)
            for s in segments:
                s.fn = getattr(module, s.name)
                # compile (or load from the cache) now, so the trace call pays for it
                s.fn.compile(tuple(_arg_type(v, tr, self) for v in
                                   [*s.inputs, *s.fresh, *s.scratch]))
        self.compile_note = (time.perf_counter() - start, existed)
        self.scratch = {s.name: [np.empty(v.size, v.dtype) for v in s.scratch] for s in segments}
        self.lock = threading.Lock()

    def buffers(self, seg, shared=True):
        """Fresh output arrays, then the segment's scratch arrays: the reused
        ones when ``shared`` (the caller holds ``lock``), else fresh ones."""
        out = [np.empty(v.size, v.dtype) for v in seg.fresh]
        if seg.scratch:
            out += (self.scratch[seg.name] if shared
                    else [np.empty(v.size, v.dtype) for v in seg.scratch])
        return out

    def call_with_scratch(self, seg, *args):
        """Run ``seg`` on the reused scratch arrays, or on fresh ones while
        another thread is using them (the kernels release the GIL)."""
        if self.lock.acquire(False):
            try:
                return seg.fn(*args, *self.buffers(seg, True))
            finally:
                self.lock.release()
        return seg.fn(*args, *self.buffers(seg, False))

    def run_backward(self, saved, grad):
        """CompiledFunctionBackward's work: ``saved`` holds the backward
        segment's inputs in order (None in the seed's place)."""
        seg = self.backward_segment
        args = [np.ascontiguousarray(grad, dtype=v.dtype) if v is self.seed else a
                for v, a in zip(seg.inputs, saved)]
        results = self.call_with_scratch(seg, *args)
        produced = dict(zip(seg.values, results[len(seg.bases):]))
        return tuple(None if g is None else produced[g] for v, g in self.grad_targets)


def _check_no_escape(tr, outs):
    """A tensor computed in the function and kept in Python state after it
    (in a list, a dict, an attribute, a global) would not be updated by a
    replay: that is a graph break. (Tensors that autograd saved for the
    result's backward are alive too, but only tuples hold them.)"""
    returned = {id(o.tensor) for o in outs if isinstance(o, _Live)}
    returned |= {id(t) for t in tr.result_tensors}
    grads = {id(leaf._grad) for leaf, _ in tr.grads.values() if leaf._grad is not None}
    inputs = {id(t) for t in tr.input_tensor.values()}
    alive = []
    for key, ref in list(tr.refs.items()):
        t = ref()
        v = tr.values.get(key)
        if t is not None and v is not None and v.op is not None and key not in returned \
                and key not in grads and key not in inputs:
            alive.append(t)
    if not alive:
        return
    ids = {id(t) for t in alive}
    for holder in gc.get_referrers(*alive):
        if holder is alive:
            continue
        if isinstance(holder, list) and any(id(x) in ids for x in holder) or \
                isinstance(holder, dict) and any(id(x) in ids for x in holder.values()):
            raise GraphBreak("a tensor computed in the function is kept outside it (in a list, "
                             "a dict, an attribute or a global), where a replay could not "
                             "update it", None)


def _segment(name, ops, inputs, bases, values):
    """A generated fused kernel; or, when fusion leaves many separate loops
    (a graph of many tiny ops, which Numba would compile for minutes), a tape."""
    steps = codegen.schedule(ops, inputs, bases, config.max_kernel_steps)[0]
    if len(steps) > config.max_kernel_steps:
        if tape.eligible(ops, values):
            try:
                seg = tape.build(name, ops, inputs, bases, values)
                logs.log("fusion", f"{name}: {seg.source[2:]}")
                return seg
            except Unsupported:
                pass
        raise GraphBreak(f"a graph of {len(steps)} separate loops that the tape can't run "
                         f"(values larger than {tape.MAX_ELEMENTS} elements, or mixed dtypes)",
                         None)
    return codegen.generate(name, ops, inputs, bases, values)


def _arg_type(v, tr, entry):
    """The Numba type of the array the driver passes for value ``v``."""
    from numba import typeof
    from numba.core import types
    from numba.np import numpy_support
    t = tr.input_tensor.get(v)
    if t is not None:
        return typeof(t._data)
    for value, src in tr.graph.inputs:
        if value is v and src[0] == "grad":
            return typeof(src[1]._grad._data)
    if entry.diff_output is not None and v is entry.seed:
        return types.Array(numpy_support.from_dtype(v.dtype), len(v.shape), "C")
    return types.Array(numpy_support.from_dtype(v.dtype), 1, "C")


def _inputs_of(ops):
    """Bases the ops read that they don't produce, in order of first use."""
    produced = {op.out for op in ops}
    used = {}
    for op in ops:
        for v in op.inputs:
            base = codegen.layout(v)[0]
            if base not in produced and not codegen.is_constant(base):
                used[base] = None
    return list(used)


class _V:
    """A traced tensor in the function's result."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Live:
    """A tensor from outside returned as it is."""
    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


def _flatten(result, tr):
    outs = []

    def walk(x):
        if isinstance(x, Tensor):
            v = tr.values.get(id(x))
            if v is None:
                if tr.arg_index.get(id(x)) is not None:
                    raise GraphBreak("a function returning its argument", None)
                item = _Live(x)
            else:
                item = _V(v)
            outs.append(item)
            return ("leaf", len(outs) - 1)
        if isinstance(x, (tuple, list)):
            return (type(x), [walk(i) for i in x])
        if isinstance(x, dict):
            return (dict, {k: walk(i) for k, i in x.items()})
        return ("const", x)
    return walk(result), outs


# ------------------------------------------------------------ the wrapper


def _key_part(x):
    if isinstance(x, Tensor):
        a = x._data
        return (a.shape, a.dtype.char, x._requires_grad)
    if isinstance(x, (int, float, str, bool, type(None))):
        return (type(x), x)
    if isinstance(x, (tuple, list)):
        return (type(x), tuple(_key_part(i) for i in x))
    return (type(x), id(x))


class CompiledFunction:
    """``jitgrad.compile(fn)``: calls ``fn`` through the compiled graphs."""

    def __init__(self, fn, fullgraph=False):
        self._fn = fn
        self._fullgraph = fullgraph
        self._entries = {}            # guard key -> [entry]
        self._eager_keys = set()
        self._traces = 0
        self._warned = False
        functools.update_wrapper(self, fn)

    def __get__(self, obj, objtype=None):
        # as a method decorator: bind like a function
        return self if obj is None else functools.partial(self.__call__, obj)

    def _key(self, args, kwargs):
        key = (grad_state.enabled, dtypes.get_default_dtype(),
               tuple(map(_key_part, args)) if args else ())
        if kwargs:
            key += (tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())),)
        return key

    def __call__(self, *args, **kwargs):
        if kwargs:
            return self._fn(*args, **kwargs)     # keyword arguments: not captured yet
        key = self._key(args, kwargs)
        entries = self._entries.get(key)
        if entries:
            for entry in entries:
                result = entry.run(args)
                if result is not MISS:
                    return result
            logs.log("recompiles", f"{self._name()}: a guard failed (shapes of tensors read "
                     "from outside, .grad being None, or module.training); retracing")
        if key in self._eager_keys:
            return self._fn(*args, **kwargs)
        if self._traces >= config.cache_size_limit:
            if not self._warned:
                self._warned = True
                warnings.warn(f"jitgrad.compile: {self._name()} hit cache_size_limit "
                              f"({config.cache_size_limit}); running eagerly from now on",
                              stacklevel=2)
            return self._fn(*args, **kwargs)
        if self._traces:
            logs.log("recompiles", f"{self._name()}: new guard key {key!r}")
        return self._trace(key, args, kwargs)

    def _name(self):
        return getattr(self._fn, "__qualname__", repr(self._fn))

    def _trace(self, key, args, kwargs):
        self._traces += 1
        start = time.perf_counter()
        result, tr = trace(self._fn, args, kwargs, self._fullgraph)
        entry = None
        if tr.broken is None:
            try:
                if logs.enabled("graph"):
                    logs.log("graph", f"{self._name()}:\n{tr.graph.dump()}")
                entry = _Entry(tr, result, self._name())
            except GraphBreak as e:
                tr.broken = e
        if tr.broken is not None:
            if self._fullgraph:
                raise tr.broken
            self._eager_keys.add(key)
            warnings.warn(f"jitgrad.compile: graph break in {self._name()}: {tr.broken}; "
                          "this function runs eagerly for these inputs", stacklevel=3)
            logs.log("breaks", str(tr.broken))
            return result
        self._entries.setdefault(key, []).append(entry)
        seconds, existed = entry.compile_note
        logs.log("recompiles", f"{self._name()}: traced and compiled in "
                 f"{time.perf_counter() - start:.3f} s ({'cache hit' if existed else 'new kernels'})")
        return result

    def reset(self):
        self._entries.clear()
        self._eager_keys.clear()
        self._traces = 0
        self._warned = False
