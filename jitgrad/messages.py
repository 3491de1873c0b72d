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


# Adamax/NAdam/RAdam/Adadelta/ASGD/Rprop/LBFGS and the further schedulers (torch's wording)
def optim_invalid_etas(etaminus, etaplus):
    return f"Invalid eta values: {etaminus}, {etaplus}"


OPTIM_CAPTURABLE_NADAM = ("If capturable=True, params, mu_products and state_steps must be on "
                          "supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
OPTIM_CAPTURABLE_ASGD = ("If capturable=True, params, mus, etas, and state_steps must be on "
                         "supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
OPTIM_CAPTURABLE_ADADELTA = ("If capturable=True, params and state_steps must be on supported "
                             "devices: ['cuda', 'xpu', 'hpu', 'privateuseone'].")
LBFGS_GROUPS = "LBFGS doesn't support per-parameter options (parameter groups)"
LBFGS_LINE_SEARCH = "only 'strong_wolfe' is supported"


def lbfgs_one_group(n):
    return f"Expected exactly one param_group, but got {n}"


def sched_lambda_not_callable(type_name):
    return f"lr_lambda should be a function, but got {type_name}"


SCHED_CONSTANT_FACTOR = "Constant multiplicative factor expected to be between 0 and 1."
SCHED_LINEAR_START = ("Starting multiplicative factor expected to be greater than 0 and less or "
                      "equal to 1.")
SCHED_LINEAR_END = "Ending multiplicative factor expected to be between 0 and 1."


def sched_no_schedulers(cls, chained):
    what = "at least one scheduler to be chained" if chained else "at least one scheduler"
    return f"{cls} expects {what}, but got no scheduler."


def sched_no_optimizer_attr(cls, idx):
    return f"{cls} at index {idx} should have `optimizer` as its attribute."


def sched_plateau_in_sequence(cls, idx):
    return (f"{cls} does not support `ReduceLROnPlateau` scheduler as it requires additional "
            "kwargs to be specified when calling `step`, but got one at index "
            f"{idx} in the given schedulers sequence.")


def sched_other_optimizer(cls, sched_cls, idx, sched_opt, opt_cls):
    return (f"{cls} expects all schedulers to belong to the same optimizer, but got scheduler "
            f"{sched_cls} at index {idx} has {sched_opt}, which is different from {opt_cls}.")


def sched_milestones_count(n_sched, n_milestones):
    return ("Sequential Schedulers expects number of schedulers provided to be one more than "
            f"the number of milestone points, but got number of schedulers {n_sched} and the "
            f"number of milestones to be equal to {n_milestones}")


def sched_positive_int(what, value):
    # "T_0", "total_steps", "epochs", "steps_per_epoch"
    return f"Expected positive integer {what}, but got {value}"


def sched_t_mult(value):
    return f"Expected integer T_mult >= 1, but got {value}"


def sched_eta_min(value):
    return f"Expected float or int eta_min, but got {value} of type {type(value)}"


def sched_negative_epoch(epoch):
    return f"Expected non-negative epoch, but got {epoch}"


SCHED_PLATEAU_FACTOR = "Factor should be < 1.0."


def sched_min_lrs(expected, got):
    return f"expected {expected} min_lrs, got {got}"


def sched_unknown_mode(mode):
    return "mode " + mode + " is unknown!"


def sched_unknown_threshold_mode(mode):
    return "threshold mode " + mode + " is unknown!"


def sched_plateau_groups(now, before):
    return ("The number of param groups in the `optimizer` "
            f"({now}) differs from when `ReduceLROnPlateau` was initialized ({before}), "
            "usually due to a new param group being added to the optimizer. Please modify the "
            "`min_lrs` field to match the length of the `optimizer` param groups.")


def sched_param_length(name, got, groups):
    return (f"{name} must have the same length as optimizer.param_groups. {name} has {got} "
            f"values, param_groups has {groups}.")


SCHED_CYCLIC_MODE = "mode is invalid and scale_fn is None"
SCHED_CYCLE_MOMENTUM = ("optimizer must support momentum or beta1 with `cycle_momentum` option "
                        "enabled")
SCHED_ONECYCLE_TOTAL = "You must define either total_steps OR (epochs AND steps_per_epoch)"


def sched_pct_start(value):
    return f"Expected float between 0 and 1 pct_start, but got {value}"


def sched_anneal_strategy(value):
    return f"anneal_strategy must be one of 'cos' or 'linear', instead got {value}"


def sched_onecycle_overstep(step_num, total):
    return f"Tried to step {step_num} times. The specified number of total steps is {total}"


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


# ---- embedding_bag, bilinear (ops/embedding_bag.py, nn/modules/embedding_more.py)

EMBEDDING_BAG_SPARSE = ("embedding_bag(..., sparse=True) with a weight that requires grad is not "
                        "supported: jitgrad has no sparse gradients (use sparse=False)")
EMBEDDING_BAG_OFFSETS_NONE = "offsets has to be a 1D Tensor but got None"
EMBEDDING_BAG_OFFSETS_1D = "offsets has to be a 1D Tensor"
EMBEDDING_BAG_MODE = "mode has to be one of sum, mean or max"
EMBEDDING_BAG_MAX_FREQ = "max mode does not support scaling the gradient by the frequency"
EMBEDDING_BAG_MAX_SPARSE = "max mode does not support sparse weights"
EMBEDDING_BAG_OFFSETS_ORDER = "embedding_bag: offsets have to be non-decreasing"
PADDING_IDX_RANGE_LOWER = "padding_idx must be within num_embeddings"
EMBEDDING_BAG_ARGUMENT_ORDER = ("Argument order of nn.functional.embedding_bag was changed. Usage "
                                "`embedding_bag(weight, input, ...)` is deprecated, and should now "
                                "be `embedding_bag(input, weight, ...)`.")


def embedding_bag_psw_shape(psw_shape, input_shape):
    return (f"embedding_bag: If per_sample_weights ({psw_shape}) is not None, then it "
            f"must have the same shape as the input ({input_shape})")


def embedding_bag_weight_dims(ndim):
    return f"weight has to be a 2D Tensor, but got Tensor of dimension {ndim}"


def embedding_bag_offsets_2d(offsets):
    return ("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
            f"fixed length sequences. However, found offsets of type {type(offsets)}")


def embedding_bag_input_dims(ndim):
    return f"input has to be 1D or 2D Tensor, but got Tensor of dimension {ndim}"


def embedding_bag_psw_mode(mode):
    return ("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")


def embedding_bag_first_offset(first, type_name):
    return ("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {first}\n[ jitgrad.{type_name}Tensor{{}} ]")


def embedding_bag_last_offset(n, last):
    return (f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
            f"{last}")


def embedding_bag_index_range(pos, value, V):
    return f"Index {pos} of input takes value {value} which is not in the valid range [0, {V})"


def embedding_bag_padding_idx(V, padding_idx):
    return (f"padding_idx must be within the number of embeddings, -{V} through {V - 1}, but "
            f"got {padding_idx}")


def embedding_bag_weight_dtype(np_dtype):
    return ("Expected tensor for argument #1 'weight' to have one of the following scalar "
            f"types: Half, BFloat16, Float, Double; but got {_legacy_type_name(np_dtype)} "
            "instead (while checking arguments for embedding_bag)")


def embedding_bag_psw_dtype(w_dtype, psw_dtype):
    return ("Expected tensor for argument #1 'weight' to have the same type as tensor for "
            "argument #1 'per_sample_weights'; but type "
            f"{_legacy_type_name(w_dtype)} does not equal {_legacy_type_name(psw_dtype)} "
            "(while checking arguments for embedding_bag)")


def vector_to_parameters_type(vec):
    return f"expected jitgrad.Tensor, but got: {_type_name(vec)}"


def bilinear_dims(a, b):
    return f"bilinear(): input dimensions do not match: got {a} and {b}"


def bilinear_weight_dims(ndim):
    return f"bilinear(): weight must be 3-dimensional, but got {ndim}-dimensional"


def bilinear_batch(dim, a, b):
    return f"bilinear(): input batch dimensions do not match at dim {dim}: got {a} and {b}"


def bilinear_size(which, got, expected):
    return f"bilinear(): {which} size does not match weight size: got {got} but expected {expected}"


def bilinear_dtypes(d1, d2, dw):
    # the C names of the numpy dtypes (float, double, long, ...)
    c = {"float32": "float", "float64": "double", "int64": "long", "int32": "int",
         "int16": "short", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
    d1, d2, dw = (c.get(str(d), str(d)) for d in (d1, d2, dw))
    return (f"All tensors must have the same dtype, got input1: {d1}, input2: {d2}, "
            f"weight: {dw}")


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

# ---- F.pad, pixel_shuffle, interpolate (jitgrad/ops/resample.py)
PAD_LENGTH_EVEN = "Padding length must be divisible by 2"
PAD_NEGATIVE_SIZE = "narrow(): length must be non-negative."


def pad_negative_size(in_shape, out_shape):
    return PAD_NEGATIVE_SIZE


def pad_input_type(value):
    return f"pad(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}"


def pad_too_long(length, ndim):
    return ("Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {length} and input of dimension {ndim}")


def pad_value_mode(mode):
    return f"Padding mode \"{mode}\" doesn't take in value argument"


def pad_mode_dims(length, ndim):
    return (f"Padding size {length} is not supported for {ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad_mode_unknown(mode):
    return f"Unrecognised padding mode {mode}"


def pixel_shuffle_dims(fname, ndim):
    return (f"{fname} expects input to have at least 3 dimensions, but got input with {ndim} "
            "dimension(s)")


def pixel_shuffle_factor(arg, r):
    fname = "pixel_unshuffle" if arg == "downscale_factor" else "pixel_shuffle"
    return f"{fname} expects a positive {arg}, but got {r}"


def pixel_shuffle_channels(C, r):
    return ("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={C} is not divisible by {r * r}")


def conv_nd_invalid_arguments(fname, got):
    return invalid_arguments(fname, ", ".join(got),
                             "".join(f" * {s}\n" for s in _CONV2D_SIGNATURES))


def conv_input_dims_nd(fname, nd, sizes):
    return (f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, but got "
            f"input of size: [{_dims(sizes)}]")


CONV_NEGATIVE_OUTPUT_PADDING = "negative output_padding is not supported"


def conv_output_padding(op, st, dl):
    # torch checks the 2-d form (a 1-d convolution has a unit height)
    if len(op) == 1:
        op, st, dl = [0] + op, [1] + st, [1] + dl
    names = ("height", "width") if len(op) == 2 else ("depth", "height", "width")
    parts = ([f"output_padding_{n}: {v}" for n, v in zip(names, op)]
             + [f"stride_{n}: {v}" for n, v in zip(names, st)]
             + [f"dilation_{n}: {v}" for n, v in zip(names, dl)])
    return "output padding must be smaller than either stride or dilation, but got " + \
        " ".join(parts)


def conv_transposed_channels(w_shape, x_shape):
    return (f"Given transposed=1, weight of size [{_dims(w_shape)}], expected input"
            f"[{_dims(x_shape)}] to have {w_shape[0]} channels, but got {x_shape[1]} channels "
            "instead")


def conv_transposed_bias_shape(w_shape, groups, b_shape):
    return (f"Given transposed=1, weight of size [{_dims(w_shape)}], expected bias to be "
            f"1-dimensional with {w_shape[1] * groups} elements, but got bias of size "
            f"[{_dims(b_shape)}] instead")


def conv_transposed_size(in_sizes, out_sizes):
    return (f"Given input size per channel: ({' x '.join(map(str, in_sizes))}). Calculated "
            f"output size per channel: ({' x '.join(map(str, out_sizes))}). Output size is too "
            "small")


def pool1d_param(fname, name, size):
    if fname == "avg_pool1d":
        return f"avg_pool1d() argument '{name}' should contain one int (got {size})"
    if name == "stride":
        return ("max_pool1d() stride must be None, an int, list of ints, or tuple of ints of "
                f"size 1 but got size {size}")
    return (f"max_pool1d() {name} must be an int, list of ints or tuple of ints of size 1 but "
            f"got size {size}")


def pool1d_input_dims(fname, sizes):
    if fname == "max_pool1d":
        return ("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
                f"size for input, but got:[{_dims(sizes)}]")
    return (f"Expected 2 to 3 dimensions, but got {len(sizes)}-dimensional tensor for argument "
            f"#1 'self' (while checking arguments for {fname})")


def adaptive_input_dims(fname, nd, sizes):
    if nd == 1:
        return pool1d_input_dims(fname, sizes)
    colon = ":" if "max" in fname else ""
    return f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{colon} [{_dims(sizes)}]"


def adaptive_output_size(fname, nd, size):
    if nd == 3:
        return f"{fname}: output_size must be 3"
    if nd == 1:
        return f"{fname}() argument 'output_size' should contain one int (got {size})"
    return "Input dimension should be at least 4"


def adaptive_negative(fname, sizes):
    return (f"{fname}: elements of output_size must be greater than or equal to 0 but received "
            f"{{{', '.join(map(str, sizes))}}}")


INTERP_ALIGN_CORNERS = ("align_corners option can only be set with the interpolating modes: "
                        "linear | bilinear | bicubic | trilinear")
INTERP_SIZE_AND_SCALE = "only one of size or scale_factor should be defined"
INTERP_NEITHER = "either size or scale_factor should be defined"
INTERP_RECOMPUTE_WITH_SIZE = "recompute_scale_factor is not meaningful with an explicit size."
INTERP_ANTIALIAS = ("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                    "requires a 4-D tensor as input")
INTERP_LANCZOS_UNSUPPORTED = "jitgrad: interpolate(mode='lanczos', antialias=True) is not supported yet"
INTERP_LANCZOS_ALIGN_CORNERS = "Lanczos mode does not support align_corners=True"
INTERP_LANCZOS_ANTIALIAS = "Lanczos mode requires antialias=True"


def interp_size_dims(in_sizes, size):
    return ("Input and output must have the same number of spatial dimensions, but got input "
            f"with spatial dimensions of {in_sizes} and output size of {size}. Please provide "
            "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
            "format.")


def interp_scale_dims(in_sizes, scale):
    return ("Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {in_sizes} and scale_factor of shape {scale}. "
            "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
            "(s1, s2, ...,sK) format.")


def interp_size_types(types):
    return ("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
            f"Tuple[int, int, int], but got size with types {types}")


def interp_mode_dims(ndim, mode):
    need = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}[mode]
    return f"Got {ndim}D input, but {mode} mode needs {need}D input"


def interp_unsupported(ndim, mode):
    return (f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the "
            "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")


def upsample_sizes(in_sizes, out_sizes):
    names = "DHW"[3 - len(in_sizes):]
    i = ", ".join(f"{n}: {v}" for n, v in zip(names, in_sizes))
    o = ", ".join(f"{n}: {v}" for n, v in zip(names, out_sizes))
    # (torch's 1-d check says "and output", its 2-d and 3-d ones "output")
    sep = " and " if len(in_sizes) == 1 else " "
    return f"Input and output sizes should be greater than 0, but got input ({i}){sep}output ({o})"


def conv_transpose_padding_mode(cls_name):
    return f'Only "zeros" padding mode is supported for {cls_name}'


def conv_transpose_output_size(nd, ndim, full, got):
    return (f"ConvTranspose{nd}D: for {ndim}D input, output_size must have {nd} or {full} "
            f"elements (got {got})")


def conv_transpose_size_range(output_size, min_sizes, max_sizes, in_sizes):
    return (f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
            f"to {max_sizes} (for an input of {in_sizes})")


def circular_pad_dims(want, ndim):
    return f"expected {want[0]}D or {want[1]}D input (got {ndim}D input)"


def pixel_unshuffle_sizes(which, size, r):
    dim = -2 if which == "height" else -1
    return (f"pixel_unshuffle expects {which} to be divisible by downscale_factor, but "
            f"input.size({dim})={size} is not divisible by {r}")


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


# packed and padded sequences (torch.nn.utils.rnn; jitgrad/nn/utils/rnn.py)
PACK_UNSORTED = ("`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                 "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                 "pack_sequence to sidestep this requirement if you do not need ONNX "
                 "exportability.")
PACK_ZERO_LENGTH = ("Length of all samples has to be greater than 0, but found an element in "
                    "'lengths' that is <= 0")
PACK_EMPTY = "Cannot pack empty tensors."
PAD_SEQUENCE_EMPTY = "received an empty list of sequences"
PAD_SEQUENCE_SCALAR = "ArrayRef: invalid slice, N = 1; size = 0"    # (torch's, for 0-d sequences)


def pack_lengths_dims(ndim, device, type_name):
    return (f"'lengths' argument should be a 1D CPU int64 tensor, but got {ndim}D {device} "
            f"{type_name} tensor")


def pack_lengths_count(count, batch_size):
    return (f"Expected `len(lengths)` to be equal to batch_size, but got {count} "
            f"(batch_size={batch_size})")


def pack_length_too_long(length, steps):
    # (torch reads past the input's end there)
    return (f"pack_padded_sequence: a length of {length} is longer than the input's "
            f"{steps} steps")


def pad_total_length(total_length, max_length):
    return ("Expected total_length to be at least the length of the longest sequence in input, "
            f"but got total_length={total_length} and max sequence length being {max_length}")


def pad_sequence_side(side):
    return f"Expected padding_side to be one of left or right, but got {side}."


def pad_sequence_not_iterable(obj):
    return ("pad_sequence: Expected iterable for input sequences, but got arg of type: "
            f"{type(obj)}")


def packed_batch_sizes(n_rows, total):
    return (f"PackedSequence: batch_sizes must be positive and non-increasing and sum to the "
            f"data's {n_rows} rows, but they sum to {total}")


PACKED_BATCH_SIZES_CPU = (
    "batch_sizes should always be on CPU. Instances of PackedSequence should never be created "
    "manually. They should be instantiated by functions like pack_sequence and "
    "pack_padded_sequences in nn.utils.rnn. "
    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")


def rnn_packed_input_dims(got):
    return f"input must have 2 dimensions, got {got}"


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


# ------------------------------------------------------------ gamma family, distributions

POLYGAMMA_NEGATIVE = "polygamma(n, x) does not support negative n."


def distribution_arg_invalid(param, value_type, shape, dist, constraint, value):
    # torch.distributions' validate_args refusal of a parameter
    return (f"Expected parameter {param} ({value_type} of shape {shape}) of distribution "
            f"{dist} to satisfy the constraint {constraint}, but found invalid values:\n{value}")


def distribution_value_invalid(value_type, shape, support, dist, value):
    return (f"Expected value argument ({value_type} of shape {shape}) to be within the support "
            f"({support}) of the distribution {dist}, but found invalid values:\n{value}")


def distribution_value_shape(shape, expected):
    return (f"Value is not broadcastable with batch_shape+event_shape: {shape} vs {expected}.")


DISTRIBUTION_VALUE_TYPE = "The value argument to log_prob must be a Tensor"


# ------------------------------------------------------------ torch.linalg (ops/linalg_decomp.py)

def linalg_not_float(fname, torch_dtype):
    return f"{fname}: Expected a floating point or complex tensor as input. Got {torch_dtype}"


def linalg_min_2d(fname, arg="A"):
    return f"{fname}: The input tensor {arg} must have at least 2 dimensions."


def linalg_not_square(fname, m, n, arg="A"):
    return f"{fname}: {arg} must be batches of square matrices, but they are {m} by {n} matrices"


def _linalg_batch(fname, batch):
    return f"{fname}: " if batch is None else f"{fname}: (Batch element {batch}): "


def linalg_inv_singular(fname, batch, pivot):
    return (_linalg_batch(fname, batch) + f"The diagonal element {pivot} is zero, the inversion "
            "could not be completed because the input matrix is singular.")


def linalg_solve_singular(batch, fname="linalg.solve"):
    return (_linalg_batch("jitgrad." + fname, batch)
            + "The solver failed because the input matrix is singular.")


def linalg_not_pd(fname, batch, order):
    return (_linalg_batch(fname, batch) + "The factorization could not be completed because the "
            f"input is not positive-definite (the leading minor of order {order} is not "
            "positive-definite).")


def linalg_solve_shapes(left, a_shape, b_shape, fname="linalg.solve"):
    eq = "AX = B" if left else "XA = B"
    return (f"{fname}: Incompatible shapes of A and B for the equation {eq} "
            f"({a_shape[0]}x{a_shape[1]} and {b_shape[0]}x{b_shape[1]})")


def linalg_same_dtype(fname, a, b):
    return (f"{fname}: Expected A and B to have the same dtype, but found A of type {a} and B of "
            f"type {b} instead")


def linalg_not_implemented(kernel, torch_dtype):
    return f"\"{kernel}\" not implemented for '{torch_dtype}'"


def qr_mode(mode):
    return (f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'")


QR_MODE_R_BACKWARD = ("The derivative of linalg.qr depends on Q, which is not computed when "
                      "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                      "differentiate through linalg.qr.")
QR_COMPLETE_BACKWARD = ("The QR decomposition is not differentiable when mode='complete' and "
                        "nrows > ncols.")


def eigh_uplo(uplo):
    return f"Expected UPLO argument to be 'L' or 'U', but got {uplo}"


def pinv_dtype(torch_dtype, shape):
    return (f"linalg.pinv({torch_dtype}{{[{', '.join(str(s) for s in shape)}]}}): expected a "
            "tensor with 2 or more dimensions of float, double, cfloat or cdouble types")


LSTSQ_DTYPE = "This function doesn't handle types other than float and double"
LSTSQ_ROWS = "jitgrad.linalg.lstsq: input.size(-2) should match other.size(-2)"


def lstsq_dims(a_dim, b_dim):
    return ("jitgrad.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1")


def lstsq_driver(driver):
    return "jitgrad.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"


def multi_dot_count(n):
    return f"multi_dot(): expected at least 2 tensors but got {n}"


def multi_dot_dims(which, ndim):
    if which == "first":
        return f"multi_dot(): the first tensor must be 1D or 2D but got {ndim}D"
    if which == "last":
        return f"multi_dot(): the last tensor must be 1D or 2D but got {ndim}D"
    return f"multi_dot(): tensor {which} must be 2D but got {ndim}D"


def multi_dot_shapes(i, j, a, b):
    return (f"multi_dot(): tensors {i} and {j} with shapes [{', '.join(map(str, a))}] and "
            f"[{', '.join(map(str, b))}] cannot be multiplied")


def cross_size(fname, dim, a, b):
    return f"{fname}: inputs dimension {dim} must have length 3. Got {a} and {b}"


CROSS_NO_DIM3 = "no dimension of size 3 in input"


def vector_norm_empty(ord_):
    return (f"linalg.vector_norm cannot compute the {ord_} norm on an empty tensor because the "
            "operation does not have an identity")


def matrix_norm_order(ord_):
    return f"linalg.matrix_norm: Order {ord_} not supported."


def matrix_norm_dims_differ(dim):
    return f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})"


def matrix_norm_dim_len(dim):
    return f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}"


def norm_dim_len(dim):
    return f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}"


def norm_ord_ndim(ndim):
    return f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {ndim}D."


def vector_norm_ord_type(value):
    return (f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
            f"{type(value).__name__}")


def matrix_power_int(fname, position, n):
    return f"{fname}(): argument 'n' (position {position}) must be int, not {type(n).__name__}"


def lstsq_nan_argument(batch, argument):
    # torch's text when MKL rejects a nan (its info < 0 trips an internal assert)
    return ('false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/'
            'BatchLinearAlgebra.cpp":1613, please report a bug to PyTorch. '
            + _linalg_batch("jitgrad.linalg.lstsq", batch) + f"Argument {argument} has illegal "
            "value. Most certainly there is a bug in the implementation calling the backend library.")


def linalg_eigh_no_convergence(batch, code):
    return (_linalg_batch("linalg.eigh", batch) + "The algorithm failed to converge because the "
            f"input matrix is ill-conditioned or has too many repeated eigenvalues (error code: {code}).")


def linalg_svd_nonfinite(batch):
    return (_linalg_batch("linalg.svd", batch) + "The algorithm failed to converge because the "
            "input matrix contained non-finite values.")


CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
    "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
    "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n"
    "should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce "
    "equivalent results for all valid (symmetric positive definite) inputs.")
QR_DEPRECATED = (
    "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
    "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
    "Q, R = torch.qr(A, some)\nshould be replaced with\n"
    "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
CROSS_NO_DIM_DEPRECATED = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
    "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
    "with that of linalg.cross in a future release.")
LINALG_SOLVE_RIGHT_VECTOR = ("linalg.solve: Vector broadcasting of the left hand side is not "
                             "supported for left=False. In this case linalg.solve is equivalent "
                             "to B / A.squeeze(-1)")

NORMAL_TENSOR_STD = "normal expects all elements of std >= 0.0"
POISSON_RATE = "invalid Poisson rate, expected rate to be non-negative"


def geometric_p(p):
    return f"geometric_ expects p to be in (0, 1), but got p={p:g}"


def log_normal_std(std):
    return f"log_normal_ expects std > 0.0, but found std={std:g}"


def cauchy_sigma(sigma):
    return f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}"

NORMAL_SIGNATURES = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
    "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n")


