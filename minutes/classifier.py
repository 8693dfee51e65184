"""Which sentences of a meeting are votes, tasks, conclusions or procedure: a small learned classifier, not cue lists.

Cue phrases written for a few meetings miss the wordings of others ("phiếu thuận", a task without
"giao", a conclusion without "kết luận"). This classifier is trained on the labelled sentences of the
development meetings and of the development passages of the task, vote and conclusion unit sets, written blind
in wordings no rule was tuned on (`minutes/data/labelled_sentences.json`, written by
`benchmarks/minutes_sentences.py` from the gold of the development parts only; a unit set's row teaches only its
own class): TF-IDF over character n-grams of the folded text (so ASR-like lower-case text and written text look
alike) with numbers as one token, and word bigrams, plus word bigrams of the lower-case text with its tones (tones
tell apart words folding alike: "bán"/"bàn", "bản"/"bạn"; on unseen kinds every class gained, conclusions most),
whether the chair speaks, the sentences the same speaker says just before and after (`features`); one logistic
regression per class, so a sentence may be a conclusion and a task at once. It is small (under eight thousand
sentences), deterministic (liblinear's dual, seeded) and trained at first use: ~37 s of CPU on the 7 750 rows
(22 s of it the readers' tokens), against ~50 s with the primal solver.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from core.text import nfc
from minutes.cues import find_deadline, find_vote, fold, folded_digits, is_conclusion
from minutes.sentences import is_lead_in
from minutes.slots import gives_floor, read_tasks

LABELS = ("vote", "task", "conclusion", "procedural")
"""What a sentence may be; "procedural": running the meeting (giving the floor, asking for a report or a vote now,
a break, opening and closing), which is never a task; none of them: debate."""
THRESHOLDS = {"vote": 0.45, "task": 0.45, "conclusion": 0.45, "procedural": 0.45}
"""Each class's threshold, chosen by grouped cross-validation inside the training sentences (ten folds, each
holding out whole kinds of meeting; sentence-level F1 per class, ARCHITECTURE): with the single 0.3 every class
took too many sentences of an unseen kind; conclusions went from 0.35 to 0.45 once the next sentence was read."""
TRAINING = Path(__file__).parent / "data" / "labelled_sentences.json"
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_TONED = "\x1f"
"""Between a row's folded features and its own words with their tones (`features`): each view reads its part."""
_TASK_CUE = "ztaskcuez"
"""The feature token of a sentence in which the chair's task reader finds an order (`features`, `classify`)."""


@functools.lru_cache(maxsize=16384)
def features(text: str, *, chair: bool, previous: str = "", people: tuple[str, ...] = (), following: str = "") -> str:
    """Folded text, numbers as "0", with tokens saying whether the chair speaks and which hand-written readers
    find something (`cues.is_conclusion`, `cues.find_vote`, `slots.read_tasks` knowing who is present,
    `slots.gives_floor`, `cues.find_deadline`, a person present named), where the sentence stands in its speaker's
    turn, and the words and readers' tokens of the sentence the same speaker says next (`following`: a call is
    followed by its counts, an order by its other parts, a lead-in by what it announces): the classifier learns how
    far to trust each. Cached: cross-validation reads each sentence many times."""
    cue_tokens = ["zchairz" if chair else "zmemberz", *_cue_tokens(text, chair=chair, previous=previous, people=people)]
    cue_tokens += ["zfirstz" if not previous else "", "zlastz" if not following else ""]
    if following:  # what the next sentence's readers find, as its own tokens ("zn…z")
        cue_tokens += [f"zn{t[1:]}" for t in _cue_tokens(following, chair=chair, previous=text, people=people)]
    context = " ".join(f"p{w}" for w in fold(previous).split()[-4:])  # after "tôi kết luận như sau" …
    context += "".join(f" n{w}" for w in fold(following).split()[:4])  # … before "đồng ý 45 phiếu"
    toned = _NUMBER.sub("0", nfc(text).lower())
    return f"{' '.join(t for t in cue_tokens if t)} {context} {_NUMBER.sub('0', folded_digits(text))}{_TONED}{toned}"


def _folded_part(row: str) -> str:
    return row.split(_TONED)[0]


def _toned_part(row: str) -> str:
    return row.split(_TONED)[1]


