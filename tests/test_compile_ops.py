"""``jitgrad.compile`` op by op: every op the compiler fuses gives eager's
values and gradients.

The parameter lists come from the op table (``jitgrad.derivatives``) and
``jitgrad.compiler.rules.fusable``: every fusable unary and binary op is
compiled two ways, with ``.sum().backward()`` inside the compiled function
(the whole step is captured) and with the op's result returned (its one node
is ``CompiledFunctionBackward``, the backward runs outside). The ops the
compiler does not fuse must break the graph (a warning, eager results).
Composite rules (losses, softmax, linear, matmul, reductions, views, stack,
iterating over a tensor) are checked the same way.

Each compiled function is called three times: call 1 traces (it runs
eagerly), calls 2 and 3 replay the compiled graph; every call is compared
with a fresh eager computation on equal inputs. Eager jitgrad is the oracle
(torch is not needed), plus a few hand-derived gradients.
"""
import operator
import warnings

import numpy as np
import pytest

import jitgrad
import jitgrad.compiler
import jitgrad.nn.functional as F
from jitgrad import derivatives
from jitgrad.compiler.rules import fusable
from test_ops_elementwise import BINARY_DOMAIN, UNARY_DOMAIN, away_from_zero, normal


# generated kernels go to a directory of this test session (conftest.py)
pytestmark = pytest.mark.usefixtures("compile_cache_dir")


# ------------------------------------------------------------------ inputs


def unit_interval(shape, rng):
    return np.asarray(rng.uniform(0.05, 0.95, shape))


def classes4(shape, rng):
    """Class indices (int64) for 4 classes."""
    return np.asarray(rng.integers(0, 4, shape), dtype=np.int64)


UNARY_FUSED = sorted(n for n, op in derivatives.UNARY.items() if fusable(op))
BINARY_FUSED = sorted(n for n, op in derivatives.BINARY.items() if fusable(op))
NOT_FUSED = sorted([n for n, op in derivatives.UNARY.items() if not fusable(op)]
                   + [n for n, op in derivatives.BINARY.items() if not fusable(op)])
# The table ops the compiler does not fuse today (their formulas use functions
# formulas.scalar_code can't translate, or they have no scalar form). Pinned, so
# that an op dropping out of fusion is noticed; shrink it when one becomes fusable.
EXPECTED_NOT_FUSED = sorted(["floor", "ceil", "round", "log2", "log10", "tan", "asin", "acos",
                             "remainder", "fmod", "div_floor", "div_trunc"])

# Each compiled graph costs a Numba compile (~0.4 s plus ~0.07 s per op), so the
# (mode, dtype) combinations are spread rather than crossed: every op is compiled
# on its own in PER_OP's combinations (the unary ops in one of them, in turns), and
# all the ops of a table in one graph in the other two (CROSS); each binary op's
# broadcasting shapes take the CROSS combinations too. So each op meets both modes
# in both dtypes.
PER_OP = [("returned", np.float32), ("step", np.float64)]
CROSS = [("returned", np.float64), ("step", np.float32)]


def config_ids(configs):
    return [f"{mode}-{np.dtype(dtype).name}" for mode, dtype in configs]


def alternating(cases):
    """Each case in one of PER_OP's combinations, taking turns: for ops that
    also run all together in CROSS's two (a Numba compile saved per op)."""
    return [pytest.param(*(c if isinstance(c, tuple) else (c,)), *PER_OP[k % 2],
                         id=f"{'-'.join(map(str, c if isinstance(c, tuple) else (c,)))}-"
                            f"{config_ids([PER_OP[k % 2]])[0]}")
            for k, c in enumerate(cases)]


# float32: compiled code may reduce in float64 or in another order than eager
TOL = {np.dtype(np.float32): dict(rtol=1e-5, atol=1e-6),
       np.dtype(np.float64): dict(rtol=1e-12, atol=1e-12)}


class In:
    """One input of one call: a numpy array that becomes a leaf tensor
    (requiring grad unless ``grad=False``); ``noncontig`` makes the leaf a
    transposed view (``base.t()``) of a (n, m) buffer."""

    def __init__(self, array, grad=True, noncontig=False):
        self.array = array
        self.grad = grad
        self.noncontig = noncontig

    def tensor(self):
        a = self.array
        if self.noncontig:
            t = jitgrad.tensor(np.ascontiguousarray(a.T)).t().detach()
            assert not t.is_contiguous()
        else:
            t = jitgrad.tensor(a)
        return t.requires_grad_(self.grad)


def _make(inputs):
    return [i.tensor() if isinstance(i, In) else i for i in inputs]


def _compile_warnings(record):
    return [str(w.message) for w in record if str(w.message).startswith("jitgrad.compile")]


