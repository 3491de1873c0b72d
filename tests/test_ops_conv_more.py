"""1-d/3-d and transposed convolutions, 1-d and adaptive pooling, F.pad,
F.interpolate and pixel shuffling (jitgrad/ops/conv_nd.py,
jitgrad/ops/resample.py, jitgrad/nn/_functional_more.py) and their modules:
finite differences in float64, torch's values, gradients and node names in
float32 and float64, hand-derived values, create_graph against torch,
torch's errors, and seeded modules against torch's."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import assert_same_module, error_tests, gradcheck, table_tests

rng = np.random.default_rng(0)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def F(lib):
    return lib.nn.functional


CASES = [
    ("conv1d", "stride-padding-dilation", lambda lib, x, w, b: F(lib).conv1d(x, w, b, 2, 1, 2), [R(2, 3, 9), R(4, 3, 3), R(4)]),
    ("conv1d", "groups-same-even-non-contiguous",
     lambda lib, x, w: F(lib).conv1d(x.transpose(1, 2), w, padding="same", groups=2), [R(2, 7, 4), R(6, 2, 4)]),
    ("squeeze_dim", "conv1d-unbatched", lambda lib, x, w, b: F(lib).conv1d(x, w, b, padding="valid"), [R(3, 6), R(2, 3, 2), R(2)]),
    ("conv3d", "stride-padding-dilation", lambda lib, x, w, b: F(lib).conv3d(x, w, b, (1, 2, 1), (1, 0, 2), (1, 1, 2)),
     [R(2, 2, 3, 5, 4), R(3, 2, 2, 2, 3), R(3)]),
    ("conv3d", "groups-non-contiguous", lambda lib, x, w: F(lib).conv3d(x.transpose(2, 4), w, groups=2, padding=1),
     [R(1, 4, 3, 3, 3), R(2, 2, 2, 2, 2)]),
    ("conv_transpose1d", "all-args", lambda lib, x, w, b: F(lib).conv_transpose1d(x, w, b, 2, 1, 1, 1, 2), [R(2, 3, 5), R(3, 2, 3), R(2)]),
    ("conv_transpose2d", "groups-output-padding", lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, (2, 3), (1, 0), (1, 2), 2),
     [R(1, 4, 3, 3), R(4, 1, 3, 2), R(2)]),
    ("conv_transpose3d", "strided", lambda lib, x, w: F(lib).conv_transpose3d(x, w, stride=2, padding=1), [R(1, 2, 2, 3, 2), R(2, 2, 3, 2, 2)]),
    ("squeeze_dim", "max-pool1d", lambda lib, x: F(lib).max_pool1d(x, 3, 2, 1, ceil_mode=True), [R(2, 3, 8)]),
    ("squeeze_dim", "avg-pool1d-non-contiguous", lambda lib, x: F(lib).avg_pool1d(x.transpose(1, 2), 2, 1, 1, count_include_pad=False),
     [R(2, 5, 3)]),
    ("adaptive_avg_pool2d", "uneven-windows", lambda lib, x: F(lib).adaptive_avg_pool2d(x, (3, None)), [R(2, 2, 7, 4)]),
    ("adaptive_avg_pool2d", "divisible-unbatched-non-contiguous",
     lambda lib, x: F(lib).adaptive_avg_pool2d(x.transpose(1, 2), (2, 3)), [R(2, 6, 4)]),
    ("adaptive_avg_pool3d", "mixed-windows-unbatched", lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, None, 3)), [R(2, 4, 3, 5)]),
    ("adaptive_max_pool2d", "overlapping", lambda lib, x: F(lib).adaptive_max_pool2d(x, (3, 4)), [R(2, 2, 5, 7)]),
    ("constant_pad_nd", "crop-and-pad", lambda lib, x: F(lib).pad(x, (1, -1, 2, 0), value=1.5), [R(2, 3, 4)]),
    ("reflection_pad1d", "basic", lambda lib, x: F(lib).pad(x, (2, 3), "reflect"), [R(2, 5)]),
    ("reflection_pad2d", "non-contiguous", lambda lib, x: F(lib).pad(x.transpose(2, 3), (1, 2, 2, 0), "reflect"), [R(1, 2, 4, 3)]),
    ("reflection_pad3d", "basic", lambda lib, x: F(lib).pad(x, (1, 0, 0, 1, 1, 1), "reflect"), [R(1, 2, 2, 3, 2)]),
    ("replication_pad1d", "basic", lambda lib, x: F(lib).pad(x, (3, 1), "replicate"), [R(1, 2, 3)]),
    ("replication_pad2d", "unbatched", lambda lib, x: F(lib).pad(x, (2, 1, 1, 3), "replicate"), [R(2, 3, 3)]),
    ("replication_pad3d", "basic", lambda lib, x: F(lib).pad(x, (0, 1, 1, 0, 2, 1), "replicate"), [R(1, 1, 2, 2, 3)]),
    ("pad_circular", "crop-and-wrap", lambda lib, x: F(lib).pad(x, (2, -1, 1, 1), "circular"), [R(1, 2, 3, 4)]),
    ("upsample_nearest1d", "scale", lambda lib, x: F(lib).interpolate(x, scale_factor=2.5), [R(2, 2, 4)]),
    ("upsample_nearest2d", "downsample-size", lambda lib, x: F(lib).interpolate(x, size=(3, 7)), [R(1, 2, 5, 4)]),
    ("upsample_nearest3d", "size", lambda lib, x: F(lib).interpolate(x, size=(3, 2, 5)), [R(1, 1, 2, 3, 3)]),
    ("_upsample_nearest_exact1d", "size", lambda lib, x: F(lib).interpolate(x, size=7, mode="nearest-exact"), [R(1, 2, 5)]),
    ("_upsample_nearest_exact2d", "scale", lambda lib, x: F(lib).interpolate(x, scale_factor=(1.5, 0.7), mode="nearest-exact"),
     [R(1, 2, 4, 5)]),
    ("_upsample_nearest_exact3d", "size", lambda lib, x: F(lib).interpolate(x, size=(3, 3, 1), mode="nearest-exact"),
     [R(1, 1, 2, 2, 3)]),
    ("upsample_linear1d", "scale-non-contiguous", lambda lib, x: F(lib).interpolate(x.transpose(1, 2), scale_factor=1.7, mode="linear"),
     [R(2, 5, 3)]),
    ("upsample_bilinear2d", "align-corners-recompute",
     lambda lib, x: F(lib).interpolate(x, scale_factor=1.6, mode="bilinear", align_corners=True, recompute_scale_factor=True),
     [R(2, 1, 3, 4)]),
    ("upsample_bicubic2d", "size", lambda lib, x: F(lib).interpolate(x, size=(6, 3), mode="bicubic"), [R(1, 2, 4, 4)]),
    ("upsample_bicubic2d", "align-corners", lambda lib, x: F(lib).interpolate(x, scale_factor=1.5, mode="bicubic", align_corners=True),
     [R(1, 1, 3, 4)]),
    # antialias: downsampling (the window widens with the factor), upsampling, one axis only,
    # align_corners (it changes the scale only), scale factors and recomputed ones
    ("_upsample_bilinear2d_aa", "downsample-size", lambda lib, x: F(lib).interpolate(x, size=(3, 4), mode="bilinear", antialias=True),
     [R(2, 2, 7, 9)]),
    ("_upsample_bilinear2d_aa", "upsample-scale-align-corners-non-contiguous",
     lambda lib, x: F(lib).interpolate(x.transpose(2, 3), scale_factor=(1.7, 2.2), mode="bilinear", antialias=True,
                                       align_corners=True), [R(1, 2, 4, 3)]),
    ("_upsample_bilinear2d_aa", "mixed-recompute",
     lambda lib, x: F(lib).interpolate(x, scale_factor=(0.45, 1.6), mode="bilinear", antialias=True,
                                       recompute_scale_factor=True), [R(1, 1, 9, 4)]),
    ("_upsample_bicubic2d_aa", "downsample-scale", lambda lib, x: F(lib).interpolate(x, scale_factor=0.4, mode="bicubic", antialias=True),
     [R(1, 2, 10, 8)]),
    ("_upsample_bicubic2d_aa", "upsample-size-align-corners",
     lambda lib, x: F(lib).interpolate(x, size=(7, 9), mode="bicubic", antialias=True, align_corners=True), [R(2, 1, 4, 5)]),
    ("_upsample_bicubic2d_aa", "width-only-non-contiguous",
     lambda lib, x: F(lib).interpolate(x.transpose(2, 3), size=(5, 3), mode="bicubic", antialias=True), [R(1, 2, 6, 5)]),
    ("upsample_trilinear3d", "scale", lambda lib, x: F(lib).interpolate(x, scale_factor=(1.5, 1, 2), mode="trilinear"), [R(1, 1, 2, 3, 2)]),
    ("adaptive_avg_pool2d", "interpolate-area", lambda lib, x: F(lib).interpolate(x, size=(2, 3), mode="area"), [R(1, 2, 5, 4)]),
    ("pixel_shuffle", "batched-extra-dim", lambda lib, x: F(lib).pixel_shuffle(x, 2), [R(2, 1, 8, 2, 3)]),
    ("pixel_unshuffle", "non-contiguous", lambda lib, x: F(lib).pixel_unshuffle(x.transpose(2, 3), 2), [R(1, 2, 6, 4)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


# ------------------------------------------------------------------ hand-derived values


def test_pad_hand_derived():
    x = jitgrad.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    P = jitgrad.nn.functional.pad
    assert P(x, (2, 1), "reflect").tolist() == [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    assert P(x, (2, 1), "replicate").tolist() == [[1.0, 1.0, 1.0, 2.0, 3.0, 3.0]]
    assert P(x, (2, 1), "circular").tolist() == [[2.0, 3.0, 1.0, 2.0, 3.0, 1.0]]
    assert P(x, (1, -1), value=9.0).tolist() == [[9.0, 1.0, 2.0]]
    P(x, (2, 1), "reflect").sum().backward()
    # x[1] is read three times, x[2] twice (once mirrored), x[0] once
    assert x.grad.tolist() == [[1.0, 3.0, 2.0]]


def test_interpolate_and_shuffle_hand_derived():
    Fn = jitgrad.nn.functional
    x = jitgrad.tensor([[[0.0, 4.0]]])
    assert Fn.interpolate(x, size=4, mode="linear").tolist() == [[[0.0, 1.0, 3.0, 4.0]]]
    assert Fn.interpolate(x, size=3, mode="linear", align_corners=True).tolist() == [[[0.0, 2.0, 4.0]]]
    assert Fn.interpolate(x, scale_factor=2).tolist() == [[[0.0, 0.0, 4.0, 4.0]]]
    y = Fn.pixel_shuffle(jitgrad.arange(4.0).reshape(1, 4, 1, 1), 2)
    assert y.tolist() == [[[[0.0, 1.0], [2.0, 3.0]]]]
    assert Fn.pixel_unshuffle(y, 2).flatten().tolist() == [0.0, 1.0, 2.0, 3.0]
    a = Fn.adaptive_avg_pool1d(jitgrad.tensor([[1.0, 2.0, 4.0]]), 2)
    assert a.tolist() == [[1.5, 3.0]]                     # windows [0, 2) and [1, 3)


@pytest.mark.parametrize("dtype", [jitgrad.float32, jitgrad.float64])
def test_interpolate_antialias_hand_derived(dtype):
    Fn = jitgrad.nn.functional
    tol = dict(rtol=1e-6, atol=1e-6) if dtype is jitgrad.float32 else dict(rtol=1e-14, atol=1e-14)
    ramp = jitgrad.arange(8.0, dtype=dtype).reshape(1, 1, 1, 8)
    # halving (scale 2): the triangle's support doubles, output i reads inputs 2i - 1 .. 2i + 2
    # with weights (1, 3, 3, 1) / 8; at an edge the window is cut and renormalised: (3, 3, 1) / 7
    got = Fn.interpolate(ramp, size=(1, 4), mode="bilinear", antialias=True)
    np.testing.assert_allclose(got.flatten().numpy(), [5 / 7, 2.5, 4.5, 44 / 7], **tol)
    # plain bilinear halving reads 2 inputs only
    assert Fn.interpolate(ramp, size=(1, 4), mode="bilinear").flatten().tolist() == [0.5, 2.5, 4.5, 6.5]
    # bicubic (Keys, a = -0.5) halving: 8 taps, symmetric about 2i + 1/2, so a ramp gives 2i + 1/2
    # wherever the window is whole
    got = Fn.interpolate(jitgrad.arange(16.0, dtype=dtype).reshape(1, 1, 1, 16), size=(1, 8), mode="bicubic",
                         antialias=True)
    np.testing.assert_allclose(got.flatten()[2:6].numpy(), [4.5, 6.5, 8.5, 10.5], **tol)
    # the weights sum to 1: a constant stays constant, up and down
    ones = jitgrad.full((1, 2, 5, 7), 3.0, dtype=dtype)
    for mode in ("bilinear", "bicubic"):
        for size in ((2, 3), (9, 11), (5, 3)):
            np.testing.assert_allclose(Fn.interpolate(ones, size, mode=mode, antialias=True).numpy(), 3.0, **tol)
    # at scale 1 antialias changes nothing: the input, as the plain modes give it
    x = jitgrad.tensor(R(2, 3, 4, 5), dtype=dtype, requires_grad=True)
    for mode in ("bilinear", "bicubic"):
        for kw in (dict(scale_factor=1.0), dict(size=(4, 5)), dict(size=(4, 5), align_corners=True)):
            y = Fn.interpolate(x, mode=mode, antialias=True, **kw)
            assert y.tolist() == x.tolist() == Fn.interpolate(x, mode=mode, **kw).tolist()
            (g,) = jitgrad.autograd.grad(y, x, jitgrad.ones_like(y))
            assert (g == 1).all().item()
    # a width of 1 with the height resampled: each row its own window (rows 2..6 of a ramp
    # with weights (1, 2, 3, 2, 1) / 9 for the middle one). torch 2.13 gives every output row
    # the first row's value there (its vertical pass reads the first row's weights only)
    rows = jitgrad.arange(9.0, dtype=dtype).reshape(1, 1, 9, 1).expand(1, 1, 9, 4)
    got = Fn.interpolate(rows, size=(3, 1), mode="bilinear", antialias=True)
    np.testing.assert_allclose(got[0, 0, 1, 0].item(), 4.0, **tol)
    assert got[0, 0, 0, 0].item() < got[0, 0, 1, 0].item() < got[0, 0, 2, 0].item()


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_interpolate_antialias_unchanged_axis_is_copied(mode):
    """A scale_factor that leaves an axis's size as it is (5 * 1.1 -> 5): torch's forward
    copies that axis, and so does jitgrad's, whose gradient is this forward's (finite
    differences). torch 2.13's backward weighs the axis by 1 / 1.1 there instead (so
    its gradient is not its forward's): not compared."""
    Fn = jitgrad.nn.functional
    x = R(1, 2, 6, 5)
    out = gradcheck(lambda t: Fn.interpolate(t, scale_factor=(0.5, 1.1), mode=mode, antialias=True), x)
    by_size = Fn.interpolate(jitgrad.tensor(x), size=(3, 5), mode=mode, antialias=True)
    assert out.shape == (1, 2, 3, 5) and out.tolist() == by_size.tolist()


