"""Optimizer updates: one fused in-place pass per parameter, with torch's
formulas in torch's order of operations (so float64 results agree to
rounding)."""
import math

from .jit import kernel


@kernel
def sgd_step(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, maximize, first):
    for i in range(p.size):
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * p[i]
        if momentum != 0:
            if first:
                b = d
            else:
                b = buf[i] * momentum + (1 - dampening) * d
            buf[i] = b
            d = d + momentum * b if nesterov else b
        p[i] = p[i] - lr * d


@kernel
def adam_step(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, eps,
              weight_decay, decoupled, amsgrad, maximize, step):
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
    step_size = lr / bias_correction1
    for i in range(p.size):
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            if decoupled:                       # AdamW: p *= 1 - lr * wd
                p[i] = p[i] * (1 - lr * weight_decay)
            else:
                d = d + weight_decay * p[i]
        m = exp_avg[i] + (1 - beta1) * (d - exp_avg[i])        # torch's lerp
        v = exp_avg_sq[i] * beta2 + (1 - beta2) * d * d
        exp_avg[i] = m
        exp_avg_sq[i] = v
        if amsgrad:
            v = max(max_exp_avg_sq[i], v)
            max_exp_avg_sq[i] = v
        denom = math.sqrt(v) / bias_correction2_sqrt + eps
        p[i] = p[i] - step_size * (m / denom)
