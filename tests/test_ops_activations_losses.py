"""The remaining activations (hardtanh/relu6, hardsigmoid, hardswish, mish,
logsigmoid, selu, celu, threshold, hardshrink, softshrink, prelu, glu,
softsign, softmin, tanhshrink), normalisations (group_norm, instance_norm,
rms_norm, local_response_norm, normalize, cosine_similarity,
pairwise_distance) and losses (huber, soft_margin, multi_margin, kl_div,
poisson_nll, gaussian_nll, multilabel_soft_margin, cosine_embedding,
margin_ranking, triplet_margin): finite differences, torch's values, grads,
dtypes and node names (float32 and float64), every reduction, in-place
forms, modules against torch's with the same seed, and errors with torch's
type and text."""
from collections import namedtuple

import numpy as np
import pytest

pytestmark = [pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss"),
              pytest.mark.filterwarnings("ignore:Using a target size")]

import jitgrad
from helpers import error_tests, table_tests, torch_check

rng = np.random.default_rng(0)


def R(*shape, scale=1.0):
    return np.asarray(rng.standard_normal(shape) * scale)


def P(*shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def S(*shape):                        # +-1 targets
    return np.where(rng.standard_normal(shape) > 0, 1.0, -1.0)


def F(lib):
    return lib.nn.functional


# points kept away from the kinks (finite differences)
X = R(3, 5, scale=2.0)
X[np.abs(X) < 0.05] = 0.3
X[np.abs(np.abs(X) - 3) < 0.05] = 2.5
X[np.abs(np.abs(X) - 1) < 0.05] = 0.7
X[np.abs(np.abs(X) - 0.5) < 0.05] = 0.7


SIGNS = S(3, 4)

CASES = [
    ("hardtanh", "bounds-noncontig", lambda lib, x: F(lib).hardtanh(x.t(), -0.4, 1.5), [X]),
    ("hardtanh", "relu6", lambda lib, x: F(lib).relu6(x * 3), [X]),
    ("hardtanh", "inplace", lambda lib, x: F(lib).hardtanh(x * 1, -2.0, 1.0, inplace=True), [X]),
    ("hardsigmoid", "default", lambda lib, x: F(lib).hardsigmoid(x * 2), [X]),
    ("hardswish", "inplace", lambda lib, x: F(lib).hardswish(x * 2, inplace=True), [X]),
    ("mish", "default", lambda lib, x: F(lib).mish(x), [X]),
    ("log_sigmoid", "default", lambda lib, x: F(lib).logsigmoid(x.t()), [X]),
    ("selu", "default", lambda lib, x: F(lib).selu(x), [X]),
    ("selu_", "inplace", lambda lib, x: F(lib).selu(x * 1, inplace=True), [X]),
    ("celu", "alpha", lambda lib, x: F(lib).celu(x, 0.7), [X]),
    ("celu_", "inplace", lambda lib, x: F(lib).celu(x * 1, 1.5, inplace=True), [X]),
    ("threshold", "default", lambda lib, x: F(lib).threshold(x, 0.1, -2.0), [X]),
    # (the value above the threshold: the gradient masks by the input, not the result)
    ("threshold_", "inplace", lambda lib, x: F(lib).threshold(x * 1, 0.1, 2.0, True), [X]),
    ("hardshrink", "default", lambda lib, x: F(lib).hardshrink(x), [X]),
    ("softshrink", "lambd", lambda lib, x: F(lib).softshrink(x, 0.5), [X]),
    ("prelu", "channels", lambda lib, x, w: F(lib).prelu(x, w), [R(2, 3, 4), P(3)]),
    ("prelu", "one-weight", lambda lib, x, w: F(lib).prelu(x, w), [X, P(1)]),
    ("glu", "last-dim", lambda lib, x: F(lib).glu(x.reshape(3, 2, 2)), [R(3, 4)]),
    ("softsign", "default", lambda lib, x: F(lib).softsign(x), [X]),
    ("softmin", "dim", lambda lib, x: F(lib).softmin(x, 1), [X]),
    ("tanhshrink", "default", lambda lib, x: F(lib).tanhshrink(x), [X]),
    # normalisation
    ("group_norm", "affine", lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b),
     [R(2, 4, 3), P(4), R(4)]),
    ("group_norm", "plain-2d", lambda lib, x: F(lib).group_norm(x, 3, eps=1e-3), [R(2, 6)]),
    ("instance_norm", "affine", lambda lib, x, w, b: F(lib).instance_norm(x, weight=w, bias=b),
     [R(2, 3, 4), P(3), R(3)]),
    ("rms_norm", "weight", lambda lib, x, w: F(lib).rms_norm(x, (4,), w), [R(3, 4), P(4)]),
    ("local_response_norm", "3d", lambda lib, x: F(lib).local_response_norm(x, 3, 0.1),
     [R(2, 5, 3)]),
    ("local_response_norm", "4d-even", lambda lib, x: F(lib).local_response_norm(x, 2, 0.2, k=2),
     [R(1, 4, 2, 2)]),
    ("normalize", "p1-dim0", lambda lib, x: F(lib).normalize(x, 1.0, 0), [X]),
    ("cosine_similarity", "broadcast", lambda lib, a, b: F(lib).cosine_similarity(a, b),
     [R(3, 4), R(1, 4)]),
    ("pairwise_distance", "p3-keepdim", lambda lib, a, b: F(lib).pairwise_distance(
        a, b, 3.0, keepdim=True), [R(3, 4), R(4)]),
    # losses
    ("huber_loss", "mean", lambda lib, x, y: F(lib).huber_loss(x, y, delta=0.8), [X, R(3, 5)]),
    ("soft_margin_loss", "mean", lambda lib, x: F(lib).soft_margin_loss(
        x, lib.tensor(SIGNS, dtype=x.dtype)), [R(3, 4)]),
    ("multi_margin_loss", "p1", lambda lib, x, t: F(lib).multi_margin_loss(x, t),
     [R(4, 5), np.array([0, 3, 4, 1])]),
    ("multi_margin_loss", "p2-weight-none", lambda lib, x, t: F(lib).multi_margin_loss(
        x, t, p=2, margin=0.7, weight=lib.tensor([1.0, 2.0, 0.5, 1.5, 1.0], dtype=x.dtype),
        reduction="none"), [R(4, 5), np.array([0, 3, 4, 1])]),
    ("kl_div", "mean", lambda lib, x, y: F(lib).kl_div(x, y.abs(), reduction="mean"),
     [R(3, 4), R(3, 4)]),
    ("poisson_nll_loss", "mean", lambda lib, x, y: F(lib).poisson_nll_loss(x, y.abs()),
     [R(3, 4), R(3, 4)]),
    ("gaussian_nll_loss", "mean", lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v),
     [R(3, 4), R(3, 4), P(3, 1)]),
    ("multilabel_soft_margin_loss", "mean", lambda lib, x:
     F(lib).multilabel_soft_margin_loss(x, lib.tensor(SIGNS > 0, dtype=x.dtype)), [R(3, 4)]),
    ("cosine_embedding_loss", "mean", lambda lib, a, b: F(lib).cosine_embedding_loss(
        a, b, lib.tensor([1.0, -1.0, 1.0], dtype=a.dtype), margin=-0.5), [R(3, 4), R(3, 4)]),
    ("margin_ranking_loss", "mean", lambda lib, a, b: F(lib).margin_ranking_loss(
        a, b, lib.tensor([1.0, -1.0, 1.0, -1.0], dtype=a.dtype), 0.1), [R(4), R(4)]),
    ("triplet_margin_loss", "mean", lambda lib, a, p, n: F(lib).triplet_margin_loss(
        a, p, n, margin=2.0), [R(3, 4), R(3, 4), R(3, 4)]),
    # through log_softmax, as torch's gradient assumes; padded targets, one repeated label
    # (the blank between), one input shorter than the longest
    ("ctc_loss", "none", lambda lib, x, t: F(lib).ctc_loss(
        x.log_softmax(2), t, (6, 4), (3, 2), reduction="none"),
     [R(6, 2, 4), np.array([[1, 2, 2], [3, 1, 0]])]),
]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


