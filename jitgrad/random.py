"""Random numbers: torch's CPU generator, bit for bit.

A ``Generator`` holds ATen's mt19937 state (624 words and a cursor, in numpy
arrays) and the cached second sample of the scalar Box-Muller path, so that
``jitgrad.manual_seed(s)`` followed by any sequence of ``rand``, ``randn``,
``randint``, ``randperm``, ``uniform_``, ``normal_``, ``bernoulli``,
``exponential_`` and ``multinomial`` draws
gives exactly torch's values, and leaves the generator where torch leaves
it. The algorithms (which words each distribution consumes and how they
become numbers) are described in ``kernels/random.py``; here are the
argument checks, dtypes and the order in which a tensor's elements are
filled (memory order, as TensorIterator walks them).

As in torch, ``Generator()`` starts from the seed 67280421310721 and the
default generator from a nondeterministic seed until ``manual_seed``.
"""
import numbers
import os
import warnings

import numpy as np

from . import dtypes, messages
from .autograd.graph import MetadataNode, edge, node_class
from .autograd.grad_mode import state as grad_state
from .device import check_device, cpu
from .factories import _finish, _float_dtype, _size
from .kernels import random as _k
from .ops.inplace import check_inplace
from .tensor import Tensor, _wrap, _wrap_result
from .autograd.anomaly_mode import maybe_record

DEFAULT_SEED = 67280421310721

# torch.get_rng_state()'s bytes: ATen's CPUGeneratorImplState (x86-64 layout)
_STATE = np.dtype([("seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
                   ("state", "<u8", 624), ("normal_x", "<f8"), ("normal_y", "<f8"),
                   ("normal_rho", "<f8"), ("normal_valid", "<i4"), ("pad", "<i4"),
                   ("float_normal", "<f4"), ("float_valid", "u1"), ("pad2", "u1", 3)])
assert _STATE.itemsize == 5056

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_MAX = {_F32: float(np.finfo(np.float32).max), _F64: float(np.finfo(np.float64).max)}


class Generator:
    """torch.Generator for the CPU: ``manual_seed``, ``initial_seed``, ``seed``,
    ``get_state``/``set_state`` (torch's 5056-byte layout)."""
    __slots__ = ("_mt", "_pos", "_normal", "_float_normal", "_seed", "__weakref__")

    def __init__(self, device="cpu"):
        check_device(device)
        self._mt = np.zeros(624, np.uint32)
        self._pos = np.zeros(2, np.int64)       # ATen's (left, next)
        self._normal = np.zeros(2)              # cached double normal sample: (valid, value)
        self._float_normal = None               # ATen's float cache: only state I/O sees it
        self._reseed(DEFAULT_SEED)

    @property
    def device(self):
        return cpu

    def _reseed(self, seed):
        self._seed = seed
        _k.mt_seed(self._mt, self._pos, seed & 0xFFFFFFFF)
        self._normal[0] = 0.0
        self._float_normal = None

    def manual_seed(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise RuntimeError(messages.manual_seed_type(type(seed).__name__))
        self._reseed(_seed_value(int(seed)))
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        s = int.from_bytes(os.urandom(8), "little")
        self._reseed(s)
        return s

    def get_state(self):
        """torch's byte layout, as an int64 tensor of 5056 values in [0, 256)
        (jitgrad has no uint8 dtype); ``set_state`` also takes torch's own
        ByteTensor or a numpy uint8 array."""
        st = np.zeros((), _STATE)
        st["seed"] = self._seed
        st["left"] = self._pos[0]
        st["seeded"] = 1
        st["next"] = self._pos[1]
        st["state"] = self._mt
        if self._normal[0]:
            st["normal_valid"] = 1
            st["normal_y"] = self._normal[1]
        if self._float_normal is not None:
            st["float_valid"] = 1
            st["float_normal"] = self._float_normal
        return _wrap(np.frombuffer(st.tobytes(), np.uint8).astype(np.int64))

    def set_state(self, new_state):
        data = new_state._data if isinstance(new_state, Tensor) else np.asarray(new_state)
        if data.dtype.kind not in "iu" or (data.size and (data.min() < 0 or data.max() > 255)):
            raise TypeError(messages.RNG_STATE_TYPE)
        if data.size != _STATE.itemsize:
            raise RuntimeError(messages.rng_state_size(_STATE.itemsize, data.size))
        st = np.frombuffer(data.astype(np.uint8).tobytes(), _STATE)[0]
        left, nxt = int(st["left"]), int(st["next"]) & 0xFFFFFFFF
        # ATen's test, plus left + next <= 625 (every state ATen reaches has
        # 1 or 625; beyond it ATen would read past its 624 words)
        if not st["seeded"] or not 0 < left <= 624 or nxt > 624 or left + nxt > 625:
            raise RuntimeError(messages.INVALID_MT_STATE)
        self._seed = int(st["seed"])
        self._mt[:] = st["state"].astype(np.uint32)      # ATen keeps the low 32 bits
        self._pos[0] = left
        self._pos[1] = nxt
        self._normal[0] = 1.0 if st["normal_valid"] else 0.0
        self._normal[1] = st["normal_y"] if st["normal_valid"] else 0.0
        self._float_normal = float(st["float_normal"]) if st["float_valid"] else None
        return self

    def clone_state(self):
        g = Generator()
        g._mt[:] = self._mt
        g._pos[:] = self._pos
        g._normal[:] = self._normal
        g._float_normal = self._float_normal
        g._seed = self._seed
        return g


def _seed_value(seed):
    # torch unpacks a seed as a uint64, taking negative values modulo 2**64
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError(messages.SEED_OVERFLOW)
    return seed & 0xFFFFFFFFFFFFFFFF


default_generator = Generator()
default_generator.seed()


def manual_seed(seed):
    default_generator._reseed(_seed_value(int(seed)))
    return default_generator


def initial_seed():
    return default_generator.initial_seed()


def seed():
    return default_generator.seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


# ------------------------------------------------------------ argument checks

def _got(args, kwargs):
    """How torch's argument parser lists the arguments it got."""
    def name(v):
        if isinstance(v, Tensor):
            return "Tensor"
        if isinstance(v, Generator):
            return "torch.Generator"
        if isinstance(v, dtypes.dtype):
            return "torch.dtype"
        return type(v).__name__
    kw = [f"{k}={name(v)}" for k, v in sorted(kwargs.items()) if v is not None]
    pos = [name(a) for a in args]
    return ", ".join(pos + kw) if pos else "".join(k + ", " for k in kw)


def _generator(generator, fname, signatures, args, dtype=None):
    # (called only when a generator is given)
    if isinstance(generator, Generator):
        return generator
    raise TypeError(messages.invalid_arguments(
        fname, _got(args, {"generator": generator, "dtype": dtype}), signatures))


def _method_generator(generator, fname):
    if generator is None:
        return default_generator
    if isinstance(generator, Generator):
        return generator
    raise TypeError(messages.argument_type(fname, "generator", "torch.Generator",
                                           type(generator).__name__))


def _float_arg(v, fname, arg, position):
    if type(v) is float or type(v) is int:
        return float(v)
    if isinstance(v, Tensor) and v._data.size == 1:
        return float(v._data.reshape(-1)[0])
    if not isinstance(v, numbers.Real):
        raise TypeError(messages.argument_type(fname, arg, "float", type(v).__name__, position))
    return float(v)


def _float_kernel(np_dtype, kernel_name):
    if np_dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            kernel_name, dtypes.from_numpy(np_dtype)._torch_name))


