"""The list component: every list page declares its columns, filters and page sizes once, in one shape.

A :class:`ListSpec` says what a list may be sorted by (whitelisted sort keys: a column's ORM ordering, or a
function for computed orders), filtered by (each filter's label and choices), and how many rows a page may
show. :meth:`ListSpec.read` validates a request's query string — an unknown sort key, page size, filter
value or page number is ignored, never an error — and :meth:`ListState.page` sorts and paginates the
queryset the page's selector returned. One template include, ``core/_list.html``, renders the filter form,
the chips that show and clear each filter, the table (cards below the phone breakpoint, each cell labelled
by its column) and the pager with page numbers and the page-size choice.

Example (the inspector list)::

    from django.utils.translation import gettext_lazy as _
    from weijian.core.lists import Column, Filter, ListSpec

    INSPECTORS = ListSpec(
        columns=(
            Column("name", _("姓名"), sort=("name_sort", "name"), cell="registry/cells/inspector_name.html",
                   title=True),                        # the card's title on a phone
            Column("badge_no", _("执法证号"), sort=("badge_no",)),
            Column("department", _("部门"), attr="department.name", sort=("department__name",)),
        ),
        filters=(
            Filter("q", _("搜索"), kind="search", placeholder=_("姓名或执法证号")),
            Filter("region", _("区"), choices=lambda request: [(d.code, d.name) for d in districts(request.user)]),
            Filter("active", _("在岗"), choices=(("1", _("在岗")), ("0", _("不在岗")))),
        ),
        default_sort="name",
        exportable=True,
    )

    def inspector_list(request):
        state = INSPECTORS.read(request)               # validated filters, sort, page size, page
        qs = selectors.inspector_list(request.user, q=state.values["q"], region=state.values["region"])
        return render(request, "registry/inspector_list.html", {"listing": state.page(qs)})

    {# registry/inspector_list.html #}
    {% include "core/_list.html" %}                    {# expects ``listing`` in the context #}

A cell template is rendered with the page's context and ``row`` (the record); a column without one shows
``attr`` (dotted, default the column key; a field with choices shows its label). ``listing.rows`` is the
page's records, for a view to attach what a cell needs (e.g. grades) before rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

Choices = Sequence[tuple[str, Any]]
SortFunction = Callable[[QuerySet[Any], bool, HttpRequest], QuerySet[Any]]

SORT_PARAM, SIZE_PARAM, PAGE_PARAM = "sort", "size", "page"
PAGE_SIZES = (30, 50, 100)
SEARCH_MAX_LENGTH = 100
NO_RECORDS = _("没有符合条件的记录")


@dataclass(frozen=True)
class Column:
    """A column: its key (``?sort=key`` / ``?sort=-key``), its label, how it sorts and how its cell shows.

    ``sort``: ORM field paths ascending (nulls last; ``-`` reverses one), or a function
    ``(queryset, descending, request) -> queryset`` for an order computed outside the database; None: not
    sortable. ``cell``: a template for the cell; else ``attr``. ``title``: the card's title on a phone.
    ``phone``: False hides the column on a phone. ``css``: classes of the cells.
    """

    key: str
    label: Any
    sort: tuple[str, ...] | SortFunction | None = None
    cell: str | None = None
    attr: str | None = None
    title: bool = False
    phone: bool = True
    css: str = ""

    @property
    def sortable(self) -> bool:
        return self.sort is not None


@dataclass(frozen=True)
class Filter:
    """A filter: the query parameter, its label, and which values it accepts.

    ``kind``: ``select`` (one of ``choices``), ``search`` (free text, trimmed, at most 100 characters),
    ``check`` (a checkbox: the one value of ``choices``), ``lookup`` (any value ``lookup(request, value)``
    names, e.g. an institution given by its code; the name is the chip's text). ``choices``: pairs
    ``(value, label)`` or a function of the request returning them. ``form``: False keeps the filter out of
    the form (still validated, shown as a chip and clearable), e.g. an older parameter that links still use.
    """

    key: str
    label: Any
    choices: Choices | Callable[[HttpRequest], Choices] = ()
    kind: str = "select"
    placeholder: Any = ""
    lookup: Callable[[HttpRequest, str], str | None] | None = None
    form: bool = True
    any_label: Any = None  # the select's first option, e.g. 全部区 (default: 全部 + label)

    def options(self, request: HttpRequest) -> list[tuple[str, Any]]:
        found = self.choices(request) if callable(self.choices) else self.choices
        return [(str(value), label) for value, label in found]

    def clean(self, request: HttpRequest, raw: str | None) -> tuple[str | None, Any]:
        """The accepted value and its chip text, or ``(None, None)`` when the value is absent or not allowed."""
        raw = (raw or "").strip()
        if not raw:
            return None, None
        if self.kind == "search":
            value = raw[:SEARCH_MAX_LENGTH]
            return value, f"“{value}”"
        if self.kind == "lookup":
            name = self.lookup(request, raw[:SEARCH_MAX_LENGTH]) if self.lookup else None
            return (raw[:SEARCH_MAX_LENGTH], name) if name else (None, None)
        labels = dict(self.options(request))
        return (raw, labels[raw]) if raw in labels else (None, None)


@dataclass(frozen=True)
class Chip:
    label: Any
    text: Any
    clear_url: str


@dataclass(frozen=True)
class FormField:
    filter: Filter
    value: str
    options: list[tuple[str, Any]]


@dataclass(frozen=True)
class Header:
    column: Column
    url: str = ""  # the link that sorts by this column (toggling the direction when it is the current one)
    direction: str = ""  # "ascending" / "descending" when the list is sorted by it (aria-sort)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the elision between page numbers
    url: str = ""
    current: bool = False


@dataclass
class Listing:
    """What ``core/_list.html`` renders: the page, the headers, the chips, the pager and the form."""

    spec: ListSpec
    state: ListState
    page: Page[Any]
    headers: list[Header]
    chips: list[Chip]
    clear_url: str
    page_links: list[PageLink]
    prev_url: str
    next_url: str
    sizes: list[PageLink]
    fields: list[FormField]
    sort_options: list[tuple[str, Any]]
    hidden: list[tuple[str, str]]
    export_url: str = ""
    select: tuple[str, str] | None = None  # (checkbox name, id of the form it belongs to) for bulk actions
    empty: Any = ""
    caption: Any = ""

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def columns(self) -> list[Column]:
        return list(self.spec.columns)

    @property
    def filtered(self) -> bool:
        return bool(self.chips)

    def url(self, **changes: Any) -> str:
        return self.state.url(**changes)


@dataclass(frozen=True)
class ListSpec:
    """A list page's declaration; see the module docstring for an example."""

    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    default_sort: str = ""  # a column key, ``-key`` for descending; "" keeps the selector's order
    page_sizes: tuple[int, ...] = PAGE_SIZES
    keep: tuple[str, ...] = ()  # other parameters the page owns (e.g. the queue's ``view`` tab), kept in links
    exportable: bool = False  # ``?format=xlsx`` exports the filtered, sorted list
    empty: Any = NO_RECORDS
    page_param: str = PAGE_PARAM  # another name where a page shows two lists

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys: {keys}")
        if self.default_sort and self.default_sort.lstrip("-") not in {c.key for c in self.columns if c.sortable}:
            raise ValueError(f"default sort {self.default_sort!r} is not a sortable column")

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def read(self, request: HttpRequest, **keep: str) -> ListState:
        """The request's list parameters, validated: what is not allowed is left out, as if absent."""
        get = request.GET
        values: dict[str, str | None] = {}
        texts: dict[str, Any] = {}
        for f in self.filters:
            values[f.key], texts[f.key] = f.clean(request, get.get(f.key))
        sort = get.get(SORT_PARAM, "")
        column = self.column(sort.lstrip("-"))
        if column is None or not column.sortable:
            sort = self.default_sort
        size = self.page_sizes[0]
        raw_size = get.get(SIZE_PARAM, "")
        if raw_size.isdigit() and int(raw_size) in self.page_sizes:
            size = int(raw_size)
        kept = {k: keep.get(k, get.get(k, "")) for k in self.keep}
        return ListState(self, request, values, texts, sort, size, get.get(self.page_param) or "1", kept)


@dataclass
class ListState:
    """A request's validated list parameters, and the links that change one of them."""

    spec: ListSpec
    request: HttpRequest
    values: dict[str, str | None]
    texts: dict[str, Any]
    sort: str
    size: int
    page_number: str
    kept: dict[str, str] = field(default_factory=dict)

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def params(self, **changes: Any) -> dict[str, str]:
        """The list's query parameters (non-default ones only), with ``changes`` applied (None removes one)."""
        current: dict[str, Any] = {k: v for k, v in self.kept.items() if v}
        current.update({k: v for k, v in self.values.items() if v is not None})
        if self.sort and self.sort != self.spec.default_sort:
            current[SORT_PARAM] = self.sort
        if self.size != self.spec.page_sizes[0]:
            current[SIZE_PARAM] = str(self.size)
        for key, value in changes.items():
            key = self.spec.page_param if key == PAGE_PARAM else key
            if value is None or value == "":
                current.pop(key, None)
            else:
                current[key] = str(value)
        if current.get(SORT_PARAM) == self.spec.default_sort:
            current.pop(SORT_PARAM)
        if current.get(SIZE_PARAM) == str(self.spec.page_sizes[0]):
            current.pop(SIZE_PARAM)
        return current

    def url(self, **changes: Any) -> str:
        query = urlencode(self.params(**changes))
        return f"?{query}" if query else "?"

    def order(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The queryset in the requested order (the selector's own order when none is), ties broken by pk."""
        column = self.spec.column(self.sort_key) if self.sort else None
        if column is None or column.sort is None:
            return queryset
        if callable(column.sort):
            return column.sort(queryset, self.descending, self.request)
        terms = []
        for path in column.sort:
            reverse = path.startswith("-") != self.descending
            expression = F(path.lstrip("-"))
            terms.append(expression.desc(nulls_last=True) if reverse else expression.asc(nulls_last=True))
        return queryset.order_by(*terms, "-pk" if self.descending else "pk")

    def page(
        self, queryset: QuerySet[Any] | Sequence[Any], *, select: tuple[str, str] | None = None, empty: Any = None,
        caption: Any = "", export: bool | None = None,
    ) -> Listing:
        """Sort and paginate ``queryset``; everything the include needs to render it."""
        rows = self.order(queryset) if isinstance(queryset, QuerySet) else queryset
        if isinstance(rows, QuerySet) and _deferred_join(rows):
            page = Paginator(rows.values_list("pk", flat=True), self.size).get_page(self.page_number)
            ids = list(page.object_list)
            found = {row.pk: row for row in rows.filter(pk__in=ids)}
            page.object_list = [found[pk] for pk in ids if pk in found]
        else:
            page = Paginator(rows, self.size).get_page(self.page_number)
            page.object_list = list(page.object_list)  # one read; a view may attach what its cells need to the rows
        return Listing(
            spec=self.spec, state=self, page=page, headers=self._headers(), chips=self._chips(),
            clear_url=self.url(**dict.fromkeys(self.values), page=None), page_links=self._page_links(page),
            prev_url=self.url(page=page.previous_page_number()) if page.has_previous() else "",
            next_url=self.url(page=page.next_page_number()) if page.has_next() else "",
            sizes=[PageLink(n, self.url(size=n, page=None), n == self.size) for n in self.spec.page_sizes],
            fields=self._fields(), sort_options=self._sort_options(),
            hidden=[(k, v) for k, v in self.params().items() if k in self.spec.keep or k == SIZE_PARAM],
            export_url=self.url(format="xlsx", page=None) if (self.spec.exportable if export is None else export) else "",
            select=select, empty=self.spec.empty if empty is None else empty, caption=caption,
        )  # fmt: skip

    def _headers(self) -> list[Header]:
        headers = []
        for column in self.spec.columns:
            if not column.sortable:
                headers.append(Header(column))
                continue
            current = self.sort_key == column.key and bool(self.sort)
            target = f"-{column.key}" if current and not self.descending else column.key
            direction = ("descending" if self.descending else "ascending") if current else ""
            headers.append(Header(column, self.url(sort=target, page=None), direction))
        return headers

    def _chips(self) -> list[Chip]:
        return [
            Chip(f.label, self.texts[f.key], self.url(**{f.key: None}, page=None))
            for f in self.spec.filters
            if self.values.get(f.key) is not None
        ]

    def _fields(self) -> list[FormField]:
        return [
            FormField(f, self.values.get(f.key) or "", f.options(self.request) if f.kind in ("select", "check") else [])
            for f in self.spec.filters
            if f.form
        ]

    def _sort_options(self) -> list[tuple[str, Any]]:
        options = []
        for column in self.spec.columns:
            if column.sortable:
                options.append((column.key, _("%(label)s ↑") % {"label": column.label}))
                options.append((f"-{column.key}", _("%(label)s ↓") % {"label": column.label}))
        return options

    def _page_links(self, page: Page[Any]) -> list[PageLink]:
        if page.paginator.num_pages <= 1:
            return []
        links = []
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            if isinstance(number, int):
                links.append(PageLink(number, self.url(page=number), number == page.number))
            else:
                links.append(PageLink(None))
        return links


def _deferred_join(rows: QuerySet[Any]) -> bool:
    """Whether to find the page's keys first and join the related rows for those only (a "deferred join").

    The key query reads the list's own table: the planner can walk the order's index and stop after one page
    instead of joining every row of a city (100,000 cases) to its region, department and clue before sorting.
    Only for a plain ``select_related`` queryset: DISTINCT, sliced or combined querysets keep the one query."""
    query = rows.query
    return bool(query.select_related) and not (query.distinct or query.combinator or query.is_sliced)
