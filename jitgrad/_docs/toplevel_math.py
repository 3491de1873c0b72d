"""Docstrings of top-level ``jitgrad`` math: pointwise functions, comparisons,
reductions and matrix products."""

_BINARY = """
``other`` may be a tensor or a Python number; the two broadcast and their dtypes are
promoted as in torch.
"""

_REDUCE_DIM = """
Args:
    dim (int or tuple of ints, optional): the dimension(s) to reduce; all of them when
        omitted.
    keepdim (bool): keep the reduced dimensions with size 1.
"""


def _unary(summary, note=""):
    return (summary + "\n\nIntegers and bools are computed in the default floating dtype.\n"
            + note)


DOCS = {
# ---- arithmetic
"add": """Add ``other``, scaled by ``alpha``, to ``input``: ``input + alpha * other``.
""" + _BINARY + """
Example::

    >>> torch.add(torch.tensor([1., 2.]), torch.tensor([10., 20.]), alpha=2)
    tensor([21., 42.])
""",
"sub": """Subtract ``other``, scaled by ``alpha``, from ``input``: ``input - alpha * other``.
""" + _BINARY + """
Example::

    >>> torch.sub(torch.tensor([5, 7]), 2)
    tensor([3, 5])
""",
"rsub": """Return ``other - alpha * input`` (subtraction with the operands reversed).""",
"mul": """Multiply ``input`` by ``other`` element-wise.
""" + _BINARY + """
Example::

    >>> torch.mul(torch.tensor([1, 2, 3]), 2)
    tensor([2, 4, 6])
""",
"div": """Divide ``input`` by ``other`` element-wise.

Args:
    rounding_mode (str, optional): ``None`` gives true division (integers give a float
        result); ``'trunc'`` rounds the quotient towards zero and ``'floor'`` rounds
        it down, both keeping integer dtypes.
""" + _BINARY + """
Example::

    >>> torch.div(torch.tensor([7, -7]), 2)
    tensor([ 3.5000, -3.5000])
    >>> torch.div(torch.tensor([7, -7]), 2, rounding_mode='floor')
    tensor([ 3, -4])
""",
"true_divide": """Divide ``input`` by ``other`` with true (floating) division; same as ``div`` without ``rounding_mode``.""",
"floor_divide": """Divide and round the quotient down (towards minus infinity), as Python's ``//``.""",
"remainder": """Return the remainder of ``input / other`` with the sign of ``other`` (Python's ``%``).""",
"fmod": """Return the remainder of ``input / other`` with the sign of ``input`` (C's fmod).""",
"neg": """Return ``-input``.""",
"positive": """Return ``input`` itself (unary plus); raises for bool tensors as torch does.""",
"reciprocal": _unary("Return ``1 / input`` element-wise."),
"pow": """Raise ``input`` to the power ``exponent`` element-wise (either may be a number).

Integer tensors raised to integer powers stay integers; a negative integer exponent on an
integer tensor raises an error, as in torch.

Example::

    >>> torch.pow(torch.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
""",
"float_power": """Raise ``input`` to ``exponent`` computing in float64 (the result is always float64).""",
"square": """Return ``input * input`` element-wise.""",
"sqrt": _unary("Return the square root of each element (NaN for negative values).", """
Example::

    >>> torch.sqrt(torch.tensor([4., 9.]))
    tensor([2., 3.])
"""),
"rsqrt": _unary("Return ``1 / sqrt(input)`` element-wise."),
"abs": """Return the absolute value of each element.

Example::

    >>> torch.abs(torch.tensor([-1.5, 0.0, 2.0]))
    tensor([1.5000, 0.0000, 2.0000])
""",
"sign": """Return -1, 0 or 1 according to the sign of each element (bool stays bool).""",
"sgn": """Return the sign of each element; for real tensors the same as :func:`sign`.""",
"signbit": """Return a bool tensor, True where the sign bit is set (negative numbers and -0.0).""",
"exp": _unary("Return e raised to each element.", """
Example::

    >>> torch.exp(torch.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
"""),
"exp2": _unary("Return 2 raised to each element."),
"expm1": _unary("Return ``exp(input) - 1``, accurate for small inputs."),
"log": _unary("Return the natural logarithm of each element (``-inf`` at 0, NaN below).", """
Example::

    >>> torch.log(torch.tensor([1., 100.]))
    tensor([0.0000, 4.6052])
"""),
"log2": _unary("Return the base-2 logarithm of each element."),
"log10": _unary("Return the base-10 logarithm of each element."),
"log1p": _unary("Return ``log(1 + input)``, accurate for small inputs."),
"logaddexp": """Return ``log(exp(input) + exp(other))`` computed without overflow.""",
"logaddexp2": """Return ``log2(2**input + 2**other)`` computed without overflow.""",
"xlogy": """Return ``input * log(other)``, taken as 0 where ``input`` is 0 (unless ``other`` is NaN).""",
"sin": _unary("Return the sine of each element (radians)."),
"cos": _unary("Return the cosine of each element (radians)."),
"tan": _unary("Return the tangent of each element (radians)."),
"asin": _unary("Return the arcsine of each element."),
"acos": _unary("Return the arccosine of each element."),
"atan": _unary("Return the arctangent of each element."),
"atan2": """Return the angle of the point (``other``, ``input``), i.e. ``atan(input / other)`` in the right quadrant.""",
"sinh": _unary("Return the hyperbolic sine of each element."),
"cosh": _unary("Return the hyperbolic cosine of each element."),
"tanh": _unary("Return the hyperbolic tangent of each element.", """
Example::

    >>> torch.tanh(torch.tensor([0., 1.]))
    tensor([0.0000, 0.7616])
"""),
"asinh": _unary("Return the inverse hyperbolic sine of each element."),
"acosh": _unary("Return the inverse hyperbolic cosine of each element."),
"atanh": _unary("Return the inverse hyperbolic tangent of each element."),
"sigmoid": _unary("Return the logistic sigmoid ``1 / (1 + exp(-input))`` of each element.", """
Example::

    >>> torch.sigmoid(torch.tensor([0.]))
    tensor([0.5000])
"""),
"sinc": _unary("Return the normalised sinc ``sin(pi x) / (pi x)`` of each element (1 at 0)."),
"deg2rad": """Convert angles from degrees to radians.""",
"rad2deg": """Convert angles from radians to degrees.""",
"hypot": """Return ``sqrt(input**2 + other**2)`` element-wise, without needless overflow.""",
"erf": _unary("Return the error function of each element."),
"erfc": _unary("Return the complementary error function ``1 - erf(input)`` of each element."),
"erfinv": _unary("Return the inverse error function of each element (defined on (-1, 1))."),
"lgamma": _unary("Return the log of the absolute value of the gamma function of each element."),
"digamma": _unary("Return the digamma function (derivative of lgamma) of each element."),
"polygamma": """Return the ``n``-th derivative of the digamma function at each element of ``input``.""",
"floor": """Round each element down to an integer value (integer tensors are returned as they are).""",
"ceil": """Round each element up to an integer value (integer tensors are returned as they are).""",
"trunc": """Round each element towards zero (integer tensors are returned as they are).""",
"fix": """Round each element towards zero; same as :func:`trunc`.""",
"frac": """Return the fractional part ``input - trunc(input)`` of each element.""",
"round": """Round each element to the nearest integer, halves to even; with ``decimals``, to that many decimal places.

Example::

    >>> torch.round(torch.tensor([0.5, 1.5, 2.567]))
    tensor([0., 2., 3.])
    >>> torch.round(torch.tensor([2.567]), decimals=2)
    tensor([2.5700])
""",
"clamp": """Limit each element to the range [``min``, ``max``]; either bound may be omitted or a tensor.

Example::

    >>> torch.clamp(torch.tensor([-2., 0.5, 3.]), min=0, max=1)
    tensor([0.0000, 0.5000, 1.0000])
""",
"clamp_min": """Limit each element from below: ``max(input, min)``.""",
"clamp_max": """Limit each element from above: ``min(input, max)``.""",
"clip": """Alias for :func:`clamp`.""",
"lerp": """Interpolate linearly: ``input + weight * (end - input)`` (``weight`` a number or tensor).""",
"nan_to_num": """Replace NaN by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by default the dtype's largest / lowest finite values).""",
"heaviside": """Return the Heaviside step of ``input``: 0 for negative, 1 for positive, ``values`` where ``input`` is 0.""",
"addcmul": """Return ``input + value * tensor1 * tensor2`` element-wise (broadcast).""",
"addcdiv": """Return ``input + value * tensor1 / tensor2`` element-wise (broadcast).""",
"fmax": """Element-wise maximum that ignores NaN (returns the other value when one is NaN).""",
"fmin": """Element-wise minimum that ignores NaN (returns the other value when one is NaN).""",
"maximum": """Element-wise maximum of ``input`` and ``other`` (NaN propagates).""",
"minimum": """Element-wise minimum of ``input`` and ``other`` (NaN propagates).""",
"copysign": """Return the magnitude of ``input`` with the sign of ``other``, element-wise.""",
# ---- comparisons and logic
"eq": """Compare element-wise for equality; returns a bool tensor (``other`` broadcasts).

Example::

    >>> torch.eq(torch.tensor([1, 2, 3]), 2)
    tensor([False,  True, False])
""",
"ne": """Compare element-wise for inequality; returns a bool tensor.""",
"lt": """Return a bool tensor, True where ``input < other``.""",
"le": """Return a bool tensor, True where ``input <= other``.""",
"gt": """Return a bool tensor, True where ``input > other``.""",
"ge": """Return a bool tensor, True where ``input >= other``.""",
"equal": """Return True if both tensors have the same shape and the same values.""",
"isclose": """Return a bool tensor, True where ``|input - other| <= atol + rtol * |other|``.

``equal_nan=True`` treats two NaNs as close.
""",
"allclose": """Return True if every element satisfies :func:`isclose` with the given tolerances.

Example::

    >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))
    True
""",
"isnan": """Return a bool tensor, True where an element is NaN.""",
"isinf": """Return a bool tensor, True where an element is +inf or -inf.""",
"isfinite": """Return a bool tensor, True where an element is neither infinite nor NaN.""",
"logical_and": """Element-wise logical AND of the truth values of ``input`` and ``other`` (bool result).""",
"logical_or": """Element-wise logical OR of the truth values of ``input`` and ``other`` (bool result).""",
"logical_xor": """Element-wise logical XOR of the truth values of ``input`` and ``other`` (bool result).""",
"logical_not": """Element-wise logical NOT of the truth values of ``input`` (bool result).""",
"bitwise_and": """Element-wise bitwise AND of integer or bool tensors.""",
"bitwise_or": """Element-wise bitwise OR of integer or bool tensors.""",
"bitwise_xor": """Element-wise bitwise XOR of integer or bool tensors.""",
"bitwise_not": """Element-wise bitwise NOT of an integer or bool tensor.""",
"bitwise_left_shift": """Shift the bits of an integer tensor left by ``other``.""",
"bitwise_right_shift": """Shift the bits of an integer tensor right by ``other`` (arithmetic shift).""",
# ---- reductions
"sum": """Return the sum of the elements of ``input``, over all of them or over ``dim``.
""" + _REDUCE_DIM + """    dtype (jitgrad.dtype, optional): compute and return in this dtype.

Bools and int32 sum to int64, as in torch.

Example::

    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> torch.sum(x)
    tensor(10)
    >>> torch.sum(x, dim=0, keepdim=True)
    tensor([[4, 6]])
""",
"nansum": """Sum the elements as :func:`sum` does, treating NaN as zero.""",
"prod": """Return the product of the elements, over all of them or along ``dim`` (an int).

Example::

    >>> torch.prod(torch.tensor([[1., 2.], [3., 4.]]), 1)
    tensor([ 2., 12.])
""",
"mean": """Return the mean of the elements, over all of them or over ``dim``.
""" + _REDUCE_DIM + """    dtype (jitgrad.dtype, optional): compute and return in this dtype.

``input`` must be floating (or ``dtype`` given), as in torch.

Example::

    >>> torch.mean(torch.tensor([[1., 2.], [3., 4.]]), dim=1)
    tensor([1.5000, 3.5000])
""",
"nanmean": """Return the mean of the non-NaN elements, over all of them or over ``dim``.""",
"var": """Return the variance of the elements, over all of them or over ``dim``.
""" + _REDUCE_DIM + """    correction (int): subtract this from the number of elements in the denominator;
        1 by default (the unbiased estimate), 0 for the population variance.
    unbiased (bool, optional): older spelling: True means ``correction=1``, False ``0``.

Example::

    >>> torch.var(torch.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    >>> torch.var(torch.tensor([1., 2., 3., 4.]), correction=0)
    tensor(1.2500)
""",
"std": """Return the standard deviation of the elements, over all of them or over ``dim``.

Takes ``dim``, ``keepdim``, ``correction`` (1 by default) and ``unbiased`` as
:func:`var` does.

Example::

    >>> torch.std(torch.tensor([1., 2., 3., 4.]))
    tensor(1.2910)
""",
"var_mean": """Return ``(var, mean)`` computed together; arguments as for :func:`var`.""",
"std_mean": """Return ``(std, mean)`` computed together; arguments as for :func:`var`.""",
"max": """Return the maximum: of all elements, or ``(values, indices)`` along ``dim``.

``max(input)`` returns a 0-D tensor; ``max(input, dim, keepdim=False)`` returns a named
tuple whose ``indices`` (int64) locate the maximum (the first one on ties); and
``max(input, other)`` is the element-wise :func:`maximum`.

Example::

    >>> x = torch.tensor([[1, 5], [7, 2]])
    >>> torch.max(x)
    tensor(7)
    >>> torch.max(x, dim=1)
    jitgrad.return_types.max(
    values=tensor([5, 7]),
    indices=tensor([1, 0]))
""",
"min": """Return the minimum: of all elements, or ``(values, indices)`` along ``dim``.

The forms mirror :func:`max`; ``min(input, other)`` is the element-wise :func:`minimum`.
""",
"amax": """Return the maximum values over ``dim`` (all dims when empty); no indices, and the gradient is shared among ties.""",
"amin": """Return the minimum values over ``dim`` (all dims when empty); no indices, and the gradient is shared among ties.""",
"aminmax": """Return ``(min, max)`` as a named tuple, over all elements or along ``dim``.""",
"argmax": """Return the int64 index of the maximum, in the flattened tensor or along ``dim``.

Example::

    >>> torch.argmax(torch.tensor([[1, 5], [7, 2]]), dim=1)
    tensor([1, 0])
""",
"argmin": """Return the int64 index of the minimum, in the flattened tensor or along ``dim``.""",
"all": """Return True (a bool tensor) if every element is non-zero, over all elements or along ``dim``.""",
"any": """Return True (a bool tensor) if any element is non-zero, over all elements or along ``dim``.""",
"count_nonzero": """Count the non-zero elements, over all of them or over ``dim`` (int64 result).""",
"logsumexp": """Return ``log(sum(exp(input)))`` over ``dim``, computed without overflow.

Example::

    >>> torch.logsumexp(torch.tensor([0., 0.]), dim=0)
    tensor(0.6931)
""",
"norm": """Return the p-norm of ``input``, over all elements or over ``dim``.

Args:
    p (float or str): ``'fro'`` (the default, the 2-norm of all elements), a number,
        ``inf`` or ``-inf``. jitgrad does not support ``'nuc'`` or other matrix norms
        here (use :func:`jitgrad.linalg.matrix_norm`), nor negative finite orders.
    dim, keepdim: as for :func:`sum`.
""",
"dist": """Return the p-norm of ``input - other`` (broadcast) as a 0-D tensor.""",
"median": """Return the median: of all elements (the lower of the two middle values), or ``(values, indices)`` along ``dim``.""",
"nanmedian": """Return the median ignoring NaN, like :func:`median`.""",
"mode": """Return ``(values, indices)`` of the most frequent value along ``dim`` (the smallest on ties).""",
"quantile": """Return the ``q``-th quantiles (``q`` a number or 1-D tensor in [0, 1]) of ``input``, overall or along ``dim``.

``interpolation`` chooses between the neighbouring values: ``'linear'``, ``'lower'``,
``'higher'``, ``'midpoint'`` or ``'nearest'``.
""",
"nanquantile": """Return quantiles as :func:`quantile` does, ignoring NaN.""",
"kthvalue": """Return ``(values, indices)`` of the ``k``-th smallest element (1-based) along ``dim``.""",
"topk": """Return the ``k`` largest (or smallest) elements along ``dim`` and their indices.

Args:
    k (int): how many elements to return.
    dim (int): the dimension to search; the last by default.
    largest (bool): False returns the k smallest instead.
    sorted (bool): return the k elements in sorted order.

Returns a named tuple ``(values, indices)``; indices are int64.

Example::

    >>> torch.topk(torch.tensor([1., 4., 2., 8.]), 2)
    jitgrad.return_types.topk(
    values=tensor([8., 4.]),
    indices=tensor([3, 1]))
""",
"sort": """Sort ``input`` along ``dim`` (the last by default) and return ``(values, indices)``.

Takes ``dim=-1``, ``descending=False`` and ``stable=False``; ``stable=True`` keeps
equal elements in their original order.

Example::

    >>> torch.sort(torch.tensor([3, 1, 2]), descending=True)
    jitgrad.return_types.sort(
    values=tensor([3, 2, 1]),
    indices=tensor([0, 2, 1]))
""",
"argsort": """Return the int64 indices that sort ``input`` along ``dim`` (``descending`` and ``stable`` as for :func:`sort`).""",
"msort": """Sort ``input`` along its first dimension and return the values.""",
"cumsum": """Return the cumulative sum along ``dim``; ``dtype`` sets the result's dtype.

Example::

    >>> torch.cumsum(torch.tensor([1, 2, 3]), dim=0)
    tensor([1, 3, 6])
""",
"cumprod": """Return the cumulative product along ``dim``.""",
"cummax": """Return ``(values, indices)`` of the running maximum along ``dim``.""",
"cummin": """Return ``(values, indices)`` of the running minimum along ``dim``.""",
"logcumsumexp": """Return ``log(cumsum(exp(input)))`` along ``dim``, computed without overflow.""",
"diff": """Return the ``n``-th forward difference along ``dim``, optionally after adding ``prepend``/``append`` values.""",
"trace": """Return the sum of the main diagonal of a 2-D tensor.""",
"renorm": """Rescale each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to have norm ``maxnorm``.""",
"histogram": """Return a histogram of ``input`` and its bin edges.""",
# ---- products and linear algebra
"matmul": """Matrix product with broadcasting over batch dimensions.

1-D operands act as a vector (a dimension is added and then removed); 2-D by 2-D is
:func:`mm`; higher dims broadcast as batches. The ``@`` operator calls this.

Example::

    >>> a = torch.tensor([[1., 2.], [3., 4.]])
    >>> torch.matmul(a, torch.tensor([1., 1.]))
    tensor([3., 7.])
    >>> torch.matmul(torch.ones(5, 2, 3), torch.ones(3, 4)).shape
    jitgrad.Size([5, 2, 4])
""",
"mm": """Multiply two 2-D matrices: (n, m) @ (m, p) -> (n, p). No broadcasting; see :func:`matmul`.""",
"bmm": """Multiply batches of matrices: (b, n, m) @ (b, m, p) -> (b, n, p). No broadcasting.""",
"mv": """Multiply a matrix (n, m) by a vector (m,), giving a vector (n,).""",
"dot": """Return the dot product of two 1-D tensors of the same size and dtype.""",
"inner": """Return the inner product over the last dimension of both tensors.""",
"outer": """Return the outer product of two 1-D tensors: ``out[i, j] = input[i] * vec2[j]``.""",
"ger": """Alias for :func:`outer`.""",
"kron": """Return the Kronecker product of two tensors.""",
"tensordot": """Contract ``a`` and ``b`` over the given dims (an int ``n`` means the last n of ``a`` with the first n of ``b``).""",
"einsum": """Sum products of operands as an Einstein-summation ``equation`` says, e.g. ``'ij,jk->ik'``.

jitgrad does not support a subscript repeated within one operand (diagonals and traces
such as ``'ii->i'``); it raises NotImplementedError.

Example::

    >>> a = torch.tensor([[1., 2.], [3., 4.]])
    >>> torch.einsum('ij,j->i', a, torch.tensor([1., 1.]))
    tensor([3., 7.])
""",
"addmm": """Return ``beta * input + alpha * (mat1 @ mat2)`` for 2-D ``mat1``, ``mat2`` (``input`` broadcasts).""",
"addmv": """Return ``beta * input + alpha * (mat @ vec)``.""",
"addr": """Return ``beta * input + alpha * outer(vec1, vec2)``.""",
"addbmm": """Return ``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (the batch products summed).""",
"baddbmm": """Return ``beta * input + alpha * (batch1 @ batch2)`` batch by batch.""",
"matrix_power": """Raise a square matrix (or batch) to the integer power ``n``; negative ``n`` uses the inverse.""",
"det": """Return the determinant of a square matrix or batch of them.""",
"matrix_exp": """Return the matrix exponential of a square matrix or batch; see :func:`jitgrad.linalg.matrix_exp`.""",
"triangular_solve": """Deprecated form of :func:`jitgrad.linalg.solve_triangular`: ``(solution, A's clone)`` of ``A X = b``, arguments ``(b, A, upper=True, transpose=False, unitriangular=False)``.""",
"lu_unpack": """Return ``(P, L, U)`` from :func:`jitgrad.linalg.lu_factor`'s ``(LU, pivots)``; ``unpack_data``/``unpack_pivots`` skip parts.""",
"logdet": """Return the log of the determinant (NaN for a negative determinant, -inf for zero).""",
"slogdet": """Return ``(sign, logabsdet)`` of the determinant of a square matrix or batch.""",
"inverse": """Return the inverse of a square matrix or batch; see :func:`jitgrad.linalg.inv`.""",
"pinverse": """Return the Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest are dropped.""",
"cholesky": """Return the Cholesky factor of a symmetric positive-definite matrix (lower, or upper with ``upper=True``).""",
"qr": """Return ``(Q, R)`` of the QR decomposition; ``some=False`` gives the complete Q.""",
"svd": """Return ``(U, S, V)`` with ``input = U diag(S) V^T`` (note V, not V^T; see :func:`jitgrad.linalg.svd`).""",
"cross": """Return the cross product of 3-element vectors along ``dim`` (the first size-3 dim when omitted).""",
"cdist": """Return the p-norm distances between each row of ``x1`` (…, P, M) and each row of ``x2`` (…, R, M), shape (…, P, R).""",
}

ALIASES = {
    "absolute": "abs", "arccos": "acos", "arcsin": "asin", "arctan": "atan",
    "arctan2": "atan2", "arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh",
    "divide": "div", "multiply": "mul", "subtract": "sub", "negative": "neg",
    "greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le",
    "not_equal": "ne",
}
