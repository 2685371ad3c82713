"""A tiny character-level GPT, trained live on a short text (data/tiny_corpus.txt).

The module follows nanoGPT (Karpathy, github.com/karpathy/nanoGPT, model.py): a config
dataclass, pre-LayerNorm blocks of causal self-attention and an MLP, learned position
embeddings, weight tying between the token embedding and the output head (Press & Wolf 2017).
It is small enough (tens of thousands of parameters) to train in a couple of seconds on two CPU
cores, which is the point: the page shows the loss falling and the samples turning from noise
into words, and a sweep shows how the loss scales with parameters and steps (the shape of
Kaplan et al. 2020, "Scaling Laws for Neural Language Models", at toy scale).

torch is imported inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from scenarios.errors import VentureLabError

CORPUS_PATH = Path(__file__).resolve().parent.parent / "data" / "tiny_corpus.txt"
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class GPTConfig:
    """Model shape. Defaults: about 27k parameters for the 50-odd characters of the corpus."""

    vocab_size: int = 64  # set from the corpus by :func:`train_char_model`
    block_size: int = 32  # context length in characters
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 32  # must divide by n_head
    dropout: float = 0.0  # the corpus is tiny and runs are short: no dropout needed


@dataclass(frozen=True)
class TrainConfig:
    """Training knobs of the live run."""

    seed: int = 0
    n_layer: int = 2
    n_embd: int = 32
    steps: int = 200
    batch_size: int = 16
    learning_rate: float = 3e-3
    eval_every: int = 25
    sample_chars: int = 100

    def validate(self) -> None:
        checks = [
            ("n_layer", 1 <= self.n_layer <= 6, "1..6"),
            ("n_embd", self.n_embd in (8, 16, 24, 32, 48, 64, 96, 128), "8, 16, 24, 32, 48, 64, 96, 128"),
            ("steps", 10 <= self.steps <= 5000, "10..5000"),
            ("batch_size", 1 <= self.batch_size <= 256, "1..256"),
            ("learning_rate", 1e-5 <= self.learning_rate <= 0.1, "1e-5..0.1"),
            ("eval_every", 1 <= self.eval_every <= 1000, "1..1000"),
            ("sample_chars", 10 <= self.sample_chars <= 1000, "10..1000"),
        ]
        for name, ok, accepted in checks:
            if not ok:
                raise VentureLabError(name, "out of range", got=getattr(self, name), accepted=accepted)


def _build_model(cfg: GPTConfig):
    """Build the nanoGPT-style module (classes defined here so torch stays a lazy import)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
            self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)

        def forward(self, x):
            B, T, C = x.shape  # (B, T, C)
            q, k, v = self.qkv(x).split(C, dim=2)  # each (B, T, C)
            hs = C // cfg.n_head
            q = q.view(B, T, cfg.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
            k = k.view(B, T, cfg.n_head, hs).transpose(1, 2)
            v = v.view(B, T, cfg.n_head, hs).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs)
            y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(cfg.n_embd)
            self.attn = CausalSelfAttention()
            self.ln2 = nn.LayerNorm(cfg.n_embd)
            self.mlp = nn.Sequential(
                nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd)
            )

        def forward(self, x):
            x = x + self.attn(self.ln1(x))  # pre-LN residual, as in GPT-2
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.config = cfg
            self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
            self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)
            self.blocks = nn.ModuleList([Block() for _ in range(cfg.n_layer)])
            self.ln_f = nn.LayerNorm(cfg.n_embd)
            self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
            self.head.weight = self.wte.weight  # weight tying (Press & Wolf 2017)
            for m in self.modules():  # GPT-2 initialisation, N(0, 0.02)
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, 0.0, 0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.zeros_(m.bias)

        def forward(self, idx, targets=None):
            B, T = idx.shape  # (B, T) token ids
            pos = torch.arange(T, device=idx.device)
            x = self.wte(idx) + self.wpe(pos)  # (B, T, C)
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln_f(x))  # (B, T, vocab)
            loss = None
            if targets is not None:
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
            return logits, loss

        def n_params(self) -> int:
            # position embeddings excluded, as nanoGPT reports them (they are not "model" compute)
            return sum(p.numel() for p in self.parameters()) - self.wpe.weight.numel()

        @torch.no_grad()
        def generate(self, idx, n_new: int, generator):
            for _ in range(n_new):
                logits, _ = self(idx[:, -cfg.block_size :])
                probs = F.softmax(logits[:, -1, :], dim=-1)  # (B, vocab)
                nxt = torch.multinomial(probs, 1, generator=generator)
                idx = torch.cat([idx, nxt], dim=1)
            return idx

    return GPT()


