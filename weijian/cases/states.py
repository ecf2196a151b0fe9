"""The case (行政处罚案件) as an explicit state machine: read this first.

Main path under the 行政处罚法 (2021) and the 卫生健康行政处罚程序规定 (国家卫生健康委令第13号, in force 2025-06-01)::

    clue ──register──► registered 立案 ──investigate──► investigating 调查取证
        └─not_register─► not_registered 不予立案             │   ├─transfer_crime──► transferred_crime 涉嫌犯罪移送
                                                            │   │        └─crime_returned──► investigating
                                                            │   ├─transfer_out──► transferred_out 移送管辖
                                                            │   └─withdraw──► withdrawn 撤销立案
                                                            ▼
        notify 事先告知 (arts. 44–45) ──► notified ──request_hearing──► hearing_requested ──hold_hearing──► hearing_held
                                          │  (art. 63–64: when the penalty meets case_rules.yaml's thresholds)
                                          ├──legal_review 法制审核 (art. 58) ──► legal_review
                                          ├──discuss 集体讨论 (art. 57) ──► collective_discussion
                                          ▼
        decide 作出决定 (arts. 57–60) ──► decided ──serve 送达 (art. 61)──► served ──pay──► paid ──close──► closed
                                                                              └─enforce 申请强制执行──► enforced ─close─┘

Each transition below names the states it may start from, the step a skipped start lacks (shown to the user,
"缺少步骤：…"), and the deadline codes (``weijian/rules/data/deadlines.yaml``, read by ``weijian.core.deadlines``)
that the state it enters starts. The guards that need the case's data (two handlers, the hearing window, 法制审核
and 集体讨论 of a major case, no 以罚代刑, the discretion check) live in :mod:`weijian.cases.guards`; every
transition is one service ``case_<verb>`` in :mod:`weijian.cases.services` (one transaction, one audit event).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("已立案")
    INVESTIGATING = "investigating", _("调查取证")
    TRANSFERRED_CRIME = "transferred_crime", _("涉嫌犯罪已移送")
    NOTIFIED = "notified", _("已事先告知")
    HEARING_REQUESTED = "hearing_requested", _("已申请听证")
    HEARING_HELD = "hearing_held", _("已听证")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("集体讨论")
    DECIDED = "decided", _("已作出决定")
    SERVED = "served", _("已送达")
    PAID = "paid", _("已缴纳罚款")
    ENFORCED = "enforced", _("申请强制执行")
    CLOSED = "closed", _("已结案")
    NOT_REGISTERED = "not_registered", _("不予立案")
    WITHDRAWN = "withdrawn", _("已撤销立案")
    TRANSFERRED_OUT = "transferred_out", _("已移送管辖")


S = CaseState
FINAL_STATES = frozenset({S.CLOSED, S.NOT_REGISTERED, S.WITHDRAWN, S.TRANSFERRED_OUT})
# States before the decision in which the 90-day decision limit (case.decide) runs.
BEFORE_DECISION = frozenset({S.REGISTERED, S.INVESTIGATING, S.TRANSFERRED_CRIME, S.NOTIFIED, S.HEARING_REQUESTED,
                             S.HEARING_HELD, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION})  # fmt: skip
AFTER_NOTICE = (S.NOTIFIED, S.HEARING_HELD, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION)


@dataclass(frozen=True)
class Transition:
    """One step of the procedure: ``verb`` from one of ``sources`` to ``target``.

    ``requires``: the step that must come before, named when the case is in a state this transition cannot
    start from; ``starts``: the deadline codes the target state starts (shown on the case page).
    """

    verb: str
    label: str
    sources: tuple[CaseState, ...]
    target: CaseState
    requires: str
    starts: tuple[str, ...] = ()


TRANSITIONS: dict[str, Transition] = {t.verb: t for t in (
    Transition("investigate", _("开始调查取证"), (S.REGISTERED,), S.INVESTIGATING, _("立案")),
    Transition("transfer_crime", _("涉嫌犯罪移送公安机关"), (S.INVESTIGATING, S.NOTIFIED), S.TRANSFERRED_CRIME,
               _("调查取证"), ("crime.approve", "crime.transfer")),
    Transition("crime_returned", _("公安机关不予立案或退回，恢复办理"), (S.TRANSFERRED_CRIME,), S.INVESTIGATING,
               _("涉嫌犯罪移送")),
    Transition("notify", _("行政处罚事先告知"), (S.INVESTIGATING,), S.NOTIFIED, _("调查取证"),
               ("case.statement", "case.hearing_request")),
    Transition("request_hearing", _("当事人申请听证"), (S.NOTIFIED,), S.HEARING_REQUESTED, _("行政处罚事先告知"),
               ("case.hearing_notice",)),
    Transition("hold_hearing", _("举行听证"), (S.HEARING_REQUESTED,), S.HEARING_HELD, _("当事人申请听证")),
    Transition("legal_review", _("法制审核"), (S.NOTIFIED, S.HEARING_HELD), S.LEGAL_REVIEW,
               _("行政处罚事先告知")),
    Transition("discuss", _("负责人集体讨论"), (S.NOTIFIED, S.HEARING_HELD, S.LEGAL_REVIEW), S.COLLECTIVE_DISCUSSION,
               _("行政处罚事先告知")),
    Transition("decide", _("作出行政处罚决定"), AFTER_NOTICE, S.DECIDED, _("行政处罚事先告知"),
               ("case.serve_decision",)),
    Transition("serve", _("送达处罚决定书"), (S.DECIDED,), S.SERVED, _("作出行政处罚决定"), ("case.pay",)),
    Transition("pay", _("登记缴纳罚款"), (S.SERVED,), S.PAID, _("送达处罚决定书")),
    Transition("enforce", _("申请强制执行"), (S.SERVED,), S.ENFORCED, _("送达处罚决定书")),
    Transition("close", _("结案"), (S.SERVED, S.PAID, S.ENFORCED, S.INVESTIGATING, S.NOTIFIED), S.CLOSED,
               _("送达处罚决定书")),
    Transition("withdraw", _("撤销立案"), (S.REGISTERED, S.INVESTIGATING), S.WITHDRAWN, _("立案")),
    Transition("transfer_out", _("移送有管辖权的部门"), (S.REGISTERED, S.INVESTIGATING), S.TRANSFERRED_OUT, _("立案"),
               ("transfer.receipt",)),
)}  # fmt: skip
"""``register`` and ``not_register`` start a case from a clue (no source state): see services.case_register."""

# Outcomes a case may close with (行政处罚法 art. 57).
class CaseOutcome(models.TextChoices):
    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY = "no_penalty", _("违法行为轻微，不予行政处罚")
    NOT_ESTABLISHED = "not_established", _("违法事实不能成立，不予行政处罚")


class TransitionRefused(ValueError):
    """A transition this case's state or data does not allow; the message names the missing step (Chinese)."""


def transition(verb: str) -> Transition:
    return TRANSITIONS[verb]


def allowed_verbs(state: str) -> list[str]:
    """The transitions the state machine allows from ``state`` (the data guards may still refuse one)."""
    return [t.verb for t in TRANSITIONS.values() if state in t.sources]


def check_source(verb: str, state: str) -> Transition:
    """The transition, or :class:`TransitionRefused` naming the step that is missing before it."""
    step = TRANSITIONS[verb]
    if state in FINAL_STATES:
        raise TransitionRefused(
            _("案件已处于「%(state)s」，不能再「%(verb)s」") % {"state": S(state).label, "verb": step.label}
        )
    if state not in step.sources:
        raise TransitionRefused(
            _("不能从「%(state)s」直接「%(verb)s」：缺少步骤「%(requires)s」")
            % {"state": S(state).label, "verb": step.label, "requires": step.requires}
        )
    return step
