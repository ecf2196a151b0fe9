"""``weijian sim city``: a synthetic Shanghai's registries, written as Parquet.

What it generates, in the shape of ``contracts/analytics-v1.md`` (registry tables) plus the extra
columns the platform's importer reads:

* ``regions`` — 街道/镇/乡 under the preset's districts with their real codes and names (the
  platform's shipped 统计用区划代码, :mod:`weijian.core.reference`; development zones and farms left
  out) and 2–4 synthetic 网格 per street, coded street code + 3 digits;
* ``institutions`` — hospitals, specialist hospitals, one 社区卫生服务中心 per street, clinics,
  medical-aesthetic clinics and others, each with a valid 统一社会信用代码 (GB 32100), a 5-year
  执业许可证, an ownership and a status;
* ``institution_depts`` — the licensed 诊疗科目, with dated validity (a few closed, some reopened);
* ``practitioners`` with ``practitioner_scopes`` and ``registrations`` — every practitioner has one
  primary 注册 at an institution licensed for their 执业范围; about 10 % of physicians also have
  多点执业 registrations; each carries a synthetic but valid 居民身份证号码 (GB 11643) for the
  importer to mask and hash (the file is owner-only, and ``weijian sim load`` blanks the numbers
  once they are loaded);
* ``inspectors`` — the 执法人员名录库: 执法证号, department, district and 执法领域.

Why: the platform needs a realistic city to demo and test on without real personal data, and the
activity simulator (``weijian sim activity``) builds a year of visits, prescriptions and waste on
these registries. The city is "as of" :data:`AS_OF`: every licence not deliberately expired covers
the whole of 2025, and ~3 % of institution licences ran out before it, so analytics has something
to find. A few statuses (suspended, revoked, closed) change during 2025.

Determinism: every table draws from its own ``numpy`` PCG64 stream seeded by ``(seed, table)``,
rows are sorted by their key, and Parquet is written without timestamps, so the same seed gives
byte-identical files. Nothing here imports Django.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.cn import ric, uscc

from weijian.core.reference import streets_of
from weijian.sim import names as N
from weijian.sim import supervised

AS_OF = date(2025, 1, 1)
"""The registries describe the city on this day; the activity year is the one that starts here."""

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
PERSONAL_TABLES = frozenset({"practitioners"})  # hold 身份证 numbers: written owner-only (0600)


# ---------------------------------------------------------------------------------------------
# Presets


@dataclass(frozen=True)
class Preset:
    """How big a city to generate: exact counts of institutions, practitioners and inspectors over
    the given districts; streets per district and grids per street are drawn from the ranges."""

    districts: tuple[str, ...]
    institutions: int
    practitioners: int
    inspectors: int
    streets_per_district: tuple[int, int] = (5, 15)
    grids_per_street: tuple[int, int] = (2, 4)
    supervised_scale: float = 0.05  # × the per-district counts of supervised units (weijian.sim.supervised)


PRESETS: dict[str, Preset] = {
    "small": Preset(
        districts=("310101", "310104", "310106", "310115"),
        institutions=200,
        practitioners=2_500,
        inspectors=40,
        streets_per_district=(5, 8),
        supervised_scale=0.5,
    ),
    "city": Preset(
        districts=tuple(N.DISTRICTS),
        institutions=6_000,
        practitioners=80_000,
        inspectors=1_500,
        streets_per_district=(8, 15),
        supervised_scale=1.0,
    ),
}

_STREAMS = ("regions", "institutions", "depts", "practitioners", "registrations", "inspectors", "supervised",
            "conflicts")  # append only: a stream's seed is its position


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([seed, _STREAMS.index(stream)]))


# ---------------------------------------------------------------------------------------------
# Output schemas (contract columns first, then the importer's extras)

_STR, _DATE = pa.string(), pa.date32()


def _schema(*fields: tuple[str, pa.DataType, bool]) -> pa.Schema:
    return pa.schema([pa.field(name, typ, nullable=nullable) for name, typ, nullable in fields])


SCHEMAS: dict[str, pa.Schema] = {
    "regions": _schema(("code", _STR, False), ("name", _STR, False), ("level", _STR, False),
                       ("parent_code", _STR, False)),
    "institutions": _schema(
        ("institution_id", _STR, False), ("name", _STR, False), ("kind", _STR, False),
        ("level", _STR, False), ("district_code", _STR, False), ("beds", pa.int64(), False),
        ("licence_valid_from", _DATE, False), ("licence_valid_to", _DATE, False),
        ("status", _STR, False), ("status_since", _DATE, False), ("wastewater_class", _STR, True),
        ("street_code", _STR, False), ("address", _STR, False), ("ownership", _STR, False),
        ("profit", _STR, False), ("licence_no", _STR, False),
    ),
    "institution_depts": _schema(("institution_id", _STR, False), ("dept_code", _STR, False),
                                 ("valid_from", _DATE, False), ("valid_to", _DATE, True)),
    "practitioners": _schema(
        ("practitioner_id", _STR, False), ("name", _STR, False), ("kind", _STR, False),
        ("status", _STR, False), ("status_since", _DATE, False), ("licence_valid_to", _DATE, True),
        ("id_number", _STR, False),
    ),
    "practitioner_scopes": _schema(("practitioner_id", _STR, False), ("dept_code", _STR, False)),
    "registrations": _schema(
        ("practitioner_id", _STR, False), ("institution_id", _STR, False), ("is_primary", pa.bool_(), False),
        ("valid_from", _DATE, False), ("valid_to", _DATE, True),
    ),
    "inspectors": _schema(
        ("badge_no", _STR, False), ("name", _STR, False), ("department", _STR, False),
        ("region_code", _STR, False), ("fields", _STR, False), ("active", pa.bool_(), False),
        ("badge_valid_from", _DATE, False), ("badge_valid_to", _DATE, False),
    ),
    "inspector_conflicts": _schema(
        ("badge_no", _STR, False), ("institution_id", _STR, False), ("reason", _STR, False),
        ("declared_on", _DATE, False), ("ended_on", _DATE, True),
    ),
}
SCHEMAS["supervised_units"] = supervised.schema(SCHEMAS["institutions"])

SORT_KEYS: dict[str, list[str]] = {
    "regions": ["code"],
    "institutions": ["institution_id"],
    "institution_depts": ["institution_id", "dept_code", "valid_from"],
    "practitioners": ["practitioner_id"],
    "practitioner_scopes": ["practitioner_id", "dept_code"],
    "registrations": ["practitioner_id", "institution_id", "valid_from"],
    "inspectors": ["badge_no"],
    "supervised_units": ["institution_id"],
    "inspector_conflicts": ["badge_no", "institution_id", "declared_on"],
}


def _column(values: object, typ: pa.DataType) -> pa.Array:
    if typ == _DATE:  # numpy dates, or lists of dates and None; NaT and None become null
        days = np.asarray(values, dtype="M8[D]")
        return pa.array(days, type=typ, mask=np.isnat(days))
    return pa.array(values, type=typ)


def _table(name: str, columns: dict[str, object]) -> pa.Table:
    schema = SCHEMAS[name]
    arrays = [_column(columns[f.name], f.type) for f in schema]
    table = pa.Table.from_arrays(arrays, schema=schema)
    return table.sort_by([(key, "ascending") for key in SORT_KEYS[name]])


# ---------------------------------------------------------------------------------------------
# Small helpers: dates, weighted draws, names


def _day(value: date | str) -> np.datetime64:
    return np.datetime64(value, "D")


AS_OF_D = _day(AS_OF)
_LAST = AS_OF_D - 1  # the last day before the city's "today"


def _uniform_dates(rng: np.random.Generator, lo: object, hi: object, size: int) -> np.ndarray:
    """Uniform dates in ``[lo, hi]`` (inclusive); ``lo``/``hi`` are dates or datetime64[D] arrays."""
    lo_d = np.asarray(lo, dtype="M8[D]")
    span = (np.asarray(hi, dtype="M8[D]") - lo_d).astype(np.int64) + 1
    offset = np.floor(rng.random(size) * np.maximum(span, 1)).astype(np.int64)
    return lo_d + offset.astype("m8[D]")


def _add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same day-of-month ``months`` later (a 29 February rolls into 1 March)."""
    month = days.astype("M8[M]")
    return (month + np.asarray(months)).astype("M8[D]") + (days - month.astype("M8[D]"))


