"""``weijian draw commit PLAN_ID`` · ``weijian draw run PLAN_ID --witness VALUE --out RECORD.json`` ·
``weijian draw verify RECORD.json`` · ``weijian draw evaluate --plan PLAN_ID --rounds N``.

``verify`` needs no database: the console script runs it before Django starts (``weijian.cli``); it is also
accepted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.inspections.models import DrawStatus
from weijian.inspections.planning import evaluate, figures, selectors, services, verify
from weijian.inspections.planning.cli import actor_for


class Command(BaseCommand):
    help = gettext_lazy("随机抽取：commit 公布承诺；run 抽取并分派；verify 校验抽取记录；evaluate 模拟评估风险分级的效果")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["commit", "run", "verify", "evaluate"])
        parser.add_argument("target", nargs="?", help=_("计划编号（commit、run）或抽取记录文件（verify）"))
        parser.add_argument("--witness", default="", help=_("公开随机值（见证人给出的数字或已公布的开奖结果）"))
        parser.add_argument("--witnesses", default="", help=_("见证人"))
        parser.add_argument("--out", type=Path, help=_("抽取记录（JSON）写到这里"))
        parser.add_argument("--reason", default="", help=_("重新抽取的理由"))
        parser.add_argument("--plan", type=int, help=_("evaluate：计划编号"))
        parser.add_argument("--rounds", type=int, default=10, help=_("evaluate：模拟的年数"))
        parser.add_argument(
            "--truth",
            type=Path,
            help=_("evaluate：含 sim_injected.parquet 的业务数据目录（默认：最近导入的分析批次的数据目录）"),
        )
        parser.add_argument("--seed", default="weijian-evaluate", help=_("evaluate：模拟的种子"))
        parser.add_argument("--user", default=None, help=_("以该账号的身份和数据权限操作（默认：命令行，全市）"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            code = verify.main([str(options["target"] or "")], out=self.stdout, err=self.stderr)
            if code:
                raise CommandError(_("抽取记录校验未通过"), returncode=code)
            return
        actor = actor_for(options["user"])
        try:
            if action == "commit":
                self._commit(actor, options)
            elif action == "run":
                self._run(actor, options)
            else:
                self._evaluate(actor, options)
        except services.PlanningError as exc:
            raise CommandError(str(exc), returncode=1) from exc

    def _plan_id(self, options: dict[str, Any]) -> int:
        try:
            return int(options["target"])
        except (TypeError, ValueError):
            raise CommandError(_("请给出计划编号，如 weijian draw commit 12"), returncode=2) from None

    def _commit(self, actor: Any, options: dict[str, Any]) -> None:
        made = services.draw_commit(actor=actor, plan_id=self._plan_id(options), repeat_reason=options["reason"])
        self.stdout.write(
            _("第 %(sequence)s 次抽取已公布承诺：%(commitment)s")
            % {"sequence": made.sequence, "commitment": made.commitment}
        )
        self.stdout.write(
            _("对象库摘要 %(population_hash)s，参数摘要 %(parameters_hash)s")
            % {"population_hash": made.population_hash, "parameters_hash": made.record["parameters_hash"]}
        )

    def _run(self, actor: Any, options: dict[str, Any]) -> None:
        plan_id = self._plan_id(options)
        if options["out"] is None:
            raise CommandError(_("--out：请给出抽取记录文件"), returncode=2)
        plan = selectors.plan_get(actor, plan_id)
        if plan is None:
            raise CommandError(_("计划 %(plan_id)s 不存在或不在您的数据权限范围内") % {"plan_id": plan_id}, returncode=1)
        pending = plan.draws.filter(status=DrawStatus.COMMITTED).order_by("-sequence").first()
        if pending is None:
            pending = services.draw_commit(actor=actor, plan_id=plan_id, repeat_reason=options["reason"])
            self.stdout.write(
                _("尚未公布承诺：已先公布第 %(sequence)s 次抽取的承诺 %(commitment)s")
                % {"sequence": pending.sequence, "commitment": pending.commitment}
            )
        made = services.draw_run(actor=actor, draw_id=pending.pk, public_value=options["witness"],
                                 witnesses=options["witnesses"])  # fmt: skip
        options["out"].write_text(json.dumps(made.record, ensure_ascii=False, indent=1), encoding="utf-8")
        record = made.record or {}
        counts = {key: len(record.get(field, [])) for key, field in
                  (("targets", "targets"), ("staffed", "assignment"), ("unstaffed", "unstaffed"))}  # fmt: skip
        self.stdout.write(
            _("抽中 %(targets)s 个对象，已派员 %(staffed)s 个，未能派员 %(unstaffed)s 个；种子 %(seed)s")
            % {**counts, "seed": made.seed}
        )
        for blocked in record.get("unstaffed", [])[:20]:
            self.stdout.write(
                _("  未能派员：对象 %(id)s（%(constraint)s）%(detail)s")
                % {"id": blocked["id"], "constraint": blocked["constraint"], "detail": blocked["detail"]}
            )
        self.stdout.write(_("抽取记录已写入 %(out)s") % {"out": options['out']})

    def _evaluate(self, actor: Any, options: dict[str, Any]) -> None:
        if options["plan"] is None:
            raise CommandError(_("--plan：请给出计划编号"), returncode=2)
        plan = selectors.plan_get(actor, options["plan"])
        if plan is None:
            raise CommandError(_("计划 %(plan)s 不存在或不在您的数据权限范围内") % {"plan": options['plan']}, returncode=1)
        try:
            result = figures.plan_evaluation(actor, plan, rounds=options["rounds"], dataset=options["truth"],
                                             seed=options["seed"])  # fmt: skip
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for line in evaluate.report_lines(result):
            self.stdout.write(line)
