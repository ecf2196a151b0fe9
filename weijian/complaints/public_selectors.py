"""What the public complaint form reads: the home city's districts and streets, and registry institutions by name.

Only what a filer needs to pick the subject: name, district, address — public registry facts. Nothing scoped.
"""

from __future__ import annotations

from dataclasses import dataclass

from weijian.core.models import Region
from weijian.core.selectors import city_districts, home_city_code
from weijian.core.text import search_key
from weijian.registry.models import Institution

SEARCH_MAX = 20


@dataclass(frozen=True)
class RegionGroup:
    district: Region
    streets: list[Region]


def region_choices() -> list[RegionGroup]:
    districts = list(city_districts(home_city_code()))
    streets: dict[int, list[Region]] = {}
    for street in Region.objects.filter(level=Region.Level.STREET, parent__in=districts).order_by("code"):
        streets.setdefault(street.parent_id or 0, []).append(street)
    return [RegionGroup(d, streets.get(d.pk, [])) for d in districts]


def institution_search(text: str) -> list[Institution]:
    key = search_key(text[:60])
    if len(key) < 2:
        return []
    return list(Institution.objects.select_related("district").filter(search_text__contains=key)
                .order_by("name_sort", "pk")[:SEARCH_MAX])  # fmt: skip


def institution_by_uscc(uscc: str) -> Institution | None:
    uscc = (uscc or "").strip().upper()
    if not uscc or len(uscc) > 18:
        return None
    return Institution.objects.select_related("district").filter(uscc=uscc).first()
