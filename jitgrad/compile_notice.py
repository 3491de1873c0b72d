"""One line on stderr when jitgrad's kernels spend more than about a second
compiling, so a first run does not sit silent: which kernels, that it happens
once, and how to do it ahead of time.

Numba fires a "numba:compile" event only for a real compile (a kernel loaded
from the disk cache fires none), so a warm run never hears from this module.
A timer thread looks once a second into a burst of compiles; a burst that
ended by then resets, and the notice is given at most once per process.
"""
import sys
import threading
import time

from numba.core import event

NOTICE_AFTER_SECONDS = 1.0
_NAMES_SHOWN = 4


def _describe(data):
    dispatcher = data["dispatcher"]
    name = dispatcher.py_func.__name__
    dtypes = []
    for arg in data["args"]:
        dt = str(getattr(arg, "dtype", ""))
        if dt.startswith("float") and dt not in dtypes:
            dtypes.append(dt)
    return f"{name}({', '.join(dtypes)})" if dtypes else name


class CompileNotice(event.Listener):
    def __init__(self, stream=None):
        self.stream = stream
        self.lock = threading.Lock()
        self.active = 0
        self.last_end = 0.0
        self.names = []
        self.count = 0
        self.timer = None
        self.said = False

    def on_start(self, ev):
        if self.said:
            return
        dispatcher = ev.data.get("dispatcher")
        module = getattr(getattr(dispatcher, "py_func", None), "__module__", "") or ""
        if not module.startswith("jitgrad."):
            return
        with self.lock:
            # kernels, not the helpers they compile inside them
            if self.active == 0 and len(self.names) < _NAMES_SHOWN:
                self.names.append(_describe(ev.data))
            self.active += 1
            self.count += 1
            if self.timer is None:
                self.timer = threading.Timer(NOTICE_AFTER_SECONDS, self._look)
                self.timer.daemon = True
                self.timer.start()

    def on_end(self, ev):
        if self.said:
            return
        module = getattr(getattr(ev.data.get("dispatcher"), "py_func", None), "__module__", "") or ""
        if module.startswith("jitgrad."):
            with self.lock:
                self.active -= 1
                self.last_end = time.monotonic()

    def _look(self):
        with self.lock:
            self.timer = None
            burst_over = self.active == 0 and time.monotonic() - self.last_end > 0.2
            if self.said or burst_over:
                self.names, self.count = [], 0
                return
            self.said = True
            names, more = ", ".join(self.names), self.count > len(self.names)
        stream = self.stream or sys.stderr
        stream.write(
            f"jitgrad: compiling kernels for their first use ({names}{', ...' if more else ''}). "
            "They are cached on disk, so this happens once; "
            "`python -m jitgrad.precompile` compiles them ahead of time.\n")
        stream.flush()


notice = CompileNotice()
event.register("numba:compile", notice)
