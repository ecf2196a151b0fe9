"""Boundary cases of the insurance rules (分解住院, 重复收费, 死亡后费用, 挂床, 重复检查)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest

from weijian.analytics.rules import base
from weijian.analytics.rules.idle_inpatient_days import SHORT_STAY_DAYS
from weijian.analytics.tests.builder import H2, Dataset
from weijian.analytics.tests.conftest import fired
from weijian.analytics.tests.test_evidence import evidence

D = dt.date
# PART_ROWS 1: one month a part (a city's scale); the default: the small datasets' period in one part
PART_ROWS = pytest.mark.parametrize("part_rows", [1, base.PART_ROWS], ids=["month-parts", "one-part"])


def test_spans_put_months_together_while_their_rows_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = base.Context(D(2025, 2, 10), D(2025, 6, 30), {}, {}, None, None, {"charges": 50, "visits": 0})
    monkeypatch.setattr(base, "PART_ROWS", 20)  # 5 months of 10 rows each: two months a span
    assert base.spans(ctx, "charges") == [(D(2025, 2, 10), D(2025, 3, 31)), (D(2025, 4, 1), D(2025, 5, 31)),
                                          (D(2025, 6, 1), D(2025, 6, 30))]
    assert base.spans(ctx, "visits") == [(D(2025, 2, 10), D(2025, 6, 30))]  # no rows: one span
    assert len(base.spans(ctx, "deaths")) == 5  # size unknown: a month each
    monkeypatch.setattr(base, "PART_ROWS", 9)  # a month's rows over the bound: still a month each, never less
    assert [lo.month for lo, _ in base.spans(ctx, "charges")] == [2, 3, 4, 5, 6]


def test_split_admission_gap_boundaries(ds: Dataset, run_ds) -> None:
    a = ds.visit(D(2025, 2, 1), D(2025, 2, 13), kind="inpatient", patient="PA", diagnosis="J18.9")
    b15 = ds.visit(D(2025, 3, 1), D(2025, 3, 3), kind="inpatient", patient="PA", diagnosis="J18.0")  # 16 days: no
    ds.visit(D(2025, 2, 1), D(2025, 2, 12), kind="inpatient", patient="PB")
    b16 = ds.visit(D(2025, 3, 1), D(2025, 3, 2), kind="inpatient", patient="PB")  # 17 days: no
    ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="PC")
    same_day = ds.visit(D(2025, 3, 10), D(2025, 3, 12), kind="inpatient", patient="PC")  # gap 0
    ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="PD", diagnosis="K35.2")
    other_diag = ds.visit(D(2025, 3, 12), D(2025, 3, 14), kind="inpatient", patient="PD", diagnosis="J18.9")
    ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="PE")
    other_inst = ds.visit(D(2025, 3, 12), D(2025, 3, 14), kind="inpatient", patient="PE", inst=H2)
    ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="outpatient", patient="PF")
    after_outp = ds.visit(D(2025, 3, 12), D(2025, 3, 14), kind="inpatient", patient="PF")
    ds.visit(D(2025, 3, 20), D(2025, 3, 25), kind="inpatient", patient="PG")
    outside = ds.visit(D(2025, 4, 2), D(2025, 4, 5), kind="inpatient", patient="PG")  # B outside the period
    # overlapping stays: B.start − A.end < 0 does not fire
    ds.visit(D(2025, 3, 1), D(2025, 3, 20), kind="inpatient", patient="PH")
    overlap = ds.visit(D(2025, 3, 10), D(2025, 3, 12), kind="inpatient", patient="PH")
    res = run_ds(ds, ["split_admission"])
    got = fired(res, "split_admission")
    assert got == {same_day}
    assert {b15, b16, other_diag, other_inst, after_outp, outside, overlap, a}.isdisjoint(got)
    ev = next(r for r in res.alerts.to_pylist() if r["subject_id"] == same_day)
    assert '"gap_days":0' in ev["evidence"] and ev["threshold"] == 15


def test_split_admission_exactly_15(ds: Dataset, run_ds) -> None:
    ds.visit(D(2025, 2, 1), D(2025, 2, 14), kind="inpatient", patient="PA")
    b = ds.visit(D(2025, 3, 1), D(2025, 3, 3), kind="inpatient", patient="PA")  # 15 days: fires
    ds.visit(D(2025, 2, 1), D(2025, 2, 13), kind="inpatient", patient="PB")
    c = ds.visit(D(2025, 3, 1), D(2025, 3, 3), kind="inpatient", patient="PB")  # 16 days: not
    assert fired(run_ds(ds, ["split_admission"]), "split_admission") == {b}
    del c


def test_duplicate_charge(ds: Dataset, run_ds) -> None:
    v = ds.visit(D(2025, 3, 5))
    first = ds.charge(v, D(2025, 3, 5), item_code="X1", kind="service", line_id="L01")
    dup = ds.charge(v, D(2025, 3, 5), item_code="X1", kind="service", line_id="L02")
    dup2 = ds.charge(v, D(2025, 3, 5), item_code="X1", kind="service", line_id="L03")
    other_price = ds.charge(v, D(2025, 3, 5), item_code="X1", kind="service", unit_price=51, line_id="L04")
    other_qty = ds.charge(v, D(2025, 3, 5), item_code="X1", kind="service", quantity=2, line_id="L05")
    other_day = ds.charge(v, D(2025, 3, 6), item_code="X1", kind="service", line_id="L06")
    v2 = ds.visit(D(2025, 3, 5))
    other_visit = ds.charge(v2, D(2025, 3, 5), item_code="X1", kind="service", line_id="L00")
    vo = ds.visit(D(2025, 4, 1))
    ds.charge(vo, D(2025, 4, 1), line_id="L10")
    out_dup = ds.charge(vo, D(2025, 4, 1), line_id="L11")  # outside the period
    got = fired(run_ds(ds, ["duplicate_charge"]), "duplicate_charge")
    assert got == {dup, dup2}
    assert {first, other_price, other_qty, other_day, other_visit, out_dup}.isdisjoint(got)
    # two months: each is counted on its own, and the answer is both months' copies
    both = fired(run_ds(ds, ["duplicate_charge"], start=D(2025, 3, 1), end=D(2025, 4, 30)), "duplicate_charge")
    assert both == {dup, dup2, out_dup}


def test_post_death_charge(ds: Dataset, run_ds) -> None:
    ds.add("deaths", patient_id="PX", death_date=D(2025, 3, 10))
    v = ds.visit(D(2025, 3, 9), D(2025, 3, 12), kind="inpatient", patient="PX")
    same_day = ds.charge(v, D(2025, 3, 10), patient="PX")
    after = ds.charge(v, D(2025, 3, 11), patient="PX")
    alive = ds.charge(v, D(2025, 3, 11), patient="PY")
    got = fired(run_ds(ds, ["post_death_charge"]), "post_death_charge")
    assert got == {after} and same_day not in got and alive not in got


def test_post_death_skipped_without_deaths(ds: Dataset, run_ds) -> None:
    res = run_ds(ds, ["post_death_charge"])
    assert res.report["rules_skipped"]["post_death_charge"]["tables"] == ["deaths"]
    assert "deaths" in res.report["tables_missing"]


@PART_ROWS
def test_idle_inpatient_days(ds: Dataset, run_ds, monkeypatch: pytest.MonkeyPatch, part_rows: int) -> None:
    monkeypatch.setattr(base, "PART_ROWS", part_rows)
    # stay 3/1–3/5: days strictly between = 3/2, 3/3, 3/4 (3 days, no charges) → fires
    three = ds.visit(D(2025, 3, 1), D(2025, 3, 5), kind="inpatient", patient="A")
    # stay 3/1–3/4: only 2 days between → never
    two = ds.visit(D(2025, 3, 1), D(2025, 3, 4), kind="inpatient", patient="B")
    # 3/1–3/10 with a drug line every 3rd day: runs of 2 idle days → no
    busy = ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="C")
    for d in (3, 6, 9):
        ds.charge(busy, D(2025, 3, d), kind="drug", item_code="DR")
    # bed lines do not count as activity; a run 3/5..3/7 (3 days) → fires
    bedonly = ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="D")
    for d in (2, 3, 4, 8, 9):
        ds.charge(bedonly, D(2025, 3, d), kind="lab", item_code="LB")
    for d in range(2, 10):
        ds.charge(bedonly, D(2025, 3, d), kind="bed")
    # charges dated on start/end days do not break a run strictly inside
    edge = ds.visit(D(2025, 3, 20), D(2025, 3, 24), kind="inpatient", patient="E")
    ds.charge(edge, D(2025, 3, 20), kind="drug")
    ds.charge(edge, D(2025, 3, 24), kind="drug")
    # outpatient never; stay starting before the period never (anchor = start_date)
    ds.visit(D(2025, 3, 1), D(2025, 3, 1), patient="F")
    before = ds.visit(D(2025, 2, 20), D(2025, 3, 20), kind="inpatient", patient="G")
    res = run_ds(ds, ["idle_inpatient_days"])
    got = fired(res, "idle_inpatient_days")
    assert got == {three, bedonly, edge}
    assert {two, busy, before}.isdisjoint(got)
    # over February and March: the same stays, and G's (from 2/20) now counts
    both = run_ds(ds, ["idle_inpatient_days"], start=D(2025, 2, 1), end=D(2025, 3, 31))
    assert fired(both, "idle_inpatient_days") == {three, bedonly, edge, before}
    ev = {r["subject_id"]: r for r in res.alerts.to_pylist()}
    assert '"first_idle_day":"2025-03-05"' in ev[bedonly]["evidence"] and ev[bedonly]["value"] == 3


@PART_ROWS
def test_idle_inpatient_days_month_end_and_long_stays(ds: Dataset, run_ds, monkeypatch: pytest.MonkeyPatch, part_rows: int) -> None:
    monkeypatch.setattr(base, "PART_ROWS", part_rows)
    """A stay from a month's end reads the next month's lines; a stay longer than SHORT_STAY_DAYS reads all."""
    def daily(v: str, first: D, last: D) -> None:
        for n in range((last - first).days + 1):
            ds.charge(v, first + timedelta(days=n), kind="drug", item_code="DR")

    late = ds.visit(D(2025, 3, 28), D(2025, 4, 20), kind="inpatient", patient="A")
    daily(late, D(2025, 3, 29), D(2025, 4, 10))  # idle 4/11 … 4/19: 9 days
    late_busy = ds.visit(D(2025, 3, 30), D(2025, 4, 25), kind="inpatient", patient="B")
    daily(late_busy, D(2025, 3, 31), D(2025, 4, 24))
    long_stay = ds.visit(D(2025, 3, 2), D(2025, 5, 10), kind="inpatient", patient="C")
    assert (D(2025, 5, 10) - D(2025, 3, 2)).days > SHORT_STAY_DAYS
    daily(long_stay, D(2025, 3, 3), D(2025, 5, 5))  # idle 5/6 … 5/9: 4 days
    long_busy = ds.visit(D(2025, 3, 2), D(2025, 5, 10), kind="inpatient", patient="D")
    daily(long_busy, D(2025, 3, 3), D(2025, 5, 9))
    for start, end in ((D(2025, 3, 1), D(2025, 3, 31)), (D(2025, 2, 1), D(2025, 4, 30))):
        res = run_ds(ds, ["idle_inpatient_days"], start=start, end=end)
        ev = {r["subject_id"]: r for r in res.alerts.to_pylist()}
        assert set(ev) == {late, long_stay}
        assert ev[late]["value"] == 9 and '"first_idle_day":"2025-04-11"' in ev[late]["evidence"]
        assert ev[long_stay]["value"] == 4 and '"first_idle_day":"2025-05-06"' in ev[long_stay]["evidence"]


@PART_ROWS
def test_repeat_exam(ds: Dataset, run_ds, monkeypatch: pytest.MonkeyPatch, part_rows: int) -> None:
    monkeypatch.setattr(base, "PART_ROWS", part_rows)
    v0 = ds.visit(D(2025, 2, 24), patient="Q")
    ds.charge(v0, D(2025, 2, 24), kind="exam", item_code="CT", patient="Q", line_id="K0")
    v1 = ds.visit(D(2025, 3, 3), patient="Q", inst=H2)
    seven = ds.charge(v1, D(2025, 3, 3), kind="exam", item_code="CT", patient="Q", inst=H2, line_id="K1")
    v2 = ds.visit(D(2025, 3, 11), patient="Q")
    eight = ds.charge(v2, D(2025, 3, 11), kind="exam", item_code="CT", patient="Q", line_id="K2")  # 8 days
    v3 = ds.visit(D(2025, 3, 12), patient="Q")
    one = ds.charge(v3, D(2025, 3, 12), kind="lab", item_code="CT", patient="Q", line_id="K3")  # 1 day
    same_visit = ds.charge(v3, D(2025, 3, 13), kind="lab", item_code="CT", patient="Q", line_id="K4")
    same_day_other = ds.visit(D(2025, 3, 12), patient="Q")
    zero = ds.charge(same_day_other, D(2025, 3, 12), kind="lab", item_code="CT", patient="Q", line_id="K5")
    other_item = ds.charge(v3, D(2025, 3, 12), kind="exam", item_code="MR", patient="Q", line_id="K6")
    drug = ds.charge(v3, D(2025, 3, 14), kind="drug", item_code="CT", patient="Q", line_id="K7")
    r1, r2 = ds.visit(D(2025, 3, 20), patient="R"), ds.visit(D(2025, 3, 20), patient="R")
    ds.charge(r1, D(2025, 3, 20), kind="exam", item_code="CT", patient="R", line_id="R1")
    same_day = ds.charge(r2, D(2025, 3, 20), kind="exam", item_code="CT", patient="R", line_id="R2")
    got = fired(run_ds(ds, ["repeat_exam"]), "repeat_exam")
    # K5 (3/12) has K2 (3/11, other visit) one day earlier; K4: on visit v3, but K5 (other visit, 3/12) is 1 day earlier → fires; K7 is a drug line
    assert got == {seven, one, same_visit, zero}
    assert {eight, other_item, drug, same_day, "R1"}.isdisjoint(got)
    # over February and March each month is joined on its own: K1 (3/3) still finds K0 (2/24) in February
    both = run_ds(ds, ["repeat_exam"], start=D(2025, 2, 1), end=D(2025, 3, 31))
    assert fired(both, "repeat_exam") == got
    assert evidence(both, "repeat_exam")[seven]["earlier_line_id"] == "K0"
