"""Tensor printing that reproduces ``repr(torch.tensor(...))`` on numpy arrays.

The rules follow PyTorch's ``torch/_tensor_str.py`` (print options, formatter
selection, summarization, line wrapping and suffix placement), including its
quirks, so that jitgrad tensors print exactly like torch tensors.  Only the
data and the ``size=`` suffix are decided here; callers pass every other
keyword part (``dtype=...``, ``requires_grad=True``, ``grad_fn=<...>``).

Note for callers: torch shows ``dtype=`` for empty tensors whenever the dtype
is not the default float dtype (so also for empty int64/bool tensors), while
non-empty int64/bool tensors get no ``dtype=`` suffix.
"""

import contextlib
import dataclasses
import math
from typing import Optional

import numpy as np

__all__ = [
    "format_tensor",
    "format_values",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: Optional[bool] = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


# Argument order matches torch.set_printoptions so positional calls port over.
def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Set printing options; same arguments and semantics as torch's."""
    # torch silently ignores unknown profile names; so do we.
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, name, value)
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    # Like torch, sci_mode is always overwritten (None restores auto mode).
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current options as a dict that can be passed back to set_printoptions."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change print options inside a ``with`` block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Picks one element format and width shared by every printed element."""

    def __init__(self, values):
        self.floating = np.issubdtype(values.dtype, np.floating)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        flat = values.reshape(-1)
        if flat.size == 0:
            return
        if not self.floating:
            # str() length of ints/bools is largest at the extremes.
            extremes = (flat.min().item(), flat.max().item())
            self.max_width = max(len(str(v)) for v in extremes)
            return

        # torch does its statistics in double precision.
        flat = flat.astype(np.float64)
        nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero.size == 0:
            return
        magnitudes = np.abs(nonzero)
        lo, hi = magnitudes.min(), magnitudes.max()

        self.int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):
                self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        precision = PRINT_OPTS.precision
        if self.sci_mode:
            spec, extra = f".{precision}e", 0
        elif self.int_mode:
            spec, extra = ".0f", 1  # room for the trailing "." marking a float
        else:
            spec, extra = f".{precision}f", 0
        widest = max(len(format(v, spec)) for v in nonzero.tolist())
        self.max_width = max(self.max_width, widest + extra)

    def format(self, value):
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{PRINT_OPTS.precision}f}"
        return text.rjust(self.max_width)


def _summarized_data(a):
    """The values that remain visible after summarization (feeds the formatter)."""
    edge = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # With edge == 0, a[-0:] is the whole vector, as in torch.
        return np.concatenate((a[:edge], a[-edge:])) if len(a) > 2 * edge else a
    if not edge:
        return a[:0]
    rows = range(len(a))
    if len(a) > 2 * edge:
        rows = [*range(edge), *range(len(a) - edge, len(a))]
    return np.stack([_summarized_data(a[i]) for i in rows])


def _vector_str(a, indent, summarize, formatter):
    edge = PRINT_OPTS.edgeitems
    # Each element costs its width plus ", ".
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (formatter.max_width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(a) > 2 * edge:
        items = (
            [formatter.format(v) for v in a[:edge].tolist()]
            + [" ..."]
            + [formatter.format(v) for v in a[-edge:].tolist()]
        )
    else:
        items = [formatter.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _array_str(a, indent, summarize, formatter):
    if a.ndim == 0:
        return formatter.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, formatter)

    edge = PRINT_OPTS.edgeitems
    if summarize and len(a) > 2 * edge:
        head = [_array_str(a[i], indent + 1, summarize, formatter) for i in range(edge)]
        tail = [
            _array_str(a[i], indent + 1, summarize, formatter)
            for i in range(len(a) - edge, len(a))
        ]
        slices = head + ["..."] + tail
    else:
        slices = [_array_str(row, indent + 1, summarize, formatter) for row in a]
    # Deeper dimensions are separated by more blank lines.
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def format_values(array, indent=len("tensor(")):
    """Only the bracketed data part, as ``torch._tensor_str._tensor_str``.

    ``indent`` is the column where the data starts (the prefix length).
    """
    a = np.asarray(array)
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    formatter = _Formatter(_summarized_data(a) if summarize else a)
    return _array_str(a, indent, summarize, formatter)


def _add_suffixes(text, suffixes, indent):
    # torch's estimate of the last line length is off by two when the text has
    # no newline (rfind returns -1); kept so wrapping decisions match exactly.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(array, *, prefix="tensor(", suffixes=()):
    """Full repr, e.g. ``tensor([1., 2.], requires_grad=True)``.

    ``suffixes`` are the caller's keyword parts in torch's order (dtype, then
    grad_fn or requires_grad); a ``size=`` part is prepended when torch shows it.
    """
    a = np.asarray(array)
    shown = []
    # Empty tensors other than shape (0,) show their shape, and so does every
    # tensor when edgeitems == 0 since the data is reduced to "...".
    if (a.size == 0 and a.ndim != 1) or (a.size != 0 and not PRINT_OPTS.edgeitems):
        shown.append(f"size={tuple(a.shape)}")
    shown.extend(suffixes)
    text = prefix + format_values(a, indent=len(prefix))
    return _add_suffixes(text, shown, len(prefix))
