"""Demo complaints for ``weijian demo build`` / ``setup``: about 40 across categories and districts — some
anonymous, one duplicate, a few in triage, some accepted, replied or turned into clues — and one partner API key.

Idempotent: complaints already made for the demo (external id ``DEMO-…``) are not made again. The key is printed
only when it is created (only its hash is kept).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.complaints import codes, services
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import ApiKey, Complaint
from weijian.core.models import Profile, Region, Role
from weijian.core.selectors import city_districts, home_city_code
from weijian.registry.models import Institution

TEXTS = Path(__file__).resolve().parent / "data" / "demo_complaints.yaml"
COUNT = 40
SEED = 20261201
KEY_NAME = "12345 (demo)"
PHONES = ("13812345678", "13900001111", "021-63211234", "15000002222")
NAMES = ("王小明", "李芳", "张伟", "刘洋")  # i18n: data (synthetic complainants)


def _texts() -> dict[str, list[str]]:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def _manager_of(district: Region) -> object | None:
    profile = Profile.objects.select_related("user").filter(role=Role.DISTRICT_MANAGER, region=district,
                                                              department__code="health").first()  # fmt: skip
    return profile.user if profile else None


def demo_complaints_setup() -> list[str]:
    """Make the demo complaints and key (once); returns the lines to print."""
    lines: list[str] = []
    if not ApiKey.objects.filter(name=KEY_NAME).exists():
        _record, key = services.api_key_create(actor="demo", name=KEY_NAME, department_code="health", per_minute=6000)
        lines.append("\n" + _("合作系统（12345 热线）演示接口密钥，只显示这一次：%(key)s") % {"key": key})
        lines.append(_("  例：curl -d api_key=…&service_code=illegal_practice&description=…&attribute[district]=… "
                       "http://127.0.0.1:8000/open311/v2/requests.json"))
    if Complaint.objects.filter(external_id__startswith="DEMO-").exists():
        return lines
    rng = random.Random(SEED)
    texts = _texts()
    districts = list(city_districts(home_city_code()))
    if not districts:
        return lines
    manager_districts = [p.region for p in Profile.objects.select_related("region").filter(
        role=Role.DISTRICT_MANAGER, department__code="health", region__isnull=False)]  # fmt: skip
    focus = manager_districts[0] if manager_districts else districts[0]
    categories = [c for c in texts if c != "vague"]
    now = timezone.now()
    made: list[Complaint] = []
    for n in range(COUNT):
        district = focus if n % 2 == 0 else rng.choice(districts)
        vague = n % 13 == 5
        category = "" if vague else categories[n % len(categories)]
        text = rng.choice(texts["vague" if vague else category])
        institution = None
        if n % 3 != 0:
            start = rng.randrange(0, 30)
            institution = next(iter(Institution.objects.filter(district=district).order_by("uscc")[start:start + 1]), None)
        anonymous = n % 4 == 1
        try:
            made.append(services.complaint_file(
                actor=None, source="open311" if n % 5 == 4 else "web", description=text, region=district,
                category=category, institution=institution,
                subject_name="" if institution else _("%(district)s某无证诊所") % {"district": district.name},
                anonymous=anonymous, complainant_name="" if anonymous else NAMES[n % len(NAMES)],
                complainant_phone="" if anonymous else PHONES[n % len(PHONES)], external_id=f"DEMO-{n:03d}",
                now=now - dt.timedelta(days=rng.randrange(0, 40), hours=rng.randrange(0, 12)),
            ))  # fmt: skip
        except ComplaintError as exc:
            lines.append(_("演示投诉 %(n)s 未生成：%(error)s") % {"n": n, "error": exc})
    first = next((c for c in made if c.institution_id and c.category), None)
    if first is not None:  # one duplicate: the same subject and category again
        made.append(services.complaint_file(
            actor=None, source="web", description=first.description + _("（第二次反映）"), region=first.region,
            category=first.category, institution=first.institution, anonymous=True, external_id="DEMO-DUP",
        ))  # fmt: skip
    handled = 0
    for complaint in made:
        manager = _manager_of(complaint.district)
        if manager is None or complaint.department is None or complaint.department.code != "health":
            continue
        step = handled % 4
        handled += 1
        if step == 0:
            continue  # left waiting for acceptance
        services.complaint_accept(actor=manager, complaint_id=complaint.pk)
        if step == 2:
            services.complaint_reply(actor=manager, complaint_id=complaint.pk,
                                     text=_("经现场核查，反映的问题属实，已责令改正并依法处理。感谢您的监督。"))  # fmt: skip
        elif step == 3:
            services.complaint_to_clue(actor=manager, complaint_id=complaint.pk)
    triage = sum(1 for c in made if c.department_id is None)
    lines.append(_("演示投诉举报：%(n)s 件（待分派 %(triage)s 件），示例查询码 %(code)s") % {
        "n": len(made), "triage": triage, "code": codes.display(made[0].tracking_code) if made else "-"})  # fmt: skip
    return lines
