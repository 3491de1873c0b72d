"""``gradcheck`` and ``gradgradcheck``: torch's finite-difference checks.

The numerical Jacobian perturbs each input element by +-eps in place
(central differences); the analytical one is built row by row with
``autograd.grad`` against unit cotangents. Defaults are torch's.
"""
import warnings

import numpy as np

from ..tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable(inputs):
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]


def _numerical_jacobian(func, inputs, eps):
    """jac[i][j]: d output_j / d input_i as an array (input numel, output numel)."""
    outs = _outputs(func, inputs)
    jac = []
    for i in _differentiable(inputs):
        flat = inputs[i]._data.reshape(-1)       # a view: perturbations reach the tensor
        cols = [np.zeros((flat.size, o.numel())) for o in outs]
        for k in range(flat.size):
            # func runs with grad mode as it is: a func that itself differentiates
            # (gradgradcheck's) needs the graph
            orig = flat[k]
            flat[k] = orig + eps
            plus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
            flat[k] = orig - eps
            minus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
            flat[k] = orig
            for c, p, m in zip(cols, plus, minus):
                c[k] = (p - m) / (2 * eps)
        jac.append(cols)
    return jac, outs


def _analytical_jacobian(func, inputs, outs):
    from . import grad
    diff = _differentiable(inputs)
    jac = [[np.zeros((inputs[i].numel(), o.numel())) for o in outs] for i in diff]
    for j, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for k in range(out.numel()):
            v = np.zeros(out.numel(), out._data.dtype)
            v[k] = 1
            grads = grad(out, [inputs[i] for i in diff], _wrap(v.reshape(out._data.shape)),
                          retain_graph=True, allow_unused=True)
            for n, g in enumerate(grads):
                if g is not None:
                    jac[n][j][:, k] = g._data.astype(np.float64).ravel()
    return jac


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    inputs = _as_tuple(inputs)
    diff = _differentiable(inputs)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision "
                          "floating point or complex. This check will likely fail if all the "
                          "inputs are not of double precision floating point or complex. ")
    numerical, outs = _numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs, outs)
    for n, i in enumerate(diff):
        for j in range(len(outs)):
            a, num = analytical[n][j], numerical[n][j]
            if not np.allclose(a, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{_wrap(num)}\nanalytical:{_wrap(a)}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the function (inputs, grad_outputs) -> d(func)/d(inputs) . grad_outputs,
    whose backward is the second derivative."""
    from . import grad
    inputs = _as_tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_()
            for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff = _differentiable(inputs)

    def first_derivative(*args):
        ins, gos = args[:n_in], args[n_in:]
        outputs = [o for o in _outputs(func, ins) if o.requires_grad]
        grads = grad(outputs, [ins[i] for i in diff], gos[:len(outputs)], create_graph=True,
                     allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
