"""Shape ops: flatten/unflatten, squeeze/unsqueeze, expand/repeat,
contiguous, cat/stack, split/chunk/unbind/narrow, gather/index_select and
masked_fill, forward and backward side by side.

Views (squeeze, unsqueeze, expand, narrow, the pieces of split/chunk/unbind,
flatten/unflatten where numpy can view) share memory and the version
counter with their input (``_record``/``_wrap_view``); the others copy.
Every per-shape decision (validation, output shape, kernel layout) is
memoised, so a call costs a dict hit, the kernel and the node.
"""
import math

import numpy as np

from .. import dtypes, messages
from ..autograd.graph import MetadataNode, Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import indexing as KI
from ..tensor import Tensor, _wrap, _wrap_result, _wrap_view
from .elementwise import cast, is_scalar, sum_to_size
from .indexing import _VIEW_NODES, ViewIndexNode, getitem
from .shapes import broadcast_shape, int_dim, is_dims, normalize_dim, normalize_dims, \
    int_arg, reduce_plan, reduce_sum, sum_to_shape
from .views import ReshapeNode, _record, _shape_arg, clone, infer_shape, reshape

_INT_INDEX = (np.dtype(np.int64), np.dtype(np.int32))


def _zero_of(dtype):
    return np.float64(0) if dtype.kind == "f" else np.int64(0)


# ------------------------------------------------------------------ flatten / unflatten

_flatten_cache = {}


def flatten(x, start_dim=0, end_dim=-1):
    shape = x._data.shape
    int_dim("flatten", "start_dim", 2, start_dim)
    int_dim("flatten", "end_dim", 3, end_dim)
    key = (shape, start_dim, end_dim)
    new_shape = _flatten_cache.get(key)
    if new_shape is None:
        s = normalize_dim(start_dim, len(shape))
        e = normalize_dim(end_dim, len(shape))
        if not shape:
            new_shape = (1,)
        elif s > e:
            raise RuntimeError(messages.FLATTEN_ORDER)
        elif s == e:
            new_shape = ()                     # torch returns the input itself
        else:
            new_shape = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
        _flatten_cache[key] = new_shape
    return reshape(x, new_shape) if new_shape else x


def unflatten(x, dim, sizes):
    if not isinstance(sizes, (tuple, list)):
        raise TypeError("unflatten(): argument 'sizes' (position 2) must be tuple of ints, "
                        f"not {type(sizes).__name__}")
    a = x._data
    if a.ndim == 0:
        raise RuntimeError(messages.unflatten_0d(dim))
    d = normalize_dim(dim, a.ndim)
    sizes = _shape_arg((sizes,), "unflatten", "sizes")
    if not sizes:
        raise RuntimeError(messages.UNFLATTEN_EMPTY)
    n = a.shape[d]
    if -1 in sizes or any(s < 0 for s in sizes):
        try:
            sizes = infer_shape(sizes, n)
        except RuntimeError as err:
            text = str(err)
            if text.startswith("shape '"):
                raise RuntimeError(messages.unflatten_sizes(sizes, d, n)) from None
            raise RuntimeError(messages.unflatten_unexpected(text)) from None
    elif math.prod(sizes) != n:
        raise RuntimeError(messages.unflatten_sizes(sizes, d, n))
    return reshape(x, a.shape[:d] + sizes + a.shape[d + 1:])


# ------------------------------------------------------------------ squeeze / unsqueeze

_SQUEEZE_NODES = [node_class(f"SqueezeBackward{i}", ReshapeNode) for i in range(3)]
_UNSQUEEZE_NODE = node_class("UnsqueezeBackward0", ReshapeNode)
_squeeze_cache = {}


