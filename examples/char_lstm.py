"""A character-level LSTM language model, written for torch: it learns a short
text, then writes new text by sampling one character at a time with
``torch.multinomial``.

Runs unchanged on jitgrad (as here) and on torch (tests/test_examples.py runs
both and compares every printed number).
"""
import jitgrad as torch
import jitgrad.nn as nn

TEXT = ("the quick brown fox jumps over the lazy dog. "
        "a lazy dog sleeps while the quick fox runs. "
        "the fox and the dog are friends now. ") * 4
SEQ, BATCH, HIDDEN, STEPS = 24, 16, 64, 120


class CharModel(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def main():
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    index = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([index[c] for c in TEXT])
    model = CharModel(len(chars), HIDDEN)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(1, STEPS + 1):
        starts = torch.randint(0, len(data) - SEQ - 1, (BATCH,))
        x = torch.stack([data[s:s + SEQ] for s in starts.tolist()])
        y = torch.stack([data[s + 1:s + SEQ + 1] for s in starts.tolist()])
        logits, _ = model(x)
        loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 20 == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}")

    model.eval()
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        ids = [index["t"]]
        state = None
        x = torch.tensor([[ids[0]]])
        for _ in range(40):
            logits, state = model(x, state)
            probs = torch.softmax(logits[0, -1], dim=0)
            nxt = torch.multinomial(probs, 1, generator=generator)
            ids.append(int(nxt.item()))
            x = nxt.reshape(1, 1)
    print("sampled ids:", ids)
    print("sample:", "".join(chars[i] for i in ids))


if __name__ == "__main__":
    main()