def check_compiled(fn, calls, mode, cotangent=None, labels=None):
    """Compile ``fn`` (a function of tensors and numbers returning a tensor)
    and call it once per entry of ``calls`` (lists of ``In`` and numbers),
    comparing each call with eager ``fn`` on equal inputs.

    ``mode="returned"``: the compiled function returns ``fn(...)`` and the
    backward runs outside, through ``CompiledFunctionBackward``; every call
    gets fresh leaf tensors (laid out as its ``In`` says).
    ``mode="step"``: the compiled function runs ``(fn(...) * w).sum().backward()``
    itself, as a training step does; its leaves are the same tensors at
    every call (laid out as call 2's ``In``: non-contiguous), their values
    rewritten in place and their ``.grad`` set to None between calls, the
    way parameters are used. (Fresh leaves at each call are the subject of
    test_compile.py::test_whole_step_gradients_reach_each_calls_arguments.)

    ``w`` is ``cotangent`` (a numpy array, read from the closure as a
    tensor), or all ones when None. ``labels`` name the inputs in messages.
    """
    w = None if cotangent is None else jitgrad.tensor(cotangent)

    def seeded(out):
        return out.sum() if w is None else (out * w).sum()

    if mode == "step":
        def step(*args):
            out = fn(*args)
            seeded(out).backward()
            return out
        compiled = jitgrad.compile(step)
        leaves = _make(calls[1])
    else:
        compiled = jitgrad.compile(fn)

    for call, inputs in enumerate(calls):
        if mode == "step":
            got_in = leaves
            for t, i in zip(leaves, inputs):
                if isinstance(i, In):
                    with jitgrad.no_grad():
                        t.copy_(jitgrad.tensor(i.array))
                    t.grad = None
        else:
            got_in = _make(inputs)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            got = compiled(*got_in)
            if mode == "returned":
                seeded(got).backward()
        assert not _compile_warnings(record), _compile_warnings(record)
        want_in = _make(inputs)
        want = fn(*want_in)
        seeded(want).backward()

        assert got.dtype == want.dtype
        assert tuple(got.shape) == tuple(want.shape)
        assert got.requires_grad == want.requires_grad
        if call and want.requires_grad:
            # calls 2 and 3 replay: the result's one node is the compiled graph's
            assert type(got.grad_fn).__name__ == "CompiledFunctionBackward", (call, got.grad_fn)
        tol = TOL[np.dtype(want.detach().numpy().dtype)]
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), **tol,
                                   err_msg=f"forward values, call {call + 1} ({mode})")
        for k, (a, b) in enumerate(zip(got_in, want_in)):
            if not isinstance(b, jitgrad.Tensor) or not b.requires_grad:
                continue
            k = k if labels is None else labels[k]
            assert (a.grad is None) == (b.grad is None), \
                f"input {k}: .grad is {a.grad!r}, eager's is {b.grad!r} (call {call + 1}, {mode})"
            if b.grad is not None:
                assert a.grad.dtype == b.grad.dtype
                assert tuple(a.grad.shape) == tuple(b.grad.shape)
                np.testing.assert_allclose(
                    a.grad.numpy(), b.grad.numpy(), **tol,
                    err_msg=f"gradient of input {k}, call {call + 1} ({mode})")
    return compiled


def three_calls(make):
    """Three calls' inputs from ``make(rng, noncontig)``: contiguous (the
    trace), non-contiguous (a replay), contiguous again (a replay)."""
    rng = np.random.default_rng(1234)
    return [make(rng, False), make(rng, True), make(rng, False)]


# ------------------------------------------------------------ the op table


def test_every_fused_op_has_a_domain():
    assert set(UNARY_FUSED) <= set(UNARY_DOMAIN)
    assert set(BINARY_FUSED) <= set(BINARY_DOMAIN)
    assert UNARY_FUSED and BINARY_FUSED


def test_the_ops_not_fused_are_pinned():
    assert NOT_FUSED == EXPECTED_NOT_FUSED


def unary_fn(name):
    return lambda x: getattr(jitgrad, name)(x)


def binary_fn(name):
    return lambda x, y: getattr(jitgrad, name)(x, y)


# (each op alone in one PER_OP combination, in turns, and with all the others in CROSS's
# two graphs: it meets both modes and both dtypes)
@pytest.mark.parametrize("name,mode,dtype", alternating(UNARY_FUSED))
def test_unary(name, mode, dtype):
    domain = UNARY_DOMAIN[name]

    def make(rng, noncontig):
        return [In(domain((3, 4), rng).astype(dtype), noncontig=noncontig)]
    check_compiled(unary_fn(name), three_calls(make), mode)


# the table's activations with parameters (derivatives.Pointwise), as nn.functional
# calls them; the in-place forms are not captured (an in-place op breaks the graph)
POINTWISE = sorted(n for n, op in derivatives.COMPOSITE.items()
                   if isinstance(op, derivatives.Pointwise))
POINTWISE_CALLS = {"leaky_relu": lambda x: F.leaky_relu(x, 0.2),
                   "elu": lambda x: F.elu(x, alpha=0.7), "gelu": lambda x: F.gelu(x),
                   "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
                   "silu": lambda x: F.silu(x),
                   "softplus": lambda x: F.softplus(x, beta=2, threshold=1),
                   # log gives nan (x < 0) and -inf (x == 0) for nan_to_num to replace
                   "nan_to_num": lambda x: jitgrad.nan_to_num(x.log(), nan=0.5, neginf=-3.0),
                   "hardtanh": lambda x: F.hardtanh(x, -0.5, 2.0) + F.relu6(x),
                   "hardsigmoid": lambda x: F.hardsigmoid(x),
                   "hardswish": lambda x: F.hardswish(x),
                   "log_sigmoid": lambda x: F.logsigmoid(x),
                   "hardshrink": lambda x: F.hardshrink(x, 0.7),
                   "softshrink": lambda x: F.softshrink(x),
                   "threshold": lambda x: F.threshold(x, 0.25, -2.0),
                   # (x * 3 reaches past mish's cut-over at 20)
                   "mish": lambda x: F.mish(x * 3), "selu": lambda x: F.selu(x),
                   "celu": lambda x: F.celu(x, alpha=0.3) + F.celu(x)}
POINTWISE_IN_PLACE = {"leaky_relu_", "elu_"}
# entries with no scalar form yet: jitgrad.compile runs them as calls of the eager op
# (test_compile_extern.py); their own tests are in test_ops_activations_losses.py and
# test_ops_special.py. The in-place forms here record their eager op too.
POINTWISE_EAGER = {"selu_", "celu_", "threshold_", "lgamma", "digamma", "polygamma"}


def test_every_pointwise_entry_is_fused_or_in_place():
    assert set(POINTWISE) == set(POINTWISE_CALLS) | POINTWISE_IN_PLACE | POINTWISE_EAGER
    assert all(fusable(derivatives.COMPOSITE[n]) for n in POINTWISE_CALLS)


# (PER_OP's two combinations: each activation meets both modes and both dtypes)
@pytest.mark.parametrize("mode,dtype", PER_OP, ids=config_ids(PER_OP))
@pytest.mark.parametrize("name", sorted(POINTWISE_CALLS))
def test_pointwise(name, mode, dtype):
    def make(rng, noncontig):
        return [In((rng.standard_normal((3, 4)) * 3).astype(dtype), noncontig=noncontig)]
    check_compiled(POINTWISE_CALLS[name], three_calls(make), mode)


