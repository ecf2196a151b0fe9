"""What a rule is: metadata plus a function building an Ibis expression.

A rule's ``build(ctx)`` returns one row per alert with the columns ``subject_id``,
``institution_id``, ``value``, ``threshold`` and any number of ``ev_*`` columns (the facts
that made it fire; they become the JSON ``evidence``), or a list of such expressions of the same
columns (``Parts``): each is run as a query of its own and their rows are the rule's alerts. A part may be a
function that builds its expression when it runs, and it may then stage a step of its plan (``Context.stage``). A rule
that judges each month (or each group of subjects) apart returns one part each, so an engine plans and
holds one part at a time: a single query uniting twelve months' branches took DuckDB's optimiser
minutes to plan and held every branch's hash tables at once. Statistical rules may add a
``post(arrow_table, ctx)`` step run locally on the (small) aggregate the engine returns,
so that medians and MADs are exact and identical on every engine.

A rule declares its parameters (``params``: name → :class:`~weijian.analytics.params.Param`, a key
of a rules file, never a value); ``ctx.param(name)`` is that parameter's schedule over the run, and
``ctx.param(name).at(date)`` the value in force on each fact's date. ``threshold`` is the value applied
to that subject. A rule whose subject is one input row carries that row's ``_src_file`` and
``_src_row`` (``source_file``, ``source_row`` in the evidence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from weijian.analytics.params import Param, Schedule

# A part: a query, or a function that builds it when the part runs (so that what it stages is held for that part only)
Part = ir.Table | Callable[[], ir.Table]
Parts = list[Part]  # a rule's alerts as several queries, run one after another; their rows united

# An engineering bound, not a legal figure: a rule that judges the period in spans of months (``spans``) puts
# consecutive months in one part while their rows of the table it reads, spread evenly over the period's
# months, stay within this many. A city's month (137 M charge lines) is then one part a month, a district's
# quarter (23 M) one part in all: each part is one more scan of the table, which costs more than the bounded
# join buys where the whole period fits in memory.
PART_ROWS = 40_000_000


def as_parts(built: ir.Table | Parts) -> Parts:
    """What a rule's ``build`` returned, as its list of parts (one, for a single expression)."""
    return built if isinstance(built, list) else [built]


def part_expr(part: Part) -> ir.Table:
    """A part's query, built now where the part is a function."""
    return part() if callable(part) else part


@dataclass
class Context:
    """What a rule sees: the period, the clean tables, its parameters and helpers."""

    start: dt.date
    end: dt.date
    tables: dict[str, ir.Table]
    params: dict[str, Schedule]
    months: ir.Table  # month 'YYYY-MM', m_first (its 1st day), m_start, m_end: its days inside the period
    ddd: Any  # weijian.analytics.ddd.Reference: WHO DDDs by date, dataset and drug-code overrides
    rows: dict[str, int] = field(default_factory=dict)  # each clean table's rows, where the loader counted them
    # results kept for the run (see ``kept``): shared by the copies a run makes of its context for each rule
    kept_tables: dict[str, ir.Table] = field(default_factory=dict)
    # the steps staged by the part being run (see ``stage``), released when it ends
    staged: list[ir.Table] = field(default_factory=list)

    @property
    def end_of_period_s(self) -> int:
        """The period's end (end date's 24:00) in local epoch seconds."""
        return int((dt.datetime.combine(self.end, dt.time()) - dt.datetime(1970, 1, 1)).total_seconds()) + 86400

    def t(self, name: str) -> ir.Table:
        return self.tables[name]

    def param(self, name: str) -> Schedule:
        """The schedule of a declared parameter over the run's window."""
        return self.params[name]

    def in_period(self, d: ir.DateValue) -> ir.BooleanValue:
        return d.between(ibis.date(self.start), ibis.date(self.end))

    def kept(self, key: str, make: Callable[[], ir.Table]) -> ir.Table:
        """MAKE's table computed once for the run and kept by the engine (Ibis ``cache``), under KEY (which must
        name everything the table depends on besides the run's tables and period): for a small result that
        several rules or reports read."""
        if key not in self.kept_tables:
            self.kept_tables[key] = make().cache()
        return self.kept_tables[key]

    def stage(self, expr: ir.Table) -> ir.Table:
        """EXPR computed now and held by the engine (Ibis ``cache``) until the part being run ends
        (``release_staged``). For a step whose plan an engine handles badly inside a larger query: DuckDB,
        for one, pushes a join's key filter into the scan of the lines when the join is planned alone, and
        not when it feeds a union and windows; and it sizes a join by the staged table's real count, not a guess.
        A rule stages only inside a part built when it runs (a function); what the indicators stage is released
        once they are computed."""
        held = expr.cache()
        self.staged.append(held)
        return held

    def release_staged(self) -> None:
        """Drop what the finished part staged."""
        while self.staged:
            self.staged.pop().release()


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    legal_basis: str
    severity: str  # low | medium | high
    subject_type: str
    tables: tuple[str, ...]
    build: Callable[[Context], ir.Table | Parts]
    params: dict[str, Param] = field(default_factory=dict)
    optional_tables: tuple[str, ...] = ()
    statistical: bool = False
    post: Callable[[pa.Table, Context], pa.Table] | None = None

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "name_zh": self.name_zh, "name_en": self.name_en,
                "legal_basis": self.legal_basis,
                "severity": self.severity, "subject_type": self.subject_type,
                "tables": list(self.tables), "statistical": self.statistical}


