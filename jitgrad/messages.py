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

DEEPCOPY_NON_LEAF = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol "
    "at the moment.  If you were attempting to deepcopy a module, this may be because of a "
    "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")

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

def modified_by_inplace(shape, np_dtype, producer, version, expected, anomaly=False):
    from .dtypes import from_numpy
    kind = {"Float": "FloatTensor", "Double": "DoubleTensor", "Long": "LongTensor",
            "Int": "IntTensor", "Bool": "BoolTensor"}[from_numpy(np_dtype)._torch_name]
    # torch 2.13 names the producing op without "Backward", keeping a version
    # digit other than 0: SigmoidBackward0 -> Sigmoid, EluBackward1 -> Elu1
    name = producer and re.sub(r"Backward([0-9]*)$",
                               lambda m: "" if m.group(1) in ("", "0") else m.group(1), producer)
    which = f", which is output 0 of {name}," if producer else ""
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [jitgrad.{kind} [{', '.join(str(s) for s in shape)}]]{which} "
            f"is at version {version}; expected version {expected} instead. Hint: "
            + ("the backtrace further above shows the operation that failed to compute its "
               "gradient. The variable in question was changed in there or anywhere later. "
               "Good luck!" if anomaly else
               "enable anomaly detection to find the operation that failed to compute its "
               "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."))


# ---- anomaly detection (torch.autograd.detect_anomaly)
ANOMALY_ENABLED = ("Anomaly Detection has been enabled. This mode will increase the runtime "
                   "and should only be enabled for debugging.")


def anomaly_error_detected(node_name, forward_stack):
    return (f"Error detected in {node_name}. Traceback of forward call that caused the "
            f"error:\n{forward_stack}")


def anomaly_no_forward(node_name):
    return (f"Error detected in {node_name}. No forward pass information available. Enable "
            "detect anomaly during forward pass for more information.")


def anomaly_returned_nan(node_name, index):
    return f"Function '{node_name}' returned nan values in its {index}th output."


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


# ---- shape ops and linear algebra (ops/shape_ops.py, ops/linalg.py, ops/einsum.py)

def _dims(shape):
    return ", ".join(str(s) for s in shape)


def _tensor_type(np_dtype):
    from .dtypes import from_numpy
    return "jitgrad." + {"Float": "FloatTensor", "Double": "DoubleTensor", "Long": "LongTensor",
                         "Int": "IntTensor", "Bool": "BoolTensor"}[from_numpy(np_dtype)._torch_name]


FLATTEN_ORDER = "flatten() has invalid args: start_dim cannot come after end_dim"
UNFLATTEN_EMPTY = "unflatten: sizes must be non-empty"


def unflatten_sizes(sizes, dim, size):
    return (f"unflatten: Provided sizes [{_dims(sizes)}] don't multiply up to the size of dim "
            f"{dim} ({size}) in the input tensor")


def unflatten_unexpected(inner):
    # torch appends its C++ stack trace after this
    return f"unflatten got an unexpected error:\n{inner}"


def no_dims(dim):
    return f"Dimension specified as {dim} but tensor has no dimensions"


def unflatten_0d(dim):
    return unflatten_unexpected(no_dims(dim))


def expand_too_few(np_dtype, shape, sizes):
    return (f"expand({_tensor_type(np_dtype)}{{[{_dims(shape)}]}}, size=[{_dims(sizes)}]): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})")


def expand_mismatch(target, existing, dim, sizes, shape):
    return (f"The expanded size of the tensor ({target}) must match the existing size "
            f"({existing}) at non-singleton dimension {dim}.  Target sizes: [{_dims(sizes)}].  "
            f"Tensor sizes: [{_dims(shape)}]")


def expand_new_dim_minus_one(dim):
    return (f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
            f"dimension {dim}")


NUMEL_OVERFLOW = "numel: integer multiplication overflow"
INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers "
                    "to a single memory location. Please clone() the tensor before performing the "
                    "operation.")
REPEAT_TOO_FEW = ("Number of dimensions of repeat dims can not be smaller than number of "
                  "dimensions of tensor")


def sequence_of_tensors(fname, got):
    return f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, not {got}"


def tensor_element(index, got, argument=0):
    return f"expected Tensor as element {index} in argument {argument}, but got {got}"


CAT_EMPTY = "jitgrad.cat(): expected a non-empty list of Tensors"


def cat_zero_dim(position):
    return f"zero-dimensional tensor (at position {position}) cannot be concatenated"


def cat_ndim(first, other):
    return f"Tensors must have same number of dimensions: got {first} and {other}"


def cat_sizes(dim, expected, got, index):
    return (f"Sizes of tensors must match except in dimension {dim}. Expected size {expected} "
            f"but got size {got} for tensor number {index} in the list.")


STACK_EMPTY = "stack expects a non-empty TensorList"


def stack_sizes(first, index, other):
    return (f"stack expects each tensor to be equal size, but got [{_dims(first)}] at entry 0 "
            f"and [{_dims(other)}] at entry {index}")


def split_needs_dims(fname):
    return f"{fname} expects at least a 1-dimensional tensor"


def split_size_zero(size):
    return f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"


def split_size_negative(size):
    return f"split expects split_size be non-negative, but got split_size={size}"


def split_sizes_sum(total, dim, sizes):
    return (f"split_with_sizes expects split_sizes to sum exactly to {total} (input tensor's "
            f"size at dimension {dim}), but got split_sizes=[{_dims(sizes)}]")


def split_sizes_negative(sizes):
    return ("split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes=[{_dims(sizes)}]")


def chunk_count(chunks):
    return f"chunk expects `chunks` to be greater than 0, got: {chunks}"


NARROW_0D = "narrow() cannot be applied to a 0-dim tensor."
NARROW_LENGTH = "narrow(): length must be non-negative."


def narrow_start(start, size):
    return f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"


def narrow_end(start, length, size):
    return f"start ({start}) + length ({length}) exceeds dimension size ({size})."


GATHER_INDEX_DTYPE = "gather(): Expected dtype int32/int64 for index"
GATHER_INDEX_NDIM = "Index tensor must have the same number of dimensions as input tensor"


def gather_index_size(dim, index_shape, shape, gather_dim):
    return (f"Size does not match at dimension {dim} expected index [{_dims(index_shape)}] to "
            f"be no larger than self [{_dims(shape)}] apart from dimension {gather_dim}")


def index_out_of_bounds(value, dim, size):
    return f"index {value} is out of bounds for dimension {dim} with size {size}"


INDEX_SELECT_DTYPE = "index_select(): Expected dtype int32 or int64 for index"
INDEX_SELECT_VECTOR = "index_select(): Index is supposed to be a vector"
INDEX_SELECT_SCALAR_RANGE = "index out of range in self"


def index_select_scalar(count):
    return f"index_select(): Index to scalar can have only 1 value, got {count} value(s)"


def index_select_bounds(value, size):
    return f"INDICES element is out of DATA bounds, id={value} axis_dim={size}"


def masked_fill_mask_dtype(c_name):
    return f"masked_fill_ only supports boolean masks, but got mask with dtype {c_name}"


def masked_fill_value_dim(ndim):
    return ("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{ndim} dimension(s).")


def masked_fill_arguments(mask_type, value_type):
    return (f"masked_fill() received an invalid combination of arguments - got ({mask_type}, "
            f"{value_type}), but expected one of:\n * (Tensor mask, Tensor value)\n"
            " * (Tensor mask, Number value)\n")


def dot_1d(ndim_a, ndim_b):
    return f"1D tensors expected, but got {ndim_a}D and {ndim_b}D tensors"


DOT_BOOL = "\"dot\" not implemented for 'Bool'"


def mv_ranks(mat_ndim, vec_ndim):
    return f"vector + matrix @ vector expected, got 1, {mat_ndim}, {vec_ndim}"


def bmm_3d(which):
    return f"{which} must be a 3D tensor"


def mT_needs_matrices(ndim):
    return f"tensor.mT is only supported on matrices or batches of matrices. Got {ndim}-D tensor."


def outer_1d(which, ndim):
    return f"outer: Expected 1-D argument {which}, but got {ndim}-D"


def addmm_matrix(which, ndim):
    return f"{which} must be a matrix, got {ndim}-D tensor"


def addmm_dtypes(which, a_name, b_name):
    return f"{which} and mat2 must have the same dtype, but got {a_name} and {b_name}"


