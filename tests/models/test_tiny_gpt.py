"""The demo lab's one tiny GPT (models/tiny_gpt.py): its parameter formula matches torch's count,
the two ways of writing the tied output layer compute the same function, a seed fixes the
weights, and a bad shape is refused naming the field."""

from __future__ import annotations

import pytest

from models.char_transformer import TrainConfig
from models.tiny_gpt import GPTConfig, build_gpt
from models.training_speed import SPEED_MODEL
from scenarios.errors import VentureLabError

SHAPES = [GPTConfig(), SPEED_MODEL, GPTConfig(vocab_size=20, block_size=8, n_layer=3, n_head=2, n_embd=16)]


@pytest.mark.parametrize("cfg", SHAPES, ids=["char-model", "speed-model", "small"])
def test_parameter_formula_matches_torch(cfg):
    model = build_gpt(cfg)
    assert sum(p.numel() for p in model.parameters()) == cfg.n_params  # tied weights count once
    assert cfg.n_params_without_positions == cfg.n_params - model.wpe.weight.numel()


def test_the_char_model_default_has_the_27k_parameters_the_page_shows():
    # 53 distinct characters in data/tiny_corpus.txt; the NLP page shows 27,168 parameters
    assert TrainConfig().model_config(vocab_size=53).n_params_without_positions == 27_168


def test_head_layer_and_embedding_product_compute_the_same_function():
    import torch

    cfg = GPTConfig(vocab_size=30, block_size=8, n_layer=2, n_head=2, n_embd=16)
    torch.manual_seed(0)
    with_layer = build_gpt(cfg)
    without = build_gpt(GPTConfig(**{**cfg.__dict__, "lm_head_layer": False}))
    without.load_state_dict({k: v for k, v in with_layer.state_dict().items() if not k.startswith("lm_head")})
    idx = torch.randint(0, 30, (3, 8))
    a, loss_a = with_layer(idx, idx)
    b, loss_b = without(idx, idx)
    assert a.shape == (3, 8, 30)
    torch.testing.assert_close(a, b)
    torch.testing.assert_close(loss_a, loss_b)


def test_the_same_seed_gives_the_same_weights_and_another_seed_does_not():
    import torch

    def first_weights(seed):
        torch.manual_seed(seed)
        return build_gpt(SPEED_MODEL).wte.weight.detach().clone()

    assert torch.equal(first_weights(1), first_weights(1))
    assert not torch.equal(first_weights(1), first_weights(2))


def test_generate_appends_tokens_within_the_vocabulary():
    import torch

    cfg = GPTConfig(vocab_size=12, block_size=4, n_layer=1, n_head=2, n_embd=8)
    torch.manual_seed(0)
    out = build_gpt(cfg).generate(torch.zeros((2, 1), dtype=torch.long), 9, torch.Generator().manual_seed(0))
    assert out.shape == (2, 10) and int(out.max()) < 12  # longer than the context: it slides


def test_hf_config_describes_the_same_shape():
    hf = SPEED_MODEL.hf_config()
    shape = (hf["n_layer"], hf["n_head"], hf["n_embd"], hf["n_positions"], hf["vocab_size"])
    assert shape == (2, 4, 64, 32, 256)
    assert hf["n_inner"] == 4 * hf["n_embd"] and hf["tie_word_embeddings"] is True


@pytest.mark.parametrize(("field", "cfg"), [("n_embd", GPTConfig(n_embd=30, n_head=4)),
                                            ("n_layer", GPTConfig(n_layer=0)),
                                            ("vocab_size", GPTConfig(vocab_size=1))])
def test_bad_shapes_raise_a_clear_error(field, cfg):
    with pytest.raises(VentureLabError, match=field):
        build_gpt(cfg)
