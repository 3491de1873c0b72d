"""Sorting and selection along the middle axis of a flat (A, R, B) array:
sort, stable sort and topk, with torch's CPU results to the index.

torch's CPU kernels call the C++ standard library (GCC's libstdc++) on
(value, index) pairs: ``std::sort`` for ``sort(stable=False)`` (not a
stable sort: which index of a tie comes first depends on the algorithm),
``std::stable_sort`` for ``stable=True``, and for ``topk``
``std::partial_sort`` when ``k * 64 <= n``, else ``std::nth_element`` then
``std::sort`` of the first ``k - 1`` when ``sorted``. The functions below
are those algorithms step for step (introsort with median-of-three pivots,
16-element insertion sort, heap select), so ties and NaNs land where
torch's do. The comparison is torch's: NaN counts as larger than every
number, NaNs are equal to each other (``_before``).

A row is copied into ``v`` (values) and ``ix`` (int64 positions) and sorted
there; every helper works on [first, last) of those two arrays.
"""
import numpy as np

from .jit import kernel

_THRESHOLD = 16          # libstdc++'s _S_threshold


@kernel
def _before(a, b, descending):
    """torch's comparator: a goes before b (NaN counts as the largest value).
    ``descending == 2``: the plain ``a < b`` torch's mode sorts with (a NaN goes
    before nothing and nothing before it, so it is left where the algorithm meets it)."""
    if descending == 2:
        return a < b
    if descending:
        return (a != a and b == b) or a > b
    return (a == a and b != b) or a < b


@kernel
def _lg(n):
    k = 0
    while n > 1:
        n >>= 1
        k += 1
    return k


@kernel
def _swap(v, ix, i, j):
    t = v[i]
    v[i] = v[j]
    v[j] = t
    u = ix[i]
    ix[i] = ix[j]
    ix[j] = u


# ------------------------------------------------------------------ insertion sort


@kernel
def _linear_insert(v, ix, last, lo, descending):
    """__unguarded_linear_insert (``lo`` only guards the memory)."""
    val = v[last]
    vi = ix[last]
    nxt = last - 1
    while nxt >= lo and _before(val, v[nxt], descending):
        v[last] = v[nxt]
        ix[last] = ix[nxt]
        last = nxt
        nxt -= 1
    v[last] = val
    ix[last] = vi


@kernel
def _insertion_sort(v, ix, first, last, descending):
    if first == last:
        return
    for i in range(first + 1, last):
        if _before(v[i], v[first], descending):
            val = v[i]
            vi = ix[i]
            for j in range(i, first, -1):
                v[j] = v[j - 1]
                ix[j] = ix[j - 1]
            v[first] = val
            ix[first] = vi
        else:
            _linear_insert(v, ix, i, first, descending)


@kernel
def _final_insertion_sort(v, ix, first, last, descending):
    if last - first > _THRESHOLD:
        _insertion_sort(v, ix, first, first + _THRESHOLD, descending)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(v, ix, i, first, descending)
    else:
        _insertion_sort(v, ix, first, last, descending)


# ------------------------------------------------------------------ heaps


