"""Adadelta (weight decay, maximize) with torch's single-tensor update, one
kernel call per parameter."""
from .. import messages
from ..kernels.optim_more import adadelta_step as _adadelta_step
from .optimizer import (Optimizer, check_lr, check_nonnegative, flat, params_with_grad,
                        run_closure, run_update, step_tensor, zeros_state)


adadelta_step = flat(_adadelta_step)


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(messages.optim_invalid("rho value", rho))
        check_nonnegative("epsilon value", eps)
        check_nonnegative("weight_decay value", weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False,
                                 capturable=False)

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            hyper = (float(group["lr"]), float(group["rho"]), float(group["eps"]),
                     float(group["weight_decay"]), bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state,
                                                 messages.OPTIM_CAPTURABLE_ADADELTA):
                if not s:
                    s["step"] = step_tensor()
                    s["square_avg"] = zeros_state(p)
                    s["acc_delta"] = zeros_state(p)
                run_update(adadelta_step, p, pa, "Adadelta", state, ga, s["square_avg"]._data,
                           s["acc_delta"]._data, s["step"]._data, *hyper)
        return loss
