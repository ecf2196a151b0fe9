"""The platform grade explains itself: parts that add up, a legend from rules data, the data's date, warnings
where newer facts contradict it, and sources that plug in through one interface."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from weijian.alerts.loading import analytics_run_load
from weijian.alerts.tests.runs import write_run
from weijian.core.models import Role
from weijian.registry.models import Institution
from weijian.risk import grading, sources
from weijian.risk.selectors import institution_grade, institution_grades
from weijian.risk.sources import Reason, Signal, Source
from weijian.rules import loader

pytestmark = pytest.mark.django_db
EVERY_SOURCE = [
    {"points": 20.0, "source": "alerts", "rule_id": "institution_licence", "alerts": 3, "per_1000_visits": 2.0},
    {"points": 5.0, "source": "alerts", "rule_id": "a_rule_gone_since", "alerts": 1},
    {"points": 7.25, "source": "indicator", "indicator_id": "outpatient_antibiotic_rate", "target": 0.2,
     "mean_value": 0.26},
    {"points": 3.0, "source": "indicator", "indicator_id": "an_unknown_indicator"},
    {"points": 2.0, "source": "complaints_provider", "detail": "3 件投诉"},
    {"points": 1.0, "label": "no source at all"},
    "a plain string",
]  # fmt: skip


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _load(registry: dict[str, str], tmp_path: Path, score: float, reasons: list[Any], name: str = "out") -> None:
    risk = [{"institution_id": registry["a1"], "score": score, "grade": "C", "reasons": reasons}]
    analytics_run_load(folder=write_run(tmp_path / name, registry, rows=[], risk=risk), actor="t")


def test_profile_renders_reasons_of_every_source(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    _load(registry, tmp_path, 45.25, EVERY_SOURCE)
    inspector = make_user("ha", role=Role.INSPECTOR, region="310101", department="health")
    own = make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None,
                    institution=Institution.objects.get(uscc=registry["a1"]))  # fmt: skip
    for user in (inspector, own):
        response = _client(user).get(f"/registry/institutions/{registry['a1']}/")
        assert response.status_code == 200, user.username
        page = response.content.decode()
        assert "C 级" in page and "门诊抗菌药物处方比例超过目标" in page and "an_unknown_indicator超过目标" in page
        assert "complaints_provider" in page and "3 件投诉" in page and "no source at all" in page
        total, shown = _parts_total(page)
        assert abs(total - shown) < 0.05, user.username
    official = _client(inspector).get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "3 条预警" in official and "无证/超期/停业期间执业" in official and "规则 a_rule_gone_since" in official
    # the institution itself never learns which rules fired about it: one line for the alerts' part
    mine = _client(own).get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "3 条预警" not in mine and "无证/超期/停业期间执业" not in mine and "业务数据风险分析" in mine


def _parts_total(page: str) -> tuple[float, float]:
    table = page[page.index('id="risk-parts"'):]
    table = table[: table.index("</table>")]
    values = [float(v) for v in re.findall(r"<td>(-?\d+\.\d)</td>", table)]
    total = float(re.findall(r"<th>(-?\d+\.\d)</th>", table)[0])
    return sum(values), total


def test_points_shown_add_up_to_the_score(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    reasons = [{"points": 10.04, "source": "alerts", "rule_id": "institution_licence"},
               {"points": 10.04, "source": "alerts", "rule_id": "duplicate_charge"},
               {"points": 10.04, "source": "alerts", "rule_id": "repeat_exam"}]  # fmt: skip
    _load(registry, tmp_path, 58.37, reasons)  # the run listed only its top reasons: the rest is "其他"
    client = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    page = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    listed, total = _parts_total(page)
    assert total == 58.4 and round(listed, 1) == 58.4 and "其他" in page
    assert "C 级" in page and "较高风险" in page
    assert "A 低风险（0–20 分）" in page and "D 高风险（60–100 分）" in page  # the legend, from rules data
    assert "数据截至 2025-12-31" in page and "risk_score.yaml" in page


def test_a_grade_is_computed_from_rules_data(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    _load(registry, tmp_path, 72.5, [{"points": 72.5, "source": "alerts", "rule_id": "institution_licence"}])
    city = make_user("city", role=Role.CITY_ADMIN, region="310000", department="health")
    grade = institution_grade(city, Institution.objects.get(uscc=registry["a1"]))
    assert grade is not None and (grade.score, grade.grade, grade.as_of) == (72.5, "D", dt.date(2025, 12, 31))
    assert grade.rules["cutoffs"]["file"] == "risk_score.yaml"  # one A–D scale for both grades
    assert grade.rules["weights"]["analytics"]["sha256"] == loader.file_hash("platform_grade")
    assert [b.grade for b in grade.legend] == ["A", "B", "C", "D"]
    other = make_user("b", role=Role.DISTRICT_MANAGER, region="310104", department="health")
    assert institution_grades(other, Institution.objects.all()) == {}  # scoped: 徐汇 sees no 黄浦 grade


def test_warnings_when_newer_facts_contradict_the_grade(registry: dict[str, str], tmp_path: Path,
                                                        make_user: Any) -> None:  # fmt: skip
    _load(registry, tmp_path, 5.0, [{"points": 5.0, "source": "alerts", "rule_id": "repeat_exam"}])
    institution = Institution.objects.get(uscc=registry["a1"])
    city = make_user("city", role=Role.CITY_ADMIN, region="310000", department="health")
    grade = institution_grade(city, institution)
    assert grade is not None and grade.grade == "A" and grade.warnings == []
    institution.licence_valid_to, institution.status = dt.date(2026, 1, 31), "suspended"
    institution.status_since = dt.date(2026, 2, 1)
    institution.save()
    later = [("institution_licence", "visit", "V90", registry["a1"], None, None, "high",
              {"visit_id": "V90", "start_date": "2026-02-10"})]  # fmt: skip
    analytics_run_load(folder=write_run(tmp_path / "later", registry, rows=later, start=dt.date(2026, 2, 1),
                                        end=dt.date(2026, 2, 28), risk=[],
                                        report_json={"period": {"start": "2026-02-01", "end": "2026-02-28"}}),
                       actor="t")  # fmt: skip
    warnings = institution_grade(city, institution).warnings
    assert any("执业许可证已于 2026-01-31 到期" in w for w in warnings)
    assert any("停业" in w and "2026-02-01" in w for w in warnings)
    assert any("此后又有 1 条预警明细（1 个工作项）" in w for w in warnings)
    own = make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=institution)
    page = _client(own).get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "评级可能已过时" in page and "到期" in page and "预警明细" not in page  # never the alerts about it


def fixture_credit(institution_ids: Sequence[int]) -> dict[int, Signal]:
    return {pk: Signal(points=50.0, as_of=dt.date(2025, 12, 31), reasons=(
        Reason("失信记录 2 条", "2 bad-credit records", 50.0),)) for pk in institution_ids}  # fmt: skip


def test_a_later_source_plugs_in_with_its_weight(registry: dict[str, str], tmp_path: Path, make_user: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _load(registry, tmp_path, 30.0, [{"points": 30.0, "source": "alerts", "rule_id": "institution_licence"}])
    credit = Source("credit", "信用等级", "Credit grade", f"{__name__}.fixture_credit")
    monkeypatch.setattr(sources, "SOURCES", (*sources.SOURCES, credit))
    city = make_user("city", role=Role.CITY_ADMIN, region="310000", department="health")
    institution = Institution.objects.get(uscc=registry["a1"])
    grade = institution_grade(city, institution)
    assert grade is not None and grade.score == 45.0 and grade.grade == "C"  # 30 × 1.0 + 50 × 0.3
    assert [(p.label, p.points) for p in grade.parts] == [("无证/超期/停业期间执业", 30.0), ("失信记录 2 条", 15.0)]
    b1 = Institution.objects.get(uscc=registry["b1"])  # credit knows it, analytics does not
    assert institution_grades(city, [b1])[b1.pk].score == 15.0
    unweighted = Source("horoscope", "星座", "Horoscope", f"{__name__}.fixture_credit")
    monkeypatch.setattr(sources, "SOURCES", (*sources.SOURCES, unweighted))
    with pytest.raises(loader.RulesError, match=r"no key 'weights\.horoscope'"):
        institution_grade(city, institution)
    page = _client(city).get(f"/registry/institutions/{registry['a1']}/")
    assert page.status_code == 200 and "风险等级规则有误" in page.content.decode()


def test_every_listed_source_has_a_weight() -> None:
    for source in sources.sources():
        assert grading.weight(source.key, dt.date.today()).value >= 0
        assert callable(source.load())


def test_parts_always_sum_to_the_score_with_caps() -> None:
    analytics = Source("analytics", "风险分析", "Risk analytics", "x.y")
    credit = Source("credit", "信用等级", "Credit grade", "x.y")
    over = Signal(90.0, dt.date(2025, 12, 31), (Reason("a", "a", 60.0), Reason("b", "b", 45.0)))  # reasons > score
    full = Signal(100.0, dt.date(2025, 6, 30), (Reason("c", "c", 100.0),))
    grade = grading.combine([(analytics, over), (credit, full)])
    assert grade is not None and grade.score == 100.0 and grade.grade == "D" and grade.as_of == dt.date(2025, 6, 30)
    assert round(sum(p.points for p in grade.parts), 1) == 100.0
    assert [p.label for p in grade.parts] == ["a", "b", "超出该来源上限的部分", "c", "总分封顶 100 分"]
    assert grading.round_to_total([1.04, 1.04, 1.04], 3.1) == [1.1, 1.0, 1.0]
    assert grading.combine([]) is None
