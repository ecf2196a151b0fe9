"""Complaint intake benchmark: the Open311 POST (``/open311/v2/requests.json``) on PostgreSQL under gunicorn.

A throw-away PostgreSQL (``scripts/with-postgres``; the benchmark re-runs itself under it when DATABASE_URL is
not PostgreSQL), migrated; one partner key whose own limit allows the load (``weijian apikey create``); gunicorn
with 2 workers on a free loopback port; locust headless from a second process. Two runs:

- *paced*: users at a constant throughput adding up to ``WEIJIAN_BENCH_RATE`` (default 100) requests/s for
  ``WEIJIAN_BENCH_SECONDS`` (30) s — the latency figures (target: sustained, p99 < 300 ms);
- *saturated*: users without think time for half as long — the maximum sustained rate.

Every accepted complaint writes its audit event (``weijian.core.audit.audit_record``) in its own transaction
without a lock; each gunicorn worker seals the chain in its background thread (``weijian.core.audit_sealer``),
batching the commits of 50 ms; ``WEIJIAN_AUDIT_SEAL=commit`` measures sealing in each request instead.
Run with ``python -m benchmarks complaints`` (or ``make bench``). Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIJIAN = [sys.executable, "-m", "weijian.cli"]
NAME = "POST /open311/v2/requests.json"
P99_TARGET_MS = 300

LOCUSTFILE = '''
import itertools, os
from locust import HttpUser, constant_throughput, task

KEY = os.environ["BENCH_KEY"]
PER_USER = float(os.environ["BENCH_PER_USER"])
COUNTER = itertools.count()
CODES = ["illegal_practice", "medical_aesthetics", "public_place", "medical_waste", "price", "other"]
DISTRICTS = os.environ["BENCH_DISTRICTS"].split(",")


class Partner(HttpUser):
    if PER_USER > 0:
        wait_time = constant_throughput(PER_USER)

    @task
    def post(self):
        n = next(COUNTER)
        data = {"api_key": KEY, "service_code": CODES[n % len(CODES)],
                "description": "12345热线转来：市民反映该处有人无证行医，给老人输液，要求查处。编号%d" % n,
                "address_string": "某路%d号" % n, "attribute[district]": DISTRICTS[n % len(DISTRICTS)],
                "attribute[subject]": "某无证诊所%d" % (n % 500), "first_name": "明", "last_name": "王",
                "phone": "138%08d" % (n % 100000000)}
        with self.client.post("/open311/v2/requests.json", data=data, name=NAME, catch_response=True) as r:
            if r.status_code != 201:
                r.failure("status %s: %s" % (r.status_code, r.text[:200]))
'''


def _say(text: str) -> None:
    print(text, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return proc


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def _locust(host: str, work: Path, env: dict[str, str], *, label: str, users: int, per_user: float,
            seconds: int) -> dict[str, float]:  # fmt: skip
    locustfile = work / "locustfile.py"
    locustfile.write_text(f"NAME = {NAME!r}\n" + LOCUSTFILE, encoding="utf-8")
    prefix = work / label
    cmd = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", str(users), "-r", str(users),
           "-t", f"{seconds}s", "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]  # fmt: skip
    proc = subprocess.run(cmd, env={**env, "BENCH_PER_USER": str(per_user)}, cwd=work, capture_output=True,
                          text=True, timeout=seconds + 120)  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] == NAME:
                return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                        "rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p95": float(row["95%"]),
                        "p99": float(row["99%"])}  # fmt: skip
    raise RuntimeError(f"locust produced no figures:\n{(proc.stdout + proc.stderr)[-3000:]}")


def _bench() -> None:
    rate = int(os.environ.get("WEIJIAN_BENCH_RATE", "100"))
    seconds = int(os.environ.get("WEIJIAN_BENCH_SECONDS", "30"))
    data = Path(tempfile.mkdtemp(prefix="weijian-bench-complaints-"))
    env = {**os.environ, "WEIJIAN_DATA": str(data), "DJANGO_SETTINGS_MODULE": "weijian.project.settings"}
    try:
        _run([*WEIJIAN, "migrate", "--no-input", "-v", "0"], env)
        out = _run([*WEIJIAN, "apikey", "create", "--department", "health", "--name", "bench",
                    "--per-minute", str(rate * 600)], env).stdout  # fmt: skip
        key = re.search(r"^wj_\S+$", out, re.M)
        if key is None:
            raise RuntimeError(f"no key printed:\n{out}")
        districts = _run([sys.executable, "-c", "import django; django.setup(); from weijian.core.selectors import "
                          "city_districts, home_city_code; print(','.join(d.code for d in city_districts(home_city_code())))"],
                         env).stdout.strip()  # fmt: skip
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                   "--access-logfile", "/dev/null", "weijian.project.wsgi"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        work = data / "locust"
        work.mkdir()
        try:
            _wait_until_up(f"{host}/open311/v2/services.json", server)
            load_env = {**env, "BENCH_KEY": key.group(0), "BENCH_DISTRICTS": districts or "310101"}
            users = max(10, rate // 2)
            _say(f"  Open311 POST intake, PostgreSQL, gunicorn 2 workers; locust {users} users at {rate} req/s, {seconds} s")
            paced = _locust(host, work, load_env, label="paced", users=users, per_user=rate / users, seconds=seconds)
            saturated = _locust(host, work, load_env, label="saturated", users=32, per_user=0, seconds=max(10, seconds // 2))
        finally:
            server.terminate()
            server.wait(timeout=30)
        ok = paced["failures"] == 0 and paced["rps"] >= rate * 0.95 and paced["p99"] < P99_TARGET_MS
        _say(f"    {'run':<10} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
        for label, f in (("paced", paced), ("saturated", saturated)):
            _say(f"    {label:<10} {f['requests']:>8} {f['failures']:>5} {f['rps']:>7.1f} {f['p50']:>6.0f} "
                 f"{f['p95']:>6.0f} {f['p99']:>6.0f}")  # fmt: skip
        _say(f"  at {rate} req/s: {'ok' if ok else 'MISSED'} (target: sustained, no failures, p99 < {P99_TARGET_MS} ms);"
             f" maximum sustained rate ≈ {saturated['rps']:.0f} req/s")  # fmt: skip
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run([str(ROOT / "scripts" / "with-postgres"), sys.executable, "-m", "benchmarks.complaints_bench"],
                       cwd=ROOT, check=True)  # fmt: skip
        return
    _bench()


if __name__ == "__main__":
    main()