# ------------------------------------------------------------ filling arrays

_orders = {}


def _iteration_order(a):
    """The axis permutation that walks ``a`` in memory order (outermost =
    largest stride), as TensorIterator does; memoised on shape and strides."""
    key = (a.shape, a.strides)
    perm = _orders.get(key)
    if perm is None:
        perm = _orders[key] = tuple(sorted(range(a.ndim), key=lambda d: -abs(a.strides[d])))
    return perm


def _check_overlap(a):
    # an expanded tensor: several elements share one memory location
    for n, st in zip(a.shape, a.strides):
        if st == 0 and n > 1:
            raise RuntimeError(messages.INTERNAL_OVERLAP)


def _fill(a, draw):
    """Run ``draw(flat)`` so that ``flat`` holds a's elements in iteration
    order: straight into a's memory when it is contiguous."""
    if a.flags.c_contiguous:
        draw(a.reshape(-1))
        return
    _check_overlap(a)
    view = np.transpose(a, _iteration_order(a))
    buf = np.empty(a.size, a.dtype)
    draw(buf)
    view[...] = buf.reshape(view.shape)


# (the float32 kernels take their bounds as Python floats and round them to
# float32 themselves, as ATen's static_cast<float> does)
def _uniform_into(g, flat, lo, hi):
    if flat.dtype == _F32:
        _k.uniform_f32(g._mt, g._pos, flat, lo, hi)
    else:
        _k.uniform_f64(g._mt, g._pos, flat, lo, hi)


def _normal_into(g, flat, mean, std, contiguous=True):
    if flat.size >= 16 and contiguous:
        if flat.dtype == _F32:
            _k.normal_fill_f32(g._mt, g._pos, flat, mean, std)
        else:
            _k.normal_fill_f64(g._mt, g._pos, flat, mean, std)
    else:
        _k.normal_serial(g._mt, g._pos, g._normal, flat, mean, std)


def _normal_fill(g, a, mean, std):
    if a.flags.c_contiguous:
        _normal_into(g, a.reshape(-1), mean, std)
    else:
        # the element-by-element path, whatever the size
        _fill(a, lambda flat: _normal_into(g, flat, mean, std, contiguous=False))


# ------------------------------------------------------------ factories

