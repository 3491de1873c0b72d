"""Every user-facing misuse raises torch's exception type with torch's message.

``CASES`` is the one table: ``Case(id, run, exc, message)`` where ``run``
takes the library module (``jitgrad`` or ``torch``) and misuses it, ``exc`` is
the exact exception class torch raises and ``message`` torch's text written
literally, in jitgrad's spelling (``jitgrad.Size([...])``, ``jitgrad.float64``
where torch prints ``torch.Size``/``torch.float64``).

* ``test_jitgrad_raises`` runs each case with jitgrad (no torch needed).
* ``test_torch_oracle`` runs the same case with torch 2.13 and checks that the
  literal in the table really is torch's text (``torch.`` -> ``jitgrad.``).

Warnings are cases too: the ``run`` turns the warning into an exception
with ``warnings.simplefilter("error")`` so it is checked the same way.
Torch appends `` (Triggered internally at <C++ source path>:<line>.)`` to
warnings raised from C++; that suffix names torch's build tree, not the
message, so the oracle strips it.
"""
import re
import warnings
from collections import namedtuple

import pytest

import jitgrad

Case = namedtuple("Case", "id run exc message")

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")

NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
    "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
    "information.")

REQUIRES_GRAD_NON_LEAF = (
    "you can only change requires_grad flags of leaf variables. If you want to use a "
    "computed variable in a subgraph that doesn't require differentiation use "
    "var_no_grad = var.detach().")

VIEW_NOT_CONTIGUOUS = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")

GRAD_ASSIGN_DTYPE = (
    "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype "
    "'Float'. The gradient must match the tensor's grad_dtype (defaults to the tensor's "
    "dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None "
    "to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
    "its gradient may break downstream systems that assume they match.")


def _unused(msg_index):
    return (f"The differentiated Tensor at index {msg_index} appears to not have been used "
            "in the graph. Set allow_unused=True if this is the desired behavior.")


def _mean_int(name, what="Input"):
    return ("mean(): could not infer output dtype. " + what + " dtype must be either a "
            "floating point or complex dtype. Got: " + name)


def _dim_range(low, high, got):
    return f"Dimension out of range (expected to be in range of [{low}, {high}], but got {got})"


def _bcast(a, b, dim):
    return (f"The size of tensor a ({a}) must match the size of tensor b ({b}) "
            f"at non-singleton dimension {dim}")


# ------------------------------------------------------------------ case bodies

def _leaf(t, *shape):
    return t.ones(*shape, requires_grad=True)


def backward_twice_mul_sum(t):
    x = _leaf(t, 3)
    y = (x * x).sum()
    y.backward()
    y.backward()


def backward_twice_exp(t):
    x = _leaf(t, 3)
    y = x.exp().sum()
    y.backward()
    y.backward()


def autograd_grad_twice(t):
    x = _leaf(t, 3)
    y = (x * x).sum()
    t.autograd.grad(y, x)
    t.autograd.grad(y, x)


def backward_non_scalar(t):
    (_leaf(t, 3) * 2).backward()


def autograd_grad_non_scalar(t):
    x = _leaf(t, 3)
    t.autograd.grad(x * 2, x)


def backward_gradient_wrong_shape(t):
    (_leaf(t, 3) * 2).backward(t.ones(2))


def backward_gradient_wrong_shape_2d(t):
    (_leaf(t, 2, 3) * 2).backward(t.ones(3, 2))


def autograd_grad_outputs_wrong_shape(t):
    x = _leaf(t, 2)
    t.autograd.grad(x * 2, x, t.ones(3))


def backward_no_requires_grad(t):
    t.ones(3).sum().backward()


def autograd_grad_output_no_requires_grad(t):
    t.autograd.grad(t.ones(3).sum(), [_leaf(t, 2)])


def backward_grad_tensors_length(t):
    x = _leaf(t, 2)
    t.autograd.backward([x.sum(), x.sum()], [t.tensor(1.)])