# ------------------------------------------------------------------ every reduction, torch's nodes

def _reduced(call):
    return [pytest.param(call, r, id=r) for r in ("none", "sum")]


REDUCTION_CASES = {
    "kl_div": (lambda lib, x, y, r: F(lib).kl_div(x, y.abs(), reduction=r), [R(3, 4), R(3, 4)]),
    "kl_div-log-target": (lambda lib, x, y, r: F(lib).kl_div(x, y, reduction=r, log_target=True),
                          [R(3, 4), R(3, 4)]),
    "huber-broadcast": (lambda lib, x, y, r: F(lib).huber_loss(x, y, r), [X, R(1, 5)]),
    "soft_margin": (lambda lib, x, r: F(lib).soft_margin_loss(x, lib.tensor(SIGNS, dtype=x.dtype),
                                                              reduction=r), [R(3, 4)]),
    "multi_margin": (lambda lib, x, t, r: F(lib).multi_margin_loss(x, t, reduction=r),
                     [R(3, 4), np.array([1, 0, 3])]),
    "poisson-full": (lambda lib, x, y, r: F(lib).poisson_nll_loss(x.abs() + 0.1, y.abs() * 3,
                                                                  False, True, reduction=r),
                     [R(3, 4), R(3, 4)]),
    "gaussian-full": (lambda lib, x, y, v, r: F(lib).gaussian_nll_loss(x, y, v, True, reduction=r),
                      [R(3, 4), R(3, 4), P(3, 4)]),
    "multilabel": (lambda lib, x, y, r: F(lib).multilabel_soft_margin_loss(x, y.sigmoid(),
                                                                           reduction=r),
                   [R(3, 4), R(3, 4)]),
    "cosine_embedding": (lambda lib, a, b, r: F(lib).cosine_embedding_loss(
        a, b, lib.tensor([1.0, -1.0, -1.0], dtype=a.dtype), reduction=r), [R(3, 4), R(3, 4)]),
    "margin_ranking": (lambda lib, a, b, r: F(lib).margin_ranking_loss(
        a, b, lib.tensor([1.0, -1.0, 1.0], dtype=a.dtype), reduction=r), [R(3), R(3)]),
    "ctc-concatenated-blank2": (lambda lib, x, r: F(lib).ctc_loss(
        x.log_softmax(2), lib.tensor([1, 3, 3, 0]), lib.tensor([5, 5]), lib.tensor([3, 1]), blank=2,
        reduction=r), [R(5, 2, 4)]),
    "ctc-infinite-zeroed": (lambda lib, x, r: F(lib).ctc_loss(
        x.log_softmax(1), lib.tensor([1, 1, 1]), lib.tensor(3), lib.tensor(3), reduction=r,
        zero_infinity=True), [R(3, 4)]),
    "triplet-swap-p1": (lambda lib, a, p, n, r: F(lib).triplet_margin_loss(
        a, p, n, p=1, swap=True, reduction=r), [R(3, 4), R(3, 4), R(3, 4)]),
}


