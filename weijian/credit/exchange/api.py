"""The JSON endpoint partner systems push records to: ``POST`` a JSON object ``{"records": [{column: value, …}]}``
(or ``{"repairs": […]}``: the issuing department's repair results, :mod:`weijian.credit.exchange.repairs`)
with the department's key (``X-Api-Key`` header, or ``api_key`` in the object), the keys of
:mod:`weijian.complaints` (``ApiKey``: department-scoped, rate-limited). The records go through the same strict
importer as the files (:func:`weijian.credit.exchange.imports.import_rows`): the answer lists each rejected row
with its column and reason; nothing of a rejected row is saved.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from weijian.complaints import ratelimit
from weijian.complaints.services import api_key_lookup
from weijian.core.models import Region, Role
from weijian.core.scope import Scope
from weijian.core.selectors import home_city_code
from weijian.credit.exchange.imports import import_rows
from weijian.credit.exchange.repairs import import_repair_rows
from weijian.registry.imports.readers import ImportFileError

MAX_BODY = 2_000_000
MAX_RECORDS = 5000


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def records(request: HttpRequest) -> JsonResponse:
    if len(request.body) > MAX_BODY:
        return _error(413, _("请求体超过 %(n)d 字节") % {"n": MAX_BODY})
    try:
        body: Any = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(400, _("请求体：应为 UTF-8 编码的 JSON 对象"))
    if not isinstance(body, dict):
        return _error(400, _("请求体：应为 JSON 对象"))
    raw_key = request.headers.get("X-Api-Key") or str(body.get("api_key") or "")
    key = api_key_lookup(raw_key) if raw_key else None
    if key is None:
        return _error(403, _("api_key：必须提供有效的接口密钥") if not raw_key else _("api_key：密钥无效或已停用"))
    if not ratelimit.hit(f"credit:{key.pk}", limit=key.per_minute, window_s=60):
        return _error(429, _("api_key：超过每分钟请求上限 %(n)s") % {"n": key.per_minute})
    field = "repairs" if "repairs" in body and "records" not in body else "records"
    rows = body.get(field)
    if not isinstance(rows, list) or not rows:
        return _error(400, _("records：应为非空的记录列表") if field == "records" else _("repairs：应为非空的修复结果列表"))
    if len(rows) > MAX_RECORDS:
        return _error(413, _("records：每次最多 %(n)d 条") % {"n": MAX_RECORDS})
    city = Region.objects.filter(code=home_city_code()).first()
    scope = Scope(role=Role.PARTNER_OFFICER, region_prefix=city.prefix if city else None,
                  department_code=key.department.code, institution_id=None)  # fmt: skip
    try:
        run = import_repair_rows if field == "repairs" else import_rows
        result = run(rows=rows, name=f"api:{key.prefix}", actor=f"api:{key.prefix}", scope=scope)
    except ImportFileError as exc:
        return _error(400, str(exc))
    return JsonResponse({
        "ok": result.ok, "rows": result.rows, "created": result.created, "unchanged": result.unchanged,
        "rejected": [r.as_dict() for r in result.rejects], "batch": result.batch_id,
    }, json_dumps_params={"ensure_ascii": False})  # fmt: skip
