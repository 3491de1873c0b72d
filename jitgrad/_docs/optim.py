"""Docstrings of ``jitgrad.optim`` (optimizers), the methods of ``Optimizer``
(``OPTIMIZER``) and ``jitgrad.optim.lr_scheduler`` (``LR_SCHEDULER``)."""

_COMMON = """    params (iterable): parameters (tensors) or dicts of parameter groups with their
        own options.
    weight_decay (float): L2 penalty added to the gradient.
    maximize (bool): maximise the objective instead of minimising it.
    foreach, fused, capturable, differentiable: torch's implementation switches;
        jitgrad has one CPU implementation and checks them as torch does on the
        CPU (``capturable=True``, for one, raises at ``step``).
"""


def _opt(summary, args, example=""):
    return f"{summary}\n\nArgs:\n{_COMMON}{args}{example}"


DOCS = {
"Optimizer": """Base class of optimizers: holds parameter groups and per-parameter state.

Subclasses implement ``step``. ``param_groups`` is a list of dicts, each with
``'params'`` and the group's options (e.g. ``'lr'``), which schedulers and user code
may change between steps.
""",
"SGD": _opt("Stochastic gradient descent, with optional momentum and Nesterov momentum.",
            """    lr (float): learning rate.
    momentum (float): momentum factor (0 for none).
    dampening (float): dampening of the momentum.
    nesterov (bool): use Nesterov momentum (needs momentum > 0 and dampening 0).
""", """
Example::

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> opt = torch.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000], requires_grad=True)
"""),
"Adam": _opt("The Adam optimizer: steps scaled by running estimates of the gradient's first and second moments.",
             """    lr (float): learning rate.
    betas (tuple of float): decay rates of the first and second moment averages.
    eps (float): added to the denominator for stability.
    amsgrad (bool): use the maximum of past second moments (AMSGrad).
    decoupled_weight_decay (bool): apply weight decay as AdamW does.
""", """
Example::

    >>> model = nn.Linear(2, 1)
    >>> opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    >>> loss = model(torch.ones(4, 2)).pow(2).mean()
    >>> opt.zero_grad()
    >>> loss.backward()
    >>> opt.step()
"""),
"AdamW": _opt("Adam with decoupled weight decay: parameters shrink by ``lr * weight_decay`` each step, apart from the gradient.",
              """    lr, betas, eps, amsgrad: as for :class:`Adam`.
"""),
"Adamax": _opt("Adamax, the variant of Adam based on the infinity norm.", "    lr, betas, eps: as for :class:`Adam`.\n"),
"NAdam": _opt("Adam with Nesterov momentum.", "    lr, betas, eps: as for :class:`Adam`.\n    momentum_decay (float): the momentum schedule's decay.\n"),
"RAdam": _opt("Rectified Adam: Adam with the variance of the adaptive step rectified early in training.", "    lr, betas, eps: as for :class:`Adam`.\n"),
"Adagrad": _opt("Adagrad: per-parameter steps scaled by the accumulated sum of squared gradients.", "    lr (float): learning rate.\n    lr_decay (float): learning rate decay per step.\n"),
"Adadelta": _opt("Adadelta: steps scaled by running averages of squared gradients and squared updates.", "    lr (float): scale of the update.\n    rho (float): decay of the running averages.\n"),
"RMSprop": _opt("RMSprop: steps scaled by a running average of squared gradients.", "    lr (float): learning rate.\n    alpha (float): smoothing constant.\n    momentum (float): momentum factor.\n    centered (bool): normalise by the estimated variance of the gradient.\n"),
"Rprop": _opt("Resilient backpropagation: per-parameter step sizes that grow or shrink with the sign of the gradient.", "    etas (tuple): (decrease, increase) factors.\n    step_sizes (tuple): (minimum, maximum) step size.\n"),
"ASGD": _opt("Averaged stochastic gradient descent.", "    lr (float): learning rate.\n    lambd (float): decay term.\n    alpha (float): power for the eta update.\n    t0 (float): the step at which averaging starts.\n"),
"LBFGS": """The L-BFGS quasi-Newton optimizer; ``step`` needs a closure that recomputes and returns the loss.

Args:
    lr (float): learning rate.
    max_iter (int): iterations per ``step``.
    history_size (int): how many past updates approximate the Hessian.
    line_search_fn (str, optional): ``'strong_wolfe'`` or None.
""",
}

OPTIMIZER = {
"step": """Update the parameters once from their ``.grad``; ``closure`` (required by some optimizers) re-evaluates the loss and returns it.""",
"zero_grad": """Reset the gradients of all optimized parameters: to None (``set_to_none=True``, the default) or to zeros.""",
"state_dict": """Return the optimizer's state (per-parameter buffers and group options) as a dict, for :meth:`load_state_dict`.""",
"load_state_dict": """Restore the optimizer's state from a dict returned by :meth:`state_dict`.""",
"add_param_group": """Add a parameter group (a dict with ``'params'`` and options; missing options take the defaults).""",
}

LR_SCHEDULER = {
"LRScheduler": """Base class of learning-rate schedulers: call ``step()`` after ``optimizer.step()``, once per epoch (or per batch for per-batch schedules).""",
"StepLR": """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

Example::

    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [1.0, 0.5, 0.5, 0.25]
""",
"MultiStepLR": """Multiply the learning rate by ``gamma`` at each epoch listed in ``milestones``.""",
"ConstantLR": """Scale the learning rate by ``factor`` until epoch ``total_iters``, then restore it.""",
"LinearLR": """Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.""",
"ExponentialLR": """Multiply the learning rate by ``gamma`` every epoch.""",
"PolynomialLR": """Decay the learning rate to zero over ``total_iters`` epochs along a polynomial of degree ``power``.""",
"CosineAnnealingLR": """Anneal the learning rate from its initial value to ``eta_min`` along a half cosine over ``T_max`` epochs.""",
"CosineAnnealingWarmRestarts": """Cosine annealing restarted every ``T_0`` epochs, the period growing by ``T_mult`` after each restart.""",
"CyclicLR": """Cycle the learning rate between ``base_lr`` and ``max_lr`` (and momentum inversely); step it per batch.""",
"OneCycleLR": """The one-cycle policy: warm the learning rate up to ``max_lr`` then anneal far below the start; step it per batch.""",
"LambdaLR": """Set the learning rate to the initial one times ``lr_lambda(epoch)``.""",
"MultiplicativeLR": """Multiply the learning rate by ``lr_lambda(epoch)`` every epoch.""",
"SequentialLR": """Run ``schedulers`` one after another, switching at the epochs in ``milestones``.""",
"ChainedScheduler": """Step several schedulers together each time, their effects multiplying.""",
"ReduceLROnPlateau": """Reduce the learning rate by ``factor`` when a metric passed to ``step(metric)`` stops improving for ``patience`` epochs.

``mode='min'`` expects the metric to fall (a loss), ``'max'`` to rise (an accuracy).
""",
}
