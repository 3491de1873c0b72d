"""Emitting primitives into a graph, with their shape and dtype rules.

The rules that lower tensor ops (``rules.py``) and autodiff
(``autodiff.py``) both build graphs through these functions only.
"""
import numpy as np

from .ir import Value, contiguous_strides


def dtype_name(dtype):
    return f"np.{np.dtype(dtype).name}"


def literal(value, dtype):
    """A Python number as a constant of ``dtype`` in generated code (a bare
    float literal would promote float32 code to float64)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return "True" if value else "False"
    if dtype.kind == "f":
        value = float(value)
        if value != value:
            return f"{dtype_name(dtype)}(np.nan)"
        if value in (float("inf"), float("-inf")):
            return f"{dtype_name(dtype)}({'-' if value < 0 else ''}np.inf)"
        return f"{dtype_name(dtype)}({value!r})"
    return f"{dtype_name(dtype)}({int(value)})"


def broadcast_shapes(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


def ew(graph, expr, inputs, dtype, shape=None, requires_grad=False, line=None):
    """One elementwise op: ``expr`` over ``{0}``, ``{1}``... (the inputs,
    cast to ``dtype`` where they differ)."""
    if shape is None:
        shape = broadcast_shapes(*(v.shape for v in inputs))
    elif broadcast_shapes(shape, *(v.shape for v in inputs)) != tuple(shape):
        # (the generated loop would read past an operand's end)
        raise ValueError(f"operands of shapes {[v.shape for v in inputs]} do not broadcast "
                         f"to the op's shape {tuple(shape)}")
    dtype = np.dtype(dtype)
    casts = [v.dtype != dtype and dtype.kind != "b" for v in inputs]
    if any(casts):
        names = [f"{dtype_name(dtype)}({{{i}}})" if c else f"{{{i}}}" for i, c in enumerate(casts)]
        expr = expr.format(*names)
    return graph.emit("ew", inputs, {"expr": expr}, shape, dtype, requires_grad, line)


def template_ew(graph, template, bind, dtype, shape=None, requires_grad=False, line=None,
                **attrs):
    """An elementwise op whose scalar code is ``template`` over named slots
    (``{self}``, ``{grad}``...); ``bind`` gives each slot a Value or a Python
    number (a constant). The fused kernels substitute the slots; the tape
    interpreter has one instruction per template."""
    inputs, texts, args = [], {}, {}
    for slot, x in bind.items():
        if isinstance(x, Value):
            if x not in inputs:
                inputs.append(x)
            k = inputs.index(x)
            texts[slot] = "{%d}" % k
            args[slot] = ("in", k)
        else:
            texts[slot] = literal(x, dtype)
            args[slot] = ("const", x)
    expr = template.format(**texts)
    out = ew(graph, expr, inputs, dtype, shape, requires_grad, line)
    out.op.attrs.update(template=template, args=args, **attrs)
    return out


def table_ew(graph, name, operands, dtype, shape=None, requires_grad=False, line=None):
    """Op ``name`` of the table (or a composite elementwise op) on operands
    (Values or numbers), in the order of its slots."""
    from .formulas import slots_of
    slots = slots_of(name)
    bind = dict(zip(slots, operands))
    template = f"S.{name}({', '.join('{' + s + '}' for s in slots)})"
    return template_ew(graph, template, bind, dtype, shape, requires_grad, line, name=name)


def reduce(graph, kind, v, axes, keepdim, requires_grad=False, line=None, dtype=None):
    """``sum`` or ``amax`` of ``v`` over ``axes`` (the keepdim shape is the
    op's; without keepdim a view drops the reduced axes)."""
    axes = tuple(sorted(a % len(v.shape) for a in axes)) if v.shape else ()
    kept = tuple(1 if i in axes else d for i, d in enumerate(v.shape))
    out = graph.emit(kind, [v], {"axes": axes}, kept, dtype or v.dtype, requires_grad, line)
    if not keepdim and axes:
        shape = tuple(d for i, d in enumerate(v.shape) if i not in axes)
        out = reshape(graph, out, shape, requires_grad, line)
    return out


def layout(v):
    """(buffer value, strides, offset) of ``v``."""
    if v.view is None:
        return v, contiguous_strides(v.shape), 0
    return v.view


def is_contiguous(v):
    buf, strides, offset = layout(v)
    return buf.size == v.size and strides == contiguous_strides(v.shape)


def view(graph, v, shape, strides, offset, requires_grad=None, line=None, kind=("detach",)):
    """A view of ``v``'s buffer; ``kind`` says how it relates to ``v`` (for
    autodiff): ("reshape",), ("permute", dims), ("expand",) or ("detach",).
    Views, copies and reshapes require grad as ``v`` does unless told."""
    if requires_grad is None:
        requires_grad = v.requires_grad and kind[0] != "detach"
    buf = layout(v)[0]
    return graph.emit("view", [buf], {"strides": tuple(strides), "offset": offset,
                                      "source": v, "kind": kind}, shape, v.dtype,
                      requires_grad, line)


def copy(graph, v, requires_grad=None, line=None):
    return ew(graph, "{0}", [v], v.dtype, v.shape,
              v.requires_grad if requires_grad is None else requires_grad, line)


def plain(graph, v, line=None):
    """``v`` as a C-contiguous array (a copy of a strided view or a constant;
    a view that is its whole buffer reshaped is that buffer, reshaped)."""
    op = v.op
    if v.view is not None and not (is_contiguous(v) and v.view[2] == 0) \
            or op is not None and op.kind == "ew" and not op.inputs:
        return copy(graph, v, line=line)
    return v


def reshape(graph, v, shape, requires_grad=None, line=None):
    shape = tuple(shape)
    if shape == v.shape:
        return v
    if not is_contiguous(v):
        v = copy(graph, v, requires_grad, line)
    return view(graph, v, shape, contiguous_strides(shape), layout(v)[2], requires_grad, line,
                ("reshape",))


def permute(graph, v, dims, requires_grad=None, line=None):
    buf, strides, offset = layout(v)
    return view(graph, v, tuple(v.shape[d] for d in dims), tuple(strides[d] for d in dims),
                offset, requires_grad, line, ("permute", tuple(dims)))


def expand(graph, v, shape, requires_grad=None, line=None):
    shape = tuple(shape)
    if shape == v.shape:
        return v
    buf, strides, offset = layout(v)
    pad = len(shape) - len(v.shape)
    new = [0] * pad + [0 if d == 1 and s != 1 else st
                       for d, s, st in zip(v.shape, shape[pad:], strides)]
    return view(graph, v, shape, new, offset, requires_grad, line, ("expand",))


def select(graph, v, index, requires_grad=None, line=None):
    """``v[index]`` along the first axis (a view)."""
    buf, strides, offset = layout(v)
    return view(graph, v, v.shape[1:], strides[1:], offset + index * strides[0], requires_grad,
                line, ("select", index))


def index_view(graph, v, index, requires_grad=None, line=None):
    """``v[index]`` for an index of one int or slice (positive step) per dim of
    ``v`` and Nones (new dims): a view of ``v``'s buffer."""
    buf, strides, offset = layout(v)
    shape, new_strides = [], []
    d = 0
    for it in index:
        if it is None:
            shape.append(1)
            new_strides.append(0)
            continue
        size, stride = v.shape[d], strides[d]
        if isinstance(it, slice):
            start, stop, step = it.indices(size)
            n = len(range(start, stop, step))
            shape.append(n)
            new_strides.append(stride * step)
            offset += start * stride if n else 0
        else:
            offset += (it % size) * stride
        d += 1
    return view(graph, v, tuple(shape), tuple(new_strides), offset, requires_grad, line,
                ("index", index))


def stack(graph, values, requires_grad=False, line=None):
    """The values (one shape) stacked along a new first axis."""
    shape = (len(values), *values[0].shape)
    return graph.emit("stack", values, {}, shape, values[0].dtype, requires_grad, line)


def onehot(graph, target, classes, ignore_index, dtype, line=None):
    """Rows of ``classes`` zeros with a one at each target (an all-zero row
    where the target is ``ignore_index``); not differentiable."""
    return graph.emit("onehot", [target], {"classes": classes, "ignore_index": ignore_index},
                      (*target.shape, classes), dtype, False, line)


def sum_to(graph, v, shape, line=None):
    """``v`` summed down to ``shape`` (the gradient of a broadcast)."""
    shape = tuple(shape)
    if v.shape == shape:
        return v
    pad = len(v.shape) - len(shape)
    axes = tuple(range(pad)) + tuple(pad + i for i, d in enumerate(shape)
                                     if d == 1 and v.shape[pad + i] != 1)
    out = reduce(graph, "sum", v, axes, True, line=line)
    return reshape(graph, out, shape, line=line)


def matmul2d(graph, a, b, requires_grad=False, line=None):
    """(m, k) @ (k, n); operands are contiguous or transposed 2-d buffers."""
    for v in (a, b):
        assert len(v.shape) == 2
    return graph.emit("matmul", [_blas_ready(graph, a, line), _blas_ready(graph, b, line)], {},
                      (a.shape[0], b.shape[1]), a.dtype, requires_grad, line)


def _blas_ready(graph, v, line):
    """``v`` as BLAS can read it: C- or F-contiguous 2-d, else a copy."""
    if is_contiguous(v) or is_transposed(v):
        return v
    return copy(graph, v, line=line)


def is_transposed(v):
    buf, strides, offset = layout(v)
    m, n = v.shape
    return buf.size == v.size and strides == (1 if m > 1 else 0, m if n > 1 else 0)


def extern(graph, call, inputs, results, line=None):
    """A call of an eager op (``extern.ExternCall``) on ``inputs``; ``results``
    gives (shape, dtype, requires_grad) of each result. Returns their Values
    (the op's ``out`` is the first; ``attrs["outs"]`` holds them all)."""
    return _multi(graph, "extern", inputs, {"call": call}, results, line)


def extern_vjp(graph, forward, grads, slots, targets, line=None):
    """The gradients of the ``targets`` inputs of extern op ``forward``, given
    ``grads`` of its results at ``slots``: the eager op's backward."""
    specs = [(forward.inputs[i].shape, forward.inputs[i].dtype, False) for i in targets]
    return _multi(graph, "extern_vjp", grads, {"call": forward.attrs["call"], "forward": forward,
                                               "slots": tuple(slots), "targets": tuple(targets)},
                  specs, line)


def _multi(graph, kind, inputs, attrs, results, line):
    outs = []
    for k, (shape, dtype, requires_grad) in enumerate(results):
        if k == 0:
            v = graph.emit(kind, inputs, attrs, shape, dtype, requires_grad, line)
            op = v.op
        else:
            v = graph.new_value(shape, dtype, requires_grad, op)
        outs.append(v)
    op.attrs["outs"] = outs
    return outs