def squeeze(x, dim=None):
    a = x._data
    if not is_dims(dim):
        raise TypeError(messages.squeeze_arguments(f"Tensor, {messages._type_name(dim)}",
                                                   messages._type_name(dim)))
    if isinstance(dim, list):
        dim = tuple(dim)
    key = (a.shape, dim)
    r = _squeeze_cache.get(key)
    if r is None:
        if dim is None:
            which, dims = 0, range(a.ndim)
        elif isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
            which, dims = 1, (normalize_dim(dim, a.ndim),)
        else:
            which, dims = 2, normalize_dims(dim, a.ndim)
        new_shape = tuple(s for i, s in enumerate(a.shape) if not (i in dims and s == 1))
        r = _squeeze_cache[key] = (new_shape, _SQUEEZE_NODES[which])
    new_shape, cls = r
    return _record(x, a.reshape(new_shape), cls, (a.shape,))


def unsqueeze(x, dim):
    a = x._data
    d = normalize_dim(dim, a.ndim + 1)
    return _record(x, a.reshape(a.shape[:d] + (1,) + a.shape[d:]), _UNSQUEEZE_NODE, (a.shape,))


# ------------------------------------------------------------------ expand / repeat


class ExpandNode(MetadataNode):
    """Saved: the input's shape; backward sums the broadcast dims away."""
    __slots__ = ()

    def apply(self, grad):
        (in_shape,) = self._saved
        return (sum_to_shape(grad, in_shape),)

    def apply_graph(self, grad):
        (in_shape,) = self._saved
        return (sum_to_size(grad, in_shape) if grad._data.shape != in_shape else grad,)


_EXPAND_NODE = node_class("ExpandBackward0", ExpandNode)
_expand_cache = {}


def expand_shape(shape, sizes, dtype):
    """The shape ``shape`` expands to under ``sizes`` (-1 keeps a dim), with
    torch's refusals; memoised."""
    key = (shape, sizes, dtype)
    r = _expand_cache.get(key)
    if r is None:
        if len(sizes) < len(shape):
            raise RuntimeError(messages.expand_too_few(dtype, shape, sizes))
        lead = len(sizes) - len(shape)
        out = []
        for i, s in enumerate(sizes):
            if i < lead:
                if s == -1:
                    raise RuntimeError(messages.expand_new_dim_minus_one(i))
            else:
                cur = shape[i - lead]
                if s == -1:
                    s = cur
                elif cur != 1 and s != cur:
                    raise RuntimeError(messages.expand_mismatch(s, cur, i, sizes, shape))
            out.append(s)
        if any(s < 0 for s in out):
            raise RuntimeError(messages.NUMEL_OVERFLOW)
        r = _expand_cache[key] = tuple(out)
    return r


def expand(x, *sizes):
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    a = x._data
    new_shape = expand_shape(a.shape, _shape_arg(sizes, "expand", "size"), a.dtype)
    # numpy's broadcast view is read-only, as writing through it would be ambiguous
    out = a[...] if new_shape == a.shape else np.broadcast_to(a, new_shape)
    return _record(x, out, _EXPAND_NODE, (a.shape,))


def expand_as(x, other):
    if not isinstance(other, Tensor):
        raise TypeError("expand_as(): argument 'other' (position 1) must be Tensor, "
                        f"not {type(other).__name__}")
    return expand(x, other._data.shape)


class RepeatPlan:
    """``x.repeat(reps)`` as a broadcast of x viewed as (1, s0, 1, s1, ...)
    into (r0, s0, r1, s1, ...); backward sums the r axes."""
    __slots__ = ("out_shape", "src_shape", "split_shape", "reduce", "dims")

    def __init__(self, shape, reps):
        if len(reps) < len(shape):
            raise RuntimeError(messages.REPEAT_TOO_FEW)
        padded = (1,) * (len(reps) - len(shape)) + shape
        self.out_shape = tuple(r * s for r, s in zip(reps, padded))
        for s in self.out_shape:
            if s < 0:
                raise RuntimeError(messages.negative_dimension(s, self.out_shape))
        self.src_shape = tuple(v for s in padded for v in (1, s))
        self.split_shape = tuple(v for r, s in zip(reps, padded) for v in (r, s))
        self.dims = tuple(range(0, 2 * len(reps), 2))
        self.reduce = reduce_plan(self.split_shape, self.dims, False)


class RepeatNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        plan, in_shape = self._saved
        return (reduce_sum(grad, plan.reduce).reshape(in_shape),)

    def apply_graph(self, grad):
        plan, in_shape = self._saved
        return (grad.reshape(plan.split_shape).sum(plan.dims).reshape(in_shape),)


_REPEAT_NODE = node_class("RepeatBackward0", RepeatNode)
_repeat_plans = {}


def repeat(x, *sizes):
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    a = x._data
    reps = _shape_arg(sizes, "repeat", "repeats")
    key = (a.shape, reps)
    plan = _repeat_plans.get(key)
    if plan is None:
        plan = _repeat_plans[key] = RepeatPlan(a.shape, reps)
    out = np.empty(plan.out_shape, a.dtype)
    out.reshape(plan.split_shape)[...] = a.reshape(plan.src_shape)     # one broadcast copy
    return _record(x, out, _REPEAT_NODE, (plan, a.shape), is_view=False)


def contiguous(x, memory_format=None):
    return x if x._data.flags.c_contiguous else clone(x)


# ------------------------------------------------------------------ cat / stack


def _tensor_list(tensors, fname):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(messages.sequence_of_tensors(fname, type(tensors).__name__))
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(messages.tensor_element(i, type(t).__name__))
    return tensors


def _result_dtype(arrays):
    d = dtypes.from_numpy(arrays[0].dtype)
    for a in arrays[1:]:
        d = dtypes.promote_types(d, dtypes.from_numpy(a.dtype))
    return d.numpy


class CatNode(MetadataNode):
    """Saved: the dim, each input's (start, stop) along it (None for a
    legacy empty 1-d input, which cat skips) and each input's dtype."""
    __slots__ = ()

    def apply(self, grad):
        dim, bounds, in_dtypes = self._saved
        lead = (slice(None),) * dim
        grads = []
        for nxt, b, dt in zip(self._next, bounds, in_dtypes):
            if nxt is None:
                grads.append(None)
                continue
            if b is None:
                grads.append(np.zeros((0,), dt))
                continue
            g = grad[lead + (slice(b[0], b[1]),)]
            grads.append(g if g.dtype == dt else g.astype(dt))
        return tuple(grads)

    def apply_graph(self, grad):
        dim, bounds, in_dtypes = self._saved
        grads = []
        for nxt, b, dt in zip(self._next, bounds, in_dtypes):
            if nxt is None:
                grads.append(None)
                continue
            if b is None:
                grads.append(_wrap(np.zeros((0,), dt)))
                continue
            g = narrow(grad, dim, b[0], b[1] - b[0])
            grads.append(g if g._data.dtype == dt else cast(g, dt))
        return tuple(grads)


_CAT_NODE = node_class("CatBackward0", CatNode)
_cat_plans = {}


def _cat_plan(arrays, dim):
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise RuntimeError(messages.cat_zero_dim(i))
    # torch skips 1-d empty tensors (the legacy "no tensor" placeholder)
    skip = [a.shape == (0,) for a in arrays]
    ref = next((a for a, s in zip(arrays, skip) if not s), None)
    out_dtype = _result_dtype(arrays)
    if ref is None:                    # torch does not check dim here
        return 0, (0,), [(0, 0)] * len(arrays), list(range(len(arrays))), out_dtype
    d = normalize_dim(dim, ref.ndim)
    bounds, kept, start = [], [], 0
    for i, (a, s) in enumerate(zip(arrays, skip)):
        if s:
            bounds.append(None)
            continue
        if a.ndim != ref.ndim:
            raise RuntimeError(messages.cat_ndim(ref.ndim, a.ndim))
        for k in range(a.ndim):
            if k != d and a.shape[k] != ref.shape[k]:
                raise RuntimeError(messages.cat_sizes(d, ref.shape[k], a.shape[k], i))
        bounds.append((start, start + a.shape[d]))
        kept.append(i)
        start += a.shape[d]
    out_shape = ref.shape[:d] + (start,) + ref.shape[d + 1:]
    return d, out_shape, bounds, kept, out_dtype


