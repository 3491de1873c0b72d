"""jitgrad.func (torch.func's transforms): values against hand-derived ones
and, when torch is installed, against torch.func; composition of levels
(grad of grad, jacrev of grad, vmap of grad, ordinary autograd around a
transform); the per-sample-gradient and model-ensembling tutorials; errors
in torch's wording."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests

X = np.array([0.5, 1.0, 2.0])
Y = np.array([-1.5, 0.25])
M = np.arange(6.0).reshape(2, 3) / 4 - 0.5


def t64(lib, a):
    return lib.tensor(a, dtype=lib.float64)


def sinx(lib, x):
    return (x.sin() * x).sum()


def vec(lib, x, y):
    """R^3 x R^2 -> R^2 with a hand-derived Jacobian (see JAC_*)."""
    return lib.stack([x[0] * y[1], x.exp().sum() * y[0]])


JAC_X = np.array([[Y[1], 0, 0], np.exp(X) * Y[0]])
JAC_Y = np.array([[0, X[0]], [np.exp(X).sum(), 0]])
D1 = np.sin(X) + X * np.cos(X)                 # d/dx sum(x sin x)
D2 = 2 * np.cos(X) - X * np.sin(X)
D3 = -3 * np.sin(X) - X * np.cos(X)


def ones(lib, n):
    return lib.ones(n, dtype=lib.float64)


# name -> (run(lib, F), hand-derived value or None)
CASES = {
    "grad": (lambda lib, F: F.grad(lambda x: sinx(lib, x))(t64(lib, X)), D1),
    "grad-of-grad": (lambda lib, F: F.grad(lambda x: F.grad(lambda z: sinx(lib, z))(x).sum())(
        t64(lib, X)), D2),
    "grad-of-grad-of-grad": (lambda lib, F: F.grad(lambda x: F.grad(lambda y: F.grad(
        lambda z: sinx(lib, z))(y).sum())(x).sum())(t64(lib, X)), D3),
    "grad-argnums-tuple": (lambda lib, F: F.grad(lambda a, b: (a * b.exp()).sum(),
                                                 argnums=(0, 1))(t64(lib, X), t64(lib, 2 * X)),
                           (np.exp(2 * X), X * np.exp(2 * X))),
    "grad-argnums-negative-float32": (lambda lib, F: F.grad(
        lambda a, b: (a * b * b).sum(), argnums=-1)(lib.tensor(X, dtype=lib.float32),
                                                    lib.tensor(2 * X, dtype=lib.float32)),
        (4 * X * X).astype(np.float32)),
    "grad-has-aux": (lambda lib, F: F.grad(lambda x: (sinx(lib, x), {"double": x * 2}),
                                           has_aux=True)(t64(lib, X)),
                     (D1, {"double": 2 * X})),
    "grad-and-value-dict-arg": (lambda lib, F: F.grad_and_value(
        lambda p, x: (p["w"] * x).sum() + p["b"] ** 2)({"w": t64(lib, X), "b": t64(lib, 3.0)},
                                                       t64(lib, 2 * X)),
        ({"w": 2 * X, "b": 6.0}, (X * 2 * X).sum() + 9)),
    "grad-unused-input": (lambda lib, F: F.grad(lambda a, b: b.sum(), argnums=(0, 1))(
        t64(lib, X), t64(lib, Y)), (np.zeros(3), np.ones(2))),
    "vjp-tuple-output": (lambda lib, F: (lambda r: (r[0], r[1]((ones(lib, 3), 2 * ones(lib, 2)))))(
        F.vjp(lambda x, y: (x.sin() * x, y * x[0]), t64(lib, X), t64(lib, Y))),
        ((np.sin(X) * X, Y * X[0]), (D1 + np.array([2 * Y.sum(), 0, 0]), 2 * X[0] * np.ones(2)))),
    "vjp-has-aux": (lambda lib, F: (lambda r: (r[0], r[1](ones(lib, 3)), r[2]))(
        F.vjp(lambda x: (x ** 2, x.sum()), t64(lib, X), has_aux=True)),
        (X ** 2, (2 * X,), X.sum())),
    "jvp": (lambda lib, F: F.jvp(lambda x, y: vec(lib, x, y), (t64(lib, X), t64(lib, Y)),
                                 (ones(lib, 3), t64(lib, [2.0, -1.0]))),
            (np.array([X[0] * Y[1], np.exp(X).sum() * Y[0]]),
             JAC_X @ np.ones(3) + JAC_Y @ np.array([2.0, -1.0]))),
    "jvp-has-aux": (lambda lib, F: F.jvp(lambda x: (x.exp(), x * 3), (t64(lib, X),),
                                         (t64(lib, Y[[0, 1, 1]]),), has_aux=True),
                    (np.exp(X), np.exp(X) * Y[[0, 1, 1]], 3 * X)),
    "jacrev-argnums-tuple": (lambda lib, F: F.jacrev(lambda x, y: vec(lib, x, y), argnums=(0, 1))(
        t64(lib, X), t64(lib, Y)), (JAC_X, JAC_Y)),
    "jacfwd-argnums-tuple": (lambda lib, F: F.jacfwd(lambda x, y: vec(lib, x, y), argnums=(0, 1))(
        t64(lib, X), t64(lib, Y)), (JAC_X, JAC_Y)),
    "jacrev-tuple-output-matrix-input": (lambda lib, F: F.jacrev(lambda m: (m.sum(0), m * 2))(
        t64(lib, M)), (np.tile(np.eye(3)[:, None, :], (1, 2, 1)),
                       2 * np.eye(6).reshape(2, 3, 2, 3))),
    "jacfwd-tuple-output-matrix-input": (lambda lib, F: F.jacfwd(lambda m: (m.sum(0), m * 2))(
        t64(lib, M)), (np.tile(np.eye(3)[:, None, :], (1, 2, 1)),
                       2 * np.eye(6).reshape(2, 3, 2, 3))),
    "jacfwd-has-aux": (lambda lib, F: F.jacfwd(lambda x: (x.tanh(), x.sum()), has_aux=True)(
        t64(lib, X)), (np.diag(1 - np.tanh(X) ** 2), X.sum())),
    "hessian": (lambda lib, F: F.hessian(lambda x: x[0] * x[1] ** 2 + x.exp().sum())(
        t64(lib, X)), np.diag(np.exp(X)) + np.array([[0, 2 * X[1], 0], [2 * X[1], 2 * X[0], 0],
                                                      [0, 0, 0]])),
    "jacrev-of-grad": (lambda lib, F: F.jacrev(F.grad(lambda x: sinx(lib, x)))(t64(lib, X)),
                       np.diag(D2)),
    "hessian-float32": (lambda lib, F: F.hessian(lambda x: (x ** 3).sum())(
        lib.tensor(X, dtype=lib.float32)), np.diag(6 * X).astype(np.float32)),
    "vmap-in-out-dims": (lambda lib, F: F.vmap(lambda a, b: a * b.sum(), in_dims=(1, None),
                                               out_dims=1)(t64(lib, M), t64(lib, X)),
                         M * X.sum()),
    "vmap-nested-outer-product": (lambda lib, F: F.vmap(F.vmap(lambda a, b: a * b, (None, 0)),
                                                        (0, None))(t64(lib, X), t64(lib, Y)),
                                  np.outer(X, Y)),
    "vmap-of-grad": (lambda lib, F: F.vmap(F.grad(lambda r, w: (r * w).sin()), in_dims=(0, None))(
        t64(lib, X), t64(lib, 1.5)), 1.5 * np.cos(1.5 * X)),
    "vmap-of-jacrev-tuple-output": (lambda lib, F: F.vmap(F.jacrev(lambda r: r ** 2))(
        t64(lib, M)), np.stack([np.diag(2 * r) for r in M])),
}


def to_numpy(tree):
    if isinstance(tree, dict):
        return {k: to_numpy(v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(to_numpy(v) for v in tree)
    if hasattr(tree, "detach"):
        return tree.detach().numpy()
    return tree


def assert_tree_close(ours, expected, rtol=1e-7, atol=1e-10):
    if isinstance(expected, dict):
        assert isinstance(ours, dict) and list(ours) == list(expected)
        for k in expected:
            assert_tree_close(ours[k], expected[k], rtol, atol)
    elif isinstance(expected, (tuple, list)):
        assert type(ours) is type(expected) and len(ours) == len(expected), (ours, expected)
        for a, b in zip(ours, expected):
            assert_tree_close(a, b, rtol, atol)
    else:
        expected = np.asarray(expected)
        assert isinstance(ours, np.ndarray), type(ours)
        assert ours.shape == expected.shape and ours.dtype == expected.dtype, (ours, expected)
        np.testing.assert_allclose(ours, expected, rtol=rtol, atol=atol)


def torch_or_none():
    try:
        import torch
        import torch.func  # noqa: F401
    except ImportError:
        return None
    return torch


@pytest.mark.parametrize("name", list(CASES))
def test_value(name):
    """The hand-derived value, and (torch installed) torch.func's value and dtype."""
    run, expected = CASES[name]
    tol = dict(rtol=1e-5, atol=1e-6) if "float32" in name else dict(rtol=1e-10, atol=1e-12)
    ours = to_numpy(run(jitgrad, jitgrad.func))
    assert_tree_close(ours, expected, **tol)
    torch = torch_or_none()
    if torch is not None:
        assert_tree_close(ours, to_numpy(run(torch, torch.func)), **tol)


