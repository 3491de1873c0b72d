"""torch's type promotion for the binary ops + - * / **.

``TABLES`` holds, per operator, the result dtype torch 2.13 gives for
``left OP right`` with rows = left operand and columns = right operand.
Operand kinds:

    tb ti32 ti64 tf32 tf64   tensors with dims (shape (3,)) of bool/int32/int64/float32/float64
    zb zi32 zi64 zf32 zf64   0-d tensors of those dtypes
    sb si sf                 Python scalars: True, 2, 2.5

Cells: a dtype (b i32 i64 f32 f64); ``.`` where neither operand is a tensor
(not a tensor op, not tested); ``E1``/``E2``/``EP`` where torch raises (see
``ERRORS``) -- there jitgrad must raise the same exception and message.

``test_result_dtype`` and ``test_raises_like_torch`` check jitgrad against the
literal table (no torch needed); ``test_table_is_torchs`` checks the table
itself against torch, and ``test_values_match_torch`` compares the computed
values with torch's.
"""
import operator

import numpy as np
import pytest

import jitgrad

KINDS = ("tb", "ti32", "ti64", "tf32", "tf64",
         "zb", "zi32", "zi64", "zf32", "zf64",
         "sb", "si", "sf")

TABLES = {
    "+": """
          tb  ti32  ti64  tf32  tf64    zb  zi32  zi64  zf32  zf64    sb    si    sf
    tb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     b   i64   f32
  ti32   i32   i32   i64   f32   f64   i32   i32   i32   f32   f64   i32   i32   f32
  ti64   i64   i64   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  tf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f32   f32   f32   f32
  tf64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64
    zb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     b   i64   f32
  zi32   i32   i32   i64   f32   f64   i32   i32   i64   f32   f64   i32   i32   f32
  zi64   i64   i32   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  zf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zf64   f64   f64   f64   f32   f64   f64   f64   f64   f64   f64   f64   f64   f64
    sb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     .     .     .
    si   i64   i32   i64   f32   f64   i64   i32   i64   f32   f64     .     .     .
    sf   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
""",
    "-": """
          tb  ti32  ti64  tf32  tf64    zb  zi32  zi64  zf32  zf64    sb    si    sf
    tb    E2    E1    E1    E1    E1    E2    E1    E1    E1    E1    E2    E1    E1
  ti32    E1   i32   i64   f32   f64    E1   i32   i32   f32   f64    E1   i32   f32
  ti64    E1   i64   i64   f32   f64    E1   i64   i64   f32   f64    E1   i64   f32
  tf32    E1   f32   f32   f32   f64    E1   f32   f32   f32   f32    E1   f32   f32
  tf64    E1   f64   f64   f64   f64    E1   f64   f64   f64   f64    E1   f64   f64
    zb    E2    E1    E1    E1    E1    E2    E1    E1    E1    E1    E2    E1    E1
  zi32    E1   i32   i64   f32   f64    E1   i32   i64   f32   f64    E1   i32   f32
  zi64    E1   i32   i64   f32   f64    E1   i64   i64   f32   f64    E1   i64   f32
  zf32    E1   f32   f32   f32   f64    E1   f32   f32   f32   f64    E1   f32   f32
  zf64    E1   f64   f64   f32   f64    E1   f64   f64   f64   f64    E1   f64   f64
    sb    E2    E1    E1    E1    E1    E2    E1    E1    E1    E1     .     .     .
    si    E1   i32   i64   f32   f64    E1   i32   i64   f32   f64     .     .     .
    sf    E1   f32   f32   f32   f64    E1   f32   f32   f32   f64     .     .     .
""",
    "*": """
          tb  ti32  ti64  tf32  tf64    zb  zi32  zi64  zf32  zf64    sb    si    sf
    tb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     b   i64   f32
  ti32   i32   i32   i64   f32   f64   i32   i32   i32   f32   f64   i32   i32   f32
  ti64   i64   i64   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  tf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f32   f32   f32   f32
  tf64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64
    zb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     b   i64   f32
  zi32   i32   i32   i64   f32   f64   i32   i32   i64   f32   f64   i32   i32   f32
  zi64   i64   i32   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  zf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zf64   f64   f64   f64   f32   f64   f64   f64   f64   f64   f64   f64   f64   f64
    sb     b   i32   i64   f32   f64     b   i32   i64   f32   f64     .     .     .
    si   i64   i32   i64   f32   f64   i64   i32   i64   f32   f64     .     .     .
    sf   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
""",
    "/": """
          tb  ti32  ti64  tf32  tf64    zb  zi32  zi64  zf32  zf64    sb    si    sf
    tb   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  ti32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  ti64   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  tf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f32   f32   f32   f32
  tf64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64
    zb   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zi32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zi64   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zf64   f64   f64   f64   f32   f64   f64   f64   f64   f64   f64   f64   f64   f64
    sb   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
    si   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
    sf   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
""",
    "**": """
          tb  ti32  ti64  tf32  tf64    zb  zi32  zi64  zf32  zf64    sb    si    sf
    tb    EP   i32   i64   f32   f64    EP   i32   i64   f32   f64     b   i64   f32
  ti32   i32   i32   i64   f32   f64   i32   i32   i32   f32   f64   i32   i32   f32
  ti64   i64   i64   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  tf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f32   f32   f32   f32
  tf64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64   f64
    zb    EP   i32   i64   f32   f64    EP   i32   i64   f32   f64     b   i64   f32
  zi32   i32   i32   i64   f32   f64   i32   i32   i64   f32   f64   i32   i32   f32
  zi64   i64   i32   i64   f32   f64   i64   i64   i64   f32   f64   i64   i64   f32
  zf32   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64   f32   f32   f32
  zf64   f64   f64   f64   f32   f64   f64   f64   f64   f64   f64   f64   f64   f64
    sb    EP   i32   i64   f32   f64    EP   i32   i64   f32   f64     .     .     .
    si   i64   i32   i64   f32   f64   i64   i32   i64   f32   f64     .     .     .
    sf   f32   f32   f32   f32   f64   f32   f32   f32   f32   f64     .     .     .
""",
}