def test_conv_transpose_is_the_input_gradient_of_conv():
    x, w = R(2, 3, 7, 7), R(4, 3, 3, 2)
    xt = jitgrad.tensor(x, requires_grad=True)
    y = jitgrad.nn.functional.conv2d(xt, jitgrad.tensor(w), stride=2, padding=1)
    g = R(*y.shape)
    y.backward(jitgrad.tensor(g))
    t = jitgrad.nn.functional.conv_transpose2d(jitgrad.tensor(g), jitgrad.tensor(w), stride=2,
                                               padding=1, output_padding=(0, 1))
    np.testing.assert_allclose(t.numpy(), xt.grad.numpy(), atol=1e-12)


def test_integer_convolutions():
    Fn = jitgrad.nn.functional
    x = jitgrad.arange(10).reshape(1, 2, 5)
    w = jitgrad.arange(12).reshape(3, 2, 2) - 3
    y = Fn.conv1d(x, w, padding=1)
    assert y.dtype is jitgrad.int64
    assert y.tolist() == [[[0, -7, -13, -19, -25, -21], [20, 41, 51, 61, 71, 31],
                           [40, 89, 115, 141, 167, 83]]]
    assert Fn.conv_transpose1d(x, w[:2]).tolist() == [[[5, 13, 11, 9, 7, 10],
                                                       [15, 37, 43, 49, 55, 36]]]


