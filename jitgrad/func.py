"""``jitgrad.func``: torch.func's function transforms (grad, grad_and_value,
vjp, jvp, jacrev, jacfwd, hessian, vmap, linearize) plus functional_call and
stack_module_state, built on jitgrad's reverse-mode engine.

Levels. torch.func gives each transform call a "level": the inputs it
differentiates are fresh at that level and whatever it returns is unwrapped,
so it is differentiable only with respect to the enclosing levels. Here a
level wraps each differentiated input tensor either as a fresh leaf
(``x.detach().requires_grad_()``) or, when an enclosing level or ordinary
autograd is tracking ``x`` (grad mode on and ``x.requires_grad``), as an alias
``x.view_as(x)`` that stays connected to ``x``. After the forward pass the
level walks the graph: when it reaches anything outside the level (a leaf
other than its own fresh ones), the backward runs with ``create_graph=True`` so
the result keeps its graph for the enclosing level; otherwise the plain, faster
backward runs. Results (gradients, outputs, aux) whose graph leads only to
the level's own leaves are detached, as torch unwraps them. So ``grad(grad(f))``,
``jacrev(grad(f))``, ``vmap(grad(f))`` and ``grad`` of a function that uses a
``requires_grad`` tensor from outside compose as in torch. As in torch, an
enclosing ``no_grad`` does not stop a transform (its result then has no graph),
and a ``no_grad`` inside ``f`` is respected. A function closing over an
enclosing level's input while also receiving it (``grad(lambda x: grad(lambda
y: x * y)(x))``) is handled: the alias is a node of its own, so the inner
gradient flows through it only. Levels are not tracked per tensor as in
functorch, though: a tensor created inside one level and smuggled out by a
side channel (a global, a list) is not unwrapped.

Forward mode. jitgrad has no forward-mode AD: ``jvp``, ``jacfwd`` and
``linearize`` use the double-vjp trick, exactly: with ``u`` a zero cotangent
requiring grad, ``g = J^T u`` is recorded with ``create_graph=True``, and
``J v = d/du <g, v>`` is a second reverse pass. ``jacfwd`` records ``g`` once
and takes one such second pass per input element (column by column).
``hessian`` is ``jacfwd(jacrev(f))`` as in torch.

vmap loops over the batch dimension, calling ``func`` once per slice
(``x.select(in_dim, i)``) and stacking the results along ``out_dims``; the
stack is recorded when a result requires grad, so it is differentiable.
``randomness='error'`` raises torch's error when ``func`` draws from the
default generator (checked after each call, not at the draw; draws from an
explicit ``generator=`` are not seen); ``'same'`` replays the same generator
state for every slice (the numbers torch draws for one slice);
``'different'`` draws slice after slice (different numbers, not torch's
batched ones). Unlike torch, ``.item()`` and data-dependent control flow work
inside vmap. ``chunk_size`` (vmap, jacrev), jvp's ``strict`` and vjp_fn's
``retain_graph`` are accepted and ignored (vjp_fn always keeps the graph).
"""
import numpy as np

from . import messages
from .autograd import grad as _autograd_grad
from .autograd.grad_mode import enable_grad, is_grad_enabled
from .autograd.graph import AccumulateGrad, edge
from .tensor import Tensor, _wrap

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "linearize", "functional_call", "stack_module_state", "functionalize", "debug_unwrap",
           "replace_all_batch_norm_modules_"]


# ---------------------------------------------------------------- pytrees
# a spec is None for a leaf, else (type, keys or None, [child specs])

def _flatten(tree):
    leaves = []
    return leaves, _flatten_into(tree, leaves)


def _flatten_into(tree, leaves):
    t = type(tree)
    if t is tuple or t is list or (isinstance(tree, tuple) and hasattr(tree, "_fields")):
        return (t, None, [_flatten_into(c, leaves) for c in tree])
    if isinstance(tree, dict):
        keys = list(tree)
        return (t, keys, [_flatten_into(tree[k], leaves) for k in keys])
    leaves.append(tree)
    return None


def _unflatten(leaves, spec):
    return _build(iter(leaves), spec)


def _build(it, spec):
    if spec is None:
        return next(it)
    t, keys, children = spec
    values = [_build(it, c) for c in children]
    if keys is not None:
        return t(zip(keys, values))
    if t is tuple or t is list:
        return t(values)
    return t(*values)                           # namedtuple


