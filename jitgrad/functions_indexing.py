"""torch's top-level scatter/index_*/masked_*/take/nonzero functions and the
scans cumprod/cummax/cummin/logcumsumexp (ops/scatter.py, ops/scans.py)."""
from .functions import _tensor
from .ops import scans as _scans
from .ops import scatter as _scatter

__all__ = ["nonzero", "argwhere", "masked_select", "masked_scatter", "take", "take_along_dim",
           "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
           "index_put", "index_put_", "cumprod", "cummax", "cummin", "logcumsumexp"]


def nonzero(input, *, as_tuple=False):
    return _scatter.nonzero(_tensor(input, "nonzero"), as_tuple=as_tuple)


def argwhere(input):
    return _scatter.argwhere(_tensor(input, "argwhere"))


def masked_select(input, mask):
    return _scatter.masked_select(_tensor(input, "masked_select"), mask)


def masked_scatter(input, mask, source):
    return _scatter.masked_scatter(_tensor(input, "masked_scatter"), mask, source)


def take(input, index):
    return _scatter.take(_tensor(input, "take"), index)


def take_along_dim(input, indices, dim=None):
    return _scatter.take_along_dim(_tensor(input, "take_along_dim"), indices, dim)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    return _scatter.scatter(_tensor(input, "scatter"), dim, index, src, value, reduce)


def scatter_add(input, dim, index, src):
    return _scatter.scatter_add(_tensor(input, "scatter_add"), dim, index, src)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    return _scatter.scatter_reduce(_tensor(input, "scatter_reduce"), dim, index, src, reduce,
                                   include_self=include_self)


def index_add(input, dim, index, source, *, alpha=1):
    return _scatter.index_add(_tensor(input, "index_add"), dim, index, source, alpha=alpha)


def index_copy(input, dim, index, source):
    return _scatter.index_copy(_tensor(input, "index_copy"), dim, index, source)


def index_fill(input, dim, index, value):
    return _scatter.index_fill(_tensor(input, "index_fill"), dim, index, value)


def index_put(input, indices, values, accumulate=False):
    return _scatter.index_put(_tensor(input, "index_put"), indices, values, accumulate)


def index_put_(input, indices, values, accumulate=False):
    return _scatter.index_put_(_tensor(input, "index_put_"), indices, values, accumulate)


def cumprod(input, dim, *, dtype=None):
    return _scans.cumprod(_tensor(input, "cumprod"), dim, dtype)


def cummax(input, dim):
    return _scans.cummax(_tensor(input, "cummax"), dim)


def cummin(input, dim):
    return _scans.cummin(_tensor(input, "cummin"), dim)


def logcumsumexp(input, dim):
    return _scans.logcumsumexp(_tensor(input, "logcumsumexp"), dim)
