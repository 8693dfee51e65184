"""The indexed forms of a passage are made with whole-string operations; they must give exactly the syllables
that the query parser and the snippets see, or a word would be found by one and missed by the other."""

from __future__ import annotations

import gzip
import itertools
import os
from pathlib import Path

import pytest

from core.search.text import exact, fold, indexed_forms, tokens
from core.text import strip_diacritics

CORPUS = Path(os.environ.get("GOBANG_EVALDATA", "../shared/evaldata")).parent / "corpora" / "vi_legal" / "laws.txt.gz"


def test_fold_is_diacritics_stripped_and_case_folded_for_every_latin_letter() -> None:
    latin = itertools.chain(range(0x20, 0x250), range(0x1E00, 0x1F00))  # Vietnamese's precomposed letters: 1Exx
    letters = [chr(c) for c in latin if chr(c).isalnum()]
    assert [fold(c) for c in letters] == [strip_diacritics(c).casefold() for c in letters]
    assert fold("ĐỒNG Ý") == "dong y" and fold("Nghị quyết") == "nghi quyet"


def test_indexed_forms_are_the_passages_syllables_one_by_one() -> None:
    if not CORPUS.is_file():
        pytest.fail(f"the legal corpus is missing: {CORPUS}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        lines = [line.strip() for line in itertools.islice(f, 0, 40_000, 40)]
    lines += ["Đại biểu Lò Văn Puôn (Điện Biên): 1.234,5 tỷ đồng — 12,5%, Nghị quyết số 1343/NQ-UBTVQH15."]
    for line in lines:
        syllables = [t.group() for t in tokens(line)]
        assert indexed_forms(line) == (" ".join(exact(s) for s in syllables), " ".join(fold(s) for s in syllables))
