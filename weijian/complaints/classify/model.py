"""The model: TF-IDF over jieba words and character n-grams, then a multinomial logistic regression.

Trained at first use from ``data/train.yaml`` (deterministically: fixed ``random_state``, fixed example order)
and kept in the process, keyed by the examples' SHA-256 and the categories in force; a change to either
trains anew. Nothing is ever downloaded.

Training takes more than a second on a 2-core server (about 1.4 s of CPU, measured when this was written), so
the fitted model is also kept on disk, ``$WEIJIAN_DATA/classifier/complaints-<key>.pickle``, where the key is
the SHA-256 of the training examples, of ``complaint_classifier.yaml``, of the categories in force, of the
code that reads text and builds the model (``text.py``, this module) and of the scikit-learn version: each web worker and command then loads it instead of training.
Any change of those trains anew under a new key; an unreadable file is trained over. The folder is the
platform's own data folder (never shared with users), which is what makes reading a pickle from it safe.

The confidence of a proposal is the model's probability of its first choice; the categories are those of
``responsibilities.yaml`` ``complaint_categories`` in force on the day asked (a category no longer in force
is never proposed; one without examples cannot be).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from weijian.complaints.classify import examples, rules, text
from weijian.core import responsibility
from weijian.rules import loader

OFFICE_TZ = ZoneInfo("Asia/Shanghai")
RANDOM_STATE = 0
# Chosen by 5-fold cross-validation on train.yaml only (never the held-out set): C in 1, 3, 10, 30, 100 and
# character n-grams of 1–2, 1–3, 2–4 gave 77–82 % accuracy; 1–2 with C = 30 was among the best and, with
# min_confidence 0.35, routed 70 % of the folds' examples at 93 % right.
# The newton-cg solver reaches the same optimum as the default lbfgs here in a third of the time.
C = 30.0  # inverse regularisation strength
CHAR_NGRAMS = (1, 2)


@dataclass(frozen=True)
class Trained:
    """A fitted model with what it was fitted from."""

    features: FeatureUnion
    classifier: LogisticRegression
    categories: tuple[str, ...]  # the classifier's classes, in its order
    train_sha256: str

    def probabilities(self, normalised: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities per text (rows) and whether each text had any known feature at all."""
        matrix = self.features.transform(list(normalised))
        seen = np.asarray(matrix.getnnz(axis=1) > 0)
        return self.classifier.predict_proba(matrix), seen


def build() -> tuple[FeatureUnion, LogisticRegression]:
    """The unfitted feature extractor and classifier (one place for their settings)."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=text.word_tokens, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, preprocessor=text.char_text,
                                  sublinear_tf=True)),
    ])  # fmt: skip
    classifier = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, random_state=RANDOM_STATE)
    return features, classifier


def train(data: examples.Examples) -> Trained:
    """Fit a fresh model on ``data`` (deterministic: the same data gives the same model)."""
    if len(set(data.labels)) < 2:
        raise ValueError("the classifier needs examples of at least two categories")
    features, classifier = build()
    matrix = features.fit_transform([text.normalise(t) for t in data.texts])
    classifier.fit(matrix, list(data.labels))
    return Trained(features, classifier, tuple(str(c) for c in classifier.classes_), data.sha256)


def today() -> dt.date:
    return dt.datetime.now(OFFICE_TZ).date()


def categories_in_force(on: dt.date) -> frozenset[str]:
    return frozenset(responsibility.complaint_categories(on))


def model(on: dt.date | None = None) -> Trained:
    """The model for the categories in force on ``on`` (today by default), trained once per process."""
    data = examples.load(examples.TRAIN)
    return _model(data.sha256, categories_in_force(on or today()))


@cache
def _model(_sha256: str, categories: frozenset[str]) -> Trained:
    data = examples.load(examples.TRAIN)
    where = cache_path(data.sha256, categories)
    found = _read(where)
    if found is not None and found.train_sha256 == data.sha256:
        return found
    trained = train(data.only(categories))
    _write(where, trained)
    return trained


def data_dir() -> Path:
    """The platform's data folder, as the settings read it (``WEIJIAN_DATA``, default ``./var``)."""
    return Path(os.environ.get("WEIJIAN_DATA") or Path.cwd() / "var").resolve()


def cache_key(train_sha256: str, categories: frozenset[str]) -> str:
    parts = [
        train_sha256, loader.file_hash(rules.FILE), ",".join(sorted(categories)), sklearn.__version__,
        *(hashlib.sha256(Path(code).read_bytes()).hexdigest() for code in (text.__file__, __file__)),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_path(train_sha256: str, categories: frozenset[str]) -> Path:
    return data_dir() / "classifier" / f"complaints-{cache_key(train_sha256, categories)}.pickle"


def _read(where: Path) -> Trained | None:
    try:
        with where.open("rb") as fh:
            found = pickle.load(fh)
    except Exception:  # missing, cut short, written by another library version: train (over it)
        return None
    return found if isinstance(found, Trained) else None


def _write(where: Path, trained: Trained) -> None:
    """Write atomically (a temporary file, then a rename); a folder that cannot be written is not an error."""
    try:
        where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where.parent, prefix=".complaints-", delete=False) as fh:
            pickle.dump(trained, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, where)
    except OSError:
        return


def clear_cache() -> None:
    _model.cache_clear()