def backward_gradient_list_of_floats(t):
    (_leaf(t, 2) * 2).backward([1., 1.])


def backward_inputs_not_requiring_grad(t):
    (_leaf(t, 2) * 2).sum().backward(inputs=[t.ones(2)])


def autograd_grad_unused_input_1(t):
    x, y = _leaf(t, 2), _leaf(t, 2)
    t.autograd.grad((x * 2).sum(), [x, y])


def autograd_grad_unused_input_0(t):
    x, y = _leaf(t, 2), _leaf(t, 2)
    t.autograd.grad((y * 2).sum(), [x, y])


def autograd_grad_unused_single_input(t):
    x, y = _leaf(t, 2), _leaf(t, 2)
    t.autograd.grad((y * 2).sum(), x)


def autograd_grad_input_no_requires_grad(t):
    x = _leaf(t, 2)
    t.autograd.grad((x * 2).sum(), [x, t.ones(2)])


def requires_grad__int(t):
    t.tensor([1, 2]).requires_grad_()


def requires_grad__bool(t):
    t.tensor([True, False]).requires_grad_()


def tensor_int_requires_grad(t):
    t.tensor([1, 2], requires_grad=True)


def zeros_int_requires_grad(t):
    t.zeros(2, dtype=t.int64, requires_grad=True)


def arange_int_requires_grad(t):
    t.arange(3, requires_grad=True)


def requires_grad_setter_int(t):
    x = t.tensor([1, 2])
    x.requires_grad = True


def requires_grad_setter_int32(t):
    x = t.tensor([1, 2], dtype=t.int32)
    x.requires_grad = True


def requires_grad_setter_false_non_leaf(t):
    y = _leaf(t, 2) * 2
    y.requires_grad = False


def requires_grad__false_non_leaf(t):
    (_leaf(t, 2) * 2).requires_grad_(False)


def retain_grad_no_requires_grad(t):
    t.ones(2).retain_grad()


def retain_grad_made_under_no_grad(t):
    x = _leaf(t, 2)
    with t.no_grad():
        y = x * 2
    y.retain_grad()


def non_leaf_grad_access_warns(t):
    y = _leaf(t, 2) * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.grad


def numpy_of_requires_grad(t):
    _leaf(t, 2).numpy()


def grad_assign_wrong_shape(t):
    x = _leaf(t, 2)
    x.grad = t.ones(3)


def grad_assign_wrong_dtype(t):
    x = _leaf(t, 2)
    x.grad = t.ones(2, dtype=t.float64)


# ------------------------------------------------------------------ the table

