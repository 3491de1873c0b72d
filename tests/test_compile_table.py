"""``jitgrad.compile`` on the op table's test cases: compiled values and
gradients equal eager jitgrad's, for every entry of ``derivatives.COMPOSITE``.

The cases are the ``CASES`` lists of the tests/test_ops_*.py modules
(``(table entry, id, fn(lib, *inputs), [numpy inputs])``, gathered as
test_op_coverage.py gathers them). Each case becomes a loss: the outputs of
``fn`` that require grad, each weighted by fixed random numbers and summed,
so that both the values and the gradients are checked. The loss is compiled
and called twice (call 1 traces, call 2 replays); the replay's loss and the
gradients that ``loss.backward()``, run outside the compiled function, leaves
on the inputs must equal eager jitgrad's on fresh inputs. (The elementwise
tables are test_compile_ops.py's.)

Some cases can't be captured: an op updating a tensor in place, a result
whose shape depends on the data, code the tracer does not see. The function
then runs eagerly, with a warning, and must still give eager's numbers. The
cases that break the graph are pinned in ``BREAKS``, so that an op which
stops (or starts) being captured is noticed.

Each compiled case costs Numba compiles of its generated kernels (about
0.6 s of CPU even for a tiny graph, in a fresh cache each session), so by
default one case per entry runs, in float64: the entry's first case that
does not break the graph, for the entries that test_compile_ops.py does not
compile by name; and every case of ``BREAKS`` (they run eagerly: cheap).
``JITGRAD_COMPILE_TABLE=all`` runs every case, in float64 and float32
(about 20 minutes of CPU).
"""
import importlib
import os
import pathlib
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad import derivatives

# generated kernels go to a directory of this test session (conftest.py)
pytestmark = pytest.mark.usefixtures("compile_cache_dir")

CFB = "CompiledFunctionBackward"
EVERY_CASE = os.environ.get("JITGRAD_COMPILE_TABLE") == "all"
_manual_seed = jitgrad.manual_seed


def gather_cases():
    """(module, entry, id, fn, inputs) of every test_ops_*.py module's CASES."""
    cases = []
    for path in sorted(pathlib.Path(__file__).parent.glob("test_ops_*.py")):
        module = importlib.import_module(path.stem)
        for case in getattr(module, "CASES", ()):
            cases.append((path.stem.removeprefix("test_ops_"), *case))
    return cases


def case_ids(cases):
    """``entry-id``; with the module's name where two modules use one, and a
    number where one module does."""
    plain = [f"{entry}-{name}" for _, entry, name, _, _ in cases]
    ids = [p if plain.count(p) == 1 else f"{p}-in-{module}"
           for p, (module, *_) in zip(plain, cases)]
    return [i if ids.count(i) == 1 else f"{i}-{ids[:k].count(i) + 1}" for k, i in enumerate(ids)]


CASES = gather_cases()
IDS = case_ids(CASES)

_IN_PLACE = "it updates a tensor in place (not captured yet)"
_MODULE_INSIDE = "the case builds an nn.RNN module inside the function: its parameters' " \
                 "initialisation is not captured"
_PACKING = "PackedSequence utilities make tensors by code the tracer does not see"
_INTERNAL = "the case calls an internal function (a recorded backward op), not a captured op"
_DATA_SHAPE = "the result's shape depends on tensor values"
# The cases that break the graph, with why (per case: an entry's in-place form breaks where
# its other cases compile). Pinned: a case that starts or stops breaking must be moved.
BREAKS = {
    "hardtanh-inplace": _IN_PLACE, "hardswish-inplace": _IN_PLACE, "selu_-inplace": _IN_PLACE,
    "celu_-inplace": _IN_PLACE, "threshold_-inplace": _IN_PLACE,
    "leaky_relu_-inplace": _IN_PLACE, "elu_-inplace": _IN_PLACE, "silu-inplace": _IN_PLACE,
    "rrelu_-eval-non-contiguous": _IN_PLACE, "rad2deg-inplace": _IN_PLACE,
    "scatter_add-inplace": _IN_PLACE, "index_add-inplace-non-contiguous": _IN_PLACE,
    "index_put-two-indices-inplace": _IN_PLACE, "masked_scatter-inplace": _IN_PLACE,
    "masked_fill-inplace": _IN_PLACE, "squeeze_-all": _IN_PLACE,
    "squeeze_dim_-negative-dim": _IN_PLACE, "squeeze_dims_-tuple": _IN_PLACE,
    "unsqueeze_-dim": _IN_PLACE, "t_-matrix": _IN_PLACE, "transpose_-3d": _IN_PLACE,
    "tril-inplace": _IN_PLACE, "triu-inplace": _IN_PLACE,
    "masked_select-broadcast-mask": _DATA_SHAPE, "repeat_interleave-flat-noncontig": _DATA_SHAPE,
    "repeat_interleave_tensor-tensor": _DATA_SHAPE,
    "lstm_layer-forward": _MODULE_INSIDE, "lstm_layer-no-bias": _MODULE_INSIDE,
    "gru_layer-forward": _MODULE_INSIDE, "gru_layer-no-bias": _MODULE_INSIDE,
    "rnn_layer-tanh": _MODULE_INSIDE, "rnn_layer-relu": _MODULE_INSIDE,
    "lstm_layer_packed-unsorted": _MODULE_INSIDE, "gru_layer_packed-bidirectional": _MODULE_INSIDE,
    "rnn_layer_packed-relu-no-bias": _MODULE_INSIDE, "lstm_proj_layer-forward": _MODULE_INSIDE,
    "lstm_layer_packed-projection": _MODULE_INSIDE,
    "pack_padded_sequence-batch-first-unsorted": _PACKING,
    "pad_packed_sequence-total-length": _PACKING, "pad_sequence-left-batch-first": _PACKING,
    "scatter_zeros-rows": _INTERNAL, "scatter_add_zeros-scatter_add_zeros": _INTERNAL,
    "index_add_zeros-index_add_zeros": _INTERNAL, "select_backward-select_backward": _INTERNAL,
    "slice_backward-slice_backward": _INTERNAL,
    "index_put_accumulate-index_put_accumulate": _INTERNAL,
}