# the table's pointwise ops of several tensors (derivatives.Nary), as the API calls them;
# the third input broadcasts ((4,) or (3, 1)) and is the divisor of addcdiv
NARY = sorted(n for n, op in derivatives.COMPOSITE.items() if isinstance(op, derivatives.Nary))
NARY_CALLS = {"lerp": lambda a, b, c: jitgrad.lerp(a, b, 0.3) * c,
              "lerp_tensor": lambda a, b, c: a.lerp(b, c),
              "addcmul": lambda a, b, c: jitgrad.addcmul(a, b, c, value=0.5),
              "addcdiv": lambda a, b, c: a.addcdiv(b, c, value=2)}


def test_every_nary_entry_is_fused():
    assert set(NARY) == set(NARY_CALLS)
    assert all(fusable(derivatives.COMPOSITE[n]) for n in NARY)


@pytest.mark.parametrize("mode,dtype,cshape", [(*c, (4,)) for c in PER_OP] +
                         [(*c, (3, 1)) for c in CROSS],
                         ids=[f"{i}-c{''.join(map(str, s))}" for i, s in
                              zip(config_ids(PER_OP + CROSS), [(4,), (4,), (3, 1), (3, 1)])])
@pytest.mark.parametrize("name", NARY)
def test_nary(name, mode, dtype, cshape):
    def make(rng, noncontig):
        return [In(normal((3, 4), rng).astype(dtype), noncontig=noncontig),
                In(normal((3, 4), rng).astype(dtype)),
                In(away_from_zero(cshape, rng).astype(dtype))]
    check_compiled(NARY_CALLS[name], three_calls(make), mode)


# the table's elementwise composites with a scalar form (derivatives.Composite with
# slots: the clamp family, where), as the API calls them: (fn, [(domain, shape)])
SLOTTED = sorted(n for n, op in derivatives.COMPOSITE.items()
                 if isinstance(op, derivatives.Composite) and op.slots)


def halves(shape, rng):
    """Multiples of 0.5 in [-1.5, 1.5]: elements equal to the clamp bounds, where
    the gradient's inclusive tests decide."""
    return np.asarray(rng.integers(-3, 4, shape) / 2)


SLOTTED_CALLS = {
    "clamp": (lambda x: x.clamp(-0.5, 1.0) * x + jitgrad.clip(x, max=0.5, min=-1.0),
              [(halves, (3, 4))]),
    "clamp_min": (lambda x: x.clamp_min(0.5).sin() + jitgrad.clamp(x, min=-0.5),
                  [(halves, (3, 4))]),
    "clamp_max": (lambda x: x.clamp_max(0.5).sin() + x.clamp(max=-0.5), [(halves, (3, 4))]),
    # bounds that broadcast, cross (max < min) in places and meet x exactly
    "clamp_tensor": (lambda x, lo, hi: x.clamp(lo, hi) * 2, [(halves, (3, 4)),
                                                            (halves, (4,)), (halves, (3, 1))]),
    "clamp_min_tensor": (lambda x, lo: jitgrad.clamp_min(x, lo).exp(),
                         [(halves, (3, 4)), (halves, (4,))]),
    "clamp_max_tensor": (lambda x, hi: x.clamp(max=hi).exp(), [(halves, (3, 4)), (halves, (3, 1))]),
    # the function and the method (other argument order), a number operand, masked_fill
    "where": (lambda x, y: jitgrad.where(x > 0, x * 2, y.tanh()) + (x * 3).where(y > 0, 0.5)
              + x.masked_fill(y < 0, -2.0),
              [(normal, (3, 4)), (normal, (4,))]),
}


def test_every_slotted_entry_has_a_call():
    assert set(SLOTTED) == set(SLOTTED_CALLS)
    assert all(fusable(derivatives.COMPOSITE[n]) for n in SLOTTED)


@pytest.mark.parametrize("name,mode,dtype", alternating(sorted(SLOTTED_CALLS)))
def test_slotted(name, mode, dtype):
    fn, spec = SLOTTED_CALLS[name]

    def make(rng, noncontig):
        return [In(domain(shape, rng).astype(dtype), noncontig=noncontig and k == 0)
                for k, (domain, shape) in enumerate(spec)]
    compiled = check_compiled(fn, three_calls(make), mode)
    assert _eager_calls(compiled) == set(), "an op of the graph replayed as its eager call"


BINARY_CASES = [((3, 4), *c) for c in PER_OP] + [((4,), *CROSS[0]), ((3, 1), *CROSS[1])]


@pytest.mark.parametrize("yshape,mode,dtype", BINARY_CASES,
                         ids=[f"y{''.join(map(str, y))}-{i}" for (y, *_), i in
                              zip(BINARY_CASES, config_ids([c[1:] for c in BINARY_CASES]))])
@pytest.mark.parametrize("name", BINARY_FUSED)
def test_binary(name, yshape, mode, dtype):
    """x (3, 4) with y (3, 4), (4,) and (3, 1): broadcasting sums y's gradient."""
    dx, dy = BINARY_DOMAIN[name]

    def make(rng, noncontig):
        return [In(dx((3, 4), rng).astype(dtype), noncontig=noncontig),
                In(dy(yshape, rng).astype(dtype), noncontig=noncontig and yshape == (3, 4))]
    check_compiled(binary_fn(name), three_calls(make), mode)


@pytest.mark.parametrize("mode,dtype", CROSS, ids=config_ids(CROSS))
def test_all_unary_ops_in_one_graph(mode, dtype):
    names = UNARY_FUSED

    def fn(*xs):
        return jitgrad.stack([getattr(jitgrad, n)(x) for n, x in zip(names, xs)])

    def make(rng, noncontig):
        return [In(UNARY_DOMAIN[n]((3, 4), rng).astype(dtype), noncontig=noncontig)
                for n in names]
    check_compiled(fn, three_calls(make), mode, labels=names)


@pytest.mark.parametrize("mode,dtype", CROSS, ids=config_ids(CROSS))
def test_all_binary_ops_in_one_graph(mode, dtype):
    names = BINARY_FUSED

    def fn(*xs):
        return jitgrad.stack([getattr(jitgrad, n)(x, y)
                              for n, x, y in zip(names, xs[::2], xs[1::2])])

    def make(rng, noncontig):
        return [In(d((3, 4), rng).astype(dtype), noncontig=noncontig)
                for n in names for d in BINARY_DOMAIN[n]]
    check_compiled(fn, three_calls(make), mode,
                   labels=[f"{n}.{side}" for n in names for side in ("self", "other")])