@dataclass(frozen=True)
class CharLMResult:
    config: TrainConfig
    n_params: int
    vocab_size: int
    corpus_chars: int
    steps: tuple[int, ...]  # evaluation points
    train_loss: tuple[float, ...]  # mean cross-entropy, nats per character
    val_loss: tuple[float, ...]
    uniform_loss: float  # ln(vocab): the loss of guessing uniformly
    unigram_loss: float  # entropy of character frequencies: a no-context baseline
    samples: tuple[tuple[int, str], ...]  # (step, generated text) at a few checkpoints
    run_time_s: float


def load_corpus() -> str:
    text = CORPUS_PATH.read_text(encoding="utf-8")
    if len(text) < 1000:
        raise VentureLabError("corpus", "too short to train on", got=len(text), accepted=">= 1000 characters")
    return text


@contextlib.contextmanager
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: a second thread only adds waiting on a busy machine
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_char_model(config: TrainConfig = TrainConfig(), progress: Progress | None = None) -> CharLMResult:
    """Train the tiny GPT on the corpus; record train/validation loss and samples as it learns."""
    config.validate()
    with _one_thread():
        return _train(config, progress)


def _train(config: TrainConfig, progress: Progress | None) -> CharLMResult:
    import torch

    t0 = time.perf_counter()
    text = load_corpus()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    split = int(0.9 * len(data))
    train_d, val_d = data[:split], data[split:]
    n_head = 4 if config.n_embd % 4 == 0 else 2
    cfg = GPTConfig(vocab_size=len(chars), n_layer=config.n_layer, n_embd=config.n_embd, n_head=n_head)
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    model = _build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)

    def batch(d, g):
        ix = torch.randint(len(d) - cfg.block_size - 1, (config.batch_size,), generator=g)
        x = torch.stack([d[i : i + cfg.block_size] for i in ix])  # (B, T)
        y = torch.stack([d[i + 1 : i + 1 + cfg.block_size] for i in ix])  # (B, T), shifted by one
        return x, y

    eval_gen = torch.Generator().manual_seed(10_000 + config.seed)
    eval_batches = {
        name: [batch(d, eval_gen) for _ in range(2)] for name, d in (("train", train_d), ("val", val_d))
    }

    @torch.no_grad()
    def evaluate():
        model.eval()
        out = {
            name: float(np.mean([model(x, y)[1].item() for x, y in bs])) for name, bs in eval_batches.items()
        }
        model.train()
        return out

    sample_at = sorted({0, config.steps // 10, config.steps // 3, config.steps})
    steps, tr, va, samples = [], [], [], []

    def record(step):
        ev = evaluate()
        steps.append(step)
        tr.append(ev["train"])
        va.append(ev["val"])
        if step in sample_at:
            model.eval()
            start = torch.tensor([[stoi["T"]]])
            out = model.generate(
                start, config.sample_chars - 1, torch.Generator().manual_seed(20_000 + config.seed)
            )
            samples.append((step, "".join(chars[i] for i in out[0].tolist())))
            model.train()

    model.train()
    record(0)
    for step in range(1, config.steps + 1):
        x, y = batch(train_d, gen)
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % config.eval_every == 0 or step == config.steps or step in sample_at:
            record(step)
            if progress:
                progress(step / config.steps, f"step {step}: loss {tr[-1]:.2f}")
    freq = np.bincount(train_d.numpy(), minlength=len(chars)) / len(train_d)
    unigram = float(-(freq[freq > 0] * np.log(freq[freq > 0])).sum())
    return CharLMResult(
        config=config,
        n_params=model.n_params(),
        vocab_size=len(chars),
        corpus_chars=len(text),
        steps=tuple(steps),
        train_loss=tuple(tr),
        val_loss=tuple(va),
        uniform_loss=math.log(len(chars)),
        unigram_loss=unigram,
        samples=tuple(samples),
        run_time_s=time.perf_counter() - t0,
    )


@dataclass(frozen=True)
class ScalingPoint:
    n_embd: int
    n_params: int
    step: int
    val_loss: float


def scaling_sweep(
    config: TrainConfig = TrainConfig(),
    widths: Sequence[int] = (8, 16, 32, 64),
    progress: Progress | None = None,
) -> tuple[ScalingPoint, ...]:
    """Validation loss against parameters (model width) and steps: one run per width, with the
    loss recorded along the way, so each run gives a whole loss-vs-steps curve."""
    points: list[ScalingPoint] = []
    for n, w in enumerate(widths):

        def inner(f, msg, n=n, w=w):
            if progress:
                progress((n + f) / len(widths), f"width {w}: {msg}")

        res = train_char_model(replace(config, n_embd=int(w), sample_chars=10), progress=inner)
        points += [ScalingPoint(int(w), res.n_params, s, v) for s, v in zip(res.steps, res.val_loss)]
    return tuple(points)
