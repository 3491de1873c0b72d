"""F.affine_grid and F.grid_sample (4-d and 5-d input; bilinear/trilinear and
nearest, bicubic of a 4-d input (its taps and weights:
jitgrad/ops/grid_sample_bicubic.py); zeros, border and reflection padding;
align_corners), forward and backward side by side in vectorised numpy.

grid_sample follows ATen's GridSampler: each grid coordinate is
unnormalised to pixel units, padded (clipped or reflected, with the
derivative of that map kept as a multiplier), then sampled from its 4 (8)
neighbours or the nearest pixel (round half to even). The forward is torch's
to the bit: 4-d as its vectorised kernel (coordinates and weights in the
dtype, fused multiply-adds), 5-d as its scalar kernel. The node is
GridSampler2DBackward0 / GridSampler3DBackward0 with the input's and the
grid's gradients (in float64, then the dtype); its create_graph backward
re-records the forward as Tensor ops exact to second order and
differentiates them (torch records GridSampler2DBackwardBackward0).
affine_grid records AffineGridGeneratorBackward0: ``base @ theta^T`` with
torch's base grid of [x, y, (z,) 1], the products added left to right.
"""
import warnings

import numpy as np

from .. import messages
from ..autograd.graph import Node, edge, node_class, saved_version
from ..autograd.grad_mode import state as grad_state
from ..tensor import _wrap, _wrap_result


# ------------------------------------------------------------------ affine_grid


def _linspace_from_neg_one(n, align_corners, dt):
    """ATen's linspace_from_neg_one, in the theta's dtype."""
    if n <= 1:
        return np.zeros(1, dt)
    step = dt(2) / dt(n - 1)
    i = np.arange(n)
    half = n // 2
    r = np.where(i < half, dt(-1) + step * i.astype(dt), dt(1) - step * (n - 1 - i).astype(dt))
    r = r.astype(dt)
    if not align_corners:
        r = (r * dt(n - 1) / dt(n)).astype(dt)
    return r


def _base_grid(spatial, align_corners, dt):
    """(prod(spatial), nd + 1): [x, y, (z,) 1] per output position, x fastest."""
    nd = len(spatial)
    axes = [_linspace_from_neg_one(s, align_corners, dt) for s in spatial]   # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    cols = [m.reshape(-1) for m in reversed(mesh)]                             # x, y, (z)
    return np.stack(cols + [np.ones(cols[0].size, dt)], axis=1).astype(dt), nd


class AffineGridNode(Node):
    """Saved: (base (L, k+1), theta shape)."""
    __slots__ = ()

    def apply(self, grad):
        base, shape = self._saved_or_raise()
        N, k = shape[0], shape[1]
        g = grad.reshape(N, -1, k)
        return (np.matmul(g.transpose(0, 2, 1), base).astype(grad.dtype),)

    def apply_graph(self, grad):
        base, shape = self._saved_or_raise()
        N, k = shape[0], shape[1]
        g = grad.reshape(N, -1, k).transpose(1, 2)
        return (g.matmul(_wrap(base.astype(grad._data.dtype))),)


_AFFINE_GRID = node_class("AffineGridGeneratorBackward0", AffineGridNode)


def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(messages.GRID_ALIGN_CORNERS_DEFAULT, stacklevel=3)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(messages.affine_grid_dtype(theta.dtype))
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(messages.affine_grid_theta(2, size, theta.shape))
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(messages.affine_grid_theta(3, size, theta.shape))
        spatial = size[-3:]
    else:
        raise NotImplementedError(messages.affine_grid_size(size))
    if align_corners and min(spatial) == 1:
        warnings.warn(messages.AFFINE_GRID_UNIT_SIZE, stacklevel=3)
    elif min(size) <= 0:
        raise ValueError(messages.affine_grid_positive(size))
    a = theta._data
    base, nd = _base_grid(spatial, align_corners, a.dtype.type)
    N = int(size[0])
    # base @ theta^T with the products added left to right, as torch's bmm does here
    T = np.swapaxes(a, 1, 2)                                                  # (N, nd+1, nd)
    with np.errstate(all="ignore"):               # inf * 0 is NaN, silently as in torch
        out = base[None, :, 0:1] * T[:, 0:1, :]
        for k in range(1, nd + 1):
            out = out + base[None, :, k:k + 1] * T[:, k:k + 1, :]
    out = out.astype(a.dtype)                                                  # (N, L, nd)
    out = out.reshape([N] + [int(s) for s in spatial] + [nd])
    if theta._requires_grad and grad_state.enabled:
        return _wrap_result(out, _AFFINE_GRID((edge(theta),), (base, (N, nd))))
    return _wrap(out)