EINSUM_NO_OPERANDS = ("einsum(): must specify the equation string and at least one operand, "
                      "or at least one operand and its subscripts list")
EINSUM_FEWER = "einsum(): fewer operands were provided than specified in the equation"
EINSUM_MORE = "einsum(): more operands were provided than specified in the equation"


def einsum_subscript(index):
    return (f"einsum(): invalid subscript given at index {index} in the equation string, "
            "subscripts must be in [a-zA-Z]")


def einsum_dot(operand):
    return f"einsum(): found '.' for operand {operand} that is not part of any ellipsis"


def einsum_two_ellipses(operand):
    return f"einsum(): found '.' for operand {operand} for which an ellipsis was already found"


EINSUM_OUTPUT_TWO_ELLIPSES = "einsum(): found '.' for output but an ellipsis (...) was already found"
EINSUM_OUTPUT_DOT = "einsum(): found '.' for output that is not part of any ellipsis (...)"


def einsum_ndim(n_subscripts, ndim, operand):
    return (f"einsum(): the number of subscripts in the equation ({n_subscripts}) does not match "
            f"the number of dimensions ({ndim}) for operand {operand} and no ellipsis was given")


def einsum_ndim_ellipsis(n_subscripts, ndim, operand):
    return (f"einsum(): the number of subscripts in the equation ({n_subscripts}) is more than "
            f"the number of dimensions ({ndim}) for operand {operand}")


def einsum_size(label, size, operand, seen):
    return (f"einsum(): subscript {label} has size {size} for operand {operand} which does not "
            f"broadcast with previously seen size {seen}")


def einsum_ellipsis_size(dim, operand, size, seen):
    # torch's text lacks the space before "has"
    return (f"einsum(): dimension {dim} covered by ellipsis in operand {operand}has size {size} "
            f"which does not broadcast with previously seen ellipsis with size {seen} for the "
            "respective dimension")


def einsum_output_unknown(label):
    return (f"einsum(): output subscript {label} does not appear in the equation for any input "
            "operand")


def einsum_output_repeated(label):
    return f"einsum(): output subscript {label} appears more than once in the output"


