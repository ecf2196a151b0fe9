"""Which legal time limit each step of a complaint or a case starts: step → code of ``rules/data/deadlines.yaml``.

The figures, units and legal basis are in the rules file and :mod:`weijian.core.deadlines` counts them; this table
only says where each deadline begins, so a newcomer finds a case's deadlines here. A step is the event whose moment
is the deadline's start (for ``hearing_scheduled``, the hearing itself: the notice is due *before* it).
"""

from __future__ import annotations

import datetime as dt

from weijian.core.deadlines import TZ, Deadline, counts_before, deadline, deadline_before

STARTED_BY: dict[str, str] = {
    # complaints
    "complaint_received": "complaint.accept",  # 收到投诉举报 → 决定是否受理
    "complaint_accepted": "complaint.reply",  # 受理 → 办结答复
    "complaint_reply_extended": "complaint.reply_extension",  # 批准延期 → 延期答复
    # case (行政处罚法, 卫生健康行政处罚程序规定)
    "case_accepted": "case.register",  # 案件受理 → 立案
    "case_registered": "case.decide",  # 立案 → 作出处罚决定（90日）
    "decision_extension_approved": "case.decide_extension",  # 批准延长 → 延长后的决定期限
    "evidence_preserved": "case.evidence_preservation",  # 先行登记保存 → 处理决定（7日）
    "penalty_notice_served": "case.statement",  # 事先告知书送达 → 陈述、申辩
    "hearing_notice_served": "case.hearing_request",  # 听证告知书送达 → 要求听证（5日）
    "hearing_scheduled": "case.hearing_notice",  # 听证日期 ← 提前7日通知（deadline_before）
    "decision_announced": "case.serve_decision",  # 宣告决定书（当事人不在场）→ 送达（7日）
    "decision_served": "case.pay",  # 决定书送达 → 缴纳罚款（15日）
    "fine_collected_on_the_spot": "case.cash_handover",  # 当场收缴 → 交至行政机关（2日）
    # 行刑衔接 (国务院令310)
    "crime_reported": "crime.approve",  # 专案组报告 → 负责人审批（3日）
    "crime_transfer_approved": "crime.transfer",  # 批准移送 → 移送公安（24小时）
    "crime_transferred": "crime.police_review",  # 公安接受移送 → 审查立案（3日）
    "police_refused": "crime.reconsider_request",  # 接到不予立案通知 → 提请复议（3日）
    "reconsideration_requested": "crime.reconsider_answer",  # 公安收到复议 → 复议决定（3日）
    "reconsideration_refused": "crime.procuratorate",  # 接到复议决定 → 建议检察院立案监督（3日）
    "police_registered": "crime.hand_over",  # 接到立案通知 → 移交涉案物品（3日）
    # transfers between departments and 督办
    "clue_transferred": "transfer.receipt",  # 移送 → 签收
    "transfer_received": "transfer.answer",  # 签收 → 反馈办理结果
    "supervision_started": "supervision.report",  # 督办 → 报告进展
}

def deadline_for(step: str, at: dt.datetime | dt.date, *, amount: int | None = None) -> Deadline:
    """The deadline ``step`` starts at ``at`` (a KeyError names an unknown step); for a deadline the rules count
    before an event (``direction: before``), ``at`` is that event."""
    code = STARTED_BY[step]
    day = (at.astimezone(TZ) if at.tzinfo else at).date() if isinstance(at, dt.datetime) else at
    if counts_before(code, day):
        return deadline_before(code, at)
    return deadline(code, at, amount=amount)
