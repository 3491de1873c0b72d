"""``jitgrad.optim``: torch's optimizers with one fused kernel per parameter."""
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD, Adam, AdamW  # noqa: F401
