"""nn.Embedding, nn.LayerNorm and nn.BatchNorm1d/2d/3d: torch's initial
values for a seed, outputs and gradients (float32 and float64, finite
differences in float64), running statistics over several training steps
(momentum and the cumulative average of momentum=None), train/eval
behaviour, state_dict order and round trip (num_batches_tracked included),
repr, and the errors in torch's words."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests, gradcheck

rng = np.random.default_rng(0)


def R(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype=dtype)


def _np(t):
    return t.detach().numpy().copy()


def run_both(build, steps, dtype=np.float32, train=True):
    """``build(lib)`` -> module; each step feeds the same input to both
    libraries, backpropagates a fixed cotangent and records the output, the
    input's and the parameters' gradients and the buffers."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    out = {}
    for lib in (jitgrad, torch):
        lib.manual_seed(0)
        module = build(lib)
        if dtype == np.float64:
            module = module.double()
        module.train(train)
        records = []
        for x_np, v_np in steps:
            x = lib.tensor(x_np.astype(dtype) if x_np.dtype.kind == "f" else x_np,
                           requires_grad=x_np.dtype.kind == "f")
            y = module(x)
            y.backward(lib.tensor(v_np.astype(dtype)))
            records.append({
                "out": _np(y),
                "x.grad": None if x.grad is None else _np(x.grad),
                **{f"grad {n}": _np(p.grad) for n, p in module.named_parameters()
                   if p.grad is not None},
                **{n: _np(b) for n, b in module.named_buffers()},
            })
            module.zero_grad()
        out[lib.__name__] = (records, type(y.grad_fn).__name__)
    return out["jitgrad"], out["torch"]


def assert_same(jit, tor, rtol, atol):
    (jr, jn), (tr, tn) = jit, tor
    assert jn == tn
    for a, b in zip(jr, tr):
        assert a.keys() == b.keys()
        for k in a:
            if a[k] is None:
                assert b[k] is None, k
                continue
            assert a[k].dtype == b[k].dtype, k
            np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=atol, err_msg=k)


def steps(shape, n=4, scale=2.0, shift=1.0):
    data = np.random.default_rng(7)
    return [((data.standard_normal(shape) * scale + shift), data.standard_normal(shape))
            for _ in range(n)]


TOL = {np.float32: (2e-5, 2e-5), np.float64: (1e-10, 1e-12)}


# ------------------------------------------------------------------ BatchNorm

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,build,shape", [
    ("1d-2d", lambda lib: lib.nn.BatchNorm1d(5), (16, 5)),
    ("1d-3d", lambda lib: lib.nn.BatchNorm1d(3, momentum=0.3), (8, 3, 6)),
    ("2d", lambda lib: lib.nn.BatchNorm2d(4), (6, 4, 5, 5)),
    ("2d-cumulative", lambda lib: lib.nn.BatchNorm2d(3, momentum=None), (4, 3, 3, 3)),
    ("2d-no-affine", lambda lib: lib.nn.BatchNorm2d(3, affine=False), (4, 3, 2, 2)),
    ("1d-no-bias", lambda lib: lib.nn.BatchNorm1d(4, bias=False), (8, 4)),
    ("1d-untracked", lambda lib: lib.nn.BatchNorm1d(4, track_running_stats=False), (8, 4)),
    ("3d", lambda lib: lib.nn.BatchNorm3d(2), (3, 2, 2, 3, 2)),
])
def test_batchnorm_training_steps_match_torch(name, build, shape, dtype):
    assert_same(*run_both(build, steps(shape), dtype), *TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batchnorm_eval_after_training_matches_torch(dtype):
    torch = pytest.importorskip("torch")
    results = []
    x_np = R(2, 3, 4, 4, dtype=dtype)
    for lib in (jitgrad, torch):
        bn = lib.nn.BatchNorm2d(3)
        if dtype == np.float64:
            bn = bn.double()
        for batch, _ in steps((5, 3, 4, 4), 3):
            bn(lib.tensor(batch.astype(dtype)))
        bn.eval()
        x = lib.tensor(x_np, requires_grad=True)
        y = bn(x)
        y.backward(lib.ones_like(y))
        results.append((_np(y), _np(x.grad), _np(bn.weight.grad), bn.num_batches_tracked.item()))
    (jy, jg, jw, jn), (ty, tg, tw, tn) = results
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(jy, ty, rtol=rtol, atol=atol)
    np.testing.assert_allclose(jg, tg, rtol=rtol, atol=atol)
    np.testing.assert_allclose(jw, tw, rtol=rtol, atol=atol)
    assert jn == tn == 3


def test_batchnorm_running_stats_by_hand():
    bn = jitgrad.nn.BatchNorm1d(1, momentum=None)
    for batch in ([[1.0], [3.0]], [[0.0], [2.0], [4.0]]):
        bn(jitgrad.tensor(batch))
    # cumulative average of the batch means (2, 2) and unbiased variances (2, 4)
    assert bn.running_mean.tolist() == pytest.approx([2.0])
    assert bn.running_var.tolist() == pytest.approx([3.0])
    assert bn.num_batches_tracked.item() == 2
    assert bn.num_batches_tracked.dtype is jitgrad.int64
    bn.eval()
    y = bn(jitgrad.tensor([[2.0], [2.0 + float(np.sqrt(3.0 + 1e-5))]]))
    assert y.tolist() == [[pytest.approx(0.0)], [pytest.approx(1.0)]]
    assert bn.num_batches_tracked.item() == 2          # evaluation leaves the buffers alone


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    bn = jitgrad.nn.BatchNorm1d(2, track_running_stats=False).eval()
    assert bn.running_mean is None and bn.num_batches_tracked is None
    x = R(6, 2)
    y = bn(jitgrad.tensor(x)).detach().numpy()
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-5,
                               atol=1e-5)
    assert list(bn.state_dict()) == ["weight", "bias"]


