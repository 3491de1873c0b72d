"""2-d convolution, unfold/fold and pooling (jitgrad/ops/conv.py,
jitgrad/ops/pooling.py): finite differences in float64, torch's values,
gradients and node names in float32 and float64, hand-derived values, the
create_graph path against the fast path, and torch's errors."""
import warnings
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, gradcheck, table_tests, torch_check
from jitgrad.ops import conv as conv_ops

rng = np.random.default_rng(0)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def conv(lib, x, w, b=None, **kw):
    return lib.nn.functional.conv2d(x, w, b, **kw)


def F(lib):
    return lib.nn.functional


# (table entry, id, fn(lib, *inputs), inputs). The patch-row lowering runs from
# conv_ops.PATCH_MIN_CHANNELS input channels (groups == 1); below, or with groups, the
# shifted-row lowering for stride 1 (when the padded width adds little), else columns.
CASES = [
    ("conv2d", "basic", lambda lib, x, w, b: conv(lib, x, w, b), [R(2, 3, 5, 5), R(4, 3, 3, 3), R(4)]),
    ("conv2d", "no-bias-padding", lambda lib, x, w: conv(lib, x, w, padding=1), [R(2, 2, 4, 5), R(3, 2, 3, 3)]),
    ("conv2d", "stride-dilation-tuple", lambda lib, x, w, b: conv(lib, x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
     [R(2, 2, 6, 7), R(3, 2, 3, 2), R(3)]),
    ("conv2d", "groups", lambda lib, x, w, b: conv(lib, x, w, b, groups=2, padding=1), [R(2, 4, 4, 4), R(6, 2, 3, 3), R(6)]),
    ("conv2d", "depthwise", lambda lib, x, w: conv(lib, x, w, groups=3, stride=2), [R(1, 3, 5, 5), R(3, 1, 2, 2)]),
    ("conv2d", "same-even-kernel", lambda lib, x, w, b: conv(lib, x, w, b, padding="same"), [R(1, 2, 5, 4), R(2, 2, 2, 4), R(2)]),
    ("conv2d", "same-dilated", lambda lib, x, w: conv(lib, x, w, padding="same", dilation=2), [R(1, 2, 5, 5), R(2, 2, 3, 3)]),
    ("conv2d", "valid", lambda lib, x, w: conv(lib, x, w, padding="valid", stride=2), [R(2, 1, 5, 6), R(2, 1, 3, 3)]),
    ("conv2d", "one-channel-shifted-rows", lambda lib, x, w, b: conv(lib, x, w, b, padding=1), [R(2, 1, 4, 8), R(3, 1, 3, 3), R(3)]),
    ("conv2d", "one-channel-columns", lambda lib, x, w, b: conv(lib, x, w, b, padding=(1, 0), dilation=2), [R(1, 1, 6, 6), R(2, 1, 2, 3), R(2)]),
    ("conv2d", "groups-shifted-rows", lambda lib, x, w: conv(lib, x, w, groups=2, padding=(0, 1)), [R(1, 4, 3, 8), R(4, 2, 2, 3)]),
    ("conv2d", "many-channels-patch-rows", lambda lib, x, w, b: conv(lib, x, w, b, padding=1), [R(2, 8, 3, 4), R(3, 8, 3, 3), R(3)]),
    ("conv2d", "patch-rows-strided-dilated", lambda lib, x, w: conv(lib, x, w, stride=2, padding=(2, 1), dilation=(2, 1)),
     [R(1, 9, 6, 5), R(2, 9, 2, 3)]),
    ("conv2d", "non-contiguous-input", lambda lib, x, w: conv(lib, x.transpose(2, 3), w, padding=1), [R(2, 2, 4, 3), R(3, 2, 3, 3)]),
    ("conv2d", "non-contiguous-patch-rows", lambda lib, x, w: conv(lib, x.transpose(2, 3), w), [R(1, 8, 4, 3), R(2, 8, 2, 2)]),
    ("squeeze_dim", "conv2d-unbatched", lambda lib, x, w, b: conv(lib, x, w, b, padding=1), [R(2, 4, 3), R(3, 2, 3, 3), R(3)]),
    ("unfold", "basic", lambda lib, x: F(lib).unfold(x, 2), [R(2, 2, 3, 4)]),
    ("unfold", "all-args", lambda lib, x: F(lib).unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [R(1, 2, 4, 5)]),
    ("unfold", "unbatched", lambda lib, x: F(lib).unfold(x, 2, padding=1), [R(2, 3, 3)]),
    ("fold", "basic", lambda lib, c: F(lib).fold(c, (3, 4), 2), [R(2, 8, 6)]),
    ("fold", "all-args", lambda lib, c: F(lib).fold(c, (4, 5), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [R(1, 12, 12)]),
    ("fold", "unbatched", lambda lib, c: F(lib).fold(c, 3, 2, padding=1), [R(4, 16)]),
    ("max_pool2d", "2x2", lambda lib, x: F(lib).max_pool2d(x, 2), [R(2, 3, 4, 4)]),
    ("max_pool2d", "overlapping-padded", lambda lib, x: F(lib).max_pool2d(x, 3, stride=2, padding=1), [R(1, 2, 5, 6)]),
    ("max_pool2d", "ceil-mode-dilation", lambda lib, x: F(lib).max_pool2d(x, (2, 3), (2, 1), (1, 0), dilation=(1, 2), ceil_mode=True),
     [R(1, 2, 5, 7)]),
    ("max_pool2d", "unbatched-non-contiguous", lambda lib, x: F(lib).max_pool2d(x.transpose(1, 2), 2, 1), [R(2, 4, 3)]),
    ("max_pool2d", "indices-returned", lambda lib, x: F(lib).max_pool2d(x, 2, return_indices=True)[0], [R(1, 2, 4, 5)]),
    ("avg_pool2d", "2x2", lambda lib, x: F(lib).avg_pool2d(x, 2), [R(2, 3, 4, 4)]),
    ("avg_pool2d", "padded-exclude-pad", lambda lib, x: F(lib).avg_pool2d(x, 3, 2, 1, count_include_pad=False), [R(1, 2, 5, 6)]),
    ("avg_pool2d", "ceil-mode", lambda lib, x: F(lib).avg_pool2d(x, (2, 3), (2, 2), (1, 1), ceil_mode=True), [R(1, 2, 5, 6)]),
    ("avg_pool2d", "divisor-override-unbatched", lambda lib, x: F(lib).avg_pool2d(x, 2, 1, divisor_override=3), [R(2, 3, 4)]),
    ("avg_pool2d", "non-contiguous", lambda lib, x: F(lib).avg_pool2d(x.transpose(2, 3), 2), [R(1, 2, 4, 6)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


# ------------------------------------------------------------------ hand-derived values


def test_conv2d_hand_derived():
    x = jitgrad.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]], requires_grad=True)
    w = jitgrad.tensor([[[[1.0, 0.0], [0.0, -1.0]]]], requires_grad=True)
    b = jitgrad.tensor([10.0], requires_grad=True)
    y = jitgrad.nn.functional.conv2d(x, w, b)
    # y[i, j] = x[i, j] - x[i + 1, j + 1] + 10
    assert y.tolist() == [[[[6.0, 6.0], [6.0, 6.0]]]]
    y.sum().backward()
    assert x.grad.tolist() == [[[[1.0, 1.0, 0.0], [1.0, 0.0, -1.0], [0.0, -1.0, -1.0]]]]
    assert w.grad.tolist() == [[[[12.0, 16.0], [24.0, 28.0]]]]
    assert b.grad.tolist() == [4.0]
    assert type(y.grad_fn).__name__ == "ConvolutionBackward0"
    assert y.grad_fn.next_functions[2][0] is not None


def test_conv2d_next_functions_as_torch():
    x = jitgrad.ones(1, 1, 3, 3)
    w = jitgrad.ones(1, 1, 2, 2, requires_grad=True)
    y = jitgrad.nn.functional.conv2d(x, w)
    names = [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions]
    assert names == [None, "AccumulateGrad", None]
    y3 = jitgrad.nn.functional.conv2d(jitgrad.ones(1, 3, 3, requires_grad=True), w)
    assert type(y3.grad_fn).__name__ == "SqueezeBackward1"
    inner = y3.grad_fn.next_functions[0][0]
    assert type(inner).__name__ == "ConvolutionBackward0"
    assert type(inner.next_functions[0][0]).__name__ == "UnsqueezeBackward0"


def test_max_pool2d_indices_ties_nan_and_padding():
    F_ = jitgrad.nn.functional
    out, idx = F_.max_pool2d(jitgrad.tensor([[[[1.0, 3.0], [3.0, 2.0]]]]), 2, return_indices=True)
    assert out.tolist() == [[[[3.0]]]] and idx.tolist() == [[[[1]]]]       # first maximum
    nan = float("nan")
    _, idx = F_.max_pool2d(jitgrad.tensor([[[[nan, 1.0], [2.0, nan]]]]), 2, return_indices=True)
    assert idx.tolist() == [[[[3]]]]                                       # the last NaN
    out, idx = F_.max_pool2d(jitgrad.full((1, 1, 2, 2), -float("inf")), 2, 1, padding=1,
                             return_indices=True)
    assert idx.tolist() == [[[[0, 0, 1], [0, 0, 1], [2, 2, 3]]]]
    assert idx.dtype is jitgrad.int64
    x = jitgrad.tensor([[[[1.0, 2.0], [4.0, 3.0]]]], requires_grad=True)
    F_.max_pool2d(x, 2, 1, padding=1).sum().backward()
    # each input is the maximum of the windows that see it and no larger neighbour
    assert x.grad.tolist() == [[[[1.0, 2.0], [4.0, 2.0]]]]


def test_max_pool2d_integers():
    x = jitgrad.tensor([[[[-1, -2], [-3, -4]]]])
    out, idx = jitgrad.nn.functional.max_pool2d(x, 2, return_indices=True)
    assert out.tolist() == [[[[-1]]]] and idx.tolist() == [[[[0]]]] and out.dtype is jitgrad.int64


def test_avg_pool2d_hand_derived():
    F_ = jitgrad.nn.functional
    x = jitgrad.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, -7.0], [7.0, 8.0, 9.0]]]])
    assert F_.avg_pool2d(x, 2, 2, ceil_mode=True).tolist() == [[[[3.0, -2.0], [7.5, 9.0]]]]
    assert F_.avg_pool2d(x, 2, 2, 1, count_include_pad=False).tolist() == [[[[1.0, 2.5], [5.5, 3.75]]]]
    assert F_.avg_pool2d(x, 2, 2, 1).tolist() == [[[[0.25, 1.25], [2.75, 3.75]]]]
    # integers: torch's integer division, truncating toward zero
    xi = jitgrad.tensor([[[[1, 2, 3], [4, 5, -7], [7, 8, 9]]]])
    assert F_.avg_pool2d(xi, 2, 1).tolist() == [[[[3, 0], [6, 3]]]]
    assert F_.avg_pool2d(xi, 2, 1, divisor_override=-3).tolist() == [[[[-4, -1], [-8, -5]]]]


