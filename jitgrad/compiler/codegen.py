"""From a segment of the traced graph to one generated ``@njit`` function.

Scheduling (fusion): elementwise ops and the reductions that consume them
join a loop over their iteration shape when every operand is either
computed earlier in that same loop (a local scalar, never stored) or an
array finished before the loop starts. So a chain of elementwise ops, its
reduction, and the elementwise gradient ops that need only the chain's
inputs become one pass over memory; a value crosses loops through an array
only when something outside its loop reads it. Matmuls are steps of their
own (BLAS through ``np.dot``); views are index arithmetic, never copies.

The source is written to a file named by its content hash in the cache
directory and imported from there, so Numba's ``cache=True`` keeps the
machine code for the next process.
"""
import ast
import importlib.util

import numpy as np

from .ir import broadcast_strides
from .primitives import dtype_name, layout, literal


# Arrays of at least this many elements are allocated by the driver with
# numpy and passed in: numpy's allocator asks for huge pages, and first
# touching a fresh 40 MB array from Numba's allocator costs 4x as much.
# Those only the generated code reads (scratch) are allocated once and
# reused; those it returns are fresh at every call, as eager results are.
DRIVER_ALLOCATED = 1 << 14


class Segment:
    """What the driver needs to call one generated function: it takes
    ``inputs`` (arrays of any shape), then ``fresh`` and ``scratch`` (flat
    arrays), and returns ``bases`` (flat buffers later segments read) then
    ``values`` (contiguous arrays of their values' shapes, for Python)."""
    __slots__ = ("name", "inputs", "bases", "values", "fresh", "scratch", "source", "fn",
                 "chunks", "sums")

    def __init__(self, name, inputs, bases, values, fresh, scratch, source, chunks=0, sums=()):
        self.name = name
        self.inputs = inputs
        self.bases = bases
        self.values = values
        self.fresh = fresh        # arrays the driver allocates at each call
        self.scratch = scratch    # internal arrays the driver allocates once
        self.source = source
        self.fn = None
        # a ranged segment (see RANGED_MIN) also takes ``parts_, c0_, c1_`` and runs
        # chunks c0_ <= c < c1_ of its loop, writing full sum k's partial of chunk c
        # to parts_[k, c]; the driver adds them up into ``sums[k]`` (runtime.py)
        self.chunks = chunks
        self.sums = sums


class _Step:
    __slots__ = ("kind", "shape", "ops", "index")

    def __init__(self, kind, shape, index):
        self.kind = kind          # "loop" or "matmul"
        self.shape = shape
        self.ops = []
        self.index = index


def schedule(ops, live_in, live_out, limit=None):
    """Steps (loops and matmuls) for ``ops``, and the values each must store
    as arrays. With ``limit``: stop once there are more steps than that."""
    steps = []
    loops = {}              # iteration shape -> its loop steps, in order
    step_of = {}            # value -> step that computes it
    for v in live_in:
        step_of[v] = None
    for op in ops:
        if op.kind == "view":
            continue
        if is_constant(op.out):
            step_of[op.out] = None
            continue
        if op.kind in ("matmul", "stack", "onehot"):
            s = _Step(op.kind, op.out.shape, len(steps))
            s.ops.append(op)
            steps.append(s)
            step_of[op.out] = s
            continue
        shape = op.inputs[0].shape if op.kind in ("sum", "amax") else op.out.shape
        target = None
        same = loops.setdefault(shape, [])
        # the earliest loop it fits (bounded: the first and last few of this shape)
        for s in same[:16] + same[max(16, len(same) - 16):]:
            if _fits(op, s, step_of, shape):
                target = s
                break
        if target is None:
            target = _Step("loop", shape, len(steps))
            steps.append(target)
            same.append(target)
            if limit is not None and len(steps) > limit:
                return steps, None, step_of
        target.ops.append(op)
        step_of[op.out] = target
    arrays = set(live_out)
    for s in steps:
        for op in s.ops:
            for v in op.inputs:
                base = layout(v)[0]
                if is_constant(base):
                    continue
                producer = step_of.get(base)
                if not (producer is s and s.kind == "loop" and v.view is None and v.shape == s.shape
                        and op.kind in ("ew", "sum", "amax")):
                    arrays.add(base)
            if op.kind in ("sum", "amax", "matmul", "stack", "onehot"):
                arrays.add(op.out)
    return steps, arrays, step_of