# ------------------------------------------------------------------ grid_sample


def _fma(a, b, c):
    """a * b + c rounded once, as the compiler's fused multiply-add in torch's
    vectorised kernel: float32 through float64; float64 through Dekker's
    exact product and Knuth's two-sum (exact up to the final rounding)."""
    a, b, c = np.broadcast_arrays(a, b, c)
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c.astype(np.float64)).astype(np.float32)
    p = a * b
    t = 134217729.0 * a
    ah = t - (t - a)
    al = a - ah
    t = 134217729.0 * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    # an infinite or NaN product, or a factor beyond 2^996 (its split overflows): the
    # plain a * b + c (the error terms are NaN; past 1e300 they are far below c anyway)
    r = s + (e + err)
    return np.where(np.isfinite(r), r, s)


def _unnormalize(c, size, align_corners, dt):
    # ATen's vectorised CPU kernel, in the grid's dtype: (c + 1) * s (- 0.5, fused)
    if align_corners:
        s = dt((size - 1) / 2)
        return (c + dt(1)) * s, float(s)
    s = dt(size / 2)
    return _fma(c + dt(1), dt(s), dt(-0.5)), float(s)


def _clip(c, size, dt):
    # torch: the borders count as outside (no gradient there); NaN clips to 0
    lo = np.where(c > 0, c, dt(0))
    res = np.minimum(lo, dt(size - 1))
    return res, ((lo != 0) & (res != size - 1)).astype(np.float64)


def _reflect(c, size, align_corners, dt):
    """ATen's reflect_coordinates_get_grad: reflect about low and low + span."""
    if align_corners:
        if size <= 1:
            return np.zeros_like(c), np.zeros(c.shape)
        low, span2 = dt(0), dt(size - 1) * dt(2)
    else:
        low, span2 = dt(-0.5), dt(size) * dt(2)
    d = c - low
    neg = d < 0
    d = np.abs(d)
    flips = np.trunc(d / span2)
    extra = _fma(-flips, span2, d)
    reflected = span2 - extra
    more = extra > reflected
    return np.where(more, reflected, extra) + low, np.where(more ^ neg, -1.0, 1.0)


def _source(c, size, padding_mode, align_corners, dt):
    """Pixel coordinates (in the grid's dtype) and d(pixel) / d(grid)."""
    c, g = _unnormalize(c, size, align_corners, dt)
    g = np.full(c.shape, g)
    if padding_mode == "border":
        c, m = _clip(c, size, dt)
        g = g * m
    elif padding_mode == "reflection":
        c, m = _reflect(c, size, align_corners, dt)
        g = g * m
        c, m = _clip(c, size, dt)
        g = g * m
    return c, g


