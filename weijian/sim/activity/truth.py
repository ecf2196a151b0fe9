"""Ground truth: the contract's deterministic rule definitions, run directly over a dataset in SQL.

This is an independent implementation of ``contracts/analytics-v1.md`` (version 1), kept
deliberately literal, so that it double-checks the analytics engine. The statistical rules'
truth is what the simulator injected (``prescribing_outlier``) or what meets their plain
description (``ghost_registration``: a registration valid through the whole period, no visit
there, and at least 20 visits elsewhere in the period).

The numbers in the definitions (15 days, 48 hours, 40 DDDs …) are the rules data's
(``weijian/rules/data``), read once for the period: truth refuses a period inside which one of them
changes. DDDs are those of the engine's reference (:mod:`weijian.analytics.ddd`: the WHO value in
force on each line's date, in its unit), joined and converted here in plain SQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from weijian.analytics import ddd
from weijian.rules import loader

# Every number of the definitions below: (rules file, key), read from the rules data.
PARAMS: dict[str, tuple[str, str]] = {
    "gap_days": ("insurance_fund", "split_admission.max_gap_days"),
    "idle_days": ("insurance_fund", "idle_inpatient_days.min_idle_days"),
    "exam_days": ("insurance_fund", "repeat_exam.max_days"),
    "storage_h": ("medical_waste", "waste_overdue_storage.max_hours"),
    "received_ratio": ("medical_waste", "waste_weight_gap.min_received_ratio"),
    "unreceived_h": ("medical_waste", "waste_weight_gap.max_unreceived_hours"),
    "bag_gap_ratio": ("medical_waste", "waste_weight_gap.max_bag_gap_ratio"),
    "inf_min": ("wastewater", "wastewater_chlorine.infectious_min"),
    "inf_max": ("wastewater", "wastewater_chlorine.infectious_max"),
    "dir_min": ("wastewater", "wastewater_chlorine.general_direct_min"),
    "dir_max": ("wastewater", "wastewater_chlorine.general_direct_max"),
    "sew_min": ("wastewater", "wastewater_chlorine.general_sewer_min"),
    "sew_max": ("wastewater", "wastewater_chlorine.general_sewer_max"),
    "flat_n": ("wastewater", "wastewater_flatline.min_readings"),
    "flat_h": ("wastewater", "wastewater_flatline.min_span_hours"),
    "threshold": ("antimicrobials", "use_intensity_max"),
    "here_max": ("statistical_rules", "ghost_registration.max_visits_here"),
    "active": ("statistical_rules", "ghost_registration.min_visits_elsewhere"),
}
GROUPS = ("antimicrobials", "counted_atc_groups")

_VISIT_RULES = {
    "institution_licence": """
        SELECT v.visit_id FROM visits v JOIN institutions i USING (institution_id)
        WHERE v.start_date BETWEEN $ps AND $pe
          AND (NOT (i.licence_valid_from <= v.start_date AND v.start_date <= i.licence_valid_to)
               OR (i.status IN ('suspended', 'revoked', 'closed') AND i.status_since <= v.start_date))""",
    "out_of_scope_dept": """
        SELECT v.visit_id FROM visits v
        WHERE v.start_date BETWEEN $ps AND $pe AND NOT EXISTS (
            SELECT 1 FROM institution_depts d
            WHERE d.institution_id = v.institution_id AND d.valid_from <= v.start_date
              AND (d.valid_to IS NULL OR v.start_date <= d.valid_to)
              AND (d.dept_code = v.dept_code OR d.dept_code = split_part(v.dept_code, '.', 1)))""",
    "unregistered_practice": """
        SELECT v.visit_id FROM visits v
        WHERE v.start_date BETWEEN $ps AND $pe AND v.practitioner_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM registrations r
            WHERE r.practitioner_id = v.practitioner_id AND r.institution_id = v.institution_id
              AND r.valid_from <= v.start_date AND (r.valid_to IS NULL OR v.start_date <= r.valid_to))""",
    "invalid_licence": """
        SELECT v.visit_id FROM visits v LEFT JOIN practitioners p USING (practitioner_id)
        WHERE v.start_date BETWEEN $ps AND $pe AND v.practitioner_id IS NOT NULL
          AND (p.practitioner_id IS NULL
               OR (p.status IN ('suspended', 'revoked') AND p.status_since <= v.start_date)
               OR p.licence_valid_to < v.start_date)""",
    "practitioner_scope": """
        SELECT v.visit_id FROM visits v JOIN practitioners p USING (practitioner_id)
        WHERE v.start_date BETWEEN $ps AND $pe
          AND p.kind IN ('physician', 'assistant_physician')
          AND split_part(v.dept_code, '.', 1) <> '20'
          AND NOT EXISTS (
            SELECT 1 FROM practitioner_scopes s
            WHERE s.practitioner_id = v.practitioner_id
              AND (s.dept_code = v.dept_code OR s.dept_code = split_part(v.dept_code, '.', 1)))""",
    "split_admission": """
        SELECT DISTINCT b.visit_id FROM visits b JOIN visits a
          ON a.patient_id = b.patient_id AND a.institution_id = b.institution_id
         AND a.kind = 'inpatient' AND a.start_date < b.start_date
         AND left(a.diagnosis, 3) = left(b.diagnosis, 3)
         AND date_diff('day', a.end_date, b.start_date) BETWEEN 0 AND $gap_days
        WHERE b.kind = 'inpatient' AND b.start_date BETWEEN $ps AND $pe""",
    "idle_inpatient_days": """
        WITH stays AS (
            SELECT visit_id, start_date, end_date FROM visits
            WHERE kind = 'inpatient' AND start_date BETWEEN $ps AND $pe
              AND date_diff('day', start_date, end_date) >= $idle_days + 1),
        days AS (
            SELECT s.visit_id, CAST(d AS DATE) AS d FROM stays s,
                   generate_series(s.start_date + 1, s.end_date - 1, INTERVAL 1 DAY) g(d)),
        busy AS (SELECT DISTINCT visit_id, date FROM charges WHERE item_kind <> 'bed'),
        idle AS (
            SELECT days.visit_id, days.d FROM days
            LEFT JOIN busy ON busy.visit_id = days.visit_id AND busy.date = days.d
            WHERE busy.visit_id IS NULL),
        runs AS (
            SELECT visit_id, d - CAST(row_number() OVER (PARTITION BY visit_id ORDER BY d) AS INTEGER) AS grp
            FROM idle)
        SELECT DISTINCT visit_id FROM runs GROUP BY visit_id, grp HAVING count(*) >= $idle_days""",
}

_CHARGE_RULES = {
    "duplicate_charge": """
        SELECT c.line_id FROM charges c
        WHERE c.date BETWEEN $ps AND $pe AND EXISTS (
            SELECT 1 FROM charges o
            WHERE o.visit_id = c.visit_id AND o.date = c.date AND o.item_code = c.item_code
              AND o.quantity = c.quantity AND o.unit_price = c.unit_price AND o.line_id < c.line_id)""",
    "post_death_charge": """
        SELECT c.line_id FROM charges c JOIN deaths d USING (patient_id)
        WHERE c.date BETWEEN $ps AND $pe AND c.date > d.death_date""",
    "repeat_exam": """
        SELECT DISTINCT c.line_id FROM charges c JOIN charges o
          ON o.patient_id = c.patient_id AND o.item_code = c.item_code AND o.visit_id <> c.visit_id
         AND date_diff('day', o.date, c.date) BETWEEN 1 AND $exam_days
        WHERE c.item_kind IN ('exam', 'lab') AND c.date BETWEEN $ps AND $pe""",
}

_WASTE_RULES = {
    "waste_overdue_storage": """
        SELECT bag_id FROM waste_bags
        WHERE CAST(sealed_at AS DATE) BETWEEN $ps AND $pe
          AND ((collected_at IS NOT NULL AND collected_at - sealed_at > to_seconds($storage_h * 3600))
               OR (collected_at IS NULL
                   AND CAST($pe AS TIMESTAMP) + INTERVAL 1 DAY - sealed_at > to_seconds($storage_h * 3600)))""",
    "waste_weight_gap": """
        WITH s AS (SELECT manifest_id, sum(weight_kg) AS s FROM waste_bags WHERE manifest_id IS NOT NULL
                   GROUP BY manifest_id)
        SELECT m.manifest_id FROM waste_manifests m LEFT JOIN s USING (manifest_id)
        WHERE CAST(m.handed_over_at AS DATE) BETWEEN $ps AND $pe
          AND (m.received_weight_kg < $received_ratio * m.declared_weight_kg
               OR (m.received_at IS NULL
                   AND CAST($pe AS TIMESTAMP) + INTERVAL 1 DAY - m.handed_over_at > to_seconds($unreceived_h * 3600))
               OR abs(m.declared_weight_kg - coalesce(s.s, 0)) > $bag_gap_ratio * coalesce(s.s, 0))""",
}

_SENSOR_RULES = {
    "wastewater_chlorine": """
        WITH day AS (
            SELECT r.sensor_id, CAST(r.ts AS DATE) AS d, i.wastewater_class AS cls,
                   avg(r.residual_chlorine_mg_l) AS mean
            FROM wastewater_readings r JOIN institutions i USING (institution_id)
            WHERE i.wastewater_class IS NOT NULL AND CAST(r.ts AS DATE) BETWEEN $ps AND $pe
            GROUP BY ALL)
        SELECT sensor_id || '|' || strftime(d, '%Y-%m-%d') FROM day
        WHERE (cls = 'infectious' AND (mean < $inf_min OR mean > $inf_max))
           OR (cls = 'general_direct' AND (mean < $dir_min OR mean > $dir_max))
           OR (cls = 'general_sewer' AND (mean < $sew_min OR mean > $sew_max))""",
    "wastewater_flatline": """
        WITH r AS (
            SELECT sensor_id, ts, CAST(ts AS DATE) AS d, residual_chlorine_mg_l AS c FROM wastewater_readings
            WHERE residual_chlorine_mg_l IS NOT NULL),
        g AS (
            SELECT *, row_number() OVER (PARTITION BY sensor_id, d ORDER BY ts)
                    - row_number() OVER (PARTITION BY sensor_id, d, c ORDER BY ts) AS grp FROM r),
        runs AS (
            SELECT sensor_id, d FROM g GROUP BY sensor_id, d, c, grp
            HAVING count(*) >= $flat_n AND max(ts) - min(ts) >= to_seconds($flat_h * 3600)),
        days AS (
            SELECT sensor_id, CAST(ts AS DATE) AS d, count(residual_chlorine_mg_l) AS n
            FROM wastewater_readings GROUP BY ALL),
        gaps AS (
            SELECT a.sensor_id, a.d FROM days a JOIN days b ON b.sensor_id = a.sensor_id AND b.d = a.d - 1
            WHERE a.n = 0 AND b.n > 0)
        SELECT DISTINCT sensor_id || '|' || strftime(d, '%Y-%m-%d') FROM (
            SELECT * FROM runs UNION ALL SELECT * FROM gaps)
        WHERE d BETWEEN $ps AND $pe""",
}

_INTENSITY = """
    WITH months AS (
        SELECT CAST(m AS DATE) AS ms, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS me
        FROM generate_series(date_trunc('month', CAST($ps AS DATE)), CAST($pe AS DATE), INTERVAL 1 MONTH) g(m)),
    win AS (SELECT ms, greatest(ms, $ps) AS lo, least(me, $pe) AS hi FROM months),
    hosp AS (SELECT institution_id FROM institutions WHERE beds > 0),
    stays AS (SELECT v.* FROM visits v JOIN hosp USING (institution_id) WHERE v.kind = 'inpatient'),
    bd AS (
        SELECT s.institution_id, w.ms,
               sum(CASE WHEN s.start_date = s.end_date
                        THEN CASE WHEN s.start_date BETWEEN w.lo AND w.hi THEN 1 ELSE 0 END
                        ELSE greatest(0, date_diff('day', greatest(s.start_date, w.lo),
                                                   least(s.end_date, w.hi + 1))) END) AS bed_days
        FROM stays s JOIN win w ON s.start_date <= w.hi AND s.end_date >= w.lo
        GROUP BY ALL),
    rx AS (
        SELECT p.*, CASE lower(coalesce(nullif(trim(p.strength_unit), ''), 'g'))
                        WHEN 'g' THEN 'g' WHEN 'mg' THEN 'mg' WHEN 'mu' THEN 'MU' ELSE p.strength_unit END AS su
        FROM prescriptions p WHERE $counted AND p.unit_strength_g IS NOT NULL),
    dose AS (
        SELECT rx.*, coalesce(d.ddd, k.ddd) AS dd, CASE WHEN d.ddd IS NOT NULL THEN d.unit ELSE k.unit END AS du
        FROM rx
        LEFT JOIN ddd_drugs d ON d.drug_code = rx.drug_code AND rx.date BETWEEN d.valid_from AND d.valid_to
        LEFT JOIN ddd_keys k ON k.atc_code = rx.atc_code AND k.route = rx.route
                             AND rx.date BETWEEN k.valid_from AND k.valid_to),
    dd AS (
        SELECT p.institution_id, w.ms,
               sum(p.quantity * p.unit_strength_g / CASE WHEN p.su = p.du THEN p.dd
                                                         WHEN p.su = 'mg' AND p.du = 'g' THEN p.dd * 1000.0
                                                         WHEN p.su = 'g' AND p.du = 'mg' THEN p.dd / 1000.0 END) AS ddds
        FROM dose p JOIN stays s USING (visit_id)
        JOIN win w ON p.date BETWEEN w.lo AND w.hi
        GROUP BY ALL)
    SELECT bd.institution_id || '|' || strftime(bd.ms, '%Y-%m') FROM bd LEFT JOIN dd USING (institution_id, ms)
    WHERE bd.bed_days > 0 AND 100 * coalesce(dd.ddds, 0) / bd.bed_days > $threshold"""

_GHOST = """
    WITH reg AS (
        SELECT DISTINCT practitioner_id, institution_id FROM registrations
        WHERE valid_from <= $ps AND (valid_to IS NULL OR valid_to >= $pe)),
    act AS (SELECT practitioner_id, institution_id, count(*) AS n FROM visits
            WHERE practitioner_id IS NOT NULL AND start_date BETWEEN $ps AND $pe GROUP BY ALL),
    tot AS (SELECT practitioner_id, sum(n) AS n FROM act GROUP BY ALL)
    SELECT r.practitioner_id || '|' || r.institution_id FROM reg r
    LEFT JOIN act a USING (practitioner_id, institution_id) JOIN tot t USING (practitioner_id)
    WHERE coalesce(a.n, 0) <= $here_max AND t.n - coalesce(a.n, 0) >= $active"""


def _view(con: duckdb.DuckDBPyConnection, dataset: Path, name: str) -> bool:
    for path, reader in ((dataset / f"{name}.parquet", "read_parquet"), (dataset / name, "read_parquet"),
                         (dataset / f"{name}.csv", "read_csv_auto")):
        if path.exists():
            target = f"{path}/*.parquet" if path.is_dir() else str(path)
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {reader}('{target}')")
            return True
    return False


def _parameters(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The rules data's values for the period (from the first day of its first month); one each or an error."""
    lo = start.replace(day=1)
    out: dict[str, Any] = {}
    for name, (file, key) in {**PARAMS, "groups": GROUPS}.items():
        found = loader.versions(file, key, lo, end)
        if len(found) != 1 or (found[0].effective_from or lo) > lo:
            raise ValueError(f"truth needs one value of {file}.yaml {key} over {lo} … {end}, "
                             f"found {[(v.value, v.effective_from) for v in found]}")
        out[name] = found[0].value
    return out


