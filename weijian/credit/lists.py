"""The 严重失信 and 重点关注 lists the city office keeps: entry by rule, notice and defence, duration, exit, and a task
per joint-punishment measure for the department concerned.

Rules: ``credit_lists.yaml`` (which records or police findings qualify, how long an entry lasts),
``joint_punishment.yaml`` (measures per department) and ``deadlines.yaml`` ``credit.list_defence`` (the defence
period after the notice). Every write is one transaction with one audit event:

- :func:`list_entry_propose` — the city office notifies the subject of the intended entry, naming the rule; the
  rule's condition must hold (records of the subject in the archive, or — for another person — the police's
  finding). A person's identity number is checked, masked and kept only as a keyed hash.
- :func:`list_entry_defend` — the defence (陈述申辩), inside its period; refused after it, naming the deadline.
- :func:`list_entry_decide` — after the defence, or once its period is over (refused before, with the date it
  becomes possible): enter (the period runs from the decision; one task per measure) or drop.
- :func:`list_entry_exit` — exit by decision before the end; at the end the entry leaves by itself (computed when
  read: :func:`is_active`).
- :func:`joint_task_done` — the department concerned records that it carried out its measure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.audit import audit_record
from weijian.core.identifiers import IdentifierError, clean_ric, id_digest, mask_ric
from weijian.core.models import Department, Region, Role
from weijian.core.scope import OutOfScope, require_writable, scope_of, scoped
from weijian.credit.models import CreditRecord
from weijian.credit.models_lists import (
    CreditListEntry,
    EntryStatus,
    JointMeasureTask,
    ListKind,
    SubjectKind,
    TaskStatus,
)
from weijian.i18n import localized
from weijian.portal.windows import add_months
from weijian.registry.models import Institution, Practitioner
from weijian.rules import loader

FILE, MEASURES_FILE = "credit_lists", "joint_punishment"
RULE_FIELDS = frozenset({"label", "label_en", "subjects", "severities", "kinds_any", "count", "within_months",
                         "police_measures", "legal_basis"})  # fmt: skip
MEASURE_FIELDS = frozenset({"code", "department", "subjects", "label", "label_en"})
POLICE_MEASURES = ("detention", "criminal")  # 行政拘留 / 追究刑事责任 (the 1399号 memorandum's threshold)
MAX_TEXT = 2000


class ListError(ValueError):
    """A list write that cannot be done; the message names the field and the reason (Chinese)."""


@dataclass(frozen=True)
class EntryRule:
    code: str
    label: str
    subjects: tuple[str, ...]
    severities: tuple[str, ...]
    kinds_any: tuple[str, ...]
    count: int
    within_months: int | None
    police_measures: tuple[str, ...]
    record: dict[str, Any]


@dataclass(frozen=True)
class Measure:
    code: str
    department: str
    subjects: tuple[str, ...]
    label: str


# --------------------------------------------------------------------------- the rules


def months(list_kind: str, on: dt.date) -> int:
    return int(loader.value(FILE, f"lists.{list_kind}.months", on))


def list_label(list_kind: str, on: dt.date) -> str:
    return localized(loader.value(FILE, f"lists.{list_kind}", on), "label")


def entry_rules(list_kind: str, on: dt.date) -> dict[str, EntryRule]:
    """The entry rules of ``list_kind`` in force on ``on``, by code."""
    resolved = loader.resolve(FILE, f"lists.{list_kind}.rules", on)
    out = {}
    for code, raw in (resolved.value or {}).items():
        out[code] = EntryRule(
            code=code, label=localized(raw, "label"), subjects=tuple(raw.get("subjects") or ()),
            severities=tuple(raw.get("severities") or ()), kinds_any=tuple(raw.get("kinds_any") or ()),
            count=int(raw.get("count") or 1), within_months=raw.get("within_months"),
            police_measures=tuple(raw.get("police_measures") or ()), record=resolved.record(),
        )  # fmt: skip
    return out


def measures_for(list_kind: str, subject_kind: str, on: dt.date) -> list[Measure]:
    """The joint-punishment measures of ``list_kind`` that apply to a subject of ``subject_kind``."""
    raw = loader.value(MEASURES_FILE, f"measures.{list_kind}", on) or []
    return [Measure(str(m["code"]), str(m["department"]), tuple(m["subjects"]), localized(m, "label"))
            for m in raw if subject_kind in (m.get("subjects") or ())]  # fmt: skip


def measure_departments(list_kind: str, subject_kind: str, on: dt.date) -> list[str]:
    """``code:department`` of each measure (for the rules' YAML cases)."""
    return [f"{m.code}:{m.department}" for m in measures_for(list_kind, subject_kind, on)]


def check() -> None:
    """Refuse the list and measure files unless every rule and measure is well formed (``weijian check``)."""
    problems: list[str] = []
    for version in loader.versions(FILE, "lists"):
        for list_kind, body in (version.value or {}).items():
            if list_kind in ("basis", "note", "published"):
                continue
            if list_kind not in ListKind.values:
                problems.append(f"lists[{version.effective_from}]: unknown list {list_kind!r}")
                continue
            if not isinstance(body.get("months"), int) or body["months"] <= 0:
                problems.append(f"lists.{list_kind}: months must be a positive number")
            for code, rule in (body.get("rules") or {}).items():
                extra = set(rule) - RULE_FIELDS
                if extra:
                    problems.append(f"lists.{list_kind}.rules.{code}: unknown {sorted(extra)}")
                if not set(rule.get("subjects") or ()) <= set(SubjectKind.values) or not rule.get("subjects"):
                    problems.append(f"lists.{list_kind}.rules.{code}: subjects must be among {SubjectKind.values}")
                if not rule.get("severities") and not rule.get("police_measures"):
                    problems.append(f"lists.{list_kind}.rules.{code}: needs severities or police_measures")
    departments = {code for entry in (loader.load("responsibilities").get("departments") or {}).values()
                   for code in (entry or {}) if code not in loader.META_KEYS}  # fmt: skip
    for version in loader.versions(MEASURES_FILE, "measures"):
        for list_kind, items in (version.value or {}).items():
            if list_kind in ("basis", "note", "published"):
                continue
            for item in items or []:
                if not isinstance(item, dict) or set(item) - MEASURE_FIELDS or "code" not in item:
                    problems.append(f"measures.{list_kind}: {item!r} is not a measure")
                elif item.get("department") not in departments:
                    problems.append(f"measures.{list_kind}.{item['code']}: unknown department {item.get('department')!r}")
    if problems:
        raise loader.RulesError("credit lists: " + "; ".join(problems[:10]))


# --------------------------------------------------------------------------- reads


def is_active(entry: CreditListEntry, today: dt.date | None = None) -> bool:
    """On the list today: entered, not exited, and inside its period (computed when read, no job)."""
    day = today or timezone.localdate()
    return entry.status == EntryStatus.LISTED and entry.listed_until is not None and day <= entry.listed_until


def active_q(today: dt.date) -> Q:
    return Q(status=EntryStatus.LISTED, listed_until__gte=today)


def entry_list(user: Any, *, list_kind: str | None = None, view: str = "active", q: str = "",
               today: dt.date | None = None) -> QuerySet[CreditListEntry]:  # fmt: skip
    """The entries of the user's scope: ``active`` (on the list today), ``pending`` (notified), ``ended`` or all."""
    day = today or timezone.localdate()
    qs = scoped(user, CreditListEntry.objects.select_related("institution", "practitioner", "region"))
    if list_kind in ListKind.values:
        qs = qs.filter(list_kind=list_kind)
    if view == "active":
        qs = qs.filter(active_q(day))
    elif view == "pending":
        qs = qs.filter(status=EntryStatus.NOTIFIED)
    elif view == "ended":
        qs = qs.exclude(active_q(day)).exclude(status=EntryStatus.NOTIFIED)
    text = (q or "").strip()[:100]
    if text:
        qs = qs.filter(Q(institution__name__contains=text) | Q(practitioner__name__contains=text)
                       | Q(person_name__contains=text) | Q(institution__uscc=text.upper()))  # fmt: skip
    return qs


def entry_detail(user: Any, pk: int) -> CreditListEntry:
    found = entry_list(user, view="all").filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def task_list(user: Any, *, status: str | None = TaskStatus.OPEN) -> QuerySet[JointMeasureTask]:
    qs = scoped(user, JointMeasureTask.objects.select_related("entry", "department", "region",
                                                              "entry__institution", "entry__practitioner"))
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    return qs


# --------------------------------------------------------------------------- writes


def _text(value: str, label: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and len(text) < 2:
        raise ListError(_("%(label)s：必须填写") % {"label": label})
    if len(text) > MAX_TEXT:
        raise ListError(_("%(label)s：不能超过 %(n)d 个字") % {"label": label, "n": MAX_TEXT})
    return text


def _require_city(actor: Any) -> None:
    if scope_of(actor).role != Role.CITY_ADMIN:
        raise ListError(_("信用名单由市级卫生健康监督机构管理：您的角色不能变更名单"))


def _day(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _kinds(record: CreditRecord) -> set[str]:
    kinds = (record.detail or {}).get("penalty_kinds") or []
    if record.disclosure_id and not kinds:
        kinds = (record.disclosure.fields or {}).get("penalty_kinds") or []
    return {str(k) for k in kinds}


def qualifying_records(rule: EntryRule, *, institution: Institution | None, practitioner: Practitioner | None,
                       on: dt.date) -> list[CreditRecord]:  # fmt: skip
    """The archive records of the subject that meet ``rule`` as of ``on`` (empty: the rule does not hold)."""
    qs = CreditRecord.objects.select_related("disclosure").filter(severity__in=rule.severities, occurred_on__lte=on)
    qs = qs.filter(institution=institution) if institution is not None else qs.filter(practitioner=practitioner)
    if rule.within_months:
        qs = qs.filter(occurred_on__gt=add_months(on, -int(rule.within_months)))
    found = [r for r in qs.order_by("occurred_on", "pk") if not rule.kinds_any or _kinds(r) & set(rule.kinds_any)]
    return found if len(found) >= rule.count else []


def _defence_due(notified: dt.date) -> tuple[dt.date | None, dict[str, Any]]:
    found, why = deadlines.deadline_or_reason("credit.list_defence", notified)
    if found is None:
        return None, {"defence_due_note": why}
    return found.due_date(), {"defence": {"code": found.code, "amount": found.amount, "unit": found.unit,
                                          "basis": found.basis}}  # fmt: skip


@transaction.atomic
def list_entry_propose(
    *, actor: Any, list_kind: str, rule_code: str, institution: Institution | None = None,
    practitioner: Practitioner | None = None, person_name: str = "", person_id: str = "", police_measure: str = "",
    police_document: str = "", facts: str = "", on: dt.date | None = None,
) -> CreditListEntry:
    """Notify a subject of its intended entry on ``list_kind`` under ``rule_code`` (see the module docstring)."""
    _require_city(actor)
    day = _day(on)
    if list_kind not in ListKind.values:
        raise ListError(_("名单：%(value)s 不是已知的名单") % {"value": repr(list_kind)})
    try:
        rules = entry_rules(list_kind, day)
    except loader.RulesError as exc:
        raise ListError(_("列入规则：%(reason)s") % {"reason": exc}) from None
    rule = rules.get(rule_code)
    if rule is None:
        raise ListError(_("列入规则：%(code)s 不是%(list)s的列入情形（应为 %(codes)s）")
                        % {"code": repr(rule_code), "list": list_label(list_kind, day), "codes": "/".join(rules)})  # fmt: skip
    if (institution is not None) + (practitioner is not None) + bool((person_name or "").strip()) != 1:
        raise ListError(_("主体：必须是一个机构、一名执业人员或一名其他自然人（且只能是其一）"))
    subject = (SubjectKind.INSTITUTION if institution is not None
               else SubjectKind.PRACTITIONER if practitioner is not None else SubjectKind.PERSON)  # fmt: skip
    if subject not in rule.subjects:
        raise ListError(_("列入规则：%(rule)s 不适用于%(subject)s") % {"rule": rule.label, "subject": subject.label})
    entry = CreditListEntry(list_kind=list_kind, subject_kind=subject, institution=institution,
                            practitioner=practitioner, rule_code=rule.code, rule_label=rule.label[:200],
                            facts=_text(facts, _("事实"), required=False), notified_on=day,
                            created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    records: list[CreditRecord] = []
    if subject == SubjectKind.PERSON:
        entry.person_name = _text(person_name, _("姓名"))[:50]
        try:
            number = clean_ric(person_id, field=_("身份证号"))
        except IdentifierError as exc:
            raise ListError(str(exc)) from None
        entry.person_id_masked, entry.person_id_digest = mask_ric(number), id_digest(number)
        if police_measure not in rule.police_measures:
            raise ListError(_("公安机关处理：%(rule)s 须经公安机关行政拘留以上处罚或依法追究刑事责任")
                            % {"rule": rule.label})  # fmt: skip
        entry.police_measure = police_measure
        entry.police_document = _text(police_document, _("公安机关文书号"))[:100]
        same = Q(person_id_digest=entry.person_id_digest)
    else:
        records = qualifying_records(rule, institution=institution, practitioner=practitioner, on=day)
        if not records:
            raise ListError(_("列入规则：%(rule)s —— 该主体的信用档案中没有符合条件的记录") % {"rule": rule.label})
        same = Q(institution=institution) if institution is not None else Q(practitioner=practitioner)
    entry.region = _region(actor, institution)
    open_entry = CreditListEntry.objects.filter(same, list_kind=list_kind).filter(
        Q(status=EntryStatus.NOTIFIED) | active_q(day)).first()  # fmt: skip
    if open_entry is not None:
        raise ListError(_("主体：已在%(list)s中或已告知待列入（%(day)s）")
                        % {"list": list_label(list_kind, day), "day": open_entry.notified_on})  # fmt: skip
    entry.defence_due, extra = _defence_due(day)
    entry.rules = {"rule": rule.record, **extra}
    require_writable(actor, entry, linked=(institution,))
    entry.save()
    if records:
        entry.records.set(records)
    audit_record(actor=actor, action="credit.list.propose", object_type="credit_list_entry", object_id=entry.pk,
                 data={"list": list_kind, "rule": rule.code, "subject": subject, "subject_name": entry.subject_name,
                       "person_id": entry.person_id_masked, "records": [r.pk for r in records],
                       "defence_due": entry.defence_due.isoformat() if entry.defence_due else None})  # fmt: skip
    return entry


def _region(actor: Any, institution: Institution | None) -> Region:
    if institution is not None:
        return institution.district
    profile = getattr(actor, "profile", None)
    region = getattr(profile, "region", None)
    if region is None:
        raise ListError(_("管辖区域：您的账号没有所属区域"))
    return region


def _locked(entry: CreditListEntry) -> CreditListEntry:
    found = CreditListEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if found is None:
        raise ListError(_("名单条目 %(pk)s 不存在") % {"pk": entry.pk})
    return found


@transaction.atomic
def list_entry_defend(*, actor: Any, entry: CreditListEntry, text: str, on: dt.date | None = None) -> CreditListEntry:
    """Record the subject's defence (the subject's institution user, or the city office taking it down)."""
    locked = _locked(entry)
    require_writable(actor, locked)
    day = _day(on)
    if locked.status != EntryStatus.NOTIFIED:
        raise ListError(_("陈述申辩：该条目现为%(status)s，不能申辩") % {"status": locked.get_status_display()})
    if locked.defence_on is not None:
        raise ListError(_("陈述申辩：已于 %(day)s 提出") % {"day": locked.defence_on})
    if locked.defence_due is not None and day > locked.defence_due:
        raise ListError(_("陈述申辩：申辩期限已于 %(day)s 届满") % {"day": locked.defence_due})
    locked.defence_text, locked.defence_on = _text(text, _("陈述申辩")), day
    locked.save(update_fields=["defence_text", "defence_on", "updated_at"])
    audit_record(actor=actor, action="credit.list.defend", object_type="credit_list_entry", object_id=locked.pk,
                 data={"on": day.isoformat(), "length": len(locked.defence_text)})  # fmt: skip
    return locked


def decidable_from(entry: CreditListEntry) -> dt.date | None:
    """The first day the entry may be decided: at once after a defence, else the day after the defence period."""
    if entry.defence_on is not None:
        return entry.defence_on
    return entry.defence_due + dt.timedelta(days=1) if entry.defence_due else None


@transaction.atomic
def list_entry_decide(
    *, actor: Any, entry: CreditListEntry, enter: bool, reasons: str, on: dt.date | None = None
) -> CreditListEntry:
    """Enter the subject on the list (its period from today; one task per measure) or drop the entry."""
    _require_city(actor)
    locked = _locked(entry)
    require_writable(actor, locked)
    day = _day(on)
    if locked.status != EntryStatus.NOTIFIED:
        raise ListError(_("决定：该条目现为%(status)s，不能再作决定") % {"status": locked.get_status_display()})
    earliest = decidable_from(locked)
    if earliest is None:
        raise ListError(_("决定：申辩期限无法计算（日历年份未公布），请待日历更新后再作决定"))
    if day < earliest:
        raise ListError(_("决定：申辩期限至 %(due)s，未提出申辩的，%(day)s 起方可作出决定")
                        % {"due": locked.defence_due, "day": earliest})  # fmt: skip
    locked.decision_reasons, locked.decided_on = _text(reasons, _("决定理由")), day
    tasks: list[JointMeasureTask] = []
    if enter:
        locked.status = EntryStatus.LISTED
        locked.listed_until = add_months(day, months(locked.list_kind, day))
        departments = {d.code: d for d in Department.objects.all()}
        for measure in measures_for(locked.list_kind, locked.subject_kind, day):
            if measure.department in departments:
                tasks.append(JointMeasureTask(entry=locked, measure_code=measure.code, label=measure.label[:300],
                                              department=departments[measure.department], region=locked.region))  # fmt: skip
        locked.rules = {**locked.rules, "months": months(locked.list_kind, day),
                        "measures": loader.resolve(MEASURES_FILE, f"measures.{locked.list_kind}", day).record()}  # fmt: skip
    else:
        locked.status = EntryStatus.DROPPED
    locked.save()
    JointMeasureTask.objects.bulk_create(tasks)
    audit_record(actor=actor, action="credit.list.decide", object_type="credit_list_entry", object_id=locked.pk,
                 data={"enter": enter, "on": day.isoformat(), "reasons": locked.decision_reasons,
                       "listed_until": locked.listed_until.isoformat() if locked.listed_until else None,
                       "tasks": [f"{t.measure_code}:{t.department.code}" for t in tasks]})  # fmt: skip
    return locked


@transaction.atomic
def list_entry_exit(*, actor: Any, entry: CreditListEntry, reason: str, on: dt.date | None = None) -> CreditListEntry:
    """Take an entry off its list before the end of its period (the decision is the city office's)."""
    _require_city(actor)
    locked = _locked(entry)
    require_writable(actor, locked)
    day = _day(on)
    if not is_active(locked, day):
        raise ListError(_("移出：该条目现不在名单中（%(status)s）") % {"status": locked.get_status_display()})
    locked.status, locked.exited_on = EntryStatus.EXITED, day
    locked.exit_reason = _text(reason, _("移出理由"))[:500]
    locked.save(update_fields=["status", "exited_on", "exit_reason", "updated_at"])
    audit_record(actor=actor, action="credit.list.exit", object_type="credit_list_entry", object_id=locked.pk,
                 data={"on": day.isoformat(), "reason": locked.exit_reason})  # fmt: skip
    return locked


@transaction.atomic
def joint_task_done(*, actor: Any, task: JointMeasureTask, note: str) -> JointMeasureTask:
    """The department concerned records how it carried out its measure."""
    locked = JointMeasureTask.objects.select_for_update().filter(pk=task.pk).first()
    if locked is None:
        raise ListError(_("联合惩戒任务 %(pk)s 不存在") % {"pk": task.pk})
    require_writable(actor, locked)
    if locked.status == TaskStatus.DONE:
        raise ListError(_("联合惩戒任务：已于 %(day)s 落实") % {"day": f"{timezone.localtime(locked.done_at):%Y-%m-%d}"})
    locked.status, locked.note, locked.done_at = TaskStatus.DONE, _text(note, _("落实情况"))[:500], timezone.now()
    locked.done_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["status", "note", "done_at", "done_by"])
    audit_record(actor=actor, action="credit.list.task_done", object_type="joint_measure_task", object_id=locked.pk,
                 data={"entry": locked.entry_id, "measure": locked.measure_code, "note": locked.note})  # fmt: skip
    return locked


def subjects_listed(keys: Iterable[str], today: dt.date) -> set[str]:
    """Which USCCs of ``keys`` are on the 严重失信 list today (for other apps' reads)."""
    return set(CreditListEntry.objects.filter(active_q(today), list_kind=ListKind.SEVERE,
                                              institution__uscc__in=list(keys))
               .values_list("institution__uscc", flat=True))  # fmt: skip