# ---------------------------------------------------------------- levels

def test_results_are_unwrapped():
    """Inside a level the input requires grad; what comes out has no graph
    unless an enclosing level (here: none) could differentiate it."""
    seen = []

    def f(x):
        seen.append(x.requires_grad)
        return (x ** 2).sum(), x * 3
    g, aux = jitgrad.func.grad(f, has_aux=True)(t64(jitgrad, X))
    out, fn = jitgrad.func.vjp(lambda x: x.exp(), t64(jitgrad, X))
    assert seen == [True]
    assert not any(t.requires_grad for t in (g, aux, out, fn(ones(jitgrad, 3))[0]))


def test_ordinary_autograd_around_grad():
    """grad of a tensor that requires grad keeps the graph (torch.func
    composes with autograd), so backward gives the second derivative; under
    no_grad the transform still runs but returns no graph."""
    x = jitgrad.tensor(X, requires_grad=True)
    g = jitgrad.func.grad(lambda z: sinx(jitgrad, z))(x)
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(g.detach().numpy(), D1, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), D2, rtol=1e-5)
    with jitgrad.no_grad():
        g2 = jitgrad.func.grad(lambda z: sinx(jitgrad, z))(x)
    assert not g2.requires_grad
    np.testing.assert_allclose(g2.numpy(), D1, rtol=1e-6)


