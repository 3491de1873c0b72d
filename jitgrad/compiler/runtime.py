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
import sys
import threading
import time
import warnings

import numpy as np

from .. import dtypes, parallel
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
        # chunks of the forward end where optimizer.step() runs
        bounds = [0, *sorted({i for i, *_ in tr.effects}), n_forward]
        chunks = [forward_ops[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)]
        states = tr.effect_states + [(tr.grads, tr.writes)]
        # python-side values each chunk's end needs (shaped arrays)
        wanted = []
        for k, (grads_k, writes_k) in enumerate(states):
            w = [g for _, g in grads_k.values() if g is not None] + [v for _, v in writes_k.values()]
            if k == len(chunks) - 1:
                w += result_values
            wanted.append(w)
        self.backward_steps = None
        if self.diff_output is not None:
            targets = [g for _, g in grad_targets if g is not None]
            plan = _Plan("backward", [backward_ops], [targets], (), first=[seed])
            self.backward_steps = [step for step, _ in plan.steps]
            self.seed = seed
            self.grad_targets = grad_targets
        plan_f = _Plan("forward", chunks, wanted, backward_ops)
        for v in plan_f.from_inputs:
            if not codegen.is_constant(v):
                # torch.compile returns such a view aliasing the argument
                raise GraphBreak("a result that is an argument or a view of one", None)
        self.steps = [(step, None if k is None else
                       (states[k], tr.effects[k][1:] if k < len(tr.effects) else None))
                      for step, k in plan_f.steps]
        if self.backward_steps is not None:
            # what the backward reads from the forward: arrays, and each extern
            # call's context (its eager graph)
            self.backward_inputs = plan.inputs + plan.contexts
        self._compile(tr)
        from .driver import make_driver
        self.run, self.driver_source = make_driver(self, tr, spec, outs)

    def _compile(self, tr):
        segments = [s for s, _ in self.steps] + (self.backward_steps or [])
        segments = [s for s in segments if isinstance(s, codegen.Segment) and s.fn is None]
        # (tapes run as they are)
        start = time.perf_counter()
        existed = True
        if segments:
            source = "\n\n\n".join(s.source for s in segments)
            logs.log("fusion", f"{self.name}: generated kernels:\n{source}")
            module, existed = cache.load(source)
            for s in segments:
                s.fn = getattr(module, s.name)
                # compile (or load from the cache) now, so the trace call pays for it
                s.fn.compile(_signature(s, tr, self))
        self.compile_note = (time.perf_counter() - start, existed)
        self.scratch = {s.name: [np.empty(v.size, v.dtype) for v in s.scratch] for s in segments}
        self.kept = {s.name: [None] * len(s.fresh) for s in segments}
        self.lock = threading.Lock()

    def buffers(self, seg, shared=True):
        """Output arrays, then the segment's scratch arrays: the reused
        ones when ``shared`` (the caller holds ``lock``), else fresh ones.

        An output array is the previous call's again once nothing else refers
        to it (its results, and any view of them, are gone: a training loop
        sets ``.grad = None`` or drops last step's loss), as a caching
        allocator would hand back freed memory: a new large array costs a
        page fault and the kernel's zeroing per page at its first touch."""
        kept = self.kept[seg.name]
        out = []
        for k, v in enumerate(seg.fresh):
            a = kept[k]
            # (kept's reference, ``a`` and getrefcount's own argument: any other
            # holder, a view or another thread's call using it, counts too)
            if a is None or sys.getrefcount(a) > 3:
                a = kept[k] = np.empty(v.size, v.dtype)
            out.append(a)
        if seg.scratch:
            out += (self.scratch[seg.name] if shared
                    else [np.empty(v.size, v.dtype) for v in seg.scratch])
        return out

    def call_ranged(self, seg, *args):
        """Run ranged segment ``seg`` (codegen.RANGED_MIN) in chunks on
        jitgrad's threads, then add each full sum's partials in chunk order."""
        args = [a if a.flags.c_contiguous else np.ascontiguousarray(a) for a in args]
        shared = self.lock.acquire(False)
        try:
            buffers = self.buffers(seg, shared)
            parts = np.empty((len(seg.sums), seg.chunks), np.float64)
            result = []

            def chunks(c0, c1):
                r = seg.fn(*args, *buffers, parts, c0, c1)
                if c0 == 0:
                    result.append(r)

            parallel.run(chunks, seg.chunks)
            fresh, scratch = seg.fresh, seg.scratch
            for k, v in enumerate(seg.sums):
                buf = buffers[fresh.index(v)] if v in fresh else \
                    buffers[len(fresh) + scratch.index(v)]
                parallel.add_partials(parts[k], buf)    # (in a fixed order)
            return result[0]
        finally:
            if shared:
                self.lock.release()

    def call_with_scratch(self, seg, *args):
        """Run ``seg`` on the reused scratch arrays, or on fresh ones while
        another thread is using them (the kernels release the GIL)."""
        if self.lock.acquire(False):
            try:
                return seg.fn(*args, *self.buffers(seg, True))
            finally:
                self.lock.release()
        return seg.fn(*args, *self.buffers(seg, False))


