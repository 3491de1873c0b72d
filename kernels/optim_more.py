"""Updates of Adamax, NAdam, RAdam, Adadelta, ASGD and Rprop: one fused
in-place pass per parameter with torch's single-tensor formulas in torch's
order of operations (see ``optim.py`` for the conventions: arithmetic in the
parameter's dtype, scalars cast to it, ``add(alpha)``/``addcmul``/``lerp`` as
one fused multiply-add, ``mul``/``div``/``addcdiv`` rounded op by op, the 0-d
``step`` incremented in place, False returned for a buffer of another size).
"""
import math

from numba.extending import register_jitable

from .jit import kernel
from .optim import _direction, _lerp
from .vmath import _fma


@register_jitable
def _adam_constants(p, lr, beta1, beta2, weight_decay, decoupled):
    """NAdam's and RAdam's per-call constants in ``p``'s dtype (as in
    ``optim.adam_step``): lerp's weight 1-beta1 with its branch flag and
    1-weight, beta2 and 1-beta2, the L2 weight, the decoupled shrink factor
    1-lr*wd, and which of the two weight decays applies."""
    t = p.dtype.type
    w = t(1 - beta1)
    use_wd = weight_decay != 0
    return (w, abs(w) < 0.5, t(1) - w, t(beta2), t(1 - beta2), t(weight_decay),
            t(1 - lr * weight_decay), use_wd and not decoupled, use_wd and decoupled)


@register_jitable
def _adam_moments(pf, gf, m1, m2, i, maximize, c):
    """Element i of the shared first half of NAdam's and RAdam's update, in
    torch's order: d = g | -g (+ wd*p, L2); x = p (* (1-lr*wd), decoupled);
    exp_avg.lerp_(d, 1-beta1); exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*d*d
    (addcmul: one fused multiply-add). Stores both moments; returns d, x,
    exp_avg, exp_avg_sq."""
    w, small, one_minus_w, b2, cb2, wd, decay, l2, shrink = c
    d = _direction(gf[i], pf[i], maximize, l2, wd)
    x = pf[i] * decay if shrink else pf[i]
    m = _lerp(m1[i], d, w, one_minus_w, small)
    v = _fma(cb2 * d, d, m2[i] * b2)
    m1[i] = m
    m2[i] = v
    return d, x, m, v


@kernel
def adamax_step(p, g, exp_avg, exp_inf, step, lr, beta1, beta2, eps, weight_decay, maximize):
    # torch: step += 1; d = g (+ wd*p); exp_avg.lerp_(d, 1-beta1);
    # exp_inf = maximum(exp_inf*beta2, |d| + eps); p += -(lr/(1-beta1**step)) * exp_avg / exp_inf
    n = p.size
    if g.size != n or exp_avg.size != n or exp_inf.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    m1 = exp_avg.reshape(n)
    u = exp_inf.reshape(n)
    s = step[()] + 1
    step[()] = s
    clr = lr / (1 - beta1 ** float(s))
    t = p.dtype.type
    w = t(1 - beta1)
    small = abs(w) < 0.5
    one_minus_w = t(1) - w
    b2 = t(beta2)
    e = t(eps)
    neg_clr = t(-clr)
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    for i in range(n):
        d = _direction(gf[i], pf[i], maximize, use_wd, wd)
        m = _lerp(m1[i], d, w, one_minus_w, small)
        m1[i] = m
        a = u[i] * b2
        b = abs(d) + e
        if b > a or b != b:                   # torch.maximum propagates NaN
            a = b
        u[i] = a
        pf[i] = pf[i] + neg_clr * m / a
    return True


@kernel
def nadam_step(p, g, exp_avg, exp_avg_sq, mu_product, step, lr, beta1, beta2, eps,
               weight_decay, momentum_decay, decoupled, maximize):
    # torch: step += 1; (p *= 1 - lr*wd | d = g + wd*p); mu, mu_next from step;
    # mu_product *= mu; exp_avg.lerp_(d, 1-beta1); exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*d*d;
    # denom = sqrt(exp_avg_sq / bc2) + eps;
    # p += c1 * d / denom; p += c2 * exp_avg / denom
    n = p.size
    if g.size != n or exp_avg.size != n or exp_avg_sq.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    m1 = exp_avg.reshape(n)
    m2 = exp_avg_sq.reshape(n)
    s = step[()] + 1
    step[()] = s
    k = float(s)
    bias_correction2 = 1 - beta2 ** k
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (k * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((k + 1) * momentum_decay)))
    st = mu_product.dtype.type
    mp = st(mu_product[()] * st(mu))           # the 0-d state tensor's own dtype
    mu_product[()] = mp
    mpv = float(mp)
    c1 = -lr * (1.0 - mu) / (1.0 - mpv)
    c2 = (-lr * mu_next) / (1.0 - mpv * mu_next)
    t = p.dtype.type
    c = _adam_constants(p, lr, beta1, beta2, weight_decay, decoupled)
    bc2 = t(bias_correction2)
    e = t(eps)
    k1 = t(c1)
    k2 = t(c2)
    for i in range(n):
        d, x, m, v = _adam_moments(pf, gf, m1, m2, i, maximize, c)
        den = math.sqrt(v / bc2) + e
        x = x + k1 * d / den
        pf[i] = x + k2 * m / den
    return True