@pytest.mark.parametrize("case", sorted(REDUCTION_CASES))
def test_reductions_match_torch(case):
    # 'none' in float32 and 'sum' in float64, alternating which case gets which
    fn, inputs = REDUCTION_CASES[case]
    dtype, reduction = ((np.float32, "none"), (np.float64, "sum"))[
        sorted(REDUCTION_CASES).index(case) % 2]
    inputs = [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]
    torch_check(lambda lib, *ts: fn(lib, *ts, reduction), *inputs)


def test_kl_div_batchmean_and_mean_warning():
    x = jitgrad.tensor(R(3, 4), requires_grad=True)
    y = jitgrad.tensor(np.abs(R(3, 4)))
    out = jitgrad.nn.functional.kl_div(x, y, reduction="batchmean")
    assert type(out.grad_fn).__name__ == "DivBackward0"
    expected = (np.where(y.numpy() > 0, y.numpy() * np.log(y.numpy()), 0)
                - y.numpy() * x.detach().numpy()).sum() / 3
    np.testing.assert_allclose(out.item(), expected, rtol=1e-12)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        jitgrad.nn.functional.kl_div(x, y)


# ------------------------------------------------------------------ hand-derived values

def test_activation_values_by_hand():
    f = jitgrad.nn.functional
    x = jitgrad.tensor([-4.0, -1.0, 0.0, 1.0, 4.0], dtype=jitgrad.float64)
    assert f.relu6(x * 2).tolist() == [0.0, 0.0, 0.0, 2.0, 6.0]
    assert f.hardsigmoid(x).tolist() == [0.0, 1 / 3, 0.5, 2 / 3, 1.0]
    assert f.hardswish(x).tolist() == [-0.0, -1 / 3, 0.0, 2 / 3, 4.0]
    assert f.threshold(x, 0.5, 9.0).tolist() == [9.0, 9.0, 9.0, 1.0, 4.0]
    assert f.hardshrink(x, 1.0).tolist() == [-4.0, 0.0, 0.0, 0.0, 4.0]
    assert f.softshrink(x, 1.0).tolist() == [-3.0, 0.0, 0.0, 0.0, 3.0]
    assert f.glu(jitgrad.tensor([2.0, 0.0])).tolist() == [1.0]
    np.testing.assert_allclose(f.logsigmoid(jitgrad.tensor([0.0])).item(), -np.log(2),
                               rtol=1e-7)
    # integer inputs: no gradient, torch's clamp
    assert f.hardtanh(jitgrad.tensor([-3, 0, 3])).tolist() == [-1, 0, 1]


