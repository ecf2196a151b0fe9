"""Defined daily doses (DDD, 限定日剂量): the WHO value in force on each prescription line's date, in its unit.

Reference data, in ``weijian/analytics/data`` (source and edition in ``who_ddd.yaml``, also in report.json):

- ``who_ddd_antiinfectives.csv``: every WHO DDD for J01, J02 and P01AB as published in the WHO ATC/DDD
  Index on 2026-04-25, each in WHO's unit (``g``, ``mg`` or ``MU``, million units);
- ``who_ddd_revisions.csv``: the values before WHO's 2019 revisions (amoxicillin oral 1 g until
  2018-12-31, 1.5 g from 2019-01-01 …). Other values are taken as the edition's on every date.

Lookup, for a line with (atc_code, route, drug_code) on its date, first match wins:

1. the dataset's ``ddd`` rows with that ``drug_code`` (an optional column);
2. ``ddd_by_drug_code`` in ``rules/data/antimicrobials.yaml`` (dated, with its basis) — for the DDDs WHO
   gives for one salt or form (erythromycin ethylsuccinate tablets 2 g against erythromycin oral 1 g);
3. the dataset's ``ddd`` rows for (atc_code, route) (no drug_code), in force on every date;
4. the bundled WHO table as of the line's date. Where WHO has several DDDs for one (atc_code, route) the
   row without a note is the primary one (the first when all have notes). WHO's ``Inhal.solution`` and
   ``Inhal.powder`` are also looked up by the contract's ``Inhal`` (where the two differ — tobramycin —
   ``Inhal`` takes the solution's).

DDDs of a line = quantity × unit_strength_g ÷ DDD, with the strength in ``strength_unit`` (optional
column, default ``g``; ``g``, ``mg``, ``MU``, any case) and the DDD converted into that unit (g ↔ mg);
a strength in MU against a DDD in grams, or an unknown unit, cannot be converted: such a line is left out
and reported, never read as grams.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import yaml

from weijian.i18n import gettext as _
from weijian.rules import loader
from weijian.rules.loader import RulesError

UNITS = ("g", "mg", "MU")
INHALATION = ("Inhal.solution", "Inhal.powder")  # WHO's forms, in order of preference for the contract's Inhal
FAR_PAST = dt.date(1900, 1, 1)
FAR_FUTURE = dt.date(9999, 12, 31)
RULES_FILE, RULES_KEY = "antimicrobials", "ddd_by_drug_code"
WHO_FILE, REVISIONS_FILE = "who_ddd_antiinfectives.csv", "who_ddd_revisions.csv"


@dataclass(frozen=True)
class Dose:
    """One DDD valid over ``[valid_from, valid_to]`` for (atc_code, route) or for one drug code."""

    key: str  # atc_code|route, or the drug code
    ddd: float
    unit: str
    valid_from: dt.date
    valid_to: dt.date
    source: str
    atc_code: str | None = None
    route: str | None = None
    note: str = ""


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("weijian.analytics").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def metadata() -> dict[str, Any]:
    """Source and edition of the bundled tables (``data/who_ddd.yaml``)."""
    text = resources.files("weijian.analytics").joinpath("data/who_ddd.yaml").read_text(encoding="utf-8")
    meta: dict[str, Any] = yaml.safe_load(text)
    return {name: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in info.items()}
            for name, info in meta.items()}


@cache
def bundled() -> tuple[Dose, ...]:
    """The WHO table with its 2019 revisions as dated rows, one primary DDD per (atc_code, route) and date."""
    rows = _read_csv(WHO_FILE)
    by_key: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        key = (row["atc_code"], row["route"])
        if row["unit"] not in UNITS:
            raise ValueError(f"{WHO_FILE}: unit {row['unit']!r} of {key} is not one of {UNITS}")
        current = by_key.get(key)
        if current is None or (current["note"] and not row["note"]):
            by_key[key] = row
    until = {(r["atc_code"], r["route"]): r for r in _read_csv(REVISIONS_FILE)}
    out: list[Dose] = []
    for (atc, route), row in by_key.items():
        old = until.get((atc, route))
        since = FAR_PAST
        if old is not None:
            last = dt.date.fromisoformat(old["valid_until"])
            out.append(Dose(f"{atc}|{route}", float(old["ddd"]), old["unit"], FAR_PAST, last, REVISIONS_FILE,
                            atc, route, "before WHO's 2019 revision"))
            since = last + dt.timedelta(days=1)
        out.append(Dose(f"{atc}|{route}", float(row["ddd"]), row["unit"], since, FAR_FUTURE, WHO_FILE, atc, route,
                        row["note"]))
    for atc in sorted({d.atc_code for d in out if d.route in INHALATION}):
        form = next(f for f in INHALATION if any(d.atc_code == atc and d.route == f for d in out))
        out += [Dose(f"{atc}|Inhal", d.ddd, d.unit, d.valid_from, d.valid_to, d.source, atc, "Inhal",
                     f"WHO {form}") for d in out if d.atc_code == atc and d.route == form]
    missing = set(until) - set(by_key)
    if missing:
        raise ValueError(f"{REVISIONS_FILE}: revisions of keys absent from {WHO_FILE}: {sorted(missing)}")
    return tuple(sorted(out, key=lambda d: (d.key, d.valid_from)))


def rules_drug_doses() -> tuple[Dose, ...]:
    """``ddd_by_drug_code`` of the rules data as dated rows; a malformed entry is a :class:`RulesError`."""
    table = loader.load(RULES_FILE).get(RULES_KEY)
    where = f"{RULES_FILE}.yaml: {RULES_KEY}"
    if not isinstance(table, dict):
        raise RulesError(_("%(where)s: should be a mapping drug_code → dated DDDs（应为药品代码到DDD的映射）") % {"where": where})
    out: list[Dose] = []
    for code, dated in table.items():
        here = f"{where}.{code}"
        if not loader.is_dated(dated):
            raise RulesError(_("%(where)s: should map effective dates to {ddd, unit, basis}（应按生效日期列出）") % {"where": here})
        entries = loader.dated_entries(dated, here)
        for i, (since, entry) in enumerate(entries):
            until = entries[i + 1][0] - dt.timedelta(days=1) if i + 1 < len(entries) else FAR_FUTURE
            at = f"{here}[{since.isoformat()}]"
            if not isinstance(entry, dict) or set(entry) - {"ddd", "unit", *loader.META_KEYS}:
                raise RulesError(_("%(where)s: entry keys must be ddd, unit, basis (published, note)（条目键错误）") % {"where": at})
            value, unit = entry.get("ddd"), entry.get("unit")
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise RulesError(_("%(where)s: ddd %(value)r is not a positive number（DDD应为正数）") % {"where": at, "value": value})
            if unit not in UNITS:
                raise RulesError(_("%(where)s: unit %(unit)r is not one of %(units)s（单位应为 g、mg 或 MU）")
                                 % {"where": at, "unit": unit, "units": ", ".join(UNITS)})
            if not entry.get("basis"):
                raise RulesError(_("%(where)s: no basis（缺少依据 basis）") % {"where": at})
            out.append(Dose(str(code), float(value), str(unit), since, until, f"{RULES_FILE}.yaml",
                            note=str(entry["basis"])))
    return tuple(out)


@dataclass
class Merged:
    """The reference after the dataset's rows: (atc_code, route) doses and drug-code doses, with notes."""

    keys: list[Dose]
    drugs: list[Dose]
    report: dict[str, Any] = field(default_factory=dict)


