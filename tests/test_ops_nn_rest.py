"""The rest of nn: rrelu, gumbel_softmax, the channel-wise and alpha
dropouts, 3-d / lp pooling, max_unpool, channel_shuffle, the hinge-embedding,
multilabel-margin and triplet-with-distance losses (jitgrad/ops/nn_rest.py,
jitgrad/ops/pooling3d.py) and their modules: finite differences in float64,
torch's values, gradients and node names in float32 and float64 (random ops
seeded, so the draws must be torch's), hand-derived values, torch's errors,
and the modules' reprs and seeded outputs against torch's."""
from collections import namedtuple
import warnings

import numpy as np
import pytest

import jitgrad
from helpers import table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


def F(lib):
    return lib.nn.functional


def seeded(fn, seed=3):
    def run(lib, *xs):
        lib.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(lib, *xs)
    return run


def _unpool2d(lib, x, i):
    return F(lib).max_unpool2d(x, i, 2, output_size=(5, 4))


# distinct in-plane positions of a 5x4 output for each of the 2x2 values of 2 planes
_IDX2 = np.array([[[[0, 3], [9, 6]], [[19, 1], [12, 13]]]])
_IDX1 = np.array([[[1, 2, 5], [0, 4, 6]]])
_IDX3 = np.array([[[[[0, 7]]], [[[5, 2]]]]])
_TARGETS = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [2, 2, -1, -1]])
_T45 = np.array([[3, 0, -1, 1, 4], [1, 2, 3, 0, 4], [2, 2, -1, -1, 0], [4, 4, 4, -1, 0]])


CASES = [
    ("rrelu", "training-seeded", seeded(lambda lib, x: F(lib).rrelu(x, 0.1, 0.4, True)), [R(4, 5)]),
    ("rrelu_", "eval-non-contiguous", lambda lib, x: F(lib).rrelu_(x.t() * 1), [R(4, 3)]),
    ("gumbel_softmax", "tau-dim0", seeded(lambda lib, x: F(lib).gumbel_softmax(x, 0.5, dim=0)), [R(4, 3)]),
    ("feature_dropout", "dropout2d-non-contiguous", seeded(lambda lib, x: F(lib).dropout2d(x.transpose(2, 3), 0.4)),
     [R(2, 5, 3, 2)]),
    ("feature_dropout_unbatched", "dropout1d", seeded(lambda lib, x: F(lib).dropout1d(x, 0.5)), [R(6, 3)]),
    ("alpha_dropout", "elementwise", seeded(lambda lib, x: F(lib).alpha_dropout(x, 0.3, True)), [R(4, 6)]),
    ("max_pool3d", "ceil-padding-dilation", lambda lib, x: F(lib).max_pool3d(x, 3, 2, 1, 2, ceil_mode=True),
     [R(1, 2, 6, 7, 5)]),
    ("avg_pool3d", "padded-exclude-pad-non-contiguous",
     lambda lib, x: F(lib).avg_pool3d(x.transpose(2, 4), (2, 3, 2), 1, (1, 1, 0), count_include_pad=False),
     [R(1, 2, 3, 4, 3)]),
    ("adaptive_max_pool3d", "uneven-unbatched", lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, 3, None)), [R(2, 5, 7, 3)]),
    ("lp_pool", "lp_pool2d-fractional-p", lambda lib, x: F(lib).lp_pool2d(x.abs() + 0.1, 1.5, (2, 3), 1), [R(2, 3, 4, 6)]),
    ("max_unpool2d", "output-size", _unpool2d, [R(1, 2, 2, 2), _IDX2]),
    ("max_unpool3d", "default-size", lambda lib, x, i: F(lib).max_unpool3d(x, i, (1, 2, 2)), [R(1, 2, 1, 1, 2), _IDX3]),
    ("max_unpool1d", "stride", lambda lib, x, i: F(lib).max_unpool1d(x, i, 3, 2), [R(1, 2, 3), _IDX1]),
    ("channel_shuffle", "non-contiguous", lambda lib, x: F(lib).channel_shuffle(x.transpose(1, 2), 3), [R(2, 4, 6)]),
    ("hinge_embedding_loss", "margin", lambda lib, x, t: F(lib).hinge_embedding_loss(x, t, 0.5),
     [R(2, 3), np.array([[1, -1, 1], [-1, -1, 1]])]),
    ("multilabel_margin_loss", "repeated-and-stopped-targets", lambda lib, x, t: F(lib).multilabel_margin_loss(x, t),
     [R(3, 4), _TARGETS]),
    ("triplet_margin_with_distance_loss", "l1-swap-broadcast",
     lambda lib, a, p, n: F(lib).triplet_margin_with_distance_loss(
         a, p, n, distance_function=lambda u, v: (u - v).abs().sum(-1), margin=2.0, swap=True),
     [R(3, 4), R(1, 4), R(3, 4)]),
    ("grid_sample", "bilinear-reflection", lambda lib, x, g: F(lib).grid_sample(x, g * 1.3, "bilinear", "reflection", False),
     [R(2, 3, 4, 5), R(2, 3, 6, 2)]),
    # bicubic: grid points up to 1.7 units out, so taps fall outside and reflect more than once
    ("grid_sample_bicubic", "zeros", lambda lib, x, g: F(lib).grid_sample(x, g * 1.3, "bicubic", "zeros", False),
     [R(2, 3, 4, 5), R(2, 3, 6, 2)]),
    ("grid_sample_bicubic", "border-align-corners-non-contiguous",
     lambda lib, x, g: F(lib).grid_sample(x.transpose(2, 3), g * 1.3, "bicubic", "border", True),
     [R(1, 2, 5, 4), R(1, 4, 3, 2)]),
    ("grid_sample_bicubic", "reflection-non-contiguous-grid",
     lambda lib, x, g: F(lib).grid_sample(x, g.transpose(1, 2) * 1.7, "bicubic", "reflection", False),
     [R(1, 2, 3, 4), R(1, 5, 3, 2)]),
    ("grid_sample_bicubic", "reflection-align-corners",
     lambda lib, x, g: F(lib).grid_sample(x, g * 1.7, "bicubic", "reflection", True), [R(2, 1, 4, 3), R(2, 2, 5, 2)]),
    ("grid_sample_3d", "trilinear-border-align-corners-non-contiguous",
     lambda lib, x, g: F(lib).grid_sample(x.transpose(2, 4), g * 1.3, "bilinear", "border", True),
     [R(1, 2, 4, 3, 3), R(1, 2, 2, 3, 3)]),
    ("affine_grid", "4d", lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 5), False), [R(2, 2, 3)]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


