"""Bad input: each kind of defect is rejected with a record, or stops the run when it must."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from weijian.analytics.io import InputError
from weijian.analytics.runner import RunOptions, run
from weijian.analytics.tests.builder import DOC, H1, Dataset

D = dt.date


VISIT_HEAD = "visit_id,institution_id,dept_code,practitioner_id,patient_id,kind,start_date,end_date,diagnosis,insured\n"


def test_bad_rows_rejected_with_line_numbers(ds: Dataset, tmp_path: Path) -> None:
    rows = [
        f"V1,{H1},03,{DOC},P1,outpatient,2025-03-02,2025-03-02,J18.9,true",  # line 2: good
        f"V2,{H1},03,{DOC},P1,walkin,2025-03-02,2025-03-02,J18.9,true",  # unknown enum
        f"V3,{H1},03,12345,P1,outpatient,2025-03-02,2025-03-02,J18.9,true",  # bad practitioner id
        f"V4,{H1},03,{DOC},P1,outpatient,2025-02-30,2025-03-02,J18.9,true",  # impossible date
        f"V5,{H1},03,{DOC},,outpatient,2025-03-02,2025-03-02,J18.9,true",  # null patient
        f"V6,{H1},03,{DOC},P1,outpatient,2025-03-02,2025-03-02,J18.9,yes",  # bad bool
        f"V7,{H1},3,{DOC},P1,outpatient,2025-03-02,2025-03-02,J18.9,1",  # bad dept code
        f"V8,{H1},03,,P1,outpatient,2025-03-02,2025-03-02,J18.9,0",  # null practitioner allowed
    ]
    folder = ds.write(tmp_path / "ds")
    (folder / "visits.parquet").unlink()
    (folder / "visits.csv").write_text(VISIT_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out", rules=["institution_licence"]))
    t = res.report["tables"]["visits"]
    assert (t["rows_read"], t["rows_rejected"]) == (8, 6)
    ex = {e["line"]: (e["column"], e["reason"]) for e in res.report["rejected"]["examples"]}
    assert ex[3] == ("kind", "unknown enumeration value")
    assert ex[4][0] == "practitioner_id" and "15 digits" in ex[4][1]
    assert ex[5][0] == "start_date"
    assert ex[6] == ("patient_id", "null in non-nullable column")
    assert ex[7][0] == "insured" and ex[8][0] == "dept_code"
    rej = pq.read_table(tmp_path / "out" / "rejected.parquet").to_pylist()
    assert len(rej) == 6 and {r["table"] for r in rej} == {"visits"}
    assert json.loads((tmp_path / "out" / "report.json").read_text())["rejected"]["rows"] == 6


def test_gbk_csv_is_read_and_noted(ds: Dataset, tmp_path: Path) -> None:
    folder = ds.write(tmp_path / "ds")
    (folder / "visits.parquet").unlink()
    text = VISIT_HEAD + f"V1,{H1},03,{DOC},患者甲,outpatient,2025-03-02,2025-03-02,J18.9,true\n"
    (folder / "visits.csv").write_bytes(text.encode("gbk"))
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out", rules=["institution_licence"]))
    t = res.report["tables"]["visits"]
    assert t["encoding"] == "gb18030" and t["rows_used"] == 1
    assert any("GBK" in n for n in t["notes"])


def test_parquet_defects(ds: Dataset, tmp_path: Path) -> None:
    ds.rows["institutions"][0]["institution_id"] = H1[:-1] + "0"  # wrong check character
    v = ds.visit(D(2025, 3, 2))
    ds.charge(v, D(2025, 3, 2), quantity=-1)
    ds.charge("NO_SUCH_VISIT", D(2025, 3, 2))
    ds.add("waste_bags", bag_id="B1", institution_id=H1, category="sharps", weight_kg=-0.5,
           sealed_at="2025-03-01T08:00:00", collected_at=None, manifest_id=None)
    ds.add("waste_bags", bag_id="B2", institution_id=H1, category="sharps", weight_kg=0.5,
           sealed_at="yesterday", collected_at=None, manifest_id=None)
    res = run(RunOptions(ds.write(tmp_path / "ds"), D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))
    rep = res.report
    reasons = {(r["table"], r["column"], r["reason"].split(" (")[0]) for r in rep["rejected"]["examples"]}
    assert ("institutions", "institution_id", "invalid 统一社会信用代码") in reasons
    assert ("charges", "quantity", "negative value") in reasons
    assert ("waste_bags", "weight_kg", "negative value") in reasons
    assert ("waste_bags", "sealed_at", "unparseable ts") in reasons
    assert all("row" in e for e in rep["rejected"]["examples"])
    assert rep["integrity"]["charges.visit_id_unknown_in_visits"]["rows"] == 1
    assert not rep["rules_failed"]


def test_typed_parquet_with_nulls_is_rejected_with_or_without_statistics(ds: Dataset, tmp_path: Path) -> None:
    """A file already of the contract's types skips the null checks its statistics settle, and only those."""
    v = ds.visit(D(2025, 3, 2))
    ds.charge(v, D(2025, 3, 2), line_id="L1")
    ds.charge(v, D(2025, 3, 2), line_id="L2")
    folder = ds.write(tmp_path / "ds")
    t = pq.read_table(folder / "charges.parquet")
    ids = t.column("patient_id").to_pylist()
    t = t.set_column(t.column_names.index("patient_id"), "patient_id", pa.array([None, *ids[1:]], pa.string()))
    (folder / "charges.parquet").unlink()
    (folder / "charges").mkdir()
    pq.write_table(t, folder / "charges" / "with-stats.parquet")
    pq.write_table(t, folder / "charges" / "no-stats.parquet", write_statistics=False)
    rep = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out")).report
    assert rep["tables"]["charges"]["rows_read"] == 4 and rep["tables"]["charges"]["rows_rejected"] == 2
    nulls = [e for e in rep["rejected"]["examples"] if e["table"] == "charges"]
    assert {(e["file"].rsplit("/", 1)[-1], e["row"], e["column"], e["reason"]) for e in nulls} == {
        ("with-stats.parquet", 0, "patient_id", "null in non-nullable column"),
        ("no-stats.parquet", 0, "patient_id", "null in non-nullable column")}