def cat(tensors, dim=0):
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError(messages.CAT_EMPTY)
    arrays = [t._data for t in tensors]
    key = (tuple((a.shape, a.dtype) for a in arrays), int_dim("cat", "dim", 2, dim))
    plan = _cat_plans.get(key)
    if plan is None:
        plan = _cat_plans[key] = _cat_plan(arrays, dim)
    d, out_shape, bounds, kept, out_dtype = plan
    if len(kept) == len(arrays):
        out = np.concatenate(arrays, axis=d, dtype=out_dtype)
    else:
        out = np.concatenate([arrays[i] for i in kept], axis=d, dtype=out_dtype) if kept \
            else np.empty(out_shape, out_dtype)
    if not (grad_state.enabled and out_dtype.kind == "f" and any(t._requires_grad for t in tensors)):
        return _wrap(out)
    node = _CAT_NODE(tuple(edge(t) for t in tensors), (d, bounds, [a.dtype for a in arrays]))
    return _wrap_result(out, node)


concat = concatenate = cat


class StackNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        dim, in_dtypes = self._saved
        lead = (slice(None),) * dim
        grads = []
        for i, (nxt, dt) in enumerate(zip(self._next, in_dtypes)):
            if nxt is None:
                grads.append(None)
                continue
            g = grad[lead + (i, Ellipsis)]
            grads.append(g if g.dtype == dt else g.astype(dt))
        return tuple(grads)

    def apply_graph(self, grad):
        dim, in_dtypes = self._saved
        lead = (slice(None),) * dim
        grads = []
        for i, (nxt, dt) in enumerate(zip(self._next, in_dtypes)):
            if nxt is None:
                grads.append(None)
                continue
            g = getitem(grad, lead + (i,))
            grads.append(g if g._data.dtype == dt else cast(g, dt))
        return tuple(grads)


_STACK_NODE = node_class("StackBackward0", StackNode)


def stack(tensors, dim=0):
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError(messages.STACK_EMPTY)
    arrays = [t._data for t in tensors]
    shape0 = arrays[0].shape
    d = normalize_dim(dim, len(shape0) + 1)
    for i, a in enumerate(arrays):
        if a.shape != shape0:
            raise RuntimeError(messages.stack_sizes(shape0, i, a.shape))
    out_dtype = _result_dtype(arrays)
    out = np.stack(arrays, axis=d, dtype=out_dtype)
    if not (grad_state.enabled and out_dtype.kind == "f" and any(t._requires_grad for t in tensors)):
        return _wrap(out)
    return _wrap_result(out, _STACK_NODE(tuple(edge(t) for t in tensors),
                                         (d, [a.dtype for a in arrays])))


# ------------------------------------------------------------------ split / chunk / unbind / narrow
# torch's split returns every piece from one multi-output node; jitgrad's
# nodes have a single output, so each piece gets its own node (named as
# torch names the shared one) whose backward writes that piece's gradient
# into a zero tensor of the input's shape; the engine sums the pieces.

_SPLIT_NODE = node_class("SplitBackward0", ViewIndexNode)
_SPLIT_SIZES_NODE = node_class("SplitWithSizesBackward0", ViewIndexNode)
_UNBIND_NODE = node_class("UnbindBackward0", ViewIndexNode)
_SLICE_NODE = _VIEW_NODES["SliceBackward0"]


def _pieces(x, keys, node_cls):
    a = x._data
    needs = x._requires_grad and grad_state.enabled
    e = edge(x) if needs else None
    saved_shape, saved_dtype = a.shape, a.dtype
    return tuple(_wrap_view(a[k], x, node_cls((e,), (k, saved_shape, saved_dtype)) if needs
                            else None) for k in keys)


def _split_keys(d, sizes):
    lead = (slice(None),) * d
    keys, start = [], 0
    for s in sizes:
        keys.append(lead + (slice(start, start + s), Ellipsis))
        start += s
    return keys


