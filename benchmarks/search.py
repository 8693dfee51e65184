"""Archive search on a synthetic archive: indexing throughput, query latency (SQLite FTS5 and PostgreSQL), relevance.

The archive: `--transcripts` sessions of ~`--words` words each (the issue's target: 2 000 x 10 000, about
20 million words). Each session reads the next lines of the legal corpus (/work/shared/corpora/vi_legal,
one segment per line, long lines cut at 40 words) as deputies' speeches, with a chair's interjections
taken from the evaluation transcripts (cv9_vi_dev, vi_vivos_dev01_8utt) every few segments; 0.35 s a word.
Sessions are spread over three units, three bodies and the years 2019-2026. Every corpus line lands in one
session only, so an article heading is a known passage.

- indexing: every transcript saved as a clerk's save is (`TRANSCRIPTS.save`, one transaction each: the version
  row and its passages), by `--writers` processes at once (the service's API and job workers save side by
  side; 1: one after another), in rounds: each writer makes its next transcripts, then all save them together
  and only that part is timed. The baseline is the same save without the search index, on the first
  `--baseline` transcripts, in the same run and with as many writers. "index tr/s" is the whole save with its
  index; "indexing alone" is what the index adds, as a rate: 1 / (seconds per indexed save - seconds per
  unindexed save); "tr/CPU-s" the whole saves per CPU-second of the writers; "index srv ms" (PostgreSQL) the
  server backends' CPU per save that the index adds (per indexed save - per unindexed save), read from /proc:
  the figures a shared machine does not blur.
- latency: `core.search.query.search` (match, filters, count, page of 20, snippets) for the 30 relevance
  queries, common words and filtered queries, each run `--repeat` times; p50 and p95.
- relevance: benchmarks/data/search_queries.tsv, written from the corpus before any search ran; a query
  succeeds when a gold passage (one whose text holds the answer) is in the top 5. Dev and held-out apart.

    GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/search.py [--transcripts 200] [--words 10000]
        [--engines sqlite,postgresql] [--writers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import itertools
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select, text  # noqa: E402

from core.db import get_engine, migrate, session_scope  # noqa: E402
from core.search.query import Filters, Hit, search  # noqa: E402
from core.search.text import Query  # noqa: E402
from core.tables import OrgUnit, Recording, SearchPassage  # noqa: E402
from core.transcript import ModelRef, Segment, Transcript, Word  # noqa: E402
from core.transcript_store import TRANSCRIPTS  # noqa: E402

EVALDATA = Path(os.environ.get("GOBANG_EVALDATA", REPO.parent / "shared" / "evaldata"))
CORPUS = EVALDATA.parent / "corpora" / "vi_legal" / "laws.txt.gz"
QUERIES = REPO / "benchmarks" / "data" / "search_queries.tsv"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WORD_S = 0.35
SEGMENT_WORDS = 40
TOP = 5
TARGET_P95_MS = {"sqlite": 500.0, "postgresql": 200.0}
TARGET_PER_S = 50.0
TARGET_TOP5 = 0.9
DEPUTIES = [
    "Đại biểu Nguyễn Văn An",
    "Đại biểu Trần Thị Bích",
    "Đại biểu Lê Minh Cường",
    "Đại biểu Phạm Thu Hà",
    "Đại biểu Hoàng Quốc Dũng",
    "Đại biểu Võ Thị Lan",
    "Đại biểu Đặng Hữu Phúc",
    "Đại biểu Bùi Thanh Tâm",
]
CHAIR = "Chủ tọa Ngô Thị Hồng"
BODIES = ["Hội đồng nhân dân tỉnh", "Ủy ban Pháp luật", "Ủy ban Kinh tế"]
LATENCY_EXTRA: list[tuple[str, dict[str, Any]]] = [
    ("đại biểu", {}),
    ("quyền và nghĩa vụ", {}),
    ('"nhà nước"', {}),
    ("luat", {}),
    ("tòa án nhân dân", {}),
    ("bồi thường thiệt hại", {"speaker": "tran thi bich"}),
    ("hợp đồng", {"dates": (date(2021, 1, 1), date(2022, 12, 31))}),
    ("tài sản", {"body": "Ủy ban Pháp luật"}),
    ('"Bộ luật"', {"exact": True}),
    ("trách nhiệm hình sự", {"unit": 2}),
]


@dataclass(frozen=True)
class Gold:
    part: str
    query: str
    answer: str


def interjections() -> list[str]:
    """Short spoken sentences of the evaluation sets (the chair's voice between speeches)."""
    found = []
    for name in ("cv9_vi_dev", "vi_vivos_dev01_8utt"):
        with (EVALDATA / name / "MANIFEST.tsv").open(encoding="utf-8") as f:
            found += [r["reference_text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [s for s in found if s.strip()]


def corpus_lines() -> Iterator[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line.strip()


def sessions(count: int, words: int, *, seed: int = 20, share: tuple[int, int] = (0, 1)) -> Iterator[Transcript]:
    """`count` transcripts of about `words` words each, consuming the corpus in order; `share` (k, n): only
    the k-th of every n (a writer's share), the same transcripts as in the whole series."""
    rng = random.Random(seed)
    chair = interjections()
    lines = corpus_lines()
    for number in range(count):
        speakers = rng.sample(DEPUTIES, 5)
        spoken_parts: list[tuple[list[str], str]] = []
        n, speaker = 0, speakers[0]
        while n < words:
            if len(spoken_parts) % 12 == 11:
                spoken, who = rng.choice(chair), CHAIR
            else:
                spoken = next(lines)
                if rng.random() < 0.3:
                    speaker = rng.choice(speakers)
                who = speaker
            tokens = spoken.split()
            for k in range(0, len(tokens), SEGMENT_WORDS):
                spoken_parts.append((tokens[k : k + SEGMENT_WORDS], who))
                n += len(spoken_parts[-1][0])
        if number % share[1] == share[0]:
            yield timed_transcript(spoken_parts)


def timed_transcript(parts: list[tuple[list[str], str]]) -> Transcript:
    """A segment per part (its words, its speaker), WORD_S a word, 0.6 s between segments."""
    segments: list[Segment] = []
    t = 0.0
    for part, who in parts:
        timed = [Word(text=w, start=t + i * WORD_S, end=t + (i + 1) * WORD_S) for i, w in enumerate(part)]
        segments.append(
            Segment(id=len(segments), start=t, end=timed[-1].end, text=" ".join(part), words=timed, speaker=who)
        )
        t = timed[-1].end + 0.6
    return Transcript(model=ModelRef(engine="synthetic", name="vi_legal"), duration=t, segments=segments)


def recordings(url: str, count: int) -> list[str]:
    """Recording rows (units 1-3, bodies, dates 2019-2026) for `count` sessions; their ids."""
    rng = random.Random(3)
    rows: list[dict[str, Any]] = []
    with session_scope(url) as db:
        units = [OrgUnit(name=f"Đơn vị {i}") for i in (1, 2, 3)]
        db.add_all(units)
        db.flush()
        rows += [
            {
                "id": f"{i:032x}",
                "org_unit_id": units[i % 3].id,
                "filename": f"phien-{i}.wav",
                "sha256": "0" * 64,
                "size": 1,
                "title": f"Phiên họp {i}",
                "body": BODIES[i % 3],
                "meeting_date": date(2019, 1, 1) + timedelta(days=rng.randrange(8 * 365)),
            }
            for i in range(count)
        ]
        db.execute(insert(Recording), rows)
    return [r["id"] for r in rows]


ROUND = 25
"""Transcripts each writer makes, then saves, in a round."""


ROUND_TIMEOUT_S = 600.0
"""The longest a round may take: a writer that died breaks the rounds (an error) instead of leaving them waiting."""


def save_all(url: str, ids: list[str], words: int, *, indexed: bool, writers: int) -> tuple[float, float, float]:
    """Wall seconds of the saving rounds, CPU seconds of the writers (all of SQLite's work, the Python side of
    PostgreSQL's) and of the PostgreSQL server's backends (`server_cpu`), to save a transcript in each recording
    of `ids`, each as its own transaction, as a clerk's save or a finished job does. Each writer makes its next
    `ROUND` transcripts outside the timed part (20 million words do not fit in memory at once); this process
    times each round from the moment all writers are ready until all are done."""
    context = multiprocessing.get_context("spawn")
    barrier, spent = context.Barrier(writers + 1, timeout=ROUND_TIMEOUT_S), context.Queue()
    rounds = -(-len(ids) // (ROUND * writers))
    processes = [
        context.Process(target=writer, args=(url, ids, words, indexed, (k, writers), rounds, barrier, spent))
        for k in range(writers)
    ]
    for process in processes:
        process.start()
    server_before, wall = server_cpu(url), 0.0
    for number in range(rounds):
        barrier.wait()  # every writer holds its transcripts of this round
        started = time.perf_counter()
        barrier.wait()  # every writer has saved them
        wall += time.perf_counter() - started
        saved = min(len(ids), (number + 1) * ROUND * writers)
        print(f"  {saved} saved, {saved / wall:.1f}/s", flush=True)
    server_after = server_cpu(url)  # the writers' connections are still open
    barrier.wait()
    cpu = sum(spent.get() for _ in processes)
    for process in processes:
        process.join()
    return wall, cpu, sum(t - server_before.get(pid, 0.0) for pid, t in server_after.items())


def writer(
    url: str,
    ids: list[str],
    words: int,
    indexed: bool,
    share: tuple[int, int],
    rounds: int,
    barrier: Any,
    spent: Any,
) -> None:
    """One writer process of `save_all`: its share of the recordings and of the transcripts, round by round."""
    store = TRANSCRIPTS if indexed else replace(TRANSCRIPTS, passages=None)
    mine = iter(zip(ids[share[0] :: share[1]], sessions(len(ids), words, share=share), strict=True))
    cpu = 0.0
    for _ in range(rounds):
        batch = list(itertools.islice(mine, ROUND))
        barrier.wait()
        started = time.process_time()
        for rid, document in batch:
            with session_scope(url) as db:
                store.save(db, rid, document, author="benchmark")
        cpu += time.process_time() - started
        barrier.wait()
    barrier.wait()  # until the server's CPU is read
    spent.put(cpu)


def server_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to `url`'s database (the server runs on this
    machine; the pool keeps the connections): the database's side of a save, which a shared machine's wall
    time hides. Empty for SQLite, whose work is this process's."""
    if not url.startswith("postgresql"):
        return {}
    with get_engine(url).connect() as connection:
        pids = connection.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        found = {}
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def new_database(engine: str, folder: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{folder / f'bench-{secrets.token_hex(4)}.db'}"
    import psycopg

    name = f"gobang_bench_{secrets.token_hex(5)}"
    with psycopg.connect(PG_SERVER, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    get_engine(url).dispose()
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def run_query(url: str, words: str, options: dict[str, Any], limit: int = 20) -> tuple[float, list[Hit]]:
    """(milliseconds, hits) of one search as the API runs it."""
    visible = select(Recording.id)
    if "unit" in options:
        visible = visible.where(Recording.org_unit_id == options["unit"])
    if "body" in options:
        visible = visible.where(Recording.body == options["body"])
    if "dates" in options:
        low, high = options["dates"]
        visible = visible.where(Recording.meeting_date >= low, Recording.meeting_date <= high)
    filters = Filters(recordings=visible, speaker=options.get("speaker"))
    with session_scope(url) as db:
        started = time.perf_counter()
        results = search(db, Query.parse(words, accents=bool(options.get("exact"))), filters, limit=limit, offset=0)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, results.hits


def gold_ids(url: str, answer: str) -> set[tuple[str, int]]:
    """(recording, segment) of the passages whose text holds `answer`: from the source text, not the search."""
    with session_scope(url) as db:
        rows = db.execute(
            select(SearchPassage.recording_id, SearchPassage.segment_id).where(
                SearchPassage.text.contains(answer, autoescape=True)
            )
        ).all()
    return {(r, s) for r, s in rows}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=20, help="transcripts saved without the index")
    parser.add_argument("--writers", type=int, default=2, help="processes saving at once (1: one after another)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    with QUERIES.open(encoding="utf-8") as f:
        gold = [Gold(**r) for r in csv.DictReader((x for x in f if not x.startswith("#")), delimiter="\t")]
    rows, summary = [], []
    with tempfile.TemporaryDirectory(prefix="gobang-search-bench-") as tmp:
        for engine in args.engines.split(","):
            url, base_url = new_database(engine, Path(tmp)), new_database(engine, Path(tmp))
            try:
                for u in (url, base_url):
                    migrate(u)
                k = min(args.baseline, args.transcripts)
                base_s, _, base_server = save_all(
                    base_url, recordings(base_url, k), args.words, indexed=False, writers=args.writers
                )
                print(f"[{engine}] indexing {args.transcripts} transcripts of ~{args.words} words…", flush=True)
                ids = recordings(url, args.transcripts)
                index_s, index_cpu, index_server = save_all(url, ids, args.words, indexed=True, writers=args.writers)
                with session_scope(url) as db:
                    passages = db.scalar(select(func.count()).select_from(SearchPassage)) or 0
                    total_words = sum(len(t.split()) for t in db.scalars(select(SearchPassage.text)))
                    if engine == "postgresql":
                        db.execute(text("ANALYZE"))  # what autovacuum does after a bulk load
                per_s, per_cpu_s = args.transcripts / index_s, args.transcripts / index_cpu
                base_per_s = k / base_s
                server = f"{1000 * (index_server / args.transcripts - base_server / k):.1f}"  # what the index adds
                server = server if engine == "postgresql" else "-"  # SQLite's work is this process's
                alone_per_s = 1 / max(1e-9, 1 / per_s - 1 / base_per_s)
                latencies: list[float] = []
                top5: dict[str, list[bool]] = {"dev": [], "heldout": []}
                misses: list[str] = []
                for case in gold:
                    answers = gold_ids(url, case.answer)
                    if not answers:  # a small archive stops before the corpus line: reported, not counted
                        print(f"[{engine}] not in this archive: {case.answer!r}", flush=True)
                        continue
                    hits: list[Hit] = []
                    for _ in range(args.repeat):
                        ms, hits = run_query(url, case.query, {})
                        latencies.append(ms)
                    found = any((h.recording_id, h.segment_id) in answers for h in hits[:TOP])
                    top5[case.part].append(found)
                    misses += [] if found else [f"{case.part}: {case.query}"]
                for words, options in LATENCY_EXTRA:
                    latencies += [run_query(url, words, options)[0] for _ in range(args.repeat)]
                p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
                dev, held = (sum(top5[p]) / max(1, len(top5[p])) for p in ("dev", "heldout"))
                rows.append(
                    (
                        engine,
                        passages,
                        per_s,
                        alone_per_s,
                        per_cpu_s,
                        server,
                        base_per_s,
                        p50,
                        p95,
                        max(latencies),
                        dev,
                        held,
                    )
                )
                summary.append(
                    f"{engine}: {per_s:.1f} transcripts/s saved with their index, indexing alone {alone_per_s:.1f}/s "
                    f"({per_s / base_per_s:.2f}x unindexed; "
                    f"{per_cpu_s:.1f} per CPU-second of the writers, index {server} ms of server CPU each), "
                    f"p95 {p95:.0f} ms (target {TARGET_P95_MS[engine]:.0f}), "
                    f"top-{TOP} dev {dev:.0%} of {len(top5['dev'])}, held-out {held:.0%} of {len(top5['heldout'])}"
                )
                print(f"[{engine}] top-{TOP} misses: {misses}", flush=True)
                print(f"[{engine}] {summary[-1]}", flush=True)
            finally:
                drop_database(url)
                drop_database(base_url)
    print()
    print(
        f"Archive: {args.transcripts} transcripts, {total_words:,} words, saved by {args.writers} writer(s); "
        f"latency over {len(latencies)} searches"
    )
    header = (
        "engine",
        "passages",
        "index tr/s",
        "indexing alone",
        "tr/CPU-s",
        "index srv ms",
        "unindexed tr/s",
        "p50 ms",
        "p95 ms",
        "max ms",
        "top5 dev",
        "top5 held",
    )
    print(" | ".join(f"{h:>14}" for h in header))
    for engine, passages, per_s, alone_per_s, per_cpu_s, server, base_per_s, p50, p95, worst, dev, held in rows:
        cells = [engine, f"{passages:,}", f"{per_s:.1f}", f"{alone_per_s:.1f}", f"{per_cpu_s:.1f}", server]
        cells += [f"{base_per_s:.1f}"]
        cells += [f"{p50:.1f}"]
        cells += [f"{p95:.1f}", f"{worst:.1f}", f"{dev:.0%}", f"{held:.0%}"]
        print(" | ".join(f"{c:>14}" for c in cells))
    print(
        f"search on {args.transcripts} transcripts ({total_words / 1e6:.1f} M words): "
        + "; ".join(summary)
        + f"; targets ≥ {TARGET_PER_S:.0f} transcripts/s, top-{TOP} ≥ {TARGET_TOP5:.0%}"
    )


if __name__ == "__main__":
    main()
