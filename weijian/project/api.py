"""The JSON API (django-ninja). OpenAPI 3 schema at ``/api/openapi.json``, docs at ``/api/docs`` (signed in; the
Swagger UI files come from django-ninja's own static files, as the CSP allows this site only)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from weijian.cases.api import Unprocessable
from weijian.cases.api import router as transfers_router
from weijian.core.api import router as core_router
from weijian.inspections.planning.api import router as planning_router
from weijian.registry.api import router as registry_router

api = NinjaAPI(
    title=gettext_lazy("weijian 卫监 API"),
    version="1",
    description=gettext_lazy("医疗卫生行业综合监管平台接口。所有数据按调用者的部门与区域权限过滤；越权的记录一律返回 404。"),
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=login_required,  # the docs and the schema for signed-in users; Swagger UI from ninja's static files
)


@api.exception_handler(NinjaValidationError)
def validation_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with one entry per bad field: where it is and why."""
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or str(e.get("loc")), "reason": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": _("请求参数有误"), "errors": details}, status=422)


@api.exception_handler(Unprocessable)
def unprocessable(request: HttpRequest, exc: Unprocessable) -> HttpResponse:
    """A service's refusal of one field's value, in the same shape."""
    return api.create_response(request, {"detail": _("请求参数有误"), "errors": [{"field": exc.field, "reason": exc.message}]},
                               status=422)  # fmt: skip


api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", planning_router)
api.add_router("/", transfers_router)