# Cases where the compiled function gives other numbers than eager (bugs not fixed
# yet): (id, dtype name) -> reason. Each is an xfail(strict=True).
KNOWN_FAILURES = {
}

TOL = {np.dtype(np.float64): dict(rtol=1e-10, atol=1e-12),
       np.dtype(np.float32): dict(rtol=1e-5, atol=1e-5)}


def test_every_table_entry_has_a_case():
    missing = set(derivatives.COMPOSITE) - {entry for _, entry, *_ in CASES}
    assert not missing, f"table entries without a test case: {sorted(missing)}"


def test_case_ids_are_unique():
    assert len(set(IDS)) == len(IDS)


def test_pinned_ids_are_cases():
    assert set(BREAKS) <= set(IDS)
    assert {case_id for case_id, _ in KNOWN_FAILURES} <= set(IDS)


# ------------------------------------------------------------ one case


class _SeedOutside:
    """``jitgrad`` as the cases see it: every name is jitgrad's, but
    ``manual_seed`` does nothing. A case that seeds inside its function (to
    draw torch's numbers) would break the graph; the test seeds before each
    call instead. (A proxy passed as the case's ``lib``, not a patch of the
    module: the tracer wraps the module's functions, and would wrap a patch
    back to the real one.)"""

    @staticmethod
    def manual_seed(seed):
        return None

    def __getattr__(self, name):
        return getattr(jitgrad, name)


LIB = _SeedOutside()
seeded_code = (lambda: None).__code__


def tensors_in(result):
    """The tensors of ``fn``'s result (a tensor, or tuples/lists of them)."""
    if isinstance(result, jitgrad.Tensor):
        return [result]
    if isinstance(result, (tuple, list)):
        return [t for item in result for t in tensors_in(item)]
    return []


def differentiable(result):
    return [t for t in tensors_in(result) if t.dtype.is_floating_point and t.requires_grad]


def make_inputs(arrays, dtype):
    """Float arrays become leaves requiring grad (in ``dtype``; as they are
    when None), the others plain tensors."""
    return [jitgrad.tensor(a if dtype is None else a.astype(dtype), requires_grad=True)
            if a.dtype.kind == "f" else jitgrad.tensor(a) for a in arrays]


