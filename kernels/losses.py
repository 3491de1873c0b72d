"""Loss kernels. Optional ``weight``/``pos_weight`` arrive as None (Numba
prunes the branch at compile time), as a scalar, or as a flat array of the
input's size; ``grad`` is a flat array or the scalar of a reduced loss."""
import math

from .jit import kernel

from .access import at
from .vmath import vexp


@kernel
def softplus_neg_abs(x):
    # log(1 + exp(-|x|)), exact for large |x| where exp underflows
    return math.log1p(math.exp(-abs(x)))


@kernel
def bce_with_logits_term(x, y, weight, pos_weight, i):
    # -w [pw y log s(x) + (1-y) log(1-s(x))], written with
    # log s(x) = -(max(-x,0) + log1p(exp(-|x|))) so logits of +-100 stay finite
    xi = x[i]
    yi = y[i]
    log_sig_neg = max(-xi, 0) + softplus_neg_abs(xi)   # -log s(x)
    if pos_weight is None:
        v = (1 - yi) * xi + log_sig_neg
    else:
        coef = 1 + (at(pos_weight, i) - 1) * yi
        v = (1 - yi) * xi + coef * log_sig_neg
    if weight is not None:
        v *= at(weight, i)
    return v


@kernel
def bce_with_logits_forward(x, y, weight, pos_weight, out):
    for i in range(out.size):
        out[i] = bce_with_logits_term(x, y, weight, pos_weight, i)


@kernel
def bce_with_logits_sum(x, y, weight, pos_weight):
    # the reduced loss in one pass, without the elementwise array
    s = 0.0
    for i in range(x.size):
        s += bce_with_logits_term(x, y, weight, pos_weight, i)
    return s


@kernel
def bce_with_logits_backward_input(grad, x, y, weight, pos_weight, out):
    # dL/dx = w [(pw y + 1 - y) s(x) - pw y]
    for i in range(out.size):
        xi = x[i]
        yi = y[i]
        s = 1 / (1 + vexp(-xi))
        if pos_weight is None:
            d = s - yi
        else:
            pw = at(pos_weight, i)
            d = (pw * yi + 1 - yi) * s - pw * yi
        if weight is not None:
            d *= at(weight, i)
        out[i] = at(grad, i) * d


@kernel
def bce_with_logits_backward_target(grad, x, weight, pos_weight, out):
    # dL/dy = w [-x - (pw - 1) log s(x)]
    for i in range(out.size):
        xi = x[i]
        log_sig = -(max(-xi, 0) + softplus_neg_abs(xi))
        pw = 1 if pos_weight is None else at(pos_weight, i)
        d = -xi - (pw - 1) * log_sig
        if weight is not None:
            d *= at(weight, i)
        out[i] = at(grad, i) * d
