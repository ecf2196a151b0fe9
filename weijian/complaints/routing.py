"""Where a complaint goes: the department by its category, the district by where it happened.

- Category → department: the responsibility list (``responsibilities.yaml``: each complaint category is handled
  by exactly one duty, whose department it is), through :func:`weijian.core.responsibility.category_department`,
  as of the day the complaint is received.
- District: the subject's district when the subject is an institution of the registry (it is supervised there),
  else the district of the region the filer chose (a street lies in its district).
- No category, or ``other``: the text classifier (:func:`weijian.complaints.classify.propose`) proposes one; a
  proposal below its ``min_confidence`` (or no classifier at all) sends the complaint to the triage queue of the
  city office — never to a default department.

The decision, with the proposal and its confidence, is what :class:`Route` returns and the complaint keeps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from weijian.complaints.models import OTHER_CATEGORY
from weijian.core import responsibility
from weijian.core.models import Region
from weijian.rules import loader


@dataclass(frozen=True)
class Route:
    department: str | None  # None: the triage queue
    district: str  # region code of the district
    category: str  # the category routed by ("" when none)
    by: str  # "category" | "classifier" | "triage"
    confidence: float | None = None
    ranked: list[tuple[str, float]] = field(default_factory=list)
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"department": self.department, "district": self.district, "category": self.category, "by": self.by,
                "confidence": self.confidence, "ranked": [[c, round(p, 4)] for c, p in self.ranked[:3]],
                "reason": self.reason,
                "rules": {"file": f"{responsibility.RESPONSIBILITY_FILE}.yaml",
                          "sha256": loader.file_hash(responsibility.RESPONSIBILITY_FILE)}}  # fmt: skip


def district_of(region: Region) -> Region:
    """The district a region (district, street or grid) lies in."""
    current = region
    while current.level in (Region.Level.STREET, Region.Level.GRID) and current.parent_id:
        current = current.parent  # type: ignore[assignment]
    return current


def _propose(text: str) -> Any:
    """The classifier's proposal, or None when the classifier is not installed (then: triage)."""
    try:
        from weijian.complaints.classify import propose
    except ImportError:
        return None
    return propose(text)


def _min_confidence() -> float | None:
    """The classifier's own threshold (``complaint_classifier.yaml``); None when its rules file is absent."""
    try:
        return float(loader.value("complaint_classifier", "min_confidence", dt.date.today()))
    except (loader.RulesError, TypeError, ValueError):
        return None


def route(*, category: str, region: Region, institution: Any, text: str, on: dt.date) -> Route:
    """Route one complaint received on ``on``."""
    district = (institution.district if institution is not None else district_of(region)).code
    categories = responsibility.complaint_categories(on)
    if category and category != OTHER_CATEGORY:
        if category not in categories:
            return Route(None, district, category, "triage", reason=_("投诉类别 %(code)s 不在责任清单中") % {"code": category})
        return Route(categories[category].department, district, category, "category")
    proposal = _propose(text)
    if proposal is None:
        return Route(None, district, "", "triage", reason=_("未选择投诉类别，且未安装文本分类"))
    ranked = [(str(c), float(p)) for c, p in (proposal.ranked or [])]
    confidence = float(proposal.confidence)
    threshold = _min_confidence()
    proposed = proposal.category
    if proposed is None or proposed not in categories:
        return Route(None, district, "", "triage", confidence, ranked, _("文本分类未给出可用的类别"))
    if threshold is not None and confidence < threshold:
        reason = _("文本分类建议“%(name)s”，置信度 %(p).2f 低于 %(min).2f，转分流") % {
            "name": categories[proposed].name, "p": confidence, "min": threshold}  # fmt: skip
        return Route(None, district, proposed, "triage", confidence, ranked, reason)
    return Route(categories[proposed].department, district, proposed, "classifier", confidence, ranked)