# ------------------------------------------------------------------ scatter/index_*/masked_*/take
# (jitgrad/ops/scatter.py) and the in-place view ops, resize_ (jitgrad/ops/scans.py)

def _shape_text(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def scatter_index_dtype(fname):
    return f"{fname}(): Expected dtype int32/int64 for index"


SCATTER_SRC_DTYPE = "scatter(): Expected self.dtype to be equal to src.dtype"
SCATTER_INDEX_NDIM_SELF = "Index tensor must have the same number of dimensions as self tensor"
SCATTER_INDEX_NDIM_SRC = "Index tensor must have the same number of dimensions as src tensor"
SCATTER_REDUCE_ADD_MULTIPLY = "reduce argument must be either add or multiply."
SCATTER_REDUCE_DEPRECATED = (
    "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in "
    "a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.")


def scatter_index_size(index_shape, shape, dim, src_shape=None):
    text = (f"Expected index {_shape_text(index_shape)} to be no larger than self "
            f"{_shape_text(shape)} apart from dimension {dim}")
    if src_shape is not None:
        text += f" and to be no larger size than src {_shape_text(src_shape)}"
    return text


def scatter_reduce_arg(reduce):
    return f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"


def index_add_index_dtype(c_name):
    return f"index_add_(): Expected dtype int32/int64 for index but got: {c_name}"


def index_add_dtype(self_name, source_name):
    return (f"index_add_(): self ({self_name}) and source ({source_name}) must have the same "
            "scalar type")


def index_add_count(count, size, dim):
    return (f"index_add_(): Number of indices ({count}) should be equal to source.size(dim): "
            f"({size}), for dim: {dim}")


def index_add_vector(ndim, c_name, shape):
    return (f"index_add_(): Index is supposed to be a vector, but got dim: {ndim} with type: "
            f"{c_name} and size: {_shape_text(shape)}")


def index_add_source_shape(shape, source_shape):
    return ("source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {_shape_text(shape)} source.shape = "
            f"{_shape_text(source_shape)}")


def index_copy_bounds(value, dim, size):
    return f"index_copy_(): index {value} is out of bounds for dimension {dim} with size {size}"


def index_copy_index_dtype(c_name):
    return f"index_copy_(): Expected a long tensor for index, but got {c_name}"


def index_copy_dtype(self_name, source_name):
    return ("index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{self_name} and (source) {source_name}")


def index_copy_vector(ndim):
    return f"index_copy_(): Index should have dimension 1 or 0 (got {ndim})"


def index_copy_ndim():
    return "index_copy_(): When source and destination are not scalars, their dimensionality must match."


def index_copy_slice(dest, source, dim):
    return ("index_copy_(): Source/destination tensor must have same slice shapes. Destination "
            f"slice shape: {dest} at dimension {dim} and source slice shape: {source} at "
            f"dimension {dim}.")


def index_copy_count(count, size):
    return (f"index_copy_(): Number of indices ({count}) should be equal to source.size(dim) "
            f"({size})")


INDEX_FILL_INDEX_DTYPE = "index_fill_(): Expected dtype int64 for index."
INDEX_FILL_VECTOR = "Index has to be a vector/scalar"


def index_fill_value_dim(ndim):
    return ("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{ndim} dimension(s).")


INDEX_PUT_INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"


def index_put_dtype(dest, source):
    return (f"Index put requires the source and destination dtypes match, got {dest} for the "
            f"destination and {source} for the source.")


def index_put_shape(value_shape, result_shape):
    return (f"shape mismatch: value tensor of shape {_shape_text(value_shape)} cannot be "
            f"broadcast to indexing result of shape {_shape_text(result_shape)}")


MASKED_SELECT_MASK = "masked_select: expected BoolTensor for mask"
MASKED_SCATTER_COUNT = "Number of elements of source < number of ones in mask"


def masked_scatter_dtype(self_name, source_name):
    # (torch's text has no space before the first dtype)
    return (f"masked_scatter: expected self and source to have same dtypes but got{self_name} "
            f"and {source_name}")


def masked_scatter_mask(c_name):
    return f"masked_scatter_ only supports boolean masks, but got mask with dtype {c_name}"


def take_bounds(value, numel):
    return f"out of range: tried to access index {value} on a tensor of {numel} elements."


def take_index_dtype(c_name):
    return f"take(): Expected a long tensor for index, but got {c_name}"


def take_along_dim_index_dtype(c_name):
    return f"jitgrad.take_along_dim(): dtype of indices should be Long but got {c_name}"


def take_along_dim_ndim(ndim, index_ndim):
    return ("jitgrad.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {ndim} dimensions for input, and {index_ndim} dimensions for "
            "indices")


RESIZE_REQUIRES_GRAD = "cannot resize variables that require grad"


def t_dims(ndim):
    return f"t_() expects a tensor with <= 2 dimensions, but self is {ndim}D"


# ---- more activations, normalisations and losses (jitgrad/ops/activations_extra.py,
# normalization_extra.py, losses_extra.py)

HARDTANH_MIN_MAX = "min_val cannot be greater than max_val"
CELU_ZERO_ALPHA = "ZeroDivisionError: alpha cannot be 0 for CELU"
PRELU_ZERO_DIM = "Not allow zero-dim input tensor."
GLU_SCALAR = "glu does not support scalars because halving size must be even"


def softshrink_lambda(lambd, torch_name, max_value):
    return (f"lambda must be in range [0, {max_value:g}] for input dtype {torch_name}, "
            f"but found {lambd:g}")


def prelu_weight_ndim(ndim):
    return f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {ndim}"


def prelu_mismatch(n, channels):
    return ("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}.")


def glu_odd(dim, size):
    return f"Halving dimension must be even, but dimension {dim} is size {size}"


HUBER_WEIGHT_SIZE = "Weights and input must have the same size."
HUBER_DELTA = "huber_loss does not support non-positive values for delta."
MULTI_MARGIN_P = "only p == 1 and p == 2 supported"
MULTI_MARGIN_WEIGHT_DIM = "weight must be one-dimensional"
TARGET_OUT_OF_RANGE = "target out of range"
KL_DIV_MEAN = ("reduction: 'mean' divides the total loss by both the batch size and the "
               "support size.'batchmean' divides only by the batch size, and aligns with the KL "
               "div math definition.'mean' will be changed to behave the same as 'batchmean' in "
               "the next major release.")
GAUSSIAN_NEGATIVE_VAR = "var has negative entry/entries"
GAUSSIAN_VAR_SIZE = "var is of incorrect size"
COSINE_EMBEDDING_MULTI_TARGET = "0D or 1D target tensor expected, multi-target not supported"


def not_differentiable_target(fname):
    return (f"The function '{fname}' is not differentiable with respect to argument 'target'. "
            "This input cannot have requires_grad True.")


def not_valid(reduction):
    return f"{reduction} is not valid"


def multi_margin_input(shape):
    return ("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{shape}")


def multi_margin_target(n, target_shape, input_shape):
    return ("multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got {target_shape}. "
            f"Input has shape {input_shape}.")


def multi_margin_weight(c, weight_shape):
    return f"inconsistent weight size, expected {c} but got {weight_shape}"


def cosine_embedding_dims(tdim, shape1, shape2):
    return (f"{tdim}D target tensor expects {tdim + 1}D input tensors, but found inputs with "
            f"sizes {shape1} and {shape2}.")


def margin_ranking_dims(size1, size2, size3):
    return ("margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {size1}, input2: {size2}, target: {size3} ")


def triplet_margin(margin):
    return f"margin must be greater than 0, got {margin}"


def triplet_dims(a, p, n):
    return ("The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def group_norm_input_dim(ndim):
    return f"Expected at least 2 dimensions for input tensor but received {ndim}"


def group_norm_groups(shape, groups):
    return ("Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {shape} and num_groups={groups}")


def group_norm_affine(name, shape, input_shape):
    return (f"Expected {name} to be a vector of size equal to the number of channels in input, "
            f"but got {name} of shape {shape} and input of shape {input_shape}")


def instance_norm_spatial(size):
    return f"Expected more than 1 spatial element when training, got input size {size}"


def rms_norm_shape(normalized_shape, shape):
    return (f"Given normalized_shape={normalized_shape}, expected input with shape "
            f"[*{', '.join(map(str, normalized_shape))}], but got input of size{shape}")


def lrn_dim(dim):
    return (f"Expected 3D or higher dimensionality                          input (got {dim} "
            "dimensions)")


def distribution_event_shape(shape, event_shape):
    return f"The right-most size of value must match event_shape: {shape} vs {event_shape}."


def distribution_no_custom_expand(name, base):
    return (f"Subclass {name} of {base} that defines a custom __init__ method must also "
            f"define a custom .expand() method.")


DISTRIBUTION_PROBS_OR_LOGITS = "Either `probs` or `logits` must be specified, but not both."
MVN_ONE_OF = ("Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
              "specified.")
MVN_LOC_DIM = "loc must be at least one-dimensional."


def invalid_gradient(node_name, index, got, expected):
    # the engine's check of a gradient's shape (scatter's src larger than its index)
    return (f"Function {node_name} returned an invalid gradient at index {index} - got "
            f"{_shape_text(got)} but expected shape compatible with {_shape_text(expected)}")


def prelu_promotion(input_name, weight_name):
    return f"prelu: Type promoting not supported. Got {input_name} and {weight_name}"


TAKE_EMPTY = "take(): tried to take from an empty tensor"


def scatter_complex_value(c_type):
    c_type = {"long int": "int64_t"}.get(c_type, c_type)
    return f"value cannot be converted to type {c_type} without overflow"


def expand_mask_too_few(mask_shape, sizes):
    # masked_scatter_ expanding a bool mask with more dims than self
    return (f"expand(CPUBoolType{{{_shape_text(mask_shape)}}}, size={_shape_text(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(mask_shape)})")


def scatter_two_sources(fname):
    return f"{fname}() got multiple values for the source (src and value)"


def scatter_no_source(fname):
    return f"{fname}() missing 1 required positional argument: 'src' or 'value'"


def index_put_element(k, value):
    return f"expected Tensor as element {k} in argument 0, but got {_type_name(value)}"


CTC_BLANK = "blank must be in label range"


def ctc_log_probs_dim(ndim):
    return (f"Expected 3-dimensional tensor, but got {ndim}-dimensional tensor for argument #1 "
            "'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")


def ctc_lengths(name, n, got):
    return f"{name} must be of size batch_size"


def ctc_input_length(i, value, T):
    return (f"Expected input_lengths to have value at most {T}, but got value {value} (while "
            "checking arguments for ctc_loss_allocate_outputs)")


def ctc_target_length(i, value, size):
    return (f"Expected tensor to have size at least {value} at dimension 1, but got size {size} "
            "for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
CTC_LENGTH_KINDS = ("ctc_loss(): input_lengths and target_lengths must be both Tensors or both "
                    "tuples of ints")


# ------------------------------------------------------------------ kthvalue/median/mode/quantile/unique,
# rot90/diag/diagonal, bincount/histc/searchsorted, repeat_interleave/tensor_split/cdist...
# (jitgrad/ops/selection_more.py, structure_more.py, binning.py, combining.py)

def kthvalue_k_range(dim):
    return f"kthvalue(): selected number k out of range for dimension {dim}"


def quantile_input_dtype(fname):
    return f"{fname}() input tensor must be either float or double dtype"


def quantile_q_dim(fname):
    return f"{fname}() q must be a scalar or 1D tensor"


def quantile_q_dtype(fname):
    return f"{fname}() q tensor must be same dtype as the input tensor"


def quantile_empty(fname):
    return f"{fname}() input tensor must be non-empty"


def quantile_q_range(fname, q):
    return f"{fname}() q must be in the range [0, 1] but got {q}"


def quantile_interpolation(fname, name):
    return (f"{fname}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {name}")


def derivative_not_implemented(op):
    return f"the derivative for '{op}' is not implemented."


# ---- bitwise and logical ops (ops/logical.py), finfo/iinfo, select (functions_logical.py)
INVERT_FLOAT = "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
FINFO_NOT_FLOAT = ("jitgrad.finfo() requires a floating point input type. Use jitgrad.iinfo to "
                   "handle 'jitgrad.finfo'")
IINFO_NOT_INT = ("jitgrad.iinfo() requires an integer input type. Use jitgrad.finfo to handle "
                 "'jitgrad.iinfo'")
IINFO_BOOL = "jitgrad.bool is not supported by jitgrad.iinfo"
IINFO_MISSING = 'iinfo() missing 1 required positional arguments: "type"'
SELECT_0D = "select() cannot be applied to a 0-dim tensor."
BROADCAST_NEGATIVE = "Attempting to broadcast a dimension with negative length!"


def out_resized(old_shape, new_shape):
    return (f"An output with one or more elements was resized since it had shape "
            f"[{', '.join(map(str, old_shape))}], which does not match the required output shape "
            f"[{', '.join(map(str, new_shape))}]. This behavior is deprecated, and in a future "
            "PyTorch release outputs will not be resized unless they have zero elements. You can "
            "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
            "t.resize_(0).")


def broadcast_shapes_mismatch(size, dim, index, shape, expected):
    return (f"Attempting to broadcast a dimension of length {size} at {dim}! Mismatching "
            f"argument at index {index} had {tuple(shape)}; but expected shape should be "
            f"broadcastable to [{', '.join(map(str, expected))}]")


def info_not_writable(name, cls):
    return f"attribute '{name}' of 'jitgrad.{cls}' objects is not writable"


def new_tensor_options(expected, got):
    def options(d):
        return (f"TensorOptions(dtype={d._c_name}, device=cpu, layout=Strided, requires_grad=false "
                "(default), pinned_memory=false (default), memory_format=(nullopt))")
    return f"expected {options(expected)} (got {options(got)})"


def rot90_dims_count(n):
    return f"expected total rotation dims == 2, but got dims = {n}"


def rot90_total_dims(n):
    return f"expected total dims >= 2, but got total dims = {n}"


def rot90_same_dims(d0, d1):
    return f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"


def diagonal_same_dims(d1, d2):
    return f"diagonal dimensions cannot be identical {d1}, {d2}"


def diag_dims(n):
    return f"diag(): Supports 1D or 2D tensors. Got {n}D"


def trace_dims(n):
    return f"trace: expected a matrix, but got tensor with dim {n}"


def block_diag_dims(i, n):
    return (f"jitgrad.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
            f"{n} dimensions")


def cdist_compute_mode(mode):
    return f"{mode} is not a valid value for compute_mode"


def cdist_dims(name, n):
    return f"cdist only supports at least 2D tensors, {name} got: {n}D"


def cdist_columns(c1, c2):
    return f"X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}"


def cdist_dtype(name, dtype):
    return f"cdist only supports floating-point dtypes, {name} got: {dtype}"


CDIST_NEGATIVE_P = "cdist only supports non-negative p values"


def cartesian_prod_1d(shape):
    return f"Expect a 1D vector, but got shape {list(shape)}"


BINCOUNT_INPUT = "bincount only supports 1-d non-negative integral inputs."
BINCOUNT_MINLENGTH = "minlength should be >= 0"
BINCOUNT_WEIGHTS = "weights should be 1-d and have the same length as input"
HISTC_RANGE = "jitgrad.histc: max must be larger than min"


def histc_bins(bins):
    return f"jitgrad.histogram(): bins must be > 0, but got {bins} for dimension 0"


def meshgrid_indexing(indexing):
    return f'jitgrad.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'


def meshgrid_dims(t):
    return f"jitgrad.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t._data.ndim}D"


MESHGRID_DTYPE = "meshgrid expects all tensors to have the same dtype"
REPEATS_1D = "repeats has to be a 1D tensor of integers"
REPEATS_NEGATIVE = "repeats can not be negative"
REPEATS_NONNEGATIVE = "Repeats must be non-negative"


def repeat_output_size(expected, got):
    return f"repeat_interleave: Invalid output_size, expected {expected} but got {got}"


def repeats_size(size, dim, n):
    return (f"repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{size} and input.size({dim}) = {n}")


TENSOR_SPLIT_0D = ("tensor_split expected at least a 1-dimensional tensor, but got a tensor "
                   "with 0 dims")
def tensor_split_tensor_dtype(dtype):
    return ("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
            f"{dtype}")


def tensor_split_sections(n):
    return f"number of sections must be larger than 0, got {n}"


def tensor_split_args(value, method=True):
    lead, tensor = ("", "") if method else ("Tensor, ", "Tensor input, ")
    return ("tensor_split() received an invalid combination of arguments - got "
            f"({lead}{_type_name(value)}), but expected one of:\n"
            f" * ({tensor}tuple of ints indices, int dim = 0)\n"
            f" * ({tensor}Tensor tensor_indices_or_sections, int dim = 0)\n"
            f" * ({tensor}int sections, int dim = 0)\n")


def movedim_count(src, dst):
    return (f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)")


def movedim_repeated(which, dims):
    return f"movedim: repeated dim in `{which}` ({dims})"


def searchsorted_side(side):
    return f"jitgrad.searchsorted(): side can only be 'left' or 'right' but got {side}"


SEARCHSORTED_OPPOSITES = ("jitgrad.searchsorted(): side and right can't be set to opposites, got "
                          "side of left while right was True")


def searchsorted_sorter(b, s):
    return (f"jitgrad.searchsorted(): boundary and sorter must have the same size, but got "
            f"boundary tensor {list(b)}and got sorter tensor {list(s)}")


def searchsorted_shapes(b, v):
    return ("jitgrad.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(b)} and input value tensor {list(v)}")


def bucketize_dims(n):
    return f"boundaries tensor must be 1 dimension, but got dim({n})"
SEARCHSORTED_0D = ("jitgrad.searchsorted(): boundaries tensor should have positive dimension, but "
                   "got 0 dimension")


def searchsorted_scalar(ndim):
    return ("jitgrad.searchsorted(): input value can be a scalar only when boundaries tensor "
            f"dimension is 1, but we got boundaries tensor dim({ndim}) and input value's dim(0) "
            "numel(1)")


def quantile_arguments(fname, q, method=True):
    lead, tensor, out = ("", "", "") if method else ("Tensor, ", "Tensor input, ", ", Tensor out = None")
    return (f"{fname}() received an invalid combination of arguments - got ({lead}"
            f"{_type_name(q)}), but expected one of:\n"
            f' * ({tensor}Tensor q, int dim = None, bool keepdim = False, *, str '
            f'interpolation = "linear"{out})\n'
            f' * ({tensor}float q, int dim = None, bool keepdim = False, *, str '
            f'interpolation = "linear"{out})\n')


NEW_SIGNATURES = ["(*, jitgrad.device device = None)", "(jitgrad.Storage storage)",
                  "(Tensor other)", "(tuple of ints size, *, jitgrad.device device = None)",
                  "(object data, *, jitgrad.device device = None)"]


# ---- nn rest (jitgrad/ops/nn_rest.py, jitgrad/ops/pooling3d.py)

FEATURE_DROPOUT_DIMS = "Feature dropout requires at least 2 dimensions in the input"
MAX_POOL3D_INPUT_DIMS = "non-empty 4D or 5D (batch mode) tensor expected for input"


def dropout1d_dims(d):
    return (f"dropout1d: Expected 2D or 3D input, but received a {d}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
            "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")


def dropout_nd_deprecated(n, d):
    return (f"dropout{n}d: Received a {d}-D input to dropout{n}d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            f"warning, please use dropout instead. Note that dropout{n}d exists to provide "
            f"channel-wise dropout on inputs with {n} spatial dimensions, a channel dimension, and "
            f"an optional batch dimension (i.e. {n + 1}D or {n + 2}D inputs).")


DROPOUT2D_3D_INPUT = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
    "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
    "This behavior will change in a future release to interpret the input as one without a "
    "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
    "please switch to using dropout1d instead.")


def channel_shuffle_groups(g):
    return f"Number of groups to divide channels in must be positive. Value of groups:{g}"


def channel_shuffle_divisible(c, g):
    return f"Number of channels must be divisible by groups. Got {c} channels and {g} groups."


def channel_shuffle_dims(shape):
    return ("channel_shuffle expects input with > 2 dims, but got input with sizes "
            f"[{', '.join(str(s) for s in shape)}]")


def pool3d_param(fname, name):
    if name == "stride":
        return f"{fname}: stride must either be omitted, a single int, or a tuple of three ints"
    return f"{fname}: {name} must either be a single int, or a tuple of three ints"


def unpool_invalid_index(i, sizes):
    return (f"Found an invalid max index: {i} (output volumes are of size "
            f"{'x'.join(str(s) for s in sizes)})")


def unpool_output_size_len(k, n):
    return (f"output_size should be a sequence containing {k} or {k + 2} elements, but it has a "
            f"length of '{n}'")


def unpool_output_size_range(size, d, lo, hi):
    return f'invalid output_size "{size}" (dim {d} must be between {lo} and {hi})'


def multilabel_target_size(t, i):
    return (f"inconsistent target size: [{', '.join(map(str, t))}] for input of size: "
            f"[{', '.join(map(str, i))}]")


def softmax2d_dims(d):
    return f"Softmax2d: expected input to be 3D or 4D, got {d}D instead"


NLLLOSS2D_DEPRECATED = ("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a "
                        "drop-in replacement and see "
                        "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.")
GUMBEL_EPS_DEPRECATED = "`eps` parameter is deprecated and has no effect."


# ---- small torch names (jitgrad/functions_small.py)
POSITIVE_BOOL = "The `+` operator, on a bool tensor is not supported."
DIFF_0D = "diff expects input to be at least one-dimensional"
DIFF_SAME_DIM = "diff expects prepend or append to be the same dimension as input"
RENORM_P = "renorm: non-positive-norm not supported"
BOOL_NO_VALUES = "Boolean value of Tensor with no values is ambiguous"
BOOL_MANY_VALUES = "Boolean value of Tensor with more than one value is ambiguous"


def renorm_maxnorm(maxnorm):
    return f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}"


def nanmean_dtype(dtype_name):
    return f"nanmean(): expected input to have floating point or complex dtype but got {dtype_name}"


def tensordot_negative(dims):
    return f"tensordot expects dims >= 0, but got dims={dims}"


def tensordot_mismatch(size_a, dim_a, size_b, dim_b):
    return (f"contracted dimensions need to match, but first has size {size_a} in dim {dim_a} "
            f"and second has size {size_b} in dim {dim_b}")


def tile_dims(dims):
    return f"tile(): argument 'dims' (position 2) must be tuple of ints, not {_type_name(dims)}"


def empty_tensor_list(fname):
    return f"{fname} expects a non-empty TensorList"


def dir_split_dim(fname, min_dim, ndim):
    return (f"torch.{fname} requires a tensor with at least {min_dim} dimension, but got a "
            f"tensor with {ndim} dimensions!")


def dir_split_divisible(fname, dim, size, sections):
    return (f"torch.{fname} attempted to split along dimension {dim}, but the size of the "
            f"dimension {size} is not divisible by the split_size {sections}!")


def unfold_size(dim, length, size):
    return f"maximum size for tensor at dimension {dim} is {length} but size is {size}"


def unfold_step(step):
    return f"step is {step} but must be > 0"


def not_expandable(size, shape):
    return (f"size {{[{', '.join(map(str, size))}]}} is not expandable to size "
            f"{{[{', '.join(map(str, shape))}]}}.")


def float_power_base(dtype_name):
    return (f"the base given to float_power_ has dtype {dtype_name} but the operation's result "
            "requires dtype Double")


def triplet_distance_module_margin(margin):
    return (f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
            "instead")


# ---- jitgrad.func (torch.func's texts)
FUNC_ARGNUMS_EMPTY = "argnums must be non-empty"
FUNC_GRAD_AUX = ("grad_and_value(f)(*args): output of function f should be a tuple: "
                 "(output, aux) if has_aux is True")
FUNC_VJP_AUX = ("vjp(f, *primals): output of function f should be a tuple: (output, aux) "
                "if has_aux is True")
FUNC_VMAP_RANDOMNESS = ("vmap: called random operation while in randomness error mode. Please "
                        "either use the 'same' or 'different' randomness flags on vmap or "
                        "perform the randomness operation out of vmap")
FUNC_VMAP_NO_TENSOR = "vmap: Expected at least one Tensor to vmap over"
FUNC_JACREV_CHUNK = "jacrev: `chunk_size` should be greater than 0."
FUNC_CALL_NOT_DICTS = "Expected all elements of parameter_and_buffer_dicts to be dictionaries"
STACK_MODULE_NO_MODEL = "stack_module_state: Expected at least one model, got 0."
STACK_MODULE_MODE = "stack_module_state: Expected all models to have the same training/eval mode."
STACK_MODULE_CLASS = "stack_module_state: Expected all models to be of the same class."


def func_not_tensor(t):
    return f"Thing passed to transform API must be Tensor, got {t}"


def func_argnums_type(t):
    return f"argnums must be int or Tuple[int, ...], got: {t}"


def func_argnum_type(t):
    return f"argnum must be int, got: {t}"


def func_argnums_unique(argnums):
    return f"argnums elements must be unique, got {argnums}"


def func_argnum_range(argnum, nargs):
    return f"Got argnum={argnum}, but only {nargs} positional inputs"


def func_grad_not_tensor(t):
    return f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {t}"


def func_grad_not_scalar(ndim):
    return (f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
            f"with {ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")


def func_aux(api):
    return f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True"


def func_empty_output(api, output):
    return f"{api}: Expected f to be a function that has non-empty output (got output = {output})"


def func_output_type(api, t):
    return f"{api}: expected f(*primals) to return only tensors, got unsupported type {t}"


def func_cotangent_structure(cot, out):
    return ("Expected pytree structure of cotangents to be the same as pytree structure of "
            f"outputs to the function. cotangents: {cot}, primal output: {out}")


def func_jvp_primals_tuple(api):
    return f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."


def func_jvp_structure(api, primals, tangents):
    return (f"{api}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {primals} and tangents with structure {tangents}")


def func_no_tensor(api, name):
    return f"{api}: Expected {name} to contain at least one Tensor."


def func_only_tensors(api, name, t):
    return f"{api}: Expected {name} to only contain Tensors, got {t}"


def func_tangent_size(size, tangent_size):
    return ("Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {size} while the given "
            f"forward gradient is of size {tangent_size}.")


def func_linearize_structure(tangents, primals):
    return f"Expected the tangents {tangents} to have the same argspec as the primals {primals}"


def func_randomness(randomness):
    return ("Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}")


def func_vmap_no_inputs(name):
    return (f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
            "trying to vmap over a function with no inputs. The latter is unsupported.")


def func_vmap_in_dims_type(prefix, t):
    return (f"{prefix}: expected `in_dims` to be int or a (potentially nested) tuple matching "
            f"the structure of inputs, got: {t}.")


def func_vmap_in_dims_structure(prefix, dims_spec, args_spec):
    return (f"{prefix}: in_dims is not compatible with the structure of `inputs`. in_dims has "
            f"structure {dims_spec} but inputs has structure {args_spec}.")


def func_vmap_in_dim_value(prefix, d):
    return (f"{prefix}: Got in_dim={d} for an input but in_dim must be either an integer "
            "dimension or None.")


def func_vmap_in_dim_non_tensor(prefix, d, t):
    return (f"{prefix}: Got in_dim={d} for an input but the input is of type {t}. We cannot "
            "vmap over non-Tensor arguments, please use None as the respective in_dim")


def func_vmap_in_dim_range(prefix, d, n):
    return (f"{prefix}: Got in_dim={d} for some input, but that input is a Tensor of "
            f"dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim < {n}.")


def func_vmap_sizes(sizes):
    return ("vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension")


def func_vmap_output_type(name, t):
    return (f"vmap({name}, ...): `{name}` must only return Tensors, got type {t}. Did you mean "
            "to set out_dims= to None for output?")


def func_vmap_out_dims_type(name, out_dims):
    return (f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
            "python collection of ints representing where in the outputs the vmapped dimension "
            "should appear.")


def func_vmap_out_dims_structure(name, out_dims, dims_spec, out_spec):
    return (f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
            f"with the structure of `outputs`. out_dims has structure {dims_spec} but outputs "
            f"has structure {out_spec}.")


def func_call_repeated(keys):
    return (f"{keys} appeared in multiple dictionaries; behavior of functional call is "
            "ambiguous")


def func_call_dicts_type(t):
    return ("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but "
            f"got {t}")


def func_call_tied(names):
    return (f"functional_call got multiple values for keys {names}, which are tied. Consider "
            "using tie_weights=False")


def func_call_strict(module_name, unexpected, missing):
    errors = []
    if unexpected:
        errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    return "Error(s) in reparametrizing for {}:\n\t{}".format(module_name, "\n\t".join(errors))


def stack_module_requires_grad(name):
    return f"Expected {name} from each model to have the same .requires_grad"


# ---- grid_sample / affine_grid (jitgrad/ops/grid_sample.py)

GRID_ALIGN_CORNERS_DEFAULT = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
    "grid_sample for details.")
