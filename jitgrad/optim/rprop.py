"""Rprop (step-size bounds, maximize) with torch's single-tensor update, one
kernel call per parameter."""
from .. import messages
from ..kernels.optim_more import rprop_step as _rprop_step
from .optimizer import (Optimizer, check_lr, flat, full_state, params_with_grad,
                        run_closure, run_update, step_tensor, zeros_state)


rprop_step = flat(_rprop_step)


class Rprop(Optimizer):
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(messages.optim_invalid_etas(etas[0], etas[1]))
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False,
                                 capturable=False)

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            hyper = (float(etaminus), float(etaplus), float(step_size_min),
                     float(step_size_max), bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state):
                if not s:
                    s["step"] = step_tensor()
                    s["prev"] = zeros_state(p)
                    s["step_size"] = full_state(p, float(group["lr"]))
                run_update(rprop_step, p, pa, "Rprop", state, ga, s["prev"]._data,
                           s["step_size"]._data, s["step"]._data, *hyper)
        return loss
