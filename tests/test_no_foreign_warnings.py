"""No Numba, numpy or LLVM warning reaches a user through the public API.

Every op of the op table (the ``CASES`` of the tests/test_ops_*.py modules,
the elementwise UNARY/BINARY tables with typical and special values, the
comparisons and float-class predicates) and every module of ``jitgrad.nn``
runs forward and backward in float32 and float64 under
``warnings.simplefilter("error")``. The only warnings let through are
torch's own (jitgrad repeats them in torch's words; see ``TORCHS_WARNINGS``).

Two runs:

- warm, in this process: the whole list.
- cold, in a subprocess whose ``NUMBA_CACHE_DIR`` is a fresh empty
  directory. Numba's compile-time warnings (e.g. NumbaIRAssumptionWarning
  "variable ... is not in scope", which an inlined helper with a conditional
  expression triggers when a kernel inlines it twice) appear only while a
  kernel compiles, never when it loads from the cache, so the warm run cannot
  see them. Numba's cache locators are tried in order and
  ``UserProvidedCacheLocator`` (``NUMBA_CACHE_DIR``) comes first, so the
  child neither reads nor writes the ``kernels/__pycache__`` files; the
  child reports its dispatchers' cache hits and misses, and the test asserts
  every kernel it used compiled (no hit). The cold run covers ``COLD``, the
  ops whose kernels once raised such warnings and the loss kernels that
  inline the same helpers (each op's first case), in two subprocesses,
  float32 and float64. The broad cold check is the suite itself: pyproject's
  ``filterwarnings`` makes a Numba warning an error in every test, and in a
  cold cache (CI's) every kernel compiles inside some test. Every kernel of
  the package cold in the child takes about 3.5 minutes on this 2-core
  machine: ``JITGRAD_COLD_ALL=1`` runs them all, as does
  ``python tests/test_no_foreign_warnings.py --all``.

  Without the ``_select`` rewrite of kernels/vmath.py the cold run fails with
  NumbaIRAssumptionWarning for cosh, sinh and log1p (float32 and float64).
"""
import importlib
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad import derivatives, messages, nn

HERE = pathlib.Path(__file__).parent
DTYPES = (np.float32, np.float64)

# jitgrad's own warnings, which torch gives for the same calls: (category, regex)
TORCHS_WARNINGS = [
    (UserWarning, re.escape(messages.CONV_SAME_EVEN_WARNING)),
    (UserWarning, r"Using a target size \("),
    (UserWarning, re.escape(messages.CHOLESKY_DEPRECATED)),
    (UserWarning, re.escape(messages.CROSS_NO_DIM_DEPRECATED)),
    (UserWarning, re.escape(messages.QR_DEPRECATED)),
    (UserWarning, re.escape(messages.KL_DIV_MEAN)),
    (FutureWarning, re.escape(messages.NLLLOSS2D_DEPRECATED)),
]

rng = np.random.default_rng(0)


def _t(a, dtype=None, grad=False):
    a = np.asarray(a)
    if dtype is not None and a.dtype.kind == "f":
        a = a.astype(dtype)
    return jitgrad.tensor(a, requires_grad=grad and a.dtype.kind == "f")


def _backward(out):
    """Backward from ``out`` (a tensor or a tuple of them) when it has a graph."""
    outs = out if isinstance(out, (tuple, list)) else (out,)
    outs = [o for o in outs if isinstance(o, jitgrad.Tensor) and o.requires_grad]
    if not outs or type(outs[0].grad_fn).__name__ == "NotImplemented":
        return      # no derivative in torch either (floor_divide)
    jitgrad.autograd.backward(outs, [jitgrad.ones_like(o) for o in outs])


def _forward_backward(fn, inputs, dtype):
    def run():
        ts = [_t(a, dtype, grad=True) if isinstance(a, np.ndarray) else a for a in inputs]
        _backward(fn(*ts))
    return run


# ------------------------------------------------------------------ the op table

def _table_cases():
    """(op, id, fn(lib, *inputs), numpy inputs) of every tests/test_ops_*.py CASES."""
    cases = []
    for path in sorted(HERE.glob("test_ops_*.py")):
        module = importlib.import_module(path.stem)
        cases += list(getattr(module, "CASES", ()))
    return cases


# finite, infinite, nan, signed zeros, tiny and huge: kernels must keep quiet on all
SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -3.0, 1e-30, -1e-30, 1e30, -1e30,
                    100.0, -100.0, 800.0, -800.0, np.inf, -np.inf, np.nan])