_EXTERN = ("extern", "extern_vjp")


class _Plan:
    """The steps that run ``chunks`` of ops: a generated segment for each run
    of fusable ops, and the extern calls (eager ops, ``extern.py``) between
    them. Each chunk ends with a segment, which also materialises the
    values Python reads at that point (``wanted[k]``).

    - ``steps``: (Segment, extern Op or None, k), k the chunk's index at
      the last step of a chunk, else None;
    - ``inputs``: bases the steps read and don't produce (``first`` first);
    - ``contexts``: extern ops of an earlier plan whose context the steps need;
    - ``from_inputs``: wanted values no step produces (views of inputs)."""

    def __init__(self, name, chunks, wanted, later_ops, first=()):
        pieces, ends = [], []
        for ops in chunks:
            run = []
            for op in ops:
                if op.kind in _EXTERN:
                    if run:
                        pieces.append(run)
                        run = []
                    pieces.append(op)
                else:
                    run.append(op)
            pieces.append(run)
            ends.append(len(pieces) - 1)
        produced_in = {}
        for j, piece in enumerate(pieces):
            for op in _ops_of(piece):
                for v in op.attrs.get("outs", (op.out,)):
                    produced_in[v] = j
        crossing = [dict() for _ in pieces]
        used = dict.fromkeys(first)
        self.contexts = {}

        def read(v, j):
            base = codegen.layout(v)[0]
            i = produced_in.get(base)
            if i is not None and i != j:
                crossing[i][base] = None
            elif i is None and not codegen.is_constant(base):
                used[base] = None
        for j, piece in enumerate(pieces):
            for op in _ops_of(piece):
                for v in op.inputs:
                    read(v, j)
                if op.kind == "extern_vjp" and op.attrs["forward"].out not in produced_in:
                    self.contexts[op.attrs["forward"]] = None
        for op in later_ops:
            for v in op.inputs:
                read(v, None)
        self.inputs = list(used)
        self.contexts = list(self.contexts)
        values_of = [dict() for _ in pieces]
        self.from_inputs = []
        for k, values in enumerate(wanted):
            for v in values:
                base = codegen.layout(v)[0]
                j = produced_in.get(base)
                if j is None:
                    self.from_inputs.append(v)
                elif not isinstance(pieces[j], list):
                    if v is base:
                        continue                # an extern call's result, as it is
                    j = None
                values_of[ends[k] if j is None else j][v] = None
        self.steps = []
        for j, piece in enumerate(pieces):
            k = ends.index(j) if j in ends else None
            if not isinstance(piece, list):
                step = piece
            elif piece or values_of[j]:
                step = _segment(f"{name}_{j}", piece, _inputs_of(piece),
                                sorted(crossing[j], key=lambda v: v.id), list(values_of[j]))
            else:
                step = None
            self.steps.append((step, k))


def _ops_of(piece):
    return piece if isinstance(piece, list) else (piece,)


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


def _signature(seg, tr, entry):
    """The argument types of a segment's call from the driver."""
    types_ = [_arg_type(v, tr, entry) for v in [*seg.inputs, *seg.fresh, *seg.scratch]]
    if seg.chunks:
        from numba.core import types
        # call_ranged passes the inputs C-contiguous, then (parts_, c0_, c1_)
        types_[:len(seg.inputs)] = [t.copy(layout="C") for t in types_[:len(seg.inputs)]]
        types_ += [types.float64[:, ::1], types.int64, types.int64]
    return tuple(types_)


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
    if v.op is not None and v.op.kind in _EXTERN:
        # an eager op's result: a C-contiguous array of its shape
        return types.Array(numpy_support.from_dtype(v.dtype), len(v.shape), "C")
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
