"""F.grid_sample's bicubic mode (4-d input), as ATen's vectorised CPU kernel
(GridSamplerKernel.cpp, ApplyGridSample<..., Bicubic>).

Each grid coordinate is unnormalised to pixel units without any padding
(bicubic pads per tap, not per coordinate); its floor and the 4 x 4 taps
around it (floor - 1 .. floor + 2 on each axis) are read, each tap's
integer coordinate padded on its own (clipped, or reflected then clipped;
with zeros padding a tap outside reads 0), and weighted by the cubic
convolution coefficients (A = -0.75) of the fractional part: first the 4
taps of each row along x, then the 4 rows along y. The forward is torch's
to the bit: in the dtype, with its compiler's fused multiply-adds where it
fuses them (found against torch 2.13's AVX2 build). The backward
(GridSampler2DBackward0, the node of jitgrad/ops/grid_sample.py) runs on the
saved taps in float64, weighing with the forward's coefficients. A padded
tap's coordinate does not move with the grid, so d(pixel)/d(grid)
is the unnormalisation's scale alone.
"""
import numpy as np

from .grid_sample import _fma, _unnormalize

A = -0.75


def cubic_coefficients(t, dt):
    """The 4 coefficients of fractional part ``t`` in the dtype, as torch's compiled
    kernel forms them: ``((A + 2) x - (A + 3)) x x + 1`` with its two multiply-adds
    fused, ``((A x - 5A) x + 8A) x - 4A`` rounded step by step (there the compiler
    fuses the exact constant products 5A, 8A, 4A instead)."""
    a = dt(A)

    def near(x):                                   # |x| <= 1
        return _fma(_fma(a + dt(2), x, -(a + dt(3))) * x, x, dt(1))

    def far(x):                                    # 1 < |x| < 2
        return ((a * x - dt(5) * a) * x + dt(8) * a) * x - dt(4) * a
    return [far(t + dt(1)), near(t), near(dt(1) - t), far(dt(2) - t)]


def cubic_derivatives(t):
    """d/dt of the 4 coefficients, in float64."""
    def near_d(x):
        return (3 * (A + 2) * x - 2 * (A + 3)) * x

    def far_d(x):
        return (3 * A * x - 10 * A) * x + 8 * A
    return [far_d(t + 1), near_d(t), -near_d(1 - t), -far_d(2 - t)]


def cubic_coefficient_tensor(t, k):
    """Coefficient ``k`` of a fractional-part tensor as recorded Tensor ops (the
    create_graph backward)."""
    def near(x):
        return ((x * (A + 2) - (A + 3)) * x) * x + 1

    def far(x):
        return ((x * A - 5 * A) * x + 8 * A) * x - 4 * A
    return (far(t + 1), near(t), near(1 - t), far(2 - t))[k]


def _reflect_taps(c, size, align_corners, dt):
    """ATen's vectorised reflect_coordinates (no gradient) of whole-numbered taps."""
    if align_corners:
        if size <= 1:
            return np.zeros_like(c)
        low, span2 = dt(0), dt(size - 1) * dt(2)
    else:
        low, span2 = dt(-0.5), dt(size) * dt(2)
    d = np.abs(c - low)
    extra = _fma(-np.trunc(d / span2), span2, d)
    return np.minimum(extra, span2 - extra) + low


def tap_index(c, size, padding_mode, align_corners, dt):
    """get_value_bounded's index of tap coordinates ``c`` (in the dtype): padded per
    tap, then (int64 index along the axis, in-bounds mask). Clipping sends NaN to 0
    (torch's clamp_min operand order); with zeros padding a tap outside, or at a
    NaN or infinite coordinate, is out of bounds."""
    if padding_mode == "reflection":
        c = _reflect_taps(c, size, align_corners, dt)
    if padding_mode != "zeros":
        c = np.minimum(np.where(c > 0, c, dt(0)), dt(size - 1))
    ok = (c >= 0) & (c < size)
    return np.where(ok, c, 0).astype(np.int64), ok


def sample(a, gl, padding_mode, align_corners):
    """The forward of an (N, C, H, W) array at grid points ``gl`` (N, L, 2): (output
    (N, C, L) in the dtype, corners as GridSampleNode saves them, d(pixel)/d(grid)
    per axis, pixel coordinates per axis in float64)."""
    N, C, H, W = a.shape
    dt = a.dtype.type
    xd, sx = _unnormalize(gl[..., 0], W, align_corners, dt)
    yd, sy = _unnormalize(gl[..., 1], H, align_corners, dt)
    x0d, y0d = np.floor(xd), np.floor(yd)
    cxd, cyd = cubic_coefficients(xd - x0d, dt), cubic_coefficients(yd - y0d, dt)
    x64, y64 = xd.astype(np.float64), yd.astype(np.float64)
    # the backward weighs with the forward's coefficients (in the dtype, as torch's: near
    # a whole pixel the outer ones are a float32 cancellation), their derivatives exact
    cx, cy = [c.astype(np.float64) for c in cxd], [c.astype(np.float64) for c in cyd]
    dcx, dcy = cubic_derivatives(x64 - np.floor(x64)), cubic_derivatives(y64 - np.floor(y64))
    xs = [tap_index(x0d + dt(k - 1), W, padding_mode, align_corners, dt) for k in range(4)]
    ys = [tap_index(y0d + dt(k - 1), H, padding_mode, align_corners, dt) for k in range(4)]
    av = a.reshape(N, C, H * W)
    corners = []
    out = None
    for j, (iy, oky) in enumerate(ys):
        vs = []
        for i, (ix, okx) in enumerate(xs):
            ok = okx & oky
            idx = iy * W + ix
            vs.append(np.where(ok[:, None, :], np.take_along_axis(av, idx[:, None, :], 2),
                               dt(0)))
            corners.append((idx, cx[i] * cy[j], ok.astype(np.float64),
                            (dcx[i] * cy[j], cx[i] * dcy[j]), (i, j)))
        # a row along x as the compiled kernel sums it: the first product fused into the
        # second, the others added; the rows along y: a chain of fused multiply-adds
        w = [c[:, None, :] for c in cxd]
        row = _fma(w[0], vs[0], w[1] * vs[1]) + w[2] * vs[2] + w[3] * vs[3]
        wy = cyd[j][:, None, :]
        out = row * wy if out is None else _fma(row, wy, out)
    mults = (np.full(x64.shape, sx), np.full(y64.shape, sy))
    return out, corners, mults, (x64, y64)
