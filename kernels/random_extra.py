"""More of torch's CPU samplers, bit for bit on the engine of
``kernels/random.py``: cauchy_, log_normal_, geometric_, poisson, the
standard gamma (ATen's Marsaglia-Tsang ``sample_gamma``), binomial (BTRS /
inversion), and the gamma's reparameterised gradient.

Every sampler here is one of ATen's ``cpu_serial_kernel`` loops: elements
in iteration order, each drawing what it needs as it goes -- a float64
uniform is a random64 (two words, ``_u53``), a normal is
``normal_distribution<double>`` with the generator's cached second
Box-Muller sample (``cache = [valid, value]``, shared with
``kernels.random.normal_serial``).

Float constants written ``1.0f`` in ATen's templates are float32 values
promoted to float64 where they meet a double (1/3 is 0.3333333432674408,
0.0331 is 0.033100001513957977): reproduced here as such.
"""
import math

import numpy as np
from numba import njit

from .jit import kernel
from .random import _fma, _u53, mt_fill
from .special import digamma1
from .vmath import like

_PI = 3.141592653589793
_THIRD_F = float(np.float32(1.0) / np.float32(3.0))
_C0331_F = float(np.float32(0.0331))
_TINY64 = float(np.finfo(np.float64).tiny)

_inline = njit(cache=True, error_model="numpy", inline="always")


@_inline
def _uniform(mt, pos, w):
    mt_fill(mt, pos, w[:2])
    return _u53(w[0], w[1])


@_inline
def _normal(mt, pos, cache, w):
    if cache[0] != 0.0:
        cache[0] = 0.0
        return cache[1]
    mt_fill(mt, pos, w[:4])
    u1 = _u53(w[0], w[1])
    u2 = _u53(w[2], w[3])
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 6.283185307179586 * u1
    cache[1] = r * math.sin(theta)
    cache[0] = 1.0
    return r * math.cos(theta)


@kernel
def cauchy(mt, pos, out, median, sigma):
    # median + sigma * tan(pi * (u - 0.5)), in float64, rounded to out's dtype
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        u = _uniform(mt, pos, w)
        out[i] = median + sigma * math.tan(_PI * (u - 0.5))


@kernel
def log_normal(mt, pos, cache, out, mean, std):
    # exp(normal * std + mean), the normal from normal_distribution<double>
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        out[i] = math.exp(_fma(_normal(mt, pos, cache, w), std, mean))


@kernel
def geometric(mt, pos, out, p):
    # ceil(log(u) / log1p(-p)) in float64, converted to out's dtype
    w = np.empty(4, np.uint32)
    lp = math.log1p(-p)
    for i in range(out.size):
        u = _uniform(mt, pos, w)
        out[i] = np.ceil(math.log(u) / lp)


@kernel
def poisson(mt, pos, lam, out):
    """ATen's sample_poisson per element (``lam`` float64 rates in iteration
    order): Hoermann's transformed rejection (PTRS) for rates >= 10, else
    the product of uniforms against exp(-rate). Returns the index of the
    first negative rate, or -1."""
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        lm = lam[i]
        if not lm >= 0.0:
            return i
        if lm >= 10.0:
            slam = math.sqrt(lm)
            loglam = math.log(lm)
            b = 0.931 + 2.53 * slam
            a = -0.059 + 0.02483 * b
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2.0)
            while True:
                u = _uniform(mt, pos, w) - 0.5
                v = _uniform(mt, pos, w)
                us = 0.5 - abs(u)
                k = np.int64(np.floor((2.0 * a / us + b) * u + lm + 0.43))
                if us >= 0.07 and v <= vr:
                    break
                if k < 0 or (us < 0.013 and v > us):
                    continue
                if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (
                        -lm + k * loglam - math.lgamma(k + 1.0)):
                    break
            out[i] = k
        elif lm == 0.0:
            out[i] = 0
        else:
            enlam = math.exp(-lm)
            x = 0
            prod = 1.0
            while True:
                prod *= _uniform(mt, pos, w)
                if prod > enlam:
                    x += 1
                else:
                    break
            out[i] = x
    return -1


@_inline
def _gamma_one(mt, pos, cache, w, alpha):
    """sample_gamma<scalar_t = alpha's type, double>: float64 result."""
    scale = 1.0
    if alpha < like(alpha, 1.0):
        if alpha == like(alpha, 0.0):
            return 0.0
        scale *= (1.0 - _uniform(mt, pos, w)) ** np.float64(like(alpha, 1.0) / alpha)
        alpha += like(alpha, 1.0)
    d = np.float64(alpha - like(alpha, _THIRD_F))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = 0.0
        y = 0.0
        while True:
            x = _normal(mt, pos, cache, w)
            y = 1.0 + c * x
            if not y <= 0.0:
                break
        v = y * y * y
        u = 1.0 - _uniform(mt, pos, w)
        xx = x * x
        if u < 1.0 - _C0331_F * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


