"""nn.RNN, nn.LSTM, nn.GRU and their cells (jitgrad/nn/modules/rnn.py, one
fused op per layer and direction in jitgrad/ops/rnn.py): torch's values,
gradients and node names over the layer configurations, finite differences
in float64, hand-derived one-step values, parameters (names, order, seeded
initialisation, repr), dropout between layers, torch's errors, the cells,
second derivatives (create_graph), what the layer's node frees after
backward, and jitgrad.compile of a training step."""
import copy
import gc
import types
import warnings
import weakref

import numpy as np
import pytest

import jitgrad
import jitgrad.compiler
from helpers import assert_same_module, error_tests, gradcheck
from jitgrad.autograd.graph import AccumulateGrad
from jitgrad.ops.rnn import RnnLayerNode

I, H, T, B = 3, 5, 4, 2                      # input size, hidden size, steps, batch
MODES = ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]
DTYPES = ["float32", "float64"]
TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-10)}


def make(lib, mode, *args, **kwargs):
    """``lib``'s nn.RNN (tanh or relu), nn.LSTM or nn.GRU."""
    if mode.startswith("RNN"):
        return lib.nn.RNN(*args, nonlinearity=mode[4:].lower(), **kwargs)
    return getattr(lib.nn, mode)(*args, **kwargs)


def seeded(lib, mode, *args, seed=0, **kwargs):
    lib.manual_seed(seed)
    return make(lib, mode, *args, **kwargs)


def numpy_of(t):
    return None if t is None else t.detach().numpy()


def node_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def assert_same(got, want, **tol):
    """Two dicts of arrays (or names): same keys, equal values within ``tol``."""
    assert got.keys() == want.keys()
    for key in want:
        if isinstance(want[key], np.ndarray):
            assert got[key].dtype == want[key].dtype, key
            assert got[key].shape == want[key].shape, key
            np.testing.assert_allclose(got[key], want[key], err_msg=key, **tol)
        else:
            assert got[key] == want[key], key


def state_shape(kwargs, batched, batch=B):
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    return (layers, batch, H) if batched else (layers, H)


def io_shapes(kwargs, batched, batch=B):
    """Shapes of the input and of the output."""
    out_size = H * (2 if kwargs.get("bidirectional") else 1)
    if not batched:
        return (T, I), (T, out_size)
    if kwargs.get("batch_first"):
        return (batch, T, I), (batch, T, out_size)
    return (T, batch, I), (T, batch, out_size)


def layer_arrays(mode, kwargs, batched, with_state, dtype, seed=0):
    """Input, initial states (if given) and cotangents of output, h_n, c_n."""
    rng = np.random.default_rng(seed)
    x_shape, out_shape = io_shapes(kwargs, batched)
    s_shape = state_shape(kwargs, batched)
    states = ["h0", "c0"] if mode == "LSTM" else ["h0"]
    shapes = {"x": x_shape, "d_output": out_shape, "d_h_n": s_shape}
    if mode == "LSTM":
        shapes["d_c_n"] = s_shape
    if with_state:
        shapes.update({s: s_shape for s in states})
    return {k: rng.standard_normal(s).astype(dtype) for k, s in shapes.items()}


def results(module, outputs, inputs):
    """``values`` and ``nodes`` (names) of ``outputs`` (a dict), ``grads`` of
    ``inputs`` (a dict of tensors) and of every parameter, and the
    parameters' values (``params``)."""
    return types.SimpleNamespace(
        values={k: numpy_of(v) for k, v in outputs.items()},
        nodes={k: node_name(v) for k, v in outputs.items()},
        grads={**{k: numpy_of(t.grad) for k, t in inputs.items()},
               **{n: numpy_of(p.grad) for n, p in module.named_parameters()}},
        params={n: numpy_of(p) for n, p in module.named_parameters()})


def assert_same_as_torchs(got, want, dtype, nodes=True):
    """Two ``results``: the same seeded parameters bit for bit, node names,
    values and gradients."""
    assert_same(got.params, want.params, rtol=0, atol=0)
    if nodes:
        assert got.nodes == want.nodes
    assert_same(got.values, want.values, **TOL[dtype])
    assert_same(got.grads, want.grads, **TOL[dtype])


def run_layer(lib, mode, kwargs, arrays, dtype):
    """The seeded layer on ``arrays``; backward of a loss using output, h_n
    (and c_n) with the cotangents."""
    module = seeded(lib, mode, I, H, dtype=getattr(lib, dtype), **kwargs)
    inputs = {k: lib.tensor(a, requires_grad=True) for k, a in arrays.items()
              if not k.startswith("d_")}
    hx = None
    if "h0" in inputs:
        hx = (inputs["h0"], inputs["c0"]) if mode == "LSTM" else inputs["h0"]
    output, h_n = module(inputs["x"], hx)
    outputs = {"output": output}
    if mode == "LSTM":
        outputs["h_n"], outputs["c_n"] = h_n
    else:
        outputs["h_n"] = h_n
    loss = sum((v * lib.tensor(arrays["d_" + k])).sum() for k, v in outputs.items())
    loss.backward()
    return results(module, outputs, inputs)


