"""torch.nn.functional's 1-d/3-d and transposed convolutions, 1-d and
adaptive pooling, F.pad, F.interpolate and pixel shuffling: argument
handling as torch's Python layer does it, over jitgrad/ops/conv_nd.py and
jitgrad/ops/resample.py (re-exported by jitgrad/nn/functional.py)."""
import warnings

from .. import messages
from ..ops import conv_nd as _cnd
from ..ops import pooling as _pool
from ..ops import resample as _rs
from ..ops import resample_aa as _rs_aa
from ..tensor import Tensor


# ------------------------------------------------------------------ convolutions


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _cnd.convolution(input, weight, bias, stride, padding, dilation, groups, False, 0, 1,
                            "conv1d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _cnd.convolution(input, weight, bias, stride, padding, dilation, groups, False, 0, 3,
                            "conv3d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _cnd.convolution(input, weight, bias, stride, padding, dilation, groups, True,
                            output_padding, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _cnd.convolution(input, weight, bias, stride, padding, dilation, groups, True,
                            output_padding, 2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _cnd.convolution(input, weight, bias, stride, padding, dilation, groups, True,
                            output_padding, 3, "conv_transpose3d")


# ------------------------------------------------------------------ 1-d pooling (torch: unsqueeze,
# the 2-d op, squeeze: SqueezeBackward1)


def _one(v, name, fname="max_pool1d"):
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(messages.pool1d_param(fname, name, len(v)))
        return v[0]
    return v


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _one(stride, "stride")
    p, d = _one(padding, "padding"), _one(dilation, "dilation")
    if input.dim() not in (2, 3):
        raise RuntimeError(messages.pool1d_input_dims("max_pool1d", input.shape))
    out, idx = _pool.max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d),
                                ceil_mode=ceil_mode, return_indices=True)
    return out.squeeze(-2), idx.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _one(stride, "stride")
    p, d = _one(padding, "padding"), _one(dilation, "dilation")
    if input.dim() not in (2, 3):
        raise RuntimeError(messages.pool1d_input_dims("max_pool1d", input.shape))
    return _pool.max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d),
                            ceil_mode=ceil_mode).squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    k = _one(kernel_size, "kernel_size", "avg_pool1d")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _one(stride, "stride", "avg_pool1d")
    p = _one(padding, "padding", "avg_pool1d")
    if input.dim() not in (2, 3):
        raise RuntimeError(messages.pool1d_input_dims("avg_pool1d", input.shape))
    return _pool.avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                            count_include_pad).squeeze(-2)


# ------------------------------------------------------------------ adaptive pooling


def _adaptive_check(input, nd, fname):
    if not isinstance(input, Tensor):
        raise TypeError(messages.argument_type(fname, "input", "Tensor", type(input).__name__,
                                               1))
    if input.dim() not in (nd + 1, nd + 2) or 0 in input.shape[-nd:] or \
            (input.dim() == nd + 2 and input.shape[1] == 0):
        raise RuntimeError(messages.adaptive_input_dims(fname, nd, input.shape))


def adaptive_avg_pool2d(input, output_size):
    _adaptive_check(input, 2, "adaptive_avg_pool2d")
    size = _rs.adaptive_size(output_size, input.shape[-2:], "adaptive_avg_pool2d")
    if any(s < 0 for s in size):
        raise RuntimeError(messages.adaptive_negative("adaptive_avg_pool2d", size))
    return _rs.adaptive_avg_pool2d(input, size)


def adaptive_avg_pool3d(input, output_size):
    _adaptive_check(input, 3, "adaptive_avg_pool3d")
    size = _rs.adaptive_size(output_size, input.shape[-3:], "adaptive_avg_pool3d")
    return _rs.adaptive_avg_pool(input, size)


def adaptive_avg_pool1d(input, output_size):
    _adaptive_check(input, 1, "adaptive_avg_pool1d")
    (size,) = _rs.adaptive_size(output_size, input.shape[-1:], "adaptive_avg_pool1d")
    return _rs.adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    _adaptive_check(input, 2, "adaptive_max_pool2d")
    size = _rs.adaptive_size(output_size, input.shape[-2:], "adaptive_max_pool2d")
    return _rs.adaptive_max_pool2d(input, size, True)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    _adaptive_check(input, 2, "adaptive_max_pool2d")
    size = _rs.adaptive_size(output_size, input.shape[-2:], "adaptive_max_pool2d")
    return _rs.adaptive_max_pool2d(input, size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    _adaptive_check(input, 1, "adaptive_max_pool1d")
    (size,) = _rs.adaptive_size(output_size, input.shape[-1:], "adaptive_max_pool1d")
    out, idx = _rs.adaptive_max_pool2d(input.unsqueeze(-2), (1, size), True)
    return out.squeeze(-2), idx.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    if return_indices:
        return adaptive_max_pool1d_with_indices(input, output_size)
    _adaptive_check(input, 1, "adaptive_max_pool1d")
    (size,) = _rs.adaptive_size(output_size, input.shape[-1:], "adaptive_max_pool1d")
    return _rs.adaptive_max_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


# ------------------------------------------------------------------ pad, interpolate, shuffle


def pad(input, pad, mode="constant", value=None):
    return _rs.pad(input, pad, mode, value)


def pixel_shuffle(input, upscale_factor):
    return _rs.shuffle(input, int(upscale_factor), False)


def pixel_unshuffle(input, downscale_factor):
    return _rs.shuffle(input, int(downscale_factor), True)


_INTERP_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(messages.INTERP_ALIGN_CORNERS)
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    output_size, scales = _rs.interp_sizes(input.shape, size, scale_factor, mode,
                                           recompute_scale_factor, antialias)
    if mode == "area":
        if dim == 1:
            return adaptive_avg_pool1d(input, output_size)
        if dim == 2:
            return adaptive_avg_pool2d(input, output_size)
        if dim == 3:
            return adaptive_avg_pool3d(input, output_size)
    elif mode in ("nearest", "nearest-exact") and dim in (1, 2, 3):
        return _upsample(input, output_size, scales, mode, False)
    elif mode == "lanczos" and dim == 2:
        if align_corners:
            raise ValueError(messages.INTERP_LANCZOS_ALIGN_CORNERS)
        if not antialias:
            raise ValueError(messages.INTERP_LANCZOS_ANTIALIAS)
        raise NotImplementedError(messages.INTERP_LANCZOS_UNSUPPORTED)
    elif antialias:                                   # bilinear or bicubic of a 4-d input
        _upsample_sizes_check(input, output_size)
        return _rs_aa.upsample_aa(input, output_size, scales, mode, bool(align_corners))
    elif _INTERP_DIMS.get(mode) == dim:
        return _upsample(input, output_size, scales, mode, bool(align_corners))
    if mode in _INTERP_DIMS and _INTERP_DIMS[mode] + 2 != input.dim():
        raise NotImplementedError(messages.interp_mode_dims(input.dim(), mode))
    raise NotImplementedError(messages.interp_unsupported(input.dim(), mode))


def _upsample_sizes_check(input, output_size):
    for n_in, n_out in zip(input.shape[2:], output_size):
        if n_in <= 0 or n_out <= 0:
            raise RuntimeError(messages.upsample_sizes(list(input.shape[2:]), output_size))


def _upsample(input, output_size, scales, mode, align_corners):
    _upsample_sizes_check(input, output_size)
    return _rs.upsample(input, output_size, scales, mode, align_corners)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
