"""The case queue (案件) with 100,000 cases loaded.

A fresh SQLite database with the demo accounts gets 100,000 cases written straight into it (each with its clue
and its party, spread over the city's districts, the last three years and every state), then the queue page is
opened in process (Django's test client, the whole middleware stack) as the demo district manager and as the
city office: the first page, a state filter, a search, a deep page and the due-soon filter. p50 / p95 are
printed. Target: p95 < 150 ms. The planner's statistics are refreshed after the load, as ``weijian db analyze`` does
after a bulk import (a running server refreshes them hourly: ``weijian.core.dbstats``).

Run with ``python -m benchmarks cases`` (or ``make bench``). ``WEIJIAN_BENCH_CASES`` (default 100000),
``WEIJIAN_BENCH_REQUESTS`` (requests per page, default 30), ``WEIJIAN_BENCH_KEEP=DIR`` (keep and reuse the
loaded database).
"""

from __future__ import annotations

import json
import os
import sys
import time

from benchmarks.registry_bench import RESULT_TAG, child_result, page_samples, print_page_timings

P95_TARGET_MS = 150.0


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _load(n: int) -> dict[str, int]:
    import datetime as dt
    import random

    from django.db import transaction

    from weijian.cases.models import Case, CaseParty
    from weijian.cases.states import CaseState
    from weijian.clues.models import Clue, ClueStatus
    from weijian.core.models import Department, Region

    rng = random.Random(20261123)
    health = Department.objects.get(code="health")
    districts = list(Region.objects.filter(level="district", code__startswith="3101"))
    states = [s for s in CaseState.values]
    today = dt.date(2026, 12, 1)
    batch = 5000
    with transaction.atomic():
        for start in range(0, n, batch):
            clues, cases = [], []
            for i in range(start, min(n, start + batch)):
                region = districts[i % len(districts)]
                clues.append(Clue(number=f"XS-{region.code}-B-{i:07d}", source_kind="other", subject_name=f"单位{i}",
                                  region=region, department=health, facts="基准测试数据",
                                  status=ClueStatus.CASE))  # fmt: skip  # i18n: data
            Clue.objects.bulk_create(clues)
            made = Clue.objects.filter(number__in=[c.number for c in clues]).values_list("pk", "region_id", "number")
            for pk, region_id, number in made:
                i = int(number.rsplit("-", 1)[1])
                registered = today - dt.timedelta(days=rng.randrange(0, 3 * 365))
                due = registered + dt.timedelta(days=90)  # the 90-day decision limit, as the services keep it
                cases.append(Case(number=f"AJ-B-{i:07d}", clue_id=pk, cause="超出登记的诊疗科目执业", region_id=region_id,
                                  department=health, state=rng.choice(states), registered_on=registered,
                                  next_due=due, next_warn_from=due - dt.timedelta(days=7)))  # fmt: skip  # i18n: data
            Case.objects.bulk_create(cases)
            ids = Case.objects.filter(number__in=[c.number for c in cases]).values_list("pk", "number")
            CaseParty.objects.bulk_create([CaseParty(case_id=pk, name=f"单位{int(num.rsplit('-', 1)[1])}")
                                           for pk, num in ids])  # fmt: skip  # i18n: data
    return {"cases": Case.objects.count()}


def _time(requests: int) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from weijian.core import otp

    out: dict[str, list[float]] = {}
    pages = {"first page": "", "state=investigating": "?state=investigating", "search 'AJ-B-00123'": "?q=AJ-B-00123",
             "page 50": "?page=50", "due=soon": "?due=soon"}  # fmt: skip
    for username in ("district_manager", "city_admin"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        otp.mark_client_verified(client)  # signed in with the second factor, as an official is
        for label, query in pages.items():
            out[f"{username} · {label}"] = page_samples(client, f"/cases/{query}", requests, who=username)
    return out


def _child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
    django.setup()
    from weijian.cases.models import Case

    started = time.perf_counter()
    counts = {"cases": Case.objects.count()} if Case.objects.exists() else _load(_env_int("WEIJIAN_BENCH_CASES", 100_000))
    from django.db import connection

    from weijian.core import dbstats

    dbstats.refresh(connection)  # as `weijian db analyze` after a bulk load (a running server does it hourly)
    counts["setup_s"] = round(time.perf_counter() - started, 1)
    print(RESULT_TAG + json.dumps({"counts": counts, "timings": _time(_env_int("WEIJIAN_BENCH_REQUESTS", 30))}),
          flush=True)  # fmt: skip


def main() -> None:
    print("== case queue benchmark ==", flush=True)
    result = child_result("benchmarks.cases_queue_bench", "weijian-bench-cases-")
    print(f"  loaded: {result['counts']['cases']:,} cases ({result['counts']['setup_s']} s)")
    print_page_timings(result["timings"], P95_TARGET_MS)


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _child()
    else:
        main()