def einsum_unsupported(equation):
    return (f"einsum(): the equation '{equation}' repeats a subscript within one operand "
            "(a diagonal or trace), which jitgrad does not support")


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
    "floor": (NotImplementedError, "\"floor_vml_cpu\" not implemented for 'Bool'"),
    "ceil": (NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    "round": (NotImplementedError, "\"round_vml_cpu\" not implemented for 'Bool'"),
    "trunc": (NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
}

# elementwise ops torch computes for floating results only: op name -> the kernel its
# NotImplementedError names (with the integer or bool dtype: not_implemented_for)
FLOAT_ONLY_KERNEL = {"frac": "frac_cpu", "hypot": "hypot_cpu", "logaddexp": "logaddexp_cpu",
                     "logaddexp2": "logaddexp2_cpu"}


# ---- lerp, addcmul, addcdiv, nan_to_num, heaviside (ops/pointwise_extra.py)

ADDCDIV_INTEGER = ("Integer division with addcdiv is no longer supported, and in a future  "
                   "release addcdiv will perform a true division of tensor1 and tensor2. The "
                   "historic addcdiv behavior can be implemented as (input + value * "
                   "jitgrad.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                   "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
                   "behavior is just the latter implementation: (input + value * tensor1 / "
                   "tensor2), for all dtypes.")
HEAVISIDE_DTYPES = "heaviside is not yet implemented for tensors with different dtypes."


def lerp_dtype(arg, expected_c_name, got_c_name):
    return f"expected dtype {expected_c_name} for `{arg}` but got dtype {got_c_name}"


# ---- pointwise ops: clamp, where, softplus, round(decimals) (ops/pointwise.py)

CLAMP_NO_BOUNDS = "torch.clamp: At least one of 'min' or 'max' must not be None"


def clamp_bool(which):
    # which: "clamp", "clamp_min" or "clamp_max" (the kernel torch names)
    return f"\"{which}_scalar_cpu\" not implemented for 'Bool'"


def where_condition_dtype(torch_name):
    return f"where expected condition to be a boolean tensor, but got a tensor with dtype {torch_name}"


def not_implemented_kernel(kernel, torch_name):
    return f"\"{kernel}\" not implemented for '{torch_name}'"


def scalar_overflow(c_name):
    return f"value cannot be converted to type {c_name} without overflow"


def must_be(fname, arg, expected, value, position=None):
    where = f" (position {position})" if position is not None else ""
    return f"{fname}(): argument '{arg}'{where} must be {expected}, not {_type_name(value)}"


COMPLEX_UNSUPPORTED = "jitgrad has no complex dtypes: complex values are not supported"


INT64_OVERFLOW = "Overflow when unpacking long long"
# ---- numpy interop: Tensor.numpy / __array__, from_numpy, tensor(ndarray)
NUMPY_REQUIRES_GRAD = ("Can't call numpy() on Tensor that requires grad. "
                       "Use tensor.detach().numpy() instead.")
# numpy's own text: np.asarray(t, copy=False) (torch's __array__ takes no ``copy``)
NUMPY_COPY_FALSE = (
    "Unable to avoid copy while creating an array as requested.\n"
    "If using `np.array(obj, copy=False)` replace it with `np.asarray(obj)` to allow a copy "
    "when needed (no behavior change in NumPy 1.x).\n"
    "For more details, see https://numpy.org/devdocs/numpy_2_0_migration_guide.html"
    "#adapting-to-changes-in-the-copy-keyword.")
FROM_NUMPY_NEGATIVE_STRIDES = (
    "At least one stride in the given numpy array is negative, and tensors with negative "
    "strides are not currently supported. (You can probably work around this by making a "
    "copy of your array  with array.copy().) ")
FROM_NUMPY_STRIDES_NOT_MULTIPLE = ("given numpy array strides not a multiple of the element "
                                   "byte size. Copy the numpy array to reallocate the memory.")
ITER_0D = "iteration over a 0-d tensor"
INIT_ZERO_ELEMENT = "Initializing zero-element tensors is a no-op"
INT_TOO_BIG = "int too big to convert"
ARANGE_SIGN = "upper bound and lower bound inconsistent with step sign"
ARANGE_STEP = "step must be nonzero"


def arange_range(start, end):
    return f"unsupported range: {float(start):g} -> {float(end):g}"


def cant_assign(value, tensor_type):
    return f"can't assign a {_type_name(value)} to a {tensor_type}"


def fill_value_dim(ndim):
    return f"fill_ only supports 0-dimension value tensor but got tensor with {ndim} dimensions."


def fill_arguments(value):
    t = _type_name(value)
    return invalid_combination("fill_", f"({t})", [
        ("(Tensor value)", f"some of the arguments have invalid types: (!{t}!)"),
        ("(Number value)", f"some of the arguments have invalid types: (!{t}!)")])


def compare_arguments(fname, got):
    return invalid_combination(fname, f"({got})", [
        ("(Tensor input, Tensor other, *, Tensor out = None)", None),
        ("(Tensor input, Number other, *, Tensor out = None)", None)])


def rsub_arguments(got):
    return invalid_combination("rsub", f"({got})", [
        ("(Tensor input, Tensor other, *, Number alpha = 1)", None),
        ("(Tensor input, Number other, Number alpha = 1)", None)])


def unpack_ints(fname, arg, pos, error):
    return (f"{fname}(): argument '{arg}' failed to unpack the object at pos {pos} with error "
            f"\"{error}\"")


def module_to_dtype(d):
    return ("nn.Module.to only accepts floating point or complex dtypes, but got desired "
            f"dtype={d!r}")


def unsupported_operand(symbol, a, b):
    return (f"unsupported operand type(s) for {symbol}: '{_type_name(a)}' and "
            f"'{_type_name(b)}'")


def tensor_data_type(type_name):
    return f"new(): invalid data type '{type_name}'"


def linspace_arguments(got):
    tail = ("int steps, *, Tensor out = None, jitgrad.dtype dtype = None, jitgrad.layout layout "
            "= None, jitgrad.device device = None, bool pin_memory = False, bool requires_grad "
            "= False)")
    return invalid_combination("linspace", got, [
        (f"({a} start, {b} end, {tail}", None)
        for a, b in (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"),
                     ("Number", "Number"))])


def dtype_argument(fname, value):
    """A ``dtype`` argument that is not a dtype (torch: ``zeros(): argument
    'dtype' must be torch.dtype, not str``)."""
    where = f"{fname}(): " if fname else ""
    return f"{where}argument 'dtype' must be jitgrad.dtype, not {_type_name(value)}"


def _type_name(value):
    """A value's type as torch's argument parser prints it: the class name, with
    ``numpy.`` before numpy's types (``numpy.ndarray``), as their C names read."""
    t = type(value)
    return f"numpy.{t.__name__}" if (t.__module__ or "").split(".")[0] == "numpy" \
        else t.__name__


def invalid_combination(fname, got, options):
    """torch's argument parser refusing every overload: ``got`` describes the
    arguments, ``options`` is a list of (signature, mismatch line or None)."""
    lines = [f"{fname}() received an invalid combination of arguments - got {got}, "
             "but expected one of:"]
    for signature, mismatch in options:
        lines.append(f" * {signature}")
        if mismatch is not None:
            lines.append(f"      didn't match because {mismatch}")
    return "\n".join(lines) + "\n"


def logical_reduction_args(fname, got):
    """any()/all() called with arguments no overload takes (``got``: their type names)."""
    return invalid_combination(fname, "(" + ", ".join(got) + ")", [
        ("(Tensor input, *, Tensor out = None)", None),
        ("(Tensor input, tuple of ints dim = None, bool keepdim = False, *, Tensor out = None)",
         None),
        ("(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)", None)])


# ---- nn.functional: activations, softmax, dropout, linear, losses

def not_implemented_for(kernel_name, torch_name):
    return f"\"{kernel_name}\" not implemented for '{torch_name}'"


def implicit_softmax_dim(name):
    return (f"Implicit dimension choice for {name} has been deprecated. Change the call to "
            "include dim=X as an argument.")


GELU_APPROXIMATE = "approximate argument must be either none or tanh."

INPLACE_LEAKY_RELU_NEGATIVE_SLOPE = (
    "In-place leakyReLu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead. File an issue at "
    "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward "
    "calculation with negative slope")

INPLACE_ELU_NEGATIVE_ALPHA = (
    "In-place elu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead.")


def dropout_probability(p):
    return f"dropout probability has to be between 0 and 1, but got {p}"


def arg_must_be(fname, arg, position, value, expected="Tensor"):
    return (f"{fname}(): argument '{arg}' (position {position}) must be {expected}, "
            f"not {_type_name(value)}")


def linear_dims(ndim_input, ndim_weight):
    return (f"both arguments to linear need to be at least 1D, but they are {ndim_input}D "
            f"and {ndim_weight}D")


MAT2_1D = "mat2 must be a matrix, got 1-D tensor"


def expand_size(target, existing, dim):
    return (f"The expanded size of the tensor ({target[dim]}) must match the existing size "
            f"({existing[dim - len(target) + len(existing)]}) at non-singleton dimension {dim}.  "
            f"Target sizes: [{', '.join(map(str, target))}].  "
            f"Tensor sizes: [{', '.join(map(str, existing))}]")


def expand_ndim(type_name, existing, target):
    return (f"expand(jitgrad.{type_name}{{[{', '.join(map(str, existing))}]}}, "
            f"size=[{', '.join(map(str, target))}]): the number of sizes provided "
            f"({len(target)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(existing)})")


def target_size_warning(target_size, input_size):
    return (f"Using a target size ({target_size}) that is different to the input size "
            f"({input_size}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.")


def legacy_reduction(reduction):
    return (f"size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.")


ELEMENTWISE_MEAN = ("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                    "instead.")

WEIGHTS_SIZE = "Weights and input must have the same size."


def invalid_reduction_mode(reduction):
    return f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'."


SMOOTH_L1_NEGATIVE_BETA = "smooth_l1_loss does not support negative values for beta."


def bce_target_size_deprecated(target_size, input_size):
    return (f"Using a target size ({target_size}) that is different to the input size "
            f"({input_size}) is deprecated. Please ensure they have the same size.")


BCE_INPUT_RANGE = "all elements of input should be between 0 and 1"
BCE_TARGET_RANGE = "all elements of target should be between 0 and 1"


def found_dtype(found, expected):
    return f"Found dtype {found} but expected {expected}"


def not_differentiable(fname, arg):
    return (f"The function '{fname}' is not differentiable with respect to argument '{arg}'. "
            "This input cannot have requires_grad True.")


def broadcast_shapes_dim(length, index, arg_index, arg_size, shape):
    return (f"Attempting to broadcast a dimension of length {length} at {index}! Mismatching "
            f"argument at index {arg_index} had {arg_size}; but expected shape should be "
            f"broadcastable to [{', '.join(map(str, shape))}]")


def expected_dims(ndim):
    return f"Expected 1 or more dimensions (got {ndim})"


def batch_size_mismatch(input_n, target_n):
    return f"Expected input batch_size ({input_n}) to match target batch_size ({target_n})."


MULTI_TARGET = "0D or 1D target tensor expected, multi-target not supported"


def target_dtype(torch_name):
    return f"expected target dtype to be Long or Byte, but got {torch_name}"


def one_d_target_size(size):
    return f"For 1D input, 1D target must have size 1, but got target size: {size}"


def nll_weight_shape(n_classes, shape, prefix=""):
    return (f"{prefix}weight tensor should be defined either for all {n_classes} classes or no "
            f"classes but got weight tensor of shape: [{', '.join(map(str, shape))}]")


NLL2D_WEIGHT = "weight tensor should be defined either for all or no classes"


def spatial_target_dims(ndim):
    return ("only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {ndim}")


def spatial_size_mismatch(input_shape, target_shape):
    # (sic: torch's message has no closing parenthesis)
    return (f"size mismatch (got input: [{', '.join(map(str, input_shape))}] , target: "
            f"[{', '.join(map(str, target_shape))}]")


def expected_target_size(expected, got):
    return (f"Expected target size [{', '.join(map(str, expected))}], got "
            f"[{', '.join(map(str, got))}]")


def expected_scalar_type(expected, found):
    return f"expected scalar type {expected} but found {found}"


def target_out_of_bounds(t):
    return f"Target {t} is out of bounds."


def prob_target_dtype(torch_name):
    return f"Expected floating point type for target with class probabilities, got {torch_name}"


PROB_TARGET_IGNORE_INDEX = "ignore_index is not supported for floating point target"


def label_smoothing_range(value):
    return f"label_smoothing must be between 0.0 and 1.0. Got: {value:g}"


def no_dimensions(dim):
    return f"Dimension specified as {dim} but tensor has no dimensions"


ONE_HOT_DTYPE = "one_hot is only applicable to index tensor of type LongTensor."
ONE_HOT_NEGATIVE = "Class values must be non-negative."
ONE_HOT_TOO_SMALL = "Class values must be smaller than num_classes."
ONE_HOT_EMPTY = "Can not infer total number of classes from empty tensor."


# ---- reductions: max/min/amax/amin/argmax/argmin, prod, var/std, logsumexp, cumsum

def reduction_dim_unspecified(name):
    return (f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.")


def arg_reduction_dim_unspecified(name):
    return f"{name}(): Expected reduction dim to be specified for input.numel() == 0."


def reduction_dim_empty(name, dim):
    return f"{name}(): Expected reduction dim {dim} to have non-zero size."


def arg_bool(name):
    return f"{name}(): does not support bool input"


VAR_NOT_FLOAT = "std and var only support floating point and complex dtypes"


def var_mean_not_float(name):
    return f"{name} only support floating point and complex dtypes"


def dof_warning(name):
    return (f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel).")


def autograd_dtype(torch_name):
    return f"Autograd not support dtype: {torch_name}"


def dim_must_be_int(name, type_name):
    return f"{name}(): argument 'dim' must be int, not {type_name}"


def dim_must_be_int_tuple(name, type_name):
    return f"{name}(): argument 'dim' must be tuple of ints, not {type_name}"


def missing_dim(name):
    return f'{name}() missing 1 required positional arguments: "dim"'


# ---- sorting and selection: sort/argsort/msort/topk (ops/selection.py), tril/triu, flip,
# roll (ops/structure.py)

TOPK_K_RANGE = "selected index k out of range"
TOPK_BOOL = "topk does not support bool dtypes on CPU"
FLIPLR_DIMS = "Input must be >= 2-d."
FLIPUD_DIMS = "Input must be >= 1-d."
ROLL_SHIFTS_REQUIRED = "`shifts` required"


def missing_argument(fname, arg):
    return f'{fname}() missing 1 required positional arguments: "{arg}"'


def tril_dims(name):
    return f"{name}: input tensor must have at least 2 dimensions"


def roll_align(n_shifts, n_dims):
    return f"shifts and dimensions must align. shifts: {n_shifts}, dims:{n_dims}"


def tri_indices_negative(arg, value):
    return f"{arg} must be non-negative, got{value}"


def positional_count(fname, low, high, got):
    # torch's parser, when only one overload could take the arguments (its bounds read oddly)
    return f"{fname}() takes from {low} to {high} positional arguments but {got} were given"


def unexpected_keyword(fname, name):
    return f"{fname}() got an unexpected keyword argument '{name}'"


def sort_arguments(fname, method, got, mismatch=None):
    """sort()/argsort() with arguments neither overload takes (``method``: Tensor.sort)."""
    if method:
        options = ["(*, bool stable, int dim = -1, bool descending = False)",
                   "(int dim = -1, bool descending = False)"]
    else:
        out = "tuple of Tensors out" if fname == "sort" else "Tensor out"
        options = [f"(Tensor input, *, bool stable, int dim = -1, bool descending = False, "
                   f"{out} = None)",
                   "(Tensor input, int dim = -1, bool descending = False"
                   + (", *, tuple of Tensors out = None)" if fname == "sort" else ")")]
    return invalid_combination(fname, got, [(options[0], None), (options[1], mismatch)])


MAXIMUM_MISSING = ("max(input, other) is the elementwise maximum, and jitgrad has no "
                   "`maximum` op yet")
MINIMUM_MISSING = ("min(input, other) is the elementwise minimum, and jitgrad has no "
                   "`minimum` op yet")


def var_arguments(name, got):
    return (f"{name}() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n"
            " * (Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, "
            "*, Tensor out = None)\n"
            " * (Tensor input, tuple of ints dim = None, *, Number correction = None, "
            "bool keepdim = False, Tensor out = None)\n"
            " * (Tensor input, bool unbiased = True)\n")


def prod_arguments(got):
    return invalid_combination("prod", f"({got})", [
        ("(Tensor input, *, jitgrad.dtype dtype = None)", None),
        ("(Tensor input, int dim, bool keepdim = False, *, jitgrad.dtype dtype = None, "
         "Tensor out = None)", None)])


def squeeze_arguments(got, bad_type="NoneType"):
    bad = f"some of the arguments have invalid types: (Tensor, !{bad_type}!)"
    return invalid_combination("squeeze", f"({got})", [
        ("(Tensor input)", None), ("(Tensor input, int dim)", bad),
        ("(Tensor input, tuple of ints dim)", bad)])


def sum_mean_arguments(fname, got):
    out = ", Tensor out = None" if fname == "mean" else ""
    return invalid_combination(fname, f"({got})", [
        (f"(Tensor input, *, jitgrad.dtype dtype = None{out})", None),
        ("(Tensor input, tuple of ints dim, bool keepdim = False, *, jitgrad.dtype dtype = None, "
         "Tensor out = None)", None)])


def round_arguments(got):
    return invalid_combination("round", f"({got})", [
        ("(Tensor input, *, Tensor out = None)", None),
        ("(Tensor input, *, int decimals, Tensor out = None)", None)])


def max_min_arguments(name, got):
    return (f"{name}() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n"
            " * (Tensor input, *, Tensor out = None)\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n")


# ---- random numbers (jitgrad/random.py)

def manual_seed_type(type_name):
    return f"manual_seed expected a long, but got {type_name}"


SEED_OVERFLOW = "Overflow when unpacking long long"
RNG_STATE_TYPE = "RNG state must be a torch.ByteTensor"
INVALID_MT_STATE = "Invalid mt19937 state"


def rng_state_size(expected, got):
    return (f"Expected a CPUGeneratorImplState of size {expected} but found the input RNG "
            f"state size to be {got}")


def invalid_arguments(fname, got, signatures):
    """torch's argument parser refusing a call; ``signatures`` is its list of
    overloads, one `` * (...)\\n`` line each."""
    return (f"{fname}() received an invalid combination of arguments - got ({got}), but "
            f"expected one of:\n{signatures}")


def argument_type(fname, arg, expected, got, position=None):
    where = f" (position {position})" if position is not None else ""
    return f"{fname}(): argument '{arg}'{where} must be {expected}, not {got}"


_FACTORY_TAIL = ("Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
                 "torch.device device = None, bool pin_memory = False, "
                 "bool requires_grad = False)\n")


def _factory_overloads(head):
    return (f" * ({head}, *, torch.Generator generator, {_FACTORY_TAIL}"
            f" * ({head}, *, {_FACTORY_TAIL}")


SIZE_SIGNATURES = _factory_overloads("tuple of ints size")
RANDPERM_SIGNATURES = _factory_overloads("int n")
RANDINT_SIGNATURES = (_factory_overloads("int high, tuple of ints size")
                      + _factory_overloads("int low, int high, tuple of ints size"))
_LIKE_TAIL = ("torch.memory_format memory_format = None, torch.dtype dtype = None, "
              "torch.layout layout = None, torch.device device = None, "
              "bool pin_memory = False, bool requires_grad = False)\n")
LIKE_SIGNATURES = (" * (Tensor input, *, torch.Generator generator, " + _LIKE_TAIL
                   + " * (Tensor input, *, " + _LIKE_TAIL)
BERNOULLI_SIGNATURES = (" * (Tensor input, *, torch.Generator generator = None, "
                        "Tensor out = None)\n"
                        " * (Tensor input, float p, *, torch.Generator generator = None)\n")
BERNOULLI__SIGNATURES = (" * (Tensor p, *, torch.Generator generator = None)\n"
                         " * (float p = 0.5, *, torch.Generator generator = None)\n")


def random_from_to(low, high):
    return f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"


def random_from_to_inc(low, to_inc):
    return ("random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
            f"to dtype, but got from={low} > to_inc={to_inc}")


def too_many_positional(fname, most, got):
    return f"{fname}() takes {most} positional arguments but {got} were given"


RANDOM_FULL_RANGE = ("random_full_64_bits_range_kernel_cpu handles only int64, double, float "
                     "and bfloat16")
_RANDOM__OVERLOADS = (" * (*, torch.Generator generator = None)\n{}"
                      " * (int from, int to, *, torch.Generator generator = None)\n"
                      " * (int to, *, torch.Generator generator = None)\n")
RANDOM__SIGNATURES = _RANDOM__OVERLOADS.format("")
# the parser's note when random_(int, generator=<not a Generator>) fails
RANDOM__SIGNATURES_KEYWORD = _RANDOM__OVERLOADS.format(
    "      didn't match because some of the keywords were incorrect: generator\n")


def random_from_to_cast(low, high):
    return ("random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but "
            f"got from={low} >= to={high}")


def out_of_bounds(name, c_name):
    return f"{name} is out of bounds for {c_name}"


def random_precision(name, digits, c_name):
    return (f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
            f"limitations {c_name} can support discrete uniform distribution only within this "
            "range. This warning will become an error in version 1.7 release, please fix the "
            "code in advance")


def convert_overflow(c_name):
    return f"value cannot be converted to type {c_name} without overflow"


def randperm_precision(limit, torch_name):
    return f"n cannot be greater than {limit} for {torch_name} type."


# C++ streams print doubles as %g does
def uniform_range(low, high):
    return f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}"


def uniform_span(torch_name, low, high):
    return (f"uniform_ expects to-from <= std::numeric_limits<{torch_name}>::max(), but found "
            f"to={high:g} and from={low:g} which result in to-from to exceed the limit")


def normal_std(std):
    return f"normal expects std >= 0.0, but found std {std:g}"


def bernoulli_p(p):
    return f"bernoulli_ expects p to be in [0, 1], but got p={p:g}"


BERNOULLI_P_IN = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                  "error message be improved?  If so, please report an enhancement request "
                  "to PyTorch.)")
BERNOULLI_NO_DERIVATIVE = "derivative for aten::bernoulli is not implemented"


def exponential_lambda(lambd):
    return f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}"


