"""Loss kernels. Optional ``weight``/``pos_weight`` arrive as None (Numba
prunes the branch at compile time), as a scalar, or as a flat array of the
input's size; ``grad`` is a flat array or the scalar of a reduced loss."""

from .jit import kernel, reduction_kernel

from .access import at
from .activations import log_softmax_forward
from .vmath import vexp, vlog, vlog1p


@kernel
def softplus_neg_abs(x):
    # log(1 + exp(-|x|)), exact for large |x| where exp underflows
    return vlog1p(vexp(-abs(x)))


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


@reduction_kernel
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


# ------------------------------------------------------------------ mse, smooth_l1

@kernel
def mse_forward(x, y, out):
    for i in range(out.size):
        d = x[i] - y[i]
        out[i] = d * d


@reduction_kernel
def mse_sum(x, y):
    s = 0.0
    for i in range(x.size):
        d = x[i] - y[i]
        s += d * d
    return s


@kernel
def mse_backward(grad, x, y, norm, gx, gy):
    # d/dx = norm (x - y) grad with norm = 2 (/ numel for the mean); d/dy = -d/dx.
    # ``gx``/``gy`` may be None (that input needs no gradient).
    for i in range(x.size):
        d = norm * (x[i] - y[i]) * at(grad, i)
        if gx is not None:
            gx[i] = d
        if gy is not None:
            gy[i] = -d


@kernel
def smooth_l1_term(x, y, beta, i):
    z = abs(x[i] - y[i])
    return 0.5 * z * z / beta if z < beta else z - 0.5 * beta


@kernel
def smooth_l1_forward(x, y, beta, out):
    for i in range(out.size):
        out[i] = smooth_l1_term(x, y, beta, i)


@reduction_kernel
def smooth_l1_sum(x, y, beta):
    s = 0.0
    for i in range(x.size):
        s += smooth_l1_term(x, y, beta, i)
    return s


@kernel
def smooth_l1_backward(grad, x, y, beta, norm, gx, gy):
    # d/dx = norm clamp((x - y) / beta, -1, 1) grad; d/dy = -d/dx
    for i in range(x.size):
        d = x[i] - y[i]
        if d <= -beta:
            v = -norm * at(grad, i)
        elif d >= beta:
            v = norm * at(grad, i)
        else:
            v = norm * d * at(grad, i) / beta
        if gx is not None:
            gx[i] = v
        if gy is not None:
            gy[i] = -v


# ------------------------------------------------------------------ binary_cross_entropy

@kernel
def bce_check(x, y):
    # 0, or 1 (an input outside [0, 1], nan included) or 2 (a target outside)
    # at the first bad element, input first as torch checks them. One
    # vectorisable pass finds whether any is bad; only then the search.
    ok = True
    for i in range(x.size):
        xi = x[i]
        yi = y[i]
        ok &= (xi >= 0) & (xi <= 1) & (yi >= 0) & (yi <= 1)
    if ok:
        return 0
    for i in range(x.size):
        xi = x[i]
        if not (xi >= 0 and xi <= 1):
            return 1
        yi = y[i]
        if not (yi >= 0 and yi <= 1):
            return 2
    return 0


@kernel
def bce_term(x, y, weight, i):
    # -w [y log x + (1 - y) log(1 - x)] with each log clamped at -100, in
    # torch's order of operations
    xi = x[i]
    yi = y[i]
    v = (yi - 1) * max(vlog1p(-xi), -100.0) - yi * max(vlog(xi), -100.0)
    if weight is not None:
        v *= at(weight, i)
    return v


@kernel
def bce_forward(x, y, weight, out):
    for i in range(out.size):
        out[i] = bce_term(x, y, weight, i)


@reduction_kernel
def bce_sum(x, y, weight):
    s = 0.0
    for i in range(x.size):
        s += bce_term(x, y, weight, i)
    return s


@kernel
def bce_backward_input(grad, x, y, weight, norm, out):
    # grad (x - y) / max((1 - x) x, 1e-12) w norm
    for i in range(out.size):
        xi = x[i]
        d = at(grad, i) * (xi - y[i]) / max((1 - xi) * xi, 1e-12)
        if weight is not None:
            d *= at(weight, i)
        out[i] = d * norm


