"""Reads of work items, their lines and indicators — always through the data scope."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts.models import REFERRALS, Alert, Indicator, ItemStatus, WorkItem
from weijian.analytics.targets import indicator_target
from weijian.core.models import Department
from weijian.core.scope import scoped
from weijian.core.workdays import add_working_days
from weijian.i18n import localized
from weijian.registry.models import Institution, Practitioner
from weijian.rules import loader
from weijian.rules.loader import RulesError

# Indicator names (Chinese and English) are data; their targets live in the rules data (weijian.analytics.targets).
INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "indicators.yaml"
SEVERITY_RANK = Case(When(severity="high", then=0), When(severity="medium", then=1), default=2)
DUE = Coalesce(F("due_date"), F("deadline"))  # the queue's order: the assignment's due date, else the deadline
DISPLAY_FILE = "alert_display"  # rules data: how many working days ahead an item counts as due soon

# Queue tabs: what each shows.
VIEWS = ("open", "mine", "referred", "closed", "triage", "all")


def _finished() -> Q:
    return Q(status=ItemStatus.DISMISSED) | ~Q(outcome="")


def _overdue(today: dt.date) -> Q:
    open_late = Q(status=ItemStatus.OPEN, department__isnull=False) & (
        Q(due_date__lt=today) | Q(due_date__isnull=True, deadline__lt=today)
    )
    referred_late = Q(status__in=REFERRALS, outcome="", due_date__lt=today)
    return open_late | referred_late


def due_soon_until(today: dt.date) -> dt.date:
    """The last day of the 即将到期 window that starts today (``alert_display.yaml``, in working days).

    Raises :class:`weijian.core.workdays.CalendarYearUnknown` when the window reaches a year whose working days
    are not published yet: the window is never guessed.
    """
    return add_working_days(today, due_soon_working_days(today))


def due_soon_working_days(on: dt.date) -> int:
    """How many working days ahead an item counts as 即将到期 (``alert_display.yaml``)."""
    return int(loader.value(DISPLAY_FILE, "due_soon_working_days", on))


def _due_soon(today: dt.date) -> Q:
    """Not late yet, and due within the window: open items by their due date (else deadline), referred ones
    awaiting their outcome by the due date of the result."""
    until = due_soon_until(today)
    open_soon = Q(status=ItemStatus.OPEN, department__isnull=False) & (
        Q(due_date__gte=today, due_date__lte=until) | Q(due_date__isnull=True, deadline__gte=today, deadline__lte=until)
    )
    referred_soon = Q(status__in=REFERRALS, outcome="", due_date__gte=today, due_date__lte=until)
    return open_soon | referred_soon


def item_queue(
    user: Any,
    *,
    view: str = "open",
    rule_id: str | None = None,
    severity: str | None = None,
    district: str | None = None,
    q: str | None = None,
    overdue: bool = False,
    assignee: str | None = None,
    due: str | None = None,
) -> QuerySet[WorkItem]:
    """The work items a user may see, filtered; ``view`` is one of :data:`VIEWS`.

    ``assignee="me"``: assigned to the user; ``due``: ``overdue`` (as ``overdue=True``) or ``soon`` (not late,
    due within the working days of ``alert_display.yaml``).
    """
    qs = scoped(user, WorkItem.objects.select_related("institution", "department", "region", "assignee"))
    if view == "open":
        qs = qs.filter(status=ItemStatus.OPEN, department__isnull=False)
    elif view == "mine":
        qs = qs.filter(assignee_id=getattr(user, "pk", None)).exclude(_finished())
    elif view == "referred":
        qs = qs.filter(status__in=REFERRALS, outcome="")
    elif view == "closed":
        qs = qs.filter(_finished())
    elif view == "triage":
        qs = qs.filter(status=ItemStatus.OPEN, department__isnull=True)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if severity:
        qs = qs.filter(severity=severity)
    if district:
        qs = qs.filter(region__code__startswith=district)
    if q:
        text = q.strip()
        qs = qs.filter(Q(institution_code__contains=text) | Q(institution__name__contains=text) | Q(group_key=text))
    if overdue or due == "overdue":
        qs = qs.filter(_overdue(timezone.localdate()))
    elif due == "soon":
        qs = qs.filter(_due_soon(timezone.localdate()))
    if assignee == "me":
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    return qs.order_by(DUE.asc(nulls_last=True), SEVERITY_RANK, "pk")


def item_counts(user: Any) -> dict[str, int]:
    """How many items each queue tab holds for ``user`` (and how many are overdue)."""
    base = scoped(user, WorkItem.objects.all())
    today = timezone.localdate()
    return {
        "open": base.filter(status=ItemStatus.OPEN, department__isnull=False).count(),
        "mine": base.filter(assignee_id=getattr(user, "pk", None)).exclude(_finished()).count(),
        "referred": base.filter(status__in=REFERRALS, outcome="").count(),
        "triage": base.filter(status=ItemStatus.OPEN, department__isnull=True).count(),
        "overdue": base.filter(_overdue(today)).count(),
    }


def item_get(user: Any, pk: int) -> WorkItem:
    items = scoped(
        user,
        WorkItem.objects.select_related(
            "institution", "department", "region", "first_run", "assignee", "assigned_by", "disposed_by", "outcome_by"
        ),
    )
    found = items.filter(pk=pk).first()
    if found is None:
        raise Http404(_("工作项不存在或不在您的数据权限范围内"))
    return found


def item_lines(user: Any, item: WorkItem) -> QuerySet[Alert]:
    """Every line of evidence of an (already scope-checked) item, in date order."""
    return scoped(user, Alert.objects.filter(item=item)).order_by("fact_date", "subject_id", "pk")


def item_rule_counts(user: Any, view: str = "open") -> list[dict[str, Any]]:
    return list(
        item_queue(user, view=view).order_by().values("rule_id", "rule_name").annotate(n=Count("pk")).order_by("-n")
    )


def _local(stamp: Any) -> str:
    """An ISO timestamp as the office's local time, ``YYYY-MM-DD HH:MM``."""
    try:
        moment = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "")[:16]
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def item_history(item: WorkItem) -> list[dict[str, Any]]:
    """The item's routings, oldest first, the current one last: when, to which department, how, on what basis."""
    names = dict(Department.objects.values_list("code", "name"))
    entries = [*(item.routing_history or []), {**(item.routing or {}), "current": True}]
    rows = []
    for entry in entries:
        rule = entry.get("rule") if isinstance(entry.get("rule"), dict) else {}
        code = entry.get("department")
        rows.append({
            "at": _local(entry.get("at")), "department": names.get(code, code or ""),
            "source": entry.get("source", ""), "by": entry.get("by_name") or entry.get("by") or "",
            "basis": entry.get("note") or rule.get("basis") or entry.get("reason") or "",
            "current": bool(entry.get("current")),
        })  # fmt: skip
    return rows


