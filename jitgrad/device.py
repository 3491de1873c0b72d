"""The one device jitgrad has: the CPU. Other devices fail clearly."""
from . import dtypes


class device:
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        name, _, idx = type.partition(":")
        if name != "cpu":
            raise RuntimeError(f"jitgrad runs on the CPU only; device '{type}' is not available")
        self.type = "cpu"
        self.index = int(idx) if idx else index

    def __repr__(self):
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self):
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type

    def __hash__(self):
        return hash(self.type)


cpu = device("cpu")


def check_device(d):
    if d is not None and not isinstance(d, device):
        device(d)


def to(t, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """``Tensor.to(dtype)``, ``.to(device)``, ``.to(device, dtype)``, ``.to(other)``."""
    from .ops.elementwise import cast
    from .tensor import Tensor
    for a in args:
        if isinstance(a, dtypes.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        else:
            check_device(a)
    check_device(device)
    out = t if dtype is None else cast(t, dtypes.to_dtype(dtype).numpy)
    if copy and out is t:
        out = t.clone()
    return out
