"""The kinds in the rules file, the context each needs, and what the templates make of it (HTML, no PDF)."""

from __future__ import annotations

import pytest
from django.template.loader import get_template
from django.utils import timezone

from weijian.core.deadlines import deadline
from weijian.documents import kinds
from weijian.documents.models import DocumentSequence, IssuedDocument
from weijian.documents.services import DocumentError, document_issue
from weijian.documents.tests.conftest import Office, decision_context

pytestmark = pytest.mark.django_db
KINDS = {"case_acceptance": "案件受理记录", "case_filing": "立案报告", "site_record": "现场笔录", "inquiry_record": "询问笔录",
         "supervision_opinion": "卫生监督意见书", "penalty_notice": "行政处罚事先告知书", "hearing_notice": "听证告知书",
         "penalty_decision": "行政处罚决定书", "delivery_receipt": "送达回执", "closing_report": "结案报告",
         "credit_list_notice": "信用名单列入告知书"}  # fmt: skip
SAMPLE = {"text": "样例文字", "date": "2026-03-02", "list": ["第一项", "第二项"], "period": {"amount": 5, "unit": "working_days"}}


def test_the_rules_file_has_the_eleven_kinds_each_with_a_template() -> None:
    found = kinds.kinds(timezone.localdate())
    assert {code: k.name for code, k in found.items()} == KINDS
    for kind in found.values():
        get_template(kind.template)
        assert kind.basis
        assert (kind.numbering == kinds.WENHAO) == bool(kind.nature)
    assert found["penalty_decision"].nature == "罚" and found["case_filing"].numbering == kinds.SERIAL


def test_every_kind_issues_from_its_required_context(office: Office, fake_pdf: list[str]) -> None:
    """Each kind with only its required fields (and 执法类别 for a 文号): its title, number and party in the HTML."""
    for code, kind in kinds.kinds(timezone.localdate()).items():
        context = {f.key: SAMPLE[f.type] for f in kind.fields if f.required}
        context.update(party_name=f"{code}当事人", party_address="某路1号", field="medical")
        document = document_issue(actor=office.manager_a, kind=code, subject=office.subject_a, context=context,
                                  region=office.region_a, department=office.health)  # fmt: skip
        html = fake_pdf[-1]
        assert kind.name in html and document.number in html and f"{code}当事人" in html, code
        assert "上海市黄浦区卫生健康部门" in html
    assert IssuedDocument.objects.count() == len(KINDS)


@pytest.mark.usefixtures("calendar_ahead")  # its deadlines are counted from today
def test_the_notice_names_statement_and_when_due_hearing_rights_with_their_days(office: Office, fake_pdf: list[str]) -> None:
    base = decision_context(office.subject_a, evidence=None, payment=None, pay_deadline=None, reconsideration_body=None,
                            court=None)  # fmt: skip
    today = timezone.localdate()
    statement = deadline("case.statement", today)  # deadlines.yaml: 3 working days (行政处罚法 arts. 45, 85)
    document_issue(actor=office.manager_a, kind="penalty_notice", subject=office.subject_a, region=office.region_a,
                   department=office.health, context={**base, "statement_deadline": statement})  # fmt: skip
    assert "陈述" in fake_pdf[-1] and "申辩" in fake_pdf[-1] and f"{statement.amount}个工作日内" in fake_pdf[-1]
    assert "听证" not in fake_pdf[-1]

    hearing = deadline("case.hearing_request", today)  # 5 working days (art. 64)
    document = document_issue(actor=office.manager_a, kind="penalty_notice", subject=office.subject_a,
                              region=office.region_a, department=office.health,
                              context={**base, "statement_deadline": statement, "hearing_deadline": hearing})  # fmt: skip
    assert "要求举行听证" in fake_pdf[-1] and f"{hearing.amount}个工作日内" in fake_pdf[-1]
    assert document.number.startswith("沪黄卫医罚告〔")
    assert document.context["hearing_deadline"] == {"amount": hearing.amount, "unit": "working_days"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"facts": None}, "缺少必填内容 违法事实（facts）"),
    ({"evidence": ["", " "]}, "缺少必填内容 证据（evidence）"),
    ({"field": None}, "执法类别（执法领域）（field）"),
    ({"field": "space"}, "执法类别（执法领域）：'space'"),
    ({"pay_deadline": {"amount": "十五", "unit": "calendar_days"}}, "缴纳罚款期限（pay_deadline）：应为期限"),
    ({"fine_yuan": 5000}, "未知的内容字段 fine_yuan"),
])  # fmt: skip
def test_bad_context_is_refused_naming_the_field_and_no_number_is_used(office: Office, fake_pdf: list[str],
                                                                       changes: dict, message: str) -> None:  # fmt: skip
    with pytest.raises(DocumentError) as raised:
        document_issue(actor=office.manager_a, kind="penalty_decision", subject=office.subject_a,
                       context=decision_context(office.subject_a, **changes), region=office.region_a,
                       department=office.health)  # fmt: skip
    assert message in str(raised.value)
    assert not DocumentSequence.objects.filter(last__gt=0).exists() and not fake_pdf


def test_an_unknown_kind_and_an_office_without_a_region_abbreviation_are_refused(office: Office, fake_pdf: list[str]) -> None:
    from weijian.core.models import Region

    with pytest.raises(DocumentError, match="'penalty_order' 不是已知的执法文书"):
        document_issue(actor=office.manager_a, kind="penalty_order", subject=office.subject_a, context={},
                       region=office.region_a, department=office.health)  # fmt: skip
    elsewhere = Region.objects.create(code="110101", name="东城区", level="district")
    with pytest.raises(DocumentError, match="地区简称：区划 110101"):
        kinds.region_abbreviation([elsewhere.code], timezone.localdate())
    street = Region.objects.filter(code__startswith="310101", level="street").first()
    assert street is not None and kinds.region_abbreviation([street.code, "310101", "310000"], timezone.localdate()) == "沪黄"


def test_the_system_check_passes_on_the_bundled_file_and_names_a_bad_category(monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.documents import checks

    assert checks.documents_rules_file() == []
    real = kinds._entry

    def with_typo(table: str, on: object) -> dict:
        found = real(table, on)  # type: ignore[arg-type]
        return {**found, "medicall": "医"} if table == "categories" else found

    monkeypatch.setattr(kinds, "_entry", with_typo)
    assert any("categories.medicall" in error.msg for error in checks.documents_rules_file())


def test_two_wenhao_kinds_of_one_nature_must_share_a_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Otherwise 事先告知书 and 听证告知书 with the same 执法性质 would both be 沪黄卫医告〔2026〕001号."""
    real = kinds._entry

    def same_nature(table: str, on: object) -> dict:
        found = real(table, on)  # type: ignore[arg-type]
        if table == "kinds":
            found = {**found, "hearing_notice": {**found["hearing_notice"], "nature": "罚告"}}
        return found

    monkeypatch.setattr(kinds, "_entry", same_nature)
    with pytest.raises(kinds.DocumentRulesError, match="must share a sequence"):
        kinds.kinds(timezone.localdate())
