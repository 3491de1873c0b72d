"""ASGD (averaged SGD: eta/mu schedules, weight decay, maximize) with torch's
single-tensor update, one kernel call per parameter."""
from .. import messages
from ..kernels.optim_more import asgd_step as _asgd_step
from ..tensor import Tensor
from .optimizer import (Optimizer, check_lr, check_nonnegative, flat, params_with_grad,
                        run_closure, run_update, step_tensor, zeros_state)


asgd_step = flat(_asgd_step)


class ASGD(Optimizer):
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonnegative("weight_decay value", weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False,
                                 capturable=False)
        for s in self.state.values():
            if isinstance(s, dict):
                for key in ("eta", "mu"):
                    if key in s and not isinstance(s[key], Tensor):
                        s[key] = step_tensor(float(s[key]))

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            hyper = (float(group["lr"]), float(group["lambd"]), float(group["alpha"]),
                     float(group["t0"]), float(group["weight_decay"]), bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state,
                                                 messages.OPTIM_CAPTURABLE_ASGD):
                if not s:
                    s["step"] = step_tensor()
                    s["eta"] = step_tensor(float(group["lr"]))
                    s["mu"] = step_tensor(1.0)
                    s["ax"] = zeros_state(p)
                run_update(asgd_step, p, pa, "ASGD", state, ga, s["ax"]._data, s["eta"]._data,
                           s["mu"]._data, s["step"]._data, *hyper)
        return loss
