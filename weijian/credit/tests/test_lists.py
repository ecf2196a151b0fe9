"""The credit lists: entry only by rule, notice and defence before entry, duration computed when read, exit, and
one joint-punishment task per measure in the department concerned's scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from weijian.core.models import AuditEvent
from weijian.core.scope import OutOfScope
from weijian.credit import lists
from weijian.credit.models_lists import CreditListEntry, EntryStatus, JointMeasureTask, TaskStatus
from weijian.credit.tests.conftest import move, record

pytestmark = pytest.mark.django_db
NOTIFIED = dt.date(2026, 6, 10)  # Wednesday; 7 working days of defence: through 2026-06-22 (端午 06-19)
RIC = "11010519491231002X"


def _propose(crew: dict[str, Any], **kwargs: Any) -> CreditListEntry:
    options: dict[str, Any] = {"actor": crew["city"], "list_kind": "severe", "rule_code": "serious_grave_kinds",
                               "institution": crew["a1"]}  # fmt: skip
    options.update(kwargs)
    return lists.list_entry_propose(**options)


def test_entry_needs_a_qualifying_record_and_only_the_city_keeps_the_lists(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "c1", severity="serious", on=dt.date(2026, 5, 1), kinds=["fine"])
    with pytest.raises(lists.ListError, match="没有符合条件的记录"):
        _propose(crew)
    with pytest.raises(lists.ListError, match="不是严重失信名单的列入情形"):
        _propose(crew, rule_code="nope")
    with pytest.raises(lists.ListError, match="不适用于"):
        _propose(crew, rule_code="medical_order")
    record(crew["a1"], "c2", severity="serious", on=dt.date(2026, 5, 2), kinds=["fine", "revoke_licence"])
    with pytest.raises(lists.ListError, match="市级卫生健康监督机构"):
        _propose(crew, actor=crew["manager_a"])
    assert not CreditListEntry.objects.exists()
    entry = _propose(crew)
    assert entry.status == EntryStatus.NOTIFIED and entry.defence_due == dt.date(2026, 6, 22)
    assert [r.source_key for r in entry.records.all()] == ["c2"]
    assert AuditEvent.objects.filter(action="credit.list.propose").count() == 1
    with pytest.raises(lists.ListError, match="已在严重失信名单中或已告知待列入"):
        _propose(crew)


def test_defence_then_decision_with_tasks_per_department(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "c2", severity="specially_serious", on=dt.date(2026, 5, 2))
    entry = _propose(crew, rule_code="specially_serious")
    with pytest.raises(lists.ListError, match="2026-06-23 起方可作出决定"):
        lists.list_entry_decide(actor=crew["city"], entry=entry, enter=True, reasons="申辩期满")
    with pytest.raises(OutOfScope):
        lists.list_entry_defend(actor=crew["manager_b"], entry=entry, text="我方已整改")
    move(clock, dt.date(2026, 6, 22))
    lists.list_entry_defend(actor=crew["clinic"], entry=entry, text="我方已整改，请求不予列入")
    done = lists.list_entry_decide(actor=crew["city"], entry=entry, enter=True, reasons="申辩理由不成立")
    assert done.status == EntryStatus.LISTED and done.listed_until == dt.date(2029, 6, 22)
    tasks = {(t.measure_code, t.department.code) for t in JointMeasureTask.objects.all()}
    assert ("designation", "insurance") in tasks and ("subsidy", "finance") in tasks and len(tasks) == 5
    assert [t.measure_code for t in lists.task_list(crew["insurance"])] == ["designation"]
    assert [t.measure_code for t in lists.task_list(crew["finance"])] == ["subsidy"]
    assert not lists.task_list(crew["clinic"]).exists()
    task = lists.task_list(crew["insurance"]).get()
    with pytest.raises(OutOfScope):
        lists.joint_task_done(actor=crew["finance"], task=task, note="已落实")
    lists.joint_task_done(actor=crew["insurance"], task=task, note="已在定点协议中从严审查")
    assert JointMeasureTask.objects.get(pk=task.pk).status == TaskStatus.DONE
    assert lists.is_active(done, dt.date(2029, 6, 22)) and not lists.is_active(done, dt.date(2029, 6, 23))
    assert list(lists.entry_list(crew["city"], today=dt.date(2029, 6, 23))) == [], "leaves by itself at the end"
    assert list(lists.entry_list(crew["manager_a"])) == [done]
    assert list(lists.entry_list(crew["manager_b"])) == []


def test_defence_after_its_deadline_is_refused_and_exit_early(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "c2", severity="specially_serious", on=dt.date(2026, 5, 2))
    entry = _propose(crew, rule_code="specially_serious")
    move(clock, dt.date(2026, 6, 23))
    with pytest.raises(lists.ListError, match="申辩期限已于 2026-06-22 届满"):
        lists.list_entry_defend(actor=crew["clinic"], entry=entry, text="迟到的申辩")
    listed = lists.list_entry_decide(actor=crew["city"], entry=entry, enter=True, reasons="期满未申辩")
    gone = lists.list_entry_exit(actor=crew["city"], entry=listed, reason="行政复议撤销原处罚")
    assert gone.status == EntryStatus.EXITED and not lists.is_active(gone)
    with pytest.raises(lists.ListError, match="现不在名单中"):
        lists.list_entry_exit(actor=crew["city"], entry=gone, reason="再次")


def test_a_person_who_disturbed_medical_order_is_kept_masked(crew: dict[str, Any], clock: Any) -> None:
    with pytest.raises(lists.ListError, match="行政拘留以上"):
        _propose(crew, rule_code="medical_order", institution=None, person_name="张某", person_id=RIC,
                 police_measure="fine", police_document="沪公(黄)行罚决字〔2026〕1号")  # fmt: skip
    with pytest.raises(lists.ListError, match="身份证"):
        _propose(crew, rule_code="medical_order", institution=None, person_name="张某", person_id="110105194912310021",
                 police_measure="detention", police_document="沪公(黄)行罚决字〔2026〕1号")  # fmt: skip
    entry = _propose(crew, rule_code="medical_order", institution=None, person_name="张某", person_id=RIC,
                     police_measure="detention", police_document="沪公(黄)行罚决字〔2026〕1号")  # fmt: skip
    assert entry.person_id_masked == "110105********002X" and len(entry.person_id_digest) == 64
    stored = json.dumps(list(CreditListEntry.objects.values()), default=str, ensure_ascii=False)
    events = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)
    assert RIC not in stored and RIC not in events
    with pytest.raises(lists.ListError, match="已告知待列入"):
        _propose(crew, rule_code="medical_order", institution=None, person_name="张某", person_id=RIC,
                 police_measure="criminal", police_document="另案")  # fmt: skip
    move(clock, dt.date(2026, 6, 23))
    listed = lists.list_entry_decide(actor=crew["city"], entry=entry, enter=True, reasons="公安机关行政拘留")
    codes = sorted(JointMeasureTask.objects.filter(entry=listed).values_list("measure_code", flat=True))
    assert codes == sorted(["share_platform", "subsidy", "soe_posts", "public_posts", "honours", "travel"])


def test_focus_list_counts_records_within_the_window(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "g1", severity="serious", on=dt.date(2025, 6, 10))  # 12 months before: outside
    record(crew["a1"], "g2", severity="serious", on=dt.date(2026, 1, 5))
    with pytest.raises(lists.ListError, match="没有符合条件的记录"):
        _propose(crew, list_kind="focus", rule_code="repeated_serious")
    record(crew["a1"], "g3", severity="serious", on=dt.date(2026, 6, 1))
    entry = _propose(crew, list_kind="focus", rule_code="repeated_serious")
    assert sorted(r.source_key for r in entry.records.all()) == ["g2", "g3"]
    move(clock, dt.date(2026, 6, 23))
    dropped = lists.list_entry_decide(actor=crew["city"], entry=entry, enter=False, reasons="申辩成立")
    assert dropped.status == EntryStatus.DROPPED and not JointMeasureTask.objects.exists()


def test_the_rules_files_pass_their_check() -> None:
    lists.check()
