"""Fixtures of the case tests: officers with valid 执法证, a clue in each district, and fakes of the other parts.

The case logic is tested on its own: the deadlines, the discretion catalog and the case figures are replaced by
small fakes with figures of the tests' own (not the law's); ``test_parts_installed.py`` runs against the real
parts once they are installed.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from weijian.conftest import DISTRICT_A, DISTRICT_B
from weijian.core.models import Department, Region, Role
from weijian.registry.models import Inspector, Institution

TODAY = dt.date(2026, 3, 2)
FAKE_DAYS = {"case.decide": 90, "case.decide_extension": 30, "case.statement": 3, "case.hearing_request": 5,
             "case.hearing_notice": 7, "case.serve_decision": 7, "case.pay": 15, "transfer.receipt": 5,
             "transfer.answer": 30, "crime.police_review": 3, "crime.hand_over": 3, "crime.reconsider_request": 3,
             "supervision.report": 30}  # fmt: skip


@dataclass(frozen=True)
class FakeDeadline:
    code: str
    start: dt.datetime
    due: dt.datetime
    amount: int
    unit: str = "calendar_days"
    warn: int = 2
    label: str = ""
    basis: str = "test"

    def due_date(self) -> dt.date:
        return self.due.date()

    def warn_from(self) -> dt.datetime:
        return self.due - dt.timedelta(days=self.warn)

    def state(self, now: dt.datetime | None = None) -> str:
        today = timezone.localdate(now or timezone.now())
        due = self.due_date()
        if today > due:
            return "overdue"
        if today == due:
            return "due_today"
        return "due_soon" if (due - today).days <= self.warn else "ok"


def _as_day(value: dt.datetime | dt.date) -> dt.date:
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _fake_deadline(code: str, start: dt.datetime | dt.date, *, amount: int | None = None) -> FakeDeadline:
    day = _as_day(start) + dt.timedelta(days=amount or FAKE_DAYS[code])
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
    return FakeDeadline(code, dt.datetime.combine(_as_day(start), dt.time(), tzinfo=dt.UTC), end, FAKE_DAYS[code],
                        label=f"期限 {code}")  # fmt: skip


def _fake_before(code: str, event: dt.datetime | dt.date) -> FakeDeadline:
    day = _as_day(event) - dt.timedelta(days=FAKE_DAYS[code])
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
    return FakeDeadline(code, end, end, FAKE_DAYS[code], label=f"期限 {code}")


@dataclass(frozen=True)
class FakeSuggestion:
    kinds: tuple[str, ...]
    fine_min: Decimal | None
    fine_max: Decimal | None
    legal_min: Decimal | None
    legal_max: Decimal | None
    text: str
    basis: str
    unverified: bool = False


@dataclass
class FakeCheck:
    within_band: bool
    above_legal_max: bool
    problems: list[str] = field(default_factory=list)


BANDS = {"minor": (Decimal(10000), Decimal(13000)), "general": (Decimal(13000), Decimal(20000)),
         "serious": (Decimal(20000), Decimal(26000)), "severe": (Decimal(26000), Decimal(30000))}  # fmt: skip
LEGAL = (Decimal(10000), Decimal(30000))


def _fake_discretion() -> types.ModuleType:
    module = types.ModuleType("fake_discretion")
    module.PENALTY_KINDS = ("warning", "criticism", "fine", "confiscate_income", "confiscate_property",  # type: ignore[attr-defined]
                            "suspend_licence", "lower_qualification", "revoke_licence", "restrict_activity",
                            "suspend_business", "close", "restrict_practice", "other")  # fmt: skip
    module.CIRCUMSTANCES = tuple(BANDS)  # type: ignore[attr-defined]

    def suggest(code: str, circumstance: str, *, illegal_income: Decimal | None, on: dt.date) -> FakeSuggestion:
        low, high = BANDS[circumstance]
        return FakeSuggestion(("warning", "fine"), low, high, *LEGAL, f"建议罚款 {low}–{high} 元", "医师法 第五十七条")

    def check_decision(code: str, circumstance: str, *, kinds: Any, fine: Decimal | None,
                       illegal_income: Decimal | None, on: dt.date) -> FakeCheck:  # fmt: skip
        low, high = BANDS[circumstance]
        if fine is not None and fine > LEGAL[1]:
            return FakeCheck(False, True, [f"罚款金额：超过法定最高 {LEGAL[1]} 元"])
        within = fine is None or low <= fine <= high
        return FakeCheck(within, False, [] if within else ["罚款金额：超出建议幅度"])

    def violations(on: dt.date) -> dict[str, Any]:
        return {"physician_outside_scope": types.SimpleNamespace(name="超出注册范围执业", basis_violated="医师法 第五十七条",
                                                                 basis_penalty="医师法 第五十七条")}  # fmt: skip

    def violation(code: str, on: dt.date) -> Any:
        return violations(on)[code]

    module.suggest, module.check_decision, module.violations = suggest, check_decision, violations  # type: ignore[attr-defined]
    module.violation = violation  # type: ignore[attr-defined]
    module.kind_label = module.circumstance_label = lambda code: code  # type: ignore[attr-defined]
    return module


FAKE_RULES = {"min_handlers": 2, "hearing": {"kinds": ["revoke_licence", "suspend_business"], "fine_citizen": 10000,
              "fine_organisation": 100000}, "major_case": {"kinds": ["revoke_licence"], "fine_organisation": 200000,
                                                           "after_hearing": True}}  # fmt: skip


@pytest.fixture(autouse=True)
def fake_parts(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """Replace the other parts (deadlines, discretion, surcharge, documents, disclosure) by fakes."""
    from weijian.cases import figures, parts

    settings.DATA_DIR = tmp_path
    deadlines = types.ModuleType("fake_deadlines")
    deadlines.deadline, deadlines.deadline_before = _fake_deadline, _fake_before  # type: ignore[attr-defined]
    surcharge = types.ModuleType("fake_surcharge")

    def late_surcharge(fine: Decimal, due: dt.date, paid_on: dt.date) -> Decimal:
        days = max(0, (paid_on - due).days)
        return min(fine, fine * Decimal("0.03") * days)

    surcharge.late_surcharge = late_surcharge  # type: ignore[attr-defined]
    issued: list[dict[str, Any]] = []
    published: list[dict[str, Any]] = []
    documents = types.ModuleType("fake_documents")
    documents.document_issue = lambda **kw: issued.append(kw) or types.SimpleNamespace(number="N", sha256="0" * 64)  # type: ignore[attr-defined]
    disclosure = types.ModuleType("fake_disclosure")
    disclosure.disclosure_publish = lambda **kw: published.append(kw) or types.SimpleNamespace(pk=len(published))  # type: ignore[attr-defined]
    withdrawn: list[dict[str, Any]] = []

    def disclosure_for(source: Any) -> Any:
        made = [n for n, kw in enumerate(published, 1) if kw["source"].pk == source.pk]
        gone = {w["disclosure"].pk for w in withdrawn}
        return types.SimpleNamespace(pk=made[0], withdrawn_at=dt.datetime.now() if made[0] in gone else None) if made else None

    disclosure.disclosure_for = disclosure_for  # type: ignore[attr-defined]
    disclosure.disclosure_withdraw = lambda **kw: withdrawn.append(kw)  # type: ignore[attr-defined]
    modules = {"weijian.core.deadlines": deadlines, "weijian.cases.discretion": _fake_discretion(),
               "weijian.cases.surcharge": surcharge, "weijian.documents.services": documents,
               "weijian.portal.disclosure": disclosure}  # fmt: skip
    monkeypatch.setattr(parts, "_module", lambda name: modules.get(name))
    monkeypatch.setattr(figures, "_rule", lambda key, on: FAKE_RULES.get(key))
    return {"issued": issued, "published": published, "withdrawn": withdrawn}


@dataclass
class CaseWorld:
    users: dict[str, Any]
    officers: dict[str, Inspector]
    institutions: dict[str, Institution]
    clues: dict[str, Any]
    clock: Any = None  # the test's time_machine: steps that must wait (the statement period) move it on


def _officer(badge: str, name: str, department: str, district: str, user: Any = None,
             valid_to: dt.date | None = None) -> Inspector:  # fmt: skip
    return Inspector.objects.create(
        badge_no=badge, name=name, department=Department.objects.get(code=department),
        region=Region.objects.get(code=district), active=True, badge_valid_from=dt.date(2020, 1, 1),
        badge_valid_to=valid_to, user=user,
    )  # fmt: skip


@pytest.fixture
def world(registry: dict[str, str], make_user: Any, time_machine: Any) -> CaseWorld:
    from weijian.clues.models import Clue

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    users = {
        "manager_a": make_user("manager_a", role=Role.DISTRICT_MANAGER),
        "inspector_a": make_user("inspector_a", role=Role.INSPECTOR),
        "manager_b": make_user("manager_b", role=Role.DISTRICT_MANAGER, region=DISTRICT_B),
        "city": make_user("city", role=Role.CITY_ADMIN, region="310000"),
        "market": make_user("market", role=Role.PARTNER_OFFICER, region="310000", department="market"),
        "police": make_user("police", role=Role.PARTNER_OFFICER, region="310000", department="police"),
    }
    officers = {
        "a1": _officer("HA0001", "甲监督", "health", DISTRICT_A, users["inspector_a"]),
        "a2": _officer("HA0002", "乙监督", "health", DISTRICT_A),
        "a3": _officer("HA0003", "丙监督", "health", DISTRICT_A, valid_to=dt.date(2025, 12, 31)),
        "b1": _officer("HB0001", "丁监督", "health", DISTRICT_B),
        "m1": _officer("MB0001", "戊市场", "market", DISTRICT_B),
    }
    institutions = {k: Institution.objects.get(uscc=v) for k, v in registry.items()}
    clues = {}
    health = Department.objects.get(code="health")
    for key, inst in (("a", institutions["a1"]), ("b", institutions["b1"])):
        clues[key] = Clue.objects.create(
            number=f"XS-{inst.district.code}-2026-00000{1 if key == 'a' else 2}", source_kind="complaint",
            source_id=100 + len(clues), institution=inst, subject_name=inst.name, region=inst.district,
            department=health, facts="超出登记的诊疗科目开展诊疗活动",
        )  # fmt: skip
    return CaseWorld(users, officers, institutions, clues, time_machine)


def register(world: CaseWorld, key: str = "a", officers: tuple[str, ...] = ("a1", "a2")) -> Any:
    from weijian.cases import services

    return services.case_register(
        actor=world.users["manager_a" if key == "a" else "manager_b"], clue=world.clues[key],
        cause="超出登记的诊疗科目执业", handler_ids=[world.officers[o].pk for o in officers],
        violation_code="physician_outside_scope",
    )  # fmt: skip
