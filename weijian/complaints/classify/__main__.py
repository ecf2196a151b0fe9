"""``python -m weijian.complaints.classify eval`` — accuracy and confusion matrix on the held-out examples;
``python -m weijian.complaints.classify propose TEXT`` — what the classifier proposes for one text."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence

from weijian.complaints.classify import evaluate, model, propose
from weijian.complaints.classify.evaluation import Evaluation
from weijian.core import responsibility
from weijian.i18n import gettext as _


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _pad(value: str, width: int) -> str:
    return value + " " * max(0, width - _width(value))


def report(result: Evaluation, names: dict[str, str]) -> str:
    """The evaluation as text: the caveat first, then accuracy, per-category scores and the confusion matrix."""
    lines = [
        _("留出测试集为人工编写的样例：以下结果只是冒烟测试，不代表对真实投诉的分类效果。"),
        _("留出样例 %(total)d 条；首选类别准确率 %(accuracy).1f%%") % {
            "total": result.total, "accuracy": 100 * result.accuracy,
        },
        _("置信度 ≥ %(threshold).2f 直接分派 %(routed)d 条，其中正确 %(right).1f%%；其余转人工分拣") % {
            "threshold": result.min_confidence, "routed": result.routed, "right": 100 * result.routed_accuracy,
        },
        "",
    ]  # fmt: skip
    label_width = max(_width(f"{i + 1:>2} {names.get(c, c)}") for i, c in enumerate(result.labels)) + 2
    lines.append(_pad(_("投诉类别"), label_width) + _("精确率  召回率  样例数"))
    for i, code in enumerate(result.labels):
        score = result.per_category[code]
        lines.append(
            _pad(f"{i + 1:>2} {names.get(code, code)}", label_width)
            + f"{score.precision:>6.2f}  {score.recall:>6.2f}  {score.support:>6d}"
        )
    lines += ["", _("混淆矩阵（行：实际类别，列：建议类别，列号同上）")]
    header = _pad("", label_width) + "".join(f"{i + 1:>3}" for i in range(len(result.labels)))
    lines.append(header)
    for i, code in enumerate(result.labels):
        cells = "".join(f"{n:>3}" if n else "  ." for n in result.confusion[i])
        lines.append(_pad(f"{i + 1:>2} {names.get(code, code)}", label_width) + cells)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m weijian.complaints.classify")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("eval", help="accuracy and confusion matrix on the held-out examples")
    one = commands.add_parser("propose", help="the category proposed for one text")
    one.add_argument("text")
    args = parser.parse_args(argv)
    if args.command == "eval":
        result = evaluate()
        names = {code: c.name for code, c in responsibility.complaint_categories(model.today()).items()}
        print(report(result, names))
        return 0
    proposal = propose(args.text)
    print(f"category={proposal.category} confidence={proposal.confidence:.3f}")
    for code, probability in proposal.ranked[:5]:
        print(f"  {code:<20} {probability:.3f}")
    return 0


def eval_main(argv: Sequence[str]) -> int:
    """``weijian complaints classifier-eval`` (an entry of ``weijian.cli.DJANGO_FREE``): the ``eval`` command."""
    return main(["eval", *argv])


if __name__ == "__main__":
    sys.exit(main())
