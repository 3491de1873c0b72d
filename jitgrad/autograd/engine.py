"""The backward engine: one iterative walk with dependency counts.

Gradients travel as numpy arrays. A buffer is "owned" when the engine
created it (a node's fresh output or a sum of two), and "borrowed" when it
may alias another buffer or the caller's gradient (a pass-through such as
AddBackward0, or a view). A leaf may keep an owned array as its ``.grad``;
a borrowed one is copied first.
"""
from ..kernels.elementwise import add_forward
from .graph import AccumulateGrad


def _dependencies(roots):
    deps = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for nxt in node._next:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def _add(a, b):
    out = a.copy() if a.dtype == b.dtype else a.astype(b.dtype)
    if b.flags.c_contiguous and out.shape == b.shape:
        add_forward(out.reshape(-1), b.reshape(-1), out.reshape(-1))
    else:
        out += b
    return out


def run_backward(roots, root_grads, keep_graph, capture=None):
    """Propagate ``root_grads`` (arrays) from ``roots`` (nodes) to the leaves.

    With ``capture`` (a dict node -> None) the gradients arriving at those
    nodes are stored in it and no leaf's ``.grad`` is touched; this is how
    ``autograd.grad`` and ``backward(inputs=...)`` ask for gradients.
    """
    deps = _dependencies(roots)
    buffers = {}
    for node, g in zip(roots, root_grads):
        if node in buffers:
            buffers[node] = (_add(buffers[node][0], g), True)
        else:
            buffers[node] = (g, False)
    ready = [n for n in buffers if n not in deps]
    while ready:
        node = ready.pop()
        grad, owned = buffers.pop(node, (None, False))
        if grad is not None and node._hooks:
            for hook in node._hooks:
                result = hook(grad)
                if result is not None:
                    grad, owned = result, False
        if capture is not None:
            if node in capture:
                capture[node] = grad
            if isinstance(node, AccumulateGrad):
                continue
        elif isinstance(node, AccumulateGrad):
            if grad is not None:
                accumulate(node.variable, grad, owned)
            continue
        grads = node.apply(grad) if grad is not None else None
        if not keep_graph:
            node.release()
        nexts = node._next
        for i in range(len(nexts)):
            nxt = nexts[i]
            if nxt is None:
                continue
            gi = grads[i] if grads is not None else None
            if gi is not None:
                prev = buffers.get(nxt)
                if prev is None or prev[0] is None:
                    buffers[nxt] = (gi, gi is not grad and gi.base is None)
                else:
                    buffers[nxt] = (_add(prev[0], gi), True)
            d = deps[nxt] - 1
            deps[nxt] = d
            if d == 0:
                ready.append(nxt)


def accumulate(leaf, grad, owned):
    """Add ``grad`` into ``leaf.grad`` in place (torch keeps the grad tensor)."""
    from ..tensor import _wrap
    data = leaf._data
    if grad.dtype != data.dtype:
        grad, owned = grad.astype(data.dtype), True
    if grad.shape != data.shape:
        grad = grad.reshape(data.shape)
    existing = leaf._grad
    if existing is None:
        leaf._grad = _wrap(grad if owned and grad.base is None else grad.copy())
        return
    gd = existing._data
    if gd.flags.c_contiguous and grad.flags.c_contiguous:
        flat = gd.reshape(-1)
        add_forward(flat, grad.reshape(-1), flat)
    else:
        existing._data = gd + grad
