"""F.interpolate(..., antialias=True) of a 4-d input in bilinear and bicubic
mode: torch's _upsample_bilinear2d_aa / _upsample_bicubic2d_aa (ATen's
UpSampleKernel.cpp, HelperInterpLinear / HelperInterpCubic with antialias).

Both are separable maps of jitgrad/ops/resample.py's AxisPlan: output o
along an axis reads the window [xmin, xmin + xsize) of inputs around its
centre ``scale * (o + 1/2)``, with filter weights (a triangle, or Keys'
cubic with a = -0.5 as PIL's) of ``(j - centre + 1/2) / scale`` whose
support widens with the downsampling factor (``scale`` > 1), normalised to
sum to 1 per output. The tables are torch's to the bit: computed in the
dtype with its double-precision steps and its compiler's fused multiply-adds.
As torch does, the width is resampled first, then the height, and an axis
whose size does not change is copied (the backward is the map's adjoint, so
there it is the identity too, where torch's backward kernel would weigh such
an axis by its scale_factor: the gradient of its own forward is this one).
The nodes are UpsampleBilinear2DAaBackward0 / UpsampleBicubic2DAaBackward0,
their create_graph backwards ...BackwardBackward0.
"""
import math

import numpy as np

from .. import messages
from ..dtypes import from_numpy
from .grid_sample import _fma
from .resample import AxisPlan, AxisStep, _names, _scale, axis_map

_AA = {"bilinear": _names("UpsampleBilinear2DAa"), "bicubic": _names("UpsampleBicubic2DAa")}
_INTERP_SIZE = {"bilinear": 2, "bicubic": 4}
_plans = {}


def _filter(x, mode, dt):
    """torch's aa_filter in the dtype: PIL's triangle, or Keys' cubic (a = -0.5) with
    the compiler's fused multiply-adds (a is a constant there, 5a, 8a, 4a folded)."""
    x = np.abs(x)
    if mode == "bilinear":
        return np.where(x < 1, dt(1) - x, dt(0))
    a = dt(-0.5)
    near = _fma(_fma(a + dt(2), x, -(a + dt(3))) * x, x, dt(1))
    far = _fma(_fma(_fma(a, x, -(dt(5) * a)), x, dt(8) * a), x, -(dt(4) * a))
    return np.where(x < 1, near, np.where(x < 2, far, dt(0)))


def aa_taps(n_in, n_out, mode, align_corners, scale, dt):
    """HelperInterpBase::_compute_indices_min_size_weights_aa for every output of an
    axis: (indices (n_out, T), weights (n_out, T) with the dtype's values, which taps
    exist (the window's length varies at the edges)). ``scale``: the scale_factor
    given for the axis, or None."""
    s = _scale(dt, n_in, n_out, align_corners, scale)
    interp = _INTERP_SIZE[mode]
    f = float(s)
    support = dt(interp * 0.5 * f) if s >= 1 else dt(interp * 0.5)
    T = int(math.ceil(float(support))) * 2 + 1
    invscale = dt(1.0 / f) if s >= 1 else dt(1)
    centre = (f * (np.arange(n_out) + 0.5)).astype(dt)             # a double product, stored
    # static_cast<int64_t>(float +- float + 0.5 in double): truncation towards zero
    lo = np.maximum(np.trunc((centre - support).astype(np.float64) + 0.5), 0).astype(np.int64)
    hi = np.minimum(np.trunc((centre + support).astype(np.float64) + 0.5).astype(np.int64), n_in)
    size = np.clip(hi - lo, 0, T)
    j = np.arange(T)
    valid = j[None, :] < size[:, None]
    pos = (lo[:, None] + j[None, :]).astype(dt) - centre[:, None]
    arg = ((pos.astype(np.float64) + 0.5) * float(invscale)).astype(dt)
    w = np.where(valid, _filter(arg, mode, dt), dt(0))
    total = np.zeros(n_out, dt)
    for t in range(T):                                             # torch's order, in the dtype
        total = total + w[:, t]
    w = np.where(total[:, None] != 0, w / np.where(total != 0, total, dt(1))[:, None], w)
    idx = np.where(valid, lo[:, None] + j[None, :], np.minimum(lo, n_in - 1)[:, None])
    return idx, w.astype(dt), valid


def aa_plan(shape, dtype, size, scales, mode, align_corners):
    """The AxisPlan of an (N, C, H, W) input: width first, then height, an axis whose
    size stays as it is left out (an unchanged input: a copy)."""
    key = (tuple(shape), np.dtype(dtype), tuple(size), tuple(scales), mode, align_corners)
    plan = _plans.get(key)
    if plan is None:
        dt = np.dtype(dtype).type
        steps = []
        for axis in (3, 2):
            n_in, n_out = shape[axis], size[axis - 2]
            if n_in != n_out:
                idx, w, valid = aa_taps(n_in, n_out, mode, align_corners, scales[axis - 2], dt)
                steps.append(AxisStep(axis, n_in, idx, w, valid=valid))
        if not steps:
            steps.append(AxisStep(3, shape[3], np.arange(shape[3])[:, None], None))
        plan = _plans[key] = AxisPlan(shape, steps)
    return plan


def upsample_aa(x, size, scales, mode, align_corners):
    """_upsample_{bilinear,bicubic}2d_aa of a 4-d tensor to ``size`` (H, W), with the
    optional per-axis scale_factors ``scales``."""
    a = x._data
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "compute_index_ranges_weights", from_numpy(a.dtype)._torch_name))
    cls, adj = _AA[mode]
    return axis_map(x, aa_plan(a.shape, a.dtype, size, scales, mode, align_corners), cls, adj)
