"""Bad-input fuzz of the public API: a table of callables x bad arguments.

Every case is ``Case(id, run)`` where ``run(lib)`` builds its inputs with
``lib`` (``jitgrad`` or ``torch``) and makes one call. The cases run in a
worker subprocess (``python tests/test_fuzz_api.py --worker START``) so a
segfault or a hang is caught and attributed to the case that caused it; the
worker then restarts after that case. Each outcome is classified:

* an ordinary Python exception (TypeError, ValueError, RuntimeError, ...): OK;
* an exception whose class lives in a ``numba`` module (TypingError, ...),
  raised or chained (a user would see it in the traceback): **defect**;
* a crash (the worker died on a signal) or a hang (no progress for
  ``HANG_SECONDS``): **defect**;
* a warning emitted by numpy or numba during the call (``RuntimeWarning:
  overflow encountered ...``, ``NumbaWarning``): **defect**;
* with torch installed: jitgrad returns where torch raises, or both return
  and the results differ (tensors: dtype, shape, values, requires_grad;
  numbers, sequences): a silent wrong result, **defect**.

Both libraries are seeded (``manual_seed(0)``) before each call, so random
results (modules' initial weights, dropout) compare too. Some cases call a
good variant first (``_primed``): a memo keyed on the arguments must not take
``True`` or ``1.0`` for ``1`` afterwards.

Informational (printed, not asserted): jitgrad raising where torch returns
(mostly what jitgrad lacks: complex dtypes, bitwise operators, ...), a
different exception type or message than torch's, an "internal" exception
type (AttributeError, KeyError, ...) where torch raises something else,
numpy's or numba's own wording in a message, and objects (modules, hooks)
whose type name differs from torch's.

``KNOWN_DEFECTS`` lists case ids with a reason; they are still counted and
printed, but do not fail the test. Run ``python tests/test_fuzz_api.py`` for
the full report, or ``pytest -s tests/test_fuzz_api.py`` for the summary.
"""
import json
import math
import os
import re
import select
import subprocess
import sys
import time
import traceback
import warnings
from collections import Counter, namedtuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
HANG_SECONDS = 300          # no progress for this long: a hang (a cold Numba compile is slow)

Case = namedtuple("Case", "id run")

# known defects: case id -> reason (counted and printed, but do not fail the test)
KNOWN_DEFECTS = {}


# ------------------------------------------------------------------ inputs

_rng = np.random.default_rng(0)
ARR = {
    "f23": _rng.standard_normal((2, 3)).astype(np.float32),
    "f32": _rng.standard_normal((3, 2)).astype(np.float32),
    "f45": _rng.standard_normal((4, 5)).astype(np.float32),
    "f3": _rng.standard_normal(3).astype(np.float32),
    "f4": _rng.standard_normal(4).astype(np.float32),
    "d23": _rng.standard_normal((2, 3)),
    "i23": _rng.integers(-3, 4, (2, 3)),
    "i32_23": _rng.integers(-3, 4, (2, 3)).astype(np.int32),
    "b23": _rng.integers(0, 2, (2, 3)).astype(bool),
    "nan23": np.array([[np.nan, np.inf, -np.inf], [0.0, -0.0, 1e38]], np.float32),
    "img": _rng.standard_normal((2, 3, 6, 6)).astype(np.float32),     # N, C, H, W
    "w_conv": _rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
    "logits": _rng.standard_normal((4, 5)).astype(np.float32),
    "target": np.array([0, 4, 2, 1]),
    "prob": _rng.uniform(0.05, 0.95, (4, 5)).astype(np.float32),
    "bt": _rng.standard_normal((2, 3, 4)).astype(np.float32),
    "bt2": _rng.standard_normal((2, 4, 5)).astype(np.float32),
    "idx": np.array([[0, 2, 1], [1, 0, 2]]),
    "emb_w": _rng.standard_normal((5, 3)).astype(np.float32),
}


class Opaque:
    """An arbitrary object, with the same repr in every run."""

    def __repr__(self):
        return "Opaque()"


def _t(key, **kw):
    return lambda L: L.tensor(ARR[key], **kw)


VALUES = {
    # good tensors (float32 unless named)
    "x": _t("f23"),
    "xg": _t("f23", requires_grad=True),
    "y": _t("f32"),
    "v3": _t("f3"),
    "v4": _t("f4"),
    "img": _t("img"),
    "w_conv": _t("w_conv"),
    "logits": _t("logits"),
    "target": _t("target"),
    "prob": _t("prob"),
    "bt": _t("bt"),
    "bt2": _t("bt2"),
    "idx": _t("idx"),
    "emb_w": _t("emb_w"),
    # wrong dtypes and shapes
    "x64": _t("d23"),
    "i23": _t("i23"),
    "i32": _t("i32_23"),
    "b23": _t("b23"),
    "nan": _t("nan23"),
    "x45": _t("f45"),
    "x0": lambda L: L.zeros(0, 3),
    "x00": lambda L: L.zeros(0),
    "s": lambda L: L.tensor(1.5),
    "si": lambda L: L.tensor(2),
    "x5d": lambda L: L.ones(1, 1, 1, 2, 3),
    # not tensors
    "None": lambda L: None,
    "str": lambda L: "abc",
    "list": lambda L: [1.0, 2.0, 3.0],
    "nested": lambda L: [[1.0, 2.0], [3.0]],
    "dict": lambda L: {"a": 1},
    "complex": lambda L: 1 + 2j,
    "object": lambda L: Opaque(),
    "np_f32": lambda L: ARR["f23"].copy(),
    "np_c64": lambda L: ARR["f23"].astype(np.complex64),
    "np_u8": lambda L: ARR["i23"].astype(np.uint8),
    "np_f16": lambda L: ARR["f23"].astype(np.float16),
    "np_obj": lambda L: np.array([None, 1, "a"], dtype=object),
    "np_str": lambda L: np.array(["a", "b", "c"]),
    # scalars
    "inf": lambda L: math.inf,
    "nanf": lambda L: math.nan,
    "big": lambda L: 2 ** 70,
    "neg": lambda L: -1,
    "zero": lambda L: 0,
    "half": lambda L: 1.5,
    "True": lambda L: True,
    # numpy scalars
    "np.f32": lambda L: np.float32(2.5),
    "np.f64": lambda L: np.float64(1e300),
    "np.i64": lambda L: np.int64(3),
    "np.i8": lambda L: np.int8(-3),
    "np.bool": lambda L: np.bool_(True),
    "np.c64": lambda L: np.complex64(1 + 2j),
    # values past float32's range (a Python float, a 0-d float64 tensor) and nan
    "huge": lambda L: 1e300,
    "t_huge": lambda L: L.tensor(1e300, dtype=L.float64),
    "t_nan": lambda L: L.tensor(math.nan, dtype=L.float64),
    "t_big_int": lambda L: L.tensor(2 ** 40),
}


def V(L, name):
    return VALUES[name](L)


# bad values for an argument that must be a (float) tensor
BAD_TENSOR = ["None", "str", "list", "dict", "complex", "object", "np_f32", "np_c64", "np_u8",
              "i23", "i32", "b23", "x64", "x0", "s", "x5d", "nan"]
# bad values for the second operand of a binary op
BAD_OTHER = ["None", "str", "list", "nested", "dict", "complex", "object", "np_f32", "np_c64",
             "np_obj", "np_str", "i23", "b23", "x64", "x0", "s", "x45", "x5d", "inf", "big",
             "True", "np.f32", "np.f64", "np.i64", "np.i8", "np.bool", "np.c64"]
# bad values for a dim argument (on a 2-d tensor)
BAD_DIM = [2, -3, 5, 1.5, "0", (0, 0), [0, 5], True, 2 ** 70, (0, 1.5), None, ()]
# bad values for a size argument
BAD_SIZE = [-1, (2, -1), 2.5, "3", None, (2, "a"), (-1, -1), [2, 3.5], 2 ** 70, (), (0,)]


# ------------------------------------------------------------------ the case table

