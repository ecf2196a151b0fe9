"""System checks (``weijian check``, and before ``migrate`` / ``runserver``): the rules files the alerts app reads
are exactly as it declares them, so a misspelt key in an office's override is refused at start-up, naming
the file and the key, instead of failing the next ``weijian analytics load``."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from weijian.alerts import routing
from weijian.alerts.models import Severity
from weijian.analytics.registry import RULES
from weijian.rules import loader


def declared_keys() -> dict[str, list[str]]:
    """Rules file → the dotted keys the alerts app reads from it."""
    routes = loader.load(routing.ROUTING_FILE).get("routes") or {}
    return {
        routing.DISPOSAL_FILE: [f"deadline_working_days.{s}" for s in Severity.values],
        # a rule may have no route (its items wait in triage); a route for a rule that does not exist is a typo
        routing.ROUTING_FILE: [f"routes.{rule}.duty" for rule in RULES if rule in routes],
    }


@register("weijian")
def alerts_rules_files(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    routes = loader.load(routing.ROUTING_FILE).get("routes") or {}
    for rule in sorted(set(routes) - set(RULES)):
        errors.append(Error(f"{routing.ROUTING_FILE}.yaml: routes.{rule} 不是已知的分析规则（是否拼写错误？）",
                            hint="规则编号见 weijian.analytics.registry.RULES", id="weijian.E002"))  # fmt: skip
    for bad in routing.unknown_duties():
        errors.append(Error(f"{routing.ROUTING_FILE}.yaml: {bad} 不是责任清单中的职责代码",
                            hint="职责代码见 weijian/rules/data/responsibilities.yaml", id="weijian.E003"))  # fmt: skip
    for name, keys in declared_keys().items():
        try:
            loader.check_keys(name, keys)
        except loader.RulesError as exc:
            errors.append(Error(str(exc), hint="改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）", id="weijian.E001"))
    return errors