@kernel
def _push_heap(v, ix, first, hole, top, val, vi, descending):
    parent = (hole - 1) // 2
    while hole > top and _before(v[first + parent], val, descending):
        v[first + hole] = v[first + parent]
        ix[first + hole] = ix[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[first + hole] = val
    ix[first + hole] = vi


@kernel
def _adjust_heap(v, ix, first, hole, length, val, vi, descending):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _before(v[first + child], v[first + child - 1], descending):
            child -= 1
        v[first + hole] = v[first + child]
        ix[first + hole] = ix[first + child]
        hole = child
    if (length & 1) == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        v[first + hole] = v[first + child - 1]
        ix[first + hole] = ix[first + child - 1]
        hole = child - 1
    _push_heap(v, ix, first, hole, top, val, vi, descending)


@kernel
def _make_heap(v, ix, first, last, descending):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(v, ix, first, parent, length, v[first + parent], ix[first + parent],
                     descending)
        if parent == 0:
            return
        parent -= 1


@kernel
def _pop_heap(v, ix, first, last, result, descending):
    """The heap's top to ``result``, the value at ``result`` sifted into the heap."""
    val = v[result]
    vi = ix[result]
    v[result] = v[first]
    ix[result] = ix[first]
    _adjust_heap(v, ix, first, 0, last - first, val, vi, descending)


@kernel
def _heap_select(v, ix, first, middle, last, descending):
    _make_heap(v, ix, first, middle, descending)
    for i in range(middle, last):
        if _before(v[i], v[first], descending):
            _pop_heap(v, ix, first, middle, i, descending)


@kernel
def _sort_heap(v, ix, first, last, descending):
    while last - first > 1:
        last -= 1
        _pop_heap(v, ix, first, last, last, descending)


@kernel
def _partial_sort(v, ix, first, middle, last, descending):
    _heap_select(v, ix, first, middle, last, descending)
    _sort_heap(v, ix, first, middle, descending)


# ------------------------------------------------------------------ quicksort partition


@kernel
def _median_to_first(v, ix, result, a, b, c, descending):
    if _before(v[a], v[b], descending):
        if _before(v[b], v[c], descending):
            _swap(v, ix, result, b)
        elif _before(v[a], v[c], descending):
            _swap(v, ix, result, c)
        else:
            _swap(v, ix, result, a)
    elif _before(v[a], v[c], descending):
        _swap(v, ix, result, a)
    elif _before(v[b], v[c], descending):
        _swap(v, ix, result, c)
    else:
        _swap(v, ix, result, b)


@kernel
def _partition_pivot(v, ix, first, last, descending):
    """__unguarded_partition_pivot: the cut of [first, last) around the median
    of three (the bounds checks only guard the memory)."""
    mid = first + (last - first) // 2
    _median_to_first(v, ix, first, first + 1, mid, last - 1, descending)
    lo = first + 1
    hi = last
    while True:
        while lo < last and _before(v[lo], v[first], descending):
            lo += 1
        hi -= 1
        while hi > first and _before(v[first], v[hi], descending):
            hi -= 1
        if not lo < hi:
            return lo
        _swap(v, ix, lo, hi)
        lo += 1


# ------------------------------------------------------------------ std::sort, std::nth_element


@kernel
def _std_sort(v, ix, first, last, descending):
    """std::sort: introsort, then insertion sort. libstdc++ recurses into the
    right part of each cut and loops on the left; the parts are disjoint, so
    an explicit stack gives the same result."""
    if last - first < 2:
        return
    depth0 = 2 * _lg(last - first)
    stack = np.empty(3 * (depth0 + 2), np.int64)
    top = 0
    lo = first
    hi = last
    depth = depth0
    while True:
        while hi - lo > _THRESHOLD:
            if depth == 0:
                _partial_sort(v, ix, lo, hi, hi, descending)
                break
            depth -= 1
            cut = _partition_pivot(v, ix, lo, hi, descending)
            stack[top] = cut
            stack[top + 1] = hi
            stack[top + 2] = depth
            top += 3
            hi = cut
        if top == 0:
            break
        top -= 3
        lo = stack[top]
        hi = stack[top + 1]
        depth = stack[top + 2]
    _final_insertion_sort(v, ix, first, last, descending)


@kernel
def _nth_element(v, ix, first, nth, last, descending):
    if first == last or nth == last:
        return
    depth = 2 * _lg(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(v, ix, first, nth + 1, last, descending)
            _swap(v, ix, first, nth)
            return
        depth -= 1
        cut = _partition_pivot(v, ix, first, last, descending)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, ix, first, last, descending)


# ------------------------------------------------------------------ stable sort


@kernel
def _merge_pass(sv, si, dv, di, n, width, descending):
    """Merge the sorted runs of ``width`` in sv/si pairwise into dv/di."""
    for lo in range(0, n, 2 * width):
        mid = min(lo + width, n)
        hi = min(lo + 2 * width, n)
        i = lo
        j = mid
        k = lo
        while i < mid and j < hi:
            # the right run's element goes first only when strictly before: stable
            if _before(sv[j], sv[i], descending):
                dv[k] = sv[j]
                di[k] = si[j]
                j += 1
            else:
                dv[k] = sv[i]
                di[k] = si[i]
                i += 1
            k += 1
        while i < mid:
            dv[k] = sv[i]
            di[k] = si[i]
            i += 1
            k += 1
        while j < hi:
            dv[k] = sv[j]
            di[k] = si[j]
            j += 1
            k += 1


@kernel
def _stable_sort(v, ix, n, descending, tv, ti):
    """A stable merge sort of v[:n], ix[:n] (tv, ti: scratch of n). A stable
    sort's order is unique, so this is std::stable_sort's result."""
    run = 32
    for lo in range(0, n, run):
        hi = min(lo + run, n)
        for i in range(lo + 1, hi):            # insertion sort: stable
            val = v[i]
            vi = ix[i]
            j = i - 1
            while j >= lo and _before(val, v[j], descending):
                v[j + 1] = v[j]
                ix[j + 1] = ix[j]
                j -= 1
            v[j + 1] = val
            ix[j + 1] = vi
    width = run
    in_scratch = False
    while width < n:
        if in_scratch:
            _merge_pass(tv, ti, v, ix, n, width, descending)
        else:
            _merge_pass(v, ix, tv, ti, n, width, descending)
        in_scratch = not in_scratch
        width *= 2
    if in_scratch:
        for i in range(n):
            v[i] = tv[i]
            ix[i] = ti[i]


# ------------------------------------------------------------------ the kernels


@kernel
def sort_middle_axis(x, A, R, B, descending, stable, out_v, out_i):
    """Sort x (flat (A, R, B), C order) along R into out_v / out_i (same
    layout): torch.sort's values and indices."""
    if R == 0:
        return
    tv = np.empty(R if stable else 0, x.dtype)
    ti = np.empty(R if stable else 0, np.int64)
    if B == 1:
        for a in range(A):
            base = a * R
            v = out_v[base:base + R]
            ix = out_i[base:base + R]
            for r in range(R):
                v[r] = x[base + r]
                ix[r] = r
            if stable:
                _stable_sort(v, ix, R, descending, tv, ti)
            else:
                _std_sort(v, ix, 0, R, descending)
        return
    v = np.empty(R, x.dtype)
    ix = np.empty(R, np.int64)
    for a in range(A):
        for b in range(B):
            base = a * R * B + b
            for r in range(R):
                v[r] = x[base + r * B]
                ix[r] = r
            if stable:
                _stable_sort(v, ix, R, descending, tv, ti)
            else:
                _std_sort(v, ix, 0, R, descending)
            for r in range(R):
                out_v[base + r * B] = v[r]
                out_i[base + r * B] = ix[r]


@kernel
def topk_middle_axis(x, A, R, B, k, largest, sort, out_v, out_i):
    """The k largest (smallest) of x (flat (A, R, B)) along R into out_v /
    out_i (flat (A, k, B)), as torch's topk: partial_sort when k * 64 <= R,
    else nth_element and, when ``sort``, a sort of the first k - 1."""
    if k == 0:
        return
    descending = largest
    v = np.empty(R, x.dtype)
    ix = np.empty(R, np.int64)
    for a in range(A):
        for b in range(B):
            base = a * R * B + b
            for r in range(R):
                v[r] = x[base + r * B]
                ix[r] = r
            if k * 64 <= R:
                _partial_sort(v, ix, 0, k, R, descending)
            else:
                _nth_element(v, ix, 0, k - 1, R, descending)
                if sort:
                    _std_sort(v, ix, 0, k - 1, descending)
            obase = a * k * B + b
            for j in range(k):
                out_v[obase + j * B] = v[j]
                out_i[obase + j * B] = ix[j]
