"""The traced graph: values and the primitive ops that produce them.

A trace records what the op table's rules (``rules.py``) emit for each
tensor op the function ran. The primitives are few, so autodiff, fusion
and code generation each have one rule per primitive:

- ``ew``: one element of the output from the same element of each input
  (inputs broadcast to the output's shape). ``attrs["expr"]`` is a scalar
  expression over ``{0}``, ``{1}``... (the inputs), read from the op table.
- ``sum`` / ``amax``: a reduction over ``attrs["axes"]`` (keepdim shape).
- ``matmul``: a 2-d matrix product (BLAS).
- ``view``: a strided view of one input (reshape, transpose, expand,
  slicing with steps); no data moves.
- ``stack``, ``onehot``: rows stacked on a new axis; one-hot rows of class targets.
- ``extern`` / ``extern_vjp``: a call of an eager op without a lowering rule
  (convolution, pooling, normalisation...) and of its eager backward
  (``extern.py``); they may have several results (``attrs["outs"]``).

Every value is a C-contiguous buffer of ``numel`` elements unless it is a
view, which names its base buffer, strides and offset in elements.
"""
import functools

import numpy as np


class Value:
    __slots__ = ("id", "shape", "dtype", "requires_grad", "op", "view", "name")

    def __init__(self, vid, shape, dtype, requires_grad=False, op=None, view=None, name=None):
        self.id = vid
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.requires_grad = requires_grad
        self.op = op            # the Op that produced it; None for graph inputs
        self.view = view        # (base value, strides, offset) for a view
        self.name = name

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __repr__(self):
        return f"%{self.id}:{self.dtype.name}{list(self.shape)}"


class Op:
    __slots__ = ("kind", "inputs", "attrs", "out", "line")

    def __init__(self, kind, inputs, attrs, out, line=None):
        self.kind = kind
        self.inputs = inputs      # Values
        self.attrs = attrs
        self.out = out
        self.line = line          # the user's source line that ran the op

    def __repr__(self):
        args = ", ".join(map(repr, self.inputs))
        extra = self.attrs.get("expr") or self.attrs.get("name") or ""
        detail = {k: v for k, v in self.attrs.items()
                  if k not in ("expr", "name", "grad", "outs", "forward")}
        return f"{self.out!r} = {self.kind}({args}) {extra} {detail if detail else ''}".rstrip()


@functools.lru_cache(maxsize=4096)
def contiguous_strides(shape):
    strides = []
    step = 1
    for d in reversed(shape):
        strides.append(step if d != 1 else 0)
        step *= d
    return tuple(reversed(strides))


def broadcast_strides(value_shape, value_strides, out_shape):
    """``value``'s strides (in elements) when read at each index of ``out_shape``."""
    pad = len(out_shape) - len(value_shape)
    strides = [0] * pad
    for d, s in zip(value_shape, value_strides):
        strides.append(0 if d == 1 else s)
    return tuple(strides)


class Graph:
    """Values and ops in execution order. ``inputs``: values read from
    tensors at each call (the function's tensor arguments, then tensors it
    read from closures, globals and modules), with where to read them."""

    def __init__(self):
        self.ops = []
        self.values = []
        self.inputs = []          # (Value, source): source is ("arg", i) or ("live", tensor)

    def new_value(self, shape, dtype, requires_grad=False, op=None, view=None, name=None):
        v = Value(len(self.values), shape, dtype, requires_grad, op, view, name)
        self.values.append(v)
        return v

    def emit(self, kind, inputs, attrs, shape, dtype, requires_grad=False, line=None):
        out = self.new_value(shape, dtype, requires_grad)
        op = Op(kind, list(inputs), attrs, out, line)
        out.op = op
        if kind == "view":
            base = inputs[0]
            out.view = (base, attrs["strides"], attrs["offset"])
        self.ops.append(op)
        return out

    def dump(self):
        lines = [f"inputs: {', '.join(repr(v) for v, _ in self.inputs)}"]
        lines += [f"  {op!r}" + (f"    # {op.line}" if op.line else "") for op in self.ops]
        return "\n".join(lines)