OPERATOR = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
            "div": operator.truediv, "pow": operator.pow}


# (an op's two sides take the two PER_OP combinations)
@pytest.mark.parametrize("name,side,mode,dtype", alternating(
    [(name, side) for name in sorted(OPERATOR) for side in ("tensor-op-scalar",
                                                               "scalar-op-tensor")]))
def test_binary_python_scalar(name, side, mode, dtype):
    """``x * 0.5``, ``2.0 - x``...: the number is a constant of the graph."""
    op = OPERATOR[name]
    if side == "tensor-op-scalar":
        domain = BINARY_DOMAIN[name][0]
        fn = lambda x: op(x, 0.5)       # noqa: E731
    else:
        domain = BINARY_DOMAIN[name][1]
        fn = lambda x: op(2.0, x)       # noqa: E731

    def make(rng, noncontig):
        return [In(domain((3, 4), rng).astype(dtype), noncontig=noncontig)]
    check_compiled(fn, three_calls(make), mode)


def _not_fused_call(name):
    if name in derivatives.UNARY:
        return unary_fn(name), 1
    if name in ("div_floor", "div_trunc"):
        mode = name.split("_")[1]
        return (lambda x, y: jitgrad.div(x, y, rounding_mode=mode)), 2
    return binary_fn(name), 2


@pytest.mark.parametrize("name", NOT_FUSED)
def test_not_fused_ops_run_their_eager_kernels(name):
    fn, arity = _not_fused_call(name)
    domains = [UNARY_DOMAIN[name]] if arity == 1 else list(BINARY_DOMAIN[name])
    rng = np.random.default_rng(5)
    compiled = jitgrad.compile(fn)
    for call in range(3):
        arrays = [d((3, 4), rng) for d in domains]
        got_in = [jitgrad.tensor(a, requires_grad=True) for a in arrays]
        want_in = [jitgrad.tensor(a, requires_grad=True) for a in arrays]
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            got = compiled(*got_in)
        assert _compile_warnings(record) == []      # captured: no graph break
        want = fn(*want_in)
        if call:
            assert type(got.grad_fn).__name__ == "CompiledFunctionBackward"
        got.sum().backward()
        want.sum().backward()
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        for a, b in zip(got_in, want_in):
            np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_forms_meet_special_arguments(dtype):
    # a fused loop runs log/log1p/sin/cos in their fast forms and redoes the loop
    # exactly only when an argument is outside their range: both passes must
    # give eager's bits, values and gradients
    def fn(x):
        return x.sin() + x.cos() * 2 + x.log() * 3 + x.log1p()
    compiled = jitgrad.compile(fn)
    specials = np.array([1e6, np.inf, -np.inf, np.nan, 0.0, -1.0, 1e-40, 3.0, 2e5], dtype)
    ordinary = np.linspace(0.1, 3.0, 9).astype(dtype)
    for a in (specials, ordinary, specials):
        got_in = jitgrad.tensor(a, requires_grad=True)
        want_in = jitgrad.tensor(a, requires_grad=True)
        got, want = compiled(got_in), fn(want_in)
        got.sum().backward()
        want.sum().backward()
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        np.testing.assert_array_equal(got_in.grad.numpy(), want_in.grad.numpy())
    assert type(got.grad_fn).__name__ == "CompiledFunctionBackward"


# ------------------------------------------------------------- hand-derived


def test_sigmoid_gradient_by_hand():
    """d/dx sum(sigmoid(x)) = s (1 - s), compiled in both modes."""
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    s = 1 / (1 + np.exp(-x))

    def step(t):
        loss = jitgrad.sigmoid(t).sum()
        loss.backward()
        return loss
    for mode in ("step", "returned"):
        fn = jitgrad.compile(step if mode == "step" else lambda t: jitgrad.sigmoid(t).sum())
        t = jitgrad.tensor(x, requires_grad=True)
        for _ in range(3):
            if mode == "returned":
                t = jitgrad.tensor(x, requires_grad=True)
            t.grad = None
            out = fn(t)
            if mode == "returned":
                out.backward()
            np.testing.assert_allclose(out.item(), s.sum(), rtol=1e-12)
            np.testing.assert_allclose(t.grad.numpy(), s * (1 - s), rtol=1e-12, atol=1e-15)
        assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"


def test_mse_and_softmax_gradients_by_hand():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4))
    w = rng.standard_normal((3, 4))
    mse = jitgrad.compile(lambda x, y: F.mse_loss(x, y))
    wt = jitgrad.tensor(w)
    soft = jitgrad.compile(lambda x: (F.softmax(x, dim=1) * wt).sum())
    for _ in range(3):
        x, y = jitgrad.tensor(a, requires_grad=True), jitgrad.tensor(b, requires_grad=True)
        loss = mse(x, y)
        loss.backward()
        np.testing.assert_allclose(loss.item(), np.mean((a - b) ** 2), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), 2 * (a - b) / a.size, rtol=1e-12)
        np.testing.assert_allclose(y.grad.numpy(), -2 * (a - b) / a.size, rtol=1e-12)
        x = jitgrad.tensor(a, requires_grad=True)
        out = soft(x)
        out.backward()
        s = np.exp(a - a.max(1, keepdims=True))
        s /= s.sum(1, keepdims=True)
        np.testing.assert_allclose(out.item(), (s * w).sum(), rtol=1e-12)
        expected = s * (w - (s * w).sum(1, keepdims=True))
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12, atol=1e-15)
    assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"


# ---------------------------------------------------------- composite rules

C = {}     # constants read from the closure (tensors made outside the functions)


def _ramp(x, shape):
    """1, 2, 3... in ``shape``, of x's dtype: a constant tensor from outside."""
    key = (shape, str(x.dtype))
    if key not in C:
        dtype = np.float32 if x.dtype == jitgrad.float32 else np.float64
        C[key] = jitgrad.tensor(RAMP.reshape(shape).astype(dtype))
    return C[key]


