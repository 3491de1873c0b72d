"""Hooks the engine runs on a node's incoming gradient."""
import weakref
from collections import OrderedDict

from .. import messages
from ..tensor import _wrap


def retain_grad_hook(tensor):
    """Store the gradient (a Tensor) of a non-leaf ``tensor`` in its ``.grad``
    (accumulating, as a leaf's would), without keeping the tensor alive."""
    ref = weakref.ref(tensor)

    def hook(grad):
        t = ref()
        if t is None:
            return None
        if grad._grad_fn is None:
            grad = _wrap(grad._data.copy())
        t._grad = grad if t._grad is None else t._grad + grad
        return None
    return hook


def tensor_hook(tensor, hook):
    """``tensor.register_hook(hook)``: hook(grad) may return a replacement."""
    from .graph import grad_accumulator
    if not tensor._requires_grad:
        raise RuntimeError(messages.HOOK_NO_REQUIRES_GRAD)
    node = tensor._grad_fn or grad_accumulator(tensor)
    return node.register_prehook(_checked(hook))


def _checked(hook):
    # a closure per hook: hooks are plain Python, nothing here is compiled
    def run(grad):
        result = hook(grad)
        if result is not None and tuple(result.shape) != tuple(grad.shape):
            raise RuntimeError(f"hook '{getattr(hook, '__name__', 'hook')}' has changed the "
                               "size of value")
        return result
    return run


class RemovableHandle:
    """torch.utils.hooks.RemovableHandle: ``remove()`` takes the hook out of
    its dict (also on leaving a ``with`` block)."""
    next_id = 0

    def __init__(self, hooks_dict):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1

    def remove(self):
        hooks = self.hooks_dict_ref()
        if hooks is not None and self.id in hooks:
            del hooks[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.remove()


def post_accumulate_grad_hook(tensor, hook):
    """``tensor.register_post_accumulate_grad_hook(hook)``: ``hook(tensor)``
    runs after each backward pass has accumulated into the leaf's ``.grad``."""
    from .graph import grad_accumulator
    if not tensor._requires_grad:
        raise RuntimeError(messages.HOOK_NO_REQUIRES_GRAD)
    if tensor._grad_fn is not None:
        raise RuntimeError(messages.POST_ACCUMULATE_HOOK_NON_LEAF)
    node = grad_accumulator(tensor)
    if node._post_hooks is None:
        node._post_hooks = OrderedDict()
    handle = RemovableHandle(node._post_hooks)
    node._post_hooks[handle.id] = hook
    return handle
