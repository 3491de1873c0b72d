"""A sequence classifier built from torch's nn.TransformerEncoder, written for
torch: padded variable-length token sequences, a learned positional embedding,
a key-padding mask, mean pooling over the real tokens, cross-entropy and Adam.
The task: does the token 7 occur in the sequence never, once, or more often?

Runs unchanged on jitgrad (as here) and on torch (tests/test_examples.py runs
both and compares every printed number).
"""
import jitgrad as torch
import jitgrad.nn as nn

VOCAB, PAD, TARGET, MAXLEN, D_MODEL = 10, 0, 7, 10, 32
EPOCHS, BATCH = 4, 32


def make_data(n):
    lengths = torch.randint(4, MAXLEN + 1, (n,))
    tokens = torch.randint(1, VOCAB, (n, MAXLEN))
    padding = torch.arange(MAXLEN).unsqueeze(0) >= lengths.unsqueeze(1)
    tokens = tokens.masked_fill(padding, PAD)
    labels = (tokens == TARGET).sum(dim=1).clamp(max=2)
    return tokens, padding, labels


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D_MODEL, padding_idx=PAD)
        self.pos = nn.Parameter(torch.randn(1, MAXLEN, D_MODEL) * 0.02)
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=64, dropout=0.1,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(D_MODEL, 3)

    def forward(self, tokens, padding):
        x = self.embed(tokens) + self.pos[:, :tokens.size(1)]
        x = self.encoder(x, src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).float()
        pooled = (x * keep).sum(dim=1) / keep.sum(dim=1)
        return self.head(pooled)


def main():
    torch.manual_seed(0)
    x_train, pad_train, y_train = make_data(384)
    x_test, pad_test, y_test = make_data(256)
    print("class counts: train", torch.bincount(y_train).tolist(),
          " test", torch.bincount(y_test).tolist())
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            logits = model(x_train[idx], pad_train[idx])
            loss = criterion(logits, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            logits = model(x_test, pad_test)
            test_loss = criterion(logits, y_test).item()
            accuracy = (logits.argmax(dim=1) == y_test).float().mean().item()
        print(f"epoch {epoch}  train loss {total / len(x_train):.4f}  "
              f"test loss {test_loss:.4f}  test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
