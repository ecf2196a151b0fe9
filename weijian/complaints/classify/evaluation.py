"""How the classifier does on the held-out examples (``data/heldout.yaml``, never used in training).

On examples written by hand this is a smoke test of the pipeline, not a measure of how it does on real
complaints: real complaints differ from anything written for a test, and only a sample of routed complaints
checked by officials can measure that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from weijian.complaints.classify import examples, model, rules, text
from weijian.core import responsibility


@dataclass(frozen=True)
class CategoryScore:
    precision: float
    recall: float
    support: int  # held-out examples of the category


@dataclass(frozen=True)
class Evaluation:
    """Top-choice accuracy, per-category scores and the confusion matrix (rows: true, columns: proposed)."""

    total: int
    accuracy: float  # first choice right, whatever its confidence
    per_category: dict[str, CategoryScore]
    labels: tuple[str, ...]  # row and column order of ``confusion``
    confusion: tuple[tuple[int, ...], ...]
    min_confidence: float
    routed: int  # proposals at or above min_confidence (the others go to triage)
    routed_accuracy: float  # share of those whose category is right (1.0 when none is routed)
    train_sha256: str
    heldout_sha256: str


def evaluate(*, on: dt.date | None = None) -> Evaluation:
    """Run the model trained for ``on`` (today by default) over the held-out examples of categories in force."""
    day = on or model.today()
    trained = model.model(day)
    held = examples.load(examples.HELDOUT).only(set(trained.categories))
    probabilities, _seen = trained.probabilities([text.normalise(t) for t in held.texts])
    order = [code for code in responsibility.complaint_categories(day) if code in trained.categories]
    labels = tuple(order + sorted(set(trained.categories) - set(order)))  # the responsibility list's order
    column = {code: i for i, code in enumerate(trained.categories)}  # the classifier's order
    index = {code: i for i, code in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    threshold = rules.min_confidence(day)
    routed = routed_right = right = 0
    for truth, row in zip(held.labels, probabilities, strict=True):
        proposed = trained.categories[int(row.argmax())]
        matrix[index[truth]][index[proposed]] += 1
        right += proposed == truth
        if row[column[proposed]] >= threshold:
            routed += 1
            routed_right += proposed == truth
    per_category = {}
    for i, code in enumerate(labels):
        proposed = sum(matrix[r][i] for r in range(len(labels)))
        support = sum(matrix[i])
        per_category[code] = CategoryScore(
            precision=matrix[i][i] / proposed if proposed else 0.0,
            recall=matrix[i][i] / support if support else 0.0,
            support=support,
        )
    total = len(held.texts)
    return Evaluation(
        total=total, accuracy=right / total if total else 0.0, per_category=per_category, labels=labels,
        confusion=tuple(tuple(r) for r in matrix), min_confidence=threshold, routed=routed,
        routed_accuracy=routed_right / routed if routed else 1.0, train_sha256=trained.train_sha256,
        heldout_sha256=held.sha256,
    )  # fmt: skip
