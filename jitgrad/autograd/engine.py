"""The backward engine: one iterative walk with dependency counts.

Gradients travel as numpy arrays. A buffer is "owned" when its memory is
new (a node's fresh output, or a view of one, or a sum of two) and
"borrowed" when it shares memory with the gradient the node received (a
pass-through such as AddBackward0, or a view of it), which may be another
buffer or the caller's gradient. A leaf may keep an owned array as its
``.grad``; a borrowed one is copied first. So nodes must never return one
fresh array for two inputs, nor a view of an array saved in forward.
"""
from ..kernels.elementwise import add_forward as _add_kernel
from ..parallel import ELEMENTWISE_MIN as _PAR_MIN
from ..parallel import copy as _parallel_copy
from ..parallel import elementwise as _parallel_elementwise
from .. import messages
from ..tensor import _wrap
from .anomaly_mode import apply_checked
from .anomaly_mode import state as anomaly_state
from .graph import AccumulateGrad


def _dependencies(roots):
    """How many edges lead into each node reachable from ``roots``."""
    deps = {}
    stack = list(roots)
    seen = set(roots) if len(roots) > 1 else ()
    while stack:
        for nxt in stack.pop()._next:
            if nxt is None:
                continue
            count = deps.get(nxt)
            if count is None:
                deps[nxt] = 1
                if nxt not in seen:
                    stack.append(nxt)
            else:
                deps[nxt] = count + 1
    return deps


def add_forward(a, b, out):
    if out.size < _PAR_MIN:
        _add_kernel(a, b, out)
    else:
        _parallel_elementwise(_add_kernel, (a, b, out), out.size)


def _copy(a):
    return a.copy() if a.size < _PAR_MIN else _parallel_copy(a)


def _add(a, b):
    if type(a) is not type(b) or not hasattr(a, "dtype"):
        return a.merge(b)               # the per-output gradients of one Function
    out = _copy(a) if a.dtype == b.dtype else a.astype(b.dtype)
    if b.flags.c_contiguous and out.shape == b.shape:
        add_forward(out.reshape(-1), b.reshape(-1), out.reshape(-1))
    else:
        out += b
    return out


# queue_callback: one list per running backward (a hook may start another),
# None until a callback is queued; the callbacks run when the walk ends
_callbacks = []


def queue_callback(callback):
    """torch's ``Variable._execution_engine.queue_callback``: run ``callback``
    (no arguments) once the current backward pass has finished."""
    if not _callbacks:
        raise RuntimeError(messages.QUEUE_CALLBACK_OUTSIDE_BACKWARD)
    if _callbacks[-1] is None:
        _callbacks[-1] = []
    _callbacks[-1].append(callback)


def _run_queued(queued):
    # still "during backward": a callback may queue another, which runs too
    _callbacks.append(queued)
    try:
        i = 0
        while i < len(queued):
            queued[i]()
            i += 1
    finally:
        _callbacks.pop()


class _ExecutionEngine:
    """``torch.autograd.Variable._execution_engine``."""
    queue_callback = staticmethod(queue_callback)


def _run_post_hooks(node, leaf):
    for hook in list(node._post_hooks.values()):
        hook(leaf)


def _run_backward(roots, root_grads, keep_graph, capture=None):
    """Propagate ``root_grads`` (arrays) from ``roots`` (nodes) to the leaves.

    With ``capture`` (a dict node -> None) the gradients arriving at those
    nodes are stored in it and no leaf's ``.grad`` is touched; this is how
    ``autograd.grad`` and ``backward(inputs=...)`` ask for gradients.
    """
    deps = _dependencies(roots)
    anomaly = anomaly_state[0]
    if len(roots) == 1:
        buffers = {roots[0]: (root_grads[0], False)}
        ready = [roots[0]]
    else:
        buffers = {}
        for node, g in zip(roots, root_grads):
            prev = buffers.get(node)
            buffers[node] = (g, False) if prev is None else (_add(prev[0], g), True)
        ready = [n for n in buffers if n not in deps]
    pop = buffers.pop
    get = buffers.get
    while ready:
        node = ready.pop()
        grad, owned = pop(node, _NO_GRAD)
        if grad is not None and node._hooks:
            grad, owned = _run_hooks(node, grad, owned)
        if type(node) is AccumulateGrad:
            if capture is not None:
                if node in capture:
                    capture[node] = grad
            elif grad is not None:
                _accumulate_node(node, grad, owned)
            continue
        if capture is not None and node in capture:
            capture[node] = grad
        if grad is None:
            grads = _NO_GRADS
        elif anomaly:
            grads = apply_checked(node, grad, node.apply)
        else:
            if node._checks is not None:
                node.check_versions()
            grads = node.apply(grad)
        if not keep_graph:
            node.release()
        for nxt, gi in zip(node._next, grads):
            if nxt is None:
                continue
            d = deps[nxt] - 1
            if gi is not None:
                # numpy points a view's base at the array that owns the memory
                gi_owned = (gi if gi.base is None else gi.base) is not \
                    (grad if grad.base is None else grad.base)
                # a leaf reached by this one edge only: accumulate right away
                if (d == 0 and type(nxt) is AccumulateGrad and capture is None
                        and not nxt._hooks and nxt not in buffers):
                    deps[nxt] = 0
                    leaf = nxt._variable()
                    if leaf is not None:
                        _accumulate_fast(leaf, gi, gi_owned)
                        if nxt._post_hooks:
                            _run_post_hooks(nxt, leaf)
                    continue
                prev = get(nxt)
                if prev is None or prev[0] is None:
                    buffers[nxt] = (gi, gi_owned)
                else:
                    buffers[nxt] = (_add(prev[0], gi), True)
            deps[nxt] = d
            if d == 0:
                ready.append(nxt)


