"""``jitgrad.nn``: for now the functional interface."""
from . import functional  # noqa: F401
