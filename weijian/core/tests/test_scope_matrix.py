"""Role × path: nothing outside a role's scope can be read, created, changed, moved or deleted.

The test enumerates every URL pattern of the platform (pages and API), every back-office admin and every
import kind, and tries each for every role against two districts' records: 黄浦 (A, the district manager's
own) and 徐汇 (B). Reads must answer exactly what :func:`weijian.core.scope.scoped` allows; writes outside
the scope must be refused and leave the database unchanged; the same writes inside it must work.

A new app extends it: register each of its URL names in ``URL_CASES`` (the coverage test fails until it
does), its admins in ``ADMIN_ACCESS`` and its write paths below.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from weijian.conftest import DISTRICT_A, DISTRICT_B
from weijian.core.models import AuditEvent, Department, Profile, Region, Role
from weijian.core.roles import STAFF_ROLES, role_groups_sync
from weijian.core.scope import ASK_CITY, scoped
from weijian.registry.models import (
    ImportBatch,
    Inspector,
    Institution,
    InstitutionDept,
    Practitioner,
    PractitionerScope,
    Registration,
)

pytestmark = pytest.mark.django_db

ZHANG = "110310101000001"  # kept by A (primary at a1), also registered at b2 (多点执业)
LI = "110310104000002"  # kept by B (primary at b2); the test gives her a second registration at a1
WANG = "31010100000001"  # health inspector of A
ZHAO = "31010400000002"  # health inspector of B
QIAN = "31010400000003"  # market inspector of B

ROLES: dict[str, dict[str, Any]] = {
    "city": {"role": Role.CITY_ADMIN, "region": "310000", "department": "health"},
    "manager_a": {"role": Role.DISTRICT_MANAGER, "region": DISTRICT_A, "department": "health"},
    "inspector_a": {"role": Role.INSPECTOR, "region": DISTRICT_A, "department": "health"},
    "partner": {"role": Role.PARTNER_OFFICER, "region": "310000", "department": "market"},
    "institution": {"role": Role.INSTITUTION_USER, "region": None, "department": None, "institution": "a2"},
    "public": {"role": Role.PUBLIC, "region": None, "department": None},
    "system": {"role": Role.SYSTEM_ADMIN, "region": None, "department": None},
    "security": {"role": Role.SECURITY_ADMIN, "region": None, "department": None},
    "audit": {"role": Role.AUDIT_ADMIN, "region": None, "department": None},
    "superuser": {"superuser": True},  # break-glass account without a profile: acts as security administrator
}
IMPORTERS = {"city", "manager_a"}


@dataclass
class World:
    codes: dict[str, str]
    users: dict[str, Any]
    clients: dict[str, Client]


@pytest.fixture
def world(registry: dict[str, str], django_user_model: Any, settings: Any, tmp_path: Any) -> World:
    settings.DATA_DIR = tmp_path  # the evidence files of the inspection samples
    groups = role_groups_sync()
    # 李娜 (kept by B) also practises at a1 in A: A reads her record and manages that registration only.
    Registration.objects.create(
        practitioner=Practitioner.objects.get(cert_no=LI), institution=Institution.objects.get(uscc=registry["a1"]),
        is_primary=False, valid_from="2024-01-01",
    )  # fmt: skip
    users, clients = {}, {}
    for key, spec in ROLES.items():
        if spec.get("superuser"):
            user = django_user_model.objects.create_superuser(key, password="correct-horse-9")
        else:
            role = spec["role"]
            user = django_user_model.objects.create_user(key, password="correct-horse-9", is_staff=role in STAFF_ROLES)
            Profile.objects.create(
                user=user, role=role,
                region=Region.objects.get(code=spec["region"]) if spec["region"] else None,
                department=Department.objects.get(code=spec["department"]) if spec["department"] else None,
                institution=Institution.objects.get(uscc=registry[spec["institution"]]) if spec.get("institution") else None,
            )  # fmt: skip
            if role in groups:
                user.groups.set([groups[role]])
        users[key] = user
        client = Client()
        client.force_login(user)
        clients[key] = client
    return World(registry, users, clients)


def snapshot() -> list[tuple[Any, ...]]:
    """Every business row of the registries: equal before and after means nothing was written."""
    rows: list[tuple[Any, ...]] = []
    for model in (Institution, InstitutionDept, Practitioner, PractitionerScope, Registration, Inspector):
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        rows.extend((model.__name__, *r) for r in model.objects.order_by("pk").values_list(*fields))
    return rows


# --------------------------------------------------------------------------- reads: every URL pattern


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns != "admin":  # the back-office is enumerated from admin.site below
                    walk(pattern, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), None)
    return names


@dataclass(frozen=True)
class Detail:
    """A URL that shows one record: 200 exactly when the record is in the user's scope, else 404."""

    model: type[Model]
    kwarg: str
    field: str
    samples: tuple[str, ...]  # natural keys or fixture codes (``a1`` …)


@dataclass(frozen=True)
class Listing:
    """A URL that lists records: none outside the scope may show (by name), exports included."""

    model: type[Model] | None
    export: bool = False