def merge(dataset_rows: list[dict[str, Any]] | None = None) -> Merged:
    """Bundled table + rules-data drug codes, overridden by the dataset's ``ddd`` rows (see the module doc)."""
    keys = list(bundled())
    drugs = list(rules_drug_doses())
    n_rules_codes = len({d.key for d in drugs})
    ds_keys: dict[str, Dose] = {}
    ds_drugs: dict[str, Dose] = {}
    notes: list[str] = []
    for row in dataset_rows or []:
        unit = row.get("unit") or "g"
        value = row.get("ddd_g")
        code = row.get("drug_code")
        key = str(code) if code else f"{row['atc_code']}|{row['route']}"
        if value is None or value <= 0:
            notes.append(f"dataset ddd row {key}: ddd_g {value!r} is not positive, ignored")
            continue
        dose = Dose(key, float(value), unit, FAR_PAST, FAR_FUTURE, "dataset ddd", row.get("atc_code"),
                    row.get("route"))
        target = ds_drugs if code else ds_keys
        if key in target and (target[key].ddd, target[key].unit) != (dose.ddd, dose.unit):
            notes.append(f"dataset ddd has several rows for {key}: the smallest DDD is used")
            if dose.ddd >= target[key].ddd:
                continue
        target[key] = dose
    keys = [d for d in keys if d.key not in ds_keys] + list(ds_keys.values())
    drugs = [d for d in drugs if d.key not in ds_drugs] + list(ds_drugs.values())
    meta = metadata()
    report = {
        "who_table": {"file": WHO_FILE, **meta.get(WHO_FILE, {})},
        "revisions": {"file": REVISIONS_FILE, **meta.get(REVISIONS_FILE, {})},
        "rules_drug_codes": n_rules_codes,
        "dataset_rows": len(ds_keys), "dataset_drug_rows": len(ds_drugs), "notes": notes,
    }
    return Merged(keys, drugs, report)


