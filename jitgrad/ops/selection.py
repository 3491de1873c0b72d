"""sort, argsort, msort and topk: forward and backward side by side.

Each op works on the middle axis of a flat (A, R, B) view of its input
(the kernels of kernels/sorting.py), with torch's CPU results to the index:
``stable=False`` is the C++ library's ``std::sort`` as torch runs it (ties
are not kept in order), ``stable=True`` a stable sort, ``topk`` torch's
partial sort / nth element. As torch does, an expanded dim (stride 0) is
left in order, and a 1-d integer tensor of at least 32768 elements sorted
ascending is sorted stably (torch's radix sort).

Backward (SortBackward0/1, TopkBackward0) puts the gradient of each
selected value back at its index in zeros of the input's shape; the
``create_graph`` path records the same as torch does, a scatter into zeros
(ScatterBackward0, its own backward a gather).
"""
import math

import numpy as np

from .. import messages, return_types
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import state as grad_state
from ..kernels import sorting as K
from ..tensor import Tensor, _wrap, _wrap_result
from .shape_ops import GatherPlan, ScatterAddNode, _int_arg
from .shapes import int_arg, normalize_dim

_RADIX_MIN = 32768          # torch: at::internal::GRAIN_SIZE, the radix sort's threshold
_new_tuple = tuple.__new__


class Plan:
    """``shape`` along dim ``dim`` as (A, R, B); the output keeps ``K`` of R."""
    __slots__ = ("in_shape", "out_shape", "dim", "A", "R", "B", "K", "_scatter")

    def __init__(self, shape, d, k):
        self.in_shape = shape
        self.dim = d
        if shape:
            self.A, self.R, self.B = math.prod(shape[:d]), shape[d], math.prod(shape[d + 1:])
            self.K = self.R if k is None else k
            self.out_shape = shape[:d] + (self.K,) + shape[d + 1:]
        else:                       # a 0-d tensor: one element, dim 0 or -1
            self.A = self.R = self.B = self.K = 1
            self.out_shape = ()
        self._scatter = None

    def scatter(self, g, idx):
        """``g`` (out_shape) put at ``idx`` (flat (A, K, B)) into zeros of in_shape."""
        if self._scatter is None:
            self._scatter = GatherPlan(self.in_shape, self.out_shape, self.dim)
        return self._scatter.scatter(g, idx.reshape(self.A, self.K, self.B))


_plans = {}


def _plan(shape, d, k=None):
    key = (shape, d, k)
    p = _plans.get(key)
    if p is None:
        p = _plans[key] = Plan(shape, d, k)
    return p


class SelectNode(Node):
    """SortBackward0/1, TopkBackward0. Saved: the flat indices, the plan and
    the input's dtype (dropped by backward, as torch's saved indices)."""
    __slots__ = ()

    def apply(self, grad):
        idx, plan, dtype = self._saved_or_raise()
        g = grad if grad.dtype == dtype else grad.astype(dtype)
        return (plan.scatter(g, idx),)

    def apply_graph(self, grad):
        idx, plan, _ = self._saved_or_raise()
        index = _wrap(idx.reshape(plan.out_shape))
        return (scatter_zeros(grad, plan.dim, index, plan.in_shape),)


_NODES = {name: node_class(name, SelectNode)
          for name in ("SortBackward0", "SortBackward1", "TopkBackward0")}
# zeros(shape).scatter(dim, index, src): its backward is src's gather, as scatter_add's
_SCATTER_NODE = node_class("ScatterBackward0", ScatterAddNode)


def scatter_zeros(src, dim, index, shape):
    """``zeros(shape).scatter(dim, index, src)`` for an ``index`` naming distinct
    positions (internal: the recorded backward of sort and topk, torch's
    value_selecting_reduction_backward)."""
    shape = tuple(shape)
    plan = GatherPlan(shape, index._data.shape, normalize_dim(dim, len(shape)))
    idx3 = np.ascontiguousarray(index._data, dtype=np.int64).reshape(plan.A, plan.M, plan.B)
    out = plan.scatter(src._data, idx3)
    if not (src._requires_grad and grad_state.enabled):
        return _wrap(out)
    return _wrap_result(out, _SCATTER_NODE((None, edge(src)), (idx3, plan, index),
                                           (saved_version(index),)))


def _flat(a):
    """``a`` as a flat C-ordered array the kernels take (bools as uint8)."""
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    return a.reshape(-1) if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(-1)


def _result(x, values, idx, plan, node_name, name):
    """The (values, indices) named tuple, values recorded by ``node_name``."""
    indices = _wrap(idx.reshape(plan.out_shape))
    values = values.reshape(plan.out_shape)
    if x._requires_grad and grad_state.enabled:
        node = _NODES[node_name]((edge(x),), (idx, plan, x._data.dtype))
        values = _wrap_result(values, node)
        node._checks = (output_version(indices, node),)
    else:
        values = _wrap(values)
    return _new_tuple(getattr(return_types, name), (values, indices))


def _sorted_arrays(a, plan, descending, stable):
    """(flat values, flat int64 indices) of ``a`` sorted along plan.dim."""
    n = a.size
    if a.ndim and plan.R > 1 and a.strides[plan.dim] == 0:
        # torch leaves an expanded dim as it is: its indices in order
        idx = np.empty(n, np.int64)
        idx.reshape(plan.A, plan.R, plan.B)[...] = np.arange(plan.R).reshape(-1, 1)
        return np.ascontiguousarray(a).reshape(-1), idx
    if not stable and not descending and a.ndim == 1 and a.dtype.kind == "i" and n >= _RADIX_MIN:
        stable = True           # torch's radix sort (fbgemm): stable
    xf = _flat(a)
    out_v = np.empty(n, xf.dtype)
    out_i = np.empty(n, np.int64)
    K.sort_middle_axis(xf, plan.A, plan.R, plan.B, bool(descending), bool(stable), out_v, out_i)
    return (out_v.view(np.bool_) if a.dtype == np.bool_ else out_v), out_i