@kernel
def standard_gamma(mt, pos, cache, alpha, out, tiny):
    """torch._standard_gamma: per element sample_gamma, at least the
    dtype's smallest normal number ``tiny`` (``alpha`` and ``out`` float32
    or float64, in iteration order)."""
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        s = like(alpha[i], _gamma_one(mt, pos, cache, w, alpha[i]))
        out[i] = s if s > tiny else tiny


@kernel
def dirichlet_gammas(mt, pos, cache, alpha, out):
    # _sample_dirichlet's draws: sample_gamma<double> per element, at least DBL_MIN
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        s = _gamma_one(mt, pos, cache, w, np.float64(alpha[i]))
        out[i] = s if s > _TINY64 else _TINY64


_STIRLING = np.array([0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                      0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                      0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                      0.00833056343336287])


@_inline
def _stirling_tail(k):
    if k < 10:
        return _STIRLING[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


@_inline
def _binomial_inversion(mt, pos, w, count, prob):
    # count, prob (and the result) in the input's type T; the sums in float64
    geom_sum = 0.0
    num = like(count, 0.0)
    logprob = np.float64(math.log1p(-prob))
    while True:
        u = _uniform(mt, pos, w)
        geom_sum += np.ceil(math.log(u) / logprob)
        if geom_sum > count:
            break
        num = num + like(count, 1.0)
    return num


@_inline
def _btrs(mt, pos, w, count, prob):
    # ATen's mix: products of count and prob in T, the rest in float64
    one = like(count, 1.0)
    stddev = np.float64(math.sqrt(count * prob * (one - prob)))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * np.float64(prob)
    c = np.float64(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = np.float64(prob / (one - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = np.float64(np.floor((count + one) * prob))
    n64 = np.float64(count)
    while True:
        u = _uniform(mt, pos, w) - 0.5
        v = _uniform(mt, pos, w)
        us = 0.5 - abs(u)
        k = like(count, np.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        ck1 = np.float64(count - k + one)
        upper = ((m + 0.5) * math.log((m + 1) / (r * (n64 - m + 1)))
                 + (n64 + 1) * math.log((n64 - m + 1) / ck1)
                 + (np.float64(k) + 0.5) * math.log(r * ck1 / np.float64(k + one))
                 + _stirling_tail(m) + _stirling_tail(n64 - m)
                 - _stirling_tail(np.float64(k)) - _stirling_tail(np.float64(count - k)))
        if v <= upper:
            return k


@kernel
def binomial(mt, pos, count, prob, out):
    """torch.binomial: ATen's sample_binomial per element (count and prob
    broadcast, in their float type T, in iteration order)."""
    w = np.empty(4, np.uint32)
    for i in range(out.size):
        n = count[i]
        p = prob[i]
        if n <= 0.0 or p <= 0.0:
            s = like(n, 0.0)
        elif p >= 1.0:
            s = n
        elif p <= 0.5:
            s = _btrs(mt, pos, w, n, p) if n * p >= 10.0 else _binomial_inversion(mt, pos, w, n, p)
        elif p > 0.5:
            q = like(p, 1.0 - p)
            s = n - (_btrs(mt, pos, w, n, q) if n * q >= 10.0 else
                     _binomial_inversion(mt, pos, w, n, q))
        else:
            s = like(n, math.nan)
        out[i] = s


_COEF_UV = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089,
     0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113,
     -0.0035938915, -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
     0.00085092367, -1.5247877e-07]])


@_inline
def _gamma_grad_one(alpha, x):
    # -(d/dalpha cdf(x; alpha)) / pdf(x; alpha), in float64 (ATen's standard_gamma_grad_one)
    if x < 0.800000011920929:
        numer = 1.0
        denom = alpha
        series1 = numer / denom
        series2 = numer / (denom * denom)
        for i in range(1, 6):
            numer *= -x / i
            denom += 1
            series1 += numer / denom
            series2 += numer / (denom * denom)
        pow_x_alpha = x ** alpha
        gamma_pdf = x ** (alpha - 1) * math.exp(-x)
        gamma_cdf = pow_x_alpha * series1
        gamma_cdf_alpha = (math.log(x) - digamma1(alpha)) * gamma_cdf - pow_x_alpha * series2
        result = -gamma_cdf_alpha / gamma_pdf
        return 0.0 if math.isnan(result) else result
    if alpha > 8.0:
        if 0.8999999761581421 * alpha <= x and x <= 1.100000023841858 * alpha:
            numer_1 = 1 + 24 * alpha * (1 + 12 * alpha)
            numer_2 = (1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha
                       + alpha * (107 + 3600 * x))
            denom = 1244160 * (alpha * alpha) * (alpha * alpha)
            return numer_1 * numer_2 / denom
        denom = math.sqrt(8 * alpha)
        term2 = denom / (alpha - x)
        term3 = (x - alpha - alpha * math.log(x / alpha)) ** -1.5
        term23 = term2 - term3 if x < alpha else term2 + term3
        term1 = math.log(x / alpha) * term23 - math.sqrt(2 / alpha) * (alpha + x) / (
            (alpha - x) * (alpha - x))
        stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha))
        numer = x * term1
        return -stirling * numer / denom
    u = math.log(x / alpha)
    v = math.log(alpha)
    cv = np.empty(8)
    for i in range(8):
        cv[i] = _COEF_UV[0, i] + u * (_COEF_UV[1, i] + u * _COEF_UV[2, i])
    p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]))
    q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]))
    return math.exp(p / q)