def _elementwise_runs():
    ew = importlib.import_module("test_ops_elementwise")
    for name in sorted(derivatives.UNARY):
        x = ew.UNARY_DOMAIN[name]((3, 4), rng)
        for dtype in DTYPES:
            for tag, a in (("typical", x), ("special", SPECIAL)):
                yield (name, f"{name}-{tag}-{dtype.__name__}",
                       _forward_backward(getattr(jitgrad, name), [a], dtype))
        if name not in messages.FLOAT_ONLY_KERNEL:        # (frac refuses integers)
            yield name, f"{name}-int64", lambda name=name: getattr(jitgrad, name)(
                jitgrad.tensor([-2, 0, 3]))
    for name in sorted(derivatives.BINARY):
        op = ew.OPERATOR[name]
        da, db = ew.BINARY_DOMAIN[name]
        a, b = da((3, 4), rng), db((4,), rng)
        for dtype in DTYPES:
            d = dtype.__name__
            yield name, f"{name}-broadcast-{d}", _forward_backward(op, [a, b], dtype)
            yield name, f"{name}-special-{d}", _forward_backward(
                op, [SPECIAL[:, None], SPECIAL[None, :]], dtype)
            if name not in ew.TENSOR_ONLY:
                yield name, f"{name}-scalar-{d}", _forward_backward(
                    lambda t, op=op: op(t, 1.5), [a], dtype)
                if name not in ew.NO_SCALAR_SELF:
                    yield name, f"{name}-rscalar-{d}", _forward_backward(
                        lambda t, op=op: op(1.5, t), [b], dtype)
        ia, ib = np.array([[-7, 0, 5], [3, -2, 9]]), np.array([2, -3, 4])
        if name not in messages.FLOAT_ONLY_KERNEL:        # (hypot, logaddexp refuse them)
            yield name, f"{name}-int64", lambda op=op, ia=ia, ib=ib: op(_t(ia), _t(ib))
    for name in sorted(derivatives.COMPARISON) + sorted(derivatives.PREDICATE):
        for dtype in DTYPES:
            if name in derivatives.COMPARISON:
                fn = (lambda name: lambda: getattr(jitgrad, name)(
                    _t(SPECIAL[:, None], dtype), _t(SPECIAL[None, :], dtype)))(name)
            else:
                fn = (lambda name: lambda: getattr(jitgrad, name)(_t(SPECIAL, dtype)))(name)
            yield name, f"{name}-{dtype.__name__}", fn


def _loss_edge_runs():
    """The losses where a mean divides by a total weight of 0 (torch: silent, nan)."""
    F = nn.functional
    x, t = rng.standard_normal((3, 4)), np.array([1, 1, 1])
    for dtype in DTYPES:
        d = dtype.__name__
        for r in ("mean", "sum", "none"):
            yield "cross_entropy", f"cross_entropy-all-ignored-{r}-{d}", _forward_backward(
                lambda x, r=r: F.cross_entropy(x, _t(t), ignore_index=1, reduction=r), [x], dtype)
            yield "nll_loss", f"nll_loss-all-ignored-{r}-{d}", _forward_backward(
                lambda x, r=r: F.nll_loss(x, _t(t), ignore_index=1, reduction=r), [x], dtype)
        yield "cross_entropy", f"cross_entropy-zero-weight-{d}", _forward_backward(
            lambda x: F.cross_entropy(x, _t([0, 0, 0]),
                                      weight=jitgrad.tensor([0.0, 1, 1, 1], dtype=x.dtype)),
            [x], dtype)
        yield "cross_entropy", f"cross_entropy-all-ignored-smoothing-{d}", _forward_backward(
            lambda x: F.cross_entropy(x, _t(t), ignore_index=1, label_smoothing=0.1), [x], dtype)
        yield "cross_entropy", f"cross_entropy-empty-{d}", _forward_backward(
            lambda x: F.cross_entropy(x, _t(np.zeros(0, np.int64))), [np.zeros((0, 4))], dtype)


def op_runs():
    """(op, id, thunk) for every op of the table, in float32 and float64."""
    for entry, name, fn, inputs in _table_cases():
        for dtype in DTYPES:
            yield entry, f"{entry}-{name}-{dtype.__name__}", _forward_backward(
                (lambda fn: lambda *ts: fn(jitgrad, *ts))(fn), inputs, dtype)
    yield from _elementwise_runs()
    yield from _loss_edge_runs()


# ------------------------------------------------------------------ nn modules