def test_unfold_fold_are_adjoint():
    x, c = R(2, 3, 5, 4), R(2, 3 * 4, 15)
    u = jitgrad.nn.functional.unfold(jitgrad.tensor(x), 2, padding=1, stride=(2, 1))
    f = jitgrad.nn.functional.fold(jitgrad.tensor(c), (5, 4), 2, padding=1, stride=(2, 1))
    assert np.isclose(np.sum(u.numpy() * c), np.sum(x * f.numpy()))


def test_conv2d_is_unfold_matmul():
    x, w = R(2, 3, 5, 6), R(4, 3, 2, 3)
    y = jitgrad.nn.functional.conv2d(jitgrad.tensor(x), jitgrad.tensor(w), stride=2, padding=1)
    cols = jitgrad.nn.functional.unfold(jitgrad.tensor(x), (2, 3), padding=1, stride=2)
    ref = (jitgrad.tensor(w.reshape(4, -1)) @ cols).reshape(y.shape)
    np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_conv2d_integers(dtype):
    x = np.arange(2 * 2 * 4 * 4).reshape(2, 2, 4, 4).astype(dtype) - 10
    w = np.arange(3 * 2 * 3 * 3).reshape(3, 2, 3, 3).astype(dtype) % 5 - 2
    y = jitgrad.nn.functional.conv2d(jitgrad.tensor(x), jitgrad.tensor(w), padding=1)
    ref = jitgrad.nn.functional.conv2d(jitgrad.tensor(x.astype(np.float64)),
                                       jitgrad.tensor(w.astype(np.float64)), padding=1)
    assert y.numpy().dtype == dtype
    np.testing.assert_array_equal(y.numpy(), ref.numpy())


