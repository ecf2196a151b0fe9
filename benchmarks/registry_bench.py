"""Registry benchmarks: loading the ``city`` preset, and searching it under load.

(a) ``weijian sim load`` of the synthetic ``city`` (6,000 institutions, 80,000 practitioners)
    into a fresh SQLite database and into a throw-away PostgreSQL (``scripts/with-postgres``).
    Targets: SQLite < 60 s, PostgreSQL < 90 s.
(b) With that SQLite database, ``weijian runserver`` on a free loopback port and locust (headless)
    as district inspectors searching institutions, on the page ``/registry/institutions/?q=`` and
    the API ``/api/institutions?q=``, with Simplified and Traditional fragments of real names.
    Two runs: *paced* users (0.5–1.5 s think time; the latency figure, target p95 < 100 ms) and
    *saturated* users (no think time; the throughput figure). Only 127.0.0.1 is ever contacted.

Run with ``python -m benchmarks registry`` (or ``make bench``). Environment: ``WEIJIAN_BENCH_SEED``
(default 20261123), ``WEIJIAN_BENCH_USERS`` (10), ``WEIJIAN_BENCH_SECONDS`` (30),
``WEIJIAN_BENCH_SKIP_POSTGRES=1`` to leave PostgreSQL out. The generated city is cached in
``.bench-cache/city-<seed>/`` at the repository root.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"
WEIJIAN = [sys.executable, "-m", "weijian.cli"]
TABLES = ("regions", "institutions", "institution_depts", "practitioners", "practitioner_scopes",
          "registrations", "inspectors")  # fmt: skip
RESULT_TAG = "BENCH_RESULT "

SQLITE_TARGET_S = 60.0
POSTGRES_TARGET_S = 90.0
P95_TARGET_MS = 100.0

PAGE_NAME = "page /registry/institutions/?q="
API_NAME = "api /api/institutions?q="


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------------------------------------
# the driver the in-process page benchmarks share (cases_queue_bench, credit_bench)


def child_result(module: str, prefix: str) -> dict[str, Any]:
    """Run ``python -m <module> --child`` in a SQLite data folder (migrated, with the demo accounts) and return the
    JSON of its ``RESULT_TAG`` line. The folder is fresh (``prefix``) and removed afterwards, or kept and reused
    where ``WEIJIAN_BENCH_KEEP=DIR`` names it."""
    keep = os.environ.get("WEIJIAN_BENCH_KEEP")
    data_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix=prefix))
    env = {**os.environ, "WEIJIAN_DATA": str(data_dir), "DATABASE_URL": "", "WEIJIAN_DEBUG": "0"}
    try:
        if not (data_dir / "weijian.sqlite3").exists():
            for step in (["migrate", "--no-input", "-v", "0"], ["demo", "setup"]):
                done = subprocess.run([*WEIJIAN, *step], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
                if done.returncode:
                    raise RuntimeError(f"weijian {' '.join(step)} failed:\n{done.stderr[-2000:]}")
        child = subprocess.run([sys.executable, "-m", module, "--child"], cwd=ROOT, env=env, capture_output=True,
                               text=True, check=False, timeout=3600)  # fmt: skip
        line = next((x for x in child.stdout.splitlines() if x.startswith(RESULT_TAG)), None)
        if line is None:
            raise RuntimeError(f"the timing run failed:\n{(child.stdout + child.stderr)[-3000:]}")
        result: dict[str, Any] = json.loads(line[len(RESULT_TAG) :])
        return result
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def page_samples(client: Any, url: str, requests: int, *, warm: int = 2, who: str = "") -> list[float]:
    """``requests`` timed GETs of ``url`` (ms) after ``warm`` untimed ones (templates, rules files, caches);
    a non-200 answer stops the benchmark."""
    for _warm in range(warm):
        client.get(url)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}" + (f" for {who}" if who else ""))
    return samples


def print_page_timings(timings: dict[str, list[float]], target_ms: float) -> None:
    """One line per page: n, p50, p95 and the verdict against ``target_ms`` (p95)."""
    for label, samples in timings.items():
        high = p95(samples)
        print(f"  {label:<42} n={len(samples)}  p50 {statistics.median(samples):6.1f} ms  p95 {high:6.1f} ms  "
              f"(target p95 < {target_ms:.0f} ms) {'OK' if high < target_ms else 'SLOW'}", flush=True)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# (a) loading


def city_folder(seed: int) -> Path:
    """The ``city`` preset for ``seed``, generated once into ``.bench-cache/city-<seed>/``."""
    folder = CACHE / f"city-{seed}"
    if all((folder / f"{t}.parquet").exists() for t in TABLES):
        return folder
    from weijian.sim.city import PRESETS, generate, write_tables

    _say(f"generating the city preset (seed {seed}) into {folder.relative_to(ROOT)} …")
    staging = CACHE / f".city-{seed}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    write_tables(generate(PRESETS["city"], seed), staging)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder


@dataclass
class LoadTiming:
    database: str
    seconds: float  # wall time of ``weijian sim load`` (process start included)
    steps: dict[str, float] = field(default_factory=dict)  # as the command reports them
    ok: bool = True
    detail: str = ""


def _run(cmd: Sequence[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def timed_load(folder: Path, env: dict[str, str], database: str) -> LoadTiming:
    """``weijian migrate`` (untimed), then ``weijian sim load FOLDER`` timed, in ``env``."""
    migrate = _run([*WEIJIAN, "migrate", "--no-input", "-v", "0"], env)
    if migrate.returncode:
        return LoadTiming(database, 0.0, ok=False, detail=migrate.stderr[-2000:])
    with tempfile.TemporaryDirectory(prefix="weijian-bench-load-") as scratch:
        copy = shutil.copytree(folder, Path(scratch) / folder.name)  # sim load blanks the raw ID numbers it read
        started = time.perf_counter()
        load = _run([*WEIJIAN, "sim", "load", str(copy)], env)
        seconds = time.perf_counter() - started
    steps = {m[1]: float(m[2]) for m in re.finditer(r"^\s+(\w+):.*（([\d.]+)s）$", load.stdout, re.MULTILINE)}
    return LoadTiming(database, seconds, steps, ok=load.returncode == 0, detail=load.stderr[-2000:])


def _child_load(folder: Path) -> None:
    """Run inside ``scripts/with-postgres``: time the load into the ``DATABASE_URL`` it exports."""
    env = {**os.environ, "WEIJIAN_DATA": tempfile.mkdtemp(prefix="weijian-bench-pg-")}
    try:
        timing = timed_load(folder, env, "postgresql")
    finally:
        shutil.rmtree(env["WEIJIAN_DATA"], ignore_errors=True)
    print(RESULT_TAG + json.dumps(asdict(timing), ensure_ascii=False), flush=True)


def load_postgres(folder: Path) -> LoadTiming:
    script = ROOT / "scripts" / "with-postgres"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = _run([str(script), sys.executable, "-m", "benchmarks.registry_bench", "--child-load", str(folder)], env)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return LoadTiming(**json.loads(line[len(RESULT_TAG) :]))
    return LoadTiming("postgresql", 0.0, ok=False, detail=(proc.stdout + proc.stderr)[-2000:])


def _print_load(timing: LoadTiming, target: float) -> None:
    if not timing.ok:
        _say(f"  {timing.database:<11} FAILED\n{timing.detail}")
        return
    verdict = "ok" if timing.seconds < target else "MISSED"
    steps = ", ".join(f"{k} {v:.1f}" for k, v in timing.steps.items())
    _say(f"  {timing.database:<11} {timing.seconds:6.1f} s  (target < {target:.0f} s: {verdict})  [{steps}]")


# ---------------------------------------------------------------------------------------------
# (b) search under load

LOCUSTFILE = '''
"""Generated by benchmarks/registry_bench.py: district inspectors searching institutions."""
import json
import os
import random

from gevent.event import Event
from locust import HttpUser, between, constant, task

QUERIES = json.loads(open(os.environ["BENCH_QUERIES"], encoding="utf-8").read())
USERS = int(os.environ["BENCH_USERS"])
LOGGED_IN = []
ALL_LOGGED_IN = Event()


class Inspector(HttpUser):
    wait_time = between(0.5, 1.5) if os.environ.get("BENCH_PACED") == "1" else constant(0)

    def on_start(self):
        self.client.get("/login/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        response = self.client.post(
            "/login/", name="login", allow_redirects=False,
            data={"username": os.environ["BENCH_USER"], "password": os.environ["BENCH_PASSWORD"],
                  "csrfmiddlewaretoken": token},
        )
        if response.status_code != 302:
            raise RuntimeError(f"login failed: HTTP {response.status_code}")
        # Logins (Argon2) are CPU-heavy: measure searches only once every user has logged in.
        LOGGED_IN.append(1)
        if len(LOGGED_IN) == USERS:
            self.environment.runner.stats.reset_all()
            ALL_LOGGED_IN.set()
        ALL_LOGGED_IN.wait(timeout=60)

    @task
    def page(self):
        self.client.get("/registry/institutions/", params={"q": random.choice(QUERIES)}, name=PAGE)

    @task
    def api(self):
        self.client.get("/api/institutions", params={"q": random.choice(QUERIES)}, name=API)
'''


@dataclass
class EndpointFigures:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    mean: float


def search_queries(folder: Path, district: str, n: int = 60, seed: int = 1) -> list[str]:
    """Fragments (2–6 characters) of real institution names, mostly of ``district``; half converted to
    Traditional where that changes them, plus a few common words (口腔, 社区卫生服务中心 …)."""
    import pyarrow.parquet as pq
    from opencc import OpenCC

    s2t = OpenCC("s2t")
    rows = pq.read_table(folder / "institutions.parquet", columns=["name", "district_code"]).to_pylist()
    own = [r["name"] for r in rows if r["district_code"] == district]
    others = [r["name"] for r in rows if r["district_code"] != district]
    rng = random.Random(seed)
    queries: list[str] = ["口腔", "中医", "社区卫生服务中心", "医疗美容", "门诊部", "醫院", "診所", "衛生服務中心"]
    while len(queries) < n:
        name = rng.choice(own if rng.random() < 0.8 else others)
        name = name.removeprefix("上海市").removeprefix("上海")
        length = rng.randint(2, min(6, len(name)))
        start = rng.randint(0, len(name) - length)
        fragment = name[start : start + length]
        traditional = s2t.convert(fragment)
        queries.append(traditional if traditional != fragment and rng.random() < 0.5 else fragment)
    return queries


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def _read_stats(csv_prefix: Path) -> dict[str, EndpointFigures]:
    figures: dict[str, EndpointFigures] = {}
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] in (PAGE_NAME, API_NAME):
                figures[row["Name"]] = EndpointFigures(
                    name=row["Name"], requests=int(row["Request Count"]), failures=int(row["Failure Count"]),
                    rps=float(row["Requests/s"]), p50=float(row["50%"]), p95=float(row["95%"]),
                    p99=float(row["99%"]), mean=float(row["Average Response Time"]),
                )  # fmt: skip
    return figures


def run_locust(
    host: str, work: Path, queries_file: Path, user: str, password: str, *, paced: bool, users: int, seconds: int
) -> dict[str, EndpointFigures]:
    locustfile = work / "locustfile.py"
    locustfile.write_text(f"PAGE = {PAGE_NAME!r}\nAPI = {API_NAME!r}\n" + LOCUSTFILE, encoding="utf-8")
    prefix = work / ("paced" if paced else "saturated")
    env = {**os.environ, "BENCH_QUERIES": str(queries_file), "BENCH_USER": user, "BENCH_PASSWORD": password,
           "BENCH_PACED": "1" if paced else "0", "BENCH_USERS": str(users)}  # fmt: skip
    cmd = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", str(users), "-r", str(users),
           "-t", f"{seconds}s", "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]  # fmt: skip
    proc = _run(cmd, env, timeout=seconds + 120)
    figures = _read_stats(prefix)
    if not figures:
        raise RuntimeError(f"locust produced no figures:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return figures


def _print_figures(title: str, figures: dict[str, EndpointFigures], judge: bool) -> None:
    _say(f"  {title}")
    _say(f"    {'endpoint':<34} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for f in figures.values():
        verdict = ("  ok" if f.p95 < P95_TARGET_MS else "  MISSED p95 < 100 ms") if judge else ""
        _say(f"    {f.name:<34} {f.requests:>8} {f.failures:>5} {f.rps:>7.1f} {f.p50:>6.0f} {f.p95:>6.0f} {f.p99:>6.0f}{verdict}")


def search_under_load(folder: Path, data_dir: Path) -> None:
    env = {**os.environ, "WEIJIAN_DATA": str(data_dir), "DATABASE_URL": "", "WEIJIAN_DEBUG": "0"}
    setup = _run([*WEIJIAN, "demo", "setup"], env)
    if setup.returncode:
        raise RuntimeError(f"weijian demo setup failed:\n{setup.stderr[-2000:]}")
    probe = (
        "from weijian.core.demo import DEMO_PASSWORD; from weijian.core.models import Profile; "
        "print(Profile.objects.get(user__username='inspector_a').region.code, DEMO_PASSWORD)"
    )
    district, password = _run([*WEIJIAN, "shell", "-c", probe], env).stdout.strip().splitlines()[-1].split()
    work = Path(tempfile.mkdtemp(prefix="weijian-bench-locust-"))
    queries_file = work / "queries.json"
    queries = search_queries(folder, district)
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    users, seconds = _env_int("WEIJIAN_BENCH_USERS", 10), _env_int("WEIJIAN_BENCH_SECONDS", 30)
    # The production server (gunicorn: 2 worker processes × 4 threads), not the development runserver.
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "weijian.project.wsgi", "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_until_up(f"{host}/login/", server)
        _say(f"  gunicorn (2 workers × 4 threads) on {host}; inspector_a of district {district}; {len(queries)} queries, "
             f"e.g. {', '.join(queries[8:14])}")  # fmt: skip
        for paced in (True, False):
            figures = run_locust(host, work, queries_file, "inspector_a", password, paced=paced, users=users,
                                 seconds=seconds)  # fmt: skip
            title = (f"{users} users, think time 0.5–1.5 s, {seconds} s" if paced
                     else f"{users} users, no think time (saturation), {seconds} s")  # fmt: skip
            _print_figures(title, figures, judge=paced)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------


def main() -> None:
    seed = _env_int("WEIJIAN_BENCH_SEED", 20261123)
    _say(f"== registry benchmark (city preset, seed {seed}) ==")
    folder = city_folder(seed)
    data_dir = Path(tempfile.mkdtemp(prefix="weijian-bench-sqlite-"))
    try:
        _say("(a) weijian sim load of the city preset into a fresh database")
        sqlite_env = {**os.environ, "WEIJIAN_DATA": str(data_dir), "DATABASE_URL": ""}
        sqlite = timed_load(folder, sqlite_env, "sqlite")
        _print_load(sqlite, SQLITE_TARGET_S)
        if os.environ.get("WEIJIAN_BENCH_SKIP_POSTGRES") == "1":
            _say("  postgresql  skipped (WEIJIAN_BENCH_SKIP_POSTGRES=1)")
        else:
            _print_load(load_postgres(folder), POSTGRES_TARGET_S)
        if not sqlite.ok:
            _say("(b) skipped: the SQLite load failed")
            return
        _say("(b) institution search under load (SQLite, city preset)")
        search_under_load(folder, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-load":
        _child_load(Path(sys.argv[2]))
    else:
        main()
