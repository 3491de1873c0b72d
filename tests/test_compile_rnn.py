"""``jitgrad.compile`` of training steps with nn.LSTM, nn.GRU and nn.RNN:
the recurrent layers replay as the op table's ``lstm``, ``gru``,
``rnn_tanh`` and ``rnn_relu`` entries (their array functions, no eager call)
and every step gives eager's loss, gradients and updated parameters.

(The functional forms, op by op: test_compile_ops.py::test_kernel.)
"""
import warnings

import numpy as np
import pytest

import jitgrad
from test_compile_ops import TOL, _compile_warnings, _eager_calls, _table_calls

pytestmark = pytest.mark.usefixtures("compile_cache_dir")

_DTYPES = {np.float32: jitgrad.float32, np.float64: jitgrad.float64}
_ENTRY = {"LSTM": "lstm", "GRU": "gru", "tanh": "rnn_tanh", "relu": "rnn_relu"}

# (layer, its keyword arguments, batched input, initial state given)
CASES = [
    ("LSTM", {}, False, False),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True), True, True),
    ("LSTM", dict(proj_size=2, bidirectional=True, batch_first=True), True, True),
    ("LSTM", dict(proj_size=3, num_layers=2), False, False),
    ("LSTM", dict(num_layers=2, dropout=0.3), True, False),
    ("GRU", {}, False, True),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True), True, False),
    ("GRU", dict(num_layers=3, dropout=0.5, bidirectional=True), True, True),
    ("tanh", dict(num_layers=2, bias=False), True, False),
    ("relu", dict(bidirectional=True, batch_first=True), True, True),
]


def _ids(case):
    kind, kw, batched, with_hx = case
    return "-".join([kind, *(f"{k}={v}" for k, v in kw.items()),
                     "batched" if batched else "unbatched", "hx" if with_hx else "no_hx"])


def _layer(kind, kw, dtype):
    if kind in ("tanh", "relu"):
        return jitgrad.nn.RNN(3, 5, nonlinearity=kind, dtype=dtype, **kw)
    return getattr(jitgrad.nn, kind)(3, 5, dtype=dtype, **kw)


