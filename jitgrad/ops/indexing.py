"""``x[key]`` and ``x[key] = value``, with torch's node names.

Basic keys (ints, slices, None, ...) give views, and their backward writes
the gradient into a zero tensor through the same key. Keys with integer
tensors, lists or boolean masks copy, and their backward scatters with
``scatter_add`` over the flat positions the key selected, so repeated
indices accumulate.
"""
import math

import numpy as np

from .. import messages
from ..quiet import quiet
from ..autograd.graph import MetadataNode, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..kernels.indexing import scatter_add
from ..tensor import Tensor, _wrap, _wrap_result, _wrap_view
from ..autograd.anomaly_mode import maybe_record
from .shapes import sum_to_shape

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def _numpy_key(key):
    """The key with tensors as numpy arrays; and whether it is basic (a view)."""
    parts = key if isinstance(key, tuple) else (key,)
    out, basic = [], True
    for k in parts:
        if isinstance(k, Tensor):
            k = k._data
            if k.ndim == 0 and k.dtype.kind in "iu":
                k = int(k)
        if isinstance(k, slice) and k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero")
        if isinstance(k, bool) or not isinstance(k, _BASIC):
            basic = False
            if isinstance(k, (list, tuple)):
                k = np.asarray(k)
        out.append(k)
    return tuple(out), basic


def _basic_node_name(key):
    for k in reversed(key):
        if isinstance(k, (int, np.integer)):
            return "SelectBackward0"
        if k is None:
            return "UnsqueezeBackward0"
        if isinstance(k, slice) and k != slice(None):
            return "SliceBackward0"
    return "AliasBackward0"


def _index(data, key):
    if data.ndim == 0 and any(k is not None and k is not Ellipsis for k in key):
        raise IndexError(messages.INDEX_0D)
    try:
        return data[key]
    except IndexError as e:
        raise IndexError(str(e).replace(" axis ", " dimension ")) from None


class KeyNode(MetadataNode):
    """A node whose saved state starts with an indexing key. Ints and slices
    are metadata, kept so the node runs again; index arrays are saved tensors
    to torch, freed by backward."""
    __slots__ = ()

    def release(self):
        if self._saved is not None and any(isinstance(k, np.ndarray) for k in self._saved[0]):
            self._saved = None


class ViewIndexNode(KeyNode):
    __slots__ = ()

    def apply(self, grad):
        key, shape, dtype = self._saved_or_raise()
        return (_embed(grad, key, shape, False),)

    def apply_graph(self, grad):
        key, shape, dtype = self._saved_or_raise()
        return (index_embed(grad, key, shape, False),)


class GatherIndexNode(KeyNode):
    __slots__ = ()

    def apply(self, grad):
        key, shape, dtype = self._saved_or_raise()
        return (_embed(grad, key, shape, True),)

    def apply_graph(self, grad):
        key, shape, dtype = self._saved_or_raise()
        return (index_embed(grad, key, shape, True),)


def _embed(grad, key, shape, accumulate):
    """Zeros of ``shape`` holding ``grad`` at ``key`` (the adjoint of
    ``x[key]``); with ``accumulate`` (advanced keys) repeated positions sum."""
    if not accumulate:
        g = np.zeros(shape, grad.dtype)
        g[key] = grad
        return g
    numel = math.prod(shape)
    positions = np.arange(numel, dtype=np.int64).reshape(shape)[key].ravel()
    g = np.zeros(numel, grad.dtype)
    scatter_add(g, positions, np.ascontiguousarray(grad).ravel())
    return g.reshape(shape)


class EmbedNode(KeyNode):
    """The recorded backward of ``x[key]`` (for create_graph): its own
    backward takes ``grad[key]`` again."""
    __slots__ = ()

    def apply(self, grad):
        (key,) = self._saved_or_raise()
        return (np.asarray(grad[key]),)

    def apply_graph(self, grad):
        (key,) = self._saved_or_raise()
        return (getitem(grad, key),)


_EMBED_NODES = {name: node_class(name, EmbedNode) for name in
                ("SelectBackwardBackward0", "SliceBackwardBackward0", "IndexPutImplBackward0")}


def index_embed(g, key, shape, accumulate):
    """``_embed`` on a Tensor, recorded under torch's names for the
    backward of select, slice and index (select_backward, slice_backward,
    index_put with accumulate)."""
    name = "IndexPutImplBackward0" if accumulate else None
    if not accumulate:
        # torch indexes left to right, so the gradient's outermost node is the
        # backward of the key's first select or slice
        for k in key:
            if isinstance(k, (int, np.integer)):
                name = "SelectBackwardBackward0"
                break
            if isinstance(k, slice) and k != slice(None):
                name = "SliceBackwardBackward0"
                break
        if name is None:
            # only None, ``...`` and full slices: the embedding is a reshape
            return g if g._data.shape == shape else g.reshape(shape)
    out = _embed(g._data, key, shape, accumulate)
    if not (g._requires_grad and grad_state.enabled):
        return _wrap(out)
    if not accumulate and not any(k is Ellipsis for k in key):
        key = key + (Ellipsis,)            # grad[key] must stay an array
    return _wrap_result(out, _EMBED_NODES[name]((edge(g),), (key,)))


