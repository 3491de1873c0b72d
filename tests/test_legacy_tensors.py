"""torch's legacy typed constructors (FloatTensor, DoubleTensor, LongTensor,
IntTensor, BoolTensor): data, sizes, aliases, instance checks, ``Tensor.type``
and torch's errors."""
from collections import namedtuple

import numpy as np
import pytest

import jitgrad
from helpers import error_tests

NAMES = {"FloatTensor": jitgrad.float32, "DoubleTensor": jitgrad.float64,
         "LongTensor": jitgrad.int64, "IntTensor": jitgrad.int32, "BoolTensor": jitgrad.bool}

# (id, fn(lib)) whose results must equal torch's (values, dtype, shape)
CALLS = [
    ("float-list", lambda lib: lib.FloatTensor([1, 2.5])),
    ("long-truncates", lambda lib: lib.LongTensor([1.7, -2.2])),
    ("int-nested", lambda lib: lib.IntTensor([[1, 2], [3, 4]])),
    ("bool-list", lambda lib: lib.BoolTensor([1, 0, 2])),
    ("double-tuple-is-data", lambda lib: lib.DoubleTensor((2, 3))),
    ("double-numpy", lambda lib: lib.DoubleTensor(np.arange(3.0))),
    ("float-same-dtype-tensor", lambda lib: lib.FloatTensor(lib.ones(2))),
    ("type-class", lambda lib: lib.tensor([1.5, 2.5]).type(lib.LongTensor)),
    ("type-string", lambda lib: lib.tensor([1, 2]).type("torch.DoubleTensor")),
]


@pytest.mark.parametrize("name,fn", CALLS, ids=[c[0] for c in CALLS])
def test_matches_torch(name, fn):
    torch = pytest.importorskip("torch")
    got, want = fn(jitgrad), fn(torch)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", sorted(NAMES))
def test_sizes_data_and_instance_checks(name):
    cls = getattr(jitgrad, name)
    assert cls(2, 3).shape == (2, 3) and cls(2, 3).dtype is NAMES[name]
    assert cls(4).shape == (4,)                     # one int: a size, not data
    assert cls(jitgrad.Size([1, 2])).shape == (1, 2)
    assert cls().shape == (0,)
    assert cls([1, 0]).dtype is NAMES[name]
    for other, dtype in NAMES.items():
        assert isinstance(jitgrad.zeros(2, dtype=dtype), cls) == (other == name)
    assert not isinstance(np.zeros(2), cls)
    assert repr(cls) == f"<class 'jitgrad.{name}'>"


def test_same_dtype_tensor_is_an_alias():
    x = jitgrad.zeros(3)
    y = jitgrad.FloatTensor(x)
    y[0] = 5.0
    assert x[0].item() == 5.0


def _mismatch(lib):
    return lib.FloatTensor(lib.zeros(2, dtype=lib.float64))


Case = namedtuple("Case", "id run exc message")
ERRORS = [
    Case("other-dtype", _mismatch, TypeError,
         "expected TensorOptions(dtype=float, device=cpu, layout=Strided, "
         "requires_grad=false (default), pinned_memory=false (default), "
         "memory_format=(nullopt)) (got TensorOptions(dtype=double, device=cpu, "
         "layout=Strided, requires_grad=false (default), pinned_memory=false (default), "
         "memory_format=(nullopt)))"),
    Case("string", lambda lib: lib.LongTensor("a"), TypeError, "new(): invalid data type 'str'"),
    Case("dtype-keyword", lambda lib: lib.FloatTensor([1, 2], dtype=lib.float64), TypeError,
         "new() received an invalid combination of arguments - got (list, "
         "dtype=jitgrad.dtype), but expected one of:\n"
         " * (*, jitgrad.device device = None)\n"
         "      didn't match because some of the keywords were incorrect: dtype\n"
         " * (jitgrad.Storage storage)\n * (Tensor other)\n"
         " * (tuple of ints size, *, jitgrad.device device = None)\n"
         " * (object data, *, jitgrad.device device = None)\n"),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