CASES = [
    # ---- backward / autograd.grad
    Case("backward_twice_mul_sum", backward_twice_mul_sum, RuntimeError, BACKWARD_TWICE),
    Case("backward_twice_exp", backward_twice_exp, RuntimeError, BACKWARD_TWICE),
    Case("autograd_grad_twice", autograd_grad_twice, RuntimeError, BACKWARD_TWICE),
    Case("backward_non_scalar_without_gradient", backward_non_scalar, RuntimeError,
         "grad can be implicitly created only for scalar outputs"),
    Case("autograd_grad_non_scalar_without_grad_outputs", autograd_grad_non_scalar,
         RuntimeError, "grad can be implicitly created only for scalar outputs"),
    Case("backward_gradient_wrong_shape", backward_gradient_wrong_shape, RuntimeError,
         "Mismatch in shape: grad_output[0] has a shape of jitgrad.Size([2]) and output[0] "
         "has a shape of jitgrad.Size([3])."),
    Case("backward_gradient_wrong_shape_2d", backward_gradient_wrong_shape_2d, RuntimeError,
         "Mismatch in shape: grad_output[0] has a shape of jitgrad.Size([3, 2]) and "
         "output[0] has a shape of jitgrad.Size([2, 3])."),
    Case("autograd_grad_outputs_wrong_shape", autograd_grad_outputs_wrong_shape, RuntimeError,
         "Mismatch in shape: grad_output[0] has a shape of jitgrad.Size([3]) and output[0] "
         "has a shape of jitgrad.Size([2])."),
    Case("backward_no_requires_grad", backward_no_requires_grad, RuntimeError,
         "element 0 of tensors does not require grad and does not have a grad_fn"),
    Case("autograd_grad_output_no_requires_grad", autograd_grad_output_no_requires_grad,
         RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"),
    Case("backward_grad_tensors_length", backward_grad_tensors_length, RuntimeError,
         "got 2 tensors and 1 gradients"),
    Case("backward_gradient_list_of_floats", backward_gradient_list_of_floats, TypeError,
         "gradients can be either Tensors or None, but got float"),
    Case("backward_inputs_not_requiring_grad", backward_inputs_not_requiring_grad,
         RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"),
    Case("autograd_grad_unused_input_index_1", autograd_grad_unused_input_1, RuntimeError,
         _unused(1)),
    Case("autograd_grad_unused_input_index_0", autograd_grad_unused_input_0, RuntimeError,
         _unused(0)),
    Case("autograd_grad_unused_single_input", autograd_grad_unused_single_input, RuntimeError,
         _unused(0)),
    Case("autograd_grad_input_no_requires_grad", autograd_grad_input_no_requires_grad,
         RuntimeError, "One of the differentiated Tensors does not require grad"),

    # ---- requires_grad / retain_grad / .grad / numpy()
    Case("requires_grad__int", requires_grad__int, RuntimeError,
         "only Tensors of floating point dtype can require gradients"),
    Case("requires_grad__bool", requires_grad__bool, RuntimeError,
         "only Tensors of floating point dtype can require gradients"),
    Case("tensor_int_requires_grad_true", tensor_int_requires_grad, RuntimeError,
         "Only Tensors of floating point and complex dtype can require gradients"),
    Case("zeros_int_requires_grad_true", zeros_int_requires_grad, RuntimeError,
         "Only Tensors of floating point and complex dtype can require gradients"),
    Case("arange_int_requires_grad_true", arange_int_requires_grad, RuntimeError,
         "Only Tensors of floating point and complex dtype can require gradients"),
    Case("requires_grad_setter_int", requires_grad_setter_int, RuntimeError,
         "only Tensors of floating point and complex dtype can require gradients"),
    Case("requires_grad_setter_int32", requires_grad_setter_int32, RuntimeError,
         "only Tensors of floating point and complex dtype can require gradients"),
    Case("requires_grad_setter_false_non_leaf", requires_grad_setter_false_non_leaf,
         RuntimeError, REQUIRES_GRAD_NON_LEAF),
    Case("requires_grad__false_non_leaf", requires_grad__false_non_leaf, RuntimeError,
         REQUIRES_GRAD_NON_LEAF),
    Case("retain_grad_no_requires_grad", retain_grad_no_requires_grad, RuntimeError,
         "can't retain_grad on Tensor that has requires_grad=False"),
    Case("retain_grad_made_under_no_grad", retain_grad_made_under_no_grad, RuntimeError,
         "can't retain_grad on Tensor that has requires_grad=False"),
    Case("non_leaf_grad_access_warns", non_leaf_grad_access_warns, UserWarning, NON_LEAF_GRAD),
    Case("numpy_of_requires_grad", numpy_of_requires_grad, RuntimeError,
         "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
         "instead."),
    Case("grad_assign_wrong_shape", grad_assign_wrong_shape, RuntimeError,
         "attempting to assign a gradient of size '[3]' to a tensor of size '[2]'. Please "
         "ensure that the gradient and the tensor are the same size"),
    Case("grad_assign_wrong_dtype", grad_assign_wrong_dtype, RuntimeError, GRAD_ASSIGN_DTYPE),

    # ---- broadcasting
    Case("broadcast_add", lambda t: t.ones(3) + t.ones(4), RuntimeError, _bcast(3, 4, 0)),
    Case("broadcast_sub", lambda t: t.ones(2, 3) - t.ones(4), RuntimeError, _bcast(3, 4, 1)),
    Case("broadcast_mul", lambda t: t.ones(3, 2) * t.ones(4, 2), RuntimeError, _bcast(3, 4, 0)),
    Case("broadcast_div", lambda t: t.ones(5, 1, 3) / t.ones(4, 2), RuntimeError,
         _bcast(3, 2, 2)),
    Case("broadcast_pow", lambda t: t.ones(3) ** t.ones(2), RuntimeError, _bcast(3, 2, 0)),
    Case("broadcast_lt", lambda t: t.ones(3) < t.ones(2), RuntimeError, _bcast(3, 2, 0)),
    Case("broadcast_add_two_mismatched_dims", lambda t: t.ones(2, 3) + t.ones(3, 2),
         RuntimeError, _bcast(3, 2, 1)),

    # ---- matmul / mm
    Case("matmul_1d_1d", lambda t: t.ones(3) @ t.ones(4), RuntimeError,
         "inconsistent tensor size, expected tensor [3] and src [4] to have the same number "
         "of elements, but got 3 and 4 elements respectively"),
    Case("matmul_2d_1d", lambda t: t.ones(2, 3) @ t.ones(4), RuntimeError,
         "size mismatch, got input (2), mat (2x3), vec (4)"),
    Case("matmul_1d_2d", lambda t: t.ones(3) @ t.ones(4, 2), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x2)"),
    Case("matmul_2d_2d", lambda t: t.ones(2, 3) @ t.ones(4, 5), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    Case("matmul_3d_3d", lambda t: t.ones(2, 2, 3) @ t.ones(2, 4, 5), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
         "[2, 4]."),
    Case("matmul_3d_1d", lambda t: t.ones(2, 2, 3) @ t.ones(4), RuntimeError,
         "size mismatch, got input (4), mat (4x3), vec (4)"),
    Case("matmul_1d_3d", lambda t: t.ones(4) @ t.ones(2, 3, 5), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: "
         "[2, 3]."),
    Case("matmul_3d_2d", lambda t: t.ones(2, 2, 3) @ t.ones(4, 5), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)"),
    Case("matmul_2d_3d", lambda t: t.ones(2, 3) @ t.ones(2, 4, 5), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
         "[2, 4]."),
    Case("matmul_4d_3d", lambda t: t.ones(2, 1, 2, 3) @ t.ones(3, 4, 5), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [6, 3] but got: "
         "[6, 4]."),
    Case("matmul_batch_dims_do_not_broadcast", lambda t: t.ones(3, 2, 3) @ t.ones(2, 3, 5),
         RuntimeError, _bcast(3, 2, 0)),
    Case("matmul_0d_1d", lambda t: t.tensor(1.) @ t.ones(3), RuntimeError,
         "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    Case("matmul_1d_0d", lambda t: t.ones(3) @ t.tensor(1.), RuntimeError,
         "both arguments to matmul need to be at least 1D, but they are 1D and 0D"),
    Case("matmul_function_0d_0d", lambda t: t.matmul(t.tensor(1.), t.tensor(2.)), RuntimeError,
         "both arguments to matmul need to be at least 1D, but they are 0D and 0D"),
    Case("matmul_dtype_2d_2d", lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.float64),
         RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != double"),
    Case("matmul_dtype_1d_2d", lambda t: t.ones(2) @ t.ones(2, 2, dtype=t.float64),
         RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != double"),
    Case("matmul_dtype_1d_1d", lambda t: t.ones(2) @ t.ones(2, dtype=t.float64),
         RuntimeError, "dot : expected both vectors to have same dtype, but found Float and "
         "Double"),
    Case("matmul_dtype_2d_1d", lambda t: t.ones(2, 2) @ t.ones(2, dtype=t.float64),
         RuntimeError, "addmv input tensors must have the same dtype, but got Double, Float, "
         "and Double"),
    Case("matmul_dtype_3d_3d", lambda t: t.ones(2, 2, 3) @ t.ones(2, 3, 5, dtype=t.float64),
         RuntimeError, "expected scalar type Float but found Double"),
    Case("matmul_dtype_float_int64", lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.int64),
         RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != long int"),
    Case("matmul_dtype_int64_float", lambda t: t.ones(2, 2, dtype=t.int64) @ t.ones(2, 2),
         RuntimeError, "expected m1 and m2 to have the same dtype, but got: long int != float"),
    Case("matmul_dtype_float_int32", lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.int32),
         RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != int"),
    Case("matmul_other_not_tensor", lambda t: t.matmul(t.ones(2), [1., 2.]), TypeError,
         "matmul(): argument 'other' (position 2) must be Tensor, not list"),
    Case("mm_self_1d", lambda t: t.mm(t.ones(3), t.ones(3, 2)), RuntimeError,
         "self must be a matrix"),
    Case("mm_mat2_1d", lambda t: t.mm(t.ones(2, 3), t.ones(3)), RuntimeError,
         "mat2 must be a matrix"),
    Case("mm_method_self_1d", lambda t: t.ones(3).mm(t.ones(3, 2)), RuntimeError,
         "self must be a matrix"),
    Case("mm_self_3d", lambda t: t.mm(t.ones(2, 2, 2), t.ones(2, 2)), RuntimeError,
         "self must be a matrix"),
    Case("mm_shapes", lambda t: t.mm(t.ones(2, 3), t.ones(2, 3)), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),

    # ---- reductions
    Case("sum_dim_out_of_range", lambda t: t.ones(2, 3).sum(2), IndexError, _dim_range(-2, 1, 2)),
    Case("sum_negative_dim_out_of_range", lambda t: t.ones(2, 3).sum(-3), IndexError,
         _dim_range(-2, 1, -3)),
    Case("sum_dim_tuple_out_of_range", lambda t: t.ones(2, 3).sum((0, 5)), IndexError,
         _dim_range(-2, 1, 5)),
    Case("sum_dim_out_of_range_0d", lambda t: t.tensor(1.).sum(1), IndexError,
         _dim_range(-1, 0, 1)),
    Case("sum_dim_out_of_range_0d_negative", lambda t: t.tensor(1.).sum(-2), IndexError,
         _dim_range(-1, 0, -2)),
    Case("mean_dim_out_of_range", lambda t: t.ones(2, 3).mean(5), IndexError,
         _dim_range(-2, 1, 5)),
    Case("mean_dim_out_of_range_0d", lambda t: t.tensor(1.).mean(1), IndexError,
         _dim_range(-1, 0, 1)),
    Case("sum_repeated_dim", lambda t: t.ones(2, 3).sum((0, 0)), RuntimeError,
         "dim 0 appears multiple times in the list of dims"),
    Case("sum_repeated_dim_negative_alias", lambda t: t.ones(2, 3).sum((1, -1)), RuntimeError,
         "dim 1 appears multiple times in the list of dims"),
    Case("mean_repeated_dim", lambda t: t.ones(2, 3).mean((0, -2)), RuntimeError,
         "dim 0 appears multiple times in the list of dims"),
    Case("mean_int64", lambda t: t.tensor([1, 2]).mean(), RuntimeError, _mean_int("Long")),
    Case("mean_int32", lambda t: t.tensor([1, 2], dtype=t.int32).mean(), RuntimeError,
         _mean_int("Int")),
    Case("mean_bool", lambda t: t.tensor([True]).mean(), RuntimeError, _mean_int("Bool")),
    Case("mean_function_int64", lambda t: t.mean(t.tensor([1, 2]), 0), RuntimeError,
         _mean_int("Long")),
    Case("mean_dtype_int64", lambda t: t.ones(2).mean(dtype=t.int64), RuntimeError,
         _mean_int("Long", "Optional")),

    # ---- shapes and views
    Case("reshape_invalid_size", lambda t: t.ones(2, 3).reshape(4, 2), RuntimeError,
         "shape '[4, 2]' is invalid for input of size 6"),
    Case("reshape_invalid_size_inferred", lambda t: t.ones(2, 3).reshape(4, -1), RuntimeError,
         "shape '[4, -1]' is invalid for input of size 6"),
    Case("reshape_two_inferred", lambda t: t.ones(2, 3).reshape(-1, -1), RuntimeError,
         "only one dimension can be inferred"),
    Case("reshape_negative_dim", lambda t: t.ones(6).reshape(-2, 3), RuntimeError,
         "invalid shape dimension -2 at index 0 of shape [-2, 3]"),
    Case("reshape_zero_elements_inferred", lambda t: t.ones(0).reshape(0, -1), RuntimeError,
         "cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified "
         "dimension size -1 can be any value and is ambiguous"),
    Case("view_invalid_size", lambda t: t.ones(2, 3).view(4), RuntimeError,
         "shape '[4]' is invalid for input of size 6"),
    Case("view_two_inferred", lambda t: t.ones(2, 3).view(-1, -1), RuntimeError,
         "only one dimension can be inferred"),
    Case("view_non_contiguous_t", lambda t: t.ones(2, 3).t().view(6), RuntimeError,
         VIEW_NOT_CONTIGUOUS),
    Case("view_non_contiguous_transpose_3d", lambda t: t.ones(2, 3, 4).transpose(0, 1).view(-1),
         RuntimeError, VIEW_NOT_CONTIGUOUS),
    Case("t_of_3d", lambda t: t.ones(2, 3, 4).t(), RuntimeError,
         "t() expects a tensor with <= 2 dimensions, but self is 3D"),
    Case("t_function_of_4d", lambda t: t.t(t.ones(1, 1, 1, 1)), RuntimeError,
         "t() expects a tensor with <= 2 dimensions, but self is 4D"),
    Case("transpose_dim_out_of_range", lambda t: t.ones(2, 3).transpose(0, 2), IndexError,
         _dim_range(-2, 1, 2)),
    Case("transpose_negative_dim_out_of_range", lambda t: t.ones(2, 3).transpose(-3, 0),
         IndexError, _dim_range(-2, 1, -3)),
    Case("transpose_0d", lambda t: t.tensor(1.).transpose(0, 1), IndexError,
         _dim_range(-1, 0, 1)),
    Case("size_dim_out_of_range", lambda t: t.ones(2, 3).size(2), IndexError,
         _dim_range(-2, 1, 2)),
    Case("permute_wrong_length", lambda t: t.ones(2, 3).permute(0), RuntimeError,
         "permute(sparse_coo): number of dimensions in the tensor input does not match the "
         "length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to "
         "len(dims) = 1"),
    Case("permute_repeated_dim", lambda t: t.ones(2, 3).permute(0, 0), RuntimeError,
         "permute(): duplicate dims are not allowed."),

    # ---- Python conversions
    Case("item_multi_element", lambda t: t.ones(3).item(), RuntimeError,
         "a Tensor with 3 elements cannot be converted to Scalar"),
    Case("item_2d", lambda t: t.ones(2, 3).item(), RuntimeError,
         "a Tensor with 6 elements cannot be converted to Scalar"),
    Case("item_empty", lambda t: t.ones(0).item(), RuntimeError,
         "a Tensor with 0 elements cannot be converted to Scalar"),
    Case("float_of_multi_element", lambda t: float(t.ones(2)), ValueError,
         "only one element tensors can be converted to Python scalars"),
    Case("int_of_multi_element", lambda t: int(t.ones(2)), ValueError,
         "only one element tensors can be converted to Python scalars"),
    Case("bool_of_multi_element", lambda t: bool(t.ones(2)), RuntimeError,
         "Boolean value of Tensor with more than one value is ambiguous"),
    Case("len_of_0d", lambda t: len(t.tensor(1.)), TypeError, "len() of a 0-d tensor"),

    # ---- integer powers
    Case("int64_pow_negative_int", lambda t: t.tensor([1, 2]) ** -1, RuntimeError,
         "Integers to negative integer powers are not allowed."),
    Case("int32_pow_negative_int", lambda t: t.tensor([2], dtype=t.int32) ** -2, RuntimeError,
         "Integers to negative integer powers are not allowed."),
    Case("int64_0d_pow_negative_int", lambda t: t.tensor(2) ** -2, RuntimeError,
         "Integers to negative integer powers are not allowed."),
    Case("bool_pow_negative_int", lambda t: t.tensor([True]) ** -2, RuntimeError,
         "Integers to negative integer powers are not allowed."),
    Case("pow_function_int_negative_int", lambda t: t.pow(t.tensor([2]), -1), RuntimeError,
         "Integers to negative integer powers are not allowed."),
    Case("pow_method_int_negative_int", lambda t: t.tensor([2]).pow(-1), RuntimeError,
         "Integers to negative integer powers are not allowed."),

    # ---- binary_cross_entropy_with_logits
    Case("bce_with_logits_target_size",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(t.ones(3), t.ones(2)),
         ValueError, "Target size (jitgrad.Size([2])) must be the same as input size "
         "(jitgrad.Size([3]))"),
    Case("bce_with_logits_target_size_2d",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(t.ones(2, 3), t.ones(3)),
         ValueError, "Target size (jitgrad.Size([3])) must be the same as input size "
         "(jitgrad.Size([2, 3]))"),
    Case("bce_with_logits_bad_reduction",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.ones(3), reduction="avg"),
         ValueError, "avg is not a valid value for reduction"),
    Case("bce_with_logits_reduction_is_case_sensitive",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.ones(3), reduction="Mean"),
         ValueError, "Mean is not a valid value for reduction"),
    Case("bce_with_logits_bad_reduction_checked_before_size",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.ones(2), reduction="avg"),
         ValueError, "avg is not a valid value for reduction"),
    Case("bce_with_logits_weight_does_not_broadcast",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.ones(3), weight=t.ones(2)),
         RuntimeError, _bcast(3, 2, 0)),
    Case("bce_with_logits_pos_weight_does_not_broadcast",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.ones(3), pos_weight=t.ones(2)),
         RuntimeError, _bcast(2, 3, 0)),
    Case("bce_with_logits_int_target",
         lambda t: t.nn.functional.binary_cross_entropy_with_logits(
             t.ones(3), t.tensor([1, 0, 1])),
         RuntimeError, "result type Float can't be cast to the desired output type Long"),

    # ---- factories and misc
    Case("ones_negative_dim", lambda t: t.ones(-1, 2), RuntimeError,
         "Trying to create tensor with negative dimension -1: [-1, 2]"),
    Case("empty_negative_dim", lambda t: t.empty(-2), RuntimeError,
         "Trying to create tensor with negative dimension -2: [-2]"),
    Case("randn_negative_dim", lambda t: t.randn(-2), RuntimeError,
         "Trying to create tensor with negative dimension -2: [-2]"),
    Case("zeros_negative_dim", lambda t: t.zeros(2, -3), RuntimeError,
         "zeros: Dimension size must be non-negative."),
    Case("tensor_ragged_list", lambda t: t.tensor([[1, 2], [3]]), ValueError,
         "expected sequence of length 2 at dim 1 (got 1)"),
    Case("tensor_of_none", lambda t: t.tensor(None), RuntimeError,
         "Could not infer dtype of NoneType"),
    Case("arange_zero_step", lambda t: t.arange(0, 3, 0), RuntimeError, "step must be nonzero"),
    Case("set_default_dtype_int", lambda t: t.set_default_dtype(t.int64), TypeError,
         "only floating-point types are supported as the default type"),
    Case("add_str", lambda t: t.ones(2) + "a", TypeError,
         "unsupported operand type(s) for +: 'Tensor' and 'str'"),
]

