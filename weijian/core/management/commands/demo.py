"""``weijian demo setup``: create one demo account per role and print them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from weijian.core.demo import DEMO_PASSWORD, demo_accounts_setup


class Command(BaseCommand):
    help = "演示：setup 创建每种角色的演示账号并打印"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["setup"])
        parser.add_argument("--seed", type=int, default=0, help="（保留）演示数据的随机种子")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_accounts_setup()
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            self.stdout.write(f"  {account.username:<18} {account.role:<12} {account.description}")
        self.stdout.write("\n打开 http://127.0.0.1:8000 登录。\n")