AFFINE_GRID_UNIT_SIZE = (
    "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
    "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
    "of affine_grid for details.")


def affine_grid_dtype(dtype):
    return f"Expected theta to have floating point type, but got {dtype}"


def affine_grid_theta(nd, size, shape):
    rows, cols = (2, 3) if nd == 2 else (3, 4)
    return (f"Expected a batch of {nd}D affine matrices of shape Nx{rows}x{cols} for size {size}. "
            f"Got {shape}.")


def affine_grid_size(size):
    return ("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}.")


def affine_grid_positive(size):
    return f"Expected non-zero, positive output size. Got {size}"


def grid_sample_mode(mode):
    return ("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
            f"but got: '{mode}'")


def grid_sample_padding(mode):
    return ("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{mode}'")


def _sizes(shape):
    return f"[{', '.join(str(s) for s in shape)}]"


def grid_sample_dims(ishape, gshape):
    d = f"{len(ishape)}D" if len(ishape) in (4, 5) else "4D or 5D"
    return (f"grid_sampler(): expected {d} input and grid with same number of dimensions, but got "
            f"input with sizes {_sizes(ishape)} and grid with sizes {_sizes(gshape)}")


def grid_sample_batch(ishape, gshape):
    return ("grid_sampler(): expected grid and input to have same batch size, but got input with "
            f"sizes {_sizes(ishape)} and grid with sizes {_sizes(gshape)}")