def split(x, split_size_or_sections, dim=0):
    a = x._data
    sections = isinstance(split_size_or_sections, (list, tuple))
    if a.ndim == 0:
        raise RuntimeError(messages.split_needs_dims("split_with_sizes" if sections else "split"))
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    if sections:
        sizes = _shape_arg((split_size_or_sections,), "split_with_sizes", "split_sizes")
        if any(s < 0 for s in sizes):
            raise RuntimeError(messages.split_sizes_negative(sizes))
        if sum(sizes) != n:
            raise RuntimeError(messages.split_sizes_sum(n, d, sizes))
        return _pieces(x, _split_keys(d, sizes), _SPLIT_SIZES_NODE)
    size = _int_arg("split_with_sizes", "split_sizes", 2, split_size_or_sections,
                    "tuple of ints")
    if size < 0:
        raise RuntimeError(messages.split_size_negative(size))
    if size == 0 and n != 0:
        raise RuntimeError(messages.split_size_zero(n))
    count = max((n + size - 1) // size, 1) if size else 1
    sizes = [size] * (count - 1) + [n - size * (count - 1)]
    return _pieces(x, _split_keys(d, sizes), _SPLIT_NODE)


def _int_arg(fname, arg, position, value, expected="int"):
    """torch's int argument: TypeError for a non-integer, ValueError past int64."""
    v = int_arg(value)
    if v is None:
        raise TypeError(messages.must_be(fname, arg, expected, value, position))
    if not -2 ** 63 <= v < 2 ** 63:
        raise ValueError(messages.INT64_OVERFLOW)
    return v


def chunk(x, chunks, dim=0):
    a = x._data
    if a.ndim == 0:
        raise RuntimeError(messages.split_needs_dims("chunk"))
    chunks = _int_arg("chunk", "chunks", 2, chunks)
    if chunks <= 0:
        raise RuntimeError(messages.chunk_count(chunks))
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    size = (n + chunks - 1) // chunks
    if size == 0 and n == 0:
        # torch keeps the number of (empty) chunks by splitting with sizes
        return _pieces(x, _split_keys(d, [0] * chunks), _SPLIT_SIZES_NODE)
    return split(x, size, d)


def unbind(x, dim=0):
    a = x._data
    if a.ndim == 0:
        raise IndexError(messages.no_dims(dim))
    d = normalize_dim(dim, a.ndim)
    lead = (slice(None),) * d
    return _pieces(x, [lead + (i, Ellipsis) for i in range(a.shape[d])], _UNBIND_NODE)


def narrow(x, dim, start, length):
    a = x._data
    if a.ndim == 0:
        raise RuntimeError(messages.NARROW_0D)
    d = normalize_dim(dim, a.ndim)
    start = _int_arg("narrow", "start", 3, start)
    length = _int_arg("narrow", "length", 4, length)
    n = a.shape[d]
    if length < 0:
        raise RuntimeError(messages.NARROW_LENGTH)
    if start < -n or start > n:
        raise IndexError(messages.narrow_start(start, n))
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(messages.narrow_end(start, length, n))
    key = (slice(None),) * d + (slice(start, start + length), Ellipsis)
    out = a[key]
    if not (x._requires_grad and grad_state.enabled):
        return _wrap_view(out, x)
    return _wrap_view(out, x, _SLICE_NODE((edge(x),), (key, a.shape, a.dtype)))


# ------------------------------------------------------------------ gather / scatter_add

def _check_index_dtype(index, message):
    if index._data.dtype not in _INT_INDEX:
        raise RuntimeError(message)


class GatherPlan:
    """``gather(x, dim, index)`` on (A, N, B) views: x (sliced to the index's
    extent in the other dims, as torch allows a smaller index) is (A, N, B),
    the index and the output (A, M, B)."""
    __slots__ = ("in_shape", "index_shape", "work_shape", "slices", "sliced_shape",
                 "A", "M", "N", "B", "dim")

    def __init__(self, in_shape, index_shape, d):
        work = in_shape or (1,)
        iw = index_shape or (1,)
        for k in range(len(work)):
            if k != d and iw[k] > work[k]:
                raise RuntimeError(messages.gather_index_size(k, index_shape, in_shape, d))
        self.in_shape, self.index_shape, self.work_shape, self.dim = in_shape, index_shape, work, d
        self.sliced_shape = tuple(work[k] if k == d else iw[k] for k in range(len(work)))
        self.slices = None if self.sliced_shape == work else tuple(
            slice(None) if k == d else slice(0, iw[k]) for k in range(len(work)))
        self.A, self.M, self.N, self.B = math.prod(iw[:d]), iw[d], work[d], math.prod(iw[d + 1:])

    def gather(self, a, idx3):
        aw = a.reshape(self.work_shape)
        if self.slices is not None:
            aw = aw[self.slices]
        out3 = np.empty((self.A, self.M, self.B), a.dtype)
        KI.gather_3d(aw.reshape(self.A, self.N, self.B), idx3, out3)
        return out3.reshape(self.index_shape)

    def scatter(self, g, idx3):
        """The adjoint: ``g`` (index-shaped) summed into zeros of x's shape."""
        out3 = np.zeros((self.A, self.N, self.B), g.dtype)
        KI.scatter_add_3d(out3, idx3, np.ascontiguousarray(g).reshape(self.A, self.M, self.B))
        if self.slices is None:
            return out3.reshape(self.in_shape)
        full = np.zeros(self.work_shape, g.dtype)
        full[self.slices] = out3.reshape(self.sliced_shape)
        return full.reshape(self.in_shape)


class GatherNode(Node):
    """Saved: the (A, M, B) index, the plan, and the index tensor (for apply_graph)."""
    __slots__ = ()

    def apply(self, grad):
        idx3, plan, _ = self._saved_or_raise()
        return (plan.scatter(grad, idx3),)

    def apply_graph(self, grad):
        idx3, plan, index = self._saved_or_raise()
        return (_scatter_add_zeros(grad, idx3, plan, index),)


class ScatterAddNode(Node):
    """``zeros(shape).scatter_add(dim, index, src)`` (the backward of gather,
    recorded for create_graph): edges (self, src), self being the zeros."""
    __slots__ = ()

    def apply(self, grad):
        idx3, plan, _ = self._saved_or_raise()
        return None, plan.gather(grad, idx3)

    def apply_graph(self, grad):
        idx3, plan, index = self._saved_or_raise()
        return None, _gather(grad, idx3, plan, index)


_GATHER_NODE = node_class("GatherBackward0", GatherNode)
_SCATTER_ADD_NODE = node_class("ScatterAddBackward0", ScatterAddNode)
_gather_plans = {}


def _gather(x, idx3, plan, index):
    out = plan.gather(x._data, idx3)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _GATHER_NODE((edge(x),), (idx3, plan, index), (saved_version(index),)))