ERRORS = {
    "E1": (RuntimeError, "Subtraction, the `-` operator, with a bool tensor is not supported. "
                         "If you are trying to invert a mask, use the `~` or `logical_not()` "
                         "operator instead."),
    "E2": (RuntimeError, "Subtraction, the `-` operator, with two bool tensors is not "
                         "supported. Use the `^` or `logical_xor()` operator instead."),
    "EP": (NotImplementedError, "\"pow\" not implemented for 'Bool'"),
}

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "**": operator.pow}
OP_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}
DTYPE_NAMES = {"b": "bool", "i32": "int32", "i64": "int64", "f32": "float32", "f64": "float64"}


def _parse(grid):
    lines = [ln.split() for ln in grid.strip().splitlines()]
    header = tuple(lines[0])
    assert header == KINDS, header
    table = {}
    for row in lines[1:]:
        assert len(row) == len(KINDS) + 1, row
        for col, cell in zip(KINDS, row[1:]):
            table[(row[0], col)] = cell
    assert {r for r, _ in table} == set(KINDS)
    return table


PARSED = {op: _parse(grid) for op, grid in TABLES.items()}


def operand(lib, kind):
    """Operand values keep every op defined: no zeros, positive exponents."""
    k, d = kind[0], kind[1:]
    if k == "s":
        return {"b": True, "i": 2, "f": 2.5}[d]
    dtype = getattr(lib, DTYPE_NAMES[d])
    if k == "t":
        return lib.tensor([True] * 3 if d == "b" else [1, 2, 3], dtype=dtype)
    return lib.tensor(True if d == "b" else 2, dtype=dtype)


def _cases(want):
    out = []
    for op, table in PARSED.items():
        for (a, b), cell in table.items():
            if cell == ".":
                continue
            if want == "all" or (want == "err") == cell.startswith("E"):
                out.append(pytest.param(op, a, b, cell, id=f"{a}{op}{b}"))
    return out