def _shape(fname, size, generator, dtype):
    """The shape of a factory's ``*size`` (the common all-int case first)."""
    for s in size:
        if type(s) is not int or s < 0:
            return _size(size)
    if not size:
        raise TypeError(messages.invalid_arguments(
            fname, _got((), {"generator": generator, "dtype": dtype}), messages.SIZE_SIGNATURES))
    return size


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    g = default_generator if generator is None else _generator(
        generator, "rand", messages.SIZE_SIGNATURES, size, dtype)
    if device is not None:
        check_device(device)
    np_dtype = _float_dtype(dtype)
    arr = np.empty(_shape("rand", size, generator, dtype), np_dtype)
    if np_dtype.kind != "f":
        _float_kernel(np_dtype, "check_uniform_bounds")
    if arr.size:
        _uniform_into(g, arr.reshape(-1), 0.0, 1.0)
    return _finish(arr, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    g = default_generator if generator is None else _generator(
        generator, "randn", messages.SIZE_SIGNATURES, size, dtype)
    if device is not None:
        check_device(device)
    np_dtype = _float_dtype(dtype)
    arr = np.empty(_shape("randn", size, generator, dtype), np_dtype)
    if np_dtype.kind != "f":
        _float_kernel(np_dtype, "normal_kernel_cpu")
    if arr.size:
        _normal_into(g, arr.reshape(-1), 0.0, 1.0)
    return _finish(arr, requires_grad)


def _empty_like(a, np_dtype):
    """torch's empty_like (preserve_format): a dense input's strides are kept,
    anything else gets a contiguous result."""
    if a.flags.c_contiguous:
        return np.empty(a.shape, np_dtype)
    perm = _iteration_order(a)
    expected = a.itemsize
    for d in reversed(perm):
        if a.shape[d] != 1:
            if abs(a.strides[d]) != expected:
                return np.empty(a.shape, np_dtype)
            expected *= a.shape[d]
    return np.transpose(np.empty(tuple(a.shape[d] for d in perm), np_dtype), np.argsort(perm))


def _like(fname, kernel_name, input, generator, dtype, device, requires_grad, draw):
    check_device(device)
    if not isinstance(input, Tensor):
        raise TypeError(messages.argument_type(fname, "input", "Tensor",
                                               type(input).__name__, 1))
    g = default_generator if generator is None else _generator(
        generator, fname, messages.LIKE_SIGNATURES, (input,), dtype)
    np_dtype = dtypes.to_dtype(dtype).numpy if dtype is not None else input._data.dtype
    _float_kernel(np_dtype, kernel_name)
    out = _empty_like(input._data, np_dtype)
    if out.size:
        draw(g, out)
    return _finish(out, requires_grad)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False,
              memory_format=None):
    return _like("rand_like", "check_uniform_bounds", input, generator, dtype, device,
                 requires_grad, lambda g, a: _fill(a, lambda f: _uniform_into(g, f, 0.0, 1.0)))


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False,
               memory_format=None):
    return _like("randn_like", "normal_kernel_cpu", input, generator, dtype, device,
                 requires_grad, lambda g, a: _normal_fill(g, a, 0.0, 1.0))


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) or (
        isinstance(v, Tensor) and v._data.size == 1 and v._data.dtype.kind in "iu")


def _is_size(v):
    return isinstance(v, (tuple, list)) and all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in v)


def _int_shape(size):
    """``size`` itself when it is a tuple of non-negative ints, else None."""
    if type(size) is not tuple:
        return None
    for s in size:
        if type(s) is not int or s < 0:
            return None
    return size


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """randint(high, size) or randint(low, high, size), as torch parses them."""
    shape = _int_shape(size)
    if shape is None or type(low) is not int or type(high) is not int:
        low, high, shape = _randint_args(low, high, size, generator, dtype)
    if generator is None:
        g = default_generator
    elif isinstance(generator, Generator):
        g = generator
    else:
        raise TypeError(messages.invalid_arguments(
            "randint", _got((low, high, size), {"generator": generator, "dtype": dtype}),
            messages.RANDINT_SIGNATURES))
    if device is not None:
        check_device(device)
    d = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    arr = np.empty(shape, d.numpy)
    if d is not dtypes.int64 or low >= high:
        low, high = _check_from_to(low, high, d)
    if arr.size:
        # the span is a uint64 (2**64 - 1 for the full int64 range), passed as
        # the int64 of the same bits
        span = high - low
        _k.random_from_to(g._mt, g._pos, arr.reshape(-1),
                          span - 2 ** 64 if span >= 2 ** 63 else span, low)
    return _finish(arr, requires_grad)