def test_text_value_checks_tried_on_distinct_values_still_reject_each_bad_row(ds: Dataset, tmp_path: Path) -> None:
    """A typed file's pattern and enumeration checks are first tried on the column's distinct values; where a
    value fails, every row holding it is rejected, in its own file, and the clean file's rows are used."""
    for d in (2, 3):
        ds.visit(D(2025, 3, d))
    ds.visit(D(2025, 3, 4), dept="3")  # not NN or NN.NN
    ds.visit(D(2025, 3, 5), dept="3")
    ds.visit(D(2025, 3, 6), kind="day-care")  # not an enumeration value
    folder = ds.write(tmp_path / "ds")
    t = pq.read_table(folder / "visits.parquet")
    (folder / "visits.parquet").unlink()
    (folder / "visits").mkdir()
    pq.write_table(t.slice(0, 2), folder / "visits" / "clean.parquet")
    pq.write_table(t.slice(2), folder / "visits" / "bad.parquet")
    rep = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out")).report
    assert rep["tables"]["visits"]["rows_read"] == 5 and rep["tables"]["visits"]["rows_rejected"] == 3
    bad = sorted((e["file"].rsplit("/", 1)[-1], e["row"], e["column"]) for e in rep["rejected"]["examples"]
                 if e["table"] == "visits")
    assert bad == [("bad.parquet", 0, "dept_code"), ("bad.parquet", 1, "dept_code"), ("bad.parquet", 2, "kind")]
    assert rep["tables"]["visits"]["rows_used"] == 2


