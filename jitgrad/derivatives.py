"""The op table: for every op, its node name, the kernels that run forward
and backward, what is saved, and its derivative formula per input.

Read it like torch's ``tools/autograd/derivatives.yaml``: one entry per op,
one formula per differentiable input, written over ``grad`` (the incoming
gradient), ``self``/``other`` (the inputs) and ``result`` (the output).
The formulas are the specification and the input of ``jitgrad.compile``'s
fused kernels (``jitgrad/compiler/formulas.py`` turns them into scalar
code); the ``Grad`` next to each says which kernel computes it on the eager
path and with which arguments. ``Grad(None, "grad")`` is the identity.
Broadcast inputs then get ``sum_to_shape`` of that gradient.

The activations with parameters (``Pointwise``: leaky_relu, elu, gelu,
silu, softplus) are as machine-readable as the elementwise ops: their eager
node (``jitgrad/ops/parametric.py``) and the compiler both read their
entries; so are the pointwise ops of several tensors (``Nary``: lerp,
addcmul, addcdiv; eager glue in ``jitgrad/ops/pointwise_extra.py``). Ops
that are not elementwise (reductions, matmul, views, losses) keep their
forward and backward together in ``jitgrad/ops/``; their entries
here name their node and formulas, so the table stays the one list of every
op.
"""
from dataclasses import dataclass, field

import numpy as _np

from .kernels import activations as A
from .kernels import elementwise as K
from .kernels import pointwise as KP
from .kernels import special as KS


_ARG_SLOTS = {"grad": 0, "self": 1, "other": 2, "result": 3}


@dataclass(frozen=True)
class Grad:
    """Gradient of one input: ``kernel(*args, out)``; ``args`` name the
    incoming gradient and saved values, ``slots`` index them in
    (grad, self, other, result)."""
    kernel: object
    args: tuple
    slots: tuple
    binary: bool        # kernel(grad, one saved value, out): the common shape, called directly

    def __init__(self, kernel, *args):
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "args", args)
        # (Nary gradients name their inputs and parameters instead: no slot)
        object.__setattr__(self, "slots", tuple(_ARG_SLOTS.get(a) for a in args))
        object.__setattr__(self, "binary", len(args) == 2 and args[0] == "grad")


@dataclass(frozen=True)
class Unary:
    name: str
    node: str
    forward: object
    grad: Grad
    formula: str
    float_only: bool = True          # integer inputs compute in the default float dtype
    elementwise: bool = True


@dataclass(frozen=True)
class Binary:
    name: str
    node: str
    forward: object
    grads: tuple                      # (Grad for self, Grad for other)
    formulas: tuple
    float_only: bool = False
    elementwise: bool = True
    both: object = None               # kernel(grad, self, other, out_self, out_other): both
                                      # gradients in one pass, when both inputs need one
    int_forward: object = None        # the forward for an integer (or bool) result, when it
                                      # differs; it returns True if it met a zero divisor


@dataclass(frozen=True)
class Composite:
    """An op whose forward/backward pair lives in jitgrad/ops. ``slots``: for
    an elementwise one that jitgrad.compile fuses (clamp, where), its operands
    in the order of its scalar form ``kernels/scalar.py:<name>``; its formulas
    are then over these names."""
    name: str
    node: str
    formulas: dict = field(default_factory=dict)
    elementwise: bool = False
    slots: tuple = ()


@dataclass(frozen=True)
class Pointwise:
    """A pointwise op with parameters (nn.functional's activations), read by
    the eager node (``ops/activations.py``) and the compiler alike: the
    forward ``forward(x, *params, out)``, the gradient kernel
    ``grad.kernel(grad, saved, *params, out)`` (``grad.args`` names the saved
    value: the input, or the result for the in-place forms), the derivative
    formula over ``grad``, ``self``/``result`` and the parameters, and the
    float32 (forward, gradient kernel) pair where float32 computes otherwise."""
    name: str
    node: str
    forward: object
    grad: Grad
    formula: str
    params: tuple = ()
    float32: tuple = None
    elementwise: bool = True

    @property
    def formulas(self):
        return {"self": self.formula}


@dataclass(frozen=True)
class Nary:
    """A pointwise op of several tensors and number parameters (lerp, addcmul,
    addcdiv), read by its eager node (``jitgrad/ops/pointwise_extra.py``) and
    the compiler alike: the forward ``forward(*inputs, *params, out)`` (the
    tensors broadcast, in the result dtype), per input its gradient kernel
    (``Grad(kernel, "grad", names of inputs and parameters...)``, the kernel's
    arguments in that order) and its formula over ``grad``, the inputs and
    the parameters."""
    name: str
    node: str
    forward: object
    inputs: tuple                     # the tensor operands' names, in forward's order
    grads: tuple                      # a Grad per input
    formulas: dict                    # {input: formula}
    params: tuple = ()
    elementwise: bool = True

    @property
    def slots(self):
        return (*self.inputs, *self.params)


@dataclass(frozen=True)
class Kernel:
    """An op that is not elementwise, whose work is two array functions of
    ``jitgrad/ops/<module>.py`` that its eager node and ``jitgrad.compile``
    share: ``<name>_forward(<the API's arguments, with arrays for tensors>)``
    returns (outputs, saved), and ``<name>_backward(saved, grads, needs)``
    returns a gradient (or None) per name in ``inputs``, given an array (or
    None) per output and a bool per input. ``api``: the public functions whose
    calls jitgrad.compile captures as this op (the rest of its table entry is
    as a Composite's: the node name, a formula per input). ``api`` paths are
    attributes of the ``jitgrad`` package ("nn.functional.conv2d",
    "Tensor.matmul"); entries that share an ``api`` function (F.interpolate's
    modes) tell their forms apart by ``covers``. ``updates``: inputs the op writes in place and steps
    the version of (instance_norm's running statistics): after the API's
    outputs the forward returns a new array for each it updates, in this
    order, which jitgrad.compile writes into the tensor as the eager op does.
    (batch_norm's kernel moves its running statistics in the arrays
    themselves, leaving their versions alone as torch does.) ``sequences``:
    the inputs that are a list or tuple of tensors (torch's ``_VF.lstm``
    flat weights, its (h0, c0) state): the forward gets a list or tuple of
    arrays there, and ``needs`` and the backward's gradients have one slot
    per element in its place (the inputs flattened in order)."""
    name: str
    node: str
    module: str
    inputs: tuple
    formulas: dict
    api: tuple = ()
    elementwise: bool = False
    updates: tuple = ()
    sequences: tuple = ()

    def functions(self):
        """(forward, backward): the array functions, imported on first use."""
        module = self._module()
        return getattr(module, f"{self.name}_forward"), getattr(module, f"{self.name}_backward")

    def covers(self):
        """``<name>_covers`` of the module, or None: for an entry that takes
        some forms of its ``api`` call only (F.pad's constant mode), a
        predicate of the call's arguments (the forward's parameters, tensors
        as tensors); jitgrad.compile replays the other forms as eager calls."""
        return getattr(self._module(), f"{self.name}_covers", None)

    def _module(self):
        import importlib
        return importlib.import_module(f"jitgrad.ops.{self.module}")


GRAD = Grad(None, "grad")

UNARY = {op.name: op for op in [
    #     name       node               forward            gradient kernel and its inputs              formula
    Unary("neg",     "NegBackward0",     K.neg_forward,     Grad(K.neg_forward, "grad"),                "-grad", float_only=False),
    Unary("exp",     "ExpBackward0",     K.exp_forward,     Grad(K.mul_forward, "grad", "result"),      "grad * result"),
    Unary("log",     "LogBackward0",     K.log_forward,     Grad(K.div_forward, "grad", "self"),        "grad / self"),
    Unary("sqrt",    "SqrtBackward0",    K.sqrt_forward,    Grad(K.sqrt_backward, "grad", "result"),    "grad / (2 * result)"),
    Unary("abs",     "AbsBackward0",     K.abs_forward,     Grad(K.abs_backward, "grad", "self"),       "grad * self.sign()", float_only=False),
    Unary("sigmoid", "SigmoidBackward0", K.sigmoid_forward, Grad(K.sigmoid_backward, "grad", "result"), "grad * result * (1 - result)"),
    Unary("tanh",    "TanhBackward0",    K.tanh_forward,    Grad(K.tanh_backward, "grad", "result"),    "grad * (1 - result * result)"),
    Unary("relu",    "ReluBackward0",    K.relu_forward,    Grad(K.threshold_backward, "grad", "result"), "threshold_backward(grad, result, 0)", float_only=False),
    Unary("log1p",   "Log1PBackward0",   K.log1p_forward,   Grad(K.log1p_backward, "grad", "self"),     "grad / (self + 1)"),
    Unary("expm1",   "Expm1Backward0",   K.expm1_forward,   Grad(K.expm1_backward, "grad", "result"),   "grad * (result + 1)"),
    Unary("sin",     "SinBackward0",     K.sin_forward,     Grad(K.sin_backward, "grad", "self"),       "grad * self.cos()"),
    Unary("cos",     "CosBackward0",     K.cos_forward,     Grad(K.cos_backward, "grad", "self"),       "grad * -self.sin()"),
    Unary("reciprocal", "ReciprocalBackward0", K.reciprocal_forward, Grad(K.reciprocal_backward, "grad", "result"), "-grad * (result * result)"),
    Unary("rsqrt",   "RsqrtBackward0",   K.rsqrt_forward,   Grad(K.rsqrt_backward, "grad", "result"),   "-0.5 * grad * result.pow(3)"),
    # zero gradient everywhere; integer inputs keep their dtype (floor/ceil/round: a copy)
    Unary("sign",    "SignBackward0",    K.sign_forward,    Grad(K.zero_backward, "grad"),              "zeros_like(grad)", float_only=False),
    Unary("floor",   "FloorBackward0",   K.floor_forward,   Grad(K.zero_backward, "grad"),              "zeros_like(grad)", float_only=False),
    Unary("ceil",    "CeilBackward0",    K.ceil_forward,    Grad(K.zero_backward, "grad"),              "zeros_like(grad)", float_only=False),
    Unary("round",   "RoundBackward0",   K.round_forward,   Grad(K.zero_backward, "grad"),              "zeros_like(grad)", float_only=False),
    # square is torch's pow(self, 2) (integers stay integers; bools become int64 in functions.square)
    Unary("square",  "PowBackward0",     K.square_forward,  Grad(K.square_backward, "grad", "self"),    "grad * (2 * self)", float_only=False),
    Unary("log2",    "Log2Backward0",    K.log2_forward,    Grad(K.log2_backward, "grad", "self"),      "grad / (self * 0.6931471805599453)"),
    Unary("log10",   "Log10Backward0",   K.log10_forward,   Grad(K.log10_backward, "grad", "self"),     "grad / (self * 2.302585092994046)"),
    Unary("tan",     "TanBackward0",     K.tan_forward,     Grad(K.tan_backward, "grad", "result"),     "grad * (1 + result * result)"),
    Unary("sinh",    "SinhBackward0",    K.sinh_forward,    Grad(K.sinh_backward, "grad", "self"),      "grad * self.cosh()"),
    Unary("cosh",    "CoshBackward0",    K.cosh_forward,    Grad(K.cosh_backward, "grad", "self"),      "grad * self.sinh()"),
    Unary("atan",    "AtanBackward0",    K.atan_forward,    Grad(K.atan_backward, "grad", "self"),      "grad / (self * self + 1)"),
    Unary("asin",    "AsinBackward0",    K.asin_forward,    Grad(K.asin_backward, "grad", "self"),      "grad * (-self * self + 1).rsqrt()"),
    Unary("acos",    "AcosBackward0",    K.acos_forward,    Grad(K.acos_backward, "grad", "self"),      "grad * -((-self * self + 1).rsqrt())"),
    Unary("asinh",   "AsinhBackward0",   K.asinh_forward,   Grad(K.asinh_backward, "grad", "self"),     "grad * (self * self + 1).rsqrt()"),
    Unary("acosh",   "AcoshBackward0",   K.acosh_forward,   Grad(K.acosh_backward, "grad", "self"),     "grad * (self * self - 1).rsqrt()"),
    Unary("atanh",   "AtanhBackward0",   K.atanh_forward,   Grad(K.atanh_backward, "grad", "self"),     "grad / (1 - self * self)"),
    # kernels/pointwise.py; the constants are 2 / sqrt(pi) and sqrt(pi) / 2. trunc keeps
    # integers (a copy), frac refuses them (messages.FLOAT_ONLY_KERNEL)
    Unary("erf",     "ErfBackward0",     KP.erf_forward,    Grad(KP.erf_backward, "grad", "self"),      "1.1283791670955126 * (-(self * self)).exp() * grad"),
    Unary("erfc",    "ErfcBackward0",    KP.erfc_forward,   Grad(KP.erfc_backward, "grad", "self"),     "-1.1283791670955126 * (-(self * self)).exp() * grad"),
    Unary("erfinv",  "ErfinvBackward0",  KP.erfinv_forward, Grad(KP.erfinv_backward, "grad", "result"), "0.8862269254527579 * (result * result).exp() * grad"),
    Unary("trunc",   "TruncBackward0",   KP.trunc_forward,  Grad(K.zero_backward, "grad"),              "zeros_like(grad)", float_only=False),
    Unary("frac",    "FracBackward0",    KP.frac_forward,   Grad(KP.identity_backward, "grad"),         "grad", float_only=False),
]}

