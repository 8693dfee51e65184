"""The two search engines behind one interface: SQLite FTS5 (embedded default) and PostgreSQL full text.

Both index a passage's folded syllables only (`core.search.text.indexed_forms`), made once in Python
(`core.search.index.passage_rows`), so the two engines agree with each other and with the query parser. SQLite
keeps them in the FTS5 table `search_fts`, a row per passage; PostgreSQL in the `tsv_folded` column of
`search_passages`, written with the row. Exact mode (diacritics compared) matches the folded phrases through
that index and keeps the passages whose exact syllables, `search_passages.syllables`, hold each phrase: one
index to write per passage instead of two, the costliest part of a save.
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Select, and_, bindparam, column, delete, func, literal, literal_column, select
from sqlalchemy import table as table_clause
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from core.search.text import MAX_SYLLABLE_BYTES, Query
from core.tables import SearchPassage

FTS = table_clause("search_fts", column("rowid"), column("folded"))
"""SQLite's FTS5 table (made by the migration): `rowid` is the passage id."""


class PassageRow(NamedTuple):
    """A row of `search_passages` but its `id`, in the table's column order, then the passage's folded syllables,
    which only the engine's index holds (`core.search.text.indexed_forms`): a tuple, so that it goes to the
    driver (SQLite's executemany, PostgreSQL's COPY) as it is, with no statement compiled per row."""

    recording_id: str
    source: str
    version: int
    segment_id: int
    start: float
    end: float
    speaker: str
    speaker_key: str
    text: str
    word_times: str
    syllables: str
    folded: str


_COLUMNS = 'recording_id, source, version, segment_id, start, "end", speaker, speaker_key, text, word_times, syllables'


class SearchEngine(Protocol):
    def insert(self, session: Session, rows: list[PassageRow]) -> None:
        """Write and index the passages: the whole, new content of one recording's source, whose old passages
        `remove` and a delete have just taken away."""

    def remove(self, session: Session, ids: list[int]) -> None:
        """Forget passages about to be deleted."""

    def clear(self, session: Session) -> None:
        """Forget every passage."""

    def matches(self, query: Query) -> Select[Any]:
        """`id` (the passage) and `score` (lower first) of the passages that match; filters go on `SearchPassage`."""


class SqliteFts5:
    def insert(self, session: Session, rows: list[PassageRow]) -> None:
        """The passages take the ids after the highest: the rowids SQLite would give them, known before the insert,
        so the FTS rows are written from the same tuples, without reading the passages back. No other writer can
        take them: this transaction has written (the saved version) and SQLite lets one writer at a time; one
        that had committed after this transaction's read would make its first write fail, never share an id."""
        first = (session.scalar(select(func.max(SearchPassage.id))) or 0) + 1
        connection = session.connection()
        connection.exec_driver_sql(
            f"INSERT INTO search_passages (id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *row[:-1]) for i, row in enumerate(rows)],
        )
        connection.exec_driver_sql(
            "INSERT INTO search_fts (rowid, folded) VALUES (?, ?)",
            [(first + i, row.folded) for i, row in enumerate(rows)],
        )

    def remove(self, session: Session, ids: list[int]) -> None:
        session.execute(delete(FTS).where(FTS.c.rowid.in_(ids)))

    def clear(self, session: Session) -> None:
        session.execute(delete(FTS))

    def matches(self, query: Query) -> Select[Any]:
        """bm25 on the folded syllables: phrases quoted, all required."""
        expression = " AND ".join(_quoted(p) for p in query.folded_phrases)
        return (
            select(FTS.c.rowid.label("id"), func.bm25(literal_column("search_fts")).label("score"))
            .select_from(FTS)  # FTS5 walks its own rowids in either order
            .join(SearchPassage, SearchPassage.id == FTS.c.rowid)
            .where(literal_column("search_fts").op("MATCH")(bindparam("fts_query", expression)), *_exact(query))
        )


