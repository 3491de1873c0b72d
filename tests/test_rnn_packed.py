"""nn.utils.rnn (PackedSequence, pack/pad helpers) and the recurrent layers over
packed sequences and with projections (LSTM proj_size): torch's values,
gradients, node names and parameters; without torch, finite differences in
float64, each sequence's final state against the layer run on that sequence
alone, the docs' hand examples, and errors in torch's words."""
import types

import numpy as np
import pytest

import jitgrad
from helpers import assert_same_module, error_tests, gradcheck

R = jitgrad.nn.utils.rnn
I, H, P = 3, 4, 2
LENGTHS = [2, 4, 1]                     # unsorted: B = 3, T = 4
DTYPES = ["float32", "float64"]
TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-10)}


def make(lib, mode, seed=0, dtype="float64", **kwargs):
    lib.manual_seed(seed)
    if mode.startswith("RNN"):
        kwargs["nonlinearity"] = mode[4:].lower()
        mode = "RNN"
    return getattr(lib.nn, mode)(I, H, dtype=getattr(lib, dtype), **kwargs)


def state_shapes(mode, kwargs, batch):
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    shapes = [(layers, batch, kwargs.get("proj_size") or H)]
    return shapes + [(layers, batch, H)] if mode == "LSTM" else shapes


def run(lib, mode, kwargs, dtype, packed=True, lengths=LENGTHS, with_state=True, seed=1):
    """The seeded module on a packed (or padded) batch; a loss over output and
    states backpropagated. Returns values, gradients and node names."""
    R = lib.nn.utils.rnn
    rng = np.random.default_rng(seed)
    T, B = max(lengths), len(lengths)
    shape = (B, T, I) if kwargs.get("batch_first") else (T, B, I)
    x = lib.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
    states = [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
              for s in state_shapes(mode, kwargs, B)] if with_state else []
    m = make(lib, mode, dtype=dtype, **kwargs)
    hx = None if not states else tuple(states) if mode == "LSTM" else states[0]
    unsorted = lengths != sorted(lengths, reverse=True)
    inp = R.pack_padded_sequence(x, lengths, enforce_sorted=not unsorted) if packed else x
    out, hn = m(inp, hx)
    outs = {"output": out.data if packed else out}
    outs.update(zip(["h_n", "c_n"], hn if mode == "LSTM" else [hn]))
    loss = sum((v * lib.tensor(rng.standard_normal(tuple(v.shape)).astype(dtype))).sum()
               for v in outs.values())
    loss.backward()
    return types.SimpleNamespace(
        values={k: v.detach().numpy() for k, v in outs.items()},
        nodes={k: type(v.grad_fn).__name__ for k, v in outs.items()},
        grads={"x": x.grad.numpy(), **{f"s{k}": s.grad.numpy() for k, s in enumerate(states)},
               **{n: p.grad.numpy() for n, p in m.named_parameters()}},
        packing=None if not packed else [None if t is None else t.numpy() for t in out[1:]])


def assert_same(got, want, dtype):
    assert got.nodes == want.nodes
    for field in ("values", "grads"):
        a, b = getattr(got, field), getattr(want, field)
        assert a.keys() == b.keys()
        for k in b:
            assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
            np.testing.assert_allclose(a[k], b[k], err_msg=k, **TOL[dtype])
    if want.packing is not None:
        for a, b in zip(got.packing, want.packing, strict=True):
            assert (a is None) == (b is None)
            np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ layers vs torch

