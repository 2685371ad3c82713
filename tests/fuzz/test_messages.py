"""Every corpus case that is safe to run here (no FIFO, no device file, small inputs) answers with
exactly the exit code and the one line recorded in tests/fuzz/messages.json: a message that loses
its field, its accepted values or the value it got fails here, not only when a person reads it.
Re-record on purpose with ``python -m tests.fuzz.messages``."""

from __future__ import annotations

import json

import pytest

from tests.fuzz import messages

RECORDED = json.loads(messages.MESSAGES.read_text(encoding="utf-8"))
CASES = {c["id"]: c for c in messages.safe_cases()}


def test_every_safe_case_is_recorded_and_nothing_else():
    assert sorted(RECORDED) == sorted(CASES), "run: python -m tests.fuzz.messages"
    assert len(RECORDED) >= 300


@pytest.mark.parametrize("case_id", sorted(RECORDED))
def test_the_case_answers_with_its_recorded_line(case_id):
    assert messages.answer_here(CASES[case_id]) == RECORDED[case_id]
