"""Conv1d, Conv3d, ConvTranspose1d/2d/3d (on conv.py's ``_ConvNd``); the
padding modules; Upsample and PixelShuffle/PixelUnshuffle (torch's
constructors, attributes, reprs and seeded initial weights)."""
from ... import messages
from .. import functional as F
from .conv import _Conv, _ConvNd, _ntuple, _single
from .module import Module
# MaxPool1d, AvgPool1d and the adaptive pools live in pooling.py (one base per
# family); they stay in __all__ here for ``from .conv_more import *``.
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,  # noqa: F401
                      AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d)


class Conv1d(_Conv):
    _nd = 1
    _fn = "conv1d"


class Conv3d(_Conv):
    _nd = 3
    _fn = "conv3d"


class _ConvTransposeNd(_ConvNd):
    _transposed = True
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(messages.conv_transpose_padding_mode(type(self).__name__))
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def _output_padding(self, input, output_size, stride, padding, kernel_size,
                        num_spatial_dims, dilation=None):
        if output_size is None:
            return _single(self.output_padding)
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        output_size = list(output_size)
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(messages.conv_transpose_output_size(
                num_spatial_dims, input.dim(), num_non_spatial_dims + num_spatial_dims,
                len(output_size)))
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d]
                        + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1)
                        + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i, size in enumerate(output_size):
            if size < min_sizes[i] or size > max_sizes[i]:
                raise ValueError(messages.conv_transpose_size_range(
                    output_size, min_sizes, max_sizes, input.size()[2:]))
        return [output_size[d] - min_sizes[d] for d in range(num_spatial_dims)]

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, self._nd, self.dilation)
        return getattr(F, self._fn)(input, self.weight, self.bias, self.stride, self.padding,
                                    output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    _nd = 1
    _fn = "conv_transpose1d"


class ConvTranspose2d(_ConvTransposeNd):
    _nd = 2
    _fn = "conv_transpose2d"


class ConvTranspose3d(_ConvTransposeNd):
    _nd = 3
    _fn = "conv_transpose3d"


# ------------------------------------------------------------------ padding


class _PadNd(Module):
    _mode = "constant"
    _n = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(2 * self._n)(padding)

    def forward(self, input):
        if self._mode == "circular":
            self._check_input_dim(input)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _pad_classes():
    made = {}
    for n in (1, 2, 3):
        made[f"ConstantPad{n}d"] = type(f"ConstantPad{n}d", (_ConstantPadNd,), {"_n": n})

        def zero_init(self, padding, _base=made[f"ConstantPad{n}d"]):
            _base.__init__(self, padding, 0.0)
        made[f"ZeroPad{n}d"] = type(f"ZeroPad{n}d", (made[f"ConstantPad{n}d"],), {
            "__init__": zero_init, "extra_repr": _PadNd.extra_repr})
        for prefix, mode in (("Reflection", "reflect"), ("Replication", "replicate"),
                             ("Circular", "circular")):
            made[f"{prefix}Pad{n}d"] = type(f"{prefix}Pad{n}d", (_PadNd,),
                                            {"_n": n, "_mode": mode})
    for cls in made.values():
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
    return made


globals().update(_pad_classes())


def _circular_check(self, input):
    want = (self._n + 1, self._n + 2)
    if input.dim() not in want:
        raise ValueError(messages.circular_pad_dims(want, input.dim()))


for _n in (1, 2, 3):
    _cls = globals()[f"CircularPad{_n}d"]
    _cls._check_input_dim = _circular_check


# ------------------------------------------------------------------ upsampling, pixel shuffle


class Upsample(Module):
    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = "scale_factor=" + repr(self.scale_factor)
        else:
            info = "size=" + repr(self.size)
        return info + ", mode=" + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


__all__ = ["Conv1d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
           "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Upsample", "UpsamplingNearest2d",
           "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle"] + \
    [f"{p}Pad{n}d" for n in (1, 2, 3)
     for p in ("Constant", "Zero", "Reflection", "Replication", "Circular")]
