"""The Vietnamese legal corpus (`shared/corpora/vi_legal/laws.txt.gz`) cut into documents and fixed splits.

The file has no document ids, so documents are found by a fixed rule: a document starts at each line
"Điều 1." (the first article of a law, decree or codified đề mục; the lines before the first such line
form document 0). Document k belongs to the split given by the first byte of sha256("vi_legal-doc-<k>"):
0-25 (10%) HELD-OUT, 26-51 (10%) development, the rest training. Nothing is trained or tuned on held-out
documents; thresholds and rules are tuned on development ones only.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.text import nfc

Split = Literal["train", "dev", "heldout"]

_DOCUMENT_START = re.compile(r"^Điều 1\.")
_ENUMERATOR = re.compile(r"^[“\"]?(?:(?:\(?\d+[.)-]|\(?[a-zđ]\d*\)|[-–+•])\s+|\d+\.(?=[^\W\d_]))")
"""A list marker at the start of a line ("1.", "2-", "a)", "b4)", "(2)", "-", "4.Ký", after an opening quote
when an amendment quotes a clause): layout, not speech."""


@dataclass(frozen=True)
class Line:
    document: int
    split: Split
    text: str
    """The line without its leading list marker, NFC."""


def split_of(document: int) -> Split:
    """The fixed split of document `document` (see the module docstring)."""
    first = hashlib.sha256(f"vi_legal-doc-{document}".encode()).digest()[0]
    if first < 26:
        return "heldout"
    return "dev" if first < 52 else "train"


def lines(path: Path, split: Split | None = None, *, min_words: int = 3) -> Iterator[Line]:
    """The corpus's lines of at least `min_words` words, in order, from one split or all."""
    document = 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for raw in f:
            text = nfc(raw.strip())
            if _DOCUMENT_START.match(text):
                document += 1
            line_split = split_of(document)
            if split is not None and line_split != split:
                continue
            text = _ENUMERATOR.sub("", text)
            if len(text.split()) >= min_words:
                yield Line(document, line_split, text)