def month_spans(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date, dt.date]]:
    """Each month overlapping [start, end]: 'YYYY-MM', its first day, and its first and last days inside it."""
    rows: list[tuple[str, dt.date, dt.date, dt.date]] = []
    m = dt.date(start.year, start.month, 1)
    while m <= end:
        nxt = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        rows.append((m.strftime("%Y-%m"), m, max(m, start), min(nxt - dt.timedelta(days=1), end)))
        m = nxt
    return rows


def spans(ctx: Context, table: str) -> list[tuple[dt.date, dt.date]]:
    """The period in spans of whole months, each (its first day, its last day) inside the period: consecutive
    months share a span while TABLE's rows, spread evenly over the period's months, stay within
    :data:`PART_ROWS`; one month a span where the table's size is not known."""
    months = month_spans(ctx.start, ctx.end)
    rows = ctx.rows.get(table)
    per = 1 if rows is None else max(1, PART_ROWS // max(1, -(-rows // len(months))))
    return [(months[i][2], months[min(i + per, len(months)) - 1][3]) for i in range(0, len(months), per)]


def dept1(code: ir.StringValue) -> ir.StringValue:
    """一级诊疗科目 of a dept code (``03.01`` → ``03``). substr, never split: Spark's split is a regex."""
    return code.substr(0, 2)


def in_month(d: ir.DateValue, months: ir.Table) -> list[ir.BooleanValue]:
    """Join predicates placing date D in its month of the period (``Context.months``): an equality on the
    month's first day, which the engines run as a hash join, then the clip to the month's days inside the
    period (a range condition alone makes a nested-loop or range join over every line)."""
    return [d.truncate("M") == months.m_first, d.between(months.m_start, months.m_end)]


def valid_on(valid_from: ir.DateValue, valid_to: ir.DateValue, d: ir.DateValue) -> ir.BooleanValue:
    """"Valid on day d": valid_from ≤ d and (valid_to is null or d ≤ valid_to)."""
    return (valid_from <= d) & (valid_to.isnull() | (d <= valid_to))


def one_of(value: ir.Value, options: list[str]) -> ir.BooleanValue:
    """VALUE is one of OPTIONS, written so that an engine's scan can filter on it. DuckDB pushes a comparison into
    its Parquet scan, so the other columns of a row outside it are never decoded, but it keeps a list of several
    values only as a hint and decodes every row first (the exam and lab lines of a city's month: 4.2 s against
    1.6 s). The range between the smallest and the largest option is the filter it pushes; the list keeps the
    answer exact."""
    return value.between(min(options), max(options)) & value.isin(options)


def days_between(later: ir.DateValue, earlier: ir.DateValue) -> ir.IntegerValue:
    """later − earlier in days (portable: ``delta`` on DuckDB and Spark)."""
    return later.delta(earlier, unit="day")


NULL_F = ibis.null().cast("float64")


def alert_frame(t: ir.Table, subject_id: ir.Value, institution_id: ir.Value, value: ir.Value | None = None,
                threshold: ir.Value | float | None = None, **evidence: ir.Value) -> ir.Table:
    """Select the standard alert columns (+ ``ev_*`` evidence) from ``t``."""
    if threshold is None:
        thr: ir.Value = NULL_F
    elif isinstance(threshold, ir.Value):
        thr = threshold.cast("float64")
    else:
        thr = ibis.literal(float(threshold))
    cols: dict[str, ir.Value] = {
        "subject_id": subject_id.cast("string"),
        "institution_id": institution_id.cast("string"),
        "value": NULL_F if value is None else value.cast("float64"),
        "threshold": thr,
    }
    cols.update({f"ev_{k}": v for k, v in evidence.items()})
    return t.select(**cols)


def iso_date(d: ir.DateValue) -> ir.StringValue:
    """``YYYY-MM-DD`` built from parts: a cast of ``date + interval`` gives a timestamp text on DuckDB."""
    return (d.year().cast("string") + "-" + d.month().cast("string").lpad(2, "0") + "-"
            + d.day().cast("string").lpad(2, "0"))


def source(t: ir.Table) -> dict[str, ir.Value]:
    """Evidence naming the input row a subject is: its file (relative to the dataset) and row/line."""
    return {"source_file": t._src_file, "source_row": t._src_row}
