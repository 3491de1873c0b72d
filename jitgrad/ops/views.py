"""Views: reshape/view, transpose, t, permute. Their forward is a numpy
view (no copy, no kernel) and their backward the inverse view of grad."""
import numpy as np

from .. import messages
from ..autograd.graph import MetadataNode, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result, _wrap_view
from .shapes import int_arg, normalize_dim


class ReshapeNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        (in_shape,) = self._saved
        return (grad.reshape(in_shape),)

    def apply_graph(self, grad):
        (in_shape,) = self._saved
        return (reshape(grad, in_shape),)


class PermuteNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        (inverse,) = self._saved
        return (grad.transpose(inverse),)

    def apply_graph(self, grad):
        (inverse,) = self._saved
        return (permute(grad, inverse),)


_VIEW_NODE = node_class("ViewBackward0", ReshapeNode)
_UNSAFE_VIEW_NODE = node_class("UnsafeViewBackward0", ReshapeNode)
_PERMUTE_NODES = {name: node_class(name, PermuteNode)
                  for name in ("TransposeBackward0", "TransposeBackward1", "TBackward0",
                               "PermuteBackward0")}


def _record(x, out, node_cls, saved, is_view=True):
    """``out`` (a view of x, or a new array), recorded by a ``node_cls`` node
    when x needs grad."""
    if not (x._requires_grad and grad_state.enabled):
        return _wrap_view(out, x) if is_view else _wrap(out)
    node = node_cls((edge(x),), saved)
    return _wrap_view(out, x, node) if is_view else _wrap_result(out, node)


def _shape_arg(shape, fname="reshape", arg="shape"):
    """A size given as ints or as one sequence, checked as torch's parser does."""
    if len(shape) == 1:
        if isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        elif int_arg(shape[0]) is None:
            raise TypeError(messages.must_be(fname, arg, "tuple of ints", shape[0], 1))
    if all(type(s) is int for s in shape):
        return tuple(shape)
    out = []
    for i, s in enumerate(shape):
        v = int_arg(s)
        if v is None:
            raise TypeError(messages.unpack_ints(
                fname, arg, i + 1, f"type must be tuple of ints,but got {type(s).__name__}"))
        out.append(v)
    return tuple(out)


_infer_cache = {}


def infer_shape(shape, numel):
    key = (shape, numel)
    r = _infer_cache.get(key)
    if r is None:
        if sum(1 for s in shape if s == -1) > 1:
            raise RuntimeError(messages.ONE_INFERRED_DIM)
        known = 1
        for i, s in enumerate(shape):
            if s != -1:
                if s < 0:
                    raise RuntimeError(messages.negative_shape_dim(s, i, shape))
                known *= s
        if -1 in shape:
            if known == 0 and numel == 0:
                raise RuntimeError(messages.ambiguous_reshape(shape))
            if known == 0 or numel % known:
                raise RuntimeError(messages.invalid_shape(shape, numel))
            r = tuple(numel // known if s == -1 else s for s in shape)
        elif known != numel:
            raise RuntimeError(messages.invalid_shape(shape, numel))
        else:
            r = shape
        _infer_cache[key] = r
    return r


def reshape(x, *shape):
    a = x._data
    new_shape = infer_shape(_shape_arg(shape, "reshape", "shape"), a.size)
    try:
        out = np.reshape(a, new_shape, copy=False)
        return _record(x, out, _VIEW_NODE, (a.shape,))
    except ValueError:
        out = np.reshape(a, new_shape)         # torch copies, then views the copy
        return _record(x, out, _UNSAFE_VIEW_NODE, (a.shape,), is_view=False)


def view(x, *shape):
    a = x._data
    new_shape = infer_shape(_shape_arg(shape, "view", "size"), a.size)
    try:
        out = np.reshape(a, new_shape, copy=False)
    except ValueError:
        raise RuntimeError(messages.VIEW_NOT_CONTIGUOUS) from None
    return _record(x, out, _VIEW_NODE, (a.shape,))


def transpose(x, dim0, dim1, node="TransposeBackward0"):
    """``x.transpose(dim0, dim1)``; ``node`` names the node (torch's in-place
    ``transpose_`` records TransposeBackward1)."""
    a = x._data
    d0 = normalize_dim(dim0, a.ndim)
    d1 = normalize_dim(dim1, a.ndim)
    perm = list(range(a.ndim))
    if a.ndim:                          # (a 0-d tensor takes dims 0 and -1: itself)
        perm[d0], perm[d1] = perm[d1], perm[d0]
    return _record(x, a.transpose(perm), _PERMUTE_NODES[node], (perm,))


def t(x):
    a = x._data
    if a.ndim > 2:
        raise RuntimeError(messages.t_too_many_dims(a.ndim))
    perm = tuple(range(a.ndim))[::-1]
    return _record(x, a.transpose(perm), _PERMUTE_NODES["TBackward0"], (perm,))


def permute(x, *dims):
    a = x._data
    dims = _shape_arg(dims, "permute", "dims")
    if len(dims) != a.ndim:
        raise RuntimeError(messages.permute_length(a.ndim, len(dims)))
    perm = [normalize_dim(d, a.ndim) for d in dims]
    if len(set(perm)) != len(perm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    inverse = tuple(np.argsort(perm))
    return _record(x, a.transpose(perm), _PERMUTE_NODES["PermuteBackward0"], (inverse,))


def numpy_T(x):
    """``x.T``: all dims reversed (torch records it as a permute)."""
    a = x._data
    perm = tuple(range(a.ndim))[::-1]
    return _record(x, a.transpose(perm), _PERMUTE_NODES["PermuteBackward0"], (perm,))


class CloneNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        return (grad,)

    def apply_graph(self, grad):
        return (grad,)


_CLONE_NODE = node_class("CloneBackward0", CloneNode)


def clone(x):
    return _record(x, x._data.copy(), _CLONE_NODE, (), is_view=False)
