"""Helpers of torch.distributions.utils, on jitgrad tensors."""
import numbers
from functools import update_wrapper

import numpy as np

from .. import functions as F
from ..autograd.grad_mode import no_grad
from ..dtypes import get_default_dtype
from ..factories import tensor as _tensor
from ..tensor import Size, Tensor

euler_constant = 0.57721566490153286060


def _and(a, b):
    """Elementwise a and b of bool tensors (or Python bools)."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a * b
    return a and b


def _or(a, b):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a + b
    return a or b


def _shape_of(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


def broadcast_all(*values):
    """The values as tensors broadcast to one shape; numbers become tensors of
    the first tensor's dtype (else the default dtype), as torch's."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else _tensor(float(v), dtype=dtype) for v in values]
    shape = _shape_of(*(t.shape for t in tensors))
    return tuple(t if tuple(t.shape) == shape else t.expand(shape) for t in tensors)


def _standard_normal(shape, dtype, device=None):
    from ..factories import empty
    return empty(tuple(shape), dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def _finfo(t):
    return np.finfo(t._data.dtype if isinstance(t, Tensor) else np.float32)


def clamp_probs(probs):
    eps = float(_finfo(probs).eps)
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return F.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    """Computed on first access, then cached on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with _enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def _enable_grad():
    from ..autograd.grad_mode import enable_grad
    return enable_grad()


def _size(sample_shape):
    return Size(tuple(sample_shape))


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _batch_diag(m):
    """The diagonal of the last two dimensions (differentiable)."""
    from ..factories import eye
    n = m.shape[-1]
    return (m * eye(n, dtype=m.dtype)).sum(-1)


def _tril_solve(L, b):
    from ._linalg import solve_triangular
    return solve_triangular(L, b)


__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs",
           "lazy_property", "euler_constant", "no_grad"]
