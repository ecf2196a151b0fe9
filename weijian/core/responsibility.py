"""The responsibility list (责任清单, ``rules/data/responsibilities.yaml``): departments, their duties, the
执法领域, the check items a duty covers and the complaint categories it handles. Django-free."""

from __future__ import annotations

from weijian.rules import loader

RESPONSIBILITY_FILE = "responsibilities"


class ResponsibilityError(loader.RulesError):
    """The responsibility list is malformed, or a lookup names nothing in force."""


def fields() -> dict[str, str]:
    """执法领域 code → Chinese name, in the list's order."""
    table = loader.load(RESPONSIBILITY_FILE).get("fields")
    if not isinstance(table, dict) or not table:
        raise ResponsibilityError(f"{RESPONSIBILITY_FILE}.yaml: fields 应为 执法领域代码 → 名称 的映射")
    return {str(code): str(name) for code, name in table.items()}


def department_codes() -> list[str]:
    """Codes of the departments of comprehensive supervision."""
    from weijian.core.reference import _load

    return [str(entry["code"]) for entry in _load("departments.yaml")]
