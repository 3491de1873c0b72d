"""The backward engine and autograd state: accumulation, graph release,
retain_graph, fan-in, deep graphs, memory, hooks, grad mode."""
import gc
import threading
import warnings
import weakref

import numpy as np
import pytest

import jitgrad
from jitgrad import messages


def leaf(values, dtype=jitgrad.float64):
    return jitgrad.tensor(values, dtype=dtype, requires_grad=True)


def test_leaf_grad_accumulates_in_place():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    g = x.grad
    (x * x).sum().backward()
    assert x.grad is g                       # torch keeps the grad tensor and adds into it
    assert x.grad.tolist() == [3 + 2.0, 3 + 4.0]


def test_fan_in_sums_gradients():
    x = leaf([2.0])
    y = x * x + x * 3 + x
    y.backward()
    assert x.grad.item() == 2 * 2 + 3 + 1


def test_same_tensor_both_operands():
    x = leaf([3.0])
    (x * x).backward()
    assert x.grad.item() == 6.0
    x.grad = None
    (x / x).backward()
    assert x.grad.item() == pytest.approx(0.0)


def test_diamond_through_non_leaf():
    x = leaf([1.5])
    h = x.exp()
    y = h * h + h.tanh()
    y.backward()
    e = np.exp(1.5)
    assert x.grad.item() == pytest.approx(2 * e * e + (1 - np.tanh(e) ** 2) * e)


def test_backward_twice_raises_after_release():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError) as e:
        y.backward()
    assert str(e.value) == messages.BACKWARD_TWICE


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_graph_without_saved_tensors_can_run_again():
    # torch's AddBackward0/SumBackward0 keep no tensors, so a second pass is allowed
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_vector_backward_with_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y.backward(jitgrad.tensor([1.0, 0.1, 0.01], dtype=jitgrad.float64))
    assert x.grad.tolist() == pytest.approx([2.0, 0.2, 0.02])


def test_gradient_dtype_is_converted():
    x = leaf([1.0, 2.0], dtype=jitgrad.float32)
    (x * 2).backward(jitgrad.tensor([1.0, 1.0], dtype=jitgrad.float64))
    assert x.grad.dtype is jitgrad.float32


def test_caller_gradient_is_never_aliased_or_written():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    g = jitgrad.tensor([1.0, 1.0], dtype=jitgrad.float64)
    (a + b).backward(g)
    a.grad.numpy()[0] = 100.0
    assert b.grad.tolist() == [1.0, 1.0] and g.tolist() == [1.0, 1.0]
    (a + b).backward(g)
    assert g.tolist() == [1.0, 1.0] and b.grad.tolist() == [2.0, 2.0]


def test_requires_grad_propagation_and_leaves():
    x = leaf([1.0])
    c = jitgrad.tensor([2.0], dtype=jitgrad.float64)
    y = x * c
    assert y.requires_grad and not y.is_leaf and x.is_leaf and c.is_leaf
    assert not (c * c).requires_grad and (c * c).grad_fn is None


def test_next_functions_mirror_torch():
    x, w, b = jitgrad.ones(5), jitgrad.randn(5, 3, requires_grad=True), jitgrad.randn(3, requires_grad=True)
    z = jitgrad.matmul(x, w) + b
    (mm, _), (acc, _) = z.grad_fn.next_functions
    assert type(mm).__name__ == "SqueezeBackward4" and type(acc).__name__ == "AccumulateGrad"
    assert acc.variable is b
    assert mm.next_functions[0][0] is None and mm.next_functions[1][0].variable is w
    assert repr(z.grad_fn).startswith("<AddBackward0 object at 0x")


def test_accumulate_grad_is_shared_per_leaf():
    x = leaf([1.0])
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]


def test_backward_inputs_only_accumulates_there():
    x, y = leaf([1.0]), leaf([2.0])
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 2.0 and y.grad is None


def test_autograd_grad_leaves_dot_grad_alone():
    x, y = leaf([1.0, 2.0]), leaf([3.0])
    z = (x * y).sum()
    gx, gy = jitgrad.autograd.grad(z, (x, y))
    assert gx.tolist() == [3.0, 3.0] and gy.tolist() == [3.0]
    assert x.grad is None and y.grad is None


def test_autograd_grad_of_non_leaf_and_unused():
    x = leaf([1.0, 2.0])
    h = x * 2
    z = (h * h).sum()
    (gh,) = jitgrad.autograd.grad(z, h, retain_graph=True)
    assert gh.tolist() == [4.0, 8.0]
    unused = leaf([5.0])
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        jitgrad.autograd.grad(z, (x, unused), retain_graph=True)
    gx, gu = jitgrad.autograd.grad(z, (x, unused), allow_unused=True)
    assert gx.tolist() == [8.0, 16.0] and gu is None


def test_retain_grad_on_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    assert h.grad.tolist() == [6.0, 12.0]
    assert h.retains_grad


def test_non_leaf_grad_warns_and_is_none():
    h = leaf([1.0]) * 2
    with pytest.warns(UserWarning) as rec:
        assert h.grad is None
    assert str(rec[0].message) == messages.NON_LEAF_GRAD_ACCESS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert leaf([1.0]).grad is None


def test_detach_shares_memory_and_is_a_leaf():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    d.numpy()[0] = 7.0
    assert y.tolist()[0] == 7.0


def test_data_bypasses_tracking():
    x = leaf([1.0, 2.0])
    d = x.data
    assert not d.requires_grad
    d.numpy()[1] = 5.0
    assert x.tolist() == [1.0, 5.0]
    x.data = jitgrad.tensor([0.0, 0.0], dtype=jitgrad.float64)
    assert x.tolist() == [0.0, 0.0] and x.requires_grad


def test_no_grad_and_decorator():
    x = leaf([1.0])
    with jitgrad.no_grad():
        assert not (x * 2).requires_grad
        with jitgrad.enable_grad():
            assert (x * 2).requires_grad
    assert (x * 2).requires_grad

    @jitgrad.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad and jitgrad.is_grad_enabled()
    with jitgrad.set_grad_enabled(False):
        assert not jitgrad.is_grad_enabled()
    assert jitgrad.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = []
    with jitgrad.no_grad():
        t = threading.Thread(target=lambda: seen.append(jitgrad.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_deep_graph_has_no_recursion_limit():
    x = leaf([1.0])
    y = x
    for _ in range(100_000):
        y = y + 1
    y.backward()
    assert x.grad.item() == 1.0
    del y                                    # freeing a 100k-node chain must not crash


def test_graph_is_freed_by_reference_counting():
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = (x.exp() * x).sum()
        ref = weakref.ref(y.grad_fn)
        tref = weakref.ref(x)
        del y
        assert ref() is None                 # no cycle keeps the graph alive
        y = (x * 2).sum()
        del x
        # the graph refers to a leaf weakly: nothing else held x, so it is gone,
        # and backward has nowhere to accumulate but still runs
        assert tref() is None
        y.backward()
    finally:
        gc.enable()


def test_backward_releases_saved_arrays():
    x = leaf(np.ones(1000))
    h = x.exp()
    y = h.sum()
    node = h.grad_fn
    assert node._saved is not None
    y.backward()
    assert node._saved is None


def test_backward_on_leaf_and_integer_seed():
    x = leaf([4.0])
    x.backward()
    assert x.grad.item() == 1.0
