"""Every demo page has the section anchors that links into it (the atlas, the domain pages, a
shared URL with #section) rely on."""

from __future__ import annotations

import pytest

from dashboard.navigation import ROOT, page_by_url

ANCHORS = {
    "demo-finance": ["class-imbalance", "threshold-tuning", "money-at-stake", "credit-reasons"],
    "demo-medical": ["explainability", "differential-privacy", "federated-learning"],
    "demo-vision": ["corruptions", "adversarial-attacks", "adversarial-training", "saliency", "edge-latency"],
    "demo-compression": ["quantization", "pruning", "sparsity", "distillation", "edge-projection"],
    "demo-nlp": ["intent-classification", "sentiment", "char-transformer", "scaling"],
    "demo-recommendation": ["rating-sparsity", "cold-start", "top-k"],
    "demo-games": ["cheat-detection", "q-learning"],
    "demo-speech": ["keyword-spotting", "noise-robustness"],
    "demo-overfitting": ["learning-curves", "regularisation", "cross-validation", "augmentation",
                         "distribution-shift"],
    "demo-training-speed": ["batch-and-threads", "bf16", "parallel-scaling"],
}


@pytest.mark.parametrize("url", list(ANCHORS))
def test_page_source_has_its_section_anchors(url):
    source = (ROOT / page_by_url(url).path).read_text(encoding="utf-8")
    for anchor in ANCHORS[url]:
        assert f'anchor="{anchor}"' in source, anchor