def _randint_args(low, high, size, generator, dtype):
    """(low, high, shape) from the other ways to call randint, with torch's
    refusals."""
    if size is None and high is not None and not _is_int(high):
        low, high, size = 0, low, high            # randint(high, size)
        args = (high, size)
    elif high is None:
        low, high = 0, low                         # randint(high, size=...)
        args = (high,) if size is None else (high, size)
    else:
        args = (low, high) if size is None else (low, high, size)
    if len(args) == 2 and isinstance(args[0], bool) and _is_size(args[1]):
        raise TypeError(messages.argument_type("randint", "high", "int", "bool", 1))
    if len(args) == 2 and _is_int(args[0]) and isinstance(args[1], numbers.Integral):
        raise TypeError(messages.argument_type("randint", "size", "tuple of ints",
                                               type(args[1]).__name__, 2))
    if not (_is_int(low) and _is_int(high) and _is_size(size)) or (
            generator is not None and not isinstance(generator, Generator)):
        raise TypeError(messages.invalid_arguments(
            "randint", _got(args, {"generator": generator, "dtype": dtype}),
            messages.RANDINT_SIGNATURES))
    return int(low), int(high), _size((tuple(size),))


def _check_from_to(low, high, d):
    """ATen's random_(from, to) checks (and its float-precision warnings); for
    a float dtype the bounds move to values the dtype holds."""
    if low >= high:
        raise RuntimeError(messages.random_from_to(low, high))
    if d.is_floating_point:
        np_float, digits = (np.float32, 24) if d is dtypes.float32 else (np.float64, 53)
        low, high = _update_from(low, np_float, digits), _update_to(high, np_float, digits)
        if low >= high:
            raise RuntimeError(messages.random_from_to_cast(low, high))
        for v, name in ((low, "from"), (high - 1, "to - 1")):
            if not -(1 << digits) <= v <= (1 << digits):
                warnings.warn(messages.random_precision(name, digits, d._c_name), UserWarning,
                              stacklevel=3)
    elif d is not dtypes.int64:
        info = (0, 1) if d is dtypes.bool_ else (-2 ** 31, 2 ** 31 - 1)
        for v, name in ((low, "from"), (high - 1, "to - 1")):
            if not info[0] <= v <= info[1]:
                raise RuntimeError(messages.out_of_bounds(name, d._c_name))
    return low, high


def _update_from(low, np_float, digits):
    # the smallest integer >= low that the float type can hold
    plus = int(np_float(low + 1))
    if plus < low:
        n = abs(low + 1).bit_length() - 1
        low = plus + (1 << (n - digits + 1))
    return low


def _update_to(high, np_float, digits):
    minus = int(np_float(high - 1))
    if minus >= high:
        n = abs(high - 1).bit_length() - 1
        high = minus - (1 << (n - digits + 1))
    return high


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    check_device(device)
    g = default_generator if generator is None else _generator(
        generator, "randperm", messages.RANDPERM_SIGNATURES, (n,), dtype)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(messages.argument_type("randperm", "n", "int", type(n).__name__, 1))
    n = int(n)
    if n < 0:
        raise RuntimeError(messages.negative_dimension(n, (n,)))
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    if d is dtypes.int32 and n - 1 > 2 ** 31 - 1:
        raise RuntimeError(messages.convert_overflow(d._c_name))
    if d is dtypes.float32 and n > (1 << 24) + 1:
        raise RuntimeError(messages.randperm_precision("2^24+1", "Float"))
    if d is dtypes.float64 and n > (1 << 53) + 1:
        raise RuntimeError(messages.randperm_precision("2^53+1", "Double"))
    if d is dtypes.bool_:
        raise NotImplementedError(messages.not_implemented_for("randperm", "Bool"))
    arr = np.empty(n, d.numpy)
    if n < (2 ** 32 - 1) // 20:
        _k.randperm_small(g._mt, g._pos, arr)
    else:
        _k.randperm_large(g._mt, g._pos, arr)
    return _finish(arr, requires_grad)


# ------------------------------------------------------------ in-place draws

class _ZeroGradNode(MetadataNode):
    """A fresh random draw: the values do not depend on the inputs, whose
    gradient is zero (torch: ``zeros_like``). ``_saved``: (shape, dtype) per
    input."""
    __slots__ = ()

    def apply(self, grad):
        return tuple(np.zeros(shape, dt) for shape, dt in self._saved)

    def apply_graph(self, grad):
        return tuple(_wrap(np.zeros(shape, dt)) for shape, dt in self._saved)


class _NotImplementedNode(MetadataNode):
    __slots__ = ()

    def apply(self, grad):
        raise RuntimeError(messages.BERNOULLI_NO_DERIVATIVE)

    apply_graph = apply


_UNIFORM_NODE = node_class("UniformBackward0", _ZeroGradNode)
_NORMAL_NODE = node_class("NormalBackward0", _ZeroGradNode)
_BERNOULLI_NODE = node_class("BernoulliBackward0", _ZeroGradNode)           # bernoulli(input)
_BERNOULLI_TENSOR_NODE = node_class("BernoulliBackward1", _ZeroGradNode)    # bernoulli_(Tensor p)
_BERNOULLI_FLOAT_NODE = node_class("BernoulliBackward2", _ZeroGradNode)     # bernoulli_(float p)
_NOT_IMPLEMENTED_NODE = node_class("NotImplemented", _NotImplementedNode)   # bernoulli(input, p)


