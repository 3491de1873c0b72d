"""Attention and transformers (jitgrad/ops/attention.py,
jitgrad/nn/modules/activation_attention.py, jitgrad/nn/modules/transformer.py):
scaled_dot_product_attention, nn.MultiheadAttention and the Transformer
modules against torch (values, gradients of the inputs, masks and every
parameter, node names, seeded parameters bit for bit, dropout masks under a
seed), finite differences in float64, rows where every key is masked,
torch's fused inference paths, reprs, state_dict keys and torch's errors."""
import types
import warnings
import zlib

import numpy as np
import pytest

import jitgrad
from helpers import assert_same_module, error_tests, gradcheck

DTYPES = ["float32", "float64"]
TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-9, atol=1e-10)}
FLASH_NODE = "ScaledDotProductFlashAttentionForCpuBackward0"


def torch_or_skip():
    return pytest.importorskip("torch")


def as_numpy(t):
    return None if t is None else t.detach().numpy()


def node_name(t):
    return None if t is None or t.grad_fn is None else type(t.grad_fn).__name__


def assert_close(got, want, err_msg="", **tol):
    assert got.shape == want.shape, (err_msg, got.shape, want.shape)
    assert got.dtype == want.dtype, (err_msg, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, err_msg=err_msg, equal_nan=True, **tol)


def assert_same(got, want, dtype, nodes=True):
    """Two ``outcome``s: equal parameters bit for bit, node names, values and gradients."""
    assert got.params.keys() == want.params.keys()
    for name in want.params:
        np.testing.assert_array_equal(got.params[name], want.params[name], err_msg=name)
    if nodes:
        assert got.nodes == want.nodes
    for group in ("values", "grads"):
        mine, theirs = getattr(got, group), getattr(want, group)
        assert mine.keys() == theirs.keys(), group
        for key in theirs:
            if theirs[key] is None:
                assert mine[key] is None, key
            else:
                assert_close(mine[key], theirs[key], f"{group}[{key}]", **TOL[dtype])


def cotangent(shape, dtype, seed=5):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def outcome(lib, module, outputs, inputs, backward=True):
    """Values and node names of ``outputs`` (a dict), after a backward with a
    random cotangent each the gradients of ``inputs`` (a dict) and of the
    module's parameters."""
    outputs = {k: v for k, v in outputs.items() if v is not None}
    if backward:
        loss = None
        for k, (name, v) in enumerate(sorted(outputs.items())):
            dtype = str(v.dtype).split(".")[-1]
            term = (v * lib.tensor(cotangent(tuple(v.shape), dtype, k))).sum()
            loss = term if loss is None else loss + term
        loss.backward()
    params = {} if module is None else dict(module.named_parameters())
    return types.SimpleNamespace(
        values={k: as_numpy(v) for k, v in outputs.items()},
        nodes={k: node_name(v) for k, v in outputs.items()},
        grads={**{k: as_numpy(t.grad) for k, t in inputs.items() if t.requires_grad},
               **{f"param.{n}": as_numpy(p.grad) for n, p in params.items()}},
        params={n: as_numpy(p) for n, p in params.items()})


def tensors(lib, arrays, grad=True):
    """Float arrays become leaves that require grad (names starting with
    'mask' or 'kpm' only when they are float and end in '_grad'); bool arrays
    become bool tensors."""
    out = {}
    for k, a in arrays.items():
        wants = grad and a.dtype.kind == "f" and (
            not k.startswith(("mask", "kpm")) or k.endswith("_grad"))
        out[k] = lib.tensor(a, requires_grad=wants)
    return out


# ------------------------------------------------------------------ scaled_dot_product_attention

rng = np.random.default_rng(0)


def _rand(*shape):
    return rng.standard_normal(shape)


def _bool(*shape, p=0.7):
    m = rng.random(shape) < p
    return m


_row_blocked = _bool(4, 6)
_row_blocked[1] = False                       # a query that may attend to nothing
_float_blocked = np.where(_row_blocked, 0.0, -np.inf)

# id: (q shape, k shape, v shape, mask array or None, keyword arguments)
SDPA_CASES = {
    "4d": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), None, {}),
    "4d-self": ((2, 3, 4, 5), (2, 3, 4, 5), (2, 3, 4, 5), None, {}),
    "3d": ((3, 4, 5), (3, 6, 5), (3, 6, 7), None, {}),
    "2d": ((4, 5), (6, 5), (6, 5), None, {}),
    "5d": ((2, 2, 2, 4, 5), (2, 2, 2, 6, 5), (2, 2, 2, 6, 5), None, {}),
    "broadcast-batch": ((2, 3, 4, 5), (1, 3, 6, 5), (1, 3, 6, 5), None, {}),
    "ev-differs": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2), None, {}),
    "scale": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), None, {"scale": 0.7}),
    "scale-negative": ((3, 4, 5), (3, 6, 5), (3, 6, 5), None, {"scale": -0.3}),
    "causal": ((2, 3, 5, 4), (2, 3, 5, 4), (2, 3, 5, 4), None, {"is_causal": True}),
    "causal-3d-long-query": ((3, 6, 4), (3, 4, 4), (3, 4, 4), None, {"is_causal": True}),
    "causal-4d-long-key": ((1, 2, 4, 3), (1, 2, 6, 3), (1, 2, 6, 3), None, {"is_causal": True}),
    "bool-2d": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _bool(4, 6), {}),
    "bool-4d": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _bool(2, 1, 4, 6), {}),
    "bool-3d-query": ((3, 4, 5), (3, 6, 5), (3, 6, 5), _bool(1, 4, 6), {}),
    "bool-key-row": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _bool(2, 1, 1, 6), {}),
    "float-2d": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _rand(4, 6), {}),
    "float-3d": ((3, 4, 5), (3, 6, 5), (3, 6, 5), _rand(3, 4, 6), {}),
    "float-grad": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _rand(3, 4, 6), {"grad": True}),
    "float-grad-broadcast": ((2, 4, 5), (2, 6, 5), (2, 6, 5), _rand(4, 1), {"grad": True}),
    "blocked-row-bool": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _row_blocked, {}),
    "blocked-row-bool-3d": ((3, 4, 5), (3, 6, 5), (3, 6, 5), _row_blocked, {}),
    "blocked-row-float-grad": ((3, 4, 5), (3, 6, 5), (3, 6, 5), _float_blocked, {"grad": True}),
    "causal-and-mask-4d": ((1, 2, 4, 5), (1, 2, 6, 5), (1, 2, 6, 5), _row_blocked,
                           {"is_causal": True}),
    "gqa": ((2, 6, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), None, {"enable_gqa": True}),
    "gqa-kv-heads-differ": ((2, 6, 4, 5), (2, 3, 6, 5), (2, 2, 6, 5), None, {"enable_gqa": True}),
    "gqa-3d": ((6, 4, 5), (2, 6, 5), (2, 6, 5), None, {"enable_gqa": True}),
    "gqa-same-heads": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), None, {"enable_gqa": True}),
}


