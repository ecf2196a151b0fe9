"""``weijian sim load DIR``: the raw 身份证 numbers are used once and are gone from DIR afterwards."""

import csv
import io
import stat
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from weijian.registry.models import Practitioner
from weijian.sim import city

pytestmark = pytest.mark.django_db
TINY = city.Preset(districts=("310101", "310115"), institutions=12, practitioners=40, inspectors=3,
                   streets_per_district=(2, 2))  # fmt: skip


def _stored() -> dict[str, tuple[str, str]]:
    return {p.cert_no: (p.id_masked, p.id_digest) for p in Practitioner.objects.all()}


def _values(folder: Path) -> set[str]:
    """Every cell of every table in the folder, as text."""
    found: set[str] = set()
    for path in folder.iterdir():
        if path.suffix == ".parquet":
            for column in pq.read_table(path).columns:
                found.update(str(v) for v in column.to_pylist() if v is not None)
        elif path.suffix == ".csv":
            found.update(cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) for cell in row)
    return found


def test_sim_load_removes_raw_id_numbers_and_can_run_again(tmp_path: Path) -> None:
    tables = city.generate(TINY, seed=5)
    raw = set(tables["practitioners"].column("id_number").to_pylist())
    city.write_tables(tables, tmp_path)
    assert raw <= _values(tmp_path)
    call_command("sim", "load", str(tmp_path), stdout=io.StringIO())
    assert not raw & _values(tmp_path)
    people = pq.read_table(tmp_path / "practitioners.parquet")
    assert people.column("id_number").null_count == people.num_rows == 40
    assert stat.S_IMODE((tmp_path / "practitioners.parquet").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.parquet" for t in tables)  # no drafts
    stored = _stored()
    assert len(stored) == 40 and all(masked.count("*") == 8 and len(digest) == 64 for masked, digest in stored.values())
    out = io.StringIO()
    call_command("sim", "load", str(tmp_path), stdout=out)  # again, on the scrubbed folder
    assert "practitioners: 40 行，新增 0，更新 0，未变 40，未导入 0" in out.getvalue()
    assert _stored() == stored


def test_csv_folders_are_scrubbed_too(tmp_path: Path) -> None:
    tables = city.generate(TINY, seed=6)
    for name, table in tables.items():
        pacsv.write_csv(table, tmp_path / f"{name}.csv")
    call_command("sim", "load", str(tmp_path), stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "practitioners.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 40 and all(r["id_number"] == "" for r in rows) and rows[0]["name"]
    assert stat.S_IMODE((tmp_path / "practitioners.csv").stat().st_mode) == 0o600
    assert all(p.id_masked for p in Practitioner.objects.all())


def test_an_xlsx_file_is_scrubbed_by_its_chinese_header(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    from weijian.registry.imports.specs import SPECS
    from weijian.registry.loading import scrub_identifiers

    workbook = Workbook()
    workbook.active.append(["执业证书编码", "姓名", "身份证号码"])
    workbook.active.append(["110310101000001", "张伟", "11010519491231002X"])
    path = tmp_path / "practitioners.xlsx"
    workbook.save(path)
    assert scrub_identifiers(path, SPECS["practitioners"]) == 1
    assert list(load_workbook(path).active.iter_rows(values_only=True)) == [
        ("执业证书编码", "姓名", "身份证号码"), ("110310101000001", "张伟", None),
    ]  # fmt: skip
    assert scrub_identifiers(path, SPECS["practitioners"]) == 0 and scrub_identifiers(path, SPECS["inspectors"]) == 0