def _x(*shape):
    return rng.standard_normal(shape)


def _u(*shape):
    return rng.uniform(0.1, 0.9, shape)


def _ints(shape, high):
    return rng.integers(0, high, shape)


class _Seq(nn.Module):
    """A user's model holding a ModuleList and a ModuleDict."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 3), nn.Tanh()])
        self.heads = nn.ModuleDict({"out": nn.Linear(3, 2)})

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads["out"](x)


# module name -> [(make(), inputs)]: float inputs get the module's dtype and a gradient
MODULES = {
    "AvgPool2d": [(lambda: nn.AvgPool2d(2), [_x(2, 3, 6, 6)]),
                  (lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), [_x(1, 2, 7, 7)])],
    "BCELoss": [(lambda: nn.BCELoss(), [_u(4, 3), _u(4, 3)])],
    "BCEWithLogitsLoss": [(lambda: nn.BCEWithLogitsLoss(), [_x(4, 3), _u(4, 3)])],
    "BatchNorm1d": [(lambda: nn.BatchNorm1d(3), [_x(4, 3)]),
                    (lambda: nn.BatchNorm1d(3).eval(), [_x(4, 3, 5)])],
    "BatchNorm2d": [(lambda: nn.BatchNorm2d(3), [_x(2, 3, 4, 4)]),
                    (lambda: nn.BatchNorm2d(3).eval(), [_x(2, 3, 4, 4)])],
    "BatchNorm3d": [(lambda: nn.BatchNorm3d(2), [_x(2, 2, 2, 3, 3)])],
    "Conv2d": [(lambda: nn.Conv2d(3, 4, 3, padding=1), [_x(2, 3, 6, 6)]),
               (lambda: nn.Conv2d(4, 4, 3, stride=2, groups=2, bias=False), [_x(1, 4, 7, 7)])],
    "CrossEntropyLoss": [(lambda: nn.CrossEntropyLoss(), [_x(4, 5), _ints(4, 5)]),
                         (lambda: nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=0),
                          [_x(4, 5, 3), _ints((4, 3), 5)])],
    "Dropout": [(lambda: nn.Dropout(0.3), [_x(4, 5)]),
                (lambda: nn.Dropout(0.3).eval(), [_x(4, 5)])],
    "Embedding": [(lambda: nn.Embedding(10, 4, padding_idx=0), [_ints((2, 3), 10)])],
    "Flatten": [(lambda: nn.Flatten(), [_x(2, 3, 4)])],
    "GRU": [(lambda: nn.GRU(3, 4, num_layers=2, bidirectional=True), [_x(5, 2, 3)])],
    "GRUCell": [(lambda: nn.GRUCell(3, 4), [_x(2, 3)])],
    "Fold": [(lambda: nn.Fold((4, 4), 2), [_x(2, 12, 9)])],
    "GELU": [(lambda: nn.GELU(), [_x(3, 4)]), (lambda: nn.GELU("tanh"), [_x(3, 4)])],
    "Identity": [(lambda: nn.Identity(), [_x(3)])],
    "L1Loss": [(lambda: nn.L1Loss(), [_x(3, 4), _x(3, 4)])],
    "LSTM": [(lambda: nn.LSTM(3, 4, batch_first=True), [_x(2, 5, 3)]),
             (lambda: nn.LSTM(3, 4, num_layers=2, dropout=0.5, bias=False), [_x(5, 2, 3)])],
    "LSTMCell": [(lambda: nn.LSTMCell(3, 4), [_x(2, 3)])],
    "LayerNorm": [(lambda: nn.LayerNorm(4), [_x(3, 4)]),
                  (lambda: nn.LayerNorm((3, 4), elementwise_affine=False), [_x(2, 3, 4)])],
    "LeakyReLU": [(lambda: nn.LeakyReLU(0.2), [_x(3, 4)])],
    "Linear": [(lambda: nn.Linear(4, 3), [_x(2, 4)])],
    "LogSoftmax": [(lambda: nn.LogSoftmax(dim=1), [_x(3, 4)])],
    "MSELoss": [(lambda: nn.MSELoss(), [_x(3, 4), _x(3, 4)])],
    "MaxPool2d": [(lambda: nn.MaxPool2d(2), [_x(2, 3, 6, 6)]),
                  (lambda: nn.MaxPool2d(3, stride=2, padding=1, return_indices=True),
                   [_x(1, 2, 7, 7)])],
    "Module": [(_Seq, [_x(2, 4)])],
    "ModuleDict": [(_Seq, [_x(2, 4)])],
    "ModuleList": [(_Seq, [_x(2, 4)])],
    "MultiheadAttention": [
        (lambda: nn.MultiheadAttention(4, 2), [_x(3, 2, 4), _x(5, 2, 4), _x(5, 2, 4)]),
        (lambda: nn.MultiheadAttention(4, 2, dropout=0.2, batch_first=True, kdim=3, vdim=5,
                                       add_bias_kv=True, add_zero_attn=True),
         [_x(2, 3, 4), _x(2, 5, 3), _x(2, 5, 5)])],
    "NLLLoss": [(lambda: nn.NLLLoss(), [_x(4, 5), _ints(4, 5)])],
    "RNN": [(lambda: nn.RNN(3, 4, nonlinearity="relu"), [_x(5, 3)])],
    "RNNBase": [(lambda: nn.RNN(3, 4, bidirectional=True), [_x(5, 2, 3)])],
    "RNNCell": [(lambda: nn.RNNCell(3, 4), [_x(2, 3)])],
    "RNNCellBase": [(lambda: nn.RNNCell(3, 4, nonlinearity="relu"), [_x(3)])],
    "ReLU": [(lambda: nn.ReLU(), [_x(3, 4)])],
    "Sequential": [(lambda: nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)),
                    [_x(2, 4)])],
    "SiLU": [(lambda: nn.SiLU(), [_x(3, 4)])],
    "Sigmoid": [(lambda: nn.Sigmoid(), [_x(3, 4)])],
    "SmoothL1Loss": [(lambda: nn.SmoothL1Loss(beta=0.5), [_x(3, 4), _x(3, 4)])],
    "Softmax": [(lambda: nn.Softmax(dim=1), [_x(3, 4)])],
    "Tanh": [(lambda: nn.Tanh(), [_x(3, 4)])],
    "Transformer": [(lambda: nn.Transformer(4, 2, 1, 1, 8, batch_first=True),
                     [_x(2, 5, 4), _x(2, 3, 4)])],
    "TransformerDecoder": [(lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8), 2,
                                                          norm=nn.LayerNorm(4)),
                            [_x(3, 2, 4), _x(5, 2, 4)])],
    "TransformerDecoderLayer": [(lambda: nn.TransformerDecoderLayer(4, 2, 8, activation="gelu",
                                                                    norm_first=True),
                                 [_x(3, 2, 4), _x(5, 2, 4)])],
    "TransformerEncoder": [(lambda: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 2), [_x(2, 5, 4)])],
    "TransformerEncoderLayer": [
        (lambda: nn.TransformerEncoderLayer(4, 2, 8), [_x(5, 2, 4)]),
        (lambda: nn.TransformerEncoderLayer(4, 2, 8, activation="gelu", norm_first=True).eval(),
         [_x(5, 4)])],
    "Unfold": [(lambda: nn.Unfold(2, padding=1), [_x(2, 3, 4, 4)])],
}

# 1-d/3-d/transposed convolutions, 1-d and adaptive pooling, padding, upsampling
# (jitgrad/nn/modules/conv_more.py)
MODULES.update({
    "Conv1d": [(lambda: nn.Conv1d(2, 4, 3, padding=2, padding_mode="reflect"), [_x(2, 2, 6)])],
    "Conv3d": [(lambda: nn.Conv3d(2, 2, 2, padding="same"), [_x(1, 2, 3, 3, 3)])],
    "ConvTranspose1d": [(lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1),
                         [_x(2, 2, 4)])],
    "ConvTranspose2d": [(lambda: nn.ConvTranspose2d(2, 4, 3, groups=2), [_x(1, 2, 3, 3)])],
    "ConvTranspose3d": [(lambda: nn.ConvTranspose3d(1, 2, 2, stride=2), [_x(1, 1, 2, 2, 2)])],
    "MaxPool1d": [(lambda: nn.MaxPool1d(3, 2, 1, return_indices=True), [_x(2, 3, 7)])],
    "AvgPool1d": [(lambda: nn.AvgPool1d(3, ceil_mode=True), [_x(2, 3, 7)])],
    "AdaptiveAvgPool1d": [(lambda: nn.AdaptiveAvgPool1d(3), [_x(2, 3, 7)])],
    "AdaptiveAvgPool2d": [(lambda: nn.AdaptiveAvgPool2d((3, 2)), [_x(2, 3, 7, 4)])],
    "AdaptiveAvgPool3d": [(lambda: nn.AdaptiveAvgPool3d((2, 1, 3)), [_x(1, 2, 4, 3, 5)])],
    "AdaptiveMaxPool1d": [(lambda: nn.AdaptiveMaxPool1d(3, return_indices=True), [_x(2, 7)])],
    "AdaptiveMaxPool2d": [(lambda: nn.AdaptiveMaxPool2d(2), [_x(2, 3, 5, 5)])],
    "Upsample": [(lambda: nn.Upsample(scale_factor=1.5, mode="bicubic"), [_x(1, 2, 3, 3)])],
    "UpsamplingNearest2d": [(lambda: nn.UpsamplingNearest2d(scale_factor=2), [_x(1, 2, 3, 3)])],
    "UpsamplingBilinear2d": [(lambda: nn.UpsamplingBilinear2d((5, 4)), [_x(1, 2, 3, 3)])],
    "PixelShuffle": [(lambda: nn.PixelShuffle(2), [_x(1, 8, 2, 2)])],
    "PixelUnshuffle": [(lambda: nn.PixelUnshuffle(2), [_x(1, 2, 4, 4)])],
})
for _n, _shape in ((1, (2, 3, 5)), (2, (1, 2, 3, 4)), (3, (1, 1, 3, 3, 3))):
    MODULES[f"ConstantPad{_n}d"] = [(lambda n=_n: getattr(nn, f"ConstantPad{n}d")(1, 2.5),
                                     [_x(*_shape)])]
    for _prefix in ("Zero", "Reflection", "Replication", "Circular"):
        MODULES[f"{_prefix}Pad{_n}d"] = [(lambda n=_n, p=_prefix: getattr(nn, f"{p}Pad{n}d")(1),
                                          [_x(*_shape)])]



class _Params(nn.Module):
    """A user's model holding a ParameterList and a ParameterDict."""

    def __init__(self):
        super().__init__()
        self.weights = nn.ParameterList([nn.Parameter(jitgrad.ones(3)), nn.Parameter(jitgrad.ones(3))])
        self.scales = nn.ParameterDict({"a": nn.Parameter(jitgrad.ones(3))})

    def forward(self, x):
        return x * self.weights[0] * self.weights[1] * self.scales["a"]


