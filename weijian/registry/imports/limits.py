"""Resource limits on an imported file, checked before it is parsed (or, for rows, while it streams).

A spreadsheet is small on disk and may be huge once read: an .xlsx is a zip of XML parts, and a
1.5 MB file can unpack to 1.5 GB. :func:`check_xlsx` looks at the zip's directory and at the first
bytes of each part before openpyxl opens the file:

- the number of parts, their total unpacked size and each large part's compression ratio;
- every XML part that openpyxl reads whole (the shared strings above all, also styles, workbook,
  relationships) against a size limit;
- every worksheet's declared dimension (rows and columns); a worksheet that declares none is read
  whole by openpyxl to find its size, so its ``<row>`` elements are counted first (streaming, stopping
  as soon as the limit is passed).

The figures come from the ``WEIJIAN_IMPORT_LIMITS`` setting (each overridable from the environment).
Every refusal is an :class:`ImportFileError` whose Chinese message names the limit.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

from weijian.registry.imports.errors import ImportFileError

MiB = 1024 * 1024
_HEAD = 64 * 1024  # how much of a part is read to find its root element and dimension
_WORKSHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet[\s>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s>/]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class Limits:
    """What one imported file may hold; see ``WEIJIAN_IMPORT_LIMITS`` in the settings."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_unzipped_bytes: int
    max_part_bytes: int
    max_zip_ratio: float
    zip_ratio_from_bytes: int
    max_zip_members: int

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(**settings.WEIJIAN_IMPORT_LIMITS)


def megabytes(size: float) -> str:
    return f"{size / MiB:.1f} MB"


def check_size(size: int, filename: str, limits: Limits | None) -> None:
    if limits is not None and size > limits.max_bytes:
        raise ImportFileError(_("%(file)s 大小为 %(size)s，超过上限 %(max)s；请拆分后分批导入") % {
            "file": filename, "size": megabytes(size), "max": megabytes(limits.max_bytes),
        })  # fmt: skip


def check_rows(number: int, filename: str, limits: Limits | None) -> None:
    """Called with each row number while streaming (row 1 is the header of a spreadsheet)."""
    if limits is not None and number > limits.max_rows + 1:
        raise ImportFileError(
            _("%(file)s 的数据超过上限 %(max)s 行（读到第 %(row)s 行时停止，未导入任何数据）；请拆分后分批导入")
            % {"file": filename, "max": f"{limits.max_rows:,}", "row": f"{number:,}"}
        )


def check_columns(count: int, filename: str, where: str, limits: Limits | None) -> None:
    """``where`` says where the columns were counted, e.g. "第3行"."""
    if limits is not None and count > limits.max_columns:
        raise ImportFileError(_("%(file)s %(where)s有 %(count)s 列，超过上限 %(max)s 列") % {
            "file": filename, "where": where, "count": f"{count:,}", "max": f"{limits.max_columns:,}",
        })  # fmt: skip


def _too_many_members(filename: str, members: int, limits: Limits) -> ImportFileError:
    return ImportFileError(_("%(file)s 含有 %(count)s 个压缩部件，超过上限 %(max)s 个") % {
        "file": filename, "count": f"{members:,}", "max": f"{limits.max_zip_members:,}",
    })  # fmt: skip


def not_xlsx(filename: str, exc: BaseException) -> ImportFileError:
    return ImportFileError(_("%(file)s 不是有效的 .xlsx 文件：%(error)s") % {
        "file": filename, "error": exc.__class__.__name__,
    })  # fmt: skip