BINARY = {op.name: op for op in [
    #      name   node             forward          gradient of self                                   gradient of other                                              formulas (self, other)
    Binary("add", "AddBackward0",  K.add_forward,   (GRAD,                                             GRAD),                                                        ("grad", "grad")),
    Binary("sub", "SubBackward0",  K.sub_forward,   (GRAD,                                             Grad(K.neg_forward, "grad")),                                 ("grad", "-grad")),
    Binary("mul", "MulBackward0",  K.mul_forward,   (Grad(K.mul_forward, "grad", "other"),             Grad(K.mul_forward, "grad", "self")),                         ("grad * other", "grad * self"), both=K.mul_backward),
    Binary("div", "DivBackward0",  K.div_forward,   (Grad(K.div_forward, "grad", "other"),             Grad(K.div_backward_other, "grad", "self", "other")),         ("grad / other", "-grad * ((self / other) / other)"), float_only=True, both=K.div_backward),
    Binary("pow", "PowBackward1",  K.pow_forward,   (Grad(K.pow_backward_self, "grad", "self", "other"), Grad(K.pow_backward_exponent, "grad", "self", "other", "result")), ("pow_backward_self(grad, self, other)", "pow_backward_exponent(grad, self, other, result)")),
    # half the gradient to each side at a tie, as torch; nan (unordered) passes it all
    Binary("maximum", "MaximumBackward0", K.maximum_forward, (Grad(K.extremum_backward, "grad", "self", "other"), Grad(K.extremum_backward, "grad", "other", "self")),
           ("grad * (1 - (self < other).float() - (self == other).float() / 2)", "grad * (1 - (other < self).float() - (self == other).float() / 2)")),
    Binary("minimum", "MinimumBackward0", K.minimum_forward, (Grad(K.extremum_backward, "grad", "other", "self"), Grad(K.extremum_backward, "grad", "self", "other")),
           ("grad * (1 - (self > other).float() - (self == other).float() / 2)", "grad * (1 - (other > self).float() - (self == other).float() / 2)")),
    # the integer-division family: remainder (Python's %, the divisor's sign), fmod (C's, the
    # dividend's sign), div(rounding_mode="floor"/"trunc") (zero gradients, as torch's
    # new_zeros); floor_divide (``//``) is div_floor's forward under a NotImplemented node
    Binary("remainder", "RemainderBackward1", K.remainder_forward, (GRAD, Grad(K.remainder_backward_other, "grad", "self", "other")),
           ("grad", "-grad * self.div(other, rounding_mode='floor')"), int_forward=K.int_remainder_forward),
    Binary("fmod", "FmodBackward1", K.fmod_forward, (GRAD, Grad(K.fmod_backward_other, "grad", "self", "other")),
           ("grad", "-grad * self.div(other, rounding_mode='trunc')"), int_forward=K.int_fmod_forward),
    Binary("div_floor", "DivBackward2", K.div_floor_forward, (Grad(K.zero_backward, "grad"), Grad(K.zero_backward, "grad")),
           ("zeros_like(grad)", "zeros_like(grad)"), int_forward=K.int_div_floor_forward),
    Binary("div_trunc", "DivBackward2", K.div_trunc_forward, (Grad(K.zero_backward, "grad"), Grad(K.zero_backward, "grad")),
           ("zeros_like(grad)", "zeros_like(grad)"), int_forward=K.int_div_trunc_forward),    Binary("atan2", "Atan2Backward0", K.atan2_forward, (Grad(K.atan2_backward_self, "grad", "self", "other"), Grad(K.atan2_backward_other, "grad", "self", "other")),
           ("grad * other * atan2_recip(self, other)", "grad * -self * atan2_recip(self, other)"), float_only=True, both=K.atan2_backward),
    # kernels/pointwise.py. hypot, logaddexp(2): tensors only, float results only
    # (messages.FLOAT_ONLY_KERNEL); xlogy: integers compute in the default float dtype
    Binary("hypot", "HypotBackward0", KP.hypot_forward, (Grad(KP.hypot_backward, "grad", "self", "result"), Grad(KP.hypot_backward, "grad", "other", "result")),
           ("grad * self / result", "grad * other / result")),
    Binary("logaddexp", "LogaddexpBackward0", KP.logaddexp_forward, (Grad(KP.logaddexp_backward, "grad", "self", "other"), Grad(KP.logaddexp_backward, "grad", "other", "self")),
           ("grad / (1 + (other - self).exp())", "grad / (1 + (self - other).exp())")),
    Binary("logaddexp2", "Logaddexp2Backward0", KP.logaddexp2_forward, (Grad(KP.logaddexp2_backward, "grad", "self", "other"), Grad(KP.logaddexp2_backward, "grad", "other", "self")),
           ("grad / (1 + exp2(other - self))", "grad / (1 + exp2(self - other))")),
    Binary("xlogy", "XlogyBackward0", KP.xlogy_forward, (Grad(KP.xlogy_backward_self, "grad", "self", "other"), Grad(KP.xlogy_backward_other, "grad", "self", "other")),
           ("xlogy_backward_self(grad, self, other)", "grad * self / other"), float_only=True),
]}

# Comparisons return bool tensors and are not differentiable.
COMPARISON = {"lt": K.lt_forward, "le": K.le_forward, "gt": K.gt_forward,
              "ge": K.ge_forward, "eq": K.eq_forward, "ne": K.ne_forward}

# Float-class tests return bool tensors and are not differentiable: (kernel, the
# answer for every element of an integer or bool tensor).
PREDICATE = {"isnan": (K.isnan_forward, False), "isinf": (K.isinf_forward, False),
             "isfinite": (K.isfinite_forward, True)}
# any / all (bool reductions, not differentiable either) live in jitgrad/ops/reductions.py.

# Bitwise and logical ops (jitgrad/ops/logical.py): not differentiable, one numpy ufunc
# each, which computes torch's values (a shift past the width: 0 for <<, the sign for >>).
@dataclass(frozen=True)
class Bitwise:
    name: str
    ufunc: object
    kernel: str          # torch's kernel name in its NotImplementedError for a refused dtype
    symbol: str          # the Python operator
    bool_ok: bool        # bool operands give a bool result (the shifts refuse it)


BITWISE = {op.name: op for op in [
    Bitwise("bitwise_and",         _np.bitwise_and, "bitwise_and_cpu", "&", True),
    Bitwise("bitwise_or",          _np.bitwise_or,  "bitwise_or_cpu",  "|", True),
    Bitwise("bitwise_xor",         _np.bitwise_xor, "bitwise_xor_cpu", "^", True),
    Bitwise("bitwise_left_shift",  _np.left_shift,  "lshift_cpu",      "<<", False),
    Bitwise("bitwise_right_shift", _np.right_shift, "rshift_cpu",      ">>", False),
]}
# bitwise_not (``~``): numpy's invert, "bitwise_not_cpu" for floats (ops/logical.py).
# Logical ops take any dtypes (non-zero is true, nan too) and give bools.
LOGICAL = {"logical_and": _np.logical_and, "logical_or": _np.logical_or,
           "logical_xor": _np.logical_xor, "logical_not": _np.logical_not}

# Node names torch gives the binary ops above when one side is a Python
# scalar: (tensor op scalar, scalar op tensor). Torch computes ``2 / x`` as
# ``x.reciprocal() * 2``, hence MulBackward0.
SCALAR_NODE = {"pow": ("PowBackward0", "PowBackward2"), "sub": ("SubBackward0", "RsubBackward1"),
               "div": ("DivBackward0", "MulBackward0"),
               # torch has no derivative for remainder(Number, Tensor); fmod(Number, Tensor) is refused
               "remainder": ("RemainderBackward0", "NotImplemented"), "fmod": ("FmodBackward0", "NotImplemented"),
               "xlogy": ("XlogyBackward2", "XlogyBackward1")}

