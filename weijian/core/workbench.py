"""The workbench (工作台): what each user should do next, as cards the apps contribute.

An app with something for the workbench keeps a ``workbench.py`` module that registers card providers;
:func:`autodiscover` imports those modules once at start-up (``CoreConfig.ready``), so a new app adds
cards without editing this module or the page::

    # weijian/inspections/workbench.py
    from django.utils.translation import gettext as _

    from weijian.core.workbench import Card, Group, provider

    @provider
    def todays_inspections(user):
        if scope_of(user).role != Role.INSPECTOR:
            return None  # nothing for this user
        n = selectors.task_list(user, day=timezone.localdate()).count()  # through scoped(), like every read
        return Card(key="inspections.today", title=_("今日检查任务"), count=n, url=reverse("inspections:mine"),
                    group=Group.TASKS, rank=10, empty=_("今天没有安排检查任务"))

A provider gets the signed-in user and returns a card, several cards, or nothing. The page shows the cards
group by group, in the order of the user's role (:data:`ROLE_GROUPS`), and inside a group by ``rank``; it
computes nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Role


class Group:
    """Where a card shows on the page: the groups, each with its heading."""

    TASKS = "tasks"
    INBOX = "inbox"
    OWN = "own"
    WATCH = "watch"
    DATA = "data"
    LINKS = "links"


GROUP_TITLES: dict[str, Any] = {
    Group.TASKS: _("我的待办"),
    Group.INBOX: _("本部门收件箱"),
    Group.OWN: _("本机构"),
    Group.WATCH: _("辖区关注"),
    Group.DATA: _("数据导入"),
    Group.LINKS: _("常用入口"),
}
DEFAULT_GROUPS = (Group.TASKS, Group.INBOX, Group.OWN, Group.WATCH, Group.DATA, Group.LINKS)
# What each role sees first. Groups a role does not list follow in the default order.
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.CITY_ADMIN: (Group.TASKS, Group.WATCH, Group.DATA, Group.LINKS),
    Role.DISTRICT_MANAGER: (Group.TASKS, Group.WATCH, Group.DATA, Group.LINKS),
    Role.INSPECTOR: (Group.TASKS, Group.WATCH, Group.LINKS),
    Role.PARTNER_OFFICER: (Group.INBOX, Group.TASKS, Group.LINKS),
    Role.INSTITUTION_USER: (Group.OWN, Group.TASKS, Group.LINKS),
    Role.PUBLIC: (Group.LINKS,),
    Role.SYSTEM_ADMIN: (Group.LINKS,),
    Role.SECURITY_ADMIN: (Group.LINKS,),
    Role.AUDIT_ADMIN: (Group.LINKS,),
}


class Tone:
    """How a card's count reads: nothing to do, a heads-up, something wrong."""

    NEUTRAL = "neutral"
    GOOD = "good"
    WARN = "warn"
    BAD = "bad"


@dataclass(frozen=True)
class CardRow:
    """One line inside a card (an item of the queue, an import batch): text, where it leads, a small note."""

    text: str
    url: str = ""
    note: str = ""
    tone: str = Tone.NEUTRAL


@dataclass(frozen=True)
class Card:
    """One card: a title, usually a count, the filtered list it counts (``url``), and what an empty one says.

    ``count`` None: a card without a number (a link, a profile). ``tone`` applies while the count is not 0;
    a card whose count is 0 shows ``empty`` (or the 0) in a neutral tone. ``note``: one line under the title;
    ``rows``: a few lines of detail.
    """

    key: str
    title: str
    url: str = ""
    count: int | None = None
    tone: str = Tone.NEUTRAL
    empty: str = ""
    note: str = ""
    rows: tuple[CardRow, ...] = ()
    group: str = Group.TASKS
    rank: int = 100

    @property
    def is_empty(self) -> bool:
        return self.count == 0

    @property
    def shown_tone(self) -> str:
        return Tone.NEUTRAL if self.is_empty else self.tone


@dataclass(frozen=True)
class Section:
    group: str
    title: str
    cards: list[Card] = field(default_factory=list)


Provider = Callable[[Any], "Card | Iterable[Card] | None"]
_PROVIDERS: dict[str, Provider] = {}


def provider(func: Provider) -> Provider:
    """Register a card provider (a decorator). Registering the same function again replaces it."""
    _PROVIDERS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def autodiscover() -> None:
    """Import every installed app's ``workbench`` module, which registers its providers."""
    autodiscover_modules("workbench")


def cards_for(user: Any) -> list[Card]:
    """Every card the providers give ``user``."""
    cards: list[Card] = []
    for func in providers():
        given = func(user)
        if given is None:
            continue
        cards.extend([given] if isinstance(given, Card) else given)
    return cards


def workbench_sections(user: Any, role: str) -> list[Section]:
    """The cards for ``user``, grouped and in the order of ``role``; groups without cards are left out."""
    order = ROLE_GROUPS.get(role, ())
    groups = [*order, *(g for g in DEFAULT_GROUPS if g not in order)]
    by_group: dict[str, list[Card]] = {}
    for card in cards_for(user):
        by_group.setdefault(card.group, []).append(card)
    groups += sorted(g for g in by_group if g not in groups)  # a group an app brings that is not listed here
    sections = []
    for group in groups:
        cards = sorted(by_group.get(group, []), key=lambda c: (c.rank, c.key))
        if cards:
            sections.append(Section(group, str(GROUP_TITLES.get(group, group)), cards))
    return sections
