"""Open311 GeoReport v2 endpoints. Handlers parse the request, call one selector or service, and answer in the
format the path names. Every error is the specification's error list (``[{"code": 400, "description": …}]``).

- ``services``: the complaint categories of the responsibility list (and ``other``), ``metadata: true``.
- ``services/{code}``: the attributes a request may carry: ``district`` (区 or 街道 code, from the region
  table; required unless ``address_string`` names a district), ``institution`` (统一社会信用代码 of a registry
  institution), ``subject`` (name of an unregistered subject).
- ``requests`` GET: public fields only (service code and name, status, dates, the district) unless the
  ``api_key`` given belongs to the department the request is routed to; never the complainant.
- ``requests`` POST (form-encoded, ``api_key`` required): files one complaint (source ``open311``) and answers its
  ``service_request_id`` (and its tracking code, for the partner to give the complainant).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from weijian.complaints import ratelimit
from weijian.complaints import services as intake
from weijian.complaints.apikeys import api_key_used
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import OTHER_CATEGORY, ApiKey, Complaint, ComplaintSource, ComplaintStatus
from weijian.complaints.open311 import formats
from weijian.core import responsibility
from weijian.core.models import Region
from weijian.core.selectors import home_city_code
from weijian.registry.models import Institution

OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.TO_CLUE)
CLOSED = (ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REPLIED, ComplaintStatus.CLOSED)
DEFAULT_DAYS = 90
MAX_RESULTS = 1000


def _services(on: dt.date) -> list[dict[str, Any]]:
    departments = responsibility.departments(on)
    out = []
    for code, category in responsibility.complaint_categories(on).items():
        out.append({"service_code": code, "service_name": category.name, "description": category.wording,
                    "metadata": True, "type": "realtime", "keywords": category.wording.replace("、", ","),  # i18n: data
                    "group": departments[category.department].name if category.department in departments else ""})  # fmt: skip
    out.append({"service_code": OTHER_CATEGORY, "service_name": _("其他"), "description": _("不确定类别的投诉举报，由文本分类或人工分派"),
                "metadata": True, "type": "realtime", "keywords": "", "group": ""})  # fmt: skip
    return out


def _service_names(on: dt.date) -> dict[str, str]:
    return {s["service_code"]: s["service_name"] for s in _services(on)}


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return formats.answer(fmt, "services", _services(timezone.localdate()))


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if code not in _service_names(timezone.localdate()):
        return formats.errors(fmt, 404, _("service_code：%(code)s 不是已知的服务代码") % {"code": code})
    districts = Region.objects.filter(level=Region.Level.DISTRICT, parent__code=home_city_code()).order_by("code")
    attributes = [
        {"variable": True, "code": "district", "datatype": "singlevaluelist", "required": False,
         "datatype_description": _("区县代码（也可为街道代码）；地址中未写明区县时必填"), "order": 1,
         "description": _("发生地所在的区"), "values": [{"key": d.code, "name": d.name} for d in districts]},
        {"variable": True, "code": "institution", "datatype": "string", "required": False,
         "datatype_description": _("18位统一社会信用代码"), "order": 2, "description": _("被投诉单位（名录中的单位）")},
        {"variable": True, "code": "subject", "datatype": "string", "required": False,
         "datatype_description": _("名称"), "order": 3, "description": _("被投诉对象（未登记的单位或个人）")},
    ]  # fmt: skip
    return formats.answer(fmt, "service_definition", {"service_code": code, "attributes": attributes})


def _key(data: Any) -> tuple[ApiKey | None, bool]:
    """(the active key given, or None; whether a key was given at all)."""
    raw = (data.get("api_key") or "").strip()
    if not raw:
        return None, False
    return intake.api_key_lookup(raw), True


def _limited(key: ApiKey) -> bool:
    """Over the key's rate limit; either way the request is counted on the key (weijian.complaints.apikeys)."""
    limited = not ratelimit.hit(f"open311:{key.pk}", limit=key.per_minute, window_s=60)
    api_key_used(key, refused=limited)
    return limited


