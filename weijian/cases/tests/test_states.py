"""The state machine on its own: every transition's sources, and a skipped step refused with its name."""

from __future__ import annotations

import pytest

from weijian.cases.states import (
    FINAL_STATES,
    TRANSITIONS,
    CaseState,
    TransitionRefused,
    allowed_verbs,
    check_source,
)


def test_every_transition_is_allowed_from_each_of_its_sources() -> None:
    for verb, step in TRANSITIONS.items():
        for source in step.sources:
            assert check_source(verb, source) is step
            assert verb in allowed_verbs(source)


def test_final_states_allow_nothing() -> None:
    for state in FINAL_STATES:
        assert allowed_verbs(state) == []
        with pytest.raises(TransitionRefused, match="不能再"):
            check_source("decide", state)


def test_a_skipped_step_is_refused_naming_it() -> None:
    with pytest.raises(TransitionRefused, match="缺少步骤「行政处罚事先告知」"):
        check_source("decide", CaseState.INVESTIGATING)
    with pytest.raises(TransitionRefused, match="缺少步骤「送达处罚决定书」"):
        check_source("pay", CaseState.DECIDED)
    with pytest.raises(TransitionRefused, match="缺少步骤「当事人申请听证」"):
        check_source("hold_hearing", CaseState.NOTIFIED)


def test_every_state_is_reachable() -> None:
    targets = {t.target for t in TRANSITIONS.values()} | {CaseState.REGISTERED, CaseState.NOT_REGISTERED}
    assert targets == set(CaseState)
