"""lgamma, digamma, polygamma (the op table's gamma-family ``Pointwise``
entries; kernels in ``kernels/special.py``) and their in-place forms.
Integer and bool inputs compute in the default float dtype, as in torch."""
import numbers

from .. import derivatives, dtypes, messages
from ..tensor import Tensor, _wrap
from .parametric import nodes, pointwise
from .pointwise_extra import _in_place

_LGAMMA = nodes(derivatives.COMPOSITE["lgamma"])
_DIGAMMA = nodes(derivatives.COMPOSITE["digamma"])
_POLYGAMMA = nodes(derivatives.COMPOSITE["polygamma"])


def _float_input(x, fname, arg="input", position=1):
    if not isinstance(x, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, x))
    if x._data.dtype.kind != "f":
        return _wrap(x._data.astype(dtypes.get_default_dtype().numpy))
    return x


def lgamma(input):
    return pointwise(_float_input(input, "lgamma"), _LGAMMA)


def digamma(input):
    return pointwise(_float_input(input, "digamma"), _DIGAMMA)


def _order(n, fname):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(messages.arg_must_be(fname, "n", 1, n, "int"))
    if n < 0:
        raise RuntimeError(messages.POLYGAMMA_NEGATIVE)
    return int(n)


def polygamma(n, input):
    n = _order(n, "polygamma")
    x = _float_input(input, "polygamma", "input", 2)
    return pointwise(x, _POLYGAMMA, n)


def lgamma_(x):
    return _in_place(x, (), lgamma)


def digamma_(x):
    return _in_place(x, (), digamma)


def polygamma_(x, n):
    n = _order(n, "polygamma_")
    return _in_place(x, (), lambda t: polygamma(n, t))
