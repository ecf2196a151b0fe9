"""The disclosure service: publish with the rules' window, mask identity numbers, refuse bad fields naming them,
withdraw on overturn, expire at the end of the period (idempotent), early removal only where the rules allow."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from weijian.core.models import AuditEvent, Department
from weijian.core.scope import OutOfScope
from weijian.portal import disclosure as service
from weijian.portal import windows
from weijian.portal.models import Disclosure, DisclosureStatus
from weijian.portal.tests.conftest import RIC, penalty_fields, person_fields

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2026, 6, 5)  # a Friday


def _publish(people: dict[str, Any], source: Any = None, **kwargs: Any) -> Disclosure:
    source = source or people["a1"]
    options: dict[str, Any] = {"actor": people["manager_a"], "kind": "penalty", "source": source,
                               "fields": penalty_fields(source), "decided_on": DECIDED, "severity": "general",
                               "department": people["health"]}  # fmt: skip
    options.update(kwargs)
    return service.disclosure_publish(**options)


def test_publish_computes_the_window_from_the_rules_and_records_one_event(people: dict[str, Any], clock: Any) -> None:
    before = AuditEvent.objects.count()
    made = _publish(people)
    assert made.status == DisclosureStatus.PUBLISHED and made.published_at is not None
    assert made.publish_due == dt.date(2026, 6, 16)  # 7 working days: 端午 2026-06-19 is after it
    assert (made.min_until, made.max_until) == (dt.date(2026, 9, 5), dt.date(2027, 6, 5))  # 一般: 3 months – 1 year
    assert made.early_removal and not made.published_late
    assert made.region.code == "310101" and made.department.code == "health"
    assert made.fields["decided_on"] == "2026-06-05" and made.fields["publish_until"] == "2027-06-05"
    assert made.fields["data_source"] == made.fields["authority"], "data source defaults to the authority"
    assert made.rules["period"]["effective_from"] == "2026-04-01"
    events = AuditEvent.objects.filter(action="portal.disclosure.publish")
    assert AuditEvent.objects.count() == before + 1 and events.get().data["max_until"] == "2027-06-05"
    again = _publish(people, fields=penalty_fields(people["a1"], facts="另一版本"))
    assert again.pk == made.pk and again.fields["facts"] == made.fields["facts"], "the same source: the first record"
    assert AuditEvent.objects.count() == before + 1
    assert service.disclosure_for(people["a1"]) == made and service.disclosure_for(people["a2"]) is None


def test_natural_persons_identity_number_is_masked_and_never_stored_in_full(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people, fields=person_fields(), severity="serious")
    assert made.fields["id_number"] == "110105********002X"
    stored = json.dumps(list(Disclosure.objects.values_list("fields", flat=True)), ensure_ascii=False)
    events = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)
    assert RIC not in stored and RIC not in events
    assert (made.min_until, made.max_until) == (dt.date(2027, 6, 5), dt.date(2029, 6, 5))  # 严重 from 2026-04-01


@pytest.mark.parametrize(("changes", "message"), [
    ({"decision_number": ""}, "行政处罚决定书文号：必须填写"),
    ({"id_number": "110105194912310021"}, "证件号码：校验位不正确"),
    ({"id_number": None}, "证件号码：必须填写"),
    ({"fine_amount": None}, "罚款金额（万元）：必须填写"),
    ({"fine_amount": "五千"}, "罚款金额（万元）：应为以万元计的数字"),
    ({"penalty_kinds": ["flogging"]}, "处罚类别：['flogging'] 不是已知的处罚种类"),
    ({"party_type": "company"}, "行政相对人类别：应为"),
    ({"authority_code": "123"}, "处罚机关统一社会信用代码：长度不正确"),
    ({"colour": "red"}, "colour 不是双公示数据项"),
    ({"decided_on": "2026-06-01"}, "处罚决定日期：由平台按处罚决定日期和公示期限计算"),
    ({"facts": "查" * 5001}, "违法事实：不能超过 5000 个字"),
])  # fmt: skip
def test_bad_fields_are_refused_naming_the_field(people: dict[str, Any], clock: Any, changes: dict[str, Any],
                                                 message: str) -> None:  # fmt: skip
    with pytest.raises(service.DisclosureError, match=re.escape(message)):
        _publish(people, fields=person_fields(**changes))
    assert not Disclosure.objects.exists()


def test_other_bad_input_is_refused(people: dict[str, Any], clock: Any) -> None:
    with pytest.raises(service.DisclosureError, match="处罚决定日期：不能晚于今天"):
        _publish(people, decided_on=dt.date(2026, 6, 11))
    with pytest.raises(service.DisclosureError, match="严重程度"):
        _publish(people, severity="grave")
    with pytest.raises(service.DisclosureError, match="no value in force"):
        _publish(people, decided_on=dt.date(2019, 1, 2))
    with pytest.raises(service.DisclosureError, match="公示类别"):
        _publish(people, kind="credit")
    assert not Disclosure.objects.exists()


def test_a_legal_person_needs_its_code(people: dict[str, Any], clock: Any) -> None:
    with pytest.raises(service.DisclosureError, match="行政相对人代码（统一社会信用代码）：必须填写"):
        _publish(people, fields=penalty_fields(people["a1"], party_code=""))


def test_out_of_scope_publication_is_refused_and_writes_nothing(people: dict[str, Any], clock: Any) -> None:
    with pytest.raises(OutOfScope):
        _publish(people, actor=people["manager_b"])  # a1 lies in district A
    assert not Disclosure.objects.exists() and not AuditEvent.objects.filter(action__startswith="portal.").exists()
    assert _publish(people, source=people["b1"], actor=people["manager_b"]).region.code == "310104"
    _publish(people)
    with pytest.raises(OutOfScope):
        _publish(people, actor=people["manager_b"])  # the record of a1 exists now: still not B's to read or write


def test_late_publication_is_flagged_for_staff(people: dict[str, Any], clock: Any) -> None:
    clock.move_to(dt.datetime(2026, 6, 17, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))  # the day after the due day
    late = _publish(people)
    assert late.published_late
    assert list(service.disclosure_list(people["manager_a"], "late")) == [late]
    assert list(service.disclosure_list(people["manager_b"], "late")) == [], "scoped"


def test_on_the_due_day_is_not_late(people: dict[str, Any], clock: Any) -> None:
    clock.move_to(dt.datetime(2026, 6, 16, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert not _publish(people).published_late


def test_a_warning_alone_and_a_minor_decision_are_recorded_but_not_published(people: dict[str, Any], clock: Any) -> None:
    warning = _publish(people, fields=penalty_fields(people["a1"], penalty_kinds=["warning"], fine_amount=None))
    minor = _publish(people, source=people["a2"], severity="minor")
    for record in (warning, minor):
        assert record.status == DisclosureStatus.EXEMPT and record.published_at is None and record.exempt_reason
    assert "警告" in warning.exempt_reason
    assert not service.public_penalties().exists()
    assert list(service.disclosure_list(people["manager_a"], "exempt").order_by("pk")) == [warning, minor]


def test_withdraw_within_three_working_days(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people)
    with pytest.raises(service.DisclosureError, match="撤下理由：必须填写"):
        service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason=" ")
    with pytest.raises(OutOfScope):
        service.disclosure_withdraw(actor=people["manager_b"], disclosure=made, reason="复议撤销")
    done = service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason="行政复议决定撤销",
                                       overturned_on=dt.date(2026, 6, 8))  # fmt: skip
    assert done.status == DisclosureStatus.WITHDRAWN and done.withdraw_due == dt.date(2026, 6, 11)
    assert not done.withdrawn_late and not service.public_penalties().exists()
    with pytest.raises(service.DisclosureError, match="已于 2026-06-10 撤下"):
        service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason="再次")
    assert AuditEvent.objects.filter(action="portal.disclosure.withdraw").count() == 1


def test_withdrawal_after_the_deadline_is_late(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people)
    done = service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason="判决撤销",
                                       overturned_on=dt.date(2026, 6, 5))  # due 2026-06-10 (Wed): today is the due day
    assert not done.withdrawn_late
    other = _publish(people, source=people["a2"])
    clock.move_to(dt.datetime(2026, 6, 11, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    late = service.disclosure_withdraw(actor=people["manager_a"], disclosure=other, reason="判决撤销",
                                       overturned_on=dt.date(2026, 6, 5))  # fmt: skip
    assert late.withdrawn_late and late in service.disclosure_list(people["manager_a"], "late")


def test_expire_takes_down_what_passed_its_period_once(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people)
    clock.move_to(dt.datetime(2027, 6, 5, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert service.disclosures_expire(today=dt.date(2027, 6, 5)) == 0, "shown through max_until, its last day"
    assert service.public_penalties(today=dt.date(2027, 6, 5)).exists()
    assert not service.public_penalties(today=dt.date(2027, 6, 6)).exists(), "hidden before the command runs"
    assert list(service.disclosure_list(people["manager_a"], "overdue", today=dt.date(2027, 6, 6))) == [made]
    out = StringIO()
    call_command("disclosures", "expire", "--today", "2027-06-06", stdout=out)
    assert "1" in out.getvalue()
    assert Disclosure.objects.get(pk=made.pk).status == DisclosureStatus.EXPIRED
    assert service.disclosures_expire(today=dt.date(2027, 6, 6)) == 0
    assert AuditEvent.objects.filter(action="portal.disclosures.expire").count() == 1


def test_early_removal_only_after_the_minimum_and_where_allowed(people: dict[str, Any], clock: Any) -> None:
    general = _publish(people)
    with pytest.raises(service.DisclosureError, match="最短公示期至 2026-09-05"):
        service.disclosure_remove_early(actor=people["manager_a"], disclosure=general, reason="信用修复",
                                        on=dt.date(2026, 9, 5))  # fmt: skip
    removed = service.disclosure_remove_early(actor=people["manager_a"], disclosure=general, reason="信用修复",
                                              on=dt.date(2026, 9, 6))  # fmt: skip
    assert removed.status == DisclosureStatus.REMOVED_EARLY
    grave = _publish(people, source=people["a2"], severity="specially_serious")
    assert grave.min_until == grave.max_until == dt.date(2029, 6, 5) and not grave.early_removal
    with pytest.raises(service.DisclosureError, match="不得提前移除"):
        service.disclosure_remove_early(actor=people["manager_a"], disclosure=grave, reason="信用修复",
                                        on=dt.date(2029, 6, 6))  # fmt: skip


def test_a_deadline_in_an_unpublished_calendar_year_is_unknown_not_guessed(people: dict[str, Any], clock: Any) -> None:
    clock.move_to(dt.datetime(2026, 12, 29, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    made = _publish(people, decided_on=dt.date(2026, 12, 28))
    assert made.publish_due is None and not made.published_late and "2027" in made.rules["publish_due_note"]
    assert made.status == DisclosureStatus.PUBLISHED


def test_a_market_regulation_record_keeps_the_samr_rule(people: dict[str, Any], clock: Any) -> None:
    market = Department.objects.get(code="market")
    made = _publish(people, department=market, severity="minor", actor=people["city"])  # a warning and a fine: the 3-year SAMR period
    assert made.status == DisclosureStatus.PUBLISHED, "SAMR publishes a 轻微 decision that the NDRC 2026 rule does not"
    assert made.rules["rule_set"] == "samr" and made.rules["period"]["key"] == "samr_periods"
    assert made.publish_due == dt.date(2026, 7, 6)  # 20 working days, 端午 2026-06-19 not counted
    assert (made.min_until, made.max_until) == (DECIDED, dt.date(2029, 6, 5))
    short = _publish(people, source=people["a2"], department=market, actor=people["city"],
                     fields=penalty_fields(people["a2"], penalty_kinds=["criticism"], fine_amount=None,
                                           penalty_content="通报批评"))  # fmt: skip
    assert short.max_until == dt.date(2026, 9, 5), "通报批评 only: 3 months"
    health = windows.period("general", DECIDED, issuer="health", kinds=["criticism"])
    assert health.rule_set == "ndrc" and health.max_until == dt.date(2027, 6, 5), "health: by severity, not kind"


def test_withdrawal_counts_a_makeup_working_day(people: dict[str, Any], clock: Any) -> None:
    """Overturned on Friday 2026-09-18: Sunday 2026-09-20 is a 调休 working day, so the third day is 09-22."""
    clock.move_to(dt.datetime(2026, 9, 22, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    made = _publish(people)
    done = service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason="行政复议决定撤销",
                                       overturned_on=dt.date(2026, 9, 18))  # fmt: skip
    assert done.withdraw_due == dt.date(2026, 9, 22) and not done.withdrawn_late
    other = _publish(people, source=people["a2"])
    clock.move_to(dt.datetime(2026, 9, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    late = service.disclosure_withdraw(actor=people["manager_a"], disclosure=other, reason="行政复议决定撤销",
                                       overturned_on=dt.date(2026, 9, 18))  # fmt: skip
    assert late.withdrawn_late, "the day after the third working day is late"


def test_public_view_is_computed_when_read_not_by_status(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people)
    assert Disclosure.objects.get(pk=made.pk).status == DisclosureStatus.PUBLISHED
    day_after = dt.date(2027, 6, 6)
    assert not service.public_penalties(today=day_after).exists()
    found, shown = service.public_penalty(made.pk, today=day_after)
    assert found == made and not shown and service.public_years(today=day_after) == []