def _zip_members(stream: IO[bytes], size: int) -> int | None:
    """The entry count of the zip's end-of-central-directory record, read before the directory itself."""
    tail_size = min(size, 22 + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return entries


def check_xlsx(stream: IO[bytes], size: int, filename: str, limits: Limits) -> None:
    """Refuse an .xlsx whose zip would unpack beyond the limits; ``stream`` is left at the start."""
    members = _zip_members(stream, size)
    if members is not None and (members == 0xFFFF or members > limits.max_zip_members):
        raise _too_many_members(filename, members, limits)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_zip_members:
                raise _too_many_members(filename, len(infos), limits)
            total = sum(info.file_size for info in infos)
            if total > limits.max_unzipped_bytes:
                raise ImportFileError(
                    _("%(file)s 解压后共 %(size)s，超过上限 %(max)s（疑似压缩炸弹）；请拆分后分批导入")
                    % {"file": filename, "size": megabytes(total), "max": megabytes(limits.max_unzipped_bytes)}
                )
            for info in infos:
                _check_part(archive, info, filename, limits)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, RuntimeError) as exc:
        raise not_xlsx(filename, exc) from exc
    finally:
        stream.seek(0)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, limits: Limits) -> None:
    if info.is_dir():
        return
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.zip_ratio_from_bytes and ratio > limits.max_zip_ratio:
        raise ImportFileError(
            _("%(file)s 的部件 %(part)s 压缩比为 %(ratio)s:1，超过上限 %(max)s:1（疑似压缩炸弹）")
            % {"file": filename, "part": info.filename, "ratio": f"{ratio:,.0f}", "max": f"{limits.max_zip_ratio:,.0f}"}
        )
    if not info.filename.lower().endswith((".xml", ".rels")):
        return  # images and other binary parts are not parsed; they count toward the total only
    with archive.open(info) as part:
        head = part.read(_HEAD)
        if not _WORKSHEET.search(head[:4096]):
            if info.file_size > limits.max_part_bytes:
                shared = info.filename.lower().endswith("sharedstrings.xml")
                label = _("共享字符串部分") if shared else _("部件")
                raise ImportFileError(_("%(file)s 的%(label)s（%(part)s）解压后 %(size)s，超过上限 %(max)s") % {
                    "file": filename, "label": label, "part": info.filename, "size": megabytes(info.file_size),
                    "max": megabytes(limits.max_part_bytes),
                })  # fmt: skip
            return
        _check_worksheet(part, head, info.filename, filename, limits)


def _check_worksheet(part: Any, head: bytes, name: str, filename: str, limits: Limits) -> None:
    data_at = _SHEET_DATA.search(head)
    found = _DIMENSION.search(head[: data_at.start()] if data_at else head)
    bounds = _bounds(found.group(1).decode("ascii", "replace")) if found else None
    if bounds is not None:
        _min_col, _min_row, max_col, max_row = bounds
        if max_row > limits.max_rows + 1:
            raise ImportFileError(
                _("%(file)s 的工作表（%(sheet)s）声明有 %(rows)s 行，超过上限 %(max)s 行；请拆分后分批导入")
                % {"file": filename, "sheet": name, "rows": f"{max_row:,}", "max": f"{limits.max_rows:,}"}
            )
        if max_col > limits.max_columns:
            raise ImportFileError(
                _("%(file)s 的工作表（%(sheet)s）声明有 %(columns)s 列，超过上限 %(max)s 列")
                % {"file": filename, "sheet": name, "columns": f"{max_col:,}", "max": f"{limits.max_columns:,}"}
            )
        return
    # No dimension: openpyxl would read the whole sheet to size it. Count its rows first, streaming.
    rows, tail, chunk = 0, b"", head
    while chunk:
        window = tail + chunk
        rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
        if rows > limits.max_rows + 1:
            raise ImportFileError(_("%(file)s 的工作表（%(sheet)s）超过上限 %(max)s 行；请拆分后分批导入") % {
                "file": filename, "sheet": name, "max": f"{limits.max_rows:,}",
            })  # fmt: skip
        tail = window[-64:]
        chunk = part.read(MiB)


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if max_col is None or max_row is None:
        return None
    return min_col or 1, min_row or 1, max_col, max_row