_PG_COPY = f"COPY search_passages ({_COLUMNS}, tsv_folded) FROM STDIN"
_MAX_POSITION = 16383
"""PostgreSQL's highest word position in a tsvector: later words share it, as with `to_tsvector`."""
_POSITIONS = [f":{i}" for i in range(1, _MAX_POSITION + 1)]


class PostgresFullText:
    """`tsv_folded` is a GIN-indexed tsvector column of `search_passages` (migrations 0011, 0015)."""

    def insert(self, session: Session, rows: list[PassageRow]) -> None:
        """COPY, with each tsvector written out by `_tsvector`: the server parses rows and vectors without
        planning or running a statement per row, and without its text-search parser (measured on transcripts of
        10 000 words: 10 ms a save against 21 for an executemany of `to_tsvector`)."""
        driver = session.connection().connection.driver_connection  # psycopg's, in the session's transaction
        assert driver is not None, "a connection in use has its driver's"
        with driver.cursor() as cursor, cursor.copy(_PG_COPY) as copy:
            for row in rows:
                copy.write_row((*row[:-1], _tsvector(row.folded)))

    def remove(self, session: Session, ids: list[int]) -> None:
        return None  # the tsvectors go with their rows

    def clear(self, session: Session) -> None:
        return None

    def matches(self, query: Query) -> Select[Any]:
        """ts_rank_cd (cover density: adjacent syllables rank higher) on the folded tsvector, divided by the
        passage's length (normalisation 2, as bm25 favours the short passage that is about the words; chosen on
        the benchmark's development queries). The query is a tsquery literal, as the vectors are: its words are
        the index's syllables, not what PostgreSQL's text-search parser would make of them."""
        vector: ColumnElement[Any] = literal_column("search_passages.tsv_folded")
        expression = " & ".join(f"({' <-> '.join(map(_quoted_lexeme, p))})" for p in query.folded_phrases)
        tsquery = bindparam("ts_query", expression, type_=TSQUERY)
        return select(SearchPassage.id.label("id"), (-func.ts_rank_cd(vector, tsquery, 2)).label("score")).where(
            vector.op("@@")(tsquery), *_exact(query)
        )


def _tsvector(folded: str) -> str:
    """A passage's folded syllables as a tsvector literal, `'syllable:position …'` (positions from 1, as
    `to_tsvector` numbers words): syllables are letters and digits only, so nothing needs quoting."""
    syllables = folded.split(" ") if folded else []
    positions = chain(_POSITIONS, repeat(_POSITIONS[-1]))
    if len(folded) > MAX_SYLLABLE_BYTES // 4 and max(map(len, syllables)) > MAX_SYLLABLE_BYTES // 4:  # count bytes
        kept = (s + p for s, p in zip(syllables, positions, strict=False) if len(s.encode()) <= MAX_SYLLABLE_BYTES)
        return " ".join(kept)
    return " ".join(map(str.__add__, syllables, positions))


def _quoted_lexeme(syllable: str) -> str:
    return f"'{syllable}'"


def _quoted(phrase: tuple[str, ...]) -> str:
    """A phrase as an FTS5 string: syllables are letters and digits only, so nothing needs escaping."""
    return '"' + " ".join(phrase) + '"'


def _exact(query: Query) -> list[ColumnElement[bool]]:
    """In exact mode, the condition that the passage's exact syllables hold each phrase, whole syllables in a
    row (the folded match has already found the candidates through the index); none otherwise."""
    if not query.accents:
        return []
    padded = literal(" ") + SearchPassage.syllables + literal(" ")
    return [and_(*(padded.contains(f" {' '.join(p)} ", autoescape=True) for p in query.phrases))]


def engine_for(session: Session) -> SearchEngine:
    """The engine of the session's database."""
    dialect = session.get_bind().dialect.name
    return PostgresFullText() if dialect == "postgresql" else SqliteFts5()
