"""``jitgrad.nn``: the functional interface, Module and its layers."""
from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import Buffer, Parameter  # noqa: F401
from . import parallel  # noqa: F401,E402  (DistributedDataParallel)


# a name torch has and jitgrad lacks says so (jitgrad/api_coverage.py)
from ..api_coverage import module_getattr as _module_getattr  # noqa: E402
__getattr__ = _module_getattr("jitgrad.nn", "torch.nn")
