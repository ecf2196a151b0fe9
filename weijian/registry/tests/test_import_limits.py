"""Imported files are bounded before they are parsed: zip bombs, oversized Parquet, too many rows or columns.

The bombs are built here, streamed into the zip in 1 MB chunks, so that building them costs no memory;
what the import costs is measured with tracemalloc (a safety bound, not a timing).
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Role
from weijian.core.scope import Scope
from weijian.core.uploads import CappedTemporaryFileUploadHandler
from weijian.core.xlsx import workbook_bytes
from weijian.registry.imports import service
from weijian.registry.imports.readers import ImportFileError
from weijian.registry.imports.service import import_bytes, import_path
from weijian.registry.models import ImportBatch, ImportReject, Institution

pytestmark = pytest.mark.django_db
SYSTEM = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
MiB = 1024 * 1024
HEADER = ["institution_id", "name", "kind", "district_code", "licence_valid_from", "licence_valid_to"]
MEMORY_BOUND = 200 * MiB


def limits(**changes: Any) -> Any:
    return override_settings(WEIJIAN_IMPORT_LIMITS={**settings.WEIJIAN_IMPORT_LIMITS, **changes})


def good(n: int) -> list[str]:
    return [make_uscc(DISTRICT_A, f"MA{n:07d}"), f"测试诊所{n}", "clinic", DISTRICT_A, "2024-01-01", "2028-12-31"]


def csv_text(rows: Iterable[list[str]], header: list[str] = HEADER) -> str:
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


def chunks(head: bytes, body: bytes, times: int, tail: bytes) -> Iterator[bytes]:
    yield head
    for _ in range(times):
        yield body
    yield tail


def rebuild(path: Path, replace: dict[str, Callable[[], Iterable[bytes]]]) -> Path:
    """A real workbook (openpyxl) with some parts replaced by streamed content."""
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(good(1))
    source = io.BytesIO()
    book.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            if info.filename in replace:
                continue
            bomb.writestr(info.filename, original.read(info.filename))
        for name, parts in replace.items():
            with bomb.open(name, "w") as out:
                for part in parts():
                    out.write(part)
    return path


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.fixture
def shared_string_bomb(tmp_path: Path) -> Path:
    """100 MB of one shared string, packed into a file of about 100 kB."""
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    return rebuild(tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": lambda: chunks(sst, b"A" * MiB, 100, b"</t></si></sst>")})


def refused_within_bound(run: Callable[[], Any], match: str) -> str:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        with pytest.raises(ImportFileError, match=match) as info:
            run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / MiB:.0f} MB while refusing"
    assert Institution.objects.count() == 0 and ImportBatch.objects.count() == 0
    return str(info.value)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({}, "压缩比为 [\\d,]+:1，超过上限 100:1"),
        ({"max_zip_ratio": 1e9}, "共享字符串部分（xl/sharedStrings.xml）解压后 100.0 MB，超过上限 64.0 MB"),
        ({"max_zip_ratio": 1e9, "max_unzipped_bytes": 50 * MiB}, "解压后共 100.0 MB，超过上限 50.0 MB"),
    ],
)
def test_a_zip_bomb_is_refused_before_parsing_in_bounded_memory(
    shared_string_bomb: Path, changes: dict[str, Any], match: str
) -> None:
    assert shared_string_bomb.stat().st_size < MiB
    with limits(**changes):
        refused_within_bound(lambda: import_path(kind="institutions", path=shared_string_bomb, actor="t", scope=SYSTEM), match)


def test_a_sheet_declaring_millions_of_rows_is_refused(tmp_path: Path) -> None:
    sheet = SHEET_HEAD + b'<dimension ref="A1:F3000000"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'  # fmt: skip
    path = rebuild(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": lambda: [sheet]})
    message = refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "声明有 3,000,000 行")
    assert "200,000" in message


def test_a_sheet_without_dimension_has_its_rows_counted_before_openpyxl_reads_it(tmp_path: Path) -> None:
    def rows() -> Iterator[bytes]:
        yield SHEET_HEAD + b"<sheetData>"
        for start in range(1, 300_001, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(start, start + 10_000))
        yield b"</sheetData></worksheet>"

    path = rebuild(tmp_path / "many.xlsx", {"xl/worksheets/sheet1.xml": rows})
    refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "超过上限 200,000 行")


def test_an_xlsx_without_dimension_within_the_limits_imports() -> None:
    """Our own write-only workbooks declare no dimension; counting their rows must not get in the way."""
    result = import_bytes(
        kind="institutions", data=workbook_bytes("t", HEADER, [good(1), good(2)]), filename="t.xlsx", actor="t", scope=SYSTEM
    )
    assert result.created == 2


def test_rows_past_a_wrong_dimension_are_read_and_the_row_limit_stops_the_stream(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(HEADER)
    for n in range(1, 8):
        book.active.append(good(n))
    source = io.BytesIO()
    book.save(source)
    with zipfile.ZipFile(source) as original:
        sheet = original.read("xl/worksheets/sheet1.xml").replace(b'ref="A1:F8"', b'ref="A1:F2"')
    path = rebuild(tmp_path / "lying.xlsx", {"xl/worksheets/sheet1.xml": lambda: [sheet]})
    with limits(max_rows=5):
        message = refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "超过上限 5 行")
    assert "第 7 行" in message
    assert import_path(kind="institutions", path=path, actor="t", scope=SYSTEM).created == 7  # nothing silently cut


def test_a_sheet_damaged_halfway_is_a_file_error_not_a_crash(tmp_path: Path) -> None:
    book = Workbook()
    for row in [HEADER, good(1), good(2), good(3)]:
        book.active.append(row)
    source = io.BytesIO()
    book.save(source)
    with zipfile.ZipFile(source) as original:
        sheet = original.read("xl/worksheets/sheet1.xml")
    broken = sheet[: sheet.index(b'<row r="4"')] + b'<row r="4"><c r="A4" t="inlineStr"><is><t>x</t></c>'
    path = rebuild(tmp_path / "broken.xlsx", {"xl/worksheets/sheet1.xml": lambda: [broken]})
    with pytest.raises(ImportFileError, match="损坏"):
        import_path(kind="institutions", path=path, actor="t", scope=SYSTEM)
    assert Institution.objects.count() == 0


def test_an_oversized_or_too_long_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "institutions.parquet"
    table = pa.table({name: [good(n)[i] for n in range(1, 2001)] for i, name in enumerate(HEADER)})
    pq.write_table(table, path, compression="none")
    size = path.stat().st_size
    with limits(max_bytes=size - 1):
        refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "超过上限")
    with limits(max_rows=1999):
        refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "2,000 行，超过上限 1,999 行")
    with limits(max_unzipped_bytes=1000):
        refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "解压后约")
    assert import_path(kind="institutions", path=path, actor="t", scope=SYSTEM).created == 2000


def test_a_csv_over_the_row_or_column_limit_is_refused_and_nothing_applied(tmp_path: Path) -> None:
    path = tmp_path / "inst.csv"
    path.write_text(csv_text(good(n) for n in range(1, 5)))
    with limits(max_rows=3):
        refused_within_bound(lambda: import_path(kind="institutions", path=path, actor="t", scope=SYSTEM), "超过上限 3 行")
        with pytest.raises(CommandError, match="超过上限 3 行") as cli:
            call_command("import", "institutions", str(path))
        assert cli.value.returncode == 2
    with limits(max_rows=4):
        assert import_path(kind="institutions", path=path, actor="t", scope=SYSTEM).created == 4
    wide = tmp_path / "wide.csv"
    wide.write_text(csv_text([good(9)], header=HEADER) + ",".join(["x"] * 9) + "\n")
    with limits(max_columns=8), pytest.raises(ImportFileError, match="第3行有 9 列，超过上限 8 列"):
        import_path(kind="institutions", path=wide, actor="t", scope=SYSTEM)
    book = Workbook()
    book.active.append(HEADER)
    book.active.append([*good(9), "", "", "备注"])
    workbook = tmp_path / "wide.xlsx"
    book.save(workbook)
    with limits(max_columns=8), pytest.raises(ImportFileError, match="声明有 9 列，超过上限 8 列"):
        import_path(kind="institutions", path=workbook, actor="t", scope=SYSTEM)
    with limits(max_columns=8), pytest.raises(ImportFileError, match="第2行的数据超过上限 8 列"):
        dimensionless = workbook_bytes("t", HEADER, [[*good(9), "", "", "备注"]])
        import_bytes(kind="institutions", data=dimensionless, filename="wide.xlsx", actor="t", scope=SYSTEM)


def test_uploads_are_imported_from_a_private_temporary_file(make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Path, int]] = []
    real = service.read_path

    def spy(path: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append((path, path.stat().st_mode & 0o777))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(service, "read_path", spy)
    client = Client()
    client.force_login(make_user("mgr", role=Role.DISTRICT_MANAGER))
    upload = SimpleUploadedFile("inst.csv", csv_text([good(1)]).encode())
    assert client.post("/registry/import/", {"kind": "institutions", "file": upload}).status_code == 302
    (path, mode), = seen
    assert path.parent == Path(settings.FILE_UPLOAD_TEMP_DIR) and mode == 0o600
    assert not path.exists()  # deleted with the request
    assert Institution.objects.count() == 1

    with override_settings(WEIJIAN_MAX_UPLOAD_BYTES=100), limits(max_bytes=100):
        big = SimpleUploadedFile("big.csv", csv_text(good(n) for n in range(2, 40)).encode())
        page = client.post("/registry/import/", {"kind": "institutions", "file": big}).content.decode()
    assert "超过上限" in page and Institution.objects.count() == 1


def test_an_upload_stops_being_written_past_the_limit() -> None:
    with override_settings(WEIJIAN_MAX_UPLOAD_BYTES=1000):
        handler = CappedTemporaryFileUploadHandler()
        handler.new_file("file", "big.csv", "text/csv", 0)
        for start in range(0, 10 * 600, 600):
            handler.receive_data_chunk(b"x" * 600, start)
        upload = handler.file_complete(10 * 600)
    assert upload.size == 6000  # the real size, so the import can say how large it was
    assert Path(upload.temporary_file_path()).stat().st_size == 1001
    upload.close()


def test_rejects_are_rows_of_their_own_paginated_and_downloadable(make_user: Any) -> None:
    from openpyxl import load_workbook

    rows = [[*good(n)[:3], "999999", *good(n)[4:]] for n in range(1, 151)]
    client = Client()
    client.force_login(make_user("mgr", role=Role.CITY_ADMIN, region=None, department=None))
    upload = SimpleUploadedFile("bad.csv", csv_text(rows).encode())
    client.post("/registry/import/", {"kind": "institutions", "file": upload})
    batch = ImportBatch.objects.get()
    assert batch.rejected == 150 and ImportReject.objects.filter(batch=batch).count() == 150

    first = client.get(f"/registry/import/{batch.pk}/").content.decode()
    second = client.get(f"/registry/import/{batch.pk}/", {"page": 2}).content.decode()
    assert first.count("<td>999999</td>") == 100 and second.count("<td>999999</td>") == 50
    assert "page=2" in first

    book = load_workbook(io.BytesIO(client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content))
    assert [r[0] for r in book.active.iter_rows(min_row=3, values_only=True)] == list(range(2, 152))

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/registry/import/").status_code == 200
    assert not [q for q in queries.captured_queries if "registry_importreject" in q["sql"]]