OTHER = "other"  # pages without records of their own (login, docs, language, templates)
URL_CASES: dict[str, Detail | Listing | str] = {
    "home": OTHER,
    "favicon": OTHER,
    "login": OTHER,
    "logout": OTHER,
    "set_language": OTHER,
    "notifications": OTHER,  # the reader's own notices only: weijian/cases/tests/test_pages.py
    "otp_verify": OTHER,  # the user's own account (second factor, password, sessions): weijian/core/tests/test_auth.py
    "otp_enrol": OTHER,
    "account": OTHER,
    "password_change": OTHER,
    "logout_everywhere": OTHER,
    "registry:institution_list": Listing(Institution, export=True),
    "registry:institution_detail": Detail(Institution, "uscc", "uscc", ("a1", "a2", "b1", "b2")),
    "registry:practitioner_list": Listing(Practitioner, export=True),
    "registry:practitioner_detail": Detail(Practitioner, "cert_no", "cert_no", (ZHANG, LI)),
    "registry:inspector_list": Listing(Inspector, export=True),
    "registry:inspector_detail": Detail(Inspector, "badge_no", "badge_no", (WANG, ZHAO, QIAN)),
    "registry:import": OTHER,
    "registry:import_template": OTHER,
    "registry:import_batch": Detail(ImportBatch, "pk", "pk", ("batch_a", "batch_city")),
    "registry:import_rejects": Detail(ImportBatch, "pk", "pk", ("batch_a", "batch_city")),
    "alerts:queue": Listing(None, export=True),
    "alerts:detail": Detail(apps.get_model("alerts", "WorkItem"), "pk", "pk", ("item_a", "item_b", "item_triage")),
    "alerts:lines_export": Detail(apps.get_model("alerts", "WorkItem"), "pk", "pk", ("item_a", "item_b")),
    "inspections:tasks": Listing(None),
    "inspections:detail": Detail(apps.get_model("inspections", "Inspection"), "pk", "pk", ("insp_a", "insp_b")),
    "inspections:finding": OTHER,  # a write path (POST): covered by weijian/inspections/tests
    "inspections:attachment": Detail(apps.get_model("inspections", "Attachment"), "pk", "pk", ("photo_a", "photo_b")),
    "inspections:publication": Listing(None),
    "clues:list": Listing(None),
    "clues:detail": Detail(apps.get_model("clues", "Clue"), "pk", "pk", ("clue_a", "clue_b")),
    "documents:download": Detail(apps.get_model("documents", "IssuedDocument"), "pk", "pk", ("doc_a", "doc_b")),
    "complaints:queue": Listing(None),
    "complaints:detail": Detail(apps.get_model("complaints", "Complaint"), "pk", "pk",
                                ("complaint_a", "complaint_b", "complaint_triage")),
    "complaints:new": OTHER,  # staff entry (来电来访来信): a form; its writes in weijian/complaints/tests
    "complaints:photo": Detail(apps.get_model("complaints", "ComplaintPhoto"), "pk", "pk", ("cphoto_a", "cphoto_b")),
    "complaint_portal:index": OTHER,  # public: the form, the receipt and tracking by code (weijian/complaints/tests)
    "complaint_portal:new": OTHER,
    "complaint_portal:receipt": OTHER,
    "complaint_portal:track": OTHER,
    "open311:discovery": OTHER,  # public: where the endpoint is, its formats (weijian/complaints/tests)
    "open311:services": OTHER,  # Open311: public fields without a key (weijian/complaints/tests/test_open311.py)
    "open311:service": OTHER,
    "open311:requests": OTHER,
    "open311:request": OTHER,
    "cases:queue": Listing(None),  # by case number: weijian/cases/tests/test_pages.py
    "cases:detail": Detail(apps.get_model("cases", "Case"), "pk", "pk", ("case_a", "case_b")),
    "cases:decide": Detail(apps.get_model("cases", "Case"), "pk", "pk", ("case_a", "case_b")),
    "cases:notify": OTHER,  # POST only (weijian/cases/tests)
    "cases:register": Detail(apps.get_model("clues", "Clue"), "pk", "pk", ("clue_a", "clue_b")),
    "cases:evidence": OTHER,  # a case's file: weijian/cases/tests/test_pages.py
    "cases:inbox": Listing(None),
    "cases:transfer": Detail(apps.get_model("cases", "Transfer"), "pk", "pk", ("transfer_a", "transfer_b")),
    "cases:supervision": Listing(None),
    "cases:supervision_act": OTHER,  # POST only (weijian/cases/tests)
    "portal:home": OTHER,  # public, published records only: weijian/portal/tests
    "portal:plans": OTHER,
    "portal:plan": OTHER,
    "portal:results": OTHER,
    "portal:result": OTHER,
    "portal:penalties": OTHER,  # public, published and in-window penalties only: weijian/portal/tests
    "portal:penalty": OTHER,
    "portal:penalty_office": Listing(None),  # staff, scoped (weijian/portal/tests/test_pages.py)
    "api:openapi-json": OTHER,
    "api:openapi-view": OTHER,
    "api:api-root": OTHER,
    "api:regions": OTHER,
    "api:departments": OTHER,
    "api:institutions": Listing(Institution),
    "api:institution": Detail(Institution, "uscc", "uscc", ("a1", "a2", "b1", "b2")),
    "api:practitioners": Listing(Practitioner),
    "api:practitioner": Detail(Practitioner, "cert_no", "cert_no", (ZHANG, LI)),
    "api:inspectors": Listing(Inspector),
    "api:inspector": Detail(Inspector, "badge_no", "badge_no", (WANG, ZHAO, QIAN)),
    "api:import_file": OTHER,  # a write path: covered by the import tests below
    "plans:list": Listing(apps.get_model("inspections", "Plan")),
    "plans:create": OTHER,  # a write path: planning roles only (planning tests)
    "plans:figures": Listing(apps.get_model("inspections", "Plan")),
    "plans:detail": Detail(apps.get_model("inspections", "Plan"), "pk", "pk", ("plan_a", "plan_b")),
    "plans:edit": OTHER,  # planning roles only; out of scope 404 (planning tests)
    "plans:commit": OTHER,  # POST only (planning tests)
    "plans:override": OTHER,  # POST only (planning tests)
    "plans:draw": Detail(apps.get_model("inspections", "Draw"), "pk", "pk", ("draw_a", "draw_b")),
    "plans:draw_run": OTHER,  # POST only (planning tests)
    "plans:draw_record": Detail(apps.get_model("inspections", "Draw"), "pk", "pk", ("draw_a", "draw_b")),
    "api:plans": Listing(apps.get_model("inspections", "Plan")),
    "api:plan": Detail(apps.get_model("inspections", "Plan"), "pk", "pk", ("plan_a", "plan_b")),
    "api:draw": Detail(apps.get_model("inspections", "Draw"), "pk", "pk", ("draw_a", "draw_b")),
    "api:draw_record": Detail(apps.get_model("inspections", "Draw"), "pk", "pk", ("draw_a", "draw_b")),
    "api:transfers": Listing(None),  # the receiving department's inbox: weijian/cases/tests/test_api.py
    "api:transfer": Detail(apps.get_model("cases", "Transfer"), "pk", "pk", ("transfer_a", "transfer_b")),
    "api:transfer_receive": OTHER,  # POST only: each step, both auth kinds, other departments (cases/tests/test_api.py)
    "api:transfer_accept": OTHER,
    "api:transfer_refuse": OTHER,
    "api:transfer_answer": OTHER,
    "credit:list": Listing(None),  # graded institutions through scoped(): weijian/credit/tests/test_pages.py
    "credit:archive": Detail(Institution, "pk", "pk", ("a1", "a2", "b1", "b2")),
    "credit:points_record": OTHER,  # POST only (weijian/credit/tests/test_pages.py)
    "credit:licence_check_record": OTHER,  # POST only (weijian/credit/tests/test_pages_entries.py)
    "credit:notice_send": OTHER,  # POST only (weijian/credit/tests/test_pages.py)
    "credit:objection_file": Detail(apps.get_model("credit", "PointNotice"), "pk", "pk", ("notice_a", "notice_b")),
    "credit:objection_decide": Detail(apps.get_model("credit", "Objection"), "pk", "pk", ("objection_a", "objection_b")),
    "credit:practitioner": Detail(Practitioner, "pk", "pk", (ZHANG, LI)),
    "credit:insurance_points_record": OTHER,  # POST only, 医保 officers (weijian/credit/tests/test_pages_entries.py)
    "credit:entries": Listing(None),  # scoped by region and institution: weijian/credit/tests
    "credit:entry_new": OTHER,  # the city office's form, no record of its own
    "credit:entry": Detail(apps.get_model("credit", "CreditListEntry"), "pk", "pk", ("entry_a", "entry_b")),
    "credit:tasks": Listing(None),  # by department: weijian/credit/tests/test_lists.py
    "credit:task_done": OTHER,  # POST only (weijian/credit/tests)
    "credit:repairs": Listing(None),
    "credit:repair_new": OTHER,  # an institution files for its own penalty (by party code): weijian/credit/tests
    "credit:repair": Detail(apps.get_model("credit", "RepairRequest"), "pk", "pk", ("repair_a", "repair_b")),
    "credit:reviews": Listing(None),
    "credit:review": Detail(apps.get_model("credit", "CrossRegionReview"), "pk", "pk", ("review_a", "review_b")),
    "credit:export_penalties": OTHER,  # scoped exports: weijian/credit/tests/test_exchange.py
    "credit:export_lists": OTHER,
    "credit:import": OTHER,  # an upload form; rows guarded by the registry importer (weijian/credit/tests)
    "credit:api_records": OTHER,  # POST with a department key (weijian/credit/tests/test_exchange.py)
}