def _cases():
    cases = []

    def add(cid, run):
        cases.append(Case(cid, run))

    # -- top-level unary functions x bad tensors
    unary = ["neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "log1p", "expm1",
             "sin", "cos", "tan", "sinh", "cosh", "atan", "asin", "acos", "log2", "log10",
             "square", "reciprocal", "rsqrt", "sign", "floor", "ceil", "round", "isnan",
             "isinf", "isfinite", "sum", "mean", "prod", "norm", "any", "all", "max", "min",
             "argmax", "argmin", "amax", "amin", "var", "std", "t", "flatten", "squeeze",
             "clone", "numel", "zeros_like", "ones_like", "rand_like", "randn_like",
             "var_mean", "std_mean", "is_tensor"]
    for fn in unary:
        for bad in BAD_TENSOR:
            add(f"{fn}({bad})", lambda L, fn=fn, bad=bad: getattr(L, fn)(V(L, bad)))

    # -- the same as Tensor methods, on wrong-dtype/shape receivers (with an argument where
    # the method needs one)
    methods = ["exp", "log", "sqrt", "sigmoid", "tanh", "relu", "reciprocal", "rsqrt",
               "square", "sum", "mean", "prod", "norm", "max", "argmax", "amax", "var", "std",
               "t", "item", "tolist", "float", "long", "bool", "int", "double", "numpy",
               "exp_", "log_", "sqrt_", "sigmoid_", "tanh_", "relu_", "neg_", "abs_",
               "reciprocal_", "zero_", "floor_", "round_", "detach", "contiguous",
               "__bool__", "__float__", "__int__", "__index__", "__len__", "__neg__",
               "__abs__", "__invert__"]
    for m in methods:
        for recv in ["i23", "i32", "b23", "x0", "x00", "s", "si", "x5d", "nan", "xg"]:
            add(f"{recv}.{m}()", lambda L, m=m, recv=recv: getattr(V(L, recv), m)())

    # -- binary functions: (good, bad) and (bad, good)
    binary = ["add", "sub", "mul", "div", "pow", "remainder", "fmod", "floor_divide",
              "maximum", "minimum", "atan2", "lt", "le", "gt", "ge", "eq", "ne", "equal",
              "isclose", "allclose", "true_divide", "rsub", "clamp_min", "clamp_max"]
    for fn in binary:
        for bad in BAD_OTHER:
            add(f"{fn}(x, {bad})", lambda L, fn=fn, bad=bad: getattr(L, fn)(V(L, "x"), V(L, bad)))
            add(f"{fn}({bad}, x)", lambda L, fn=fn, bad=bad: getattr(L, fn)(V(L, bad), V(L, "x")))
    for fn in ["matmul", "mm", "dot", "mv", "bmm", "outer", "ger", "addmm"]:
        for bad in BAD_OTHER + ["x", "y", "v3", "v4", "bt", "img"]:
            for first in ["x", "v3", "bt", "i23"]:
                if fn == "addmm":
                    add(f"addmm({first}, x, {bad})",
                        lambda L, first=first, bad=bad: L.addmm(V(L, first), V(L, "x"), V(L, bad)))
                else:
                    add(f"{fn}({first}, {bad})", lambda L, fn=fn, first=first, bad=bad:
                        getattr(L, fn)(V(L, first), V(L, bad)))
    # -- the operators, forward and reflected
    ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: a / b, "//": lambda a, b: a // b, "%": lambda a, b: a % b,
           "**": lambda a, b: a ** b, "@": lambda a, b: a @ b, "<": lambda a, b: a < b,
           "==": lambda a, b: a == b, "&": lambda a, b: a & b}
    for sym, op in ops.items():
        for bad in BAD_OTHER:
            add(f"x {sym} {bad}", lambda L, op=op, bad=bad: op(V(L, "x"), V(L, bad)))
            add(f"{bad} {sym} x", lambda L, op=op, bad=bad: op(V(L, bad), V(L, "x")))
        for a, b in [("i23", "i23"), ("i23", "zero"), ("b23", "b23"), ("i23", "neg"),
                     ("i23", "half"), ("si", "big"), ("b23", "np.f32"), ("i23", "np.f32"),
                     ("b23", "np.f64"), ("x", "np.f64"), ("i23", "np.i8"), ("b23", "np.bool"),
                     ("np.f32", "b23"), ("np.f64", "x"), ("np.i64", "i23")]:
            add(f"{a} {sym} {b}", lambda L, op=op, a=a, b=b: op(V(L, a), V(L, b)))
    # in-place operators and methods: dtype the result cannot be cast to, leaves that
    # require grad, shapes that do not broadcast into self
    inplace = {"add_": lambda a, b: a.add_(b), "mul_": lambda a, b: a.mul_(b),
               "div_": lambda a, b: a.div_(b), "sub_": lambda a, b: a.sub_(b),
               "pow_": lambda a, b: a.pow_(b), "copy_": lambda a, b: a.copy_(b),
               "clamp_min_": lambda a, b: a.clamp_min_(b), "fill_": lambda a, b: a.fill_(b),
               "+=": _iadd, "/=": _idiv}
    for name, op in inplace.items():
        for a in ["x", "xg", "i23", "b23", "s"]:
            for b in ["half", "x45", "v3", "v4", "x64", "str", "None", "np_c64", "complex",
                      "x0", "x5d", "nanf", "big", "np.f32", "np.f64", "np.i64", "huge",
                      "t_huge", "t_nan", "t_big_int", "i32"]:
                add(f"{a}.{name}({b})", lambda L, op=op, a=a, b=b: op(V(L, a), V(L, b)))

    # -- dim arguments
    dim_fns = {
        "sum": lambda L, x, d: L.sum(x, d), "mean": lambda L, x, d: L.mean(x, d),
        "prod": lambda L, x, d: L.prod(x, d), "amax": lambda L, x, d: L.amax(x, d),
        "amin": lambda L, x, d: L.amin(x, d), "argmax": lambda L, x, d: L.argmax(x, d),
        "argmin": lambda L, x, d: L.argmin(x, d), "max": lambda L, x, d: L.max(x, d),
        "min": lambda L, x, d: L.min(x, d), "var": lambda L, x, d: L.var(x, d),
        "std": lambda L, x, d: L.std(x, d), "logsumexp": lambda L, x, d: L.logsumexp(x, d),
        "cumsum": lambda L, x, d: L.cumsum(x, d), "softmax": lambda L, x, d: L.softmax(x, d),
        "log_softmax": lambda L, x, d: L.log_softmax(x, d),
        "any": lambda L, x, d: L.any(x, d), "all": lambda L, x, d: L.all(x, d),
        "norm": lambda L, x, d: L.norm(x, 2, d), "squeeze": lambda L, x, d: L.squeeze(x, d),
        "unsqueeze": lambda L, x, d: L.unsqueeze(x, d),
        "flatten": lambda L, x, d: L.flatten(x, d),
        "flatten_end": lambda L, x, d: L.flatten(x, 0, d),
        "transpose": lambda L, x, d: L.transpose(x, d, 0),
        "narrow": lambda L, x, d: L.narrow(x, d, 0, 1),
        "split": lambda L, x, d: L.split(x, 1, d), "chunk": lambda L, x, d: L.chunk(x, 2, d),
        "unbind": lambda L, x, d: L.unbind(x, d), "cat": lambda L, x, d: L.cat([x, x], d),
        "stack": lambda L, x, d: L.stack([x, x], d),
        "gather": lambda L, x, d: L.gather(x, d, V(L, "idx")),
        "index_select": lambda L, x, d: L.index_select(x, d, L.tensor([0, 1])),
        "F.softmax": lambda L, x, d: L.nn.functional.softmax(x, d),
        "F.log_softmax": lambda L, x, d: L.nn.functional.log_softmax(x, d),
        "size": lambda L, x, d: x.size(d), "stride": lambda L, x, d: x.stride(d),
        "permute": lambda L, x, d: x.permute(d, 0),
        "unflatten": lambda L, x, d: L.unflatten(x, d, (3, 1)),
        "x.cumsum": lambda L, x, d: x.cumsum(d),
        "x.sum": lambda L, x, d: x.sum(d), "x.max": lambda L, x, d: x.max(d),
        "x.var": lambda L, x, d: x.var(d, correction=0),
        "F.cross_entropy": lambda L, x, d: L.nn.functional.cross_entropy(x, V(L, "target")[:2],
                                                                         reduction=d),
    }
    for name, fn in dim_fns.items():
        for d in BAD_DIM:
            add(f"{name}(x, dim={d!r})", lambda L, fn=fn, d=d: fn(L, V(L, "x"), d))
        # the same call with a good dim first: a memo keyed on the arguments must not
        # take True or 1.0 for 1
        for good, d in [(1, True), (1, 1.0), (0, False), (-1, -1.0), ((0, 1), (0, True))]:
            add(f"{name}(x, dim={d!r}) after dim={good!r}", lambda L, fn=fn, d=d, good=good:
                _primed(lambda: fn(L, V(L, "x"), good), lambda: fn(L, V(L, "x"), d)))
        for recv in ["x0", "s"]:
            for d in [0, -1, 1]:
                add(f"{name}({recv}, dim={d!r})", lambda L, fn=fn, d=d, recv=recv:
                    fn(L, V(L, recv), d))

    # -- sizes: factories, reshape/view/expand/repeat, narrow/split/chunk
    size_fns = {
        "zeros": lambda L, s: L.zeros(s), "ones": lambda L, s: L.ones(s),
        "empty": lambda L, s: L.empty(s).shape, "full": lambda L, s: L.full(s, 2.0),
        "rand": lambda L, s: L.rand(s), "randn": lambda L, s: L.randn(s),
        "randint": lambda L, s: L.randint(0, 5, s if isinstance(s, tuple) else (s,)),
        "reshape": lambda L, s: V(L, "x").reshape(s), "view": lambda L, s: V(L, "x").view(s),
        "expand": lambda L, s: V(L, "v3").expand(s), "repeat": lambda L, s: V(L, "v3").repeat(s),
        "new_zeros": lambda L, s: V(L, "x").new_zeros(s),
        "new_full": lambda L, s: V(L, "x").new_full(s, 1.0),
        "unflatten": lambda L, s: V(L, "x").unflatten(1, s),
        "split": lambda L, s: L.split(V(L, "x"), s, 1),
        "chunk": lambda L, s: L.chunk(V(L, "x"), s, 1),
        "narrow_start": lambda L, s: L.narrow(V(L, "x"), 1, s, 1),
        "narrow_len": lambda L, s: L.narrow(V(L, "x"), 1, 0, s),
        "arange": lambda L, s: L.arange(s), "randperm": lambda L, s: L.randperm(s),
        "eye": lambda L, s: L.eye(s), "linspace": lambda L, s: L.linspace(0, 1, s),
        "one_hot": lambda L, s: L.nn.functional.one_hot(V(L, "target"), s),
        "F.layer_norm": lambda L, s: L.nn.functional.layer_norm(V(L, "x"), s),
        "nn.Linear": lambda L, s: L.nn.Linear(s, 3),
        "nn.Linear_out": lambda L, s: L.nn.Linear(3, s),
        "nn.Conv2d": lambda L, s: L.nn.Conv2d(s, 3, 3), "nn.BatchNorm2d": lambda L, s:
            L.nn.BatchNorm2d(s), "nn.LayerNorm": lambda L, s: L.nn.LayerNorm(s),
        "nn.Embedding": lambda L, s: L.nn.Embedding(s, 3),
        "nn.Embedding_dim": lambda L, s: L.nn.Embedding(3, s),
        "nn.Flatten": lambda L, s: L.nn.Flatten(s)(V(L, "img")),
    }
    for name, fn in size_fns.items():
        for s in BAD_SIZE:
            add(f"{name}({s!r})", lambda L, fn=fn, s=s: fn(L, s))
    # varargs sizes
    for name in ["zeros", "ones", "rand", "randn", "empty"]:
        for s in [(2, -1), (2, 2.5), (2, "a"), (2, None), (2, (3,)), ((2,), 3)]:
            add(f"{name}{s!r}", lambda L, name=name, s=s: getattr(L, name)(*s).shape)
    for s in [(-1, 3), (2, 2.5), (2, "a"), (7,), (-1, -1), (0, -1), (-2, 3)]:
        add(f"x.reshape{s!r}", lambda L, s=s: V(L, "x").reshape(*s))
        add(f"x.view{s!r}", lambda L, s=s: V(L, "x").view(*s))
        add(f"x0.reshape{s!r}", lambda L, s=s: V(L, "x0").reshape(*s))
    for s in [(2, -2), (-1, 3), (3, 3), (2, 3, 4), (1,), (2, 1.5)]:
        add(f"x.expand{s!r}", lambda L, s=s: V(L, "x").expand(*s))
        add(f"x.repeat{s!r}", lambda L, s=s: V(L, "x").repeat(*s))
        add(f"x.permute{s!r}", lambda L, s=s: V(L, "x").permute(*s))

    # -- factories with bad data and arguments
    data = ["None", "str", "dict", "complex", "object", "np_c64", "np_u8", "np_f16", "np_obj",
            "np_str", "nested", "big", "inf", "nanf"]
    for d in data:
        add(f"tensor({d})", lambda L, d=d: L.tensor(V(L, d)))
        add(f"as_tensor({d})", lambda L, d=d: L.as_tensor(V(L, d)))
        add(f"from_numpy({d})", lambda L, d=d: L.from_numpy(V(L, d)))
    for d in [[1, "a"], [[1, 2], [3, 4, 5]], [1.5, None], [[1.0], 2.0], [2 ** 63], [-2 ** 63 - 1],
              [1, 2 ** 64], [True, 2.5], [[], []], [[[]]], [1, [2]], [1e400], [1 + 1j],
              [2 ** 63, -1], [1.5, 2 ** 70]]:
        add(f"tensor({d!r})", lambda L, d=d: L.tensor(d))
    for d in [[math.nan], [math.inf], [1e300], [2 ** 40], [-3.7], [300], [2 ** 31]]:
        for dt in ["int32", "int64", "bool", "float32"]:
            add(f"tensor({d!r}, dtype={dt})", lambda L, d=d, dt=dt: L.tensor(
                d, dtype=getattr(L, dt)))
            add(f"tensor(np.array({d!r}), dtype={dt})", lambda L, d=d, dt=dt: L.tensor(
                np.array(d), dtype=getattr(L, dt)))
    def as_dtype(L, dt):
        if isinstance(dt, str) and dt.startswith("L."):
            return getattr(L, dt[2:], "missing")
        return {"np.float32": np.float32, "py.float": float, "py.int": int,
                "py.bool": bool}.get(dt, dt)

    for dt in ["float32", "float", 5, None, "L.float16", "np.float32", "L.complex64", "L.uint8",
               "py.float", "py.int", "py.bool", "L.float64"]:
        add(f"tensor(dtype={dt!r})", lambda L, dt=dt: L.tensor([1.0, 2.0], dtype=as_dtype(L, dt)))
        add(f"zeros(2, dtype={dt!r})", lambda L, dt=dt: L.zeros(2, dtype=as_dtype(L, dt)))
        add(f"arange(3, dtype={dt!r})", lambda L, dt=dt: L.arange(3, dtype=as_dtype(L, dt)))
        add(f"x.to({dt!r})", lambda L, dt=dt: V(L, "x").to(as_dtype(L, dt)))
        add(f"x.sum(dtype={dt!r})", lambda L, dt=dt: V(L, "x").sum(dtype=as_dtype(L, dt)))
        add(f"randint(0, 3, (2,), dtype={dt!r})", lambda L, dt=dt: L.randint(
            0, 3, (2,), dtype=as_dtype(L, dt)))
    for args in [(0, 10, 0), (10, 0, 1), (0, 10, -1), (0, math.inf), (math.nan,), (0, 1, 0.0),
                 ("a",), (None,), (0, 2 ** 70), (0, 5, 1.5), (1 + 1j,), (-5,), (0, -1e20, -1)]:
        add(f"arange{args!r}", lambda L, args=args: L.arange(*args))
    for args in [(0, 1, -1), (0, 1, 2.5), (0, 1, "a"), (math.nan, 1, 3), (0, math.inf, 3),
                 (0, 1, 2 ** 70), (None, 1, 3)]:
        add(f"linspace{args!r}", lambda L, args=args: L.linspace(*args))
    for args in [(5, 2, (3,)), (0, 10, (-1,)), (0, 10, (2.5,)), (2.5, 10, (3,)), (0, 0, (3,)),
                 (-5, (3,)), (0, 2 ** 70, (3,)), (10,), ((3,),), (0, 10, "a"), (0, 10, 3)]:
        add(f"randint{args!r}", lambda L, args=args: L.randint(*args))
    for args in [(-1, 3), (2, -1), (2.5,), ("a",), (None,), (3, 2.5)]:
        add(f"eye{args!r}", lambda L, args=args: L.eye(*args))
    for v in ["str", "None", "list", "complex", "object", "x", "x45", "np_c64", "huge", "t_huge",
              "big", "s", "np.f64"]:
        add(f"full((2,3), {v})", lambda L, v=v: L.full((2, 3), V(L, v)))
        add(f"full((2,3), {v}, dtype=int32)", lambda L, v=v: L.full((2, 3), V(L, v),
                                                                      dtype=L.int32))
        add(f"full_like(x, {v})", lambda L, v=v: L.full_like(V(L, "x"), V(L, v)))
        add(f"zeros_like({v})", lambda L, v=v: L.zeros_like(V(L, v)))
        add(f"x.new_tensor({v})", lambda L, v=v: V(L, "x").new_tensor(V(L, v)))
    for v in ["str", "None", "half", "neg", "big", "x", "complex", "list"]:
        add(f"manual_seed({v})", lambda L, v=v: L.manual_seed(V(L, v)) and None)
        add(f"set_rng_state({v})", lambda L, v=v: L.set_rng_state(V(L, v)))
    add("set_rng_state(short)", lambda L: L.set_rng_state(L.zeros(10, dtype=L.uint8)
                                                          if hasattr(L, "uint8") else None))

    # -- random in-place fills with bad parameters
    for name, args in [("uniform_", (5.0, 1.0)), ("uniform_", (0, math.inf)),
                       ("uniform_", ("a", 1)), ("normal_", (0, -1.0)), ("normal_", (0, math.nan)),
                       ("normal_", (math.inf, 1)), ("bernoulli_", (1.5,)),
                       ("bernoulli_", (-0.5,)), ("bernoulli_", ("a",)), ("random_", (5, 2)),
                       ("random_", (-1,)), ("random_", (2 ** 70,)), ("random_", (0.5,))]:
        for recv in ["x", "i23", "b23", "xg", "x0"]:
            add(f"{recv}.{name}{args!r}", lambda L, name=name, args=args, recv=recv:
                getattr(V(L, recv), name)(*args))
    for p in [1.5, -0.1, "a", math.nan]:
        add(f"bernoulli(x, p={p!r})", lambda L, p=p: L.bernoulli(V(L, "prob"), p=p))
    add("bernoulli(bad probs)", lambda L: L.bernoulli(V(L, "x")))
    add("bernoulli(int)", lambda L: L.bernoulli(V(L, "i23")))

    # -- indexing
    keys = [5, -5, (0, 0, 0), "a", 1.5, [5], [0.5], (Ellipsis, Ellipsis), slice(None, None, 0),
            slice(None, None, -1), ([0, 1], [0, 1, 2]), None, 2 ** 70, {"a": 1}, Opaque(),
            (0, slice(None), None, 1)]
    tkeys = {"tidx_oob": lambda L: L.tensor([0, 7]), "tidx_neg": lambda L: L.tensor([-3]),
             "tidx_float": lambda L: L.tensor([0.0, 1.0]),
             "mask_wrong": lambda L: L.tensor([True, False, True]),
             "mask_2d": lambda L: L.tensor(ARR["b23"]), "tidx_2d": lambda L: L.tensor(ARR["idx"]),
             "tidx_0d": lambda L: L.tensor(5), "tidx_empty": lambda L: L.tensor([], dtype=L.int64),
             "tidx_i32": lambda L: L.tensor([0, 1], dtype=L.int32)}
    for k in keys:
        add(f"x[{k!r}]", lambda L, k=k: V(L, "x")[k])
        add(f"x[{k!r}] = 1", lambda L, k=k: _setitem(V(L, "x"), k, 1.0))
    for name, k in tkeys.items():
        add(f"x[{name}]", lambda L, k=k: V(L, "x")[k(L)])
        add(f"x[{name}] = 1", lambda L, k=k: _setitem(V(L, "x"), k(L), 1.0))
        add(f"x[:, {name}]", lambda L, k=k: V(L, "x")[:, k(L)])
    for v in ["str", "None", "x45", "v4", "complex", "np_c64", "x64", "i23", "xg", "list",
              "huge", "t_huge", "t_nan", "nanf", "big", "t_big_int", "np.f64", "np.f32"]:
        add(f"x[0] = {v}", lambda L, v=v: _setitem(V(L, "x"), 0, V(L, v)))
        add(f"i23[0] = {v}", lambda L, v=v: _setitem(V(L, "i23"), 0, V(L, v)))
        add(f"i32[0] = {v}", lambda L, v=v: _setitem(V(L, "i32"), 0, V(L, v)))
    add("xg[0] = 1 (leaf)", lambda L: _setitem(V(L, "xg"), 0, 1.0))
    add("s[0]", lambda L: V(L, "s")[0])
    add("s[0] = 1", lambda L: _setitem(V(L, "s"), 0, 1.0))
    for idx in ["tidx_oob", "tidx_neg", "tidx_float", "tidx_2d", "mask_2d", "tidx_0d"]:
        add(f"index_select(x, 1, {idx})", lambda L, idx=idx: L.index_select(V(L, "x"), 1,
                                                                           tkeys[idx](L)))
        add(f"gather(x, 1, {idx})", lambda L, idx=idx: L.gather(V(L, "x"), 1, tkeys[idx](L)))
        add(f"embedding({idx}, emb_w)", lambda L, idx=idx: L.nn.functional.embedding(
            tkeys[idx](L), V(L, "emb_w")))
    for idx in [[[0, 3, 1], [1, 0, 2]], [[-1, 0, 0], [0, 0, 0]], [[0, 1], [0, 1]],
                [[0, 1, 2, 0], [0, 1, 2, 0], [0, 1, 2, 0]]]:
        add(f"gather(x, 1, {idx})", lambda L, idx=idx: L.gather(V(L, "x"), 1, L.tensor(idx)))
    for mask in ["mask_wrong", "tidx_2d", "tidx_float", "mask_2d"]:
        for value in [1.0, "a", None, "x", "s", "v3", "huge", "t_huge", "t_nan", "big"]:
            def run(L, mask=mask, value=value):
                v = V(L, value) if isinstance(value, str) and value in VALUES else value
                return L.masked_fill(V(L, "x"), tkeys[mask](L), v)
            add(f"masked_fill(x, {mask}, {value!r})", run)
    for cond in ["mask_2d", "mask_wrong", "tidx_2d", "tidx_float"]:
        for other in ["x", "x45", "i23", "str", "None", "half", "x64"]:
            add(f"where({cond}, x, {other})", lambda L, cond=cond, other=other:
                L.where(tkeys[cond](L), V(L, "x"), V(L, other)))
    for a in ["x", "None", "str", "x45"]:
        add(f"where({a})", lambda L, a=a: L.where(V(L, a)))

    # -- clamp, round, softmax dtype, sum dtype
    for lo, hi in [("str", None), (None, None), ("x45", None), ("complex", None), ("half", "neg"),
                   ("nanf", None), ("x64", "x"), ("i23", None), ("list", None)]:
        add(f"clamp(x, {lo}, {hi})", lambda L, lo=lo, hi=hi:
            L.clamp(V(L, "x"), V(L, lo), V(L, hi)))
        add(f"clamp(i23, {lo}, {hi})", lambda L, lo=lo, hi=hi:
            L.clamp(V(L, "i23"), V(L, lo), V(L, hi)))
    for d in ["str", "half", "big", "neg", "None", "x"]:
        add(f"round(x, decimals={d})", lambda L, d=d: L.round(V(L, "x"), decimals=V(L, d)))
    for dt in ["int64", "bool", "float16", "str"]:
        def run_sum(L, dt=dt, what="sum"):
            d = getattr(L, dt, dt)
            return getattr(L, what)(V(L, "x"), 1, dtype=d)
        for what in ["sum", "softmax", "log_softmax", "cumsum", "mean", "prod"]:
            add(f"{what}(x, 1, dtype={dt})", lambda L, run=run_sum, what=what: run(L, what=what))
    for p in ["nuc", "bad", -1, 0, math.inf, -math.inf, 0.5, None, "x", (1, 2)]:
        add(f"norm(x, p={p!r})", lambda L, p=p: L.norm(V(L, "x"), V(L, p) if p == "x" else p))
        add(f"norm(x, p={p!r}, dim=1)", lambda L, p=p: L.norm(V(L, "x"), V(L, p) if p == "x"
                                                                else p, 1))
    for kw in [{"unbiased": "a"}, {"correction": -1}, {"correction": 5}, {"correction": 1.5},
               {"correction": "a"}, {"unbiased": True, "correction": 1}]:
        add(f"var(x, {kw})", lambda L, kw=kw: L.var(V(L, "x"), **kw))
        add(f"std(x, 1, {kw})", lambda L, kw=kw: L.std(V(L, "x"), 1, **kw))
    for eq, ops in [("ij,jk->ik", ["x", "x"]), ("ij,jk", ["x"]), ("ii->i", ["x"]),
                    ("ij->k", ["x"]), ("i j", ["x"]), ("ij,jk->ik", ["x", "str"]),
                    ("ij->ij", ["i23"]), ("...,...->", ["x", "x45"]), ("ab->ba", ["v3"]),
                    (5, ["x"]), ("ij->ii", ["x"]), ("ij,ij->ij", ["x", "x64"])]:
        add(f"einsum({eq!r}, {ops})", lambda L, eq=eq, ops=ops:
            L.einsum(eq, *[V(L, o) for o in ops]))
    for seq in [[], ["x", "x45"], ["x", "str"], ["x", "i23"], ["x", "x64"], ["x", "s"],
                ["x", "x0"], ["x", "v3"], ["None"], ["x", "x5d"]]:
        for fn in ["cat", "stack"]:
            add(f"{fn}({seq})", lambda L, fn=fn, seq=seq: getattr(L, fn)([V(L, v) for v in seq]))
    for fn in ["cat", "stack"]:
        for bad in ["x", "str", "None", "dict", "s"]:
            add(f"{fn}({bad})", lambda L, fn=fn, bad=bad: getattr(L, fn)(V(L, bad)))
    for sections in [[1, 1], [1, 1, 1, 1], [-1, 4], [3, 0], [1.5, 1.5], (), "a"]:
        add(f"split(x, {sections!r}, 1)", lambda L, s=sections: L.split(V(L, "x"), s, 1))

    # -- linear, conv2d, pooling, losses, embedding, normalisation (nn.functional)
    for a, w, b in [("x", "y", None), ("x", "x", None), ("v3", "x", None), ("x", "v3", None),
                    ("x", "x45", None), ("x", "x", "v3"), ("x", "x", "v4"), ("x", "x", "x"),
                    ("i23", "x", None), ("x", "i23", None), ("x64", "x", None),
                    ("x", "x", "x64"), ("x0", "x", None), ("x5d", "x", None), ("s", "x", None),
                    ("x", "s", None), ("None", "x", None), ("x", "None", None),
                    ("x", "x", "str"), ("np_f32", "x", None), ("x", "np_f32", None),
                    ("x", "b23", None)]:
        add(f"F.linear({a}, {w}, {b})", lambda L, a=a, w=w, b=b: L.nn.functional.linear(
            V(L, a), V(L, w), None if b is None else V(L, b)))
    conv_inputs = {"img": "img", "3d": lambda L: V(L, "img")[0], "5d": lambda L: V(L, "img")[None],
                   "2d": "x", "int": lambda L: V(L, "img").long(),
                   "f64": lambda L: V(L, "img").double(), "tiny": lambda L: L.ones(1, 3, 1, 1),
                   "zero_batch": lambda L: L.ones(0, 3, 6, 6),
                   "zero_hw": lambda L: L.ones(1, 3, 0, 6),
                   "chan2": lambda L: L.ones(1, 2, 6, 6), "None": "None", "np": "np_f32",
                   "list": "list"}

    def conv_in(L, k):
        v = conv_inputs[k]
        return V(L, v) if isinstance(v, str) else v(L)

    for k in conv_inputs:
        add(f"F.conv2d({k}, w)", lambda L, k=k: L.nn.functional.conv2d(conv_in(L, k),
                                                                     V(L, "w_conv")))
        add(f"F.max_pool2d({k}, 2)", lambda L, k=k: L.nn.functional.max_pool2d(conv_in(L, k), 2))
        add(f"F.avg_pool2d({k}, 2)", lambda L, k=k: L.nn.functional.avg_pool2d(conv_in(L, k), 2))
        add(f"nn.Conv2d(3,4,3)({k})", lambda L, k=k: L.nn.Conv2d(3, 4, 3)(conv_in(L, k)))
        add(f"nn.MaxPool2d(2)({k})", lambda L, k=k: L.nn.MaxPool2d(2)(conv_in(L, k)))
        add(f"nn.BatchNorm2d(3)({k})", lambda L, k=k: L.nn.BatchNorm2d(3)(conv_in(L, k)))
        add(f"F.unfold({k}, 3)", lambda L, k=k: L.nn.functional.unfold(conv_in(L, k), 3))
    for w in ["x", "i23", "x64", "None", "str", "v3", "img"]:
        add(f"F.conv2d(img, {w})", lambda L, w=w: L.nn.functional.conv2d(V(L, "img"), V(L, w)))
    add("F.conv2d(img, w5d)", lambda L: L.nn.functional.conv2d(V(L, "img"), V(L, "w_conv")[None]))
    add("F.conv2d(img, w, bias=v3)", lambda L: L.nn.functional.conv2d(V(L, "img"), V(L, "w_conv"),
                                                                     V(L, "v3")))
    add("F.conv2d(img, w, bias=x)", lambda L: L.nn.functional.conv2d(V(L, "img"), V(L, "w_conv"),
                                                                    V(L, "x")))
    add("F.conv2d(img, w, bias=i)", lambda L: L.nn.functional.conv2d(
        V(L, "img"), V(L, "w_conv"), L.tensor([1, 2, 3, 4])))
    add("F.conv2d(img, big w)", lambda L: L.nn.functional.conv2d(V(L, "img"), L.ones(4, 3, 7, 7)))
    add("F.conv2d(img, zero w)", lambda L: L.nn.functional.conv2d(V(L, "img"), L.ones(4, 3, 0, 3)))
    add("F.conv2d(img, w 0 out)", lambda L: L.nn.functional.conv2d(V(L, "img"), L.ones(0, 3, 3, 3)))
    conv_kw = [{"stride": 0}, {"stride": -1}, {"stride": (1,)}, {"stride": (1, 1, 1)},
               {"stride": 1.5}, {"stride": "a"}, {"padding": -1}, {"padding": 10},
               {"padding": "same", "stride": 2}, {"padding": "bogus"}, {"padding": (1, 2, 3)},
               {"padding": "valid"}, {"padding": "same"}, {"dilation": 0}, {"dilation": -2},
               {"dilation": 5}, {"groups": 0}, {"groups": 2}, {"groups": -1}, {"groups": 3},
               {"groups": 1.5}, {"stride": None}, {"padding": None}, {"stride": 2 ** 70},
               {"padding": (1, -1)}]
    for kw in conv_kw:
        add(f"F.conv2d(img, w, **{kw})", lambda L, kw=kw: L.nn.functional.conv2d(
            V(L, "img"), V(L, "w_conv"), **kw))
        mod_kw = {k: v for k, v in kw.items()}
        add(f"nn.Conv2d(3, 4, 3, **{kw})(img)", lambda L, kw=mod_kw: L.nn.Conv2d(3, 4, 3, **kw)(
            V(L, "img")))
    for args in [(3, 4, 0), (3, 4, -1), (3, 4, (3,)), (3, 4, (3, 3, 3)), (3, 4, 1.5), (3, 4, "a"),
                 (0, 4, 3), (3, 0, 3), (-3, 4, 3), (3, 4, 3, 1, 0, 1, 2), (3, 4, None),
                 (3.0, 4, 3)]:
        add(f"nn.Conv2d{args!r}", lambda L, args=args: L.nn.Conv2d(*args))
    for kw in [{"padding_mode": "bogus"}, {"padding_mode": "reflect"}, {"bias": "a"},
               {"dtype": "a"}, {"device": "cuda"}, {"device": "bogus"}]:
        add(f"nn.Conv2d(3, 4, 3, **{kw})", lambda L, kw=kw: L.nn.Conv2d(3, 4, 3, **kw)(V(L, "img")))
    pool_kw = [{"kernel_size": 0}, {"kernel_size": -1}, {"kernel_size": 7}, {"kernel_size": (2,)},
               {"kernel_size": (2, 2, 2)}, {"kernel_size": 1.5}, {"kernel_size": "a"},
               {"kernel_size": None}, {"kernel_size": 2, "stride": 0},
               {"kernel_size": 2, "stride": -1}, {"kernel_size": 2, "padding": 2},
               {"kernel_size": 2, "padding": -1}, {"kernel_size": 3, "padding": 1},
               {"kernel_size": 2, "ceil_mode": "a"}, {"kernel_size": 4, "stride": 3,
                                                       "ceil_mode": True},
               {"kernel_size": 2 ** 70}, {"kernel_size": 2, "stride": 2.5}]
    for kw in pool_kw:
        add(f"F.max_pool2d(img, **{kw})", lambda L, kw=kw: L.nn.functional.max_pool2d(
            V(L, "img"), **kw))
        add(f"F.avg_pool2d(img, **{kw})", lambda L, kw=kw: L.nn.functional.avg_pool2d(
            V(L, "img"), **kw))
        add(f"nn.MaxPool2d(**{kw})(img)", lambda L, kw=kw: L.nn.MaxPool2d(**kw)(V(L, "img")))
        add(f"nn.AvgPool2d(**{kw})(img)", lambda L, kw=kw: L.nn.AvgPool2d(**kw)(V(L, "img")))
        add(f"F.unfold(img, **{kw})", lambda L, kw=kw: L.nn.functional.unfold(
            V(L, "img"), **{k: v for k, v in kw.items() if k != "ceil_mode"}))
    for kw in [{"kernel_size": 2.0}, {"kernel_size": (2, 2.0)}, {"kernel_size": True},
               {"kernel_size": 2, "stride": 2.0}, {"kernel_size": 2, "padding": 1.0},
               {"kernel_size": 2, "stride": True}]:
        good = {k: int(v) if not isinstance(v, tuple) else tuple(map(int, v))
                for k, v in kw.items()}
        for fn in ["max_pool2d", "avg_pool2d", "unfold"]:
            add(f"F.{fn}(img, **{kw}) after **{good}", lambda L, fn=fn, kw=kw, good=good: _primed(
                lambda: getattr(L.nn.functional, fn)(V(L, "img"), **good),
                lambda: getattr(L.nn.functional, fn)(V(L, "img"), **kw)))
    for kw in [{"stride": 2.0}, {"padding": 1.0}, {"dilation": 1.0}, {"groups": 1.0},
               {"stride": True}, {"padding": (1, 1.0)}]:
        good = {k: int(v) if not isinstance(v, tuple) else tuple(map(int, v))
                for k, v in kw.items()}
        add(f"F.conv2d(img, w, **{kw}) after **{good}", lambda L, kw=kw, good=good: _primed(
            lambda: L.nn.functional.conv2d(V(L, "img"), V(L, "w_conv"), **good),
            lambda: L.nn.functional.conv2d(V(L, "img"), V(L, "w_conv"), **kw)))
    for fn, good, bad in [("reshape", (3, 2), (3.0, 2)), ("expand", (2, 2, 3), (2.0, 2, 3)),
                          ("repeat", (1, 2), (True, 2)), ("permute", (1, 0), (1.0, 0)),
                          ("view", (6,), (6.0,)), ("flatten", (0, 1), (0, True)),
                          ("transpose", (0, 1), (0, 1.0)), ("unsqueeze", (1,), (True,)),
                          ("narrow", (1, 0, 2), (1, 0, 2.0)), ("split", (1, 1), (1.0, 1)),
                          ("chunk", (2, 1), (2, True)), ("unflatten", (1, (3, 1)), (1, (3, 1.0))),
                          ("index_select", (1, "idx"), (True, "idx")), ("squeeze", (0,), (0.0,)),
                          ("cumsum", (1,), (True,)), ("logsumexp", (1,), (1.0,)),
                          ("softmax", (1,), (True,)), ("amax", (1,), (1.0,)),
                          ("var", (1,), (1.0,)), ("argmax", (1,), (True,))]:
        def run_primed(L, fn=fn, good=good, bad=bad):
            def args(a):
                return [L.tensor([0, 1]) if v == "idx" else v for v in a]
            return _primed(lambda: getattr(V(L, "x"), fn)(*args(good)),
                           lambda: getattr(V(L, "x"), fn)(*args(bad)))
        add(f"x.{fn}{bad!r} after x.{fn}{good!r}", run_primed)
    for kw in [{"dilation": 0}, {"dilation": -1}, {"dilation": 2, "kernel_size": 4},
               {"return_indices": True, "kernel_size": 2},
               {"kernel_size": 2, "dilation": 1.5}]:
        kw = dict({"kernel_size": 2}, **kw)
        add(f"F.max_pool2d(img, **{kw})", lambda L, kw=kw: L.nn.functional.max_pool2d(
            V(L, "img"), **kw))
    for kw in [{"divisor_override": 0}, {"divisor_override": -1}, {"divisor_override": 1.5},
               {"count_include_pad": "a"}]:
        add(f"F.avg_pool2d(img, 2, **{kw})", lambda L, kw=kw: L.nn.functional.avg_pool2d(
            V(L, "img"), 2, **kw))
    for args in [((6, 6), 3), ((2, 2), 3), ((6,), 3), ((6, 6), 0), ((6, 6), -1), ((-1, 6), 3),
                 ("a", 3), ((6, 6), (3, 3, 3))]:
        def run_fold(L, args=args):
            cols = L.nn.functional.unfold(V(L, "img"), 3)
            return L.nn.functional.fold(cols, *args)
        add(f"F.fold(cols, {args!r})", run_fold)
        add(f"F.fold(x, {args!r})", lambda L, args=args: L.nn.functional.fold(V(L, "x"), *args))

    # losses
    loss_targets = {"target": "target", "oob": lambda L: L.tensor([0, 5, 2, 1]),
                    "neg": lambda L: L.tensor([0, -1, 2, 1]), "neg100": lambda L: L.tensor(
                        [0, -100, 2, 1]), "float_t": lambda L: L.tensor([0., 1., 2., 3.]),
                    "short": lambda L: L.tensor([0, 1]), "2d": "idx",
                    "prob": "prob", "prob_bad": "x45", "i32": lambda L: L.tensor(
                        [0, 1, 2, 3], dtype=L.int32), "b": lambda L: L.tensor([True, False] * 2),
                    "s": "si", "None": "None", "str": "str", "list": "list", "np": lambda L:
                        ARR["target"].copy(), "big": lambda L: L.tensor([0, 2 ** 40, 0, 0])}

    def tgt(L, k):
        v = loss_targets[k]
        return V(L, v) if isinstance(v, str) else v(L)

    loss_inputs = ["logits", "v4", "x5d", "i23", "s", "x0", "x64", "None", "img", "x45", "nan"]
    for fn in ["cross_entropy", "nll_loss"]:
        for k in loss_targets:
            add(f"F.{fn}(logits, {k})", lambda L, fn=fn, k=k: getattr(L.nn.functional, fn)(
                V(L, "logits"), tgt(L, k)))
        for inp in loss_inputs:
            add(f"F.{fn}({inp}, target)", lambda L, fn=fn, inp=inp: getattr(L.nn.functional, fn)(
                V(L, inp), V(L, "target")))
        for kw in [{"reduction": "bogus"}, {"reduction": None}, {"reduction": "elementwise_mean"},
                   {"weight": "v3"}, {"weight": "x"}, {"weight": "i23"}, {"weight": "str"},
                   {"ignore_index": 2 ** 70}, {"ignore_index": "a"}, {"ignore_index": 1.5},
                   {"label_smoothing": 1.5}, {"label_smoothing": -0.1},
                   {"label_smoothing": "a"}, {"size_average": "a"}, {"reduce": False},
                   {"weight": "x64"}]:
            if fn == "nll_loss" and "label_smoothing" in kw:
                continue
            def run_loss(L, fn=fn, kw=kw):
                kw2 = {k: (V(L, v) if k == "weight" else v) for k, v in kw.items()}
                return getattr(L.nn.functional, fn)(V(L, "logits"), V(L, "target"), **kw2)
            add(f"F.{fn}(logits, target, **{kw})", run_loss)
    add("F.cross_entropy(img, idx-map)", lambda L: L.nn.functional.cross_entropy(
        V(L, "img"), L.zeros(2, 6, 6, dtype=L.int64)))
    add("F.cross_entropy(img, bad-map)", lambda L: L.nn.functional.cross_entropy(
        V(L, "img"), L.zeros(2, 5, 6, dtype=L.int64)))
    add("F.cross_entropy(img, oob-map)", lambda L: L.nn.functional.cross_entropy(
        V(L, "img"), L.full((2, 6, 6), 3, dtype=L.int64)))
    add("F.cross_entropy(logits, probs, smoothing)", lambda L: L.nn.functional.cross_entropy(
        V(L, "logits"), V(L, "prob"), label_smoothing=0.1))
    add("F.cross_entropy(logits, probs f64)", lambda L: L.nn.functional.cross_entropy(
        V(L, "logits"), V(L, "prob").double()))
    for fn in ["mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
               "binary_cross_entropy_with_logits"]:
        for a, b in [("prob", "prob"), ("prob", "x45"), ("prob", "logits"), ("x", "x45"),
                     ("prob", "v4"), ("v4", "prob"), ("prob", "target"), ("i23", "i23"),
                     ("prob", "None"), ("None", "prob"), ("prob", "str"), ("prob", "np_f32"),
                     ("x0", "x0"), ("s", "s"), ("prob", "s"), ("x64", "x"),
                     ("b23", "b23"), ("x", "x64"), ("x", "nan"), ("nan", "x")]:
            add(f"F.{fn}({a}, {b})", lambda L, fn=fn, a=a, b=b: getattr(L.nn.functional, fn)(
                V(L, a), V(L, b)))
        for kw in [{"reduction": "bogus"}, {"reduction": None}, {"reduction": "none"},
                   {"reduce": "a"}, {"size_average": False}]:
            add(f"F.{fn}(prob, prob, **{kw})", lambda L, fn=fn, kw=kw: getattr(
                L.nn.functional, fn)(V(L, "prob"), V(L, "prob"), **kw))
    for beta in [-1.0, 0.0, "a", math.nan, math.inf]:
        add(f"F.smooth_l1_loss(beta={beta!r})", lambda L, beta=beta: L.nn.functional.smooth_l1_loss(
            V(L, "prob"), V(L, "x45"), beta=beta))
    for w in ["v4", "x", "i23", "str", "prob"]:
        add(f"F.binary_cross_entropy(prob, prob, weight={w})", lambda L, w=w:
            L.nn.functional.binary_cross_entropy(V(L, "prob"), V(L, "prob"), weight=V(L, w)))
        add(f"F.bce_with_logits(pos_weight={w})", lambda L, w=w:
            L.nn.functional.binary_cross_entropy_with_logits(V(L, "x45"), V(L, "prob"),
                                                             pos_weight=V(L, w)))
    add("F.binary_cross_entropy(out of [0,1])", lambda L: L.nn.functional.binary_cross_entropy(
        V(L, "x45"), V(L, "prob")))
    add("F.binary_cross_entropy(target>1)", lambda L: L.nn.functional.binary_cross_entropy(
        V(L, "prob"), V(L, "prob") * 3))
    add("F.binary_cross_entropy(nan)", lambda L: L.nn.functional.binary_cross_entropy(
        V(L, "prob") * math.nan, V(L, "prob")))
    for k in ["target", "oob", "neg", "float_t", "2d", "s", "None", "list", "big", "b", "i32"]:
        for nc in [-1, 0, 3, 5, 2.5, "a"]:
            add(f"F.one_hot({k}, {nc!r})", lambda L, k=k, nc=nc: L.nn.functional.one_hot(
                tgt(L, k), nc))
    # embedding
    for kw in [{"padding_idx": 5}, {"padding_idx": -6}, {"padding_idx": 1.5},
               {"padding_idx": "a"}, {"max_norm": -1.0}, {"max_norm": "a"}, {"max_norm": 1.0},
               {"norm_type": "a"}, {"scale_grad_by_freq": "a"}, {"sparse": True}]:
        add(f"F.embedding(idx, emb_w, **{kw})", lambda L, kw=kw: L.nn.functional.embedding(
            V(L, "idx"), V(L, "emb_w"), **kw))
    for w in ["v3", "i23", "x5d", "None", "str", "s", "x0"]:
        add(f"F.embedding(idx, {w})", lambda L, w=w: L.nn.functional.embedding(V(L, "idx"),
                                                                              V(L, w)))
        add(f"L.embedding({w}, idx)", lambda L, w=w: L.embedding(V(L, w), V(L, "idx")))
    for args in [(-1, 3), (3, -1), (0, 3), (5, 3, 5), (5, 3, -6), (5, 3, 1.5), (2.5, 3),
                 ("a", 3), (None, 3)]:
        add(f"nn.Embedding{args!r}", lambda L, args=args: L.nn.Embedding(*args))
    for idx in ["x", "tidx_oob", "tidx_neg", "b23", "s", "None", "list"]:
        def run_emb(L, idx=idx):
            i = tkeys[idx](L) if idx in tkeys else V(L, idx)
            return L.nn.Embedding(3, 2)(i)
        add(f"nn.Embedding(3, 2)({idx})", run_emb)
    # layer_norm / batch_norm
    for shape in [(4,), (2, 3), (3,), [3], 3, (-1,), (0,), (), "a", None, (3.0,), L_SIZE_MARK]:
        def run_ln(L, shape=shape):
            s = V(L, "x").shape[1:] if shape is L_SIZE_MARK else shape
            return L.nn.functional.layer_norm(V(L, "x"), s)
        add(f"F.layer_norm(x, {shape!r})", run_ln)
    for w, b in [("v4", None), ("x", None), (None, "v4"), ("i23", None), ("str", None),
                 ("x64", None)]:
        add(f"F.layer_norm(x, (3,), {w}, {b})", lambda L, w=w, b=b: L.nn.functional.layer_norm(
            V(L, "x"), (3,), None if w is None else V(L, w), None if b is None else V(L, b)))
    for eps in [-1.0, "a", None, math.nan, 0]:
        add(f"F.layer_norm(x, (3,), eps={eps!r})", lambda L, eps=eps: L.nn.functional.layer_norm(
            V(L, "x"), (3,), eps=eps))
    for inp in ["x", "v3", "s", "x5d", "img", "i23", "x0", "None", "x64"]:
        add(f"nn.LayerNorm(3)({inp})", lambda L, inp=inp: L.nn.LayerNorm(3)(V(L, inp)))
        add(f"nn.BatchNorm1d(3)({inp})", lambda L, inp=inp: L.nn.BatchNorm1d(3)(V(L, inp)))
        add(f"F.batch_norm({inp}, rm, rv)", lambda L, inp=inp: L.nn.functional.batch_norm(
            V(L, inp), L.zeros(3), L.ones(3)))
        add(f"F.batch_norm({inp}, training)", lambda L, inp=inp: L.nn.functional.batch_norm(
            V(L, inp), None, None, training=True))
    for rm, rv in [("v4", "v4"), ("x", "x"), ("i23", "i23"), ("str", "str"), ("v3", None)]:
        add(f"F.batch_norm(y, {rm}, {rv})", lambda L, rm=rm, rv=rv: L.nn.functional.batch_norm(
            V(L, "y").t(), V(L, rm), None if rv is None else V(L, rv)))
    for kw in [{"momentum": "a"}, {"momentum": -1.0}, {"eps": -1.0}, {"eps": "a"},
               {"training": "a"}, {"weight": "v4"}, {"bias": "x"}]:
        def run_bn(L, kw=kw):
            kw2 = {k: (V(L, v) if k in ("weight", "bias") else v) for k, v in kw.items()}
            kw2.setdefault("training", True)
            return L.nn.functional.batch_norm(V(L, "y").t(), L.zeros(3), L.ones(3), **kw2)
        add(f"F.batch_norm(x, **{kw})", run_bn)
    add("nn.BatchNorm1d(3)(1x3) training", lambda L: L.nn.BatchNorm1d(3)(L.ones(1, 3)))
    add("nn.BatchNorm2d(3)(1x3x1x1) training", lambda L: L.nn.BatchNorm2d(3)(L.ones(1, 3, 1, 1)))
    for args in [(-1,), (0,), (2.5,), ("a",), (3, -1.0), (3, 1e-5, "a"), (None,)]:
        add(f"nn.BatchNorm2d{args!r}", lambda L, args=args: L.nn.BatchNorm2d(*args)(V(L, "img")))
        add(f"nn.LayerNorm{args!r}", lambda L, args=args: L.nn.LayerNorm(*args)(V(L, "x")))

    # activations with bad parameters
    for fn, kw in [("leaky_relu", {"negative_slope": "a"}),
                   ("leaky_relu", {"negative_slope": None}),
                   ("elu", {"alpha": "a"}), ("elu", {"alpha": None}),
                   ("gelu", {"approximate": "bogus"}), ("gelu", {"approximate": None}),
                   ("gelu", {"approximate": 1}), ("softplus", {"beta": 0}),
                   ("softplus", {"beta": "a"}), ("softplus", {"threshold": "a"}),
                   ("dropout", {"p": -0.1}), ("dropout", {"p": 1.5}), ("dropout", {"p": "a"}),
                   ("dropout", {"p": None}), ("dropout", {"p": math.nan}),
                   ("dropout", {"training": "a"}), ("dropout", {"p": 1.0}),
                   ("softmax", {"dim": None}), ("softmax", {"dim": 2}),
                   ("log_softmax", {"dim": "a"}), ("relu", {"inplace": "a"}),
                   ("silu", {"inplace": True}), ("elu", {"inplace": True}),
                   ("leaky_relu", {"inplace": True})]:
        for inp in ["x", "xg", "i23", "b23", "x0", "s", "str"]:
            add(f"F.{fn}({inp}, **{kw})", lambda L, fn=fn, kw=kw, inp=inp: getattr(
                L.nn.functional, fn)(V(L, inp), **kw))
    for inp in ["i23", "b23", "str", "None", "x0", "np_f32"]:
        for fn in ["relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "sigmoid", "tanh"]:
            add(f"F.{fn}({inp})", lambda L, fn=fn, inp=inp: getattr(L.nn.functional, fn)(
                V(L, inp)))

    # -- nn modules: constructors and calls
    for args in [(-1, 3), (3, -1), (2.5, 3), ("a", 3), (None, 3), (3, 3, "a"), (2 ** 70, 1),
                 (3, 4, True, None, "float16")]:
        add(f"nn.Linear{args!r}", lambda L, args=args: L.nn.Linear(*args))
    for inp in ["x", "y", "v3", "v4", "s", "x0", "i23", "x64", "None", "str", "x5d", "np_f32",
                "b23"]:
        add(f"nn.Linear(3, 4)({inp})", lambda L, inp=inp: L.nn.Linear(3, 4)(V(L, inp)))
        add(f"nn.Sequential(Linear, ReLU)({inp})", lambda L, inp=inp: L.nn.Sequential(
            L.nn.Linear(3, 2), L.nn.ReLU())(V(L, inp)))
    for name, args in [("Dropout", (-0.1,)), ("Dropout", (1.5,)), ("Dropout", ("a",)),
                       ("Dropout", (None,)), ("LeakyReLU", ("a",)), ("GELU", ("bogus",)),
                       ("Softmax", ("a",)), ("Softmax", (5,)), ("LogSoftmax", (-5,)),
                       ("Flatten", ("a",)), ("Flatten", (5,)), ("Flatten", (2, 0)),
                       ("MaxPool2d", (0,)), ("AvgPool2d", (-1,)), ("MaxPool2d", ("a",)),
                       ("Identity", (1, 2)), ("ReLU", ("a",)), ("Tanh", (1,)),
                       ("Unfold", (0,)), ("Fold", ((6, 6), 0)), ("ELU", ("a",)),
                       ("SiLU", (1,)), ("Sigmoid", ()), ("Softplus", (0,))]:
        add(f"nn.{name}{args!r}(x)", lambda L, name=name, args=args: getattr(L.nn, name)(*args)(
            V(L, "x")))
    for args in [(1, 2), ("a",), (None,), (object,)]:
        add(f"nn.Sequential{args!r}", lambda L, args=args: L.nn.Sequential(*args))
        add(f"nn.ModuleList({args!r})", lambda L, args=args: L.nn.ModuleList(list(args)))
    add("nn.ModuleList(5)", lambda L: L.nn.ModuleList(5))
    add("nn.ModuleDict([1])", lambda L: L.nn.ModuleDict([1]))
    add("nn.ModuleDict({1: Linear})", lambda L: L.nn.ModuleDict({1: L.nn.Linear(1, 1)}))
    add("Sequential()[5]", lambda L: L.nn.Sequential(L.nn.ReLU())[5])
    add("Sequential()['a']", lambda L: L.nn.Sequential(L.nn.ReLU())["a"])
    add("Module.register_buffer(bad)", lambda L: L.nn.Linear(1, 1).register_buffer("b", 5))
    add("Module.register_buffer('a.b')", lambda L: L.nn.Linear(1, 1).register_buffer(
        "a.b", L.ones(1)))
    add("Module.register_parameter(tensor)", lambda L: L.nn.Linear(1, 1).register_parameter(
        "p", L.ones(1)))
    add("Module.add_module(5)", lambda L: L.nn.Linear(1, 1).add_module(5, L.nn.ReLU()))
    add("Module.add_module(not module)", lambda L: L.nn.Linear(1, 1).add_module("m", 5))
    add("Module.load_state_dict(bad)", lambda L: L.nn.Linear(2, 2).load_state_dict(
        {"weight": L.ones(3, 3), "bias": L.ones(2)}))
    add("Module.load_state_dict(str)", lambda L: L.nn.Linear(2, 2).load_state_dict("a"))
    add("Module.load_state_dict(wrong dtype)", lambda L: L.nn.Linear(2, 2).load_state_dict(
        {"weight": L.ones(2, 2, dtype=L.int64), "bias": L.ones(2)}) and None)
    add("Module.load_state_dict(missing)", lambda L: L.nn.Linear(2, 2).load_state_dict(
        {"weight": L.ones(2, 2)}))
    add("Module.to('cuda')", lambda L: L.nn.Linear(2, 2).to("cuda"))
    add("Module.to('bogus')", lambda L: L.nn.Linear(2, 2).to("bogus"))
    add("Module.to(int64)", lambda L: L.nn.Linear(2, 2).to(L.int64))
    add("Module.train('a')", lambda L: L.nn.Linear(2, 2).train("a"))
    add("Module.apply(5)", lambda L: L.nn.Linear(2, 2).apply(5))
    add("Module.weight = 5", lambda L: setattr(L.nn.Linear(2, 2), "weight", 5))
    add("Module.weight = tensor", lambda L: setattr(L.nn.Linear(2, 2), "weight", L.ones(2, 2)))
    for w in ["x", "i23", "str", "None", "list"]:
        add(f"nn.Parameter({w})", lambda L, w=w: L.nn.Parameter(V(L, w)))
    for name, args in [("clip_grad_norm_", ("a", 1.0)), ("clip_grad_norm_", (None, 1.0)),
                       ("clip_grad_norm_", ([], "a")), ("clip_grad_norm_", ([], -1.0)),
                       ("clip_grad_value_", ([], "a"))]:
        add(f"nn.utils.{name}{args!r}", lambda L, name=name, args=args: getattr(
            L.nn.utils, name)(*args))
    add("clip_grad_norm_(nan grad)", lambda L: _clip_nan(L))
    for init, args in [("uniform_", (5.0, 1.0)), ("normal_", (0, -1.0)), ("constant_", ("a",)),
                       ("xavier_uniform_", ()), ("kaiming_uniform_", ()),
                       ("kaiming_normal_", ()), ("zeros_", ()), ("ones_", ())]:
        for t in ["x", "v3", "i23", "str", "s", "x0"]:
            add(f"nn.init.{init}({t}, {args})", lambda L, init=init, args=args, t=t: getattr(
                L.nn.init, init)(V(L, t), *args))
    for name, kw in [("kaiming_uniform_", {"mode": "bogus"}),
                     ("kaiming_uniform_", {"nonlinearity": "bogus"}),
                     ("xavier_uniform_", {"gain": "a"})]:
        add(f"nn.init.{name}(x, **{kw})", lambda L, name=name, kw=kw: getattr(
            L.nn.init, name)(V(L, "x"), **kw))

    # -- optimizers
    def params(L, kind="good"):
        if kind == "good":
            return L.nn.Linear(3, 2).parameters()
        if kind == "tensor":
            return L.ones(3, requires_grad=True)
        if kind == "empty":
            return []
        if kind == "nonleaf":
            return [L.ones(3, requires_grad=True) * 2]
        if kind == "int":
            return [L.ones(3, dtype=L.int64)]
        if kind == "nograd":
            return [L.ones(3)]
        if kind == "dup":
            p = L.ones(3, requires_grad=True)
            return [p, p]
        if kind == "groups_noparams":
            return [{"lr": 0.1}]
        if kind == "groups_dup":
            p = L.ones(3, requires_grad=True)
            return [{"params": [p]}, {"params": [p]}]
        if kind == "groups_bad":
            return [{"params": 5}]
        if kind == "mixed":
            return [L.ones(3, requires_grad=True), {"params": [L.ones(2, requires_grad=True)]}]
        if kind == "set":
            return {L.ones(3, requires_grad=True)}
        return V(L, kind)

    optims = {"SGD": {"lr": 0.1}, "Adam": {}, "AdamW": {}, "RMSprop": {}, "Adagrad": {}}
    for name, base in optims.items():
        for kind in ["tensor", "empty", "nonleaf", "int", "nograd", "dup", "groups_noparams",
                     "groups_dup", "groups_bad", "mixed", "set", "None", "str", "x", "dict"]:
            add(f"optim.{name}({kind})", lambda L, name=name, kind=kind, base=base: getattr(
                L.optim, name)(params(L, kind), **base))
        bad_kw = [{"lr": -1.0}, {"lr": "a"}, {"lr": None}, {"lr": math.nan}, {"lr": 1 + 1j},
                  {"weight_decay": -1.0}, {"weight_decay": "a"}, {"eps": -1.0},
                  {"momentum": -1.0}, {"nesterov": True}, {"dampening": 0.5, "nesterov": True,
                                                           "momentum": 0.9},
                  {"betas": (1.0, 0.999)}, {"betas": (0.9, -0.1)}, {"betas": (0.9,)},
                  {"betas": "a"}, {"alpha": -1.0}, {"lr_decay": -1.0},
                  {"initial_accumulator_value": -1.0}, {"amsgrad": "a"}, {"foreach": "a"},
                  {"maximize": "a"}, {"bogus": 1}, {"lr": L_TENSOR_MARK}]
        for kw in bad_kw:
            def run_opt(L, name=name, kw=kw, base=base):
                kw2 = dict(base, **kw)
                if kw2.get("lr") is L_TENSOR_MARK:
                    kw2["lr"] = L.tensor(0.1)
                opt = getattr(L.optim, name)(params(L), **kw2)
                return _one_step(L, opt)
            add(f"optim.{name}(**{kw})", run_opt)
    for name, args in [("StepLR", {"step_size": 0}), ("StepLR", {"step_size": "a"}),
                       ("StepLR", {}), ("ExponentialLR", {"gamma": "a"}),
                       ("MultiStepLR", {"milestones": [3, 1]}), ("LambdaLR", {"lr_lambda": 5}),
                       ("CosineAnnealingLR", {"T_max": 0}), ("StepLR", {"step_size": 1,
                                                                         "last_epoch": 5})]:
        def run_sched(L, name=name, args=args):
            if not hasattr(L.optim.lr_scheduler, name):
                raise NotImplementedError(name)
            opt = L.optim.SGD(params(L), lr=0.1)
            s = getattr(L.optim.lr_scheduler, name)(opt, **args)
            opt.step()
            s.step()
            return s.get_last_lr()
        add(f"lr_scheduler.{name}(**{args})", run_sched)
    add("optim.SGD.step(closure=5)", lambda L: L.optim.SGD(params(L), lr=0.1).step(5))
    add("optim.load_state_dict(bad)", lambda L: L.optim.SGD(params(L), lr=0.1).load_state_dict(
        {"state": {}, "param_groups": [{"params": [0, 1, 2]}]}))
    add("optim.load_state_dict(str)", lambda L: L.optim.SGD(params(L), lr=0.1).load_state_dict(
        "a"))
    add("optim.add_param_group(dup)", lambda L: _add_group_dup(L))
    add("optim.zero_grad('a')", lambda L: L.optim.SGD(params(L), lr=0.1).zero_grad("a"))

    # -- autograd misuse
    add("x.backward() non-scalar", lambda L: V(L, "xg").exp().backward())
    add("backward(wrong shape grad)", lambda L: V(L, "xg").exp().backward(L.ones(3)))
    add("backward(int grad)", lambda L: V(L, "xg").exp().backward(L.ones(2, 3, dtype=L.int64)))
    add("backward(str grad)", lambda L: V(L, "xg").exp().backward("a"))
    add("backward(f64 grad)", lambda L: _grad_of(L, lambda x: x.exp().backward(
        L.ones(2, 3, dtype=L.float64))))
    add("backward no grad", lambda L: V(L, "x").sum().backward())
    add("i23.requires_grad_()", lambda L: V(L, "i23").requires_grad_())
    add("b23.requires_grad = True", lambda L: setattr(V(L, "b23"), "requires_grad", True))
    add("tensor(int, requires_grad)", lambda L: L.tensor([1, 2], requires_grad=True))
    add("zeros(int64, requires_grad)", lambda L: L.zeros(2, dtype=L.int64, requires_grad=True))
    add("x.grad = wrong shape", lambda L: setattr(V(L, "xg"), "grad", L.ones(3)))
    add("x.grad = str", lambda L: setattr(V(L, "xg"), "grad", "a"))
    add("x.grad = int", lambda L: setattr(V(L, "xg"), "grad", L.ones(2, 3, dtype=L.int64)))
    add("autograd.grad(x, x) no graph", lambda L: L.autograd.grad(V(L, "x"), V(L, "x")))
    add("autograd.grad(str)", lambda L: L.autograd.grad("a", V(L, "xg")))
    add("autograd.grad(unused)", lambda L: L.autograd.grad(V(L, "xg").sum(), V(L, "xg")))
    add("autograd.grad(wrong grad_outputs)", lambda L: _autograd_grad(L, "bad_go"))
    add("autograd.grad(non-scalar)", lambda L: _autograd_grad(L, "non_scalar"))
    add("x.register_hook(5)", lambda L: V(L, "xg").register_hook(5))
    add("x.register_hook(no grad)", lambda L: V(L, "x").register_hook(lambda g: g))
    add("x.retain_grad() no grad", lambda L: V(L, "x").retain_grad())
    add("hook returns wrong shape", lambda L: _hook_wrong(L))
    add("hook returns str", lambda L: _hook_wrong(L, "str"))
    add("item() of non-scalar", lambda L: V(L, "x").item())
    add("float(x)", lambda L: float(V(L, "x")))
    add("bool(x)", lambda L: bool(V(L, "x")))
    add("len(s)", lambda L: len(V(L, "s")))
    add("iter(s)", lambda L: list(V(L, "s")))
    add("x.numpy() requires grad", lambda L: V(L, "xg").numpy())
    add("hash list of x in x", lambda L: V(L, "x") in [V(L, "x45")])
    add("x.to('cuda')", lambda L: V(L, "x").to("cuda"))
    add("x.to('bogus')", lambda L: V(L, "x").to("bogus"))
    add("x.cuda()", lambda L: V(L, "x").cuda())
    add("x.type('bogus')", lambda L: V(L, "x").type("bogus"))
    add("x.view(int64)", lambda L: V(L, "x").view(L.int64))
    add("x.t() 3d", lambda L: V(L, "bt").t())
    add("x.T 3d", lambda L: V(L, "bt").T)
    add("x.mT 1d", lambda L: V(L, "v3").mT)
    add("device('bogus')", lambda L: L.device("bogus"))
    add("device(5.5)", lambda L: L.device(5.5))
    add("set_default_dtype(int64)", lambda L: L.set_default_dtype(L.int64))
    add("set_default_dtype('a')", lambda L: L.set_default_dtype("a"))
    add("set_num_threads(0)", lambda L: L.set_num_threads(0))
    add("set_num_threads('a')", lambda L: L.set_num_threads("a"))
    add("set_printoptions(precision='a')", lambda L: L.set_printoptions(precision="a"))
    add("no_grad(5)", lambda L: L.no_grad(5))
    add("set_grad_enabled('a')", lambda L: L.set_grad_enabled("a"))
    return cases


L_SIZE_MARK = object()          # stands for "x.shape[1:]" (a Size) in a table
L_TENSOR_MARK = object()        # stands for "a 0-d tensor" in a table


def _primed(good, bad):
    """Run ``good()`` (which must work) then return ``bad()``."""
    good()
    return bad()


def _iadd(a, b):
    a += b
    return a


def _idiv(a, b):
    a /= b
    return a


def _setitem(t, k, v):
    t[k] = v
    return t


def _clip_nan(L):
    p = L.ones(3, requires_grad=True)
    p.grad = L.tensor([math.nan, 1.0, 2.0])
    return L.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def _one_step(L, opt):
    for group in opt.param_groups:
        for p in group["params"]:
            p.grad = L.ones_like(p)
    opt.step()
    return [p.detach().clone() for g in opt.param_groups for p in g["params"]]


def _add_group_dup(L):
    m = L.nn.Linear(2, 2)
    opt = L.optim.SGD(m.parameters(), lr=0.1)
    opt.add_param_group({"params": [m.weight]})
    return opt


def _grad_of(L, f):
    x = L.tensor(ARR["f23"], requires_grad=True)
    f(x)
    return x.grad


def _autograd_grad(L, how):
    x = L.tensor(ARR["f23"], requires_grad=True)
    if how == "bad_go":
        return L.autograd.grad(x.exp(), x, grad_outputs=L.ones(3))
    return L.autograd.grad(x.exp(), x)


def _hook_wrong(L, what="shape"):
    x = L.tensor(ARR["f23"], requires_grad=True)
    x.register_hook(lambda g: L.ones(3) if what == "shape" else "a")
    x.exp().sum().backward()
    return x.grad


CASES = _cases()


# ------------------------------------------------------------------ running one case

_INTERNAL = (AttributeError, KeyError, ZeroDivisionError, UnboundLocalError, NameError,
             AssertionError, RecursionError, SystemError, MemoryError, OverflowError,
             StopIteration, UnicodeError, BufferError, LookupError)
# numpy's or numba's own wording reaching the user (type names such as numpy.ndarray are
# fine: torch prints them too)
_NUMPY_LEAK = re.compile(r"ufunc|could not be broadcast|dtype\(['\"]|array is too big|"
                         r"axis -?\d+ is out of bounds|numba|nopython|Cannot cast array|"
                         r"only integers, slices|arrays used as indices|setting an array element|"
                         r"cannot reshape array|object has no attribute")


def _is_numba_class(cls):
    return any((c.__module__ or "").split(".")[0] == "numba" for c in cls.__mro__)


def _chain(e):
    seen = []
    while e is not None and e not in seen:
        seen.append(e)
        e = e.__cause__ or e.__context__
    return seen


def _summary(out, depth=0):
    """A comparable description of a call's result (tensors as numpy arrays)."""
    if depth > 4:
        return ["deep"]
    if hasattr(out, "detach") and hasattr(out, "dtype") and hasattr(out, "shape"):
        arr = out.detach().numpy() if out.dtype is not None else None
        return ["tensor", str(out.dtype).split(".")[-1], list(out.shape), arr,
                bool(out.requires_grad)]
    if isinstance(out, (bool, int, float, complex, str, type(None))):
        return ["scalar", out]
    if isinstance(out, (tuple, list)):
        kind = "seq"
        return [kind, [_summary(o, depth + 1) for o in out]]
    if isinstance(out, np.ndarray):
        return ["ndarray", str(out.dtype), list(out.shape), out]
    return ["object", type(out).__name__]


def _same(a, b):
    """None when the two summaries agree, else a description of the difference."""
    if a[0] != b[0]:
        return f"kind {a[0]} != torch's {b[0]}"
    if a[0] == "tensor":
        if a[1] != b[1]:
            return f"dtype {a[1]} != torch's {b[1]}"
        if a[2] != b[2]:
            return f"shape {a[2]} != torch's {b[2]}"
        if a[4] != b[4]:
            return f"requires_grad {a[4]} != torch's {b[4]}"
        x, y = a[3], b[3]
        if x.dtype.kind == "f":
            ok = np.allclose(x, y, rtol=1e-4, atol=1e-6, equal_nan=True)
        else:
            ok = np.array_equal(x, y)
        return None if ok else f"values differ: {x.ravel()[:6]} vs torch's {y.ravel()[:6]}"
    if a[0] == "scalar":
        x, y = a[1], b[1]
        if type(x) is not type(y):
            return f"type {type(x).__name__} != torch's {type(y).__name__}"
        if isinstance(x, float) and math.isnan(x) and math.isnan(y):
            return None
        if isinstance(x, float):
            return None if math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-7) else f"{x} != {y}"
        return None if x == y else f"{x!r} != torch's {y!r}"
    if a[0] == "seq":
        if len(a[1]) != len(b[1]):
            return f"length {len(a[1])} != torch's {len(b[1])}"
        for i, (x, y) in enumerate(zip(a[1], b[1])):
            d = _same(x, y)
            if d:
                return f"[{i}]: {d}"
        return None
    if a[0] == "ndarray":
        same = a[1:3] == b[1:3] and np.array_equal(a[3], b[3], equal_nan=a[3].dtype.kind == "f")
        return None if same else "ndarray differs"
    return None         # objects (modules, hooks, ...): their type names are compared as a note


