"""AppTest of the compression, NLP and recommendation demo pages: each runs clean from the
entrypoint, reads its knobs from the URL, and shows the figures its section anchors promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import assert_clean, open_page

ROOT = Path(__file__).resolve().parents[2]

PAGES = {
    "dashboard/pages/demo_compression.py": (
        "quantization",
        "pruning",
        "sparsity",
        "distillation",
        "edge-projection",
    ),
    "dashboard/pages/demo_nlp.py": ("intent-classification", "sentiment", "char-transformer", "scaling"),
    "dashboard/pages/demo_recommendation.py": ("rating-sparsity", "cold-start", "top-k"),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_source_has_its_anchors(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    for anchor in PAGES[path]:
        assert f'anchor="{anchor}"' in source, anchor


def _metric(at, label_start: str) -> str:
    for m in at.metric:
        if m.label.startswith(label_start):
            return m.value
    raise AssertionError(f"no metric starting {label_start!r}: {[m.label for m in at.metric]}")


def test_compression_page_reads_knobs_from_url():
    at = open_page("dashboard/pages/demo_compression.py", query={"comp_prune": "0.3", "comp_seed": "1"})
    assert_clean(at)
    assert at.slider(key="comp_prune").value == pytest.approx(0.3)
    assert at.number_input(key="comp_seed").value == 1
    size = float(_metric(at, "int8 file").split()[0])
    assert 0 < size < float(_metric(at, "fp32 file").split()[0]) / 3
    assert [h.value for h in at.header][:1]  # sections rendered


def test_nlp_page_classifies_the_typed_text_in_chinese():
    at = open_page(
        "dashboard/pages/demo_nlp.py",
        lang="zh",
        query={"nlp_text": "我想取消会员，别再扣钱了", "nlp_steps": "50"},
    )
    assert_clean(at)
    info = " ".join(i.value for i in at.info)
    assert "取消订阅" in info
    assert at.select_slider(key="nlp_steps").value == 50


def test_recommendation_page_shows_top_k_for_a_new_user():
    at = open_page("dashboard/pages/demo_recommendation.py", query={"rec_user": "420", "rec_k": "5"})
    assert_clean(at)
    assert len(at.dataframe[-1].value) == 5
    assert any("new user" in c.value for c in at.caption)


def test_recommendation_sweep_button_draws_the_curve():
    at = open_page("dashboard/pages/demo_recommendation.py")
    n_charts = len(at.get("plotly_chart"))
    at.button(key="rec_run_sweep").click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == n_charts + 1


def test_nlp_page_second_visit_is_served_from_the_memo_without_replay_errors():
    """The live char-model run reports progress; a repeat run with the same settings must come
    from the memo (st.cache_data would try to replay the progress bar and fail)."""
    query = {"nlp_steps": "50", "nlp_langs": "en"}
    first = open_page("dashboard/pages/demo_nlp.py", query=query)
    second = open_page("dashboard/pages/demo_nlp.py", query=query)
    assert_clean(first)
    assert_clean(second)
    assert second.selectbox(key="nlp_langs").value == "en"
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