def test_batchnorm_gradients_by_finite_differences():
    bn = jitgrad.nn.BatchNorm2d(2).double()
    with jitgrad.no_grad():
        bn.weight.copy_(jitgrad.tensor([0.5, -2.0], dtype=jitgrad.float64))
        bn.bias.copy_(jitgrad.tensor([0.1, 0.3], dtype=jitgrad.float64))
    gradcheck(lambda x: bn(x), R(3, 2, 2, 2, dtype=np.float64))
    bn.eval()
    gradcheck(lambda x: bn(x), R(3, 2, 2, 2, dtype=np.float64))


def test_batchnorm_init_buffers_and_state_dict_order():
    torch = pytest.importorskip("torch")
    for lib in (jitgrad, torch):
        bn = lib.nn.BatchNorm2d(4)
        assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                         "num_batches_tracked"]
        assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                      "num_batches_tracked"]
        assert bn.weight.tolist() == [1.0] * 4 and bn.bias.tolist() == [0.0] * 4
        assert bn.running_mean.tolist() == [0.0] * 4 and bn.running_var.tolist() == [1.0] * 4
        assert bn.num_batches_tracked.item() == 0 and bn.num_batches_tracked.dim() == 0
        assert str(bn.num_batches_tracked.dtype).endswith("int64")
        assert bn.weight.requires_grad and not bn.running_mean.requires_grad
    double = jitgrad.nn.BatchNorm1d(2).double()
    assert double.running_var.dtype is jitgrad.float64
    assert double.num_batches_tracked.dtype is jitgrad.int64
    typed = jitgrad.nn.BatchNorm1d(2, dtype=jitgrad.float64)
    assert typed.weight.dtype is jitgrad.float64 and typed.running_mean.dtype is jitgrad.float64
    assert typed.num_batches_tracked.dtype is jitgrad.int64


def test_batchnorm_state_dict_round_trip():
    a = jitgrad.nn.BatchNorm1d(3)
    for x_np, _ in steps((8, 3), 3):
        a(jitgrad.tensor(x_np.astype(np.float32)))
    with jitgrad.no_grad():
        a.weight.mul_(2.0)
    sd = a.state_dict()
    assert sd["num_batches_tracked"].item() == 3
    b = jitgrad.nn.BatchNorm1d(3)
    result = b.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for key, value in b.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), sd[key].numpy(), err_msg=key)
    assert b.num_batches_tracked.dtype is jitgrad.int64
    x = jitgrad.tensor(R(4, 3))
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    # the buffers are loaded in place: the module keeps its tensors
    running_mean = b.running_mean
    b.load_state_dict(jitgrad.nn.BatchNorm1d(3).state_dict())
    assert b.running_mean is running_mean and running_mean.tolist() == [0.0, 0.0, 0.0]


