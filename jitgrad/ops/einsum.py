"""``einsum``: contractions on BLAS, planned once per (equation, shapes).

The equation is parsed as torch parses it (same errors, same implicit
output, ellipsis dims broadcast right-aligned, size-1 dims broadcast).
Labels become ints (letters 0..51, ellipsis dims 52+). Operands are
contracted left to right: before each pairwise step the labels no later
operand or the output needs are summed away (a reduction kernel), then the
pair is permuted to (batch, rows, contracted) x (batch, contracted, cols)
and multiplied by ``np.matmul`` (BLAS), or, when nothing is contracted,
multiplied elementwise with broadcasting. The gradient of operand k is
again an einsum, of the output gradient with the other operands, onto
k's labels (broadcast over labels only k has, summed over dims k
broadcast). Subscripts repeated within one operand (diagonals, traces)
raise NotImplementedError.

The node is named as torch's outermost node: ViewBackward0 when labels are
contracted, MulBackward0 when none are (several operands), SumBackward1
or PermuteBackward0 (a view) for one operand.
"""
import math

import numpy as np

from .. import dtypes, messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import Tensor, _wrap, _wrap_result
from .elementwise import cast, sum_to_size
from .shapes import reduce_plan, reduce_sum, sum_to_shape
from .views import _PERMUTE_NODES, _record
from ..threads import matmul as blas_matmul

_ELL = 52


def _label(c):
    o = ord(c)
    return o - 65 if c <= "Z" else o - 97 + 26


def _char(label):
    return chr(label + 65) if label < 26 else chr(label - 26 + 97)