def _finish_inplace(x, node_cls, others=()):
    """After writing x's new values: the graph node (when one is recorded)
    and the version bump."""
    if grad_state.enabled and (x._requires_grad or any(t._requires_grad for t in others)):
        tensors = (x,) + others
        if x._base is not None:
            raise NotImplementedError(
                "an in-place operation that records a gradient on a view is not supported "
                "yet; apply it to the base tensor or use the out-of-place op")
        x._grad_fn = node_cls(tuple(edge(t) for t in tensors),
                              tuple((t._data.shape, t._data.dtype) for t in tensors))
        x._requires_grad = True
        maybe_record(x._grad_fn)
    x._vc[0] += 1
    return x


def uniform_(x, from_=0, to=1, *, generator=None):
    g = _method_generator(generator, "uniform_")
    lo = _float_arg(from_, "uniform_", "from", 1)
    hi = _float_arg(to, "uniform_", "to", 2)
    check_inplace(x)
    a = x._data
    big = _MAX.get(a.dtype)
    if big is None:
        _float_kernel(a.dtype, "check_uniform_bounds")
    if not (-big <= lo <= big and -big <= hi <= big and lo <= hi and hi - lo <= big):
        d = dtypes.from_numpy(a.dtype)
        for v, name in ((lo, "from"), (hi, "to")):
            if not -big <= v <= big:
                raise RuntimeError(messages.out_of_bounds(name, d._c_name))
        if lo > hi:
            raise RuntimeError(messages.uniform_range(lo, hi))
        raise RuntimeError(messages.uniform_span(d._torch_name, lo, hi))
    if a.size:
        _fill(a, lambda flat: _uniform_into(g, flat, lo, hi))
    return _finish_inplace(x, _UNIFORM_NODE)


def normal_(x, mean=0, std=1, *, generator=None):
    g = _method_generator(generator, "normal_")
    mean = _float_arg(mean, "normal_", "mean", 1)
    std = _float_arg(std, "normal_", "std", 2)
    check_inplace(x)
    if not std >= 0.0:
        raise RuntimeError(messages.normal_std(std))
    a = x._data
    if a.dtype.kind != "f":
        _float_kernel(a.dtype, "normal_kernel_cpu")
    if a.size:
        _normal_fill(g, a, mean, std)
    return _finish_inplace(x, _NORMAL_NODE)


def _bernoulli_tensor_into(g, out, p):
    """out (any dtype) gets bernoulli(p) per element; p (float32 or float64)
    broadcasts to out's shape."""
    pd = p._data
    if pd.dtype.kind != "f":
        raise NotImplementedError(messages.not_implemented_for(
            "bernoulli_tensor_cpu_p_", dtypes.from_numpy(pd.dtype)._torch_name))
    _expand_check(pd, out.shape)
    if not out.size:
        return
    if out.flags.c_contiguous:
        perm = None
        pv = np.broadcast_to(pd, out.shape)
    else:
        _check_overlap(out)
        perm = _iteration_order(out)
        pv = np.transpose(np.broadcast_to(pd, out.shape), perm)
    probs = np.ascontiguousarray(pv).reshape(-1)
    bad = ~((probs >= 0) & (probs <= 1))
    if bad.any():
        # ATen checks each p as it draws: the elements before the first bad one drew
        first = int(np.argmax(bad))
        _k.skip(g._mt, g._pos, first * (2 if probs.dtype == _F64 else 1))
        raise RuntimeError(messages.BERNOULLI_P_IN)
    kernel = _k.bernoulli_f64 if probs.dtype == _F64 else _k.bernoulli_f32
    if perm is None:
        kernel(g._mt, g._pos, out.reshape(-1), probs)
    else:
        buf = np.empty(out.size, out.dtype)
        kernel(g._mt, g._pos, buf, probs)
        view = np.transpose(out, perm)
        view[...] = buf.reshape(view.shape)


def _expand_check(pd, shape):
    if pd.ndim > len(shape):
        raise RuntimeError(messages.expand_too_few(pd.dtype, pd.shape, shape))
    lead = len(shape) - pd.ndim
    for i, s in enumerate(pd.shape):
        if s != 1 and s != shape[lead + i]:
            raise RuntimeError(messages.expand_mismatch(shape[lead + i], s, lead + i, shape,
                                                        pd.shape))


def _bernoulli_scalar_into(g, out, p):
    if not 0 <= p <= 1:
        raise RuntimeError(messages.bernoulli_p(p))
    if out.size:
        _fill(out, lambda flat: _k.bernoulli_scalar(g._mt, g._pos, flat, p))