# ------------------------------------------------------------------ hand-derived values


def test_hand_derived():
    Fn = jitgrad.nn.functional
    x = jitgrad.arange(6.0).reshape(1, 6, 1)
    assert Fn.channel_shuffle(x, 2).flatten().tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    y = Fn.max_unpool1d(jitgrad.tensor([[[5.0, 7.0]]]), jitgrad.tensor([[[1, 2]]]), 2)
    assert y.tolist() == [[[0.0, 5.0, 7.0, 0.0]]]
    r = Fn.rrelu(jitgrad.tensor([-2.0, 3.0], dtype=jitgrad.float64))     # eval: the mean slope
    assert r.tolist() == [-2.0 * (1 / 8 + 1 / 3) / 2, 3.0]
    # torch's documented example: (0.25 + 0.2 + 0.3 + 0.55 + 0.5 + 0.6 + 0.95 + 0.9 + 1.1) / 4
    m = Fn.multilabel_margin_loss(jitgrad.tensor([[0.1, 0.2, 0.4, 0.8]]),
                                  jitgrad.tensor([[3, 0, -1, 1]]))
    assert abs(m.item() - 0.85) < 1e-6
    h = Fn.hinge_embedding_loss(jitgrad.tensor([0.3, -0.5]), jitgrad.tensor([1.0, -1.0]),
                                reduction="none")
    np.testing.assert_allclose(h.numpy(), [0.3, 1.5], rtol=1e-6)
    # grid_sample nearest rounds half to even; border clamps, zeros drops what falls outside
    img = jitgrad.arange(4.0).reshape(1, 1, 1, 4)
    grid = jitgrad.tensor([[[[-0.5, 0.0], [0.0, 0.0], [2.0, 0.0]]]])         # pixels 0.5, 1.5, 5.5
    assert Fn.grid_sample(img, grid, "nearest", "border", False).tolist() == [[[[0.0, 2.0, 3.0]]]]
    assert Fn.grid_sample(img, grid, "nearest", "zeros", False).tolist() == [[[[0.0, 2.0, 0.0]]]]
    assert Fn.grid_sample(img, grid, "bilinear", "zeros", True).tolist() == [[[[0.75, 1.5, 0.0]]]]
    v = jitgrad.arange(8.0).reshape(1, 1, 2, 2, 2)
    out, idx = Fn.max_pool3d(v, 2, return_indices=True)
    assert out.item() == 7.0 and idx.item() == 7
    assert Fn.avg_pool3d(v, 2).item() == 3.5
    assert Fn.lp_pool1d(jitgrad.tensor([[3.0, 4.0]]), 2, 2).item() == 5.0
    # p == 1 drops everything, p == 0 or eval is the identity (torch's AlphaDropout too)
    assert Fn.alpha_dropout(v, 1.0, True).sum().item() == 0.0
    assert Fn.dropout2d(v[0], 0.5, False) is not None and Fn.dropout3d(v, 0.5, False) is v