RAMP = np.arange(1.0, 13.0)


def _views(x):
    """reshape, .t(), unsqueeze, transpose, reshape of a non-contiguous view,
    and .T / flatten / transpose with negative dims."""
    y = x.reshape(4, 3).t()                         # (3, 4), a transposed view
    z = y.unsqueeze(0).transpose(0, 2)              # (4, 3, 1)
    u = x.transpose(-1, -2).unsqueeze(-1) * x.T.unsqueeze(1)      # (4, 3, 3)
    return z.reshape(12) * _ramp(x, (12,)) + u.sum(-1).t().flatten()


def _view_contiguous(x):
    return (x.view(2, 6) * _ramp(x, (2, 6))).T.flatten() + x.view(-1)


def _sums(x):
    return (x.sum(dim=1, keepdim=True) * x.sum(0, keepdim=True) + x.sum(dim=1).unsqueeze(1)
            + jitgrad.sum(x.reshape(2, 3, 2), (0, 2)).unsqueeze(1) * x.sum())


def _means(x):
    return x.mean(dim=-1, keepdim=True) * jitgrad.mean(x, 0) + x.mean() + x.mean((0, 1))


def _iterate(x):
    """``for row in x``: every row used."""
    return sum(row * (i + 1) for i, row in enumerate(x))


def _iterate_some_rows(x):
    """Rows 1 and 3 unused: their gradient is zeros."""
    rows = [row for row in x]
    return rows[0] * rows[2]


def _stack(a, b):
    scales = jitgrad.stack([a.sum(), b.mean(), (a * b).sum()])      # 0-d values stacked
    return jitgrad.stack([a, a * b, b]) * scales.reshape(3, 1, 1)


def _bce(z, y):
    return (F.binary_cross_entropy_with_logits(z, y, reduction="none")
            * F.binary_cross_entropy_with_logits(z, y)
            + F.binary_cross_entropy_with_logits(z, y, reduction="sum"))


def _mse(a, b):
    return (F.mse_loss(a, b, reduction="none") * F.mse_loss(a, b)
            + F.mse_loss(a, b, reduction="sum"))


# (id, fn, [(domain, shape)]); the first 2-d input is non-contiguous in call 2
# unless the id ends in "-contiguous" (``view`` refuses a transposed input, as torch's).
# Cases that would each be a graph of a few ops are combined into one graph.
def _small_ops(x, y):
    """Factories (constants), casts of bool masks, ~, all/any and expand: the
    small ops between the big ones of a model."""
    keep = (~(y > 0)).float() + jitgrad.logical_not(x < 0).double().float()
    spread = x.expand(2, 3, 4) * jitgrad.ones(3, 4, dtype=x.dtype) + jitgrad.zeros(4, dtype=x.dtype)
    truth = ((x > 0).all(1, keepdim=True).float() + jitgrad.any(x > 1, 0).float()
             + (y > -3).all().float() + (x > 5).any().float())
    return spread.sum(0) * keep + y.expand_as(x) * x.float() + truth


def _indexing(x):
    """Slices (a step, negative bounds, an empty one), None, Ellipsis and
    integers: views, whose gradients are written back at their places."""
    return (x[1:, None, ::2].sum(1) * x[-3:, 1:4] + x[..., 1][:3].unsqueeze(1)
            + x.t()[1:4, :3].t() + x[2:2].sum())


def _pieces(x):
    """split (sizes and sections), chunk and unbind: views tiling a dim."""
    a, b = x.split(2, dim=1)[1:]
    c, d = jitgrad.split(x, [3, 1], 0)[0].chunk(2, -1)
    rows = x[:3].unbind(0)
    return (a[:3] * b[:3] + c[:, :2] * d + (rows[0] * rows[2])[:2]
            + jitgrad.unbind(x, 1)[4][:3, None])


COMPOSITES = [
    ("basic-indexing", _indexing, [(normal, (4, 5))]),
    ("split-chunk-unbind", _pieces, [(normal, (4, 5))]),
    ("factories-casts-invert-expand", _small_ops, [(normal, (3, 4)), (normal, (4,))]),
    # (the target gets a gradient too: -grad * input)
    ("bce_with_logits-none-mean-sum", _bce, [(normal, (4, 3)), (unit_interval, (4, 3))]),
    ("mse_loss-none-mean-sum", _mse, [(normal, (4, 3)), (normal, (4, 3))]),
    ("softmax-dim-1-dim0", lambda x: F.softmax(x, dim=-1) * 2 + F.softmax(x, dim=0) * x
     + x.softmax(1), [(normal, (3, 4))]),
    ("log_softmax-dim-1-dim0", lambda x: F.log_softmax(x, dim=-1) * 2 + F.log_softmax(x, 0) * x
     + x.log_softmax(dim=0), [(normal, (3, 4))]),
    # beta * x crosses the threshold (x > 0.5 for beta=2, threshold=1): both branches taken
    ("softplus-default-beta-threshold",
     lambda x: F.softplus(x * 3) * 2 + F.softplus(x, beta=2, threshold=1), [(normal, (3, 4))]),
    ("linear-bias-no-bias", lambda x, w, b, w2: F.linear(x, w, b) * F.linear(x, w2),
     [(normal, (5, 4)), (normal, (3, 4)), (normal, (3,)), (normal, (3, 4))]),
    ("matmul-2d-2d-mm", lambda a, b: jitgrad.matmul(a, b) + a.mm(b * 2),
     [(normal, (3, 4)), (normal, (4, 2))]),
    ("matmul-1d-2d", lambda a, b: a @ b, [(normal, (4,)), (normal, (4, 2))]),
    ("matmul-2d-1d-mv", lambda a, v: jitgrad.matmul(a, v) + a.mv(v * 2),
     [(normal, (3, 4)), (normal, (4,))]),
    ("sum-dim-keepdim", _sums, [(normal, (3, 4))]),
    ("mean-dim-keepdim", _means, [(normal, (3, 4))]),
    ("views", _views, [(normal, (3, 4))]),
    ("view-contiguous", _view_contiguous, [(normal, (3, 4))]),
    ("stack", _stack, [(normal, (3, 4)), (normal, (3, 4))]),
    ("iterate", _iterate, [(normal, (3, 4))]),
    ("iterate-some-rows", _iterate_some_rows, [(normal, (4, 3))]),
    ("alpha-operators-int-scalars",
     lambda a, b: jitgrad.add(a, b, alpha=2) * jitgrad.sub(a, b, alpha=0.5)
     - a + abs(b) * (a - b) / (b * b + 1) + a * 3 + 1 - 2 ** a - a / 4,
     [(normal, (3, 4)), (normal, (4,))]),
    ("comparison-mask-detach", lambda x: x * (x > 0) + (x <= 0) * x * 0.1 + x * x.detach(),
     [(away_from_zero, (3, 4))]),
    # class targets: integer tensors (no gradient); ignore_index=0 drops some rows from the mean
    ("cross_entropy-nll_loss",
     lambda x, t: F.cross_entropy(x, t) * 2 + F.nll_loss(F.log_softmax(x, dim=1), t,
                                                          reduction="none")
     + F.cross_entropy(x, t, reduction="sum") * F.nll_loss(x.tanh(), t, ignore_index=0),
     [(normal, (6, 4)), (classes4, (6,))]),
    ("mlp", lambda x, w, b: F.log_softmax(F.linear(x.tanh(), w, b).relu(), dim=1),
     [(normal, (5, 4)), (normal, (3, 4)), (normal, (3,))]),
    # views as rules: permute, squeeze, unflatten, contiguous, a row; linear of a 3-d input
    ("views-3d-linear", lambda x, w, b: (
        F.linear(x.permute(1, 0, 2).contiguous(), w, b).permute(1, 0, 2).unflatten(0, (1, 2))
        .squeeze(0).sum(0) * x.unsqueeze(0).squeeze()[1] + x.permute((0, 2, 1))[0].t()
        + jitgrad.permute(x, (0, 2, 1)).contiguous().view_as(x)[-1]),
     [(normal, (2, 3, 4)), (normal, (4, 4)), (normal, (4,))]),
]