DTYPE_CASES = _cases("ok")
ERROR_CASES = _cases("err")
ALL_CASES = _cases("all")


def _expected_dtype(lib, cell):
    return getattr(lib, DTYPE_NAMES[cell])


# ---------------------------------------------------------------- jitgrad vs the table

@pytest.mark.parametrize("op, a, b, cell", DTYPE_CASES)
def test_result_dtype(op, a, b, cell):
    r = OPS[op](operand(jitgrad, a), operand(jitgrad, b))
    assert r.dtype is _expected_dtype(jitgrad, cell)
    shape = (3,) if "t" in (a[0], b[0]) else ()
    assert r.shape == shape


def _has_gradient_to_check(op, a, b):
    """A float tensor operand exists, and torch can differentiate the case
    (its pow backward fails with a bool exponent tensor or a Python-bool base)."""
    if not any(v[0] in "tz" and v[1] == "f" for v in (a, b)):    # a float tensor
        return False
    return not (op == "**" and (a in ("tb", "zb", "sb") or b in ("tb", "zb")))


GRAD_CASES = [c for c in DTYPE_CASES if _has_gradient_to_check(*c.values[:3])]


@pytest.mark.parametrize("libname", ["jitgrad", "torch"])
@pytest.mark.parametrize("op, a, b, cell", GRAD_CASES)
def test_result_dtype_with_requires_grad(op, a, b, cell, libname):
    """Promotion does not depend on autograd: float operands that require grad
    give the same dtype, and each input's gradient comes back in its dtype."""
    lib = jitgrad if libname == "jitgrad" else pytest.importorskip("torch")
    x, y = operand(lib, a), operand(lib, b)
    grads = [v for v in (x, y) if isinstance(v, lib.Tensor) and v.dtype.is_floating_point]
    for v in grads:
        v.requires_grad_()
    r = OPS[op](x, y)
    assert r.dtype is _expected_dtype(lib, cell)
    r.sum().backward()
    for v in grads:
        assert v.grad.dtype is v.dtype
        assert v.grad.shape == v.shape


@pytest.mark.parametrize("op, a, b, cell", ERROR_CASES)
def test_raises_like_torch(op, a, b, cell):
    exc, msg = ERRORS[cell]
    with pytest.raises(exc) as info:
        OPS[op](operand(jitgrad, a), operand(jitgrad, b))
    assert type(info.value) is exc
    assert str(info.value) == msg


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
@pytest.mark.parametrize("a, b", [("ti32", "sf"), ("tf32", "zf64"), ("ti64", "zi32"),
                                  ("tf64", "ti32"), ("ti32", "si")])
def test_function_forms_promote_like_operators(op, a, b):
    fn = getattr(jitgrad, OP_NAMES[op])
    r = fn(operand(jitgrad, a), operand(jitgrad, b))
    assert r.dtype is _expected_dtype(jitgrad, PARSED[op][(a, b)])


# ---------------------------------------------------------------- named examples

def test_int_division_gives_float32():
    r = jitgrad.tensor([1, 2, 3]) / jitgrad.tensor([2, 2, 2])
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [0.5, 1.0, 1.5]
    r = jitgrad.tensor([1, 2], dtype=jitgrad.int32) / 2
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [0.5, 1.0]
    r = 1 / jitgrad.tensor([2, 4])
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [0.5, 0.25]


def test_float32_times_python_float_stays_float32():
    r = jitgrad.tensor([1., 2.]) * 2.5
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [2.5, 5.0]


def test_int64_times_python_float_is_float32():
    r = jitgrad.tensor([1, 2]) * 2.5
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [2.5, 5.0]


def test_float32_dims_plus_float64_0d_is_float32():
    r = jitgrad.tensor([1., 2., 3.]) + jitgrad.tensor(0.5, dtype=jitgrad.float64)
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [1.5, 2.5, 3.5]


def test_int32_plus_python_int_is_int32():
    r = jitgrad.tensor([1, 2], dtype=jitgrad.int32) + 3
    assert r.dtype is jitgrad.int32
    assert r.tolist() == [4, 5]