def test_inplace_forms_write_the_input():
    f = jitgrad.nn.functional
    x = jitgrad.tensor([-2.0, 0.5, 8.0])
    assert f.relu6(x, inplace=True) is x and x.tolist() == [0.0, 0.5, 6.0]
    y = jitgrad.tensor([-1.0, 1.0])
    f.selu_(y)
    np.testing.assert_allclose(y.numpy(), [1.0507009873554805 * 1.6732632423543772
                                           * (np.exp(-1) - 1), 1.0507009873554805])


@pytest.mark.parametrize("inplace_op,refused", [("hardtanh", False), ("threshold", False),
                                                 ("selu", True), ("hardswish", False)])
def test_inplace_saved_values_and_later_changes(inplace_op, refused):
    # torch saves the original input of hardtanh_/threshold_/hardswish_ (a later change of
    # the result is fine) and the result of selu_ (refused)
    x = jitgrad.tensor([0.3, -2.0, 4.0], requires_grad=True)
    args = {"threshold": (0.5, 1.0)}.get(inplace_op, ())
    y = getattr(jitgrad.nn.functional, inplace_op)(x * 1, *args, inplace=True)
    y.mul_(2)
    if refused:
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
    else:
        y.sum().backward()
        assert x.grad is not None


def test_celu_inplace_negative_alpha_refuses_backward():
    x = jitgrad.tensor([-1.0, 2.0], requires_grad=True)
    y = jitgrad.nn.functional.celu(x * 1, -1.0, inplace=True)
    with pytest.raises(RuntimeError, match="In-place elu backward calculation"):
        y.sum().backward()


def test_pairwise_distance_and_cosine_by_hand():
    f = jitgrad.nn.functional
    a = jitgrad.tensor([[3.0, 4.0]])
    b = jitgrad.tensor([[0.0, 0.0]])
    np.testing.assert_allclose(f.pairwise_distance(a, b, eps=0).item(), 5.0)
    np.testing.assert_allclose(f.cosine_similarity(a, a * 2).item(), 1.0)
    assert f.cosine_similarity(a, b).item() == 0.0          # eps keeps it finite


def test_instance_norm_running_stats_match_torch():
    torch = pytest.importorskip("torch")
    x = R(2, 3, 5).astype(np.float32)
    stats = []
    for lib in (jitgrad, torch):
        m = lib.nn.InstanceNorm1d(3, track_running_stats=True, affine=True)
        out = m(lib.tensor(x))
        m.eval()
        out2 = m(lib.tensor(x))
        stats.append([m.running_mean.numpy().copy(), m.running_var.numpy().copy(),
                      out.detach().numpy(), out2.detach().numpy()])
    for a, b in zip(*stats):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ modules against torch

def _module_results(lib, m, x):
    t = lib.tensor(x, dtype=lib.float32, requires_grad=True)
    out = m(t * 1)                  # (a non-leaf, for the in-place forms)
    out.backward(lib.ones_like(out))
    return (out.detach().numpy(), t.grad.numpy(), type(out.grad_fn).__name__,
            [p.grad.numpy() for p in m.parameters()])


