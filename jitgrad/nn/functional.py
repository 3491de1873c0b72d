"""``jitgrad.nn.functional``: torch.nn.functional's names over jitgrad ops."""
from ..functions import relu, sigmoid, tanh  # noqa: F401
from ..ops.losses import binary_cross_entropy_with_logits  # noqa: F401
