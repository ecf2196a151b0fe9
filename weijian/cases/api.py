"""Partner-department API of transfers (线索移送, 移送管辖, 行刑衔接): the receiving department's inbox and its steps.

Who calls it: a partner department's users (signed in, as the rest of the API) and its partner systems, with the
department's API key (``weijian apikey create --department CODE``) in the header ``X-Api-Key`` or, as Open311
passes it, the parameter ``api_key``. A key acts as its system user (a partner officer of its department), so the
data scope, the write-side guard and the audit chain are those of any user, and each key has its own per-minute
limit (429 past it).

- ``GET /api/transfers``: the inbox — the transfers addressed to the caller's department (filters ``status``,
  ``kind``; ``limit`` / ``offset``).
- ``GET /api/transfers/{id}``: one transfer, with what the receiving department may see: the case number, cause,
  the note, the parties (a person's name and every representative masked), the deadline now running.
- ``POST /api/transfers/{id}/receive`` (回执, 签收), ``/accept``, ``/refuse`` (``reason``), ``/answer``
  (``result``), form-encoded as Open311 posts: each through the ``transfer_*`` service (one transaction, one
  audit event).

Answers: another department's transfer is 404 (as if it did not exist); a step out of order is 409 with the missing
step named; bad input is 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, APIKeyQuery, django_auth
from pydantic import Field

from weijian.cases import selectors, transfers
from weijian.cases.models import CaseParty, Transfer, TransferKind
from weijian.cases.services import CaseError

WINDOW_S = 60


def _key_user(request: HttpRequest, raw: str | None) -> Any:
    """The system user of the active key ``raw`` (None when no key was given); a bad key or one past its limit is
    refused here (401 / 429), never passed on to the session check."""
    from weijian.complaints import ratelimit
    from weijian.complaints.services import api_key_lookup

    raw = (raw or "").strip()
    if not raw:
        return None
    key = api_key_lookup(raw)
    if key is None or key.user is None:
        raise HttpError(401, _("api_key：密钥无效或已停用"))
    if not ratelimit.hit(f"partner:{key.pk}", limit=key.per_minute, window_s=WINDOW_S):
        raise HttpError(429, _("api_key：超过每分钟请求上限 %(n)s") % {"n": key.per_minute})
    return key.user


class KeyHeader(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _key_user(request, key)


class KeyParameter(APIKeyQuery):
    """``api_key`` as Open311 passes it: in the query string, or a form field of a POST."""

    param_name = "api_key"

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.GET.get(self.param_name) or request.POST.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _key_user(request, key)


router = Router(tags=["transfers"], auth=[KeyHeader(), KeyParameter(), django_auth])

StatusFilter = Literal["open", "all", "sent", "received", "accepted", "refused", "answered"]
KindFilter = Literal["department", "jurisdiction", "police", "procuratorate"]


class InboxFilter(Schema):
    status: StatusFilter = "open"
    kind: KindFilter | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class DeadlineOut(Schema):
    code: str
    label: str
    due: dt.date | None
    state: str
    basis: str


class TransferOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    case_number: str | None
    cause: str
    to_department: str
    region_code: str
    sent_at: dt.datetime
    received_at: dt.datetime | None
    decided_at: dt.datetime | None
    answered_at: dt.datetime | None
    deadlines: list[DeadlineOut]


class PartyOut(Schema):
    name: str
    kind: str
    code: str
    representative: str


class TransferDetail(TransferOut):
    note: str
    refusal_reason: str
    result: str
    clue_number: str | None
    parties: list[PartyOut]


class TransferPage(Schema):
    count: int
    items: list[TransferOut]


TEXT = Form(..., min_length=1, max_length=5000)  # a form field (form-encoded, as Open311 posts): reason= / result=


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]  # the signed-in user, or the key's system user


def _mask(name: str) -> str:
    return (name[0] + "*" * (len(name) - 1)) if name else ""


def _party(party: CaseParty) -> dict[str, str]:
    person = party.kind == CaseParty.Kind.PERSON
    return {"name": _mask(party.name) if person else party.name, "kind": party.kind,
            "code": party.institution.uscc if party.institution_id and not person else "",
            "representative": _mask(party.representative)}  # fmt: skip


def _out(transfer: Transfer) -> dict[str, Any]:
    case = transfer.case
    return {
        "id": transfer.pk, "kind": transfer.kind, "kind_label": transfer.get_kind_display(), "status": transfer.status,
        "status_label": transfer.get_status_display(), "case_number": case.number, "cause": case.cause,
        "to_department": transfer.to_department.code, "region_code": transfer.region.code, "sent_at": transfer.sent_at,
        "received_at": transfer.received_at, "decided_at": transfer.decided_at, "answered_at": transfer.answered_at,
        "deadlines": [{"code": d.code, "label": d.label, "due": d.due, "state": d.state, "basis": d.basis}
                      for d in selectors.transfer_deadlines(transfer)],
    }  # fmt: skip


def _detail(transfer: Transfer) -> dict[str, Any]:
    parties = transfer.case.parties.select_related("institution").order_by("pk")
    return {**_out(transfer), "note": transfer.note, "refusal_reason": transfer.refusal_reason,
            "result": transfer.result, "clue_number": transfer.clue.number if transfer.clue_id else None,
            "parties": [_party(p) for p in parties]}  # fmt: skip


def _get(request: HttpRequest, pk: int) -> Transfer:
    try:
        return selectors.transfer_get(_actor(request), pk)
    except Http404:
        raise HttpError(404, _("移送记录不存在或不在您的数据权限范围内")) from None


@router.get("/transfers", response=TransferPage, url_name="transfers", summary=gettext_lazy("移送收件箱（本部门接收的移送）"))
def inbox(request: HttpRequest, filters: Query[InboxFilter]) -> dict[str, Any]:
    qs = selectors.transfer_inbox(_actor(request), status=None if filters.status == "open" else filters.status)
    if filters.kind in TransferKind.values:
        qs = qs.filter(kind=filters.kind)
    page = qs.select_related("clue")[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_out(t) for t in page]}


@router.get("/transfers/{pk}", response=TransferDetail, url_name="transfer", summary=gettext_lazy("一件移送"))
def transfer(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(_get(request, pk))


class Unprocessable(HttpError):
    """422 naming the field (the project API answers it like its validation errors)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(422, reason)
        self.field = field