def _five_year_end(start: np.ndarray) -> np.ndarray:
    """Last day of a 5-year validity starting on ``start``."""
    return _add_months(start, 60) - np.timedelta64(1, "D")


def _pick(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys)[rng.choice(len(keys), size=size, p=p / p.sum())]


def person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Chinese full names: a weighted surname and a 1–2 character given name by gender."""
    n = len(female)
    surnames = _pick(rng, {k: float(v) for k, v in N.SURNAMES.items()}, n)
    male_pool, female_pool = np.array(list(N.GIVEN_MALE)), np.array(list(N.GIVEN_FEMALE))
    neutral = np.array(list(N.GIVEN_NEUTRAL))
    last = np.where(female, female_pool[rng.integers(0, len(female_pool), n)],
                    male_pool[rng.integers(0, len(male_pool), n)])
    first_own = np.where(female, female_pool[rng.integers(0, len(female_pool), n)],
                         male_pool[rng.integers(0, len(male_pool), n)])
    first = np.where(rng.random(n) < 0.4, neutral[rng.integers(0, len(neutral), n)], first_own)
    first = np.where(rng.random(n) < 0.75, first, "")  # a quarter have a one-character given name
    return np.char.add(np.char.add(surnames, first), last)


def _district_weights(districts: Sequence[str]) -> np.ndarray:
    w = np.array([N.DISTRICT_POPULATION[d] for d in districts], dtype=float)
    return w / w.sum()


def _street_stem(street: str) -> str:
    for suffix in ("新镇", "街道", "镇", "乡"):
        if street.endswith(suffix) and len(street) > len(suffix) + 1:
            return street[: -len(suffix)]
    return street


def _short_district(district_name: str) -> str:
    return district_name.removesuffix("新区").removesuffix("区")


# ---------------------------------------------------------------------------------------------
# Regions


@dataclass
class Streets:
    code: np.ndarray
    name: np.ndarray
    district: np.ndarray


def street_pool(district: str) -> list[tuple[str, str]]:
    """(code, name) of a district's real 街道 (001–099), 镇 (100–199) and 乡 (200–399); the units the
    statistics code numbers from 400 (开发区, 农场 …) have no 社区卫生服务中心 of their own."""
    return [(r.code, r.name) for r in streets_of(district) if int(r.code[6:]) < 400]


def build_regions(rng: np.random.Generator, preset: Preset) -> tuple[Streets, pa.Table]:
    """A draw of each district's real streets (code and name) and 2–4 synthetic grids per street."""
    codes: list[str] = []
    names: list[str] = []
    parents: list[str] = []
    lo, hi = preset.streets_per_district
    for district in preset.districts:
        pool = street_pool(district)
        if not pool:
            raise ValueError(f"no streets of district {district} in the shipped regions")
        count = int(rng.integers(min(lo, len(pool)), min(hi, len(pool)) + 1))
        for i in sorted(rng.choice(len(pool), size=count, replace=False)):
            codes.append(pool[i][0])
            names.append(pool[i][1])
            parents.append(district)
    streets = Streets(np.array(codes), np.array(names), np.array(parents))
    g_lo, g_hi = preset.grids_per_street
    per_street = rng.integers(g_lo, g_hi + 1, size=len(codes))
    grid_codes = [f"{code}{k:03d}" for code, n in zip(codes, per_street, strict=True) for k in range(1, n + 1)]
    grid_names = [f"{name}第{k}网格" for name, n in zip(names, per_street, strict=True) for k in range(1, n + 1)]
    grid_parents = [code for code, n in zip(codes, per_street, strict=True) for _ in range(n)]
    table = _table("regions", {
        "code": codes + grid_codes,
        "name": names + grid_names,
        "level": ["street"] * len(codes) + ["grid"] * len(grid_codes),
        "parent_code": parents + grid_parents,
    })
    return streets, table


# ---------------------------------------------------------------------------------------------
# Institution catalogue: what each kind of institution is licensed for and how it is named


@dataclass(frozen=True)
class Subtype:
    """One sort of institution: its contract ``kind``, its name label and its 诊疗科目."""

    kind: str
    label: str
    core: tuple[str, ...]  # always licensed
    extra: tuple[str, ...]  # drawn from to reach the dept count
    n_depts: tuple[int, int]
    weight: float  # share within its kind
    public_share: float
    category: str  # 卫生机构类别 used in the 登记号 (WS 218 style) [unverified]


_HOSPITAL_POOL = tuple(c for c in N.DEPTS if c not in {"03", "04", "20", "26", "30", "32", "01", "02"})