@pytest.mark.parametrize("dtype", [jitgrad.float32, jitgrad.float64])
def test_grid_sample_bicubic_hand_derived(dtype):
    """Cubic convolution, A = -0.75: at t = 1/2 the taps weigh (-3/32, 19/32, 19/32,
    -3/32); at a whole pixel (1, 0, 0 after the tap on it) and d/dt there (-3/4 on the
    tap before it, 3/4 on the one after); taps past the edge read 0, the edge pixel
    (border) or the mirrored one (reflection: about -1/2 and W - 1/2)."""
    Fn = jitgrad.nn.functional
    row = jitgrad.tensor([[[[0.0, 1.0, 4.0, 9.0]]]], dtype=dtype)
    # align_corners=False, W = 4: pixel = 2 (g + 1) - 1/2; H = 1: pixel y = g / 2 = 0
    grid = jitgrad.tensor([[[[0.0, 0.0], [1.0, 0.0]]]], dtype=dtype)    # pixels 1.5, 3.5
    # 19/32 (1 + 4) - 3/32 (0 + 9) = 2.125; at 3.5 the taps 2..5: 4, 9 and then
    # 0, 0 (zeros), 9, 9 (border), 9, 4 (reflection)
    want = {"zeros": [2.125, 4.96875], "border": [2.125, 9.46875], "reflection": [2.125, 9.9375]}
    for pm, values in want.items():
        assert Fn.grid_sample(row, grid, "bicubic", pm, False).flatten().tolist() == values
    # whole pixels with align_corners=True (sizes whose pixel steps are exact in binary):
    # the input itself, for every padding
    img = jitgrad.arange(15.0, dtype=dtype).reshape(1, 1, 3, 5).pow(2)
    ident = Fn.affine_grid(jitgrad.tensor([[[1.0, 0, 0], [0, 1, 0]]], dtype=dtype), (1, 1, 3, 5), True)
    for pm in want:
        assert Fn.grid_sample(img, ident, "bicubic", pm, True).tolist() == img.tolist()
    # a constant image with border padding stays constant anywhere (the weights sum to 1)
    far = jitgrad.tensor(np.random.default_rng(2).uniform(-3, 3, (1, 4, 5, 2)), dtype=dtype)
    flat = Fn.grid_sample(jitgrad.full((1, 2, 3, 4), 2.5, dtype=dtype), far, "bicubic", "border", False)
    np.testing.assert_allclose(flat.numpy(), 2.5, rtol=1e-6 if dtype is jitgrad.float32 else 1e-14)
    # gradients at pixel x = 1 (g = -1/4): d out / d pixel = 3/4 (4 - 0), times d pixel / d g = 2;
    # the input's gradient is all on that pixel
    x = row.clone().requires_grad_()
    g = jitgrad.tensor([[[[-0.25, 0.0]]]], dtype=dtype, requires_grad=True)
    out = Fn.grid_sample(x, g, "bicubic", "zeros", False)
    assert out.item() == 1.0
    out.backward()
    assert g.grad.flatten().tolist() == [6.0, 0.0]
    assert x.grad.flatten().tolist() == [0.0, 1.0, 0.0, 0.0]


