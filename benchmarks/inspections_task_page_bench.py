"""The inspector's task page (我的检查任务) with a city's year of inspections loaded.

The ``city`` preset of ``weijian sim city`` (6,000 units, 1,500 inspectors) is loaded into a fresh SQLite
database, then a year of inspections is written straight into it: every unit inspected once (four times the
city's overall target of about 25 %), each with its two officers and its checklist lines, spread over the year
and over the states an inspection goes through (most closed). The demo inspector ``inspector_a`` is linked to an
officer of that district who carries a full plan period's capacity of tasks. Then the task page is opened in
process (Django's test client, the whole middleware stack, no network) on every tab, and one inspection's
checklist page; p50 / p95 are printed. Target: p95 < 100 ms.

Run with ``python -m benchmarks inspections`` (or ``make bench``). ``WEIJIAN_BENCH_SEED`` (default 20261123),
``WEIJIAN_BENCH_REQUESTS`` (requests per page, default 60), ``WEIJIAN_BENCH_KEEP=DIR`` (keep the loaded
database in DIR and reuse it on the next run — to profile the page). The generated city is cached as the
registry benchmark caches it (``.bench-cache/city-<seed>/``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.registry_bench import RESULT_TAG, ROOT, WEIJIAN, city_folder, page_samples

P95_TARGET_MS = 100.0


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)


def _year_of_inspections() -> dict[str, int]:
    """Write one inspection per unit (with members and checklist lines) into the configured database."""
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from weijian.core.models import Department
    from weijian.inspections import catalog
    from weijian.inspections.models import (
        Finding,
        FindingOutcome,
        Inspection,
        InspectionMember,
        InspectionMode,
        InspectionSource,
        InspectionStatus,
    )
    from weijian.registry.models import Inspector, Institution
    from weijian.rules import loader

    rng = random.Random(_env_int("WEIJIAN_BENCH_SEED", 20261123))
    today = timezone.localdate()
    capacity = int(loader.value("random_checks", "inspector_capacity", today))  # one plan period's tasks
    health = Department.objects.get(code="health")
    lines = [line.no for line in catalog.item("CC00227", today).checklist]
    officers: dict[str, list[int]] = {}
    for pk, region in Inspector.objects.filter(department=health, active=True).values_list("pk", "region__code"):
        officers.setdefault(region[:6], []).append(pk)
    user = get_user_model().objects.get(username="inspector_a")
    district = user.profile.region.code[:6]
    mine = Inspector.objects.filter(user=user).first() or Inspector.objects.get(pk=officers[district][0])
    mine.user = user
    mine.save(update_fields=["user"])
    statuses = [InspectionStatus.CLOSED] * 7 + [InspectionStatus.SUBMITTED, InspectionStatus.IN_PROGRESS,
                                                InspectionStatus.ASSIGNED]  # fmt: skip
    units = list(Institution.objects.values_list("pk", "district__code"))
    own = [pk for pk, code in units if code and code.startswith(district)][:capacity]
    start = today - dt.timedelta(days=365)
    made = members = findings = 0
    with transaction.atomic():
        batch: list[Inspection] = []
        for pk, _code in units:
            status = rng.choice(statuses)
            due = start + dt.timedelta(days=rng.randrange(30, 395))
            closed = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(10))) \
                if status == InspectionStatus.CLOSED else None  # fmt: skip
            batch.append(Inspection(
                institution_id=pk, department=health, mode=InspectionMode.RANDOM, item_codes=["CC00227"],
                source_kind=InspectionSource.OTHER, status=status, due_date=due, closed_at=closed,
                result="pass" if closed else "",
            ))  # fmt: skip
        Inspection.objects.bulk_create(batch, batch_size=2000)
        made = len(batch)
        own_set = set(own)
        member_rows: list[InspectionMember] = []
        finding_rows: list[Finding] = []
        for inspection in Inspection.objects.filter(source_kind=InspectionSource.OTHER).values_list(
            "pk", "institution_id", "institution__district__code", "status"
        ):
            pk, unit, code, status = inspection
            pool = officers.get((code or "")[:6]) or officers[district]
            team = rng.sample(pool, 2) if len(pool) >= 2 else pool * 2
            if unit in own_set:
                team = [mine.pk, next(o for o in pool if o != mine.pk)]
            member_rows += [InspectionMember(inspection_id=pk, inspector_id=o) for o in dict.fromkeys(team)]
            for line in lines:
                outcome = "" if status == InspectionStatus.ASSIGNED else FindingOutcome.COMPLIANT
                finding_rows.append(Finding(inspection_id=pk, item_code="CC00227", line_no=line, outcome=outcome))
        InspectionMember.objects.bulk_create(member_rows, batch_size=5000)
        Finding.objects.bulk_create(finding_rows, batch_size=5000)
        members, findings = len(member_rows), len(finding_rows)
    return {"inspections": made, "members": members, "findings": findings, "own": len(own)}


def _time_pages(requests: int) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from weijian.core import otp
    from weijian.inspections.models import Inspection, InspectionStatus
    from weijian.inspections.selectors import TASK_VIEWS

    user = get_user_model().objects.get(username="inspector_a")
    client = Client()
    client.force_login(user)
    otp.mark_client_verified(client)  # signed in with the second factor, as an official is
    one = Inspection.objects.filter(members__inspector__user=user, status=InspectionStatus.IN_PROGRESS).first()
    pages = {f"/inspections/?view={view}": f"tasks · {view}" for view in TASK_VIEWS}
    if one is not None:
        pages[f"/inspections/{one.pk}/"] = "checklist of one inspection"
    timings: dict[str, list[float]] = {}
    for url, label in pages.items():
        timings[label] = page_samples(client, url, requests, warm=3)
    return timings


def _child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
    django.setup()
    started = time.perf_counter()
    from weijian.inspections.models import Inspection, InspectionSource

    loaded = Inspection.objects.filter(source_kind=InspectionSource.OTHER)
    if loaded.exists():  # a kept database (WEIJIAN_BENCH_KEEP)
        from weijian.inspections.models import Finding, InspectionMember

        counts = {"inspections": loaded.count(), "members": InspectionMember.objects.count(),
                  "findings": Finding.objects.count(), "own": loaded.filter(members__inspector__user__username=
                                                                          "inspector_a").count()}  # fmt: skip
    else:
        counts = _year_of_inspections()
    counts["setup_s"] = round(time.perf_counter() - started, 1)
    timings = _time_pages(_env_int("WEIJIAN_BENCH_REQUESTS", 60))
    print(RESULT_TAG + json.dumps({"counts": counts, "timings": timings}), flush=True)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    seed = _env_int("WEIJIAN_BENCH_SEED", 20261123)
    print(f"== inspector task page benchmark (city preset, seed {seed}) ==", flush=True)
    folder = city_folder(seed)
    keep = os.environ.get("WEIJIAN_BENCH_KEEP")
    data_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="weijian-bench-tasks-"))
    env = {**os.environ, "WEIJIAN_DATA": str(data_dir), "DATABASE_URL": "", "WEIJIAN_DEBUG": "0"}
    kept = keep is not None and (data_dir / "weijian.sqlite3").exists()
    try:
        for step in [["migrate", "--no-input", "-v", "0"]] + ([] if kept else [["demo", "setup"]]):
            done = _run([*WEIJIAN, *step], env)
            if done.returncode:
                raise RuntimeError(f"weijian {' '.join(step)} failed:\n{done.stderr[-2000:]}")
        if not kept:
            with tempfile.TemporaryDirectory(prefix="weijian-bench-city-") as scratch:
                copy = shutil.copytree(folder, Path(scratch) / folder.name)
                load = _run([*WEIJIAN, "sim", "load", str(copy)], env)
                if load.returncode:
                    raise RuntimeError(f"weijian sim load failed:\n{load.stderr[-2000:]}")
        child = _run([sys.executable, "-m", "benchmarks.inspections_task_page_bench", "--child"], env)
        line = next((x for x in child.stdout.splitlines() if x.startswith(RESULT_TAG)), None)
        if line is None:
            raise RuntimeError(f"the timing run failed:\n{(child.stdout + child.stderr)[-3000:]}")
        result = json.loads(line[len(RESULT_TAG) :])
        c = result["counts"]
        print(f"  loaded: {c['inspections']:,} inspections, {c['members']:,} team places, {c['findings']:,} "
              f"checklist lines ({c['setup_s']} s); inspector_a holds {c['own']} of them")  # fmt: skip
        for label, samples in result["timings"].items():
            p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
            verdict = "OK" if p95 < P95_TARGET_MS else "SLOW"
            print(f"  {label:<30} n={len(samples)}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                  f"(target p95 < {P95_TARGET_MS:.0f} ms) {verdict}")  # fmt: skip
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _child()
    else:
        main()