def exponential_dtype(torch_name):
    return ("Exponential distribution is a continuous probability distribution. dtype must be "
            f"a floating point but you specified {torch_name}")


def parser_positional_count(fname, low, high, got):
    """torch's parser: more positional arguments than the signature takes."""
    return f"{fname}() takes from {low} to {high} positional arguments but {got} were given"


def parser_missing(fname, arg):
    return f'{fname}() missing 1 required positional arguments: "{arg}"'


def parser_unexpected_keyword(fname, name):
    return f"{fname}() got an unexpected keyword argument '{name}'"


MULTINOMIAL_DIMS = "prob_dist must be 1 or 2 dim"


def multinomial_dtype(torch_name):
    return f"multinomial only supports floating-point dtypes for input, got: {torch_name}"


MULTINOMIAL_N_SAMPLE = "cannot sample n_sample <= 0 samples"
MULTINOMIAL_TOO_MANY = ("cannot sample n_sample > prob_dist.size(-1) samples without "
                        "replacement")
MULTINOMIAL_CATEGORIES = "number of categories cannot exceed 2^24"
MULTINOMIAL_INVALID = "probability tensor contains either `inf`, `nan` or element < 0"
MULTINOMIAL_SUM = "invalid multinomial distribution (sum of probabilities <= 0)"
MULTINOMIAL_NEGATIVE = "invalid multinomial distribution (encountering probability entry < 0)"
MULTINOMIAL_NONFINITE = ("invalid multinomial distribution (encountering probability entry = "
                         "infinity or NaN)")
