"""Demo data of the inspections (``weijian demo``): a second inspector of the demo district with a login, and three
targeted inspections from the demo's alert work items — one closed and published (the portal shows it), one
awaiting confirmation, one still to inspect. Idempotent: a second run changes nothing. Never used outside the demo.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from weijian.core.models import Profile, Role
from weijian.inspections import services
from weijian.inspections.models import FindingOutcome, Inspection, InspectionSource
from weijian.registry.models import Inspector

SECOND = "inspector_a2"
SECOND_NAME = "李明"  # i18n: data
TARGETED = 3


def _link(user: Any) -> Inspector | None:
    """The user's 执法人员 record: linked already, else the first free active one of their district and department."""
    found = Inspector.objects.filter(user=user).first()
    if found is not None:
        return found
    profile = user.profile
    free = Inspector.objects.filter(department=profile.department, region=profile.region, active=True,
                                    user__isnull=True).order_by("badge_no").first()  # fmt: skip
    if free is None:
        return None
    free.user = user
    free.save(update_fields=["user", "updated_at"])
    return free


def _second_inspector(first: Any, password: str) -> Any:
    user, _ = get_user_model().objects.get_or_create(username=SECOND)
    if not user.check_password(password):  # the password history refuses setting the same one again
        user.set_password(password)
    user.first_name = SECOND_NAME
    user.save()
    Profile.objects.update_or_create(user=user, defaults={
        "role": Role.INSPECTOR, "department": first.profile.department, "region": first.profile.region,
    })  # fmt: skip
    return user


def _signature() -> str:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(20, 70), (80, 30), (140, 75), (200, 25), (270, 60)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _work_through(inspection: Inspection, team: list[Any], manager: Any, *, close: bool) -> None:
    bad_note = "现场未能出示有效证照（演示数据）"  # i18n: data
    for index, finding in enumerate(inspection.findings.order_by("pk")):
        bad = index == 0
        services.finding_record(actor=team[0], inspection_id=inspection.pk, item_code=finding.item_code,
                                line_no=finding.line_no,
                                outcome=FindingOutcome.NONCOMPLIANT if bad else FindingOutcome.COMPLIANT,
                                note=bad_note if bad else "")  # fmt: skip
    services.inspection_submit(actor=team[0], inspection_id=inspection.pk)
    if not close:
        return
    for user in team:
        services.inspection_confirm(actor=user, inspection_id=inspection.pk, signature=_signature())
    note = "责令限期整改（演示数据）"  # i18n: data
    services.inspection_close(actor=team[1], inspection_id=inspection.pk, result="rectify", note=note)
    services.inspection_publish(actor=manager, inspection_id=inspection.pk)


@transaction.atomic
def demo_inspections_setup(password: str) -> list[str]:
    """Create the demo's targeted inspections (once); returns lines to print."""
    from weijian.alerts.models import ItemStatus, WorkItem
    from weijian.alerts.services import WorkItemError, work_item_dispose

    users = get_user_model().objects
    first, manager = users.filter(username="inspector_a").first(), users.filter(username="district_manager").first()
    if first is None or manager is None or not hasattr(first, "profile"):
        return []
    second = _second_inspector(first, password)
    team_records = [_link(first), _link(second)]
    if any(record is None for record in team_records):
        return [_("  %(second)s 监督员（演示：本区执法人员名录中没有第二名可关联的监督员）") % {"second": f'{SECOND:<18}'}]
    lines = [
        _("  %(second)s %(label)s %(name)s监督员（与 inspector_a 同组检查）")
        % {
            "second": f"{SECOND:<18}",
            "label": f"{Role.INSPECTOR.label:<12}",
            "name": first.profile.region.name,
        }
    ]
    if Inspection.objects.filter(source_kind=InspectionSource.WORK_ITEM).exists():
        return lines
    region = first.profile.region
    items = WorkItem.objects.filter(
        status=ItemStatus.OPEN, department=first.profile.department, institution__isnull=False,
        region__code__startswith=region.prefix,
    ).order_by("deadline", "pk")  # fmt: skip
    made: list[Inspection] = []
    due = timezone.localdate() + dt.timedelta(days=20)
    for item in items[: TARGETED * 3]:
        if len(made) == TARGETED:
            break
        if not services.default_item_codes(item.institution, item.department, timezone.localdate()):
            continue  # no check item for that kind of unit
        try:
            with transaction.atomic():
                work_item_dispose(actor=manager, item_id=item.pk, status=ItemStatus.INSPECTION,
                                  reason=_("演示：转定向检查"), due_date=due, inspectors=team_records)  # fmt: skip
        except WorkItemError:
            continue
        inspection = Inspection.objects.filter(source_kind=InspectionSource.WORK_ITEM, source_id=item.pk).first()
        if inspection is not None:
            made.append(inspection)
    team = [first, second]
    if made:
        _work_through(made[0], team, manager, close=True)
    if len(made) > 1:
        _work_through(made[1], team, manager, close=False)
    lines.append(
        _("  演示定向检查：%(count)s 项（inspector_a / %(second)s 的“检查任务”，一项已公示于 /portal/）")
        % {"count": len(made), "second": SECOND}
    )
    return lines