def _train(kind, kw, batched, with_hx, np_dtype, compiled):
    """Three SGD steps of the layer and a linear head on fresh inputs (and
    initial states that require grad, rewritten in place each step): per
    step the loss, the parameters and their gradients, the states' gradients.
    Returns (the per-step arrays, the step function)."""
    dtype = _DTYPES[np_dtype]
    jitgrad.manual_seed(0)
    rnn = _layer(kind, kw, dtype)
    directions = 2 if kw.get("bidirectional") else 1
    out_size = kw.get("proj_size") or 5
    head = jitgrad.nn.Linear(out_size * directions, 2, dtype=dtype)
    params = [*rnn.parameters(), *head.parameters()]
    opt = jitgrad.optim.SGD(params, lr=0.1)
    lstm = kind == "LSTM"

    def step(x, hx):
        opt.zero_grad()
        out, hn = rnn(x, hx)
        h = hn[0] if lstm else hn
        loss = head(out).pow(2).mean() + (h * h).sum() * 0.1
        if lstm:
            loss = loss + hn[1].sum() * 0.05
        loss.backward()
        opt.step()
        return loss
    run = jitgrad.compile(step) if compiled else step

    rng = np.random.default_rng(7)
    layers = kw.get("num_layers", 1) * directions
    T, B = 4, 2
    shapes = [(layers, B, out_size), (layers, B, 5)][:2 if lstm else 1]
    if not batched:
        shapes = [(s[0], s[2]) for s in shapes]
    states = [jitgrad.zeros(*s, dtype=dtype, requires_grad=True) for s in shapes]
    steps = []
    jitgrad.manual_seed(1)                     # (dropout's masks)
    for _ in range(3):
        shape = ((B, T, 3) if kw.get("batch_first") else (T, B, 3)) if batched else (T, 3)
        x = jitgrad.tensor(rng.standard_normal(shape).astype(np_dtype))
        hx = None
        if with_hx:
            with jitgrad.no_grad():
                for s in states:
                    s.copy_(jitgrad.tensor(rng.standard_normal(tuple(s.shape)).astype(np_dtype)))
                    s.grad = None
            hx = tuple(states) if lstm else states[0]
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            loss = run(x, hx)
        assert not _compile_warnings(record), _compile_warnings(record)
        steps.append([loss.detach().numpy().copy(),
                      *(p.detach().numpy().copy() for p in params),
                      *(p.grad.numpy().copy() for p in params),
                      *(s.grad.numpy().copy() for s in states if with_hx)])
    return steps, run


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_training_step(case, np_dtype):
    kind, kw, batched, with_hx = case
    want, _ = _train(kind, kw, batched, with_hx, np_dtype, compiled=False)
    got, run = _train(kind, kw, batched, with_hx, np_dtype, compiled=True)
    assert _eager_calls(run) == set()
    assert _table_calls(run) == {_ENTRY[kind]}
    tol = TOL[np.dtype(np_dtype)]
    for k, (g_step, w_step) in enumerate(zip(got, want)):
        assert len(g_step) == len(w_step)
        for j, (g, w) in enumerate(zip(g_step, w_step)):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_allclose(g, w, **tol, err_msg=f"step {k + 1}, array {j}")


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_inference_without_grad(kind):
    """Under no_grad (eval mode: no dropout) the table's forward alone runs."""
    jitgrad.manual_seed(0)
    rnn = _layer(kind, dict(num_layers=2, dropout=0.2, bidirectional=True), jitgrad.float32)
    rnn.eval()

    def infer(x):
        with jitgrad.no_grad():
            out, _ = rnn(x)
        return out
    run = jitgrad.compile(infer)
    rng = np.random.default_rng(3)
    for _ in range(3):
        x = jitgrad.tensor(rng.standard_normal((4, 2, 3)).astype(np.float32))
        got, want = run(x), infer(x)
        assert not got.requires_grad
        np.testing.assert_allclose(got.numpy(), want.numpy(), **TOL[np.dtype(np.float32)])
    assert _table_calls(run) == {_ENTRY[kind]} and _eager_calls(run) == set()


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_packed_sequences_stay_eager_calls(kind):
    """A PackedSequence input is torch's other overload (batch sizes in the
    state's place): not the table entry's form, replayed as the eager call,
    with eager's numbers."""
    from jitgrad.nn.utils.rnn import pack_padded_sequence
    runs = []
    for compiled in (False, True):
        jitgrad.manual_seed(0)
        rnn = _layer(kind, dict(bidirectional=True), jitgrad.float64)
        opt = jitgrad.optim.SGD(rnn.parameters(), lr=0.1)

        def step(packed):
            opt.zero_grad()
            out, h_n = rnn(packed)
            loss = (out.data * out.data).sum() + (h_n[0] if kind == "LSTM" else h_n).sum()
            loss.backward()
            opt.step()
            return loss
        run = jitgrad.compile(step) if compiled else step
        rng = np.random.default_rng(4)
        losses = []
        for _ in range(3):
            packed = pack_padded_sequence(jitgrad.tensor(rng.standard_normal((4, 2, 3))), [4, 2])
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                losses.append(run(packed).detach().numpy())
            assert not _compile_warnings(record), _compile_warnings(record)
        runs.append((losses, [p.detach().numpy().copy() for p in rnn.parameters()], run))
    (want, want_params, _), (got, got_params, run) = runs
    np.testing.assert_allclose(got, want, **TOL[np.dtype(np.float64)])
    for g, w in zip(got_params, want_params):
        np.testing.assert_allclose(g, w, **TOL[np.dtype(np.float64)])
    assert _eager_calls(run) == {_ENTRY[kind]} and _table_calls(run) == set()


@pytest.mark.parametrize("kind,frozen,loss_of", [("LSTM", ("l0", "l1"), "h_n"),
                                                 ("LSTM", ("l1",), "c_n"),
                                                 ("GRU", ("l0",), "output")])
def test_frozen_layers(kind, frozen, loss_of):
    """Some layers frozen, the input not requiring grad, the loss of one
    result: the table's backward gives the gradients asked for (a layer below
    the lowest one that needs a gradient is not walked back) and no others."""
    runs = []
    for compiled in (False, True):
        jitgrad.manual_seed(0)
        rnn = _layer(kind, dict(num_layers=3, bidirectional=True), jitgrad.float64)
        for name, p in rnn.named_parameters():
            p.requires_grad_(not any(f"_{f}" in name for f in frozen))

        def step(x):
            out, h_n = rnn(x)
            result = {"output": out, "h_n": h_n[0] if kind == "LSTM" else h_n,
                      "c_n": h_n[1] if kind == "LSTM" else None}[loss_of]
            loss = (result * result).sum()
            loss.backward()
            return loss
        run = jitgrad.compile(step) if compiled else step
        rng = np.random.default_rng(5)
        grads = []
        for _ in range(3):
            for p in rnn.parameters():
                p.grad = None
            loss = run(jitgrad.tensor(rng.standard_normal((4, 2, 3))))
            grads.append([loss.detach().numpy()] + [None if p.grad is None else p.grad.numpy()
                                                     for p in rnn.parameters()])
        runs.append((grads, run))
    (want, _), (got, run) = runs
    for g_step, w_step in zip(got, want):
        for g, w in zip(g_step, w_step):
            assert (g is None) == (w is None)
            if w is not None:
                np.testing.assert_allclose(g, w, **TOL[np.dtype(np.float64)])
    assert _table_calls(run) == {_ENTRY[kind]} and _eager_calls(run) == set()