# ------------------------------------------------------------------ create_graph against torch

DOUBLE = [
    ("conv1d", lambda lib, x, w: F(lib).conv1d(x, w, stride=2, padding=1), [R(1, 2, 6), R(3, 2, 3)]),
    ("conv_transpose2d", lambda lib, x, w: F(lib).conv_transpose2d(x, w, stride=2, groups=2),
     [R(1, 2, 2, 3), R(2, 2, 2, 2)]),
    ("reflect", lambda lib, x: F(lib).pad(x, (1, 2), "reflect"), [R(2, 4)]),
    ("bilinear", lambda lib, x: F(lib).interpolate(x, scale_factor=1.5, mode="bilinear"), [R(1, 1, 3, 2)]),
    ("adaptive-max", lambda lib, x: F(lib).adaptive_max_pool2d(x, 2), [R(1, 1, 3, 3)]),
    ("bilinear-antialias", lambda lib, x: F(lib).interpolate(x * x, size=(2, 5), mode="bilinear", antialias=True),
     [R(1, 2, 5, 3)]),
    ("bicubic-antialias", lambda lib, x: F(lib).interpolate(x * x, scale_factor=(0.5, 1.5), mode="bicubic", antialias=True,
                                                            align_corners=True), [R(1, 1, 6, 4)]),
]


