"""``weijian sweep``: open every page shape as one user of each role and report any server error (5xx)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import setup_test_environment
from django.utils.translation import gettext as _

from weijian.core.models import Profile, Role
from weijian.core.sweep import sweep


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("页面巡检：以每种角色各一个账号打开所有页面形态（机构档案全部，其余抽样），报告 5xx")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sample", type=int, default=200, help=_("每种页面形态最多抽查的记录数（机构档案全部检查）"))
        parser.add_argument("--roles", default="", help=_("只检查这些角色（逗号分隔，如 city_admin,inspector）；默认全部"))

    def handle(self, *args: Any, **options: Any) -> None:
        setup_test_environment()  # the test client's host and response hooks
        wanted = {r.strip() for r in options["roles"].split(",") if r.strip()}
        unknown = wanted - set(Role.values)
        if unknown:
            raise CommandError(_("未知的角色：%(unknown)s；可选：%(roles)s") % {
                "unknown": _("、").join(sorted(unknown)), "roles": _("、").join(Role.values)}, returncode=2)
        users = []
        for role in (r for r in Role if not wanted or r in wanted):
            profile = Profile.objects.filter(role=role, user__is_active=True).select_related("user").order_by("pk").first()
            if profile is not None:
                users.append((str(role), profile.user))
        if not users:
            raise CommandError(_("没有任何带角色的账号（先运行 weijian demo setup 或创建账号）"), returncode=2)
        result = sweep(users, sample=options["sample"],
                       progress=lambda role, n: self.stdout.write(_("  %(role)s：累计 %(n)d 个请求") % {"role": role, "n": n}))  # fmt: skip
        for failure in result.failures[:50]:
            self.stderr.write(f"  {failure.status} {failure.role} {failure.url} {failure.error}")
        for name in result.uncovered:
            self.stderr.write(_("  未覆盖的页面形态：%(name)s（在 weijian/core/sweep.py 的 SHAPES 中登记）") % {"name": name})
        summary = _("%(requests)d 个请求，%(failures)d 个 5xx，用时 %(seconds).0fs") % {
            "requests": result.requests, "failures": len(result.failures), "seconds": result.seconds}
        if not result.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
