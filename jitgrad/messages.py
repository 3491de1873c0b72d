"""Every user-facing error and warning text, in PyTorch 2.13's wording.

Kept in one module so parity with torch can be checked in one place
(tests/test_errors.py compares them with torch when it is installed).
Shapes are printed with jitgrad's own ``Size`` type where torch prints
``torch.Size``.
"""
import re


BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")

IMPLICIT_GRAD_NON_SCALAR = "grad can be implicitly created only for scalar outputs"

NON_LEAF_GRAD_ACCESS = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
    "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
    "information.")

# torch words the same rule three ways: factories, requires_grad_(), the setter
REQUIRES_GRAD_FACTORY = "Only Tensors of floating point and complex dtype can require gradients"
REQUIRES_GRAD_METHOD = "only Tensors of floating point dtype can require gradients"
REQUIRES_GRAD_SETTER = "only Tensors of floating point and complex dtype can require gradients"

REQUIRES_GRAD_NON_LEAF = (
    "you can only change requires_grad flags of leaf variables. If you want to use a "
    "computed variable in a subgraph that doesn't require differentiation use "
    "var_no_grad = var.detach().")

NO_GRAD_FN = "element {index} of tensors does not require grad and does not have a grad_fn"

RETAIN_GRAD_NO_REQUIRES = "can't retain_grad on Tensor that has requires_grad=False"

def unused_input(index):
    return (f"The differentiated Tensor at index {index} appears to not have been used in the "
            "graph. Set allow_unused=True if this is the desired behavior.")


def grad_count(n_tensors, n_grads):
    return f"got {n_tensors} tensors and {n_grads} gradients"


def gradient_type(type_name):
    return f"gradients can be either Tensors or None, but got {type_name}"


def grad_assign_size(grad_shape, shape):
    return (f"attempting to assign a gradient of size '{list(grad_shape)}' to a tensor of size "
            f"'{list(shape)}'. Please ensure that the gradient and the tensor are the same size")


def grad_assign_dtype(grad_c_name, torch_name):
    return (f"attempting to assign a gradient with dtype '{grad_c_name}' to a tensor with "
            f"grad_dtype '{torch_name}'. The gradient must match the tensor's grad_dtype "
            "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
            "with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
            "Diverging the dtypes of a tensor and its gradient may break downstream systems "
            "that assume they match.")


SCALAR_CONVERSION = "only one element tensors can be converted to Python scalars"

INPUT_NO_GRAD = "One of the differentiated Tensors does not require grad"

def modified_by_inplace(shape, np_dtype, producer, version, expected):
    from .dtypes import from_numpy
    kind = {"Float": "FloatTensor", "Double": "DoubleTensor", "Long": "LongTensor",
            "Int": "IntTensor", "Bool": "BoolTensor"}[from_numpy(np_dtype)._torch_name]
    # torch 2.13 names the producing op without its "Backward<N>" suffix
    which = f", which is output 0 of {re.sub(r'Backward[0-9]*$', '', producer)}," \
        if producer else ""
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [jitgrad.{kind} [{', '.join(str(s) for s in shape)}]]{which} "
            f"is at version {version}; expected version {expected} instead. Hint: enable "
            "anomaly detection to find the operation that failed to compute its gradient, "
            "with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def inplace_broadcast(shape, broadcast):
    return (f"output with shape [{', '.join(str(s) for s in shape)}] doesn't match the "
            f"broadcast shape [{', '.join(str(s) for s in broadcast)}]")


INDEX_0D = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")

VIEW_OF_LEAF_INPLACE = ("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")

HOOK_NO_REQUIRES_GRAD = "cannot register a hook on a tensor that doesn't require gradient"

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def shape_mismatch(grad_shape, out_shape, index=0):
    return (f"Mismatch in shape: grad_output[{index}] has a shape of {grad_shape} "
            f"and output[{index}] has a shape of {out_shape}.")


def broadcast_mismatch(size_a, size_b, dim):
    return (f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
            f"at non-singleton dimension {dim}")


