"""Optimizer updates: one fused in-place pass per parameter, with torch's
single-tensor formulas in torch's order of operations.

Every kernel takes the parameter, its gradient and its state buffers as
C-contiguous arrays of one shape, works in the parameter's dtype (torch's CPU
kernels cast the Python scalars to the tensor's dtype and compute in it: a
float32 parameter is updated in float32 arithmetic, which also lets the loop
vectorise), and increments the 0-d ``step`` array in place where the optimizer
keeps one (the bias corrections are computed from it in float64 as torch does
from ``step_t.item()``). A kernel returns False, touching nothing, when a
buffer's size differs from the parameter's (a bad state loaded by hand).

Rounding follows torch's CPU kernels op by op: ``add(other, alpha)``,
``addcmul`` and ``lerp`` are one fused multiply-add there (``self + a*b``
rounded once), ``mul``, ``addcdiv`` and the scalar ``add`` are not. SGD is then
bit-identical to torch for the same gradients; Adam, RMSprop and Adagrad
differ in the last bit only where torch's vectorised ``sqrt`` (MKL's) is not
correctly rounded.
"""
import math

from numba.extending import register_jitable

from .jit import kernel
from .vmath import _fma

# A buffer a configuration does not use is never touched by the loop: a loop
# that may write an array LLVM cannot prove disjoint from the others is only
# vectorised behind a runtime overlap check, and a stand-in array (the
# gradient, another buffer) fails that check and sends the whole update down
# the scalar path. So each configuration gets its own loop over only the
# arrays it uses, the shared arithmetic in the inlined helpers below.


@register_jitable
def _direction(g, x, maximize, use_wd, wd):
    """torch's ``grad if not maximize else -grad`` then ``grad.add(param, alpha=wd)``."""
    d = -g if maximize else g
    if use_wd:
        d = _fma(x, wd, d)
    return d


@register_jitable
def _lerp(a, b, w, one_minus_w, small):
    """torch's lerp: a + w*(b - a) for |w| < 0.5, else b - (b - a)*(1 - w)."""
    if small:
        return _fma(w, b - a, a)
    return _fma(-(b - a), one_minus_w, b)


@kernel
def sgd_step(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, maximize, first):
    # torch: d = g (+ wd*p); buf = d (first) | buf*momentum + (1-dampening)*d;
    # d = d + momentum*buf (nesterov) | buf; p += -lr * d
    n = p.size
    use_mom = momentum != 0
    if g.size != n or (use_mom and buf.size != n):
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    t = p.dtype.type
    neg_lr = t(-lr)
    mom = t(momentum)
    keep = t(1 - dampening)
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    if use_mom:
        bf = buf.reshape(n)
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            if first:
                b = d
            else:
                b = _fma(d, keep, bf[i] * mom)
            bf[i] = b
            if nesterov:
                d = _fma(b, mom, d)
            else:
                d = b
            pf[i] = _fma(d, neg_lr, pf[i])
    else:
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            pf[i] = _fma(d, neg_lr, pf[i])
    return True


@kernel
def adam_step(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
              weight_decay, decoupled, amsgrad, maximize):
    # torch: step += 1; (p *= 1 - lr*wd | d = g + wd*p); exp_avg.lerp_(d, 1-beta1);
    # exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*d*d; (max_exp_avg_sq = max(.., exp_avg_sq));
    # denom = sqrt(v) / sqrt(1-beta2**step) + eps; p += (-lr/(1-beta1**step)) * exp_avg / denom
    n = p.size
    if (g.size != n or exp_avg.size != n or exp_avg_sq.size != n
            or (amsgrad and max_exp_avg_sq.size != n)):
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    m1 = exp_avg.reshape(n)
    m2 = exp_avg_sq.reshape(n)
    s = step[()] + 1
    step[()] = s
    k = float(s)
    bias_correction1 = 1 - beta1 ** k
    bias_correction2 = 1 - beta2 ** k
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    t = p.dtype.type
    w = t(1 - beta1)
    small = abs(w) < 0.5
    one_minus_w = t(1) - w
    b2 = t(beta2)
    c2 = t(1 - beta2)
    e = t(eps)
    bc2 = t(bias_correction2_sqrt)
    neg_step = t(-step_size)
    wd = t(weight_decay)
    decay = t(1 - lr * weight_decay)
    use_wd = weight_decay != 0
    l2 = use_wd and not decoupled
    shrink = use_wd and decoupled
    if amsgrad:
        mx = max_exp_avg_sq.reshape(n)
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, l2, wd)
            x = pf[i] * decay if shrink else pf[i]
            m = _lerp(m1[i], d, w, one_minus_w, small)
            v = _fma(c2 * d, d, m2[i] * b2)
            m1[i] = m
            m2[i] = v
            vm = mx[i]
            if vm > v or vm != vm:            # torch.maximum propagates NaN
                v = vm
            mx[i] = v
            pf[i] = x + neg_step * m / (math.sqrt(v) / bc2 + e)
    else:
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, l2, wd)
            x = pf[i] * decay if shrink else pf[i]
            m = _lerp(m1[i], d, w, one_minus_w, small)
            v = _fma(c2 * d, d, m2[i] * b2)
            m1[i] = m
            m2[i] = v
            pf[i] = x + neg_step * m / (math.sqrt(v) / bc2 + e)
    return True