def run_sdpa(lib, case, dtype, seed=None, dropout_p=0.0):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    kwargs = dict(kwargs)
    mask_grad = kwargs.pop("grad", False)
    arrays = {"q": _case_array(case, "q", qs, dtype), "k": _case_array(case, "k", ks, dtype),
              "v": _case_array(case, "v", vs, dtype)}
    if mask is not None:
        arrays["mask_grad" if mask_grad else "mask"] = mask if mask.dtype == bool \
            else mask.astype(dtype)
    ts = tensors(lib, arrays)
    if seed is not None:
        lib.manual_seed(seed)
    out = lib.nn.functional.scaled_dot_product_attention(
        ts["q"], ts["k"], ts["v"], ts.get("mask", ts.get("mask_grad")), dropout_p=dropout_p,
        **kwargs)
    return outcome(lib, None, {"out": out}, ts)


def _case_array(case, name, shape, dtype):
    seed = zlib.crc32(f"{case}/{name}".encode())         # (str hashes vary per process)
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_matches_torch(case, dtype):
    torch = torch_or_skip()
    got, want = run_sdpa(jitgrad, case, dtype), run_sdpa(torch, case, dtype)
    # torch's CPU flash kernel names its node differently; the math path's is matmul's
    if want.nodes["out"] == FLASH_NODE:
        want.nodes["out"] = "MmBackward0" if len(SDPA_CASES[case][0]) == 2 else \
            "UnsafeViewBackward0"
    assert_same(got, want, dtype)


@pytest.mark.parametrize("case", ["4d", "3d", "2d", "bool-2d", "float-grad", "causal"])
def test_sdpa_node_names(case):
    """The math path's names (torch's for dropout, 3-D inputs and masks that
    require grad), without torch too."""
    expected = "MmBackward0" if case == "2d" else "UnsafeViewBackward0"
    assert run_sdpa(jitgrad, case, "float32").nodes == {"out": expected}


@pytest.mark.parametrize("case", ["4d", "3d", "float-grad", "causal-3d-long-query",
                                  "blocked-row-float-grad", "gqa"])
@pytest.mark.parametrize("dropout_p", [0.3, 1.0])
def test_sdpa_dropout_is_torchs(case, dropout_p):
    """dropout on the attention weights: torch's draws for a seed (values equal
    to torch's within rounding, gradients too), different draws per seed."""
    torch = torch_or_skip()
    got = run_sdpa(jitgrad, case, "float64", seed=7, dropout_p=dropout_p)
    assert_same(got, run_sdpa(torch, case, "float64", seed=7, dropout_p=dropout_p), "float64")
    if dropout_p < 1:
        other = run_sdpa(jitgrad, case, "float64", seed=8, dropout_p=dropout_p)
        assert not np.allclose(got.values["out"], other.values["out"])


def test_sdpa_dropout_mask_is_one_draw_per_weight():
    """Without torch: the output is ``(softmax(s) * keep / (1 - p)) @ v`` with
    keep the bernoulli(1 - p) draws of a (.., L, S) tensor after the seed."""
    q, k, v = (_rand(2, 4, 3) for _ in range(3))
    jitgrad.manual_seed(3)
    out = jitgrad.nn.functional.scaled_dot_product_attention(
        *(jitgrad.tensor(a) for a in (q, k, v)), dropout_p=0.4).numpy()
    jitgrad.manual_seed(3)
    keep = jitgrad.empty(2, 4, 4, dtype=jitgrad.float64).bernoulli_(0.6).numpy()
    s = q @ k.transpose(0, 2, 1) / np.sqrt(3)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    np.testing.assert_allclose(out, (w * keep / 0.6) @ v, rtol=1e-12, atol=1e-12)


def test_sdpa_by_hand():
    q, k, v = _rand(3, 4, 5), _rand(3, 6, 5), _rand(3, 6, 2)
    mask = _bool(4, 6)
    mask[:, 0] = True
    s = q @ k.transpose(0, 2, 1) / np.sqrt(5) + np.where(mask, 0.0, -np.inf)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    got = jitgrad.nn.functional.scaled_dot_product_attention(
        *(jitgrad.tensor(a) for a in (q, k, v)), attn_mask=jitgrad.tensor(mask))
    np.testing.assert_allclose(got.numpy(), w @ v, rtol=1e-12, atol=1e-12)
    causal = jitgrad.nn.functional.scaled_dot_product_attention(
        *(jitgrad.tensor(a) for a in (q, k, v)), is_causal=True)
    explicit = jitgrad.nn.functional.scaled_dot_product_attention(
        *(jitgrad.tensor(a) for a in (q, k, v)),
        attn_mask=jitgrad.ones(4, 6, dtype=jitgrad.bool).tril())
    np.testing.assert_array_equal(causal.numpy(), explicit.numpy())


def test_sdpa_blocked_rows_are_zero_with_zero_gradient():
    """torch's _safe_softmax: a query whose every key is masked gives zeros
    (not NaN), and passes no gradient (nothing NaN either)."""
    ts = tensors(jitgrad, {"q": _rand(3, 4, 5), "k": _rand(3, 6, 5), "v": _rand(3, 6, 5),
                           "mask_grad": _float_blocked})
    out = jitgrad.nn.functional.scaled_dot_product_attention(
        ts["q"], ts["k"], ts["v"], attn_mask=ts["mask_grad"])
    out.sum().backward()
    assert np.all(out.detach().numpy()[:, 1] == 0)
    assert np.all(ts["q"].grad.numpy()[:, 1] == 0)
    assert np.all(ts["mask_grad"].grad.numpy()[1] == 0)
    for t in ts.values():
        assert np.all(np.isfinite(t.grad.numpy()))


SDPA_GRADCHECK = ["3d", "4d", "2d", "scale-negative", "causal-3d-long-query", "bool-2d",
                  "float-grad", "float-grad-broadcast", "blocked-row-float-grad", "gqa",
                  "ev-differs", "broadcast-batch"]


@pytest.mark.parametrize("case", SDPA_GRADCHECK)
def test_sdpa_gradcheck(case):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    kwargs = dict(kwargs)
    mask_grad = kwargs.pop("grad", False)
    arrays = [_case_array(case, n, s, "float64") for n, s in (("q", qs), ("k", ks), ("v", vs))]
    if mask is not None and mask_grad:
        finite = np.where(np.isinf(mask), -1e300, mask) if case.startswith("blocked") else mask
        arrays.append(np.asarray(np.where(np.isinf(mask), -np.inf, finite), np.float64))

        def fn(q, k, v, m):
            return jitgrad.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m,
                                                                      **kwargs)
        if case.startswith("blocked"):      # -inf entries: no finite differences; fixed mask
            fixed = jitgrad.tensor(arrays.pop())
            gradcheck(lambda q, k, v: fn(q, k, v, fixed), *arrays)
            return
    elif mask is not None:
        fixed = jitgrad.tensor(mask)

        def fn(q, k, v):
            return jitgrad.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=fixed,
                                                                      **kwargs)
    else:
        def fn(q, k, v):
            return jitgrad.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)
    gradcheck(fn, *arrays)


def test_sdpa_second_derivative():
    """create_graph through the composition (softmax, matmul, masked_fill): the
    gradient of |d|out|^2/dq|^2 by finite differences."""
    mask = jitgrad.tensor(_row_blocked[:3, :3])

    def grad_norm(q, k, v):
        with jitgrad.enable_grad():
            leaf = q if q.requires_grad else q.detach().requires_grad_()
            out = jitgrad.nn.functional.scaled_dot_product_attention(leaf, k, v, attn_mask=mask)
            g, = jitgrad.autograd.grad(out.square().sum(), leaf, create_graph=True)
            norm = g.square().sum().reshape(1)
        return norm if q.requires_grad else norm.detach()     # finite differences: a value
    gradcheck(grad_norm, *(_rand(2, 3, 4) for _ in range(3)))


