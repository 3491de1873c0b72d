"""Docstrings of ``jitgrad.autograd``."""

DOCS = {
"backward": """Accumulate into the leaves' ``.grad`` the gradients of ``tensors`` (the sum of their products with ``grad_tensors``).

The multi-output form of :meth:`jitgrad.Tensor.backward`; the other arguments mean the
same.
""",
"grad": """Return the gradients of ``outputs`` with respect to ``inputs`` without touching ``.grad``.

Args:
    grad_outputs (sequence of Tensor, optional): the vector in the vector-Jacobian
        product; needed for outputs with more than one element.
    retain_graph (bool, optional): keep the graph for another backward pass.
    create_graph (bool): record the computation, for higher-order derivatives.
    allow_unused (bool, optional): return None for inputs the outputs do not depend on
        instead of raising.
    materialize_grads (bool): return zeros instead of None for unused inputs.

Example::

    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> (g,) = torch.autograd.grad(x ** 2, x)
    >>> g
    tensor(6.)
""",
"gradcheck": """Compare analytical gradients of ``func`` at ``inputs`` with finite differences; return True or raise :class:`GradcheckError`.

Use float64 inputs with ``requires_grad=True``; ``eps`` is the finite-difference step,
``atol`` and ``rtol`` the tolerances.
""",
"GradcheckError": """Raised by :func:`gradcheck` when analytical and numerical gradients disagree.""",
}