# multinomial's validity check runs aminmax over the whole input
AMINMAX_EMPTY = ("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                 "has no identity.")


def state_dict_shape(key, checkpoint_shape, own_shape):
    return (f"size mismatch for {key}: copying a param with shape {checkpoint_shape} from "
            f"checkpoint, the shape in current model is {own_shape}.")


# ---------------------------------------------------------------- jitgrad.optim
# (torch.optim's wording; optim/optimizer.py, optim/lr_scheduler.py)
OPTIM_EMPTY_PARAMS = "optimizer got an empty parameter list"
OPTIM_PARAMS_SET = ("optimizer parameters need to be organized in ordered collections, but the "
                    "ordering of tensors in sets will change between runs. Please use a list "
                    "instead.")
OPTIM_NAMES_MISSING = ("all optimizer params should be with/without names. Some param names "
                       "are missing")
OPTIM_NON_LEAF = "can't optimize a non-leaf Tensor"
OPTIM_DUPLICATE_PARAMS = ("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information")
OPTIM_DISJOINT = "some parameters appear in more than one parameter group"
OPTIM_GROUP_COUNT = "loaded state dict has a different number of parameter groups"
OPTIM_GROUP_SIZE = ("loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group")
OPTIM_TENSOR_LR = "Tensor lr must be 1-element"
OPTIM_NESTEROV = "Nesterov momentum requires a momentum and zero dampening"
OPTIM_FUSED_DIFFERENTIABLE = "`fused` does not support `differentiable`"
OPTIM_FUSED_FOREACH = "`fused` and `foreach` cannot be `True` together."
OPTIM_BETAS_TYPES = "betas must be either both floats or both Tensors"
OPTIM_CAPTURABLE = ("If capturable=True, params and state_steps must be on supported devices: "
                    "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")


def optim_params_tensor(typename):
    return ("params argument given to the optimizer should be an iterable of Tensors or dicts, "
            "but got " + typename)


def optim_group_type(group_type):
    return f"param_group must be a dict, but got {group_type}"


def optim_not_tensor(typename):
    return "optimizer can only optimize Tensors, but one of the params is " + typename


def optim_required(name):
    return f"parameter group didn't specify a value of required optimization parameter {name}"


def optim_names_mixed(txt):
    return ("all optimizer param groups should be with/without names. cannot add param group "
            f"{txt} to the optimizer")


def optim_tensor_beta(i):
    return f"Tensor betas[{i}] must be 1-element"


def optim_invalid(what, value):
    # what: "learning rate", "momentum value", "epsilon value", "beta parameter at index 0", ...
    return f"Invalid {what}: {value}"


def optim_state_mismatch(name, shape, dtype, found):
    # jitgrad's own: torch fails inside its update ops with their own messages
    return (f"{name}: the optimizer state of a parameter of shape {shape} and dtype {dtype} "
            f"does not match it ({found}); load a state dict saved for these parameters")


SCHED_GET_LR = ("To get the last learning rate computed by the scheduler, please use "
                "`get_last_lr()`.")
SCHED_STEP_OVERRIDDEN = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")
SCHED_STEP_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
    "value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")
SCHED_EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose.")


def sched_not_optimizer(type_name):
    return f"{type_name} is not an Optimizer"


def sched_initial_lr(i):
    return (f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler "
            "with last_epoch >= 0.\n"
            "This typically happens when:\n"
            "1. You're trying to resume training from a checkpoint but haven't properly loaded "
            "the optimizer state\n"
            "2. You're using last_epoch >= 0 for a fresh training run (not recommended)")


def sched_lambdas_count(expected, got):
    return f"Expected {expected} lr_lambdas, but got {got}"


# ---------------------------------------------------------------- jitgrad.utils.data
# (torch.utils.data's wording)
NUM_WORKERS_NEGATIVE = ("num_workers option should be non-negative; use num_workers=0 to "
                        "disable multiprocessing.")
TIMEOUT_NEGATIVE = "timeout option should be non-negative"
PREFETCH_NEEDS_WORKERS = ("prefetch_factor option could only be specified in multiprocessing."
                          "let num_workers > 0 to enable multiprocessing, otherwise set "
                          "prefetch_factor to None.")
PREFETCH_NEGATIVE = "prefetch_factor option should be non-negative"
PERSISTENT_NEEDS_WORKERS = "persistent_workers option needs num_workers > 0"
SAMPLER_SHUFFLE = "sampler option is mutually exclusive with shuffle"
BATCH_SAMPLER_EXCLUSIVE = ("batch_sampler option is mutually exclusive with batch_size, "
                           "shuffle, sampler, and drop_last")
