"""One training step of a Transformer encoder layer at a size a CPU user
trains (d_model 128, 4 heads, feed-forward 512, dropout 0.1, sequences of 64,
batch 32, seq-first as torch's default): forward, a squared-mean loss,
backward and an SGD update, jitgrad beside torch. Dropout draws from each
library's generator (the same masks for the same seed). The floating-point
work is the five products of the projections and feed-forward and the two
batched attention products (128 heads x 64 x 64 x 32 each way)."""
import numpy as np
import pytest

from conftest import FRAMEWORKS

D_MODEL, HEADS, FEEDFORWARD, SEQ, BATCH, DROPOUT = 128, 4, 512, 64, 32, 0.1


@pytest.mark.parametrize("lib", FRAMEWORKS)
def test_encoder_layer_training_step(lib, T, benchmark, compiled):
    benchmark.group = f"train-step-encoder-layer-d{D_MODEL}-h{HEADS}-t{SEQ}-b{BATCH}"
    x = T.tensor(np.random.default_rng(0).standard_normal((SEQ, BATCH, D_MODEL),
                                                          dtype=np.float32))
    T.manual_seed(0)
    model = T.nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, DROPOUT)
    optimizer = T.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = model(x).square().mean()
        loss.backward()
        optimizer.step()
        return loss
    step = compiled(step)
    step()
    assert np.isfinite(step().item())       # warm-up (kernel compilation or cache load)
    benchmark(step)
