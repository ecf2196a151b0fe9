"""``weijian demo build``: the whole demo city in the data folder; ``weijian demo setup``: the demo accounts;
``weijian demo totp USERNAME``: the current second-factor code of a demo account (fixed, known secrets).

``build`` runs the steps of ``make demo`` (each skipped when its output is already there, except the
loads, which are idempotent): a synthetic small city, loaded; a year of its activity; the analytics
run over it, loaded; one account per role. The page-sweep test builds the same city the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from weijian.cli import main as cli_main
from weijian.core import dbstats
from weijian.core.demo import DEMO_PASSWORD, demo_accounts_setup, demo_second_factors_setup, demo_totp

DEMO_SEED = 20261123
DEMO_YEAR = 2025


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("演示：build 生成并导入演示城市、一年的业务数据和风险分析结果；setup 创建每种角色的演示账号并打印；"
                 "totp 用户名 打印演示账号当前的双因素验证码")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build", "setup", "totp"])
        parser.add_argument("username", nargs="?", default="", help=_("totp：演示账号的用户名"))
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help=_("演示数据的随机种子"))
        parser.add_argument("--months", type=int, default=12, help=_("业务数据的月数（自 2025 年 1 月起）"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "totp":
            code = demo_totp(options["username"])
            if code is None:
                raise CommandError(_("用户名：%(name)s 不是已绑定双因素认证的账号") % {"name": options["username"]})
            self.stdout.write(code)
            return
        if options["action"] == "build":
            self._build(options["seed"], options["months"])
        accounts = demo_accounts_setup()
        self.stdout.write("\n" + _("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        for account in accounts:
            self.stdout.write(f"  {account.username:<18} {account.role:<12} {account.description}")
        from weijian.inspections.demo import demo_inspections_setup

        for line in demo_inspections_setup(DEMO_PASSWORD):
            self.stdout.write(line)
        from weijian.portal.demo import demo_disclosures_setup

        for line in demo_disclosures_setup():
            self.stdout.write(line)
        from weijian.complaints.demo import demo_complaints_setup

        for line in demo_complaints_setup():
            self.stdout.write(line)
        from weijian.cases.demo import demo_cases_setup

        for line in demo_cases_setup():
            self.stdout.write(line)
        from weijian.credit.demo import demo_credit_setup

        for line in demo_credit_setup():
            self.stdout.write(line)
        from weijian.inspections.demo import SECOND

        enrolled = demo_second_factors_setup([*(a.username for a in accounts), SECOND])
        self.stdout.write("\n" + _("双因素认证：%(n)d 个演示账号已绑定固定密钥，登录时输入 `weijian demo totp 用户名` 打印的验证码"
                                   "（每个验证码只能用一次，30 秒换一个）。") % {"n": len(enrolled)})
        dbstats.refresh(connection)  # the demo's rows are all in: plan the lists with their real sizes
        self.stdout.write("\n" + _("打开 http://127.0.0.1:8000 登录。") + "\n")

    def _build(self, seed: int, months: int) -> None:
        data = Path(settings.DATA_DIR)
        city = data / "sim" / f"small-{seed}"
        activity = data / "sim" / f"activity-{seed}-{months}"
        out = data / "analytics" / f"demo-{seed}-{months}"
        steps: list[tuple[Path | None, list[str]]] = [
            (city / "institutions.parquet", ["sim", "city", "--preset", "small", "--seed", str(seed), "--out", str(city)]),
            (None, ["sim", "load", str(city)]),
            (activity / "truth.parquet", ["sim", "activity", "--registry", str(city), "--months", str(months),
                                          "--preset", "small", "--violations", "0.002", "--seed", str(seed),
                                          "--out", str(activity)]),
            (out / "alerts.parquet", ["analytics", "run", str(activity), "--start", f"{DEMO_YEAR}-01-01",
                                      "--end", _period_end(months).isoformat(), "--out", str(out)]),
            (None, ["analytics", "load", str(out)]),
            (activity / "inspection_truth.parquet", ["sim", "truth", str(activity)]),
        ]  # fmt: skip
        for done, argv in steps:
            if done is not None and done.exists():
                continue
            self.stdout.write(f"weijian {' '.join(argv[:2])} …")
            if argv[0] in ("sim", "analytics") and argv[1] in ("city", "activity", "run", "truth"):
                if cli_main(argv) != 0:
                    raise CommandError(_("weijian %(command)s 失败") % {"command": " ".join(argv[:2])}, returncode=1)
            else:
                call_command(*argv)
        from weijian.inspections.planning.demo import demo_plan_ready

        demo_plan_ready(self.stdout.write, seed=seed)
        dbstats.refresh(connection)



def _period_end(months: int) -> dt.date:
    """The last day of the demo's ``months``-th month (from January of the demo year)."""
    year, month = DEMO_YEAR + (months - 1) // 12, (months - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])
