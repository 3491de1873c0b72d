"""Small torch names: top-level forms of Tensor methods (``torch.clone``,
``torch.exp_``, ...), aliases (``arccos``, ``multiply``, ``greater_``, ...),
small math (exp2, logit, sinc, copysign, fmax, nansum, diff, dist, renorm,
addmv/addr/baddbmm/addbmm, inner, tensordot, tile, the stack/split family,
``Tensor.unfold``, ``sum_to_size``) and the dtype helpers (result_type,
promote_types, can_cast).

Most are compositions of recorded ops, so gradients and node names follow;
ops torch records under a node of their own run through
``ops/composed.py``, which gives the composition torch's node name.
``install(Tensor)`` adds the Tensor methods."""
import builtins as _b
import math as _math
from collections import namedtuple as _namedtuple

import numpy as _np

from . import dtypes as _dtypes
from . import messages as _m
from .ops.composed import composed as _composed
from .autograd.anomaly_mode import maybe_record
from .autograd.grad_mode import state as _grad_state
from .autograd.graph import MetadataNode, edge, node_class
from .tensor import Tensor, _wrap, _wrap_view

try:
    from numpy.lib.array_utils import byte_bounds as _byte_bounds
except ImportError:                                     # numpy < 2
    _byte_bounds = _np.byte_bounds

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None


def _J():
    import jitgrad
    return jitgrad


def _as_float(x):
    """Integer and bool inputs compute in the default float dtype."""
    return x if x.dtype.is_floating_point else x.to(_dtypes.get_default_dtype())