@pytest.mark.parametrize("name,fn,inputs", DOUBLE, ids=[d[0] for d in DOUBLE])
def test_create_graph_matches_torch(name, fn, inputs):
    torch = pytest.importorskip("torch")
    results = []
    for lib in (jitgrad, torch):
        xs = [lib.tensor(a, requires_grad=True) for a in inputs]
        y = fn(lib, *xs)
        g = lib.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape)), requires_grad=True)
        grads = lib.autograd.grad(y, xs, g, create_graph=True)
        total = sum((gr * gr).sum() for gr in grads)
        second = lib.autograd.grad(total, xs + [g], allow_unused=True)
        results.append(([gr.detach().numpy() for gr in grads],
                        [None if s is None else s.numpy() for s in second]))
    (ours_first, ours_second), (theirs_first, theirs_second) = results
    for a, b in zip(ours_first, theirs_first):
        np.testing.assert_allclose(a, b, atol=1e-10)
    for a, b in zip(ours_second, theirs_second):
        # an input the first gradients do not depend on: None or zeros
        if a is None or b is None:
            assert not np.any(a if b is None else b)
        else:
            np.testing.assert_allclose(a, b, atol=1e-10)


def test_backward_of_backward_node_names():
    x = jitgrad.tensor(R(1, 1, 4), requires_grad=True)
    y = jitgrad.nn.functional.interpolate(x, scale_factor=2, mode="linear")
    (gx,) = jitgrad.autograd.grad(y, x, jitgrad.ones_like(y, requires_grad=True),
                                  create_graph=True)
    assert type(gx.grad_fn).__name__ == "UpsampleLinear1DBackwardBackward0"
    y = jitgrad.nn.functional.pad(x, (1, 1), "reflect")
    (gx,) = jitgrad.autograd.grad(y, x, jitgrad.ones_like(y, requires_grad=True),
                                  create_graph=True)
    assert type(gx.grad_fn).__name__ == "ReflectionPad1DBackwardBackward0"
    x = jitgrad.tensor(R(1, 1, 4, 4), requires_grad=True)
    for mode, name in (("bilinear", "UpsampleBilinear2DAa"), ("bicubic", "UpsampleBicubic2DAa")):
        y = jitgrad.nn.functional.interpolate(x, scale_factor=0.5, mode=mode, antialias=True)
        assert type(y.grad_fn).__name__ == name + "Backward0"
        (gx,) = jitgrad.autograd.grad(y, x, jitgrad.ones_like(y, requires_grad=True), create_graph=True)
        assert type(gx.grad_fn).__name__ == name + "BackwardBackward0"