def in_force(atc_code: str | None, route: str | None, on: dt.date, drug_code: str | None = None,
             merged: Merged | None = None) -> Dose | None:
    """The DDD a line of ``drug_code`` (atc_code, route) dated ``on`` is measured by, or None."""
    ref = merged or merge()
    for d in ref.drugs:
        if drug_code and d.key == drug_code and d.valid_from <= on <= d.valid_to:
            return d
    for d in ref.keys:
        if d.key == f"{atc_code}|{route}" and d.valid_from <= on <= d.valid_to:
            return d
    return None


def ddd_on(atc_code: str, route: str, on: dt.date, drug_code: str | None = None) -> dict[str, Any] | None:
    """``{ddd, unit, source}`` in force on ``on`` (for the rules' YAML cases and for people)."""
    d = in_force(atc_code, route, on, drug_code)
    return None if d is None else {"ddd": d.ddd, "unit": d.unit, "source": d.source}


# --------------------------------------------------------------------------- on an engine


def _table(doses: list[Dose], prefix: str) -> pa.Table:
    by_key = {f"{prefix}_key": pa.array([d.key for d in doses], pa.string())} if prefix == "d" else {
        "k_atc": pa.array([d.atc_code for d in doses], pa.string()),
        "k_route": pa.array([d.route for d in doses], pa.string())}
    return pa.table({
        **by_key,
        f"{prefix}_ddd": pa.array([d.ddd for d in doses], pa.float64()),
        f"{prefix}_unit": pa.array([d.unit for d in doses], pa.string()),
        f"{prefix}_from": pa.array([d.valid_from for d in doses], pa.date32()),
        f"{prefix}_to": pa.array([d.valid_to for d in doses], pa.date32()),
    })


@dataclass
class Reference:
    """The merged reference as small tables on the run's backend, and what the report says about it."""

    keys: ir.Table
    drugs: ir.Table | None
    report: dict[str, Any]

    def attach(self, p: ir.Table) -> ir.Table:
        """Prescription lines with ``ddd``, ``ddd_unit``, ``usable``, ``ddds`` and ``left_out``.

        ``left_out`` is null for a usable line, else ``no_strength``, ``no_ddd`` or ``unit_not_convertible``.
        """
        k = self.keys
        p = p.left_join(k, [p.atc_code == k.k_atc, p.route == k.k_route, k.k_from <= p.date, p.date <= k.k_to])
        ddd, unit = p.k_ddd, p.k_unit
        if self.drugs is not None:
            d = self.drugs
            p = p.left_join(d, [p.drug_code == d.d_key, d.d_from <= p.date, p.date <= d.d_to])
            ddd = ibis.ifelse(p.d_ddd.notnull(), p.d_ddd, p.k_ddd)
            unit = ibis.ifelse(p.d_ddd.notnull(), p.d_unit, p.k_unit)
        p = p.mutate(ddd=ddd, ddd_unit=unit, s_unit=strength_unit(p.strength_unit))
        in_s = ibis.cases((p.s_unit == p.ddd_unit, p.ddd),
                          ((p.s_unit == "mg") & (p.ddd_unit == "g"), p.ddd * 1000.0),
                          ((p.s_unit == "g") & (p.ddd_unit == "mg"), p.ddd / 1000.0), else_=ibis.null().cast("float64"))
        p = p.mutate(ddd_s=in_s)
        usable = p.unit_strength_g.notnull() & p.ddd.notnull() & (p.ddd > 0) & p.ddd_s.notnull()
        left = ibis.cases((p.unit_strength_g.isnull(), "no_strength"), (p.ddd.isnull() | (p.ddd <= 0), "no_ddd"),
                          (p.ddd_s.isnull(), "unit_not_convertible"), else_=ibis.null().cast("string"))
        return p.mutate(usable=usable, left_out=left,
                        ddds=ibis.ifelse(usable, p.quantity * p.unit_strength_g / p.ddd_s, 0.0))


def strength_unit(col: ir.StringValue) -> ir.StringValue:
    """``g`` when null or empty; ``g``/``mg``/``MU`` whatever their case and spaces; anything else as written."""
    s = col.strip().nullif("")
    low = s.lower()
    slow = ibis.cases((s.isnull(), "g"), (low == "g", "g"), (low == "mg", "mg"), (low == "mu", "MU"), else_=s)
    # the values as the contract writes them first: most lines never reach the string functions
    return ibis.cases((col.isnull(), "g"), (col == "g", "g"), (col == "mg", "mg"), (col == "MU", "MU"), else_=slow)


def reference(memtable: Any, dataset: ir.Table | None, to_rows: Any) -> Reference:
    """Build the reference on a backend: ``memtable(arrow, name)`` makes a table, ``to_rows(expr)`` reads one."""
    rows = to_rows(dataset) if dataset is not None else None
    merged = merge(rows)
    keys = memtable(_table(merged.keys, "k"), "wj_ddd_keys")
    drugs = memtable(_table(merged.drugs, "d"), "wj_ddd_drugs") if merged.drugs else None
    return Reference(keys, drugs, merged.report)