def _status(complaint: Complaint) -> str:
    return "closed" if complaint.status in CLOSED else "open"


def _w3(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _record(complaint: Complaint, names: dict[str, str], key: ApiKey | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "service_request_id": str(complaint.pk), "status": _status(complaint),
        "service_name": names.get(complaint.category or OTHER_CATEGORY, names.get(OTHER_CATEGORY)),
        "service_code": complaint.category or OTHER_CATEGORY,
        "agency_responsible": complaint.department.name if complaint.department_id else "",
        "requested_datetime": _w3(complaint.received_at), "updated_datetime": _w3(complaint.updated_at),
        "address": complaint.district.name, "zipcode": None, "lat": None, "long": None,
        "description": None, "status_notes": None, "media_url": None, "service_notice": None,
    }  # fmt: skip
    if key is not None and key.department_id == complaint.department_id:
        record.update({
            "description": complaint.description, "status_notes": complaint.reply or complaint.not_accepted_reason or None,
            "address": " ".join(x for x in (complaint.region.name, complaint.address) if x),
            "lat": float(complaint.latitude) if complaint.latitude is not None else None,
            "long": float(complaint.longitude) if complaint.longitude is not None else None,
        })  # fmt: skip
    return record


def _when(raw: str, field: str, problems: list[str]) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
    if value is None and (day := parse_date(raw)) is not None:
        value = dt.datetime.combine(day, dt.time.min)
    if value is None:
        problems.append(_("%(field)s：%(value)s 不是 W3C 日期时间（如 2026-01-05T08:00:00+08:00）") % {"field": field, "value": raw[:40]})
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    key, given = _key(request.GET)
    if given and key is None:
        return formats.errors(fmt, 403, _("api_key：密钥无效或已停用"))
    if key is not None and _limited(key):
        return formats.errors(fmt, 429, _("api_key：超过每分钟请求上限 %(n)s") % {"n": key.per_minute})
    qs = Complaint.objects.select_related("district", "department", "region")
    ids = [x.strip() for x in request.GET.get("service_request_id", "").split(",") if x.strip()]
    problems: list[str] = []
    if ids:
        if not all(x.isdigit() for x in ids):
            return formats.errors(fmt, 400, _("service_request_id：应为以逗号分隔的请求编号"))
        qs = qs.filter(pk__in=[int(x) for x in ids[:MAX_RESULTS]])
    else:
        codes = [x.strip() for x in request.GET.get("service_code", "").split(",") if x.strip()]
        if codes:
            unknown = sorted(set(codes) - set(_service_names(timezone.localdate())))
            if unknown:
                return formats.errors(fmt, 400, _("service_code：%(codes)s 不是已知的服务代码") % {"codes": ", ".join(unknown)})
            qs = qs.filter(category__in=[("" if c == OTHER_CATEGORY else c) for c in codes] + codes)
        statuses = [x.strip() for x in request.GET.get("status", "").split(",") if x.strip()]
        if set(statuses) - {"open", "closed"}:
            return formats.errors(fmt, 400, _("status：应为 open 或 closed"))
        if statuses == ["open"]:
            qs = qs.filter(status__in=OPEN)
        elif statuses == ["closed"]:
            qs = qs.filter(status__in=CLOSED)
        start = _when(request.GET.get("start_date", ""), "start_date", problems)
        end = _when(request.GET.get("end_date", ""), "end_date", problems)
        if problems:
            return formats.errors(fmt, 400, *problems)
        end = end or timezone.now()
        start = start or end - dt.timedelta(days=DEFAULT_DAYS)
        if end - start > dt.timedelta(days=DEFAULT_DAYS):
            return formats.errors(fmt, 400, _("start_date/end_date：查询范围不能超过 90 天"))
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
    names = _service_names(timezone.localdate())
    records = [_record(c, names, key) for c in qs.order_by("-received_at", "-pk")[:MAX_RESULTS]]
    return formats.answer(fmt, "service_requests", records)


def _region_for(district: str, address: str) -> Region | None:
    if district:
        return Region.objects.filter(code=district.strip(), level__in=(Region.Level.DISTRICT, Region.Level.STREET)).first()
    if address:
        for region in Region.objects.filter(level=Region.Level.DISTRICT, parent__code=home_city_code()):
            if region.name and region.name in address:
                return region
    return None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    key, given = _key(data)
    if key is None:
        return formats.errors(fmt, 403 if given else 400, _("api_key：必须提供有效的接口密钥") if not given else _("api_key：密钥无效或已停用"))
    if _limited(key):
        return formats.errors(fmt, 429, _("api_key：超过每分钟请求上限 %(n)s") % {"n": key.per_minute})
    on = timezone.localdate()
    code = (data.get("service_code") or "").strip()
    if code not in _service_names(on):
        return formats.errors(fmt, 400, _("service_code：%(code)s 不是已知的服务代码") % {"code": code[:40] or _("（空）")})
    address = (data.get("address_string") or "").strip()
    lat, lon = data.get("lat"), data.get("long")
    if not address and not (lat and lon) and not data.get("address_id"):
        return formats.errors(fmt, 400, _("位置：须提供 lat 和 long，或 address_string"))
    region = _region_for(data.get("attribute[district]", ""), address)
    if region is None:
        return formats.errors(fmt, 400, _("attribute[district]：须为区或街道代码（地址中未写明区县时必填）"))
    uscc = (data.get("attribute[institution]") or "").strip().upper()
    institution = Institution.objects.select_related("district").filter(uscc=uscc).first() if uscc else None
    if uscc and institution is None:
        return formats.errors(fmt, 400, _("attribute[institution]：%(code)s 不在名录中") % {"code": uscc[:18]})
    named = (data.get("attribute[subject]") or "").strip()
    subject = named or (_("见问题描述") if institution is None else "")
    name = " ".join(x for x in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if x)
    phone = (data.get("phone") or "").strip()
    anonymous = not (name or phone)
    if media := (data.get("media_url") or "").strip():
        note = _("（附件链接：%(url)s，系统未下载）") % {"url": media[:200]}
    else:
        note = ""
    try:
        complaint = intake.complaint_file(
            actor=None, source=ComplaintSource.OPEN311, api_key=key, description=(data.get("description") or "") + (
                f"\n{note}" if note and (data.get("description") or "").strip() else ""),
            region=region, category="" if code == OTHER_CATEGORY else code, institution=institution,
            subject_name=subject, address=address, latitude=lat, longitude=lon, anonymous=anonymous,
            complainant_name=name, complainant_phone=phone, complainant_email=data.get("email", ""),
            external_id=(data.get("account_id") or data.get("device_id") or "")[:60],
            subject_known=bool(named or institution),
        )  # fmt: skip
    except ComplaintError as exc:
        return formats.errors(fmt, 400, *exc.errors.values())
    return formats.answer(fmt, "service_requests", [{
        "service_request_id": str(complaint.pk), "service_notice": _("查询码：%(code)s") % {"code": complaint.tracking_code},
        "account_id": None, "tracking_code": complaint.tracking_code,
    }], status=201)  # fmt: skip


@csrf_exempt
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("只支持 GET 和 POST"))
    return _list(request, fmt)


def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    key, given = _key(request.GET)
    if given and key is None:
        return formats.errors(fmt, 403, _("api_key：密钥无效或已停用"))
    if key is not None and _limited(key):
        return formats.errors(fmt, 429, _("api_key：超过每分钟请求上限 %(n)s") % {"n": key.per_minute})
    found = (Complaint.objects.select_related("district", "department", "region").filter(pk=int(request_id)).first()
             if request_id.isdigit() else None)  # fmt: skip
    if found is None:
        return formats.errors(fmt, 404, _("service_request_id：%(id)s 不存在") % {"id": request_id[:20]})
    return formats.answer(fmt, "service_requests", [_record(found, _service_names(timezone.localdate()), key)])
