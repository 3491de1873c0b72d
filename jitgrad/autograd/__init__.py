"""``jitgrad.autograd``: backward, grad and grad mode, as torch.autograd."""
import numpy as np

from .. import messages
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .engine import accumulate, run_backward, run_backward_graph
from . import engine as _engine
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,
                        set_grad_enabled)
from . import functional  # noqa: F401
from .function import Function, FunctionCtx
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node, edge

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "Node", "Function", "FunctionCtx", "gradcheck",
           "gradgradcheck", "GradcheckError", "functional", "Variable", "inference_mode",
           "detect_anomaly", "set_detect_anomaly"]


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper: today a Variable is just a Tensor."""
    if requires_grad:
        data.requires_grad_(True)
    return data


Variable._execution_engine = _engine._ExecutionEngine()   # queue_callback's home in torch



def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _roots(outputs, grad_outputs):
    """The root nodes and seed gradients (arrays), validated as torch does."""
    from ..tensor import Size, Tensor
    grads = _as_tuple(grad_outputs)
    for g in grads:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(messages.gradient_type(type(g).__name__))
    if grads and len(grads) != len(outputs):
        raise RuntimeError(messages.grad_count(len(outputs), len(grads)))
    nodes, seeds = [], []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(out).__name__}")
        g = grads[i] if grads else None
        if not out._requires_grad:
            raise RuntimeError(messages.NO_GRAD_FN.format(index=i))
        data = out._data
        if g is None:
            if data.size != 1:
                raise RuntimeError(messages.IMPLICIT_GRAD_NON_SCALAR)
            seed = np.ones(data.shape, data.dtype)
        else:
            seed = g._data
            if seed.shape != data.shape:
                raise RuntimeError(messages.shape_mismatch(Size(seed.shape), Size(data.shape), i))
            if seed.dtype != data.dtype:
                seed = seed.astype(data.dtype)
        nodes.append(edge(out))
        seeds.append(seed)
    return nodes, seeds


def _seed_tensors(outputs, grad_outputs, seeds):
    """The seeds as Tensors for create_graph (a given gradient keeps its graph)."""
    from ..tensor import Tensor, _wrap
    grads = _as_tuple(grad_outputs)
    return [grads[i] if grads and isinstance(grads[i], Tensor) and
            grads[i]._data.dtype == seeds[i].dtype else _wrap(seeds[i])
            for i in range(len(outputs))]


def _run(nodes, seeds, keep, create_graph, outputs, grad_outputs, capture=None):
    if create_graph:
        run_backward_graph(nodes, _seed_tensors(outputs, grad_outputs, seeds), keep, capture)
    else:
        run_backward(nodes, seeds, keep, capture)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    nodes, seeds = _roots(outputs, grad_tensors)
    keep = bool(retain_graph) if retain_graph is not None else create_graph
    if inputs is None:
        _run(nodes, seeds, keep, create_graph, outputs, grad_tensors)
        return
    inputs = _as_tuple(inputs)
    for t in inputs:
        if not t._requires_grad:      # torch retains the grad of each input
            raise RuntimeError(messages.RETAIN_GRAD_NO_REQUIRES)
    capture = {_input_node(t): None for t in inputs}
    _run(nodes, seeds, keep, create_graph, outputs, grad_tensors, capture)
    for t in inputs:
        g = capture.get(_input_node(t))
        if g is None:
            continue
        if create_graph:
            t._grad = g if t._grad is None else t._grad + g
        else:
            accumulate(t, g, False)
        acc = t._accumulator if t._grad_fn is None else None
        if acc is not None and acc._post_hooks:
            for hook in list(acc._post_hooks.values()):
                hook(t)


def _input_node(t):
    if not t._requires_grad:
        raise RuntimeError(messages.INPUT_NO_GRAD)
    return edge(t)


def grad_arrays(outputs, inputs, seeds):
    """The gradients (numpy arrays, None where none flows) of ``inputs`` given
    the seed arrays ``seeds`` of ``outputs``, run without keeping the graph:
    ``grad``'s work without its copies, for callers that own the result
    (jitgrad.compile's calls of eager ops). An array may be a seed itself or
    appear twice (AddBackward0 passes its gradient to both sides)."""
    capture = dict.fromkeys(edge(t) for t in inputs)
    run_backward([edge(t) for t in outputs], list(seeds), False, capture)
    return [capture[edge(t)] for t in inputs]


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    from ..tensor import Tensor, _wrap
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    nodes, seeds = _roots(outputs, grad_outputs)
    keep = bool(retain_graph) if retain_graph is not None else create_graph
    input_nodes = [_input_node(t) for t in inputs_t]
    capture = dict.fromkeys(input_nodes)
    _run(nodes, seeds, keep, create_graph, outputs, grad_outputs, capture)
    result = []
    for i, (t, node) in enumerate(zip(inputs_t, input_nodes)):
        g = capture[node]
        if g is None:
            if materialize_grads:
                result.append(_wrap(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError(messages.unused_input(i))
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(_wrap(g.reshape(t._data.shape).astype(t._data.dtype, copy=True)))
    return tuple(result)