def test_closure_over_outer_leaf():
    """A function that closes over a tensor requiring grad: the gradient
    depends on it, and ordinary backward reaches it (d/dw of 2 w x = 2 x)."""
    w = jitgrad.tensor(1.5, dtype=jitgrad.float64, requires_grad=True)
    g = jitgrad.func.grad(lambda x: (w * x ** 2).sum())(t64(jitgrad, X))
    g.sum().backward()
    np.testing.assert_allclose(g.detach().numpy(), 2 * 1.5 * X)
    np.testing.assert_allclose(w.grad.numpy(), 2 * X.sum())


def test_vjp_fn_reusable_and_linearize():
    out, fn = jitgrad.func.vjp(lambda x: x ** 3, t64(jitgrad, X))
    a = fn(ones(jitgrad, 3))[0].numpy()
    b = fn(t64(jitgrad, [1.0, 0.0, 2.0]))[0].numpy()
    np.testing.assert_allclose(a, 3 * X ** 2)
    np.testing.assert_allclose(b, 3 * X ** 2 * [1, 0, 2])
    out, jvp_fn = jitgrad.func.linearize(lambda x: x.sin() * 2, t64(jitgrad, X))
    np.testing.assert_allclose(out.numpy(), 2 * np.sin(X))
    np.testing.assert_allclose(jvp_fn(t64(jitgrad, [1.0, -1.0, 0.5])).numpy(),
                               2 * np.cos(X) * [1, -1, 0.5])


# ---------------------------------------------------------------- vmap randomness

def test_vmap_randomness():
    F = jitgrad.func
    x = jitgrad.zeros(3, 2)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        F.vmap(lambda r: r + jitgrad.rand(2))(x)
    jitgrad.manual_seed(0)
    same = F.vmap(lambda r: r + jitgrad.rand(2), randomness="same")(x)
    jitgrad.manual_seed(0)
    np.testing.assert_array_equal(same.numpy(), np.tile(jitgrad.rand(2).numpy(), (3, 1)))
    diff = F.vmap(lambda r: r + jitgrad.rand(2), randomness="different")(x)
    assert len({tuple(r) for r in diff.numpy()}) == 3


