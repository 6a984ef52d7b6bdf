#!/usr/bin/env python3
"""PyTorch reference of Recut's reward model (src/engine/models/reward/architecture.ts), for timing.

Same architecture and parameter count (2,630,273): LayerNorm(Linear(125->256)) + positions (500x256)
+ action embedding (10x64 on the first 64 dims); 3 post-LN encoder layers (4 heads, ff 1024, ReLU,
key padding mask); masked mean pool; head 256-256-128-1 with LayerNorm/ReLU; 10*tanh(x/10).
Training step: Bradley-Terry loss on pairs (A and B in one batch), AdamW 1e-4, clip_grad_norm 1.0.

Usage: python3 scripts/torch_reward_ref.py [--repeats N]  -> one JSON object on stdout (seconds).
A "pair batch of P x T" means P preference pairs, i.e. 2P sequences of T beats, as in trainStep.
"""
import argparse, json, os, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class RewardModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(125, 256)
        self.norm = nn.LayerNorm(256)
        self.position = nn.Parameter(torch.randn(500, 256) * 0.02)
        self.action = nn.Embedding(10, 64)
        layer = nn.TransformerEncoderLayer(256, 4, 1024, dropout=0.0, activation="relu", batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Linear(256, 256), nn.LayerNorm(256), nn.ReLU(), nn.Linear(256, 128), nn.LayerNorm(128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, x, actions, mask):
        b, t, _ = x.shape
        h = self.norm(self.proj(x)) + self.position[:t]
        h = h + F.pad(self.action(actions), (0, 256 - 64))
        h = self.encoder(h, src_key_padding_mask=~mask)
        m = mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1)
        return 10 * torch.tanh(self.head(pooled).squeeze(-1) / 10)


def batch(n, t):
    return torch.randn(n, t, 125), torch.randint(0, 10, (n, t)), torch.ones(n, t, dtype=torch.bool)


def timed(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        s = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - s)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    model = RewardModel()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def infer(n=32, t=500):
        x, a, m = batch(n, t)
        with torch.no_grad():
            model(x, a, m)

    def train(pairs, t):
        x, a, m = batch(2 * pairs, t)
        target = torch.ones(pairs)
        r = model(x, a, m)
        d = r[:pairs] - r[pairs:]
        loss = (F.softplus(d) - target * d).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": params,
        "inference_32x500_s": timed(infer, args.repeats),
        "train_pairs16x500_s": timed(lambda: train(16, 500), args.repeats),
        "train_pairs8x128_s": timed(lambda: train(8, 128), args.repeats),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