def sort(x, dim=-1, descending=False, stable=False, node_name="SortBackward0"):
    a = x._data
    plan = _plan(a.shape, normalize_dim(dim, a.ndim))
    values, idx = _sorted_arrays(a, plan, descending, stable)
    return _result(x, values, idx, plan, node_name, "sort")


def argsort(x, dim=-1, descending=False, stable=False):
    a = x._data
    plan = _plan(a.shape, normalize_dim(dim, a.ndim))
    return _wrap(_sorted_arrays(a, plan, descending, stable)[1].reshape(plan.out_shape))


def msort(x):
    return sort(x, 0)[0]


def topk(x, k, dim=-1, largest=True, sorted=True):  # noqa: A002  (torch's name)
    a = x._data
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(messages.TOPK_K_RANGE)
    if a.dtype == np.bool_:
        raise RuntimeError(messages.TOPK_BOOL)
    plan = _plan(a.shape, d, k if a.ndim else None)     # a 0-d input gives itself, even k=0
    out_v = np.empty(plan.A * plan.K * plan.B, a.dtype)
    out_i = np.empty(out_v.size, np.int64)
    K.topk_middle_axis(_flat(a), plan.A, plan.R, plan.B, plan.K, bool(largest), bool(sorted),
                       out_v, out_i)
    return _result(x, out_v, out_i, plan, "TopkBackward0", "topk")


def topk_checked(x, k, dim, largest, sorted, position):  # noqa: A002
    """topk with torch's argument checks (``position``: k's, 2 for torch.topk)."""
    k = _int_arg("topk", "k", position, k)
    dim = _int_arg("topk", "dim", position + 1, dim)
    for i, (name, v) in enumerate((("largest", largest), ("sorted", sorted))):
        if not _is_bool(v):
            raise TypeError(messages.must_be("topk", name, "bool", v, position + 2 + i))
    return topk(x, k, dim, largest, sorted)


# ------------------------------------------------------------------ torch's argument parsing

def _type_names(values):
    return ["Tensor" if isinstance(v, Tensor) else messages._type_name(v) for v in values]


def _is_bool(v):
    return isinstance(v, (bool, np.bool_))


def _is_dim(v):
    return int_arg(v) is not None          # an int, or a one-element integer tensor


_CHECKS = {"dim": _is_dim, "descending": _is_bool}


def parse_sort_args(fname, method, args, kwargs):
    """sort()/argsort()'s two overloads, ``(dim=-1, descending=False)`` and
    ``(*, stable, dim=-1, descending=False)``, checked as torch's argument parser
    checks them (``args``/``kwargs``: what followed the tensor). Returns (dim,
    descending, stable, node name); the stable overload records SortBackward1."""
    checks = dict(_CHECKS, stable=(lambda v: v is None or _is_bool(v)) if fname == "sort"
                  else _is_bool)
    named = dict(zip(("dim", "descending"), args))
    if "stable" in kwargs and not args and set(kwargs) <= set(checks) and all(
            checks[k](v) for k, v in kwargs.items()):
        return (int_arg(kwargs.get("dim", -1)), bool(kwargs.get("descending", False)),
                bool(kwargs["stable"]), "SortBackward1")
    if "stable" not in kwargs and len(args) <= 2 and set(kwargs) <= set(_CHECKS) and \
            not set(named) & set(kwargs) and all(
                _CHECKS[k](v) for k, v in {**named, **kwargs}.items()):
        return (int_arg(named.get("dim", kwargs.get("dim", -1))),
                bool(named.get("descending", kwargs.get("descending", False))), False,
                "SortBackward0")
    raise TypeError(_sort_args_error(fname, method, args, kwargs, checks))


def _sort_args_error(fname, method, args, kwargs, checks):
    lead = 0 if method else 1                  # the tensor, when a function's argument
    total = lead + len(args) + len(kwargs)
    stable_range = (1, 3) if method else (2, 5)
    legacy_max = 2 if method else (4 if fname == "sort" else 3)
    plausible_stable = stable_range[0] <= total <= stable_range[1]
    if plausible_stable and not total <= legacy_max:
        # only the stable overload could take that many: its own complaint
        if args:
            return messages.positional_count(fname, stable_range[0], lead, lead + len(args))
        for k, v in sorted(kwargs.items()):
            if k not in checks:
                return messages.unexpected_keyword(fname, k)
            if not checks[k](v):
                return messages.must_be(fname, k, "int" if k == "dim" else "bool", v)
    kw = [f"{k}={n}" for k, n in zip(sorted(kwargs), _type_names(
        [kwargs[k] for k in sorted(kwargs)]))]
    pos = (["Tensor"] if not method else []) + _type_names(args)
    got = "(" + (", ".join(kw) + ", " if method and not args and kw else ", ".join(pos + kw)) + ")"
    mismatch = None
    if total == legacy_max and not (fname == "sort" and not method):
        wrong = sorted(k for k, v in kwargs.items() if k not in _CHECKS or not _CHECKS[k](v))
        if wrong:
            mismatch = "some of the keywords were incorrect: " + ", ".join(wrong)
        else:
            marked = pos[:lead] + [f"!{n}!" for n in pos[lead:]]
            mismatch = "some of the arguments have invalid types: (" + ", ".join(marked) + ")"
    return messages.sort_arguments(fname, method, got, mismatch)