def test_sdpa_under_no_grad_records_nothing():
    q = jitgrad.randn(2, 3, 4, requires_grad=True)
    with jitgrad.no_grad():
        out = jitgrad.nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert out.grad_fn is None and not out.requires_grad


@pytest.mark.usefixtures("compile_cache_dir")
def test_sdpa_compiled_step_equals_eager():
    """jitgrad.compile records the composition (masks, blocked rows, dropout)."""
    import jitgrad.compiler
    q0, k0, v0 = (_rand(2, 4, 3).astype(np.float32) for _ in range(3))
    masks = [jitgrad.tensor(_row_blocked[:, :4]), jitgrad.ones(4, 4, dtype=jitgrad.bool)]

    def step(q, k, v, mask):
        out = jitgrad.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                                                 dropout_p=0.2)
        loss = out.square().sum()
        loss.backward()
        return loss

    def run(fn, mask):
        ts = [jitgrad.tensor(a, requires_grad=True) for a in (q0, k0, v0)]
        jitgrad.manual_seed(11)
        return fn(*ts, mask).item(), [t.grad.numpy() for t in ts]

    jitgrad.compiler.reset()
    try:
        compiled = jitgrad.compile(step)
        for mask in masks + masks:
            (loss, grads), (want, want_grads) = run(compiled, mask), run(step, mask)
            assert np.isclose(loss, want, rtol=1e-5)
            for g, w in zip(grads, want_grads):
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    finally:
        jitgrad.compiler.reset()


@pytest.mark.usefixtures("compile_cache_dir")
def test_compiled_transformer_training_step_equals_eager(activation="gelu", need_weights=True):
    """An encoder layer with dropout (its attention through
    scaled_dot_product_attention) and an MHA returning its weights, compiled
    whole without graph breaks, give the eager step's losses and parameters."""
    import copy

    import jitgrad.compiler
    jitgrad.manual_seed(0)
    model = jitgrad.nn.ModuleDict({
        "layer": jitgrad.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1,
                                                    activation=activation),
        "attn": jitgrad.nn.MultiheadAttention(8, 2, dropout=0.2)})
    twin = copy.deepcopy(model)

    def training_step(module):
        optimizer = jitgrad.optim.SGD(module.parameters(), lr=0.1)

        def step(x, kpm):
            optimizer.zero_grad()
            h = module["layer"](x, src_key_padding_mask=kpm)
            out, weights = module["attn"](h, x, x, key_padding_mask=kpm,
                                          need_weights=need_weights)
            loss = out.square().mean() + (0 if weights is None else weights.square().sum())
            loss.backward()
            optimizer.step()
            return loss
        return step

    jitgrad.compiler.reset()
    try:
        compiled, eager = jitgrad.compile(training_step(model)), training_step(twin)
        r = np.random.default_rng(5)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for _ in range(3):
                x = jitgrad.tensor(r.standard_normal((S, N, 8)).astype(np.float32))
                kpm = jitgrad.tensor(MASKS["kpm"])
                jitgrad.manual_seed(2)
                got = compiled(x, kpm).item()
                jitgrad.manual_seed(2)
                np.testing.assert_allclose(got, eager(x, kpm).item(), rtol=1e-5)
                for (n, p), q in zip(model.named_parameters(), twin.parameters()):
                    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(),
                                               rtol=1e-5, atol=1e-6, err_msg=n)
    finally:
        jitgrad.compiler.reset()
    notes = [str(w.message) for w in record if str(w.message).startswith("jitgrad.compile")]
    assert not notes, notes


# ------------------------------------------------------------------ errors


def case(id, run, exc, message):
    return types.SimpleNamespace(id=id, run=run, exc=exc, message=message)


def sdpa(*shapes, q_dtype="float32", k_dtype="float32", mask=None, **kwargs):
    """run(lib): scaled_dot_product_attention on zeros of the given shapes."""
    def run(lib):
        q, k, v = (lib.zeros(*s, dtype=getattr(lib, d)) for s, d in
                   zip(shapes, (q_dtype, k_dtype, q_dtype)))
        m = None if mask is None else mask(lib)
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs)
    return run


def mha(*shapes, make=dict(embed_dim=4, num_heads=2), **kwargs):
    """run(lib): an nn.MultiheadAttention called on zeros of the given shapes
    (query, key, value); keyword arguments of the call may be functions of lib."""
    def run(lib):
        module = lib.nn.MultiheadAttention(**make)
        q, k, v = (lib.zeros(*s) for s in shapes)
        args = {n: a(lib) if callable(a) else a for n, a in kwargs.items()}
        return module(q, k, v, **args)
    return run


def bool_mask(*shape):
    return lambda lib: lib.zeros(*shape, dtype=lib.bool)


def float_mask(*shape, dtype="float32"):
    return lambda lib: lib.zeros(*shape, dtype=getattr(lib, dtype))