_IDS = [c.id for c in CASES]
assert len(set(_IDS)) == len(_IDS), "duplicate case ids"


def _raised(case, lib):
    """The exception ``case.run(lib)`` raises (fails the test if none)."""
    try:
        case.run(lib)
    except Exception as e:  # noqa: BLE001  (UserWarning too, via simplefilter("error"))
        return e
    pytest.fail(f"{lib.__name__}: {case.id} raised nothing; expected "
                f"{case.exc.__name__}: {case.message}")


_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)$")


def _torch_text(msg):
    return _TRIGGERED.sub("", msg).replace("torch.", "jitgrad.")


@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_jitgrad_raises(case):
    err = _raised(case, jitgrad)
    assert type(err) is case.exc, f"{type(err).__name__}: {err}"
    assert str(err) == case.message


@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_torch_oracle(case):
    torch = pytest.importorskip("torch")
    err = _raised(case, torch)
    assert type(err) is case.exc, f"{type(err).__name__}: {err}"
    assert _torch_text(str(err)) == case.message


# ------------------------------------------------------------------ non-errors around the
# misuse cases: what happens instead (checked for jitgrad, and for torch when installed)

@pytest.fixture(params=["jitgrad", "torch"])
def lib(request):
    if request.param == "torch":
        return pytest.importorskip("torch")
    return jitgrad