def test_unknown_references_are_counted_the_same_in_key_ranges(
        ds: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.analytics import io

    v = ds.visit(D(2025, 3, 2))
    ds.charge(v, D(2025, 3, 2), line_id="C1")
    ds.charge("NO_SUCH_VISIT", D(2025, 3, 2), line_id="C9")
    ds.charge("NO_SUCH_VISIT", D(2025, 3, 3), line_id="C7")
    ds.rx("NOR_THIS_ONE", D(2025, 3, 2))
    ds.visit(D(2025, 3, 4), inst="91310000MA0000000X")  # an institution not in the registry
    folder = ds.write(tmp_path / "ds")
    opts = {"start": D(2025, 3, 1), "end": D(2025, 3, 31), "cache": False}
    in_memory = run(RunOptions(folder, out=tmp_path / "a", **opts)).report["integrity"]
    # a memory limit of three keys' worth: as many partitions as the parent has rows
    monkeypatch.setattr(io.Loader, "_memory_limit_bytes", lambda self: 3 * io.FK_BYTES_PER_KEY)
    ranges: list[int] = []
    key_ranges = io.Loader._key_ranges

    def counted(self: io.Loader, parent: str, pcol: str, parts: int) -> list[tuple[str | None, str | None]]:
        ranges.append(len(got := key_ranges(self, parent, pcol, parts)))
        return got

    monkeypatch.setattr(io.Loader, "_key_ranges", counted)
    partitioned = run(RunOptions(folder, out=tmp_path / "b", **opts)).report["integrity"]
    assert min(ranges) > 1  # the visits' keys (and the institutions') really were cut into ranges
    assert in_memory == partitioned
    assert in_memory["charges.visit_id_unknown_in_visits"] == {"rows": 2, "example": "C7"}
    assert in_memory["prescriptions.visit_id_unknown_in_visits"]["rows"] == 1
    assert in_memory["visits.institution_id_unknown_in_institutions"]["rows"] == 1


def test_missing_required_column_stops(ds: Dataset, tmp_path: Path) -> None:
    folder = ds.write(tmp_path / "ds")
    t = pq.read_table(folder / "visits.parquet").drop_columns(["diagnosis"])
    pq.write_table(t, folder / "visits.parquet")
    with pytest.raises(InputError, match=r"visits .*visits\.parquet.*diagnosis"):
        run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))


def test_missing_required_table_and_unreadable(ds: Dataset, tmp_path: Path) -> None:
    folder = ds.write(tmp_path / "ds")
    (folder / "charges.parquet").unlink()
    with pytest.raises(InputError, match="required table charges"):
        run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))
    (folder / "charges.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match=r"charges.*unreadable"):
        run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))


def test_a_file_not_hashed_ahead_is_hashed_by_its_own_load(ds: Dataset, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.analytics import io

    folder = ds.write(tmp_path / "ds")
    calls: list[Path] = []
    real = io.content_hash

    def flaky(path: Path) -> str:  # the first read of the visits fails, as a file being replaced might
        calls.append(path)
        if path.name == "visits.parquet" and calls.count(path) == 1:
            raise OSError("busy")
        return real(path)

    monkeypatch.setattr(io, "content_hash", flaky)
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))
    visits = folder / "visits.parquet"
    assert calls.count(visits) == 2 and not res.failed  # hashed again where it is loaded, and the run completes
    assert all(calls.count(f) == 1 for f in calls if f != visits)  # every other file hashed once, ahead


def test_empty_table_and_partitioned_folder(ds: Dataset, tmp_path: Path) -> None:
    v = ds.visit(D(2025, 3, 2))
    ds.charge(v, D(2025, 3, 2))
    folder = ds.write(tmp_path / "ds")
    t = pq.read_table(folder / "charges.parquet")
    (folder / "charges.parquet").unlink()
    (folder / "charges").mkdir()
    pq.write_table(t, folder / "charges" / "part-0.parquet")
    pq.write_table(t.slice(0, 0), folder / "charges" / "part-1.parquet")
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out"))
    assert res.report["tables"]["charges"]["rows_read"] == 1
    assert "empty table (no rows)" in res.report["tables"]["prescriptions"]["notes"]