@kernel
def standard_gamma_grad(alpha, x, out):
    # torch._standard_gamma_grad(alpha, x) (flat, broadcast, one dtype)
    for i in range(out.size):
        out[i] = _gamma_grad_one(np.float64(alpha[i]), np.float64(x[i]))


# ---------------------------------------------------------------- Dirichlet's gradient

@_inline
def _beta_grad_alpha_small(x, alpha, beta):
    factor = digamma1(alpha) - digamma1(alpha + beta) - math.log(x)
    numer = 1.0
    series = numer / alpha * (factor + 1 / alpha)
    for i in range(1, 11):
        numer *= (i - beta) * x / i
        denom = alpha + i
        series += numer / denom * (factor + 1 / denom)
    result = x * (1 - x) ** -beta * series
    return 0.0 if math.isnan(result) else result


@_inline
def _beta_grad_beta_small(x, alpha, beta):
    factor = digamma1(alpha + beta) - digamma1(beta)
    numer = 1.0
    betas = 1.0
    dbetas = 0.0
    series = factor / alpha
    for i in range(1, 9):
        numer *= -x / i
        dbetas = dbetas * (beta - i) + betas
        betas = betas * (beta - i)
        series += numer / (alpha + i) * (dbetas + factor * betas)
    result = -(1 - x) ** (1 - beta) * series
    return 0.0 if math.isnan(result) else result


@_inline
def _beta_grad_alpha_mid(x, alpha, beta):
    total = alpha + beta
    mean = alpha / total
    std = math.sqrt(alpha * beta / (total + 1)) / total
    if mean - 0.1 * std <= x and x <= mean + 0.1 * std:
        poly = 47 * x * (beta * beta) * (beta * beta) + alpha * (
            (43 + 20 * (16 + 27 * beta) * x) * (beta * beta) * beta + alpha * (
                3 * (59 + 180 * beta - 90 * x) * (beta * beta) + alpha * (
                    (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
                        8 * (1 - x) * (135 * beta - 11)))))
        prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
        prefactor_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
        return prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / math.sqrt(2 * alpha * beta / total)
    stirling = ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha))
                * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta)
    axbx = alpha * (x - 1) + beta * x
    term1_den = math.sqrt(2 * alpha / beta) * total ** 1.5 * axbx * axbx
    term1 = term1_num / term1_den
    term2 = 0.5 * math.log(alpha / (total * x))
    term3_num = math.sqrt(8 * alpha * beta / total)
    term3_den = beta * x + alpha * (x - 1)
    term3 = term3_num / term3_den
    term4_base = beta * math.log(beta / (total * (1 - x))) + alpha * math.log(alpha / (total * x))
    term4 = term4_base ** -1.5
    term1234 = term1 + term2 * (term3 + (term4 if x < mean else -term4))
    return stirling * prefactor * term1234


_DIRICHLET_C = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]]])


@_inline
def _dirichlet_grad_one(x, alpha, total):
    # ATen's dirichlet_grad_one in float64: d x / d alpha of a Beta(alpha, total - alpha)
    # draw x, scaled by 1 / (1 - x)
    beta = total - alpha
    boundary = total * x * (1 - x)
    if x <= 0.5 and boundary < 2.5:
        return _beta_grad_alpha_small(x, alpha, beta)
    if x >= 0.5 and boundary < 0.75:
        return -_beta_grad_beta_small(1 - x, beta, alpha)
    if alpha > 6 and beta > 6:
        return _beta_grad_alpha_mid(x, alpha, beta)
    u = math.log(x)
    a = math.log(alpha) - u
    b = math.log(total) - a
    pu = (1.0, u, u * u)
    pa = (1.0, a, a * a)
    p = 0.0
    q = 0.0
    for i in range(3):
        for j in range(3):
            ua = pu[i] * pa[j]
            c0 = _DIRICHLET_C[0, i, j]
            c1 = _DIRICHLET_C[1, i, j]
            p += ua * (c0[0] + b * (c0[1] + b * (c0[2] + b * c0[3])))
            q += ua * (c1[0] + b * (c1[1] + b * (c1[2] + b * c1[3])))
    approx = x * (digamma1(total) - digamma1(alpha)) / beta
    return p / q * approx


@kernel
def dirichlet_grad(x, alpha, total, out):
    # torch._dirichlet_grad(x, alpha, total) (flat, one shape and dtype)
    for i in range(out.size):
        out[i] = _dirichlet_grad_one(np.float64(x[i]), np.float64(alpha[i]), np.float64(total[i]))
