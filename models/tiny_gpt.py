"""The demo lab's one tiny GPT: the character model (models/char_transformer.py) and the
training-speed demo (models/training_speed.py) both build it here.

The layout is nanoGPT's (Karpathy, github.com/karpathy/nanoGPT, model.py), itself GPT-2's
(Radford et al. 2019): token and learned position embeddings, pre-LayerNorm blocks of causal
self-attention and a 4x GELU MLP, a final LayerNorm, and an output layer that shares its weights
with the token embedding (Press & Wolf 2017, "Using the Output Embedding to Improve Language
Models"). Shapes in the comments: B batch, T tokens, C = ``n_embd``, nh heads, hs = C / nh.

torch is imported inside :func:`build_gpt`, so a page can read a config without loading torch.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from models._config import check, check_ranges


@dataclass(frozen=True)
class GPTConfig:
    """Shape of the model. The defaults make the character model: ~27k parameters for the
    53 characters of data/tiny_corpus.txt, trained in a couple of seconds on two CPU cores."""

    vocab_size: int = 64  # tokens read and predicted: the corpus's characters, or a synthetic vocabulary
    block_size: int = 32  # context length in tokens (rows of the position embedding)
    n_layer: int = 2  # transformer blocks
    n_head: int = 4  # attention heads per block; n_embd must divide by it
    n_embd: int = 32  # width C of the residual stream
    # How the tied output layer is written. True: a bias-free nn.Linear whose weight is the token
    # embedding (nanoGPT's lm_head). False: logits = x @ wte.weight.T (GPT-2's original code).
    # Both compute the same function, but the extra Linear draws its own initial weights before
    # they are tied, so a seeded model starts from different numbers: each demo keeps its own
    # setting so that its seeded figures stay what they are.
    lm_head_layer: bool = True

    def validate(self) -> None:
        check_ranges(self, vocab_size=(2, 65_536), block_size=(1, 4096), n_layer=(1, 48),
                     n_head=(1, self.n_embd))
        check(self, "n_embd", self.n_embd >= 1 and self.n_embd % max(self.n_head, 1) == 0,
              f"a positive multiple of n_head ({self.n_head})")

    @property
    def n_params(self) -> int:
        """Trainable parameters, counted from the shapes (the tied output layer adds none).

        Embeddings V*C + T*C; per block 12 C^2 + 13 C (qkv 3C^2 + 3C, projection C^2 + C,
        MLP 8C^2 + 5C, two LayerNorms 4C); the final LayerNorm 2C.
        """
        C = self.n_embd
        return self.vocab_size * C + self.block_size * C + self.n_layer * (12 * C * C + 13 * C) + 2 * C

    @property
    def n_params_without_positions(self) -> int:
        """Parameters less the position embedding, the count nanoGPT reports
        (``get_num_params(non_embedding=True)``): positions are a lookup, not model compute."""
        return self.n_params - self.block_size * self.n_embd

    def hf_config(self) -> dict:
        """The same model as a Hugging Face GPT-2 config.json (what the cost engine reads)."""
        return {"model_type": "gpt2", "n_layer": self.n_layer, "n_head": self.n_head,
                "n_embd": self.n_embd, "n_positions": self.block_size, "vocab_size": self.vocab_size,
                "n_inner": 4 * self.n_embd, "tie_word_embeddings": True}


def build_gpt(cfg: GPTConfig):
    """A freshly initialised ``torch.nn.Module`` of shape ``cfg`` (seed torch before calling).

    ``model(idx, targets)`` returns ``(logits, loss)``: logits (B, T, vocab) and the mean
    cross-entropy in nats per token (None without targets).
    """
    cfg.validate()
    return _gpt_class()(cfg)


@functools.cache
def _block_class():
    """The transformer block's torch module, defined on first use (keeps torch a lazy import)."""
    import torch.nn as nn
    import torch.nn.functional as F

    class CausalSelfAttention(nn.Module):
        def __init__(self, cfg: GPTConfig):
            super().__init__()
            self.n_head = cfg.n_head
            self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
            self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)

        def forward(self, x):
            B, T, C = x.shape  # (B, T, C)
            q, k, v = self.qkv(x).split(C, dim=2)  # each (B, T, C)
            q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs)
            return self.proj(y.transpose(1, 2).reshape(B, T, C))  # (B, T, C)

    class Block(nn.Module):
        def __init__(self, cfg: GPTConfig):
            super().__init__()
            C = cfg.n_embd
            self.ln_1 = nn.LayerNorm(C)
            self.attn = CausalSelfAttention(cfg)
            self.ln_2 = nn.LayerNorm(C)
            self.mlp = nn.Sequential(nn.Linear(C, 4 * C), nn.GELU(), nn.Linear(4 * C, C))

        def forward(self, x):  # (B, T, C) -> (B, T, C)
            x = x + self.attn(self.ln_1(x))  # pre-LayerNorm residual, as in GPT-2
            return x + self.mlp(self.ln_2(x))

    return Block


@functools.cache
def _gpt_class():
    """The whole model's torch module, defined on first use."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    Block = _block_class()

    class GPT(nn.Module):
        def __init__(self, cfg: GPTConfig):
            super().__init__()
            self.config = cfg
            self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
            self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)
            self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
            self.ln_f = nn.LayerNorm(cfg.n_embd)
            if cfg.lm_head_layer:
                self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
                self.lm_head.weight = self.wte.weight  # weight tying (Press & Wolf 2017)
            for m in self.modules():  # GPT-2 initialisation: N(0, 0.02), zero biases (as nanoGPT)
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, 0.0, 0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.zeros_(m.bias)

        def forward(self, idx, targets=None):
            T = idx.shape[1]  # idx: (B, T) token ids
            x = self.wte(idx) + self.wpe(torch.arange(T, device=idx.device))  # (B, T, C)
            for block in self.blocks:
                x = block(x)
            x = self.ln_f(x)
            logits = self.lm_head(x) if self.config.lm_head_layer else x @ self.wte.weight.T  # (B, T, vocab)
            if targets is None:
                return logits, None
            # in float32 even under bf16 autocast, where the logits leave the matmul in bf16
            loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1))
            return logits, loss

        @torch.no_grad()
        def generate(self, idx, n_new: int, generator):
            """Append ``n_new`` tokens to ``idx`` (B, T), each sampled from the softmax."""
            for _ in range(n_new):
                logits, _ = self(idx[:, -self.config.block_size:])
                probs = F.softmax(logits[:, -1, :], dim=-1)  # (B, vocab)
                nxt = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
                idx = torch.cat([idx, nxt], dim=1)
            return idx

    return GPT