def _pm1(*shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


# the modules added with torch's remaining layers, activations, norms and losses
MODULES.update({
    "AdaptiveMaxPool3d": [(lambda: nn.AdaptiveMaxPool3d(2), [_x(1, 2, 4, 3, 5)])],
    "AvgPool3d": [(lambda: nn.AvgPool3d(2, ceil_mode=True), [_x(1, 2, 3, 4, 5)])],
    "MaxPool3d": [(lambda: nn.MaxPool3d(2, padding=1), [_x(1, 2, 3, 4, 4)])],
    "LPPool1d": [(lambda: nn.LPPool1d(2, 3), [_x(2, 3, 7)])],
    "LPPool2d": [(lambda: nn.LPPool2d(3, 2), [_x(1, 2, 4, 4)])],
    "LPPool3d": [(lambda: nn.LPPool3d(2, 2), [_x(1, 2, 4, 4, 4)])],
    "MaxUnpool1d": [(lambda: _Unpool(1), [_x(2, 3, 8)])],
    "MaxUnpool2d": [(lambda: _Unpool(2), [_x(1, 2, 4, 4)])],
    "MaxUnpool3d": [(lambda: _Unpool(3), [_x(1, 2, 4, 4, 4)])],
    "ChannelShuffle": [(lambda: nn.ChannelShuffle(2), [_x(1, 4, 3, 3)])],
    "AlphaDropout": [(lambda: nn.AlphaDropout(0.2), [_x(4, 5)])],
    "FeatureAlphaDropout": [(lambda: nn.FeatureAlphaDropout(0.2), [_x(2, 4, 3, 3)])],
    "Dropout1d": [(lambda: nn.Dropout1d(0.3), [_x(2, 4, 5)])],
    "Dropout2d": [(lambda: nn.Dropout2d(0.3), [_x(2, 4, 3, 3)])],
    "Dropout3d": [(lambda: nn.Dropout3d(0.3), [_x(2, 4, 2, 2, 2)])],
    "CELU": [(lambda: nn.CELU(0.7), [_x(3, 4)])],
    "ELU": [(lambda: nn.ELU(0.5), [_x(3, 4)])],
    "SELU": [(lambda: nn.SELU(), [_x(3, 4)])],
    "GLU": [(lambda: nn.GLU(-1), [_x(3, 4)])],
    "Hardshrink": [(lambda: nn.Hardshrink(0.3), [_x(3, 4)])],
    "Softshrink": [(lambda: nn.Softshrink(0.3), [_x(3, 4)])],
    "Hardsigmoid": [(lambda: nn.Hardsigmoid(), [_x(3, 4) * 4])],
    "Hardswish": [(lambda: nn.Hardswish(), [_x(3, 4) * 4])],
    "Hardtanh": [(lambda: nn.Hardtanh(-0.5, 0.5), [_x(3, 4)])],
    "ReLU6": [(lambda: nn.ReLU6(), [_x(3, 4) * 8])],
    "LogSigmoid": [(lambda: nn.LogSigmoid(), [_x(3, 4) * 30])],
    "Mish": [(lambda: nn.Mish(), [_x(3, 4) * 30])],
    "PReLU": [(lambda: nn.PReLU(3), [_x(2, 3, 4)])],
    "RReLU": [(lambda: nn.RReLU(), [_x(3, 4)])],
    "Softmax2d": [(lambda: nn.Softmax2d(), [_x(1, 3, 2, 2)])],
    "Softmin": [(lambda: nn.Softmin(1), [_x(3, 4)])],
    "Softplus": [(lambda: nn.Softplus(2.0, 5.0), [_x(3, 4) * 10])],
    "Softsign": [(lambda: nn.Softsign(), [_x(3, 4)])],
    "Tanhshrink": [(lambda: nn.Tanhshrink(), [_x(3, 4)])],
    "Threshold": [(lambda: nn.Threshold(0.1, -1.0), [_x(3, 4)])],
    "GroupNorm": [(lambda: nn.GroupNorm(2, 4), [_x(2, 4, 3)])],
    "InstanceNorm1d": [(lambda: nn.InstanceNorm1d(3, affine=True), [_x(2, 3, 5)])],
    "InstanceNorm2d": [(lambda: nn.InstanceNorm2d(3, track_running_stats=True), [_x(2, 3, 4, 4)])],
    "InstanceNorm3d": [(lambda: nn.InstanceNorm3d(2), [_x(1, 2, 3, 3, 3)])],
    "LocalResponseNorm": [(lambda: nn.LocalResponseNorm(3), [_x(2, 4, 3, 3)])],
    "RMSNorm": [(lambda: nn.RMSNorm(4), [_x(3, 4)])],
    "CosineSimilarity": [(lambda: nn.CosineSimilarity(), [_x(3, 4), _x(3, 4)])],
    "PairwiseDistance": [(lambda: nn.PairwiseDistance(), [_x(3, 4), _x(3, 4)])],
    "Bilinear": [(lambda: nn.Bilinear(3, 4, 2), [_x(5, 3), _x(5, 4)])],
    "EmbeddingBag": [(lambda: nn.EmbeddingBag(10, 3, mode="mean"), [_ints((4, 3), 10)])],
    "Unflatten": [(lambda: nn.Unflatten(1, (2, 3)), [_x(4, 6)])],
    "ParameterList": [(_Params, [_x(2, 3)])],
    "ParameterDict": [(_Params, [_x(2, 3)])],
    "CTCLoss": [(lambda: _CTC(), [_x(6, 2, 4)])],
    "CosineEmbeddingLoss": [(lambda: nn.CosineEmbeddingLoss(0.1), [_x(3, 4), _x(3, 4), _pm1(3)])],
    "GaussianNLLLoss": [(lambda: nn.GaussianNLLLoss(), [_x(3, 4), _x(3, 4), _u(3, 4)])],
    "HingeEmbeddingLoss": [(lambda: nn.HingeEmbeddingLoss(), [_x(3, 4), _pm1(3, 4)])],
    "HuberLoss": [(lambda: nn.HuberLoss(delta=0.5), [_x(3, 4), _x(3, 4)])],
    "KLDivLoss": [(lambda: nn.KLDivLoss(reduction="batchmean", log_target=True),
                   [_x(3, 4), _x(3, 4)])],
    "MarginRankingLoss": [(lambda: nn.MarginRankingLoss(0.2), [_x(4), _x(4), _pm1(4)])],
    "MultiLabelMarginLoss": [(lambda: nn.MultiLabelMarginLoss(),
                              [_x(2, 4), np.array([[3, 0, -1, 1], [1, 2, 3, -1]])])],
    "MultiLabelSoftMarginLoss": [(lambda: nn.MultiLabelSoftMarginLoss(),
                                  [_x(3, 4), _ints((3, 4), 2).astype(np.float64)])],
    "MultiMarginLoss": [(lambda: nn.MultiMarginLoss(p=2), [_x(3, 4), _ints(3, 4)])],
    "NLLLoss2d": [(lambda: nn.NLLLoss2d(), [_x(2, 3, 2, 2), _ints((2, 2, 2), 3)])],
    "PoissonNLLLoss": [(lambda: nn.PoissonNLLLoss(full=True), [_x(3, 4), _u(3, 4) * 3])],
    "SoftMarginLoss": [(lambda: nn.SoftMarginLoss(), [_x(3, 4), _pm1(3, 4)])],
    "TripletMarginLoss": [(lambda: nn.TripletMarginLoss(swap=True), [_x(3, 4), _x(3, 4), _x(3, 4)])],
    "TripletMarginWithDistanceLoss": [(lambda: nn.TripletMarginWithDistanceLoss(),
                                       [_x(3, 4), _x(3, 4), _x(3, 4)])],
})


class _Unpool(nn.Module):
    """MaxPool then MaxUnpool of ``dims`` spatial dims, as a user pairs them."""

    def __init__(self, dims):
        super().__init__()
        self.pool = getattr(nn, f"MaxPool{dims}d")(2, return_indices=True)
        self.unpool = getattr(nn, f"MaxUnpool{dims}d")(2)

    def forward(self, x):
        return self.unpool(*self.pool(x))


class _CTC(nn.Module):
    """CTCLoss on log-probabilities of (T, N, C) inputs, with fixed targets."""

    def __init__(self):
        super().__init__()
        self.loss = nn.CTCLoss(zero_infinity=True)

    def forward(self, x):
        targets = jitgrad.tensor([[1, 2, 1], [3, 1, 0]])
        return self.loss(x.log_softmax(2), targets, jitgrad.tensor([6, 5]), jitgrad.tensor([3, 2]))

def module_classes():
    return sorted(n for n, c in vars(nn).items()
                  if isinstance(c, type) and issubclass(c, nn.Module))


def _module_run(make, inputs, dtype):
    def run():
        module = make().to(jitgrad.float32 if dtype == np.float32 else jitgrad.float64)
        # a loss's second input is the target: no gradient
        loss = type(module).__name__.endswith("Loss")
        ts = [_t(a, dtype, grad=not (loss and i > 0)) for i, a in enumerate(inputs)]
        _backward(module(*ts))
    return run


def module_runs():
    for name in sorted(MODULES):
        for k, (make, inputs) in enumerate(MODULES[name]):
            for dtype in DTYPES:
                yield name, f"nn.{name}-{k}-{dtype.__name__}", _module_run(make, inputs, dtype)


# the optimizers' steps (their kernels too), with their options that change the update
OPTIMIZERS = [("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True,
                                              "weight_decay": 0.01}),
              ("Adam", {"lr": 0.01}), ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
              ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
              ("Adagrad", {"lr": 0.1})]


