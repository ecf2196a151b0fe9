"""The rest of issue 10's story in the demo city, through the services (scope and audit hold): a 严重失信 entry with
its notice, defence, decision, period and joint-punishment tasks (one carried out); a 重点关注 entry after three
partner-department penalties within 12 months, with its tasks; a credit repair of a published penalty whose minimum
period is over, approved; a cross-region 行刑衔接 review opened by another region's penalty imported through the
exchange; a physician at 12 医保 points (termination, re-registration bar). Each part is keyed by a marker record
or row and skipped when it is there, so a second run changes nothing. Dates count back from today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.credit import lists, repair
from weijian.credit.exchange import imports
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.insurance import insurance_standing
from weijian.credit.models import CreditRecord, InsurancePointEvent
from weijian.credit.models_lists import CreditListEntry, CrossRegionReview, RepairRequest
from weijian.credit.services import insurance_point_record
from weijian.portal import disclosure
from weijian.portal.models import Disclosure
from weijian.registry.kinds import medical_kinds
from weijian.registry.models import Institution, Registration

SEVERE_KEY = "demo-credit-severe"
FOCUS_KEYS = ("demo-credit-focus-1", "demo-credit-focus-2", "demo-credit-focus-3")
IMPORT_ID = "SU-DEMO-0001"  # the other region's 数据标识
OTHER_REGION = "320102"  # 南京市玄武区 (not in the demo city)
TEXT = {  # i18n: data (synthetic demo records)
    "severe": "药品监督管理部门：使用劣药，没收违法所得并处罚款，责令停业整顿",  # i18n: data
    "focus_market": "市场监督管理部门：发布违法医疗广告，罚款",  # i18n: data
    "focus_insurance": "医疗保障部门：串换医保收费项目，追回医保基金并处罚款",  # i18n: data
    "focus_drug": "药品监督管理部门：未按规定储存药品，警告并罚款",  # i18n: data
    "severe_facts": "该机构使用劣药被责令停业整顿，属严重失信行为",  # i18n: data
    "severe_defence": "已停业整顿并销毁全部涉事药品，请求不予列入（书面申辩，市所录入）",  # i18n: data
    "severe_reasons": "违法事实清楚，整改不能抵消已发生的严重失信行为，申辩不成立，决定列入",  # i18n: data
    "task_note": "已在本年度校验中列为重点，现场复核整改情况",  # i18n: data
    "focus_reasons": "12个月内三次受到部门行政处罚，期满未提出申辩，决定列入重点关注名单",  # i18n: data
    "repair_number": "演示卫罚〔{year}〕101号",  # i18n: data
    "repair_violation": "未按规定公示医疗服务价格",  # i18n: data
    "repair_content": "警告，罚款人民币2000元",  # i18n: data
    "repair_correction": "已在大厅及网站公示全部医疗服务价格，并建立价格公示核查制度",  # i18n: data
    "repair_commitment": "本机构承诺依法执业、诚信经营，如再有失信行为自愿接受从严惩戒",  # i18n: data
    "repair_reasons": "最短公示期已满，罚款已缴纳，失信行为已纠正并作出信用承诺，准予修复",  # i18n: data
    "import_number": "宁玄卫医罚〔{year}〕27号",  # i18n: data
    "import_violation": "医师超出注册的执业范围执业",  # i18n: data
    "import_authority": "南京市玄武区卫生健康委员会",  # i18n: data
    "insurance": ("分解住院", "串换药品收费", "虚记医疗服务项目"),  # i18n: data
}


def _day(today: dt.date, back: int) -> dt.date:
    return today - dt.timedelta(days=back)


def _marked(key: str) -> CreditRecord | None:
    return CreditRecord.objects.filter(source_kind="partner", source_key=key).select_related("institution").first()


def _partner(key: str, institution: Institution, *, on: dt.date, severity: str, title: str, department: str,
             kinds: list[str]) -> None:  # fmt: skip
    credit_record_ingest(actor="demo", facts=[CreditFact(
        source_kind="partner", source_key=key, occurred_on=on, severity=severity, category="penalty", title=title,
        region_code=institution.district.code, department_code=department, institution_id=institution.pk,
        detail={"penalty_kinds": kinds}, reported_by=f"partner:{department}",
    )])  # fmt: skip


def _fresh(region: Any) -> Institution | None:
    """A medical institution of the district with nothing on record yet (the next by 统一社会信用代码)."""
    busy = set(CreditRecord.objects.exclude(institution=None).values_list("institution_id", flat=True))
    busy |= set(Disclosure.objects.filter(source_type=ContentType.objects.get_for_model(Institution))
                .values_list("source_id", flat=True))  # fmt: skip  # the portal demo's sources
    return (Institution.objects.filter(district=region, kind__in=medical_kinds()).exclude(pk__in=busy)
            .order_by("uscc").first())  # fmt: skip


def severe_entry(city: Any, manager: Any, today: dt.date) -> str:
    """An institution punished by 药监 with 责令停业 (serious): notified, defended, entered; the tasks go to the
    departments of the measures; the district office records one as carried out."""
    record = _marked(SEVERE_KEY)
    if record is None:
        target = _fresh(manager.profile.region)
        if target is None:
            return ""
        _partner(SEVERE_KEY, target, on=_day(today, 120), severity="serious", title=TEXT["severe"], department="drug",
                 kinds=["fine", "confiscate_income", "suspend_business"])  # fmt: skip
        record = _marked(SEVERE_KEY)
    assert record is not None and record.institution is not None
    institution = record.institution
    if CreditListEntry.objects.filter(list_kind="severe", institution=institution).exists():
        return ""
    notified = _day(today, 60)
    entry = lists.list_entry_propose(actor=city, list_kind="severe", rule_code="serious_grave_kinds",
                                     institution=institution, facts=TEXT["severe_facts"], on=notified)  # fmt: skip
    lists.list_entry_defend(actor=city, entry=entry, text=TEXT["severe_defence"], on=_day(today, 57))
    entry = lists.list_entry_decide(actor=city, entry=entry, enter=True, reasons=TEXT["severe_reasons"],
                                    on=_day(today, 50))  # fmt: skip
    task = entry.tasks.filter(department__code="health", measure_code="licence_check").first()
    if task is not None:
        lists.joint_task_done(actor=manager, task=task, note=TEXT["task_note"])
    return _("信用名单：%(name)s 列入严重失信名单至 %(until)s（已告知、申辩并决定），联合惩戒任务 %(n)s 项") % {
        "name": institution.name, "until": entry.listed_until, "n": entry.tasks.count()}  # fmt: skip


def focus_entry(city: Any, manager: Any, today: dt.date) -> str:
    """Three general penalties of partner departments within 12 months → the 重点关注 list after the defence period."""
    first = _marked(FOCUS_KEYS[0])
    if first is None:
        target = _fresh(manager.profile.region)
        if target is None:
            return ""
        plan = ((FOCUS_KEYS[0], 200, TEXT["focus_market"], "market", ["fine"]),
                (FOCUS_KEYS[1], 150, TEXT["focus_insurance"], "insurance", ["fine"]),
                (FOCUS_KEYS[2], 90, TEXT["focus_drug"], "drug", ["warning", "fine"]))  # fmt: skip
        for key, back, title, department, kinds in plan:
            _partner(key, target, on=_day(today, back), severity="general", title=title, department=department,
                     kinds=kinds)  # fmt: skip
        first = _marked(FOCUS_KEYS[0])
    assert first is not None and first.institution is not None
    institution = first.institution
    if CreditListEntry.objects.filter(list_kind="focus", institution=institution).exists():
        return ""
    entry = lists.list_entry_propose(actor=city, list_kind="focus", rule_code="repeated_general",
                                     institution=institution, on=_day(today, 40))  # fmt: skip
    earliest = lists.decidable_from(entry)  # None while the calendar of the defence period is not published
    if earliest is None or earliest > today:
        return _("信用名单：已告知 %(name)s 拟列入重点关注名单，待申辩期满") % {"name": institution.name}
    entry = lists.list_entry_decide(actor=city, entry=entry, enter=True, reasons=TEXT["focus_reasons"],
                                    on=max(earliest, _day(today, 20)))  # fmt: skip
    return _("信用名单：%(name)s 列入重点关注名单至 %(until)s，联合惩戒任务 %(n)s 项") % {
        "name": institution.name, "until": entry.listed_until, "n": entry.tasks.count()}  # fmt: skip


def repair_story(manager: Any, clinic: Institution | None, today: dt.date) -> str:
    """The story clinic's general penalty, published 150 days ago (minimum period 3 months): its repair request,
    filed by the clinic, approved by the district office; the record leaves the public view early."""
    if clinic is None:
        return ""
    fields = {
        "party_name": clinic.name, "party_type": "legal_person", "party_code": clinic.uscc,
        "legal_representative": "演示法定代表人",  # i18n: data
        "decision_number": TEXT["repair_number"].format(year=_day(today, 150).year),
        "violation_type": TEXT["repair_violation"], "facts": TEXT["repair_violation"],
        "basis": "《医疗机构管理条例实施细则》第八十一条",  # i18n: data
        "penalty_kinds": ["warning", "fine"], "penalty_content": TEXT["repair_content"], "fine_amount": "0.2",
        "authority": f"{clinic.district.name}卫生健康委员会",  # i18n: data
    }  # fmt: skip
    published = disclosure.disclosure_publish(actor=manager, kind="penalty", source=clinic, fields=fields,
                                              decided_on=_day(today, 150), severity="general",
                                              department=manager.profile.department)  # fmt: skip
    if RepairRequest.objects.filter(disclosure=published).exists():
        return ""
    owner = get_user_model().objects.filter(profile__institution=clinic).order_by("pk").first() or manager
    request = repair.repair_request_file(actor=owner, disclosure=published, correction=TEXT["repair_correction"],
                                         obligations_done=True, commitment=TEXT["repair_commitment"],
                                         on=_day(today, 12))  # fmt: skip
    repair.repair_request_decide(actor=manager, request=request, approve=True, reasons=TEXT["repair_reasons"],
                                 on=_day(today, 5))  # fmt: skip
    return _("信用修复：%(name)s 的 %(number)s 已准予修复，停止公示") % {
        "name": clinic.name, "number": published.decision_number}  # fmt: skip


def cross_region_story(city: Any, today: dt.date) -> str:
    """Another region's penalty for the same violation against a party of a demo case, imported as a file by the
    city office: the cross-region check opens a 行刑衔接 review (left open for an officer)."""
    key = f"health:{IMPORT_ID}"
    if CreditRecord.objects.filter(source_kind="partner", source_key=key).exists():
        return ""
    case = (CreditRecord.objects.filter(source_kind="case", category="penalty", institution__isnull=False)
            .exclude(violation_code="").select_related("institution").order_by("pk").first())  # fmt: skip
    if case is None or case.institution is None:
        return ""
    decided = min(case.occurred_on, today) - dt.timedelta(days=40)
    header = ["数据标识", "报送部门", "行政相对人代码（统一社会信用代码）", "行政处罚决定书文号", "违法行为代码",  # i18n: data
              "违法行为类型", "处罚类别", "严重程度", "处罚决定日期", "处罚地区划代码", "处罚机关"]  # i18n: data
    row = [IMPORT_ID, "health", case.institution.uscc, TEXT["import_number"].format(year=decided.year),
           case.violation_code, TEXT["import_violation"], "warning;fine", "一般", decided.isoformat(),  # i18n: data
           OTHER_REGION, TEXT["import_authority"]]  # fmt: skip
    data = ("\n".join(",".join(line) for line in (header, row)) + "\n").encode("utf-8")
    result = imports.import_records(data=data, filename="demo-other-region.csv", actor=city)
    opened = CrossRegionReview.objects.filter(Q(earlier__source_key=key) | Q(later__source_key=key)).count()
    return _("异地两次处罚：导入外地记录 %(created)s 条，开启行刑衔接审查 %(n)s 项（%(name)s）") % {
        "created": result.created, "n": opened, "name": case.institution.name}  # fmt: skip


def insurance_termination(manager: Any, today: dt.date) -> str:
    """A second physician of the district at 12 医保 points in the natural year (5 + 4 + 3): termination, with the
    one-year re-registration bar for points reached over several events; the last event at another of the
    physician's institutions where there is one (the points follow the person)."""
    registrations = list(Registration.objects.filter(institution__district=manager.profile.region, is_primary=True,
                                                     practitioner__kind="physician")
                         .select_related("practitioner", "institution").order_by("pk")[:2])  # fmt: skip
    if len(registrations) < 2:
        return ""
    practitioner, home = registrations[1].practitioner, registrations[1].institution
    if InsurancePointEvent.objects.filter(practitioner=practitioner).exists():
        return ""
    elsewhere = (Registration.objects.filter(practitioner=practitioner).exclude(institution=home)
                 .select_related("institution").order_by("pk").first())  # fmt: skip
    start = dt.date(today.year, 1, 2)
    plan = (("general", 5, 80, home), ("general", 4, 45, home), ("light", 3, 10, elsewhere.institution if elsewhere else home))
    for (band, points, back, institution), reason in zip(plan, TEXT["insurance"], strict=True):
        insurance_point_record(actor="demo", practitioner=practitioner, band=band, points=points,  # as 医保 pushes them
                               occurred_on=max(start, _day(today, back)), reason=reason, institution=institution)  # fmt: skip
    events = InsurancePointEvent.objects.filter(practitioner=practitioner).values_list("occurred_on", "points")
    standing = insurance_standing(list(events), today)
    return _("一医一档：%(name)s 本年度医保支付资格记分%(points)s分（拟终止，%(until)s 前不得再次登记备案）") % {
        "name": practitioner.name, "points": standing.points, "until": standing.bar_until}  # fmt: skip


def demo_lists_setup(manager: Any, clinic: Institution | None) -> list[str]:
    """Every part above, in order; returns the lines to print (empty where a part was already there)."""
    city = get_user_model().objects.filter(username="city_admin").first()
    today = timezone.localdate()
    lines = [insurance_termination(manager, today), repair_story(manager, clinic, today)]
    if city is not None:
        lines += [severe_entry(city, manager, today), focus_entry(city, manager, today), cross_region_story(city, today)]
    return [line for line in lines if line]