_NO_GRAD = (None, False)


class _NoGrads:
    """Stands for a node's outputs when no gradient reached the node."""
    def __getitem__(self, i):
        return None

    def __iter__(self):
        while True:
            yield None


_NO_GRADS = _NoGrads()


def _run_hooks(node, grad, owned):
    # hooks see and return Tensors (register_hook's contract)
    for hook in node._hooks:
        result = hook(_wrap(grad))
        if result is not None:
            grad, owned = result._data, False
    return grad, owned


def _accumulate_fast(leaf, grad, owned):
    """``accumulate`` with the two hot cases first: a first gradient of the
    leaf's shape and dtype, and a 1-d gradient added in place."""
    data = leaf._data
    existing = leaf._grad
    if grad.shape == data.shape and grad.dtype == data.dtype:
        if existing is None:
            leaf._grad = _wrap(grad if owned else _copy(grad))
            return
        gd = existing._data
        if gd.ndim == 1 and gd.shape == grad.shape:
            add_forward(gd, grad, gd)
            return
    accumulate(leaf, grad, owned)


def _accumulate_node(node, grad, owned):
    leaf = node._variable()
    if leaf is not None:
        accumulate(leaf, grad, owned)
        if node._post_hooks:
            _run_post_hooks(node, leaf)


def accumulate(leaf, grad, owned):
    """Add ``grad`` into ``leaf.grad`` in place (torch keeps the grad tensor)."""
    data = leaf._data
    if grad.dtype != data.dtype:
        grad, owned = grad.astype(data.dtype), True
    if grad.shape != data.shape:
        grad = grad.reshape(data.shape)
    existing = leaf._grad
    if existing is None:
        leaf._grad = _wrap(grad if owned else _copy(grad))
        return
    gd = existing._data
    if gd.ndim == 1 and grad.ndim == 1:
        add_forward(gd, grad, gd)
    elif gd.flags.c_contiguous and grad.flags.c_contiguous:
        flat = gd.reshape(-1)
        add_forward(flat, grad.reshape(-1), flat)
    else:
        existing._data = gd + grad


def _run_backward_graph(roots, root_grads, keep_graph, capture=None):
    """``create_graph=True``: the same walk, with gradients as Tensors and each
    node's ``apply_graph`` (Tensor ops, recorded under enable_grad), so the
    gradients come with a graph of their own."""
    from .grad_mode import enable_grad
    with enable_grad():
        deps = _dependencies(roots)
        buffers = {}
        for node, g in zip(roots, root_grads):
            prev = buffers.get(node)
            buffers[node] = g if prev is None else prev + g
        ready = [n for n in buffers if n not in deps]
        while ready:
            node = ready.pop()
            grad = buffers.pop(node, None)
            if grad is not None and node._hooks:
                for hook in node._hooks:
                    result = hook(grad)
                    if result is not None:
                        grad = result
            if capture is not None and node in capture:
                capture[node] = grad
            if type(node) is AccumulateGrad:
                if capture is None and grad is not None:
                    leaf = node._variable()
                    if leaf is not None:
                        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
                        if node._post_hooks:
                            _run_post_hooks(node, leaf)
                continue
            if grad is not None and anomaly_state[0]:
                grads = apply_checked(node, grad, node.apply_graph)
            elif grad is not None:
                if node._checks is not None:
                    node.check_versions()
                grads = node.apply_graph(grad)
            else:
                grads = _NO_GRADS
            if not keep_graph:
                node.release()
            for nxt, gi in zip(node._next, grads):
                if nxt is None:
                    continue
                if gi is not None:
                    prev = buffers.get(nxt)
                    buffers[nxt] = gi if prev is None else (
                        prev.merge(gi) if hasattr(prev, "merge") else prev + gi)
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)


def run_backward(roots, root_grads, keep_graph, capture=None):
    """``_run_backward``, then the callbacks queued during it."""
    _callbacks.append(None)
    try:
        _run_backward(roots, root_grads, keep_graph, capture)
    finally:
        queued = _callbacks.pop()
    if queued is not None:
        _run_queued(queued)


def run_backward_graph(roots, root_grads, keep_graph, capture=None):
    """``_run_backward_graph``, then the callbacks queued during it."""
    _callbacks.append(None)
    try:
        _run_backward_graph(roots, root_grads, keep_graph, capture)
    finally:
        queued = _callbacks.pop()
    if queued is not None:
        _run_queued(queued)
