"""``propose(text)``: the category a complaint's text most likely belongs to, with the model's confidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from weijian.complaints.classify import model, rules, text


@dataclass(frozen=True)
class Proposal:
    """``category`` is None when ``confidence`` is below ``min_confidence`` (the complaint goes to triage).

    ``ranked`` lists every category the model knows with its probability, most likely first; it is empty when
    the text holds nothing the model has seen (empty, emoji only, unknown letters), and ``confidence`` is 0.
    """

    category: str | None
    confidence: float
    ranked: list[tuple[str, float]] = field(default_factory=list)


def propose(complaint_text: str, *, on: dt.date | None = None) -> Proposal:
    """Propose a category code of ``responsibilities.yaml`` ``complaint_categories`` for ``complaint_text``.

    ``on`` (default: today in Asia/Shanghai) picks the categories in force and the ``min_confidence`` of
    ``complaint_classifier.yaml``. Never raises on odd text: empty, emoji-only or 20,000-character input gives a
    proposal (long text is cut to :data:`weijian.complaints.classify.text.MAX_CHARS` characters first).
    """
    day = on or model.today()
    threshold = rules.min_confidence(day)
    normalised = text.normalise(complaint_text if isinstance(complaint_text, str) else "")
    if not text.has_words(normalised):
        return Proposal(None, 0.0, [])
    trained = model.model(day)
    probabilities, seen = trained.probabilities([normalised])
    if not seen[0]:
        return Proposal(None, 0.0, [])
    ranked = sorted(
        ((code, float(p)) for code, p in zip(trained.categories, probabilities[0], strict=True)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    best, confidence = ranked[0]
    return Proposal(best if confidence >= threshold else None, confidence, ranked)
