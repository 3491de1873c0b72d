"""torch.utils's counterpart: ``jitgrad.utils.data`` (datasets, samplers,
DataLoader)."""
from . import data  # noqa: F401