BATCH_SIZE_NONE_DROP_LAST = ("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
SINGLE_PROCESS_TIMEOUT = "_SingleProcessDataLoaderIter requires timeout == 0"
PIN_MEMORY_NO_ACCELERATOR = ("'pin_memory' argument is set as true but no accelerator is "
                             "found, then device pinned memory won't be used.")
TENSOR_SIZE_MISMATCH = "Size mismatch between tensors"
DATASET_GETITEM = "Subclasses of Dataset should implement __getitem__."
SPLIT_SUM = "Sum of input lengths does not equal the length of the input dataset!"
CONCAT_EMPTY = "datasets should not be an empty iterable"
CONCAT_ITERABLE = "ConcatDataset does not support IterableDataset"
CONCAT_INDEX = "absolute value of index should not exceed dataset length"
CHAIN_ITERABLE = "ChainDataset only supports IterableDataset"
COLLATE_EQUAL_SIZE = "each element in list of batch should be of equal size"
WORKER_PICKLE_ERROR = (
    "Got pickle error when attempting to start a worker Process. This might be because the "
    "worker Process arguments are not picklable. Python 3.14+ changed the multiprocessing "
    "start method in non-Mac POSIX platforms to 'forkserver', which requires the worker "
    "Process arguments to be picklable. You can also try multiprocessing.set_start_method"
    "('fork').")


MP_ITER_NUM_WORKERS = "num_workers must be greater than 0 for MultiProcessingDataLoaderIter"
MP_ITER_PREFETCH = "prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter"
MP_ITER_STATE = ("Invalid iterator state: shutdown or no outstanding tasks when fetching next "
                 "data")
MP_ITER_TASKS = "Number of outstanding tasks exceeded maximum allowed tasks"
# torch's text, with its format arguments passed as a second exception argument
ITER_CANNOT_PICKLE = "{} cannot be pickled"


def loader_timed_out(timeout):
    return f"DataLoader timed out after {timeout} seconds"


def loader_workers_exited(pids):
    return f"DataLoader worker (pid(s) {', '.join(str(p) for p in pids)}) exited unexpectedly"


def worker_exception(type_name, where, formatted_traceback):
    # where: "in DataLoader worker process <id>"; formatted_traceback:
    # traceback.format_exception's text, "Traceback (most recent call last):..."
    return f"Caught {type_name} {where}.\nOriginal {formatted_traceback}"


def out_requires_grad(op):
    return (f"{op}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.")


def iterable_dataset_option(name, value):
    return (f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
            f"{name}={value}")


def loader_attribute_frozen(attr, cls_name):
    return f"{attr} attribute should not be set after {cls_name} is initialized"


def mp_context_start_method(methods, value):
    return ("multiprocessing_context option should specify a valid start method in "
            f"{methods!r}, but got multiprocessing_context={value!r}")


def mp_context_type(value):
    return ("multiprocessing_context option should be a valid context object or a string "
            f"specifying the start method, but got multiprocessing_context={value}")


def mp_context_needs_workers(num_workers):
    return ("multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}")


def pin_memory_device_deprecated(device):
    return ("pin_memory_device is deprecated, the current accelerator will be used as the "
            f"device,ignore pin_memory_device='{device}'.")


def too_many_workers(suggest, created, cpuset_checked):
    if suggest is not None:
        detail = (f"Our suggested max number of worker in current system is {suggest}"
                  f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, "
                  "which is smaller than what this DataLoader is going to create.")
    else:
        detail = ("DataLoader is not able to compute a suggested max number of worker in "
                  "current system.")
    return (f"This DataLoader will create {created} worker processes in total. {detail} "
            "Please be aware that excessive worker creation might get DataLoader running slow "
            "or even freeze, lower the worker number to avoid potential slowness/freeze if "
            "necessary.")


def iterable_dataset_length(dataset, reported, fetched, num_workers):
    msg = (f"Length of IterableDataset {dataset} was reported to be {reported}(when accessing "
           f"len(dataloader)), but {fetched} samples have been fetched. ")
    if num_workers > 0:
        msg += ("For multiprocessing data-loading, this could be caused by not properly "
                "configuring the IterableDataset replica at each worker. Please see "
                "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                "for examples.")
    return msg


def sampler_replacement(value):
    return f"replacement should be a boolean value, but got replacement={value}"


def sampler_num_samples(value):
    return f"num_samples should be a positive integer value, but got num_samples={value}"


def sampler_batch_size(value):
    return f"batch_size should be a positive integer value, but got batch_size={value}"


def sampler_drop_last(value):
    return f"drop_last should be a boolean value, but got drop_last={value}"


def subset_getitems(cls_name):
    return (f"{cls_name} overrides __getitem__ but not __getitems__. When subclassing Subset "
            "and overriding __getitem__, you must also override __getitems__ to ensure "
            "DataLoader works correctly with your custom logic. A simple implementation:\n\n"
            "def __getitems__(self, indices):\n"
            "    return [self.__getitem__(idx) for idx in indices]")


def split_fraction(i):
    return f"Fraction at index {i} is not between 0 and 1"


def split_empty(i):
    return f"Length of split at index {i} is 0. This might result in an empty dataset."


def collate_type(found):
    return ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
            f"lists; found {found}")


# ---------------------------------------------------------------- jitgrad.save / jitgrad.load
def save_unsupported(type_name, where):
    return (f"jitgrad.save cannot save an object of type {type_name} (at {where}): it saves "
            "Tensors, dicts/OrderedDicts, lists, tuples, ints, floats, bools, None, strs, "
            "jitgrad.Size and jitgrad.dtype")


def save_key_unsupported(type_name, where):
    return (f"jitgrad.save cannot save a dict key of type {type_name} (at {where}): keys must be "
            "str, int, float, bool, None or tuples of these")


def save_recursive(where):
    return f"jitgrad.save cannot save a container that contains itself (at {where})"


def load_error(name, problem):
    return f"jitgrad.load: {name} {problem}"


def isclose_dtypes(a, b):
    return f"{a._torch_name} did not match {b._torch_name}"


# ---- embedding, layer_norm, batch_norm (ops/normalization.py, nn/modules/sparse.py,
# normalization.py, batchnorm.py)

EMBEDDING_WEIGHT_2D = "'weight' must be 2-D"
EMBEDDING_INDEX_RANGE = "index out of range in self"
PADDING_IDX_RANGE = "Padding_idx must be within num_embeddings"
EMBEDDING_WEIGHT_SHAPE = "Shape of weight does not match num_embeddings and embedding_dim"
EMBEDDINGS_2D = "Embeddings parameter is expected to be 2-dimensional"
EMBEDDING_SPARSE = ("embedding(..., sparse=True) with a weight that requires grad is not "
                    "supported: jitgrad has no sparse gradients (use sparse=False)")


def _legacy_type_name(np_dtype):
    # how torch's checkScalarTypes names a tensor's type
    from .dtypes import from_numpy
    name = from_numpy(np_dtype)._torch_name
    if name == "Bool":
        return "CPUBoolType"
    return f"jitgrad.{name}Tensor"


def embedding_indices_dtype(np_dtype, position, fname):
    return (f"Expected tensor for argument #{position} 'indices' to have one of the following "
            f"scalar types: Long, Int; but got {_legacy_type_name(np_dtype)} instead (while "
            f"checking arguments for {fname})")


def embedding_renorm_dims(ndim):
    return (f"Expected 2-dimensional tensor, but got {ndim}-dimensional tensor for argument #1 "
            "'self' (while checking arguments for embedding_renorm_)")


def select_out_of_range(index, shape, dim):
    return (f"select(): index {index} out of range for tensor of size [{_dims(shape)}] at "
            f"dimension {dim}")


def tuple_of_ints(fname, arg, position, value):
    return (f"{fname}(): argument '{arg}' (position {position}) must be tuple of ints, not "
            f"{type(value).__name__}")


def tuple_of_ints_element(fname, arg, position, value, index):
    return (f"{fname}(): argument '{arg}' (position {position}) must be tuple of ints, but "
            f"found element of type {type(value).__name__} at pos {index}")


def layer_norm_empty_shape(normalized_shape):
    return ("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
            f"one element, but got normalized_shape = [{_dims(normalized_shape)}]")


def layer_norm_param_shape(which, shape, normalized_shape):
    return (f"Expected {which} to be of same shape as normalized_shape, but got {which} of "
            f"shape [{_dims(shape)}] and normalized_shape = [{_dims(normalized_shape)}]")


def layer_norm_input_shape(normalized_shape, shape):
    return (f"Given normalized_shape=[{_dims(normalized_shape)}], expected input with shape "
            f"[*, {_dims(normalized_shape)}], but got input of size[{_dims(shape)}]")


MIXED_DTYPE_PARAMETER = "mixed dtype (CPU): expect parameter to have scalar type of Float"
MIXED_DTYPE_INPUTS = "mixed dtype (CPU): all inputs must share same datatype."
BATCH_NORM_RUNNING_PAIR = "running_mean and running_var must either both be None or neither be None"


def batch_norm_undefined(which):
    return f"{which} must be defined in evaluation mode"


def batch_norm_features(which, expected, got):
    return f"{which} should contain {expected} elements not {got}"


def batch_norm_batch_size(size):
    return f"Expected more than 1 value per channel when training, got input size {size!r}"


def batch_norm_eps(eps, training):
    if training:
        return f"batch_norm eps must be positive during training, but got {eps}"
    return f"batch_norm eps must be non-negative, but got {eps}"


def tensor_accessor_dims(expected, got):
    return f"TensorAccessor expected {expected} dims but tensor has {got}"


def batch_norm_input_dims(expected, ndim):
    return f"expected {expected} input (got {ndim}D input)"


# ---- convolution, unfold/fold and pooling (ops/conv.py, ops/pooling.py)

def conv_bias_type(input_c_name, bias_c_name):
    return f"Input type ({input_c_name}) and bias type ({bias_c_name}) should be the same"


def conv_input_dims(sizes):
    return ("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"[{_dims(sizes)}]")


CONV_WEIGHT_DIMS = "weight should have at least three dimensions"
CONV_GROUPS = "non-positive groups is not supported"
CONV_NEGATIVE_PADDING = "negative padding is not supported"
CONV_STRIDE = "non-positive stride is not supported"
CONV_NEGATIVE_DILATION = "dilation should be greater than zero"
CONV_DILATION_MKLDNN = "non-positive dilation is not supported"
CONV_SAME_STRIDED = "padding='same' is not supported for strided convolutions"
CONV_SAME_EVEN_WARNING = ("Using padding='same' with even kernel lengths and odd dilation may "
                          "require a zero-padded copy of the input be created")


def conv_expand_param(name, dim, values):
    return (f"expected {name} to be a single integer value or a list of {dim} values to match "
            f"the convolution dimensions, but got {name}=[{_dims(values)}]")


def conv_broadcast_param(name, dim):
    return f"{name} cannot broadcast to {dim} dimensions"


def conv_padding_string(padding):
    return f"Invalid padding string: '{padding}'"


def conv_weight_input_dims(weight_shape, ndim, input_shape, space=" "):
    k = len(weight_shape)
    return (f"Expected {k}-dimensional input for {k}-dimensional weight{space}"
            f"[{_dims(weight_shape)}], but got {ndim}-dimensional input of size "
            f"[{_dims(input_shape)}] instead")


def conv_groups_at_least(groups, weight_shape):
    return (f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
            f"but got weight of size [{_dims(weight_shape)}] instead")


def conv_groups_divisible(groups, weight_shape):
    return (f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [[{_dims(weight_shape)}]] instead")


def conv_channels(groups, weight_shape, input_shape):
    expected = weight_shape[1] * groups
    return (f"Given groups={groups}, weight of size [{_dims(weight_shape)}], expected "
            f"input[{_dims(input_shape)}] to have {expected} channels, but got "
            f"{input_shape[1]} channels instead")


def conv_bias_shape(weight_shape, bias_shape):
    return (f"Given weight of size [{_dims(weight_shape)}], expected bias to be 1-dimensional "
            f"with {weight_shape[0]} elements, but got bias of size [{_dims(bias_shape)}] "
            "instead")


def conv_kernel_size(padded, kernel):
    return (f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
            "actual input size")


def conv_dilation_zero(dilation):
    return f"dilation should be greater than zero, but got [{_dims(dilation)}]"


def _cpu_tensor_type(np_dtype):
    # torch prints a bool tensor's type as its C++ type name
    return "CPUBoolType" if np_dtype.kind == "b" else _tensor_type(np_dtype)


def conv_mkldnn_type(input_dtype, other_dtype, which="weight"):
    return (f"Input type ({_cpu_tensor_type(input_dtype)}) and {which} type "
            f"({_cpu_tensor_type(other_dtype)}) should be the same or input should be a MKLDNN "
            f"tensor and {which} is a dense tensor")


_CONV2D_SIGNATURES = (
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of ints "
    "padding = 0, tuple of ints dilation = 1, int groups = 1)",
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str padding = "
    "\"valid\", tuple of ints dilation = 1, int groups = 1)")


def conv2d_invalid_arguments(got):
    # the shared invalid_arguments above, with conv2d's overloads
    return invalid_arguments("conv2d", ", ".join(got),
                             "".join(f" * {s}\n" for s in _CONV2D_SIGNATURES))


# unfold / fold (im2col / col2im)

def im2col_param_count(name, count):
    return f"It is expected {name} equals to 2, but got size {count}"


def im2col_kernel(kh, kw):
    return f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}"


def im2col_dilation(dh, dw):
    return (f"dilation should be greater than zero, but got dilation_height: {dh} "
            f"dilation_width: {dw}")


def im2col_padding(ph, pw):
    return f"padding should be non-negative, but got pad_height: {ph} pad_width: {pw}"


def im2col_stride(sh, sw):
    return f"stride should be greater than zero, but got stride_height: {sh} stride_width: {sw}"


def im2col_input_dims(sizes):
    return ("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: [{_dims(sizes)}]")


def im2col_blocks(hw, kernel, dilation, padding, blocks):
    # torch prints the input height twice
    return (f"Given input with spatial size ({hw[0]}, {hw[1]}), kernel_size=({kernel[0]}, "
            f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
            f"{padding[1]}), calculated shape of the array of sliding blocks as ({blocks[0]}, "
            f"{blocks[1]}), but its components must be at least one.")


def col2im_input_dims(sizes):
    return ("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: [{_dims(sizes)}]")


def col2im_divisible(channels, kernel):
    return ("Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={channels} and kernel_size=({kernel[0]}, "
            f"{kernel[1]}).")


def _col2im_given(output_size, kernel, dilation, padding, stride):
    return (f"Given output_size=({output_size[0]}, {output_size[1]}), kernel_size=({kernel[0]}, "
            f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
            f"{padding[1]}), stride=({stride[0]}, {stride[1]}), ")


def col2im_blocks(output_size, kernel, dilation, padding, stride, blocks, length):
    return (_col2im_given(output_size, kernel, dilation, padding, stride) +
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={length}.")


def col2im_too_small(output_size, kernel, dilation, padding, stride, blocks):
    return (_col2im_given(output_size, kernel, dilation, padding, stride) +
            f"calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), "
            "which is too small (non-positive)")


def col2im_output_size(output_size):
    return ("Expected output spatial size to be positive, but got: "
            f"output_size=({output_size[0]}, {output_size[1]}).")


# pooling

def pool_param(fname, name):
    if name == "stride":
        return f"{fname}: stride must either be omitted, a single int, or a tuple of two ints"
    if name == "dilation":
        return f"{fname}: dilation must be either a single int, or a tuple of two ints"
    return f"{fname}: {name} must either be a single int, or a tuple of two ints"


POOL_STRIDE_ZERO = "stride should not be zero"
POOL_DIVISOR_ZERO = "divisor must be not zero"
MAX_POOL_INPUT_DIMS = "non-empty 3D or 4D (batch mode) tensor expected for input"


def pool_pad_negative(pad):
    return f"pad must be non-negative, but got pad: {pad}"


def pool_pad_half_effective(pad, kernel, dilation):
    return (f"pad should be at most half of effective kernel size, but got pad={pad}, "
            f"kernel_size={kernel} and dilation={dilation}")


def pool_kernel(kh, kw):
    return f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}"


def pool_stride(dh, dw):
    return f"stride should be greater than zero, but got dH: {dh} dW: {dw}"


def pool_dilation(dh, dw):
    return f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}"


def pool_input_dims(sizes):
    return ("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:[{_dims(sizes)}]")


def pool_pad_half_kernel(pw, ph, kw, kh):
    return (f"pad should be smaller than or equal to half of kernel size, but got padW = {pw}, "
            f"padH = {ph}, kW = {kw}, kH = {kh}")


def pool_output_too_small(planes, h, w, oh, ow):
    return (f"Given input size: ({planes}x{h}x{w}). Calculated output size: ({planes}x{oh}x{ow}). "
            "Output size is too small")


def int_list_arg(fname, name, position, value):
    where = f" (position {position})" if position is not None else ""
    return f"{fname}(): argument '{name}'{where} must be tuple of ints, not {type(value).__name__}"


def int_list_element(fname, name, position, element):
    where = f" (position {position})" if position is not None else ""
    return (f"{fname}(): argument '{name}'{where} must be tuple of ints, but found element of "
            f"type {type(element).__name__} at pos 0")


def int_list_unpack(fname, name, position, element):
    return (f"{fname}(): argument '{name}' failed to unpack the object at pos {position} with "
            f"error \"type must be tuple of ints,but got {type(element).__name__}\"")


def int_arg(fname, name, value, position=None):
    where = f" (position {position})" if position is not None else ""
    return f"{fname}(): argument '{name}'{where} must be int, not {type(value).__name__}"


def conv_groups_value():
    return "groups must be a positive integer"


def conv_padding_mode(modes, mode):
    return f"padding_mode must be one of {modes}, but got padding_mode='{mode}'"


def conv_module_padding_string(padding, valid):
    return f"Invalid padding string {padding!r}, should be one of {valid}"


def reflection_pad_size(pads, dim, sizes):
    return ("Argument #4: Padding size should be less than the corresponding input dimension, "
            f"but got: padding ({pads[0]}, {pads[1]}) at dimension {dim} of input "
            f"[{_dims(sizes)}]")


CIRCULAR_PAD_WRAP = "Padding value causes wrapping around more than once."


# ---- set_num_threads

SET_NUM_THREADS_POSITIVE = "set_num_threads expects a positive integer"


def set_num_threads_type(got):
    return f"set_num_threads expects an int, but got {got}"


# ---- integer-division family: remainder, fmod, div(rounding_mode=...), floor_divide

ZERO_DIVISION = "ZeroDivisionError"
# the CPU kernel torch names when refusing a bool result
BOOL_DIVISION_KERNEL = {"remainder": "remainder_cpu", "fmod": "fmod_cpu",
                        "div_floor": "div_floor_cpu", "div_trunc": "div_trunc_cpu"}


def no_derivative(aten_name):
    return f"derivative for aten::{aten_name} is not implemented"


def rounding_mode(mode):
    return ("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"{mode!r}")


def fmod_number_input(input):
    return invalid_combination("fmod", f"({type(input).__name__}, Tensor)", [
        ("(Tensor input, Tensor other, *, Tensor out = None)", None),
        ("(Tensor input, Number other, *, Tensor out = None)", None)])


def div_rounding_mode_type(got, inplace=False):
    if inplace:
        return invalid_combination("div_", got, [
            ("(Tensor other)", None), ("(Tensor other, *, str rounding_mode)", None),
            ("(Number other, *, str rounding_mode)", None)])
    return invalid_combination("div", got, [
        ("(Tensor input, Tensor other, *, Tensor out = None)", None),
        ("(Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)", None),
        ("(Tensor input, Number other, *, str rounding_mode)", None)])


LINSPACE_NEGATIVE_STEPS = "number of steps must be non-negative"


# jitgrad.compile (jitgrad's own; torch's dynamo guards shapes instead)
def compiled_shape_changed(op, traced, now):
    return (f"jitgrad.compile: {op} returned shape {tuple(now)} where the trace saw "
            f"{tuple(traced)}; its result's shape depends on tensor values, so the "
            "function must run eagerly (jitgrad.compile(fn, disable=True))")


# recurrent layers (torch.nn.modules.rnn)
def rnn_input_size(expected, got):
    return f"input.size(-1) must be equal to input_size. Expected {expected}, got {got}"


def rnn_hidden_size(expected, got, which=None):
    name = "hidden size" if which is None else f"hidden[{which}] size"
    return f"Expected {name} {tuple(expected)}, got {list(got)}"


def rnn_input_dims(mode, ndim):
    # (torch's RNN class says "tensor"; its LSTM and GRU don't)
    return f"{mode}: Expected input to be 2D or 3D, got {ndim}D{' tensor' if mode == 'RNN' else ''} instead"


def rnn_state_dims(batched, dims):
    kind, want = ("batched 3-D", 3) if batched else ("unbatched 2-D", 2)
    if len(dims) == 2:
        return (f"For {kind} input, hx and cx should also be {want}-D but got "
                f"({dims[0]}-D, {dims[1]}-D) tensors")
    return f"For {kind} input, hx should also be {want}-D but got {dims[0]}-D tensor"


def rnn_cell_input_size(got, expected):
    return f"input has inconsistent input_size: got {got} expected {expected}"


def rnn_cell_batch(batch, label, hidden_batch):
    return f"Input batch size {batch} doesn't match hidden{label} batch size {hidden_batch}"


def rnn_cell_hidden_size(label, got, expected):
    return f"hidden{label} has inconsistent hidden_size: got {got}, expected {expected}"


def rnn_dtype(input_dtype, weight_dtype):
    return (f"RNN input dtype ({input_dtype}) does not match weight dtype ({weight_dtype}). "
            f"Convert input: input.to({weight_dtype}), or convert model: model.to({input_dtype})")


def rnn_nonlinearity(value):
    return f"Unknown nonlinearity '{value}'. Select from 'tanh' or 'relu'."


RNN_DROPOUT_RANGE = ("dropout should be a number in range [0, 1] representing the probability "
                     "of an element being zeroed")
RNN_NUM_LAYERS = "num_layers must be greater than zero"
RNN_HIDDEN_SIZE = "hidden_size must be greater than zero"
RNN_EMPTY_SEQUENCE = "Expected sequence length to be larger than 0 in RNN"


def rnn_dropout_one_layer(dropout, num_layers):
    return ("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
            f"expects num_layers greater than 1, but got dropout={dropout} and "
            f"num_layers={num_layers}")


# ---- attention and transformers (jitgrad/ops/attention.py, nn/modules/transformer.py)

def sdpa_dtypes(q, k, v):
    return ("Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{q._c_name} key.dtype: {k._c_name} and value.dtype: {v._c_name} instead.")


def sdpa_dims(q, k, v):
    return ("Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {q} key.dim: {k} and value.dim: {v} instead.")


def sdpa_mask_dtype(mask, q):
    return ("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {mask._c_name} and  query.dtype: {q._c_name} instead.")


SDPA_CAUSAL_WITH_MASK = ("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                         "when is_causal=True")
SDPA_FLASH_DROPOUT = ("scaled_dot_product_attention_flash_attention: Currently do not support "
                      "dropout > 0")
SDPA_GQA_HEADS = "Number of heads in key and value must divide the number of heads in "


def dropout_probability_cpp(p):
    """ATen's at::dropout check: the probability as C++ streams a double."""
    return f"dropout probability has to be between 0 and 1, but got {p:g}"


def scalar_type_expected(expected, found):
    return f"expected scalar type {expected} but found {found}"


def mha_sizes(embed_dim, num_heads):
    return (f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
            f"num_heads={num_heads} instead")


MHA_DIVISIBLE = "embed_dim must be divisible by num_heads"


def mha_input_dims(batched, what, dims):
    """_mha_shape_check: key/value, key_padding_mask or attn_mask of the wrong rank."""
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if what == "kv":
        want = "3-D" if batched else "2-D"
        return (f"For {kind} `query`, expected `key` and `value` to be {want} but found "
                f"{dims[0]}-D and {dims[1]}-D tensors respectively")
    if what == "key_padding_mask":
        want = "2-D" if batched else "1-D"
        return (f"For {kind} `query`, expected `key_padding_mask` to be `None` or {want} but "
                f"found {dims}-D tensor instead")
    return (f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
            f"{dims}-D tensor instead")


def mha_unbatched_mask_shape(expected, got):
    return f"Expected `attn_mask` shape to be {expected} but got {got}"


def mha_query_dims(ndim):
    return (f"query should be unbatched 2D or batched 3D tensor but received {ndim}-D query "
            "tensor")


def mask_types(mask_name):
    return f"only bool and floating types of {mask_name} are supported"


def mask_types_differ(mask_name, other_name):
    return (f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type "
            "for both instead.")


MHA_CAUSAL_NEEDS_MASK = ("Need attn_mask if specifying the is_causal hint. You may use the "
                         "Transformer module method `generate_square_subsequent_mask` to create "
                         "this mask.")
MHA_CAUSAL_NEED_WEIGHTS = "FIXME: is_causal not implemented for need_weights"


def mha_embed_dim(expected, got):
    return f"was expecting embedding dimension of {expected}, but got {got}"


def mha_heads_divide(embed_dim, num_heads):
    return f"embed_dim {embed_dim} not divisible by num_heads {num_heads}"


def mha_kv_seq_batch(key_dims, value_dims):
    return f"key's sequence and batch dims {key_dims} do not match value's {value_dims}"


def mha_kv_shape(key_shape, value_shape):
    return f"key shape {key_shape} does not match value shape {value_shape}"


def mha_proj_weight_missing(flag, name):
    return f"use_separate_proj_weight is {flag} but {name} is None"


def mha_proj_shape(which, expected, got):
    return f"expecting {which} shape of {expected}, but got {got}"


def mha_mask_shape(ndim, shape, correct):
    return f"The shape of the {ndim}D attn_mask is {shape}, but should be {correct}."


def mha_mask_dim(ndim):
    return f"attn_mask's dimension {ndim} is not supported"


def mha_bias_kv(present, missing):
    return f"{present} is set but {missing} is None"


def mha_bias_static(which):
    return f"bias cannot be added to static {which}."


def mha_static(name, dim, expected, got):
    return f"expecting {name}.size({dim}) of {expected}, but got {got}"


def mha_key_padding_mask(dim, expected, got):
    return f"Expected key_padded_mask.shape[{dim}] to be {expected}, but got {got}"


def transformer_activation(activation):
    return f"activation should be relu/gelu, not {activation}"


def nested_tensor_unused(why):
    return f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why}"


TRANSFORMER_BATCH = "the batch number of src and tgt must be equal"
TRANSFORMER_FEATURES = "the feature number of src and tgt must be equal to d_model"
