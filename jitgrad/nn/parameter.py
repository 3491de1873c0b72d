"""``nn.Parameter``: a leaf Tensor that a Module registers as its parameter."""
import numpy as np

from ..tensor import Tensor, _init


class Parameter(Tensor):
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        return object.__new__(cls)

    def __init__(self, data=None, requires_grad=True):
        arr = np.empty(0, np.float32) if data is None else data._data
        _init(self, arr)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("jitgrad tensors are saved with jitgrad.save, not pickle")


class Buffer:
    """``nn.Buffer(tensor, persistent=True)``: marks a tensor to register as a buffer."""

    def __init__(self, data, *, persistent=True):
        self.data = data
        self.persistent = persistent
