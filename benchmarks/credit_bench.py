"""Credit: recompute bad-practice points, credit grades and 医保 standings for a city-sized archive.

A fresh SQLite database (migrated, demo accounts) gets the ``city`` preset's sizes written straight into it:
6,000 institutions over the city's districts, 80,000 practitioners, 200,000 credit records over the last year
(every category and severity), 20,000 bad-practice point events under the office's rule set with their notices,
2,000 passed 校验, 30,000 医保 point events. Then, timed: one recompute of every institution's points and grade
(``credit_grade_recompute``, which writes the changed grades), the 医保 standing of every practitioner with points,
and the archive page (一户一档) of institutions with the most records, in process as the demo district manager
and the city office (p50 / p95). Targets: recompute < 10 s on 2 cores; archive p95 < 100 ms.

Run with ``python -m benchmarks credit``. ``WEIJIAN_BENCH_RECORDS`` (default 200000), ``WEIJIAN_BENCH_INSTITUTIONS``
(6000), ``WEIJIAN_BENCH_PRACTITIONERS`` (80000), ``WEIJIAN_BENCH_REQUESTS`` (30), ``WEIJIAN_BENCH_KEEP=DIR``.
"""

from __future__ import annotations

import json
import os
import sys
import time

from benchmarks.registry_bench import RESULT_TAG, child_result, page_samples, print_page_timings