def _compare_modules(build, shape):
    torch = pytest.importorskip("torch")
    from helpers import assert_same_module
    x = R(*shape)
    mods, results = [], []
    for lib in (jitgrad, torch):
        lib.manual_seed(0)
        mods.append(build(lib.nn))
        results.append(_module_results(lib, mods[-1], x))
    assert_same_module(*mods)
    (o1, g1, n1, p1), (o2, g2, n2, p2) = results
    assert n1 == n2
    np.testing.assert_allclose(o1, o2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)
    for a, b in zip(p1, p2, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


# the modules with parameters, buffers or several forms
MODULES = [
    ("PReLU", lambda nn: nn.PReLU(3), (2, 3, 4)),
    ("PReLU-one", lambda nn: nn.PReLU(init=0.1), (2, 3)),
    ("GroupNorm", lambda nn: nn.GroupNorm(2, 4), (2, 4, 3)),
    ("InstanceNorm2d", lambda nn: nn.InstanceNorm2d(3, affine=True), (2, 3, 2, 2)),
    ("InstanceNorm1d-unbatched", lambda nn: nn.InstanceNorm1d(3), (3, 4)),
    ("RMSNorm", lambda nn: nn.RMSNorm([3]), (2, 3)),
    ("LocalResponseNorm", lambda nn: nn.LocalResponseNorm(2), (2, 3, 4)),
]


@pytest.mark.parametrize("name,build,shape", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, build, shape):
    _compare_modules(build, shape)


# the parameterless activation modules: repr, values, grads and node, one item for all
SIMPLE_MODULES = [
    lambda nn: nn.ELU(0.5), lambda nn: nn.SELU(), lambda nn: nn.CELU(2.0),
    lambda nn: nn.Hardtanh(-0.5, 0.5), lambda nn: nn.ReLU6(), lambda nn: nn.Hardsigmoid(),
    lambda nn: nn.Hardswish(), lambda nn: nn.Mish(), lambda nn: nn.Softsign(),
    lambda nn: nn.Softmin(1), lambda nn: nn.LogSigmoid(), lambda nn: nn.Tanhshrink(),
    lambda nn: nn.Threshold(0.1, 20.0), lambda nn: nn.GLU(), lambda nn: nn.Hardshrink(0.3),
    lambda nn: nn.Softshrink(0.3), lambda nn: nn.Mish(inplace=True),
    lambda nn: nn.Hardtanh(-0.5, 0.5, inplace=True),
]


def test_simple_activation_modules_match_torch():
    for build in SIMPLE_MODULES:
        _compare_modules(build, (2, 4))


XCTC = R(3, 3, 4)
LOSS_MODULES = [
    ("KLDivLoss", lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True), "same"),
    ("HuberLoss", lambda nn: nn.HuberLoss(delta=0.5), "same"),
    ("SoftMarginLoss", lambda nn: nn.SoftMarginLoss(reduction="sum"), "sign"),
    ("MultiLabelSoftMarginLoss", lambda nn: nn.MultiLabelSoftMarginLoss(), "binary"),
    ("MultiMarginLoss", lambda nn: nn.MultiMarginLoss(p=2, margin=0.5), "class"),
    ("PoissonNLLLoss", lambda nn: nn.PoissonNLLLoss(), "positive"),
    ("GaussianNLLLoss", lambda nn: nn.GaussianNLLLoss(), "var"),
    ("CTCLoss", lambda nn: nn.CTCLoss(blank=1), "ctc"),
    ("CosineEmbeddingLoss", lambda nn: nn.CosineEmbeddingLoss(0.2), "pair-sign"),
    ("MarginRankingLoss", lambda nn: nn.MarginRankingLoss(0.3), "rank"),
    ("TripletMarginLoss", lambda nn: nn.TripletMarginLoss(swap=True), "triplet"),
    ("CosineSimilarity", lambda nn: nn.CosineSimilarity(dim=0), "pair"),
    ("PairwiseDistance", lambda nn: nn.PairwiseDistance(p=1.5, keepdim=True), "pair"),
]


def test_loss_modules_match_torch():
    pytest.importorskip("torch")
    for name, build, kind in LOSS_MODULES:
        _compare_loss_module(build, kind)