def dim_out_of_range(dim, ndim):
    low, high = (-ndim, ndim - 1) if ndim > 0 else (-1, 0)
    return f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"


def dim_repeated(dim):
    return f"dim {dim} appears multiple times in the list of dims"


def negative_shape_dim(dim, index, shape):
    return (f"invalid shape dimension {dim} at index {index} of shape "
            f"[{', '.join(str(s) for s in shape)}]")


def ambiguous_reshape(shape):
    return (f"cannot reshape tensor of 0 elements into shape [{', '.join(str(s) for s in shape)}] "
            "because the unspecified dimension size -1 can be any value and is ambiguous")


def permute_length(ndim, n):
    return ("permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{ndim} is not equal to len(dims) = {n}")


def invalid_shape(shape, numel):
    return f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for input of size {numel}"


ONE_INFERRED_DIM = "only one dimension can be inferred"

VIEW_NOT_CONTIGUOUS = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def t_too_many_dims(ndim):
    return f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D"


def item_not_scalar(numel):
    return f"a Tensor with {numel} elements cannot be converted to Scalar"


def matmul_0d(ndim_a, ndim_b):
    return (f"both arguments to matmul need to be at least 1D, but they are "
            f"{ndim_a}D and {ndim_b}D")


def mm_shapes(a_shape, b_shape):
    return (f"mat1 and mat2 shapes cannot be multiplied "
            f"({a_shape[0]}x{a_shape[1]} and {b_shape[0]}x{b_shape[1]})")


def dot_sizes(n_a, n_b):
    return (f"inconsistent tensor size, expected tensor [{n_a}] and src [{n_b}] to have "
            f"the same number of elements, but got {n_a} and {n_b} elements respectively")


def mv_sizes(mat_shape, vec_len):
    return (f"size mismatch, got input ({mat_shape[0]}), mat "
            f"({mat_shape[0]}x{mat_shape[1]}), vec ({vec_len})")


def bmm_batch2(expected, got):
    return (f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{expected[0]}, {expected[1]}] but got: [{got[0]}, {got[1]}].")


def mm_dtypes(a_c_name, b_c_name):
    return f"expected m1 and m2 to have the same dtype, but got: {a_c_name} != {b_c_name}"


def dot_dtypes(a_name, b_name):
    return f"dot : expected both vectors to have same dtype, but found {a_name} and {b_name}"


def mv_dtypes(mat_name, vec_name):
    return (f"addmv input tensors must have the same dtype, but got {vec_name}, {mat_name}, "
            f"and {vec_name}")


def bmm_dtypes(a_name, b_name):
    return f"expected scalar type {a_name} but found {b_name}"


def cast_result(result_name, out_name):
    return f"result type {result_name} can't be cast to the desired output type {out_name}"


def zeros_negative():
    return "zeros: Dimension size must be non-negative."


def negative_dimension(dim, size):
    return f"Trying to create tensor with negative dimension {dim}: {list(size)}"


MM_NOT_MATRIX = "self must be a matrix"
MM_MAT2_NOT_MATRIX = "mat2 must be a matrix"


def bce_target_size(target_size, input_size):
    return (f"Target size ({target_size}) must be the same as input size ({input_size})")


def invalid_reduction(reduction):
    return f"{reduction} is not a valid value for reduction"


def mean_int_dtype(torch_name, given):
    which = "Optional" if given else "Input"
    return (f"mean(): could not infer output dtype. {which} dtype must be either a floating "
            f"point or complex dtype. Got: {torch_name}")


NEGATIVE_INT_POWER = "Integers to negative integer powers are not allowed."


SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
SUB_TWO_BOOLS = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use "
                 "the `^` or `logical_xor()` operator instead.")

# ops torch refuses on bool tensors: op name -> (exception type, message)
BOOL_UNSUPPORTED = {
    "neg": (RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you "
                          "are trying to invert a mask, use the `~` or `logical_not()` operator "
                          "instead."),
    "abs": (NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    "relu": (RuntimeError, "Boolean inputs not supported for relu"),
    "pow": (NotImplementedError, "\"pow\" not implemented for 'Bool'"),
}