def grid_sample_last(n, gshape):
    return (f"grid_sampler(): expected grid to have size {n} in last dimension, but got grid with "
            f"sizes {_sizes(gshape)}")


GRID_SAMPLE_BICUBIC_5D = "grid_sampler(): bicubic interpolation only supports 4D input"


def grid_sample_dtype(idt, gdt):
    return f"expected scalar type {idt._torch_name} but found {gdt._torch_name}"
AMINMAX_EMPTY = ("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                 "has no identity.")


def addr_not_1d(arg, ndim):
    return f"addr: Expected 1-D argument {arg}, but got {ndim}-D"


def diff_shape(dim, size, got):
    return ("diff expects the shape of tensor to prepend or append to match that of input "
            f"except along the differencing dimension; input.size({dim}) = {size}, but got "
            f"tensor.size({dim}) = {got}")


def norm_dtype(dtype_name):
    return f"norm(): input dtype should be either floating point or complex. Got {dtype_name} instead."


def renorm_dims(ndim):
    return f"renorm: input needs at least 2 dimensions, got {ndim} dimensions"


def inner_mismatch(shape_a, shape_b):
    return (f"inner() the last dimension must match on both input tensors but got shapes "
            f"[{', '.join(map(str, shape_a))}] and [{', '.join(map(str, shape_b))}]")


def inplace_dtype(have, want):
    return (f"Bad in-place call: input tensor dtype {have._torch_name.lower()} and output tensor "
            f"dtype {want._torch_name.lower()} should match")


def addmv_sizes(input_len, mat_shape, vec_len):
    return (f"size mismatch, got input ({input_len}), mat ({mat_shape[0]}x{mat_shape[1]}), "
            f"vec ({vec_len})")


def func_functionalize_remove(remove):
    return (f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}."
            " Valid options are:\n     remove='mutations': all inplace and out= operators will be "
            "removed from the program, and replaced with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators "
            "{view} will be replaced with their non-aliasing counterparts, {view}_copy.\n")