def test_int32_dims_plus_int64_0d_is_int32():
    r = jitgrad.tensor([1, 2], dtype=jitgrad.int32) + jitgrad.tensor(3)
    assert r.dtype is jitgrad.int32
    assert r.tolist() == [4, 5]


def test_bool_plus_python_int_is_int64():
    r = jitgrad.tensor([True, False]) + 1
    assert r.dtype is jitgrad.int64
    assert r.tolist() == [2, 1]


def test_int_pow_float_is_float32():
    r = jitgrad.tensor([4, 9]) ** 0.5
    assert r.dtype is jitgrad.float32
    assert r.tolist() == [2.0, 3.0]


@pytest.mark.parametrize("make", [
    lambda t: t.tensor([1, 2]) ** -1,
    lambda t: t.tensor([1, 2], dtype=t.int32) ** -2,
    lambda t: t.tensor(3) ** -1,
    lambda t: t.tensor([True]) ** -1,
], ids=["int64", "int32", "int64_0d", "bool"])
def test_int_pow_negative_python_int_raises(make):
    with pytest.raises(RuntimeError) as info:
        make(jitgrad)
    assert str(info.value) == "Integers to negative integer powers are not allowed."


# ---------------------------------------------------------------- default dtype

def _with_default_float64(lib, fn):
    old = lib.get_default_dtype()
    lib.set_default_dtype(lib.float64)
    try:
        return fn()
    finally:
        lib.set_default_dtype(old)


# Operands of shape (7,) so that jitgrad's per-shape plans are distinct from the
# ones other tests build. Each case runs under float32, then float64, then
# float32 again: the default dtype must take effect every time, whatever a
# previous call of the same shapes computed.
DEFAULT_DTYPE_CASES = [
    # (id, make, dtype under float32 default, dtype under float64 default)
    ("int_div_int", lambda t: t.arange(1, 8) / t.arange(1, 8), "float32", "float64"),
    ("int64_mul_float", lambda t: t.arange(7) * 2.5, "float32", "float64"),
    ("int64_0d_mul_float", lambda t: t.tensor(7) * 2.5, "float32", "float64"),
    ("bool_add_float", lambda t: t.ones(7, dtype=t.bool) + 2.5, "float32", "float64"),
    ("float32_mul_float", lambda t: t.ones(7, dtype=t.float32) * 2.5, "float32", "float32"),
    ("float32_add_0d_default_float", lambda t: t.ones(7, dtype=t.float32) + t.tensor(2.),
     "float32", "float32"),
    ("int32_pow_float", lambda t: t.arange(7, dtype=t.int32) ** 0.5, "float32", "float64"),
    ("tensor_of_floats", lambda t: t.tensor([1.] * 7), "float32", "float64"),
    ("arange_float", lambda t: t.arange(7.), "float32", "float64"),
]


def _check_default_dtype(lib, make, dt32, dt64):
    assert lib.get_default_dtype() is lib.float32
    assert make(lib).dtype is getattr(lib, dt32)
    got64 = _with_default_float64(lib, lambda: make(lib).dtype)
    assert lib.get_default_dtype() is lib.float32
    assert got64 is getattr(lib, dt64), "under set_default_dtype(float64)"
    assert make(lib).dtype is getattr(lib, dt32), "back under float32"


@pytest.mark.parametrize("make, dt32, dt64", [c[1:] for c in DEFAULT_DTYPE_CASES],
                         ids=[c[0] for c in DEFAULT_DTYPE_CASES])
def test_default_dtype(make, dt32, dt64):
    _check_default_dtype(jitgrad, make, dt32, dt64)


@pytest.mark.parametrize("make, dt32, dt64", [c[1:] for c in DEFAULT_DTYPE_CASES],
                         ids=[c[0] for c in DEFAULT_DTYPE_CASES])
def test_default_dtype_torch_oracle(make, dt32, dt64):
    torch = pytest.importorskip("torch")
    _check_default_dtype(torch, make, dt32, dt64)