COMPOSITE = {op.name: op for op in [
    Composite("sum",       "SumBackward0",      {"self": "grad.expand(self.sizes())"}),
    Composite("sum_dim",   "SumBackward1",      {"self": "sum_backward(grad, self.sizes(), dim, keepdim)"}),
    Composite("mean",      "MeanBackward0",     {"self": "grad.expand(self.sizes()) / self.numel()"}),
    Composite("mean_dim",  "MeanBackward1",     {"self": "mean_backward(grad, self.sizes(), dim, keepdim)"}),
    Composite("norm",      "LinalgVectorNormBackward0", {"self": "norm_backward(grad, self, ord, result, dim, keepdim)"}),
    # max/min family, prod, var/std, logsumexp, cumsum (jitgrad/ops/reductions_extra.py)
    Composite("max",       "MaxBackward1",      {"self": "evenly_distribute_backward(grad, self, result)"}),
    Composite("min",       "MinBackward1",      {"self": "evenly_distribute_backward(grad, self, result)"}),
    Composite("max_dim",   "MaxBackward0",      {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("min_dim",   "MinBackward0",      {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("amax",      "AmaxBackward0",     {"self": "scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim), restore_reduced_dims(result, dim, keepdim) == self, dim)"}),
    Composite("amin",      "AminBackward0",     {"self": "scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim), restore_reduced_dims(result, dim, keepdim) == self, dim)"}),
    Composite("prod",      "ProdBackward0",     {"self": "prod_backward(grad, self, result)"}),
    Composite("prod_dim",  "ProdBackward1",     {"self": "prod_backward(grad, self, result, dim, keepdim)"}),
    Composite("var",       "VarBackward0",      {"self": "var_backward(grad, self, dim, correction, keepdim)"}),
    Composite("std",       "StdBackward0",      {"self": "std_backward(result, grad, self, dim, correction, keepdim)"}),
    Composite("var_mean",  "VarMeanBackward0",  {"self": "var_backward(grads[0], self, dim, correction, keepdim) + mean_backward(grads[1], self.sizes(), dim, self.numel(), keepdim)"}),
    Composite("std_mean",  "StdMeanBackward0",  {"self": "std_backward(result0, grads[0], self, dim, correction, keepdim) + mean_backward(grads[1], self.sizes(), dim, self.numel(), keepdim)"}),
    Composite("logsumexp", "LogsumexpBackward0", {"self": "logsumexp_backward(grad, self, result, dim, keepdim)"}),
    Composite("cumsum",    "CumsumBackward0",   {"self": "cumsum_backward(grad, dim)"}),
    Composite("dot",       "DotBackward0",      {"self": "grad * tensor", "tensor": "grad * self"}),
    Composite("mv",        "MvBackward0",       {"self": "grad.ger(vec)", "vec": "self.t().mv(grad)"}),
    Composite("mm",        "MmBackward0",       {"self": "grad.mm(mat2.t())", "mat2": "self.t().mm(grad)"}),
    Composite("vm",        "SqueezeBackward4",  {"self": "mat2.mv(grad)", "mat2": "self.outer(grad)"}),
    Kernel("matmul",       "UnsafeViewBackward0", "linalg", ("input", "other"),
           {"input": "sum_to(grad.matmul(other.mT), input)", "other": "sum_to(input.mT.matmul(grad), other)"}, ("matmul", "Tensor.matmul", "Tensor.__matmul__")),
    Composite("matmul_2d_batched", "CloneBackward0", {"self": "sum_to(grad.matmul(other.mT), self)", "other": "self.mT.matmul(grad)"}),
    Composite("clone",     "CloneBackward0",    {"self": "grad"}),
    Composite("to",        "ToCopyBackward0",   {"self": "grad.to(self.dtype)"}),
    Composite("view",      "ViewBackward0",     {"self": "grad.reshape(self.sizes())"}),
    Composite("reshape_copy", "UnsafeViewBackward0", {"self": "grad.reshape(self.sizes())"}),
    Composite("transpose", "TransposeBackward0", {"self": "grad.transpose(dim0, dim1)"}),
    Composite("t",         "TBackward0",        {"self": "grad.t()"}),
    Composite("permute",   "PermuteBackward0",  {"self": "permute_backwards(grad, dims)"}),
    # shape ops (jitgrad/ops/shape_ops.py); flatten/unflatten record view/reshape_copy,
    # contiguous records clone. Each piece of split/chunk/unbind has its own node.
    Composite("squeeze",      "SqueezeBackward0",  {"self": "unsqueeze_to(grad, self.sizes())"}),
    Composite("squeeze_dim",  "SqueezeBackward1",  {"self": "unsqueeze_to(grad, dim, self.sizes())"}),
    Composite("squeeze_dims", "SqueezeBackward2",  {"self": "unsqueeze_to(grad, dim, self.sizes())"}),
    Composite("unsqueeze",    "UnsqueezeBackward0", {"self": "grad.squeeze(dim)"}),
    Composite("expand",       "ExpandBackward0",   {"self": "at::sum_to(grad, self.sizes())"}),
    Composite("repeat",       "RepeatBackward0",   {"self": "repeat_backward(grad, repeats, self.sizes())"}),
    Composite("cat",          "CatBackward0",      {"tensors": "cat_tensors_backward(grad, sizes, dtypes, dim)"}),
    Composite("stack",        "StackBackward0",    {"tensors": "stack_tensors_backward(grad, dim, dtypes)"}),
    Composite("split",        "SplitBackward0",    {"self": "split_backward(grads, split_size, dim, self.sizes())"}),
    Composite("split_with_sizes", "SplitWithSizesBackward0", {"self": "split_with_sizes_backward(grads, split_sizes, dim, self.sizes())"}),
    Composite("unbind",       "UnbindBackward0",   {"self": "unbind_backward(grads, dim)"}),
    Composite("narrow",       "SliceBackward0",    {"self": "slice_backward(grad, self.sizes(), dim, start, start + length, 1)"}),
    Composite("gather",       "GatherBackward0",   {"self": "zeros_like(self).scatter_add(dim, index, grad)"}),
    Composite("index_select", "IndexSelectBackward0", {"self": "zeros_like(self).index_add(dim, index, grad)"}),
    Composite("masked_fill",  "MaskedFillBackward0", {"self": "sum_to(grad.masked_fill(mask, 0), self)"}),
    Composite("masked_fill_tensor", "MaskedFillBackward1",
              {"self": "sum_to(grad.masked_fill(mask, 0), self)", "value": "grad.masked_fill(~mask, 0).sum()"}),
    # the recorded backward ops of indexing (create_graph=True): internal, zeros as `self`
    Composite("scatter_add_zeros", "ScatterAddBackward0", {"src": "grad.gather(dim, index)"}),
    Composite("index_add_zeros", "IndexAddBackward0", {"source": "grad.index_select(dim, index)"}),
    Composite("select_backward", "SelectBackwardBackward0", {"grad_output": "grad[key]"}),
    # x.select(dim, index) / torch.select: x[:, ..., index], a view (functions_logical.py)
    Composite("select",       "SelectBackward0",   {"self": "select_backward(grad, self.sizes(), dim, index)"}),
    Composite("slice_backward", "SliceBackwardBackward0", {"grad_output": "grad[key]"}),
    Composite("index_put_accumulate", "IndexPutImplBackward0", {"values": "grad[indices]"}),
    # sorting and selection (jitgrad/ops/selection.py, kernels/sorting.py; msort records sort's
    # node) and tril/triu (their in-place forms too), flip, roll (jitgrad/ops/structure.py)
    Composite("sort",         "SortBackward0",     {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), true)"}),
    Composite("sort_stable",  "SortBackward1",     {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), true)"}),
    Composite("topk",         "TopkBackward0",     {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), true)"}),
    Composite("scatter_zeros", "ScatterBackward0", {"src": "grad.gather(dim, index)"}),    # sort/topk's recorded backward (internal)
    Composite("tril",         "TrilBackward0",     {"self": "grad.tril(diagonal)"}),
    Composite("triu",         "TriuBackward0",     {"self": "grad.triu(diagonal)"}),
    Composite("flip",         "FlipBackward0",     {"self": "grad.flip(dims)"}),
    Composite("roll",         "RollBackward0",     {"self": "grad.roll(-shifts, dims)"}),
    # torch.linalg (jitgrad/ops/linalg_decomp.py): numpy.linalg forwards, FunctionsManual's formulas (real case)
    Composite("linalg_inv",      "LinalgInvExBackward0",  {"A": "-result.mT @ grad @ result.mT"}),
    Composite("linalg_det",      "LinalgDetBackward0",    {"A": "(grad * result) * A^{-T} (solve); singular: U diag(grad * det(U Vh) * prod_{j!=i} S_j) Vh"}),
    Composite("linalg_slogdet",  "LinalgSlogdetBackward0", {"A": "grads[1] * A^{-T} (solve); the sign's gradient is ignored"}),
    Composite("linalg_solve",    "LinalgSolveExBackward0", {"A": "-gB @ X.mT (left) / -X.mT @ gB (right), sum_to", "B": "gB = solve(A.mT, grad) (left) / solve(A, grad.mT).mT (right), sum_to"}),
    Composite("linalg_cholesky", "LinalgCholeskyExBackward0", {"A": "sym(L^{-T} phi(L^T gL) L^{-1}), phi = tril with halved diagonal (gL = grad.mT if upper)"}),
    Composite("cholesky",        "CholeskyBackward0",     {"self": "sym(L^{-T} phi(L^T gL) L^{-1}), phi = tril with halved diagonal (gL = grad.mT if upper)"}),
    Composite("linalg_qr",       "LinalgQrBackward0",     {"A": "(gQ + Q copyltu(R gR^T - gQ^T Q)) R^{-T}; m < n: on A[:, :m] with gQ + Y gV^T, and Q gV for Y"}),
    Composite("linalg_eigh",     "LinalgEighBackward0",   {"A": "V (diag(gL) + skew(V^T gV) / (L_j - L_i)) V^T"}),
    Composite("linalg_svd",      "LinalgSvdBackward0",    {"A": "svd_backward(gU, gS, gVh, U, S, Vh) (skew(U^T gU) S + S skew(Vh gVh^T)) / (S_j^2 - S_i^2), plus the m != n terms"}),
    Composite("linalg_pinv",     "LinalgPinvBackward0",   {"A": "-X^T g X^T + (I - A X) g^T X X^T + X^T X g^T (I - X A)"}),
    Composite("linalg_lstsq",    "LinalgLstsqBackward0",  {"A": "pinv_backward(gX @ B^T, pinv(A), A) + 2 (A X - B) diag(gres) X^T", "B": "pinv(A)^T gX - 2 (A X - B) diag(gres)"}),
    # jitgrad/ops/linalg_lu.py: LAPACK getrf / BLAS trsm forwards; jitgrad/ops/linalg_matrix_exp.py
    Composite("linalg_solve_triangular", "LinalgSolveTriangularBackward0", {"A": "-(gB @ X.mT) (left) / -(X.mT @ gB) (right), triu(unitriangular) if upper else tril(-unitriangular), sum_to", "B": "gB = solve_triangular(A.mT, grad, upper=!upper, left, unitriangular), sum_to"}),
    Composite("triangular_solve", "TriangularSolveBackward0", {"self": "triangular_solve(grad_solution, A, upper, !transpose, unitriangular).solution, sum_to", "A": "(transpose ? -X @ gb.mT : -gb @ X.mT) triangle of A + grad_cloned_coefficient, sum_to"}),
    Composite("linalg_lu_factor_ex", "LinalgLuFactorExBackward0", {"A": "lu_factor_ex_backward: linalg_lu_backward(grad[..., :, :k], grad[..., :k, :], lu_unpack(LU, pivots))"}),
    Composite("linalg_lu",       "LinalgLuBackward0",     {"A": "linalg_lu_backward(grad_L, grad_U, P, L, U): square P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T; wide/tall: the extra block of U or L straight through"}),
    Composite("lu_unpack",       "LuUnpackBackward0",     {"LU_data": "lu_unpack_backward(grad_L, grad_U, m, n): tril(gL, -1) + triu(gU), the extra block of L or U"}),
    Composite("linalg_lu_solve", "LinalgLuSolveBackward0", {"LU": "linalg_lu_solve_LU(grad, LU, pivots, result, left, adjoint), sum_to", "B": "lu_solve(LU, pivots, grad, left, !adjoint), sum_to"}),
    Composite("linalg_matrix_exp", "LinalgMatrixExpBackward0", {"A": "matrix_exp([[A.mT, grad], [0, A.mT]])[..., :n, n:]"}),
    Composite("linalg_cross",    "LinalgCrossBackward0",  {"input": "sum_to(other.cross(grad, dim), input)", "other": "sum_to(grad.cross(input, dim), other)"}),
    Composite("vector_norm_negative", "LinalgVectorNormBackward0", {"self": "norm_backward(grad, self, ord, result, dim, keepdim) (ord < 0; -inf: evenly over the minima)"}),
    Composite("matrix_power_zero", "CopyBackwards",       {"A": "zeros_like(A)"}),
    # scatter/index_*/masked_*/take (jitgrad/ops/scatter.py), scans and in-place view ops
    # (jitgrad/ops/scans.py); masked_fill_ records masked_fill's node, take_along_dim gather's
    Composite("scatter",        "ScatterBackward0",   {"self": "grad.scatter(dim, index, 0)", "src": "grad.gather(dim, index)"}),
    Composite("scatter_value",  "ScatterBackward1",   {"self": "grad.scatter(dim, index, 0)"}),
    Composite("scatter_add",    "ScatterAddBackward0", {"self": "grad", "src": "grad.gather(dim, index)"}),
    Composite("scatter_reduce", "ScatterReduceBackward0",
              {"self": "scatter_reduce_backward(grad, self, dim, index, src, reduce, include_self, result)[0]",
               "src": "scatter_reduce_backward(grad, self, dim, index, src, reduce, include_self, result)[1]"}),
    Composite("index_add",      "IndexAddBackward0",  {"self": "grad", "source": "maybe_multiply(grad.index_select(dim, index).expand_as(source), alpha)"}),
    Composite("index_copy",     "IndexCopyBackward0", {"self": "grad.index_fill(dim, index, 0)", "source": "grad.index_select(dim, index).expand_as(source)"}),
    Composite("index_fill",     "IndexFillBackward0", {"self": "grad.index_fill(dim, index, 0)"}),
    Composite("index_fill_tensor", "IndexFillBackward1", {"self": "grad.index_fill(dim, index, 0)", "value": "grad.index_select(dim, index).sum()"}),
    Composite("index_put",      "IndexPutBackward0",  {"self": "accumulate ? grad : grad.index_put(indices, zeros_like(values), false)", "values": "sum_to(grad[indices], values)"}),
    Composite("masked_select",  "MaskedSelectBackward0", {"self": "sum_to(zeros(broadcast shape).masked_scatter(mask, grad), self)"}),
    Composite("masked_scatter", "MaskedScatterBackward0", {"self": "sum_to(grad.masked_fill(mask, 0), self)", "source": "masked_scatter_backward(grad, mask, source.sizes())"}),
    Composite("take",           "TakeBackward0",      {"self": "zeros_like(self).put_(index, grad, true)"}),
    Composite("take_along_dim", "GatherBackward0",    {"self": "sum_to(zeros(broadcast shape).scatter_add(dim, indices, grad), self)"}),
    Composite("cumprod",        "CumprodBackward0",   {"self": "cumprod_backward(grad, self, dim, result)"}),
    Composite("cummax",         "CummaxBackward0",    {"self": "cummaxmin_backward(grad, self, indices, dim)"}),
    Composite("cummin",         "CumminBackward0",    {"self": "cummaxmin_backward(grad, self, indices, dim)"}),
    Composite("logcumsumexp",   "LogcumsumexpBackward0", {"self": "logcumsumexp_backward(grad, self, result, dim)"}),
    Composite("squeeze_",       "SqueezeBackward3",   {"self": "unsqueeze_to(grad, self.sizes())"}),
    # kthvalue/median/mode/quantile (jitgrad/ops/selection_more.py), rot90/diag/diagonal/trace/
    # block_diag/kron/cdist (jitgrad/ops/structure_more.py), torch's composites meshgrid/
    # repeat_interleave/tensor_split/movedim/atleast_* (jitgrad/ops/combining.py: their last op's node)
    Composite("kthvalue",       "KthvalueBackward0",  {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("median",         "MedianBackward0",    {"self": "evenly_distribute_backward(grad, self, result)"}),
    Composite("median_dim",     "MedianBackward1",    {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("nanmedian",      "NanmedianBackward0", {"self": "evenly_distribute_backward(grad, self, result)"}),
    Composite("nanmedian_dim",  "NanmedianBackward1", {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("mode",           "ModeBackward0",      {"self": "value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)"}),
    Composite("quantile",       "SqueezeBackward4",   {"self": "grad * (1 - w) at the sorted entry below, grad * w above (sort, gather, lerp; nanquantile too)"}),
    Composite("rot90",          "Rot90Backward0",     {"self": "grad.rot90(-k, dims)"}),
    Composite("diag_embed",     "DiagEmbedBackward0", {"self": "grad.diagonal(offset, dim1, dim2)  (diag of a vector too)"}),
    Composite("diag",           "DiagonalBackward0_copy", {"self": "diagonal_backward(grad, self.sizes(), diagonal, 0, 1)"}),
    Composite("diagonal",       "DiagonalBackward0",  {"self": "diagonal_backward(grad, self.sizes(), offset, dim1, dim2)"}),
    Composite("trace",          "TraceBackward0",     {"self": "trace_backward(grad, self.sizes())"}),
    Composite("block_diag",     "BlockDiagBackward0", {"tensors": "block_diag_backward(grad, sizes, dtypes)"}),
    Composite("kron",           "UnsafeViewBackward0", {"self": "kron as a broadcast product, reshaped", "other": "likewise"}),
    Composite("cdist",          "CdistBackward0",     {"x1": "_cdist_backward(grad, x1, x2, p, result)", "x2": "_cdist_backward(grad.mT, x2, x1, p, result.mT)"}),
    Composite("cdist_mm",       "ViewBackward0",      {"x1": "EuclideanDistBackward0 under the view: _euclidean_dist_backward (p=2, the matrix-product form)"}),
    Composite("meshgrid",       "ExpandBackward0",    {"tensors": "view(-1 at i).expand(sizes)"}),
    Composite("cartesian_prod", "StackBackward0",     {"tensors": "stack of the flattened meshgrid"}),
    Composite("repeat_interleave", "ViewBackward0",   {"self": "unsqueeze(dim+1).expand().clone().flatten(dim, dim+1)"}),
    Composite("repeat_interleave_tensor", "IndexSelectBackward0", {"self": "index_select(dim, repeat_interleave(repeats))"}),
    Composite("tensor_split",   "SliceBackward0",     {"self": "slices along dim"}),
    Composite("movedim",        "PermuteBackward0",   {"self": "permute (moveaxis too)"}),
    Composite("atleast_2d",     "UnsqueezeBackward0", {"self": "unsqueeze(0) (a 0-d input: ViewBackward0)"}),
    Composite("atleast_3d",     "UnsqueezeBackward0", {"self": "unsqueeze(-1) / unsqueeze(0).unsqueeze(-1) (a 0-d input: ViewBackward0)"}),
    Composite("squeeze_dim_",   "SqueezeBackward4",   {"self": "unsqueeze_to(grad, dim, self.sizes())"}),
    Composite("squeeze_dims_",  "SqueezeBackward5",   {"self": "unsqueeze_to(grad, dim, self.sizes())"}),
    Composite("unsqueeze_",     "UnsqueezeBackward1", {"self": "grad.squeeze(dim)"}),
    Composite("t_",             "TBackward1",         {"self": "grad.t()"}),
    Composite("transpose_",     "TransposeBackward1", {"self": "grad.transpose(dim0, dim1)"}),
    # linear algebra (jitgrad/ops/linalg.py, jitgrad/ops/einsum.py)
    Composite("bmm",          "BmmBackward0",      {"self": "grad.bmm(mat2.transpose(1, 2))", "mat2": "self.transpose(1, 2).bmm(grad)"}),
    Composite("outer",        "MulBackward0",      {"self": "(grad * vec2).sum(1)", "vec2": "(grad * self.unsqueeze(1)).sum(0)"}),
    Composite("addmm",        "AddmmBackward0",
              {"self": "maybe_multiply(sum_to(grad, self), beta)", "mat1": "maybe_multiply(grad.mm(mat2.t()), alpha)",
               "mat2": "maybe_multiply(mat1.t().mm(grad), alpha)"}),
    Composite("einsum",       "ViewBackward0",     {"operands": "einsum(grad, other operands -> the operand's subscripts), broadcast and sum_to"}),
    Composite("einsum_no_contraction", "MulBackward0", {"operands": "einsum(grad, other operands -> the operand's subscripts), sum_to"}),
    Composite("einsum_sum",   "SumBackward1",      {"self": "einsum(grad -> self's subscripts), broadcast"}),
    Composite("einsum_permute", "PermuteBackward0", {"self": "permute_backwards(grad, dims)"}),
    # clamp family, where, softplus, round(decimals) (jitgrad/ops/pointwise.py). A bound that
    # is None drops its test; scalar bounds get no gradient.
    # They fuse in jitgrad.compile (slots: their scalar forms' operands).
    Composite("clamp",            "ClampBackward1",    {"self": "where((self >= min) & (self <= max), grad, 0)"},
              slots=("self", "min", "max")),
    Composite("clamp_tensor",     "ClampBackward0",    {"self": "where((self >= min) & (self <= max), grad, 0)",
                                                        "min": "where((self < min) & (min < max), grad, 0)",
                                                        "max": "where((self > max) | (max < min), grad, 0)"},
              slots=("self", "min", "max")),
    Composite("clamp_min",        "ClampMinBackward0", {"self": "where(self >= min, grad, 0)"}, slots=("self", "min")),
    Composite("clamp_min_tensor", "ClampMinBackward1", {"self": "where(self >= min, grad, 0)", "min": "where(self < min, grad, 0)"},
              slots=("self", "min")),
    Composite("clamp_max",        "ClampMaxBackward0", {"self": "where(self <= max, grad, 0)"}, slots=("self", "max")),
    Composite("clamp_max_tensor", "ClampMaxBackward1", {"self": "where(self <= max, grad, 0)", "max": "where(self > max, grad, 0)"},
              slots=("self", "max")),
    Composite("where",            "WhereBackward0",    {"self": "where(condition, grad, 0)", "other": "where(condition, 0, grad)"},
              slots=("condition", "self", "other")),
    Pointwise("softplus",         "SoftplusBackward0", K.softplus_forward, Grad(K.softplus_backward, "grad", "self"),
              "softplus_backward(grad, self, beta, threshold)", ("beta", "threshold")),
    Composite("round_decimals",   "RoundBackward1",    {"self": "zeros_like(grad)"}),
    # floor_divide (``//``): div_floor's forward; torch has no derivative for it (jitgrad/ops/division.py)
    Composite("floor_divide",     "NotImplemented",    {"self": "not_implemented(\"floor_divide\")", "other": "not_implemented(\"floor_divide\")"}),
    # torch's pointwise ops with parameters or of three tensors (jitgrad/ops/pointwise_extra.py,
    # kernels/pointwise.py); lerp with a number weight is LerpBackward0, with a tensor one
    # LerpBackward1. heaviside: no derivative in torch
    Pointwise("nan_to_num",       "NanToNumBackward0", KP.nan_to_num_forward, Grad(KP.nan_to_num_backward, "grad", "self"),
              "grad * isfinite(self)", ("nan", "posinf", "neginf")),
    # the gamma family (kernels/special.py, jitgrad/ops/special.py): integers compute in the
    # default float dtype; polygamma's order n is its parameter
    Pointwise("lgamma",           "LgammaBackward0",   KS.lgamma_forward, Grad(KS.lgamma_backward, "grad", "self"), "grad * self.digamma()"),
    Pointwise("digamma",          "DigammaBackward0",  KS.digamma_forward, Grad(KS.digamma_backward, "grad", "self"), "grad * self.polygamma(1)"),
    Pointwise("polygamma",        "PolygammaBackward0", KS.polygamma_forward, Grad(KS.polygamma_backward, "grad", "self"),
              "grad * self.polygamma(int(n) + 1)", ("n",)),
    Nary("lerp",        "LerpBackward0",    KP.lerp_forward,        ("self", "end"),
         (Grad(KP.lerp_backward_self, "grad", "weight"), Grad(KP.lerp_backward_end, "grad", "weight")),
         {"self": "grad * (1 - weight)", "end": "grad * weight"}, ("weight",)),
    Nary("lerp_tensor", "LerpBackward1",    KP.lerp_tensor_forward, ("self", "end", "weight"),
         (Grad(KP.lerp_tensor_backward_self, "grad", "weight"), Grad(K.mul_forward, "grad", "weight"),
          Grad(KP.lerp_tensor_backward_weight, "grad", "self", "end")),
         {"self": "grad * (1 - weight)", "end": "grad * weight", "weight": "grad * (end - self)"}),
    Nary("addcmul",     "AddcmulBackward0", KP.addcmul_forward,     ("self", "tensor1", "tensor2"),
         (GRAD, Grad(KP.addcmul_backward, "grad", "tensor2", "value"), Grad(KP.addcmul_backward, "grad", "tensor1", "value")),
         {"self": "grad", "tensor1": "grad * (tensor2 * value)", "tensor2": "grad * (tensor1 * value)"}, ("value",)),
    Nary("addcdiv",     "AddcdivBackward0", KP.addcdiv_forward,     ("self", "tensor1", "tensor2"),
         (GRAD, Grad(KP.addcdiv_backward_tensor1, "grad", "tensor2", "value"),
          Grad(KP.addcdiv_backward_tensor2, "grad", "tensor1", "tensor2", "value")),
         {"self": "grad", "tensor1": "grad * (value / tensor2)", "tensor2": "-grad * (value * tensor1 / (tensor2 * tensor2))"}, ("value",)),
    Composite("heaviside",        "NotImplemented",    {"self": "not_implemented(\"heaviside\")", "values": "not_implemented(\"heaviside\")"}),
    Composite("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
              {"self": "binary_cross_entropy_with_logits_backward(grad, self, target, weight, pos_weight, reduction)",
               "target": "binary_cross_entropy_with_logits_target_backward(grad, self, target, weight, pos_weight, reduction)"}),
    # nn.functional (jitgrad/ops/activations.py, jitgrad/ops/losses.py). Where torch records
    # several nodes (linear, cross_entropy) jitgrad records one under torch's outermost name.
    #         name          node                 forward               gradient kernel and its inputs                   formula
    Pointwise("leaky_relu",  "LeakyReluBackward0", A.leaky_relu_forward, Grad(A.leaky_relu_backward, "grad", "self"),     "leaky_relu_backward(grad, self, negative_slope)", ("negative_slope",)),
    Pointwise("leaky_relu_", "LeakyReluBackward1", A.leaky_relu_forward, Grad(A.leaky_relu_backward, "grad", "result"),   "leaky_relu_backward(grad, result, negative_slope)", ("negative_slope",)),
    Pointwise("elu",         "EluBackward0",      A.elu_forward,        Grad(A.elu_backward, "grad", "self"),            "elu_backward(grad, self, alpha)", ("alpha",)),
    Pointwise("elu_",        "EluBackward1",      A.elu_forward,        Grad(A.elu_backward_result, "grad", "result"),   "elu_backward_result(grad, result, alpha)", ("alpha",)),
    # float32 has its own erf (torch's vectorised one), hence its own kernels
    Pointwise("gelu",        "GeluBackward0",     A.gelu_forward,       Grad(A.gelu_backward, "grad", "self"),           "gelu_backward(grad, self)",
              float32=(A.gelu_forward_f32, A.gelu_backward_f32)),
    Pointwise("gelu_tanh",   "GeluBackward0",     A.gelu_tanh_forward,  Grad(A.gelu_tanh_backward, "grad", "self"),      "gelu_tanh_backward(grad, self)"),
    Pointwise("silu",        "SiluBackward0",     A.silu_forward,       Grad(A.silu_backward, "grad", "self"),           "grad * self.sigmoid() * (1 + self * (1 - self.sigmoid()))"),
    # more activations (jitgrad/ops/activations_extra.py; their formulas' helpers are there too).
    # relu6 is hardtanh(0, 6); selu and celu are torch's elu with scale and input_scale.
    # In place, hardtanh_ and threshold_ save the original input (as torch), selu_ and
    # celu_ the result
    Pointwise("hardtanh",    "HardtanhBackward0", A.hardtanh_forward,   Grad(A.hardtanh_backward, "grad", "self"),       "hardtanh_backward(grad, self, min_val, max_val)", ("min_val", "max_val")),
    Pointwise("hardsigmoid", "HardsigmoidBackward0", A.hardsigmoid_forward, Grad(A.hardsigmoid_backward, "grad", "self"), "hardsigmoid_backward(grad, self)"),
    Pointwise("hardswish",   "HardswishBackward0", A.hardswish_forward, Grad(A.hardswish_backward, "grad", "self"),      "hardswish_backward(grad, self)"),
    Pointwise("mish",        "MishBackward0",     A.mish_forward,       Grad(A.mish_backward, "grad", "self"),           "mish_backward(grad, self)"),
    Pointwise("log_sigmoid", "LogSigmoidBackward0", A.log_sigmoid_forward, Grad(A.log_sigmoid_backward, "grad", "self"), "grad * (-self).sigmoid()"),
    Pointwise("selu",        "EluBackward0",      A.elu_scaled_forward, Grad(A.elu_scaled_backward, "grad", "self"),     "elu_scaled_backward(grad, self, alpha, scale, grad_input_scale)", ("alpha", "scale", "input_scale", "grad_input_scale")),
    Pointwise("selu_",       "EluBackward1",      A.elu_scaled_forward, Grad(A.elu_scaled_backward_result, "grad", "result"), "elu_scaled_backward_result(grad, result, alpha, scale, grad_input_scale)", ("alpha", "scale", "input_scale", "grad_input_scale")),
    Pointwise("celu",        "CeluBackward0",     A.elu_scaled_forward, Grad(A.elu_scaled_backward, "grad", "self"),     "elu_scaled_backward(grad, self, alpha, scale, grad_input_scale)", ("alpha", "scale", "input_scale", "grad_input_scale")),
    Pointwise("celu_",       "CeluBackward1",     A.elu_scaled_forward, Grad(A.elu_scaled_backward_result, "grad", "result"), "elu_scaled_backward_result(grad, result, alpha, scale, grad_input_scale)", ("alpha", "scale", "input_scale", "grad_input_scale")),
    Pointwise("threshold",   "ThresholdBackward0", A.threshold_forward, Grad(A.threshold_param_backward, "grad", "self"), "threshold_backward(grad, self, threshold)", ("threshold", "value")),
    Pointwise("threshold_",  "ThresholdBackward1", A.threshold_forward, Grad(A.threshold_param_backward, "grad", "self"), "threshold_backward(grad, self, threshold)", ("threshold", "value")),
    Pointwise("hardshrink",  "HardshrinkBackward0", A.hardshrink_forward, Grad(A.shrink_backward, "grad", "self"),       "shrink_backward(grad, self, lambd)", ("lambd",)),
    Pointwise("softshrink",  "SoftshrinkBackward0", A.softshrink_forward, Grad(A.shrink_backward, "grad", "self"),       "shrink_backward(grad, self, lambd)", ("lambd",)),
    Composite("prelu",       "PreluKernelBackward0", {"self": "where(self > 0, grad, weight * grad)",
                                                      "weight": "sum_to(where(self > 0, 0, self * grad), weight)"}),
    Composite("glu",         "GluBackward0",      {"self": "cat([grad * b.sigmoid(), grad * a * b.sigmoid() * (1 - b.sigmoid())], dim)  (a, b = self.chunk(2, dim))"}),
    Composite("softsign",    "DivBackward0",      {"self": "x / (1 + |x|), recorded as torch records it (abs, add, div)"}),
    Composite("softmin",     "SoftmaxBackward0",  {"self": "softmax(-self, dim), recorded (neg, softmax)"}),
    Composite("tanhshrink",  "SubBackward0",      {"self": "self - self.tanh(), recorded (tanh, sub)"}),
    # more normalisations and losses (jitgrad/ops/normalization_extra.py, losses_extra.py).
    # group_norm, huber, soft_margin and multi_margin are one node in torch; the rest are
    # compositions in torch too: the node is the last one torch records (default reduction)
    Kernel("group_norm",     "NativeGroupNormBackward0", "normalization_extra", ("input", "weight", "bias"),
              {"input": "rstd * (g - mean(g) - xhat * mean(g * xhat)), g = grad * weight  (means per group)",
               "weight": "(grad * xhat).sum(all dims but 1)", "bias": "grad.sum(all dims but 1)"},
           ("nn.functional.group_norm",)),
    Kernel("instance_norm",  "ViewBackward0", "normalization_extra",
           ("input", "running_mean", "running_var", "weight", "bias"),
           {"input": "batch_norm over input.view(1, N * C, ...), viewed back",
            "weight": "batch_norm's for weight.repeat(N), summed over N", "bias": "likewise"},
           ("nn.functional.instance_norm",), updates=("running_mean", "running_var")),
    Kernel("rms_norm",       "MulBackward0", "normalization_extra", ("input", "weight"),
           {"input": "input * (input.pow(2).mean(dims, true) + eps).rsqrt() [* weight], recorded",
            "weight": "sum_to(grad * input * rstd, weight)"}, ("nn.functional.rms_norm",)),
    Composite("local_response_norm", "DivBackward0", {"input": "input / (k + alpha * avg of input^2 over a channel window).pow(beta), recorded"}),
    Composite("normalize",   "DivBackward0",      {"input": "input / input.norm(p, dim, true).clamp_min(eps).expand_as(input), recorded"}),
    Composite("cosine_similarity", "SumBackward1", {"x1": "(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)).sum(dim), recorded",
                                                    "x2": "likewise"}),
    Composite("pairwise_distance", "NormBackward1", {"x1": "norm_backward(grad, x1 - x2 + eps, p, result, -1)", "x2": "-(the same)"}),
    Composite("huber_loss",  "HuberLossBackward0", {"self": "grad * clamp(self - target, -delta, delta) (/ numel if mean)",
                                                    "target": "-(the same)"}),
    Composite("soft_margin_loss", "SoftMarginLossBackward0", {"self": "-grad * target * z / (1 + z), z = exp(-target * self) (/ numel if mean)"}),
    Composite("multi_margin_loss", "MultiMarginLossBackward0",
              {"self": "per row: d_j = weight[y] * (p == 1 ? 1 : 2 z_j) / C where z_j = margin - x_y + x_j > 0 (j != y); x_j += d_j, x_y -= sum d_j"}),
    Composite("kl_div",      "MeanBackward0",     {"self": "-target (or -exp(target) with log_target), recorded (xlogy, mul, sub, mean)",
                                                   "target": "recorded"}),
    Composite("poisson_nll_loss", "MeanBackward0", {"input": "exp(input) - target * input (log_input), recorded"}),
    Composite("gaussian_nll_loss", "MeanBackward0", {"input": "0.5 * (log(var) + (input - target)^2 / var), recorded"}),
    Composite("multilabel_soft_margin_loss", "MeanBackward0", {"input": "-(target logsigmoid(x) + (1 - target) logsigmoid(-x)).sum(-1) / C, recorded"}),
    Composite("cosine_embedding_loss", "MeanBackward0", {"input1": "where(target == 1, 1 - cos, 0) + where(target == -1, (cos - margin).clamp_min(0), 0), recorded"}),
    Composite("margin_ranking_loss", "MeanBackward0", {"input1": "(-target * (input1 - input2) + margin).clamp_min(0), recorded"}),
    Composite("triplet_margin_loss", "MeanBackward0", {"anchor": "(margin + d(a, p) - d(a, n)).clamp_min(0), recorded (pairwise_distance)"}),
    # (jitgrad/ops/ctc.py) as torch's: the gradient assumes log_softmax inputs (the logits'
    # gradient); 'mean' and 'sum' and zero_infinity are compositions after this node
    Composite("ctc_loss",    "CtcLossBackward0",  {"log_probs": "grad * (exp(log_probs) - exp(logsumexp_{s: l'_s = c}(log_alpha + log_beta) + nll - log_probs))  (0 for t >= input_length)"}),
    Composite("softmax",     "SoftmaxBackward0",  {"self": "result * (grad - (grad * result).sum(dim, true))"}),
    Composite("log_softmax", "LogSoftmaxBackward0", {"self": "grad - result.exp() * grad.sum(dim, true)"}),
    Kernel("dropout",        "MulBackward0", "activations", ("input",),
           {"input": "grad * noise  (noise = bernoulli(1 - p) / (1 - p))"}, ("nn.functional.dropout",)),
    Composite("linear",      "AddmmBackward0",    {"bias": "sum_to(grad, bias)", "input": "grad.mm(weight)", "weight": "grad.t().mm(input)"}),
    Composite("linear_no_bias", "MmBackward0",    {"input": "grad.mm(weight)", "weight": "grad.t().mm(input)"}),
    Composite("linear_1d",   "SqueezeBackward4",  {"input": "grad.mm(weight)", "weight": "grad.t().mm(input)"}),
    Composite("linear_nd",   "ViewBackward0",     {"input": "grad.view(-1, out).mm(weight).view(input.sizes())", "weight": "grad.view(-1, out).t().mm(input.view(-1, in))", "bias": "sum_to(grad, bias)"}),
    Composite("linear_nd_no_bias", "UnsafeViewBackward0", {"input": "grad.view(-1, out).mm(weight).view(input.sizes())", "weight": "grad.view(-1, out).t().mm(input.reshape(-1, in))"}),
    Composite("linear_broadcast_bias", "AddBackward0", {"input": "grad.view(-1, out).mm(weight).view(input.sizes())", "weight": "grad.view(-1, out).t().mm(input.reshape(-1, in))", "bias": "sum_to(grad, bias)"}),
    Composite("mse_loss",    "MseLossBackward0",  {"self": "mse_loss_backward(grad, self, target, reduction)", "target": "mse_loss_backward(grad, target, self, reduction)"}),
    Composite("smooth_l1_loss", "SmoothL1LossBackward0", {"self": "smooth_l1_loss_backward(grad, self, target, reduction, beta)", "target": "smooth_l1_loss_backward(grad, target, self, reduction, beta)"}),
    Composite("binary_cross_entropy", "BinaryCrossEntropyBackward0",
              {"self": "grad * (self - target) / max((1 - self) * self, 1e-12) * weight / (numel if mean)",
               "target": "-grad * logit(self) * weight / (numel if mean)"}),
    Composite("nll_loss",    "NllLossBackward0",  {"self": "-grad * weight[target] at target (/ total_weight if mean; 0 where ignored)"}),
    Composite("nll_loss2d",  "NllLoss2DBackward0", {"self": "-grad * weight[target] at target (/ total_weight if mean; 0 where ignored)"}),
    Composite("nll_loss_nd_none", "ViewBackward0", {"self": "-grad * weight[target] at target (0 where ignored)"}),
    Composite("cross_entropy", "NllLossBackward0", {"self": "grad * weight[target] * (softmax(self, 1) - one_hot(target)) (/ total_weight if mean)"}),
    Composite("cross_entropy_2d", "NllLoss2DBackward0", {"self": "grad * weight[target] * (softmax(self, 1) - one_hot(target)) (/ total_weight if mean)"}),
    Composite("cross_entropy_label_smoothing", "AddBackward0",
              {"self": "grad * ((1 - ls) weight[target] (softmax(self, 1) - one_hot(target)) + ls / C (softmax(self, 1) weight.sum() - weight))"}),
    Composite("cross_entropy_probs", "DivBackward1",
              {"self": "grad / N * (softmax(self, 1) * (weight * target').sum(1) - weight * target'), target' = target (1 - ls) + ls / C",
               "target": "-grad / N * (1 - ls) * weight * log_softmax(self, 1)"}),
    Composite("cross_entropy_probs_sum", "NegBackward0",
              {"self": "grad * (softmax(self, 1) * (weight * target').sum(1) - weight * target')",
               "target": "-grad * (1 - ls) * weight * log_softmax(self, 1)"}),
    # convolution and pooling (jitgrad/ops/conv.py, jitgrad/ops/pooling.py); an unbatched
    # conv2d is unsqueeze -> ConvolutionBackward0 -> squeeze, as torch records it
    Kernel("conv2d",         "ConvolutionBackward0", "conv", ("input", "weight", "bias"),
              {"input": "col2im(weight.view(groups, -1, k).transpose(1, 2) @ grad.view(N, groups, -1, L))  (fold)",
               "weight": "(grad.view(N, groups, -1, L) @ im2col(input).view(N, groups, k, L).transpose(2, 3)).sum(0)",
               "bias": "grad.sum((0, 2, 3))"}, ("nn.functional.conv2d", "conv2d")),
    Composite("unfold",      "Im2ColBackward0",   {"self": "col2im(grad, self.sizes()[-2:], kernel_size, dilation, padding, stride)  (fold)"}),
    Composite("fold",        "Col2ImBackward0",   {"self": "im2col(grad, kernel_size, dilation, padding, stride)  (unfold)"}),
    Kernel("max_pool2d",     "MaxPool2DWithIndicesBackward0", "pooling", ("input",),
              {"input": "zeros_like(input).view(N * C, -1).scatter_add(1, indices, grad)  (result1: indices)"},
              ("nn.functional.max_pool2d",)),
    Kernel("avg_pool2d",     "AvgPool2DBackward0", "pooling", ("input",),
              {"input": "col2im(grad / divisor expanded over the kernel positions)"},
              ("nn.functional.avg_pool2d",)),
    # 1-d/3-d and transposed convolutions (jitgrad/ops/conv_nd.py): an N-d im2col and one
    # batched product; a transposed convolution is the adjoint of a convolution in its input
    Kernel("conv1d",              "ConvolutionBackward0", "conv_nd", ("input", "weight", "bias"),
              {"input": "fold_nd(weight^T @ grad)", "weight": "sum_N(grad @ unfold_nd(input)^T)", "bias": "grad.sum((0, 2))"},
           ("nn.functional.conv1d", "conv1d")),
    Composite("conv3d",           "ConvolutionBackward0",
              {"input": "fold_nd(weight^T @ grad)", "weight": "sum_N(grad @ unfold_nd(input)^T)", "bias": "grad.sum((0, 2, 3, 4))"}),
    Composite("conv_transpose1d", "ConvolutionBackward0",
              {"input": "weight @ unfold_nd(grad)", "weight": "sum_N(input @ unfold_nd(grad)^T)", "bias": "grad.sum((0, 2))"}),
    Kernel("conv_transpose2d",    "ConvolutionBackward0", "conv_nd", ("input", "weight", "bias"),
              {"input": "weight @ unfold_nd(grad)", "weight": "sum_N(input @ unfold_nd(grad)^T)", "bias": "grad.sum((0, 2, 3))"},
           ("nn.functional.conv_transpose2d", "conv_transpose2d")),
    Composite("conv_transpose3d", "ConvolutionBackward0",
              {"input": "weight @ unfold_nd(grad)", "weight": "sum_N(input @ unfold_nd(grad)^T)", "bias": "grad.sum((0, 2, 3, 4))"}),
    # F.pad, F.interpolate, adaptive pooling, pixel shuffle (jitgrad/ops/resample.py): the
    # separable maps gather taps per axis; their backward sums them back (the adjoint)
    Kernel("constant_pad_nd",       "ConstantPadNdBackward0", "resample", ("input",),
           {"input": "constant_pad_nd(grad, -pad, 0)"}, ("nn.functional.pad",)),
    Composite("reflection_pad1d",   "ReflectionPad1DBackward0",  {"self": "reflection_pad1d_backward(grad, self, padding)"}),
    Composite("reflection_pad2d",   "ReflectionPad2DBackward0",  {"self": "reflection_pad2d_backward(grad, self, padding)"}),
    Composite("reflection_pad3d",   "ReflectionPad3DBackward0",  {"self": "reflection_pad3d_backward(grad, self, padding)"}),
    Composite("replication_pad1d",  "ReplicationPad1DBackward0", {"self": "replication_pad1d_backward(grad, self, padding)"}),
    Composite("replication_pad2d",  "ReplicationPad2DBackward0", {"self": "replication_pad2d_backward(grad, self, padding)"}),
    Composite("replication_pad3d",  "ReplicationPad3DBackward0", {"self": "replication_pad3d_backward(grad, self, padding)"}),
    Composite("pad_circular",       "CopySlices",                {"self": "the copied slices' gradients summed back (torch's _pad_circular)"}),
    Composite("upsample_nearest1d", "UpsampleNearest1DBackward0", {"self": "upsample_nearest1d_backward(grad, output_size, input_size, scales)"}),
    Kernel("upsample_nearest2d",    "UpsampleNearest2DBackward0", "resample", ("input",),
           {"input": "upsample_nearest2d_backward(grad, output_size, input_size, scales)"},
           ("nn.functional.interpolate",)),
    Composite("upsample_nearest3d", "UpsampleNearest3DBackward0", {"self": "upsample_nearest3d_backward(grad, output_size, input_size, scales)"}),
    Composite("_upsample_nearest_exact1d", "UpsampleNearestExact1DBackward0", {"self": "_upsample_nearest_exact1d_backward(grad, output_size, input_size, scales)"}),
    Composite("_upsample_nearest_exact2d", "UpsampleNearestExact2DBackward0", {"self": "_upsample_nearest_exact2d_backward(grad, output_size, input_size, scales)"}),
    Composite("_upsample_nearest_exact3d", "UpsampleNearestExact3DBackward0", {"self": "_upsample_nearest_exact3d_backward(grad, output_size, input_size, scales)"}),
    Composite("upsample_linear1d",   "UpsampleLinear1DBackward0",   {"self": "upsample_linear1d_backward(grad, output_size, input_size, align_corners, scales)"}),
    Kernel("upsample_bilinear2d",   "UpsampleBilinear2DBackward0", "resample", ("input",),
           {"input": "upsample_bilinear2d_backward(grad, output_size, input_size, align_corners, scales)"},
           ("nn.functional.interpolate",)),
    Composite("upsample_bicubic2d",  "UpsampleBicubic2DBackward0",  {"self": "upsample_bicubic2d_backward(grad, output_size, input_size, align_corners, scales)"}),
    # antialias=True (jitgrad/ops/resample_aa.py): windows that widen with the downsampling
    # factor, weights normalised per output; the width resampled first, an unchanged axis copied
    Composite("_upsample_bilinear2d_aa", "UpsampleBilinear2DAaBackward0", {"self": "_upsample_bilinear2d_aa_backward(grad, output_size, input_size, align_corners, scales)  (triangle filter of (j - centre + 1/2) / max(scale, 1))"}),
    Composite("_upsample_bicubic2d_aa",  "UpsampleBicubic2DAaBackward0",  {"self": "_upsample_bicubic2d_aa_backward(grad, output_size, input_size, align_corners, scales)  (Keys' cubic, a = -0.5, of (j - centre + 1/2) / max(scale, 1))"}),
    Composite("upsample_trilinear3d", "UpsampleTrilinear3DBackward0", {"self": "upsample_trilinear3d_backward(grad, output_size, input_size, align_corners, scales)"}),
    Kernel("adaptive_avg_pool2d", "AdaptiveAvgPool2DBackward0", "resample", ("input",),
           {"input": "each output's grad / window size spread over its window"},
           ("nn.functional.adaptive_avg_pool2d",)),
    Composite("adaptive_avg_pool3d", "AdaptiveAvgPool3DBackward0",  {"self": "each output's grad / window size spread over its window"}),
    Kernel("adaptive_max_pool2d", "AdaptiveMaxPool2DBackward0", "resample", ("input",),
           {"input": "grad scattered to the argmax indices"}, ("nn.functional.adaptive_max_pool2d",)),
    Composite("pixel_shuffle",       "PixelShuffleBackward0",       {"self": "pixel_unshuffle(grad, upscale_factor)"}),
    Composite("pixel_unshuffle",     "PixelUnshuffleBackward0",     {"self": "pixel_shuffle(grad, downscale_factor)"}),
    # the rest of nn.functional (jitgrad/ops/nn_rest.py, jitgrad/ops/pooling3d.py)
    Composite("rrelu",               "RreluWithNoiseBackward0",     {"self": "grad * noise  (training: the drawn slope where self <= 0, else 1; eval: leaky_relu_backward(grad, self, (lower + upper) / 2))"}),
    Composite("rrelu_",              "RreluWithNoiseBackward1",     {"self": "grad * noise  (as rrelu, in place)"}),
    Composite("gumbel_softmax",      "SoftmaxBackward0",            {"logits": "softmax((logits - log(exponential)) / tau, dim), recorded; hard: y_hard - y_soft.detach() + y_soft (AddBackward0)"}),
    Composite("feature_dropout",     "MulBackward0",                {"self": "grad * noise, noise (N, C, 1, ...) = bernoulli(1 - p) / (1 - p)  (dropout1d/2d/3d)"}),
    Composite("feature_dropout_unbatched", "SqueezeBackward1",      {"self": "feature_dropout of self.unsqueeze(0), squeezed back"}),
    Composite("alpha_dropout",       "AddBackward0",                {"self": "grad * a * noise, noise = bernoulli(1 - p) (per element, or per (N, C) for feature_alpha_dropout), recorded (mul, add)"}),
    Composite("max_pool3d",          "MaxPool3DWithIndicesBackward0", {"self": "grad scattered to the argmax indices"}),
    Composite("avg_pool3d",          "AvgPool3DBackward0",          {"self": "each output's grad / divisor spread over its window's valid positions"}),
    Composite("adaptive_max_pool3d", "AdaptiveMaxPool3DBackward0",  {"self": "grad scattered to the argmax indices"}),
    Composite("lp_pool",             "PowBackward0",                {"input": "(sign(avg_pool(x^p)) * relu(|avg_pool(x^p)|) * prod(kernel)) ^ (1/p), recorded"}),
    Composite("max_unpool2d",        "MaxUnpool2DBackward0",        {"self": "grad.flatten(-2).gather(-1, indices.flatten(-2)).view_as(self)"}),
    Composite("max_unpool3d",        "MaxUnpool3DBackward0",        {"self": "grad.flatten(-3).gather(-1, indices.flatten(-3)).view_as(self)"}),
    Composite("max_unpool1d",        "SqueezeBackward1",            {"self": "max_unpool2d of self.unsqueeze(-1), squeezed back"}),
    Composite("channel_shuffle",     "ChannelShuffleBackward0",     {"self": "channel_shuffle(grad, C / groups)"}),
    Composite("hinge_embedding_loss", "MeanBackward0",              {"self": "where(target != 1, (margin - self).clamp_min(0), 0) + where(target != -1, self, 0), recorded"}),
    Composite("multilabel_margin_loss", "MultilabelMarginLossBackward0", {"self": "grad / C * (sum_j [1 - x_j + x_i > 0] at i - the same at each target j)  (/ N if mean)"}),
    Composite("triplet_margin_with_distance_loss", "MeanBackward0", {"anchor": "(margin + d(a, p) - d(a, n)).clamp_min(0), recorded (any distance_function)"}),
    Composite("grid_sample",         "GridSampler2DBackward0",      {"input": "grad * bilinear weights (nearest: 1) scattered to the sampled pixels", "grid": "sum_c grad * value * d(weight)/d(pixel) * d(pixel)/d(grid) (unnormalise, clip/reflect; nearest: 0)"}),
    # bicubic (4-d only; jitgrad/ops/grid_sample_bicubic.py): the 4 x 4 taps floor - 1 .. floor + 2,
    # each clipped/reflected on its own; cubic convolution coefficients c_k(t), A = -0.75
    Composite("grid_sample_bicubic", "GridSampler2DBackward0",      {"input": "grad * c_i(tx) * c_j(ty) scattered to each tap's padded pixel", "grid": "sum_c grad * sum_ij value_ij * (c_i'(tx) c_j(ty), c_i(tx) c_j'(ty)) * scale (unnormalise only: padded taps do not move)"}),
    Composite("grid_sample_3d",      "GridSampler3DBackward0",      {"input": "grad * trilinear weights (nearest: 1) scattered to the sampled voxels", "grid": "sum_c grad * value * d(weight)/d(voxel) * d(voxel)/d(grid) (nearest: 0)"}),
    Composite("affine_grid",         "AffineGridGeneratorBackward0", {"theta": "grad.view(N, L, k).transpose(1, 2).bmm(base_grid.view(L, k + 1))"}),
    # embedding and normalisation layers (jitgrad/ops/normalization.py)
    Kernel("embedding",      "EmbeddingBackward0", "normalization", ("input", "weight"),
              {"weight": "embedding_dense_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq)"
                         "  (index_add of grad's rows; none at padding_idx; / count with scale_grad_by_freq)"},
           ("nn.functional.embedding",)),
    # embedding_bag and bilinear (jitgrad/ops/embedding_bag.py)
    Kernel("embedding_bag",  "EmbeddingBagBackward0", "embedding_bag",
           ("input", "weight", "offsets", "per_sample_weights"),
              {"weight": "sum/mean: index_add of grad[bag(i)] * per_sample_weights[i] / bag size (none at padding_idx); "
                         "max: grad scattered to the argmax rows",
               "per_sample_weights": "(grad[bag(i)] * weight[indices[i]]).sum(-1)  (0 at padding_idx)"},
           ("nn.functional.embedding_bag",)),
    Composite("bilinear", "AddBackward0",
              {"input1": "TrilinearBackward0: (grad (x) input2) . weight over (out, in2)",
               "input2": "TrilinearBackward0: (grad (x) input1) . weight over (out, in1)",
               "weight": "TrilinearBackward0: sum_n grad[n, o] input1[n, i] input2[n, j]",
               "bias": "sum_to(grad, bias)"}),
    Composite("bilinear_no_bias", "ViewBackward0",
              {"input1": "as bilinear", "input2": "as bilinear", "weight": "as bilinear"}),
    Kernel("layer_norm",     "NativeLayerNormBackward0", "normalization", ("input", "weight", "bias"),
              {"input": "rstd * (grad * weight - mean(grad * weight) - xhat * mean(grad * weight * xhat))  (means over normalized_shape)",
               "weight": "(grad * xhat).sum(batch dims)", "bias": "grad.sum(batch dims)"}, ("nn.functional.layer_norm",)),
    Kernel("batch_norm",     "NativeBatchNormBackward0", "normalization",
           ("input", "running_mean", "running_var", "weight", "bias"),
              {"input": "training: invstd * weight * (grad - mean(grad) - xhat * mean(grad * xhat)); eval: grad * invstd * weight  (means per channel)",
               "weight": "(grad * xhat).sum(all dims but 1)", "bias": "grad.sum(all dims but 1)"}, ("nn.functional.batch_norm",)),
    # recurrent layers, one layer and direction per op (jitgrad/ops/rnn.py, kernels/rnn.py):
    # dG, the gates' pre-activation gradients of every step, comes from one backward
    # kernel; the rest is one product each. torch's float32 LSTM is oneDNN's layer
    # (MkldnnRnnLayerBackward0); in float64, and for RNN and GRU, the steps are stacked.
    Composite("lstm_layer",  "MkldnnRnnLayerBackward0",
              {"input": "dG.mm(w_ih)", "hx": "dG[first].mm(w_hh)  (and the cell state's carry)",
               "w_ih": "dG.t().mm(input)", "w_hh": "dG.t().mm(h shifted one step)",
               "b_ih": "dG.sum(0)", "b_hh": "dG.sum(0)"}),
    Composite("gru_layer",   "StackBackward0",
              {"input": "dGx.mm(w_ih)", "hx": "dGh[first].mm(w_hh) + z * dh", "w_ih": "dGx.t().mm(input)",
               "w_hh": "dGh.t().mm(h shifted one step)", "b_ih": "dGx.sum(0)", "b_hh": "dGh.sum(0)"}),
    Composite("rnn_layer",   "StackBackward0",
              {"input": "dG.mm(w_ih)", "hx": "dG[first].mm(w_hh)", "w_ih": "dG.t().mm(input)",
               "w_hh": "dG.t().mm(h shifted one step)", "b_ih": "dG.sum(0)", "b_hh": "dG.sum(0)"}),
    # the stacked layers as torch's _VF functions (jitgrad/ops/rnn_stack.py): the per-layer
    # forward and backward above, top layer down; `params` is torch's flat weights (a slot
    # per tensor), the LSTM's `hx` its (h0, c0). Node: the output's when not batch_first and
    # one direction (a bidirectional output is a CatBackward0, batch_first a Transpose)
    Kernel("lstm",     "MkldnnRnnLayerBackward0", "rnn_stack", ("input", "hx", "params"),
           {"input": "lstm_layer's input gradient through the layers (dropout's noise between)",
            "hx": "each layer's hx gradient, stacked", "params": "each layer's weight gradients"},
           ("lstm",), sequences=("hx", "params")),
    Kernel("gru",      "StackBackward0", "rnn_stack", ("input", "hx", "params"),
           {"input": "gru_layer's input gradient through the layers", "hx": "stacked per layer",
            "params": "each layer's"}, ("gru",), sequences=("params",)),
    Kernel("rnn_tanh", "StackBackward0", "rnn_stack", ("input", "hx", "params"),
           {"input": "rnn_layer's input gradient through the layers", "hx": "stacked per layer",
            "params": "each layer's"}, ("rnn_tanh",), sequences=("params",)),
    Kernel("rnn_relu", "StackBackward0", "rnn_stack", ("input", "hx", "params"),
           {"input": "rnn_layer's input gradient through the layers", "hx": "stacked per layer",
            "params": "each layer's"}, ("rnn_relu",), sequences=("params",)),
    # packed sequences (jitgrad/ops/rnn_packed.py, kernels/rnn_packed.py): the same per
    # layer and direction, each step on the prefix of the batch still active; torch's
    # layer output is its steps concatenated. The LSTM with projections (h = W_hr h')
    # runs the same kernels unpacked (equal batch sizes), its steps stacked.
    Composite("lstm_layer_packed", "CatBackward0",
              {"input": "dG.mm(w_ih)", "hx": "the active rows' carry at each sequence's first step",
               "w_ih": "dG.t().mm(input)", "w_hh": "dG.t().mm(each row's previous h)",
               "b_ih": "dG.sum(0)", "b_hh": "dG.sum(0)"}),
    Composite("gru_layer_packed", "CatBackward0",
              {"input": "dGx.mm(w_ih)", "hx": "the active rows' carry", "w_ih": "dGx.t().mm(input)",
               "w_hh": "dGh.t().mm(each row's previous h)", "b_ih": "dGx.sum(0)", "b_hh": "dGh.sum(0)"}),
    Composite("rnn_layer_packed", "CatBackward0",
              {"input": "dG.mm(w_ih)", "hx": "the active rows' carry", "w_ih": "dG.t().mm(input)",
               "w_hh": "dG.t().mm(each row's previous h)", "b_ih": "dG.sum(0)", "b_hh": "dG.sum(0)"}),
    Composite("lstm_proj_layer", "StackBackward0",
              {"input": "dG.mm(w_ih)", "hx": "dG[first].mm(w_hh)", "w_ih": "dG.t().mm(input)",
               "w_hh": "dG.t().mm(h shifted one step)", "b_ih": "dG.sum(0)", "b_hh": "dG.sum(0)",
               "w_hr": "dh.t().mm(o * tanh(c))"}),
    # nn.utils.rnn (jitgrad/ops/packing.py): one gather or scatter of rows each
    Composite("pack_padded_sequence", "PackPaddedSequenceBackward0",
              {"input": "grad scattered back to the packed rows' places (zeros elsewhere)"}),
    Composite("pad_packed_sequence", "CopySlices", {"data": "grad gathered at the packed rows"}),
    Composite("pad_sequence", "CopySlices", {"sequences": "each sequence's slot of grad"}),
    # small torch names (jitgrad/functions_small.py): compositions of recorded ops that
    # torch records under a node of its own run through ops/composed.py, which names it
    # (also CopysignBackward1 for a number other, FillBackward1 for a 0-d tensor value,
    # EqBackward0/1 ... for the in-place comparisons: zero gradients). The others
    # (diff, tensordot, inner, tile, ravel, h/v/d/column_stack, hsplit..., float_power,
    # nanmean, sum_to_size) end in a recorded op whose node is torch's.
    Composite("exp2",        "Exp2Backward0",     {"self": "grad * result * 0.6931471805599453  (pow(2, self))"}),
    Composite("logit",       "LogitBackward0",    {"self": "grad / (self * (1 - self)), 0 outside [eps, 1 - eps] (NaN outside [0, 1] without eps)"}),
    Composite("sinc",        "SincBackward0",     {"self": "grad * (cos(pi x) / x - sin(pi x) / (pi x^2)), 0 at x == 0"}),
    Composite("deg2rad",     "Deg2RadBackward0",  {"self": "grad * pi / 180"}),
    Composite("rad2deg",     "Rad2DegBackward0",  {"self": "grad * 180 / pi"}),
    Composite("copysign",    "CopysignBackward0", {"self": "grad * (self == 0 ? 0 : result / self)  (NaN at a NaN or infinite self)", "other": "zeros_like(other)"}),
    Composite("fmax",        "FmaxBackward0",     {"self": "grad where self >= other or other is nan", "other": "grad elsewhere"}),
    Composite("fmin",        "FminBackward0",     {"self": "grad where self <= other or other is nan", "other": "grad elsewhere"}),
    Composite("sgn",         "SgnBackward0",      {"self": "zeros_like(grad)"}),
    Composite("fill",        "FillBackward0",     {"self": "zeros_like(grad)"}),
    Composite("nansum",      "NansumBackward0",   {"self": "grad expanded where not self.isnan(), 0 at nan"}),
    Composite("aminmax",     "AminmaxBackward0",  {"self": "amin's and amax's backward (grad split evenly among ties)"}),
    Composite("dist",        "DistBackward0",     {"self": "norm_backward(grad, self - other, p, result)", "other": "-norm_backward(grad, self - other, p, result)"}),
    Composite("renorm",      "RenormBackward0",   {"self": "d(self * where(norm > maxnorm, maxnorm / (norm + 1e-7), 1)), norm over all dims but dim"}),
    Composite("addmv",       "AddmvBackward0",    {"self": "grad * beta", "mat": "alpha * grad.outer(vec)", "vec": "alpha * mat.t().mv(grad)"}),
    Composite("addr",        "AddrBackward0",     {"self": "grad * beta", "vec1": "alpha * grad.mv(vec2)", "vec2": "alpha * grad.t().mv(vec1)"}),
    Composite("baddbmm",     "BaddbmmBackward0",  {"self": "grad * beta", "batch1": "alpha * grad.bmm(batch2.mT)", "batch2": "alpha * batch1.mT.bmm(grad)"}),
    Composite("addbmm",      "AddbmmBackward0",   {"self": "grad * beta", "batch1": "alpha * grad.expand(b).bmm(batch2.mT)", "batch2": "alpha * batch1.mT.bmm(grad.expand(b))"}),
    Composite("Tensor.unfold", "UnfoldBackward0", {"self": "each window's grad added back at its place (index_add)"}),
]}

# Ops the library records but no API offers on its own.
INTERNAL = {op.name: op for op in [
    # Phi(x), the building block of gelu's double backward (torch records erf there)
    Pointwise("normal_cdf", "ErfBackward0", A.normal_cdf, Grad(A.normal_pdf_mul, "grad", "self"), "grad * normal_pdf(self)"),
]}
