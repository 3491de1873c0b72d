"""``jitgrad.nn.parallel``: ``DistributedDataParallel`` (on
``jitgrad.distributed``, i.e. MPI)."""
from .distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DistributedDataParallel"]