@functools.lru_cache(maxsize=16384)
def _cue_tokens(text: str, *, chair: bool, previous: str, people: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens of what the hand-written readers find in `text` ("" where one finds nothing). Cached: a sentence
    is read once as itself and once as the next of the one before."""
    folded = fold(text).split()
    vote = find_vote(text, chair=chair)
    return (
        "zconcluecuez" if is_conclusion(text, chair=chair) else "",
        _TASK_CUE if chair and read_tasks(text, people=people) else "",
        "zfloorcuez" if gives_floor(text) else "",
        "zvotecuez" if vote is not None else "",
        "zcountcuez" if vote is not None and vote.has_counts else "",
        "zleadinz" if is_lead_in(text) else "",
        "zafterleadinz" if previous and is_lead_in(previous) else "",
        "zdeadlinez" if find_deadline(text) is not None else "",
        "zpersonz" if any(name.split() and fold(name).split()[-1] in folded for name in people) else "",
    )


@dataclass
class SentenceClassifier:
    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(THRESHOLDS))
    """Per class, the probability above which a sentence is of it: a class's probabilities on meetings of a kind
    never seen are calibrated differently from another's (`THRESHOLDS`; `benchmarks/minutes_sentences.py --cv`
    compares one shared threshold)."""
    c: float = 16.0
    """Inverse regularisation of each logistic regression."""
    cue_weight: float = 2.0
    """Weight of the structural tokens (who speaks, what the readers find, lead-ins) against the words: the higher,
    the less a class hangs on the wordings of the meetings it was trained on."""

    def __post_init__(self) -> None:
        self._vectorizer = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, preprocessor=_folded_part
                    ),
                ),
                (
                    "words",
                    TfidfVectorizer(
                        ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+", preprocessor=_folded_part
                    ),
                ),
                (
                    "toned",
                    TfidfVectorizer(
                        ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+", preprocessor=_toned_part
                    ),
                ),
                ("cues", CountVectorizer(token_pattern=r"\bz[a-z]+z\b", binary=True, preprocessor=_folded_part)),
            ],
            transformer_weights={"chars": 1.0, "words": 1.0, "toned": 1.0, "cues": self.cue_weight},
        )
        self._models: dict[str, LogisticRegression] = {}

    def fit(
        self,
        texts: Sequence[str],
        chairs: Sequence[bool],
        labels: Sequence[Sequence[str]],
        previous: Sequence[str] | None = None,
        people: Sequence[Sequence[str]] | None = None,
        known: Sequence[Collection[str]] | None = None,
        weights: Sequence[float] | None = None,
        following: Sequence[str] | None = None,
    ) -> SentenceClassifier:
        """`previous`: the sentence said before each (by the same speaker, else ""); `people`: the full names of those
        present at each one's meeting (`participants.mentions`); `known`: the classes each sentence's gold decides
        (default all: a passage of a unit set only says whether it is, say, a task), each class trained on the
        sentences that know it; `weights`: each sentence's weight (default 1); `following`: the sentence the same
        speaker says next, else ""."""
        matrix = self._vectorizer.fit_transform(_rows(texts, chairs, previous, people, following))
        weight = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=float)
        for label in LABELS:
            used = np.array([known is None or label in known[i] for i in range(len(texts))])
            target = np.array([label in ls for ls in labels])[used]
            model = LogisticRegression(
                C=self.c, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000, random_state=0
            )  # the dual: the same optimum, three times faster on more words than sentences; seeded shuffle
            self._models[label] = model.fit(matrix[used], target, sample_weight=weight[used])
        return self

    def fit_rows(self, rows: Sequence[Mapping[str, Any]]) -> SentenceClassifier:
        """`fit` on training rows as `benchmarks/minutes_sentences.py` writes them (a unit set's rows say `known`
        and `weight`; a meeting's know every class and weigh 1)."""
        return self.fit(
            [r["text"] for r in rows],
            [r["chair"] for r in rows],
            [r["labels"] for r in rows],
            [r["previous"] for r in rows],
            [r["people"] for r in rows],
            [r.get("known", LABELS) for r in rows],
            [r.get("weight", 1.0) for r in rows],
            [r.get("next", "") for r in rows],
        )

    def probabilities(
        self,
        texts: Sequence[str],
        chairs: Sequence[bool],
        previous: Sequence[str] | None = None,
        people: Sequence[Sequence[str]] | None = None,
        following: Sequence[str] | None = None,
    ) -> list[dict[str, float]]:
        """Per sentence, the probability of each class."""
        return self._probabilities(_rows(texts, chairs, previous, people, following))

    def _probabilities(self, rows: Sequence[str]) -> list[dict[str, float]]:
        if not rows:
            return []
        matrix = self._vectorizer.transform(rows)
        columns = {label: model.predict_proba(matrix)[:, 1] for label, model in self._models.items()}
        return [{label: float(columns[label][i]) for label in LABELS} for i in range(len(rows))]

    def classify(
        self,
        texts: Sequence[str],
        chairs: Sequence[bool],
        previous: Sequence[str] | None = None,
        people: Sequence[Sequence[str]] | None = None,
        following: Sequence[str] | None = None,
    ) -> list[frozenset[str]]:
        """Per sentence, the classes it belongs to (empty: debate). Running the meeting excludes giving a task or
        concluding ("Mời anh Sơn nói thêm về đề án" is neither): of the two, the likelier stays, but an order the
        chair's task reader finds stays a task (that reader already turns away the floor and presenting now:
        "Phân công: chị Hạnh chuẩn bị …, anh Thủy lo …" is no procedure)."""
        rows = _rows(texts, chairs, previous, people, following)
        found = []
        for features_of, row in zip(rows, self._probabilities(rows), strict=True):
            labels = {label for label, p in row.items() if p >= self.thresholds[label]}
            for content in ("task", "conclusion"):
                if {content, "procedural"} <= labels:
                    ordered = content == "task" and _TASK_CUE in features_of.split()
                    labels.discard(content if row["procedural"] >= row[content] and not ordered else "procedural")
            found.append(frozenset(labels))
        return found


def _rows(
    texts: Sequence[str],
    chairs: Sequence[bool],
    previous: Sequence[str] | None,
    people: Sequence[Sequence[str]] | None,
    following: Sequence[str] | None = None,
) -> list[str]:
    before = previous if previous is not None else [""] * len(texts)
    present = people if people is not None else [()] * len(texts)
    after = following if following is not None else [""] * len(texts)
    return [
        features(t, chair=c, previous=p, people=tuple(n), following=f)
        for t, c, p, n, f in zip(texts, chairs, before, present, after, strict=True)
    ]


@functools.cache
def default_classifier() -> SentenceClassifier:
    """The classifier trained on the training rows: the development meetings' sentences and the unit sets'
    development passages (once per process)."""
    return SentenceClassifier().fit_rows(json.loads(TRAINING.read_text(encoding="utf-8")))