def test_hard_gumbel_softmax_against_torch():
    """One-hot values, the soft sample's gradient (straight-through)."""
    torch = pytest.importorskip("torch")
    x = R(4, 5)
    res = []
    for lib in (jitgrad, torch):
        t = lib.tensor(x, requires_grad=True)
        lib.manual_seed(11)
        y = F(lib).gumbel_softmax(t, tau=0.7, hard=True)
        (y * lib.arange(5.0)).sum().backward()
        res.append((y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__))
    assert res[0][2] == res[1][2] == "AddBackward0"
    np.testing.assert_array_equal(res[0][0], res[1][0])
    assert (res[0][0].sum(1) == 1).all()
    np.testing.assert_allclose(res[0][1], res[1][1], atol=1e-12)


def test_bit_for_bit_against_torch():
    """Forward values torch computes reproducibly on the CPU, to the last bit in float32:
    grid_sample (its kernel's fused multiply-adds), affine_grid, multilabel_margin_loss (a
    double accumulator), 3-d pooling and the seeded draws of rrelu / feature_alpha_dropout."""
    torch = pytest.importorskip("torch")
    x, g, th = R(2, 3, 4, 5), R(2, 3, 6, 2) * 1.3, R(2, 2, 3)
    g3 = (R(2, 2, 3, 4, 3) * 1.3).astype(np.float32)
    fns = [lambda lib, x, g, th: F(lib).grid_sample(x, g, "bilinear", "reflection", False),
           lambda lib, x, g, th: F(lib).grid_sample(x, F(lib).affine_grid(th, (2, 3, 3, 4), True),
                                                    "bilinear", "zeros", True),
           lambda lib, x, g, th: F(lib).multilabel_margin_loss(x[0, 0], lib.tensor(_T45),
                                                               reduction="none"),
           lambda lib, x, g, th: F(lib).avg_pool3d(x, 2, 1, 1, count_include_pad=False),
           lambda lib, x, g, th: F(lib).max_pool3d(x, (1, 2, 3), 1, (0, 1, 1)),
           seeded(lambda lib, x, g, th: F(lib).rrelu(x, training=True)),
           seeded(lambda lib, x, g, th: F(lib).feature_alpha_dropout(x, 0.3, True)),
           # torch's top-level names, their enum arguments
           lambda lib, x, g, th: lib.grid_sampler(x, g, 1, 1, True),
           lambda lib, x, g, th: F(lib).grid_sample(x[:, :, None].expand(2, 3, 2, 4, 5),
                                                    lib.tensor(g3), "bilinear", "reflection", False),
           lambda lib, x, g, th: lib.hinge_embedding_loss(x, x.sign(), 0.5, 0),
           # bicubic: every padding, both align_corners, the enum form (mode 2)
           lambda lib, x, g, th: F(lib).grid_sample(x, g, "bicubic", "zeros", False),
           lambda lib, x, g, th: F(lib).grid_sample(x, g * 1.5, "bicubic", "border", True),
           lambda lib, x, g, th: F(lib).grid_sample(x, g * 1.5, "bicubic", "reflection", False),
           lambda lib, x, g, th: lib.grid_sampler(x, g * 1.5, 2, 2, True),
           seeded(lambda lib, x, g, th: lib.feature_dropout(x, 0.4, True))]
    for fn in fns:
        a, b = (fn(lib, *[lib.tensor(v.astype(np.float32)) for v in (x, g, th)]).numpy()
                for lib in (jitgrad, torch))
        np.testing.assert_array_equal(a, b)