# ------------------------------------------------------------------ errors

E = namedtuple("E", "id run exc message")
_x3 = np.ones((2, 3, 4), np.float32)


def _t(lib, a=_x3):
    return lib.tensor(a)


ERRORS = [
    E("pad-odd", lambda lib: F(lib).pad(_t(lib), (1, 2, 3)), RuntimeError, "Padding length must be divisible by 2"),
    E("pad-too-long", lambda lib: F(lib).pad(_t(lib), (1,) * 8), RuntimeError,
      "Padding length should be less than or equal to two times the input dimension but got padding length 8 and input of dimension 3"),
    E("pad-reflect-too-wide", lambda lib: F(lib).pad(_t(lib), (4, 1), "reflect"), RuntimeError,
      "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 1) at dimension 2 of input [2, 3, 4]"),
    E("pad-mode-dims", lambda lib: F(lib).pad(_t(lib), (1,) * 6, "replicate"), NotImplementedError,
      "Padding size 6 is not supported for 3D input tensor.\nSupported combinations for non-constant padding:\n"
      "  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
      "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"),
    E("shuffle-channels", lambda lib: F(lib).pixel_shuffle(_t(lib, np.ones((1, 3, 2, 2))), 2), RuntimeError,
      "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=3 is not divisible by 4"),
    E("interp-size-and-scale", lambda lib: F(lib).interpolate(_t(lib), 4, 2.0), ValueError, "only one of size or scale_factor should be defined"),
    E("interp-mode-dims", lambda lib: F(lib).interpolate(_t(lib), 4, mode="bilinear"), NotImplementedError,
      "Got 3D input, but bilinear mode needs 4D input"),
    E("interp-zero-size", lambda lib: F(lib).interpolate(_t(lib), 0, mode="linear"), RuntimeError,
      "Input and output sizes should be greater than 0, but got input (W: 4) and output (W: 0)"),
    E("interp-antialias-mode", lambda lib: F(lib).interpolate(_t(lib, np.ones((1, 1, 4, 4))), scale_factor=0.5, antialias=True),
      ValueError, "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"),
    E("interp-antialias-dims", lambda lib: F(lib).interpolate(_t(lib), 2, mode="bilinear", antialias=True), ValueError,
      "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"),
    E("interp-antialias-integer",
      lambda lib: F(lib).interpolate(_t(lib, np.ones((1, 1, 4, 4), np.int32)), scale_factor=0.5, mode="bicubic", antialias=True),
      NotImplementedError, "\"compute_index_ranges_weights\" not implemented for 'Int'"),
    E("interp-antialias-zero-size",
      lambda lib: F(lib).interpolate(_t(lib, np.ones((1, 1, 4, 4))), (0, 3), mode="bilinear", antialias=True), RuntimeError,
      "Input and output sizes should be greater than 0, but got input (H: 4, W: 4) output (H: 0, W: 3)"),
    E("interp-lanczos-antialias", lambda lib: F(lib).interpolate(_t(lib, np.ones((1, 1, 4, 4))), scale_factor=0.5, mode="lanczos"),
      ValueError, "Lanczos mode requires antialias=True"),
    E("interp-lanczos-align-corners",
      lambda lib: F(lib).interpolate(_t(lib, np.ones((1, 1, 4, 4))), scale_factor=0.5, mode="lanczos", antialias=True,
                                     align_corners=True), ValueError, "Lanczos mode does not support align_corners=True"),
    E("conv1d-channels", lambda lib: F(lib).conv1d(_t(lib), _t(lib, np.ones((2, 2, 1), np.float32))), RuntimeError,
      "Given groups=1, weight of size [2, 2, 1], expected input[2, 3, 4] to have 2 channels, but got 3 channels instead"),
    E("conv1d-stride-type", lambda lib: F(lib).conv1d(_t(lib), _t(lib, np.ones((2, 3, 1), np.float32)), stride=1.5), TypeError,
      "conv1d() received an invalid combination of arguments - got (Tensor, Tensor, stride=float), but expected one of:\n"
      " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n"
      " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str padding = \"valid\", tuple of ints dilation = 1, int groups = 1)\n"),
    E("conv-transpose-channels", lambda lib: F(lib).conv_transpose1d(_t(lib), _t(lib, np.ones((5, 2, 3), np.float32))), RuntimeError,
      "Given transposed=1, weight of size [5, 2, 3], expected input[2, 3, 4] to have 5 channels, but got 3 channels instead"),
    E("conv-transpose-output-padding", lambda lib: F(lib).conv_transpose2d(
        _t(lib, np.ones((1, 1, 2, 2), np.float32)), _t(lib, np.ones((1, 1, 2, 2), np.float32)), stride=2, output_padding=2),
      RuntimeError, "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
      "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1"),
    E("conv3d-dtype", lambda lib: F(lib).conv3d(_t(lib, np.ones((1, 1, 2, 2, 2), np.float32)), _t(lib, np.ones((1, 1, 1, 1, 1)))),
      RuntimeError, "expected scalar type Float but found Double"),
    # (one sample: torch's message for a batch depends on its thread count, oneDNN's
    # "Input type (FloatTensor) and weight type (DoubleTensor) should be the same...")
    E("conv1d-dtype", lambda lib: F(lib).conv1d(_t(lib, _x3[:1]), _t(lib, np.ones((2, 3, 1)))),
      RuntimeError, "expected scalar type Float but found Double"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


# ------------------------------------------------------------------ modules

MODULES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1), (2, 3, 9)),
    ("Conv1d", (2, 4, 4), dict(padding="same", groups=2, padding_mode="reflect", bias=False), (2, 2, 7)),
    ("Conv1d", (2, 3, 3), dict(padding=2, padding_mode="circular"), (1, 2, 6)),
    ("Conv3d", (2, 3, 3), dict(padding=1, dtype="float64"), (1, 2, 3, 3, 3)),
    ("Conv3d", (2, 3, (2, 3, 2)), dict(padding=(1, 0, 1), padding_mode="replicate"), (1, 2, 3, 4, 3)),
    ("ConvTranspose1d", (3, 2, 3), dict(stride=2, output_padding=1, dilation=2), (2, 3, 5)),
    ("ConvTranspose2d", (4, 6, (3, 2)), dict(stride=(2, 1), padding=1, groups=2, bias=False), (1, 4, 3, 4)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2), (1, 2, 2, 2, 2)),
]