def test_every_url_pattern_is_in_the_matrix() -> None:
    assert _url_names() - set(URL_CASES) == set(), "new URL patterns need a row in URL_CASES"
    assert set(URL_CASES) - _url_names() == set(), "URL_CASES names patterns that no longer exist"


def _batch(code: str, actor: Any) -> ImportBatch:
    from weijian.registry.imports.service import import_bytes

    content = "institution_id,dept_code,valid_from\n" + f"{code},05,2024-01-01\n"
    result = import_bytes(kind="institution_depts", data=content.encode(), filename="d.csv", actor=actor)
    return ImportBatch.objects.get(pk=result.batch_id)


def _item(codes: dict[str, str], key: str | None, department: str | None = "health") -> Model:
    """A work item about institution ``key`` in its district's ``department`` queue (None: awaiting triage)."""
    from weijian.alerts.models import Alert, AnalyticsRun, WorkItem

    run, _ = AnalyticsRun.objects.get_or_create(
        fingerprint="matrix", defaults={"source": "t", "period_start": "2025-01-01", "period_end": "2025-12-31"}
    )
    institution = Institution.objects.get(uscc=codes[key or "a1"])
    item = WorkItem.objects.create(
        rule_id="institution_licence", rule_name="无证/超期执业", severity="high", group_key=f"{key}|{department}",
        institution=institution, institution_code=institution.uscc, region=institution.district,
        department=Department.objects.get(code=department) if department else None,
        period_start="2025-01-01", period_end="2025-12-31", first_run=run, line_count=1,
    )  # fmt: skip
    Alert.objects.create(
        run=run, item=item, rule_id=item.rule_id, subject_type="visit", subject_id=f"V-{key}-{department}",
        institution_code=institution.uscc, institution=institution, period_start="2025-01-01",
        period_end="2025-12-31", severity="high", evidence={"visit_id": f"V-{key}"},
    )  # fmt: skip
    return item


def _samples(world: World) -> dict[str, Model]:
    codes = world.codes
    found: dict[str, Model] = {k: Institution.objects.get(uscc=v) for k, v in codes.items()}
    found.update({cert: Practitioner.objects.get(cert_no=cert) for cert in (ZHANG, LI)})
    found.update({badge: Inspector.objects.get(badge_no=badge) for badge in (WANG, ZHAO, QIAN)})
    found["batch_a"] = _batch(codes["a1"], world.users["manager_a"])
    found["batch_city"] = _batch(codes["b1"], world.users["city"])
    found["item_a"] = _item(codes, "a1")
    found["item_b"] = _item(codes, "b1")
    found["item_triage"] = _item(codes, "a2", department=None)
    for key, district in (("a", DISTRICT_A), ("b", DISTRICT_B)):
        found[f"plan_{key}"], found[f"draw_{key}"] = _plan(district)
    found.update(_inspection_samples(codes))
    found.update(_document_samples(found))
    found.update(_complaint_samples(codes))
    found.update(_credit_samples(codes, world.users["city"]))
    found.update(_credit_point_samples(codes))
    return found


def _credit_point_samples(codes: dict[str, str]) -> dict[str, Model]:
    """A point event with its notice served and an objection filed, in each district."""
    import datetime as dt

    from weijian.credit.services import notice_send, objection_file, point_event_record

    found: dict[str, Model] = {}
    for key, code in (("a", "a1"), ("b", "b1")):
        event = point_event_record(actor="matrix", institution=Institution.objects.get(uscc=codes[code]), item_code="L01",
                                   occurred_on=dt.date(2026, 3, 2))  # fmt: skip
        found[f"notice_{key}"] = notice = notice_send(actor="matrix", notice=event.notice, sent_on=dt.date(2026, 3, 3))
        found[f"objection_{key}"] = objection_file(actor="matrix", notice=notice, filed_on=dt.date(2026, 3, 4),
                                                   grounds="测试申辩")  # fmt: skip
    return found


def _credit_samples(codes: dict[str, str], city: Any) -> dict[str, Model]:
    """A list entry, a repair request and a cross-region review in each district, written directly."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType

    from weijian.credit.models import CreditRecord
    from weijian.credit.models_lists import CreditListEntry, CrossRegionReview, RepairRequest
    from weijian.portal.models import Disclosure

    out: dict[str, Model] = {}
    health = Department.objects.get(code="health")
    for key, code in (("a", "a1"), ("b", "b1")):
        institution = Institution.objects.get(uscc=codes[code])
        region = institution.district
        out[f"entry_{key}"] = CreditListEntry.objects.create(
            list_kind="severe", subject_kind="institution", institution=institution, region=region,
            rule_code="specially_serious", rule_label="测试", notified_on=dt.date(2026, 1, 5))  # fmt: skip
        disclosure = Disclosure.objects.create(
            kind="penalty", source_type=ContentType.objects.get_for_model(Institution), source_id=institution.pk,
            region=region, department=health, party_name=institution.name, decision_number=f"测罚{key}",
            fields={"party_code": institution.uscc}, severity="general", decided_on=dt.date(2026, 1, 5))  # fmt: skip
        out[f"repair_{key}"] = RepairRequest.objects.create(
            disclosure=disclosure, institution=institution, region=region, correction="已整改", commitment="承诺",
            filed_on=dt.date(2026, 5, 1))  # fmt: skip
        records = [CreditRecord.objects.create(
            institution=institution, source_kind="case", source_key=f"matrix:{key}:{n}", occurred_on=dt.date(2026, 1, n),
            severity="general", category="penalty", title="测试处罚", region=region, department=health,
            violation_code="x") for n in (1, 2)]  # fmt: skip
        out[f"review_{key}"] = CrossRegionReview.objects.create(
            subject_key=institution.uscc, subject_label=institution.name, violation_code="x", earlier=records[0],
            later=records[1], earlier_region=region.code, later_region="320102", region=region, window_months=24)  # fmt: skip
    return out


def _complaint_samples(codes: dict[str, str]) -> dict[str, Model]:
    """A complaint (with a photo) in each district's health queue, and one awaiting triage, written directly."""
    from weijian.complaints.models import Complaint, ComplaintPhoto
    from weijian.inspections import evidence
    from weijian.inspections.tests.conftest import png_bytes

    image = evidence.check_image(png_bytes("green"), field="photo")
    stored, _ = evidence.store(image)
    found: dict[str, Model] = {}
    health = Department.objects.get(code="health")
    for key, code, department in (("a", "a1", health), ("b", "b1", health), ("triage", "a2", None)):
        institution = Institution.objects.get(uscc=codes[code])
        found[f"complaint_{key}"] = complaint = Complaint.objects.create(
            tracking_code=f"TESTCODE{key[0].upper()}00", source="web", category="illegal_practice",
            description="测试投诉", region=institution.district, district=institution.district,
            institution=institution, department=department,
        )  # fmt: skip
        if department is not None:
            found[f"cphoto_{key}"] = ComplaintPhoto.objects.create(
                complaint=complaint, sha256=image.sha256, stored_name=stored, content_type="image/png", size=len(image.data))
    return found