def test_create_graph_against_torch():
    torch = pytest.importorskip("torch")
    cases = [lambda lib, x: F(lib).max_pool3d(x * x, 2, 1),
             lambda lib, x: F(lib).avg_pool3d(x * x, 2, 1, 1),
             lambda lib, x: F(lib).channel_shuffle(x * x, 1).sin()]
    x = R(1, 1, 3, 3, 3)
    for pm in ("zeros", "reflection"):      # grid_sample: through the input and the grid
        cases.append(lambda lib, x, pm=pm: F(lib).grid_sample(
            x[0] * x[0], x[0, ..., :2].sin(), padding_mode=pm, align_corners=False))
    cases.append(lambda lib, x: F(lib).grid_sample(x * x, x[..., :3].cos(), align_corners=True))
    for pm in ("zeros", "border", "reflection"):      # bicubic: through the input and the grid
        cases.append(lambda lib, x, pm=pm: F(lib).grid_sample(
            x[0] * x[0], x[0, ..., :2].sin() * 1.4, "bicubic", pm, align_corners=pm == "border"))
    for fn in cases:
        got = []
        for lib in (jitgrad, torch):
            t = lib.tensor(x, requires_grad=True)
            y = fn(lib, t)
            (g,) = lib.autograd.grad(y.sum(), t, create_graph=True)
            (gg,) = lib.autograd.grad((g * g).sum(), t)
            got.append((g.detach().numpy(), gg.numpy()))
        np.testing.assert_allclose(got[0][0], got[1][0], atol=1e-10)
        np.testing.assert_allclose(got[0][1], got[1][1], atol=1e-10)
    # torch has no derivative for multilabel_margin_loss_backward: neither has jitgrad
    for lib in (jitgrad, torch):
        t = lib.tensor(x[0, 0, 0, 0], requires_grad=True)
        y = F(lib).multilabel_margin_loss(t * t, lib.tensor([2, 0, -1]))
        (g,) = lib.autograd.grad(y, t, create_graph=True)
        with pytest.raises(RuntimeError, match="derivative for aten::multilabel_margin_loss_backward "
                                               "is not implemented"):
            lib.autograd.grad(g.sum(), t)


# ------------------------------------------------------------------ modules


def _modules(lib):
    nn = lib.nn
    return [nn.Softplus(2, 10), nn.Softmax2d(), nn.RReLU(0.1, 0.3, inplace=True), nn.RReLU(),
            nn.Dropout1d(0.3), nn.Dropout2d(), nn.Dropout3d(0.2, True), nn.AlphaDropout(0.2),
            nn.FeatureAlphaDropout(0.4), nn.MaxPool3d(2, return_indices=True),
            nn.AvgPool3d((1, 2, 2), ceil_mode=True), nn.AdaptiveMaxPool3d(2),
            nn.LPPool1d(2, 3), nn.LPPool2d(1.5, (2, 3), 1), nn.LPPool3d(2, 2), nn.MaxUnpool1d(3),
            nn.MaxUnpool2d(2, 1, 1), nn.MaxUnpool3d((1, 2, 2)), nn.ChannelShuffle(2), nn.HingeEmbeddingLoss(margin=0.5),
            nn.MultiLabelMarginLoss(), nn.TripletMarginWithDistanceLoss(swap=True)]


def test_module_reprs_and_seeded_outputs_match_torch():
    torch = pytest.importorskip("torch")
    mine, theirs = _modules(jitgrad), _modules(torch)
    assert [str(m) for m in mine] == [str(m) for m in theirs]
    x = R(2, 4, 3, 3).astype(np.float32)
    x5 = R(2, 4, 2, 3, 3).astype(np.float32)
    for i in (2, 4, 5, 6, 7, 8):          # RReLU(training) and the dropouts: torch's draws
        inp = x5 if i == 6 else (x[..., 0] if i == 4 else x)
        outs = []
        for lib, m in ((jitgrad, mine[i]), (torch, theirs[i])):
            lib.manual_seed(5)
            outs.append(m(lib.tensor(inp.copy())).numpy())
        np.testing.assert_array_equal(outs[0], outs[1], err_msg=str(mine[i]))
    mine[7].eval()
    t = jitgrad.tensor(x)
    assert mine[7](t) is t
    # NLLLoss2d: NLLLoss, deprecated
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        m = jitgrad.nn.NLLLoss2d(ignore_index=1)
    x = jitgrad.tensor(R(2, 3, 2, 2)).log_softmax(1)
    t = jitgrad.tensor(np.array([[[0, 1], [2, 0]], [[1, 1], [0, 2]]]))
    assert m(x, t).item() == jitgrad.nn.functional.nll_loss(x, t, ignore_index=1).item()




# ------------------------------------------------------------------ errors

E = namedtuple("E", "id run exc message")
_ones = np.ones((1, 5, 2), np.float32)