def _param_versions(spec: Any) -> list[dict[str, Any]]:
    """A parameter as ``report.json`` gives it: one version (a dict), several (a list or ``versions``), or a bare value."""
    if isinstance(spec, dict) and isinstance(spec.get("versions"), list):
        return [v if isinstance(v, dict) else {"value": v} for v in spec["versions"]]
    if isinstance(spec, list):
        return [v if isinstance(v, dict) else {"value": v} for v in spec]
    return [spec if isinstance(spec, dict) else {"value": spec}]


def item_rules_used(item: WorkItem) -> dict[str, Any]:
    """What the item page prints in small: the routing and deadline entries, the analytics rule's parameters."""
    rules = item.rules or {}
    analytics = rules.get("analytics") or {}
    params = []
    for name, spec in (analytics.get("params") or {}).items():
        for version in _param_versions(spec):
            params.append({
                "name": name, "value": version.get("value"), "effective_from": version.get("effective_from"),
                "basis": version.get("basis") or version.get("legal_basis"), "file": version.get("file"),
            })  # fmt: skip
    return {"routing": (item.routing or {}).get("rule"), "deadline": rules.get("deadline"), "params": params,
            "rules_data": (analytics.get("rules_data") or {}).get("hash"), "run": analytics.get("run")}  # fmt: skip


def institution_items(user: Any, institution: Institution, limit: int = 50) -> dict[str, Any]:
    """Work items about one (already scope-checked) institution; an institution user gets none."""
    qs = scoped(user, WorkItem.objects.filter(institution=institution).select_related("department"))
    return {
        "items": list(qs.order_by("status", SEVERITY_RANK, "-period_end", "rule_id")[:limit]),
        "total": qs.count(),
    }