SUBTYPES: tuple[Subtype, ...] = (
    Subtype("hospital", "医院", ("03", "04", "20", "26", "30", "32"), _HOSPITAL_POOL, (10, 25), 1, 0.75, "A100"),
    Subtype("specialist_hospital", "眼科医院", ("10", "26", "30", "32"), ("03", "11", "20", "31"), (5, 8), 0.10, 0.3, "A512"),
    Subtype("specialist_hospital", "口腔医院", ("12", "26", "30", "32"), ("03", "04", "07", "14", "20", "31"), (5, 9), 0.12, 0.3, "A513"),
    Subtype("specialist_hospital", "妇产科医院", ("05", "05.01", "05.02", "26", "30", "32"), ("03", "06", "07", "09", "20", "28", "31"), (7, 12), 0.10, 0.3, "A514"),
    Subtype("specialist_hospital", "儿童医院", ("07", "08", "20", "26", "30", "32"), ("09", "10", "11", "12", "21", "28", "31"), (7, 12), 0.05, 0.6, "A515"),
    Subtype("specialist_hospital", "精神卫生中心", ("15", "30", "32"), ("03", "21", "50"), (3, 6), 0.08, 1.0, "A520"),
    Subtype("specialist_hospital", "肿瘤医院", ("19", "03", "04", "26", "30", "31", "32"), ("05", "20", "24", "27", "28", "50"), (8, 13), 0.05, 0.5, "A516"),
    Subtype("specialist_hospital", "康复医院", ("21", "03", "30", "32"), ("04", "04.03", "24", "27", "50"), (5, 9), 0.12, 0.3, "A518"),
    Subtype("specialist_hospital", "中医医院", ("50", "03", "04", "20", "30", "32"), ("05", "07", "12", "13", "21", "26", "27", "52"), (8, 14), 0.14, 0.7, "A210"),
    Subtype("specialist_hospital", "传染病医院", ("16", "17", "03", "20", "30", "32"), ("04", "26", "28", "31"), (7, 10), 0.02, 1.0, "A511"),
    Subtype("specialist_hospital", "骨科医院", ("04", "04.03", "26", "30", "32"), ("03", "20", "21", "27"), (6, 9), 0.08, 0.2, "A517"),
    Subtype("specialist_hospital", "皮肤病医院", ("13", "30"), ("03", "14", "32", "50"), (3, 5), 0.06, 0.3, "A519"),
    Subtype("specialist_hospital", "医疗美容医院", ("14", "13", "26", "30"), ("03", "12", "32"), (4, 6), 0.08, 0.0, "A521"),
    Subtype("community_health_center", "社区卫生服务中心", ("02", "03"), ("01", "06", "07", "09", "12", "21", "24", "30", "32", "50"), (4, 8), 1, 1.0, "B100"),
    Subtype("clinic", "口腔诊所", ("12",), (), (1, 1), 0.28, 0.0, "D213"),
    Subtype("clinic", "口腔门诊部", ("12",), ("32",), (1, 2), 0.07, 0.0, "D113"),
    Subtype("clinic", "中医诊所", ("50",), (), (1, 1), 0.18, 0.0, "D212"),
    Subtype("clinic", "中医门诊部", ("50",), ("03",), (1, 2), 0.04, 0.0, "D112"),
    Subtype("clinic", "内科诊所", ("03",), (), (1, 1), 0.12, 0.0, "D211"),
    Subtype("clinic", "全科诊所", ("02",), (), (1, 1), 0.05, 0.0, "D211"),
    Subtype("clinic", "综合门诊部", ("03", "04"), (), (2, 2), 0.12, 0.0, "D100"),
    Subtype("clinic", "儿科诊所", ("07",), (), (1, 1), 0.04, 0.0, "D211"),
    Subtype("clinic", "眼科诊所", ("10",), (), (1, 1), 0.04, 0.0, "D211"),
    Subtype("clinic", "皮肤科诊所", ("13",), (), (1, 1), 0.03, 0.0, "D211"),
    Subtype("clinic", "中西医结合诊所", ("52",), (), (1, 1), 0.03, 0.0, "D214"),
    Subtype("aesthetic_clinic", "医疗美容门诊部", ("14",), ("13",), (1, 2), 0.6, 0.0, "D114"),
    Subtype("aesthetic_clinic", "医疗美容诊所", ("14",), ("13",), (1, 2), 0.4, 0.0, "D215"),
    Subtype("other", "医务室", ("03",), ("02",), (1, 2), 0.35, 1.0, "D400"),
    Subtype("other", "护理院", ("03", "21"), ("24",), (2, 3), 0.20, 0.0, "A700"),
    Subtype("other", "医学检验实验室", ("30",), (), (1, 1), 0.15, 0.0, "H300"),
    Subtype("other", "血液透析中心", ("03.06",), (), (1, 1), 0.12, 0.0, "H400"),
    Subtype("other", "医疗急救分站", ("20",), (), (1, 1), 0.10, 1.0, "E100"),
    Subtype("other", "安宁疗护中心", ("24", "03"), (), (2, 2), 0.08, 0.0, "A800"),
)

KIND_SHARES: dict[str, float] = {  # of all institutions, besides one 社区卫生服务中心 per street
    "hospital": 0.03,
    "specialist_hospital": 0.025,
    "aesthetic_clinic": 0.05,
    "other": 0.08,
}

_HOSPITAL_KINDS = ("hospital", "specialist_hospital")