def _reference(con: duckdb.DuckDBPyConnection, have: set[str]) -> None:
    """The engine's DDD reference (bundled table by date, rules-data drug codes, the dataset's rows)."""
    rows = con.sql("SELECT * FROM ddd").to_arrow_table().to_pylist() if "ddd" in have else None
    merged = ddd.merge(rows)
    for name, doses in (("ddd_keys", merged.keys), ("ddd_drugs", merged.drugs)):
        t = pa.table({"atc_code": pa.array([d.atc_code for d in doses], pa.string()),
                      "route": pa.array([d.route for d in doses], pa.string()),
                      "drug_code": pa.array([d.key for d in doses], pa.string()),
                      "ddd": pa.array([d.ddd for d in doses], pa.float64()),
                      "unit": pa.array([d.unit for d in doses], pa.string()),
                      "valid_from": pa.array([d.valid_from for d in doses], pa.date32()),
                      "valid_to": pa.array([d.valid_to for d in doses], pa.date32())})
        con.register(f"{name}_arrow", t)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")


def compute_truth(dataset: Path, start: dt.date, end: dt.date, injected_outliers: pa.Array | None = None,
                  months: int = 1) -> pa.Table:
    """(rule_id, subject_id) of every subject that meets a rule's definition over [start, end]."""
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    tables = ("institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations",
              "visits", "prescriptions", "charges", "deaths", "waste_bags", "waste_manifests",
              "wastewater_readings", "ddd")
    have = {t for t in tables if _view(con, dataset, t)}
    if "strength_unit" not in {r[0] for r in con.execute("DESCRIBE prescriptions").fetchall()}:
        con.execute("ALTER VIEW prescriptions RENAME TO prescriptions_v1")  # a dataset without the extension
        con.execute("CREATE VIEW prescriptions AS SELECT *, CAST(NULL AS VARCHAR) AS strength_unit "
                    "FROM prescriptions_v1")
    prm = _parameters(start, end)
    params = {"ps": start, "pe": end, **{k: v for k, v in prm.items() if k != "groups"}}
    rules: dict[str, str] = {**_VISIT_RULES}
    rules.update({k: v for k, v in _CHARGE_RULES.items() if k != "post_death_charge" or "deaths" in have})
    if "waste_bags" in have and "waste_manifests" in have:
        rules.update(_WASTE_RULES)
    if "wastewater_readings" in have:
        rules.update(_SENSOR_RULES)
    parts = []
    for rule, sql in rules.items():
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        ids = con.sql(sql, params=used).to_arrow_table().column(0).cast(pa.string())
        parts.append(pa.table({"rule_id": pa.array([rule] * len(ids), pa.string()), "subject_id": ids}))
    _reference(con, have)
    counted = "(" + " OR ".join(f"starts_with(p.atc_code, '{g}')" for g in prm["groups"]) + ")"
    sql = _INTENSITY.replace("$counted", counted)
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    ids = con.sql(sql, params=used).to_arrow_table().column(0).cast(pa.string())
    parts.append(pa.table({"rule_id": pa.array(["antimicrobial_intensity"] * len(ids)), "subject_id": ids}))
    used = {k: v for k, v in params.items() if f"${k}" in _GHOST}
    ids = con.sql(_GHOST, params=used).to_arrow_table().column(0).cast(pa.string())
    parts.append(pa.table({"rule_id": pa.array(["ghost_registration"] * len(ids)), "subject_id": ids}))
    if injected_outliers is not None and len(injected_outliers):
        parts.append(pa.table({"rule_id": pa.array(["prescribing_outlier"] * len(injected_outliers)),
                               "subject_id": injected_outliers.cast(pa.string())}))
    con.close()
    out = pa.concat_tables([p.cast(pa.schema([("rule_id", pa.string()), ("subject_id", pa.string())]))
                            for p in parts])
    return out.group_by(["rule_id", "subject_id"]).aggregate([]).sort_by([("rule_id", "ascending"),
                                                                           ("subject_id", "ascending")])
