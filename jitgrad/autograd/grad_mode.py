"""Grad mode, per thread as in torch: context managers that also decorate."""
import functools
import inspect
import threading


class _GradState(threading.local):
    enabled = True


state = _GradState()


def is_grad_enabled():
    return state.enabled


class _GradModeContext:
    """Base of no_grad / enable_grad / set_grad_enabled: a context manager that
    also works as a decorator (a fresh context per call, so it is reentrant)."""
    _mode = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._mode

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __new__(cls, func=None):
        # bare ``@no_grad`` (no parentheses) decorates directly, as in torch
        self = super().__new__(cls)
        if func is not None and callable(func):
            return self(func)
        return self

    def __init__(self, func=None):
        pass

    def __call__(self, func):
        return _decorate(func, self.clone)

    def clone(self):
        return self.__class__()


class no_grad(_GradModeContext):
    _mode = False


class enable_grad(_GradModeContext):
    _mode = True


class set_grad_enabled(_GradModeContext):
    """Sets the mode at construction (torch does too), so it works both as a
    plain call and as a context manager that restores the previous mode."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        if not isinstance(mode, bool):
            from ..messages import must_be
            raise TypeError(must_be("set_grad_enabled", "enabled", "bool", mode, 1))
        self._prev = state.enabled
        self._mode = bool(mode)
        state.enabled = self._mode

    def __enter__(self):
        pass

    def __call__(self, func):
        state.enabled = self._prev
        return _decorate(func, self.clone)

    def clone(self):
        return _Mode(self._mode)


class _Mode(_GradModeContext):
    """A plain context that sets the mode on entry (what a decorator re-enters)."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self._mode = mode


def _decorate(func, make_context):
    """Run ``func`` (or each step of a generator function) under a fresh context."""
    if inspect.isgeneratorfunction(func):
        @functools.wraps(func)
        def generator(*args, **kwargs):
            gen = func(*args, **kwargs)
            value = None
            while True:
                with make_context():
                    try:
                        item = gen.send(value)
                    except StopIteration as stop:
                        return stop.value
                value = yield item
        return generator

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with make_context():
            return func(*args, **kwargs)
    return wrapper


class _InferenceState(threading.local):
    enabled = False


inference_state = _InferenceState()


class inference_mode(_GradModeContext):
    """torch.inference_mode: no graph is recorded (like no_grad). jitgrad's
    version counting is already free of per-op cost, so the two differ only in
    ``is_inference_mode_enabled()``."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):      # bare @inference_mode
            return _decorate(mode, cls)
        return object.__new__(cls)

    def __init__(self, mode=True):
        self._mode = not bool(mode) and state.enabled
        self._inference = bool(mode)

    def __enter__(self):
        self._prev = state.enabled
        self._prev_inference = inference_state.enabled
        if self._inference:
            state.enabled = False
        inference_state.enabled = self._inference

    def __exit__(self, *exc):
        state.enabled = self._prev
        inference_state.enabled = self._prev_inference
        return False

    def clone(self):
        return self.__class__(self._inference)


def is_inference_mode_enabled():
    return inference_state.enabled
