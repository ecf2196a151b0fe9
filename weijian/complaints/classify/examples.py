"""The labelled example complaints shipped with the classifier (``data/``).

``train.yaml`` teaches the model; ``heldout.yaml`` only measures it (:mod:`.evaluation`) and was written first,
in other wording (each file's header says how it was written). Both map a category code of
``responsibilities.yaml`` ``complaint_categories`` to a list of complaint texts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from weijian.rules import loader

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN = "train"
HELDOUT = "heldout"


@dataclass(frozen=True)
class Examples:
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    sha256: str  # of the file's bytes

    def only(self, categories: frozenset[str] | set[str]) -> Examples:
        """The examples whose label is one of ``categories`` (a category no longer in force is left out)."""
        kept = [(t, c) for t, c in zip(self.texts, self.labels, strict=True) if c in categories]
        return Examples(tuple(t for t, _c in kept), tuple(c for _t, c in kept), self.sha256)


def path(name: str) -> Path:
    return DATA_DIR / f"{name}.yaml"


def load(name: str) -> Examples:
    """Read ``data/<name>.yaml`` strictly: category → non-empty list of non-empty texts, no duplicate keys."""
    where = path(name)
    raw = where.read_bytes()
    return _parse(str(where), hashlib.sha256(raw).hexdigest())


@cache
def _parse(where: str, sha256: str) -> Examples:
    table = yaml.load(Path(where).read_text(encoding="utf-8"), Loader=loader._StrictLoader)
    name = Path(where).name
    if not isinstance(table, dict) or not table:
        raise loader.RulesError(f"{name}: should map category codes to lists of complaint texts")
    texts: list[str] = []
    labels: list[str] = []
    for category, items in table.items():
        if not isinstance(items, list) or not items:
            raise loader.RulesError(f"{name}: {category}: should be a non-empty list of texts")
        for number, text in enumerate(items, start=1):
            if not isinstance(text, str) or not text.strip():
                raise loader.RulesError(f"{name}: {category}[{number}]: should be a non-empty text")
            texts.append(text)
            labels.append(str(category))
    return Examples(tuple(texts), tuple(labels), sha256)
