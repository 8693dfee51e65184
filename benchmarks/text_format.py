"""The text stage (ITN, punctuation, case) measured on the legal corpus and on real speech.

Corpus part, on the development and HELD-OUT documents of `shared/corpora/vi_legal/laws.txt.gz`
(`asr.legal_corpus`: whole documents, split by a hash of the document number; the CRF is trained on the
training documents only). The spoken input is made from the written line by `asr.verbalise` (lower case,
no punctuation, numbers read out); the gold is the line as written, with only the spacing speech cannot
carry made one way (`gold_text`: "61 %" -> "61%", "50ml" -> "50 ml"; `--gold-as-written` keeps it as is).
- ITN exact match: each written number expression (a token with a digit, edge punctuation removed) counts
  when ITN of the spoken line gives it back verbatim; reported per category (dates, document numbers, counts,
  ...), and also ("said") without the numbers restated in brackets ("ba (03) năm"), which speech says once,
  and ("either form") counting as right any form the same document itself writes for the same expression,
  said the same way after the same word ("Phụ lục 01" and "Phụ lục 1", "ngày 01" and "ngày 1" in one
  document: `document_forms`), since no ITN can give both.
  Precision: the share of numbers ITN writes that the gold line has (numbers the gold writes in words and ITN
  in digits count against it).
- Punctuation F1 per mark, and capitalisation F1 on proper names (words capitalised by the gold that do not
  start a sentence), with the CRF given the gold's words without punctuation and case (perfect ITN).

Question part: the legal corpus has almost no questions, so the question mark is scored on written
Vietnamese that has them, each unit as written: the segments of the written (cased, punctuated) meetings of
`tests/data/minutes` (their MANIFEST's dev/held-out split) and the cv9_vi_dev reference sentences that end
with a mark (the others are not punctuated at all; held-out = fold 0, as below). The punctuation model
gets each unit's words without punctuation and case, and a "?" counts where the gold has one after the
same word; statements count the "?" put after them. These units hold only seven questions, so the question
mark is also scored on `benchmarks/data/questions_vi.tsv`: 521 utterances of Vietnamese meetings (National
Assembly interpellation and answers, People's Council question time, ministry and department meetings,
commune and village meetings in Northern, Central and Southern wording), 43% of them questions, with the
hard statements beside them (answers "Dạ, chưa ạ.", "… thì không.", "không có gì", indirect questions "làm rõ
vì sao …", "Xin Bộ trưởng cho biết …" and "không biết bao giờ …", "bất cứ … gì"). Each was written with the
mark a clerk would publish, before any run of the system; an indirect question (after "cho biết", "làm rõ",
"xem", "không biết", "hỏi") ends with a full stop, a direct one after a colon with "?". The part column is
`unit_sets.part_of_line` (a hash of the line: 70% development), fixed before scoring. A third part, "unseen",
is `benchmarks/data/questions_vi_unseen.tsv`: 416 utterances written by another author blind to the question
rules (40% with a question), a probe that is only reported, never used to choose anything. Each line goes
through `TextFormatter.format` on its spoken form, as the pipeline's text does.

Speech part, on `cv9_vi_dev` (held-out = fold 0 of `dialect_adapt.folds`' five speaker-disjoint folds,
development = the rest): vietasr transcribes each clip once; "before" is today's readable text
(`asr.readable.restore`), "after" the text stage. Normalised WER (`core.text.normalize_for_scoring`) and
case-and-punctuation-sensitive WER (NFC, case kept, each mark , . ? : ; ! its own token) per region; the
text stage's time as a % of transcription time (model loading excluded). "punct only" is the text stage
without ITN: the punctuation model's own share, since the references write numbers in words; "raw" is the
engine's spoken form as it comes (lower case, no marks). cpWER' scores marks only against the references that
are punctuated (end with a mark; `marks_where_punctuated`), case against all: nineteen references in twenty
end without a mark, so plain cpWER counts every full stop put as an error.

    nice .venv/bin/python benchmarks/text_format.py --lines 1500 --every 2
    nice .venv/bin/python benchmarks/text_format.py --splits dev --line-every 1 --lines 100000 --every 0 \
        --holding "thousands grouped,document number/code"     # every development line with a rare kind
    nice .venv/bin/python benchmarks/text_format.py --splits dev --line-every 20 --line-offset 5 --lines 3000 \
        --every 0 --misses misses.tsv     # a fresh development sample, its misses listed (never held-out's)
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

import jiwer
from tabulate import tabulate

from asr.factory import create_engine
from asr.legal_corpus import Line, Split, lines
from asr.punctuation import MARKS, examples_from_written, mostly_capitals
from asr.readable import restore
from asr.transcriber import Transcriber
from asr.verbalise import spoken
from asr.written import TextFormatter
from benchmarks import meeting_set
from core.manifest import ManifestRow, read_manifest
from core.settings import get_settings
from core.text import nfc, normalize_for_scoring
from core.transcript import Segment
from dialect_adapt.folds import assign_folds, region_of

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpora" / "vi_legal" / "laws.txt.gz"
DEFAULT_MANIFEST = SHARED / "evaldata" / "cv9_vi_dev" / "MANIFEST.tsv"
_EDGE_PUNCT = re.compile(r"^[^\w%²]+|[^\w%²]+$")
_MARK_TOKEN = re.compile(r"([,.?:;!])")


def number_expressions(text: str) -> list[str]:
    tokens = (_EDGE_PUNCT.sub("", t) for t in text.split())
    return [t for t in tokens if any(c.isdigit() for c in t)]


_UNIT = re.compile(r"\d[\d.,]*(?:km|m|cm|mm|kg|g|ha|l|ml)[23²³]?(?:/\w+)?|(?:km|m|cm|mm)[23²³]", re.IGNORECASE)
_LABELS = frozenset({"điều", "khoản", "mục", "chương", "phần", "lục", "nhóm", "bậc", "loại", "hạng", "đoạn", "độ"})
_CATEGORY_TESTS: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    ("date d/m/yyyy", lambda e, _: bool(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", e))),
    ("unit", lambda e, _: bool(_UNIT.fullmatch(e))),
    ("document number/code", lambda e, _: "/" in e or bool(re.search(r"[^\W\d_]", e))),
    ("percent", lambda e, _: e.endswith("%")),
    ("decimal", lambda e, _: bool(re.fullmatch(r"\d+,\d+", e))),
    ("thousands grouped", lambda e, _: bool(re.fullmatch(r"\d{1,3}(?:\.\d{3})+", e))),
    ("range", lambda e, _: bool(re.fullmatch(r"\d+[-–]\d+", e))),
    ("date day/month", lambda e, p: p in ("ngày", "tháng", "mồng", "mùng") and e.isdigit()),
    ("year", lambda e, p: bool(re.fullmatch(r"(?:19|20)\d\d", e))),
    ("article/clause/label", lambda e, p: p in _LABELS),
    ("zero-padded count", lambda e, _: bool(re.fullmatch(r"0\d+", e))),
    ("one digit", lambda e, _: bool(re.fullmatch(r"\d", e))),
    ("cardinal", lambda e, _: e.isdigit()),
)
UNRECOVERABLE = "restated in brackets"
"""A number written twice, in words and again in brackets ("ba (03) năm", "03 (ba) ngày", "kilômét vuông
(km2)"): the verbaliser reads both ("ba ba năm"), which no speaker says, so neither copy can come back as
written; scored, and reported apart."""
_BRACKETED = re.compile(r"\(\S+\)[.,;:]*")


def expression_categories(text: str) -> list[tuple[str, str]]:
    """Each written number expression with its category (by its form and the word before it)."""
    return [(expression, kind) for expression, kind, _ in _expressions(text)]


def _expressions(text: str) -> list[tuple[str, str, str]]:
    """Each written number expression with its category and the word before it (lower case)."""
    out = []
    tokens = text.split()
    previous = ""
    for i, token in enumerate(tokens):
        expression = _EDGE_PUNCT.sub("", token)
        if any(c.isdigit() for c in expression):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if _BRACKETED.fullmatch(token) or _BRACKETED.fullmatch(following):
                kind = UNRECOVERABLE
            else:
                kind = next((name for name, test in _CATEGORY_TESTS if test(expression, previous)), "other")
            out.append((expression, kind, previous))
        previous = expression.lower()
    return out


_SPACED_PERCENT = re.compile(r"(?<=\d) %")
_GLUED_UNIT = re.compile(
    r"(?<![\w.,])(\d+(?:,\d+)?)(km|cm|mm|mg|kg|ha|ml|m|g|l|kVA|kV|kWh|kW|MW|Mbps)([23²³]?)(?![\w/])"
)


def gold_text(line: str) -> str:
    """The corpus line with the spacing speech cannot carry made one way: "61 %" as "61%", a unit glued to
    its number ("50ml", "13mm", "110kV") apart from it ("50 ml", "110 kV"), as the training documents mostly
    write both (kV 360 to 134, MW 66 to 18, Mbps 33 to 13).

    A fixed rewrite of the gold before it is read out and scored, never looking at ITN's output; without it
    (`--gold-as-written`) "61 %" and "50ml" can never be matched, whatever ITN writes.
    """
    return _GLUED_UNIT.sub(r"\1 \2\3", _SPACED_PERCENT.sub("%", line))


def corpus_lines(
    corpus: Path,
    split: Split,
    limit: int,
    every: int,
    *,
    offset: int = 0,
    as_written: bool = False,
    holding: frozenset[str] = frozenset(),
) -> list[Line]:
    """Every `every`-th line of `split` from its `offset`-th, up to `limit`, its text the gold; with `holding`,
    only lines that hold a number expression of one of those categories (rare ones: more evidence from the same
    documents). Another `offset` draws a fresh sample: lines no rule was looked at on."""
    out = []
    for i, line in enumerate(lines(corpus, split)):
        if i % every != offset % every or mostly_capitals(line.text):
            continue
        text = line.text if as_written else gold_text(line.text)
        if holding and not holding & {kind for _, kind in expression_categories(text)}:
            continue
        out.append(replace(line, text=text))
        if len(out) >= limit:
            break
    return out


DocumentForms = Mapping[tuple[int, str, str], frozenset[str]]


def document_forms(corpus: Path, split: Split, *, as_written: bool = False) -> DocumentForms:
    """For each document of `split`, word before and spoken form, the number expressions the document writes
    for it (lower case), from all of its lines (the same ones `corpus_lines` draws from): fixed by the source,
    never by ITN's output."""
    forms: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    for line in lines(corpus, split):
        if mostly_capitals(line.text):
            continue
        for expression, _, previous in _expressions(line.text if as_written else gold_text(line.text)):
            forms[(line.document, previous, spoken(expression))].add(expression.lower())
    return {key: frozenset(written) for key, written in forms.items() if len(written) > 1}


Miss = tuple[str, str, str, str]
"""A number expression ITN missed: its category, the expression, the gold line and ITN's output."""


def itn_scores(
    formatter: TextFormatter,
    texts: Sequence[Line],
    forms: DocumentForms | None = None,
    misses: list[Miss] | None = None,
) -> tuple[dict[str, float], dict[str, Counter[str]]]:
    """Exact match of the written number expressions (recall), how many numbers ITN wrote that the gold does
    not have (precision), and both per category; with `forms`, also the match where either form a document
    writes for the same expression counts ("either"); each miss is added to `misses` when given."""
    assert formatter.itn is not None
    per_category: dict[str, Counter[str]] = defaultdict(Counter)
    spurious = either = 0
    began = time.perf_counter()
    for line in texts:
        wanted = _expressions(line.text)
        if not wanted:
            continue
        written = formatter.itn(spoken(line.text))
        got = Counter(e.lower() for e in number_expressions(written))
        missed = []
        for expression, kind, previous in wanted:
            ok = got[expression.lower()] > 0
            if ok:
                got[expression.lower()] -= 1
            else:
                missed.append((expression, previous))
                if misses is not None:
                    misses.append((kind, expression, line.text, written))
            per_category[kind]["hit"] += ok
            per_category[kind]["total"] += 1
        left = got.copy()
        for expression, previous in missed:
            other = next(
                (f for f in (forms or {}).get((line.document, previous, spoken(expression)), ()) if left[f] > 0), None
            )
            if other is not None:
                left[other] -= 1
                either += 1
        spurious += sum(got.values())
    hits = sum(c["hit"] for c in per_category.values())
    total = sum(c["total"] for c in per_category.values())
    said = {k: c for k, c in per_category.items() if k != UNRECOVERABLE}
    return {
        "itn_all": hits / max(total, 1),
        "itn_said": sum(c["hit"] for c in said.values()) / max(sum(c["total"] for c in said.values()), 1),
        "itn_either": (hits + either) / max(total, 1),
        "itn_precision": hits / max(hits + spurious, 1),
        "expressions": total,
        "itn_ms_per_line": 1000 * (time.perf_counter() - began) / max(len(texts), 1),
    }, per_category


def category_table(per_split: dict[str, dict[str, Counter[str]]]) -> str:
    """ITN exact match per category, one column per split."""
    names = sorted(
        {k for c in per_split.values() for k in c}, key=lambda k: -sum(c[k]["total"] for c in per_split.values())
    )
    rows = [
        [
            name,
            *(
                f"{c[name]['hit']}/{c[name]['total']} ({100 * c[name]['hit'] / max(c[name]['total'], 1):.0f}%)"
                for c in per_split.values()
            ),
        ]
        for name in names
    ]
    return tabulate(rows, headers=["ITN category", *per_split])


def punctuation_scores(formatter: TextFormatter, texts: Sequence[str]) -> dict[str, float]:
    assert formatter.punctuator is not None
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        example = examples_from_written(text, read_numbers=False)
        if example is None:
            continue
        predicted = formatter.punctuator.labels(example.words)
        sentence_start = True
        for gold, guess in zip(example.labels, predicted, strict=True):
            for mark in MARKS:
                g, p = gold.endswith(mark), guess.endswith(mark)
                counts[mark]["tp"] += g and p
                counts[mark]["fp"] += p and not g
                counts[mark]["fn"] += g and not p
            if not sentence_start:
                g, p = gold[0] in "cu", guess[0] in "cu"
                counts["names"]["tp"] += g and p
                counts["names"]["fp"] += p and not g
                counts["names"]["fn"] += g and not p
            sentence_start = gold[1:] in (".", "?", ":")
    return {f"f1 {name}": _f1(c) for name, c in counts.items()} | {
        f"n {name}": c["tp"] + c["fn"] for name, c in counts.items()
    }


def question_units(manifest: Path) -> dict[str, list[str]]:
    """Written units that hold questions, per split: written meetings' segments and cv9 reference sentences."""
    units: dict[str, list[str]] = {"dev": [], "heldout": []}
    for entry in meeting_set.manifest():
        if entry.style == "written":
            transcript, _, _ = meeting_set.load(entry.name)
            units[entry.part].extend(s.text for s in transcript.segments)
    rows = read_manifest(manifest)
    folds = assign_folds(rows)
    for row in rows:
        if row.reference_text.rstrip().endswith(_SENTENCE_END):
            units["heldout" if folds[row.speaker] == 0 else "dev"].append(row.reference_text)
    return units


_SENTENCE_END = (".", "?", "!", "…")
"""cv9 references that end without a mark are not punctuated at all ("Chị ơi Chị bị cảm à", "Anh cảm thấy
thế nào"): no gold for a question mark, left out."""


def question_scores(formatter: TextFormatter, texts: Sequence[str]) -> dict[str, float]:
    """Question-mark F1 with its counts (gold questions, "?" put, right)."""
    assert formatter.punctuator is not None
    c: Counter[str] = Counter()
    for text in texts:
        example = examples_from_written(text, read_numbers=False)
        if example is None:
            continue
        for gold, guess in zip(example.labels, formatter.punctuator.labels(example.words), strict=True):
            g, p = gold.endswith("?"), guess.endswith("?")
            c["tp"] += g and p
            c["fp"] += p and not g
            c["fn"] += g and not p
    return _question_figures(c)


MEETING_QUESTIONS = REPO / "benchmarks" / "data" / "questions_vi.tsv"
UNSEEN_QUESTIONS = REPO / "benchmarks" / "data" / "questions_vi_unseen.tsv"


def meeting_questions(paths: Sequence[Path] = (MEETING_QUESTIONS, UNSEEN_QUESTIONS)) -> dict[str, list[str]]:
    """The written meeting utterances of `paths` per part, as each file's part column has them: "dev" and
    "heldout" of the rules' own set, "unseen" of the set another author wrote blind to them (a probe, not for
    choosing)."""
    units: dict[str, list[str]] = {"dev": [], "heldout": [], "unseen": []}
    for path in paths:
        with path.open(encoding="utf-8") as f:
            next(f)  # header: part, kind, text
            for row in f:
                part, _, text = row.rstrip("\n").split("\t")
                units[part].append(nfc(text))
    return units


def spoken_question_scores(formatter: TextFormatter, texts: Sequence[str]) -> dict[str, float]:
    """Question-mark F1 with its counts through `TextFormatter.format`, the pipeline's path, on each line's spoken
    form (`asr.verbalise.spoken`: lower case, no marks, numbers read out).

    Gold and output are both read out again, and a "?" counts where it follows the same spoken word; where ITN
    wrote a number differently from the gold, the words are aligned (difflib) and a mark inside a differing span
    goes to that span's last word."""
    c: Counter[str] = Counter()
    for text in texts:
        gold = examples_from_written(text, read_numbers=True)
        guess = examples_from_written(formatter.format(spoken(text)), read_numbers=True)
        if gold is None or guess is None:
            continue
        wanted = {i for i, label in enumerate(gold.labels) if label.endswith("?")}
        put = set()
        matcher = difflib.SequenceMatcher(a=gold.words, b=guess.words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            for j in range(j1, j2):
                if guess.labels[j].endswith("?"):
                    put.add(i1 + j - j1 if tag == "equal" else max(i2 - 1, i1 - 1, 0))
        c["tp"] += len(wanted & put)
        c["fp"] += len(put - wanted)
        c["fn"] += len(wanted - put)
    return _question_figures(c)


def _question_figures(c: Counter[str]) -> dict[str, float]:
    """F1 of "?" with its counts: gold questions, "?" put, right."""
    return {"f1 ?": _f1(c), "gold ?": c["tp"] + c["fn"], "put ?": c["tp"] + c["fp"], "right ?": c["tp"]}


def _f1(c: Counter[str]) -> float:
    return 2 * c["tp"] / max(2 * c["tp"] + c["fp"] + c["fn"], 1)


def sensitive_tokens(text: str) -> str:
    """Case kept, each punctuation mark its own token: "Hà Nội." -> "Hà Nội ."."""
    return " ".join(_MARK_TOKEN.sub(r" \1 ", nfc(text)).split())


def marks_where_punctuated(reference: str, hypothesis: str) -> tuple[str, str]:
    """Both as `sensitive_tokens`, but without any mark when the reference is not punctuated.

    Nineteen cv9 references in twenty end without a mark ("Chị ơi Chị bị cảm à"): they are not punctuated at
    all (as in `question_units`), and scoring every full stop against them says nothing of the marks put; their
    case still counts. Fixed by the reference alone.
    """
    ref, hyp = sensitive_tokens(reference), sensitive_tokens(hypothesis)
    if reference.rstrip().endswith(_SENTENCE_END):
        return ref, hyp
    return _without_marks(ref), _without_marks(hyp)


def _without_marks(tokens: str) -> str:
    return " ".join(t for t in tokens.split() if not _MARK_TOKEN.fullmatch(t))


def speech_part(formatter: TextFormatter, manifest: Path, every: int, cache: Path | None) -> list[list[object]]:
    rows = read_manifest(manifest)
    folds = assign_folds(rows)
    rows = rows[::every]
    punctuation_only = TextFormatter(None, formatter.punctuator, formatter.glossary)
    """The punctuation model's own share of the change: the references write numbers in words."""
    recognised = _recognise(rows, cache)
    refs: dict[tuple[str, str], list[str]] = defaultdict(list)
    hyps: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    asr_s = sum(wall for _, wall in recognised.values())
    text_s = 0.0
    for row in rows:
        segments, _ = recognised[row.audio_path.name]
        raw = " ".join(s.text for s in segments)
        before = " ".join(s.text for s in restore(segments))
        began = time.perf_counter()
        after = " ".join(s.text for s in formatter.format_segments(segments))
        text_s += time.perf_counter() - began
        punctuated = " ".join(s.text for s in punctuation_only.format_segments(segments))
        part = "heldout" if folds[row.speaker] == 0 else "dev"
        for key in ((part, region_of(row)), (part, "all")):
            refs[key].append(row.reference_text)
            hyps[(*key, "raw")].append(raw)
            hyps[(*key, "before")].append(before)
            hyps[(*key, "after")].append(after)
            hyps[(*key, "punctuation only")].append(punctuated)
    table: list[list[object]] = []
    for key in sorted(refs):
        row_out: list[object] = [*key, len(refs[key])]
        for stage in ("before", "after"):
            hyp = hyps[(*key, stage)]
            row_out.append(
                100 * _wer([normalize_for_scoring(t) for t in refs[key]], [normalize_for_scoring(t) for t in hyp])
            )
            row_out.append(100 * _wer([sensitive_tokens(t) for t in refs[key]], [sensitive_tokens(t) for t in hyp]))
        for stage in ("punctuation only", "raw"):
            hyp = hyps[(*key, stage)]
            row_out.append(100 * _wer([sensitive_tokens(t) for t in refs[key]], [sensitive_tokens(t) for t in hyp]))
        for stage in ("raw", "after"):
            pairs = [marks_where_punctuated(r, h) for r, h in zip(refs[key], hyps[(*key, stage)], strict=True)]
            row_out.append(100 * _wer([r for r, _ in pairs], [h for _, h in pairs]))
        table.append(row_out)
    table.append(["cost", f"text {text_s:.2f} s", f"asr {asr_s:.1f} s", f"{100 * text_s / asr_s:.2f}%"])
    return table


def _recognise(rows: Sequence[ManifestRow], cache: Path | None) -> dict[str, tuple[list[Segment], float]]:
    """Each clip's spoken-form segments and recognition time; read from `cache` when it holds them."""
    if cache is not None and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if all(row.audio_path.name in stored for row in rows):
            return {k: ([Segment.model_validate(s) for s in v["segments"]], v["wall_s"]) for k, v in stored.items()}
    transcriber = Transcriber(create_engine("vietasr"), restore_text=False)
    transcriber.transcribe(rows[0].audio_path)  # load and warm the model before timing
    out: dict[str, tuple[list[Segment], float]] = {}
    for n, row in enumerate(rows, 1):
        began = time.perf_counter()
        segments = transcriber.transcribe(row.audio_path).segments
        out[row.audio_path.name] = (segments, time.perf_counter() - began)
        print(f"\r{n}/{len(rows)} clips", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if cache is not None:
        dump = {k: {"segments": [s.model_dump(mode="json") for s in v[0]], "wall_s": v[1]} for k, v in out.items()}
        cache.write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
    return out


def _wer(refs: list[str], hyps: list[str]) -> float:
    return float(jiwer.wer(refs, hyps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--lines", type=int, default=1500, help="corpus lines per split")
    parser.add_argument("--line-every", type=int, default=10, help="take every N-th line of a split")
    parser.add_argument(
        "--line-offset", type=int, default=0, help="start at this line of each N (another offset: a fresh sample)"
    )
    parser.add_argument("--every", type=int, default=2, help="take every N-th clip of the manifest (0: no speech)")
    parser.add_argument("--cache", type=Path, help="JSON file keeping the recognised segments between runs")
    parser.add_argument(
        "--gold-as-written", action="store_true", help="score against the lines' own spacing (see `gold_text`)"
    )
    parser.add_argument(
        "--splits", default="dev,heldout", help="corpus splits to score (dev alone while choosing conventions)"
    )
    parser.add_argument(
        "--misses", type=Path, help="write the ITN misses of the non-held-out splits here (TSV), to study them"
    )
    parser.add_argument(
        "--holding", default="", help="only lines holding these ITN categories, comma-separated (e.g. 'range')"
    )
    args = parser.parse_args()
    splits = [cast(Split, s) for s in args.splits.split(",")]
    holding = frozenset(filter(None, args.holding.split(",")))

    formatter = TextFormatter.load(get_settings().model_cache)
    corpus_table = []
    summary = []
    categories: dict[str, dict[str, Counter[str]]] = {}
    for split in splits:
        texts = corpus_lines(
            args.corpus,
            split,
            args.lines,
            args.line_every,
            offset=args.line_offset,
            as_written=args.gold_as_written,
            holding=holding,
        )
        forms = document_forms(args.corpus, split, as_written=args.gold_as_written)
        misses: list[Miss] | None = [] if args.misses and split != "heldout" else None  # held-out: totals only
        itn, categories[split] = itn_scores(formatter, texts, forms, misses)
        if misses:
            with args.misses.open("a", encoding="utf-8") as f:
                f.writelines("\t".join((split, *miss)) + "\n" for miss in misses)
        scores = itn | punctuation_scores(formatter, [line.text for line in texts])
        corpus_table.append([split, len(texts), *(scores.get(k, 0.0) for k in _CORPUS_COLUMNS)])
        summary.append(
            f"{split}: ITN {100 * scores['itn_all']:.1f}% ({100 * scores['itn_said']:.1f}% said, "
            f"{100 * scores['itn_either']:.1f}% either form, "
            f"precision {100 * scores['itn_precision']:.1f}%), "
            f"F1 , {scores['f1 ,']:.2f} . {scores['f1 .']:.2f} ? {scores.get('f1 ?', 0.0):.2f} "
            f"names {scores['f1 names']:.2f}"
        )
    print(tabulate(corpus_table, headers=["split", "lines", *_CORPUS_COLUMNS], floatfmt=".3f"))
    print()
    print(category_table(categories))
    questions = question_units(args.manifest)
    for split in (s for s in splits if s in questions):  # the training documents have no question units
        q = question_scores(formatter, questions[split])
        summary.append(
            f"{split} questions: F1 ? {q['f1 ?']:.2f} ({q['right ?']} right of {q['gold ?']} gold, "
            f"{q['put ?']} put, {len(questions[split])} units)"
        )
    meetings = meeting_questions()
    for part in [*(s for s in splits if s in meetings), "unseen"]:  # the unseen probe whatever the splits
        q = spoken_question_scores(formatter, meetings[part])
        summary.append(
            f"{part} meeting questions: F1 ? {q['f1 ?']:.3f} ({q['right ?']} right of {q['gold ?']} gold, "
            f"{q['put ?']} put, {len(meetings[part])} utterances)"
        )
    if args.every:
        table = speech_part(formatter, args.manifest, args.every, args.cache)
        print()
        print(
            tabulate(
                table,
                headers=[
                    "part",
                    "region",
                    "clips",
                    "WER before",
                    "cpWER before",
                    "WER after",
                    "cpWER after",
                    "cpWER punct only",
                    "cpWER raw",
                    "cpWER' raw",
                    "cpWER' after",
                ],
                floatfmt=".1f",
            )
        )
        cost = table[-1][3]
        held = next(r for r in table if r[0] == "heldout" and r[1] == "all")
        dev = next(r for r in table if r[0] == "dev" and r[1] == "all")
        summary.append(
            f"cv9 dev WER {dev[3]:.1f}->{dev[5]:.1f} cpWER {dev[4]:.1f}->{dev[6]:.1f} (punct only {dev[7]:.1f}, "
            f"raw {dev[8]:.1f}; marks where punctuated: raw {dev[9]:.1f} -> {dev[10]:.1f}); "
            f"held-out WER {held[3]:.1f}->{held[5]:.1f} cpWER {held[4]:.1f}->{held[6]:.1f} (punct only {held[7]:.1f}, "
            f"raw {held[8]:.1f}; marks where punctuated: raw {held[9]:.1f} -> {held[10]:.1f}); "
            f"text cost {cost}"
        )
    print("SUMMARY " + " | ".join(summary))


_CORPUS_COLUMNS = (
    "itn_all",
    "itn_said",
    "itn_either",
    "itn_precision",
    "expressions",
    "itn_ms_per_line",
    "f1 ,",
    "f1 .",
    "f1 ?",
    "f1 :",
    "f1 names",
    "n ?",
    "n names",
)

if __name__ == "__main__":
    main()