def func_aux_type(t):
    return f"Expected tensors, got unsupported type {t}"


def addmv_ranks(input_ndim, mat_ndim, vec_ndim):
    return f"vector + matrix @ vector expected, got {input_ndim}, {mat_ndim}, {vec_ndim}"


def multilabel_empty(shape):
    return ("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"[{', '.join(str(s) for s in shape)}]")


def avg_pool3d_input_small(S, k):
    return (f"input image (T: {S[0]} H: {S[1]} W: {S[2]}) smaller than kernel size "
            f"(kT: {k[0]} kH: {k[1]} kW: {k[2]})")


def unpool_indices_dtype(name):
    return f"elements in indices should be type int64 but got: {name}"


def unpool_indices_shape(ishape, jshape):
    return ("Expected shape of indices to be same as that of the input tensor "
            f"([{', '.join(map(str, ishape))}]) but got indices tensor with shape: "
            f"[{', '.join(map(str, jshape))}]")

MULTILABEL_TARGET_RANGE = "argument #2 'target' is out of range"


# ---- jitgrad.distributed (torch.distributed on MPI), DistributedDataParallel,
# DistributedSampler, and the engine hooks they use

QUEUE_CALLBACK_OUTSIDE_BACKWARD = "Final callbacks can only be installed during backward pass."
POST_ACCUMULATE_HOOK_NON_LEAF = "post accumulate grad hooks cannot be registered on non-leaf tensors"

DIST_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to "
                        "call init_process_group.")
