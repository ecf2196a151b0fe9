"""The supervised population beyond medical institutions, for ``weijian sim city``: 公共场所 (hotels, baths,
swimming pools, beauty salons), 生活饮用水 suppliers, schools, disinfection-product makers, radiological and
occupational-health employers — each with its 卫生许可证 or 备案 where its kind has one (registry kinds file).

Written as the table ``supervised_units`` (the institution import's columns), so the activity simulator and the
analytics, which concern medical institutions only, never see them. Per district: hundreds of 公共场所, tens of
water suppliers and schools, a few of the others (times ``Preset.supervised_scale``). About 5 % of licences
expired before :data:`~weijian.sim.city.AS_OF` and about 5 % run out within its first quarter.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from weijian.sim import names as N

# Units per district at scale 1, and the word of the 卫生许可证 number (沪卫公字, 沪卫水字 …) or the filing prefix.
PER_DISTRICT: dict[str, int] = {
    "hotel": 80, "bath": 15, "swimming_pool": 15, "beauty_salon": 160, "water_supplier": 20, "school": 50,
    "disinfection_maker": 3, "radiological_employer": 4, "occupational_employer": 8,
}  # fmt: skip
_LICENCE: dict[str, tuple[str, str]] = {  # kind → (licence kind, word)
    "hotel": ("hygiene", "公"), "bath": ("hygiene", "公"), "swimming_pool": ("hygiene", "公"),
    "beauty_salon": ("hygiene", "公"), "water_supplier": ("hygiene", "水"), "disinfection_maker": ("hygiene", "消"),
    "radiological_employer": ("filing", "放射"), "occupational_employer": ("filing", "职危"), "school": ("none", ""),
}  # fmt: skip
_NAMES: dict[str, tuple[str, ...]] = {
    "hotel": ("上海{brand}酒店", "{stem}{brand}宾馆", "上海{brand}商务旅馆"),
    "bath": ("上海{brand}浴场", "{stem}{brand}足浴休闲会所"),
    "swimming_pool": ("{stem}游泳馆", "上海{brand}健身游泳俱乐部"),
    "beauty_salon": ("{person}美发店", "上海{brand}美容美发有限公司", "{stem}{brand}美甲店"),
    "water_supplier": ("上海{d}自来水有限公司{stem}水厂", "{stem}{brand}小区二次供水设施"),
    "school": ("上海市{d}{stem}小学", "上海市{d}{stem}中学", "上海市{brand}幼儿园"),
    "disinfection_maker": ("上海{brand}消毒制品有限公司",),
    "radiological_employer": ("上海{brand}无损检测有限公司",),
    "occupational_employer": ("上海{brand}机械制造有限公司", "上海{brand}化工有限公司"),
}
HYGIENE_YEARS = 4  # 卫生许可证有效期 in the synthetic city (公共场所卫生管理条例实施细则 [unverified])


def counts(districts: int, scale: float) -> dict[str, int]:
    return {kind: max(1, round(n * scale)) * districts for kind, n in PER_DISTRICT.items()}


def build(rng: np.random.Generator, districts: tuple[str, ...], scale: float, streets: object, as_of: date,
          taken: set[str]) -> dict:
    """Columns of the ``supervised_units`` table (the city module turns them into Arrow); ``taken``: the medical
    institutions' 统一社会信用代码, never reused."""
    from weijian.sim import city as C

    per = {kind: max(1, round(n * scale)) for kind, n in PER_DISTRICT.items()}
    kind = np.array([k for d in districts for k, n in per.items() for _ in range(n)])
    district = np.array([d for d in districts for n in per.values() for _ in range(n)])
    n = len(kind)
    code, sname, sdistrict = streets.code, streets.name, streets.district  # type: ignore[attr-defined]
    street = np.array([rng.choice(np.flatnonzero(sdistrict == d)) for d in district])
    public = (kind == "school") | ((kind == "water_supplier") & (rng.random(n) < 0.6))
    prefix = np.where(public, "12", np.where((kind == "beauty_salon") & (rng.random(n) < 0.5), "92", "91"))
    established = C._uniform_dates(rng, "2000-01-01", C._LAST, n)
    ids = C._institution_ids(rng, prefix, district, established)
    while clash := [i for i, value in enumerate(ids) if value in taken]:
        ids[clash] = C._institution_ids(rng, prefix[clash], district[clash], established[clash])
    licence = np.array([_LICENCE[k][0] for k in kind])
    start = C._uniform_dates(rng, "2021-04-01", C._LAST, n)
    end = C._add_months(start, 12 * HYGIENE_YEARS) - np.timedelta64(1, "D")
    u = rng.random(n)
    expired, expiring = (licence == "hygiene") & (u < 0.05), (licence == "hygiene") & (u >= 0.05) & (u < 0.10)
    end[expired] = C._uniform_dates(rng, "2024-01-01", C._LAST, int(expired.sum()))
    start[expired] = C._add_months(end[expired] + np.timedelta64(1, "D"), -12 * HYGIENE_YEARS)
    end[expiring] = C._uniform_dates(rng, as_of, np.datetime64(as_of, "D") + 89, int(expiring.sum()))
    start[expiring] = C._add_months(end[expiring] + np.timedelta64(1, "D"), -12 * HYGIENE_YEARS)
    nat = np.datetime64("NaT", "D")
    lic_from = np.where(licence == "none", nat, start)
    lic_to = np.where(licence == "hygiene", end, nat)
    serial = np.arange(1, n + 1)
    licence_no = [
        "" if lic == "none" else
        f"沪卫{_LICENCE[k][1]}字[{str(s)[:4]}]第{d}{i:05d}号" if lic == "hygiene" else f"{_LICENCE[k][1]}备{d}-{i:05d}"
        for k, lic, d, s, i in zip(kind, licence, district, lic_from, serial, strict=True)
    ]  # fmt: skip
    female = rng.random(n) < 0.5
    people = C.person_names(rng, female)
    r = rng.integers(0, 1_000_000, size=(n, 3))
    names = []
    for i in range(n):
        templates = _NAMES[kind[i]]
        brand = N.BRAND_HEADS[r[i, 1] % len(N.BRAND_HEADS)] + N.BRAND_TAILS[r[i, 2] % len(N.BRAND_TAILS)]
        names.append(templates[r[i, 0] % len(templates)].format(
            brand=brand, stem=C._street_stem(sname[street[i]]), person=people[i], d=C._short_district(N.DISTRICTS[district[i]]),
        ))  # fmt: skip
    return {
        "institution_id": ids, "name": names, "kind": kind, "level": np.full(n, "none"), "district_code": district,
        "beds": np.zeros(n, dtype=np.int64), "licence_valid_from": lic_from, "licence_valid_to": lic_to,
        "status": np.full(n, "active"), "status_since": established, "wastewater_class": [None] * n,
        "street_code": code[street], "address": C._addresses(rng, district, sname[street]),
        "ownership": np.where(public, "public", "private"), "profit": np.where(public, "nonprofit", "forprofit"),
        "licence_no": licence_no,
    }  # fmt: skip


def schema(institutions: pa.Schema) -> pa.Schema:
    """The institution table's columns, with the licence dates nullable (a school has none, a filing no end)."""
    return pa.schema([
        pa.field(f.name, f.type, nullable=f.nullable or f.name in ("licence_valid_from", "licence_valid_to"))
        for f in institutions
    ])  # fmt: skip