def kind_counts(n: int, n_streets: int) -> dict[str, int]:
    """How many institutions of each kind: one centre per street, a few % hospitals, mostly clinics."""
    counts = {"community_health_center": min(n_streets, n // 5)}
    for kind, share in KIND_SHARES.items():
        counts[kind] = max(1, round(share * n)) if n >= 20 else round(share * n)
    counts["clinic"] = n - sum(counts.values())
    if counts["clinic"] < 0:
        raise ValueError(f"{n} institutions are too few for {n_streets} streets")
    return counts


def _draw_subtypes(rng: np.random.Generator, counts: dict[str, int]) -> np.ndarray:
    """Indices into :data:`SUBTYPES`, grouped by kind in catalogue order."""
    out: list[np.ndarray] = []
    for kind in ("hospital", "specialist_hospital", "community_health_center", "clinic", "aesthetic_clinic", "other"):
        idx = np.array([i for i, s in enumerate(SUBTYPES) if s.kind == kind])
        w = np.array([SUBTYPES[i].weight for i in idx])
        out.append(idx[rng.choice(len(idx), size=counts[kind], p=w / w.sum())])
    return np.concatenate(out)


# ---------------------------------------------------------------------------------------------
# Institutions


@dataclass
class Institutions:
    """Columns of the institutions table plus what later tables need (subtype, founding date)."""

    id: np.ndarray
    subtype: np.ndarray
    kind: np.ndarray
    district: np.ndarray
    street: np.ndarray
    street_name: np.ndarray
    established: np.ndarray
    status: np.ndarray
    beds: np.ndarray
    open_depts: list[tuple[str, ...]]  # filled by build_depts: 诊疗科目 valid on AS_OF

    def __len__(self) -> int:
        return len(self.id)


def _place(rng: np.random.Generator, subtype: np.ndarray, streets: Streets,
           districts: Sequence[str]) -> np.ndarray:
    """Street index of every institution: centres take one street each, others by population."""
    n = len(subtype)
    is_chc = np.array([SUBTYPES[s].kind == "community_health_center" for s in subtype])
    street = np.empty(n, dtype=np.int64)
    street[is_chc] = rng.permutation(len(streets.code))[: int(is_chc.sum())]
    others = np.flatnonzero(~is_chc)
    dist = np.array(districts)[rng.choice(len(districts), size=len(others), p=_district_weights(districts))]
    u = rng.random(len(others))
    for d in districts:
        in_d = np.flatnonzero(streets.district == d)
        sel = dist == d
        street[others[sel]] = in_d[np.floor(u[sel] * len(in_d)).astype(np.int64)]
    return street


def _ownership(rng: np.random.Generator, subtype: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """USCC prefix (12 事业单位, 52 民办非企业, 91 企业, 92 个体工商户) and public/private."""
    n = len(subtype)
    public = rng.random(n) < np.array([SUBTYPES[s].public_share for s in subtype])
    kinds = np.array([SUBTYPES[s].kind for s in subtype])
    u = rng.random(n)
    private = np.where(np.isin(kinds, _HOSPITAL_KINDS), np.where(u < 0.4, "52", "91"), "91")
    private = np.where(kinds == "clinic", np.where(u < 0.55, "92", np.where(u < 0.95, "91", "52")), private)
    private = np.where(kinds == "other", np.where(u < 0.3, "52", "91"), private)
    return np.where(public, "12", private), np.where(public, "public", "private")


def _org_codes(rng: np.random.Generator, prefix: np.ndarray, new_style: np.ndarray) -> np.ndarray:
    """9-character 组织机构代码 with its GB 11714 check character: 8 digits for 事业单位 and for
    bodies registered before the 2016 reform; ``MA…`` (companies) or ``MJ…`` (民办非企业) after it."""
    n = len(prefix)
    alphabet = np.array(list(USCC_ALPHABET))
    digits = rng.integers(0, 10, size=(n, 8)).astype(str)
    mixed = alphabet[rng.integers(0, len(alphabet), size=(n, 8))]
    mixed[:, 0], mixed[:, 1] = "M", np.where(prefix == "52", "J", "A")
    body = np.where(new_style[:, None], mixed, digits)
    bodies = ["".join(row) for row in body]
    return np.array([b + _gb11714_check(b) for b in bodies])


def _gb11714_check(body: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _institution_ids(rng: np.random.Generator, prefix: np.ndarray, district: np.ndarray,
                     established: np.ndarray) -> np.ndarray:
    """Unique 统一社会信用代码: prefix + district + 组织机构代码 + GB 32100 check character."""
    new_style = (prefix != "12") & (established >= _day("2016-01-01"))
    org = _org_codes(rng, prefix, new_style)
    while True:
        _, first = np.unique(org, return_index=True)
        dup = np.setdiff1d(np.arange(len(org)), first)
        if len(dup) == 0:
            break
        org[dup] = _org_codes(rng, prefix[dup], new_style[dup])
    body = np.char.add(np.char.add(prefix, district), org)
    return np.array([b + uscc.calc_check_digit(b) for b in body])


def _licence_dates(rng: np.random.Generator, subtype: np.ndarray, public: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(licence_valid_from, licence_valid_to, established).

    Current licences start in 2021–2024, so they cover all of 2025; ~3 % of private institutions
    never renewed, so their licence (the previous 5-year cycle) ended before :data:`AS_OF`.
    """
    n = len(subtype)
    kinds = np.array([SUBTYPES[s].kind for s in subtype])
    start = _uniform_dates(rng, "2021-01-01", _LAST, n)
    cycles = np.where(np.isin(kinds, _HOSPITAL_KINDS), rng.integers(1, 11, n),
                      np.where(kinds == "community_health_center", rng.integers(2, 6, n), rng.integers(0, 4, n)))
    established = _add_months(start, -60 * cycles)
    eligible = np.flatnonzero(~public & (cycles >= 1))
    expired = rng.choice(eligible, size=min(len(eligible), round(0.03 * n)), replace=False)
    start[expired] = _add_months(start[expired], -60)
    return start, _five_year_end(start), established


def _statuses(rng: np.random.Generator, public: np.ndarray, established: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Mostly active; a few private institutions suspended, revoked or closed since 2022–mid 2025."""
    n = len(public)
    status = np.full(n, "active", dtype=object)
    draws = {"suspended": 0.015, "revoked": 0.01, "closed": 0.02}
    candidates = rng.permutation(np.flatnonzero(~public))
    at = 0
    for name, share in draws.items():
        k = min(round(share * n), len(candidates) - at)
        status[candidates[at: at + k]] = name
        at += k
    lo = np.maximum(established, _day("2022-01-01"))
    changed = _uniform_dates(rng, lo, np.maximum(lo, _day("2025-06-30")), n)
    since = np.where(status == "active", established, changed)
    return status.astype(str), since


def _beds_and_level(rng: np.random.Generator, subtype: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(subtype)
    kinds = np.array([SUBTYPES[s].kind for s in subtype])
    labels = np.array([SUBTYPES[s].label for s in subtype])
    u = rng.random(n)
    level = np.full(n, "none", dtype=object)
    level[kinds == "hospital"] = np.where(u[kinds == "hospital"] < 0.3, "III", "II")
    spec = kinds == "specialist_hospital"
    level[spec] = np.select([u[spec] < 0.2, u[spec] < 0.65, u[spec] < 0.8], ["III", "II", "I"], "none")
    level[kinds == "community_health_center"] = "I"
    lo = np.select(
        [level == "III", (level == "II") & (kinds == "hospital"), level == "II", np.isin(kinds, _HOSPITAL_KINDS)],
        [np.where(kinds == "hospital", 800, 300), 100, 100, 20], 0)
    hi = np.select(
        [level == "III", (level == "II") & (kinds == "hospital"), level == "II", np.isin(kinds, _HOSPITAL_KINDS)],
        [np.where(kinds == "hospital", 2000, 1200), 800, 500, 150], 0)
    beds = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    chc = kinds == "community_health_center"
    beds[chc] = np.where(rng.random(int(chc.sum())) < 0.4, 0, rng.integers(20, 101, int(chc.sum())))
    nursing = labels == "护理院"
    beds[nursing] = rng.integers(50, 301, int(nursing.sum()))
    return beds.astype(np.int64), level.astype(str)


def _wastewater(rng: np.random.Generator, subtype: np.ndarray, beds: np.ndarray) -> list[str | None]:
    """GB 18466 class: infectious for 传染病医院, direct/sewer for other hospitals and bedded centres."""
    out: list[str | None] = []
    u = rng.random(len(subtype))
    for s, b, x in zip(subtype, beds, u, strict=True):
        st = SUBTYPES[s]
        if st.label == "传染病医院":
            out.append("infectious")
        elif st.kind in _HOSPITAL_KINDS or (st.kind == "community_health_center" and b > 0):
            out.append("general_direct" if x < 0.2 else "general_sewer")
        else:
            out.append(None)
    return out


# Name templates by (kind, private?); fields are filled from _NameParts.
_NAME_TEMPLATES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("hospital", False): ("上海市{d}中心医院", "上海市{d}人民医院", "上海市{d}{stem}医院", "上海市{d}{stem}医院",
                          "上海市{d}{brand}医院", "上海市{d}{brand}医院", "上海市第{num}人民医院", "{univ}{brand}医院"),
    ("hospital", True): ("上海{brand}医院", "上海{dn}{brand}医院", "上海{brand}国际医院"),
    ("specialist_hospital", False): ("上海市{d}{label}", "上海市{d}{stem}{label}", "{univ}{label}"),
    ("specialist_hospital", True): ("上海{brand}{label}", "上海{dn}{brand}{label}"),
    ("community_health_center", False): ("上海市{d}{street}社区卫生服务中心",),
    ("clinic", True): ("上海{brand}{label}", "上海{dn}{brand}{label}"),
    ("aesthetic_clinic", True): ("上海{brand}{label}", "上海{dn}{brand}{label}"),
    ("other", False): ("上海市{d}{stem}{label}",),
    ("other", True): ("上海{brand}{label}", "上海{dn}{brand}{label}"),
}
_INDIVIDUAL_TEMPLATES = ("上海{dn}{surname}氏{label}", "上海{dn}{person}{label}", "{person}{label}")
_STATION_TEMPLATES = ("上海市{d}医疗急救中心{stem}分站", "上海市{d}医疗急救中心{road}分站")
_WORKPLACE_TEMPLATES = ("上海{brand}实业有限公司医务室", "上海{brand}科技有限公司医务室", "上海市{stem}中学医务室",
                        "上海市{d}{stem}敬老院医务室")


def _name_template(subtype: Subtype, prefix: str) -> tuple[str, ...]:
    if prefix == "92":
        return _INDIVIDUAL_TEMPLATES
    if subtype.label == "医务室":
        return _WORKPLACE_TEMPLATES
    if subtype.label == "医疗急救分站":
        return _STATION_TEMPLATES
    return _NAME_TEMPLATES[(subtype.kind, prefix != "12")]


def _institution_names(rng: np.random.Generator, subtype: np.ndarray, prefix: np.ndarray, street: np.ndarray,
                       streets: Streets) -> tuple[np.ndarray, np.ndarray]:
    """Realistic, unique names, and the streets the institutions end up on.

    A duplicate is drawn again; an institution other than a centre may move to another street of
    its district for it, since its name often carries the street. Still colliding after 30 draws
    (only possible in tiny cities), it is numbered.
    """
    street = street.copy()
    movable = np.array([SUBTYPES[s].kind != "community_health_center" for s in subtype])
    in_district = {d: np.flatnonzero(streets.district == d) for d in np.unique(streets.district)}
    names = np.empty(len(subtype), dtype=object)
    todo = np.arange(len(subtype))
    for attempt in range(30):
        if attempt:
            for i in todo[movable[todo]]:
                pool = in_district[streets.district[street[i]]]
                street[i] = pool[rng.integers(len(pool))]
        persons = person_names(rng, rng.random(len(todo)) < 0.4)
        r = rng.integers(0, 1 << 30, size=(len(todo), 5))
        for j, i in enumerate(todo):
            names[i] = _one_name(SUBTYPES[subtype[i]], prefix[i], streets.district[street[i]],
                                 streets.name[street[i]], persons[j], r[j])
        _, first = np.unique(names.astype(str), return_index=True)
        todo = np.setdiff1d(np.arange(len(names)), first)
        if len(todo) == 0:
            break
    for k, i in enumerate(todo, start=1):
        names[i] = f"{names[i]}（{k}）"
    return names.astype(str), street


def _one_name(st: Subtype, prefix: str, district: str, street: str, person: str, r: np.ndarray) -> str:
    templates = _name_template(st, prefix)
    d = N.DISTRICTS[district]
    brand = N.BRAND_HEADS[r[1] % len(N.BRAND_HEADS)] + N.BRAND_TAILS[r[2] % len(N.BRAND_TAILS)]
    surnames = list(N.SURNAMES)
    return templates[r[0] % len(templates)].format(
        d=d, dn=_short_district(d), stem=_street_stem(street), street=street, brand=brand, label=st.label,
        num=N.CHINESE_NUMERALS[r[3] % len(N.CHINESE_NUMERALS)], univ=N.UNIVERSITIES[r[3] % len(N.UNIVERSITIES)],
        person=person, surname=surnames[r[3] % len(surnames)], road=N.ROADS[r[4] % len(N.ROADS)],
    )


def _addresses(rng: np.random.Generator, district: np.ndarray, street_name: np.ndarray) -> list[str]:
    """上海市 + district + a road (the street's own road when it is named after one) + number."""
    n = len(district)
    roads = np.array(N.ROADS)[rng.integers(0, len(N.ROADS), n)]
    numbers = rng.integers(1, 1500, n)
    own = rng.random(n) < 0.5
    out = []
    for d, s, road, num, o in zip(district, street_name, roads, numbers, own, strict=True):
        stem = _street_stem(s)
        if o and stem.endswith("路"):
            road = stem
        out.append(f"上海市{N.DISTRICTS[d]}{road}{num}号")
    return out


def build_institutions(rng: np.random.Generator, preset: Preset, streets: Streets
                       ) -> tuple[Institutions, pa.Table]:
    counts = kind_counts(preset.institutions, len(streets.code))
    subtype = _draw_subtypes(rng, counts)
    street = _place(rng, subtype, streets, preset.districts)
    district = streets.district[street]
    prefix, ownership = _ownership(rng, subtype)
    public = ownership == "public"
    lic_from, lic_to, established = _licence_dates(rng, subtype, public)
    ids = _institution_ids(rng, prefix, district, established)
    names, street = _institution_names(rng, subtype, prefix, street, streets)
    street_code, street_name = streets.code[street], streets.name[street]
    status, since = _statuses(rng, public, established)
    beds, level = _beds_and_level(rng, subtype)
    kinds = np.array([SUBTYPES[s].kind for s in subtype])
    profit = np.where(np.isin(prefix, ["12", "52"]), "nonprofit", "forprofit")
    economy = np.where(public, "11", np.where(prefix == "92", "17", "15"))
    categories = np.array([SUBTYPES[s].category for s in subtype])
    licence_no = [f"{i[8:17]}{d}{e}{c}{1 if p == 'nonprofit' else 2}"
                  for i, d, e, c, p in zip(ids, district, economy, categories, profit, strict=True)]
    table = _table("institutions", {
        "institution_id": ids,
        "name": names,
        "kind": kinds, "level": level, "district_code": district, "beds": beds,
        "licence_valid_from": lic_from, "licence_valid_to": lic_to,
        "status": status, "status_since": since,
        "wastewater_class": _wastewater(rng, subtype, beds),
        "street_code": street_code, "address": _addresses(rng, district, street_name),
        "ownership": ownership, "profit": profit, "licence_no": licence_no,
    })
    inst = Institutions(ids, subtype, kinds, district, street_code, street_name, established, status, beds, [])
    return inst, table


# ---------------------------------------------------------------------------------------------
# Licensed departments (诊疗科目)


def _dept_codes(rng: np.random.Generator, st: Subtype) -> list[str]:
    lo, hi = st.n_depts
    total = int(rng.integers(lo, hi + 1))
    k = max(0, min(total - len(st.core), len(st.extra)))
    extra = [st.extra[i] for i in sorted(rng.choice(len(st.extra), size=k, replace=False))] if k else []
    return [*st.core, *extra]


def build_depts(rng: np.random.Generator, inst: Institutions) -> pa.Table:
    """Licensed 诊疗科目 with dates: core ones since founding, others added later; at hospitals ~4 %
    of the added ones were closed before :data:`AS_OF` and half of those reopened."""
    rows: dict[str, list] = {"institution_id": [], "dept_code": [], "valid_from": [], "valid_to": []}
    last = np.datetime64(_LAST)
    for i in range(len(inst)):
        st = SUBTYPES[inst.subtype[i]]
        founded = inst.established[i]
        open_codes: list[str] = []
        for code in _dept_codes(rng, st):
            start = founded
            if code not in st.core and rng.random() < 0.3:
                start = founded + np.timedelta64(int(rng.integers(0, (last - founded).astype(int) + 1)), "D")
            end = None
            if st.kind in _HOSPITAL_KINDS and code not in st.core and rng.random() < 0.04:
                room = (last - start).astype(int) - 180
                if room > 0:
                    end = start + np.timedelta64(180 + int(rng.integers(0, room + 1)), "D")
            rows["institution_id"].append(inst.id[i])
            rows["dept_code"].append(code)
            rows["valid_from"].append(start)
            rows["valid_to"].append(end)
            if end is None:
                open_codes.append(code)
            elif rng.random() < 0.5 and (last - end).astype(int) > 30:
                reopen = end + np.timedelta64(int(rng.integers(30, (last - end).astype(int) + 1)), "D")
                rows["institution_id"].append(inst.id[i])
                rows["dept_code"].append(code)
                rows["valid_from"].append(reopen)
                rows["valid_to"].append(None)
                open_codes.append(code)
        inst.open_depts.append(tuple(open_codes))
    return _table("institution_depts", rows)


# ---------------------------------------------------------------------------------------------
# Practitioners, their scopes and registrations

PRACTITIONER_KINDS: dict[str, float] = {
    "physician": 0.45, "assistant_physician": 0.05, "nurse": 0.40, "pharmacist": 0.05, "technician": 0.05,
}
_KIND_DIGIT = {"physician": "1", "assistant_physician": "2", "nurse": "3", "pharmacist": "4", "technician": "5"}
_STAFF_PER_BED = {"hospital": 1.2, "specialist_hospital": 1.0, "community_health_center": 0.5, "other": 0.3}
_STAFF_BASE = {"community_health_center": 60.0, "clinic": 3.0, "aesthetic_clinic": 8.0, "other": 5.0}


def _staff_weights(inst: Institutions) -> np.ndarray:
    """How many staff an institution draws: by beds for bedded ones, a handful for clinics."""
    per_bed = np.array([_STAFF_PER_BED.get(k, 0.0) for k in inst.kind])
    base = np.array([_STAFF_BASE.get(k, 0.0) for k in inst.kind])
    w = base + per_bed * inst.beds + 1.0
    return w / w.sum()


def _primary_institutions(rng: np.random.Generator, kinds: np.ndarray, inst: Institutions) -> np.ndarray:
    """Each institution gets at least one doctor (when there are enough); the rest go by size."""
    n = len(kinds)
    primary = rng.choice(len(inst), size=n, p=_staff_weights(inst))
    doctors = rng.permutation(np.flatnonzero(np.isin(kinds, ["physician", "assistant_physician"])))
    m = min(len(doctors), len(inst))
    primary[doctors[:m]] = rng.permutation(len(inst))[:m]
    return primary


def _scopes(rng: np.random.Generator, kinds: np.ndarray, primary: np.ndarray,
            inst: Institutions) -> list[tuple[str, ...]]:
    """执业范围 of doctors: 1–2 一级 codes that their primary institution is licensed for."""
    out: list[tuple[str, ...]] = []
    top_level = [sorted({c[:2] for c in codes}) for codes in inst.open_depts]
    r = rng.integers(0, 1 << 30, size=(len(kinds), 2))
    two = rng.random(len(kinds)) < 0.3
    for kind, p, (a, b), t in zip(kinds, primary, r, two, strict=True):
        if kind not in ("physician", "assistant_physician"):
            out.append(())
            continue
        codes = top_level[p]
        first = codes[a % len(codes)]
        rest = [c for c in codes if c != first]
        out.append((first, rest[b % len(rest)]) if t and rest else (first,))
    return out


def _category_digit(scopes: list[tuple[str, ...]]) -> np.ndarray:
    """医师类别: 1 临床, 2 中医, 3 口腔, 4 公共卫生; 0 for non-doctors."""
    out = []
    for scope in scopes:
        if not scope:
            out.append("0")
        elif scope[0] == "12":
            out.append("3")
        elif scope[0] in ("50", "52"):
            out.append("2")
        elif scope[0] in ("01", "06", "09"):
            out.append("4")
        else:
            out.append("1")
    return np.array(out)


def _rank_within(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """1-based random rank of each element within its group."""
    _, inverse = np.unique(groups, return_inverse=True)
    order = np.lexsort((rng.random(len(groups)), inverse))
    ranks = np.empty(len(groups), dtype=np.int64)
    sorted_groups = inverse[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    pos = np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    ranks[order] = pos + 1
    return ranks


def _practitioner_ids(rng: np.random.Generator, kinds: np.ndarray, category: np.ndarray,
                      district: np.ndarray, first_licence: np.ndarray) -> np.ndarray:
    """15-digit 执业证书编码: kind, category, district, 2-digit year of first licence, 5-digit serial.

    The national layout is not settled (rules.md §10.4); this one is only required to be 15 digits.
    """
    kind_digit = np.array([_KIND_DIGIT[k] for k in kinds])
    year = np.char.mod("%02d", (first_licence.astype("M8[Y]").astype(np.int64) + 1970) % 100)
    group = np.char.add(np.char.add(np.char.add(kind_digit, category), district), year)
    serial = _rank_within(group, rng)
    if serial.max() > 99_999:
        raise ValueError("more than 99,999 practitioners share a licence group")
    return np.char.add(group, np.char.mod("%05d", serial))


def _id_address_codes(rng: np.random.Generator, districts: Sequence[str], birth_year: np.ndarray) -> np.ndarray:
    """The 身份证 address code for a birth in one of the districts, as it was coded in that year."""
    years = np.arange(1950, 2011)
    always = [d for d in districts if d not in N.ID_CODE_SINCE] or ["310101"]
    table = np.empty((len(districts), len(years)), dtype="<U6")
    for i, d in enumerate(districts):
        for j, y in enumerate(years):
            pred = N.ID_CODE_PREDECESSOR.get(d)
            if y >= N.ID_CODE_SINCE.get(d, 0):
                table[i, j] = d
            elif pred and y >= pred[1]:
                table[i, j] = pred[0]
            else:
                table[i, j] = ""  # no code of this district then: born in the city centre instead
    born = rng.choice(len(districts), size=len(birth_year), p=_district_weights(districts))
    codes = table[born, birth_year - years[0]]
    fallback = np.array(always)[rng.integers(0, len(always), len(birth_year))]
    return np.where(codes == "", fallback, codes)


def _id_numbers(rng: np.random.Generator, address: np.ndarray, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Unique 18-digit 居民身份证号码; the sequence digit is odd for men, even for women."""
    born = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
    head = np.char.add(address, born)

    def sequences(idx: np.ndarray) -> np.ndarray:
        parity = rng.integers(0, 5, len(idx)) * 2 + np.where(female[idx], 0, 1)
        return np.char.add(np.char.mod("%02d", rng.integers(0, 100, len(idx))), parity.astype(str))

    body = np.char.add(head, sequences(np.arange(len(head))))
    while True:
        _, first = np.unique(body, return_index=True)
        dup = np.setdiff1d(np.arange(len(body)), first)
        if len(dup) == 0:
            break
        body[dup] = np.char.add(head[dup], sequences(dup))
    return np.array([b + ric.calc_check_digit(b + "0") for b in body])


def _birth_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages 23–65 on :data:`AS_OF`, most between 30 and 50."""
    lo, hi = _day("1959-01-02"), _day("2001-12-31")
    span = (hi - lo).astype(np.int64)
    return lo + np.floor(rng.beta(2.2, 2.0, n) * (span + 1)).astype(np.int64).astype("m8[D]")


def _licence_end(first: np.ndarray, expired: np.ndarray) -> np.ndarray:
    """护士/药师 registrations run in 5-year cycles from the first licence: the cycle covering 2025,
    or, for those who did not renew, the last one that ended before :data:`AS_OF`."""
    current = np.full(len(first), np.datetime64("NaT"), dtype="M8[D]")
    lapsed = current.copy()
    for k in range(1, 12):
        end = _add_months(first, 60 * k) - np.timedelta64(1, "D")
        current = np.where(np.isnat(current) & (end >= _day("2025-12-31")), end, current)
        lapsed = np.where(end < AS_OF_D, end, lapsed)
    return np.where(expired, lapsed, current)


@dataclass
class Practitioners:
    id: np.ndarray
    kind: np.ndarray
    primary: np.ndarray
    scopes: list[tuple[str, ...]]
    first_licence: np.ndarray


def build_practitioners(rng: np.random.Generator, preset: Preset, inst: Institutions
                        ) -> tuple[Practitioners, pa.Table, pa.Table]:
    n = preset.practitioners
    kinds = _pick(rng, PRACTITIONER_KINDS, n)
    primary = _primary_institutions(rng, kinds, inst)
    scopes = _scopes(rng, kinds, primary, inst)
    female = rng.random(n) < np.where(kinds == "nurse", 0.92, 0.5)
    birth = _birth_dates(rng, n)
    first = _add_months(birth, 264) + rng.integers(0, 1461, n).astype("m8[D]")  # licensed at 22–26
    first = np.minimum(first, AS_OF_D - 31)
    ids = _practitioner_ids(rng, kinds, _category_digit(scopes), inst.district[primary], first)
    address = _id_address_codes(rng, preset.districts, birth.astype("M8[Y]").astype(np.int64) + 1970)
    status = _pick(rng, {"active": 0.97, "suspended": 0.02, "revoked": 0.01}, n)
    lo = np.maximum(first, _day("2022-01-01"))
    since = np.where(status == "active", first, _uniform_dates(rng, lo, np.maximum(lo, _day("2025-06-30")), n))
    renews = np.isin(kinds, ["nurse", "pharmacist"])
    expired = renews & (first < _day("2020-01-01")) & (rng.random(n) < 0.03)
    valid_to = _licence_end(first, expired)
    table = _table("practitioners", {
        "practitioner_id": ids, "name": person_names(rng, female), "kind": kinds, "status": status,
        "status_since": since, "licence_valid_to": np.where(renews, valid_to, np.datetime64("NaT")),
        "id_number": _id_numbers(rng, address, birth, female),
    })
    scope_rows = [(pid, code) for pid, sc in zip(ids, scopes, strict=True) for code in sc]
    scope_table = _table("practitioner_scopes", {
        "practitioner_id": [r[0] for r in scope_rows], "dept_code": [r[1] for r in scope_rows],
    })
    return Practitioners(ids, kinds, primary, scopes, first), table, scope_table


def _second_sites(rng: np.random.Generator, people: Practitioners, inst: Institutions
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(practitioner index, institution index) of 多点执业: ~10 % of physicians, 1–2 other active
    institutions each, licensed for the physician's first scope."""
    by_dept: dict[str, list[int]] = {}
    for i, codes in enumerate(inst.open_depts):
        if inst.status[i] == "active":
            for code in {c[:2] for c in codes}:
                by_dept.setdefault(code, []).append(i)
    pools = {code: np.array(idx) for code, idx in by_dept.items()}
    physicians = np.flatnonzero(people.kind == "physician")
    movers = np.sort(rng.choice(physicians, size=round(0.10 * len(physicians)), replace=False))
    wanted = np.where(rng.random(len(movers)) < 0.7, 1, 2)
    who: list[int] = []
    where: list[int] = []
    for p, k in zip(movers, wanted, strict=True):
        pool = pools.get(people.scopes[p][0], np.empty(0, dtype=np.int64))
        picked = pool[rng.choice(len(pool), size=min(len(pool), k + 1), replace=False)]
        picked = picked[picked != people.primary[p]][:k]
        who.extend([p] * len(picked))
        where.extend(picked)
    return np.array(who, dtype=np.int64), np.array(where, dtype=np.int64)


def build_registrations(rng: np.random.Generator, people: Practitioners, inst: Institutions) -> pa.Table:
    """One open primary registration each, since a day after both the licence and the institution;
    多点执业 registrations since 2017 or later, 15 % of them already ended."""
    lo = np.maximum(people.first_licence, inst.established[people.primary])
    primary_from = _uniform_dates(rng, lo, _LAST, len(lo))
    who, where = _second_sites(rng, people, inst)
    lo2 = np.maximum(np.maximum(people.first_licence[who], inst.established[where]), _day("2017-01-01"))
    second_from = _uniform_dates(rng, lo2, _LAST, len(who))
    room = (_LAST - second_from).astype(np.int64)
    ends = (rng.random(len(who)) < 0.15) & (room > 30)
    second_to = second_from + (30 + np.floor(rng.random(len(who)) * (room - 29)).astype(np.int64)).astype("m8[D]")
    second_to = np.where(ends, second_to, np.datetime64("NaT"))
    return _table("registrations", {
        "practitioner_id": np.concatenate([people.id, people.id[who]]),
        "institution_id": np.concatenate([inst.id[people.primary], inst.id[where]]),
        "is_primary": np.r_[np.ones(len(people.id), dtype=bool), np.zeros(len(who), dtype=bool)],
        "valid_from": np.concatenate([primary_from, second_from]),
        "valid_to": np.concatenate([np.full(len(people.id), np.datetime64("NaT"), dtype="M8[D]"), second_to]),
    })


# ---------------------------------------------------------------------------------------------
# Inspectors (执法人员名录库)

DEPARTMENTS: dict[str, float] = {
    "health": 0.80, "market": 0.06, "insurance": 0.05, "drug": 0.04, "tcm": 0.03, "cdc": 0.02,
}
# Likelihood of each 执法领域 (in names.INSPECTION_FIELDS order) by department.
_FIELD_ODDS: dict[str, tuple[float, ...]] = {
    "health": (0.8, 0.4, 0.35, 0.2, 0.15, 0.2, 0.2, 0.3, 0.15, 0.0, 0.0, 0.0, 0.0),
    "market": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7, 0.6, 0.0, 0.2),
    "insurance": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
    "drug": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
    "tcm": (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "cdc": (0.0, 0.9, 0.2, 0.2, 0.2, 0.5, 0.5, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0),
}


def _inspection_fields(rng: np.random.Generator, departments: np.ndarray) -> list[str]:
    odds = np.array([_FIELD_ODDS[d] for d in departments])
    has = rng.random(odds.shape) < odds
    best = odds.argmax(axis=1)
    has[np.arange(len(departments)), best] |= ~has.any(axis=1)  # at least one field
    fields = np.array(N.INSPECTION_FIELDS)
    return [";".join(fields[row]) for row in has]


def build_inspectors(rng: np.random.Generator, preset: Preset) -> pa.Table:
    """执法证号 ``31`` + the district's 4 digits + a 6-digit serial, unique per district. The 执法证 runs 5 years
    from 2020–2024; about 4 % ran out before :data:`AS_OF` and were not renewed."""
    n = preset.inspectors
    districts = np.array(preset.districts)
    region = districts[rng.choice(len(districts), size=n, p=_district_weights(preset.districts))]
    serial = np.empty(n, dtype=np.int64)
    for d in preset.districts:
        sel = np.flatnonzero(region == d)
        serial[sel] = rng.choice(999_999, size=len(sel), replace=False) + 1
    badges = np.array([f"31{d[2:]}{s:06d}" for d, s in zip(region, serial, strict=True)])
    departments = _pick(rng, DEPARTMENTS, n)
    fields = _inspection_fields(rng, departments)
    active = rng.random(n) < 0.95
    badge_from = _uniform_dates(rng, "2020-01-01", _LAST, n)
    expired = rng.random(n) < 0.04
    badge_from[expired] = _uniform_dates(rng, "2015-01-01", "2019-12-31", int(expired.sum()))
    return _table("inspectors", {
        "badge_no": badges, "name": person_names(rng, rng.random(n) < 0.45), "department": departments,
        "region_code": region, "fields": fields, "active": active,
        "badge_valid_from": badge_from, "badge_valid_to": _five_year_end(badge_from),
    })


_CONFLICT_REASONS = ("近亲属在该单位任职", "曾在该单位任职未满两年", "配偶为该单位股东", "与该单位负责人有其他利害关系")


def build_conflicts(rng: np.random.Generator, inspectors: pa.Table, institutions: pa.Table) -> pa.Table:
    """申报回避: about 5 % of inspectors declared a conflict with an institution of their district; a few ended."""
    badge = inspectors["badge_no"].to_numpy(zero_copy_only=False)
    region = inspectors["region_code"].to_numpy(zero_copy_only=False)
    inst_ids = institutions["institution_id"].to_numpy(zero_copy_only=False)
    inst_district = institutions["district_code"].to_numpy(zero_copy_only=False)
    chosen = np.flatnonzero(rng.random(len(badge)) < 0.05)
    if len(chosen) == 0 and len(badge):
        chosen = np.array([int(rng.integers(len(badge)))])
    rows: dict[str, list[object]] = {k: [] for k in ("badge_no", "institution_id", "reason", "declared_on", "ended_on")}
    for i in chosen:
        pool = np.flatnonzero(inst_district == region[i])
        if len(pool) == 0:
            continue
        declared = _uniform_dates(rng, "2021-01-01", _LAST, 1)[0]
        ended = _uniform_dates(rng, declared, _LAST, 1)[0] if rng.random() < 0.2 else np.datetime64("NaT")
        rows["badge_no"].append(badge[i])
        rows["institution_id"].append(inst_ids[pool[rng.integers(len(pool))]])
        rows["reason"].append(_CONFLICT_REASONS[rng.integers(len(_CONFLICT_REASONS))])
        rows["declared_on"].append(declared)
        rows["ended_on"].append(ended)
    return _table("inspector_conflicts", {**rows, "declared_on": np.array(rows["declared_on"], dtype="M8[D]"),
                                          "ended_on": np.array(rows["ended_on"], dtype="M8[D]")})  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Whole city, files, command line


def generate(preset: Preset, seed: int) -> dict[str, pa.Table]:
    """All registry tables of one synthetic city, keyed by table name."""
    streets, regions = build_regions(_rng(seed, "regions"), preset)
    inst, institutions = build_institutions(_rng(seed, "institutions"), preset, streets)
    depts = build_depts(_rng(seed, "depts"), inst)
    people, practitioners, scopes = build_practitioners(_rng(seed, "practitioners"), preset, inst)
    registrations = build_registrations(_rng(seed, "registrations"), people, inst)
    inspectors = build_inspectors(_rng(seed, "inspectors"), preset)
    units = _table("supervised_units", supervised.build(
        _rng(seed, "supervised"), preset.districts, preset.supervised_scale, streets, AS_OF,
        set(institutions["institution_id"].to_pylist()),
    ))  # fmt: skip
    conflicts = build_conflicts(_rng(seed, "conflicts"), inspectors, institutions)
    return {
        "regions": regions, "institutions": institutions, "institution_depts": depts,
        "practitioners": practitioners, "practitioner_scopes": scopes, "registrations": registrations,
        "inspectors": inspectors, "supervised_units": units, "inspector_conflicts": conflicts,
    }


def write_tables(tables: dict[str, pa.Table], out: Path) -> None:
    """``TABLE.parquet`` per table, zstd-compressed, with nothing that depends on the clock; tables
    with personal identifiers are created owner-only before anything is written to them."""
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        path = out / f"{name}.parquet"
        if name in PERSONAL_TABLES:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            os.chmod(path, 0o600)
        pq.write_table(table, path, compression="zstd")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="weijian sim city",
                                     description="Generate a synthetic city's registries as Parquet files.")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    args = parser.parse_args(argv)
    tables = generate(PRESETS[args.preset], args.seed)
    write_tables(tables, args.out)
    print(f"synthetic city '{args.preset}' (seed {args.seed}) → {args.out}")
    for name, table in tables.items():
        print(f"  {name:<20} {table.num_rows:>9,} rows")
    return 0