def _compare_loss_module(build, kind):
    import torch
    x, y = R(3, 4), R(3, 4)
    extra = {"same": [y], "sign": [np.sign(y)], "binary": [(y > 0) * 1.0],
             "class": [np.array([0, 3, 1])], "positive": [np.abs(y)], "var": [y, P(3, 4)],
             "pair-sign": [y, np.array([1.0, -1.0, 1.0])], "rank": [y, SIGNS], "pair": [y],
             "triplet": [y, R(3, 4)], "ctc": [np.array([[0, 2], [3, 3], [2, 0]]),
                                              np.array([3, 3, 2]), np.array([2, 2, 1])]}
    results = []
    for lib in (jitgrad, torch):
        m = build(lib.nn)
        t = lib.tensor(x, requires_grad=True)
        args = [lib.tensor(a) for a in extra[kind]]
        if kind in ("pair-sign", "rank"):
            args = [lib.tensor(extra[kind][0], requires_grad=True), args[1]]
        if kind == "ctc":       # (T, N, C) = (3, 3, 4), log_softmax'ed
            t = lib.tensor(XCTC, requires_grad=True)
            out = m(t.log_softmax(2), *args)
        else:
            out = m(t, *args)
        out.backward(lib.ones_like(out))
        results.append((out.detach().numpy(), t.grad.numpy(), type(out.grad_fn).__name__))
    (o1, g1, n1), (o2, g2, n2) = results
    assert n1 == n2
    np.testing.assert_allclose(o1, o2, rtol=1e-10)
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ errors

E = namedtuple("E", "id run exc message")
_x = R(3, 4)


def _t(lib, a=_x):
    return lib.tensor(a)


ERRORS = [
    E("hardtanh-min-max", lambda lib: F(lib).hardtanh(_t(lib), 2.0, 1.0), ValueError,
      "min_val cannot be greater than max_val"),
    E("softshrink-negative", lambda lib: F(lib).softshrink(_t(lib), -1.0), RuntimeError,
      "lambda must be in range [0, 1.79769e+308] for input dtype Double, but found -1"),
    E("celu-zero-alpha", lambda lib: F(lib).celu(_t(lib), 0.0), RuntimeError,
      "ZeroDivisionError: alpha cannot be 0 for CELU"),
    E("prelu-channels", lambda lib: F(lib).prelu(_t(lib), lib.ones(3, dtype=lib.float64)),
      RuntimeError, "Mismatch of parameter numbers and input channel size. Found parameter "
      "numbers = 3 and channel size = 4."),
    E("group-norm-groups", lambda lib: F(lib).group_norm(_t(lib), 3), RuntimeError,
      "Expected number of channels in input to be divisible by num_groups, but got input of "
      "shape [3, 4] and num_groups=3"),
    E("rms-norm-shape", lambda lib: F(lib).rms_norm(_t(lib), (5,)), RuntimeError,
      "Given normalized_shape=[5], expected input with shape [*5], but got input of size[3, 4]"),
    E("huber-reduction", lambda lib: F(lib).huber_loss(_t(lib), _t(lib), "avg"), ValueError,
      "avg is not a valid value for reduction"),
    E("huber-delta", lambda lib: F(lib).huber_loss(_t(lib), _t(lib), delta=0.0), RuntimeError,
      "huber_loss does not support non-positive values for delta."),
    E("kl-div-shape", lambda lib: F(lib).kl_div(_t(lib), lib.ones(3, 5, dtype=lib.float64),
                                                reduction="sum"), RuntimeError,
      "The size of tensor a (5) must match the size of tensor b (4) at non-singleton "
      "dimension 1"),
    E("multilabel-reduction", lambda lib: F(lib).multilabel_soft_margin_loss(
        _t(lib), _t(lib), reduction="avg"), ValueError, "avg is not valid"),
    E("multi-margin-p", lambda lib: F(lib).multi_margin_loss(_t(lib), lib.tensor([0, 1, 2]), p=3),
      ValueError, "only p == 1 and p == 2 supported"),
    E("multi-margin-target", lambda lib: F(lib).multi_margin_loss(_t(lib), lib.tensor([0, 1])),
      RuntimeError, "multi_margin_loss: target tensor should be 1-D with size equal to the "
      "number of input samples (batch size). Expected target size [3], but got [2]. Input has "
      "shape [3, 4]."),
    E("soft-margin-target-grad", lambda lib: F(lib).soft_margin_loss(
        _t(lib), lib.ones(3, 4, dtype=lib.float64, requires_grad=True)), RuntimeError,
      "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
      "This input cannot have requires_grad True."),
    E("gaussian-var", lambda lib: F(lib).gaussian_nll_loss(_t(lib), _t(lib), lib.ones(2)),
      ValueError, "var is of incorrect size"),
    E("cosine-embedding-dims", lambda lib: F(lib).cosine_embedding_loss(
        _t(lib)[0], _t(lib)[0], lib.ones(3)), RuntimeError,
      "1D target tensor expects 2D input tensors, but found inputs with sizes [4] and [4]."),
    E("triplet-dims", lambda lib: F(lib).triplet_margin_loss(_t(lib), _t(lib)[0], _t(lib)),
      RuntimeError, "The anchor, positive, and negative tensors are expected to have the same "
      "number of dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs"),
    E("ctc-lengths", lambda lib: F(lib).ctc_loss(lib.zeros(4, 2, 3), lib.tensor([[1], [1]]),
                                                 lib.tensor([5, 4]), lib.tensor([1, 1])),
      RuntimeError, "Expected input_lengths to have value at most 4, but got value 5 (while "
      "checking arguments for ctc_loss_allocate_outputs)"),
    E("margin-ranking-dims", lambda lib: F(lib).margin_ranking_loss(_t(lib), _t(lib),
                                                                   _t(lib)[0]), RuntimeError,
      "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
      "input1: jitgrad.Size([3, 4]), input2: jitgrad.Size([3, 4]), target: jitgrad.Size([4]) "),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


# ------------------------------------------------------------------ create_graph

OWN_NODES = {"hardtanh", "hardsigmoid", "hardswish", "mish", "log_sigmoid", "selu",
             "selu_", "celu", "celu_", "threshold", "threshold_", "hardshrink", "softshrink",
             "prelu", "glu", "group_norm", "huber_loss", "soft_margin_loss", "multi_margin_loss"}
GRAPH_CASES = [c for c in CASES if c[0] in OWN_NODES]


@pytest.mark.parametrize("entry,name,fn,inputs", GRAPH_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in GRAPH_CASES])
def test_apply_graph_matches_apply(entry, name, fn, inputs):
    ts = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") if a.dtype.kind == "f"
          else jitgrad.tensor(a) for a in inputs]
    out = fn(jitgrad, *ts)
    node = out.grad_fn
    g = np.random.default_rng(1).standard_normal(out.shape)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g))
    assert len(fast) == len(graph)
    for a, b in zip(fast, graph):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", ["mish-default", "celu-alpha", "glu-last-dim", "prelu-channels",
                                  "group_norm-affine", "huber_loss-mean",
                                  "multi_margin_loss-p2-weight-none"])
