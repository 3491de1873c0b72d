"""``Optimizer``: param_groups, per-parameter state, zero_grad, state_dict.

torch.optim.Optimizer's behaviour and layout: ``state_dict()`` returns
``{"state": {index: per-parameter dict}, "param_groups": [group without params
+ "params": [indices]]}`` with the live state dicts (as torch does), and
``load_state_dict`` validates group sizes with torch's wording, copies the
state (cast to each parameter's dtype, ``step`` kept as saved) and replaces the
groups' hyper-parameters.
"""
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np
from numba.core.errors import TypingError

from .. import dtypes, messages, parallel
from ..parallel import OPTIM_MIN as _PAR_MIN
from ..tensor import Tensor, _wrap


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


def typename(obj):
    """torch.typename: ``jitgrad.FloatTensor`` for a tensor, else module.qualname."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(messages.optim_params_tensor(typename(params)))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(messages.OPTIM_EMPTY_PARAMS)
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += f"    {key}: {group[key]}\n"
        format_string += ")"
        return format_string

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(messages.optim_group_type(type(param_group)))
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(messages.OPTIM_PARAMS_SET)
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError(messages.OPTIM_NAMES_MISSING)

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(messages.optim_not_tensor(typename(param)))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError(messages.OPTIM_NON_LEAF)

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(messages.optim_required(name))
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn(messages.OPTIM_DUPLICATE_PARAMS, stacklevel=3)

        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError(messages.optim_names_mixed(txt))
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError(messages.OPTIM_DISJOINT)
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def state_dict(self):
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(messages.OPTIM_GROUP_COUNT)
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(messages.OPTIM_GROUP_SIZE)
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v)
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})

    # ---- helpers for the subclasses' __setstate__ and step()
    def _set_group_defaults(self, **defaults):
        """The tail of a subclass's ``__setstate__``: each group's missing keys
        set to torch's defaults (in the order given), then ``_fix_step_state``."""
        for group in self.param_groups:
            for key, value in defaults.items():
                group.setdefault(key, value)
        self._fix_step_state()

    def _fix_step_state(self):
        """Turn a ``step`` saved as a number (older state dicts) into torch's
        0-d tensor, as torch's ``__setstate__`` does."""
        for group in self.param_groups:
            for p in group["params"]:
                s = self.state.get(p)
                if not s or "step" not in s:
                    continue
                step = s["step"]
                if not isinstance(step, Tensor):
                    s["step"] = step_tensor(float(step))
                elif step._data.ndim != 0 or step._data.dtype.kind != "f":
                    # the kernels count in a 0-d float array
                    dtype = step._data.dtype if step._data.dtype.kind == "f" else np.float32
                    s["step"] = _wrap(np.array(float(step), dtype=dtype))


def _cast(param, value, key=None):
    """A copy of a saved state value for ``param``: tensors become contiguous
    copies in the parameter's dtype (``step`` keeps its own dtype)."""
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    arr = _foreign_array(value)
    if arr is not None:
        if key != "step" and param._data.dtype.kind == "f":
            arr = arr.astype(param._data.dtype, copy=False)
        return _wrap(np.array(arr, order="C", copy=True))
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def _foreign_array(value):
    """The array behind a jitgrad tensor or a torch tensor (a torch checkpoint
    loads too), else None."""
    if isinstance(value, Tensor):
        return value._data
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return None


def step_tensor(value=0.0, fused=False):
    """torch's ``state["step"]``: a 0-d tensor of the default float dtype
    (float32 for a fused optimizer)."""
    dtype = (np.float64 if not fused and dtypes.get_default_dtype() is dtypes.float64
             else np.float32)
    return _wrap(np.array(value, dtype=dtype))


def run_closure(closure):
    from ..autograd.grad_mode import enable_grad
    with enable_grad():
        return closure()


def zeros_state(p):
    return _wrap(np.zeros(p._data.shape, p._data.dtype))


def full_state(p, value):
    return _wrap(np.full(p._data.shape, value, p._data.dtype))


def check_fused(fused, foreach, differentiable):
    if fused:
        if differentiable:
            raise RuntimeError(messages.OPTIM_FUSED_DIFFERENTIABLE)
        if foreach:
            raise RuntimeError(messages.OPTIM_FUSED_FOREACH)


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError(messages.OPTIM_TENSOR_LR)
    if not 0.0 <= lr:
        raise ValueError(messages.optim_invalid("learning rate", lr))


def check_nonnegative(name, value):
    """torch's ``if not 0.0 <= value: raise ValueError(f"Invalid {name}: {value}")``."""
    if not 0.0 <= value:
        raise ValueError(messages.optim_invalid(name, value))


def check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(messages.optim_invalid("beta parameter at index 0", betas[0]))
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(messages.optim_invalid("beta parameter at index 1", betas[1]))


def update_arrays(p, g):
    """The parameter's and its gradient's values as C-contiguous arrays for an
    update kernel: the parameter's own memory when it is contiguous, else a
    copy that ``run_update`` writes back."""
    pa, ga = p._data, g._data
    if not pa.flags.c_contiguous:
        pa = pa.copy()
    if not ga.flags.c_contiguous:
        ga = ga.copy()
    return pa, ga


def params_with_grad(group, state, capturable_message=messages.OPTIM_CAPTURABLE):
    """Each ``(p, state[p], pa, ga)`` of a group's parameters that have a
    gradient (``pa``, ``ga`` from ``update_arrays``), in order; a capturable
    group raises torch's AssertionError at its first such parameter, before
    any of the group is updated."""
    for p in group["params"]:
        g = p._grad
        if g is None:
            continue
        if group["capturable"]:
            raise AssertionError(capturable_message)
        pa, ga = update_arrays(p, g)
        yield p, state[p], pa, ga


def flat(kernel):
    """``kernel`` called with its C-contiguous n-d arrays as 1-d views: one
    compiled specialisation per dtype instead of one per dtype and ndim.
    Like a kernel, it has a ``nogil`` twin (kernels/jit.py) for parallel.update."""
    def flattening(fn):
        def call(*args):
            return fn(*[a.reshape(-1) if isinstance(a, np.ndarray) and a.ndim > 1
                        and a.flags.c_contiguous else a for a in args])
        return call
    call = flattening(kernel)
    call.nogil = flattening(kernel.nogil)
    return call


def run_update(kernel, p, pa, name, states, *args):
    """One update kernel call on ``pa`` (from ``update_arrays``), then the
    write-back and the version bump. A kernel refuses (returns False) a
    buffer of another size, and Numba refuses one of another dtype: both
    are states set or loaded by hand, reported as torch reports them."""
    try:
        if pa.size < _PAR_MIN:
            ok = kernel(pa, *args)
        else:
            ok = parallel.update(kernel, pa, args)
    except TypingError:
        ok = False
    if not ok:
        raise bad_state(p, name, states[p])
    if pa is not p._data:
        p._data[...] = pa
    p._vc[0] += 1


def bad_state(p, name, state):
    """The error for a state whose buffers do not fit the parameter (the
    kernels check sizes; another dtype fails their typing)."""
    found = ", ".join(f"{k}: {tuple(v.shape)} {v.dtype}" for k, v in state.items()
                      if isinstance(v, Tensor) and k != "step")
    return RuntimeError(messages.optim_state_mismatch(name, tuple(p.shape), p.dtype, found))
