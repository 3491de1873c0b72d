"""``JITGRAD_LOGS``: what compile did, on stderr (modelled on ``TORCH_LOGS``).

``JITGRAD_LOGS=graph,fusion,recompiles`` (or ``all``) prints the captured
graph, the generated fused kernels, and each guard failure, retrace and
graph break with the time it took. Read once at import; ``set_logs``
changes it at run time.
"""
import os
import sys

KINDS = ("graph", "fusion", "recompiles", "breaks")
_enabled = set()


def set_logs(spec):
    _enabled.clear()
    for part in (spec or "").split(","):
        part = part.strip().lstrip("+")
        if part == "all":
            _enabled.update(KINDS)
        elif part in KINDS:
            _enabled.add(part)


def enabled(kind):
    return kind in _enabled


def log(kind, text):
    if kind in _enabled:
        print(f"[jitgrad.compile:{kind}] {text}", file=sys.stderr)


set_logs(os.environ.get("JITGRAD_LOGS"))