class GridSampleNode(Node):
    """Saved: (input array, mode, corners, multipliers, grid shape, pixel coordinates,
    input, grid). A corner: (flat in-plane index (N, L), weight, in-bounds mask, the
    weight's derivative per axis, its bit per axis (0: floor, 1: floor + 1; bicubic:
    the tap 0..3 of floor - 1..floor + 2)); axes in the grid's order (x, y[, z]); the
    multipliers are d(pixel) / d(grid) per axis."""
    __slots__ = ()

    def apply(self, grad):
        with np.errstate(all="ignore"):
            return self._apply(grad)

    def _apply(self, grad):
        a, mode, corners, mults, shape = self._saved_or_raise()[:5]
        N, C = a.shape[:2]
        P = int(np.prod(a.shape[2:]))
        g = grad.reshape(N, C, -1).astype(np.float64)
        need_in, need_grid = self._next[0] is not None, self._next[1] is not None
        gin = ggrid = None
        if need_in:
            flat = np.zeros(N * C * P)
            base = (np.arange(N)[:, None, None] * C + np.arange(C)[None, :, None]) * P
            for idx, w, ok, _, _ in corners:
                fi = (base + idx[:, None, :]).reshape(-1)
                # (outside corners add nothing, as torch's masked adds: not NaN * 0)
                vals = (g * np.where(ok != 0, w, 0)[:, None, :]).reshape(-1)
                flat += np.bincount(fi, vals, minlength=flat.size)
            gin = flat.reshape(a.shape).astype(a.dtype)
        if need_grid:
            gs = [np.zeros(g.shape[::2]) for _ in mults]
            if mode != "nearest":
                av = a.reshape(N, C, P).astype(np.float64)
                for idx, w, ok, dws, _ in corners:
                    # outside corners read as 0 (torch's masked gather), whatever the
                    # value at the stand-in index 0 (a NaN there must not spread)
                    v = np.where(ok[:, None, :] != 0, np.take_along_axis(av, idx[:, None, :], 2),
                                 0)
                    s = (v * g).sum(1)
                    for acc, dw in zip(gs, dws):
                        # 3-d: torch's scalar kernel adds in-bounds corners only (not 0 * NaN)
                        acc += s * dw if len(mults) == 2 else np.where(ok != 0, s * dw, 0)
            ggrid = np.stack([acc * m for acc, m in zip(gs, mults)], -1)
            ggrid = ggrid.reshape(shape).astype(a.dtype)
        return gin, ggrid

    def apply_graph(self, grad):
        # the forward again as recorded ops that are exact to second order (the
        # grid -> pixel map is piecewise linear: its local linear form, then the
        # interpolation weights of the pixel coordinates times gathered values),
        # differentiated with create_graph
        with np.errstate(all="ignore"):
            return self._apply_graph(grad)

    def _apply_graph(self, grad):
        from ..autograd import grad as autograd_grad
        from ..functions import where
        a, mode, corners, mults, shape, coords, input, grid = self._saved_or_raise()
        N, C = a.shape[:2]
        nd = len(mults)
        L = coords[0].shape[1]
        wanted = [t for t, e in ((input, self._next[0]), (grid, self._next[1])) if e is not None]
        dt = a.dtype
        gflat = grid.reshape(N, L, nd)
        g64 = grid._data.reshape(N, L, nd).astype(np.float64)
        pix = [gflat[..., k] * _wrap(mults[k].astype(dt))
               + _wrap((coords[k] - mults[k] * g64[..., k]).astype(dt)) for k in range(nd)]
        lows = [np.floor(c) for c in coords]
        if mode == "bicubic":
            from .grid_sample_bicubic import cubic_coefficient_tensor
            fracs = [pix[k] - _wrap(lows[k].astype(dt)) for k in range(nd)]
        flat = input.reshape(N, C, -1)
        out = None
        for idx, _, ok, _, bits in corners:
            index = _wrap(np.ascontiguousarray(np.broadcast_to(idx[:, None, :], (N, C, L))))
            v = where(_wrap(ok[:, None, :] != 0), flat.gather(2, index), _wrap(np.zeros((), dt)))
            if mode == "bilinear":
                w = None
                for k in range(nd):
                    f = (pix[k] - _wrap(lows[k].astype(dt)) if bits[k]
                         else _wrap((lows[k] + 1).astype(dt)) - pix[k])
                    w = f if w is None else w * f
                v = v * w.reshape(N, 1, L)
            elif mode == "bicubic":
                w = cubic_coefficient_tensor(fracs[0], bits[0]) * \
                    cubic_coefficient_tensor(fracs[1], bits[1])
                v = v * w.reshape(N, 1, L)
            out = v if out is None else out + v
        got = list(autograd_grad(out, wanted, grad.reshape(N, C, L), create_graph=True,
                                 allow_unused=True))
        res = []
        for t, e in ((input, self._next[0]), (grid, self._next[1])):
            if e is None:
                res.append(None)
                continue
            gr = got.pop(0)
            res.append(gr if gr is not None else _wrap(np.zeros(t.shape, dt)))
        return tuple(res)


_GRID_SAMPLE = {2: node_class("GridSampler2DBackward0", GridSampleNode),
                3: node_class("GridSampler3DBackward0", GridSampleNode)}


def _check(input, grid, mode, padding_mode, align_corners):
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(messages.grid_sample_mode(mode))
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(messages.grid_sample_padding(padding_mode))
    if align_corners is None:
        warnings.warn(messages.GRID_ALIGN_CORNERS_DEFAULT, stacklevel=4)
        align_corners = False
    a, gr = input._data, grid._data
    if a.ndim != gr.ndim or a.ndim not in (4, 5):
        raise RuntimeError(messages.grid_sample_dims(a.shape, gr.shape))
    if a.shape[0] != gr.shape[0]:
        raise RuntimeError(messages.grid_sample_batch(a.shape, gr.shape))
    if gr.shape[-1] != a.ndim - 2:
        raise RuntimeError(messages.grid_sample_last(a.ndim - 2, gr.shape))
    if mode == "bicubic" and a.ndim == 5:
        raise RuntimeError(messages.GRID_SAMPLE_BICUBIC_5D)
    if a.dtype != gr.dtype:
        raise RuntimeError(messages.grid_sample_dtype(input.dtype, grid.dtype))
    if a.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "grid_sampler_2d_cpu_kernel_impl" if a.ndim == 4 else "grid_sampler3d_cpu",
            input.dtype._torch_name))
    return align_corners