@pytest.mark.parametrize("mode,dtype", PER_OP, ids=config_ids(PER_OP))
@pytest.mark.parametrize("name,fn,spec", COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_composite(name, fn, spec, mode, dtype):
    def make(rng, noncontig):
        inputs = []
        for k, (domain, shape) in enumerate(spec):
            a = domain(shape, rng)
            floating = a.dtype.kind == "f"
            inputs.append(In(a.astype(dtype) if floating else a, grad=floating,
                             noncontig=noncontig and k == 0 and len(shape) == 2
                             and not name.endswith("-contiguous")))
        return inputs
    calls = three_calls(make)
    # a random cotangent: sum(softmax) (for one) has a zero gradient
    probe = fn(*_make(calls[0]))
    cotangent = np.random.default_rng(99).standard_normal(tuple(probe.shape)).astype(dtype)
    compiled = check_compiled(fn, calls, mode, cotangent)
    assert _eager_calls(compiled) == set(), "an op of the graph replayed as its eager call"


# ------------------------------------------------ the table's Kernel entries


def _calls(compiled, kind):
    """The names of the calls of class ``kind`` (KernelCall: the table's Kernel
    entries; ExternCall: eager ops) in a compiled function's graphs."""
    from jitgrad.compiler import codegen
    names = set()
    for entries in compiled._entries.values():
        for entry in entries:
            for step, _ in entry.steps:
                if step is not None and not isinstance(step, codegen.Segment) \
                        and isinstance(step.attrs.get("call"), kind):
                    names.add(step.attrs["call"].name)
    return names


def _table_calls(compiled):
    from jitgrad.compiler.kernel_call import KernelCall
    return _calls(compiled, KernelCall)


def _eager_calls(compiled):
    from jitgrad.compiler.extern import ExternCall
    return _calls(compiled, ExternCall)


def _lstm_calls(x, h, c, wi, wh, bi, bh, whr):
    """torch's _VF.lstm forms: bidirectional (one weight in both directions, one
    scaled), batch_first without biases and (h0, c0) as a list, projections."""
    out, hn, cn = jitgrad.lstm(x, (h, c), [wi, wh, bi, bh, wi * 2, wh, bi, bh], True, 1, 0.0,
                               True, True, False)
    out2, hn2, cn2 = jitgrad.lstm(x.transpose(0, 1), [h[:1], c[:1]], [wi, wh], False, 1, 0.0,
                                  True, False, True)
    out3, hn3, cn3 = jitgrad.lstm(x, (h[:1, :, :3], c[:1]), [wi, wh[:, :3], bi, bh, whr], True,
                                  1, 0.0, True, False)
    return (out[..., :5] * out[..., 5:] + out2.transpose(0, 1) + hn[0] + cn[1] + hn2 + cn2
            + out3.sum(-1, keepdim=True) + hn3.sum(-1, keepdim=True) + cn3)


def _gru_calls(x, h, wi, wh, bi, bh):
    """two layers (the second's w_ih is w_hh's shape), batch_first without biases."""
    out, hn = jitgrad.gru(x, h, [wi, wh, bi, bh, wh, wh * 2, bi, bh], True, 2, 0.0, True, False)
    out2, hn2 = jitgrad.gru(x.transpose(0, 1), h[1:], [wi, wh], False, 1, 0.0, True, False, True)
    return out * out2.transpose(0, 1) + hn.sum(0) + hn2


def _rnn_calls(name):
    """bidirectional; two layers without biases, batch_first."""
    def calls(x, h, wi, wh, bi, bh, wi2):
        fn = getattr(jitgrad, name)     # (looked up at the call: the trace's wrapper)
        out, hn = fn(x, h, [wi, wh, bi, bh, wi, wh * 2, bh, bi], True, 1, 0.0, True, True)
        out2, hn2 = fn(x.transpose(0, 1), h, [wi, wh, wi2, wh], False, 2, 0.0, True, False,
                       True)
        return out[..., :5] + out[..., 5:] * out2.transpose(0, 1) + hn.sum(0) + hn2[1]
    return calls


_BAG_OFFSETS = jitgrad.tensor([0, 4, 9])
_BAG_LAST_OFFSETS = jitgrad.tensor([0, 4, 4, 15])
KERNELS = sorted(n for n, op in derivatives.COMPOSITE.items() if isinstance(op, derivatives.Kernel))
# (fn, [(domain, shape)]) per Kernel entry; dropout draws: test_kernel_dropout
KERNEL_CALLS = {
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (4,), w, b) + F.layer_norm(x * 2, (3, 4)),
                   [(normal, (2, 3, 4)), (normal, (4,)), (normal, (4,))]),
    "matmul": (lambda a, b, c: (a @ b) @ c.unsqueeze(0) + jitgrad.matmul(a, b).sum(0),
               [(normal, (2, 3, 4)), (normal, (4, 5)), (normal, (5, 5))]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, padding=1) + F.conv2d(x, w, stride=(1, 1),
                                                                     padding=1),
               [(normal, (2, 2, 5, 5)), (normal, (3, 2, 3, 3)), (normal, (3,))]),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2) + F.max_pool2d(x, 3, stride=2, padding=1),
                   [(normal, (2, 3, 4, 4))]),
    "embedding": (lambda i, w: F.embedding(i, w) * F.embedding(i, w * 2, padding_idx=-1),
                  [(classes4, (3, 5)), (normal, (4, 3))]),
    # training (the batch's statistics) and evaluation (the running ones, not differentiated)
    "batch_norm": (lambda x, w, b, rm, rv: F.batch_norm(x, None, None, w, b, training=True)
                   + F.batch_norm(x * 2, rm.detach(), rv.detach().exp(), w, None),
                   [(normal, (4, 3, 5)), (normal, (3,)), (normal, (3,)), (normal, (3,)),
                    (normal, (3,))]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 2) + F.avg_pool2d(x, 3, stride=2, padding=1)
                   + F.avg_pool2d(x, (3, 2), 2, (1, 0), ceil_mode=True,
                                  count_include_pad=False).sum((2, 3), keepdim=True)
                   + F.avg_pool2d(x, 2, divisor_override=3),
                   [(normal, (2, 3, 4, 4))]),
    # windows of two lengths along W, whole blocks along H; 1 x 1: torch's mean
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (2, 3))
                            + F.adaptive_avg_pool2d(x * 2, 1)
                            + F.adaptive_avg_pool2d(x, (None, 3)).sum(2, keepdim=True),
                            [(normal, (2, 3, 4, 7))]),
    "adaptive_max_pool2d": (lambda x: F.adaptive_max_pool2d(x, (2, 3))
                            + F.adaptive_max_pool2d(x, (None, 3), return_indices=True)[0]
                            .sum(2, keepdim=True) + F.adaptive_max_pool2d(x[0], 1),
                            [(normal, (2, 3, 4, 7))]),
    # groups, dilation, "same" padding, an unbatched input; the top-level function too
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1)
               + jitgrad.conv1d(x, w, None, 2, 2, dilation=2)
               + F.conv1d(x, w.reshape(6, 1, 3), groups=2, padding="same")[:, :3, ::2]
               + F.conv1d(x[1], w, b, stride=2, padding=1),
               [(normal, (2, 2, 7)), (normal, (3, 2, 3)), (normal, (3,))]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1)
                         + jitgrad.conv_transpose2d(x, w, None, 2, 2, 1, dilation=2)
                         + F.conv_transpose2d(x, w, None, 2, 1, 1, groups=2)[:, ::2]
                         + F.conv_transpose2d(x[0], w, b, 2, 1, 1),
                         [(normal, (2, 2, 3, 3)), (normal, (2, 3, 3, 3)), (normal, (3,))]),
    # negative pads crop; a value; the other modes are not this entry's (eager calls)
    "constant_pad_nd": (lambda x: F.pad(x, (1, 2)) + F.pad(x, [1, 2, 0, 0], "constant", 0.5)
                        + F.pad(x, (2, 1), value=-1.0).flip(-1)
                        + F.pad(F.pad(x, (0, 0, 1, -1, 1, 1)), (1, 2), mode="reflect")[1:-1]
                        + F.pad(x, (0, 3), "replicate"),
                        [(normal, (2, 3, 4))]),
    # sizes and scales (a ratio that is not a whole number; recomputed scales)
    "upsample_nearest2d": (lambda x: F.interpolate(x, scale_factor=2)
                           + F.interpolate(x, (8, 10), mode="nearest")
                           + F.interpolate(x, (5, 7)).sum((2, 3), keepdim=True)
                           + F.interpolate(x, scale_factor=1.7, recompute_scale_factor=True)
                           .sum((2, 3), keepdim=True),
                           [(normal, (2, 3, 4, 5))]),
    # the other modes and dimensions, and antialias, are not these entries' (eager calls)
    "upsample_bilinear2d": (lambda x: F.interpolate(x, scale_factor=2, mode="bilinear")
                            + F.interpolate(x, (8, 10), mode="bilinear", align_corners=True)
                            + F.interpolate(x, (3, 7), mode="bilinear").sum((2, 3), keepdim=True)
                            + F.interpolate(x, (8, 10), mode="bicubic")
                            + F.interpolate(x, (2, 3), mode="bilinear", antialias=True)
                            .sum((2, 3), keepdim=True)
                            + F.interpolate(x, (2, 2), mode="area").sum((2, 3), keepdim=True)
                            + F.interpolate(x[0], scale_factor=2, mode="linear")
                            .sum(1, keepdim=True),
                            [(normal, (2, 3, 4, 5))]),
    # affine, weight only, plain (2-d, another eps)
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b) + F.group_norm(x * 2, 4, w)
                   + F.group_norm(x[:, :, 0], 1, eps=1e-3).unsqueeze(2),
                   [(normal, (3, 4, 5)), (normal, (4,)), (normal, (4,))]),
    # the input's statistics (affine; moving running statistics), the running ones
    # (test_kernel_instance_norm_running_stats: written back into a module's buffers)
    "instance_norm": (lambda x, w, b, rm, rv: F.instance_norm(x, weight=w, bias=b)
                      + F.instance_norm(x * 2, rm.detach().clone(), rv.detach().exp(), None, b,
                                        momentum=0.3)
                      + F.instance_norm(x, rm.detach(), rv.detach().exp(), w, None,
                                        use_input_stats=False, eps=1e-3),
                      [(normal, (3, 4, 5)), (normal, (4,)), (normal, (4,)), (normal, (4,)),
                       (normal, (4,))]),
    # a weight, two normalized dims (another eps), the dtype's eps (a list shape)
    "rms_norm": (lambda x, w: F.rms_norm(x, (4,), w) + F.rms_norm(x * 2, (3, 4), eps=1e-3)
                 + F.rms_norm(x.transpose(1, 2), [3]).transpose(1, 2),
                 [(normal, (2, 3, 4)), (normal, (4,))]),
    # 1-d indices with offsets (sum, per-sample weights, padding_idx; mean, an empty bag,
    # include_last_offset, scale_grad_by_freq), a 2-d batch of bags (max)
    "embedding_bag": (lambda i, w, p: F.embedding_bag(
        i.reshape(-1), w, _BAG_OFFSETS, mode="sum", per_sample_weights=p.reshape(-1),
        padding_idx=1)
        + F.embedding_bag(i.reshape(-1), w * 2, _BAG_LAST_OFFSETS, include_last_offset=True,
                          scale_grad_by_freq=True)
        + F.embedding_bag(i, w, mode="max"),
        [(classes4, (3, 5)), (normal, (4, 3)), (normal, (3, 5))]),
    # torch's _VF recurrent functions: the whole stack of layers, the weights a list
    # (nn.LSTM, GRU and RNN training steps: test_compile_rnn.py)
    "lstm": (_lstm_calls, [(normal, (4, 2, 3)), (normal, (2, 2, 5)), (normal, (2, 2, 5)),
                           (normal, (20, 3)), (normal, (20, 5)), (normal, (20,)),
                           (normal, (20,)), (normal, (3, 5))]),
    "gru": (_gru_calls, [(normal, (4, 2, 3)), (normal, (2, 2, 5)), (normal, (15, 3)),
                         (normal, (15, 5)), (normal, (15,)), (normal, (15,))]),
    "rnn_tanh": (_rnn_calls("rnn_tanh"),
                 [(normal, (4, 2, 3)), (normal, (2, 2, 5)), (normal, (5, 3)), (normal, (5, 5)),
                  (normal, (5,)), (normal, (5,)), (normal, (5, 5))]),
    "rnn_relu": (_rnn_calls("rnn_relu"),
                 [(normal, (4, 2, 3)), (normal, (2, 2, 5)), (normal, (5, 3)), (normal, (5, 5)),
                  (normal, (5,)), (normal, (5,)), (normal, (5, 5))]),
}