@kernel
def rmsprop_step(p, g, square_avg, grad_avg, momentum_buffer, step, lr, alpha, eps,
                 weight_decay, momentum, centered, maximize):
    # torch: step += 1; d = g (+ wd*p); square_avg = square_avg*alpha + (1-alpha)*d*d;
    # avg = sqrt(square_avg) | grad_avg.lerp_(d, 1-alpha), sqrt(square_avg - grad_avg^2);
    # avg += eps; buf = buf*momentum + d/avg, p += -lr*buf | p += -lr*d/avg
    n = p.size
    use_mom = momentum > 0
    if (g.size != n or square_avg.size != n or (centered and grad_avg.size != n)
            or (use_mom and momentum_buffer.size != n)):
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    sq = square_avg.reshape(n)
    step[()] = step[()] + 1
    t = p.dtype.type
    a_ = t(alpha)
    c = t(1 - alpha)
    small = abs(c) < 0.5
    one_minus_c = t(1) - c
    e = t(eps)
    neg_lr = t(-lr)
    mom = t(momentum)
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    if centered and use_mom:
        ga = grad_avg.reshape(n)
        bf = momentum_buffer.reshape(n)
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            v = _fma(c * d, d, sq[i] * a_)
            sq[i] = v
            ma = _lerp(ga[i], d, c, one_minus_c, small)
            ga[i] = ma
            b = bf[i] * mom + d / (math.sqrt(_fma(-ma, ma, v)) + e)
            bf[i] = b
            pf[i] = _fma(b, neg_lr, pf[i])
    elif centered:
        ga = grad_avg.reshape(n)
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            v = _fma(c * d, d, sq[i] * a_)
            sq[i] = v
            ma = _lerp(ga[i], d, c, one_minus_c, small)
            ga[i] = ma
            pf[i] = pf[i] + neg_lr * d / (math.sqrt(_fma(-ma, ma, v)) + e)
    elif use_mom:
        bf = momentum_buffer.reshape(n)
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            v = _fma(c * d, d, sq[i] * a_)
            sq[i] = v
            b = bf[i] * mom + d / (math.sqrt(v) + e)
            bf[i] = b
            pf[i] = _fma(b, neg_lr, pf[i])
    else:
        for i in range(n):
            d = _direction(gf[i], pf[i], maximize, use_wd, wd)
            v = _fma(c * d, d, sq[i] * a_)
            sq[i] = v
            pf[i] = pf[i] + neg_lr * d / (math.sqrt(v) + e)
    return True


@kernel
def adagrad_step(p, g, state_sum, step, lr, lr_decay, eps, weight_decay, maximize):
    # torch: step += 1; d = g (+ wd*p); clr = lr / (1 + (step-1)*lr_decay);
    # sum += d*d; p += -clr * d / (sqrt(sum) + eps)
    n = p.size
    if g.size != n or state_sum.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    sm = state_sum.reshape(n)
    s = step[()] + 1
    step[()] = s
    clr = lr / (1 + (float(s) - 1) * lr_decay)
    t = p.dtype.type
    neg_clr = t(-clr)
    e = t(eps)
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    for i in range(n):
        d = _direction(gf[i], pf[i], maximize, use_wd, wd)
        v = _fma(d, d, sm[i])
        sm[i] = v
        pf[i] = pf[i] + neg_clr * d / (math.sqrt(v) + e)
    return True
