"""Default permission groups, one per role: what each role may open in the back-office.

The security administrator may change these groups afterwards; ``role_groups_sync`` only creates
missing groups and adds missing permissions (it never removes what an office granted).
Data scope is not a permission: it follows from the profile (``weijian.core.scope``).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from weijian.core.models import Role

_REGISTRY = ("institution", "institutiondept", "practitioner", "practitionerscope", "registration", "inspector",
             "inspectorconflict")
_ALL = ("view", "add", "change", "delete")
_PLANNING = ("inspections.view_plan", "inspections.view_draw")
_ANALYTICS = ("alerts.view_workitem", "alerts.view_alert", "alerts.view_indicator", "risk.view_analyticsscore",
              "clues.view_clue", "complaints.view_complaint",
              *(f"credit.view_{m}" for m in ("creditrecord", "licencecheck", "pointevent", "pointnotice", "objection",
                                             "insurancepointevent", "creditgrade", "creditlistentry", "jointmeasuretask",
                                             "repairrequest", "crossregionreview")),
              *(f"cases.view_{m}" for m in ("case", "caseparty", "casehandler", "caseevidence", "transfer", "supervision",
                                            "jointteammember")))

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CITY_ADMIN: (
        *(f"registry.{a}_{m}" for m in _REGISTRY for a in _ALL), "registry.view_deptcode",
        *_ANALYTICS, "alerts.view_analyticsrun", *_PLANNING, "complaints.view_apikey",
    ),
    Role.DISTRICT_MANAGER: (
        *(f"registry.{a}_{m}" for m in _REGISTRY for a in _ALL), "registry.view_deptcode", *_ANALYTICS,
        *_PLANNING,
    ),
    Role.SYSTEM_ADMIN: (
        "auth.view_user", "auth.add_user", "auth.change_user",
        *(f"core.{a}_{m}" for m in ("region", "department", "departmentduty") for a in _ALL),
        *(f"registry.{a}_deptcode" for a in _ALL),
    ),
    Role.SECURITY_ADMIN: (
        "auth.view_user", "auth.change_user", *(f"auth.{a}_group" for a in _ALL), "auth.view_permission",
        *(f"core.{a}_profile" for a in ("view", "add", "change")),
        "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog", "axes.view_accessfailurelog",
        "complaints.view_apikey",  # partner systems' credentials: listed and revoked, never business data
    ),
    Role.AUDIT_ADMIN: ("core.view_auditevent", "core.view_accessevent"),
}  # fmt: skip

STAFF_ROLES = frozenset(ROLE_PERMISSIONS)


def role_groups_sync() -> dict[str, Group]:
    """The permission group of each role that uses the back-office (created when missing)."""
    groups: dict[str, Group] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(Role(role).label))
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)
        groups[role] = group
    return groups
