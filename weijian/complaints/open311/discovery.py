"""Open311 GeoReport v2 service discovery (``discovery.json`` / ``discovery.xml``): where the endpoint is, which
specification and formats it follows, whom to ask and how a partner gets a key.

The shape is the specification's (wiki.open311.org/Service_discovery): ``changeset``, ``contact``, ``key_service``
and ``endpoints``, each endpoint with ``specification``, ``url``, ``changeset``, ``type`` and ``formats``. The
contact line is the office's (``WEIJIAN_OPEN311_CONTACT``, default: the city office); keys are issued by the
platform's administrators (``weijian apikey create --department CODE``), not requested online.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.complaints.open311 import formats

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's answers last changed shape (the spec's changeset: "YYYY-MM-DD HH:MM"); raise it with them.
CHANGESET = "2026-12-01 00:00"
MEDIA_TYPES = ["application/json", "text/xml"]


def discovery_document(request: HttpRequest) -> dict[str, object]:
    services_url = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"}))
    root = services_url.rsplit("/", 1)[0]
    contact = getattr(settings, "WEIJIAN_OPEN311_CONTACT", "") or _("市级卫生健康监督机构（本平台管理员）")
    return {
        "changeset": CHANGESET,
        "contact": str(contact),
        "key_service": _("接口密钥由本平台管理员为合作系统签发（weijian apikey create --department 部门代码），每个密钥有自己的每分钟请求上限；请联系：%(contact)s") % {"contact": contact},
        "endpoints": [{"specification": SPECIFICATION, "url": root, "changeset": CHANGESET, "type": "production",
                       "formats": list(MEDIA_TYPES)}],
    }  # fmt: skip


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return formats.answer(fmt, "discovery", discovery_document(request))