@kernel
def bce_backward_target(grad, x, weight, norm, out):
    # -grad logit(x) w norm
    for i in range(out.size):
        xi = x[i]
        d = -vlog(xi / (1 - xi)) * at(grad, i)
        if weight is not None:
            d *= at(weight, i)
        out[i] = d * norm


# ------------------------------------------------------------------ nll_loss, cross_entropy
#
# The input is a flat C-contiguous (A, R, B) array with the classes on R:
# (N, C) is (N, C, 1), (N, C, d1, ..., dk) is (N, C, d1 ... dk), (C,) is
# (1, C, 1). Targets are the flat (A, B) int64 class indices. Forward
# kernels write the per-sample losses and return (status, bad target, total
# weight, sum of the losses): status 1 means target ``bad`` is out of
# [0, C) (and is not ``ignore_index``). cross_entropy runs log_softmax
# (kernels/activations.py; after editing it, clear kernels/__pycache__, as
# Numba's cache of these kernels does not see that file change).

@kernel
def nll_forward(x, A, R, B, target, weight, ignore_index, losses):
    total = 0.0
    s = 0.0
    for a in range(A):
        for b in range(B):
            i = a * B + b
            t = target[i]
            if t == ignore_index:
                losses[i] = 0
                continue
            if t < 0 or t >= R:
                return 1, t, total, s
            w = 1.0 if weight is None else weight[t]
            v = -x[(a * R + t) * B + b] * w
            losses[i] = v
            s += v
            total += w
    return 0, 0, total, s


@kernel
def nll_backward(grad, A, R, B, target, weight, ignore_index, out):
    # out (zeroed) gets -w[t] grad at each target's class
    for a in range(A):
        for b in range(B):
            i = a * B + b
            t = target[i]
            if t == ignore_index:
                continue
            w = 1 if weight is None else weight[t]
            out[(a * R + t) * B + b] = -at(grad, i) * w


@kernel
def cross_entropy_forward(x, A, R, B, target, weight, ignore_index, smoothing, losses, logp,
                          scratch, sums):
    # fused log_softmax + nll (+ label smoothing): logp = log_softmax(x) over R
    # (kept for backward, as torch keeps log_softmax's result), then per sample
    # -(1 - ls) w[t] logp[t] - ls / C sum_c w[c] logp[c], 0 where ignored
    log_softmax_forward(x, A, R, B, logp, scratch, sums)
    total = 0.0
    loss_sum = 0.0
    for a in range(A):
        for b in range(B):
            i = a * B + b
            t = target[i]
            if t == ignore_index:
                losses[i] = 0
                continue
            if t < 0 or t >= R:
                return 1, t, total, loss_sum
            w = 1.0 if weight is None else weight[t]
            base = a * R * B + b
            v = -logp[base + t * B] * w
            if smoothing > 0:
                s = 0.0
                for r in range(R):
                    wr = 1.0 if weight is None else weight[r]
                    s -= logp[base + r * B] * wr
                v = (1 - smoothing) * v + smoothing / R * s
            losses[i] = v
            loss_sum += v
            total += w
    return 0, 0, total, loss_sum


@kernel
def cross_entropy_backward(grad, logp, A, R, B, target, weight, ignore_index, smoothing,
                           weight_sum, out):
    # (1 - ls) w[t] (p - onehot(t)) + ls / C (p W - w), p = exp(logp),
    # W = sum of the weights; zero rows for ignored targets (0 * p: nan where a
    # logit is, as torch's log_softmax backward of a zero gradient). ``grad`` is the
    # per-sample array or the scalar already divided for the mean.
    if smoothing > 0:
        _cross_entropy_backward_smoothed(grad, logp, A, R, B, target, weight, ignore_index,
                                         smoothing, weight_sum, out)
    elif B == 1:
        _cross_entropy_backward_rows(grad, logp, A, R, target, weight, ignore_index, out)
    else:
        _cross_entropy_backward_strided(grad, logp, A, R, B, target, weight, ignore_index, out)


