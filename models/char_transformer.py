"""A tiny character-level GPT (models/tiny_gpt.py), trained live on a short text
(data/tiny_corpus.txt).

It is small enough (tens of thousands of parameters) to train in a couple of seconds on two CPU
cores, which is the point: the page shows the loss falling and the samples turning from noise
into words, and a sweep shows how the loss scales with parameters and steps (the shape of
Kaplan et al. 2020, "Scaling Laws for Neural Language Models", at toy scale).

torch is imported inside the functions that need it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from models import _optim
from models._config import check_choice, check_ranges
from models.tiny_gpt import GPTConfig, build_gpt
from models.torch_threads import torch_threads
from scenarios.errors import VentureLabError

if TYPE_CHECKING:
    import torch

CORPUS_PATH = Path(__file__).resolve().parent.parent / "data" / "tiny_corpus.txt"
Progress = Callable[[float, str], None]
N_EMBD_CHOICES = (8, 16, 24, 32, 48, 64, 96, 128)  # accepted embedding widths
EVAL_BATCHES = 2  # fixed batches per split for each loss point (same batches at every step)


@dataclass(frozen=True)
class TrainConfig:
    """Training knobs of the live run."""

    seed: int = 0
    n_layer: int = 2  # transformer blocks
    n_embd: int = 32  # model width; 4 heads when it divides by 4, else 2
    steps: int = 200  # AdamW steps
    batch_size: int = 16  # sequences of 32 characters per step
    learning_rate: float = 3e-3
    eval_every: int = 25  # steps between loss points
    sample_chars: int = 100  # length of each generated sample

    def validate(self) -> None:
        check_ranges(self, n_layer=(1, 6), steps=(10, 5000), batch_size=(1, 256),
                     learning_rate=(1e-5, 0.1), eval_every=(1, 1000), sample_chars=(10, 1000))
        check_choice(self, "n_embd", N_EMBD_CHOICES)

    def model_config(self, vocab_size: int) -> GPTConfig:
        """The GPT this run trains: 32 characters of context, the corpus's characters as tokens."""
        n_head = 4 if self.n_embd % 4 == 0 else 2
        return GPTConfig(vocab_size=vocab_size, n_layer=self.n_layer, n_embd=self.n_embd, n_head=n_head)


@dataclass(frozen=True)
class CharLMResult:
    config: TrainConfig
    n_params: int  # position embeddings excluded, as nanoGPT reports
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


def train_char_model(config: TrainConfig = TrainConfig(), progress: Progress | None = None) -> CharLMResult:
    """Train the tiny GPT on the corpus; record train/validation loss and samples as it learns."""
    config.validate()
    with torch_threads(1):  # tiny matrices: a second thread only adds waiting on a busy machine
        return _train(config, progress)


@dataclass(frozen=True)
class _Corpus:
    """The corpus as token ids, split 90 / 10 into training and validation text."""

    text: str
    chars: tuple[str, ...]  # vocabulary: the sorted distinct characters
    train: torch.Tensor  # (N_train,) token ids
    val: torch.Tensor  # (N_val,) token ids

    @classmethod
    def load(cls) -> "_Corpus":
        import torch

        text = load_corpus()
        chars = tuple(sorted(set(text)))
        stoi = {c: i for i, c in enumerate(chars)}
        data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
        split = int(0.9 * len(data))
        return cls(text, chars, data[:split], data[split:])

    def unigram_entropy(self) -> float:
        """Entropy of the training text's character frequencies, nats per character."""
        freq = np.bincount(self.train.numpy(), minlength=len(self.chars)) / len(self.train)
        return float(-(freq[freq > 0] * np.log(freq[freq > 0])).sum())


def _batch(data, block_size: int, batch_size: int, generator):
    """Random windows of ``block_size`` characters and the same windows shifted by one."""
    import torch

    ix = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[i: i + block_size] for i in ix])  # (B, T)
    y = torch.stack([data[i + 1: i + 1 + block_size] for i in ix])  # (B, T), shifted by one
    return x, y


class _Recorder:
    """Loss on fixed evaluation batches, and generated samples, at chosen steps."""

    def __init__(self, model, corpus: _Corpus, config: TrainConfig):
        import torch

        self.model, self.corpus, self.config = model, corpus, config
        T = model.config.block_size
        gen = torch.Generator().manual_seed(10_000 + config.seed)
        self.eval_batches = {name: [_batch(d, T, config.batch_size, gen) for _ in range(EVAL_BATCHES)]
                             for name, d in (("train", corpus.train), ("val", corpus.val))}
        self.sample_at = sorted({0, config.steps // 10, config.steps // 3, config.steps})
        self.steps: list[int] = []
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.samples: list[tuple[int, str]] = []

    def record(self, step: int) -> None:
        import torch

        self.model.eval()
        with torch.no_grad():
            loss = {name: float(np.mean([self.model(x, y)[1].item() for x, y in batches]))
                    for name, batches in self.eval_batches.items()}
        self.steps.append(step)
        self.train_loss.append(loss["train"])
        self.val_loss.append(loss["val"])
        if step in self.sample_at:
            self.samples.append((step, self._sample()))
        self.model.train()

    def _sample(self) -> str:
        import torch

        chars = self.corpus.chars
        start = torch.tensor([[chars.index("T")]])  # (1, 1): every sample starts from "T"
        gen = torch.Generator().manual_seed(20_000 + self.config.seed)
        out = self.model.generate(start, self.config.sample_chars - 1, gen)
        return "".join(chars[i] for i in out[0].tolist())


def _train(config: TrainConfig, progress: Progress | None) -> CharLMResult:
    import torch

    t0 = time.perf_counter()
    corpus = _Corpus.load()
    cfg = config.model_config(len(corpus.chars))
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    model = build_gpt(cfg)
    opt = _optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
    rec = _Recorder(model, corpus, config)
    model.train()
    rec.record(0)
    for step in range(1, config.steps + 1):
        x, y = _batch(corpus.train, cfg.block_size, config.batch_size, gen)
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % config.eval_every == 0 or step == config.steps or step in rec.sample_at:
            rec.record(step)
            if progress:
                progress(step / config.steps, f"step {step}: loss {rec.train_loss[-1]:.2f}")
    return CharLMResult(
        config=config, n_params=cfg.n_params_without_positions, vocab_size=len(corpus.chars),
        corpus_chars=len(corpus.text), steps=tuple(rec.steps), train_loss=tuple(rec.train_loss),
        val_loss=tuple(rec.val_loss), uniform_loss=math.log(len(corpus.chars)),
        unigram_loss=corpus.unigram_entropy(), samples=tuple(rec.samples),
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