PACKED = {
    "LSTM-sorted-no-state": ("LSTM", {}, [4, 2, 2], False),
    "LSTM-two-layers-bidirectional": ("LSTM", {"num_layers": 2, "bidirectional": True},
                                      LENGTHS, True),
    "LSTM-projection-bidirectional": ("LSTM", {"proj_size": P, "bidirectional": True},
                                      LENGTHS, True),
    "GRU-bidirectional-no-bias": ("GRU", {"bidirectional": True, "bias": False}, LENGTHS, True),
    "RNN_RELU-two-layers": ("RNN_RELU", {"num_layers": 2}, LENGTHS, True),
    "RNN_TANH": ("RNN_TANH", {}, LENGTHS, True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", PACKED)
def test_packed_layer_matches_torch(config, dtype):
    torch = pytest.importorskip("torch")
    mode, kwargs, lengths, with_state = PACKED[config]
    args = (mode, kwargs, dtype, True, lengths, with_state)
    assert_same(run(jitgrad, *args), run(torch, *args), dtype)


PROJECTED = {"default": {}, "batch-first": {"batch_first": True},
             "two-layers-bidirectional-no-bias": {"num_layers": 2, "bidirectional": True,
                                                  "bias": False}}


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", PROJECTED)
def test_projected_lstm_matches_torch(config, dtype):
    torch = pytest.importorskip("torch")
    args = ("LSTM", {"proj_size": P, **PROJECTED[config]}, dtype, False, [4, 4, 4])
    assert_same(run(jitgrad, *args), run(torch, *args), dtype)


def test_projected_lstm_parameters_are_torchs():
    """Names, shapes, order (weight_hr after the biases), state_dict keys, repr and
    seeded initialisation, bit for bit."""
    torch = pytest.importorskip("torch")
    kwargs = dict(num_layers=2, bidirectional=True, proj_size=P)
    assert_same_module(make(jitgrad, "LSTM", **kwargs), make(torch, "LSTM", **kwargs))
    m = make(jitgrad, "LSTM", **kwargs)
    assert m._flat_weights_names[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                         "bias_hh_l0", "weight_hr_l0"]
    assert tuple(m.weight_ih_l1.shape) == (4 * H, 2 * P)
    assert tuple(m.weight_hh_l1_reverse.shape) == (4 * H, P)
    assert tuple(m.weight_hr_l1_reverse.shape) == (P, H)


def test_packed_node_names():
    """torch's CPU nodes (without torch too): the layer's rows concatenated, the
    states stacked and put back in the batch's order."""
    nodes = run(jitgrad, "LSTM", {}, "float32").nodes
    assert nodes == {"output": "CatBackward0", "h_n": "IndexSelectBackward0",
                     "c_n": "IndexSelectBackward0"}
    nodes = run(jitgrad, "GRU", {}, "float64", lengths=[3, 2]).nodes       # sorted
    assert nodes == {"output": "CatBackward0", "h_n": "StackBackward0"}
    nodes = run(jitgrad, "LSTM", {"proj_size": P}, "float32", packed=False).nodes
    assert nodes == {"output": "StackBackward0", "h_n": "StackBackward0",
                     "c_n": "StackBackward0"}


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_create_graph_matches_torch(mode):
    """Double backward through the packed layer (the recorded cells)."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (jitgrad, torch):
        m = make(lib, mode, bidirectional=True, **({"proj_size": P} if mode == "LSTM" else {}))
        x = lib.tensor(np.random.default_rng(2).standard_normal((3, 2, I)), requires_grad=True)
        out, hn = m(lib.nn.utils.rnn.pack_padded_sequence(x, [3, 1]))
        hn = hn[0] if mode == "LSTM" else hn
        g, = lib.autograd.grad((out.data ** 2).sum() + (hn ** 3).sum(), [x], create_graph=True)
        (g * g).sum().backward()
        results.append([g.detach().numpy(), x.grad.numpy()] +
                       [p.grad.numpy() for p in m.parameters()])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


# ------------------------------------------------------------------ without torch

@pytest.mark.parametrize("mode,kwargs", [("LSTM", {"bidirectional": True}),
                                         ("LSTM", {"proj_size": P}),
                                         ("GRU", {"num_layers": 2}),
                                         ("RNN_TANH", {"bidirectional": True})])
def test_gradcheck(mode, kwargs):
    """Input and initial states through a packed, unsorted batch, to output and states."""
    m = make(jitgrad, mode, **kwargs)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 3, I))
    states = [rng.standard_normal(s) for s in state_shapes(mode, kwargs, 3)]

    def fn(x, *states):
        out, hn = m(R.pack_padded_sequence(x, [2, 3, 1], enforce_sorted=False),
                    tuple(states) if mode == "LSTM" else states[0])
        hn = hn if mode == "LSTM" else (hn,)
        return jitgrad.cat([out.data.reshape(-1)] + [h.reshape(-1) for h in hn])
    gradcheck(fn, x, *states)


@pytest.mark.parametrize("mode,kwargs", [("LSTM", {"bidirectional": True, "proj_size": P}),
                                         ("GRU", {"bidirectional": True, "num_layers": 2})])
def test_each_sequence_as_if_alone(mode, kwargs):
    """A sequence's output rows and final states (the reverse direction starting at
    its own end) are those of the layer run on that sequence alone."""
    m = make(jitgrad, mode, **kwargs)
    rng = np.random.default_rng(4)
    seqs = [jitgrad.tensor(rng.standard_normal((n, I))) for n in LENGTHS]
    with jitgrad.no_grad():
        out, hn = m(R.pack_sequence(seqs, enforce_sorted=False))
        outs = R.unpack_sequence(out)
        for k, s in enumerate(seqs):
            alone, hk = m(s)
            np.testing.assert_allclose(outs[k].numpy(), alone.numpy(), rtol=1e-12, atol=1e-12)
            for a, b in zip(hn if mode == "LSTM" else [hn], hk if mode == "LSTM" else [hk]):
                np.testing.assert_allclose(a[:, k].numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def test_docs_examples():
    a, b, c = jitgrad.tensor([1, 2, 3]), jitgrad.tensor([4, 5]), jitgrad.tensor([6])
    p = R.pack_sequence([a, b, c])
    assert p.data.tolist() == [1, 4, 6, 2, 5, 3] and p.batch_sizes.tolist() == [3, 2, 1]
    assert p.sorted_indices is None and p.unsorted_indices is None
    assert repr(p) == ("PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), "
                       "batch_sizes=tensor([3, 2, 1]), sorted_indices=None, "
                       "unsorted_indices=None)")
    assert [t.tolist() for t in R.unpack_sequence(p)] == [[1, 2, 3], [4, 5], [6]]
    seq = jitgrad.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    p = R.pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert p.data.tolist() == [4, 1, 3, 5, 2, 6] and p.batch_sizes.tolist() == [3, 2, 1]
    assert p.sorted_indices.tolist() == [2, 0, 1] and p.unsorted_indices.tolist() == [1, 2, 0]
    padded, lengths = R.pad_packed_sequence(p, batch_first=True)
    assert padded.tolist() == seq.tolist() and lengths.tolist() == [2, 1, 3]
    padded = R.pad_sequence([a, b, c], padding_value=-1, padding_side="left")
    assert padded.tolist() == [[1, -1, -1], [2, 4, -1], [3, 5, 6]]
    padded = R.pad_sequence([a, b, c], padding_value=-1)
    assert padded.tolist() == [[1, 4, 6], [2, 5, -1], [3, -1, -1]]
    unpadded = R.unpad_sequence(padded, jitgrad.tensor([3, 2, 1]))
    assert [t.tolist() for t in unpadded] == [[1, 2, 3], [4, 5], [6]]
    assert padded.shape == (3, 3) and padded[0].tolist() == [1, 2, 3]   # transposed in place


def test_packed_sequence_class():
    data = jitgrad.tensor([[1.0], [2.0], [3.0]])
    p = R.PackedSequence(data, jitgrad.tensor([2, 1]), jitgrad.tensor([1, 0]))
    assert p.unsorted_indices.tolist() == [1, 0]          # inverted from sorted_indices
    d, bs, si, ui = p
    assert d is data and p.to(jitgrad.float32) is p and p.is_cuda is False
    assert p.double().data.dtype == jitgrad.float64 and p.long().data.dtype == jitgrad.int64
    assert p.double().sorted_indices is si
    assert R.PackedSequence((data, bs)).batch_sizes is bs
    assert jitgrad.nn.utils.clip_grad_norm_ is not None   # nn.utils is a package now
    from jitgrad.nn.utils.rnn import pad_sequence
    assert pad_sequence is R.pad_sequence


def test_length_past_the_input_is_refused():
    """torch reads past the input there; jitgrad refuses it."""
    with pytest.raises(RuntimeError, match="longer than the input's 3 steps"):
        R.pack_padded_sequence(jitgrad.zeros(3, 2, 1), [4, 2])


# ------------------------------------------------------------------ errors


def case(id, run, exc, message):
    return types.SimpleNamespace(id=id, run=run, exc=exc, message=message)


def pack(lengths, shape=(3, 2, 4), **kwargs):
    return lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(*shape), lengths(lib) if callable(lengths) else lengths, **kwargs)


def packed_layer(mode, data_shape, *state_shapes, data_dtype="float32", state_dtype="float32"):
    def fn(lib):
        m = getattr(lib.nn, mode)(4, 5)
        p = lib.nn.utils.rnn.PackedSequence(lib.zeros(*data_shape, dtype=getattr(lib, data_dtype)),
                                            lib.tensor([2, 2, 1]))
        m(p, lib.zeros(*state_shapes[0], dtype=getattr(lib, state_dtype)) if state_shapes
          else None)
    return fn


ERRORS = [
    case("unsorted", pack(lambda lib: lib.tensor([2, 3])), RuntimeError,
         "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
         "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
         "sidestep this requirement if you do not need ONNX exportability."),
    case("zero-length", pack([3, 0], enforce_sorted=False), RuntimeError,
         "Length of all samples has to be greater than 0, but found an element in 'lengths' "
         "that is <= 0"),
    case("lengths-count", pack([3, 2, 1]), RuntimeError,
         "Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=2)"),
    case("lengths-2d", pack(lambda lib: lib.tensor([[3, 2]])), RuntimeError,
         "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor"),
    case("empty", pack([], shape=(3, 0, 4)), RuntimeError, "Cannot pack empty tensors."),
    case("total-length", lambda lib: lib.nn.utils.rnn.pad_packed_sequence(
        pack([3, 2])(lib), total_length=2), ValueError,
         "Expected total_length to be at least the length of the longest sequence in input, "
         "but got total_length=2 and max sequence length being 3"),
    case("padding-side", lambda lib: lib.nn.utils.rnn.pad_sequence(
        [lib.ones(2)], padding_side="middle"), RuntimeError,
         "Expected padding_side to be one of left or right, but got middle."),
    case("pad-empty", lambda lib: lib.nn.utils.rnn.pad_sequence([]), RuntimeError,
         "received an empty list of sequences"),
    case("pad-scalars", lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(()), lib.ones(())]),
         RuntimeError, "ArrayRef: invalid slice, N = 1; size = 0"),
    case("pad-not-iterable", lambda lib: lib.nn.utils.rnn.pad_sequence(3), RuntimeError,
         "pad_sequence: Expected iterable for input sequences, but got arg of type: "
         "<class 'int'>"),
    case("pad-trailing", lambda lib: lib.nn.utils.rnn.pad_sequence(
        [lib.ones(2, 3), lib.ones(3, 4)]), RuntimeError,
         "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
         "dimension 1"),
    case("layer-hidden", packed_layer("GRU", (5, 4), (1, 3, 5)), RuntimeError,
         "Expected hidden size (1, 2, 5), got [1, 3, 5]"),
    case("layer-state-dtype", packed_layer("RNN", (5, 4), (1, 2, 5), state_dtype="float64"),
         RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    case("layer-input-dims", packed_layer("RNN", (5, 4, 1)), RuntimeError,
         "input must have 2 dimensions, got 3"),
    case("layer-input-size", packed_layer("GRU", (5, 3)), RuntimeError,
         "input.size(-1) must be equal to input_size. Expected 4, got 3"),
    case("layer-dtype", packed_layer("GRU", (5, 4), data_dtype="float64"), ValueError,
         "RNN input dtype (jitgrad.float64) does not match weight dtype (jitgrad.float32). "
         "Convert input: input.to(jitgrad.float32), or convert model: "
         "model.to(jitgrad.float64)"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