def _module(lib, name, args, kw):
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = getattr(lib, kw["dtype"])
    lib.manual_seed(0)
    return getattr(lib.nn, name)(*args, **kw)


@pytest.mark.parametrize("name,args,kw,shape", MODULES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MODULES)])
def test_conv_modules_match_torch(name, args, kw, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = _module(jitgrad, name, args, kw), _module(torch, name, args, kw)
    assert_same_module(ours, theirs)
    dtype = np.float64 if kw.get("dtype") == "float64" else np.float32
    x0 = rng.standard_normal(shape).astype(dtype)
    outs = []
    for lib, m in ((jitgrad, ours), (torch, theirs)):
        x = lib.tensor(x0, requires_grad=True)
        y = m(x)
        (y * y).sum().backward()
        outs.append([y.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in m.parameters()])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_conv_module_attributes_and_errors():
    m = jitgrad.nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2)
    assert tuple(m.weight.shape) == (4, 3, 3, 3) and m.transposed is True
    assert m.output_padding == (0, 0) and m.kernel_size == (3, 3)
    # output_size picks the output padding
    y = m(jitgrad.ones(1, 4, 3, 3), output_size=[8, 8])
    assert tuple(y.shape) == (1, 6, 8, 8)
    with pytest.raises(ValueError) as e:
        m(jitgrad.ones(1, 4, 3, 3), output_size=[9, 9])
    assert str(e.value).startswith("requested an output size of [9, 9], but valid sizes range from "
                                   "[7, 7] to [8, 8]")
    with pytest.raises(ValueError) as e:
        jitgrad.nn.ConvTranspose1d(1, 1, 3, padding_mode="reflect")
    assert str(e.value) == 'Only "zeros" padding mode is supported for ConvTranspose1d'
    c = jitgrad.nn.Conv1d(2, 4, 3)
    assert tuple(c.weight.shape) == (4, 2, 3) and c.padding == (0,)
    assert list(c.state_dict()) == ["weight", "bias"]


