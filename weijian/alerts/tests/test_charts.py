"""The indicator charts read: values formatted, shares as percentages, the same numbers as text and a table;
ECharts only on pages that draw a chart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from weijian.alerts import charts
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.tests.runs import write_run
from weijian.core.models import Role

SERIES = {
    "outpatient_antibiotic_rate": {"label": "门诊抗菌药物处方比例", "target": 0.2,
                                   "periods": ["2025-01", "2025-02", "2025-03"], "values": [0.1, 0.22000000000000003, 0.25]},
    "antimicrobial_intensity": {"label": "抗菌药物使用强度（DDDs/百人天）", "target": 40,
                                "periods": ["2025-01", "2025-02"], "values": [38.123456, 52.0]},
}  # fmt: skip


def test_values_are_formatted_and_shares_are_percentages() -> None:
    assert charts.shown(0.22000000000000003, "") == "0.22"
    assert charts.shown(0.2, charts.PERCENT) == "20.0%"
    assert charts.shown(12000.0, "") == "12,000" and charts.shown(38.123456, "") == "38.12"
    rate = charts.summary("outpatient_antibiotic_rate", SERIES["outpatient_antibiotic_rate"])
    assert rate == ("3个月：最新 25.0%（2025-03），最高 25.0%（2025-03），最低 10.0%（2025-01）；目标 20.0%，2个月超过目标。")
    table = {c["key"]: c for c in charts.chart_series(SERIES)}
    assert [r["value"] for r in table["antimicrobial_intensity"]["rows"]] == ["38.12", "52"]
    assert [r["over"] for r in table["outpatient_antibiotic_rate"]["rows"]] == [False, True, True]
    assert charts.chart_data(SERIES)["outpatient_antibiotic_rate"]["unit"] == charts.PERCENT


@pytest.mark.django_db
def test_profile_charts_have_a_text_alternative(registry: dict[str, str], make_user: Any, tmp_path: Path) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    client = Client()
    client.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    page = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    figures = re.findall(r'<figure class="card chart-figure".*?</figure>', page, re.S)
    assert figures, "the profile draws its indicators"
    for figure in figures:
        assert "<figcaption>" in figure and 'class="chart-data"' in figure and "<caption>" in figure
        assert re.search(r"\d+个月：最新", figure), "the summary states the numbers"
        assert 'aria-hidden="true"' in figure  # the canvas; the table is what a screen reader reads
    assert page.count("echarts.min.js") == 1 and "weijian/charts.css" in page
    home = client.get("/").content.decode()
    assert "echarts" not in home, "ECharts only on pages with a chart"