def _bad_warning(w):
    cat = w.category
    mod = (cat.__module__ or "").split(".")[0]
    fname = (w.filename or "").replace("\\", "/")
    return (mod in ("numpy", "numba") or "/numpy/" in fname or "/numba/" in fname
            or cat is RuntimeWarning or "encountered in" in str(w.message))


def run_case(lib, case):
    """Run one case with ``lib``: a dict describing the outcome."""
    lib.manual_seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = case.run(lib)
            res = {"ok": True, "summary": _summary(out)}
        except Exception as e:   # noqa: BLE001  (classifying every outcome is the point)
            chain = _chain(e)
            res = {"ok": False, "exc": type(e).__name__,
                   "exc_module": type(e).__module__,
                   "msg": str(e)[:400],
                   "numba": [f"{type(c).__module__}.{type(c).__name__}" for c in chain
                             if _is_numba_class(type(c))],
                   "internal": isinstance(e, _INTERNAL),
                   "where": traceback.extract_tb(e.__traceback__)[-1].filename
                   if e.__traceback__ else ""}
    res["warnings"] = [f"{w.category.__module__}.{w.category.__name__}: {w.message} "
                       f"({os.path.basename(w.filename)}:{w.lineno})"
                       for w in caught if _bad_warning(w)]
    return res


