"""Boundary cases of the registry rules (licences, departments, registrations, scopes)."""

from __future__ import annotations

import datetime as dt

from weijian.analytics.tests.builder import C1, DOC, DOC2, H1, H2, NURSE, Dataset
from weijian.analytics.tests.conftest import fired

D = dt.date


def test_institution_licence(ds: Dataset, run_ds) -> None:
    ds.rows["institutions"][1].update(licence_valid_to=D(2025, 3, 10), status="active")
    ds.rows["institutions"][2].update(status="suspended", status_since=D(2025, 3, 20))
    ok_last_day = ds.visit(D(2025, 3, 10), inst=H2)  # licence_valid_to inclusive
    late = ds.visit(D(2025, 3, 11), inst=H2)  # day after expiry
    before_susp = ds.visit(D(2025, 3, 19), inst=C1)
    on_susp = ds.visit(D(2025, 3, 20), inst=C1)  # status_since ≤ start_date
    unknown = ds.visit(D(2025, 3, 5), inst="91110000MA00000000")
    ds.visit(D(2025, 4, 1), inst=C1)  # outside the period: never
    ds.visit(D(2025, 2, 28), inst=C1)
    res = run_ds(ds, ["institution_licence"])
    got = fired(res, "institution_licence")
    assert got == {late, on_susp, unknown}
    assert ok_last_day not in got and before_susp not in got
    assert res.report["integrity"]["visits.institution_id_unknown_in_institutions"]["rows"] == 1


def test_licence_not_yet_valid(ds: Dataset, run_ds) -> None:
    ds.rows["institutions"][0].update(licence_valid_from=D(2025, 3, 15))
    early = ds.visit(D(2025, 3, 14))
    first = ds.visit(D(2025, 3, 15))
    got = fired(run_ds(ds, ["institution_licence"]), "institution_licence")
    assert got == {early} and first not in got


def test_out_of_scope_dept(ds: Dataset, run_ds) -> None:
    ds.add("institution_depts", institution_id=H1, dept_code="14", valid_from=D(2025, 3, 10),
           valid_to=D(2025, 3, 20))
    ds.add("institution_depts", institution_id=H2, dept_code="07.02", valid_from=D(2020, 1, 1), valid_to=None)
    sub_ok = ds.visit(D(2025, 3, 5), dept="03.01")  # 二级 covered by 一级 03
    cosm_before = ds.visit(D(2025, 3, 9), dept="14")
    cosm_first = ds.visit(D(2025, 3, 10), dept="14")
    cosm_last = ds.visit(D(2025, 3, 20), dept="14.02")
    cosm_after = ds.visit(D(2025, 3, 21), dept="14")
    sub_exact = ds.visit(D(2025, 3, 5), dept="07.02", inst=H2)
    parent_not_covered = ds.visit(D(2025, 3, 5), dept="07", inst=H2)  # 二级 licence does not cover 一级
    other_sub = ds.visit(D(2025, 3, 5), dept="07.03", inst=H2)
    got = fired(run_ds(ds, ["out_of_scope_dept"]), "out_of_scope_dept")
    assert got == {cosm_before, cosm_after, parent_not_covered, other_sub}
    assert {sub_ok, cosm_first, cosm_last, sub_exact}.isdisjoint(got)


def test_unregistered_practice(ds: Dataset, run_ds) -> None:
    ds.rows["registrations"] = [
        {"practitioner_id": DOC, "institution_id": H1, "is_primary": True, "valid_from": D(2025, 3, 5),
         "valid_to": D(2025, 3, 25)}]
    before = ds.visit(D(2025, 3, 4))
    first = ds.visit(D(2025, 3, 5))
    last = ds.visit(D(2025, 3, 25))
    after = ds.visit(D(2025, 3, 26))
    other_inst = ds.visit(D(2025, 3, 10), inst=H2)
    no_doc = ds.visit(D(2025, 3, 10), doc=None)
    got = fired(run_ds(ds, ["unregistered_practice"]), "unregistered_practice")
    assert got == {before, after, other_inst}
    assert {first, last, no_doc}.isdisjoint(got)


def test_invalid_licence(ds: Dataset, run_ds) -> None:
    ds.rows["practitioners"][1].update(status="suspended", status_since=D(2025, 3, 10))
    ds.rows["practitioners"][2].update(licence_valid_to=D(2025, 3, 15))
    ok = ds.visit(D(2025, 3, 9), doc=DOC2)
    susp = ds.visit(D(2025, 3, 10), doc=DOC2)
    valid_last = ds.visit(D(2025, 3, 15), doc=NURSE)
    expired = ds.visit(D(2025, 3, 16), doc=NURSE)
    unknown = ds.visit(D(2025, 3, 16), doc="999999999999999")
    null_doc = ds.visit(D(2025, 3, 16), doc=None)
    got = fired(run_ds(ds, ["invalid_licence"]), "invalid_licence")
    assert got == {susp, expired, unknown}
    assert {ok, valid_last, null_doc}.isdisjoint(got)


def test_practitioner_scope(ds: Dataset, run_ds) -> None:
    in_scope = ds.visit(D(2025, 3, 2), dept="03.05")  # DOC scope 03 covers 03.05
    out = ds.visit(D(2025, 3, 2), dept="30")
    er = ds.visit(D(2025, 3, 2), dept="20")  # emergency never fires
    sub_scope = ds.visit(D(2025, 3, 2), dept="03.01", doc=DOC2)
    sub_other = ds.visit(D(2025, 3, 2), dept="03.02", doc=DOC2)  # scope 03.01 does not cover 03.02
    parent = ds.visit(D(2025, 3, 2), dept="03", doc=DOC2)
    nurse = ds.visit(D(2025, 3, 2), dept="30", doc=NURSE)  # not a physician
    unknown = ds.visit(D(2025, 3, 2), dept="30", doc="999999999999999")  # unknown: invalid_licence's job
    got = fired(run_ds(ds, ["practitioner_scope"]), "practitioner_scope")
    assert got == {out, sub_other, parent}
    assert {in_scope, er, sub_scope, nurse, unknown}.isdisjoint(got)
