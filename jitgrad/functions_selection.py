"""torch's top-level kthvalue/median/mode/quantile/unique (ops/selection_more.py),
rot90/diag/diagonal/trace/block_diag/kron/cdist (ops/structure_more.py) and
meshgrid/repeat_interleave/tensor_split/movedim/atleast_*/bincount/histc/
searchsorted/bucketize (ops/combining.py)."""
from .functions import _tensor
from .ops import combining as _comb
from .ops import selection_more as _sel
from .ops import structure_more as _struct

__all__ = ["kthvalue", "median", "nanmedian", "mode", "quantile", "nanquantile", "unique",
           "unique_consecutive", "rot90", "diag", "diag_embed", "diagonal", "trace",
           "block_diag", "kron", "cdist", "meshgrid", "cartesian_prod", "repeat_interleave",
           "tensor_split", "movedim", "moveaxis", "atleast_1d", "atleast_2d", "atleast_3d",
           "bincount", "histc", "searchsorted", "bucketize"]


def kthvalue(input, k, dim=-1, keepdim=False):
    return _sel.kthvalue(_tensor(input, "kthvalue"), k, dim, keepdim, position=2)


def median(input, dim=None, keepdim=False):
    return _sel.median(_tensor(input, "median"), dim, keepdim, position=2)


def nanmedian(input, dim=None, keepdim=False):
    return _sel.nanmedian(_tensor(input, "nanmedian"), dim, keepdim, position=2)


def mode(input, dim=-1, keepdim=False):
    return _sel.mode(_tensor(input, "mode"), dim, keepdim, position=2)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _sel.quantile(_tensor(input, "quantile"), q, dim, keepdim, interpolation,
                          method=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _sel.quantile(_tensor(input, "nanquantile"), q, dim, keepdim, interpolation,
                         ignore_nan=True, method=False)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    return _sel.unique(_tensor(input, "unique"), sorted, return_inverse, return_counts, dim)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return _sel.unique_consecutive(_tensor(input, "unique_consecutive"), return_inverse,
                                   return_counts, dim)


def rot90(input, k=1, dims=(0, 1)):
    return _struct.rot90(_tensor(input, "rot90"), k, dims, position=2)


def diag(input, diagonal=0):
    return _struct.diag(_tensor(input, "diag"), diagonal, position=2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    return _struct.diag_embed(_tensor(input, "diag_embed"), offset, dim1, dim2, position=2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    return _struct.diagonal(_tensor(input, "diagonal"), offset, dim1, dim2, position=2)


def trace(input):
    return _struct.trace(_tensor(input, "trace"))


def block_diag(*tensors):
    return _struct.block_diag(*tensors)


def kron(input, other):
    return _struct.kron(_tensor(input, "kron"), _tensor(other, "kron", "other", 2))


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    return _struct.cdist(x1, x2, p, compute_mode)


def meshgrid(*tensors, indexing=None):
    return _comb.meshgrid(*tensors, indexing=indexing)


def cartesian_prod(*tensors):
    return _comb.cartesian_prod(*tensors)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    return _comb.repeat_interleave(_tensor(input, "repeat_interleave"), repeats, dim,
                                   output_size=output_size)


def tensor_split(input, indices_or_sections=None, dim=0, **kwargs):
    # kwargs: torch's overloads' names, sections= / indices= / tensor_indices_or_sections=
    return _comb.tensor_split(_tensor(input, "tensor_split"), indices_or_sections, dim,
                              method=False, **kwargs)


def movedim(input, source, destination):
    return _comb.movedim(_tensor(input, "movedim"), source, destination)


moveaxis = movedim


def atleast_1d(*tensors):
    return _comb.atleast_1d(*tensors)


def atleast_2d(*tensors):
    return _comb.atleast_2d(*tensors)


def atleast_3d(*tensors):
    return _comb.atleast_3d(*tensors)


def bincount(input, weights=None, minlength=0):
    return _comb.bincount(_tensor(input, "bincount"), weights, minlength)


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    return _comb.histc(_tensor(input, "histc"), bins, min, max)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    return _comb.searchsorted(sorted_sequence, input, out_int32=out_int32, right=right,
                              side=side, sorter=sorter)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    return _comb.bucketize(input, boundaries, out_int32=out_int32, right=right)