def _tree_map(fn, tree):
    leaves, spec = _flatten(tree)
    return _unflatten([fn(x) for x in leaves], spec)


def _spec_pprint(spec):
    """torch.utils._pytree.treespec_pprint's text."""
    if spec is None:
        return "*"
    t, keys, children = spec
    parts = [_spec_pprint(c) for c in children]
    if keys is not None:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(keys, parts)) + "}"
    if t is list:
        return "[" + ", ".join(parts) + "]"
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def _spec_str(spec, indent=0):
    """str(TreeSpec) as torch prints it."""
    if spec is None:
        return "*"
    t, keys, children = spec
    sep = ",\n" + " " * (indent + 2)
    body = sep.join(_spec_str(c, indent + 2) for c in children)
    return f"TreeSpec({t.__name__}, {keys!r}, [{body}])"


# ---------------------------------------------------------------- levels

class _Level:
    """One transform call: which leaves are its own (see the module docstring)."""
    __slots__ = ("outer", "inner")

    def __init__(self):
        self.outer = is_grad_enabled()      # can an enclosing level see the results?
        self.inner = set()                  # AccumulateGrad nodes of the fresh leaves

    def wrap(self, t):
        if not isinstance(t, Tensor):
            raise ValueError(messages.func_not_tensor(type(t)))
        if self.outer and t.requires_grad:
            return t.view_as(t)
        w = t.detach().requires_grad_()
        self.inner.add(edge(w))
        return w

    def reaches_outer(self, tensors):
        """Whether the graph of ``tensors`` leads to a leaf not of this level."""
        if not self.outer:
            return False
        inner = self.inner
        stack = [t._grad_fn or edge(t) for t in tensors
                 if isinstance(t, Tensor) and t._requires_grad]
        seen = set()
        while stack:
            node = stack.pop()
            if node is None or node in seen or node in inner:
                continue
            seen.add(node)
            if type(node) is AccumulateGrad:
                return True
            stack.extend(node._next)
        return False

    def unwrap(self, t):
        if isinstance(t, Tensor) and t._requires_grad and not self.reaches_outer([t]):
            return t.detach()
        return t


def _unwrap_aux(level, aux):
    """torch unwraps aux at the level, which takes tensors only."""
    def unwrap(t):
        if not isinstance(t, Tensor):
            raise RuntimeError(messages.func_aux_type(type(t)))
        return level.unwrap(t)
    return _tree_map(unwrap, aux)


def _zeros(t):
    return _wrap(np.zeros_like(t._data))


def _backward(outputs, inputs, cotangents, create_graph):
    """d<outputs, cotangents>/d inputs (zeros where nothing flows); the graph is kept."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o._requires_grad]
    if not pairs or not inputs:
        return [_zeros(t) for t in inputs]
    grads = _autograd_grad([o for o, _ in pairs], inputs, [c for _, c in pairs],
                           retain_graph=True, create_graph=create_graph, allow_unused=True)
    return [g if g is not None else _zeros(t) for g, t in zip(grads, inputs)]


def _check_argnums(argnums, nargs):
    """torch's _slice_argnums checks; the argnums normalised to a tuple."""
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(messages.func_argnums_type(type(argnums)))
    if isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError(messages.FUNC_ARGNUMS_EMPTY)
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(messages.func_argnums_unique(argnums))
    for a in (argnums if isinstance(argnums, tuple) else (argnums,)):
        if not isinstance(a, int):
            raise RuntimeError(messages.func_argnum_type(type(a)))
        if not -nargs <= a < nargs:
            raise RuntimeError(messages.func_argnum_range(a, nargs))
    return tuple(a % nargs for a in argnums) if isinstance(argnums, tuple) else (argnums % nargs,)


def _wrap_argnums(level, args, argnums):
    """The args with those at ``argnums`` wrapped; the flat wrapped leaves and
    their specs (one per argnum)."""
    idx = _check_argnums(argnums, len(args))
    args = list(args)
    flat, specs = [], []
    for i in idx:
        leaves, spec = _flatten(args[i])
        wrapped = [level.wrap(t) for t in leaves]
        args[i] = _unflatten(wrapped, spec)
        flat.append(wrapped)
        specs.append(spec)
    return args, flat, specs


def _split_aux(output, has_aux, message):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(message)
    return output


