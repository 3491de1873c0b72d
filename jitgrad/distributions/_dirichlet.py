"""Dirichlet's reparameterised draw: torch._sample_dirichlet forward, ATen's
dirichlet_grad backward (torch's ``_Dirichlet`` autograd function, whose
node torch names ``_DirichletBackward``)."""
import numpy as np

from ..autograd.graph import Node, edge, node_class
from ..autograd.grad_mode import state as grad_state
from ..kernels import random_extra as _kx
from ..random_extra import _sample_dirichlet
from ..tensor import _wrap, _wrap_result


def _dirichlet_grad_array(x, concentration):
    total = np.broadcast_to(concentration.sum(-1, keepdims=True), concentration.shape)
    out = np.empty(x.size, x.dtype)
    if out.size:
        _kx.dirichlet_grad(np.ascontiguousarray(x).reshape(-1),
                           np.ascontiguousarray(concentration, x.dtype).reshape(-1),
                           np.ascontiguousarray(total, x.dtype).reshape(-1), out)
    return out.reshape(x.shape)


class _DirichletNode(Node):
    """grad * (grad_output - (x * grad_output).sum(-1, True)). Saved: (x, grad)."""
    __slots__ = ()

    def apply(self, grad):
        x, g = self._saved_or_raise()
        return (g * (grad - (x * grad).sum(-1, keepdims=True)),)

    def apply_graph(self, grad):
        x, g = self._saved_or_raise()
        return (_wrap(g) * (grad - (_wrap(x) * grad).sum(-1, keepdim=True)),)


_DIRICHLET_NODE = node_class("_DirichletBackward", _DirichletNode)


def _dirichlet_grad(x, concentration, total):
    """torch._dirichlet_grad(x, alpha, total)."""
    out = np.empty(x._data.shape, x._data.dtype)
    if out.size:
        _kx.dirichlet_grad(np.ascontiguousarray(x._data).reshape(-1),
                           np.ascontiguousarray(concentration._data, out.dtype).reshape(-1),
                           np.ascontiguousarray(total._data, out.dtype).reshape(-1),
                           out.reshape(-1))
    return _wrap(out)


def dirichlet_rsample(concentration):
    x = _sample_dirichlet(concentration)
    if grad_state.enabled and concentration._requires_grad:
        g = _dirichlet_grad_array(x._data, concentration._data)
        return _wrap_result(x._data, _DIRICHLET_NODE((edge(concentration),), (x._data, g)))
    return x