def run(fn, *args):
    """``fn(*args)`` after seeding the generator (random ops draw alike),
    with the jitgrad.compile warnings it gives."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _manual_seed(0)
        result = fn(*args)
    return result, [str(w.message) for w in record
                    if str(w.message).startswith("jitgrad.compile")]


def error_of(fn):
    try:
        fn()
    except Exception as e:          # noqa: BLE001  (compared with eager's)
        return type(e), str(e)
    return None


def assert_close(got, want, tol, what):
    assert got.dtype == want.dtype, what
    assert tuple(got.shape) == tuple(want.shape), what
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), **tol, err_msg=what)


def check_case(fn, arrays, dtype):
    """Compile the case's loss, call it twice (trace, replay), and compare
    the replay with eager. Returns the graph-break warnings."""
    # (the proxy only for the cases that seed: others may ask ``lib is jitgrad``)
    lib = LIB if "manual_seed" in getattr(fn, "__code__", seeded_code).co_names else jitgrad
    op = lambda *ts: fn(lib, *ts)                  # noqa: E731
    probe, _ = run(op, *make_inputs(arrays, dtype))
    outs = differentiable(probe)
    weight_rng = np.random.default_rng(0)
    if outs:
        weights = [jitgrad.tensor(weight_rng.standard_normal(tuple(o.shape)), dtype=o.dtype)
                   for o in outs]

        def loss(*ts):
            terms = [(o * w).sum() for o, w in zip(differentiable(op(*ts)), weights, strict=True)]
            return sum(terms[1:], terms[0])
        target = loss
    else:
        target = op                                 # nothing to differentiate: the outputs

    compiled = jitgrad.compile(target)
    _, breaks = run(compiled, *make_inputs(arrays, dtype))
    got_in = make_inputs(arrays, dtype)
    got, replay_warnings = run(compiled, *got_in)
    assert replay_warnings == []                    # a break warns once, at the trace
    if not breaks:
        assert compiled._entries, "no compiled graph and no graph break"
    want_in = make_inputs(arrays, dtype)
    want, _ = run(target, *want_in)
    # (the tolerance of the least precise input)
    tol = TOL[min((np.dtype(dtype or a.dtype) for a in arrays if a.dtype.kind == "f"),
                  key=lambda d: d.itemsize, default=np.dtype(np.float64))]
    if not outs:
        got_t, want_t = tensors_in(got), tensors_in(want)
        assert len(got_t) == len(want_t)
        for k, (a, b) in enumerate(zip(got_t, want_t)):
            assert_close(a, b, tol, f"output {k}")
        return breaks
    if not breaks:
        assert type(got.grad_fn).__name__ == CFB, f"call 2 did not replay: {got.grad_fn}"
    assert_close(got, want, tol, "the loss")
    # (an op without a derivative raises in backward: compiled, with eager's error)
    want_error = error_of(want.backward)
    assert error_of(got.backward) == want_error
    if want_error is not None:
        return breaks
    for k, (a, b) in enumerate(zip(got_in, want_in)):
        if not b.requires_grad:
            continue
        assert (a.grad is None) == (b.grad is None), \
            f"input {k}: .grad is {a.grad!r}, eager's is {b.grad!r}"
        if b.grad is not None:
            assert_close(a.grad, b.grad, tol, f"the gradient of input {k}")
    return breaks


# ------------------------------------------------------------ the table


def compiled_by_name_elsewhere():
    """The entries test_compile_ops.py compiles by name (its calls of the
    table's activations, n-ary ops, clamp family and where, and Kernel
    entries): their cases run here with JITGRAD_COMPILE_TABLE=all."""
    import test_compile_ops as ops
    return {*ops.POINTWISE_CALLS, *ops.NARY_CALLS, *ops.SLOTTED_CALLS, *ops.KERNEL_CALLS,
            "dropout"}


def selected():
    """The cases that run: all of them with JITGRAD_COMPILE_TABLE=all; else
    each entry's first case that does not break (for the entries that
    test_compile_ops.py does not compile by name), and the cases that break."""
    if EVERY_CASE:
        return list(range(len(CASES)))
    elsewhere = compiled_by_name_elsewhere()
    first = {}
    for k, (case_id, (_, entry, *_)) in enumerate(zip(IDS, CASES)):
        if case_id not in BREAKS and entry not in elsewhere:
            first.setdefault(entry, k)
    return sorted({*first.values(), *(IDS.index(case_id) for case_id in BREAKS)})


def params(dtype_name):
    out = []
    for k in selected():
        _, entry, _, fn, arrays = CASES[k]
        reason = KNOWN_FAILURES.get((IDS[k], dtype_name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(IDS[k], fn, arrays, id=IDS[k], marks=marks))
    return out


def test_every_entry_is_selected():
    covered = {CASES[k][1] for k in selected()}
    if not EVERY_CASE:
        covered |= compiled_by_name_elsewhere()
    assert covered == set(derivatives.COMPOSITE)


# float64: the cases' own inputs (float64, but for a few float32 ones); float32: cast
DTYPES = {"float64": None, "float32": np.float32} if EVERY_CASE else {"float64": None}


@pytest.mark.parametrize("case_id,fn,arrays,dtype",
                         [pytest.param(*p.values, DTYPES[name], id=f"{p.id}-{name}", marks=p.marks)
                          for name in DTYPES for p in params(name)])
def test_compiled_equals_eager(case_id, fn, arrays, dtype):
    breaks = check_case(fn, arrays, dtype)
    if case_id in BREAKS:
        assert breaks, f"{case_id} compiled: take it out of BREAKS ({BREAKS[case_id]})"
    else:
        assert not breaks, f"{case_id} broke the graph: {breaks}"