def _worker(start):
    """Run CASES[start:], printing ``S i`` before and ``R i json`` after each."""
    import jitgrad
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    jitgrad.set_default_dtype(jitgrad.float32)
    out = sys.stdout
    for i in range(start, len(CASES)):
        case = CASES[i]
        out.write(f"S {i}\n")
        out.flush()
        j = run_case(jitgrad, case)
        t = run_case(torch, case) if torch is not None else None
        rec = classify(case.id, j, t)
        out.write(f"R {i} {json.dumps(rec)}\n")
        out.flush()
        # a case must not change global state for the next (default dtype, grad mode)
        if jitgrad.get_default_dtype() is not jitgrad.float32:
            jitgrad.set_default_dtype(jitgrad.float32)
        if torch is not None and torch.get_default_dtype() is not torch.float32:
            torch.set_default_dtype(torch.float32)
        jitgrad.set_grad_enabled(True)
        if torch is not None:
            torch.set_grad_enabled(True)


def classify(cid, j, t):
    """The worker's record of one case: its defects and informational notes."""
    rec = {"id": cid, "defects": [], "notes": []}
    if j["warnings"]:
        rec["defects"].append(["warning", "; ".join(j["warnings"])])
    if not j["ok"]:
        rec["outcome"] = f"{j['exc']}: {j['msg'][:200]}"
        if j["numba"]:
            rec["defects"].append(["numba", f"{j['exc']} (chain: {', '.join(j['numba'])}): "
                                            f"{j['msg'][:300]}"])
        if _NUMPY_LEAK.search(j["msg"]):
            rec["notes"].append(["leak", f"{j['exc']}: {j['msg'][:200]}"])
    else:
        rec["outcome"] = "returned"
    if t is None:
        if not j["ok"] and j["internal"]:
            rec["notes"].append(["internal", f"{j['exc']}: {j['msg'][:200]}"])
        return rec
    if j["ok"] and not t["ok"]:
        rec["defects"].append(["wrong", f"returned, torch raises {t['exc']}: {t['msg'][:200]}"])
    elif j["ok"] and t["ok"]:
        d = _same(j["summary"], t["summary"])
        if d:
            rec["defects"].append(["wrong", d])
        elif j["summary"][0] == "object" and j["summary"][1] != t["summary"][1]:
            rec["notes"].append(["object_type", f"{j['summary'][1]} (torch: {t['summary'][1]})"])
    elif not j["ok"] and t["ok"]:
        rec["notes"].append(["rejects", f"{j['exc']}: {j['msg'][:200]}"])
    else:
        if j["exc"] != t["exc"]:
            rec["notes"].append(["exc_type", f"{j['exc']} (torch: {t['exc']}): "
                                             f"{j['msg'][:150]} || torch: {t['msg'][:150]}"])
            if j["internal"]:
                rec["notes"].append(["internal", f"{j['exc']}: {j['msg'][:200]}"])
        elif j["msg"] != t["msg"].replace("torch.", "jitgrad.").replace("torch", "jitgrad"):
            rec["notes"].append(["message", f"{j['msg'][:150]} || torch: {t['msg'][:150]}"])
    return rec


