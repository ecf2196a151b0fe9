"""The back office in Chinese: every audit action named in words, the audit list's columns and the actor's name,
the login-security (axes) section translated."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import Client

from weijian.core.audit import action_label, audit_record
from weijian.core.models import Role
from weijian.core.records import label

PACKAGE = Path(__file__).resolve().parents[2]


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _pattern(node: ast.expr) -> str | None:
    """A string constant as it is; an f-string with ``*`` for each placeholder; anything else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


def _patterns(node: ast.expr) -> list[str] | None:
    """Like :func:`_pattern`, with both branches of ``a if c else b``."""
    if isinstance(node, ast.IfExp):
        body, orelse = _patterns(node.body), _patterns(node.orelse)
        return None if body is None or orelse is None else [*body, *orelse]
    found = _pattern(node)
    return None if found is None else [found]


def written_actions() -> tuple[set[str], dict[str, set[str]]]:
    """Every action code the code base writes: constants, and f-string patterns with where they come from."""
    constants: set[str] = set()
    patterns: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                found = _patterns(keyword.value)
                assert found is not None, f"{path}: an audit action that is neither a string nor an f-string"
                for code in found:
                    if "*" in code:
                        patterns.setdefault(code, set()).add(str(path.relative_to(PACKAGE)))
                    else:
                        constants.add(code)
    return constants, patterns


def _alerts_item_actions() -> set[str]:
    """``alerts.item.{action}``: the actions alerts.services passes to its ``_audit`` helper."""
    from weijian.alerts.services import DISPOSALS_ORDER

    tree = ast.parse((PACKAGE / "alerts" / "services.py").read_text(encoding="utf-8"))
    found = {str(s.value) for s in DISPOSALS_ORDER}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "_audit" and len(node.args) >= 3:
            value = _pattern(node.args[2])
            if value and "*" not in value:
                found.add(value)
    return {f"alerts.item.{a}" for a in found}


def _expansions(pattern: str) -> set[str]:
    """Every code an f-string pattern produces, from the platform's own lists."""
    from weijian.registry.imports.specs import SPECS

    if pattern == "alerts.item.*":
        return _alerts_item_actions()
    if pattern == "registry.import.*":
        return {f"registry.import.{kind}" for kind in SPECS}
    if pattern == "inspections.inspection.*":  # the steps of weijian.inspections.services, through its _audit
        source = (PACKAGE / "inspections" / "services.py").read_text(encoding="utf-8")
        return {f"inspections.inspection.{step}" for step in re.findall(r'_audit\(actor, inspection, "(\w+)"', source)}
    if pattern in ("cases.case.*", "cases.transfer.*"):  # the steps of weijian.cases, through their _audit helpers
        source = "".join((PACKAGE / "cases" / name).read_text(encoding="utf-8") for name in ("services.py", "transfers.py"))
        helper = r'(?<!\w)_audit\(actor, [\w.]+, "(\w+)"' if pattern == "cases.case.*" else r'_transfer_audit\(actor, transfer, "(\w+)"'
        return {f"{pattern[:-1]}{step}" for step in re.findall(helper, source)}
    if pattern in ("admin.*.*", "admin.*.add", "admin.*.change", "admin.*.delete"):
        return {f"admin.{label(model)}.{op}" for model in admin.site._registry for op in ("add", "change", "delete")}
    raise AssertionError(f"new audit action pattern {pattern!r}: list what it produces here and label it in ACTION_LABELS")


def test_every_written_audit_action_has_a_label() -> None:
    constants, patterns = written_actions()
    assert {"core.audit.export", "alerts.item.created", "alerts.item.lines_added", "risk.analytics_scores.load"} <= constants
    assert {"alerts.item.*", "registry.import.*"} <= set(patterns)
    codes = constants | {code for pattern in patterns for code in _expansions(pattern)}
    assert "alerts.item.dismissed" in codes and "admin.registry.institution.change" in codes
    missing = sorted(code for code in codes if not action_label(code))
    assert missing == [], "audit actions without a label in weijian.core.audit.ACTION_LABELS"
    assert action_label("alerts.item.dismissed") == "排除预警"
    assert action_label("admin.registry.institution.change") == "后台修改：被监督单位"
    assert action_label("no.such.action") is None


def test_the_scan_sees_a_new_unlabelled_action(tmp_path: Path) -> None:
    source = 'audit_record(actor=a, action="cases.case.opened")\naudit_record(actor=a, action=f"cases.{x}")\n'
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [_pattern(k.value) for c in calls for k in c.keywords if k.arg == "action"] == ["cases.case.opened", "cases.*"]
    assert action_label("cases.case.opened") is None
    with pytest.raises(AssertionError, match="new audit action pattern"):
        _expansions("cases.*")


@pytest.mark.django_db
def test_audit_list_and_axes_section_in_chinese(make_user: Any) -> None:
    from weijian.core.roles import role_groups_sync

    groups = role_groups_sync()
    actor = make_user("wang", role=Role.INSPECTOR, first_name="强", last_name="王")
    audit_record(actor=actor, action="alerts.item.dismissed", object_type="work_item", object_id=7)
    auditor = make_user("auditor", role=Role.AUDIT_ADMIN, region=None, department=None, is_staff=True)
    auditor.groups.set([groups[Role.AUDIT_ADMIN]])
    client = Client()
    client.force_login(auditor)
    page = client.get("/admin/core/auditevent/").content.decode()
    for column in ("序号", "时间", "操作人", "操作", "记录类型"):
        assert f">{column}<" in page or f">{column}</a>" in page, column
    assert "排除预警" in page and "王强（wang）" in page
    assert "以 action" not in page and ">Seq<" not in page and ">Actor<" not in page
    security = make_user("sec", role=Role.SECURITY_ADMIN, region=None, department=None, is_staff=True)
    security.groups.set([groups[Role.SECURITY_ADMIN]])
    client.force_login(security)
    index = client.get("/admin/").content.decode()
    assert "登录安全" in index and "登录失败锁定记录" in index and "Axes" not in index
    AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", user_agent="t", http_accept="*/*", path_info="/login/",
                                 get_data="", post_data="", failures_since_start=3)  # fmt: skip
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "尝试时间" in attempts and "IP 地址" in attempts and "Attempt Time" not in attempts