# ---------------------------------------------------------------- modules

def per_sample_grads(lib):
    """The torch.func tutorial: per-sample gradients of a small model with
    vmap(grad(functional_call)), parameters detached."""
    F = lib.func
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2))
    data = lib.randn(5, 4)
    targets = lib.tensor([0, 1, 1, 0, 1])
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss(params, buffers, x, t):
        out = F.functional_call(model, (params, buffers), (x.unsqueeze(0),))
        return lib.nn.functional.cross_entropy(out, t.unsqueeze(0))
    grads = F.vmap(F.grad(loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
    return model, data, targets, grads


def test_per_sample_gradients_match_a_loop():
    model, data, targets, grads = per_sample_grads(jitgrad)
    assert list(grads) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for i in range(5):
        model.zero_grad()
        jitgrad.nn.functional.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
        for name, p in model.named_parameters():
            np.testing.assert_allclose(grads[name][i].numpy(), p.grad.numpy(), rtol=1e-5,
                                       atol=1e-7)
    assert all(p.grad is not None and not g.requires_grad for p, g in
               zip(model.parameters(), grads.values()))


def test_per_sample_gradients_match_torch():
    torch = pytest.importorskip("torch")
    import torch.func  # noqa: F401
    ours, theirs = per_sample_grads(jitgrad)[3], per_sample_grads(torch)[3]
    for k in theirs:
        np.testing.assert_allclose(ours[k].numpy(), theirs[k].numpy(), rtol=1e-5, atol=1e-6)


class Tied(jitgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = jitgrad.nn.Linear(2, 2, bias=False)
        self.b = jitgrad.nn.Linear(2, 2, bias=False)
        self.b.weight = self.a.weight
        self.register_buffer("scale", jitgrad.tensor(2.0))

    def forward(self, x, shift=0.0):
        return self.b(self.a(x)) * self.scale + shift


def test_functional_call_swaps_and_restores():
    m = Tied()
    orig = m.a.weight
    w = jitgrad.eye(2, requires_grad=True)
    x = jitgrad.tensor([[1.0, -2.0]])
    out = jitgrad.func.functional_call(m, {"a.weight": w, "scale": jitgrad.tensor(3.0)}, x,
                                       {"shift": 1.0})
    np.testing.assert_allclose(out.detach().numpy(), [[4.0, -5.0]])    # tied: b.weight = w too
    out.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [[6.0, -12.0], [6.0, -12.0]])
    assert m.a.weight is orig and m.b.weight is orig and float(m.scale) == 2.0
    untied = jitgrad.func.functional_call(m, {"a.weight": w.detach()}, (x,), tie_weights=False)
    np.testing.assert_allclose(untied.detach().numpy(), (x.numpy() @ orig.detach().numpy().T) * 2)


def test_stack_module_state_ensemble():
    jitgrad.manual_seed(0)
    models = [jitgrad.nn.Linear(3, 2) for _ in range(4)]
    params, buffers = jitgrad.func.stack_module_state(models)
    assert params["weight"].shape == (4, 2, 3) and params["weight"].is_leaf
    assert params["weight"].requires_grad and buffers == {}
    x = jitgrad.randn(5, 3)
    out = jitgrad.func.vmap(lambda p, b: jitgrad.func.functional_call(models[0], (p, b), (x,)))(
        params, buffers)
    for k, m in enumerate(models):
        np.testing.assert_allclose(out[k].detach().numpy(), m(x).detach().numpy(), rtol=1e-6)
    out.sum().backward()                        # the stacked leaves get the gradients
    np.testing.assert_allclose(params["bias"].grad.numpy(), np.full((4, 2), 5.0))


def test_vmap_over_model_with_batch_norm():
    """replace_all_batch_norm_modules_ drops the running stats, so vmap of a
    model in train mode normalises each sample's batch on its own."""
    jitgrad.manual_seed(0)
    model = jitgrad.nn.Sequential(jitgrad.nn.Linear(3, 4), jitgrad.nn.BatchNorm1d(4))
    assert jitgrad.func.replace_all_batch_norm_modules_(model) is model
    assert model[1].running_mean is None and not model[1].track_running_stats
    x = jitgrad.randn(2, 5, 3)
    out = jitgrad.func.vmap(model)(x)
    for k in range(2):
        np.testing.assert_allclose(out[k].detach().numpy(), model(x[k]).detach().numpy(),
                                   rtol=1e-6)
    assert jitgrad.func.debug_unwrap(x) is x


# ---------------------------------------------------------------- errors

Case = namedtuple("Case", "id run exc message")


def fx(lib):
    return lib.tensor([1.0, 2.0, 3.0])


ERRORS = [
    Case("grad-non-scalar", lambda lib: lib.func.grad(lambda x: x * 2)(fx(lib)), RuntimeError,
         "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
         "with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?"),
    Case("grad-aux-not-pair", lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(fx(lib)),
         RuntimeError, "grad_and_value(f)(*args): output of function f should be a tuple: "
         "(output, aux) if has_aux is True"),
    Case("aux-not-tensor", lambda lib: lib.func.vjp(lambda x: (x, 1.0), fx(lib), has_aux=True),
         RuntimeError, "Expected tensors, got unsupported type <class 'float'>"),
    Case("functionalize-remove", lambda lib: lib.func.functionalize(lambda x: x, remove="all"),
         RuntimeError, "functionalize(f, remove='mutations'): received invalid argument for "
         "remove=all. Valid options are:\n     remove='mutations': all inplace and out= operators "
         "will be removed from the program, and replaced with their out-of-place equivalents.\n"
         "     remove='mutations_and_views': In addition to the above, all aliasing operators "
         "{view} will be replaced with their non-aliasing counterparts, {view}_copy.\n"),
    Case("grad-int-input", lambda lib: lib.func.grad(lambda x: x.sum())(lib.tensor([1, 2])),
         RuntimeError, "only Tensors of floating point dtype can require gradients"),
    Case("argnums-unique", lambda lib: lib.func.jacrev(lambda x: x, argnums=(0, 0))(fx(lib)),
         RuntimeError, "argnums elements must be unique, got (0, 0)"),
    Case("vjp-cotangent-structure", lambda lib: lib.func.vjp(lambda x: (x, x), fx(lib))[1](
        fx(lib)), RuntimeError, "Expected pytree structure of cotangents to be the same as "
         "pytree structure of outputs to the function. cotangents: *, primal output: (*, *)"),
    Case("jvp-primals-tuple", lambda lib: lib.func.jvp(lambda x: x, fx(lib), fx(lib)),
         RuntimeError, "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
         "should be valid to call f(*primals)."),
    Case("jvp-tangent-size", lambda lib: lib.func.jvp(lambda x: x, (fx(lib),), (lib.ones(2),)),
         RuntimeError, "Trying to set a forward gradient that has a different size than that "
         "of the original Tensor, this is not supported. Tensor is of size [3] while the given "
         "forward gradient is of size [2]."),
    Case("vmap-sizes", lambda lib: lib.func.vmap(lambda a, b: a + b)(fx(lib), lib.ones(4)),
         ValueError, "vmap: Expected all tensors to have the same size in the mapped "
         "dimension, got sizes [3, 4] for the mapped dimension"),
    Case("vmap-in-dim-range", lambda lib: lib.func.vmap(lambda x: x, in_dims=1)(fx(lib)),
         ValueError, "vmap(<lambda>, in_dims=1, ...)(<inputs>): Got in_dim=1 for some input, "
         "but that input is a Tensor of dimensionality 1 so expected in_dim to satisfy "
         "-1 <= in_dim < 1."),
    Case("vmap-returns-float", lambda lib: lib.func.vmap(lambda x: 1.0)(fx(lib)), ValueError,
         "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'float'>. "
         "Did you mean to set out_dims= to None for output?"),
    Case("functional-call-strict", lambda lib: lib.func.functional_call(
        lib.nn.Linear(2, 2), {"weight": lib.ones(2, 2), "extra": lib.ones(1)}, (lib.ones(2),),
        strict=True), RuntimeError, "Error(s) in reparametrizing for Linear:\n\tUnexpected "
         "key(s): 'extra'.\n\tMissing key(s): 'bias'."),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
