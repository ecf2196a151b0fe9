"""The page sweep: render every page shape for every role over the data in the database; report any 5xx.

A *shape* is a URL pattern with its arguments filled from real records: every institution profile a
role may open, and up to ``sample`` records of every other shape, plus list pages with their filters,
exports, the API and the back-office. Run it after loading data (``weijian sweep``) or from the tests
on the demo city. A URL pattern that takes arguments and has no entry in :data:`SHAPES` is reported, so a
new page cannot escape the sweep.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from weijian.core.otp import mark_client_verified
from weijian.core.scope import scoped
from weijian.registry.kinds import medical_kinds


def url_patterns() -> dict[str, URLPattern]:
    """Every named URL pattern outside the admin, keyed ``namespace:name``."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns != "admin":  # the back-office is swept from admin.site
                    walk(pattern, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern

    walk(get_resolver(), None)
    return found


@dataclass(frozen=True)
class Shape:
    """How to fill a URL pattern's arguments: ``kwarg`` ← ``field`` of each record of ``model`` the role sees.

    ``every``: sweep every record the role sees (institution profiles), not a sample; ``sample``: at most this
    many records (default: the sweep's sample size).
    """

    model: str  # "app_label.ModelName"
    kwarg: str
    field: str = "pk"
    every: bool = False
    sample: int | None = None
    every_where: tuple[tuple[str, Any], ...] = ()  # with ``every``: every record matching, a sample of the others


# URL name → how to fill it. A new page with arguments adds its row here.
SHAPES: dict[str, Shape] = {
    # every medical institution's profile (grades, alerts, staff), a sample of the other supervised units
    "registry:institution_detail": Shape("registry.Institution", "uscc", "uscc", every=True,
                                         every_where=(("kind__in", medical_kinds()),)),
    "registry:practitioner_detail": Shape("registry.Practitioner", "cert_no", "cert_no"),
    "registry:inspector_detail": Shape("registry.Inspector", "badge_no", "badge_no"),
    "registry:import_batch": Shape("registry.ImportBatch", "pk"),
    "registry:import_rejects": Shape("registry.ImportBatch", "pk"),
    "alerts:detail": Shape("alerts.WorkItem", "pk"),
    "alerts:lines_export": Shape("alerts.WorkItem", "pk", sample=50),
    "inspections:detail": Shape("inspections.Inspection", "pk"),
    "inspections:attachment": Shape("inspections.Attachment", "pk", sample=20),
    "clues:detail": Shape("clues.Clue", "pk"),
    "documents:download": Shape("documents.IssuedDocument", "pk", sample=10),
    "complaints:detail": Shape("complaints.Complaint", "pk"),
    "complaints:photo": Shape("complaints.ComplaintPhoto", "pk", sample=10),
    "cases:detail": Shape("cases.Case", "pk"),
    "cases:decide": Shape("cases.Case", "pk", sample=10),
    "cases:notify": Shape("cases.Case", "pk", sample=2),  # POST only: a GET answers 404
    "cases:register": Shape("clues.Clue", "pk", sample=10),
    "cases:evidence": Shape("cases.CaseEvidence", "pk", sample=5),
    "cases:transfer": Shape("cases.Transfer", "pk"),
    "cases:supervision_act": Shape("cases.Supervision", "pk", sample=2),  # POST only
    # Credit: every institution with a credit record or grade is an archive; a sample of the others.
    "credit:archive": Shape("registry.Institution", "pk", every=True, every_where=(("credit_records__isnull", False),)),
    "credit:points_record": Shape("registry.Institution", "pk", sample=2),  # POST only: a GET answers 405
    "credit:licence_check_record": Shape("registry.Institution", "pk", sample=2),  # POST only
    "credit:notice_send": Shape("credit.PointNotice", "pk", sample=2),  # POST only
    "credit:objection_file": Shape("credit.PointNotice", "pk", sample=20),
    "credit:objection_decide": Shape("credit.Objection", "pk", sample=20),
    "credit:practitioner": Shape("registry.Practitioner", "pk", every=True,  # every one with 医保 points
                                 every_where=(("insurance_points__isnull", False),)),
    "credit:insurance_points_record": Shape("registry.Practitioner", "pk", sample=2),  # POST only
    "credit:entry": Shape("credit.CreditListEntry", "pk", sample=20),
    "credit:repair": Shape("credit.RepairRequest", "pk", sample=20),
    "credit:repair_new": Shape("portal.Disclosure", "disclosure_pk", sample=10),
    "credit:review": Shape("credit.CrossRegionReview", "pk", sample=20),
    "credit:task_done": Shape("credit.JointMeasureTask", "pk", sample=5),
    # The portal is public: the records are sampled from what the role's scope holds (published or not).
    "portal:plan": Shape("inspections.Plan", "pk", sample=20),
    "portal:result": Shape("inspections.Inspection", "pk", sample=50),
    "portal:penalty": Shape("portal.Disclosure", "pk", sample=20),
    # The API's detail answers come from the same selectors as the pages: a smaller sample suffices.
    "api:institution": Shape("registry.Institution", "uscc", "uscc", sample=50),
    "api:practitioner": Shape("registry.Practitioner", "cert_no", "cert_no", sample=50),
    "api:inspector": Shape("registry.Inspector", "badge_no", "badge_no", sample=50),
    "plans:detail": Shape("inspections.Plan", "pk"),
    "plans:edit": Shape("inspections.Plan", "pk", sample=5),
    "plans:commit": Shape("inspections.Plan", "pk", sample=2),  # POST only: a GET answers 405
    "plans:override": Shape("inspections.Plan", "pk", sample=2),  # POST only
    "plans:draw": Shape("inspections.Draw", "pk"),
    "plans:draw_run": Shape("inspections.Draw", "pk", sample=2),  # POST only
    "plans:draw_record": Shape("inspections.Draw", "pk", sample=5),
    "api:plan": Shape("inspections.Plan", "pk", sample=10),
    "api:draw": Shape("inspections.Draw", "pk", sample=10),
    "api:draw_record": Shape("inspections.Draw", "pk", sample=5),
    "api:transfer": Shape("cases.Transfer", "pk"),
}


def _import_kinds() -> list[dict[str, str]]:
    from weijian.registry.imports.specs import SPECS

    return [{"kind": kind} for kind in SPECS]


def _open311(*names: str) -> Callable[[], list[dict[str, str]]]:
    """Both formats of an Open311 endpoint, with service codes or request ids where the path takes them."""

    def kwargs() -> list[dict[str, str]]:
        from weijian.complaints.models import Complaint

        extra: list[dict[str, str]] = [{}]
        if "code" in names:
            extra = [{"code": "illegal_practice"}, {"code": "other"}, {"code": "no-such-service"}]
        elif "request_id" in names:
            ids = Complaint.objects.order_by("pk").values_list("pk", flat=True)[:5]
            extra = [{"request_id": str(pk)} for pk in ids] + [{"request_id": "999999999"}]
        return [{**e, "fmt": fmt} for e in extra for fmt in ("json", "xml")]

    return kwargs


# Arguments for patterns that take a code rather than a record.
FIXED: dict[str, Callable[[], list[dict[str, str]]]] = {
    "registry:import_template": _import_kinds,
    "open311:discovery": _open311(),
    "open311:services": _open311(),
    "open311:service": _open311("code"),
    "open311:requests": _open311(),
    "open311:request": _open311("request_id"),
}
# Query strings tried on list pages (each filter, paging, search, export).
LIST_QUERIES: dict[str, list[dict[str, str]]] = {
    "registry:institution_list": [
        {}, {"page": "2"}, {"q": "医院"}, {"licence": "expired"}, {"licence": "expiring"}, {"status": "suspended"},  # i18n: data (search terms)
        {"kind": "aesthetic_clinic"}, {"level": "III"}, {"format": "xlsx"}, {"page": "9999"},
        {"sector": "public_place"}, {"sector": "school", "licence": "expired"}, {"kind": "hotel"},
        {"licence": "valid"}, {"licence": "none"}, *({"grade": g} for g in "ABCD"), {"sort": "-grade"},
        {"sort": "grade", "grade": "D", "page": "2"}, {"sort": "-licence", "size": "100"}, {"sort": "district"},
        {"sort": "no_such_key", "size": "7"}, {"format": "xlsx", "sort": "-grade"},
    ],
    "registry:practitioner_list": [
        {}, {"page": "2"}, {"q": "王"}, {"status": "revoked"}, {"format": "xlsx"}, {"sort": "-name", "size": "50"},  # i18n: data
        {"sort": "licence_valid_to"}, {"institution": "no-such-code"},
    ],
    "registry:inspector_list": [
        {}, {"active": "0"}, {"department": "market"}, {"format": "xlsx"}, {"sort": "-region"}, {"sort": "active"},
    ],
    "registry:import": [{}, {"kind": "institutions"}, {"rejected": "1", "sort": "-rejected"}],
    "alerts:queue": [
        {}, *({"view": view} for view in ("mine", "referred", "closed", "triage", "all")), {"severity": "high"},
        {"overdue": "1"}, {"page": "2"}, {"q": "医院"}, {"format": "xlsx"}, {"due": "soon"},  # i18n: data
        {"view": "all", "due": "overdue"}, {"assignee": "me"}, {"sort": "-severity"}, {"sort": "institution"},
        {"sort": "-lines", "size": "100"}, {"sort": "x", "size": "x"},
    ],
    "inspections:tasks": [{}, *({"view": view} for view in ("in_progress", "confirm", "overdue", "closed")),
                          {"status": "closed"}, {"page": "2"}],
    "inspections:publication": [{}, {"view": "overdue"}, {"view": "published"}, {"page": "9999"}],
    "clues:list": [{}, {"status": "new"}, {"source": "inspection"}, {"q": "XS"}],
    "complaints:queue": [{}, *({"view": v} for v in ("triage", "done", "all")), {"status": "received"},
                         {"category": "illegal_practice"}, {"q": "诊所"}, {"sort": "-received"}, {"page": "2"}],  # i18n: data
    "complaint_portal:track": [{}, {"code": "0000000000"}, {"code": "<script>"}],
    "cases:queue": [{}, {"due": "soon"}, {"due": "overdue"}, {"state": "registered"}, {"q": "AJ"}, {"page": "2"},
                    {"sort": "-number"}, {"state": "nonsense"}],
    "cases:inbox": [{}, {"status": "all"}, {"status": "refused"}, {"page": "9999"}],
    "cases:supervision": [{}, {"all": "1"}],
    "portal:results": [{}, {"format": "xlsx"}, {"page": "2"}],
    "portal:plans": [{}, {"page": "2"}],
    "portal:penalties": [{}, {"page": "2"}, {"q": "诊所"}, {"district": "310101"}, {"year": "2026"},  # i18n: data
                         {"district": "x", "year": "20x6", "page": "9999"}],
    "portal:penalty_office": [{}, *({"view": v} for v in ("late", "overdue", "withdrawn", "exempt", "all")),
                              {"view": "x", "page": "2"}],
    "credit:entries": [{}, *({"view": v} for v in ("pending", "ended", "all")), {"list_kind": "focus"},
                      {"q": "诊所"}, {"sort": "-listed_until"}, {"view": "x", "page": "9999"}],  # i18n: data
    "credit:tasks": [{}, {"status": "done"}, {"page": "2"}],
    "credit:repairs": [{}, {"status": "filed"}, {"status": "x"}],
    "credit:reviews": [{}, {"status": "referred"}],
    "credit:export_penalties": [{}, {"format": "xlsx"}],
    "credit:export_lists": [{}, {"format": "xlsx"}],
    "api:institutions": [{}, {"offset": "50"}, {"q": "诊所"}],  # i18n: data (search terms)
    "api:practitioners": [{}, {"kind": "nurse"}],
    "api:inspectors": [{}],
    "api:transfers": [{}, {"status": "all"}, {"status": "refused", "kind": "police"}, {"offset": "50"},
                      {"status": "nonsense"}],
    "complaints:new": [{}, {"channel": "hotline", "region": "310101"}],
}
SKIP = {"logout", "logout_everywhere", "set_language", "api:import_file", "inspections:finding", "api:transfer_receive",
        "api:transfer_accept", "api:transfer_refuse", "api:transfer_answer"}  # writes, tried by the scope matrix instead


@dataclass
class Failure:
    role: str
    url: str
    status: int
    error: str = ""


@dataclass
class SweepResult:
    requests: int = 0
    failures: list[Failure] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    by_shape: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.uncovered


def _model(label: str) -> type[Model]:
    from django.apps import apps

    return apps.get_model(label)


def _sample(queryset: QuerySet[Any], n: int) -> list[Any]:
    """Up to ``n`` records spread evenly over the queryset (deterministic: by primary key)."""
    total = queryset.count()
    if total <= n:
        return list(queryset.order_by("pk"))
    step = total / n
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    return list(queryset.model._default_manager.filter(pk__in=[pks[int(i * step)] for i in range(n)]).order_by("pk"))


def _scoped_or_all(user: Any, model: type[Model]) -> QuerySet[Any]:
    qs = model._default_manager.all()
    return scoped(user, qs) if getattr(model, "scope_rule", None) is not None else qs


def _urls_for_role(user: Any, sample: int) -> Iterator[tuple[str, str]]:
    """(shape, url) for one role."""
    patterns = url_patterns()
    for name, pattern in patterns.items():
        if name in SKIP:
            continue
        if name in SHAPES:
            shape = SHAPES[name]
            qs = _scoped_or_all(user, _model(shape.model))
            if shape.every and shape.every_where:
                where = dict(shape.every_where)
                records = [*qs.filter(**where).distinct().order_by("pk"), *_sample(qs.exclude(**where), sample)]
            else:
                records = qs.order_by("pk") if shape.every else _sample(qs, min(sample, shape.sample or sample))
            for record in records:
                yield name, reverse(name, kwargs={shape.kwarg: getattr(record, shape.field)})
        elif name in FIXED:
            for kwargs in FIXED[name]():
                yield name, reverse(name, kwargs=kwargs)
        elif not pattern.pattern.converters and "<" not in str(pattern.pattern):
            base = reverse(name)
            for query in LIST_QUERIES.get(name, [{}]):
                yield name, base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    yield "404", "/registry/institutions/no-such-record/"
    yield from _admin_urls(user, sample)


def _admin_urls(user: Any, sample: int) -> Iterator[tuple[str, str]]:
    if not user.is_staff:
        return
    yield "admin:index", reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        shape = f"{base}_change"
        yield f"{base}_changelist", reverse(f"{base}_changelist")
        request = _FakeRequest(user)
        if not model_admin.has_view_permission(request):  # type: ignore[arg-type]
            continue
        for record in _sample(model_admin.get_queryset(request), min(sample, 20)):  # type: ignore[arg-type]
            yield shape, reverse(shape, args=[record.pk])
        if model_admin.has_add_permission(request):  # type: ignore[arg-type]
            yield f"{base}_add", reverse(f"{base}_add")


class _FakeRequest:
    """Enough of a request for the admin's permission and queryset hooks."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.GET: dict[str, str] = {}
        self.method = "GET"


def uncovered_patterns() -> list[str]:
    """URL patterns that take arguments the sweep does not know how to fill."""
    return sorted(
        name for name, pattern in url_patterns().items()
        if name not in SHAPES and name not in FIXED and name not in SKIP
        and (pattern.pattern.converters or "<" in str(pattern.pattern))
    )  # fmt: skip


def sweep(users: Iterable[tuple[str, Any]], *, sample: int = 200,
          progress: Callable[[str, int], None] | None = None) -> SweepResult:  # fmt: skip
    """Request every shape for every (role, user); a 5xx or an exception is a failure."""
    started = time.perf_counter()
    result = SweepResult(uncovered=uncovered_patterns())
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 403/404 are expected answers here
    for role, user in users:
        client = Client(raise_request_exception=True)
        client.force_login(user)
        mark_client_verified(client)  # the sweep opens pages, not the second factor
        for shape, url in _urls_for_role(user, sample):
            result.requests += 1
            result.by_shape[shape] = result.by_shape.get(shape, 0) + 1
            try:
                status = client.get(url).status_code
            except Exception as exc:  # a page that raises is the failure we are looking for
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                result.failures.append(Failure(role, url, 500, f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})"))
                continue
            if status >= 500:
                result.failures.append(Failure(role, url, status))
        if progress:
            progress(role, result.requests)
    result.seconds = time.perf_counter() - started
    return result