def optimizer_runs():
    for name, kwargs in OPTIMIZERS:
        for dtype in DTYPES:
            def run(name=name, kwargs=kwargs, dtype=dtype):
                p = _t(_x(5, 3), dtype, grad=True)
                opt = getattr(jitgrad.optim, name)([p], **kwargs)
                for _ in range(2):
                    opt.zero_grad()
                    (p * p).sum().backward()
                    opt.step()
            yield name, f"optim.{name}-{sorted(kwargs)}-{dtype.__name__}", run


# ------------------------------------------------------------------ running

def run_quietly(runs):
    """Each thunk under warnings as errors (torch's own warnings aside).
    Returns [(id, what went wrong)]."""
    failures = []
    for _, ident, thunk in runs:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for category, pattern in TORCHS_WARNINGS:
                warnings.filterwarnings("ignore", message=pattern, category=category)
            try:
                thunk()
            except Exception as e:          # a warning turned error, or a broken op
                failures.append((ident, f"{type(e).__module__}.{type(e).__name__}: {e}"))
    return failures


def _report(failures):
    return "\n".join(f"{ident}: {what.strip()[:400]}" for ident, what in failures)


def test_every_nn_module_is_exercised():
    assert set(module_classes()) <= set(MODULES), sorted(set(module_classes()) - set(MODULES))


