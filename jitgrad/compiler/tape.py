"""The tape: graphs of many tiny ops replayed by one precompiled loop.

A graph of thousands of 0-d or few-element ops would make a generated
kernel with thousands of lines, which Numba compiles for minutes. Such a
segment becomes a flat tape instead: one row per op (instruction, output
offset, element count, and per operand an offset in one arena array or an
immediate constant), run by an interpreter compiled once per dtype. The
interpreter has one branch per elementwise template of the op table
(forward forms and derivative formulas), so a new graph needs tracing but
no compiling, and no Python runs per op.
"""
import numpy as np

from .. import derivatives
from . import cache
from .codegen import Segment, is_constant
from .formulas import COMPOSITE, Unsupported, formulas_of, pointwise, scalar_code, slots_of
from .primitives import layout

SUM, AMAX, COPY, FIRST_TEMPLATE = 1, 2, 3, 16
OPERANDS = 4
MAX_ELEMENTS = 4096       # values larger than this are not taped


def templates(dtype):
    """Every elementwise template the rules and autodiff can emit for
    ``dtype``: forward forms of the fusable table ops and their formulas."""
    from .rules import fusable
    out = []
    names = [op.name for table in (derivatives.UNARY, derivatives.BINARY)
             for op in table.values() if fusable(op)] + list(COMPOSITE)
    names += [op.name for op in derivatives.COMPOSITE.values()
              if pointwise(op.name) is not None and fusable(op)]
    for name in names:
        slots = slots_of(name)
        out.append(f"S.{name}({', '.join('{' + s + '}' for s in slots)})")
        for formula in formulas_of(name).values():
            try:
                out.append(scalar_code(formula, dtype))
            except Unsupported:
                pass
    # (a template of more operands than a tape row holds, selu's, is not taped: fused)
    return [t for t in dict.fromkeys(out) if len(_slots(t)) <= OPERANDS]


def _slots(template):
    import re
    return list(dict.fromkeys(re.findall(r"\{(\w+)\}", template)))


def _interpreter_source(dtype):
    lines = ["@njit(cache=True, error_model='numpy', nogil=True)",
             "def run_tape(code, imm, arena):",
             "    for r in range(code.shape[0]):",
             "        op = code[r, 0]",
             "        out = code[r, 1]",
             "        n = code[r, 2]",
             f"        if op == {SUM}:",
             "            acc = 0.0",
             "            for i in range(n):",
             "                acc += arena[code[r, 3] + i * code[r, 4]]",
             "            arena[out] = acc",
             "            continue",
             f"        if op == {AMAX}:",
             "            m = arena[code[r, 3]]",
             "            for i in range(1, n):",
             "                m = max(m, arena[code[r, 3] + i * code[r, 4]])",
             "            arena[out] = m",
             "            continue",
             "        for i in range(n):"]
    for j in range(OPERANDS):
        k, s = 3 + 2 * j, 4 + 2 * j
        lines.append(f"            a{j} = arena[code[r, {k}] + i * code[r, {s}]] "
                     f"if code[r, {k}] >= 0 else imm[r, {j}]")
    lines.append(f"            if op == {COPY}:")
    lines.append("                v = a0")
    for t, template in enumerate(templates(dtype)):
        names = {s: f"a{j}" for j, s in enumerate(_slots(template))}
        lines.append(f"            elif op == {FIRST_TEMPLATE + t}:")
        lines.append(f"                v = {template.format(**names)}")
    lines.append("            else:")
    lines.append("                v = a0")
    lines.append("            arena[out + i] = v")
    return "\n".join(lines)


_interpreters = {}


def interpreter(dtype):
    dtype = np.dtype(dtype).name
    fn = _interpreters.get(dtype)
    if fn is None:
        module, _ = cache.load(_interpreter_source(dtype))
        fn = _interpreters[dtype] = module.run_tape
    return fn


def precompile(dtype):
    """Compile (or load) the interpreter for ``dtype`` now."""
    from numba.core import types
    from numba.np import numpy_support
    t = numpy_support.from_dtype(np.dtype(dtype))
    interpreter(dtype).compile((types.Array(types.int64, 2, "C"), types.Array(t, 2, "C"),
                                types.Array(t, 1, "C")))