OTHER_MODULES = [
    ("MaxPool1d", (3, 2, 1), {}, (2, 3, 9)),
    ("AvgPool1d", (3,), dict(stride=2, ceil_mode=True), (2, 3, 8)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((3, 2),), {}, (2, 3, 7, 5)),
    ("AdaptiveMaxPool2d", (2,), {}, (1, 2, 5, 5)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ReflectionPad2d", (1,), {}, (1, 2, 3, 3)),
    ("CircularPad2d", (1,), {}, (1, 2, 3, 3)),
    ("Upsample", (), dict(scale_factor=2, mode="bilinear"), (1, 2, 3, 3)),
    ("PixelShuffle", (2,), {}, (1, 8, 2, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", OTHER_MODULES, ids=[m[0] for m in OTHER_MODULES])
def test_other_modules_match_torch(name, args, kw, shape):
    torch = pytest.importorskip("torch")
    x0 = rng.standard_normal(shape).astype(np.float32)
    outs = []
    for lib in (jitgrad, torch):
        m = getattr(lib.nn, name)(*args, **kw)
        x = lib.tensor(x0, requires_grad=True)
        y = m(x)
        y.backward(lib.ones_like(y))
        outs.append((repr(m), y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__))
    assert outs[0][0] == outs[1][0] and outs[0][3] == outs[1][3]
    for a, b in zip(outs[0][1:3], outs[1][1:3]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
