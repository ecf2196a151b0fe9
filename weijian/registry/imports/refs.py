"""Resolve what a user typed in a reference column — a code, a name, or "name code" — to the code.

The template's drop-downs offer "浦东新区 310115"; an office may as well type the name it knows or the
code it has. A code is checked against the name typed beside it; a name alone must name exactly one
region of the column's levels (the user's own region first), else the error lists the candidates.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from weijian.core.models import Region
from weijian.registry.imports.cells import CellError, Ref


def names_index(regions: dict[str, Region]) -> dict[str, list[Region]]:
    index: dict[str, list[Region]] = defaultdict(list)
    for region in regions.values():
        index[region.name].append(region)
    return dict(index)


def resolve_region(ctx: Any, ref: Ref, levels: tuple[str, ...]) -> str:
    """The region code for ``ref`` (``ctx`` is the import's Context); an unknown code is returned as typed
    so that the spec reports it in its own words."""
    if ref.code:
        region = ctx.regions.get(ref.code)
        if ref.name and region is not None and region.name != ref.name:
            raise CellError(_("代码 %(code)s 是“%(name)s”，与所填名称“%(typed)s”不符") % {
                "code": ref.code, "name": region.name, "typed": ref.name,
            })  # fmt: skip
        return ref.code
    if ctx.region_names is None:
        ctx.region_names = names_index(ctx.regions)
    found = [r for r in ctx.region_names.get(ref.name, []) if r.level in levels]
    if len(found) > 1:
        mine = [r for r in found if ctx.in_scope(r.code)]
        found = mine if len(mine) == 1 else found
    if not found:
        raise CellError(_("没有名为“%(name)s”的区划（可从下拉列表选择，或填写区划代码）") % {"name": ref.name})
    if len(found) > 1:
        listed = _("、").join(f"{r.name} {r.code}" for r in sorted(found, key=lambda r: r.code)[:5])
        raise CellError(_("有多个名为“%(name)s”的区划（%(regions)s），请同时填写代码") % {"name": ref.name, "regions": listed})
    return found[0].code