def test_batchnorm_reset_and_modes():
    bn = jitgrad.nn.BatchNorm1d(2)
    bn(jitgrad.tensor(R(4, 2) * 3 + 5))
    assert bn.num_batches_tracked.item() == 1 and bn.running_mean.tolist() != [0.0, 0.0]
    bn.reset_running_stats()
    assert bn.running_mean.tolist() == [0.0, 0.0] and bn.running_var.tolist() == [1.0, 1.0]
    assert bn.num_batches_tracked.item() == 0
    bn.eval()
    with jitgrad.no_grad():
        bn(jitgrad.tensor(R(1, 2)))               # a batch of one is fine in evaluation
    assert bn.num_batches_tracked.item() == 0


# ------------------------------------------------------------------ LayerNorm

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,build,shape", [
    ("1d", lambda lib: lib.nn.LayerNorm(6), (5, 6)),
    ("2d-shape", lambda lib: lib.nn.LayerNorm([3, 4]), (2, 3, 4)),
    ("no-affine", lambda lib: lib.nn.LayerNorm(4, elementwise_affine=False), (3, 4)),
    ("no-bias", lambda lib: lib.nn.LayerNorm(4, bias=False, eps=1e-3), (2, 2, 4)),
])
def test_layernorm_matches_torch(name, build, shape, dtype):
    def build_perturbed(lib):
        ln = build(lib)
        with lib.no_grad():                   # away from the ones/zeros initialisation
            for p in ln.parameters():
                p.add_(lib.tensor(np.linspace(-0.5, 0.5, p.numel()).reshape(tuple(p.shape)),
                                  dtype=p.dtype))
        return ln
    assert_same(*run_both(build_perturbed, steps(shape, 2), dtype), *TOL[dtype])


def test_layernorm_init_and_state_dict():
    ln = jitgrad.nn.LayerNorm((2, 3))
    assert ln.normalized_shape == (2, 3)
    assert ln.weight.shape == (2, 3) and ln.weight.tolist() == [[1.0] * 3] * 2
    assert ln.bias.tolist() == [[0.0] * 3] * 2
    assert list(ln.state_dict()) == ["weight", "bias"]
    with jitgrad.no_grad():
        ln.weight.mul_(3.0)
    other = jitgrad.nn.LayerNorm((2, 3))
    other.load_state_dict(ln.state_dict())
    x = jitgrad.tensor(R(4, 2, 3))
    np.testing.assert_array_equal(ln(x).detach().numpy(), other(x).detach().numpy())
    assert jitgrad.nn.LayerNorm(3, elementwise_affine=False).weight is None
    assert list(jitgrad.nn.LayerNorm(3, bias=False).state_dict()) == ["weight"]


def test_layernorm_gradients_by_finite_differences():
    ln = jitgrad.nn.LayerNorm(4).double()
    with jitgrad.no_grad():
        ln.weight.copy_(jitgrad.tensor([0.5, -1.0, 2.0, 1.5], dtype=jitgrad.float64))
    gradcheck(lambda x: ln(x), R(3, 4, dtype=np.float64))


# ------------------------------------------------------------------ Embedding

def test_embedding_init_matches_torch_for_a_seed():
    torch = pytest.importorskip("torch")
    weights = []
    for lib in (jitgrad, torch):
        lib.manual_seed(1234)
        weights.append([_np(lib.nn.Embedding(10, 4).weight),
                        _np(lib.nn.Embedding(6, 3, padding_idx=-2).weight)])
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
    assert not weights[0][1][4].any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,build,shape", [
    ("plain", lambda lib: lib.nn.Embedding(7, 3), (4, 5)),
    ("padding", lambda lib: lib.nn.Embedding(7, 3, padding_idx=0), (6,)),
    ("freq", lambda lib: lib.nn.Embedding(5, 2, scale_grad_by_freq=True), (3, 4)),
    ("max-norm", lambda lib: lib.nn.Embedding(7, 3, max_norm=1.0), (2, 6)),
])
def test_embedding_matches_torch(name, build, shape, dtype):
    data = np.random.default_rng(11)
    n, dim = (5, 2) if name == "freq" else (7, 3)
    batches = [(data.integers(0, n, shape), data.standard_normal(shape + (dim,)))
               for _ in range(2)]
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert_same(*run_both(build, batches, dtype), rtol, rtol)


