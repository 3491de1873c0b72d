"""Graph nodes. Every differentiable op records one ``Node`` whose class is
named as torch names it (``MulBackward0``); ``AccumulateGrad`` ends the
graph at a leaf.

A node holds only numpy arrays and its parent nodes, never the tensors it
produced, so a graph is freed by reference counting alone (no cycles).
"""
import weakref

from .. import messages


class Node:
    """``_next``: the nodes of the inputs' gradients (None where none flows).
    ``_saved``: what backward needs (arrays, shapes), dropped after backward.
    ``_checks``: for each saved tensor, (version counter, version when saved,
    source), so backward can refuse a tensor changed in place since. The
    source names the culprit in the error: the input tensor, or for the
    node's own output (which it must not reference: a cycle) (node name,
    shape, dtype). ``release`` drops both, so after backward a node holds
    no tensor and no array (torch frees its SavedVariables the same way)."""
    __slots__ = ("_next", "_saved", "_hooks", "_checks", "__weakref__")

    def __init__(self, next_nodes, saved, checks=None):
        self._next = next_nodes
        self._saved = saved
        self._hooks = None
        self._checks = checks

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return tuple((n, 0) for n in self._next)

    def _saved_or_raise(self):
        saved = self._saved
        if saved is None:
            raise RuntimeError(messages.BACKWARD_TWICE)
        return saved

    def check_versions(self):
        for vc, expected, source in self._checks:
            if vc[0] != expected:
                if type(source) is tuple:
                    producer, shape, dtype = source
                else:
                    fn = source._grad_fn
                    producer, shape, dtype = fn and type(fn).__name__, source.shape, source._data.dtype
                from .anomaly_mode import state as anomaly_state
                raise RuntimeError(messages.modified_by_inplace(
                    shape, dtype, producer, vc[0], expected, anomaly_state[0]))

    def release(self):
        # nodes that save nothing stay runnable, as torch's AddBackward0 does
        if self._saved:
            self._saved = None
            self._checks = None

    def apply(self, grad):
        """The fast path: gradient (numpy array) of the output -> tuple of
        gradient arrays, one per entry of ``_next`` (None where none flows),
        computed with kernels."""
        raise NotImplementedError

    def apply_graph(self, grad):
        """The ``create_graph=True`` path: the same gradients computed with
        jitgrad Tensor ops on ``grad`` (a Tensor), so that the backward pass is
        itself recorded and can be differentiated again. Inputs whose values
        the formula needs are kept in ``_saved`` as Tensor objects; the node's
        own output is rebuilt with ``self.output(array)`` (a node must not
        reference its output tensor: that would be a cycle)."""
        raise NotImplementedError(
            f"double backward (create_graph=True) through {type(self).__name__} is not "
            "supported yet")

    def output(self, array):
        """This node's output as a Tensor whose grad_fn is this node."""
        from ..tensor import _wrap_result
        return _wrap_result(array, self)

    def __call__(self, grad):
        return self.apply(grad)

    def register_prehook(self, hook):
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class MetadataNode(Node):
    """A node whose saved state is only shapes and dtypes, which torch keeps
    after backward: running it again is allowed."""
    __slots__ = ()

    def release(self):
        pass


class _RemovableHandle:
    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class AccumulateGrad(Node):
    """Sink of a leaf: adds the incoming gradient into ``variable.grad``.

    The leaf owns its AccumulateGrad (one per leaf, shared by every graph
    that uses it) and the node refers back weakly, so no cycle forms.
    """
    __slots__ = ("_variable", "_post_hooks")

    def __init__(self, variable):
        Node.__init__(self, (), ())
        self._variable = weakref.ref(variable)
        # ``register_post_accumulate_grad_hook``: called with the leaf after
        # each accumulation into its ``.grad`` (DistributedDataParallel's cue)
        self._post_hooks = None

    @property
    def variable(self):
        return self._variable()


def saved_version(tensor):
    """The check entry for saving input ``tensor``'s current contents."""
    vc = tensor._vc
    return vc, vc[0], tensor


def output_version(result, node):
    """The check entry for ``node`` saving its own output tensor ``result``."""
    vc = result._vc
    return vc, vc[0], (type(node).__name__, result._data.shape, result._data.dtype)


def grad_accumulator(tensor):
    acc = tensor._accumulator
    if acc is None:
        acc = tensor._accumulator = AccumulateGrad(tensor)
    return acc


def edge(tensor):
    """The node a gradient for ``tensor`` flows into, or None."""
    fn = tensor._grad_fn
    if fn is not None:
        return fn
    if tensor._requires_grad:
        return tensor._accumulator or grad_accumulator(tensor)
    return None


def node_class(name, base, **attrs):
    """A class named as torch names the node (``type(fn).__name__`` and the repr
    read as torch's); ``attrs`` become class attributes, e.g. the op entry."""
    return type(name, (base,), {"__slots__": (), **attrs})
