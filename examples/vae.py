"""A variational autoencoder on the 8x8 handwritten digits, written for torch:
the encoder gives a diagonal Gaussian q(z|x) as a ``torch.distributions.Normal``,
``rsample()`` draws z by the reparameterisation trick, the loss is the
Bernoulli (BCE-with-logits) reconstruction term plus
``torch.distributions.kl_divergence(q, p)`` against the standard normal prior.
At the end it decodes a few draws from the prior.

The digits ship with jitgrad (``jitgrad.datasets.load_digits``); they go
through numpy into ``torch.tensor`` so that the same program also runs on torch.
Runs unchanged on jitgrad (as here) and on torch (tests/test_examples.py runs
both and compares every printed number).
"""
import jitgrad as torch
import jitgrad.nn as nn
import jitgrad.nn.functional as F
from jitgrad.datasets import load_digits

LATENT, HIDDEN, BATCH, EPOCHS = 4, 128, 32, 10


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU())
        self.mu = nn.Linear(HIDDEN, LATENT)
        self.logvar = nn.Linear(HIDDEN, LATENT)
        self.decoder = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 64))

    def forward(self, x):
        h = self.encoder(x)
        q = torch.distributions.Normal(self.mu(h), torch.exp(0.5 * self.logvar(h)))
        z = q.rsample()
        return self.decoder(z), q


def loss_fn(logits, x, q):
    """Negative ELBO per image: reconstruction + KL(q(z|x) || N(0, I))."""
    prior = torch.distributions.Normal(torch.zeros_like(q.loc), torch.ones_like(q.scale))
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
    kl = torch.distributions.kl_divergence(q, prior).sum() / len(x)
    return recon, kl


def main():
    torch.manual_seed(0)
    digits = load_digits()
    x_train = torch.tensor(digits.x_train.numpy()).flatten(1)
    x_test = torch.tensor(digits.x_test.numpy()).flatten(1)
    print(f"train {tuple(x_train.shape)}  test {tuple(x_test.shape)}")
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(1, EPOCHS + 1):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for start in range(0, len(order), BATCH):
            x = x_train[order[start:start + BATCH]]
            logits, q = model(x)
            recon, kl = loss_fn(logits, x, q)
            loss = recon + kl
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        model.eval()
        with torch.no_grad():
            logits, q = model(x_test)
            recon, kl = loss_fn(logits, x_test, q)
        print(f"epoch {epoch}  train loss {total / len(x_train):.3f}  "
              f"test recon {recon.item():.3f}  test kl {kl.item():.3f}")

    with torch.no_grad():
        z = torch.randn(3, LATENT)
        images = torch.sigmoid(model.decoder(z)).view(3, 8, 8)
    print("prior draws, mean pixel:", [round(v, 4) for v in images.mean(dim=(1, 2)).tolist()])
    shades = " .:#"
    for row in range(8):
        print("   ".join("".join(shades[min(int(p * 4), 3)] for p in img[row].tolist())
                         for img in images))


if __name__ == "__main__":
    main()
