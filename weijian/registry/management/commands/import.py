"""``weijian import KIND FILE``: import a spreadsheet (streamed from the path, within the import limits);
list every rejected row; exit 1 if any, 2 if the file as a whole is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.core.scope import Scope
from weijian.registry.imports.readers import ImportFileError
from weijian.registry.imports.service import import_path
from weijian.registry.imports.specs import SPECS

SYSTEM_SCOPE = Scope(role="city_admin", region_prefix=None, department_code=None, institution_id=None)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("导入主体库表格（.xlsx/.csv/.parquet）：KIND 为 %(kinds)s") % {"kinds": ", ".join(SPECS)}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(SPECS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-user", help=_("以该用户的身份和数据权限导入（默认：系统，全市范围）"))

    def handle(self, *args: Any, **options: Any) -> None:
        from weijian.core.scope import scope_of

        actor: Any = "cli"
        scope = SYSTEM_SCOPE
        if options["as_user"]:
            actor = get_user_model().objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(_("没有用户 %(user)s") % {"user": options["as_user"]})
            scope = scope_of(actor)
        path: Path = options["file"]
        try:
            result = import_path(kind=options["kind"], path=path, actor=actor, scope=scope)
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for column in result.ignored_columns:
            self.stderr.write(_("忽略未知列：%(column)s") % {"column": column})
        for reject in result.rejects:
            self.stderr.write(_("第%(row)s行 列 %(column)s 值“%(value)s”：%(reason)s") % {
                "row": reject.row, "column": reject.column, "value": reject.value, "reason": reject.reason})
        summary = _("%(kind)s：%(rows)d 行，新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d，未导入 %(rejected)d"
                    "（批次 #%(batch)s）") % {
            "kind": SPECS[options["kind"]].title, "rows": result.rows, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected,
            "batch": result.batch_id,
        }  # fmt: skip
        if result.rejects:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