RECOMPUTE_TARGET_S = 10.0
P95_TARGET_MS = 100.0
CATEGORIES = ("penalty", "inspection_result", "alert", "complaint", "award", "other")
SEVERITIES = ("minor", "general", "serious", "specially_serious")


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _load(institutions: int, practitioners: int, records: int) -> dict[str, int]:
    import datetime as dt
    import random

    from django.db import transaction

    from weijian.conftest import make_uscc
    from weijian.core.models import Department, Region
    from weijian.credit.models import CreditRecord, InsurancePointEvent, LicenceCheck, PointEvent, PointNotice
    from weijian.registry.models import Institution, Practitioner

    rng = random.Random(20261201)
    health = Department.objects.get(code="health")
    districts = list(Region.objects.filter(level="district", code__startswith="3101"))
    today = dt.date(2026, 12, 1)
    kinds = ("clinic", "community_health_center", "hospital", "aesthetic_clinic")
    with transaction.atomic():
        Institution.objects.bulk_create([
            Institution(uscc=make_uscc(districts[i % len(districts)].code[:6], f"MB{i:07d}"), name=f"基准机构{i}",
                        kind=kinds[i % len(kinds)], district=districts[i % len(districts)], beds=rng.choice((0, 20, 80, 150, 600)),
                        licence_valid_from=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 900)))  # i18n: data
            for i in range(institutions)
        ], batch_size=2000)  # fmt: skip
        inst = list(Institution.objects.filter(name__startswith="基准机构").values_list("pk", "district_id",  # i18n: data
                                                                                         "district__code"))  # fmt: skip
        Practitioner.objects.bulk_create([Practitioner(cert_no=f"B{i:014d}", name=f"医师{i}", kind="physician")  # i18n: data
                                          for i in range(practitioners)], batch_size=5000)  # fmt: skip
        prac = list(Practitioner.objects.filter(cert_no__startswith="B").values_list("pk", flat=True))
        rows = []
        for i in range(records):
            pk, district_id, _code = inst[rng.randrange(len(inst))]
            rows.append(CreditRecord(institution_id=pk, source_kind="partner", source_key=f"bench-{i}",
                                     sources=[{"by": "bench", "at": "2026-12-01"}],
                                     occurred_on=today - dt.timedelta(days=rng.randrange(0, 365)),
                                     severity=rng.choice(SEVERITIES), category=rng.choice(CATEGORIES),
                                     title="基准测试记录", region_id=district_id, department=health))  # fmt: skip  # i18n: data
            if len(rows) == 5000:
                CreditRecord.objects.bulk_create(rows)
                rows = []
        CreditRecord.objects.bulk_create(rows)
        items = (("L01", 1), ("L03", 2), ("L06", 4), ("L07", 6), ("P02", 2))
        events = []
        for _i in range(records // 10):
            pk, _d, _c = inst[rng.randrange(len(inst))]
            item, points = rng.choice(items)
            day = today - dt.timedelta(days=rng.randrange(0, 330))
            events.append(PointEvent(institution_id=pk, rule_set="shanghai_2007", rule_version=dt.date(2007, 7, 24),
                                     item_code=item, behaviour="基准", points=points, occurred_on=day,
                                     confirmed_on=day))  # fmt: skip  # i18n: data
        PointEvent.objects.bulk_create(events, batch_size=5000)
        PointNotice.objects.bulk_create([PointNotice(event_id=e.pk, due_on=e.confirmed_on + dt.timedelta(days=14))
                                         for e in PointEvent.objects.only("pk", "confirmed_on")], batch_size=5000)  # fmt: skip
        LicenceCheck.objects.bulk_create([LicenceCheck(institution_id=inst[rng.randrange(len(inst))][0],
                                                       checked_on=today - dt.timedelta(days=rng.randrange(0, 365)))
                                          for _ in range(records // 100)], batch_size=5000)  # fmt: skip
        InsurancePointEvent.objects.bulk_create([
            InsurancePointEvent(practitioner_id=prac[rng.randrange(len(prac))], region=districts[0], band="light",
                                points=rng.randint(1, 3), occurred_on=today - dt.timedelta(days=rng.randrange(0, 330)),
                                reason="基准")  # i18n: data
            for _ in range(records * 3 // 20)
        ], batch_size=5000)  # fmt: skip
    return {"institutions": len(inst), "practitioners": len(prac), "records": CreditRecord.objects.count(),
            "point_events": PointEvent.objects.count(), "insurance_events": InsurancePointEvent.objects.count()}


def _recompute() -> dict[str, float]:
    import datetime as dt
    from collections import defaultdict

    from weijian.credit.insurance import insurance_standing
    from weijian.credit.models import InsurancePointEvent
    from weijian.credit.services import credit_grade_recompute

    on = dt.date(2026, 12, 1)
    started = time.perf_counter()
    counts = credit_grade_recompute(actor="bench", on=on)
    grades_s = time.perf_counter() - started
    started = time.perf_counter()
    per: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for pk, day, points in InsurancePointEvent.objects.filter(occurred_on__year=on.year).values_list(
            "practitioner_id", "occurred_on", "points"):  # fmt: skip
        per[pk].append((day, points))
    suspended = sum(1 for events in per.values() if insurance_standing(events, on).measure)
    insurance_s = time.perf_counter() - started
    return {"grades_s": round(grades_s, 2), "graded": counts["graded"], "changed": counts["changed"],
            "insurance_s": round(insurance_s, 2), "practitioners_with_points": len(per), "with_measure": suspended}


def _time(requests: int) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from weijian.core import otp
    from weijian.core.models import Region
    from weijian.registry.models import Institution

    out: dict[str, list[float]] = {}
    manager = get_user_model().objects.get(username="district_manager")
    district = manager.profile.region or Region.objects.get(code="310101")
    busiest = (Institution.objects.filter(district=district).annotate(n=Count("credit_records")).order_by("-n")
               .values_list("pk", flat=True)[:3])  # fmt: skip
    for username in ("district_manager", "city_admin"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        otp.mark_client_verified(client)  # signed in with the second factor, as an official is
        for pk in busiest:
            out[f"{username} · archive {pk}"] = page_samples(client, f"/credit/institutions/{pk}/", requests,
                                                              who=username)
    return out


def _child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
    django.setup()
    from weijian.credit.models import CreditRecord

    started = time.perf_counter()
    if CreditRecord.objects.exists():
        counts = {"records": CreditRecord.objects.count()}
    else:
        counts = _load(_env_int("WEIJIAN_BENCH_INSTITUTIONS", 6000), _env_int("WEIJIAN_BENCH_PRACTITIONERS", 80_000),
                       _env_int("WEIJIAN_BENCH_RECORDS", 200_000))  # fmt: skip
    counts["setup_s"] = round(time.perf_counter() - started, 1)
    result = {"counts": counts, "recompute": _recompute(), "timings": _time(_env_int("WEIJIAN_BENCH_REQUESTS", 30))}
    print(RESULT_TAG + json.dumps(result), flush=True)


def main() -> None:
    print("== credit benchmark ==", flush=True)
    result = child_result("benchmarks.credit_bench", "weijian-bench-credit-")
    print(f"  loaded: {json.dumps(result['counts'])}")
    r = result["recompute"]
    total = r["grades_s"] + r["insurance_s"]
    print(f"  recompute: grades {r['grades_s']} s ({r['graded']:,} graded, {r['changed']:,} changed), 医保 "
          f"{r['insurance_s']} s ({r['practitioners_with_points']:,} practitioners, {r['with_measure']:,} with a measure)"
          f"  total {total:.2f} s (target < {RECOMPUTE_TARGET_S:.0f} s) {'OK' if total < RECOMPUTE_TARGET_S else 'SLOW'}")  # fmt: skip
    print_page_timings(result["timings"], P95_TARGET_MS)


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _child()
    else:
        main()
