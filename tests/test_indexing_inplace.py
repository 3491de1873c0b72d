"""Indexing, assignment and in-place ops: values, gradients (finite
differences, torch), node names, version counting and torch's refusals."""
import numpy as np
import pytest

import jitgrad
from jitgrad import messages
from helpers import gradcheck, torch_check

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 5))

KEYS = {
    "int": 1, "neg-int": -1, "two-ints": (1, 2), "slice": slice(1, 3), "step": slice(None, None, 2),
    "col": (slice(None), 2), "none": None,
    "ellipsis": Ellipsis, "ellipsis-int": (Ellipsis, 1), "none-int": (None, 0),
    "int-list": [0, 2, 2], "int-tensor": "tensor", "mask": "mask", "mixed": (slice(1, 3), [0, 4]),
    "2d-adv": ([0, 1, 1], [2, 3, 3]),
}


def key_for(lib, name, x):
    k = KEYS[name]
    if k == "tensor":
        return lib.tensor([3, 0, 3])
    if k == "mask":
        return x > 0
    return k


@pytest.mark.parametrize("name", list(KEYS))
def test_getitem_gradcheck(name):
    gradcheck(lambda x: x[key_for(jitgrad, name, x)], X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(KEYS))
def test_getitem_torch(name, dtype):
    torch_check(lambda lib, x: x[key_for(lib, name, x)], X.astype(dtype))


def test_getitem_views_share_memory():
    x = jitgrad.arange(6.0).reshape(2, 3)
    row = x[1]
    x.numpy()[1, 0] = 42.0
    assert row.tolist()[0] == 42.0 and row._version == x._version


def test_repeated_indices_accumulate():
    x = jitgrad.zeros(3, requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_index_errors():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        jitgrad.zeros(3)[::-1]
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        jitgrad.tensor(1.0)[0]
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        jitgrad.zeros(3)[5]


def test_setitem_no_grad_and_values():
    x = jitgrad.zeros(2, 3)
    x[0] = 1.0
    x[1, 1:] = jitgrad.tensor([5.0, 6.0])
    x[x > 5] = -1.0
    assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 5.0, -1.0]]
    assert x._version == 3


def test_setitem_differentiable_torch():
    def fn(lib, x, v):
        y = x * 2
        y[1:3, 0] = v * 3
        return y
    torch_check(fn, X, rng.standard_normal(2))


def test_setitem_gradcheck():
    def fn(x, v):
        y = x * 1
        y[:, 1] = v.exp()
        return y * y
    gradcheck(fn, X, rng.standard_normal(4))


def test_setitem_on_leaf_that_requires_grad():
    x = jitgrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        x[0] = 1.0
    assert str(e.value) == messages.VIEW_OF_LEAF_INPLACE
    with jitgrad.no_grad():
        x[0] = 1.0
    assert x.tolist() == [1.0, 0.0, 0.0]


INPLACE = {
    "add_": lambda t, o: t.add_(o), "sub_": lambda t, o: t.sub_(o), "mul_": lambda t, o: t.mul_(o),
    "div_": lambda t, o: t.div_(o), "iadd": lambda t, o: t.__iadd__(o),
    "isub": lambda t, o: t.__isub__(o), "imul": lambda t, o: t.__imul__(o),
    "idiv": lambda t, o: t.__itruediv__(o), "pow_": lambda t, o: t.pow_(o.abs() if hasattr(o, "abs") else o),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_non_leaf_is_differentiable(name):
    def fn(lib, x, o):
        y = x * 2               # saves no tensor, so y may change in place
        r = INPLACE[name](y, o)
        assert r is y
        return y * 1
    torch_check(fn, rng.uniform(0.5, 2, (3, 4)), rng.uniform(0.5, 2, 4))
    gradcheck(lambda x, o: INPLACE[name](x * 2, o) * 1, rng.uniform(0.5, 2, (3, 4)),
              rng.uniform(0.5, 2, 4))


@pytest.mark.parametrize("name", ["neg_", "exp_", "log_", "sqrt_", "abs_", "sigmoid_", "tanh_",
                                  "relu_"])
def test_unary_inplace(name):
    def fn(lib, x):
        y = x * 1
        getattr(y, name)()
        return y
    torch_check(fn, rng.uniform(0.5, 2, (3, 2)))


def test_inplace_on_leaf_that_requires_grad():
    x = jitgrad.ones(3, requires_grad=True)
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.exp_()):
        with pytest.raises(RuntimeError) as e:
            op()
        assert str(e.value) == messages.LEAF_INPLACE
    with jitgrad.no_grad():
        x -= 0.5 * jitgrad.ones(3)            # a manual SGD step
        x.mul_(2)
    assert x.tolist() == [1.0, 1.0, 1.0] and x.requires_grad and x.is_leaf


def test_inplace_on_view_of_leaf():
    x = jitgrad.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        x[0].add_(1)
    assert str(e.value) == messages.VIEW_OF_LEAF_INPLACE


def test_modified_saved_tensor_is_refused_like_torch():
    x = jitgrad.randn(3, requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)
    with pytest.raises(RuntimeError) as e:
        y.sum().backward()
    assert str(e.value) == messages.modified_by_inplace((3,), np.float32, "SigmoidBackward0", 1, 0)
    a = x * 1
    b = a * a
    a.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of Add, is at version 1; expected version 0"):
        b.sum().backward()


def test_modifying_a_tensor_no_node_saved_is_fine():
    x = jitgrad.randn(3, requires_grad=True)
    a = x * 1
    y = a.exp()                 # exp saves its output, not a
    a.add_(1)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()), rtol=1e-6)


def test_version_counter_shared_by_views_and_detach():
    x = jitgrad.zeros(4)
    v, d = x[1:], x.detach()
    v.add_(1)
    assert x._version == v._version == d._version == 1
    assert x.data._version == 0                 # .data is not tracked


def test_inplace_result_type_and_shape_errors():
    i = jitgrad.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output "
                                           "type Long"):
        i.add_(1.5)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast "
                                           r"shape \[2, 3\]"):
        jitgrad.ones(3).add_(jitgrad.ones(2, 3))


def test_fill_zero_copy():
    x = jitgrad.randn(3, requires_grad=True)
    y = x * 2
    y.zero_()
    assert type(y.grad_fn).__name__ == "ZeroBackward0"
    z = jitgrad.zeros(3)
    z.copy_(x)
    assert type(z.grad_fn).__name__ == "CopyBackwards"
    (z * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    w = jitgrad.empty(2, 3).fill_(7)
    assert w.tolist() == [[7.0] * 3] * 2
