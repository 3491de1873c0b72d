"""The op table's derivative formulas as scalar code for fused kernels.

A formula such as ``grad * (1 - result * result)`` is written over tensors
(torch's derivatives.yaml language). Applied to one element it is a scalar
expression; ``scalar_code`` rewrites it into Numba-ready source: the names
``grad``, ``self``, ``other``, ``result`` become the placeholders ``{grad}``,
``{self}``..., numbers become constants of the computation's dtype, tensor
methods become the scalar functions of ``kernels/scalar.py`` (``S.cos``),
and ``.float()`` becomes a cast. A formula that uses anything else is
rejected, and the op is then not fused.
"""
import ast
import functools

from ..kernels import scalar as S
from .primitives import dtype_name, literal

_NAMES = ("grad", "self", "other", "result", "beta", "threshold", "negative_slope", "alpha",
          "end", "weight", "tensor1", "tensor2", "value", "nan", "posinf", "neginf",
          "min_val", "max_val", "lambd", "scale", "input_scale", "grad_input_scale",
          "min", "max", "condition")
# tensor methods -> scalar functions of one argument
_METHODS = {"cos", "sin", "sinh", "cosh", "sign", "rsqrt", "exp", "sqrt", "abs", "sigmoid", "tanh"}


class Unsupported(Exception):
    pass


#: composite elementwise ops (losses, activations with parameters): their
#: slots and the derivative formula of each differentiable slot
COMPOSITE = {
    # torch's stable form: (1 - y) x + max(-x, 0) + log1p(exp(-|x|))
    "bce_with_logits": (("self", "other"), {"self": "grad * (self.sigmoid() - other)",
                                            "other": "-grad * self"}),
}


def pointwise(name):
    """The table's ``Pointwise`` entry ``name`` (an activation with parameters),
    ``Nary`` entry (lerp, addcmul...) or elementwise ``Composite`` with slots
    (clamp, where), or None."""
    from .. import derivatives
    op = derivatives.COMPOSITE.get(name) or derivatives.INTERNAL.get(name)
    if isinstance(op, (derivatives.Pointwise, derivatives.Nary)):
        return op
    return op if isinstance(op, derivatives.Composite) and op.slots else None


def slots_of(name):
    from .. import derivatives
    if name in derivatives.UNARY:
        return ("self",)
    if name in derivatives.BINARY:
        return ("self", "other")
    op = pointwise(name)
    if op is not None:
        return ("self", *op.params) if isinstance(op, derivatives.Pointwise) else op.slots
    return COMPOSITE[name][0]


def formulas_of(name):
    """{slot: derivative formula} of op ``name``."""
    from .. import derivatives
    if name in derivatives.UNARY:
        return {"self": derivatives.UNARY[name].formula}
    if name in derivatives.BINARY:
        return dict(zip(("self", "other"), derivatives.BINARY[name].formulas))
    op = pointwise(name)
    if op is not None:
        return op.formulas
    return COMPOSITE[name][1]


@functools.lru_cache(maxsize=None)
def scalar_code(formula, dtype):
    """The formula as a format string over ``{grad}``, ``{self}``, ``{other}``,
    ``{result}`` for elements of ``dtype``; Unsupported if it can't be."""
    try:
        tree = ast.parse(formula, mode="eval").body
    except SyntaxError as e:
        raise Unsupported(formula) from e
    return _emit(tree, dtype)


def _emit(node, dtype):
    if isinstance(node, ast.Name):
        if node.id not in _NAMES:
            raise Unsupported(node.id)
        return "{" + node.id + "}"
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return literal(node.value, dtype)
    if isinstance(node, ast.BinOp):
        # (& and | of comparisons, as the table writes masks: the scalar and/or)
        op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.BitAnd: "and",
              ast.BitOr: "or"}.get(type(node.op))
        if op is None:
            raise Unsupported(ast.dump(node.op))
        return f"({_emit(node.left, dtype)} {op} {_emit(node.right, dtype)})"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return f"(-{_emit(node.operand, dtype)})"
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
              ast.NotEq: "!="}[type(node.ops[0])]
        return f"({_emit(node.left, dtype)} {op} {_emit(node.comparators[0], dtype)})"
    if isinstance(node, ast.Call):
        return _call(node, dtype)
    raise Unsupported(ast.dump(node))


def _call(node, dtype):
    f = node.func
    if node.keywords:
        raise Unsupported("keyword arguments")
    if isinstance(f, ast.Attribute):                 # a tensor method
        obj = _emit(f.value, dtype)
        if f.attr == "float":
            return f"{dtype_name(dtype)}({obj})"
        if f.attr == "pow" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
            k = node.args[0].value
            if isinstance(k, int) and 1 <= k <= 4:
                return "(" + " * ".join([obj] * k) + ")"
        if f.attr in _METHODS and not node.args:
            return f"S.{f.attr}({obj})"
        raise Unsupported(f.attr)
    if isinstance(f, ast.Name):
        args = [_emit(a, dtype) for a in node.args]
        if f.id == "zeros_like":
            return literal(0, dtype)
        if f.id == "where" and len(args) == 3:
            return f"({args[1]} if {args[0]} else {args[2]})"
        if hasattr(S, f.id):
            return f"S.{f.id}({', '.join(args)})"
    raise Unsupported(ast.dump(f))