def _pack(per_argnum, specs, argnums):
    """Flat results per argnum -> the structure of the args (a tuple of them
    for tuple argnums)."""
    trees = [_unflatten(r, s) for r, s in zip(per_argnum, specs)]
    return tuple(trees) if isinstance(argnums, tuple) else trees[0]


# ---------------------------------------------------------------- grad

def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: ``(gradient, value)`` or ``((gradient,
    (value, aux))`` with has_aux; the gradient has the structure of the
    argument(s) at ``argnums``."""
    def wrapper(*args, **kwargs):
        level = _Level()
        with enable_grad():
            args, flat, specs = _wrap_argnums(level, args, argnums)
            output = func(*args, **kwargs)
            output, aux = _split_aux(output, has_aux, messages.FUNC_GRAD_AUX)
            if not isinstance(output, Tensor):
                raise RuntimeError(messages.func_grad_not_tensor(type(output)))
            if output.dim() != 0:
                raise RuntimeError(messages.func_grad_not_scalar(output.dim()))
            create = level.reaches_outer([output])
            inputs = [t for leaves in flat for t in leaves]
            grads = _backward([output], inputs, [None], create)
        if create:
            grads = [level.unwrap(g) for g in grads]
        per_argnum, k = [], 0
        for leaves in flat:
            per_argnum.append(grads[k:k + len(leaves)])
            k += len(leaves)
        result = _pack(per_argnum, specs, argnums)
        value = level.unwrap(output)
        if has_aux:
            return result, (value, _unwrap_aux(level, aux))
        return result, value
    return _named(wrapper, func)


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: the gradient of scalar-valued ``func`` with respect to
    the argument(s) at ``argnums`` (``(gradient, aux)`` with has_aux)."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return _named(wrapper, func)


def _named(wrapper, func):
    try:
        wrapper.__name__ = getattr(func, "__name__", wrapper.__name__)
        wrapper.__doc__ = getattr(func, "__doc__", None)
    except (AttributeError, TypeError):
        pass
    return wrapper


# ---------------------------------------------------------------- vjp

def _check_outputs(leaves, api):
    if len(leaves) < 1 or (len(leaves) == 1 and leaves[0] is None):
        raise RuntimeError(messages.func_empty_output(api, leaves))
    for o in leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(messages.func_output_type(api, type(o)))


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: ``(output, vjp_fn)`` (``(output, vjp_fn, aux)`` with
    has_aux). ``vjp_fn(cotangents)`` returns a tuple with one gradient per
    primal (each with the primal's structure) and may be called repeatedly."""
    level = _Level()
    with enable_grad():
        flat_primals, primals_spec = _flatten(primals)
        wrapped = [level.wrap(t) for t in flat_primals]
        output = func(*_unflatten(wrapped, primals_spec))
        output, aux = _split_aux(output, has_aux, messages.FUNC_VJP_AUX)
        out_leaves, out_spec = _flatten(output)
        _check_outputs(out_leaves, "vjp(f, *primals)")
    outer = level.reaches_outer(out_leaves)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cot_leaves, cot_spec = _flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(messages.func_cotangent_structure(
                _spec_pprint(cot_spec), _spec_pprint(out_spec)))
        if create_graph is None:
            create_graph = is_grad_enabled() and (outer or any(
                isinstance(c, Tensor) and c.requires_grad for c in cot_leaves))
        with enable_grad():
            grads = _backward(out_leaves, wrapped, cot_leaves, bool(create_graph))
        if create_graph:
            grads = [_unwrap_any(level, g) for g in grads]
        return _unflatten(grads, primals_spec)

    output = _unflatten([level.unwrap(o) for o in out_leaves], out_spec)
    if has_aux:
        return output, vjp_fn, _unwrap_aux(level, aux)
    return output, vjp_fn


def _unwrap_any(level, g):
    """Detach ``g`` unless it depends on something outside the level (an
    outer leaf, or a cotangent/tangent that requires grad)."""
    probe = _Level.__new__(_Level)
    probe.outer = True
    probe.inner = level.inner
    return probe.unwrap(g)


# ---------------------------------------------------------------- jvp

class _DoubleVjp:
    """The double-vjp trick: ``g = J^T u`` recorded once, then ``J v`` by
    differentiating ``<g, v>`` with respect to ``u``."""

    def __init__(self, out_leaves, inputs):
        self.outs = out_leaves
        self.us = [_zeros(o).requires_grad_() for o in out_leaves]
        # g_j = sum_i J_ij^T u_i, recorded so it can be differentiated in u
        self.gs = _backward(out_leaves, inputs, self.us, True)

    def apply(self, tangents, create):
        pairs = [(g, v) for g, v in zip(self.gs, tangents) if g._requires_grad]
        if not pairs:
            return [_zeros(o) for o in self.outs]
        return _backward([g for g, _ in pairs], self.us, [v for _, v in pairs], create)


def _jvp_checks(primals, tangents, api="jvp(f, primals, tangents)"):
    if not isinstance(primals, tuple):
        raise RuntimeError(messages.func_jvp_primals_tuple(api))
    flat_p, spec_p = _flatten(primals)
    flat_t, spec_t = _flatten(tangents)
    if spec_p != spec_t:
        raise RuntimeError(messages.func_jvp_structure(api, _spec_str(spec_p), _spec_str(spec_t)))
    for name, flat in (("primals", flat_p), ("tangents", flat_t)):
        if not flat:
            raise RuntimeError(messages.func_no_tensor(api, name))
        for t in flat:
            if not isinstance(t, Tensor):
                raise RuntimeError(messages.func_only_tensors(api, name, type(t)))
    for p, t in zip(flat_p, flat_t):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(messages.func_tangent_size(list(p.shape), list(t.shape)))
    return flat_p, spec_p, flat_t


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: ``(output, jvp_out)`` (``(output, jvp_out, aux)`` with
    has_aux), ``jvp_out = J(primals) @ tangents``, computed exactly by the
    double-vjp trick (two reverse passes; see the module docstring)."""
    api = "jvp(f, primals, tangents)"
    flat_p, spec_p, flat_t = _jvp_checks(primals, tangents, api)
    level = _Level()
    with enable_grad():
        wrapped = [level.wrap(t) for t in flat_p]
        output = func(*_unflatten(wrapped, spec_p))
        output, aux = _split_aux(output, has_aux, messages.func_aux(api))
        out_leaves, out_spec = _flatten(output)
        for o in out_leaves:
            if not isinstance(o, Tensor):
                raise RuntimeError(messages.func_output_type(api, type(o)))
        create = level.reaches_outer(out_leaves) or (is_grad_enabled() and any(
            t.requires_grad for t in flat_t))
        tangents_out = _DoubleVjp(out_leaves, wrapped).apply(flat_t, create)
    if create:
        tangents_out = [_unwrap_any(level, t) for t in tangents_out]
    outs = _unflatten([level.unwrap(o) for o in out_leaves], out_spec)
    jv = _unflatten(tangents_out, out_spec)
    if has_aux:
        return outs, jv, _unwrap_aux(level, aux)
    return outs, jv


def linearize(func, *primals):
    """torch.func.linearize: ``(output, jvp_fn)``; ``jvp_fn(*tangents)`` is
    ``J(primals) @ tangents`` (double-vjp trick, the forward pass is not rerun)."""
    level = _Level()
    with enable_grad():
        flat_p, spec_p = _flatten(primals)
        wrapped = [level.wrap(t) for t in flat_p]
        output = func(*_unflatten(wrapped, spec_p))
        out_leaves, out_spec = _flatten(output)
        _check_outputs(out_leaves, "linearize")
        trick = _DoubleVjp(out_leaves, wrapped)

    def jvp_fn(*tangents):
        flat_t, spec_t = _flatten(tangents)
        if spec_t != spec_p:
            raise RuntimeError(messages.func_linearize_structure(_spec_str(spec_t),
                                                                 _spec_str(spec_p)))
        with enable_grad():
            out = trick.apply(flat_t, False)
        return _unflatten([o.detach() for o in out], out_spec)

    return _unflatten([o.detach() for o in out_leaves], out_spec), jvp_fn


# ---------------------------------------------------------------- jacobians

def _jacobian(func, argnums, has_aux, forward, args, kwargs, api):
    level = _Level()
    with enable_grad():
        args, flat, specs = _wrap_argnums(level, args, argnums)
        output = func(*args, **kwargs)
        output, aux = _split_aux(output, has_aux, messages.func_aux(api))
        out_leaves, out_spec = _flatten(output)
        _check_outputs(out_leaves, api)
        inputs = [t for leaves in flat for t in leaves]
        create = level.reaches_outer(out_leaves)
        # blocks[i][j]: d out_i / d in_j, shape out_i.shape + in_j.shape
        if forward:
            blocks = _jac_columns(out_leaves, inputs, create)
        else:
            blocks = _jac_rows(out_leaves, inputs, create)
    if create:
        blocks = [[level.unwrap(b) for b in row] for row in blocks]
    per_out = []
    for row in blocks:
        per_argnum, k = [], 0
        for leaves in flat:
            per_argnum.append(row[k:k + len(leaves)])
            k += len(leaves)
        per_out.append(_pack(per_argnum, specs, argnums))
    jac = _unflatten(per_out, out_spec)
    if has_aux:
        return jac, _unwrap_aux(level, aux)
    return jac


def _assemble(parts, shape, create):
    """Stack ``parts`` (Tensors) and reshape to ``shape``, keeping the graph if asked."""
    if create and any(p._requires_grad for p in parts):
        from .functions import stack
        return stack(parts).reshape(shape)
    return _wrap(np.stack([p._data for p in parts]).reshape(shape))


def _basis(t, k):
    e = np.zeros(t._data.size, t._data.dtype)
    e[k] = 1
    return _wrap(e.reshape(t._data.shape))


def _jac_rows(outs, inputs, create):
    blocks = []
    for o in outs:
        rows = [[] for _ in inputs]
        for k in range(o.numel()):
            for n, g in enumerate(_backward([o], inputs, [_basis(o, k)], create)):
                rows[n].append(g)
        blocks.append([_block(r, o, t, create, False) for r, t in zip(rows, inputs)])
    return blocks


def _jac_columns(outs, inputs, create):
    trick = _DoubleVjp(outs, inputs)
    cols = [[[] for _ in inputs] for _ in outs]
    for j, t in enumerate(inputs):
        for k in range(t.numel()):
            tangents = [_basis(t, k) if i == j else _zeros(x) for i, x in enumerate(inputs)]
            for i, c in enumerate(trick.apply(tangents, create)):
                cols[i][j].append(c)
    return [[_block(cols[i][j], o, t, create, True) for j, t in enumerate(inputs)]
            for i, o in enumerate(outs)]


def _block(parts, out, inp, create, by_columns):
    oshape, ishape = tuple(out._data.shape), tuple(inp._data.shape)
    if not parts:                       # an empty output or input
        return _wrap(np.zeros(oshape + ishape, out._data.dtype))
    if not by_columns:
        return _assemble(parts, oshape + ishape, create)
    # columns: stacked as (in..., out...), then moved to (out..., in...)
    stacked = _assemble(parts, ishape + oshape, create)
    ni = len(ishape)
    perm = tuple(range(ni, ni + len(oshape))) + tuple(range(ni))
    return stacked.permute(*perm) if perm else stacked


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: the Jacobian by reverse mode, one vjp per output
    element. The result has, for each output, the structure of the
    argument(s) at ``argnums``, each block of shape ``out.shape + in.shape``."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(messages.FUNC_JACREV_CHUNK)

    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, False, args, kwargs, "vjp(f, *primals)")
    return _named(wrapper, func)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian column by column, each column a jvp
    computed exactly by the double-vjp trick (see the module docstring); same
    result structure as jacrev."""
    _check_randomness(randomness)

    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, True, args, kwargs,
                         "jvp(f, primals, tangents)")
    return _named(wrapper, func)