def bernoulli_(x, p=0.5, *, generator=None):
    if generator is not None and not isinstance(generator, Generator) or not (
            isinstance(p, (Tensor, numbers.Real))):
        args = () if p == 0.5 and not isinstance(p, Tensor) else (p,)
        raise TypeError(messages.invalid_arguments(
            "bernoulli_", _got(args, {"generator": generator}), messages.BERNOULLI__SIGNATURES))
    g = generator or default_generator
    check_inplace(x)
    if isinstance(p, Tensor):
        _bernoulli_tensor_into(g, x._data, p)
        return _finish_inplace(x, _BERNOULLI_TENSOR_NODE, (p,))
    _bernoulli_scalar_into(g, x._data, float(p))
    return _finish_inplace(x, _BERNOULLI_FLOAT_NODE)


def bernoulli(input, p=None, *, generator=None):
    """bernoulli(input): 1 with probability input[i]; bernoulli(input, p): 1 with
    probability p. The result has input's dtype and is contiguous (drawn in
    its logical order), as in torch."""
    if not isinstance(input, Tensor):
        raise TypeError(messages.argument_type("bernoulli", "input", "Tensor",
                                               type(input).__name__, 1))
    if generator is not None and not isinstance(generator, Generator) or (
            p is not None and not isinstance(p, numbers.Real)):
        args = (input,) if p is None else (input, p)
        raise TypeError(messages.invalid_arguments(
            "bernoulli", _got(args, {"generator": generator}), messages.BERNOULLI_SIGNATURES))
    g = generator or default_generator
    out = np.empty(input._data.shape, input._data.dtype)     # contiguous, as in torch
    if p is None:
        _bernoulli_tensor_into(g, out, input)
        node_cls = _BERNOULLI_NODE
    else:
        _bernoulli_scalar_into(g, out, float(p))
        node_cls = _NOT_IMPLEMENTED_NODE
    if grad_state.enabled and input._requires_grad:
        return _wrap_result(out, node_cls((edge(input),),
                                          ((input._data.shape, input._data.dtype),)))
    return _wrap(out)


_RANDOM_FROM_NODE = node_class("RandomBackward0", _ZeroGradNode)   # random_(from, to)
_RANDOM_TO_NODE = node_class("RandomBackward1", _ZeroGradNode)     # random_(to)
_RANDOM_NODE = node_class("RandomBackward2", _ZeroGradNode)        # random_()
_MISSING = object()
# random_()'s span per dtype (ATen's uniform_int: random64() for int64 and
# double, random() otherwise); int32 is handled apart (random() % 2**31)
_FULL_SPAN = {np.dtype(np.int64): 2 ** 63, np.dtype(np.float64): 2 ** 53 + 1,
              np.dtype(np.float32): 2 ** 24 + 1, np.dtype(np.bool_): 2}


def _random_words(g, flat, pairs):
    """flat gets ATen's random() words (pairs=False) or random64() values as
    int64 (pairs=True), converted to flat's dtype."""
    w = np.empty(flat.size * (2 if pairs else 1), np.uint32)
    _k.mt_fill(g._mt, g._pos, w)
    if pairs:
        v = ((w[0::2].astype(np.uint64) << np.uint64(32)) | w[1::2]).view(np.int64)
    else:
        v = w & np.uint32(0x7FFFFFFF)
    flat[...] = v