def _scatter_add_zeros(src, idx3, plan, index):
    out = plan.scatter(src._data, idx3)
    if not (src._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _SCATTER_ADD_NODE((None, edge(src)), (idx3, plan, index),
                                               (saved_version(index),)))


def scatter_add_zeros(src, dim, index, shape):
    """``zeros(shape).scatter_add(dim, index, src)`` for ``src`` shaped like
    ``index`` (internal: the recorded backward of gather)."""
    shape = tuple(shape)
    plan = GatherPlan(shape, index._data.shape, normalize_dim(dim, len(shape)))
    return _scatter_add_zeros(src, _index_array(index, (plan.A, plan.M, plan.B)), plan, index)


def index_add_zeros(src, dim, index, shape):
    """``zeros(shape).index_add(dim, index, src)`` (internal: the recorded
    backward of index_select)."""
    shape = tuple(shape)
    idx = np.ascontiguousarray(index._data, dtype=np.int64).reshape(-1)
    plan = IndexSelectPlan(shape, idx.size, normalize_dim(dim, len(shape)))
    return _index_add_zeros(src, idx, plan, index)


def _index_array(index, plan_dims):
    i = index._data
    return np.ascontiguousarray(i, dtype=np.int64).reshape(plan_dims)


def gather(x, dim, index, *, sparse_grad=False):
    if not isinstance(index, Tensor):
        raise TypeError("gather(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    a, i = x._data, index._data
    d = normalize_dim(dim, a.ndim)
    key = (a.shape, i.shape, i.dtype, d)
    plan = _gather_plans.get(key)
    if plan is None:
        _check_index_dtype(index, messages.GATHER_INDEX_DTYPE)
        if max(i.ndim, 1) != max(a.ndim, 1):
            raise RuntimeError(messages.GATHER_INDEX_NDIM)
        plan = _gather_plans[key] = GatherPlan(a.shape, i.shape, d)
    idx3 = _index_array(index, (plan.A, plan.M, plan.B))
    bad = KI.first_out_of_range(idx3.reshape(-1), plan.N)
    if bad >= 0:
        raise RuntimeError(messages.index_out_of_bounds(int(idx3.reshape(-1)[bad]), d, plan.N))
    return _gather(x, idx3, plan, index)


# ------------------------------------------------------------------ index_select / index_add


class IndexSelectPlan:
    """``index_select(x, dim, index)`` on (A, N, B) views, the output (A, M, B)."""
    __slots__ = ("in_shape", "out_shape", "A", "M", "N", "B")

    def __init__(self, in_shape, m, d):
        work = in_shape or (1,)
        self.in_shape = in_shape
        self.out_shape = in_shape[:d] + (m,) + in_shape[d + 1:] if in_shape else ()
        self.A, self.M, self.N, self.B = math.prod(work[:d]), m, work[d], math.prod(work[d + 1:])

    def select(self, a, idx):
        out3 = np.empty((self.A, self.M, self.B), a.dtype)
        KI.index_select_3d(a.reshape(self.A, self.N, self.B), idx, out3)
        return out3.reshape(self.out_shape)

    def add(self, g, idx):
        """The adjoint: rows of ``g`` summed into zeros of x's shape at ``idx``."""
        out3 = np.zeros((self.A, self.N, self.B), g.dtype)
        KI.index_add_3d(out3, idx, np.ascontiguousarray(g).reshape(self.A, self.M, self.B))
        return out3.reshape(self.in_shape)


class IndexSelectNode(Node):
    __slots__ = ()

    def apply(self, grad):
        idx, plan, _ = self._saved_or_raise()
        return (plan.add(grad, idx),)

    def apply_graph(self, grad):
        idx, plan, index = self._saved_or_raise()
        return (_index_add_zeros(grad, idx, plan, index),)


class IndexAddNode(Node):
    """``zeros(shape).index_add(dim, index, source)``, the recorded backward
    of index_select: edges (self, source)."""
    __slots__ = ()

    def apply(self, grad):
        idx, plan, _ = self._saved_or_raise()
        return None, plan.select(grad, idx)

    def apply_graph(self, grad):
        idx, plan, index = self._saved_or_raise()
        return None, _index_select(grad, idx, plan, index)


_INDEX_SELECT_NODE = node_class("IndexSelectBackward0", IndexSelectNode)
_INDEX_ADD_NODE = node_class("IndexAddBackward0", IndexAddNode)
_index_select_plans = {}


def _index_select(x, idx, plan, index):
    out = plan.select(x._data, idx)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _INDEX_SELECT_NODE((edge(x),), (idx, plan, index),
                                                (saved_version(index),)))


