"""Anomaly detection, as torch has it: ``detect_anomaly`` and
``set_detect_anomaly``. While it is on, every node records the stack of the
forward call that made it; backward then names that call when a node fails,
and (with ``check_nan``) refuses a gradient with NaN in it.

The mode is process-wide, as torch's is. It costs the forward one flag test
per op while off; the engine takes its checking path only while it is on.
"""
import os
import traceback
import warnings
import weakref

import numpy as np

from .. import messages

# [enabled, check_nan]
state = [False, True]

# node -> the forward call's stack (traceback.StackSummary), for nodes made
# while anomaly mode was on; weak, so it never keeps a graph alive
_forward_traces = weakref.WeakKeyDictionary()

_PACKAGE_DIRS = None


def is_anomaly_enabled():
    return state[0]


def is_anomaly_check_nan_enabled():
    return state[1]


def record(node):
    """Keep the stack of the forward call that made ``node`` (its user frames)."""
    # the first record is the op that made the node; a tensor re-wrapped on the
    # same node later (an in-place op's copy of its input) must not replace it
    if node is not None and node not in _forward_traces:
        _forward_traces[node] = traceback.extract_stack()[:-2]


def maybe_record(node):
    """``record`` for the ops that set a tensor's grad_fn themselves (in place)."""
    if state[0]:
        record(node)


def _user_frames(stack):
    global _PACKAGE_DIRS
    if _PACKAGE_DIRS is None:
        from .. import kernels
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        _PACKAGE_DIRS = (here + os.sep, os.path.dirname(os.path.abspath(kernels.__file__)) + os.sep)
    return traceback.StackSummary.from_list(
        [f for f in stack if not f.filename.startswith(_PACKAGE_DIRS)])


def warn_error_in(node):
    """torch's warning before a failing node's error: the forward call's stack."""
    name = type(node).__name__
    stack = _forward_traces.get(node)
    if stack is None:
        text = messages.anomaly_no_forward(name)
    else:
        text = messages.anomaly_error_detected(name, "".join(_user_frames(stack).format()))
    warnings.warn(text, UserWarning, stacklevel=4)


def apply_checked(node, grad, apply):
    """``apply(grad)`` for ``node`` with anomaly checks: the version checks and
    the gradient function run under the forward call's name, and with
    ``check_nan`` no returned gradient may hold a NaN."""
    try:
        if node._checks is not None:
            node.check_versions()
        grads = apply(grad)
        if state[1]:
            for i, g in enumerate(grads):
                data = getattr(g, "_data", g)
                if data is not None and getattr(data, "dtype", None) is not None and \
                        data.dtype.kind == "f" and np.isnan(data).any():
                    raise RuntimeError(messages.anomaly_returned_nan(type(node).__name__, i))
        return grads
    except Exception:
        warn_error_in(node)
        raise


class detect_anomaly:
    """Context-manager that enables anomaly detection for the autograd engine.

    Any backward computation that generates NaN values raises an error (unless
    ``check_nan`` is False), and the error names the forward call that made the
    failing node, with its stack.

    Args:
        check_nan (bool): Flag whether to raise an error when backward generates
            "nan". Default: ``True``.
    """

    def __init__(self, check_nan=True):
        self.prev = state[0]
        self.check_nan = check_nan
        self.prev_check_nan = state[1]
        warnings.warn(messages.ANOMALY_ENABLED, UserWarning, stacklevel=2)

    def __enter__(self):
        state[0], state[1] = True, self.check_nan

    def __exit__(self, *exc):
        state[0], state[1] = self.prev, self.prev_check_nan
        return False


class set_detect_anomaly:
    """Context-manager that sets anomaly detection for the autograd engine on
    or off, as a function call or as a context manager (which restores the
    previous setting on exit).

    Args:
        mode (bool): Flag whether to enable anomaly detection (``True``), or
            disable (``False``).
        check_nan (bool): Flag whether to raise an error when backward generates
            "nan". Default: ``True``.
    """

    def __init__(self, mode, check_nan=True):
        self.prev = state[0]
        self.prev_check_nan = state[1]
        self.mode, self.check_nan = bool(mode), bool(check_nan)
        state[0], state[1] = self.mode, self.check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state[0], state[1] = self.prev, self.prev_check_nan
        return False
