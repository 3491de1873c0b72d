"""One training step of examples/tiny_gpt.py's minGPT-style model (2 blocks,
embedding 32, 4 heads, context 16, batch 16): forward with a causal mask,
cross-entropy, backward, ``clip_grad_norm_`` and an AdamW update, as the
example's loop runs it, jitgrad beside torch. The model is the example's own
code, run with ``torch`` bound to each library. Many small ops: this is where
per-op cost shows."""
import os
import sys
import types

import numpy as np
import pytest

from conftest import FRAMEWORKS

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "tiny_gpt.py")


def example_namespace(T):
    """tiny_gpt.py's definitions with its ``jitgrad`` imports bound to ``T``."""
    source = open(EXAMPLE).read()
    for line in ("import jitgrad as torch", "import jitgrad.nn as nn",
                 "import jitgrad.nn.functional as F"):
        assert line in source, line
        source = source.replace(line, line.replace("jitgrad", T.__name__))
    # a module of its own in sys.modules: torch.compile's tracer looks it up by name
    module = types.ModuleType(f"tiny_gpt_on_{T.__name__}")
    module.__file__ = EXAMPLE
    sys.modules[module.__name__] = module
    exec(compile(source, EXAMPLE, "exec"), module.__dict__)
    return module.__dict__


@pytest.mark.parametrize("lib", FRAMEWORKS)
def test_gpt_training_step(lib, T, benchmark, compiled):
    ex = example_namespace(T)
    block, batch = ex["BLOCK"], ex["BATCH"]
    benchmark.group = f"train-step-mingpt-t{block}-b{batch}"
    vocab = len(set(ex["TEXT"]))
    rng = np.random.default_rng(0)
    x = T.tensor(rng.integers(0, vocab, (batch, block)))
    y = T.tensor(rng.integers(0, vocab, (batch, block)))
    T.manual_seed(0)
    model = ex["GPT"](vocab)
    optimizer = model.configure_optimizer(lr=3e-3, weight_decay=0.1)

    def step():
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        T.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss
    step = compiled(step)
    step()
    assert np.isfinite(step().item())       # warm-up (kernel compilation or cache load)
    benchmark(step)
