"""Hooks, custom Functions, gradcheck, the functional API, inference mode,
devices and the legacy spellings."""
import numpy as np
import pytest

import jitgrad
from jitgrad import messages


def leaf(values):
    return jitgrad.tensor(values, dtype=jitgrad.float64, requires_grad=True)


# ------------------------------------------------------------------ hooks

def test_hook_on_leaf_replaces_gradient_before_accumulation():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    handle = x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]] and x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_hook_on_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.register_hook(lambda g: g + 1)
    (h * h).sum().backward()
    assert x.grad.tolist() == [2 * (4 + 1), 2 * (8 + 1)]


def test_hook_errors():
    with pytest.raises(RuntimeError) as e:
        jitgrad.ones(2).register_hook(lambda g: g)
    assert str(e.value) == messages.HOOK_NO_REQUIRES_GRAD
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: jitgrad.ones(3))
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        (x * 1).sum().backward()


# ------------------------------------------------------------------ Function

class Cube(jitgrad.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return grad * 3 * x ** 2 * ctx.scale, None


def test_function_forward_backward_and_node():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    assert y.grad_fn.next_functions[0][0].variable is x
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]
    with pytest.raises(RuntimeError) as e:
        y.grad_fn.saved_tensors
    assert str(e.value) == messages.BACKWARD_TWICE


def test_function_double_backward_through_differentiable_backward():
    x = leaf([1.0, 2.0])
    (g,) = jitgrad.autograd.grad(Cube.apply(x, 1.0).sum(), x, create_graph=True)
    (h,) = jitgrad.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0]


def test_function_several_outputs_and_non_differentiable():
    class Split(jitgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            mask = x > 1
            ctx.mark_non_differentiable(mask)
            return x * 2, x * 3, mask

        @staticmethod
        def backward(ctx, g1, g2, g3):
            return g1 * 2 + g2 * 3

    x = leaf([1.0, 2.0])
    a, b, mask = Split.apply(x)
    assert not mask.requires_grad and type(a.grad_fn).__name__ == "SplitBackward"
    (a.sum() + 10 * b.sum()).backward()
    assert x.grad.tolist() == [32.0, 32.0]
    x.grad = None
    a, b, _ = Split.apply(x)
    a.sum().backward()                       # b's gradient is materialised as zeros
    assert x.grad.tolist() == [2.0, 2.0]


def test_function_wrong_number_of_gradients():
    class Bad(jitgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients "
                                           r"\(expected 2, got 1\)"):
        Bad.apply(leaf([1.0]), leaf([2.0])).backward()


def test_function_matches_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (jitgrad, torch):
        class MyReLU(lib.autograd.Function):
            @staticmethod
            def forward(ctx, input):
                ctx.save_for_backward(input)
                return input * (input > 0)

            @staticmethod
            def backward(ctx, grad_output):
                (input,) = ctx.saved_tensors
                grad_input = grad_output.clone()
                grad_input[input < 0] = 0
                return grad_input
        x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        (MyReLU.apply(x) * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        results.append(x.grad.tolist())
    assert results[0] == results[1]


# ------------------------------------------------------------------ gradcheck, functional

def test_gradcheck_passes_and_fails():
    x = leaf([0.3, 0.7])
    assert jitgrad.autograd.gradcheck(lambda t: t.exp() * t, (x,))
    assert jitgrad.autograd.gradgradcheck(lambda t: t.exp() * t, (x,))

    class Wrong(jitgrad.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3
    with pytest.raises(jitgrad.autograd.GradcheckError, match="Jacobian mismatch for output 0 "
                                                              "with respect to input 0"):
        jitgrad.autograd.gradcheck(Wrong.apply, (x,))
    assert jitgrad.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False


def test_functional_api():
    from jitgrad.autograd.functional import hessian, hvp, jacobian, jvp, vjp
    x = leaf([1.0, 2.0])
    np.testing.assert_allclose(jacobian(lambda t: t ** 2, x).numpy(), np.diag([2.0, 4.0]))
    out, v = vjp(lambda t: t ** 2, x, jitgrad.ones(2, dtype=jitgrad.float64))
    assert out.tolist() == [1.0, 4.0] and v.tolist() == [2.0, 4.0]
    out, jv = jvp(lambda t: t ** 3, x, jitgrad.ones(2, dtype=jitgrad.float64))
    assert jv.tolist() == [3.0, 12.0]
    out, hv = hvp(lambda t: (t ** 3).sum(), x, jitgrad.ones(2, dtype=jitgrad.float64))
    assert hv.tolist() == [6.0, 12.0]
    np.testing.assert_allclose(hessian(lambda t: (t ** 3).sum(), x).numpy(), np.diag([6.0, 12.0]))


# ------------------------------------------------------------------ modes, devices, legacy

def test_inference_mode():
    x = leaf([1.0])
    with jitgrad.inference_mode():
        assert not (x * 2).requires_grad and jitgrad.is_inference_mode_enabled()
    assert (x * 2).requires_grad and not jitgrad.is_inference_mode_enabled()

    @jitgrad.inference_mode()
    def f():
        return (x * 2).requires_grad
    assert f() is False


def test_devices():
    assert not jitgrad.cuda.is_available() and not jitgrad.backends.mps.is_available()
    assert not jitgrad.accelerator.is_available()
    cpu = jitgrad.device("cpu")
    t = jitgrad.ones(2, device=cpu).to("cpu").to(cpu).cpu()
    assert t.device == cpu and str(t.device) == "cpu"
    assert t.to(jitgrad.float64).dtype is jitgrad.float64
    jitgrad.set_default_device("cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        jitgrad.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        t.to("cuda:0")


def test_dtype_names_and_default():
    assert jitgrad.float is jitgrad.float32 and jitgrad.double is jitgrad.float64
    assert jitgrad.long is jitgrad.int64 and jitgrad.int is jitgrad.int32
    assert jitgrad.tensor([1, 2, 3]).dtype is jitgrad.int64
    assert jitgrad.ones(2).pow(jitgrad.tensor([1, 2])).dtype is jitgrad.float32
    assert not hasattr(jitgrad, "half")
    with pytest.raises(TypeError, match="float16"):
        jitgrad.ones(2).half()
    assert jitgrad.get_default_dtype() is jitgrad.float32
    jitgrad.set_default_dtype(jitgrad.float64)
    try:
        assert jitgrad.ones(2).dtype is jitgrad.float64
        assert (jitgrad.tensor([1, 2]) * 1.5).dtype is jitgrad.float64
    finally:
        jitgrad.set_default_dtype(jitgrad.float32)


def test_variable_and_legacy_data():
    from jitgrad.autograd import Variable
    v = Variable(jitgrad.ones(2), requires_grad=True)
    assert isinstance(v, jitgrad.Tensor) and v.requires_grad
    (v * 2).sum().backward()
    v.data -= v.grad.data * 0.5
    assert v.tolist() == [0.0, 0.0]


def test_grad_assignment():
    x = leaf([1.0, 2.0])
    x.grad = jitgrad.zeros(2, dtype=jitgrad.float64)
    x.grad = None
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None"):
        x.grad = [1.0, 2.0]
