"""The monthly indicator charts of a profile, as numbers a reader can read: each series with its unit, its
values formatted (0.22, not 0.22000000000000003; 20.0 %, not 0.2), and the same numbers as a table and a
one-sentence summary for screen readers and print (``alerts/_institution_panel.html``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

PERCENT = "percent"
UNITS = {"outpatient_antibiotic_rate": PERCENT}  # indicators stored as a share (0–1), shown as a percentage
DECIMALS = 2


def unit(indicator_id: str) -> str:
    return UNITS.get(indicator_id, "")


def shown(value: Any, indicator_unit: str) -> str:
    """One value as the page prints it."""
    if value is None:
        return "—"
    number = float(value)
    if indicator_unit == PERCENT:
        return f"{number * 100:.1f}%"
    text = f"{number:,.{DECIMALS}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _over(value: Any, target: Any) -> bool:
    return target is not None and value is not None and float(value) > float(target)


def latest(indicator_id: str, series: dict[str, Any]) -> dict[str, Any]:
    """The last month of a series: its value, period and how it stands against the target."""
    u = unit(indicator_id)
    value, target = series["values"][-1], series.get("target")
    note = _("目标 %(target)s") % {"target": shown(target, u)} if target is not None else ""
    return {"value": shown(value, u), "period": series["periods"][-1], "target_note": note, "over": _over(value, target)}


def summary(indicator_id: str, series: dict[str, Any]) -> str:
    """A sentence with the chart's figures: months, latest, highest, lowest, target and months above it."""
    u = unit(indicator_id)
    pairs = list(zip(series["periods"], series["values"], strict=True))
    if not pairs:
        return ""
    high = max(pairs, key=lambda p: p[1])
    low = min(pairs, key=lambda p: p[1])
    text = _("%(n)d个月：最新 %(latest)s（%(latest_period)s），最高 %(high)s（%(high_period)s），最低 %(low)s（%(low_period)s）") % {
        "n": len(pairs), "latest": shown(pairs[-1][1], u), "latest_period": pairs[-1][0],
        "high": shown(high[1], u), "high_period": high[0], "low": shown(low[1], u), "low_period": low[0],
    }  # fmt: skip
    target = series.get("target")
    if target is not None:
        above = sum(1 for _period, v in pairs if _over(v, target))
        text += _("；目标 %(target)s，%(above)d个月超过目标") % {"target": shown(target, u), "above": above}
    return text + _("。")


def chart_series(series: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What the panel renders per indicator: the chart's data (for the script) and its text alternative."""
    out = []
    for key, s in series.items():
        u = unit(key)
        out.append({
            "key": key, "label": s["label"], "unit": u, "target": s.get("target"),
            "target_shown": shown(s.get("target"), u) if s.get("target") is not None else "",
            "summary": summary(key, s),
            "rows": [{"period": p, "value": shown(v, u), "over": _over(v, s.get("target"))}
                     for p, v in zip(s["periods"], s["values"], strict=True)],
        })  # fmt: skip
    return out


def chart_data(series: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The JSON the script reads (``json_script``): values, periods, target, unit."""
    return {key: {**s, "unit": unit(key)} for key, s in series.items()}
