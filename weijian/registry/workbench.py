"""The registry's workbench cards: licences running out or expired, imports with rejected rows, and for an
institution its own profile and what it must renew."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import REGISTRY_EDITORS, scope_of
from weijian.core.workbench import Card, CardRow, Group, Tone, provider
from weijian.registry import selectors

WATCHING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR})
RECENT_BATCHES = 20  # as many as the import page lists
BATCH_ROWS = 3


@provider
def licence_cards(user: Any) -> list[Card] | None:
    if scope_of(user).role not in WATCHING_ROLES:
        return None
    listing = reverse("registry:institution_list")
    days = selectors.licence_warning_days(timezone.localdate())
    return [
        Card(key="registry.licence_expired", title=_("许可证已过期仍在执业"), url=f"{listing}?licence=expired",
             count=selectors.institution_list(user, licence="expired").count(), tone=Tone.BAD,
             empty=_("没有许可证过期仍在执业的机构"), group=Group.WATCH, rank=20),
        Card(key="registry.licence_expiring", title=_("%(days)d天内许可证到期") % {"days": days},
             url=f"{listing}?licence=expiring", count=selectors.institution_list(user, licence="expiring").count(),
             tone=Tone.WARN, empty=_("近期没有到期的许可证"), group=Group.WATCH, rank=25),
    ]  # fmt: skip


@provider
def import_rejects(user: Any) -> Card | None:
    """Recent imports that left rows behind: each has a page of the rejected rows and why."""
    if scope_of(user).role not in REGISTRY_EDITORS:
        return None
    batches = selectors.recent_batches_with_rejects(user, latest=RECENT_BATCHES)
    rows = tuple(
        CardRow(f"{b.filename}", reverse("registry:import_batch", args=[b.pk]),
                _("%(date)s · %(n)d 行未导入") % {"date": f"{timezone.localtime(b.created_at):%Y-%m-%d}", "n": b.rejected},
                Tone.WARN)
        for b in batches[:BATCH_ROWS]
    )  # fmt: skip
    return Card(
        key="registry.import_rejects", title=_("最近导入中有未导入行的批次"), url=reverse("registry:import"),
        count=len(batches), tone=Tone.WARN, rows=rows, empty=_("最近的导入没有未导入的行"), group=Group.DATA, rank=10,
    )  # fmt: skip


@provider
def own_institution(user: Any) -> list[Card] | None:
    """An institution user's own profile, and a licence to renew when it runs out."""
    scope = scope_of(user)
    if scope.role != Role.INSTITUTION_USER or scope.institution_id is None:
        return None
    institution = selectors.institution_list(user).filter(pk=scope.institution_id).first()
    if institution is None:
        return None
    today = timezone.localdate()
    expiry = institution.licence_valid_to
    licence = (
        _("许可证有效期至 %(date)s") % {"date": f"{expiry:%Y-%m-%d}"} if expiry else _("未登记许可证有效期")
    )
    cards = [
        Card(key="registry.own_profile", title=institution.name, url=reverse("registry:institution_detail", args=[institution.uscc]),
             note=f"{institution.get_kind_display()} · {institution.district.name} · {licence}", group=Group.OWN, rank=10),
    ]  # fmt: skip
    if expiry is not None and expiry < today:
        cards.append(Card(key="registry.own_licence", title=_("执业许可证已过期"), tone=Tone.BAD, count=None,
                          note=_("许可证已于 %(date)s 到期，请立即向登记机关申请校验或换证。") % {"date": f"{expiry:%Y-%m-%d}"},
                          group=Group.TASKS, rank=10))  # fmt: skip
    elif expiry is not None and expiry <= selectors.licence_warning_until(today):
        cards.append(Card(key="registry.own_licence", title=_("执业许可证即将到期"), tone=Tone.WARN, count=None,
                          note=_("许可证将于 %(date)s 到期，请及时向登记机关申请校验或换证。") % {"date": f"{expiry:%Y-%m-%d}"},
                          group=Group.TASKS, rank=10))  # fmt: skip
    return cards