# ------------------------------------------------------------------ the driver

def run_all(timeout=HANG_SECONDS):
    """Run every case in worker subprocesses; restart after a crash or a hang.
    Returns the list of records (one per case)."""
    records = {}
    start = 0
    env = dict(os.environ, PYTHONFAULTHANDLER="1", NUMBA_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [os.path.dirname(HERE),
                                                        os.environ.get("PYTHONPATH")])))
    while start < len(CASES):
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker",
                                 str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=os.path.dirname(HERE))
        current = None
        buf = b""
        last = time.monotonic()
        hung = False
        stderr_chunks = []
        while True:
            r, _, _ = select.select([proc.stdout, proc.stderr], [], [], 1.0)
            if proc.stderr in r:
                chunk = os.read(proc.stderr.fileno(), 65536)
                if chunk:
                    stderr_chunks.append(chunk)
            if proc.stdout in r:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
                last = time.monotonic()
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    if line.startswith(b"S "):
                        current = int(line.split()[1])
                    elif line.startswith(b"R "):
                        _, i, payload = line.split(b" ", 2)
                        records[int(i)] = json.loads(payload)
                        current = None
            elif time.monotonic() - last > timeout:
                hung = True
                proc.kill()
                break
        proc.wait()
        err = b"".join(stderr_chunks).decode(errors="replace")
        if current is None:
            if proc.returncode != 0 and len(records) < len(CASES) - start:
                raise RuntimeError(f"fuzz worker failed outside a case:\n{err[-3000:]}")
            break
        what = "hang" if hung else f"crash (exit status {proc.returncode})"
        records[current] = {"id": CASES[current].id, "outcome": what, "notes": [],
                            "defects": [["crash", f"{what}: {err[-500:]}"]]}
        start = current + 1
    return [records[i] for i in sorted(records)]


