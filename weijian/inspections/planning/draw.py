"""The verifiable draw (RFC 3797 style), Django-free: commitment, seed, stratified selection, record.

Everything here is specified in ``docs/draw-algorithm.md`` precisely enough to be re-implemented with any
language's SHA-256; keep the two in step (and bump :data:`ALGORITHM` when the algorithm changes, never
edit it in place: a record names the version it was drawn with).

1. The population is frozen as one line ``"<id>\\t<stratum>\\n"`` per candidate, sorted by id (as an
   integer); its SHA-256 is the population hash. Strata: ``A`` … ``D`` (drawn by ratio), ``key`` (重点监管,
   always taken) and ``excluded`` (inspected recently, never taken).
2. The parameters (ratios, period, items …) are hashed as canonical JSON (keys sorted, no spaces, UTF-8).
3. Commitment = SHA-256 of ``ALGORITHM "\\ncommit\\n" population_hash "\\n" parameters_hash "\\n" secret``.
4. After the commitment is published a public value nobody could know before (a witness's number, a
   lottery result) is entered; seed = SHA-256 of ``ALGORITHM "\\nseed\\n" population_hash "\\n"
   parameters_hash "\\n" secret "\\n" public_value``.
5. In each stratum every candidate is ranked by SHA-256 of ``seed "|" stratum "|" id`` (hex, ascending; ties,
   which SHA-256 never gives in practice, by id); ``A`` … ``D`` take the first ceil(n × ratio / 100).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from weijian.i18n import gettext as _

ALGORITHM = "weijian-draw-v1"
RECORD_FORMAT = "weijian-draw-record/1"
GRADES = ("A", "B", "C", "D")
KEY = "key"
EXCLUDED = "excluded"
STRATA = (KEY, *GRADES, EXCLUDED)
MAX_PUBLIC_VALUE = 200


class DrawInputError(ValueError):
    """Bad input to a draw; the message names the field and the reason (Chinese)."""


@dataclass(frozen=True)
class Candidate:
    id: int
    stratum: str


@dataclass(frozen=True)
class Selected:
    id: int
    stratum: str
    rank: int  # 1-based position in the stratum's hash order

    @property
    def mode(self) -> str:
        return "key" if self.stratum == KEY else "random"

    def as_record(self) -> dict[str, Any]:
        return {"id": self.id, "stratum": self.stratum, "rank": self.rank}


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """The one serialisation every hash of a JSON value uses: keys sorted, no spaces, UTF-8 kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def population_text(population: Iterable[Candidate]) -> str:
    rows = sorted(population, key=lambda c: c.id)
    ids = [c.id for c in rows]
    if len(set(ids)) != len(ids):
        raise DrawInputError(_("抽查对象：同一对象出现两次"))
    for c in rows:
        if c.stratum not in STRATA:
            raise DrawInputError(
                _("抽查对象 %(id)s：未知的分层 %(stratum)s") % {"id": c.id, "stratum": f"{c.stratum!r}"}
            )
    return "".join(f"{c.id}\t{c.stratum}\n" for c in rows)


def population_hash(population: Iterable[Candidate]) -> str:
    return sha256_hex(population_text(population))


def parameters_hash(parameters: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(dict(parameters)))


def new_secret() -> str:
    """The server secret: 32 random bytes, hex. Kept off every page until the draw is made."""
    return secrets.token_hex(32)


def commitment(pop_hash: str, params_hash: str, secret: str) -> str:
    return sha256_hex(f"{ALGORITHM}\ncommit\n{pop_hash}\n{params_hash}\n{secret}")


def normalise_public_value(value: str) -> str:
    """NFC, surrounding white space removed; empty or over-long values are refused."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if not text:
        raise DrawInputError(_("公开随机值：必须填写（见证人现场给出的数字，或已公布的开奖结果）"))
    if len(text) > MAX_PUBLIC_VALUE:
        raise DrawInputError(
            _("公开随机值：不能超过 %(max_public_value)s 个字符") % {"max_public_value": MAX_PUBLIC_VALUE}
        )
    return text


def derive_seed(pop_hash: str, params_hash: str, secret: str, public_value: str) -> str:
    return sha256_hex(f"{ALGORITHM}\nseed\n{pop_hash}\n{params_hash}\n{secret}\n{normalise_public_value(public_value)}")


def rank_key(seed: str, stratum: str, candidate_id: int) -> str:
    return sha256_hex(f"{seed}|{stratum}|{candidate_id}")


def parse_ratio(value: Any, grade: str) -> str:
    """A percentage 0–100 with at most two decimals, as its canonical string (``"5"``, ``"12.5"``)."""
    field = _("%(grade)s 级抽查比例") % {"grade": grade}
    if isinstance(value, bool):
        raise DrawInputError(_("%(field)s：应为 0–100 之间的数字") % {"field": field})
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise DrawInputError(_("%(field)s：“%(value)s”不是数字") % {"field": field, "value": value}) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise DrawInputError(_("%(field)s：应在 0–100%% 之间，而不是 %(value)s") % {"field": field, "value": value})
    if number != number.quantize(Decimal("0.01")):
        raise DrawInputError(_("%(field)s：最多保留两位小数") % {"field": field})
    text = format(number.normalize(), "f")
    return text


def quota(n: int, ratio: str) -> int:
    """ceil(n × ratio / 100), in exact rational arithmetic (no floating point)."""
    return math.ceil(Fraction(n) * Fraction(Decimal(ratio)) / 100)


def select(population: Sequence[Candidate], ratios: Mapping[str, str], seed: str) -> list[Selected]:
    """The drawn targets: every ``key`` candidate, then ceil(n × ratio) of each grade, in hash order."""
    by_stratum: dict[str, list[int]] = {s: [] for s in STRATA}
    for c in population:
        by_stratum[c.stratum].append(c.id)
    out: list[Selected] = []
    for stratum in (KEY, *GRADES):
        ranked = sorted(by_stratum[stratum], key=lambda i, s=stratum: (rank_key(seed, s, i), i))
        take = len(ranked) if stratum == KEY else quota(len(ranked), ratios[stratum])
        out.extend(Selected(i, stratum, rank) for rank, i in enumerate(ranked[:take], start=1))
    return out


def stratum_counts(population: Iterable[Candidate]) -> dict[str, int]:
    counts = dict.fromkeys(STRATA, 0)
    for c in population:
        counts[c.stratum] += 1
    return counts


@dataclass(frozen=True)
class Achieved:
    """What a plan's grade ratios achieve on a population: per grade and overall, against the target."""

    per_grade: dict[str, tuple[int, int]]  # grade → (drawn, candidates)
    key: int
    excluded: int
    drawn: int
    candidates: int
    overall: Decimal | None  # percent of the A–D candidates drawn
    target: Decimal | None
    gap_warning: bool


def achieved(counts: Mapping[str, int], ratios: Mapping[str, str], target: Any, warning_gap: Any) -> Achieved:
    per_grade = {g: (quota(counts.get(g, 0), ratios[g]), counts.get(g, 0)) for g in GRADES}
    drawn = sum(d for d, _ in per_grade.values())
    candidates = sum(n for _, n in per_grade.values())
    overall = (Decimal(drawn) * 100 / Decimal(candidates)).quantize(Decimal("0.1")) if candidates else None
    goal = Decimal(str(target)) if target is not None else None
    warn = overall is not None and goal is not None and abs(overall - goal) > Decimal(str(warning_gap))
    return Achieved(per_grade, counts.get(KEY, 0), counts.get(EXCLUDED, 0), drawn, candidates, overall, goal, warn)