def _act(request: HttpRequest, pk: int, step: Any, field: str = "", **values: Any) -> dict[str, Any]:
    found = _get(request, pk)
    try:
        done = step(actor=_actor(request), transfer=found, **values)
    except Http404:
        raise HttpError(404, _("移送记录不存在或不在您的数据权限范围内")) from None
    except CaseError as exc:  # bad input: the field and the reason
        if field:
            raise Unprocessable(field, str(exc)) from None
        raise HttpError(409, str(exc)) from None
    except ValueError as exc:  # TransitionRefused (a step out of order: the missing step named), ClueError
        raise HttpError(409, str(exc)) from None
    return _detail(selectors.transfer_get(_actor(request), done.pk))


@router.post("/transfers/{pk}/receive", response=TransferDetail, url_name="transfer_receive", summary=gettext_lazy("签收移送（回执）"))
def receive(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, transfers.transfer_receive)


@router.post("/transfers/{pk}/accept", response=TransferDetail, url_name="transfer_accept", summary=gettext_lazy("受理移送（公安机关：立案）"))
def accept(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, transfers.transfer_accept)


@router.post("/transfers/{pk}/refuse", response=TransferDetail, url_name="transfer_refuse", summary=gettext_lazy("不予受理移送（须写明理由）"))
def refuse(request: HttpRequest, pk: int, reason: str = TEXT) -> dict[str, Any]:
    return _act(request, pk, transfers.transfer_refuse, "reason", reason=reason)


@router.post("/transfers/{pk}/answer", response=TransferDetail, url_name="transfer_answer", summary=gettext_lazy("反馈移送处理结果"))
def answer(request: HttpRequest, pk: int, result: str = TEXT) -> dict[str, Any]:
    return _act(request, pk, transfers.transfer_answer, "result", result=result)