Q3 = (2, 3, 4)
ERRORS = [
    case("sdpa-dtypes", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), k_dtype="float64"), RuntimeError,
         "Expected query, key, and value to have the same dtype, but got query.dtype: float "
         "key.dtype: double and value.dtype: float instead."),
    case("sdpa-1d", sdpa((5,), (5,), (5,)), RuntimeError,
         "Expected query, key, and value to all be  at least 2 dimensional, but got "
         "query.dim: 1 key.dim: 1 and value.dim: 1 instead."),
    case("sdpa-mask-long", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5),
                                mask=lambda lib: lib.zeros(4, 4, dtype=lib.int64)),
         RuntimeError, "Expected attn_mask dtype to be bool or float or to match query dtype, "
         "but got attn_mask.dtype: long int and  query.dtype: float instead."),
    case("sdpa-mask-double", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5),
                                  mask=float_mask(4, 4, dtype="float64")),
         RuntimeError, "Expected attn_mask dtype to be bool or float or to match query dtype, "
         "but got attn_mask.dtype: double and  query.dtype: float instead."),
    case("sdpa-causal-and-mask", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), mask=bool_mask(4, 4),
                                      is_causal=True),
         RuntimeError, "_scaled_dot_product_attention: Explicit attn_mask should not be set "
         "when is_causal=True"),
    case("sdpa-causal-and-mask-dropout", sdpa((1, 3, 4, 5), (1, 3, 4, 5), (1, 3, 4, 5),
                                              mask=bool_mask(4, 4), is_causal=True,
                                              dropout_p=0.5),
         RuntimeError, "_scaled_dot_product_attention: Explicit attn_mask should not be set "
         "when is_causal=True"),
    case("sdpa-flash-negative-dropout", sdpa((1, 3, 4, 5), (1, 3, 4, 5), (1, 3, 4, 5),
                                             dropout_p=-0.5),
         RuntimeError, "scaled_dot_product_attention_flash_attention: Currently do not "
         "support dropout > 0"),
    case("sdpa-mask-shape", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), mask=bool_mask(3, 4)),
         RuntimeError, "The size of tensor a (4) must match the size of tensor b (3) at "
         "non-singleton dimension 1"),
    case("sdpa-head-dims", sdpa((3, 4, 5), (3, 6, 6), (3, 6, 5)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [3, 5] but got: "
         "[3, 6]."),
    case("sdpa-kv-lengths", sdpa((3, 4, 5), (3, 6, 5), (3, 4, 5)), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [3, 6] but got: "
         "[3, 4]."),
    case("sdpa-gqa-heads", sdpa((6, 4, 5), (4, 4, 5), (4, 4, 5), enable_gqa=True), RuntimeError,
         "Number of heads in key and value must divide the number of heads in "),
    case("sdpa-gqa-2d", sdpa((4, 5), (4, 5), (4, 5), enable_gqa=True), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    case("sdpa-heads-without-gqa", sdpa((6, 4, 5), (3, 4, 5), (3, 4, 5)), RuntimeError,
         "The size of tensor a (6) must match the size of tensor b (3) at non-singleton "
         "dimension 0"),
    case("sdpa-dropout-2", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), dropout_p=2.0), RuntimeError,
         "dropout probability has to be between 0 and 1, but got 2"),
    case("sdpa-dropout-1.5", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), dropout_p=1.5), RuntimeError,
         "dropout probability has to be between 0 and 1, but got 1.5"),
    case("sdpa-query-list", lambda lib: lib.nn.functional.scaled_dot_product_attention(
        [1.0], lib.zeros(2, 3), lib.zeros(2, 3)), TypeError,
        "scaled_dot_product_attention(): argument 'query' (position 1) must be Tensor, not "
        "list"),
    case("sdpa-mask-list", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), mask=lambda lib: [1.0]),
         TypeError, "scaled_dot_product_attention(): argument 'attn_mask' must be Tensor, not "
         "list"),
    case("sdpa-causal-int", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), is_causal=1), TypeError,
         "scaled_dot_product_attention(): argument 'is_causal' must be bool, not int"),
    case("sdpa-dropout-str", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), dropout_p="a"), TypeError,
         "scaled_dot_product_attention(): argument 'dropout_p' must be float, not str"),
    case("sdpa-scale-str", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), scale="a"), TypeError,
         "scaled_dot_product_attention(): argument 'scale' must be float, not str"),
    case("sdpa-positional-scale", lambda lib: lib.nn.functional.scaled_dot_product_attention(
        *(lib.zeros(3, 4, 5) for _ in range(3)), None, 0.0, False, 1.0), TypeError,
        "scaled_dot_product_attention() takes from 3 to 6 positional arguments but 7 were "
        "given"),
    case("sdpa-int-inputs", sdpa((3, 4, 5), (3, 4, 5), (3, 4, 5), q_dtype="int64",
                                 k_dtype="int64"), RuntimeError,
         "expected scalar type Float but found Long"),
    # nn.MultiheadAttention
    case("mha-sizes", lambda lib: lib.nn.MultiheadAttention(0, 2), ValueError,
         "embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 "
         "instead"),
    case("mha-divisible", lambda lib: lib.nn.MultiheadAttention(5, 2), AssertionError,
         "embed_dim must be divisible by num_heads"),
    case("mha-query-4d", mha((1, 2, 3, 4), (2, 3, 4), (2, 3, 4)), AssertionError,
         "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor"),
    case("mha-kv-dims", mha(Q3, (3, 4), (3, 4)), AssertionError,
         "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and "
         "2-D tensors respectively"),
    case("mha-kv-dims-unbatched", mha((3, 4), Q3, (3, 4)), AssertionError,
         "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found 3-D and "
         "2-D tensors respectively"),
    case("mha-kpm-dims", mha(Q3, Q3, Q3, key_padding_mask=bool_mask(3)), AssertionError,
         "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found "
         "1-D tensor instead"),
    case("mha-kpm-dims-unbatched", mha((3, 4), (3, 4), (3, 4), key_padding_mask=bool_mask(1, 3)),
         AssertionError, "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` "
         "or 1-D but found 2-D tensor instead"),
    case("mha-mask-dims", mha(Q3, Q3, Q3, attn_mask=bool_mask(3)), AssertionError,
         "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
         "1-D tensor instead"),
    case("mha-mask-3d-unbatched", mha((3, 4), (3, 4), (3, 4), attn_mask=bool_mask(3, 3, 3)),
         AssertionError, "Expected `attn_mask` shape to be (2, 3, 3) but got "
         "jitgrad.Size([3, 3, 3])"),
    case("mha-mask-2d-shape", mha(Q3, Q3, Q3, attn_mask=bool_mask(3, 3)), RuntimeError,
         "The shape of the 2D attn_mask is jitgrad.Size([3, 3]), but should be (2, 2)."),
    case("mha-mask-3d-shape", mha(Q3, Q3, Q3, attn_mask=bool_mask(3, 2, 2)), RuntimeError,
         "The shape of the 3D attn_mask is jitgrad.Size([3, 2, 2]), but should be (6, 2, 2)."),
    case("mha-mask-int", mha(Q3, Q3, Q3, attn_mask=lambda lib: lib.zeros(2, 2, dtype=lib.int64)),
         AssertionError, "only bool and floating types of attn_mask are supported"),
    case("mha-kpm-int", mha(Q3, Q3, Q3,
                            key_padding_mask=lambda lib: lib.zeros(3, 2, dtype=lib.int64)),
         AssertionError, "only bool and floating types of key_padding_mask are supported"),
    case("mha-kpm-batch", mha(Q3, Q3, Q3, key_padding_mask=bool_mask(2, 2)), AssertionError,
         "Expected key_padded_mask.shape[0] to be 3, but got 2"),
    case("mha-kpm-length", mha(Q3, Q3, Q3, key_padding_mask=bool_mask(3, 5)), AssertionError,
         "Expected key_padded_mask.shape[1] to be 2, but got 5"),
    case("mha-embed-dim", mha((2, 3, 6), (2, 3, 6), (2, 3, 6)), AssertionError,
         "was expecting embedding dimension of 4, but got 6"),
    case("mha-kv-shape", mha(Q3, (5, 3, 4), Q3), AssertionError,
         "key shape jitgrad.Size([5, 3, 4]) does not match value shape jitgrad.Size([2, 3, 4])"),
    case("mha-kv-seq-batch", mha(Q3, (5, 3, 6), (2, 3, 7),
                                 make=dict(embed_dim=4, num_heads=2, kdim=6, vdim=7)),
         AssertionError, "key's sequence and batch dims jitgrad.Size([5, 3]) do not match "
         "value's jitgrad.Size([2, 3])"),
    case("mha-kdim", mha(Q3, (2, 3, 5), (2, 3, 7),
                         make=dict(embed_dim=4, num_heads=2, kdim=6, vdim=7)),
         AssertionError, "expecting key weights shape of (4, 5), but got jitgrad.Size([4, 6])"),
    case("mha-causal-without-mask", mha(Q3, Q3, Q3, is_causal=True), RuntimeError,
         "Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
         "method `generate_square_subsequent_mask` to create this mask."),
    # transformers
    case("activation", lambda lib: lib.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
         RuntimeError, "activation should be relu/gelu, not tanh"),
    case("decoder-activation", lambda lib: lib.nn.TransformerDecoderLayer(4, 2,
                                                                          activation="silu"),
         RuntimeError, "activation should be relu/gelu, not silu"),
    case("transformer-batch", lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8)(
        lib.zeros(3, 2, 4), lib.zeros(3, 5, 4)), RuntimeError,
        "the batch number of src and tgt must be equal"),
    case("transformer-features", lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8)(
        lib.zeros(3, 2, 4), lib.zeros(3, 2, 6)), RuntimeError,
        "the feature number of src and tgt must be equal to d_model"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)


