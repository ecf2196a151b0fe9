"""行政处罚裁量: the violation catalogue (``discretion.yaml``) and the no-penalty list (``no_penalty.yaml``).

For a violation and its circumstance (轻微 / 一般 / 较重 / 严重) :func:`suggest` gives the penalty kinds and the fine
range of that band inside the legal range; :func:`check_decision` says whether a decision stays inside it (a fine
above the legal maximum is a hard error, ``above_legal_max``; leaving the band needs a written reason and legal
review, which the case records). :func:`no_penalty` applies 行政处罚法 art. 33(1) to the items of the list.

Fines that are multiples (违法所得 or 医保基金损失金额) are computed on the amount given, raised to the statute's
floor where it has one (e.g. 违法所得不足一万元的，按一万元计算). Money is Decimal, in yuan, to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from weijian.i18n import gettext as _
from weijian.i18n import in_language
from weijian.rules import loader

FILE = "discretion"
NO_PENALTY_FILE = "no_penalty"
PENALTY_KINDS = (
    "warning", "criticism", "fine", "confiscate_income", "confiscate_property", "suspend_licence",
    "lower_qualification", "revoke_licence", "restrict_activity", "suspend_business", "close", "restrict_practice",
    "other",
)  # fmt: skip
CIRCUMSTANCES = ("minor", "general", "serious", "severe")  # 轻微/一般/较重/严重
FINE_BASES = ("illegal_income", "fund_loss")
FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def kind_label(kind: str) -> str:
    return {
        "warning": _("警告"), "criticism": _("通报批评"), "fine": _("罚款"), "confiscate_income": _("没收违法所得"),
        "confiscate_property": _("没收非法财物"), "suspend_licence": _("暂扣许可证件"),
        "lower_qualification": _("降低资质等级"), "revoke_licence": _("吊销许可证件"),
        "restrict_activity": _("限制开展生产经营活动"), "suspend_business": _("责令停产停业"), "close": _("责令关闭"),
        "restrict_practice": _("限制从业"), "other": _("其他行政处罚"),
    }.get(kind, kind)


def circumstance_label(circumstance: str) -> str:
    return {"minor": _("轻微"), "general": _("一般"), "serious": _("较重"), "severe": _("严重")}.get(
        circumstance, circumstance
    )


def base_label(base: str) -> str:
    return {"illegal_income": _("违法所得"), "fund_loss": _("造成医保基金损失（骗取）金额")}.get(base, base)


@dataclass(frozen=True)
class Band:
    circumstance: str
    from_pct: Decimal
    to_pct: Decimal
    unverified: bool


@dataclass(frozen=True)
class Fine:
    min: Decimal  # yuan, or a multiple when ``per`` is set
    max: Decimal
    per: str | None = None  # illegal_income | fund_loss
    floor: Decimal | None = None  # the base is at least this many yuan


@dataclass(frozen=True)
class Violation:
    code: str
    name: str
    basis_violated: str
    basis_penalty: str
    kinds: tuple[str, ...]
    optional_kinds: tuple[str, ...]
    severe_kinds: tuple[str, ...]
    fine: Fine | None
    orders: str
    bands: dict[str, Band]
    since: dt.date
    name_en: str = ""
    orders_en: str = ""

    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    def display_orders(self) -> str:
        return in_language(self.orders, self.orders_en)


@dataclass(frozen=True)
class Suggestion:
    kinds: tuple[str, ...]
    fine_min: Decimal | None
    fine_max: Decimal | None
    legal_min: Decimal | None
    legal_max: Decimal | None
    text: str
    basis: str
    unverified: bool


@dataclass(frozen=True)
class DecisionCheck:
    within_band: bool
    above_legal_max: bool
    problems: list[str]


@dataclass(frozen=True)
class NoPenalty:
    code: str
    outcome: str  # "must" (不予处罚) | "may" (可以不予处罚)
    name: str
    situation: str
    measures: str
    basis: str
    text: str
    name_en: str = ""
    situation_en: str = ""
    measures_en: str = ""


# ------------------------------------------------------------------------------------------- reading the files
def _dec(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise loader.RulesError(_("%(where)s：%(value)r 不是数值") % {"where": where, "value": value})
    return Decimal(str(value))


def _bands(node: Any, where: str) -> dict[str, Band]:
    if not isinstance(node, dict) or set(node) - {"basis", "note"} != set(CIRCUMSTANCES):
        raise loader.RulesError(_("%(where)s：bands 应恰好包含 %(keys)s") % {"where": where, "keys": ", ".join(CIRCUMSTANCES)})
    out = {}
    for circumstance in CIRCUMSTANCES:
        band = node[circumstance]
        if not isinstance(band, dict) or set(band) != {"from_pct", "to_pct", "unverified"}:
            raise loader.RulesError(_("%(where)s.%(band)s：应为 {from_pct, to_pct, unverified}") % {"where": where, "band": circumstance})
        low, high = _dec(band["from_pct"], where), _dec(band["to_pct"], where)
        if not 0 <= low <= high <= 100 or not isinstance(band["unverified"], bool):
            raise loader.RulesError(_("%(where)s.%(band)s：幅度百分比应满足 0 ≤ from_pct ≤ to_pct ≤ 100")
                                    % {"where": where, "band": circumstance})
        out[circumstance] = Band(circumstance, low, high, band["unverified"])
    return out


VIOLATION_FIELDS = {"name", "basis_violated", "basis", "kinds", "optional_kinds", "severe_kinds"}
VIOLATION_OPTIONAL = {"fine", "orders", "bands", "note", "published", "name_en", "orders_en"}


def _violation(code: str, since: dt.date, entry: Any, default_bands: dict[str, Band]) -> Violation:
    where = f"{FILE}.yaml: violations.{code}[{since.isoformat()}]"
    if not isinstance(entry, dict):
        raise loader.RulesError(_("%(where)s：应为映射") % {"where": where})
    missing, unknown = VIOLATION_FIELDS - set(entry), set(entry) - VIOLATION_FIELDS - VIOLATION_OPTIONAL
    if missing or unknown:
        raise loader.RulesError(_("%(where)s：缺少 %(missing)s，未知 %(unknown)s")
                                % {"where": where, "missing": sorted(missing), "unknown": sorted(unknown)})
    if not entry.get("basis"):
        raise loader.RulesError(_("%(where)s：缺少法律依据 basis") % {"where": where})
    kinds = {}
    for field in ("kinds", "optional_kinds", "severe_kinds"):
        values = entry[field] or []
        bad = [k for k in values if k not in PENALTY_KINDS]
        if not isinstance(values, list) or bad:
            raise loader.RulesError(_("%(where)s.%(field)s：未知的处罚种类 %(bad)s") % {"where": where, "field": field, "bad": bad})
        kinds[field] = tuple(values)
    fine = None
    if "fine" in entry:
        node = entry["fine"]
        if not isinstance(node, dict) or not {"min", "max"} <= set(node) <= {"min", "max", "per", "floor"}:
            raise loader.RulesError(_("%(where)s.fine：应为 {min, max[, per, floor]}") % {"where": where})
        per = node.get("per")
        if per is not None and per not in FINE_BASES:
            raise loader.RulesError(_("%(where)s.fine.per：%(per)r 不是 %(bases)s 之一")
                                    % {"where": where, "per": per, "bases": ", ".join(FINE_BASES)})
        low, high = _dec(node["min"], where), _dec(node["max"], where)
        if not 0 <= low <= high:
            raise loader.RulesError(_("%(where)s.fine：应满足 0 ≤ min ≤ max") % {"where": where})
        floor = _dec(node["floor"], where) if node.get("floor") is not None else None
        fine = Fine(low, high, per, floor)
    if ("fine" in kinds["kinds"] or "fine" in kinds["optional_kinds"]) != (fine is not None):
        raise loader.RulesError(_("%(where)s：处罚种类含罚款时须给出 fine，反之亦然") % {"where": where})
    bands = _bands(entry["bands"], where) if "bands" in entry else default_bands
    return Violation(
        code=code, name=str(entry["name"]), basis_violated=str(entry["basis_violated"]), basis_penalty=str(entry["basis"]),
        kinds=kinds["kinds"], optional_kinds=kinds["optional_kinds"], severe_kinds=kinds["severe_kinds"], fine=fine,
        orders=str(entry.get("orders") or ""), bands=bands, since=since, name_en=str(entry.get("name_en") or ""),
        orders_en=str(entry.get("orders_en") or ""),
    )


def violations(on: dt.date) -> dict[str, Violation]:
    """Every violation of the catalogue in force on ``on``: code → :class:`Violation`."""
    data = loader.load(FILE) or {}
    scheme = loader.as_of(data.get("bands") or {}, on, f"{FILE}.yaml: bands")
    if not isinstance(scheme, dict) or not scheme.get("basis"):
        raise loader.RulesError(_("%(where)s：缺少法律依据 basis") % {"where": f"{FILE}.yaml: bands"})
    default_bands = _bands(scheme, f"{FILE}.yaml: bands")
    out = {}
    for code, table in (data.get("violations") or {}).items():
        entries = [(since, entry) for since, entry in loader.dated_entries(table, f"{FILE}.yaml: {code}") if since <= on]
        if entries:
            out[str(code)] = _violation(str(code), *entries[-1], default_bands)
    return out


def violation(code: str, on: dt.date) -> Violation:
    found = violations(on).get(code)
    if found is None:
        raise loader.RulesError(_("违法行为代码 %(code)r 不在 %(day)s 有效的裁量基准中（discretion.yaml）")
                                % {"code": code, "day": on.isoformat()})
    return found


# ------------------------------------------------------------------------------------------- suggestion
def _money(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _yuan(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _act(item: Violation) -> str:
    """The article of the penalty basis, without its quotation (the text before the first full-width colon)."""
    return item.basis_penalty.split("：")[0]  # i18n: data (the rules file's Chinese colon)


def _or_list(kinds: Sequence[str]) -> str:
    return _("或").join(kind_label(k) for k in kinds)


def _list(kinds: Sequence[str]) -> str:
    return _("、").join(kind_label(k) for k in kinds)


def _base(item: Violation, illegal_income: Decimal | None) -> Decimal | None:
    fine = item.fine
    if fine is None or fine.per is None:
        return Decimal(1)
    if illegal_income is not None and illegal_income < 0:
        raise ValueError(_("%(field)s不能为负数") % {"field": base_label(fine.per)})
    amount = illegal_income if illegal_income is not None else (Decimal(0) if fine.floor is not None else None)
    if amount is None:
        return None
    return max(amount, fine.floor) if fine.floor is not None else amount


def _legal_range(item: Violation, illegal_income: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if item.fine is None:
        return None, None
    base = _base(item, illegal_income)
    if base is None:
        return None, None
    return _money(item.fine.min * base), _money(item.fine.max * base)


def _circumstance(circumstance: str) -> str:
    if circumstance not in CIRCUMSTANCES:
        raise ValueError(_("情节 %(value)r 不是 轻微/一般/较重/严重（%(codes)s）之一")
                         % {"value": circumstance, "codes": ", ".join(CIRCUMSTANCES)})
    return circumstance


def suggest(code: str, circumstance: str, *, illegal_income: Decimal | None, on: dt.date) -> Suggestion:
    """The penalty the catalogue suggests for ``code`` in ``circumstance`` on ``on`` (the date of the violation)."""
    item = violation(code, on)
    band = item.bands[_circumstance(circumstance)]
    kinds = item.kinds + (item.severe_kinds if circumstance == "severe" else ())
    legal_min, legal_max = _legal_range(item, illegal_income)
    fine_min = fine_max = None
    if legal_min is not None and legal_max is not None:
        span = legal_max - legal_min
        fine_min = _money(legal_min + span * band.from_pct / HUNDRED)
        fine_max = _money(legal_min + span * band.to_pct / HUNDRED)
    parts = [_("%(name)s（%(circumstance)s）：") % {
        "name": item.display_name(), "circumstance": circumstance_label(circumstance),
    }]
    parts.append(_list(item.kinds))
    if item.optional_kinds:
        parts.append(_("；可以并处%(kinds)s") % {"kinds": _list(item.optional_kinds)})
    if item.fine is not None:
        if fine_min is not None and fine_max is not None:
            parts.append(_("；罚款 %(low)s–%(high)s 元（法定 %(legal_low)s–%(legal_high)s 元）") % {
                "low": _yuan(fine_min), "high": _yuan(fine_max), "legal_low": _yuan(legal_min or Decimal(0)),
                "legal_high": _yuan(legal_max or Decimal(0)),
            })
        else:
            parts.append(_("；罚款为%(base)s的 %(low)s–%(high)s 倍，须先录入%(base)s") % {
                "base": base_label(item.fine.per or ""), "low": _yuan(item.fine.min), "high": _yuan(item.fine.max),
            })
        if item.fine.per and item.fine.floor is not None:
            parts.append(_("（%(base)s不足 %(floor)s 元的按 %(floor)s 元计算）")
                         % {"base": base_label(item.fine.per), "floor": _yuan(item.fine.floor)})
    if circumstance == "severe" and item.severe_kinds:
        parts.append(_("；情节严重的，并%(kinds)s") % {"kinds": _or_list(item.severe_kinds)})
    if item.orders:
        parts.append(_("；并%(orders)s") % {"orders": item.display_orders()})
    if band.unverified:
        parts.append(_("。该情节幅度未经核实 [unverified]，为本机关默认值"))
    return Suggestion(
        kinds=kinds, fine_min=fine_min, fine_max=fine_max, legal_min=legal_min, legal_max=legal_max,
        text="".join(parts), basis=item.basis_penalty, unverified=band.unverified,
    )


def check_decision(
    code: str, circumstance: str, *, kinds: Sequence[str], fine: Decimal | None, illegal_income: Decimal | None,
    on: dt.date,
) -> DecisionCheck:
    """Whether a decision stays inside the suggested band; ``problems`` name the field (Chinese)."""
    item = violation(code, on)
    suggestion = suggest(code, circumstance, illegal_income=illegal_income, on=on)
    problems: list[str] = []
    above = False
    chosen = list(dict.fromkeys(kinds))
    allowed = set(item.kinds) | set(item.optional_kinds) | set(item.severe_kinds)
    for kind in chosen:
        if kind not in PENALTY_KINDS:
            problems.append(_("处罚种类：%(kind)r 不是已知的处罚种类") % {"kind": kind})
        elif kind not in allowed:
            problems.append(_("处罚种类：%(kind)s 不在%(basis)s规定的处罚种类内")
                            % {"kind": kind_label(kind), "basis": _act(item)})
        elif circumstance != "severe" and kind not in item.kinds and kind not in item.optional_kinds:
            problems.append(_("处罚种类：%(kind)s 仅适用于严重情节") % {"kind": kind_label(kind)})
    # Required: the kinds the article imposes (没收 only where there is something to confiscate, which the
    # official knows: 违法所得 when an amount is entered, 非法财物 never enforced here); when severe, one of the
    # kinds the article adds "情节严重的" (e.g. 暂停执业活动 直至 吊销).
    for kind in item.kinds:
        if kind in chosen or kind == "confiscate_property" or (kind == "confiscate_income" and not illegal_income):
            continue
        problems.append(_("处罚种类：法定应当给予%(kind)s，决定中没有") % {"kind": kind_label(kind)})
    if circumstance == "severe" and item.severe_kinds and not set(item.severe_kinds) & set(chosen):
        problems.append(_("处罚种类：严重情节的建议含%(kinds)s之一，决定中没有")
                        % {"kinds": _or_list(item.severe_kinds)})
    if fine is not None and fine > 0 and item.fine is None:
        above = True  # the article gives no fine at all: any fine is above its maximum
        problems.append(_("罚款金额：%(basis)s没有规定罚款") % {"basis": _act(item)})
    elif fine is not None and fine < 0:
        problems.append(_("罚款金额：不能为负数"))
    elif fine is not None and fine > 0 and "fine" not in chosen:
        problems.append(_("罚款金额：处罚种类中没有罚款，却填写了罚款金额"))
    elif "fine" in chosen and fine is None:
        problems.append(_("罚款金额：处罚种类含罚款，须填写罚款金额"))
    if item.fine is not None and item.fine.per and suggestion.legal_max is None:
        problems.append(_("%(base)s：罚款按%(base)s的倍数计算，须填写%(base)s") % {"base": base_label(item.fine.per)})
    if fine is not None and fine >= 0 and "fine" in chosen and suggestion.legal_max is not None:
        legal_min, legal_max = suggestion.legal_min or Decimal(0), suggestion.legal_max
        if fine > legal_max:
            above = True
            problems.append(_("罚款金额：%(fine)s 元超过法定最高额 %(max)s 元（%(basis)s）")
                            % {"fine": _yuan(fine), "max": _yuan(legal_max), "basis": _act(item)})
        elif fine < legal_min:
            problems.append(_("罚款金额：%(fine)s 元低于法定最低额 %(min)s 元（减轻处罚须有行政处罚法第三十二条的情形并说明理由）")
                            % {"fine": _yuan(fine), "min": _yuan(legal_min)})
        elif suggestion.fine_min is not None and suggestion.fine_max is not None and not (
            suggestion.fine_min <= fine <= suggestion.fine_max
        ):
            problems.append(_("罚款金额：%(fine)s 元不在%(circumstance)s情节的建议幅度 %(low)s–%(high)s 元内，须说明理由并经法制审核") % {
                "fine": _yuan(fine), "circumstance": circumstance_label(circumstance),
                "low": _yuan(suggestion.fine_min), "high": _yuan(suggestion.fine_max),
            })
    return DecisionCheck(within_band=not problems, above_legal_max=above, problems=problems)


# ------------------------------------------------------------------------------------------- no penalty
NO_PENALTY_FIELDS = {"field", "name", "situation", "requires_first_violation", "measures", "basis"}
NO_PENALTY_OPTIONAL = {"note", "published", "name_en", "situation_en", "measures_en"}


def _no_penalty_items(on: dt.date) -> dict[str, dict[str, Any]]:
    data = loader.load(NO_PENALTY_FILE) or {}
    out = {}
    for code, table in (data.get("items") or {}).items():
        entries = [(s, e) for s, e in loader.dated_entries(table, f"{NO_PENALTY_FILE}.yaml: {code}") if s <= on]
        if not entries:
            continue
        since, entry = entries[-1]
        where = f"{NO_PENALTY_FILE}.yaml: items.{code}[{since.isoformat()}]"
        if not isinstance(entry, dict) or set(entry) - NO_PENALTY_OPTIONAL != NO_PENALTY_FIELDS or not entry["basis"]:
            raise loader.RulesError(_("%(where)s：应恰好包含 %(keys)s") % {"where": where, "keys": ", ".join(sorted(NO_PENALTY_FIELDS))})
        if not isinstance(entry["requires_first_violation"], bool):
            raise loader.RulesError(_("%(where)s：requires_first_violation 应为 true 或 false") % {"where": where})
        out[str(code)] = entry
    return out


def no_penalty(code: str, *, first_violation: bool, harm: bool, corrected: bool, on: dt.date) -> NoPenalty | None:
    """行政处罚法 art. 33(1) for a violation on the no-penalty list, or None (penalise, or decide case by case).

    ``harm``: the violation caused a (slight) harmful consequence. Listed, corrected and harmless → ``must`` not be
    penalised; listed, first violation, slight harm, corrected → ``may`` be left unpenalised. Either way the party
    is educated (art. 33(3)). A code off the list gives None: art. 33 may still apply, decided by the official.
    """
    item = _no_penalty_items(on).get(code)
    if item is None or not corrected or (item["requires_first_violation"] and not first_violation):
        return None
    if not harm:
        outcome, text = "must", _("违法行为轻微并及时改正，没有造成危害后果，不予行政处罚（行政处罚法第三十三条第一款）")
    elif first_violation:
        outcome, text = "may", _("初次违法且危害后果轻微并及时改正，可以不予行政处罚（行政处罚法第三十三条第一款）")
    else:
        return None
    return NoPenalty(
        code=code, outcome=outcome, name=str(item["name"]), situation=str(item["situation"]),
        measures=str(item["measures"]), basis=str(item["basis"]), text=text + _("；应当对当事人进行教育（第三十三条第三款）"),
        name_en=str(item.get("name_en") or ""), situation_en=str(item.get("situation_en") or ""),
        measures_en=str(item.get("measures_en") or ""),
    )


def check() -> None:
    """Read both files completely for every date they name, so a malformed entry is refused at start-up."""
    days = {d for name in (FILE, NO_PENALTY_FILE) for d in loader._dates_in(loader.load(name))}
    for day in sorted(days):
        violations(day)
        _no_penalty_items(day)


# ------------------------------------------------------------------------------------------- plain views
def suggested_fine(code: str, circumstance: str, *, illegal_income: Any = None, on: dt.date) -> list[Decimal | None]:
    """``[fine_min, fine_max]`` of :func:`suggest` (for lists and the rules' YAML cases; the income may be a number)."""
    income = None if illegal_income is None else Decimal(str(illegal_income))
    found = suggest(code, circumstance, illegal_income=income, on=on)
    return [found.fine_min, found.fine_max]


def no_penalty_outcome(code: str, *, first_violation: bool, harm: bool, corrected: bool, on: dt.date) -> str | None:
    """``"must"``, ``"may"`` or None: the outcome of :func:`no_penalty`."""
    found = no_penalty(code, first_violation=first_violation, harm=harm, corrected=corrected, on=on)
    return found.outcome if found else None