def _t(x, fname, arg="input", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(_m.arg_must_be(fname, arg, pos, x))
    return x


# ------------------------------------------------------- top-level forms and aliases

def clone(input, *, memory_format=None):
    return _t(input, "clone").clone()


def detach(input):
    return _t(input, "detach").detach()


def detach_(input):
    return input.detach_()


def dropout(input, p, train):
    return _J().nn.functional.dropout(input, p, train)


def dropout_(input, p, train):
    return _J().nn.functional.dropout(input, p, train, inplace=True)


def zero_(input):
    return input.zero_()


def fill_(input, value):
    return input.fill_(value)


def fill(input, value):
    """FillBackward0 (a number) / FillBackward1 (a 0-d tensor, which gets grad.sum())."""
    J = _J()
    _t(input, "fill")
    if isinstance(value, Tensor) and value._data.ndim == 0:
        return _composed("FillBackward1",
                         lambda x, v: J.zeros_like(x) + v.to(x.dtype), input, value,
                         saves=())
    return _composed("FillBackward0", lambda x: x.detach().clone().fill_(value), input,
                     saves=())


def positive(input):
    _t(input, "positive")
    if input.dtype is _dtypes.bool_:
        raise RuntimeError(_m.POSITIVE_BOOL)
    return input


def _method_alias(name):
    def f(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    f.__name__ = f.__qualname__ = name
    return f


# torch's top-level in-place forms of Tensor methods
_TOP_INPLACE = ("abs_ acos_ asin_ atan_ ceil_ cos_ cosh_ exp_ expm1_ floor_ log10_ log1p_ "
                "log2_ log_ neg_ reciprocal_ relu_ rsqrt_ sigmoid_ sin_ sinh_ sqrt_ square_ "
                "tan_ tanh_ negative_ arccos_ arcsin_ arctan_ exp2_ logit_ sinc_ deg2rad_ "
                "rad2deg_ addmv_").split()
for _n in _TOP_INPLACE:
    globals()[_n] = _method_alias(_n)


def round_(input, *, decimals=None):
    return input.round_(decimals=decimals)


def clamp_(input, min=None, max=None):  # noqa: A002
    return input.clamp_(min, max)


def clip_(input, min=None, max=None):  # noqa: A002
    return input.clip_(min, max)


def arccos(input):
    return _J().acos(input)


def arcsin(input):
    return _J().asin(input)


def arctan(input):
    return _J().atan(input)


def arctan2(input, other):
    return _J().atan2(input, other)


# ------------------------------------------------------------------ small math

def exp2(input):
    J = _J()
    return _composed("Exp2Backward0", lambda x: J.pow(2.0, _as_float(x)), _t(input, "exp2"),
                     saves=())


def logit(input, eps=None):
    """Its node (ops/small_nodes.py) has torch's gradient: NaN at a NaN input."""
    from .ops.small_nodes import logit as _logit
    return _logit(_as_float(_t(input, "logit")), eps)


def sinc(input):
    J = _J()

    def f(x):
        x = _as_float(x)
        zero = x == 0
        px = J.where(zero, 1.0, x) * _math.pi
        return J.where(zero, 1.0, px.sin() / px)
    return _composed("SincBackward0", f, _t(input, "sinc"))


def deg2rad(input):
    return _composed("Deg2RadBackward0", lambda x: _as_float(x) * (_math.pi / 180),
                     _t(input, "deg2rad"), saves=())


def rad2deg(input):
    return _composed("Rad2DegBackward0", lambda x: _as_float(x) * (180 / _math.pi),
                     _t(input, "rad2deg"), saves=())


def copysign(input, other):
    """Its node (ops/copysign.py) has torch's gradient: NaN at a NaN or infinite input."""
    from .ops.small_nodes import record_copysign as record
    J = _J()
    _t(input, "copysign")
    if isinstance(other, Tensor):
        def f(x, y):
            mag = _as_float(x).abs()
            out_dtype = _dtypes.promote_types(mag.dtype, y.dtype if y.dtype.is_floating_point
                                              else mag.dtype)
            return J.where(signbit(y), -mag, mag).to(out_dtype)
        with J.no_grad():
            out = f(input, other)
        return record(out, input, other)
    neg = _math.copysign(1.0, other) < 0

    def g(x):
        mag = _as_float(x).abs()
        return -mag if neg else mag * 1
    with J.no_grad():
        out = g(input)
    return record(out, input, None)


def signbit(input):
    a = _t(input, "signbit")._data
    return _wrap(_np.signbit(a) if a.dtype.kind == "f" else a < 0)


def sgn(input):
    return _composed("SgnBackward0", lambda x: x.sign(), _t(input, "sgn"))


def _fmaxmin(name, node, input, other):
    J = _J()
    _t(input, name)
    _t(other, name, "other", 2)

    def f(x, y):
        keep = (x >= y) if name == "fmax" else (x <= y)
        return J.where(keep | y.isnan(), x, y)
    return _composed(node, f, input, other)


def fmax(input, other):
    return _fmaxmin("fmax", "FmaxBackward0", input, other)


def fmin(input, other):
    return _fmaxmin("fmin", "FminBackward0", input, other)


def float_power(input, exponent):
    J = _J()
    d = _dtypes.float64
    if not isinstance(input, Tensor):
        return J.pow(float(input), _t(exponent, "float_power", "exponent", 2).to(d))
    if isinstance(exponent, Tensor):
        return J.pow(input.to(d), exponent.to(d))
    return J.pow(input.to(d), float(exponent))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    J = _J()
    _t(input, "nansum")

    def f(x):
        if x.dtype.is_floating_point:
            x = J.where(x.isnan(), 0.0, x)
        if dim is None and not keepdim:
            return x.sum(dtype=dtype)
        return x.sum(dim if dim is not None else tuple(range(x.dim())), keepdim, dtype=dtype)
    return _composed("NansumBackward0", f, input)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    _t(input, "nanmean")
    if not input.dtype.is_floating_point:
        raise RuntimeError(_m.nanmean_dtype(input.dtype._torch_name))
    count = input.isnan().logical_not().sum(dim if dim is not None else
                                            tuple(range(input.dim())), keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


def count_nonzero(input, dim=None):
    _t(input, "count_nonzero")
    nz = input != 0
    return nz.sum() if dim is None else nz.sum(dim)


class aminmax_result(_namedtuple("aminmax", ["min", "max"])):
    """torch.return_types.aminmax: (min, max), printed as torch prints it."""
    __slots__ = ()

    def __repr__(self):
        return f"jitgrad.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"

    __str__ = __repr__


aminmax_result.__name__ = aminmax_result.__qualname__ = "aminmax"


def aminmax(input, *, dim=None, keepdim=False):
    _t(input, "aminmax")
    if (input.numel() == 0 if dim is None
            else input.dim() and input.shape[dim % input.dim()] == 0):
        raise RuntimeError(_m.AMINMAX_EMPTY)

    def f(x):
        if dim is None:
            mn, mx = x.amin(), x.amax()
            if keepdim:
                shape = (1,) * x.dim()
                mn, mx = mn.reshape(shape), mx.reshape(shape)
            return mn, mx
        return x.amin(dim, keepdim), x.amax(dim, keepdim)
    return aminmax_result(*_composed("AminmaxBackward0", f, input, multi=True))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    J = _J()
    _t(input, "diff")
    if input.dim() == 0:
        raise RuntimeError(_m.DIFF_0D)
    for t in (prepend, append):
        if t is not None and t.dim() != input.dim():
            raise RuntimeError(_m.DIFF_SAME_DIM)
        if t is not None:
            d = dim % input.dim()
            for k in range(input.dim()):
                if k != d and t.shape[k] != input.shape[k]:
                    raise RuntimeError(_m.diff_shape(k, input.shape[k], t.shape[k]))
    x = input
    if prepend is not None or append is not None:
        x = J.cat([t for t in (prepend, x, append) if t is not None], dim)
    for _ in range(n):
        size = x.shape[dim]
        if size == 0:
            break
        a, b = x.narrow(dim, 1, size - 1), x.narrow(dim, 0, size - 1)
        x = J.logical_xor(a, b) if x.dtype is _dtypes.bool_ else a - b
    return x


def dist(input, other, p=2):
    J = _J()
    _t(input, "dist")
    _t(other, "dist", "other", 2)
    if not (input.dtype.is_floating_point and other.dtype.is_floating_point):
        bad = other.dtype if input.dtype.is_floating_point else input.dtype
        raise RuntimeError(_m.norm_dtype(bad._torch_name))
    return _composed("DistBackward0", lambda x, y: J.linalg.vector_norm(x - y, p), input, other)


def renorm(input, p, dim, maxnorm):
    J = _J()
    _t(input, "renorm")
    if p <= 0:
        raise RuntimeError(_m.RENORM_P)
    if input.dim() < 2:
        raise RuntimeError(_m.renorm_dims(input.dim()))
    if maxnorm < 0:
        raise RuntimeError(_m.renorm_maxnorm(maxnorm))
    nd = _b.max(input.dim(), 1)
    if not -nd <= dim < nd:
        raise IndexError(_m.dim_out_of_range(dim, nd))
    d = dim % nd

    def f(x):
        others = tuple(i for i in range(x.dim()) if i != d)
        with J.no_grad():
            big = J.linalg.vector_norm(x, p, others, keepdim=True) > maxnorm
        # torch's renorm_backward is one where(norm > maxnorm, ..., grad): the slices left
        # alone (a nan norm too) pass the gradient through untouched, so their norm is
        # taken of zeros here (no nan from the norm's backward reaching them)
        norms = J.linalg.vector_norm(J.where(big, x, 0.0), p, others, keepdim=True)
        factor = J.where(big, maxnorm / (norms + 1e-7), 1.0)
        return x * factor.to(x.dtype)
    return _composed("RenormBackward0", f, input)


def _scaled(t, s):
    return t if s == 1 else t * s


def _add_product(node, input, product, beta, alpha, *mats):
    def f(inp, *ms):
        prod = _scaled(product(*ms), alpha)
        inp = inp.expand(prod.shape)               # torch's error for a bad input shape
        if beta == 0:               # torch ignores input then (its nan and inf too)
            return prod * 1
        return _scaled(inp, beta) + prod
    return _composed(node, f, input, *mats, saves=(1, 2))


def addmv(input, mat, vec, *, beta=1, alpha=1):
    J = _J()
    if isinstance(input, Tensor) and isinstance(mat, Tensor) and isinstance(vec, Tensor):
        if input.dim() > 1 or mat.dim() != 2 or vec.dim() != 1:
            raise RuntimeError(_m.addmv_ranks(input.dim(), mat.dim(), vec.dim()))
        if input.dim() == 1 and input.shape[0] not in (1, mat.shape[0]):
            raise RuntimeError(_m.addmv_sizes(input.shape[0], tuple(mat.shape), vec.shape[0]))
    return _add_product("AddmvBackward0", _t(input, "addmv"), J.mv, beta, alpha,
                        _t(mat, "addmv", "mat", 2), _t(vec, "addmv", "vec", 3))


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    J = _J()
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if isinstance(v, Tensor) and v.dim() != 1:
            raise RuntimeError(_m.addr_not_1d(name, v.dim()))
    return _add_product("AddrBackward0", _t(input, "addr"), J.outer, beta, alpha,
                        _t(vec1, "addr", "vec1", 2), _t(vec2, "addr", "vec2", 3))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    J = _J()
    return _add_product("BaddbmmBackward0", _t(input, "baddbmm"), J.bmm, beta,
                        alpha, _t(batch1, "baddbmm", "batch1", 2),
                        _t(batch2, "baddbmm", "batch2", 3))


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    J = _J()
    return _add_product("AddbmmBackward0", _t(input, "addbmm"),
                        lambda a, b: J.bmm(a, b).sum(0), beta, alpha,
                        _t(batch1, "addbmm", "batch1", 2), _t(batch2, "addbmm", "batch2", 3))


def tensordot(a, b, dims=2, out=None):
    _t(a, "tensordot", "a")
    _t(b, "tensordot", "b", 2)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(_m.tensordot_negative(dims))
        da, db = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    da = [d % a.dim() for d in da]
    db = [d % b.dim() for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(_m.tensordot_mismatch(a.shape[i], i, b.shape[j], j))
    free_a = [i for i in range(a.dim()) if i not in da]
    free_b = [j for j in range(b.dim()) if j not in db]
    k = _math.prod(a.shape[i] for i in da)
    ma = a.permute(*free_a, *da).reshape(-1, k)
    mb = b.permute(*db, *free_b).reshape(k, -1)
    return ma.mm(mb).view(*[a.shape[i] for i in free_a], *[b.shape[j] for j in free_b])


def inner(input, other):
    _t(input, "inner")
    _t(other, "inner", "other", 2)
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(_m.inner_mismatch(tuple(input.shape), tuple(other.shape)))
    return tensordot(input, other, ([-1], [-1]))


def tile(input, dims):
    _t(input, "tile")
    if not isinstance(dims, (tuple, list)):
        raise TypeError(_m.tile_dims(dims))
    dims = tuple(dims)
    if len(dims) < input.dim():
        dims = (1,) * (input.dim() - len(dims)) + dims
    return input.repeat(*dims)


def ravel(input):
    return _t(input, "ravel").contiguous().view(-1)


def _stack_family(name, tensors, atleast, dim_of):
    J = _J()
    if len(tensors) == 0:
        raise RuntimeError(_m.empty_tensor_list(name))
    ts = [atleast(t) for t in tensors]
    return J.cat(ts, dim_of(ts))


def hstack(tensors, *, out=None):
    J = _J()
    return _stack_family("hstack", tensors, J.atleast_1d, lambda ts: 0 if ts[0].dim() == 1 else 1)


def vstack(tensors, *, out=None):
    J = _J()
    return _stack_family("vstack", tensors, J.atleast_2d, lambda ts: 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    J = _J()
    return _stack_family("dstack", tensors, J.atleast_3d, lambda ts: 2)


def column_stack(tensors, *, out=None):
    J = _J()
    if len(tensors) == 0:
        raise RuntimeError(_m.empty_tensor_list("column_stack"))
    ts = [t.reshape(t.numel(), 1) if t.dim() <= 1 else t for t in tensors]
    return J.cat(ts, 1)


def _dir_split(name, input, indices_or_sections, dim, min_dim):
    _t(input, name)
    if input.dim() < min_dim:
        raise RuntimeError(_m.dir_split_dim(name, min_dim, input.dim()))
    if isinstance(indices_or_sections, int):
        size = input.shape[dim]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(_m.dir_split_divisible(name, dim, size, indices_or_sections))
    return input.tensor_split(indices_or_sections, dim)


# torch's overloads: (input, int sections) and (input, tuple of ints indices)
def hsplit(input, sections=None, indices=None):
    which = sections if indices is None else indices
    return _dir_split("hsplit", input, which, 1 if _t(input, "hsplit").dim() > 1 else 0, 1)


def vsplit(input, sections=None, indices=None):
    return _dir_split("vsplit", input, sections if indices is None else indices, 0, 2)


def dsplit(input, sections=None, indices=None):
    return _dir_split("dsplit", input, sections if indices is None else indices, 2, 3)


# -------------------------------------------------------------------- predicates

def is_complex(input):
    return False


def is_signed(input):
    return _t(input, "is_signed").dtype is not _dtypes.bool_


def is_nonzero(input):
    n = _t(input, "is_nonzero").numel()
    if n != 1:
        raise RuntimeError(_m.BOOL_NO_VALUES if n == 0 else _m.BOOL_MANY_VALUES)
    return bool(input._data.reshape(-1)[0] != 0)


def is_same_size(input, other):
    return tuple(_t(input, "is_same_size").shape) == tuple(other.shape)


def promote_types(type1, type2):
    return _dtypes.promote_types(type1, type2)


def result_type(tensor1, tensor2):
    groups = []
    for x in (tensor1, tensor2):
        if isinstance(x, Tensor):
            groups.append((x.dtype, 0 if x._data.ndim else 1))
        else:
            groups.append((_dtypes.scalar_dtype(x), 2))
    return _dtypes.result_type(tuple(groups))


def can_cast(from_, to):
    # torch's canCast: no float -> integral, no non-bool -> bool
    if from_.is_floating_point and not to.is_floating_point:
        return False
    return not (from_ is not _dtypes.bool_ and to is _dtypes.bool_)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None,
                  requires_grad=False):
    J = _J()
    d = dtype or _dtypes.get_default_dtype()
    return J.tensor(s, dtype=d, requires_grad=requires_grad)


# ---------------------------------------------------------------- Tensor.unfold

class _Unfold(MetadataNode):
    """Overlapping windows: each window's gradient is added back at its place
    (an index_add of the flat gradient)."""
    __slots__ = ()

    def apply(self, grad):
        shape, dt, args = self._saved
        out = _np.zeros(_math.prod(shape), dt)
        _np.add.at(out, _unfold_index(shape, *args), _np.ascontiguousarray(grad).reshape(-1))
        return (out.reshape(shape),)

    def apply_graph(self, grad):
        shape, dt, args = self._saved
        z = _J().zeros(_math.prod(shape), dtype=grad.dtype)
        idx = _wrap(_unfold_index(shape, *args))
        return (z.index_add(0, idx, grad.reshape(-1)).view(*shape),)


_UnfoldNode = node_class("UnfoldBackward0", _Unfold)


def _unfold_index(shape, dimension, size, step):
    idx = _np.arange(_math.prod(shape), dtype=_np.int64).reshape(shape)
    return _unfold_array(idx, dimension, size, step).reshape(-1)


def _unfold_array(a, dimension, size, step):
    n = (a.shape[dimension] - size) // step + 1 if a.ndim else 1
    if a.ndim == 0:
        return a.reshape(1)
    shape = a.shape[:dimension] + (n,) + a.shape[dimension + 1:] + (size,)
    strides = (a.strides[:dimension] + (a.strides[dimension] * step,)
               + a.strides[dimension + 1:] + (a.strides[dimension],))
    return _np.lib.stride_tricks.as_strided(a, shape, strides,
                                            writeable=step >= size and a.flags.writeable)


def unfold(self, dimension, size, step):
    a = self._data
    nd = _b.max(a.ndim, 1)
    if not -nd <= dimension < nd:
        raise IndexError(_m.dim_out_of_range(dimension, nd))
    dimension %= nd
    length = a.shape[dimension] if a.ndim else 1
    if size > length:
        raise RuntimeError(_m.unfold_size(dimension, length, size))
    if step <= 0:
        raise RuntimeError(_m.unfold_step(step))
    out = _unfold_array(a, dimension, size, step)
    if not (self._requires_grad and _grad_state.enabled):
        return _wrap_view(out, self)
    node = _UnfoldNode((edge(self),), (a.shape, a.dtype, (dimension, size, step)))
    maybe_record(node)
    return _wrap_view(out, self, node)


def sum_to_size(self, *size_args, size=None):
    size = _varargs(size_args, size, "size")
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s not in (1, d) for s, d in zip(size, shape[lead:])):
        raise RuntimeError(_m.not_expandable(size, shape))
    if tuple(size) == shape:
        return self
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size)
                                      if s == 1 and shape[lead + i] != 1)
    r = self.sum(dims, keepdim=True) if dims else self
    return r.view(*size) if lead else r


def storage_offset(self):
    a = self._data
    root = a
    while isinstance(root.base, _np.ndarray):
        root = root.base
    lo = _byte_bounds(root)[0]
    return (a.__array_interface__["data"][0] - lo) // a.itemsize if a.size else 0


def data_ptr(self):
    return self._data.__array_interface__["data"][0]


# ------------------------------------------------------------ in-place forms

def _inplace(x, fn, *others):
    """``x`` replaced by ``fn(x)``, recording when x or ``others`` need a gradient."""
    from .ops import inplace as _ip
    _ip.check_inplace(x)
    old = _ip._old_self(x) if _ip._needs_graph(x, *others) else x
    result = fn(old)
    _ip._check_castable(result.dtype, x)
    _ip._check_shape(tuple(result.shape), x)
    if not _ip._needs_graph(x, *others):
        _ip._write(x, result._data)
        x._vc[0] += 1
        return x
    return _ip._take_over(x, result)


def _cmp_inplace(name):
    def f(self, other):
        J = _J()
        node = "%sBackward%d" % (name.capitalize(), 1 if isinstance(other, Tensor) else 0)
        op = getattr(J, name)

        def g(x):
            if isinstance(other, Tensor):
                return _composed(node, lambda a, b: op(a, b).to(a.dtype), x, other)
            return _composed(node, lambda a: op(a, other).to(a.dtype), x)
        return _inplace(self, g, other)
    f.__name__ = f.__qualname__ = name + "_"
    return f


def _unary_inplace(fn):
    def f(self, *args, **kwargs):
        return _inplace(self, lambda t: fn(t, *args, **kwargs))
    return f


def _float_power_(self, exponent):
    if self.dtype is not _dtypes.float64:
        raise RuntimeError(_m.float_power_base(self.dtype._torch_name))
    return _inplace(self, lambda t: float_power(t, exponent), exponent)


def _copysign_(self, other):
    return _inplace(self, lambda t: copysign(t, other), other)


def _subtract_(self, other, *, alpha=1):
    return self.sub_(other, alpha=alpha)


def _true_divide_(self, other):
    return self.div_(other)


def _divide_(self, other, *, rounding_mode=None):
    return self.div_(other, rounding_mode=rounding_mode)


def _cumsum_(self, dim, *, dtype=None):
    if dtype is not None and dtype is not self.dtype:
        raise RuntimeError(_m.inplace_dtype(self.dtype, dtype))
    return _inplace(self, lambda t: t.cumsum(dim, dtype=dtype))


def _addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    J = _J()
    return _inplace(self, lambda t: J.addmm(t, mat1, mat2, beta=beta, alpha=alpha), mat1, mat2)


def _addmv_(self, mat, vec, *, beta=1, alpha=1):
    return _inplace(self, lambda t: addmv(t, mat, vec, beta=beta, alpha=alpha), mat, vec)


def _addr_(self, vec1, vec2, *, beta=1, alpha=1):
    return _inplace(self, lambda t: addr(t, vec1, vec2, beta=beta, alpha=alpha), vec1, vec2)


def _baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return _inplace(self, lambda t: baddbmm(t, batch1, batch2, beta=beta, alpha=alpha),
                    batch1, batch2)


def _addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return _inplace(self, lambda t: addbmm(t, batch1, batch2, beta=beta, alpha=alpha),
                    batch1, batch2)


def _varargs(args, kw, name):
    """A method's sizes given as varargs, one sequence, or the keyword ``name``."""
    if kw is not None:
        return tuple(kw)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return args


def _tile_method(self, *dims_args, dims=None):
    return tile(self, _varargs(dims_args, dims, "dims"))


def _split_method(fn):
    def m(self, *sections_args, sections=None, indices=None):
        if sections is not None or indices is not None:
            return fn(self, sections, indices)
        if len(sections_args) == 1:
            return fn(self, sections_args[0])
        return fn(self, list(sections_args))
    m.__name__ = m.__qualname__ = fn.__name__
    return m


def install(cls):
    """The Tensor methods this module adds (only those Tensor lacks)."""
    methods = {
        "absolute": lambda self: self.abs(), "absolute_": lambda self: self.abs_(),
        "arccos": lambda self: self.acos(), "arccos_": lambda self: self.acos_(),
        "arcsin": lambda self: self.asin(), "arcsin_": lambda self: self.asin_(),
        "arctan": lambda self: self.atan(), "arctan_": lambda self: self.atan_(),
        "arctan2": lambda self, other: self.atan2(other),
        "arctan2_": lambda self, other: self.atan2_(other),
        "multiply": lambda self, other: self.mul(other),
        "multiply_": lambda self, other: self.mul_(other),
        "subtract": lambda self, other, *, alpha=1: self.sub(other, alpha=alpha),
        "subtract_": _subtract_, "divide_": _divide_, "true_divide_": _true_divide_,
        "negative": lambda self: self.neg(), "negative_": lambda self: self.neg_(),
        "positive": positive,
        "greater": lambda self, other: self.gt(other),
        "greater_equal": lambda self, other: self.ge(other),
        "less": lambda self, other: self.lt(other),
        "less_equal": lambda self, other: self.le(other),
        "not_equal": lambda self, other: self.ne(other),
        "cumsum_": _cumsum_, "addmm_": _addmm_, "addmv_": _addmv_, "addr_": _addr_,
        "baddbmm_": _baddbmm_, "addbmm_": _addbmm_,
        "exp2": exp2, "exp2_": _unary_inplace(exp2), "logit": logit,
        "logit_": _unary_inplace(logit), "sinc": sinc, "sinc_": _unary_inplace(sinc),
        "deg2rad": deg2rad, "deg2rad_": _unary_inplace(deg2rad), "rad2deg": rad2deg,
        "rad2deg_": _unary_inplace(rad2deg), "copysign": copysign, "copysign_": _copysign_,
        "fmax": fmax, "fmin": fmin, "float_power": float_power,
        "float_power_": _float_power_, "sgn": sgn, "sgn_": _unary_inplace(sgn),
        "signbit": signbit, "nansum": nansum, "nanmean": nanmean,
        "count_nonzero": count_nonzero, "aminmax": aminmax, "diff": diff, "dist": dist,
        "renorm": renorm, "renorm_": _unary_inplace(renorm), "addmv": addmv, "addr": addr,
        "baddbmm": baddbmm, "addbmm": addbmm, "inner": inner,
        "ravel": ravel, "tile": _tile_method, "hsplit": _split_method(hsplit), "vsplit": _split_method(vsplit),
        "dsplit": _split_method(dsplit),
        "unfold": unfold, "sum_to_size": sum_to_size, "storage_offset": storage_offset,
        "data_ptr": data_ptr, "is_complex": is_complex, "is_signed": is_signed,
        "is_nonzero": is_nonzero, "is_same_size": is_same_size,
    }
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        methods[name + "_"] = _cmp_inplace(name)
    for alias, name in (("greater", "gt"), ("greater_equal", "ge"), ("less", "lt"),
                        ("less_equal", "le"), ("not_equal", "ne")):
        methods[alias + "_"] = _cmp_inplace(name)
    for name, fn in methods.items():
        if name not in cls.__dict__:
            if fn.__name__ == "<lambda>":
                fn.__name__ = fn.__qualname__ = name
            setattr(cls, name, fn)
    if "is_cpu" not in cls.__dict__:
        cls.is_cpu = property(lambda self: True)


__all__ = ["pi", "e", "inf", "nan", "newaxis", "clone", "detach", "detach_", "dropout",
           "dropout_", "zero_", "fill", "fill_", "positive", "round_", "clamp_", "clip_",
           "arccos", "arcsin", "arctan", "arctan2", "exp2", "logit", "sinc", "deg2rad",
           "rad2deg", "copysign", "signbit", "sgn", "fmax", "fmin", "float_power", "nansum",
           "nanmean", "count_nonzero", "aminmax", "diff", "dist", "renorm", "addmv", "addr",
           "baddbmm", "addbmm", "tensordot", "inner", "tile", "ravel", "hstack", "vstack",
           "row_stack", "dstack", "column_stack", "hsplit", "vsplit", "dsplit", "is_complex",
           "is_signed", "is_nonzero", "is_same_size", "promote_types", "result_type",
           "can_cast", "scalar_tensor", *_TOP_INPLACE]

from . import return_types as _return_types  # noqa: E402
_return_types.aminmax = aminmax_result
