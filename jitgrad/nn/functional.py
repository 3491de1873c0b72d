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


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    from ..ops import embedding_bag as _bag
    return _bag.embedding_bag(_tensor("embedding_bag", input), _tensor("embedding_bag", weight,
                                                                       "weight", 2),
                              offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                              per_sample_weights, include_last_offset, padding_idx)


def bilinear(input1, input2, weight, bias=None):
    from ..ops import embedding_bag as _bag
    return _bag.bilinear(_tensor("bilinear", input1, "input1", 1),
                         _tensor("bilinear", input2, "input2", 2),
                         _tensor("bilinear", weight, "weight", 3), bias)


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


# ---- 1-d/3-d/transposed convolutions, 1-d and adaptive pooling, pad, interpolate, pixel
# shuffle (nn/_functional_more.py over ops/conv_nd.py, ops/resample.py)

from ._functional_more import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: E402,F401
                               adaptive_avg_pool3d,
                               adaptive_max_pool1d, adaptive_max_pool1d_with_indices,
                               adaptive_max_pool2d, adaptive_max_pool2d_with_indices,
                               avg_pool1d, conv1d, conv3d, conv_transpose1d, conv_transpose2d,
                               conv_transpose3d, interpolate, max_pool1d,
                               max_pool1d_with_indices, pad, pixel_shuffle, pixel_unshuffle,
                               upsample, upsample_bilinear, upsample_nearest)


# ---- attention (ops/attention.py)

from ..ops.attention import (multi_head_attention_forward,  # noqa: E402,F401
                             scaled_dot_product_attention)
from ..ops.attention import canonical_mask as _canonical_mask  # noqa: E402,F401
from ..ops.attention import mha_shape_check as _mha_shape_check  # noqa: E402,F401
from ..ops.attention import none_or_dtype as _none_or_dtype  # noqa: E402,F401


# ---- more activations, normalisations and losses (ops/activations_extra.py,
# ops/normalization_extra.py, ops/losses_extra.py)

from ..ops import activations_extra as _actx  # noqa: E402
from ..ops.losses_extra import (cosine_embedding_loss, gaussian_nll_loss,  # noqa: E402,F401
                                huber_loss, kl_div, margin_ranking_loss, multi_margin_loss,
                                multilabel_soft_margin_loss, poisson_nll_loss, soft_margin_loss,
                                triplet_margin_loss)
from ..ops.ctc import ctc_loss  # noqa: E402,F401
from ..ops.normalization_extra import (cosine_similarity, group_norm,  # noqa: E402,F401
                                       instance_norm, local_response_norm, normalize,
                                       pairwise_distance, rms_norm)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _actx.hardtanh(_tensor("hardtanh", input), min_val, max_val, inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _actx.hardtanh(_tensor("hardtanh_", input), min_val, max_val, True)


def relu6(input, inplace=False):
    return _actx.hardtanh(_tensor("relu6", input), 0.0, 6.0, inplace)


def elu_(input, alpha=1.0):
    return _act.elu(_tensor("elu_", input), float(alpha), True)


def selu(input, inplace=False):
    return _actx.selu(_tensor("selu", input), inplace)


def selu_(input):
    return _actx.selu(_tensor("selu_", input), True)


def celu(input, alpha=1.0, inplace=False):
    return _actx.celu(_tensor("celu", input), alpha, inplace)


def celu_(input, alpha=1.0):
    return _actx.celu(_tensor("celu_", input), alpha, True)


def hardsigmoid(input, inplace=False):
    return _actx.hardsigmoid(_tensor("hardsigmoid", input), inplace)


def hardswish(input, inplace=False):
    return _actx.hardswish(_tensor("hardswish", input), inplace)


def mish(input, inplace=False):
    return _actx.mish(_tensor("mish", input), inplace)


def logsigmoid(input):
    return _actx.logsigmoid(_tensor("log_sigmoid", input))


def softsign(input):
    return _actx.softsign(input)


def tanhshrink(input):
    return _actx.tanhshrink(input)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _act.implicit_softmax_dim("softmin", input.dim(), _stacklevel)
    return _actx.softmin(_tensor("softmin", input), dim, dtype)


def threshold(input, threshold, value, inplace=False):
    return _actx.threshold(_tensor("threshold", input), threshold, value, inplace)


def threshold_(input, threshold, value):
    return _actx.threshold(_tensor("threshold_", input), threshold, value, True)


def hardshrink(input, lambd=0.5):
    return _actx.hardshrink(_tensor("hardshrink", input), lambd)


def softshrink(input, lambd=0.5):
    return _actx.softshrink(_tensor("softshrink", input), lambd)


def prelu(input, weight):
    return _actx.prelu(_tensor("prelu", input), _tensor("prelu", weight, "weight", 2))


def glu(input, dim=-1):
    return _actx.glu(_tensor("glu", input), dim)


# ---- the rest: rrelu, gumbel_softmax, channel-wise/alpha dropouts, 3-d/lp pooling,
# max_unpool, channel_shuffle, more losses (nn/_functional_rest.py)

from ._functional_rest import (adaptive_max_pool3d,  # noqa: E402,F401
                               adaptive_max_pool3d_with_indices, affine_grid, alpha_dropout,
                               avg_pool3d, grid_sample,
                               channel_shuffle, dropout1d, dropout2d, dropout3d,
                               feature_alpha_dropout, gumbel_softmax, hinge_embedding_loss,
                               leaky_relu_, lp_pool1d, lp_pool2d, lp_pool3d, max_pool3d,
                               max_pool3d_with_indices, max_unpool1d, max_unpool2d,
                               max_unpool3d,
                               multilabel_margin_loss, native_channel_shuffle, relu_, rrelu,
                               rrelu_, triplet_margin_with_distance_loss)


# a name torch has and jitgrad lacks says so (jitgrad/api_coverage.py)
from ..api_coverage import module_getattr as _module_getattr  # noqa: E402
__getattr__ = _module_getattr("jitgrad.nn.functional", "torch.nn.functional")
