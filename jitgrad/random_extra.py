"""torch.normal's four overloads, torch.poisson, torch.binomial,
torch._standard_gamma (and its gradient), torch._sample_dirichlet, and
Tensor.cauchy_/log_normal_/geometric_: torch's CPU draws bit for bit on
jitgrad's generator (kernels in ``kernels/random_extra.py``).

All but normal are ATen serial kernels: the elements of a contiguous result
in order, each drawing as it needs. torch.normal draws normal_(0, std) (or
(0, 1)) into a fresh contiguous tensor, then multiplies by std and adds mean
(two roundings, as ATen's ``mul_`` then ``add_``).
"""
import numbers

import numpy as np

from . import dtypes, messages
from .autograd.graph import Node, edge, node_class
from .autograd.grad_mode import state as grad_state
from .device import check_device
from .factories import _finish, _float_dtype, _size
from .kernels import random_extra as _kx
from .ops.shapes import broadcast_shape
from .random import (Generator, _ZeroGradNode, _empty_like, _fill, _finish_inplace,
                     _float_arg, _got, _method_generator, _normal_fill, default_generator)
from .ops.inplace import check_inplace
from .tensor import Tensor, _wrap, _wrap_result

_NORMAL_NODES = {"tt": node_class("NormalBackward3", _ZeroGradNode),
                 "tf": node_class("NormalBackward1", _ZeroGradNode),
                 "ft": node_class("NormalBackward2", _ZeroGradNode)}
_POISSON_NODE = node_class("PoissonBackward0", _ZeroGradNode)
_CAUCHY_NODE = node_class("CauchyBackward0", _ZeroGradNode)
_LOG_NORMAL_NODE = node_class("LogNormalBackward0", _ZeroGradNode)
_GEOMETRIC_NODE = node_class("GeometricBackward0", _ZeroGradNode)


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _record(out, node_cls, inputs):
    """out wrapped; a zero-gradient node for the inputs that require grad."""
    if grad_state.enabled and any(t._requires_grad for t in inputs):
        return _wrap_result(out, node_cls(tuple(edge(t) for t in inputs),
                                          tuple((t._data.shape, t._data.dtype) for t in inputs)))
    return _wrap(out)


def _to_out(res, out):
    if out is None:
        return res
    if out._data.shape != res._data.shape:
        out._data = np.empty(res._data.shape, out._data.dtype)
    out._data[...] = res._data
    out._vc[0] += 1
    return out


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """torch.normal(mean, std, *, generator=None, out=None) with tensor and/or
    float mean and std, or torch.normal(mean, std, size, ...) of floats."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    ok = (generator is None or isinstance(generator, Generator)) and (
        mt or _is_number(mean)) and (st or _is_number(std)) and (
        (size is None and (mt or st)) or (size is not None and not mt and not st))
    if not ok:
        args = tuple(a for a in (mean, std, size) if a is not None)
        raise TypeError(messages.invalid_arguments(
            "normal", _got(args, {"generator": generator}), messages.NORMAL_SIGNATURES))
    g = generator or default_generator
    if not mt and not st:
        if device is not None:
            check_device(device)
        s = float(std)
        if not s >= 0.0:
            raise RuntimeError(messages.normal_std(s))
        np_dtype = _float_dtype(dtype)
        arr = np.empty(_size(tuple(size) if isinstance(size, (tuple, list)) else (size,)),
                       np_dtype)
        if arr.size:
            _normal_fill(g, arr, float(mean), s)
        return _to_out(_finish(arr, requires_grad), out)
    if st:
        sd = std._data
        if sd.size and not (sd.min() >= 0):
            raise RuntimeError(messages.NORMAL_TENSOR_STD)
    else:
        s = float(std)
        if not s >= 0.0:
            raise RuntimeError(messages.normal_std(s))
    if mt and st:
        shape = broadcast_shape(mean._data.shape, std._data.shape)
        np_dtype = mean._data.dtype
    elif mt:
        shape, np_dtype = mean._data.shape, mean._data.dtype
    else:
        shape, np_dtype = std._data.shape, std._data.dtype
    if np_dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "normal_kernel_cpu", dtypes.from_numpy(np_dtype)._torch_name))
    arr = np.empty(shape, np_dtype)
    if arr.size:
        _normal_fill(g, arr, 0.0, 1.0 if st else s)
    if st:
        arr = np.multiply(arr, std._data, dtype=np_dtype)
    mval = mean._data if mt else np_dtype.type(mean)
    arr = np.add(arr, mval, dtype=np_dtype)
    inputs = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    key = ("t" if mt else "f") + ("t" if st else "f")
    return _to_out(_record(arr, _NORMAL_NODES[key], inputs), out)


def poisson(input, generator=None):
    """torch.poisson: ATen's sample_poisson per element (float64 arithmetic),
    in input's dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(messages.argument_type("poisson", "input", "Tensor",
                                               type(input).__name__, 1))
    g = _method_generator(generator, "poisson")
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "poisson_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    lam = np.ascontiguousarray(a, np.float64).reshape(-1)
    out = np.zeros(lam.size, np.int64)
    if lam.size and _kx.poisson(g._mt, g._pos, lam, out) >= 0:
        raise RuntimeError(messages.POISSON_RATE)
    return _record(out.astype(a.dtype).reshape(a.shape), _POISSON_NODE, (input,))