@pytest.mark.parametrize("lib_name", ["jitgrad", "torch"])
def test_mask_types_differ_warns_as_torch(lib_name):
    lib = pytest.importorskip(lib_name)
    module = lib.nn.MultiheadAttention(4, 2)
    x = lib.zeros(2, 3, 4)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        module(x, x, x, key_padding_mask=lib.zeros(3, 2, dtype=lib.bool),
               attn_mask=lib.zeros(2, 2))
    assert [(w.category, str(w.message)) for w in record] == [(
        UserWarning, "Support for mismatched key_padding_mask and attn_mask is deprecated. Use "
        "same type for both instead.")]


# ------------------------------------------------------------------ nn.MultiheadAttention

E, HEADS, L, S, N = 8, 2, 3, 5, 4


def _mask_arrays(seed=3):
    r = np.random.default_rng(seed)
    kpm = r.random((N, S)) < 0.3
    kpm[:, 0] = False                          # every query has a key
    blocked = kpm.copy()
    blocked[2] = True                          # batch element 2: every key padded
    return {
        "bool": r.random((L, S)) < 0.3,
        "float": r.standard_normal((L, S)),
        "3d": r.random((N * HEADS, L, S)) < 0.3,
        "kpm": kpm, "kpm-float": np.where(kpm, -np.inf, 0.0) + r.standard_normal((N, S)) * 0.1,
        "blocked-kpm": blocked,
        "causal": np.triu(np.full((S, S), -np.inf), 1),
        "causal-bool": np.triu(np.ones((S, S), bool), 1),
    }


MASKS = _mask_arrays()

# id: dict(module=MultiheadAttention keywords, inputs="self"|"cross"|"distinct",
#          batched, call=forward keywords, masks={argument: MASKS key},
#          backward=False when the output is NaN)
MHA_CONFIGS = {
    "self": {},
    "self-no-weights": {"call": {"need_weights": False}},
    "self-per-head-weights": {"call": {"average_attn_weights": False}},
    "batch-first": {"module": {"batch_first": True}},
    "batch-first-no-weights": {"module": {"batch_first": True},
                               "call": {"need_weights": False}},
    "cross": {"inputs": "cross"},
    "cross-no-weights": {"inputs": "cross", "call": {"need_weights": False}},
    "distinct": {"inputs": "distinct"},
    "distinct-batch-first-no-weights": {"inputs": "distinct", "module": {"batch_first": True},
                                        "call": {"need_weights": False}},
    "unbatched": {"batched": False},
    "unbatched-no-weights-kpm": {"batched": False, "call": {"need_weights": False},
                                 "masks": {"key_padding_mask": "kpm"}},
    "kdim-vdim": {"inputs": "distinct", "module": {"kdim": 5, "vdim": 6}},
    "kdim-vdim-no-weights": {"inputs": "distinct", "module": {"kdim": 5, "vdim": 6},
                             "call": {"need_weights": False}},
    "no-bias": {"module": {"bias": False}},
    "no-bias-no-weights": {"module": {"bias": False}, "call": {"need_weights": False}},
    "bias-kv": {"module": {"add_bias_kv": True}, "inputs": "cross",
                "masks": {"attn_mask": "bool", "key_padding_mask": "kpm"}},
    "zero-attn": {"module": {"add_zero_attn": True}, "inputs": "cross",
                  "masks": {"attn_mask": "float"}, "call": {"need_weights": False}},
    "bias-kv-zero-attn": {"module": {"add_bias_kv": True, "add_zero_attn": True},
                          "inputs": "cross", "masks": {"key_padding_mask": "kpm"},
                          "call": {"need_weights": False}},
    "bool-mask": {"inputs": "cross", "masks": {"attn_mask": "bool"}},
    "bool-mask-no-weights": {"inputs": "cross", "masks": {"attn_mask": "bool"},
                             "call": {"need_weights": False}},
    "float-mask": {"inputs": "cross", "masks": {"attn_mask": "float"}},
    "float-mask-grad": {"inputs": "cross", "masks": {"attn_mask": "float"}, "mask_grad": True,
                        "call": {"need_weights": False}},
    "3d-mask": {"inputs": "cross", "masks": {"attn_mask": "3d"}},
    "3d-mask-no-weights": {"inputs": "cross", "masks": {"attn_mask": "3d"},
                           "call": {"need_weights": False}},
    "kpm": {"inputs": "cross", "masks": {"key_padding_mask": "kpm"}},
    "kpm-float-no-weights": {"inputs": "cross", "masks": {"key_padding_mask": "kpm-float"},
                             "call": {"need_weights": False}},
    "mask-and-kpm": {"inputs": "cross", "masks": {"attn_mask": "bool", "key_padding_mask": "kpm"}},
    "mask-and-kpm-no-weights": {"inputs": "cross", "call": {"need_weights": False},
                                "masks": {"attn_mask": "3d", "key_padding_mask": "kpm"}},
    "causal-hint": {"same_length": True, "masks": {"attn_mask": "causal"},
                    "call": {"is_causal": True, "need_weights": False}},
    "causal-hint-weights": {"same_length": True, "masks": {"attn_mask": "causal-bool"},
                            "call": {"is_causal": True}},
    "causal-hint-kpm": {"inputs": "self", "same_length": True, "call": {"is_causal": True,
                                                                        "need_weights": False},
                        "masks": {"attn_mask": "causal-bool", "key_padding_mask": "kpm"}},
    "blocked-kpm-no-weights": {"inputs": "cross", "masks": {"key_padding_mask": "blocked-kpm"},
                               "call": {"need_weights": False}},
    "blocked-kpm-weights": {"inputs": "cross", "masks": {"key_padding_mask": "blocked-kpm"},
                            "backward": False},
}


def mha_arrays(cfg, dtype):
    r = np.random.default_rng(11)
    module = cfg.get("module", {})
    batch_first = module.get("batch_first", False)
    batched = cfg.get("batched", True)
    tgt = S if cfg.get("same_length") else L

    def shape(length, width):
        if not batched:
            return (length, width)
        return (N, length, width) if batch_first else (length, N, width)
    kind = cfg.get("inputs", "self")
    arrays = {"query": r.standard_normal(shape(tgt if kind != "self" else S, E))}
    if kind == "cross":
        arrays["memory"] = r.standard_normal(shape(S, E))
    elif kind == "distinct":
        arrays["key"] = r.standard_normal(shape(S, module.get("kdim", E)))
        arrays["value"] = r.standard_normal(shape(S, module.get("vdim", E)))
    for arg, name in cfg.get("masks", {}).items():
        mask = MASKS[name]
        if kind == "self" and arg == "attn_mask" and mask.shape[-2] != S:
            mask = mask[..., :S, :S]
        if not batched and arg == "key_padding_mask":
            mask = mask[0]
        key = ("mask_grad" if cfg.get("mask_grad") else "mask") + ":" + arg
        arrays[key] = mask if mask.dtype == bool else mask.astype(dtype)
    return {k: (a.astype(dtype) if a.dtype.kind == "f" else a) for k, a in arrays.items()}


