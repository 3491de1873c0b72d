"""tril/triu (and tril_/triu_), tril_indices/triu_indices, flip/fliplr/flipud
and roll (jitgrad/ops/structure.py).

Finite differences in float64, torch's values/grads/dtypes/node names, each
node's ``apply_graph`` against its ``apply``, hand-derived values, integer
and bool inputs, non-contiguous and expanded inputs, in-place semantics
(memory, version counter, the leaf refusal), and every error with torch's
message."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import apply_and_apply_graph, error_tests, table_tests

rng = np.random.default_rng(0)


def R(*shape):
    return np.asarray(rng.standard_normal(shape))


CASES = [
    ("tril", "default", lambda lib, x: lib.tril(x), [R(4, 5)]),
    ("tril", "diagonal-1", lambda lib, x: x.tril(1), [R(4, 3)]),
    ("tril", "negative-batched", lambda lib, x: lib.tril(x, -1), [R(2, 3, 4)]),
    ("tril", "diagonal-keyword", lambda lib, x: lib.tril(x, diagonal=2), [R(3, 3)]),
    ("tril", "non-contiguous", lambda lib, x: x.t().tril(), [R(4, 3)]),
    ("tril", "diagonal-past-the-end", lambda lib, x: x.tril(10), [R(3, 4)]),
    ("tril", "inplace", lambda lib, x: (x * 1).tril_(-1), [R(3, 3)]),
    ("triu", "default", lambda lib, x: lib.triu(x), [R(4, 5)]),
    ("triu", "diagonal-2-batched", lambda lib, x: x.triu(2), [R(2, 2, 3, 4)]),
    ("triu", "non-contiguous-3d", lambda lib, x: x.transpose(0, 2).triu(-1), [R(3, 2, 4)]),
    ("triu", "inplace", lambda lib, x: (x * 2).triu_(1), [R(4, 3)]),
    ("flip", "dim0", lambda lib, x: lib.flip(x, [0]), [R(3, 4)]),
    ("flip", "all-dims-3d", lambda lib, x: x.flip(0, 1, 2), [R(2, 3, 4)]),
    ("flip", "negative-dim-tuple", lambda lib, x: lib.flip(x, (-1,)), [R(3, 4)]),
    ("flip", "method-list", lambda lib, x: x.flip([1, 0]), [R(3, 4)]),
    ("flip", "non-contiguous", lambda lib, x: x.t().flip(0), [R(4, 3)]),
    ("flip", "no-dims", lambda lib, x: lib.flip(x, ()), [R(3)]),
    ("flip", "0d", lambda lib, x: lib.flip(x, [0]), [R()]),
    ("flip", "fliplr", lambda lib, x: lib.fliplr(x), [R(3, 4)]),
    ("flip", "flipud-method", lambda lib, x: x.flipud(), [R(3, 4, 2)]),
    ("roll", "flat", lambda lib, x: lib.roll(x, 2), [R(3, 4)]),
    ("roll", "dim", lambda lib, x: x.roll(1, 0), [R(3, 4)]),
    ("roll", "two-dims", lambda lib, x: lib.roll(x, (1, -2), (0, 1)), [R(3, 4)]),
    ("roll", "repeated-dim", lambda lib, x: lib.roll(x, [1, 3], [1, 1]), [R(2, 5)]),
    ("roll", "big-negative", lambda lib, x: x.roll(-7, -1), [R(2, 3)]),
    ("roll", "keywords", lambda lib, x: x.roll(shifts=1, dims=2), [R(2, 3, 4)]),
    ("roll", "non-contiguous-flat", lambda lib, x: x.t().roll(5), [R(4, 3)]),
    ("roll", "non-contiguous-dim", lambda lib, x: x.t().roll(2, 1), [R(4, 3)]),
    ("roll", "0d", lambda lib, x: lib.roll(x, 3), [R()]),
]
IDS = [f"{entry}-{name}" for entry, name, _, _ in CASES]

test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("entry,name,fn,inputs", CASES, ids=IDS)
def test_apply_graph_matches_apply(entry, name, fn, inputs, dtype):
    node, fast, graph = apply_and_apply_graph(fn, inputs, dtype, record=True)
    assert len(fast) == len(graph) == 1
    assert fast[0].shape == tuple(graph[0].shape) and fast[0].dtype == dtype
    np.testing.assert_array_equal(fast[0], graph[0].numpy(force=True))
    assert type(graph[0].grad_fn).__name__ == type(node).__name__    # its own op, recorded


@pytest.mark.parametrize("case", ["tril-negative-batched", "triu-inplace", "flip-all-dims-3d",
                                  "roll-two-dims", "roll-flat"])
def test_gradgradcheck(case):
    _, _, fn, inputs = CASES[IDS.index(case)]
    ts = tuple(jitgrad.tensor(a, requires_grad=True) for a in inputs)
    assert jitgrad.autograd.gradgradcheck(lambda *t: fn(jitgrad, *t), ts)


# ------------------------------------------------------------------ hand-derived values

M = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]


def test_tril_triu_by_hand():
    x = jitgrad.tensor(M, requires_grad=True)
    assert x.tril().tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert x.tril(-1).tolist() == [[0, 0, 0], [4, 0, 0], [7, 8, 0]]
    assert x.triu().tolist() == [[1, 2, 3], [0, 5, 6], [0, 0, 9]]
    assert x.triu(2).tolist() == [[0, 0, 3], [0, 0, 0], [0, 0, 0]]
    assert x.triu(-5).tolist() == M and x.tril(-3).tolist() == [[0.0] * 3] * 3
    (x.tril(1) * 10).sum().backward()
    assert x.grad.tolist() == [[10, 10, 0], [10, 10, 10], [10, 10, 10]]


def test_tril_keeps_nan_and_dtype():
    x = jitgrad.tensor([[np.nan, np.nan], [np.inf, np.nan]])
    np.testing.assert_array_equal(x.tril().numpy(), [[np.nan, 0.0], [np.inf, np.nan]])
    b = jitgrad.ones(3, 3, dtype=jitgrad.bool).triu(1)
    assert b.dtype == jitgrad.bool and b.tolist() == [[False, True, True], [False, False, True],
                                                      [False, False, False]]
    i = jitgrad.tensor([[1, 2], [3, 4]], dtype=jitgrad.int32).tril()
    assert i.dtype == jitgrad.int32 and i.tolist() == [[1, 0], [3, 4]]


def test_tril_result_is_a_contiguous_copy():
    x = jitgrad.tensor(M)
    y = x.t().tril()
    assert y.is_contiguous() and y.tolist() == [[1, 0, 0], [2, 5, 0], [3, 6, 9]]
    y[0, 0] = 100.0
    assert x[0, 0].item() == 1.0


def test_tril_inplace_without_graph_writes_the_memory():
    x = jitgrad.tensor(M)
    data = x._data
    v = x._version
    assert x.triu_(1) is x
    assert x._data is data and x._version == v + 1
    assert x.tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    view = jitgrad.tensor(M)[:, 1:]
    view.tril_()
    assert view.tolist() == [[2, 0], [5, 6], [8, 9]]


def test_tril_inplace_with_graph():
    x = jitgrad.tensor(M, requires_grad=True)
    y = x * 1
    assert y.tril_() is y and type(y.grad_fn).__name__ == "TrilBackward0"
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]


def test_tril_inplace_refuses_a_leaf():
    x = jitgrad.tensor(M, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x.tril_()


def test_tril_indices_by_hand():
    assert jitgrad.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert jitgrad.triu_indices(2, 3, 1).tolist() == [[0, 0, 1], [1, 2, 2]]
    t = jitgrad.tril_indices(0, 4)
    assert t.shape == (2, 0) and t.dtype == jitgrad.int64
    t = jitgrad.triu_indices(3, 2, dtype=jitgrad.int32)
    assert t.dtype == jitgrad.int32 and t.tolist() == [[0, 0, 1], [0, 1, 1]]
    assert not jitgrad.tril_indices(2, 2).requires_grad


def test_tril_indices_select_what_tril_keeps():
    a = jitgrad.tensor(R(5, 7))
    for offset in (-6, -2, 0, 3, 9):
        for fn, op in ((jitgrad.tril_indices, jitgrad.tril), (jitgrad.triu_indices, jitgrad.triu)):
            r, c = fn(5, 7, offset)
            kept = op(a, offset).numpy() != 0
            assert kept.sum() == r.numel()
            assert np.all(kept[r.numpy(), c.numpy()])


@pytest.mark.parametrize("upper", [False, True])
def test_tril_indices_match_torch(upper):
    torch = pytest.importorskip("torch")
    name = "triu_indices" if upper else "tril_indices"
    for row in (0, 1, 3, 6):
        for col in (0, 1, 4, 6):
            for offset in (-10 ** 12, -7, -2, -1, 0, 1, 3, 8, 10 ** 12):
                got = getattr(jitgrad, name)(row, col, offset)
                want = getattr(torch, name)(row, col, offset)
                np.testing.assert_array_equal(got.numpy(), want.numpy(),
                                              err_msg=f"{row} {col} {offset}")
                assert got.shape == tuple(want.shape)


def test_flip_by_hand():
    x = jitgrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.flip(0).tolist() == [[4, 5, 6], [1, 2, 3]]
    assert jitgrad.flip(x, [0, 1]).tolist() == [[6, 5, 4], [3, 2, 1]]
    assert jitgrad.fliplr(x).tolist() == [[3, 2, 1], [6, 5, 4]]
    assert jitgrad.flipud(jitgrad.tensor([1, 2, 3])).tolist() == [3, 2, 1]
    (x.flip(1) * jitgrad.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [[100, 10, 1], [100, 10, 1]]


def test_flip_copies_and_keeps_the_memory_order_as_torch():
    x = jitgrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    y = x.flip(0)
    y[0, 0] = 9.0
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    torch = pytest.importorskip("torch")
    a = R(3, 4, 5)
    for lib_view in (lambda t: t.transpose(0, 2), lambda t: t[:, ::2], lambda t: t):
        got = lib_view(jitgrad.tensor(a)).flip(1)
        want = lib_view(torch.tensor(a)).flip(1)
        assert got.stride() == want.stride() and got.is_contiguous() == want.is_contiguous()
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_roll_by_hand():
    x = jitgrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.roll(1).tolist() == [[6, 1, 2], [3, 4, 5]]
    assert x.roll(-1, 1).tolist() == [[2, 3, 1], [5, 6, 4]]
    assert x.roll((1, 1), (0, 1)).tolist() == [[6, 4, 5], [3, 1, 2]]
    assert x.roll(4, 1).tolist() == x.roll(1, 1).tolist()
    (x.roll(1) * jitgrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert x.grad.tolist() == [[2, 3, 4], [5, 6, 1]]


def test_roll_of_empty_tensor_skips_the_dims():
    # torch copies an empty tensor before it reads the dim
    x = jitgrad.zeros(0, 3, requires_grad=True)
    y = x.roll(1, 5)
    assert y.shape == (0, 3) and type(y.grad_fn).__name__ == "RollBackward0"
    y.sum().backward()
    assert x.grad.shape == (0, 3)
    assert jitgrad.roll(jitgrad.zeros(0), 3).shape == (0,)


def test_empty_and_integer_inputs_match_torch():
    torch = pytest.importorskip("torch")
    runs = [lambda lib, t: t.tril(), lambda lib, t: t.triu(1), lambda lib, t: t.flip(0),
            lambda lib, t: t.roll(1, 1), lambda lib, t: lib.roll(t, 2),
            lambda lib, t: lib.fliplr(t)]
    for a in (np.zeros((0, 3)), np.arange(12).reshape(3, 4), np.arange(6, dtype=np.int32)
              .reshape(2, 3), np.array([[True, False], [False, True]])):
        for run in runs:
            got, want = run(jitgrad, jitgrad.tensor(a)), run(torch, torch.tensor(a))
            assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
            np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_expanded_inputs_match_torch():
    torch = pytest.importorskip("torch")
    a = R(1, 4)
    for run in (lambda lib, t: t.tril(), lambda lib, t: t.flip(0, 1), lambda lib, t: t.roll(1),
                lambda lib, t: t.roll((1, 2), (0, 1))):
        got = run(jitgrad, jitgrad.tensor(a).expand(3, 4))
        want = run(torch, torch.tensor(a).expand(3, 4))
        np.testing.assert_array_equal(got.numpy(), want.numpy())


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _x(lib):
    return lib.zeros(3, 4)


ERRORS = [
    Case("tril-1d", lambda lib: lib.tril(lib.zeros(3)), RuntimeError,
         "tril: input tensor must have at least 2 dimensions"),
    Case("triu-0d", lambda lib: lib.tensor(1.0).triu(), RuntimeError,
         "triu: input tensor must have at least 2 dimensions"),
    Case("tril_-1d", lambda lib: lib.zeros(3).tril_(), RuntimeError,
         "tril: input tensor must have at least 2 dimensions"),
    Case("tril_-leaf-before-dims", lambda lib: lib.zeros(3, requires_grad=True).tril_(),
         RuntimeError, "a leaf Variable that requires grad is being used in an in-place "
         "operation."),
    Case("tril-diagonal-float", lambda lib: lib.tril(_x(lib), 1.5), TypeError,
         "tril(): argument 'diagonal' (position 2) must be int, not float"),
    Case("triu-diagonal-bool", lambda lib: lib.triu(_x(lib), True), TypeError,
         "triu(): argument 'diagonal' (position 2) must be int, not bool"),
    Case("tril-method-diagonal-float", lambda lib: _x(lib).tril(1.5), TypeError,
         "tril(): argument 'diagonal' (position 1) must be int, not float"),
    Case("tril_-diagonal-none", lambda lib: _x(lib).tril_(None), TypeError,
         "tril_(): argument 'diagonal' (position 1) must be int, not NoneType"),
    Case("tril-diagonal-overflow", lambda lib: lib.tril(_x(lib), 10 ** 20), ValueError,
         "Overflow when unpacking long long"),
    Case("tril-not-tensor", lambda lib: lib.tril([[1.0]]), TypeError,
         "tril(): argument 'input' (position 1) must be Tensor, not list"),
    Case("tril_indices-row", lambda lib: lib.tril_indices(-1, 4), RuntimeError,
         "row must be non-negative, got-1"),
    Case("triu_indices-col", lambda lib: lib.triu_indices(3, -4), RuntimeError,
         "col must be non-negative, got-4"),
    Case("tril_indices-float-dtype", lambda lib: lib.tril_indices(3, 4, dtype=lib.float32),
         NotImplementedError, "\"tril_indices\" not implemented for 'Float'"),
    Case("triu_indices-double-dtype", lambda lib: lib.triu_indices(2, 3, dtype=lib.float64),
         NotImplementedError, "\"triu_indices\" not implemented for 'Double'"),
    Case("tril_indices-bool-dtype", lambda lib: lib.tril_indices(3, 4, dtype=lib.bool),
         NotImplementedError, "\"tril_indices\" not implemented for 'Bool'"),
    Case("tril_indices-requires-grad", lambda lib: lib.tril_indices(3, 3, requires_grad=True),
         RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"),
    Case("tril_indices-row-float", lambda lib: lib.tril_indices(3.0, 3), TypeError,
         "tril_indices(): argument 'row' (position 1) must be int, not float"),
    Case("tril_indices-row-bool", lambda lib: lib.tril_indices(True, 3), TypeError,
         "tril_indices(): argument 'row' (position 1) must be int, not bool"),
    Case("tril_indices-offset-float", lambda lib: lib.tril_indices(3, 3, 1.0), TypeError,
         "tril_indices(): argument 'offset' (position 3) must be int, not float"),
    Case("tril_indices-overflow", lambda lib: lib.tril_indices(3, 10 ** 20), ValueError,
         "Overflow when unpacking long long"),
    Case("flip-int-dims", lambda lib: lib.flip(_x(lib), 0), TypeError,
         "flip(): argument 'dims' (position 2) must be tuple of ints, not int"),
    Case("flip-none", lambda lib: lib.flip(_x(lib), None), TypeError,
         "flip(): argument 'dims' (position 2) must be tuple of ints, not NoneType"),
    Case("flip-float-element", lambda lib: lib.flip(_x(lib), [1.0]), TypeError,
         "flip(): argument 'dims' (position 2) must be tuple of ints, but found element of "
         "type float at pos 0"),
    Case("flip-method-float", lambda lib: _x(lib).flip(1.0), TypeError,
         "flip(): argument 'dims' (position 1) must be tuple of ints, not float"),
    Case("flip-method-bool", lambda lib: _x(lib).flip(True), TypeError,
         "flip(): argument 'dims' (position 1) must be tuple of ints, not bool"),
    Case("flip-method-no-dims", lambda lib: _x(lib).flip(), TypeError,
         'flip() missing 1 required positional arguments: "dims"'),
    Case("flip-repeated", lambda lib: lib.flip(_x(lib), (1, -1)), RuntimeError,
         "dim 1 appears multiple times in the list of dims"),
    Case("flip-range", lambda lib: lib.flip(_x(lib), (2,)), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    Case("fliplr-1d", lambda lib: lib.fliplr(lib.zeros(3)), RuntimeError,
         "Input must be >= 2-d."),
    Case("flipud-0d", lambda lib: lib.flipud(lib.tensor(1.0)), RuntimeError,
         "Input must be >= 1-d."),
    Case("fliplr-not-tensor", lambda lib: lib.fliplr([1]), TypeError,
         "fliplr(): argument 'input' (position 1) must be Tensor, not list"),
    Case("roll-shifts-required", lambda lib: lib.roll(_x(lib), ()), RuntimeError,
         "`shifts` required"),
    Case("roll-align", lambda lib: lib.roll(_x(lib), (1, 2), 0), RuntimeError,
         "shifts and dimensions must align. shifts: 2, dims:1"),
    Case("roll-align-no-dims", lambda lib: lib.roll(_x(lib), (1, 2)), RuntimeError,
         "shifts and dimensions must align. shifts: 2, dims:0"),
    Case("roll-align-empty-tensor", lambda lib: lib.roll(lib.zeros(0, 3), (1, 2), 5),
         RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    Case("roll-range", lambda lib: lib.roll(_x(lib), 1, 5), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    Case("roll-second-dim-range", lambda lib: _x(lib).roll((1, 1), (0, -3)), IndexError,
         "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    Case("roll-0d-dim", lambda lib: lib.roll(lib.tensor(1.0), 1, -1), IndexError,
         "Dimension specified as -1 but tensor has no dimensions"),
    Case("roll-shifts-float", lambda lib: lib.roll(_x(lib), 1.0), TypeError,
         "roll(): argument 'shifts' (position 2) must be tuple of ints, not float"),
    Case("roll-shifts-bool", lambda lib: _x(lib).roll(True), TypeError,
         "roll(): argument 'shifts' (position 1) must be tuple of ints, not bool"),
    Case("roll-shifts-element", lambda lib: _x(lib).roll([1.0]), TypeError,
         "roll(): argument 'shifts' (position 1) must be tuple of ints, but found element of "
         "type float at pos 0"),
    Case("roll-dims-float", lambda lib: lib.roll(_x(lib), 1, 1.0), TypeError,
         "roll(): argument 'dims' (position 3) must be tuple of ints, not float"),
    Case("roll-shift-overflow", lambda lib: lib.roll(_x(lib), 10 ** 20), ValueError,
         "Overflow when unpacking long long"),
]
test_error, test_error_is_torchs = error_tests(ERRORS)
