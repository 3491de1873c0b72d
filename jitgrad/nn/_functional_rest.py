"""The rest of nn.functional (in-place relu/leaky_relu, rrelu, gumbel_softmax,
the channel-wise and alpha dropouts, 3-d and lp pooling, max_unpool,
channel_shuffle, hinge-embedding / multilabel-margin / triplet-with-distance
losses) over jitgrad/ops/nn_rest.py and jitgrad/ops/pooling3d.py, with
torch's signatures."""
from ..ops import activations as _act
from ..ops import grid_sample as _gs
from ..ops import nn_rest as _r
from ..ops import pooling3d as _p3
from ..tensor import Tensor
from .. import messages


def _tensor(fname, value, arg="input", position=1):
    if not isinstance(value, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, value))
    return value


def relu_(input):
    return _tensor("relu_", input).relu_()


def leaky_relu_(input, negative_slope=0.01):
    return _act.leaky_relu(_tensor("leaky_relu_", input), negative_slope, True)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return _r.rrelu(_tensor("rrelu_" if inplace else "rrelu", input), lower, upper, training,
                    inplace)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return _r.rrelu(_tensor("rrelu_", input), lower, upper, training, True)


gumbel_softmax = _r.gumbel_softmax


dropout1d = _r.dropout1d
dropout2d = _r.dropout2d
dropout3d = _r.dropout3d
alpha_dropout = _r.alpha_dropout
feature_alpha_dropout = _r.feature_alpha_dropout


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return _p3.max_pool3d(_tensor("max_pool3d_with_indices", input), kernel_size, stride,
                          padding, dilation, ceil_mode, True)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _p3.max_pool3d(_tensor("max_pool3d", input), kernel_size, stride, padding, dilation,
                          ceil_mode, return_indices)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _p3.avg_pool3d(_tensor("avg_pool3d", input), kernel_size, stride, padding, ceil_mode,
                          count_include_pad, divisor_override)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return _p3.adaptive_max_pool3d(_tensor("adaptive_max_pool3d", input), output_size, True)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _p3.adaptive_max_pool3d(_tensor("adaptive_max_pool3d", input), output_size,
                                   return_indices)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _r.lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _r.lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _r.lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _r.max_unpool3d(input, indices, kernel_size, stride, padding, output_size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _r.max_unpool1d(input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _r.max_unpool2d(input, indices, kernel_size, stride, padding, output_size)


def channel_shuffle(input, groups):
    return _r.channel_shuffle(_tensor("channel_shuffle", input), groups)


def native_channel_shuffle(input, groups):
    return _r.native_channel_shuffle(_tensor("native_channel_shuffle", input), groups)
hinge_embedding_loss = _r.hinge_embedding_loss
multilabel_margin_loss = _r.multilabel_margin_loss
triplet_margin_with_distance_loss = _r.triplet_margin_with_distance_loss


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    return _gs.grid_sample(input, grid, mode, padding_mode, align_corners)


def affine_grid(theta, size, align_corners=None):
    return _gs.affine_grid(theta, size, align_corners)


# ---- the same ops under torch's top-level names (torch.rrelu, torch.grid_sampler, ...)

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}
_INTERP = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def _torch_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _r.rrelu(_tensor("rrelu", input), lower, upper, training, False)


def _torch_rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _r.rrelu(_tensor("rrelu_", input), lower, upper, training, True)


def _torch_grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    return _gs.grid_sample(input, grid, _INTERP[interpolation_mode], _PADDING[padding_mode],
                           bool(align_corners))


def _torch_affine_grid_generator(theta, size, align_corners):
    return _gs.affine_grid(theta, tuple(size), bool(align_corners))


def _torch_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _p3.max_pool3d(_tensor("max_pool3d", input), kernel_size, stride, padding, dilation,
                          ceil_mode, False)


def _dropout_fn(feature, alpha, inplace):
    def run(input, p, train):
        return _r.dropout_impl(input, p, train, feature, alpha, inplace)
    return run


def _torch_hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return _r.hinge_embedding_loss(input, target, margin, reduction=_REDUCTIONS[reduction])


TORCH_NAMES = {
    "rrelu": _torch_rrelu, "rrelu_": _torch_rrelu_,
    "channel_shuffle": channel_shuffle, "native_channel_shuffle": native_channel_shuffle,
    "grid_sampler": _torch_grid_sampler, "grid_sampler_2d": _torch_grid_sampler,
    "affine_grid_generator": _torch_affine_grid_generator,
    "max_pool3d": _torch_max_pool3d,
    "alpha_dropout": _dropout_fn(False, True, False),
    "alpha_dropout_": _dropout_fn(False, True, True),
    "feature_alpha_dropout": _dropout_fn(True, True, False),
    "feature_alpha_dropout_": _dropout_fn(True, True, True),
    "feature_dropout": _dropout_fn(True, False, False),
    "feature_dropout_": _dropout_fn(True, False, True),
    "hinge_embedding_loss": _torch_hinge_embedding_loss,
}
for _name, _fn in TORCH_NAMES.items():
    _fn.__name__ = _fn.__qualname__ = _name
del _name, _fn