def test_every_table_op_is_exercised():
    ran = {op for op, _, _ in op_runs()}
    table = (set(derivatives.UNARY) | set(derivatives.BINARY) | set(derivatives.COMPOSITE)
             | set(derivatives.COMPARISON) | set(derivatives.PREDICATE))
    assert table <= ran, sorted(table - ran)


# the op table in shards, so that pytest-xdist's workers share it (in a cold
# Numba cache, running it whole took one worker two minutes)
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_warm_op_table_raises_no_warning(shard):
    failures = run_quietly(list(op_runs())[shard::SHARDS])
    assert not failures, _report(failures)


def test_warm_nn_modules_raise_no_warning():
    failures = run_quietly(module_runs())
    assert not failures, _report(failures)


def test_warm_optimizers_raise_no_warning():
    failures = run_quietly(optimizer_runs())
    assert not failures, _report(failures)


# ------------------------------------------------------------------ cold Numba cache

# the ops whose kernels raised NumbaIRAssumptionWarning before kernels/vmath.py's
# ``_select`` rewrite, and the losses inlining the same helpers; the cold run takes
# each one's first case per dtype (the whole suite checks the rest when the cache is
# cold: see the module docstring)
COLD = {"cosh", "sinh", "log1p", "tanh", "cross_entropy", "binary_cross_entropy_with_logits"}