def random_(x, *args, generator=None, **kwargs):
    """Tensor.random_(), random_(to), random_(from, to=None): ATen's draws.
    ``random_()`` covers the dtype's range ([0, 2**63) for int64, [0, 2**31)
    for int32, [0, 2**24] for float32, [0, 2**53] for float64); ``to=None``
    means up to the dtype's maximum."""
    if len(args) > 2:
        raise TypeError(messages.too_many_positional("random_", 2, len(args)))
    frm = kwargs.pop("from", _MISSING)
    to = kwargs.pop("to", _MISSING)
    bad = False
    if len(args) == 2 and frm is _MISSING and to is _MISSING:
        frm, to = args
    elif len(args) == 1 and frm is _MISSING:
        if to is _MISSING:
            to = args[0]
        else:
            frm = args[0]
    elif args:
        bad = True
    node_cls = (_RANDOM_NODE if frm is _MISSING and to is _MISSING else
                _RANDOM_TO_NODE if frm is _MISSING else _RANDOM_FROM_NODE)
    if frm is not _MISSING and to is _MISSING:
        to = None
    ok = not (bad or kwargs) and (frm is _MISSING or _is_int(frm)) and (
        to is _MISSING or _is_int(to) or (to is None and frm is not _MISSING))
    if ok and generator is not None and not isinstance(generator, Generator):
        if node_cls is _RANDOM_FROM_NODE:
            raise TypeError(messages.argument_type("random_", "generator", "torch.Generator",
                                                   type(generator).__name__))
        ok = False
    if not ok:
        got = [a for a in args if a is not None]
        raise TypeError(messages.invalid_arguments(
            "random_", _got(got, dict(kwargs, generator=generator)),
            messages.RANDOM__SIGNATURES_KEYWORD if len(args) == 1 and generator is not None
            else messages.RANDOM__SIGNATURES))
    for v in (frm, to):
        if type(v) is int and not -2 ** 63 <= v < 2 ** 63:
            raise ValueError(messages.INT64_OVERFLOW)       # torch's int64 argument
    g = generator or default_generator
    check_inplace(x)
    a = x._data
    d = dtypes.from_numpy(a.dtype)
    span = base = None
    if node_cls is _RANDOM_NODE:
        if a.dtype == np.int32:
            if a.size:
                _fill(a, lambda flat: _random_words(g, flat, False))
            return _finish_inplace(x, node_cls)
        span, base = _FULL_SPAN[a.dtype], 0
    elif to is not None:
        low, high = _check_from_to(0 if frm is _MISSING else int(frm), int(to), d)
        span, base = high - low, low
    else:
        low = int(frm)
        if low == -2 ** 63:
            if a.dtype == np.bool_:
                raise NotImplementedError(messages.not_implemented_for(
                    "random_full_64_bits_range_kernel_cpu", "Bool"))
            if a.dtype == np.int32:
                raise RuntimeError(messages.RANDOM_FULL_RANGE)
            if a.size:
                _fill(a, lambda flat: _random_words(g, flat, True))
            return _finish_inplace(x, node_cls)
        if d.is_floating_point:
            np_float, digits = (np.float32, 24) if d is dtypes.float32 else (np.float64, 53)
            to_inc = 1 << digits
            low = _update_from(low, np_float, digits)
            if not low < to_inc:
                raise RuntimeError(messages.random_from_to_inc(low, to_inc))
            for v, name in ((low, "from"), (to_inc, "to - 1")):
                if not -to_inc <= v <= to_inc:
                    warnings.warn(messages.random_precision(name, digits, d._c_name),
                                  UserWarning, stacklevel=3)
        else:
            info = (0, 1) if d is dtypes.bool_ else (
                (-2 ** 31, 2 ** 31 - 1) if d is dtypes.int32 else (-2 ** 63, 2 ** 63 - 1))
            to_inc = info[1]
            if not info[0] <= low <= info[1]:
                raise RuntimeError(messages.out_of_bounds("from", d._c_name))
        span, base = to_inc - low + 1, low
    if a.size:
        # the span is a uint64, passed as the int64 of the same bits
        bits = span - 2 ** 64 if span >= 2 ** 63 else span
        _fill(a, lambda flat: _k.random_from_to(g._mt, g._pos, flat, bits, base))
    return _finish_inplace(x, node_cls)


# ------------------------------------------------------------ exponential_, multinomial

_EXPONENTIAL_NODE = node_class("ExponentialBackward0", _ZeroGradNode)


def _parse(fname, args, kwargs, names, required, first_position, low):
    """torch's argument parser for ``fname(names..., *, generator=None)``:
    {name: (value, position or None)} of the arguments given, ``position``
    when given positionally (numbered from ``first_position``)."""
    if len(args) > len(names):
        raise TypeError(messages.parser_positional_count(fname, low, len(names), len(args)))
    got = {name: (v, first_position + i) for i, (name, v) in enumerate(zip(names, args))}
    for k, v in kwargs.items():
        if k not in names and k != "generator":
            raise TypeError(messages.parser_unexpected_keyword(fname, k))
        got[k] = (v, None)
    for name in names[:required]:
        if name not in got:
            raise TypeError(messages.parser_missing(fname, name))
    return got


def exponential_(x, *args, **kwargs):
    """Tensor.exponential_(lambd=1, *, generator=None): ATen's serial kernel
    (``kernels.random.exponential``: a float64 uniform per element from a
    random64, (-1 / lambd) * log1p(-u)), elements in memory order."""
    got = _parse("exponential_", args, kwargs, ("lambd",), 0, 1, 0)
    lambd, position = got.get("lambd", (1, None))
    lambd = _float_arg(lambd, "exponential_", "lambd", position)
    g = _method_generator(got.get("generator", (None, None))[0], "exponential_")
    a = x._data
    if a.flags.writeable or lambd > 0:
        # (ATen checks lambda before TensorIterator refuses an expanded tensor)
        check_inplace(x)
    if not lambd > 0:
        raise RuntimeError(messages.exponential_lambda(lambd))
    if a.size:
        if a.dtype.kind != "f":
            raise RuntimeError(messages.exponential_dtype(dtypes.from_numpy(a.dtype)._torch_name))
        _fill(a, lambda flat: _k.exponential(g._mt, g._pos, flat, lambd))
    return _finish_inplace(x, _EXPONENTIAL_NODE)


def multinomial(*args, **kwargs):
    """torch.multinomial(input, num_samples, replacement=False, *, generator=None)."""
    got = _parse("multinomial", args, kwargs, ("input", "num_samples", "replacement"), 2, 1, 2)
    x, position = got["input"]
    if not isinstance(x, Tensor):
        raise TypeError(messages.argument_type("multinomial", "input", "Tensor",
                                               type(x).__name__, position))
    return _multinomial_args("multinomial", x, got)


