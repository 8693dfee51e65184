"""What the punctuation model's proper-name case errors are, on the legal corpus's DEVELOPMENT documents only.

`benchmarks/text_format.py` scores capitalisation F1 on proper names (words the gold capitalises that do not
start a sentence); this says which errors a better model could still fix. Each wrong word (a missed capital
or a false one) is put in one class, by its own words and the corpus counts the model ships with
(`asr.word_statistics`, from the training documents only):
- "article/clause + number": "điều", "khoản", "điểm", "mục", "chương" before a number or a point letter,
  whose case documents write their own way ("khoản 2 Điều 5" and "Khoản 2 Điều 5");
- "against the training documents": the gold writes the pair (the word and the next) against what the
  training documents write at least `CLEAR` of the time ("Hội đồng quản trị" where they write "hội đồng
  quản trị"), a document's own convention or a typo ("đủ Điều kiện");
- "both ways in training": the training documents write the pair both ways (between 1 - `CLEAR` and `CLEAR`);
- "model against the training documents": they write it clearly one way, as the gold does, and the model
  did not;
- "rare pair": the pair is seen too rarely mid-sentence (fewer than `MIN_PAIR` times).
Held-out documents are never read: their errors must not steer the model.

    nice .venv/bin/python benchmarks/name_errors.py --lines 1500 --line-every 10 --examples 5
    nice .venv/bin/python benchmarks/name_errors.py --lines 3000 --line-every 20 --line-offset 5  # a fresh sample
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from asr.punctuation import Punctuator, apply, examples_from_written, statistics_path
from asr.word_statistics import WordStatistics
from asr.written import shipped_punctuation_model
from benchmarks.text_format import DEFAULT_CORPUS, corpus_lines

CLEAR = 0.8
"""A share of the training documents' mid-sentence occurrences that makes a convention."""
MIN_PAIR = 5
_REFERENCES = frozenset({"điều", "khoản", "điểm", "mục", "chương"})
_REFERENCE_NUMBER = re.compile(r"\d|[a-zđ]$")
_SENTENCE_MARKS = (".", "?", ":")


def error_class(words: Sequence[str], i: int, gold_capital: bool, statistics: WordStatistics) -> str:
    """The class of a case error on `words[i]` (lower case), by the word, the next one and the training counts."""
    following = words[i + 1] if i + 1 < len(words) else ""
    if words[i] in _REFERENCES and _REFERENCE_NUMBER.match(following):
        return "article/clause + number"
    pair = statistics.pairs.get(f"{words[i]} {following}")
    if pair is None or pair[0] < MIN_PAIR:
        return "rare pair"
    share = pair[1] / pair[0]
    if 1 - CLEAR < share < CLEAR:
        return "both ways in training"
    if (share >= CLEAR) != gold_capital:
        return "against the training documents"
    return "model against the training documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--lines", type=int, default=1500, help="development lines")
    parser.add_argument("--line-every", type=int, default=10, help="take every N-th development line")
    parser.add_argument(
        "--line-offset", type=int, default=0, help="start at this line of each N (another offset: a fresh sample)"
    )
    parser.add_argument("--examples", type=int, default=3, help="examples printed per class")
    args = parser.parse_args()

    model = shipped_punctuation_model()
    punctuator = Punctuator(model)
    statistics = WordStatistics.load(statistics_path(model))
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for line in corpus_lines(args.corpus, "dev", args.lines, args.line_every, offset=args.line_offset):
        example = examples_from_written(line.text, read_numbers=False)
        if example is None:
            continue
        predicted = punctuator.labels(example.words)
        starts = True
        for i, (gold, guess) in enumerate(zip(example.labels, predicted, strict=True)):
            gold_capital = gold[0] != "l"
            if not starts and gold_capital != (guess[0] != "l"):
                kind = error_class(example.words, i, gold_capital, statistics)
                counts[(kind, "missed" if gold_capital else "false")] += 1
                if len(examples[kind]) < args.examples:
                    window = slice(max(0, i - 4), i + 5)
                    examples[kind].append(" ".join(apply(example.words[window], example.labels[window])))
            starts = gold[1:] in _SENTENCE_MARKS
    kinds = sorted({kind for kind, _ in counts}, key=lambda k: -counts[(k, "missed")] - counts[(k, "false")])
    rows = [[k, counts[(k, "missed")], counts[(k, "false")], " | ".join(examples[k])] for k in kinds]
    print(tabulate(rows, headers=["class", "missed capitals", "false capitals", "examples (gold)"]))
    print(f"SUMMARY {sum(counts.values())} name errors on development lines")


if __name__ == "__main__":
    main()
