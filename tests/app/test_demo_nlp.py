"""The NLP demo page classifies the typed text in Chinese from a link, and a second visit with the
same settings takes the live char-model run from the memo without replay errors."""

from __future__ import annotations

from tests.app.conftest import assert_clean, open_page

NLP = "dashboard/pages/demo_nlp.py"


def test_nlp_page_classifies_the_typed_text_in_chinese():
    at = open_page(NLP, lang="zh", query={"nlp_text": "我想取消会员，别再扣钱了", "nlp_steps": "50"})
    assert_clean(at)
    info = " ".join(i.value for i in at.info)
    assert "取消订阅" in info
    assert at.select_slider(key="nlp_steps").value == 50


def test_nlp_page_second_visit_is_served_from_the_memo_without_replay_errors():
    """The live char-model run reports progress; a repeat run with the same settings must come
    from the memo (st.cache_data would try to replay the progress bar and fail)."""
    query = {"nlp_steps": "50", "nlp_langs": "en"}
    first = open_page(NLP, query=query)
    second = open_page(NLP, query=query)
    assert_clean(first)
    assert_clean(second)
    assert second.selectbox(key="nlp_langs").value == "en"
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
