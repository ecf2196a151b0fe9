"""A real Spark standalone cluster on loopback gives DuckDB's alerts, row for row.

The PySpark wheel ships no start scripts, so the test runs the master and one worker as the scripts
would, with ``bin/spark-class org.apache.spark.deploy.master.Master`` / ``…deploy.worker.Worker`` of the
installed pyspark, then ``weijian analytics run --engine spark --spark-master spark://127.0.0.1:PORT``
in a child process (its driver is a JVM of its own, apart from the tests' local session), and compares
every alert, indicator and grade with the DuckDB run. The cluster is stopped whatever happens.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from weijian.analytics.runner import RunOptions, run
from weijian.analytics.tests.test_engine_parity import D, mixed_dataset


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not seen in {log.name} (exit {proc.poll()}):\n"
                         + (log.read_text(errors="replace")[-3000:] if log.exists() else ""))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def _env() -> dict[str, str]:
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", SPARK_DAEMON_MEMORY="256m",
               PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    if not env.get("JAVA_HOME") and (java := shutil.which("java")):
        env["JAVA_HOME"] = str(Path(java).resolve().parents[1])
    return env


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """A standalone master and one worker (1 core, 1 GB) on 127.0.0.1; yields the master URL."""
    pytest.importorskip("pyspark")
    env = _env()
    spark_class = str(Path(env["SPARK_HOME"]) / "bin" / "spark-class")
    port, ui, wui = _free_port(), _free_port(), _free_port()
    url = f"spark://127.0.0.1:{port}"
    logs = tmp_path / "cluster"
    logs.mkdir()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, args, ready in (
            ("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                        "--webui-port", str(ui)], "I have been elected leader"),
            ("worker", ["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "1g", "--webui-port", str(wui), "--work-dir", str(logs / "work")],
             "Successfully registered with master"),
        ):
            log = logs / f"{name}.log"
            with log.open("wb") as fh:
                procs.append(subprocess.Popen([spark_class, *args], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                              start_new_session=True))
            _wait_for(log, ready, procs[-1], 90)
        yield url
    finally:
        for p in reversed(procs):
            _stop(p)


@pytest.mark.spark
def test_standalone_cluster_gives_duckdbs_alerts(tmp_path: Path, cluster: str) -> None:
    folder = mixed_dataset().write(tmp_path / "ds")
    duck = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "duck"))
    out = tmp_path / "cluster-out"
    env = dict(_env(), PYSPARK_SUBMIT_ARGS="--driver-memory 768m --conf spark.executor.memory=768m "
                                           "--conf spark.driver.host=127.0.0.1 pyspark-shell")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "weijian.cli", "analytics", "run", str(folder), "--start", "2025-03-01",
         "--end", "2025-03-31", "--out", str(out), "--engine", "spark", "--spark-master", cluster,
         "--spark-conf", "spark.sql.shuffle.partitions=2", "--spark-conf", "spark.default.parallelism=2"],
        env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"spark standalone run: {time.monotonic() - started:.1f} s")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["engine"]["name"] == "spark" and not report["rules_failed"]
    assert len({r["rule_id"] for r in duck.alerts.to_pylist()}) >= 10
    for name in ("alerts", "indicators", "risk"):
        got = pq.read_table(out / f"{name}.parquet").to_pylist()
        assert got == pq.read_table(tmp_path / "duck" / f"{name}.parquet").to_pylist(), name