ERRORS = [
    E("channel-shuffle-divisible", lambda lib: F(lib).channel_shuffle(lib.tensor(_ones), 2), RuntimeError,
      "Number of channels must be divisible by groups. Got 5 channels and 2 groups."),
    E("channel-shuffle-groups", lambda lib: F(lib).channel_shuffle(lib.tensor(_ones), 0), RuntimeError,
      "Number of groups to divide channels in must be positive. Value of groups:0"),
    E("feature-dropout-1d", lambda lib: F(lib).feature_alpha_dropout(lib.ones(3), 0.5, True), RuntimeError,
      "Feature dropout requires at least 2 dimensions in the input"),
    E("dropout1d-dims", lambda lib: F(lib).dropout1d(lib.ones(3), 0.5), RuntimeError,
      "dropout1d: Expected 2D or 3D input, but received a 1D input. Note that dropout1d exists to provide "
      "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch "
      "dimension (i.e. 2D or 3D inputs)."),
    E("alpha-dropout-p", lambda lib: F(lib).alpha_dropout(lib.ones(3), 1.5), ValueError,
      "dropout probability has to be between 0 and 1, but got 1.5"),
    E("max-pool3d-kernel", lambda lib: F(lib).max_pool3d(lib.ones(1, 2, 2, 2), (2, 2)), RuntimeError,
      "max_pool3d: kernel_size must either be a single int, or a tuple of three ints"),
    E("max-pool3d-dims", lambda lib: F(lib).max_pool3d(lib.ones(2, 2), 2), RuntimeError,
      "non-empty 4D or 5D (batch mode) tensor expected for input"),
    E("unpool-invalid-index", lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.full((1, 1, 2, 2), 99), 2),
      RuntimeError, "Found an invalid max index: 99 (output volumes are of size 4x4)"),
    E("unpool-output-size", lambda lib: F(lib).max_unpool2d(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 2).long(), 2,
                                                            output_size=(9, 9)),
      ValueError, 'invalid output_size "(9, 9)" (dim 0 must be between 2 and 6)'),
    E("multilabel-target-size", lambda lib: F(lib).multilabel_margin_loss(lib.ones(2, 3), lib.ones(2, 2).long()),
      RuntimeError, "inconsistent target size: [2, 2] for input of size: [2, 3]"),
    E("softmax2d-dims", lambda lib: lib.nn.Softmax2d()(lib.ones(2)), ValueError,
      "Softmax2d: expected input to be 3D or 4D, got 1D instead"),
    E("rrelu-integer", lambda lib: F(lib).rrelu(lib.ones(2).long(), training=True), NotImplementedError,
      "\"rrelu_with_noise_out_cpu\" not implemented for 'Long'"),
    E("grid-sample-batch", lambda lib: F(lib).grid_sample(lib.ones(1, 1, 2, 2), lib.ones(2, 1, 1, 2), align_corners=False),
      RuntimeError, "grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
      "[1, 1, 2, 2] and grid with sizes [2, 1, 1, 2]"),
    E("grid-sample-padding", lambda lib: F(lib).grid_sample(lib.ones(1, 1, 2, 2), lib.ones(1, 1, 1, 2), padding_mode="foo"),
      ValueError, "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
      "but got: 'foo'"),
    E("grid-sample-bicubic-5d", lambda lib: F(lib).grid_sample(lib.ones(1, 1, 2, 2, 2), lib.ones(1, 1, 1, 1, 3), "bicubic",
                                                               align_corners=False),
      RuntimeError, "grid_sampler(): bicubic interpolation only supports 4D input"),
    E("affine-grid-theta", lambda lib: F(lib).affine_grid(lib.ones(1, 3, 3), (1, 1, 2, 2), False), ValueError,
      "Expected a batch of 2D affine matrices of shape Nx2x3 for size (1, 1, 2, 2). Got jitgrad.Size([1, 3, 3])."),
    E("native-channel-shuffle-backward",
      lambda lib: lib.native_channel_shuffle(lib.ones(1, 4, 2, requires_grad=True), 2).sum().backward(),
      RuntimeError, "derivative for aten::native_channel_shuffle is not implemented"),
    E("triplet-distance-margin", lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=0), ValueError,
      "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got 0 instead"),
]


def _raised(case, lib):
    with pytest.raises(Exception) as err:
        case.run(lib)
    return err


def test_errors():
    """jitgrad raises torch's type and text (and, with torch installed, so does torch)."""
    try:
        import torch
    except ImportError:
        torch = None
    for case in ERRORS:
        err = _raised(case, jitgrad)
        assert (err.type, str(err.value)) == (case.exc, case.message), case.id
        if torch is not None:
            err = _raised(case, torch)
            assert (err.type, str(err.value).replace("torch.", "jitgrad.")) == (case.exc, case.message), case.id