def _is_subscript(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


class Parsed:
    __slots__ = ("labels", "out", "shapes", "equation")


def _parse(equation, shapes):
    """Torch's einsum parser and checks; returns the operands' label tuples
    (ellipsis expanded), the output labels and the broadcast shapes."""
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    n_ops = len(shapes)
    op_labels = [[] for _ in range(n_ops)]
    cur, ell_seen, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell_seen:
                raise RuntimeError(messages.einsum_two_ellipses(cur))
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(messages.einsum_dot(cur))
            i += 2
            op_labels[cur].append(None)
            ell_seen = True
        elif c == ",":
            cur += 1
            if cur >= n_ops:
                raise RuntimeError(messages.EINSUM_FEWER)
            ell_seen = False
        else:
            if not _is_subscript(c):
                raise RuntimeError(messages.einsum_subscript(i))
            op_labels[cur].append(_label(c))
        i += 1
    if cur != n_ops - 1:
        raise RuntimeError(messages.EINSUM_MORE)

    counts = [0] * _ELL
    ell_ndim = 0
    for k, (labels, shape) in enumerate(zip(op_labels, shapes)):
        n_sub = sum(1 for s in labels if s is not None)
        has_ell = len(labels) != n_sub
        for s in labels:
            if s is not None:
                counts[s] += 1
        if has_ell:
            ell_ndim = max(ell_ndim, len(shape) - n_sub)
            if n_sub > len(shape):
                raise RuntimeError(messages.einsum_ndim_ellipsis(n_sub, len(shape), k))
        elif n_sub != len(shape):
            raise RuntimeError(messages.einsum_ndim(n_sub, len(shape), k))

    out = []
    if arrow < 0:
        out.extend(_ELL + j for j in range(ell_ndim))
        out.extend(s for s in range(_ELL) if counts[s] == 1)
    else:
        rhs = equation[arrow + 2:]
        ell_out, i = False, 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_out:
                    raise RuntimeError(messages.EINSUM_OUTPUT_TWO_ELLIPSES)
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError(messages.EINSUM_OUTPUT_DOT)
                i += 2
                out.extend(_ELL + j for j in range(ell_ndim))
                ell_out = True
            else:
                if not _is_subscript(c):
                    raise RuntimeError(messages.einsum_subscript(len(lhs) + 2 + i))
                s = _label(c)
                if s in out:
                    raise RuntimeError(messages.einsum_output_repeated(c))
                if not counts[s]:
                    raise RuntimeError(messages.einsum_output_unknown(c))
                out.append(s)
            i += 1

    # expand the ellipses (right-aligned) and check that sizes broadcast
    sizes, ell_sizes = {}, [1] * ell_ndim
    labels_out = []
    for k, (labels, shape) in enumerate(zip(op_labels, shapes)):
        n_sub = sum(1 for s in labels if s is not None)
        expanded, d = [], 0
        for s in labels:
            if s is None:
                n_ell = len(shape) - n_sub
                for j in range(ell_ndim - n_ell, ell_ndim):
                    size = shape[d]
                    if size != 1:
                        if ell_sizes[j] != 1 and ell_sizes[j] != size:
                            raise RuntimeError(messages.einsum_ellipsis_size(d, k, size,
                                                                             ell_sizes[j]))
                        ell_sizes[j] = size
                    expanded.append(_ELL + j)
                    d += 1
                continue
            if s in expanded:
                raise NotImplementedError(messages.einsum_unsupported(equation))
            size = shape[d]
            if size != 1:
                seen = sizes.get(s, 1)
                if seen != 1 and seen != size:
                    raise RuntimeError(messages.einsum_size(_char(s), size, k, seen))
                sizes[s] = size
            expanded.append(s)
            d += 1
        labels_out.append(tuple(expanded))
    for j in range(ell_ndim):
        sizes[_ELL + j] = ell_sizes[j]
    p = Parsed()
    p.labels = tuple(labels_out)
    p.out = tuple(out)
    p.shapes = tuple(tuple(sizes.get(s, 1) for s in lab) for lab in labels_out)
    p.equation = equation
    return p


# ------------------------------------------------------------------ contraction plans


class _Step:
    __slots__ = ("sum_a", "sum_b", "perm_a", "shape_a", "perm_b", "shape_b", "mul", "out_shape")


class Plan:
    """How to contract operands of (broadcast) ``shapes`` with ``labels``
    onto ``out``; built once per key."""
    __slots__ = ("single_sum", "steps", "final_perm", "node_name", "out_shape")

    def __init__(self, labels, out, shapes):
        sizes = {}
        for lab, shape in zip(labels, shapes):
            sizes.update(zip(lab, shape))
        out_set = set(out)
        self.out_shape = tuple(sizes[s] for s in out)
        every = set().union(*labels)
        if len(labels) == 1:
            lab = labels[0]
            dims = tuple(i for i, s in enumerate(lab) if s not in out_set)
            self.single_sum = reduce_plan(shapes[0], dims, False) if dims else None
            rest = [s for s in lab if s in out_set]
            self.steps = ()
            self.final_perm = tuple(rest.index(s) for s in out)
            self.node_name = "SumBackward1" if dims else "PermuteBackward0"
            return
        self.single_sum = None
        self.node_name = "ViewBackward0" if every - out_set else "MulBackward0"
        steps = []
        cur = list(labels[0])
        for k in range(1, len(labels)):
            other = list(labels[k])
            needed = out_set.union(*labels[k + 1:])
            st = _Step()
            st.sum_a, cur = _presum(cur, needed, other, sizes)
            st.sum_b, other = _presum(other, needed, cur, sizes)
            batch = [s for s in cur if s in other and s in needed]
            contract = [s for s in cur if s in other and s not in needed]
            rows = [s for s in cur if s not in other]
            cols = [s for s in other if s not in cur]
            bs = [sizes[s] for s in batch]
            rs = [sizes[s] for s in rows]
            cs = [sizes[s] for s in cols]
            st.perm_a = tuple(cur.index(s) for s in batch + rows + contract)
            st.perm_b = tuple(other.index(s) for s in batch + contract + cols)
            st.mul = not contract
            if st.mul:
                st.shape_a = tuple(bs + rs + [1] * len(cols))
                st.shape_b = tuple(bs + [1] * len(rows) + cs)
            else:
                k_size = math.prod(sizes[s] for s in contract)
                st.shape_a = tuple(bs + [math.prod(rs), k_size])
                st.shape_b = tuple(bs + [k_size, math.prod(cs)])
            st.out_shape = tuple(bs + rs + cs)
            steps.append(st)
            cur = batch + rows + cols
        self.steps = steps
        self.final_perm = tuple(cur.index(s) for s in out)

    def run(self, arrays):
        cur = arrays[0]
        if not self.steps:
            if self.single_sum is not None:
                cur = reduce_sum(cur, self.single_sum)
            return cur.transpose(self.final_perm)
        for st, b in zip(self.steps, arrays[1:]):
            if st.sum_a is not None:
                cur = reduce_sum(cur, st.sum_a)
            if st.sum_b is not None:
                b = reduce_sum(b, st.sum_b)
            a = cur.transpose(st.perm_a).reshape(st.shape_a)
            b = b.transpose(st.perm_b).reshape(st.shape_b)
            cur = (np.multiply(a, b) if st.mul else blas_matmul(a, b)).reshape(st.out_shape)
        return cur.transpose(self.final_perm)


def _presum(labels, needed, other, sizes):
    """Sum away the labels of one side that neither the other side nor any
    later operand (or the output) has."""
    drop = tuple(i for i, s in enumerate(labels) if s not in needed and s not in other)
    if not drop:
        return None, labels
    shape = tuple(sizes[s] for s in labels)
    return reduce_plan(shape, drop, False), [s for i, s in enumerate(labels) if i not in drop]


_plans = {}


def _plan(labels, out, shapes):
    key = (labels, out, shapes)
    p = _plans.get(key)
    if p is None:
        p = _plans[key] = Plan(labels, out, shapes)
    return p


# ------------------------------------------------------------------ the op


class EinsumNode(Node):
    """Saved: the operands (broadcast arrays), their labels, the output
    labels, the operands' own shapes and dtypes, and the operand tensors."""
    __slots__ = ()

    def apply(self, grad):
        arrays, labels, out, in_shapes, in_dtypes, _ = self._saved_or_raise()
        grads = []
        for k, nxt in enumerate(self._next):
            if nxt is None:
                grads.append(None)
                continue
            want, missing = _grad_labels(labels, out, k)
            others = [grad] + [a for j, a in enumerate(arrays) if j != k]
            other_labels = (out,) + tuple(lab for j, lab in enumerate(labels) if j != k)
            g = _plan(other_labels, want, tuple(a.shape for a in others)).run(others)
            full = arrays[k].shape
            if missing:
                g = np.broadcast_to(g.reshape(_with_ones(labels[k], want, full)), full)
            if full != in_shapes[k]:
                g = sum_to_shape(np.ascontiguousarray(g), in_shapes[k])
            elif missing:
                g = np.ascontiguousarray(g)
            if g.dtype != in_dtypes[k]:
                g = g.astype(in_dtypes[k])
            grads.append(g)
        return tuple(grads)

    def apply_graph(self, grad):
        arrays, labels, out, in_shapes, in_dtypes, tensors = self._saved_or_raise()
        grads = []
        for k, nxt in enumerate(self._next):
            if nxt is None:
                grads.append(None)
                continue
            want, missing = _grad_labels(labels, out, k)
            others = [grad] + [t for j, t in enumerate(tensors) if j != k]
            other_labels = (out,) + tuple(lab for j, lab in enumerate(labels) if j != k)
            shapes = (grad._data.shape,) + tuple(a.shape for j, a in enumerate(arrays) if j != k)
            g = einsum_labels(others, other_labels, want, shapes)
            full = arrays[k].shape
            if missing:
                g = g.reshape(_with_ones(labels[k], want, full)).expand(full)
            if full != in_shapes[k]:
                g = sum_to_size(g, in_shapes[k])
            if g._data.dtype != in_dtypes[k]:
                g = cast(g, in_dtypes[k])
            grads.append(g)
        return tuple(grads)


def _grad_labels(labels, out, k):
    """Operand k's labels the gradient einsum can produce (those in the
    output or another operand), and whether some are missing (only in k)."""
    have = set(out).union(*(lab for j, lab in enumerate(labels) if j != k))
    want = tuple(s for s in labels[k] if s in have)
    return want, len(want) != len(labels[k])


def _with_ones(lab, want, full):
    return tuple(size if s in want else 1 for s, size in zip(lab, full))


_NODES = {name: node_class(name, EinsumNode) for name in
          ("ViewBackward0", "MulBackward0", "SumBackward1")}


def einsum_labels(tensors, labels, out, shapes=None):
    """The contraction of ``tensors`` (with int ``labels``) onto ``out``,
    recorded as one node; ``shapes`` are the broadcast shapes (computed
    here when the labels' sizes are known to agree)."""
    arrays = [t._data for t in tensors]
    if shapes is None:
        sizes = {}
        for lab, a in zip(labels, arrays):
            for s, n in zip(lab, a.shape):
                if n != 1:
                    sizes[s] = n
        shapes = tuple(tuple(sizes.get(s, 1) for s in lab) for lab in labels)
    plan = _plan(labels, out, shapes)
    in_dtypes = [a.dtype for a in arrays]
    if plan.node_name == "ViewBackward0" or plan.node_name == "SumBackward1":
        for a in arrays[1:]:
            if a.dtype != arrays[0].dtype:
                raise RuntimeError(messages.bmm_dtypes(dtypes.from_numpy(arrays[0].dtype)._torch_name,
                                                       dtypes.from_numpy(a.dtype)._torch_name))
    elif len(arrays) > 1:
        common = dtypes.from_numpy(arrays[0].dtype)
        for a in arrays[1:]:
            common = dtypes.promote_types(common, dtypes.from_numpy(a.dtype))
        arrays = [a if a.dtype == common.numpy else a.astype(common.numpy) for a in arrays]
    if plan.node_name == "PermuteBackward0":
        perm = plan.final_perm
        return _record(tensors[0], arrays[0].transpose(perm), _PERMUTE_NODES["PermuteBackward0"],
                       (tuple(np.argsort(perm)),))
    bcast = [a if a.shape == s else np.broadcast_to(a, s) for a, s in zip(arrays, shapes)]
    out_arr = plan.run(bcast)
    if not (grad_state.enabled and out_arr.dtype.kind == "f"
            and any(t._requires_grad for t in tensors)):
        return _wrap(out_arr)
    node = _NODES[plan.node_name](
        tuple(edge(t) for t in tensors),
        (bcast, labels, out, tuple(a.shape for a in arrays), in_dtypes, tensors),
        tuple(saved_version(t) for t in tensors))
    return _wrap_result(out_arr, node)


_parsed = {}


def einsum(equation, *operands):
    if not isinstance(equation, str):
        raise TypeError("einsum(): argument 'equation' (position 1) must be str, not "
                        f"{type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError(messages.EINSUM_NO_OPERANDS)
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(messages.tensor_element(i, type(t).__name__, 1))
    shapes = tuple(t._data.shape for t in operands)
    key = (equation, shapes)
    p = _parsed.get(key)
    if p is None:
        p = _parsed[key] = _parse(equation, shapes)
    return einsum_labels(operands, p.labels, p.out, p.shapes)
