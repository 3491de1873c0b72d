"""Adagrad (lr decay, weight decay, initial accumulator, maximize) with
torch's single-tensor update, one kernel call per parameter."""
from .. import messages
from ..kernels.optim import adagrad_step
from .optimizer import (Optimizer, check_fused, check_lr, full_state, run_closure,
                        step_tensor, run_update, update_arrays)


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(messages.optim_invalid("lr_decay value", lr_decay))
        if not 0.0 <= weight_decay:
            raise ValueError(messages.optim_invalid("weight_decay value", weight_decay))
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(messages.optim_invalid("initial_accumulator_value value",
                                                    initial_accumulator_value))
        if not 0.0 <= eps:
            raise ValueError(messages.optim_invalid("epsilon value", eps))
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        # torch builds Adagrad's state eagerly, for every parameter
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = step_tensor(fused=fused)
                state["sum"] = full_state(p, initial_accumulator_value)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        self._fix_step_state()

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            hyper = (float(group["lr"]), float(group["lr_decay"]), float(group["eps"]),
                     float(group["weight_decay"]), bool(group["maximize"]))
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pa, ga = update_arrays(p, g)
                s = state[p]
                if not s:
                    s["step"] = step_tensor(fused=group["fused"])
                    s["sum"] = full_state(p, self.defaults["initial_accumulator_value"])
                run_update(adagrad_step, p, pa, "Adagrad", state,
                           ga, s["sum"]._data, s["step"]._data, *hyper)
        return loss