def hessian(func, argnums=0):
    """torch.func.hessian: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)


# ---------------------------------------------------------------- vmap

def _check_randomness(randomness):
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(messages.func_randomness(randomness))


def _func_name(func):
    return getattr(func, "__name__", repr(func))


def _broadcast_dims(dims, spec, name_fn, what):
    """in_dims/out_dims (an int/None or a tree prefix of the values) -> one
    entry per leaf of ``spec``."""
    if dims is None or isinstance(dims, int):
        return [dims] * _count(spec)
    dleaves, dspec = _flatten(dims)
    if dspec is None:
        return None
    if not _is_prefix(dspec, spec):
        return None
    out = []
    _expand(dims, spec, out)
    return out


def _count(spec):
    return 1 if spec is None else sum(_count(c) for c in spec[2])


def _is_prefix(prefix, spec):
    if prefix is None:
        return True
    if spec is None:
        return False
    if prefix[0] is not spec[0] and not (prefix[1] is None and spec[1] is None and
                                         issubclass(spec[0], tuple) and prefix[0] is tuple):
        return False
    if prefix[1] != spec[1] or len(prefix[2]) != len(spec[2]):
        return False
    return all(_is_prefix(p, s) for p, s in zip(prefix[2], spec[2]))


def _expand(dims, spec, out):
    if spec is None or dims is None or isinstance(dims, int):
        out.extend([dims] * _count(spec))
        return
    children = [dims[k] for k in spec[1]] if spec[1] is not None else list(dims)
    for d, s in zip(children, spec[2]):
        _expand(d, s, out)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap by a loop: ``func`` runs once per index of the mapped
    dimension on the slices of the batched inputs, and the results are stacked
    along ``out_dims`` (differentiably). See the module docstring for
    randomness and the differences from torch's batching rules."""
    _check_randomness(randomness)
    name = _func_name(func)

    def wrapper(*args, **kwargs):
        in_str = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
        if not isinstance(in_dims, (int, tuple)):
            raise ValueError(messages.func_vmap_in_dims_type(in_str, type(in_dims)))
        if not args:
            raise ValueError(messages.func_vmap_no_inputs(name))
        leaves, spec = _flatten(args)
        dims = _broadcast_dims(in_dims if isinstance(in_dims, int) else tuple(in_dims),
                               spec, None, "in_dims")
        if dims is None:
            raise ValueError(messages.func_vmap_in_dims_structure(
                in_str, _spec_str(_flatten(in_dims)[1]), _spec_str(spec)))
        size = None
        sizes = []
        for x, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(d, int) or isinstance(d, bool):
                raise ValueError(messages.func_vmap_in_dim_value(in_str, d))
            if not isinstance(x, Tensor):
                raise ValueError(messages.func_vmap_in_dim_non_tensor(in_str, d, type(x)))
            n = x.dim()
            if not -n <= d < n:
                raise ValueError(messages.func_vmap_in_dim_range(in_str, d, n))
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(messages.FUNC_VMAP_NO_TENSOR)
        if len(set(sizes)) > 1:
            raise ValueError(messages.func_vmap_sizes(sizes))
        size = sizes[0]
        results = _vmap_loop(func, leaves, dims, spec, size, kwargs, randomness)
        return _vmap_stack(results, out_dims, name, size)
    return _named(wrapper, func)