_VIEW_NODES = {name: node_class(name, ViewIndexNode) for name in
               ("SelectBackward0", "SliceBackward0", "UnsqueezeBackward0", "AliasBackward0")}
_INDEX_NODE = node_class("IndexBackward0", GatherIndexNode)


def getitem(x, key):
    key, basic = _numpy_key(key)
    data = x._data
    if basic and Ellipsis not in key:
        key = key + (Ellipsis,)            # numpy then returns a 0-d view, not a scalar
    out = _index(data, key)
    needs = x._requires_grad and grad_state.enabled
    if basic:
        node = _VIEW_NODES[_basic_node_name(key)]((edge(x),), (key, data.shape, data.dtype)) \
            if needs else None
        return _wrap_view(out, x, node)
    if not needs:
        return _wrap(out)
    return _wrap_result(out, _INDEX_NODE((edge(x),), (key, data.shape, data.dtype)))


class CopySlicesNode(KeyNode):
    """x[key] = value: x's old values there get no gradient, value gets the
    gradient of the slots it filled (summed where it was broadcast)."""
    __slots__ = ()

    def apply(self, grad):
        key, value_shape, value_dtype = self._saved_or_raise()
        gx = gv = None
        if self._next[0] is not None:
            gx = grad.copy()
            gx[key] = 0
        if self._next[1] is not None:
            gv = np.asarray(grad[key])
            if gv.shape != value_shape:
                gv = sum_to_shape(np.ascontiguousarray(gv), value_shape)
            gv = gv.astype(value_dtype, copy=False)
        return gx, gv

    def apply_graph(self, grad):
        from .elementwise import cast, sum_to_size
        key, value_shape, value_dtype = self._saved_or_raise()
        gx = gv = None
        if self._next[0] is not None:
            keep = np.ones(grad._data.shape, grad._data.dtype)
            keep[key] = 0
            gx = grad * _wrap(keep)
        if self._next[1] is not None:
            gv = getitem(grad, key)
            if gv._data.shape != value_shape:
                gv = sum_to_size(gv, value_shape)
            if gv._data.dtype != value_dtype:
                gv = cast(gv, value_dtype)
        return gx, gv


_COPY_SLICES = node_class("CopySlices", CopySlicesNode)


def setitem(x, key, value):
    from .inplace import _needs_graph
    key, _ = _numpy_key(key)
    if x._requires_grad and grad_state.enabled:
        if x._grad_fn is None or (x._base is not None and x._base._grad_fn is None
                                  and x._base._requires_grad):
            raise RuntimeError(messages.VIEW_OF_LEAF_INPLACE)
    if not isinstance(value, (Tensor, bool, int, float)):
        if isinstance(value, complex):
            raise TypeError(messages.COMPLEX_UNSUPPORTED)
        raise TypeError(messages.cant_assign(value, x.type()))
    if type(value) is int and not -2 ** 63 <= value < 2 ** 63:
        raise ValueError(messages.INT64_OVERFLOW)
    if isinstance(value, Tensor):
        v = value._data
    else:
        from .pointwise import _scalar_as          # torch's overflow checks
        v = _scalar_as(value, x._data.dtype)
    if x._data.ndim == 0 and any(k is not None and k is not Ellipsis for k in key):
        raise IndexError(messages.INDEX_0D)
    if not x._data.flags.writeable:
        # an expanded tensor (numpy's read-only broadcast view)
        raise RuntimeError(messages.INTERNAL_OVERLAP)
    try:
        quiet(x._data.__setitem__, key, v)          # a tensor casts as torch's, silently
    except IndexError as e:
        raise IndexError(str(e).replace(" axis ", " dimension ")) from None
    if _needs_graph(x, value):
        if x._base is not None:
            raise NotImplementedError(
                "assigning into a view that records a gradient is not supported yet; "
                "index the base tensor instead")
        v_is_t = isinstance(value, Tensor)
        x._grad_fn = _COPY_SLICES(
            (edge(x), edge(value) if v_is_t else None),
            (key, value._data.shape if v_is_t else (), value._data.dtype if v_is_t else None))
        x._requires_grad = True
        maybe_record(x._grad_fn)
    x._vc[0] += 1