def is_constant(v):
    """A value every element of which is one literal (a seed of ones, zeros)."""
    op = v.op
    return op is not None and op.kind == "ew" and not op.inputs


BLOCK = 512       # elements per block of a fused full reduction

# A segment that is one flat loop of at least this many elements is generated
# ranged: the driver runs chunks of RANGE_CHUNK elements on jitgrad's threads
# (jitgrad/parallel.py), each full sum as per-chunk partials added in order,
# so the result is the same at every thread count.
RANGED_MIN = 1 << 22       # parallel.ELEMENTWISE_MIN
RANGE_CHUNK = 1 << 15     # a multiple of BLOCK


def _ranged(steps):
    """The length of the flat loop if ``steps`` is one that may run in chunks:
    a single loop over a 1-d iteration space (after collapsing) whose
    reductions are full sums; else 0."""
    if len(steps) != 1 or steps[0].kind != "loop":
        return 0
    step = steps[0]
    n = 1
    for d in step.shape:
        n *= d
    if n < RANGED_MIN:
        return 0
    for op in step.ops:
        if op.kind == "amax" or (op.kind == "sum" and (op.out.size != 1
                                                      or op.out.dtype.kind != "f")):
            return 0            # (partials are float64: integer sums stay exact serially)
    return n


def _fits(op, step, step_of, shape):
    """Every operand of ``op`` is computed in ``step`` at the same index, or
    is an array finished before ``step``."""
    for v in op.inputs:
        base = layout(v)[0]
        producer = step_of.get(base, "missing")
        if producer == "missing":
            return False
        if producer is None:
            continue
        if producer is step:
            if v.view is not None or v.shape != shape or base.op.kind != "ew":
                return False        # a reduction's result, or a view: only after the loop
            continue
        if producer.index >= step.index:
            return False
    return True


# ------------------------------------------------------------------ source


def _var(v):
    return f"b{v.id}"


def _tmp(v):
    return f"t{v.id}"


def generate(name, ops, inputs, bases, values):
    """The Segment running ``ops``; see Segment for its arguments and results."""
    ops = list(ops)
    inputs = list(inputs)
    produced = {op.out for op in ops}
    returned = list(bases)
    shaped = []                 # (value, the array expression to return)
    for v in values:
        buf, strides, offset = layout(v)
        if buf not in produced and not is_constant(buf):
            # a view of an input (a gradient that is the seed reshaped): a copy
            if buf not in inputs:
                inputs.append(buf)
            c = copy_value(v)
            ops.append(c.op)
            buf = c
        elif v.view is not None and not _is_plain(v):
            c = copy_value(v)
            ops.append(c.op)
            buf = c
        returned.append(buf)
        shaped.append((v, buf))
    steps, arrays, step_of = schedule(ops, inputs, returned)
    ranged = _ranged(steps)
    if ranged:
        try:
            return _generate(name, inputs, bases, returned, shaped, steps, arrays, step_of,
                             ranged)
        except _NotFlat:
            pass
    return _generate(name, inputs, bases, returned, shaped, steps, arrays, step_of, 0)


class _NotFlat(Exception):
    """The loop's iteration space does not collapse to one dim: not ranged."""


