"""Hooks the engine runs on a node's incoming gradient."""
import weakref

from ..tensor import _wrap


def retain_grad_hook(tensor):
    """Store the gradient of a non-leaf ``tensor`` in its ``.grad`` (accumulating,
    as a leaf's would), without keeping the tensor alive."""
    ref = weakref.ref(tensor)

    def hook(grad):
        t = ref()
        if t is None:
            return None
        if t._grad is None:
            t._grad = _wrap(grad.copy())
        else:
            t._grad = _wrap(t._grad._data + grad)
        return None
    return hook
