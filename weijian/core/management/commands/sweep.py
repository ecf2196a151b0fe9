"""``weijian sweep``: open every page shape as one user of each role and report any server error (5xx)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import setup_test_environment

from weijian.core.models import Profile, Role
from weijian.core.sweep import sweep


class Command(BaseCommand):
    help = "页面巡检：以每种角色各一个账号打开所有页面形态（机构档案全部，其余抽样），报告 5xx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sample", type=int, default=200, help="每种页面形态最多抽查的记录数（机构档案全部检查）")
        parser.add_argument("--roles", default="", help="只检查这些角色（逗号分隔，如 city_admin,inspector）；默认全部")

    def handle(self, *args: Any, **options: Any) -> None:
        setup_test_environment()  # the test client's host and response hooks
        wanted = {r.strip() for r in options["roles"].split(",") if r.strip()}
        unknown = wanted - set(Role.values)
        if unknown:
            raise CommandError(f"未知的角色：{'、'.join(sorted(unknown))}；可选：{'、'.join(Role.values)}", returncode=2)
        users = []
        for role in (r for r in Role if not wanted or r in wanted):
            profile = Profile.objects.filter(role=role, user__is_active=True).select_related("user").order_by("pk").first()
            if profile is not None:
                users.append((str(role), profile.user))
        if not users:
            raise CommandError("没有任何带角色的账号（先运行 weijian demo setup 或创建账号）", returncode=2)
        result = sweep(users, sample=options["sample"],
                       progress=lambda role, n: self.stdout.write(f"  {role}: 累计 {n} 个请求"))  # fmt: skip
        for failure in result.failures[:50]:
            self.stderr.write(f"  {failure.status} {failure.role} {failure.url} {failure.error}")
        for name in result.uncovered:
            self.stderr.write(f"  未覆盖的页面形态：{name}（在 weijian/core/sweep.py 的 SHAPES 中登记）")
        summary = f"{result.requests} 个请求，{len(result.failures)} 个 5xx，用时 {result.seconds:.0f}s"
        if not result.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