def test_non_leaf_grad_warns_and_returns_none(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning) as record:
        g = y.grad
    assert g is None
    assert len(record) == 1
    assert _torch_text(str(record[0].message)) == NON_LEAF_GRAD


def test_retained_non_leaf_grad_does_not_warn(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad is None
        y.sum().backward()
        assert y.grad.tolist() == [1.0, 1.0]


def test_leaf_grad_does_not_warn(lib):
    x = lib.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None


def test_autograd_grad_allow_unused_returns_none(lib):
    x = lib.ones(2, requires_grad=True)
    y = lib.ones(2, requires_grad=True)
    gx, gy = lib.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    assert gx.tolist() == [2.0, 2.0]
    assert gy is None


def test_autograd_grad_materialize_grads_returns_zeros(lib):
    x = lib.ones(2, requires_grad=True)
    y = lib.ones(3, requires_grad=True)
    gx, gy = lib.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True)
    assert gx.tolist() == [2.0, 2.0]
    assert gy.tolist() == [0.0, 0.0, 0.0]


def test_backward_twice_with_retain_graph_accumulates(lib):
    x = lib.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 4.0, 4.0]


def test_requires_grad_false_on_int_tensor_is_allowed(lib):
    x = lib.tensor([1, 2])
    x.requires_grad = False
    assert x.requires_grad_(False) is x
    assert x.requires_grad is False


