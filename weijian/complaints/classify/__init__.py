"""The complaint text classifier (投诉举报文本分类): proposes a complaint category when the filer gave none.

Django-free. ``propose(text)`` → :class:`Proposal` (category code of ``responsibilities.yaml``
``complaint_categories`` or None below ``min_confidence`` of ``complaint_classifier.yaml``, the confidence, and
the ranked categories); ``evaluate()`` measures it on the held-out examples. Modules: :mod:`.text`
(normalisation, jieba tokens), :mod:`.examples` (the shipped labelled data), :mod:`.model` (training, cached in
the process), :mod:`.proposal`, :mod:`.evaluation`, :mod:`.rules`; ``python -m weijian.complaints.classify eval``.
"""

from __future__ import annotations

from weijian.complaints.classify.evaluation import Evaluation, evaluate
from weijian.complaints.classify.proposal import Proposal, propose

__all__ = ["Evaluation", "Proposal", "evaluate", "propose"]