def test_no_django_import(tmp_path: Path, ds: Dataset) -> None:
    folder = ds.write(tmp_path / "ds")
    code = (
        "import sys, datetime as dt, pathlib\n"
        "from weijian.analytics.cli import run_main\n"
        f"rc = run_main([{str(folder)!r}, '--start', '2025-03-01', '--end', '2025-03-31', '--out', "
        f"{str(tmp_path / 'out')!r}])\n"
        "assert rc == 0, rc\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_threads_option(tmp_path: Path, ds: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    from weijian.analytics.cli import run_main, run_parser

    folder = ds.write(tmp_path / "ds")
    args = [str(folder), "--start", "2025-03-01", "--end", "2025-03-31", "--out", str(tmp_path / "out")]
    for bad in ("0", "two"):
        with pytest.raises(SystemExit):
            run_parser().parse_args([*args, "--threads", bad])
        assert "--threads" in capsys.readouterr().err
    assert run_main([*args, "--threads", "1"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["engine"]["duckdb_threads"] == 1
    # written to a file, not a terminal, the run logs each step on a line of its own with the time
    log = capsys.readouterr().err
    assert re.search(r"^\d\d:\d\d:\d\d duplicate_charge: running$", log, re.M)
    assert re.search(r"^\d\d:\d\d:\d\d duplicate_charge: done$", log, re.M)


def test_mixed_offsets_are_converted_to_local_time(ds: Dataset, tmp_path: Path) -> None:
    """A reading at 02:00Z is 10:00 in Shanghai: with the naive 10:00 values it forms one flat run."""
    folder = ds.write(tmp_path / "ds")
    head = "institution_id,sensor_id,ts,residual_chlorine_mg_l,ph\n"
    lines = [f"{H1},S9,2025-03-05T{h:02d}:00:00,7.0,7.0" for h in range(4, 10)]
    lines += [f"{H1},S9,2025-03-05T{h - 8:02d}:00:00Z,7.0,7.0" for h in range(10, 16)]
    lines += [f"{H1},S9,2025-03-05T{h:02d}:00:00+08:00,7.0,7.0" for h in range(16, 18)]
    (folder / "wastewater_readings.csv").write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out", rules=["wastewater_flatline"]))
    table = res.report["tables"]["wastewater_readings"]
    assert table["rows_rejected"] == 0
    assert any("mixed" in note for note in table["notes"])
    evidence = {r["subject_id"]: json.loads(r["evidence"]) for r in res.alerts.to_pylist()}
    run_ = evidence["S9|2025-03-05"]  # 14 equal readings, 04:00–17:00 local once the Z values are converted
    assert (run_["readings"], run_["first"], run_["last"]) == (14, "2025-03-05T04:00:00", "2025-03-05T17:00:00")


def test_key_ranges_hold_every_key_and_null_exactly_once() -> None:
    from types import SimpleNamespace

    import duckdb

    from weijian.analytics import io

    con = duckdb.connect()
    con.execute("CREATE TABLE p AS SELECT 'V' || lpad(CAST(i % 5000 AS VARCHAR), 6, '0') AS k FROM range(20000) t(i) "
                "UNION ALL SELECT NULL")
    ranges = io.Loader._key_ranges(SimpleNamespace(con=con), "p", "k", 4)
    assert len(ranges) == 4 and ranges[0][0] is None and ranges[-1][1] is None
    counts = [con.execute(f"SELECT count(*) FROM p{io._in_range('k', r)}").fetchone()[0] for r in ranges]
    assert sum(counts) == 20001 and min(counts) > 3000  # all rows, the null once, and ranges of like size
    distinct = [con.execute(f"SELECT count(DISTINCT k) FROM p{io._in_range('k', r)}").fetchone()[0] for r in ranges]
    assert sum(distinct) == 5000  # equal keys never split across ranges