def test_conv2d_empty_batch():
    y = jitgrad.nn.functional.conv2d(jitgrad.zeros(0, 2, 4, 4), jitgrad.ones(3, 2, 3, 3))
    assert y.shape == (0, 3, 2, 2)


def test_same_even_kernel_warns_once():
    conv_ops._same_warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            conv(jitgrad, jitgrad.ones(1, 1, 4, 4), jitgrad.ones(1, 1, 2, 2), padding="same")
    assert [str(c.message) for c in caught] == [
        "Using padding='same' with even kernel lengths and odd dilation may require a "
        "zero-padded copy of the input be created"]


# ------------------------------------------------------------------ lowerings, create_graph


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_both_lowerings_agree_with_torch(channels, dtype):
    x, w, b = R(3, channels, 6, 5), R(5, channels, 3, 2), R(5)
    torch_check(lambda lib, x, w, b: conv(lib, x, w, b, stride=(1, 2), padding=(2, 1),
                                          dilation=(2, 1)),
                *(a.astype(dtype) for a in (x, w, b)))


def _graph_vs_fast(make, *arrays):
    """A node's apply_graph (recorded Tensor ops) against its apply (kernels)."""
    ts = [jitgrad.tensor(a, requires_grad=True) for a in arrays]
    out = make(*ts)
    node = out.grad_fn
    g = R(*out.shape)
    fast = node.apply(g)
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    assert len(fast) == len(graph)
    for a, t in zip(fast, graph):
        assert (a is None) == (t is None)
        if a is not None:
            np.testing.assert_allclose(t.detach().numpy(), a, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make,shapes", [
    (lambda x, w, b: conv(jitgrad, x, w, b, padding=1), [(2, 3, 4, 5), (4, 3, 3, 3), (4,)]),
    (lambda x, w, b: conv(jitgrad, x, w, b, stride=2, groups=2, dilation=(1, 2)),
     [(2, 4, 5, 6), (4, 2, 2, 2), (4,)]),
    (lambda x, w, b: conv(jitgrad, x, w, b, padding="same"), [(1, 8, 4, 4), (3, 8, 2, 3), (3,)]),
    (lambda x: jitgrad.nn.functional.unfold(x, 2, padding=1, stride=(1, 2)), [(2, 3, 4, 5)]),
    (lambda c: jitgrad.nn.functional.fold(c, (4, 5), 2, padding=1), [(2, 12, 30)]),
    (lambda x: jitgrad.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 5, 6)]),
    (lambda x: jitgrad.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                count_include_pad=False), [(2, 3, 5, 6)]),
])
def test_apply_graph_matches_apply(make, shapes):
    _graph_vs_fast(make, *[R(*s) for s in shapes])


