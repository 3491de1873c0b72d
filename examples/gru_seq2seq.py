"""A GRU encoder-decoder, written for torch: it learns to reverse short digit
sequences with teacher forcing, then reverses a few inputs by greedy decoding.

Runs unchanged on jitgrad (as here) and on torch (tests/test_examples.py runs
both and compares every printed number).
"""
import jitgrad as torch
import jitgrad.nn as nn

DIGITS, LENGTH, HIDDEN, BATCH, STEPS = 10, 5, 48, 32, 200
SOS = DIGITS  # the decoder's start token


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(DIGITS, 16)
        self.gru = nn.GRU(16, HIDDEN, batch_first=True)

    def forward(self, src):
        _, hidden = self.gru(self.embed(src))
        return hidden


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(DIGITS + 1, 16)
        self.gru = nn.GRU(16, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, DIGITS)

    def forward(self, tokens, hidden):
        output, hidden = self.gru(self.embed(tokens), hidden)
        return self.out(output), hidden


def make_batch(n):
    src = torch.randint(0, DIGITS, (n, LENGTH))
    return src, src.flip(1)


def greedy(encoder, decoder, src):
    hidden = encoder(src)
    token = torch.full((src.size(0), 1), SOS, dtype=torch.long)
    result = []
    for _ in range(LENGTH):
        logits, hidden = decoder(token, hidden)
        token = logits.argmax(-1)
        result.append(token)
    return torch.cat(result, dim=1)


def main():
    torch.manual_seed(0)
    encoder, decoder = Encoder(), Decoder()
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=5e-3)
    criterion = nn.CrossEntropyLoss()
    for step in range(1, STEPS + 1):
        src, tgt = make_batch(BATCH)
        # teacher forcing: the decoder reads <sos> and the true previous digits
        dec_in = torch.cat([torch.full((BATCH, 1), SOS, dtype=torch.long), tgt[:, :-1]], dim=1)
        logits, _ = decoder(dec_in, encoder(src))
        loss = criterion(logits.reshape(-1, DIGITS), tgt.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 40 == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}")

    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        src, tgt = make_batch(200)
        pred = greedy(encoder, decoder, src)
        accuracy = (pred == tgt).float().mean().item()
        print(f"token accuracy {accuracy:.3f}")
        for row in range(3):
            print("input", src[row].tolist(), "-> output", pred[row].tolist())


if __name__ == "__main__":
    main()
