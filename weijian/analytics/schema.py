"""The input tables of the analytics data contract (contracts/analytics-v1.md) as data.

Each table lists its columns with a type, whether nulls are allowed (the contract's ``?``)
and, for enumerations, the allowed values. Extra columns in a file are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = ("str", "int", "float", "bool", "date", "ts", "money")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    non_negative: bool = False
    check: str | None = None  # "uscc" | "practitioner_id" | "dept_code"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False
    key: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, type_: str, nullable: bool = False, **kw: object) -> Column:
    return Column(name, type_, nullable, **kw)  # type: ignore[arg-type]


PID = {"check": "practitioner_id"}
# The contract's WHO DDD routes; WHO's own "Inhal.solution" / "Inhal.powder" are accepted too.
ROUTES = ("O", "P", "R", "N", "Inhal", "TD", "V", "Inhal.solution", "Inhal.powder")
DEPT = {"check": "dept_code"}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "institutions",
            (
                C("institution_id", "str", check="uscc"),
                C("name", "str"),
                C("kind", "str", enum=("hospital", "specialist_hospital", "community_health_center", "clinic",
                                       "aesthetic_clinic", "other")),
                C("level", "str", enum=("III", "II", "I", "none")),
                C("district_code", "str"),
                C("beds", "int", non_negative=True),
                C("licence_valid_from", "date"),
                C("licence_valid_to", "date"),
                C("status", "str", enum=("active", "suspended", "revoked", "closed")),
                C("status_since", "date"),
                C("wastewater_class", "str", True, enum=("infectious", "general_direct", "general_sewer")),
            ),
            key=("institution_id",),
        ),
        Table(
            "institution_depts",
            (
                C("institution_id", "str"),
                C("dept_code", "str", **DEPT),
                C("valid_from", "date"),
                C("valid_to", "date", True),
            ),
        ),
        Table(
            "practitioners",
            (
                C("practitioner_id", "str", **PID),
                C("name", "str"),
                C("kind", "str", enum=("physician", "assistant_physician", "nurse", "pharmacist", "technician")),
                C("status", "str", enum=("active", "suspended", "revoked")),
                C("status_since", "date"),
                C("licence_valid_to", "date", True),
            ),
            key=("practitioner_id",),
        ),
        Table("practitioner_scopes", (C("practitioner_id", "str", **PID), C("dept_code", "str", **DEPT))),
        Table(
            "registrations",
            (
                C("practitioner_id", "str", **PID),
                C("institution_id", "str"),
                C("is_primary", "bool"),
                C("valid_from", "date"),
                C("valid_to", "date", True),
            ),
        ),
        Table(
            "visits",
            (
                C("visit_id", "str"),
                C("institution_id", "str"),
                C("dept_code", "str", **DEPT),
                C("practitioner_id", "str", True, **PID),
                C("patient_id", "str"),
                C("kind", "str", enum=("outpatient", "emergency", "inpatient")),
                C("start_date", "date"),
                C("end_date", "date"),
                C("diagnosis", "str"),
                C("insured", "bool"),
            ),
            key=("visit_id",),
        ),
        Table(
            "prescriptions",
            (
                C("line_id", "str"),
                C("visit_id", "str"),
                C("date", "date"),
                C("institution_id", "str"),
                C("practitioner_id", "str", **PID),
                C("patient_id", "str"),
                C("drug_code", "str"),
                C("drug_name", "str"),
                C("atc_code", "str", True),
                C("route", "str", True, enum=ROUTES),
                C("unit_strength_g", "float", True, non_negative=True),
                C("quantity", "float", non_negative=True),
                C("days_supply", "int", True, non_negative=True),
                C("amount", "money"),
                # extension of contract v1: the unit of unit_strength_g (g by default, mg, MU = million units)
                C("strength_unit", "str", True),
            ),
            key=("line_id",),
        ),
        Table(
            "charges",
            (
                C("line_id", "str"),
                C("visit_id", "str"),
                C("date", "date"),
                C("institution_id", "str"),
                C("patient_id", "str"),
                C("item_code", "str"),
                C("item_kind", "str", enum=("drug", "exam", "lab", "consumable", "procedure", "bed", "service")),
                C("quantity", "float", non_negative=True),
                C("unit_price", "money"),
                C("amount", "money"),
                C("insured_amount", "money"),
            ),
            key=("line_id",),
        ),
        Table("deaths", (C("patient_id", "str"), C("death_date", "date")), optional=True),
        Table(
            "waste_bags",
            (
                C("bag_id", "str"),
                C("institution_id", "str"),
                C("category", "str", enum=("infectious", "pathological", "sharps", "pharmaceutical", "chemical")),
                C("weight_kg", "float", non_negative=True),
                C("sealed_at", "ts"),
                C("collected_at", "ts", True),
                C("manifest_id", "str", True),
            ),
            optional=True,
            key=("bag_id",),
        ),
        Table(
            "waste_manifests",
            (
                C("manifest_id", "str"),
                C("institution_id", "str"),
                C("carrier_id", "str"),
                C("handed_over_at", "ts"),
                C("declared_weight_kg", "float", non_negative=True),
                C("received_at", "ts", True),
                C("received_weight_kg", "float", True, non_negative=True),
            ),
            optional=True,
            key=("manifest_id",),
        ),
        Table(
            "wastewater_readings",
            (
                C("institution_id", "str"),
                C("sensor_id", "str"),
                C("ts", "ts"),
                C("residual_chlorine_mg_l", "float", True, non_negative=True),
                C("ph", "float", True),
            ),
            optional=True,
        ),
        Table(
            "ddd",
            # extensions of contract v1: unit of ddd_g (g by default); drug_code: a DDD for that drug only
            (C("atc_code", "str"), C("route", "str"), C("ddd_g", "float", non_negative=True),
             C("unit", "str", True, enum=("g", "mg", "MU")), C("drug_code", "str", True)),
            optional=True,
        ),
    )
}

REQUIRED_TABLES = [n for n, t in TABLES.items() if not t.optional]
OPTIONAL_TABLES = [n for n, t in TABLES.items() if t.optional]
