"""Open311 GeoReport v2 under ``/open311/v2/``: each endpoint as ``.json`` and ``.xml``."""

from django.urls import path, register_converter

from weijian.complaints.open311 import discovery, views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311fmt:fmt>", discovery.discovery, name="discovery"),
    path("services.<open311fmt:fmt>", views.services, name="services"),
    path("services/<slug:code>.<open311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<open311fmt:fmt>", views.requests, name="requests"),
    path("requests/<slug:request_id>.<open311fmt:fmt>", views.request_detail, name="request"),
]