def _selected(dtype, everything):
    seen = set()
    runs = list(op_runs()) + [(f"nn.{name}", ident, thunk) for name, ident, thunk in module_runs()]
    if everything:
        runs += list(optimizer_runs())
    for op, ident, thunk in runs:
        if not ident.endswith("-" + dtype):
            continue
        if everything or (op in COLD and op not in seen):
            seen.add(op)
            yield op, ident, thunk


def _cache_stats():
    """Per kernel used: (disk cache hits, misses) of every Numba dispatcher in
    the kernels package."""
    import pkgutil

    from numba.core.dispatcher import Dispatcher
    from jitgrad import kernels
    stats = {}
    for info in pkgutil.iter_modules(kernels.__path__):
        module_name = info.name
        module = importlib.import_module(f"{kernels.__name__}.{module_name}")
        for name, obj in vars(module).items():
            if isinstance(obj, Dispatcher) and obj.signatures:
                hits = sum(obj.stats.cache_hits.values())
                misses = sum(obj.stats.cache_misses.values())
                stats[f"{module_name}.{name}"] = (hits, misses)
    return stats


def cold_main(dtype, everything=False):
    """The child of the cold test: prints a JSON report on its last line."""
    start = time.perf_counter()
    failures = run_quietly(_selected(dtype, everything))
    print(json.dumps({"failures": failures, "cache": _cache_stats(),
                      "cache_dir": os.environ.get("NUMBA_CACHE_DIR"),
                      "seconds": time.perf_counter() - start}))


