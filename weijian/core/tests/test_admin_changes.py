"""Back-office changes are audited field by field, before and after — inlines and permissions included."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.test import Client

from weijian.core.models import AuditEvent, Department, DepartmentDuty, Role
from weijian.core.roles import role_groups_sync
from weijian.core.tests.test_scope_matrix import _admin_url, _post


def _client(user: Any) -> Client:
    user.groups.set([role_groups_sync()[user.profile.role]])
    client = Client()
    client.force_login(user)
    return client


def _changed(action: str, object_id: Any) -> dict[str, Any]:
    return AuditEvent.objects.filter(action=action, object_id=str(object_id)).latest("pk").data["changed"]


def test_permission_and_role_changes_record_before_and_after(make_user: Any) -> None:
    from django.contrib.auth.models import User

    security = _client(make_user("sec", role=Role.SECURITY_ADMIN, region=None, department=None, is_staff=True))
    target = make_user("target", role=Role.INSPECTOR)
    group = Group.objects.create(name="检查员")
    response = _post(security, _admin_url(User, "change", target.pk), {"groups": [str(group.pk)], "user_permissions": [], "is_staff": "on"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = _changed("admin.auth.user.change", target.pk)
    assert changed["groups"] == {"before": [], "after": [group.pk]}
    assert changed["is_staff"] == {"before": False, "after": True}
    response = _post(security, _admin_url(type(target.profile), "change", target.profile.pk), {"role": Role.DISTRICT_MANAGER})
    assert response.status_code == 302
    assert _changed("admin.core.profile.change", target.profile.pk)["role"] == {
        "before": Role.INSPECTOR, "after": Role.DISTRICT_MANAGER}  # fmt: skip


def test_an_inline_row_change_records_its_fields(make_user: Any) -> None:
    system = _client(make_user("sys", role=Role.SYSTEM_ADMIN, region=None, department=None, is_staff=True))
    department = Department.objects.filter(duties__isnull=False).first() or Department.objects.first()
    assert department is not None
    duty = department.duties.first() or DepartmentDuty.objects.create(department=department, text="旧职责")
    position = list(department.duties.values_list("pk", flat=True)).index(duty.pk)
    response = _post(system, _admin_url(Department, "change", department.pk), {f"duties-{position}-text": "新职责"})
    assert response.status_code == 302, response.content[:500]
    assert _changed("admin.core.departmentduty.change", duty.pk)["text"] == {"before": duty.text, "after": "新职责"}