DIST_INIT_TWICE = "trying to initialize the default process group twice!"
DIST_INVALID_GROUP = "Invalid process group specified"
DIST_GROUP_NONE = "Process group cannot be None"
DIST_NO_MPI = ("Distributed package doesn't have MPI: jitgrad.distributed runs on mpi4py and an "
               "MPI runtime, which are not installed. Install them with "
               "pip install -e \".[distributed]\" (or pip install mpi4py mpich) and start the "
               "ranks with mpiexec -n N python script.py")
DIST_BOTH_RANKS = "Can't specify both group_rank and global_rank"
DIST_NO_RANK = "Must specify global_rank or group_rank"
DIST_GATHER_LIST_DST = "Argument ``gather_list`` must be specified on destination rank."
DIST_GATHER_LIST_NON_DST = "Argument ``gather_list`` must NOT be specified on non-destination ranks."
DIST_SCATTER_LIST_SRC = "Argument ``scatter_list`` must be specified on source rank."
DIST_SCATTER_LIST_NON_SRC = "Argument ``scatter_list`` must NOT be specified on non-source ranks."
DIST_BACKEND_NOT_STR = "Backend constructor parameter must be string-ish"
DIST_REDUCE_SCATTER_LIST = "invalid input tensor list size, must be world size"


def dist_backend_unavailable(backend):
    label = {"gloo": "Gloo", "nccl": "NCCL", "xccl": "XCCL", "ucc": "UCC"}.get(backend)
    head = (f"Distributed package doesn't have {label} built in" if label else
            f"Invalid backend: '{backend}'")
    return (f"{head}: jitgrad.distributed has the \"mpi\" backend only. Use "
            "init_process_group(backend=\"mpi\") and start the ranks with "
            "mpiexec -n N python script.py")