@kernel
def _cross_entropy_backward_rows(grad, logp, A, R, target, weight, ignore_index, out):
    dt = out.dtype.type
    for a in range(A):
        t = target[a]
        orow = out[a * R:(a + 1) * R]
        lrow = logp[a * R:(a + 1) * R]
        if t == ignore_index:
            for r in range(R):
                orow[r] = dt(0) * vexp(lrow[r])     # torch's 0 - p * 0: nan where p is
            continue
        c = dt(at(grad, a)) * (dt(1) if weight is None else weight[t])
        for r in range(R):
            orow[r] = c * vexp(lrow[r])
        orow[t] -= c


@kernel
def _cross_entropy_backward_strided(grad, logp, A, R, B, target, weight, ignore_index, out):
    dt = out.dtype.type
    for a in range(A):
        for b in range(B):
            i = a * B + b
            t = target[i]
            base = a * R * B + b
            if t == ignore_index:
                for r in range(R):
                    out[base + r * B] = dt(0) * vexp(logp[base + r * B])
                continue
            c = dt(at(grad, i)) * (dt(1) if weight is None else weight[t])
            for r in range(R):
                out[base + r * B] = c * vexp(logp[base + r * B])
            out[base + t * B] -= c


@kernel
def _cross_entropy_backward_smoothed(grad, logp, A, R, B, target, weight, ignore_index,
                                     smoothing, weight_sum, out):
    dt = out.dtype.type
    keep = dt(1 - smoothing)
    share = dt(smoothing / R)
    W = dt(weight_sum)
    for a in range(A):
        for b in range(B):
            i = a * B + b
            t = target[i]
            base = a * R * B + b
            if t == ignore_index:
                for r in range(R):
                    out[base + r * B] = dt(0) * vexp(logp[base + r * B])
                continue
            g = dt(at(grad, i))
            c = g * keep * (dt(1) if weight is None else weight[t])
            for r in range(R):
                p = vexp(logp[base + r * B])
                wr = dt(1) if weight is None else weight[r]
                out[base + r * B] = c * p + g * share * (p * W - wr)
            out[base + t * B] -= c


@kernel
def cross_entropy_prob_forward(x, A, R, B, target, weight, smoothing, losses, logp, scratch,
                               sums):
    # -sum_c w[c] t'[c] logp[c], t' = t (1 - ls) + ls / C, logp = log_softmax(x)
    log_softmax_forward(x, A, R, B, logp, scratch, sums)
    keep = 1 - smoothing
    share = smoothing / R
    loss_sum = 0.0
    for a in range(A):
        for b in range(B):
            i = a * B + b
            base = a * R * B + b
            s = 0.0
            for r in range(R):
                j = base + r * B
                tr = target[j] * keep + share
                if weight is not None:
                    tr *= weight[r]
                s -= tr * logp[j]
            losses[i] = s
            loss_sum += s
    return loss_sum


@kernel
def cross_entropy_prob_backward(grad, logp, A, R, B, target, weight, smoothing, gx, gt):
    # d/dx[c] = grad (p[c] S - w[c] t'[c]), S = sum_c w[c] t'[c], p = exp(logp);
    # d/dt[c] = -grad (1 - ls) w[c] logp[c]. ``gx``/``gt`` may be None.
    keep = 1 - smoothing
    share = smoothing / R
    for a in range(A):
        for b in range(B):
            i = a * B + b
            base = a * R * B + b
            g = at(grad, i)
            if gx is not None:
                S = 0.0
                for r in range(R):
                    tr = target[base + r * B] * keep + share
                    if weight is not None:
                        tr *= weight[r]
                    S += tr
                for r in range(R):
                    j = base + r * B
                    tr = target[j] * keep + share
                    if weight is not None:
                        tr *= weight[r]
                    gx[j] = g * (vexp(logp[j]) * S - tr)
            if gt is not None:
                for r in range(R):
                    j = base + r * B
                    d = -g * keep * logp[j]
                    if weight is not None:
                        d *= weight[r]
                    gt[j] = d


@kernel
def cross_entropy_prob_weight_grad(grad, logp, A, R, B, target, smoothing, out):
    # d/dw[c] = -sum over samples of grad t'[c] logp[c] (out: R values, zeroed)
    keep = 1 - smoothing
    share = smoothing / R
    for a in range(A):
        for b in range(B):
            i = a * B + b
            base = a * R * B + b
            g = at(grad, i)
            for r in range(R):
                j = base + r * B
                out[r] -= g * (target[j] * keep + share) * logp[j]