def binomial(count, prob, generator=None):
    """torch.binomial(count, prob): ATen's sample_binomial (BTRS, or inversion
    for count * p < 10) per element, with ATen's mix of the input's float
    type and float64."""
    if not isinstance(count, Tensor) or not isinstance(prob, Tensor):
        bad, pos, name = (count, 1, "count") if not isinstance(count, Tensor) else (prob, 2, "prob")
        raise TypeError(messages.argument_type("binomial", name, "Tensor", type(bad).__name__, pos))
    g = _method_generator(generator, "binomial")
    shape = broadcast_shape(count._data.shape, prob._data.shape)
    dt = count._data.dtype
    if dt.kind != "f" or prob._data.dtype != dt:
        raise NotImplementedError(messages.not_implemented_for(
            "binomial_cpu", dtypes.from_numpy(dt)._torch_name))
    c = np.ascontiguousarray(np.broadcast_to(count._data, shape)).reshape(-1)
    p = np.ascontiguousarray(np.broadcast_to(prob._data, shape)).reshape(-1)
    out = np.empty(c.size, dt)
    if out.size:
        _kx.binomial(g._mt, g._pos, c, p, out)
    return _wrap(out.reshape(shape))


class _StandardGammaNode(Node):
    """grad * _standard_gamma_grad(self, result). Saved: (alpha, result)."""
    __slots__ = ()

    def apply(self, grad):
        alpha, result = self._saved_or_raise()
        return (grad * _gamma_grad_array(alpha, result),)

    def apply_graph(self, grad):
        alpha, result = self._saved_or_raise()
        return (grad * _wrap(_gamma_grad_array(alpha, result)),)


_STANDARD_GAMMA_NODE = node_class("StandardGammaBackward0", _StandardGammaNode)


def _gamma_grad_array(alpha, x):
    shape = np.broadcast_shapes(alpha.shape, x.shape)
    dt = np.result_type(alpha.dtype, x.dtype)
    a = np.ascontiguousarray(np.broadcast_to(alpha, shape), dt).reshape(-1)
    b = np.ascontiguousarray(np.broadcast_to(x, shape), dt).reshape(-1)
    out = np.empty(a.size, dt)
    if out.size:
        _kx.standard_gamma_grad(a, b, out)
    return out.reshape(shape)


def _standard_gamma_grad(self, output):
    """torch._standard_gamma_grad(self, output): d output / d alpha of a
    standard gamma draw (ATen's approximations; not differentiable)."""
    return _wrap(_gamma_grad_array(self._data, output._data))


def _standard_gamma(input, generator=None):
    """torch._standard_gamma: ATen's sample_gamma (Marsaglia-Tsang, normals
    from the cached Box-Muller pair) per element, in input's dtype."""
    g = _method_generator(generator, "_standard_gamma")
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "gamma_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    alpha = np.ascontiguousarray(a).reshape(-1)
    out = np.empty(alpha.size, a.dtype)
    if out.size:
        _kx.standard_gamma(g._mt, g._pos, g._normal, alpha, out, float(np.finfo(a.dtype).tiny))
    res = out.reshape(a.shape)
    if grad_state.enabled and input._requires_grad:
        return _wrap_result(res, _STANDARD_GAMMA_NODE((edge(input),), (a, res)))
    return _wrap(res)


def _sample_dirichlet(input, generator=None):
    """torch._sample_dirichlet: float64 gammas (at least DBL_MIN) normalised
    along the last dimension, in input's dtype (not differentiable)."""
    g = _method_generator(generator, "_sample_dirichlet")
    a = input._data
    alpha = np.ascontiguousarray(a, np.float64).reshape(-1)
    out = np.empty(alpha.size)
    if out.size:
        _kx.dirichlet_gammas(g._mt, g._pos, g._normal, alpha, out)
    out = out.reshape(a.shape)
    return _wrap((out / out.sum(-1, keepdims=True)).astype(a.dtype))


def _inplace_args(x, fname, generator):
    g = _method_generator(generator, fname)
    check_inplace(x)
    return g


def cauchy_(x, median=0, sigma=1, *, generator=None):
    g = _inplace_args(x, "cauchy_", generator)
    median = _float_arg(median, "cauchy_", "median", 1)
    sigma = _float_arg(sigma, "cauchy_", "sigma", 2)
    if not sigma > 0.0:
        raise RuntimeError(messages.cauchy_sigma(sigma))
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "cauchy_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    if a.size:
        _fill(a, lambda flat: _kx.cauchy(g._mt, g._pos, flat, median, sigma))
    return _finish_inplace(x, _CAUCHY_NODE)


def log_normal_(x, mean=1, std=2, *, generator=None):
    g = _inplace_args(x, "log_normal_", generator)
    mean = _float_arg(mean, "log_normal_", "mean", 1)
    std = _float_arg(std, "log_normal_", "std", 2)
    if not std > 0.0:
        raise RuntimeError(messages.log_normal_std(std))
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "log_normal_cpu", dtypes.from_numpy(a.dtype)._torch_name))
    if a.size:
        _fill(a, lambda flat: _kx.log_normal(g._mt, g._pos, g._normal, flat, mean, std))
    return _finish_inplace(x, _LOG_NORMAL_NODE)


def geometric_(x, p, *, generator=None):
    g = _inplace_args(x, "geometric_", generator)
    p = _float_arg(p, "geometric_", "p", 1)
    if not 0 < p < 1:
        raise RuntimeError(messages.geometric_p(p))
    a = x._data
    if a.size:
        if a.dtype.kind == "f":
            _fill(a, lambda flat: _kx.geometric(g._mt, g._pos, flat, p))
        else:
            buf = _empty_like(a, np.float64)         # a's layout: drawn in a's order
            _fill(buf, lambda flat: _kx.geometric(g._mt, g._pos, flat, p))
            a[...] = buf
    return _finish_inplace(x, _GEOMETRIC_NODE)