def dist_mpi_ignores_rank(world_size, rank):
    return (f"For MPI backend, world_size ({world_size}) and rank ({rank}) are ignored since "
            "they are assigned by the MPI runtime.")


def dist_env_mismatch(name, value, mpi_rank, mpi_size):
    return (f"{name}={value} in the environment, but MPI started this process as rank "
            f"{mpi_rank} of {mpi_size}: jitgrad.distributed takes the ranks from MPI, so start "
            "the processes with mpiexec -n N python script.py (and set RANK and WORLD_SIZE "
            "to MPI's values, or not at all)")


def dist_timeout_type(timeout):
    return ("Expected timeout argument to be of type datetime.timedelta, got "
            f"{type(timeout)}")


def dist_not_tensor(param_name, param):
    return (f"Invalid function argument. Expected parameter `{param_name}` of type "
            f"jitgrad.Tensor\n             but got {type(param)} instead.")


def dist_not_tensor_list(param_name, param):
    if not isinstance(param, list):
        return (f"Invalid function argument. Expected parameter `{param_name}` of type "
                f"List[jitgrad.Tensor]\n             but got {type(param)} instead.")
    return (f"Invalid function argument. Expected parameter `{param_name}` of type "
            f"List[jitgrad.Tensor]\n             but got {type(param)} with elements of type "
            f"{[type(p) for p in param]}.")


def dist_dtypes_differ(first, other):
    return f"Invalid usage of tensors with different dtypesFound {first} and  {other}"


def dist_self_rank(rank_type):
    return (f"Invalid {rank_type} rank: {rank_type} rank should not be the same as the rank of "
            "the current process.")


def dist_invalid_root(op, rank):
    return f"ProcessGroupMPI::{op}: invalid root rank: {rank}"


def dist_list_length(op, which, expected, got):
    return (f"ProcessGroupMPI::{op}: invalid {which} tensor list at index 0 (expected length "
            f"{expected}, got {got})")


def dist_tensor_size(op, index, expected, got):
    return (f"ProcessGroupMPI::{op}: invalid tensor size at index {index} (expected "
            f"({', '.join(map(str, expected))}), got ({', '.join(map(str, got))}))")


def dist_tensor_type(op, index, expected, got):
    return (f"ProcessGroupMPI::{op}: invalid tensor type at index {index} (expected dtype="
            f"{expected}, got dtype={got})")


def dist_gather_list_size(op, got, size):
    return (f"ProcessGroupMPI::{op}: Incorrect output list size {got}. Output list size should "
            f"be {size}, same as size of the process group.")


def dist_bad_op(func, op):
    return (f"{func}(): op must be a jitgrad.distributed.ReduceOp (SUM, AVG, PRODUCT, MIN, MAX, "
            f"BAND, BOR, BXOR), got {op!r}")


def dist_op_unsupported(op):
    return f"Cannot use {op} with non-integral dtype"


def dist_deprecated(name, instead):
    return (f"`torch.distributed.{name}` is deprecated. Please use "
            f"`torch.distributed.{instead}` instead.")


def dist_rank_out_of_range(rank, size):
    return f"Group rank {rank} is not part of group of size {size}"


# DistributedDataParallel
DDP_NO_GRAD_PARAMS = ("DistributedDataParallel is not needed when a module doesn't have any "
                      "parameter that requires a gradient.")
DDP_DEVICE_IDS_LEN = "device_ids can only be None or contain a single element."
DDP_BROADCAST_BUFFERS_DEPRECATED = (
    "`broadcast_buffers` is deprecated. Use `forward_sync_buffers` instead. IMPORTANT: unlike "
    "`broadcast_buffers=False`, `forward_sync_buffers=False` still syncs buffers at init. If "
    "you rely on buffers NOT being synced at init (e.g. rank-local buffers), keep using "
    "`broadcast_buffers=False` until `init_sync_buffers` is available.")
DDP_BOTH_BUFFER_FLAGS = (
    "Both `broadcast_buffers` and `forward_sync_buffers` were specified. `broadcast_buffers` is "
    "deprecated and its value is ignored when `forward_sync_buffers` is provided.")