def test_embedding_module_attributes_and_from_pretrained():
    w = jitgrad.tensor(R(4, 3))
    frozen = jitgrad.nn.Embedding.from_pretrained(w)
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen.weight.detach().numpy(), w.numpy())
    trainable = jitgrad.nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
    assert trainable.weight.requires_grad and trainable.padding_idx == 1
    assert trainable.weight[1].tolist() == w[1].tolist()      # not zeroed, as torch
    out = trainable(jitgrad.tensor([1, 2]))
    out.sum().backward()
    assert trainable.weight.grad[1].tolist() == [0.0, 0.0, 0.0]
    assert trainable.weight.grad[2].tolist() == [1.0, 1.0, 1.0]
    e = jitgrad.nn.Embedding(5, 2, padding_idx=-1)
    assert e.padding_idx == 4 and e.weight[4].tolist() == [0.0, 0.0]
    assert list(e.state_dict()) == ["weight"]
    f = jitgrad.nn.Embedding(5, 2)
    f.load_state_dict(e.state_dict())
    np.testing.assert_array_equal(f.weight.detach().numpy(), e.weight.detach().numpy())
    g = jitgrad.nn.Embedding(4, 3, _weight=w, _freeze=True)
    assert not g.weight.requires_grad and g.weight.shape == (4, 3)
    assert jitgrad.nn.Embedding(3, 2, dtype=jitgrad.float64).weight.dtype is jitgrad.float64


# ------------------------------------------------------------------ repr

REPRS = [
    (lambda lib: lib.nn.BatchNorm2d(16),
     "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, "
     "track_running_stats=True)"),
    (lambda lib: lib.nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False,
                                    track_running_stats=False),
     "BatchNorm1d(4, eps=0.001, momentum=None, affine=False, bias=False, "
     "track_running_stats=False)"),
    (lambda lib: lib.nn.BatchNorm3d(2, bias=False),
     "BatchNorm3d(2, eps=1e-05, momentum=0.1, affine=True, bias=False, "
     "track_running_stats=True)"),
    (lambda lib: lib.nn.LayerNorm(5), "LayerNorm((5,), eps=1e-05, elementwise_affine=True, "
                                      "bias=True)"),
    (lambda lib: lib.nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False, bias=False),
     "LayerNorm((3, 4), eps=1e-06, elementwise_affine=False, bias=False)"),
    (lambda lib: lib.nn.Embedding(10, 3), "Embedding(10, 3)"),
    (lambda lib: lib.nn.Embedding(10, 3, padding_idx=-1, max_norm=1, norm_type=1.0,
                                  scale_grad_by_freq=True, sparse=True),
     "Embedding(10, 3, padding_idx=9, max_norm=1, norm_type=1.0, scale_grad_by_freq=True, "
     "sparse=True)"),
    (lambda lib: lib.nn.Sequential(lib.nn.Embedding(5, 4), lib.nn.LayerNorm(4)),
     "Sequential(\n  (0): Embedding(5, 4)\n  (1): LayerNorm((4,), eps=1e-05, "
     "elementwise_affine=True, bias=True)\n)"),
]


@pytest.mark.parametrize("build,text", REPRS, ids=[t.split("(")[0] + str(i)
                                                   for i, (_, t) in enumerate(REPRS)])
def test_repr(build, text):
    assert repr(build(jitgrad)) == text


@pytest.mark.parametrize("build,text", REPRS, ids=[t.split("(")[0] + str(i)
                                                   for i, (_, t) in enumerate(REPRS)])