def _index_add_zeros(src, idx, plan, index):
    out = plan.add(src._data, idx)
    if not (src._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _INDEX_ADD_NODE((None, edge(src)), (idx, plan, index),
                                             (saved_version(index),)))


def index_select(x, dim, index):
    if not isinstance(index, Tensor):
        raise TypeError("index_select(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    a, i = x._data, index._data
    d = normalize_dim(dim, a.ndim)
    if i.ndim > 1:
        raise IndexError(messages.INDEX_SELECT_VECTOR)
    _check_index_dtype(index, messages.INDEX_SELECT_DTYPE)
    idx = np.ascontiguousarray(i, dtype=np.int64).reshape(-1)
    if a.ndim == 0 and idx.size != 1:
        raise RuntimeError(messages.index_select_scalar(idx.size))
    n = a.shape[d] if a.ndim else 1
    bad = KI.first_out_of_range(idx, n)
    if bad >= 0:
        if a.ndim == 0:
            raise IndexError(messages.INDEX_SELECT_SCALAR_RANGE)
        raise RuntimeError(messages.index_select_bounds(int(idx[bad]), n))
    key = (a.shape, idx.size, d)
    plan = _index_select_plans.get(key)
    if plan is None:
        plan = _index_select_plans[key] = IndexSelectPlan(a.shape, idx.size, d)
    return _index_select(x, idx, plan, index)


# ------------------------------------------------------------------ masked_fill


class MaskedFillNode(Node):
    """Saved: the mask flat and broadcast to the output, the output's and the
    input's shapes, and the fill value's dtype (None for a number)."""
    __slots__ = ()

    def apply(self, grad):
        mask, out_shape, in_shape, value_dtype = self._saved_or_raise()
        g = grad.ravel()
        gx = gv = None
        if self._next[0] is not None:
            gx = np.empty(g.size, g.dtype)
            KI.masked_fill_backward(g, mask, gx)
            gx = gx.reshape(out_shape)
            if out_shape != in_shape:
                gx = sum_to_shape(gx, in_shape)
        if value_dtype is None:
            return (gx,)
        if self._next[1] is not None:
            gv = np.asarray(KI.masked_sum(g, mask, _zero_of(g.dtype)), dtype=value_dtype)
        return gx, gv

    def apply_graph(self, grad):
        mask, out_shape, in_shape, value_dtype = self._saved_or_raise()
        gx = gv = None
        if self._next[0] is not None:
            gx = masked_fill(grad, _wrap(mask.reshape(out_shape)), 0)
            if out_shape != in_shape:
                gx = sum_to_size(gx, in_shape)
        if value_dtype is None:
            return (gx,)
        if self._next[1] is not None:
            gv = masked_fill(grad, _wrap(~mask.reshape(out_shape)), 0).sum()
            if gv._data.dtype != value_dtype:
                gv = cast(gv, value_dtype)
        return gx, gv


_MASKED_FILL_NODES = (node_class("MaskedFillBackward0", MaskedFillNode),
                      node_class("MaskedFillBackward1", MaskedFillNode))


def masked_fill(x, mask, value):
    value_t = value if isinstance(value, Tensor) else None
    if not isinstance(mask, Tensor) or (value_t is None and not is_scalar(value)):
        raise TypeError(messages.masked_fill_arguments(type(mask).__name__, type(value).__name__))
    if value_t is not None and value_t._data.ndim != 0:
        raise RuntimeError(messages.masked_fill_value_dim(value_t._data.ndim))
    a, m = x._data, mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(messages.masked_fill_mask_dtype(dtypes.from_numpy(m.dtype)._c_name))
    out_shape = a.shape if m.shape == a.shape else broadcast_shape(m.shape, a.shape)
    from .pointwise import _scalar_as               # torch's overflow checks (on item())
    fill = _scalar_as(value_t._data.item() if value_t is not None else value, a.dtype)
    xf = a.ravel() if a.shape == out_shape else np.broadcast_to(a, out_shape).ravel()
    mf = m.ravel() if m.shape == out_shape else np.broadcast_to(m, out_shape).ravel()
    out = np.empty(xf.size, a.dtype)
    KI.masked_fill_forward(xf, mf, fill, out)
    out = out.reshape(out_shape)
    if not (grad_state.enabled and a.dtype.kind == "f" and (
            x._requires_grad or (value_t is not None and value_t._requires_grad))):
        return _wrap(out)
    if value_t is None:
        node = _MASKED_FILL_NODES[0]((edge(x),), (mf, out_shape, a.shape, None),
                                     (saved_version(mask),))
    else:
        node = _MASKED_FILL_NODES[1]((edge(x), edge(value_t)),
                                     (mf, out_shape, a.shape, value_t._data.dtype),
                                     (saved_version(mask),))
    return _wrap_result(out, node)
