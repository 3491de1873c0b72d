"""``jitgrad.autograd.Function``: user-defined ops with their own backward.

``apply`` runs ``forward`` under no_grad and records one node (the ``ctx``,
named ``<ClassName>Backward`` as in torch) whose backward calls the user's
``backward`` with Tensors. With several differentiable outputs, each output
gets a small selector node in front of the shared one, because jitgrad's
engine gives each node a single output gradient.
"""
from ..tensor import Tensor, _wrap
from .grad_mode import enable_grad, no_grad, state as grad_state
from .anomaly_mode import maybe_record
from .graph import Node, edge, saved_version


class FunctionCtx(Node):
    """The context passed to forward/backward; also the graph node."""
    # no __slots__: users store arbitrary attributes on ctx (ctx.k = k)

    def __init__(self):
        Node.__init__(self, (), ())
        self.to_save = ()
        self.non_differentiable = set()
        self.materialize_grads = True
        self.needs_input_grad = ()

    # ---- the ctx API used inside forward
    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def mark_non_differentiable(self, *outputs):
        self.non_differentiable.update(id(t) for t in outputs)

    def mark_dirty(self, *tensors):
        raise NotImplementedError("in-place Functions (ctx.mark_dirty) are not supported yet")

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        saved = self._saved_or_raise()
        return tuple(self.output(s[1]) if type(s) is tuple else s for s in saved)

    # ---- the node side
    def _grads_out(self, grad, wrap):
        """One gradient per forward output, zeros where none arrived."""
        grads = grad.grads if isinstance(grad, _OutputGrads) else (grad,)
        out = []
        for g, (shape, dtype) in zip(grads, self._output_meta):
            if g is None and self.materialize_grads:
                import numpy as np
                g = np.zeros(shape, dtype)
            out.append(None if g is None else (wrap(g) if wrap else g))
        return out

    def _input_grads(self, result):
        if not isinstance(result, tuple):
            result = (result,)
        n_args = len(self._input_slots)
        if len(result) != n_args:
            raise RuntimeError(f"function {type(self).__name__} returned an incorrect number "
                               f"of gradients (expected {n_args}, got {len(result)})")
        return [result[i] for i in self._input_slots_tensors]

    def apply(self, grad):
        with no_grad():
            result = self._fn.backward(self, *self._grads_out(grad, _wrap))
        return tuple(None if r is None else r._data for r in self._input_grads(result))

    def apply_graph(self, grad):
        grads = self._grads_out(grad, None) if isinstance(grad, _OutputGrads) else [grad]
        grads = [_wrap(g) if g is not None and not isinstance(g, Tensor) else g for g in grads]
        with enable_grad():
            result = self._fn.backward(self, *grads)
        return tuple(self._input_grads(result))


class _OutputGrads:
    """Gradients of several outputs of one Function, merged as they arrive."""
    __slots__ = ("grads",)
    base = "borrowed"           # the engine must never keep it as a leaf's .grad

    def __init__(self, grads):
        self.grads = grads

    def merge(self, other):
        return _OutputGrads([b if a is None else (a if b is None else a + b)
                             for a, b in zip(self.grads, other.grads)])


class _OutputSelector(Node):
    """Routes one output's gradient into its slot of the shared Function node."""
    __slots__ = ("index", "count")

    def apply(self, grad):
        grads = [None] * self.count
        grads[self.index] = grad
        return (_OutputGrads(grads),)

    apply_graph = apply


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``."""

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    @classmethod
    def _node_class(cls):
        node_cls = cls.__dict__.get("_jitgrad_node_class")
        if node_cls is None:
            name = cls.__name__ + "Backward"
            node_cls = type(name, (FunctionCtx,), {"_fn": cls})
            cls._jitgrad_node_class = node_cls
            cls._jitgrad_selector_class = type(name, (_OutputSelector,), {"__slots__": ()})
        return node_cls

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._node_class()()
        tensor_args = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        record = grad_state.enabled and any(ctx.needs_input_grad)
        with no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if not record:
            ctx.to_save = ()
            return outputs
        inputs = {id(args[i]) for i in tensor_args}
        # an input returned as it is becomes a new tensor on the same memory
        outs = tuple(_wrap(o._data) if isinstance(o, Tensor) and id(o) in inputs else o
                     for o in outs)
        differentiable = [i for i, o in enumerate(outs)
                          if isinstance(o, Tensor) and o._data.dtype.kind == "f"
                          and id(o) not in ctx.non_differentiable]
        ctx._next = tuple(edge(args[i]) for i in tensor_args)
        ctx._input_slots = range(len(args))
        ctx._input_slots_tensors = tensor_args
        ctx._output_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else
                            ((), None) for o in outs]
        out_ids = {id(o): i for i, o in enumerate(outs) if isinstance(o, Tensor)}
        # a saved output is kept as (index, array): holding the tensor would be a cycle
        ctx._saved = tuple((out_ids[id(t)], t._data) if id(t) in out_ids else t
                           for t in ctx.to_save)
        ctx._checks = tuple(saved_version(t) for t in ctx.to_save
                            if isinstance(t, Tensor) and id(t) not in out_ids) or None
        ctx.to_save = ()
        for i in differentiable:
            o = outs[i]
            if len(differentiable) == 1:
                o._grad_fn = ctx
            else:
                sel = cls._jitgrad_selector_class((ctx,), ())
                sel.index, sel.count = i, len(outs)
                o._grad_fn = sel
            o._requires_grad = True
            maybe_record(o._grad_fn)
        return outs[0] if single else outs