def _document_samples(found: dict[str, Model]) -> dict[str, Model]:
    """An issued document about each district's clue, written directly (rendering is the documents app's test)."""
    import hashlib

    from django.contrib.contenttypes.models import ContentType

    from weijian.documents.models import IssuedDocument
    from weijian.inspections import evidence

    out: dict[str, Model] = {}
    for key in ("a", "b"):
        clue = found[f"clue_{key}"]
        data = f"%PDF-1.7 matrix {key}".encode()
        sha = hashlib.sha256(data).hexdigest()
        stored, _ = evidence.store_bytes(data, sha, "pdf")
        out[f"doc_{key}"] = IssuedDocument.objects.create(
            kind="case_filing", title="立案报告", numbering="serial", number=f"2026—00{1 if key == 'a' else 2}",
            region=clue.region, department=clue.department, sequence_group="case_filing", year=2026, sequence=1,
            subject_type=ContentType.objects.get_for_model(clue), subject_id=clue.pk, sha256=sha, stored_name=stored,
            size=len(data), issued_on="2026-12-01",
        )  # fmt: skip
    return out


def _inspection_samples(codes: dict[str, str]) -> dict[str, Model]:
    """An inspection with a photo and a clue in each district (health department), written directly."""
    from weijian.clues.models import Clue
    from weijian.inspections import evidence
    from weijian.inspections.models import Attachment, Inspection
    from weijian.inspections.tests.conftest import png_bytes

    found: dict[str, Model] = {}
    health = Department.objects.get(code="health")
    for key, code in (("a", "a1"), ("b", "b1")):
        institution = Institution.objects.get(uscc=codes[code])
        inspection = Inspection.objects.create(institution=institution, department=health, mode="random",
                                               item_codes=["CC00227"], source_kind="other")  # fmt: skip
        image = evidence.check_image(png_bytes("red" if key == "a" else "blue"), field="photo")
        stored, _ = evidence.store(image)
        found[f"insp_{key}"] = inspection
        found[f"photo_{key}"] = Attachment.objects.create(
            inspection=inspection, sha256=image.sha256, stored_name=stored, original_name="p.png",
            content_type=image.content_type, size=len(image.data),
        )  # fmt: skip
        found[f"clue_{key}"] = Clue.objects.create(
            number=f"XS-{institution.district.code}-2026-00000{1 if key == 'a' else 2}", source_kind="other",
            institution=institution, subject_name=institution.name, region=institution.district, department=health,
            facts="测试",
        )  # fmt: skip
        found.update(_case_samples(key, found[f"clue_{key}"]))
    return found


def _case_samples(key: str, clue: Model) -> dict[str, Model]:
    """A case on the district's clue, with a transfer to the market department and a 督办, written directly."""
    from django.utils import timezone

    Case, Transfer, Supervision = (apps.get_model("cases", n) for n in ("Case", "Transfer", "Supervision"))
    case = Case.objects.create(number=f"AJ-{clue.region.code}-health-2026-00001", clue=clue, cause=f"案由{key}",
                               region=clue.region, department=clue.department, registered_on="2026-03-02")  # fmt: skip
    transfer = Transfer.objects.create(case=case, kind="department", to_department=Department.objects.get(code="market"),
                                       region=clue.region, note="移送", sent_at=timezone.now())  # fmt: skip
    Supervision.objects.create(case=case, reason=f"督办{key}", started_on="2026-03-02")
    return {f"case_{key}": case, f"transfer_{key}": transfer}


def _plan(district: str) -> tuple[Model, Model]:
    """A plan of the district's health office, committed (its draw published, not drawn yet)."""
    from django.utils import timezone

    Plan, Draw = apps.get_model("inspections", "Plan"), apps.get_model("inspections", "Draw")
    plan = Plan.objects.create(
        name=f"计划{district}", year=2026, period_start="2026-01-01", period_end="2026-12-31",
        region=Region.objects.get(code=district), lead_department=Department.objects.get(code="health"),
        item_codes=["CC00227"], ratios={"A": "5", "B": "20", "C": "50", "D": "100"}, status="committed",
    )  # fmt: skip
    made = Draw.objects.create(plan=plan, algorithm="weijian-draw-v1", population_hash="0" * 64, commitment="1" * 64,
                               secret="2" * 64, committed_at=timezone.now(), record={"secret": None})  # fmt: skip
    return plan, made


