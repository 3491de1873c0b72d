"""``nn.utils.parameters_to_vector`` and ``vector_to_parameters`` (CPU only: no
device check is needed)."""
from ... import messages
from ...tensor import Tensor


def parameters_to_vector(parameters):
    """The parameters flattened and concatenated (recorded: gradients flow back)."""
    from ... import cat
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    """Each parameter's ``.data`` becomes the next slice of ``vec`` (a view, as torch's)."""
    if not isinstance(vec, Tensor):
        raise TypeError(messages.vector_to_parameters_type(vec))
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