def run_mha(lib, config, dtype, train=True, grad=True, dropout=0.0, seed=0):
    cfg = MHA_CONFIGS[config]
    lib.manual_seed(seed)
    module = lib.nn.MultiheadAttention(E, HEADS, dropout=dropout, dtype=getattr(lib, dtype),
                                       **cfg.get("module", {}))
    module.train(train)
    ts = tensors(lib, mha_arrays(cfg, dtype), grad=grad)
    query = ts["query"]
    key = value = ts.get("memory", query)
    if "key" in ts:
        key, value = ts["key"], ts["value"]
    masks = {k.split(":")[1]: t for k, t in ts.items() if ":" in k}
    lib.manual_seed(seed + 1)
    with lib.set_grad_enabled(grad):
        out, weights = module(query, key, value, **masks, **cfg.get("call", {}))
    return outcome(lib, module, {"out": out, "weights": weights},
                   {k: t for k, t in ts.items()},
                   backward=grad and cfg.get("backward", True))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", MHA_CONFIGS)
def test_mha_matches_torch(config, dtype):
    torch = torch_or_skip()
    assert_same(run_mha(jitgrad, config, dtype), run_mha(torch, config, dtype), dtype)


@pytest.mark.parametrize("config", ["self", "self-no-weights", "batch-first-no-weights",
                                    "mask-and-kpm", "bias-kv-zero-attn", "unbatched",
                                    "causal-hint", "blocked-kpm-no-weights", "kdim-vdim"])
@pytest.mark.parametrize("dropout", [0.3, 1.0])
def test_mha_dropout_is_torchs(config, dropout):
    torch = torch_or_skip()
    got = run_mha(jitgrad, config, "float64", dropout=dropout)
    assert_same(got, run_mha(torch, config, "float64", dropout=dropout), "float64")


@pytest.mark.parametrize("grad", [True, False])
@pytest.mark.parametrize("config", ["self", "batch-first", "batch-first-no-weights",
                                    "kpm", "mask-and-kpm-no-weights", "unbatched",
                                    "blocked-kpm-no-weights", "blocked-kpm-weights",
                                    "causal-hint"])
def test_mha_eval_matches_torch(config, grad):
    """Eval mode: dropout off; without gradients torch may take its fused path."""
    torch = torch_or_skip()
    got = run_mha(jitgrad, config, "float64", train=False, grad=grad, dropout=0.5)
    want = run_mha(torch, config, "float64", train=False, grad=grad, dropout=0.5)
    assert_same(got, want, "float64")


def _fast_path_case(lib, need_weights, heads=HEADS):
    """Batched self-attention, batch_first, eval, no gradient: torch's fused path."""
    lib.manual_seed(0)
    module = lib.nn.MultiheadAttention(E, heads, batch_first=True).eval()
    x = lib.tensor(np.random.default_rng(2).standard_normal((N, S, E)).astype(np.float32))
    kpm = lib.tensor(MASKS["blocked-kpm"])
    with lib.no_grad():
        return module(x, x, x, key_padding_mask=kpm, need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_fast_path_blocked_rows(need_weights):
    """torch's fused inference path gives NaN for a batch element whose every
    key is padded, whatever need_weights; its slow path's
    scaled_dot_product_attention gives zeros (an odd head count disables it)."""
    out, weights = _fast_path_case(jitgrad, need_weights)
    assert np.isnan(out.numpy()[2]).all() and np.isfinite(np.delete(out.numpy(), 2, 0)).all()
    assert (weights is not None) == need_weights
    slow, _ = _fast_path_case(jitgrad, False, heads=1)
    assert np.all(slow.numpy()[2] == 0)
    torch = pytest.importorskip("torch")
    for mine, theirs in zip((out, weights, slow), (*_fast_path_case(torch, need_weights),
                                                   _fast_path_case(torch, False, heads=1)[0])):
        if theirs is None:
            assert mine is None
        else:
            assert_close(mine.numpy(), theirs.numpy(), **TOL["float32"])


def test_mha_gradcheck():
    """Finite differences through a small float64 MHA: inputs, float mask and
    every parameter (the module's parameters swapped for the arrays)."""
    module = jitgrad.nn.MultiheadAttention(4, 2, add_bias_kv=True, dtype=jitgrad.float64)
    names = [n for n, _ in module.named_parameters()]
    params = [p.detach().numpy().copy() for p in module.parameters()]
    r = np.random.default_rng(4)
    q, mem, mask = r.standard_normal((2, 3, 4)), r.standard_normal((3, 3, 4)), \
        r.standard_normal((2, 3))

    def fn(q, mem, mask, *weights):
        for name, w in zip(names, weights):
            owner = module.out_proj if name.startswith("out_proj.") else module
            object.__setattr__(owner, "_parameters", {**owner._parameters,
                                                      name.split(".")[-1]: w})
        out, attn = module(q, mem, mem, attn_mask=mask)
        return jitgrad.cat([out.reshape(-1), attn.reshape(-1)])
    gradcheck(fn, q, mem, mask, *params)

    def without_weights(q, mem, mask, *weights):          # through scaled_dot_product_attention
        fn(q, mem, mask, *weights)
        return module(q, mem, mem, attn_mask=mask, need_weights=False)[0]
    gradcheck(without_weights, q, mem, mask, *params)


# the modules' constructors, each a function of the library
MODULES = {
    "mha": lambda lib: lib.nn.MultiheadAttention(8, 2),
    "mha-float64-batch-first": lambda lib: lib.nn.MultiheadAttention(
        8, 4, dropout=0.1, batch_first=True, dtype=lib.float64),
    "mha-kdim-vdim": lambda lib: lib.nn.MultiheadAttention(8, 2, kdim=5, vdim=6),
    "mha-bias-kv-no-bias": lambda lib: lib.nn.MultiheadAttention(
        8, 2, bias=False, add_bias_kv=True, add_zero_attn=True),
    "encoder-layer": lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16),
    "encoder-layer-gelu-norm-first": lambda lib: lib.nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.2, activation="gelu", norm_first=True, batch_first=True,
        layer_norm_eps=1e-6, bias=False),
    "encoder-layer-module-activation": lambda lib: lib.nn.TransformerEncoderLayer(
        8, 2, 16, activation=lib.nn.GELU()),
    "encoder": lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
        norm=lib.nn.LayerNorm(8), enable_nested_tensor=False),
    "decoder-layer": lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16),
    "decoder": lambda lib: lib.nn.TransformerDecoder(
        lib.nn.TransformerDecoderLayer(8, 2, 16, norm_first=True), 2),
    "transformer": lambda lib: lib.nn.Transformer(8, 2, 2, 1, 16, batch_first=True),
}