def _generator_snapshot(g):
    return (g._mt.tobytes(), g._pos.tobytes(), g._normal.tobytes(), g._float_normal, g._seed)


def _vmap_loop(func, leaves, dims, spec, size, kwargs, randomness):
    from .random import default_generator as g
    start = g.clone_state() if randomness == "same" else None
    results = []
    for i in range(size):
        sliced = [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]
        if start is not None:
            _restore(g, start)
        before = _generator_snapshot(g) if randomness == "error" else None
        results.append(func(*_unflatten(sliced, spec), **kwargs))
        if before is not None and _generator_snapshot(g) != before:
            raise RuntimeError(messages.FUNC_VMAP_RANDOMNESS)
    return results


def _restore(g, state):
    g._mt[:] = state._mt
    g._pos[:] = state._pos
    g._normal[:] = state._normal
    g._float_normal = state._float_normal
    g._seed = state._seed


def _vmap_stack(results, out_dims, name, size):
    out_leaves, out_spec = _flatten(results[0])
    if not (out_dims is None or isinstance(out_dims, (int, tuple, list))):
        raise ValueError(messages.func_vmap_out_dims_type(name, out_dims))
    dims = _broadcast_dims(out_dims if not isinstance(out_dims, list) else tuple(out_dims),
                           out_spec, None, "out_dims")
    if dims is None:
        raise ValueError(messages.func_vmap_out_dims_structure(
            name, out_dims, _spec_str(_flatten(out_dims)[1]), _spec_str(out_spec)))
    per_sample = [_flatten(r)[0] for r in results]
    stacked = []
    for k, d in enumerate(dims):
        if d is None:
            stacked.append(out_leaves[k])
            continue
        parts = [p[k] for p in per_sample]
        for p in parts:
            if not isinstance(p, Tensor):
                raise ValueError(messages.func_vmap_output_type(name, type(p)))
        n = parts[0].dim() + 1
        if not -n <= d < n:
            raise IndexError(messages.dim_out_of_range(d, n))
        stacked.append(_stack(parts, d % n))
    return _unflatten(stacked, out_spec)


