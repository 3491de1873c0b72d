"""torch's legacy typed constructors: ``FloatTensor``, ``DoubleTensor``,
``LongTensor``, ``IntTensor``, ``BoolTensor``.

``jitgrad.LongTensor([1, 2])`` makes a tensor of that dtype from data,
``jitgrad.FloatTensor(2, 3)`` an uninitialised one of that size, and
``isinstance(x, jitgrad.FloatTensor)`` asks whether x is a float32 tensor,
as in torch (where these are ``torch.tensortype`` classes).
"""
import numpy as np

from . import dtypes, messages
from .tensor import Size, Tensor

_SIGNATURES = ["(*, jitgrad.device device = None)", "(jitgrad.Storage storage)",
               "(Tensor other)", "(tuple of ints size, *, jitgrad.device device = None)",
               "(object data, *, jitgrad.device device = None)"]


def _options(dtype):
    return (f"TensorOptions(dtype={dtype._c_name}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


class tensortype(type):
    """The metaclass: an instance check is a dtype check."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'jitgrad.{cls.__name__}'>"


class _LegacyTensor(metaclass=tensortype):
    dtype = None

    def __new__(cls, *args, device=None, **kwargs):
        from .device import check_device
        from .factories import empty, tensor
        if kwargs:
            got = "(" + ", ".join([type(a).__name__ for a in args] +
                                  [f"{k}={type(v).__module__.split('.')[0]}.{type(v).__name__}"
                                   for k, v in kwargs.items()]) + ")"
            options = [(s, None) for s in _SIGNATURES]
            options[0] = (_SIGNATURES[0], "some of the keywords were incorrect: " +
                          ", ".join(kwargs))
            raise TypeError(messages.invalid_combination("new", got, options))
        if device is not None:
            check_device(device)
        if not args:
            return empty(0, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Tensor):
            other = args[0]
            if other.dtype is not cls.dtype:
                raise TypeError(f"expected {_options(cls.dtype)} (got {_options(other.dtype)})")
            return other.detach()          # torch: an alias of the same storage
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or \
                len(args) == 1 and isinstance(args[0], Size):
            sizes = args[0] if isinstance(args[0], Size) else args
            return empty(*sizes, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], str):
            raise TypeError("new(): invalid data type 'str'")
        return tensor(args[0] if len(args) == 1 else list(args), dtype=cls.dtype)


def _legacy(name, dtype):
    return tensortype(name, (_LegacyTensor,), {"dtype": dtype, "__module__": "jitgrad"})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)