DDP_CHECK_REDUCTION = ("The `check_reduction` argument in `DistributedDataParallel` module is "
                       "deprecated. Please avoid using it.")
DDP_NO_UNUSED_FOUND = (
    "find_unused_parameters=True was specified in DDP constructor, but did not find any unused "
    "parameters in the forward pass. This flag results in an extra traversal of the autograd "
    "graph every iteration,  which can adversely affect performance. If your model indeed never "
    "has any unused parameters in the forward pass, consider turning this flag off. Note that "
    "this warning may be a false positive if your model has flow control causing later "
    "iterations to have unused parameters.")
def ddp_marked_twice(index, find_unused):
    msg = ("Expected to mark a variable ready only once. This error is caused by one of the "
           "following reasons: 1) Use of a module parameter outside the `forward` function. "
           "Please make sure model parameters are not shared across multiple concurrent "
           "forward-backward passes. or try to use _set_static_graph() as a workaround if this "
           "module graph does not change during training loop.2) Reused parameters in multiple "
           "reentrant backward passes. For example, if you use multiple `checkpoint` functions "
           "to wrap the same part of your model, it would result in the same set of parameters "
           "been used by different reentrant backward passes multiple times, and hence marking "
           "a variable ready multiple times. DDP does not support such use cases in default. "
           "You can try to use _set_static_graph() as a workaround if your module graph does "
           "not change over iterations.")
    if find_unused:
        msg += ("3) Incorrect unused parameter detection. The return value of the `forward` "
                "function is inspected by the distributed data parallel wrapper to figure out "
                "if any of the module's parameters went unused. For unused parameters, DDP "
                "would not expect gradients from then. However, if an unused parameter becomes "
                "part of the autograd graph at a later point in time (e.g., in a reentrant "
                "backward when using `checkpoint`), the gradient will show up unexpectedly. If "
                "all parameters in the model participate in the backward pass, you can disable "
                "unused parameter detection by passing the keyword argument "
                "`find_unused_parameters=False` to `torch.nn.parallel.DistributedDataParallel`. "
                "If unused parameters in the model do not change over iterations, You can try "
                "to use _set_static_graph() as a workaround if this module graph does not "
                "change during training loop.")
    return msg + (f"\nParameter at index {index} has been marked as ready twice. This means "
                  "that multiple autograd engine  hooks have fired for this particular "
                  "parameter during this iteration. You can set the environment variable "
                  "TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to print parameter names "
                  "for further debugging.")


DDP_GRAD_NOT_BUCKET_VIEW = (
    "Detected at least one parameter gradient is not the expected DDP bucket view with "
    "gradient_as_bucket_view=True. This may happen (for example) if multiple allreduce hooks "
    "were registered onto the same parameter. If you hit this error, please file an issue "
    "with a minimal repro.")


def ddp_device_args(device_ids, output_device):
    return ("DistributedDataParallel device_ids and output_device arguments only work with "
            "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
            f"{device_ids}, output_device {output_device}, and module parameters "
            "{device(type='cpu')}.")


def ddp_unsupported(option):
    return f"jitgrad's DistributedDataParallel does not support {option} yet"


def ddp_prior_reduction(find_unused, rank, indices):
    msg = ("Expected to have finished reduction in the prior iteration before starting a new "
           "one. This error indicates that your module has parameters that were not used in "
           "producing loss. ")
    outputs = "making sure all `forward` function outputs participate in calculating loss. "
    bug = ("\nIf you already have done the above, then the distributed data parallel module "
           "wasn't able to locate the output tensors in the return value of your module's "
           "`forward` function. Please include the loss function and the structure of the "
           "return value of `forward` of your module when reporting this issue (e.g. list, "
           "dict, iterable).")
    if not find_unused:
        msg += ("You can enable unused parameter detection by passing the keyword argument "
                "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, "
                "and by \n" + outputs + bug)
    else:
        msg += ("Since `find_unused_parameters=True` is enabled, this likely  means that not "
                "all `forward` outputs participate in computing loss. You can fix this by "
                + outputs + bug)
    return (msg + f"\nParameter indices which did not receive grad for rank {rank}: "
            + " ".join(map(str, indices)) +
            "\n In addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG to "
            "either INFO or DETAIL to print out information about which particular parameters "
            "did not receive gradient on this rank as part of this error")


def ddp_param_count(rank, count, other_rank, other_count):
    return (f"DDP expects same model across all ranks, but Rank {rank} has {count} params, "
            f"while rank {other_rank} has inconsistent {other_count} params.")


def ddp_param_shape(index, shape, other_rank):
    return (f"DDP expects same model across all ranks, but params[{index}] in this process with "
            f"sizes [{', '.join(map(str, shape))}] appears not to match sizes of the same param "
            f"in process {other_rank}.")


# DistributedSampler
DIST_SAMPLER_UNAVAILABLE = "Requires distributed package to be available"


def dist_sampler_rank(rank, num_replicas):
    return f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"

DIST_ABORTING = ("this rank raised: aborting the MPI job (MPI_Abort), so that the other ranks "
                 "do not wait for it")


def dist_env_mismatch_elsewhere():
    return ("another rank's RANK or WORLD_SIZE environment variable disagrees with MPI's "
            "ranks (its error says which): start the processes with mpiexec -n N python "
            "script.py")


def dist_wait_timeout(seconds):
    return f"Work.wait: the operation did not complete within the timeout of {seconds:g} s"


def dist_scatter_list_size(op, got, size):
    return (f"ProcessGroupMPI::{op}: Incorrect input list size {got}. Input list size should "
            f"be {size}, same as size of the process group.")


def dist_invalid_peer(kind, rank, size):
    return f"Invalid {kind} rank {rank}: the group has ranks 0 to {size - 1}"

DIST_SUBGROUPS = ("jitgrad.distributed does not support process groups of some of the ranks yet: "
                  "new_group() takes the whole world only")

DDP_COMPILE_BREAK = ("DistributedDataParallel: its gradient all-reduce runs in autograd hooks, "
                     "which jitgrad.compile does not capture")


# ---- torch.linalg's LU and triangular solvers, matrix_exp (jitgrad/ops/linalg_lu.py,
# jitgrad/ops/linalg_matrix_exp.py)
SOLVE_TRIANGULAR_UPPER = ('linalg_solve_triangular() missing 1 required positional arguments: '
                          '"upper"')
TRIANGULAR_SOLVE_DEPRECATED = (
    "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
    "removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments "
    "reversed and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, "
    "A).solution\nshould be replaced with\nX = torch.linalg.solve_triangular(A, B).")
LU_NO_PIVOT_CPU = "linalg.lu_factor: LU without pivoting is not implemented on the CPU"
LU_SOLVE_PIVOTS_DTYPE = "linalg.lu_solve: pivots should be a Tensor of scalar type jitgrad.int32"
LU_SOLVE_PIVOTS_COUNT = ("linalg.lu_solve: Number of pivots per batch should be same as the "
                         "dimension of the matrix")
LU_SOLVE_PIVOTS_LOW = ("Pivots given to lu_solve must all be greater or equal to 1. Did you "
                       "properly pass the result of lu_factor?")
LU_SOLVE_PIVOTS_HIGH = ("Pivots given to lu_solve must all be smaller or equal to LU.size(-2). "
                        "Did you properly pass the result of lu_factor?")
LU_UNPACK_PIVOTS_DTYPE = (
    "jitgrad.lu_unpack: LU_pivots is expected to be a contiguous tensor of jitgrad.int32 dtype.\n"
    "Note: this function is intended to be used with the output produced by "
    "jitgrad.linalg.lu_factor")
COMPLEX_EIG = ("jitgrad.{} returns complex tensors, and jitgrad has no complex dtypes: complex "
               "tensors are not supported (for a symmetric matrix, jitgrad.linalg.eigh and "
               "eigvalsh give real eigenvalues and eigenvectors)")


def triangular_solve_min_2d(arg, ndim):
    return (f"jitgrad.triangular_solve: Expected {arg} to have at least 2 dimensions, but it has "
            f"{ndim} dimensions instead")


def triangular_solve_shapes(a_shape, b_shape):
    return (f"Incompatible matrix sizes for triangular_solve: each A matrix is {a_shape[0]} by "
            f"{a_shape[1]} but each b matrix is {b_shape[0]} by {b_shape[1]}")


def triangular_solve_dtypes(b, a):
    return (f"Expected b and A to have the same dtype, but found b of type {b} and A of type {a} "
            "instead.")


def lu_min_2d(fname, shape):
    return (f"{fname}: Expected tensor with 2 or more dimensions. Got size: "
            f"[{', '.join(map(str, shape))}] instead")


def lu_factor_singular(fname, batch, info):
    prefix = f"{fname}: " if batch is None else f"{fname}: (Batch element {batch}): "
    return (f"{prefix}U[{info},{info}] is zero and using it on lu_solve would result in a "
            "division by zero. If you still want to perform the factorization, consider calling "
            "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_solve_dtypes(lu, b):
    return (f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type {lu} "
            f"and B of type {b} instead")


def lu_solve_pivots_shape(shape):
    return (f"linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got "
            f"pivots with shape [{', '.join(map(str, shape))}] instead")

CLIP_GRAD_EMPTY_GENERATOR = "`parameters` is an empty generator, no gradient clipping will occur."
