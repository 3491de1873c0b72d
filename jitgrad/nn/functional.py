"""``jitgrad.nn.functional``: torch.nn.functional's names over jitgrad ops."""
import numbers

from .. import messages
from ..functions import sigmoid, tanh  # noqa: F401
from ..functions import relu as _relu
from ..ops import activations as _act
from ..ops import normalization as _norm
from ..ops.pointwise import softplus  # noqa: F401
from ..ops.losses import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                          cross_entropy, l1_loss, mse_loss, nll_loss, one_hot, smooth_l1_loss)
from ..tensor import Size, Tensor


def _tensor(fname, value, arg="input", position=1):
    if not isinstance(value, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, value))
    return value


def relu(input, inplace=False):
    if inplace:
        return _tensor("relu_", input).relu_()
    return _relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _act.leaky_relu(_tensor("leaky_relu", input), float(negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    return _act.elu(_tensor("elu", input), float(alpha), inplace)


def gelu(input, approximate="none"):
    return _act.gelu(_tensor("gelu", input), approximate)


def silu(input, inplace=False):
    return _act.silu(_tensor("silu", input), inplace)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _act.implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return _act.softmax(_tensor("softmax", input), dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _act.implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _act.log_softmax(_tensor("log_softmax", input), dim, dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    return _act.dropout(_tensor("dropout", input), p, training, inplace)


def linear(input, weight, bias=None):
    _tensor("linear", input)
    _tensor("linear", weight, "weight", 2)
    if bias is not None:
        _tensor("linear", bias, "bias", 3)
    return _act.linear(input, weight, bias)


# ---- embedding, layer_norm, batch_norm (ops/normalization.py)

def _optional(fname, value, arg, position):
    return None if value is None else _tensor(fname, value, arg, position)


def _number(fname, value, arg, position):
    if not isinstance(value, numbers.Real):
        raise TypeError(messages.arg_must_be(fname, arg, position, value, "float"))
    return value


def _flag(fname, value, arg, position):
    if not isinstance(value, bool):
        raise TypeError(messages.arg_must_be(fname, arg, position, value, "bool"))
    return value


def _int_tuple(fname, arg, position, value):
    if isinstance(value, Tensor) or not isinstance(value, (tuple, list)):
        raise TypeError(messages.tuple_of_ints(fname, arg, position, value))
    for i, v in enumerate(value):
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            raise TypeError(messages.tuple_of_ints_element(fname, arg, position, v, i))
    return tuple(int(v) for v in value)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        weight.size(0)                       # torch reads it before any check
    _tensor("embedding", weight, "weight", 1)
    _tensor("embedding", input, "indices", 2)
    _flag("embedding", scale_grad_by_freq, "scale_grad_by_freq", 4)
    _flag("embedding", sparse, "sparse", 5)
    return _norm.embedding_functional(input, weight, padding_idx, max_norm, norm_type,
                                      scale_grad_by_freq, sparse)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if not (type(normalized_shape) is tuple and len(normalized_shape) == 1
            and type(normalized_shape[0]) is int and type(eps) is float
            and isinstance(input, Tensor) and (weight is None or isinstance(weight, Tensor))
            and (bias is None or isinstance(bias, Tensor))):
        # not the common case: check every argument as torch's parser does
        _tensor("layer_norm", input)
        normalized_shape = _int_tuple("layer_norm", "normalized_shape", 2, normalized_shape)
        _optional("layer_norm", weight, "weight", 3)
        _optional("layer_norm", bias, "bias", 4)
        _number("layer_norm", eps, "eps", 5)
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    if training:
        _verify_batch_size(input._data.shape if type(input) is Tensor else input.size())
        if eps <= 0.0:
            raise ValueError(messages.batch_norm_eps(eps, True))
    elif eps < 0.0:
        raise ValueError(messages.batch_norm_eps(eps, False))
    if not (type(momentum) is float and type(eps) is float and isinstance(input, Tensor)
            and (weight is None or isinstance(weight, Tensor))
            and (bias is None or isinstance(bias, Tensor))
            and (running_mean is None or isinstance(running_mean, Tensor))
            and (running_var is None or isinstance(running_var, Tensor))
            and type(training) is bool):
        _tensor("batch_norm", input)
        _optional("batch_norm", weight, "weight", 2)
        _optional("batch_norm", bias, "bias", 3)
        _optional("batch_norm", running_mean, "running_mean", 4)
        _optional("batch_norm", running_var, "running_var", 5)
        _flag("batch_norm", training, "training", 6)
        _number("batch_norm", momentum, "momentum", 7)
        _number("batch_norm", eps, "eps", 8)
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                            eps)


def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError(messages.batch_norm_batch_size(Size(size)))



# ---- convolution and pooling (ops/conv.py, ops/pooling.py)

from ..ops import conv as _conv  # noqa: E402
from ..ops import pooling as _pool  # noqa: E402


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv.conv2d(input, weight, bias, stride, padding, dilation, groups)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    return _conv.unfold(_tensor("im2col", input), kernel_size, dilation, padding, stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return _conv.fold(_tensor("col2im", input), output_size, kernel_size, dilation, padding,
                      stride)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if not isinstance(input, Tensor):
        _tensor("max_pool2d_with_indices" if return_indices else "max_pool2d", input)
    return _pool.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode,
                            return_indices)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _pool.avg_pool2d(_tensor("avg_pool2d", input), kernel_size, stride, padding,
                            ceil_mode, count_include_pad, divisor_override)


# ---- attention (ops/attention.py)

from ..ops.attention import (multi_head_attention_forward,  # noqa: E402,F401
                             scaled_dot_product_attention)
from ..ops.attention import canonical_mask as _canonical_mask  # noqa: E402,F401
from ..ops.attention import mha_shape_check as _mha_shape_check  # noqa: E402,F401
from ..ops.attention import none_or_dtype as _none_or_dtype  # noqa: E402,F401


# a name torch has and jitgrad lacks says so (jitgrad/api_coverage.py)
from ..api_coverage import module_getattr as _module_getattr  # noqa: E402
__getattr__ = _module_getattr("jitgrad.nn.functional", "torch.nn.functional")