# ------------------------------------------------------------------ layers vs torch

# id: (module keyword arguments, batched input?, initial state given?)
CONFIGS = {
    "default": ({}, True, False),
    "two-layers": ({"num_layers": 2}, True, False),
    "bidirectional": ({"bidirectional": True}, True, False),
    "two-layers-bidirectional": ({"num_layers": 2, "bidirectional": True}, True, False),
    "batch-first": ({"batch_first": True}, True, False),
    "no-bias": ({"bias": False}, True, False),
    "initial-state": ({}, True, True),
    "all-with-state": ({"num_layers": 2, "bidirectional": True, "batch_first": True,
                        "bias": False}, True, True),
    "unbatched": ({}, False, False),
    "unbatched-initial-state": ({}, False, True),
    "unbatched-two-layers-bidirectional-state": ({"num_layers": 2, "bidirectional": True},
                                                 False, True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("mode", MODES)
def test_layer_matches_torch(mode, config, dtype):
    torch = pytest.importorskip("torch")
    kwargs, batched, with_state = CONFIGS[config]
    arrays = layer_arrays(mode, kwargs, batched, with_state, dtype)
    assert_same_as_torchs(run_layer(jitgrad, mode, kwargs, arrays, dtype),
                          run_layer(torch, mode, kwargs, arrays, dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_layer_node_names(mode, dtype):
    """The node names torch records on the CPU (without torch installed too)."""
    layer = "MkldnnRnnLayerBackward0" if (mode, dtype) == ("LSTM", "float32") else "StackBackward0"
    transpose = "TransposeBackward0" if mode == "LSTM" else "TransposeBackward1"
    states = {"h_n": "StackBackward0", "c_n": "StackBackward0"} if mode == "LSTM" else \
        {"h_n": "StackBackward0"}
    expected = {"default": layer, "bidirectional": "CatBackward0", "batch-first": transpose,
                "unbatched": "SqueezeBackward1"}
    for config, output_node in expected.items():
        kwargs, batched, with_state = CONFIGS[config]
        arrays = layer_arrays(mode, kwargs, batched, with_state, dtype)
        nodes = run_layer(jitgrad, mode, kwargs, arrays, dtype).nodes
        if batched:
            assert nodes == {"output": output_node, **states}, config
        else:
            assert set(nodes.values()) == {output_node}, config


# ------------------------------------------------------------------ finite differences

GRADCHECK_CONFIGS = {"default": {}, "bidirectional": {"bidirectional": True},
                     "two-layers": {"num_layers": 2}}


@pytest.mark.parametrize("config", GRADCHECK_CONFIGS)
@pytest.mark.parametrize("mode", MODES)
def test_gradcheck(mode, config):
    """Input, initial state(s) and every weight (passed in as tensors)."""
    kwargs = GRADCHECK_CONFIGS[config]
    hidden, seq, batch = 4, 3, 2
    module = seeded(jitgrad, mode, 3, hidden, dtype=jitgrad.float64, **kwargs)
    names = list(module._flat_weights_names)
    weights = [p.detach().numpy().copy() for p in module._flat_weights]
    rng = np.random.default_rng(1)
    layers = module.num_layers * (2 if module.bidirectional else 1)
    n_states = 2 if mode == "LSTM" else 1
    states = [rng.standard_normal((layers, batch, hidden)) for _ in range(n_states)]

    def fn(x, *rest):
        hx, ws = rest[:n_states], rest[n_states:]
        for name, w in zip(names, ws):
            delattr(module, name)
            setattr(module, name, w)
        output, h_n = module(x, tuple(hx) if mode == "LSTM" else hx[0])
        parts = [output] + (list(h_n) if mode == "LSTM" else [h_n])
        return jitgrad.cat([p.reshape(-1) for p in parts])

    gradcheck(fn, rng.standard_normal((seq, batch, 3)), *states, *weights)


# ------------------------------------------------------------------ by hand

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def hand_derived(mode, x, h0, c0):
    """A one-step, size-1 layer with every weight 0.5 and every bias 0:
    the output h (and c) and the gradients of ``h`` by hand."""
    a = 0.5 * x + 0.5 * h0                # every gate's pre-activation
    if mode == "LSTM":                    # gates i, f, g, o
        s, t = sigmoid(a), np.tanh(a)
        ds, dt = s * (1 - s), 1 - t ** 2
        c = s * c0 + s * t
        h = s * np.tanh(c)
        dh_dc = s * (1 - np.tanh(c) ** 2)
        gates = np.array([dh_dc * ds * t, dh_dc * ds * c0, dh_dc * s * dt, ds * np.tanh(c)])
        grads = {"x": 0.5 * gates.sum(), "h0": 0.5 * gates.sum(), "c0": dh_dc * s}
        gi = gh = gates
        values = {"h": h, "c": c}
    elif mode == "GRU":                   # gates r, z, n
        r = z = s = sigmoid(a)
        ds = s * (1 - s)
        hn = 0.5 * h0
        n = np.tanh(0.5 * x + r * hn)
        h = (1 - z) * n + z * h0
        dn = (1 - z) * (1 - n ** 2)
        dr, dz = dn * hn * ds, (h0 - n) * ds
        gi, gh = np.array([dr, dz, dn]), np.array([dr, dz, dn * r])
        grads = {"x": 0.5 * gi.sum(), "h0": 0.5 * gh.sum() + z}
        values = {"h": h}
    else:
        h = np.tanh(a) if mode == "RNN_TANH" else np.maximum(a, 0)
        d = 1 - h ** 2 if mode == "RNN_TANH" else float(a > 0)
        gi = gh = np.array([d])
        grads = {"x": 0.5 * d, "h0": 0.5 * d}
        values = {"h": h}
    grads.update({"weight_ih_l0": gi[:, None] * x, "weight_hh_l0": gh[:, None] * h0,
                  "bias_ih_l0": gi, "bias_hh_l0": gh})
    return values, grads


@pytest.mark.parametrize("mode", MODES)
def test_one_step_by_hand(mode):
    x, h0, c0 = 1.0, -0.5, 0.3
    module = make(jitgrad, mode, 1, 1, dtype=jitgrad.float64)
    with jitgrad.no_grad():
        for name, p in module.named_parameters():
            p.fill_(0.0 if name.startswith("bias") else 0.5)
    inputs = {"x": jitgrad.tensor([[[x]]], dtype=jitgrad.float64, requires_grad=True),
              "h0": jitgrad.tensor([[[h0]]], dtype=jitgrad.float64, requires_grad=True)}
    if mode == "LSTM":
        inputs["c0"] = jitgrad.tensor([[[c0]]], dtype=jitgrad.float64, requires_grad=True)
        output, (h_n, c_n) = module(inputs["x"], (inputs["h0"], inputs["c0"]))
    else:
        output, h_n = module(inputs["x"], inputs["h0"])
    output.sum().backward()
    values, grads = hand_derived(mode, x, h0, c0)
    exact = dict(rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(output.detach().numpy().reshape(-1), [values["h"]], **exact)
    np.testing.assert_allclose(h_n.detach().numpy().reshape(-1), [values["h"]], **exact)
    if mode == "LSTM":
        np.testing.assert_allclose(c_n.detach().numpy().reshape(-1), [values["c"]], **exact)
    got = {k: t.grad.numpy().reshape(-1) for k, t in inputs.items()}
    got.update({n: p.grad.numpy().reshape(-1) for n, p in module.named_parameters()})
    assert got.keys() == grads.keys()
    for k in grads:
        np.testing.assert_allclose(got[k], np.reshape(grads[k], -1), err_msg=k, **exact)


# ------------------------------------------------------------------ parameters

def test_parameter_names_shapes_and_order():
    module = jitgrad.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    expected = []
    for layer, size in ((0, 3), (1, 8)):
        for suffix in ("", "_reverse"):
            expected += [(f"weight_ih_l{layer}{suffix}", (16, size)),
                         (f"weight_hh_l{layer}{suffix}", (16, 4)),
                         (f"bias_ih_l{layer}{suffix}", (16,)),
                         (f"bias_hh_l{layer}{suffix}", (16,))]
    assert [(n, tuple(p.shape)) for n, p in module.named_parameters()] == expected
    assert list(module.state_dict()) == [n for n, _ in expected]
    assert module._flat_weights_names == [n for n, _ in expected]
    assert [[tuple(w.shape) for w in ws] for ws in module.all_weights] == \
        [[s for _, s in expected[k:k + 4]] for k in range(0, 16, 4)]
    assert all(w is getattr(module, n) for w, (n, _) in zip(module._flat_weights, expected))
    assert module.flatten_parameters() is None
    gru = jitgrad.nn.GRU(3, 4, bias=False)
    assert [(n, tuple(p.shape)) for n, p in gru.named_parameters()] == \
        [("weight_ih_l0", (12, 3)), ("weight_hh_l0", (12, 4))]
    assert [(n, tuple(p.shape)) for n, p in jitgrad.nn.RNN(3, 4).named_parameters()] == \
        [("weight_ih_l0", (4, 3)), ("weight_hh_l0", (4, 4)), ("bias_ih_l0", (4,)),
         ("bias_hh_l0", (4,))]
    cell = jitgrad.nn.GRUCell(3, 4, bias=False)
    assert [(n, tuple(p.shape)) for n, p in cell.named_parameters()] == \
        [("weight_ih", (12, 3)), ("weight_hh", (12, 4))]
    assert cell.bias_ih is None and list(cell.state_dict()) == ["weight_ih", "weight_hh"]


def test_initialisation_is_uniform_in_one_over_sqrt_hidden():
    module = seeded(jitgrad, "LSTM", 3, 16, num_layers=2)
    values = np.concatenate([p.detach().numpy().reshape(-1) for p in module.parameters()])
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.24
    assert abs(values.mean()) < 0.02


MODULES = {
    "LSTM": lambda lib: lib.nn.LSTM(3, 4),
    "LSTM-two-layers-bidirectional": lambda lib: lib.nn.LSTM(3, 4, 2, bidirectional=True),
    "GRU-everything": lambda lib: lib.nn.GRU(3, 4, num_layers=2, bias=False, batch_first=True,
                                             dropout=0.25, bidirectional=True),
    "RNN-relu-positional": lambda lib: lib.nn.RNN(5, 6, 3, "relu", False),
    "RNN-float64": lambda lib: lib.nn.RNN(3, 4, dtype=lib.float64),
    "LSTM-float64-batch-first": lambda lib: lib.nn.LSTM(3, 4, batch_first=True,
                                                        dtype=lib.float64),
    "RNNCell-relu": lambda lib: lib.nn.RNNCell(3, 4, nonlinearity="relu"),
    "RNNCell-no-bias": lambda lib: lib.nn.RNNCell(3, 4, bias=False),
    "LSTMCell": lambda lib: lib.nn.LSTMCell(3, 4),
    "GRUCell-float64": lambda lib: lib.nn.GRUCell(3, 4, dtype=lib.float64),
}
REPRS = {
    "LSTM": "LSTM(3, 4)",
    "LSTM-two-layers-bidirectional": "LSTM(3, 4, num_layers=2, bidirectional=True)",
    "GRU-everything": "GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25, "
                      "bidirectional=True)",
    "RNN-relu-positional": "RNN(5, 6, num_layers=3, bias=False)",
    "RNN-float64": "RNN(3, 4)",
    "LSTM-float64-batch-first": "LSTM(3, 4, batch_first=True)",
    "RNNCell-relu": "RNNCell(3, 4, nonlinearity=relu)",
    "RNNCell-no-bias": "RNNCell(3, 4, bias=False)",
    "LSTMCell": "LSTMCell(3, 4)",
    "GRUCell-float64": "GRUCell(3, 4)",
}


@pytest.mark.parametrize("name", MODULES)
def test_repr(name):
    assert str(MODULES[name](jitgrad)) == REPRS[name]


@pytest.mark.parametrize("name", MODULES)
def test_parameters_equal_torchs(name):
    """Names, order, shapes, dtypes, state_dict keys, all_weights, repr, and
    the seeded initial values bit for bit."""
    torch = pytest.importorskip("torch")
    modules = {}
    for lib in (jitgrad, torch):
        lib.manual_seed(3)
        modules[lib.__name__] = MODULES[name](lib)
    mine, theirs = modules["jitgrad"], modules["torch"]
    assert_same_module(mine, theirs)
    if hasattr(theirs, "all_weights"):
        assert [[tuple(w.shape) for w in ws] for ws in mine.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
        assert mine._flat_weights_names == theirs._flat_weights_names
        mine.flatten_parameters()
        for attr in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"):
            assert getattr(mine, attr) == getattr(theirs, attr), attr


# ------------------------------------------------------------------ dropout between layers

DROPOUT_CONFIGS = {"two-layers": {"num_layers": 2},
                   "three-layers-bidirectional": {"num_layers": 3, "bidirectional": True}}


def run_dropout(lib, mode, kwargs, arrays, train, seed=1):
    module = seeded(lib, mode, I, H, dropout=0.5, dtype=lib.float64, **kwargs)
    module.train(train)
    x = lib.tensor(arrays["x"], requires_grad=True)
    lib.manual_seed(seed)
    output, _ = module(x)
    (output * lib.tensor(arrays["d_output"])).sum().backward()
    return results(module, {"output": output}, {"x": x})


@pytest.mark.parametrize("config", DROPOUT_CONFIGS)
@pytest.mark.parametrize("mode", MODES)
def test_dropout_masks_are_torchs(mode, config):
    torch = pytest.importorskip("torch")
    kwargs = DROPOUT_CONFIGS[config]
    arrays = layer_arrays(mode, kwargs, True, False, "float64")
    assert_same_as_torchs(run_dropout(jitgrad, mode, kwargs, arrays, True),
                          run_dropout(torch, mode, kwargs, arrays, True), "float64")


@pytest.mark.parametrize("mode", MODES)
def test_dropout_only_in_training(mode):
    kwargs = DROPOUT_CONFIGS["two-layers"]
    arrays = layer_arrays(mode, kwargs, True, False, "float64")
    train = [run_dropout(jitgrad, mode, kwargs, arrays, True, seed).values["output"]
             for seed in (1, 1, 2)]
    evals = [run_dropout(jitgrad, mode, kwargs, arrays, False, seed).values["output"]
             for seed in (1, 2)]
    np.testing.assert_array_equal(train[0], train[1])      # the generator decides the masks
    assert not np.allclose(train[0], train[2])
    assert not np.allclose(train[0], evals[0])
    np.testing.assert_array_equal(evals[0], evals[1])
    # eval mode is the same layer without dropout (the initialisation ignores dropout)
    plain = seeded(jitgrad, mode, I, H, dtype=jitgrad.float64, **kwargs)
    np.testing.assert_array_equal(plain(jitgrad.tensor(arrays["x"]))[0].detach().numpy(),
                                  evals[0])


DROPOUT_WARNING = ("dropout option adds dropout after all but last recurrent layer, so non-zero "
                   "dropout expects num_layers greater than 1, but got dropout=0.5 and "
                   "num_layers=1")


@pytest.mark.parametrize("lib_name", ["jitgrad", "torch"])
def test_dropout_with_one_layer_warns(lib_name):
    lib = pytest.importorskip(lib_name)
    for mode in MODES:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            make(lib, mode, 3, 4, dropout=0.5)
            make(lib, mode, 3, 4, num_layers=2, dropout=0.5)
        assert [(w.category, str(w.message)) for w in record] == [(UserWarning, DROPOUT_WARNING)]


# ------------------------------------------------------------------ errors


def case(id, run, exc, message):
    return types.SimpleNamespace(id=id, run=run, exc=exc, message=message)


def forward(mode, x_shape, *state_shapes, x_dtype="float32", w_dtype="float32", **kwargs):
    """run(lib): a layer called on zeros of the given shapes."""
    def run(lib):
        module = make(lib, mode, 3, 4, dtype=getattr(lib, w_dtype), **kwargs)
        x = lib.zeros(*x_shape, dtype=getattr(lib, x_dtype))
        states = [lib.zeros(*s) for s in state_shapes]
        hx = None if not states else tuple(states) if mode == "LSTM" else states[0]
        module(x, hx)
    return run


def cell_forward(cls, x_shape, *state_shapes):
    def run(lib):
        states = [lib.zeros(*s) for s in state_shapes]
        hx = None if not states else tuple(states) if cls == "LSTMCell" else states[0]
        getattr(lib.nn, cls)(3, 4)(lib.zeros(*x_shape), hx)
    return run


HIDDEN = "Expected hidden size (1, 1, 4), got [1, 2, 4]"
DROPOUT_RANGE = ("dropout should be a number in range [0, 1] representing the probability of "
                 "an element being zeroed")
PROJ = "proj_size argument is only supported for LSTM, not RNN or GRU"
ERRORS = [
    case("input-size-LSTM", forward("LSTM", (2, 1, 5)), RuntimeError,
         "input.size(-1) must be equal to input_size. Expected 3, got 5"),
    case("input-size-GRU-unbatched", forward("GRU", (2, 5)), RuntimeError,
         "input.size(-1) must be equal to input_size. Expected 3, got 5"),
    case("input-size-RNN-batch-first", forward("RNN_TANH", (1, 2, 5), batch_first=True),
         RuntimeError, "input.size(-1) must be equal to input_size. Expected 3, got 5"),
    case("hidden-size-LSTM-h0", forward("LSTM", (2, 1, 3), (1, 2, 4), (1, 1, 4)),
         RuntimeError, "Expected hidden[0] size (1, 1, 4), got [1, 2, 4]"),
    case("hidden-size-LSTM-c0", forward("LSTM", (2, 1, 3), (1, 1, 4), (1, 1, 5)),
         RuntimeError, "Expected hidden[1] size (1, 1, 4), got [1, 1, 5]"),
    case("hidden-size-LSTM-unbatched", forward("LSTM", (2, 3), (1, 5), (1, 4)),
         RuntimeError, "Expected hidden[0] size (1, 1, 4), got [1, 1, 5]"),
    case("hidden-size-GRU", forward("GRU", (2, 1, 3), (1, 2, 4)), RuntimeError, HIDDEN),
    case("hidden-size-RNN-layers", forward("RNN_TANH", (2, 1, 3), (1, 1, 4), num_layers=2),
         RuntimeError, "Expected hidden size (2, 1, 4), got [1, 1, 4]"),
    case("hidden-size-RNN-bidirectional", forward("RNN_RELU", (2, 1, 3), (1, 1, 4),
                                                  bidirectional=True),
         RuntimeError, "Expected hidden size (2, 1, 4), got [1, 1, 4]"),
    case("hidden-dims-GRU-unbatched", forward("GRU", (2, 3), (1, 1, 4)), RuntimeError,
         "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    case("hidden-dims-GRU-batched", forward("GRU", (2, 1, 3), (1, 4)), RuntimeError,
         "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    case("hidden-dims-LSTM-unbatched", forward("LSTM", (2, 3), (1, 4), (1, 1, 4)), RuntimeError,
         "For unbatched 2-D input, hx and cx should also be 2-D but got (2-D, 3-D) tensors"),
    case("hidden-dims-LSTM-batched", forward("LSTM", (2, 1, 3), (1, 4), (1, 4)), RuntimeError,
         "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors"),
    case("4d-input-LSTM", forward("LSTM", (2, 1, 1, 3)), ValueError,
         "LSTM: Expected input to be 2D or 3D, got 4D instead"),
    case("4d-input-GRU", forward("GRU", (2, 1, 1, 3)), ValueError,
         "GRU: Expected input to be 2D or 3D, got 4D instead"),
    case("4d-input-RNN", forward("RNN_TANH", (2, 1, 1, 3)), ValueError,
         "RNN: Expected input to be 2D or 3D, got 4D tensor instead"),
    case("dtype-LSTM", forward("LSTM", (2, 1, 3), x_dtype="float64"), ValueError,
         "RNN input dtype (jitgrad.float64) does not match weight dtype (jitgrad.float32). "
         "Convert input: input.to(jitgrad.float32), or convert model: "
         "model.to(jitgrad.float64)"),
    case("dtype-GRU", forward("GRU", (2, 1, 3), w_dtype="float64"), ValueError,
         "RNN input dtype (jitgrad.float32) does not match weight dtype (jitgrad.float64). "
         "Convert input: input.to(jitgrad.float64), or convert model: "
         "model.to(jitgrad.float32)"),
    case("empty-sequence-LSTM", forward("LSTM", (0, 1, 3)), RuntimeError,
         "Expected sequence length to be larger than 0 in RNN"),
    case("empty-sequence-RNN", forward("RNN_TANH", (0, 2, 3)), RuntimeError,
         "Expected sequence length to be larger than 0 in RNN"),
    case("num-layers-0", lambda lib: lib.nn.LSTM(3, 4, num_layers=0), ValueError,
         "num_layers must be greater than zero"),
    case("hidden-size-0", lambda lib: lib.nn.GRU(3, 0), ValueError,
         "hidden_size must be greater than zero"),
    case("hidden-size-float", lambda lib: lib.nn.RNN(3, 4.0), TypeError,
         "hidden_size should be of type int, got: float"),
    case("dropout-1.5", lambda lib: lib.nn.LSTM(3, 4, dropout=1.5), ValueError, DROPOUT_RANGE),
    case("dropout-bool", lambda lib: lib.nn.GRU(3, 4, dropout=True), ValueError, DROPOUT_RANGE),
    case("nonlinearity-sigmoid", lambda lib: lib.nn.RNN(3, 4, nonlinearity="sigmoid"),
         ValueError, "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
    case("proj-size-GRU", lambda lib: lib.nn.GRU(3, 4, proj_size=2), ValueError, PROJ),
    case("proj-size-RNN", lambda lib: lib.nn.RNN(3, 4, proj_size=2), ValueError, PROJ),
    case("proj-size-negative", lambda lib: lib.nn.LSTM(3, 4, proj_size=-1), ValueError,
         "proj_size should be a positive integer or zero to disable projections"),
    case("proj-size-too-big", lambda lib: lib.nn.LSTM(3, 4, proj_size=4), ValueError,
         "proj_size has to be smaller than hidden_size"),
    case("cell-3d-input", cell_forward("RNNCell", (2, 2, 3)), ValueError,
         "RNNCell: Expected input to be 1D or 2D, got 3D instead"),
    case("cell-input-size", cell_forward("LSTMCell", (2, 5)), RuntimeError,
         "input has inconsistent input_size: got 5 expected 3"),
    case("cell-hidden-size", cell_forward("GRUCell", (2, 3), (2, 5)), RuntimeError,
         "hidden0 has inconsistent hidden_size: got 5, expected 4"),
    case("cell-batch-size", cell_forward("LSTMCell", (2, 3), (3, 4), (3, 4)), RuntimeError,
         "Input batch size 2 doesn't match hidden0 batch size 3"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


# ------------------------------------------------------------------ cells

CELLS = ["RNNCell_tanh", "RNNCell_relu", "LSTMCell", "GRUCell"]
# id: (bias, batched input?, hx given?)
CELL_CONFIGS = {"batched-hx": (True, True, True), "batched": (True, True, False),
                "unbatched-hx": (True, False, True), "unbatched": (True, False, False),
                "no-bias-hx": (False, True, True)}


def make_cell(lib, cell, *args, **kwargs):
    if cell.startswith("RNNCell"):
        return lib.nn.RNNCell(*args, nonlinearity=cell[8:], **kwargs)
    return getattr(lib.nn, cell)(*args, **kwargs)


def run_cell(lib, cell, config, dtype, seed=0):
    bias, batched, with_hx = CELL_CONFIGS[config]
    lib.manual_seed(0)
    module = make_cell(lib, cell, I, H, bias=bias, dtype=getattr(lib, dtype))
    rng = np.random.default_rng(seed)
    lead = (B,) if batched else ()
    names = (["h0", "c0"] if cell == "LSTMCell" else ["h0"]) if with_hx else []
    inputs = {k: lib.tensor(rng.standard_normal(lead + (n,)).astype(dtype), requires_grad=True)
              for k, n in [("x", I)] + [(k, H) for k in names]}
    hx = None
    if with_hx:
        hx = (inputs["h0"], inputs["c0"]) if cell == "LSTMCell" else inputs["h0"]
    out = module(inputs["x"], hx)
    outputs = dict(zip(["h", "c"], out)) if cell == "LSTMCell" else {"h": out}
    loss = sum((v * lib.tensor(rng.standard_normal(lead + (H,)).astype(dtype))).sum()
               for v in outputs.values())
    loss.backward()
    return results(module, outputs, inputs)


CELL_NODES = {"RNNCell_tanh": {"h": "TanhBackward0"}, "RNNCell_relu": {"h": "ReluBackward0"},
              "LSTMCell": {"h": "MulBackward0", "c": "AddBackward0"},
              "GRUCell": {"h": "AddBackward0"}}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", CELL_CONFIGS)
@pytest.mark.parametrize("cell", CELLS)
def test_cell_matches_torch(cell, config, dtype):
    torch = pytest.importorskip("torch")
    assert_same_as_torchs(run_cell(jitgrad, cell, config, dtype),
                          run_cell(torch, cell, config, dtype), dtype)


@pytest.mark.parametrize("cell", CELLS)
def test_cell_node_names(cell):
    nodes = run_cell(jitgrad, cell, "batched-hx", "float32").nodes
    assert nodes == CELL_NODES[cell]
    nodes = run_cell(jitgrad, cell, "unbatched", "float32").nodes
    assert set(nodes.values()) == {"SqueezeBackward1"}


@pytest.mark.parametrize("cell", CELLS)
def test_cell_is_one_step_of_the_layer(cell):
    """A cell with a layer's weights gives the layer's one-step output."""
    mode = {"RNNCell_tanh": "RNN_TANH", "RNNCell_relu": "RNN_RELU"}.get(cell, cell[:-4])
    layer = seeded(jitgrad, mode, I, H, dtype=jitgrad.float64)
    module = make_cell(jitgrad, cell, I, H, dtype=jitgrad.float64)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        delattr(module, name)
        setattr(module, name, getattr(layer, name + "_l0"))
    rng = np.random.default_rng(2)
    x = jitgrad.tensor(rng.standard_normal((B, I)))
    states = [jitgrad.tensor(rng.standard_normal((B, H)))
              for _ in range(2 if mode == "LSTM" else 1)]
    with jitgrad.no_grad():
        if mode == "LSTM":
            step = module(x, tuple(states))
            _, h_n = layer(x[None], tuple(s[None] for s in states))
        else:
            step = module(x, states[0])
            _, h_n = layer(x[None], states[0][None])
    if mode == "LSTM":
        for a, b in zip(step, h_n):
            np.testing.assert_allclose(a.numpy(), b[0].numpy(), rtol=1e-12, atol=1e-14)
    else:
        np.testing.assert_allclose(step.numpy(), h_n[0].numpy(), rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ create_graph

SECOND_ORDER_CONFIGS = {"default": ({}, False),
                        "two-layers-bidirectional-state": ({"num_layers": 2,
                                                            "bidirectional": True}, True)}


def second_order(lib, mode, kwargs, arrays, create_graph=True):
    """The input (and initial h) gradients of a loss through the layer, and,
    with ``create_graph``, the gradients of their squares (a double backward)."""
    module = seeded(lib, mode, I, H, dtype=lib.float64, **kwargs)
    inputs = {k: lib.tensor(a, requires_grad=True) for k, a in arrays.items()
              if not k.startswith("d_")}
    hx = None
    if "h0" in inputs:
        hx = (inputs["h0"], inputs["c0"]) if mode == "LSTM" else inputs["h0"]
    output, h_n = module(inputs["x"], hx)
    loss = (output * lib.tensor(arrays["d_output"])).sum()
    loss = loss + ((h_n[1] if mode == "LSTM" else h_n) ** 2).sum()
    wrt = [inputs["x"]] + ([inputs["h0"]] if "h0" in inputs else [])
    first = lib.autograd.grad(loss, wrt, create_graph=create_graph)
    if create_graph:
        sum((g ** 2).sum() for g in first).backward()
    return results(module, {f"grad_{k}": g for k, g in enumerate(first)}, inputs)


@pytest.mark.parametrize("config", SECOND_ORDER_CONFIGS)
@pytest.mark.parametrize("mode", MODES)
def test_create_graph_matches_torch(mode, config):
    torch = pytest.importorskip("torch")
    kwargs, with_state = SECOND_ORDER_CONFIGS[config]
    arrays = layer_arrays(mode, kwargs, True, with_state, "float64")
    # the first gradients' node names are the recorded backward's, not checked here
    assert_same_as_torchs(second_order(jitgrad, mode, kwargs, arrays),
                          second_order(torch, mode, kwargs, arrays), "float64", nodes=False)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "bidirectional"])
@pytest.mark.parametrize("mode", MODES)
def test_create_graph_gradcheck(mode, reverse):
    """Finite differences of the input gradient (computed with create_graph)
    with respect to the input, the initial h and the weights."""
    module = seeded(jitgrad, mode, 2, 3, dtype=jitgrad.float64, bidirectional=reverse)
    names = list(module._flat_weights_names)
    weights = [p.detach().numpy().copy() for p in module._flat_weights]
    rng = np.random.default_rng(4)
    cotangent = jitgrad.tensor(rng.standard_normal((2, 1, 3 * (1 + reverse))))

    def input_gradient(x, h0, *ws):
        for name, w in zip(names, ws):
            delattr(module, name)
            setattr(module, name, w)
        numerical = not x.requires_grad             # the finite differences run in no_grad
        with jitgrad.enable_grad():
            x = x.detach().requires_grad_() if numerical else x
            hx = (h0, jitgrad.zeros_like(h0)) if mode == "LSTM" else h0
            output, _ = module(x, hx)
            loss = (output * cotangent).sum() + (output ** 2).sum()
            g = jitgrad.autograd.grad(loss, x, create_graph=not numerical)[0]
        return g.detach() if numerical else g

    gradcheck(input_gradient, rng.standard_normal((2, 1, 2)),
              rng.standard_normal((1 + reverse, 1, 3)), *weights)


@pytest.mark.parametrize("config", SECOND_ORDER_CONFIGS)
@pytest.mark.parametrize("mode", MODES)
def test_create_graph_first_gradient_is_the_kernels(mode, config):
    """The recorded path (the node's apply_graph) gives the fused kernel's
    gradients (its apply), and the double backward gives every weight a gradient."""
    kwargs, with_state = SECOND_ORDER_CONFIGS[config]
    arrays = layer_arrays(mode, kwargs, True, with_state, "float64")
    recorded = second_order(jitgrad, mode, kwargs, arrays, create_graph=True)
    fused = second_order(jitgrad, mode, kwargs, arrays, create_graph=False)
    assert_same(recorded.values, fused.values, rtol=1e-12, atol=1e-13)
    assert all(g is not None and np.abs(g).max() > 0 for g in recorded.grads.values())


# ------------------------------------------------------------------ memory

def graph_nodes(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(getattr(node, "_next", ()) or ())


def held(obj, depth=0):
    """The tensors and arrays (of more than one element) in a node's state."""
    if isinstance(obj, (np.ndarray, jitgrad.Tensor)):
        size = obj.size if isinstance(obj, np.ndarray) else obj._data.size
        return [obj] if size > 1 else []
    if depth < 4 and isinstance(obj, (tuple, list)):
        return [a for item in obj for a in held(item, depth + 1)]
    return []


@pytest.mark.parametrize("mode", MODES)
def test_backward_frees_the_layers(mode):
    """After backward the layer nodes hold nothing: the first layer's output,
    which only the second layer's node kept, dies (reference counting alone)."""
    kwargs = {"num_layers": 2}
    arrays = layer_arrays(mode, kwargs, True, True, "float32")
    module = seeded(jitgrad, mode, I, H, **kwargs)
    h0 = jitgrad.tensor(arrays["h0"], requires_grad=True)
    hx = (h0, jitgrad.tensor(arrays["c0"])) if mode == "LSTM" else h0
    gc.disable()
    try:
        output, h_n = module(jitgrad.tensor(arrays["x"]), hx)
        loss = output.sum() + (h_n[0] if mode == "LSTM" else h_n).sum()
        layers = [n for n in graph_nodes(loss.grad_fn) if isinstance(n, RnnLayerNode)]
        assert len(layers) == 2 and all(n._saved is not None for n in layers)
        (inner,) = [n._saved[-1][0] for n in layers if n._saved[-1][0].grad_fn is not None]
        dead_tensor, dead_array = weakref.ref(inner), weakref.ref(inner._data)
        del inner, output, h_n
        assert dead_tensor() is not None, "the graph must keep the first layer's output"
        loss.backward()
        assert dead_tensor() is None, "the first layer's output outlived backward"
        assert dead_array() is None, "the first layer's output's array outlived backward"
    finally:
        gc.enable()
    for node in graph_nodes(loss.grad_fn):
        if isinstance(node, AccumulateGrad):
            continue
        state = [node._saved, node._checks] + list(getattr(node, "__dict__", {}).values())
        assert not held(state), f"{type(node).__name__} still holds arrays after backward"
    assert all(n._saved is None for n in layers)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


@pytest.mark.parametrize("mode", MODES)
def test_retain_graph_allows_a_second_backward(mode):
    module = seeded(jitgrad, mode, I, H, bidirectional=True)
    x = jitgrad.randn(T, B, I, requires_grad=True)
    loss = module(x)[0].pow(2).sum()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first, rtol=1e-6)


# ------------------------------------------------------------------ jitgrad.compile

@pytest.mark.usefixtures("compile_cache_dir")
def test_compiled_lstm_training_step_equals_eager():
    jitgrad.compiler.reset()
    model = seeded(jitgrad, "LSTM", I, H, num_layers=2)
    twin = copy.deepcopy(model)

    def training_step(module, optimizer):
        def step(x, h0, c0):
            optimizer.zero_grad()
            output, (h_n, c_n) = module(x, (h0, c0))
            loss = (output ** 2).mean() + (h_n * c_n).sum()
            loss.backward()
            optimizer.step()
            return loss
        return step

    compiled = jitgrad.compile(training_step(model, jitgrad.optim.SGD(model.parameters(),
                                                                      lr=0.1)))
    eager = training_step(twin, jitgrad.optim.SGD(twin.parameters(), lr=0.1))
    rng = np.random.default_rng(5)
    try:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for _ in range(3):
                args = [jitgrad.tensor(rng.standard_normal(s).astype(np.float32))
                        for s in ((T, B, I), (2, B, H), (2, B, H))]
                np.testing.assert_allclose(compiled(*args).item(), eager(*args).item(),
                                           rtol=1e-5, atol=1e-6)
                for (n, p), q in zip(model.named_parameters(), twin.parameters()):
                    np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5,
                                               atol=1e-6, err_msg=n)
                    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(),
                                               rtol=1e-5, atol=1e-6, err_msg=n)
    finally:
        jitgrad.compiler.reset()
    messages = [str(w.message) for w in record if str(w.message).startswith("jitgrad.compile")]
    assert not messages, messages