def test_gradgradcheck(case):
    ids = [f"{c[0]}-{c[1]}" for c in CASES]
    _, _, fn, inputs = CASES[ids.index(case)]
    floats = [i for i, a in enumerate(inputs) if a.dtype.kind == "f"]
    args = [jitgrad.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]

    def f(*ts):
        for i, t in zip(floats, ts):
            args[i] = t
        return fn(jitgrad, *args)
    assert jitgrad.autograd.gradgradcheck(f, tuple(args[i] for i in floats))


def test_top_level_names_and_methods():
    x = jitgrad.tensor(R(2, 4), requires_grad=True)
    f = jitgrad.nn.functional
    w = jitgrad.tensor([0.1, 0.2, 0.3, 0.4], dtype=jitgrad.float64)
    pairs = [(jitgrad.selu(x), f.selu(x)), (jitgrad.celu(x, 0.5), f.celu(x, 0.5)),
             (jitgrad.threshold(x, 0.0, 2.0), f.threshold(x, 0.0, 2.0)),
             (jitgrad.hardshrink(x, 0.2), x.hardshrink(0.2)), (x.prelu(w), f.prelu(x, w)),
             (jitgrad.group_norm(x, 2), f.group_norm(x, 2)),
             (jitgrad.rms_norm(x, [4]), f.rms_norm(x, [4])),
             (jitgrad.cosine_similarity(x, x * 2), f.cosine_similarity(x, x * 2)),
             (jitgrad.pairwise_distance(x, x * 2), f.pairwise_distance(x, x * 2))]
    for a, b in pairs:
        assert type(a.grad_fn) is type(b.grad_fn)
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