REPRS = {
    "mha": "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, "
           "out_features=8, bias=True)\n)",
    "encoder-layer": """TransformerEncoderLayer(
  (self_attn): MultiheadAttention(
    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
  )
  (linear1): Linear(in_features=8, out_features=16, bias=True)
  (dropout): Dropout(p=0.1, inplace=False)
  (linear2): Linear(in_features=16, out_features=8, bias=True)
  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (dropout1): Dropout(p=0.1, inplace=False)
  (dropout2): Dropout(p=0.1, inplace=False)
)""",
}


@pytest.mark.parametrize("name", REPRS)
def test_repr(name):
    assert repr(MODULES[name](jitgrad)) == REPRS[name]


@pytest.mark.parametrize("name", MODULES)
def test_parameters_equal_torchs(name):
    """Names, order, shapes, dtypes, state_dict keys, repr, attributes and the
    seeded initial values bit for bit."""
    torch = torch_or_skip()
    made = {}
    for lib in (jitgrad, torch):
        lib.manual_seed(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")              # enable_nested_tensor's note
            made[lib.__name__] = MODULES[name](lib)
    mine, theirs = made["jitgrad"], made["torch"]
    assert_same_module(mine, theirs)
    for m, t in zip(mine.modules(), theirs.modules(), strict=True):
        assert type(m).__name__ == type(t).__name__
        for attr in ("embed_dim", "kdim", "vdim", "_qkv_same_embed_dim", "num_heads", "dropout",
                     "batch_first", "head_dim", "add_zero_attn", "norm_first",
                     "activation_relu_or_gelu", "num_layers", "d_model", "nhead",
                     "enable_nested_tensor", "use_nested_tensor", "mask_check"):
            if hasattr(t, attr) and not isinstance(getattr(t, attr), torch.nn.Module):
                assert getattr(m, attr) == getattr(t, attr), (type(t).__name__, attr)


def test_module_list_repr_folds_repeats():
    layers = jitgrad.nn.ModuleList([jitgrad.nn.Linear(2, 2), jitgrad.nn.Linear(2, 2),
                                    jitgrad.nn.ReLU(), jitgrad.nn.Linear(2, 2)])
    line = "Linear(in_features=2, out_features=2, bias=True)"
    assert repr(layers) == f"ModuleList(\n  (0-1): 2 x {line}\n  (2): ReLU()\n  (3): {line}\n)"
    assert repr(jitgrad.nn.ModuleList()) == "ModuleList()"


def test_out_proj_is_a_linear():
    module = jitgrad.nn.MultiheadAttention(4, 2)
    assert isinstance(module.out_proj, jitgrad.nn.Linear)
    assert module.bias_k is None and module.bias_v is None
    assert [n for n, _ in module.named_parameters()] == [
        "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]


# ------------------------------------------------------------------ transformers

D, FF = 8, 16

# id: (constructor of lib, forward keyword arguments by mask name, batch_first)
LAYERS = {
    "encoder-layer": (lambda lib: lib.nn.TransformerEncoderLayer(D, 2, FF), {}, False),
    "encoder-layer-gelu-norm-first": (lambda lib: lib.nn.TransformerEncoderLayer(
        D, 2, FF, activation="gelu", norm_first=True), {}, False),
    "encoder-layer-masks": (lambda lib: lib.nn.TransformerEncoderLayer(D, 2, FF),
                            {"src_mask": "causal-bool", "src_key_padding_mask": "kpm"}, False),
    "encoder-layer-causal": (lambda lib: lib.nn.TransformerEncoderLayer(
        D, 2, FF, batch_first=True), {"src_mask": "causal", "is_causal": True}, True),
    "encoder-layer-module-activation": (lambda lib: lib.nn.TransformerEncoderLayer(
        D, 2, FF, activation=lib.nn.GELU("tanh"), bias=False, layer_norm_eps=1e-3), {}, False),
    "encoder-layer-callable": (lambda lib: lib.nn.TransformerEncoderLayer(
        D, 2, FF, activation=lib.nn.functional.silu, batch_first=True),
        {"src_key_padding_mask": "kpm"}, True),
    "encoder-layer-blocked": (lambda lib: lib.nn.TransformerEncoderLayer(
        D, 2, FF, batch_first=True), {"src_key_padding_mask": "blocked"}, True),
    "encoder-post-norm-relu": (lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(D, 2, FF), 2, enable_nested_tensor=False), {}, False),
    "encoder-norm-first-gelu": (lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(D, 2, FF, activation="gelu", norm_first=True,
                                       batch_first=True), 2, norm=lib.nn.LayerNorm(D),
        enable_nested_tensor=False), {"src_key_padding_mask": "kpm"}, True),
    "encoder-masks": (lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(D, 2, FF, batch_first=True), 2, norm=lib.nn.LayerNorm(D)),
        {"mask": "causal-bool", "src_key_padding_mask": "kpm"}, True),
    "encoder-nested": (lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(D, 2, FF, batch_first=True), 2, norm=lib.nn.LayerNorm(D)),
        {"src_key_padding_mask": "kpm-left"}, True),
}


def layer_inputs(masks, batch_first, batched=True, seed=21):
    r = np.random.default_rng(seed)
    shape = (N, S, D) if batch_first else (S, N, D)
    arrays = {"src": r.standard_normal(shape if batched else (S, D))}
    kpm = MASKS["kpm"]
    left = np.arange(S)[None, :] >= np.array([S, 3, 0, 4])[:, None]   # padding at the end
    named = {"causal": np.triu(np.full((S, S), -np.inf), 1), "kpm": kpm, "kpm-left": left,
             "causal-bool": np.triu(np.ones((S, S), bool), 1), "blocked": MASKS["blocked-kpm"]}
    for arg, name in masks.items():
        if isinstance(name, str):
            arrays["mask:" + arg] = named[name]
    return arrays


