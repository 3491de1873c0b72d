"""Docstrings of ``jitgrad.Tensor`` methods that have no top-level twin. Methods that
mirror a top-level function (``x.sum()`` and ``jitgrad.sum(x)``) take that function's
summary (see ``_attach_tensor_methods``)."""


def _random(summary):
    return (f"{summary}\n\nFills ``self`` in place and returns it; ``generator`` draws from "
            "that generator instead of the default one. Not recorded by autograd.\n")


def _cast(dtype):
    return (f"Return ``self`` converted to {dtype} (``self`` itself if it already is); "
            "same as ``self.to(jitgrad." + dtype + ")``.\n")


DOCS = {
"backward": """Compute the gradient of this tensor with respect to the graph leaves and accumulate it into their ``.grad``.

Args:
    gradient (Tensor, optional): the gradient of some final value with respect to
        this tensor; may be omitted only for a one-element tensor (taken as 1).
    retain_graph (bool, optional): keep the graph so backward can run through it
        again; defaults to ``create_graph``.
    create_graph (bool): record the backward computation so higher-order gradients
        can be taken.
    inputs (sequence of Tensor, optional): accumulate only into these tensors.

Example::

    >>> w = torch.tensor([2.0, 3.0], requires_grad=True)
    >>> loss = (w ** 2).sum()
    >>> loss.backward()
    >>> w.grad
    tensor([4., 6.])
""",
"item": """Return the value of a one-element tensor as a Python number (float, int or bool).

Example::

    >>> torch.tensor([[2.5]]).item()
    2.5
""",
"tolist": """Return the tensor's values as a (nested) Python list, or a number for a 0-D tensor.

Example::

    >>> torch.tensor([[1, 2], [3, 4]]).tolist()
    [[1, 2], [3, 4]]
""",
"numpy": """Return a NumPy array sharing memory with the tensor.

Raises for a tensor that requires grad (call :meth:`detach` first) unless ``force=True``.

Example::

    >>> torch.tensor([1., 2.]).numpy()
    array([1., 2.], dtype=float32)
""",
"size": """Return the shape as a :class:`jitgrad.Size`, or the size of dimension ``dim``.

Example::

    >>> x = torch.zeros(2, 3)
    >>> x.size()
    jitgrad.Size([2, 3])
    >>> x.size(-1)
    3
""",
"dim": """Return the number of dimensions.""",
"numel": """Return the number of elements.""",
"element_size": """Return the size of one element in bytes.""",
"stride": """Return the strides (in elements) of every dimension, or of dimension ``dim``.""",
"storage_offset": """Return the offset (in elements) of this tensor's first element in its storage.""",
"data_ptr": """Return the memory address of the first element.""",
"is_contiguous": """Return True if the elements lie in memory in row-major order without gaps.""",
"contiguous": """Return ``self`` if it is contiguous, else a contiguous copy (autograd-connected).""",
"view": """Return a view with the same data in a new shape (or, given a dtype, reinterpreted as it).

The shape may be separate ints or one sequence, with one ``-1`` inferred. The tensor
must be laid out so no copy is needed; otherwise use :meth:`reshape`.

Example::

    >>> torch.arange(6).view(3, -1)
    tensor([[0, 1],
            [2, 3],
            [4, 5]])
""",
"view_as": """Return ``self.view(other.size())``.""",
"reshape_as": """Return ``self.reshape(other.size())``.""",
"expand": """Return a view broadcasting size-1 dimensions to the given sizes without copying (``-1`` keeps a size).

Example::

    >>> torch.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
""",
"expand_as": """Return ``self.expand(other.size())``.""",
"repeat": """Return a copy tiled the given number of times along each dimension.

Example::

    >>> torch.tensor([1, 2]).repeat(2)
    tensor([1, 2, 1, 2])
""",
"sum_to_size": """Sum ``self`` down to the given broadcast-compatible size (the inverse of :meth:`expand`).""",
"unfold": """Return a view of all slices of length ``size`` along ``dimension``, taken every ``step`` elements, in a new last dim.""",
"to": """Return the tensor converted to a dtype and/or device; ``self`` itself when nothing changes.

Accepts ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)`` and
keywords ``dtype``, ``device``, ``copy``, ``non_blocking`` (ignored). Only the CPU device
exists. The conversion is differentiable between floating dtypes.

Example::

    >>> torch.tensor([1.7, -1.7]).to(torch.int64)
    tensor([ 1, -1])
""",
"type": """Return the legacy type name (e.g. ``'jitgrad.FloatTensor'``) with no argument, else convert to the given dtype or type name.""",
"type_as": """Return ``self`` converted to the dtype of ``tensor``.""",
"float": _cast("float32"),
"double": _cast("float64"),
"long": _cast("int64"),
"int": _cast("int32"),
"bool": _cast("bool"),
"half": """Raise TypeError: jitgrad has no float16 dtype (use :meth:`float` or :meth:`double`).""",
"cpu": """Return ``self``: jitgrad tensors always live on the CPU.""",
"cuda": """Raise RuntimeError: jitgrad runs on the CPU only.""",
"detach": """Return a view sharing data with ``self`` but cut off from the graph (``requires_grad=False``).

Example::

    >>> x = torch.ones(2, requires_grad=True)
    >>> (x * 2).detach().requires_grad
    False
""",
"requires_grad_": """Set whether autograd records operations on this tensor (in place); returns ``self``.

Only floating tensors can require grad.

Example::

    >>> x = torch.zeros(2).requires_grad_()
    >>> x.requires_grad
    True
""",
"retain_grad": """Make this non-leaf tensor keep its ``.grad`` after backward (leaves always do).""",
"register_hook": """Register ``hook(grad)`` to run when this tensor's gradient is computed; it may return a replacement gradient.

Returns a handle whose ``remove()`` unregisters the hook.
""",
"register_post_accumulate_grad_hook": """Register ``hook(tensor)`` to run on a leaf after its ``.grad`` has been accumulated.""",
"copy_": """Copy the values of ``src`` (broadcast, converted to this dtype) into ``self``; returns ``self``.""",
"fill_": """Fill ``self`` with ``value`` in place; returns ``self``.""",
"zero_": """Fill ``self`` with zeros in place; returns ``self``.""",
"resize_": """Resize ``self`` in place to the given shape; new elements are uninitialised.""",
"new_tensor": """Return a new tensor made from ``data``, with this tensor's dtype unless ``dtype`` is given.""",
"new_zeros": """Return a tensor of zeros of the given size, with this tensor's dtype unless ``dtype`` is given.""",
"new_ones": """Return a tensor of ones of the given size, with this tensor's dtype unless ``dtype`` is given.""",
"new_empty": """Return an uninitialised tensor of the given size, with this tensor's dtype unless ``dtype`` is given.""",
"new_full": """Return a tensor of the given size filled with ``fill_value``, with this tensor's dtype unless ``dtype`` is given.""",
"equal": """Return True if ``other`` has the same shape and the same values.""",
"where": """Return ``self`` where ``condition`` is True and ``y`` elsewhere (see :func:`jitgrad.where`).""",
"polygamma": """Return the ``n``-th derivative of the digamma function at each element (note: ``n`` is the argument here).""",
"uniform_": _random("Fill ``self`` with numbers drawn uniformly from [``from_``, ``to``)."),
"normal_": _random("Fill ``self`` with numbers drawn from a normal distribution of mean ``mean`` and standard deviation ``std``."),
"bernoulli_": _random("Fill ``self`` with 0 or 1 drawn with probability ``p`` (a number or tensor) of 1."),
"exponential_": _random("Fill ``self`` with draws from the exponential distribution of rate ``lambd``."),
"geometric_": _random("Fill ``self`` with draws from the geometric distribution with success probability ``p``."),
"cauchy_": _random("Fill ``self`` with draws from the Cauchy distribution with ``median`` and scale ``sigma``."),
"log_normal_": _random("Fill ``self`` with draws whose logarithm is normal with ``mean`` and ``std``."),
"random_": _random("Fill ``self`` with integers drawn uniformly from [``from``, ``to``) (by default [0, the dtype's largest integer])."),
"multinomial": """Draw ``num_samples`` category indices per row from the (unnormalised) probabilities in ``self``.

``replacement=False`` (the default) draws without replacement.
""",
}

ALIASES = {"ndimension": "dim", "nelement": "numel"}