def institution_indicators(user: Any, institution: Institution) -> dict[str, dict[str, Any]]:
    """Monthly indicator series of one (already scope-checked) institution, with their targets (rules data,
    as of the first day of the latest month shown)."""
    series: dict[str, dict[str, Any]] = {}
    for row in scoped(user, Indicator.objects.filter(institution=institution)).order_by("period"):
        entry = series.setdefault(row.indicator_id, {"label": indicator_label(row.indicator_id), "target": None,
                                                     "periods": [], "values": []})  # fmt: skip
        entry["periods"].append(row.period)
        entry["values"].append(round(row.value, 4))
    for indicator_id, entry in series.items():
        try:
            entry["target"] = indicator_target(indicator_id, dt.date.fromisoformat(f"{entry['periods'][-1]}-01"))
        except (RulesError, ValueError):
            entry["target"] = None  # no target in force then, or a malformed period: the chart shows none
    return series


def institution_alerts_since(user: Any, institution: Institution, day: dt.date) -> dict[str, int]:
    """Lines (and items) about an institution whose facts are dated after ``day`` — within the user's scope."""
    lines = scoped(user, Alert.objects.filter(institution=institution, fact_date__gt=day))
    return {"lines": lines.count(), "items": lines.values("item_id").distinct().count()}


def practitioner_alerts(user: Any, practitioner: Practitioner) -> list[Alert]:
    return list(
        scoped(user, Alert.objects.filter(practitioner=practitioner).select_related("item"))
        .order_by("-period_end", "-fact_date")[:50]
    )  # fmt: skip


@cache
def indicator_names() -> dict[str, dict[str, str]]:
    with INDICATORS_FILE.open(encoding="utf-8") as fh:
        names: dict[str, dict[str, str]] = yaml.safe_load(fh)
    return names


def indicator_label(indicator_id: str) -> str:
    """The indicator's name in the active language (its id when the data file does not name it)."""
    return localized(indicator_names().get(indicator_id), "name", indicator_id)


# --------------------------------------------------------------------------- the workbench's counts


def item_due_counts(user: Any, *, mine: bool, today: dt.date, soon_until: dt.date | None) -> dict[str, int | None]:
    """Work items the user may see (``mine``: assigned to them) still to finish, due soon and overdue.

    ``soon_until`` None (the calendar does not reach that far): "due soon" is not counted.
    """
    base = scoped(user, WorkItem.objects.all())
    if mine:
        base = base.filter(assignee_id=getattr(user, "pk", None)).exclude(_finished())
    return {
        "assigned": base.count() if mine else None,
        "soon": base.filter(_due_soon(today)).count() if soon_until else None,
        "overdue": base.filter(_overdue(today)).count(),
    }


def items_about_institution(user: Any, institution_id: int) -> QuerySet[WorkItem]:
    """Unfinished work items about one institution that the user may see (an institution user: those it is shown)."""
    return scoped(user, WorkItem.objects.filter(institution_id=institution_id)).exclude(_finished())


# The credit severity of a confirmed work item (weijian.credit reads them through credit_facts).
ITEM_SEVERITY = {"high": "serious", "medium": "general", "low": "minor"}


def credit_facts(since: dt.date) -> list[Any]:
    """What credit records of alerts: every work item of a registered institution confirmed (查实) on or after
    ``since``. A system read (the credit sync), not a user's page."""
    from weijian.alerts.models import Outcome
    from weijian.credit.facts import CreditFact

    start = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (WorkItem.objects.filter(outcome=Outcome.CONFIRMED, outcome_at__gte=start, institution__isnull=False)
            .select_related("institution__district", "region", "department").order_by("pk"))  # fmt: skip
    facts = []
    for item in rows:
        assert item.institution is not None and item.outcome_at is not None
        region = item.region.code if item.region_id else item.institution.district.code
        department = item.department.code if item.department_id else "health"
        facts.append(CreditFact(
            source_kind="alert", source_key=f"workitem-{item.pk}", occurred_on=timezone.localdate(item.outcome_at),
            severity=ITEM_SEVERITY.get(item.severity, "general"), category="alert", title=item.rule_name,
            region_code=region, department_code=department, institution_id=item.institution_id,
            detail={"rule_id": item.rule_id, "lines": item.line_count,
                    "amount": str(item.amount) if item.amount is not None else None},
        ))  # fmt: skip
    return facts