# ---------------------------------------------------------------- numpy scalars
# torch treats numpy floating and integer scalars like Python floats and ints
# (np.bool_, oddly, like a Python float). Rows: tensor with dims; columns:
# np.float64(2.5) np.float32(2.5) np.int64(2) np.int32(2) np.bool_(True).
NUMPY_SCALARS = ("nf64", "nf32", "ni64", "ni32", "nb")
NUMPY_TABLE = """
          nf64  nf32  ni64  ni32    nb
    tb     f32   f32   i64   i64   f32
  ti32     f32   f32   i32   i32   f32
  ti64     f32   f32   i64   i64   f32
  tf32     f32   f32   f32   f32   f32
  tf64     f64   f64   f64   f64   f64
"""


def _numpy_scalar(kind):
    return {"nf64": np.float64(2.5), "nf32": np.float32(2.5), "ni64": np.int64(2),
            "ni32": np.int32(2), "nb": np.bool_(True)}[kind]


def _numpy_cases():
    lines = [ln.split() for ln in NUMPY_TABLE.strip().splitlines()]
    assert tuple(lines[0]) == NUMPY_SCALARS
    out = []
    for row in lines[1:]:
        for col, cell in zip(NUMPY_SCALARS, row[1:]):
            for op in ("+", "*"):
                for order in ("ts", "st"):
                    out.append(pytest.param(op, row[0], col, order, cell,
                                            id=f"{row[0]}{op}{col}" if order == "ts"
                                            else f"{col}{op}{row[0]}"))
    return out


NUMPY_CASES = _numpy_cases()


def _numpy_op(lib, op, t_kind, s_kind, order):
    t, s = operand(lib, t_kind), _numpy_scalar(s_kind)
    return OPS[op](t, s) if order == "ts" else OPS[op](s, t)


@pytest.mark.parametrize("op, t_kind, s_kind, order, cell", NUMPY_CASES)
def test_numpy_scalar_operand(op, t_kind, s_kind, order, cell):
    r = _numpy_op(jitgrad, op, t_kind, s_kind, order)
    assert isinstance(r, jitgrad.Tensor)
    assert r.dtype is _expected_dtype(jitgrad, cell)


@pytest.mark.parametrize("op, t_kind, s_kind, order, cell", NUMPY_CASES)
def test_numpy_scalar_table_is_torchs(op, t_kind, s_kind, order, cell):
    torch = pytest.importorskip("torch")
    r = _numpy_op(torch, op, t_kind, s_kind, order)
    assert r.dtype is _expected_dtype(torch, cell)


# ---------------------------------------------------------------- torch oracle

@pytest.mark.parametrize("op, a, b, cell", ALL_CASES)
def test_table_is_torchs(op, a, b, cell):
    torch = pytest.importorskip("torch")
    x, y = operand(torch, a), operand(torch, b)
    if cell.startswith("E"):
        exc, msg = ERRORS[cell]
        with pytest.raises(exc) as info:
            OPS[op](x, y)
        assert type(info.value) is exc
        assert str(info.value) == msg
    else:
        assert OPS[op](x, y).dtype is _expected_dtype(torch, cell)


@pytest.mark.parametrize("op, a, b, cell", DTYPE_CASES)
def test_values_match_torch(op, a, b, cell):
    torch = pytest.importorskip("torch")
    got = OPS[op](operand(jitgrad, a), operand(jitgrad, b))
    want = OPS[op](operand(torch, a), operand(torch, b))
    g, w = np.asarray(got), want.numpy()
    assert g.dtype == w.dtype
    assert g.shape == w.shape
    np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda t: t.tensor([1, 2]) ** -1,
    lambda t: t.tensor([1, 2], dtype=t.int32) ** -2,
    lambda t: t.tensor(3) ** -1,
    lambda t: t.tensor([True]) ** -1,
], ids=["int64", "int32", "int64_0d", "bool"])
def test_int_pow_negative_python_int_raises_torch_oracle(make):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as info:
        make(torch)
    assert str(info.value) == "Integers to negative integer powers are not allowed."