def _record(input, grid, out, a, mode, corners, mults, coords):
    if grad_state.enabled and (input._requires_grad or grid._requires_grad):
        node = _GRID_SAMPLE[len(mults)](
            (edge(input), edge(grid)),
            (a, mode, corners, mults, grid._data.shape, coords, input, grid),
            (saved_version(input), saved_version(grid)))
        return _wrap_result(out, node)
    return _wrap(out)


def _corner_grads(coords, lows, bits):
    """The weight prod_k (c_k - low_k or low_k + 1 - c_k) and its derivative per axis."""
    fs = [(c - lo) if b else (lo + 1 - c) for c, lo, b in zip(coords, lows, bits)]
    sign = [1.0 if b else -1.0 for b in bits]
    w = np.prod(fs, axis=0)
    dws = tuple(sign[k] * np.prod([fs[j] for j in range(len(fs)) if j != k], axis=0)
                for k in range(len(fs)))
    return w, dws


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    align_corners = _check(input, grid, mode, padding_mode, align_corners)
    with np.errstate(all="ignore"):     # NaN/inf coordinates (inf - inf): silent in torch
        return _grid_sample(input, grid, mode, padding_mode, align_corners)


def _grid_sample(input, grid, mode, padding_mode, align_corners):
    if input._data.ndim == 5:
        return _grid_sample_3d(input, grid, mode, padding_mode, align_corners)
    a, gr = input._data, grid._data
    if mode == "bicubic":
        from . import grid_sample_bicubic
        out, corners, mults, coords = grid_sample_bicubic.sample(
            a, gr.reshape(a.shape[0], -1, 2), padding_mode, align_corners)
        out = np.ascontiguousarray(out, a.dtype).reshape(a.shape[:2] + gr.shape[1:3])
        return _record(input, grid, out, a, mode, corners, mults, coords)
    N, C, H, W = a.shape
    Ho, Wo = gr.shape[1:3]
    L = Ho * Wo
    dt = a.dtype.type
    gl = gr.reshape(N, L, 2)
    ixd, gx_mult = _source(gl[..., 0], W, padding_mode, align_corners, dt)
    iyd, gy_mult = _source(gl[..., 1], H, padding_mode, align_corners, dt)
    ix, iy = ixd.astype(np.float64), iyd.astype(np.float64)
    av = a.reshape(N, C, H * W)
    corners = []
    # the output as torch's vectorised kernel forms it, in the dtype: nw, ne, sw, se
    # weights from w = x - floor(x), e = 1 - w (n, s likewise), values outside read as
    # zero, summed with fused multiply-adds
    if mode == "bilinear":
        x0d, y0d = np.floor(ixd), np.floor(iyd)
        wd, nd_ = ixd - x0d, iyd - y0d
        ed, sd = dt(1) - wd, dt(1) - nd_
        lows = (np.floor(ix), np.floor(iy))
        out = None
        for bits, wdt in (((0, 0), sd * ed), ((1, 0), sd * wd), ((0, 1), nd_ * ed),
                          ((1, 1), nd_ * wd)):
            cx, cy = lows[0] + bits[0], lows[1] + bits[1]
            ok = (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H)
            idx = np.where(ok, cy * W + cx, 0).astype(np.int64)
            w, dws = _corner_grads((ix, iy), lows, bits)
            corners.append((idx, w, ok.astype(np.float64), dws, bits))
            v = np.where(ok[:, None, :], np.take_along_axis(av, idx[:, None, :], 2), dt(0))
            wb = wdt[:, None, :]
            out = v * wb if out is None else _fma(v, wb, out)
    else:
        cx, cy = np.rint(ix), np.rint(iy)
        ok = (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H)
        idx = np.where(ok, cy * W + cx, 0).astype(np.int64)
        corners.append((idx, np.ones_like(ix), ok.astype(np.float64), None, None))
        out = np.where(ok[:, None, :], np.take_along_axis(av, idx[:, None, :], 2), dt(0))
    out = np.ascontiguousarray(out, a.dtype).reshape(N, C, Ho, Wo)
    return _record(input, grid, out, a, mode, corners, (gx_mult, gy_mult), (ix, iy))


# ------------------------------------------------------------------ 3-d (volumetric)