def _visible(user: Any, obj: Model) -> bool:
    return scoped(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def test_reads_answer_exactly_the_scope(world: World) -> None:
    samples = _samples(world)
    probes = 0
    for name, case in URL_CASES.items():
        if not isinstance(case, Detail):
            continue
        for key in case.samples:
            obj = samples[key]
            url = reverse(name, kwargs={case.kwarg: getattr(obj, case.field)})
            for role, client in world.clients.items():
                expected = 200 if _visible(world.users[role], obj) else 404
                status = client.get(url).status_code
                assert status == expected, (name, key, role, status)
                probes += 1
    assert probes > 200
    # the facts behind the matrix, spelt out for the district manager of A
    manager = world.users["manager_a"]
    assert _visible(manager, samples["a1"]) and not _visible(manager, samples["b1"])
    assert _visible(manager, samples[LI]), "a practitioner registered in A is readable there (多点执业)"
    assert not _visible(world.users["partner"], samples["batch_a"]), "batches are scoped by department"
    for role in ("system", "security", "audit", "superuser", "public"):
        assert not any(_visible(world.users[role], obj) for obj in samples.values()), role


def _names_of(model: type[Model]) -> dict[int, str]:
    field = "name"
    return dict(model.objects.values_list("pk", field))


def test_lists_and_exports_show_nothing_outside_the_scope(world: World) -> None:
    samples = _samples(world)
    for name, case in URL_CASES.items():
        if not isinstance(case, Listing) or case.model is None:
            continue
        for role, client in world.clients.items():
            user = world.users[role]
            allowed = set(scoped(user, case.model.objects.all()).values_list("pk", flat=True))
            response = client.get(reverse(name))
            assert response.status_code == 200, (name, role)
            body = response.content.decode()
            for pk, label in _names_of(case.model).items():
                if pk not in allowed:
                    assert label not in body, (name, role, label)
            if case.export:
                export = client.get(reverse(name), {"format": "xlsx"})
                # an export: the line saying who exported which filter when, then the header on row 2
                sheet = load_workbook(io.BytesIO(export.content)).active
                shown = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
                assert shown <= {label for pk, label in _names_of(case.model).items() if pk in allowed}, (name, role)
    for role, client in world.clients.items():  # the work-item queue, every view of it
        user = world.users[role]
        pages = "".join(client.get(reverse("alerts:queue"), {"view": view}).content.decode()
                        for view in ("open", "triage", "all"))  # fmt: skip
        for key in ("item_a", "item_b", "item_triage"):
            item = samples[key]
            assert (f"/alerts/{item.pk}/" in pages) == _visible(user, item), (role, key)


# --------------------------------------------------------------------------- writes: imports (pages and API)


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _out_of_scope_rows(codes: dict[str, str]) -> dict[str, list[bytes]]:
    """For the district manager of A: each file below reaches outside A and must be refused, row by row."""
    inst = "institution_id,name,kind,district_code"
    return {
        "institutions": [
            _csv(inst, f"{_new_uscc(DISTRICT_B)},徐汇新开诊所,clinic,{DISTRICT_B}"),  # create in B
            _csv(inst, f"{codes['b1']},改名,community_health_center,{DISTRICT_A}"),  # take over a B record
            _csv(inst, f"{codes['a1']},上海市黄浦区瑞金医院分院,hospital,{DISTRICT_B}"),  # move own record to B
        ],
        "institution_depts": [_csv("institution_id,dept_code,valid_from", f"{codes['b1']},05,2024-01-01")],
        "practitioners": [
            _csv("practitioner_id,name,kind", f"{LI},改名,physician"),  # kept by B
            _csv("practitioner_id,name,kind", "110310101000099,新人,physician"),  # new without a registration
            _csv("practitioner_id,name,kind,institution_id,registration_valid_from",
                 f"110310101000098,新人,physician,{codes['b1']},2025-01-01"),  # new, registered in B
        ],
        "practitioner_scopes": [_csv("practitioner_id,dept_code", f"{LI},03")],
        "registrations": [
            _csv("practitioner_id,institution_id,is_primary,valid_from", f"{ZHANG},{codes['b1']},false,2025-01-01"),
            _csv("practitioner_id,institution_id,is_primary,valid_from", f"{LI},{codes['a1']},true,2025-02-01"),
        ],
        "inspectors": [
            _csv("badge_no,name,department,region_code", f"{ZHAO},改名,health,{DISTRICT_A}"),  # take over
            _csv("badge_no,name,department,region_code", f"31010499999999,新人,health,{DISTRICT_B}"),  # create in B
            _csv("badge_no,name,department,region_code", f"31010199999999,新人,market,{DISTRICT_A}"),  # other dept
            _csv("badge_no,name,department,region_code", f"{WANG},王监督,health,{DISTRICT_B}"),  # move own to B
        ],
    }


def _in_scope_rows(codes: dict[str, str]) -> dict[str, bytes]:
    """The same kinds of write inside A: the guard must let them through."""
    return {
        "institutions": _csv("institution_id,name,kind,district_code", f"{_new_uscc(DISTRICT_A)},黄浦新开诊所,clinic,{DISTRICT_A}"),
        "institution_depts": _csv("institution_id,dept_code,valid_from", f"{codes['a2']},05,2024-01-01"),
        "practitioners": _csv("practitioner_id,name,kind,institution_id,registration_valid_from",
                              f"110310101000097,黄浦新人,physician,{codes['a2']},2025-01-01"),
        "practitioner_scopes": _csv("practitioner_id,dept_code", f"{ZHANG},04"),
        "registrations": _csv("practitioner_id,institution_id,is_primary,valid_from", f"{LI},{codes['a2']},false,2025-03-01"),
        "inspectors": _csv("badge_no,name,department,region_code", f"31010199999998,新监督,health,{DISTRICT_A}"),
    }  # fmt: skip


def _new_uscc(district: str) -> str:
    from weijian.conftest import make_uscc

    return make_uscc(district, "MA9999999", "92")


def _import(client: Client, kind: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(f"{kind}.csv", content, content_type="text/csv")
    return client.post(f"/api/imports/{kind}", {"file": upload})


def test_imports_outside_the_scope_are_refused_and_change_nothing(world: World) -> None:
    client = world.clients["manager_a"]
    names_b = {world.codes["b1"]: "徐汇区枫林街道社区卫生服务中心"}
    for kind, files in _out_of_scope_rows(world.codes).items():
        for content in files:
            before = snapshot()
            response = _import(client, kind, content)
            assert response.status_code == 200, (kind, response.content)
            data = response.json()
            assert data["rejected"] == 1 and data["created"] == data["updated"] == 0, (kind, content, data)
            assert snapshot() == before, (kind, content)
            for reject in data["rejects"]:
                assert not any(name in reject["reason"] for name in names_b.values())
    # a key that exists outside the scope: ask the city office, and nothing of the record is shown
    data = _import(client, "institutions", _out_of_scope_rows(world.codes)["institutions"][1]).json()
    assert data["rejects"][0]["reason"] == ASK_CITY


def test_imports_inside_the_scope_still_work(world: World) -> None:
    client = world.clients["manager_a"]
    for kind, content in _in_scope_rows(world.codes).items():
        data = _import(client, kind, content).json()
        assert data["rejected"] == 0 and data["created"] == 1, (kind, data)
    new = Practitioner.objects.get(cert_no="110310101000097")
    assert new.owner_district_code == DISTRICT_A, "created together with its primary registration in A"
    renamed = _import(client, "institutions", _csv("institution_id,name,kind,district_code",
                                                   f"{world.codes['a1']},瑞金医院黄浦分院,hospital,{DISTRICT_A}"))  # fmt: skip
    assert renamed.json()["updated"] == 1
    assert Institution.objects.get(uscc=world.codes["a1"]).search_text.startswith("瑞金医院黄浦分院")


def test_only_registry_editors_may_import(world: World) -> None:
    content = _in_scope_rows(world.codes)["institutions"]
    for role, client in world.clients.items():
        before = snapshot()
        status = _import(client, "institutions", content).status_code
        page = client.post("/registry/import/", {"kind": "institutions",
                                                 "file": SimpleUploadedFile("i.csv", content)}).status_code  # fmt: skip
        if role in IMPORTERS:
            assert status == 200 and page == 302, role
        else:
            assert status == 403 and page == 403, (role, status, page)
            assert snapshot() == before, role


def test_city_office_imports_anywhere(world: World) -> None:
    client = world.clients["city"]
    for kind, files in _out_of_scope_rows(world.codes).items():
        for content in files:
            data = _import(client, kind, content).json()
            assert all(r["reason"] != ASK_CITY and "权限范围" not in r["reason"] for r in data["rejects"]), (kind, data)


# --------------------------------------------------------------------------- writes: the back-office


class _FormReader(HTMLParser):
    """The submitted values of the admin's change form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def _form(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


def _admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Which roles may open each admin's list (the rest get 403, or the login page when not staff).
ADMIN_ACCESS: dict[str, set[str]] = {
    "registry.institution": {"city", "manager_a"},
    "registry.practitioner": {"city", "manager_a"},
    "registry.registration": {"city", "manager_a"},
    "registry.inspector": {"city", "manager_a"},
    "registry.inspectorconflict": {"city", "manager_a"},
    "registry.deptcode": {"city", "manager_a", "system"},
    "core.region": {"system"},
    "core.department": {"system"},
    "core.profile": {"security", "superuser"},
    "auth.user": {"system", "security", "superuser"},
    "auth.group": {"security", "superuser"},
    "axes.accessattempt": {"security", "superuser"},
    "axes.accesslog": {"security", "superuser"},
    "axes.accessfailurelog": {"security", "superuser"},
    "core.auditevent": {"audit"},
    "core.accessevent": {"audit"},
    "alerts.workitem": {"city", "manager_a"},
    "alerts.alert": {"city", "manager_a"},
    "alerts.indicator": {"city", "manager_a"},
    "alerts.analyticsrun": {"city"},
    "risk.analyticsscore": {"city", "manager_a"},
    "inspections.plan": {"city", "manager_a"},
    "inspections.draw": {"city", "manager_a"},
    "clues.clue": {"city", "manager_a"},
    "complaints.complaint": {"city", "manager_a"},
    "complaints.apikey": {"city", "security", "superuser"},
    **{f"cases.{m}": {"city", "manager_a"} for m in ("case", "caseparty", "casehandler", "caseevidence", "transfer",
                                                     "supervision", "jointteammember")},
    **{f"credit.{m}": {"city", "manager_a"} for m in ("creditrecord", "licencecheck", "pointevent", "pointnotice",
                                                      "objection", "insurancepointevent", "creditgrade",
                                                      "creditlistentry", "jointmeasuretask", "repairrequest",
                                                      "crossregionreview")},
}


def test_every_admin_is_gated_by_role(world: World) -> None:
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_ACCESS), "new admins need a row in ADMIN_ACCESS"
    for model in admin.site._registry:
        allowed = ADMIN_ACCESS[model._meta.label_lower]
        for role, client in world.clients.items():
            status = client.get(_admin_url(model, "changelist")).status_code
            if role in allowed:
                assert status == 200, (model, role, status)
            else:
                assert status in (302, 403), (model, role, status)


def test_no_one_changes_work_items_or_the_audit_log_in_the_admin(world: World) -> None:
    from weijian.alerts.models import WorkItem

    item = _item(world.codes, "a1")
    event = AuditEvent.objects.first()
    for client in world.clients.values():
        for model, pk in ((WorkItem, item.pk), (AuditEvent, event.pk)):
            assert client.post(_admin_url(model, "change", pk), {"status": "dismissed"}).status_code in (302, 403, 404)
            assert client.post(_admin_url(model, "delete", pk), {"post": "yes"}).status_code in (302, 403, 404)
    assert WorkItem.objects.get(pk=item.pk).status == "open"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_work_item_writes_outside_the_scope_are_refused(world: World) -> None:
    """Disposal, assignment, outcome and routing: a queue outside the scope answers like a missing item."""
    from weijian.alerts import services
    from weijian.alerts.models import WorkItem

    item_b = _item(world.codes, "b1")
    triage = _item(world.codes, "a2", department=None)
    for role in ("manager_a", "inspector_a", "partner", "institution", "public", "system", "security", "audit"):
        user = world.users[role]
        with pytest.raises(services.WorkItemError):
            services.work_item_dispose(actor=user, item_id=item_b.pk, status="dismissed", reason="越权排除测试")
        with pytest.raises(services.WorkItemError):
            services.work_item_route(actor=user, item_id=triage.pk, department_code="health", note="越权分派")
        response = world.clients[role].post(reverse("alerts:detail", args=[item_b.pk]),
                                            {"action": "dispose", "status": "dismissed", "reason": "越权排除测试"})  # fmt: skip
        assert response.status_code in (403, 404), (role, response.status_code)
    assert WorkItem.objects.get(pk=item_b.pk).status == "open"
    assert WorkItem.objects.get(pk=triage.pk).department_id is None
    # the city office routes the triage item; the district manager of A then disposes of it
    services.work_item_route(actor=world.users["city"], item_id=triage.pk, department_code="health", note="按职责分派")
    services.work_item_dispose(actor=world.users["manager_a"], item_id=triage.pk, status="dismissed", reason="核实无误排除")
    assert WorkItem.objects.get(pk=triage.pk).status == "dismissed"


def _post(client: Client, url: str, changes: dict[str, Any]) -> Any:
    data = _form(client, url)
    data.update(changes)
    return client.post(url, data)


def test_admin_writes_outside_the_scope_are_refused(world: World) -> None:
    client = world.clients["manager_a"]
    a1 = Institution.objects.get(uscc=world.codes["a1"])
    b1 = Institution.objects.get(uscc=world.codes["b1"])
    district_b = Region.objects.get(code=DISTRICT_B)
    before = snapshot()
    # another district's record: 404 for change, delete and history, GET or POST
    for view in ("change", "delete", "history"):
        assert client.get(_admin_url(Institution, view, b1.pk)).status_code == 404
    assert client.post(_admin_url(Institution, "delete", b1.pk), {"post": "yes"}).status_code == 404
    # moving an own record into B, or adding one there, fails validation (B is not a choice)
    moved = _post(client, _admin_url(Institution, "change", a1.pk), {"district": str(district_b.pk)})
    assert moved.status_code == 200 and "district" in moved.context["adminform"].form.errors
    added = _post(client, _admin_url(Institution, "add"), {
        "uscc": _new_uscc(DISTRICT_B), "name": "徐汇新诊所", "kind": "clinic", "level": "none", "ownership": "private",
        "profit": "forprofit", "district": str(district_b.pk), "status": "active", "beds": "0",
        "depts-TOTAL_FORMS": "0", "depts-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert added.status_code == 200 and "district" in added.context["adminform"].form.errors
    # a health manager cannot put an inspector into the market department, nor into B
    wang = Inspector.objects.get(badge_no=WANG)
    market = Department.objects.get(code="market")
    response = _post(client, _admin_url(Inspector, "change", wang.pk), {"department": str(market.pk)})
    assert "department" in response.context["adminform"].form.errors
    response = _post(client, _admin_url(Inspector, "change", wang.pk), {"region": str(district_b.pk)})
    assert "region" in response.context["adminform"].form.errors
    assert client.get(_admin_url(Inspector, "change", Inspector.objects.get(badge_no=ZHAO).pk)).status_code == 404
    assert snapshot() == before


def test_admin_inlines_show_and_save_only_the_scope(world: World) -> None:
    client = world.clients["manager_a"]
    zhang = Practitioner.objects.get(cert_no=ZHANG)
    b1 = Institution.objects.get(uscc=world.codes["b1"])
    url = _admin_url(Practitioner, "change", zhang.pk)
    page = client.get(url).content.decode()
    assert "瑞金医院分院" in page and "上海美丽医疗美容门诊部" not in page, "B's registration stays hidden"
    data = _form(client, url)
    prefix = next(k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS") and "registration" in k)
    assert data[f"{prefix}-TOTAL_FORMS"] == "1"
    before = snapshot()
    # point the visible registration at a B institution: not a valid choice
    changed = dict(data)
    changed[f"{prefix}-0-institution"] = str(b1.pk)
    response = client.post(url, changed)
    assert response.status_code == 200 and snapshot() == before
    # add a registration at a B institution: refused too
    added = dict(data)
    added.update({f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-1-institution": str(b1.pk), f"{prefix}-1-valid_from": "2025-05-01"})
    assert client.post(url, added).status_code == 200 and snapshot() == before
    # try to delete the hidden B registration by id: it is not in the formset, nothing happens
    hidden = Registration.objects.get(practitioner=zhang, institution__uscc=world.codes["b2"])
    forged = dict(data)
    forged.update({f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "2", f"{prefix}-1-id": str(hidden.pk),
                   f"{prefix}-1-practitioner": str(zhang.pk), f"{prefix}-1-DELETE": "on"})  # fmt: skip
    client.post(url, forged)
    assert Registration.objects.filter(pk=hidden.pk).exists()


def test_practitioner_kept_elsewhere_is_read_only_but_own_registrations_are_managed(world: World) -> None:
    client = world.clients["manager_a"]
    li = Practitioner.objects.get(cert_no=LI)
    url = _admin_url(Practitioner, "change", li.pk)
    data = _form(client, url)
    assert "name" not in data, "the practitioner's own fields are read-only for a district that does not keep her"
    prefix = next(k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS") and "registration" in k)
    data[f"{prefix}-0-valid_to"] = "2025-12-31"  # end her registration at a1 (A's own institution)
    data["name"] = "改名"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    li.refresh_from_db()
    assert li.name == "李娜"
    assert str(Registration.objects.get(practitioner=li, institution__uscc=world.codes["a1"]).valid_to) == "2025-12-31"
    scopes = next((k for k in data if k.endswith("-TOTAL_FORMS") and "scope" in k), None)
    assert scopes is None or data[scopes] == str(li.scopes.count()), "执业范围 is not editable here"


def test_district_adds_a_practitioner_only_with_a_primary_registration_of_its_own(world: World) -> None:
    client = world.clients["manager_a"]
    url = _admin_url(Practitioner, "add")
    data = _form(client, url)
    prefix = next(k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS") and "registration" in k)
    data.update({"cert_no": "110310101000096", "name": "新医生", "kind": "physician", "status": "active"})
    response = client.post(url, data)
    assert response.status_code == 200 and not Practitioner.objects.filter(cert_no="110310101000096").exists()
    a2 = Institution.objects.get(uscc=world.codes["a2"])
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-institution": str(a2.pk), f"{prefix}-0-is_primary": "on",
                 f"{prefix}-0-valid_from": "2025-01-01"})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Practitioner.objects.get(cert_no="110310101000096").owner_district_code == DISTRICT_A
    assert AuditEvent.objects.filter(action="admin.registry.practitioner.add").exists()


def test_administrators_do_not_touch_business_records_and_business_roles_not_permissions(world: World) -> None:
    a1 = Institution.objects.get(uscc=world.codes["a1"])
    user = world.users["inspector_a"]
    for role in ("system", "security", "audit", "superuser"):
        client = world.clients[role]
        assert client.get(_admin_url(Institution, "change", a1.pk)).status_code in (302, 403, 404)
        assert client.post(_admin_url(Institution, "delete", a1.pk), {"post": "yes"}).status_code in (302, 403, 404)
    for role in ("city", "manager_a", "system", "audit"):
        client = world.clients[role]
        response = client.post(_admin_url(Profile, "change", user.profile.pk), {"role": Role.CITY_ADMIN})
        assert response.status_code in (302, 403), role
    assert Profile.objects.get(pk=user.profile.pk).role == Role.INSPECTOR
    assert Institution.objects.filter(pk=a1.pk).exists()
    # the security administrator assigns roles, but not their own
    security = world.clients["security"]
    own = world.users["security"].profile
    assert security.get(_admin_url(Profile, "change", own.pk)).status_code in (200, 403)
    response = security.post(_admin_url(Profile, "change", own.pk), {"role": Role.CITY_ADMIN, "user": own.user_id})
    assert response.status_code == 403 and Profile.objects.get(pk=own.pk).role == Role.SECURITY_ADMIN
    changed = _post(security, _admin_url(Profile, "change", user.profile.pk), {"role": Role.DISTRICT_MANAGER})
    assert changed.status_code == 302 and Profile.objects.get(pk=user.profile.pk).role == Role.DISTRICT_MANAGER
    assert AuditEvent.objects.filter(action="admin.core.profile.change", actor="security").exists()


def test_audit_administrator_exports_and_verifies_the_log(world: World) -> None:
    client = world.clients["audit"]
    url = _admin_url(AuditEvent, "changelist")
    ids = [str(pk) for pk in AuditEvent.objects.values_list("pk", flat=True)]
    response = client.post(url, {"action": "export_xlsx", "_selected_action": ids})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(ids) + 1
    headers = [cell.value for cell in sheet[1]]
    assert headers[-2:] == ["消息认证码（MAC）", "密钥标识"]
    row = [cell.value for cell in sheet[2]]
    first = AuditEvent.objects.get(seq=row[0])
    assert first.hash and row[-2:] == [first.hash, first.key_id or None]  # the MAC and the key it was made with
    assert AuditEvent.objects.filter(action="core.audit.export", actor="audit").exists()
    verified = client.post(url, {"action": "verify_chain", "_selected_action": ids[:1]}, follow=True)
    assert "哈希链完整" in verified.content.decode()
    for role in ("city", "system", "security"):
        assert world.clients[role].post(url, {"action": "export_xlsx", "_selected_action": ids}).status_code in (302, 403)



def test_no_administrator_can_make_themselves_another_one(world: World) -> None:
    """The break-glass account cannot give itself a business role; the system administrator cannot reset the
    other administrators' passwords (and so act as them)."""
    breakglass = world.clients["superuser"]
    url = _admin_url(Profile, "add")
    data = _form(breakglass, url)
    data.update({"user": str(world.users["superuser"].pk), "role": Role.CITY_ADMIN,
                 "region": str(Region.objects.get(code="310000").pk)})  # fmt: skip
    assert breakglass.post(url, data).status_code == 403
    assert not Profile.objects.filter(user=world.users["superuser"]).exists()
    system = world.clients["system"]
    for role in ("security", "audit", "superuser"):
        target = world.users[role]
        assert system.get(reverse("admin:auth_user_password_change", args=[target.pk])).status_code == 403, role
        assert system.post(_admin_url(type(target), "change", target.pk), {"is_active": ""}).status_code in (302, 403)
        target.refresh_from_db()
        assert target.is_active, role
    inspector = world.users["inspector_a"]
    assert system.get(reverse("admin:auth_user_password_change", args=[inspector.pk])).status_code == 200


def test_practitioner_rows_never_drop_their_registration_silently(world: World) -> None:
    """A known practitioner's row naming a new 主要执业机构 is refused (registrations have their own import);
    a new one with a primary registration that starts later is still kept by the district that entered it."""
    client = world.clients["manager_a"]
    data = _import(client, "practitioners", _csv("practitioner_id,name,kind,institution_id,registration_valid_from",
                                                  f"{ZHANG},张伟,physician,{world.codes['a2']},2025-01-01")).json()  # fmt: skip
    assert data["rejected"] == 1 and "执业注册" in data["rejects"][0]["reason"]
    later = _import(client, "practitioners", _csv("practitioner_id,name,kind,institution_id,registration_valid_from",
                                                   f"110310101000095,将来人,physician,{world.codes['a2']},2099-01-01")).json()  # fmt: skip
    assert later["created"] == 1
    assert Practitioner.objects.get(cert_no="110310101000095").owner_district_code == DISTRICT_A


def test_api_keys_read_their_department_only_and_stop_when_revoked(world: World) -> None:
    """Open311 with a partner key: a complaint of the key's department in full, others with public fields only;
    each key has its own rate limit; revoked in the back office (city office, security administrator only),
    it is refused; its use is counted on the key and sampled into the audit log, not written per request."""
    from django.core.cache import cache

    from weijian.complaints.models import ApiKey
    from weijian.complaints.services import api_key_create

    cache.clear()  # rate limits and use samples count in the cache
    complaints = _complaint_samples(world.codes)
    health, key = api_key_create(actor="test", name="12345", department_code="health", per_minute=50)
    _market, market_key = api_key_create(actor="test", name="market", department_code="market", per_minute=2)
    anonymous = Client()
    detail = reverse("open311:request", kwargs={"request_id": complaints["complaint_a"].pk, "fmt": "json"})
    listing = reverse("open311:requests", kwargs={"fmt": "json"})
    health_ids = {str(c.pk) for c in complaints.values() if getattr(c, "department_id", None) == health.department_id}
    for url in (detail, listing):
        shown = anonymous.get(url, {"api_key": key}).json()
        assert shown and all((r["description"] is not None) == (r["service_request_id"] in health_ids)
                             for r in shown), url  # the key's own department's complaints in full  # fmt: skip
        assert all(r["description"] is None for r in anonymous.get(url, {"api_key": market_key}).json())
        assert all(r["description"] is None for r in anonymous.get(url).json())
    assert anonymous.get(detail, {"api_key": market_key}).status_code == 429  # two a minute for this key
    assert anonymous.get(detail, {"api_key": key}).status_code == 200
    health.refresh_from_db()
    assert health.use_count == 3 and health.last_used_at is not None
    assert AuditEvent.objects.filter(action="complaints.apikey.use").count() == 2  # one per key and hour

    url = _admin_url(ApiKey, "changelist")
    for role in ("system", "audit", "manager_a", "inspector_a", "partner"):
        world.clients[role].post(url, {"action": "revoke", "_selected_action": [health.pk]})
        health.refresh_from_db()
        assert health.active, role
    assert world.clients["security"].post(url, {"action": "revoke", "_selected_action": [health.pk]}).status_code == 302
    health.refresh_from_db()
    assert not health.active and health.revoked_at is not None
    assert anonymous.get(detail, {"api_key": key}).status_code == 403
    assert AuditEvent.objects.filter(action="complaints.apikey.revoke", actor="security").exists()


def test_the_three_administrators_are_separated(world: World) -> None:
    """系统管理员: accounts and reference data, no audit log, no business records; 审计管理员: the audit log only;
    安全管理员: roles, permissions, lockouts, second factors and API keys, no business records, no audit log."""
    from weijian.complaints.models import Complaint

    samples = _complaint_samples(world.codes)
    business = [reverse("registry:institution_detail", kwargs={"uscc": world.codes["a1"]}),
                reverse("complaints:detail", kwargs={"pk": samples["complaint_a"].pk}),
                reverse("api:institution", kwargs={"uscc": world.codes["a1"]})]  # fmt: skip
    may_open = {
        "system": {"auth.user", "core.region", "core.department", "registry.deptcode"},
        "security": {"auth.user", "auth.group", "core.profile", "axes.accessattempt", "complaints.apikey"},
        "audit": {"core.auditevent"},
    }
    for role, allowed in may_open.items():
        client = world.clients[role]
        for url in business:
            assert client.get(url).status_code == 404, (role, url)
        assert client.get(reverse("api:institutions")).json()["items"] == [], role
        for label in ("auth.user", "core.auditevent", "core.profile", "complaints.apikey", "complaints.complaint",
                      "registry.institution", "core.region"):  # fmt: skip
            model = apps.get_model(label)
            status = client.get(_admin_url(model, "changelist")).status_code
            assert (status == 200) == (label in allowed), (role, label, status)
    assert Complaint.objects.filter(pk=samples["complaint_a"].pk).exists()
    # only the security administrator resets a second factor or ends another user's sessions
    user_list = _admin_url(apps.get_model("auth", "User"), "changelist")
    for role in ("system", "audit", "security"):
        actions = world.clients[role].get(user_list)
        offered = actions.status_code == 200 and "reset_second_factor" in actions.content.decode()
        assert offered == (role == "security"), role
