"""Docstrings of top-level ``jitgrad`` names: tensor creation, random numbers, dtypes,
devices, grad modes, and shape, joining and indexing operations."""

_CREATION = """
Args:
    dtype (jitgrad.dtype, optional): the result's dtype; by default the default
        floating dtype (see :func:`jitgrad.set_default_dtype`).
    device: accepted for torch compatibility; jitgrad has only the CPU.
    requires_grad (bool): whether autograd records operations on the result.
"""

_LIKE = """
Args:
    input (Tensor): the tensor whose shape (and, unless ``dtype`` is given, dtype) the
        result takes.
    dtype (jitgrad.dtype, optional): overrides the dtype taken from ``input``.
    requires_grad (bool): whether autograd records operations on the result.
"""

DOCS = {
"Tensor": """A multi-dimensional array of one dtype, held in CPU memory, that autograd can track.

Build tensors with :func:`jitgrad.tensor` and the other factories rather than the
constructor; ``jitgrad.Tensor(2, 3)`` makes an uninitialised float32 tensor of that
shape and ``jitgrad.Tensor([1, 2])`` a float32 tensor from data, as in torch. The five
dtypes are ``bool``, ``int32``, ``int64``, ``float32`` and ``float64``; there are no
complex, float16 or unsigned types.

Example::

    >>> x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    >>> x.shape
    jitgrad.Size([2, 2])
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([[2., 4.],
            [6., 8.]])
""",
"FloatTensor": """Legacy constructor and type of float32 tensors.

``FloatTensor(2, 3)`` gives an uninitialised float32 tensor of shape (2, 3),
``FloatTensor([1, 2])`` one made from data; ``isinstance(t, FloatTensor)`` tests the dtype.
""",
"DoubleTensor": """Legacy constructor and type of float64 tensors (see :class:`FloatTensor`).""",
"LongTensor": """Legacy constructor and type of int64 tensors (see :class:`FloatTensor`).""",
"IntTensor": """Legacy constructor and type of int32 tensors (see :class:`FloatTensor`).""",
"BoolTensor": """Legacy constructor and type of bool tensors (see :class:`FloatTensor`).""",
"dtype": """The type of a tensor's elements.

jitgrad has five: ``jitgrad.bool``, ``jitgrad.int32`` (``int``), ``jitgrad.int64``
(``long``), ``jitgrad.float32`` (``float``) and ``jitgrad.float64`` (``double``).
``is_floating_point`` and ``itemsize`` describe one.
""",
"device": """Names where a tensor lives; jitgrad accepts ``"cpu"`` (and ``"cpu:0"``) only.

Exists so that torch code passing ``device=...`` runs unchanged.

Example::

    >>> torch.device("cpu")
    device(type='cpu')
""",
"tensor": """Make a new tensor by copying ``data`` (a number, nested list/tuple, NumPy array or tensor).

Args:
    data: the values. Python floats give the default floating dtype, ints int64,
        bools bool; a NumPy array keeps its dtype where jitgrad has it.
    dtype (jitgrad.dtype, optional): convert to this dtype.
    device: accepted for torch compatibility; jitgrad has only the CPU.
    requires_grad (bool): whether autograd records operations on the result
        (floating dtypes only).
    pin_memory (bool): accepted and ignored.

Returns a tensor that never shares memory with ``data``; use :func:`as_tensor` or
:func:`from_numpy` to share.

Example::

    >>> torch.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    tensor([0.5000, 1.5000], dtype=jitgrad.float64, requires_grad=True)
""",
"as_tensor": """Turn ``data`` into a tensor, sharing memory with it when no copy is needed.

A tensor of the requested dtype comes back as is; a NumPy array of a supported dtype is
wrapped without a copy. Otherwise this behaves like :func:`tensor`.

Example::

    >>> torch.as_tensor([1.0, 2.0])
    tensor([1., 2.])
""",
"scalar_tensor": """Make a 0-dimensional tensor holding the number ``s`` (default floating dtype).

Example::

    >>> torch.scalar_tensor(3)
    tensor(3.)
""",
"zeros": """Return a tensor of the given shape filled with zeros.

The shape is given as separate ints or one sequence: ``zeros(2, 3)`` or ``zeros((2, 3))``.
""" + _CREATION + """
Example::

    >>> torch.zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    >>> torch.zeros(2, dtype=torch.int64)
    tensor([0, 0])
""",
"ones": """Return a tensor of the given shape filled with ones.

The shape is given as separate ints or one sequence: ``ones(2, 3)`` or ``ones((2, 3))``.
""" + _CREATION + """
Example::

    >>> torch.ones(3)
    tensor([1., 1., 1.])
""",
"empty": """Return a tensor of the given shape whose values are not initialised.

Its contents are whatever the memory held; write every element before reading.
""" + _CREATION + """
Example::

    >>> torch.empty(2, 3).shape
    jitgrad.Size([2, 3])
""",
"full": """Return a tensor of shape ``size`` with every element equal to ``fill_value``.

Without ``dtype`` the dtype follows ``fill_value``: bool, int64 for ints, the default
floating dtype for floats.

Example::

    >>> torch.full((2, 2), 7)
    tensor([[7, 7],
            [7, 7]])
""",
"zeros_like": """Return a tensor of zeros with the shape and dtype of ``input``.
""" + _LIKE + """
Example::

    >>> torch.zeros_like(torch.tensor([[1, 2], [3, 4]]))
    tensor([[0, 0],
            [0, 0]])
""",
"ones_like": """Return a tensor of ones with the shape and dtype of ``input``.
""" + _LIKE,
"empty_like": """Return an uninitialised tensor with the shape and dtype of ``input``.
""" + _LIKE,
"full_like": """Return a tensor filled with ``fill_value``, with the shape and dtype of ``input``.
""" + _LIKE,
"arange": """Return a 1-D tensor of the values from ``start`` up to (not including) ``end`` in steps of ``step``.

``arange(n)`` counts 0 .. n-1. With all-integer arguments the result is int64;
if any is a float it has the default floating dtype. Its length is
``ceil((end - start) / step)``.

Example::

    >>> torch.arange(5)
    tensor([0, 1, 2, 3, 4])
    >>> torch.arange(1, 2.5, 0.5)
    tensor([1.0000, 1.5000, 2.0000])
""",
"linspace": """Return a 1-D tensor of ``steps`` evenly spaced values from ``start`` to ``end``, both included.

Example::

    >>> torch.linspace(0, 1, steps=5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
""",
"eye": """Return a 2-D tensor with ones on the diagonal and zeros elsewhere.

Args:
    n (int): number of rows.
    m (int, optional): number of columns; ``n`` when omitted.

Example::

    >>> torch.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
""",
"from_numpy": """Make a tensor that shares memory with a NumPy array: writes to either show in the other.

The array's dtype must be one jitgrad has (bool, int32, int64, float32, float64).
""",
"tril_indices": """Return the 2 x N (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix.

``offset`` moves the diagonal that bounds the triangle: positive above, negative below.
The result is int64 unless ``dtype`` says otherwise.

Example::

    >>> torch.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
""",
"triu_indices": """Return the 2 x N (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix.

``offset`` moves the diagonal that bounds the triangle: positive above, negative below.
""",
# ---- random numbers
"manual_seed": """Seed the default random number generator, making later random draws repeatable.

Returns the default :class:`Generator`. jitgrad's random streams are its own: the same
seed does not give the same numbers as torch.

Example::

    >>> _ = torch.manual_seed(0)
    >>> a = torch.rand(3)
    >>> _ = torch.manual_seed(0)
    >>> torch.equal(a, torch.rand(3))
    True
""",
"seed": """Seed the default random number generator from a non-deterministic source and return the seed.""",
"initial_seed": """Return the seed the default random number generator was last seeded with.""",
"get_rng_state": """Return the default generator's state as a tensor, for :func:`set_rng_state`.""",
"set_rng_state": """Restore the default generator's state from a tensor returned by :func:`get_rng_state`.""",
"rand": """Return a tensor of the given shape with numbers drawn uniformly from [0, 1).

Args:
    generator (Generator, optional): draw from this generator instead of the default one.
    dtype (jitgrad.dtype, optional): a floating dtype; the default floating dtype if omitted.
    requires_grad (bool): whether autograd records operations on the result.

Example::

    >>> _ = torch.manual_seed(0)
    >>> x = torch.rand(2, 3)
    >>> x.shape, bool(((x >= 0) & (x < 1)).all())
    (jitgrad.Size([2, 3]), True)
""",
"randn": """Return a tensor of the given shape with numbers drawn from the standard normal distribution.

Args:
    generator (Generator, optional): draw from this generator instead of the default one.
    dtype (jitgrad.dtype, optional): a floating dtype; the default floating dtype if omitted.
    requires_grad (bool): whether autograd records operations on the result.

Example::

    >>> torch.randn(4, 2).shape
    jitgrad.Size([4, 2])
""",
"rand_like": """Return a tensor shaped like ``input`` with numbers drawn uniformly from [0, 1).""",
"randn_like": """Return a tensor shaped like ``input`` with numbers drawn from the standard normal distribution.""",
"randperm": """Return a random permutation of the integers 0 .. n-1 (int64 by default).

Example::

    >>> torch.randperm(4).sort().values
    tensor([0, 1, 2, 3])
""",
# ---- dtypes, devices, modes
"get_default_dtype": """Return the floating dtype that factories use when none is given (float32 at start).""",
"set_default_dtype": """Set the floating dtype (``jitgrad.float32`` or ``jitgrad.float64``) that factories and Python floats use.

Example::

    >>> torch.set_default_dtype(torch.float64)
    >>> torch.tensor([1.5]).dtype
    jitgrad.float64
    >>> torch.set_default_dtype(torch.float32)
""",
"get_default_device": """Return the device new tensors go to: always ``device(type='cpu')`` in jitgrad.""",
"set_default_device": """Set the default device; jitgrad accepts only the CPU (or ``None``).""",
"promote_types": """Return the dtype that an operation on the two dtypes computes in (torch's promotion rules).

Example::

    >>> torch.promote_types(torch.int32, torch.float32)
    jitgrad.float32
""",
"result_type": """Return the dtype an arithmetic operation on the two arguments (tensors or numbers) would produce.

A 0-dimensional tensor or a Python number only raises the category (bool < integer <
floating) of a dimensioned tensor, never its width, as in torch.

Example::

    >>> torch.result_type(torch.tensor([1, 2]), 1.0)
    jitgrad.float32
""",
"can_cast": """Return True if casting ``from_`` to ``to`` is allowed by torch's casting rules (no lowering of category).""",
"is_tensor": """Return True if ``obj`` is a jitgrad Tensor.""",
"numel": """Return the number of elements of ``input``.""",
"is_floating_point": """Return True if ``input`` has a floating dtype (float32 or float64).""",
"is_complex": """Return False: jitgrad has no complex dtypes.""",
"is_signed": """Return True if ``input``'s dtype is signed (every dtype except bool).""",
"is_nonzero": """Return the truth value of a one-element tensor; raise for any other number of elements.""",
"is_same_size": """Return True if ``input`` and ``other`` have the same shape.""",
"no_grad": """Context manager (and decorator) that turns off gradient recording inside it.

Operations run inside produce tensors with ``requires_grad=False``: use it for
evaluation and for updating parameters by hand.

Example::

    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
""",
"enable_grad": """Context manager (and decorator) that turns gradient recording back on, e.g. inside :class:`no_grad`.""",
"is_grad_enabled": """Return True if operations are being recorded for autograd right now.""",
"is_inference_mode_enabled": """Return True inside an :class:`inference_mode` block.""",
"is_anomaly_enabled": """Return True if anomaly detection (``autograd.detect_anomaly``) is on.""",
"is_anomaly_check_nan_enabled": """Return True if anomaly detection also checks backward results for NaN.""",
# ---- joining, splitting, shapes
"cat": """Join tensors along an existing dimension ``dim``.

All tensors must have the same shape except in ``dim``; their dtypes are promoted to a
common one. A 1-D empty tensor is skipped, as in torch.

Example::

    >>> a = torch.tensor([[1, 2]])
    >>> torch.cat([a, a * 10], dim=0)
    tensor([[ 1,  2],
            [10, 20]])
    >>> torch.cat([a, a], dim=1)
    tensor([[1, 2, 1, 2]])
""",
"stack": """Join tensors of equal shape along a new dimension ``dim``.

Example::

    >>> torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
""",
"hstack": """Join tensors column-wise: along dim 1, or dim 0 for 1-D tensors.""",
"vstack": """Join tensors row-wise (along dim 0), first making 1-D tensors into rows.""",
"dstack": """Join tensors depth-wise (along dim 2), first making each at least 3-D.""",
"column_stack": """Join tensors as columns of a 2-D result; 1-D and 0-D tensors become columns.""",
"split": """Split a tensor into chunks along ``dim``.

Args:
    split_size_or_sections (int or list of int): an int gives chunks of that size (the
        last may be smaller); a list gives the size of each chunk.
    dim (int): the dimension to split.

Returns a tuple of views of ``tensor``.

Example::

    >>> torch.split(torch.arange(5), 2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
""",
"chunk": """Split a tensor into ``chunks`` views of (nearly) equal size along ``dim``.

Chunks have size ``ceil(n / chunks)``, so fewer than ``chunks`` may come back.

Example::

    >>> torch.chunk(torch.arange(6), 3)
    (tensor([0, 1]), tensor([2, 3]), tensor([4, 5]))
""",
"tensor_split": """Split a tensor into views along ``dim``, by a number of parts or by split indices.

An int ``n`` gives ``n`` parts whose sizes differ by at most one; a list of indices
splits before each index.
""",
"hsplit": """Split a tensor horizontally (along dim 1, or dim 0 for 1-D tensors) as :func:`tensor_split` does.""",
"vsplit": """Split a tensor of 2 or more dims vertically (along dim 0) as :func:`tensor_split` does.""",
"dsplit": """Split a tensor of 3 or more dims depth-wise (along dim 2) as :func:`tensor_split` does.""",
"unbind": """Remove dimension ``dim`` and return the slices along it as a tuple of views.""",
"reshape": """Return a tensor with the same elements in a new shape; a view when possible, else a copy.

One dimension may be ``-1``: it is inferred from the number of elements.

Example::

    >>> torch.reshape(torch.arange(6), (2, -1))
    tensor([[0, 1, 2],
            [3, 4, 5]])
""",
"flatten": """Merge dimensions ``start_dim`` .. ``end_dim`` into one.

Example::

    >>> torch.flatten(torch.zeros(2, 3, 4), start_dim=1).shape
    jitgrad.Size([2, 12])
""",
"unflatten": """Expand dimension ``dim`` into the shape ``sizes`` (one entry may be -1).""",
"ravel": """Return the tensor flattened to 1-D, as a view when it is contiguous.""",
"squeeze": """Remove dimensions of size 1: all of them, or only those in ``dim`` (an int or tuple).

Example::

    >>> torch.squeeze(torch.zeros(2, 1, 3)).shape
    jitgrad.Size([2, 3])
""",
"unsqueeze": """Insert a dimension of size 1 at position ``dim`` (negative counts from the end).

Example::

    >>> torch.unsqueeze(torch.tensor([1, 2]), 1)
    tensor([[1],
            [2]])
""",
"permute": """Return a view with the dimensions reordered as ``dims``.

Example::

    >>> torch.permute(torch.zeros(2, 3, 4), (2, 0, 1)).shape
    jitgrad.Size([4, 2, 3])
""",
"transpose": """Return a view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped.

Example::

    >>> torch.transpose(torch.tensor([[1, 2, 3]]), 0, 1)
    tensor([[1],
            [2],
            [3]])
""",
"t": """Transpose a tensor of at most 2 dims (0-D and 1-D tensors come back unchanged).""",
"movedim": """Move dimension(s) ``source`` to position(s) ``destination``, keeping the others in order.""",
"narrow": """Return a view of ``length`` elements of dimension ``dim`` starting at ``start``.""",
"select": """Return the view ``input[..., index, ...]`` with ``index`` taken along ``dim`` (that dim is removed).""",
"broadcast_to": """Return a view of ``input`` broadcast to ``size`` (``-1`` keeps a dimension).""",
"broadcast_tensors": """Broadcast tensors to their common shape; returns views.""",
"atleast_1d": """Return each argument viewed with at least 1 dimension (a tuple when given several).""",
"atleast_2d": """Return each argument viewed with at least 2 dimensions (a tuple when given several).""",
"atleast_3d": """Return each argument viewed with at least 3 dimensions (a tuple when given several).""",
"tile": """Repeat ``input`` the given number of times along each dimension (dims are padded with 1 on the left).""",
"repeat_interleave": """Repeat each element ``repeats`` times along ``dim`` (the flattened input if ``dim`` is None).

``repeats`` may be an int or a 1-D tensor of per-element counts; with only a tensor
argument, returns ``arange`` indices repeated by its values.

Example::

    >>> torch.repeat_interleave(torch.tensor([1, 2]), 2)
    tensor([1, 1, 2, 2])
""",
"flip": """Reverse the order of elements along the dimensions in ``dims`` (returns a copy).""",
"fliplr": """Reverse the order of columns (dim 1) of a tensor of at least 2 dims.""",
"flipud": """Reverse the order of rows (dim 0).""",
"roll": """Shift elements along ``dims`` by ``shifts``, wrapping around; without ``dims`` the flattened tensor is rolled.

Example::

    >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
""",
"rot90": """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first towards the second axis.""",
"diag": """Make a diagonal matrix from a 1-D tensor, or take the diagonal of a 2-D one.

``diagonal`` picks the diagonal: 0 the main one, positive above, negative below.

Example::

    >>> torch.diag(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
""",
"diagonal": """Return a view of the diagonal with respect to ``dim1`` and ``dim2``, moved to the last dimension.""",
"diag_embed": """Place the last dimension of ``input`` on diagonals of new matrices in dims ``dim1``, ``dim2``.""",
"tril": """Return the lower triangle of the last two dims of ``input``, other elements zeroed.

``diagonal`` moves the bounding diagonal: positive includes diagonals above the main one.

Example::

    >>> torch.tril(torch.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
""",
"triu": """Return the upper triangle of the last two dims of ``input``, other elements zeroed.

``diagonal`` moves the bounding diagonal: positive excludes the main one and below.
""",
"block_diag": """Make a block-diagonal matrix from tensors of at most 2 dims.""",
"cartesian_prod": """Return the Cartesian product of 1-D tensors as rows of a 2-D tensor.""",
"meshgrid": """Make coordinate grids from 1-D tensors.

``indexing='ij'`` (matrix indexing) or ``'xy'`` (Cartesian: the first two dims swapped);
without it, ``'ij'`` is used and a UserWarning says to pass it, as in torch.
""",
"clone": """Return a copy of ``input`` that autograd connects to it (gradients flow back).""",
"detach": """Return a view of ``input`` cut off from the autograd graph (``requires_grad=False``).""",
"zero_": """Fill ``input`` with zeros in place and return it.""",
"fill_": """Fill ``input`` with ``value`` in place and return it.""",
# ---- indexing
"gather": """Pick values along ``dim`` at positions given by ``index`` (int64).

For a 2-D input with ``dim=1``: ``out[i][j] = input[i][index[i][j]]``. The result has
the shape of ``index``. ``sparse_grad`` is accepted and ignored (gradients are dense).

Example::

    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> torch.gather(x, 1, torch.tensor([[1, 0], [0, 0]]))
    tensor([[2, 1],
            [3, 3]])
""",
"scatter": """Return a copy of ``input`` with ``src`` (or the scalar ``value``) written at ``index`` along ``dim``.

For a 2-D input with ``dim=1``: ``out[i][index[i][j]] = src[i][j]``. ``reduce``
(``'add'`` or ``'multiply'``) combines instead of overwriting; see :func:`scatter_reduce`
for more reductions. When an index repeats without ``reduce``, which value wins is
unspecified.

Example::

    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
""",
"scatter_add": """Return a copy of ``input`` with the values of ``src`` added at ``index`` along ``dim`` (repeats sum).""",
"scatter_reduce": """Return a copy of ``input`` with ``src`` combined into it at ``index`` along ``dim``.

Args:
    reduce (str): ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``.
    include_self (bool): whether ``input``'s own values at scattered positions take part.
""",
"index_select": """Return the entries of ``input`` along ``dim`` at the positions in the 1-D ``index``.

Example::

    >>> torch.index_select(torch.tensor([[1, 2], [3, 4], [5, 6]]), 0, torch.tensor([2, 0]))
    tensor([[5, 6],
            [1, 2]])
""",
"index_add": """Return a copy of ``input`` with ``alpha * source`` added to the slices of ``dim`` listed in ``index``.""",
"index_copy": """Return a copy of ``input`` with the slices of ``dim`` listed in ``index`` replaced by ``source``.""",
"index_fill": """Return a copy of ``input`` with the slices of ``dim`` listed in ``index`` filled with ``value``.""",
"index_put": """Return a copy of ``input`` with ``values`` put at ``indices`` (a tuple of index tensors), as ``x[indices] = values``.

With ``accumulate=True`` values are added and repeated indices sum.
""",
"masked_fill": """Return a copy of ``input`` with ``value`` where the bool ``mask`` (broadcast) is True.

Example::

    >>> x = torch.tensor([1., 2., 3.])
    >>> torch.masked_fill(x, x > 1, 0.0)
    tensor([1., 0., 0.])
""",
"masked_scatter": """Return a copy of ``input`` with the True positions of ``mask`` filled, in order, from ``source``.""",
"masked_select": """Return a 1-D tensor of the elements of ``input`` where the bool ``mask`` is True.""",
"take": """Return the elements of ``input``, viewed as 1-D, at the positions in ``index`` (shape of ``index``).""",
"take_along_dim": """Pick values along ``dim`` at ``indices``, broadcasting them against ``input`` (like NumPy's take_along_axis).""",
"nonzero": """Return the indices of non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-D tensors with ``as_tuple=True``.

Example::

    >>> torch.nonzero(torch.tensor([0, 3, 0, 4]))
    tensor([[1],
            [3]])
""",
"argwhere": """Return the indices of non-zero elements as an (n, ndim) int64 tensor.""",
"where": """Choose from ``input`` where ``condition`` is True and from ``other`` elsewhere (broadcast).

With only ``condition``, same as ``nonzero(condition, as_tuple=True)``.

Example::

    >>> x = torch.tensor([-1., 2.])
    >>> torch.where(x > 0, x, torch.zeros(2))
    tensor([0., 2.])
""",
"searchsorted": """Find where values would be inserted into the last dim of ``sorted_sequence`` to keep it sorted.

Args:
    right (bool): on ties, return the position after equal values instead of before.
    side (str, optional): ``'left'`` or ``'right'``, the same choice by name.
    out_int32 (bool): return int32 instead of int64.
    sorter (Tensor, optional): indices that sort an unsorted ``sorted_sequence``.

Example::

    >>> torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([3, 6]))
    tensor([1, 3])
""",
"bucketize": """Return the index of the bucket of each value in ``input``, given 1-D sorted ``boundaries``.

``right=False`` puts a value equal to a boundary in the bucket to its left, as in torch.
""",
"bincount": """Count occurrences of each value in a 1-D non-negative int tensor (or sum ``weights`` per value).

The result has length ``max(input.max() + 1, minlength)``.
""",
"histc": """Return a histogram of ``input`` with ``bins`` equal-width bins over [``min``, ``max``].

When ``min`` and ``max`` are both 0 the data's own minimum and maximum are used;
values outside the range are ignored.
""",
"unique": """Return the distinct elements of ``input`` (sorted), optionally with inverse indices and counts.

Args:
    return_inverse (bool): also return where each input element is in the output.
    return_counts (bool): also return how often each distinct element occurs.
    dim (int, optional): find distinct slices along this dim instead of elements.

Example::

    >>> torch.unique(torch.tensor([3, 1, 3, 2]))
    tensor([1, 2, 3])
""",
"unique_consecutive": """Drop all but the first element of each run of consecutive equal elements.""",
}

ALIASES = {
    "concat": "cat", "concatenate": "cat", "row_stack": "vstack", "swapaxes": "transpose",
    "swapdims": "transpose", "moveaxis": "movedim",
}