@pytest.mark.parametrize("name", ["conv2d", "max_pool2d", "avg_pool2d"])
def test_double_backward_matches_torch(name):
    torch = pytest.importorskip("torch")
    x0, w0, v0 = R(2, 2, 5, 5), R(3, 2, 3, 3), R(2, 2, 5, 5)

    def run(lib):
        x = lib.tensor(x0, requires_grad=True)
        w = lib.tensor(w0, requires_grad=True)
        f = lib.nn.functional
        y = {"conv2d": lambda: f.conv2d(x, w, padding=1),
             "max_pool2d": lambda: f.max_pool2d(x * x, 3, 2, 1),
             "avg_pool2d": lambda: f.avg_pool2d(x * x, 3, 2, 1)}[name]()
        (gx,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        (gx * lib.tensor(v0)).sum().backward()
        return x.grad.numpy(), None if w.grad is None else w.grad.numpy()

    for a, b in zip(run(jitgrad), run(torch)):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_saved_input_modified_in_place_is_refused():
    x = jitgrad.ones(1, 1, 3, 3, requires_grad=True)
    for op in (lambda t: conv(jitgrad, t, jitgrad.ones(1, 1, 2, 2)),
               lambda t: jitgrad.nn.functional.max_pool2d(t, 2),
               lambda t: jitgrad.nn.functional.avg_pool2d(t, 2)):
        y = x * 1
        out = op(y)
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            out.sum().backward()


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")
_X = (2, 3, 8, 8)
_W = (4, 3, 3, 3)


def _c(lib, x=_X, w=_W, b=None, x_dtype=None, w_dtype=None, b_dtype=None, **kw):
    xt = lib.ones(*x) if x_dtype is None else lib.ones(*x, dtype=x_dtype(lib))
    wt = lib.ones(*w) if w_dtype is None else lib.ones(*w, dtype=w_dtype(lib))
    bt = None if b is None else (lib.ones(*b) if b_dtype is None else lib.ones(*b, dtype=b_dtype(lib)))
    return lib.nn.functional.conv2d(xt, wt, bt, **kw)


def _f64(lib):
    return lib.float64


def _i64(lib):
    return lib.int64


def _bool(lib):
    return lib.bool


def _mp(lib, shape=(2, 3, 8, 8), *args, **kw):
    return lib.nn.functional.max_pool2d(lib.ones(*shape), *args, **kw)


def _ap(lib, shape=(2, 3, 8, 8), *args, **kw):
    return lib.nn.functional.avg_pool2d(lib.ones(*shape), *args, **kw)


_CONV_SIGS = (
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of "
    "ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n * (Tensor input, Tensor "
    "weight, Tensor bias = None, tuple of ints stride = 1, str padding = \"valid\", tuple of "
    "ints dilation = 1, int groups = 1)\n")

ERRORS = [
    Case("conv-channels", lambda lib: _c(lib, x=(2, 1, 8, 8)), RuntimeError,
         "Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 1, 8, 8] to have 3 "
         "channels, but got 1 channels instead"),
    Case("conv-channels-unbatched", lambda lib: _c(lib, x=(1, 8, 8)), RuntimeError,
         "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 1, 8, 8] to have 3 "
         "channels, but got 1 channels instead"),
    Case("conv-kernel-too-big", lambda lib: _c(lib, x=(2, 3, 2, 2)), RuntimeError,
         "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size "
         "can't be greater than actual input size"),
    Case("conv-dilated-kernel-too-big", lambda lib: _c(lib, x=(2, 3, 4, 4), dilation=2),
         RuntimeError, "Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). "
         "Kernel size can't be greater than actual input size"),
    Case("conv-input-2d", lambda lib: _c(lib, x=(8, 8)), RuntimeError,
         "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]"),
    Case("conv-input-5d", lambda lib: _c(lib, x=(1, 2, 3, 8, 8)), RuntimeError,
         "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
         "[1, 2, 3, 8, 8]"),
    Case("conv-weight-3d", lambda lib: _c(lib, w=(4, 3, 3)), RuntimeError,
         "expected stride to be a single integer value or a list of 1 values to match the "
         "convolution dimensions, but got stride=[1, 1]"),
    Case("conv-weight-2d", lambda lib: _c(lib, w=(4, 3)), RuntimeError,
         "weight should have at least three dimensions"),
    Case("conv-bias-size", lambda lib: _c(lib, b=(5,)), RuntimeError,
         "Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, "
         "but got bias of size [5] instead"),
    Case("conv-groups-zero", lambda lib: _c(lib, groups=0), RuntimeError,
         "non-positive groups is not supported"),
    Case("conv-groups-divisible", lambda lib: _c(lib, x=(2, 6, 8, 8), w=(5, 3, 3, 3), groups=2),
         RuntimeError, "Given groups=2, expected weight to be divisible by 2 at dimension 0, but "
         "got weight of size [[5, 3, 3, 3]] instead"),
    Case("conv-groups-at-least", lambda lib: _c(lib, groups=8), RuntimeError,
         "Given groups=8, expected weight to be at least 8 at dimension 0, but got weight of "
         "size [4, 3, 3, 3] instead"),
    Case("conv-groups-channels", lambda lib: _c(lib, x=(2, 6, 8, 8), w=(4, 2, 3, 3), groups=2),
         RuntimeError, "Given groups=2, weight of size [4, 2, 3, 3], expected input[2, 6, 8, 8] "
         "to have 4 channels, but got 6 channels instead"),
    Case("conv-stride-zero", lambda lib: _c(lib, stride=0), RuntimeError,
         "non-positive stride is not supported"),
    Case("conv-negative-padding", lambda lib: _c(lib, padding=-1), RuntimeError,
         "negative padding is not supported"),
    Case("conv-negative-dilation", lambda lib: _c(lib, dilation=-1), RuntimeError,
         "dilation should be greater than zero"),
    Case("conv-zero-dilation-float", lambda lib: _c(lib, dilation=0), RuntimeError,
         "non-positive dilation is not supported"),
    Case("conv-zero-dilation-double", lambda lib: _c(lib, x_dtype=_f64, w_dtype=_f64,
                                                     dilation=(1, 0)),
         RuntimeError, "dilation should be greater than zero, but got [1, 0]"),
    Case("conv-stride-length", lambda lib: _c(lib, stride=(1, 1, 1)), RuntimeError,
         "expected stride to be a single integer value or a list of 2 values to match the "
         "convolution dimensions, but got stride=[1, 1, 1]"),
    Case("conv-padding-string", lambda lib: _c(lib, padding="foo"), RuntimeError,
         "Invalid padding string: 'foo'"),
    Case("conv-same-strided", lambda lib: _c(lib, padding="same", stride=2), RuntimeError,
         "padding='same' is not supported for strided convolutions"),
    Case("conv-same-weight-dims", lambda lib: _c(lib, w=(4, 3, 3), padding="same"), RuntimeError,
         "Expected 3-dimensional input for 3-dimensional weight[4, 3, 3], but got 4-dimensional "
         "input of size [2, 3, 8, 8] instead"),
    Case("conv-weight-dtype-float", lambda lib: _c(lib, w_dtype=_f64), RuntimeError,
         "Input type (jitgrad.FloatTensor) and weight type (jitgrad.DoubleTensor) should be the "
         "same or input should be a MKLDNN tensor and weight is a dense tensor"),
    Case("conv-weight-dtype-double", lambda lib: _c(lib, x_dtype=_f64), RuntimeError,
         "expected scalar type Double but found Float"),
    Case("conv-bias-dtype", lambda lib: _c(lib, b=(4,), b_dtype=_f64), RuntimeError,
         "Input type (float) and bias type (double) should be the same"),
    Case("conv-bias-dtype-valid", lambda lib: _c(lib, b=(4,), b_dtype=_f64, padding="valid"),
         RuntimeError, "Input type (jitgrad.FloatTensor) and bias type (jitgrad.DoubleTensor) "
         "should be the same or input should be a MKLDNN tensor and bias is a dense tensor"),
    Case("conv-bool", lambda lib: _c(lib, x_dtype=_bool, w_dtype=_bool), NotImplementedError,
         "\"slow_conv2d_cpu\" not implemented for 'Bool'"),
    Case("conv-int-float", lambda lib: _c(lib, x_dtype=_i64), RuntimeError,
         "expected scalar type Long but found Float"),
    Case("conv-not-tensor", lambda lib: lib.nn.functional.conv2d(lib.ones(*_X), np.ones(_W)),
         TypeError, "conv2d() received an invalid combination of arguments - got (Tensor, "
         "numpy.ndarray), but expected one of:\n" + _CONV_SIGS),
    Case("conv-float-stride", lambda lib: lib.nn.functional.conv2d(
        lib.ones(*_X), lib.ones(*_W), stride=1.5), TypeError,
         "conv2d() received an invalid combination of arguments - got (Tensor, Tensor, "
         "stride=float), but expected one of:\n" + _CONV_SIGS),
    Case("unfold-kernel-zero", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 0),
         RuntimeError, "kernel size should be greater than zero, but got kernel_height: 0 "
         "kernel_width: 0"),
    Case("unfold-too-small", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 9),
         RuntimeError, "Given input with spatial size (8, 8), kernel_size=(9, 9), dilation=(1, "
         "1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its "
         "components must be at least one."),
    Case("unfold-stride", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 3, stride=0),
         RuntimeError, "stride should be greater than zero, but got stride_height: 0 "
         "stride_width: 0"),
    Case("unfold-padding", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 3, padding=-1),
         RuntimeError, "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    Case("unfold-dilation", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 3, dilation=0),
         RuntimeError, "dilation should be greater than zero, but got dilation_height: 0 "
         "dilation_width: 0"),
    Case("unfold-kernel-length", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), (3, 3, 3)),
         RuntimeError, "It is expected kernel_size equals to 2, but got size 3"),
    Case("unfold-5d", lambda lib: lib.nn.functional.unfold(lib.ones(1, 2, 3, 8, 8), 3),
         RuntimeError, "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
         "other non-zero dimensions for input, but got: [1, 2, 3, 8, 8]"),
    Case("unfold-int", lambda lib: lib.nn.functional.unfold(lib.ones(*_X, dtype=lib.int64), 3),
         NotImplementedError, "\"im2col_out_cpu\" not implemented for 'Long'"),
    Case("unfold-float-kernel", lambda lib: lib.nn.functional.unfold(lib.ones(*_X), 2.5),
         TypeError, "im2col(): argument 'kernel_size' (position 2) must be tuple of ints, but "
         "found element of type float at pos 0"),
    Case("fold-blocks", lambda lib: lib.nn.functional.fold(lib.ones(2, 27, 36), (9, 9), 3),
         RuntimeError, "Given output_size=(9, 9), kernel_size=(3, 3), dilation=(1, 1), "
         "padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the "
         "calculated number of sliding blocks 7 * 7 = 49, but got input.size(2)=36."),
    Case("fold-divisible", lambda lib: lib.nn.functional.fold(lib.ones(2, 26, 36), (8, 8), 3),
         RuntimeError, "Expected size of input's dimension 1 to be divisible by the product of "
         "kernel_size, but got input.size(1)=26 and kernel_size=(3, 3)."),
    Case("fold-1d", lambda lib: lib.nn.functional.fold(lib.ones(27), (8, 8), 3), RuntimeError,
         "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
         "non-zero dimensions for input, but got: [27]"),
    Case("fold-output-size-length", lambda lib: lib.nn.functional.fold(lib.ones(2, 27, 36),
                                                                       (8, 8, 8), 3),
         RuntimeError, "It is expected output_size equals to 2, but got size 3"),
    Case("max-pool-3d-input", lambda lib: _mp(lib, (8, 8), 2), RuntimeError,
         "non-empty 3D or 4D (batch mode) tensor expected for input"),
    Case("max-pool-kernel-zero", lambda lib: _mp(lib, _X, 0), RuntimeError,
         "stride should not be zero"),
    Case("max-pool-kernel-negative", lambda lib: _mp(lib, _X, -1), RuntimeError,
         "kernel size should be greater than zero, but got kH: -1 kW: -1"),
    Case("max-pool-stride-negative", lambda lib: _mp(lib, _X, 2, -1), RuntimeError,
         "stride should be greater than zero, but got dH: -1 dW: -1"),
    Case("max-pool-kernel-length", lambda lib: _mp(lib, _X, (2, 2, 2)), RuntimeError,
         "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    Case("max-pool-stride-length", lambda lib: _mp(lib, _X, 2, (1, 1, 1)), RuntimeError,
         "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
    Case("max-pool-dilation-length", lambda lib: _mp(lib, _X, 2, dilation=(1, 1, 1)),
         RuntimeError, "max_pool2d: dilation must be either a single int, or a tuple of two ints"),
    Case("max-pool-pad-half", lambda lib: _mp(lib, _X, 2, 2, 2), RuntimeError,
         "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
         "dilation=1"),
    Case("max-pool-pad-negative", lambda lib: _mp(lib, _X, 2, 2, -1), RuntimeError,
         "pad must be non-negative, but got pad: -1"),
    Case("max-pool-dilation-zero", lambda lib: _mp(lib, _X, 2, dilation=0), RuntimeError,
         "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    Case("max-pool-output-too-small", lambda lib: _mp(lib, _X, 9), RuntimeError,
         "Given input size: (3x8x8). Calculated output size: (3x0x0). Output size is too small"),
    Case("max-pool-empty-plane", lambda lib: _mp(lib, (2, 3, 0, 8), 2), RuntimeError,
         "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
         "got:[2, 3, 0, 8]"),
    Case("max-pool-bool", lambda lib: lib.nn.functional.max_pool2d(
        lib.ones(*_X, dtype=lib.bool), 2), NotImplementedError,
        "\"max_pool2d\" not implemented for 'Bool'"),
    Case("max-pool-float-kernel", lambda lib: _mp(lib, _X, 2.0), TypeError,
         "max_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not float"),
    Case("max-pool-indices-float-stride", lambda lib: _mp(lib, _X, 2, 1.5, return_indices=True),
         TypeError, "max_pool2d_with_indices(): argument 'stride' (position 3) must be tuple of "
         "ints, not float"),
    Case("avg-pool-2d-input", lambda lib: _ap(lib, (8, 8), 2), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    Case("avg-pool-5d-input", lambda lib: _ap(lib, (1, 2, 3, 8, 8), 2), RuntimeError,
         "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
         "got:[1, 2, 3, 8, 8]"),
    Case("avg-pool-pad-half", lambda lib: _ap(lib, _X, 2, 2, 2), RuntimeError,
         "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
         "dilation=1"),
    Case("avg-pool-divisor-zero", lambda lib: _ap(lib, _X, 2, divisor_override=0), RuntimeError,
         "divisor must be not zero"),
    Case("avg-pool-divisor-float", lambda lib: _ap(lib, _X, 2, divisor_override=1.5), TypeError,
         "avg_pool2d(): argument 'divisor_override' must be int, not float"),
    Case("avg-pool-int32", lambda lib: lib.nn.functional.avg_pool2d(
        lib.ones(*_X, dtype=lib.int32), 2), NotImplementedError,
        "\"avg_pool2d\" not implemented for 'Int'"),
    Case("avg-pool-output-too-small", lambda lib: _ap(lib, (2, 3, 2, 2), 3), RuntimeError,
         "Given input size: (3x2x2). Calculated output size: (3x0x0). Output size is too small"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


def test_gradcheck_many_channels_stride():
    # the patch-row lowering's backward with stride, asymmetric dilation and no padding
    gradcheck(lambda x, w: conv(jitgrad, x, w, stride=(2, 1), dilation=(1, 2)),
              R(1, 8, 5, 6), R(2, 8, 2, 2))


@pytest.mark.parametrize("shape,w_shape,kw,mode", [
    ((2, 1, 6, 8), (3, 1, 3, 3), dict(padding=1), conv_ops._SHIFTED),
    ((2, 1, 6, 7), (3, 1, 3, 3), dict(padding=1, stride=2), conv_ops._COLUMNS),
    ((2, 8, 6, 7), (3, 8, 3, 3), dict(padding=1), conv_ops._PATCHES),
    ((2, 8, 6, 8), (4, 4, 3, 3), dict(padding=1, groups=2), conv_ops._SHIFTED),
])
@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_lowerings_with_non_finite_values_match_torch(shape, w_shape, kw, mode):
    # an inf in the input's first column (which the shifted rows' discarded columns
    # read) and one in the weights must spread exactly as in torch
    torch = pytest.importorskip("torch")
    x0, w0, g0 = R(*shape), R(*w_shape), None
    x0[0, 0, 2, 0] = np.inf
    results = []
    for w_inf in (False, True):
        w1 = w0.copy()
        if w_inf:
            w1[0, 0, 1, 1] = -np.inf
        for lib in (jitgrad, torch):
            x = lib.tensor(x0, requires_grad=True)
            w = lib.tensor(w1, requires_grad=True)
            y = lib.nn.functional.conv2d(x, w, **kw)
            if lib is jitgrad:
                assert y.grad_fn._saved[0].mode == mode
            if g0 is None:
                g0 = R(*y.shape)
            y.backward(lib.tensor(g0))
            results.append([y.detach().numpy(), x.grad.numpy(), w.grad.numpy()])
    for ours, theirs in (results[0:2], results[2:4]):
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-10, atol=1e-10)


def test_cases_cover_every_lowering():
    modes = set()
    for entry, _, fn, inputs in CASES:
        if entry == "conv2d":
            out = fn(jitgrad, *[jitgrad.tensor(a, requires_grad=True) for a in inputs])
            modes.add(out.grad_fn._saved[0].mode)
    assert modes == {conv_ops._COLUMNS, conv_ops._SHIFTED, conv_ops._PATCHES}


def test_top_level_functions():
    x, w = R(1, 2, 5, 5), R(3, 2, 3, 3)
    torch_check(lambda lib, x, w: lib.conv2d(x, w, None, 1, 1), x, w)
    torch_check(lambda lib, x: lib.max_pool2d(x, 2), x)
    torch_check(lambda lib, x: lib.max_pool2d(x, 3, 2, 1, 1, True), x)
