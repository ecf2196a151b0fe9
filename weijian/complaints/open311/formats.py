"""Open311 GeoReport v2 answers in JSON or XML, in the shapes of the specification (wiki.open311.org/GeoReport_v2).

XML: ``<services><service>…``, ``<service_definition>…<attributes><attribute>…<values><value>``,
``<service_requests><request>…``, errors ``<errors><error><code/><description/></error></errors>``; JSON: the
same as arrays and objects. Values that are None are written as empty elements (XML) or ``null`` (JSON).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# the element name of one item of a list, by the list's element name
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
              "values": "value", "endpoints": "endpoint", "formats": "format"}  # fmt: skip


def _to_xml(parent: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        holder = ET.SubElement(parent, key)
        for item in value:
            _to_xml(holder, ITEM_NAMES.get(key, "item"), item)
        return
    element = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _to_xml(element, k, v)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def xml_document(root: str, value: Any) -> bytes:
    """``root`` holding ``value``: a list gives one item element per entry, a dict its fields."""
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _to_xml(element, ITEM_NAMES.get(root, "item"), item)
    else:
        for k, v in value.items():
            _to_xml(element, k, v)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def answer(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    body = xml_document(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
    response["Cache-Control"] = "no-store"
    return response


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return answer(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
