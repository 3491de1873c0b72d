"""nn.functional's activations (leaky_relu, elu, gelu, silu), softmax and
log_softmax, dropout and linear: forward and backward side by side.

Every op records one node named as torch names it. The pointwise
activations are entries of the op table (``derivatives.Pointwise``): their
kernels, saved value and derivative formula are read from there, so the
compiler fuses them from the same entries; they save the flat input (or,
for the in-place ``leaky_relu_``/``elu_``, the result) and their parameters
already in the array's dtype. Softmax plans the
(A, R, B) view of the input per (shape, dim); linear plans its rank case,
node name and bias handling per shapes and dtypes, then runs one BLAS
matmul and one bias pass forward, two matmuls and one reduction backward.
"""
import math
import warnings

import numpy as np

from .. import derivatives, dtypes, messages
from ..autograd.graph import (Node, edge, node_class, output_version,
                              saved_version)
from ..autograd.grad_mode import state as grad_state
from ..kernels import activations as K
from ..kernels.elementwise import mul_forward
from ..kernels.reductions import sum_middle_axis
from ..tensor import _wrap, _wrap_result
from . import inplace as _inplace
from .parametric import NegativeParameterRefused, in_place as _in_place, nodes as _nodes
from .parametric import pointwise as _pointwise
from . import linalg as _linalg
from .elementwise import cast, sum_to_size
from .shapes import broadcast_shape, int_dim, normalize_dim, sum_to_shape
from ..threads import matmul as blas_matmul
from .. import parallel
from ..parallel import ROWS_MIN as _ROWS_MIN


def _float_only(x, kernel_name):
    if x._data.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(kernel_name,
                                                               x.dtype._torch_name))


def _constant(array):
    """A Tensor of values that the gradient formula treats as constants."""
    return _wrap(array)


# ------------------------------------------------------------------ pointwise activations


_TABLE = derivatives.COMPOSITE
_LEAKY_RELU = _nodes(_TABLE["leaky_relu"])
_LEAKY_RELU_ = _nodes(_TABLE["leaky_relu_"], NegativeParameterRefused,
                      message=messages.INPLACE_LEAKY_RELU_NEGATIVE_SLOPE)
_ELU = _nodes(_TABLE["elu"])
_ELU_ = _nodes(_TABLE["elu_"], NegativeParameterRefused,
               message=messages.INPLACE_ELU_NEGATIVE_ALPHA)
_GELU = _nodes(_TABLE["gelu"])
_GELU_TANH = _nodes(_TABLE["gelu_tanh"])
_SILU = _nodes(_TABLE["silu"])
_NORMAL_CDF = _nodes(derivatives.INTERNAL["normal_cdf"])


def leaky_relu(x, negative_slope=0.01, inplace=False):
    _float_only(x, "leaky_relu_cpu")
    if inplace:
        return _in_place(x, lambda t: _pointwise(t, _LEAKY_RELU_, negative_slope))
    return _pointwise(x, _LEAKY_RELU, negative_slope)


def elu(x, alpha=1.0, inplace=False):
    _float_only(x, "elu_cpu")
    if inplace:
        return _in_place(x, lambda t: _pointwise(t, _ELU_, alpha))
    return _pointwise(x, _ELU, alpha)


def gelu(x, approximate="none"):
    if not isinstance(approximate, str):
        raise TypeError(f"gelu(): argument 'approximate' must be str, not "
                        f"{type(approximate).__name__}")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(messages.GELU_APPROXIMATE)
    _float_only(x, "GeluKernelImpl")
    return _pointwise(x, _GELU_TANH if approximate == "tanh" else _GELU)


def silu(x, inplace=False):
    _float_only(x, "silu_cpu")
    if inplace:
        return _in_place(x, lambda t: _pointwise(t, _SILU))
    return _pointwise(x, _SILU)


def normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2 (differentiable; used by gelu's double backward)."""
    return _pointwise(x, _NORMAL_CDF)


# ------------------------------------------------------------------ softmax, log_softmax


class SoftmaxNode(Node):
    """Saved: (flat result, (A, R, B, dim), shape)."""
    __slots__ = ()
    kernel = None
    log = False

    def apply(self, grad):
        y, (A, R, B, _), shape = self._saved_or_raise()
        g = np.ascontiguousarray(grad, dtype=y.dtype).reshape(-1)
        out = np.empty(y.size, y.dtype)
        if y.size < _ROWS_MIN or A == 1:
            self.kernel(g, y, A, R, B, out, np.empty(B, y.dtype))
        else:
            kernel, row = self.kernel.nogil, R * B

            def rows(a0, a1):
                kernel(g[a0 * row:a1 * row], y[a0 * row:a1 * row], a1 - a0, R, B,
                       out[a0 * row:a1 * row], np.empty(B, y.dtype))
            parallel.rows(rows, A, row)
        return (out.reshape(shape),)

    def apply_graph(self, grad):
        y, (_, _, _, dim), shape = self._saved_or_raise()
        y = self.output(y.reshape(shape))
        if self.log:
            return (grad - y.exp() * grad.sum(dim, keepdim=True),)
        return (y * (grad - (grad * y).sum(dim, keepdim=True)),)


_SOFTMAX = node_class("SoftmaxBackward0", SoftmaxNode,
                      kernel=staticmethod(K.softmax_backward))
_LOG_SOFTMAX = node_class("LogSoftmaxBackward0", SoftmaxNode,
                          kernel=staticmethod(K.log_softmax_backward), log=True)

_softmax_plans = {}


def softmax_plan(shape, dim):
    """(A, R, B, dim) of reducing ``shape`` over ``dim`` (0-d counts as (1,))."""
    key = (shape, dim)
    plan = _softmax_plans.get(key)
    if plan is None:
        d = normalize_dim(dim, len(shape))
        if not shape:
            plan = (1, 1, 1, d)
        else:
            plan = (math.prod(shape[:d]), shape[d], math.prod(shape[d + 1:]), d)
        _softmax_plans[key] = plan
    return plan


def softmax(x, dim, dtype=None, log=False, position=1):
    int_dim("log_softmax" if log else "softmax", "dim", position, dim)
    if dtype is not None:
        x = cast(x, dtypes.to_dtype(dtype).numpy)
    a = x._data
    plan = softmax_plan(a.shape, dim)
    A, R, B, _ = plan
    if a.dtype.kind != "f":
        name = ("log_" if log else "") + ("softmax_lastdim_kernel_impl" if B == 1
                                          else "softmax_kernel_impl")
        raise NotImplementedError(messages.not_implemented_for(name, x.dtype._torch_name))
    flat = np.ascontiguousarray(a).reshape(-1)
    out = np.empty(flat.size, a.dtype)
    forward = K.log_softmax_forward if log else K.softmax_forward
    if flat.size < _ROWS_MIN or A == 1:
        forward(flat, A, R, B, out, np.empty(B, a.dtype), np.empty(B, a.dtype))
    else:
        row = R * B

        def rows(a0, a1):       # each row (a) alone: the same numbers at any split
            forward.nogil(flat[a0 * row:a1 * row], a1 - a0, R, B, out[a0 * row:a1 * row],
                    np.empty(B, a.dtype), np.empty(B, a.dtype))
        parallel.rows(rows, A, row)
    res = out.reshape(a.shape)
    if not (x._requires_grad and grad_state.enabled):
        return _wrap(res)
    node = (_LOG_SOFTMAX if log else _SOFTMAX)((edge(x),), (out, plan, a.shape))
    result = _wrap_result(res, node)
    node._checks = (output_version(result, node),)
    return result


def log_softmax(x, dim, dtype=None, position=1):
    return softmax(x, dim, dtype, log=True, position=position)


def log_softmax_result(x, out, dim):
    """``log_softmax(x, dim)`` whose values (``out``, flat) another kernel
    already computed (cross_entropy's), recorded as torch records it."""
    shape = x._data.shape
    node = _LOG_SOFTMAX((edge(x),), (out, softmax_plan(shape, dim), shape))
    result = _wrap_result(out.reshape(shape), node)
    node._checks = (output_version(result, node),)
    return result


def implicit_softmax_dim(name, ndim, stacklevel):
    """torch's ``_get_softmax_dim``: the deprecated choice when dim is None."""
    warnings.warn(messages.implicit_softmax_dim(name), UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


# ------------------------------------------------------------------ dropout


class DropoutNode(Node):
    """``input * noise``: saved (the table's saved (noise, flat or a scalar
    zero; shape))."""
    __slots__ = ()

    def apply(self, grad):
        return dropout_backward(self._saved_or_raise(), (grad,), (True,))[0], None

    def apply_graph(self, grad):
        noise, shape = self._saved_or_raise()
        if isinstance(noise, np.ndarray):
            return grad * _constant(noise.reshape(shape)), None
        return grad * 0.0, None


_DROPOUT = node_class("MulBackward0", DropoutNode)


def dropout(x, p=0.5, training=True, inplace=False):
    """torch's dropout: noise = bernoulli(1 - p) / (1 - p) drawn from the
    default generator as torch draws it (so a seeded run gives torch's
    mask), then ``input * noise``; p == 1 is ``input * 0``."""
    if not 0.0 <= p <= 1.0:                     # (nan too, as torch)
        raise ValueError(messages.dropout_probability(p))
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(messages.must_be("dropout", "train", "bool", training, 3))
    a = x._data
    if p == 0 or not training or a.size == 0:
        return x
    if inplace:
        _inplace.check_inplace(x)
    if p != 1 and a.dtype.kind != "f":
        raise RuntimeError(messages.cast_result(dtypes.get_default_dtype()._torch_name,
                                               x.dtype._torch_name))
    (res,), saved = dropout_forward(a, p)
    if x._requires_grad and grad_state.enabled:
        result = _wrap_result(res, _DROPOUT((edge(x), None), saved))
    else:
        result = _wrap(res)
    if inplace:
        return _inplace._take_over(x, result)
    return result


def dropout_forward(input, p=0.5, training=True, inplace=False):
    """The op table's forward (``derivatives.COMPOSITE["dropout"]``) on an
    array the checks above passed: ((input * noise,), (noise, shape))."""
    a = input
    flat = a.reshape(-1)
    out = np.empty(flat.size, a.dtype)
    if p == 1:
        noise = a.dtype.type(0)              # torch: input * zeros({})
        mul_forward(flat, noise, out)
    else:
        from ..random import bernoulli_
        keep = 1.0 - float(p)
        noise = np.empty_like(a)             # torch's empty_like: drawn in a's memory order
        bernoulli_(_wrap(noise), keep)
        noise = noise.reshape(-1) if noise.flags.c_contiguous else np.ascontiguousarray(
            noise).reshape(-1)
        K.dropout_forward(flat, noise, a.dtype.type(keep), out)
    return (out.reshape(a.shape),), (noise, a.shape)


def dropout_backward(saved, grads, needs):
    """``grad * noise``."""
    noise, shape = saved
    g = grads[0].reshape(-1)
    out = np.empty(g.size, g.dtype)
    mul_forward(g, noise, out)
    return (out.reshape(shape),)


# ------------------------------------------------------------------ linear


class LinearNode(Node):
    """``input @ weight.T (+ bias)`` as one node. Saved: (x2, W, plan, input,
    weight, bias) with x2 the input as an (N, K) array. The edges follow
    torch's order: (bias, input, weight) for AddmmBackward0, else
    (input, weight[, bias])."""
    __slots__ = ()

    def _needs(self, plan):
        nxt = self._next
        if plan.bias_first:
            return nxt[1] is not None, nxt[2] is not None, nxt[0] is not None
        return (nxt[0] is not None, nxt[1] is not None,
                plan.bias_shape is not None and nxt[2] is not None)

    def apply(self, grad):
        x2, W, plan = self._saved_or_raise()[:3]
        need_x, need_w, need_b = self._needs(plan)
        g2 = grad.reshape(plan.n_rows, plan.m)
        gx = gw = gb = None
        if need_x:
            gx = blas_matmul(g2, W).reshape(plan.x_shape)
        if need_w:
            gw = blas_matmul(g2.T, x2)
        if need_b:
            gb = _bias_grad(grad, g2, plan)
        return _in_order(plan, gx, gw, gb)

    def apply_graph(self, grad):
        _, _, plan, x, w, b = self._saved_or_raise()
        need_x, need_w, need_b = self._needs(plan)
        g2 = grad.reshape(plan.n_rows, plan.m)
        gx = gw = gb = None
        if need_x:
            gx = g2.matmul(w).reshape(plan.x_shape)
        if need_w:
            gw = g2.t().matmul(x.reshape(plan.n_rows, plan.k))
        if need_b:
            gb = sum_to_size(grad.reshape(plan.out_shape), plan.bias_shape)
            if gb._data.dtype != plan.bias_dtype:
                gb = cast(gb, plan.bias_dtype)
        return _in_order(plan, gx, gw, gb)


def _in_order(plan, gx, gw, gb):
    if plan.bias_first:
        return gb, gx, gw
    return (gx, gw) if plan.bias_shape is None else (gx, gw, gb)


_ZERO_F64 = np.float64(0)


def _bias_grad(grad, g2, plan):
    if plan.bias_mode == _ROW:
        flat = g2.reshape(-1)
        if not flat.flags.c_contiguous:
            flat = np.ascontiguousarray(flat)
        out = np.empty(plan.m, grad.dtype)
        sum_middle_axis(flat, 1, plan.n_rows, plan.m, out,
                        _ZERO_F64 if grad.dtype.kind == "f" else np.int64(0))
        gb = out.reshape(plan.bias_shape)
    else:
        gb = sum_to_shape(grad.reshape(plan.out_shape), plan.bias_shape)
    return gb if gb.dtype == plan.bias_dtype else gb.astype(plan.bias_dtype)


_LINEAR_NODES = {name: node_class(name, LinearNode) for name in
                 ("AddmmBackward0", "MmBackward0", "ViewBackward0", "UnsafeViewBackward0",
                  "SqueezeBackward4", "AddBackward0")}

# how the bias is added: one value per output column, one scalar, or a
# broadcast array of the output's size
_ROW, _SCALAR, _FULL = range(3)


class LinearPlan:
    __slots__ = ("node_cls", "n_rows", "k", "m", "x_shape", "out_shape", "bias_shape",
                 "bias_dtype", "bias_mode", "bias_first", "zero_bias")

    def __init__(self, a, contiguous, W, bias):
        if a.ndim == 0 or W.ndim == 0:
            raise RuntimeError(messages.linear_dims(a.ndim, W.ndim))
        if W.ndim > 2:
            raise RuntimeError(messages.t_too_many_dims(W.ndim))
        self.x_shape = a.shape
        self.k = a.shape[-1]
        self.m = W.shape[0]
        self.n_rows = math.prod(a.shape[:-1])
        self.zero_bias = None
        self._validate(a, contiguous, W, bias)
        # OpenBLAS runs W @ x.T faster than x @ W.T when there are fewer rows
        # than outputs (64x784 @ 784x256: 278 vs 337 us, one thread); the
        # (M, N) product is then transposed into place with the bias added.
        # Planned only for float inputs of one dtype (so the product's dtype
        # is theirs) and a row bias or none.
        if (self.n_rows < self.m and self.k >= 64 and a.dtype == W.dtype
                and a.dtype.kind == "f" and self.bias_mode in (None, _ROW)
                and (bias is None or bias.dtype == a.dtype)):
            self.zero_bias = np.zeros(self.m, a.dtype)

    def _validate(self, a, contiguous, W, bias):
        self.out_shape = a.shape[:-1] + (self.m,)
        self.bias_shape = self.bias_dtype = self.bias_mode = None
        self.bias_first = False
        if bias is None:
            self.node_cls = _LINEAR_NODES[_linalg._check(a, W.T)]
            if a.dtype.kind == "b":
                raise NotImplementedError(messages.not_implemented_for("addmm_impl_cpu_", "Bool"))
            return
        self.bias_shape = bias.shape
        self.bias_dtype = bias.dtype
        fused = a.ndim == 2 or (contiguous and bias.ndim >= 1 and
                                all(s == 1 for s in bias.shape[:-1]))
        if fused:
            self._check_addmm(a, W, bias)
            self.node_cls = _LINEAR_NODES["AddmmBackward0" if a.ndim == 2 else "ViewBackward0"]
            self.bias_first = a.ndim == 2
            if bias.size == 1:
                self.bias_mode = _SCALAR
            elif bias.shape[-1] == self.m and bias.size == self.m:
                self.bias_mode = _ROW
            else:
                self.bias_mode = _FULL
            return
        # torch: matmul, then output.add_(bias)
        _linalg._check(a, W.T)
        target = broadcast_shape(self.out_shape, bias.shape)
        if target != self.out_shape:
            raise RuntimeError(messages.inplace_broadcast(self.out_shape, target))
        out_dt = dtypes.from_numpy(a.dtype)
        res = dtypes.result_type(((out_dt, 0), (dtypes.from_numpy(bias.dtype),
                                                 1 if bias.ndim == 0 else 0)))
        if dtypes._category(res) > dtypes._category(out_dt):
            raise RuntimeError(messages.cast_result(res._torch_name, out_dt._torch_name))
        self.node_cls = _LINEAR_NODES["AddBackward0"]
        self.bias_mode = _SCALAR if bias.size == 1 else (
            _ROW if bias.size == self.m and bias.shape[-1] == self.m else _FULL)

    def _check_addmm(self, a, W, bias):
        names = {d: dtypes.from_numpy(d)._torch_name for d in (a.dtype, W.dtype, bias.dtype)}
        if bias.dtype != W.dtype:
            raise RuntimeError(messages.addmm_dtypes("self", names[bias.dtype], names[W.dtype]))
        if a.dtype != W.dtype:
            raise RuntimeError(messages.addmm_dtypes("mat1", names[a.dtype], names[W.dtype]))
        if a.dtype.kind == "b":
            raise NotImplementedError(messages.not_implemented_for("addmm_impl_cpu_", "Bool"))
        if self.k != W.shape[1]:
            raise RuntimeError(messages.mm_shapes((self.n_rows, self.k), W.shape[::-1]))
        target = (self.n_rows, self.m)
        if bias.ndim > 2:
            type_name = {"Float": "FloatTensor", "Double": "DoubleTensor", "Long": "LongTensor",
                         "Int": "IntTensor", "Bool": "BoolTensor"}[names[bias.dtype]]
            raise RuntimeError(messages.expand_ndim(type_name, bias.shape, target))
        for i in range(1, bias.ndim + 1):
            s = bias.shape[-i]
            if s != 1 and s != target[-i]:
                raise RuntimeError(messages.expand_size(target, bias.shape, 2 - i))


_linear_plans = {}


def linear(x, w, b=None):
    a, W = x._data, w._data
    if W.ndim == 1 and a.ndim != 0:
        return _linear_vector(x, w, b)
    if b is None:
        key = (a.shape, a.dtype, True, W.shape, W.dtype)
        bias = None
    else:
        bias = b._data
        key = (a.shape, a.dtype, a.ndim == 2 or a.flags.c_contiguous, W.shape, W.dtype,
               bias.shape, bias.dtype)
    plan = _linear_plans.get(key)
    if plan is None:
        plan = _linear_plans[key] = LinearPlan(a, key[2], W, bias)
    x2 = a.reshape(plan.n_rows, plan.k)
    if plan.zero_bias is not None and (bias is None or plan.bias_mode == _ROW):
        out = np.empty((plan.n_rows, plan.m), plan.zero_bias.dtype)
        K.transpose_add_bias(blas_matmul(W, x2.T), plan.zero_bias if bias is None
                             else bias.reshape(-1), out)
    elif bias is not None:
        out = blas_matmul(x2, W.T)
        mode = plan.bias_mode
        flat = out.reshape(-1)
        if mode == _ROW:
            K.add_bias_rows(flat, bias.reshape(-1), plan.n_rows, plan.m)
        elif mode == _SCALAR:
            K.add_bias_rows(flat, out.dtype.type(bias.reshape(-1)[0]), plan.n_rows, plan.m)
        else:
            full = np.ascontiguousarray(np.broadcast_to(bias.astype(out.dtype, copy=False),
                                                        plan.out_shape)).reshape(-1)
            K.add_bias_rows(flat, full, 1, flat.size)
    else:
        out = blas_matmul(x2, W.T)
    res = out.reshape(plan.out_shape)
    if not grad_state.enabled or not (x._requires_grad or w._requires_grad or
                                      (b is not None and b._requires_grad)):
        return _wrap(res)
    if b is None:
        edges = (edge(x), edge(w))
    elif plan.bias_first:
        edges = (edge(b), edge(x), edge(w))
    else:
        edges = (edge(x), edge(w), edge(b))
    # torch saves the input only for the weight's gradient and the weight (as
    # weight.t()) only for the input's: the saved tensors' version checks
    checks = ()
    if x._requires_grad:
        vc = w._vc
        checks = ((vc, vc[0], ("AsStridedBackward0" if w._requires_grad else None, W.shape[::-1],
                               W.dtype)),)
    if w._requires_grad:
        if a.ndim == 2:
            checks += (saved_version(x),)
        elif np.may_share_memory(x2, a):
            # the (N, K) view of the input, which an in-place change turns into
            # an AsStrided output (a reshaped copy is unaffected by later changes)
            vc = x._vc
            checks += ((vc, vc[0], ("AsStridedBackward0" if x._grad_fn is not None else None,
                                    x2.shape, a.dtype)),)
    node = plan.node_cls(edges, (x2, W, plan, x, w, b), checks)
    return _wrap_result(res, node)


def _linear_vector(x, w, b):
    """A 1-d weight: torch's matmul(input, weight) (+ bias, which the fused
    addmm path refuses)."""
    out = _linalg.matmul(x, w)
    if b is None:
        return out
    a = x._data
    if a.ndim == 2 or (a.flags.c_contiguous and b._data.ndim >= 1 and
                       all(s == 1 for s in b._data.shape[:-1])):
        raise RuntimeError(messages.MAT2_1D)
    return out + b
