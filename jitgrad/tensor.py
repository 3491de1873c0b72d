"""``Tensor``: a numpy array plus the autograd bookkeeping torch keeps.

The hot path of an op allocates one Tensor through ``_wrap`` (slots set
directly, no ``__init__`` logic); everything user-facing goes through the
factories in ``jitgrad.factories``.
"""
import math
import warnings

import numpy as np

from . import dtypes, messages
from ._tensor_str import format_tensor

# the default of an argument torch refuses to take as an explicit None (``x.max(None)``)
_OMITTED = object()


class Size(tuple):
    """torch.Size: a tuple that prints as ``jitgrad.Size([2, 3])``."""
    __slots__ = ()

    def __repr__(self):
        return f"jitgrad.Size([{', '.join(str(s) for s in self)}])"

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


from .api_coverage import missing as _missing  # noqa: E402

class Tensor:
    # _vc: the version counter, a one-element list shared with views, bumped by
    # every in-place op; _base: the tensor this one is a view of (or None)
    __slots__ = ("_data", "_requires_grad", "_grad", "_grad_fn", "_accumulator",
                 "_retains_grad", "_vc", "_base", "__weakref__")

    # numpy defers to us in ``ndarray + Tensor`` instead of broadcasting elementwise
    __array_priority__ = 1000

    def __getattr__(self, name):
        # reached only when the normal lookup failed: a torch method jitgrad lacks says so
        raise AttributeError(_missing("torch.Tensor", name,
                                      f"'Tensor' object has no attribute '{name}'"))

    def __init__(self, *args):
        # torch.Tensor(data) / torch.Tensor(2, 3): the legacy float constructor
        from .factories import empty, tensor
        if len(args) == 1 and not isinstance(args[0], int):
            src = tensor(args[0], dtype=dtypes.get_default_dtype())
        else:
            src = empty(*args)
        _init(self, src._data)

    # ------------------------------------------------------------ metadata
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        from .ops.shapes import normalize_dim
        return self._data.shape[normalize_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return dtypes.from_numpy(self._data.dtype)

    @property
    def device(self):
        from .device import cpu
        return cpu

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.size * self._data.itemsize

    def stride(self, dim=None):
        a = self._data
        if a.size:
            strides = tuple(s // a.itemsize for s in a.strides)
        else:       # numpy gives an empty array zero strides; torch its contiguous strides
            strides = tuple(math.prod(max(n, 1) for n in a.shape[i + 1:])
                            for i in range(a.ndim))
        if dim is None:
            return strides
        from .ops.shapes import normalize_dim
        return strides[normalize_dim(dim, self._data.ndim)]

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        # torch: the rows of unbind(0); a 0-d tensor is no sequence
        if self._data.ndim == 0:
            raise TypeError(messages.ITER_0D)
        return iter(_shape.unbind(self, 0))

    # ------------------------------------------------------------ data access
    @property
    def data(self):
        """The same memory, detached from the graph (torch's ``.data``)."""
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError(messages.NUMPY_REQUIRES_GRAD)
        return self._data

    # numpy interop as torch's: ``np.asarray(t)`` shares t's memory, a numpy
    # function or ufunc on tensors gives a Tensor (``__array_wrap__``), and a
    # tensor that requires grad is refused as in ``numpy()``. (numpy's current
    # signatures, so numpy warns nothing; torch's older ones make it warn.)
    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError(messages.NUMPY_REQUIRES_GRAD)
        if copy is False:
            # torch's __array__ takes no ``copy``: numpy can't promise not to copy
            raise ValueError(messages.NUMPY_COPY_FALSE)
        a = self._data
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # torch: a bool result becomes uint8 (jitgrad has no uint8: it stays bool),
        # a scalar result a 0-d tensor; a dtype jitgrad lacks is from_numpy's TypeError
        dtypes.from_numpy(array.dtype)
        return _wrap(array)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(messages.item_not_scalar(self._data.size))
        return self._data.reshape(-1)[0].item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        if self._data.size != 1:
            raise ValueError(messages.SCALAR_CONVERSION)
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError(messages.SCALAR_CONVERSION)
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(-1)[0])

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self):
        suffixes = []
        d = self.dtype
        if d is not dtypes.get_default_dtype() and (
                d not in (dtypes.int64, dtypes.bool_) or self._data.size == 0):
            suffixes.append(f"dtype={d!r}")
        if self._grad_fn is not None:
            suffixes.append(f"grad_fn=<{type(self._grad_fn).__name__}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(self._data, suffixes=suffixes)

    __str__ = __repr__

    __hash__ = object.__hash__

    # ------------------------------------------------------------ autograd state
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self._grad_fn is not None:
            raise RuntimeError(messages.REQUIRES_GRAD_NON_LEAF)
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(messages.REQUIRES_GRAD_SETTER)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None and not requires_grad:
            raise RuntimeError(messages.REQUIRES_GRAD_NON_LEAF)
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(messages.REQUIRES_GRAD_METHOD)
        if self._grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(messages.NON_LEAF_GRAD_ACCESS, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got "
                                f"grad of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(messages.grad_assign_size(value.shape, self.shape))
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(messages.grad_assign_dtype(value.dtype._c_name,
                                                              self.dtype._torch_name))
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError(messages.RETAIN_GRAD_NO_REQUIRES)
        if self._grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        from .autograd.hooks import retain_grad_hook
        self._grad_fn.register_prehook(retain_grad_hook(self))

    def register_hook(self, hook):
        from .autograd.hooks import tensor_hook
        return tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        from .autograd.hooks import post_accumulate_grad_hook
        return post_accumulate_grad_hook(self, hook)

    def detach(self):
        t = _wrap(self._data)
        t._vc = self._vc          # torch: a detached tensor shares the version counter
        return t

    def __reduce__(self):
        # pickle and copy.copy, as torch: a leaf of the same class on the same
        # values (copy.copy shares them), requires_grad kept, grad and graph
        # dropped (DataLoader workers send batches this way)
        return _rebuild_tensor, (type(self), self._data, self._requires_grad,
                                 getattr(self, "__dict__", None))

    def __deepcopy__(self, memo):
        # torch: leaves only; values copied, requires_grad and grad kept
        if self._grad_fn is not None:
            raise RuntimeError(messages.DEEPCOPY_NON_LEAF)
        from copy import deepcopy
        t = _rebuild_tensor(type(self), self._data.copy(order="K"), self._requires_grad,
                            deepcopy(getattr(self, "__dict__", None), memo))
        memo[id(self)] = t
        if self._grad is not None:
            t._grad = deepcopy(self._grad, memo)
        return t

    @property
    def _version(self):
        return self._vc[0]

    @property
    def _is_view(self):
        return self._base is not None

    def detach_(self):
        if self._grad_fn is not None:
            self._grad_fn = None
        self._requires_grad = False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        # the common calls (``loss.backward()``, ``y.backward(g)`` with a matching g)
        # go straight to the engine; everything else is validated in autograd.backward
        if inputs is None and not create_graph and self._requires_grad:
            data = self._data
            if gradient is None:
                if data.size == 1:
                    run_backward((self._grad_fn or grad_accumulator(self),),
                                 (_scalar_seed(data),), bool(retain_graph))
                    return
            elif isinstance(gradient, Tensor):
                seed = gradient._data
                if seed.shape == data.shape and seed.dtype == data.dtype:
                    run_backward((self._grad_fn or grad_accumulator(self),), (seed,),
                                 bool(retain_graph))
                    return
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


    def __getitem__(self, key):
        return _indexing.getitem(self, key)

    def __setitem__(self, key, value):
        _indexing.setitem(self, key, value)

    # ------------------------------------------------------------ in-place ops
    def add_(self, other, *, alpha=1):
        return _inplace.binary_(_F._ADD, self, other if alpha == 1 else other * alpha)

    def sub_(self, other, *, alpha=1):
        return _inplace.binary_(_F._SUB, self, other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return _inplace.binary_(_F._MUL, self, other)

    def div_(self, other, *, rounding_mode=None):
        if rounding_mode is not None:
            return _division.div_(self, other, rounding_mode)
        return _inplace.binary_(_F._DIV, self, other)

    def remainder_(self, other):
        return _inplace.binary_(_division.REMAINDER, self, other)

    def fmod_(self, other):
        return _inplace.binary_(_division.FMOD, self, other)

    def floor_divide_(self, other):
        return _division.floor_divide_(self, other)

    def __imod__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x % other, through numpy
        return _inplace.binary_(_division.REMAINDER, self, other)

    def __ifloordiv__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x // other, through numpy
        return _division.floor_divide_(self, other)

    def pow_(self, exponent):
        return _inplace.binary_(_F._POW, self, exponent)

    def __iadd__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x + other, through numpy
        return _inplace.binary_(_F._ADD, self, other)

    def __isub__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x - other, through numpy
        return _inplace.binary_(_F._SUB, self, other)

    def __imul__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x * other, through numpy
        return _inplace.binary_(_F._MUL, self, other)

    def __itruediv__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x / other, through numpy
        return _inplace.binary_(_F._DIV, self, other)

    def __ipow__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented        # torch: then x = x ** other, through numpy
        return _inplace.binary_(_F._POW, self, other)

    def zero_(self):
        return _inplace.fill_(self, 0, zero=True)

    def fill_(self, value):
        return _inplace.fill_(self, value)

    def copy_(self, src, non_blocking=False):
        return _inplace.copy_(self, src)

    def neg_(self):
        return _inplace.apply_(self, _F.neg)

    def exp_(self):
        return _inplace.apply_(self, _F.exp)

    def log_(self):
        return _inplace.apply_(self, _F.log)

    def sqrt_(self):
        return _inplace.apply_(self, _F.sqrt)

    def abs_(self):
        return _inplace.apply_(self, _F.abs)

    def sigmoid_(self):
        return _inplace.apply_(self, _F.sigmoid)

    def tanh_(self):
        return _inplace.apply_(self, _F.tanh)

    def relu_(self):
        return _inplace.apply_(self, _F.relu)

    # pointwise (ops/elementwise.py, ops/pointwise.py)
    def log1p_(self):
        return _inplace.apply_(self, _F.log1p)

    def expm1_(self):
        return _inplace.apply_(self, _F.expm1)

    def sin_(self):
        return _inplace.apply_(self, _F.sin)

    def cos_(self):
        return _inplace.apply_(self, _F.cos)

    def tan_(self):
        return _inplace.apply_(self, _F.tan)

    def sinh_(self):
        return _inplace.apply_(self, _F.sinh)

    def cosh_(self):
        return _inplace.apply_(self, _F.cosh)

    def atan_(self):
        return _inplace.apply_(self, _F.atan)

    def asin_(self):
        return _inplace.apply_(self, _F.asin)

    def acos_(self):
        return _inplace.apply_(self, _F.acos)

    def asinh_(self):
        return _inplace.apply_(self, _FL.asinh)

    def acosh_(self):
        return _inplace.apply_(self, _FL.acosh)

    def atanh_(self):
        return _inplace.apply_(self, _FL.atanh)

    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    def log2_(self):
        return _inplace.apply_(self, _F.log2)

    def log10_(self):
        return _inplace.apply_(self, _F.log10)

    def square_(self):
        return _inplace.apply_(self, _F.square)

    def reciprocal_(self):
        return _inplace.apply_(self, _F.reciprocal)

    def rsqrt_(self):
        return _inplace.apply_(self, _F.rsqrt)

    def sign_(self):
        return _inplace.apply_(self, _F.sign)

    def floor_(self):
        return _inplace.apply_(self, _F.floor)

    def ceil_(self):
        return _inplace.apply_(self, _F.ceil)

    def round_(self, *, decimals=None):
        if decimals is None:
            return _inplace.apply_(self, _F.round)
        return _inplace.apply_(self, lambda t: _pointwise.round_decimals(t, decimals, True))

    def clamp_(self, min=None, max=None):  # noqa: A002
        return _pointwise.clamp_(self, min, max)

    def clip_(self, min=None, max=None):  # noqa: A002
        return _pointwise.clamp_(self, min, max, fname="clip_")

    def clamp_min_(self, min):  # noqa: A002
        return _pointwise.clamp_(self, min, None, "clamp_min", "clamp_min_")

    def clamp_max_(self, max):  # noqa: A002
        return _pointwise.clamp_(self, None, max, "clamp_max", "clamp_max_")

    # torch's pointwise ops (jitgrad/functions.py, ops/pointwise_extra.py)
    def erf_(self):
        return _inplace.apply_(self, _F.erf)

    def erfc_(self):
        return _inplace.apply_(self, _F.erfc)

    def erfinv_(self):
        return _inplace.apply_(self, _F.erfinv)

    def lgamma_(self):
        return _special.lgamma_(self)

    def digamma_(self):
        return _special.digamma_(self)

    def polygamma_(self, n):
        return _special.polygamma_(self, n)

    def trunc_(self):
        return _inplace.apply_(self, _F.trunc)

    def fix_(self):
        return _inplace.apply_(self, _F.trunc)

    def frac_(self):
        return _inplace.apply_(self, _F.frac)

    def hypot_(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("hypot_", "other", "Tensor", other, 1))
        return _inplace.binary_(_F._HYPOT, self, other)

    def xlogy_(self, other):
        if not isinstance(other, (Tensor, *_SCALAR_ARGS)):
            raise _pointwise._invalid("xlogy_", _XLOGY_METHOD_SIGNATURES, [other])
        return _inplace.binary_(_F._XLOGY, self, other)

    def lerp_(self, end=_OMITTED, weight=_OMITTED):
        return _pointwise_extra.lerp_(self, end, weight)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _pointwise_extra.addcmul_(self, tensor1, tensor2, value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _pointwise_extra.addcdiv_(self, tensor1, tensor2, value)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return _pointwise_extra.nan_to_num_(self, nan, posinf, neginf)

    def heaviside_(self, values):
        return _pointwise_extra.heaviside_(self, values)

    # random draws (jitgrad/random.py)
    def uniform_(self, from_=0, to=1, *, generator=None):
        return _random.uniform_(self, from_, to, generator=generator)

    def normal_(self, mean=0, std=1, *, generator=None):
        return _random.normal_(self, mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return _random.bernoulli_(self, p, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        return _random.bernoulli(self, p, generator=generator)

    def random_(self, *args, generator=None, **kwargs):
        return _random.random_(self, *args, generator=generator, **kwargs)

    def exponential_(self, *args, **kwargs):
        return _random.exponential_(self, *args, **kwargs)

    def cauchy_(self, median=0, sigma=1, *, generator=None):
        from . import random_extra
        return random_extra.cauchy_(self, median, sigma, generator=generator)

    def log_normal_(self, mean=1, std=2, *, generator=None):
        from . import random_extra
        return random_extra.log_normal_(self, mean, std, generator=generator)

    def geometric_(self, p, *, generator=None):
        from . import random_extra
        return random_extra.geometric_(self, p, generator=generator)

    def multinomial(self, *args, **kwargs):
        return _random.multinomial_method(self, *args, **kwargs)

    # ------------------------------------------------------------ ops
    def __add__(self, other):
        return _operator(_F._ADD, self, other)

    def __radd__(self, other):
        return _operator(_F._ADD, other, self, True)

    def __sub__(self, other):
        return _operator(_F._SUB, self, other)

    def __rsub__(self, other):
        return _operator(_F._SUB, other, self, True)

    def __mul__(self, other):
        return _operator(_F._MUL, self, other)

    def __rmul__(self, other):
        return _operator(_F._MUL, other, self, True)

    def __truediv__(self, other):
        return _operator(_F._DIV, self, other)

    def __rtruediv__(self, other):
        return _operator(_F._DIV, other, self)

    def __mod__(self, other):
        return _operator(_division.REMAINDER, self, other)

    def __rmod__(self, other):
        return _operator(_division.REMAINDER, other, self, True)

    def __floordiv__(self, other):
        other = _ew.as_operand(other, arrays=False)      # an ndarray: numpy's, as _operator
        return NotImplemented if other is None else _division.floor_divide(self, other)

    def __rfloordiv__(self, other):
        other = _ew.as_operand(other, arrays=False)
        return NotImplemented if other is None else _division.floor_divide(other, self)

    def __pow__(self, exponent):
        return _operator(_F._POW, self, exponent)

    def __rpow__(self, base):
        return _operator(_F._POW, base, self, True)

    # bitwise operators and their methods, logical ops (ops/logical.py)
    def __and__(self, other):
        return _logical.operator("bitwise_and", self, other)

    def __rand__(self, other):
        return _logical.operator("bitwise_and", other, self, True)

    def __or__(self, other):
        return _logical.operator("bitwise_or", self, other)

    def __ror__(self, other):
        return _logical.operator("bitwise_or", other, self, True)

    def __xor__(self, other):
        return _logical.operator("bitwise_xor", self, other)

    def __rxor__(self, other):
        return _logical.operator("bitwise_xor", other, self, True)

    def __lshift__(self, other):
        return _logical.operator("bitwise_left_shift", self, other)

    def __rlshift__(self, other):
        return _logical.operator("bitwise_left_shift", other, self, True)

    def __rshift__(self, other):
        return _logical.operator("bitwise_right_shift", self, other)

    def __rrshift__(self, other):
        return _logical.operator("bitwise_right_shift", other, self, True)

    def __iand__(self, other):
        return _logical.bitwise_("bitwise_and", self, other)

    def __ior__(self, other):
        return _logical.bitwise_("bitwise_or", self, other)

    def __ixor__(self, other):
        return _logical.bitwise_("bitwise_xor", self, other)

    def __ilshift__(self, other):
        return _logical.bitwise_("bitwise_left_shift", self, other)

    def __irshift__(self, other):
        return _logical.bitwise_("bitwise_right_shift", self, other)

    def __invert__(self):
        return _logical.invert(self)

    def bitwise_and(self, other):
        return _logical.bitwise("bitwise_and", self, other, method=True)

    def bitwise_or(self, other):
        return _logical.bitwise("bitwise_or", self, other, method=True)

    def bitwise_xor(self, other):
        return _logical.bitwise("bitwise_xor", self, other, method=True)

    def bitwise_left_shift(self, other):
        return _logical.bitwise("bitwise_left_shift", self, other, method=True)

    def bitwise_right_shift(self, other):
        return _logical.bitwise("bitwise_right_shift", self, other, method=True)

    def bitwise_not(self):
        return _logical.bitwise_not(self)

    bitwise_and_, bitwise_or_, bitwise_xor_ = __iand__, __ior__, __ixor__
    bitwise_left_shift_, bitwise_right_shift_ = __ilshift__, __irshift__

    def bitwise_not_(self):
        return _logical.bitwise_not_(self)

    def logical_and(self, other):
        return _logical.logical("logical_and", self, other, position=1)

    def logical_or(self, other):
        return _logical.logical("logical_or", self, other, position=1)

    def logical_xor(self, other):
        return _logical.logical("logical_xor", self, other, position=1)

    def logical_not(self):
        return _logical.logical("logical_not", self, unary=True)

    def logical_and_(self, other):
        return _logical.logical_("logical_and", self, other)

    def logical_or_(self, other):
        return _logical.logical_("logical_or", self, other)

    def logical_xor_(self, other):
        return _logical.logical_("logical_xor", self, other)

    def logical_not_(self):
        return _logical.logical_("logical_not", self, unary=True)

    def __matmul__(self, other):
        return _F.matmul(self, other) if isinstance(other, Tensor) else NotImplemented

    def __rmatmul__(self, other):
        return _F.matmul(other, self) if isinstance(other, Tensor) else NotImplemented

    def __neg__(self):
        return _F.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _F.abs(self)

    def __lt__(self, other):
        other = _ew.as_operand(other, arrays=False)
        return NotImplemented if other is None else _ew.compare("lt", self, other)

    def __le__(self, other):
        other = _ew.as_operand(other, arrays=False)
        return NotImplemented if other is None else _ew.compare("le", self, other)

    def __gt__(self, other):
        other = _ew.as_operand(other, arrays=False)
        return NotImplemented if other is None else _ew.compare("gt", self, other)

    def __ge__(self, other):
        other = _ew.as_operand(other, arrays=False)
        return NotImplemented if other is None else _ew.compare("ge", self, other)

    def __eq__(self, other):
        if isinstance(other, complex):
            raise TypeError(messages.COMPLEX_UNSUPPORTED)
        other = _ew.as_operand(other)
        return NotImplemented if other is None else _ew.compare("eq", self, other)

    def __ne__(self, other):
        if isinstance(other, complex):
            raise TypeError(messages.COMPLEX_UNSUPPORTED)
        other = _ew.as_operand(other)
        return NotImplemented if other is None else _ew.compare("ne", self, other)

    def add(self, other, *, alpha=1):
        return _F.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _F.sub(self, other, alpha=alpha)

    def mul(self, other):
        return _F.mul(self, other)

    def div(self, other, *, rounding_mode=None):
        return _F.div(self, other, rounding_mode=rounding_mode)

    def pow(self, exponent):
        return _F.pow(self, exponent)

    def remainder(self, other):
        return _F.remainder(self, other)

    def fmod(self, other):
        return _F.fmod(self, other)

    def floor_divide(self, other):
        return _F.floor_divide(self, other)

    def true_divide(self, other):
        return _F.true_divide(self, other)

    def divide(self, other, *, rounding_mode=None):
        return _F.div(self, other, rounding_mode=rounding_mode)

    def neg(self):
        return _F.neg(self)

    def exp(self):
        return _F.exp(self)

    def log(self):
        return _F.log(self)

    def sqrt(self):
        return _F.sqrt(self)

    def abs(self):
        return _F.abs(self)

    def sigmoid(self):
        return _F.sigmoid(self)

    def tanh(self):
        return _F.tanh(self)

    def relu(self):
        return _F.relu(self)

    def log1p(self):
        return _F.log1p(self)

    def expm1(self):
        return _F.expm1(self)

    def sin(self):
        return _F.sin(self)

    def cos(self):
        return _F.cos(self)

    def tan(self):
        return _F.tan(self)

    def sinh(self):
        return _F.sinh(self)

    def cosh(self):
        return _F.cosh(self)

    def atan(self):
        return _F.atan(self)

    def asin(self):
        return _F.asin(self)

    def acos(self):
        return _F.acos(self)

    def asinh(self):
        return _FL.asinh(self)

    def acosh(self):
        return _FL.acosh(self)

    def atanh(self):
        return _FL.atanh(self)

    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def select(self, dim, index):
        return _FL.select_method(self, dim, index)

    def broadcast_to(self, size):
        return self.expand(size)

    def log2(self):
        return _F.log2(self)

    def log10(self):
        return _F.log10(self)

    def square(self):
        return _F.square(self)

    def reciprocal(self):
        return _F.reciprocal(self)

    def rsqrt(self):
        return _F.rsqrt(self)

    def sign(self):
        return _F.sign(self)

    def floor(self):
        return _F.floor(self)

    def ceil(self):
        return _F.ceil(self)

    def round(self, *, decimals=_OMITTED):
        if decimals is _OMITTED:
            return _F.round(self)
        if decimals is None:
            raise TypeError(messages.must_be("round", "decimals", "int", None))
        return _pointwise.round_decimals(self, decimals, method=True)

    def maximum(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("maximum", "other", "Tensor", other, 1))
        return _F.maximum(self, other)

    def minimum(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("minimum", "other", "Tensor", other, 1))
        return _F.minimum(self, other)

    def isnan(self):
        return _F.isnan(self)

    def isinf(self):
        return _F.isinf(self)

    def isfinite(self):
        return _F.isfinite(self)

    def atan2(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("atan2", "other", "Tensor", other, 1))
        return _F.atan2(self, other)

    def atan2_(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("atan2_", "other", "Tensor", other, 1))
        return _inplace.binary_(_F._ATAN2, self, other)

    def clamp(self, min=None, max=None):  # noqa: A002
        return _pointwise.clamp(self, min, max, method=True)

    def clip(self, min=None, max=None):  # noqa: A002
        return _pointwise.clamp(self, min, max, fname="clip", method=True)

    def clamp_min(self, min):  # noqa: A002
        return _pointwise.clamp_min(self, min, method=True)

    def clamp_max(self, max):  # noqa: A002
        return _pointwise.clamp_max(self, max, method=True)

    def erf(self):
        return _F.erf(self)

    def erfc(self):
        return _F.erfc(self)

    def erfinv(self):
        return _F.erfinv(self)

    def lgamma(self):
        return _special.lgamma(self)

    def digamma(self):
        return _special.digamma(self)

    def polygamma(self, n):
        return _special.polygamma(n, self)

    def trunc(self):
        return _F.trunc(self)

    def fix(self):
        return _F.trunc(self)

    def frac(self):
        return _F.frac(self)

    def hypot(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("hypot", "other", "Tensor", other, 1))
        return _F.hypot(self, other)

    def logaddexp(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("logaddexp", "other", "Tensor", other, 1))
        return _F.logaddexp(self, other)

    def logaddexp2(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(messages.must_be("logaddexp2", "other", "Tensor", other, 1))
        return _F.logaddexp2(self, other)

    def xlogy(self, other):
        if not isinstance(other, (Tensor, *_SCALAR_ARGS)):
            raise _pointwise._invalid("xlogy", _XLOGY_METHOD_SIGNATURES, [other])
        return _F.xlogy(self, other)

    def lerp(self, end=_OMITTED, weight=_OMITTED):
        return _pointwise_extra.lerp(self, end, weight, method=True)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return _pointwise_extra.addcmul(self, tensor1, tensor2, value, method=True)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _pointwise_extra.addcdiv(self, tensor1, tensor2, value, method=True)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _pointwise_extra.nan_to_num(self, nan, posinf, neginf)

    def heaviside(self, values):
        return _pointwise_extra.heaviside(self, values, method=True)

    def where(self, condition, y):
        return _pointwise.where_method(self, condition, y)

    def softmax(self, dim, dtype=None):
        return _F.softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return _F.log_softmax(self, dim, dtype)

    def hardshrink(self, lambd=0.5):
        from .ops.activations_extra import hardshrink
        return hardshrink(self, lambd)

    def prelu(self, weight):
        from .nn.functional import prelu
        return prelu(self, weight)

    def lt(self, other):
        return _F.lt(self, other)

    def le(self, other):
        return _F.le(self, other)

    def gt(self, other):
        return _F.gt(self, other)

    def ge(self, other):
        return _F.ge(self, other)

    def eq(self, other):
        return _F.eq(self, other)

    def ne(self, other):
        return _F.ne(self, other)

    def equal(self, other):
        return _F.equal(self, other)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _F.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _F.allclose(self, other, rtol, atol, equal_nan)

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _F.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _F.mean(self, dim, keepdim, dtype=dtype)

    def any(self, dim=None, keepdim=False):
        return _F.any(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _F.all(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return _F.norm(self, p, dim, keepdim, dtype)

    # torch.linalg's methods (jitgrad/ops/linalg_decomp.py)
    def inverse(self):
        return _F.inverse(self)

    def det(self):
        return _F.det(self)

    def logdet(self):
        return _F.logdet(self)

    def slogdet(self):
        return _F.slogdet(self)

    def svd(self, some=True, compute_uv=True):
        return _F.svd(self, some, compute_uv)

    def cholesky(self, upper=False):
        return _F.cholesky(self, upper)

    def cross(self, other, dim=None):
        return _F.cross(self, other, dim)

    def qr(self, some=True):
        return _F.qr(self, some)

    def pinverse(self, rcond=1e-15):
        return _F.pinverse(self, rcond)

    def matrix_power(self, n):
        from .ops.linalg_decomp import matrix_power
        return matrix_power(self, n, arg_name=("matrix_power", 1))

    def matrix_exp(self):
        return _F.matrix_exp(self)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):
        return _F.triangular_solve(self, A, upper, transpose, unitriangular)

    def max(self, dim=_OMITTED, keepdim=None, *, other=None):
        return _F.max(self, dim, keepdim, other=other)

    def min(self, dim=_OMITTED, keepdim=None, *, other=None):
        return _F.min(self, dim, keepdim, other=other)

    def amax(self, dim=(), keepdim=False):
        return _F.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _F.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _F.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _F.argmin(self, dim, keepdim)

    def prod(self, dim=_OMITTED, keepdim=False, *, dtype=None):
        return _F.prod(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _F.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _F.std(self, dim, unbiased, keepdim, correction=correction)

    def logsumexp(self, *args, **kwargs):       # (dim, keepdim=False); dim is required
        return _F.logsumexp(self, *args, **kwargs)

    def cumsum(self, *args, **kwargs):          # (dim, *, dtype=None); dim is required
        return _F.cumsum(self, *args, **kwargs)

    # sorting and selection (ops/selection.py): sort/argsort take torch's two overloads
    def sort(self, *args, **kwargs):
        dim, descending, stable, node = _selection.parse_sort_args("sort", True, args, kwargs)
        return _selection.sort(self, dim, descending, stable, node)

    def argsort(self, *args, **kwargs):
        dim, descending, stable, _ = _selection.parse_sort_args("argsort", True, args, kwargs)
        return _selection.argsort(self, dim, descending, stable)

    def msort(self):
        return _selection.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return _selection.topk_checked(self, k, dim, largest, sorted, position=1)

    def matmul(self, other):
        return _F.matmul(self, other)

    def mm(self, mat2):
        return _F.mm(self, mat2)

    def reshape(self, *shape):
        return _views.reshape(self, *shape)

    def view(self, *shape):
        return _views.view(self, *shape)

    def view_as(self, other):
        return _views.view(self, tuple(other.shape))

    def reshape_as(self, other):
        return _views.reshape(self, tuple(other.shape))

    def transpose(self, dim0, dim1):
        return _views.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _views.t(self)

    def permute(self, *dims):
        return _views.permute(self, *dims)

    @property
    def T(self):
        return _views.numpy_T(self)

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(messages.mT_needs_matrices(self._data.ndim))
        return _views.transpose(self, -2, -1)

    def flatten(self, start_dim=0, end_dim=-1):
        return _shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=_OMITTED):
        return _F.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _shape.unsqueeze(self, dim)

    def expand(self, *sizes):
        return _shape.expand(self, *sizes)

    def expand_as(self, other):
        return _shape.expand_as(self, other)

    def repeat(self, *sizes):
        return _shape.repeat(self, *sizes)

    def contiguous(self, memory_format=None):
        return _shape.contiguous(self)

    def split(self, split_size, dim=0):
        return _shape.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _shape.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _shape.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _shape.narrow(self, dim, start, length)

    def gather(self, dim, index, *, sparse_grad=False):
        return _shape.gather(self, dim, index)

    def index_select(self, dim, index):
        return _shape.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return _shape.masked_fill(self, mask, value)

    # scatter/index_*/masked_*/take/nonzero (ops/scatter.py), scans and in-place
    # view ops (ops/scans.py)
    def nonzero(self, *, as_tuple=False):
        return _scatter.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _scatter.argwhere(self)

    def masked_select(self, mask):
        return _scatter.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return _scatter.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return _scatter.masked_scatter_(self, mask, source)

    def masked_fill_(self, mask, value):
        return _scatter.masked_fill_(self, mask, value)

    def take(self, index):
        return _scatter.take(self, index)

    def take_along_dim(self, indices, dim=None):
        return _scatter.take_along_dim(self, indices, dim)

    def scatter(self, dim, index, src=None, value=None, *, reduce=None):
        return _scatter.scatter(self, dim, index, src, value, reduce)

    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        return _scatter.scatter_(self, dim, index, src, value, reduce)

    def scatter_add(self, dim, index, src):
        return _scatter.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return _scatter.scatter_add_(self, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _scatter.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return _scatter.scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)

    def index_add(self, dim, index, source, *, alpha=1):
        return _scatter.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return _scatter.index_add_(self, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return _scatter.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return _scatter.index_copy_(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return _scatter.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return _scatter.index_fill_(self, dim, index, value)

    def index_put(self, indices, values, accumulate=False):
        return _scatter.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return _scatter.index_put_(self, indices, values, accumulate)

    def cumprod(self, dim, *, dtype=None):
        return _scans.cumprod(self, dim, dtype)

    def cumprod_(self, dim, *, dtype=None):
        return _scans.cumprod_(self, dim, dtype)

    def cummax(self, dim):
        return _scans.cummax(self, dim)

    def cummin(self, dim):
        return _scans.cummin(self, dim)

    def logcumsumexp(self, dim):
        return _scans.logcumsumexp(self, dim)

    def squeeze_(self, dim=None):
        return _scans.squeeze_(self, dim)

    def unsqueeze_(self, dim):
        return _scans.unsqueeze_(self, dim)

    def t_(self):
        return _scans.t_(self)

    def transpose_(self, dim0, dim1):
        return _scans.transpose_(self, dim0, dim1)

    swapaxes_ = swapdims_ = transpose_

    def resize_(self, *sizes, memory_format=None):
        return _scans.resize_(self, *sizes)

    # tril/triu, flip, roll (ops/structure.py)
    def tril(self, diagonal=0):
        return _structure.tril(self, diagonal, position=1)

    def triu(self, diagonal=0):
        return _structure.tril(self, diagonal, upper=True, position=1)

    def tril_(self, diagonal=0):
        return _structure.tril_(self, diagonal)

    def triu_(self, diagonal=0):
        return _structure.tril_(self, diagonal, upper=True)

    def flip(self, *dims):
        if not dims:
            raise TypeError(messages.missing_argument("flip", "dims"))
        one = len(dims) == 1 and not _structure.is_int(dims[0])     # x.flip([0, 1])
        return _structure.flip(self, dims[0] if one else dims, position=1)

    def fliplr(self):
        return _structure.fliplr(self)

    def flipud(self):
        return _structure.flipud(self)

    def roll(self, shifts, dims=None):
        return _structure.roll(self, shifts, dims, position=1)

    # kthvalue/median/mode/quantile/unique (ops/selection_more.py), rot90/diag/diagonal/
    # trace/kron (ops/structure_more.py), repeat_interleave/tensor_split/movedim/bincount/
    # histc (ops/combining.py)
    def kthvalue(self, k, dim=-1, keepdim=False):
        return _sel_more.kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return _sel_more.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return _sel_more.nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return _sel_more.mode(self, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _sel_more.quantile(self, q, dim, keepdim, interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _sel_more.quantile(self, q, dim, keepdim, interpolation, ignore_nan=True)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        return _sel_more.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _sel_more.unique_consecutive(self, return_inverse, return_counts, dim)

    def rot90(self, k=1, dims=(0, 1)):
        return _struct_more.rot90(self, k, dims)

    def diag(self, diagonal=0):
        return _struct_more.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _struct_more.diag_embed(self, offset, dim1, dim2)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _struct_more.diagonal(self, offset, dim1, dim2)

    def trace(self):
        return _struct_more.trace(self)

    def kron(self, other):
        return _struct_more.kron(self, other)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return _combining.repeat_interleave(self, repeats, dim, output_size=output_size)

    def tensor_split(self, indices_or_sections=None, dim=0, **kwargs):
        return _combining.tensor_split(self, indices_or_sections, dim, **kwargs)

    def movedim(self, source, destination):
        return _combining.movedim(self, source, destination)

    moveaxis = movedim

    def bincount(self, weights=None, minlength=0):
        return _combining.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002
        return _combining.histc(self, bins, min, max)

    def dot(self, tensor):
        return _F.dot(self, tensor)

    def mv(self, vec):
        return _F.mv(self, vec)

    def bmm(self, mat2):
        return _F.bmm(self, mat2)

    def outer(self, vec2):
        return _F.outer(self, vec2)

    def ger(self, vec2):
        return _F.ger(self, vec2)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _F.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def to(self, *args, **kwargs):
        from .device import to
        return to(self, *args, **kwargs)

    def type(self, dtype=None):
        if dtype is None:
            return "jitgrad." + {"Float": "FloatTensor", "Double": "DoubleTensor", "Long": "LongTensor",
                                 "Int": "IntTensor", "Bool": "BoolTensor"}[self.dtype._torch_name]
        if isinstance(dtype, str) and dtype.split(".")[0] in ("torch", "jitgrad"):
            import jitgrad                  # 'torch.LongTensor': the legacy constructor's name
            dtype = getattr(jitgrad, dtype.split(".", 1)[1])
        return self.to(getattr(dtype, "dtype", dtype))

    def type_as(self, tensor):
        return self.to(tensor.dtype)

    def new(self, *args, **kwargs):
        """The legacy constructor in this tensor's dtype: ``x.new()`` (empty),
        ``x.new(2, 3)`` / ``x.new(Size)`` (uninitialised), ``x.new(data)``."""
        from .factories import empty, tensor
        if set(kwargs) - {"device"}:             # (no dtype=, requires_grad=: torch's refusal)
            raise _pointwise._invalid("new", messages.NEW_SIGNATURES, list(args), kwargs)
        if not args:
            return empty(0, dtype=self.dtype)
        if len(args) == 1 and isinstance(args[0], Tensor):
            other = args[0]
            if other.dtype is not self.dtype:
                raise TypeError(messages.new_tensor_options(self.dtype, other.dtype))
            return other.detach()
        if isinstance(args[0], Size) or all(isinstance(a, (int, np.integer)) and
                                            not isinstance(a, bool) for a in args):
            return empty(*args, dtype=self.dtype)
        (data,) = args
        return tensor(data, dtype=self.dtype)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        from .factories import tensor
        return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device,
                      requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import empty
        return empty(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                     requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import zeros
        return zeros(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                     requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import ones
        return ones(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                    requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        from .factories import full
        return full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                    device=device, requires_grad=requires_grad)

    def float(self):
        return _ew.cast(self, np.dtype(np.float32))

    def double(self):
        return _ew.cast(self, np.dtype(np.float64))

    def long(self):
        return _ew.cast(self, np.dtype(np.int64))

    def int(self):
        return _ew.cast(self, np.dtype(np.int32))

    def bool(self):
        return _ew.cast(self, np.dtype(np.bool_))

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        raise RuntimeError("jitgrad runs on the CPU only; there is no CUDA device")

    def half(self):
        raise TypeError("jitgrad has no float16 dtype; use float() or double()")

    def clone(self):
        from .ops.views import clone
        return clone(self)


# np.sum(t) / np.mean(t) call t.sum(axis=None, out=None); torch's argument parser
# answers "sum() got an unexpected keyword argument 'axis'", which is Python's
# message too once the method's qualified name lacks its class
Tensor.sum.__qualname__ = "sum"
Tensor.mean.__qualname__ = "mean"


_seeds = {}


def _scalar_seed(arr):
    """A read-only array of ones shaped like ``arr`` (the engine never writes
    to a borrowed seed)."""
    key = (arr.shape, arr.dtype)
    seed = _seeds.get(key)
    if seed is None:
        seed = _seeds[key] = np.ones(arr.shape, arr.dtype)
        seed.flags.writeable = False
    return seed


def _init(t, arr, requires_grad=False):
    t._data = arr
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = None
    t._accumulator = None
    t._retains_grad = False
    t._vc = [0]
    t._base = None


_new = object.__new__


def _rebuild_tensor(cls, arr, requires_grad, state=None):
    """Unpickling (and copying) a Tensor: a leaf of ``cls`` on ``arr``."""
    t = _new(cls)
    _init(t, arr, requires_grad)
    if state:
        t.__dict__.update(state)
    return t


def _wrap(arr):
    """A new leaf Tensor on ``arr`` (no copy); the hot-path constructor."""
    t = _new(Tensor)
    t._data = arr
    t._requires_grad = False
    t._grad = None
    t._grad_fn = None
    t._accumulator = None
    t._retains_grad = False
    t._vc = [0]
    t._base = None
    return t


def _wrap_result(arr, node):
    """A new non-leaf Tensor produced by ``node``."""
    t = _new(Tensor)
    t._data = arr
    t._requires_grad = True
    t._grad = None
    t._grad_fn = node
    t._accumulator = None
    t._retains_grad = False
    t._vc = [0]
    t._base = None
    if _anomaly[0]:
        _record_forward(node)
    return t


def _wrap_view(arr, base, node=None):
    """A view of ``base`` on ``arr``: it shares the version counter, so an
    in-place change through either is seen by the graph of both."""
    t = _new(Tensor)
    t._data = arr
    t._requires_grad = node is not None
    t._grad = None
    t._grad_fn = node
    t._accumulator = None
    t._retains_grad = False
    t._vc = base._vc
    t._base = base._base if base._base is not None else base
    return t


from . import functions as _F  # noqa: E402  (functions import Tensor)
from . import autograd as _autograd  # noqa: E402
from .autograd.engine import run_backward  # noqa: E402
from .autograd.anomaly_mode import record as _record_forward  # noqa: E402
from .autograd.anomaly_mode import state as _anomaly  # noqa: E402
from .autograd.graph import grad_accumulator  # noqa: E402
from .ops import elementwise as _ew  # noqa: E402
from .functions import _operator  # noqa: E402
from .ops import views as _views  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import division as _division  # noqa: E402
from .ops import pointwise as _pointwise  # noqa: E402
from .ops import special as _special  # noqa: E402
from .ops import pointwise_extra as _pointwise_extra  # noqa: E402
from .ops import indexing as _indexing  # noqa: E402
from . import random as _random  # noqa: E402
from .ops import shape_ops as _shape  # noqa: E402
from .ops import selection as _selection  # noqa: E402
from .ops import structure as _structure  # noqa: E402
from .ops import scatter as _scatter  # noqa: E402
from .ops import scans as _scans  # noqa: E402
from .ops import selection_more as _sel_more  # noqa: E402
from .ops import structure_more as _struct_more  # noqa: E402
from .ops import combining as _combining  # noqa: E402
from .ops import logical as _logical  # noqa: E402
from . import functions_logical as _FL  # noqa: E402

_SCALAR_ARGS = _ew._SCALARS                 # what torch's parser takes as a Number
_XLOGY_METHOD_SIGNATURES = ["(Tensor other)", "(Number other)"]