def eligible(ops, values):
    """A tape suits ``ops``: many of them, all small, in one float dtype, and
    every one an elementwise template, a full reduction, a stack or a view;
    the ``values`` Python wants from it are runs of their buffers."""
    if not all(_plain(v) for v in values):
        return False
    dtypes = set()
    for op in ops:
        v = op.out
        if v.size > MAX_ELEMENTS or v.dtype.kind != "f":
            return False
        dtypes.add(v.dtype)
        if op.kind in ("sum", "amax"):
            if v.size != 1 or not _plain(op.inputs[0]):
                return False
        elif op.kind == "ew":
            if op.inputs and "template" not in op.attrs and op.attrs["expr"] != "{0}":
                return False
            for x in op.inputs:
                if x.dtype != v.dtype or not (_plain(x) and x.size in (v.size, 1)
                                              or _broadcast_element(x)):
                    return False
        elif op.kind == "stack":
            if not all(_plain(x) for x in op.inputs):
                return False
        elif op.kind != "view":
            return False
    return len(dtypes) == 1


def _broadcast_element(v):
    """``v`` repeats one element (an expanded scalar)."""
    return all(s == 0 for s in layout(v)[1])


def _stride(v, n):
    """The operand stride of ``v`` read for an output of ``n`` elements."""
    return 0 if v.size == 1 or _broadcast_element(v) else 1


def _plain(v):
    """``v`` is a run of its buffer's elements (offset and count suffice)."""
    buf, strides, offset = layout(v)
    expected, step = [], 1
    for d in reversed(v.shape):
        expected.append(step if d != 1 else 0)
        step *= d
    return tuple(strides) == tuple(reversed(expected))


def build(name, ops, inputs, bases, values):
    """A Segment whose ``fn`` runs ``ops`` through the tape interpreter."""
    dtype = ops[0].out.dtype
    index = {t: FIRST_TEMPLATE + i for i, t in enumerate(templates(dtype.name))}
    offsets = {}
    size = 0
    for v in [*inputs, *(op.out for op in ops if op.kind != "view")]:
        if v not in offsets:
            offsets[v] = size
            size += max(v.size, 1)

    def where(v):
        buf, strides, offset = layout(v)
        return offsets[buf] + offset

    code, imm = [], []
    for op in ops:
        kind, out = op.kind, op.out
        if kind == "view":
            continue
        row = [0, offsets[out], out.size] + [-1, 0] * OPERANDS
        consts = [0.0] * OPERANDS
        if kind in ("sum", "amax"):
            (x,) = op.inputs
            row[0] = SUM if kind == "sum" else AMAX
            row[2], row[3], row[4] = x.size, where(x), 1
        elif kind == "stack":
            for k, x in enumerate(op.inputs):
                r = [COPY, offsets[out] + k * x.size, x.size] + [-1, 0] * OPERANDS
                if is_constant(layout(x)[0]):
                    consts_k = [float(eval(layout(x)[0].op.attrs["expr"], {"np": np}))] + \
                        [0.0] * (OPERANDS - 1)
                else:
                    r[3], r[4] = where(x), 1
                    consts_k = [0.0] * OPERANDS
                code.append(r)
                imm.append(consts_k)
            continue
        elif "template" in op.attrs:
            template = op.attrs["template"]
            if template not in index:
                raise Unsupported(template)
            row[0] = index[template]
            for j, slot in enumerate(_slots(template)):
                src, x = op.attrs["args"][slot]
                if src == "in":
                    v = op.inputs[x]
                    row[3 + 2 * j], row[4 + 2 * j] = where(v), _stride(v, out.size)
                else:
                    consts[j] = float(x)
        elif op.inputs:                          # a copy
            row[0] = COPY
            v = op.inputs[0]
            row[3], row[4] = where(v), _stride(v, out.size)
        else:                                    # a constant
            row[0] = COPY
            consts[0] = float(eval(op.attrs["expr"], {"np": np}))
        code.append(row)
        imm.append(consts)
    code = np.array(code, np.int64).reshape(-1, 3 + 2 * OPERANDS)
    imm = np.array(imm, dtype).reshape(-1, OPERANDS)
    run = interpreter(dtype)
    in_slots = [(offsets[v], v.size) for v in inputs]
    base_slots = [(offsets[v], v.size) for v in bases]
    value_slots = [(where(v), v.size, v.shape) for v in values]

    def fn(*arrays):
        arena = np.empty(size, dtype)
        for (off, n), a in zip(in_slots, arrays):
            arena[off:off + n] = a.reshape(-1)
        run(code, imm, arena)
        return tuple([arena[off:off + n].copy() for off, n in base_slots] +
                     [arena[off:off + n].reshape(shape) for off, n, shape in value_slots])
    seg = Segment(name, list(inputs), list(bases), list(values), [], [],
                  f"# {name}: a tape of {len(code)} instructions")
    seg.fn = fn
    return seg