def test_requires_grad_false_on_no_grad_result_is_allowed(lib):
    # made under no_grad, the result is a leaf, so its flag may change
    x = lib.ones(2, requires_grad=True)
    with lib.no_grad():
        y = x * 2
    assert y.is_leaf
    y.requires_grad_(False)
    assert y.requires_grad is False


@pytest.mark.parametrize("base, exponent, expected", [
    ([1, 2, -1, -1, 3], [-1, -1, -1, -2, -2], [1, 0, -1, 1, 0]),
    (2, [-1, 3], [0, 8]),
], ids=["tensor_tensor", "scalar_tensor"])
def test_int_pow_negative_int_tensor_exponent_does_not_raise(lib, base, exponent, expected):
    # torch only rejects a negative *Python scalar* exponent; with a tensor
    # exponent it computes integer powers (1 ** -n = 1, (-1) ** -n = +-1, else 0)
    b = lib.tensor(base) if isinstance(base, list) else base
    assert (b ** lib.tensor(exponent)).tolist() == expected


def test_int_pow_negative_0d_tensor_exponent_does_not_raise(lib):
    r = lib.tensor(2) ** lib.tensor(-1)
    assert r.dtype == lib.int64
    assert r.item() == 0


def test_int_pow_float_negative_exponent_is_fine(lib):
    r = lib.tensor([4]) ** -0.5
    assert r.dtype == lib.float32
    assert r.tolist() == [0.5]

