"""A case through the procedure, and the guards that refuse a step (handlers, hearing, discretion, 以罚代刑)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from weijian.cases import services, transfers
from weijian.cases.models import Case
from weijian.cases.states import CaseState, TransitionRefused
from weijian.cases.tests.conftest import register
from weijian.clues.models import ClueStatus
from weijian.core.models import AuditEvent
from weijian.registry.models import InspectorConflict

pytestmark = pytest.mark.django_db


def _to_notified(world: Any, *, fine: str = "15000", kinds: tuple[str, ...] = ("warning", "fine")) -> Case:
    case = register(world)
    actor = world.users["inspector_a"]
    case = services.case_investigate(actor=actor, case=case)
    return services.case_notify(actor=actor, case=case, violation_code="physician_outside_scope",
                                circumstance="general", kinds=list(kinds), fine=fine)  # fmt: skip


def _decide(world: Any, case: Case, **kw: Any) -> Case:
    """Decide once the statement period (fake: 3 days) has run: the clock moves on four days."""
    world.clock.shift(dt.timedelta(days=4))
    values = {"violation_code": "physician_outside_scope", "circumstance": "general", "kinds": ["warning", "fine"],
              "fine": "15000", **kw}  # fmt: skip
    return services.case_decide(actor=world.users["inspector_a"], case=case, **values)


def test_no_decision_while_the_statement_period_runs(world: Any, fake_parts: dict[str, Any]) -> None:
    case = _to_notified(world)
    values = {"violation_code": "physician_outside_scope", "circumstance": "general", "kinds": ["warning", "fine"],
              "fine": "15000"}  # fmt: skip
    with pytest.raises(TransitionRefused, match="陈述申辩期满"):
        services.case_decide(actor=world.users["inspector_a"], case=case, **values)
    assert _decide(world, case).state == CaseState.DECIDED


def test_register_opens_the_case_on_the_clue(world: Any, fake_parts: dict[str, Any]) -> None:
    case = register(world)
    assert case.state == CaseState.REGISTERED and case.number.startswith("AJ-310101-health-2026-")
    assert case.handlers.count() == 2 and case.parties.get().institution == world.institutions["a1"]
    world.clues["a"].refresh_from_db()
    assert world.clues["a"].status == ClueStatus.CASE
    assert AuditEvent.objects.filter(action="cases.case.register", object_id=str(case.pk)).count() == 1
    assert [d["kind"] for d in fake_parts["issued"]] == ["case_filing"]


def test_not_registering_keeps_the_reason(world: Any) -> None:
    clue = services.case_not_register(actor=world.users["manager_a"], clue=world.clues["a"], reason="违法事实不存在")
    assert clue.status == ClueStatus.CLOSED and clue.status_reason == "违法事实不存在"
    with pytest.raises(TransitionRefused, match="不予立案理由"):
        services.case_not_register(actor=world.users["manager_a"], clue=world.clues["a"], reason="")


def test_handlers_one_only_expired_badge_and_conflict_are_refused(world: Any) -> None:
    with pytest.raises(TransitionRefused, match="至少需要 2 名"):
        register(world, officers=("a1",))
    with pytest.raises(TransitionRefused, match="丙监督：执法证在 2026-03-02 无效"):
        register(world, officers=("a1", "a3"))
    with pytest.raises(TransitionRefused, match="戊市场：不是承办部门"):
        register(world, officers=("a1", "m1"))
    InspectorConflict.objects.create(inspector=world.officers["a2"], institution=world.institutions["a1"],
                                     reason="亲属", declared_on=dt.date(2025, 1, 1))  # fmt: skip
    with pytest.raises(TransitionRefused, match=r"乙监督：与当事人 .* 有申报回避"):
        register(world)
    assert not Case.objects.exists(), "a refused registration writes nothing"
    world.clues["a"].refresh_from_db()
    assert world.clues["a"].status == ClueStatus.NEW


def test_the_whole_path_to_closure(world: Any, fake_parts: dict[str, Any], time_machine: Any) -> None:
    actor = world.users["inspector_a"]
    case = _to_notified(world)
    assert case.state == CaseState.NOTIFIED and not case.hearing_offered
    case = _decide(world, case)
    assert case.state == CaseState.DECIDED and case.suggested["fine_min"] == "13000"
    case = services.case_serve(actor=actor, case=case)
    assert fake_parts["published"][0]["fields"]["decision_number"] == case.number
    with pytest.raises(TransitionRefused, match="缺少步骤「登记缴纳罚款」或「申请强制执行」"):
        services.case_close(actor=actor, case=case)
    case = services.case_pay(actor=actor, case=case, paid_on=dt.date(2026, 3, 10), amount="15000")
    assert case.state == CaseState.PAID and case.surcharge == 0
    case = services.case_close(actor=actor, case=case)
    assert case.state == CaseState.CLOSED
    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("pk")
    verbs = list(events.values_list("action", flat=True))
    assert verbs == [f"cases.case.{v}" for v in ("register", "investigate", "notify", "decide", "serve", "pay", "close")]
    assert [d["kind"] for d in fake_parts["issued"]] == ["case_filing", "penalty_notice", "penalty_decision",
                                                         "delivery_receipt", "closing_report"]  # fmt: skip


def test_late_payment_owes_the_surcharge(world: Any) -> None:
    actor = world.users["inspector_a"]
    case = services.case_serve(actor=actor, case=_decide(world, _to_notified(world)), served_on=dt.date(2026, 3, 6))
    # due 2026-03-21 (fake: 15 days); paid 2 days late → 3 % × 2 of 15000 = 900
    with pytest.raises(TransitionRefused, match="应缴 15900"):
        services.case_pay(actor=actor, case=case, paid_on=dt.date(2026, 3, 23), amount="15000")
    case = services.case_pay(actor=actor, case=case, paid_on=dt.date(2026, 3, 23), amount="15900")
    assert case.surcharge == Decimal("900.00")


def test_skipping_a_step_is_refused_with_its_name(world: Any) -> None:
    case = register(world)
    with pytest.raises(TransitionRefused, match="缺少步骤「行政处罚事先告知」"):
        _decide(world, services.case_investigate(actor=world.users["inspector_a"], case=case))
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING


def test_no_decision_without_both_handlers(world: Any) -> None:
    case = _to_notified(world)
    case.handlers.exclude(lead=True).delete()
    with pytest.raises(TransitionRefused, match="至少需要 2 名"):
        _decide(world, case)


def test_above_the_legal_maximum_is_refused(world: Any) -> None:
    case = _to_notified(world)
    with pytest.raises(TransitionRefused, match="超过法定最高"):
        _decide(world, case, fine="40000", departure_reason="情节特别严重")
    case.refresh_from_db()
    assert case.state == CaseState.NOTIFIED


def test_out_of_band_needs_a_reason_and_legal_review(world: Any) -> None:
    case = _to_notified(world)
    with pytest.raises(TransitionRefused, match="偏离裁量基准的理由"):
        _decide(world, case, fine="25000")
    with pytest.raises(TransitionRefused, match="缺少步骤「法制审核」"):
        _decide(world, case, fine="25000", departure_reason="多次违法，从重")
    case = services.case_legal_review(actor=world.users["manager_a"], case=case, opinion="同意从重")
    case = _decide(world, case, fine="25000", departure_reason="多次违法，从重")
    assert case.state == CaseState.DECIDED and case.legal_review_required


def test_major_case_needs_review_and_discussion(world: Any) -> None:
    case = _to_notified(world, kinds=("revoke_licence",), fine="")
    assert case.hearing_offered
    with pytest.raises(TransitionRefused, match=r"「法制审核」.*「负责人集体讨论」"):
        _decide(world, case, kinds=["revoke_licence"], fine="")


def test_hearing_window_and_notice(world: Any, time_machine: Any) -> None:
    actor = world.users["inspector_a"]
    case = _to_notified(world, kinds=("suspend_business",), fine="")
    with pytest.raises(TransitionRefused, match="已超过听证申请期限（2026-03-07）"):
        services.case_request_hearing(actor=actor, case=case, requested_on=dt.date(2026, 3, 8))
    case = services.case_request_hearing(actor=actor, case=case, requested_on=dt.date(2026, 3, 7))
    with pytest.raises(TransitionRefused, match="通知须在听证 2026-03-01 前送达"):
        services.case_schedule_hearing(actor=actor, case=case, hearing_on=dt.date(2026, 3, 8))
    case = services.case_schedule_hearing(actor=actor, case=case, hearing_on=dt.date(2026, 3, 9))
    with pytest.raises(TransitionRefused, match="尚未到期"):
        services.case_hold_hearing(actor=actor, case=case, record="当事人陈述")
    time_machine.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    case = services.case_hold_hearing(actor=actor, case=case, record="当事人陈述")
    assert case.state == CaseState.HEARING_HELD


def test_no_fine_and_no_closure_while_a_crime_transfer_stands(world: Any) -> None:
    actor = world.users["inspector_a"]
    case = services.case_investigate(actor=actor, case=register(world))
    transfer = transfers.case_transfer_crime(actor=actor, case=case, note="非法行医，涉嫌非法行医罪")
    case.refresh_from_db()
    assert case.state == CaseState.TRANSFERRED_CRIME
    with pytest.raises(TransitionRefused, match="缺少步骤"):
        services.case_close(actor=actor, case=case, outcome="no_penalty")
    with pytest.raises(TransitionRefused, match="缺少步骤「公安机关不予立案或退回」"):
        transfers.case_crime_returned(actor=actor, case=case, note="恢复")
    police = world.users["police"]
    transfers.transfer_receive(actor=police, transfer=transfer)
    transfers.transfer_accept(actor=police, transfer=transfer)
    # Forced back to investigating by hand, the guard still refuses a fine while the police hold the case.
    Case.objects.filter(pk=case.pk).update(state=CaseState.NOTIFIED)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="以罚代刑"):
        _decide(world, case)
    with pytest.raises(TransitionRefused, match="以罚代刑"):
        services.case_close(actor=actor, case=case, outcome="no_penalty")


def test_police_refusal_resumes_the_case(world: Any) -> None:
    actor, police = world.users["inspector_a"], world.users["police"]
    case = services.case_investigate(actor=actor, case=register(world))
    transfer = transfers.case_transfer_crime(actor=actor, case=case, note="涉嫌犯罪")
    transfers.transfer_receive(actor=police, transfer=transfer)
    with pytest.raises(TransitionRefused, match="不予受理理由"):
        transfers.transfer_refuse(actor=police, transfer=transfer, reason="")
    transfers.transfer_refuse(actor=police, transfer=transfer, reason="未达到追诉标准")
    case = transfers.case_crime_returned(actor=actor, case=case, note="公安机关不予立案，恢复办理")
    assert case.state == CaseState.INVESTIGATING
    case = services.case_notify(actor=actor, case=case, violation_code="physician_outside_scope",
                                circumstance="general", kinds=["fine"], fine="15000")  # fmt: skip
    assert _decide(world, case, kinds=["fine"]).state == CaseState.DECIDED


def test_close_without_penalty_and_withdraw(world: Any) -> None:
    actor = world.users["inspector_a"]
    case = services.case_investigate(actor=actor, case=register(world))
    with pytest.raises(TransitionRefused, match="缺少步骤「作出行政处罚决定」"):
        services.case_close(actor=actor, case=case)
    case = services.case_close(actor=actor, case=case, outcome="not_established")
    assert case.state == CaseState.CLOSED and case.outcome == "not_established"
    with pytest.raises(TransitionRefused, match="不能再"):
        services.case_withdraw(actor=actor, case=case, reason="撤销")


def test_extension_once(world: Any) -> None:
    case = register(world)
    case = services.case_extend(actor=world.users["manager_a"], case=case, reason="案情复杂")
    with pytest.raises(TransitionRefused, match="已批准过延期"):
        services.case_extend(actor=world.users["manager_a"], case=case, reason="再次")


def test_joint_team_handlers_change_and_the_procuratorate(world: Any) -> None:
    actor, police = world.users["manager_a"], world.users["police"]
    case = register(world)
    services.case_add_team_member(actor=actor, case=case, inspector=world.officers["m1"])
    assert case.team.get().inspector.department.code == "market"
    with pytest.raises(TransitionRefused, match="执法证无效"):
        services.case_add_team_member(actor=actor, case=case, inspector=world.officers["a3"])
    with pytest.raises(TransitionRefused, match="丙监督：执法证"):
        services.case_set_handlers(actor=actor, case=case, handler_ids=[world.officers["a1"].pk, world.officers["a3"].pk])
    assert case.handlers.count() == 2
    case = services.case_investigate(actor=actor, case=case)
    sent = transfers.case_transfer_crime(actor=actor, case=case, note="涉嫌犯罪")
    with pytest.raises(TransitionRefused, match="缺少步骤「公安机关不予立案」"):
        transfers.case_ask_procuratorate(actor=actor, case=case, transfer=sent, note="请求监督")
    transfers.transfer_receive(actor=police, transfer=sent)
    transfers.transfer_refuse(actor=police, transfer=sent, reason="不立案")
    sent.refresh_from_db()
    asked = transfers.case_ask_procuratorate(actor=actor, case=case, transfer=sent, note="请求立案监督")
    assert asked.to_department.code == "procuratorate" and asked.status == "sent"
    Case.objects.filter(pk=case.pk).update(state=CaseState.INVESTIGATING)  # forced: the guard reads the transfers
    with pytest.raises(TransitionRefused, match="以罚代刑"):
        services.case_close(actor=actor, case=Case.objects.get(pk=case.pk), outcome="no_penalty")


def test_clue_verification_page(world: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.users["manager_a"])
    clue = world.clues["a"]
    client.post(reverse("cases:register", args=[clue.pk]), {"action": "verify"})
    clue.refresh_from_db()
    assert clue.status == ClueStatus.VERIFYING
    assert client.post(reverse("cases:register", args=[world.clues["b"].pk]), {"action": "verify"}).status_code == 404


def test_an_overturned_decision_is_recorded_and_its_publication_withdrawn(world: Any, fake_parts: dict[str, Any]) -> None:
    from weijian.cases.selectors import credit_facts

    actor = world.users["inspector_a"]
    case = _to_notified(world)
    with pytest.raises(services.CaseError, match="尚未作出行政处罚决定"):
        services.case_overturn(actor=actor, case=case, overturned_on=None, basis="某复议决定书撤销")
    case = services.case_serve(actor=actor, case=_decide(world, case))
    with pytest.raises(services.CaseError, match="不能早于决定日期"):
        services.case_overturn(actor=actor, case=case, overturned_on=case.decided_on - dt.timedelta(days=1),
                               basis="某复议决定书撤销")  # fmt: skip
    with pytest.raises(services.CaseError, match="撤销或变更依据：必须填写"):
        services.case_overturn(actor=actor, case=case, overturned_on=None, basis=" ")
    with pytest.raises(Exception) as refused:
        services.case_overturn(actor=world.users["manager_b"], case=case, overturned_on=None, basis="某复议决定书撤销")
    assert refused.value.__class__.__name__ == "OutOfScope"  # another district's case
    assert fake_parts["withdrawn"] == []
    day = case.decided_on + dt.timedelta(days=2)
    with pytest.raises(services.CaseError, match="不能晚于今天"):
        services.case_overturn(actor=actor, case=case, overturned_on=day + dt.timedelta(days=30), basis="某复议决定书")
    world.clock.shift(dt.timedelta(days=3))
    case = services.case_overturn(actor=actor, case=case, overturned_on=day, basis="区政府行政复议决定书撤销原决定")
    assert case.overturned_on == day and case.state == CaseState.SERVED  # the procedure's state is kept
    assert [(w["overturned_on"], w["reason"]) for w in fake_parts["withdrawn"]] == [(day, "区政府行政复议决定书撤销原决定")]
    event = AuditEvent.objects.filter(action="cases.case.overturn", object_id=str(case.pk)).get()
    assert event.data["overturned_on"] == f"{day:%Y-%m-%d}" and event.data["disclosure"] == 1
    with pytest.raises(services.CaseError, match="已于"):
        services.case_overturn(actor=actor, case=case, overturned_on=None, basis="再次登记")
    facts = [f for f in credit_facts(case.decided_on) if f.detail.get("case_number") == case.number]
    corrections = [f for f in facts if f.source_kind == "correction"]
    assert corrections and all(f.corrects_kind == "case" and f.occurred_on == day for f in corrections)
    assert {f.corrects_key for f in corrections} == {f.source_key for f in facts if f.source_kind == "case"}


def test_the_case_page_records_an_overturn_and_keeps_what_was_typed_on_error(world: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    actor = world.users["inspector_a"]
    case = services.case_serve(actor=actor, case=_decide(world, _to_notified(world)))
    client = Client()
    client.force_login(world.users["manager_a"])
    url = reverse("cases:detail", args=[case.pk])
    assert "登记决定被撤销或变更" in client.get(url).content.decode()
    refused = client.post(url, {"action": "overturn", "day": "2026-13-01", "text": "某复议决定书"})
    assert refused.status_code == 400 and "某复议决定书" in refused.content.decode()  # kept
    world.clock.shift(dt.timedelta(days=1))
    client.force_login(world.users["manager_a"])  # a day later: the idle session has ended
    done = client.post(url, {"action": "overturn", "day": "", "text": "区人民法院判决撤销原处罚决定"})
    assert done.status_code == 302 and done.url == url
    case.refresh_from_db()
    assert case.overturned_on is not None and case.overturn_basis == "区人民法院判决撤销原处罚决定"
    assert "登记决定被撤销或变更" not in client.get(url).content.decode()  # once only