def test_repr_is_torchs(build, text):
    torch = pytest.importorskip("torch")
    assert repr(build(torch)) == text


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")

ERRORS = [
    Case("bn1d-4d", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)), ValueError,
         "expected 2D or 3D input (got 4D input)"),
    Case("bn1d-1d", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(3)), ValueError,
         "expected 2D or 3D input (got 1D input)"),
    Case("bn2d-3d", lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)), ValueError,
         "expected 4D input (got 3D input)"),
    Case("bn3d-4d", lambda lib: lib.nn.BatchNorm3d(3)(lib.ones(2, 3, 4, 4)), ValueError,
         "expected 5D input (got 4D input)"),
    Case("bn-batch-of-one", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)), ValueError,
         "Expected more than 1 value per channel when training, got input size "
         "jitgrad.Size([1, 3])"),
    Case("bn2d-batch-of-one", lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(1, 3, 1, 1)),
         ValueError, "Expected more than 1 value per channel when training, got input size "
                     "jitgrad.Size([1, 3, 1, 1])"),
    Case("bn-features", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 4)), RuntimeError,
         "running_mean should contain 4 elements not 3"),
    Case("bn-features-untracked",
         lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False)(lib.ones(2, 4)),
         RuntimeError, "weight should contain 4 elements not 3"),
    Case("bn-dtype", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, dtype=lib.float64)),
         RuntimeError, "mixed dtype (CPU): all inputs must share same datatype."),
    Case("ln-shape", lambda lib: lib.nn.LayerNorm(5)(lib.ones(3, 4)), RuntimeError,
         "Given normalized_shape=[5], expected input with shape [*, 5], but got input of "
         "size[3, 4]"),
    Case("ln-long", lambda lib: lib.nn.LayerNorm(4, elementwise_affine=False)(
        lib.ones(3, 4, dtype=lib.int64)), NotImplementedError,
         "\"LayerNormKernelImpl\" not implemented for 'Long'"),
    Case("emb-padding", lambda lib: lib.nn.Embedding(5, 3, padding_idx=5), AssertionError,
         "Padding_idx must be within num_embeddings"),
    Case("emb-padding-negative", lambda lib: lib.nn.Embedding(5, 3, padding_idx=-6),
         AssertionError, "Padding_idx must be within num_embeddings"),
    Case("emb-weight-shape", lambda lib: lib.nn.Embedding(5, 3, _weight=lib.ones(4, 3)),
         AssertionError, "Shape of weight does not match num_embeddings and embedding_dim"),
    Case("emb-pretrained-1d", lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(4)),
         AssertionError, "Embeddings parameter is expected to be 2-dimensional"),
    Case("emb-range", lambda lib: lib.nn.Embedding(5, 3)(lib.tensor([5])), IndexError,
         "index out of range in self"),
    Case("emb-float-input", lambda lib: lib.nn.Embedding(5, 3)(lib.tensor([1.0])), RuntimeError,
         "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
         "Long, Int; but got jitgrad.FloatTensor instead (while checking arguments for "
         "embedding)"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


def test_checkpoint_without_num_batches_tracked_keeps_the_modules_count():
    # torch's version handling: a plain dict carries no version, so a missing
    # num_batches_tracked is filled from the module's own (not an error)
    model = jitgrad.nn.Sequential(jitgrad.nn.Linear(3, 3), jitgrad.nn.BatchNorm1d(3))
    model(jitgrad.randn(4, 3))
    old = {k: v for k, v in model.state_dict().items() if "num_batches" not in k}
    fresh = jitgrad.nn.Sequential(jitgrad.nn.Linear(3, 3), jitgrad.nn.BatchNorm1d(3))
    fresh[1].num_batches_tracked.fill_(7)
    result = fresh.load_state_dict(old)
    assert repr(result) == "<All keys matched successfully>"
    assert fresh[1].num_batches_tracked.item() == 7
    assert "num_batches_tracked" not in "".join(old)              # the caller's dict is untouched
    np.testing.assert_array_equal(fresh[1].running_mean.numpy(), model[1].running_mean.numpy())
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "1.running_mean"'):
        fresh.load_state_dict({k: v for k, v in old.items() if "running_mean" not in k})
