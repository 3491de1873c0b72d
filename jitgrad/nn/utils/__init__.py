"""``torch.nn.utils``: gradient clipping (``clip_grad``) and the packed and
padded sequences of the recurrent layers (``rnn``)."""
from . import rnn  # noqa: F401
from .clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: F401
from .clip_grad import clip_grads_with_norm_, get_total_norm  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