def report(records):
    defects = Counter()
    notes = Counter()
    lines = []
    for rec in records:
        for kind, _ in rec["defects"]:
            defects[kind] += 1
        for kind, _ in rec["notes"]:
            notes[kind] += 1
    known = [r for r in records if r["defects"] and r["id"] in KNOWN_DEFECTS]
    new = [r for r in records if r["defects"] and r["id"] not in KNOWN_DEFECTS]
    lines.append(f"fuzz_api: {len(records)} calls; Numba errors: {defects['numba']}, "
                 f"crashes/hangs: {defects['crash']}, silent wrong results: {defects['wrong']}, "
                 f"numpy/numba warnings: {defects['warning']} "
                 f"(known defects: {len(known)}, new: {len(new)})")
    lines.append(f"  informational: jitgrad rejects what torch accepts: {notes['rejects']}, "
                 f"other exception type than torch: {notes['exc_type']}, other message: "
                 f"{notes['message']}, internal exception types: {notes['internal']}, "
                 f"other object type: {notes['object_type']}, "
                 f"numpy/numba internals in messages: {notes['leak']}")
    for r in known:
        lines.append(f"  KNOWN {r['id']}: {KNOWN_DEFECTS[r['id']]}: {r['defects']}")
    for r in new:
        for kind, what in r["defects"]:
            lines.append(f"  DEFECT [{kind}] {r['id']}: {what}")
    return defects, new, "\n".join(lines)


def test_fuzz_public_api():
    records = run_all()
    assert len(records) == len(CASES)
    assert len(CASES) >= 500
    _, new, text = report(records)
    print("\n" + text)
    assert not new, text


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        _worker(int(sys.argv[2]))
    else:
        recs = run_all()
        print(report(recs)[2])
        verbose = set(sys.argv[1:])
        for r in recs:
            for kind, what in r["notes"]:
                if kind in verbose or "all" in verbose:
                    print(f"  note [{kind}] {r['id']}: {what}")