def run_cold(cache_dir, dtype, everything=False, timeout=900):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), PYTHONWARNINGS="error")
    code = (f"import sys; sys.path[:0] = {[str(HERE)] + sys.path!r}; "
            f"import test_no_foreign_warnings as t; t.cold_main({dtype!r}, {everything!r})")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


@pytest.mark.parametrize("dtype", ["float32", "float64"])     # a subprocess each
def test_cold_compile_raises_no_warning(tmp_path, dtype):
    report, stderr = run_cold(tmp_path / "numba_cache", dtype,
                              everything=os.environ.get("JITGRAD_COLD_ALL") == "1")
    assert not report["failures"], _report(report["failures"])
    cache = report["cache"]
    # the child compiled every kernel it ran, into the fresh directory
    assert cache, "the child ran no kernel"
    assert sum(h for h, _ in cache.values()) == 0, {k: v for k, v in cache.items() if v[0]}
    for kernel in ("elementwise.cosh_forward", "elementwise.sinh_backward",
                   "elementwise.log1p_forward", "losses.cross_entropy_forward"):
        assert cache.get(kernel, (0, 0))[1] > 0, kernel
    assert any((tmp_path / "numba_cache").rglob("*.nbi"))
    assert "Warning" not in stderr, stderr[-3000:]


if __name__ == "__main__":          # python tests/test_no_foreign_warnings.py [--all]: a cold run
    sys.path.insert(0, str(HERE))
    import tempfile
    for dtype in ("float32", "float64"):
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            result, err = run_cold(d, dtype, everything="--all" in sys.argv)
            print(f"{dtype}: {time.perf_counter() - t0:.1f} s, {len(result['cache'])} kernels, "
                  f"{len(result['failures'])} failures")
            print(_report(result["failures"]))
