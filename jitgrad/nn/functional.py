"""``jitgrad.nn.functional``: torch.nn.functional's names over jitgrad ops."""
from .. import messages
from ..functions import sigmoid, tanh  # noqa: F401
from ..functions import relu as _relu
from ..ops import activations as _act
from ..ops.pointwise import softplus  # noqa: F401
from ..ops.losses import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                          cross_entropy, l1_loss, mse_loss, nll_loss, one_hot, smooth_l1_loss)
from ..tensor import Tensor


def _tensor(fname, value, arg="input", position=1):
    if not isinstance(value, Tensor):
        raise TypeError(messages.arg_must_be(fname, arg, position, value))
    return value


def relu(input, inplace=False):
    if inplace:
        return _tensor("relu_", input).relu_()
    return _relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _act.leaky_relu(_tensor("leaky_relu", input), float(negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    return _act.elu(_tensor("elu", input), float(alpha), inplace)


def gelu(input, approximate="none"):
    return _act.gelu(_tensor("gelu", input), approximate)


def silu(input, inplace=False):
    return _act.silu(_tensor("silu", input), inplace)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _act.implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return _act.softmax(_tensor("softmax", input), dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _act.implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _act.log_softmax(_tensor("log_softmax", input), dim, dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    return _act.dropout(_tensor("dropout", input), p, training, inplace)


def linear(input, weight, bias=None):
    _tensor("linear", input)
    _tensor("linear", weight, "weight", 2)
    if bias is not None:
        _tensor("linear", bias, "bias", 3)
    return _act.linear(input, weight, bias)