def _source_scalar(c, size, padding_mode, align_corners, dt):
    """ATen's scalar grid_sampler_compute_source_index_set_grad (the 3-d kernel), in
    the dtype: pixel coordinates and d(pixel) / d(grid)."""
    if align_corners:
        c = (c + dt(1)) / dt(2) * dt(size - 1)
        g = np.full(c.shape, (size - 1) / 2)
    else:
        c = ((c + dt(1)) * dt(size) - dt(1)) / dt(2)
        g = np.full(c.shape, size / 2)
    if padding_mode == "border":
        c, m = _clip_scalar(c, size, dt)
        g = g * m
    elif padding_mode == "reflection":
        lo2, hi2 = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        if lo2 == hi2:
            c, m = np.zeros_like(c), np.zeros(c.shape)
        else:
            mn = dt(lo2) / dt(2)
            span = dt(hi2 - lo2) / dt(2)
            d = c - mn
            sgn = np.where(d < 0, -1.0, 1.0)
            d = np.abs(d)
            extra = np.fmod(d, span)
            even = np.floor(d / span) % 2 == 0
            c = np.where(even, extra + mn, span - extra + mn)
            m = np.where(even, sgn, -sgn)
        g = g * m
        c, m = _clip_scalar(c, size, dt)
        g = g * m
    return c, g


def _clip_scalar(c, size, dt):
    # torch: the borders count as outside (no gradient there)
    # std::min(size - 1, std::max(c, 0)): a NaN becomes size - 1, as there
    inside = (c > 0) & (c < size - 1)
    lo = np.where(c < 0, dt(0), c)
    return np.where(lo < size - 1, lo, dt(size - 1)), inside.astype(np.float64)


def _grid_sample_3d(input, grid, mode, padding_mode, align_corners):
    a, gr = input._data, grid._data
    N, C, D, H, W = a.shape
    Do, Ho, Wo = gr.shape[1:4]
    L = Do * Ho * Wo
    dt = a.dtype.type
    gl = gr.reshape(N, L, 3)
    sizes = (W, H, D)
    src = [_source_scalar(gl[..., k], sizes[k], padding_mode, align_corners, dt)
           for k in range(3)]
    cd = [c for c, _ in src]
    mults = tuple(m for _, m in src)
    coords = tuple(c.astype(np.float64) for c in cd)
    av = a.reshape(N, C, D * H * W)
    corners = []
    with np.errstate(invalid="ignore"):
        lows = tuple(np.floor(c) for c in coords)
    # torch's 3-d backward clips with clip_coordinates_set_grad, which keeps a NaN
    # (its forward's std::min/max makes it size - 1): every corner of a point with a
    # NaN coordinate is then out of bounds, so it adds to no gradient
    # (with reflection an infinite one too: its fmod is NaN)
    live = ~(np.isnan(gl) | (np.isinf(gl) if padding_mode == "reflection" else False)).any(-1)
    if mode == "bilinear":
        # torch's 3-d kernel: weights as products left to right of (x1 - x)/(x - x0)
        # style factors in the dtype, the 8 corners added in order to a zero
        out = np.zeros((N, C, L), a.dtype)
        lowd = [np.floor(c) for c in cd]
        for bz in (0, 1):
            for by in (0, 1):
                for bx in (0, 1):
                    bits = (bx, by, bz)
                    fs = [(cd[k] - lowd[k]) if bits[k] else ((lowd[k] + dt(1)) - cd[k])
                          for k in range(3)]
                    wdt = (fs[0] * fs[1]) * fs[2]
                    cx, cy, cz = (lows[k] + bits[k] for k in range(3))
                    ok = (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H) & (cz >= 0) & (cz < D)
                    idx = np.where(ok, (cz * H + cy) * W + cx, 0).astype(np.int64)
                    w, dws = _corner_grads(coords, lows, bits)
                    corners.append((idx, w, (ok & live).astype(np.float64), dws, bits))
                    v = np.take_along_axis(av, idx[:, None, :], 2)
                    out = np.where(ok[:, None, :], out + v * wdt[:, None, :], out)
    else:
        cx, cy, cz = (np.rint(c) for c in coords)
        ok = (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H) & (cz >= 0) & (cz < D)
        idx = np.where(ok, (cz * H + cy) * W + cx, 0).astype(np.int64)
        corners.append((idx, np.ones_like(coords[0]), (ok & live).astype(np.float64), None,
                        None))
        out = np.where(ok[:, None, :], np.take_along_axis(av, idx[:, None, :], 2), dt(0))
    out = np.ascontiguousarray(out, a.dtype).reshape(N, C, Do, Ho, Wo)
    return _record(input, grid, out, a, mode, corners, mults, coords)
