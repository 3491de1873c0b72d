"""The eager glue of the op table's ``Pointwise`` entries (the activations
with parameters: leaky_relu, elu, gelu, silu, softplus): one node class
reads an entry's gradient kernel, saved value and formula, so a new entry
needs no code here. Only what the table can't say is written out: the
in-place forms' refusal of a negative parameter.
"""
import numpy as np

from ..autograd.formulas import compile_formula
from ..autograd.graph import Node, edge, node_class, output_version, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result
from .. import parallel
from ..parallel import ELEMENTWISE_MIN as _PAR_MIN
from . import inplace as _inplace


class PointwiseNode(Node):
    """The node of a ``derivatives.Pointwise`` entry (``op``). Saved: (flat
    input or result, parameter values, input Tensor or None, shape)."""
    __slots__ = ()
    op = None
    kernel = None               # staticmethod(kernel(grad, saved, *params, out))
    saves_result = False        # the gradient reads the result (else the input)

    def apply(self, grad):
        a, params, _, shape = self._saved_or_raise()
        self._refuse()
        g = grad.reshape(-1)
        if g.dtype != a.dtype:
            g = g.astype(a.dtype)
        out = np.empty(a.size, a.dtype)
        if a.size < _PAR_MIN:
            self.kernel(g, a, *params, out)
        else:
            parallel.elementwise(self.kernel, (g, a, *params, out), a.size)
        return (out.reshape(shape),)

    def _refuse(self):
        pass

    def apply_graph(self, grad):
        # the table's formula on Tensors (recorded, for create_graph)
        a, params, x, shape = self._saved_or_raise()
        self._refuse()
        op = self.op
        result = self.output(a.reshape(shape)) if self.saves_result else None
        named = {k: float(v) for k, v in zip(op.params, params)}
        return (_formula(op)(grad, self=x, result=result, **named),)


class NegativeParameterRefused(PointwiseNode):
    """In-place leaky_relu_/elu_ saved their result, from which a negative
    slope or alpha can't recover the gradient: torch refuses (not a formula,
    so not in the table)."""
    __slots__ = ()
    message = None

    def _refuse(self):
        if self._saved[1][0] < 0:
            raise RuntimeError(self.message)


_formulas = {}


def _formula(op):
    f = _formulas.get(op.name)
    if f is None:
        f = _formulas[op.name] = compile_formula(op.formula)
    return f


def nodes(op, base=PointwiseNode, **attrs):
    """((node class, forward kernel) for float64 and other dtypes, the same
    for float32) of table op ``op`` (float32 may have kernels of its own)."""
    attrs["saves_result"] = "result" in op.grad.args
    node = node_class(op.node, base, op=op, kernel=staticmethod(op.grad.kernel), **attrs)
    plan = (node, op.forward)
    if op.float32 is None:
        return plan, plan
    return plan, (node_class(op.node, base, op=op, kernel=staticmethod(op.float32[1]), **attrs),
                  op.float32[0])


_FLOAT32 = np.dtype(np.float32)


def pointwise(x, plans, *params):
    """The table op of ``plans`` (``nodes``) on x with ``params``; records its
    node, saving the input, or the result when the gradient reads it."""
    a = x._data
    node_cls, forward = plans[a.dtype is _FLOAT32]       # (numpy's dtypes are singletons)
    flat = a.reshape(-1)
    out = np.empty(flat.size, a.dtype)
    # (spelled out for up to two parameters: this is the eager hot path)
    if flat.size >= _PAR_MIN:
        params = tuple(map(a.dtype.type, params))
        parallel.elementwise(forward, (flat, *params, out), flat.size)
    elif not params:
        forward(flat, out)
    elif len(params) == 1:
        p = a.dtype.type(params[0])
        params = (p,)
        forward(flat, p, out)
    elif len(params) == 2:
        t = a.dtype.type
        p, q = t(params[0]), t(params[1])
        params = (p, q)
        forward(flat, p, q, out)
    else:
        params = tuple(map(a.dtype.type, params))
        forward(flat, *params, out)
    res = out.reshape(a.shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(res)
    if node_cls.saves_result:
        node = node_cls((edge(x),), (out, params, None, a.shape))
        result = _wrap_result(res, node)
        node._checks = (output_version(result, node),)
        return result
    node = node_cls((edge(x),), (flat, params, x, a.shape))
    node._checks = (saved_version(x),)
    return _wrap_result(res, node)


def in_place(x, fn):
    """x replaced by fn(x) with in-place semantics; a node that saved the
    result then watches x itself (torch saves the modified tensor)."""
    _inplace.apply_(x, fn)
    node = x._grad_fn
    if isinstance(node, NegativeParameterRefused):
        vc = x._vc
        node._checks = ((vc, vc[0], (type(node).__name__, x._data.shape, x._data.dtype)),)
    return x