def run_layer(lib, name, dtype, train=True, grad=True, seed=0):
    make, masks, batch_first = LAYERS[name]
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                  # enable_nested_tensor's note
        module = make(lib).to(getattr(lib, dtype))
    module.train(train)
    arrays = layer_inputs(masks, batch_first)
    ts = tensors(lib, {k: a.astype(dtype) if a.dtype.kind == "f" else a
                       for k, a in arrays.items()}, grad=grad)
    kwargs = {k.split(":")[1]: t for k, t in ts.items() if ":" in k}
    kwargs.update({k: v for k, v in masks.items() if not isinstance(v, str)})
    lib.manual_seed(seed + 1)
    with lib.set_grad_enabled(grad):
        out = module(ts["src"], **kwargs)
    return outcome(lib, module, {"out": out}, {"src": ts["src"]}, backward=grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", LAYERS)
def test_transformer_train_matches_torch(name, dtype):
    """Training mode, dropout 0.1 under a seed: torch's masks, values and
    gradients of the input and every parameter."""
    torch = torch_or_skip()
    assert_same(run_layer(jitgrad, name, dtype), run_layer(torch, name, dtype), dtype)


@pytest.mark.parametrize("grad", [True, False])
@pytest.mark.parametrize("name", LAYERS)
def test_transformer_eval_matches_torch(name, grad):
    """Eval mode; without gradients torch takes its fused paths (the nested
    tensor path of the encoder: padded positions give 0)."""
    torch = torch_or_skip()
    got = run_layer(jitgrad, name, "float64", train=False, grad=grad)
    assert_same(got, run_layer(torch, name, "float64", train=False, grad=grad), "float64")


def test_encoder_layer_fast_path_blocked_rows():
    """torch's fused inference layer: NaN for a sequence whose every key is
    padded; with gradients (its slow path) zeros, so finite values."""
    fast = run_layer(jitgrad, "encoder-layer-blocked", "float32", train=False, grad=False)
    slow = run_layer(jitgrad, "encoder-layer-blocked", "float32", train=False, grad=True)
    assert np.isnan(fast.values["out"][2]).all()
    assert np.isfinite(slow.values["out"]).all()
    np.testing.assert_allclose(np.delete(fast.values["out"], 2, 0),
                               np.delete(slow.values["out"], 2, 0), rtol=1e-5, atol=1e-6)


def test_encoder_nested_path_zeroes_padding():
    out = run_layer(jitgrad, "encoder-nested", "float32", train=False, grad=False)
    left = layer_inputs(LAYERS["encoder-nested"][1], True)["mask:src_key_padding_mask"]
    norm_of_zero = np.zeros(D, np.float32)                # LayerNorm's bias, initially 0
    assert np.all(out.values["out"][left] == norm_of_zero)
    with_grad = run_layer(jitgrad, "encoder-nested", "float32", train=False, grad=True)
    assert not np.all(with_grad.values["out"][left] == 0)
    np.testing.assert_allclose(with_grad.values["out"][~left], out.values["out"][~left],
                               rtol=1e-5, atol=1e-6)


def test_encoder_layers_are_deep_copies():
    layer = jitgrad.nn.TransformerEncoderLayer(4, 2, 8)
    encoder = jitgrad.nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    assert len(encoder.layers) == 3 and encoder.num_layers == 3
    weights = [m.linear1.weight for m in encoder.layers]
    assert len({id(w) for w in weights + [layer.linear1.weight]}) == 4
    for w in weights:
        np.testing.assert_array_equal(w.detach().numpy(), layer.linear1.weight.detach().numpy())


NESTED_NOTE = ("enable_nested_tensor is True, but self.use_nested_tensor is False because "
               "encoder_layer.self_attn.batch_first was not True(use batch_first for better "
               "inference performance)")


@pytest.mark.parametrize("lib_name", ["jitgrad", "torch"])
def test_encoder_nested_tensor_note(lib_name):
    lib = pytest.importorskip(lib_name)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 2)
        lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 2)
        lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 2,
                                  enable_nested_tensor=False)
    assert [(w.category, str(w.message)) for w in record] == [(UserWarning, NESTED_NOTE)]


def run_decoder(lib, name, dtype, train=True, seed=0):
    r = np.random.default_rng(31)
    tgt, mem = r.standard_normal((L, N, D)), r.standard_normal((S, N, D))
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = DECODERS[name](lib).to(getattr(lib, dtype))
    module.train(train)
    ts = tensors(lib, {"tgt": tgt.astype(dtype), "memory": mem.astype(dtype)})
    causal = lib.nn.Transformer.generate_square_subsequent_mask(L, dtype=getattr(lib, dtype))
    kpm = lib.tensor(MASKS["kpm"])
    lib.manual_seed(seed + 1)
    if name == "transformer":
        out = module(ts["memory"], ts["tgt"], tgt_mask=causal, src_key_padding_mask=kpm,
                     memory_key_padding_mask=kpm)
    else:
        out = module(ts["tgt"], ts["memory"], tgt_mask=causal, memory_key_padding_mask=kpm)
    return outcome(lib, module, {"out": out}, ts)


DECODERS = {
    "decoder-layer": lambda lib: lib.nn.TransformerDecoderLayer(D, 2, FF),
    "decoder-layer-norm-first-gelu": lambda lib: lib.nn.TransformerDecoderLayer(
        D, 2, FF, activation="gelu", norm_first=True),
    "decoder": lambda lib: lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(D, 2, FF), 2,
                                                     norm=lib.nn.LayerNorm(D)),
    "transformer": lambda lib: lib.nn.Transformer(D, 2, 2, 2, FF),
}


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", DECODERS)
def test_decoder_matches_torch(name, dtype, train):
    torch = torch_or_skip()
    assert_same(run_decoder(jitgrad, name, dtype, train), run_decoder(torch, name, dtype, train),
                dtype)


def test_generate_square_subsequent_mask():
    mask = jitgrad.nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == jitgrad.float32
    np.testing.assert_array_equal(mask.numpy(), [[0, -np.inf, -np.inf], [0, 0, -np.inf],
                                                 [0, 0, 0]])
    assert jitgrad.nn.Transformer.generate_square_subsequent_mask(
        2, dtype=jitgrad.float64).dtype == jitgrad.float64


def run_functional_mha(lib, static):
    """F.multi_head_attention_forward called with a seeded module's weights
    (separate projection weights; static keys and values when ``static``)."""
    lib.manual_seed(0)
    module = lib.nn.MultiheadAttention(E, HEADS, kdim=5, vdim=6, dtype=lib.float64)
    r = np.random.default_rng(8)
    arrays = {"query": r.standard_normal((L, N, E)), "key": r.standard_normal((S, N, 5)),
              "value": r.standard_normal((S, N, 6)), "mask_grad:attn": r.standard_normal((L, S))}
    if static:
        arrays.update(static_k=r.standard_normal((N * HEADS, S, E // HEADS)),
                      static_v=r.standard_normal((N * HEADS, S, E // HEADS)))
    ts = tensors(lib, arrays)
    out, weights = lib.nn.functional.multi_head_attention_forward(
        ts["query"], ts["key"], ts["value"], E, HEADS, None, module.in_proj_bias, None, None,
        False, 0.0, module.out_proj.weight, module.out_proj.bias, training=False,
        attn_mask=ts["mask_grad:attn"], use_separate_proj_weight=True,
        q_proj_weight=module.q_proj_weight, k_proj_weight=module.k_proj_weight,
        v_proj_weight=module.v_proj_weight, static_k=ts.get("static_k"),
        static_v=ts.get("static_v"), average_attn_weights=False)
    return outcome(lib, module, {"out": out, "weights": weights}, ts)


@pytest.mark.parametrize("static", [False, True])
def test_functional_multi_head_attention_forward_matches_torch(static):
    torch = torch_or_skip()
    assert_same(run_functional_mha(jitgrad, static), run_functional_mha(torch, static),
                "float64")


def test_merge_masks_matches_torch():
    torch = torch_or_skip()
    merged = {}
    for lib in (jitgrad, torch):
        module = lib.nn.MultiheadAttention(E, HEADS, batch_first=True)
        query = lib.zeros(N, S, E)
        kpm = lib.nn.functional._canonical_mask(lib.tensor(MASKS["kpm"]), "kpm", None, "",
                                                lib.float32)
        attn = lib.tensor(MASKS["causal"].astype(np.float32))
        merged[lib.__name__] = [(as_numpy(m), t) for m, t in (
            module.merge_masks(attn, kpm, query), module.merge_masks(None, kpm, query),
            module.merge_masks(attn, None, query), module.merge_masks(None, None, query))]
    for (m, t), (tm, tt) in zip(merged["jitgrad"], merged["torch"]):
        assert t == tt
        if tm is None:
            assert m is None
        else:
            np.testing.assert_array_equal(m, tm)
