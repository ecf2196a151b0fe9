"""The list component: what a query string may change is whitelisted, and every link keeps the rest."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import RequestFactory

from weijian.core.lists import Column, Filter, ListSpec
from weijian.registry.models import Institution

SPEC = ListSpec(
    columns=(
        Column("name", "名称", sort=("name_sort", "name"), title=True),
        Column("beds", "床位", sort=("-beds",)),
        Column("kind", "类别"),
    ),
    filters=(
        Filter("q", "搜索", kind="search"),
        Filter("kind", "类别", choices=(("hospital", "医院"), ("clinic", "诊所"))),
        Filter("late", "超期", kind="check", choices=(("1", "仅超期"),), form=False),
    ),
    default_sort="name",
    page_sizes=(2, 3),
    keep=("view",),
    exportable=True,
)


def _state(query: dict[str, str]) -> Any:
    request = RequestFactory().get("/x/", query)
    return SPEC.read(request)


def test_unknown_values_are_ignored_never_errors() -> None:
    state = _state({"sort": "password", "size": "1000", "kind": "spaceship", "late": "yes", "page": "abc",
                    "q": "  " + "医" * 150 + " "})  # fmt: skip
    assert state.sort == "name" and state.size == 2
    assert state.values == {"q": "医" * 100, "kind": None, "late": None}
    state = _state({"sort": "-beds", "size": "3", "kind": "clinic", "late": "1", "view": "all"})
    assert (state.sort_key, state.descending, state.size) == ("beds", True, 3)
    assert state.values == {"q": None, "kind": "clinic", "late": "1"} and state.kept == {"view": "all"}


def test_unsortable_column_and_declaration_errors() -> None:
    assert _state({"sort": "kind"}).sort == "name"  # not sortable: the default
    with pytest.raises(ValueError, match="default sort"):
        ListSpec(columns=(Column("a", "A"),), default_sort="a")
    with pytest.raises(ValueError, match="duplicate"):
        ListSpec(columns=(Column("a", "A"), Column("a", "B")))


@pytest.mark.django_db
def test_page_sorts_paginates_and_links_keep_the_other_parameters(registry: dict[str, str]) -> None:
    qs = Institution.objects.all()  # the component sorts and pages; the page's selector filters
    listing = _state({"kind": "hospital", "view": "all", "sort": "-name", "junk": "x"}).page(qs)
    names = [i.name for i in Institution.objects.order_by("-name_sort", "-name", "-pk")][:2]
    assert [r.name for r in listing.rows] == names
    assert listing.page.paginator.num_pages == 2 and [p.number for p in listing.page_links] == [1, 2]
    assert listing.prev_url == ""
    assert parse_qs(listing.next_url[1:]) == {"kind": ["hospital"], "view": ["all"], "sort": ["-name"], "page": ["2"]}
    (chip,) = listing.chips
    assert (chip.label, chip.text) == ("类别", "医院")
    name, beds, kind = listing.headers
    assert name.direction == "descending" and "sort" not in parse_qs(name.url[1:])  # toggles back to the default
    assert beds.direction == "" and parse_qs(beds.url[1:])["sort"] == ["beds"]
    assert kind.url == ""  # not sortable
    assert parse_qs(listing.export_url[1:])["format"] == ["xlsx"]
    assert [s.number for s in listing.sizes] == [2, 3] and listing.sizes[0].current
    beds_first = _state({"sort": "beds"}).page(qs).rows  # "-beds" declared: most beds first
    assert [r.beds for r in beds_first] == sorted(qs.values_list("beds", flat=True), reverse=True)[:2]


@pytest.mark.django_db
def test_chips_clear_one_filter_each_and_all_together(registry: dict[str, str]) -> None:
    listing = _state({"kind": "clinic", "late": "1", "q": "诊所", "view": "open", "size": "3"}).page(
        Institution.objects.all()
    )
    chips = {c.label: parse_qs(c.clear_url[1:]) for c in listing.chips}
    assert set(chips) == {"搜索", "类别", "超期"}
    assert chips["类别"] == {"q": ["诊所"], "late": ["1"], "view": ["open"], "size": ["3"]}
    assert parse_qs(listing.clear_url[1:]) == {"view": ["open"], "size": ["3"]}
    assert [f.filter.key for f in listing.fields] == ["q", "kind"]  # ``late`` is not in the form, still a chip


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["name", "-name", "-beds", "beds"])
def test_a_select_related_page_reads_keys_first_and_keeps_order_and_rows(registry: dict[str, str], sort: str) -> None:
    """The deferred join (keys of one page, then their rows with the related ones) gives the same rows, in the same
    order, as the one-query page — on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    joined = Institution.objects.select_related("district")
    for page in ("1", "2", "3"):
        state = _state({"sort": sort, "page": page})
        with CaptureQueriesContext(connection) as ctx:
            listing = state.page(joined)
        plain = state.page(Institution.objects.all())
        assert [r.pk for r in listing.rows] == [r.pk for r in plain.rows]
        assert all("district" in r._state.fields_cache for r in listing.rows)  # the related rows came with them
        keys = [q["sql"] for q in ctx.captured_queries if 'AS "pk"' in q["sql"] or "AS `pk`" in q["sql"]]
        assert keys and "JOIN" not in keys[0]  # the page's keys were read from the list's own table
    distinct = state.page(joined.distinct())
    assert [r.pk for r in distinct.rows] == [r.pk for r in plain.rows]  # DISTINCT keeps the one query
