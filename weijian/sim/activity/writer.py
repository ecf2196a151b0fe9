"""Arrow schemas of the contract's activity tables and a chunked Parquet writer."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .registry import REGISTRY_TABLES, table_path

S, F, D, B, INT = pa.string(), pa.float64(), pa.date32(), pa.bool_(), pa.int64()
TS = pa.timestamp("us")  # naive local time (Asia/Shanghai), as the contract's ``ts``
MONEY = pa.float64()  # yuan, rounded to two decimals

SCHEMAS: dict[str, pa.Schema] = {
    "visits": pa.schema([("visit_id", S), ("institution_id", S), ("dept_code", S), ("practitioner_id", S),
                         ("patient_id", S), ("kind", S), ("start_date", D), ("end_date", D), ("diagnosis", S),
                         ("insured", B)]),
    "prescriptions": pa.schema([("line_id", S), ("visit_id", S), ("date", D), ("institution_id", S),
                                ("practitioner_id", S), ("patient_id", S), ("drug_code", S), ("drug_name", S),
                                ("atc_code", S), ("route", S), ("unit_strength_g", F), ("quantity", F),
                                ("days_supply", INT), ("amount", MONEY), ("strength_unit", S)]),
    "charges": pa.schema([("line_id", S), ("visit_id", S), ("date", D), ("institution_id", S), ("patient_id", S),
                          ("item_code", S), ("item_kind", S), ("quantity", F), ("unit_price", MONEY),
                          ("amount", MONEY), ("insured_amount", MONEY)]),
    "deaths": pa.schema([("patient_id", S), ("death_date", D)]),
    "waste_bags": pa.schema([("bag_id", S), ("institution_id", S), ("category", S), ("weight_kg", F),
                             ("sealed_at", TS), ("collected_at", TS), ("manifest_id", S)]),
    "waste_manifests": pa.schema([("manifest_id", S), ("institution_id", S), ("carrier_id", S),
                                  ("handed_over_at", TS), ("declared_weight_kg", F), ("received_at", TS),
                                  ("received_weight_kg", F)]),
    "wastewater_readings": pa.schema([("institution_id", S), ("sensor_id", S), ("ts", TS),
                                      ("residual_chlorine_mg_l", F), ("ph", F)]),
}
HIGH_CARDINALITY = {"line_id", "visit_id", "patient_id", "bag_id", "manifest_id"}  # no dictionary pages
PARTITIONED = ("visits", "prescriptions", "charges", "waste_bags", "waste_manifests", "wastewater_readings")


class DatasetWriter:
    """Writes partitioned tables part by part (``TABLE/part-00000.parquet`` …) and single-file tables."""

    def __init__(self, out: Path, compression: str = "zstd") -> None:
        self.out = out
        self.compression = compression
        # Parquet encoding releases the GIL: write on a thread while the next chunk is generated,
        # keeping at most a few parts in flight to bound memory.
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list[Future[None]] = []
        self.parts: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        out.mkdir(parents=True, exist_ok=True)
        for name in PARTITIONED:
            folder = out / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            self.parts[name] = 0
            self.rows[name] = 0

    def write_part(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        table = conform(table, SCHEMAS[name])
        path = self.out / name / f"part-{self.parts[name]:05d}.parquet"
        self.parts[name] += 1
        self.rows[name] += table.num_rows
        while len(self._pending) >= 3:
            self._pending.pop(0).result()
        self._pending.append(self._pool.submit(self._write, table, path))

    def _write(self, table: pa.Table, path: Path) -> None:
        # no Arrow schema in the file: dictionary-encoded strings read back as plain strings
        small = [c for c in table.column_names if c not in HIGH_CARDINALITY]
        pq.write_table(table, path, compression=self.compression, compression_level=1, row_group_size=1 << 20,
                       store_schema=False, use_dictionary=small)

    def write_single(self, name: str, table: pa.Table) -> None:
        schema = SCHEMAS.get(name)
        pq.write_table(conform(table, schema) if schema else table, self.out / f"{name}.parquet",
                       compression=self.compression, store_schema=False)
        self.rows[name] = table.num_rows

    def close(self) -> None:
        """Give every partitioned table at least one (possibly empty) part, so the table exists."""
        for f in self._pending:
            f.result()
        self._pool.shutdown()
        for name in PARTITIONED:
            if self.parts[name] == 0:
                pq.write_table(SCHEMAS[name].empty_table(), self.out / name / "part-00000.parquet")


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns in the schema's order and types; dictionary-encoded strings stay encoded."""
    if table.schema.names != schema.names:
        raise ValueError(f"columns {table.schema.names} != {schema.names}")
    cols = []
    for col, f in zip(table.columns, schema, strict=True):
        dict_str = pa.types.is_dictionary(col.type) and col.type.value_type == f.type
        cols.append(col if dict_str or col.type == f.type else col.cast(f.type))
    return pa.table(cols, names=schema.names)


def copy_registry(registry: Path, out: Path) -> None:
    """Hard-link (or copy) the registry's contract tables into the dataset."""
    for name in REGISTRY_TABLES:
        src = table_path(registry, name)
        if src is None:
            continue
        dst = out / src.name
        if dst.resolve() == src.resolve():
            continue
        if dst.is_dir():
            shutil.rmtree(dst)
        elif dst.exists():
            dst.unlink()
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(src), str(dst))


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