def _stack(parts, dim):
    if is_grad_enabled() and any(p._requires_grad for p in parts):
        from .functions import stack
        return stack(parts, dim)
    return _wrap(np.stack([p._data for p in parts], axis=dim))


# ---------------------------------------------------------------- modules

def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """torch.func.functional_call: call ``module`` with its parameters and
    buffers replaced by the given tensors (restored afterwards)."""
    if isinstance(parameter_and_buffer_dicts, dict):
        values = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (tuple, list)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError(messages.FUNC_CALL_NOT_DICTS)
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(messages.func_call_repeated(repeated))
        values = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(messages.func_call_dicts_type(type(parameter_and_buffer_dicts)))
    if tie_weights:
        values = _untie(module, values)
    if strict:
        _check_keys(module, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in values.items():
            saved.append(_swap(module, name, value))
        return module(*args, **(kwargs or {}))
    finally:
        for owner, store, key, old in reversed(saved):
            if store is None:
                if old is _MISSING:
                    delattr(owner, key)
                else:
                    object.__setattr__(owner, key, old)
            else:
                store[key] = old


_MISSING = object()


def _named_tensors(module):
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    return named


def _untie(module, values):
    by_id = {}
    for name, t in _named_tensors(module).items():
        by_id.setdefault(id(t), set()).add(name)
    tied = {n: names for names in by_id.values() if len(names) > 1 for n in names}
    given = [n for n in values if n in tied]
    for n in given:
        names = tied[n]
        if len(names.intersection(given)) > 1 and len({id(values[m]) for m in names
                                                       if m in values}) != 1:
            raise ValueError(messages.func_call_tied(sorted(names)))
    out = dict(values)
    for n in given:
        for m in tied[n]:
            out[m] = values[n]
    return out


def _check_keys(module, values):
    known = set(_named_tensors(module))
    unexpected = [k for k in values if k not in known]
    missing = [k for k in _named_tensors(module) if k not in values]
    if unexpected or missing:
        raise RuntimeError(messages.func_call_strict(module._get_name(), unexpected, missing))


def _swap(module, name, value):
    *path, key = name.split(".")
    owner = module
    for p in path:
        owner = getattr(owner, p)
    for store in (owner._parameters, owner._buffers):
        if key in store:
            old = store[key]
            store[key] = value
            return owner, store, key, old
    old = owner.__dict__.get(key, _MISSING)
    object.__setattr__(owner, key, value)
    return owner, None, key, old


def stack_module_state(models):
    """torch.func.stack_module_state: ``(params, buffers)``, each a dict of the
    models' tensors stacked along a new first dimension (parameters as fresh
    leaves that require grad)."""
    from .functions import stack
    models = list(models)
    if len(models) == 0:
        raise RuntimeError(messages.STACK_MODULE_NO_MODEL)
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError(messages.STACK_MODULE_MODE)
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError(messages.STACK_MODULE_CLASS)

    def stacked(tensors, name):
        req = [t.requires_grad for t in tensors]
        if any(req) and not all(req):
            raise RuntimeError(messages.stack_module_requires_grad(name))
        from .autograd.grad_mode import no_grad
        with no_grad():
            result = stack(list(tensors))
        return result.requires_grad_() if all(req) else result

    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: stacked([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: stacked([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


# ---------------------------------------------------------------- small utilities

def functionalize(func, *, remove="mutations"):
    """torch.func.functionalize: in eager mode a functionalized program computes
    what the original does, so ``func`` comes back as is (after torch's check
    of ``remove``)."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(messages.func_functionalize_remove(remove))
    return func


def debug_unwrap(tensor, *, recurse=True):
    """torch.func.debug_unwrap: jitgrad's transforms wrap nothing, so the
    tensor itself."""
    return tensor


def replace_all_batch_norm_modules_(root):
    """torch.func.replace_all_batch_norm_modules_: every batch norm in ``root``
    stops tracking running stats (in place); returns ``root``."""
    from .nn.modules.batchnorm import _BatchNorm
    for module in root.modules():
        if isinstance(module, _BatchNorm) and module.track_running_stats:
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root