def test_every_kernel_entry_has_a_call():
    assert sorted([*KERNEL_CALLS, "dropout"]) == KERNELS


@pytest.mark.parametrize("mode,dtype", PER_OP, ids=config_ids(PER_OP))
@pytest.mark.parametrize("name", sorted(KERNEL_CALLS))
def test_kernel(name, mode, dtype):
    """A Kernel entry's call is captured from the table (its array functions,
    no eager op) and gives eager's values and gradients."""
    fn, spec = KERNEL_CALLS[name]

    def make(rng, noncontig):
        inputs = []
        for domain, shape in spec:
            a = domain(shape, rng)
            floating = a.dtype.kind == "f"
            inputs.append(In(a.astype(dtype) if floating else a, grad=floating,
                             noncontig=noncontig and floating and len(shape) == 2))
        return inputs
    calls = three_calls(make)
    probe = fn(*_make(calls[0]))
    cotangent = np.random.default_rng(99).standard_normal(tuple(probe.shape)).astype(dtype)
    compiled = check_compiled(fn, calls, mode, cotangent)
    assert name in _table_calls(compiled)
    if name in ("lstm", "gru", "rnn_tanh", "rnn_relu"):
        assert _eager_calls(compiled) == set()


@pytest.mark.parametrize("mode", ["returned", "step"])
def test_kernel_dropout(mode):
    """dropout's table forward draws its mask from the generator as the eager
    op does: seeded alike, compiled and eager calls agree."""
    def fn(x):
        return F.dropout(x * 2, 0.3) + F.dropout(x, 0.5, training=True)
    if mode == "step":
        def run(x):
            out = fn(x)
            out.sum().backward()
            return out
    else:
        run = fn
    compiled = jitgrad.compile(run)
    base = np.random.default_rng(5).standard_normal((6, 7))
    for call in range(3):
        got_x = jitgrad.tensor(base + call, requires_grad=True)
        want_x = jitgrad.tensor(base + call, requires_grad=True)
        jitgrad.manual_seed(call)
        got = compiled(got_x)
        jitgrad.manual_seed(call)
        want = fn(want_x)
        if mode == "returned":
            got.sum().backward()
        want.sum().backward()
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        np.testing.assert_array_equal(got_x.grad.numpy(), want_x.grad.numpy())
    assert "dropout" in _table_calls(compiled)


@pytest.mark.parametrize("training", [True, False])
def test_kernel_instance_norm_running_stats(training):
    """instance_norm's table forward returns the running statistics the eager
    op copies into a module's buffers: compiled, they are written back (their
    versions stepped) as eager writes them."""
    base = np.random.default_rng(6).standard_normal((2, 3, 5)).astype(np.float32)
    runs = []
    for compile_ in (False, True):
        jitgrad.manual_seed(0)
        norm = jitgrad.nn.InstanceNorm1d(3, affine=True, track_running_stats=True, momentum=0.3)
        norm.running_var.fill_(2.0)
        norm.train(training)

        def step(x):
            out = norm(x)
            (out * out.exp()).sum().backward()
            return out
        run = jitgrad.compile(step) if compile_ else step
        outs = [run(jitgrad.tensor(base * (k + 1))).detach() for k in range(3)]
        runs.append((outs, [norm.running_mean, norm.running_var, norm.weight.grad,
                            norm.bias.grad], norm.running_mean._version))
        if compile_:
            assert "instance_norm" in _table_calls(run)
    (want, want_state, want_version), (got, got_state, got_version) = runs
    for g, w in zip(got + got_state, want + want_state):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert got_version == want_version