@kernel
def radam_step(p, g, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
               decoupled, maximize):
    # torch: step += 1; (p *= 1 - lr*wd | d = g + wd*p); exp_avg.lerp_(d, 1-beta1);
    # exp_avg_sq = exp_avg_sq*beta2 + (1-beta2)*d*d; m = exp_avg / bc1;
    # rho_t > 5: p -= m * lr * (sqrt(bc2) / (sqrt(exp_avg_sq) + eps)) * rect | p -= m * lr
    n = p.size
    if g.size != n or exp_avg.size != n or exp_avg_sq.size != n:
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
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * k * (beta2 ** k) / bias_correction2
    rectify = rho_t > 5.0
    rect = 0.0
    if rectify:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    t = p.dtype.type
    c = _adam_constants(p, lr, beta1, beta2, weight_decay, decoupled)
    bc1 = t(bias_correction1)
    bc2s = t(bias_correction2 ** 0.5)
    r = t(rect)
    lr_t = t(lr)
    e = t(eps)
    for i in range(n):
        d, x, m, v = _adam_moments(pf, gf, m1, m2, i, maximize, c)
        u = m / bc1 * lr_t
        if rectify:
            u = u * (bc2s / (math.sqrt(v) + e)) * r
        pf[i] = x - u
    return True


@kernel
def adadelta_step(p, g, square_avg, acc_delta, step, lr, rho, eps, weight_decay, maximize):
    # torch: step += 1; d = g (+ wd*p); square_avg = square_avg*rho + (1-rho)*d*d;
    # delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * d;
    # acc_delta = acc_delta*rho + (1-rho)*delta*delta; p += -lr*delta
    n = p.size
    if g.size != n or square_avg.size != n or acc_delta.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    sq = square_avg.reshape(n)
    ad = acc_delta.reshape(n)
    step[()] = step[()] + 1
    t = p.dtype.type
    r = t(rho)
    c = t(1 - rho)
    e = t(eps)
    neg_lr = t(-lr)
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    for i in range(n):
        d = _direction(gf[i], pf[i], maximize, use_wd, wd)
        v = _fma(c * d, d, sq[i] * r)
        sq[i] = v
        a = ad[i]
        delta = math.sqrt(a + e) / math.sqrt(v + e) * d
        ad[i] = _fma(c * delta, delta, a * r)
        pf[i] = _fma(delta, neg_lr, pf[i])
    return True


@kernel
def asgd_step(p, g, ax, eta, mu, step, lr, lambd, alpha, t0, weight_decay, maximize):
    # torch: step += 1; d = g (+ wd*p); p *= 1 - lambd*eta; p += -eta*d;
    # ax += (p - ax)*mu (ax = p when mu == 1); eta = lr / (1 + lambd*lr*step)**alpha;
    # mu = 1 / max(1, step - t0)   (eta, mu: 0-d tensors of the state's dtype)
    n = p.size
    if g.size != n or ax.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    av = ax.reshape(n)
    s = step[()] + 1
    step[()] = s
    eta_value = float(eta[()])
    average = float(mu[()]) != 1
    t = p.dtype.type
    decay = t(1 - lambd * eta_value)
    neg_eta = t(-eta_value)
    m = t(mu[()])
    wd = t(weight_decay)
    use_wd = weight_decay != 0
    for i in range(n):
        d = _direction(gf[i], pf[i], maximize, use_wd, wd)
        x = _fma(d, neg_eta, pf[i] * decay)
        pf[i] = x
        if average:
            a = av[i]
            av[i] = a + (x - a) * m
        else:
            av[i] = x
    k = float(s)
    eta[()] = lr / ((1 + lambd * lr * k) ** alpha)
    mu[()] = 1 / max(1.0, k - t0)
    return True


@kernel
def rprop_step(p, g, prev, step_size, step, etaminus, etaplus, step_size_min, step_size_max,
               maximize):
    # torch: step += 1; d = g | -g; s = sign(d*prev) -> etaplus / etaminus / 1;
    # step_size = clamp(step_size*s, min, max); d = 0 where s == etaminus;
    # p -= sign(d) * step_size; prev = d
    n = p.size
    if g.size != n or prev.size != n or step_size.size != n:
        return False
    pf = p.reshape(n)
    gf = g.reshape(n)
    pv = prev.reshape(n)
    ss = step_size.reshape(n)
    step[()] = step[()] + 1
    t = p.dtype.type
    zero = t(0)
    em = t(etaminus)
    ep = t(etaplus)
    lo = t(step_size_min)
    hi = t(step_size_max)
    for i in range(n):
        d = -gf[i] if maximize else gf[i]
        q = d * pv[i]
        if q > zero:
            f = ep
        elif q < zero:
            f = em
        else:
            f = t(1)
        z = ss[i] * f
        if z != z:                            # clamp propagates NaN
            pass
        elif z < lo:
            z = lo
        elif z > hi:
            z = hi
        ss[i] = z
        if f == em:
            d = zero
        if d > zero:
            pf[i] = pf[i] - z
        elif d < zero:
            pf[i] = pf[i] + z                 # sign(nan) is 0 in torch: no move
        pv[i] = d
    return True