def _generate(name, inputs, bases, returned, shaped, steps, arrays, step_of, ranged):
    fixed = set(inputs)
    sums = [op.out for op in steps[0].ops if op.kind == "sum"] if ranged else []
    # (a ranged segment's full sums are the driver's, which adds the partials into them)
    passed = {v for v in arrays if (v.size >= DRIVER_ALLOCATED or v in sums) and v not in fixed}
    fresh = [v for v in dict.fromkeys(returned) if v in passed]
    scratch = sorted((v for v in passed if v not in set(returned)), key=lambda v: v.id)
    params = [f"{_var(v)}_" for v in inputs] + [_var(v) for v in [*fresh, *scratch]]
    if ranged:
        params += ["parts_", "c0_", "c1_"]
    lines = ["@njit(cache=True, error_model='numpy', nogil=True)",
             f"def {name}({', '.join(params)}):"]
    body = [f"{_var(v)} = np.ascontiguousarray({_var(v)}_).reshape({v.size})" for v in inputs]
    for v in dict.fromkeys(returned):
        if is_constant(v):
            body.append(_alloc(v, passed, v.op.attrs["expr"]))
    for s in steps:
        if s.kind == "matmul":
            body += _matmul(s.ops[0], passed)
        elif s.kind == "stack":
            body += _stack(s.ops[0], passed)
        elif s.kind == "onehot":
            body += _onehot(s.ops[0], passed)
        else:
            body += _loop(s, arrays, step_of, passed, sums if ranged else None)
    outs = [_var(v) for v in bases]
    for v, buf in shaped:
        offset = layout(v)[2] if buf is layout(v)[0] else 0
        outs.append(f"{_var(buf)}[{offset}:{offset + v.size}].reshape({v.shape!r})")
    body.append(f"return ({', '.join(outs)}{',' if outs else ''})")
    lines += ["    " + line for line in body if line]
    return Segment(name, list(inputs), list(bases), [v for v, _ in shaped], fresh, scratch,
                   "\n".join(lines), -(-ranged // RANGE_CHUNK), sums)


def _is_plain(v):
    """``v`` is its buffer's elements from an offset, in order (a reshape)."""
    buf, strides, offset = layout(v)
    return strides == _contiguous(v.shape)


def copy_value(v):
    """A detached copy op of view ``v`` (materialised for Python)."""
    from .ir import Op, Value
    out = Value(1_000_000 + v.id, v.shape, v.dtype)
    out.op = Op("ew", [v], {"expr": "{0}"}, out)
    return out


def _alloc(v, passed, fill=None):
    """The line that gives ``v`` its array (filled with ``fill``, source text)."""
    if v in passed:
        return f"{_var(v)}[:] = {fill}" if fill is not None else ""
    if fill is None:
        return f"{_var(v)} = np.empty({v.size}, {dtype_name(v.dtype)})"
    return f"{_var(v)} = np.full({v.size}, {fill}, {dtype_name(v.dtype)})"


def _matrix(v):
    """``v`` (2-d, C- or F-contiguous) as a 2-d array expression."""
    buf, strides, offset = layout(v)
    assert not is_constant(buf), "a constant operand of matmul"
    m, n = v.shape
    flat = f"{_var(buf)}[{offset}:{offset + m * n}]"
    if v.view is None or strides == (n if m > 1 else 0, 1 if n > 1 else 0) or m * n == 1:
        return f"{flat}.reshape(({m}, {n}))"
    return f"{flat}.reshape(({n}, {m})).T"


# Products with at most this many multiply-adds are loops: a BLAS call costs
# more than the work there, and np.dot alone takes Numba 0.4 s to compile.
SMALL_MATMUL = 4096


def _matmul(op, passed):
    a, b = op.inputs
    out = op.out
    m, n = out.shape
    k = a.shape[1]
    if m * n * k > SMALL_MATMUL:
        if importlib.util.find_spec("scipy") is None:
            from .tracer import GraphBreak
            raise GraphBreak("a matmul: Numba's np.dot needs scipy (pip install scipy)", None)
        return [_alloc(out, passed),
                f"np.dot({_matrix(a)}, {_matrix(b)}, {_var(out)}.reshape(({m}, {n})))"]
    (abuf, (ai, ap), aoff), (bbuf, (bp, bj), boff) = layout(a), layout(b)
    return [_alloc(out, passed),
            f"for i_ in range({m}):",
            f"    for j_ in range({n}):",
            f"        acc = {literal(0, out.dtype)}",
            f"        for p_ in range({k}):",
            f"            acc += {_var(abuf)}[{aoff} + i_ * {ai} + p_ * {ap}] * "
            f"{_var(bbuf)}[{boff} + p_ * {bp} + j_ * {bj}]",
            f"        {_var(out)}[i_ * {n} + j_] = acc"]


def _stack(op, passed):
    out = op.out
    lines = [_alloc(out, passed)]
    for k, v in enumerate(op.inputs):
        n = v.size
        buf, strides, offset = layout(v)
        if is_constant(buf):
            lines.append(f"{_var(out)}[{k * n}:{(k + 1) * n}] = {buf.op.attrs['expr']}")
            continue
        if n == 1:
            lines.append(f"{_var(out)}[{k}] = {_var(buf)}[{offset}]")
            continue
        pat = broadcast_strides(v.shape, strides, v.shape)
        idx = " + ".join([str(offset)] + [f"j{d} * {st}" for d, st in enumerate(pat) if st])
        flat = " + ".join([str(k * n)] + [f"j{d} * {st}" for d, st in enumerate(_contiguous(v.shape)) if st])
        loops = [f"{'    ' * d}for j{d} in range({dim}):" for d, dim in enumerate(v.shape)]
        lines += loops + ["    " * len(v.shape) + f"{_var(out)}[{flat}] = {_var(buf)}[{idx}]"]
    return lines


def _onehot(op, passed):
    out = op.out
    (t,) = op.inputs
    buf, strides, offset = layout(t)
    c = op.attrs["classes"]
    ignore = op.attrs["ignore_index"]
    return [_alloc(out, passed, literal(0, out.dtype)),
            f"for i0 in range({t.size}):",
            f"    k = {_var(buf)}[{offset} + i0 * {strides[0] if t.size > 1 else 0}]",
            f"    if k != {ignore}:",
            f"        if k < 0 or k >= {c}:",
            "            raise IndexError(k)      # the driver words it as torch does",
            f"        {_var(out)}[i0 * {c} + k] = {literal(1, out.dtype)}"]


def _collapse(shape, patterns):
    """Merge adjacent dims that every access pattern walks contiguously;
    drop size-1 dims. Returns (shape, patterns)."""
    dims = [i for i, d in enumerate(shape) if d != 1]
    shape = [shape[i] for i in dims]
    patterns = [[p[i] for i in dims] for p in patterns]
    i = len(shape) - 2
    while i >= 0:
        if all(p[i] == p[i + 1] * shape[i + 1] for p in patterns):
            shape[i] *= shape[i + 1]
            del shape[i + 1]
            for p in patterns:
                p[i] = p[i + 1]
                del p[i + 1]
        i -= 1
    return shape, patterns


def _loop(step, arrays, step_of, passed, sums=None):
    """The lines of a loop step; with ``sums`` (a list: the full sums, in
    parts_ order) the ranged form of a flat loop (see RANGED_MIN)."""
    shape = step.shape
    ops = step.ops
    here = {op.out for op in ops if op.kind == "ew"}
    reads = []                # (value, strides in the loop's index space)
    for op in ops:
        for v in op.inputs:
            if v in here and v.view is None and v.shape == shape or is_constant(layout(v)[0]):
                continue
            buf, strides, offset = layout(v)
            reads.append((v, broadcast_strides(v.shape, strides, shape)))
    out_strides = _contiguous(shape)
    reduce_patterns = []
    for op in ops:
        if op.kind in ("sum", "amax"):
            kept = tuple(0 if i in op.attrs["axes"] else s
                         for i, s in enumerate(_contiguous(op.out.shape)))
            reduce_patterns.append(kept)
    patterns = [p for _, p in reads] + [out_strides] + reduce_patterns
    loop_shape, collapsed = _collapse(list(shape), patterns)
    read_pats = collapsed[:len(reads)]
    out_pat = collapsed[len(reads)]
    red_pats = collapsed[len(reads) + 1:]
    idx = [f"i{k}" for k in range(len(loop_shape))]

    def index(pattern, offset=0):
        terms = [f"{i} * {s}" if s != 1 else i for i, s in zip(idx, pattern) if s != 0]
        if offset:
            terms.insert(0, str(offset))
        return " + ".join(terms) if terms else "0"

    pre, inner, post, per_block = [], [], [], []
    ranged = sums is not None
    if ranged and len(loop_shape) != 1:
        raise _NotFlat
    acc_init = pre if not ranged else []      # a ranged loop starts its sums at every chunk
    # lines just inside all but the innermost loop, for the reductions the innermost
    # index does not move: their running value stays out of memory across that loop
    # (a store and reload per element serialises the loop and keeps it from vectorising)
    around_inner_pre, around_inner_post = [], []
    # a full sum in a flat loop goes through a block buffer (see block_sum)
    blocked = len(loop_shape) == 1 and loop_shape[0] > 1 and any(
        op.kind == "sum" and op.out.size == 1 for op in ops)
    for op in ops:
        if op.out in arrays and op.kind == "ew":
            pre.append(_alloc(op.out, passed))
    read_expr = {}
    block_views = []          # blocked loops read and write through per-block slices
    for k, ((v, _), pat) in enumerate(zip(reads, read_pats)):
        buf, strides, offset = layout(v)
        if blocked and pat[0] != 0:
            step = pat[0]
            block_views.append(f"r{k}_ = {_var(buf)}[{offset} + blk_ * {step}:{offset} + "
                               f"(blk_ + m_) * {step}" + (f":{step}]" if step != 1 else "]"))
            read_expr[v] = f"r{k}_[j_]"
        else:
            read_expr[v] = f"{_var(buf)}[{index(pat, offset)}]"
    red_index = iter(red_pats)

    def _held(out, pat, update):
        around_inner_pre.append(f"acc{out.id} = {_var(out)}[{index(pat)}]")
        inner.append(update)
        around_inner_post.append(f"{_var(out)}[{index(pat)}] = acc{out.id}")

    for op in ops:
        args = [(_tmp(v) if v in here and v.view is None and v.shape == shape
                 else layout(v)[0].op.attrs["expr"] if is_constant(layout(v)[0])
                 else read_expr[v]) for v in op.inputs]
        if op.kind == "ew":
            inner.append(f"{_tmp(op.out)} = {op.attrs['expr'].format(*args)}")
            if op.out in arrays and blocked:
                block_views.append(f"w{op.out.id}_ = {_var(op.out)}[blk_:blk_ + m_]")
                inner.append(f"w{op.out.id}_[j_] = {_tmp(op.out)}")
            elif op.out in arrays:
                inner.append(f"{_var(op.out)}[{index(out_pat)}] = {_tmp(op.out)}")
            continue
        pat = next(red_index)
        out = op.out
        acc_dtype = np.float64 if out.dtype.kind == "f" else out.dtype
        full = out.size == 1
        if op.kind == "sum":
            if full and blocked:
                acc_init.append(f"acc{out.id} = {literal(0, acc_dtype)}")
                pre.append(f"blk{out.id} = np.empty({BLOCK}, {dtype_name(out.dtype)})")
                inner.append(f"blk{out.id}[j_] = {args[0]}")
                per_block.append(f"acc{out.id} += S.block_sum(blk{out.id}, m_)")
            elif full:
                acc_init.append(f"acc{out.id} = {literal(0, acc_dtype)}")
                inner.append(f"acc{out.id} += {args[0]}")
            elif len(loop_shape) > 1 and pat[-1] == 0:
                # a sum over the innermost index: its terms go to a row buffer, summed
                # after the row (as a full sum's block), so the row's loop vectorises
                n = loop_shape[-1]
                pre.append(_alloc(out, passed, literal(0, out.dtype)))
                pre.append(f"row{out.id} = np.empty({n}, {dtype_name(out.dtype)})")
                inner.append(f"row{out.id}[{idx[-1]}] = {args[0]}")
                around_inner_post.append(f"{_var(out)}[{index(pat)}] += S.block_sum(row{out.id}, {n})")
            else:
                pre.append(_alloc(out, passed, literal(0, out.dtype)))
                inner.append(f"{_var(out)}[{index(pat)}] += {args[0]}")
        else:                    # amax
            if full:
                pre.append(f"acc{out.id} = {literal(-np.inf, out.dtype)}")
                inner.append(f"acc{out.id} = max(acc{out.id}, {args[0]})")
            elif len(loop_shape) > 1 and pat[-1] == 0:
                pre.append(_alloc(out, passed, literal(-np.inf, out.dtype)))
                _held(out, pat, f"acc{out.id} = max(acc{out.id}, {args[0]})")
            else:
                pre.append(_alloc(out, passed, literal(-np.inf, out.dtype)))
                inner.append(f"{_var(out)}[{index(pat)}] = max({_var(out)}[{index(pat)}], "
                             f"{args[0]})")
        if full:
            pre.insert(0, _alloc(out, passed))
            if ranged:
                post.append(f"parts_[{sums.index(out)}, c_] = acc{out.id}")
            else:
                post.append(f"{_var(out)}[0] = acc{out.id}")
    def blocks(inner, start, stop):
        # blocks of BLOCK elements from start to stop (indices from range(m_) are
        # provably non-negative, so Numba's negative-index wraparound drops out
        # and the loop vectorises)
        n = loop_shape[0]
        return ([f"for blk_ in range({start}, {stop}, {BLOCK}):",
                 f"    m_ = min({BLOCK}, {n} - blk_)"]
                + ["    " + line for line in block_views] + ["    for j_ in range(m_):"]
                + ["        " + line for line in inner] + ["    " + line for line in per_block])

    def emit(inner):
        lines = [line for line in pre if line]
        if ranged:
            # chunks c0_ <= c_ < c1_ of RANGE_CHUNK elements (blocks never straddle two)
            n = loop_shape[0]
            start, stop = f"c_ * {RANGE_CHUNK}", f"min(c_ * {RANGE_CHUNK} + {RANGE_CHUNK}, {n})"
            lines.append("for c_ in range(c0_, c1_):")
            body = list(acc_init)
            if blocked:
                body += blocks(inner, start, stop)
            else:
                body.append(f"for {idx[0]} in range({start}, {stop}):")
                body += ["    " + line for line in inner]
            return lines + ["    " + line for line in body + post]
        if blocked:
            lines += blocks(inner, 0, loop_shape[0])
        else:
            indent = ""
            for d, (i, n) in enumerate(zip(idx, loop_shape)):
                if d == len(loop_shape) - 1:
                    lines += [indent + line for line in around_inner_pre]
                lines.append(f"{indent}for {i} in range({n}):")
                indent += "    "
            if not loop_shape:
                lines.append("if True:")
                indent = "    "
            lines += [indent + line for line in inner]
            lines += [indent[4:] + line for line in around_inner_post]
        return lines + post

    fast = _fast_variant(inner) if loop_shape else None
    if fast is None:
        return emit(inner)
    # the fast forms for every element, and only if one of them met an argument
    # outside its range, the whole loop again with the exact forms (it reads
    # only arrays finished before it, so running it twice is safe)
    return ["bad_ = False", *emit(fast), "if bad_:", *("    " + line for line in emit(inner))]


# op -> (its fast form, the predicate where the fast form is exact); kernels/scalar.py
FAST_FORMS = {"log": ("log_fast", "log_fast_ok"), "log1p": ("log1p_fast", "log1p_fast_ok"),
              "sin": ("sin_fast", "sincos_ok"), "cos": ("cos_fast", "sincos_ok")}


def _fast_variant(inner):
    """``inner`` with each ``S.sin(...)`` (and the other FAST_FORMS) replaced
    by its fast form, a check of its argument or-ed into ``bad_`` before the
    line; None if there is none. (An exact form's special-case branch calls
    libm, which keeps the loop from vectorising.)"""
    out, found = [], False
    for line in inner:
        target, sep, expr = line.partition(" = ")
        if not sep or not target.startswith("t"):
            out.append(line)
            continue
        checks = []
        tree = _FastForms(checks).visit(ast.parse(expr, mode="eval"))
        out += [f"bad_ |= not S.{pred}({arg})" for pred, arg in checks]
        out.append(f"{target} = {ast.unparse(tree)}" if checks else line)
        found |= bool(checks)
    return out if found else None


class _FastForms(ast.NodeTransformer):
    def __init__(self, checks):
        self.checks = checks

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and \
                f.value.id == "S" and f.attr in FAST_FORMS and len(node.args) == 1:
            fast, pred = FAST_FORMS[f.attr]
            self.checks.append((pred, ast.unparse(node.args[0])))
            f.attr = fast
        return node


def _contiguous(shape):
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step if d != 1 else 0)
        step *= d
    return tuple(reversed(strides))