def multinomial_method(x, *args, **kwargs):
    """Tensor.multinomial(num_samples, replacement=False, *, generator=None)."""
    got = _parse("multinomial", args, kwargs, ("num_samples", "replacement"), 1, 1, 1)
    return _multinomial_args("multinomial", x, got)


def _multinomial_args(fname, x, got):
    n, position = got["num_samples"]
    if not _is_int(n):
        raise TypeError(messages.argument_type(fname, "num_samples", "int", type(n).__name__,
                                               position))
    n = int(n._data.reshape(-1)[0]) if isinstance(n, Tensor) else int(n)
    if not -2 ** 63 <= n < 2 ** 63:
        raise ValueError(messages.INT64_OVERFLOW)
    replacement, position = got.get("replacement", (False, None))
    if type(replacement) is not bool:
        raise TypeError(messages.argument_type(fname, "replacement", "bool",
                                               type(replacement).__name__, position))
    g = _method_generator(got.get("generator", (None, None))[0], fname)
    return _multinomial(x, n, replacement, g)


def _multinomial(x, n, replacement, g):
    """ATen's multinomial on the CPU. Without replacement, or for one sample:
    q = exponential_(1) in the input's layout, then the argmax (one sample)
    or the top n of input / q per row; otherwise the cumulative-sum and
    binary-search kernel with one float64 uniform per sample."""
    a = x._data
    if a.ndim not in (1, 2):
        raise RuntimeError(messages.MULTINOMIAL_DIMS)
    if a.dtype.kind != "f":
        raise RuntimeError(messages.multinomial_dtype(dtypes.from_numpy(a.dtype)._torch_name))
    if n <= 0:
        raise RuntimeError(messages.MULTINOMIAL_N_SAMPLE)
    n_cat = a.shape[-1]
    if not replacement and n > n_cat:
        raise RuntimeError(messages.MULTINOMIAL_TOO_MANY)
    if n_cat > 1 << 24:
        raise RuntimeError(messages.MULTINOMIAL_CATEGORIES)
    rows = a.shape[0] if a.ndim == 2 else 1
    out = np.empty((n,) if a.ndim == 1 else (rows, n), np.int64)
    if not out.size:
        return _wrap(out)
    if not replacement or n == 1:
        if not a.size:
            raise RuntimeError(messages.AMINMAX_EMPTY)
        if not (a.max() < np.inf and a.min() >= 0):          # NaN fails both
            raise RuntimeError(messages.MULTINOMIAL_INVALID)
        if not a.any(axis=-1).all():                         # a row of zeros sums to 0
            raise RuntimeError(messages.MULTINOMIAL_SUM)
        q = _empty_like(a, a.dtype)                          # torch's empty_like: a's strides
        _fill(q, lambda flat: _k.exponential(g._mt, g._pos, flat, 1.0))
        q = np.divide(a, q).reshape(rows, n_cat)
        if n == 1:
            out.reshape(rows, 1)[:, 0] = np.argmax(q, axis=-1)   # the first maximum, NaN first
        else:
            out.reshape(rows, n)[...] = _topk_indices(q, n)
        return _wrap(out)
    probs = np.ascontiguousarray(a.reshape(rows, n_cat))
    status = _k.multinomial_with_replacement(g._mt, g._pos, probs, n, out.reshape(rows, n),
                                             np.empty(n_cat, a.dtype))
    if status:
        raise RuntimeError((messages.MULTINOMIAL_NEGATIVE, messages.MULTINOMIAL_NONFINITE,
                            messages.MULTINOMIAL_SUM)[status - 1])
    return _wrap(out)


def _topk_indices(q, k):
    """The indices of the k largest of each row of q (rows, m), in the order
    torch's CPU topk gives them: libstdc++'s partial_sort, or nth_element
    then sort, whose order of equal values (zero probabilities, float32
    coincidences) is the algorithm's own; ``kernels.sorting`` reproduces
    it. Without that module: a stable descending sort (NaN first), which
    differs from torch only in the order of ties."""
    rows, m = q.shape
    try:
        from .kernels.sorting import topk_middle_axis
    except ImportError:
        key = np.where(np.isnan(q), -np.inf, -q)
        return np.argsort(key, axis=-1, kind="stable")[:, :k]
    idx = np.empty(rows * k, np.int64)
    topk_middle_axis(np.ascontiguousarray(q).reshape(-1), rows, m, 1, k, True, True,
                     np.empty(rows * k, q.dtype), idx)
    return idx.reshape(rows, k)


# names jitgrad.factories re-exports (its random section moved here)
__all__ = ["Generator", "default_generator", "manual_seed", "initial_seed", "seed",
           "get_rng_state", "set_rng_state", "rand", "randn", "rand_like", "randn_like",
           "randint", "randperm", "bernoulli"]
