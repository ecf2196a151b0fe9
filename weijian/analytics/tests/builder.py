"""Hand-built datasets for the tests: a small valid registry plus whatever a test adds."""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from weijian.analytics.schema import TABLES

H1 = "12110000MB0000001U"  # hospital, beds 100, infectious wastewater
H2 = "12110000MB0000002Y"  # second hospital
C1 = "52110000MA0000003U"  # clinic, no beds
DOC = "110000000000001"  # physician, scope 03
DOC2 = "110000000000002"  # physician, scope 03.01 only
NURSE = "110000000000003"
D = dt.date

ARROW = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "money": pa.float64(),
         "bool": pa.bool_(), "date": pa.date32(), "ts": pa.string()}


def _inst(iid: str, **kw: Any) -> dict[str, Any]:
    row = {"institution_id": iid, "name": "医院", "kind": "hospital", "level": "II", "district_code": "110101",
           "beds": 100, "licence_valid_from": D(2020, 1, 1), "licence_valid_to": D(2030, 12, 31),
           "status": "active", "status_since": D(2020, 1, 1), "wastewater_class": "infectious"}
    row.update(kw)
    return row


class Dataset:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {
            "institutions": [_inst(H1), _inst(H2, wastewater_class="general_sewer"),
                             _inst(C1, kind="clinic", level="none", beds=0, wastewater_class=None)],
            "institution_depts": [
                {"institution_id": i, "dept_code": c, "valid_from": D(2020, 1, 1), "valid_to": None}
                for i in (H1, H2, C1) for c in ("03", "20", "30")],
            "practitioners": [
                {"practitioner_id": DOC, "name": "张医生", "kind": "physician", "status": "active",
                 "status_since": D(2020, 1, 1), "licence_valid_to": None},
                {"practitioner_id": DOC2, "name": "李医生", "kind": "physician", "status": "active",
                 "status_since": D(2020, 1, 1), "licence_valid_to": None},
                {"practitioner_id": NURSE, "name": "王护士", "kind": "nurse", "status": "active",
                 "status_since": D(2020, 1, 1), "licence_valid_to": None}],
            "practitioner_scopes": [{"practitioner_id": DOC, "dept_code": "03"},
                                    {"practitioner_id": DOC2, "dept_code": "03.01"}],
            "registrations": [
                {"practitioner_id": p, "institution_id": i, "is_primary": i == H1, "valid_from": D(2020, 1, 1),
                 "valid_to": None} for p in (DOC, DOC2, NURSE) for i in (H1, H2, C1)],
            "visits": [], "prescriptions": [], "charges": [],
        }
        self._n = 0

    def copy(self) -> Dataset:
        return deepcopy(self)

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:06d}"

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row

    def visit(self, start: dt.date, end: dt.date | None = None, *, kind: str = "outpatient", inst: str = H1,
              dept: str = "03", doc: str | None = DOC, patient: str = "P1", diagnosis: str = "J18.9",
              visit_id: str | None = None) -> str:
        vid = visit_id or self._id("V")
        self.add("visits", visit_id=vid, institution_id=inst, dept_code=dept, practitioner_id=doc,
                 patient_id=patient, kind=kind, start_date=start, end_date=end or start, diagnosis=diagnosis,
                 insured=True)
        return vid

    def charge(self, visit_id: str, day: dt.date, *, item_code: str = "BED01", kind: str = "bed",
               quantity: float = 1.0, unit_price: float = 50.0, patient: str = "P1", inst: str = H1,
               line_id: str | None = None) -> str:
        lid = line_id or self._id("C")
        self.add("charges", line_id=lid, visit_id=visit_id, date=day, institution_id=inst, patient_id=patient,
                 item_code=item_code, item_kind=kind, quantity=quantity, unit_price=unit_price,
                 amount=round(quantity * unit_price, 2), insured_amount=0.0)
        return lid

    def physicians(self, n: int = 8) -> list[str]:
        """N more active physicians (a peer group for the statistical rules); their practitioner ids."""
        docs = [f"11000000000010{i}" for i in range(n)]
        for d in docs:
            self.add("practitioners", practitioner_id=d, name="医生", kind="physician", status="active",
                     status_since=dt.date(2020, 1, 1), licence_valid_to=None)
        return docs

    def rx(self, visit_id: str, day: dt.date, *, atc: str | None = "J01DD04", route: str | None = "P",
           strength: float | None = 1.0, quantity: float = 1.0, doc: str = DOC, inst: str = H1,
           patient: str = "P1", amount: float = 10.0, unit: str | None = None, drug_code: str | None = None,
           drug_name: str = "药") -> str:
        lid = self._id("R")
        self.add("prescriptions", line_id=lid, visit_id=visit_id, date=day, institution_id=inst,
                 practitioner_id=doc, patient_id=patient, drug_code=drug_code or "D" + (atc or "X"),
                 drug_name=drug_name, atc_code=atc, route=route, unit_strength_g=strength, quantity=quantity,
                 days_supply=1, amount=amount, strength_unit=unit)
        return lid

    def write(self, folder: Path, csv_tables: tuple[str, ...] = ()) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.rows.items():
            spec = TABLES[name]
            schema = pa.schema([(c.name, ARROW[c.type]) for c in spec.columns])
            data = {c.name: [r.get(c.name) for r in rows] for c in spec.columns}
            t = pa.table(data, schema=schema)
            if name in csv_tables:
                import pyarrow.csv as pcsv

                pcsv.write_csv(t, folder / f"{name}.csv")
            else:
                pq.write_table(t, folder / f"{name}.parquet")
        return folder
